//! Exercises the integration-test harness itself: the test PKI, the OCSP responder,
//! the TSA, the CRL server, SoftHSM2 and the independent validators. Every check here
//! uses the real tool as the client (openssl, pkcs11-tool, pyHanko, pdfsig, qpdf).

mod common;

use std::io::ErrorKind;
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;

use common::*;

fn openssl_ocsp_query(pki: &TestPki, name: &str) -> (bool, String) {
    openssl_ocsp_query_timeout(pki, name, 10)
}

/// `openssl ocsp` as the client (it retries a refused connection until the timeout).
fn openssl_ocsp_query_timeout(pki: &TestPki, name: &str, timeout_secs: u32) -> (bool, String) {
    let out = run(Command::new("openssl")
        .args(["ocsp", "-issuer"])
        .arg(pki.cert("ca"))
        .arg("-cert")
        .arg(pki.cert(name))
        .args(["-url", &pki.ocsp_url(), "-CAfile"])
        .arg(pki.root())
        .args(["-timeout", &timeout_secs.to_string()]));
    (out.status.success(), output_text(&out))
}

#[test]
fn ocsp_responder_answers_good_and_revoked() {
    let pki = TestPki::shared();
    let before = pki.services().requests("/ocsp");

    let (ok, text) = openssl_ocsp_query(pki, "personal");
    assert!(ok, "{text}");
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("personal.pem: good"), "{text}");

    let (ok, text) = openssl_ocsp_query(pki, "revoked");
    assert!(ok, "{text}");
    assert!(text.contains("Response verify OK"), "{text}");
    assert!(text.contains("revoked.pem: revoked"), "{text}");
    assert!(text.contains("Reason: keyCompromise"), "{text}");

    let (ok, text) = openssl_ocsp_query(pki, "expired");
    assert!(ok && text.contains("expired.pem: good"), "an expired certificate is still 'good' to OCSP: {text}");

    assert!(pki.services().requests("/ocsp") >= before + 3, "the responder was really asked");
}

#[test]
fn ocsp_get_form_works_too() {
    let pki = TestPki::shared();
    let tmp = tempfile::tempdir().unwrap();
    let req = tmp.path().join("req.der");
    run_ok(
        Command::new("openssl")
            .args(["ocsp", "-no_nonce", "-issuer"])
            .arg(pki.cert("ca"))
            .arg("-cert")
            .arg(pki.cert("revoked"))
            .arg("-reqout")
            .arg(&req),
    );
    let b64 = base64_encode(&std::fs::read(&req).unwrap()).replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
    let resp = http_get(&format!("{}/{b64}", pki.ocsp_url())).unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(resp.header("content-type"), Some("application/ocsp-response"));
    let resp_file = tmp.path().join("resp.der");
    std::fs::write(&resp_file, &resp.body).unwrap();
    let text = run_ok(
        Command::new("openssl")
            .args(["ocsp", "-respin"])
            .arg(&resp_file)
            .arg("-issuer")
            .arg(pki.cert("ca"))
            .arg("-cert")
            .arg(pki.cert("revoked"))
            .arg("-CAfile")
            .arg(pki.root()),
    );
    assert!(text.contains("Response verify OK") && text.contains(": revoked"), "{text}");

    let bad = http_get(&format!("{}/%%%notbase64", pki.ocsp_url())).unwrap();
    assert_eq!(bad.status, 400);
}

#[test]
fn tsa_grants_a_verifiable_timestamp() {
    let pki = TestPki::shared();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data.txt");
    std::fs::write(&data, "Quyết định số 62/2025/QĐ-UBND").unwrap();
    let query = tmp.path().join("q.tsq");
    run_ok(Command::new("openssl").args(["ts", "-query", "-sha256", "-cert", "-data"]).arg(&data).arg("-out").arg(&query));
    let before = pki.services().requests("/tsa");
    let resp = http_post(&pki.tsa_url(), "application/timestamp-query", &std::fs::read(&query).unwrap()).unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(resp.header("content-type"), Some("application/timestamp-reply"));
    assert_eq!(pki.services().requests("/tsa"), before + 1);
    let reply = tmp.path().join("r.tsr");
    std::fs::write(&reply, &resp.body).unwrap();

    let verify = |data: &Path| {
        run(Command::new("openssl")
            .args(["ts", "-verify", "-data"])
            .arg(data)
            .arg("-in")
            .arg(&reply)
            .arg("-CAfile")
            .arg(pki.root())
            .arg("-untrusted")
            .arg(pki.cert("ca")))
    };
    let out = verify(&data);
    assert!(out.status.success() && output_text(&out).contains("Verification: OK"), "{}", output_text(&out));

    let other = tmp.path().join("other.txt");
    std::fs::write(&other, "something else").unwrap();
    let out = verify(&other);
    assert!(!out.status.success(), "a timestamp over other data must not verify: {}", output_text(&out));

    let text = run_ok(Command::new("openssl").args(["ts", "-reply", "-text", "-in"]).arg(&reply));
    assert!(text.contains("Status: Granted.") && text.contains("Hash Algorithm: sha256"), "{text}");

    // Garbage in: an RFC 3161 rejection out (HTTP 200, PKIStatus rejection), as a real TSA does.
    let junk = http_post(&pki.tsa_url(), "application/timestamp-query", b"not a query").unwrap();
    assert_eq!(junk.status, 200);
    std::fs::write(&reply, &junk.body).unwrap();
    let text = run_ok(Command::new("openssl").args(["ts", "-reply", "-text", "-in"]).arg(&reply));
    assert!(text.contains("Status: Rejected.") && text.contains("TST info:\nNot included."), "{text}");
}

#[test]
fn crls_are_served_and_nothing_else() {
    let pki = TestPki::shared();
    let dir = tempfile::tempdir().unwrap();
    for name in ["ca", "root"] {
        let resp = http_get(&pki.crl_url(name)).unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.header("content-type"), Some("application/pkix-crl"));
        // Issued at the request (a CA that publishes often), by the same issuer, listing
        // the same certificates as the file made with the PKI.
        let served = dir.path().join(format!("{name}.served.crl"));
        std::fs::write(&served, &resp.body).unwrap();
        let show = |f: &Path, what: &str| {
            run_ok(Command::new("openssl").args(["crl", "-inform", "DER", "-noout", what, "-in"]).arg(f))
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!(show(&served, "-issuer"), show(&pki.crl(name), "-issuer"));
        let listed = |f: &Path| {
            run_ok(Command::new("openssl").args(["crl", "-inform", "DER", "-noout", "-text", "-in"]).arg(f))
                .matches("Serial Number")
                .count()
        };
        assert_eq!(listed(&served), listed(&pki.crl(name)), "{name}");
    }
    assert!(pki.services().requests("/crl/ca.crl") >= 1);
    for path in ["/crl/ca.key.pem", "/crl/..%2Fca.crl", "/crl/", "/nothing"] {
        let resp = http_get(&pki.services().url(path)).unwrap();
        assert_eq!(resp.status, 404, "{path}");
    }
    // The certificates point at these URLs.
    let text = run_ok(
        Command::new("openssl")
            .args(["x509", "-noout", "-ext", "crlDistributionPoints,authorityInfoAccess", "-in"])
            .arg(pki.cert("personal")),
    );
    assert!(text.contains(&pki.crl_url("ca")) && text.contains(&pki.ocsp_url()), "{text}");
}

#[test]
fn bodies_over_one_mebibyte_are_refused() {
    let pki = TestPki::shared();
    let resp = http_post(&pki.tsa_url(), "application/timestamp-query", &vec![0u8; MAX_BODY + 1]).unwrap();
    assert_eq!(resp.status, 413);
}

#[test]
fn faults_and_stop_make_the_responder_fail_for_real() {
    let mut pki = TestPki::new();
    let (ok, text) = openssl_ocsp_query(&pki, "personal");
    assert!(ok && text.contains(": good"), "{text}");

    pki.services_mut().set_fault("/ocsp", Some(Fault::Status(503)));
    let (ok, text) = openssl_ocsp_query(&pki, "personal");
    assert!(!ok || !text.contains(": good"), "a 503 must not give a status: {text}");
    pki.services_mut().set_fault("/ocsp", Some(Fault::Body(b"garbage".to_vec())));
    let (ok, text) = openssl_ocsp_query(&pki, "personal");
    assert!(!ok || !text.contains(": good"), "garbage must not give a status: {text}");
    pki.services_mut().set_fault("/ocsp", None);
    let (ok, text) = openssl_ocsp_query(&pki, "personal");
    assert!(ok && text.contains(": good"), "{text}");

    let addr = pki.services().addr();
    pki.services_mut().stop();
    assert!(!pki.services().is_running());
    let err = TcpStream::connect(addr).expect_err("connections must be refused after stop()");
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    let (ok, text) = openssl_ocsp_query_timeout(&pki, "personal", 1);
    assert!(!ok, "unreachable responder: {text}");
}

#[test]
fn softhsm_token_holds_the_personal_key_and_certificate() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("personal", "label-personal"), ("personal-ec256", "label-ec256")]);
    assert!(hsm.module_path().is_file());
    assert!(hsm.conf_path().is_file());
    assert_eq!(hsm.id_of("label-personal"), Some("01"));
    let list = hsm.list_objects();
    assert!(list.contains("Private Key Object; RSA"), "{list}");
    assert!(list.contains("Private Key Object; EC"), "{list}");
    assert!(list.contains("Certificate Object"), "{list}");
    assert!(list.contains("label:      label-personal"), "{list}");
    assert!(list.contains("ID:         01"), "{list}");
    assert!(list.contains("Nguyễn Văn An") || list.contains("subject:"), "{list}");

    // The key on the token matches the certificate: sign on the token, verify with the cert.
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::write(&data, b"vbdt softhsm selftest").unwrap();
    let sig = tmp.path().join("sig");
    run_ok(
        hsm.pkcs11_tool()
            .args(["--login", "--pin", hsm.pin(), "--sign", "--id", "01", "-m", "SHA256-RSA-PKCS", "--input-file"])
            .arg(&data)
            .arg("--output-file")
            .arg(&sig),
    );
    let pubkey = tmp.path().join("pub.pem");
    run_ok(Command::new("openssl").args(["x509", "-noout", "-pubkey", "-in"]).arg(pki.cert("personal")).arg("-out").arg(&pubkey));
    let text = run_ok(Command::new("openssl").args(["dgst", "-sha256", "-verify"]).arg(&pubkey).arg("-signature").arg(&sig).arg(&data));
    assert!(text.contains("Verified OK"), "{text}");
    // And not with another certificate's key.
    run_ok(Command::new("openssl").args(["x509", "-noout", "-pubkey", "-in"]).arg(pki.cert("organization")).arg("-out").arg(&pubkey));
    let out = run(Command::new("openssl").args(["dgst", "-sha256", "-verify"]).arg(&pubkey).arg("-signature").arg(&sig).arg(&data));
    assert!(!out.status.success(), "{}", output_text(&out));

    // Without SOFTHSM2_CONF the token is not visible.
    let out = run(Command::new("pkcs11-tool")
        .env_remove("SOFTHSM2_CONF")
        .env("SOFTHSM2_CONF", "/nonexistent/softhsm2.conf")
        .arg("--module")
        .arg(hsm.module_path())
        .args(["--token-label", SoftHsm::TOKEN_LABEL, "--list-objects"]));
    assert!(!out.status.success(), "{}", output_text(&out));
}

/// Signs a fixture with pyHanko (an independent signer) so the validators can be
/// checked without waiting for `vbdt sign`.
fn pyhanko_sign(pki: &TestPki, name: &str, input: &Path, output: &Path, timestamp: bool) {
    require_tool("pyhanko");
    let mut cmd = Command::new("pyhanko");
    cmd.args(["sign", "addsig", "--field", "Sig1"]);
    if timestamp {
        cmd.args(["--timestamp-url", &pki.tsa_url()]);
    }
    cmd.args(["pkcs12", "--passfile"]).arg(pki.password_file()).arg(input).arg(output).arg(pki.p12(name));
    run_ok(&mut cmd);
}

#[test]
fn validators_accept_a_good_signature_and_reject_broken_ones() {
    let pki = TestPki::shared();
    let tmp = tempfile::tempdir().unwrap();
    let input = fixture_document("quyet-dinh.pdf");
    let (ok, text) = qpdf_check(&input);
    assert!(ok, "{text}");

    // Unsigned: neither validator may say valid.
    let (ok, text) = pyhanko_validate_no_revocation(&input, &pki.root());
    assert!(!ok, "unsigned must not validate: {text}");
    assert!(!pdfsig_validate(&input, &pki.root()).all_ok());

    let signed = tmp.path().join("signed.pdf");
    let ocsp_before = pki.services().requests("/ocsp");
    let tsa_before = pki.services().requests("/tsa");
    pyhanko_sign(pki, "personal", &input, &signed, true);
    assert!(pki.services().requests("/tsa") > tsa_before, "pyHanko used the TSA");

    let (ok, text) = pyhanko_validate(&signed, &pki.root());
    assert!(ok, "{text}");
    assert!(text.contains("TIMESTAMP_TOKEN<INTACT:TRUSTED"), "{text}");
    assert!(pki.services().requests("/ocsp") > ocsp_before, "pyHanko checked revocation with the responder");
    let (ok, text) = pyhanko_validate_no_revocation(&signed, &pki.root());
    assert!(ok, "{text}");
    let report = pdfsig_validate(&signed, &pki.root());
    assert!(report.all_ok(), "{}", report.output);
    assert_eq!(report.signatures.len(), 1);
    assert_eq!(report.signatures[0].signer, "Nguyễn Văn An");
    let (ok, text) = qpdf_check(&signed);
    assert!(ok, "{text}");
    assert_ne!(sha256_file(&signed), sha256_file(&input));

    // Trusting another root: not trusted.
    let other = TestPki::new_foreign();
    let (ok, text) = pyhanko_validate_no_revocation(&signed, &other.root());
    assert!(!ok, "a foreign root must not validate: {text}");
    assert!(!pdfsig_validate(&signed, &other.root()).all_ok());

    // One byte changed inside the signed range: invalid everywhere.
    let mut bytes = std::fs::read(&signed).unwrap();
    let pos = find_bytes(&bytes, b"Filter").expect("a stream filter in the original content");
    bytes[pos] = b'f';
    let tampered = tmp.path().join("tampered.pdf");
    std::fs::write(&tampered, &bytes).unwrap();
    let (ok, text) = pyhanko_validate_no_revocation(&tampered, &pki.root());
    assert!(!ok && text.contains(":INVALID"), "tampered must not validate: {text}");
    let report = pdfsig_validate(&tampered, &pki.root());
    assert!(!report.all_ok(), "{}", report.output);
    assert_eq!(report.signatures.len(), 1, "{}", report.output);
    assert_ne!(report.signatures[0].signature_validation, "Signature is Valid.", "{}", report.output);

    // Revoked signer: the responder says so, pyHanko refuses.
    let revoked = tmp.path().join("revoked.pdf");
    pyhanko_sign(pki, "revoked", &input, &revoked, false);
    let (ok, text) = pyhanko_validate(&revoked, &pki.root());
    assert!(!ok && text.contains("INTACT:REVOKED"), "revoked must not validate, for being revoked: {text}");
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn vbdt_runs_with_a_clean_environment() {
    let cmd = vbdt(["--version"]);
    let envs: Vec<(String, Option<String>)> =
        cmd.get_envs().map(|(k, v)| (k.to_string_lossy().into_owned(), v.map(|v| v.to_string_lossy().into_owned()))).collect();
    assert!(envs.contains(&("TZ".into(), Some("UTC".into()))));
    assert!(envs.contains(&("LANG".into(), Some("C.UTF-8".into()))));
    let mut cmd = cmd;
    let text = run_ok(&mut cmd);
    assert!(text.starts_with("vbdt "), "{text}");
    assert!(vbdt_bin().is_file());
    assert!(repo_root().join("Cargo.toml").is_file());
    assert!(fixture_document("quyet-dinh.pdf").is_file());
}

#[test]
fn shared_dir_is_beside_the_repo() {
    let Some(shared) = shared_or_skip("shared_dir_is_beside_the_repo") else {
        return;
    };
    assert!(shared.join("docs").is_dir() || shared.join("corpus").is_dir(), "{}", shared.display());
}

#[test]
fn helpers_are_right() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("abc");
    std::fs::write(&f, "abc").unwrap();
    assert_eq!(sha256_file(&f), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    for data in [&b""[..], b"a", b"ab", b"abc", b"\xff\x00\x10\x80"] {
        assert_eq!(base64_decode(&base64_encode(data)).as_deref(), Some(data));
    }
    assert_eq!(base64_encode(b"Man"), "TWFu");
    assert_eq!(base64_decode("TWE=").unwrap(), b"Ma");
    assert_eq!(
        pyhanko_verdicts("Sig1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:INTACT:UNTRUSTED,UNTOUCHED\n"),
        vec![("Sig1".to_owned(), false)]
    );
    assert_eq!(
        pyhanko_verdicts("Sig1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ILLEGAL_MODIFICATIONS\n"),
        vec![("Sig1".to_owned(), false)]
    );
    assert_eq!(
        pyhanko_verdicts("Sig1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS\n"),
        vec![("Sig1".to_owned(), true)]
    );
}
