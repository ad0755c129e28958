//! Issue 6: `vbdt chain` (history, --extract) and `vbdt ltv` (PAdES B-LT / B-LTA,
//! renewal), and `vbdt verify --offline --at` from embedded evidence alone.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use serde_json::Value;
use verify_util::*;

// The same small JSON Schema checker as tests/verify_report.rs (type, enum, required,
// properties, additionalProperties false, items, minimum, $ref, +07:00 and hex patterns).
fn type_ok(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => false,
    }
}

fn is_vn_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 25
        && s.ends_with("+07:00")
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19..=24 => true,
            _ => c.is_ascii_digit(),
        })
}

fn validate(v: &Value, schema: &Value, root: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/$defs/");
        return validate(v, &root["$defs"][name], root, path, errors);
    }
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(s) => type_ok(v, s),
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).any(|s| type_ok(v, s)),
            _ => true,
        };
        if !ok {
            errors.push(format!("{path}: {v} is not of type {t}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errors.push(format!("{path}: {v} is not one of {e:?}"));
        }
    }
    if let (Some(p), Some(s)) = (schema.get("pattern").and_then(Value::as_str), v.as_str()) {
        if p.contains("+07:00") && !is_vn_time(s) {
            errors.push(format!("{path}: {s} is not a +07:00 time"));
        }
        if p.contains("[0-9a-f]{64}") && !(s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())) {
            errors.push(format!("{path}: {s} is not a SHA-256 hex digest"));
        }
    }
    if let (Some(m), Some(n)) = (schema.get("minimum").and_then(Value::as_i64), v.as_i64()) {
        if n < m {
            errors.push(format!("{path}: {n} < {m}"));
        }
    }
    if let Some(obj) = v.as_object() {
        for r in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !obj.contains_key(r) {
                errors.push(format!("{path}: missing required key {r}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(val, s, root, &format!("{path}.{k}"), errors),
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => errors.push(format!("{path}: unexpected key {k}")),
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            validate(item, items, root, &format!("{path}[{i}]"), errors);
        }
    }
}


fn chain_json(file: &Path, extra: &[&str]) -> Value {
    let mut cmd = vbdt(["chain", "--format", "json", "--lang", "en"]);
    cmd.arg(file).args(extra);
    let out = run(&mut cmd);
    assert!(out.status.success(), "vbdt chain failed:\n{}", output_text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}:\n{}", output_text(&out)));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(repo_root().join("docs/chain-schema.json")).unwrap()).unwrap();
    let mut errors = Vec::new();
    validate(&v, &schema, &schema, "$", &mut errors);
    assert!(errors.is_empty(), "{}: the report does not validate against docs/chain-schema.json:\n{}\n{v:#}", file.display(), errors.join("\n"));
    v
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
    let args: Vec<String> = vec!["--trust".into(), pki.root().display().to_string(), "--offline".into(), "--at".into(), at.into(), "--issued-on".into(), today_vn()];
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
    assert_eq!(std::fs::read(&out_file).unwrap(), std::fs::read(&personal).unwrap(), "revision {n} is the file before the organization signature");
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
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let (s, t) = kinds(&v);
        // pyHanko ignores (does not list) /adbe.pkcs7.sha1 signatures, vbdt lists them.
        let sha1 = v["signatures"].as_array().unwrap().iter().filter(|x| x["sub_filter"] == "adbe.pkcs7.sha1").count();
        assert_eq!(s + t - sha1, expected, "{}: vbdt chain finds {s} signature(s) and {t} document timestamp(s), pyHanko {expected}: {}", cols[0], cols[3]);
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
