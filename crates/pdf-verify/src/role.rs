//! The role of a signature that vbdt did not make (no `/VBDT_Role`), read from its signer
//! certificate only where the certificate itself states whether its subject is a natural
//! person (a personal signature) or a legal person (an organization's seal).
//!
//! The government PKI's certificates state neither (rules.md, "Trust": an organization
//! certificate's CN is the agency's name, a personal one's CN is a person's name with the
//! agency in O/OU, and the only policy is the PKI-wide 2.16.704.1.1.1.1.1), so their role
//! stays unknown: guessing from names would misread agencies named after people and
//! people's certificates whose CN holds a title. The statements used are the European
//! ones (ETSI EN 319 411-2 policies, EN 319 412-5 QcType, EN 319 412-1 semantics
//! identifiers), which a CA writes precisely to say which kind of subject it certified.
//! Conflicting statements leave the role unknown.

use x509_cert::Certificate;

use crate::asn1::{self, Seq};
use crate::oids::{
    EXT_QC_STATEMENTS, QCP_LEGAL, QCP_LEGAL_QSCD, QCP_NATURAL, QCP_NATURAL_QSCD, QCS_PKIX_SYNTAX_V2, QCS_QC_TYPE, QCT_ESEAL, QCT_ESIGN,
    SEMANTICS_LEGAL, SEMANTICS_NATURAL,
};
use crate::signatures::Role;

/// Statements read from one qcStatements extension at most.
const MAX_STATEMENTS: usize = 64;

/// A role read from a certificate, with the statement that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredRole {
    pub role: Role,
    /// E.g. "ETSI QcType eseal (0.4.0.1862.1.6.2)".
    pub evidence: String,
}

/// Every statement of the certificate about its subject's kind, as (role, evidence).
fn statements(cert: &Certificate) -> Vec<(Role, String)> {
    let mut out = Vec::new();
    if let Ok(policies) = chain_check::cert::policy_oids(cert) {
        for p in policies {
            let role = match p {
                QCP_NATURAL | QCP_NATURAL_QSCD => Role::Personal,
                QCP_LEGAL | QCP_LEGAL_QSCD => Role::Organization,
                _ => continue,
            };
            let name = match p {
                QCP_NATURAL => "QCP-n",
                QCP_NATURAL_QSCD => "QCP-n-qscd",
                QCP_LEGAL => "QCP-l",
                _ => "QCP-l-qscd",
            };
            out.push((role, format!("ETSI policy {name} ({p})")));
        }
    }
    let extensions = cert.tbs_certificate.extensions.as_deref().unwrap_or(&[]);
    for ext in extensions.iter().filter(|e| e.extn_id == EXT_QC_STATEMENTS) {
        // A malformed extension says nothing; the certificate checks report it elsewhere.
        let _ = qc_statements(ext.extn_value.as_bytes(), &mut out);
    }
    out
}

fn qc_statements(der: &[u8], out: &mut Vec<(Role, String)>) -> Result<(), asn1::Asn1Error> {
    let (top, _) = asn1::read_tlv(der)?;
    let mut list = top.children();
    let mut n = 0;
    while !list.is_empty() && n < MAX_STATEMENTS {
        n += 1;
        let statement = list.require(0x30, "QCStatement")?;
        let mut parts = statement.children();
        let id = asn1::oid(&parts.require(0x06, "statementId")?)?;
        let info = if parts.is_empty() { None } else { Some(parts.next_any()?) };
        match (id, info) {
            (QCS_QC_TYPE, Some(info)) if info.tag == 0x30 => {
                let mut types = info.children();
                while !types.is_empty() {
                    let t = asn1::oid(&types.require(0x06, "QcType")?)?;
                    match t {
                        QCT_ESIGN => out.push((Role::Personal, format!("ETSI QcType esign ({t})"))),
                        QCT_ESEAL => out.push((Role::Organization, format!("ETSI QcType eseal ({t})"))),
                        _ => {}
                    }
                }
            }
            (QCS_PKIX_SYNTAX_V2, Some(info)) if info.tag == 0x30 => {
                let mut fields = Seq::new(info.value);
                if let Some(sem) = fields.optional(0x06)? {
                    match asn1::oid(&sem)? {
                        SEMANTICS_NATURAL => {
                            out.push((Role::Personal, format!("ETSI semantics identifier natural person ({SEMANTICS_NATURAL})")))
                        }
                        SEMANTICS_LEGAL => {
                            out.push((Role::Organization, format!("ETSI semantics identifier legal person ({SEMANTICS_LEGAL})")))
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The role the certificate states, when all its statements agree; None otherwise.
pub fn from_certificate(cert: &Certificate) -> Option<InferredRole> {
    let found = statements(cert);
    let first = found.first()?;
    if found.iter().any(|(r, _)| *r != first.0) {
        return None;
    }
    let evidence = found.iter().map(|(_, e)| e.as_str()).collect::<Vec<_>>().join(", ");
    Some(InferredRole { role: first.0, evidence })
}

/// Why a certificate's statements leave the role unknown, when they conflict.
pub fn conflict(cert: &Certificate) -> Option<String> {
    let found = statements(cert);
    let first = found.first()?;
    found.iter().any(|(r, _)| *r != first.0).then(|| found.iter().map(|(_, e)| e.as_str()).collect::<Vec<_>>().join(", "))
}
