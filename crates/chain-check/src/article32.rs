//! Decree 68/2024/NĐ-CP Điều 32 (rules.md V2): the certification path is valid when every
//! certificate on it, from the signer up to a root the user trusts, passes Điều 31 at the
//! time of interest and each is signed by the next one's key.
//!
//! [`PathBuilder::build`] searches for such a path, rustls-webpki style: depth-first with
//! backtracking over every candidate issuer (same name; candidates whose subjectKeyIdentifier
//! matches the child's authorityKeyIdentifier first), cycle-safe, with a budget on depth and
//! on signature checks so that hostile certificate sets cannot make it run long.
//!
//! What it checks on each CA certificate (issuing CAs and the trust anchor):
//! validity at `at` ([`article31::check_validity`]), CA usage
//! ([`article31::check_usage`] with [`Purpose::CertificateAuthority`]; an X.509 v1 trust
//! anchor without extensions is accepted as a CA), basicConstraints pathLenConstraint, and
//! the signature it made over the certificate below it. The anchor's own self-signature is
//! not checked (it is trusted by being in the store).
//!
//! What it leaves to the caller: the leaf's own Điều 31 checks (validity, usage for its
//! purpose) and revocation ([`crate::revocation`]) of every certificate on the path.
//! Not processed: nameConstraints (rejected when critical, see [`article31`]) and
//! certificate policy trees.

use time::OffsetDateTime;
use x509_cert::Certificate;

use crate::article31::{self, CertProblem, Purpose};
use crate::cert;
use crate::digest::DigestAlg;
use crate::sigalg::{self, SignatureError};
use crate::trust::TrustStore;

/// Limits on the path search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Maximum number of CA certificates above the leaf (issuing CAs plus the anchor).
    pub max_depth: usize,
    /// Maximum number of signature verifications over the whole search.
    pub max_signature_checks: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_depth: 8, max_signature_checks: 64 }
    }
}

/// A certification path that passed Điều 32.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertPath {
    /// Leaf first, trust anchor last. A leaf that is itself a trust anchor gives a path of one.
    pub certs: Vec<Certificate>,
    /// Some certificate on the path (other than the anchor, whose self-signature is not
    /// checked) is signed with a SHA-1 algorithm.
    pub sha1_used: bool,
}

impl CertPath {
    pub fn leaf(&self) -> Option<&Certificate> {
        self.certs.first()
    }

    pub fn anchor(&self) -> Option<&Certificate> {
        self.certs.last()
    }

    /// The issuer of `certs[i]` on this path (None for the anchor).
    pub fn issuer_of(&self, i: usize) -> Option<&Certificate> {
        self.certs.get(i.checked_add(1)?)
    }
}

/// Why no valid path was found. When several candidate paths fail, the most specific
/// reason is reported (see [`PathError::rank`]): e.g. a CA certificate whose signature does
/// not verify gives `BadSignature`, not `NoTrustAnchor`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PathError {
    /// No certificate known (trust store or extra intermediates) issued `subject`.
    /// Indeterminate: the path may exist with certificates we do not have.
    #[error("no trusted path: no known issuer \"{issuer}\" for \"{subject}\"")]
    NoTrustAnchor { subject: String, issuer: String },
    /// The signature on `subject` does not verify with its issuer's key (whose key
    /// identifier matched or was not given). Invalid.
    #[error("the signature on certificate \"{subject}\" does not verify with its issuer's key")]
    BadSignature { subject: String },
    /// A CA on the path fails Điều 31.1.a at the time of interest.
    #[error("CA certificate \"{subject}\" is not valid at the time of interest: {problem}")]
    CaNotValidAtTime { subject: String, problem: CertProblem },
    /// A certificate used as an issuer is not a CA (basicConstraints).
    #[error("certificate \"{subject}\" is used as an issuer but is not a CA")]
    NotACa { subject: String },
    /// A CA on the path fails Điều 31.1.b for issuing certificates (key usage, critical
    /// extension, malformed extension).
    #[error("CA certificate \"{subject}\" may not issue certificates: {problem}")]
    CaUsage { subject: String, problem: CertProblem },
    /// A CA's basicConstraints pathLenConstraint is exceeded.
    #[error("CA certificate \"{subject}\" allows fewer intermediate CAs below it than this path has")]
    PathLenExceeded { subject: String },
    /// `subject` is signed with SHA-1 and the builder does not allow it.
    #[error("certificate \"{subject}\" is signed with SHA-1, which is not allowed here")]
    Sha1NotAllowed { subject: String },
    /// The signature on `subject` uses an algorithm or key this crate cannot verify.
    #[error("cannot verify the signature on certificate \"{subject}\": {reason}")]
    UnsupportedAlgorithm { subject: String, reason: String },
    /// Every candidate path is longer than [`Budget::max_depth`].
    #[error("certification path longer than the allowed depth")]
    DepthExceeded,
    /// The search used up [`Budget::max_signature_checks`].
    #[error("certification path search gave up after too many signature checks")]
    BudgetExceeded,
}

impl PathError {
    /// How specific the error is; the search reports the highest-ranked failure.
    pub fn rank(&self) -> u8 {
        match self {
            PathError::NoTrustAnchor { .. } => 0,
            PathError::DepthExceeded => 1,
            PathError::BudgetExceeded => 2,
            PathError::UnsupportedAlgorithm { .. } => 3,
            PathError::Sha1NotAllowed { .. } => 4,
            PathError::PathLenExceeded { .. } => 5,
            PathError::CaUsage { .. } => 6,
            PathError::NotACa { .. } => 7,
            PathError::CaNotValidAtTime { .. } => 8,
            PathError::BadSignature { .. } => 9,
        }
    }

    /// True when the failure may be due to missing information (unknown issuer, limits,
    /// unsupported algorithm) rather than to something wrong on the path.
    pub fn is_indeterminate(&self) -> bool {
        matches!(
            self,
            PathError::NoTrustAnchor { .. } | PathError::DepthExceeded | PathError::BudgetExceeded | PathError::UnsupportedAlgorithm { .. }
        )
    }
}

/// Builds certification paths from a leaf to a trust anchor.
#[derive(Debug, Clone)]
pub struct PathBuilder<'a> {
    /// Trusted certificates (roots and, for `vgca`, issuing CAs).
    pub trust: &'a TrustStore,
    /// Untrusted certificates that may serve as intermediates (from the CMS
    /// `certificates`, the PDF's DSS, `--certs`).
    pub intermediates: Vec<Certificate>,
    pub budget: Budget,
    /// Accept SHA-1 signatures on certificates of the path (default true: VGCA G1 CAs are
    /// sha1WithRSA until 2030). [`CertPath::sha1_used`] reports it either way.
    pub allow_sha1_on_ca: bool,
}

/// Why a candidate issuer was not taken.
enum Link {
    /// Its key does not verify the child's signature (or cannot be used to check it).
    Signature(PathError),
    /// Its key verifies the child's signature, but it fails as an issuer.
    Issuer(PathError),
    /// The signature budget is used up.
    Budget,
}

struct Candidate<'p> {
    cert: &'p Certificate,
    anchor: bool,
    ski: Option<Vec<u8>>,
}

struct Search<'p> {
    budget: Budget,
    allow_sha1: bool,
    pool: Vec<Candidate<'p>>,
    at: OffsetDateTime,
    sig_checks: usize,
}

fn better(current: Option<PathError>, new: PathError) -> Option<PathError> {
    match current {
        Some(c) if c.rank() >= new.rank() => Some(c),
        _ => Some(new),
    }
}

impl<'a> PathBuilder<'a> {
    pub fn new(trust: &'a TrustStore) -> Self {
        PathBuilder { trust, intermediates: Vec::new(), budget: Budget::default(), allow_sha1_on_ca: true }
    }

    /// Add untrusted intermediate candidates.
    pub fn with_intermediates(mut self, certs: impl IntoIterator<Item = Certificate>) -> Self {
        self.add_intermediates(certs);
        self
    }

    pub fn add_intermediates(&mut self, certs: impl IntoIterator<Item = Certificate>) {
        for c in certs {
            if !self.intermediates.contains(&c) {
                self.intermediates.push(c);
            }
        }
    }

    pub fn with_budget(mut self, budget: Budget) -> Self {
        self.budget = budget;
        self
    }

    pub fn with_sha1_on_ca(mut self, allow: bool) -> Self {
        self.allow_sha1_on_ca = allow;
        self
    }

    /// Find a valid path from `leaf` to a trust anchor at time `at` (see the module docs
    /// for what is and is not checked).
    pub fn build(&self, leaf: &Certificate, at: OffsetDateTime) -> Result<CertPath, PathError> {
        let mut pool: Vec<Candidate<'_>> = Vec::new();
        for c in self.trust.anchors() {
            pool.push(Candidate { cert: c, anchor: true, ski: cert::subject_key_id(c) });
        }
        for c in &self.intermediates {
            if !self.trust.contains(c) {
                pool.push(Candidate { cert: c, anchor: false, ski: cert::subject_key_id(c) });
            }
        }
        let mut search = Search { budget: self.budget, allow_sha1: self.allow_sha1_on_ca, pool, at, sig_checks: 0 };
        let mut chain: Vec<usize> = Vec::new();
        match search.extend(leaf, &mut chain) {
            Ok(()) => {
                let mut certs = Vec::with_capacity(chain.len() + 1);
                certs.push(leaf.clone());
                certs.extend(chain.iter().filter_map(|&i| search.pool.get(i)).map(|c| c.cert.clone()));
                Ok(finish(certs))
            }
            Err(e) => {
                if self.trust.contains(leaf) && !matches!(e, PathError::BudgetExceeded) {
                    Ok(finish(vec![leaf.clone()]))
                } else {
                    Err(e)
                }
            }
        }
    }
}

fn finish(certs: Vec<Certificate>) -> CertPath {
    let n = certs.len();
    let sha1_used = certs.iter().take(n.saturating_sub(1)).any(|c| sigalg::digest_of(&c.signature_algorithm) == Some(DigestAlg::Sha1));
    CertPath { certs, sha1_used }
}

fn is_v1_without_extensions(c: &Certificate) -> bool {
    c.tbs_certificate.version == x509_cert::certificate::Version::V1 && c.tbs_certificate.extensions.is_none()
}

impl<'p> Search<'p> {
    /// Extend `chain` (indices into the pool of the CA certificates above the leaf) from
    /// `child` until it ends in a trust anchor.
    fn extend(&mut self, child: &'p Certificate, chain: &mut Vec<usize>) -> Result<(), PathError> {
        if chain.len() >= self.budget.max_depth {
            return Err(PathError::DepthExceeded);
        }
        let child_aki = cert::authority_key_id(child);
        // (key-id rank, not anchor, index): matching key id first, anchors before intermediates.
        let mut cands: Vec<(u8, bool, usize)> = Vec::new();
        for (i, cand) in self.pool.iter().enumerate() {
            if chain.contains(&i) || std::ptr::eq(cand.cert, child) || cand.cert == child {
                continue;
            }
            if !cert::names_match(&child.tbs_certificate.issuer, &cand.cert.tbs_certificate.subject) {
                continue;
            }
            // Loop detection on (name, key): a re-issued or cross-signed copy of a CA
            // already on the chain adds nothing.
            let repeats = chain.iter().filter_map(|&j| self.pool.get(j)).any(|c| {
                cert::same_key(c.cert, cand.cert) && cert::names_match(&c.cert.tbs_certificate.subject, &cand.cert.tbs_certificate.subject)
            });
            if repeats {
                continue;
            }
            let key_rank = match (&child_aki, &cand.ski) {
                (Some(a), Some(s)) if a == s => 0,
                (Some(_), Some(_)) => 2,
                _ => 1,
            };
            cands.push((key_rank, !cand.anchor, i));
        }
        if cands.is_empty() {
            return Err(PathError::NoTrustAnchor { subject: cert::subject(child), issuer: cert::issuer(child) });
        }
        cands.sort();
        // Failures of candidates that did verify the child's signature (so are its issuer)
        // and failures of the signature check itself, kept apart: a candidate whose key
        // does not verify the child says nothing once another candidate's key does (several
        // CAs may share a name, and without key identifiers we cannot tell them apart).
        let mut best: Option<PathError> = None;
        let mut sig_best: Option<PathError> = None;
        let mut any_sig_ok = false;
        for (key_rank, _, idx) in cands {
            let Some(cand) = self.pool.get(idx) else {
                continue;
            };
            let (cand_cert, cand_anchor) = (cand.cert, cand.anchor);
            match self.check_link(child, cand_cert, cand_anchor, key_rank == 2, chain) {
                Ok(()) => any_sig_ok = true,
                Err(Link::Budget) => return Err(PathError::BudgetExceeded),
                Err(Link::Signature(e)) => {
                    sig_best = better(sig_best, e);
                    continue;
                }
                Err(Link::Issuer(e)) => {
                    any_sig_ok = true;
                    best = better(best, e);
                    continue;
                }
            }
            chain.push(idx);
            if cand_anchor {
                if !cert::is_self_issued(cand_cert) {
                    // A trusted issuing CA: try to reach a trusted root above it. Failing to
                    // do so does not void the path found.
                    let keep = chain.len();
                    if self.extend(cand_cert, chain).is_ok() {
                        return Ok(());
                    }
                    chain.truncate(keep);
                }
                return Ok(());
            }
            match self.extend(cand_cert, chain) {
                Ok(()) => return Ok(()),
                Err(PathError::BudgetExceeded) => return Err(PathError::BudgetExceeded),
                Err(e) => {
                    best = better(best, e);
                    chain.pop();
                }
            }
        }
        let result = if any_sig_ok { best } else { sig_best };
        Err(result.unwrap_or_else(|| PathError::NoTrustAnchor { subject: cert::subject(child), issuer: cert::issuer(child) }))
    }

    /// Can `issuer` (a CA candidate) be the next certificate above `child`? The signature
    /// is checked first, so that a failure can be attributed (see [`Link`]).
    fn check_link(
        &mut self,
        child: &Certificate,
        issuer: &Certificate,
        issuer_is_anchor: bool,
        key_id_mismatch: bool,
        chain: &[usize],
    ) -> Result<(), Link> {
        if !self.allow_sha1 && sigalg::digest_of(&child.signature_algorithm) == Some(DigestAlg::Sha1) {
            return Err(Link::Signature(PathError::Sha1NotAllowed { subject: cert::subject(child) }));
        }
        if self.sig_checks >= self.budget.max_signature_checks {
            return Err(Link::Budget);
        }
        self.sig_checks += 1;
        match cert::verify_issued_by(child, issuer) {
            Ok(()) => {}
            Err(SignatureError::Invalid | SignatureError::AlgorithmMismatch) => {
                return Err(Link::Signature(if key_id_mismatch {
                    // The candidate's key identifier says it is another key of the same
                    // name (e.g. a renewed CA): not evidence of a forged certificate.
                    PathError::NoTrustAnchor { subject: cert::subject(child), issuer: cert::issuer(child) }
                } else {
                    PathError::BadSignature { subject: cert::subject(child) }
                }));
            }
            Err(other) => {
                return Err(Link::Signature(PathError::UnsupportedAlgorithm { subject: cert::subject(child), reason: other.to_string() }))
            }
        }
        article31::check_validity(issuer, self.at)
            .map_err(|problem| Link::Issuer(PathError::CaNotValidAtTime { subject: cert::subject(issuer), problem }))?;
        if issuer_is_anchor && is_v1_without_extensions(issuer) {
            return Ok(());
        }
        match article31::check_usage(issuer, Purpose::CertificateAuthority) {
            Ok(()) => {}
            Err(CertProblem::NotACa { subject }) => return Err(Link::Issuer(PathError::NotACa { subject })),
            Err(problem) => return Err(Link::Issuer(PathError::CaUsage { subject: cert::subject(issuer), problem })),
        }
        if let Ok(Some(bc)) = cert::basic_constraints(issuer) {
            if let Some(max) = bc.path_len_constraint {
                let below = chain.iter().filter_map(|&j| self.pool.get(j)).filter(|c| !cert::is_self_issued(c.cert)).count();
                if below > usize::from(max) {
                    return Err(Link::Issuer(PathError::PathLenExceeded { subject: cert::subject(issuer) }));
                }
            }
        }
        Ok(())
    }
}
