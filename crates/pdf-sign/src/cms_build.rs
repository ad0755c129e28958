//! CMS SignedData for a detached PAdES signature (ETSI EN 319 142-1 baseline B-B / B-T),
//! built from the RustCrypto `cms` types around an external message digest.

use chain_check::digest::DigestAlg;
use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{CertificateSet, EncapsulatedContentInfo, SignedData, SignerIdentifier, SignerInfo, SignerInfos};
use const_oid::ObjectIdentifier;
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use x509_cert::attr::Attribute;
use x509_cert::ext::pkix::name::GeneralName;

use crate::keys::{KeyKind, KeySource};
use crate::{tsa, RsaPadding, SignError, SignOptions};

const ID_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SIGNING_CERTIFICATE_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
const ID_SIGNATURE_TIMESTAMP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.14");
const ID_RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const ID_MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");

/// ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT sha256, certHash, issuerSerial OPTIONAL }
#[derive(Clone, Debug, der::Sequence)]
struct EssCertIdV2 {
    #[asn1(optional = "true")]
    hash_algorithm: Option<AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    issuer_serial: IssuerSerial,
}

/// IssuerSerial ::= SEQUENCE { issuer GeneralNames, serialNumber CertificateSerialNumber }
#[derive(Clone, Debug, der::Sequence)]
struct IssuerSerial {
    issuer: Vec<GeneralName>,
    serial_number: x509_cert::serial_number::SerialNumber,
}

/// SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }
#[derive(Clone, Debug, der::Sequence)]
struct SigningCertificateV2 {
    certs: Vec<EssCertIdV2>,
}

/// RSASSA-PSS-params with explicit hash, MGF1 and salt length.
#[derive(Clone, Debug, der::Sequence)]
struct PssParams {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    hash: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT")]
    mgf: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT")]
    salt_length: u32,
}

pub(crate) struct BuiltCms {
    pub der: Vec<u8>,
    pub timestamped: bool,
}

fn internal(e: impl Into<der::Error>) -> SignError {
    SignError::Internal(crate::InternalError::Der(e.into()))
}

fn digest_alg_id(d: DigestAlg) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: d.oid(), parameters: None }
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute, SignError> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(internal)?;
    Ok(Attribute { oid, values })
}

/// How many bytes the DER SignedData may need; the `/Contents` hole gets twice that in hex.
pub(crate) fn estimate_size(key: &dyn KeySource, with_timestamp: bool) -> usize {
    let certs: usize = key.chain().iter().map(|c| c.to_der().map(|d| d.len()).unwrap_or(2048)).sum();
    let signature = match key.kind() {
        KeyKind::Rsa { bits } => bits / 8,
        _ => 120,
    };
    let tsa = if with_timestamp { 8192 } else { 0 };
    certs + signature + 1536 + tsa
}

pub(crate) fn signature_algorithm(kind: KeyKind, digest: DigestAlg, padding: RsaPadding) -> Result<AlgorithmIdentifierOwned, SignError> {
    let oid = |s: &str| ObjectIdentifier::new(s).map_err(internal);
    Ok(match (kind, padding) {
        (KeyKind::Rsa { .. }, RsaPadding::Pkcs1v15) => AlgorithmIdentifierOwned {
            oid: oid(match digest {
                DigestAlg::Sha384 => "1.2.840.113549.1.1.12",
                DigestAlg::Sha512 => "1.2.840.113549.1.1.13",
                _ => "1.2.840.113549.1.1.11",
            })?,
            parameters: Some(Any::null()),
        },
        (KeyKind::Rsa { .. }, RsaPadding::Pss) => {
            let params = PssParams {
                hash: digest_alg_id(digest),
                mgf: AlgorithmIdentifierOwned {
                    oid: ID_MGF1,
                    parameters: Some(Any::encode_from(&digest_alg_id(digest)).map_err(internal)?),
                },
                salt_length: digest.digest(b"").len() as u32,
            };
            AlgorithmIdentifierOwned { oid: ID_RSASSA_PSS, parameters: Some(Any::encode_from(&params).map_err(internal)?) }
        }
        (KeyKind::EcP256 | KeyKind::EcP384, _) => AlgorithmIdentifierOwned {
            oid: oid(match digest {
                DigestAlg::Sha384 => "1.2.840.10045.4.3.3",
                DigestAlg::Sha512 => "1.2.840.10045.4.3.4",
                _ => "1.2.840.10045.4.3.2",
            })?,
            parameters: None,
        },
    })
}

/// Builds the DER ContentInfo(SignedData) for a document whose byte ranges hash to `document_digest`.
pub(crate) fn build(document_digest: &[u8], key: &dyn KeySource, opts: &SignOptions) -> Result<BuiltCms, SignError> {
    let chain = key.chain();
    let signer = chain.first().ok_or(crate::KeyProblem::NoCertificate)?;
    let signer_der = signer.to_der().map_err(internal)?;

    let ess = SigningCertificateV2 {
        certs: vec![EssCertIdV2 {
            hash_algorithm: if opts.digest == DigestAlg::Sha256 { None } else { Some(digest_alg_id(opts.digest)) },
            cert_hash: OctetString::new(opts.digest.digest(&signer_der)).map_err(internal)?,
            issuer_serial: IssuerSerial {
                issuer: vec![GeneralName::DirectoryName(signer.tbs_certificate.issuer.clone())],
                serial_number: signer.tbs_certificate.serial_number.clone(),
            },
        }],
    };

    // PAdES forbids the CMS signing-time attribute; the time is /M in the signature dictionary.
    let mut signed_attrs = SetOfVec::new();
    signed_attrs.insert(attribute(ID_CONTENT_TYPE, Any::encode_from(&ID_DATA).map_err(internal)?)?).map_err(internal)?;
    signed_attrs
        .insert(attribute(ID_MESSAGE_DIGEST, Any::encode_from(&OctetString::new(document_digest).map_err(internal)?).map_err(internal)?)?)
        .map_err(internal)?;
    signed_attrs.insert(attribute(ID_SIGNING_CERTIFICATE_V2, Any::encode_from(&ess).map_err(internal)?)?).map_err(internal)?;

    let to_be_signed = signed_attrs.to_der().map_err(internal)?;
    let signature = key.sign(&to_be_signed, opts.digest, opts.rsa_padding)?;

    let mut timestamped = false;
    let unsigned_attrs = match &opts.tsa_url {
        Some(url) => {
            let token = tsa::request_token(url, &opts.digest.digest(&signature), opts.digest, &opts.http)?;
            let mut set = SetOfVec::new();
            set.insert(attribute(ID_SIGNATURE_TIMESTAMP, Any::from_der(&token).map_err(internal)?)?).map_err(internal)?;
            timestamped = true;
            Some(set)
        }
        None => None,
    };

    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: signer.tbs_certificate.issuer.clone(),
            serial_number: signer.tbs_certificate.serial_number.clone(),
        }),
        digest_alg: digest_alg_id(opts.digest),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: signature_algorithm(key.kind(), opts.digest, opts.rsa_padding)?,
        signature: OctetString::new(signature).map_err(internal)?,
        unsigned_attrs,
    };

    let mut certs = SetOfVec::new();
    for c in chain {
        let choice = CertificateChoices::Certificate(c.clone());
        if !certs.iter().any(|x| x == &choice) {
            certs.insert(choice).map_err(internal)?;
        }
    }
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(digest_alg_id(opts.digest)).map_err(internal)?;
    let mut infos = SetOfVec::new();
    infos.insert(signer_info).map_err(internal)?;

    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo { econtent_type: ID_DATA, econtent: None },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(infos),
    };
    let content_info = ContentInfo { content_type: ID_SIGNED_DATA, content: Any::encode_from(&signed_data).map_err(internal)? };
    Ok(BuiltCms { der: content_info.to_der().map_err(internal)?, timestamped })
}
