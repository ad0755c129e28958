//! `vbdt sign` end to end: real binary, real test PKI, real OCSP/TSA, SoftHSM2, and the
//! independent validators pyHanko, pdfsig and qpdf.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-sign-").tempdir().unwrap()
}

/// `vbdt sign IN -o OUT --p12 NAME.p12 --pass-file … --role ROLE` plus `extra`.
fn sign_p12(pki: &TestPki, name: &str, role: &str, input: &Path, output: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = vbdt(["sign"]);
    cmd.arg(input)
        .arg("-o")
        .arg(output)
        .arg("--p12")
        .arg(pki.p12(name))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", role, "--lang", "en"])
        .args(extra);
    run(&mut cmd)
}

fn assert_ok(out: &std::process::Output) {
    assert!(out.status.success(), "vbdt failed ({}):\n{}", out.status, output_text(out));
}

/// Every signature valid in pyHanko (online revocation against the test responders),
/// in pdfsig (valid and trusted), and qpdf finds no error.
fn assert_validates_everywhere(pdf: &Path, pki: &TestPki, signatures: usize) {
    let (ok, text) = pyhanko_validate(pdf, &pki.root());
    assert!(ok, "pyHanko does not accept {}:\n{text}", pdf.display());
    assert_eq!(pyhanko_verdicts(&text).len(), signatures, "pyHanko saw another number of signatures:\n{text}");
    let report = pdfsig_validate(pdf, &pki.root());
    assert_eq!(report.signatures.len(), signatures, "pdfsig:\n{}", report.output);
    assert!(report.all_ok(), "pdfsig does not accept {}:\n{}", pdf.display(), report.output);
    let (ok, text) = qpdf_check(pdf);
    assert!(ok, "qpdf --check fails on {}:\n{text}", pdf.display());
}

#[test]
fn decision_signed_personal_then_organization_with_p12_validates_everywhere() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = fixture_document("quyet-dinh.pdf");
    let before = sha256_file(&input);
    let personal = dir.path().join("personal.pdf");
    let signed = dir.path().join("signed.pdf");
    assert_ok(&sign_p12(pki, "personal", "personal", &input, &personal, &[]));
    assert_validates_everywhere(&personal, pki, 1);
    assert_ok(&sign_p12(pki, "organization", "organization", &personal, &signed, &[]));
    assert_validates_everywhere(&signed, pki, 2);
    assert_eq!(sha256_file(&input), before, "the input changed");
    // The first signed revision is a byte-for-byte prefix of the second file.
    let a = std::fs::read(&personal).unwrap();
    let b = std::fs::read(&signed).unwrap();
    assert!(b.starts_with(&a), "the organization signature rewrote the personal one's bytes");
    // Roles are recorded inside the signed bytes.
    let text = String::from_utf8_lossy(&b);
    assert!(text.contains("/VBDT_Role /Personal") && text.contains("/VBDT_Role /Organization"));
}

#[test]
fn decision_signed_on_softhsm_token_validates_everywhere() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("personal", "personal"), ("organization", "organization"), ("ca", "ca")]);
    let dir = tmp();
    let personal = dir.path().join("personal.pdf");
    let signed = dir.path().join("signed.pdf");
    for (label, role, input, output) in [
        ("personal", "personal", fixture_document("quyet-dinh.pdf"), &personal),
        ("organization", "organization", personal.clone(), &signed),
    ] {
        let mut cmd = vbdt(["sign"]);
        cmd.arg(&input).arg("-o").arg(output).arg("--pkcs11").arg(hsm.module_path()).args([
            "--token",
            hsm.token_label(),
            "--key",
            label,
            "--pin-env",
            "TOKEN_PIN",
            "--role",
            role,
            "--lang",
            "en",
        ]);
        cmd.arg("--certs").arg(pki.root());
        hsm.apply(&mut cmd);
        cmd.env("TOKEN_PIN", hsm.pin());
        assert_ok(&run(&mut cmd));
    }
    assert_validates_everywhere(&signed, pki, 2);
}

/// `vbdt sign` of the decision with the token's "personal" key, the PIN from `pin_env`.
fn sign_on_token(pki: &TestPki, hsm: &SoftHsm, out: &Path, pin_env: &str) -> std::process::Command {
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(out)
        .arg("--pkcs11")
        .arg(hsm.module_path())
        .args(["--key", "personal", "--pin-env", pin_env, "--lang", "en"])
        .arg("--certs")
        .arg(pki.root());
    hsm.apply(&mut cmd);
    cmd
}

/// Issue 17 item 9 (a failure seen once, its output not kept): 50 runs one after another
/// with `cargo nextest run --retries 0` on 2026-12-02, under a load average of 8.7 to 10.9
/// on 2 cores (other developers' builds), all passed (0.7 to 1.6 s each): not reproduced.
/// A candidate cause, not shown: without --offline, the Điều 29 pre-check asks the test's
/// OCSP responder (one `openssl ocsp` per request) before the PIN is read, so a stalled
/// responder would end the run with a network error instead of "rejected the PIN".
#[test]
fn wrong_pin_fails_once_with_a_clear_message() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("personal", "personal"), ("ca", "ca")]);
    let dir = tmp();
    let out = dir.path().join("out.pdf");
    let mut cmd = sign_on_token(pki, &hsm, &out, "TOKEN_PIN");
    cmd.env("TOKEN_PIN", "0000-wrong");
    let o = run(&mut cmd);
    assert_eq!(o.status.code(), Some(5), "{}", output_text(&o));
    let text = output_text(&o);
    assert!(text.contains("rejected the PIN"), "{text}");
    assert!(!text.contains("0000-wrong"), "the PIN leaked into the output: {text}");
    assert_eq!(text.trim().lines().count(), 1, "not a one-line error: {text}");
    assert!(!out.exists());
    // The right PIN still works: the wrong one was tried exactly once, not until lockout.
    let mut cmd = sign_on_token(pki, &hsm, &out, "TOKEN_PIN");
    cmd.env("TOKEN_PIN", hsm.pin());
    assert_ok(&run(&mut cmd));
}

/// A token PIN variable that is not set is a usage error (2), as for every other secret,
/// although the PIN is read inside the token session (after the certificate checks).
#[test]
fn an_unset_pin_variable_is_a_usage_error() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("personal", "personal"), ("ca", "ca")]);
    let dir = tmp();
    let out = dir.path().join("out.pdf");
    let o = run(&mut sign_on_token(pki, &hsm, &out, "VBDT_TEST_PIN_NEVER_SET"));
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(text.contains("VBDT_TEST_PIN_NEVER_SET") && text.trim().lines().count() == 1, "{text}");
    assert!(!out.exists());
}

#[test]
fn timestamped_signature_is_seen_by_pyhanko() {
    let pki = TestPki::shared();
    let dir = tmp();
    let personal = dir.path().join("personal.pdf");
    let signed = dir.path().join("signed.pdf");
    let tsa = pki.tsa_url();
    let before = pki.services().requests("/tsa");
    assert_ok(&sign_p12(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &["--tsa", &tsa]));
    assert_ok(&sign_p12(pki, "organization", "organization", &personal, &signed, &["--tsa", &tsa]));
    assert_eq!(pki.services().requests("/tsa") - before, 2, "vbdt did not ask the TSA once per signature");
    assert_validates_everywhere(&signed, pki, 2);
    let (_, text) = pyhanko_validate(&signed, &pki.root());
    assert_eq!(text.matches("TIMESTAMP_TOKEN<INTACT:TRUSTED>").count(), 2, "pyHanko does not see both timestamps:\n{text}");
}

#[test]
fn every_key_type_and_digest_validates() {
    let pki = TestPki::shared();
    let dir = tmp();
    let cases: &[(&str, &[&str])] = &[
        ("personal-ec256", &[]),
        ("personal-ec384", &[]),
        ("personal-rsa4096", &[]),
        ("personal", &["--pss"]),
        ("personal", &["--digest", "sha384"]),
        ("personal", &["--digest", "sha512", "--pss"]),
    ];
    for (i, (name, extra)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("case{i}.pdf"));
        assert_ok(&sign_p12(pki, name, "personal", &fixture_document("quyet-dinh.pdf"), &out, extra));
        let (ok, text) = pyhanko_validate(&out, &pki.root());
        assert!(ok, "{name} {extra:?}: pyHanko does not accept it:\n{text}");
        let report = pdfsig_validate(&out, &pki.root());
        assert!(report.all_ok(), "{name} {extra:?}: pdfsig:\n{}", report.output);
    }
}

#[test]
fn certificates_failing_dieu_29_are_refused_before_signing() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = fixture_document("quyet-dinh.pdf");
    for (name, article, extra) in [
        ("expired", "31.1.a", vec![]),
        ("notyet", "31.1.a", vec![]),
        ("wrongku", "31.1.b", vec![]),
        // Revoked: found through the certificate's own OCSP responder…
        ("revoked", "31.1.c", vec![]),
    ] {
        let out = dir.path().join(format!("{name}.pdf"));
        let o = sign_p12(pki, name, "personal", &input, &out, &extra);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(5), "{name}: {text}");
        assert!(text.contains(article), "{name}: the refusal does not name Điều {article}: {text}");
        assert!(!out.exists(), "{name}: an output was written");
    }
    // …and through a CRL file, offline.
    let out = dir.path().join("revoked-crl.pdf");
    let crl = pki.crl("ca");
    let o = sign_p12(pki, "revoked", "personal", &input, &out, &["--offline", "--crl", crl.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(5), "{}", output_text(&o));
    assert!(output_text(&o).contains("31.1.c"));
}

#[test]
fn token_certificate_is_checked_before_the_pin_is_used() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("expired", "expired"), ("ca", "ca")]);
    let dir = tmp();
    let out = dir.path().join("out.pdf");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&out)
        .arg("--pkcs11")
        .arg(hsm.module_path())
        .args(["--key", "expired", "--pin-env", "TOKEN_PIN", "--lang", "en"])
        .arg("--certs")
        .arg(pki.root());
    hsm.apply(&mut cmd);
    // A wrong PIN: if vbdt logged in first, the error would be about the PIN.
    cmd.env("TOKEN_PIN", "0000-wrong");
    let o = run(&mut cmd);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(5), "{text}");
    assert!(text.contains("31.1.a") && !text.contains("PIN"), "{text}");
}

#[test]
fn bad_inputs_get_one_line_errors_and_exit_4() {
    let pki = TestPki::shared();
    let dir = tmp();
    let not_pdf = dir.path().join("not.pdf");
    std::fs::write(&not_pdf, b"hello, this is not a PDF\n").unwrap();
    let truncated = dir.path().join("truncated.pdf");
    let doc = std::fs::read(fixture_document("quyet-dinh.pdf")).unwrap();
    std::fs::write(&truncated, &doc[..doc.len() / 2]).unwrap();
    let missing = dir.path().join("missing.pdf");
    let mut inputs: Vec<PathBuf> = vec![not_pdf, truncated, missing];
    if let Some(shared) = shared_for_part("bad_inputs_get_one_line_errors_and_exit_4", "the encrypted corpus file") {
        inputs.push(shared.join("corpus/pyhanko/minimal-aes256.pdf"));
    }
    for input in inputs {
        let out = dir.path().join("out.pdf");
        let o = sign_p12(pki, "personal", "personal", &input, &out, &["--offline"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(4), "{}: {text}", input.display());
        assert_eq!(text.trim().lines().count(), 1, "{}: not one line: {text}", input.display());
        assert!(text.contains(&*input.file_name().unwrap().to_string_lossy()), "the error does not name the file: {text}");
        assert!(!out.exists());
    }
}

#[test]
fn existing_output_is_kept_unless_forced() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("out.pdf");
    std::fs::write(&out, b"precious").unwrap();
    let o = sign_p12(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &out, &["--offline"]);
    assert_eq!(o.status.code(), Some(4), "{}", output_text(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"precious");
    assert_ok(&sign_p12(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &out, &["--offline", "--force"]));
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    // No temporary files are left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn batch_of_200_with_two_broken_inputs() {
    let pki = TestPki::shared();
    let dir = tmp();
    let src = dir.path().join("in");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&src).unwrap();
    let doc = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    let mut inputs = Vec::new();
    for i in 0..200 {
        let p = src.join(format!("doc-{i:03}.pdf"));
        std::fs::write(&p, &doc).unwrap();
        inputs.push(p);
    }
    let broken_a = src.join("broken-a.pdf");
    std::fs::write(&broken_a, b"%PDF-1.7\nthis file stops here").unwrap();
    let broken_b = src.join("broken-b.pdf");
    std::fs::write(&broken_b, b"GIF89a not a pdf").unwrap();
    inputs.insert(50, broken_a);
    inputs.insert(120, broken_b);
    let mut cmd = vbdt(["sign"]);
    cmd.args(&inputs)
        .arg("--out-dir")
        .arg(&out)
        .arg("--p12")
        .arg(pki.p12("personal"))
        .arg("--pass-file")
        .arg(pki.password_file())
        // Personal: an organization signature over an unsigned document is refused by the
        // clerk's check (S12, tests/issue_number.rs).
        .args(["--role", "personal", "--offline", "--lang", "en"]);
    let o = run(&mut cmd);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(4), "{text}");
    assert!(text.contains("Signed 200 of 202 files; 2 failed."), "{text}");
    assert!(text.contains("broken-a.pdf") && text.contains("broken-b.pdf"), "{text}");
    let written: Vec<_> = std::fs::read_dir(&out).unwrap().filter_map(|e| e.ok()).collect();
    assert_eq!(written.len(), 200);
    // Spot-check a few outputs with pdfsig (the whole batch would be slow).
    for i in [0usize, 99, 199] {
        let report = pdfsig_validate(&out.join(format!("doc-{i:03}.pdf")), &pki.root());
        assert!(report.all_ok(), "{}", report.output);
    }
}
