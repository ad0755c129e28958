//! Issue 6: `vbdt chain` (history, --extract) and `vbdt ltv` (PAdES B-LT / B-LTA,
//! renewal), and `vbdt verify --offline --at` from embedded evidence alone.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use serde_json::Value;
use verify_util::*;

fn chain_json(file: &Path, extra: &[&str]) -> Value {
    let mut cmd = vbdt(["chain", "--format", "json", "--lang", "en"]);
    cmd.arg(file).args(extra);
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt chain failed:\n{}", output_text(&out));
    chain_of(&out)
}

fn kinds(v: &Value) -> (usize, usize) {
    let sigs = v["signatures"].as_array().unwrap();
    let n = |k: &str| sigs.iter().filter(|s| s["kind"] == k).count();
    (n("signature"), n("document-timestamp"))
}

fn ltv(pki: &TestPki, input: &Path, output: &Path, lta: bool) {
    let mut cmd = vbdt(["ltv", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg(input).arg("-o").arg(output);
    if lta {
        cmd.arg("--lta").arg("--tsa").arg(pki.tsa_url());
    }
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt ltv failed:\n{}", output_text(&out));
}

/// `vbdt verify --offline --trust ROOT --at AT` (no --crl: only what the file carries).
fn verify_offline_at(pki: &TestPki, file: &Path, at: &str) -> (i32, Value, std::process::Output) {
    let args: Vec<String> = vec![
        "--trust".into(),
        pki.root().display().to_string(),
        "--offline".into(),
        "--at".into(),
        at.into(),
        "--issued-on".into(),
        today_vn(),
    ];
    verify_json(&args, &[file])
}

fn pyhanko_ades(pki: &TestPki, file: &Path, at: Option<&str>) -> (bool, String) {
    let mut cmd = std::process::Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "adesverify", "--trust"]).arg(pki.root()).arg("--trust-replace");
    if let Some(t) = at {
        cmd.args(["--validation-time", t]);
    }
    cmd.arg(file).env("TZ", "UTC");
    let out = run(&mut cmd);
    let text = output_text(&out);
    (out.status.success(), text)
}

/// An RFC 3339 time `days` after the personal certificate's notAfter.
fn after_expiry(pki: &TestPki, days: i64) -> String {
    let pem = std::fs::read(pki.cert("personal")).unwrap();
    let cert = x509_cert::Certificate::load_pem_chain(&pem).unwrap().remove(0);
    let na = cert.tbs_certificate.validity.not_after.to_unix_duration().as_secs() as i64;
    let t = time::OffsetDateTime::from_unix_timestamp(na + days * 86_400).unwrap();
    t.format(&time::format_description::well_known::Rfc3339).unwrap()
}

#[test]
fn chain_extract_gives_the_personal_signers_revision_byte_for_byte() {
    let pki = TestPki::shared();
    let dir = tmp();
    let personal = dir.path().join("personal.pdf");
    let both = dir.path().join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    sign_vbdt(pki, "organization", "organization", &personal, &both, &[]);
    let v = chain_json(&both, &["--trust", &pki.root().display().to_string()]);
    assert_eq!(kinds(&v), (2, 0), "{v:#}");
    let s1 = &v["signatures"][0];
    assert_eq!(s1["role"], "personal");
    assert_eq!(v["signatures"][1]["role"], "organization");
    let path = s1["path"].as_array().unwrap();
    assert_eq!(path.len(), 3, "personal → CA → root: {s1:#}");
    assert_eq!(path[2]["anchor"], true);
    let n = s1["revision"].as_u64().unwrap();
    let out_file = dir.path().join("rev.pdf");
    let out = run(vbdt(["chain"]).arg(&both).arg("--extract").arg(n.to_string()).arg("-o").arg(&out_file));
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(
        std::fs::read(&out_file).unwrap(),
        std::fs::read(&personal).unwrap(),
        "revision {n} is the file before the organization signature"
    );
    // A revision that does not exist is a usage error.
    let out = run(vbdt(["chain"]).arg(&both).arg("--extract").arg("99").arg("-o").arg(dir.path().join("x.pdf")));
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    // The text tree in both languages.
    let vi = run_ok(vbdt(["chain", "--lang", "vi"]).arg(&both));
    assert!(vi.contains("Chữ ký 1") && vi.contains("phiên bản"), "{vi}");
    let en = run_ok(vbdt(["chain", "--lang", "en"]).arg(&both));
    assert!(en.contains("Signature 2") && en.contains("+07:00"), "{en}");
}

#[test]
fn chain_on_the_dss_signed_corpus_counts_what_pyhanko_finds() {
    let Some(shared) = shared_or_skip("chain_dss_signed") else { return };
    let dir = shared.join("corpus/dss-signed");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut seen = 0;
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 4 {
            continue;
        }
        // pyHanko 0.38's result per signature or document timestamp, separated by " | ".
        let expected = cols[3].split(" | ").filter(|s| !s.trim().is_empty()).count();
        let file = dir.join(cols[0]);
        let out = run(vbdt(["chain", "--format", "json"]).arg(&file));
        assert!(out.status.code().is_some(), "{}: killed by a signal", cols[0]);
        assert!(out.status.success(), "{}: {}", cols[0], output_text(&out));
        let v = chain_of(&out);
        let (s, t) = kinds(&v);
        // pyHanko ignores (does not list) /adbe.pkcs7.sha1 signatures, vbdt lists them.
        let sha1 = v["signatures"].as_array().unwrap().iter().filter(|x| x["sub_filter"] == "adbe.pkcs7.sha1").count();
        assert_eq!(
            s + t - sha1,
            expected,
            "{}: vbdt chain finds {s} signature(s) and {t} document timestamp(s), pyHanko {expected}: {}",
            cols[0],
            cols[3]
        );
        seen += 1;
    }
    assert!(seen >= 20, "{seen} files");
}

/// Issue 6, "What it must show" 1 and 4: B-LT, B-LTA, renewal; then with the OCSP
/// responder and TSA stopped, valid offline now and after the signer's expiry, for vbdt
/// and pyHanko; without the DSS not valid.
#[test]
fn lta_validates_offline_after_expiry_and_renews() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let d = |n: &str| dir.path().join(n);
    let tsa = pki.tsa_url();
    sign_vbdt(&pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &d("p.pdf"), &["--tsa", &tsa]);
    sign_vbdt(&pki, "organization", "organization", &d("p.pdf"), &d("po.pdf"), &["--tsa", &tsa]);
    ltv(&pki, &d("po.pdf"), &d("lt.pdf"), false);
    let v = chain_json(&d("lt.pdf"), &["--trust", &pki.root().display().to_string()]);
    assert_eq!(v["level"], "B-LT", "{v:#}");
    assert!(v["signatures"].as_array().unwrap().iter().all(|s| s["has_vri"] == true), "{v:#}");
    let leaf = &v["signatures"][0]["path"][0];
    assert!(leaf["revocation"].as_array().unwrap().iter().any(|e| e["location"] == "dss-vri" && e["covers_use_time"] == true), "{leaf:#}");
    ltv(&pki, &d("lt.pdf"), &d("lta.pdf"), true);
    let v = chain_json(&d("lta.pdf"), &[]);
    assert_eq!(v["level"], "B-LTA");
    assert_eq!(kinds(&v), (2, 1), "{v:#}");
    assert!(v["renewal_due"].is_string());
    // Renewal: a second document timestamp.
    ltv(&pki, &d("lta.pdf"), &d("lta2.pdf"), true);
    let v2 = chain_json(&d("lta2.pdf"), &[]);
    assert_eq!(kinds(&v2), (2, 2), "{v2:#}");
    // The earlier file is a prefix: nothing was rewritten.
    assert!(std::fs::read(d("lta2.pdf")).unwrap().starts_with(&std::fs::read(d("lta.pdf")).unwrap()));

    // Other readers accept the updates: qpdf finds no error; pdfsig (NSS, online) lists
    // all four fields and verifies and trusts both signatures (poppler does not verify
    // ETSI.RFC3161 document timestamps: "Signature Type: unknown").
    let (ok, text) = qpdf_check(&d("lta2.pdf"));
    assert!(ok, "{text}");
    let rep = pdfsig_validate(&d("lta2.pdf"), &pki.root());
    assert_eq!(rep.signatures.len(), 4, "{}", rep.output);
    assert!(rep.signatures.iter().take(2).all(|s| s.ok()), "{}", rep.output);

    pki.services_mut().stop();
    let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap();
    let later = after_expiry(&pki, 30);
    for f in ["lta.pdf", "lta2.pdf"] {
        for at in [&now, &later] {
            let (code, report, out) = verify_offline_at(&pki, &d(f), at);
            assert_eq!(code, 0, "{f} at {at}: {}\n{report:#}", output_text(&out));
            let n = report["files"][0]["signatures"].as_array().unwrap().len();
            assert_eq!(n, if f == "lta.pdf" { 3 } else { 4 });
        }
    }
    // pyHanko reads the revocation data embedded in the file only with --validation-time.
    for at in [Some(now.as_str()), Some(later.as_str())] {
        let (ok, text) = pyhanko_ades(&pki, &d("lta.pdf"), at);
        assert!(ok, "pyHanko adesverify at {at:?}:\n{text}");
        // Both signatures INTACT:TRUSTED (after expiry: by past validation through the
        // document timestamp), the last one extended with LTA updates.
        let verdicts = pyhanko_verdicts(&text);
        assert!(verdicts.len() == 2 && verdicts.iter().all(|(_, ok)| *ok), "pyHanko adesverify at {at:?}:\n{text}");
        assert!(text.contains("EXTENDED_WITH_LTA_UPDATES"), "pyHanko adesverify at {at:?}:\n{text}");
    }
    // Without the DSS (the document as signed), the same check is not valid.
    let (code, report, _) = verify_offline_at(&pki, &d("po.pdf"), &later);
    assert_ne!(code, 0, "{report:#}");
}

/// Batch: files in parallel; an unsigned file fails (exit 4) without stopping the others.
#[test]
fn ltv_batch_one_failure_does_not_stop_the_rest() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let unsigned = dir.path().join("unsigned.pdf");
    std::fs::copy(fixture_document("quyet-dinh.pdf"), &unsigned).unwrap();
    let out_dir = dir.path().join("out");
    let out = run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(&unsigned).arg(&signed).arg("--out-dir").arg(&out_dir));
    assert_eq!(out.status.code(), Some(4), "{}", output_text(&out));
    let text = output_text(&out);
    assert!(text.contains("unsigned.pdf") && text.contains("no signature"), "{text}");
    assert!(text.contains("Processed 1 of 2 files; 1 failed."), "{text}");
    assert!(!out_dir.join("unsigned.pdf").exists());
    let v = chain_json(&out_dir.join("signed.pdf"), &[]);
    assert_eq!(v["level"], "B-LT", "{v:#}");
}

/// The LTA file with its DSS made unreachable: an incremental update that rewrites the
/// catalog without `/DSS` (the DSS bytes stay in the file, nothing refers to them).
fn strip_dss(input: &Path, output: &Path) {
    use pdf_verify::lopdf::{Document, Object, Writer};
    let bytes = std::fs::read(input).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).unwrap();
    let mut catalog = doc.get_dictionary(root).unwrap().clone();
    assert!(catalog.remove(b"DSS").is_some(), "{}: the catalog has no /DSS", input.display());
    let mut body = Vec::new();
    Writer::write_object(&mut body, &Object::Dictionary(catalog)).unwrap();
    std::fs::write(output, append_update(&bytes, &[(root.0, body)], "")).unwrap();
}

/// pyHanko's AdES verdict on one signature, as tests/tools/pyhanko_ades.py reports it.
#[derive(Debug)]
struct Ades {
    field: String,
    indication: String,
    with_time_failure: Option<String>,
    best_signature_time: Option<time::OffsetDateTime>,
    trusted: bool,
}

/// `pyhanko sign adesverify --validation-time AT` through tests/tools/pyhanko_ades.py;
/// `lift`: without pyHanko's requirement of a signature timestamp (see the script).
fn pyhanko_ades_detail(pki: &TestPki, file: &Path, at: &str, lift: bool) -> (Vec<Ades>, String) {
    require_tool("pyhanko");
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("tests/tools/pyhanko_ades.py"));
    if lift {
        cmd.arg("--lift-signature-timestamp-requirement");
    }
    cmd.args(["sign", "adesverify", "--trust"])
        .arg(pki.root())
        .args(["--trust-replace", "--validation-time", at])
        .arg(file)
        .env("TZ", "UTC");
    let out = run(&mut cmd);
    let text = output_text(&out);
    let parse_time =
        |v: &Value| v.as_str().and_then(|s| time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok());
    let lines: Vec<Ades> = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("ADES "))
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            Ades {
                field: v["field"].as_str().unwrap_or_default().to_string(),
                indication: v["indication"].as_str().unwrap_or_default().to_string(),
                with_time_failure: v["with_time_failure"].as_str().map(str::to_string),
                best_signature_time: parse_time(&v["best_signature_time"]),
                trusted: v["bottom_line"] == true,
            }
        })
        .collect();
    assert!(!lines.is_empty(), "pyHanko reported no signature (is pyHanko importable by python3?):\n{text}");
    (lines, text)
}

fn vn_time(v: &Value) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(v.as_str().unwrap_or_else(|| panic!("not a time: {v}")), &time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// The common case: signatures without timestamps (PAdES B-B, `vbdt sign` without --tsa)
/// taken to B-LTA later. After the signers' certificates expired, with the OCSP responder
/// and TSA gone, the document timestamp is what proves the signatures existed in time (past
/// signature validation); without it (B-LT only), or with the DSS made unreachable,
/// nothing does and the signatures are not valid.
#[test]
fn bb_signatures_validate_after_expiry_through_the_document_timestamp() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let d = |n: &str| dir.path().join(n);
    let signed = signed_decision(&pki, dir.path());
    ltv(&pki, &signed, &d("lt.pdf"), false);
    ltv(&pki, &d("lt.pdf"), &d("lta.pdf"), true);
    strip_dss(&d("lta.pdf"), &d("lta-no-dss.pdf"));
    pki.services_mut().stop();
    let now = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap();
    let later = after_expiry(&pki, 30);

    // B-LTA after the expiry: valid, by the document timestamp.
    let (code, report, out) = verify_offline_at(&pki, &d("lta.pdf"), &later);
    assert_eq!(code, 0, "{}\n{report:#}", output_text(&out));
    let ts = sig(&report, 3).clone();
    assert_eq!(ts["kind"], "document-timestamp");
    assert_eq!(ts["verdict"], "valid", "{ts:#}");
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "valid", "{s:#}");
        // The signing time is still the signer's claim (rule S7 reads it); the checks were
        // made at the time the document timestamp proves.
        assert_eq!(s["time_source"], "claimed", "{s:#}");
        assert_eq!(s["proof_of_existence"]["source"], "document-timestamp", "{s:#}");
        assert_eq!(s["proof_of_existence"]["field"], ts["field"], "{s:#}");
        assert_eq!(s["proof_of_existence"]["time"], ts["signing_time"], "{s:#}");
        assert_eq!(s["checked_at"]["source"], "document-timestamp", "{s:#}");
        assert_eq!(s["checked_at"]["time"], ts["signing_time"], "{s:#}");
        assert!(check_message(s, "validity").contains("proven to exist"), "{s:#}");
        assert!(check_message(s, "revocation").contains("embedded OCSP"), "{s:#}");
    }
    // Before the expiry the claimed signing time is still what the certificate is judged
    // at; the proof of existence is reported all the same.
    let (code, report, out) = verify_offline_at(&pki, &d("lta.pdf"), &now);
    assert_eq!(code, 0, "{}\n{report:#}", output_text(&out));
    assert_eq!(sig(&report, 1)["checked_at"]["source"], "claimed");
    assert_eq!(sig(&report, 1)["proof_of_existence"]["source"], "document-timestamp");

    // B-LT only: the evidence is there, but nothing proves the signatures existed before
    // the expiry: the claimed time proves nothing once the certificate has expired.
    let (code, report, out) = verify_offline_at(&pki, &d("lt.pdf"), &later);
    assert_eq!(code, 3, "{}\n{report:#}", output_text(&out));
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "validity"), "indeterminate", "{s:#}");
        assert!(check_message(s, "validity").contains("only claimed"), "{s:#}");
        assert!(s["proof_of_existence"].is_null(), "{s:#}");
    }
    // The same file before the expiry is valid: only the time makes the difference.
    let (code, report, out) = verify_offline_at(&pki, &d("lt.pdf"), &now);
    assert_eq!(code, 0, "{}\n{report:#}", output_text(&out));

    // The LTA file with its DSS unreachable: no revocation evidence for the signers, nor
    // for the document timestamp's TSA: not valid. And the document timestamp, made when
    // the DSS and its VRI entries existed, covered them: removing them afterwards is a
    // disallowed change for it (pyHanko: test_pades_double_sign_delete_dss), so the file
    // is invalid.
    let (code, report, out) = verify_offline_at(&pki, &d("lta-no-dss.pdf"), &later);
    assert_eq!(code, 1, "{}\n{report:#}", output_text(&out));
    let timestamp = report["files"][0]["signatures"].as_array().unwrap().last().unwrap();
    assert_eq!(check_status(timestamp, "modifications"), "fail", "{timestamp:#}");
    assert!(check_message(timestamp, "modifications").contains("VRI"), "{timestamp:#}");
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "revocation"), "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "modifications"), "pass", "removing the DSS is an allowed change: {s:#}");
    }

    // pyHanko 0.38 (adesverify, no network): its AdES "validation with time" requires a
    // signature timestamp, so it never reaches the past signature validation for these
    // signatures, at any time: it reports them INTACT but not trusted, and that is its only
    // objection. With that requirement lifted, its own past validation through the
    // document timestamp accepts both, with the document timestamp's time as the
    // best-signature-time; and refuses them for the B-LT file and the stripped one.
    let ts_time = vn_time(&ts["signing_time"]);
    let (plain, text) = pyhanko_ades_detail(&pki, &d("lta.pdf"), &later, false);
    assert_eq!(plain.len(), 2, "{text}");
    for a in &plain {
        assert!(
            a.trusted || a.with_time_failure.as_deref() == Some("No signature timestamp present"),
            "pyHanko refuses {} for another reason: {a:?}\n{text}",
            a.field
        );
        assert!(text.contains(&format!("{}:", a.field)) && text.contains(":INTACT:"), "{text}");
    }
    let (lifted, text) = pyhanko_ades_detail(&pki, &d("lta.pdf"), &later, true);
    assert_eq!(lifted.len(), 2, "{text}");
    for a in &lifted {
        assert!(a.trusted && a.indication == "AdESPassed.OK", "pyHanko past validation of {}: {a:?}\n{text}", a.field);
        let best = a.best_signature_time.unwrap_or_else(|| panic!("{a:?}"));
        assert!(
            (best - ts_time).abs() <= time::Duration::seconds(1),
            "pyHanko's best-signature-time {best} is not the document timestamp's {ts_time}"
        );
    }
    for f in ["lt.pdf", "lta-no-dss.pdf"] {
        let (lifted, text) = pyhanko_ades_detail(&pki, &d(f), &later, true);
        assert!(lifted.iter().all(|a| !a.trusted), "pyHanko trusts a signature of {f}:\n{text}");
    }
}

/// A TSA certificate like the PKI's (same key, name and extensions) but valid for `days`
/// from now, known to the OCSP responder; returns its path.
fn short_lived_tsa(pki: &TestPki, dir: &Path, days: u32) -> std::path::PathBuf {
    let csr = dir.join("tsa-short.csr");
    let pem = dir.join("tsa-short.pem");
    run_ok(
        std::process::Command::new("openssl")
            .args(["x509", "-x509toreq", "-copy_extensions", "copyall", "-in"])
            .arg(pki.cert("tsa"))
            .arg("-signkey")
            .arg(pki.key("tsa"))
            .arg("-out")
            .arg(&csr),
    );
    let nanos = time::OffsetDateTime::now_utc().unix_timestamp_nanos() as u128;
    let serial = format!("5A{:030X}", nanos & ((1u128 << 120) - 1));
    run_ok(
        std::process::Command::new("openssl")
            .args([
                "x509",
                "-req",
                "-copy_extensions",
                "copyall",
                "-sha256",
                "-days",
                &days.to_string(),
                "-set_serial",
                &format!("0x{serial}"),
                "-in",
            ])
            .arg(&csr)
            .arg("-CA")
            .arg(pki.cert("ca"))
            .arg("-CAkey")
            .arg(pki.key("ca"))
            .arg("-out")
            .arg(&pem),
    );
    let cert = x509_cert::Certificate::load_pem_chain(&std::fs::read(&pem).unwrap()).unwrap().remove(0);
    let na =
        time::OffsetDateTime::from_unix_timestamp(cert.tbs_certificate.validity.not_after.to_unix_duration().as_secs() as i64).unwrap();
    let stamp =
        format!("{:02}{:02}{:02}{:02}{:02}{:02}Z", na.year() % 100, u8::from(na.month()), na.day(), na.hour(), na.minute(), na.second());
    let mut index = std::fs::read_to_string(pki.dir().join("index.txt")).unwrap();
    if !index.ends_with('\n') {
        index.push('\n');
    }
    index.push_str(&format!("V\t{stamp}\t\t{serial}\tunknown\t/CN=vbdt Test TSA\n"));
    std::fs::write(pki.dir().join("index.txt"), index).unwrap();
    pem
}

/// Renewal (issue 6, 4) when it matters: the first document timestamp's TSA certificate
/// expires before the signers' do. At a time after both expiries, the first timestamp
/// counts only because the renewal timestamp (by a TSA still valid) proves it existed
/// before its TSA expired; without the renewal, nothing proves the signatures.
#[test]
fn renewal_carries_the_proof_past_the_first_tsa_expiry() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let d = |n: &str| dir.path().join(n);
    let long = d("tsa-long.pem");
    std::fs::copy(pki.cert("tsa"), &long).unwrap();
    let short = short_lived_tsa(&pki, dir.path(), 400);
    let signed = signed_decision(&pki, dir.path());
    // The test TSA answers with whatever certificate tsa.pem holds (read per request).
    std::fs::copy(&short, pki.cert("tsa")).unwrap();
    ltv(&pki, &signed, &d("lta1.pdf"), true);
    std::fs::copy(&long, pki.cert("tsa")).unwrap();
    ltv(&pki, &d("lta1.pdf"), &d("lta2.pdf"), true);
    pki.services_mut().stop();
    let later = after_expiry(&pki, 30);

    let (code, report, out) = verify_offline_at(&pki, &d("lta2.pdf"), &later);
    assert_eq!(code, 0, "{}\n{report:#}", output_text(&out));
    let (ts1, ts2) = (sig(&report, 3), sig(&report, 4));
    assert!(
        vn_time(&ts1["signer"]["not_after"]) < vn_time(&serde_json::json!(later)),
        "the first TSA has expired at the validation time: {ts1:#}"
    );
    assert_eq!(ts1["verdict"], "valid", "{ts1:#}");
    assert_eq!(ts1["proof_of_existence"]["field"], ts2["field"], "{ts1:#}");
    assert!(check_message(ts1, "validity").contains("proves the token existed"), "{ts1:#}");
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "valid", "{s:#}");
        assert_eq!(s["proof_of_existence"]["field"], ts1["field"], "the earliest proof: {s:#}");
    }

    // Without the renewal, the first timestamp's TSA has expired and nothing later covers
    // it: it proves nothing, and neither signature is proven.
    let (code, report, out) = verify_offline_at(&pki, &d("lta1.pdf"), &later);
    assert_eq!(code, 3, "{}\n{report:#}", output_text(&out));
    let ts1 = sig(&report, 3);
    assert_eq!(ts1["verdict"], "indeterminate", "{ts1:#}");
    assert_eq!(check_status(ts1, "validity"), "indeterminate", "{ts1:#}");
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert!(s["proof_of_existence"].is_null(), "{s:#}");
    }

    // pyHanko's past validation (signature-timestamp requirement lifted, see above)
    // agrees on both files.
    let (lifted, text) = pyhanko_ades_detail(&pki, &d("lta2.pdf"), &later, true);
    assert!(lifted.len() == 2 && lifted.iter().all(|a| a.trusted), "pyHanko on the renewed file:\n{text}");
    let (lifted, text) = pyhanko_ades_detail(&pki, &d("lta1.pdf"), &later, true);
    assert!(lifted.iter().all(|a| !a.trusted), "pyHanko on the file without renewal:\n{text}");
}

/// `vbdt ltv --lta` on inputs whose last xref section is a stream, and on a
/// hybrid-reference file (table with /XRefStm): the updates keep a readable xref chain
/// (qpdf, pyHanko) and the result verifies.
#[test]
fn ltv_on_xref_stream_and_hybrid_reference_inputs() {
    use pdf_verify::pdf_raw::{RawPdf, XrefKind};
    let Some(shared) = shared_or_skip("ltv_on_xref_stream_and_hybrid_reference_inputs") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    for (name, kind) in [("minimal-xref.pdf", XrefKind::Stream), ("minimal-hybrid-xref.pdf", XrefKind::Hybrid)] {
        let input = shared.join("corpus/pyhanko").join(name);
        let bytes = std::fs::read(&input).unwrap();
        assert_eq!(RawPdf::parse(&bytes).unwrap().last().kind, kind, "{name} is not the kind of file this test is about");
        let d = |n: &str| dir.path().join(format!("{name}.{n}"));
        sign_vbdt(pki, "personal", "personal", &input, &d("p.pdf"), &[]);
        sign_vbdt(pki, "organization", "organization", &d("p.pdf"), &d("po.pdf"), &[]);
        ltv(pki, &d("po.pdf"), &d("lta.pdf"), true);
        let out = std::fs::read(d("lta.pdf")).unwrap();
        assert!(out.starts_with(&std::fs::read(d("po.pdf")).unwrap()), "{name}: not an incremental update");
        let raw = RawPdf::parse(&out).unwrap();
        // A stream stays a stream; a hybrid file gets classic tables (its /XRefStm stays
        // reachable through /Prev).
        let want = if kind == XrefKind::Stream { XrefKind::Stream } else { XrefKind::Table };
        assert_eq!(raw.last().kind, want, "{name}");
        let v = chain_json(&d("lta.pdf"), &[]);
        assert_eq!(v["level"], "B-LTA", "{name}: {v:#}");
        assert_eq!(kinds(&v), (2, 1), "{name}: {v:#}");

        let (ok, text) = qpdf_check(&d("lta.pdf"));
        assert!(ok, "{name}: qpdf: {text}");
        let mut cmd = std::process::Command::new(require_tool("pyhanko"));
        cmd.args(["sign", "validate", "--trust"]).arg(pki.root()).arg("--trust-replace");
        if kind == XrefKind::Hybrid {
            // pyHanko's strict mode refuses hybrid-reference files as a matter of policy.
            cmd.arg("--no-strict-syntax");
        }
        let run_out = run(cmd.arg(d("lta.pdf")).env("TZ", "UTC"));
        let text = output_text(&run_out);
        let verdicts = pyhanko_verdicts(&String::from_utf8_lossy(&run_out.stdout));
        assert!(run_out.status.success() && verdicts.len() == 2 && verdicts.iter().all(|(_, ok)| *ok), "{name}: pyHanko:\n{text}");

        let (code, report, out) =
            verify_json(&["--trust".into(), pki.root().display().to_string(), "--issued-on".into(), today_vn()], &[&d("lta.pdf")]);
        assert_eq!(code, 0, "{name}: {}\n{report:#}", output_text(&out));
        assert_eq!(report["files"][0]["signatures"].as_array().unwrap().len(), 3, "{name}: {report:#}");
    }
}

/// Signature timestamps get the same treatment: signatures timestamped (B-T) by a TSA whose
/// certificate expires before the signers' do. After both expiries the signature timestamps
/// count only through a document timestamp made before the TSA expired; a B-LT file has
/// none, and its signatures are not valid there.
#[test]
fn signature_timestamps_of_an_expired_tsa_need_a_document_timestamp() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let d = |n: &str| dir.path().join(n);
    let long = d("tsa-long.pem");
    std::fs::copy(pki.cert("tsa"), &long).unwrap();
    let short = short_lived_tsa(&pki, dir.path(), 400);
    std::fs::copy(&short, pki.cert("tsa")).unwrap();
    let tsa = pki.tsa_url();
    sign_vbdt(&pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &d("p.pdf"), &["--tsa", &tsa]);
    sign_vbdt(&pki, "organization", "organization", &d("p.pdf"), &d("po.pdf"), &["--tsa", &tsa]);
    ltv(&pki, &d("po.pdf"), &d("lt.pdf"), false);
    std::fs::copy(&long, pki.cert("tsa")).unwrap();
    ltv(&pki, &d("lt.pdf"), &d("lta.pdf"), true);
    pki.services_mut().stop();
    let later = after_expiry(&pki, 30);

    let (code, report, out) = verify_offline_at(&pki, &d("lta.pdf"), &later);
    assert_eq!(code, 0, "{}\n{report:#}", output_text(&out));
    let ts = sig(&report, 3).clone();
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "valid", "{s:#}");
        assert_eq!(s["time_source"], "timestamp", "{s:#}");
        assert_eq!(s["proof_of_existence"]["source"], "timestamp", "{s:#}");
        assert_eq!(s["checked_at"]["source"], "timestamp", "{s:#}");
        let m = check_message(s, "timestamp");
        assert!(m.contains("expired since") && m.contains(ts["field"].as_str().unwrap()), "{s:#}");
    }

    let (code, report, out) = verify_offline_at(&pki, &d("lt.pdf"), &later);
    assert_eq!(code, 3, "{}\n{report:#}", output_text(&out));
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "indeterminate", "{s:#}");
        assert_eq!(check_status(s, "timestamp"), "indeterminate", "{s:#}");
        assert_eq!(s["time_source"], "claimed", "the timestamp proves nothing any more: {s:#}");
        assert_eq!(check_status(s, "validity"), "indeterminate", "{s:#}");
    }
}

/// Proof of existence never rescues a signature made after its certificate was revoked: a
/// B-B signature by a certificate revoked the day before (pyHanko signs what vbdt
/// refuses), then a document timestamp over it. Validated after the expiry with the CA's
/// CRL, it stays invalid, although the document timestamp is verified and reported as its
/// proof of existence.
#[test]
fn a_signature_revoked_before_its_proof_of_existence_stays_invalid() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let d = |n: &str| dir.path().join(n);
    sign_pyhanko(&pki, "revoked", &fixture_document("quyet-dinh.pdf"), &d("signed.pdf"), true, None);
    let out = run(std::process::Command::new(require_tool("pyhanko"))
        .args(["sign", "timestamp", "--trust"])
        .arg(pki.root())
        .args(["--trust-replace", "--timestamp-url", &pki.tsa_url()])
        .arg(d("signed.pdf"))
        .arg(d("ts.pdf")));
    assert!(out.status.success(), "pyhanko sign timestamp: {}", output_text(&out));
    pki.services_mut().stop();
    let mut args = offline_args(&pki);
    args.extend(["--at".to_string(), after_expiry(&pki, 30)]);
    let (code, report, out) = verify_json(&args, &[&d("ts.pdf")]);
    assert_eq!(code, 1, "{}\n{report:#}", output_text(&out));
    let (s, ts) = (sig(&report, 1), sig(&report, 2));
    assert_eq!(ts["kind"], "document-timestamp");
    assert_eq!(ts["verdict"], "valid", "the proof itself is sound: {ts:#}");
    assert_eq!(s["proof_of_existence"]["field"], ts["field"], "{s:#}");
    assert_eq!(s["verdict"], "invalid", "{s:#}");
    assert_eq!(check_status(s, "revocation"), "fail", "{s:#}");
}
