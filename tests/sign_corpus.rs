//! Signing every file of other projects' test suites (`../shared/corpus`): each either
//! gets a signature pyHanko accepts with every earlier signature still intact, or a clear
//! refusal; nothing panics and no input changes.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// One signature as `pyhanko sign validate` prints it: `FIELD:SHA256:STATUS,…`.
#[derive(Debug, Clone)]
struct PyhankoLine {
    field: String,
    status: String,
}

fn pyhanko_lines(text: &str) -> Vec<PyhankoLine> {
    text.lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let field = parts.next()?;
            let fp = parts.next()?;
            let status = parts.next()?;
            (fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| PyhankoLine { field: field.to_string(), status: status.to_string() })
        })
        .collect()
}

/// pyHanko's per-signature lines; strict syntax first, then lenient (hybrid files and
/// syntax pyHanko's strict mode refuses). `None` when pyHanko cannot read the file at all.
fn pyhanko_read(pdf: &Path, root: &Path) -> Option<(Vec<PyhankoLine>, String)> {
    for strict in [true, false] {
        let mut cmd = Command::new(require_tool("pyhanko"));
        cmd.args(["sign", "validate", "--no-revocation-check", "--trust"]).arg(root).arg("--trust-replace");
        if !strict {
            cmd.arg("--no-strict-syntax");
        }
        let out = run(cmd.arg(pdf));
        let text = output_text(&out);
        let lines = pyhanko_lines(&text);
        // pyHanko's strict mode refuses hybrid-reference files outright; that is its
        // policy, not a verdict on the signature, so read those leniently.
        let strict_refusal = text.contains("hybrid-reference files") || text.contains("strict mode");
        if !lines.is_empty() && !text.contains("Generic processing error") && (!strict || !strict_refusal) {
            return Some((lines, text));
        }
    }
    None
}

fn corpus_files(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["dss-signed", "pyhanko"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus").join(dir))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
            .collect();
        v.sort();
        files.extend(v);
    }
    files
}

fn modification_ok(status: &str) -> bool {
    !status.contains("ILLEGAL_MODIFICATIONS") && !status.contains("NONSTANDARD_COVERAGE")
}

#[test]
fn corpus_files_are_signed_validly_or_refused_clearly() {
    let Some(shared) = shared_or_skip("corpus_files_are_signed_validly_or_refused_clearly") else { return };
    let pki = TestPki::shared();
    let dir = tempfile::Builder::new().prefix("vbdt-corpus-").tempdir().unwrap();
    let files = corpus_files(&shared);
    assert!(files.len() > 100, "the corpus looks incomplete: {} files", files.len());
    // Two workers: pyHanko's start-up dominates, and the machine has two cores.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<FileResult>> = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (next, results, files, dir) = (&next, &results, &files, dir.path());
            scope.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(input) = files.get(i) else { break };
                let r = check_one(pki, input, &dir.join(format!("w{worker}")));
                results.lock().unwrap().push(r);
            });
        }
    });
    let results = results.into_inner().unwrap();
    let signed = results.iter().filter(|r| r.signed).count();
    let refused = results.len() - signed;
    let mut problems: Vec<String> = results.into_iter().flat_map(|r| r.problems).collect();
    problems.sort();
    eprintln!("corpus: {signed} signed, {refused} refused, {} files", files.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(signed > 60, "too few corpus files could be signed: {signed}");
}

struct FileResult {
    signed: bool,
    problems: Vec<String>,
}

/// Signs one corpus file and checks the result (see the test's comment).
fn check_one(pki: &TestPki, input: &Path, scratch: &Path) -> FileResult {
    std::fs::create_dir_all(scratch).unwrap();
    let mut problems = Vec::new();
    let name = input.file_name().unwrap().to_string_lossy().into_owned();
    let before = sha256_file(input);
    let out = scratch.join(&name);
    let mut cmd = vbdt(["sign"]);
    cmd.arg(input).arg("-o").arg(&out).arg("--p12").arg(pki.p12("personal")).arg("--pass-file").arg(pki.password_file()).args([
        "--offline",
        "--lang",
        "en",
    ]);
    let o = run(&mut cmd);
    let text = output_text(&o);
    if sha256_file(input) != before {
        problems.push(format!("{name}: the input changed"));
    }
    match o.status.code() {
        Some(0) => {}
        Some(4) => {
            if text.trim().lines().count() != 1 || !text.contains(&name) {
                problems.push(format!("{name}: refusal is not one line naming the file: {text}"));
            }
            if out.exists() {
                problems.push(format!("{name}: refused but an output exists"));
            }
            return FileResult { signed: false, problems };
        }
        other => {
            problems.push(format!("{name}: exit {other:?} (expected 0 or 4): {text}"));
            return FileResult { signed: false, problems };
        }
    }

    // The new signature: pyHanko reads it as intact and trusted; earlier signatures keep
    // the integrity and modification verdict pyHanko gave them before. Where pyHanko
    // cannot read the result at all, pdfsig is the validator.
    match pyhanko_read(&out, &pki.root()) {
        Some((after, text)) => {
            match after.iter().find(|l| l.field == "Sig_Personal") {
                Some(ours) if ours.status.starts_with("INTACT:TRUSTED") => {}
                Some(ours) => problems.push(format!("{name}: new signature is {}", ours.status)),
                None => problems.push(format!("{name}: pyHanko does not list the new signature:\n{text}")),
            }
            let suspicious =
                after.iter().any(|a| a.field != "Sig_Personal" && (!a.status.starts_with("INTACT") || !modification_ok(&a.status)));
            if suspicious {
                // Only now is the original's verdict needed (pyHanko is slow to start).
                if let Some((before_lines, _)) = pyhanko_read(input, &pki.root()) {
                    for b in &before_lines {
                        let Some(a) = after.iter().find(|a| a.field == b.field) else {
                            problems.push(format!("{name}: earlier signature {} disappeared", b.field));
                            continue;
                        };
                        if b.status.starts_with("INTACT") && !a.status.starts_with("INTACT") {
                            problems.push(format!("{name}: earlier signature {} was {} and is now {}", b.field, b.status, a.status));
                        }
                        if modification_ok(&b.status)
                            && !modification_ok(&a.status)
                            && !pyhanko_own_signature_breaks_it_too(pki, input, &b.field, scratch)
                        {
                            problems.push(format!(
                                "{name}: after vbdt's signature pyHanko judges earlier signature {} as {} (it was {})",
                                b.field, a.status, b.status
                            ));
                        }
                    }
                }
            }
        }
        None => {
            let report = pdfsig_validate(&out, &pki.root());
            if !report.signatures.last().is_some_and(|s| s.ok()) {
                problems.push(format!("{name}: neither pyHanko nor pdfsig accepts the new signature:\n{}", report.output));
            }
        }
    }
    FileResult { signed: true, problems }
}

/// The oracle for modification analysis on odd files (linearized, dangling references):
/// does pyHanko judge an earlier signature the same way after pyHanko itself signs?
fn pyhanko_own_signature_breaks_it_too(pki: &TestPki, input: &Path, field: &str, scratch: &Path) -> bool {
    let root = pki.root();
    let root = root.as_path();
    let out = scratch.join("pyhanko-oracle.pdf");
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "addsig", "--field", "PyHankoOracle", "pkcs12", "--passfile"])
        .arg(pki.password_file())
        .arg(input)
        .arg(&out)
        .arg(pki.p12("personal"));
    let o = run(&mut cmd);
    if !o.status.success() {
        return true;
    }
    match pyhanko_read(&out, root) {
        Some((lines, _)) => lines.iter().find(|l| l.field == field).is_some_and(|l| !modification_ok(&l.status)),
        None => true,
    }
}
