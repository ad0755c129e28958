//! Issue 7: secrets never leave the process (argv, messages, reports), and a slow
//! timestamp server cannot hang `vbdt sign`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::*;

/// A password no output may ever contain (nor any long piece of it).
const SECRET: &str = "Zq7-s3cr3t-MARKER-91xw";

fn assert_no_secret(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what}: the secret appears in the output:\n{text}");
    // Pieces of it too (a truncated or quoted echo).
    for piece in SECRET.as_bytes().windows(8) {
        let piece = std::str::from_utf8(piece).unwrap();
        assert!(!text.contains(piece), "{what}: a piece of the secret ({piece}) appears in the output:\n{text}");
    }
}

/// Makes a PKCS#12 file holding the test PKI's personal key under `password`.
fn p12_with_password(pki: &TestPki, dir: &Path, password: &str) -> std::path::PathBuf {
    let out = dir.join("personal-secret.p12");
    let pass_in = format!("file:{}", pki.password_file().display());
    let pem = dir.join("personal.pem");
    run_ok(
        std::process::Command::new("openssl")
            .args(["pkcs12", "-in"])
            .arg(pki.p12("personal"))
            .args(["-nodes", "-passin", &pass_in, "-out"])
            .arg(&pem),
    );
    let pass_file = dir.join("new-pass");
    std::fs::write(&pass_file, password).unwrap();
    let pass_out = format!("file:{}", pass_file.display());
    run_ok(
        std::process::Command::new("openssl").args(["pkcs12", "-export", "-in"]).arg(&pem).args(["-passout", &pass_out, "-out"]).arg(&out),
    );
    std::fs::remove_file(&pem).unwrap();
    std::fs::remove_file(&pass_file).unwrap();
    out
}

#[test]
fn passwords_never_appear_in_argv_messages_or_reports() {
    let pki = TestPki::shared();
    let dir = tempfile::Builder::new().prefix("vbdt-secrets-").tempdir().unwrap();
    let p12 = p12_with_password(pki, dir.path(), SECRET);
    let input = fixture_document("quyet-dinh.pdf");

    // No option takes a secret on the command line.
    for opt in ["--pass", "--password", "--pin"] {
        let out = run(vbdt(["sign", "--p12"]).arg(&p12).arg(opt).arg(SECRET).arg(&input));
        assert_eq!(out.status.code(), Some(2), "{opt} VALUE must be a usage error: {}", output_text(&out));
        // clap echoes the unknown option, not the value after it.
        assert_no_secret(&format!("sign {opt}"), &output_text(&out));
    }
    let out = run(vbdt(["verify", "--password"]).arg(SECRET).arg(&input));
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    assert_no_secret("verify --password", &output_text(&out));

    // The right secret from the environment: it signs; nothing echoes the secret.
    let signed = dir.path().join("signed.pdf");
    let mut cmd = vbdt(["sign", "--offline", "--lang", "en", "--pass-env", "P12PW", "--p12"]);
    cmd.arg(&p12).arg(&input).arg("-o").arg(&signed).env("P12PW", SECRET);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    assert_no_secret("sign --pass-env", &output_text(&out));
    let bytes = std::fs::read(&signed).unwrap();
    assert!(!bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes()), "the secret is inside the signed PDF");

    // Wrong secrets (one character off, from env and from a file), in both languages:
    // the error says why, and never echoes what was given.
    let wrong = format!("{SECRET}x");
    let wrong_file = dir.path().join("wrong");
    std::fs::write(&wrong_file, format!("{wrong}\n")).unwrap();
    for lang in ["en", "vi"] {
        let mut cmd = vbdt(["sign", "--offline", "--lang", lang, "--pass-env", "P12PW", "--p12"]);
        cmd.arg(&p12).arg(&input).arg("-o").arg(dir.path().join("x.pdf")).env("P12PW", &wrong);
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(5), "{}", output_text(&out));
        assert_no_secret(&format!("wrong password ({lang}, env)"), &output_text(&out));
        let mut cmd = vbdt(["sign", "--offline", "--lang", lang, "--pass-file"]);
        cmd.arg(&wrong_file).arg("--p12").arg(&p12).arg(&input).arg("-o").arg(dir.path().join("x.pdf"));
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(5), "{}", output_text(&out));
        assert_no_secret(&format!("wrong password ({lang}, file)"), &output_text(&out));
    }

    // verify: a document password from the environment, right and wrong, text and JSON.
    let enc = dir.path().join("enc.pdf");
    run_ok(
        std::process::Command::new(require_tool("qpdf"))
            .args(["--encrypt", SECRET, &format!("{SECRET}-owner"), "256", "--"])
            .arg(&signed)
            .arg(&enc),
    );
    for (pw, what) in [(SECRET.to_string(), "right"), (wrong.clone(), "wrong")] {
        for format in ["text", "json"] {
            let mut cmd = vbdt(["verify", "--offline", "--format", format, "--password-env", "PDFPW"]);
            cmd.arg(&enc).env("PDFPW", &pw);
            let out = run(&mut cmd);
            let code = out.status.code();
            // The right password opens the file (a signature is judged: 1 or 3, no trust
            // anchors here); the wrong one is a file error (4).
            let expected: &[i32] = if what == "right" { &[1, 3] } else { &[4] };
            assert!(code.is_some_and(|c| expected.contains(&c)), "{what} {format}: {code:?}: {}", output_text(&out));
            assert_no_secret(&format!("verify, {what} password, {format}"), &output_text(&out));
            if format == "json" {
                report_of(&out);
            }
        }
        // chain reads the same variable: it lists the signature with the right password
        // and refuses the wrong one (4), echoing neither.
        let mut cmd = vbdt(["chain", "--password-env", "PDFPW"]);
        cmd.arg(&enc).env("PDFPW", &pw);
        let out = run(&mut cmd);
        let expected = if what == "right" { 0 } else { 4 };
        assert_eq!(out.status.code(), Some(expected), "chain, {what} password: {}", output_text(&out));
        assert_no_secret(&format!("chain, {what} password"), &output_text(&out));
    }
}

/// `--pass-file` reads a bounded, zeroizing buffer: a pipe (which has no size) works, and
/// an endless file is refused at once instead of filling memory.
#[test]
fn secret_files_may_be_pipes_and_are_bounded() {
    use std::io::Write;
    use std::process::Stdio;
    let pki = TestPki::shared();
    let dir = tempfile::Builder::new().prefix("vbdt-secret-files-").tempdir().unwrap();
    let input = fixture_document("quyet-dinh.pdf");
    let out_pdf = dir.path().join("signed.pdf");
    let mut cmd = vbdt(["sign", "--offline", "--lang", "en", "--pass-file", "/dev/stdin", "--p12"]);
    cmd.arg(pki.p12("personal")).arg(&input).arg("-o").arg(&out_pdf);
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(format!("{}\n", pki.password()).as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "password from a pipe: {}", output_text(&out));
    assert!(out_pdf.is_file());

    let started = Instant::now();
    let out_zero = dir.path().join("zero.pdf");
    let out = run(vbdt(["sign", "--offline", "--lang", "en", "--pass-file", "/dev/zero", "--p12"])
        .arg(pki.p12("personal"))
        .arg(&input)
        .arg("-o")
        .arg(&out_zero));
    // A secret that cannot be had as the command line says is a usage error (README.md).
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("/dev/zero") && text.contains("longer than"), "{text}");
    assert_eq!(text.trim_end().lines().count(), 1, "{text}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(!out_zero.exists());
}

/// A secret variable that is not set is the same usage error (2) in every subcommand that
/// reads one (it was 5 in sign and 2 in verify), with a one-line message naming it.
#[test]
fn an_unset_secret_variable_is_a_usage_error_everywhere() {
    let pki = TestPki::shared();
    let dir = tempfile::Builder::new().prefix("vbdt-unset-").tempdir().unwrap();
    let input = fixture_document("quyet-dinh.pdf");
    let var = "VBDT_TEST_NEVER_SET";
    let out_pdf = dir.path().join("out.pdf");
    let p12 = |cmd: &mut std::process::Command| {
        cmd.arg("--p12").arg(pki.p12("organization")).arg("--pass-env").arg(var);
    };
    let mut sign = vbdt(["sign", "--offline", "--lang", "en", "--invisible"]);
    sign.arg(&input).arg("-o").arg(&out_pdf);
    p12(&mut sign);
    let mut copy = vbdt(["copy", "--offline", "--lang", "en", "--kind", "sao-y", "--org", "Văn phòng"]);
    copy.arg(&input).arg("-o").arg(&out_pdf);
    p12(&mut copy);
    let mut verify = vbdt(["verify", "--offline", "--password-env", var]);
    verify.arg(&input);
    let mut chain = vbdt(["chain", "--password-env", var]);
    chain.arg(&input);
    for (name, mut cmd) in [("sign", sign), ("copy", copy), ("verify", verify), ("chain", chain)] {
        let out = run(&mut cmd);
        let text = output_text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {text}");
        assert!(text.contains(var) && text.trim().lines().count() == 1, "{name}: one line naming {var}: {text}");
        assert!(!out_pdf.exists(), "{name} wrote an output");
    }
}

/// A TSA that answers only after 25 s: the bounded client gives up (10 s by default)
/// and `vbdt sign --tsa` fails with the network exit code, writing no output.
#[test]
fn a_slow_timestamp_server_cannot_hang_sign() {
    let mut pki = TestPki::new();
    pki.services_mut().set_fault("/tsa", Some(Fault::Delay(Duration::from_secs(25))));
    let dir = tempfile::Builder::new().prefix("vbdt-slow-tsa-").tempdir().unwrap();
    let out_pdf = dir.path().join("out.pdf");
    let mut cmd = vbdt(["sign", "--offline", "--lang", "en", "--tsa"]);
    cmd.arg(pki.tsa_url())
        .arg("--p12")
        .arg(pki.p12("personal"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg(fixture_document("quyet-dinh.pdf"))
        .arg("-o")
        .arg(&out_pdf);
    let start = Instant::now();
    let out = run(&mut cmd);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(15), "sign waited {took:?} for a slow TSA");
    assert_eq!(out.status.code(), Some(5), "{}", output_text(&out));
    assert!(output_text(&out).contains("tsa"), "the error should name the TSA: {}", output_text(&out));
    assert!(!out_pdf.exists(), "an output was written although the timestamp failed");
    assert_eq!(pki.services().requests("/tsa"), 1, "the TSA must be asked once, not retried");
    // The server thread is still sleeping; dropping the PKI waits for it (up to ~15 s more).
}
