//! `vbdt verify` on copies (rules.md S4) and attachments in their own files (S5): what
//! `vbdt copy` and `vbdt attach` make passes; a copy or attachment whose stamp is moved,
//! put on another page or drawn with an image fails the rule, naming it; other software's
//! files are checked only when `--expect` says what they are; the role of other
//! software's signatures is read from certificates that state it (ETSI natural / legal
//! person statements) and left unknown otherwise.

mod common;
mod verify_util;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;
use serde_json::Value;
use verify_util::*;

const ORG: &str = "Văn phòng Ủy ban nhân dân tỉnh Điện Biên";
const NUMBER: &str = "62/2025/QĐ-UBND";

fn copy(pki: &TestPki, inputs: &[PathBuf], output: &Path, extra: &[&str]) {
    let mut cmd = vbdt(["copy"]);
    cmd.args(inputs)
        .arg("-o")
        .arg(output)
        .args(["--kind", "sao-y", "--org", ORG])
        .arg("--p12")
        .arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(extra);
    run_ok(&mut cmd);
}

fn attach(pki: &TestPki, input: &Path, output: &Path, reference: &str) {
    let mut cmd = vbdt(["attach"]);
    cmd.arg(input)
        .arg("-o")
        .arg(output)
        .args(["--ref", reference])
        .arg("--p12")
        .arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file());
    run_ok(&mut cmd);
}

fn rule<'a>(report: &'a Value, file: usize, id: &str) -> &'a Value {
    report["files"][file]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id} in {report:#}"))
}

fn status(report: &Value, file: usize, id: &str) -> String {
    rule(report, file, id)["status"].as_str().unwrap().to_string()
}

fn message(report: &Value, file: usize, id: &str) -> String {
    rule(report, file, id)["message"].as_str().unwrap().to_string()
}

/// Offline verification with `extra` flags; (exit code, report).
fn verify(pki: &TestPki, extra: &[&str], files: &[&Path]) -> (i32, Value) {
    let mut args = offline_args(pki);
    args.extend(extra.iter().map(|s| s.to_string()));
    let (code, report, _) = verify_json(&args, files);
    (code, report)
}

// ---------------------------------------------------------------------------------------
// What vbdt makes passes.

#[test]
fn a_vbdt_copy_passes_s4_and_is_known_as_a_copy() {
    let pki = TestPki::shared();
    let dir = tmp();
    let from_pdf = dir.path().join("sao-y.pdf");
    copy(pki, &[fixture_document("quyet-dinh.pdf")], &from_pdf, &[]);
    let scans: Vec<PathBuf> =
        ["scan-quyet-dinh-1.jpg", "scan-quyet-dinh-2.jpg"].iter().map(|n| fixtures_dir().join("scans").join(n)).collect();
    let from_scans = dir.path().join("sao-y-giay.pdf");
    copy(pki, &scans, &from_scans, &["--from-images"]);
    for f in [&from_pdf, &from_scans] {
        // No --issued-on: S7 must not judge a copy by the original's date line.
        let (code, report, out) = verify_json(&offline_args(pki)[..7], &[f]);
        assert_eq!(code, 0, "{}", output_text(&out));
        let file = &report["files"][0];
        assert_eq!(file["verdict"], "valid");
        assert_eq!(file["document_kind"], "copy");
        assert_eq!(file["document_kind_source"], "marker");
        assert_eq!(status(&report, 0, "S4"), "pass", "{}", message(&report, 0, "S4"));
        let m = message(&report, 0, "S4");
        assert!(m.contains("page 1, top right") && m.contains("Sao y") && m.contains(ORG) && m.contains("+07:00"), "{m}");
        for (id, why) in
            [("S1", "a copy carries one organization signature"), ("S5", "not an attachment"), ("S7", "does not apply to a copy")]
        {
            assert_eq!(status(&report, 0, id), "skipped", "{id}");
            assert!(message(&report, 0, id).contains(why), "{id}: {}", message(&report, 0, id));
        }
        let s = sig(&report, 1);
        assert_eq!(s["role"], "organization");
        assert_eq!(s["role_source"], "vbdt");
        assert_eq!(s["document_kind"], "copy");
        assert_eq!(s["appearance"]["page"], 1);
        assert_eq!(s["appearance"]["image"], false);
        assert!(s["appearance"]["text"].as_str().unwrap().starts_with("Sao y\n"), "{s}");
    }
    // The text report names the kind too.
    let mut cmd = vbdt(["verify", "--lang", "vi"]);
    cmd.args(&offline_args(pki)[..7]).arg(&from_pdf);
    let text = run_ok(&mut cmd);
    assert!(text.contains("bản sao") && text.contains("✓ S4"), "{text}");
}

#[test]
fn a_vbdt_attachment_passes_s5_alone_with_ref_and_in_a_bundle() {
    let pki = TestPki::shared();
    let dir = tmp();
    let appendix = dir.path().join("phu-luc.pdf");
    attach(pki, &fixture_document("phu-luc.pdf"), &appendix, NUMBER);
    // Alone: the stamp shows a number and symbol; nothing to compare it with.
    let (code, report) = verify(pki, &[], &[&appendix]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["files"][0]["document_kind"], "attachment");
    assert_eq!(status(&report, 0, "S5"), "pass");
    assert!(message(&report, 0, "S5").contains("not compared"), "{}", message(&report, 0, "S5"));
    assert_eq!(status(&report, 0, "S1"), "skipped");
    assert_eq!(status(&report, 0, "S4"), "skipped");
    // --ref: compared.
    let (code, report) = verify(pki, &["--ref", NUMBER], &[&appendix]);
    assert_eq!(code, 0, "{report:#}");
    assert!(message(&report, 0, "S5").contains(&format!("shows the number and symbol {NUMBER}")), "{}", message(&report, 0, "S5"));
    let (code, report) = verify(pki, &["--ref", "99/2025/QĐ-UBND"], &[&appendix]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(status(&report, 0, "S5"), "fail");
    assert!(
        message(&report, 0, "S5").contains("99/2025/QĐ-UBND") && message(&report, 0, "S5").contains(&format!("it shows {NUMBER}")),
        "{}",
        message(&report, 0, "S5")
    );
    // In a bundle: the main document's number, found in its "Số:" line.
    let personal = dir.path().join("qd-personal.pdf");
    let main = dir.path().join("qd.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    sign_vbdt(pki, "organization", "organization", &personal, &main, &[]);
    let (code, report) = verify(pki, &["--bundle"], &[&main, &appendix]);
    assert_eq!(code, 0, "{report:#}");
    assert_eq!(report["bundle"]["decision"], "accept");
    assert_eq!(report["files"][0]["document_kind"], "issued");
    assert_eq!(report["files"][0]["document_kind_source"], "bundle");
    assert_eq!(status(&report, 0, "S5"), "skipped");
    assert_eq!(status(&report, 1, "S5"), "pass");
    assert!(message(&report, 1, "S5").contains(&format!("shows the number and symbol {NUMBER}")));
    // --expect and --ref do not go with --bundle.
    let out = run(vbdt(["verify", "--bundle", "--expect", "copy"]).arg(&main).arg(&appendix));
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
}

// ---------------------------------------------------------------------------------------
// Copies and attachments whose stamp breaks the rules, signed through the library with
// the same marker vbdt copy/attach write.

fn org_key(pki: &TestPki) -> pdf_sign::P12Key {
    pdf_sign::P12Key::open(&pki.p12("organization"), pki.password()).unwrap()
}

fn sign_marked(pki: &TestPki, input: &[u8], output: &Path, kind: pdf_sign::DocumentKind, appearance: stamp_layout::Appearance) {
    let mut opts = pdf_sign::SignOptions::new(pdf_sign::Role::Organization);
    opts.document_kind = Some(kind);
    opts.appearance = appearance;
    let input = pdf_sign::Input::from_vec(input.to_vec());
    pdf_sign::sign_to_file(&input, output, false, &org_key(pki), &opts, None, pdf_sign::Durability::Full).unwrap();
}

fn text_stamp(input: &[u8], lines: &[&str]) -> stamp_layout::Visible {
    let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
    match stamp_layout::text_stamp(input, &lines, &stamp_layout::TextFont::bundled()).unwrap().appearance {
        stamp_layout::Appearance::Visible(v) => v,
        other => panic!("a text stamp is visible: {other:?}"),
    }
}

fn seal_image() -> stamp_layout::StampImage {
    stamp_layout::StampImage::from_png(&std::fs::read(fixtures_dir().join("images/dau-co-quan.png")).unwrap()).unwrap()
}

/// Asserts that the file's signature itself is valid and `id` fails naming `needles`.
fn assert_rule_fails(pki: &TestPki, file: &Path, id: &str, needles: &[&str]) {
    let (code, report) = verify(pki, &[], &[file]);
    assert_eq!(code, 1, "{report:#}");
    assert_eq!(sig(&report, 1)["verdict"], "valid", "the signature itself is intact: {report:#}");
    assert_eq!(report["files"][0]["verdict"], "invalid");
    assert_eq!(status(&report, 0, id), "fail", "{report:#}");
    let m = message(&report, 0, id);
    for n in needles {
        assert!(m.contains(n), "{id} does not say {n:?}: {m}");
    }
    // The text report names the rule too.
    let mut cmd = vbdt(["verify", "--lang", "en"]);
    cmd.args(offline_args(pki)).arg(file);
    let out = run(&mut cmd);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("✗ {id}")), "{text}");
}

#[test]
fn a_copy_whose_stamp_is_moved_or_on_page_2_fails_s4() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = std::fs::read(fixture_document("quyet-dinh.pdf")).unwrap();
    let lines = ["Sao y", ORG, "2025-09-30T14:05:09+07:00"];
    // The stamp as vbdt copy makes it, but at the bottom left of page 1.
    let mut v = text_stamp(&input, &lines);
    let (w, h) = (v.rect.width(), v.rect.height());
    v.rect = stamp_layout::Rect { x0: 60.0, y0: 60.0, x1: 60.0 + w, y1: 60.0 + h };
    let moved = dir.path().join("moved.pdf");
    sign_marked(pki, &input, &moved, pdf_sign::DocumentKind::Copy, stamp_layout::Appearance::Visible(v));
    assert_rule_fails(pki, &moved, "S4", &["below the top of the page", "left half"]);
    // At the top right, but of page 2.
    let mut v = text_stamp(&input, &lines);
    v.page = 1;
    let page2 = dir.path().join("page2.pdf");
    sign_marked(pki, &input, &page2, pdf_sign::DocumentKind::Copy, stamp_layout::Appearance::Visible(v));
    assert_rule_fails(pki, &page2, "S4", &["on page 2, not on the first page"]);
    // A stamp that forgets the kind of copy.
    let no_kind = dir.path().join("no-kind.pdf");
    sign_marked(
        pki,
        &input,
        &no_kind,
        pdf_sign::DocumentKind::Copy,
        stamp_layout::Appearance::Visible(text_stamp(&input, &[ORG, lines[2]])),
    );
    assert_rule_fails(pki, &no_kind, "S4", &["kind of copy"]);
    // Placed as on an upright page, on a page shown turned by 90°: at the shown top
    // left, sideways.
    let turned = dir.path().join("turned.pdf");
    run_ok(Command::new(require_tool("qpdf")).arg("--rotate=+90:1").arg(fixture_document("quyet-dinh.pdf")).arg(&turned));
    let sideways = dir.path().join("sideways.pdf");
    sign_marked(
        pki,
        &std::fs::read(&turned).unwrap(),
        &sideways,
        pdf_sign::DocumentKind::Copy,
        stamp_layout::Appearance::Visible(text_stamp(&input, &lines)),
    );
    assert_rule_fails(pki, &sideways, "S4", &["below the top of the page", "kind of copy"]);
    // Invisible.
    let invisible = dir.path().join("invisible.pdf");
    sign_marked(pki, &input, &invisible, pdf_sign::DocumentKind::Copy, stamp_layout::Appearance::Invisible);
    assert_rule_fails(pki, &invisible, "S4", &["not shown"]);
}

/// A stamp hidden through optional content is not shown (ISO 32000-1, 8.11): an update
/// that puts the copy's widget in a group the default configuration turns off makes S4
/// fail for that reason, although `/F` and `/Rect` still say the widget is shown; with the
/// group on, S4 does not complain about visibility.
#[test]
fn a_stamp_hidden_by_optional_content_is_not_shown() {
    use pdf_verify::lopdf::Object;
    let pki = TestPki::shared();
    let dir = tmp();
    let made = dir.path().join("copy.pdf");
    copy(pki, &[fixture_document("quyet-dinh.pdf")], &made, &[]);
    let (_, report) = verify(pki, &[], &[&made]);
    assert_eq!(status(&report, 0, "S4"), "pass", "{report:#}");
    let bytes = std::fs::read(&made).unwrap();
    let doc = pdf_verify::modifications::load_doc(&bytes, None).unwrap();
    let page = pdf_verify::pdfobj::pages(&doc)[0];
    let annots = doc.get_dictionary(page).unwrap().get(b"Annots").unwrap();
    let annots = match annots {
        Object::Reference(r) => doc.get_object(*r).unwrap().as_array().unwrap().clone(),
        other => other.as_array().unwrap().clone(),
    };
    let widget = annots
        .iter()
        .filter_map(|a| a.as_reference().ok())
        .find(|id| doc.get_dictionary(*id).is_ok_and(|d| d.get(b"FT").ok().and_then(|f| f.as_name().ok()) == Some(b"Sig".as_slice())))
        .expect("the copy's signature widget on page 1");
    let catalog = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let group = raw.next_object_number();
    let with_oc = |state: &str| {
        let catalog_text = raw_object_text(&bytes, catalog.0).replacen(
            "<<",
            &format!("<< /OCProperties << /OCGs [{group} 0 R] /D << /{state} [{group} 0 R] >> >>"),
            1,
        );
        let widget_text = raw_object_text(&bytes, widget.0).replacen("<<", &format!("<< /OC {group} 0 R"), 1);
        append_update(
            &bytes,
            &[
                (group, b"<< /Type /OCG /Name (stamp) >>".to_vec()),
                (catalog.0, catalog_text.into_bytes()),
                (widget.0, widget_text.into_bytes()),
            ],
            "",
        )
    };
    let off = dir.path().join("off.pdf");
    std::fs::write(&off, with_oc("OFF")).unwrap();
    let (_, report) = verify(pki, &[], &[&off]);
    assert_eq!(status(&report, 0, "S4"), "fail", "{report:#}");
    assert!(message(&report, 0, "S4").contains("not shown"), "{}", message(&report, 0, "S4"));
    let on = dir.path().join("on.pdf");
    std::fs::write(&on, with_oc("ON")).unwrap();
    let (_, report) = verify(pki, &[], &[&on]);
    assert!(!message(&report, 0, "S4").contains("not shown"), "{}", message(&report, 0, "S4"));
}

#[test]
fn a_copy_or_attachment_with_an_image_in_its_stamp_fails() {
    let pki = TestPki::shared();
    let dir = tmp();
    // The seal image exactly where the text stamp goes: top right of page 1.
    let input = std::fs::read(fixture_document("quyet-dinh.pdf")).unwrap();
    let place: stamp_layout::Place = "1,140,5,40,40".parse().unwrap();
    let image = stamp_layout::explicit(&input, &seal_image(), place, None).unwrap().appearance;
    let copy_with_image = dir.path().join("copy-image.pdf");
    sign_marked(pki, &input, &copy_with_image, pdf_sign::DocumentKind::Copy, image);
    assert_rule_fails(pki, &copy_with_image, "S4", &["draws an image", "/XObject", "shows no text"]);

    let appendix = std::fs::read(fixture_document("phu-luc.pdf")).unwrap();
    let image = stamp_layout::explicit(&appendix, &seal_image(), place, None).unwrap().appearance;
    let attachment_with_image = dir.path().join("attachment-image.pdf");
    sign_marked(pki, &appendix, &attachment_with_image, pdf_sign::DocumentKind::Attachment, image);
    assert_rule_fails(pki, &attachment_with_image, "S5", &["draws an image"]);
    // A text stamp at the right place with no number and symbol in it.
    let no_number = dir.path().join("attachment-no-number.pdf");
    sign_marked(
        pki,
        &appendix,
        &no_number,
        pdf_sign::DocumentKind::Attachment,
        stamp_layout::Appearance::Visible(text_stamp(&appendix, &["Phụ lục", "2025-09-30T14:05:09+07:00"])),
    );
    assert_rule_fails(pki, &no_number, "S5", &["no number and symbol"]);
}

// ---------------------------------------------------------------------------------------
// Other software's files: no marker.

/// pyHanko signs with a (key, certificate) pair (+ the test CA), optionally with a visible text stamp
/// in the box `field_box` ("PAGE/x1,y1,x2,y2") showing `stamp_text`.
fn pyhanko_sign(
    pki: &TestPki,
    (key, cert): &(PathBuf, PathBuf),
    input: &Path,
    output: &Path,
    field: &str,
    stamp: Option<(&str, &str)>,
    dir: &Path,
) {
    let mut cmd = Command::new(require_tool("pyhanko"));
    let field_spec = match stamp {
        Some((field_box, text)) => {
            let config = dir.join(format!("{field}.yml"));
            // Courier (pyHanko's built-in font) has no Vietnamese letters: ASCII text.
            std::fs::write(&config, format!("stamp-styles:\n  s:\n    type: text\n    stamp-text: \"{text}\\n%(ts)s\"\n    timestamp-format: \"%Y-%m-%dT%H:%M:%S+07:00\"\n    background: null\n    border-width: 0\n    text-box-style:\n      font-size: 10\n")).unwrap();
            cmd.arg("--config").arg(&config);
            format!("{field_box}/{field}")
        }
        None => field.to_string(),
    };
    cmd.args(["sign", "addsig", "--field", &field_spec, "--use-pades"]);
    if stamp.is_some() {
        cmd.args(["--style-name", "s"]);
    }
    cmd.arg("pemder")
        .arg("--key")
        .arg(key)
        .arg("--cert")
        .arg(cert)
        .arg("--chain")
        .arg(pki.cert("ca"))
        .arg("--no-pass")
        .arg(input)
        .arg(output);
    let out = run(&mut cmd);
    assert!(out.status.success(), "pyhanko addsig failed:\n{}", output_text(&out));
}

#[test]
fn other_softwares_copies_are_checked_only_when_expected() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = fixture_document("quyet-dinh.pdf");
    // A copy stamp by pyHanko at the top right of page 1 (A4: 595 x 842 pt).
    let stamped = dir.path().join("pyhanko-copy.pdf");
    pyhanko_sign(
        pki,
        &(pki.key("organization"), pki.cert("organization")),
        &input,
        &stamped,
        "Sig1",
        Some(("1/340,780,540,815", "Sao y - Van phong UBND tinh Dien Bien")),
        dir.path(),
    );
    let (_, report) = verify(pki, &[], &[&stamped]);
    assert_eq!(report["files"][0]["document_kind"], "unknown");
    for id in ["S4", "S5"] {
        assert_eq!(status(&report, 0, id), "skipped");
        assert!(message(&report, 0, id).contains("--expect"), "{}", message(&report, 0, id));
    }
    assert_eq!(sig(&report, 1)["role"], "unknown", "the test PKI's certificates, like the government's, do not state their subject's kind");
    // Said to be a copy: the stamp is where S4 wants it and says "Sao y"; whether the
    // signer is an organization cannot be told (warn), and pyHanko shrinks the text.
    let (code, report) = verify(pki, &["--expect", "copy"], &[&stamped]);
    assert_eq!(report["files"][0]["document_kind"], "copy");
    assert_eq!(report["files"][0]["document_kind_source"], "expect");
    assert_eq!(status(&report, 0, "S4"), "warn", "{}", message(&report, 0, "S4"));
    assert!(message(&report, 0, "S4").contains("cannot be told from its certificate"), "{}", message(&report, 0, "S4"));
    assert_eq!(code, 0, "a warning does not make the file invalid: {report:#}");
    // Said to be an attachment: its stamp has no number and symbol.
    let (code, report) = verify(pki, &["--expect", "attachment"], &[&stamped]);
    assert_eq!(code, 1);
    assert!(message(&report, 0, "S5").contains("no number and symbol"), "{}", message(&report, 0, "S5"));
    // An invisible pyHanko signature said to be a copy.
    let invisible = dir.path().join("pyhanko-invisible.pdf");
    pyhanko_sign(pki, &(pki.key("organization"), pki.cert("organization")), &input, &invisible, "Sig1", None, dir.path());
    let (code, report) = verify(pki, &["--expect", "copy"], &[&invisible]);
    assert_eq!(code, 1);
    assert!(message(&report, 0, "S4").contains("not shown"), "{}", message(&report, 0, "S4"));
    // A vbdt copy said to be an issued document or an attachment: the marker wins the
    // argument, the expected kind's rule fails.
    let vbdt_copy = dir.path().join("vbdt-copy.pdf");
    copy(pki, std::slice::from_ref(&input), &vbdt_copy, &[]);
    let (code, report) = verify(pki, &["--expect", "issued"], &[&vbdt_copy]);
    assert_eq!(code, 1);
    assert_eq!(status(&report, 0, "S1"), "fail");
    assert!(
        message(&report, 0, "S1").contains("expected an issued document (--expect issued), but signature 1 marks the file as a copy"),
        "{}",
        message(&report, 0, "S1")
    );
    let (_, report) = verify(pki, &["--expect", "attachment"], &[&vbdt_copy]);
    assert_eq!(status(&report, 0, "S5"), "fail");
    // An attachment stamp by pyHanko, checked against --ref.
    let att = dir.path().join("pyhanko-attachment.pdf");
    pyhanko_sign(
        pki,
        &(pki.key("organization"), pki.cert("organization")),
        &fixture_document("phu-luc.pdf"),
        &att,
        "Sig1",
        Some(("1/340,780,540,815", "Kem theo van ban so 62/2025/QD-UBND")),
        dir.path(),
    );
    let (_, report) = verify(pki, &["--expect", "attachment", "--ref", "62/2025/QD-UBND"], &[&att]);
    assert_eq!(status(&report, 0, "S5"), "warn", "{}", message(&report, 0, "S5"));
    let (_, report) = verify(pki, &["--expect", "attachment", "--ref", "63/2025/QD-UBND"], &[&att]);
    assert_eq!(status(&report, 0, "S5"), "fail", "{}", message(&report, 0, "S5"));
}

// ---------------------------------------------------------------------------------------
// Roles of other software's signatures.

/// A certificate from the test PKI's issuing CA with the given policy and QcType (DER of
/// the qcStatements extension, hex), made by OpenSSL.
fn etsi_cert(pki: &TestPki, dir: &Path, name: &str, cn: &str, policy: &str, qc_statements_hex: &str) -> (PathBuf, PathBuf) {
    let config = dir.join(format!("{name}.cnf"));
    std::fs::write(
        &config,
        format!(
            "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nC = VN\nCN = {cn}\n[ext]\nbasicConstraints = critical,CA:FALSE\nkeyUsage = critical,digitalSignature,nonRepudiation\ncertificatePolicies = {policy}\n1.3.6.1.5.5.7.1.3 = DER:{qc_statements_hex}\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
        ),
    )
    .unwrap();
    let (key, csr, cert) = (dir.join(format!("{name}.key.pem")), dir.join(format!("{name}.csr")), dir.join(format!("{name}.pem")));
    run_ok(
        Command::new("openssl")
            .args(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-utf8", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&csr)
            .arg("-config")
            .arg(&config),
    );
    let serial = format!("0x{:x}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
    run_ok(
        Command::new("openssl")
            .args(["x509", "-req", "-days", "30", "-set_serial", &serial, "-extensions", "ext", "-in"])
            .arg(&csr)
            .arg("-CA")
            .arg(pki.cert("ca"))
            .arg("-CAkey")
            .arg(pki.key("ca"))
            .arg("-extfile")
            .arg(&config)
            .arg("-out")
            .arg(&cert),
    );
    (key, cert)
}

/// qcStatements holding one QcType statement (0.4.0.1862.1.6) with the type `last_arc`
/// (1 esign, 2 eseal).
fn qc_type(last_arc: u8) -> String {
    format!("30153013060604008E460106300906070400 8E4601060{last_arc}").replace(' ', "")
}

#[test]
fn roles_are_read_from_certificates_that_state_them() {
    let pki = TestPki::shared();
    let dir = tmp();
    // ETSI EN 319 411-2 / 319 412-5: natural person (QCP-n-qscd, esign) and legal person
    // (QCP-l-qscd, eseal); one that says both.
    let person = etsi_cert(pki, dir.path(), "esign", "Nguyễn Văn An", "0.4.0.194112.1.2", &qc_type(1));
    let seal = etsi_cert(pki, dir.path(), "eseal", "Ủy ban nhân dân tỉnh Điện Biên", "0.4.0.194112.1.3", &qc_type(2));
    let both = etsi_cert(pki, dir.path(), "both", "Nguyễn Văn Bình", "0.4.0.194112.1.2", &qc_type(2));
    let personal = dir.path().join("p.pdf");
    let issued = dir.path().join("po.pdf");
    pyhanko_sign(pki, &person, &fixture_document("quyet-dinh.pdf"), &personal, "Sig1", None, dir.path());
    pyhanko_sign(pki, &seal, &personal, &issued, "Sig2", None, dir.path());
    let (code, report) = verify(pki, &[], &[&issued]);
    assert_eq!(code, 0, "{report:#}");
    let (s1, s2) = (sig(&report, 1), sig(&report, 2));
    assert_eq!((s1["role"].as_str(), s1["role_source"].as_str()), (Some("personal"), Some("certificate")), "{s1}");
    assert!(
        s1["role_evidence"].as_str().unwrap().contains("QCP-n-qscd") && s1["role_evidence"].as_str().unwrap().contains("esign"),
        "{s1}"
    );
    assert_eq!((s2["role"].as_str(), s2["role_source"].as_str()), (Some("organization"), Some("certificate")), "{s2}");
    assert!(s2["role_evidence"].as_str().unwrap().contains("eseal"), "{s2}");
    assert_eq!(status(&report, 0, "S1"), "pass", "{}", message(&report, 0, "S1"));
    // In the other order S1 fails; with a self-contradicting certificate it cannot be decided.
    let org_first = dir.path().join("o.pdf");
    let reversed = dir.path().join("op.pdf");
    pyhanko_sign(pki, &seal, &fixture_document("quyet-dinh.pdf"), &org_first, "Sig1", None, dir.path());
    pyhanko_sign(pki, &person, &org_first, &reversed, "Sig2", None, dir.path());
    let (_, report) = verify(pki, &[], &[&reversed]);
    assert_eq!(status(&report, 0, "S1"), "fail", "{}", message(&report, 0, "S1"));
    let contradicting = dir.path().join("both.pdf");
    pyhanko_sign(pki, &both, &org_first, &contradicting, "Sig2", None, dir.path());
    let (_, report) = verify(pki, &[], &[&contradicting]);
    assert_eq!(sig(&report, 2)["role"], "unknown");
    assert_eq!(status(&report, 0, "S1"), "skipped");
    // The text report says where the role comes from.
    let mut cmd = vbdt(["verify", "--lang", "en"]);
    cmd.args(offline_args(pki)).arg(&issued);
    let text = run_ok(&mut cmd);
    assert!(text.contains("organization (from the certificate: ETSI policy QCP-l-qscd"), "{text}");
}
