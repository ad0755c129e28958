//! Decree 68/2024/NĐ-CP Điều 31.1.a and 31.1.b on one certificate (rules.md V1 a, b):
//! the time of interest lies inside the validity period, and the certificate fits its
//! scope of use (key usage, extended key usage, basic constraints, critical extensions).
//!
//! Điều 31.1.c (revocation status) is in [`crate::revocation`].

use const_oid::ObjectIdentifier;
use time::OffsetDateTime;
use x509_cert::Certificate;

use crate::cert::{self, CertError};
use crate::oids;

/// What a certificate is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Signing a document (personal or organization signature).
    DocumentSigning,
    /// Issuing certificates (a CA on a certification path).
    CertificateAuthority,
    /// Signing OCSP responses on behalf of a CA (delegated responder).
    OcspSigning,
    /// Signing RFC 3161 timestamps.
    Timestamping,
}

impl Purpose {
    pub const fn name(self) -> &'static str {
        match self {
            Purpose::DocumentSigning => "document signing",
            Purpose::CertificateAuthority => "issuing certificates",
            Purpose::OcspSigning => "OCSP signing",
            Purpose::Timestamping => "timestamping",
        }
    }
}

impl std::fmt::Display for Purpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A time as every message shows it: RFC 3339 in Vietnam's zone, whole seconds
/// (`2026-12-02T12:52:08+07:00`).
pub fn rfc3339(t: &OffsetDateTime) -> String {
    let v = t.to_offset(time::macros::offset!(+7));
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00", v.year(), u8::from(v.month()), v.day(), v.hour(), v.minute(), v.second())
}

/// Why a certificate fails Điều 31.1.a or 31.1.b. Each variant names the certificate's
/// subject (RFC 4514 string) and displays as a one-line English reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertProblem {
    /// 31.1.a: the time of interest is before notBefore.
    #[error("certificate \"{subject}\" is not valid before {}", rfc3339(.not_before))]
    NotYetValid { subject: String, not_before: OffsetDateTime },
    /// 31.1.a: the time of interest is after notAfter.
    #[error("certificate \"{subject}\" expired at {}", rfc3339(.not_after))]
    Expired { subject: String, not_after: OffsetDateTime },
    /// An extension needed for the decision is present but cannot be decoded.
    #[error("certificate \"{subject}\" has a malformed {extension} extension: {reason}")]
    MalformedExtension { subject: String, extension: &'static str, reason: String },
    /// A critical extension this crate does not process (RFC 5280 §4.2: must reject).
    #[error("certificate \"{subject}\" has an unsupported critical extension {oid}")]
    UnsupportedCriticalExtension { subject: String, oid: String },
    /// keyUsage is present and lacks what the purpose needs.
    #[error("certificate \"{subject}\" key usage ({key_usage}) does not allow {purpose}")]
    KeyUsageNotAllowed { subject: String, purpose: Purpose, key_usage: String },
    /// A CA's certificate presented as a document-signing certificate: basicConstraints
    /// cA=TRUE (whatever its keyUsage: a CA key that may also sign is still the provider's,
    /// not a subscriber's, RFC 5280 §4.2.1.9), or keyUsage only keyCertSign/cRLSign.
    #[error("certificate \"{subject}\" is a CA certificate, not a document-signing certificate")]
    CaCertificate { subject: String },
    /// extendedKeyUsage is present and contains no purpose acceptable for document signing.
    #[error("certificate \"{subject}\" extended key usage ({ekus}) does not allow {purpose}")]
    ExtendedKeyUsageNotAllowed { subject: String, purpose: Purpose, ekus: String },
    /// The purpose requires an extended key usage the certificate does not carry.
    #[error("certificate \"{subject}\" lacks extended key usage {required} needed for {purpose}")]
    ExtendedKeyUsageMissing { subject: String, purpose: Purpose, required: &'static str },
    /// Used as a CA but basicConstraints is absent or cA=FALSE.
    #[error("certificate \"{subject}\" is not a CA certificate (basicConstraints cA is not TRUE)")]
    NotACa { subject: String },
    /// None of the certificate's policies is one of those required.
    #[error("certificate \"{subject}\" has none of the required certificate policies (it has: {policies})")]
    PolicyNotAllowed { subject: String, policies: String },
}

impl CertProblem {
    /// The subject of the certificate the problem is about.
    pub fn subject(&self) -> &str {
        match self {
            CertProblem::NotYetValid { subject, .. }
            | CertProblem::Expired { subject, .. }
            | CertProblem::MalformedExtension { subject, .. }
            | CertProblem::UnsupportedCriticalExtension { subject, .. }
            | CertProblem::KeyUsageNotAllowed { subject, .. }
            | CertProblem::CaCertificate { subject }
            | CertProblem::ExtendedKeyUsageNotAllowed { subject, .. }
            | CertProblem::ExtendedKeyUsageMissing { subject, .. }
            | CertProblem::NotACa { subject }
            | CertProblem::PolicyNotAllowed { subject, .. } => subject,
        }
    }
}

fn malformed(c: &Certificate, e: CertError) -> CertProblem {
    match e {
        CertError::MalformedExtension { extension, reason } => {
            CertProblem::MalformedExtension { subject: cert::subject(c), extension, reason }
        }
        other => CertProblem::MalformedExtension { subject: cert::subject(c), extension: "unknown", reason: other.to_string() },
    }
}

/// Điều 31.1.a: `at` lies inside [notBefore, notAfter] (both ends inclusive, RFC 5280 §4.1.2.5).
pub fn check_validity(cert: &Certificate, at: OffsetDateTime) -> Result<(), CertProblem> {
    let nb = cert::not_before(cert);
    let na = cert::not_after(cert);
    if at < nb {
        return Err(CertProblem::NotYetValid { subject: cert::subject(cert), not_before: nb });
    }
    if at > na {
        return Err(CertProblem::Expired { subject: cert::subject(cert), not_after: na });
    }
    Ok(())
}

/// Extensions this crate understands well enough to accept when marked critical.
/// Policy extensions are accepted: they only narrow the policy set, which this crate does
/// not use to grant anything. nameConstraints is NOT accepted (not enforced here).
const KNOWN_CRITICAL: &[ObjectIdentifier] = &[
    oids::EXT_KEY_USAGE,
    oids::EXT_EXTENDED_KEY_USAGE,
    oids::EXT_BASIC_CONSTRAINTS,
    oids::EXT_CERTIFICATE_POLICIES,
    oids::EXT_POLICY_MAPPINGS,
    oids::EXT_POLICY_CONSTRAINTS,
    oids::EXT_INHIBIT_ANY_POLICY,
    oids::EXT_SUBJECT_ALT_NAME,
    oids::EXT_ISSUER_ALT_NAME,
    oids::EXT_SUBJECT_KEY_ID,
    oids::EXT_AUTHORITY_KEY_ID,
    oids::EXT_CRL_DISTRIBUTION_POINTS,
    oids::EXT_FRESHEST_CRL,
    oids::EXT_AUTHORITY_INFO_ACCESS,
    oids::EXT_SUBJECT_DIRECTORY_ATTRIBUTES,
    oids::EXT_PRIVATE_KEY_USAGE_PERIOD,
    oids::EXT_QC_STATEMENTS,
    oids::EXT_OCSP_NOCHECK,
    oids::EXT_MS_CERT_TEMPLATE_NAME,
    oids::EXT_MS_CERT_TEMPLATE_INFO,
    oids::EXT_MS_APPLICATION_POLICIES,
    oids::EXT_NETSCAPE_CERT_TYPE,
];

fn check_critical_extensions(c: &Certificate) -> Result<(), CertProblem> {
    for ext in c.tbs_certificate.extensions.as_deref().unwrap_or(&[]) {
        if ext.critical && !KNOWN_CRITICAL.contains(&ext.extn_id) {
            return Err(CertProblem::UnsupportedCriticalExtension { subject: cert::subject(c), oid: ext.extn_id.to_string() });
        }
    }
    Ok(())
}

fn eku_name(oid: &ObjectIdentifier) -> String {
    let table: &[(ObjectIdentifier, &str)] = &[
        (oids::EKU_ANY, "anyExtendedKeyUsage"),
        (oids::EKU_SERVER_AUTH, "serverAuth"),
        (oids::EKU_CLIENT_AUTH, "clientAuth"),
        (oids::EKU_CODE_SIGNING, "codeSigning"),
        (oids::EKU_EMAIL_PROTECTION, "emailProtection"),
        (oids::EKU_TIME_STAMPING, "timeStamping"),
        (oids::EKU_OCSP_SIGNING, "OCSPSigning"),
        (oids::EKU_DOCUMENT_SIGNING, "documentSigning"),
        (oids::EKU_ADOBE_AUTHENTIC_DOCUMENTS_TRUST, "Adobe authenticDocumentsTrust"),
        (oids::EKU_MS_DOCUMENT_SIGNING, "MS documentSigning"),
    ];
    table.iter().find(|(o, _)| o == oid).map(|(_, n)| (*n).to_string()).unwrap_or_else(|| oid.to_string())
}

/// Extended key usages acceptable for a document-signing certificate. TLS client and
/// server authentication are not among them: a certificate restricted to those may log in
/// to a web site, not sign a document (Điều 31.1.b); one that also carries
/// emailProtection (S/MIME signing, what Vietnamese CAs issue for signing) is accepted.
pub const DOCUMENT_SIGNING_EKUS: &[ObjectIdentifier] = &[
    oids::EKU_ANY,
    oids::EKU_EMAIL_PROTECTION,
    oids::EKU_DOCUMENT_SIGNING,
    oids::EKU_ADOBE_AUTHENTIC_DOCUMENTS_TRUST,
    oids::EKU_MS_DOCUMENT_SIGNING,
];

/// Điều 31.1.b: the certificate fits `purpose`.
///
/// - every critical extension is one this crate understands;
/// - DocumentSigning: keyUsage (if present) has digitalSignature or nonRepudiation
///   (contentCommitment); extendedKeyUsage (if present) contains one of
///   [`DOCUMENT_SIGNING_EKUS`]; not a CA's certificate (basicConstraints cA=TRUE, or
///   keyUsage with only keyCertSign/cRLSign);
/// - CertificateAuthority: basicConstraints cA=TRUE; keyUsage (if present) has keyCertSign;
/// - OcspSigning / Timestamping: extendedKeyUsage contains id-kp-OCSPSigning /
///   id-kp-timeStamping; keyUsage (if present) has digitalSignature or nonRepudiation.
pub fn check_usage(c: &Certificate, purpose: Purpose) -> Result<(), CertProblem> {
    check_critical_extensions(c)?;
    let ku = cert::key_usage(c).map_err(|e| malformed(c, e))?;
    let eku = cert::extended_key_usages(c).map_err(|e| malformed(c, e))?;
    let bc = cert::basic_constraints(c).map_err(|e| malformed(c, e))?;
    let subject = || cert::subject(c);
    let ku_text = |ku: &x509_cert::ext::pkix::KeyUsage| {
        let names = cert::key_usage_names(ku);
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    };
    let signs = |ku: &x509_cert::ext::pkix::KeyUsage| ku.digital_signature() || ku.non_repudiation();
    match purpose {
        Purpose::DocumentSigning => {
            // A CA's key signs certificates, CRLs and OCSP answers for the provider; a
            // document it signs is signed by no subscriber (thuê bao), even where its
            // keyUsage also lists digitalSignature.
            if bc.as_ref().is_some_and(|b| b.ca) {
                return Err(CertProblem::CaCertificate { subject: subject() });
            }
            if let Some(ku) = &ku {
                if !signs(ku) {
                    if ku.key_cert_sign() || ku.crl_sign() {
                        return Err(CertProblem::CaCertificate { subject: subject() });
                    }
                    return Err(CertProblem::KeyUsageNotAllowed { subject: subject(), purpose, key_usage: ku_text(ku) });
                }
            }
            if let Some(ekus) = &eku {
                if !ekus.iter().any(|e| DOCUMENT_SIGNING_EKUS.contains(e)) {
                    return Err(CertProblem::ExtendedKeyUsageNotAllowed {
                        subject: subject(),
                        purpose,
                        ekus: ekus.iter().map(eku_name).collect::<Vec<_>>().join(", "),
                    });
                }
            }
            Ok(())
        }
        Purpose::CertificateAuthority => {
            if !bc.as_ref().is_some_and(|b| b.ca) {
                return Err(CertProblem::NotACa { subject: subject() });
            }
            if let Some(ku) = &ku {
                if !ku.key_cert_sign() {
                    return Err(CertProblem::KeyUsageNotAllowed { subject: subject(), purpose, key_usage: ku_text(ku) });
                }
            }
            Ok(())
        }
        Purpose::OcspSigning | Purpose::Timestamping => {
            let (required_oid, required) = if purpose == Purpose::OcspSigning {
                (oids::EKU_OCSP_SIGNING, "id-kp-OCSPSigning")
            } else {
                (oids::EKU_TIME_STAMPING, "id-kp-timeStamping")
            };
            if !eku.as_ref().is_some_and(|e| e.contains(&required_oid)) {
                return Err(CertProblem::ExtendedKeyUsageMissing { subject: subject(), purpose, required });
            }
            if let Some(ku) = &ku {
                if !signs(ku) {
                    return Err(CertProblem::KeyUsageNotAllowed { subject: subject(), purpose, key_usage: ku_text(ku) });
                }
            }
            Ok(())
        }
    }
}

/// Điều 31.1.b (policy part): the certificate carries one of `allowed` policies (or
/// anyPolicy). An empty `allowed` list accepts everything.
pub fn check_policy(c: &Certificate, allowed: &[ObjectIdentifier]) -> Result<(), CertProblem> {
    if allowed.is_empty() {
        return Ok(());
    }
    let have = cert::policy_oids(c).map_err(|e| malformed(c, e))?;
    if have.iter().any(|p| *p == crate::oids::ANY_POLICY || allowed.contains(p)) {
        return Ok(());
    }
    Err(CertProblem::PolicyNotAllowed {
        subject: cert::subject(c),
        policies: if have.is_empty() { "none".into() } else { have.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ") },
    })
}

/// `oid` is `arc` or an OID below it ("the policy and what it defines").
pub fn policy_within(oid: &ObjectIdentifier, arc: &ObjectIdentifier) -> bool {
    let (o, a) = (oid.as_bytes(), arc.as_bytes());
    // BER arcs: `a` is a prefix of `o` at an arc boundary (the last byte of an arc has
    // its high bit clear).
    o == a || (o.len() > a.len() && o.starts_with(a) && a.last().is_some_and(|b| b & 0x80 == 0))
}

/// Điều 31.1.b (policy part) as a trust profile requires it: the certificate carries one
/// of `required` policies or a policy below one of them. anyPolicy does not satisfy a
/// requirement here (a signer certificate names the policy it was issued under). An empty
/// `required` accepts everything.
pub fn check_required_policies(c: &Certificate, required: &[ObjectIdentifier]) -> Result<(), CertProblem> {
    if required.is_empty() {
        return Ok(());
    }
    let have = cert::policy_oids(c).map_err(|e| malformed(c, e))?;
    if have.iter().any(|p| required.iter().any(|r| policy_within(p, r))) {
        return Ok(());
    }
    Err(CertProblem::PolicyNotAllowed {
        subject: cert::subject(c),
        policies: if have.is_empty() { "none".into() } else { have.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ") },
    })
}

/// Both 31.1.a and 31.1.b; the first problem found.
pub fn check(c: &Certificate, at: OffsetDateTime, purpose: Purpose) -> Result<(), CertProblem> {
    check_validity(c, at)?;
    check_usage(c, purpose)
}

/// Both 31.1.a and 31.1.b; every problem found (for reports).
pub fn problems(c: &Certificate, at: OffsetDateTime, purpose: Purpose) -> Vec<CertProblem> {
    let mut out = Vec::new();
    if let Err(p) = check_validity(c, at) {
        out.push(p);
    }
    if let Err(p) = check_usage(c, purpose) {
        out.push(p);
    }
    out
}
