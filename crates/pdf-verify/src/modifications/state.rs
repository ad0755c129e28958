//! One revision as the analysis sees it: the document, its form fields, what each object
//! is (for messages) and where each object is used ([`Uses`]).

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::refs::Uses;
use crate::pdfobj;

/// Annotations of one page given a role for messages, at most.
const MAX_NAMED_ANNOTATIONS: usize = 20_000;

/// A revision loaded with lopdf, plus what this module derives from it.
pub(super) struct RevState {
    pub doc: Document,
    /// Built by pdf-raw's reader (so [`pdf_raw::RevisionLoader::advance`] can take it further).
    pub fast: bool,
    pub fields: Vec<FieldInfo>,
    roles: HashMap<ObjectId, String>,
    pub by_num: HashMap<u32, ObjectId>,
    /// Where this revision uses each object: computed when the revision is the base of a
    /// comparison.
    uses: OnceCell<Uses>,
}

impl RevState {
    pub fn new(doc: Document, fast: bool) -> Self {
        let fields = fields(&doc);
        let roles = roles(&doc, &fields);
        let by_num = doc.objects.keys().map(|id| (id.0, *id)).collect();
        RevState { doc, fast, fields, roles, by_num, uses: OnceCell::new() }
    }

    pub fn role(&self, id: ObjectId) -> String {
        self.roles.get(&id).cloned().unwrap_or_else(|| "an object".to_string())
    }

    pub fn uses(&self) -> &Uses {
        self.uses.get_or_init(|| Uses::build(&self.doc, &self.by_num))
    }

    /// The object with number `num`, whatever its generation.
    pub fn obj(&self, num: u32) -> Option<&Object> {
        self.doc.objects.get(self.by_num.get(&num)?)
    }
}

/// A terminal form field.
#[derive(Debug, Clone)]
pub(super) struct FieldInfo {
    pub name: String,
    pub id: Option<ObjectId>,
    pub ft: Option<Vec<u8>>,
    pub has_value: bool,
    /// The field's value when it is a reference (a signature dictionary).
    pub value_ref: Option<ObjectId>,
    /// The value as text, for reports (a signature value is not shown).
    pub value_text: Option<String>,
    /// `/VBDT_Blank /Kind` of a field vbdt reserved for the clerk's number and date (S11).
    pub blank: Option<Vec<u8>>,
    pub widgets: Vec<ObjectId>,
    pub visible: bool,
}

impl FieldInfo {
    pub fn is_signature(&self) -> bool {
        self.ft.as_deref() == Some(b"Sig")
    }
}

pub(super) fn fields(doc: &Document) -> Vec<FieldInfo> {
    let mut out = Vec::new();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r)) else { return out };
    let Some(af) = pdfobj::dict_get_dict(doc, root, b"AcroForm") else { return out };
    let Some(top) = pdfobj::dict_get_array(doc, af, b"Fields") else { return out };
    let mut seen = HashSet::new();
    for f in top {
        walk(doc, f, "", None, &mut seen, &mut out, 0);
    }
    out
}

fn walk(
    doc: &Document,
    obj: &Object,
    parent: &str,
    ft: Option<&[u8]>,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<FieldInfo>,
    depth: usize,
) {
    if depth > 32 || seen.len() > 20_000 {
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
    let name = match pdfobj::dict_get_text(doc, d, b"T") {
        Some(t) if parent.is_empty() => t,
        Some(t) => format!("{parent}.{t}"),
        None => parent.to_string(),
    };
    let ft = pdfobj::dict_get_name(doc, d, b"FT").or(ft);
    let kids = pdfobj::dict_get_array(doc, d, b"Kids").unwrap_or(&[]);
    let mut field_kids = Vec::new();
    let mut widgets = Vec::new();
    let mut visible = false;
    for k in kids {
        match pdfobj::as_dict(doc, k) {
            Some(kd) if kd.has(b"T") => field_kids.push(k),
            Some(kd) => {
                if let Object::Reference(kid) = k {
                    widgets.push(*kid);
                }
                visible |= annot_visible(doc, kd);
            }
            None => {}
        }
    }
    if field_kids.is_empty() {
        if d.has(b"Rect") || pdfobj::dict_get_name(doc, d, b"Subtype") == Some(b"Widget") {
            if let Some(i) = id {
                widgets.push(i);
            }
            visible |= annot_visible(doc, d);
        }
        out.push(FieldInfo {
            name,
            id,
            ft: ft.map(<[u8]>::to_vec),
            has_value: d.has(b"V"),
            value_ref: pdfobj::ref_of(d, b"V"),
            value_text: value_text(doc, d),
            blank: pdfobj::dict_get_dict(doc, d, b"VBDT_Blank").and_then(|b| pdfobj::dict_get_name(doc, b, b"Kind")).map(<[u8]>::to_vec),
            widgets,
            visible,
        });
    } else {
        for k in field_kids {
            walk(doc, k, &name, ft, seen, out, depth + 1);
        }
    }
}

/// A field's value as text, for reports: a string's text, a name, or the selected options.
fn value_text(doc: &Document, d: &Dictionary) -> Option<String> {
    const MAX: usize = 200;
    let v = pdfobj::resolve(doc, d.get(b"V").ok()?)?;
    let text = match v {
        Object::String(s, _) => pdfobj::decode_text(s),
        Object::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
        Object::Array(items) => items
            .iter()
            .filter_map(|i| match pdfobj::resolve(doc, i) {
                Some(Object::String(s, _)) => Some(pdfobj::decode_text(s)),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(", "),
        Object::Integer(i) => i.to_string(),
        _ => return None,
    };
    Some(if text.chars().count() > MAX { text.chars().take(MAX).collect::<String>() + "…" } else { text })
}

/// An annotation is visible when it has an area and is not hidden.
pub(super) fn annot_visible(doc: &Document, d: &Dictionary) -> bool {
    let area = match pdfobj::dict_get_array(doc, d, b"Rect") {
        Some([a, b, c, e]) => {
            let n = |o: &Object| match pdfobj::resolve(doc, o) {
                Some(Object::Integer(i)) => *i as f64,
                Some(Object::Real(r)) => f64::from(*r),
                _ => 0.0,
            };
            ((n(a) - n(c)) * (n(b) - n(e))).abs()
        }
        _ => 0.0,
    };
    let flags = pdfobj::dict_get_int(doc, d, b"F").unwrap_or(0);
    area > 0.0 && flags & (2 | 32) == 0
}

/// What each object of a revision is, for messages.
fn roles(doc: &Document, fields: &[FieldInfo]) -> HashMap<ObjectId, String> {
    let mut roles = HashMap::new();
    if let Ok(Object::Reference(r)) = doc.trailer.get(b"Root") {
        roles.insert(*r, "the document catalog".to_string());
        if let Some(root) = pdfobj::get(doc, *r).and_then(|o| o.as_dict().ok()) {
            if let Some(p) = pdfobj::ref_of(root, b"Pages") {
                roles.insert(p, "the page tree".to_string());
            }
            if let Some(a) = pdfobj::ref_of(root, b"AcroForm") {
                roles.insert(a, "the interactive form (/AcroForm)".to_string());
            }
            if let Some(a) = pdfobj::ref_of(root, b"DSS") {
                roles.insert(a, "the document security store (/DSS)".to_string());
            }
        }
    }
    for f in fields {
        if let Some(id) = f.id {
            roles.entry(id).or_insert_with(|| format!("form field \"{}\"", f.name));
        }
        for w in &f.widgets {
            roles.entry(*w).or_insert_with(|| format!("the widget of form field \"{}\"", f.name));
        }
        if let Some(v) = f.value_ref.filter(|_| f.is_signature()) {
            roles.entry(v).or_insert_with(|| format!("the signature dictionary of field \"{}\"", f.name));
        }
    }
    for (n, page) in pdfobj::pages(doc).into_iter().enumerate() {
        let n = n + 1;
        roles.insert(page, format!("page {n}"));
        let Some(pd) = pdfobj::get(doc, page).and_then(|o| o.as_dict().ok()) else { continue };
        match pd.get(b"Contents").ok() {
            Some(Object::Reference(c)) => {
                roles.insert(*c, format!("the content stream of page {n}"));
                if let Some(Object::Array(items)) = pdfobj::get(doc, *c) {
                    for i in items {
                        if let Object::Reference(s) = i {
                            roles.insert(*s, format!("a content stream of page {n}"));
                        }
                    }
                }
            }
            Some(Object::Array(items)) => {
                for i in items {
                    if let Object::Reference(s) = i {
                        roles.insert(*s, format!("a content stream of page {n}"));
                    }
                }
            }
            _ => {}
        }
        if let Some(r) = pdfobj::ref_of(pd, b"Resources") {
            roles.entry(r).or_insert_with(|| format!("the resources of page {n}"));
        }
        if let Some(res) = pdfobj::dict_get_dict(doc, pd, b"Resources") {
            for (key, what) in [
                (&b"Font"[..], "font"),
                (b"XObject", "XObject (image or form)"),
                (b"ExtGState", "graphics state"),
                (b"ColorSpace", "colour space"),
                (b"Pattern", "pattern"),
                (b"Shading", "shading"),
                (b"Properties", "marked-content properties"),
            ] {
                if let Some(sub) = pdfobj::dict_get_dict(doc, res, key) {
                    if let Some(r) = pdfobj::ref_of(res, key) {
                        roles.entry(r).or_insert_with(|| format!("the {what} resources of page {n}"));
                    }
                    for (name, v) in sub.iter() {
                        if let Object::Reference(r) = v {
                            roles.entry(*r).or_insert_with(|| format!("{what} /{} used on page {n}", String::from_utf8_lossy(name)));
                        }
                    }
                }
            }
        }
        if let Some(r) = pdfobj::ref_of(pd, b"Annots") {
            roles.entry(r).or_insert_with(|| format!("the annotation list of page {n}"));
        }
        // Named for messages: the first annotations of a page (a page with more is too
        // large to analyse, see judge.rs).
        for a in pdfobj::dict_get_array(doc, pd, b"Annots").unwrap_or(&[]).iter().take(MAX_NAMED_ANNOTATIONS) {
            if let Object::Reference(r) = a {
                let sub = pdfobj::get(doc, *r)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| pdfobj::dict_get_name(doc, d, b"Subtype"))
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_else(|| "?".into());
                roles.entry(*r).or_insert_with(|| format!("a /{sub} annotation on page {n}"));
            }
        }
    }
    roles
}
