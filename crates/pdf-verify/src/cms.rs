//! CMS SignedData (RFC 5652) as found in a signature's `/Contents`, read with the raw
//! bytes of every part kept (see [`crate::asn1`]).

use chain_check::Certificate;
use const_oid::ObjectIdentifier;
use der::Decode;
use spki::AlgorithmIdentifierOwned;

use crate::asn1::{self, Asn1Error, Seq, Tlv};
use crate::oids;

/// One attribute: its type and the raw encodings of its values.
#[derive(Debug, Clone)]
pub struct Attribute {
    pub oid: ObjectIdentifier,
    pub values: Vec<Vec<u8>>,
}

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignerId {
    /// Issuer name (raw DER of the Name) and serial number (INTEGER content octets).
    IssuerSerial {
        issuer: Vec<u8>,
        serial: Vec<u8>,
    },
    SubjectKeyId(Vec<u8>),
}

/// One SignerInfo.
#[derive(Debug, Clone)]
pub struct SignerInfo {
    pub sid: SignerId,
    pub digest_alg: AlgorithmIdentifierOwned,
    /// The signed attributes re-tagged as `SET OF` (0x31): the exact bytes that were signed.
    pub signed_attrs_der: Option<Vec<u8>>,
    pub signed_attrs: Vec<Attribute>,
    pub signature_alg: AlgorithmIdentifierOwned,
    pub signature: Vec<u8>,
    pub unsigned_attrs: Vec<Attribute>,
}

impl SignerInfo {
    pub fn signed_attr(&self, oid: &ObjectIdentifier) -> Option<&Attribute> {
        self.signed_attrs.iter().find(|a| a.oid == *oid)
    }
    pub fn unsigned_attr(&self, oid: &ObjectIdentifier) -> Option<&Attribute> {
        self.unsigned_attrs.iter().find(|a| a.oid == *oid)
    }
    /// How many times a signed attribute occurs (CMS allows each at most once).
    pub fn signed_attr_count(&self, oid: &ObjectIdentifier) -> usize {
        self.signed_attrs.iter().filter(|a| a.oid == *oid).count()
    }
}

/// A parsed SignedData.
#[derive(Debug, Clone)]
pub struct SignedData {
    pub econtent_type: ObjectIdentifier,
    /// Encapsulated content, when present (adbe.pkcs7.sha1, timestamp tokens).
    pub econtent: Option<Vec<u8>>,
    pub certificates: Vec<Certificate>,
    /// Certificates that could not be parsed (counted, not fatal).
    pub bad_certificates: usize,
    /// CRLs (DER CertificateList) from the `crls` field.
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses (DER OCSPResponse) from `crls` as other revocation info.
    pub ocsp_responses: Vec<Vec<u8>>,
    pub signers: Vec<SignerInfo>,
    /// The `digestAlgorithms` set: the algorithms the signers say they used.
    pub digest_algorithms: Vec<ObjectIdentifier>,
}

/// Cuts the zero padding after the DER object in a `/Contents` value.
pub fn trim_contents(contents: &[u8]) -> Result<&[u8], Asn1Error> {
    let len = asn1::first_element_len(contents)?;
    Ok(&contents[..len])
}

/// Parses a ContentInfo holding SignedData.
pub fn parse_content_info(bytes: &[u8]) -> Result<SignedData, Asn1Error> {
    let (ci, _) = asn1::read_tlv(bytes)?;
    if ci.tag != 0x30 {
        return Err(Asn1Error("ContentInfo is not a SEQUENCE".into()));
    }
    let mut s = ci.children();
    let ct = asn1::oid(&s.require(0x06, "contentType")?)?;
    if ct != oids::SIGNED_DATA {
        return Err(Asn1Error(format!("content type is {ct}, not signedData")));
    }
    let explicit = s.require(0xa0, "content")?;
    let mut inner = explicit.children();
    let sd = inner.require(0x30, "SignedData")?;
    parse_signed_data(&sd)
}

fn parse_signed_data(sd: &Tlv<'_>) -> Result<SignedData, Asn1Error> {
    let mut s = sd.children();
    s.require(0x02, "SignedData version")?;
    let mut digest_algorithms = Vec::new();
    for a in s.require(0x31, "digestAlgorithms")?.children().all()? {
        digest_algorithms.push(alg_id(&a, "digestAlgorithms")?.oid);
    }
    let eci = s.require(0x30, "encapContentInfo")?;
    let mut e = eci.children();
    let econtent_type = asn1::oid(&e.require(0x06, "eContentType")?)?;
    let econtent = match e.optional(0xa0)? {
        Some(wrapper) => {
            let mut w = wrapper.children();
            let os = w.next_any()?;
            if os.tag != 0x04 && os.tag != 0x24 {
                return Err(Asn1Error("eContent is not an OCTET STRING".into()));
            }
            Some(os.octets()?)
        }
        None => None,
    };
    let mut certificates = Vec::new();
    let mut bad_certificates = 0;
    if let Some(certs) = s.optional(0xa0)? {
        for c in certs.children().all()? {
            if c.tag == 0x30 {
                match Certificate::from_der(c.raw) {
                    Ok(cert) => certificates.push(cert),
                    Err(_) => bad_certificates += 1,
                }
            }
        }
    }
    let mut crls = Vec::new();
    let mut ocsp_responses = Vec::new();
    if let Some(revs) = s.optional(0xa1)? {
        for r in revs.children().all()? {
            match r.tag {
                0x30 => crls.push(r.raw.to_vec()),
                // OtherRevocationInfoFormat [1] IMPLICIT SEQUENCE { format OID, info ANY }
                0xa1 => {
                    let mut o = r.children();
                    if let Ok(fmt) = o.require(0x06, "otherRevInfoFormat").and_then(|t| asn1::oid(&t)) {
                        if fmt == oids::RI_OCSP_RESPONSE {
                            if let Ok(info) = o.next_any() {
                                ocsp_responses.push(info.raw.to_vec());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let signer_set = s.require(0x31, "signerInfos")?;
    let mut signers = Vec::new();
    for si in signer_set.children().all()? {
        signers.push(parse_signer_info(&si)?);
    }
    Ok(SignedData { econtent_type, econtent, certificates, bad_certificates, crls, ocsp_responses, signers, digest_algorithms })
}

fn alg_id(t: &Tlv<'_>, what: &str) -> Result<AlgorithmIdentifierOwned, Asn1Error> {
    AlgorithmIdentifierOwned::from_der(t.raw).map_err(|e| Asn1Error(format!("{what}: {e}")))
}

fn parse_attributes(set: &Tlv<'_>) -> Result<Vec<Attribute>, Asn1Error> {
    let mut out = Vec::new();
    for a in set.children().all()? {
        if a.tag != 0x30 {
            return Err(Asn1Error("attribute is not a SEQUENCE".into()));
        }
        let mut s = a.children();
        let oid = asn1::oid(&s.require(0x06, "attribute type")?)?;
        let vals = s.require(0x31, "attribute values")?;
        let values = vals.children().all()?.into_iter().map(|v| v.raw.to_vec()).collect();
        out.push(Attribute { oid, values });
    }
    Ok(out)
}

fn parse_signer_info(si: &Tlv<'_>) -> Result<SignerInfo, Asn1Error> {
    if si.tag != 0x30 {
        return Err(Asn1Error("SignerInfo is not a SEQUENCE".into()));
    }
    let mut s = si.children();
    s.require(0x02, "SignerInfo version")?;
    let sid_tlv = s.next_any()?;
    let sid = match sid_tlv.tag {
        0x30 => {
            let mut i = sid_tlv.children();
            let issuer = i.require(0x30, "issuer")?;
            let serial = i.require(0x02, "serialNumber")?;
            SignerId::IssuerSerial { issuer: issuer.raw.to_vec(), serial: serial.value.to_vec() }
        }
        0x80 => SignerId::SubjectKeyId(sid_tlv.value.to_vec()),
        0xa0 => {
            // Constructed encoding of the [0] IMPLICIT OCTET STRING (BER).
            let mut out = Vec::new();
            for seg in sid_tlv.children().all()? {
                out.extend_from_slice(seg.value);
            }
            SignerId::SubjectKeyId(out)
        }
        t => return Err(Asn1Error(format!("unknown signer identifier tag 0x{t:02x}"))),
    };
    let digest_alg = alg_id(&s.require(0x30, "digestAlgorithm")?, "digestAlgorithm")?;
    let (signed_attrs_der, signed_attrs) = match s.optional(0xa0)? {
        Some(sa) => {
            if sa.indefinite {
                return Err(Asn1Error("signed attributes use an indefinite length (not DER)".into()));
            }
            // Signed over as a SET OF: the [0] IMPLICIT tag becomes 0x31 (RFC 5652 §5.4).
            // `raw` holds at least the tag octet, so index 0 exists.
            let mut der = sa.raw.to_vec();
            der[0] = 0x31;
            (Some(der), parse_attributes(&sa)?)
        }
        None => (None, Vec::new()),
    };
    let signature_alg = alg_id(&s.require(0x30, "signatureAlgorithm")?, "signatureAlgorithm")?;
    let sig = s.next_any()?;
    if sig.tag != 0x04 && sig.tag != 0x24 {
        return Err(Asn1Error("signature is not an OCTET STRING".into()));
    }
    let signature = sig.octets()?;
    let unsigned_attrs = match s.optional(0xa1)? {
        Some(ua) => parse_attributes(&ua)?,
        None => Vec::new(),
    };
    Ok(SignerInfo { sid, digest_alg, signed_attrs_der, signed_attrs, signature_alg, signature, unsigned_attrs })
}

impl SignedData {
    /// The certificate a SignerInfo names, among `extra` and this SignedData's own.
    pub fn find_signer_cert<'a>(&'a self, si: &SignerInfo, extra: &'a [Certificate]) -> Option<&'a Certificate> {
        self.certificates.iter().chain(extra.iter()).find(|c| signer_matches(&si.sid, c))
    }
}

/// Whether `cert` is the one `sid` names.
pub fn signer_matches(sid: &SignerId, cert: &Certificate) -> bool {
    match sid {
        SignerId::IssuerSerial { issuer, serial } => {
            let same_serial = strip_int(cert.tbs_certificate.serial_number.as_bytes()) == strip_int(serial);
            same_serial
                && match x509_cert::name::Name::from_der(issuer) {
                    Ok(name) => chain_check::cert::names_match(&name, &cert.tbs_certificate.issuer),
                    Err(_) => false,
                }
        }
        SignerId::SubjectKeyId(ski) => {
            chain_check::cert::subject_key_id(cert).is_some_and(|k| k == *ski)
                || aws_lc_rs::digest::digest(
                    &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
                    cert.tbs_certificate.subject_public_key_info.subject_public_key.raw_bytes(),
                )
                .as_ref()
                    == ski.as_slice()
        }
    }
}

/// INTEGER content octets without leading zero padding (serials are compared by value).
fn strip_int(b: &[u8]) -> &[u8] {
    let mut s = b;
    while s.len() > 1 && s[0] == 0 {
        s = &s[1..];
    }
    s
}

/// Reads an OCTET STRING attribute value (message digest).
pub fn octet_string_value(raw: &[u8]) -> Result<Vec<u8>, Asn1Error> {
    let (t, _) = asn1::read_tlv(raw)?;
    if t.tag != 0x04 && t.tag != 0x24 {
        return Err(Asn1Error("expected an OCTET STRING".into()));
    }
    t.octets()
}

/// Reads an OBJECT IDENTIFIER attribute value (content type).
pub fn oid_value(raw: &[u8]) -> Result<ObjectIdentifier, Asn1Error> {
    let (t, _) = asn1::read_tlv(raw)?;
    asn1::oid(&t)
}

/// Reads a Time attribute value (signing time).
pub fn time_value(raw: &[u8]) -> Result<time::OffsetDateTime, Asn1Error> {
    let (t, _) = asn1::read_tlv(raw)?;
    asn1::time(&t)
}

/// One certificate reference of a signing-certificate(-v2) attribute.
#[derive(Debug, Clone)]
pub struct EssCertId {
    pub hash_alg: Option<chain_check::DigestAlg>,
    pub hash_alg_oid: ObjectIdentifier,
    pub hash: Vec<u8>,
    /// Serial number content octets of the IssuerSerial, when present.
    pub serial: Option<Vec<u8>>,
}

/// Reads SigningCertificate (v1: SHA-1 hashes) or SigningCertificateV2 (hash alg, default SHA-256).
pub fn ess_cert_ids(raw: &[u8], v2: bool) -> Result<Vec<EssCertId>, Asn1Error> {
    let (sc, _) = asn1::read_tlv(raw)?;
    let mut s = sc.children();
    let certs = s.require(0x30, "certs")?;
    let mut out = Vec::new();
    for id in certs.children().all()? {
        let mut i = id.children();
        let (hash_alg_oid, hash_alg) = if v2 && i.rest.first() == Some(&0x30) {
            let alg = alg_id(&i.next_any()?, "hashAlgorithm")?;
            (alg.oid, chain_check::DigestAlg::from_oid(&alg.oid))
        } else if v2 {
            (oids::SHA256, Some(chain_check::DigestAlg::Sha256))
        } else {
            (oids::SHA1, Some(chain_check::DigestAlg::Sha1))
        };
        let hash = i.require(0x04, "certHash")?.value.to_vec();
        let serial = match i.optional(0x30)? {
            Some(is) => {
                let mut iss = is.children();
                iss.require(0x30, "issuer GeneralNames")?;
                Some(iss.require(0x02, "serialNumber")?.value.to_vec())
            }
            None => None,
        };
        out.push(EssCertId { hash_alg, hash_alg_oid, hash, serial });
    }
    Ok(out)
}

/// Checks a certificate against an ESS certificate reference.
pub fn ess_matches(id: &EssCertId, cert_der: &[u8], cert: &Certificate) -> Option<bool> {
    let alg = id.hash_alg?;
    let hash_ok = alg.digest(cert_der) == id.hash;
    let serial_ok = id.serial.as_ref().is_none_or(|s| strip_int(s) == strip_int(cert.tbs_certificate.serial_number.as_bytes()));
    Some(hash_ok && serial_ok)
}

/// Revocation data in Adobe's revocationInfoArchival signed attribute
/// (`SEQUENCE { crl [0] EXPLICIT SEQUENCE OF CRL, ocsp [1] EXPLICIT SEQUENCE OF OCSPResponse, … }`).
pub fn adobe_revocation_info(raw: &[u8]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let mut crls = Vec::new();
    let mut ocsps = Vec::new();
    let Ok((top, _)) = asn1::read_tlv(raw) else {
        return (crls, ocsps);
    };
    let Ok(parts) = top.children().all() else {
        return (crls, ocsps);
    };
    for p in parts {
        let target = match p.tag {
            0xa0 => &mut crls,
            0xa1 => &mut ocsps,
            _ => continue,
        };
        let Ok(mut inner) = p.children().all() else { continue };
        if let Some(seq) = inner.pop() {
            if let Ok(items) = seq.children().all() {
                target.extend(items.into_iter().map(|i| i.raw.to_vec()));
            }
        }
    }
    (crls, ocsps)
}

/// A Seq helper to reach into a TLV given raw bytes.
pub fn seq_of(raw: &[u8]) -> Result<Seq<'_>, Asn1Error> {
    let (t, _) = asn1::read_tlv(raw)?;
    Ok(t.children())
}
