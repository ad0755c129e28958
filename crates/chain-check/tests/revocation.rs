//! Điều 31.1.c: revocation by CRL (made with rcgen) and OCSP (responses made by the
//! `openssl ocsp` CLI from an OpenSSL index.txt).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use chain_check::revocation::{
    self, ocsp, EvidenceProblem, FetchProblem, MalformedEvidence, RevocationSources, RevocationStatus, Source, Unchecked,
};
use chain_check::sigalg::SignatureError;
use chain_check::{cert, Certificate, HttpLimits};
use common::*;
use test_pki::rcgen::{
    CrlDistributionPoint, CrlIssuingDistributionPoint, CrlScope, ExtendedKeyUsagePurpose, KeyUsagePurpose, RevocationReason,
    RevokedCertParams, SerialNumber, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256,
};
use time::{Duration, OffsetDateTime};

const LEAF_SERIAL: [u8; 3] = [0x12, 0x34, 0x56];

fn test_pki() -> Pki {
    pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.serial_number = Some(SerialNumber::from_slice(&LEAF_SERIAL));
    })
}

fn offline(ocsp: Vec<Vec<u8>>, crls: Vec<Vec<u8>>) -> RevocationSources {
    RevocationSources { ocsp_responses: ocsp, crls, online: false, limits: HttpLimits::default(), cache: None }
}

/// Why each OCSP response or CRL of an Unknown status was not used.
fn unusable(status: RevocationStatus) -> Vec<EvidenceProblem> {
    match status {
        RevocationStatus::Unknown { reasons } => reasons
            .into_iter()
            .filter_map(|r| match r {
                Unchecked::Unusable { why, .. } => Some(why),
                _ => None,
            })
            .collect(),
        s => panic!("expected Unknown, got {s:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// CRL

#[test]
fn crl_revoked_serial_is_revoked_with_time() {
    let p = test_pki();
    let t = now();
    let when = t - Duration::days(2);
    let der = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&[9, 9], t), (&LEAF_SERIAL, when)]);
    match revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(vec![], vec![der])) {
        RevocationStatus::Revoked { revoked_at, reason, source } => {
            assert_eq!(revoked_at, when);
            assert_eq!(reason.as_deref(), Some("keyCompromise"));
            assert_eq!(source, Source::EmbeddedCrl);
        }
        s => panic!("expected Revoked, got {s:?}"),
    }
    // Revocation after the time of interest is still reported; the caller compares.
    match revocation::check(
        &p.leaf.cert(),
        &p.ca.cert(),
        t - Duration::days(10),
        &offline(vec![], vec![crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&LEAF_SERIAL, when)])]),
    ) {
        RevocationStatus::Revoked { revoked_at, .. } => {
            assert!(revoked_at > t - Duration::days(10))
        }
        s => panic!("expected Revoked, got {s:?}"),
    }
}

#[test]
fn rsa_crl_and_whole_path() {
    let p = pki_with(&PKCS_RSA_SHA256, |lp| lp.serial_number = Some(SerialNumber::from_slice(&LEAF_SERIAL)));
    let t = now();
    let ca_crl = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&[1, 2], t)]);
    let root_crl = crl(&p.root, t - Duration::hours(1), t + Duration::days(7), &[]);
    let mut trust = chain_check::TrustStore::new();
    trust.add([p.root.cert()]);
    let path = chain_check::PathBuilder::new(&trust).with_intermediates([p.ca.cert()]).build(&p.leaf.cert(), t).unwrap();
    let statuses = revocation::check_path(&path, t, &offline(vec![], vec![root_crl.clone(), ca_crl.clone()]));
    assert_eq!(statuses.len(), 2);
    assert!(statuses.iter().all(|s| s.is_good()), "{statuses:?}");
    // Without the root's CRL the issuing CA's status is unknown.
    let statuses = revocation::check_path(&path, t, &offline(vec![], vec![ca_crl]));
    assert!(statuses[0].is_good());
    assert!(matches!(statuses[1], RevocationStatus::Unknown { .. }));
}

#[test]
fn crl_without_the_serial_is_good() {
    let p = test_pki();
    let t = now();
    let der = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&[9, 9], t)]);
    match revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(vec![], vec![der.clone()])) {
        RevocationStatus::Good { source, this_update, next_update, evidence_der } => {
            assert_eq!(source, Source::EmbeddedCrl);
            assert_eq!(this_update, t - Duration::hours(1));
            assert_eq!(next_update, Some(t + Duration::days(7)));
            assert_eq!(evidence_der, der);
        }
        s => panic!("expected Good, got {s:?}"),
    }
    // PEM is accepted too.
    let pem = pem("X509 CRL", &der);
    assert!(revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(vec![], vec![pem.into_bytes()])).is_good());
}

#[test]
fn crl_signed_by_the_wrong_key_is_not_accepted() {
    let p = test_pki();
    let t = now();
    // Same issuer name, different key.
    let impostor = self_signed(ca_params("Test Issuing CA", t - Duration::days(1), t + Duration::days(1)), key(&PKCS_ECDSA_P256_SHA256));
    let der = crl(&impostor, t - Duration::hours(1), t + Duration::days(7), &[]);
    let why = unusable(revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(vec![], vec![der])));
    assert!(matches!(why[..], [EvidenceProblem::BadSignature(SignatureError::Invalid)]), "{why:?}");
    assert!(why[0].to_string().starts_with("not signed by the issuer's key"), "{}", why[0]);
    // A CRL of another CA entirely.
    let der = crl(&p.root, t - Duration::hours(1), t + Duration::days(7), &[]);
    assert!(matches!(revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(vec![], vec![der])), RevocationStatus::Unknown { .. }));
}

/// A CRL of `issuer` (valid a week from an hour ago, nothing revoked) with an
/// issuingDistributionPoint naming `uri` and limited to `scope`.
fn crl_with_idp(issuer: &Node, uri: &str, scope: Option<CrlScope>) -> Vec<u8> {
    let t = now();
    let mut params = crl_params(t - Duration::hours(1), t + Duration::days(7), &[]);
    params.issuing_distribution_point =
        Some(CrlIssuingDistributionPoint { distribution_point: CrlDistributionPoint { uris: vec![uri.to_string()] }, scope });
    params.signed_by(&issuer.issuer()).unwrap().der().to_vec()
}

#[test]
fn crl_scope_rules() {
    const CDP: &str = "http://crl.example.invalid/ca.crl";
    let p = pki_with(&PKCS_ECDSA_P256_SHA256, |lp| {
        lp.serial_number = Some(SerialNumber::from_slice(&LEAF_SERIAL));
        cdp(lp, CDP);
    });
    let t = now();
    let (root, ca, leaf) = (p.root.cert(), p.ca.cert(), p.leaf.cert());
    // onlyContainsCACerts: not for the signer's certificate.
    let ca_only = crl_with_idp(&p.ca, CDP, Some(CrlScope::CaCertsOnly));
    assert_eq!(unusable(revocation::check(&leaf, &ca, t, &offline(vec![], vec![ca_only]))), [EvidenceProblem::OnlyCaCerts]);
    // onlyContainsUserCerts: not for a CA certificate, but for the signer's.
    let user_only = crl_with_idp(&p.root, CDP, Some(CrlScope::UserCertsOnly));
    assert_eq!(unusable(revocation::check(&ca, &root, t, &offline(vec![], vec![user_only]))), [EvidenceProblem::OnlyUserCerts]);
    let user_only = crl_with_idp(&p.ca, CDP, Some(CrlScope::UserCertsOnly));
    assert!(revocation::check(&leaf, &ca, t, &offline(vec![], vec![user_only])).is_good());
    // A CRL for another distribution point than the certificate names.
    let elsewhere = crl_with_idp(&p.ca, "http://crl.example.invalid/other.crl", None);
    let why = unusable(revocation::check(&leaf, &ca, t, &offline(vec![], vec![elsewhere])));
    assert_eq!(why, [EvidenceProblem::OtherDistributionPoint]);
    assert_eq!(why[0].to_string(), "CRL is for another distribution point");
}

#[test]
fn crl_issuer_rules() {
    let p = test_pki();
    let t = now();
    let (root, ca, leaf) = (p.root.cert(), p.ca.cert(), p.leaf.cert());
    // The issuer certificate given is not the one named by the certificate.
    let der = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[]);
    assert_eq!(revocation::crl::evaluate(&der, &leaf, &root, t, t), Err(EvidenceProblem::WrongIssuerCert));
    assert!(revocation::crl::evaluate(&der, &leaf, &ca, t, t).is_ok());
    // An issuing CA whose keyUsage lacks cRLSign: its CRLs are not evidence.
    let mut cp = ca_params("No CRL Signing CA", t - Duration::days(30), t + Duration::days(30));
    cp.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let no_crl_sign = signed_by(cp, key(&PKCS_ECDSA_P256_SHA256), &p.root);
    let leaf2 =
        signed_by(leaf_params("Trần Thị Bình", t - Duration::days(1), t + Duration::days(1)), key(&PKCS_ECDSA_P256_SHA256), &no_crl_sign);
    // rcgen refuses to sign with it: sign with the same name and key, told cRLSign.
    let mut signing = no_crl_sign.params.clone();
    signing.key_usages.push(KeyUsagePurpose::CrlSign);
    let der = crl_params(t - Duration::hours(1), t + Duration::days(7), &[])
        .signed_by(&rcgen::Issuer::from_params(&signing, &no_crl_sign.key))
        .unwrap()
        .der()
        .to_vec();
    let why = unusable(revocation::check(&leaf2.cert(), &no_crl_sign.cert(), t, &offline(vec![], vec![der])));
    assert_eq!(why, [EvidenceProblem::IssuerMayNotSignCrls]);
    assert_eq!(why[0].to_string(), "the issuer's key usage does not allow signing CRLs");
    // An issuing CA whose keyUsage cannot be read (an OCTET STRING, not a BIT STRING).
    let mut cp = ca_params("Broken Key Usage CA", t - Duration::days(30), t + Duration::days(30));
    cp.key_usages = Vec::new();
    cp.custom_extensions.push(rcgen::CustomExtension::from_oid_content(&[2, 5, 29, 15], vec![0x04, 0x00]));
    let broken = signed_by(cp, key(&PKCS_ECDSA_P256_SHA256), &p.root);
    let leaf3 = signed_by(leaf_params("Lê Văn Cường", t - Duration::days(1), t + Duration::days(1)), key(&PKCS_ECDSA_P256_SHA256), &broken);
    let der = crl(&broken, t - Duration::hours(1), t + Duration::days(7), &[]);
    let why = unusable(revocation::check(&leaf3.cert(), &broken.cert(), t, &offline(vec![], vec![der])));
    assert!(matches!(why[..], [EvidenceProblem::IssuerKeyUsage(_)]), "{why:?}");
    assert!(why[0].to_string().starts_with("issuer certificate: malformed keyUsage extension: "), "{}", why[0]);
}

/// What RFC 5280 allows in a CRL that this crate does not use: each CRL lists the leaf as
/// revoked, so that a CRL wrongly used would say "revoked".
#[test]
fn crl_kinds_not_used() {
    use der::asn1::OctetString;
    use der::Encode;
    use x509_cert::crl::TbsCertList;
    use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
    use x509_cert::ext::Extension;

    let p = test_pki();
    let t = now();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let odd = const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.99");
    let ext = |extn_id, critical, value: Vec<u8>| Extension { extn_id, critical, extn_value: OctetString::new(value).unwrap() };
    let idp = |edit: fn(&mut IssuingDistributionPoint)| {
        let mut idp = IssuingDistributionPoint {
            distribution_point: None,
            only_contains_user_certs: false,
            only_contains_ca_certs: false,
            only_some_reasons: None,
            indirect_crl: false,
            only_contains_attribute_certs: false,
        };
        edit(&mut idp);
        ext(chain_check::oids::EXT_ISSUING_DISTRIBUTION_POINT, true, idp.to_der().unwrap())
    };
    let crl_ext = |e: Extension| move |tbs: &mut TbsCertList| tbs.crl_extensions.get_or_insert_with(Vec::new).push(e.clone());
    let entry_ext = |e: Extension| {
        move |tbs: &mut TbsCertList| {
            let entry = &mut tbs.revoked_certificates.as_mut().unwrap()[0];
            entry.crl_entry_extensions.get_or_insert_with(Vec::new).push(e.clone())
        }
    };
    let problem = |edit: &dyn Fn(&mut TbsCertList)| {
        let der =
            edited_crl(&p.ca, crl_params(t - Duration::hours(1), t + Duration::days(7), &[(&LEAF_SERIAL, t - Duration::days(1))]), edit);
        let status = revocation::check(&leaf, &ca, t, &offline(vec![], vec![der]));
        if matches!(status, RevocationStatus::Revoked { .. }) {
            return None;
        }
        Some(unusable(status).remove(0))
    };
    // The edit re-signs properly: an unedited CRL is used.
    assert_eq!(problem(&|_| {}), None);
    assert_eq!(problem(&crl_ext(ext(chain_check::oids::EXT_DELTA_CRL_INDICATOR, true, vec![2, 1, 1]))), Some(EvidenceProblem::DeltaCrl));
    assert_eq!(problem(&crl_ext(ext(odd, true, vec![5, 0]))), Some(EvidenceProblem::UnsupportedCriticalExtension(odd)));
    assert_eq!(problem(&crl_ext(ext(odd, false, vec![5, 0]))), None);
    assert_eq!(problem(&crl_ext(idp(|i| i.indirect_crl = true))), Some(EvidenceProblem::IndirectCrl));
    assert_eq!(problem(&crl_ext(idp(|i| i.only_contains_attribute_certs = true))), Some(EvidenceProblem::PartialCrl));
    let bad_idp = ext(chain_check::oids::EXT_ISSUING_DISTRIBUTION_POINT, true, vec![0x30, 0x03, 0xff]);
    assert!(
        matches!(problem(&crl_ext(bad_idp)), Some(EvidenceProblem::Malformed(MalformedEvidence::IssuingDistributionPoint(_)))),
        "a malformed issuingDistributionPoint"
    );
    let certificate_issuer = ext(chain_check::oids::EXT_CERTIFICATE_ISSUER, true, vec![0x30, 0x00]);
    assert_eq!(problem(&entry_ext(certificate_issuer)), Some(EvidenceProblem::IndirectCrlEntry));
    assert_eq!(problem(&entry_ext(ext(odd, true, vec![5, 0]))), Some(EvidenceProblem::UnsupportedCriticalEntryExtension(odd)));
    // Signed with one algorithm, saying another inside.
    let other_alg = |tbs: &mut TbsCertList| tbs.signature.oid = chain_check::oids::ECDSA_WITH_SHA384;
    assert_eq!(problem(&other_alg), Some(EvidenceProblem::AlgorithmMismatch));
    assert_eq!(EvidenceProblem::AlgorithmMismatch.to_string(), "signature algorithm inside and outside the CRL differ");
}

#[test]
fn crl_time_rules() {
    let p = test_pki();
    let t = now();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    // Stale for "now", fine for a time it covered.
    let stale = crl(&p.ca, t - Duration::days(10), t - Duration::days(3), &[]);
    assert!(matches!(revocation::check(&leaf, &ca, t, &offline(vec![], vec![stale.clone()])), RevocationStatus::Unknown { .. }));
    assert!(revocation::check(&leaf, &ca, t - Duration::days(5), &offline(vec![], vec![stale.clone()])).is_good());
    // Issued after the time of interest: proves nothing was revoked before it.
    assert!(revocation::check(&leaf, &ca, t - Duration::days(20), &offline(vec![], vec![stale])).is_good());
    // From the future.
    let future = crl(&p.ca, t + Duration::days(1), t + Duration::days(8), &[]);
    assert!(matches!(revocation::check(&leaf, &ca, t, &offline(vec![], vec![future])), RevocationStatus::Unknown { .. }));
    // Issued after the certificate expired: not proof of anything.
    let late = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[]);
    let expired_leaf = signed_by(
        {
            let mut lp = leaf_params("Expired", t - Duration::days(30), t - Duration::days(2));
            lp.serial_number = Some(SerialNumber::from_slice(&[0x77]));
            lp
        },
        key(&PKCS_ECDSA_P256_SHA256),
        &p.ca,
    );
    assert!(matches!(
        revocation::check(&expired_leaf.cert(), &ca, t - Duration::days(3), &offline(vec![], vec![late])),
        RevocationStatus::Unknown { .. }
    ));
}

#[test]
fn garbage_evidence_is_unknown_not_a_panic() {
    let p = test_pki();
    let t = now();
    let junk: Vec<Vec<u8>> = vec![vec![], vec![0x30], vec![0x30, 0x80, 0, 0], b"hello".to_vec(), vec![0x30, 0x03, 0x0a, 0x01, 0x00]];
    match revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &offline(junk.clone(), junk)) {
        RevocationStatus::Unknown { reasons } => assert_eq!(reasons.len(), 10),
        s => panic!("{s:?}"),
    }
    match revocation::check(&p.leaf.cert(), &p.ca.cert(), t, &RevocationSources::default()) {
        RevocationStatus::Unknown { reasons } => assert_eq!(reasons.len(), 1),
        s => panic!("{s:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// OCSP through the openssl CLI

struct OcspLab {
    dir: tempfile::TempDir,
}

fn asn1_time(t: OffsetDateTime) -> String {
    let f = time::format_description::parse_borrowed::<2>("[year repr:last_two][month][day][hour][minute][second]Z").unwrap();
    t.format(&f).unwrap()
}

impl OcspLab {
    fn new(ca: &Node, responder: &Node) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        std::fs::write(dir.path().join("ocsp.pem"), responder.pem()).unwrap();
        std::fs::write(dir.path().join("ocsp.key"), responder.key_pem()).unwrap();
        OcspLab { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// One index line per (cert, revoked at).
    fn index(&self, entries: &[(&Certificate, Option<(OffsetDateTime, &str)>)]) {
        let mut s = String::new();
        for (c, rev) in entries {
            let exp = asn1_time(cert::not_after(c));
            match rev {
                None => s.push_str(&format!("V\t{exp}\t\t{}\tunknown\t/CN=x\n", cert::serial_hex(c))),
                Some((when, reason)) => {
                    s.push_str(&format!("R\t{exp}\t{},{reason}\t{}\tunknown\t/CN=x\n", asn1_time(*when), cert::serial_hex(c)))
                }
            }
        }
        std::fs::write(self.path("index.txt"), s).unwrap();
    }

    fn respond(&self, request_der: &[u8]) -> Vec<u8> {
        respond_in(self.dir.path(), request_der)
    }
}

fn respond_in(dir: &Path, request_der: &[u8]) -> Vec<u8> {
    let req = dir.join(format!("req-{}.der", std::process::id()));
    let resp = dir.join(format!("resp-{}.der", std::process::id()));
    std::fs::write(&req, request_der).unwrap();
    run(Command::new("openssl")
        .arg("ocsp")
        .arg("-index")
        .arg(dir.join("index.txt"))
        .arg("-CA")
        .arg(dir.join("ca.pem"))
        .arg("-rsigner")
        .arg(dir.join("ocsp.pem"))
        .arg("-rkey")
        .arg(dir.join("ocsp.key"))
        .arg("-reqin")
        .arg(&req)
        .arg("-respout")
        .arg(&resp)
        .args(["-ndays", "30"]));
    std::fs::read(resp).unwrap()
}

fn responder_for(ca: &Node, name: &str, ocsp_eku: bool) -> Node {
    let t = now();
    let mut p = leaf_params(name, t - Duration::days(30), t + Duration::days(30));
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = if ocsp_eku { vec![ExtendedKeyUsagePurpose::OcspSigning] } else { vec![ExtendedKeyUsagePurpose::ClientAuth] };
    signed_by(p, key(&PKCS_ECDSA_P256_SHA256), ca)
}

#[test]
fn ocsp_good_and_revoked() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let lab = OcspLab::new(&p.ca, &responder_for(&p.ca, "OCSP Responder", true));
    let req = ocsp::build_request(&leaf, &ca, Some(&[1, 2, 3, 4, 5, 6, 7, 8])).unwrap();

    lab.index(&[(&leaf, None)]);
    let resp = lab.respond(&req);
    match revocation::check(&leaf, &ca, t, &offline(vec![resp.clone()], vec![])) {
        RevocationStatus::Good { source, next_update, evidence_der, this_update } => {
            assert_eq!(source, Source::EmbeddedOcsp);
            assert_eq!(evidence_der, resp);
            assert!(next_update.is_some());
            assert!((this_update - t).abs() < Duration::minutes(5));
        }
        s => panic!("expected Good, got {s:?}"),
    }
    // Stale after nextUpdate (30 days); fine for an earlier signing time.
    assert!(matches!(
        revocation::check(&leaf, &ca, t + Duration::days(40), &offline(vec![resp.clone()], vec![])),
        RevocationStatus::Unknown { .. }
    ));
    assert!(revocation::check(&leaf, &ca, t - Duration::days(100), &offline(vec![resp.clone()], vec![])).is_good());
    // A good response about another certificate of the same CA is not evidence.
    let other = signed_by(leaf_params("Someone Else", t - Duration::days(1), t + Duration::days(1)), key(&PKCS_ECDSA_P256_SHA256), &p.ca);
    let why = unusable(revocation::check(&other.cert(), &ca, t, &offline(vec![resp.clone()], vec![])));
    assert_eq!(why, [EvidenceProblem::CertIdMismatch]);

    let when = (t - Duration::days(3)).replace_nanosecond(0).unwrap();
    lab.index(&[(&leaf, Some((when, "keyCompromise")))]);
    let resp = lab.respond(&req);
    match revocation::check(&leaf, &ca, t, &offline(vec![resp], vec![])) {
        RevocationStatus::Revoked { revoked_at, reason, source } => {
            assert_eq!(revoked_at, when);
            assert_eq!(reason.as_deref(), Some("keyCompromise"));
            assert_eq!(source, Source::EmbeddedOcsp);
        }
        s => panic!("expected Revoked, got {s:?}"),
    }

    // Serial not in the index: openssl answers "unknown".
    lab.index(&[(&other.cert(), None)]);
    let resp = lab.respond(&req);
    assert!(matches!(revocation::check(&leaf, &ca, t, &offline(vec![resp], vec![])), RevocationStatus::Unknown { .. }));
}

#[test]
fn ocsp_signed_by_the_issuer_itself_and_sha256_certid() {
    let p = pki_with(&PKCS_RSA_SHA256, |lp| lp.serial_number = Some(SerialNumber::from_slice(&LEAF_SERIAL)));
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in [("ca.pem", p.ca.pem()), ("ocsp.pem", p.ca.pem()), ("ocsp.key", p.ca.key_pem()), ("leaf.pem", p.leaf.pem())] {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    std::fs::write(
        dir.path().join("index.txt"),
        format!("V\t{}\t\t{}\tunknown\t/CN=x\n", asn1_time(cert::not_after(&leaf)), cert::serial_hex(&leaf)),
    )
    .unwrap();
    // The request made by openssl itself, with a SHA-256 CertID.
    run(Command::new("openssl").current_dir(dir.path()).args([
        "ocsp",
        "-sha256",
        "-issuer",
        "ca.pem",
        "-cert",
        "leaf.pem",
        "-no_nonce",
        "-reqout",
        "own-req.der",
    ]));
    let req = std::fs::read(dir.path().join("own-req.der")).unwrap();
    let resp = respond_in(dir.path(), &req);
    assert!(revocation::check(&leaf, &ca, now(), &offline(vec![resp], vec![])).is_good());
}

#[test]
fn ocsp_bad_responders_are_not_accepted() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let req = ocsp::build_request(&leaf, &ca, None).unwrap();

    // Responder with id-kp-OCSPSigning, but issued by another CA.
    let stranger = pki(&PKCS_ECDSA_P256_SHA256);
    let lab = OcspLab::new(&p.ca, &responder_for(&stranger.ca, "Foreign Responder", true));
    lab.index(&[(&leaf, None)]);
    let resp = lab.respond(&req);
    match revocation::check(&leaf, &ca, t, &offline(vec![resp], vec![])) {
        RevocationStatus::Unknown { reasons } => {
            assert!(reasons[0].to_string().contains("not issued by the certificate's issuer"), "{reasons:?}")
        }
        s => panic!("expected Unknown, got {s:?}"),
    }

    // Responder issued by the CA, but without id-kp-OCSPSigning.
    let lab = OcspLab::new(&p.ca, &responder_for(&p.ca, "Not A Responder", false));
    lab.index(&[(&leaf, None)]);
    let resp = lab.respond(&req);
    match revocation::check(&leaf, &ca, t, &offline(vec![resp], vec![])) {
        RevocationStatus::Unknown { reasons } => {
            assert!(reasons[0].to_string().contains("OCSPSigning"), "{reasons:?}")
        }
        s => panic!("expected Unknown, got {s:?}"),
    }

    // A proper responder, but its response's signature is corrupted.
    let lab = OcspLab::new(&p.ca, &responder_for(&p.ca, "OCSP Responder", true));
    lab.index(&[(&leaf, None)]);
    let resp = lab.respond(&req);
    let (basic, _) = ocsp::parse_response(&resp).unwrap();
    let sig = basic.signature.raw_bytes();
    let pos = resp.windows(sig.len()).position(|w| w == sig).unwrap();
    let mut broken = resp.clone();
    broken[pos + sig.len() - 1] ^= 1;
    assert!(matches!(revocation::check(&leaf, &ca, t, &offline(vec![broken], vec![])), RevocationStatus::Unknown { .. }));
    assert!(revocation::check(&leaf, &ca, t, &offline(vec![resp], vec![])).is_good());
}

#[test]
fn revoked_evidence_before_the_time_wins_over_good() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let lab = OcspLab::new(&p.ca, &responder_for(&p.ca, "OCSP Responder", true));
    lab.index(&[(&leaf, None)]);
    let good = lab.respond(&ocsp::build_request(&leaf, &ca, None).unwrap());
    let revoked_crl = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&LEAF_SERIAL, t - Duration::days(1))]);
    assert!(matches!(
        revocation::check(&leaf, &ca, t, &offline(vec![good.clone()], vec![revoked_crl.clone()])),
        RevocationStatus::Revoked { .. }
    ));
    // For a time before the revocation the revocation is still reported (a CA does not
    // un-revoke): the caller compares its time with what the time of interest stands for.
    match revocation::check(&leaf, &ca, t - Duration::days(2), &offline(vec![good], vec![revoked_crl])) {
        RevocationStatus::Revoked { revoked_at, .. } => assert_eq!(revoked_at.unix_timestamp(), (t - Duration::days(1)).unix_timestamp()),
        other => panic!("{other:?}"),
    }
}

/// The bug of issue 14: an old "good" (e.g. embedded by `vbdt ltv` before the revocation)
/// must never hide a newer CRL that lists the revocation, in whatever order the evidence
/// comes and whatever the time of interest.
#[test]
fn an_older_good_never_hides_a_newer_revocation() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let signed = t - Duration::days(10);
    let old_good = crl(&p.ca, t - Duration::days(9), t + Duration::days(30), &[]);
    let revoked_at = t - Duration::days(3);
    let new_revoked = crl(&p.ca, t - Duration::hours(2), t + Duration::days(30), &[(&LEAF_SERIAL, revoked_at)]);
    for crls in [vec![old_good.clone(), new_revoked.clone()], vec![new_revoked.clone(), old_good.clone()]] {
        for at in [signed, t - Duration::days(4), t] {
            for kind in [revocation::TimeKind::Proven, revocation::TimeKind::Claimed] {
                match revocation::check_at(&leaf, &ca, at, kind, t, &offline(vec![], crls.clone())) {
                    RevocationStatus::Revoked { revoked_at: r, .. } => assert_eq!(r.unix_timestamp(), revoked_at.unix_timestamp()),
                    other => panic!("at {at}, {kind:?}: {other:?}"),
                }
            }
        }
    }
    // Among good evidence, the newest decides.
    let newer_good = crl(&p.ca, t - Duration::days(1), t + Duration::days(30), &[]);
    match revocation::check(&leaf, &ca, signed, &offline(vec![], vec![old_good, newer_good])) {
        RevocationStatus::Good { this_update, .. } => assert_eq!(this_update.unix_timestamp(), (t - Duration::days(1)).unix_timestamp()),
        other => panic!("{other:?}"),
    }
}

/// Evidence issued before a signing time that only the signer claims proves nothing at
/// it; the same evidence counts for a proven time it covers.
#[test]
fn evidence_from_before_a_claimed_time_is_not_proof() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let early = crl(&p.ca, t - Duration::days(5), t + Duration::days(30), &[]);
    let claimed = t - Duration::days(1);
    match revocation::check_at(&leaf, &ca, claimed, revocation::TimeKind::Claimed, t, &offline(vec![], vec![early.clone()])) {
        RevocationStatus::Unknown { reasons } => {
            assert!(
                reasons
                    .iter()
                    .any(|r| r.to_string().contains("before the signing time") && r.to_string().contains("only the signer claims")),
                "{reasons:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(revocation::check_at(&leaf, &ca, claimed, revocation::TimeKind::Proven, t, &offline(vec![], vec![early.clone()])).is_good());
    // Issued after the claimed time: proof for it.
    let later = crl(&p.ca, t - Duration::hours(1), t + Duration::days(30), &[]);
    assert!(revocation::check_at(&leaf, &ca, claimed, revocation::TimeKind::Claimed, t, &offline(vec![], vec![early, later])).is_good());
}

/// A hold lifted later (newer good evidence) does not count for a time before the hold;
/// a hold at or before the time of interest does.
#[test]
fn a_lifted_hold_counts_only_when_it_covers_the_time() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let hold_at = t - Duration::days(4);
    let mut hold = crl_params(t - Duration::days(3), t + Duration::days(30), &[]);
    hold.crl_number = SerialNumber::from_slice(&[2]);
    hold.revoked_certs = vec![RevokedCertParams {
        serial_number: SerialNumber::from_slice(&LEAF_SERIAL),
        revocation_time: hold_at,
        reason_code: Some(RevocationReason::CertificateHold),
        invalidity_date: None,
    }];
    let hold = hold.signed_by(&p.ca.issuer()).unwrap().der().to_vec();
    let lifted = crl(&p.ca, t - Duration::days(1), t + Duration::days(30), &[]);
    let sources = offline(vec![], vec![hold.clone(), lifted.clone()]);
    assert!(revocation::check(&leaf, &ca, t - Duration::days(6), &sources).is_good());
    assert!(matches!(revocation::check(&leaf, &ca, t - Duration::days(2), &sources), RevocationStatus::Revoked { .. }));
    // Not lifted: the hold is reported whatever the time.
    assert!(matches!(revocation::check(&leaf, &ca, t - Duration::days(6), &offline(vec![], vec![hold])), RevocationStatus::Revoked { .. }));
}

// ---------------------------------------------------------------------------------------
// Online: OCSP and CRL served on 127.0.0.1

#[test]
fn online_ocsp_from_aia() {
    let t = now();
    let alg = &PKCS_ECDSA_P256_SHA256;
    let root = self_signed(ca_params("Online Root", t - Duration::days(10), t + Duration::days(10)), key(alg));
    let ca = signed_by(ca_params("Online CA", t - Duration::days(10), t + Duration::days(10)), key(alg), &root);
    let dir = tempfile::tempdir().unwrap();
    let dir_path = dir.path().to_path_buf();
    let responder = responder_for(&ca, "Online Responder", true);
    std::fs::write(dir_path.join("ca.pem"), ca.pem()).unwrap();
    std::fs::write(dir_path.join("ocsp.pem"), responder.pem()).unwrap();
    std::fs::write(dir_path.join("ocsp.key"), responder.key_pem()).unwrap();
    let served_dir = dir_path.clone();
    let base = serve(4, move |req| {
        assert!(req.head.starts_with("POST /ocsp "), "{}", req.head);
        assert!(req.head.to_ascii_lowercase().contains("content-type: application/ocsp-request"));
        Reply::Full(200, vec![("Content-Type".into(), "application/ocsp-response".into())], respond_in(&served_dir, &req.body))
    });
    let url = format!("{base}/ocsp");
    let leaf = signed_by(
        {
            let mut lp = leaf_params("Online Leaf", t - Duration::days(1), t + Duration::days(5));
            aia_ocsp(&mut lp, &url);
            lp
        },
        key(alg),
        &ca,
    );
    let leaf_cert = leaf.cert();
    std::fs::write(
        dir_path.join("index.txt"),
        format!("V\t{}\t\t{}\tunknown\t/CN=x\n", asn1_time(cert::not_after(&leaf_cert)), cert::serial_hex(&leaf_cert)),
    )
    .unwrap();

    let sources = RevocationSources { online: true, ..RevocationSources::default() };
    match revocation::check(&leaf_cert, &ca.cert(), t, &sources) {
        RevocationStatus::Good { source, .. } => {
            assert_eq!(source, Source::FetchedOcsp { url: url.clone() })
        }
        s => panic!("expected Good, got {s:?}"),
    }
    let der = revocation::fetch_ocsp(&leaf_cert, &ca.cert(), &HttpLimits::default()).unwrap();
    assert!(ocsp::evaluate(&der, &leaf_cert, &ca.cert(), t, t).is_ok());
    // Offline, the same certificate has no evidence.
    assert!(matches!(revocation::check(&leaf_cert, &ca.cert(), t, &RevocationSources::default()), RevocationStatus::Unknown { .. }));
}

#[test]
fn online_crl_from_cdp() {
    let p = test_pki();
    let t = now();
    let revoked_crl = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&LEAF_SERIAL, t - Duration::days(1))]);
    let body = revoked_crl.clone();
    let base = serve(2, move |req| {
        assert!(req.head.starts_with("GET /ca.crl "), "{}", req.head);
        Reply::Full(200, vec![], body.clone())
    });
    let url = format!("{base}/ca.crl");
    let leaf = signed_by(
        {
            let mut lp = leaf_params("CDP Leaf", t - Duration::days(1), t + Duration::days(5));
            lp.serial_number = Some(SerialNumber::from_slice(&LEAF_SERIAL));
            cdp(&mut lp, &url);
            lp
        },
        key(&PKCS_ECDSA_P256_SHA256),
        &p.ca,
    );
    let sources = RevocationSources { online: true, ..RevocationSources::default() };
    match revocation::check(&leaf.cert(), &p.ca.cert(), t, &sources) {
        RevocationStatus::Revoked { source, .. } => {
            assert_eq!(source, Source::FetchedCrl { url: url.clone() })
        }
        s => panic!("expected Revoked, got {s:?}"),
    }
    assert_eq!(revocation::fetch_crl(&url, &HttpLimits::default()).unwrap(), revoked_crl);
}

#[test]
fn online_fetch_problems_are_typed() {
    let p = test_pki();
    let t = now();
    let base = serve(1, |_| Reply::Full(200, vec![], b"not a CRL".to_vec()));
    let garbage = format!("{base}/ca.crl");
    let leaf = signed_by(
        {
            let mut lp = leaf_params("CDP Leaf", t - Duration::days(1), t + Duration::days(5));
            cdp(&mut lp, "ftp://crl.example.invalid/ca.crl");
            cdp(&mut lp, &garbage);
            lp
        },
        key(&PKCS_ECDSA_P256_SHA256),
        &p.ca,
    );
    let sources = RevocationSources { online: true, ..RevocationSources::default() };
    let reasons = match revocation::check(&leaf.cert(), &p.ca.cert(), t, &sources) {
        RevocationStatus::Unknown { reasons } => reasons,
        s => panic!("expected Unknown, got {s:?}"),
    };
    let errors: Vec<&FetchProblem> = reasons
        .iter()
        .filter_map(|r| match r {
            Unchecked::Fetch { ocsp: false, error, .. } => Some(error),
            _ => None,
        })
        .collect();
    assert!(errors.iter().any(|e| matches!(e, FetchProblem::UnsupportedScheme { .. })), "{reasons:?}");
    assert!(errors.iter().any(|e| matches!(e, FetchProblem::Malformed { what: "CRL", reason: MalformedEvidence::Crl(_) })), "{reasons:?}");
    let text = reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
    assert!(text.contains("only http:// and https:// URLs are supported"), "{text}");
}

#[test]
fn mutated_ocsp_responses_and_crls_never_panic() {
    let p = test_pki();
    let (leaf, ca) = (p.leaf.cert(), p.ca.cert());
    let t = now();
    let lab = OcspLab::new(&p.ca, &responder_for(&p.ca, "OCSP Responder", true));
    lab.index(&[(&leaf, None)]);
    let resp = lab.respond(&ocsp::build_request(&leaf, &ca, None).unwrap());
    let list = crl(&p.ca, t - Duration::hours(1), t + Duration::days(7), &[(&LEAF_SERIAL, t)]);
    let mut accepted = 0;
    for original in [&resp, &list] {
        for pos in 0..original.len() {
            for variant in 0..3 {
                let mut m = original.clone();
                match variant {
                    0 => m[pos] ^= 0xff,
                    1 => m.truncate(pos),
                    _ => m[pos] = 0x81,
                }
                if m == *original {
                    continue;
                }
                let s = revocation::check(&leaf, &ca, t, &offline(vec![m.clone()], vec![m]));
                if !matches!(s, RevocationStatus::Unknown { .. }) {
                    accepted += 1;
                    eprintln!("accepted: pos {pos} variant {variant} -> {s:?}");
                }
            }
        }
    }
    // Every byte of a response or CRL is either signed or checked: no change survives.
    assert_eq!(accepted, 0);
}
