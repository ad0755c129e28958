//! RFC 3161 timestamps (rules.md V4): signature timestamps (the signature-time-stamp
//! unsigned attribute, imprint over the signature value) and document timestamps
//! (ETSI.RFC3161, imprint over the byte ranges). A token is checked for its own CMS
//! signature, its message imprint, and its TSA certificate (usage, validity, path); only
//! then does its time fix the signing time.

use chain_check::{Certificate, DigestAlg};
use time::OffsetDateTime;

use crate::asn1::{self, Asn1Error};
use crate::cms::{self, SignedData};
use crate::dieu30::{self, Content, Judgement, SignerOutcome};
use crate::oids;
use crate::verdict::{CheckStatus, Msg};

/// The parts of a TSTInfo that matter here.
#[derive(Debug, Clone)]
pub struct TstInfo {
    pub imprint_alg: const_oid::ObjectIdentifier,
    pub imprint: Vec<u8>,
    pub gen_time: OffsetDateTime,
    pub policy: const_oid::ObjectIdentifier,
}

/// Reads a TSTInfo (genTime may carry fractional seconds, which `der` does not accept).
pub fn parse_tst_info(der: &[u8]) -> Result<TstInfo, Asn1Error> {
    let (top, _) = asn1::read_tlv(der)?;
    let mut s = top.children();
    s.require(0x02, "TSTInfo version")?;
    let policy = asn1::oid(&s.require(0x06, "policy")?)?;
    let mi = s.require(0x30, "messageImprint")?;
    let mut m = mi.children();
    let alg = m.require(0x30, "hashAlgorithm")?;
    let imprint_alg = asn1::oid(&alg.children().require(0x06, "hash algorithm")?)?;
    let imprint = m.require(0x04, "hashedMessage")?.value.to_vec();
    s.require(0x02, "serialNumber")?;
    let gt = s.require(0x18, "genTime")?;
    let gen_time = asn1::parse_generalized(gt.value)?;
    Ok(TstInfo { imprint_alg, imprint, gen_time, policy })
}

/// A timestamp token, verified for integrity (not yet for its TSA's trust).
#[derive(Debug, Clone)]
pub struct Token {
    pub sd: Option<SignedData>,
    pub tst: Option<TstInfo>,
    /// The imprint matches the timestamped data.
    pub imprint: Judgement,
    /// The token's own CMS verification.
    pub outcome: Option<SignerOutcome>,
}

impl Token {
    pub fn tsa_cert(&self) -> Option<&Certificate> {
        self.outcome.as_ref().and_then(|o| o.cert.as_ref())
    }

    /// Whether the token itself (signature, digest, attributes, imprint) is sound.
    pub fn intact(&self) -> bool {
        self.imprint.0 == CheckStatus::Pass
            && self.outcome.as_ref().is_some_and(|o| {
                o.digest.0 == CheckStatus::Pass && o.signature.0 == CheckStatus::Pass && o.attributes.0 != CheckStatus::Fail
            })
    }

    /// The first problem of the token itself, or a summary when sound.
    pub fn integrity(&self) -> Judgement {
        if self.imprint.0 != CheckStatus::Pass {
            return self.imprint.clone();
        }
        match &self.outcome {
            None => (CheckStatus::Fail, Msg::new("the timestamp token cannot be verified", "không kiểm tra được dấu thời gian")),
            Some(o) => {
                for j in [&o.digest, &o.attributes, &o.signature] {
                    if matches!(j.0, CheckStatus::Fail | CheckStatus::Indeterminate) {
                        return (j.0, Msg::new(format!("timestamp token: {}", j.1.en), format!("dấu thời gian: {}", j.1.vi)));
                    }
                }
                (CheckStatus::Pass, Msg::new("the token's signature and imprint verify", "chữ ký và giá trị băm của dấu thời gian hợp lệ"))
            }
        }
    }
}

/// The algorithm of a token's message imprint (to hash the file for it in one pass).
pub fn imprint_alg(token_der: &[u8]) -> Option<DigestAlg> {
    let sd = cms::parse_content_info(cms::trim_contents(token_der).ok()?).ok()?;
    let tst = parse_tst_info(sd.econtent.as_deref()?).ok()?;
    DigestAlg::from_oid(&tst.imprint_alg)
}

/// Verifies a token (a DER ContentInfo) whose imprint must be over the `signed` bytes.
pub fn verify_token(token_der: &[u8], signed: &dieu30::SignedBytes<'_>, extra: &[Certificate]) -> Token {
    let fail = |en: String, vi: String| Token { sd: None, tst: None, imprint: (CheckStatus::Fail, Msg::new(en, vi)), outcome: None };
    let der = match cms::trim_contents(token_der) {
        Ok(d) => d,
        Err(e) => return fail(format!("the timestamp token is not DER: {e}"), format!("dấu thời gian không phải DER: {e}")),
    };
    let sd = match cms::parse_content_info(der) {
        Ok(sd) => sd,
        Err(e) => return fail(format!("malformed timestamp token: {e}"), format!("dấu thời gian sai cấu trúc: {e}")),
    };
    if sd.econtent_type != oids::TST_INFO {
        return fail(
            format!("the token's content is {}, not TSTInfo", sd.econtent_type),
            format!("nội dung dấu thời gian là {}, không phải TSTInfo", sd.econtent_type),
        );
    }
    let Some(econtent) = sd.econtent.clone() else {
        return fail("the token has no TSTInfo".into(), "dấu thời gian không có TSTInfo".into());
    };
    let tst = match parse_tst_info(&econtent) {
        Ok(t) => t,
        Err(e) => return fail(format!("malformed TSTInfo: {e}"), format!("TSTInfo sai cấu trúc: {e}")),
    };
    let imprint = match DigestAlg::from_oid(&tst.imprint_alg) {
        Some(alg) if signed.digest(alg) == tst.imprint => {
            (CheckStatus::Pass, Msg::new(format!("the {alg} imprint matches"), format!("giá trị băm {alg} khớp")))
        }
        Some(alg) => (
            CheckStatus::Fail,
            Msg::new(
                format!("the timestamp's {alg} imprint does not match the timestamped data"),
                format!("giá trị băm {alg} trong dấu thời gian không khớp với dữ liệu được đóng dấu"),
            ),
        ),
        None => (
            CheckStatus::Indeterminate,
            Msg::new(
                format!("unsupported imprint algorithm {}", tst.imprint_alg),
                format!("thuật toán băm {} không được hỗ trợ", tst.imprint_alg),
            ),
        ),
    };
    let outcome = match sd.signers.as_slice() {
        [si] => Some(dieu30::verify_signer(&sd, si, Content::Encapsulated, extra, false)),
        _ => None,
    };
    Token { sd: Some(sd), tst: Some(tst), imprint, outcome }
}
