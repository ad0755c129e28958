//! `just bench` in its smallest mode (`scripts/bench/bench.py --smoke`), so that the
//! benchmark does not rot: every tool it drives (vbdt, pyHanko, pdfsig, OpenSSL, valgrind)
//! must still run and be judged successful, and the report must still be written. The
//! speed targets themselves are not asserted (issue 8: measured, not tested).

mod common;

use std::process::Command;

use common::*;

#[test]
fn bench_smoke_mode_measures_every_tool_and_writes_the_report() {
    for tool in ["pyhanko", "pdfsig", "certutil", "pk12util", "valgrind", "openssl", "pdfinfo", "certomancer-csc"] {
        require_tool(tool);
    }
    let dir = tempfile::Builder::new().prefix("vbdt-bench-smoke-").tempdir().unwrap();
    let scratch = dir.path().join("scratch");
    let doc = dir.path().join("benchmarks.md");
    let out = run(Command::new("python3")
        .arg(repo_root().join("scripts/bench/bench.py"))
        .args(["--smoke", "--no-install", "--vbdt"])
        .arg(vbdt_bin())
        .arg("--dir")
        .arg(&scratch)
        .arg("--doc")
        .arg(&doc));
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let report = std::fs::read_to_string(&doc).unwrap_or_else(|e| panic!("no report {}: {e}\n{text}", doc.display()));
    let failed: Vec<&str> = report.lines().filter(|l| l.starts_with('|') && l.contains("FAILED")).collect();
    assert!(failed.is_empty(), "{}\n\n{report}", failed.join("\n"));
    // Every row has a time for vbdt, and the peers were measured on the shared rows.
    for row in [
        "| sign 2-page decision |",
        "| verify 2-page decision, 1 signature |",
        "| sign batch of 10 small documents |",
        "| verify batch of 10 small documents |",
    ] {
        let line = report.lines().find(|l| l.starts_with(row)).unwrap_or_else(|| panic!("no row {row}:\n{report}"));
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // case, vbdt, vbdt RSS, pyHanko, pyHanko RSS, pdfsig, pdfsig RSS, ...
        for (i, name) in [(2, "vbdt"), (4, "pyHanko"), (6, "pdfsig")] {
            assert!(cells[i].contains("ms") || cells[i].contains(" s"), "{name} has no time in {line}");
        }
    }
    // Remote signing: vbdt and pyHanko's CSC signer against the same service.
    let line = report.lines().find(|l| l.starts_with("| sign 5 documents through CSC")).unwrap_or_else(|| panic!("no CSC row:\n{report}"));
    let cells: Vec<&str> = line.split('|').map(str::trim).collect();
    for (i, name) in [(2, "vbdt"), (4, "pyHanko")] {
        assert!(cells[i].contains("ms") || cells[i].contains(" s"), "{name} has no time in {line}");
    }
    assert!(report.contains("| verify, 2-page decision (1 signature) | "), "no instruction count:\n{report}");
    for target in [
        "10× faster than pyHanko",
        "faster than pdfsig",
        "within 2× of the floor",
        "peak memory below 64 MiB",
        "in under 2 s using both cores",
        "linear in the number of signatures",
        "linear in file size",
    ] {
        let line = report.lines().find(|l| l.contains(target)).unwrap_or_else(|| panic!("no target {target}:\n{report}"));
        assert!(line.contains("**met**") || line.contains("**not met**"), "target not decided: {line}");
    }
}
