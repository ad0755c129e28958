//! Verification at archive scale (issue 16): online evidence fetched once per run and
//! kept on disk, reports streamed (`--format jsonl`, `-q`), inputs from lists and
//! directories, `--shard`.

mod common;
mod verify_util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use verify_util::*;

/// `vbdt verify` with the PKI's root, today's issue date and the disk cache in `cache`.
fn verify_cmd(pki: &TestPki, cache: &Path, extra: &[&str]) -> Command {
    let mut cmd = vbdt(["verify", "--lang", "en", "--trust"]);
    cmd.arg(pki.root()).args(["--issued-on", &today_vn()]).args(extra).env("VBDT_CACHE_DIR", cache);
    cmd
}

/// The lines of a `--format jsonl` report: the files, then the summary; each file as the
/// JSON report's files are (checked against docs/report-schema.json, put together).
fn jsonl_of(out: &Output) -> (Vec<serde_json::Value>, serde_json::Value) {
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}\n{}", output_text(out)))).collect();
    let last = lines.pop().unwrap_or_else(|| panic!("no summary line:\n{}", output_text(out)));
    let doc = serde_json::json!({
        "vbdt_report": last["vbdt_report"],
        "vbdt_version": last["vbdt_version"],
        "files": lines,
        "summary": last["summary"],
    });
    assert_schema_valid(&doc, "report-schema.json");
    (lines, last["summary"].clone())
}

/// Online requests seen by the PKI's services: (OCSP, CRL downloads).
fn requests(pki: &TestPki) -> (u64, u64) {
    let counts = pki.services().request_counts();
    let crl = counts.iter().filter(|(route, _)| route.starts_with("/crl/")).map(|(_, n)| n).sum();
    (pki.services().requests("/ocsp"), crl)
}

/// `n` copies of a document signed (personal signature) by one signer, under `dir`.
fn one_signer_files(pki: &TestPki, dir: &Path, n: usize) -> Vec<PathBuf> {
    let signed = dir.join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    (0..n)
        .map(|i| {
            let f = dir.join(format!("copy-{i:02}.pdf"));
            std::fs::copy(&signed, &f).unwrap();
            f
        })
        .collect()
}

fn revocation_message(file: &serde_json::Value) -> String {
    check_message(&file["signatures"][0], "revocation").to_string()
}

/// Many files by one signer, verified online in one call: one OCSP request (the signer)
/// and one CRL download (the issuing CA, on the root's CRL); a second call with the disk
/// cache asks nothing and says the evidence came from the cache; --no-cache fetches again.
#[test]
fn one_request_per_certificate_then_none_from_the_disk_cache() {
    let pki = TestPki::new();
    let dir = tmp();
    let cache = dir.path().join("cache");
    let files = one_signer_files(&pki, dir.path(), 12);

    let before = requests(&pki);
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl", "-j", "4"]).args(&files));
    let after = requests(&pki);
    let (reports, summary) = jsonl_of(&out);
    assert_eq!(reports.len(), 12, "{}", output_text(&out));
    for r in &reports {
        // A personal signature alone fails S1 for the file: the signature's checks are read.
        assert_eq!(check_status(&r["signatures"][0], "revocation"), "pass", "{r:#}");
        assert!(!revocation_message(r).contains("cached"), "{r:#}");
    }
    assert_eq!((after.0 - before.0, after.1 - before.1), (1, 1), "one OCSP request and one CRL download for 12 files");
    assert_eq!(summary["revocation_requests"], 2, "{summary:#}");
    assert_eq!(summary["files"], 12);

    // Again, with the disk cache: no request at all, and the reports say so.
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files));
    let (reports, summary) = jsonl_of(&out);
    assert_eq!(requests(&pki), after, "the warm disk cache must make no request:\n{}", output_text(&out));
    assert_eq!((summary["revocation_requests"].as_u64(), summary["revocation_cache_hits"].as_u64()), (Some(0), Some(2)), "{summary:#}");
    for r in &reports {
        assert_eq!(check_status(&r["signatures"][0], "revocation"), "pass", "{r:#}");
        let m = revocation_message(r);
        let at = m.find("cached (fetched at ").unwrap_or_else(|| panic!("not said to come from the cache: {m}"));
        // In Vietnam time, as every time shown: `cached (fetched at 2025-09-30T14:05:09+07:00)`.
        assert_eq!(m.get(at + 19 + 19..at + 19 + 26), Some("+07:00)"), "{m}");
    }
    // The same verdicts as with fresh evidence.
    assert_eq!(summary["verdicts"], jsonl_of(&run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files))).1["verdicts"]);

    // --no-cache: fetched again (once).
    let before = requests(&pki);
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl", "--no-cache"]).args(&files));
    let (reports, _) = jsonl_of(&out);
    assert_eq!(reports.len(), 12);
    let after = requests(&pki);
    assert_eq!((after.0 - before.0, after.1 - before.1), (1, 1), "{}", output_text(&out));
}

/// A corrupt cache file is ignored and replaced, never fatal; evidence in the cache that
/// is about another certificate is not used for this one.
#[test]
fn a_corrupt_disk_cache_is_replaced() {
    let pki = TestPki::new();
    let dir = tmp();
    let cache = dir.path().join("cache");
    let files = one_signer_files(&pki, dir.path(), 2);
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files));
    assert_eq!(jsonl_of(&out).1["revocation_requests"], 2, "{}", output_text(&out));
    let entries: Vec<PathBuf> = std::fs::read_dir(cache.join("revocation")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    for e in &entries {
        let mut bytes = std::fs::read(e).unwrap();
        let n = bytes.len();
        bytes[n - 40] ^= 0x55; // inside the signature: the evidence no longer verifies
        std::fs::write(e, &bytes).unwrap();
    }
    let before = requests(&pki);
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files));
    let (reports, _) = jsonl_of(&out);
    for r in &reports {
        assert_eq!(check_status(&r["signatures"][0], "revocation"), "pass", "{r:#}");
    }
    let after = requests(&pki);
    assert_eq!((after.0 - before.0, after.1 - before.1), (1, 1), "the bad cached evidence is fetched again:\n{}", output_text(&out));
    for e in &entries {
        std::fs::write(e, b"rubbish").unwrap();
    }
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files));
    assert_eq!(jsonl_of(&out).1["revocation_requests"], 2, "{}", output_text(&out));
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl"]).args(&files));
    assert_eq!(jsonl_of(&out).1["revocation_cache_hits"], 2, "replaced by the fresh answers: {}", output_text(&out));
}

/// The files of a jsonl report, each once: (file, verdict).
fn files_of(out: &Output) -> Vec<(String, String)> {
    let (lines, summary) = jsonl_of(out);
    assert_eq!(summary["files"].as_u64(), Some(lines.len() as u64));
    lines.iter().map(|l| (l["file"].as_str().unwrap().to_string(), l["verdict"].as_str().unwrap().to_string())).collect()
}

/// `--shard K/4` for K = 1…4 together give exactly the unsharded report: each file once,
/// with the same verdict; and the inputs can come from a directory (-r) or a
/// NUL-separated list on standard input.
#[test]
fn shards_together_are_the_whole_run() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let archive = dir.path().join("archive");
    std::fs::create_dir_all(archive.join("2025/q4")).unwrap();
    let mut files = Vec::new();
    for i in 0..30 {
        let f = archive.join(if i % 3 == 0 { format!("2025/q4/qd-{i}.pdf") } else { format!("cv-{i}.pdf") });
        std::fs::hard_link(&signed, &f).unwrap();
        files.push(f);
    }
    std::fs::write(archive.join("2025/not-a.pdf"), b"garbage").unwrap();
    files.push(archive.join("2025/not-a.pdf"));
    std::fs::write(archive.join("readme.txt"), b"not an input").unwrap();
    let cache = dir.path().join("cache");
    let base = ["--offline", "--revocation", "off", "--format", "jsonl"];
    let whole = run(verify_cmd(pki, &cache, &base).arg("-r").arg(&archive));
    let mut expected = files_of(&whole);
    assert_eq!(expected.len(), 31, "{}", output_text(&whole));
    assert_eq!(whole.status.code(), Some(4), "one unreadable file: {}", output_text(&whole));
    let mut union = Vec::new();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let out = run(verify_cmd(pki, &cache, &base).args(["--shard", &shard, "-r"]).arg(&archive));
        let part = files_of(&out);
        assert!(!part.is_empty() && part.len() < 31, "shard {shard}: {} files", part.len());
        union.extend(part);
    }
    union.sort();
    expected.sort();
    assert_eq!(union, expected, "each file exactly once over the four shards");

    // The same files from a NUL-separated list on standard input.
    let mut list = Vec::new();
    for f in &files {
        list.extend_from_slice(f.as_os_str().as_encoded_bytes());
        list.push(0);
    }
    let mut cmd = verify_cmd(pki, &cache, &base);
    cmd.args(["--files-from", "-", "-0"]).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &list).unwrap();
    let out = child.wait_with_output().unwrap();
    let mut from_list = files_of(&out);
    from_list.sort();
    assert_eq!(from_list, expected, "{}", output_text(&out));
}

/// `-q`: one verdict line a file, then the summary line; `--format json` carries the
/// version and the same summary.
#[test]
fn quiet_text_is_one_line_a_file_and_a_summary() {
    let pki = TestPki::shared();
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    sign_vbdt(pki, "personal", "personal", &fixture_document("quyet-dinh.pdf"), &signed, &[]);
    let unsigned = fixture_document("quyet-dinh.pdf");
    let cache = dir.path().join("cache");
    let out = run(verify_cmd(pki, &cache, &["--offline", "--revocation", "off", "-q"]).arg(&signed).arg(&unsigned));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].contains("signed.pdf") && lines[1].contains("quyet-dinh.pdf"), "{text}");
    assert!(lines[2].starts_with("2 files: ") && lines[2].contains("1 unsigned"), "{text}");
    let out = run(verify_cmd(pki, &cache, &["--offline", "--revocation", "off", "--format", "json"]).arg(&signed).arg(&unsigned));
    let report = report_of(&out);
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["verdicts"]["unsigned"], 1);
    assert!(report["vbdt_version"].is_string());
    // Vietnamese summary.
    let mut cmd = vbdt(["verify", "--offline", "--revocation", "off", "-q", "--lang", "vi"]);
    let out = run(cmd.arg(&unsigned));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Tổng cộng 1 tệp"), "{}", output_text(&out));
}

/// `sign`, `ltv` and `chain` take the same inputs: a list, a directory (-r); ltv's batch
/// asks the responder once for the files of one signer.
#[test]
fn sign_ltv_and_chain_take_lists_and_directories() {
    let pki = TestPki::new();
    let dir = tmp();
    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(inbox.join("sub")).unwrap();
    let names = ["a.pdf", "b.pdf", "sub/c.pdf"];
    for n in names {
        std::fs::copy(fixture_document("quyet-dinh.pdf"), inbox.join(n)).unwrap();
    }
    let list = dir.path().join("list.txt");
    std::fs::write(&list, names.iter().map(|n| format!("{}\n", inbox.join(n).display())).collect::<String>()).unwrap();
    let signed = dir.path().join("signed");
    std::fs::create_dir_all(&signed).unwrap();
    let out = run(vbdt(["sign", "--files-from"])
        .arg(&list)
        .arg("--out-dir")
        .arg(&signed)
        .arg("--p12")
        .arg(pki.p12("personal"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .args(["--role", "personal", "--invisible", "--offline", "--lang", "en"]));
    assert!(out.status.success(), "{}", output_text(&out));
    for n in ["a.pdf", "b.pdf", "c.pdf"] {
        assert!(signed.join(n).is_file(), "{n}: {}", output_text(&out));
    }
    // ltv over the directory: one OCSP request for the three files of one signer.
    let archived = dir.path().join("archived");
    std::fs::create_dir_all(&archived).unwrap();
    let before = pki.services().requests("/ocsp");
    let out = run(vbdt(["ltv", "--lang", "en", "--trust"]).arg(pki.root()).arg(&signed).arg("--out-dir").arg(&archived));
    assert!(out.status.success(), "{}", output_text(&out));
    assert_eq!(pki.services().requests("/ocsp") - before, 1, "{}", output_text(&out));
    // chain: one history after another.
    let out = run(vbdt(["chain", "--lang", "en"]).arg(&archived));
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("a.pdf") && text.contains("b.pdf") && text.contains("c.pdf"), "{text}");
    let out = run(vbdt(["chain", "--extract", "1", "-o"]).arg(dir.path().join("r1.pdf")).arg(&archived));
    assert_eq!(out.status.code(), Some(2), "{}", output_text(&out));
}

/// The clerk's check before organization signatures (S12) verifies each input online:
/// in a batch, the personal signer's status is asked once, not once a file.
#[test]
fn an_organization_batch_asks_once_per_certificate() {
    let pki = TestPki::new();
    let dir = tmp();
    let files = one_signer_files(&pki, dir.path(), 3);
    let out_dir = dir.path().join("issued");
    std::fs::create_dir_all(&out_dir).unwrap();
    let before = pki.services().requests("/ocsp");
    let out = run(vbdt(["sign", "--role", "organization", "--invisible", "--lang", "en", "--trust"])
        .arg(pki.root())
        .arg("--p12")
        .arg(pki.p12("organization"))
        .arg("--pass-file")
        .arg(pki.password_file())
        .arg("--out-dir")
        .arg(&out_dir)
        .args(&files));
    assert!(out.status.success(), "{}", output_text(&out));
    // The organization's own certificate (Điều 29 pre-check) and the personal signer's.
    assert_eq!(pki.services().requests("/ocsp") - before, 2, "{}", output_text(&out));
}

/// Issuers named by AIA caIssuers: many files verified at once by many threads fetch the
/// issuer once (single flight), not once a thread.
#[test]
fn an_issuer_is_fetched_once_by_many_threads() {
    let pki = TestPki::with_aia("vgca");
    let dir = tmp();
    let signed = dir.path().join("signed.pdf");
    // Only the signer certificate in the CMS: the issuer must be fetched.
    sign_pyhanko(&pki, "personal", &fixture_document("quyet-dinh.pdf"), &signed, false, None);
    let files: Vec<PathBuf> = (0..16)
        .map(|i| {
            let f = dir.path().join(format!("copy-{i:02}.pdf"));
            std::fs::hard_link(&signed, &f).unwrap();
            f
        })
        .collect();
    let cache = dir.path().join("cache");
    let out = run(verify_cmd(&pki, &cache, &["--format", "jsonl", "-j", "8"]).args(&files));
    let (reports, _) = jsonl_of(&out);
    for r in &reports {
        assert_eq!(check_status(&r["signatures"][0], "path"), "pass", "{r:#}");
    }
    assert_eq!(pki.services().requests("/crt/ca.crt"), 1, "one caIssuers request for 16 files on 8 threads");
}
