//! Differential: `RevisionLoader::advance` from any revision must give exactly the document
//! `load` gives for the later one (the modification analysis relies on it), and neither may
//! panic or hang on any input.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pdf_raw::{Limits, RawPdf, RevisionLoader};

fn dump(doc: &lopdf::Document) -> String {
    format!("{:?}\n{:?}\n{}", doc.objects, doc.trailer, doc.max_id)
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = RawPdf::parse(data) else { return };
    let n = raw.revisions.len().min(6);
    let limits = Limits::default();
    let mut loader = RevisionLoader::new(data, &raw, &limits);
    let loaded: Vec<Option<lopdf::Document>> = (0..n).map(|i| loader.load(i).ok()).collect();
    for from in 0..n {
        for to in from + 1..n.min(from + 3) {
            let (Some(start), Some(expected)) = (&loaded[from], &loaded[to]) else { continue };
            let mut doc = start.clone();
            let mut fresh = RevisionLoader::new(data, &raw, &limits);
            match fresh.advance(&mut doc, from, to) {
                Ok(()) => assert_eq!(dump(&doc), dump(expected), "revision {from} advanced to {to}"),
                Err(e) => panic!("load({to}) succeeded but advance({from} → {to}) failed: {e}"),
            }
        }
    }
});
