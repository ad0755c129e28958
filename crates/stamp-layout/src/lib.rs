//! Visible signature appearances: where a stamp goes and what it draws (rules.md S2–S6).
//!
//! Signing asks this crate for an [`Appearance`]. Until visible stamps land, only
//! [`Appearance::Invisible`] exists; a visible variant will carry the page, the rectangle
//! in user space and the appearance stream, and `pdf-sign` will write them as the
//! widget's `/Rect` and `/AP`.

/// What the signature widget shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Appearance {
    /// No appearance: a zero-size widget on the first page.
    #[default]
    Invisible,
}
