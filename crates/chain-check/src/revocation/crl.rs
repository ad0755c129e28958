//! CRL evidence (RFC 5280 §5, §6.3), under the rules in [`crate::revocation`].

use const_oid::ObjectIdentifier;
use der::Decode;
use time::OffsetDateTime;
use x509_cert::crl::CertificateList;
use x509_cert::ext::pkix::crl::dp::IssuingDistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{CrlReason, KeyUsage};
use x509_cert::Certificate;

use super::{good_covers, EvidenceProblem, Finding, MalformedEvidence, SKEW};
use crate::{cert, der_util, oids, sigalg};

/// PEM `X509 CRL` to DER; anything else is returned as is.
pub fn to_der(bytes: &[u8]) -> Vec<u8> {
    const BEGIN: &[u8] = b"-----BEGIN X509 CRL-----";
    const END: &[u8] = b"-----END X509 CRL-----";
    let find = |needle: &[u8]| bytes.windows(needle.len()).position(|w| w == needle);
    if let (Some(b), Some(e)) = (find(BEGIN), find(END)) {
        if let Some(body) = bytes.get(b + BEGIN.len()..e) {
            if let Some(der) = cert::base64_decode(body) {
                return der;
            }
        }
    }
    bytes.to_vec()
}

/// Parse a DER CRL.
pub fn parse(der: &[u8]) -> Result<CertificateList, MalformedEvidence> {
    CertificateList::from_der(der).map_err(MalformedEvidence::Crl)
}

/// CRLReason as its RFC 5280 name.
pub fn reason_name(r: CrlReason) -> &'static str {
    match r {
        CrlReason::Unspecified => "unspecified",
        CrlReason::KeyCompromise => "keyCompromise",
        CrlReason::CaCompromise => "cACompromise",
        CrlReason::AffiliationChanged => "affiliationChanged",
        CrlReason::Superseded => "superseded",
        CrlReason::CessationOfOperation => "cessationOfOperation",
        CrlReason::CertificateHold => "certificateHold",
        CrlReason::RemoveFromCRL => "removeFromCRL",
        CrlReason::PrivilegeWithdrawn => "privilegeWithdrawn",
        CrlReason::AaCompromise => "aACompromise",
    }
}

const KNOWN_CRL_EXTS: &[ObjectIdentifier] = &[
    oids::EXT_AUTHORITY_KEY_ID,
    oids::EXT_CRL_NUMBER,
    oids::EXT_ISSUING_DISTRIBUTION_POINT,
    oids::EXT_FRESHEST_CRL,
    oids::EXT_EXPIRED_CERTS_ON_CRL,
    oids::EXT_ISSUER_ALT_NAME,
    oids::EXT_AUTHORITY_INFO_ACCESS,
];
const KNOWN_ENTRY_EXTS: &[ObjectIdentifier] = &[oids::EXT_CRL_REASON, oids::EXT_INVALIDITY_DATE];

fn idp_uris(idp: &IssuingDistributionPoint) -> Vec<String> {
    match &idp.distribution_point {
        Some(DistributionPointName::FullName(names)) => names
            .iter()
            .filter_map(|n| match n {
                GeneralName::UniformResourceIdentifier(u) => Some(u.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What the CRL in `der` says about `cert` (issued by `issuer`) at `at`, or why it cannot be used.
pub fn evaluate(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Finding, EvidenceProblem> {
    let crl = parse(der)?;
    let tbs = &crl.tbs_cert_list;
    if !cert::names_match(&tbs.issuer, &cert.tbs_certificate.issuer) {
        return Err(EvidenceProblem::OtherIssuer { crl_issuer: cert::name_to_string(&tbs.issuer), cert_issuer: cert::issuer(cert) });
    }
    if !cert::names_match(&issuer.tbs_certificate.subject, &cert.tbs_certificate.issuer) {
        return Err(EvidenceProblem::WrongIssuerCert);
    }
    // Signature by the issuer's key.
    if tbs.signature != crl.signature_algorithm {
        return Err(EvidenceProblem::AlgorithmMismatch);
    }
    let signed = der_util::signed_part(der).ok_or(MalformedEvidence::NoTbsCertList)?;
    let sig = crl.signature.as_bytes().ok_or(MalformedEvidence::CrlUnusedBits)?;
    sigalg::verify_signature(&issuer.tbs_certificate.subject_public_key_info, &crl.signature_algorithm, None, signed, sig)
        .map_err(EvidenceProblem::BadSignature)?;
    match issuer.tbs_certificate.get::<KeyUsage>() {
        Ok(Some((_, ku))) if !ku.crl_sign() => return Err(EvidenceProblem::IssuerMayNotSignCrls),
        Err(e) => return Err(EvidenceProblem::IssuerKeyUsage(e)),
        _ => {}
    }
    // Scope.
    let mut expired_kept_since = None;
    for ext in tbs.crl_extensions.as_deref().unwrap_or(&[]) {
        if ext.extn_id == oids::EXT_DELTA_CRL_INDICATOR {
            return Err(EvidenceProblem::DeltaCrl);
        }
        if ext.critical && !KNOWN_CRL_EXTS.contains(&ext.extn_id) {
            return Err(EvidenceProblem::UnsupportedCriticalExtension(ext.extn_id));
        }
        if ext.extn_id == oids::EXT_EXPIRED_CERTS_ON_CRL {
            if let Ok(t) = der::asn1::GeneralizedTime::from_der(ext.extn_value.as_bytes()) {
                expired_kept_since = Some(der_util::generalized_time(&t));
            }
        }
        if ext.extn_id == oids::EXT_ISSUING_DISTRIBUTION_POINT {
            let idp = IssuingDistributionPoint::from_der(ext.extn_value.as_bytes()).map_err(MalformedEvidence::IssuingDistributionPoint)?;
            if idp.indirect_crl {
                return Err(EvidenceProblem::IndirectCrl);
            }
            if idp.only_some_reasons.is_some() || idp.only_contains_attribute_certs {
                return Err(EvidenceProblem::PartialCrl);
            }
            let is_ca = cert::is_ca(cert);
            if idp.only_contains_user_certs && is_ca {
                return Err(EvidenceProblem::OnlyUserCerts);
            }
            if idp.only_contains_ca_certs && !is_ca {
                return Err(EvidenceProblem::OnlyCaCerts);
            }
            let dp = idp_uris(&idp);
            let cdp = cert::crl_urls(cert);
            if !dp.is_empty() && !cdp.is_empty() && !dp.iter().any(|u| cdp.contains(u)) {
                return Err(EvidenceProblem::OtherDistributionPoint);
            }
        }
    }
    // Time.
    let this_update = der_util::x509_time(&tbs.this_update);
    let next_update = tbs.next_update.as_ref().map(der_util::x509_time);
    if this_update > now + SKEW {
        return Err(EvidenceProblem::Future { what: "thisUpdate", time: this_update });
    }
    // Status.
    let serial = &cert.tbs_certificate.serial_number;
    for entry in tbs.revoked_certificates.as_deref().unwrap_or(&[]) {
        if entry.serial_number != *serial {
            continue;
        }
        let mut reason = None;
        for ext in entry.crl_entry_extensions.as_deref().unwrap_or(&[]) {
            if ext.extn_id == oids::EXT_CERTIFICATE_ISSUER {
                return Err(EvidenceProblem::IndirectCrlEntry);
            }
            if ext.critical && !KNOWN_ENTRY_EXTS.contains(&ext.extn_id) {
                return Err(EvidenceProblem::UnsupportedCriticalEntryExtension(ext.extn_id));
            }
            if ext.extn_id == oids::EXT_CRL_REASON {
                if let Ok(r) = CrlReason::from_der(ext.extn_value.as_bytes()) {
                    reason = Some(reason_name(r).to_string());
                }
            }
        }
        if reason.as_deref() == Some("removeFromCRL") {
            // Only meaningful in delta CRLs (excluded above); treat as not listed.
            continue;
        }
        return Ok(Finding::Revoked { revoked_at: der_util::x509_time(&entry.revocation_date), reason, this_update });
    }
    good_covers(cert, this_update, next_update, at, expired_kept_since)?;
    Ok(Finding::Good { this_update, next_update })
}

/// The CRL's issuer, thisUpdate and nextUpdate, for reports.
pub fn summary(der: &[u8]) -> Result<(String, OffsetDateTime, Option<OffsetDateTime>), MalformedEvidence> {
    let crl = parse(der)?;
    let t = &crl.tbs_cert_list;
    Ok((cert::name_to_string(&t.issuer), der_util::x509_time(&t.this_update), t.next_update.as_ref().map(der_util::x509_time)))
}
