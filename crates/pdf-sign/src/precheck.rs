//! Điều 29: before a signature is created, the signer certificate must pass the same
//! checks a verifier would make (Điều 31: validity, usage, revocation; Điều 32: path).

use chain_check::article31::{self, Purpose};
use chain_check::article32::PathBuilder;
use chain_check::revocation::{self, RevocationSources, RevocationStatus};
use chain_check::trust::TrustStore;
use time::OffsetDateTime;
use x509_cert::Certificate;

use crate::{CertRefusal, PrecheckWarning, SignError};

/// What the pre-checks may use.
pub struct PrecheckOptions {
    pub at: OffsetDateTime,
    /// Anchors to require the chain to reach (`--trust`); without them the chain must
    /// only be complete up to a self-signed root.
    pub trust: Option<TrustStore>,
    /// Ask the CA's OCSP responder / CRL distribution point.
    pub online_revocation: bool,
    pub crls: Vec<Vec<u8>>,
    pub http: chain_check::http::HttpLimits,
}

/// Runs the checks. Returns warnings (e.g. revocation status unreachable); a failed
/// check is an error that names the certificate and the article.
pub fn check_signer(chain: &[Certificate], opts: &PrecheckOptions) -> Result<Vec<PrecheckWarning>, SignError> {
    let leaf = chain.first().ok_or(CertRefusal::NoSigner)?;
    let who = chain_check::cert::subject(leaf);
    article31::check_validity(leaf, opts.at).map_err(|problem| CertRefusal::Signer { article: "Điều 31.1.a", problem })?;
    article31::check_usage(leaf, Purpose::DocumentSigning).map_err(|problem| CertRefusal::Signer { article: "Điều 31.1.b", problem })?;

    // Điều 32: the chain must be complete; with --trust, anchored too.
    let issuer = match &opts.trust {
        Some(store) => {
            let builder = PathBuilder::new(store).with_intermediates(chain[1..].to_vec());
            let path = builder.build(leaf, opts.at).map_err(CertRefusal::Path)?;
            path.certs.get(1).cloned()
        }
        None => {
            for pair in chain.windows(2) {
                if pair[0].tbs_certificate.issuer != pair[1].tbs_certificate.subject {
                    break;
                }
                article31::check_validity(&pair[1], opts.at).map_err(CertRefusal::Ca)?;
            }
            let complete = chain.windows(2).all(|p| p[0].tbs_certificate.issuer == p[1].tbs_certificate.subject)
                && chain.last().is_some_and(|c| c.tbs_certificate.issuer == c.tbs_certificate.subject);
            if !complete {
                return Err(CertRefusal::IncompleteChain { subject: who }.into());
            }
            chain.get(1).cloned()
        }
    };

    let mut warnings = Vec::new();
    if let Some(issuer) = issuer {
        let sources = RevocationSources {
            crls: opts.crls.clone(),
            online: opts.online_revocation,
            limits: opts.http,
            ..RevocationSources::default()
        };
        if opts.online_revocation || !opts.crls.is_empty() {
            match revocation::check(leaf, &issuer, opts.at, &sources) {
                RevocationStatus::Revoked { revoked_at, reason, .. } if revoked_at <= opts.at => {
                    return Err(CertRefusal::Revoked { subject: who, revoked_at, reason }.into());
                }
                RevocationStatus::Unknown { reasons } => warnings.push(PrecheckWarning::RevocationUnknown { subject: who, reasons }),
                _ => {}
            }
        }
    }
    Ok(warnings)
}
