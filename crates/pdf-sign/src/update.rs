//! The incremental update that adds one signature: signature dictionary, field and widget,
//! the page's `/Annots`, the AcroForm, and an xref section of the same kind as the last one.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_raw::{Obj, RawPdf, XrefKind};
use time::{OffsetDateTime, UtcOffset};

use crate::keys::KeySource;
use crate::xref_out::XrefTail;
use crate::{PdfPart, SignError, SignOptions, StructureProblem};

/// Vietnam time (UTC+07:00, no daylight saving): every time vbdt writes or shows.
pub(crate) const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

const BYTE_RANGE_PLACEHOLDER: &str = "/ByteRange [0 0000000000 0000000000 0000000000]";

/// Everything about the update except the size of the `/Contents` hole.
pub(crate) struct Prepared {
    pub field_name: String,
    input_len: usize,
    needs_leading_newline: bool,
    sig_object: u32,
    /// The signature dictionary, split around the `/Contents` value.
    sig_head: Vec<u8>,
    sig_tail: Vec<u8>,
    /// Other objects of the update (number, generation, body).
    objects: Vec<(u32, u16, Vec<u8>)>,
    xref_kind: XrefKind,
    prev_xref: usize,
    next_number: u32,
    trailer_copy: Vec<(Vec<u8>, Obj)>,
}

/// The update rendered with a hole of a given size.
pub(crate) struct Placeholder {
    pub bytes: Vec<u8>,
    /// The hex string `<…>` within `bytes`.
    hole: Range<usize>,
    pub byte_range: [usize; 4],
}

pub(crate) fn bad(why: StructureProblem) -> SignError {
    SignError::BadInput(crate::error::InputProblem::Structure(why))
}

/// The error for `part`, which lopdf cannot read as what it must be.
pub(crate) fn unreadable(part: PdfPart) -> impl FnOnce(lopdf::Error) -> SignError {
    move |source| bad(StructureProblem::Unreadable { part, source })
}

pub(crate) fn serialize(obj: &Object) -> Result<Vec<u8>, SignError> {
    let mut out = Vec::new();
    lopdf::Writer::write_object(&mut out, obj).map_err(|e| SignError::Internal(crate::InternalError::Serialize(e)))?;
    Ok(out)
}

fn pdf_date(t: OffsetDateTime) -> String {
    let t = t.to_offset(VIETNAM);
    format!("D:{:04}{:02}{:02}{:02}{:02}{:02}+07'00'", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

/// Object numbers for the update, handed out in a row.
struct Numbers {
    next: u32,
}

impl Numbers {
    /// The first number free in the file: new numbers must not collide with a dangling
    /// reference somewhere in it, or a new object would silently give that reference a
    /// target in earlier revisions' eyes.
    fn after(raw: &RawPdf, doc: &Document) -> Self {
        Numbers { next: raw.next_object_number().max(doc.max_id.saturating_add(1)).max(highest_reference(doc).saturating_add(1)) }
    }

    fn alloc(&mut self) -> u32 {
        let n = self.next;
        self.next += 1;
        n
    }
}

/// The document's AcroForm as found: its dictionary, its object when it is one, and whether
/// the catalog has an `/AcroForm` entry at all.
struct FoundForm {
    dict: Dictionary,
    id: Option<ObjectId>,
    in_catalog: bool,
}

/// Reads the input and plans the update. Refuses encrypted, certified-no-changes and
/// broken files before any key is used.
pub(crate) fn prepare(input: &[u8], key: &dyn KeySource, opts: &SignOptions) -> Result<Prepared, SignError> {
    let (raw, doc) = read_input(input)?;
    let root_id = match raw.trailer().get(b"Root") {
        Some(Obj::Ref(n, g)) => (*n, *g),
        _ => return Err(bad(StructureProblem::NoRoot)),
    };
    let catalog = doc.get_dictionary(root_id).map_err(unreadable(PdfPart::Catalog))?.clone();
    refuse_if_certified_no_changes(&doc, &catalog)?;

    let pages = doc.get_pages();
    let page_id = signing_page(&doc, &pages, opts)?;

    let mut numbers = Numbers::after(&raw, &doc);
    let sig_object = numbers.alloc();
    let widget_object = numbers.alloc();
    let widget_ref = Object::Reference((widget_object, 0));
    let appearance_objects = appearance_objects(opts, &mut numbers)?;

    let form = found_form(&doc, &catalog)?;
    let existing = field_names(&doc, &form.dict)?;
    let field_name = choose_field_name(opts, &existing)?;

    // The clerk's blanks (S11): reserved by the personal signature, filled by the organization's.
    let page_ids: Vec<ObjectId> = pages.values().copied().collect();
    let reserved = crate::form_fields::reserve(&opts.reserve_blanks, &page_ids, &existing, &mut || numbers.alloc())?;
    let filled = crate::form_fields::fill(&doc, &form.dict, &opts.fill_fields, &mut || numbers.alloc())?;
    let mut new_fields = vec![widget_ref.clone()];
    new_fields.extend(reserved.fields.iter().cloned());

    let mut updated: Vec<(ObjectId, Object)> = Vec::new();
    add_fields(&doc, opts, &form, (root_id, &catalog), &new_fields, &mut numbers, &mut updated)?;

    // The widget on its page.
    let mut annots = vec![(page_id, widget_ref.clone())];
    annots.extend(reserved.annots.iter().cloned());
    add_annotations(&doc, &annots, &mut updated)?;
    updated.extend(filled.updated.iter().cloned());

    let widget = signature_widget(opts, &field_name, sig_object, page_id, &appearance_objects);
    let mut objects = vec![(widget_object, 0u16, serialize(&Object::Dictionary(widget))?)];
    for (n, obj) in &appearance_objects {
        objects.push((*n, 0, serialize(obj)?));
    }
    for (n, body) in reserved.objects.into_iter().chain(filled.objects) {
        objects.push((n, 0, body));
    }
    for ((n, g), obj) in &updated {
        objects.push((*n, *g, serialize(obj)?));
    }

    Ok(Prepared {
        field_name,
        input_len: input.len(),
        needs_leading_newline: !matches!(input.last(), Some(b'\n' | b'\r')),
        sig_object,
        sig_head: signature_head(),
        sig_tail: signature_tail(key, opts, root_id)?,
        objects,
        xref_kind: raw.last().kind,
        prev_xref: raw.last().xref_offset,
        next_number: numbers.next,
        trailer_copy: crate::xref_out::copied_trailer_entries(&raw),
    })
}

/// The raw revisions and the newest revision's objects; refuses an encrypted file.
fn read_input(input: &[u8]) -> Result<(RawPdf, Document), SignError> {
    let raw = RawPdf::parse(input).map_err(crate::error::InputProblem::NotPdf)?;
    if raw.is_encrypted() {
        return Err(SignError::Encrypted);
    }
    // Our own loader reads only what the newest revision uses and leaves large image data
    // in the file; lopdf's loader (which repairs broken xref data) is the fallback.
    let doc = match pdf_raw::RevisionLoader::new(input, &raw, &pdf_raw::Limits::default()).load(raw.revisions.len() - 1) {
        Ok(d) => d,
        Err(_) => Document::load_mem(input).map_err(|e| bad(StructureProblem::Objects(e)))?,
    };
    if doc.is_encrypted() {
        return Err(SignError::Encrypted);
    }
    Ok((raw, doc))
}

/// The page the widget goes on: the appearance's page, or the first for an invisible one.
fn signing_page(doc: &Document, pages: &BTreeMap<u32, ObjectId>, opts: &SignOptions) -> Result<ObjectId, SignError> {
    let page_id = match &opts.appearance {
        stamp_layout::Appearance::Invisible => *pages.values().next().ok_or_else(|| bad(StructureProblem::NoPages))?,
        stamp_layout::Appearance::Visible(v) => {
            *pages.values().nth(v.page).ok_or_else(|| bad(StructureProblem::NoSuchPage { page: v.page + 1, pages: pages.len() }))?
        }
    };
    doc.get_dictionary(page_id).map_err(unreadable(PdfPart::PageToSign))?;
    Ok(page_id)
}

/// The visible appearance: a form XObject and what it uses, numbered in a row.
fn appearance_objects(opts: &SignOptions, numbers: &mut Numbers) -> Result<Vec<(u32, Object)>, SignError> {
    match &opts.appearance {
        stamp_layout::Appearance::Invisible => Ok(Vec::new()),
        stamp_layout::Appearance::Visible(v) => {
            let first = numbers.alloc();
            let objs = v.form.to_objects(first).map_err(|e| SignError::Internal(crate::InternalError::Appearance(e)))?;
            for _ in 1..objs.len() {
                numbers.alloc();
            }
            Ok(objs)
        }
    }
}

fn found_form(doc: &Document, catalog: &Dictionary) -> Result<FoundForm, SignError> {
    let entry = catalog.get(b"AcroForm").ok();
    let (dict, id) = match entry {
        Some(Object::Reference(id)) => (doc.get_dictionary(*id).map_err(unreadable(PdfPart::AcroForm))?.clone(), Some(*id)),
        Some(Object::Dictionary(d)) => (d.clone(), None),
        _ => (Dictionary::new(), None),
    };
    Ok(FoundForm { dict, id, in_catalog: entry.is_some() })
}

/// The name asked for (refused when taken), else `Sig_<role>`, `Sig_<role>_2`, … the first free.
fn choose_field_name(opts: &SignOptions, existing: &BTreeSet<String>) -> Result<String, SignError> {
    Ok(match &opts.field_name {
        Some(n) if existing.contains(n) => return Err(bad(StructureProblem::FieldExists(n.clone()))),
        Some(n) => n.clone(),
        None => {
            let base = format!("Sig_{}", opts.role.pdf_name());
            (1..).map(|i| if i == 1 { base.clone() } else { format!("{base}_{i}") }).find(|n| !existing.contains(n)).unwrap_or(base)
        }
    })
}

/// Adds `new_fields` to the AcroForm's `/Fields` and sets `/SigFlags 3`: the rewritten
/// `/Fields` array, AcroForm or catalog go to `updated` (a new AcroForm object when the
/// catalog has none).
fn add_fields(
    doc: &Document,
    opts: &SignOptions,
    form: &FoundForm,
    (root_id, catalog): (ObjectId, &Dictionary),
    new_fields: &[Object],
    numbers: &mut Numbers,
    updated: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    let mut new_acroform = form.dict.clone();
    if !opts.reserve_blanks.is_empty() {
        crate::form_fields::with_da_font(doc, &mut new_acroform);
    }
    match form.dict.get(b"Fields") {
        Ok(Object::Reference(fields_id)) => {
            let mut arr = doc.get_object(*fields_id).and_then(Object::as_array).map_err(unreadable(PdfPart::AcroFormFields))?.clone();
            arr.extend(new_fields.iter().cloned());
            updated.push((*fields_id, Object::Array(arr)));
        }
        Ok(Object::Array(arr)) => {
            let mut arr = arr.clone();
            arr.extend(new_fields.iter().cloned());
            new_acroform.set("Fields", Object::Array(arr));
        }
        _ => new_acroform.set("Fields", Object::Array(new_fields.to_vec())),
    }
    new_acroform.set("SigFlags", Object::Integer(3));
    match form.id {
        Some(id) => updated.push((id, Object::Dictionary(new_acroform))),
        None => {
            let mut new_catalog = catalog.clone();
            if form.in_catalog {
                new_catalog.set("AcroForm", Object::Dictionary(new_acroform));
            } else {
                let af = numbers.alloc();
                updated.push(((af, 0), Object::Dictionary(new_acroform)));
                new_catalog.set("AcroForm", Object::Reference((af, 0)));
            }
            updated.push((root_id, Object::Dictionary(new_catalog)));
        }
    }
    Ok(())
}

/// The signature field's merged field and widget: printed and locked, with the appearance
/// (when visible) and the `/Lock` on the fields this signature fills.
fn signature_widget(
    opts: &SignOptions,
    field_name: &str,
    sig_object: u32,
    page_id: ObjectId,
    appearance_objects: &[(u32, Object)],
) -> Dictionary {
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", lopdf::text_string(field_name));
    widget.set("V", Object::Reference((sig_object, 0)));
    // Print + Locked.
    widget.set("F", Object::Integer(132));
    match &opts.appearance {
        stamp_layout::Appearance::Invisible => widget.set("Rect", Object::Array(vec![0.into(), 0.into(), 0.into(), 0.into()])),
        stamp_layout::Appearance::Visible(v) => {
            let r = v.rect;
            let coord = |x: f32| Object::Real((x * 1000.0).round() / 1000.0);
            widget.set("Rect", Object::Array(vec![coord(r.x0), coord(r.y0), coord(r.x1), coord(r.y1)]));
            if let Some((first, _)) = appearance_objects.first() {
                let mut ap = Dictionary::new();
                ap.set("N", Object::Reference((*first, 0)));
                widget.set("AP", Object::Dictionary(ap));
            }
        }
    }
    widget.set("P", Object::Reference(page_id));
    // The fields this signature fills are locked by it (FieldMDP): a later change to them
    // breaks it in every validator that honours locks, as it does in vbdt.
    if let Some(fields) = crate::form_fields::filled_names(&opts.fill_fields) {
        let mut lock = Dictionary::new();
        lock.set("Type", Object::Name(b"SigFieldLock".to_vec()));
        lock.set("Action", Object::Name(b"Include".to_vec()));
        lock.set("Fields", fields);
        widget.set("Lock", Object::Dictionary(lock));
    }
    widget
}

/// The signature dictionary up to its `/Contents` value.
fn signature_head() -> Vec<u8> {
    let mut head = Vec::new();
    head.extend_from_slice(b"<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ");
    head.extend_from_slice(BYTE_RANGE_PLACEHOLDER.as_bytes());
    head.extend_from_slice(b" /Contents ");
    head
}

/// The signature dictionary after its `/Contents` value: time, reason, signer, FieldMDP
/// reference and vbdt's own entries.
fn signature_tail(key: &dyn KeySource, opts: &SignOptions, root_id: ObjectId) -> Result<Vec<u8>, SignError> {
    let mut tail = Vec::new();
    tail.extend_from_slice(format!(" /M ({})", pdf_date(opts.signing_time)).as_bytes());
    for (k, v) in [("Reason", &opts.reason), ("Location", &opts.location), ("ContactInfo", &opts.contact)] {
        if let Some(v) = v {
            tail.extend_from_slice(format!(" /{k} ").as_bytes());
            tail.extend_from_slice(&serialize(&lopdf::text_string(v))?);
        }
    }
    let signer_name = key.chain().first().and_then(chain_check::cert::common_name).unwrap_or_default();
    if !signer_name.is_empty() {
        tail.extend_from_slice(b" /Name ");
        tail.extend_from_slice(&serialize(&lopdf::text_string(&signer_name))?);
    }
    tail.extend_from_slice(format!(" /Prop_Build <</App <</Name /vbdt /REx ({})>>>>", env!("CARGO_PKG_VERSION")).as_bytes());
    if let Some(fields) = crate::form_fields::filled_names(&opts.fill_fields) {
        tail.extend_from_slice(
            format!(" /Reference [<</Type /SigRef /TransformMethod /FieldMDP /Data {} {} R /TransformParams <</Type /TransformParams /Action /Include /V /1.2 /Fields ", root_id.0, root_id.1).as_bytes(),
        );
        tail.extend_from_slice(&serialize(&fields)?);
        tail.extend_from_slice(b">>>>]");
    }
    tail.extend_from_slice(format!(" /VBDT_Role /{}", opts.role.pdf_name()).as_bytes());
    if let Some(reason) = &opts.check_override {
        tail.extend_from_slice(b" /VBDT_Override ");
        tail.extend_from_slice(&serialize(&lopdf::text_string(reason))?);
    }
    if let Some(kind) = opts.document_kind {
        tail.extend_from_slice(format!(" /VBDT_Kind /{}", kind.pdf_name()).as_bytes());
    }
    tail.extend_from_slice(b">>");
    Ok(tail)
}

fn refuse_if_certified_no_changes(doc: &Document, catalog: &Dictionary) -> Result<(), SignError> {
    let resolve = |o: &Object| -> Option<Object> {
        match o {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let Some(Object::Dictionary(perms)) = catalog.get(b"Perms").ok().and_then(resolve) else {
        return Ok(());
    };
    let Some(Object::Dictionary(sig)) = perms.get(b"DocMDP").ok().and_then(resolve) else {
        return Ok(());
    };
    let Some(Object::Array(refs)) = sig.get(b"Reference").ok().and_then(resolve) else {
        return Ok(());
    };
    for r in refs {
        let Some(Object::Dictionary(rd)) = resolve(&r) else { continue };
        let Some(Object::Dictionary(params)) = rd.get(b"TransformParams").ok().and_then(resolve) else { continue };
        if matches!(params.get(b"P"), Ok(Object::Integer(1))) {
            return Err(SignError::CertifiedNoChanges);
        }
    }
    Ok(())
}

/// The highest object number any reference in the document points to.
fn highest_reference(doc: &Document) -> u32 {
    fn walk(o: &Object, max: &mut u32, depth: usize) {
        if depth > 64 {
            return;
        }
        match o {
            Object::Reference((n, _)) => *max = (*max).max(*n),
            Object::Array(a) => a.iter().for_each(|x| walk(x, max, depth + 1)),
            Object::Dictionary(d) => d.iter().for_each(|(_, x)| walk(x, max, depth + 1)),
            Object::Stream(s) => s.dict.iter().for_each(|(_, x)| walk(x, max, depth + 1)),
            _ => {}
        }
    }
    let mut max = 0;
    for o in doc.objects.values() {
        walk(o, &mut max, 0);
    }
    for (_, o) in doc.trailer.iter() {
        walk(o, &mut max, 0);
    }
    max
}

/// Fully qualified names of the form's fields. A field tree with a cycle is refused:
/// other validators cannot read such a file, so a signature added to it would be useless.
fn field_names(doc: &Document, acroform: &Dictionary) -> Result<BTreeSet<String>, SignError> {
    let mut names = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<(Object, String, usize)> = match acroform.get(b"Fields") {
        Ok(Object::Reference(id)) => doc
            .get_object(*id)
            .and_then(Object::as_array)
            .map(|a| a.iter().map(|o| (o.clone(), String::new(), 0)).collect())
            .unwrap_or_default(),
        Ok(Object::Array(a)) => a.iter().map(|o| (o.clone(), String::new(), 0)).collect(),
        _ => Vec::new(),
    };
    while let Some((obj, parent, depth)) = stack.pop() {
        if depth > 32 || names.len() > 100_000 {
            return Err(bad(StructureProblem::FieldTreeTooLarge));
        }
        let dict = match &obj {
            Object::Reference(id) => {
                if !seen.insert(*id) {
                    return Err(bad(StructureProblem::FieldTreeCycle));
                }
                match doc.get_dictionary(*id) {
                    Ok(d) => d,
                    Err(_) => continue,
                }
            }
            Object::Dictionary(d) => d,
            _ => continue,
        };
        let partial = match dict.get(b"T") {
            Ok(Object::String(bytes, _)) => lopdf::decode_text_string(&Object::String(bytes.clone(), lopdf::StringFormat::Literal)).ok(),
            _ => None,
        };
        let full = match (&partial, parent.is_empty()) {
            (Some(p), true) => p.clone(),
            (Some(p), false) => format!("{parent}.{p}"),
            (None, _) => parent.clone(),
        };
        if partial.is_some() {
            names.insert(full.clone());
        }
        if let Ok(Object::Array(kids)) = dict.get(b"Kids") {
            for k in kids {
                stack.push((k.clone(), full.clone(), depth + 1));
            }
        }
    }
    Ok(names)
}

impl Prepared {
    /// Lays the update out with room for `capacity` bytes of DER in `/Contents`.
    pub(crate) fn with_contents_capacity(&self, capacity: usize) -> Result<Placeholder, SignError> {
        let mut out = Vec::new();
        if self.needs_leading_newline {
            out.push(b'\n');
        }
        let mut offsets: Vec<(u32, u16, usize)> = Vec::new();

        offsets.push((self.sig_object, 0, self.input_len + out.len()));
        out.extend_from_slice(format!("{} 0 obj\n", self.sig_object).as_bytes());
        let byte_range_at = out.len() + self.sig_head.len() - BYTE_RANGE_PLACEHOLDER.len() - b" /Contents ".len();
        out.extend_from_slice(&self.sig_head);
        let hole_start = out.len();
        out.push(b'<');
        out.resize(out.len() + capacity * 2, b'0');
        out.push(b'>');
        let hole = hole_start..out.len();
        out.extend_from_slice(&self.sig_tail);
        out.extend_from_slice(b"\nendobj\n");

        for (n, g, body) in &self.objects {
            offsets.push((*n, *g, self.input_len + out.len()));
            out.extend_from_slice(format!("{n} {g} obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }

        let xref_at = self.input_len + out.len();
        let tail = XrefTail { kind: self.xref_kind, next_number: self.next_number, copied: &self.trailer_copy, prev_xref: self.prev_xref };
        crate::xref_out::finish(&mut out, offsets, xref_at, &tail);

        let total = self.input_len + out.len();
        let abs_hole = (self.input_len + hole.start, self.input_len + hole.end);
        let byte_range = [0, abs_hole.0, abs_hole.1, total - abs_hole.1];
        let text = format!("/ByteRange [{} {} {} {}]", byte_range[0], byte_range[1], byte_range[2], byte_range[3]);
        // The placeholder has room for ten-digit offsets (files under 10 GB); pad with spaces.
        if text.len() > BYTE_RANGE_PLACEHOLDER.len() {
            return Err(SignError::BadInput(crate::error::InputProblem::TooLarge));
        }
        let padded = format!("{text:<width$}", width = BYTE_RANGE_PLACEHOLDER.len());
        out[byte_range_at..byte_range_at + padded.len()].copy_from_slice(padded.as_bytes());
        Ok(Placeholder { bytes: out, hole, byte_range })
    }
}

impl Placeholder {
    /// The digest of everything the signature covers: the input, then the update minus the hole.
    /// `input_state` has hashed the whole input already (once, however many rounds).
    pub(crate) fn digest(&self, input_state: &chain_check::digest::Hasher) -> Vec<u8> {
        let mut h = input_state.clone();
        h.update(&self.bytes[..self.hole.start]);
        h.update(&self.bytes[self.hole.end..]);
        h.finish()
    }

    /// Writes the DER signature into the hole as hex (the rest stays zero padding).
    pub(crate) fn fill(&mut self, der: &[u8]) -> Result<(), SignError> {
        let room = (self.hole.end - self.hole.start - 2) / 2;
        if der.len() > room {
            return Err(SignError::Internal(crate::InternalError::LargerThanReserved));
        }
        let hex = hex::encode_upper(der);
        let start = self.hole.start + 1;
        self.bytes[start..start + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(())
    }
}

/// Adds each widget to its page's `/Annots`, every page rewritten once.
pub(crate) fn add_annotations(
    doc: &Document,
    annots: &[(ObjectId, Object)],
    updated: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    let mut pages: Vec<ObjectId> = annots.iter().map(|(p, _)| *p).collect();
    pages.dedup();
    pages.sort();
    pages.dedup();
    for page_id in pages {
        let page = doc.get_dictionary(page_id).map_err(unreadable(PdfPart::PageForField))?;
        let mine: Vec<Object> = annots.iter().filter(|(p, _)| *p == page_id).map(|(_, a)| a.clone()).collect();
        match page.get(b"Annots") {
            Ok(Object::Reference(annots_id)) => {
                let mut arr = doc.get_object(*annots_id).and_then(Object::as_array).map_err(unreadable(PdfPart::PageAnnots))?.clone();
                arr.extend(mine);
                updated.push((*annots_id, Object::Array(arr)));
            }
            other => {
                let mut arr = match other {
                    Ok(Object::Array(a)) => a.clone(),
                    _ => Vec::new(),
                };
                arr.extend(mine);
                let mut new_page = page.clone();
                new_page.set("Annots", Object::Array(arr));
                updated.push((page_id, Object::Dictionary(new_page)));
            }
        }
    }
    Ok(())
}

/// Adds `annot` to the page's `/Annots`: the array object rewritten when the page refers to
/// one, else the page with the longer array.
pub(crate) fn add_annotation(
    doc: &Document,
    page_id: ObjectId,
    page: &Dictionary,
    annot: Object,
    updated: &mut Vec<(ObjectId, Object)>,
) -> Result<(), SignError> {
    match page.get(b"Annots") {
        Ok(Object::Reference(annots_id)) => {
            let mut arr = doc.get_object(*annots_id).and_then(Object::as_array).map_err(unreadable(PdfPart::PageAnnots))?.clone();
            arr.push(annot);
            updated.push((*annots_id, Object::Array(arr)));
        }
        other => {
            let mut arr = match other {
                Ok(Object::Array(a)) => a.clone(),
                _ => Vec::new(),
            };
            arr.push(annot);
            let mut new_page = page.clone();
            new_page.set("Annots", Object::Array(arr));
            updated.push((page_id, Object::Dictionary(new_page)));
        }
    }
    Ok(())
}
