//! Điều 31 (one certificate) and Điều 32 (path) on test PKIs built with rcgen.

mod common;

use chain_check::article31::{self, CertProblem, Purpose};
use chain_check::article32::{Budget, PathBuilder, PathError};
use chain_check::{cert, TrustStore};
use common::*;
use test_pki::rcgen::{
    BasicConstraints, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_RSA_SHA256,
};
use time::Duration;

fn store(nodes: &[&Node]) -> TrustStore {
    let mut s = TrustStore::new();
    s.add(nodes.iter().map(|n| n.cert()));
    s
}

fn assert_valid_path(alg: &'static rcgen::SignatureAlgorithm) {
    let p = pki(alg);
    let trust = store(&[&p.root]);
    let path = PathBuilder::new(&trust).with_intermediates([p.ca.cert()]).build(&p.leaf.cert(), now()).expect("path");
    assert_eq!(path.certs.len(), 3);
    assert_eq!(path.certs[0], p.leaf.cert());
    assert_eq!(path.certs[1], p.ca.cert());
    assert_eq!(path.certs[2], p.root.cert());
    assert!(!path.sha1_used);
    assert_eq!(path.anchor(), Some(&p.root.cert()));
}

#[test]
fn valid_path_ecdsa_p256() {
    assert_valid_path(&PKCS_ECDSA_P256_SHA256);
}

#[test]
fn valid_path_ecdsa_p384() {
    assert_valid_path(&PKCS_ECDSA_P384_SHA384);
}

#[test]
fn valid_path_rsa_2048() {
    assert_valid_path(&PKCS_RSA_SHA256);
}

#[test]
fn intermediate_in_trust_store_is_enough_and_path_reaches_root() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    // Only the issuing CA trusted: path ends there.
    let trust = store(&[&p.ca]);
    let path = PathBuilder::new(&trust).build(&p.leaf.cert(), now()).unwrap();
    assert_eq!(path.certs.len(), 2);
    // Both trusted: the path goes on to the root.
    let trust = store(&[&p.ca, &p.root]);
    let path = PathBuilder::new(&trust).build(&p.leaf.cert(), now()).unwrap();
    assert_eq!(path.certs.len(), 3);
    assert_eq!(path.anchor(), Some(&p.root.cert()));
}

#[test]
fn unknown_root_is_no_trust_anchor() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    let other = pki(&PKCS_ECDSA_P256_SHA256);
    // A root with the very same name but another key: key identifiers differ, so this is
    // "no anchor", not a forged signature.
    let trust = store(&[&other.root]);
    let err = PathBuilder::new(&trust).with_intermediates([p.ca.cert()]).build(&p.leaf.cert(), now()).unwrap_err();
    match &err {
        PathError::NoTrustAnchor { subject, issuer } => {
            assert!(subject.contains("Test Issuing CA"), "{subject}");
            assert!(issuer.contains("Test RootCA"), "{issuer}");
        }
        e => panic!("expected NoTrustAnchor, got {e:?}"),
    }
    assert!(err.is_indeterminate());
    // Missing intermediate.
    let trust = store(&[&p.root]);
    let err = PathBuilder::new(&trust).build(&p.leaf.cert(), now()).unwrap_err();
    assert!(matches!(err, PathError::NoTrustAnchor { .. }), "{err:?}");
    // Empty store.
    let empty = TrustStore::new();
    let err = PathBuilder::new(&empty).with_intermediates([p.ca.cert(), p.root.cert()]).build(&p.leaf.cert(), now()).unwrap_err();
    assert!(matches!(err, PathError::NoTrustAnchor { .. }), "{err:?}");
}

#[test]
fn corrupted_ca_signature_is_bad_signature() {
    for alg in [&PKCS_ECDSA_P256_SHA256, &PKCS_RSA_SHA256] {
        let p = pki(alg);
        let broken = chain_check::cert::parse_certificates(&corrupt_signature(&p.ca.der)).unwrap();
        let trust = store(&[&p.root]);
        let err = PathBuilder::new(&trust).with_intermediates(broken).build(&p.leaf.cert(), now()).unwrap_err();
        match &err {
            PathError::BadSignature { subject } => assert!(subject.contains("Test Issuing CA")),
            e => panic!("expected BadSignature, got {e:?}"),
        }
        assert!(!err.is_indeterminate());
        // A corrupted leaf signature is reported on the leaf.
        let broken_leaf = chain_check::cert::parse_certificates(&corrupt_signature(&p.leaf.der)).unwrap().remove(0);
        let err = PathBuilder::new(&trust).with_intermediates([p.ca.cert()]).build(&broken_leaf, now()).unwrap_err();
        match &err {
            PathError::BadSignature { subject } => assert!(subject.contains("Nguyễn Văn An")),
            e => panic!("expected BadSignature, got {e:?}"),
        }
    }
}

#[test]
fn bad_signature_wins_over_other_failures() {
    // Two candidates for the issuing CA: one corrupted, one that chains nowhere.
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    let t = now();
    let stray_root = self_signed(ca_params("Stray Root", t - Duration::days(10), t + Duration::days(10)), key(&PKCS_ECDSA_P256_SHA256));
    let ca_copy = signed_by(
        {
            let mut cp = p.ca.params.clone();
            cp.serial_number = Some(rcgen::SerialNumber::from_slice(&[7, 7, 7]));
            cp
        },
        // Same key as the real CA so it verifies the leaf; issued by a stray root.
        rcgen::KeyPair::from_pem(&p.ca.key_pem()).unwrap(),
        &stray_root,
    );
    let broken = cert::parse_certificates(&corrupt_signature(&p.ca.der)).unwrap();
    let trust = store(&[&p.root]);
    let err = PathBuilder::new(&trust).with_intermediates(broken.into_iter().chain([ca_copy.cert()])).build(&p.leaf.cert(), t).unwrap_err();
    assert!(matches!(err, PathError::BadSignature { .. }), "{err:?}");
}

#[test]
fn expired_ca_is_not_valid_at_time() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let root = self_signed(ca_params("Test RootCA", t - Duration::days(3650), t + Duration::days(3650)), key(alg));
    let ca = signed_by(ca_params("Old CA", t - Duration::days(800), t - Duration::days(1)), key(alg), &root);
    let leaf = signed_by(leaf_params("Leaf", t - Duration::days(700), t + Duration::days(30)), key(alg), &ca);
    let trust = store(&[&root]);
    let b = PathBuilder::new(&trust).with_intermediates([ca.cert()]);
    match b.build(&leaf.cert(), t).unwrap_err() {
        PathError::CaNotValidAtTime { subject, problem } => {
            assert!(subject.contains("Old CA"));
            assert!(matches!(problem, CertProblem::Expired { .. }), "{problem:?}");
        }
        e => panic!("expected CaNotValidAtTime, got {e:?}"),
    }
    // At a time when the CA was valid, the same path is fine.
    assert!(b.build(&leaf.cert(), t - Duration::days(100)).is_ok());
    // Before the root existed: the root itself fails.
    let err = b.build(&leaf.cert(), t - Duration::days(5000)).unwrap_err();
    assert!(matches!(err, PathError::CaNotValidAtTime { .. }), "{err:?}");
}

#[test]
fn non_ca_issuer_is_rejected() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let p = pki(alg);
    // The leaf (not a CA) issues another certificate.
    let sub = signed_by(leaf_params("Sub", t - Duration::days(1), t + Duration::days(1)), key(alg), &p.leaf);
    let trust = store(&[&p.root]);
    let err = PathBuilder::new(&trust).with_intermediates([p.ca.cert(), p.leaf.cert()]).build(&sub.cert(), t).unwrap_err();
    assert!(matches!(err, PathError::NotACa { ref subject } if subject.contains("Nguyễn")), "{err:?}");

    // A CA without keyCertSign.
    let mut cp = ca_params("No CertSign CA", t - Duration::days(1), t + Duration::days(10));
    cp.key_usages = vec![KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let ca2 = signed_by(cp, key(alg), &p.root);
    let leaf2 = signed_by(leaf_params("L2", t - Duration::days(1), t + Duration::days(1)), key(alg), &ca2);
    let err = PathBuilder::new(&trust).with_intermediates([ca2.cert()]).build(&leaf2.cert(), t).unwrap_err();
    assert!(matches!(err, PathError::CaUsage { .. }), "{err:?}");
}

#[test]
fn path_len_constraint_is_enforced() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let mut rp = ca_params("PathLen0 Root", t - Duration::days(10), t + Duration::days(10));
    rp.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    let root = self_signed(rp, key(alg));
    let ca = signed_by(ca_params("Under PathLen0", t - Duration::days(5), t + Duration::days(5)), key(alg), &root);
    let leaf = signed_by(leaf_params("Leaf", t - Duration::days(1), t + Duration::days(1)), key(alg), &ca);
    let direct = signed_by(leaf_params("Direct", t - Duration::days(1), t + Duration::days(1)), key(alg), &root);
    let trust = store(&[&root]);
    let b = PathBuilder::new(&trust).with_intermediates([ca.cert()]);
    let err = b.build(&leaf.cert(), t).unwrap_err();
    assert!(matches!(err, PathError::PathLenExceeded { ref subject } if subject.contains("PathLen0")), "{err:?}");
    assert_eq!(b.build(&direct.cert(), t).unwrap().certs.len(), 2);
}

#[test]
fn cross_signed_loop_terminates_within_budget() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    // Six CA keys sharing one name, each cross-signed by every other: every certificate is
    // a candidate issuer of every other; none chains to the trust store.
    let keys: Vec<_> = (0..6).map(|_| key(alg)).collect();
    let params = |i: usize| {
        let mut p = ca_params("Loop CA", t - Duration::days(10), t + Duration::days(10));
        p.serial_number = Some(rcgen::SerialNumber::from_slice(&[1, i as u8]));
        p
    };
    let mut certs = Vec::new();
    for i in 0..keys.len() {
        for (j, kj) in keys.iter().enumerate() {
            if i == j {
                continue;
            }
            let issuer = rcgen::Issuer::new(params(j), kj);
            let mut p = params(i);
            p.serial_number = Some(rcgen::SerialNumber::from_slice(&[2, i as u8, j as u8]));
            let der = p.signed_by(&keys[i], &issuer).unwrap().der().to_vec();
            certs.extend(cert::parse_certificates(&der).unwrap());
        }
    }
    let leaf_issuer = rcgen::Issuer::new(params(0), &keys[0]);
    let leaf_der =
        leaf_params("Looped Leaf", t - Duration::days(1), t + Duration::days(1)).signed_by(&key(alg), &leaf_issuer).unwrap().der().to_vec();
    let leaf = cert::parse_certificates(&leaf_der).unwrap().remove(0);
    let unrelated = pki(alg);
    let trust = store(&[&unrelated.root]);

    let started = std::time::Instant::now();
    let err = PathBuilder::new(&trust).with_intermediates(certs.clone()).build(&leaf, t).unwrap_err();
    assert!(matches!(err, PathError::BudgetExceeded | PathError::NoTrustAnchor { .. } | PathError::DepthExceeded), "{err:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));

    let err = PathBuilder::new(&trust)
        .with_intermediates(certs)
        .with_budget(Budget { max_depth: 8, max_signature_checks: 5 })
        .build(&leaf, t)
        .unwrap_err();
    assert_eq!(err, PathError::BudgetExceeded);
}

#[test]
fn depth_limit() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let root = self_signed(ca_params("Deep Root", t - Duration::days(10), t + Duration::days(10)), key(alg));
    let mut chain = vec![];
    let mut parent = root;
    let mut nodes = vec![];
    for i in 0..4 {
        let n = signed_by(ca_params(&format!("Deep CA {i}"), t - Duration::days(5), t + Duration::days(5)), key(alg), &parent);
        chain.push(n.cert());
        nodes.push(std::mem::replace(&mut parent, n));
    }
    let leaf = signed_by(leaf_params("Deep Leaf", t - Duration::days(1), t + Duration::days(1)), key(alg), &parent);
    let trust = store(&[&nodes[0]]);
    let ok = PathBuilder::new(&trust).with_intermediates(chain.clone()).build(&leaf.cert(), t).unwrap();
    assert_eq!(ok.certs.len(), 6);
    let err = PathBuilder::new(&trust)
        .with_intermediates(chain)
        .with_budget(Budget { max_depth: 3, max_signature_checks: 64 })
        .build(&leaf.cert(), t)
        .unwrap_err();
    assert_eq!(err, PathError::DepthExceeded);
}

#[test]
fn trusted_leaf_is_a_path_of_one() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    let trust = store(&[&p.leaf]);
    let path = PathBuilder::new(&trust).build(&p.leaf.cert(), now()).unwrap();
    assert_eq!(path.certs, vec![p.leaf.cert()]);
}

// ---------------------------------------------------------------------------------------
// Điều 31 on one certificate

#[test]
fn leaf_validity_period() {
    let t = now();
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    let leaf = p.leaf.cert();
    assert!(article31::check_validity(&leaf, t).is_ok());
    match article31::check_validity(&leaf, t + Duration::days(400)).unwrap_err() {
        CertProblem::Expired { subject, not_after } => {
            assert!(subject.contains("Nguyễn Văn An"));
            assert_eq!(not_after, cert::not_after(&leaf));
        }
        e => panic!("{e:?}"),
    }
    let e = article31::check_validity(&leaf, t - Duration::days(400)).unwrap_err();
    assert!(matches!(e, CertProblem::NotYetValid { not_before, .. } if not_before == cert::not_before(&leaf)));
    assert!(e.to_string().contains("Nguyễn Văn An"), "{e}");
    // Both ends inclusive.
    assert!(article31::check_validity(&leaf, cert::not_after(&leaf)).is_ok());
    assert!(article31::check_validity(&leaf, cert::not_before(&leaf)).is_ok());
}

#[test]
fn usage_for_document_signing() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    article31::check_usage(&p.leaf.cert(), Purpose::DocumentSigning).unwrap();

    let enc = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.key_usages = vec![KeyUsagePurpose::KeyEncipherment];
    });
    let e = article31::check_usage(&enc.leaf.cert(), Purpose::DocumentSigning).unwrap_err();
    assert!(matches!(e, CertProblem::KeyUsageNotAllowed { ref key_usage, .. } if key_usage == "keyEncipherment"), "{e:?}");
    assert!(e.to_string().contains("Nguyễn Văn An"));

    // A CA certificate presented as a signer.
    let e = article31::check_usage(&p.ca.cert(), Purpose::DocumentSigning).unwrap_err();
    assert!(matches!(e, CertProblem::CaCertificate { .. }), "{e:?}");

    // A CA certificate whose keyUsage also lists digitalSignature and nonRepudiation is
    // still a CA's: its key does not sign documents for a subscriber.
    let signing_ca = pki_with(&PKCS_ECDSA_P256_SHA256, |_| {});
    let mut params = signing_ca.ca.params.clone();
    params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    let der = params.self_signed(&signing_ca.ca.key).unwrap().der().to_vec();
    let cert = <x509_cert::Certificate as der::Decode>::from_der(&der).unwrap();
    let e = article31::check_usage(&cert, Purpose::DocumentSigning).unwrap_err();
    assert!(matches!(e, CertProblem::CaCertificate { .. }), "{e:?}");

    // EKU present without any document-signing purpose.
    let tls = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    });
    let e = article31::check_usage(&tls.leaf.cert(), Purpose::DocumentSigning).unwrap_err();
    assert!(matches!(e, CertProblem::ExtendedKeyUsageNotAllowed { .. }), "{e:?}");

    // TLS client authentication only (or client and server): a login certificate, not a
    // document-signing one (Điều 31.1.b). With emailProtection beside it: fine.
    for ekus in [vec![ExtendedKeyUsagePurpose::ClientAuth], vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::ServerAuth]]
    {
        let login = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| lp.extended_key_usages = ekus.clone());
        let e = article31::check_usage(&login.leaf.cert(), Purpose::DocumentSigning).unwrap_err();
        assert!(matches!(e, CertProblem::ExtendedKeyUsageNotAllowed { ref ekus, .. } if ekus.contains("clientAuth")), "{e:?}");
    }
    let both = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::EmailProtection];
    });
    article31::check_usage(&both.leaf.cert(), Purpose::DocumentSigning).unwrap();

    // id-kp-documentSigning alone, nonRepudiation alone: fine.
    let ds = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.key_usages = vec![KeyUsagePurpose::ContentCommitment];
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 36])];
    });
    article31::check_usage(&ds.leaf.cert(), Purpose::DocumentSigning).unwrap();

    // No KU, no EKU: allowed.
    let bare = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.key_usages.clear();
        lp.extended_key_usages.clear();
    });
    article31::check_usage(&bare.leaf.cert(), Purpose::DocumentSigning).unwrap();
}

#[test]
fn usage_for_ca_ocsp_tsa() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    article31::check_usage(&p.ca.cert(), Purpose::CertificateAuthority).unwrap();
    let e = article31::check_usage(&p.leaf.cert(), Purpose::CertificateAuthority).unwrap_err();
    assert!(matches!(e, CertProblem::NotACa { .. }), "{e:?}");
    let e = article31::check_usage(&p.leaf.cert(), Purpose::OcspSigning).unwrap_err();
    assert!(matches!(e, CertProblem::ExtendedKeyUsageMissing { required: "id-kp-OCSPSigning", .. }), "{e:?}");
    let e = article31::check_usage(&p.leaf.cert(), Purpose::Timestamping).unwrap_err();
    assert!(matches!(e, CertProblem::ExtendedKeyUsageMissing { required: "id-kp-timeStamping", .. }), "{e:?}");

    let tsa = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::TimeStamping];
    });
    article31::check_usage(&tsa.leaf.cert(), Purpose::Timestamping).unwrap();
    let ocsp = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        lp.extended_key_usages = vec![ExtendedKeyUsagePurpose::OcspSigning];
    });
    article31::check_usage(&ocsp.leaf.cert(), Purpose::OcspSigning).unwrap();
}

#[test]
fn unknown_critical_extension_is_rejected() {
    let p = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        let mut ext = rcgen::CustomExtension::from_oid_content(&[1, 2, 3, 4, 5], vec![0x05, 0x00]);
        ext.set_criticality(true);
        lp.custom_extensions.push(ext);
    });
    let e = article31::check_usage(&p.leaf.cert(), Purpose::DocumentSigning).unwrap_err();
    assert!(matches!(e, CertProblem::UnsupportedCriticalExtension { ref oid, .. } if oid == "1.2.3.4.5"), "{e:?}");
}

#[test]
fn cert_helpers() {
    let url_ocsp = "http://127.0.0.1:1/ocsp";
    let url_crl = "http://127.0.0.1:1/ca.crl";
    let p = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        aia_ocsp(lp, url_ocsp);
        cdp(lp, url_crl);
    });
    let leaf = p.leaf.cert();
    assert_eq!(cert::subject(&leaf), "CN=Nguyễn Văn An,O=Ban Cơ yếu Chính phủ (thử nghiệm),C=VN");
    assert_eq!(cert::common_name(&leaf).as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(cert::ocsp_urls(&leaf), vec![url_ocsp.to_string()]);
    assert_eq!(cert::crl_urls(&leaf), vec![url_crl.to_string()]);
    assert!(cert::issued_by(&leaf, &p.ca.cert()));
    assert!(!cert::issued_by(&leaf, &p.root.cert()));
    assert!(cert::is_self_signed(&p.root.cert()));
    assert!(!cert::is_self_signed(&p.ca.cert()));
    assert!(cert::is_ca(&p.ca.cert()) && !cert::is_ca(&leaf));
    assert_eq!(cert::authority_key_id(&leaf), cert::subject_key_id(&p.ca.cert()));
    let eku = cert::extended_key_usages(&leaf).unwrap().unwrap();
    assert!(eku.contains(&chain_check::oids::EKU_CLIENT_AUTH));
    assert_eq!(cert::key_usage_names(&cert::key_usage(&leaf).unwrap().unwrap()), vec!["digitalSignature", "nonRepudiation"]);
    assert_eq!(cert::serial_hex(&leaf).len() % 2, 0);

    // PEM bundle with text around, DER, and directory loading.
    let bundle = format!("subject=leaf\n{}junk\n{}", p.leaf.pem(), p.ca.pem());
    let certs = cert::parse_certificates(bundle.as_bytes()).unwrap();
    assert_eq!(certs, vec![leaf.clone(), p.ca.cert()]);
    assert_eq!(cert::parse_certificates(&p.root.der).unwrap(), vec![p.root.cert()]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.pem"), p.leaf.pem()).unwrap();
    std::fs::write(dir.path().join("b.cer"), &p.ca.der).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let loaded = cert::load_cert_sources(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(loaded, vec![leaf, p.ca.cert()]);
    std::fs::write(dir.path().join("c.crt"), "not a certificate").unwrap();
    let err = cert::load_cert_sources(&[dir.path().to_path_buf()]).unwrap_err();
    assert!(matches!(err, cert::CertError::InFile { .. }), "{err:?}");
}

#[test]
fn same_name_ca_with_another_key_does_not_mask_the_real_reason() {
    // Two CAs share a name; the leaf carries no authorityKeyIdentifier, so the builder
    // cannot tell them apart before trying both. The wrong one's key fails on the leaf's
    // signature; that must not be reported as a forged signature when the right one
    // verifies it and fails for another reason.
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let root = self_signed(ca_params("Twin Root", t - Duration::days(100), t + Duration::days(100)), key(alg));
    let good_ca = signed_by(ca_params("Twin CA", t - Duration::days(50), t - Duration::days(1)), key(alg), &root);
    let other_ca = signed_by(ca_params("Twin CA", t - Duration::days(50), t + Duration::days(50)), key(alg), &root);
    let mut lp = leaf_params("Twin Leaf", t - Duration::days(10), t + Duration::days(10));
    lp.use_authority_key_identifier_extension = false;
    let leaf = signed_by(lp, key(alg), &good_ca);
    let trust = store(&[&root]);
    for order in [[good_ca.cert(), other_ca.cert()], [other_ca.cert(), good_ca.cert()]] {
        let err = PathBuilder::new(&trust).with_intermediates(order).build(&leaf.cert(), t).unwrap_err();
        assert!(matches!(err, PathError::CaNotValidAtTime { .. }), "{err:?}");
    }
    // Only the wrong one known: its key does not verify the leaf → the leaf's signature
    // is reported (nothing else verifies it).
    let err = PathBuilder::new(&trust).with_intermediates([other_ca.cert()]).build(&leaf.cert(), t).unwrap_err();
    assert!(matches!(err, PathError::BadSignature { ref subject } if subject.contains("Twin Leaf")), "{err:?}");
    // Right one valid at an earlier time: path found whatever the order.
    let at = t - Duration::days(5);
    let ok = PathBuilder::new(&trust).with_intermediates([other_ca.cert(), good_ca.cert()]).build(&leaf.cert(), at).unwrap();
    assert_eq!(ok.certs[1], good_ca.cert());
}

// ---------------------------------------------------------------------------------------
// Signature primitives on keys made here and by openssl

#[test]
fn cms_style_algorithms_need_the_digest_hint() {
    use chain_check::sigalg::{self, SignatureError};
    use chain_check::DigestAlg;
    use rcgen::SigningKey;
    for (alg, key_oid) in
        [(&PKCS_RSA_SHA256, chain_check::oids::RSA_ENCRYPTION), (&PKCS_ECDSA_P256_SHA256, chain_check::oids::EC_PUBLIC_KEY)]
    {
        let p = pki(alg);
        let leaf = p.leaf.cert();
        let spki = &leaf.tbs_certificate.subject_public_key_info;
        let msg = b"signed attributes";
        let sig = p.leaf.key.sign(msg).unwrap();
        let plain = spki::AlgorithmIdentifierOwned { oid: key_oid, parameters: None };
        sigalg::verify_signature(spki, &plain, Some(DigestAlg::Sha256), msg, &sig).unwrap();
        assert_eq!(sigalg::verify_signature(spki, &plain, Some(DigestAlg::Sha384), msg, &sig), Err(SignatureError::Invalid));
        assert!(matches!(sigalg::verify_signature(spki, &plain, None, msg, &sig), Err(SignatureError::DigestUnknown { .. })));
        // The full algorithm identifier needs no hint, and ignores a wrong one.
        sigalg::verify_signature(spki, &leaf.signature_algorithm, Some(DigestAlg::Sha1), msg, &sig).unwrap();
        assert_eq!(sigalg::verify_signature(spki, &leaf.signature_algorithm, None, b"other", &sig), Err(SignatureError::Invalid));
    }
}

#[test]
fn rsassa_pss_certificates_from_openssl() {
    let dir = tempfile::tempdir().unwrap();
    for (i, salt) in ["32", "max", "20", "digest"].iter().enumerate() {
        let out = dir.path().join(format!("pss{i}.pem"));
        let key = dir.path().join(format!("pss{i}.key"));
        run(std::process::Command::new("openssl")
            .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "2", "-subj", "/CN=PSS test"])
            .args(["-sigopt", "rsa_padding_mode:pss", "-sigopt"])
            .arg(format!("rsa_pss_saltlen:{}", if *salt == "digest" { "-1" } else { salt }))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&out));
        let c = cert::load_cert_sources(&[out]).unwrap().remove(0);
        assert_eq!(c.signature_algorithm.oid, chain_check::oids::RSASSA_PSS);
        assert_eq!(chain_check::sigalg::digest_of(&c.signature_algorithm), Some(chain_check::DigestAlg::Sha256));
        assert!(cert::is_self_signed(&c), "salt {salt}");
    }
}

/// Verified certificate signatures are remembered for the process (the signatures of a
/// document carry the same chain); a hit needs the very same inputs, so a corrupted copy
/// of a certificate verified a moment ago, or the right certificate under another key,
/// still fails.
#[test]
fn remembered_signature_checks_never_accept_other_inputs() {
    let p = pki(&PKCS_ECDSA_P256_SHA256);
    let leaf = p.leaf.cert();
    let ca = p.ca.cert();
    for _ in 0..3 {
        assert!(cert::verify_issued_by(&leaf, &ca).is_ok());
    }
    let corrupted = <x509_cert::Certificate as der::Decode>::from_der(&corrupt_signature(&p.leaf.der)).unwrap();
    assert!(cert::verify_issued_by(&corrupted, &ca).is_err());
    assert!(cert::verify_issued_by(&leaf, &p.root.cert()).is_err());
    assert!(cert::verify_issued_by(&leaf, &ca).is_ok());
}

/// Điều 31.1.b, policy part: a required policy is met by itself or an OID it defines
/// (below it), never by a sibling, a shorter prefix or anyPolicy.
#[test]
fn required_policies_and_what_they_define() {
    use const_oid::ObjectIdentifier as Oid;
    let g2 = Oid::new_unwrap("2.16.704.1.1.1.1.1");
    assert!(article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1.1"), &g2));
    assert!(article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1.1.2"), &g2));
    assert!(article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1.1.200.3"), &g2));
    assert!(!article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1.10"), &g2));
    assert!(!article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1"), &g2));
    assert!(!article31::policy_within(&Oid::new_unwrap("2.16.704.1.1.1.1.2"), &g2));
    let with = |oids: Vec<Vec<u64>>| {
        pki_with(&PKCS_ECDSA_P256_SHA256, move |lp| {
            lp.custom_extensions.push(common::policies_extension(&oids));
        })
    };
    let ok = with(vec![vec![2, 16, 704, 1, 1, 1, 1, 1, 7]]);
    article31::check_required_policies(&ok.leaf.cert(), &[g2]).unwrap();
    let other = with(vec![vec![1, 3, 6, 1, 4, 1, 30339, 1, 9]]);
    let e = article31::check_required_policies(&other.leaf.cert(), &[g2]).unwrap_err();
    assert!(matches!(e, CertProblem::PolicyNotAllowed { ref policies, .. } if policies == "1.3.6.1.4.1.30339.1.9"), "{e:?}");
    let any = with(vec![vec![2, 5, 29, 32, 0]]);
    assert!(article31::check_required_policies(&any.leaf.cert(), &[g2]).is_err(), "anyPolicy does not name a policy");
    let none = pki(&PKCS_ECDSA_P256_SHA256);
    assert!(article31::check_required_policies(&none.leaf.cert(), &[g2]).is_err());
    article31::check_required_policies(&none.leaf.cert(), &[]).unwrap();
}
