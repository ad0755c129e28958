use thiserror::Error;

/// Why an appearance could not be made. Every message names what was looked for.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum LayoutError {
    /// The PDF cannot be read well enough to place a stamp.
    #[error("cannot read the PDF: {0}")]
    Pdf(String),
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
    Image(String),
    /// The font cannot be used.
    #[error("font: {0}")]
    Font(String),
    /// A character the font cannot show (never drawn as a blank box).
    #[error("the font {font:?} has no glyph for {ch:?} (U+{code:04X}); give --font PATH with a font that has it")]
    MissingGlyph { font: String, ch: char, code: u32 },
    /// A placement outside the page or otherwise unusable.
    #[error("placement: {0}")]
    Place(String),
    /// A number or date part wider than the blank it goes into (rules.md S11).
    #[error("{text:?} is {width:.1} pt wide at {size:.1} pt; the blank for the {} is {room:.1} pt wide", kind.words().0)]
    BlankTooNarrow { text: String, kind: crate::blanks::BlankKind, width: f32, size: f32, room: f32 },
    /// Content too large or too deeply nested to read safely.
    #[error("the page content is beyond the limits vbdt reads ({0})")]
    Limit(String),
}
