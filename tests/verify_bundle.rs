//! `vbdt verify --bundle MAIN ATTACH…`: the receiving check of a document and its
//! attachments in separate files (rules.md S5, V6).

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn sign(pki: &TestPki, key: &str, role: &str, input: &Path, output: &Path) {
    let mut cmd = vbdt(["sign"]);
    cmd.arg(input).arg("-o").arg(output).arg("--p12").arg(pki.p12(key)).arg("--pass-file").arg(pki.password_file()).args(["--role", role]);
    run_ok(&mut cmd);
}

fn today_in_vietnam() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + 7 * 3600;
    let out = run_ok(std::process::Command::new("date").args(["-u", "-d"]).arg(format!("@{now}")).arg("+%Y-%m-%d"));
    out.trim().to_string()
}

fn verify_bundle(pki: &TestPki, files: &[&PathBuf], format: &str) -> (Option<i32>, String) {
    let mut cmd = vbdt(["verify", "--bundle", "--lang", "en", "--format", format]);
    cmd.arg("--trust").arg(pki.root()).arg("--issued-on").arg(today_in_vietnam()).args(files);
    let o = run(&mut cmd);
    (o.status.code(), output_text(&o))
}

/// `vbdt attach IN -o OUT --ref NUMBER` with the key `key`: the S5 stamp, top right.
fn attach(pki: &TestPki, key: &str, input: &Path, output: &Path, reference: &str) {
    let mut cmd = vbdt(["attach"]);
    cmd.arg(input)
        .arg("-o")
        .arg(output)
        .arg("--p12")
        .arg(pki.p12(key))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--ref", reference]);
    run_ok(&mut cmd);
}

/// The decision signed personal then organization, as issued.
fn issued_decision(pki: &TestPki, dir: &Path) -> PathBuf {
    let personal = dir.join("qd-personal.pdf");
    let issued = dir.join("qd.pdf");
    sign(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal);
    sign(pki, "organization", "organization", &personal, &issued);
    issued
}

#[test]
fn appendix_signed_by_the_same_organization_with_the_number_is_accepted() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    let main = issued_decision(pki, dir.path());
    let appendix = dir.path().join("phu-luc.pdf");
    attach(pki, "organization", &fixture_document("phu-luc.pdf"), &appendix, "62/2025/QĐ-UBND");
    let (code, text) = verify_bundle(pki, &[&main, &appendix], "text");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("ACCEPT") && text.contains("62/2025/QĐ-UBND"), "{text}");
    let (code, json) = verify_bundle(pki, &[&main, &appendix], "json");
    assert_eq!(code, Some(0), "{json}");
    let v: serde_json::Value = serde_json::from_str(json.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(v["bundle"]["decision"], "accept");
    assert_eq!(v["bundle"]["number"], "62/2025/QĐ-UBND");
    // The attachment's stamp was checked (S5) against the main document's number.
    let files = v["files"].as_array().unwrap();
    assert_eq!(files[0]["document_kind"], "issued");
    assert_eq!(files[1]["document_kind"], "attachment");
    let s5 = files[1]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S5").unwrap();
    assert_eq!(s5["status"], "pass", "{s5}");
    assert!(s5["message"].as_str().unwrap().contains("shows the number and symbol 62/2025/QĐ-UBND"), "{s5}");
}

#[test]
fn appendix_signed_without_the_s5_stamp_is_returned() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    let main = issued_decision(pki, dir.path());
    // An organization signature with no visible stamp: the number is on the page, but S5
    // asks for it in the stamp at the top right of page 1.
    // (Made with the library: `vbdt sign --role organization` refuses an unsigned file, S12.)
    let appendix = dir.path().join("phu-luc.pdf");
    let key = pdf_sign::P12Key::open(&pki.p12("organization"), pki.password()).unwrap();
    pdf_sign::sign_file(
        &fixture_document("phu-luc.pdf"),
        &appendix,
        false,
        &key,
        &pdf_sign::SignOptions::new(pdf_sign::Role::Organization),
    )
    .unwrap();
    let (code, json) = verify_bundle(pki, &[&main, &appendix], "json");
    assert_eq!(code, Some(1), "{json}");
    let v: serde_json::Value = serde_json::from_str(json.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(v["bundle"]["decision"], "return");
    let s5 = v["files"][1]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S5").unwrap();
    assert_eq!(s5["status"], "fail", "{s5}");
    assert!(s5["message"].as_str().unwrap().contains("not shown"), "{s5}");
    assert_eq!(v["files"][1]["verdict"], "invalid");
}

#[test]
fn appendix_with_another_number_or_another_signer_is_returned() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    let main = issued_decision(pki, dir.path());
    // An "appendix" that carries another document's number (the letter 1234/SKHCN-VP).
    let wrong_number = dir.path().join("cong-van.pdf");
    attach(pki, "organization", &fixture_document("cong-van.pdf"), &wrong_number, "1234/SKHCN-VP");
    let (code, text) = verify_bundle(pki, &[&main, &wrong_number], "text");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("RETURN"), "{text}");
    assert!(text.contains("B4") && text.contains("1234/SKHCN-VP"), "the reason does not name the other number:\n{text}");
    assert!(
        text.contains("S5") && text.contains("does not show the number and symbol 62/2025/QĐ-UBND"),
        "S5 does not name the missing number:\n{text}"
    );
    // The right appendix signed by someone other than the organization.
    let wrong_signer = dir.path().join("phu-luc-personal.pdf");
    attach(pki, "personal2", &fixture_document("phu-luc.pdf"), &wrong_signer, "62/2025/QĐ-UBND");
    let (code, text) = verify_bundle(pki, &[&main, &wrong_signer], "json");
    assert_eq!(code, Some(1), "{text}");
    let v: serde_json::Value = serde_json::from_str(text.lines().find(|l| l.starts_with('{')).unwrap()).unwrap();
    assert_eq!(v["bundle"]["decision"], "return");
    let failed: Vec<&str> =
        v["bundle"]["checks"].as_array().unwrap().iter().filter(|c| c["status"] == "fail").map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(failed, vec!["B3"], "{text}");
}
