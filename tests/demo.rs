//! The README's first command: `vbdt demo` makes a test PKI, signs the sample decision
//! personal then organization, verifies it, and says where the files are.

mod common;

use common::*;

#[test]
fn demo_signs_and_verifies_the_sample_decision() {
    let dir = tempfile::Builder::new().prefix("vbdt-demo-").tempdir().unwrap();
    for lang in ["vi", "en"] {
        let out = dir.path().join(lang);
        let o = run(vbdt(["demo", "--lang", lang]).arg("--out").arg(&out));
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(0), "{text}");
        let signed = out.join("quyet-dinh.da-ky.pdf");
        assert!(signed.exists(), "{text}");
        assert!(text.contains(&signed.display().to_string()), "the demo does not say where the file is:\n{text}");
        match lang {
            "vi" => assert!(text.contains("HỢP LỆ") && text.contains("Điều 31.1.a"), "{text}"),
            _ => assert!(text.contains("VALID") && text.contains("Điều 32"), "{text}"),
        }
        // The result stands on its own: pdfsig accepts both signatures under the demo's root.
        let report = pdfsig_validate(&signed, &out.join("pki/root.pem"));
        assert_eq!(report.signatures.len(), 2, "{}", report.output);
        assert!(report.all_ok(), "{}", report.output);
    }
}
