//! Reports of `vbdt verify`: every JSON report validates against docs/report-schema.json,
//! the same document reads in Vietnamese and English, JUnit XML, exit codes, and the
//! document rules S1, S7, S8 (issue 5, "What it must show" 4 and 5).

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use verify_util::*;

#[test]
fn both_schemas_are_valid_schemas_and_reject_what_they_should() {
    // Building the validators checks each schema against the 2020-12 meta-schema and
    // compiles every `pattern` (a pattern that is not a regular expression fails here).
    assert!(schema_errors(&serde_json::json!({}), "report-schema.json").iter().any(|e| e.contains("vbdt_report")));
    assert!(schema_errors(&serde_json::json!({}), "chain-schema.json").iter().any(|e| e.contains("vbdt_chain")));
    let bad = serde_json::json!({"vbdt_report": 2, "files": [{"file": "a", "sha256": "x", "verdict": "great", "signatures": [], "rules": [{"id": "S9", "status": "pass"}]}], "extra": 1});
    let errors = schema_errors(&bad, "report-schema.json");
    for needle in ["/vbdt_report", "/files/0/sha256", "/files/0/verdict", "/files/0/rules/0/id", "message", "extra"] {
        assert!(errors.iter().any(|e| e.contains(needle)), "no error about {needle}: {errors:#?}");
    }
    // Times: +07:00 only, and whole (the old hand-written checker took the chain schema's
    // invalid pattern "+07:00$" for a substring test).
    let renewal_due_errors = |t: &str| {
        let errors = schema_errors(&serde_json::json!({ "renewal_due": t }), "chain-schema.json");
        errors.iter().filter(|e| e.starts_with("/renewal_due")).count()
    };
    assert_eq!(renewal_due_errors("2026-01-02T03:04:05+07:00"), 0);
    for wrong in ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05+00:00", "x+07:00", "2026-01-02 03:04:05+07:00"] {
        assert_eq!(renewal_due_errors(wrong), 1, "{wrong}");
    }
}

// ---------------------------------------------------------------------------------------

#[test]
fn every_report_validates_against_the_schema() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let unsigned = fixture_document("quyet-dinh.pdf");
    let not_pdf = dir.path().join("not.pdf");
    std::fs::write(&not_pdf, b"hello").unwrap();
    // A copy and an attachment (S4, S5: document_kind, appearance).
    let copy = dir.path().join("copy.pdf");
    let attachment = dir.path().join("attachment.pdf");
    let key = |cmd: &mut std::process::Command| {
        cmd.arg("--p12").arg(pki.p12("organization")).arg("--pass-file").arg(pki.password_file());
    };
    let mut cmd = vbdt(["copy", "--kind", "trich-sao", "--org", "Văn phòng"]);
    cmd.arg(&unsigned).arg("-o").arg(&copy);
    key(&mut cmd);
    run_ok(&mut cmd);
    let mut cmd = vbdt(["attach", "--ref", "62/2025/QĐ-UBND"]);
    cmd.arg(fixture_document("phu-luc.pdf")).arg("-o").arg(&attachment);
    key(&mut cmd);
    run_ok(&mut cmd);
    // A bundle report (the `bundle` member) validates too.
    let mut cmd = vbdt(["verify", "--format", "json", "--bundle"]);
    cmd.args(offline_args(pki)).arg(&signed).arg(&attachment);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    let report = report_of(&out);
    assert_eq!(report["files"][1]["document_kind"], "attachment");
    let mut files: Vec<std::path::PathBuf> = vec![signed, unsigned, not_pdf, copy, attachment];
    if let Some(shared) = shared_for_part("every_report_validates_against_the_schema", "four corpus files") {
        for f in [
            "dss-signed/PAdES-LT.pdf",
            "dss-signed/pkcs7_sha1.pdf",
            "pyhanko/coverage-anomalies__one-byterange.pdf",
            "pyhanko/minimal-aes256.pdf",
        ] {
            files.push(shared.join("corpus").join(f));
        }
    }
    let refs: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    for lang in ["vi", "en"] {
        let mut args = offline_args(pki);
        args.extend(["--lang".to_string(), lang.to_string()]);
        let mut cmd = vbdt(["verify", "--format", "json"]);
        cmd.args(&args).args(&refs);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(4), "an unreadable file makes the batch exit 4:\n{}", output_text(&out));
        let report = report_of(&out);
        let files = report["files"].as_array().unwrap();
        assert_eq!(files.len(), refs.len());
        assert_eq!(files[0]["verdict"], "valid");
        assert_eq!(files[1]["verdict"], "unsigned");
        assert_eq!(files[2]["verdict"], "unreadable");
        assert_eq!((files[3]["verdict"].as_str(), files[3]["document_kind"].as_str()), (Some("valid"), Some("copy")));
        assert_eq!((files[4]["verdict"].as_str(), files[4]["document_kind"].as_str()), (Some("valid"), Some("attachment")));
        let said = if lang == "vi" { "not.pdf: không phải tệp PDF" } else { "not.pdf: not a PDF" };
        assert!(String::from_utf8_lossy(&out.stderr).contains(said), "{}", output_text(&out));
    }
}

#[test]
fn the_same_document_reads_in_vietnamese_and_english() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let text = |lang: &str| {
        let mut cmd = vbdt(["verify", "--lang", lang]);
        cmd.args(offline_args(pki)).arg(&signed);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let vi = text("vi");
    let en = text("en");
    for needle in ["HỢP LỆ", "Chữ ký 1", "cá nhân", "cơ quan, tổ chức", "Điều 31.1.a", "Điều 32", "Quy tắc văn bản", "+07:00"]
    {
        assert!(vi.contains(needle), "vi report lacks {needle:?}:\n{vi}");
    }
    for needle in ["VALID", "Signature 1", "personal", "organization", "Điều 31.1.a", "Điều 32", "Document rules", "+07:00"] {
        assert!(en.contains(needle), "en report lacks {needle:?}:\n{en}");
    }
    assert!(!en.contains("chữ ký"), "English report with Vietnamese sentences:\n{en}");
    assert_eq!(vi.lines().count(), en.lines().count(), "same structure in both languages");
    // TZ=UTC in the test environment: times still shown in Vietnam time.
    assert!(!vi.contains("+00:00") && !vi.contains("Z "), "{vi}");
}

#[test]
fn junit_has_a_case_per_file_and_signature() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let mut cmd = vbdt(["verify", "--format", "junit"]);
    cmd.args(offline_args(pki)).arg(&signed).arg(fixture_document("quyet-dinh.pdf"));
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2 + 1 + 1, "{xml}");
    assert!(xml.contains("name=\"signature 1 (Sig_Personal)\""), "{xml}");
    assert!(xml.contains("<failure message=\"unsigned\""), "{xml}");
}

#[test]
fn s1_only_a_personal_signature_fails() {
    let pki = TestPki::shared();
    let dir = tmp();
    let personal = dir.path().join("personal.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    let (code, report, out) = verify_json(&offline_args(pki), &[&personal]);
    assert_eq!(code, 1, "{}", output_text(&out));
    assert_eq!(sig(&report, 1)["verdict"], "valid", "the signature itself is fine");
    let s1 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S1").unwrap();
    assert_eq!(s1["status"], "fail", "{s1}");
    assert_eq!(report["files"][0]["verdict"], "invalid");
}

#[test]
fn s7_organization_signature_on_another_day_fails() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = signed_decision(pki, dir.path());
    let mut args = offline_args(pki);
    let at = args.iter().position(|a| a == "--issued-on").unwrap();
    args[at + 1] = "2020-01-02".into();
    let (code, report, out) = verify_json(&args, &[&signed]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s7 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S7").unwrap();
    assert_eq!(s7["status"], "fail", "{s7}");
    assert!(s7["message"].as_str().unwrap().contains("2020-01-02"));
    // Without --issued-on the date line of the decision ("ngày 30 tháng 9 năm 2025") is used.
    let mut args = offline_args(pki);
    args.truncate(at);
    let (_, report, _) = verify_json(&args, &[&signed]);
    let s7 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S7").unwrap();
    assert!(s7["message"].as_str().unwrap().contains("2025-09-30"), "{s7}");
    // Read from the page text, a mismatch is a warning: the page may carry other dates.
    assert_eq!(s7["status"], "warn", "{s7}");
}

#[test]
fn s8_pdf_1_3_fails() {
    let Some(shared) = shared_or_skip("s8") else { return };
    let pki = TestPki::shared();
    let dir = tmp();
    let p = dir.path().join("p.pdf");
    let po = dir.path().join("po.pdf");
    sign_vbdt(pki, "personal", "personal", &shared.join("fixtures/documents/pdf-1.3.pdf"), &p, &[]);
    // With the library: `vbdt sign --role organization` refuses a PDF 1.3 input (S12, S8).
    let key = pdf_sign::P12Key::open(&pki.p12("organization"), pki.password()).unwrap();
    pdf_sign::sign_file(&p, &po, false, &key, &pdf_sign::SignOptions::new(pdf_sign::Role::Organization)).unwrap();
    let (code, report, out) = verify_json(&offline_args(pki), &[&po]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s8 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S8").unwrap();
    assert_eq!(s8["status"], "fail", "{s8}");
    let s1 = report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S1").unwrap();
    assert_eq!(s1["status"], "pass", "{s1}");
}

#[test]
fn usage_errors_exit_2() {
    let out = run(&mut vbdt(["verify", "--format", "yaml", "x.pdf"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(&mut vbdt(["verify"]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(&mut vbdt(["verify", "--password-env", "NO_SUCH_VAR_VBDT", "x.pdf"]));
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
}

/// Twelve signatures: each later change is listed once under the file (`changes`); a
/// signature lists its allowed later changes one by one up to 10 and past that one entry
/// per rule with its count (issue 8: the report no longer grows with the square of the
/// number of signatures).
#[test]
fn many_signatures_list_each_change_once() {
    let pki = TestPki::shared();
    let dir = tmp();
    let mut current = fixture_document("quyet-dinh.pdf");
    for i in 1..=12 {
        let next = dir.path().join(format!("s{i}.pdf"));
        sign_vbdt(pki, "personal", "personal", &current, &next, &[]);
        current = next;
    }
    // verify_json checks the report against docs/report-schema.json.
    let (_, report, out) = verify_json(&offline_args(pki), &[current.as_path()]);
    let file = &report["files"][0];
    let sigs = file["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 12, "{}", output_text(&out));
    for s in sigs {
        assert_eq!(s["verdict"], "valid", "{s:#}");
        assert_eq!(check_status(s, "modifications"), "pass", "{s:#}");
    }
    // Signature n is revision n + 1; revisions 3..=13 each added one signature field.
    let changes = file["changes"].as_array().unwrap();
    let revisions: Vec<i64> = changes.iter().map(|c| c["revision"].as_i64().unwrap()).collect();
    assert_eq!(revisions, (3..=13).collect::<Vec<_>>(), "{changes:#?}");
    assert!(changes.iter().all(|c| c["allowed"] == true && c["rule"] == "signature-field" && c.get("count").is_none()), "{changes:#?}");
    // Signature 1: 11 allowed changes, past the 10 listed one by one: one summary.
    let first = sigs[0]["modifications"].as_array().unwrap();
    assert_eq!(first.len(), 1, "{first:#?}");
    assert_eq!(
        (first[0]["count"].as_i64(), first[0]["revision"].as_i64(), first[0]["last_revision"].as_i64()),
        (Some(11), Some(3), Some(13)),
        "{first:#?}"
    );
    assert!(check_message(&sigs[0], "modifications").contains("11"), "{}", check_message(&sigs[0], "modifications"));
    // Signature 2: 10 allowed changes, each listed.
    let second = sigs[1]["modifications"].as_array().unwrap();
    assert_eq!(second.len(), 10, "{second:#?}");
    assert!(second.iter().all(|m| m.get("count").is_none()), "{second:#?}");
    assert_eq!(second.iter().map(|m| m["revision"].as_i64().unwrap()).collect::<Vec<_>>(), (4..=13).collect::<Vec<_>>());
    // The last signature covers the whole file.
    assert!(sigs[11]["modifications"].as_array().unwrap().is_empty());
}
