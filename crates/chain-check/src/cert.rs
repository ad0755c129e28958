//! Certificates: loading (PEM, DER, PKCS#7 bundles) and read-only helpers over
//! [`x509_cert::Certificate`].
//!
//! Extension accessors come in two kinds:
//! - security-relevant ones (`key_usage`, `extended_key_usages`, `basic_constraints`,
//!   `policy_oids`) return `Result`: a present but malformed extension is an error, never
//!   "absent" (an absent keyUsage would mean "any usage");
//! - hints (`ocsp_urls`, `ca_issuer_urls`, `crl_urls`, key identifiers) return empty/None
//!   when the extension is missing or malformed.

use std::path::{Path, PathBuf};

use const_oid::{AssociatedOid, ObjectIdentifier};
use der::{Any, Decode, Encode, Tag, Tagged};
use x509_cert::ext::pkix::{
    name::{DistributionPointName, GeneralName},
    AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage,
    KeyUsage, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
pub use x509_cert::Certificate;

use crate::der_util;
use crate::digest::DigestAlg;
use crate::oids;
use crate::sigalg::{self, SignatureError};

/// Errors while reading certificates or their extensions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CertError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no certificate found")]
    NoCertificate,
    #[error("PEM block {index}: malformed base64")]
    Base64 { index: usize },
    #[error("malformed certificate DER: {0}")]
    Der(#[from] der::Error),
    #[error("{path}: {source}")]
    InFile {
        path: PathBuf,
        #[source]
        source: Box<CertError>,
    },
    /// A present extension could not be decoded (or is duplicated).
    #[error("malformed {extension} extension: {reason}")]
    MalformedExtension { extension: &'static str, reason: String },
}

// ---------------------------------------------------------------------------------------
// Loading

/// Parse one or many certificates from PEM (any number of `CERTIFICATE`, `X509
/// CERTIFICATE`, `TRUSTED CERTIFICATE` or `PKCS7` blocks; other blocks and text are
/// ignored), DER (a certificate or a PKCS#7/CMS SignedData "certs-only" bundle), or bare
/// base64 of either.
pub fn parse_certificates(bytes: &[u8]) -> Result<Vec<Certificate>, CertError> {
    if contains(bytes, b"-----BEGIN ") {
        let mut out = Vec::new();
        for (index, (label, body)) in pem_blocks(bytes).into_iter().enumerate() {
            let der = base64_decode(&body).ok_or(CertError::Base64 { index })?;
            match label {
                b"CERTIFICATE" | b"X509 CERTIFICATE" => out.push(Certificate::from_der(&der)?),
                // OpenSSL's TRUSTED CERTIFICATE is the certificate followed by trust settings.
                b"TRUSTED CERTIFICATE" => {
                    let first = der_util::first_tlv(&der).unwrap_or(&der);
                    out.push(Certificate::from_der(first)?)
                }
                b"PKCS7" | b"CMS" => out.extend(certs_from_pkcs7(&der)?),
                _ => {}
            }
        }
        if out.is_empty() {
            return Err(CertError::NoCertificate);
        }
        return Ok(out);
    }
    let trimmed = trim_ascii(bytes);
    if trimmed.is_empty() {
        return Err(CertError::NoCertificate);
    }
    if trimmed.first() != Some(&0x30) {
        // Maybe bare base64 (some .cer files are PEM without the armour).
        if let Some(der) = base64_decode(trimmed) {
            if der.first() == Some(&0x30) {
                return parse_der(&der);
            }
        }
    }
    parse_der(bytes)
}

fn parse_der(der: &[u8]) -> Result<Vec<Certificate>, CertError> {
    match Certificate::from_der(der) {
        Ok(c) => Ok(vec![c]),
        Err(cert_err) => match certs_from_pkcs7(der) {
            Ok(certs) if !certs.is_empty() => Ok(certs),
            _ => Err(CertError::Der(cert_err)),
        },
    }
}

/// Certificates of a DER ContentInfo holding SignedData (a .p7b/.p7c bundle or a CMS signature).
pub fn certs_from_pkcs7(der: &[u8]) -> Result<Vec<Certificate>, CertError> {
    let ci = cms::content_info::ContentInfo::from_der(der)?;
    if ci.content_type != oids::CMS_SIGNED_DATA {
        return Err(CertError::NoCertificate);
    }
    let sd: cms::signed_data::SignedData = ci.content.decode_as()?;
    let mut out = Vec::new();
    if let Some(set) = sd.certificates {
        for choice in set.0.into_vec() {
            if let cms::cert::CertificateChoices::Certificate(c) = choice {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// Load certificates from files or directories. A directory contributes its files (not
/// recursively) ending in .pem, .crt, .cer, .der, .p7b or .p7c, in name order.
pub fn load_cert_sources(paths: &[PathBuf]) -> Result<Vec<Certificate>, CertError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| CertError::Io { path: path.clone(), source })?;
        if meta.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|source| CertError::Io { path: path.clone(), source })?;
            let mut files = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|source| CertError::Io { path: path.clone(), source })?;
                let p = entry.path();
                if p.is_file() && has_cert_extension(&p) {
                    files.push(p);
                }
            }
            files.sort();
            for f in files {
                out.extend(load_file(&f)?);
            }
        } else {
            out.extend(load_file(path)?);
        }
    }
    Ok(out)
}

fn load_file(path: &Path) -> Result<Vec<Certificate>, CertError> {
    let bytes = std::fs::read(path).map_err(|source| CertError::Io { path: path.to_path_buf(), source })?;
    parse_certificates(&bytes).map_err(|e| CertError::InFile { path: path.to_path_buf(), source: Box::new(e) })
}

fn has_cert_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| matches!(e.to_ascii_lowercase().as_str(), "pem" | "crt" | "cer" | "der" | "p7b" | "p7c"))
        .unwrap_or(false)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn find_from(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |p| p + 1);
    b.get(start..end).unwrap_or(&[])
}

/// (label, base64 body) of each PEM block; headers ("Proc-Type: …") are dropped.
fn pem_blocks(input: &[u8]) -> Vec<(&[u8], Vec<u8>)> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const DASHES: &[u8] = b"-----";
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(b) = find_from(input, BEGIN, pos) {
        let label_start = b + BEGIN.len();
        let Some(label_end) = find_from(input, DASHES, label_start) else {
            break;
        };
        let label = &input[label_start..label_end];
        let body_start = label_end + DASHES.len();
        let mut end_marker = b"-----END ".to_vec();
        end_marker.extend_from_slice(label);
        end_marker.extend_from_slice(DASHES);
        let Some(end) = find_from(input, &end_marker, body_start) else {
            break;
        };
        let body: Vec<u8> = input[body_start..end]
            .split(|c| *c == b'\n')
            .filter(|line| !line.contains(&b':'))
            .flat_map(|line| line.iter().copied())
            .collect();
        out.push((label, body));
        pos = end + end_marker.len();
    }
    out
}

/// Standard base64 (RFC 4648 §4), whitespace ignored, padding optional.
pub(crate) fn base64_decode(input: &[u8]) -> Option<Vec<u8>> {
    use base64ct::{Base64Unpadded, Encoding};
    let compact: Vec<u8> = input.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
    let data_end = compact.iter().rposition(|c| *c != b'=').map_or(0, |p| p + 1);
    let data = compact.get(..data_end)?;
    // Padding only at the end.
    if data.contains(&b'=') {
        return None;
    }
    Base64Unpadded::decode_vec(std::str::from_utf8(data).ok()?).ok()
}

// ---------------------------------------------------------------------------------------
// Names

fn attr_short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    let table: &[(ObjectIdentifier, &str)] = &[
        (oids::AT_COMMON_NAME, "CN"),
        (oids::AT_SURNAME, "SN"),
        (oids::AT_SERIAL_NUMBER, "SERIALNUMBER"),
        (oids::AT_COUNTRY, "C"),
        (oids::AT_LOCALITY, "L"),
        (oids::AT_STATE, "ST"),
        (oids::AT_STREET, "STREET"),
        (oids::AT_ORGANIZATION, "O"),
        (oids::AT_ORGANIZATIONAL_UNIT, "OU"),
        (oids::AT_TITLE, "T"),
        (oids::AT_GIVEN_NAME, "GN"),
        (oids::AT_EMAIL, "E"),
        (oids::AT_UID, "UID"),
        (oids::AT_DOMAIN_COMPONENT, "DC"),
    ];
    table.iter().find(|(o, _)| o == oid).map(|(_, n)| *n)
}

/// Decode a DirectoryString-like attribute value to text. UTF8String is taken as is;
/// PrintableString/IA5String/VisibleString/NumericString/TeletexString as UTF-8 when valid,
/// else Latin-1 (TeletexString often carries UTF-8 in practice); BMPString as UTF-16BE.
pub fn attribute_text(value: &Any) -> Option<String> {
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => std::str::from_utf8(bytes).ok().map(str::to_owned),
        Tag::PrintableString | Tag::Ia5String | Tag::VisibleString | Tag::NumericString | Tag::TeletexString | Tag::VideotexString => {
            Some(match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                Err(_) => bytes.iter().map(|&b| b as char).collect(),
            })
        }
        Tag::BmpString => {
            let chunks = bytes.chunks_exact(2);
            if !chunks.remainder().is_empty() {
                return None;
            }
            let units: Vec<u16> = chunks.map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

fn escape_rfc4514(value: &str, out: &mut String) {
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            '"' | '+' | ',' | ';' | '<' | '>' | '\\' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '\0'..='\x1f' | '\x7f' => out.push_str(&format!("\\{:02x}", c as u32)),
            _ => out.push(c),
        }
    }
}

/// A distinguished name as an RFC 4514 string (most specific RDN first, e.g.
/// `CN=Nguyễn Văn An,O=Ban Cơ yếu Chính phủ,C=VN`), Vietnamese text kept as UTF-8.
/// Unknown attribute types are shown as dotted OIDs, undecodable values as `#hex` DER.
pub fn name_to_string(name: &Name) -> String {
    let mut out = String::new();
    for (i, rdn) in name.0.iter().rev().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, atv) in rdn.0.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match attr_short_name(&atv.oid) {
                Some(n) => out.push_str(n),
                None => out.push_str(&atv.oid.to_string()),
            }
            out.push('=');
            match attribute_text(&atv.value) {
                Some(text) => escape_rfc4514(&text, &mut out),
                None => {
                    out.push('#');
                    match atv.value.to_der() {
                        Ok(d) => out.push_str(&hex::encode_upper(&d)),
                        Err(_) => out.push('?'),
                    }
                }
            }
        }
    }
    out
}

/// All values of one attribute type in a name, in DER order (least specific first).
pub fn name_attribute(name: &Name, attr: &ObjectIdentifier) -> Vec<String> {
    name.0.iter().flat_map(|rdn| rdn.0.iter()).filter(|atv| atv.oid == *attr).filter_map(|atv| attribute_text(&atv.value)).collect()
}

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// RFC 5280 §7.1 name matching, simplified: equal DER, or the same RDN structure with
/// attribute values equal after whitespace folding and case folding (so that a
/// PrintableString in one certificate matches a UTF8String in another).
pub fn names_match(a: &Name, b: &Name) -> bool {
    if a == b {
        return true;
    }
    if a.0.len() != b.0.len() {
        return false;
    }
    a.0.iter().zip(b.0.iter()).all(|(ra, rb)| {
        if ra.0.len() != rb.0.len() {
            return false;
        }
        let key = |atv: &x509_cert::attr::AttributeTypeAndValue| {
            let v = match attribute_text(&atv.value) {
                Some(t) => normalize(&t).into_bytes(),
                None => atv.value.to_der().unwrap_or_default(),
            };
            (atv.oid.as_bytes().to_vec(), v)
        };
        let mut ka: Vec<_> = ra.0.iter().map(key).collect();
        let mut kb: Vec<_> = rb.0.iter().map(key).collect();
        ka.sort();
        kb.sort();
        ka == kb
    })
}

/// Subject as an RFC 4514 string.
pub fn subject(cert: &Certificate) -> String {
    name_to_string(&cert.tbs_certificate.subject)
}

/// Issuer as an RFC 4514 string.
pub fn issuer(cert: &Certificate) -> String {
    name_to_string(&cert.tbs_certificate.issuer)
}

/// The subject's (most specific) common name.
pub fn common_name(cert: &Certificate) -> Option<String> {
    name_attribute(&cert.tbs_certificate.subject, &oids::AT_COMMON_NAME).pop()
}

/// Values of one subject attribute (e.g. [`oids::AT_ORGANIZATION`]).
pub fn subject_attribute(cert: &Certificate, attr: &ObjectIdentifier) -> Vec<String> {
    name_attribute(&cert.tbs_certificate.subject, attr)
}

// ---------------------------------------------------------------------------------------
// Simple fields

/// Serial number as upper-case hex (big-endian, leading zero bytes as encoded).
pub fn serial_hex(cert: &Certificate) -> String {
    hex::encode_upper(cert.tbs_certificate.serial_number.as_bytes())
}

pub fn not_before(cert: &Certificate) -> time::OffsetDateTime {
    der_util::x509_time(&cert.tbs_certificate.validity.not_before)
}

pub fn not_after(cert: &Certificate) -> time::OffsetDateTime {
    der_util::x509_time(&cert.tbs_certificate.validity.not_after)
}

/// DER encoding of the certificate (re-encoded from the parsed form; x509-cert only parses
/// DER, so this equals the input bytes).
pub fn to_der(cert: &Certificate) -> Result<Vec<u8>, CertError> {
    Ok(cert.to_der()?)
}

/// SHA-256 over the DER certificate.
pub fn sha256_fingerprint(cert: &Certificate) -> Result<[u8; 32], CertError> {
    let d = DigestAlg::Sha256.digest(&cert.to_der()?);
    let mut out = [0u8; 32];
    // SHA-256 output is always 32 bytes, so the lengths match and this cannot panic.
    out.copy_from_slice(&d);
    Ok(out)
}

/// SHA-256 fingerprint as upper-case hex (the form used in `trust/MANIFEST.tsv`).
pub fn sha256_fingerprint_hex(cert: &Certificate) -> Result<String, CertError> {
    Ok(hex::encode_upper(sha256_fingerprint(cert)?))
}

// ---------------------------------------------------------------------------------------
// Extensions

fn get_ext<'a, T: Decode<'a> + AssociatedOid>(cert: &'a Certificate, name: &'static str) -> Result<Option<(bool, T)>, CertError> {
    cert.tbs_certificate.get::<T>().map_err(|e| CertError::MalformedExtension { extension: name, reason: e.to_string() })
}

/// keyUsage, or None when absent.
pub fn key_usage(cert: &Certificate) -> Result<Option<KeyUsage>, CertError> {
    Ok(get_ext::<KeyUsage>(cert, "keyUsage")?.map(|(_, ku)| ku))
}

/// Names of the key usage bits that are set, e.g. `["digitalSignature", "nonRepudiation"]`.
pub fn key_usage_names(ku: &KeyUsage) -> Vec<&'static str> {
    let all = [
        (ku.digital_signature(), "digitalSignature"),
        (ku.non_repudiation(), "nonRepudiation"),
        (ku.key_encipherment(), "keyEncipherment"),
        (ku.data_encipherment(), "dataEncipherment"),
        (ku.key_agreement(), "keyAgreement"),
        (ku.key_cert_sign(), "keyCertSign"),
        (ku.crl_sign(), "cRLSign"),
        (ku.encipher_only(), "encipherOnly"),
        (ku.decipher_only(), "decipherOnly"),
    ];
    all.iter().filter(|(set, _)| *set).map(|(_, n)| *n).collect()
}

/// extendedKeyUsage purposes, or None when absent.
pub fn extended_key_usages(cert: &Certificate) -> Result<Option<Vec<ObjectIdentifier>>, CertError> {
    Ok(get_ext::<ExtendedKeyUsage>(cert, "extendedKeyUsage")?.map(|(_, eku)| eku.0))
}

/// basicConstraints, or None when absent.
pub fn basic_constraints(cert: &Certificate) -> Result<Option<BasicConstraints>, CertError> {
    Ok(get_ext::<BasicConstraints>(cert, "basicConstraints")?.map(|(_, bc)| bc))
}

/// basicConstraints says cA=TRUE (false when absent or malformed).
pub fn is_ca(cert: &Certificate) -> bool {
    matches!(basic_constraints(cert), Ok(Some(bc)) if bc.ca)
}

/// Certificate policy OIDs (empty when the extension is absent).
pub fn policy_oids(cert: &Certificate) -> Result<Vec<ObjectIdentifier>, CertError> {
    Ok(get_ext::<CertificatePolicies>(cert, "certificatePolicies")?
        .map(|(_, p)| p.0.into_iter().map(|pi| pi.policy_identifier).collect())
        .unwrap_or_default())
}

fn aia_urls(cert: &Certificate, method: ObjectIdentifier) -> Vec<String> {
    let Ok(Some((_, aia))) = cert.tbs_certificate.get::<AuthorityInfoAccessSyntax>() else {
        return Vec::new();
    };
    aia.0
        .into_iter()
        .filter(|ad| ad.access_method == method)
        .filter_map(|ad| match ad.access_location {
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            _ => None,
        })
        .collect()
}

/// OCSP responder URLs from authorityInfoAccess.
pub fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    aia_urls(cert, oids::AD_OCSP)
}

/// CA certificate URLs (caIssuers) from authorityInfoAccess.
pub fn ca_issuer_urls(cert: &Certificate) -> Vec<String> {
    aia_urls(cert, oids::AD_CA_ISSUERS)
}

/// URIs from the full names of cRLDistributionPoints.
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let Ok(Some((_, cdp))) = cert.tbs_certificate.get::<CrlDistributionPoints>() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for dp in cdp.0 {
        if let Some(DistributionPointName::FullName(names)) = dp.distribution_point {
            for n in names {
                if let GeneralName::UniformResourceIdentifier(uri) = n {
                    out.push(uri.to_string());
                }
            }
        }
    }
    out
}

/// subjectKeyIdentifier bytes.
pub fn subject_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    match cert.tbs_certificate.get::<SubjectKeyIdentifier>() {
        Ok(Some((_, ski))) => Some(ski.0.as_bytes().to_vec()),
        _ => None,
    }
}

/// authorityKeyIdentifier keyIdentifier bytes.
pub fn authority_key_id(cert: &Certificate) -> Option<Vec<u8>> {
    match cert.tbs_certificate.get::<AuthorityKeyIdentifier>() {
        Ok(Some((_, aki))) => aki.key_identifier.map(|k| k.as_bytes().to_vec()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Signatures between certificates

/// Verify that `issuer`'s key signed `cert` (signature only; no name check).
///
/// The TBSCertificate is re-encoded from the parsed form; x509-cert accepts only DER so the
/// bytes are those that were signed (one known exception: a multi-valued RDN whose values
/// were not in DER SET order is re-sorted, and the signature then fails closed).
pub fn verify_issued_by(cert: &Certificate, issuer: &Certificate) -> Result<(), SignatureError> {
    if cert.tbs_certificate.signature != cert.signature_algorithm {
        return Err(SignatureError::AlgorithmMismatch);
    }
    let tbs = cert.tbs_certificate.to_der().map_err(|e| SignatureError::Encoding { reason: e.to_string() })?;
    let sig = cert.signature.as_bytes().ok_or(SignatureError::Invalid)?;
    let key = verified_key(&tbs, cert, sig, issuer);
    if key.as_ref().is_some_and(|k| VERIFIED.lock().is_ok_and(|set| set.contains(k))) {
        return Ok(());
    }
    sigalg::verify_signature(&issuer.tbs_certificate.subject_public_key_info, &cert.signature_algorithm, None, &tbs, sig)?;
    if let (Some(k), Ok(mut set)) = (key, VERIFIED.lock()) {
        if set.len() >= MAX_VERIFIED {
            set.clear();
        }
        set.insert(k);
    }
    Ok(())
}

/// Certificate signatures already verified in this process, by [`verified_key`]: the
/// signatures of a document (or a batch) carry the same chain, and each path check would
/// otherwise verify the same CA signatures again (two RSA operations per signature).
/// Only successes are kept; the key covers every input of the check, so a hit means the
/// same check succeeded before.
static VERIFIED: std::sync::Mutex<std::collections::BTreeSet<[u8; 32]>> = std::sync::Mutex::new(std::collections::BTreeSet::new());
const MAX_VERIFIED: usize = 4096;

/// SHA-256 over what a certificate signature check depends on: the signed bytes, the
/// algorithm, the signature and the issuer's whole SubjectPublicKeyInfo (each length-prefixed).
fn verified_key(tbs: &[u8], cert: &Certificate, sig: &[u8], issuer: &Certificate) -> Option<[u8; 32]> {
    let alg = cert.signature_algorithm.to_der().ok()?;
    let spki = issuer.tbs_certificate.subject_public_key_info.to_der().ok()?;
    let mut h = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    for part in [tbs, &alg, sig, &spki] {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part);
    }
    h.finish().as_ref().try_into().ok()
}

/// `cert`'s issuer name matches `issuer`'s subject and `issuer`'s key verifies `cert`'s signature.
pub fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    names_match(&cert.tbs_certificate.issuer, &issuer.tbs_certificate.subject) && verify_issued_by(cert, issuer).is_ok()
}

/// Subject and issuer names match (no signature check).
pub fn is_self_issued(cert: &Certificate) -> bool {
    names_match(&cert.tbs_certificate.issuer, &cert.tbs_certificate.subject)
}

/// Self-issued and the signature verifies with the certificate's own key.
pub fn is_self_signed(cert: &Certificate) -> bool {
    issued_by(cert, cert)
}

/// The two certificates carry the same public key.
pub fn same_key(a: &Certificate, b: &Certificate) -> bool {
    a.tbs_certificate.subject_public_key_info == b.tbs_certificate.subject_public_key_info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        assert_eq!(base64_decode(b"aGVsbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVs\nbG8").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGVsbA==").unwrap(), b"hell");
        assert!(base64_decode(b"a").is_none());
        assert!(base64_decode(b"aGVs*G8=").is_none());
        assert!(base64_decode(b"aG==VsbG8").is_none());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        for input in [
            &b""[..],
            b"   ",
            b"\x30",
            b"\x30\x82\xff\xff",
            b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
            b"-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----",
            b"-----BEGIN CERTIFICATE-----",
            b"-----BEGIN PRIVATE KEY-----\nMAA=\n-----END PRIVATE KEY-----",
            b"hello world",
        ] {
            assert!(parse_certificates(input).is_err(), "{input:?}");
        }
    }
}
