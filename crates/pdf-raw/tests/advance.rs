//! `RevisionLoader::advance` must give exactly the document `load` gives, on every
//! multi-revision file of the shared corpus (real files from other software: xref tables,
//! xref streams, object streams, hybrids).

#[path = "../../../tests/support/skip.rs"]
mod skip;

use std::path::PathBuf;

use pdf_raw::{Limits, RawError, RawPdf, RevisionLoader};

/// The PDFs of `../shared/corpus`, or `None` (the skip recorded) when it is absent.
fn corpus_pdfs(test: &str) -> Option<Vec<PathBuf>> {
    let root = skip::shared_or_skip(test)?.join("corpus");
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")) {
                out.push(p);
            }
        }
    }
    out.sort();
    Some(out)
}

/// The document as text: lopdf's objects and trailer, in order.
fn dump(doc: &lopdf::Document) -> String {
    format!("{:?}\n{:?}\n{}", doc.objects, doc.trailer, doc.max_id)
}

#[test]
fn advancing_a_revision_equals_loading_the_later_one() {
    let mut files_checked = 0;
    let mut pairs_checked = 0;
    let Some(pdfs) = corpus_pdfs("advancing_a_revision_equals_loading_the_later_one") else { return };
    for path in pdfs {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(raw) = RawPdf::parse(&bytes) else { continue };
        let n = raw.revisions.len();
        if n < 2 || raw.is_encrypted() {
            continue;
        }
        let limits = Limits::default();
        let mut loader = RevisionLoader::new(&bytes, &raw, &limits);
        let loaded: Vec<Option<String>> = (0..n).map(|i| loader.load(i).ok().map(|d| dump(&d))).collect();
        let mut checked_here = false;
        for from in 0..n {
            for to in from + 1..n.min(from + 4) {
                let (Some(_), Some(expected)) = (&loaded[from], &loaded[to]) else { continue };
                let mut doc = RevisionLoader::new(&bytes, &raw, &limits).load(from).unwrap();
                // A fresh loader, so that the objects advance reads are not already cached.
                let mut fresh = RevisionLoader::new(&bytes, &raw, &limits);
                fresh.advance(&mut doc, from, to).unwrap_or_else(|e| panic!("{}: advance {from}→{to}: {e}", path.display()));
                assert_eq!(&dump(&doc), expected, "{}: revision {} advanced to {}", path.display(), from + 1, to + 1);
                pairs_checked += 1;
                checked_here = true;
            }
        }
        files_checked += usize::from(checked_here);
    }
    // The corpus holds dozens of multi-revision files; a handful means it was not found.
    assert!(files_checked >= 10 && pairs_checked >= 20, "only {files_checked} files / {pairs_checked} revision pairs checked");
    eprintln!("{files_checked} files, {pairs_checked} revision pairs");
}

#[test]
fn advancing_backwards_is_refused() {
    let Some(pdfs) = corpus_pdfs("advancing_backwards_is_refused") else { return };
    let path = pdfs.into_iter().find(|p| {
        let b = std::fs::read(p).unwrap();
        RawPdf::parse(&b).is_ok_and(|r| r.revisions.len() >= 2 && !r.is_encrypted())
    });
    let path = path.expect("a multi-revision file in the corpus");
    let bytes = std::fs::read(&path).unwrap();
    let raw = RawPdf::parse(&bytes).unwrap();
    let mut loader = RevisionLoader::new(&bytes, &raw, &Limits::default());
    let mut doc = loader.load(1).unwrap();
    assert_eq!(loader.advance(&mut doc, 1, 0), Err(RawError::CannotAdvance { from: 1, to: 0 }));
    assert_eq!(loader.advance(&mut doc, 1, 1), Err(RawError::CannotAdvance { from: 1, to: 1 }));
}
