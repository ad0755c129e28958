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
                | SignError::Encrypted
                | SignError::CertifiedNoChanges
                | SignError::Io { .. }
                | SignError::OutputExists(_)
        )
    }
}
