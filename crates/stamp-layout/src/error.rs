use thiserror::Error;

/// Why an appearance could not be made. Every message names what was looked for.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The PDF cannot be read well enough to place a stamp.
    #[error("cannot read the PDF: {0}")]
    Pdf(#[source] PdfProblem),
    /// The page asked for does not exist.
    #[error("the document has {pages} page(s); there is no page {asked}")]
    NoSuchPage { asked: usize, pages: usize },
    /// The signer's name is not on the page.
    #[error("the signer's name {name:?} was not found in the text of {pages} ({lines} lines read); give --signer-name \"…\" or --place PAGE,X,Y,W,H")]
    NameNotFound { name: String, pages: String, lines: usize },
    /// The name was found but no title line above it.
    #[error("found {name:?} on page {page} but no title line above it (give --place PAGE,X,Y,W,H)")]
    NoTitle { name: String, page: usize },
    /// The gap between title and name is too small for an image.
    #[error("the gap between {title:?} and {name:?} on page {page} is only {gap_mm:.1} mm high (give --place PAGE,X,Y,W,H)")]
    GapTooSmall { title: String, name: String, page: usize, gap_mm: f32 },
    /// An organization signature needs a personal signature to cover.
    #[error("the document has no visible personal signature whose image the seal could cover (sign it personally first, or give --place PAGE,X,Y,W,H)")]
    NoPersonalSignature,
    /// The image is neither PNG nor JPEG.
    #[error("image: not a PNG or JPEG file")]
    NotAnImage,
    /// The image cannot be used.
    #[error("image: {0}")]
    Image(#[from] ImageProblem),
    /// The font file given cannot be read.
    #[error("font: cannot read {}: {source}", path.display())]
    FontUnreadable {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The font cannot be used.
    #[error("font: {0}")]
    Font(#[from] FontProblem),
    /// Compressing a stream failed (writing into memory: not expected to happen).
    #[error("cannot compress: {0}")]
    Compress(#[source] std::io::Error),
    /// A character the font cannot show (never drawn as a blank box).
    #[error("the font {font:?} has no glyph for {ch:?} (U+{code:04X}); give --font PATH with a font that has it")]
    MissingGlyph { font: String, ch: char, code: u32 },
    /// A placement outside the page or otherwise unusable.
    #[error("placement: {0}")]
    Place(#[source] PlaceProblem),
    /// An explicit box (--place) that does not fit on its page.
    #[error("placement: the box {x},{y},{w},{h} mm does not fit on page {page} ({page_w:.0}×{page_h:.0} mm)")]
    BoxOffPage { x: f32, y: f32, w: f32, h: f32, page: usize, page_w: f32, page_h: f32 },
    /// A seal size outside what a real seal measures.
    #[error("placement: a seal of {0} mm is not plausible")]
    SealSize(f32),
    /// The copy or attachment stamp is wider than page 1.
    #[error("placement: the stamp text is wider than the page")]
    StampTooWide,
    /// A number or date part wider than the blank it goes into (rules.md S11).
    #[error("{text:?} is {width:.1} pt wide at {size:.1} pt; the blank for the {} is {room:.1} pt wide", kind.words().0)]
    BlankTooNarrow { text: String, kind: crate::blanks::BlankKind, width: f32, size: f32, room: f32 },
    /// Content too large or too deeply nested to read safely.
    #[error("the page content is beyond the limits vbdt reads ({0})")]
    Limit(#[source] LimitProblem),
}

/// Why an image (a signature image, a seal, a scanned page) cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ImageProblem {
    #[error("cannot decode the PNG: {0}")]
    Png(#[source] png::DecodingError),
    /// Empty, or larger than any stamp (the sides vbdt accepts are bounded).
    #[error("a {width}×{height} image is not a stamp")]
    Size { width: u32, height: u32 },
    #[error("indexed PNG was not expanded")]
    IndexedPng,
    #[error("short PNG data")]
    ShortPng,
    #[error("the image is fully transparent")]
    Transparent,
    #[error("not a usable JPEG: {0}")]
    Jpeg(JpegProblem),
    /// A seal's size comes from its resolution when --seal-size is not given.
    #[error("the seal image does not say its resolution (PNG pHYs); give --seal-size 36mm")]
    NoResolution,
    #[error("no scans given")]
    NoScans,
    /// The `index`th scanned page (from 1) cannot be used.
    #[error("scan {index}: {problem}")]
    Scan { index: usize, problem: Box<ImageProblem> },
}

/// What is wrong in a JPEG's markers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JpegProblem {
    #[error("no SOI marker")]
    NoSoi,
    #[error("marker expected")]
    MarkerExpected,
    #[error("truncated segment")]
    TruncatedSegment,
    #[error("short frame header")]
    ShortFrameHeader,
    #[error("unsupported frame")]
    UnsupportedFrame,
    #[error("no frame header")]
    NoFrameHeader,
}

/// Why a font cannot be used (`font`: the file or the bundled font's name).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum FontProblem {
    /// Refused when chosen: a table layout needs is missing or broken.
    #[error("{font} is not a usable TrueType/OpenType font: {defect}")]
    Unusable { font: String, defect: FontDefect },
    /// The face cannot be read again (after it was accepted).
    #[error("{font}: {error}")]
    Face {
        font: String,
        #[source]
        error: skrifa::raw::ReadError,
    },
    #[error("cannot subset {font}: {error}")]
    Subset {
        font: String,
        #[source]
        error: subsetter::Error,
    },
}

/// What is wrong in a font file.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum FontDefect {
    /// Not a font file at all (the reader's words).
    #[error("{0}")]
    NotAFont(skrifa::raw::ReadError),
    #[error("{table} table: {error}")]
    Table { table: &'static str, error: skrifa::raw::ReadError },
    #[error("{0} units per em (the head table allows 16 to 16384)")]
    UnitsPerEm(u16),
}

/// Why the PDF cannot be read well enough to place a stamp.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum PdfProblem {
    /// lopdf's loader refused the file.
    #[error("{0}")]
    Load(#[from] lopdf::Error),
    #[error("the document is encrypted")]
    Encrypted,
    #[error("the document has no pages")]
    NoPages,
}

/// A placement that cannot be made from what was given.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PlaceProblem {
    #[error("the signer's name is empty")]
    EmptyName,
    #[error("the name lies at the page's edge")]
    NameAtEdge,
    #[error("a text stamp needs some text")]
    NoStampText,
}

/// Which of the bounds on reading content was passed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LimitProblem {
    #[error("page content: {0}")]
    PageContent(#[source] lopdf::Error),
    #[error("appearance content: {0}")]
    AppearanceContent(#[source] lopdf::Error),
    #[error("more than {0} operations")]
    Operations(usize),
    #[error("more than {0} bytes of content")]
    ContentBytes(usize),
    #[error("more than {0} glyphs")]
    Glyphs(usize),
}

/// Why a `--place PAGE,X,Y,W,H` value cannot be read (the offending text, as given).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum PlaceSyntax {
    #[error("expected PAGE,X,Y,W,H (millimetres from the page's top-left corner), got {0:?}")]
    Shape(String),
    #[error("page {0:?} is not a number")]
    Page(String),
    #[error("{0:?} is not a number of millimetres")]
    Millimetres(String),
    #[error("pages count from 1; width and height must be positive")]
    OutOfRange,
}

/// What a placement lets pass but the signer should hear of.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum LayoutWarning {
    /// The copy or attachment stamp covers some of page 1's own text (`text`: the first line).
    #[error("the stamp at the top right of page 1 overlaps the page's own text ({text:?}); the document's top margin may be too small")]
    StampOverText { text: String },
    /// A greyscale image where a coloured one is expected (S2 blue, S3 red).
    #[error("the image is greyscale, not {}", .want.word())]
    Greyscale { want: crate::ColorCheck },
    /// Less than half of the visible pixels have the expected colour.
    #[error("only {percent}% of the image's visible pixels are {} (rules.md {})", .want.word(), .want.rule())]
    OffColor { percent: usize, want: crate::ColorCheck },
}
