//! The embedded trust certificates of the real Vietnamese PKIs.

use chain_check::article32::{PathBuilder, PathError};
use chain_check::trust::{self, TrustStore};
use chain_check::{cert, Certificate};
use time::macros::datetime;

fn embedded(file: &str) -> Certificate {
    let e = trust::embedded().iter().find(|e| e.file == file).unwrap_or_else(|| panic!("{file} not embedded"));
    let mut certs = cert::parse_certificates(e.pem).unwrap();
    assert_eq!(certs.len(), 1, "{file}");
    certs.remove(0)
}

#[test]
fn every_embedded_cert_is_pinned_by_the_manifest() {
    let mut rows = std::collections::HashMap::new();
    for line in trust::MANIFEST_TSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 7, "bad manifest line {line}");
        rows.insert(cols[0].to_string(), cols[6].to_string());
    }
    assert_eq!(rows.len(), trust::embedded().len(), "manifest and embedded list differ");
    for e in trust::embedded() {
        let expected = rows.get(e.file).unwrap_or_else(|| panic!("{} missing from MANIFEST.tsv", e.file));
        let c = embedded(e.file);
        assert_eq!(&cert::sha256_fingerprint_hex(&c).unwrap(), expected, "{}", e.file);
    }
    // Every .pem file in trust/ is embedded (nothing copied there and forgotten).
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("trust");
    for sub in ["vgca", "neac"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let name = format!("{sub}/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(trust::embedded().iter().any(|e| e.file == name), "{name} is in trust/ but not embedded");
        }
    }
}

#[test]
fn profiles() {
    assert_eq!(trust::profile("vgca").unwrap().len(), 9);
    assert_eq!(trust::profile("neac").unwrap().len(), 9);
    assert_eq!(trust::profile("VGCA").unwrap().len(), 9);
    assert!(matches!(trust::profile("nope"), Err(trust::TrustError::UnknownProfile { .. })));
    let s = TrustStore::from_profiles(&["vgca", "neac"]).unwrap();
    assert_eq!(s.len(), 18);
    let mut again = s.clone();
    again.add(trust::profile("neac").unwrap());
    assert_eq!(again.len(), 18, "duplicates are ignored");
    // Every anchor knows its profile; G2 requires its policy, G1 and neac nothing.
    for c in s.anchors() {
        let info = s.info(c).unwrap();
        let name = cert::subject(c);
        assert!(matches!(info.profile.as_deref(), Some("vgca" | "neac")), "{name}");
        let g2 = name.contains("G2");
        assert_eq!(
            info.required_policies.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
            if g2 { vec![trust::VGCA_G2_POLICY.to_string()] } else { vec![] },
            "{name}"
        );
    }
}

#[test]
fn vietnamese_names_are_readable() {
    let g2 = embedded("vgca/g2-root.pem");
    assert_eq!(cert::subject(&g2), "CN=RootCA chuyên dùng Chính phủ G2,O=Ban Cơ yếu Chính phủ,C=VN");
    assert_eq!(cert::common_name(&g2).as_deref(), Some("RootCA chuyên dùng Chính phủ G2"));
    let ng = embedded("vgca/g1-bo-ngoai-giao.pem");
    assert_eq!(cert::issuer(&ng), "CN=Co quan chung thuc so chuyen dung Chinh phu (RootCA),O=Ban Co yeu Chinh phu,C=VN");
    assert!(cert::is_self_signed(&g2));
    assert!(cert::is_self_signed(&embedded("vgca/g1-root.pem")));
    assert!(cert::is_self_signed(&embedded("neac/mic-national-root.pem")));
    assert_eq!(cert::not_after(&g2), datetime!(2048-08-14 07:36:39 UTC));
}

#[test]
fn g1_sha1_issuing_cas_chain_to_g1_root() {
    let root = embedded("vgca/g1-root.pem");
    let mut trust = TrustStore::new();
    trust.add([root.clone()]);
    let at = datetime!(2020-06-01 00:00 UTC);
    for file in [
        "vgca/g1-chinh-phu.pem",
        "vgca/g1-bo-cong-an.pem",
        "vgca/g1-bo-tai-chinh.pem",
        "vgca/g1-dang-cong-san.pem",
        "vgca/g1-bo-ngoai-giao.pem",
    ] {
        let ca = embedded(file);
        assert!(cert::issued_by(&ca, &root), "{file}");
        let path = PathBuilder::new(&trust).build(&ca, at).unwrap();
        assert_eq!(path.certs, vec![ca.clone(), root.clone()], "{file}");
        assert!(path.sha1_used, "{file}");
        // Refusing SHA-1 refuses this path.
        let err = PathBuilder::new(&trust).with_sha1_on_ca(false).build(&ca, at).unwrap_err();
        assert!(matches!(err, PathError::Sha1NotAllowed { .. }), "{err:?}");
    }
    // Not signed by the G2 root.
    assert!(!cert::issued_by(&embedded("vgca/g1-chinh-phu.pem"), &embedded("vgca/g2-root.pem")));
}

#[test]
fn g2_issuing_cas_chain_to_g2_root() {
    let root = embedded("vgca/g2-root.pem");
    let mut trust = TrustStore::new();
    trust.add([root.clone()]);
    let at = datetime!(2025-09-30 07:05:09 UTC);
    for file in ["vgca/g2-co-quan-nha-nuoc.pem", "vgca/g2-co-quan-dang.pem"] {
        let ca = embedded(file);
        let path = PathBuilder::new(&trust).build(&ca, at).unwrap();
        assert_eq!(path.certs, vec![ca, root.clone()], "{file}");
        assert!(!path.sha1_used);
    }
    // With the whole vgca profile, a trusted issuing CA still extends to its root.
    let vgca = TrustStore::from_profile("vgca").unwrap();
    let ca = embedded("vgca/g2-co-quan-nha-nuoc.pem");
    let path = PathBuilder::new(&vgca).build(&ca, at).unwrap();
    assert_eq!(path.anchor(), Some(&root));
    // After the G1 root expired, G1 paths fail on the CA validity.
    let mut g1 = TrustStore::new();
    g1.add([embedded("vgca/g1-root.pem")]);
    let err = PathBuilder::new(&g1).build(&embedded("vgca/g1-chinh-phu.pem"), datetime!(2031-01-01 00:00 UTC)).unwrap_err();
    assert!(matches!(err, PathError::CaNotValidAtTime { .. }), "{err:?}");
}

#[test]
fn rsa_4096_and_tampered_real_certificate() {
    let root = embedded("vgca/g2-root.pem");
    match chain_check::sigalg::key_info(&root.tbs_certificate.subject_public_key_info).unwrap() {
        chain_check::sigalg::KeyInfo::Rsa { bits } => assert_eq!(bits, 4096),
        k => panic!("{k:?}"),
    }
    // Change one byte of the subject of a real CA certificate: the G2 root's signature fails.
    let e = trust::embedded().iter().find(|e| e.file == "vgca/g2-co-quan-nha-nuoc.pem").unwrap();
    let der = cert::to_der(&cert::parse_certificates(e.pem).unwrap()[0]).unwrap();
    let needle = "Nhà nước".as_bytes();
    let pos = der.windows(needle.len()).position(|w| w == needle).unwrap();
    let mut tampered = der.clone();
    tampered[pos] = b'X';
    let tampered = cert::parse_certificates(&tampered).unwrap().remove(0);
    assert!(!cert::issued_by(&tampered, &root));
    let mut trust = TrustStore::new();
    trust.add([root]);
    let err = PathBuilder::new(&trust).build(&tampered, datetime!(2025-01-01 00:00 UTC)).unwrap_err();
    assert!(matches!(err, PathError::BadSignature { .. }), "{err:?}");
}

/// The eight earlier public-CA generations chain to the MIC root, each within its own
/// validity (they are all expired today).
#[test]
fn earlier_public_ca_generations_chain_to_the_mic_root() {
    let root = TrustStore::from_profile("neac").unwrap();
    let only_root = {
        let mut s = TrustStore::new();
        s.add([embedded("neac/mic-national-root.pem")]);
        s
    };
    let intermediates: Vec<_> =
        trust::embedded().iter().filter(|e| e.profile == "neac" && e.file != "neac/mic-national-root.pem").collect();
    assert_eq!(intermediates.len(), 8);
    for e in intermediates {
        let ca = embedded(e.file);
        assert_eq!(root.info(&ca).and_then(|i| i.profile.as_deref()), Some("neac"), "{}", e.file);
        let at = cert::not_before(&ca) + time::Duration::days(1);
        let path = PathBuilder::new(&only_root).build(&ca, at).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(path.certs.len(), 2, "{}", e.file);
        assert!(cert::is_self_signed(&path.certs[1]));
    }
}
