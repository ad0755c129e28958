//! pdf-raw: revisions, xref tables and streams, and every object the xref names.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small limits so the fuzzer explores the limit paths instead of timing out.
    let limits = pdf_raw::Limits { max_object_streams_bytes: 8 << 20, max_xref_stream_bytes: 8 << 20, ..pdf_raw::Limits::default() };
    let Ok(raw) = pdf_raw::RawPdf::parse_with_limits(data, &limits) else { return };
    let _ = raw.trailer();
    let _ = raw.next_object_number();
    let _ = raw.trailing_bytes();
    let _ = raw.is_encrypted();
    for r in &raw.revisions {
        for e in r.entries.values().take(256) {
            if let pdf_raw::XrefEntry::InFile { offset, .. } = e {
                let _ = pdf_raw::lexer::indirect_object_at(data, *offset, limits.max_depth);
            }
        }
    }
});
