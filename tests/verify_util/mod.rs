//! Helpers shared by the `verify_*` tests: signing test documents, running `vbdt verify`,
//! writing incremental updates by hand (the attacks), reading reports.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use std::process::Output;

use crate::common::*;

pub fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-verify-").tempdir().unwrap()
}

/// Today's date in Vietnam (the organization signature of a test is made today).
pub fn today_vn() -> String {
    let now = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7));
    format!("{:04}-{:02}-{:02}", now.year(), u8::from(now.month()), now.day())
}

/// `vbdt sign IN -o OUT --p12 NAME.p12 --role ROLE --invisible` plus `extra`; must succeed.
pub fn sign_vbdt(pki: &TestPki, name: &str, role: &str, input: &Path, output: &Path, extra: &[&str]) {
    let mut cmd = vbdt(["sign"]);
    cmd.arg(input)
        .arg("-o")
        .arg(output)
        .arg("--p12")
        .arg(pki.p12(name))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", role, "--lang", "en", "--invisible"])
        .args(extra);
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt sign failed:\n{}", output_text(&out));
}

/// Signs with pyHanko (for certificates `vbdt sign` rightly refuses: expired, revoked…).
/// `chain`: include the issuing CA in the CMS.
pub fn sign_pyhanko(pki: &TestPki, name: &str, input: &Path, output: &Path, chain: bool, tsa: Option<&str>) {
    let mut cmd = std::process::Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "addsig", "--field", "Sig1", "--use-pades"]);
    if let Some(url) = tsa {
        cmd.args(["--timestamp-url", url]);
    }
    cmd.arg("pemder").arg("--key").arg(pki.key(name)).arg("--cert").arg(pki.cert(name)).arg("--no-pass");
    if chain {
        cmd.arg("--chain").arg(pki.cert("ca"));
    }
    cmd.arg(input).arg(output);
    let out = run(&mut cmd);
    assert!(out.status.success(), "pyhanko addsig failed:\n{}", output_text(&out));
}

/// The signed decision in a new directory, its bytes and the offline verify arguments:
/// the base of the attack tests, checked valid before any attack.
pub fn valid_signed_decision() -> (tempfile::TempDir, Vec<u8>, Vec<String>) {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let args = offline_args(pki);
    let (code, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(code, 0, "the untouched base must be valid:\n{}", output_text(&out));
    assert_eq!(report["files"][0]["verdict"], "valid");
    let bytes = std::fs::read(&signed).unwrap();
    (dir, bytes, args)
}

/// The signed decision (personal then organization) used as the base of many tests.
pub fn signed_decision(pki: &TestPki, dir: &Path) -> PathBuf {
    let personal = dir.join("personal.pdf");
    let both = dir.join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    sign_vbdt(pki, "organization", "organization", &personal, &both, &[]);
    both
}

/// Offline trust settings for the PKI: its root, its CRLs as issued now (newer than any
/// signature made before the call: a CRL from before a claimed signing time proves
/// nothing at it).
pub fn offline_args(pki: &TestPki) -> Vec<String> {
    let dir = target_tmp().join("vbdt-fresh-crls");
    let _ = std::fs::create_dir_all(&dir);
    let (root_crl, ca_crl) = pki.fresh_crls(&dir);
    vec![
        "--trust".into(),
        pki.root().display().to_string(),
        "--crl".into(),
        ca_crl.display().to_string(),
        "--crl".into(),
        root_crl.display().to_string(),
        "--offline".into(),
        "--issued-on".into(),
        today_vn(),
    ]
}

/// Runs `vbdt verify --format json` with `args`; the exit code and the parsed report,
/// which must be valid against docs/report-schema.json.
pub fn verify_json(args: &[String], files: &[&Path]) -> (i32, serde_json::Value, Output) {
    let mut cmd = vbdt(["verify", "--format", "json", "--lang", "en"]);
    cmd.args(args).args(files);
    let out = run(&mut cmd);
    let code = out.status.code().unwrap_or(-1);
    let json = report_of(&out);
    (code, json, out)
}

/// The `index`-th (1-based) signature of the first file of a report.
pub fn sig(report: &serde_json::Value, index: usize) -> &serde_json::Value {
    &report["files"][0]["signatures"][index - 1]
}

/// The status of check `id` of a signature.
pub fn check_status<'a>(sig: &'a serde_json::Value, id: &str) -> &'a str {
    sig["checks"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["id"] == id))
        .and_then(|c| c["status"].as_str())
        .unwrap_or_else(|| panic!("no check {id} in {sig:#}"))
}

pub fn check_message<'a>(sig: &'a serde_json::Value, id: &str) -> &'a str {
    sig["checks"].as_array().and_then(|cs| cs.iter().find(|c| c["id"] == id)).and_then(|c| c["message"].as_str()).unwrap_or("")
}

/// Appends an incremental update (classic xref table) redefining or adding `objects`
/// (`(number, body)`, body written between `N 0 obj` and `endobj`).
pub fn append_update(pdf: &[u8], objects: &[(u32, Vec<u8>)], trailer_extra: &str) -> Vec<u8> {
    let raw = pdf_verify::pdf_raw::RawPdf::parse(pdf).expect("parse");
    let last = raw.last();
    let root = last.trailer.get_ref(b"Root").expect("/Root");
    let max_new = objects.iter().map(|(n, _)| n + 1).max().unwrap_or(0);
    let size = raw.next_object_number().max(max_new);
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets = Vec::new();
    for (num, body) in objects {
        offsets.push((*num, out.len()));
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    offsets.sort();
    let xref = out.len();
    let mut table = String::from("xref\n0 1\n0000000000 65535 f \n");
    for (num, off) in &offsets {
        table.push_str(&format!("{num} 1\n{off:010} 00000 n \n"));
    }
    table.push_str(&format!(
        "trailer\n<< /Size {size} /Root {} {} R /Prev {} {trailer_extra} >>\nstartxref\n{xref}\n%%EOF\n",
        root.0, root.1, last.xref_offset
    ));
    out.extend_from_slice(table.as_bytes());
    out
}

/// The raw text of object `num` as last written in the file.
pub fn raw_object_text(pdf: &[u8], num: u32) -> String {
    let raw = pdf_verify::pdf_raw::RawPdf::parse(pdf).expect("parse");
    match raw.lookup(num, raw.revisions.len() - 1) {
        Some((_, pdf_verify::pdf_raw::XrefEntry::InFile { offset, .. })) => {
            let o = pdf_verify::pdf_raw::lexer::indirect_object_at(pdf, offset, 64).expect("object");
            let start = pdf[offset..].windows(3).position(|w| w == b"obj").map(|p| offset + p + 3).unwrap();
            String::from_utf8_lossy(&pdf[start..o.end]).trim().trim_end_matches("endobj").trim().to_string()
        }
        other => panic!("object {num} is not in the file: {other:?}"),
    }
}

/// Page 1's object number, its first content stream's number, and the page tree's.
pub fn page_one(pdf: &[u8]) -> (u32, u32, u32) {
    use pdf_verify::lopdf::Object;
    let doc = pdf_verify::modifications::load_doc(pdf, None).expect("load");
    let pages = pdf_verify::pdfobj::pages(&doc);
    let page = pages[0];
    let d = doc.get_dictionary(page).unwrap();
    let contents = match d.get(b"Contents").unwrap() {
        Object::Reference(r) => r.0,
        Object::Array(a) => a[0].as_reference().unwrap().0,
        other => panic!("{other:?}"),
    };
    let tree = d.get(b"Parent").unwrap().as_reference().unwrap().0;
    (page.0, contents, tree)
}

/// A content stream object body.
pub fn stream_body(content: &str) -> Vec<u8> {
    format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes()
}

/// Certifies `input` with pyHanko (DocMDP permission `p`), as the organization.
pub fn certify(pki: &TestPki, input: &Path, output: &Path, p: u8) {
    require_tool("pyhanko");
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("tests/tools/pyhanko_certify.py"))
        .arg(pki.key("organization"))
        .arg(pki.cert("organization"))
        .arg(pki.cert("ca"))
        .arg(input)
        .arg(output)
        .arg(p.to_string());
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
}
