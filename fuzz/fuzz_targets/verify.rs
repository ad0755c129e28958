//! Signature extraction and the whole offline verification of one PDF.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = pdf_verify::VerifyOptions::default(); // offline, no trust anchors
    let _ = pdf_verify::verify_bytes(data, "fuzz.pdf", &opts);
});
