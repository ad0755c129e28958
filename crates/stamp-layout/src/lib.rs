//! Visible signature appearances: where a stamp goes and what it draws (rules.md S2–S6).
//!
//! Signing asks this crate for an [`Appearance`]. [`Appearance::Invisible`] is a zero-size
//! widget; [`Appearance::Visible`] carries the page, the widget's rectangle in user space
//! and the normal-appearance form XObject as data ([`FormXObject`]); `pdf-sign` writes them
//! as the widget's `/Rect` and `/AP /N` in its incremental update.
//!
//! - [`personal`] (S2): the signature image between the signer's title and name, found
//!   in the page text ([`text`]).
//! - [`organization`] (S3): the seal at its real size over the left third of the earlier
//!   personal signature's image.
//! - [`text_stamp`] (S4, S5): lines of text, top right of page 1, in an embedded subset font.
//! - [`explicit`]: an image in a box given in millimetres from the page's top-left corner.
//! - [`blanks`] (S11): the number and date blanks the clerk fills, reserved as text fields
//!   by the personal signing step, and the filled value's appearance.
//! - [`scan::jpegs_to_pdf`]: a PDF made of scans, JPEG streams passed through.

pub mod blanks;
mod error;
mod font;
mod form;
mod image;
mod place;
pub mod scan;
pub mod text;

pub use error::{
    FontDefect, FontProblem, ImageProblem, JpegProblem, LayoutError, LayoutWarning, LimitProblem, PdfProblem, PlaceProblem, PlaceSyntax,
};
pub use font::TextFont;
pub use form::{FontObjects, FormXObject, ImageXObject};
pub use image::{ColorCheck, StampImage};
pub use place::{explicit, organization, personal, text_stamp, Place, Placed, PERSONAL_GAP_FILL};

use time::{OffsetDateTime, UtcOffset};

/// What the signature widget shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Appearance {
    /// No appearance: a zero-size widget on the first page.
    #[default]
    Invisible,
    /// A widget with a normal appearance on a given page.
    Visible(Visible),
}

/// A visible appearance: the widget's page, its rectangle and what it draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Visible {
    /// Index of the page, 0 for the first.
    pub page: usize,
    /// The widget's `/Rect` in the page's default user space (points).
    pub rect: Rect,
    /// The normal appearance (`/AP /N`); its `/BBox` is mapped onto `rect`.
    pub form: FormXObject,
}

/// A rectangle in PDF user space (points, y upwards).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl Rect {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
    pub fn center(&self) -> (f32, f32) {
        ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)
    }
}

/// Points per millimetre.
pub const PT_PER_MM: f32 = 72.0 / 25.4;

/// Vietnam time (UTC+07:00, no daylight saving).
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// A signing time as rule S6 shows it: ISO 8601 with seconds and `+07:00`, whatever the
/// machine's time zone, e.g. `2025-09-30T14:05:09+07:00`.
pub fn vietnam_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(VIETNAM);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute(), t.second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam_time() {
        let t = time::macros::datetime!(2025-09-30 07:05:09 UTC);
        assert_eq!(vietnam_time(t), "2025-09-30T14:05:09+07:00");
        let t = time::macros::datetime!(2025-09-30 20:30:00 -04:00);
        assert_eq!(vietnam_time(t), "2025-10-01T07:30:00+07:00");
    }
}
