//! Issue 18: every message in the chosen language and every time in +07:00.
//!
//! Runs the real binary through the error and warning paths of every subcommand, once
//! with `--lang vi` and once with `--lang en`, and checks what it prints:
//! - Vietnamese output holds no English sentence (a tripwire list of common English
//!   words; identifiers such as OCSP, CRL, PDF, PKCS#12, flag names pass);
//! - English output holds no Vietnamese (letters with Vietnamese diacritics), except the
//!   names the test PKI's certificates carry and the decree's article names ("Điều");
//! - every date-and-time shown ends in `+07:00`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// English words that do not occur in Vietnamese text (matched in lower case, on the
/// text with paths, flags and certificate names removed).
const ENGLISH: &[&str] = &[
    " the ",
    " not ",
    " could ",
    " cannot ",
    "failed",
    "expired",
    " was ",
    " is ",
    " are ",
    " has ",
    " no ",
    " of ",
    " with ",
    " and ",
    " found",
    "token",
    "password",
    "wrong",
    "missing",
    "unreadable",
    "invalid",
    "certificate",
    "signature",
    "revoked",
    "error",
    "warning",
    "such file",
    "directory",
    "header",
    "readable",
    "rejected",
    "checked",
    " takes ",
    " use ",
    " give ",
    " go ",
    " needs ",
    " for ",
    "unexpected",
    "provided",
    "usage:",
];

/// Letters only Vietnamese uses here (with its diacritics), lower case.
const VIETNAMESE_LETTERS: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    Vi,
    En,
}

impl Lang {
    fn flag(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// The text with what may legitimately be in either language removed: file paths (the
/// test's own directory), `--flags`, certificate distinguished names (`CN=…`), quoted
/// names, and the decree's article names.
fn neutral(text: &str, dir: &Path, pki: &Path) -> String {
    let mut t = text.replace(&*dir.to_string_lossy(), " ").replace(&*pki.to_string_lossy(), " ");
    for name in pki_names(pki) {
        t = t.replace(&name, " ");
    }
    // Distinguished names: from "CN=" (or another RDN) to the next quote, comma-less end.
    while let Some(start) = t.find("CN=") {
        let end = t[start..].find(['"', '\n', ')', ']']).map_or(t.len(), |e| start + e);
        t.replace_range(start..end, " ");
    }
    // Quoted values (names, labels).
    let mut out = String::new();
    let mut quoted = false;
    for c in t.chars() {
        if c == '"' {
            quoted = !quoted;
            out.push(' ');
        } else if !quoted {
            out.push(c);
        }
    }
    out.lines()
        .map(|line| {
            let mut words: Vec<&str> = line.split_whitespace().collect();
            // A report's check line: "✓ Điều 31.1.a  validity  …": the check's id is an identifier.
            if words.len() > 2 && ["✓", "✗", "?", "-"].contains(&words[0]) && words[1] == "Điều" {
                if let Some(i) = words.iter().skip(2).position(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '_')) {
                    words.remove(i + 2);
                }
            }
            words.retain(|w| !w.starts_with("--") && !w.contains('/') && !w.starts_with("Điều") && !identifier(w));
            words.join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// An identifier rather than a word: `signing-certificate`, `digitalSignature`, `byte_range`.
fn identifier(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    let inner = |c: char| w.trim_start_matches(c).trim_end_matches(c).contains(c);
    let camel = w.chars().zip(w.chars().skip(1)).any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    inner('-') || inner('_') || camel
}

/// The attribute values (names, titles, places) in the subjects of the PKI's
/// certificates, longest first: proper nouns that may appear in either language.
fn pki_names(pki: &Path) -> Vec<String> {
    use x509_cert::der::DecodePem;
    let mut names = Vec::new();
    for entry in std::fs::read_dir(pki).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "pem") && !path.to_string_lossy().ends_with(".key.pem") {
            let Ok(pem) = std::fs::read(&path) else { continue };
            let Ok(cert) = x509_cert::Certificate::from_pem(&pem) else { continue };
            for name in [&cert.tbs_certificate.subject, &cert.tbs_certificate.issuer] {
                for part in name.to_string().split(',') {
                    if let Some((_, v)) = part.split_once('=') {
                        names.push(v.to_string());
                    }
                }
            }
        }
    }
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    names
}

/// `YYYY-MM-DD` followed by a time (`T` or space, then `HH:MM`): each must end in `+07:00`.
fn times_not_in_vn(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut bad = Vec::new();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    let mut i = 0;
    while i + 16 <= b.len() {
        let date = &b[i..i + 10];
        if digits(&date[0..4]) && date[4] == b'-' && digits(&date[5..7]) && date[7] == b'-' && digits(&date[8..10]) {
            let sep = b[i + 10];
            if sep == b'T' || sep == b' ' {
                // The time: H:MM or HH:MM, optional :SS and fraction.
                let mut j = i + 11;
                let start = j;
                while j < b.len() && (b[j].is_ascii_digit() || b[j] == b':' || b[j] == b'.') {
                    j += 1;
                }
                let time = &text[start..j];
                if time.contains(':') {
                    let tail = &text[j..];
                    if !tail.starts_with("+07:00") {
                        let mut end = (j + 12).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        bad.push(text[i..end].to_string());
                    }
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    bad
}

/// What one run printed, checked for the language and the time zone.
struct Checker {
    dir: PathBuf,
    pki: PathBuf,
    problems: Vec<String>,
    runs: usize,
}

impl Checker {
    fn check(&mut self, what: &str, lang: Lang, out: &std::process::Output) {
        self.runs += 1;
        let text = output_text(out);
        assert!(!text.trim().is_empty(), "{what} ({lang:?}) printed nothing");
        assert!(!text.contains("panicked"), "{what} ({lang:?}) panicked:\n{text}");
        let n = neutral(&text, &self.dir, &self.pki);
        let lower = format!(" {} ", n.to_lowercase());
        match lang {
            Lang::Vi => {
                for w in ENGLISH {
                    if lower.contains(w) {
                        self.problems.push(format!("{what} (vi): English word {w:?} in:\n{text}"));
                        break;
                    }
                }
            }
            Lang::En => {
                if let Some(c) = lower.chars().find(|c| VIETNAMESE_LETTERS.contains(*c)) {
                    self.problems.push(format!("{what} (en): Vietnamese letter {c:?} in:\n{text}"));
                }
            }
        }
        for t in times_not_in_vn(&text) {
            self.problems.push(format!("{what} ({lang:?}): time not in +07:00: {t:?} in:\n{text}"));
        }
    }

    /// The exit code must be `code`.
    fn code(&mut self, out: &std::process::Output, code: i32) {
        // (the output names the run: the command's own message)
        if out.status.code() != Some(code) {
            self.problems.push(format!("exit code {:?}, expected {code}:\n{}", out.status.code(), output_text(out)));
        }
    }

    /// Runs `cmd` (with `--lang` added) and checks it; returns its output.
    fn run(&mut self, what: &str, lang: Lang, mut cmd: Command) -> std::process::Output {
        cmd.args(["--lang", lang.flag()]);
        let out = run(&mut cmd);
        self.check(what, lang, &out);
        out
    }
}

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-lang-").tempdir().unwrap()
}

/// `vbdt SUB IN -o OUT --p12 NAME.p12 --pass-file …` (no language yet).
fn with_key(sub: &str, pki: &TestPki, key: &str, input: &Path, output: &Path) -> Command {
    let mut cmd = vbdt([sub]);
    cmd.arg(input).arg("-o").arg(output).arg("--p12").arg(pki.p12(key)).arg("--pass-file").arg(pki.password_file());
    cmd
}

/// The files the runs use: a document, a missing file, a non-PDF, a non-image, a wrong
/// password, an output, and a file signed for verify, chain and ltv.
struct Files {
    doc: PathBuf,
    khong_co: PathBuf,
    hong: PathBuf,
    /// PDFs whose cross-reference section cannot be read: an xref stream without /W, and
    /// a startxref that points at neither a table nor an object.
    xref_hong: PathBuf,
    xref_lac: PathBuf,
    anh_hong: PathBuf,
    png_cut: PathBuf,
    jpeg_cut: PathBuf,
    font_hong: PathBuf,
    anh: PathBuf,
    sai: PathBuf,
    ra: PathBuf,
    signed: PathBuf,
}

impl Files {
    fn new(d: &Path, pki: &TestPki) -> Files {
        let f = Files {
            doc: fixture_document("quyet-dinh.pdf"),
            khong_co: d.join("khong-co.pdf"),
            hong: d.join("hong.pdf"),
            xref_hong: d.join("xref-hong.pdf"),
            xref_lac: d.join("xref-lac.pdf"),
            anh_hong: d.join("anh-hong.png"),
            png_cut: d.join("anh-cut.png"),
            jpeg_cut: d.join("anh-cut.jpg"),
            font_hong: d.join("font-hong.ttf"),
            anh: repo_root().join("fixtures/images/chu-ky-ca-nhan.png"),
            sai: d.join("sai.txt"),
            ra: d.join("ra.pdf"),
            signed: d.join("da-ky.pdf"),
        };
        std::fs::write(&f.hong, b"hello, this is not a PDF\n").unwrap();
        let no_w = b"%PDF-1.7\n1 0 obj\n<< /Type /XRef /Size 2 /Length 0 >>\nstream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
        std::fs::write(&f.xref_hong, no_w).unwrap();
        let astray = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstartxref\n40\n%%EOF\n";
        std::fs::write(&f.xref_lac, astray).unwrap();
        std::fs::write(&f.anh_hong, b"hello, this is not an image\n").unwrap();
        // A real PNG cut short, a JPEG whose first segment runs past the end, a font
        // file that is text: each a typed image or font problem, said in Vietnamese.
        let png = std::fs::read(&f.anh).unwrap();
        std::fs::write(&f.png_cut, &png[..png.len().min(120)]).unwrap();
        std::fs::write(&f.jpeg_cut, [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x40, b'J', b'F']).unwrap();
        std::fs::write(&f.font_hong, b"this is not a font\n").unwrap();
        std::fs::write(&f.sai, "0000-sai\n").unwrap();
        // The PKI's CRLs are dated the allowed clock skew before it was made: a signature
        // whole seconds later comes after them (see certs.rs), for the "CRL before the
        // claimed signing time" case.
        std::thread::sleep(std::time::Duration::from_secs(2));
        let mut cmd = with_key("sign", pki, "personal", &f.doc, &f.signed);
        cmd.args(["--role", "personal", "--lang", "en", "--offline"]);
        let out = run(&mut cmd);
        assert!(out.status.success(), "{}", output_text(&out));
        f
    }
}

/// `sign`: bad inputs, wrong secrets, refused certificates, bad images.
fn sign_cases(c: &mut Checker, pki: &TestPki, hsm: &SoftHsm, f: &Files, lang: Lang) {
    let _ = std::fs::remove_file(&f.ra);
    for (what, input) in [("sign missing file", &f.khong_co), ("sign non-PDF", &f.hong)] {
        let mut cmd = with_key("sign", pki, "personal", input, &f.ra);
        cmd.arg("--offline");
        let out = c.run(what, lang, cmd);
        c.code(&out, 4);
    }
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra).arg("--p12").arg(pki.p12("personal")).arg("--pass-file").arg(&f.sai).arg("--offline");
    let out = c.run("sign wrong password", lang, cmd);
    c.code(&out, 5);
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra).arg("--pkcs11").arg(hsm.module_path()).args(["--key", "personal", "--pin-env", "TOKEN_PIN"]);
    cmd.arg("--certs").arg(pki.root()).arg("--offline").env("TOKEN_PIN", "0000-sai");
    hsm.apply(&mut cmd);
    let out = c.run("sign wrong PIN", lang, cmd);
    c.code(&out, 5);
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra).arg("--pkcs11").arg(hsm.module_path()).args([
        "--token",
        "khong-co-nhan",
        "--pin-env",
        "TOKEN_PIN",
    ]);
    cmd.arg("--offline").env("TOKEN_PIN", SoftHsm::PIN);
    hsm.apply(&mut cmd);
    let out = c.run("sign unknown token", lang, cmd);
    c.code(&out, 5);
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra).arg("--p12").arg(&f.khong_co).arg("--pass-file").arg(pki.password_file()).arg("--offline");
    let out = c.run("sign missing key file", lang, cmd);
    c.code(&out, 5);
    for (what, key, extra) in [
        ("sign expired certificate", "expired", vec!["--offline".to_string()]),
        ("sign not yet valid certificate", "notyet", vec!["--offline".to_string()]),
        ("sign wrong key usage", "wrongku", vec!["--offline".to_string()]),
        ("sign revoked certificate (CRL)", "revoked", vec!["--offline".into(), "--crl".into(), pki.crl("ca").display().to_string()]),
        ("sign revoked certificate (OCSP)", "revoked", vec![]),
    ] {
        let mut cmd = with_key("sign", pki, key, &f.doc, &f.ra);
        cmd.args(&extra);
        let out = c.run(what, lang, cmd);
        c.code(&out, 5);
    }
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra).arg("--p12").arg(pki.p12("personal")).args(["--pass-env", "VBDT_LANG_TEST_NEVER_SET"]);
    let out = c.run("sign unset secret variable", lang, cmd);
    c.code(&out, 2);
    // A warning: the seal's red image as a personal signature (S2 wants blue).
    let _ = std::fs::remove_file(&f.ra);
    let mut cmd = with_key("sign", pki, "personal", &f.doc, &f.ra);
    cmd.arg("--image").arg(repo_root().join("fixtures/images/dau-co-quan.png")).args(["--role", "personal", "--offline"]);
    let out = c.run("sign --image colour warning", lang, cmd);
    c.code(&out, 0);
    let said = output_text(&out);
    assert!(said.contains("S2"), "no colour warning: {said}");
    let _ = std::fs::remove_file(&f.ra);
    // A timestamp service that does not answer; trust and CRL files that are not there.
    let nowhere = f.khong_co.display().to_string();
    for (what, extra, code) in [
        ("sign unreachable TSA", vec!["--tsa", "http://127.0.0.1:9/tsa"], 5),
        ("sign missing --trust", vec!["--trust", &nowhere], 4),
        ("sign missing --crl", vec!["--crl", &nowhere], 4),
    ] {
        let mut cmd = with_key("sign", pki, "personal", &f.doc, &f.ra);
        cmd.arg("--offline").args(&extra);
        let out = c.run(what, lang, cmd);
        c.code(&out, code);
    }
    // sign --image: a bad image, and a non-PDF or missing input with a good image.
    for (what, input, image) in [
        ("sign --image bad image", &f.doc, &f.anh_hong),
        ("sign --image PNG cut short", &f.doc, &f.png_cut),
        ("sign --image JPEG cut short", &f.doc, &f.jpeg_cut),
        ("sign --image non-PDF", &f.hong, &f.anh),
        ("sign --image missing file", &f.khong_co, &f.anh),
    ] {
        let mut cmd = with_key("sign", pki, "personal", input, &f.ra);
        cmd.arg("--image").arg(image).arg("--offline");
        let out = c.run(what, lang, cmd);
        c.code(&out, 4);
    }
}

/// `copy`, `attach`, `verify`, `chain`, `ltv`, `demo`, `testpki`.
fn other_cases(c: &mut Checker, pki: &TestPki, f: &Files, lang: Lang) {
    for (sub, extra) in
        [("copy", vec!["--kind", "sao-y", "--org", "Ủy ban nhân dân tỉnh Điện Biên"]), ("attach", vec!["--ref", "12/QĐ-UBND"])]
    {
        for (what, input) in [("missing file", &f.khong_co), ("non-PDF", &f.hong)] {
            let mut cmd = with_key(sub, pki, "organization", input, &f.ra);
            cmd.args(&extra).arg("--offline");
            let out = c.run(&format!("{sub} {what}"), lang, cmd);
            c.code(&out, 4);
        }
    }
    let mut cmd = with_key("copy", pki, "organization", &f.signed, &f.ra);
    cmd.args(["--kind", "sao-y", "--org", "Ủy ban nhân dân tỉnh Điện Biên", "--offline", "--font"]).arg(&f.font_hong);
    let out = c.run("copy --font not a font", lang, cmd);
    c.code(&out, 4);
    for sub in ["verify", "chain"] {
        for (what, input) in [("missing file", &f.khong_co), ("non-PDF", &f.hong)] {
            let mut cmd = vbdt([sub]);
            cmd.arg(input);
            let out = c.run(&format!("{sub} {what}"), lang, cmd);
            c.code(&out, 4);
        }
    }
    // The reason a cross-reference section cannot be read, in the chosen language.
    for (what, input, vi, en) in [
        ("verify xref stream without /W", &f.xref_hong, "thiếu /W", "xref stream without /W"),
        ("verify startxref astray", &f.xref_lac, "không có từ khóa xref", "no 'xref' keyword"),
    ] {
        let mut cmd = vbdt(["verify"]);
        cmd.arg(input);
        let out = c.run(what, lang, cmd);
        c.code(&out, 4);
        let want = if lang == Lang::Vi { vi } else { en };
        assert!(output_text(&out).contains(want), "{what}: no {want:?} in {}", output_text(&out));
    }
    // A signature whose /Contents is no usable CMS object: the report says why in the
    // chosen language (the checks of Điều 30 and 31, not the ASN.1 reader's English).
    let not_cms = f.ra.with_file_name("khong-phai-cms.pdf");
    let mut bytes = std::fs::read(&f.signed).unwrap();
    let at = bytes.windows(11).position(|w| w == b"/Contents <").expect("a /Contents hex string") + 11;
    bytes[at..at + 8].copy_from_slice(b"00000000");
    std::fs::write(&not_cms, &bytes).unwrap();
    let mut cmd = vbdt(["verify", "--offline", "--format", "json", "--trust"]);
    cmd.arg(pki.root()).arg(&not_cms);
    let out = c.run("verify /Contents not CMS", lang, cmd);
    c.code(&out, 1);
    let want = if lang == Lang::Vi { "đối tượng CMS SignedData sai cấu trúc" } else { "malformed CMS SignedData" };
    assert!(output_text(&out).contains(want), "no {want:?} in {}", output_text(&out));
    for sub in ["verify", "chain", "ltv"] {
        let mut cmd = vbdt([sub, "--trust"]);
        cmd.arg(&f.khong_co).arg(&f.signed);
        if sub == "ltv" {
            cmd.arg("-o").arg(&f.ra);
        }
        let out = c.run(&format!("{sub} missing --trust"), lang, cmd);
        c.code(&out, 4);
    }
    let mut cmd = vbdt(["verify", "--offline", "--trust"]);
    cmd.arg(pki.root()).arg(&f.signed);
    // (exit 1: a personal signature alone fails rule S1)
    c.run("verify revocation not checkable", lang, cmd);
    // CRLs issued before a signing time only the signer claims: evidence that proves nothing.
    let mut cmd = vbdt(["verify", "--offline", "--trust"]);
    cmd.arg(pki.root()).arg("--crl").arg(pki.crl("ca")).arg("--crl").arg(pki.crl("root")).arg(&f.signed);
    let out = c.run("verify CRL before the claimed signing time", lang, cmd);
    let said = output_text(&out);
    assert!(said.contains("31.1.c") && (said.contains("CRL #")), "no evidence reason: {said}");
    let mut cmd = vbdt(["verify", "--offline", "--at", "2099-01-01T00:00:00+07:00", "--trust"]);
    cmd.arg(pki.root()).arg(&f.signed);
    let out = c.run("verify expired", lang, cmd);
    assert_ne!(out.status.code(), Some(0), "{}", output_text(&out));
    let mut cmd = vbdt(["chain", "--offline", "--trust"]);
    cmd.arg(pki.root()).arg(&f.signed);
    c.run("chain revocation not checkable", lang, cmd);
    for (what, input) in [("ltv missing file", &f.khong_co), ("ltv non-PDF", &f.hong)] {
        let mut cmd = vbdt(["ltv"]);
        cmd.arg(input).arg("-o").arg(&f.ra);
        let out = c.run(what, lang, cmd);
        c.code(&out, 4);
    }
    // demo, testpki: a directory that cannot be made.
    let blocked = f.hong.join("ben-trong");
    for sub in ["demo", "testpki"] {
        let mut cmd = vbdt([sub, "--out"]);
        cmd.arg(&blocked);
        let out = c.run(&format!("{sub} unusable --out"), lang, cmd);
        c.code(&out, 4);
    }
    // demo without --out, where the temporary directory cannot be made.
    let mut cmd = vbdt(["demo"]);
    cmd.env("TMPDIR", &f.hong);
    let out = c.run("demo unusable TMPDIR", lang, cmd);
    c.code(&out, 4);
}

/// Usage errors: clap's own (unknown flag, bad value, missing argument) and vbdt's (where
/// the outputs go, flags that do not go together, a missing or broken profile). All exit 2.
fn usage_cases(c: &mut Checker, pki: &TestPki, f: &Files, lang: Lang) {
    let dir = f.ra.parent().unwrap();
    let profile = dir.join("hong.toml");
    std::fs::write(&profile, "lang = \"vi\"\nkhong_co = 1\n").unwrap();
    let empty = dir.join("trong");
    std::fs::create_dir_all(&empty).unwrap();
    let key = |cmd: &mut Command| {
        cmd.arg("--p12").arg(pki.p12("organization")).arg("--pass-file").arg(pki.password_file()).arg("--offline");
    };
    let mut cases: Vec<(&str, Command)> = Vec::new();
    let mut cmd = vbdt(["sign", "--khong-co"]);
    cmd.arg(&f.doc);
    cases.push(("sign unknown flag (clap)", cmd));
    let mut cmd = vbdt(["sign", "--role", "khong-co"]);
    cmd.arg(&f.doc);
    cases.push(("sign bad --role value (clap)", cmd));
    cases.push(("verify without a file (clap)", vbdt(["verify"])));
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc);
    key(&mut cmd);
    cases.push(("sign without -o, --out-dir or --suffix", cmd));
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&f.doc).arg(&f.signed).arg("-o").arg(&f.ra);
    key(&mut cmd);
    cases.push(("sign -o with two inputs", cmd));
    let mut cmd = vbdt(["sign", "--role", "personal", "--number", "12/QĐ-UBND"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra);
    key(&mut cmd);
    cases.push(("sign --number with --role personal", cmd));
    let mut cmd = vbdt(["sign", "--role", "organization", "--number", "62/QĐ"]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra);
    key(&mut cmd);
    cases.push(("sign bad --number", cmd));
    let mut cmd = vbdt(["sign", "--role", "organization", "--number-from", "muoi", "--out-dir"]);
    cmd.arg(dir.join("ra")).arg(&f.doc);
    key(&mut cmd);
    cases.push(("sign bad --number-from", cmd));
    let mut cmd = vbdt(["sign", "--role", "organization", "--numbers"]);
    cmd.arg(dir.join("khong-co.txt")).arg("--out-dir").arg(dir.join("ra")).arg(&f.doc);
    key(&mut cmd);
    cases.push(("sign missing --numbers list", cmd));
    let mut cmd = vbdt(["verify", "--shard", "5/2"]);
    cmd.arg(&f.signed);
    cases.push(("verify bad --shard (clap)", cmd));
    let mut cmd = vbdt(["attach", "--ref", " "]);
    cmd.arg(&f.doc).arg("-o").arg(&f.ra);
    key(&mut cmd);
    cases.push(("attach empty --ref", cmd));
    let mut cmd = vbdt(["sign", "--profile"]);
    cmd.arg(dir.join("khong-co.toml")).arg(&f.doc).arg("-o").arg(&f.ra);
    cases.push(("sign missing --profile", cmd));
    let mut cmd = vbdt(["sign", "--profile"]);
    cmd.arg(&profile).arg(&f.doc).arg("-o").arg(&f.ra);
    cases.push(("sign invalid --profile", cmd));
    let mut cmd = vbdt(["chain", "--extract", "1", "-o"]);
    cmd.arg(&f.ra).arg(&f.signed).arg(&f.signed);
    cases.push(("chain --extract with two files", cmd));
    let mut cmd = vbdt(["verify"]);
    cmd.arg(&empty);
    cases.push(("verify a directory without PDF", cmd));
    for (what, cmd) in cases {
        let out = c.run(what, lang, cmd);
        c.code(&out, 2);
    }
    let mut cmd = vbdt(["verify", "--require-policy", "khong-phai-oid", "--trust"]);
    cmd.arg(pki.root()).arg(&f.signed);
    let out = c.run("verify bad --require-policy", lang, cmd);
    c.code(&out, 2);
    let mut cmd = vbdt(["chain", "--extract", "1", "-o"]);
    cmd.arg(&f.hong).arg(&f.signed);
    let out = c.run("chain --extract onto an existing file", lang, cmd);
    c.code(&out, 4);
    // `vbdt` alone shows the help (in the locale's language), not an error.
    let mut cmd = vbdt::<[&str; 0], &str>([]);
    cmd.env("LC_ALL", if lang == Lang::Vi { "vi_VN.UTF-8" } else { "en_US.UTF-8" });
    let out = run(&mut cmd);
    let said = output_text(&out);
    assert!(said.contains(if lang == Lang::Vi { "Cách dùng:" } else { "Usage:" }) && said.contains("sign"), "vbdt alone:\n{said}");
    if Path::new("/dev/full").exists() {
        let mut cmd = vbdt(["man"]);
        cmd.stdout(std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
        let out = c.run("man onto a full disk", lang, cmd);
        c.code(&out, 4);
    } else {
        c.runs += 1; // (counted all the same: a system without /dev/full)
    }
    for sub in ["sign", "verify", "chain", "ltv"] {
        let mut cmd = vbdt([sub, "--files-from"]);
        cmd.arg(dir.join("khong-co.txt"));
        let out = c.run(&format!("{sub} missing --files-from list"), lang, cmd);
        c.code(&out, 4);
    }
}

#[test]
fn every_error_and_warning_is_in_the_chosen_language_and_zone() {
    let mut pki = TestPki::new();
    let hsm = SoftHsm::new(&pki, &[("personal", "personal"), ("ca", "ca")]);
    let dir = tmp();
    let mut c = Checker { dir: dir.path().to_path_buf(), pki: pki.dir().to_path_buf(), problems: Vec::new(), runs: 0 };
    let f = Files::new(dir.path(), &pki);
    for lang in [Lang::Vi, Lang::En] {
        sign_cases(&mut c, &pki, &hsm, &f, lang);
        other_cases(&mut c, &pki, &f, lang);
        usage_cases(&mut c, &pki, &f, lang);
    }
    // The revocation warning (sign) and failure (ltv) when the responder cannot be reached.
    pki.services_mut().stop();
    for lang in [Lang::Vi, Lang::En] {
        let _ = std::fs::remove_file(&f.ra);
        let mut cmd = with_key("sign", &pki, "personal", &f.doc, &f.ra);
        cmd.args(["--role", "personal"]);
        let out = c.run("sign revocation not checkable (warning)", lang, cmd);
        assert!(out.status.success(), "{}", output_text(&out));
        let _ = std::fs::remove_file(&f.ra);
        let mut cmd = vbdt(["ltv", "--trust"]);
        cmd.arg(pki.root()).arg(&f.signed).arg("-o").arg(&f.ra);
        let out = c.run("ltv revocation not checkable", lang, cmd);
        c.code(&out, 5);
    }
    assert_eq!(c.runs, 138, "every case ran, in both languages");
    assert!(c.problems.is_empty(), "{} of {} runs:\n\n{}", c.problems.len(), c.runs, c.problems.join("\n\n"));
}

/// The tripwire itself: it catches what issue 18 found, and lets real Vietnamese through.
#[test]
fn the_tripwire_catches_english_and_foreign_times() {
    let d = Path::new("/tmp/x");
    let caught = |s: &str| {
        let lower = format!(" {} ", neutral(s, d, d).to_lowercase());
        ENGLISH.iter().any(|w| lower.contains(w))
    };
    assert!(caught("vbdt sign: mã PIN hoặc mật khẩu sai, không thử lại (the token rejected the PIN (not retried: …))"));
    assert!(caught("không ký được: not a readable PDF (not a PDF file (no %PDF- header))"));
    assert!(caught("Điều 31.1.c: revocation status could not be checked"));
    assert!(!caught("vbdt sign: /tmp/x/hong.pdf: không phải tệp PDF (không có phần đầu %PDF-); --force, PKCS#12, OCSP, CRL"));
    assert!(!caught("chứng thư chữ ký số \"CN=Nguyễn Văn An,O=Ủy ban nhân dân, C=VN\" đã hết hạn lúc 2026-12-02T12:52:08+07:00"));
    assert_eq!(times_not_in_vn("expired at 2026-12-01T17:27:12Z"), vec!["2026-12-01T17:27:12Z".to_string()]);
    assert_eq!(times_not_in_vn("revoked on 2026-12-01 17:28:03.0 +00:00:00").len(), 1);
    assert!(times_not_in_vn("lúc 2026-12-02T12:52:08+07:00, ngày 2026-12-02").is_empty());
    // Identifiers pass; the words around them do not.
    assert!(!caught("  ✓ Điều 30   signature   thuộc tính signing-certificate, digitalSignature"));
    assert!(caught("  ✓ Điều 30   signature   the signature verifies"));
    // clap's English, and vbdt's own usage errors (issue 18).
    assert!(caught("error: unexpected argument '--khong-co' found\n\nUsage: vbdt sign [IN.pdf]..."));
    assert!(caught("vbdt sign: -o/--output takes one input; for several use --out-dir DIR or --suffix SUFFIX"));
    assert!(!caught("lỗi: không có tùy chọn hay đối số '--khong-co'\n\nCách dùng: vbdt sign [IN.pdf]...\n\nXem thêm: '--help'."));
}
