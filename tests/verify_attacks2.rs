//! An attacker's second pass over the modification analysis (rules.md V5): each test
//! takes the decision signed by vbdt (personal then organization approval signatures, no
//! certification), appends by hand an update that changes what a reader sees or does,
//! and checks that no signature is valid and that the report names the change. Attacks
//! already in verify_attacks.rs, verify_modifications.rs and verify_pyhanko_diff.rs are
//! not repeated here.

mod common;
mod verify_util;

use std::path::Path;

use common::*;
use pdf_verify::lopdf::{Dictionary, Document, Object, ObjectId};
use verify_util::*;

// ---------------------------------------------------------------------------------------
// The base, the check, and rewriting objects.

/// Writes `bytes`, verifies them: invalid, every signature's later changes disallowed and
/// its `modifications` check failed, and the report names each of `needles`.
fn attack(dir: &Path, name: &str, bytes: &[u8], args: &[String], needles: &[&str]) -> serde_json::Value {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let (code, report, out) = verify_json(args, &[&path]);
    assert_eq!(code, 1, "{name}: expected exit 1 (invalid):\n{}\n{report:#}", output_text(&out));
    assert_eq!(report["files"][0]["verdict"], "invalid", "{name}:\n{report:#}");
    let sigs = report["files"][0]["signatures"].as_array().unwrap();
    assert_eq!(sigs.len(), 2, "{name}: two signatures expected:\n{report:#}");
    for s in sigs {
        assert_ne!(s["verdict"], "valid", "{name}: a signature is still valid:\n{s:#}");
        assert_eq!(s["modifications_after"], "disallowed", "{name}:\n{s:#}");
        assert_eq!(check_status(s, "modifications"), "fail", "{name}:\n{s:#}");
    }
    eprintln!("{name}: {}", check_message(&sigs[1], "modifications"));
    let text = report.to_string();
    for n in needles {
        assert!(text.contains(n), "{name}: the report does not name {n:?}:\n{report:#}");
    }
    report
}

fn doc(bytes: &[u8]) -> Document {
    pdf_verify::modifications::load_doc(bytes, None).expect("load")
}

fn root_num(bytes: &[u8]) -> u32 {
    pdf_verify::pdf_raw::RawPdf::parse(bytes).unwrap().trailer().get_ref(b"Root").unwrap().0
}

fn next_num(bytes: &[u8]) -> u32 {
    pdf_verify::pdf_raw::RawPdf::parse(bytes).unwrap().next_object_number()
}

/// A PDF object written as text (dictionaries and what they hold; no streams).
fn pdf_text(o: &Object) -> String {
    match o {
        Object::Null => "null".into(),
        Object::Boolean(b) => b.to_string(),
        Object::Integer(i) => i.to_string(),
        Object::Real(r) => format!("{r}"),
        Object::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
        Object::String(s, _) => format!("<{}>", s.iter().map(|b| format!("{b:02X}")).collect::<String>()),
        Object::Array(a) => format!("[{}]", a.iter().map(pdf_text).collect::<Vec<_>>().join(" ")),
        Object::Dictionary(d) => dict_text(d),
        Object::Reference((n, g)) => format!("{n} {g} R"),
        Object::Stream(_) => panic!("a stream cannot be written as a direct object"),
    }
}

fn dict_text(d: &Dictionary) -> String {
    let mut t = String::from("<<");
    for (k, v) in d.iter() {
        t.push_str(&format!(" /{} {}", String::from_utf8_lossy(k), pdf_text(v)));
    }
    t.push_str(" >>");
    t
}

/// Object `id`'s dictionary as the signed file has it, changed by `edit`, as a body to write.
fn rewritten(bytes: &[u8], id: ObjectId, edit: impl FnOnce(&mut Dictionary)) -> Vec<u8> {
    let d = doc(bytes);
    let mut dict = d.get_dictionary(id).unwrap_or_else(|_| panic!("object {id:?} is not a dictionary")).clone();
    edit(&mut dict);
    dict_text(&dict).into_bytes()
}

/// Parses a direct object written as text (for values set in an edit).
fn obj(text: &str) -> Object {
    let d = Document::load_mem(
        format!(
            "%PDF-1.7\n1 0 obj\n<< /V {text} >>\nendobj\nxref\n0 2\n0000000000 65535 f \n0000000009 00000 n \ntrailer\n<< /Size 2 >>\nstartxref\n{}\n%%EOF\n",
            9 + format!("1 0 obj\n<< /V {text} >>\nendobj\n").len()
        )
        .as_bytes(),
    )
    .unwrap_or_else(|e| panic!("{text}: {e}"));
    d.get_dictionary((1, 0)).unwrap().get(b"V").unwrap().clone()
}

/// The catalog rewritten with `entries` (`(key, value text)`) set.
fn catalog_with(bytes: &[u8], entries: &[(&str, String)]) -> (u32, Vec<u8>) {
    let root = root_num(bytes);
    let body = rewritten(bytes, (root, 0), |d| {
        for (k, v) in entries {
            d.set(k.as_bytes().to_vec(), obj(v));
        }
    });
    (root, body)
}

/// The page tree's root node.
fn page_tree(bytes: &[u8]) -> u32 {
    let d = doc(bytes);
    let root = d.get_dictionary((root_num(bytes), 0)).unwrap();
    root.get(b"Pages").unwrap().as_reference().unwrap().0
}

// ---------------------------------------------------------------------------------------
// 1. Page attributes the pages inherit from the page tree.

#[test]
fn an_inherited_rotate_on_the_page_tree_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let tree = page_tree(&bytes);
    let body = rewritten(&bytes, (tree, 0), |d| d.set("Rotate", 90));
    let attack_bytes = append_update(&bytes, &[(tree, body)], "");
    attack(dir.path(), "tree-rotate.pdf", &attack_bytes, &args, &["/Rotate"]);
}

#[test]
fn an_inherited_media_box_or_crop_box_on_the_page_tree_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let tree = page_tree(&bytes);
    // Only the top of the page shows: the body of the decision is cut away.
    for (key, name) in [("MediaBox", "tree-mediabox.pdf"), ("CropBox", "tree-cropbox.pdf")] {
        let body = rewritten(&bytes, (tree, 0), |d| d.set(key, obj("[0 700 595 842]")));
        let attack_bytes = append_update(&bytes, &[(tree, body)], "");
        attack(dir.path(), name, &attack_bytes, &args, &[&format!("/{key}")]);
    }
}

#[test]
fn inherited_resources_on_the_page_tree_are_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let tree = page_tree(&bytes);
    let n = next_num(&bytes);
    let font = "<< /Type /Font /Subtype /Type1 /BaseFont /ZapfDingbats >>".as_bytes().to_vec();
    let body = rewritten(&bytes, (tree, 0), |d| d.set("Resources", obj(&format!("<< /Font << /F1 {n} 0 R /F2 {n} 0 R >> >>"))));
    let attack_bytes = append_update(&bytes, &[(tree, body), (n, font)], "");
    attack(dir.path(), "tree-resources.pdf", &attack_bytes, &args, &["/Resources"]);
}

// ---------------------------------------------------------------------------------------
// 2. The page tree's order and count.

#[test]
fn reordered_kids_of_the_page_tree_are_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let tree = page_tree(&bytes);
    let body = rewritten(&bytes, (tree, 0), |d| {
        let Ok(Object::Array(kids)) = d.get_mut(b"Kids") else { panic!("/Kids") };
        assert!(kids.len() >= 2, "the decision has two pages");
        kids.reverse();
    });
    let attack_bytes = append_update(&bytes, &[(tree, body)], "");
    attack(dir.path(), "kids-reordered.pdf", &attack_bytes, &args, &["reordered"]);
}

#[test]
fn a_changed_count_of_the_page_tree_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let tree = page_tree(&bytes);
    // Viewers that trust /Count show one page: the second page of the decision is gone.
    let body = rewritten(&bytes, (tree, 0), |d| d.set("Count", 1));
    let attack_bytes = append_update(&bytes, &[(tree, body)], "");
    attack(dir.path(), "count.pdf", &attack_bytes, &args, &["/Count"]);
}

// ---------------------------------------------------------------------------------------
// 3. A portfolio: the viewer shows an embedded file instead of the document.

#[test]
fn a_portfolio_collection_with_embedded_files_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let fake = "%PDF-1.4 fake decision";
    let file = format!("<< /Type /EmbeddedFile /Length {} >>\nstream\n{fake}\nendstream", fake.len()).into_bytes();
    let spec = format!("<< /Type /Filespec /F (quyet-dinh.pdf) /UF (quyet-dinh.pdf) /EF << /F {n} 0 R >> >>").into_bytes();
    let (root, cat) = catalog_with(
        &bytes,
        &[
            ("Collection", "<< /Type /Collection /D (quyet-dinh.pdf) /View /H >>".to_string()),
            ("Names", format!("<< /EmbeddedFiles << /Names [(quyet-dinh.pdf) {} 0 R] >> >>", n + 1)),
        ],
    );
    let attack_bytes = append_update(&bytes, &[(root, cat), (n, file), (n + 1, spec)], "");
    attack(dir.path(), "portfolio.pdf", &attack_bytes, &args, &["/Collection", "/Names"]);
}

// ---------------------------------------------------------------------------------------
// 4. Scripts run when the document opens.

#[test]
fn a_javascript_open_action_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let js = "<< /Type /Action /S /JavaScript /JS (app.alert\\('Van ban da duoc sua'\\);) >>".as_bytes().to_vec();
    let (root, cat) = catalog_with(&bytes, &[("OpenAction", format!("{n} 0 R"))]);
    let attack_bytes = append_update(&bytes, &[(root, cat), (n, js)], "");
    attack(dir.path(), "open-action.pdf", &attack_bytes, &args, &["/OpenAction"]);
}

#[test]
fn a_javascript_document_additional_action_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(&bytes, &[("AA", "<< /WC << /S /JavaScript /JS (this.print\\(\\);) >> >>".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "catalog-aa.pdf", &attack_bytes, &args, &["/AA"]);
}

#[test]
fn a_document_level_javascript_name_tree_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let js = "<< /S /JavaScript /JS (app.alert\\('x'\\);) >>".as_bytes().to_vec();
    let (root, cat) = catalog_with(&bytes, &[("Names", format!("<< /JavaScript << /Names [(init) {n} 0 R] >> >>"))]);
    let attack_bytes = append_update(&bytes, &[(root, cat), (n, js)], "");
    attack(dir.path(), "names-js.pdf", &attack_bytes, &args, &["/Names"]);
}

// ---------------------------------------------------------------------------------------
// 5. How the viewer presents the document.

#[test]
fn page_labels_added_after_signing_are_invalid_and_named() {
    // The viewer numbers the pages otherwise ("Phụ lục" instead of 1, 2).
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(&bytes, &[("PageLabels", "<< /Nums [0 << /S /D /St 5 /P (Phu luc ) >>] >>".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "page-labels.pdf", &attack_bytes, &args, &["/PageLabels"]);
}

#[test]
fn outlines_added_after_signing_are_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let (page, _, _) = page_one(&bytes);
    let outlines = format!("<< /Type /Outlines /First {} 0 R /Last {} 0 R /Count 1 >>", n + 1, n + 1).into_bytes();
    let item = format!(
        "<< /Title (Dieu 1: thu hoi quyet dinh) /Parent {n} 0 R /Dest [{page} 0 R /XYZ 0 842 0] /A << /S /URI /URI (https://example.invalid/) >> >>"
    )
    .into_bytes();
    let (root, cat) = catalog_with(&bytes, &[("Outlines", format!("{n} 0 R")), ("PageMode", "/UseOutlines".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat), (n, outlines), (n + 1, item)], "");
    attack(dir.path(), "outlines.pdf", &attack_bytes, &args, &["/Outlines"]);
}

#[test]
fn viewer_preferences_added_after_signing_are_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(
        &bytes,
        &[("ViewerPreferences", "<< /HideToolbar true /HideMenubar true /HideWindowUI true /NonFullScreenPageMode /UseNone >>".into())],
    );
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "viewer-prefs.pdf", &attack_bytes, &args, &["/ViewerPreferences"]);
}

#[test]
fn full_screen_page_mode_after_signing_is_invalid_and_named() {
    // Full screen hides the viewer's signature panel.
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(&bytes, &[("PageMode", "/FullScreen".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "full-screen.pdf", &attack_bytes, &args, &["/PageMode"]);
}

#[test]
fn a_page_layout_change_is_refused_and_named() {
    // Harmless to what a page shows, but pyHanko refuses it too; never a silent VALID.
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(&bytes, &[("PageLayout", "/TwoColumnLeft".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "page-layout.pdf", &attack_bytes, &args, &["/PageLayout"]);
}

// ---------------------------------------------------------------------------------------
// 6. Page actions, new annotations, the signature widget's look.

#[test]
fn a_page_open_action_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (page, _, _) = page_one(&bytes);
    let body = rewritten(&bytes, (page, 0), |d| {
        d.set("AA", obj("<< /O << /S /JavaScript /JS (app.alert\\('x'\\);) >> >>"));
    });
    let attack_bytes = append_update(&bytes, &[(page, body)], "");
    attack(dir.path(), "page-aa.pdf", &attack_bytes, &args, &["page 1: /AA was changed"]);
}

/// Page 1 with new annotations `annots` (object number, body) listed in its `/Annots`, and
/// `others` (appearance streams) written beside them.
fn page_with_new_annots(bytes: &[u8], annots: &[(u32, Vec<u8>)], others: &[(u32, Vec<u8>)]) -> Vec<u8> {
    let (page, _, _) = page_one(bytes);
    let d = doc(bytes);
    let body = rewritten(bytes, (page, 0), |p| {
        let mut list = match p.get(b"Annots") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(r)) => d.get_object(*r).unwrap().as_array().unwrap().clone(),
            _ => Vec::new(),
        };
        list.extend(annots.iter().map(|(n, _)| Object::Reference((*n, 0))));
        p.set("Annots", Object::Array(list));
    });
    let mut objects = vec![(page, body)];
    objects.extend(annots.iter().cloned());
    objects.extend(others.iter().cloned());
    append_update(bytes, &objects, "")
}

#[test]
fn a_link_annotation_over_the_page_is_invalid_and_named() {
    // A link over the whole page: any click opens the attacker's site.
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let link = "<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /Border [0 0 0] /A << /S /URI /URI (https://example.invalid/) >> >>";
    let attack_bytes = page_with_new_annots(&bytes, &[(n, link.as_bytes().to_vec())], &[]);
    attack(dir.path(), "link.pdf", &attack_bytes, &args, &["/Link annotation"]);
}

#[test]
fn a_stamp_with_a_popup_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let paint = "1 0 0 rg 0 0 200 60 re f";
    let ap = format!("<< /Type /XObject /Subtype /Form /BBox [0 0 200 60] /Length {} >>\nstream\n{paint}\nendstream", paint.len());
    let stamp = format!(
        "<< /Type /Annot /Subtype /Stamp /Name /Approved /Rect [350 700 550 760] /F 4 /AP << /N {} 0 R >> /Popup {} 0 R >>",
        n + 1,
        n + 2
    );
    let popup = format!("<< /Type /Annot /Subtype /Popup /Parent {n} 0 R /Rect [350 600 550 700] /Open true >>");
    let attack_bytes = page_with_new_annots(&bytes, &[(n, stamp.into_bytes()), (n + 2, popup.into_bytes())], &[(n + 1, ap.into_bytes())]);
    attack(dir.path(), "stamp.pdf", &attack_bytes, &args, &["/Stamp annotation", "/Popup annotation"]);
}

/// The signature fields' objects (each a merged field and widget), in /Fields order.
fn signature_fields(bytes: &[u8]) -> Vec<ObjectId> {
    let d = doc(bytes);
    let root = d.get_dictionary((root_num(bytes), 0)).unwrap();
    let af = pdf_verify::pdfobj::dict_get_dict(&d, root, b"AcroForm").expect("AcroForm");
    let fields = pdf_verify::pdfobj::dict_get_array(&d, af, b"Fields").expect("/Fields");
    fields.iter().map(|f| f.as_reference().unwrap()).collect()
}

#[test]
fn the_signature_widgets_colours_or_text_appearance_changed_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let fields = signature_fields(&bytes);
    assert_eq!(fields.len(), 2, "two signature fields");
    for (i, (key, value)) in
        [("MK", "<< /BG [1 0 0] /BC [1 0 0] /CA (DA THU HOI) >>"), ("DA", "(/Helv 48 Tf 1 0 0 rg)")].into_iter().enumerate()
    {
        let field = fields[i % 2];
        let body = rewritten(&bytes, field, |d| d.set(key, obj(value)));
        let attack_bytes = append_update(&bytes, &[(field.0, body)], "");
        attack(dir.path(), &format!("widget-{key}.pdf"), &attack_bytes, &args, &[&format!("/{key}")]);
    }
}

// ---------------------------------------------------------------------------------------
// 7. Structure and language.

#[test]
fn a_structure_tree_added_after_signing_is_invalid_and_named() {
    // Screen readers read the structure (and its /ActualText, /Alt) instead of the page.
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let (page, _, _) = page_one(&bytes);
    let tree = format!("<< /Type /StructTreeRoot /K {} 0 R >>", n + 1).into_bytes();
    let elem = format!("<< /Type /StructElem /S /P /P {n} 0 R /Pg {page} 0 R /ActualText (Quyet dinh nay bi huy bo) /K 0 >>").into_bytes();
    let (root, cat) = catalog_with(&bytes, &[("StructTreeRoot", format!("{n} 0 R"))]);
    let attack_bytes = append_update(&bytes, &[(root, cat), (n, tree), (n + 1, elem)], "");
    attack(dir.path(), "struct-tree.pdf", &attack_bytes, &args, &["/StructTreeRoot"]);
}

#[test]
fn a_language_change_is_refused_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let (root, cat) = catalog_with(&bytes, &[("Lang", "(vi-VN)".into())]);
    let attack_bytes = append_update(&bytes, &[(root, cat)], "");
    attack(dir.path(), "lang.pdf", &attack_bytes, &args, &["/Lang"]);
}

#[test]
fn a_mark_info_or_version_change_is_never_a_silent_valid() {
    // /MarkInfo and /Version carry no content (allowed catalog entries): the signatures
    // may stay valid, but the report must say that the catalog changed (before the catalog
    // rule named them, the report said "1 later revision(s) change nothing that was
    // signed" and `modifications_after` was "none").
    let (dir, bytes, args) = valid_signed_decision();
    for (key, value) in [("MarkInfo", "<< /Marked true /Suspects true >>"), ("Version", "/2.0")] {
        let (root, cat) = catalog_with(&bytes, &[(key, value.into())]);
        let attack_bytes = append_update(&bytes, &[(root, cat)], "");
        let path = dir.path().join(format!("{key}.pdf"));
        std::fs::write(&path, &attack_bytes).unwrap();
        let (_, report, _) = verify_json(&args, &[&path]);
        let sigs = report["files"][0]["signatures"].as_array().unwrap();
        assert_eq!(sigs.len(), 2, "{report:#}");
        for s in sigs {
            assert_ne!(s["modifications_after"], "none", "/{key}: a catalog change was not seen:\n{s:#}");
            assert!(s.to_string().contains(&format!("/{key}")), "/{key} is not named:\n{s:#}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 8. A hybrid update: the classic table does not list the page, the /XRefStm stream puts
// it in a new object stream (a reader that honours /XRefStm shows the new page).

#[test]
fn a_page_redefined_in_an_object_stream_only_the_xref_stream_lists_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let raw = pdf_verify::pdf_raw::RawPdf::parse(&bytes).unwrap();
    let (prev, root) = (raw.last().xref_offset, root_num(&bytes));
    let (page, _, _) = page_one(&bytes);
    let n = next_num(&bytes);
    let (content, objstm, xrefstm) = (n, n + 1, n + 2);
    let page_body = String::from_utf8(rewritten(&bytes, (page, 0), |d| d.set("Contents", Object::Reference((content, 0))))).unwrap();
    let mut out = bytes.clone();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let content_at = out.len();
    out.extend_from_slice(format!("{content} 0 obj\n").as_bytes());
    out.extend_from_slice(&stream_body("BT /F1 24 Tf 100 700 Td (KHONG CO HIEU LUC) Tj ET"));
    out.extend_from_slice(b"\nendobj\n");
    let objstm_at = out.len();
    let header = format!("{page} 0 ");
    let data = format!("{header}{page_body}");
    out.extend_from_slice(
        format!(
            "{objstm} 0 obj\n<< /Type /ObjStm /N 1 /First {} /Length {} >>\nstream\n{data}\nendstream\nendobj\n",
            header.len(),
            data.len()
        )
        .as_bytes(),
    );
    let size = xrefstm + 1;
    let xrefstm_at = out.len();
    let mut row = vec![2u8];
    row.extend_from_slice(&objstm.to_be_bytes());
    row.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(
        format!("{xrefstm} 0 obj\n<< /Type /XRef /Size {size} /W [1 4 2] /Index [{page} 1] /Length {} >>\nstream\n", row.len()).as_bytes(),
    );
    out.extend_from_slice(&row);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    let xref_at = out.len();
    out.extend_from_slice(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{content} 3\n{content_at:010} 00000 n \n{objstm_at:010} 00000 n \n{xrefstm_at:010} 00000 n \ntrailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} /XRefStm {xrefstm_at} >>\nstartxref\n{xref_at}\n%%EOF\n"
        )
        .as_bytes(),
    );
    attack(dir.path(), "hybrid-objstm.pdf", &out, &args, &["page 1"]);
}

// ---------------------------------------------------------------------------------------
// 3b. An XFA form: viewers that render XFA show it instead of the pages.

#[test]
fn an_xfa_form_added_after_signing_is_invalid_and_named() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let xdp = "<xdp:xdp xmlns:xdp=\"http://ns.adobe.com/xdp/\"><template xmlns=\"http://www.xfa.org/schema/xfa-template/3.3/\"/></xdp:xdp>";
    let xfa = format!("<< /Length {} >>\nstream\n{xdp}\nendstream", xdp.len()).into_bytes();
    let d = doc(&bytes);
    let root = root_num(&bytes);
    let (af_num, af_body) = match d.get_dictionary((root, 0)).unwrap().get(b"AcroForm").unwrap() {
        Object::Reference(id) => (id.0, rewritten(&bytes, *id, |af| af.set("XFA", Object::Reference((n, 0))))),
        Object::Dictionary(af) => {
            let mut af = af.clone();
            af.set("XFA", Object::Reference((n, 0)));
            catalog_with(&bytes, &[("AcroForm", dict_text(&af))])
        }
        other => panic!("/AcroForm is {other:?}"),
    };
    let attack_bytes = append_update(&bytes, &[(af_num, af_body), (n, xfa)], "");
    attack(dir.path(), "xfa.pdf", &attack_bytes, &args, &["/XFA"]);
}

// ---------------------------------------------------------------------------------------
// 9. The trailer of the update turns encryption on for the whole (signed) file.

#[test]
fn an_encrypt_entry_added_to_a_later_trailer_is_never_valid() {
    let (dir, bytes, args) = valid_signed_decision();
    let n = next_num(&bytes);
    let hex32 = "00".repeat(32);
    let enc = format!("<< /Filter /Standard /V 1 /R 2 /Length 40 /O <{hex32}> /U <{hex32}> /P -4 >>").into_bytes();
    let attack_bytes = append_update(&bytes, &[(n, enc)], &format!("/Encrypt {n} 0 R /ID [<{hex32}> <{hex32}>]"));
    let path = dir.path().join("encrypt.pdf");
    std::fs::write(&path, &attack_bytes).unwrap();
    let (code, report, out) = verify_json(&args, &[&path]);
    eprintln!("encrypt: code {code}\n{}", output_text(&out));
    for s in report["files"][0]["signatures"].as_array().into_iter().flatten() {
        assert_ne!(s["verdict"], "valid", "a signature is still valid:\n{s:#}");
    }
    assert_ne!(code, 0, "{report:#}");
}

// ---------------------------------------------------------------------------------------
// A document rule turned by an allowed change.

/// S8 (PDF 1.4 or later) judges the document as signed. A catalog `/Version` is an allowed
/// change after signing (it carries no content), but it must not lift a PDF 1.3 document
/// that was signed as 1.3 into compliance: before, S8 read the newest catalog and passed.
#[test]
fn a_catalog_version_raised_after_signing_does_not_satisfy_s8() {
    let pki = TestPki::shared();
    let dir = tmp();
    let (personal, both) = (dir.path().join("p.pdf"), dir.path().join("b.pdf"));
    sign_vbdt(pki, "personal", "personal", &fixture_document("pdf-1.3.pdf"), &personal, &["--offline"]);
    let trust = pki.root().display().to_string();
    sign_vbdt(pki, "organization", "organization", &personal, &both, &["--offline", "--trust", &trust, "--override-check", "thử S8"]);
    let s8 = |report: &serde_json::Value| {
        report["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S8").unwrap()["status"].clone()
    };
    let args = offline_args(pki);
    let (_, report, out) = verify_json(&args, &[&both]);
    assert_eq!(s8(&report), "fail", "signed as PDF 1.3:\n{}", output_text(&out));

    let bytes = std::fs::read(&both).unwrap();
    let (root, cat) = catalog_with(&bytes, &[("Version", "/1.7".into())]);
    let raised = dir.path().join("raised.pdf");
    std::fs::write(&raised, append_update(&bytes, &[(root, cat)], "")).unwrap();
    let (code, report, out) = verify_json(&args, &[&raised]);
    assert_eq!(s8(&report), "fail", "a later /Version may not satisfy S8:\n{}", output_text(&out));
    assert_ne!(report["files"][0]["verdict"], "valid", "{}", output_text(&out));
    assert_ne!(code, 0);
}
