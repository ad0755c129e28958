//! `vbdt verify`: the receiving clerk's check (rules.md V6) and CI's gate, one file or many.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdf_verify::report::{Outcome, Style};
use pdf_verify::rules::KindSource;
use pdf_verify::signatures::DocumentKind;
use pdf_verify::{Lang, Password, RevocationMode, VerifyOptions};
use rayon::prelude::*;
use time::{Date, OffsetDateTime};
use zeroize::Zeroizing;

use crate::exit;
use crate::verify_out::{Fetches, ReportWriter};

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// PDF files to verify (a directory: its PDF files).
    #[arg(required_unless_present = "files_from", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: crate::inputs::InputArgs,

    /// Trust anchors (PEM or DER file, or a directory of them). Without --trust-profile,
    /// these replace the built-in profile; with it, they are added.
    #[arg(long, value_name = "PEM|DIR", help_heading = "Trust")]
    pub trust: Vec<PathBuf>,
    /// Built-in trust profile: vgca (government CA, generations 1 and 2) or neac (national
    /// root of the public CAs). Default: vgca when no --trust is given.
    #[arg(long, value_enum, help_heading = "Trust")]
    pub trust_profile: Vec<TrustProfile>,
    /// The --trust anchors stand for this built-in profile: their signatures are
    /// official-duty (vgca) or public (neac) for rule V7 (e.g. a test PKI).
    #[arg(long, value_enum, value_name = "PROFILE", requires = "trust", help_heading = "Trust")]
    pub trust_as: Option<TrustProfile>,
    /// A certificate policy OID signers below the --trust anchors must carry (or one below
    /// it), for Điều 31.1.b. Repeatable: any one of them suffices.
    #[arg(long, value_name = "OID", requires = "trust", help_heading = "Trust")]
    pub require_policy: Vec<String>,
    /// Extra certificates for building certification paths (intermediate CAs).
    #[arg(long, value_name = "PEM|DIR", help_heading = "Trust")]
    pub certs: Vec<PathBuf>,
    /// CRL files (DER or PEM) to use for revocation checking.
    #[arg(long, value_name = "FILE", help_heading = "Revocation")]
    pub crl: Vec<PathBuf>,
    /// Never use the network (no OCSP, CRL or AIA downloads).
    #[arg(long, help_heading = "Revocation")]
    pub offline: bool,
    /// Do not read or write the disk cache of OCSP responses, CRLs and issuer
    /// certificates (everything is fetched again; still once per run).
    #[arg(long, help_heading = "Revocation")]
    pub no_cache: bool,
    /// When a certificate's revocation status cannot be established: indeterminate
    /// (require), accept with a warning (prefer), or do not check at all (off).
    #[arg(long, value_enum, default_value_t = RevocationArg::Require, help_heading = "Revocation")]
    pub revocation: RevocationArg,

    /// Validation time instead of now: RFC 3339 (e.g. 2025-09-30T14:05:09+07:00), or a
    /// date alone (2033-01-01), meaning the start of that day in Vietnam time (00:00+07:00).
    #[arg(long, value_name = "RFC3339|YYYY-MM-DD", value_parser = parse_rfc3339)]
    pub at: Option<OffsetDateTime>,
    /// The document's issue date for rule S7 (otherwise read from its date line).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub issued_on: Option<Date>,

    /// Report format.
    #[arg(long, value_enum, default_value_t = Format::Text, help_heading = "Output")]
    pub format: Format,
    /// Text report: only each file's verdict line, then the summary line.
    #[arg(short = 'q', long, help_heading = "Output")]
    pub quiet: bool,
    /// Report language.
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi, help_heading = "Output")]
    pub lang: crate::cli::Lang,
    /// Files verified in parallel (default: all cores; online, four a core, since those
    /// threads mostly wait for OCSP and CRL answers, each asked once for all files).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Read the password of encrypted PDFs from this environment variable (the empty
    /// password is always tried first).
    #[arg(long, value_name = "VAR")]
    pub password_env: Option<String>,
    /// Receiving check of a document and its attachments in separate files: the first FILE
    /// is the main document, the others its attachments/appendices. Each must be valid,
    /// signed by the main document's organization, and carry its number and symbol; the
    /// report ends with the decision (accept or return, with every reason).
    #[arg(long)]
    pub bundle: bool,
    /// What every FILE must be, for CI: signatures (the signatures only, no document rules),
    /// issued (personal then organization signature, S1, decided or failed),
    /// copy (S4) or attachment (S5). Files signed by vbdt copy/attach say so themselves;
    /// other software's copies and attachments are only checked against S4/S5 with this.
    /// A file marked as another kind fails the expected kind's rule.
    #[arg(long, value_enum, value_name = "KIND", conflicts_with = "bundle")]
    pub expect: Option<ExpectArg>,
    /// The number and symbol an attachment's stamp must show (S5), e.g. 62/2025/QĐ-UBND.
    /// With --bundle the main document's is used.
    #[arg(long = "ref", value_name = "NUMBER", conflicts_with = "bundle")]
    pub reference: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpectArg {
    /// The signatures only: the document rules (S1–S8) are not applied, and the report says so.
    Signatures,
    /// An issued document: S1 must be decided (personal, then organization signature).
    Issued,
    Copy,
    Attachment,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrustProfile {
    Vgca,
    Neac,
}

impl TrustProfile {
    fn name(self) -> &'static str {
        match self {
            TrustProfile::Vgca => "vgca",
            TrustProfile::Neac => "neac",
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevocationArg {
    Require,
    Prefer,
    Off,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    /// JSON Lines: one object a file, then a summary object (docs/verify.md).
    Jsonl,
    Junit,
}

/// An RFC 3339 time, or a date alone: the start of that day in Vietnam time.
fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, String> {
    if let Ok(day) = parse_date(s.trim()) {
        return Ok(day.midnight().assume_offset(time::macros::offset!(+7)));
    }
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("not an RFC 3339 time or a date ({e}); e.g. 2025-09-30T14:05:09+07:00 or 2025-09-30"))
}

fn parse_date(s: &str) -> Result<Date, String> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).map_err(|e| format!("not a date YYYY-MM-DD ({e})"))
}

/// Builds the verification options; errors are (exit code, message).
fn options(args: &VerifyArgs) -> Result<VerifyOptions, (exit::Outcome, String)> {
    let vi = args.lang == crate::cli::Lang::Vi;
    let mut trust = chain_check::TrustStore::new();
    let mut profiles: Vec<TrustProfile> = args.trust_profile.clone();
    if profiles.is_empty() && args.trust.is_empty() {
        profiles.push(TrustProfile::Vgca);
    }
    for p in profiles {
        trust
            .add_profile(p.name())
            .map_err(|e| (exit::BAD_INPUT, format!("--trust-profile {}: {}", p.name(), crate::msg::trust_error(&e, vi))))?;
    }
    if !args.trust.is_empty() {
        let anchors = crate::trust_args::certificates("trust", &args.trust, vi).map_err(|e| (exit::BAD_INPUT, e))?;
        let policies = args
            .require_policy
            .iter()
            .map(|p| chain_check::trust::parse_policy(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| (exit::USAGE, format!("--require-policy: {}", crate::msg::trust_error(&e, vi))))?;
        trust
            .add_as(anchors, args.trust_as.map(TrustProfile::name), policies)
            .map_err(|e| (exit::USAGE, format!("--trust-as: {}", crate::msg::trust_error(&e, vi))))?;
    }
    let extra_certs = crate::trust_args::certificates("certs", &args.certs, vi).map_err(|e| (exit::BAD_INPUT, e))?;
    let crls = crate::trust_args::crls(&args.crl, vi).map_err(|e| (exit::BAD_INPUT, e))?;
    if args.password_env.is_some() {
        crate::secrets::no_core_dumps();
    }
    let password = match &args.password_env {
        // Wrapped at once: the String std::env::var returns is the only copy vbdt makes.
        Some(var) => Some(Password::new(Zeroizing::new(std::env::var(var).map_err(|_| {
            (exit::USAGE, format!("--password-env: {}", crate::secrets::SecretError::EnvUnset(var.clone()).describe(vi)))
        })?))),
        None => None,
    };
    Ok(VerifyOptions {
        trust,
        extra_certs,
        crls,
        online: !args.offline,
        // One cache for every file of the run, kept on disk for the next (VBDT_CACHE_DIR,
        // else the user's cache directory).
        issuers: Some(std::sync::Arc::new(if args.no_cache {
            chain_check::IssuerCache::memory_only()
        } else {
            chain_check::IssuerCache::default()
        })),
        // OCSP responses and CRLs: the same, fetched once for every file of the run.
        fetched: Some(std::sync::Arc::new(chain_check::FetchCache::new(if args.no_cache {
            None
        } else {
            chain_check::revocation::fetched::default_dir()
        }))),
        revocation: match args.revocation {
            RevocationArg::Require => RevocationMode::Require,
            RevocationArg::Prefer => RevocationMode::Prefer,
            RevocationArg::Off => RevocationMode::Off,
        },
        at: args.at,
        issued_on: args.issued_on,
        password,
        http: chain_check::HttpLimits::default(),
        expect: args.expect.and_then(|e| {
            let kind = match e {
                ExpectArg::Signatures => return None,
                ExpectArg::Issued => DocumentKind::Issued,
                ExpectArg::Copy => DocumentKind::Copy,
                ExpectArg::Attachment => DocumentKind::Attachment,
            };
            Some((kind, KindSource::Expect))
        }),
        signatures_only: args.expect == Some(ExpectArg::Signatures),
        reference: args.reference.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string),
    })
}

/// Runs `vbdt verify`; returns the exit code.
pub fn run(args: &VerifyArgs) -> exit::Outcome {
    let gathered = match crate::inputs::gather(&args.files, &args.inputs, args.lang == crate::cli::Lang::Vi) {
        Ok(files) if files.is_empty() && args.inputs.shard.is_none() => {
            if args.lang == crate::cli::Lang::Vi {
                eprintln!("vbdt verify: không có tệp đầu vào (các thư mục và danh sách đã cho không có tệp PDF nào)");
            } else {
                eprintln!("vbdt verify: no input file (the directories and lists given name no PDF file)");
            }
            return exit::USAGE;
        }
        Ok(files) => files,
        Err(e) => {
            eprintln!("vbdt verify: {e}");
            return exit::BAD_INPUT;
        }
    };
    let args = &VerifyArgs { files: gathered, ..args.clone() };
    let opts = match options(args) {
        Ok(o) => o,
        Err((code, msg)) => {
            eprintln!("vbdt verify: {msg}");
            return code;
        }
    };
    let lang = match args.lang {
        crate::cli::Lang::Vi => Lang::Vi,
        crate::cli::Lang::En => Lang::En,
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = args.jobs.map_or(if args.offline { cores } else { cores * 4 }, |n| n.max(1));
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
        Ok(pool) => pool,
        Err(e) => {
            match lang {
                Lang::Vi => eprintln!("vbdt verify: không khởi động được {threads} luồng xử lý: {e}"),
                Lang::En => eprintln!("vbdt verify: cannot start {threads} worker threads: {e}"),
            }
            return exit::USAGE;
        }
    };
    let files = &args.files;
    let progress = if std::io::stderr().is_terminal() && files.len() > 1 && !args.quiet {
        let pb = ProgressBar::new(files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    let style = Style { color: args.format == Format::Text && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() };
    let at = opts.at.unwrap_or_else(OffsetDateTime::now_utc);
    let written = ReportWriter::begin(std::io::stdout().lock(), args.format, lang, style, args.quiet, at).and_then(|mut w| {
        w.one_line = args.bundle;
        let verify = |f: &PathBuf, o: &VerifyOptions| {
            let out = pdf_verify::verify_path(f, o);
            if let Some(pb) = &progress {
                pb.inc(1);
            }
            out
        };
        let extra = if args.bundle {
            bundle(args, &opts, lang, &pool, &verify, &mut w)?
        } else {
            // Verified a slice at a time, written in the order given: memory holds one
            // slice of reports, whatever the number of files.
            let slice = (pool.current_num_threads() * 8).max(64);
            for part in files.chunks(slice) {
                let outcomes: Vec<Outcome> = pool.install(|| part.par_iter().map(|f| verify(f, &opts)).collect());
                for o in &outcomes {
                    report_error(o, lang);
                    w.file(o)?;
                }
            }
            None
        };
        if let Some(pb) = &progress {
            pb.finish_and_clear();
        }
        let fetches = opts.fetched.as_ref().map(|c| Fetches { requests: c.requests(), cache_hits: c.disk_hits() }).unwrap_or_default();
        w.finish(fetches, extra.as_ref().map(|(value, _)| ("bundle", value.clone()))).map(|code| match extra {
            // A bundle to return is a failed check even when every file is valid on its own.
            Some((_, false)) if code == exit::OK => exit::INVALID,
            _ => code,
        })
    });
    match written {
        Ok(code) => code,
        Err(e) => {
            if args.lang == crate::cli::Lang::Vi {
                eprintln!("vbdt verify: không ghi được báo cáo: {}", crate::msg::io(&e, true));
            } else {
                eprintln!("vbdt verify: cannot write the report: {}", crate::msg::io(&e, false));
            }
            exit::BAD_INPUT
        }
    }
}

/// An unreadable file, said on stderr (one line).
fn report_error(o: &Outcome, lang: Lang) {
    if let Outcome::Error(e) = o {
        eprintln!("vbdt verify: {}: {}", e.file, e.error.get(lang));
    }
}

/// `--bundle`: the first file is the issued document and the others its attachments,
/// whose stamps must show the main document's number and symbol (S5). Writes the files'
/// reports (and, as text, the decision); the decision as JSON and whether to accept.
fn bundle<W: std::io::Write>(
    args: &VerifyArgs,
    opts: &VerifyOptions,
    lang: Lang,
    pool: &rayon::ThreadPool,
    verify: &(dyn Fn(&PathBuf, &VerifyOptions) -> Outcome + Sync),
    w: &mut ReportWriter<W>,
) -> std::io::Result<Option<(serde_json::Value, bool)>> {
    let password = opts.password.as_ref().map(Password::as_str);
    let main_text = std::fs::read(&args.files[0]).map(|b| pdf_verify::bundle::first_pages_text(&b, password)).unwrap_or_default();
    let main = VerifyOptions { expect: Some((DocumentKind::Issued, KindSource::Bundle)), ..opts.clone() };
    let attachment = VerifyOptions {
        expect: Some((DocumentKind::Attachment, KindSource::Bundle)),
        reference: pdf_verify::bundle::document_number(&main_text),
        ..opts.clone()
    };
    let outcomes: Vec<Outcome> =
        pool.install(|| args.files.par_iter().enumerate().map(|(i, f)| verify(f, if i == 0 { &main } else { &attachment })).collect());
    for o in &outcomes {
        report_error(o, lang);
        w.file(o)?;
    }
    let b = decide_bundle(args, &outcomes, &main_text, password);
    if args.format == Format::Text {
        w.raw(&pdf_verify::bundle::text(&b, lang))?;
    }
    Ok(Some((pdf_verify::bundle::json(&b, lang), b.accept())))
}

/// The bundle decision: the first file is the main document, the rest its attachments.
fn decide_bundle(args: &VerifyArgs, outcomes: &[Outcome], main_text: &str, password: Option<&str>) -> pdf_verify::bundle::BundleReport {
    let texts: Vec<String> = args
        .files
        .iter()
        .skip(1)
        .map(|f| std::fs::read(f).map(|b| pdf_verify::bundle::first_pages_text(&b, password)).unwrap_or_default())
        .collect();
    let attachments: Vec<(&Outcome, String)> = outcomes.iter().skip(1).zip(texts).collect();
    // clap requires at least one FILE, so there is a first outcome.
    pdf_verify::bundle::decide(&outcomes[0], main_text, &attachments)
}

/// For other commands (`vbdt demo`): verify `files` against `trust` with the given CRLs
/// (and online revocation), print the text report in `lang`, and return the exit code.
/// `issued_on` is the issue date for rule S7 (None: read from the document's date line).
pub fn verify_files(
    files: &[PathBuf],
    trust: &[PathBuf],
    crls: &[PathBuf],
    issued_on: Option<Date>,
    lang: crate::cli::Lang,
) -> exit::Outcome {
    let args = VerifyArgs {
        files: files.to_vec(),
        inputs: crate::inputs::InputArgs::default(),
        trust: trust.to_vec(),
        trust_profile: Vec::new(),
        trust_as: None,
        require_policy: Vec::new(),
        certs: Vec::new(),
        crl: crls.to_vec(),
        offline: false,
        no_cache: false,
        revocation: RevocationArg::Require,
        at: None,
        issued_on,
        format: Format::Text,
        quiet: false,
        lang,
        jobs: None,
        password_env: None,
        bundle: false,
        expect: None,
        reference: None,
    };
    run(&args)
}
