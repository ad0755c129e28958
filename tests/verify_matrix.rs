//! The verification matrix of issue 5 ("What it must show" 1): the project's own signed
//! test documents, the test PKI with a live `openssl ocsp` responder, TSA and CRLs on
//! 127.0.0.1; each outcome with its article.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use verify_util::*;

fn online_args(pki: &TestPki) -> Vec<String> {
    vec!["--trust".into(), pki.root().display().to_string(), "--issued-on".into(), today_vn()]
}

fn article_of<'a>(sig: &'a serde_json::Value, id: &str) -> &'a str {
    sig["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).unwrap()["article"].as_str().unwrap()
}

/// Signs `quyet-dinh.pdf` with pyHanko (certificates vbdt sign refuses) and verifies online.
fn pyhanko_signed(pki: &TestPki, name: &str, dir: &Path) -> std::path::PathBuf {
    let out = dir.join(format!("{name}.pdf"));
    sign_pyhanko(pki, name, &fixture_document("quyet-dinh.pdf"), &out, true, None);
    out
}

#[test]
fn valid_personal_and_organization_with_timestamps_is_valid() {
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    let po = dir.path().join("po.pdf");
    let tsa = pki.tsa_url();
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &p, &["--tsa", &tsa]);
    sign_vbdt(pki, "organization", "organization", &p, &po, &["--tsa", &tsa]);
    let (code, report, out) = verify_json(&online_args(pki), &[&po]);
    assert_eq!(code, 0, "{}", output_text(&out));
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "valid", "{s:#}");
        assert_eq!(s["time_source"], "timestamp", "{s:#}");
        assert_eq!(check_status(s, "timestamp"), "pass");
        assert!(check_message(s, "revocation").contains("OCSP"), "revocation by the live responder: {s:#}");
    }
    assert_eq!(sig(&report, 1)["role"], "personal");
    assert_eq!(sig(&report, 2)["role"], "organization");
    assert!(pki.services().requests("/ocsp") > 0);
}

#[test]
fn expired_at_signing_time_is_invalid_dieu_31_1_a() {
    let pki = TestPki::shared();
    let dir = tmp();
    let f = pyhanko_signed(pki, "expired", dir.path());
    let (code, report, out) = verify_json(&online_args(pki), &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "invalid");
    assert_eq!(check_status(s, "validity"), "fail", "{s:#}");
    assert_eq!(article_of(s, "validity"), "Điều 31.1.a");
}

#[test]
fn not_yet_valid_at_signing_time_is_invalid_dieu_31_1_a() {
    let pki = TestPki::shared();
    let dir = tmp();
    let f = pyhanko_signed(pki, "notyet", dir.path());
    let (code, report, out) = verify_json(&online_args(pki), &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "validity"), "fail", "{s:#}");
    assert!(check_message(s, "validity").contains("not valid before"), "{s:#}");
}

#[test]
fn wrong_key_usage_is_invalid_dieu_31_1_b() {
    let pki = TestPki::shared();
    let dir = tmp();
    let f = pyhanko_signed(pki, "wrongku", dir.path());
    let (code, report, out) = verify_json(&online_args(pki), &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "usage"), "fail", "{s:#}");
    assert_eq!(article_of(s, "usage"), "Điều 31.1.b");
}

#[test]
fn revoked_before_signing_is_invalid_by_ocsp_and_by_crl() {
    let pki = TestPki::shared();
    let dir = tmp();
    let f = pyhanko_signed(pki, "revoked", dir.path());
    // OCSP (online, no CRL given; the CRL distribution point is not consulted first).
    let (code, report, out) = verify_json(&online_args(pki), &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "revocation"), "fail", "{s:#}");
    assert!(check_message(s, "revocation").contains("OCSP"), "{s:#}");
    assert!(article_of(s, "revocation").starts_with("Điều 31.1.c"));
    // CRL only (offline).
    let args = vec![
        "--trust".to_string(),
        pki.root().display().to_string(),
        "--offline".into(),
        "--crl".into(),
        pki.crl("ca").display().to_string(),
        "--crl".into(),
        pki.crl("root").display().to_string(),
    ];
    let (code, report, out) = verify_json(&args, &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "revocation"), "fail", "{s:#}");
    assert!(check_message(s, "revocation").contains("CRL"), "{s:#}");
}

/// Marks `name` revoked now in the PKI's index.txt (the OCSP responder reads it per request).
fn revoke_now(pki: &TestPki, name: &str) {
    let serial = pki.serial(name);
    let index = pki.dir().join("index.txt");
    let text = std::fs::read_to_string(&index).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:02}{:02}{:02}{:02}{:02}{:02}Z",
        now.year() % 100,
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let mut found = false;
    let new: Vec<String> = text
        .lines()
        .map(|l| {
            let mut f: Vec<String> = l.split('\t').map(str::to_string).collect();
            if f.len() >= 4 && f[3].eq_ignore_ascii_case(&serial) {
                found = true;
                f[0] = "R".into();
                f[2] = stamp.clone();
            }
            f.join("\t")
        })
        .collect();
    assert!(found, "serial {serial} not in index.txt");
    std::fs::write(&index, new.join("\n") + "\n").unwrap();
}

#[test]
fn revoked_after_a_timestamped_signing_time_is_valid() {
    let pki = TestPki::new();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    let po = dir.path().join("po.pdf");
    let tsa = pki.tsa_url();
    sign_vbdt(&pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &p, &["--tsa", &tsa]);
    sign_vbdt(&pki, "organization", "organization", &p, &po, &["--tsa", &tsa]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    revoke_now(&pki, "personal");
    let (code, report, out) = verify_json(&online_args(&pki), &[&po]);
    assert_eq!(code, 0, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "valid", "{s:#}");
    assert!(check_message(s, "revocation").contains("after the timestamp-proven signing time"), "{s:#}");
    assert!(s["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().contains("revoked")), "{s:#}");
}

#[test]
fn revoked_after_a_claimed_signing_time_is_not_valid() {
    // Without a timestamp nothing proves the signature came before the revocation.
    let pki = TestPki::new();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    sign_vbdt(&pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &p, &[]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    revoke_now(&pki, "personal");
    let (code, report, out) = verify_json(&online_args(&pki), &[&p]);
    assert_ne!(code, 0, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "revocation"), "indeterminate", "{s:#}");
}

#[test]
fn unknown_root_is_indeterminate_dieu_32() {
    let pki = TestPki::shared();
    let foreign = TestPki::new_foreign();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let args = vec!["--trust".to_string(), foreign.root().display().to_string(), "--issued-on".into(), today_vn()];
    let (code, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(code, 3, "{}", output_text(&out));
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "path"), "indeterminate");
        assert_eq!(article_of(s, "path"), "Điều 32");
    }
}

#[test]
fn ca_certificate_with_a_broken_signature_is_invalid_dieu_32() {
    let pki = TestPki::shared();
    let dir = tmp();
    // Signed with the leaf only: the issuing CA must come from --certs.
    let f = dir.path().join("leaf-only.pdf");
    sign_pyhanko(pki, "personal", &fixture_document("quyet-dinh.pdf"), &f, false, None);
    let mut ca = pem_file_to_der(&pki.cert("ca"));
    let n = ca.len();
    ca[n - 5] ^= 0x55; // inside the signature value at the end of the certificate
    let broken = dir.path().join("broken-ca.der");
    std::fs::write(&broken, &ca).unwrap();
    let args = vec!["--trust".to_string(), pki.root().display().to_string(), "--certs".into(), broken.display().to_string()];
    let (code, report, out) = verify_json(&args, &[&f]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "path"), "fail", "{s:#}");
    assert!(check_message(s, "path").contains("does not verify"), "{s:#}");
    // With the intact CA the same file is fine.
    let args = vec!["--trust".to_string(), pki.root().display().to_string(), "--certs".into(), pki.cert("ca").display().to_string()];
    let (_, report, _) = verify_json(&args, &[&f]);
    assert_eq!(check_status(sig(&report, 1), "path"), "pass");
}

#[test]
fn unreachable_responder_is_indeterminate_with_require_never_silently_valid() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let signed = signed_decision(&pki, dir.path());
    pki.services_mut().stop();
    let (code, report, out) = verify_json(&online_args(&pki), &[&signed]);
    assert_eq!(code, 3, "{}", output_text(&out));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "revocation"), "indeterminate", "{s:#}");
    assert_eq!(report["files"][0]["verdict"], "indeterminate");
    // prefer: accepted, with a warning naming the problem.
    let mut args = online_args(&pki);
    args.extend(["--revocation".to_string(), "prefer".to_string()]);
    let (code, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(code, 0, "{}", output_text(&out));
    assert!(!sig(&report, 1)["warnings"].as_array().unwrap().is_empty());
    // off: skipped.
    let mut args = online_args(&pki);
    args.extend(["--revocation".to_string(), "off".to_string()]);
    let (code, report, _) = verify_json(&args, &[&signed]);
    assert_eq!(code, 0);
    assert_eq!(check_status(sig(&report, 1), "revocation"), "skipped");
}

#[test]
fn encrypted_with_an_empty_user_password_verifies() {
    let pki = TestPki::shared();
    let dir = tmp();
    let enc = dir.path().join("enc.pdf");
    let signed = dir.path().join("enc-signed.pdf");
    let out = run(std::process::Command::new(require_tool("qpdf"))
        .args(["--encrypt", "", "owner-secret", "256", "--"])
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg(&enc));
    assert!(out.status.success(), "{}", output_text(&out));
    // pyHanko asks for the (empty) password on stdin.
    let mut child = std::process::Command::new(require_tool("pyhanko"))
        .args(["sign", "addsig", "--field", "Sig1", "pemder", "--no-pass", "--key"])
        .arg(pki.key("personal"))
        .arg("--cert")
        .arg(pki.cert("personal"))
        .arg("--chain")
        .arg(pki.cert("ca"))
        .arg(&enc)
        .arg(&signed)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    let (code, report, out) = verify_json(&online_args(pki), &[&signed]);
    assert_eq!(code, 0, "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["verdict"], "valid");
}
