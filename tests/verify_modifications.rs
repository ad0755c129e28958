//! The attack classes of issue 13, each built here on a document signed by vbdt (personal
//! then organization, fully valid before the attack), each never valid and named; and the
//! honest updates that must keep their signatures valid (rules.md V5).
//!
//! Every allow rule of the modification analysis (crates/pdf-verify/src/modifications)
//! has attacks here that try to pass a change to what a page shows as that rule's kind
//! of change: metadata (`/Info`, XMP), validation data, signature fields, form filling,
//! the form dictionary, and the cross-reference data that says which object is which.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use pdf_verify::lopdf::{Document, Object, ObjectId};
use verify_util::*;

// ---------------------------------------------------------------------------------------
// The base and the checks.

/// Writes `bytes`, verifies them: never valid, every signature's later changes
/// disallowed, and the report names each of `needles`. Returns the report's text.
fn attack(dir: &Path, name: &str, bytes: &[u8], args: &[String], needles: &[&str]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (code, report, out) = verify_json(args, &[&path]);
    let text = report.to_string();
    assert_eq!(code, 1, "{name}: expected exit 1 (invalid):\n{}\n{report:#}", output_text(&out));
    assert_eq!(report["files"][0]["verdict"], "invalid", "{name}:\n{report:#}");
    for s in report["files"][0]["signatures"].as_array().unwrap() {
        assert_ne!(s["verdict"], "valid", "{name}: a signature is still valid:\n{s:#}");
        assert_eq!(s["modifications_after"], "disallowed", "{name}:\n{s:#}");
        assert_eq!(check_status(s, "modifications"), "fail", "{name}:\n{s:#}");
    }
    for n in needles {
        assert!(text.contains(n), "{name}: the report does not name {n:?}:\n{report:#}");
    }
    text
}

/// Verifies an honest update: every signature valid and nothing disallowed.
fn honest(dir: &Path, name: &str, bytes: &[u8], args: &[String]) -> serde_json::Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (code, report, out) = verify_json(args, &[&path]);
    assert_eq!(code, 0, "{name}: expected valid:\n{}\n{report:#}", output_text(&out));
    for s in report["files"][0]["signatures"].as_array().unwrap() {
        assert_eq!(s["verdict"], "valid", "{name}:\n{s:#}");
        assert_ne!(s["modifications_after"], "disallowed", "{name}:\n{s:#}");
    }
    report
}

// ---------------------------------------------------------------------------------------
// Reading the base.

fn doc(bytes: &[u8]) -> Document {
    pdf_verify::modifications::load_doc(bytes, None).expect("load")
}

fn dict(d: &Document, id: ObjectId) -> &pdf_verify::lopdf::Dictionary {
    d.get_dictionary(id).unwrap_or_else(|_| panic!("object {id:?} is not a dictionary"))
}

/// The catalog's object number.
fn root_num(bytes: &[u8]) -> u32 {
    pdf_verify::pdf_raw::RawPdf::parse(bytes).unwrap().trailer().get_ref(b"Root").unwrap().0
}

/// Page 1's first font object.
fn page_font(bytes: &[u8]) -> u32 {
    let d = doc(bytes);
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = pdf_verify::pdfobj::dict_get_dict(&d, dict(&d, page), b"Resources").expect("resources");
    let fonts = pdf_verify::pdfobj::dict_get_dict(&d, res, b"Font").expect("fonts");
    fonts.iter().find_map(|(_, v)| v.as_reference().ok()).expect("an indirect font").0
}

/// The form fields' (terminal) dictionaries: (object, name).
fn fields(bytes: &[u8]) -> Vec<(ObjectId, String)> {
    let d = doc(bytes);
    let root = dict(&d, (root_num(bytes), 0));
    let af = pdf_verify::pdfobj::dict_get_dict(&d, root, b"AcroForm").expect("AcroForm");
    pdf_verify::pdfobj::dict_get_array(&d, af, b"Fields")
        .unwrap()
        .iter()
        .map(|f| {
            let id = f.as_reference().unwrap();
            (id, pdf_verify::pdfobj::dict_get_text(&d, dict(&d, id), b"T").unwrap_or_default())
        })
        .collect()
}

/// The first signature's value (its signature dictionary) and its widget's normal
/// appearance stream, if it has one.
fn first_signature(bytes: &[u8]) -> (ObjectId, Option<u32>) {
    let d = doc(bytes);
    let (field, _) = fields(bytes)[0].clone();
    let fd = dict(&d, field);
    let v = fd.get(b"V").unwrap().as_reference().unwrap();
    let ap =
        pdf_verify::pdfobj::dict_get_dict(&d, fd, b"AP").and_then(|ap| ap.get(b"N").ok()).and_then(|n| n.as_reference().ok()).map(|r| r.0);
    (v, ap)
}

/// The AcroForm's text with `extra` added before its closing `>>`, as (object, body) to
/// write: the catalog when the form is direct in it.
fn acroform_with(bytes: &[u8], add_field: Option<u32>, extra: &str) -> (u32, String) {
    let root = root_num(bytes);
    let root_text = raw_object_text(bytes, root);
    let d = doc(bytes);
    let add = |text: &str| -> String {
        let mut t = text.to_string();
        if let Some(n) = add_field {
            let at = t.find("/Fields").expect("/Fields");
            let open = at + t[at..].find('[').expect("[");
            t.insert_str(open + 1, &format!("{n} 0 R "));
        }
        let end = t.rfind(">>").unwrap();
        format!("{} {extra} >>", &t[..end])
    };
    match dict(&d, (root, 0)).get(b"AcroForm").unwrap() {
        Object::Reference(af) => (af.0, add(&raw_object_text(bytes, af.0))),
        _ => {
            // Direct: edit the /AcroForm << … >> inside the catalog.
            let at = root_text.find("/AcroForm").unwrap();
            let open = at + root_text[at..].find("<<").unwrap();
            let mut depth = 0;
            let mut close = open;
            let b = root_text.as_bytes();
            let mut i = open;
            while i + 1 < b.len() {
                if &b[i..i + 2] == b"<<" {
                    depth += 1;
                    i += 2;
                    continue;
                }
                if &b[i..i + 2] == b">>" {
                    depth -= 1;
                    if depth == 0 {
                        close = i + 2;
                        break;
                    }
                    i += 2;
                    continue;
                }
                i += 1;
            }
            let inner = add(&root_text[open..close]);
            (root, format!("{}{inner}{}", &root_text[..open], &root_text[close..]))
        }
    }
}

/// Page 1's text with `n 0 R` added to its /Annots (the page, or its /Annots array).
fn page_with_annot(bytes: &[u8], page: u32, n: u32) -> (u32, String) {
    let (num, text) = page_with_annot_text(bytes, page, n);
    assert!(text.contains(&format!("{n} 0 R")), "could not add {n} to the annotations of page object {page}: {text}");
    (num, text)
}

fn page_with_annot_text(bytes: &[u8], page: u32, n: u32) -> (u32, String) {
    let d = doc(bytes);
    let text = raw_object_text(bytes, page);
    match dict(&d, (page, 0)).get(b"Annots") {
        Ok(Object::Reference(a)) => {
            let t = raw_object_text(bytes, a.0);
            let open = t.find('[').unwrap();
            (a.0, format!("{}{n} 0 R {}", &t[..=open], &t[open + 1..]))
        }
        Ok(_) => {
            let at = text.find("/Annots").unwrap();
            let open = at + text[at..].find('[').unwrap();
            (page, format!("{}{n} 0 R {}", &text[..=open], &text[open + 1..]))
        }
        Err(_) => {
            let end = text.rfind(">>").unwrap();
            (page, format!("{} /Annots [{n} 0 R] >>", &text[..end]))
        }
    }
}

/// Lists a new field `n` (a merged field and widget) in the form's `/Fields` and page
/// `page`'s `/Annots`, writing what that changes into `u`.
fn list_field(u: &mut Update, bytes: &[u8], page: u32, n: u32) {
    let (af_num, af_text) = acroform_with(bytes, Some(n), "");
    let (annots_num, annots_text) = page_with_annot(bytes, page, n);
    u.object(af_num, af_text.as_bytes(), true);
    if annots_num != af_num {
        u.object(annots_num, annots_text.as_bytes(), true);
    }
}

// ---------------------------------------------------------------------------------------
// Writing updates by hand.

enum Entry {
    At(usize, u16),
    InStream(u32, u32),
}

/// An incremental update written byte by byte.
struct Update {
    out: Vec<u8>,
    entries: Vec<(u32, Entry)>,
    prev: usize,
    root: u32,
    size: u32,
}

impl Update {
    fn new(pdf: &[u8]) -> Update {
        let raw = pdf_verify::pdf_raw::RawPdf::parse(pdf).expect("parse");
        let mut out = pdf.to_vec();
        if !out.ends_with(b"\n") {
            out.push(b'\n');
        }
        Update {
            out,
            entries: Vec::new(),
            prev: raw.last().xref_offset,
            root: raw.trailer().get_ref(b"Root").unwrap().0,
            size: raw.next_object_number(),
        }
    }

    fn next(&mut self) -> u32 {
        self.size += 1;
        self.size - 1
    }

    /// Writes `N 0 obj body endobj`; listed in the xref unless `listed` is false.
    fn object(&mut self, num: u32, body: &[u8], listed: bool) -> usize {
        let at = self.out.len();
        self.out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        self.out.extend_from_slice(body);
        self.out.extend_from_slice(b"\nendobj\n");
        if listed {
            self.entries.push((num, Entry::At(at, 0)));
        }
        self.size = self.size.max(num + 1);
        at
    }

    fn entry(&mut self, num: u32, e: Entry) {
        self.size = self.size.max(num + 1);
        self.entries.push((num, e));
    }

    fn table_text(&self, trailer_extra: &str, xref_at: usize) -> String {
        let mut rows: Vec<(u32, String)> = self
            .entries
            .iter()
            .filter_map(|(n, e)| match e {
                Entry::At(off, gen) => Some((*n, format!("{off:010} {gen:05} n \n"))),
                Entry::InStream(..) => None,
            })
            .collect();
        rows.sort_by_key(|r| r.0);
        let mut t = String::from("xref\n0 1\n0000000000 65535 f \n");
        for (n, row) in rows {
            t.push_str(&format!("{n} 1\n{row}"));
        }
        t.push_str(&format!(
            "trailer\n<< /Size {} /Root {} 0 R /Prev {} {trailer_extra} >>\nstartxref\n{xref_at}\n%%EOF\n",
            self.size, self.root, self.prev
        ));
        t
    }

    /// Ends the update with a classic xref table.
    fn finish_table(mut self, trailer_extra: &str) -> Vec<u8> {
        let xref_at = self.out.len();
        let t = self.table_text(trailer_extra, xref_at);
        self.out.extend_from_slice(t.as_bytes());
        self.out
    }

    /// The data of an xref stream (W [1 4 2]) listing the entries, and its /Index.
    fn stream_rows(&self, own: Option<(u32, usize)>) -> (Vec<u8>, String) {
        let own_entry = own.map(|(n, at)| (n, Entry::At(at, 0)));
        let all: Vec<(u32, &Entry)> = self.entries.iter().chain(own_entry.iter()).map(|(n, e)| (*n, e)).collect();
        let mut rows: Vec<(u32, [u8; 7])> = Vec::new();
        for (n, e) in all {
            let mut row = [0u8; 7];
            match e {
                Entry::At(off, gen) => {
                    row[0] = 1;
                    row[1..5].copy_from_slice(&(*off as u32).to_be_bytes());
                    row[5..7].copy_from_slice(&gen.to_be_bytes());
                }
                Entry::InStream(stream, idx) => {
                    row[0] = 2;
                    row[1..5].copy_from_slice(&stream.to_be_bytes());
                    row[5..7].copy_from_slice(&(*idx as u16).to_be_bytes());
                }
            }
            rows.push((n, row));
        }
        rows.sort_by_key(|r| r.0);
        let index: Vec<String> = rows.iter().map(|(n, _)| format!("{n} 1")).collect();
        (rows.iter().flat_map(|(_, r)| r.to_vec()).collect(), index.join(" "))
    }

    /// Ends the update with an xref stream that is object `num`.
    fn finish_stream(mut self, num: u32, trailer_extra: &str) -> Vec<u8> {
        let at = self.out.len();
        self.size = self.size.max(num + 1);
        let (data, index) = self.stream_rows(Some((num, at)));
        let head = format!(
            "{num} 0 obj\n<< /Type /XRef /Size {} /Root {} 0 R /Prev {} /W [1 4 2] /Index [{index}] /Length {} {trailer_extra} >>\nstream\n",
            self.size,
            self.root,
            self.prev,
            data.len()
        );
        self.out.extend_from_slice(head.as_bytes());
        self.out.extend_from_slice(&data);
        self.out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        self.out
    }
}

fn stream_of(dict_extra: &str, content: &str) -> Vec<u8> {
    format!("<< {dict_extra} /Length {} >>\nstream\n{content}\nendstream", content.len()).into_bytes()
}

const NEW_TEXT: &str = "BT /F1 24 Tf 100 700 Td (So: 25/2025/QD-UBND) Tj ET";

// ---------------------------------------------------------------------------------------
// Metadata (`/Info`, XMP) pointed at signed content.

#[test]
fn info_pointed_at_page_content_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    u.object(contents, &stream_body(NEW_TEXT), true);
    let out = u.finish_table(&format!("/Info {contents} 0 R"));
    attack(dir.path(), "info-content.pdf", &out, &args, &["content stream of page 1", "shared-object", "path: trailer /Root"]);
}

#[test]
fn info_pointed_at_a_font_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let font = page_font(&bytes);
    let mut u = Update::new(&bytes);
    u.object(font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>", true);
    let out = u.finish_table(&format!("/Info {font} 0 R"));
    attack(dir.path(), "info-font.pdf", &out, &args, &["used on page 1", "shared-object"]);
}

#[test]
fn info_pointed_at_a_signature_appearance_and_rewritten_is_invalid() {
    let pki = TestPki::shared();
    let dir = tmp();
    // A visible personal signature (S2: the image between title and name), so that it has
    // an appearance stream.
    let personal = dir.path().join("personal.pdf");
    let both = dir.path().join("both.pdf");
    let image = fixtures_dir().join("images/chu-ky-ca-nhan.png");
    let out = run(vbdt(["sign"])
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&personal)
        .arg("--p12")
        .arg(pki.p12("personal"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", "personal", "--lang", "en", "--image"])
        .arg(&image));
    assert!(out.status.success(), "{}", output_text(&out));
    sign_vbdt(pki, "organization", "organization", &personal, &both, &[]);
    let bytes = std::fs::read(&both).unwrap();
    let args = offline_args(pki);
    let (_, ap) = first_signature(&bytes);
    let ap = ap.expect("the visible signature has an appearance stream");
    let mut u = Update::new(&bytes);
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 170 71]", "1 0 0 rg 0 0 170 71 re f"), true);
    let out = u.finish_table(&format!("/Info {ap} 0 R"));
    attack(dir.path(), "info-appearance.pdf", &out, &args, &["shared-object", "/AP"]);
}

#[test]
fn xmp_metadata_pointed_at_page_content_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let root = root_num(&bytes);
    let root_text = raw_object_text(&bytes, root);
    let root_text = match root_text.find("/Metadata") {
        Some(at) => {
            let end = at + root_text[at..].find(" R").unwrap() + 2;
            format!("{}{}", &root_text[..at], &root_text[end..])
        }
        None => root_text,
    };
    let end = root_text.rfind(">>").unwrap();
    let new_root = format!("{} /Metadata {contents} 0 R >>", &root_text[..end]);
    let mut u = Update::new(&bytes);
    u.object(root, new_root.as_bytes(), true);
    u.object(contents, &stream_of("/Type /Metadata /Subtype /XML", NEW_TEXT), true);
    let out = u.finish_table("");
    attack(dir.path(), "xmp-content.pdf", &out, &args, &["content stream of page 1", "shared-object"]);
}

#[test]
fn info_rewritten_alone_stays_allowed() {
    let (dir, bytes, args) = valid_signed_decision();
    let mut u = Update::new(&bytes);
    let n = u.next();
    u.object(n, b"<< /Title (Quyet dinh) /Producer (other software) >>", true);
    let out = u.finish_table(&format!("/Info {n} 0 R"));
    let report = honest(dir.path(), "info.pdf", &out, &args);
    assert!(report.to_string().contains("\"rule\":\"metadata\"") || report.to_string().contains("later revision"), "{report:#}");
}

// ---------------------------------------------------------------------------------------
// Cross-reference data that says which object is which.

#[test]
fn xref_stream_taking_the_number_of_page_content_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let u = Update::new(&bytes);
    let out = u.finish_stream(contents, "");
    attack(
        dir.path(),
        "xref-stream-number.pdf",
        &out,
        &args,
        &["cross-reference stream of revision", &format!("object number {contents}")],
    );
}

#[test]
fn an_object_said_to_be_inside_itself_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    u.entry(contents, Entry::InStream(contents, 0));
    let n = u.next();
    let out = u.finish_stream(n, "");
    attack(dir.path(), "inside-itself.pdf", &out, &args, &["inside itself"]);
}

#[test]
fn an_xref_only_update_pointing_content_at_another_object_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let font = page_font(&bytes);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let Some((_, pdf_verify::pdf_raw::XrefEntry::InFile { offset, .. })) = raw.lookup(font, raw.revisions.len() - 1) else {
        panic!("font offset")
    };
    let mut u = Update::new(&bytes);
    u.entry(contents, Entry::At(offset, 0));
    let out = u.finish_table("");
    attack(dir.path(), "repointed.pdf", &out, &args, &[&format!("entry for object {contents}"), &format!("bytes of object {font}")]);
}

#[test]
fn an_object_defined_twice_in_one_update_is_invalid() {
    // The listed definition is the signed one, byte for byte; a second, unlisted one
    // later in the same update is what a reader that rebuilds the table shows.
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let signed_text = raw_object_text(&bytes, contents);
    let mut u = Update::new(&bytes);
    u.object(contents, signed_text.as_bytes(), true);
    u.object(contents, &stream_body(NEW_TEXT), false);
    let out = u.finish_table("");
    attack(dir.path(), "twice.pdf", &out, &args, &[&format!("defines object {contents} 2 times")]);
}

#[test]
fn an_unlisted_redefinition_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    u.object(contents, &stream_body(NEW_TEXT), false);
    let n = u.next();
    u.object(n, b"<< /Producer (x) >>", true);
    let out = u.finish_table(&format!("/Info {n} 0 R"));
    attack(dir.path(), "hidden.pdf", &out, &args, &[&format!("defines object {contents} without listing it")]);
}

#[test]
fn a_hybrid_table_and_stream_that_disagree_are_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let Some((_, pdf_verify::pdf_raw::XrefEntry::InFile { offset: signed_at, .. })) = raw.lookup(contents, raw.revisions.len() - 1) else {
        panic!("content offset")
    };
    let mut u = Update::new(&bytes);
    // The stream says the page content is new bytes; the table keeps the signed ones.
    let changed_at = u.object(contents, &stream_body(NEW_TEXT), false);
    u.entry(contents, Entry::At(changed_at, 0));
    let xs = u.next();
    let xs_at = u.out.len();
    let (data, index) = u.stream_rows(None);
    let head = format!("{xs} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Index [{index}] /Length {} >>\nstream\n", u.size, data.len());
    u.out.extend_from_slice(head.as_bytes());
    u.out.extend_from_slice(&data);
    u.out.extend_from_slice(b"\nendstream\nendobj\n");
    u.entries.clear();
    u.entry(contents, Entry::At(signed_at, 0));
    let out = u.finish_table(&format!("/XRefStm {xs_at}"));
    attack(dir.path(), "hybrid.pdf", &out, &args, &["disagree"]);
}

// ---------------------------------------------------------------------------------------
// Signature fields.

#[test]
fn a_ghost_signature_field_taking_an_existing_signature_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let (v, _) = first_signature(&bytes);
    for (name, rect) in [("invisible", "[0 0 0 0]"), ("visible", "[300 100 500 160]")] {
        let mut u = Update::new(&bytes);
        let n = u.next();
        list_field(&mut u, &bytes, page, n);
        u.object(
            n,
            format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Ghost) /V {} 0 R /Rect {rect} /F 4 /P {page} 0 R >>", v.0).as_bytes(),
            true,
        );
        let out = u.finish_table("");
        attack(dir.path(), &format!("ghost-{name}.pdf"), &out, &args, &["ghost signature", "signature-reused"]);
    }
}

#[test]
fn an_unsigned_signature_field_painting_on_the_page_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    let n = u.next();
    let ap = u.next();
    list_field(&mut u, &bytes, page, n);
    u.object(
        n,
        format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Empty) /Rect [50 500 550 700] /F 4 /P {page} 0 R /AP << /N {ap} 0 R >> >>")
            .as_bytes(),
        true,
    );
    u.object(
        ap,
        &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 500 200]", "1 g 0 0 500 200 re f 0 g BT /Helv 20 Tf 10 80 Td (25/2025) Tj ET"),
        true,
    );
    let out = u.finish_table("");
    attack(dir.path(), "empty-field-paints.pdf", &out, &args, &["draws on the page", "empty-field-appearance"]);
}

#[test]
fn an_unsigned_signature_field_with_an_empty_appearance_stays_allowed() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    let n = u.next();
    let ap = u.next();
    list_field(&mut u, &bytes, page, n);
    u.object(
        n,
        format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Next) /Rect [50 500 250 560] /F 4 /P {page} 0 R /AP << /N {ap} 0 R >> >>")
            .as_bytes(),
        true,
    );
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 200 60]", ""), true);
    let out = u.finish_table("");
    honest(dir.path(), "empty-field.pdf", &out, &args);
}

#[test]
fn need_appearances_added_to_the_form_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let mut u = Update::new(&bytes);
    let (af_num, af_text) = acroform_with(&bytes, None, "/NeedAppearances true /DA (/Helv 0 Tf 0 g) /Q 1");
    u.object(af_num, af_text.as_bytes(), true);
    let out = u.finish_table("");
    attack(dir.path(), "need-appearances.pdf", &out, &args, &["/NeedAppearances", "acroform"]);
}

// ---------------------------------------------------------------------------------------
// Bounded work.

#[test]
fn an_update_with_hundreds_of_thousands_of_objects_is_never_valid_and_bounded() {
    let (dir, bytes, args) = valid_signed_decision();
    let mut u = Update::new(&bytes);
    for _ in 0..200_000 {
        let n = u.next();
        u.object(n, b"1", true);
    }
    let out = u.finish_table("");
    let path = dir.path().join("many.pdf");
    std::fs::write(&path, &out).unwrap();
    let (code, report, out) = verify_json(&args, &[&path]);
    assert_ne!(code, 0, "{}", output_text(&out));
    assert_ne!(report["files"][0]["verdict"], "valid", "{report:#}");
    assert!(report.to_string().contains("too large to analyse"), "{report:#}");
}

#[test]
fn info_pointed_at_page_resources_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let d = doc(&bytes);
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = dict(&d, page).get(b"Resources").unwrap().as_reference().expect("indirect resources in the fixture").0;
    let mut u = Update::new(&bytes);
    u.object(res, b"<< /ProcSet [/PDF /Text] >>", true);
    let out = u.finish_table(&format!("/Info {res} 0 R"));
    attack(dir.path(), "info-resources.pdf", &out, &args, &["resources of page 1", "shared-object"]);
}

// ---------------------------------------------------------------------------------------
// Shadow attacks (Mainka, Mladenov, Rohlmann, NDSS 2021): the author prepares the
// document before it is signed, and changes what it shows afterwards.

/// Signs `prepared` (personal then organization) and returns the signed bytes, valid.
fn sign_prepared(dir: &Path, prepared: &[u8], args: &[String]) -> Vec<u8> {
    let pki = TestPki::shared();
    let input = dir.join("prepared.pdf");
    std::fs::write(&input, prepared).unwrap();
    let personal = dir.join("prepared.personal.pdf");
    let both = dir.join("prepared.signed.pdf");
    sign_vbdt(pki, "personal", "personal", &input, &personal, &[]);
    sign_vbdt(pki, "organization", "organization", &personal, &both, &[]);
    let (code, report, out) = verify_json(args, &[&both]);
    assert_eq!(code, 0, "the prepared document, signed, must be valid first:\n{}\n{report:#}", output_text(&out));
    std::fs::read(&both).unwrap()
}

fn fixture_bytes() -> Vec<u8> {
    std::fs::read(fixture_document("quyet-dinh.pdf")).unwrap()
}

const CANCELLED: &str = "1 g 0 0 400 80 re f 1 0 0 rg BT /Helv 36 Tf 10 25 Td (DA HUY - CANCELLED) Tj ET";

#[test]
fn shadow_hide_a_hidden_overlay_made_visible_after_signing_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = fixture_bytes();
    let (page, _, _) = page_one(&fixture);
    let mut u = Update::new(&fixture);
    let a = u.next();
    let ap = u.next();
    let (pnum, ptext) = page_with_annot(&fixture, page, a);
    let annot =
        |flags: u32| format!("<< /Type /Annot /Subtype /Square /Rect [100 400 500 480] /F {flags} /P {page} 0 R /AP << /N {ap} 0 R >> >>");
    u.object(a, annot(2).as_bytes(), true); // hidden when signed
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 400 80]", CANCELLED), true);
    u.object(pnum, ptext.as_bytes(), true);
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    let mut u = Update::new(&signed);
    u.object(a, annot(4).as_bytes(), true); // shown
    attack(dir.path(), "shadow-hide-annot.pdf", &u.finish_table(""), &args, &["Square annotation on page 1", "/F"]);
}

#[test]
fn shadow_hide_optional_content_turned_on_after_signing_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = fixture_bytes();
    let (page, _, _) = page_one(&fixture);
    let root = root_num(&fixture);
    let mut u = Update::new(&fixture);
    let (g, config, a, ap) = (u.next(), u.next(), u.next(), u.next());
    let root_text = raw_object_text(&fixture, root);
    let end = root_text.rfind(">>").unwrap();
    u.object(root, format!("{} /OCProperties << /OCGs [{g} 0 R] /D {config} 0 R >> >>", &root_text[..end]).as_bytes(), true);
    u.object(g, b"<< /Type /OCG /Name (an) >>", true);
    u.object(config, format!("<< /Order [{g} 0 R] /OFF [{g} 0 R] >>").as_bytes(), true);
    let (pnum, ptext) = page_with_annot(&fixture, page, a);
    u.object(
        a,
        format!("<< /Type /Annot /Subtype /Square /Rect [100 400 500 480] /F 4 /OC {g} 0 R /P {page} 0 R /AP << /N {ap} 0 R >> >>")
            .as_bytes(),
        true,
    );
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 400 80]", CANCELLED), true);
    u.object(pnum, ptext.as_bytes(), true);
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    let mut u = Update::new(&signed);
    u.object(config, format!("<< /Order [{g} 0 R] /ON [{g} 0 R] /OFF [] >>").as_bytes(), true);
    attack(dir.path(), "shadow-hide-oc.pdf", &u.finish_table(""), &args, &[&format!("object {config}"), "/OCProperties"]);
}

#[test]
fn shadow_replace_a_form_xobject_redefined_after_signing_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = fixture_bytes();
    let d = doc(&fixture);
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = dict(&d, page).get(b"Resources").unwrap().as_reference().unwrap().0;
    let contents = dict(&d, page).get(b"Contents").unwrap().as_reference().unwrap().0;
    let page_text = raw_object_text(&fixture, page.0);
    let res_text = raw_object_text(&fixture, res);
    let mut u = Update::new(&fixture);
    let (x, c) = (u.next(), u.next());
    let end = res_text.rfind(">>").unwrap();
    u.object(res, format!("{} /XObject << /X1 {x} 0 R >> >>", &res_text[..end]).as_bytes(), true);
    u.object(x, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 400 80]", ""), true);
    u.object(c, &stream_body("q 1 0 0 1 100 400 cm /X1 Do Q"), true);
    u.object(
        page.0,
        page_text.replacen(&format!("/Contents {contents} 0 R"), &format!("/Contents [{contents} 0 R {c} 0 R]"), 1).as_bytes(),
        true,
    );
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    let mut u = Update::new(&signed);
    u.object(x, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 400 80]", CANCELLED), true);
    attack(dir.path(), "shadow-replace-xobject.pdf", &u.finish_table(""), &args, &["XObject (image or form) /X1 used on page 1"]);
}

/// A second page tree, signed but unused: (its object, its page's object).
fn with_spare_page_tree(fixture: &[u8]) -> (Vec<u8>, u32) {
    let d = doc(fixture);
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = dict(&d, page).get(b"Resources").unwrap().as_reference().unwrap().0;
    let mut u = Update::new(fixture);
    let (t, p, c) = (u.next(), u.next(), u.next());
    u.object(t, format!("<< /Type /Pages /Count 1 /Kids [{p} 0 R] >>").as_bytes(), true);
    u.object(
        p,
        format!("<< /Type /Page /Parent {t} 0 R /MediaBox [0 0 595 842] /Resources {res} 0 R /Contents {c} 0 R >>").as_bytes(),
        true,
    );
    u.object(c, &stream_body(NEW_TEXT), true);
    let n = u.next();
    u.object(n, b"<< /Producer (prepared) >>", true);
    (u.finish_table(&format!("/Info {n} 0 R")), t)
}

#[test]
fn shadow_hide_and_replace_by_the_catalog_pages_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let (prepared, spare) = with_spare_page_tree(&fixture_bytes());
    let signed = sign_prepared(dir.path(), &prepared, &args);
    let root = root_num(&signed);
    let root_text = raw_object_text(&signed, root);
    let at = root_text.find("/Pages").unwrap();
    let end = at + root_text[at..].find(" R").unwrap() + 2;
    let new_root = format!("{}/Pages {spare} 0 R{}", &root_text[..at], &root_text[end..]);
    let mut u = Update::new(&signed);
    u.object(root, new_root.as_bytes(), true);
    attack(dir.path(), "shadow-pages.pdf", &u.finish_table(""), &args, &["/Pages", "page tree"]);
}

#[test]
fn shadow_hide_and_replace_by_a_new_root_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let (prepared, spare) = with_spare_page_tree(&fixture_bytes());
    let signed = sign_prepared(dir.path(), &prepared, &args);
    let root = root_num(&signed);
    let root_text = raw_object_text(&signed, root);
    let at = root_text.find("/Pages").unwrap();
    let end = at + root_text[at..].find(" R").unwrap() + 2;
    let new_root = format!("{}/Pages {spare} 0 R{}", &root_text[..at], &root_text[end..]);
    let mut u = Update::new(&signed);
    let n = u.next();
    u.root = n;
    u.object(n, new_root.as_bytes(), true);
    attack(dir.path(), "shadow-root.pdf", &u.finish_table(""), &args, &["/Pages"]);
}

#[test]
fn shadow_hide_and_replace_by_an_xref_entry_is_invalid() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let (prepared, spare) = with_spare_page_tree(&fixture_bytes());
    let signed = sign_prepared(dir.path(), &prepared, &args);
    let (_, _, tree) = page_one(&signed);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&signed).unwrap();
    let Some((_, pdf_verify::pdf_raw::XrefEntry::InFile { offset, .. })) = raw.lookup(spare, raw.revisions.len() - 1) else { panic!() };
    let mut u = Update::new(&signed);
    u.entry(tree, Entry::At(offset, 0));
    attack(dir.path(), "shadow-xref.pdf", &u.finish_table(""), &args, &[&format!("entry for object {tree}")]);
}

#[test]
fn a_prev_into_a_section_planted_before_signing_is_never_valid() {
    // Before signing, the author plants a second cross-reference section inside a stream;
    // after signing, an update's /Prev points there instead of at the signed revision's
    // own section, so readers that follow it see another document. Readers that follow
    // the chain see no signature at all: the verdict is "unsigned", never valid. (The
    // planted section's startxref disagreement is named only under a signature.)
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = fixture_bytes();
    let (_, contents, _) = page_one(&fixture);
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&fixture).unwrap();
    let root = root_num(&fixture);
    let mut u = Update::new(&fixture);
    let holder = u.next();
    // Layout of the holder stream: a fake content object, then a fake section naming it.
    let head = format!("{holder} 0 obj\n<< /Length 0000000 >>\nstream\n");
    let data_at = u.out.len() + head.len();
    let fake_obj = format!("{contents} 0 obj\n{}\nendobj\n", String::from_utf8(stream_body(NEW_TEXT)).unwrap());
    let section_at = data_at + fake_obj.len();
    let section = format!(
        "xref\n0 1\n0000000000 65535 f \n{contents} 1\n{data_at:010} 00000 n \ntrailer\n<< /Size {} /Root {root} 0 R /Prev {} >>\n",
        u.size,
        raw.last().xref_offset
    );
    let data = format!("{fake_obj}{section}");
    let holder_at = u.out.len();
    u.out.extend_from_slice(head.replace("0000000", &format!("{:07}", data.len())).as_bytes());
    u.out.extend_from_slice(data.as_bytes());
    u.out.extend_from_slice(b"\nendstream\nendobj\n");
    u.entry(holder, Entry::At(holder_at, 0));
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    let mut u = Update::new(&signed);
    u.prev = section_at;
    let out = u.finish_table("");
    let path = dir.path().join("prev.pdf");
    std::fs::write(&path, &out).unwrap();
    let (code, report, o) = verify_json(&args, &[&path]);
    assert_ne!(code, 0, "{}\n{report:#}", output_text(&o));
    assert_ne!(report["files"][0]["verdict"], "valid", "{report:#}");
    for s in report["files"][0]["signatures"].as_array().into_iter().flatten() {
        assert_ne!(s["verdict"], "valid", "{s:#}");
    }
}

#[test]
fn an_annotation_list_grown_by_tens_of_thousands_is_never_valid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let text = raw_object_text(&bytes, page);
    let refs: String = (0..50_000).map(|i| format!("{} 0 R ", 100_000 + i)).collect();
    let new_page = match text.find("/Annots [") {
        Some(_) => text.replacen("/Annots [", &format!("/Annots [{refs}"), 1),
        None => format!("{} /Annots [{refs}] >>", &text[..text.rfind(">>").unwrap()]),
    };
    let mut u = Update::new(&bytes);
    u.object(page, new_page.as_bytes(), true);
    let out = u.finish_table("");
    let path = dir.path().join("annots.pdf");
    std::fs::write(&path, &out).unwrap();
    let (code, report, o) = verify_json(&args, &[&path]);
    assert_ne!(code, 0, "{}", output_text(&o));
    assert_ne!(report["files"][0]["verdict"], "valid", "{report:#}");
    assert!(report.to_string().contains("too many to analyse"), "{report:#}");
}

// ---------------------------------------------------------------------------------------
// Weak algorithms (ETSI cryptographic constraints): never silently valid.

fn pyhanko_sign_with(pki: &TestPki, input: &Path, output: &Path, digest: &str) {
    require_tool("pyhanko");
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("tests/tools/pyhanko_sign_digest.py"))
        .arg(pki.key("personal"))
        .arg(pki.cert("personal"))
        .arg(pki.cert("ca"))
        .arg(input)
        .arg(output)
        .arg(digest);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
}

#[test]
fn a_sha1_document_signature_without_proof_of_existence_is_indeterminate() {
    let pki = TestPki::shared();
    let dir = tmp();
    let out = dir.path().join("sha1.pdf");
    pyhanko_sign_with(pki, &fixture_document("quyet-dinh.pdf"), &out, "sha1");
    let (code, report, o) = verify_json(&offline_args(pki), &[&out]);
    assert_eq!(code, 3, "{}\n{report:#}", output_text(&o));
    let s = sig(&report, 1);
    assert_eq!(s["verdict"], "indeterminate", "{s:#}");
    assert_eq!(check_status(s, "algorithms"), "indeterminate", "{s:#}");
    assert!(check_message(s, "algorithms").contains("SHA-1"), "{s:#}");
    // The same document signed with SHA-256 passes the check.
    let out = dir.path().join("sha256.pdf");
    pyhanko_sign_with(pki, &fixture_document("quyet-dinh.pdf"), &out, "sha256");
    let (_, report, _) = verify_json(&offline_args(pki), &[&out]);
    assert_eq!(check_status(sig(&report, 1), "algorithms"), "pass", "{report:#}");
}

#[test]
fn a_cms_whose_digest_algorithms_disagree_with_its_signer_is_invalid() {
    // digestAlgorithms is not signed: rewriting it leaves the signature intact.
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    pyhanko_sign_with(pki, &fixture_document("quyet-dinh.pdf"), &signed, "sha256");
    let mut bytes = std::fs::read(&signed).unwrap();
    let sha256_oid = b"0609608648016503040201";
    let at = bytes.windows(sha256_oid.len()).position(|w| w.eq_ignore_ascii_case(sha256_oid)).expect("the SHA-256 OID in /Contents");
    bytes[at + sha256_oid.len() - 1] = b'3'; // 2.16.840.1.101.3.4.2.3: SHA-512
    let path = dir.path().join("digest-algorithms.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let (code, report, o) = verify_json(&offline_args(pki), &[&path]);
    assert_eq!(code, 1, "{}\n{report:#}", output_text(&o));
    let s = sig(&report, 1);
    assert_eq!(check_status(s, "algorithms"), "fail", "{s:#}");
    assert!(check_message(s, "algorithms").contains("SHA-512"), "{s:#}");
}

// ---------------------------------------------------------------------------------------
// Honest updates: validation data, form filling, annotations, signing a prepared field.

/// Every signature valid with nothing disallowed after it (document rules aside: files
/// made by other software have no roles).
fn all_signatures_valid(dir: &Path, name: &str, bytes: &[u8], args: &[String]) -> serde_json::Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (_, report, out) = verify_json(args, &[&path]);
    let sigs = report["files"][0]["signatures"].as_array().unwrap_or_else(|| panic!("{name}: {}", output_text(&out)));
    assert!(!sigs.is_empty(), "{name}: no signature:\n{report:#}");
    for s in sigs {
        assert_eq!(s["verdict"], "valid", "{name}:\n{s:#}");
        assert_ne!(s["modifications_after"], "disallowed", "{name}:\n{s:#}");
    }
    report
}

/// The fixture with an empty text field "So" on page 1 (the form created with it).
fn with_text_field(fixture: &[u8]) -> Vec<u8> {
    let (page, _, _) = page_one(fixture);
    let root = root_num(fixture);
    let mut u = Update::new(fixture);
    let (t, e, helv) = (u.next(), u.next(), u.next());
    let root_text = raw_object_text(fixture, root);
    let end = root_text.rfind(">>").unwrap();
    u.object(
        root,
        format!("{} /AcroForm << /Fields [{t} 0 R] /DA (/Helv 0 Tf 0 g) /DR << /Font << /Helv {helv} 0 R >> >> >> >>", &root_text[..end])
            .as_bytes(),
        true,
    );
    u.object(helv, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>", true);
    u.object(t, format!("<< /Type /Annot /Subtype /Widget /FT /Tx /T (So) /Rect [90 760 160 776] /F 4 /P {page} 0 R /DA (/Helv 12 Tf 0 g) /AP << /N {e} 0 R >> >>").as_bytes(), true);
    u.object(e, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 70 16]", "/Tx BMC EMC"), true);
    let (pnum, ptext) = page_with_annot(fixture, page, t);
    u.object(pnum, ptext.as_bytes(), true);
    u.finish_table("")
}

/// Fills the text field "So" with `value` in a new update.
fn fill(bytes: &[u8], value: &str) -> Vec<u8> {
    let (field, _) = fields(bytes).into_iter().find(|(_, n)| n == "So").expect("field So");
    let text = raw_object_text(bytes, field.0);
    let mut u = Update::new(bytes);
    let ap = u.next();
    let at = text.find("/AP").unwrap();
    let end = at + text[at..].find(">>").unwrap() + 2;
    let filled = format!("{}/V ({value}) /AP << /N {ap} 0 R >>{}", &text[..at], &text[end..]);
    u.object(field.0, filled.as_bytes(), true);
    let helv = "<< /Font << /Helv << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>";
    u.object(
        ap,
        &stream_of(
            &format!("/Type /XObject /Subtype /Form /BBox [0 0 70 16] /Resources {helv}"),
            &format!("/Tx BMC BT /Helv 12 Tf 2 4 Td ({value}) Tj ET EMC"),
        ),
        true,
    );
    u.finish_table("")
}

#[test]
fn ltv_after_a_p1_certification_stays_valid() {
    let pki = TestPki::shared();
    let dir = tmp();
    let certified = dir.path().join("certified.pdf");
    certify(pki, &fixture_document("quyet-dinh.pdf"), &certified, 1);
    let ltv = dir.path().join("ltv.pdf");
    let out = run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(&certified).arg("-o").arg(&ltv));
    assert!(out.status.success(), "{}", output_text(&out));
    let report = all_signatures_valid(dir.path(), "ltv-p1.pdf", &std::fs::read(&ltv).unwrap(), &offline_args(pki));
    assert!(report.to_string().contains("validation data (DSS) added"), "{report:#}");
    // A second LTV update keeps it valid too.
    let again = dir.path().join("ltv2.pdf");
    let out = run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(&ltv).arg("-o").arg(&again));
    assert!(out.status.success(), "{}", output_text(&out));
    all_signatures_valid(dir.path(), "ltv-p1-twice.pdf", &std::fs::read(&again).unwrap(), &offline_args(pki));
}

#[test]
fn a_later_ltv_update_rewriting_a_dss_stream_stays_valid() {
    let pki = TestPki::shared();
    let (dir, bytes, args) = valid_signed_decision();
    let signed = dir.path().join("b.pdf");
    std::fs::write(&signed, &bytes).unwrap();
    let ltv = dir.path().join("ltv.pdf");
    let out = run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(&signed).arg("-o").arg(&ltv));
    assert!(out.status.success(), "{}", output_text(&out));
    let ltv = std::fs::read(&ltv).unwrap();
    let d = doc(&ltv);
    let root = dict(&d, (root_num(&ltv), 0));
    let dss = pdf_verify::pdfobj::dict_get_dict(&d, root, b"DSS").expect("DSS");
    let cert = pdf_verify::pdfobj::dict_get_array(&d, dss, b"Certs").expect("Certs")[0].as_reference().unwrap();
    let text = raw_object_text(&ltv, cert.0);
    let mut u = Update::new(&ltv);
    // The same certificate, its stream dictionary written anew.
    u.object(cert.0, text.replacen("<<", "<< /Rewritten true", 1).as_bytes(), true);
    let report = all_signatures_valid(dir.path(), "dss-rewrite.pdf", &u.finish_table(""), &args);
    assert!(report.to_string().contains("validation data (DSS) updated"), "{report:#}");
}

#[test]
fn form_filling_after_a_p2_certification_is_allowed_and_listed() {
    let pki = TestPki::shared();
    let dir = tmp();
    let prepared = dir.path().join("form.pdf");
    std::fs::write(&prepared, with_text_field(&fixture_bytes())).unwrap();
    let args = offline_args(pki);
    for (p, allowed) in [(2u8, true), (1u8, false)] {
        let certified = dir.path().join(format!("certified-p{p}.pdf"));
        certify(pki, &prepared, &certified, p);
        let filled = fill(&std::fs::read(&certified).unwrap(), "62");
        if allowed {
            let report = all_signatures_valid(dir.path(), "filled-p2.pdf", &filled, &args);
            assert!(report.to_string().contains("form field \\\"So\\\" filled in: (empty) → \\\"62\\\""), "{report:#}");
        } else {
            let text = attack(dir.path(), "filled-p1.pdf", &filled, &args, &["docmdp"]);
            assert!(text.contains("DocMDP P=1"), "{text}");
        }
    }
}

#[test]
fn form_filling_after_an_approval_signature_is_allowed_and_listed() {
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let signed = sign_prepared(dir.path(), &with_text_field(&fixture_bytes()), &args);
    let report = all_signatures_valid(dir.path(), "filled.pdf", &fill(&signed, "62"), &args);
    let text = report.to_string();
    assert!(text.contains("\"rule\":\"form-filling\"") && text.contains("\\\"62\\\""), "{report:#}");
}

#[test]
fn filling_a_field_the_signature_locks_is_invalid() {
    let pki = TestPki::shared();
    let dir = tmp();
    let prepared = dir.path().join("form.pdf");
    std::fs::write(&prepared, with_text_field(&fixture_bytes())).unwrap();
    let signed = dir.path().join("locked.pdf");
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("tests/tools/pyhanko_sign_digest.py"))
        .arg(pki.key("personal"))
        .arg(pki.cert("personal"))
        .arg(pki.cert("ca"))
        .arg(&prepared)
        .arg(&signed)
        .args(["sha256", "So"]);
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
    let args = offline_args(pki);
    all_signatures_valid(dir.path(), "locked-before.pdf", &std::fs::read(&signed).unwrap(), &args);
    let filled = fill(&std::fs::read(&signed).unwrap(), "62");
    attack(dir.path(), "locked-filled.pdf", &filled, &args, &["field-lock", "locked by this signature"]);
}

/// Adds a new /Text annotation to page 1.
fn with_note(bytes: &[u8]) -> Vec<u8> {
    let (page, _, _) = page_one(bytes);
    let mut u = Update::new(bytes);
    let a = u.next();
    let (pnum, ptext) = page_with_annot(bytes, page, a);
    u.object(a, format!("<< /Type /Annot /Subtype /Text /Rect [20 800 40 820] /Contents (ghi chu) /P {page} 0 R >>").as_bytes(), true);
    u.object(pnum, ptext.as_bytes(), true);
    u.finish_table("")
}

#[test]
fn annotations_are_allowed_after_a_p3_certification_only() {
    let pki = TestPki::shared();
    let dir = tmp();
    let args = offline_args(pki);
    for p in [3u8, 2] {
        let certified = dir.path().join(format!("certified-p{p}.pdf"));
        certify(pki, &fixture_document("quyet-dinh.pdf"), &certified, p);
        let noted = with_note(&std::fs::read(&certified).unwrap());
        if p == 3 {
            let report = all_signatures_valid(dir.path(), "note-p3.pdf", &noted, &args);
            assert!(report.to_string().contains("/Text annotation"), "{report:#}");
        } else {
            attack(dir.path(), "note-p2.pdf", &noted, &args, &["docmdp", "/Text annotation"]);
        }
    }
    // After approval signatures (no certification), an annotation is beyond form filling.
    let (dir, bytes, args) = valid_signed_decision();
    attack(dir.path(), "note-approval.pdf", &with_note(&bytes), &args, &["permission", "/Text annotation"]);
}

#[test]
fn signing_a_prepared_empty_field_with_an_indirect_appearance_stays_valid() {
    let pki = TestPki::shared();
    let dir = tmp();
    let args = offline_args(pki);
    let personal = dir.path().join("personal.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &personal, &[]);
    let bytes = std::fs::read(&personal).unwrap();
    let (page, _, _) = page_one(&bytes);
    let mut u = Update::new(&bytes);
    let (f, apd, aps) = (u.next(), u.next(), u.next());
    list_field(&mut u, &bytes, page, f);
    u.object(
        f,
        format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Org) /Rect [300 100 500 160] /F 4 /P {page} 0 R /AP {apd} 0 R >>")
            .as_bytes(),
        true,
    );
    u.object(apd, format!("<< /N {aps} 0 R >>").as_bytes(), true);
    u.object(aps, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 200 60]", ""), true);
    let prepared = dir.path().join("prepared-field.pdf");
    std::fs::write(&prepared, u.finish_table("")).unwrap();
    all_signatures_valid(dir.path(), "prepared-check.pdf", &std::fs::read(&prepared).unwrap(), &args);
    let out = dir.path().join("org.pdf");
    let mut cmd = std::process::Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "addsig", "--field", "Org", "pemder", "--key"])
        .arg(pki.key("organization"))
        .arg("--cert")
        .arg(pki.cert("organization"))
        .arg("--chain")
        .arg(pki.cert("ca"))
        .arg("--no-pass")
        .arg(&prepared)
        .arg(&out);
    let o = run(&mut cmd);
    assert!(o.status.success(), "{}", output_text(&o));
    let report = all_signatures_valid(dir.path(), "org-signed.pdf", &std::fs::read(&out).unwrap(), &args);
    assert!(report.to_string().contains("signature field \\\"Org\\\" was signed"), "{report:#}");
}

// ---------------------------------------------------------------------------------------
// Each allow rule, attacked: content the signed revision shows, passed off as the kind of
// change the rule allows.

#[test]
fn dss_pointed_at_page_content_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let root = root_num(&bytes);
    let root_text = raw_object_text(&bytes, root);
    let end = root_text.rfind(">>").unwrap();
    let mut u = Update::new(&bytes);
    let dss = u.next();
    u.object(root, format!("{} /DSS {dss} 0 R >>", &root_text[..end]).as_bytes(), true);
    u.object(dss, format!("<< /Certs [{contents} 0 R] >>").as_bytes(), true);
    u.object(contents, &stream_body(NEW_TEXT), true);
    attack(dir.path(), "dss-content.pdf", &u.finish_table(""), &args, &["content stream of page 1", "shared-object", "as dss"]);
}

#[test]
fn catalog_extensions_pointed_at_page_content_and_rewritten_is_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (_, contents, _) = page_one(&bytes);
    let root = root_num(&bytes);
    let root_text = raw_object_text(&bytes, root);
    let end = root_text.rfind(">>").unwrap();
    let mut u = Update::new(&bytes);
    u.object(root, format!("{} /Extensions {contents} 0 R >>", &root_text[..end]).as_bytes(), true);
    u.object(contents, &stream_body(NEW_TEXT), true);
    attack(dir.path(), "extensions-content.pdf", &u.finish_table(""), &args, &["content stream of page 1", "shared-object", "as catalog"]);
}

#[test]
fn form_resources_shared_with_the_page_and_rewritten_are_invalid() {
    // Prepared: the form's /DR /Font is the page's own font dictionary.
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = with_text_field(&fixture_bytes());
    let d = doc(&fixture);
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = pdf_verify::pdfobj::dict_get_dict(&d, dict(&d, page), b"Resources").unwrap();
    let fonts = res.get(b"Font").unwrap().as_reference().expect("an indirect font dictionary in the fixture").0;
    let root = root_num(&fixture);
    let root_text = raw_object_text(&fixture, root);
    let at = root_text.find("/DR").unwrap();
    let end = at + root_text[at..].find(">> >>").unwrap() + 5;
    let mut u = Update::new(&fixture);
    u.object(root, format!("{}/DR << /Font {fonts} 0 R >>{}", &root_text[..at], &root_text[end..]).as_bytes(), true);
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    // After signing: the "form's" font dictionary maps the page's font names elsewhere.
    let fonts_text = raw_object_text(&signed, fonts);
    let courier = "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>";
    let name = fonts_text.split('/').nth(1).unwrap().split_whitespace().next().unwrap().to_string();
    let mut u = Update::new(&signed);
    u.object(fonts, format!("<< /{name} {courier} >>").as_bytes(), true);
    attack(dir.path(), "dr-shared.pdf", &u.finish_table(""), &args, &["shared-object", "font resources of page 1"]);
}

#[test]
fn filling_a_field_whose_old_appearance_the_page_also_draws_is_invalid() {
    // Prepared: the text field's empty appearance is also drawn by the page as an XObject;
    // "filling" the field rewrites that stream in place.
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let fixture = with_text_field(&fixture_bytes());
    let (field, _) = fields(&fixture).into_iter().find(|(_, n)| n == "So").unwrap();
    let d = doc(&fixture);
    let ap = pdf_verify::pdfobj::dict_get_dict(&d, dict(&d, field), b"AP").unwrap().get(b"N").unwrap().as_reference().unwrap().0;
    let page = pdf_verify::pdfobj::pages(&d)[0];
    let res = dict(&d, page).get(b"Resources").unwrap().as_reference().unwrap().0;
    let contents = dict(&d, page).get(b"Contents").unwrap().as_reference().unwrap().0;
    let res_text = raw_object_text(&fixture, res);
    let page_text = raw_object_text(&fixture, page.0);
    let mut u = Update::new(&fixture);
    let c = u.next();
    let end = res_text.rfind(">>").unwrap();
    u.object(res, format!("{} /XObject << /Box {ap} 0 R >> >>", &res_text[..end]).as_bytes(), true);
    u.object(c, &stream_body("q 5 0 0 5 100 300 cm /Box Do Q"), true);
    u.object(
        page.0,
        page_text.replacen(&format!("/Contents {contents} 0 R"), &format!("/Contents [{contents} 0 R {c} 0 R]"), 1).as_bytes(),
        true,
    );
    let signed = sign_prepared(dir.path(), &u.finish_table(""), &args);
    let text = raw_object_text(&signed, field.0);
    let mut u = Update::new(&signed);
    u.object(field.0, text.replacen("/AP", "/V (62) /AP", 1).as_bytes(), true);
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 70 16]", CANCELLED), true);
    attack(dir.path(), "fill-shared.pdf", &u.finish_table(""), &args, &["shared-object", "XObject (image or form) /Box used on page 1"]);
}

#[test]
fn a_field_replaced_by_a_new_object_of_the_same_name_is_invalid() {
    // "Filling" by swapping in another field object named like the signed one, with its
    // own widget anywhere on the page.
    let dir = tmp();
    let args = offline_args(TestPki::shared());
    let signed = sign_prepared(dir.path(), &with_text_field(&fixture_bytes()), &args);
    let (old, _) = fields(&signed).into_iter().find(|(_, n)| n == "So").unwrap();
    let (page, _, _) = page_one(&signed);
    let mut u = Update::new(&signed);
    let (f, ap) = (u.next(), u.next());
    let (af_num, af_text) = acroform_with(&signed, None, "");
    let af_text = af_text.replacen(&format!("{} 0 R", old.0), &format!("{f} 0 R"), 1);
    let (annots_num, annots_text) = page_with_annot(&signed, page, f);
    u.object(
        f,
        format!(
            "<< /Type /Annot /Subtype /Widget /FT /Tx /T (So) /V (25) /Rect [50 500 550 700] /F 4 /P {page} 0 R /AP << /N {ap} 0 R >> >>"
        )
        .as_bytes(),
        true,
    );
    u.object(ap, &stream_of("/Type /XObject /Subtype /Form /BBox [0 0 500 200]", CANCELLED), true);
    u.object(af_num, af_text.as_bytes(), true);
    if annots_num != af_num {
        u.object(annots_num, annots_text.as_bytes(), true);
    }
    attack(dir.path(), "field-swap.pdf", &u.finish_table(""), &args, &["other objects or widgets"]);
}

#[test]
fn new_signature_fields_with_colours_or_actions_are_invalid() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    for (name, extra, needle) in [
        ("mk", "/MK << /BG [1 1 1] >>", "draws on the page"),
        ("action", "/AA << /PO << /S /JavaScript /JS (this.getField\\('So'\\).value = '25') >> >>", "actions"),
    ] {
        let mut u = Update::new(&bytes);
        let n = u.next();
        list_field(&mut u, &bytes, page, n);
        u.object(
            n,
            format!("<< /Type /Annot /Subtype /Widget /FT /Sig /T (Extra) /Rect [50 500 550 700] /F 4 /P {page} 0 R {extra} >>").as_bytes(),
            true,
        );
        attack(dir.path(), &format!("field-{name}.pdf"), &u.finish_table(""), &args, &[needle]);
    }
}

#[test]
fn an_array_of_millions_of_entries_is_refused_as_too_large_to_read() {
    // Every entry would cost about 100 bytes in each copy of the document: the reader
    // stops at a million and says so (exit 4, unreadable), without retrying with an
    // unbounded parser.
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let text = raw_object_text(&bytes, page);
    let refs: String = (0..1_000_001u32).map(|i| format!("{} 0 R ", 100_000 + i)).collect();
    let new_page = format!("{} /Annots [{refs}] >>", &text[..text.rfind(">>").unwrap()].replace("/Annots", "/OldAnnots"));
    let mut u = Update::new(&bytes);
    u.object(page, new_page.as_bytes(), true);
    let path = dir.path().join("million.pdf");
    std::fs::write(&path, u.finish_table("")).unwrap();
    let (code, _, o) = verify_json(&args, &[&path]);
    assert_eq!(code, 4, "{}", output_text(&o));
    assert!(output_text(&o).contains("more than 1000000 entries"), "{}", output_text(&o));
}
