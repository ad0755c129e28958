//! Issue 7, "what it must show" 1: every file of `../shared/corpus` (the deflate bombs
//! gunzipped inside the test, streaming to a temporary file) goes through `vbdt verify`,
//! `vbdt sign` and, where the binary offers it, `vbdt chain`, each run bounded to
//! [`WALL`] of wall-clock time and [`MEMORY`] of address space (`prlimit --as`), with its
//! peak resident memory measured by `/usr/bin/time` (getrusage of the child). No run may
//! panic (exit 101), die of a signal (an allocation failure under the limit aborts), or
//! time out; each gives a result or a one-line error with exit code 4. The input is
//! never changed.

mod common;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use common::*;

/// Wall-clock bound per command and file.
const WALL: Duration = Duration::from_secs(10);
/// Address-space bound per command and file (1 GiB).
const MEMORY: u64 = 1 << 30;

/// Every file in the corpus folders (not the manifests), sorted; bombs (`.pdf.gz`)
/// included as they are stored.
fn corpus_files(shared: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(dirs) = std::fs::read_dir(shared.join("corpus")) else { return files };
    for d in dirs.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()) {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for p in entries.filter_map(|e| e.ok()).map(|e| e.path()) {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            if p.is_file() && name != "MANIFEST.tsv" && !name.ends_with(".md") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Gunzips `gz` into `dir` through a pipe into a file (never whole in memory).
fn gunzip_to(gz: &Path, dir: &Path) -> PathBuf {
    let name = gz.file_name().unwrap().to_string_lossy().trim_end_matches(".gz").to_string();
    let out = dir.join(name);
    let file = std::fs::File::create(&out).unwrap();
    let status = Command::new("gunzip").arg("-c").arg(gz).stdout(Stdio::from(file)).stdin(Stdio::null()).status().unwrap();
    assert!(status.success(), "gunzip {}", gz.display());
    out
}

struct Run {
    code: Option<i32>,
    signal: bool,
    timed_out: bool,
    took: Duration,
    peak_kb: u64,
    stdout: String,
    stderr: String,
}

/// Runs `vbdt ARGS` under `prlimit --as` and `/usr/bin/time`, in its own process group
/// (killed as a whole on timeout).
fn bounded(args: &[&std::ffi::OsStr], scratch: &Path) -> Run {
    let rss_file = scratch.join("rss");
    let _ = std::fs::remove_file(&rss_file);
    let (out_file, err_file) = (scratch.join("stdout"), scratch.join("stderr"));
    let cmd = vbdt::<[&str; 0], &str>([]);
    let program = cmd.get_program().to_owned();
    let envs: Vec<(std::ffi::OsString, std::ffi::OsString)> =
        cmd.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))).collect();
    let mut cmd = Command::new(require_tool("prlimit"));
    cmd.env_clear().envs(envs);
    cmd.arg(format!("--as={MEMORY}")).arg("--").arg("/usr/bin/time").arg("-f").arg("%M").arg("-o").arg(&rss_file).arg(program).args(args);
    cmd.stdin(Stdio::null()).stdout(std::fs::File::create(&out_file).unwrap()).stderr(std::fs::File::create(&err_file).unwrap());
    cmd.process_group(0);
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > WALL {
            timed_out = true;
            // The whole group: prlimit execs time, which forks vbdt.
            let _ = Command::new("kill").arg("-KILL").arg("--").arg(format!("-{}", child.id())).status();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let took = start.elapsed();
    let rss = std::fs::read_to_string(&rss_file).unwrap_or_default();
    // time(1) writes "Command exited with non-zero status N" before the number.
    let peak_kb = rss.lines().rev().find_map(|l| l.trim().parse().ok()).unwrap_or(0);
    let stderr = std::fs::read_to_string(&err_file).unwrap_or_default();
    // time(1) passes the child's exit code on; a child killed by a signal is reported
    // by time as "Command terminated by signal N" and exit 128+N.
    let signal = rss.contains("terminated by signal");
    Run { code: status.code(), signal, timed_out, took, peak_kb, stdout: std::fs::read_to_string(&out_file).unwrap_or_default(), stderr }
}

fn has_chain_command() -> bool {
    let out = run(&mut vbdt(["--help"]));
    String::from_utf8_lossy(&out.stdout).lines().any(|l| l.trim_start().starts_with("chain "))
}

#[derive(Default)]
struct Tally {
    problems: Vec<String>,
    lines: Vec<String>,
    max_peak_kb: u64,
    max_took: Duration,
}

#[test]
fn every_corpus_file_is_bounded_in_time_and_memory_for_every_command() {
    let Some(shared) = shared_or_skip("hostile_corpus") else { return };
    require_tool("prlimit");
    assert!(Path::new("/usr/bin/time").is_file(), "/usr/bin/time is missing (Debian package `time`)");
    let pki = TestPki::shared();
    let dir = tempfile::Builder::new().prefix("vbdt-hostile-").tempdir().unwrap();
    let bombs = dir.path().join("bombs");
    std::fs::create_dir_all(&bombs).unwrap();
    let files: Vec<PathBuf> = corpus_files(&shared)
        .into_iter()
        .map(|f| if f.to_string_lossy().ends_with(".pdf.gz") { gunzip_to(&f, &bombs) } else { f })
        .collect();
    assert!(files.len() > 150, "the corpus looks incomplete: {} files", files.len());
    let chain = has_chain_command();

    let next = AtomicUsize::new(0);
    let tally = Mutex::new(Tally::default());
    std::thread::scope(|scope| {
        for worker in 0..2 {
            let (next, tally, files, dir) = (&next, &tally, &files, dir.path());
            scope.spawn(move || {
                let scratch = dir.join(format!("w{worker}"));
                std::fs::create_dir_all(&scratch).unwrap();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = files.get(i) else { break };
                    check_file(pki, input, &scratch, chain, tally);
                }
            });
        }
    });
    let t = tally.into_inner().unwrap();
    let mut lines = t.lines;
    lines.sort();
    eprintln!("{}", lines.join("\n"));
    eprintln!(
        "hostile corpus: {} files, commands: verify, sign{}; slowest {:?}, largest peak RSS {} KiB",
        files.len(),
        if chain { ", chain" } else { "" },
        t.max_took,
        t.max_peak_kb
    );
    assert!(t.problems.is_empty(), "{} problems:\n{}", t.problems.len(), t.problems.join("\n"));
}

fn check_file(pki: &TestPki, input: &Path, scratch: &Path, chain: bool, tally: &Mutex<Tally>) {
    let name = input.file_name().unwrap().to_string_lossy().into_owned();
    let before = std::fs::read(input).map(|b| (b.len(), simple_hash(&b))).unwrap();
    let out = scratch.join("signed.pdf");
    let _ = std::fs::remove_file(&out);
    let p12 = pki.p12("personal");
    let pass = pki.password_file();
    let mut commands: Vec<(&str, Vec<&std::ffi::OsStr>, &[i32])> = vec![
        ("verify", vec!["verify".as_ref(), "--offline".as_ref(), input.as_os_str()], &[0, 1, 3, 4]),
        (
            "sign",
            vec![
                "sign".as_ref(),
                input.as_os_str(),
                "-o".as_ref(),
                out.as_os_str(),
                "--p12".as_ref(),
                p12.as_os_str(),
                "--pass-file".as_ref(),
                pass.as_os_str(),
                "--offline".as_ref(),
                "--lang".as_ref(),
                "en".as_ref(),
            ],
            &[0, 4],
        ),
    ];
    if chain {
        commands.push(("chain", vec!["chain".as_ref(), "--lang".as_ref(), "en".as_ref(), input.as_os_str()], &[0, 1, 3, 4]));
    }
    for (what, args, allowed) in commands {
        let r = bounded(&args, scratch);
        let mut t = tally.lock().unwrap();
        t.max_peak_kb = t.max_peak_kb.max(r.peak_kb);
        t.max_took = t.max_took.max(r.took);
        t.lines.push(format!("{name}\t{what}\texit {:?}\t{} ms\t{} KiB", r.code, r.took.as_millis(), r.peak_kb));
        let mut problem = |p: String| t.problems.push(format!("{name}: {what}: {p}"));
        if r.timed_out {
            problem(format!("timed out after {:?}", r.took));
            continue;
        }
        if r.signal {
            problem(format!("killed by a signal (memory limit?): {}", r.stderr.trim()));
            continue;
        }
        match r.code {
            Some(101) => problem(format!("panicked: {}", r.stderr.trim())),
            Some(4) => {
                let text = r.stderr.trim();
                if text.is_empty() || text.lines().count() != 1 {
                    problem(format!("exit 4 without a one-line error: {text:?}"));
                }
            }
            Some(c) if allowed.contains(&c) => {
                if what == "verify" && r.stdout.trim().is_empty() {
                    problem(format!("exit {c} without a report"));
                }
            }
            other => problem(format!("exit {other:?}: {}", r.stderr.trim())),
        }
        if r.peak_kb == 0 || r.peak_kb * 1024 > MEMORY {
            problem(format!("peak RSS {} KiB not measured or over the limit", r.peak_kb));
        }
    }
    let after = std::fs::read(input).map(|b| (b.len(), simple_hash(&b))).unwrap();
    if after != before {
        tally.lock().unwrap().problems.push(format!("{name}: the input changed"));
    }
}

/// FNV-1a: enough to notice a changed input.
fn simple_hash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| (h ^ u64::from(x)).wrapping_mul(0x0100_0000_01b3))
}
