use std::sync::Arc;

use thiserror::Error;

/// Why the raw structure of a file could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RawError {
    #[error("not a PDF file (no %PDF- header)")]
    NotPdf,
    #[error("no startxref found at the end of the file")]
    NoStartxref,
    #[error("the cross-reference section at byte {offset} cannot be read: {why}")]
    BadXref { offset: usize, why: String },
    #[error("the cross-reference section at byte {offset} cannot be read: {source}")]
    BadXrefStream {
        offset: usize,
        #[source]
        source: XrefStreamError,
    },
    #[error("object syntax error at byte {offset}: {why}")]
    Syntax { offset: usize, why: String },
    #[error("nesting deeper than {0} levels")]
    TooDeep(usize),
    #[error("more than {0} cross-reference sections (or a /Prev loop)")]
    TooManySections(usize),
    #[error("the cross-reference sections form a /Prev loop at byte {0}")]
    PrevLoop(usize),
    #[error("a decompressed cross-reference stream is larger than {0} bytes")]
    StreamTooLarge(usize),
    #[error("the object streams decompress to more than {0} bytes in all (a decompression bomb?)")]
    ObjectStreamsTooLarge(u64),
    #[error("an array or dictionary at byte {offset} has more than {max} entries: too large to read")]
    TooManyEntries { offset: usize, max: usize },
}

impl RawError {
    /// Whether the file breaks one of the size limits (rather than being malformed): a
    /// reader must not retry it with an unbounded parser.
    pub fn is_size_limit(&self) -> bool {
        matches!(
            self,
            RawError::TooManyEntries { .. } | RawError::ObjectStreamsTooLarge(_) | RawError::StreamTooLarge(_) | RawError::TooDeep(_)
        )
    }
}

/// Why the data of a cross-reference stream cannot be decoded.
#[derive(Debug, Error, Clone)]
#[non_exhaustive]
pub enum XrefStreamError {
    #[error("bad /Filter")]
    BadFilter,
    #[error("cannot inflate xref stream: {0}")]
    Inflate(#[source] Arc<std::io::Error>),
    #[error("decompressed xref stream larger than {0} bytes")]
    TooLarge(usize),
    /// The filter's name as the file spells it.
    #[error("unsupported xref stream filter /{0}")]
    UnsupportedFilter(String),
    #[error("bad /Columns")]
    BadColumns,
    #[error("unsupported predictor {0}")]
    UnsupportedPredictor(i64),
    #[error("bad PNG predictor type {0}")]
    BadPngPredictor(u8),
}

impl PartialEq for XrefStreamError {
    fn eq(&self, other: &Self) -> bool {
        use XrefStreamError::*;
        match (self, other) {
            (Inflate(a), Inflate(b)) => a.kind() == b.kind() && a.to_string() == b.to_string(),
            (TooLarge(a), TooLarge(b)) => a == b,
            (UnsupportedFilter(a), UnsupportedFilter(b)) => a == b,
            (UnsupportedPredictor(a), UnsupportedPredictor(b)) => a == b,
            (BadPngPredictor(a), BadPngPredictor(b)) => a == b,
            (BadFilter, BadFilter) | (BadColumns, BadColumns) => true,
            _ => false,
        }
    }
}

impl Eq for XrefStreamError {}
