//! Raw looks at the bytes around objects, for checks that a reader which trusts the
//! cross-reference data would not make: what object header an offset really holds,
//! which objects a span of bytes defines (a reader that rebuilds the cross-reference
//! table uses the last definition of each), and what a revision's own `startxref` says.

use std::ops::Range;

use crate::lexer::{is_whitespace, rfind, Lexer};

/// The `NUM GEN obj` header at `offset`, if there is one.
pub fn object_header_at(bytes: &[u8], offset: usize) -> Option<(u32, u16)> {
    if offset >= bytes.len() {
        return None;
    }
    let mut lx = Lexer::new(bytes, offset, 1);
    let num = u32::try_from(lx.read_uint()?).ok()?;
    let gen = u16::try_from(lx.read_uint()?).ok()?;
    lx.eat_keyword(b"obj").then_some((num, gen))
}

/// Every `NUM GEN obj` header that starts a line (or follows white space) inside `span`,
/// in order, as (offset, number, generation). At most `max` are returned.
pub fn object_headers(bytes: &[u8], span: Range<usize>, max: usize) -> Vec<(usize, u32, u16)> {
    let span = span.start.min(bytes.len())..span.end.min(bytes.len());
    let hay = &bytes[span.clone()];
    let mut out = Vec::new();
    for hit in memchr::memmem::find_iter(hay, b"obj") {
        if out.len() >= max {
            break;
        }
        let at = span.start + hit;
        // "obj" must end a keyword (not "objstm" or "endobj").
        if bytes.get(at + 3).is_some_and(|b| !is_whitespace(*b) && !b"<[/(%".contains(b)) {
            continue;
        }
        if let Some(start) = header_start(bytes, span.start, at) {
            if let Some((num, gen)) = object_header_at(bytes, start) {
                out.push((start, num, gen));
            }
        }
    }
    out
}

/// Walks back from the `obj` keyword at `at` over "NUM WS GEN WS": where NUM starts.
fn header_start(bytes: &[u8], lo: usize, at: usize) -> Option<usize> {
    let mut p = at;
    let back_ws = |p: &mut usize| {
        let s = *p;
        while *p > lo && is_whitespace(bytes[*p - 1]) {
            *p -= 1;
        }
        *p < s
    };
    let back_digits = |p: &mut usize| {
        let s = *p;
        while *p > lo && bytes[*p - 1].is_ascii_digit() && s - *p < 10 {
            *p -= 1;
        }
        *p < s
    };
    if !back_ws(&mut p) || !back_digits(&mut p) || !back_ws(&mut p) || !back_digits(&mut p) {
        return None;
    }
    // The number must itself start a token.
    (p == lo || is_whitespace(bytes[p - 1])).then_some(p)
}

/// The offset the last `startxref` before `before` names (and not before `after`).
pub fn startxref_before(bytes: &[u8], after: usize, before: usize) -> Option<usize> {
    let at = rfind(bytes, b"startxref", before)?;
    if at < after {
        return None;
    }
    let mut lx = Lexer::new(bytes, at + 9, 1);
    usize::try_from(lx.read_uint()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_found_and_read() {
        let b = b"%PDF-1.7\n1 0 obj\n<< >>\nendobj\n12 3 obj [] endobj\n% 4 0 objstm\nx 5 0 obj\n";
        let h = object_headers(b, 0..b.len(), 10);
        assert_eq!(h.iter().map(|x| (x.1, x.2)).collect::<Vec<_>>(), vec![(1, 0), (12, 3), (5, 0)]);
        assert_eq!(object_header_at(b, h[1].0), Some((12, 3)));
        assert_eq!(object_header_at(b, 17), None, "inside a dictionary");
    }

    #[test]
    fn startxref_is_read() {
        let b = b"xref\nstartxref\n1234\n%%EOF\n";
        assert_eq!(startxref_before(b, 0, b.len()), Some(1234));
        assert_eq!(startxref_before(b, 10, b.len()), None);
    }
}
