//! The end of an incremental update: the xref section (a table or a stream, of the same kind
//! as the file's last one), its trailer, `startxref` and `%%EOF`. Signatures (`update.rs`),
//! DSS updates and document timestamps (`ltv.rs`) all end with it.

use pdf_raw::{Obj, RawPdf, XrefKind};

/// The entries of the input's last trailer an update carries over: `/Root`, `/Info`, `/ID`.
pub(crate) fn copied_trailer_entries(raw: &RawPdf) -> Vec<(Vec<u8>, Obj)> {
    raw.trailer().entries.iter().filter(|(k, _)| matches!(k.as_slice(), b"Root" | b"Info" | b"ID")).cloned().collect()
}

/// What the update's xref section says beyond its objects' offsets.
pub(crate) struct XrefTail<'a> {
    /// Table or stream, as the input's last section.
    pub kind: XrefKind,
    /// The first object number not used by the file and its update (a stream takes it).
    pub next_number: u32,
    /// Trailer entries carried over from the input ([`copied_trailer_entries`]).
    pub copied: &'a [(Vec<u8>, Obj)],
    /// Offset of the input's last xref section (`/Prev`).
    pub prev_xref: usize,
}

/// Appends the xref section for `offsets` (object number, generation, absolute offset) to
/// `out`, then `startxref` and `%%EOF`. `xref_at` is the absolute offset the section starts at
/// (the input's length plus `out`'s).
pub(crate) fn finish(out: &mut Vec<u8>, mut offsets: Vec<(u32, u16, usize)>, xref_at: usize, tail: &XrefTail<'_>) {
    match tail.kind {
        XrefKind::Stream => {
            let own = tail.next_number;
            offsets.push((own, 0, xref_at));
            offsets.sort();
            let (index, data) = stream_rows(&offsets);
            out.extend_from_slice(format!("{own} 0 obj\n<</Type /XRef /W [1 5 2] /Index [{index}] /Length {} ", data.len()).as_bytes());
            out.extend_from_slice(&trailer_entries(tail, own + 1));
            out.extend_from_slice(b">>\nstream\n");
            out.extend_from_slice(&data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
        }
        XrefKind::Table | XrefKind::Hybrid => {
            offsets.sort();
            out.extend_from_slice(b"xref\n");
            out.extend_from_slice(table_rows(&offsets).as_bytes());
            out.extend_from_slice(b"trailer\n<<");
            out.extend_from_slice(&trailer_entries(tail, tail.next_number));
            out.extend_from_slice(b">>\n");
        }
    }
    out.extend_from_slice(format!("startxref\n{xref_at}\n%%EOF\n").as_bytes());
}

/// `/Size`, the copied entries and `/Prev`, without the dictionary's brackets.
fn trailer_entries(tail: &XrefTail<'_>, size: u32) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(format!("/Size {size}").as_bytes());
    for (k, v) in tail.copied {
        t.push(b' ');
        pdf_raw::lexer::write_name(k, &mut t);
        t.push(b' ');
        v.write_to(&mut t);
    }
    t.extend_from_slice(format!(" /Prev {}", tail.prev_xref).as_bytes());
    t
}

/// Runs of consecutive object numbers in `sorted`.
fn subsections(sorted: &[(u32, u16, usize)]) -> impl Iterator<Item = &[(u32, u16, usize)]> {
    sorted.chunk_by(|a, b| b.0 == a.0 + 1)
}

/// The rows of an xref table: a header per subsection, then one 20-byte line per object.
fn table_rows(sorted: &[(u32, u16, usize)]) -> String {
    let mut text = String::new();
    for run in subsections(sorted) {
        text.push_str(&format!("{} {}\n", run[0].0, run.len()));
        for (_, g, off) in run {
            text.push_str(&format!("{off:010} {g:05} n\r\n"));
        }
    }
    text
}

/// An xref stream's `/Index` and its binary rows (`/W [1 5 2]`).
fn stream_rows(sorted: &[(u32, u16, usize)]) -> (String, Vec<u8>) {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for run in subsections(sorted) {
        index.push(format!("{} {}", run[0].0, run.len()));
        for (_, g, off) in run {
            data.push(1u8);
            data.extend_from_slice(&(*off as u64).to_be_bytes()[3..]);
            data.extend_from_slice(&g.to_be_bytes());
        }
    }
    (index.join(" "), data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tail(kind: XrefKind, copied: &[(Vec<u8>, Obj)]) -> XrefTail<'_> {
        XrefTail { kind, next_number: 12, copied, prev_xref: 345 }
    }

    #[test]
    fn a_table_has_one_subsection_per_run_and_the_trailer_after_it() {
        let copied = vec![(b"Root".to_vec(), Obj::Ref(1, 0))];
        let mut out = Vec::new();
        finish(&mut out, vec![(10, 0, 2000), (3, 0, 1000), (11, 0, 2100)], 2200, &tail(XrefKind::Table, &copied));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "xref\n3 1\n0000001000 00000 n\r\n10 2\n0000002000 00000 n\r\n0000002100 00000 n\r\n\
             trailer\n<</Size 12 /Root 1 0 R /Prev 345>>\nstartxref\n2200\n%%EOF\n"
        );
    }

    #[test]
    fn a_stream_lists_itself_and_takes_the_next_number() {
        let mut out = Vec::new();
        finish(&mut out, vec![(10, 0, 0x0102), (11, 1, 0x0203)], 0x0304, &tail(XrefKind::Stream, &[]));
        let mut want = b"12 0 obj\n<</Type /XRef /W [1 5 2] /Index [10 3] /Length 24 /Size 13 /Prev 345>>\nstream\n".to_vec();
        for (off, g) in [(0x0102u64, 0u16), (0x0203, 1), (0x0304, 0)] {
            want.push(1);
            want.extend_from_slice(&off.to_be_bytes()[3..]);
            want.extend_from_slice(&g.to_be_bytes());
        }
        want.extend_from_slice(b"\nendstream\nendobj\nstartxref\n772\n%%EOF\n");
        assert_eq!(out, want);
    }
}
