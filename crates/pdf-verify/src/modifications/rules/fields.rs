//! Form fields: new signature fields (`signature-field`, `document-timestamp`), signing
//! an existing empty one (`sign-empty-field`) and filling an existing field
//! (`form-filling`).
//!
//! A field is what it says: a new field's signature value must be new (a signature
//! dictionary belongs to one field: pointing a new field at an existing signature makes
//! a ghost signature); an unsigned signature field added later must not paint on the
//! page; an existing field may change only in the keys that signing or filling it sets,
//! and its old appearance streams may be replaced only where no other field or page uses
//! them.

use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::super::judge::{Judge, Via};
use super::super::refs::Holder;
use super::super::rule::Rule;
use super::super::state::FieldInfo;
use super::super::Level;
use crate::pdfobj;

/// Keys an unsigned signature field may gain or change when it is signed (and `/Type`,
/// which it may only gain or keep as `/Annot`: see [`type_changed`]).
const SIGN_FIELD_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS", b"F", b"DA", b"Q", b"Ff", b"Lock", b"SV"];
/// Keys a text, choice or button field (and its widgets) may change when it is filled.
const FILL_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS", b"I"];
/// Content stream operators that paint.
const PAINTING_OPERATORS: &[&[u8]] =
    &[b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Tj", b"TJ", b"'", b"\"", b"Do", b"sh", b"BI"];

/// What the field rule approved: the widgets that may join pages' `/Annots`, and the
/// level and rule the containers that list them (`/Fields`, `/Annots`) are explained with.
pub(super) struct FieldOutcome {
    pub widgets: HashSet<ObjectId>,
    pub level: Level,
    pub rule: Rule,
}

pub(super) fn fields(j: &mut Judge<'_>) -> FieldOutcome {
    let mut out = FieldOutcome { widgets: HashSet::new(), level: Level::None, rule: Rule::DocumentTimestamp };
    let (old_state, new_state) = (j.old, j.new);
    let new_names: HashSet<&str> = new_state.fields.iter().map(|f| f.name.as_str()).collect();
    for f in &old_state.fields {
        if !new_names.contains(f.name.as_str()) {
            j.disallow(
                Rule::DeletedField,
                Level::Other,
                format!("form field \"{}\" was removed", f.name),
                format!("trường biểu mẫu \"{}\" bị xóa", f.name),
            );
        }
    }
    let old_fields: HashMap<&str, &FieldInfo> = old_state.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut values: HashMap<ObjectId, usize> = HashMap::new();
    for f in &new_state.fields {
        if let Some(v) = f.value_ref.filter(|_| f.is_signature()) {
            *values.entry(v).or_default() += 1;
        }
    }
    for f in &new_state.fields {
        match old_fields.get(f.name.as_str()) {
            None => new_field(j, f, &values, &mut out),
            Some(old) => existing_field(j, f, old, &values, &mut out),
        }
    }
    if out.level == Level::None {
        out.level = Level::FormFilling;
        out.rule = Rule::SignatureField;
    }
    out
}

fn note(out: &mut FieldOutcome, level: Level, rule: Rule) {
    if level > out.level || (level == out.level && rule != Rule::DocumentTimestamp) {
        out.level = level;
        out.rule = rule;
    }
}

/// A signature value that an earlier revision has, or that two fields share.
fn reused_value(j: &Judge<'_>, f: &FieldInfo, values: &HashMap<ObjectId, usize>) -> Option<ObjectId> {
    let v = f.value_ref?;
    (!j.is_new(v) || values.get(&v).copied().unwrap_or(0) > 1).then_some(v)
}

fn ghost(j: &mut Judge<'_>, f: &FieldInfo, v: ObjectId) {
    j.disallow(
        Rule::SignatureReused,
        Level::Other,
        format!(
            "signature field \"{}\" takes as its value the signature dictionary of another field (object {}): a ghost signature",
            f.name, v.0
        ),
        format!("trường chữ ký \"{}\" lấy giá trị là từ điển chữ ký của một trường khác (đối tượng {}): chữ ký ma", f.name, v.0),
    );
}

fn new_field(j: &mut Judge<'_>, f: &FieldInfo, values: &HashMap<ObjectId, usize>, out: &mut FieldOutcome) {
    if !f.is_signature() {
        let ft = f.ft.as_deref().map(|t| String::from_utf8_lossy(t).into_owned()).unwrap_or_else(|| "?".into());
        j.disallow(
            Rule::NewField,
            Level::Other,
            format!("a form field \"{}\" of type /{ft} was added", f.name),
            format!("trường biểu mẫu \"{}\" loại /{ft} được thêm vào", f.name),
        );
        return;
    }
    if let Some(v) = reused_value(j, f, values) {
        ghost(j, f, v);
        return;
    }
    let with_actions =
        f.id.iter().chain(&f.widgets).any(|id| j.new_obj(*id).and_then(|o| o.as_dict().ok()).is_some_and(|d| d.has(b"A") || d.has(b"AA")));
    if with_actions {
        j.disallow(
            Rule::NewField,
            Level::Other,
            format!("signature field \"{}\" was added with actions (/A or /AA) that run in the viewer", f.name),
            format!("trường chữ ký \"{}\" được thêm kèm hành động (/A hoặc /AA) chạy trong trình xem", f.name),
        );
        return;
    }
    if !f.has_value
        && f.visible
        && f.widgets.iter().any(|w| j.new_obj(*w).and_then(|o| o.as_dict().ok()).is_some_and(|d| paints(&j.new.doc, d)))
    {
        j.disallow(
            Rule::EmptyFieldAppearance,
            Level::Other,
            format!("an unsigned signature field \"{}\" was added whose appearance draws on the page", f.name),
            format!("trường chữ ký chưa ký \"{}\" được thêm với hình thức vẽ lên trang", f.name),
        );
        return;
    }
    let timestamp = f.value_ref.and_then(|v| pdfobj::get(&j.new.doc, v)).and_then(|o| pdfobj::as_dict(&j.new.doc, o)).is_some_and(|d| {
        pdfobj::dict_get_name(&j.new.doc, d, b"Type") == Some(b"DocTimeStamp")
            || pdfobj::dict_get_name(&j.new.doc, d, b"SubFilter") == Some(b"ETSI.RFC3161")
    });
    let rule = if timestamp { Rule::DocumentTimestamp } else { Rule::SignatureField };
    if f.visible {
        j.new_visible_fields.push(f.name.clone());
    }
    let level = if timestamp && !f.visible { Level::ValidationData } else { Level::FormFilling };
    approve_field(j, f, None, level, rule, out);
    let (vis_en, vis_vi) = if f.visible { ("visible", "hiển thị") } else { ("invisible", "ẩn") };
    let (en, vi) = if timestamp {
        (
            format!("document timestamp added in field \"{}\" ({vis_en})", f.name),
            format!("dấu thời gian tài liệu được thêm trong trường \"{}\" ({vis_vi})", f.name),
        )
    } else if f.has_value {
        (
            format!("signature field \"{}\" added and signed ({vis_en})", f.name),
            format!("trường chữ ký \"{}\" được thêm và ký ({vis_vi})", f.name),
        )
    } else {
        (
            format!("empty signature field \"{}\" added ({vis_en})", f.name),
            format!("trường chữ ký trống \"{}\" được thêm ({vis_vi})", f.name),
        )
    };
    j.allow(rule, level, en, vi);
}

/// The objects of an existing field that a revision may touch: the field, its widgets,
/// and the appearance objects the earlier revision gave them.
fn field_objects(j: &Judge<'_>, f: &FieldInfo, old: &FieldInfo) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = f.id.iter().chain(&f.widgets).chain(old.id.iter()).chain(&old.widgets).copied().collect();
    for w in old.widgets.iter().chain(old.id.iter()) {
        if let Some(d) = j.old_obj(*w).and_then(|o| o.as_dict().ok()) {
            appearance_refs(&j.old.doc, d, &mut ids);
        }
    }
    ids.sort();
    ids.dedup();
    ids
}

/// The references of a widget's `/AP`: the dictionary and the streams it names.
fn appearance_refs(doc: &Document, widget: &Dictionary, out: &mut Vec<ObjectId>) {
    let Ok(ap) = widget.get(b"AP") else { return };
    if let Object::Reference(id) = ap {
        out.push(*id);
    }
    pdfobj::direct_refs(pdfobj::resolve(doc, ap).unwrap_or(ap), out);
}

fn existing_field(j: &mut Judge<'_>, f: &FieldInfo, old: &FieldInfo, values: &HashMap<ObjectId, usize>, out: &mut FieldOutcome) {
    let objects = field_objects(j, f, old);
    if !objects.iter().any(|id| j.pending.contains_key(id)) {
        return;
    }
    // Signing or filling a field keeps its objects: a field of the same name made of other
    // objects (or with other widgets) could draw anywhere on the page.
    let same_widgets = {
        let (mut a, mut b) = (f.widgets.clone(), old.widgets.clone());
        a.sort();
        b.sort();
        a == b
    };
    if f.id != old.id || !same_widgets {
        j.disallow(
            Rule::FieldChanged,
            Level::Other,
            format!("form field \"{}\" is now made of other objects or widgets than when signed", f.name),
            format!("trường biểu mẫu \"{}\" nay gồm đối tượng hoặc ô hiển thị khác với khi ký", f.name),
        );
        return;
    }
    let keys = if f.is_signature() { SIGN_FIELD_KEYS } else { FILL_KEYS };
    let mut beyond: Vec<String> = Vec::new();
    for id in f.id.iter().chain(f.widgets.iter()) {
        if let (Some(o), Some(n)) = (j.old_obj(*id).and_then(|o| o.as_dict().ok()), j.new_obj(*id).and_then(|o| o.as_dict().ok())) {
            beyond.extend(
                pdfobj::changed_keys(o, n)
                    .iter()
                    .filter(|k| !keys.contains(&k.as_slice()) && (k.as_slice() != b"Type" || type_changed(j, n)))
                    .map(|k| format!("/{}", String::from_utf8_lossy(k))),
            );
        }
    }
    beyond.sort();
    beyond.dedup();
    if f.is_signature() && old.has_value {
        if f.value_ref != old.value_ref {
            j.disallow(
                Rule::FieldChanged,
                Level::Other,
                format!("the value of signature field \"{}\" (an existing signature) was replaced", f.name),
                format!("giá trị của trường chữ ký \"{}\" (một chữ ký đã có) bị thay thế", f.name),
            );
        }
        // Otherwise what changed is left unexplained: a signed field stays as it was.
        return;
    }
    if !beyond.is_empty() {
        let l = beyond.join(", ");
        let (en, vi) = if f.is_signature() {
            (
                format!("signature field \"{}\" was changed beyond signing it: {l}", f.name),
                format!("trường chữ ký \"{}\" bị thay đổi ngoài việc ký: {l}", f.name),
            )
        } else {
            (
                format!("form field \"{}\" was changed beyond filling it in: {l}", f.name),
                format!("trường biểu mẫu \"{}\" bị thay đổi ngoài việc điền: {l}", f.name),
            )
        };
        j.disallow(Rule::FieldChanged, Level::Other, en, vi);
        return;
    }
    if f.is_signature() {
        if !f.has_value {
            return; // an empty field whose appearance changed: left unexplained
        }
        if let Some(v) = reused_value(j, f, values) {
            ghost(j, f, v);
            return;
        }
        approve_field(j, f, Some(old), Level::FormFilling, Rule::SignEmptyField, out);
        j.allow(
            Rule::SignEmptyField,
            Level::FormFilling,
            format!("signature field \"{}\" was signed", f.name),
            format!("trường chữ ký \"{}\" được ký", f.name),
        );
    } else {
        approve_field(j, f, Some(old), Level::FormFilling, Rule::FormFilling, out);
        let show = |v: &Option<String>| v.as_ref().map_or_else(|| "(empty)".to_string(), |s| format!("\"{s}\""));
        let hien = |v: &Option<String>| v.as_ref().map_or_else(|| "(trống)".to_string(), |s| format!("\"{s}\""));
        let (what_en, what_vi) = match f.blank {
            Some(_) => ("number and issue date assigned by the clerk (S11): field", "văn thư cấp số, ngày ban hành (S11): trường"),
            None => ("form field", "trường biểu mẫu"),
        };
        j.allow(
            Rule::FormFilling,
            Level::FormFilling,
            format!("{what_en} \"{}\" filled in: {} → {}", f.name, show(&old.value_text), show(&f.value_text)),
            format!("{what_vi} \"{}\" được điền: {} → {}", f.name, hien(&old.value_text), hien(&f.value_text)),
        );
        j.filled.push(f.name.clone());
    }
}

/// Whether a changed `/Type` of a field or widget dictionary is more than signing it may
/// do: a signature field may gain `/Type /Annot` (its widget's type), nothing else
/// (pyHanko: "/Type of form field altered / deleted / set to something other than /Annot").
fn type_changed(j: &Judge<'_>, new: &Dictionary) -> bool {
    pdfobj::dict_get_name(&j.new.doc, new, b"Type") != Some(b"Annot")
}

/// Explains a field's dictionaries, its appearance objects and the new objects they
/// reach. The field and widget dictionaries were checked key by key; an appearance object
/// the earlier revision had may be replaced only where that revision used it as this
/// widget's appearance.
fn approve_field(j: &mut Judge<'_>, f: &FieldInfo, old: Option<&FieldInfo>, level: Level, rule: Rule, out: &mut FieldOutcome) {
    note(out, level, rule);
    let dicts: Vec<ObjectId> =
        f.id.iter().chain(&f.widgets).chain(old.iter().flat_map(|o| o.id.iter().chain(&o.widgets))).copied().collect();
    let mut to_scan: Vec<Object> = Vec::new();
    for id in &dicts {
        if j.is_new(*id) || j.pending.contains_key(id) {
            j.explain(*id, level, rule, Via::Any);
        }
        out.widgets.insert(*id);
        let Some(d) = j.new_obj(*id).and_then(|o| o.as_dict().ok()) else { continue };
        for key in [&b"V"[..], b"Lock", b"SV", b"MK", b"Kids"] {
            if let Ok(v) = d.get(key) {
                to_scan.push(v.clone());
            }
        }
        let Ok(ap) = d.get(b"AP") else { continue };
        let ap = ap.clone();
        let mut via = vec![(Holder::Object(id.0), Some(b"AP".to_vec()))];
        if let Object::Reference(ap_id) = ap {
            if j.pending.contains_key(&ap_id) {
                j.explain(ap_id, level, rule, Via::Only(via.clone()));
            }
            via.push((Holder::Object(ap_id.0), None));
        }
        let mut streams = Vec::new();
        pdfobj::direct_refs(pdfobj::resolve(&j.new.doc, &ap).unwrap_or(&ap), &mut streams);
        for s in streams {
            if j.pending.contains_key(&s) {
                j.explain(s, level, rule, Via::Only(via.clone()));
                // An old appearance stream overwritten with the new appearance brings its
                // own new objects (fonts, nested forms), as a new stream would.
                if let Some(o) = j.new_obj(s) {
                    j.explain_new_deps(o, level, rule);
                }
            }
        }
        to_scan.push(ap);
    }
    for v in to_scan {
        if let Object::Reference(id) = v {
            if j.is_new(id) {
                j.explain(id, level, rule, Via::none());
            }
        }
        j.explain_new_deps(&v, level, rule);
    }
}

/// Whether a widget's normal appearance paints anything (without one, whether viewers
/// would draw its `/MK` background or border colour).
fn paints(doc: &Document, widget: &Dictionary) -> bool {
    let mk_colours = || {
        pdfobj::dict_get_dict(doc, widget, b"MK")
            .is_some_and(|mk| [&b"BG"[..], b"BC"].iter().any(|k| pdfobj::dict_get_array(doc, mk, k).is_some_and(|a| !a.is_empty())))
    };
    let Some(ap) = pdfobj::dict_get_dict(doc, widget, b"AP") else { return mk_colours() };
    let Ok(n) = ap.get(b"N") else { return mk_colours() };
    let streams: Vec<&Object> = match pdfobj::resolve(doc, n) {
        Some(Object::Dictionary(states)) => states.iter().filter_map(|(_, v)| pdfobj::resolve(doc, v)).collect(),
        Some(o) => vec![o],
        None => Vec::new(),
    };
    streams.into_iter().any(|o| match o {
        Object::Stream(s) if s.dict.has(b"Filter") => match s.decompressed_content_with_limit(crate::MAX_STREAM_BYTES) {
            Ok(data) => content_paints(&data),
            Err(_) => true,
        },
        Object::Stream(s) => content_paints(&s.content),
        _ => false,
    })
}

/// Whether content stream data uses a painting operator (a rough tokeniser: names,
/// strings and numbers are skipped as operands).
fn content_paints(data: &[u8]) -> bool {
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        match c {
            b'(' => {
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                continue;
            }
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        let start = i;
        while i < data.len() && !data[i].is_ascii_whitespace() && !b"()<>[]{}/%".contains(&data[i]) {
            i += 1;
        }
        if i == start {
            i += 1;
            continue;
        }
        if PAINTING_OPERATORS.contains(&&data[start..i]) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::content_paints;

    #[test]
    fn painting_is_told_from_setup() {
        assert!(!content_paints(b""));
        assert!(!content_paints(b"q 0 0 100 50 re W n Q % f S\n"));
        assert!(content_paints(b"0 0 1 rg 0 0 100 50 re f"));
        assert!(content_paints(b"BT /F1 12 Tf (hi) Tj ET"));
        assert!(content_paints(b"q /Im1 Do Q"));
        assert!(!content_paints(b"BT /F1 12 Tf (f S Tj) ET"), "operators inside strings are operands");
    }
}
