//! Prints the revisions of each file given: `cargo run -p pdf-raw --example rawinfo FILE…`.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                println!("{path}: {e}");
                continue;
            }
        };
        match pdf_raw::RawPdf::parse(&bytes) {
            Ok(raw) => {
                let revs: Vec<String> =
                    raw.revisions.iter().map(|r| format!("{}..{} {:?} ({} objs)", r.start, r.end, r.kind, r.entries.len())).collect();
                println!(
                    "{path}: v{} len {} {}{}",
                    raw.header_version,
                    raw.len,
                    revs.join(" | "),
                    if raw.startxref_repaired { " [repaired]" } else { "" }
                );
            }
            Err(e) => println!("{path}: ERROR {e}"),
        }
    }
}
