//! Issue 15: the clerk's issuing step (rules.md S11, S12). The official signs the document
//! with its number and date blank; the clerk's `sign --role organization --number N` fills
//! them and adds the organization signature. Checked the way a reader and other
//! validators see it: pdftotext (text and word boxes), pdftoppm (pixels), pyHanko (form
//! filling at most), pdfsig, qpdf, and vbdt verify's JSON report.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use serde_json::Value;

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-issue-").tempdir().unwrap()
}

fn blank_fixture(shared: &Path, name: &str) -> PathBuf {
    shared.join("fixtures/documents").join(name)
}

fn image(shared: &Path, name: &str) -> PathBuf {
    shared.join("fixtures/images").join(name)
}

/// `vbdt sign` with the test PKI's key `key`, its root as trust anchor (for the Điều 29
/// pre-check and the clerk's S12 check), English messages unless `extra` says otherwise.
fn sign(pki: &TestPki, key: &str, role: &str, inputs: &[&Path], extra: &[&str]) -> Output {
    let mut cmd = vbdt(["sign"]);
    let lang = if extra.contains(&"--lang") { &[][..] } else { &["--lang", "en"][..] };
    cmd.args(inputs)
        .args(["--role", role])
        .args(lang)
        .arg("--p12")
        .arg(pki.p12(key))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg("--trust")
        .arg(pki.root())
        .args(extra);
    run(&mut cmd)
}

fn assert_ok(out: &Output) {
    assert!(out.status.success(), "vbdt failed ({}):\n{}", out.status, output_text(out));
}

fn personal(pki: &TestPki, shared: &Path, input: &Path, output: &Path, signer: &str) {
    let img = image(shared, "chu-ky-ca-nhan.png");
    assert_ok(&sign(
        pki,
        "personal",
        "personal",
        &[input],
        &["-o", output.to_str().unwrap(), "--image", img.to_str().unwrap(), "--signer-name", signer],
    ));
}

fn organization(pki: &TestPki, shared: &Path, input: &Path, output: &Path, extra: &[&str]) -> Output {
    let seal = image(shared, "dau-co-quan.png");
    let mut args = vec!["-o", output.to_str().unwrap(), "--image", seal.to_str().unwrap()];
    args.extend_from_slice(extra);
    sign(pki, "organization", "organization", &[input], &args)
}

/// Today in Vietnam, as S11 writes it: leading 0 for days below 10 and months 1 and 2.
fn vietnam_date_words() -> (String, String, String) {
    let d = time::OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap()).date();
    let m = u8::from(d.month());
    (format!("{:02}", d.day()), if m <= 2 { format!("{m:02}") } else { m.to_string() }, d.year().to_string())
}

fn pdftotext_layout(pdf: &Path) -> String {
    let out = run(std::process::Command::new(require_tool("pdftotext")).args(["-layout", "-f", "1", "-l", "1"]).arg(pdf).arg("-"));
    assert!(out.status.success(), "{}", output_text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A word of `pdftotext -bbox`: text and box in points from the top-left corner.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn words(pdf: &Path) -> Vec<Word> {
    let out = run(std::process::Command::new(require_tool("pdftotext")).args(["-bbox", "-f", "1", "-l", "1"]).arg(pdf).arg("-"));
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |line: &str, name: &str| -> f64 {
        let start = line.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        line[start..].split('"').next().unwrap().parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let text = l.split('>').nth(1).unwrap().split('<').next().unwrap().to_string();
            Word { text, x0: attr(l, "xMin"), y0: attr(l, "yMin"), x1: attr(l, "xMax"), y1: attr(l, "yMax") }
        })
        .collect()
}

/// Page 1 rendered by pdftoppm at `dpi`, as RGB.
struct Pixels {
    w: usize,
    h: usize,
    rgb: Vec<u8>,
}

fn render(pdf: &Path, dpi: u32, dir: &Path, name: &str) -> Pixels {
    let base = dir.join(name);
    let out = run(std::process::Command::new(require_tool("pdftoppm"))
        .args(["-r", &dpi.to_string(), "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&base));
    assert!(out.status.success(), "{}", output_text(&out));
    let data = std::fs::read(format!("{}.ppm", base.display())).unwrap();
    // P6\nW H\n255\n then RGB.
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
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    Pixels { w, h, rgb: data[i + 1..].to_vec() }
}

fn verify_json(pki: &TestPki, pdf: &Path) -> Value {
    let mut cmd = vbdt(["verify", "--format", "json", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(pdf);
    let out = run(&mut cmd);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", output_text(&out)))
}

/// The blank fixtures: file, signer, the printed symbol, the place name of the date line.
const BLANK_FIXTURES: [(&str, &str, &str, &str); 2] = [
    ("quyet-dinh-chua-cap-so.pdf", "Nguyễn Văn An", "/QĐ-UBND", "Điện Biên"),
    ("cong-van-chua-cap-so.pdf", "Trần Thị Bình", "/SKHCN-VP", "Lai Châu"),
];

/// What it must show, 1 and 2: for both blank fixtures, the number and today's date sit in
/// the blanks (text, word boxes on the line's baseline, pixels only where the page was
/// white inside the gaps), and every validator agrees.
#[test]
fn the_clerk_fills_number_and_date_between_the_two_signatures() {
    let Some(shared) = shared_or_skip("the_clerk_fills_number_and_date_between_the_two_signatures") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let (day, month, year) = vietnam_date_words();
    for (file, signer, symbol, place) in BLANK_FIXTURES {
        let p = dir.path().join(format!("{file}.p.pdf"));
        let po = dir.path().join(format!("{file}.po.pdf"));
        personal(pki, &shared, &blank_fixture(&shared, file), &p, signer);
        let out = organization(pki, &shared, &p, &po, &["--number", "62"]);
        assert_ok(&out);

        // Text: on the lines where the blanks were.
        let before = pdftotext_layout(&p);
        let after = pdftotext_layout(&po);
        let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle));
        let number_line = line_of(&before, "Số:").unwrap_or_else(|| panic!("{file}: no Số: line in\n{before}"));
        let date_line = line_of(&before, &format!("{place}, ngày")).unwrap();
        let after_lines: Vec<&str> = after.lines().collect();
        assert!(squeeze(after_lines[number_line]).contains(&format!("Số: 62{symbol}")), "{file}: {:?}\n{after}", after_lines[number_line]);
        let date = format!("{place}, ngày {day} tháng {month} năm {year}");
        assert!(squeeze(after_lines[date_line]).contains(&date), "{file}: want {date:?} in {:?}\n{after}", after_lines[date_line]);

        // Word boxes: the filled words are read on the lines of the blanks.
        let ws = words(&po);
        let find = |t: &str| ws.iter().find(|w| w.text == t).unwrap_or_else(|| panic!("{file}: no word {t:?} in {ws:?}")).clone();
        let so = find("Số:");
        let number = ws.iter().find(|w| w.text.starts_with("62")).unwrap_or_else(|| panic!("{file}: no 62 in {ws:?}"));
        let ngay = find("ngày");
        for (w, reference) in [(number, &so), (&find(&day), &ngay), (&find(&month), &ngay), (&find(&year), &ngay)] {
            let mid = (w.y0 + w.y1) / 2.0;
            assert!(mid > reference.y0 && mid < reference.y1, "{file}: {w:?} is off the line of {reference:?}");
        }

        // Pixels: everything that changed in the header lies inside the gaps between the
        // blank's printed words, where the page was white; each gap received ink.
        let bw = words(&p);
        let bfind = |t: &str| bw.iter().find(|w| w.text == t).unwrap().clone();
        let (so, slash) = (bfind("Số:"), bw.iter().find(|w| w.text.starts_with('/')).unwrap().clone());
        let (ngay, thang, nam) = (bfind("ngày"), bfind("tháng"), bfind("năm"));
        let gaps = [
            (so.x1, slash.x0, so.y0, so.y1),
            (ngay.x1, thang.x0, ngay.y0, ngay.y1),
            (thang.x1, nam.x0, ngay.y0, ngay.y1),
            (nam.x1, 560.0, ngay.y0, ngay.y1),
        ];
        let dpi = 100.0;
        let a = render(&p, 100, dir.path(), &format!("{file}-before"));
        let b = render(&po, 100, dir.path(), &format!("{file}-after"));
        assert_eq!((a.w, a.h), (b.w, b.h));
        let band = (so.y0.min(ngay.y0) - 30.0, so.y1.max(ngay.y1) + 30.0);
        let mut inked = [0usize; 4];
        // Lowest and highest changed row per gap (digits sit on the baseline).
        let mut rows = [(usize::MAX, 0usize); 4];
        for y in 0..a.h {
            let pt_y = y as f64 * 72.0 / dpi;
            if pt_y < band.0 || pt_y > band.1 {
                continue;
            }
            for x in 0..a.w {
                let i = (y * a.w + x) * 3;
                let diff = (0..3).map(|c| (a.rgb[i + c] as i32 - b.rgb[i + c] as i32).abs()).max().unwrap();
                if diff < 40 {
                    continue;
                }
                let pt_x = x as f64 * 72.0 / dpi;
                let tol = 72.0 / dpi;
                let gap = gaps.iter().position(|g| pt_x >= g.0 - tol && pt_x <= g.1 + tol && pt_y >= g.2 - tol && pt_y <= g.3 + tol);
                let Some(g) = gap else { panic!("{file}: a pixel changed outside the blanks at ({pt_x:.1}, {pt_y:.1}) pt") };
                assert!(a.rgb[i..i + 3].iter().all(|v| *v >= 230), "{file}: the fill drew over printed ink at ({pt_x:.1}, {pt_y:.1}) pt");
                inked[g] += 1;
                rows[g] = (rows[g].0.min(y), rows[g].1.max(y));
            }
        }
        // The printed words "Số:" and "năm" have no descenders: their lowest ink is the
        // baseline. The digits' lowest ink must be on it (one pixel of tolerance), and their
        // height that of digits at the line's 13 pt (0.66 em of Times: 12 px at 100 dpi).
        let ink_bottom = |w: &Word| -> usize {
            let (x0, x1) = ((w.x0 * dpi / 72.0) as usize, (w.x1 * dpi / 72.0) as usize);
            let (y0, y1) = ((w.y0 * dpi / 72.0) as usize, ((w.y1 * dpi / 72.0) as usize).min(a.h - 1));
            (y0..=y1).rev().find(|y| (x0..=x1).any(|x| a.rgb[(y * a.w + x) * 3] < 128)).unwrap()
        };
        let baselines = [ink_bottom(&so), ink_bottom(&nam), ink_bottom(&nam), ink_bottom(&nam)];
        for g in 0..4 {
            let (top, bottom) = rows[g];
            assert!(
                bottom.abs_diff(baselines[g]) <= 1,
                "{file}: gap {g}: the digits end on row {bottom}, the line's baseline is row {}",
                baselines[g]
            );
            let height = bottom - top + 1;
            assert!((11..=14).contains(&height), "{file}: gap {g}: digits {height} px high, want about 12 (13 pt)");
        }
        assert!(inked.iter().all(|n| *n > 10), "{file}: ink per gap (number, day, month, year): {inked:?}");

        // pyHanko: both intact and trusted; the personal signature extended by form filling
        // only, the organization signature untouched.
        let (ok, text) = pyhanko_validate(&po, &pki.root());
        assert!(ok, "{file}: pyHanko:\n{text}");
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(":INTACT:")).collect();
        assert_eq!(lines.len(), 2, "{text}");
        let personal_line = lines.iter().find(|l| l.starts_with("Sig_Personal:")).unwrap();
        assert!(
            personal_line.contains("EXTENDED_WITH_FORM_FILLING") && personal_line.contains("ACCEPTABLE_MODIFICATIONS"),
            "{personal_line}"
        );
        assert!(lines.iter().any(|l| l.starts_with("Sig_Organization:") && l.contains("UNTOUCHED")), "{text}");
        let report = pdfsig_validate(&po, &pki.root());
        assert!(report.all_ok() && report.signatures.len() == 2, "{file}: pdfsig:\n{}", report.output);
        let (ok, text) = qpdf_check(&po);
        assert!(ok, "{text}");

        // vbdt: both valid, S1 and S7 pass, the personal signature's later changes are the
        // clerk's fields (allowed) and the organization signature.
        let v = verify_json(pki, &po);
        let f = &v["files"][0];
        assert_eq!(f["verdict"], "valid", "{file}: {f:#}");
        for s in f["signatures"].as_array().unwrap() {
            assert_eq!(s["verdict"], "valid", "{file}: {s:#}");
        }
        let mods = f["signatures"][0]["modifications"].as_array().unwrap();
        assert!(mods.iter().all(|m| m["allowed"] == true), "{file}: {mods:#?}");
        let mentioned = mods.iter().map(|m| m["message"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n");
        for field in ["VBDT_So", "VBDT_Ngay", "VBDT_Thang", "VBDT_Nam"] {
            assert!(mentioned.contains(field), "{file}: {field} not listed among {mentioned}");
        }
        // Named as the clerk's step (S11), with the values written.
        assert!(
            mentioned.contains("number and issue date assigned by the clerk (S11): field \"VBDT_So\" filled in: (empty) → \"62\""),
            "{file}: {mentioned}"
        );
        assert!(mentioned.contains("assigned by the clerk (S11): field \"VBDT_Nam\""), "{file}: {mentioned}");
        // The clerk's four fills and the organization signature, nothing else.
        let rules: Vec<&str> = mods.iter().map(|m| m["rule"].as_str().unwrap_or_default()).collect();
        assert_eq!(rules.iter().filter(|r| **r == "form-filling").count(), 4, "{file}: {mods:#?}");
        assert!(rules.iter().all(|r| *r == "form-filling" || *r == "signature-field"), "{file}: {mods:#?}");
        for id in ["S1", "S7"] {
            let r = f["rules"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap();
            assert_eq!(r["status"], "pass", "{file}: {r:#}");
        }

        // --bundle reads the document's number and symbol from the filled field.
        let appendix = dir.path().join(format!("{file}.phu-luc.pdf"));
        let number = format!("62{symbol}");
        let mut cmd = vbdt(["attach", "--lang", "en", "--ref", &number, "-o"]);
        cmd.arg(&appendix).arg(shared.join("fixtures/documents/phu-luc.pdf")).arg("--p12").arg(pki.p12("organization"));
        cmd.arg("--pass-file").arg(pki.password_file());
        assert_ok(&run(&mut cmd));
        let mut cmd = vbdt(["verify", "--bundle", "--format", "json", "--lang", "en", "--trust"]);
        cmd.arg(pki.root()).arg(&po).arg(&appendix);
        let out = run(&mut cmd);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", output_text(&out)));
        assert_eq!(v["bundle"]["number"], number.as_str(), "{file}: {:#}", v["bundle"]);
    }
}

/// Appends an incremental update that replaces objects (number → body) in `pdf`.
fn append_update(pdf: &[u8], objects: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let text = String::from_utf8_lossy(&pdf[pdf.len() - 64..]).into_owned();
    let prev: usize = text.rsplit("startxref").next().unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let size = objects.iter().map(|(n, _)| *n).chain([doc.max_id]).max().unwrap() + 1;
    let mut out = pdf.to_vec();
    out.push(b'\n');
    let mut offsets = Vec::new();
    for (n, body) in objects {
        offsets.push((*n, out.len()));
        out.extend_from_slice(format!("{n} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n");
    for (n, off) in &offsets {
        out.extend_from_slice(format!("{n} 1\n{off:010} 00000 n\r\n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<</Size {size} /Root {} 0 R /Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n", root.0).as_bytes());
    out
}

/// What it must show, 3: the filled number changed after the organization signature is
/// disallowed, naming the field; an input whose personal signature is broken is refused.
#[test]
fn a_changed_number_is_invalid_and_a_broken_input_is_refused() {
    let Some(shared) = shared_or_skip("a_changed_number_is_invalid_and_a_broken_input_is_refused") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    let po = dir.path().join("po.pdf");
    personal(pki, &shared, &blank_fixture(&shared, "quyet-dinh-chua-cap-so.pdf"), &p, "Nguyễn Văn An");
    assert_ok(&organization(pki, &shared, &p, &po, &["--number", "62"]));

    // Later: the number field says 63, with a new appearance showing it.
    let bytes = std::fs::read(&po).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let (id, field) = doc
        .objects
        .iter()
        .find_map(|(id, o)| {
            let d = o.as_dict().ok()?;
            (d.get(b"T").ok()?.as_str().ok()? == b"VBDT_So").then(|| (*id, d.clone()))
        })
        .expect("the number field");
    let ap = doc.max_id + 1;
    let mut changed = field.clone();
    changed.set("V", lopdf::Object::string_literal("63"));
    let mut apd = lopdf::Dictionary::new();
    apd.set("N", lopdf::Object::Reference((ap, 0)));
    changed.set("AP", lopdf::Object::Dictionary(apd));
    let mut body = Vec::new();
    lopdf::Writer::write_object(&mut body, &lopdf::Object::Dictionary(changed)).unwrap();
    let content = "BT /F1 13 Tf 18 3 Td (63) Tj ET";
    let stream = format!(
        "<</Type /XObject /Subtype /Form /BBox [0 0 32 15] /Resources <</Font <</F1 <</Type /Font /Subtype /Type1 /BaseFont /Times-Roman>>>>>> /Length {}>>\nstream\n{content}\nendstream",
        content.len()
    )
    .into_bytes();
    let forged = std::env::var_os("VBDT_KEEP_FORGED").map(PathBuf::from).unwrap_or_else(|| dir.path().join("forged.pdf"));
    std::fs::write(&forged, append_update(&bytes, &[(id.0, body), (ap, stream)])).unwrap();
    assert!(pdftotext_layout(&forged).contains("63"), "the forged file must show the new number");
    let v = verify_json(pki, &forged);
    let f = &v["files"][0];
    assert_eq!(f["verdict"], "invalid", "{f:#}");
    let org = &f["signatures"][1];
    assert_eq!(org["verdict"], "invalid", "{org:#}");
    let disallowed: Vec<String> = org["modifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["allowed"] == false)
        .map(|m| m["message"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(disallowed.iter().any(|m| m.contains("VBDT_So")), "{disallowed:?}");
    // pyHanko too: the organization signature locks the fields it filled (FieldMDP).
    let (ok, text) = pyhanko_validate(&forged, &pki.root());
    let org_line = text.lines().find(|l| l.starts_with("Sig_Organization:")).unwrap_or_default();
    assert!(
        !ok && org_line.contains(":INTACT:") && !org_line.contains("ACCEPTABLE_MODIFICATIONS"),
        "pyHanko on the changed number:\n{text}"
    );
    assert!(qpdf_check(&forged).0, "the forged file must be well formed");

    // A broken personal signature: one byte of the signed page content changed.
    let mut broken = std::fs::read(&p).unwrap();
    let at = broken.windows(7).position(|w| w == b"stream\n").unwrap() + 40;
    broken[at] ^= 0x01;
    let broken_path = dir.path().join("broken.pdf");
    std::fs::write(&broken_path, &broken).unwrap();
    let refused = dir.path().join("refused.pdf");
    let out = organization(pki, &shared, &broken_path, &refused, &["--number", "62"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("S12") && text.contains("Sig_Personal"), "{text}");
    assert!(!refused.exists());
    // An unsigned document: refused too.
    let out = organization(pki, &shared, &blank_fixture(&shared, "quyet-dinh-chua-cap-so.pdf"), &refused, &["--number", "62"]);
    assert_eq!(out.status.code(), Some(4), "{}", output_text(&out));
    assert!(output_text(&out).contains("no signature"), "{}", output_text(&out));
}

/// What it must show, 4, and the refusals: pre-filled documents work as before (nothing
/// reserved, nothing filled) and refuse `--number`, saying what was looked for; blanks
/// reserved need a number.
#[test]
fn printed_numbers_keep_working_and_refuse_a_number() {
    let Some(shared) = shared_or_skip("printed_numbers_keep_working_and_refuse_a_number") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    for (file, signer) in [("quyet-dinh.pdf", "Nguyễn Văn An"), ("cong-van.pdf", "Trần Thị Bình")] {
        let p = dir.path().join(format!("{file}.p.pdf"));
        let po = dir.path().join(format!("{file}.po.pdf"));
        personal(pki, &shared, &blank_fixture(&shared, file), &p, signer);
        let bytes = std::fs::read(&p).unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"VBDT_So"), "{file}: nothing to reserve");
        let out = organization(pki, &shared, &p, &po, &["--number", "62"]);
        let text = output_text(&out);
        assert_eq!(out.status.code(), Some(4), "{text}");
        assert!(text.contains("looked for") && text.contains("Số:") && text.contains("ngày"), "{text}");
        assert!(!po.exists());
        assert_ok(&organization(pki, &shared, &p, &po, &[]));
        let (ok, text) = pyhanko_validate(&po, &pki.root());
        assert!(ok, "{text}");
        // Signed today, printed 30 September 2025: S7 is given the issue date, as before.
        let (d, m, y) = vietnam_date_words();
        let mut cmd = vbdt(["verify", "--format", "json", "--lang", "en", "--issued-on", &format!("{y}-{m:0>2}-{d}"), "--trust"]);
        cmd.arg(pki.root()).arg(&po);
        let v: Value = serde_json::from_slice(&run(&mut cmd).stdout).unwrap();
        assert_eq!(v["files"][0]["verdict"], "valid", "{v:#}");
    }
    // Reserved blanks without a number.
    let p = dir.path().join("blank.p.pdf");
    personal(pki, &shared, &blank_fixture(&shared, "cong-van-chua-cap-so.pdf"), &p, "Trần Thị Bình");
    let out = organization(pki, &shared, &p, &dir.path().join("x.pdf"), &[]);
    assert_eq!(out.status.code(), Some(4), "{}", output_text(&out));
    assert!(output_text(&out).contains("--number"), "{}", output_text(&out));
}

/// Batches: one number per file, counting up or from a list.
#[test]
fn batches_number_each_file() {
    let Some(shared) = shared_or_skip("batches_number_each_file") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    personal(pki, &shared, &blank_fixture(&shared, "cong-van-chua-cap-so.pdf"), &p, "Trần Thị Bình");
    let inputs: Vec<PathBuf> = (1..=3).map(|i| dir.path().join(format!("cv{i}.pdf"))).collect();
    for i in &inputs {
        std::fs::copy(&p, i).unwrap();
    }
    let seal = image(&shared, "dau-co-quan.png");
    let out_dir = dir.path().join("counted");
    let refs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    assert_ok(&sign(
        pki,
        "organization",
        "organization",
        &refs,
        &["--out-dir", out_dir.to_str().unwrap(), "--image", seal.to_str().unwrap(), "--number-from", "098"],
    ));
    for (i, n) in ["098", "099", "100"].iter().enumerate() {
        let text = squeeze(&pdftotext_layout(&out_dir.join(format!("cv{}.pdf", i + 1))));
        assert!(text.contains(&format!("Số: {n}/SKHCN-VP")), "{n}: {text}");
    }
    let list = dir.path().join("so.txt");
    std::fs::write(&list, "# sổ đăng ký văn bản đi\ncv1.pdf 7\ncv3.pdf 9\n").unwrap();
    let listed = dir.path().join("listed");
    let mut cmd = vbdt(["sign", "--role", "organization", "--lang", "en", "--p12"]);
    cmd.arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg("--trust")
        .arg(pki.root())
        .arg("--image")
        .arg(&seal)
        .arg("--numbers")
        .arg(&list)
        .arg("--out-dir")
        .arg(&listed);
    assert_ok(&run(&mut cmd));
    assert!(squeeze(&pdftotext_layout(&listed.join("cv1.pdf"))).contains("Số: 7/SKHCN-VP"));
    assert!(squeeze(&pdftotext_layout(&listed.join("cv3.pdf"))).contains("Số: 9/SKHCN-VP"));
    assert!(!listed.join("cv2.pdf").exists());
    // The same number twice is refused before anything is signed.
    std::fs::write(&list, "cv1.pdf 7\ncv2.pdf 7\n").unwrap();
    let mut cmd = vbdt(["sign", "--role", "organization", "--lang", "en", "--p12"]);
    cmd.arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg("--numbers")
        .arg(&list)
        .arg("--out-dir")
        .arg(dir.path().join("dup"));
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    assert!(output_text(&out).contains("two files"));
}

/// Blanks the personal signature did not reserve (another program's signature, here the
/// library without reservation) cannot be filled without breaking it: refused, saying so.
/// A number wider than its blank is refused, in either language.
#[test]
fn unreserved_blanks_and_numbers_too_wide_are_refused() {
    let Some(shared) = shared_or_skip("unreserved_blanks_and_numbers_too_wide_are_refused") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    let key = pdf_sign::P12Key::open(&pki.p12("personal"), pki.password()).unwrap();
    let blank = blank_fixture(&shared, "quyet-dinh-chua-cap-so.pdf");
    pdf_sign::sign_file(&blank, &p, false, &key, &pdf_sign::SignOptions::new(pdf_sign::Role::Personal)).unwrap();
    let out_path = dir.path().join("po.pdf");
    let out = sign(pki, "organization", "organization", &[&p], &["-o", out_path.to_str().unwrap(), "--number", "62"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("did not reserve") && text.contains("change what the official signed"), "{text}");
    assert!(!out_path.exists());

    let p = dir.path().join("reserved.pdf");
    personal(pki, &shared, &blank, &p, "Nguyễn Văn An");
    for (lang, want) in [("en", "the blank for the number is"), ("vi", "chỗ trống cho số chỉ rộng")] {
        let out =
            sign(pki, "organization", "organization", &[&p], &["-o", out_path.to_str().unwrap(), "--number", "123456789", "--lang", lang]);
        let text = output_text(&out);
        assert_eq!(out.status.code(), Some(4), "{text}");
        assert!(text.contains(want), "{lang}: {text}");
        assert!(!out_path.exists());
    }
}

/// A reserved field moved after the personal signature (over the body text) is not filled:
/// the clerk's step refuses, naming the field.
#[test]
fn a_field_moved_after_the_personal_signature_is_refused() {
    let Some(shared) = shared_or_skip("a_field_moved_after_the_personal_signature_is_refused") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    personal(pki, &shared, &blank_fixture(&shared, "quyet-dinh-chua-cap-so.pdf"), &p, "Nguyễn Văn An");
    let bytes = std::fs::read(&p).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let (id, mut field) = doc
        .objects
        .iter()
        .find_map(|(id, o)| {
            let d = o.as_dict().ok()?;
            (d.get(b"T").ok()?.as_str().ok()? == b"VBDT_So").then(|| (*id, d.clone()))
        })
        .expect("the number field");
    field.set("Rect", lopdf::Object::Array(vec![100.into(), 600.into(), 300.into(), 620.into()]));
    let mut body = Vec::new();
    lopdf::Writer::write_object(&mut body, &lopdf::Object::Dictionary(field)).unwrap();
    let moved = dir.path().join("moved.pdf");
    std::fs::write(&moved, append_update(&bytes, &[(id.0, body)])).unwrap();
    let out_path = dir.path().join("po.pdf");
    let out = organization(pki, &shared, &moved, &out_path, &["--number", "62"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(4), "{text}");
    assert!(text.contains("VBDT_So"), "{text}");
    assert!(!out_path.exists());
}

/// Issue 15, item 5: the clerk's check can be overridden explicitly, for exceptional
/// cases; the reason is recorded inside the organization signature and shown by verify.
#[test]
fn the_clerks_check_can_be_overridden_and_the_reason_is_kept() {
    let pki = TestPki::shared();
    let dir = tmp();
    // An unsigned document: the check refuses it (no personal signature)...
    let input = fixture_document("quyet-dinh.pdf");
    let out_path = dir.path().join("overridden.pdf");
    let o = out_path.to_str().unwrap();
    let refused = sign(pki, "organization", "organization", &[&input], &["-o", o, "--invisible"]);
    assert_eq!(refused.status.code(), Some(4), "{}", output_text(&refused));
    assert!(!out_path.exists());
    // ...unless the clerk overrides it, with a reason.
    let reason = "chữ ký cá nhân trên bản giấy, đã đối chiếu";
    let out = sign(pki, "organization", "organization", &[&input], &["-o", o, "--invisible", "--override-check", reason]);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("--override-check") && text.contains(reason), "{text}");
    let signed = std::fs::read(&out_path).unwrap();
    assert!(signed.windows(14).any(|w| w == b"/VBDT_Override"), "the reason is recorded in the signature dictionary");
    let report = verify_json(pki, &out_path);
    let warnings = report["files"][0]["signatures"][0]["warnings"].to_string();
    assert!(warnings.contains("S12") && warnings.contains(reason), "{report:#}");
}
