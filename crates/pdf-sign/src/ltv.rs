//! Long-term validation (PAdES B-LT and B-LTA): the incremental update that adds validation
//! data to the Document Security Store (`/DSS` with `/Certs`, `/OCSPs`, `/CRLs` and one
//! `/VRI` entry per signature), and the one that adds a document timestamp
//! (`/Type /DocTimeStamp /SubFilter /ETSI.RFC3161`).
//!
//! Both are written as bytes appended after the input's last byte, with an xref section of
//! the same kind as the last one (table or stream), like a signature (see `update.rs`).
//! Existing DSS entries and VRI entries are kept unchanged: validators (and vbdt's own
//! modification analysis) only allow the DSS to grow.

use std::collections::{BTreeMap, BTreeSet};

use chain_check::digest::DigestAlg;
use chain_check::http::HttpLimits;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use pdf_raw::{Obj, RawPdf};

use crate::update::{bad, serialize, unreadable};
use crate::xref_out::XrefTail;
use crate::SignError;
use crate::{PdfPart, StructureProblem};

/// Validation data for one signature or timestamp: its `/VRI` entry.
#[derive(Debug, Clone, Default)]
pub struct VriEntry {
    /// The whole decoded `/Contents` of the signature (the VRI key is its SHA-1).
    pub contents: Vec<u8>,
    /// DER certificates, OCSP responses and CRLs that validate it.
    pub certs: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
}

/// What to add to the DSS. Items already in the DSS (same bytes) are not added twice.
#[derive(Debug, Clone, Default)]
pub struct DssAddition {
    pub certs: Vec<Vec<u8>>,
    pub ocsps: Vec<Vec<u8>>,
    pub crls: Vec<Vec<u8>>,
    pub vri: Vec<VriEntry>,
}

/// Room reserved for a document timestamp token (DER bytes).
const TOKEN_CAPACITY: usize = 12_000;
const BYTE_RANGE_PLACEHOLDER: &str = "/ByteRange [0 0000000000 0000000000 0000000000]";

/// The input read twice: raw revisions (xref kind, trailer) and objects.
struct Input<'a> {
    bytes: &'a [u8],
    raw: RawPdf,
    doc: Document,
    root_id: ObjectId,
    catalog: Dictionary,
    next: u32,
}

impl<'a> Input<'a> {
    fn read(bytes: &'a [u8]) -> Result<Self, SignError> {
        let raw = RawPdf::parse(bytes).map_err(crate::error::InputProblem::NotPdf)?;
        if raw.is_encrypted() {
            return Err(SignError::Encrypted);
        }
        let doc = Document::load_mem(bytes).map_err(|e| bad(StructureProblem::Objects(e)))?;
        let root_id = match raw.trailer().get(b"Root") {
            Some(Obj::Ref(n, g)) => (*n, *g),
            _ => return Err(bad(StructureProblem::NoRoot)),
        };
        let catalog = doc.get_dictionary(root_id).map_err(unreadable(PdfPart::Catalog))?.clone();
        let next = raw.next_object_number().max(doc.max_id.saturating_add(1));
        Ok(Input { bytes, raw, doc, root_id, catalog, next })
    }

    fn alloc(&mut self) -> u32 {
        let n = self.next;
        self.next += 1;
        n
    }
}

/// An update being laid out: object bodies in order, then the xref section.
struct Writer {
    base: usize,
    out: Vec<u8>,
    offsets: Vec<(u32, u16, usize)>,
}

impl Writer {
    fn new(input: &[u8]) -> Self {
        let mut out = Vec::new();
        if !matches!(input.last(), Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        Writer { base: input.len(), out, offsets: Vec::new() }
    }

    fn object(&mut self, id: ObjectId, body: &[u8]) {
        self.offsets.push((id.0, id.1, self.base + self.out.len()));
        self.out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn finish(mut self, input: &Input<'_>, size: u32) -> Vec<u8> {
        let xref_at = self.base + self.out.len();
        let copied = crate::xref_out::copied_trailer_entries(&input.raw);
        let tail = XrefTail { kind: input.raw.last().kind, next_number: size, copied: &copied, prev_xref: input.raw.last().xref_offset };
        crate::xref_out::finish(&mut self.out, self.offsets, xref_at, &tail);
        self.out
    }
}

/// The DSS array `key` as (reference, decoded bytes) pairs.
fn existing_items(doc: &Document, dss: &Dictionary, key: &[u8]) -> Vec<(Object, Vec<u8>)> {
    let arr = match dss.get(key) {
        Ok(Object::Array(a)) => a.clone(),
        Ok(Object::Reference(id)) => doc.get_object(*id).ok().and_then(|o| o.as_array().ok()).cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    arr.into_iter()
        .map(|o| {
            let data = match &o {
                Object::Reference(id) => match doc.get_object(*id) {
                    Ok(Object::Stream(s)) => {
                        if s.dict.has(b"Filter") {
                            s.decompressed_content().unwrap_or_default()
                        } else {
                            s.content.clone()
                        }
                    }
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            (o, data)
        })
        .collect()
}

/// The update that adds `add` to the document's DSS (creating it when missing). Returns
/// the bytes to append to `input`, or None when there is nothing new to add.
pub fn dss_update(input: &[u8], add: &DssAddition) -> Result<Option<Vec<u8>>, SignError> {
    Ok(dss_update_counted(input, add)?.map(|(bytes, _)| bytes))
}

/// [`dss_update`], with how many OCSP responses and CRLs it newly writes into the DSS
/// (those already there are not counted).
pub fn dss_update_counted(input: &[u8], add: &DssAddition) -> Result<Option<(Vec<u8>, usize)>, SignError> {
    let mut inp = Input::read(input)?;
    let (dss_id, dss): (Option<ObjectId>, Dictionary) = match inp.catalog.get(b"DSS") {
        Ok(Object::Reference(id)) => (Some(*id), inp.doc.get_dictionary(*id).map_err(unreadable(PdfPart::Dss))?.clone()),
        Ok(Object::Dictionary(d)) => (None, d.clone()),
        _ => (None, Dictionary::new()),
    };
    let mut w = Writer::new(input);
    let mut changed = false;
    let mut new_revocation = 0usize;
    // One array per kind: the existing references, then new streams for new bytes.
    let mut refs_by_bytes: BTreeMap<Vec<u8>, Object> = BTreeMap::new();
    let mut arrays: Vec<(&[u8], Vec<Object>)> = Vec::new();
    for (key, items) in [(b"Certs".as_slice(), &add.certs), (b"OCSPs".as_slice(), &add.ocsps), (b"CRLs".as_slice(), &add.crls)] {
        let existing = existing_items(&inp.doc, &dss, key);
        let mut arr: Vec<Object> = existing.iter().map(|(o, _)| o.clone()).collect();
        for (o, data) in existing {
            if !data.is_empty() {
                refs_by_bytes.entry(data).or_insert(o);
            }
        }
        let all_vri = add.vri.iter().flat_map(|v| match key {
            b"Certs" => v.certs.iter(),
            b"OCSPs" => v.ocsps.iter(),
            _ => v.crls.iter(),
        });
        for der in items.iter().chain(all_vri) {
            if refs_by_bytes.contains_key(der) {
                continue;
            }
            let id = (inp.alloc(), 0);
            let mut s = Stream::new(Dictionary::new(), der.clone());
            s.dict.set("Length", Object::Integer(der.len() as i64));
            w.object(id, &serialize(&Object::Stream(s))?);
            refs_by_bytes.insert(der.clone(), Object::Reference(id));
            arr.push(Object::Reference(id));
            changed = true;
            if key != b"Certs" {
                new_revocation += 1;
            }
        }
        arrays.push((key, arr));
    }
    // VRI: existing entries stay as they are; new ones for signatures without one.
    let mut vri = match dss.get(b"VRI") {
        Ok(Object::Reference(id)) => inp.doc.get_dictionary(*id).cloned().unwrap_or_default(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut seen = BTreeSet::new();
    for entry in &add.vri {
        let key = hex::encode_upper(DigestAlg::Sha1.digest(&entry.contents));
        if vri.has(key.as_bytes()) || !seen.insert(key.clone()) {
            continue;
        }
        let mut d = Dictionary::new();
        for (name, items) in [("Cert", &entry.certs), ("OCSP", &entry.ocsps), ("CRL", &entry.crls)] {
            let refs: Vec<Object> = items.iter().filter_map(|der| refs_by_bytes.get(der).cloned()).collect();
            if !refs.is_empty() {
                d.set(name, Object::Array(refs));
            }
        }
        vri.set(key.into_bytes(), Object::Dictionary(d));
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    let mut new_dss = dss.clone();
    new_dss.set("Type", Object::Name(b"DSS".to_vec()));
    for (key, arr) in arrays {
        if !arr.is_empty() {
            new_dss.set(key.to_vec(), Object::Array(arr));
        }
    }
    if !vri.is_empty() {
        new_dss.set("VRI", Object::Dictionary(vri));
    }
    let dss_obj = match dss_id {
        Some(id) => id,
        None => (inp.alloc(), 0),
    };
    w.object(dss_obj, &serialize(&Object::Dictionary(new_dss))?);
    if dss_id.is_none() {
        let mut catalog = inp.catalog.clone();
        catalog.set("DSS", Object::Reference(dss_obj));
        let root = inp.root_id;
        w.object(root, &serialize(&Object::Dictionary(catalog))?);
    }
    let size = inp.next;
    Ok(Some((w.finish(&inp, size), new_revocation)))
}

/// Field names at the top level of the form (enough to pick a fresh name).
fn top_field_names(doc: &Document, fields: &[Object]) -> BTreeSet<String> {
    fields
        .iter()
        .filter_map(|f| match f {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        })
        .filter_map(|d| d.get(b"T").ok())
        .filter_map(|t| lopdf::decode_text_string(t).ok())
        .collect()
}

/// The update that adds a document timestamp from `tsa_url` over the whole of `input`
/// (PAdES B-LTA): an invisible signature field on page 1 whose value is a
/// `/DocTimeStamp` dictionary with an RFC 3161 token (SHA-256 imprint).
pub fn doc_timestamp_update(input: &[u8], tsa_url: &str, http: &HttpLimits) -> Result<(Vec<u8>, String), SignError> {
    let mut inp = Input::read(input)?;
    let pages = inp.doc.get_pages();
    let page_id = *pages.values().next().ok_or_else(|| bad(StructureProblem::NoPages))?;
    let page = inp.doc.get_dictionary(page_id).map_err(unreadable(PdfPart::FirstPage))?.clone();
    let sig_object = inp.alloc();
    let widget_object = inp.alloc();
    let widget_ref = Object::Reference((widget_object, 0));
    let mut updated: Vec<(ObjectId, Object)> = Vec::new();

    let acroform_entry = inp.catalog.get(b"AcroForm").ok().cloned();
    let (acroform, acroform_id): (Dictionary, Option<ObjectId>) = match &acroform_entry {
        Some(Object::Reference(id)) => (inp.doc.get_dictionary(*id).map_err(unreadable(PdfPart::AcroForm))?.clone(), Some(*id)),
        Some(Object::Dictionary(d)) => (d.clone(), None),
        _ => (Dictionary::new(), None),
    };
    let fields: Vec<Object> = match acroform.get(b"Fields") {
        Ok(Object::Reference(id)) => inp.doc.get_object(*id).and_then(Object::as_array).cloned().unwrap_or_default(),
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    let names = top_field_names(&inp.doc, &fields);
    let field_name = (1..10_000).map(|i| format!("DocTimeStamp_{i}")).find(|n| !names.contains(n)).unwrap_or_else(|| "DocTimeStamp".into());
    let mut new_acroform = acroform.clone();
    match acroform.get(b"Fields") {
        Ok(Object::Reference(fields_id)) => {
            let mut arr = fields.clone();
            arr.push(widget_ref.clone());
            updated.push((*fields_id, Object::Array(arr)));
        }
        _ => {
            let mut arr = fields.clone();
            arr.push(widget_ref.clone());
            new_acroform.set("Fields", Object::Array(arr));
        }
    }
    new_acroform.set("SigFlags", Object::Integer(3));
    match acroform_id {
        Some(id) => updated.push((id, Object::Dictionary(new_acroform))),
        None => {
            let mut catalog = inp.catalog.clone();
            let af = inp.alloc();
            updated.push(((af, 0), Object::Dictionary(new_acroform)));
            catalog.set("AcroForm", Object::Reference((af, 0)));
            updated.push((inp.root_id, Object::Dictionary(catalog)));
        }
    }
    crate::update::add_annotation(&inp.doc, page_id, &page, widget_ref.clone(), &mut updated)?;
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", lopdf::text_string(&field_name));
    widget.set("V", Object::Reference((sig_object, 0)));
    widget.set("F", Object::Integer(132));
    widget.set("Rect", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()]));
    widget.set("P", Object::Reference(page_id));

    // Layout: the timestamp dictionary first (its hole), then the rest, then the xref.
    let mut w = Writer::new(input);
    let head = format!("<</Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 {BYTE_RANGE_PLACEHOLDER} /Contents ");
    let sig_start = w.out.len();
    w.offsets.push((sig_object, 0, w.base + sig_start));
    w.out.extend_from_slice(format!("{sig_object} 0 obj\n").as_bytes());
    let byte_range_at = w.out.len() + head.len() - BYTE_RANGE_PLACEHOLDER.len() - b" /Contents ".len();
    w.out.extend_from_slice(head.as_bytes());
    let hole_start = w.out.len();
    w.out.push(b'<');
    w.out.resize(w.out.len() + TOKEN_CAPACITY * 2, b'0');
    w.out.push(b'>');
    let hole_end = w.out.len();
    w.out.extend_from_slice(b">>\nendobj\n");
    w.object((widget_object, 0), &serialize(&Object::Dictionary(widget))?);
    for (id, obj) in &updated {
        w.object(*id, &serialize(obj)?);
    }
    let size = inp.next;
    let base = w.base;
    let mut out = w.finish(&inp, size);
    let total = base + out.len();
    let br = [0, base + hole_start, base + hole_end, total - (base + hole_end)];
    let text = format!("/ByteRange [{} {} {} {}]", br[0], br[1], br[2], br[3]);
    if text.len() > BYTE_RANGE_PLACEHOLDER.len() {
        return Err(SignError::BadInput(crate::error::InputProblem::TooLarge));
    }
    let padded = format!("{text:<width$}", width = BYTE_RANGE_PLACEHOLDER.len());
    out[byte_range_at..byte_range_at + padded.len()].copy_from_slice(padded.as_bytes());

    let mut h = chain_check::Hasher::new(DigestAlg::Sha256);
    h.update(inp.bytes);
    h.update(&out[..hole_start]);
    h.update(&out[hole_end..]);
    let imprint = h.finish();
    let token = crate::tsa::request_token(tsa_url, &imprint, DigestAlg::Sha256, http)?;
    if token.len() > TOKEN_CAPACITY {
        return Err(SignError::Timestamp {
            url: tsa_url.to_string(),
            problem: crate::error::TsaProblem::TooLarge { size: token.len(), capacity: TOKEN_CAPACITY },
        });
    }
    let hex = hex::encode_upper(&token);
    out[hole_start + 1..hole_start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok((out, field_name))
}
