//! The text fields of the clerk's issuing step (rules.md S11), written inside a
//! signature's own incremental update:
//!
//! - the personal signature reserves the number and date blanks as empty, read-only text
//!   fields placed over them ([`reserve`]), so that the revision the official signs holds
//!   them already;
//! - the organization signature fills them: a value (`/V`) and a new appearance stream
//!   (`/AP /N`) drawing it ([`fill`]), in the revision it signs.
//!
//! Filling a field that existed when a signature was made is what PDF validators accept
//! as form filling (pyHanko's `FORM_FILLING` level); writing into the page content would
//! break the personal signature in every validator.

use lopdf::{Dictionary, Document, Object, ObjectId};
use stamp_layout::blanks::{Align, Blank};
use stamp_layout::FormXObject;

use crate::update::{bad, serialize, unreadable};
use crate::SignError;
use crate::{PdfPart, StructureProblem};

/// Field flags: ReadOnly (bit 1), DoNotSpellCheck (bit 23), DoNotScroll (bit 24).
const RESERVED_FF: i64 = 1 | (1 << 22) | (1 << 23);
/// Annotation flags: Print.
const PRINT: i64 = 4;
/// The resource name of the default-appearance font (Times-Roman, a standard 14 font:
/// digits need nothing embedded when a viewer regenerates the appearance).
const DA_FONT: &str = "TiRo";

/// A reserved field to fill: its name (`/T`), the value and the appearance showing it.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldFill {
    pub name: String,
    pub value: String,
    pub appearance: FormXObject,
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn real(v: f32) -> Object {
    Object::Real((v * 1000.0).round() / 1000.0)
}

/// What [`reserve`] and [`fill`] add to the update.
#[derive(Default)]
pub(crate) struct FieldObjects {
    /// New objects (number, body).
    pub objects: Vec<(u32, Vec<u8>)>,
    /// Existing objects rewritten.
    pub updated: Vec<(ObjectId, Object)>,
    /// Widgets to add to pages' `/Annots`.
    pub annots: Vec<(ObjectId, Object)>,
    /// Fields to add to the AcroForm's `/Fields`.
    pub fields: Vec<Object>,
}

/// Empty read-only text fields over `blanks` (merged field and widget, with an empty
/// appearance and a `/VBDT_Blank` dictionary saying what each is and where its baseline lies).
pub(crate) fn reserve(
    blanks: &[Blank],
    pages: &[ObjectId],
    existing: &std::collections::BTreeSet<String>,
    alloc: &mut dyn FnMut() -> u32,
) -> Result<FieldObjects, SignError> {
    let mut out = FieldObjects::default();
    for b in blanks {
        let field_name = b.kind.field_name();
        if existing.contains(field_name) {
            return Err(bad(StructureProblem::BlankReservedBefore(field_name.to_string())));
        }
        let page = *pages.get(b.page).ok_or_else(|| bad(StructureProblem::NoSuchBlankPage(b.page + 1)))?;
        let field = alloc();
        let ap = alloc();
        let mut info = Dictionary::new();
        info.set("Kind", name(b.kind.pdf_name()));
        info.set("Baseline", real(b.baseline));
        info.set("Size", real(b.size));
        info.set("Align", name(b.align.pdf_name()));
        let mut d = Dictionary::new();
        d.set("Type", name("Annot"));
        d.set("Subtype", name("Widget"));
        d.set("FT", name("Tx"));
        d.set("T", lopdf::text_string(field_name));
        d.set("TU", lopdf::text_string(b.kind.description()));
        d.set("Ff", Object::Integer(RESERVED_FF));
        d.set("F", Object::Integer(PRINT));
        d.set("Rect", Object::Array(vec![real(b.rect.x0), real(b.rect.y0), real(b.rect.x1), real(b.rect.y1)]));
        d.set("P", Object::Reference(page));
        d.set("DA", Object::string_literal(format!("/{DA_FONT} {} Tf 0 g", (b.size * 100.0).round() / 100.0)));
        d.set(
            "Q",
            Object::Integer(match b.align {
                Align::Left => 0,
                Align::Center => 1,
                Align::Right => 2,
            }),
        );
        let mut apd = Dictionary::new();
        apd.set("N", Object::Reference((ap, 0)));
        d.set("AP", Object::Dictionary(apd));
        d.set("VBDT_Blank", Object::Dictionary(info));
        out.objects.push((field, serialize(&Object::Dictionary(d))?));
        let form = stamp_layout::blanks::empty_appearance(b)
            .to_objects(ap)
            .map_err(|e| SignError::Internal(crate::InternalError::EmptyAppearance(e)))?;
        for (n, o) in form {
            out.objects.push((n, serialize(&o)?));
        }
        out.annots.push((page, Object::Reference((field, 0))));
        out.fields.push(Object::Reference((field, 0)));
    }
    Ok(out)
}

/// The AcroForm's `/DR` with the default-appearance font added (when missing).
pub(crate) fn with_da_font(doc: &Document, acroform: &mut Dictionary) {
    let mut dr = match acroform.get(b"DR") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    let mut fonts = match dr.get(b"Font") {
        Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    if fonts.has(DA_FONT.as_bytes()) {
        return;
    }
    let mut f = Dictionary::new();
    f.set("Type", name("Font"));
    f.set("Subtype", name("Type1"));
    f.set("BaseFont", name("Times-Roman"));
    f.set("Encoding", name("WinAnsiEncoding"));
    fonts.set(DA_FONT, Object::Dictionary(f));
    dr.set("Font", Object::Dictionary(fonts));
    acroform.set("DR", Object::Dictionary(dr));
}

/// The names of the fields filled, as a PDF array of strings (None when none is).
pub(crate) fn filled_names(fills: &[FieldFill]) -> Option<Object> {
    (!fills.is_empty()).then(|| Object::Array(fills.iter().map(|f| lopdf::text_string(&f.name)).collect()))
}

/// The top-level fields of the form by name, with their object ids.
fn fields_by_name(doc: &Document, acroform: &Dictionary) -> Vec<(String, ObjectId)> {
    let arr = match acroform.get(b"Fields") {
        Ok(Object::Reference(id)) => doc.get_object(*id).and_then(Object::as_array).cloned().unwrap_or_default(),
        Ok(Object::Array(a)) => a.clone(),
        _ => Vec::new(),
    };
    arr.iter()
        .filter_map(|o| o.as_reference().ok())
        .filter_map(|id| {
            let d = doc.get_dictionary(id).ok()?;
            let t = match d.get(b"T") {
                Ok(Object::String(b, _)) => lopdf::decode_text_string(&Object::String(b.clone(), lopdf::StringFormat::Literal)).ok()?,
                _ => return None,
            };
            Some((t, id))
        })
        .collect()
}

/// Fills reserved text fields: each gets its value and a new appearance stream (never an
/// existing stream rewritten: validators allow a new `/AP /N`, not a changed one).
pub(crate) fn fill(
    doc: &Document,
    acroform: &Dictionary,
    fills: &[FieldFill],
    alloc: &mut dyn FnMut() -> u32,
) -> Result<FieldObjects, SignError> {
    let fields = fields_by_name(doc, acroform);
    let mut out = FieldObjects::default();
    for f in fills {
        let id = fields
            .iter()
            .find(|(n, _)| *n == f.name)
            .map(|(_, id)| *id)
            .ok_or_else(|| bad(StructureProblem::NoTextField(f.name.clone())))?;
        let mut d = doc.get_dictionary(id).map_err(unreadable(PdfPart::Field(f.name.clone())))?.clone();
        if d.get(b"FT").and_then(Object::as_name).ok() != Some(b"Tx".as_slice()) {
            return Err(bad(StructureProblem::NotTextField(f.name.clone())));
        }
        let first = alloc();
        let objs = f.appearance.to_objects(first).map_err(|e| SignError::Internal(crate::InternalError::Appearance(e)))?;
        for _ in 1..objs.len() {
            alloc();
        }
        for (n, o) in objs {
            out.objects.push((n, serialize(&o)?));
        }
        d.set("V", lopdf::text_string(&f.value));
        let mut ap = Dictionary::new();
        ap.set("N", Object::Reference((first, 0)));
        d.set("AP", Object::Dictionary(ap));
        out.updated.push((id, Object::Dictionary(d)));
    }
    Ok(out)
}
