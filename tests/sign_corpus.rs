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
            (fp.len() == 64 && fp.bytes().all(|b| b.is_ascii_hexdigit())).then(|| PyhankoLine { field: field.to_string(), status: status.to_string() })
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
        if !lines.is_empty() && !text.contains("Generic processing error") {
            return Some((lines, text));
        }
    }
    None
}

fn corpus_files(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["dss-signed", "pyhanko"] {
        let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus").join(dir)).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
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
    let mut problems = Vec::new();
    let mut signed = 0;
    let mut refused = 0;
    let files = corpus_files(&shared);
    assert!(files.len() > 100, "the corpus looks incomplete: {} files", files.len());
    for input in &files {
        let name = input.file_name().unwrap().to_string_lossy().into_owned();
        let before = sha256_file(input);
        let out = dir.path().join(&name);
        let mut cmd = vbdt(["sign"]);
        cmd.arg(input).arg("-o").arg(&out).arg("--p12").arg(pki.p12("personal")).arg("--pass-file").arg(pki.password_file()).args(["--offline", "--lang", "en"]);
        let o = run(&mut cmd);
        let text = output_text(&o);
        assert_eq!(sha256_file(input), before, "{name}: the input changed");
        match o.status.code() {
            Some(0) => signed += 1,
            Some(4) => {
                refused += 1;
                if text.trim().lines().count() != 1 || !text.contains(&name) {
                    problems.push(format!("{name}: refusal is not one line naming the file: {text}"));
                }
                if out.exists() {
                    problems.push(format!("{name}: refused but an output exists"));
                }
                continue;
            }
            other => {
                problems.push(format!("{name}: exit {other:?} (expected 0 or 4): {text}"));
                continue;
            }
        }

        // The new signature: pyHanko reads it as intact and trusted; earlier signatures
        // keep the integrity pyHanko saw before. Where pyHanko cannot read pyHanko's own
        // signature on the same input either, pdfsig is the validator.
        let original = pyhanko_read(input, &pki.root());
        match pyhanko_read(&out, &pki.root()) {
            Some((after, text)) => {
                let Some(ours) = after.iter().find(|l| l.field == "Sig_Personal") else {
                    problems.push(format!("{name}: pyHanko does not list the new signature:\n{text}"));
                    continue;
                };
                if !ours.status.starts_with("INTACT:TRUSTED") {
                    problems.push(format!("{name}: new signature is {}", ours.status));
                }
                if let Some((before_lines, _)) = &original {
                    for b in before_lines {
                        let Some(a) = after.iter().find(|a| a.field == b.field) else {
                            problems.push(format!("{name}: earlier signature {} disappeared", b.field));
                            continue;
                        };
                        if b.status.starts_with("INTACT") && !a.status.starts_with("INTACT") {
                            problems.push(format!("{name}: earlier signature {} was {} and is now {}", b.field, b.status, a.status));
                        }
                        if modification_ok(&b.status) && !modification_ok(&a.status) && !pyhanko_own_signature_breaks_it_too(input, &pki.root(), &b.field, dir.path()) {
                            problems.push(format!("{name}: after vbdt's signature pyHanko judges earlier signature {} as {} (it was {})", b.field, a.status, b.status));
                        }
                    }
                }
            }
            None => {
                let report = pdfsig_validate(&out, &pki.root());
                let ours = report.signatures.last();
                if !ours.is_some_and(|s| s.ok()) {
                    problems.push(format!("{name}: neither pyHanko nor pdfsig accepts the new signature:\n{}", report.output));
                }
            }
        }
    }
    eprintln!("corpus: {signed} signed, {refused} refused, {} files", files.len());
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(signed > 60, "too few corpus files could be signed: {signed}");
}

/// The oracle for modification analysis on odd files (linearized, dangling references):
/// does pyHanko judge an earlier signature the same way after pyHanko itself signs?
fn pyhanko_own_signature_breaks_it_too(input: &Path, root: &Path, field: &str, scratch: &Path) -> bool {
    let pki = TestPki::shared();
    let out = scratch.join("pyhanko-oracle.pdf");
    let _ = std::fs::remove_file(&out);
    let mut cmd = Command::new(require_tool("pyhanko"));
    cmd.args(["sign", "addsig", "--field", "PyHankoOracle", "pkcs12", "--passfile"]).arg(pki.password_file()).arg(input).arg(&out).arg(pki.p12("personal"));
    let o = run(&mut cmd);
    if !o.status.success() {
        return true;
    }
    match pyhanko_read(&out, root) {
        Some((lines, _)) => lines.iter().find(|l| l.field == field).is_some_and(|l| !modification_ok(&l.status)),
        None => true,
    }
}
