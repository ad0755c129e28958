//! The thin layer over a PDF's raw bytes that signing and verification both need.
//!
//! lopdf merges every xref section into one object table, which loses what a signature
//! depends on: where each revision ends, which objects each incremental update
//! (re)defined, and where a signature's `/Contents` hole lies. This crate keeps those,
//! with explicit limits so hostile files cannot make it loop or allocate without bound.

mod budget;
pub mod doc;
mod error;
pub mod input;
pub mod lexer;
mod revisions;
pub mod scan;
mod xref;

pub use doc::{ElidedStream, RevisionLoader};
pub use error::{DecodeError, RawError, SyntaxProblem, XrefProblem, XrefStreamError};
pub use input::Input;
pub use lexer::{Dict, Obj, PdfString};
pub use revisions::{RawPdf, Revision, XrefKind};
pub use xref::XrefEntry;

/// Limits on what a file may make this crate do.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Nesting depth of arrays and dictionaries in one object.
    pub max_depth: usize,
    /// Number of xref sections followed through `/Prev`.
    pub max_xref_sections: usize,
    /// Highest object number accepted in an xref section.
    pub max_object_number: u32,
    /// Bytes one decompressed xref stream may grow to.
    pub max_xref_stream_bytes: usize,
    /// Bytes all of a file's object streams together may decompress to (lopdf decodes
    /// and keeps them all when it loads a document; see `budget.rs`).
    pub max_object_streams_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_xref_sections: 4096,
            max_object_number: 8_388_607,
            max_xref_stream_bytes: 64 << 20,
            max_object_streams_bytes: 256 << 20,
        }
    }
}
