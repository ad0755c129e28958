//! OCSP evidence (RFC 6960), under the rules in [`crate::revocation`].

use der::asn1::{Null, OctetString};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use time::OffsetDateTime;
use x509_cert::ext::Extension;
use x509_cert::Certificate;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspRequest, OcspResponse, OcspResponseStatus, Request, ResponderId, SingleResponse, TbsRequest,
};

use super::{good_covers, EvidenceProblem, Finding, MalformedEvidence, OcspSignerProblem, RevocationError, SignerRefused, SKEW};
use crate::article31::{self, Purpose};
use crate::digest::DigestAlg;
use crate::{cert, der_util, oids, sigalg};

/// Build a DER OCSPRequest for `cert` (issued by `issuer`) with a SHA-1 CertID (what most
/// responders expect) and, if given, a nonce extension.
pub fn build_request(cert: &Certificate, issuer: &Certificate, nonce: Option<&[u8]>) -> Result<Vec<u8>, RevocationError> {
    let cert_id = cert_id(cert, issuer, DigestAlg::Sha1)?;
    let request_extensions = match nonce {
        None => None,
        Some(n) => {
            let inner = OctetString::new(n).and_then(|o| o.to_der()).map_err(RevocationError::Encode)?;
            Some(vec![Extension {
                extn_id: oids::EXT_OCSP_NONCE,
                critical: false,
                extn_value: OctetString::new(inner).map_err(RevocationError::Encode)?,
            }])
        }
    };
    let req = OcspRequest {
        tbs_request: TbsRequest {
            version: x509_ocsp::Version::V1,
            requestor_name: None,
            request_list: vec![Request { req_cert: cert_id, single_request_extensions: None }],
            request_extensions,
        },
        optional_signature: None,
    };
    req.to_der().map_err(RevocationError::Encode)
}

/// The CertID of `cert` with hash `alg` (issuerNameHash over the issuer's subject DN,
/// issuerKeyHash over the issuer's public key bits).
pub fn cert_id(cert: &Certificate, issuer: &Certificate, alg: DigestAlg) -> Result<CertId, RevocationError> {
    let name_der = issuer.tbs_certificate.subject.to_der().map_err(RevocationError::Encode)?;
    let key = issuer.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned { oid: alg.oid(), parameters: Some(Any::from(Null)) },
        issuer_name_hash: OctetString::new(alg.digest(&name_der)).map_err(RevocationError::Encode)?,
        issuer_key_hash: OctetString::new(alg.digest(key)).map_err(RevocationError::Encode)?,
        serial_number: cert.tbs_certificate.serial_number.clone(),
    })
}

fn cert_id_matches(id: &CertId, cert: &Certificate, issuer: &Certificate) -> bool {
    let Some(alg) = DigestAlg::from_oid(&id.hash_algorithm.oid) else {
        return false;
    };
    if id.serial_number != cert.tbs_certificate.serial_number {
        return false;
    }
    let key = issuer.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
    if id.issuer_key_hash.as_bytes() != alg.digest(key).as_slice() {
        return false;
    }
    // The issuer's DN as written in the issuer certificate or in the certificate itself.
    [&issuer.tbs_certificate.subject, &cert.tbs_certificate.issuer]
        .iter()
        .filter_map(|n| n.to_der().ok())
        .any(|d| id.issuer_name_hash.as_bytes() == alg.digest(&d).as_slice())
}

/// Parse an OCSPResponse and extract the BasicOCSPResponse with the raw bytes of its
/// tbsResponseData.
pub fn parse_response(der: &[u8]) -> Result<(BasicOcspResponse, Vec<u8>), MalformedEvidence> {
    let resp = OcspResponse::from_der(der).map_err(MalformedEvidence::OcspResponse)?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(MalformedEvidence::NotSuccessful(resp.response_status));
    }
    let bytes = resp.response_bytes.ok_or(MalformedEvidence::NoResponseBytes)?;
    if bytes.response_type != oids::OCSP_BASIC {
        return Err(MalformedEvidence::UnsupportedType(bytes.response_type));
    }
    let basic_der = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der).map_err(MalformedEvidence::BasicResponse)?;
    let tbs = der_util::signed_part(basic_der).ok_or(MalformedEvidence::NoTbs)?.to_vec();
    Ok((basic, tbs))
}

/// Certificates included in an OCSP response (e.g. the delegated responder, for the DSS).
pub fn response_certs(der: &[u8]) -> Vec<Certificate> {
    parse_response(der).ok().and_then(|(b, _)| b.certs).unwrap_or_default()
}

fn responder_matches(id: &ResponderId, c: &Certificate) -> bool {
    match id {
        ResponderId::ByName(name) => cert::names_match(name, &c.tbs_certificate.subject),
        ResponderId::ByKey(hash) => {
            let key = c.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes();
            hash.as_bytes() == DigestAlg::Sha1.digest(key).as_slice()
        }
    }
}

/// Verify who signed the response: the issuer itself, or a delegated responder.
fn verify_signer(
    basic: &BasicOcspResponse,
    tbs: &[u8],
    issuer: &Certificate,
    produced_at: OffsetDateTime,
) -> Result<(), OcspSignerProblem> {
    let sig = basic.signature.as_bytes().ok_or(OcspSignerProblem::UnusedBits)?;
    let verify_with =
        |c: &Certificate| sigalg::verify_signature(&c.tbs_certificate.subject_public_key_info, &basic.signature_algorithm, None, tbs, sig);
    if verify_with(issuer).is_ok() {
        return Ok(());
    }
    let rid = &basic.tbs_response_data.responder_id;
    let mut certs: Vec<&Certificate> = basic.certs.as_deref().unwrap_or(&[]).iter().collect();
    // Those matching the responderID first.
    certs.sort_by_key(|c| !responder_matches(rid, c));
    let mut why = vec![SignerRefused::NotIssuerKey];
    for responder in certs {
        let name = cert::subject(responder);
        if verify_with(responder).is_err() {
            why.push(SignerRefused::NotSignedBy(name));
            continue;
        }
        if !cert::issued_by(responder, issuer) {
            why.push(SignerRefused::NotIssuedByIssuer(name));
            continue;
        }
        if let Err(p) = article31::check_usage(responder, Purpose::OcspSigning) {
            why.push(SignerRefused::Usage(p));
            continue;
        }
        if let Err(p) = article31::check_validity(responder, produced_at) {
            why.push(SignerRefused::Validity(p));
            continue;
        }
        return Ok(());
    }
    Err(OcspSignerProblem::NoAuthorisedSigner(why))
}

fn archive_cutoff(single: &SingleResponse, basic: &BasicOcspResponse) -> Option<OffsetDateTime> {
    let exts = single
        .single_extensions
        .as_deref()
        .unwrap_or(&[])
        .iter()
        .chain(basic.tbs_response_data.response_extensions.as_deref().unwrap_or(&[]));
    for ext in exts {
        if ext.extn_id == oids::EXT_OCSP_ARCHIVE_CUTOFF {
            if let Ok(t) = der::asn1::GeneralizedTime::from_der(ext.extn_value.as_bytes()) {
                return Some(der_util::generalized_time(&t));
            }
        }
    }
    None
}

/// What the OCSP response in `der` says about `cert` (issued by `issuer`) at `at`, or why
/// it cannot be used.
pub fn evaluate(
    der: &[u8],
    cert: &Certificate,
    issuer: &Certificate,
    at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<Finding, EvidenceProblem> {
    let (basic, tbs) = parse_response(der)?;
    if basic.tbs_response_data.version != x509_ocsp::Version::V1 {
        return Err(EvidenceProblem::UnsupportedOcspVersion);
    }
    let single = basic
        .tbs_response_data
        .responses
        .iter()
        .find(|s| cert_id_matches(&s.cert_id, cert, issuer))
        .ok_or(EvidenceProblem::CertIdMismatch)?;
    let produced_at = der_util::generalized_time(&basic.tbs_response_data.produced_at.0);
    if produced_at > now + SKEW {
        return Err(EvidenceProblem::Future { what: "producedAt", time: produced_at });
    }
    verify_signer(&basic, &tbs, issuer, produced_at)?;
    let this_update = der_util::generalized_time(&single.this_update.0);
    let next_update = single.next_update.as_ref().map(|t| der_util::generalized_time(&t.0));
    if this_update > now + SKEW {
        return Err(EvidenceProblem::Future { what: "thisUpdate", time: this_update });
    }
    match &single.cert_status {
        CertStatus::Revoked(info) => Ok(Finding::Revoked {
            revoked_at: der_util::generalized_time(&info.revocation_time.0),
            reason: info.revocation_reason.map(|r| super::crl::reason_name(r).to_string()),
            this_update,
        }),
        CertStatus::Unknown(_) => Err(EvidenceProblem::ResponderUnknown),
        CertStatus::Good(_) => {
            good_covers(cert, this_update, next_update, at, archive_cutoff(single, &basic))?;
            Ok(Finding::Good { this_update, next_update })
        }
    }
}
