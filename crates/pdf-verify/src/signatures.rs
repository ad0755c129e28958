//! Finding the signatures of a document: every signature field of the final revision's
//! AcroForm (kids included, with cycle detection and bounds), its signature dictionary
//! as written in the file (with the byte span of `/Contents`, via pdf-raw), and which
//! revision added it.

use std::collections::HashSet;
use std::ops::Range;

use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_raw::{Obj, RawPdf, XrefEntry};
use serde::Serialize;
use time::OffsetDateTime;

use crate::pdfobj;

/// Depth of the form field tree followed at most.
const MAX_FIELD_DEPTH: usize = 32;
/// Form fields visited at most.
const MAX_FIELDS: usize = 20_000;

/// A signature or a document timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureKind {
    Signature,
    DocumentTimestamp,
}

/// Whose signature this is (rules.md S1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Personal,
    Organization,
    Unknown,
}

/// What a file is, for the document rules: an issued document (S1, S7), a copy (S4) or
/// an attachment or appendix in a file of its own (S5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    Issued,
    Copy,
    Attachment,
}

/// The signature dictionary as written in the file.
#[derive(Debug, Clone)]
pub struct RawSigDict {
    /// Decoded `/Contents` (the CMS object followed by padding).
    pub contents: Vec<u8>,
    /// Where the `/Contents` string lies in the file, delimiters included.
    pub contents_span: Range<usize>,
    pub contents_is_hex: bool,
    /// `/ByteRange` as written, when it is a direct array of integers.
    pub byte_range: Option<Vec<i64>>,
    /// Why `/ByteRange` is unusable, when it is.
    pub byte_range_problem: Option<String>,
    /// Where the signature dictionary lies in the file.
    pub dict_span: Range<usize>,
    pub sub_filter: Option<String>,
    /// `/VBDT_Role`: the role vbdt signed with (Unknown without it).
    pub role: Role,
    /// `/VBDT_Kind`: the file is a copy or an attachment (vbdt copy, vbdt attach).
    pub marked_kind: Option<DocumentKind>,
    /// `/VBDT_Override`: the clerk signed although the check before signing (S12) refused
    /// the document, for this reason.
    pub check_override: Option<String>,
}

/// A signature field with its value.
#[derive(Debug, Clone)]
pub struct FoundSignature {
    /// Fully qualified field name.
    pub field: String,
    pub field_id: Option<ObjectId>,
    /// The signature dictionary's object, when it is indirect.
    pub sig_id: Option<ObjectId>,
    pub kind: SignatureKind,
    /// Revision (0-based) whose xref section defines the signature dictionary.
    pub dict_revision: Option<usize>,
    pub raw: Result<RawSigDict, SigDictProblem>,
    /// `/M` from the signature dictionary.
    pub claimed_time: Option<OffsetDateTime>,
    pub name: Option<String>,
    pub reason: Option<String>,
    pub location: Option<String>,
    /// The DocMDP permission (1, 2 or 3) when this is a certification signature.
    pub docmdp: Option<i64>,
    /// The fields this signature locks (its field's `/Lock`, or a FieldMDP transform in
    /// its `/Reference`).
    pub lock: Option<crate::modifications::FieldLock>,
}

/// Every filled signature field of the document, in field order.
pub fn find(doc: &Document, bytes: &[u8], raw: &RawPdf) -> Vec<FoundSignature> {
    let mut fields = Vec::new();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r)) else {
        return Vec::new();
    };
    let Some(acroform) = pdfobj::dict_get_dict(doc, root, b"AcroForm") else {
        return Vec::new();
    };
    let Some(top) = pdfobj::dict_get_array(doc, acroform, b"Fields") else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    for f in top {
        walk_field(doc, f, "", None, &mut seen, &mut fields, 0);
    }
    let certified = certification_sig(doc, root);
    let mut out: Vec<FoundSignature> = Vec::new();
    let mut seen_sigs: HashSet<ObjectId> = HashSet::new();
    for (name, field_id, field_dict) in fields {
        let Ok(v) = field_dict.get(b"V") else { continue };
        let sig_id = match v {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        if let Some(id) = sig_id {
            if !seen_sigs.insert(id) {
                continue;
            }
        }
        let Some(sig_dict) = pdfobj::as_dict(doc, v) else { continue };
        let type_name = pdfobj::dict_get_name(doc, sig_dict, b"Type");
        let sub_filter = pdfobj::dict_get_name(doc, sig_dict, b"SubFilter");
        let kind = if type_name == Some(b"DocTimeStamp") || sub_filter == Some(b"ETSI.RFC3161") {
            SignatureKind::DocumentTimestamp
        } else {
            SignatureKind::Signature
        };
        let (dict_revision, raw_dict) = match sig_id {
            Some(id) => signed_definition(bytes, raw, id),
            None => match field_id {
                Some(fid) => match raw_object(bytes, raw, fid) {
                    (rev, Ok(Obj::Dict(fd))) => match fd.get(b"V") {
                        Some(Obj::Dict(vd)) => (rev, Ok(Obj::Dict(vd.clone()))),
                        _ => (rev, Err(SigDictProblem::FieldValueNotDict)),
                    },
                    (rev, Ok(_)) => (rev, Err(SigDictProblem::FieldNotDict)),
                    (rev, Err(e)) => (rev, Err(e)),
                },
                None => (None, Err(SigDictProblem::DirectField)),
            },
        };
        let raw_sig = raw_dict.and_then(|o| match o {
            Obj::Dict(d) => raw_sig_dict(&d),
            _ => Err(SigDictProblem::NotDict),
        });
        let docmdp = match (certified, sig_id) {
            (Some(c), Some(id)) if c == id => Some(docmdp_p(doc, sig_dict).unwrap_or(2)),
            _ => None,
        };
        out.push(FoundSignature {
            field: name,
            field_id,
            sig_id,
            kind,
            dict_revision,
            raw: raw_sig,
            claimed_time: pdfobj::dict_get_text(doc, sig_dict, b"M").and_then(|m| parse_pdf_date(&m)),
            name: pdfobj::dict_get_text(doc, sig_dict, b"Name"),
            reason: pdfobj::dict_get_text(doc, sig_dict, b"Reason"),
            location: pdfobj::dict_get_text(doc, sig_dict, b"Location"),
            docmdp,
            lock: field_lock(doc, field_dict, sig_dict),
        });
    }
    out
}

type Field<'a> = (String, Option<ObjectId>, &'a Dictionary);

fn walk_field<'a>(
    doc: &'a Document,
    obj: &'a Object,
    parent_name: &str,
    inherited_ft: Option<&'a [u8]>,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<Field<'a>>,
    depth: usize,
) {
    if depth > MAX_FIELD_DEPTH || seen.len() > MAX_FIELDS {
        return;
    }
    let id = match obj {
        Object::Reference(id) => {
            if !seen.insert(*id) {
                return;
            }
            Some(*id)
        }
        _ => None,
    };
    let Some(d) = pdfobj::as_dict(doc, obj) else { return };
    let partial = pdfobj::dict_get_text(doc, d, b"T");
    let name = match (&partial, parent_name.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{parent_name}.{p}"),
        (None, _) => parent_name.to_string(),
    };
    let ft = pdfobj::dict_get_name(doc, d, b"FT").or(inherited_ft);
    let kids = pdfobj::dict_get_array(doc, d, b"Kids");
    // Kids that carry /T are fields; kids without /T are widgets of this field.
    let field_kids: Vec<&Object> = kids.unwrap_or(&[]).iter().filter(|k| pdfobj::as_dict(doc, k).is_some_and(|kd| kd.has(b"T"))).collect();
    if ft == Some(b"Sig") && d.has(b"V") {
        out.push((if name.is_empty() { "(unnamed)".to_string() } else { name.clone() }, id, d));
    }
    for k in field_kids {
        walk_field(doc, k, &name, ft, seen, out, depth + 1);
    }
}

/// The signature dictionary object that `/Perms /DocMDP` names (a certification signature).
fn certification_sig(doc: &Document, root: &Dictionary) -> Option<ObjectId> {
    let perms = pdfobj::dict_get_dict(doc, root, b"Perms")?;
    pdfobj::ref_of(perms, b"DocMDP")
}

/// The FieldMDP lock of a signature: its field's `/Lock` dictionary, else a FieldMDP
/// transform in the signature's `/Reference` array.
fn field_lock(doc: &Document, field: &Dictionary, sig: &Dictionary) -> Option<crate::modifications::FieldLock> {
    use crate::modifications::FieldLock;
    let params = pdfobj::dict_get_dict(doc, field, b"Lock").or_else(|| {
        pdfobj::dict_get_array(doc, sig, b"Reference")?.iter().find_map(|r| {
            let rd = pdfobj::as_dict(doc, r)?;
            (pdfobj::dict_get_name(doc, rd, b"TransformMethod") == Some(b"FieldMDP"))
                .then(|| pdfobj::dict_get_dict(doc, rd, b"TransformParams"))?
        })
    })?;
    let names = || -> Vec<String> {
        pdfobj::dict_get_array(doc, params, b"Fields")
            .unwrap_or(&[])
            .iter()
            .filter_map(|o| match pdfobj::resolve(doc, o) {
                Some(Object::String(s, _)) => Some(pdfobj::decode_text(s)),
                _ => None,
            })
            .collect()
    };
    match pdfobj::dict_get_name(doc, params, b"Action")? {
        b"All" => Some(FieldLock::All),
        b"Include" => Some(FieldLock::Include(names())),
        b"Exclude" => Some(FieldLock::Exclude(names())),
        _ => None,
    }
}

/// `/P` of the DocMDP transform in a signature's `/Reference` array.
fn docmdp_p(doc: &Document, sig: &Dictionary) -> Option<i64> {
    for r in pdfobj::dict_get_array(doc, sig, b"Reference")? {
        let Some(rd) = pdfobj::as_dict(doc, r) else { continue };
        if pdfobj::dict_get_name(doc, rd, b"TransformMethod") == Some(b"DocMDP") {
            let params = pdfobj::dict_get_dict(doc, rd, b"TransformParams");
            return Some(params.and_then(|p| pdfobj::dict_get_int(doc, p, b"P")).unwrap_or(2));
        }
    }
    None
}

/// The object `id` as written in the file (latest definition), with the revision defining it.
pub fn raw_object(bytes: &[u8], raw: &RawPdf, id: ObjectId) -> (Option<usize>, Result<Obj, SigDictProblem>) {
    let (num, gen) = id;
    let Some((rev, entry)) = raw.lookup(num, raw.revisions.len().saturating_sub(1)) else {
        return (None, Err(SigDictProblem::NotInXref { num, gen }));
    };
    match entry {
        XrefEntry::InFile { offset, .. } => match pdf_raw::lexer::indirect_object_at(bytes, offset, 64) {
            Ok(o) if o.num == num => (Some(rev), Ok(o.obj)),
            Ok(o) => (Some(rev), Err(SigDictProblem::WrongObject { num, found: o.num })),
            Err(source) => (Some(rev), Err(SigDictProblem::Unreadable { num, gen, source })),
        },
        XrefEntry::InStream { stream, .. } => (Some(rev), Err(SigDictProblem::InObjectStream { num, stream })),
        XrefEntry::Free => (Some(rev), Err(SigDictProblem::Free { num, gen })),
    }
}

/// Why a signature's dictionary cannot be read from the bytes of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SigDictProblem {
    #[error("object {num} {gen} is not in any cross-reference section")]
    NotInXref { num: u32, gen: u16 },
    #[error("the cross-reference entry for object {num} points at object {found}")]
    WrongObject { num: u32, found: u32 },
    #[error("object {num} {gen} cannot be read: {source}")]
    Unreadable {
        num: u32,
        gen: u16,
        #[source]
        source: pdf_raw::RawError,
    },
    #[error("the signature dictionary (object {num}) is compressed inside object stream {stream}; its /Contents cannot be excluded from a byte range")]
    InObjectStream { num: u32, stream: u32 },
    #[error("object {num} {gen} is marked free")]
    Free { num: u32, gen: u16 },
    #[error("the field's /V is not a dictionary in the file")]
    FieldValueNotDict,
    #[error("the field object is not a dictionary")]
    FieldNotDict,
    #[error("the signature field is a direct object; its bytes cannot be located")]
    DirectField,
    #[error("the signature value is not a dictionary")]
    NotDict,
    #[error("/Contents is an indirect reference, not a string in the signature dictionary")]
    ContentsIndirect,
    #[error("/Contents is not a string")]
    ContentsNotString,
    #[error("the signature dictionary has no /Contents")]
    NoContents,
}

impl SigDictProblem {
    /// The problem in Vietnamese (the English is its `Display`).
    pub fn vi(&self) -> String {
        match self {
            SigDictProblem::NotInXref { num, gen } => format!("đối tượng {num} {gen} không có trong bảng tham chiếu chéo nào"),
            SigDictProblem::WrongObject { num, found } => {
                format!("mục tham chiếu chéo của đối tượng {num} trỏ tới đối tượng {found}")
            }
            SigDictProblem::Unreadable { num, gen, source } => {
                format!("không đọc được đối tượng {num} {gen}: {}", crate::verdict::raw_vi(source))
            }
            SigDictProblem::InObjectStream { num, stream } => format!(
                "từ điển chữ ký (đối tượng {num}) nằm nén trong luồng đối tượng {stream}; không thể loại /Contents của nó ra khỏi đoạn được ký"
            ),
            SigDictProblem::Free { num, gen } => format!("đối tượng {num} {gen} được đánh dấu là đã xóa"),
            SigDictProblem::FieldValueNotDict => "giá trị /V của trường không phải từ điển trong tệp".into(),
            SigDictProblem::FieldNotDict => "đối tượng trường không phải từ điển".into(),
            SigDictProblem::DirectField => "trường chữ ký là đối tượng trực tiếp; không xác định được vị trí các byte của nó".into(),
            SigDictProblem::NotDict => "giá trị chữ ký không phải từ điển".into(),
            SigDictProblem::ContentsIndirect => "/Contents là tham chiếu gián tiếp, không phải chuỗi trong từ điển chữ ký".into(),
            SigDictProblem::ContentsNotString => "/Contents không phải chuỗi".into(),
            SigDictProblem::NoContents => "từ điển chữ ký không có /Contents".into(),
        }
    }
}

/// The definition of signature dictionary `id` that was signed: the newest one whose
/// `/ByteRange` leaves out exactly its own `/Contents`. A later revision that rewrites the
/// dictionary (its copy's `/Contents` then lies elsewhere) does not replace what was
/// signed: the signature is checked from its signed definition, and the rewrite is a
/// change the modification analysis judges.
fn signed_definition(bytes: &[u8], raw: &RawPdf, id: ObjectId) -> (Option<usize>, Result<Obj, SigDictProblem>) {
    let newest = raw_object(bytes, raw, id);
    if matches!(&newest.1, Ok(Obj::Dict(d)) if leaves_out_its_contents(d)) {
        return newest;
    }
    let before = newest.0.unwrap_or(0);
    for k in (0..before).rev() {
        let Some(XrefEntry::InFile { offset, .. }) = raw.revisions[k].entries.get(&id.0) else { continue };
        if let Ok(o) = pdf_raw::lexer::indirect_object_at(bytes, *offset, 64) {
            if o.num == id.0 && matches!(&o.obj, Obj::Dict(d) if leaves_out_its_contents(d)) {
                return (Some(k), Ok(o.obj));
            }
        }
    }
    newest
}

/// Whether a signature dictionary's `/ByteRange` gap is exactly its `/Contents` string.
fn leaves_out_its_contents(d: &pdf_raw::Dict) -> bool {
    let Ok(r) = raw_sig_dict(d) else { return false };
    match r.byte_range.as_deref() {
        Some([a, b, c, _]) => {
            usize::try_from(a + b).is_ok_and(|s| s == r.contents_span.start) && usize::try_from(*c).is_ok_and(|e| e == r.contents_span.end)
        }
        _ => false,
    }
}

fn raw_sig_dict(d: &pdf_raw::Dict) -> Result<RawSigDict, SigDictProblem> {
    let (contents, contents_span, contents_is_hex) = match d.get(b"Contents") {
        Some(Obj::Str(s)) => (s.bytes.clone(), s.span.clone(), s.hex),
        Some(Obj::Ref(..)) => return Err(SigDictProblem::ContentsIndirect),
        Some(_) => return Err(SigDictProblem::ContentsNotString),
        None => return Err(SigDictProblem::NoContents),
    };
    let (byte_range, byte_range_problem) = match d.get(b"ByteRange") {
        Some(Obj::Array(items)) => {
            let ints: Option<Vec<i64>> = items.iter().map(Obj::as_int).collect();
            match ints {
                Some(v) => (Some(v), None),
                None => (None, Some("/ByteRange holds something other than integers".to_string())),
            }
        }
        Some(Obj::Ref(..)) => (None, Some("/ByteRange is an indirect reference".to_string())),
        Some(_) => (None, Some("/ByteRange is not an array".to_string())),
        None => (None, Some("the signature dictionary has no /ByteRange".to_string())),
    };
    let role = match d.get_name(b"VBDT_Role") {
        Some(b"Personal") => Role::Personal,
        Some(b"Organization") => Role::Organization,
        _ => Role::Unknown,
    };
    let marked_kind = match d.get_name(b"VBDT_Kind") {
        Some(b"Copy") => Some(DocumentKind::Copy),
        Some(b"Attachment") => Some(DocumentKind::Attachment),
        _ => None,
    };
    let sub_filter = d.get_name(b"SubFilter").map(|n| String::from_utf8_lossy(n).into_owned());
    let check_override = match d.get(b"VBDT_Override") {
        Some(Obj::Str(s)) => Some(pdfobj::decode_text(&s.bytes)),
        _ => None,
    };
    Ok(RawSigDict {
        contents,
        contents_span,
        contents_is_hex,
        byte_range,
        byte_range_problem,
        dict_span: d.span.clone(),
        sub_filter,
        role,
        marked_kind,
        check_override,
    })
}

/// Parses a PDF date `D:YYYYMMDDHHmmSSOHH'mm'` (all parts after the year optional).
pub fn parse_pdf_date(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim();
    let s = s.strip_prefix("D:").unwrap_or(s);
    let b = s.as_bytes();
    let digits = |r: Range<usize>, default: u32| -> Option<u32> {
        match b.get(r.clone()) {
            Some(d) if d.iter().all(u8::is_ascii_digit) => std::str::from_utf8(d).ok()?.parse().ok(),
            Some(_) => None,
            None => Some(default),
        }
    };
    if b.len() < 4 {
        return None;
    }
    let year = i32::try_from(digits(0..4, 0)?).ok()?;
    let n = b.iter().take_while(|c| c.is_ascii_digit()).count().min(14);
    let get = |r: Range<usize>, def: u32| if r.end <= n { digits(r, def) } else { Some(def) };
    let month = time::Month::try_from(u8::try_from(get(4..6, 1)?).ok()?).ok()?;
    let day = u8::try_from(get(6..8, 1)?).ok()?;
    let hour = u8::try_from(get(8..10, 0)?).ok()?;
    let minute = u8::try_from(get(10..12, 0)?).ok()?;
    let second = u8::try_from(get(12..14, 0)?).ok()?.min(59);
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let t = time::Time::from_hms(hour, minute, second).ok()?;
    let rest = &s[n..];
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let tz: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
            let h: i8 = tz.get(0..2).and_then(|x| x.parse().ok()).unwrap_or(0);
            let m: i8 = tz.get(2..4).and_then(|x| x.parse().ok()).unwrap_or(0);
            let (h, m) = if sign == '-' { (-h, -m) } else { (h, m) };
            time::UtcOffset::from_hms(h, m, 0).ok()?
        }
        _ => time::UtcOffset::UTC,
    };
    Some(time::PrimitiveDateTime::new(date, t).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_dates() {
        let t = parse_pdf_date("D:20250930140509+07'00'").unwrap();
        assert_eq!(t.unix_timestamp(), 1759215909);
        let z = parse_pdf_date("D:20250930070509Z").unwrap();
        assert_eq!(z.unix_timestamp(), 1759215909);
        assert!(parse_pdf_date("D:2025").is_some());
        assert!(parse_pdf_date("garbage").is_none());
        assert!(parse_pdf_date("D:20251340").is_none());
    }
}
