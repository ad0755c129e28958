//! Decree 68/2024/NĐ-CP Điều 31.1.c and 31.2 (rules.md V1 c): the certificate's status,
//! checked by CRL or OCSP published by the CA, was "good" at the time of interest.
//!
//! [`check`] looks at, in order: the OCSP responses given (embedded in the CMS or the
//! PDF's DSS), the CRLs given (embedded or `--crl` files), then — only if
//! [`RevocationSources::online`] — OCSP at the certificate's AIA addresses, then the CRLs at
//! its CRL distribution points.
//!
//! # What evidence counts
//!
//! **OCSP** ([`ocsp`]): response status `successful`, type id-pkix-ocsp-basic; a
//! SingleResponse whose CertID matches the certificate (any of SHA-1/256/384/512;
//! issuerNameHash over the issuer's DN, issuerKeyHash over the issuer's public key, same
//! serial); signed by the issuer's own key, or by a delegated responder certificate
//! included in the response that is issued by the issuer (name and signature), carries
//! id-kp-OCSPSigning and is valid at producedAt. The delegated responder's own revocation
//! status is not checked (RFC 6960 id-pkix-ocsp-nocheck practice). A "unknown" status is
//! not evidence.
//!
//! **CRL** ([`crl`]): a complete, direct CRL: issuer name equal to the certificate's
//! issuer, signature by the issuer's key (whose keyUsage, if present, allows cRLSign), no
//! unrecognised critical extension on the CRL or on an entry; delta CRLs, indirect CRLs and
//! CRLs limited to some reasons or attribute certificates are not used; a CRL whose
//! issuingDistributionPoint is for user certificates only (or CA certificates only) is not
//! used for the other kind; a CRL whose issuingDistributionPoint names URIs is used only if
//! one of them is among the certificate's CRL distribution points (when the certificate
//! has any).
//!
//! **Time** (both), with `now` the current clock and a tolerance `SKEW` of 5 minutes:
//! 1. nothing from the future: thisUpdate (and OCSP producedAt) ≤ now + SKEW;
//! 2. *revoked* evidence always counts, whatever `at` is: the result carries
//!    `revoked_at` and the caller decides (revoked after a proven signing time is still
//!    good at that time);
//! 3. *good* evidence counts only if it covers `at`: either it was issued after it
//!    (thisUpdate ≥ at − SKEW: nothing was revoked before `at`), or `at` lies within its
//!    validity (at ≤ nextUpdate + SKEW: the issuer vouches for the status until
//!    nextUpdate). So a CRL or OCSP response whose nextUpdate is past when checking "now"
//!    is stale and ignored, while one produced just after a signing time stays usable
//!    for that signing time forever (long-term validation);
//! 4. *good* evidence issued after the certificate expired does not count — CAs drop
//!    expired certificates from CRLs and OCSP responders may answer "good" for them —
//!    unless the CRL carries expiredCertsOnCRL or the OCSP response an archiveCutoff, at
//!    or before the certificate's notAfter.
//!
//! 5. *good* evidence used for a signing time that only the signer claims (no timestamp,
//!    no proof of existence: [`TimeKind::Claimed`]) must be issued at or after it
//!    (thisUpdate ≥ at − SKEW). A CRL or OCSP response from before a claimed time says
//!    nothing about the days between its issue and the claim, and a back-dated claim
//!    could otherwise pick the old evidence it likes. With a proven time (a timestamp, a
//!    document timestamp over the signature, or the current clock) rule 3 applies as is.
//!
//! # Several pieces of evidence (ETSI EN 319 102-1 §5.2.6)
//!
//! Every source is consulted: embedded and `--crl` evidence, then — if
//! [`RevocationSources::online`] — the OCSP responders, and the CRL distribution points
//! when no responder gave an answer. Then:
//! - a revocation (any reason but certificateHold) found in any trustworthy piece of
//!   evidence decides, whatever "good" other pieces say: a CA does not un-revoke, so an
//!   older "good" (for example one `vbdt ltv` embedded before the revocation) can never
//!   hide it; the earliest revocation time is reported, and the caller compares it with
//!   the time of interest;
//! - a certificateHold decides the same way, unless newer good evidence shows the hold
//!   was lifted and the hold began after the time of interest;
//! - otherwise the newest good evidence decides.
//!
//! certificateHold is reported as `Revoked` with reason "certificateHold".

pub mod crl;
pub mod fetched;
pub mod ocsp;

use std::sync::Arc;

use time::{Duration, OffsetDateTime};
use x509_cert::Certificate;

use crate::cert;
use crate::http::{HttpError, HttpLimits};

/// Vietnam's UTC offset, for the times in messages.
const VN: time::UtcOffset = time::macros::offset!(+7);

/// Clock tolerance used by the time rules above.
pub const SKEW: Duration = Duration::minutes(5);

/// Where revocation evidence may come from.
#[derive(Debug, Clone, Default)]
pub struct RevocationSources {
    /// DER OCSPResponse values (embedded in CMS or the DSS, or saved earlier).
    pub ocsp_responses: Vec<Vec<u8>>,
    /// DER (or PEM) CRLs: embedded or from `--crl` files.
    pub crls: Vec<Vec<u8>>,
    /// Also ask the CA's OCSP responder and CRL distribution points over the network.
    pub online: bool,
    pub limits: HttpLimits,
    /// Online answers shared by every file and thread of a run (and kept on disk), see
    /// [`fetched`]; None: every check asks the network itself.
    pub cache: Option<Arc<fetched::FetchCache>>,
}

/// Where the deciding evidence came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// An OCSP response from [`RevocationSources::ocsp_responses`].
    EmbeddedOcsp,
    /// A CRL from [`RevocationSources::crls`].
    EmbeddedCrl,
    /// An OCSP response fetched from `url` (the certificate's AIA).
    FetchedOcsp { url: String },
    /// A CRL fetched from `url` (the certificate's CRL distribution point).
    FetchedCrl { url: String },
    /// An OCSP response from `url` fetched by an earlier run at `fetched_at`, kept in the
    /// disk cache ([`fetched`]) and checked again as a fresh one.
    CachedOcsp { url: String, fetched_at: OffsetDateTime },
    /// A CRL from `url` fetched by an earlier run at `fetched_at` (as `CachedOcsp`).
    CachedCrl { url: String, fetched_at: OffsetDateTime },
}

impl Source {
    /// Whether the evidence is an OCSP response (else a CRL), wherever it came from.
    pub fn is_ocsp(&self) -> bool {
        match self {
            Source::EmbeddedOcsp | Source::FetchedOcsp { .. } | Source::CachedOcsp { .. } => true,
            Source::EmbeddedCrl | Source::FetchedCrl { .. } | Source::CachedCrl { .. } => false,
        }
    }
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::EmbeddedOcsp => f.write_str("embedded OCSP response"),
            Source::EmbeddedCrl => f.write_str("embedded CRL"),
            Source::FetchedOcsp { url } => write!(f, "OCSP response from {url}"),
            Source::FetchedCrl { url } => write!(f, "CRL from {url}"),
            // Vietnam time, as every time vbdt shows.
            Source::CachedOcsp { url, fetched_at } => {
                write!(f, "OCSP response from {url}, cached (fetched at {})", crate::article31::rfc3339(&fetched_at.to_offset(VN)))
            }
            Source::CachedCrl { url, fetched_at } => {
                write!(f, "CRL from {url}, cached (fetched at {})", crate::article31::rfc3339(&fetched_at.to_offset(VN)))
            }
        }
    }
}

/// The outcome of [`check`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationStatus {
    /// Not revoked at the time of interest, proven by `evidence_der` (a DER OCSPResponse
    /// or CRL, e.g. to embed in the DSS).
    Good { source: Source, this_update: OffsetDateTime, next_update: Option<OffsetDateTime>, evidence_der: Vec<u8> },
    /// Revoked at `revoked_at` (which may be after the time of interest).
    Revoked {
        revoked_at: OffsetDateTime,
        /// CRLReason name, e.g. "keyCompromise".
        reason: Option<String>,
        source: Source,
    },
    /// No usable evidence; `reasons` says why each piece of evidence was not used.
    Unknown { reasons: Vec<Unchecked> },
}

/// Why the revocation status could not be established from one source (or at all).
/// Displays as a one-line English reason; callers render other languages from the data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Unchecked {
    /// Nothing about this certificate: `elsewhere` CRLs were of other issuers.
    #[error("{}", no_evidence_en(*.elsewhere, *.online))]
    NoEvidence { elsewhere: usize, online: bool },
    /// Online checking found no responder or distribution point to ask.
    #[error("the certificate names no OCSP responder and no CRL distribution point")]
    NoSourceNamed,
    /// A response or CRL was there but cannot be used (`what`: e.g. "CRL #1",
    /// "OCSP http://…").
    #[error("{what}: {why}")]
    Unusable { what: String, why: EvidenceProblem },
    /// The responder or distribution point could not be asked.
    #[error("{} {url}: {error}", if *.ocsp { "OCSP" } else { "CRL" })]
    Fetch { ocsp: bool, url: String, error: FetchProblem },
}

/// Why an OCSP response or a CRL does not prove the status at the time of interest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvidenceProblem {
    /// A CRL of another issuer (not a reason worth reporting for this certificate).
    #[error("issued by \"{crl_issuer}\", not by the certificate's issuer \"{cert_issuer}\"")]
    OtherIssuer { crl_issuer: String, cert_issuer: String },
    /// Good evidence issued after the certificate expired (and no expired-certificates-on-CRL / archive cutoff keeps it).
    #[error("issued at {} after the certificate expired ({}); it does not prove the status", crate::article31::rfc3339(.this_update), crate::article31::rfc3339(.not_after))]
    AfterExpiry { this_update: OffsetDateTime, not_after: OffsetDateTime },
    /// Good evidence whose nextUpdate is before the time of interest.
    #[error("stale: valid until {}, before the time of interest {}", crate::article31::rfc3339(.next_update), crate::article31::rfc3339(.at))]
    Stale { next_update: OffsetDateTime, at: OffsetDateTime },
    /// Good evidence issued before the time of interest, with no nextUpdate.
    #[error("issued at {} before the time of interest {} and gives no nextUpdate", crate::article31::rfc3339(.this_update), crate::article31::rfc3339(.at))]
    NoNextUpdate { this_update: OffsetDateTime, at: OffsetDateTime },
    /// Time rule 5: issued before a signing time only the signer claims.
    #[error("issued at {}, before the signing time {}, which only the signer claims (no timestamp proves it): it does not prove the status at that time", crate::article31::rfc3339(.this_update), crate::article31::rfc3339(.at))]
    BeforeClaimedTime { this_update: OffsetDateTime, at: OffsetDateTime },
    /// `what` (thisUpdate, producedAt) lies in the future.
    #[error("{what} {} is in the future", crate::article31::rfc3339(.time))]
    Future { what: &'static str, time: OffsetDateTime },
    /// The OCSP responder answers "unknown".
    #[error("the responder does not know the certificate")]
    ResponderUnknown,
    /// The issuer certificate needed to check the evidence is not available.
    #[error("the issuer certificate is not in the file")]
    IssuerNotAvailable,
    /// The response or CRL cannot be read at all.
    #[error(transparent)]
    Malformed(#[from] MalformedEvidence),
    /// No key the response may be signed with verifies it.
    #[error(transparent)]
    OcspSigner(#[from] OcspSignerProblem),
    /// The issuer certificate given to check the evidence with is not the certificate's
    /// issuer (its subject is not the certificate's issuer name).
    #[error("the given issuer certificate is not the certificate's issuer")]
    WrongIssuerCert,
    /// The CRL's signature algorithm inside tbsCertList differs from the outer one
    /// (RFC 5280 §5.1.1.2).
    #[error("signature algorithm inside and outside the CRL differ")]
    AlgorithmMismatch,
    /// The CRL's signature does not verify with the issuer's key.
    #[error("not signed by the issuer's key: {0}")]
    BadSignature(#[source] crate::sigalg::SignatureError),
    /// The issuer's keyUsage lacks cRLSign (RFC 5280 §4.2.1.3).
    #[error("the issuer's key usage does not allow signing CRLs")]
    IssuerMayNotSignCrls,
    /// The issuer's keyUsage extension cannot be decoded.
    #[error("issuer certificate: malformed keyUsage extension: {0}")]
    IssuerKeyUsage(#[source] der::Error),
    /// A delta CRL (deltaCRLIndicator): only complete CRLs are used.
    #[error("delta CRLs are not used")]
    DeltaCrl,
    /// A critical CRL extension this crate does not process (RFC 5280 §5.2).
    #[error("unsupported critical CRL extension {0}")]
    UnsupportedCriticalExtension(const_oid::ObjectIdentifier),
    /// A critical CRL entry extension this crate does not process (RFC 5280 §5.3).
    #[error("unsupported critical CRL entry extension {0}")]
    UnsupportedCriticalEntryExtension(const_oid::ObjectIdentifier),
    /// issuingDistributionPoint says indirectCRL: entries of other issuers may be listed.
    #[error("indirect CRLs are not used")]
    IndirectCrl,
    /// A CRL entry names another certificate issuer (certificateIssuer).
    #[error("indirect CRL entry (certificateIssuer) is not used")]
    IndirectCrlEntry,
    /// issuingDistributionPoint limits the CRL to some reasons or to attribute certificates.
    #[error("partial CRL (some reasons or attribute certificates only)")]
    PartialCrl,
    /// issuingDistributionPoint onlyContainsUserCerts, for a CA certificate.
    #[error("CRL covers end-entity certificates only")]
    OnlyUserCerts,
    /// issuingDistributionPoint onlyContainsCACerts, for an end-entity certificate.
    #[error("CRL covers CA certificates only")]
    OnlyCaCerts,
    /// issuingDistributionPoint names URIs none of which is among the certificate's CRL
    /// distribution points.
    #[error("CRL is for another distribution point")]
    OtherDistributionPoint,
    /// The BasicOCSPResponse's version is not v1.
    #[error("unsupported OCSP response version")]
    UnsupportedOcspVersion,
    /// No SingleResponse of the OCSP response has this certificate's CertID.
    #[error("the response is about another certificate (CertID does not match)")]
    CertIdMismatch,
}

/// Why the bytes of an OCSP response or a CRL cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MalformedEvidence {
    #[error("malformed CRL: {0}")]
    Crl(#[source] der::Error),
    #[error("malformed OCSP response: {0}")]
    OcspResponse(#[source] der::Error),
    #[error("the responder answered {0:?} instead of a status")]
    NotSuccessful(x509_ocsp::OcspResponseStatus),
    #[error("successful OCSP response without responseBytes")]
    NoResponseBytes,
    #[error("unsupported OCSP response type {0}")]
    UnsupportedType(const_oid::ObjectIdentifier),
    #[error("malformed BasicOCSPResponse: {0}")]
    BasicResponse(#[source] der::Error),
    #[error("cannot locate tbsResponseData")]
    NoTbs,
    #[error("cannot locate the signed part of the CRL")]
    NoTbsCertList,
    #[error("CRL signature has unused bits")]
    CrlUnusedBits,
    #[error("malformed issuingDistributionPoint: {0}")]
    IssuingDistributionPoint(#[source] der::Error),
}

/// Why no authorised key verifies an OCSP response's signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspSignerProblem {
    #[error("OCSP signature has unused bits")]
    UnusedBits,
    /// Why each candidate (the issuer's key, then each included certificate) was refused.
    #[error("no authorised signer: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    NoAuthorisedSigner(Vec<SignerRefused>),
}

/// Why one candidate signer of an OCSP response was refused (names: RFC 4514 subjects).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignerRefused {
    #[error("not signed by the issuer's key")]
    NotIssuerKey,
    #[error("not signed by included certificate \"{0}\"")]
    NotSignedBy(String),
    #[error("responder certificate \"{0}\" is not issued by the certificate's issuer")]
    NotIssuedByIssuer(String),
    #[error("{0}")]
    Usage(#[source] crate::article31::CertProblem),
    #[error("at producedAt: {0}")]
    Validity(#[source] crate::article31::CertProblem),
}

/// Why a responder or distribution point gave nothing (the URL is in [`Unchecked::Fetch`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchProblem {
    #[error("no answer within {secs} s")]
    NoAnswer { secs: u64 },
    #[error("HTTP status {0}")]
    Status(u16),
    /// Connection refused, DNS failure, broken protocol (the transport's words).
    #[error("cannot connect: {0}")]
    Unreachable(String),
    #[error("response larger than {0} bytes")]
    TooLarge(u64),
    /// Not an http:// or https:// URL.
    #[error("{url}: only http:// and https:// URLs are supported")]
    UnsupportedScheme { url: String },
    /// A URL that cannot be requested (`reason`: ours or the HTTP library's words).
    #[error("{url}: invalid URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{url}: too many redirects")]
    TooManyRedirects { url: String },
    /// No OCSP responder to ask.
    #[error("certificate \"{subject}\" names no OCSP responder")]
    NoOcspUrl { subject: String },
    /// The OCSP request cannot be encoded.
    #[error("cannot encode the OCSP request: {0}")]
    Encode(#[source] der::Error),
    /// The answer is not an OCSP response or a CRL (`what`).
    #[error("{what} is malformed: {reason}")]
    Malformed {
        what: &'static str,
        #[source]
        reason: MalformedEvidence,
    },
}

pub(crate) fn fetch_detail(e: &RevocationError) -> FetchProblem {
    match e {
        RevocationError::Http(HttpError::Timeout { timeout, .. }) => FetchProblem::NoAnswer { secs: timeout.as_secs().max(1) },
        RevocationError::Http(HttpError::Status { status, .. }) => FetchProblem::Status(*status),
        RevocationError::Http(HttpError::Transport { message, .. }) => FetchProblem::Unreachable(message.clone()),
        RevocationError::Http(HttpError::TooLarge { limit, .. }) => FetchProblem::TooLarge(*limit),
        RevocationError::Http(HttpError::UnsupportedScheme { url }) => FetchProblem::UnsupportedScheme { url: url.clone() },
        RevocationError::Http(HttpError::InvalidUrl { url, reason }) => FetchProblem::BadUrl { url: url.clone(), reason: reason.clone() },
        RevocationError::Http(HttpError::TooManyRedirects { url }) => FetchProblem::TooManyRedirects { url: url.clone() },
        RevocationError::NoOcspUrl { subject } => FetchProblem::NoOcspUrl { subject: subject.clone() },
        RevocationError::Encode(e) => FetchProblem::Encode(*e),
        RevocationError::Malformed { what, reason } => FetchProblem::Malformed { what, reason: reason.clone() },
    }
}

fn no_evidence_en(elsewhere: usize, online: bool) -> String {
    match (elsewhere, online) {
        (0, false) => "no OCSP response or CRL available and online checking is off".to_string(),
        (n, false) => format!("no OCSP response or CRL about this certificate ({n} from other issuers) and online checking is off"),
        (_, true) => "no OCSP response or CRL about this certificate".to_string(),
    }
}

impl RevocationStatus {
    pub fn is_good(&self) -> bool {
        matches!(self, RevocationStatus::Good { .. })
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    #[error("certificate \"{subject}\" names no OCSP responder")]
    NoOcspUrl { subject: String },
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("cannot encode the OCSP request: {0}")]
    Encode(der::Error),
    /// The fetched data is not what was asked for.
    #[error("{what} is malformed: {reason}")]
    Malformed {
        what: &'static str,
        #[source]
        reason: MalformedEvidence,
    },
}

/// Evidence found in one OCSP response or CRL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    Good {
        this_update: OffsetDateTime,
        next_update: Option<OffsetDateTime>,
    },
    /// `this_update`: when the evidence itself was issued.
    Revoked {
        revoked_at: OffsetDateTime,
        reason: Option<String>,
        this_update: OffsetDateTime,
    },
}

/// What the time of interest given to [`check_at`] stands for (time rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeKind {
    /// Proven by a timestamp or a proof of existence, or the current clock.
    #[default]
    Proven,
    /// A signing time only the signer claims: good evidence must be issued at or after it.
    Claimed,
}

/// Time rule 3 and 4 for good evidence (see the module docs).
pub(crate) fn good_covers(
    cert: &Certificate,
    this_update: OffsetDateTime,
    next_update: Option<OffsetDateTime>,
    at: OffsetDateTime,
    expired_certs_kept_since: Option<OffsetDateTime>,
) -> Result<(), EvidenceProblem> {
    let not_after = cert::not_after(cert);
    if this_update > not_after {
        let kept = expired_certs_kept_since.is_some_and(|since| since <= not_after);
        if !kept {
            return Err(EvidenceProblem::AfterExpiry { this_update, not_after });
        }
    }
    if this_update >= at - SKEW {
        return Ok(());
    }
    match next_update {
        Some(nu) if at <= nu + SKEW => Ok(()),
        Some(next_update) => Err(EvidenceProblem::Stale { next_update, at }),
        None => Err(EvidenceProblem::NoNextUpdate { this_update, at }),
    }
}

struct Candidate {
    finding: Finding,
    source: Source,
    der: Vec<u8>,
}

fn to_status(c: Candidate) -> RevocationStatus {
    match c.finding {
        Finding::Good { this_update, next_update } => {
            RevocationStatus::Good { source: c.source, this_update, next_update, evidence_der: c.der }
        }
        Finding::Revoked { revoked_at, reason, .. } => RevocationStatus::Revoked { revoked_at, reason, source: c.source },
    }
}

/// The evidence that decides (see "Several pieces of evidence" in the module docs).
fn decide(cands: Vec<Candidate>, at: OffsetDateTime) -> Option<RevocationStatus> {
    let newest_good = cands
        .iter()
        .filter_map(|c| match c.finding {
            Finding::Good { this_update, .. } => Some(this_update),
            Finding::Revoked { .. } => None,
        })
        .max();
    // Revocations that count: every permanent one; a hold unless lifted (newer good
    // evidence) and begun after `at`.
    let counts = |c: &Candidate| match &c.finding {
        Finding::Revoked { revoked_at, reason, this_update } => {
            let hold = reason.as_deref() == Some("certificateHold");
            let lifted = newest_good.is_some_and(|g| g > *this_update);
            (!hold || !lifted || *revoked_at <= at).then_some(*revoked_at)
        }
        Finding::Good { .. } => None,
    };
    let revoked = cands.iter().enumerate().filter_map(|(i, c)| counts(c).map(|t| (t, i))).min();
    let pick = match revoked {
        Some((_, i)) => i,
        None => cands
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match c.finding {
                Finding::Good { this_update, .. } => Some((this_update, std::cmp::Reverse(i))),
                Finding::Revoked { .. } => None,
            })
            .max()
            .map(|(_, std::cmp::Reverse(i))| i)?,
    };
    cands.into_iter().nth(pick).map(to_status)
}

/// Time rule 5: good evidence issued before a claimed signing time proves nothing at it.
fn claimed_rule(finding: &Finding, at: OffsetDateTime, kind: TimeKind) -> Result<(), EvidenceProblem> {
    match finding {
        Finding::Good { this_update, .. } if kind == TimeKind::Claimed && *this_update < at - SKEW => {
            Err(EvidenceProblem::BeforeClaimedTime { this_update: *this_update, at })
        }
        _ => Ok(()),
    }
}

/// Status of `cert` (issued by `issuer`) at time `at`, using the current clock for the
/// "nothing from the future" rule. See the module docs for the rules.
pub fn check(cert: &Certificate, issuer: &Certificate, at: OffsetDateTime, sources: &RevocationSources) -> RevocationStatus {
    check_with_clock(cert, issuer, at, OffsetDateTime::now_utc(), sources)
}

/// [`check`] with an explicit current time `now`.
pub fn check_with_clock(
    cert: &Certificate,
    issuer: &Certificate,
    at: OffsetDateTime,
    now: OffsetDateTime,
    sources: &RevocationSources,
) -> RevocationStatus {
    check_at(cert, issuer, at, TimeKind::Proven, now, sources)
}

/// Status of `cert` at `at`, which stands for `kind` (time rule 5), with the current time
/// `now`. Every source is consulted and the evidence weighed as in the module docs.
pub fn check_at(
    cert: &Certificate,
    issuer: &Certificate,
    at: OffsetDateTime,
    kind: TimeKind,
    now: OffsetDateTime,
    sources: &RevocationSources,
) -> RevocationStatus {
    let mut w = Weigh { at, kind, cands: Vec::new(), reasons: Vec::new(), elsewhere: 0 };
    for (i, der) in sources.ocsp_responses.iter().enumerate() {
        let r = ocsp::evaluate(der, cert, issuer, at, now);
        w.consider(format!("OCSP response #{}", i + 1), r, Source::EmbeddedOcsp, der.clone());
    }
    for (i, der) in sources.crls.iter().enumerate() {
        let der = crl::to_der(der);
        let r = crl::evaluate(&der, cert, issuer, at, now);
        w.consider(format!("CRL #{}", i + 1), r, Source::EmbeddedCrl, der);
    }
    if sources.online {
        fetch_into(&mut w, cert, issuer, now, sources);
    }
    let Weigh { cands, mut reasons, elsewhere, .. } = w;
    if let Some(status) = decide(cands, at) {
        return status;
    }
    if reasons.is_empty() {
        reasons.push(Unchecked::NoEvidence { elsewhere, online: sources.online });
    }
    RevocationStatus::Unknown { reasons }
}

/// The evidence gathered for one certificate, and why the rest was not used.
struct Weigh {
    at: OffsetDateTime,
    kind: TimeKind,
    cands: Vec<Candidate>,
    reasons: Vec<Unchecked>,
    /// CRLs of other issuers (e.g. the root's CRL when checking the signer): not a reason
    /// worth reporting for this certificate, only counted.
    elsewhere: usize,
}

impl Weigh {
    /// Keeps usable evidence (true), or records why it is not used (false).
    fn consider(&mut self, what: String, result: Result<Finding, EvidenceProblem>, source: Source, der: Vec<u8>) -> bool {
        match result.and_then(|f| claimed_rule(&f, self.at, self.kind).map(|()| f)) {
            Ok(finding) => {
                self.cands.push(Candidate { finding, source, der });
                true
            }
            Err(EvidenceProblem::OtherIssuer { .. }) => {
                self.elsewhere += 1;
                false
            }
            Err(r) => {
                self.reasons.push(Unchecked::Unusable { what, why: r });
                false
            }
        }
    }
}

/// Online evidence: the OCSP responders in order until one gives usable evidence, else
/// the CRL distribution points until one does; through [`RevocationSources::cache`] when
/// there is one.
fn fetch_into(w: &mut Weigh, cert: &Certificate, issuer: &Certificate, now: OffsetDateTime, sources: &RevocationSources) {
    let (at, limits) = (w.at, &sources.limits);
    let ocsp_urls = cert::ocsp_urls(cert);
    for url in &ocsp_urls {
        let get = |fresh| match &sources.cache {
            Some(c) => c.ocsp(url, cert, issuer, limits, now, fresh),
            None => uncached(fetch_ocsp_from(url, cert, issuer, limits)),
        };
        if consider_online(w, "OCSP", url, get, |der| ocsp::evaluate(der, cert, issuer, at, now)) {
            return;
        }
    }
    let crl_urls = cert::crl_urls(cert);
    if ocsp_urls.is_empty() && crl_urls.is_empty() {
        w.reasons.push(Unchecked::NoSourceNamed);
    }
    for url in &crl_urls {
        let get = |fresh| match &sources.cache {
            Some(c) => c.crl(url, issuer, limits, now, fresh),
            None => uncached(fetch_crl(url, limits)),
        };
        if consider_online(w, "CRL", url, get, |der| crl::evaluate(der, cert, issuer, at, now)) {
            return;
        }
    }
}

fn uncached(r: Result<Vec<u8>, RevocationError>) -> fetched::Fetched {
    fetched::Fetched { body: r.map(Arc::from).map_err(|e| fetch_detail(&e)), cached_at: None }
}

/// Weighs the answer of `url` (`what`: "OCSP" or "CRL"); an answer from the disk cache
/// that is not usable is asked for again over the network (once per run). True when
/// usable evidence was kept.
fn consider_online(
    w: &mut Weigh,
    what: &str,
    url: &str,
    get: impl Fn(bool) -> fetched::Fetched,
    evaluate: impl Fn(&[u8]) -> Result<Finding, EvidenceProblem>,
) -> bool {
    let mut answer = get(false);
    loop {
        match &answer.body {
            Ok(der) => {
                let label = match answer.cached_at {
                    None => format!("{what} {url}"),
                    Some(_) => format!("{what} {url} (cached)"),
                };
                let url = url.to_string();
                let source = match (what, answer.cached_at) {
                    ("OCSP", None) => Source::FetchedOcsp { url },
                    ("OCSP", Some(fetched_at)) => Source::CachedOcsp { url, fetched_at },
                    (_, None) => Source::FetchedCrl { url },
                    (_, Some(fetched_at)) => Source::CachedCrl { url, fetched_at },
                };
                if w.consider(label, evaluate(der), source, der.to_vec()) {
                    return true;
                }
            }
            Err(e) => w.reasons.push(Unchecked::Fetch { ocsp: what == "OCSP", url: url.to_string(), error: e.clone() }),
        }
        if answer.cached_at.is_none() {
            return false;
        }
        answer = get(true);
    }
}

/// [`check`] for every certificate of a path but its anchor, each against the next one
/// (leaf first). A path of one (a trusted leaf) gives an empty list.
pub fn check_path(path: &crate::article32::CertPath, at: OffsetDateTime, sources: &RevocationSources) -> Vec<RevocationStatus> {
    path.certs
        .windows(2)
        .map(|pair| match pair {
            [cert, issuer] => check(cert, issuer, at, sources),
            // `windows(2)` only yields slices of two.
            _ => RevocationStatus::Unknown { reasons: Vec::new() },
        })
        .collect()
}

/// Ask the certificate's OCSP responders (AIA, in order) until one answers with a
/// well-formed OCSPResponse; its DER. The response is *not* verified here: pass it to
/// [`check`] (or [`ocsp::evaluate`]).
pub fn fetch_ocsp(cert: &Certificate, issuer: &Certificate, limits: &HttpLimits) -> Result<Vec<u8>, RevocationError> {
    let urls = cert::ocsp_urls(cert);
    let mut last = None;
    for url in &urls {
        match fetch_ocsp_from(url, cert, issuer, limits) {
            Ok(der) => return Ok(der),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| RevocationError::NoOcspUrl { subject: cert::subject(cert) }))
}

/// POST an OCSP request (SHA-1 CertID, no nonce) for `cert` to `url`; the DER response.
pub fn fetch_ocsp_from(url: &str, cert: &Certificate, issuer: &Certificate, limits: &HttpLimits) -> Result<Vec<u8>, RevocationError> {
    let req = ocsp::build_request(cert, issuer, None)?;
    let body = crate::http::post(url, "application/ocsp-request", &req, limits)?;
    ocsp::parse_response(&body).map_err(|reason| RevocationError::Malformed { what: "OCSP response", reason })?;
    Ok(body)
}

/// GET a CRL; its DER (PEM answers are converted). Checked to parse as a CRL, not verified.
pub fn fetch_crl(url: &str, limits: &HttpLimits) -> Result<Vec<u8>, RevocationError> {
    let body = crate::http::get(url, limits)?;
    let der = crl::to_der(&body);
    crl::parse(&der).map_err(|reason| RevocationError::Malformed { what: "CRL", reason })?;
    Ok(der)
}
