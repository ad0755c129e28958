//! Stamp images: PNG decoded with the `png` crate (colours kept, alpha as an SMask),
//! JPEG passed through untouched (`DCTDecode`).

use std::io::Write;

use crate::form::{ImageFilter, ImageXObject};
use crate::{ImageProblem, JpegProblem, LayoutError};

/// Images wider or taller than this are refused (a stamp is a few hundred pixels).
pub const MAX_IMAGE_SIDE: u32 = 20_000;
/// Decoded PNG data larger than this is refused.
pub const MAX_IMAGE_BYTES: usize = 512 << 20;

/// An image ready to be drawn in a stamp.
#[derive(Debug, Clone, PartialEq)]
pub struct StampImage {
    /// Size in pixels after cropping to the visible ink.
    pub width: u32,
    pub height: u32,
    /// Pixels per inch (x, y) when the file says.
    pub dpi: Option<(f32, f32)>,
    data: ImageData,
}

#[derive(Debug, Clone, PartialEq)]
enum ImageData {
    /// 8-bit samples, 1 or 3 channels, and 8-bit alpha when the image has any.
    Raw { channels: u8, pixels: Vec<u8>, alpha: Option<Vec<u8>> },
    /// A JPEG file as it is.
    Jpeg { bytes: Vec<u8>, components: u8, adobe_inverted: bool },
}

/// The colour an image is expected to be (S2: blue signature, S3: red seal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorCheck {
    Blue,
    Red,
}

impl StampImage {
    /// Reads a PNG or a JPEG by its signature bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<StampImage, LayoutError> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Self::from_png(bytes)
        } else if bytes.starts_with(&[0xFF, 0xD8]) {
            Self::from_jpeg(bytes)
        } else {
            Err(LayoutError::NotAnImage)
        }
    }

    /// Decodes a PNG, keeping colours and alpha, then crops away fully transparent
    /// borders so that the stamp's rectangle is the visible ink.
    pub fn from_png(bytes: &[u8]) -> Result<StampImage, LayoutError> {
        let bad = |e: png::DecodingError| LayoutError::Image(ImageProblem::Png(e));
        let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), png::Limits { bytes: MAX_IMAGE_BYTES });
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(bad)?;
        let (w, h) = (reader.info().width, reader.info().height);
        if w == 0 || h == 0 || w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE {
            return Err(LayoutError::Image(ImageProblem::Size { width: w, height: h }));
        }
        let dpi = reader.info().pixel_dims.and_then(|d| match d.unit {
            png::Unit::Meter if d.xppu > 0 && d.yppu > 0 => Some((d.xppu as f32 * 0.0254, d.yppu as f32 * 0.0254)),
            _ => None,
        });
        let mut buf = vec![0u8; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buf).map_err(bad)?;
        let (channels, has_alpha) = match frame.color_type {
            png::ColorType::Grayscale => (1u8, false),
            png::ColorType::GrayscaleAlpha => (1, true),
            png::ColorType::Rgb => (3, false),
            png::ColorType::Rgba => (3, true),
            png::ColorType::Indexed => return Err(LayoutError::Image(ImageProblem::IndexedPng)),
        };
        let stride = frame.line_size;
        let per_pixel = channels as usize + usize::from(has_alpha);
        let (w, h) = (frame.width as usize, frame.height as usize);
        let mut pixels = Vec::with_capacity(w * h * channels as usize);
        let mut alpha = has_alpha.then(|| Vec::with_capacity(w * h));
        for y in 0..h {
            let row = buf.get(y * stride..y * stride + w * per_pixel).ok_or(LayoutError::Image(ImageProblem::ShortPng))?;
            for px in row.chunks_exact(per_pixel) {
                pixels.extend_from_slice(&px[..channels as usize]);
                if let Some(a) = alpha.as_mut() {
                    a.push(px[channels as usize]);
                }
            }
        }
        let mut img = StampImage { width: w as u32, height: h as u32, dpi, data: ImageData::Raw { channels, pixels, alpha } };
        img.crop_to_ink()?;
        Ok(img)
    }

    /// Reads a JPEG's size, components and resolution from its markers; the bytes are
    /// kept as they are and written with `DCTDecode`.
    pub fn from_jpeg(bytes: &[u8]) -> Result<StampImage, LayoutError> {
        let info = jpeg_info(bytes)?;
        Ok(StampImage {
            width: info.width,
            height: info.height,
            dpi: info.dpi,
            data: ImageData::Jpeg {
                bytes: bytes.to_vec(),
                components: info.components,
                adobe_inverted: info.adobe && info.components == 4,
            },
        })
    }

    /// The physical size in points when the file gives its resolution.
    pub fn natural_size_pt(&self) -> Option<(f32, f32)> {
        self.dpi.map(|(dx, dy)| (self.width as f32 / dx * 72.0, self.height as f32 / dy * 72.0))
    }

    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height as f32
    }

    /// Crops fully transparent rows and columns (alpha below 8) from the edges.
    fn crop_to_ink(&mut self) -> Result<(), LayoutError> {
        let ImageData::Raw { channels, pixels, alpha: Some(alpha) } = &self.data else { return Ok(()) };
        let (w, h) = (self.width as usize, self.height as usize);
        let (mut x0, mut y0, mut x1, mut y1) = (w, h, 0usize, 0usize);
        for y in 0..h {
            for x in 0..w {
                if alpha[y * w + x] >= 8 {
                    x0 = x0.min(x);
                    x1 = x1.max(x + 1);
                    y0 = y0.min(y);
                    y1 = y1.max(y + 1);
                }
            }
        }
        if x1 <= x0 || y1 <= y0 {
            return Err(LayoutError::Image(ImageProblem::Transparent));
        }
        if (x0, y0, x1, y1) == (0, 0, w, h) {
            return Ok(());
        }
        let c = *channels as usize;
        let (nw, nh) = (x1 - x0, y1 - y0);
        let mut np = Vec::with_capacity(nw * nh * c);
        let mut na = Vec::with_capacity(nw * nh);
        for y in y0..y1 {
            np.extend_from_slice(&pixels[(y * w + x0) * c..(y * w + x1) * c]);
            na.extend_from_slice(&alpha[y * w + x0..y * w + x1]);
        }
        self.data = ImageData::Raw { channels: *channels, pixels: np, alpha: Some(na) };
        self.width = nw as u32;
        self.height = nh as u32;
        Ok(())
    }

    /// A warning when the visible ink is not mostly of the expected colour (S2, S3).
    /// JPEG images are not decoded and so not checked.
    pub fn color_warning(&self, want: ColorCheck) -> Option<crate::LayoutWarning> {
        let ImageData::Raw { channels: 3, pixels, alpha } = &self.data else {
            return match &self.data {
                ImageData::Raw { .. } => Some(crate::LayoutWarning::Greyscale { want }),
                ImageData::Jpeg { .. } => None,
            };
        };
        let (mut ink, mut matching) = (0usize, 0usize);
        for (i, px) in pixels.chunks_exact(3).enumerate() {
            let (r, g, b) = (i32::from(px[0]), i32::from(px[1]), i32::from(px[2]));
            let visible = match alpha {
                Some(a) => a[i] >= 128,
                None => r.min(g).min(b) < 200,
            };
            if !visible {
                continue;
            }
            ink += 1;
            let ok = match want {
                ColorCheck::Blue => b > r + 30 && b > g + 10,
                ColorCheck::Red => r > g + 40 && r > b + 40,
            };
            matching += usize::from(ok);
        }
        if ink == 0 || matching * 2 >= ink {
            None
        } else {
            Some(crate::LayoutWarning::OffColor { percent: matching * 100 / ink, want })
        }
    }

    /// The image as a PDF image XObject (SMask for alpha).
    pub(crate) fn to_xobject(&self) -> Result<ImageXObject, LayoutError> {
        match &self.data {
            ImageData::Raw { channels, pixels, alpha } => {
                let smask = match alpha {
                    Some(a) if a.iter().any(|v| *v != 255) => Some(Box::new(ImageXObject {
                        width: self.width,
                        height: self.height,
                        color_space: "DeviceGray",
                        filter: ImageFilter::Flate,
                        data: deflate(a)?,
                        decode: None,
                        smask: None,
                    })),
                    _ => None,
                };
                Ok(ImageXObject {
                    width: self.width,
                    height: self.height,
                    color_space: if *channels == 3 { "DeviceRGB" } else { "DeviceGray" },
                    filter: ImageFilter::Flate,
                    data: deflate(pixels)?,
                    decode: None,
                    smask,
                })
            }
            ImageData::Jpeg { bytes, components, adobe_inverted } => Ok(ImageXObject {
                width: self.width,
                height: self.height,
                color_space: match components {
                    1 => "DeviceGray",
                    4 => "DeviceCMYK",
                    _ => "DeviceRGB",
                },
                filter: ImageFilter::Dct,
                data: bytes.clone(),
                decode: adobe_inverted.then(|| vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]),
                smask: None,
            }),
        }
    }
}

impl ColorCheck {
    pub fn word(self) -> &'static str {
        match self {
            ColorCheck::Blue => "blue",
            ColorCheck::Red => "red",
        }
    }
    pub fn rule(self) -> &'static str {
        match self {
            ColorCheck::Blue => "S2: the personal signature image is blue",
            ColorCheck::Red => "S3: the seal is red",
        }
    }
}

pub(crate) fn deflate(data: &[u8]) -> Result<Vec<u8>, LayoutError> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).map_err(LayoutError::Compress)?;
    enc.finish().map_err(LayoutError::Compress)
}

/// What a JPEG's markers say.
#[derive(Debug, Clone, PartialEq)]
pub struct JpegInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    /// Pixels per inch from the JFIF header, when it gives a unit.
    pub dpi: Option<(f32, f32)>,
    /// An Adobe APP14 marker (CMYK JPEGs from Adobe store inverted samples).
    pub adobe: bool,
}

/// Reads the frame header and the JFIF density of a JPEG without decoding it.
pub fn jpeg_info(bytes: &[u8]) -> Result<JpegInfo, ImageProblem> {
    let bad = ImageProblem::Jpeg;
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(bad(JpegProblem::NoSoi));
    }
    let mut i = 2;
    let mut dpi = None;
    let mut adobe = false;
    while i + 4 <= bytes.len() {
        if bytes[i] != 0xFF {
            return Err(bad(JpegProblem::MarkerExpected));
        }
        let marker = bytes[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xD8 || (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
        let seg = bytes.get(i + 4..i + 2 + len).ok_or_else(|| bad(JpegProblem::TruncatedSegment))?;
        match marker {
            0xE0 if seg.starts_with(b"JFIF\0") && seg.len() >= 12 => {
                let unit = seg[7];
                let (x, y) = (f32::from(u16::from_be_bytes([seg[8], seg[9]])), f32::from(u16::from_be_bytes([seg[10], seg[11]])));
                dpi = match unit {
                    1 if x > 0.0 && y > 0.0 => Some((x, y)),
                    2 if x > 0.0 && y > 0.0 => Some((x * 2.54, y * 2.54)),
                    _ => None,
                };
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                if seg.len() < 6 {
                    return Err(bad(JpegProblem::ShortFrameHeader));
                }
                let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
                let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
                let components = seg[5];
                if width == 0 || height == 0 || !matches!(components, 1 | 3 | 4) {
                    return Err(bad(JpegProblem::UnsupportedFrame));
                }
                return Ok(JpegInfo { width, height, components, dpi, adobe });
            }
            0xDA | 0xD9 => break,
            _ => {}
        }
        i += 2 + len;
    }
    Err(bad(JpegProblem::NoFrameHeader))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32, rgba: &[u8], ppm: Option<u32>) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgba);
            enc.set_depth(png::BitDepth::Eight);
            if let Some(p) = ppm {
                enc.set_pixel_dims(Some(png::PixelDimensions { xppu: p, yppu: p, unit: png::Unit::Meter }));
            }
            let mut wr = enc.write_header().unwrap();
            wr.write_image_data(rgba).unwrap();
        }
        out
    }

    #[test]
    fn png_alpha_is_kept_and_borders_cropped() {
        // 4×2: transparent column at each side, blue ink in the middle.
        let mut px = Vec::new();
        for _y in 0..2 {
            px.extend_from_slice(&[0, 0, 0, 0]);
            px.extend_from_slice(&[10, 20, 200, 255]);
            px.extend_from_slice(&[10, 20, 200, 128]);
            px.extend_from_slice(&[0, 0, 0, 0]);
        }
        let img = StampImage::from_png(&png(4, 2, &px, Some(11811))).unwrap();
        assert_eq!((img.width, img.height), (2, 2));
        let dpi = img.dpi.unwrap().0;
        assert!((dpi - 300.0).abs() < 0.1, "{dpi}");
        assert_eq!(img.color_warning(ColorCheck::Blue), None);
        assert!(img.color_warning(ColorCheck::Red).is_some());
        let x = img.to_xobject().unwrap();
        assert_eq!(x.color_space, "DeviceRGB");
        assert!(x.smask.is_some());
    }

    #[test]
    fn jpeg_markers_give_size_and_density() {
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        j.extend_from_slice(b"JFIF\0\x01\x01\x01\x00\x96\x00\x96\x00\x00");
        j.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8, 0x06, 0xDA, 0x04, 0xD9, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        let info = jpeg_info(&j).unwrap();
        assert_eq!((info.width, info.height, info.components), (1241, 1754, 3));
        assert_eq!(info.dpi, Some((150.0, 150.0)));
    }

    #[test]
    fn garbage_is_refused_without_panic() {
        assert!(StampImage::from_bytes(b"\x89PNG\r\n\x1a\nxxxx").is_err());
        assert!(StampImage::from_bytes(&[0xFF, 0xD8, 0xFF, 0xC0, 0xFF, 0xFF]).is_err());
        assert!(StampImage::from_bytes(b"hello").is_err());
    }
}
