//! Everyday use (issue 18): outputs beside their inputs (`--suffix -signed`, re-running the
//! same glob), never overwriting an input, and a batch interrupted with Ctrl-C in a real
//! terminal (tmux) then finished with `--skip-existing`.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

fn tmp() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("vbdt-everyday-").tempdir().unwrap()
}

fn key_args(pki: &TestPki) -> Vec<std::ffi::OsString> {
    vec![
        "--p12".into(),
        pki.p12("personal").into(),
        "--pass-file".into(),
        pki.password_file().into(),
        "--role".into(),
        "personal".into(),
        "--offline".into(),
        "--lang".into(),
        "en".into(),
    ]
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    v.sort();
    v
}

#[test]
fn suffix_with_a_hyphen_and_rerunning_the_same_glob() {
    let pki = TestPki::shared();
    let dir = tmp();
    let doc = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    for n in ["a", "b"] {
        std::fs::write(dir.path().join(format!("{n}.pdf")), &doc).unwrap();
    }
    let glob = |d: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(d).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
        v.sort();
        v
    };
    // As the README writes it: `--suffix -signed`, not only `--suffix=-signed`.
    let o = run(vbdt(["sign"]).args(glob(dir.path())).args(["--suffix", "-signed"]).args(key_args(pki)));
    assert!(o.status.success(), "{}", output_text(&o));
    assert_eq!(names(dir.path()), ["a-signed.pdf", "a.pdf", "b-signed.pdf", "b.pdf"]);
    // The same glob again: the outputs are not signed again, each skipped with a note;
    // the inputs' outputs exist (exit 4) unless --skip-existing.
    let o = run(vbdt(["sign"]).args(glob(dir.path())).args(["--suffix", "-signed", "--skip-existing"]).args(key_args(pki)));
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("skipping") && text.contains("a-signed.pdf") && text.contains("an output of an earlier run"), "{text}");
    assert!(text.contains("skipped 2 file(s) whose output exists"), "{text}");
    assert_eq!(names(dir.path()), ["a-signed.pdf", "a.pdf", "b-signed.pdf", "b.pdf"]);
}

#[test]
fn an_output_that_is_its_input_is_refused_even_with_force() {
    let pki = TestPki::shared();
    let dir = tmp();
    let input = dir.path().join("x.pdf");
    std::fs::copy(fixture_document("cong-van.pdf"), &input).unwrap();
    let before = std::fs::read(&input).unwrap();
    let link = dir.path().join("link.pdf");
    std::fs::hard_link(&input, &link).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let spellings = [input.clone(), dir.path().join("sub/../x.pdf"), dir.path().join("./x.pdf"), link];
    for out in spellings {
        let o = run(vbdt(["sign"]).arg(&input).arg("-o").arg(&out).arg("--force").args(key_args(pki)));
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {text}", out.display());
        assert!(text.contains("the output is the input itself"), "{text}");
    }
    assert_eq!(std::fs::read(&input).unwrap(), before, "the input was modified");
}

/// Waits for `cond` up to `limit`.
fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

/// The PDFs in `dir` (finished outputs; temporary files are hidden and not `.pdf`).
fn pdfs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).filter(|e| e.path().extension().is_some_and(|x| x == "pdf")).count())
        .unwrap_or(0)
}

/// Starts the batch `cmd` writing into `out`, sends it SIGTERM once `started` outputs are
/// there, and checks the clean stop: exit 130, "`prefix`: interrupted: done N of `total`
/// files" with N the outputs written, and no temporary file left.
fn sigterm_batch(cmd: &mut std::process::Command, out: &Path, started: usize, total: usize, prefix: &str) {
    cmd.stdin(std::process::Stdio::null()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    assert!(wait_for(Duration::from_secs(60), || pdfs(out) >= started), "the batch did not get going");
    let kill = std::process::Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(130), "{text}");
    let done = pdfs(out);
    assert!(done < total, "finished before SIGTERM: {text}");
    assert!(text.contains(&format!("{prefix}: interrupted: done {done} of {total} files")), "{text}");
    assert_eq!(names(out).len(), done, "temporary files left: {:?}", names(out));
}

fn tmux(socket: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("tmux").args(["-L", socket, "-f", "/dev/null"]).args(args).output().expect("tmux")
}

/// A 300-file batch in a terminal, Ctrl-C typed midway: the files begun are finished, no
/// temporary file is left, "done N of 300" is printed with exit 130, and the same command
/// with --skip-existing signs exactly the rest.
#[test]
fn ctrl_c_in_a_batch_then_skip_existing_finishes_it() {
    require_tool("tmux");
    let mut pki = TestPki::new();
    // A slow timestamp service (a real one, on 127.0.0.1) keeps the batch running long
    // enough to be interrupted in the middle.
    pki.services_mut().set_fault("/tsa", Some(Fault::Delay(Duration::from_millis(30))));
    let dir = tmp();
    let (src, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&src).unwrap();
    let doc = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    let mut inputs = Vec::new();
    for i in 0..300 {
        let p = src.join(format!("doc-{i:03}.pdf"));
        std::fs::write(&p, &doc).unwrap();
        inputs.push(p);
    }
    let mut args: Vec<std::ffi::OsString> = vec!["sign".into()];
    args.extend(inputs.iter().map(|p| p.clone().into_os_string()));
    args.extend(["--out-dir".into(), out.clone().into_os_string(), "--tsa".into(), pki.tsa_url().into()]);
    args.extend(key_args(&pki));
    // The command in the terminal: vbdt with the tests' clean environment, its exit code
    // written to a file when it ends (the shell traps SIGINT, else it would die with
    // vbdt before writing it; vbdt itself gets the default disposition).
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
    let rc = dir.path().join("rc");
    let script = dir.path().join("run.sh");
    std::fs::write(
        &script,
        format!(
            "trap : INT\ncd {}\nenv -i PATH=\"$PATH\" HOME=\"$HOME\" LANG=C.UTF-8 TZ=UTC TERM=xterm {} {}\necho $? > {}\n",
            quote(dir.path().as_os_str()),
            quote(vbdt_bin().as_os_str()),
            args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
            quote(rc.as_os_str())
        ),
    )
    .unwrap();
    let socket = format!("vbdt-test-{}", std::process::id());
    let o = tmux(&socket, &["new-session", "-d", "-s", "t", "-x", "250", "-y", "50", &format!("sh {}", script.display())]);
    assert!(o.status.success(), "tmux: {}", output_text(&o));
    let _ = tmux(&socket, &["set-option", "-t", "t", "remain-on-exit", "on"]);
    let started = wait_for(Duration::from_secs(60), || pdfs(&out) >= 20);
    let o = tmux(&socket, &["send-keys", "-t", "t", "C-c"]);
    assert!(started, "the batch did not get going");
    assert!(o.status.success(), "tmux send-keys: {}", output_text(&o));
    assert!(
        wait_for(Duration::from_secs(60), || rc.exists() && std::fs::read_to_string(&rc).is_ok_and(|s| s.ends_with('\n'))),
        "vbdt did not stop after Ctrl-C"
    );
    let screen = String::from_utf8_lossy(&tmux(&socket, &["capture-pane", "-p", "-J", "-t", "t", "-S", "-200"]).stdout).into_owned();
    let _ = tmux(&socket, &["kill-server"]);
    let code = std::fs::read_to_string(&rc).unwrap();
    assert_eq!(code.trim(), "130", "exit code after Ctrl-C\n{screen}");
    let leftovers: Vec<String> = names(&out).into_iter().filter(|n| !n.ends_with(".pdf")).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}\n{screen}");
    let done = pdfs(&out);
    assert!(done < 300, "the batch finished before Ctrl-C ({done} files): make it slower\n{screen}");
    let said = format!("interrupted: done {done} of 300 files, 0 failed, {} not started", 300 - done);
    assert!(screen.contains(&said), "expected {said:?} on the terminal:\n{screen}");
    // Every output written is a whole signed file.
    for name in names(&out) {
        let bytes = std::fs::read(out.join(&name)).unwrap();
        assert!(bytes.starts_with(b"%PDF-") && bytes.windows(5).rev().take(64).any(|w| w == b"%%EOF"), "{name} is not whole");
    }
    // The same command with --skip-existing finishes the rest (at full speed).
    pki.services_mut().set_fault("/tsa", None);
    let mut cmd = vbdt(&args);
    cmd.arg("--skip-existing");
    let o = run(&mut cmd);
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains(&format!("skipped {done} file(s) whose output exists")), "{text}");
    assert!(text.contains(&format!("Signed {0} of {0} files; 0 failed.", 300 - done)), "{text}");
    assert_eq!(pdfs(&out), 300);
    assert_eq!(names(&out).len(), 300);
}

/// A tool for this test: present, or installed under CI; elsewhere `None` after a
/// recorded skip.
fn tool_or_skip(test: &str, tool: &str) -> Option<PathBuf> {
    if find_tool(tool).is_none() && !in_ci() {
        skip(test, &format!("{tool} is not installed (scripts/install-test-deps.sh installs it)"));
        return None;
    }
    Some(require_tool(tool))
}

fn script_output(program: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(program).args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default()).output().unwrap()
}

/// `vbdt completions SHELL` written to `dir/name`.
fn completions(dir: &Path, shell: &str, name: &str) -> PathBuf {
    let o = run(&mut vbdt(["completions", shell]));
    assert!(o.status.success(), "{}", output_text(&o));
    let file = dir.join(name);
    std::fs::write(&file, &o.stdout).unwrap();
    file
}

#[test]
fn bash_completions_load_and_complete_subcommands_and_flags() {
    let Some(bash) = tool_or_skip("bash_completions_load_and_complete_subcommands_and_flags", "bash") else { return };
    let dir = tmp();
    let file = completions(dir.path(), "bash", "vbdt.bash");
    let script = format!(
        "source '{}' && complete -p vbdt && COMP_WORDS=(vbdt si) COMP_CWORD=1 && _vbdt vbdt si vbdt && echo \"words: ${{COMPREPLY[*]}}\" \
         && COMP_WORDS=(vbdt sign --skip) COMP_CWORD=2 && _vbdt vbdt --skip sign && echo \"flags: ${{COMPREPLY[*]}}\"",
        file.display()
    );
    let o = script_output(&bash, &["--norc", "--noprofile", "-c", &script]);
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("-F _vbdt vbdt"), "{text}");
    assert!(text.contains("words: sign"), "{text}");
    assert!(text.contains("flags: --skip-existing"), "{text}");
}

#[test]
fn zsh_completions_load() {
    let Some(zsh) = tool_or_skip("zsh_completions_load", "zsh") else { return };
    let dir = tmp();
    let file = completions(dir.path(), "zsh", "_vbdt");
    let script = format!(
        "autoload -U compinit && compinit -u -D && source '{}' && print -r -- \"registered: $_comps[vbdt]\" && (( $+functions[_vbdt] )) && print defined",
        file.display()
    );
    let o = script_output(&zsh, &["-f", "-c", &script]);
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("registered: _vbdt") && text.contains("defined"), "{text}");
    // The other shells' scripts are made from the same definition.
    for shell in ["fish", "powershell", "elvish"] {
        let o = run(&mut vbdt(["completions", shell]));
        assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("skip-existing"), "{shell}: {}", output_text(&o));
    }
}

#[test]
fn the_man_page_renders_in_both_languages() {
    let Some(man) = tool_or_skip("the_man_page_renders_in_both_languages", "man") else { return };
    let dir = tmp();
    for (lang, words) in [("en", "Sign PDF files"), ("vi", "Ký số tệp PDF")] {
        let o = run(&mut vbdt(["man", "--lang", lang]));
        assert!(o.status.success(), "{}", output_text(&o));
        let page = dir.path().join(format!("vbdt.{lang}.1"));
        std::fs::write(&page, &o.stdout).unwrap();
        let o = std::process::Command::new(&man)
            .args(["--warnings", "-l"])
            .arg(&page)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("MANPAGER", "cat")
            .env("MANWIDTH", "100")
            .env("LANG", "C.UTF-8")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "man -l: {}", output_text(&o));
        assert!(o.stderr.is_empty(), "man warns: {}", String::from_utf8_lossy(&o.stderr));
        assert!(!stdout.contains("vbdt-sign(1)"), "no page of its own: {stdout}");
        for w in ["VBDT SIGN", "VBDT VERIFY", "--skip-existing", words] {
            assert!(stdout.contains(w), "{lang}: {w:?} not in the man page:\n{stdout}");
        }
    }
}

#[test]
fn help_follows_the_locale_and_the_lang_flag() {
    let help = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = vbdt(["sign", "--help"]);
        cmd.args(extra);
        for (k, v) in env {
            cmd.env(k, v);
        }
        output_text(&run(&mut cmd))
    };
    assert!(help(&[("LANG", "vi_VN.UTF-8")], &[]).contains("Ký số tệp PDF"));
    assert!(help(&[("LANG", "en_US.UTF-8")], &[]).contains("Sign PDF files"));
    assert!(help(&[("LANG", "vi_VN.UTF-8"), ("LC_ALL", "en_US.UTF-8")], &[]).contains("Sign PDF files"));
    assert!(help(&[("LANG", "vi_VN.UTF-8")], &["--lang", "en"]).contains("Sign PDF files"));
    // The messages too: the locale decides their language when --lang is not given.
    let input = fixture_document("cong-van.pdf");
    for (locale, said) in
        [("en_US.UTF-8", "the output is the input itself"), ("vi_VN.UTF-8", "là chính tệp đầu vào"), ("C.UTF-8", "là chính tệp đầu vào")]
    {
        let mut cmd = vbdt(["sign"]);
        cmd.arg(&input).arg("-o").arg(&input).args(["--p12", "/nonexistent/k.p12"]).env("LANG", locale);
        let o = run(&mut cmd);
        assert_eq!(o.status.code(), Some(2), "{}", output_text(&o));
        assert!(output_text(&o).contains(said), "LANG={locale}: {}", output_text(&o));
    }
    // A profile's `lang` comes before the locale.
    let dir = tmp();
    std::fs::write(dir.path().join("vbdt.toml"), "lang = \"en\"\n").unwrap();
    let mut cmd = vbdt(["sign", "--help"]);
    cmd.env("LANG", "vi_VN.UTF-8").current_dir(dir.path());
    assert!(output_text(&run(&mut cmd)).contains("Sign PDF files"));
}

/// `--expect signatures`: a personal-only file (S1 fails for an issued document) is judged
/// on its signatures alone, and the report says the document rules were not applied.
#[test]
fn expect_signatures_applies_no_document_rule_and_says_so() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("p.pdf");
    let o = run(vbdt(["sign"]).arg(fixture_document("quyet-dinh.pdf")).arg("-o").arg(&signed).args(key_args(pki)));
    assert!(o.status.success(), "{}", output_text(&o));
    let verify = |expect: Option<&str>, format: &str| {
        let mut cmd = vbdt(["verify", "--format", format, "--lang", "en", "--offline", "--revocation", "off", "--trust"]);
        cmd.arg(pki.root()).arg(&signed);
        if let Some(e) = expect {
            cmd.args(["--expect", e]);
        }
        run(&mut cmd)
    };
    let o = verify(None, "json");
    assert_eq!(o.status.code(), Some(1), "personal only is invalid as a document: {}", output_text(&o));
    let o = verify(Some("signatures"), "json");
    assert_eq!(o.status.code(), Some(0), "{}", output_text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_schema_valid(&v, "report-schema.json");
    for r in v["files"][0]["rules"].as_array().unwrap() {
        if r["id"] != "V7" {
            assert_eq!(r["status"], "skipped", "{r}");
            assert!(r["message"].as_str().unwrap().contains("--expect signatures checks the signatures only"), "{r}");
        }
    }
    let o = verify(Some("signatures"), "text");
    assert!(output_text(&o).contains("not applied: --expect signatures"), "{}", output_text(&o));
    // --expect issued decides S1: here it fails, it is never skipped.
    let o = verify(Some("issued"), "json");
    assert_eq!(o.status.code(), Some(1), "{}", output_text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let s1 = v["files"][0]["rules"].as_array().unwrap().iter().find(|r| r["id"] == "S1").unwrap().clone();
    assert_eq!(s1["status"], "fail", "{s1}");
}

#[test]
fn verify_at_takes_a_date_alone() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("p.pdf");
    let o = run(vbdt(["sign"]).arg(fixture_document("quyet-dinh.pdf")).arg("-o").arg(&signed).args(key_args(pki)));
    assert!(o.status.success(), "{}", output_text(&o));
    let at = |value: &str| {
        let mut cmd =
            vbdt(["verify", "--format", "json", "--lang", "en", "--offline", "--revocation", "off", "--expect", "signatures", "--trust"]);
        cmd.arg(pki.root()).arg(&signed).args(["--at", value]);
        run(&mut cmd)
    };
    // A date alone is the start of that day in Vietnam time: the same as writing it out.
    let date_only = at("2033-01-01");
    let full = at("2033-01-01T00:00:00+07:00");
    assert_ne!(date_only.status.code(), Some(2), "{}", output_text(&date_only));
    assert_eq!(date_only.status.code(), full.status.code());
    let (a, b): (serde_json::Value, serde_json::Value) =
        (serde_json::from_slice(&date_only.stdout).unwrap(), serde_json::from_slice(&full.stdout).unwrap());
    assert_eq!(a["files"][0]["signatures"], b["files"][0]["signatures"]);
    let bad = at("2033-13-01");
    assert_eq!(bad.status.code(), Some(2), "{}", output_text(&bad));
}

#[test]
fn a_png_scan_is_named_and_refused_and_an_https_tsa_is_tried() {
    let pki = TestPki::shared();
    let dir = tmp();
    let png = dir.path().join("trang-1.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\n not really").unwrap();
    let o = run(vbdt(["copy", "--from-images"])
        .arg(&png)
        .arg("-o")
        .arg(dir.path().join("c.pdf"))
        .args(["--kind", "sao-y", "--org", "X", "--offline", "--lang", "en", "--p12"])
        .arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file()));
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(4), "{text}");
    assert!(text.contains("trang-1.png") && text.contains("JPEG scans only"), "{text}");
    // An https:// timestamp service is tried (nothing listens here: a connection error
    // naming it, not a refused scheme), and no output is left.
    let o = run(vbdt(["sign"])
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(dir.path().join("t.pdf"))
        .args(["--tsa", "https://127.0.0.1:9/tsa"])
        .args(key_args(pki)));
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("https://127.0.0.1:9/tsa") && !text.contains("URLs are supported"), "{text}");
    assert!(!dir.path().join("t.pdf").exists());
}

#[test]
fn signing_a_pdf_older_than_1_4_warns_before_signing() {
    let pki = TestPki::shared();
    let dir = tmp();
    let mut bytes = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    assert!(bytes.starts_with(b"%PDF-1."));
    bytes[7] = b'3';
    let old = dir.path().join("old.pdf");
    std::fs::write(&old, &bytes).unwrap();
    let o = run(vbdt(["sign"]).arg(&old).arg("-o").arg(dir.path().join("s.pdf")).args(key_args(pki)));
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("old.pdf is PDF 1.3") && text.contains("rule S8"), "{text}");
    let warned = text.find("is PDF 1.3").unwrap();
    let signed = text.find("Signed ").unwrap();
    assert!(warned < signed || o.stderr.windows(10).any(|w| w == b"is PDF 1.3"), "{text}");
    // A 1.7 file: no such warning.
    let o = run(vbdt(["sign"]).arg(fixture_document("cong-van.pdf")).arg("-o").arg(dir.path().join("n.pdf")).args(key_args(pki)));
    assert!(!output_text(&o).contains("rule S8"), "{}", output_text(&o));
}

#[test]
fn ltv_counts_only_new_evidence_warns_on_broken_signatures_and_explains_encryption() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("p.pdf");
    let o = run(vbdt(["sign", "--lang", "en", "--p12"])
        .arg(pki.p12("personal"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&signed));
    assert!(o.status.success(), "{}", output_text(&o));
    let ltv = |input: &Path, output: &Path| run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(input).arg("-o").arg(output));
    let lt = dir.path().join("lt.pdf");
    let o = ltv(&signed, &lt);
    let count = |text: &str| -> usize {
        let at = text.find(" new OCSP/CRL").unwrap_or_else(|| panic!("no count: {text}"));
        text[..at].rsplit('(').next().unwrap().parse().unwrap()
    };
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    let first = count(&text);
    assert!(first >= 2, "an OCSP response and the root's CRL at least: {text}");
    assert!(!text.contains("not intact"), "{text}");
    // Again on its output: what the DSS already holds is not counted again; the count is
    // exactly what the DSS gained (how much that is depends on the responder's answers
    // this time, e.g. a fresh OCSP response, or a CRL when the responder was slow).
    let lt2 = dir.path().join("lt2.pdf");
    let o = ltv(&lt, &lt2);
    let text = output_text(&o);
    assert!(o.status.success(), "{text}");
    let dss_items = |file: &Path| -> u64 {
        let o = run(vbdt(["chain", "--format", "json"]).arg(file));
        assert!(o.status.success(), "{}", output_text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["dss"]["ocsps"].as_u64().unwrap() + v["dss"]["crls"].as_u64().unwrap()
    };
    assert_eq!(dss_items(&lt) as usize, first, "the first run's count is the DSS: {text}");
    assert_eq!(count(&text) as u64, dss_items(&lt2) - dss_items(&lt), "only what the DSS gained: {text}");
    // A signature whose signed bytes changed: said before the evidence is added.
    let mut bytes = std::fs::read(&signed).unwrap();
    let at = bytes.windows(6).position(|w| w == b"/Title").or_else(|| bytes.windows(5).position(|w| w == b"/Type")).unwrap();
    bytes[at + 2] ^= 0x20;
    let broken = dir.path().join("broken.pdf");
    std::fs::write(&broken, &bytes).unwrap();
    let o = ltv(&broken, &dir.path().join("broken-lt.pdf"));
    let text = output_text(&o);
    assert!(text.contains("warning: signature 1 is not intact"), "{text}");
    // An encrypted file: refused with the reason, not a flag ltv does not have.
    let qpdf = require_tool("qpdf");
    let enc = dir.path().join("enc.pdf");
    let q = std::process::Command::new(qpdf).args(["--encrypt", "u", "o", "256", "--"]).arg(&signed).arg(&enc).output().unwrap();
    assert!(enc.exists(), "qpdf: {}", output_text(&q));
    let o = ltv(&enc, &dir.path().join("enc-lt.pdf"));
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(4), "{text}");
    assert!(text.contains("encrypted") && text.contains("never writes into encrypted PDFs"), "{text}");
}

/// A token label that is not there: the message names the module, the label asked for and
/// the tokens found; the PIN is not asked for.
#[test]
fn a_missing_token_is_named_with_what_was_found() {
    let pki = TestPki::shared();
    let hsm = SoftHsm::new(pki, &[("personal", "personal"), ("ca", "ca")]);
    let dir = tmp();
    let mut cmd = vbdt(["sign"]);
    cmd.arg(fixture_document("quyet-dinh.pdf")).arg("-o").arg(dir.path().join("x.pdf")).arg("--pkcs11").arg(hsm.module_path()).args([
        "--token",
        "KHONG-CO",
        "--pin-env",
        "UNSET_PIN",
        "--lang",
        "en",
        "--offline",
    ]);
    hsm.apply(&mut cmd);
    let o = run(&mut cmd);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(5), "{text}");
    let module = hsm.module_path().display().to_string();
    assert!(text.contains(&module) && text.contains("no token labelled \"KHONG-CO\""), "{text}");
    assert!(text.contains(&format!("\"{}\"", hsm.token_label())), "the tokens present: {text}");
    assert!(!dir.path().join("x.pdf").exists());
}

/// SIGTERM (a service manager stopping a scripted batch) stops it as cleanly as Ctrl-C.
#[test]
fn sigterm_stops_a_batch_cleanly() {
    let mut pki = TestPki::new();
    pki.services_mut().set_fault("/tsa", Some(Fault::Delay(Duration::from_millis(30))));
    let dir = tmp();
    let (src, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir_all(&src).unwrap();
    let doc = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    let mut cmd = vbdt(["sign"]);
    for i in 0..100 {
        let p = src.join(format!("doc-{i:03}.pdf"));
        std::fs::write(&p, &doc).unwrap();
        cmd.arg(p);
    }
    cmd.arg("--out-dir").arg(&out).arg("--tsa").arg(pki.tsa_url()).args(key_args(&pki));
    sigterm_batch(&mut cmd, &out, 10, 100, "vbdt sign");
}

/// `vbdt ltv` over many files stops as cleanly: no temporary file, "done N of M", exit 130.
#[test]
fn sigterm_stops_an_ltv_batch_cleanly() {
    let mut pki = TestPki::new();
    let dir = tmp();
    let (src, signed, out) = (dir.path().join("in"), dir.path().join("signed"), dir.path().join("out"));
    std::fs::create_dir_all(&src).unwrap();
    let doc = std::fs::read(fixture_document("cong-van.pdf")).unwrap();
    let mut cmd = vbdt(["sign"]);
    for i in 0..40 {
        let p = src.join(format!("doc-{i:03}.pdf"));
        std::fs::write(&p, &doc).unwrap();
        cmd.arg(p);
    }
    let o = run(cmd.arg("--out-dir").arg(&signed).args(key_args(&pki)));
    assert!(o.status.success(), "{}", output_text(&o));
    // A slow OCSP responder (ltv asks it for every signer) keeps the batch running.
    pki.services_mut().set_fault("/ocsp", Some(Fault::Delay(Duration::from_millis(100))));
    let mut cmd = vbdt(["ltv", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).arg("--out-dir").arg(&out);
    for name in names(&signed) {
        cmd.arg(signed.join(name));
    }
    sigterm_batch(&mut cmd, &out, 3, 40, "vbdt ltv");
}
