//! Building blocks for test suites that make small PKIs of their own, certificate by
//! certificate (chain-check's tests): keys, names, CA and signer parameters, signing, CRLs.
//! Everything is rcgen's ([`crate::rcgen`]), with the test PKI's names.
//!
//! These helpers are for tests: they panic (with a message) where rcgen refuses, so that a
//! test reads as what it builds. [`crate::generate`] is the one that reports errors. The
//! module is compiled only with the `build` feature, which only test suites turn on (as a
//! dev-dependency): none of these panics is in the shipped binary.

use const_oid::ObjectIdentifier;
use der::asn1::BitString;
use der::{Decode, Encode};
use rcgen::SigningKey;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint, CustomExtension, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber, SignatureAlgorithm,
};
use time::{Duration, OffsetDateTime};
use x509_cert::crl::{CertificateList, TbsCertList};

pub use crate::names::name;
use crate::Shape;

/// The current time in whole seconds (certificate times have no fractions).
pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(0).expect("0 is a valid nanosecond")
}

/// A certificate with the parameters and key it was made from (to issue others with).
pub struct Node {
    pub params: CertificateParams,
    pub key: KeyPair,
    /// The certificate, DER.
    pub der: Vec<u8>,
}

impl Node {
    /// This certificate as the issuer of others (of certificates and CRLs).
    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
    pub fn pem(&self) -> String {
        pem("CERTIFICATE", &self.der)
    }
    /// The private key, PKCS#8 PEM.
    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }
}

/// `der` as PEM with `label`, 64-column lines.
pub fn pem(label: &str, der: &[u8]) -> String {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).expect("PEM of a short label")
}

/// A fresh key for `alg`.
pub fn key(alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).expect("key generation")
}

/// C=VN, O=the government test CA's organization, CN=`cn`.
pub fn dn(cn: &str) -> DistinguishedName {
    name(&[(DnType::CountryName, "VN"), (DnType::OrganizationName, Shape::Vgca.names().0), (DnType::CommonName, cn)])
        .expect("VN is a PrintableString")
}

/// A CA (no path length limit, keyCertSign and cRLSign) named `dn(cn)`, valid from `nb` to `na`.
pub fn ca_params(cn: &str, nb: OffsetDateTime, na: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    p.not_before = nb;
    p.not_after = na;
    p.use_authority_key_identifier_extension = true;
    p
}

/// A signer's certificate (digitalSignature and nonRepudiation; clientAuth and
/// emailProtection) named `dn(cn)`, valid from `nb` to `na`.
pub fn leaf_params(cn: &str, nb: OffsetDateTime, na: OffsetDateTime) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = dn(cn);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::ContentCommitment];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth, ExtendedKeyUsagePurpose::EmailProtection];
    p.not_before = nb;
    p.not_after = na;
    p.use_authority_key_identifier_extension = true;
    p
}

/// Adds authorityInfoAccess with one OCSP URL.
pub fn aia_ocsp(params: &mut CertificateParams, url: &str) {
    params.custom_extensions.push(crate::ext::aia(Some(url), None).expect("an IA5 URL").expect("an OCSP URL was given"));
}

/// Adds a CRL distribution point with one URL.
pub fn cdp(params: &mut CertificateParams, url: &str) {
    params.crl_distribution_points.push(CrlDistributionPoint { uris: vec![url.to_string()] });
}

/// A certificatePolicies extension naming `oids` (given by their arcs, no qualifiers).
pub fn policies_extension(oids: &[Vec<u64>]) -> CustomExtension {
    let oids: Vec<ObjectIdentifier> = oids
        .iter()
        .map(|arcs| ObjectIdentifier::new(&arcs.iter().map(u64::to_string).collect::<Vec<_>>().join(".")).expect("valid arcs"))
        .collect();
    crate::ext::cert_policies(&oids).expect("policies encode")
}

pub fn self_signed(params: CertificateParams, key: KeyPair) -> Node {
    let der = params.self_signed(&key).expect("self-signing").der().to_vec();
    Node { params, key, der }
}

pub fn signed_by(params: CertificateParams, key: KeyPair, issuer: &Node) -> Node {
    let der = params.signed_by(&key, &issuer.issuer()).expect("signing").der().to_vec();
    Node { params, key, der }
}

/// root → issuing CA → leaf, all with `alg`, valid from a year ago to a year ahead.
pub struct Pki {
    pub root: Node,
    pub ca: Node,
    pub leaf: Node,
}

pub fn pki(alg: &'static SignatureAlgorithm) -> Pki {
    pki_with(alg, |_| {})
}

/// [`pki`], with the leaf's parameters changed by `leaf_tweak` before it is signed.
pub fn pki_with(alg: &'static SignatureAlgorithm, leaf_tweak: impl FnOnce(&mut CertificateParams)) -> Pki {
    let t = now();
    let root = self_signed(ca_params("Test RootCA", t - Duration::days(3650), t + Duration::days(3650)), key(alg));
    let ca = signed_by(ca_params("Test Issuing CA", t - Duration::days(730), t + Duration::days(1825)), key(alg), &root);
    let mut lp = leaf_params("Nguyễn Văn An", t - Duration::days(365), t + Duration::days(365));
    leaf_tweak(&mut lp);
    let leaf = signed_by(lp, key(alg), &ca);
    Pki { root, ca, leaf }
}

/// A complete CRL's parameters (number 1, no issuingDistributionPoint) listing `revoked`
/// (serial, time) for key compromise; sign with `.signed_by(&node.issuer())`.
pub fn crl_params(
    this_update: OffsetDateTime,
    next_update: OffsetDateTime,
    revoked: &[(&[u8], OffsetDateTime)],
) -> CertificateRevocationListParams {
    CertificateRevocationListParams {
        this_update,
        next_update,
        crl_number: SerialNumber::from_slice(&[1]),
        issuing_distribution_point: None,
        revoked_certs: crate::revoked_entries(revoked.iter().copied()),
        key_identifier_method: KeyIdMethod::Sha256,
    }
}

/// [`crl_params`] signed by `issuer`, DER.
pub fn crl(issuer: &Node, this_update: OffsetDateTime, next_update: OffsetDateTime, revoked: &[(&[u8], OffsetDateTime)]) -> Vec<u8> {
    crl_params(this_update, next_update, revoked).signed_by(&issuer.issuer()).expect("signing the CRL").der().to_vec()
}

/// [`crl_params`]-made `params` signed by `issuer`, then changed by `edit` where rcgen has
/// no parameter (extensions of the CRL or of its entries, the inner signature algorithm)
/// and signed again with the issuer's key: DER.
pub fn edited_crl(issuer: &Node, params: CertificateRevocationListParams, edit: impl FnOnce(&mut TbsCertList)) -> Vec<u8> {
    let der = params.signed_by(&issuer.issuer()).expect("signing the CRL").der().to_vec();
    let mut crl = CertificateList::from_der(&der).expect("rcgen's CRL decodes");
    edit(&mut crl.tbs_cert_list);
    let tbs = crl.tbs_cert_list.to_der().expect("the edited tbsCertList encodes");
    let signature = issuer.key.sign(&tbs).expect("signing the edited CRL");
    crl.signature = BitString::from_bytes(&signature).expect("a signature fits a BIT STRING");
    crl.to_der().expect("the edited CRL encodes")
}

/// Flip a bit in the last byte of the DER (inside the signature value).
pub fn corrupt_signature(der: &[u8]) -> Vec<u8> {
    let mut d = der.to_vec();
    if let Some(last) = d.last_mut() {
        *last ^= 0x01;
    }
    d
}
