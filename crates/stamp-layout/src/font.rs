//! The font of text stamps (S4–S6): Times New Roman where the machine has it, a font
//! given by path, or the bundled Liberation Serif (metric-compatible, SIL OFL 1.1).
//! Metrics come from `ttf-parser`, the subset from `subsetter`, the ToUnicode CMap from
//! `pdf-writer`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pdf_writer::types::{SystemInfo, UnicodeCmap};
use pdf_writer::{Name, Str};
use unicode_normalization::UnicodeNormalization;

use crate::form::FontObjects;
use crate::LayoutError;

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
            let data = std::fs::read(p).map_err(|e| LayoutError::Font(format!("cannot read {}: {e}", p.display())))?;
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
        TextFont { data: Arc::new(LIBERATION_SERIF.to_vec()), name: "LiberationSerif".into(), source: "bundled Liberation Serif".into(), units_per_em: 2048.0 }
    }

    pub fn from_bytes(data: Vec<u8>, source: String) -> Result<TextFont, LayoutError> {
        let face = ttf_parser::Face::parse(&data, 0).map_err(|e| LayoutError::Font(format!("{source} is not a usable TrueType/OpenType font: {e}")))?;
        let name = face
            .names()
            .into_iter()
            .find(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME && n.is_unicode())
            .and_then(|n| n.to_string())
            .unwrap_or_else(|| "Font".into());
        let name: String = name.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
        let units_per_em = f32::from(face.units_per_em().max(1));
        Ok(TextFont { data: Arc::new(data), name, source, units_per_em })
    }

    fn face(&self) -> Result<ttf_parser::Face<'_>, LayoutError> {
        ttf_parser::Face::parse(&self.data, 0).map_err(|e| LayoutError::Font(format!("{}: {e}", self.source)))
    }

    /// Glyphs of `text` (NFC) with their advance in 1/1000 em; a character the font
    /// lacks is an error.
    pub(crate) fn shape(&self, text: &str) -> Result<Vec<(u16, char, f32)>, LayoutError> {
        let face = self.face()?;
        let mut out = Vec::new();
        for ch in text.nfc() {
            let gid = face.glyph_index(ch).filter(|g| g.0 != 0).ok_or(LayoutError::MissingGlyph { font: self.name.clone(), ch, code: u32::from(ch) })?;
            let adv = f32::from(face.glyph_hor_advance(gid).unwrap_or(0)) * 1000.0 / self.units_per_em;
            out.push((gid.0, ch, adv));
        }
        Ok(out)
    }

    /// Width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> Result<f32, LayoutError> {
        Ok(self.shape(text)?.iter().map(|g| g.2).sum::<f32>() * size / 1000.0)
    }

    /// Ascent and descent in 1/1000 em (descent negative).
    pub(crate) fn vertical_metrics(&self) -> Result<(f32, f32), LayoutError> {
        let face = self.face()?;
        let s = 1000.0 / self.units_per_em;
        Ok((f32::from(face.ascender()) * s, f32::from(face.descender()) * s))
    }

    /// Subsets the font to the glyphs used; returns the font objects and the new glyph
    /// id (= CID) of each original glyph.
    pub(crate) fn embed(&self, used: &[(u16, char, f32)]) -> Result<(FontObjects, BTreeMap<u16, u16>), LayoutError> {
        let face = self.face()?;
        let mut remapper = subsetter::GlyphRemapper::new();
        let mut map = BTreeMap::new();
        let mut chars: BTreeMap<u16, (char, f32)> = BTreeMap::new();
        for (gid, ch, adv) in used {
            let new = remapper.remap(*gid);
            map.insert(*gid, new);
            chars.entry(new).or_insert((*ch, *adv));
        }
        let subset = subsetter::subset(&self.data, 0, &remapper).map_err(|e| LayoutError::Font(format!("cannot subset {}: {e}", self.name)))?;
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 });
        for (cid, (ch, _)) in &chars {
            cmap.pair(*cid, *ch);
        }
        let s = 1000.0 / self.units_per_em;
        let bb = face.global_bounding_box();
        let tag = subset_tag(used);
        let cff = face.tables().cff.is_some();
        let objects = FontObjects {
            base_font: format!("{tag}+{}", self.name),
            cff,
            font_file: subset,
            widths: chars.iter().map(|(cid, (_, adv))| (*cid, *adv)).collect(),
            ascent: f32::from(face.ascender()) * s,
            descent: f32::from(face.descender()) * s,
            cap_height: f32::from(face.capital_height().unwrap_or(face.ascender())) * s,
            italic_angle: face.italic_angle(),
            bbox: [f32::from(bb.x_min) * s, f32::from(bb.y_min) * s, f32::from(bb.x_max) * s, f32::from(bb.y_max) * s],
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
        assert_eq!(ttf_parser::Face::parse(LIBERATION_SERIF, 0).unwrap().units_per_em(), 2048);
        let g = f.shape("Sao y — Ủy ban nhân dân tỉnh Điện Biên, ễ ộ ữ").unwrap();
        assert!(g.iter().all(|x| x.0 != 0));
        let err = f.shape("chữ 漢").unwrap_err();
        assert!(matches!(err, LayoutError::MissingGlyph { ch: '漢', .. }), "{err}");
        // Times-metric: "Sao y" at 10 pt is about 22 pt wide.
        let w = f.width("Sao y", 10.0).unwrap();
        assert!((20.0..25.0).contains(&w), "{w}");
    }

    #[test]
    fn subset_is_small_and_maps_every_glyph() {
        let f = TextFont::bundled();
        let g = f.shape("Trích sao").unwrap();
        let (objs, map) = f.embed(&g).unwrap();
        assert!(objs.font_file.len() < 20_000, "{}", objs.font_file.len());
        assert_eq!(map.len(), g.iter().map(|x| x.0).collect::<std::collections::BTreeSet<_>>().len());
        assert_eq!(objs.base_font.len(), "ABCDEF+LiberationSerif".len());
        assert!(String::from_utf8_lossy(&objs.to_unicode).contains("beginbfchar") || String::from_utf8_lossy(&objs.to_unicode).contains("beginbfrange"));
    }
}
