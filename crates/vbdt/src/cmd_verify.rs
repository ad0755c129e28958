//! `vbdt verify`: the receiving clerk's check (rules.md V6) and CI's gate, one file or many.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdf_verify::report::{self, Outcome, Style};
use pdf_verify::rules::KindSource;
use pdf_verify::signatures::DocumentKind;
use pdf_verify::verdict::Verdict;
use pdf_verify::{Lang, Password, RevocationMode, VerifyOptions};
use rayon::prelude::*;
use time::{Date, OffsetDateTime};
use zeroize::Zeroizing;

use crate::exit;

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// PDF files to verify.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

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
    /// Report language.
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi, help_heading = "Output")]
    pub lang: crate::cli::Lang,
    /// Files verified in parallel (default: all cores).
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
    let mut trust = chain_check::TrustStore::new();
    let mut profiles: Vec<TrustProfile> = args.trust_profile.clone();
    if profiles.is_empty() && args.trust.is_empty() {
        profiles.push(TrustProfile::Vgca);
    }
    for p in profiles {
        trust.add_profile(p.name()).map_err(|e| (exit::BAD_INPUT, format!("trust profile {}: {e}", p.name())))?;
    }
    if !args.trust.is_empty() {
        let anchors = chain_check::cert::load_cert_sources(&args.trust).map_err(|e| (exit::BAD_INPUT, format!("--trust: {e}")))?;
        let policies = args
            .require_policy
            .iter()
            .map(|p| chain_check::trust::parse_policy(p))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| (exit::USAGE, format!("--require-policy: {e}")))?;
        trust.add_as(anchors, args.trust_as.map(TrustProfile::name), policies).map_err(|e| (exit::USAGE, format!("--trust-as: {e}")))?;
    }
    let extra_certs = if args.certs.is_empty() {
        Vec::new()
    } else {
        chain_check::cert::load_cert_sources(&args.certs).map_err(|e| (exit::BAD_INPUT, format!("--certs: {e}")))?
    };
    let mut crls = Vec::new();
    for path in &args.crl {
        crls.push(std::fs::read(path).map_err(|e| (exit::BAD_INPUT, format!("--crl {}: {e}", path.display())))?);
    }
    if args.password_env.is_some() {
        crate::secrets::no_core_dumps();
    }
    let password = match &args.password_env {
        // Wrapped at once: the String std::env::var returns is the only copy vbdt makes.
        Some(var) => Some(Password::new(Zeroizing::new(
            std::env::var(var).map_err(|_| (exit::USAGE, format!("--password-env: the environment variable {var} is not set")))?,
        ))),
        None => None,
    };
    Ok(VerifyOptions {
        trust,
        extra_certs,
        crls,
        online: !args.offline,
        // One cache for every file of the run, kept on disk for the next (VBDT_CACHE_DIR,
        // else the user's cache directory).
        issuers: Some(std::sync::Arc::new(chain_check::IssuerCache::default())),
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

/// The outcome of a batch ([`exit::worst`]): unreadable input before invalid or unsigned
/// before indeterminate; done when every file is valid.
pub fn exit_code(outcomes: &[Outcome]) -> exit::Outcome {
    exit::worst(outcomes.iter().map(|o| match o {
        Outcome::Error(_) => exit::BAD_INPUT,
        Outcome::Report(r) => match r.verdict {
            Verdict::Valid => exit::OK,
            Verdict::Invalid | Verdict::Unsigned => exit::INVALID,
            Verdict::Indeterminate => exit::INDETERMINATE,
        },
    }))
}

/// Runs `vbdt verify`; returns the exit code.
pub fn run(args: &VerifyArgs) -> exit::Outcome {
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
    let progress = if std::io::stderr().is_terminal() && args.files.len() > 1 {
        let pb = ProgressBar::new(args.files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {wide_msg}") {
            pb.set_style(style);
        }
        Some(pb)
    } else {
        None
    };
    // In a bundle the first file is the issued document and the others its attachments,
    // whose stamps must show the main document's number and symbol (S5).
    let main_text = if args.bundle {
        std::fs::read(&args.files[0])
            .map(|b| pdf_verify::bundle::first_pages_text(&b, opts.password.as_ref().map(Password::as_str)))
            .unwrap_or_default()
    } else {
        String::new()
    };
    let (main_opts, attachment_opts) = if args.bundle {
        let main = VerifyOptions { expect: Some((DocumentKind::Issued, KindSource::Bundle)), ..opts.clone() };
        let attachment = VerifyOptions {
            expect: Some((DocumentKind::Attachment, KindSource::Bundle)),
            reference: pdf_verify::bundle::document_number(&main_text),
            ..opts.clone()
        };
        (Some(main), Some(attachment))
    } else {
        (None, None)
    };
    let options_for = |i: usize| match (i, &main_opts, &attachment_opts) {
        (0, Some(m), _) => m,
        (_, _, Some(a)) => a,
        _ => &opts,
    };
    let work = || -> Vec<Outcome> {
        args.files
            .par_iter()
            .enumerate()
            .map(|(i, f)| {
                let o = pdf_verify::verify_path(f, options_for(i));
                if let Some(pb) = &progress {
                    pb.inc(1);
                }
                o
            })
            .collect()
    };
    let outcomes = match args.jobs {
        Some(n) => match rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build() {
            Ok(pool) => pool.install(work),
            Err(e) => {
                eprintln!("vbdt verify: cannot start {n} worker threads: {e}");
                return exit::USAGE;
            }
        },
        None => work(),
    };
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    for o in &outcomes {
        if let Outcome::Error(e) = o {
            eprintln!("vbdt verify: {}: {}", e.file, e.error);
        }
    }
    let bundle = args.bundle.then(|| decide_bundle(args, &outcomes, &main_text, opts.password.as_ref().map(Password::as_str)));
    match args.format {
        Format::Json if bundle.is_some() => {
            let mut doc: serde_json::Value = serde_json::from_str(&report::json(&outcomes, lang)).unwrap_or_default();
            if let (Some(b), Some(map)) = (&bundle, doc.as_object_mut()) {
                map.insert("bundle".into(), pdf_verify::bundle::json(b, lang));
            }
            println!("{doc}");
        }
        Format::Json => println!("{}", report::json(&outcomes, lang)),
        Format::Junit => print!("{}", report::junit(&outcomes, lang)),
        Format::Text => {
            let style = Style { color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() };
            for o in outcomes.iter().filter(|o| matches!(o, Outcome::Report(_))) {
                print!("{}", report::text(o, lang, style));
            }
            if let Some(b) = &bundle {
                print!("{}", pdf_verify::bundle::text(b, lang));
            }
        }
    }
    let code = exit_code(&outcomes);
    match bundle {
        // A bundle to return is a failed check even when every file is valid on its own.
        Some(b) if !b.accept() && code == exit::OK => exit::INVALID,
        _ => code,
    }
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
        trust: trust.to_vec(),
        trust_profile: Vec::new(),
        trust_as: None,
        require_policy: Vec::new(),
        certs: Vec::new(),
        crl: crls.to_vec(),
        offline: false,
        revocation: RevocationArg::Require,
        at: None,
        issued_on,
        format: Format::Text,
        lang,
        jobs: None,
        password_env: None,
        bundle: false,
        expect: None,
        reference: None,
    };
    run(&args)
}
