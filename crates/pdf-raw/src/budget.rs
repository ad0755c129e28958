//! The total that a file's object streams inflate to, measured before anything loads them.
//!
//! lopdf decodes every object stream while it loads a document and keeps the objects, so
//! a per-stream limit alone lets a small file of many object streams, each inflating to
//! just under that limit, take gigabytes and minutes (each stream a hex string of tens of
//! MB). This check inflates each object stream once, streaming into a counter (nothing is
//! kept), against one budget for the whole file.

use std::collections::BTreeSet;
use std::io::Read;

use crate::lexer::{indirect_object_at, Obj};
use crate::revisions::Revision;
use crate::xref::XrefEntry;
use crate::{Limits, RawError};

/// Sum of the decompressed sizes of every object stream named by any revision, or
/// [`RawError::ObjectStreamsTooLarge`] once it passes `limits.max_object_streams_bytes`.
/// Streams that cannot be found or read are skipped (loading reports them).
pub(crate) fn object_streams_size(bytes: &[u8], revisions: &[Revision], limits: &Limits) -> Result<u64, RawError> {
    let containers: BTreeSet<u32> = revisions
        .iter()
        .flat_map(|r| r.entries.values())
        .filter_map(|e| match e {
            XrefEntry::InStream { stream, .. } => Some(*stream),
            _ => None,
        })
        .collect();
    // Each distinct place a container is written (an update may rewrite it).
    let mut offsets: BTreeSet<usize> = BTreeSet::new();
    for r in revisions {
        for num in &containers {
            if let Some(XrefEntry::InFile { offset, .. }) = r.entries.get(num) {
                offsets.insert(*offset);
            }
        }
    }
    let limit = limits.max_object_streams_bytes;
    let mut total: u64 = 0;
    for offset in offsets {
        let Ok(obj) = indirect_object_at(bytes, offset, limits.max_depth) else { continue };
        let (Some(range), Some(dict)) = (obj.stream, obj.obj.as_dict()) else { continue };
        let Some(data) = bytes.get(range) else { continue };
        let first_filter = match dict.get(b"Filter") {
            Some(Obj::Name(n)) => Some(n.as_slice()),
            Some(Obj::Array(a)) => a.first().and_then(|o| if let Obj::Name(n) = o { Some(n.as_slice()) } else { None }),
            _ => None,
        };
        let remaining = limit.saturating_sub(total);
        let size = match first_filter {
            Some(b"FlateDecode" | b"Fl") => {
                // One byte past what is left tells "over the budget" from "exactly at it".
                let mut counter = std::io::sink();
                let mut decoder = flate2::read::ZlibDecoder::new(data).take(remaining.saturating_add(1));
                // A corrupt stream counts what inflated before the error.
                let mut counted = CountingSink { inner: &mut counter, n: 0 };
                let _ = std::io::copy(&mut decoder, &mut counted);
                counted.n
            }
            // Other filters (LZW, ASCII85…) are counted at their stored size; lopdf's
            // per-stream limit still bounds each of them.
            _ => data.len() as u64,
        };
        total = total.saturating_add(size);
        if total > limit {
            return Err(RawError::ObjectStreamsTooLarge(limit));
        }
    }
    Ok(total)
}

struct CountingSink<'a, W: std::io::Write> {
    inner: &'a mut W,
    n: u64,
}

impl<W: std::io::Write> std::io::Write for CountingSink<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let w = self.inner.write(buf)?;
        self.n = self.n.saturating_add(w as u64);
        Ok(w)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use crate::{Limits, RawError, RawPdf};

    /// A file whose `n` object streams each hold one hex string of `size` digits (the
    /// shape of the bomb found by tests/hostile_corpus.rs: 30 streams of 60 MB took
    /// verify 2 minutes and 1 GB).
    fn objstm_pdf(n: u32, size: usize) -> Vec<u8> {
        let mut payload = Vec::with_capacity(size + 2);
        payload.push(b'<');
        payload.extend(b"41".repeat(size / 2));
        payload.push(b'>');
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = std::collections::BTreeMap::new();
        let mut add = |out: &mut Vec<u8>, num: u32, body: &[u8]| {
            offsets.insert(num, out.len());
            out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        };
        add(&mut out, 1, b"<< /Type /Catalog /Pages 2 0 R >>");
        add(&mut out, 2, b"<< /Type /Pages /Kids [] /Count 0 >>");
        for i in 0..n {
            let header = format!("{} 0 ", 100 + i);
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            z.write_all(header.as_bytes()).unwrap();
            z.write_all(&payload).unwrap();
            let c = z.finish().unwrap();
            let mut body =
                format!("<< /Type /ObjStm /N 1 /First {} /Filter /FlateDecode /Length {} >>\nstream\n", header.len(), c.len()).into_bytes();
            body.extend_from_slice(&c);
            body.extend_from_slice(b"\nendstream");
            add(&mut out, 10 + i, &body);
        }
        let xref_num = 100 + n;
        let xref_off = out.len();
        let mut rows = Vec::new();
        for num in 0..=xref_num {
            let (t, f2, f3): (u8, u32, u16) = if let Some(o) = offsets.get(&num) {
                (1, *o as u32, 0)
            } else if num == xref_num {
                (1, xref_off as u32, 0)
            } else if (100..100 + n).contains(&num) {
                (2, 10 + num - 100, 0)
            } else {
                (0, 0, 0xffff)
            };
            rows.push(t);
            rows.extend_from_slice(&f2.to_be_bytes());
            rows.extend_from_slice(&f3.to_be_bytes());
        }
        out.extend_from_slice(
            format!("{xref_num} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Length {} >>\nstream\n", xref_num + 1, rows.len())
                .as_bytes(),
        );
        out.extend_from_slice(&rows);
        out.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{xref_off}\n%%EOF\n").as_bytes());
        out
    }

    #[test]
    fn many_object_streams_over_the_total_are_refused() {
        let pdf = objstm_pdf(8, 200_000);
        let limits = Limits { max_object_streams_bytes: 1_000_000, ..Limits::default() };
        assert_eq!(RawPdf::parse_with_limits(&pdf, &limits).unwrap_err(), RawError::ObjectStreamsTooLarge(1_000_000));
        // Each stream alone is within the total; only their sum is not.
        let one = objstm_pdf(1, 200_000);
        assert!(RawPdf::parse_with_limits(&one, &limits).is_ok());
        // The defaults take the 8 streams (1.6 MB) without complaint.
        let raw = RawPdf::parse(&pdf).unwrap();
        assert_eq!(super::object_streams_size(&pdf, &raw.revisions, &Limits::default()).unwrap(), 8 * 200_008);
    }

    #[test]
    fn the_bomb_from_the_hostile_corpus_test_is_refused_quickly() {
        // 12 streams of 30 MB inflate to 360 MB: refused after about 256 MiB of inflating.
        let pdf = objstm_pdf(12, 30_000_000);
        let start = std::time::Instant::now();
        assert!(matches!(RawPdf::parse(&pdf), Err(RawError::ObjectStreamsTooLarge(_))));
        assert!(start.elapsed() < std::time::Duration::from_secs(10), "{:?}", start.elapsed());
    }
}
