//! `vbdt sign --csc`: remote signing through a real CSC v1 service on 127.0.0.1
//! (certomancer-csc-dummy) behind tests/tools/csc_front.py, which checks the service
//! authorization and the PIN/OTP and logs every request; outputs validated by pyHanko
//! and pdfsig.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// The dummy CSC service and its front, in a directory of their own; killed on drop.
struct Csc {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Csc {
    fn start(extra: &[&str]) -> Csc {
        require_tool("certomancer-csc");
        let dir = tempfile::Builder::new().prefix("vbdt-csc-").tempdir().unwrap();
        let child = Command::new("python3")
            .arg(repo_root().join("tests/tools/csc_front.py"))
            .arg("--dir")
            .arg(dir.path())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.path().join("server.err")).unwrap())
            .spawn()
            .unwrap();
        let mut csc = Csc { child, dir, port: 0 };
        let ports = csc.dir.path().join("ports.json");
        let start = Instant::now();
        while !ports.exists() {
            if let Ok(Some(status)) = csc.child.try_wait() {
                panic!(
                    "csc_front.py exited ({status}): {}",
                    std::fs::read_to_string(csc.dir.path().join("server.err")).unwrap_or_default()
                );
            }
            assert!(start.elapsed() < Duration::from_secs(60), "the CSC service did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let text = std::fs::read_to_string(&ports).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        csc.port = v["front"].as_u64().unwrap() as u16;
        csc
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn root(&self) -> PathBuf {
        self.dir.path().join("root.crt")
    }

    /// The front's request log: one JSON object per request.
    fn log(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(self.dir.path().join("requests.log")).unwrap_or_default();
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
    }

    fn requests(&self, path: &str) -> Vec<serde_json::Value> {
        self.log().into_iter().filter(|e| e["path"] == format!("/csc/v1/{path}")).collect()
    }

    fn secret_file(&self, name: &str, value: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, format!("{value}\n")).unwrap();
        p
    }
}

impl Drop for Csc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `info` needs no authorization (v2's is asked first, then v1's when there is no v2).
fn is_info(entry: &serde_json::Value) -> bool {
    entry["path"] == "/csc/v1/info" || entry["path"] == "/csc/v2/info"
}

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-csc-out-").tempdir().unwrap()
}

/// `vbdt sign INPUTS --csc URL --csc-credential vbdt/CRED --offline --lang en` plus `extra`.
fn sign(csc: &Csc, cred: &str, inputs: &[PathBuf], extra: &[&str]) -> (std::process::Output, String) {
    let mut cmd = vbdt(["sign"]);
    cmd.args(inputs).args(["--csc", &csc.url(), "--csc-credential", &format!("vbdt/{cred}"), "--offline", "--lang", "en"]).args(extra);
    let out = run(&mut cmd);
    let text = output_text(&out);
    (out, text)
}

/// `--out-dir`, and the token, PIN and OTP from files.
fn token_pin_otp<'a>(out_dir: &'a Path, token: &'a Path, pin: &'a Path, otp: &'a Path) -> Vec<&'a str> {
    let s = |p: &'a Path| p.to_str().unwrap();
    vec!["--out-dir", s(out_dir), "--csc-token-file", s(token), "--pin-file", s(pin), "--otp-file", s(otp)]
}

fn assert_valid(pdf: &Path, root: &Path) {
    let (ok, text) = pyhanko_validate_no_revocation(pdf, root);
    assert!(ok, "pyHanko does not accept {}:\n{text}", pdf.display());
    let report = pdfsig_validate(pdf, root);
    assert!(report.all_ok(), "pdfsig does not accept {}:\n{}", pdf.display(), report.output);
}

fn copies(dir: &Path, n: usize) -> Vec<PathBuf> {
    let src = fixture_document("cong-van.pdf");
    (0..n)
        .map(|i| {
            let p = dir.join(format!("cv-{i:02}.pdf"));
            std::fs::copy(&src, &p).unwrap();
            p
        })
        .collect()
}

#[test]
fn one_document_with_a_bearer_token_and_pin() {
    let csc = Csc::start(&["--token", "t0k3n", "--pin", "246810"]);
    let out_dir = tmp();
    let output = out_dir.path().join("signed.pdf");
    let token = csc.secret_file("token", "t0k3n");
    let pin = csc.secret_file("pin", "246810");
    let (out, text) = sign(
        &csc,
        "signer",
        &[fixture_document("cong-van.pdf")],
        &["-o", output.to_str().unwrap(), "--csc-token-file", token.to_str().unwrap(), "--pin-file", pin.to_str().unwrap()],
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 document(s), 1 authorization(s)"), "{text}");
    assert!(!text.contains("t0k3n") && !text.contains("246810"), "a secret was echoed: {text}");
    assert_valid(&output, &csc.root());
    // Every request but `info` carried the token; one authorization for one hash.
    assert!(csc.log().iter().all(|e| e["authorized"] == true || is_info(e)), "{:?}", csc.log());
    let auth = csc.requests("credentials/authorize");
    assert_eq!(auth.len(), 1, "{:?}", csc.log());
    assert_eq!(auth[0]["hashes"], 1);
    assert_eq!(auth[0]["secrets_ok"], true);
    assert_eq!(csc.requests("signatures/signHash").len(), 1);
}

#[test]
fn a_batch_of_20_under_one_authorization_with_oauth2_client_credentials() {
    let csc = Csc::start(&["--client-id", "vbdt-ci", "--client-secret", "s3cr3t", "--pin", "1357", "--otp", "424242"]);
    let dir = tmp();
    let inputs = copies(dir.path(), 20);
    let out_dir = dir.path().join("out");
    let mut cmd = vbdt(["sign"]);
    cmd.args(&inputs)
        .args(["--out-dir", out_dir.to_str().unwrap(), "--csc", &csc.url(), "--csc-credential", "vbdt/signer", "--offline", "--lang", "en"])
        .args(["--csc-client-id", "vbdt-ci", "--csc-client-secret-env", "CSC_SECRET", "--pin-env", "CSC_PIN", "--otp-env", "CSC_OTP"])
        .env("CSC_SECRET", "s3cr3t")
        .env("CSC_PIN", "1357")
        .env("CSC_OTP", "424242");
    let out = run(&mut cmd);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("20 document(s), 1 authorization(s)"), "{text}");
    for input in &inputs {
        assert_valid(&out_dir.join(input.file_name().unwrap()), &csc.root());
    }
    // The request log: one token, one authorization of 20 hashes, one signHash of 20.
    assert_eq!(csc.requests("oauth2/token").len(), 1, "{:?}", csc.log());
    let auth = csc.requests("credentials/authorize");
    assert_eq!(auth.len(), 1, "{:?}", csc.log());
    assert_eq!(auth[0]["hashes"], 20);
    assert_eq!(auth[0]["secrets_ok"], true);
    let sign = csc.requests("signatures/signHash");
    assert_eq!(sign.len(), 1);
    assert_eq!(sign[0]["hashes"], 20);
    assert!(csc.log().iter().all(|e| e["authorized"] == true || is_info(e)), "{:?}", csc.log());
}

#[test]
fn more_documents_than_one_authorization_covers_take_more_said_up_front() {
    let csc = Csc::start(&["--token", "tok", "--multisign", "8"]);
    let dir = tmp();
    let inputs = copies(dir.path(), 20);
    let out_dir = dir.path().join("out");
    let (out, text) = sign(&csc, "signer", &inputs, &["--out-dir", out_dir.to_str().unwrap(), "--csc-token-env", "TOK"]);
    assert!(!out.status.success(), "no token in the environment must fail: {text}");
    let mut cmd = vbdt(["sign"]);
    cmd.args(&inputs)
        .args(["--out-dir", out_dir.to_str().unwrap(), "--csc", &csc.url(), "--csc-credential", "vbdt/signer", "--offline", "--lang", "en"])
        .args(["--csc-token-env", "TOK"])
        .env("TOK", "tok");
    let out = run(&mut cmd);
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("20 document(s), 3 authorization(s)"), "{text}");
    let sizes: Vec<u64> = csc.requests("credentials/authorize").iter().map(|e| e["hashes"].as_u64().unwrap()).collect();
    assert_eq!(sizes, [8, 8, 4]);
    assert_valid(&out_dir.join("cv-19.pdf"), &csc.root());
}

#[test]
fn a_wrong_pin_or_otp_fails_once_and_nothing_is_signed() {
    let csc = Csc::start(&["--token", "tok", "--pin", "1111", "--otp", "2222"]);
    let dir = tmp();
    let inputs = copies(dir.path(), 3);
    let out_dir = dir.path().join("out");
    let token = csc.secret_file("token", "tok");
    for (i, (pin, otp)) in [("97531864", "2222"), ("1111", "86420975")].into_iter().enumerate() {
        let pin_file = csc.secret_file("pin", pin);
        let otp_file = csc.secret_file("otp", otp);
        let (out, text) = sign(&csc, "signer", &inputs, &token_pin_otp(&out_dir, &token, &pin_file, &otp_file));
        assert_eq!(out.status.code(), Some(5), "{text}");
        assert!(text.contains("credentials/authorize") && text.contains("PIN or OTP was refused"), "{text}");
        assert!(text.contains("no file was written"), "{text}");
        assert!(!text.contains("97531864") && !text.contains("86420975"), "a secret was echoed: {text}");
        let refused: Vec<_> = csc.requests("credentials/authorize");
        assert_eq!(refused.len(), i + 1, "tried once: {:?}", csc.log());
        assert_eq!(refused[i]["secrets_ok"], false);
        assert!(csc.requests("signatures/signHash").is_empty());
        assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).unwrap().next().is_none(), "a file was written");
    }
    // Vietnamese, one line naming the service and the step.
    let pin_file = csc.secret_file("pin", "0");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(&inputs[0])
        .args(["-o", dir.path().join("x.pdf").to_str().unwrap(), "--csc", &csc.url(), "--csc-credential", "vbdt/signer", "--offline"])
        .args(["--csc-token-file", token.to_str().unwrap(), "--pin-file", pin_file.to_str().unwrap(), "--otp-env", "OTP"])
        .env("OTP", "2222");
    let text = output_text(&run(&mut cmd));
    assert!(text.contains("dịch vụ ký số từ xa") && text.contains("cấp quyền dùng khóa ký") && text.contains("không thử lại"), "{text}");
}

#[test]
fn expired_revoked_or_unauthorized_credentials_are_refused_before_any_hash_is_sent() {
    let csc = Csc::start(&["--token", "tok"]);
    let dir = tmp();
    let token = csc.secret_file("token", "tok");
    let input = [fixture_document("cong-van.pdf")];
    let out_path = dir.path().join("x.pdf");
    let common = ["-o", out_path.to_str().unwrap(), "--csc-token-file", token.to_str().unwrap()];
    let (out, text) = sign(&csc, "expired", &input, &common);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("Điều 31.1.a") && text.contains("expired"), "{text}");
    let (out, text) = sign(&csc, "revoked", &input, &common);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("credentials/info") && text.contains("revoked"), "{text}");
    // The account's root CA credential: a CA's certificate is no signer's (Điều 31.1.b),
    // whatever its key usage allows.
    let (out, text) = sign(&csc, "root", &input, &common);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("is a CA certificate"), "{text}");
    // A wrong token: the service refuses, the message names it and the step.
    let bad = csc.secret_file("bad-token", "wrong-token-5150");
    let (out, text) = sign(&csc, "signer", &input, &["-o", out_path.to_str().unwrap(), "--csc-token-file", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("credentials/info") && text.contains("HTTP 401"), "{text}");
    assert_eq!(text.trim().lines().count(), 1, "one line: {text}");
    assert!(!text.contains("wrong-token-5150"), "the token was echoed: {text}");
    assert!(csc.requests("credentials/authorize").is_empty() && csc.requests("signatures/signHash").is_empty(), "{:?}", csc.log());
    assert!(!out_path.exists());
    // Without --csc-credential and with several credentials on the account: say which.
    let mut cmd = vbdt(["sign"]);
    cmd.args(input.iter()).args(["--csc", &csc.url(), "--lang", "en", "--offline"]).args(common);
    let out = run(&mut cmd);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("vbdt/signer") && text.contains("--csc-credential"), "{text}");
    // No service authorization given: a usage error, nothing asked of the service.
    let mut cmd = vbdt(["sign"]);
    cmd.args(input.iter()).args(["-o", out_path.to_str().unwrap(), "--csc", &csc.url(), "--lang", "en"]);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
}

#[test]
fn a_signature_that_does_not_verify_against_the_certificate_writes_no_file() {
    let csc = Csc::start(&["--token", "tok", "--corrupt-signature", "2"]);
    let dir = tmp();
    let inputs = copies(dir.path(), 4);
    let out_dir = dir.path().join("out");
    let token = csc.secret_file("token", "tok");
    let (out, text) = sign(&csc, "signer", &inputs, &["--out-dir", out_dir.to_str().unwrap(), "--csc-token-file", token.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("document 3 of the group does not verify"), "{text}");
    assert_eq!(csc.requests("signatures/signHash").len(), 1);
    assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).unwrap().next().is_none(), "a file was written");
}

#[test]
fn the_profile_names_the_service_the_credential_and_where_the_secrets_are() {
    let csc = Csc::start(&["--token", "tok", "--pin", "8642", "--only-credential", "vbdt/signer"]);
    let dir = tmp();
    csc.secret_file("token", "tok");
    csc.secret_file("pin", "8642");
    let profile = csc.dir.path().join("vbdt.toml");
    std::fs::write(
        &profile,
        // No credential named: the account's only one (credentials/list) is used.
        format!("[key]\ncsc = \"{}\"\ncsc_token_file = \"token\"\npin_file = \"pin\"\n", csc.url()),
    )
    .unwrap();
    let output = dir.path().join("signed.pdf");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("cong-van.pdf")).arg("-o").arg(&output).arg("--profile").arg(&profile).args(["--offline", "--lang", "en"]);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
    assert_valid(&output, &csc.root());
    assert_eq!(csc.requests("credentials/authorize").len(), 1);
    assert_eq!(csc.requests("credentials/list").len(), 1);
}

#[test]
fn an_ecdsa_credential_signs_with_its_curve_hash() {
    let csc = Csc::start(&["--token", "tok"]);
    let dir = tmp();
    let token = csc.secret_file("token", "tok");
    let output = dir.path().join("ec.pdf");
    let (out, text) = sign(
        &csc,
        "ec-signer",
        &[fixture_document("cong-van.pdf")],
        &["-o", output.to_str().unwrap(), "--csc-token-file", token.to_str().unwrap(), "--digest", "sha512"],
    );
    assert!(out.status.success(), "{text}");
    assert_valid(&output, &csc.root());
}

#[test]
fn a_service_that_does_not_answer_fails_in_bounded_time_naming_the_step() {
    let csc = Csc::start(&["--token", "tok", "--hang", "/csc/v1/signatures/signHash"]);
    let dir = tmp();
    let token = csc.secret_file("token", "tok");
    let output = dir.path().join("x.pdf");
    let started = Instant::now();
    let (out, text) = sign(
        &csc,
        "signer",
        &[fixture_document("cong-van.pdf")],
        &["-o", output.to_str().unwrap(), "--csc-token-file", token.to_str().unwrap()],
    );
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("signatures/signHash") && text.contains("no answer within"), "{text}");
    assert!(took < Duration::from_secs(60), "took {took:?}");
    assert!(!output.exists());
}

#[test]
fn api_v2_is_used_where_the_service_offers_it() {
    let csc = Csc::start(&["--v2", "--token", "tok", "--pin", "1357", "--otp", "2468"]);
    let dir = tmp();
    let inputs = copies(dir.path(), 3);
    let out_dir = dir.path().join("out");
    let token = csc.secret_file("token", "tok");
    let otp = csc.secret_file("otp", "2468");
    for (pin, ok) in [("7777", false), ("1357", true)] {
        let pin_file = csc.secret_file("pin", pin);
        let (out, text) = sign(&csc, "signer", &inputs, &token_pin_otp(&out_dir, &token, &pin_file, &otp));
        if ok {
            assert!(out.status.success(), "{text}");
        } else {
            assert_eq!(out.status.code(), Some(5), "{text}");
            assert!(text.contains("PIN or OTP was refused"), "{text}");
        }
    }
    for input in &inputs {
        assert_valid(&out_dir.join(input.file_name().unwrap()), &csc.root());
    }
    let log = csc.log();
    // Everything went to /csc/v2/, in v2's fields (the front refuses v1 fields there).
    assert!(log.iter().all(|e| e["path"].as_str().unwrap().starts_with("/csc/v2/") && e.get("refused").is_none()), "{log:?}");
    let auth: Vec<_> = log.iter().filter(|e| e["path"] == "/csc/v2/credentials/authorize").collect();
    assert_eq!(auth.len(), 2, "{log:?}");
    assert_eq!((auth[0]["secrets_ok"].as_bool(), auth[1]["secrets_ok"].as_bool()), (Some(false), Some(true)));
    assert_eq!(auth[1]["hashes"], 3);
    assert_eq!(log.iter().filter(|e| e["path"] == "/csc/v2/signatures/signHash").count(), 1);
}

#[test]
fn copy_and_attach_refuse_csc_for_now() {
    let dir = tmp();
    let out_path = dir.path().join("copy.pdf");
    let mut cmd = vbdt(["copy"]);
    cmd.arg(fixture_document("cong-van.pdf")).arg("-o").arg(&out_path).args([
        "--kind",
        "sao-y",
        "--org",
        "UBND",
        "--csc",
        "http://127.0.0.1:9",
        "--lang",
        "en",
    ]);
    let out = run(&mut cmd);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("supported by `vbdt sign` only"), "{text}");
    assert!(!out_path.exists());
}
