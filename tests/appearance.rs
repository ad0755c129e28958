//! Visible appearances by the rules (rules.md S2–S6), checked the way a reader sees them:
//! pages rendered by pdftoppm and measured (blue signature, red seal) against the text
//! positions pdftotext reports; stamp text read back with pdftotext; fonts with pdffonts;
//! every output validated by pyHanko, pdfsig and `qpdf --check`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;

const MM_PER_PT: f64 = 25.4 / 72.0;

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-appearance-").tempdir().unwrap()
}

fn key_args(cmd: &mut Command, pki: &TestPki, name: &str) {
    cmd.arg("--p12").arg(pki.p12(name)).arg("--pass-file").arg(pki.password_file()).args(["--lang", "en"]);
}

fn sign(pki: &TestPki, key: &str, role: &str, input: &Path, output: &Path, image: &str, extra: &[&str]) -> Output {
    let mut cmd = vbdt(["sign"]);
    cmd.arg(input).arg("-o").arg(output).args(["--role", role]).arg("--image").arg(fixtures_dir().join("images").join(image)).args(extra);
    key_args(&mut cmd, pki, key);
    run(&mut cmd)
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "vbdt failed ({}):\n{}", out.status, output_text(out));
}

/// pyHanko (online revocation), pdfsig (valid and trusted) and qpdf accept every signature.
fn assert_valid(pdf: &Path, pki: &TestPki, signatures: usize) {
    let (ok, text) = pyhanko_validate(pdf, &pki.root());
    assert!(ok && pyhanko_verdicts(&text).len() == signatures, "pyHanko on {}:\n{text}", pdf.display());
    let report = pdfsig_validate(pdf, &pki.root());
    assert!(report.all_ok() && report.signatures.len() == signatures, "pdfsig on {}:\n{}", pdf.display(), report.output);
    let (ok, text) = qpdf_check(pdf);
    assert!(ok, "qpdf --check on {}:\n{text}", pdf.display());
}

// ---------------------------------------------------------------------------
// Rendering and measuring
// ---------------------------------------------------------------------------

/// A page rendered to RGB pixels.
struct Page {
    w: usize,
    h: usize,
    dpi: f64,
    rgb: Vec<u8>,
}

/// Extent of some pixels, in points from the page's top-left corner (like pdftotext).
#[derive(Debug, Clone, Copy)]
struct Box_ {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl Box_ {
    fn w(&self) -> f64 {
        self.x1 - self.x0
    }
    fn h(&self) -> f64 {
        self.y1 - self.y0
    }
    fn cx(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f64 {
        (self.y0 + self.y1) / 2.0
    }
}

fn render(pdf: &Path, page: usize, dpi: u32) -> Page {
    let dir = tmp();
    let prefix = dir.path().join("page");
    let p = page.to_string();
    run_ok(Command::new(require_tool("pdftoppm")).args(["-r", &dpi.to_string(), "-f", &p, "-l", &p, "-singlefile"]).arg(pdf).arg(&prefix));
    let data = std::fs::read(prefix.with_extension("ppm")).unwrap();
    // P6 header: magic, width, height, maxval, one whitespace byte, then samples.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while data[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !data[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let rgb = data[i + 1..].to_vec();
    assert_eq!(rgb.len(), w * h * 3);
    Page { w, h, dpi: f64::from(dpi), rgb }
}

fn is_blue(r: u8, g: u8, b: u8) -> bool {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    b > r + 60 && b > g + 40
}

fn is_red(r: u8, g: u8, b: u8) -> bool {
    let (r, g, b) = (i32::from(r), i32::from(g), i32::from(b));
    r > g + 80 && r > b + 80
}

impl Page {
    /// The extent of the pixels `pred` selects, or None.
    fn extent(&self, pred: fn(u8, u8, u8) -> bool) -> Option<Box_> {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..self.h {
            for x in 0..self.w {
                let i = (y * self.w + x) * 3;
                if pred(self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]) {
                    x0 = x0.min(x);
                    y0 = y0.min(y);
                    x1 = x1.max(x + 1);
                    y1 = y1.max(y + 1);
                }
            }
        }
        let pt = 72.0 / self.dpi;
        (x1 > x0).then_some(Box_ { x0: x0 as f64 * pt, y0: y0 as f64 * pt, x1: x1 as f64 * pt, y1: y1 as f64 * pt })
    }
}

/// One word from `pdftotext -bbox`.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    b: Box_,
}

fn attr(tag: &str, name: &str) -> f64 {
    let key = format!("{name}=\"");
    let start = tag.find(&key).unwrap() + key.len();
    let end = start + tag[start..].find('"').unwrap();
    tag[start..end].parse().unwrap()
}

fn words(pdf: &Path, page: usize) -> Vec<Word> {
    let p = page.to_string();
    let out = run_ok(Command::new(require_tool("pdftotext")).args(["-bbox", "-f", &p, "-l", &p]).arg(pdf).arg("-"));
    out.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<word ")?;
            let close = rest.find('>')?;
            let tag = &rest[..close];
            let text = rest[close + 1..].strip_suffix("</word>")?;
            let text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
            Some(Word { text, b: Box_ { x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), y1: attr(tag, "yMax") } })
        })
        .collect()
}

/// The last run of consecutive words on one line that reads exactly `line`; its extent.
fn find_line(words: &[Word], line: &str) -> Option<Box_> {
    let wanted: Vec<&str> = line.split_whitespace().collect();
    let n = wanted.len();
    (0..words.len().saturating_sub(n - 1)).rev().find_map(|i| {
        let run = &words[i..i + n];
        let same_line = run.iter().all(|w| (w.b.y0 - run[0].b.y0).abs() < 1.0);
        (same_line && run.iter().zip(&wanted).all(|(w, t)| w.text == *t)).then(|| Box_ {
            x0: run[0].b.x0,
            y0: run.iter().map(|w| w.b.y0).fold(f64::MAX, f64::min),
            x1: run[n - 1].b.x1,
            y1: run.iter().map(|w| w.b.y1).fold(f64::MIN, f64::max),
        })
    })
}

fn page_count(pdf: &Path) -> usize {
    let out = run_ok(Command::new(require_tool("pdfinfo")).arg(pdf));
    out.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|v| v.trim().parse().ok()).unwrap()
}

/// The seal PNG's visible disc at its own resolution, in millimetres (the fixture: 418 px
/// of ink at 300 dpi, 35.4 mm).
fn seal_ink_mm() -> f64 {
    let img = stamp_layout::StampImage::from_png(&std::fs::read(fixtures_dir().join("images/dau-co-quan.png")).unwrap()).unwrap();
    let (w, _) = img.natural_size_pt().unwrap();
    f64::from(w) * MM_PER_PT
}

/// S2 and S3 on one document: personal (auto-placed), then organization.
fn personal_then_seal(document: &str, personal_key: &str, title: &str, name: &str, seal_size: Option<f64>) {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = fixture_document(document);
    let personal = dir.path().join("personal.pdf");
    let signed = dir.path().join("signed.pdf");
    assert_ok(&sign(pki, personal_key, "personal", &input, &personal, "chu-ky-ca-nhan.png", &[]));
    let mut extra = Vec::new();
    let size_arg = seal_size.map(|s| format!("{s}mm"));
    if let Some(s) = &size_arg {
        extra.extend(["--seal-size", s.as_str()]);
    }
    assert_ok(&sign(pki, "organization", "organization", &personal, &signed, "dau-co-quan.png", &extra));
    assert_valid(&personal, pki, 1);
    assert_valid(&signed, pki, 2);

    // S2: between the title line and the name line, centred on the name.
    let last = page_count(&input);
    let words = words(&personal, last);
    let title_box = find_line(&words, title).unwrap_or_else(|| panic!("{title:?} not found by pdftotext"));
    let name_box = find_line(&words, name).unwrap_or_else(|| panic!("{name:?} not found by pdftotext"));
    let page = render(&personal, last, 150);
    let blue = page.extent(is_blue).expect("no blue pixels on the signed page");
    assert!(
        blue.y0 >= title_box.y1 && blue.y1 <= name_box.y0,
        "the signature {blue:?} is not between {title:?} {title_box:?} and {name:?} {name_box:?}"
    );
    let off = (blue.cx() - name_box.cx()).abs() * MM_PER_PT;
    assert!(off <= 3.0, "the signature is {off:.1} mm off the name's centre ({blue:?} vs {name_box:?})");
    // Scaled to the gap: it fills a good part of it, or the block's width.
    let gap = name_box.y0 - title_box.y1;
    assert!(blue.h() >= 0.25 * gap, "the signature ({:.1} pt high) hardly uses the {gap:.1} pt gap", blue.h());
    // Nothing blue elsewhere: the page had none before.
    assert!(render(&input, last, 50).extent(is_blue).is_none());

    // S3: real size, over the left quarter to two fifths of the signature, centred on it.
    let page = render(&signed, last, 300);
    let red = page.extent(is_red).expect("no red pixels on the sealed page");
    let expected = seal_size.unwrap_or_else(seal_ink_mm);
    for (what, v) in [("width", red.w()), ("height", red.h())] {
        let mm = v * MM_PER_PT;
        assert!((mm - expected).abs() <= 0.5, "the seal's {what} is {mm:.2} mm, its real size {expected:.2} mm");
    }
    let covered = (red.x1 - blue.x0) / blue.w();
    assert!(
        red.x0 < blue.x0 && (0.25..=0.40).contains(&covered),
        "the seal covers {:.0}% of the signature's width from its left edge ({red:?} over {blue:?})",
        covered * 100.0
    );
    let dy = (red.cy() - blue.cy()).abs() * MM_PER_PT;
    assert!(dy <= 3.0, "the seal is {dy:.1} mm off the signature's vertical centre");
}

#[test]
fn decision_personal_then_seal_by_the_rules() {
    personal_then_seal("quyet-dinh.pdf", "personal", "PHÓ CHỦ TỊCH", "Nguyễn Văn An", None);
}

#[test]
fn letter_personal_then_seal_by_the_rules() {
    personal_then_seal("cong-van.pdf", "personal2", "CHÁNH VĂN PHÒNG", "Trần Thị Bình", Some(30.0));
}

#[test]
fn shared_fixture_decision_too() {
    let Some(shared) = shared_or_skip("shared_fixture_decision_too") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("p.pdf");
    assert_ok(&sign(pki, "personal", "personal", &shared.join("fixtures/documents/quyet-dinh.pdf"), &out, "chu-ky-ca-nhan.png", &[]));
    assert!(render(&out, 2, 50).extent(is_blue).is_some());
}

#[test]
fn explicit_place_puts_the_image_in_the_box() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("placed.pdf");
    assert_ok(&sign(
        pki,
        "personal",
        "personal",
        &fixture_document("quyet-dinh.pdf"),
        &out,
        "chu-ky-ca-nhan.png",
        &["--place", "1,30,200,60,30"],
    ));
    let blue = render(&out, 1, 150).extent(is_blue).expect("no blue pixels on page 1");
    let mm = |v: f64| v * MM_PER_PT;
    assert!(mm(blue.x0) >= 29.5 && mm(blue.x1) <= 90.5 && mm(blue.y0) >= 199.5 && mm(blue.y1) <= 230.5, "{blue:?}");
    // Width-limited: the whole 60 mm is used, centred vertically in the box.
    assert!((mm(blue.w()) - 60.0).abs() < 1.5 && (mm(blue.cy()) - 215.0).abs() < 1.5, "{blue:?}");
    assert_valid(&out, pki, 1);
}

#[test]
fn a_name_not_on_the_page_is_a_clear_error() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("x.pdf");
    let o = sign(
        pki,
        "personal",
        "personal",
        &fixture_document("quyet-dinh.pdf"),
        &out,
        "chu-ky-ca-nhan.png",
        &["--signer-name", "Lê Văn Không"],
    );
    assert_eq!(o.status.code(), Some(4), "{}", output_text(&o));
    assert!(output_text(&o).contains("Lê Văn Không"), "{}", output_text(&o));
    assert!(!out.exists());
    // The certificate's name is on the decision, not on the letter.
    let o = sign(pki, "personal", "personal", &fixture_document("cong-van.pdf"), &out, "chu-ky-ca-nhan.png", &[]);
    assert_eq!(o.status.code(), Some(4), "{}", output_text(&o));
    assert!(output_text(&o).contains("Nguyễn Văn An"), "{}", output_text(&o));
}

#[test]
fn a_seal_without_a_personal_signature_is_a_clear_error() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("x.pdf");
    let o = sign(pki, "organization", "organization", &fixture_document("quyet-dinh.pdf"), &out, "dau-co-quan.png", &[]);
    assert_eq!(o.status.code(), Some(4), "{}", output_text(&o));
    assert!(output_text(&o).contains("personal signature"), "{}", output_text(&o));
}

#[test]
fn a_wrongly_coloured_image_is_warned_about() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("x.pdf");
    // The red seal used as a personal signature.
    let o = sign(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &out, "dau-co-quan.png", &[]);
    assert_ok(&o);
    assert!(output_text(&o).contains("blue"), "{}", output_text(&o));
}

// ---------------------------------------------------------------------------
// Text stamps: copy (S4) and attachment (S5)
// ---------------------------------------------------------------------------

const ORG: &str = "Văn phòng Ủy ban nhân dân tỉnh Điện Biên";

/// pdffonts rows (name, type, emb, sub, uni).
fn fonts(pdf: &Path) -> Vec<Vec<String>> {
    let out = run_ok(Command::new(require_tool("pdffonts")).arg(pdf));
    out.lines().skip(2).map(|l| l.split_whitespace().map(str::to_owned).collect()).collect()
}

/// The signing time shown: ISO 8601 with seconds and +07:00, within two minutes of now.
fn assert_vietnam_time(text: &str) {
    let fmt =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]");
    let t = time::OffsetDateTime::parse(text, &fmt).unwrap_or_else(|e| panic!("{text:?} is not ISO 8601 with an offset: {e}"));
    assert_eq!(t.offset(), time::UtcOffset::from_hms(7, 0, 0).unwrap(), "{text}");
    let age = (time::OffsetDateTime::now_utc() - t).whole_seconds();
    assert!((0..120).contains(&age), "{text} is {age} s from now");
}

/// The stamp lines on page 1: exact text, ~10 pt, right-aligned inside the right margin,
/// in the top 20 mm; returns the time line's text.
fn assert_stamp(pdf: &Path, lines: &[&str]) -> String {
    assert_stamp_on(pdf, lines, 595.3)
}

/// [`assert_stamp`] on a page `page_w` points wide as displayed (pdftotext measures the
/// page turned by its /Rotate).
fn assert_stamp_on(pdf: &Path, lines: &[&str], page_w: f64) -> String {
    let words = words(pdf, 1);
    let mut rights = Vec::new();
    for line in lines {
        let b = find_line(&words, line).unwrap_or_else(|| panic!("stamp line {line:?} not found on page 1:\n{words:?}"));
        assert!(b.y1 <= 20.0 / MM_PER_PT, "{line:?} reaches {:.1} mm from the top", b.y1 * MM_PER_PT);
        // pdftotext's word box is the font's ascent+descent: 11.07 pt for 10 pt Liberation/Times.
        assert!((9.5..=12.5).contains(&b.h()), "{line:?} is {:.1} pt high", b.h());
        assert!(b.x1 <= page_w - 15.0 / MM_PER_PT && b.x1 >= page_w / 2.0, "{line:?} ends at {:.1} pt", b.x1);
        rights.push(b.x1);
    }
    let spread = rights.iter().copied().fold(f64::MIN, f64::max) - rights.iter().copied().fold(f64::MAX, f64::min);
    assert!(spread < 1.0, "stamp lines are not right-aligned: {rights:?}");
    let time_word = words.iter().rev().find(|w| w.text.ends_with("+07:00") && w.b.y1 <= 20.0 / MM_PER_PT).expect("no time in the stamp");
    time_word.text.clone()
}

/// The stamp adds exactly one font: embedded, subset, with a ToUnicode map.
fn assert_one_new_subset_font(input: &Path, output: &Path) {
    let before = fonts(input);
    let added: Vec<Vec<String>> = fonts(output).into_iter().filter(|f| !before.contains(f)).collect();
    assert_eq!(added.len(), 1, "{added:?}");
    let f = &added[0];
    let n = f.len();
    assert!(f[0].len() > 7 && f[0].as_bytes()[6] == b'+', "not a subset name: {f:?}");
    assert_eq!(&f[n - 5..n - 2], &["yes", "yes", "yes"], "emb/sub/uni: {f:?}");
}

/// Appearance streams of the signature widgets: (role, resource keys of /AP /N).
fn signature_appearances(pdf: &Path) -> Vec<(String, Vec<String>, bool)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let mut out = Vec::new();
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        let annots = doc.dereference(annots).unwrap().1.as_array().unwrap().clone();
        for a in annots {
            let w = doc.dereference(&a).unwrap().1.as_dict().unwrap();
            if w.get(b"FT").and_then(|o| o.as_name()).ok() != Some(b"Sig".as_slice()) {
                continue;
            }
            let v = doc.dereference(w.get(b"V").unwrap()).unwrap().1.as_dict().unwrap();
            let role = String::from_utf8_lossy(v.get(b"VBDT_Role").unwrap().as_name().unwrap()).into_owned();
            let Ok(ap) = w.get(b"AP") else { continue };
            let n = doc.dereference(ap).unwrap().1.as_dict().unwrap().get(b"N").unwrap();
            let form = doc.dereference(n).unwrap().1.as_stream().unwrap();
            let res = doc.dereference(form.dict.get(b"Resources").unwrap()).unwrap().1.as_dict().unwrap();
            let keys = res.iter().map(|(k, _)| String::from_utf8_lossy(k).into_owned()).collect();
            // An image drawn with a soft mask (PNG alpha)?
            let smask =
                res.get(b"XObject").ok().and_then(|x| doc.dereference(x).ok()).and_then(|(_, x)| x.as_dict().ok()).is_some_and(|xo| {
                    xo.iter()
                        .any(|(_, im)| doc.dereference(im).ok().and_then(|(_, s)| s.as_stream().ok()).is_some_and(|s| s.dict.has(b"SMask")))
                });
            out.push((role, keys, smask));
        }
    }
    out
}

fn copy_cmd(pki: &TestPki, inputs: &[PathBuf], output: &Path, extra: &[&str]) -> Command {
    let mut cmd = vbdt(["copy"]);
    cmd.args(inputs).arg("-o").arg(output).args(["--org", ORG]).args(extra);
    key_args(&mut cmd, pki, "organization");
    cmd
}

#[test]
fn copy_stamp_shows_kind_org_and_time_top_right() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = fixture_document("quyet-dinh.pdf");
    for (kind, words) in [("sao-y", "Sao y"), ("sao-luc", "Sao lục"), ("trich-sao", "Trích sao")] {
        let out = dir.path().join(format!("{kind}.pdf"));
        assert_ok(&run(&mut copy_cmd(pki, std::slice::from_ref(&input), &out, &["--kind", kind])));
        let t = assert_stamp(&out, &[words, ORG]);
        assert_vietnam_time(&t);
        assert_one_new_subset_font(&input, &out);
        let aps = signature_appearances(&out);
        assert_eq!(aps.len(), 1);
        assert_eq!(aps[0].0, "Organization");
        assert!(
            aps[0].1.contains(&"Font".to_string()) && !aps[0].1.contains(&"XObject".to_string()),
            "the copy stamp must be text only: {aps:?}"
        );
        assert_valid(&out, pki, 1);
    }
}

#[test]
fn copy_stamp_on_a_turned_page_reads_upright_at_the_shown_top_right() {
    let pki = TestPki::shared();
    let dir = tmp();
    for (turn, shown_w) in [(90, 841.9), (180, 595.3), (270, 841.9)] {
        let turned = dir.path().join(format!("turned-{turn}.pdf"));
        run_ok(Command::new(require_tool("qpdf")).arg(format!("--rotate=+{turn}:1")).arg(fixture_document("phu-luc.pdf")).arg(&turned));
        let out = dir.path().join(format!("copy-{turn}.pdf"));
        assert_ok(&run(&mut copy_cmd(pki, std::slice::from_ref(&turned), &out, &["--kind", "sao-y"])));
        // pdftotext reads the page as shown: the lines are horizontal, at the top right.
        let t = assert_stamp_on(&out, &["Sao y", ORG], shown_w);
        assert_vietnam_time(&t);
        // vbdt verify agrees (S4 measures the shown page too).
        let mut cmd = vbdt(["verify", "--format", "json", "--lang", "en", "--offline", "--revocation", "off", "--trust"]);
        cmd.arg(pki.root()).arg(&out);
        let o = run(&mut cmd);
        let report = report_of(&o);
        let s4 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S4").unwrap();
        assert_eq!(s4["status"], "pass", "/Rotate {turn}: {s4}");
        if turn == 90 {
            assert_valid(&out, pki, 1);
        }
    }
}

#[test]
fn attachments_are_stamped_with_the_reference_each() {
    let pki = TestPki::shared();
    let dir = tmp();
    let outdir = dir.path().join("out");
    let inputs = [fixture_document("phu-luc.pdf"), fixture_document("cong-van.pdf")];
    let mut cmd = vbdt(["attach"]);
    cmd.args(&inputs).arg("--out-dir").arg(&outdir).args(["--ref", "62/2025/QĐ-UBND"]);
    key_args(&mut cmd, pki, "organization");
    assert_ok(&run(&mut cmd));
    for input in &inputs {
        let out = outdir.join(input.file_name().unwrap());
        let t = assert_stamp(&out, &["Kèm theo văn bản số 62/2025/QĐ-UBND"]);
        assert_vietnam_time(&t);
        assert_one_new_subset_font(input, &out);
        let aps = signature_appearances(&out);
        assert!(aps.len() == 1 && !aps[0].1.contains(&"XObject".to_string()), "{aps:?}");
        assert_valid(&out, pki, 1);
    }
}

#[test]
fn times_read_vietnam_time_whatever_tz_says() {
    let pki = TestPki::shared();
    let dir = tmp();
    for tz in ["UTC", "America/New_York", "Asia/Ho_Chi_Minh"] {
        let out = dir.path().join(format!("{}.pdf", tz.replace('/', "-")));
        let mut cmd = vbdt(["attach"]);
        cmd.arg(fixture_document("phu-luc.pdf")).arg("-o").arg(&out).args(["--ref", "62/2025/QĐ-UBND"]).env("TZ", tz);
        key_args(&mut cmd, pki, "organization");
        assert_ok(&run(&mut cmd));
        let t = assert_stamp(&out, &["Kèm theo văn bản số 62/2025/QĐ-UBND"]);
        assert_vietnam_time(&t);
        // /M in the signature dictionary says the same time.
        let bytes = std::fs::read(&out).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let m = text.rfind("/M (D:").map(|i| &text[i + 6..i + 6 + 14]).unwrap();
        let shown: String = t.chars().filter(char::is_ascii_digit).take(14).collect();
        assert_eq!(m, shown, "/M and the stamp differ under TZ={tz}");
        assert_valid(&out, pki, 1);
    }
}

#[test]
fn scans_become_a_signed_copy_with_the_jpegs_untouched() {
    let pki = TestPki::shared();
    let dir = tmp();
    let scans: Vec<PathBuf> =
        ["scan-quyet-dinh-1.jpg", "scan-quyet-dinh-2.jpg"].iter().map(|s| fixtures_dir().join("scans").join(s)).collect();
    let out = dir.path().join("ban-sao.pdf");
    assert_ok(&run(&mut copy_cmd(pki, &scans, &out, &["--from-images", "--kind", "sao-y"])));
    assert_eq!(page_count(&out), 2);
    // Every JPEG stream is one of the inputs, byte for byte, and each input is there.
    let doc = lopdf::Document::load(&out).unwrap();
    let jpegs: Vec<Vec<u8>> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Filter").and_then(|f| f.as_name()).ok() == Some(b"DCTDecode".as_slice()))
        .map(|s| s.content.clone())
        .collect();
    assert_eq!(jpegs.len(), 2);
    for scan in &scans {
        assert!(jpegs.contains(&std::fs::read(scan).unwrap()), "{} is not in the PDF byte for byte", scan.display());
    }
    // 1241×1754 px at 150 dpi: A4 (595.7 × 841.9 pt).
    let info = run_ok(Command::new(require_tool("pdfinfo")).arg(&out));
    assert!(info.contains("595.68 x 841.92 pts"), "{info}");
    let t = assert_stamp(&out, &["Sao y", ORG]);
    assert_vietnam_time(&t);
    assert_valid(&out, pki, 1);
}

#[test]
fn a_character_the_font_lacks_is_an_error() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("x.pdf");
    let font = repo_root().join("crates/stamp-layout/fonts/LiberationSerif-Regular.ttf");
    let mut cmd = vbdt(["copy"]);
    cmd.arg(fixture_document("phu-luc.pdf")).arg("-o").arg(&out).args(["--kind", "sao-y", "--org", "Ủy ban 漢字"]).arg("--font").arg(&font);
    key_args(&mut cmd, pki, "organization");
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(4), "{}", output_text(&o));
    assert!(output_text(&o).contains("U+6F22"), "{}", output_text(&o));
    assert!(!out.exists());
}

#[test]
fn personal_appearance_keeps_png_alpha() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("p.pdf");
    assert_ok(&sign(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &out, "chu-ky-ca-nhan.png", &[]));
    let aps = signature_appearances(&out);
    assert!(aps.len() == 1 && aps[0].0 == "Personal" && aps[0].2, "an image with an SMask expected: {aps:?}");
    // Transparent: the text under the image still shows (the name line is untouched).
    assert!(find_line(&words(&out, 2), "Nguyễn Văn An").is_some());
}

// ---------------------------------------------------------------------------
// The profile file
// ---------------------------------------------------------------------------

#[test]
fn a_profile_supplies_org_name_seal_key_and_flags_override_it() {
    let pki = TestPki::shared();
    let dir = tmp();
    // Relative paths are relative to the profile's directory.
    std::fs::copy(fixtures_dir().join("images/dau-co-quan.png"), dir.path().join("dau.png")).unwrap();
    std::fs::copy(pki.p12("organization"), dir.path().join("ubnd.p12")).unwrap();
    let profile = dir.path().join("vbdt.toml");
    std::fs::write(
        &profile,
        format!(
            "[organization]\nname = \"{ORG}\"\nseal = \"dau.png\"\nseal_size = \"30mm\"\n\n[key]\np12 = \"ubnd.p12\"\npass_file = \"{}\"\n",
            pki.password_file().display()
        ),
    )
    .unwrap();
    // copy: --org and the key come from the profile.
    let out = dir.path().join("copy.pdf");
    let mut cmd = vbdt(["copy"]);
    cmd.arg(fixture_document("phu-luc.pdf")).arg("-o").arg(&out).args(["--kind", "sao-luc", "--lang", "en"]).arg("--profile").arg(&profile);
    assert_ok(&run(&mut cmd));
    assert_stamp(&out, &["Sao lục", ORG]);
    // sign --role organization: the seal and its size come from the profile.
    let personal = dir.path().join("personal.pdf");
    assert_ok(&sign(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, "chu-ky-ca-nhan.png", &[]));
    let sealed = dir.path().join("sealed.pdf");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&personal).arg("-o").arg(&sealed).args(["--role", "organization", "--lang", "en"]).arg("--profile").arg(&profile);
    assert_ok(&run(&mut cmd));
    let red = render(&sealed, 2, 300).extent(is_red).expect("no seal");
    assert!((red.w() * MM_PER_PT - 30.0).abs() <= 0.5, "{red:?}");
    // A flag overrides the profile: another organization name.
    let out2 = dir.path().join("copy2.pdf");
    let mut cmd = vbdt(["copy"]);
    cmd.arg(fixture_document("phu-luc.pdf"))
        .arg("-o")
        .arg(&out2)
        .args(["--kind", "sao-y", "--org", "Sở Tư pháp tỉnh Điện Biên", "--lang", "en"])
        .arg("--profile")
        .arg(&profile);
    assert_ok(&run(&mut cmd));
    assert_stamp(&out2, &["Sao y", "Sở Tư pháp tỉnh Điện Biên"]);
    assert_valid(&sealed, pki, 2);
    // A profile with a misspelt section is refused, not ignored.
    std::fs::write(&profile, "[organisation]\nname = \"x\"\n").unwrap();
    let mut cmd = vbdt(["copy"]);
    cmd.arg(fixture_document("phu-luc.pdf"))
        .arg("-o")
        .arg(dir.path().join("x.pdf"))
        .args(["--kind", "sao-y"])
        .arg("--profile")
        .arg(&profile);
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
}

#[test]
fn placement_flags_without_an_image_are_a_usage_error() {
    let pki = TestPki::shared();
    let dir = tmp();
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf")).arg("-o").arg(dir.path().join("x.pdf")).args(["--place", "1,10,10,50,20"]);
    key_args(&mut cmd, pki, "personal");
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
    assert!(output_text(&o).contains("--image"), "{}", output_text(&o));
}
