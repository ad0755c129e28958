//! The blanks the clerk fills (rules.md S11): the number after "Số:" up to the printed
//! "/SYMBOL", and the day, month and year of the "…, ngày … tháng … năm …" line.
//!
//! The official signs while they are blank; the personal signing step reserves each blank
//! as an empty, read-only text field placed over it ([`find_issue_blanks`]); the clerk's
//! step reads those fields back ([`reserved_blanks`]) and fills them with a value and an
//! appearance drawn on the blank's baseline at the line's size ([`fill_appearance`]).

use lopdf::{Document, Object};
use pdf_writer::{Content, Name, Str};

use crate::form::FormXObject;
use crate::text::{fold, page_rows, CharBox, Row};
use crate::{LayoutError, Rect, TextFont};

/// Ascent and descent (in em) of the Times-metric fonts the values are set in: the field's
/// rectangle spans them around the baseline.
const ASCENT_EM: f32 = 0.891;
const DESCENT_EM: f32 = -0.216;
/// A gap narrower than this many em is an ordinary space, not a blank.
const MIN_BLANK_EM: f32 = 1.0;
/// A year blank at the end of a line with nothing drawn after "năm": this wide (em).
const DEFAULT_YEAR_EM: f32 = 2.6;

/// Which blank.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BlankKind {
    /// The number (số), before the printed "/SYMBOL".
    Number,
    Day,
    Month,
    Year,
}

impl BlankKind {
    pub const ALL: [BlankKind; 4] = [BlankKind::Number, BlankKind::Day, BlankKind::Month, BlankKind::Year];

    /// The name of the text field that reserves it.
    pub fn field_name(self) -> &'static str {
        match self {
            BlankKind::Number => "VBDT_So",
            BlankKind::Day => "VBDT_Ngay",
            BlankKind::Month => "VBDT_Thang",
            BlankKind::Year => "VBDT_Nam",
        }
    }

    /// The value of `/VBDT_Blank /Kind` in the field.
    pub fn pdf_name(self) -> &'static str {
        match self {
            BlankKind::Number => "Number",
            BlankKind::Day => "Day",
            BlankKind::Month => "Month",
            BlankKind::Year => "Year",
        }
    }

    pub fn from_pdf_name(n: &[u8]) -> Option<BlankKind> {
        BlankKind::ALL.into_iter().find(|k| k.pdf_name().as_bytes() == n)
    }

    /// The field's tooltip (`/TU`), in both languages.
    pub fn description(self) -> &'static str {
        match self {
            BlankKind::Number => "Số văn bản (văn thư cấp số) / Document number (assigned by the clerk)",
            BlankKind::Day => "Ngày ban hành (văn thư điền) / Day of issue (filled by the clerk)",
            BlankKind::Month => "Tháng ban hành (văn thư điền) / Month of issue (filled by the clerk)",
            BlankKind::Year => "Năm ban hành (văn thư điền) / Year of issue (filled by the clerk)",
        }
    }

    /// How the value sits in the blank: the number against the printed "/SYMBOL" after it,
    /// the date parts centred.
    /// Its name in messages: English, Vietnamese.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            BlankKind::Number => ("number", "số"),
            BlankKind::Day => ("day", "ngày"),
            BlankKind::Month => ("month", "tháng"),
            BlankKind::Year => ("year", "năm"),
        }
    }

    pub fn align(self) -> Align {
        match self {
            BlankKind::Number => Align::Right,
            _ => Align::Center,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

impl Align {
    pub fn pdf_name(self) -> &'static str {
        match self {
            Align::Left => "Left",
            Align::Center => "Center",
            Align::Right => "Right",
        }
    }
    fn from_pdf_name(n: &[u8]) -> Option<Align> {
        [Align::Left, Align::Center, Align::Right].into_iter().find(|a| a.pdf_name().as_bytes() == n)
    }
}

/// One blank on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Blank {
    pub kind: BlankKind,
    /// Page index, 0 for the first.
    pub page: usize,
    /// Over the blank, from the descent to the ascent of the line's font size.
    pub rect: Rect,
    pub baseline: f32,
    /// The line's font size in user space.
    pub size: f32,
    pub align: Align,
}

/// What the page text says about the number and date lines.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IssueBlanks {
    /// The blanks found, in [`BlankKind`] order.
    pub blanks: Vec<Blank>,
    /// The number line as read, e.g. "Số: /QĐ-UBND" (None when not found).
    pub number_line: Option<String>,
    /// The date line as read, e.g. "Điện Biên, ngày tháng năm".
    pub date_line: Option<String>,
    /// The printed "/SYMBOL" after the number blank, e.g. "/QĐ-UBND".
    pub symbol: Option<String>,
    /// Date parts printed already (day, month, year), when the line has some.
    pub printed: [Option<u32>; 3],
}

impl IssueBlanks {
    pub fn get(&self, kind: BlankKind) -> Option<&Blank> {
        self.blanks.iter().find(|b| b.kind == kind)
    }
}

/// What vbdt looks for, for messages.
pub const LOOKED_FOR: &str =
    "a blank after \"Số:\" before the printed \"/SYMBOL\", and blanks after \"ngày\", \"tháng\" and \"năm\" in the date line, on page 1";
pub const LOOKED_FOR_VI: &str = "khoảng trống sau \"Số:\" trước \"/KÝ HIỆU\" và khoảng trống sau \"ngày\", \"tháng\", \"năm\" ở dòng địa danh, ngày tháng, trên trang 1";

/// A word of a row: its characters' range and extent.
struct Word {
    /// Lower case, for comparisons.
    text: Vec<char>,
    /// As printed.
    orig: String,
    x0: f32,
    x1: f32,
}

fn words(chars: &[CharBox], size: f32) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut last_x1: Option<f32> = None;
    for c in chars {
        if c.ch == ' ' {
            last_x1 = None;
            continue;
        }
        // A gap wider than a space without a space glyph also separates words.
        let joined = match (last_x1, out.last()) {
            (Some(px), Some(_)) => c.x0 - px < 0.15 * size,
            _ => false,
        };
        match out.last_mut() {
            Some(w) if joined => {
                w.text.push(c.ch.to_lowercase().next().unwrap_or(c.ch));
                w.orig.push(c.ch);
                w.x1 = c.x1;
            }
            _ => out.push(Word { text: vec![c.ch.to_lowercase().next().unwrap_or(c.ch)], orig: c.ch.to_string(), x0: c.x0, x1: c.x1 }),
        }
        last_x1 = Some(c.x1);
    }
    out
}

/// The right end of the spaces drawn after `x` at the end of the row, if any.
fn trailing_spaces_end(chars: &[CharBox], x: f32) -> Option<f32> {
    let tail: Vec<&CharBox> = chars.iter().filter(|c| c.x0 >= x - 0.01).collect();
    (!tail.is_empty() && tail.iter().all(|c| c.ch == ' ')).then(|| tail.iter().map(|c| c.x1).fold(f32::MIN, f32::max))
}

fn is(w: &Word, s: &str) -> bool {
    w.text == fold(s)
}

fn number(w: &Word) -> Option<u32> {
    let s: String = w.text.iter().collect();
    let s = s.trim_end_matches([',', '.']);
    (!s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn blank(kind: BlankKind, page: usize, row: &Row, x0: f32, x1: f32) -> Blank {
    let size = row.size;
    Blank {
        kind,
        page,
        rect: Rect { x0, y0: row.baseline + DESCENT_EM * size, x1, y1: row.baseline + ASCENT_EM * size },
        baseline: row.baseline,
        size,
        align: kind.align(),
    }
}

fn row_text(ws: &[Word]) -> String {
    ws.iter().map(|w| w.orig.as_str()).collect::<Vec<_>>().join(" ")
}

/// Finds the number blank in a row: "Số:" then a gap of at least an em, then "/…" (or the
/// row's end, over spaces drawn there).
fn number_blank(page: usize, row: &Row, ws: &[Word], out: &mut IssueBlanks) -> bool {
    let min_gap = MIN_BLANK_EM * row.size;
    for (i, w) in ws.iter().enumerate() {
        if !is(w, "Số:") {
            continue;
        }
        let line = row_text(&ws[i..ws.len().min(i + 2)]);
        match ws.get(i + 1) {
            Some(next) if next.text.first() == Some(&'/') && next.x0 - w.x1 >= min_gap => {
                out.blanks.push(blank(BlankKind::Number, page, row, w.x1, next.x0));
                out.symbol = Some(next.orig.clone());
                out.number_line = Some(line);
                return true;
            }
            Some(next) if next.text.first().is_some_and(char::is_ascii_digit) => {
                // Printed already.
                out.number_line = Some(line);
                return true;
            }
            None => {
                if let Some(end) = trailing_spaces_end(&row.chars, w.x1).filter(|e| e - w.x1 >= min_gap) {
                    let mut b = blank(BlankKind::Number, page, row, w.x1, end);
                    b.align = Align::Left;
                    out.blanks.push(b);
                    out.number_line = Some(line);
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Finds the date blanks in a row: "ngày" … "tháng" … "năm" …, each followed either by a
/// number (printed) or by a gap of at least an em (a blank).
fn date_blanks(page: usize, row: &Row, ws: &[Word], out: &mut IssueBlanks) -> bool {
    let min_gap = MIN_BLANK_EM * row.size;
    let Some(start) = ws.iter().position(|w| is(w, "ngày")) else { return false };
    let mut found = Vec::new();
    let mut printed = [None; 3];
    let mut i = start;
    let parts = [(BlankKind::Day, "ngày", Some("tháng")), (BlankKind::Month, "tháng", Some("năm")), (BlankKind::Year, "năm", None)];
    for (k, (kind, label, next_label)) in parts.into_iter().enumerate() {
        let Some(w) = ws.get(i).filter(|w| is(w, label)) else { return false };
        match ws.get(i + 1) {
            Some(n) if number(n).is_some() => {
                printed[k] = number(n);
                i += 2;
            }
            Some(n) if next_label.is_some_and(|l| is(n, l)) => {
                if n.x0 - w.x1 < min_gap {
                    return false;
                }
                found.push(blank(kind, page, row, w.x1, n.x0));
                i += 1;
            }
            Some(n) if next_label.is_none() && n.x0 - w.x1 >= min_gap => {
                found.push(blank(kind, page, row, w.x1, n.x0));
                i += 1;
            }
            None if next_label.is_none() => {
                let end =
                    trailing_spaces_end(&row.chars, w.x1).filter(|e| e - w.x1 >= min_gap).unwrap_or(w.x1 + DEFAULT_YEAR_EM * row.size);
                found.push(blank(kind, page, row, w.x1, end));
                i += 1;
            }
            _ => return false,
        }
    }
    if found.is_empty() {
        // A date printed in full (a pre-filled document, or a date in the body text).
        return false;
    }
    // The place name before "ngày", when on this row, belongs to the line.
    let from = ws[..start]
        .iter()
        .rposition(|w| w.text.last() == Some(&','))
        .map_or(start, |p| ws[..p].iter().rposition(|w| w.x1 < ws[p].x0 - 1.5 * row.size).map_or(0, |q| q + 1));
    out.date_line = Some(row_text(&ws[from..i]));
    out.printed = printed;
    out.blanks.extend(found);
    true
}

/// The blanks of S11 on the first page, from its text: the topmost number line and the
/// topmost date line with blanks. A document whose number and date are printed gives none.
pub fn find_issue_blanks(pdf: &[u8]) -> Result<IssueBlanks, LayoutError> {
    let doc = crate::place::load(pdf)?;
    find_in_doc(&doc)
}

/// [`find_issue_blanks`] of a document already loaded.
pub fn find_in_doc(doc: &Document) -> Result<IssueBlanks, LayoutError> {
    let mut out = IssueBlanks::default();
    if doc.get_pages().is_empty() {
        return Ok(out);
    }
    let rows = page_rows(doc, 0)?;
    let (mut number_done, mut date_done) = (false, false);
    for row in &rows {
        let ws = words(&row.chars, row.size);
        if !number_done {
            number_done = number_blank(0, row, &ws, &mut out);
        }
        if !date_done {
            date_done = date_blanks(0, row, &ws, &mut out);
        }
        if number_done && date_done {
            break;
        }
    }
    out.blanks.sort_by_key(|b| b.kind);
    Ok(out)
}

/// What the personal signing step needs, from one reading of the document: the blanks
/// reserved already (a second personal signature reserves nothing) and, when there are
/// none, the blanks on page 1.
pub fn for_personal_signature(pdf: &[u8]) -> Result<(Vec<ReservedBlank>, IssueBlanks), LayoutError> {
    let doc = crate::place::load(pdf)?;
    let reserved = reserved_in_doc(&doc);
    if !reserved.is_empty() {
        return Ok((reserved, IssueBlanks::default()));
    }
    Ok((reserved, find_in_doc(&doc)?))
}

/// A blank reserved as a text field, as read back from the document.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservedBlank {
    /// The field's name (`/T`).
    pub name: String,
    pub blank: Blank,
    /// The field's value, when filled.
    pub value: Option<String>,
}

/// The blanks a personal signing step reserved: top-level text fields carrying a
/// `/VBDT_Blank` dictionary (kind, baseline, size, alignment).
pub fn reserved_blanks(pdf: &[u8]) -> Result<Vec<ReservedBlank>, LayoutError> {
    let doc = crate::place::load(pdf)?;
    Ok(reserved_in_doc(&doc))
}

/// [`reserved_blanks`] of a document already loaded.
pub fn reserved_in_doc(doc: &Document) -> Vec<ReservedBlank> {
    let deref = |o: &Object| doc.dereference(o).map(|(_, o)| o.clone()).ok();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(deref) else { return Vec::new() };
    let Some(af) = root.as_dict().ok().and_then(|r| r.get(b"AcroForm").ok()).and_then(deref) else { return Vec::new() };
    let Some(fields) = af.as_dict().ok().and_then(|a| a.get(b"Fields").ok()).and_then(deref) else { return Vec::new() };
    let Ok(fields) = fields.as_array() else { return Vec::new() };
    let page_index = |id: (u32, u16)| doc.get_pages().values().position(|p| *p == id);
    let mut out = Vec::new();
    for f in fields.iter().take(10_000) {
        let Some(Object::Dictionary(d)) = deref(f) else { continue };
        if d.get(b"FT").and_then(Object::as_name).ok() != Some(b"Tx".as_slice()) {
            continue;
        }
        let Some(Object::Dictionary(info)) = d.get(b"VBDT_Blank").ok().and_then(deref) else { continue };
        let Some(kind) = info.get(b"Kind").and_then(Object::as_name).ok().and_then(BlankKind::from_pdf_name) else { continue };
        let num = |k: &[u8]| info.get(k).ok().and_then(|o| o.as_float().ok()).filter(|v| v.is_finite());
        let (Some(baseline), Some(size)) = (num(b"Baseline"), num(b"Size").filter(|s| *s > 0.0 && *s < 1000.0)) else { continue };
        let align = info.get(b"Align").and_then(Object::as_name).ok().and_then(Align::from_pdf_name).unwrap_or(kind.align());
        let Some(rect) = d.get(b"Rect").ok().and_then(deref).as_ref().and_then(crate::place::rect_of) else { continue };
        let Some(page) = d.get(b"P").and_then(Object::as_reference).ok().and_then(page_index) else { continue };
        let name = match d.get(b"T") {
            Ok(Object::String(b, _)) => {
                lopdf::decode_text_string(&Object::String(b.clone(), lopdf::StringFormat::Literal)).unwrap_or_default()
            }
            _ => continue,
        };
        let value = match d.get(b"V").ok().and_then(deref) {
            Some(Object::String(b, _)) => lopdf::decode_text_string(&Object::String(b, lopdf::StringFormat::Literal)).ok(),
            _ => None,
        }
        .filter(|v| !v.is_empty());
        out.push(ReservedBlank { name, blank: Blank { kind, page, rect, baseline, size, align }, value });
    }
    out.sort_by_key(|r| r.blank.kind);
    out
}

/// The reserved field's appearance before it is filled: nothing drawn.
pub fn empty_appearance(blank: &Blank) -> FormXObject {
    FormXObject {
        bbox: Rect { x0: 0.0, y0: 0.0, x1: blank.rect.width(), y1: blank.rect.height() },
        content: Vec::new(),
        images: Vec::new(),
        fonts: Vec::new(),
    }
}

/// The filled field's appearance: `text` in `font`, black, at the blank's size on its
/// baseline, aligned as the blank says. Refused when it is wider than the blank.
pub fn fill_appearance(blank: &Blank, text: &str, font: &TextFont) -> Result<FormXObject, LayoutError> {
    let glyphs = font.shape(text)?;
    let size = blank.size;
    let width = glyphs.iter().map(|g| g.2).sum::<f32>() * size / 1000.0;
    let room = blank.rect.width();
    if width > room + 0.01 {
        return Err(LayoutError::BlankTooNarrow { text: text.to_string(), kind: blank.kind, width, size, room });
    }
    let x = match blank.align {
        Align::Left => (room - width).min(0.25 * size),
        Align::Center => (room - width) / 2.0,
        Align::Right => room - width,
    };
    let (objects, map) = font.embed(&glyphs)?;
    let mut codes = Vec::with_capacity(glyphs.len() * 2);
    for (gid, _, _) in &glyphs {
        codes.extend_from_slice(&map.get(gid).copied().unwrap_or(0).to_be_bytes());
    }
    let mut content = Content::new();
    content.begin_marked_content(Name(b"Tx"));
    content.save_state();
    content.set_fill_gray(0.0);
    content.begin_text();
    content.set_font(Name(b"F0"), size);
    content.set_text_matrix([1.0, 0.0, 0.0, 1.0, x, blank.baseline - blank.rect.y0]);
    content.show(Str(&codes));
    content.end_text();
    content.restore_state();
    content.end_marked_content();
    Ok(FormXObject {
        bbox: Rect { x0: 0.0, y0: 0.0, x1: room, y1: blank.rect.height() },
        content: content.finish().into_vec(),
        images: Vec::new(),
        fonts: vec![("F0".into(), objects)],
    })
}

/// The date parts as S11 writes them (Decree 30/2020 Phụ lục I): a leading 0 for days
/// below 10 and for months 1 and 2, e.g. ("05", "02", "2026"), ("30", "9", "2025").
pub fn date_parts(date: time::Date) -> [String; 3] {
    let month = u8::from(date.month());
    let month = if month <= 2 { format!("{month:02}") } else { month.to_string() };
    [format!("{:02}", date.day()), month, date.year().to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_s11_says() {
        use time::macros::date;
        assert_eq!(date_parts(date!(2026 - 02 - 05)), ["05", "02", "2026"]);
        assert_eq!(date_parts(date!(2025 - 09 - 30)), ["30", "9", "2025"]);
        assert_eq!(date_parts(date!(2026 - 01 - 10)), ["10", "01", "2026"]);
        assert_eq!(date_parts(date!(2026 - 12 - 03)), ["03", "12", "2026"]);
        assert_eq!(date_parts(date!(2026 - 03 - 01)), ["01", "3", "2026"]);
    }

    fn row(text: &str, gaps: &[(usize, f32)]) -> Row {
        // 13 pt text, 6.5 pt per character; gaps[i] = (char index, extra width before it).
        let mut x = 100.0;
        let mut chars = Vec::new();
        for (i, ch) in text.chars().enumerate() {
            if let Some((_, g)) = gaps.iter().find(|(k, _)| *k == i) {
                x += g;
            }
            chars.push(CharBox { ch, x0: x, x1: x + 6.5 });
            x += 6.5;
        }
        Row { chars, baseline: 700.0, size: 13.0, top: 712.0, bottom: 697.0 }
    }

    fn find(r: &Row) -> IssueBlanks {
        let mut out = IssueBlanks::default();
        let ws = words(&r.chars, r.size);
        number_blank(0, r, &ws, &mut out);
        date_blanks(0, r, &ws, &mut out);
        out
    }

    #[test]
    fn blanks_of_spaces_and_of_gaps_are_found() {
        let b = find(&row("Số:      /QĐ-UBND", &[]));
        assert_eq!(b.blanks.len(), 1);
        assert_eq!(b.symbol.as_deref(), Some("/QĐ-UBND"));
        assert_eq!((b.blanks[0].rect.x0, b.blanks[0].rect.x1), (100.0 + 3.0 * 6.5, 100.0 + 9.0 * 6.5));
        // The same blank made by positioning instead of space glyphs.
        let b = find(&row("Số:/QĐ-UBND", &[(3, 30.0)]));
        assert_eq!(b.blanks.len(), 1);
        let b = find(&row("Điện Biên, ngày      tháng      năm      ", &[]));
        assert_eq!(b.blanks.iter().map(|b| b.kind).collect::<Vec<_>>(), [BlankKind::Day, BlankKind::Month, BlankKind::Year]);
        assert_eq!(b.date_line.as_deref(), Some("Điện Biên, ngày tháng năm"));
        // Nothing drawn after "năm": a year blank of the default width.
        let b = find(&row("Điện Biên, ngày      tháng      năm", &[]));
        assert_eq!(b.blanks.len(), 3);
        assert!((b.blanks[2].rect.width() - DEFAULT_YEAR_EM * 13.0).abs() < 0.01);
        // Year printed, day and month blank.
        let b = find(&row("Điện Biên, ngày      tháng      năm 2025", &[]));
        assert_eq!(b.blanks.len(), 2);
        assert_eq!(b.printed, [None, None, Some(2025)]);
    }

    #[test]
    fn printed_numbers_and_dates_are_no_blanks() {
        for text in
            ["Số: 62/2025/QĐ-UBND", "Điện Biên, ngày 30 tháng 9 năm 2025", "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020"]
        {
            assert!(find(&row(text, &[])).blanks.is_empty(), "{text}");
        }
        // An ordinary space is not a blank.
        assert!(find(&row("Số: /QĐ-UBND", &[])).blanks.is_empty());
        assert!(find(&row("ngày tháng năm", &[])).blanks.is_empty());
    }
}
