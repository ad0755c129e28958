//! The interactive form dictionary (`/AcroForm`): it may list new fields and set
//! `/SigFlags`. `/NeedAppearances`, `/DA`, `/DR` and `/Q` decide how viewers draw fields
//! that must (re)generate their appearance: setting them after signing is a change to
//! every field's appearance. `/NeedAppearances true` (all widgets are redrawn) is
//! allowed only while the signed revision had no field at all; `/DA`, `/DR` and `/Q`
//! (which signing software sets for its signature fields, and which only text and
//! choice fields are drawn from) only while it had no field other than signature fields.

use lopdf::{Dictionary, Object};

use super::super::judge::{root_dict, Judge, Via};
use super::super::refs::Holder;
use super::super::rule::Rule;
use super::super::Level;
use crate::pdfobj;

/// AcroForm entries that may change after signing.
const ACROFORM_MAY_CHANGE: &[&[u8]] = &[b"Fields", b"SigFlags", b"DR", b"DA", b"Q", b"NeedAppearances"];
/// AcroForm entries that change how fields are drawn.
const APPEARANCE_KEYS: &[&[u8]] = &[b"DR", b"DA", b"Q", b"NeedAppearances"];

/// `level`: the level of the field changes that the form's new `/Fields` list carries.
pub(super) fn acroform(j: &mut Judge<'_>, level: Level, rule: Rule) {
    let Some(new_root) = root_dict(&j.new.doc) else { return };
    let Some(af_obj) = new_root.get(b"AcroForm").ok() else { return };
    let Some(new_af) = pdfobj::as_dict(&j.new.doc, af_obj) else { return };
    let empty = Dictionary::new();
    let old_af = root_dict(&j.old.doc).and_then(|r| pdfobj::dict_get_dict(&j.old.doc, r, b"AcroForm")).unwrap_or(&empty);
    let changed = pdfobj::changed_keys(old_af, new_af);
    let bad: Vec<String> = changed
        .iter()
        .filter(|k| !ACROFORM_MAY_CHANGE.contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !bad.is_empty() {
        let l = bad.join(", ");
        j.disallow(
            Rule::Acroform,
            Level::Other,
            format!("interactive form entries changed: {l}"),
            format!("các mục của biểu mẫu bị thay đổi: {l}"),
        );
        return;
    }
    let drawn: Vec<String> = changed
        .iter()
        .filter(|k| APPEARANCE_KEYS.contains(&k.as_slice()))
        .filter(|k| k.as_slice() != b"NeedAppearances" || matches!(new_af.get(b"NeedAppearances"), Ok(Object::Boolean(true))))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    let drawn_fields = if drawn.iter().any(|k| k == "/NeedAppearances") {
        j.old.fields.len()
    } else {
        j.old.fields.iter().filter(|f| !f.is_signature()).count()
    };
    if !drawn.is_empty() && drawn_fields > 0 {
        let l = drawn.join(", ");
        j.disallow(
            Rule::Acroform,
            Level::Other,
            format!("interactive form entries {l} changed: viewers may redraw the {drawn_fields} form field(s) that existed when signed"),
            format!("các mục {l} của biểu mẫu bị thay đổi: trình xem có thể vẽ lại {drawn_fields} trường biểu mẫu đã có khi ký"),
        );
        return;
    }
    let mut holders: Vec<(Holder, Option<Vec<u8>>)> = [&j.old.doc, &j.new.doc]
        .iter()
        .filter_map(|d| match d.trailer.get(b"Root") {
            Ok(Object::Reference(r)) => Some((Holder::Object(r.0), Some(b"AcroForm".to_vec()))),
            _ => None,
        })
        .collect();
    // Only what this revision changed is explained: an explanation is what a signature's
    // permission is held to, and an unchanged /AcroForm is no signing (an /Info update
    // after a P=1 certification was reported as a disallowed "signature-field" change).
    if let Object::Reference(id) = af_obj {
        if j.pending.contains_key(id) {
            j.explain(*id, level, rule, Via::Any);
        }
        holders = vec![(Holder::Object(id.0), None)];
    }
    if let Some(f) = pdfobj::ref_of(new_af, b"Fields").filter(|f| j.pending.contains_key(f)) {
        j.explain(f, level, rule, Via::Only(holders.clone()));
    }
    if let Ok(dr) = new_af.get(b"DR") {
        let dr = dr.clone();
        let mut dr_holders = holders;
        if let Object::Reference(id) = dr {
            if j.pending.contains_key(&id) {
                j.explain(id, level, rule, Via::Only(dr_holders.clone()));
            }
            dr_holders.push((Holder::Object(id.0), None));
        }
        j.explain_new_deps(&dr, level, rule);
        if let Some(d) = pdfobj::as_dict(&j.new.doc, &dr) {
            let categories: Vec<_> = d.iter().filter_map(|(_, v)| v.as_reference().ok()).collect();
            for id in categories {
                if j.pending.contains_key(&id) && matches!(pdfobj::get(&j.new.doc, id), Some(Object::Dictionary(_))) {
                    // a resource category dictionary (/Font …) of the form resources
                    j.explain(id, level, rule, Via::Only(dr_holders.clone()));
                }
            }
        }
    }
}
