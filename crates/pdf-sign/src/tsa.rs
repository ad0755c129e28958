//! RFC 3161 client: asks a timestamp authority for a token over the signature value.

use chain_check::digest::DigestAlg;
use chain_check::http::HttpLimits;
use cms::signed_data::SignedData;
use der::asn1::{Int, OctetString};
use der::{Decode, Encode};
use spki::AlgorithmIdentifier;
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::error::TsaAnswerProblem;
use crate::SignError;

fn tsa_err(url: &str, why: TsaAnswerProblem) -> SignError {
    SignError::Timestamp { url: url.to_string(), problem: crate::error::TsaProblem::BadAnswer(why) }
}

/// Returns the DER TimeStampToken (a ContentInfo) for `imprint`, after checking that the
/// answer is granted and carries our imprint and nonce.
pub(crate) fn request_token(url: &str, imprint: &[u8], digest: DigestAlg, http: &HttpLimits) -> Result<Vec<u8>, SignError> {
    let mut nonce_bytes = [0u8; 12];
    aws_lc_rs::rand::fill(&mut nonce_bytes).map_err(|_| SignError::Internal(crate::InternalError::NoRandomness))?;
    nonce_bytes[0] &= 0x7f; // keep the INTEGER positive
    nonce_bytes[0] |= 0x01; // and free of a leading zero byte
    let nonce = Int::new(&nonce_bytes).map_err(internal)?;
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: AlgorithmIdentifier { oid: digest.oid(), parameters: None },
            hashed_message: OctetString::new(imprint).map_err(internal)?,
        },
        req_policy: None,
        nonce: Some(nonce.clone()),
        cert_req: true,
        extensions: None,
    };
    let body = request.to_der().map_err(internal)?;
    let answer = chain_check::http::post(url, "application/timestamp-query", &body, http)
        .map_err(|e| SignError::Timestamp { url: url.to_string(), problem: crate::error::TsaProblem::Unreachable(e) })?;
    let response = TimeStampResp::from_der(&answer).map_err(|e| tsa_err(url, TsaAnswerProblem::NotResponse(e)))?;
    // PKIStatus granted(0) or grantedWithMods(1).
    let status = response.status.status as u32;
    if status > 1 {
        return Err(SignError::Timestamp { url: url.to_string(), problem: crate::error::TsaProblem::Refused(status) });
    }
    let token = response.time_stamp_token.ok_or_else(|| tsa_err(url, TsaAnswerProblem::NoToken))?;
    let signed: SignedData = token.content.decode_as().map_err(|e| tsa_err(url, TsaAnswerProblem::NotSignedData(e)))?;
    let econtent = signed.encap_content_info.econtent.ok_or_else(|| tsa_err(url, TsaAnswerProblem::NoTstInfo))?;
    let tst_der = econtent.decode_as::<OctetString>().map_err(|e| tsa_err(url, TsaAnswerProblem::TstInfoWrapper(e)))?;
    let tst = TstInfo::from_der(tst_der.as_bytes()).map_err(|e| tsa_err(url, TsaAnswerProblem::TstInfo(e)))?;
    if tst.message_imprint.hashed_message.as_bytes() != imprint || tst.message_imprint.hash_algorithm.oid != digest.oid() {
        return Err(tsa_err(url, TsaAnswerProblem::OtherImprint));
    }
    if tst.nonce.as_ref() != Some(&nonce) {
        return Err(tsa_err(url, TsaAnswerProblem::OtherNonce));
    }
    token.to_der().map_err(internal)
}

fn internal(e: der::Error) -> SignError {
    SignError::Internal(crate::InternalError::Der(e))
}
