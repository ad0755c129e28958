//! stamp-layout's page text reader (content streams, fonts, CMaps, widths), which
//! placement of every appearance depends on.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = lopdf::LoadOptions { max_decompressed_size: Some(8 << 20), ..lopdf::LoadOptions::default() };
    let Ok(doc) = lopdf::Document::load_mem_with_options(data, opts) else { return };
    for page in 0..doc.get_pages().len().min(4) {
        if let Ok(lines) = stamp_layout::text::page_lines(&doc, page) {
            for l in lines.iter().take(64) {
                let _ = l.find("QUYẾT ĐỊNH");
            }
        }
    }
});
