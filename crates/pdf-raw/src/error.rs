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
    BadXref {
        offset: usize,
        #[source]
        why: XrefProblem,
    },
    #[error("the cross-reference section at byte {offset} cannot be read: {source}")]
    BadXrefStream {
        offset: usize,
        #[source]
        source: XrefStreamError,
    },
    #[error("object syntax error at byte {offset}: {why}")]
    Syntax {
        offset: usize,
        #[source]
        why: SyntaxProblem,
    },
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
    // The reader of one revision's document ([`crate::RevisionLoader`]). Those tied to a
    // byte offset read as syntax errors there, as they did when they were strings.
    /// [`crate::RevisionLoader::advance`] asked to go back or stay (0-based revisions).
    #[error("cannot advance revision {} to {}", .from + 1, .to + 1)]
    CannotAdvance { from: usize, to: usize },
    /// The file has no revision with this 0-based index.
    #[error("no revision {}", .0 + 1)]
    NoRevision(usize),
    /// The revision's trailer has an /Encrypt entry: this reader does not decrypt.
    #[error("the file is encrypted")]
    Encrypted,
    /// The object at the offset an xref entry gives has another number.
    #[error("object syntax error at byte {offset}: the xref entry for object {num} points at object {found}")]
    WrongObject { offset: usize, num: u32, found: u32 },
    /// An xref entry puts an object in this object stream, which no entry places at a byte
    /// offset of the file.
    #[error("object stream {0} is not in the file")]
    ObjectStreamNotInFile(u32),
    /// The object an xref entry names as an object stream is not a stream dictionary.
    #[error("object syntax error at byte {offset}: object {num} is not an object stream")]
    NotObjectStream { offset: usize, num: u32 },
    /// Object stream `num`'s data cannot be decoded.
    #[error("object syntax error at byte {offset}: object stream {num}: {source}")]
    ObjectStream {
        offset: usize,
        num: u32,
        #[source]
        source: DecodeError,
    },
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

/// Why a cross-reference section cannot be read ([`RawError::BadXref`]).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum XrefProblem {
    // A classic `xref` table.
    #[error("expected a subsection header or 'trailer'")]
    ExpectedSubsectionHeader,
    #[error("expected a subsection count")]
    ExpectedSubsectionCount,
    /// A subsection reaches past [`crate::Limits::max_object_number`].
    #[error("object numbers up to {up_to} exceed the limit")]
    ObjectNumbersBeyondLimit { up_to: u64 },
    #[error("bad entry offset")]
    BadEntryOffset,
    #[error("bad entry generation")]
    BadEntryGeneration,
    /// An entry's offset does not fit this machine's addresses.
    #[error("offset too large")]
    OffsetTooLarge,
    #[error("generation too large")]
    GenerationTooLarge,
    #[error("entry for object {num} is neither 'n' nor 'f'")]
    EntryNeitherNorF { num: u32 },
    #[error("trailer is not a dictionary")]
    TrailerNotDictionary,
    // An xref stream.
    /// Neither a table nor an indirect object stands at the offset: why the object
    /// cannot be read.
    #[error("no 'xref' keyword and no xref stream ({0})")]
    NoXrefKeywordNorStream(#[source] Box<RawError>),
    /// The object at the offset is not a dictionary.
    #[error("the object here is not an xref stream")]
    NotXrefStream,
    #[error("the object here is not an xref stream (/Type is not /XRef)")]
    NotTypeXref,
    #[error("xref stream without data")]
    NoStreamData,
    #[error("xref stream without /W")]
    NoW,
    /// /W holds something other than integers from 0 to 8.
    #[error("bad /W")]
    BadW,
    #[error("/W must have three widths")]
    WNotThreeWidths,
    #[error("xref stream without /Size")]
    NoSize,
    #[error("bad /Index")]
    BadIndex,
    #[error("/W widths are all zero")]
    ZeroWidths,
    #[error("odd /Index")]
    OddIndex,
    /// A negative number in /Index, or object numbers past the limit.
    #[error("/Index out of range")]
    IndexOutOfRange,
    #[error("object stream number too large")]
    ObjectStreamNumberTooLarge,
    #[error("object stream index too large")]
    ObjectStreamIndexTooLarge,
}

/// Why an object cannot be read ([`RawError::Syntax`]).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SyntaxProblem {
    #[error("unexpected end of file")]
    UnexpectedEof,
    #[error("unterminated dictionary")]
    UnterminatedDictionary,
    #[error("stray '>' in dictionary")]
    StrayGreaterThan,
    #[error("dictionary key is not a name")]
    KeyNotName,
    #[error("unterminated array")]
    UnterminatedArray,
    /// A byte that starts no object.
    #[error("unexpected byte 0x{0:02x}")]
    UnexpectedByte(u8),
    /// A token that is not UTF-8.
    #[error("bad token")]
    BadToken,
    /// A token that is no keyword or number (its bytes, lossily as text).
    #[error("unknown token {0:?}")]
    UnknownToken(String),
    #[error("bad character in hex string")]
    BadHexChar,
    #[error("unterminated hex string")]
    UnterminatedHexString,
    #[error("unterminated string")]
    UnterminatedString,
    // An indirect object's `N G obj … endobj` frame.
    #[error("expected an object number")]
    ExpectedObjectNumber,
    #[error("expected a generation number")]
    ExpectedGenerationNumber,
    #[error("expected 'obj'")]
    ExpectedObj,
    #[error("object number too large")]
    ObjectNumberTooLarge,
    #[error("generation number too large")]
    GenerationNumberTooLarge,
    /// `stream` with neither a usable /Length nor an `endstream` after it.
    #[error("stream without endstream")]
    StreamWithoutEndstream,
    /// The data of a stream is not followed by `endstream`.
    #[error("missing endstream")]
    MissingEndstream,
}

/// lopdf's error decoding a stream, shared so that [`RawError`] stays `Clone`; two are
/// equal when they say the same.
#[derive(Debug, Error, Clone)]
#[error(transparent)]
pub struct DecodeError(Arc<lopdf::Error>);

impl DecodeError {
    pub fn new(e: lopdf::Error) -> Self {
        DecodeError(Arc::new(e))
    }

    pub fn inner(&self) -> &lopdf::Error {
        &self.0
    }
}

impl PartialEq for DecodeError {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}

impl Eq for DecodeError {}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The English texts are the ones these errors had as free strings (reports and
    /// scripts compare them).
    #[test]
    fn english_texts() {
        let x = |why| RawError::BadXref { offset: 7, why };
        let s = |why| RawError::Syntax { offset: 9, why };
        let inner = RawError::Syntax { offset: 7, why: SyntaxProblem::ExpectedObjectNumber };
        let cases = [
            (x(XrefProblem::ExpectedSubsectionHeader), "expected a subsection header or 'trailer'"),
            (x(XrefProblem::ExpectedSubsectionCount), "expected a subsection count"),
            (x(XrefProblem::ObjectNumbersBeyondLimit { up_to: 12 }), "object numbers up to 12 exceed the limit"),
            (x(XrefProblem::BadEntryOffset), "bad entry offset"),
            (x(XrefProblem::BadEntryGeneration), "bad entry generation"),
            (x(XrefProblem::OffsetTooLarge), "offset too large"),
            (x(XrefProblem::GenerationTooLarge), "generation too large"),
            (x(XrefProblem::EntryNeitherNorF { num: 3 }), "entry for object 3 is neither 'n' nor 'f'"),
            (x(XrefProblem::TrailerNotDictionary), "trailer is not a dictionary"),
            (
                x(XrefProblem::NoXrefKeywordNorStream(Box::new(inner))),
                "no 'xref' keyword and no xref stream (object syntax error at byte 7: expected an object number)",
            ),
            (x(XrefProblem::NotXrefStream), "the object here is not an xref stream"),
            (x(XrefProblem::NotTypeXref), "the object here is not an xref stream (/Type is not /XRef)"),
            (x(XrefProblem::NoStreamData), "xref stream without data"),
            (x(XrefProblem::NoW), "xref stream without /W"),
            (x(XrefProblem::BadW), "bad /W"),
            (x(XrefProblem::WNotThreeWidths), "/W must have three widths"),
            (x(XrefProblem::NoSize), "xref stream without /Size"),
            (x(XrefProblem::BadIndex), "bad /Index"),
            (x(XrefProblem::ZeroWidths), "/W widths are all zero"),
            (x(XrefProblem::OddIndex), "odd /Index"),
            (x(XrefProblem::IndexOutOfRange), "/Index out of range"),
            (x(XrefProblem::ObjectStreamNumberTooLarge), "object stream number too large"),
            (x(XrefProblem::ObjectStreamIndexTooLarge), "object stream index too large"),
        ];
        for (e, why) in cases {
            assert_eq!(e.to_string(), format!("the cross-reference section at byte 7 cannot be read: {why}"));
        }
        let cases = [
            (s(SyntaxProblem::UnexpectedEof), "unexpected end of file"),
            (s(SyntaxProblem::UnterminatedDictionary), "unterminated dictionary"),
            (s(SyntaxProblem::StrayGreaterThan), "stray '>' in dictionary"),
            (s(SyntaxProblem::KeyNotName), "dictionary key is not a name"),
            (s(SyntaxProblem::UnterminatedArray), "unterminated array"),
            (s(SyntaxProblem::UnexpectedByte(0x0a)), "unexpected byte 0x0a"),
            (s(SyntaxProblem::BadToken), "bad token"),
            (s(SyntaxProblem::UnknownToken("fo\"o".into())), "unknown token \"fo\\\"o\""),
            (s(SyntaxProblem::BadHexChar), "bad character in hex string"),
            (s(SyntaxProblem::UnterminatedHexString), "unterminated hex string"),
            (s(SyntaxProblem::UnterminatedString), "unterminated string"),
            (s(SyntaxProblem::ExpectedObjectNumber), "expected an object number"),
            (s(SyntaxProblem::ExpectedGenerationNumber), "expected a generation number"),
            (s(SyntaxProblem::ExpectedObj), "expected 'obj'"),
            (s(SyntaxProblem::ObjectNumberTooLarge), "object number too large"),
            (s(SyntaxProblem::GenerationNumberTooLarge), "generation number too large"),
            (s(SyntaxProblem::StreamWithoutEndstream), "stream without endstream"),
            (s(SyntaxProblem::MissingEndstream), "missing endstream"),
        ];
        for (e, why) in cases {
            assert_eq!(e.to_string(), format!("object syntax error at byte 9: {why}"));
        }
        let decode = DecodeError::new(lopdf::Error::DictKey("Filter".into()));
        let cases = [
            (RawError::CannotAdvance { from: 1, to: 0 }, "cannot advance revision 2 to 1"),
            (RawError::NoRevision(2), "no revision 3"),
            (RawError::Encrypted, "the file is encrypted"),
            (
                RawError::WrongObject { offset: 5, num: 3, found: 4 },
                "object syntax error at byte 5: the xref entry for object 3 points at object 4",
            ),
            (RawError::ObjectStreamNotInFile(8), "object stream 8 is not in the file"),
            (RawError::NotObjectStream { offset: 5, num: 8 }, "object syntax error at byte 5: object 8 is not an object stream"),
        ];
        for (e, text) in cases {
            assert_eq!(e.to_string(), text);
        }
        let e = RawError::ObjectStream { offset: 5, num: 8, source: decode.clone() };
        assert_eq!(e.to_string(), format!("object syntax error at byte 5: object stream 8: {}", decode.inner()));
    }

    #[test]
    fn reasons_are_sources() {
        use std::error::Error;
        let inner = RawError::Syntax { offset: 7, why: SyntaxProblem::ExpectedObj };
        let e = RawError::BadXref { offset: 7, why: XrefProblem::NoXrefKeywordNorStream(Box::new(inner.clone())) };
        let why = e.source().expect("the reason");
        // The inner error is a Box<RawError> (thiserror hands out the field itself).
        let inner_source = why.source().and_then(|s| s.downcast_ref::<Box<RawError>>());
        assert_eq!(inner_source.map(|b| &**b), Some(&inner));
        assert!(!e.is_size_limit());
    }
}
