//! The catalog (`catalog`) and the document's metadata (`metadata`).
//!
//! The catalog may change only in entries that carry no content: `/AcroForm` and `/DSS`
//! (judged by their own rules), `/Extensions`, `/MarkInfo`, `/Metadata`, `/Version`.
//! `/Extensions` and `/MarkInfo` objects are plain data: they may be rewritten as long as
//! the signed revision used them nowhere else. A change to `/Extensions`, `/MarkInfo` or
//! `/Version` is listed as an allowed change (never "nothing changed"); a `/Version` raised
//! after signing does not count for rule S8, which reads the revision a signature covers.
//! The trailer's `/Info` dictionary and the catalog's XMP `/Metadata` stream may be
//! rewritten likewise, the latter into an XMP packet only
//! (removing it, or writing anything else, is disallowed); the signed revision is
//! walked without entering them ([`super::super::refs`]), so an update that points
//! `/Info` at a page's content stream and rewrites it is a change to that content.

use lopdf::Object;

use super::super::judge::{root_dict, Judge, Via};
use super::super::refs::Holder;
use super::super::rule::Rule;
use super::super::Level;
use crate::pdfobj;

/// Catalog entries that may change after signing.
const CATALOG_MAY_CHANGE: &[&[u8]] = &[b"AcroForm", b"DSS", b"Extensions", b"Metadata", b"MarkInfo", b"Version"];

pub(super) fn catalog(j: &mut Judge<'_>) {
    let (Some(old_root), Some(new_root)) = (root_dict(&j.old.doc), root_dict(&j.new.doc)) else {
        j.disallow(Rule::Catalog, Level::Other, "the document catalog is missing".into(), "thiếu danh mục tài liệu (catalog)".into());
        return;
    };
    let changed = pdfobj::changed_keys(old_root, new_root);
    let bad: Vec<String> = changed
        .iter()
        .filter(|k| !CATALOG_MAY_CHANGE.contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !bad.is_empty() {
        let list = bad.join(", ");
        let (what_en, what_vi) =
            if bad.iter().any(|b| b == "/Pages") { (" (the page tree was replaced)", " (cây trang bị thay thế)") } else { ("", "") };
        j.disallow(
            Rule::Catalog,
            Level::Other,
            format!("document catalog entries changed: {list}{what_en}"),
            format!("các mục của danh mục tài liệu bị thay đổi: {list}{what_vi}"),
        );
    }
    name_quiet_changes(j, old_root, new_root, &changed);
    if changed.iter().any(|k| k.as_slice() == b"Metadata") && new_root.get(b"Metadata").map_or(true, |m| !is_xmp(j, m)) {
        j.disallow(
            Rule::Metadata,
            Level::Other,
            "the catalog's /Metadata was removed or replaced by something that is not an XMP metadata stream".into(),
            "/Metadata của danh mục tài liệu bị xóa hoặc thay bằng thứ không phải luồng siêu dữ liệu XMP".into(),
        );
    }
    let Ok(Object::Reference(r)) = j.new.doc.trailer.get(b"Root") else { return };
    let r = *r;
    if bad.is_empty() {
        j.explain(r, Level::ValidationData, Rule::Catalog, Via::Any);
    }
    let roots = root_holders(j);
    for key in [&b"Extensions"[..], b"MarkInfo"] {
        if let Some(id) = pdfobj::ref_of(new_root, key) {
            let via = Via::Only(roots.iter().map(|h| (*h, Some(key.to_vec()))).collect());
            j.explain(id, Level::ValidationData, Rule::Catalog, via);
            if let Some(o) = j.new_obj(id) {
                j.explain_new_deps(o, Level::ValidationData, Rule::Catalog);
            }
        }
    }
}

/// Catalog entries that carry no content and are not named by a rule of their own
/// (`/AcroForm`, `/DSS` and `/Metadata` are): allowed, but listed in the report, so that
/// a changed catalog never leaves a signature valid with "no change" said of it.
const QUIET: &[&[u8]] = &[b"Extensions", b"MarkInfo", b"Version"];

fn name_quiet_changes(j: &mut Judge<'_>, old_root: &lopdf::Dictionary, new_root: &lopdf::Dictionary, changed: &[Vec<u8>]) {
    let list: Vec<String> = QUIET
        .iter()
        .filter(|k| {
            changed.iter().any(|c| c.as_slice() == **k)
                || [pdfobj::ref_of(old_root, k), pdfobj::ref_of(new_root, k)].iter().flatten().any(|id| j.pending.contains_key(id))
        })
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if list.is_empty() {
        return;
    }
    let list = list.join(", ");
    j.allow(
        Rule::Catalog,
        Level::ValidationData,
        format!("document catalog entries that carry no content changed: {list}"),
        format!("các mục không mang nội dung của danh mục tài liệu thay đổi: {list}"),
    );
}

/// The catalog's object number in the revision before and in this one.
fn root_holders(j: &Judge<'_>) -> Vec<Holder> {
    [&j.old.doc, &j.new.doc]
        .iter()
        .filter_map(|d| match d.trailer.get(b"Root") {
            Ok(Object::Reference(r)) => Some(Holder::Object(r.0)),
            _ => None,
        })
        .collect()
}

pub(super) fn info_and_metadata(j: &mut Judge<'_>) {
    if let Ok(Object::Reference(info)) = j.new.doc.trailer.get(b"Info") {
        let info = *info;
        j.explain(info, Level::ValidationData, Rule::Metadata, Via::none());
        if let Some(o) = j.new_obj(info) {
            j.explain_new_deps(o, Level::ValidationData, Rule::Metadata);
        }
    }
    let Some(root) = root_dict(&j.new.doc) else { return };
    let Some(m) = pdfobj::ref_of(root, b"Metadata") else { return };
    let Some(Object::Stream(s)) = j.new_obj(m) else { return };
    if s.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"XML") {
        return;
    }
    // Explained as metadata (so that a use of it elsewhere in the signed revision is
    // still named), but a rewrite into data that is not XMP is disallowed.
    j.explain(m, Level::ValidationData, Rule::Metadata, Via::none());
    if j.pending.contains_key(&m) && !is_xmp(j, &Object::Reference(m)) {
        j.disallow(
            Rule::Metadata,
            Level::Other,
            format!("the XMP metadata stream (object {}) was rewritten with data that is not XMP (path: trailer /Root /Metadata)", m.0),
            format!(
                "luồng siêu dữ liệu XMP (đối tượng {}) bị ghi lại bằng dữ liệu không phải XMP (đường dẫn: trailer /Root /Metadata)",
                m.0
            ),
        );
    }
}

/// Whether `m` is (a reference to) an XMP metadata stream: `/Subtype /XML`, `/Type
/// /Metadata` if typed, and data that is an XMP packet (pyHanko also refuses a metadata
/// stream that is not XML). A rewrite into anything else is left unexplained.
fn is_xmp(j: &Judge<'_>, m: &Object) -> bool {
    let Object::Reference(id) = m else { return false };
    let Some(Object::Stream(s)) = j.new_obj(*id) else { return false };
    let name = |k: &[u8]| s.dict.get(k).and_then(Object::as_name).ok();
    if name(b"Subtype") != Some(b"XML") || name(b"Type").is_some_and(|t| t != b"Metadata") {
        return false;
    }
    let data = if s.dict.has(b"Filter") {
        match s.decompressed_content_with_limit(crate::MAX_STREAM_BYTES) {
            Ok(d) => d,
            Err(_) => return false,
        }
    } else {
        s.content.clone()
    };
    let text = String::from_utf8_lossy(&data);
    let body = text.trim_start_matches('\u{feff}').trim_start();
    body.starts_with('<') && text.contains("xmpmeta") && text.contains("rdf:RDF")
}
