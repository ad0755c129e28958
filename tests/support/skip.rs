//! Skipping a test, countably: one file for every test crate of the workspace
//! (`tests/common`, and the crates' own `tests/`, include it with `#[path = ...] mod skip;`).
//!
//! A test that cannot run here (no `../shared` beside the repository, no tmpfs, a tool
//! missing) calls [`skip`] or [`skip_part`]: this prints one line on stderr and, when
//! `VBDT_SKIP_LOG` names a file (scripts/test.sh sets it), appends one line to it, so
//! that the test command can say at the end how many tests were skipped and why (nextest
//! hides the output of passing tests). Under CI (`CI` set, not empty/`false`/`0`) a
//! missing `../shared` is a failure, never a skip: CI always has it.
//!
//! Log line: `skipped<TAB>TEST<TAB>REASON` (the test did nothing) or
//! `partly<TAB>TEST<TAB>REASON` (the test ran without some of its inputs).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

/// The repository root: every crate of the workspace is `crates/NAME`.
pub fn repo_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.ancestors().nth(2).map(Path::to_path_buf).unwrap_or_else(|| manifest.to_path_buf())
}

/// `../shared` beside the repository root, if it is there.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = repo_root().parent()?.join("shared");
    dir.is_dir().then_some(dir)
}

/// `true` when running under CI (`CI` set to anything but empty / `false` / `0`).
pub fn in_ci() -> bool {
    std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false)
}

/// `BINARY::TEST`: the test binary, and the running test's name (libtest names the test's
/// thread after it; nextest runs one test per process through libtest), else `label`.
fn test_name(label: &str) -> String {
    let thread = std::thread::current();
    let name = thread.name().filter(|n| *n != "main").unwrap_or(label);
    format!("{}::{name}", env!("CARGO_CRATE_NAME"))
}

fn record(kind: &str, label: &str, reason: &str) {
    let test = test_name(label);
    let reason = reason.replace(['\n', '\t'], " ");
    eprintln!("{} {test}: {reason}", if kind == "partly" { "PARTLY SKIPPED" } else { "SKIPPED" });
    let Some(log) = std::env::var_os("VBDT_SKIP_LOG").filter(|v| !v.is_empty()) else { return };
    // One short write to a file opened for appending: lines of concurrent tests do not mix.
    let line = format!("{kind}\t{test}\t{reason}\n");
    let written = std::fs::OpenOptions::new().create(true).append(true).open(&log).and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        panic!("{test}: cannot record the skip in VBDT_SKIP_LOG={}: {e}", Path::new(&log).display());
    }
}

/// Records that `test` did not run, and why (one line).
pub fn skip(test: &str, reason: &str) {
    record("skipped", test, reason);
}

/// Records that `test` ran without part of its inputs, and which (one line).
pub fn skip_part(test: &str, reason: &str) {
    record("partly", test, reason);
}

/// `../shared`, or `None` after recording `kind`; under CI a missing shared/ is a failure.
fn shared_or(kind: &str, test: &str, reason: &str) -> Option<PathBuf> {
    let dir = shared_dir();
    if dir.is_none() {
        let beside = repo_root();
        if in_ci() {
            panic!("{test}: ../shared is missing beside {} and CI is set: corpus tests must not be skipped in CI", beside.display());
        }
        record(kind, test, &format!("{reason}../shared is not beside {}", beside.display()));
    }
    dir
}

/// For tests that need `../shared` (the corpus): `Some(dir)`, or `None` after recording
/// the skip. Under CI a missing shared/ is a failure, never a skip.
pub fn shared_or_skip(test: &str) -> Option<PathBuf> {
    shared_or("skipped", test, "")
}

/// For tests that use `../shared` for part of their inputs: `Some(dir)`, or `None` after
/// recording that `what` was left out. Under CI a missing shared/ is a failure.
pub fn shared_for_part(test: &str, what: &str) -> Option<PathBuf> {
    shared_or("partly", test, &format!("without {what}: "))
}
