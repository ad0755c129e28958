//! Signature verification for certificates, CRLs, OCSP responses and CMS, through aws-lc-rs.
//!
//! Supported:
//! - RSA PKCS#1 v1.5 with SHA-1/256/384/512, keys of 1024..=8192 bits (SHA-384 needs at
//!   least 2048 bits: aws-lc-rs offers no 1024-bit SHA-384 parameter set);
//! - RSASSA-PSS with SHA-256/384/512, MGF1 with the same hash, keys of 2048..=8192 bits,
//!   salt length equal to the hash length, the maximum, or one of 0, 20, 28, 32, 48, 64;
//! - ECDSA (DER signatures) on P-256 (SHA-1/256/384/512), P-384 (SHA-256/384/512) and
//!   P-521 (SHA-1/256/384/512);
//! - Ed25519.
//!
//! Not supported (reported as [`SignatureError::UnsupportedAlgorithm`]): MD5, SHA-224,
//! RSASSA-PSS with SHA-1 or with an MGF1 hash different from the message hash.

use aws_lc_rs::signature::{self as lc, RsaParameters, RsaPssSaltLength, VerificationAlgorithm};
use der::{asn1::UintRef, Decode, Sequence};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::digest::DigestAlg;
use crate::oids;

/// Why a signature could not be verified. `Invalid` is the only variant that says
/// "the signature is wrong"; every other variant says "could not be checked".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature algorithm is not one this crate verifies.
    #[error("unsupported signature algorithm {alg}")]
    UnsupportedAlgorithm { alg: String },
    /// The algorithm (rsaEncryption or id-ecPublicKey, as CMS often says) does not name a
    /// digest and no digest hint was given.
    #[error("signature algorithm {alg} does not say which digest it uses and none was given")]
    DigestUnknown { alg: String },
    /// The public key is of a kind or curve this crate does not verify with.
    #[error("unsupported public key: {reason}")]
    UnsupportedKey { reason: String },
    /// The public key could not be parsed.
    #[error("malformed public key: {reason}")]
    BadKey { reason: String },
    /// RSA key size outside the accepted range for this algorithm.
    #[error("RSA key of {bits} bits is outside the accepted range {min}..={max} bits")]
    KeySize { bits: usize, min: usize, max: usize },
    /// Key type and signature algorithm do not fit together (e.g. RSA key, ECDSA algorithm).
    #[error("a {key} key cannot verify a {alg} signature")]
    KeyMismatch { key: String, alg: String },
    /// The algorithm parameters (e.g. RSASSA-PSS params) are malformed.
    #[error("malformed signature algorithm parameters: {reason}")]
    BadParameters { reason: String },
    /// The signed structure names one algorithm inside the signed part and another
    /// outside it (RFC 5280 §4.1.1.2 requires them to be equal).
    #[error("signature algorithm inside and outside the signed data differ")]
    AlgorithmMismatch,
    /// The signed part could not be re-encoded for verification.
    #[error("cannot encode the signed data: {reason}")]
    Encoding { reason: String },
    /// The signature does not verify with this key over this message.
    #[error("signature does not verify")]
    Invalid,
}

/// Elliptic curves this crate verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    pub const fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
        }
    }
}

/// What kind of public key a SubjectPublicKeyInfo holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyInfo {
    Rsa { bits: usize },
    Ec { curve: Curve },
    Ed25519,
}

impl std::fmt::Display for KeyInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyInfo::Rsa { bits } => write!(f, "RSA-{bits}"),
            KeyInfo::Ec { curve } => write!(f, "ECDSA {}", curve.name()),
            KeyInfo::Ed25519 => f.write_str("Ed25519"),
        }
    }
}

#[derive(Sequence)]
struct RsaPublicKey<'a> {
    modulus: UintRef<'a>,
    #[allow(dead_code)]
    public_exponent: UintRef<'a>,
}

/// RSASSA-PSS-params (RFC 4055 §3.1). Defaults: SHA-1, MGF1-SHA-1, salt 20, trailer 1.
#[derive(Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    hash: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    mask_gen: Option<AlgorithmIdentifierOwned>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    salt_len: Option<u32>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    trailer: Option<u32>,
}

/// The public key bytes inside the SPKI BIT STRING (no unused bits allowed).
fn key_bytes(spki: &SubjectPublicKeyInfoOwned) -> Result<&[u8], SignatureError> {
    spki.subject_public_key.as_bytes().ok_or_else(|| SignatureError::BadKey { reason: "public key BIT STRING has unused bits".into() })
}

/// Describe the public key in `spki` (kind and size or curve).
pub fn key_info(spki: &SubjectPublicKeyInfoOwned) -> Result<KeyInfo, SignatureError> {
    let oid = spki.algorithm.oid;
    if oid == oids::RSA_ENCRYPTION || oid == oids::RSASSA_PSS {
        let key = RsaPublicKey::from_der(key_bytes(spki)?).map_err(|e| SignatureError::BadKey { reason: format!("RSAPublicKey: {e}") })?;
        let n = key.modulus.as_bytes();
        let bits = match n.first() {
            None => 0,
            Some(first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        };
        Ok(KeyInfo::Rsa { bits })
    } else if oid == oids::EC_PUBLIC_KEY {
        let curve_oid = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok())
            .ok_or_else(|| SignatureError::UnsupportedKey { reason: "EC key without a named curve".into() })?;
        let curve = if curve_oid == oids::SECP256R1 {
            Curve::P256
        } else if curve_oid == oids::SECP384R1 {
            Curve::P384
        } else if curve_oid == oids::SECP521R1 {
            Curve::P521
        } else {
            return Err(SignatureError::UnsupportedKey { reason: format!("EC curve {curve_oid}") });
        };
        Ok(KeyInfo::Ec { curve })
    } else if oid == oids::ED25519 {
        Ok(KeyInfo::Ed25519)
    } else {
        Err(SignatureError::UnsupportedKey { reason: format!("key algorithm {}", alg_name(&oid)) })
    }
}

/// A readable name for a signature/key algorithm OID (falls back to the dotted OID).
pub fn alg_name(oid: &const_oid::ObjectIdentifier) -> String {
    let known: &[(const_oid::ObjectIdentifier, &str)] = &[
        (oids::RSA_ENCRYPTION, "rsaEncryption"),
        (oids::MD5_WITH_RSA, "md5WithRSAEncryption"),
        (oids::SHA1_WITH_RSA, "sha1WithRSAEncryption"),
        (oids::SHA1_WITH_RSA_OIW, "sha1WithRSASignature"),
        (oids::SHA224_WITH_RSA, "sha224WithRSAEncryption"),
        (oids::SHA256_WITH_RSA, "sha256WithRSAEncryption"),
        (oids::SHA384_WITH_RSA, "sha384WithRSAEncryption"),
        (oids::SHA512_WITH_RSA, "sha512WithRSAEncryption"),
        (oids::RSASSA_PSS, "rsassaPss"),
        (oids::EC_PUBLIC_KEY, "id-ecPublicKey"),
        (oids::ECDSA_WITH_SHA1, "ecdsa-with-SHA1"),
        (oids::ECDSA_WITH_SHA256, "ecdsa-with-SHA256"),
        (oids::ECDSA_WITH_SHA384, "ecdsa-with-SHA384"),
        (oids::ECDSA_WITH_SHA512, "ecdsa-with-SHA512"),
        (oids::ED25519, "Ed25519"),
    ];
    known.iter().find(|(o, _)| o == oid).map(|(_, n)| (*n).to_string()).unwrap_or_else(|| oid.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scheme {
    RsaPkcs1(DigestAlg),
    RsaPss { hash: DigestAlg, salt: u32 },
    Ecdsa(DigestAlg),
    Ed25519,
}

fn parse_pss(alg: &AlgorithmIdentifierOwned) -> Result<(DigestAlg, u32), SignatureError> {
    let bad = |reason: String| SignatureError::BadParameters { reason };
    let params: PssParams = match &alg.parameters {
        // Absent parameters mean all defaults (SHA-1); also accept an explicit empty SEQUENCE.
        None => PssParams { hash: None, mask_gen: None, salt_len: None, trailer: None },
        Some(any) => any.decode_as::<PssParams>().map_err(|e| bad(format!("RSASSA-PSS-params: {e}")))?,
    };
    let hash = match &params.hash {
        None => DigestAlg::Sha1,
        Some(h) => DigestAlg::from_oid(&h.oid)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm { alg: format!("rsassaPss with hash {}", h.oid) })?,
    };
    let mgf_hash = match &params.mask_gen {
        None => DigestAlg::Sha1,
        Some(m) => {
            if m.oid != oids::MGF1 {
                return Err(SignatureError::UnsupportedAlgorithm { alg: format!("rsassaPss with mask generation {}", m.oid) });
            }
            let inner = m
                .parameters
                .as_ref()
                .ok_or_else(|| bad("MGF1 without a hash".into()))?
                .decode_as::<AlgorithmIdentifierOwned>()
                .map_err(|e| bad(format!("MGF1 hash: {e}")))?;
            DigestAlg::from_oid(&inner.oid)
                .ok_or_else(|| SignatureError::UnsupportedAlgorithm { alg: format!("rsassaPss with MGF1 hash {}", inner.oid) })?
        }
    };
    if mgf_hash != hash {
        return Err(SignatureError::UnsupportedAlgorithm { alg: format!("rsassaPss with {hash} and MGF1-{mgf_hash}") });
    }
    if params.trailer.unwrap_or(1) != 1 {
        return Err(bad("trailerField is not 1".into()));
    }
    Ok((hash, params.salt_len.unwrap_or(20)))
}

fn scheme_of(alg: &AlgorithmIdentifierOwned, digest_hint: Option<DigestAlg>) -> Result<Scheme, SignatureError> {
    let oid = alg.oid;
    let need_hint = || digest_hint.ok_or_else(|| SignatureError::DigestUnknown { alg: alg_name(&oid) });
    Ok(if oid == oids::SHA1_WITH_RSA || oid == oids::SHA1_WITH_RSA_OIW {
        Scheme::RsaPkcs1(DigestAlg::Sha1)
    } else if oid == oids::SHA256_WITH_RSA {
        Scheme::RsaPkcs1(DigestAlg::Sha256)
    } else if oid == oids::SHA384_WITH_RSA {
        Scheme::RsaPkcs1(DigestAlg::Sha384)
    } else if oid == oids::SHA512_WITH_RSA {
        Scheme::RsaPkcs1(DigestAlg::Sha512)
    } else if oid == oids::RSA_ENCRYPTION {
        Scheme::RsaPkcs1(need_hint()?)
    } else if oid == oids::RSASSA_PSS {
        let (hash, salt) = parse_pss(alg)?;
        Scheme::RsaPss { hash, salt }
    } else if oid == oids::ECDSA_WITH_SHA1 {
        Scheme::Ecdsa(DigestAlg::Sha1)
    } else if oid == oids::ECDSA_WITH_SHA256 {
        Scheme::Ecdsa(DigestAlg::Sha256)
    } else if oid == oids::ECDSA_WITH_SHA384 {
        Scheme::Ecdsa(DigestAlg::Sha384)
    } else if oid == oids::ECDSA_WITH_SHA512 {
        Scheme::Ecdsa(DigestAlg::Sha512)
    } else if oid == oids::EC_PUBLIC_KEY {
        Scheme::Ecdsa(need_hint()?)
    } else if oid == oids::ED25519 {
        Scheme::Ed25519
    } else {
        return Err(SignatureError::UnsupportedAlgorithm { alg: alg_name(&oid) });
    })
}

/// Which digest a signature algorithm uses (None if it does not say, e.g. rsaEncryption,
/// id-ecPublicKey, Ed25519, or an unknown algorithm).
pub fn digest_of(alg: &AlgorithmIdentifierOwned) -> Option<DigestAlg> {
    match scheme_of(alg, None).ok()? {
        Scheme::RsaPkcs1(h) | Scheme::Ecdsa(h) => Some(h),
        Scheme::RsaPss { hash, .. } => Some(hash),
        Scheme::Ed25519 => None,
    }
}

/// The digest a signature effectively used: the algorithm's own, else the hint.
pub fn effective_digest(alg: &AlgorithmIdentifierOwned, digest_hint: Option<DigestAlg>) -> Option<DigestAlg> {
    match scheme_of(alg, digest_hint).ok()? {
        Scheme::RsaPkcs1(h) | Scheme::Ecdsa(h) => Some(h),
        Scheme::RsaPss { hash, .. } => Some(hash),
        Scheme::Ed25519 => None,
    }
}

const RSA_MIN_BITS: usize = 1024;
const RSA_MAX_BITS: usize = 8192;

fn rsa_pkcs1_params(hash: DigestAlg, bits: usize) -> Result<&'static RsaParameters, SignatureError> {
    if !(RSA_MIN_BITS..=RSA_MAX_BITS).contains(&bits) {
        return Err(SignatureError::KeySize { bits, min: RSA_MIN_BITS, max: RSA_MAX_BITS });
    }
    Ok(match hash {
        DigestAlg::Sha1 => &lc::RSA_PKCS1_1024_8192_SHA1_FOR_LEGACY_USE_ONLY,
        DigestAlg::Sha256 => &lc::RSA_PKCS1_1024_8192_SHA256_FOR_LEGACY_USE_ONLY,
        DigestAlg::Sha384 => {
            if bits < 2048 {
                return Err(SignatureError::KeySize { bits, min: 2048, max: RSA_MAX_BITS });
            }
            &lc::RSA_PKCS1_2048_8192_SHA384
        }
        DigestAlg::Sha512 => &lc::RSA_PKCS1_1024_8192_SHA512_FOR_LEGACY_USE_ONLY,
    })
}

macro_rules! pss_with_salt {
    ($base:ident, $salt:expr) => {
        &const { lc::$base.with_pss_salt_length(RsaPssSaltLength::Custom($salt)) }
    };
}

fn rsa_pss_params(hash: DigestAlg, salt: u32, bits: usize) -> Result<&'static RsaParameters, SignatureError> {
    if !(2048..=RSA_MAX_BITS).contains(&bits) {
        return Err(SignatureError::KeySize { bits, min: 2048, max: RSA_MAX_BITS });
    }
    let unsupported = || SignatureError::UnsupportedAlgorithm { alg: format!("rsassaPss with {hash} and salt length {salt}") };
    let salt_usize = salt as usize;
    if salt_usize == hash.output_len() {
        return match hash {
            DigestAlg::Sha256 => Ok(&lc::RSA_PSS_2048_8192_SHA256),
            DigestAlg::Sha384 => Ok(&lc::RSA_PSS_2048_8192_SHA384),
            DigestAlg::Sha512 => Ok(&lc::RSA_PSS_2048_8192_SHA512),
            DigestAlg::Sha1 => Err(unsupported()),
        };
    }
    // Maximum salt: emLen - hLen - 2, emLen = ceil((bits - 1) / 8).
    let em_len = (bits - 1).div_ceil(8);
    if em_len.checked_sub(hash.output_len() + 2) == Some(salt_usize) {
        return match hash {
            DigestAlg::Sha256 => Ok(&const { lc::RSA_PSS_2048_8192_SHA256.with_pss_salt_length(RsaPssSaltLength::Max) }),
            DigestAlg::Sha384 => Ok(&const { lc::RSA_PSS_2048_8192_SHA384.with_pss_salt_length(RsaPssSaltLength::Max) }),
            DigestAlg::Sha512 => Ok(&const { lc::RSA_PSS_2048_8192_SHA512.with_pss_salt_length(RsaPssSaltLength::Max) }),
            DigestAlg::Sha1 => Err(unsupported()),
        };
    }
    Ok(match (hash, salt) {
        (DigestAlg::Sha256, 0) => pss_with_salt!(RSA_PSS_2048_8192_SHA256, 0),
        (DigestAlg::Sha256, 20) => pss_with_salt!(RSA_PSS_2048_8192_SHA256, 20),
        (DigestAlg::Sha256, 28) => pss_with_salt!(RSA_PSS_2048_8192_SHA256, 28),
        (DigestAlg::Sha256, 48) => pss_with_salt!(RSA_PSS_2048_8192_SHA256, 48),
        (DigestAlg::Sha256, 64) => pss_with_salt!(RSA_PSS_2048_8192_SHA256, 64),
        (DigestAlg::Sha384, 0) => pss_with_salt!(RSA_PSS_2048_8192_SHA384, 0),
        (DigestAlg::Sha384, 20) => pss_with_salt!(RSA_PSS_2048_8192_SHA384, 20),
        (DigestAlg::Sha384, 28) => pss_with_salt!(RSA_PSS_2048_8192_SHA384, 28),
        (DigestAlg::Sha384, 32) => pss_with_salt!(RSA_PSS_2048_8192_SHA384, 32),
        (DigestAlg::Sha384, 64) => pss_with_salt!(RSA_PSS_2048_8192_SHA384, 64),
        (DigestAlg::Sha512, 0) => pss_with_salt!(RSA_PSS_2048_8192_SHA512, 0),
        (DigestAlg::Sha512, 20) => pss_with_salt!(RSA_PSS_2048_8192_SHA512, 20),
        (DigestAlg::Sha512, 28) => pss_with_salt!(RSA_PSS_2048_8192_SHA512, 28),
        (DigestAlg::Sha512, 32) => pss_with_salt!(RSA_PSS_2048_8192_SHA512, 32),
        (DigestAlg::Sha512, 48) => pss_with_salt!(RSA_PSS_2048_8192_SHA512, 48),
        _ => return Err(unsupported()),
    })
}

fn ecdsa_alg(curve: Curve, hash: DigestAlg) -> Result<&'static dyn VerificationAlgorithm, SignatureError> {
    Ok(match (curve, hash) {
        (Curve::P256, DigestAlg::Sha1) => &lc::ECDSA_P256_SHA1_ASN1,
        (Curve::P256, DigestAlg::Sha256) => &lc::ECDSA_P256_SHA256_ASN1,
        (Curve::P256, DigestAlg::Sha384) => &lc::ECDSA_P256_SHA384_ASN1,
        (Curve::P256, DigestAlg::Sha512) => &lc::ECDSA_P256_SHA512_ASN1,
        (Curve::P384, DigestAlg::Sha256) => &lc::ECDSA_P384_SHA256_ASN1,
        (Curve::P384, DigestAlg::Sha384) => &lc::ECDSA_P384_SHA384_ASN1,
        (Curve::P384, DigestAlg::Sha512) => &lc::ECDSA_P384_SHA512_ASN1,
        (Curve::P521, DigestAlg::Sha1) => &lc::ECDSA_P521_SHA1_ASN1,
        (Curve::P521, DigestAlg::Sha256) => &lc::ECDSA_P521_SHA256_ASN1,
        (Curve::P521, DigestAlg::Sha384) => &lc::ECDSA_P521_SHA384_ASN1,
        (Curve::P521, DigestAlg::Sha512) => &lc::ECDSA_P521_SHA512_ASN1,
        (Curve::P384, DigestAlg::Sha1) => return Err(SignatureError::UnsupportedAlgorithm { alg: "ECDSA P-384 with SHA-1".into() }),
    })
}

/// Verify `signature` over `message` with the key in `spki` (SubjectPublicKeyInfo).
///
/// `alg` is the signature AlgorithmIdentifier as found in a certificate, CRL, OCSP response or
/// CMS SignerInfo. When it names no digest (CMS often says plain rsaEncryption or
/// id-ecPublicKey), `digest_hint` (the SignerInfo's digestAlgorithm) gives it.
pub fn verify_signature(
    spki: &SubjectPublicKeyInfoOwned,
    alg: &AlgorithmIdentifierOwned,
    digest_hint: Option<DigestAlg>,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let scheme = scheme_of(alg, digest_hint)?;
    let key = key_info(spki)?;
    let mismatch = || SignatureError::KeyMismatch { key: key.to_string(), alg: alg_name(&alg.oid) };
    let verifier: &'static dyn VerificationAlgorithm = match (scheme, key) {
        (Scheme::RsaPkcs1(hash), KeyInfo::Rsa { bits }) => {
            // An RSASSA-PSS-only key (id-RSASSA-PSS SPKI) must not verify PKCS#1 v1.5.
            if spki.algorithm.oid != oids::RSA_ENCRYPTION {
                return Err(mismatch());
            }
            rsa_pkcs1_params(hash, bits)?
        }
        (Scheme::RsaPss { hash, salt }, KeyInfo::Rsa { bits }) => rsa_pss_params(hash, salt, bits)?,
        (Scheme::Ecdsa(hash), KeyInfo::Ec { curve }) => ecdsa_alg(curve, hash)?,
        (Scheme::Ed25519, KeyInfo::Ed25519) => &lc::ED25519,
        _ => return Err(mismatch()),
    };
    let raw_key = key_bytes(spki)?;
    lc::UnparsedPublicKey::new(verifier, raw_key).verify(message, signature).map_err(|_| SignatureError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::asn1::{BitString, OctetString};
    use der::{Any, Encode};

    fn alg(oid: const_oid::ObjectIdentifier) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned { oid, parameters: None }
    }

    #[test]
    fn digest_of_known_algorithms() {
        assert_eq!(digest_of(&alg(oids::SHA1_WITH_RSA)), Some(DigestAlg::Sha1));
        assert_eq!(digest_of(&alg(oids::SHA256_WITH_RSA)), Some(DigestAlg::Sha256));
        assert_eq!(digest_of(&alg(oids::ECDSA_WITH_SHA384)), Some(DigestAlg::Sha384));
        assert_eq!(digest_of(&alg(oids::RSA_ENCRYPTION)), None);
        assert_eq!(digest_of(&alg(oids::EC_PUBLIC_KEY)), None);
        assert_eq!(digest_of(&alg(oids::MD5_WITH_RSA)), None);
        // PSS with absent params defaults to SHA-1.
        assert_eq!(digest_of(&alg(oids::RSASSA_PSS)), Some(DigestAlg::Sha1));
    }

    #[test]
    fn pss_params_are_parsed() {
        let sha384 = AlgorithmIdentifierOwned { oid: oids::SHA384, parameters: None };
        let mgf = AlgorithmIdentifierOwned { oid: oids::MGF1, parameters: Some(Any::encode_from(&sha384).unwrap()) };
        let params = PssParams { hash: Some(sha384.clone()), mask_gen: Some(mgf), salt_len: Some(48), trailer: None };
        let a = AlgorithmIdentifierOwned { oid: oids::RSASSA_PSS, parameters: Some(Any::encode_from(&params).unwrap()) };
        assert_eq!(digest_of(&a), Some(DigestAlg::Sha384));
        assert_eq!(parse_pss(&a).unwrap(), (DigestAlg::Sha384, 48));
    }

    #[test]
    fn garbage_never_panics() {
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: alg(oids::RSA_ENCRYPTION),
            subject_public_key: BitString::from_bytes(&[0x30, 0x03, 0x02, 0x01]).unwrap(),
        };
        let r = verify_signature(&spki, &alg(oids::SHA256_WITH_RSA), None, b"m", b"s");
        assert!(matches!(r, Err(SignatureError::BadKey { .. })), "{r:?}");
        let spki = SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned { oid: oids::EC_PUBLIC_KEY, parameters: Some(Any::encode_from(&oids::SECP256R1).unwrap()) },
            subject_public_key: BitString::from_bytes(&[4, 1, 2, 3]).unwrap(),
        };
        let r = verify_signature(&spki, &alg(oids::ECDSA_WITH_SHA256), None, b"m", b"s");
        assert_eq!(r, Err(SignatureError::Invalid));
        let r = verify_signature(&spki, &alg(oids::SHA256_WITH_RSA), None, b"m", b"s");
        assert!(matches!(r, Err(SignatureError::KeyMismatch { .. })), "{r:?}");
        let r = verify_signature(&spki, &alg(oids::EC_PUBLIC_KEY), None, b"m", b"s");
        assert!(matches!(r, Err(SignatureError::DigestUnknown { .. })), "{r:?}");
        // Bad PSS params.
        let a = AlgorithmIdentifierOwned {
            oid: oids::RSASSA_PSS,
            parameters: Some(Any::encode_from(&OctetString::new(vec![1]).unwrap()).unwrap()),
        };
        assert!(matches!(parse_pss(&a), Err(SignatureError::BadParameters { .. })));
        let _ = a.to_der();
    }
}
