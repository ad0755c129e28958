use std::path::PathBuf;

use thiserror::Error;

/// Why a document could not be signed. Each variant maps to one exit code in the binary.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SignError {
    /// The input is not a PDF or is too broken to update safely.
    #[error("cannot be signed: {0}")]
    BadInput(String),
    #[error("is encrypted; vbdt does not sign encrypted PDFs")]
    Encrypted,
    #[error("is certified with no changes permitted (DocMDP P=1); another signature would break it")]
    CertifiedNoChanges,
    #[error("{path}: {why}")]
    Io { path: PathBuf, why: String },
    #[error("{0} already exists (use --force to overwrite)")]
    OutputExists(PathBuf),
    /// The key file or token could not be opened or used.
    #[error("{0}")]
    Key(String),
    /// A wrong PIN or password. Never retried.
    #[error("{0}")]
    BadSecret(String),
    /// The signer certificate fails a Điều 29 pre-check.
    #[error("{0}")]
    Certificate(String),
    #[error("timestamp service: {0}")]
    Timestamp(String),
    /// The visible appearance cannot be placed or drawn (name not found, bad image, …).
    #[error("appearance: {0}")]
    Appearance(String),
    /// The number and issue date cannot be filled (rules.md S11): no blank, a value that
    /// does not fit, a number missing for reserved blanks, … The message says what was
    /// looked for, in the language the caller chose.
    #[error("number and issue date (S11): {0}")]
    Issue(String),
    /// The clerk's check before the organization signature (rules.md S12) found the
    /// document not valid; the message carries the verifier's reasons.
    #[error("the clerk's check (S12) refuses the document: {0}")]
    ClerkCheck(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl SignError {
    /// True when the problem lies with the input document (as opposed to keys, network…).
    pub fn is_input_problem(&self) -> bool {
        matches!(
            self,
            SignError::BadInput(_)
                | SignError::Appearance(_)
                | SignError::Issue(_)
                | SignError::ClerkCheck(_)
                | SignError::Encrypted
                | SignError::CertifiedNoChanges
                | SignError::Io { .. }
                | SignError::OutputExists(_)
        )
    }
}
