use std::path::PathBuf;

use chain_check::revocation::Unchecked;
use chain_check::{CertProblem, PathError};
use thiserror::Error;
use time::OffsetDateTime;

/// Why a document could not be signed. Each variant maps to one exit code in the binary.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SignError {
    /// The input is not a PDF or is too broken to update safely.
    #[error("cannot be signed: {0}")]
    BadInput(#[from] InputProblem),
    #[error("is encrypted; vbdt does not sign encrypted PDFs")]
    Encrypted,
    #[error("is certified with no changes permitted (DocMDP P=1); another signature would break it")]
    CertifiedNoChanges,
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0} already exists (use --force to overwrite)")]
    OutputExists(PathBuf),
    /// The key file or token could not be opened or used.
    #[error(transparent)]
    Key(#[from] KeyProblem),
    /// A wrong PIN or password. Never retried.
    #[error(transparent)]
    BadSecret(#[from] SecretProblem),
    /// The signer certificate fails a Điều 29 pre-check.
    #[error(transparent)]
    Certificate(#[from] CertRefusal),
    #[error("timestamp service {url}: {problem}")]
    Timestamp { url: String, problem: TsaProblem },
    /// The visible appearance cannot be placed or drawn (name not found, bad image, …).
    #[error("appearance: {0}")]
    Appearance(#[from] stamp_layout::LayoutError),
    #[error("internal error: {0}")]
    Internal(#[from] InternalError),
    /// A CSC batch's first pass: the signed attributes were taken and the signing stopped
    /// there on purpose (never shown: [`crate::csc::to_be_signed`] expects it).
    #[error("internal error: the signing stopped once the signed attributes were collected")]
    AttributesCollected,
}

/// A failure that is vbdt's fault, not the input's or the key's.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InternalError {
    /// Encoding a DER structure failed.
    #[error("{0}")]
    Der(#[from] der::Error),
    #[error("cannot serialize an object: {0}")]
    Serialize(#[source] std::io::Error),
    #[error("cannot write an empty appearance: {0}")]
    EmptyAppearance(#[source] stamp_layout::LayoutError),
    #[error("cannot write the appearance: {0}")]
    Appearance(#[source] stamp_layout::LayoutError),
    #[error("cannot read the input again: {0}")]
    Reread(#[source] std::io::Error),
    #[error("copying the input to the output failed")]
    CopyFailed,
    #[error("the signature did not fit its reserved space twice")]
    DidNotFitTwice,
    #[error("signature larger than its reserved space")]
    LargerThanReserved,
    #[error("no randomness for the TSA nonce")]
    NoRandomness,
    #[error("token session poisoned")]
    SessionPoisoned,
    #[error("CSC signatures lock poisoned")]
    CscLockPoisoned,
    #[error("the document was signed without a signature")]
    SignedWithoutSignature,
    #[error("no signed attributes collected")]
    NothingCollected,
    /// A batch asked for a document it did not stage (the binary's remote batch).
    #[error("unknown job")]
    UnknownJob,
    #[error("document prepared twice")]
    PreparedTwice,
}

impl SignError {
    /// True when the problem lies with the input document (as opposed to keys, network…).
    pub fn is_input_problem(&self) -> bool {
        matches!(
            self,
            SignError::BadInput(_)
                | SignError::Appearance(_)
                | SignError::Encrypted
                | SignError::CertifiedNoChanges
                | SignError::Io { .. }
                | SignError::OutputExists(_)
        )
    }
}

/// Why the input cannot be updated (the binary names the file).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum InputProblem {
    /// Not a PDF, or its cross-reference structure cannot be read.
    #[error("not a readable PDF ({0})")]
    NotPdf(#[from] pdf_raw::RawError),
    /// The structure is read but an object vbdt needs is broken or missing.
    #[error(transparent)]
    Structure(#[from] StructureProblem),
    /// 10 GB or more.
    #[error("files of 10 GB or more are not supported")]
    TooLarge,
}

/// What in a readable PDF stops vbdt from updating it.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StructureProblem {
    /// lopdf cannot load the objects (the cross-reference structure itself was read).
    #[error("cannot read the PDF objects ({0})")]
    Objects(#[source] lopdf::Error),
    #[error("the trailer has no /Root reference")]
    NoRoot,
    /// An object vbdt has to read or extend is not the dictionary or array it must be.
    #[error("{part} cannot be read")]
    Unreadable {
        part: PdfPart,
        #[source]
        source: lopdf::Error,
    },
    #[error("the document has no pages")]
    NoPages,
    /// The appearance asks for a page the document does not have (`page` counts from 1).
    #[error("the appearance is on page {page}, the document has {pages} page(s)")]
    NoSuchPage { page: usize, pages: usize },
    /// A blank to reserve (S11) lies on a page the document does not have (from 1).
    #[error("the blank is on page {0}, which does not exist")]
    NoSuchBlankPage(usize),
    /// The new signature field's name is taken.
    #[error("a field named {0:?} exists already")]
    FieldExists(String),
    /// A blank's field name is taken: the blanks were reserved by an earlier signature.
    #[error("a field named {0:?} exists already; the blanks were reserved before")]
    BlankReservedBefore(String),
    /// The number or date to fill (S11) has no text field of that name.
    #[error("the document has no text field {0:?} to fill")]
    NoTextField(String),
    #[error("the field {0:?} is not a text field")]
    NotTextField(String),
    #[error("the form field tree is too deep or too large")]
    FieldTreeTooLarge,
    #[error("the form field tree has a cycle")]
    FieldTreeCycle,
}

/// A part of the document named by [`StructureProblem::Unreadable`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PdfPart {
    #[error("the document catalog")]
    Catalog,
    #[error("the DSS")]
    Dss,
    #[error("the first page")]
    FirstPage,
    #[error("the page to sign on")]
    PageToSign,
    #[error("a page to add a field to")]
    PageForField,
    #[error("the page's /Annots array")]
    PageAnnots,
    #[error("the AcroForm")]
    AcroForm,
    #[error("the AcroForm /Fields array")]
    AcroFormFields,
    #[error("the field {0:?}")]
    Field(String),
}

/// A wrong PIN or password: never retried.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SecretProblem {
    #[error("{}: wrong password (or damaged file)", .0.display())]
    WrongP12Password(PathBuf),
    #[error("the token rejected the PIN (not retried: tokens lock after a few wrong PINs)")]
    PinRejected,
    #[error("the token's PIN is locked")]
    PinLocked,
}

/// Why the signer certificate is refused before signing (Điều 29: the checks of Điều
/// 31 and 32 a verifier would make).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CertRefusal {
    #[error("no signer certificate")]
    NoSigner,
    /// Điều 31.1.a (validity) or 31.1.b (usage) on the signer certificate.
    #[error("{article}: signer {problem}")]
    Signer {
        article: &'static str,
        #[source]
        problem: CertProblem,
    },
    /// Điều 32: a CA certificate of the chain (without --trust) fails its validity.
    #[error("Điều 32: CA {0}")]
    Ca(#[source] CertProblem),
    /// Điều 32: no valid path to the trust anchors given with --trust.
    #[error("Điều 32: {0}")]
    Path(#[source] PathError),
    /// Điều 32: the issuers up to a root are not all there.
    #[error("Điều 32: the certificate chain of {subject} is incomplete (the issuer certificates up to the root must be in the key file or token, or given with --certs)")]
    IncompleteChain { subject: String },
    /// Điều 31.1.c: revoked at or before the signing time.
    #[error("Điều 31.1.c: signer certificate {subject} was revoked at {}{}", chain_check::article31::rfc3339(.revoked_at), .reason.as_ref().map(|r| format!(", reason {r}")).unwrap_or_default())]
    Revoked { subject: String, revoked_at: OffsetDateTime, reason: Option<String> },
}

/// What the pre-checks let pass but the signer should hear of.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum PrecheckWarning {
    /// Điều 31.1.c: no usable OCSP response or CRL.
    #[error("Điều 31.1.c: revocation status of {subject} could not be checked: {}", .reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    RevocationUnknown { subject: String, reasons: Vec<Unchecked> },
}

/// Why the key file or token could not be opened or used. `detail`s are the words of the
/// library below (p12-keystore, cryptoki, aws-lc-rs), in English.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyProblem {
    #[error("{}: {source}", path.display())]
    P12Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not a usable PKCS#12 file: {problem}", path.display())]
    P12Unusable {
        path: PathBuf,
        #[source]
        problem: P12Problem,
    },
    #[error("{}: no private key with a certificate inside", path.display())]
    P12NoKey { path: PathBuf },
    #[error("{}: the private key does not match its certificate, or is not one vbdt signs with ({problem})", path.display())]
    P12KeyUnusable {
        path: PathBuf,
        #[source]
        problem: KeyUnusable,
    },
    /// No signer certificate with the key.
    #[error("no signer certificate")]
    NoCertificate,
    /// A digest the key cannot or may not sign with.
    #[error("{digest} is not offered for this key")]
    DigestNotOffered { digest: &'static str },
    #[error("{digest} is not allowed for new signatures")]
    DigestNotAllowed { digest: &'static str },
    /// The signing operation itself failed.
    #[error("signing failed: {0}")]
    SigningFailed(#[source] SigningFailure),
    /// A PKCS#11 call failed (`step`: what vbdt was doing).
    #[error("PKCS#11 {}: {step}: {source}", module.display())]
    Pkcs11 { module: PathBuf, step: Pkcs11Step, source: cryptoki::error::Error },
    #[error("PKCS#11 {}: no token labelled {label:?} (tokens present: {})", module.display(), if .present.is_empty() { "none".to_string() } else { .present.iter().map(|l| format!("{l:?}")).collect::<Vec<_>>().join(", ") })]
    NoTokenLabelled { module: PathBuf, label: String, present: Vec<String> },
    #[error("PKCS#11 {}: no token present in any slot", module.display())]
    NoToken { module: PathBuf },
    #[error("no certificate visible on the token before login; vbdt runs the Điều 29 checks before touching the key")]
    NoPublicCertificate,
    #[error("no private key labelled {0:?} on the token")]
    NoKeyLabelled(String),
    #[error("no private key on the token")]
    NoKey,
    #[error("{0} private keys on the token; choose one with --key LABEL")]
    SeveralKeys(usize),
    #[error("several private keys labelled {0:?}")]
    SeveralKeysLabelled(String),
    #[error("the token holds no certificate for this key (same CKA_ID)")]
    NoCertificateForKey,
    #[error("the certificate checked before login does not belong to the chosen key; choose it with --key LABEL")]
    CheckedCertificateNotTheKeys,
    #[error("unsupported key type on the token (RSA 2048–4096 or ECDSA P-256/P-384 expected)")]
    UnsupportedKey,
    /// The PIN could not be had: the caller's `pin` function failed (and knows why).
    #[error("the PIN could not be read")]
    PinUnavailable,
    /// A remote signing (CSC) service was asked to sign signed attributes it never received.
    #[error("CSC service {service}: these signed attributes were not signed by the service (nothing was sent for them)")]
    CscNotSigned { service: String },
}

/// What vbdt was doing when a PKCS#11 call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Pkcs11Step {
    #[error("cannot load the module")]
    LoadModule,
    #[error("cannot initialize")]
    Initialize,
    #[error("cannot list tokens")]
    ListTokens,
    #[error("cannot read token info")]
    TokenInfo,
    #[error("cannot open a session")]
    OpenSession,
    #[error("cannot search keys")]
    FindKeys,
    #[error("cannot read key attributes")]
    KeyAttributes,
}

/// Why a PKCS#12 file cannot be read (a wrong password is [`SecretProblem`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum P12Problem {
    /// p12-keystore refused the file's structure or its algorithms.
    #[error("{0}")]
    Store(#[source] p12_keystore::error::Error),
    #[error("bad certificate inside: {0}")]
    Certificate(#[source] der::Error),
}

/// Why the signing operation failed with a key that was opened.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SigningFailure {
    #[error("cannot load the EC key: {0}")]
    EcKey(#[source] aws_lc_rs::error::KeyRejected),
    #[error("RSA")]
    Rsa,
    #[error("ECDSA")]
    Ecdsa,
    /// The token refused or failed the operation.
    #[error("{0}")]
    Token(#[source] cryptoki::error::Error),
    #[error("the token returned a malformed ECDSA signature")]
    MalformedEcdsa,
    /// Logging in failed for another reason than the PIN (which is [`SecretProblem`]).
    #[error("PKCS#11 login failed: {0}")]
    Login(#[source] cryptoki::error::Error),
}

/// Why the private key of a PKCS#12 file cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum KeyUnusable {
    #[error("unsupported private key (RSA 2048–4096 or ECDSA P-256/P-384 expected)")]
    Unsupported,
    #[error("the private key does not belong to the certificate")]
    NotTheCertificates,
    #[error("signing failed: cannot load the EC key: {0}")]
    EcRejected(#[source] aws_lc_rs::error::KeyRejected),
}

/// Why the timestamp service gave no usable token (the URL is in [`SignError::Timestamp`]).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TsaProblem {
    /// The service could not be asked.
    #[error("{}", http_reason(.0))]
    Unreachable(#[source] chain_check::HttpError),
    /// PKIStatus other than granted (0) or grantedWithMods (1).
    #[error("request refused (PKIStatus {0})")]
    Refused(u32),
    /// An answer that is not a usable token.
    #[error("{0}")]
    BadAnswer(TsaAnswerProblem),
    #[error("the token ({size} bytes) is larger than the {capacity} bytes reserved")]
    TooLarge { size: usize, capacity: usize },
}

/// What is wrong in a timestamp service's answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TsaAnswerProblem {
    #[error("not a timestamp response ({0})")]
    NotResponse(#[source] der::Error),
    #[error("granted but no token in the answer")]
    NoToken,
    #[error("token is not SignedData ({0})")]
    NotSignedData(#[source] der::Error),
    #[error("token has no TSTInfo")]
    NoTstInfo,
    #[error("bad TSTInfo wrapper ({0})")]
    TstInfoWrapper(#[source] der::Error),
    #[error("bad TSTInfo ({0})")]
    TstInfo(#[source] der::Error),
    #[error("the token is for another message imprint")]
    OtherImprint,
    #[error("the token's nonce does not match the request")]
    OtherNonce,
}

/// An HTTP failure without its URL (said once, by the caller).
fn http_reason(e: &chain_check::HttpError) -> String {
    use chain_check::HttpError;
    match e {
        HttpError::Timeout { timeout, .. } => format!("no answer within {} s", timeout.as_secs().max(1)),
        HttpError::Status { status, .. } => format!("HTTP status {status}"),
        HttpError::Transport { message, .. } => format!("cannot connect ({message})"),
        HttpError::TooLarge { limit, .. } => format!("response larger than {limit} bytes"),
        other => other.to_string(),
    }
}
