//! Attacks on a signed document, each built here by hand, each never valid and named
//! in the report (issue 5, "What it must show" 2; rules.md V5).

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use verify_util::*;

/// Writes `bytes`, verifies them, and checks that nothing is valid; returns the report.
fn verify_attack(dir: &Path, name: &str, bytes: &[u8], args: &[String]) -> serde_json::Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (code, report, out) = verify_json(args, &[&path]);
    assert_eq!(code, 1, "{name}: expected exit 1 (invalid):\n{}", output_text(&out));
    assert_eq!(report["files"][0]["verdict"], "invalid", "{name}:\n{report:#}");
    for s in report["files"][0]["signatures"].as_array().unwrap() {
        assert_ne!(s["verdict"], "valid", "{name}: a signature is still valid:\n{s:#}");
        assert_eq!(s["modifications_after"], "disallowed", "{name}:\n{s:#}");
    }
    report
}

fn all_text(report: &serde_json::Value) -> String {
    report.to_string()
}

#[test]
fn update_changing_page_content_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let attack = append_update(&bytes, &[(contents, stream_body("BT /F1 24 Tf 100 700 Td (KHONG CO HIEU LUC) Tj ET"))], "");
    let report = verify_attack(dir.path(), "content.pdf", &attack, &args);
    let m = check_message(sig(&report, 2), "modifications");
    assert!(m.contains("content stream of page 1"), "{m}");
}

#[test]
fn update_adding_a_page_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, _, tree) = page_one(&bytes);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let n = raw.next_object_number();
    let tree_text = raw_object_text(&bytes, tree);
    let count: usize = tree_text
        .split("/Count")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches(|c: char| !c.is_ascii_digit())
        .parse()
        .unwrap();
    let kids = tree_text.find("/Kids").unwrap();
    let open = kids + tree_text[kids..].find('[').unwrap();
    let new_tree = format!("{}{n} 0 R {}", &tree_text[..=open], &tree_text[open + 1..]).replacen(
        &format!("/Count {count}"),
        &format!("/Count {}", count + 1),
        1,
    );
    assert_ne!(new_tree, tree_text, "could not edit the page tree: {tree_text}");
    let page = format!("<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 595 842] /Contents {} 0 R >>", n + 1);
    let attack = append_update(
        &bytes,
        &[(tree, new_tree.into_bytes()), (n, page.into_bytes()), (n + 1, stream_body("BT /F1 24 Tf 100 700 Td (PHU LUC GIA) Tj ET"))],
        "",
    );
    let report = verify_attack(dir.path(), "page.pdf", &attack, &args);
    assert!(all_text(&report).contains("page(s) added"), "{report:#}");
}

#[test]
fn overlay_annotation_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let n = raw.next_object_number();
    let page_text = raw_object_text(&bytes, page);
    let new_page = if page_text.contains("/Annots [") {
        page_text.replacen("/Annots [", &format!("/Annots [{n} 0 R "), 1)
    } else {
        let end = page_text.rfind(">>").unwrap();
        format!("{} /Annots [{n} 0 R] >>", &page_text[..end])
    };
    // A white box with new text over the body: a visible overlay.
    let annot = format!(
        "<< /Type /Annot /Subtype /FreeText /Rect [50 300 550 500] /Contents (Noi dung moi) /DA (/Helv 20 Tf 0 g) /AP << /N {} 0 R >> >>",
        n + 1
    );
    let ap = "<< /Type /XObject /Subtype /Form /BBox [0 0 500 200] /Length 31 >>\nstream\n1 g 0 0 500 200 re f 0 g\nendstream".to_string();
    let attack = append_update(&bytes, &[(page, new_page.into_bytes()), (n, annot.into_bytes()), (n + 1, ap.into_bytes())], "");
    let report = verify_attack(dir.path(), "overlay.pdf", &attack, &args);
    let text = all_text(&report);
    assert!(text.contains("FreeText annotation"), "{report:#}");
}

#[test]
fn shadow_update_switching_hidden_content_is_invalid_and_named() {
    // Hide-and-replace: a later update turns optional content on or off in the catalog,
    // changing what is shown without touching the page.
    let (dir, bytes, args) = valid_signed_decision();
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let root = raw.trailer().get_ref(b"Root").unwrap().0;
    let n = raw.next_object_number();
    let root_text = raw_object_text(&bytes, root);
    let end = root_text.rfind(">>").unwrap();
    let new_root = format!("{} /OCProperties << /OCGs [{n} 0 R] /D << /OFF [{n} 0 R] >> >> >>", &root_text[..end]);
    let attack = append_update(&bytes, &[(root, new_root.into_bytes()), (n, b"<< /Type /OCG /Name (an) >>".to_vec())], "");
    let report = verify_attack(dir.path(), "shadow.pdf", &attack, &args);
    assert!(all_text(&report).contains("/OCProperties"), "{report:#}");
}

#[test]
fn redefining_a_font_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let doc = pdf_verify::modifications::load_doc(&bytes, None).unwrap();
    let page = pdf_verify::pdfobj::pages(&doc)[0];
    let fonts = doc.get_page_fonts(page).unwrap();
    assert!(!fonts.is_empty());
    let pd = doc.get_dictionary(page).unwrap();
    let res = pdf_verify::pdfobj::dict_get_dict(&doc, pd, b"Resources").unwrap();
    let fd = pdf_verify::pdfobj::dict_get_dict(&doc, res, b"Font").unwrap();
    let font_ref = fd.iter().find_map(|(_, v)| v.as_reference().ok()).expect("an indirect font");
    let attack = append_update(&bytes, &[(font_ref.0, b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>".to_vec())], "");
    let report = verify_attack(dir.path(), "font.pdf", &attack, &args);
    assert!(all_text(&report).contains("font /"), "{report:#}");
}

#[test]
fn a_byte_flipped_inside_the_signed_range_is_invalid_dieu30() {
    let (dir, mut bytes, args) = valid_signed_decision();
    // A byte of the original document's first object, well inside the first range.
    let pos = bytes.windows(6).position(|w| w == b"stream").unwrap() + 20;
    bytes[pos] ^= 0x01;
    let path = dir.path().join("flipped.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (code, report, out) = verify_json(&args, &[&path]);
    assert_eq!(code, 1, "{}", output_text(&out));
    for i in 1..=2 {
        let s = sig(&report, i);
        assert_eq!(s["verdict"], "invalid");
        assert_eq!(check_status(s, "digest"), "fail", "{s:#}");
        let art = s["checks"].as_array().unwrap().iter().find(|c| c["id"] == "digest").unwrap()["article"].as_str().unwrap().to_string();
        assert_eq!(art, "Điều 30");
    }
}

#[test]
fn zeroed_byte_range_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let text = bytes.clone();
    // The last signature's /ByteRange: keep its length, write zeros.
    let at = text.windows(10).rposition(|w| w == b"/ByteRange").unwrap();
    let open = at + text[at..].iter().position(|b| *b == b'[').unwrap();
    let close = open + text[open..].iter().position(|b| *b == b']').unwrap();
    let mut attack = bytes.clone();
    for b in &mut attack[open + 1..close] {
        if b.is_ascii_digit() {
            *b = b'0';
        }
    }
    let report = {
        let path = dir.path().join("zero.pdf");
        std::fs::write(&path, &attack).unwrap();
        let (code, report, out) = verify_json(&args, &[&path]);
        assert_eq!(code, 1, "{}", output_text(&out));
        report
    };
    let s = sig(&report, 2);
    assert_eq!(s["verdict"], "invalid");
    assert_eq!(check_status(s, "byte_range"), "fail");
    assert!(check_message(s, "byte_range").contains("does not start") || check_message(s, "byte_range").contains("empty"), "{s:#}");
}

#[test]
fn missing_contents_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let at = bytes.windows(11).rposition(|w| w == b"/Contents <").expect("/Contents <");
    let mut attack = bytes.clone();
    attack[at + 1..at + 9].copy_from_slice(b"Xontents");
    let path = dir.path().join("nocontents.pdf");
    std::fs::write(&path, &attack).unwrap();
    let (code, report, out) = verify_json(&args, &[&path]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 2);
    assert_eq!(s["verdict"], "invalid");
    assert!(check_message(s, "byte_range").contains("no /Contents"), "{s:#}");
}

#[test]
fn bytes_appended_after_the_last_revision_are_invalid_and_named() {
    let (dir, mut bytes, args) = valid_signed_decision();
    bytes.extend_from_slice(b"\n5 0 obj\n<< /Length 9 >>\nstream\nBT ET q Q\nendstream\nendobj\n");
    let report = verify_attack(dir.path(), "tail.pdf", &bytes, &args);
    assert!(all_text(&report).contains("follow the last revision"), "{report:#}");
}

#[test]
fn byte_range_not_reaching_the_revision_end_is_invalid() {
    // Same length, smaller last range: the tail of the signed revision is uncovered.
    let (dir, bytes, args) = valid_signed_decision();
    let at = bytes.windows(10).rposition(|w| w == b"/ByteRange").unwrap();
    let open = at + bytes[at..].iter().position(|b| *b == b'[').unwrap();
    let close = open + bytes[open..].iter().position(|b| *b == b']').unwrap();
    let inner = String::from_utf8(bytes[open + 1..close].to_vec()).unwrap();
    let nums: Vec<u64> = inner.split_whitespace().map(|n| n.parse().unwrap()).collect();
    let shorter = format!("{} {} {} {}", nums[0], nums[1], nums[2], nums[3] - 10);
    let padded = format!("{shorter:<width$}", width = inner.len());
    let mut attack = bytes.clone();
    attack[open + 1..close].copy_from_slice(padded.as_bytes());
    let path = dir.path().join("short.pdf");
    std::fs::write(&path, &attack).unwrap();
    let (code, report, out) = verify_json(&args, &[&path]);
    assert_eq!(code, 1, "{}", output_text(&out));
    let s = sig(&report, 2);
    assert_eq!(check_status(s, "byte_range"), "fail", "{s:#}");
    assert!(check_message(s, "byte_range").contains("not the end of any revision"), "{s:#}");
}

/// pyHanko adds an empty signature field in a new revision (tests/tools/pyhanko_certify.py --add-field).
fn add_empty_field(input: &Path, output: &Path) {
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("tests/tools/pyhanko_certify.py")).args(["--add-field", "Extra"]).arg(input).arg(output);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
}

/// A certification signature's DocMDP permission (rules.md V5): with P=1 a later signature
/// field is a disallowed change named "docmdp"; with P=2 the same field, and a later
/// signature, are allowed, and both signatures stay valid.
#[test]
fn certification_permissions_are_enforced() {
    let pki = TestPki::shared();
    let dir = tmp();
    let args = offline_args(pki);
    let d = |n: &str| dir.path().join(n);
    let decision = fixture_document("quyet-dinh.pdf");

    certify(pki, &decision, &d("p1.pdf"), 1);
    add_empty_field(&d("p1.pdf"), &d("p1-field.pdf"));
    let (_, report, out) = verify_json(&args, &[&d("p1-field.pdf")]);
    let cert_sig = sig(&report, 1);
    assert_eq!(cert_sig["verdict"], "invalid", "{}", output_text(&out));
    assert_eq!(check_status(cert_sig, "modifications"), "fail");
    assert!(check_message(cert_sig, "modifications").contains("DocMDP P=1"), "{}", check_message(cert_sig, "modifications"));
    assert!(cert_sig["modifications"].as_array().unwrap().iter().any(|m| m["rule"] == "docmdp" && m["allowed"] == false), "{cert_sig:#}");
    // The file's list of changes is the change itself, judged without the permission.
    let changes = report["files"][0]["changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c["rule"] == "signature-field" && c["allowed"] == true), "{changes:#?}");

    certify(pki, &decision, &d("p2.pdf"), 2);
    add_empty_field(&d("p2.pdf"), &d("p2-field.pdf"));
    sign_vbdt(pki, "personal", "personal", &d("p2-field.pdf"), &d("p2-signed.pdf"), &[]);
    for f in ["p2-field.pdf", "p2-signed.pdf"] {
        let (_, report, out) = verify_json(&args, &[&d(f)]);
        for s in report["files"][0]["signatures"].as_array().unwrap() {
            assert_eq!(s["verdict"], "valid", "{f}: {}", output_text(&out));
            assert_eq!(check_status(s, "modifications"), "pass", "{f}: {s:#}");
        }
    }
}
