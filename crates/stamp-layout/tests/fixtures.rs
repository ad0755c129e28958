//! Layout on the project's sample documents (LibreOffice output: subset TrueType fonts
//! with ToUnicode maps, Vietnamese diacritics).

#[path = "../../../tests/support/skip.rs"]
mod skip;

use std::path::PathBuf;

use stamp_layout::text::page_lines;
use stamp_layout::{organization, personal, text_stamp, Appearance, StampImage, TextFont};

fn fixture(rel: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures").join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn doc(name: &str) -> lopdf::Document {
    lopdf::Document::load_mem(&fixture(&format!("documents/{name}"))).unwrap()
}

#[test]
fn lines_of_the_decision_signature_block() {
    let d = doc("quyet-dinh.pdf");
    let lines = page_lines(&d, 1).unwrap();
    for l in &lines {
        eprintln!("{:7.2} {:7.2}-{:7.2} {:5.2} {}", l.baseline, l.x0, l.x1, l.size, l.text);
    }
    let name = lines.iter().find(|l| l.text == "Nguyễn Văn An").expect("name line");
    let title = lines.iter().find(|l| l.text == "PHÓ CHỦ TỊCH").expect("title line");
    // pdftotext -bbox: Nguyễn 391.5 … An 480.264, top 449.35 from the top of an 841.89 page.
    assert!((name.x0 - 391.5).abs() < 1.0 && (name.x1 - 480.26).abs() < 1.0, "{name:?}");
    assert!((name.top - (841.89 - 449.35)).abs() < 1.0, "{name:?}");
    assert!(title.bottom > name.top);
    assert!(lines.iter().any(|l| l.text == "Nơi nhận:"));
}

#[test]
fn lines_of_the_letter() {
    let d = doc("cong-van.pdf");
    let lines = page_lines(&d, 0).unwrap();
    for l in &lines {
        eprintln!("{:7.2} {:7.2}-{:7.2} {}", l.baseline, l.x0, l.x1, l.text);
    }
    assert!(lines.iter().any(|l| l.text == "Trần Thị Bình"));
    assert!(lines.iter().any(|l| l.text == "CHÁNH VĂN PHÒNG"));
}

#[test]
fn personal_and_seal_placement_on_the_decision() {
    let pdf = fixture("documents/quyet-dinh.pdf");
    let img = StampImage::from_png(&fixture("images/chu-ky-ca-nhan.png")).unwrap();
    let placed = personal(&pdf, &img, "NGUYỄN VĂN AN", None).unwrap();
    eprintln!("{}", placed.description);
    assert!(placed.warnings.is_empty(), "{:?}", placed.warnings);
    let Appearance::Visible(v) = &placed.appearance else { panic!() };
    assert_eq!(v.page, 1);
    let (cx, _) = v.rect.center();
    assert!((cx - (391.5 + 480.26) / 2.0).abs() < 1.0, "{:?}", v.rect);
    let err = personal(&pdf, &img, "Lê Văn Không", None).unwrap_err().to_string();
    assert!(err.contains("Lê Văn Không"), "{err}");
    let seal = StampImage::from_png(&fixture("images/dau-co-quan.png")).unwrap();
    assert!(seal.color_warning(stamp_layout::ColorCheck::Red).is_none());
    assert!(organization(&pdf, &seal, None).is_err(), "no personal signature yet");
}

#[test]
fn text_stamp_fits_top_right() {
    let pdf = fixture("documents/phu-luc.pdf");
    let placed = text_stamp(
        &pdf,
        &["Sao y".into(), "Văn phòng Ủy ban nhân dân tỉnh Điện Biên".into(), "2025-09-30T14:05:09+07:00".into()],
        &TextFont::bundled(),
    )
    .unwrap();
    let Appearance::Visible(v) = &placed.appearance else { panic!() };
    assert_eq!(v.page, 0);
    assert!(v.rect.y1 <= 841.89 && v.rect.y0 > 841.89 - 20.0 * stamp_layout::PT_PER_MM, "{:?}", v.rect);
    let objs = v.form.to_objects(100).unwrap();
    assert_eq!(objs[0].0, 100);
    assert_eq!(objs.len(), 6, "form + Type0, CIDFont, descriptor, font file, ToUnicode");
}

/// Every PDF of the shared corpus (signed files from many producers, broken files from the
/// "PDF 101" talk): reading text and trying each placement never panics.
#[test]
fn shared_corpus_never_panics() {
    let Some(shared) = skip::shared_or_skip("shared_corpus_never_panics") else { return };
    let root = shared.join("corpus");
    let img = StampImage::from_png(&fixture("images/chu-ky-ca-nhan.png")).unwrap();
    let font = TextFont::bundled();
    let mut stack = vec![root];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().and_then(|x| x.to_str()) != Some("pdf") {
                continue;
            }
            seen += 1;
            let bytes = std::fs::read(&p).unwrap();
            if let Ok(d) = lopdf::Document::load_mem(&bytes) {
                for i in 0..d.get_pages().len().min(3) {
                    let _ = page_lines(&d, i);
                }
            }
            let _ = personal(&bytes, &img, "Nguyễn Văn An", None);
            let _ = organization(&bytes, &img, Some(36.0));
            let _ = text_stamp(&bytes, &["Sao y".into()], &font);
        }
    }
    assert!(seen > 100, "only {seen} PDFs found");
}

/// Words and their places as poppler's `pdftotext -bbox` reads them (y from the top).
fn poppler_words(path: &std::path::Path, page: usize) -> Option<Vec<(String, f32, f32, f32)>> {
    let p = page.to_string();
    let out = std::process::Command::new("pdftotext").args(["-bbox", "-f", &p, "-l", &p]).arg(path).arg("-").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f32 {
        let key = format!("{name}=\"");
        let s = tag.find(&key).map(|i| i + key.len()).unwrap_or(0);
        tag[s..].split('"').next().and_then(|v| v.parse().ok()).unwrap_or(f32::NAN)
    };
    Some(
        text.lines()
            .filter_map(|l| {
                let rest = l.trim().strip_prefix("<word ")?;
                let close = rest.find('>')?;
                let word = rest[close + 1..]
                    .strip_suffix("</word>")?
                    .replace("&amp;", "&")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"");
                let tag = &rest[..close];
                Some((word, attr(tag, "xMin"), attr(tag, "xMax"), attr(tag, "yMin")))
            })
            .collect(),
    )
}

/// stamp-layout and poppler agree on the words of a page and where they are: LibreOffice
/// output (subset TrueType, WinAnsi + ToUnicode) from the fixtures, Word output (Type0 /
/// Identity-H) from the shared corpus.
#[test]
fn text_positions_agree_with_poppler() {
    let mut files = vec![
        (PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/documents/quyet-dinh.pdf"), 2),
        (PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/documents/cong-van.pdf"), 1),
    ];
    if let Some(shared) = skip::shared_for_part("text_positions_agree_with_poppler", "the Word files of the corpus") {
        let dss = shared.join("corpus/dss-signed");
        for word_pdf in ["adbe_ocsp_signed.pdf", "dss-2554__certified-no-change-permitted.pdf"] {
            files.push((dss.join(word_pdf), 1));
        }
    }
    for (path, page) in files {
        let Some(words) = poppler_words(&path, page) else {
            skip::skip("text_positions_agree_with_poppler", "pdftotext (poppler-utils) is not installed");
            return;
        };
        let d = lopdf::Document::load(&path).unwrap();
        // Fonts' ascent (which sets a line's top) differs a little between readers.
        let id = *d.get_pages().values().nth(page - 1).unwrap();
        let height = d
            .get_dictionary(id)
            .unwrap()
            .get(b"MediaBox")
            .ok()
            .and_then(|o| o.as_array().ok())
            .map(|a| a[3].as_float().unwrap())
            .unwrap_or(842.0);
        let lines = page_lines(&d, page - 1).unwrap();
        let words: Vec<_> = words.into_iter().filter(|w| w.0.chars().count() >= 2).collect();
        let mut missed = Vec::new();
        for (w, x0, x1, y0) in &words {
            let hit = lines.iter().any(|l| {
                (height - l.top - y0).abs() < (0.25 * l.size).max(2.5)
                    && l.x0 - 1.5 <= *x0
                    && l.x1 + 1.5 >= *x1
                    && l.find_all(w).iter().any(|(a, b)| (a - x0).abs() < 1.5 && (b - x1).abs() < 1.5)
            });
            if !hit {
                missed.push(w.clone());
            }
        }
        assert!(!words.is_empty());
        assert!(
            missed.len() * 100 <= words.len() * 3,
            "{}: {} of {} words differ from poppler: {missed:?}",
            path.display(),
            missed.len(),
            words.len()
        );
    }
}

/// A form XObject that draws itself a thousand times, and a page that nests `q` and
/// text objects without end: reading stops at the limits, quickly, without panicking.
#[test]
fn self_drawing_forms_and_deep_nesting_are_bounded() {
    use lopdf::{dictionary, Object, Stream};
    let mut doc = lopdf::Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman" });
    let form_id = doc.new_object_id();
    let mut form_content = b"BT /F1 12 Tf 10 10 Td (Nguyen Van An) Tj ET ".to_vec();
    form_content.extend(b"/X Do ".repeat(1000));
    let form = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 100.into(), 100.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "X" => form_id }, "Font" => dictionary! { "F1" => font_id } } },
        form_content,
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let mut content = b"q ".repeat(100_000);
    content.extend(b"/X Do [(a) -100 (b)] TJ ");
    let content_id = doc.add_object(Stream::new(dictionary! {}, content));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "XObject" => dictionary! { "X" => form_id }, "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let t = std::time::Instant::now();
    let r = page_lines(&doc, 0);
    assert!(t.elapsed().as_secs() < 30, "{:?}", t.elapsed());
    assert!(matches!(r, Err(stamp_layout::LayoutError::Limit(_))), "{r:?}");
}
