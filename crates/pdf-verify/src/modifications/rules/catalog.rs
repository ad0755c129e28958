//! The catalog (`catalog`) and the document's metadata (`metadata`).
//!
//! The catalog may change only in entries that carry no content: `/AcroForm` and `/DSS`
//! (judged by their own rules), `/Extensions`, `/MarkInfo`, `/Metadata`, `/Version`.
//! `/Extensions` and `/MarkInfo` objects are plain data: they may be rewritten as long as
//! the signed revision used them nowhere else. The trailer's `/Info` dictionary and the
//! catalog's XMP `/Metadata` stream may be rewritten likewise; the signed revision is
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
    let is_xmp = matches!(j.new_obj(m), Some(Object::Stream(s)) if s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"XML"));
    if is_xmp {
        j.explain(m, Level::ValidationData, Rule::Metadata, Via::none());
    }
}
