//! A file's revisions: the original and each incremental update, oldest first.

use std::collections::{BTreeMap, HashSet};

use crate::lexer::{find, rfind, Dict, Lexer, Obj};
use crate::xref::{read_section, XrefEntry, XrefSection};
use crate::{Limits, RawError};

/// How a revision's cross-reference data is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefKind {
    Table,
    Stream,
    /// A table whose trailer also points to an xref stream (`/XRefStm`).
    Hybrid,
}

/// One revision: the original file or one incremental update.
#[derive(Debug, Clone)]
pub struct Revision {
    pub index: usize,
    /// First byte of this revision (the previous revision's end; 0 for the original).
    pub start: usize,
    /// One past the last byte: after `%%EOF` and its end-of-line marker.
    pub end: usize,
    /// One past `%%EOF` itself (writers differ on whether a byte range covers the EOL after it).
    pub eof_marker_end: usize,
    /// Offset of the xref section that `startxref` (or a later `/Prev`) names for this revision.
    pub xref_offset: usize,
    pub kind: XrefKind,
    pub trailer: Dict,
    /// Objects this revision's xref sections list, with where each lives.
    pub entries: BTreeMap<u32, XrefEntry>,
    /// In a hybrid revision, the object numbers its table and its `/XRefStm` stream both
    /// list, differently (readers that take the stream's word read other objects).
    pub hybrid_conflicts: Vec<u32>,
}

/// The raw structure of a PDF file.
#[derive(Debug, Clone)]
pub struct RawPdf {
    /// The version from the `%PDF-x.y` header.
    pub header_version: String,
    /// Offset of `%PDF-` (normally 0; some files have junk before it).
    pub header_offset: usize,
    pub revisions: Vec<Revision>,
    pub len: usize,
    /// The last `startxref` pointed a few bytes off its xref section and was corrected.
    pub startxref_repaired: bool,
}

impl RawPdf {
    pub fn parse(bytes: &[u8]) -> Result<Self, RawError> {
        Self::parse_with_limits(bytes, &Limits::default())
    }

    pub fn parse_with_limits(bytes: &[u8], limits: &Limits) -> Result<Self, RawError> {
        let header_offset = find(&bytes[..bytes.len().min(1024)], b"%PDF-", 0).ok_or(RawError::NotPdf)?;
        let header_version = {
            let mut lx = Lexer::new(bytes, header_offset + 5, 1);
            String::from_utf8_lossy(lx.token()).into_owned()
        };
        let sx = rfind(bytes, b"startxref", bytes.len()).ok_or(RawError::NoStartxref)?;
        let mut lx = Lexer::new(bytes, sx + 9, 1);
        let claimed = lx.read_uint().and_then(|v| usize::try_from(v).ok()).ok_or(RawError::NoStartxref)?;

        let (first, startxref_repaired) = match read_section(bytes, claimed, limits) {
            Ok(s) => (s, false),
            Err(err) => match repair_offset(bytes, claimed, limits) {
                Some(s) => (s, true),
                None => return Err(err),
            },
        };

        // Follow /Prev from the newest section to the oldest.
        let mut chain: Vec<(XrefSection, Option<XrefSection>)> = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(first);
        while let Some(section) = next.take() {
            if !seen.insert(section.offset) {
                return Err(RawError::PrevLoop(section.offset));
            }
            if chain.len() >= limits.max_xref_sections {
                return Err(RawError::TooManySections(limits.max_xref_sections));
            }
            let hybrid = match section.trailer.get_int(b"XRefStm").and_then(|o| usize::try_from(o).ok()) {
                Some(off) if !section.is_stream => read_section(bytes, off, limits).ok().filter(|s| s.is_stream),
                _ => None,
            };
            if let Some(prev) = section.trailer.get_int(b"Prev").and_then(|o| usize::try_from(o).ok()) {
                let prev_section = match read_section(bytes, prev, limits) {
                    Ok(s) => s,
                    Err(err) => repair_offset(bytes, prev, limits).ok_or(err)?,
                };
                next = Some(prev_section);
            }
            chain.push((section, hybrid));
        }

        // Oldest first; sections that end inside an older revision (a linearized file's
        // first-page section) belong to that revision.
        let mut revisions: Vec<Revision> = Vec::new();
        for (section, hybrid) in chain.into_iter().rev() {
            let (eof_marker_end, end) = eof_after(bytes, section.end.max(hybrid.as_ref().map_or(0, |h| h.end)));
            let kind = match (&hybrid, section.is_stream) {
                (Some(_), _) => XrefKind::Hybrid,
                (None, true) => XrefKind::Stream,
                (None, false) => XrefKind::Table,
            };
            let mut entries: BTreeMap<u32, XrefEntry> = BTreeMap::new();
            let mut hybrid_conflicts = Vec::new();
            // In a hybrid file the table wins; the stream adds what the table lacks.
            if let Some(h) = &hybrid {
                entries.extend(h.entries.iter().copied());
                let in_stream: BTreeMap<u32, XrefEntry> = h.entries.iter().copied().collect();
                for (num, e) in &section.entries {
                    if *e != XrefEntry::Free && in_stream.get(num).is_some_and(|he| he != e && *he != XrefEntry::Free) {
                        hybrid_conflicts.push(*num);
                    }
                }
            }
            for (num, e) in &section.entries {
                if !(hybrid.is_some() && *e == XrefEntry::Free && entries.contains_key(num)) {
                    entries.insert(*num, *e);
                }
            }
            match revisions.last_mut() {
                Some(last) if end <= last.end => {
                    for (num, e) in entries {
                        last.entries.entry(num).or_insert(e);
                    }
                    last.hybrid_conflicts.extend(hybrid_conflicts);
                    // The newest section's trailer speaks for the revision.
                    last.trailer = section.trailer;
                    last.xref_offset = section.offset;
                }
                _ => {
                    let start = revisions.last().map_or(0, |r| r.end);
                    revisions.push(Revision {
                        index: revisions.len(),
                        start,
                        end,
                        eof_marker_end,
                        xref_offset: section.offset,
                        kind,
                        trailer: section.trailer,
                        entries,
                        hybrid_conflicts,
                    });
                }
            }
        }
        crate::budget::object_streams_size(bytes, &revisions, limits)?;
        Ok(RawPdf { header_version, header_offset, revisions, len: bytes.len(), startxref_repaired })
    }

    pub fn last(&self) -> &Revision {
        // parse() never builds an empty list: the newest section always makes a revision.
        &self.revisions[self.revisions.len() - 1]
    }

    /// The trailer of the newest revision.
    pub fn trailer(&self) -> &Dict {
        &self.last().trailer
    }

    /// Where object `num` lives as of revision `upto` (inclusive), and which revision defined it.
    pub fn lookup(&self, num: u32, upto: usize) -> Option<(usize, XrefEntry)> {
        self.revisions.iter().take(upto + 1).rev().find_map(|r| r.entries.get(&num).map(|e| (r.index, *e)))
    }

    /// The next free object number for an incremental update.
    pub fn next_object_number(&self) -> u32 {
        let by_size =
            self.revisions.iter().filter_map(|r| r.trailer.get_int(b"Size")).filter_map(|s| u32::try_from(s).ok()).max().unwrap_or(1);
        let by_entries = self.revisions.iter().filter_map(|r| r.entries.keys().next_back()).max().map_or(1, |m| m + 1);
        by_size.max(by_entries).max(1)
    }

    /// Bytes after the last revision's end (data appended without an xref section).
    pub fn trailing_bytes(&self) -> usize {
        self.len.saturating_sub(self.last().end)
    }

    /// Is the file encrypted (an `/Encrypt` entry in the newest trailer)?
    pub fn is_encrypted(&self) -> bool {
        self.trailer().get(b"Encrypt").is_some_and(|o| !matches!(o, Obj::Null))
    }
}

/// After `from`, the end of the next `%%EOF` marker and of its end-of-line.
fn eof_after(bytes: &[u8], from: usize) -> (usize, usize) {
    match find(bytes, b"%%EOF", from) {
        Some(p) => {
            let marker_end = p + 5;
            let mut end = marker_end;
            if bytes.get(end) == Some(&b'\r') {
                end += 1;
            }
            if bytes.get(end) == Some(&b'\n') {
                end += 1;
            }
            (marker_end, end)
        }
        None => (bytes.len(), bytes.len()),
    }
}

/// Some writers put `startxref` a few bytes off; look for the section nearby.
fn repair_offset(bytes: &[u8], claimed: usize, limits: &Limits) -> Option<XrefSection> {
    const WINDOW: usize = 16;
    let lo = claimed.saturating_sub(WINDOW);
    let hi = claimed.saturating_add(WINDOW).min(bytes.len());
    let mut candidates: Vec<usize> = (lo..hi).collect();
    candidates.sort_by_key(|&c| c.abs_diff(claimed));
    candidates.into_iter().filter(|&c| c == 0 || !bytes[c - 1].is_ascii_alphanumeric()).find_map(|c| read_section(bytes, c, limits).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple_pdf() -> Vec<u8> {
        let mut out = b"%PDF-1.7\n".to_vec();
        let o1 = out.len();
        out.extend_from_slice(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        let o2 = out.len();
        out.extend_from_slice(b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        let x = out.len();
        out.extend_from_slice(format!("xref\n0 3\n0000000000 65535 f \n{o1:010} 00000 n \n{o2:010} 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{x}\n%%EOF\n").as_bytes());
        out
    }

    #[test]
    fn one_revision() {
        let pdf = simple_pdf();
        let raw = RawPdf::parse(&pdf).unwrap();
        assert_eq!(raw.revisions.len(), 1);
        assert_eq!(raw.last().end, pdf.len());
        assert_eq!(raw.header_version, "1.7");
        assert_eq!(raw.next_object_number(), 3);
        assert_eq!(raw.last().kind, XrefKind::Table);
    }

    #[test]
    fn incremental_update_makes_second_revision() {
        let mut pdf = simple_pdf();
        let first_end = pdf.len();
        let first_xref = RawPdf::parse(&pdf).unwrap().last().xref_offset;
        let o3 = pdf.len();
        pdf.extend_from_slice(b"3 0 obj\n(hello)\nendobj\n");
        let x = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 1\n0000000000 65535 f \n3 1\n{o3:010} 00000 n \ntrailer\n<< /Size 4 /Root 1 0 R /Prev {first_xref} >>\nstartxref\n{x}\n%%EOF\n").as_bytes());
        let raw = RawPdf::parse(&pdf).unwrap();
        assert_eq!(raw.revisions.len(), 2);
        assert_eq!(raw.revisions[0].end, first_end);
        assert_eq!(raw.revisions[1].start, first_end);
        assert_eq!(raw.lookup(3, 0), None);
        assert_eq!(raw.lookup(3, 1), Some((1, XrefEntry::InFile { offset: o3, gen: 0 })));
        assert_eq!(raw.next_object_number(), 4);
    }

    #[test]
    fn prev_loop_is_an_error_not_a_hang() {
        let mut pdf = simple_pdf();
        let x = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R /Prev {x} >>\nstartxref\n{x}\n%%EOF\n").as_bytes(),
        );
        assert_eq!(RawPdf::parse(&pdf).unwrap_err(), RawError::PrevLoop(x));
    }

    #[test]
    fn off_by_one_startxref_is_repaired() {
        let pdf = simple_pdf();
        let raw = RawPdf::parse(&pdf).unwrap();
        let x = raw.last().xref_offset;
        let text = String::from_utf8(pdf.clone()).unwrap();
        let broken = text.replace(&format!("startxref\n{x}\n"), &format!("startxref\n{}\n", x + 1));
        let raw2 = RawPdf::parse(broken.as_bytes()).unwrap();
        assert!(raw2.startxref_repaired);
        assert_eq!(raw2.last().xref_offset, x);
    }

    #[test]
    fn not_pdf() {
        assert_eq!(RawPdf::parse(b"hello world").unwrap_err(), RawError::NotPdf);
    }

    /// Each reason is told by its variant, with what it names.
    #[test]
    fn broken_tables_and_objects_say_why() {
        use crate::{RevisionLoader, SyntaxProblem, XrefProblem};
        let pdf = simple_pdf();
        let x = RawPdf::parse(&pdf).unwrap().last().xref_offset;
        let text = String::from_utf8(pdf.clone()).unwrap();
        let neither = text.replacen(" 00000 n \n", " 00000 x \n", 1);
        let err = RawPdf::parse(neither.as_bytes()).unwrap_err();
        assert_eq!(err, RawError::BadXref { offset: x, why: XrefProblem::EntryNeitherNorF { num: 1 } });
        // Their sum passes u64::MAX (it used to overflow).
        let huge = text.replace("xref\n0 3\n", "xref\n9999999999999999999 9999999999999999999\n");
        let err = RawPdf::parse(huge.as_bytes()).unwrap_err();
        assert_eq!(err, RawError::BadXref { offset: x, why: XrefProblem::ObjectNumbersBeyondLimit { up_to: u64::MAX } });
        let nothing = text.replace("xref\n0 3", "junk\n0 3");
        let err = RawPdf::parse(nothing.as_bytes()).unwrap_err();
        let inner = RawError::Syntax { offset: x, why: SyntaxProblem::ExpectedObjectNumber };
        assert_eq!(err, RawError::BadXref { offset: x, why: XrefProblem::NoXrefKeywordNorStream(Box::new(inner)) });

        // Object 2's entry points at object 1.
        let o1 = text.find("1 0 obj").unwrap();
        let o2 = text.find("2 0 obj").unwrap();
        let swapped = text.replace(&format!("{o2:010} 00000 n"), &format!("{o1:010} 00000 n"));
        let raw = RawPdf::parse(swapped.as_bytes()).unwrap();
        let err = RevisionLoader::new(swapped.as_bytes(), &raw, &Limits::default()).load(0).unwrap_err();
        assert_eq!(err, RawError::WrongObject { offset: o1, num: 2, found: 1 });
        let raw = RawPdf::parse(&pdf).unwrap();
        assert_eq!(RevisionLoader::new(&pdf, &raw, &Limits::default()).load(1).unwrap_err(), RawError::NoRevision(1));
        let encrypted = text.replace("/Root 1 0 R >>", "/Root 1 0 R /Encrypt 1 0 R >>");
        let raw = RawPdf::parse(encrypted.as_bytes()).unwrap();
        assert_eq!(RevisionLoader::new(encrypted.as_bytes(), &raw, &Limits::default()).load(0).unwrap_err(), RawError::Encrypted);
    }

    /// Found by fuzzing (fuzz target pdf_raw): a startxref or /Prev offset past the end
    /// of the file made the lexer slice out of range (a panic, exit 101 in vbdt).
    #[test]
    fn xref_offset_past_the_end_is_an_error_not_a_panic() {
        let pdf = b"%PDF-1.5\n1 0 obj\n<< >>\nendobj\nstartxref\n319706\n%%EOF\n";
        assert!(RawPdf::parse(pdf).is_err());
        let mut with_prev = simple_pdf();
        let x = with_prev.len();
        with_prev.extend_from_slice(
            format!("xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 3 /Root 1 0 R /Prev 999999 >>\nstartxref\n{x}\n%%EOF\n").as_bytes(),
        );
        assert!(RawPdf::parse(&with_prev).is_err());
        let mut lx = crate::lexer::Lexer::new(b"abc", 10, 4);
        assert_eq!(lx.token(), b"");
    }
}
