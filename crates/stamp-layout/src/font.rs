//! The font of text stamps (S4–S6): Times New Roman where the machine has it, a font
//! given by path, or the bundled Liberation Serif (metric-compatible, SIL OFL 1.1).
//! Metrics come from `skrifa` (the version `subsetter` already uses, so the font tables
//! are read by one parser), the subset from `subsetter`, the ToUnicode CMap from
//! `pdf-writer`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pdf_writer::types::{SystemInfo, UnicodeCmap};
use pdf_writer::{Name, Str};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::Metrics;
use skrifa::raw::TableProvider;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};
use unicode_normalization::UnicodeNormalization;

use crate::form::FontObjects;
use crate::{FontDefect, FontProblem, LayoutError};

/// Liberation Serif Regular 2.1.5 (SIL Open Font License 1.1, see NOTICE).
static LIBERATION_SERIF: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");

/// Where Times New Roman is usually installed.
const TIMES_PATHS: &[&str] = &[
    "/usr/share/fonts/truetype/msttcorefonts/Times_New_Roman.ttf",
    "/usr/share/fonts/truetype/msttcorefonts/times.ttf",
    "/usr/share/fonts/TTF/times.ttf",
    "/usr/share/fonts/truetype/times.ttf",
    "/usr/share/fonts/msttcore/times.ttf",
    "/usr/local/share/fonts/times.ttf",
    "/Library/Fonts/Times New Roman.ttf",
    "/System/Library/Fonts/Supplemental/Times New Roman.ttf",
    "C:\\Windows\\Fonts\\times.ttf",
];

/// A font that text stamps are set in.
#[derive(Clone)]
pub struct TextFont {
    data: Arc<Vec<u8>>,
    /// PostScript name (e.g. `TimesNewRomanPSMT`, `LiberationSerif`).
    pub name: String,
    /// Where it came from, for messages.
    pub source: String,
    units_per_em: f32,
}

impl std::fmt::Debug for TextFont {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextFont").field("name", &self.name).field("source", &self.source).finish()
    }
}

impl TextFont {
    /// `--font PATH` when given, else Times New Roman from the usual places, else the
    /// bundled Liberation Serif.
    pub fn choose(path: Option<&Path>) -> Result<TextFont, LayoutError> {
        if let Some(p) = path {
            let data = std::fs::read(p).map_err(|source| LayoutError::FontUnreadable { path: p.to_path_buf(), source })?;
            return TextFont::from_bytes(data, p.display().to_string());
        }
        if let Some(p) = system_times() {
            if let Ok(data) = std::fs::read(&p) {
                if let Ok(f) = TextFont::from_bytes(data, p.display().to_string()) {
                    return Ok(f);
                }
            }
        }
        Ok(TextFont::bundled())
    }

    /// The bundled Liberation Serif.
    pub fn bundled() -> TextFont {
        TextFont {
            data: Arc::new(LIBERATION_SERIF.to_vec()),
            name: "LiberationSerif".into(),
            source: "bundled Liberation Serif".into(),
            units_per_em: 2048.0,
        }
    }

    pub fn from_bytes(data: Vec<u8>, source: String) -> Result<TextFont, LayoutError> {
        let unusable = |defect: FontDefect| LayoutError::Font(FontProblem::Unusable { font: source.clone(), defect });
        let table = |table: &'static str| move |error| unusable(FontDefect::Table { table, error });
        let face = FontRef::from_index(&data, 0).map_err(|e| unusable(FontDefect::NotAFont(e)))?;
        // skrifa reads tables lazily; the ones layout needs are checked here, so that a
        // broken font is refused when it is chosen, not halfway through a stamp.
        let head = face.head().map_err(table("head"))?;
        let units_per_em = head.units_per_em();
        if !(16..=16384).contains(&units_per_em) {
            return Err(unusable(FontDefect::UnitsPerEm(units_per_em)));
        }
        face.hhea().map_err(table("hhea"))?;
        face.maxp().map_err(table("maxp"))?;
        face.hmtx().map_err(table("hmtx"))?;
        face.cmap().map_err(table("cmap"))?;
        let name =
            face.localized_strings(StringId::POSTSCRIPT_NAME).english_or_first().map(|n| n.to_string()).unwrap_or_else(|| "Font".into());
        let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        let units_per_em = f32::from(units_per_em);
        Ok(TextFont { data: Arc::new(data), name, source, units_per_em })
    }

    fn face(&self) -> Result<FontRef<'_>, LayoutError> {
        FontRef::from_index(&self.data, 0).map_err(|error| LayoutError::Font(FontProblem::Face { font: self.source.clone(), error }))
    }

    /// The face's metrics in font units: unscaled, at the default instance.
    fn metrics(&self) -> Result<Metrics, LayoutError> {
        Ok(self.face()?.metrics(Size::unscaled(), LocationRef::default()))
    }

    /// Glyphs of `text` (NFC) with their advance in 1/1000 em; a character the font
    /// lacks is an error.
    pub(crate) fn shape(&self, text: &str) -> Result<Vec<(u16, char, f32)>, LayoutError> {
        let face = self.face()?;
        let charmap = face.charmap();
        let advances = face.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut out = Vec::new();
        for ch in text.nfc() {
            // Glyph ids above u16 cannot be subset or written as CIDs: as good as missing.
            let gid = charmap.map(ch).and_then(|g| u16::try_from(g.to_u32()).ok()).filter(|g| *g != 0);
            let gid = gid.ok_or(LayoutError::MissingGlyph { font: self.name.clone(), ch, code: u32::from(ch) })?;
            let adv = advances.advance_width(gid.into()).unwrap_or(0.0) * 1000.0 / self.units_per_em;
            out.push((gid, ch, adv));
        }
        Ok(out)
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> Result<f32, LayoutError> {
        Ok(self.shape(text)?.iter().map(|g| g.2).sum::<f32>() * size / 1000.0)
    }

    /// Ascent and descent in 1/1000 em (descent negative).
    pub(crate) fn vertical_metrics(&self) -> Result<(f32, f32), LayoutError> {
        let m = self.metrics()?;
        let s = 1000.0 / self.units_per_em;
        Ok((m.ascent * s, m.descent * s))
    }

    /// Subsets the font to the glyphs used; returns the font objects and the new glyph
    /// id (= CID) of each original glyph.
    pub(crate) fn embed(&self, used: &[(u16, char, f32)]) -> Result<(FontObjects, BTreeMap<u16, u16>), LayoutError> {
        let face = self.face()?;
        let m = self.metrics()?;
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut map = BTreeMap::new();
        let mut chars: BTreeMap<u16, (char, f32)> = BTreeMap::new();
        for (gid, ch, adv) in used {
            let new = remapper.remap(*gid);
            map.insert(*gid, new);
            chars.entry(new).or_insert((*ch, *adv));
        }
        let subset = subsetter::subset(&self.data, 0, &remapper)
            .map_err(|error| LayoutError::Font(FontProblem::Subset { font: self.name.clone(), error }))?;
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 });
        for (cid, (ch, _)) in &chars {
            cmap.pair(*cid, *ch);
        }
        let s = 1000.0 / self.units_per_em;
        let bb = m.bounds.unwrap_or_default();
        let tag = subset_tag(used);
        let cff = face.cff().is_ok();
        let objects = FontObjects {
            base_font: format!("{tag}+{}", self.name),
            cff,
            font_file: subset,
            widths: chars.iter().map(|(cid, (_, adv))| (*cid, *adv)).collect(),
            ascent: m.ascent * s,
            descent: m.descent * s,
            // OS/2 sCapHeight exists from table version 2 on; before it, the ascent.
            cap_height: m.cap_height.unwrap_or(m.ascent) * s,
            italic_angle: m.italic_angle,
            bbox: [bb.x_min * s, bb.y_min * s, bb.x_max * s, bb.y_max * s],
            // Nonsymbolic (32), plus Serif (2) — the stamp fonts are serif faces.
            flags: 32 | 2,
            to_unicode: cmap.finish().into_vec(),
        };
        Ok((objects, map))
    }
}

/// Times New Roman, if installed in one of the usual places.
pub fn system_times() -> Option<PathBuf> {
    let home_fonts = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".fonts/times.ttf"));
    TIMES_PATHS.iter().map(PathBuf::from).chain(home_fonts).find(|p| p.is_file())
}

/// Six capital letters derived from the glyphs used (ISO 32000-1, 9.6.4).
fn subset_tag(used: &[(u16, char, f32)]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (g, _, _) in used {
        for b in g.to_be_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    (0..6)
        .map(|i| {
            let letter = ((h >> (i * 5)) % 26) as u8;
            char::from(b'A' + letter)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_font_has_vietnamese_and_refuses_what_it_lacks() {
        let f = TextFont::bundled();
        // bundled() states the units per em instead of parsing at run time.
        assert_eq!(FontRef::new(LIBERATION_SERIF).unwrap().head().unwrap().units_per_em(), 2048);
        let g = f.shape("Sao y — Ủy ban nhân dân tỉnh Điện Biên, ễ ộ ữ").unwrap();
        assert!(g.iter().all(|x| x.0 != 0));
        let err = f.shape("chữ 漢").unwrap_err();
        assert!(matches!(err, LayoutError::MissingGlyph { ch: '漢', .. }), "{err}");
        // Times-metric: "Sao y" at 10 pt is about 22 pt wide.
        let w = f.width("Sao y", 10.0).unwrap();
        assert!((20.0..25.0).contains(&w), "{w}");
    }

    /// The metrics of the bundled Liberation Serif, in its font units (2048 per em), as
    /// the font tables state them: the stamp layout and the /FontDescriptor depend on
    /// them, so a change of font parser must not move them.
    #[test]
    fn bundled_font_metrics_are_those_of_its_tables() {
        let em = |units: f32| units * 1000.0 / 2048.0;
        let f = TextFont::from_bytes(LIBERATION_SERIF.to_vec(), "bundled".into()).unwrap();
        assert_eq!(f.name, "LiberationSerif");
        assert_eq!(f.units_per_em, 2048.0);
        let g = f.shape("ĐệữA").unwrap();
        assert_eq!(g, vec![(210, 'Đ', em(1479.0)), (1713, 'ệ', em(909.0)), (1753, 'ữ', em(1110.0)), (36, 'A', em(1479.0))]);
        assert_eq!(f.vertical_metrics().unwrap(), (em(1825.0), em(-443.0)));
        let (objs, _) = f.embed(&g).unwrap();
        assert_eq!((objs.ascent, objs.descent, objs.cap_height), (em(1825.0), em(-443.0), em(1341.0)));
        assert_eq!(objs.italic_angle, 0.0);
        assert_eq!(objs.bbox, [em(-1114.0), em(-621.0), em(2618.0), em(2010.0)]);
        assert!(!objs.cff);
    }

    #[test]
    fn bytes_that_are_no_font_are_a_font_error_naming_the_source() {
        for (bytes, what) in
            [(b"%PDF-1.7 not a font".to_vec(), "text"), (LIBERATION_SERIF[..4096].to_vec(), "truncated font"), (Vec::new(), "empty file")]
        {
            let err = TextFont::from_bytes(bytes, "/tmp/x.ttf".into()).unwrap_err();
            assert!(
                matches!(&err, LayoutError::Font(FontProblem::Unusable { font, .. }) if font == "/tmp/x.ttf")
                    && err.to_string().starts_with("font: /tmp/x.ttf is not a usable TrueType/OpenType font"),
                "{what}: {err}"
            );
        }
    }

    #[test]
    fn subset_is_small_and_maps_every_glyph() {
        let f = TextFont::bundled();
        let g = f.shape("Trích sao").unwrap();
        let (objs, map) = f.embed(&g).unwrap();
        assert!(objs.font_file.len() < 20_000, "{}", objs.font_file.len());
        assert_eq!(map.len(), g.iter().map(|x| x.0).collect::<std::collections::BTreeSet<_>>().len());
        assert_eq!(objs.base_font.len(), "ABCDEF+LiberationSerif".len());
        assert!(
            String::from_utf8_lossy(&objs.to_unicode).contains("beginbfchar")
                || String::from_utf8_lossy(&objs.to_unicode).contains("beginbfrange")
        );
    }
}
