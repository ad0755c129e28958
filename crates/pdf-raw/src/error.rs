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
