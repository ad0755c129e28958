//! `vbdt chain`: a signed file's history for archivists — revisions, signatures and
//! document timestamps, certificate paths and the revocation evidence kept for each
//! certificate — and `--extract N` to write the exact bytes of revision N.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pdf_verify::history::{self, CertInfo, EvidenceLocation, History};
use pdf_verify::report::fmt_time;
use pdf_verify::signatures::{Role, SignatureKind};
use zeroize::Zeroizing;

use crate::exit;

#[derive(Args, Debug, Clone)]
pub struct ChainArgs {
    /// The signed PDF (several, or a directory: one history after another).
    #[arg(value_name = "FILE", required_unless_present = "files_from")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: crate::inputs::InputArgs,
    /// The file being reported (one of `files`).
    #[arg(skip)]
    pub file: PathBuf,
    /// Report format (JSON: docs/chain-schema.json).
    #[arg(long, value_enum, default_value_t = ChainFormat::Text)]
    pub format: ChainFormat,
    /// Report language.
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi)]
    pub lang: crate::cli::Lang,
    /// Trust anchors (PEM or DER file, or directory): marks where paths end.
    #[arg(long, value_name = "PEM|DIR")]
    pub trust: Vec<PathBuf>,
    /// Write the exact bytes of revision N (1 = the original) to -o instead of reporting.
    #[arg(long, value_name = "N", requires = "output")]
    pub extract: Option<usize>,
    /// Output file for --extract.
    #[arg(short = 'o', long, value_name = "REV.pdf", requires = "extract")]
    pub output: Option<PathBuf>,
    /// Replace the output if it exists.
    #[arg(long)]
    pub force: bool,
    /// Read the password of an encrypted PDF from this environment variable.
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Do not download issuers named by AIA caIssuers (the cache is still used).
    #[arg(long)]
    pub offline: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainFormat {
    Text,
    Json,
}

/// Runs `vbdt chain` on each input in turn (text or JSON reports one after another);
/// the worst exit code.
pub fn run(args: &ChainArgs) -> exit::Outcome {
    let Some(files) = crate::inputs::gather_for("chain", &args.files, &args.inputs, args.lang == crate::cli::Lang::Vi) else {
        return exit::BAD_INPUT;
    };
    if args.extract.is_some() && files.len() != 1 {
        if args.lang == crate::cli::Lang::Vi {
            eprintln!("vbdt chain: --extract chỉ dùng với một tệp");
        } else {
            eprintln!("vbdt chain: --extract takes one FILE");
        }
        return exit::USAGE;
    }
    exit::worst(files.iter().map(|f| run_one(&ChainArgs { file: f.clone(), ..args.clone() })))
}

fn run_one(args: &ChainArgs) -> exit::Outcome {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("vbdt chain: {}", crate::msg::unreadable_file(&args.file, &e, vi));
            return exit::BAD_INPUT;
        }
    };
    if let (Some(n), Some(out)) = (args.extract, &args.output) {
        let rev = match history::revision_bytes(&bytes, n) {
            Ok(r) => r,
            Err(e) => {
                let why = match &e {
                    history::ExtractError::Read(e) => e.message().get(crate::msg::lang(vi)).to_string(),
                    history::ExtractError::NoSuchRevision { asked, count } if vi => {
                        format!("không có phiên bản {asked}: tệp có {count} phiên bản, đánh số từ 1")
                    }
                    other => other.to_string(),
                };
                eprintln!("vbdt chain: {}: {why}", args.file.display());
                return match e {
                    history::ExtractError::NoSuchRevision { .. } => exit::USAGE,
                    _ => exit::BAD_INPUT,
                };
            }
        };
        let permissions = std::fs::metadata(&args.file).ok().map(|m| m.permissions());
        if let Err(e) = pdf_sign::write_atomically(out, &[rev], args.force, permissions) {
            eprintln!("vbdt chain: {}", crate::msg::sign_error(&e, vi));
            return exit::BAD_INPUT;
        }
        if vi {
            println!("Đã ghi phiên bản {n} ({} byte) vào {}", rev.len(), out.display());
        } else {
            println!("Wrote revision {n} ({} bytes) to {}", rev.len(), out.display());
        }
        return exit::OK;
    }
    let mut trust = chain_check::TrustStore::new();
    if !args.trust.is_empty() {
        match crate::trust_args::certificates("trust", &args.trust, vi) {
            Ok(c) => trust.add(c),
            Err(e) => {
                eprintln!("vbdt chain: {e}");
                return exit::BAD_INPUT;
            }
        }
    }
    if args.password_env.is_some() {
        crate::secrets::no_core_dumps();
    }
    let password = match &args.password_env {
        Some(var) => match std::env::var(var) {
            // Wrapped at once: the String std::env::var returns is the only copy vbdt makes.
            Ok(p) => Some(Zeroizing::new(p)),
            Err(_) => {
                eprintln!("vbdt chain: --password-env: {}", crate::secrets::SecretError::EnvUnset(var.clone()).describe(vi));
                return exit::USAGE;
            }
        },
        None => None,
    };
    let (cache, limits) = (chain_check::IssuerCache::default(), chain_check::HttpLimits::default());
    let src = history::IssuerSource { cache: &cache, online: !args.offline, limits: &limits };
    let h = match history::history_with(&bytes, &args.file.display().to_string(), &trust, password.as_ref().map(|p| p.as_str()), Some(&src))
    {
        Ok(h) => h,
        Err(e) => {
            eprintln!("vbdt chain: {}: {}", args.file.display(), e.message().get(crate::msg::lang(vi)));
            return exit::BAD_INPUT;
        }
    };
    match args.format {
        ChainFormat::Json => match serde_json::to_string_pretty(&h) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("vbdt chain: {e}");
                return exit::BAD_INPUT;
            }
        },
        ChainFormat::Text => print!("{}", text(&h, vi)),
    }
    exit::OK
}

fn t(vi: bool, v: &str, e: &str) -> String {
    if vi { v } else { e }.to_string()
}

fn role_name(r: Role, vi: bool) -> String {
    match r {
        Role::Personal => t(vi, "cá nhân", "personal"),
        Role::Organization => t(vi, "cơ quan, tổ chức", "organization"),
        Role::Unknown => t(vi, "không rõ", "unknown"),
    }
}

fn source_name(s: &str, vi: bool) -> String {
    match s {
        "timestamp" => t(vi, "dấu thời gian", "timestamp"),
        "signing-time-attribute" => t(vi, "thuộc tính signingTime (người ký tự khai)", "signingTime attribute (claimed by the signer)"),
        "pdf-m" => t(vi, "/M trong từ điển chữ ký (người ký tự khai)", "/M of the signature dictionary (claimed)"),
        _ => t(vi, "không có", "none"),
    }
}

fn opt_time(x: Option<time::OffsetDateTime>, vi: bool) -> String {
    x.map(fmt_time).unwrap_or_else(|| t(vi, "không có", "none"))
}

fn path_text(out: &mut String, path: &[CertInfo], indent: &str, vi: bool) {
    for (i, c) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        let (branch, cont) = if last { ("└─ ", "   ") } else { ("├─ ", "│  ") };
        let _ = writeln!(
            out,
            "{indent}{branch}{}{}",
            c.subject,
            if c.anchor { t(vi, " [gốc tin cậy]", " [trust anchor]") } else { String::new() }
        );
        let p = format!("{indent}{cont}");
        let _ = writeln!(out, "{p}{} {}", t(vi, "cấp bởi:", "issuer:"), c.issuer);
        let _ = writeln!(out, "{p}{} {}", t(vi, "số sê-ri:", "serial:"), c.serial);
        let _ = writeln!(out, "{p}{} {} → {}", t(vi, "hiệu lực:", "valid:"), fmt_time(c.not_before), fmt_time(c.not_after));
        if !c.key_usage.is_empty() {
            let _ = writeln!(out, "{p}{} {}", t(vi, "mục đích khóa:", "key usage:"), c.key_usage.join(", "));
        }
        if !c.policies.is_empty() {
            let _ = writeln!(out, "{p}{} {}", t(vi, "chính sách:", "policies:"), c.policies.join(", "));
        }
        if let Some(f) = &c.fetched {
            let when = fmt_time(f.fetched_at);
            let line = match (f.cache, vi) {
                (false, true) => format!("không có trong tệp: tải từ {} (AIA caIssuers)", f.url),
                (false, false) => format!("not in the file: fetched from {} (AIA caIssuers)", f.url),
                (true, true) => format!("không có trong tệp: lấy từ bộ nhớ đệm (đã tải từ {} lúc {when})", f.url),
                (true, false) => format!("not in the file: from the cache (fetched from {} at {when})", f.url),
            };
            let _ = writeln!(out, "{p}{line}");
        }
        if c.anchor {
            continue;
        }
        if c.revocation.is_empty() {
            let _ = writeln!(
                out,
                "{p}{} {}",
                t(vi, "thu hồi:", "revocation:"),
                t(vi, "không có bằng chứng trong tệp", "no evidence in the file")
            );
        }
        for e in &c.revocation {
            let loc = match e.location {
                EvidenceLocation::Cms => t(vi, "trong CMS", "in the CMS"),
                EvidenceLocation::DssVri => t(vi, "trong DSS/VRI", "in the DSS/VRI"),
                EvidenceLocation::Dss => t(vi, "trong DSS", "in the DSS"),
            };
            let status = match e.status.as_str() {
                "good" => t(vi, "chưa bị thu hồi", "good"),
                "revoked" => t(vi, "đã bị thu hồi", "revoked"),
                _ => t(vi, "không rõ", "unknown"),
            };
            let covers = if e.covers_use_time {
                t(vi, "đủ cho thời điểm sử dụng", "covers the time of use")
            } else {
                format!(
                    "{}{}",
                    t(vi, "không đủ cho thời điểm sử dụng", "does not cover the time of use"),
                    if vi { e.note_vi.as_ref() } else { e.note.as_ref() }.map(|n| format!(": {n}")).unwrap_or_default()
                )
            };
            let _ = writeln!(
                out,
                "{p}{} {} {loc}: {status}, {} {} → {}; {covers}",
                t(vi, "thu hồi:", "revocation:"),
                e.kind.to_uppercase(),
                t(vi, "hiệu lực", "valid"),
                opt_time(e.this_update, vi),
                opt_time(e.next_update, vi)
            );
        }
    }
}

/// The readable tree.
pub fn text(h: &History, vi: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", h.file, t(vi, "— lịch sử ký", "— signing history"));
    let _ = writeln!(out, "SHA-256 {}", h.sha256);
    let _ = writeln!(out, "{} {}", t(vi, "Mức PAdES có trong tệp:", "PAdES level the file carries:"), h.level);
    let _ = writeln!(out, "{}", t(vi, "Các phiên bản (cũ nhất trước):", "Revisions (oldest first):"));
    revisions_text(&mut out, h, vi);
    let _ = writeln!(out, "{}", t(vi, "Chữ ký và dấu thời gian (theo thứ tự ký):", "Signatures and timestamps (signing order):"));
    if h.signatures.is_empty() {
        let _ = writeln!(out, "   {}", t(vi, "không có", "none"));
    }
    for s in &h.signatures {
        signature_text(&mut out, s, vi);
    }
    let d = &h.dss;
    if d.present {
        let _ = writeln!(
            out,
            "DSS: {} {}, {} OCSP, {} CRL, {} VRI",
            d.certs,
            t(vi, "chứng thư chữ ký số", "certificates"),
            d.ocsps,
            d.crls,
            d.vri
        );
    } else {
        let _ = writeln!(out, "DSS: {}", t(vi, "không có", "none"));
    }
    match h.renewal_due {
        Some(due) => {
            let _ = writeln!(
                out,
                "{} {}",
                t(
                    vi,
                    "Cần gia hạn (thêm dấu thời gian tài liệu mới, vbdt ltv --lta) trước:",
                    "Renew (add a new document timestamp, vbdt ltv --lta) before:"
                ),
                fmt_time(due)
            );
        }
        None => {
            let _ = writeln!(out, "{}", t(vi, "Không có dấu thời gian: chưa có hạn gia hạn", "No timestamp: no renewal date"));
        }
    }
    out
}

/// The revisions, oldest first, with what each adds.
fn revisions_text(out: &mut String, h: &History, vi: bool) {
    for r in &h.revisions {
        let mut adds: Vec<String> = r
            .adds
            .iter()
            .map(|a| {
                if let Some(f) = a.strip_prefix("signature ") {
                    format!("{} {f}", t(vi, "chữ ký", "signature"))
                } else if let Some(f) = a.strip_prefix("document-timestamp ") {
                    format!("{} {f}", t(vi, "dấu thời gian tài liệu", "document timestamp"))
                } else if let Some(n) = a.strip_prefix("dss ") {
                    format!("{} (+{n} {})", t(vi, "kho dữ liệu xác thực DSS", "validation data (DSS)"), t(vi, "mục", "items"))
                } else {
                    a.clone()
                }
            })
            .collect();
        if r.index == 1 {
            adds.insert(0, t(vi, "văn bản gốc", "the original document"));
        }
        let _ = writeln!(
            out,
            "├─ {} {}: {} {}–{} ({} {}, {} {}){}",
            t(vi, "phiên bản", "revision"),
            r.index,
            t(vi, "byte", "bytes"),
            r.start,
            r.end,
            r.objects_added,
            t(vi, "đối tượng mới", "new objects"),
            r.objects_changed,
            t(vi, "đối tượng thay đổi", "changed"),
            if adds.is_empty() { String::new() } else { format!(": {}", adds.join("; ")) }
        );
    }
}

/// One signature or document timestamp: field, role, signer, time, path and its timestamp.
fn signature_text(out: &mut String, s: &history::SignatureEntry, vi: bool) {
    let kind = match s.kind {
        SignatureKind::Signature => t(vi, "Chữ ký", "Signature"),
        SignatureKind::DocumentTimestamp => t(vi, "Dấu thời gian tài liệu", "Document timestamp"),
    };
    let _ = writeln!(
        out,
        "● {} {} {} \"{}\"{}",
        kind,
        s.index,
        t(vi, "trường", "field"),
        s.field,
        s.revision.map(|r| format!(", {} {r}", t(vi, "phủ phiên bản", "covers revision"))).unwrap_or_default()
    );
    if s.kind == SignatureKind::Signature {
        let _ = writeln!(out, "   {} {}", t(vi, "vai trò:", "role:"), role_name(s.role, vi));
    }
    let _ = writeln!(
        out,
        "   {} {}",
        if s.kind == SignatureKind::Signature {
            t(vi, "người ký:", "signer:")
        } else {
            t(vi, "đơn vị cấp dấu thời gian:", "TSA:")
        },
        s.signer.clone().unwrap_or_else(|| t(vi, "không rõ", "unknown"))
    );
    let _ = writeln!(out, "   {} {} ({})", t(vi, "thời điểm:", "time:"), opt_time(s.signing_time, vi), source_name(s.time_source, vi));
    let _ = writeln!(out, "   VRI: {}", if s.has_vri { t(vi, "có", "present") } else { t(vi, "không có", "none") });
    if let Some(e) = &s.error {
        let _ = writeln!(out, "   {} {e}", t(vi, "lỗi:", "error:"));
    }
    let _ = writeln!(out, "   {}", t(vi, "đường dẫn chứng thực:", "certification path:"));
    path_text(out, &s.path, "   ", vi);
    if let Some(ts) = &s.timestamp {
        let _ = writeln!(
            out,
            "   {} {} {} {}",
            t(vi, "dấu thời gian chữ ký:", "signature timestamp:"),
            fmt_time(ts.time),
            t(vi, "do", "by"),
            ts.tsa.clone().unwrap_or_default()
        );
        path_text(out, &ts.path, "   ", vi);
    }
}
