//! Pages (`pages`, `page-changed`) and their annotations (`annotation`, `annotations`).
//!
//! The page tree and every page stay as signed, except that a page's `/Annots` may grow:
//! by the widgets of fields the field rule approved, or by new annotations (the
//! `annotation` allow rule, at the annotations level: only a certification signature
//! with `/P 3` permits it). Removing or replacing annotations is disallowed.

use std::collections::HashSet;

use lopdf::{Object, ObjectId};

use super::super::judge::{Judge, Via};
use super::super::refs::Holder;
use super::super::rule::Rule;
use super::super::state::annot_visible;
use super::super::wording::vi_role;
use super::super::Level;
use super::fields::FieldOutcome;
use crate::pdfobj;

pub(super) fn pages(j: &mut Judge<'_>, fields: &FieldOutcome) {
    let approved = &fields.widgets;
    let old_pages = pdfobj::pages(&j.old.doc);
    let new_pages = pdfobj::pages(&j.new.doc);
    if old_pages.len() != new_pages.len() {
        let (a, b) = (old_pages.len(), new_pages.len());
        let (en, vi) = if b > a {
            (format!("{} page(s) added ({a} → {b} pages)", b - a), format!("thêm {} trang ({a} → {b} trang)", b - a))
        } else {
            (format!("{} page(s) removed ({a} → {b} pages)", a - b), format!("bớt {} trang ({a} → {b} trang)", a - b))
        };
        j.disallow(Rule::Pages, Level::Other, en, vi);
    } else if old_pages != new_pages {
        j.disallow(Rule::Pages, Level::Other, "pages were replaced or reordered".into(), "các trang bị thay thế hoặc đổi thứ tự".into());
    }
    for (n, page) in new_pages.iter().enumerate() {
        let n = n + 1;
        let annots_ref = j.new.doc.objects.get(page).and_then(|o| o.as_dict().ok()).and_then(|d| pdfobj::ref_of(d, b"Annots"));
        let page_touched = j.pending.contains_key(page);
        let annots_touched = annots_ref.is_some_and(|a| j.pending.contains_key(&a));
        if !page_touched && !annots_touched {
            continue;
        }
        let (Some(old_pd), Some(new_pd)) =
            (j.old_obj(*page).and_then(|o| o.as_dict().ok()), j.new.doc.objects.get(page).and_then(|o| o.as_dict().ok()))
        else {
            continue;
        };
        let changed = pdfobj::changed_keys(old_pd, new_pd);
        let mut ok = true;
        for k in &changed {
            if k.as_slice() == b"Annots" {
                continue;
            }
            ok = false;
            let key = String::from_utf8_lossy(k);
            let (en, vi) = match k.as_slice() {
                b"Contents" => {
                    (format!("page {n}: its content (/Contents) was replaced"), format!("trang {n}: nội dung (/Contents) bị thay thế"))
                }
                b"Resources" => (
                    format!("page {n}: its resources (fonts, images) were changed"),
                    format!("trang {n}: tài nguyên (phông chữ, hình ảnh) bị thay đổi"),
                ),
                _ => (format!("page {n}: /{key} was changed"), format!("trang {n}: /{key} bị thay đổi")),
            };
            j.disallow(Rule::PageChanged, Level::Other, en, vi);
        }
        // /Annots may only grow by approved widgets.
        let old_annots: Vec<Object> = pdfobj::dict_get_array(&j.old.doc, old_pd, b"Annots").map(<[Object]>::to_vec).unwrap_or_default();
        let new_annots: Vec<Object> = pdfobj::dict_get_array(&j.new.doc, new_pd, b"Annots").map(<[Object]>::to_vec).unwrap_or_default();
        let old_set: HashSet<ObjectId> = old_annots.iter().filter_map(|o| o.as_reference().ok()).collect();
        let new_set: HashSet<ObjectId> = new_annots.iter().filter_map(|o| o.as_reference().ok()).collect();
        for gone in old_set.difference(&new_set) {
            ok = false;
            let role = j.old.role(*gone);
            j.disallow(
                Rule::Annotations,
                Level::Annotations,
                format!("page {n}: {role} was removed"),
                format!("trang {n}: {} bị xóa", vi_role(&role)),
            );
        }
        if new_annots.iter().any(|o| !matches!(o, Object::Reference(_)))
            && !pdfobj::obj_eq(&Object::Array(old_annots.clone()), &Object::Array(new_annots.clone()))
        {
            ok = false;
            j.disallow(
                Rule::Annotations,
                Level::Annotations,
                format!("page {n}: a direct annotation was added"),
                format!("trang {n}: một chú thích trực tiếp được thêm"),
            );
        }
        let mut level = fields.level;
        let mut rule = fields.rule;
        let added: Vec<ObjectId> = new_set.difference(&old_set).copied().collect();
        for added in added {
            if approved.contains(&added) {
                continue;
            }
            if !new_annotation(j, n, added) {
                ok = false;
            }
            level = level.max(Level::Annotations);
            rule = Rule::Annotation;
        }
        if ok {
            if page_touched {
                j.explain(*page, level, rule, Via::Any);
            }
            if let Some(a) = annots_ref {
                j.explain(a, level, rule, Via::Only(vec![(Holder::Object(page.0), Some(b"Annots".to_vec()))]));
            }
        }
    }
}

/// A new annotation on page `n` that no field rule approved: allowed at the annotations
/// level when it is a new, non-widget annotation; disallowed otherwise.
fn new_annotation(j: &mut Judge<'_>, n: usize, added: ObjectId) -> bool {
    let d = j.new_obj(added).and_then(|o| o.as_dict().ok());
    let sub = d
        .and_then(|d| pdfobj::dict_get_name(&j.new.doc, d, b"Subtype"))
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .unwrap_or_else(|| "?".into());
    let vis = d.is_some_and(|d| annot_visible(&j.new.doc, d));
    let (ven, vvi) = if vis { ("visible", "hiển thị") } else { ("hidden", "ẩn") };
    if !j.is_new(added) || sub == "Widget" {
        let (why_en, why_vi) = if sub == "Widget" {
            (" (a widget of no field that was signed)", " (ô hiển thị không thuộc trường nào được ký)")
        } else {
            (" (an object that existed before)", " (một đối tượng đã có từ trước)")
        };
        j.disallow(
            Rule::Annotations,
            Level::Annotations,
            format!("page {n}: a {ven} /{sub} annotation (object {}) was added{why_en}", added.0),
            format!("trang {n}: một chú thích /{sub} {vvi} (đối tượng {}) được thêm{why_vi}", added.0),
        );
        return false;
    }
    j.explain(added, Level::Annotations, Rule::Annotation, Via::none());
    if let Some(o) = j.new_obj(added) {
        j.explain_new_deps(o, Level::Annotations, Rule::Annotation);
    }
    j.allow(
        Rule::Annotation,
        Level::Annotations,
        format!("page {n}: a {ven} /{sub} annotation (object {}) was added", added.0),
        format!("trang {n}: một chú thích /{sub} {vvi} (đối tượng {}) được thêm", added.0),
    );
    true
}
