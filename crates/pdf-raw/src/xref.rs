//! One cross-reference section: a classic `xref` table with its trailer, or an xref stream.

use std::io::Read;

use crate::error::{XrefProblem as P, XrefStreamError};
use crate::lexer::{indirect_object_at, Dict, Lexer, Obj};
use crate::{Limits, RawError};

/// Where an object lives according to one xref section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XrefEntry {
    Free,
    /// At a byte offset, with its generation.
    InFile {
        offset: usize,
        gen: u16,
    },
    /// The `index`-th object of object stream `stream`.
    InStream {
        stream: u32,
        index: u32,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct XrefSection {
    pub offset: usize,
    pub is_stream: bool,
    pub entries: Vec<(u32, XrefEntry)>,
    pub trailer: Dict,
    /// First byte after the trailer dictionary or the xref stream's `endobj`.
    pub end: usize,
}

pub(crate) fn read_section(bytes: &[u8], offset: usize, limits: &Limits) -> Result<XrefSection, RawError> {
    let bad = |why: P| RawError::BadXref { offset, why };
    let mut lx = Lexer::new(bytes, offset, limits.max_depth);
    if lx.eat_keyword(b"xref") {
        let mut entries = Vec::new();
        loop {
            let save = lx.pos;
            if lx.eat_keyword(b"trailer") {
                break;
            }
            lx.pos = save;
            let first = lx.read_uint().ok_or_else(|| bad(P::ExpectedSubsectionHeader))?;
            let count = lx.read_uint().ok_or_else(|| bad(P::ExpectedSubsectionCount))?;
            if first.saturating_add(count) > u64::from(limits.max_object_number) {
                return Err(bad(P::ObjectNumbersBeyondLimit { up_to: first.saturating_add(count) }));
            }
            for i in 0..count {
                let off = lx.read_uint().ok_or_else(|| bad(P::BadEntryOffset))?;
                let gen = lx.read_uint().ok_or_else(|| bad(P::BadEntryGeneration))?;
                let kind = lx.token();
                let num = (first + i) as u32;
                let entry = match kind {
                    b"n" => XrefEntry::InFile {
                        offset: usize::try_from(off).map_err(|_| bad(P::OffsetTooLarge))?,
                        gen: u16::try_from(gen).map_err(|_| bad(P::GenerationTooLarge))?,
                    },
                    b"f" => XrefEntry::Free,
                    _ => return Err(bad(P::EntryNeitherNorF { num })),
                };
                entries.push((num, entry));
            }
        }
        let trailer = match lx.object()? {
            Obj::Dict(d) => d,
            _ => return Err(bad(P::TrailerNotDictionary)),
        };
        return Ok(XrefSection { offset, is_stream: false, entries, end: lx.pos, trailer });
    }

    let obj = indirect_object_at(bytes, offset, limits.max_depth).map_err(|e| bad(P::NoXrefKeywordNorStream(Box::new(e))))?;
    let Obj::Dict(dict) = obj.obj else {
        return Err(bad(P::NotXrefStream));
    };
    if dict.get_name(b"Type") != Some(b"XRef") {
        return Err(bad(P::NotTypeXref));
    }
    let data_span = obj.stream.ok_or_else(|| bad(P::NoStreamData))?;
    let data = decode_xref_stream(&bytes[data_span], &dict, limits).map_err(|source| RawError::BadXrefStream { offset, source })?;
    let widths: Vec<usize> = dict
        .get(b"W")
        .and_then(Obj::as_array)
        .ok_or_else(|| bad(P::NoW))?
        .iter()
        .map(|o| o.as_int().and_then(|i| usize::try_from(i).ok()).filter(|&w| w <= 8))
        .collect::<Option<_>>()
        .ok_or_else(|| bad(P::BadW))?;
    if widths.len() != 3 {
        return Err(bad(P::WNotThreeWidths));
    }
    let size = dict.get_int(b"Size").ok_or_else(|| bad(P::NoSize))?;
    let index: Vec<i64> = match dict.get(b"Index").and_then(Obj::as_array) {
        Some(a) => a.iter().map(Obj::as_int).collect::<Option<_>>().ok_or_else(|| bad(P::BadIndex))?,
        None => vec![0, size],
    };
    let row = widths.iter().sum::<usize>();
    if row == 0 {
        return Err(bad(P::ZeroWidths));
    }
    let mut entries = Vec::new();
    let mut rows = data.chunks_exact(row);
    for pair in index.chunks(2) {
        let [first, count] = pair else { return Err(bad(P::OddIndex)) };
        if *first < 0 || *count < 0 || first.saturating_add(*count) > i64::from(limits.max_object_number) {
            return Err(bad(P::IndexOutOfRange));
        }
        for i in 0..*count {
            let Some(r) = rows.next() else { break };
            let field = |n: usize| -> u64 {
                let start: usize = widths[..n].iter().sum();
                r[start..start + widths[n]].iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b))
            };
            // A zero-width type field means type 1 (PDF 32000-1, 7.5.8.2).
            let kind = if widths[0] == 0 { 1 } else { field(0) };
            let num = (first + i) as u32;
            let entry = match kind {
                0 => XrefEntry::Free,
                1 => XrefEntry::InFile {
                    offset: usize::try_from(field(1)).map_err(|_| bad(P::OffsetTooLarge))?,
                    gen: u16::try_from(field(2)).unwrap_or(u16::MAX),
                },
                2 => XrefEntry::InStream {
                    stream: u32::try_from(field(1)).map_err(|_| bad(P::ObjectStreamNumberTooLarge))?,
                    index: u32::try_from(field(2)).map_err(|_| bad(P::ObjectStreamIndexTooLarge))?,
                },
                // Unknown types are to be treated as null references.
                _ => XrefEntry::Free,
            };
            entries.push((num, entry));
        }
    }
    Ok(XrefSection { offset, is_stream: true, entries, end: obj.end, trailer: dict })
}

fn decode_xref_stream(raw: &[u8], dict: &Dict, limits: &Limits) -> Result<Vec<u8>, XrefStreamError> {
    let filters: Vec<&[u8]> = match dict.get(b"Filter") {
        None => vec![],
        Some(Obj::Name(n)) => vec![n.as_slice()],
        Some(Obj::Array(a)) => a.iter().filter_map(|o| if let Obj::Name(n) = o { Some(n.as_slice()) } else { None }).collect(),
        Some(_) => return Err(XrefStreamError::BadFilter),
    };
    let mut data = raw.to_vec();
    for f in &filters {
        match *f {
            b"FlateDecode" | b"Fl" => {
                let mut out = Vec::new();
                let cap = limits.max_xref_stream_bytes as u64 + 1;
                flate2::read::ZlibDecoder::new(&data[..])
                    .take(cap)
                    .read_to_end(&mut out)
                    .map_err(|e| XrefStreamError::Inflate(std::sync::Arc::new(e)))?;
                if out.len() as u64 >= cap {
                    return Err(XrefStreamError::TooLarge(limits.max_xref_stream_bytes));
                }
                data = out;
            }
            other => return Err(XrefStreamError::UnsupportedFilter(String::from_utf8_lossy(other).into_owned())),
        }
    }
    let parms = match dict.get(b"DecodeParms") {
        Some(Obj::Dict(d)) => Some(d),
        Some(Obj::Array(a)) => a.first().and_then(Obj::as_dict),
        _ => None,
    };
    if let Some(p) = parms {
        let predictor = p.get_int(b"Predictor").unwrap_or(1);
        if predictor >= 10 {
            let columns = usize::try_from(p.get_int(b"Columns").unwrap_or(1)).map_err(|_| XrefStreamError::BadColumns)?;
            data = png_unpredict(&data, columns)?;
        } else if predictor != 1 {
            return Err(XrefStreamError::UnsupportedPredictor(predictor));
        }
    }
    Ok(data)
}

/// Undoes PNG row predictors (one byte per pixel, as xref streams use).
fn png_unpredict(data: &[u8], columns: usize) -> Result<Vec<u8>, XrefStreamError> {
    if columns == 0 || columns > 64 {
        return Err(XrefStreamError::BadColumns);
    }
    let stride = columns + 1;
    let mut out = Vec::with_capacity(data.len() / stride * columns);
    let mut prev = vec![0u8; columns];
    for row in data.chunks(stride) {
        if row.len() < stride {
            break;
        }
        let (kind, cur) = (row[0], &row[1..]);
        let mut line = vec![0u8; columns];
        for i in 0..columns {
            let left = if i > 0 { line[i - 1] } else { 0 };
            let up = prev[i];
            let up_left = if i > 0 { prev[i - 1] } else { 0 };
            line[i] = match kind {
                0 => cur[i],
                1 => cur[i].wrapping_add(left),
                2 => cur[i].wrapping_add(up),
                3 => cur[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => {
                    let p = i16::from(left) + i16::from(up) - i16::from(up_left);
                    let (pa, pb, pc) = ((p - i16::from(left)).abs(), (p - i16::from(up)).abs(), (p - i16::from(up_left)).abs());
                    let pred = if pa <= pb && pa <= pc {
                        left
                    } else if pb <= pc {
                        up
                    } else {
                        up_left
                    };
                    cur[i].wrapping_add(pred)
                }
                k => return Err(XrefStreamError::BadPngPredictor(k)),
            };
        }
        out.extend_from_slice(&line);
        prev = line;
    }
    Ok(out)
}
