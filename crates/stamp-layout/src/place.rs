//! Where each kind of stamp goes (rules.md S2–S5) and what it draws.

use lopdf::{Dictionary, Document, Object, ObjectId};
use pdf_writer::{Content, Name, Str};

use crate::error::{PdfProblem, PlaceProblem, PlaceSyntax};
use crate::form::FormXObject;
use crate::image::{ColorCheck, StampImage};
use crate::text::{fold, page_lines, Line};
use crate::{Appearance, LayoutError, Rect, TextFont, Visible, PT_PER_MM};

/// Share of the gap between title and name that the signature image fills (S2).
pub const PERSONAL_GAP_FILL: f32 = 0.9;
/// The smallest gap between title and name that takes a signature image.
const MIN_GAP_MM: f32 = 8.0;
/// Text stamps: size, line spacing, distance of the block's top from the page's top edge,
/// and of its right edge from the page's right edge (inside the 15–20 mm right margin of
/// Decree 30/2020 Appendix I).
pub const STAMP_FONT_SIZE: f32 = 10.0;
const STAMP_LEADING: f32 = 11.0;
const STAMP_TOP_MM: f32 = 4.0;
const STAMP_RIGHT_MM: f32 = 20.0;
/// Text stamp lines longer than this are wrapped at spaces.
const STAMP_MAX_WIDTH_MM: f32 = 110.0;

/// An appearance and what placing it had to say.
#[derive(Debug, Clone)]
pub struct Placed {
    pub appearance: Appearance,
    /// Things the user should know (an image of the wrong colour, …).
    pub warnings: Vec<crate::error::LayoutWarning>,
    /// One line saying where the stamp went, for messages.
    pub description: String,
}

/// An explicit placement: page (1-based) and a box in millimetres from the page's
/// top-left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl std::str::FromStr for Place {
    type Err = PlaceSyntax;
    /// `PAGE,X,Y,W,H`, e.g. `2,110,150,60,25`.
    fn from_str(s: &str) -> Result<Place, PlaceSyntax> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 5 {
            return Err(PlaceSyntax::Shape(s.to_string()));
        }
        let page: usize = parts[0].parse().map_err(|_| PlaceSyntax::Page(parts[0].to_string()))?;
        let mut v = [0f32; 4];
        for (slot, p) in v.iter_mut().zip(&parts[1..]) {
            *slot = p.trim_end_matches("mm").parse().map_err(|_| PlaceSyntax::Millimetres(p.to_string()))?;
            if !slot.is_finite() {
                return Err(PlaceSyntax::Millimetres(p.to_string()));
            }
        }
        if page == 0 || v[2] <= 0.0 || v[3] <= 0.0 || v[0] < 0.0 || v[1] < 0.0 {
            return Err(PlaceSyntax::OutOfRange);
        }
        Ok(Place { page, x: v[0], y: v[1], w: v[2], h: v[3] })
    }
}

pub(crate) fn load(pdf: &[u8]) -> Result<Document, LayoutError> {
    // The newest revision through our own reader (large images stay in the file); lopdf's
    // loader, which repairs broken xref data, when that fails.
    let fast = pdf_raw::RawPdf::parse(pdf)
        .ok()
        .and_then(|raw| pdf_raw::RevisionLoader::new(pdf, &raw, &pdf_raw::Limits::default()).load(raw.revisions.len() - 1).ok());
    let doc = match fast {
        Some(d) => d,
        None => Document::load_mem(pdf).map_err(|e| LayoutError::Pdf(PdfProblem::Load(e)))?,
    };
    if doc.is_encrypted() {
        return Err(LayoutError::Pdf(PdfProblem::Encrypted));
    }
    Ok(doc)
}

fn page_id(doc: &Document, index: usize) -> Result<ObjectId, LayoutError> {
    let pages = doc.get_pages();
    pages.values().nth(index).copied().ok_or(LayoutError::NoSuchPage { asked: index + 1, pages: pages.len() })
}

/// The page's visible box (CropBox, else MediaBox, inherited), normalized.
fn page_box(doc: &Document, page: ObjectId) -> Result<Rect, LayoutError> {
    let mut node: Option<&Dictionary> = doc.get_dictionary(page).ok();
    for key in [b"CropBox".as_slice(), b"MediaBox".as_slice()] {
        let mut n = node;
        for _ in 0..32 {
            let Some(d) = n else { break };
            if let Ok(o) = d.get(key) {
                let o = doc.dereference(o).map(|(_, o)| o).unwrap_or(o);
                if let Some(r) = rect_of(o) {
                    return Ok(r);
                }
            }
            n = d.get(b"Parent").ok().and_then(|p| p.as_reference().ok()).and_then(|id| doc.get_dictionary(id).ok());
        }
        node = doc.get_dictionary(page).ok();
    }
    Ok(Rect { x0: 0.0, y0: 0.0, x1: 595.0, y1: 842.0 })
}

/// The page's `/Rotate` (inherited), as 0, 90, 180 or 270.
fn page_rotation(doc: &Document, page: ObjectId) -> i64 {
    let mut node: Option<&Dictionary> = doc.get_dictionary(page).ok();
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(o) = d.get(b"Rotate") {
            let o = doc.dereference(o).map(|(_, o)| o).unwrap_or(o);
            return o.as_i64().map(|r| r.rem_euclid(360)).ok().filter(|r| r % 90 == 0).unwrap_or(0);
        }
        node = d.get(b"Parent").ok().and_then(|p| p.as_reference().ok()).and_then(|id| doc.get_dictionary(id).ok());
    }
    0
}

pub(crate) fn rect_of(o: &Object) -> Option<Rect> {
    let a = o.as_array().ok()?;
    if a.len() != 4 {
        return None;
    }
    let v: Vec<f32> = a.iter().filter_map(|x| x.as_float().ok()).filter(|x| x.is_finite()).collect();
    if v.len() != 4 {
        return None;
    }
    let r = Rect { x0: v[0].min(v[2]), y0: v[1].min(v[3]), x1: v[0].max(v[2]), y1: v[1].max(v[3]) };
    (r.width() > 0.0 && r.height() > 0.0).then_some(r)
}

fn image_appearance(page: usize, rect: Rect, image: &StampImage) -> Result<Appearance, LayoutError> {
    let (w, h) = (rect.width(), rect.height());
    let mut content = Content::new();
    content.save_state();
    content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
    content.x_object(Name(b"Im0"));
    content.restore_state();
    let form = FormXObject {
        bbox: Rect { x0: 0.0, y0: 0.0, x1: w, y1: h },
        content: content.finish().into_vec(),
        images: vec![("Im0".into(), image.to_xobject()?)],
        fonts: Vec::new(),
    };
    Ok(Appearance::Visible(Visible { page, rect, form }))
}

fn mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// S2: the personal signature image, centred on the signer's name and in the gap between
/// the title line(s) above it and the name, scaled to the gap with its aspect kept.
///
/// `page` is 1-based; without it the last page is searched first, then the ones before.
pub fn personal(pdf: &[u8], image: &StampImage, name: &str, page: Option<usize>) -> Result<Placed, LayoutError> {
    let doc = load(pdf)?;
    let count = doc.get_pages().len();
    if count == 0 {
        return Err(LayoutError::Pdf(PdfProblem::NoPages));
    }
    let order: Vec<usize> = match page {
        Some(p) if p == 0 || p > count => return Err(LayoutError::NoSuchPage { asked: p, pages: count }),
        Some(p) => vec![p - 1],
        None => (0..count).rev().collect(),
    };
    let wanted = fold(name);
    if wanted.is_empty() {
        return Err(LayoutError::Place(PlaceProblem::EmptyName));
    }
    let mut searched = 0;
    let mut found = None;
    for &p in &order {
        let lines = page_lines(&doc, p)?;
        searched += lines.len();
        // Prefer a line that is the name alone (the signature block) over a mention in
        // the body; of those, the lowest on the page.
        let mut best: Option<(usize, (f32, f32), bool)> = None;
        for (i, line) in lines.iter().enumerate() {
            if let Some(extent) = line.find(name) {
                let alone = fold(&line.text) == wanted;
                let better = match &best {
                    None => true,
                    Some((j, _, was_alone)) => (alone && !was_alone) || (alone == *was_alone && line.baseline < lines[*j].baseline),
                };
                if better {
                    best = Some((i, extent, alone));
                }
            }
        }
        if let Some((i, extent, _)) = best {
            found = Some((p, lines, i, extent));
            break;
        }
    }
    let Some((p, lines, i, (nx0, nx1))) = found else {
        let pages = match page {
            Some(p) => format!("page {p}"),
            None if count == 1 => "page 1".to_string(),
            None => format!("pages {count} to 1"),
        };
        return Err(LayoutError::NameNotFound { name: name.to_string(), pages, lines: searched });
    };
    let name_line = &lines[i];
    let title = title_above(&lines, name_line, nx0, nx1).ok_or_else(|| LayoutError::NoTitle { name: name.to_string(), page: p + 1 })?;
    let gap_top = title.bottom;
    let gap_bottom = name_line.top;
    let gap = gap_top - gap_bottom;
    if mm(gap) < MIN_GAP_MM {
        return Err(LayoutError::GapTooSmall { title: title.text.clone(), name: name_line.text.clone(), page: p + 1, gap_mm: mm(gap) });
    }
    let pbox = page_box(&doc, page_id(&doc, p)?)?;
    let cx = (nx0 + nx1) / 2.0;
    let cy = (gap_top + gap_bottom) / 2.0;
    let mut h = gap * PERSONAL_GAP_FILL;
    let mut w = h * image.aspect();
    let side = 5.0 * PT_PER_MM;
    // Never wider than the signature block (its widest title line or the name), nor
    // closer than 5 mm to the page's edges.
    let block_w = title_block(&lines, title).iter().chain([&name_line]).map(|l| l.x1 - l.x0).fold(0.0, f32::max);
    let max_w = (2.0 * (cx - pbox.x0 - side).min(pbox.x1 - side - cx)).min(block_w);
    if max_w <= 0.0 {
        return Err(LayoutError::Place(PlaceProblem::NameAtEdge));
    }
    if w > max_w {
        w = max_w;
        h = w / image.aspect();
    }
    let rect = Rect { x0: cx - w / 2.0, y0: cy - h / 2.0, x1: cx + w / 2.0, y1: cy + h / 2.0 };
    let mut warnings = Vec::new();
    warnings.extend(image.color_warning(ColorCheck::Blue));
    Ok(Placed {
        appearance: image_appearance(p, rect, image)?,
        warnings,
        description: format!("page {}, between {:?} and {:?}, {:.0}×{:.0} mm", p + 1, title.text, name_line.text, mm(w), mm(h)),
    })
}

/// The nearest line above the name that shares its column: the last title line.
fn title_above<'a>(lines: &'a [Line], name: &Line, nx0: f32, nx1: f32) -> Option<&'a Line> {
    lines
        .iter()
        .filter(|l| l.baseline > name.baseline + 0.5 * name.size && l.bottom >= name.top - 0.5 * name.size)
        .filter(|l| l.x0 < nx1 && l.x1 > nx0)
        .min_by(|a, b| a.baseline.total_cmp(&b.baseline))
}

/// The title lines: the one found and those right above it in the same column.
fn title_block<'a>(lines: &'a [Line], title: &'a Line) -> Vec<&'a Line> {
    let mut block = vec![title];
    let mut current = title;
    while let Some(next) = lines
        .iter()
        .filter(|l| l.baseline > current.baseline + 0.5 * current.size && l.baseline - current.baseline < 2.0 * current.size.max(l.size))
        .filter(|l| l.x0 < current.x1 && l.x1 > current.x0)
        .min_by(|a, b| a.baseline.total_cmp(&b.baseline))
    {
        if block.len() >= 8 {
            break;
        }
        block.push(next);
        current = next;
    }
    block
}

/// S3: the seal at its real size (the PNG's resolution, or `size_mm` across), covering
/// the left third of the document's personal signature image, vertically centred on it.
pub fn organization(pdf: &[u8], seal: &StampImage, size_mm: Option<f32>) -> Result<Placed, LayoutError> {
    let doc = load(pdf)?;
    let (page, sig) = personal_signature_rect(&doc)?.ok_or(LayoutError::NoPersonalSignature)?;
    let (w, h) = seal_size(seal, size_mm)?;
    let x1 = sig.x0 + sig.width() / 3.0;
    let (_, cy) = sig.center();
    let rect = Rect { x0: x1 - w, y0: cy - h / 2.0, x1, y1: cy + h / 2.0 };
    let mut warnings = Vec::new();
    warnings.extend(seal.color_warning(ColorCheck::Red));
    Ok(Placed {
        appearance: image_appearance(page, rect, seal)?,
        warnings,
        description: format!("page {}, {:.1}×{:.1} mm over the left third of the personal signature", page + 1, mm(w), mm(h)),
    })
}

fn seal_size(seal: &StampImage, size_mm: Option<f32>) -> Result<(f32, f32), LayoutError> {
    match size_mm {
        Some(s) if s.is_finite() && s > 0.0 && s < 200.0 => {
            let longer = s * PT_PER_MM;
            if seal.aspect() >= 1.0 {
                Ok((longer, longer / seal.aspect()))
            } else {
                Ok((longer * seal.aspect(), longer))
            }
        }
        Some(s) => Err(LayoutError::SealSize(s)),
        None => seal.natural_size_pt().ok_or(LayoutError::Image(crate::ImageProblem::NoResolution)),
    }
}

/// The widget rectangle of the document's personal signature: a signature field whose
/// value carries `/VBDT_Role /Personal`; failing that, the only visible signature.
fn personal_signature_rect(doc: &Document) -> Result<Option<(usize, Rect)>, LayoutError> {
    let mut tagged = None;
    let mut visible = Vec::new();
    for (index, (_, page_id)) in doc.get_pages().iter().enumerate() {
        let Ok(page) = doc.get_dictionary(*page_id) else { continue };
        let Some(annots) = page.get(b"Annots").ok().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_array().ok()) else {
            continue;
        };
        for a in annots.iter().take(10_000) {
            let Some(w) = doc.dereference(a).ok().and_then(|(_, o)| o.as_dict().ok()) else { continue };
            if w.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Widget".as_slice()) {
                continue;
            }
            // The field may be the widget itself or its parent.
            let field = match (w.get(b"FT"), w.get(b"Parent").and_then(Object::as_reference)) {
                (Ok(_), _) => w,
                (Err(_), Ok(pid)) => match doc.get_dictionary(pid) {
                    Ok(d) => d,
                    Err(_) => continue,
                },
                _ => continue,
            };
            if field.get(b"FT").and_then(Object::as_name).ok() != Some(b"Sig".as_slice()) {
                continue;
            }
            let Some(rect) = w.get(b"Rect").ok().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| rect_of(o)) else { continue };
            let Some(v) = field.get(b"V").ok().and_then(|o| doc.dereference(o).ok()).and_then(|(_, o)| o.as_dict().ok()) else { continue };
            if v.get(b"VBDT_Role").and_then(Object::as_name).ok() == Some(b"Personal".as_slice()) {
                tagged = Some((index, rect));
            }
            visible.push((index, rect));
        }
    }
    Ok(tagged.or(if visible.len() == 1 { visible.first().copied() } else { None }))
}

/// An image in a box given in millimetres from the page's top-left corner; the image
/// keeps its aspect and is centred in the box, and the widget is the image's rectangle.
pub fn explicit(pdf: &[u8], image: &StampImage, place: Place, check: Option<ColorCheck>) -> Result<Placed, LayoutError> {
    let doc = load(pdf)?;
    let pages = doc.get_pages().len();
    if place.page == 0 || place.page > pages {
        return Err(LayoutError::NoSuchPage { asked: place.page, pages });
    }
    let pbox = page_box(&doc, page_id(&doc, place.page - 1)?)?;
    let (bx, by_top, bw, bh) = (pbox.x0 + place.x * PT_PER_MM, pbox.y1 - place.y * PT_PER_MM, place.w * PT_PER_MM, place.h * PT_PER_MM);
    if bx + bw > pbox.x1 + 0.5 || by_top - bh < pbox.y0 - 0.5 {
        return Err(LayoutError::BoxOffPage {
            x: place.x,
            y: place.y,
            w: place.w,
            h: place.h,
            page: place.page,
            page_w: mm(pbox.width()),
            page_h: mm(pbox.height()),
        });
    }
    let (mut w, mut h) = (bw, bw / image.aspect());
    if h > bh {
        h = bh;
        w = bh * image.aspect();
    }
    let (cx, cy) = (bx + bw / 2.0, by_top - bh / 2.0);
    let rect = Rect { x0: cx - w / 2.0, y0: cy - h / 2.0, x1: cx + w / 2.0, y1: cy + h / 2.0 };
    let warnings = check.and_then(|c| image.color_warning(c)).into_iter().collect();
    Ok(Placed {
        appearance: image_appearance(place.page - 1, rect, image)?,
        warnings,
        description: format!("page {}, at {},{} mm", place.page, place.x, place.y),
    })
}

/// S4/S5: lines of text, right-aligned at the top right of page 1 inside the top margin,
/// 10 pt black in `font` (subset-embedded, with a ToUnicode map). Long lines are wrapped
/// at spaces; a character the font lacks is an error.
pub fn text_stamp(pdf: &[u8], lines: &[String], font: &TextFont) -> Result<Placed, LayoutError> {
    let doc = load(pdf)?;
    let pbox = page_box(&doc, page_id(&doc, 0)?)?;
    let size = STAMP_FONT_SIZE;
    let max_w = STAMP_MAX_WIDTH_MM * PT_PER_MM;
    let mut wrapped: Vec<String> = Vec::new();
    for line in lines {
        wrap(line, font, size, max_w, &mut wrapped)?;
    }
    if wrapped.is_empty() {
        return Err(LayoutError::Place(PlaceProblem::NoStampText));
    }
    let shaped: Vec<Vec<(u16, char, f32)>> = wrapped.iter().map(|l| font.shape(l)).collect::<Result<_, _>>()?;
    let all: Vec<(u16, char, f32)> = shaped.iter().flatten().copied().collect();
    let (objects, map) = font.embed(&all)?;
    let widths: Vec<f32> = shaped.iter().map(|g| g.iter().map(|x| x.2).sum::<f32>() * size / 1000.0).collect();
    let block_w = widths.iter().copied().fold(0.0, f32::max) + 2.0;
    let (ascent, descent) = font.vertical_metrics()?;
    let block_h = ascent / 1000.0 * size + STAMP_LEADING * (wrapped.len() as f32 - 1.0) - descent / 1000.0 * size;
    // Top right of the page as displayed: with /Rotate the block goes to the user-space
    // corner that is shown at the top right, its drawing turned back so that it reads
    // upright (the appearance maps its /BBox onto /Rect without turning it).
    let rotate = page_rotation(&doc, page_id(&doc, 0)?);
    let (top_gap, right_gap) = (STAMP_TOP_MM * PT_PER_MM, STAMP_RIGHT_MM * PT_PER_MM);
    let (rect, turn, bbox) = match rotate {
        90 => {
            let x0 = pbox.x0 + top_gap;
            let y1 = pbox.y1 - right_gap;
            (
                Rect { x0, y0: y1 - block_w, x1: x0 + block_h, y1 },
                Some([0.0, 1.0, -1.0, 0.0, block_h, 0.0]),
                Rect { x0: 0.0, y0: 0.0, x1: block_h, y1: block_w },
            )
        }
        180 => {
            let y0 = pbox.y0 + top_gap;
            let x0 = pbox.x0 + right_gap;
            (
                Rect { x0, y0, x1: x0 + block_w, y1: y0 + block_h },
                Some([-1.0, 0.0, 0.0, -1.0, block_w, block_h]),
                Rect { x0: 0.0, y0: 0.0, x1: block_w, y1: block_h },
            )
        }
        270 => {
            let x1 = pbox.x1 - top_gap;
            let y0 = pbox.y0 + right_gap;
            (
                Rect { x0: x1 - block_h, y0, x1, y1: y0 + block_w },
                Some([0.0, -1.0, 1.0, 0.0, 0.0, block_w]),
                Rect { x0: 0.0, y0: 0.0, x1: block_h, y1: block_w },
            )
        }
        _ => {
            let right = pbox.x1 - right_gap;
            let top = pbox.y1 - top_gap;
            (Rect { x0: right - block_w, y0: top - block_h, x1: right, y1: top }, None, Rect { x0: 0.0, y0: 0.0, x1: block_w, y1: block_h })
        }
    };
    if rect.x0 < pbox.x0 || rect.y0 < pbox.y0 {
        return Err(LayoutError::StampTooWide);
    }
    // The top margin should be empty; say so when the page's own text is under the stamp.
    let mut warnings = Vec::new();
    if let Ok(lines) = page_lines(&doc, 0) {
        let under: Vec<&str> = lines
            .iter()
            .filter(|l| l.x0 < rect.x1 && l.x1 > rect.x0 && l.bottom < rect.y1 && l.top > rect.y0)
            .map(|l| l.text.as_str())
            .collect();
        if let Some(first) = under.first() {
            warnings.push(crate::error::LayoutWarning::StampOverText { text: first.to_string() });
        }
    }
    let mut content = Content::new();
    content.save_state();
    if let Some(m) = turn {
        content.transform(m);
    }
    content.set_fill_gray(0.0);
    content.begin_text();
    content.set_font(Name(b"F0"), size);
    for (k, (glyphs, w)) in shaped.iter().zip(&widths).enumerate() {
        let baseline = block_h - ascent / 1000.0 * size - STAMP_LEADING * k as f32;
        let x = block_w - w;
        content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, baseline]);
        let mut codes = Vec::with_capacity(glyphs.len() * 2);
        for (gid, _, _) in glyphs {
            let cid = map.get(gid).copied().unwrap_or(0);
            codes.extend_from_slice(&cid.to_be_bytes());
        }
        content.show(Str(&codes));
    }
    content.end_text();
    content.restore_state();
    let form = FormXObject { bbox, content: content.finish().into_vec(), images: Vec::new(), fonts: vec![("F0".into(), objects)] };
    Ok(Placed {
        appearance: Appearance::Visible(Visible { page: 0, rect, form }),
        warnings,
        description: format!("page 1, top right, {} line(s) in {} ({})", wrapped.len(), font.name, font.source),
    })
}

fn wrap(line: &str, font: &TextFont, size: f32, max_w: f32, out: &mut Vec<String>) -> Result<(), LayoutError> {
    let mut current = String::new();
    for word in line.split_whitespace() {
        let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
        if !current.is_empty() && font.width(&candidate, size)? > max_w {
            out.push(std::mem::take(&mut current));
            current = word.to_string();
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        // Even one word must fit; it is shown whole (the font check still runs).
        font.width(&current, size)?;
        out.push(current);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_parses_millimetres() {
        let p: Place = "2, 110, 150.5, 60mm, 25".parse().unwrap();
        assert_eq!(p, Place { page: 2, x: 110.0, y: 150.5, w: 60.0, h: 25.0 });
        assert!("0,1,1,1,1".parse::<Place>().is_err());
        assert!("1,1,1".parse::<Place>().is_err());
        assert!("1,1,1,-1,1".parse::<Place>().is_err());
    }
}
