//! Text with positions from a page, enough to find a signature block: glyphs decoded
//! through `/ToUnicode` (simple TrueType fonts and Type0/Identity-H alike), placed by the
//! text and graphics matrices (`Tm`, `Td`, `TD`, `T*`, `TJ` adjustments, `Tc`, `Tw`,
//! `Tz`, `Ts`, `cm`, form XObjects), then grouped into lines.
//!
//! Hostile input is bounded: the decoded content of a page, the number of operations,
//! the nesting of form XObjects and of `q`, and the size of CMaps all have limits.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use unicode_normalization::UnicodeNormalization;

use crate::{LayoutError, LimitProblem};

/// At most this many bytes of decoded content per page (all streams and forms together).
pub const MAX_CONTENT_BYTES: usize = 64 << 20;
/// At most this many content operations per page.
pub const MAX_OPERATIONS: usize = 4_000_000;
/// Form XObjects nested deeper than this are not entered.
pub const MAX_FORM_DEPTH: usize = 8;
const MAX_Q_DEPTH: usize = 256;
const MAX_GLYPHS: usize = 1_000_000;
const MAX_CMAP_ENTRIES: usize = 200_000;
/// Code ranges expanded per CMap or width array, overlapping ones included.
const MAX_CMAP_WORK: usize = 2_000_000;

/// One character on the page with its horizontal extent.
#[derive(Debug, Clone, PartialEq)]
pub struct CharBox {
    pub ch: char,
    pub x0: f32,
    pub x1: f32,
}

/// A line of text (one column's part of it) in user space, y upwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text, NFC, with spaces where the layout leaves gaps.
    pub text: String,
    /// One entry per character of `text`.
    pub chars: Vec<CharBox>,
    pub baseline: f32,
    /// Top of the tallest glyph box (baseline + ascent).
    pub top: f32,
    /// Bottom (baseline + descent; descent is negative).
    pub bottom: f32,
    pub x0: f32,
    pub x1: f32,
    /// Font size in user space.
    pub size: f32,
}

#[derive(Debug, Clone)]
struct Glyph {
    text: String,
    x0: f32,
    x1: f32,
    baseline: f32,
    size: f32,
    ascent: f32,
    descent: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Matrix([f32; 6]);

impl Matrix {
    const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);
    /// `self` then `other`.
    fn then(&self, other: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2, e * a2 + f * c2 + e2, e * b2 + f * d2 + f2])
    }
    fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }
    fn translate(x: f32, y: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }
    fn from_operands(ops: &[Object]) -> Option<Matrix> {
        if ops.len() != 6 {
            return None;
        }
        let mut m = [0f32; 6];
        for (slot, o) in m.iter_mut().zip(ops) {
            *slot = o.as_float().ok()?;
            if !slot.is_finite() {
                return None;
            }
        }
        Some(Matrix(m))
    }
}

/// The lines of text on page `page_index` (0-based), top to bottom, left to right.
pub fn page_lines(doc: &Document, page_index: usize) -> Result<Vec<Line>, LayoutError> {
    let pages = doc.get_pages();
    let page_id = *pages.values().nth(page_index).ok_or(LayoutError::NoSuchPage { asked: page_index + 1, pages: pages.len() })?;
    let content =
        doc.get_page_content_with_limit(page_id, MAX_CONTENT_BYTES).map_err(|e| LayoutError::Limit(LimitProblem::PageContent(e)))?;
    let resources = page_resources(doc, page_id);
    let mut reader = Reader { doc, glyphs: Vec::new(), ops: 0, bytes: content.len(), fonts: HashMap::new() };
    reader.run(&content, &resources, Matrix::IDENTITY, 0)?;
    Ok(group_lines(reader.glyphs))
}

/// One baseline of page text, whole: both columns, and every glyph a space character is
/// drawn with kept (a blank made of spaces, like "Số:      /QĐ-UBND", has its extent).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// One entry per character drawn, left to right; spaces included, not merged.
    pub chars: Vec<CharBox>,
    pub baseline: f32,
    /// The largest font size in user space.
    pub size: f32,
    pub top: f32,
    pub bottom: f32,
}

/// The rows of text on page `page_index` (0-based), top to bottom, with the same bounds
/// as [`page_lines`]. Unlike lines, rows are not split at wide gaps and keep spaces.
pub fn page_rows(doc: &Document, page_index: usize) -> Result<Vec<Row>, LayoutError> {
    let pages = doc.get_pages();
    let page_id = *pages.values().nth(page_index).ok_or(LayoutError::NoSuchPage { asked: page_index + 1, pages: pages.len() })?;
    let content =
        doc.get_page_content_with_limit(page_id, MAX_CONTENT_BYTES).map_err(|e| LayoutError::Limit(LimitProblem::PageContent(e)))?;
    let resources = page_resources(doc, page_id);
    let mut reader = Reader { doc, glyphs: Vec::new(), ops: 0, bytes: content.len(), fonts: HashMap::new() };
    reader.run(&content, &resources, Matrix::IDENTITY, 0)?;
    Ok(group_rows(reader.glyphs))
}

fn group_rows(glyphs: Vec<Glyph>) -> Vec<Row> {
    let mut glyphs: Vec<Glyph> = glyphs.into_iter().filter(|g| g.size > 0.1 && g.x0.is_finite() && g.baseline.is_finite()).collect();
    glyphs.sort_by(|a, b| b.baseline.total_cmp(&a.baseline).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].baseline - g.baseline).abs() <= 0.3 * row[0].size.max(g.size).max(1.0) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    rows.into_iter()
        .map(|mut row| {
            row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let mut chars = Vec::new();
            for g in &row {
                let text: Vec<char> = g.text.nfc().collect();
                let n = text.len().max(1) as f32;
                let w = (g.x1 - g.x0) / n;
                for (k, ch) in text.into_iter().enumerate() {
                    let ch = if ch.is_whitespace() { ' ' } else { ch };
                    chars.push(CharBox { ch, x0: g.x0 + w * k as f32, x1: g.x0 + w * (k as f32 + 1.0) });
                }
            }
            Row {
                baseline: row.iter().map(|g| g.baseline).sum::<f32>() / row.len().max(1) as f32,
                size: row.iter().map(|g| g.size).fold(0.0, f32::max),
                top: row.iter().map(|g| g.baseline + g.ascent * g.size).fold(f32::MIN, f32::max),
                bottom: row.iter().map(|g| g.baseline + g.descent * g.size).fold(f32::MAX, f32::min),
                chars,
            }
        })
        .filter(|r| !r.chars.is_empty())
        .collect()
}

/// The lines of text a form XObject draws (e.g. a signature widget's normal appearance),
/// in the form's own space (its `/Matrix` applied) turned clockwise by `rotate` degrees
/// (a multiple of 90: the page's `/Rotate`, so that lines are read as they are shown),
/// with the same bounds as a page.
pub fn form_lines(doc: &Document, form: &lopdf::Stream, rotate: i64) -> Result<Vec<Line>, LayoutError> {
    let content =
        form.decompressed_content_with_limit(MAX_CONTENT_BYTES).map_err(|e| LayoutError::Limit(LimitProblem::AppearanceContent(e)))?;
    let empty = Dictionary::new();
    let resources = form.dict.get(b"Resources").ok().and_then(|r| resolve_dict(doc, r)).unwrap_or(&empty);
    let matrix =
        form.dict.get(b"Matrix").ok().and_then(|m| m.as_array().ok()).and_then(|a| Matrix::from_operands(a)).unwrap_or(Matrix::IDENTITY);
    let turn = match rotate.rem_euclid(360) {
        90 => Matrix([0.0, -1.0, 1.0, 0.0, 0.0, 0.0]),
        180 => Matrix([-1.0, 0.0, 0.0, -1.0, 0.0, 0.0]),
        270 => Matrix([0.0, 1.0, -1.0, 0.0, 0.0, 0.0]),
        _ => Matrix::IDENTITY,
    };
    let mut reader = Reader { doc, glyphs: Vec::new(), ops: 0, bytes: content.len(), fonts: HashMap::new() };
    reader.run(&content, resources, matrix.then(&turn), 1)?;
    Ok(group_lines(reader.glyphs))
}

/// The page's resources, merged from the page and its ancestors (nearest wins).
fn page_resources(doc: &Document, page_id: ObjectId) -> Dictionary {
    let mut merged = Dictionary::new();
    if let Ok((direct, ids)) = doc.get_page_resources(page_id) {
        let mut all: Vec<&Dictionary> = Vec::new();
        if let Some(d) = direct {
            all.push(d);
        }
        for id in ids {
            if let Ok(d) = doc.get_dictionary(id) {
                all.push(d);
            }
        }
        for d in all {
            for (k, v) in d.iter() {
                if !merged.has(k) {
                    merged.set(k.clone(), v.clone());
                }
            }
        }
    }
    merged
}

fn resolve<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).map(|(_, o)| o).unwrap_or(o)
}

fn resolve_dict<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, o) {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn num(o: &Object) -> Option<f32> {
    o.as_float().ok().filter(|v| v.is_finite())
}

#[derive(Clone)]
struct TextState {
    font: Option<Rc<FontInfo>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    scale: f32,
    leading: f32,
    rise: f32,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    text: TextState,
}

struct Reader<'a> {
    doc: &'a Document,
    glyphs: Vec<Glyph>,
    ops: usize,
    bytes: usize,
    /// Fonts read so far, by the address of their dictionary (which lives as long as the
    /// document or the page's merged resources), so that each is read once.
    fonts: HashMap<usize, Rc<FontInfo>>,
}

impl<'a> Reader<'a> {
    fn font(&mut self, resources: &Dictionary, name: &[u8]) -> Option<Rc<FontInfo>> {
        let fonts = resolve_dict(self.doc, resources.get(b"Font").ok()?)?;
        let dict = resolve_dict(self.doc, fonts.get(name).ok()?)?;
        let key = dict as *const Dictionary as usize;
        if let Some(f) = self.fonts.get(&key) {
            return Some(f.clone());
        }
        let info = Rc::new(FontInfo::read(self.doc, dict));
        self.fonts.insert(key, info.clone());
        Some(info)
    }

    fn run(&mut self, content: &[u8], resources: &Dictionary, ctm: Matrix, depth: usize) -> Result<(), LayoutError> {
        let mut gs = GState {
            ctm,
            text: TextState { font: None, size: 0.0, char_spacing: 0.0, word_spacing: 0.0, scale: 1.0, leading: 0.0, rise: 0.0 },
        };
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        for op in Content::decode_iter(content) {
            // A syntax error ends this stream; what was read so far stays.
            let Ok(op) = op else { break };
            self.ops += 1;
            if self.ops > MAX_OPERATIONS {
                return Err(LayoutError::Limit(LimitProblem::Operations(MAX_OPERATIONS)));
            }
            let ops = &op.operands;
            match op.operator.as_str() {
                "q" if stack.len() < MAX_Q_DEPTH => stack.push(gs.clone()),
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let Some(m) = Matrix::from_operands(ops) {
                        gs.ctm = m.then(&gs.ctm);
                    }
                }
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) = (ops.first(), ops.get(1).and_then(num)) {
                        gs.text.font = self.font(resources, name);
                        gs.text.size = size;
                    }
                }
                "Tc" => gs.text.char_spacing = ops.first().and_then(num).unwrap_or(0.0),
                "Tw" => gs.text.word_spacing = ops.first().and_then(num).unwrap_or(0.0),
                "Tz" => gs.text.scale = ops.first().and_then(num).unwrap_or(100.0) / 100.0,
                "TL" => gs.text.leading = ops.first().and_then(num).unwrap_or(0.0),
                "Ts" => gs.text.rise = ops.first().and_then(num).unwrap_or(0.0),
                "Td" | "TD" => {
                    if let (Some(x), Some(y)) = (ops.first().and_then(num), ops.get(1).and_then(num)) {
                        if op.operator == "TD" {
                            gs.text.leading = -y;
                        }
                        tlm = Matrix::translate(x, y).then(&tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = Matrix::from_operands(ops) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.text.leading).then(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = ops.first() {
                        self.show(s, &gs, &mut tm)?;
                    }
                }
                "'" | "\"" => {
                    if op.operator == "\"" {
                        gs.text.word_spacing = ops.first().and_then(num).unwrap_or(gs.text.word_spacing);
                        gs.text.char_spacing = ops.get(1).and_then(num).unwrap_or(gs.text.char_spacing);
                    }
                    tlm = Matrix::translate(0.0, -gs.text.leading).then(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = ops.last() {
                        self.show(s, &gs, &mut tm)?;
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = ops.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, &gs, &mut tm)?,
                                other => {
                                    if let Some(adj) = num(other) {
                                        let tx = -adj / 1000.0 * gs.text.size * gs.text.scale;
                                        tm = Matrix::translate(tx, 0.0).then(&tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "Do" => {
                    if let Some(Object::Name(name)) = ops.first() {
                        self.form(resources, name, &gs, depth)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn form(&mut self, resources: &Dictionary, name: &[u8], gs: &GState, depth: usize) -> Result<(), LayoutError> {
        if depth >= MAX_FORM_DEPTH {
            return Ok(());
        }
        let Some(xobjects) = resources.get(b"XObject").ok().and_then(|o| resolve_dict(self.doc, o)) else { return Ok(()) };
        let Ok(entry) = xobjects.get(name) else { return Ok(()) };
        let Object::Stream(stream) = resolve(self.doc, entry) else { return Ok(()) };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Form".as_slice()) {
            return Ok(());
        }
        let remaining = MAX_CONTENT_BYTES.saturating_sub(self.bytes);
        let data = stream.decompressed_content_with_limit(remaining).or_else(|_| {
            if stream.content.len() <= remaining {
                Ok(stream.content.clone())
            } else {
                Err(())
            }
        });
        let Ok(data) = data else {
            return Err(LayoutError::Limit(LimitProblem::ContentBytes(MAX_CONTENT_BYTES)));
        };
        self.bytes += data.len();
        let matrix = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| m.as_array().ok())
            .and_then(|a| Matrix::from_operands(a))
            .unwrap_or(Matrix::IDENTITY);
        let own = stream.dict.get(b"Resources").ok().and_then(|r| resolve_dict(self.doc, r));
        self.run(&data, own.unwrap_or(resources), matrix.then(&gs.ctm), depth + 1)
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) -> Result<(), LayoutError> {
        let Some(font) = gs.text.font.clone() else { return Ok(()) };
        let t = &gs.text;
        for (code, len) in font.codes(bytes) {
            let w0 = font.width(code) * font.width_scale;
            let m = tm.then(&gs.ctm);
            let (sx, sy) = m.apply(0.0, t.rise);
            let (ex, _) = m.apply(w0 * t.size * t.scale, t.rise);
            let (vx, vy) = (m.0[2] * t.size, m.0[3] * t.size);
            let size = (vx * vx + vy * vy).sqrt();
            let text = font.unicode(code);
            if self.glyphs.len() >= MAX_GLYPHS {
                return Err(LayoutError::Limit(LimitProblem::Glyphs(MAX_GLYPHS)));
            }
            self.glyphs.push(Glyph {
                text,
                x0: sx.min(ex),
                x1: sx.max(ex),
                baseline: sy,
                size,
                ascent: font.ascent,
                descent: font.descent,
            });
            let spacing = t.char_spacing + if len == 1 && code == 32 { t.word_spacing } else { 0.0 };
            let tx = (w0 * t.size + spacing) * t.scale;
            *tm = Matrix::translate(tx, 0.0).then(tm);
        }
        Ok(())
    }
}

/// What is needed of a font to place its glyphs and read their text.
struct FontInfo {
    /// Code lengths from the encoding's codespace ranges: (length, low, high).
    codespace: Vec<(usize, u32, u32)>,
    to_unicode: HashMap<u32, String>,
    simple_encoding: Option<[Option<char>; 256]>,
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space to text space (1/1000 except Type 3).
    width_scale: f32,
    ascent: f32,
    descent: f32,
}

impl FontInfo {
    fn read(doc: &Document, font: &Dictionary) -> FontInfo {
        let subtype = font.get(b"Subtype").and_then(Object::as_name).unwrap_or(b"");
        let mut info = FontInfo {
            codespace: vec![(1, 0, 0xFF)],
            to_unicode: HashMap::new(),
            simple_encoding: None,
            widths: HashMap::new(),
            default_width: 0.0,
            width_scale: 0.001,
            ascent: 0.9,
            descent: -0.22,
        };
        let mut descriptor = font.get(b"FontDescriptor").ok().and_then(|o| resolve_dict(doc, o));
        if subtype == b"Type0" {
            info.codespace = vec![(2, 0, 0xFFFF)];
            if let Ok(enc) = font.get(b"Encoding") {
                if let Object::Stream(s) = resolve(doc, enc) {
                    if let Ok(data) = s.decompressed_content_with_limit(1 << 20) {
                        let cm = parse_cmap(&data);
                        if !cm.codespace.is_empty() {
                            info.codespace = cm.codespace;
                        }
                    }
                }
            }
            let descendant = font
                .get(b"DescendantFonts")
                .ok()
                .map(|o| resolve(doc, o))
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first())
                .and_then(|o| resolve_dict(doc, o));
            info.default_width = 1000.0;
            if let Some(cid) = descendant {
                if descriptor.is_none() {
                    descriptor = cid.get(b"FontDescriptor").ok().and_then(|o| resolve_dict(doc, o));
                }
                if let Some(dw) = cid.get(b"DW").ok().and_then(num) {
                    info.default_width = dw;
                }
                if let Some(w) = cid.get(b"W").ok().map(|o| resolve(doc, o)).and_then(|o| o.as_array().ok()) {
                    read_cid_widths(doc, w, &mut info.widths);
                }
            }
        } else {
            let first = font.get(b"FirstChar").ok().and_then(num).unwrap_or(0.0).max(0.0) as u32;
            if let Some(ws) = font.get(b"Widths").ok().map(|o| resolve(doc, o)).and_then(|o| o.as_array().ok()) {
                for (i, w) in ws.iter().take(256).enumerate() {
                    if let Some(w) = num(resolve(doc, w)) {
                        info.widths.insert(first.saturating_add(i as u32), w);
                    }
                }
            }
            info.default_width = descriptor.and_then(|d| d.get(b"MissingWidth").ok()).and_then(num).unwrap_or(if info.widths.is_empty() {
                500.0
            } else {
                0.0
            });
            info.simple_encoding = Some(simple_encoding(doc, font));
            if subtype == b"Type3" {
                if let Some(fm) = font.get(b"FontMatrix").ok().and_then(|o| o.as_array().ok()).and_then(|a| a.first()).and_then(num) {
                    info.width_scale = fm;
                }
            }
        }
        if let Some(d) = descriptor {
            let a = d.get(b"Ascent").ok().and_then(num).unwrap_or(0.0);
            let dsc = d.get(b"Descent").ok().and_then(num).unwrap_or(0.0);
            if a > 0.0 && a < 2000.0 {
                info.ascent = a / 1000.0;
            }
            if dsc < 0.0 && dsc > -1000.0 {
                info.descent = dsc / 1000.0;
            }
        }
        if let Some(Object::Stream(s)) = font.get(b"ToUnicode").ok().map(|o| resolve(doc, o)) {
            if let Ok(data) = s.decompressed_content_with_limit(4 << 20) {
                info.to_unicode = parse_cmap(&data).map;
            }
        }
        info
    }

    /// Splits a string into codes by the codespace ranges.
    fn codes(&self, bytes: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let mut taken = None;
            for &(len, lo, hi) in &self.codespace {
                if i + len <= bytes.len() {
                    let code = bytes[i..i + len].iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                    if code >= lo && code <= hi {
                        taken = Some((code, len));
                        break;
                    }
                }
            }
            let (code, len) = taken.unwrap_or_else(|| {
                let len = self.codespace.first().map(|c| c.0).unwrap_or(1).min(bytes.len() - i).max(1);
                (bytes[i..i + len].iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)), len)
            });
            out.push((code, len));
            i += len;
        }
        out
    }

    fn width(&self, code: u32) -> f32 {
        self.widths.get(&code).copied().unwrap_or(self.default_width)
    }

    fn unicode(&self, code: u32) -> String {
        if let Some(s) = self.to_unicode.get(&code) {
            return s.clone();
        }
        if let Some(enc) = &self.simple_encoding {
            if let Some(Some(c)) = enc.get(code as usize) {
                return c.to_string();
            }
        }
        '\u{FFFD}'.to_string()
    }
}

fn read_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    // Overlapping ranges do not grow the map, so the work itself is bounded too.
    let mut work = 0usize;
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 && work < MAX_CMAP_WORK {
        let Some(first) = num(resolve(doc, &w[i])) else { break };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).map(|o| resolve(doc, o)) {
            Some(Object::Array(list)) => {
                for (k, v) in list.iter().take(65_536).enumerate() {
                    work += 1;
                    if let Some(v) = num(resolve(doc, v)) {
                        out.insert(first.saturating_add(k as u32), v);
                    }
                }
                i += 2;
            }
            Some(last) => {
                let (Some(last), Some(v)) = (num(last), w.get(i + 2).map(|o| resolve(doc, o)).and_then(num)) else { break };
                let last = (last.max(0.0) as u32).min(first.saturating_add(65_536));
                for c in first..=last {
                    out.insert(c, v);
                }
                work += (last.saturating_sub(first) as usize) + 1;
                i += 3;
            }
            None => break,
        }
    }
}

/// A simple font's code → character table: the base encoding (WinAnsi unless stated)
/// and `/Differences` for glyph names vbdt knows (`uniXXXX`, `uXXXX`, `gXX` is unknown).
fn simple_encoding(doc: &Document, font: &Dictionary) -> [Option<char>; 256] {
    let mut table = [None; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        // WinAnsi agrees with Latin-1 except 0x80–0x9F, which are rare in signature blocks.
        if (0x20..0x7F).contains(&i) || i >= 0xA0 {
            *slot = char::from_u32(i as u32);
        }
    }
    if let Some(Object::Dictionary(enc)) = font.get(b"Encoding").ok().map(|o| resolve(doc, o)) {
        if let Some(diffs) = enc.get(b"Differences").ok().map(|o| resolve(doc, o)).and_then(|o| o.as_array().ok()) {
            let mut code = 0usize;
            for d in diffs {
                match d {
                    Object::Integer(n) => code = (*n).clamp(0, 255) as usize,
                    Object::Name(name) => {
                        if code < 256 {
                            table[code] = glyph_name_char(name);
                        }
                        code += 1;
                    }
                    _ => {}
                }
            }
        }
    }
    table
}

fn glyph_name_char(name: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(name).ok()?;
    if let Some(hex) = s.strip_prefix("uni").or_else(|| s.strip_prefix('u')) {
        if hex.len() >= 4 {
            return u32::from_str_radix(&hex[..hex.len().min(6)], 16).ok().and_then(char::from_u32);
        }
    }
    if s.len() == 1 {
        return s.chars().next();
    }
    match s {
        "space" => Some(' '),
        "period" => Some('.'),
        "comma" => Some(','),
        "hyphen" => Some('-'),
        "slash" => Some('/'),
        "colon" => Some(':'),
        _ => None,
    }
}

/// What a CMap stream says: codespace ranges and code → text.
#[derive(Default)]
struct ParsedCmap {
    codespace: Vec<(usize, u32, u32)>,
    map: HashMap<u32, String>,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(Vec<u8>),
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut i = 0;
    while i < data.len() && toks.len() < MAX_CMAP_ENTRIES * 4 {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let end = data[start..].iter().position(|b| *b == b'>').map(|p| start + p).unwrap_or(data.len());
                let digits: Vec<u8> = data[start..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                let bytes = digits
                    .chunks(2)
                    .map(|p| {
                        let hi = (p[0] as char).to_digit(16).unwrap_or(0);
                        let lo = p.get(1).and_then(|c| (*c as char).to_digit(16)).unwrap_or(0);
                        (hi * 16 + lo) as u8
                    })
                    .collect();
                toks.push(Tok::Hex(bytes));
                i = end + 1;
            }
            b'[' => {
                toks.push(Tok::Open);
                i += 1;
            }
            b']' => {
                toks.push(Tok::Close);
                i += 1;
            }
            b'(' => {
                // Literal strings appear in headers only; skip them.
                let mut depth = 0usize;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !data[i].is_ascii_whitespace() && !b"<>[]()%/".contains(&data[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                    continue;
                }
                toks.push(Tok::Word(data[start..i].to_vec()));
            }
        }
    }
    toks
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().take(4).fold(0u32, |acc, b| (acc << 8) | u32::from(*b))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks(2).map(|p| (u16::from(p[0]) << 8) | u16::from(*p.get(1).unwrap_or(&0))).collect();
    String::from_utf16_lossy(&units)
}

/// Text of `dst` plus `offset` in its last UTF-16 unit (bfrange).
fn utf16_plus(bytes: &[u8], offset: u32) -> String {
    let mut units: Vec<u16> = bytes.chunks(2).map(|p| (u16::from(p[0]) << 8) | u16::from(*p.get(1).unwrap_or(&0))).collect();
    if let Some(last) = units.last_mut() {
        *last = last.wrapping_add(offset as u16);
    }
    String::from_utf16_lossy(&units)
}

fn parse_cmap(data: &[u8]) -> ParsedCmap {
    let toks = cmap_tokens(data);
    let mut out = ParsedCmap::default();
    let mut work = 0usize;
    let mut i = 0;
    let word = |t: &Tok, w: &str| matches!(t, Tok::Word(x) if x == w.as_bytes());
    while i < toks.len() {
        if word(&toks[i], "begincodespacerange") {
            i += 1;
            while i + 1 < toks.len() && !word(&toks[i], "endcodespacerange") {
                if let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) {
                    if !lo.is_empty() && lo.len() <= 4 && out.codespace.len() < 256 {
                        out.codespace.push((lo.len(), be(lo), be(hi)));
                    }
                }
                i += 2;
            }
        } else if word(&toks[i], "beginbfchar") {
            i += 1;
            while i + 1 < toks.len() && !word(&toks[i], "endbfchar") {
                if let (Tok::Hex(src), Tok::Hex(dst)) = (&toks[i], &toks[i + 1]) {
                    if out.map.len() < MAX_CMAP_ENTRIES {
                        out.map.insert(be(src), utf16(dst));
                    }
                }
                i += 2;
            }
        } else if word(&toks[i], "beginbfrange") {
            i += 1;
            while i + 2 < toks.len() && !word(&toks[i], "endbfrange") {
                let (Tok::Hex(lo), Tok::Hex(hi)) = (&toks[i], &toks[i + 1]) else {
                    i += 1;
                    continue;
                };
                let (lo, hi) = (be(lo), be(hi));
                let hi = hi.min(lo.saturating_add(65_535));
                work += (hi.saturating_sub(lo) as usize) + 1;
                if work > MAX_CMAP_WORK {
                    break;
                }
                match &toks[i + 2] {
                    Tok::Hex(dst) => {
                        for c in lo..=hi {
                            if out.map.len() >= MAX_CMAP_ENTRIES {
                                break;
                            }
                            out.map.insert(c, utf16_plus(dst, c - lo));
                        }
                        i += 3;
                    }
                    Tok::Open => {
                        let mut j = i + 3;
                        let mut c = lo;
                        while j < toks.len() && toks[j] != Tok::Close {
                            if let Tok::Hex(dst) = &toks[j] {
                                if c <= hi && out.map.len() < MAX_CMAP_ENTRIES {
                                    out.map.insert(c, utf16(dst));
                                }
                                c = c.saturating_add(1);
                            }
                            j += 1;
                        }
                        i = j + 1;
                    }
                    _ => i += 3,
                }
            }
        }
        i += 1;
    }
    out.codespace.sort_by_key(|c| c.0);
    out
}

/// Groups glyphs into lines: same baseline, close together; a wide gap starts another
/// piece so that two columns side by side stay apart.
fn group_lines(glyphs: Vec<Glyph>) -> Vec<Line> {
    struct Piece {
        glyphs: Vec<Glyph>,
    }
    let mut pieces: Vec<Piece> = Vec::new();
    let mut glyphs: Vec<Glyph> = glyphs.into_iter().filter(|g| g.size > 0.1 && g.x0.is_finite() && g.baseline.is_finite()).collect();
    // Top to bottom, then left to right; equal baselines within a small tolerance.
    glyphs.sort_by(|a, b| b.baseline.total_cmp(&a.baseline).then(a.x0.total_cmp(&b.x0)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].baseline - g.baseline).abs() <= 0.3 * row[0].size.max(g.size).max(1.0) => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    for mut row in rows {
        row.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut current: Vec<Glyph> = Vec::new();
        for g in row {
            if let Some(last) = current.last() {
                let gap = g.x0 - last.x1;
                if gap > 1.5 * last.size.max(g.size) {
                    pieces.push(Piece { glyphs: std::mem::take(&mut current) });
                }
            }
            current.push(g);
        }
        if !current.is_empty() {
            pieces.push(Piece { glyphs: current });
        }
    }
    let mut lines = Vec::new();
    for p in pieces {
        let mut chars: Vec<CharBox> = Vec::new();
        let size = p.glyphs.iter().map(|g| g.size).fold(0.0, f32::max);
        let mut prev_x1: Option<f32> = None;
        let (mut top, mut bottom) = (f32::MIN, f32::MAX);
        let baseline = p.glyphs.iter().map(|g| g.baseline).sum::<f32>() / p.glyphs.len().max(1) as f32;
        for g in &p.glyphs {
            top = top.max(g.baseline + g.ascent * g.size);
            bottom = bottom.min(g.baseline + g.descent * g.size);
            let text: String = g.text.nfc().collect();
            if let Some(px) = prev_x1 {
                let is_space = text.chars().all(char::is_whitespace);
                let last_space = chars.last().map(|c| c.ch.is_whitespace()).unwrap_or(true);
                if g.x0 - px > 0.15 * g.size && !is_space && !last_space {
                    chars.push(CharBox { ch: ' ', x0: px, x1: g.x0 });
                }
            }
            let n = text.chars().count().max(1) as f32;
            for (k, ch) in text.chars().enumerate() {
                let ch = if ch.is_whitespace() { ' ' } else { ch };
                if ch == ' ' && chars.last().map(|c| c.ch == ' ').unwrap_or(true) {
                    continue;
                }
                let w = (g.x1 - g.x0) / n;
                chars.push(CharBox { ch, x0: g.x0 + w * k as f32, x1: g.x0 + w * (k as f32 + 1.0) });
            }
            prev_x1 = Some(prev_x1.map_or(g.x1, |p: f32| p.max(g.x1)));
        }
        while chars.last().map(|c| c.ch == ' ').unwrap_or(false) {
            chars.pop();
        }
        if chars.is_empty() {
            continue;
        }
        let x0 = chars.iter().filter(|c| c.ch != ' ').map(|c| c.x0).fold(f32::MAX, f32::min);
        let x1 = chars.iter().filter(|c| c.ch != ' ').map(|c| c.x1).fold(f32::MIN, f32::max);
        let text: String = chars.iter().map(|c| c.ch).collect();
        lines.push(Line { text, chars, baseline, top, bottom, x0, x1, size });
    }
    lines
}

/// Compares text the way a person reads it: NFC, case-folded, runs of spaces as one.
pub fn fold(s: &str) -> Vec<char> {
    let mut out = Vec::new();
    for ch in s.nfc() {
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        if ch == ' ' && out.last().map(|c| *c == ' ').unwrap_or(true) {
            continue;
        }
        out.push(ch.to_lowercase().next().unwrap_or(ch));
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
}

impl Line {
    /// Where `needle` occurs in this line (folded comparison): the horizontal extent of
    /// its last occurrence.
    pub fn find(&self, needle: &str) -> Option<(f32, f32)> {
        self.find_all(needle).pop()
    }

    /// The horizontal extents of every occurrence of `needle`, left to right.
    pub fn find_all(&self, needle: &str) -> Vec<(f32, f32)> {
        let n = fold(needle);
        let hay: Vec<char> = self.chars.iter().map(|c| c.ch.to_lowercase().next().unwrap_or(c.ch)).collect();
        if n.is_empty() || hay.len() < n.len() {
            return Vec::new();
        }
        (0..=hay.len() - n.len())
            .filter(|&i| hay[i..i + n.len()] == n[..])
            .map(|i| (self.chars[i].x0, self.chars[i + n.len() - 1].x1))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cmap_bfchar_bfrange_and_arrays() {
        let cm = parse_cmap(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
              2 beginbfchar <0003> <0020> <0011> <1EC5> endbfchar\n\
              2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<00C0> <0044 0300>] endbfrange endcmap",
        );
        assert_eq!(cm.codespace, vec![(2, 0, 0xFFFF)]);
        assert_eq!(cm.map.get(&0x11).map(String::as_str), Some("ễ"));
        assert_eq!(cm.map.get(&0x22).map(String::as_str), Some("C"));
        assert_eq!(cm.map.get(&0x30).map(String::as_str), Some("À"));
        assert_eq!(cm.map.get(&0x31).map(String::as_str), Some("D\u{300}"));
    }

    #[test]
    fn hostile_cmap_ranges_are_bounded() {
        let cm = parse_cmap(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert!(cm.map.len() <= MAX_CMAP_ENTRIES);
        // The same full range a hundred thousand times: the work stops at the budget.
        let mut many = b"100000 beginbfrange".to_vec();
        for _ in 0..100_000 {
            many.extend_from_slice(b" <0000> <FFFF> <0041>");
        }
        many.extend_from_slice(b" endbfrange");
        let t = std::time::Instant::now();
        let cm = parse_cmap(&many);
        assert!(cm.map.len() <= 65_536);
        assert!(t.elapsed().as_secs() < 20, "{:?}", t.elapsed());
    }

    #[test]
    fn folding_ignores_case_spacing_and_composition() {
        assert_eq!(fold("NGUYỄN  Văn\tAn "), fold("nguye\u{302}\u{303}n văn an"));
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 5.0);
        assert_eq!(scale.then(&shift).apply(1.0, 1.0), (12.0, 7.0));
        assert_eq!(shift.then(&scale).apply(1.0, 1.0), (22.0, 12.0));
    }
}
