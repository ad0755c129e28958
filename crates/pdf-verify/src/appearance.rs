//! What a signature's widget shows, for rules S4 and S5: the page it is on, where it is on
//! the page as displayed (after `/Rotate`), whether its appearance draws an image, and
//! the text it shows.
//!
//! Hostile input is bounded: widgets per field, objects visited under an appearance, the
//! nesting followed, and the content decoded (the text reader's own limits).

use std::collections::{HashMap, HashSet};

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::pdfobj;

/// Widgets read per signature field at most.
const MAX_WIDGETS: usize = 64;
/// Objects visited under one widget's appearances at most.
pub const MAX_APPEARANCE_OBJECTS: usize = 10_000;
/// Nesting followed under an appearance at most.
const MAX_APPEARANCE_DEPTH: usize = 32;
/// Bytes of content streams decoded under one widget's appearances at most.
const MAX_APPEARANCE_CONTENT: usize = 16 << 20;
/// Annotations indexed per document at most.
const MAX_ANNOTS: usize = 1_000_000;
/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// A rectangle, normalized (x0 ≤ x1, y0 ≤ y1), in points: the one stamp-layout places.
pub use stamp_layout::Rect;

/// A PDF rectangle array (references resolved), normalized; None unless four finite numbers.
fn rect_from_object(doc: &Document, o: &Object) -> Option<Rect> {
    let Some(Object::Array(a)) = pdfobj::resolve(doc, o) else {
        return None;
    };
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f32> = a.iter().filter_map(|x| pdfobj::resolve(doc, x)?.as_float().ok()).filter(|x| x.is_finite()).collect();
    if v.len() != 4 {
        return None;
    }
    Some(Rect { x0: v[0].min(v[2]), y0: v[1].min(v[3]), x1: v[0].max(v[2]), y1: v[1].max(v[3]) })
}

/// Where a widget is on its page as the page is displayed (its `/Rotate` applied), in
/// millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub page_width_mm: f32,
    pub page_height_mm: f32,
    /// From the page's top edge down to the widget's top edge (negative: above the page).
    pub top_mm: f32,
    /// From the page's top edge down to the widget's bottom edge.
    pub bottom_mm: f32,
    /// From the widget's right edge to the page's right edge (negative: beyond it).
    pub right_mm: f32,
    /// From the page's left edge to the widget's left edge.
    pub left_mm: f32,
}

impl Placement {
    /// The widget lies on the page (0.5 mm tolerance).
    pub fn inside(&self) -> bool {
        self.top_mm >= -0.5 && self.right_mm >= -0.5 && self.left_mm >= -0.5 && self.bottom_mm <= self.page_height_mm + 0.5
    }
    /// The widget's horizontal centre, from the page's left edge.
    pub fn centre_x_mm(&self) -> f32 {
        (self.left_mm + (self.page_width_mm - self.right_mm)) / 2.0
    }
}

/// A line of text in an appearance, with its size as shown on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    pub text: String,
    pub size_pt: f32,
}

/// One widget of a signature field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Widget {
    /// 1-based page whose `/Annots` lists the widget (failing that, its `/P`).
    pub page: Option<usize>,
    /// `/Rect` in the page's user space.
    pub rect: Option<Rect>,
    pub placement: Option<Placement>,
    /// `/F` has Hidden or NoView set, or optional content turns the widget or its normal
    /// appearance off in the document's default configuration.
    pub hidden: bool,
    /// `/AP /N` exists.
    pub has_appearance: bool,
    /// Where an image was found in the appearance, e.g. "/AP /N → /Resources → /XObject → /Im0".
    pub image: Option<String>,
    /// Why the appearance could not be read completely.
    pub unreadable: Option<String>,
    /// The normal appearance's text, top to bottom.
    pub lines: Vec<TextLine>,
}

impl Widget {
    /// Shown at all: a rectangle with an area, an appearance, not hidden.
    pub fn visible(&self) -> bool {
        !self.hidden && self.has_appearance && self.rect.is_some_and(|r| r.width() > 0.5 && r.height() > 0.5)
    }
    pub fn text(&self) -> String {
        self.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
    }
}

/// Which page lists which annotation (built once per document).
#[derive(Debug, Default)]
pub struct AnnotIndex {
    pages: Vec<ObjectId>,
    by_annot: HashMap<ObjectId, usize>,
}

impl AnnotIndex {
    pub fn new(doc: &Document) -> AnnotIndex {
        let pages = pdfobj::pages(doc);
        let mut by_annot = HashMap::new();
        'pages: for (i, p) in pages.iter().enumerate() {
            let Some(page) = pdfobj::get(doc, *p).and_then(|o| o.as_dict().ok()) else {
                continue;
            };
            for a in pdfobj::dict_get_array(doc, page, b"Annots").unwrap_or(&[]) {
                if by_annot.len() >= MAX_ANNOTS {
                    break 'pages;
                }
                if let Object::Reference(id) = a {
                    // The first page listing an annotation wins (a widget on two pages is malformed).
                    by_annot.entry(*id).or_insert(i + 1);
                }
            }
        }
        AnnotIndex { pages, by_annot }
    }
}

/// The widgets of the signature field `field_id` (the field itself when field and
/// widget are merged, and its kids without a name).
pub fn widgets(doc: &Document, field_id: Option<ObjectId>, index: &AnnotIndex) -> Vec<Widget> {
    let Some(field_id) = field_id else {
        return Vec::new();
    };
    let Some(field) = pdfobj::get(doc, field_id).and_then(|o| o.as_dict().ok()) else {
        return Vec::new();
    };
    let mut ids: Vec<(Option<ObjectId>, &Dictionary)> = Vec::new();
    if field.has(b"Rect") || pdfobj::dict_get_name(doc, field, b"Subtype") == Some(b"Widget") {
        ids.push((Some(field_id), field));
    }
    for kid in pdfobj::dict_get_array(doc, field, b"Kids").unwrap_or(&[]).iter().take(MAX_WIDGETS) {
        let Some(d) = pdfobj::as_dict(doc, kid) else {
            continue;
        };
        if d.has(b"T") {
            continue;
        }
        let id = match kid {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        ids.push((id, d));
    }
    ids.into_iter().map(|(id, d)| widget(doc, id, d, index)).collect()
}

fn widget(doc: &Document, id: Option<ObjectId>, d: &Dictionary, index: &AnnotIndex) -> Widget {
    let page = id.and_then(|id| index.by_annot.get(&id).copied()).or_else(|| {
        let p = pdfobj::ref_of(d, b"P")?;
        index.pages.iter().position(|x| *x == p).map(|i| i + 1)
    });
    let flags = pdfobj::dict_get_int(doc, d, b"F").unwrap_or(0);
    let mut w = Widget {
        page,
        // Hidden (bit 2) and NoView (bit 6): not shown on screen.
        hidden: flags & (1 << 1) != 0 || flags & (1 << 5) != 0,
        rect: d.get(b"Rect").ok().and_then(|r| rect_from_object(doc, r)),
        ..Widget::default()
    };
    if let (Some(rect), Some(page)) = (w.rect, w.page) {
        if let Some(page_id) = index.pages.get(page - 1) {
            w.placement = placement(doc, *page_id, rect);
        }
    }
    // Optional content (ISO 32000-1, 8.11): a widget, or its appearance form, in a group that
    // the default configuration turns off is not shown, whatever /F and /Rect say.
    if d.get(b"OC").is_ok_and(|oc| optional_content_off(doc, oc)) {
        w.hidden = true;
    }
    let Some(ap) = pdfobj::dict_get_dict(doc, d, b"AP") else {
        return w;
    };
    let normal = ap.get(b"N").ok();
    if let Some(Object::Stream(form)) = normal.and_then(|n| pdfobj::resolve(doc, n)) {
        if form.dict.get(b"OC").is_ok_and(|oc| optional_content_off(doc, oc)) {
            w.hidden = true;
        }
    }
    w.has_appearance = normal.and_then(|n| pdfobj::resolve(doc, n)).is_some_and(|n| matches!(n, Object::Stream(_) | Object::Dictionary(_)));
    match find_image(doc, ap) {
        Ok(found) => w.image = found,
        Err(why) => w.unreadable = Some(why.to_string()),
    }
    // The text of the normal appearance (of each state, when there are states).
    let mut forms: Vec<&lopdf::Stream> = Vec::new();
    match normal.and_then(|n| pdfobj::resolve(doc, n)) {
        Some(Object::Stream(s)) => forms.push(s),
        Some(Object::Dictionary(states)) => {
            for (_, v) in states.iter().take(MAX_WIDGETS) {
                if let Some(Object::Stream(s)) = pdfobj::resolve(doc, v) {
                    forms.push(s);
                }
            }
        }
        _ => {}
    }
    // Read the text as it is shown: turned with the page.
    let rotate = w
        .page
        .and_then(|p| index.pages.get(p - 1))
        .and_then(|id| inherited(doc, *id, b"Rotate"))
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0);
    for form in forms {
        let scale = w.rect.map_or(1.0, |r| appearance_scale(doc, form, r));
        match stamp_layout::text::form_lines(doc, form, rotate) {
            Ok(lines) => w.lines.extend(
                lines
                    .into_iter()
                    .filter(|l| !l.text.trim().is_empty())
                    .map(|l| TextLine { text: l.text.trim().to_string(), size_pt: l.size * scale }),
            ),
            Err(e) => {
                w.unreadable.get_or_insert_with(|| format!("the appearance's text cannot be read: {e}"));
            }
        }
    }
    w
}

/// How much the appearance is scaled vertically to fit the widget's rectangle (its
/// `/BBox` transformed by `/Matrix` is mapped onto `/Rect`).
fn appearance_scale(doc: &Document, form: &lopdf::Stream, rect: Rect) -> f32 {
    let Some(bbox) = form.dict.get(b"BBox").ok().and_then(|b| rect_from_object(doc, b)) else {
        return 1.0;
    };
    let m: Vec<f32> = match form.dict.get(b"Matrix").ok().and_then(|m| pdfobj::resolve(doc, m)) {
        Some(Object::Array(a)) if a.len() == 6 => a.iter().filter_map(|x| x.as_float().ok()).collect(),
        _ => vec![1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    };
    if m.len() != 6 {
        return 1.0;
    }
    let ys: Vec<f32> = [(bbox.x0, bbox.y0), (bbox.x1, bbox.y0), (bbox.x0, bbox.y1), (bbox.x1, bbox.y1)]
        .iter()
        .map(|(x, y)| m[1] * x + m[3] * y + m[5])
        .collect();
    let h = ys.iter().copied().fold(f32::MIN, f32::max) - ys.iter().copied().fold(f32::MAX, f32::min);
    if h > 0.0 && h.is_finite() {
        rect.height() / h
    } else {
        1.0
    }
}

/// An inheritable page attribute (`/CropBox`, `/MediaBox`, `/Rotate`).
fn inherited<'a>(doc: &'a Document, page: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = pdfobj::get(doc, page).and_then(|o| o.as_dict().ok());
    for _ in 0..32 {
        let d = node?;
        if let Some(v) = pdfobj::dict_get(doc, d, key) {
            return Some(v);
        }
        node = pdfobj::dict_get_dict(doc, d, b"Parent");
    }
    None
}

/// The widget's place on the displayed page: the visible box (CropBox within MediaBox)
/// turned by `/Rotate` (clockwise, a multiple of 90).
fn placement(doc: &Document, page: ObjectId, r: Rect) -> Option<Placement> {
    let media =
        inherited(doc, page, b"MediaBox").and_then(|o| rect_from_object(doc, o)).unwrap_or(Rect { x0: 0.0, y0: 0.0, x1: 612.0, y1: 792.0 });
    let b = match inherited(doc, page, b"CropBox").and_then(|o| rect_from_object(doc, o)) {
        Some(c) => Rect { x0: c.x0.max(media.x0), y0: c.y0.max(media.y0), x1: c.x1.min(media.x1), y1: c.y1.min(media.y1) },
        None => media,
    };
    if b.width() <= 0.0 || b.height() <= 0.0 {
        return None;
    }
    let rotate = inherited(doc, page, b"Rotate").and_then(|o| o.as_i64().ok()).unwrap_or(0).rem_euclid(360);
    // Distances from the displayed page's top, right, left edges and its height, in points.
    let (w, h, top, bottom, right, left) = match rotate {
        // Turned clockwise: the user-space left edge is shown at the top, the top at the right.
        90 => (b.height(), b.width(), r.x0 - b.x0, r.x1 - b.x0, b.y1 - r.y1, r.y0 - b.y0),
        180 => (b.width(), b.height(), r.y0 - b.y0, r.y1 - b.y0, r.x0 - b.x0, b.x1 - r.x1),
        270 => (b.height(), b.width(), b.x1 - r.x1, b.x1 - r.x0, r.y0 - b.y0, b.y1 - r.y1),
        _ => (b.width(), b.height(), b.y1 - r.y1, b.y1 - r.y0, b.x1 - r.x1, r.x0 - b.x0),
    };
    let mm = |pt: f32| pt / PT_PER_MM;
    Some(Placement {
        page_width_mm: mm(w),
        page_height_mm: mm(h),
        top_mm: mm(top),
        bottom_mm: mm(bottom),
        right_mm: mm(right),
        left_mm: mm(left),
    })
}

/// Looks for an image anywhere under a widget's appearances (`/N`, `/R`, `/D`, every
/// state): image XObjects reachable from any resources (forms, patterns, Type 3 fonts,
/// soft masks) and inline images in any content stream. Err when the walk is cut short
/// (too many objects, content that does not parse): then nothing can be said.
fn find_image(doc: &Document, ap: &Dictionary) -> Result<Option<String>, ImageWalkError> {
    let mut stack: Vec<(&Object, String, usize)> = Vec::new();
    for key in [b"N".as_slice(), b"R", b"D"] {
        if let Ok(o) = ap.get(key) {
            stack.push((o, format!("/AP /{}", String::from_utf8_lossy(key)), 0));
        }
    }
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut visited = 0usize;
    let mut content_bytes = 0usize;
    while let Some((obj, path, depth)) = stack.pop() {
        visited += 1;
        if visited > MAX_APPEARANCE_OBJECTS || depth > MAX_APPEARANCE_DEPTH {
            return Err(ImageWalkError::TooLarge);
        }
        let obj = match obj {
            Object::Reference(id) => {
                if !seen.insert(*id) {
                    continue;
                }
                match doc.objects.get(id) {
                    Some(o) => o,
                    None => continue,
                }
            }
            o => o,
        };
        match obj {
            Object::Stream(s) => {
                let subtype = s.dict.get(b"Subtype").ok().and_then(|o| o.as_name().ok());
                if subtype == Some(b"Image".as_slice()) {
                    return Ok(Some(path));
                }
                // Streams that are drawn: forms, tiling patterns, Type 3 glyphs.
                let drawn = subtype == Some(b"Form".as_slice())
                    || s.dict.has(b"PatternType")
                    || path.contains("/CharProcs /")
                    || path.starts_with("/AP") && depth <= 1;
                if drawn {
                    let budget = MAX_APPEARANCE_CONTENT.saturating_sub(content_bytes);
                    let data = s
                        .decompressed_content_with_limit(budget)
                        .map_err(|source| ImageWalkError::Undecodable { path: path.clone(), source })?;
                    content_bytes += data.len();
                    for op in Content::decode_iter(&data) {
                        match op {
                            Ok(op) if op.operator == "BI" => return Ok(Some(format!("{path} (inline image)"))),
                            Ok(_) => {}
                            Err(source) => return Err(ImageWalkError::Unparsable { path, source }),
                        }
                    }
                }
                push_dict(&s.dict, &path, depth, &mut stack);
            }
            Object::Dictionary(d) => push_dict(d, &path, depth, &mut stack),
            Object::Array(a) => {
                for o in a.iter().filter(|o| may_hold_image(o)) {
                    stack.push((o, path.clone(), depth + 1));
                }
            }
            _ => {}
        }
    }
    Ok(None)
}

/// Why the walk of [`find_image`] stopped before it could say whether an image is drawn
/// (`path`: where in the appearance, e.g. `/AP /N /Resources /XObject /Fm0`).
#[derive(Debug, thiserror::Error)]
enum ImageWalkError {
    #[error("the appearance has more than {MAX_APPEARANCE_OBJECTS} objects or nests deeper than {MAX_APPEARANCE_DEPTH}; it cannot be checked for images")]
    TooLarge,
    #[error("a content stream of the appearance ({path}) cannot be decoded: {source}")]
    Undecodable {
        path: String,
        #[source]
        source: lopdf::Error,
    },
    #[error("a content stream of the appearance ({path}) does not parse to its end: {source}")]
    Unparsable {
        path: String,
        #[source]
        source: lopdf::Error,
    },
}

/// Only containers and references can lead to an image.
fn may_hold_image(o: &Object) -> bool {
    matches!(o, Object::Reference(_) | Object::Dictionary(_) | Object::Array(_) | Object::Stream(_))
}

fn push_dict<'a>(d: &'a Dictionary, path: &str, depth: usize, stack: &mut Vec<(&'a Object, String, usize)>) {
    for (k, v) in d.iter() {
        // Links back up the document (to the page, the parent field) lead out of the
        // appearance; number arrays (glyph widths, boxes, matrices) hold nothing drawn.
        if !may_hold_image(v)
            || matches!(
                k.as_slice(),
                b"Parent"
                    | b"P"
                    | b"StructParent"
                    | b"StructParents"
                    | b"Metadata"
                    | b"W"
                    | b"W2"
                    | b"Widths"
                    | b"FontBBox"
                    | b"BBox"
                    | b"Matrix"
                    | b"Rect"
                    | b"Domain"
                    | b"Range"
                    | b"Decode"
            )
        {
            continue;
        }
        stack.push((v, format!("{path} /{}", String::from_utf8_lossy(k)), depth + 1));
    }
}

/// Is content marked with `/OC oc` hidden in the document's default optional-content
/// configuration (`/OCProperties /D`)? `oc` is an optional content group or membership
/// dictionary (ISO 32000-1, 8.11.2); an entry that is not one of those is ignored, as the
/// standard says. Usage and auto-state rules (`/AS`) that a viewer may apply are not.
fn optional_content_off(doc: &Document, oc: &Object) -> bool {
    let config = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| pdfobj::as_dict(doc, r))
        .and_then(|root| pdfobj::dict_get_dict(doc, root, b"OCProperties"))
        .and_then(|p| pdfobj::dict_get_dict(doc, p, b"D"));
    let listed = |key: &[u8]| -> HashSet<ObjectId> {
        let refs = config.and_then(|c| pdfobj::dict_get_array(doc, c, key)).unwrap_or(&[]);
        refs.iter().filter_map(|o| o.as_reference().ok()).collect()
    };
    let (on, off) = (listed(b"ON"), listed(b"OFF"));
    let base_off = config.and_then(|c| pdfobj::dict_get_name(doc, c, b"BaseState")) == Some(b"OFF".as_slice());
    let group_on = |id: ObjectId| on.contains(&id) || (!off.contains(&id) && !base_off);
    !oc_visible(doc, oc, &group_on, 0)
}

/// Whether content under `oc` is shown, given each group's state; a membership
/// dictionary's visibility expression (`/VE`) is evaluated to a bounded depth.
fn oc_visible(doc: &Document, oc: &Object, group_on: &dyn Fn(ObjectId) -> bool, depth: usize) -> bool {
    const MAX_DEPTH: usize = 16;
    if depth > MAX_DEPTH {
        return false;
    }
    let Some(d) = pdfobj::as_dict(doc, oc) else { return true };
    match pdfobj::dict_get_name(doc, d, b"Type") {
        Some(b"OCG") => oc.as_reference().map_or(true, group_on),
        Some(b"OCMD") => {
            if let Some(ve) = pdfobj::dict_get_array(doc, d, b"VE") {
                return visibility_expression(doc, ve, group_on, depth + 1);
            }
            let groups: Vec<ObjectId> = match d.get(b"OCGs") {
                Ok(Object::Reference(id)) => vec![*id],
                Ok(other) => pdfobj::resolve(doc, other)
                    .and_then(|o| o.as_array().ok())
                    .map(|a| a.iter().filter_map(|o| o.as_reference().ok()).collect())
                    .unwrap_or_default(),
                Err(_) => Vec::new(),
            };
            if groups.is_empty() {
                return true;
            }
            let states: Vec<bool> = groups.into_iter().map(group_on).collect();
            match pdfobj::dict_get_name(doc, d, b"P") {
                Some(b"AllOn") => states.iter().all(|s| *s),
                Some(b"AnyOff") => states.iter().any(|s| !*s),
                Some(b"AllOff") => states.iter().all(|s| !*s),
                _ => states.iter().any(|s| *s),
            }
        }
        _ => true,
    }
}

/// A visibility expression: `[/And e…]`, `[/Or e…]`, `[/Not e]`, each `e` a group or an
/// expression.
fn visibility_expression(doc: &Document, ve: &[Object], group_on: &dyn Fn(ObjectId) -> bool, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let Some((op, rest)) = ve.split_first() else { return true };
    let operand = |o: &Object| match o {
        Object::Reference(id) if matches!(pdfobj::get(doc, *id), Some(Object::Dictionary(_))) => group_on(*id),
        other => match pdfobj::resolve(doc, other) {
            Some(Object::Array(a)) => visibility_expression(doc, a, group_on, depth + 1),
            _ => true,
        },
    };
    match op.as_name().ok() {
        Some(b"And") => rest.iter().all(operand),
        Some(b"Or") => rest.iter().any(operand),
        Some(b"Not") => !rest.first().is_some_and(operand),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups `on` and `off` in a document whose default configuration has `base` as its
    /// BaseState and lists them under /ON and /OFF; returns the document and their ids.
    fn oc_doc(base: &str) -> (Document, ObjectId, ObjectId) {
        let mut doc = Document::with_version("1.7");
        let on = doc.add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("on") });
        let off = doc.add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("off") });
        let d = dictionary! { "BaseState" => base, "ON" => vec![Object::Reference(on)], "OFF" => vec![Object::Reference(off)] };
        let props = dictionary! { "OCGs" => vec![Object::Reference(on), Object::Reference(off)], "D" => d };
        let root = doc.add_object(dictionary! { "Type" => "Catalog", "OCProperties" => props });
        doc.trailer.set("Root", Object::Reference(root));
        (doc, on, off)
    }

    #[test]
    fn optional_content_states_policies_and_expressions() {
        let (mut doc, on, off) = oc_doc("ON");
        assert!(!optional_content_off(&doc, &Object::Reference(on)));
        assert!(optional_content_off(&doc, &Object::Reference(off)));
        let both = vec![Object::Reference(on), Object::Reference(off)];
        let md = |doc: &mut Document, extra: Dictionary| {
            let mut d = dictionary! { "Type" => "OCMD", "OCGs" => both.clone() };
            d.extend(&extra);
            Object::Reference(doc.add_object(d))
        };
        let any_on = md(&mut doc, dictionary! {});
        let all_on = md(&mut doc, dictionary! { "P" => "AllOn" });
        let any_off = md(&mut doc, dictionary! { "P" => "AnyOff" });
        let all_off = md(&mut doc, dictionary! { "P" => "AllOff" });
        let not_off = md(&mut doc, dictionary! { "VE" => vec![Object::Name(b"Not".to_vec()), Object::Reference(off)] });
        let and = md(&mut doc, dictionary! { "VE" => vec![Object::Name(b"And".to_vec()), Object::Reference(on), Object::Reference(off)] });
        let nested = md(
            &mut doc,
            dictionary! { "VE" => vec![Object::Name(b"Or".to_vec()), Object::Reference(off), Object::Array(vec![Object::Name(b"Not".to_vec()), Object::Reference(on)])] },
        );
        assert!(!optional_content_off(&doc, &any_on));
        assert!(optional_content_off(&doc, &all_on));
        assert!(!optional_content_off(&doc, &any_off));
        assert!(optional_content_off(&doc, &all_off));
        assert!(!optional_content_off(&doc, &not_off));
        assert!(optional_content_off(&doc, &and));
        assert!(optional_content_off(&doc, &nested));
        // BaseState OFF: a group listed nowhere is off; one under /ON stays on.
        let (mut doc, on, _) = oc_doc("OFF");
        let other = Object::Reference(doc.add_object(dictionary! { "Type" => "OCG", "Name" => Object::string_literal("x") }));
        assert!(optional_content_off(&doc, &other));
        assert!(!optional_content_off(&doc, &Object::Reference(on)));
        // Not a group or membership dictionary: ignored, as the standard says.
        assert!(!optional_content_off(&doc, &Object::Integer(3)));
    }
    use lopdf::dictionary;

    fn page(rotate: i64) -> (Document, ObjectId) {
        let mut doc = Document::with_version("1.7");
        let id = doc.add_object(dictionary! {
            "Type" => "Page",
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Rotate" => rotate,
        });
        (doc, id)
    }

    fn near(a: f32, b: f32) -> bool {
        (a - b).abs() < 0.01
    }

    #[test]
    fn placement_follows_the_displayed_page() {
        // 100 x 20 pt, 10 pt from the user-space top and right edges.
        let top_right = Rect { x0: 485.0, y0: 812.0, x1: 585.0, y1: 832.0 };
        let (doc, id) = page(0);
        let p = placement(&doc, id, top_right).unwrap();
        assert!(near(p.top_mm, 10.0 / PT_PER_MM) && near(p.right_mm, 10.0 / PT_PER_MM), "{p:?}");
        assert!(p.inside() && p.centre_x_mm() > p.page_width_mm / 2.0);
        // Turned 90° clockwise: the user-space top left is shown at the top right.
        let (doc, id) = page(90);
        let user_top_left = Rect { x0: 10.0, y0: 732.0, x1: 30.0, y1: 832.0 };
        let p = placement(&doc, id, user_top_left).unwrap();
        assert!(near(p.page_width_mm, 842.0 / PT_PER_MM) && near(p.page_height_mm, 595.0 / PT_PER_MM), "{p:?}");
        assert!(near(p.top_mm, 10.0 / PT_PER_MM) && near(p.right_mm, 10.0 / PT_PER_MM), "{p:?}");
        // ... and the user-space top right is shown at the bottom right.
        let p = placement(&doc, id, top_right).unwrap();
        assert!(p.top_mm > 150.0, "{p:?}");
        // 180°: the user-space bottom left is shown at the top right.
        let (doc, id) = page(180);
        let p = placement(&doc, id, Rect { x0: 10.0, y0: 10.0, x1: 110.0, y1: 30.0 }).unwrap();
        assert!(near(p.top_mm, 10.0 / PT_PER_MM) && near(p.right_mm, 10.0 / PT_PER_MM), "{p:?}");
        // 270° (or -90°): the user-space bottom right is shown at the top right.
        let (doc, id) = page(-90);
        let p = placement(&doc, id, Rect { x0: 565.0, y0: 10.0, x1: 585.0, y1: 110.0 }).unwrap();
        assert!(near(p.top_mm, 10.0 / PT_PER_MM) && near(p.right_mm, 10.0 / PT_PER_MM), "{p:?}");
        // Off the page.
        let (doc, id) = page(0);
        assert!(!placement(&doc, id, Rect { x0: 585.0, y0: 812.0, x1: 685.0, y1: 832.0 }).unwrap().inside());
    }

    #[test]
    fn images_are_found_however_deep_and_inline() {
        let mut doc = Document::with_version("1.7");
        let image = doc.add_object(lopdf::Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1 },
            vec![0],
        ));
        let inner = doc.add_object(lopdf::Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()], "Resources" => dictionary! { "XObject" => dictionary! { "I" => image } } },
            b"/I Do".to_vec(),
        ));
        let outer = lopdf::Stream::new(
            dictionary! { "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 1.into(), 1.into()], "Resources" => dictionary! { "XObject" => dictionary! { "F" => inner } } },
            b"/F Do".to_vec(),
        );
        let outer = doc.add_object(outer);
        let found = find_image(&doc, &dictionary! { "N" => outer }).unwrap().unwrap();
        assert!(found.contains("/XObject /F") && found.contains("/XObject /I"), "{found}");
        // Text only: nothing.
        let text = doc.add_object(lopdf::Stream::new(dictionary! { "Subtype" => "Form" }, b"BT /F0 10 Tf (a) Tj ET".to_vec()));
        assert!(matches!(find_image(&doc, &dictionary! { "N" => text }), Ok(None)));
        // An inline image.
        let inline =
            doc.add_object(lopdf::Stream::new(dictionary! { "Subtype" => "Form" }, b"q BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q".to_vec()));
        assert!(find_image(&doc, &dictionary! { "N" => inline }).unwrap().unwrap().contains("inline"));
        // A cycle of forms is walked once and ends.
        let a = doc.new_object_id();
        let b = doc.add_object(lopdf::Stream::new(
            dictionary! { "Subtype" => "Form", "Resources" => dictionary! { "XObject" => dictionary! { "A" => a } } },
            b"/A Do".to_vec(),
        ));
        doc.objects.insert(
            a,
            Object::Stream(lopdf::Stream::new(
                dictionary! { "Subtype" => "Form", "Resources" => dictionary! { "XObject" => dictionary! { "B" => b } } },
                b"/B Do".to_vec(),
            )),
        );
        assert!(matches!(find_image(&doc, &dictionary! { "N" => a }), Ok(None)));
    }
}
