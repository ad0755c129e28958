//! A PDF made of scanned pages ("sao y từ văn bản giấy"): one JPEG per page, its bytes
//! passed through untouched (`DCTDecode`), the page sized from the image's resolution,
//! A4 when the file does not say.

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect as PdfRect, Ref};

use crate::image::jpeg_info;
use crate::{ImageProblem, LayoutError};

/// A4 in points.
const A4: (f32, f32) = (595.276, 841.89);

/// Builds a PDF (version 1.7) with one page per JPEG, each image filling its page.
pub fn jpegs_to_pdf(jpegs: &[Vec<u8>]) -> Result<Vec<u8>, LayoutError> {
    if jpegs.is_empty() {
        return Err(LayoutError::Image(ImageProblem::NoScans));
    }
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut next = 3;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let mut page_ids = Vec::new();
    let mut pages = Vec::new();
    for (i, jpeg) in jpegs.iter().enumerate() {
        let info = jpeg_info(jpeg).map_err(|e| ImageProblem::Scan { index: i + 1, problem: Box::new(e) })?;
        let (w, h) = match info.dpi {
            Some((dx, dy)) => (info.width as f32 / dx * 72.0, info.height as f32 / dy * 72.0),
            None => {
                // Unknown resolution: fit A4, keeping the aspect, portrait or landscape.
                let (pw, ph) = if info.width > info.height { (A4.1, A4.0) } else { A4 };
                let scale = (pw / info.width as f32).min(ph / info.height as f32);
                (info.width as f32 * scale, info.height as f32 * scale)
            }
        };
        let (page, image, content) = (alloc(), alloc(), alloc());
        page_ids.push(page);
        pages.push((page, image, content, w, h, info));
    }
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(page_ids.len() as i32);
    for ((page, image, content, w, h, info), jpeg) in pages.into_iter().zip(jpegs) {
        let mut p = pdf.page(page);
        p.media_box(PdfRect::new(0.0, 0.0, w, h));
        p.parent(tree);
        p.contents(content);
        p.resources().x_objects().pair(Name(b"Im0"), image);
        p.finish();
        let mut x = pdf.image_xobject(image, jpeg);
        x.filter(Filter::DctDecode);
        x.width(info.width as i32);
        x.height(info.height as i32);
        match info.components {
            1 => x.color_space().device_gray(),
            4 => x.color_space().device_cmyk(),
            _ => x.color_space().device_rgb(),
        };
        x.bits_per_component(8);
        if info.adobe && info.components == 4 {
            x.decode([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0]);
        }
        x.finish();
        let mut c = Content::new();
        c.save_state();
        c.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
        c.x_object(Name(b"Im0"));
        c.restore_state();
        let data = c.finish();
        pdf.stream(content, &data);
    }
    Ok(pdf.finish())
}
