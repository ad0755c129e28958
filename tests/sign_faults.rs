//! Signing never loses data: `vbdt sign` killed at random moments leaves the input
//! intact and either no output or a complete, valid one; a full disk gives a clear error
//! and no partial file.

mod common;

use std::time::Duration;

use common::*;

/// A small deterministic generator, so a failing run can be repeated.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn killed_at_random_moments_never_leaves_a_partial_file() {
    let dir = tempfile::Builder::new().prefix("vbdt-kill-").tempdir().unwrap();
    let input = dir.path().join("in.pdf");
    std::fs::copy(fixture_document("quyet-dinh.pdf"), &input).unwrap();
    kill_at_random_moments(dir.path(), &input, 40, 0x5eed_2026);
}

/// From 4 MiB on, the input is copied to the output on a second thread while the main one
/// hashes and signs: a kill during either must still leave no partial output.
#[test]
fn killed_while_signing_a_large_file_never_leaves_a_partial_file() {
    let dir = tempfile::Builder::new().prefix("vbdt-kill-large-").tempdir().unwrap();
    let input = large_pdf(dir.path());
    kill_at_random_moments(dir.path(), &input, 20, 0x1a76_e2026);
}

/// A one-page PDF with a 12 MB noise image (scripts/bench/pdfgen.py).
fn large_pdf(dir: &std::path::Path) -> std::path::PathBuf {
    let input = dir.join("large.pdf");
    let mut cmd = std::process::Command::new(require_tool("python3"));
    cmd.arg(repo_root().join("scripts/bench/pdfgen.py")).arg("image").arg(&input).arg("12");
    let out = run(&mut cmd);
    assert!(out.status.success(), "{}", output_text(&out));
    assert!(std::fs::metadata(&input).unwrap().len() > 8 << 20);
    input
}

/// Signs `input` `runs` times, each killed at a random moment between start-up and half as
/// long again as an uninterrupted run takes.
fn kill_at_random_moments(dir: &std::path::Path, input: &std::path::Path, runs: usize, seed: u64) {
    let pki = TestPki::shared();
    let before = sha256_file(input);
    let sign = |out: &std::path::Path| {
        let mut cmd = vbdt(["sign"]);
        cmd.arg(input)
            .arg("-o")
            .arg(out)
            .arg("--p12")
            .arg(pki.p12("personal"))
            .arg("--pass-file")
            .arg(pki.password_file())
            .arg("--offline");
        cmd
    };
    let started = std::time::Instant::now();
    run_ok(&mut sign(&dir.join("uninterrupted.pdf")));
    let max_delay_us = (started.elapsed().as_micros() as u64 * 3 / 2).max(5_000);
    let mut rng = Lcg(seed);
    let (mut complete, mut absent) = (0, 0);
    for run_no in 0..runs {
        let out = dir.join(format!("out-{run_no}.pdf"));
        let mut cmd = sign(&out);
        cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % max_delay_us));
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(sha256_file(input), before, "run {run_no}: the input changed");
        if out.exists() {
            complete += 1;
            let report = pdfsig_validate(&out, &pki.root());
            assert!(
                report.all_ok() && report.signatures.len() == 1,
                "run {run_no}: an output exists but is not a valid signed file:\n{}",
                report.output
            );
            std::fs::remove_file(&out).unwrap();
        } else {
            absent += 1;
        }
        let stray: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        // A killed process cannot remove its temporary file; it must never be mistaken
        // for output: it has a distinct hidden name. Clean it for the next run.
        for n in stray {
            assert!(n.starts_with(".vbdt-"), "unexpected temporary file {n}");
            let _ = std::fs::remove_file(dir.join(n));
        }
    }
    eprintln!("killed runs (kill within {max_delay_us} µs): {complete} finished before the kill, {absent} left no output");
    assert!(absent > 0, "no run was killed before it finished: the test did not test anything");
}

#[test]
fn full_disk_gives_a_clear_error_and_no_partial_file() {
    // A tiny tmpfs is a full disk on demand; it needs root and mount rights.
    let pki = TestPki::shared();
    let mnt = tempfile::Builder::new().prefix("vbdt-full-").tempdir().unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(mnt.path())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !mounted {
        if in_ci() {
            panic!("cannot mount a tmpfs to simulate a full disk (needs root)");
        }
        skip("full_disk_gives_a_clear_error_and_no_partial_file", "cannot mount a tmpfs here (needs root)");
        return;
    }
    struct Unmount<'a>(&'a std::path::Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(mnt.path());
    let scratch = tempfile::Builder::new().prefix("vbdt-full-in-").tempdir().unwrap();
    // The small input is written after signing; the large one while it is signed.
    for input in [fixture_document("quyet-dinh.pdf"), large_pdf(scratch.path())] {
        let out = mnt.path().join("out.pdf");
        let mut cmd = vbdt(["sign"]);
        cmd.arg(&input).arg("-o").arg(&out).arg("--p12").arg(pki.p12("personal")).arg("--pass-file").arg(pki.password_file()).args([
            "--offline",
            "--lang",
            "en",
        ]);
        let o = run(&mut cmd);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(4), "{}: {text}", input.display());
        assert!(text.contains("No space left") || text.contains("space"), "{text}");
        assert_eq!(text.trim().lines().count(), 1, "{text}");
        let left: Vec<_> = std::fs::read_dir(mnt.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "{}: files left on the full disk: {left:?}", input.display());
    }
}
