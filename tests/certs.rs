//! Issue 14: certificates as they are issued in Vietnam — revocation that cannot be
//! hidden, certificate policy and usage, official-duty or public (V7), issuers fetched
//! through AIA once and kept.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use serde_json::Value;
use verify_util::*;

fn arg(p: &Path) -> String {
    p.display().to_string()
}

/// `vbdt verify --offline --trust ROOT` with these CRLs and `extra`.
fn verify_offline(pki: &TestPki, crls: &[&Path], extra: &[&str], file: &Path) -> (i32, Value, std::process::Output) {
    let mut args = vec!["--trust".to_string(), arg(&pki.root()), "--offline".into(), "--issued-on".into(), today_vn()];
    for c in crls {
        args.push("--crl".into());
        args.push(arg(c));
    }
    args.extend(extra.iter().map(|s| s.to_string()));
    verify_json(&args, &[file])
}

fn ltv_with_crls(pki: &TestPki, input: &Path, output: &Path, crls: &[&Path]) {
    let mut cmd = vbdt(["ltv", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(input).arg("-o").arg(output);
    for c in crls {
        cmd.arg("--crl").arg(c);
    }
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt ltv failed:\n{}", output_text(&out));
}

fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["files"][0]["rules"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["id"] == id))
        .unwrap_or_else(|| panic!("no rule {id}: {report:#}"))
}

// ---------------------------------------------------------------------------------------
// Must-show 3: revocation that cannot be hidden

/// Sign, `vbdt ltv` with a CRL listing nothing (and the responder's "good"), revoke the
/// signer, verify with the CRL that lists the revocation: never valid — offline with the
/// new CRL beside the old embedded "good", and online (the responder now says revoked).
#[test]
fn a_good_embedded_before_the_revocation_never_hides_it() {
    let pki = TestPki::new();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_vbdt(&pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let (root_crl, empty_ca_crl) = pki.fresh_crls(dir.path());
    let archived = dir.path().join("archived.pdf");
    ltv_with_crls(&pki, &signed, &archived, &[&empty_ca_crl, &root_crl]);
    // Before the revocation: valid offline from what the file carries.
    // (A personal signature alone: S1 fails the file, so the signature's verdict is read.)
    let (_, report, out) = verify_offline(&pki, &[], &[], &archived);
    assert_eq!(sig(&report, 1)["verdict"], "valid", "{}", output_text(&out));
    assert_eq!(check_status(sig(&report, 1), "revocation"), "pass", "{report:#}");

    // Revoked after the claimed signing time (whole seconds apart): nothing proves the
    // signature came first.
    std::thread::sleep(std::time::Duration::from_secs(2));
    let (root_crl, revoked_ca_crl) = pki.revoke("personal", dir.path());
    for crls in [vec![revoked_ca_crl.as_path(), root_crl.as_path()], vec![root_crl.as_path(), revoked_ca_crl.as_path()]] {
        let (code, report, out) = verify_offline(&pki, &crls, &[], &archived);
        let s = sig(&report, 1);
        assert_ne!(code, 0, "a revoked signer must never be valid:\n{}", output_text(&out));
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "revocation"), "indeterminate", "{s:#}");
        let m = check_message(s, "revocation");
        assert!(m.contains("revoked at") && m.contains("only claimed"), "{m}");
    }
    // Online: the responder now answers "revoked"; the embedded "good" does not hide it.
    let args = vec!["--trust".to_string(), arg(&pki.root()), "--issued-on".into(), today_vn()];
    let (code, report, out) = verify_json(&args, &[&archived]);
    assert_ne!(code, 0, "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["verdict"], "indeterminate", "{report:#}");
    assert_eq!(check_status(sig(&report, 1), "revocation"), "indeterminate", "{report:#}");
    // A timestamp made before the revocation proves the signature came first: valid,
    // with a warning about the later revocation.
    let pki2 = TestPki::new();
    let stamped = dir.path().join("stamped.pdf");
    sign_vbdt(&pki2, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &stamped, &["--tsa", &pki2.tsa_url()]);
    std::thread::sleep(std::time::Duration::from_secs(1));
    let (root_crl, revoked_ca_crl) = pki2.revoke("personal", dir.path());
    let (_, report, out) = verify_offline(&pki2, &[&revoked_ca_crl, &root_crl], &[], &stamped);
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "revocation"), "pass", "{}", output_text(&out));
    assert!(s["warnings"].to_string().contains("revoked"), "{s:#}");
    assert_eq!(s["verdict"], "valid", "{s:#}");
}

/// A CRL issued before the (claimed) signing time, as the only evidence: the revocation
/// check is indeterminate and says why; the same CRL issued after it proves the status.
#[test]
fn a_crl_from_before_the_signing_time_proves_nothing_at_it() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    // The PKI's own CRLs were issued when it was made (dated 5 minutes before, the clock
    // skew allowed): a signature a moment later comes after them.
    std::thread::sleep(std::time::Duration::from_secs(2));
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let (_, report, out) = verify_offline(pki, &[&pki.crl("ca"), &pki.crl("root")], &[], &signed);
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "indeterminate", "{}", output_text(&out));
    assert_eq!(check_status(s, "revocation"), "indeterminate", "{s:#}");
    let m = check_message(s, "revocation");
    assert!(m.contains("before the signing time") && m.contains("only the signer claims"), "{m}");
    // Vietnamese report too.
    let mut cmd = vbdt(["verify", "--lang", "vi", "--offline", "--trust"]);
    cmd.arg(pki.root()).arg("--crl").arg(pki.crl("ca")).arg("--crl").arg(pki.crl("root")).arg(&signed);
    let text = output_text(&run(&mut cmd));
    assert!(text.contains("không xác định được tình trạng"), "{text}");
    // Issued after the signature: proof.
    let (root_crl, ca_crl) = pki.fresh_crls(dir.path());
    let (_, report, out) = verify_offline(pki, &[&ca_crl, &root_crl], &[], &signed);
    assert_eq!(check_status(sig(&report, 1), "revocation"), "pass", "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["verdict"], "valid", "{}", output_text(&out));
}

// ---------------------------------------------------------------------------------------
// Must-show 4: usage and policy (Điều 31.1.b)

/// A certificate whose extended key usage is TLS client authentication only fails Điều
/// 31.1.b in verify, and `vbdt sign` refuses it before signing.
#[test]
fn client_auth_only_is_not_a_document_signing_certificate() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out_pdf = dir.path().join("signed.pdf");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&out_pdf)
        .arg("--p12")
        .arg(pki.p12("clientauth"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", "personal", "--lang", "en", "--invisible", "--offline"]);
    let out = run(&mut cmd);
    assert!(!out.status.success(), "vbdt sign must refuse a clientAuth-only certificate:\n{}", output_text(&out));
    let text = output_text(&out);
    assert!(text.contains("31.1.b") || text.contains("extended key usage"), "{text}");
    assert!(!out_pdf.exists(), "no output file on refusal");
    // Signed by other software: verify fails it.
    sign_pyhanko(pki, "clientauth", &fixture_document("quyet-dinh.pdf"), &out_pdf, true, None);
    let (_, report, out) = verify_json(&offline_args(pki), &[&out_pdf]);
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "invalid", "{}", output_text(&out));
    assert_eq!(check_status(s, "usage"), "fail", "{s:#}");
    assert!(check_message(s, "usage").contains("clientAuth"), "{s:#}");
    assert_eq!(s["verdict"], "invalid");
}

/// The signer's policies are reported; `--require-policy` makes the trust anchor require
/// one: the test PKI's own passes, the government's fails Điều 31.1.b naming both.
#[test]
fn policies_are_reported_and_can_be_required() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let mut args = offline_args(pki);
    let (_, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(sig(&report, 1)["verdict"], "valid", "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["signer"]["policies"], serde_json::json!(["1.3.6.1.4.1.32473.704.1.1"]), "{report:#}");
    args.extend(["--require-policy".to_string(), "1.3.6.1.4.1.32473.704.1".into()]);
    let (_, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(sig(&report, 1)["verdict"], "valid", "an OID below the required one is what it defines:\n{}", output_text(&out));
    assert!(check_message(sig(&report, 1), "usage").contains("1.3.6.1.4.1.32473.704.1"), "{report:#}");
    let mut args = offline_args(pki);
    args.extend(["--require-policy".to_string(), "2.16.704.1.1.1.1.1".into()]);
    let (code, report, out) = verify_json(&args, &[&signed]);
    let s = sig(&report, 1);
    assert_eq!((code, s["verdict"].as_str()), (1, Some("invalid")), "{}", output_text(&out));
    assert_eq!(check_status(s, "usage"), "fail", "{s:#}");
    let m = check_message(s, "usage");
    assert!(m.contains("2.16.704.1.1.1.1.1") && m.contains("1.3.6.1.4.1.32473.704.1.1"), "{m}");
    // A malformed OID is a usage error.
    let mut args = offline_args(pki);
    args.extend(["--require-policy".to_string(), "not-an-oid".into()]);
    let mut cmd = vbdt(["verify"]);
    cmd.args(&args).arg(&signed);
    assert_eq!(run(&mut cmd).status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------
// Must-show 5: official-duty or public (V7)

fn issued_document(pki: &TestPki, dir: &Path, tag: &str) -> std::path::PathBuf {
    let personal = dir.join(format!("{tag}-personal.pdf"));
    let both = dir.join(format!("{tag}-signed.pdf"));
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    sign_vbdt(pki, "organization", "organization", &personal, &both, &[]);
    both
}

/// A vgca-shaped and a neac-shaped test PKI give "official-duty" and "public"; with
/// `--expect issued`, V7 passes for the first and fails for the second, in both
/// languages; without it, V7 only says so.
#[test]
fn official_duty_or_public() {
    let dir = tmp();
    let vgca = TestPki::shared();
    let neac = TestPki::with_aia("neac");
    let official = issued_document(vgca, dir.path(), "vgca");
    let public = issued_document(&neac, dir.path(), "neac");

    let args = |pki: &TestPki, profile: &str| {
        let mut a = offline_args(pki);
        a.extend(["--trust-as".to_string(), profile.into(), "--expect".into(), "issued".into()]);
        a
    };
    let (code, report, out) = verify_json(&args(vgca, "vgca"), &[&official]);
    assert_eq!(code, 0, "{}", output_text(&out));
    for i in [1, 2] {
        assert_eq!(sig(&report, i)["service"]["kind"], "official-duty", "{report:#}");
        assert_eq!(sig(&report, i)["service"]["profile"], "vgca");
    }
    assert_eq!(rule(&report, "V7")["status"], "pass", "{report:#}");

    let (code, report, out) = verify_json(&args(&neac, "neac"), &[&public]);
    assert_eq!(code, 1, "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["service"]["kind"], "public", "{report:#}");
    assert_eq!(sig(&report, 1)["verdict"], "valid", "a public signature can be a valid signature");
    let v7 = rule(&report, "V7");
    assert_eq!(v7["status"], "fail", "{report:#}");
    assert!(v7["message"].as_str().unwrap().contains("signature 1 is public"), "{v7:#}");
    assert_eq!(report["files"][0]["verdict"], "invalid");
    let errors = schema_errors(&report, "report-schema.json");
    assert!(errors.is_empty(), "{}", errors.join("\n"));

    // Text, Vietnamese.
    let mut cmd = vbdt(["verify", "--lang", "vi"]);
    cmd.args(args(&neac, "neac")).arg(&public);
    let text = output_text(&run(&mut cmd));
    assert!(text.contains("công cộng") && text.contains("chuyên dùng công vụ") && text.contains("V7"), "{text}");
    // Without --expect issued: said, not failed.
    let mut a = offline_args(&neac);
    a.extend(["--trust-as".to_string(), "neac".into()]);
    let (code, report, out) = verify_json(&a, &[&public]);
    assert_eq!(code, 0, "{}", output_text(&out));
    assert_eq!(rule(&report, "V7")["status"], "skipped", "{report:#}");
    // A plain --trust anchor is neither.
    let (_, report, _) = verify_json(&offline_args(&neac), &[&public]);
    assert_eq!(sig(&report, 1)["service"]["kind"], "other", "{report:#}");
}

// ---------------------------------------------------------------------------------------
// Must-show 1 and 2: issuers named by AIA, fetched once and kept

/// `vbdt verify --format json` with the issuer cache in `cache`.
fn verify_with_cache(args: &[String], cache: &Path, file: &Path) -> (i32, Value, std::process::Output) {
    let mut cmd = vbdt(["verify", "--format", "json", "--lang", "en"]);
    cmd.args(args).arg(file).env("VBDT_CACHE_DIR", cache);
    let out = run(&mut cmd);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", output_text(&out)));
    (out.status.code().unwrap_or(-1), json, out)
}

/// A signer certificate whose file carries no issuer, with the issuer published at an
/// AIA caIssuers address on 127.0.0.1 (requests counted there): the path builds with the
/// issuer fetched, a second run takes it from the cache without a request; `--offline`
/// with nothing cached is indeterminate naming the address; `vbdt chain` shows the fetched
/// issuer; `vbdt ltv` embeds it, and the result verifies `--offline` with an empty cache.
#[test]
fn issuers_named_by_aia_are_fetched_once_kept_and_embedded() {
    let pki = TestPki::with_aia("vgca");
    let url = pki.ca_issuers_url();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    // pyHanko without --chain: only the signer certificate in the CMS (as real Vietnamese
    // signing software does).
    sign_pyhanko(&pki, "personal", &fixture_document("quyet-dinh.pdf"), &signed, false, None);
    let base = vec!["--trust".to_string(), arg(&pki.root()), "--issued-on".into(), today_vn()];
    let cache = dir.path().join("cache");
    let fetches = || pki.services().requests("/crt/ca.crt");
    assert_eq!(fetches(), 0);

    let (_, report, out) = verify_with_cache(&base, &cache, &signed);
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "path"), "pass", "{}", output_text(&out));
    assert!(check_message(s, "path").contains(&format!("fetched from {url}")), "{}", check_message(s, "path"));
    assert_eq!(s["verdict"], "valid", "{s:#}");
    assert_eq!(fetches(), 1);

    // Second run: from the disk cache, no request.
    let (_, report, out) = verify_with_cache(&base, &cache, &signed);
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "path"), "pass", "{}", output_text(&out));
    assert!(check_message(s, "path").contains("from the cache"), "{}", check_message(s, "path"));
    assert_eq!(fetches(), 1, "the second run must not fetch again");

    // Offline, nothing cached: indeterminate, naming the address.
    let mut offline = base.clone();
    offline.push("--offline".into());
    let (code, report, out) = verify_with_cache(&offline, &dir.path().join("empty-1"), &signed);
    let s = sig(&report, 1);
    assert_eq!(code, 3, "{}", output_text(&out));
    assert_eq!(check_status(s, "path"), "indeterminate", "{s:#}");
    let m = check_message(s, "path");
    assert!(m.contains(&format!("the issuer is published at {url}")) && m.contains("--certs"), "{m}");
    assert_eq!(fetches(), 1, "--offline fetches nothing");
    // Offline with the cache of the first run: the issuer is known locally.
    let (_, report, _) = verify_with_cache(&offline, &cache, &signed);
    assert_eq!(check_status(sig(&report, 1), "path"), "pass", "{report:#}");

    // vbdt chain shows the fetched issuer.
    let mut cmd = vbdt(["chain", "--format", "json", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(&signed).env("VBDT_CACHE_DIR", dir.path().join("empty-2"));
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
    let chain: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = schema_errors(&chain, "chain-schema.json");
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let path = chain["signatures"][0]["path"].as_array().unwrap_or_else(|| panic!("{chain:#}"));
    assert_eq!(path.len(), 3, "{chain:#}");
    assert_eq!(path[1]["fetched"]["url"], url.as_str(), "{chain:#}");
    assert_eq!(path[1]["fetched"]["cache"], false);
    assert!(path[0]["fetched"].is_null() && path[2]["fetched"].is_null());
    assert_eq!(fetches(), 2);
    let mut cmd = vbdt(["chain", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(&signed).env("VBDT_CACHE_DIR", dir.path().join("empty-2"));
    let text = output_text(&run(&mut cmd));
    assert!(text.contains(&format!("from the cache (fetched from {url}")), "{text}");

    // vbdt ltv embeds it; then --offline with an empty cache is valid.
    let archived = dir.path().join("archived.pdf");
    let mut cmd = vbdt(["ltv", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(&signed).arg("-o").arg(&archived).env("VBDT_CACHE_DIR", dir.path().join("empty-3"));
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt ltv failed:\n{}", output_text(&out));
    let before = fetches();
    let (code, report, out) = verify_with_cache(&offline, &dir.path().join("empty-4"), &archived);
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "path"), "pass", "{}", output_text(&out));
    assert!(!check_message(s, "path").contains("fetched"), "{s:#}");
    assert_eq!(s["verdict"], "valid", "{s:#}");
    assert_eq!(fetches(), before);
    let _ = code;
}

/// Attack: the caIssuers address (plain HTTP) answers with a certificate of the same name
/// as the real issuer but another key (a foreign PKI's CA). The path is never valid, the
/// answer is not kept, and once the real issuer is served again the next run finds it.
#[test]
fn a_forged_issuer_from_aia_is_neither_trusted_nor_kept() {
    let mut pki = TestPki::with_aia("vgca");
    let foreign = TestPki::new_foreign();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_pyhanko(&pki, "personal", &fixture_document("quyet-dinh.pdf"), &signed, false, None);
    let forged = std::fs::read(foreign.dir().join("ca.crt")).unwrap();
    pki.services_mut().set_fault("/crt/ca.crt", Some(Fault::Body(forged)));
    let base = vec!["--trust".to_string(), arg(&pki.root()), "--issued-on".into(), today_vn()];
    let cache = dir.path().join("cache");
    let (code, report, out) = verify_with_cache(&base, &cache, &signed);
    let s = sig(&report, 1);
    assert_ne!(s["verdict"], "valid", "{}", output_text(&out));
    assert_ne!(code, 0);
    assert_eq!(check_status(s, "path"), "indeterminate", "{s:#}");
    assert!(check_message(s, "path").contains("does not contain the issuer"), "{}", check_message(s, "path"));
    // Nothing kept: the real issuer is fetched next time.
    pki.services_mut().set_fault("/crt/ca.crt", None);
    let (_, report, out) = verify_with_cache(&base, &cache, &signed);
    assert_eq!(check_status(sig(&report, 1), "path"), "pass", "{}", output_text(&out));
    assert!(check_message(sig(&report, 1), "path").contains("fetched from"), "{report:#}");
}

/// A CA's certificate is no signer's, even where its keyUsage also lists
/// digitalSignature and nonRepudiation (basicConstraints cA=TRUE): `vbdt sign` refuses it
/// before touching the key, and a document another tool signed with it is invalid.
#[test]
fn a_ca_certificate_that_may_also_sign_is_no_signers() {
    let pki = TestPki::shared();
    let dir = tmp();
    let d = dir.path();
    let (key, csr, cert, p12) = (d.join("ca.key.pem"), d.join("ca.csr"), d.join("ca.pem"), d.join("ca.p12"));
    let ext = d.join("ext.cnf");
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign,digitalSignature,nonRepudiation\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    )
    .unwrap();
    let openssl = require_tool("openssl");
    run_ok(std::process::Command::new(&openssl).args(["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out"]).arg(&key));
    run_ok(
        std::process::Command::new(&openssl)
            .args(["req", "-new", "-subj", "/C=VN/O=Thu nghiem/CN=CA ky van ban", "-key"])
            .arg(&key)
            .arg("-out")
            .arg(&csr),
    );
    run_ok(
        std::process::Command::new(&openssl)
            .args(["x509", "-req", "-days", "30", "-in"])
            .arg(&csr)
            .arg("-CA")
            .arg(pki.root())
            .arg("-CAkey")
            .arg(pki.key("root"))
            .arg("-CAcreateserial")
            .arg("-extfile")
            .arg(&ext)
            .arg("-out")
            .arg(&cert),
    );
    run_ok(
        std::process::Command::new(&openssl)
            .args(["pkcs12", "-export", "-inkey"])
            .arg(&key)
            .arg("-in")
            .arg(&cert)
            .arg("-passout")
            .arg(format!("file:{}", pki.password_file().display()))
            .arg("-out")
            .arg(&p12),
    );

    let out_pdf = d.join("signed.pdf");
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&out_pdf)
        .arg("--p12")
        .arg(&p12)
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", "personal", "--lang", "en", "--invisible", "--offline"]);
    let out = run(&mut cmd);
    let text = output_text(&out);
    assert!(!out.status.success(), "vbdt sign must refuse a CA certificate:\n{text}");
    assert!(text.contains("is a CA certificate"), "{text}");
    assert!(!out_pdf.exists(), "no output file on refusal");

    // Signed by pyHanko with the CA's key: the signature is intact, the signer is no signer.
    let mut cmd = std::process::Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "addsig", "--field", "Sig1", "--use-pades", "pemder", "--key"])
        .arg(&key)
        .arg("--cert")
        .arg(&cert)
        .arg("--no-pass")
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg(&out_pdf);
    run_ok(&mut cmd);
    let (_, report, out) = verify_json(&offline_args(pki), &[&out_pdf]);
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "invalid", "{}", output_text(&out));
    assert_eq!(check_status(s, "usage"), "fail", "{s:#}");
    assert!(check_message(s, "usage").contains("CA"), "{s:#}");
}
