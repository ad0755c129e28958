//! The normal appearance as data, and its PDF objects.

use lopdf::{Dictionary, Object, Stream};

use crate::image::deflate;
use crate::{LayoutError, Rect};

/// A form XObject: what the widget draws, in its own space `bbox`.
#[derive(Debug, Clone, PartialEq)]
pub struct FormXObject {
    pub bbox: Rect,
    /// The content stream (uncompressed).
    pub content: Vec<u8>,
    /// Images by resource name (`/Im0` …).
    pub images: Vec<(String, ImageXObject)>,
    /// Fonts by resource name (`/F0` …).
    pub fonts: Vec<(String, FontObjects)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFilter {
    /// Samples compressed with zlib by vbdt.
    Flate,
    /// A JPEG file passed through untouched.
    Dct,
}

/// An image XObject, with its soft mask when the image has alpha.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageXObject {
    pub width: u32,
    pub height: u32,
    pub color_space: &'static str,
    pub filter: ImageFilter,
    /// Encoded data (zlib or JPEG).
    pub data: Vec<u8>,
    pub decode: Option<Vec<f32>>,
    pub smask: Option<Box<ImageXObject>>,
}

/// An embedded subset font written as Type0 / Identity-H with a ToUnicode CMap.
#[derive(Debug, Clone, PartialEq)]
pub struct FontObjects {
    /// `/BaseFont`, with its six-letter subset tag.
    pub base_font: String,
    /// CFF outlines (FontFile3 /OpenType, CIDFontType0) instead of TrueType (FontFile2).
    pub cff: bool,
    /// The subset font program (uncompressed).
    pub font_file: Vec<u8>,
    /// Width of each CID used, in 1/1000 em.
    pub widths: Vec<(u16, f32)>,
    pub ascent: f32,
    pub descent: f32,
    pub cap_height: f32,
    pub italic_angle: f32,
    pub bbox: [f32; 4],
    pub flags: i64,
    /// The ToUnicode CMap stream.
    pub to_unicode: Vec<u8>,
}

fn name(s: &str) -> Object {
    Object::Name(s.as_bytes().to_vec())
}

fn real(v: f32) -> Object {
    // Rounded so that output is stable and short.
    Object::Real((v * 1000.0).round() / 1000.0)
}

fn rect(r: [f32; 4]) -> Object {
    Object::Array(r.iter().map(|v| real(*v)).collect())
}

fn stream(dict: Dictionary, data: Vec<u8>) -> Object {
    let mut s = Stream::new(dict, data);
    s.allows_compression = false;
    Object::Stream(s)
}

impl FormXObject {
    /// The form and everything it refers to, numbered from `first` (the form itself is
    /// `first`, generation 0), as objects to write in an incremental update.
    pub fn to_objects(&self, first: u32) -> Result<Vec<(u32, Object)>, LayoutError> {
        let mut next = first + 1;
        let mut out = Vec::new();
        let mut xobjects = Dictionary::new();
        for (res_name, img) in &self.images {
            let id = image_objects(img, &mut next, &mut out);
            xobjects.set(res_name.as_bytes().to_vec(), Object::Reference((id, 0)));
        }
        let mut fonts = Dictionary::new();
        for (res_name, font) in &self.fonts {
            let id = font_objects(font, &mut next, &mut out)?;
            fonts.set(res_name.as_bytes().to_vec(), Object::Reference((id, 0)));
        }
        let mut resources = Dictionary::new();
        if !xobjects.is_empty() {
            resources.set("XObject", Object::Dictionary(xobjects));
        }
        if !fonts.is_empty() {
            resources.set("Font", Object::Dictionary(fonts));
        }
        let mut dict = Dictionary::new();
        dict.set("Type", name("XObject"));
        dict.set("Subtype", name("Form"));
        dict.set("BBox", rect([self.bbox.x0, self.bbox.y0, self.bbox.x1, self.bbox.y1]));
        dict.set("Resources", Object::Dictionary(resources));
        out.insert(0, (first, stream(dict, self.content.clone())));
        Ok(out)
    }
}

fn alloc(next: &mut u32) -> u32 {
    let n = *next;
    *next += 1;
    n
}

fn image_objects(img: &ImageXObject, next: &mut u32, out: &mut Vec<(u32, Object)>) -> u32 {
    let id = alloc(next);
    let mut dict = Dictionary::new();
    dict.set("Type", name("XObject"));
    dict.set("Subtype", name("Image"));
    dict.set("Width", Object::Integer(i64::from(img.width)));
    dict.set("Height", Object::Integer(i64::from(img.height)));
    dict.set("ColorSpace", name(img.color_space));
    dict.set("BitsPerComponent", Object::Integer(8));
    dict.set(
        "Filter",
        name(match img.filter {
            ImageFilter::Flate => "FlateDecode",
            ImageFilter::Dct => "DCTDecode",
        }),
    );
    if let Some(d) = &img.decode {
        dict.set("Decode", Object::Array(d.iter().map(|v| real(*v)).collect()));
    }
    if let Some(mask) = &img.smask {
        let mask_id = image_objects(mask, next, out);
        dict.set("SMask", Object::Reference((mask_id, 0)));
    }
    out.push((id, stream(dict, img.data.clone())));
    id
}

fn font_objects(font: &FontObjects, next: &mut u32, out: &mut Vec<(u32, Object)>) -> Result<u32, LayoutError> {
    let (type0, cid, descriptor, file, cmap) = (alloc(next), alloc(next), alloc(next), alloc(next), alloc(next));
    let mut t0 = Dictionary::new();
    t0.set("Type", name("Font"));
    t0.set("Subtype", name("Type0"));
    t0.set("BaseFont", name(&font.base_font));
    t0.set("Encoding", name("Identity-H"));
    t0.set("DescendantFonts", Object::Array(vec![Object::Reference((cid, 0))]));
    t0.set("ToUnicode", Object::Reference((cmap, 0)));
    out.push((type0, Object::Dictionary(t0)));

    let mut c = Dictionary::new();
    c.set("Type", name("Font"));
    c.set("Subtype", name(if font.cff { "CIDFontType0" } else { "CIDFontType2" }));
    c.set("BaseFont", name(&font.base_font));
    let mut info = Dictionary::new();
    info.set("Registry", Object::string_literal("Adobe"));
    info.set("Ordering", Object::string_literal("Identity"));
    info.set("Supplement", Object::Integer(0));
    c.set("CIDSystemInfo", Object::Dictionary(info));
    c.set("FontDescriptor", Object::Reference((descriptor, 0)));
    c.set("DW", Object::Integer(0));
    let mut w = Vec::new();
    for (cid, width) in &font.widths {
        w.push(Object::Integer(i64::from(*cid)));
        w.push(Object::Array(vec![real(*width)]));
    }
    c.set("W", Object::Array(w));
    if !font.cff {
        c.set("CIDToGIDMap", name("Identity"));
    }
    out.push((cid, Object::Dictionary(c)));

    let mut d = Dictionary::new();
    d.set("Type", name("FontDescriptor"));
    d.set("FontName", name(&font.base_font));
    d.set("Flags", Object::Integer(font.flags));
    d.set("FontBBox", rect(font.bbox));
    d.set("ItalicAngle", real(font.italic_angle));
    d.set("Ascent", real(font.ascent));
    d.set("Descent", real(font.descent));
    d.set("CapHeight", real(font.cap_height));
    d.set("StemV", Object::Integer(80));
    d.set(if font.cff { "FontFile3" } else { "FontFile2" }, Object::Reference((file, 0)));
    out.push((descriptor, Object::Dictionary(d)));

    let mut f = Dictionary::new();
    f.set("Filter", name("FlateDecode"));
    if font.cff {
        f.set("Subtype", name("OpenType"));
    } else {
        f.set("Length1", Object::Integer(font.font_file.len() as i64));
    }
    out.push((file, stream(f, deflate(&font.font_file)?)));

    let mut m = Dictionary::new();
    m.set("Filter", name("FlateDecode"));
    out.push((cmap, stream(m, deflate(&font.to_unicode)?)));
    Ok(type0)
}
