//! `vbdt verify` on PDFs no one on this project wrote (../shared/corpus): real signatures
//! from other software and other PKIs, forged byte ranges, malformed files and
//! denial-of-service files. Under CI a missing ../shared is a failure, never a skip.

mod common;
mod verify_util;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;
use pdf_verify::report::Outcome;
use pdf_verify::verdict::{CheckStatus, Verdict};
use pdf_verify::VerifyOptions;

/// Offline, no trust anchors at all.
fn no_trust() -> VerifyOptions {
    VerifyOptions::default()
}

fn corpus_files(shared: &Path, folder: &str) -> Vec<PathBuf> {
    let manifest = std::fs::read_to_string(shared.join("corpus").join(folder).join("MANIFEST.tsv")).unwrap();
    manifest
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').next())
        .filter(|f| !f.is_empty())
        .map(|f| shared.join("corpus").join(folder).join(f))
        .collect()
}

fn verify(path: &Path, opts: &VerifyOptions) -> Outcome {
    let start = Instant::now();
    let o = std::panic::catch_unwind(|| pdf_verify::verify_path(path, opts))
        .unwrap_or_else(|_| panic!("verify panicked on {}", path.display()));
    let took = start.elapsed();
    assert!(took < Duration::from_secs(30), "{} took {took:?}", path.display());
    o
}

/// (file, signature index) whose later revisions make disallowed changes, as pyHanko 0.38
/// also grades them (OTHER), or where pyHanko does not grade and vbdt's policy says so.
const DISALLOWED: &[(&str, usize)] = &[
    // revision 8 rewrites VRI entries of earlier revisions (pyHanko: OTHER)
    ("PAdES-LT.pdf", 4),
    // revision 4 changes page 1's /Resources and /Annots (pyHanko: OTHER)
    ("Signature-P-DE_SCI-4.pdf", 1),
    // revisions 6 and 7 rewrite VRI entries (pyHanko: OTHER)
    ("Signature-P-FR_CS-5.pdf", 2),
    // revision 2 adds /ITXT to the page tree root (pyHanko does not list this signature)
    ("pkcs7_sha1.pdf", 1),
    // a later revision rewrites object 49, which the trailer's own /AdditionalStreams key
    // names: every trailer key is a use (pyHanko's ap_indirect_sneaky_trailer case); pyHanko
    // cannot read these two signatures (KeyError, SignatureValidationError)
    ("pades-lt-extended-dss.pdf", 1),
    ("pades-lt-extended-dss.pdf", 2),
];

#[test]
fn dss_signed_every_signature_passes_dieu30_and_chains_are_indeterminate_without_anchors() {
    let Some(shared) = shared_or_skip("dss_signed") else { return };
    let files = corpus_files(&shared, "dss-signed");
    assert!(files.len() >= 20, "the dss-signed manifest lists {} files", files.len());
    let opts = no_trust();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let r = match verify(f, &opts) {
            Outcome::Report(r) => r,
            Outcome::Error(e) => panic!("{name}: {}", e.error.en),
        };
        assert!(!r.signatures.is_empty(), "{name}: no signature found");
        assert_ne!(r.verdict, Verdict::Valid, "{name}: valid without any trust anchor");
        for s in &r.signatures {
            for id in ["byte_range", "digest", "signed_attributes", "signature"] {
                let c = s.checks.iter().find(|c| c.id == id).unwrap();
                assert_eq!(c.status, CheckStatus::Pass, "{name} signature {} ({}): {id}: {}", s.index, s.field, c.message.en);
            }
            let path = s.checks.iter().find(|c| c.id == "path").unwrap();
            assert_eq!(path.status, CheckStatus::Indeterminate, "{name} signature {}: path: {}", s.index, path.message.en);
            let disallowed = s.modifications_after == pdf_verify::modifications::ModSummary::Disallowed;
            let expected = DISALLOWED.contains(&(name.as_str(), s.index));
            assert_eq!(
                disallowed, expected,
                "{name} signature {}: modifications {:?}: {:#?}",
                s.index, s.modifications_after, s.modifications
            );
        }
    }
}

#[test]
fn dss_signed_cli_exit_code_is_indeterminate_or_invalid_never_valid() {
    let Some(shared) = shared_or_skip("dss_signed_cli") else { return };
    let files = corpus_files(&shared, "dss-signed");
    let mut cmd = vbdt(["verify", "--offline", "--format", "json", "-j", "2"]);
    cmd.args(&files);
    let out = run(&mut cmd);
    let code = out.status.code().unwrap();
    assert!(code == 1 || code == 3, "exit {code}:\n{}", output_text(&out));
    let report = report_of(&out);
    let listed: Vec<&str> = report["files"].as_array().unwrap().iter().map(|f| f["file"].as_str().unwrap()).collect();
    let given: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    assert_eq!(listed, given, "results not in input order");
}

#[test]
fn coverage_anomalies_are_never_valid() {
    let Some(shared) = shared_or_skip("coverage_anomalies") else { return };
    let files: Vec<PathBuf> = corpus_files(&shared, "pyhanko")
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("coverage-anomalies__") && !f.to_string_lossy().ends_with("__base.pdf"))
        .collect();
    assert_eq!(files.len(), 4);
    // Even trusting every certificate the files carry, none may be valid.
    for f in &files {
        match verify(f, &no_trust()) {
            Outcome::Report(r) => {
                assert_eq!(r.verdict, Verdict::Invalid, "{}", f.display());
                for s in &r.signatures {
                    assert_eq!(s.verdict, Verdict::Invalid, "{} signature {}", f.display(), s.index);
                    let failed: Vec<&str> = s.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id).collect();
                    assert!(failed.contains(&"byte_range") || failed.contains(&"modifications"), "{}: {failed:?}", f.display());
                }
            }
            Outcome::Error(e) => panic!("{}: {}", f.display(), e.error.en),
        }
    }
}

#[test]
fn every_corpus_file_finishes_quickly_without_panic() {
    let Some(shared) = shared_or_skip("every_corpus_file") else { return };
    let mut files = corpus_files(&shared, "pyhanko");
    files.extend(corpus_files(&shared, "pdf101-dos").into_iter().filter(|f| f.extension().is_some_and(|e| e == "pdf")));
    files.extend(corpus_files(&shared, "dss-signed"));
    let opts = no_trust();
    let mut unreadable = 0;
    for f in &files {
        if let Outcome::Error(e) = verify(f, &opts) {
            unreadable += 1;
            assert!(
                !e.error.en.is_empty() && !e.error.en.contains('\n') && !e.error.vi.contains('\n'),
                "{}: error must be one line: {:?}",
                f.display(),
                e.error
            );
        }
    }
    assert!(unreadable < files.len() / 2, "{unreadable} of {} files unreadable", files.len());
}

#[test]
fn deflate_bombs_finish_with_bounded_memory() {
    let Some(shared) = shared_or_skip("deflate_bombs") else { return };
    let dir = verify_util::tmp();
    let bombs: Vec<PathBuf> = corpus_files(&shared, "pdf101-dos").into_iter().filter(|f| f.to_string_lossy().ends_with(".gz")).collect();
    assert_eq!(bombs.len(), 6);
    for gz in &bombs {
        let name = gz.file_name().unwrap().to_string_lossy().trim_end_matches(".gz").to_string();
        let out = dir.path().join(&name);
        let unzipped = std::process::Command::new("gunzip").arg("-c").arg(gz).output().unwrap();
        assert!(unzipped.status.success());
        std::fs::write(&out, &unzipped.stdout).unwrap();
        // Through the CLI, so that memory is measured per process (peak RSS from /proc).
        let start = Instant::now();
        let mut child = vbdt(["verify", "--offline", "--format", "json"])
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut max_kb: u64 = 0;
        let status = loop {
            if let Ok(s) = std::fs::read_to_string(format!("/proc/{}/status", child.id())) {
                if let Some(kb) =
                    s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok())
                {
                    max_kb = max_kb.max(kb);
                }
            }
            if let Some(st) = child.try_wait().unwrap() {
                break st;
            }
            assert!(start.elapsed() < Duration::from_secs(60), "{name}: too slow");
            std::thread::sleep(Duration::from_millis(20));
        };
        let code = status.code().unwrap_or(-1);
        assert!(code == 1 || code == 4, "{name}: exit {code}");
        assert!(max_kb < 1_500_000, "{name}: {max_kb} KB resident");
    }
}

#[test]
fn encrypted_files_say_why_and_open_with_the_password() {
    let Some(shared) = shared_or_skip("encrypted") else { return };
    let f = shared.join("corpus/pyhanko/minimal-aes256.pdf");
    let out = run(vbdt(["verify", "--offline"]).arg(&f));
    assert_eq!(out.status.code(), Some(4), "{}", output_text(&out));
    assert!(output_text(&out).contains("--password-env"), "{}", output_text(&out));
    let mut cmd = vbdt(["verify", "--offline", "--password-env", "PDFPW"]);
    cmd.env("PDFPW", "usersecret").arg(&f);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(1), "unsigned expected: {}", output_text(&out));
    let pubkey = shared.join("corpus/pyhanko/minimal-pubkey-aes256.pdf");
    for (lang, said) in [("en", "certificate holders"), ("vi", "người giữ chứng thư chữ ký số")] {
        let out = run(vbdt(["verify", "--offline", "--lang", lang]).arg(&pubkey));
        assert_eq!(out.status.code(), Some(4));
        assert!(output_text(&out).contains(said), "{}", output_text(&out));
    }
}
