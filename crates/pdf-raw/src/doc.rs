//! A lopdf [`Document`] of one revision, built from this crate's own reading of the
//! cross-reference sections instead of lopdf's loader.
//!
//! Why: lopdf's loader copies every stream into memory and merges all revisions; a signer
//! or verifier needs neither. Here each object is read where the revision's xref says it
//! is, and the data of large images is not copied at all, so a 50 MB scan is signed and
//! verified without its pixels ever entering the heap. Files this reader cannot take
//! (encrypted ones, broken xref offsets that need lopdf's repair) return an error and the
//! caller falls back to lopdf.

use std::collections::{BTreeMap, HashMap};

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use crate::lexer::{indirect_object_at, Dict, Lexer, Obj};
use crate::{Limits, RawError, RawPdf, XrefEntry};

/// Image streams with more data than this are not copied (see [`ElidedStream`]).
pub const ELIDE_IMAGES_OVER: usize = 1 << 20;

/// What an elided image stream holds instead of its data: a marker naming where the data
/// lies. Two revisions that share the stream share the marker, so comparing streams still
/// tells "the same object" from "redefined" (a redefined image compares as changed even
/// when its pixels are the same, which errs on the safe side).
pub struct ElidedStream;

impl ElidedStream {
    const PREFIX: &'static [u8] = b"%vbdt-elided-image-data ";

    fn marker(span: &std::ops::Range<usize>) -> Vec<u8> {
        let mut m = Self::PREFIX.to_vec();
        m.extend_from_slice(format!("{} {}", span.start, span.end - span.start).as_bytes());
        m
    }

    /// Is this stream's content a marker rather than its data?
    pub fn is_elided(stream: &Stream) -> bool {
        stream.content.starts_with(Self::PREFIX)
    }
}

/// Builds documents of a file's revisions, reading each object once however many
/// revisions are built (an object unchanged since revision 1 is parsed once).
pub struct RevisionLoader<'a> {
    bytes: &'a [u8],
    raw: &'a RawPdf,
    limits: Limits,
    by_offset: HashMap<usize, (u32, u16, Object)>,
    object_streams: HashMap<usize, Vec<(u32, Obj)>>,
    inflated_total: u64,
}

impl<'a> RevisionLoader<'a> {
    pub fn new(bytes: &'a [u8], raw: &'a RawPdf, limits: &Limits) -> Self {
        RevisionLoader { bytes, raw, limits: *limits, by_offset: HashMap::new(), object_streams: HashMap::new(), inflated_total: 0 }
    }

    /// Revision `upto` (0 = the original file) as a lopdf document. Errors when the file
    /// is encrypted or an object is not where its xref entry says.
    pub fn load(&mut self, upto: usize) -> Result<Document, RawError> {
        let raw = self.raw;
        let rev = self.revision(upto)?;
        // Where each object lives as of this revision: later sections win.
        let mut entries: BTreeMap<u32, XrefEntry> = BTreeMap::new();
        for r in &raw.revisions[..=upto] {
            for (num, e) in &r.entries {
                entries.insert(*num, *e);
            }
        }
        let mut doc = Document::new();
        doc.version = raw.header_version.clone();
        doc.trailer = trailer(rev);
        for (&num, entry) in &entries {
            if let Some((id, object)) = self.object(upto, num, *entry, Some(&entries))? {
                doc.max_id = doc.max_id.max(id.0);
                doc.objects.insert(id, object);
            }
        }
        Ok(doc)
    }

    /// Turns `doc`, a document of revision `from` made by [`Self::load`] (or by this),
    /// into revision `to` (later than `from`), reading only the objects the revisions in
    /// between wrote: walking a file's revisions in order costs what they changed, not
    /// what each of them holds. On an error `doc` is unusable; load the revision instead.
    pub fn advance(&mut self, doc: &mut Document, from: usize, to: usize) -> Result<(), RawError> {
        if to <= from {
            return Err(RawError::CannotAdvance { from, to });
        }
        let rev = self.revision(to)?;
        let raw = self.raw;
        let mut changed: BTreeMap<u32, XrefEntry> = BTreeMap::new();
        for r in &raw.revisions[from + 1..=to] {
            for (num, e) in &r.entries {
                changed.insert(*num, *e);
            }
        }
        doc.trailer = trailer(rev);
        for (&num, entry) in &changed {
            let stale: Vec<lopdf::ObjectId> = doc.objects.range((num, 0)..=(num, u16::MAX)).map(|(id, _)| *id).collect();
            for id in stale {
                doc.objects.remove(&id);
            }
            if let Some((id, object)) = self.object(to, num, *entry, None)? {
                doc.objects.insert(id, object);
            }
        }
        doc.max_id = doc.objects.keys().next_back().map_or(0, |id| id.0);
        Ok(())
    }

    fn revision(&self, i: usize) -> Result<&'a crate::Revision, RawError> {
        let raw = self.raw;
        let Some(rev) = raw.revisions.get(i) else {
            return Err(RawError::NoRevision(i));
        };
        if rev.trailer.get(b"Encrypt").is_some_and(|o| !matches!(o, Obj::Null)) {
            return Err(RawError::Encrypted);
        }
        Ok(rev)
    }

    /// Where object `num` lives as of revision `upto`.
    fn entry_as_of(&self, upto: usize, num: u32) -> Option<XrefEntry> {
        self.raw.revisions[..=upto].iter().rev().find_map(|r| r.entries.get(&num).copied())
    }

    /// Object `num` as revision `upto`'s xref `entry` gives it; None when free or stale.
    /// `entries`: every object's entry as of `upto`, when the caller has them.
    fn object(
        &mut self,
        upto: usize,
        num: u32,
        entry: XrefEntry,
        entries: Option<&BTreeMap<u32, XrefEntry>>,
    ) -> Result<Option<(lopdf::ObjectId, Object)>, RawError> {
        let rev = self.revision(upto)?;
        let bytes = &self.bytes[..rev.end.min(self.bytes.len())];
        Ok(Some(match entry {
            XrefEntry::Free => return Ok(None),
            XrefEntry::InFile { offset, gen } => {
                if !self.by_offset.contains_key(&offset) {
                    let io = indirect_object_at(bytes, offset, self.limits.max_depth)?;
                    let object = match (io.obj, io.stream) {
                        (Obj::Dict(d), Some(span)) => Object::Stream(stream(&d, bytes, span)),
                        (Obj::Dict(d), None) if d.get(b"ByteRange").is_some() => signature_dictionary(&d),
                        (obj, _) => object(&obj),
                    };
                    self.by_offset.insert(offset, (io.num, io.gen, object));
                }
                let Some((found, _, object)) = self.by_offset.get(&offset) else { return Ok(None) };
                if *found != num {
                    return Err(RawError::WrongObject { offset, num, found: *found });
                }
                ((num, gen), object.clone())
            }
            XrefEntry::InStream { stream: holder, index } => {
                let holder_entry = match entries {
                    Some(all) => all.get(&holder).copied(),
                    None => self.entry_as_of(upto, holder),
                };
                let Some(XrefEntry::InFile { offset: holder_at, .. }) = holder_entry else {
                    return Err(RawError::ObjectStreamNotInFile(holder));
                };
                if !self.object_streams.contains_key(&holder_at) {
                    let parsed = object_stream(bytes, holder, holder_at, &self.limits, &mut self.inflated_total)?;
                    self.object_streams.insert(holder_at, parsed);
                }
                let found = self.object_streams.get(&holder_at).and_then(|objs| objs.get(index as usize)).filter(|(n, _)| *n == num);
                match found {
                    Some((_, obj)) => ((num, 0), object(obj)),
                    // A stale entry (its object stream was rewritten): lopdf skips these too.
                    None => return Ok(None),
                }
            }
        }))
    }
}

/// A revision's trailer as lopdf shows a loaded document's: without the links to
/// earlier sections.
fn trailer(rev: &crate::Revision) -> Dictionary {
    let mut t = dictionary(&rev.trailer);
    t.remove(b"Prev");
    t.remove(b"XRefStm");
    t
}

fn object_stream(bytes: &[u8], holder: u32, offset: usize, limits: &Limits, inflated_total: &mut u64) -> Result<Vec<(u32, Obj)>, RawError> {
    let io = indirect_object_at(bytes, offset, limits.max_depth)?;
    let (Obj::Dict(d), Some(span)) = (io.obj, io.stream) else {
        return Err(RawError::NotObjectStream { offset, num: holder });
    };
    let lstream = Stream { dict: dictionary(&d), content: bytes[span].to_vec(), allows_compression: true, start_position: None };
    let left = limits.max_object_streams_bytes.saturating_sub(*inflated_total);
    let data = if lstream.dict.has(b"Filter") {
        lstream.decompressed_content_with_limit(usize::try_from(left).unwrap_or(usize::MAX)).map_err(|e| RawError::ObjectStream {
            offset,
            num: holder,
            source: crate::DecodeError::new(e),
        })?
    } else {
        lstream.content
    };
    *inflated_total += data.len() as u64;
    let n = d.get_int(b"N").and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let first = d.get_int(b"First").and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
    let mut header = Lexer::new(&data, 0, limits.max_depth);
    let mut out = Vec::new();
    for _ in 0..n.min(data.len()) {
        let (Some(num), Some(off)) = (header.read_uint(), header.read_uint()) else { break };
        let Ok(num) = u32::try_from(num) else { break };
        let at = usize::try_from(off).ok().and_then(|o| o.checked_add(first)).filter(|&p| p <= data.len());
        let Some(at) = at else { break };
        let mut lx = Lexer::new(&data, at, limits.max_depth);
        out.push((num, lx.object()?));
    }
    Ok(out)
}

fn stream(d: &Dict, bytes: &[u8], span: std::ops::Range<usize>) -> Stream {
    let dict = dictionary(d);
    let is_image = d.get_name(b"Subtype") == Some(b"Image");
    let content = if is_image && span.len() > ELIDE_IMAGES_OVER { ElidedStream::marker(&span) } else { bytes[span.clone()].to_vec() };
    Stream { dict, content, allows_compression: true, start_position: Some(span.start) }
}

/// A signature dictionary with its `/Contents` (often 10–30 KB of hex, in every later
/// revision's document again) replaced by a marker of where it lies, as for large images:
/// the signature itself is read from the raw bytes, never from these documents.
fn signature_dictionary(d: &Dict) -> Object {
    let mut out = dictionary(d);
    if let Some(Obj::Str(c)) = d.get(b"Contents") {
        if c.bytes.len() > ELIDE_CONTENTS_OVER {
            let marker = format!("%vbdt-elided-contents {} {}", c.span.start, c.span.end - c.span.start);
            out.set("Contents", Object::String(marker.into_bytes(), StringFormat::Literal));
        }
    }
    Object::Dictionary(out)
}

/// Signature `/Contents` strings longer than this are not copied (see [`signature_dictionary`]).
const ELIDE_CONTENTS_OVER: usize = 256;

fn dictionary(d: &Dict) -> Dictionary {
    let mut out = Dictionary::new();
    for (k, v) in &d.entries {
        out.set(k.clone(), object(v));
    }
    out
}

fn object(o: &Obj) -> Object {
    match o {
        Obj::Null => Object::Null,
        Obj::Bool(b) => Object::Boolean(*b),
        Obj::Int(i) => Object::Integer(*i),
        Obj::Real(r) => Object::Real(*r as f32),
        Obj::Name(n) => Object::Name(n.clone()),
        Obj::Str(s) => Object::String(s.bytes.clone(), if s.hex { StringFormat::Hexadecimal } else { StringFormat::Literal }),
        Obj::Array(items) => Object::Array(items.iter().map(object).collect()),
        Obj::Dict(d) => Object::Dictionary(dictionary(d)),
        Obj::Ref(n, g) => Object::Reference((*n, *g)),
    }
}
