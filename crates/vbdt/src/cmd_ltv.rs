//! `vbdt ltv`: PAdES B-LT (validation data in the DSS, fetched where missing) and, with
//! `--lta --tsa URL`, B-LTA (a document timestamp over it). Running it again on a B-LTA
//! file adds the data for the last timestamp and a new timestamp (renewal).

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use pdf_sign::ltv::{DssAddition, VriEntry};
use pdf_sign::SignError;
use rayon::prelude::*;

use crate::exit;
use crate::signing::{plan, OutputArgs};

#[derive(Args, Debug, Clone)]
pub struct LtvArgs {
    /// Signed PDF files.
    #[arg(required_unless_present = "files_from", value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub inputs: crate::inputs::InputArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Trust anchors (PEM or DER file, or directory): where certification paths end.
    /// Default: the built-in vgca profile.
    #[arg(long, value_name = "PEM|DIR")]
    pub trust: Vec<PathBuf>,
    /// Extra certificates for building paths (intermediate CAs).
    #[arg(long, value_name = "PEM|DIR")]
    pub certs: Vec<PathBuf>,
    /// CRL files (DER or PEM) to use besides those in the file and fetched ones.
    #[arg(long, value_name = "FILE")]
    pub crl: Vec<PathBuf>,
    /// Add a document timestamp after the validation data (PAdES B-LTA); needs --tsa.
    #[arg(long, requires = "tsa")]
    pub lta: bool,
    /// RFC 3161 timestamp service for --lta (http:// or https://).
    #[arg(long, value_name = "URL")]
    pub tsa: Option<String>,
    /// Files processed in parallel (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Messages in Vietnamese (vi) or English (en).
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi)]
    pub lang: crate::cli::Lang,
    /// No summary lines.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Why one file could not be extended.
#[derive(Debug)]
enum LtvFailure {
    Input(String),
    /// Missing evidence, network or TSA failure.
    Evidence(String),
}

impl LtvFailure {
    fn code(&self) -> exit::Outcome {
        match self {
            LtvFailure::Input(_) => exit::BAD_INPUT,
            LtvFailure::Evidence(_) => exit::KEY_OR_NETWORK,
        }
    }
    fn message(&self) -> &str {
        match self {
            LtvFailure::Input(m) | LtvFailure::Evidence(m) => m,
        }
    }
}

fn sign_failure(e: SignError, vi: bool) -> LtvFailure {
    if e.is_input_problem() {
        LtvFailure::Input(crate::msg::sign_error(&e, vi))
    } else {
        LtvFailure::Evidence(crate::msg::sign_error(&e, vi))
    }
}

struct Settings {
    trust: chain_check::TrustStore,
    extra: Vec<chain_check::Certificate>,
    crls: Vec<Vec<u8>>,
    tsa: Option<String>,
    http: chain_check::HttpLimits,
    /// Issuers fetched through AIA caIssuers, shared by every file of the run.
    issuers: chain_check::IssuerCache,
    /// OCSP responses and CRLs fetched once for every file of the run (not kept on disk:
    /// the evidence embedded is fetched by this run).
    fetched: std::sync::Arc<chain_check::FetchCache>,
    vi: bool,
}

/// What one run added.
struct Done {
    /// OCSP responses and CRLs newly written into the DSS.
    dss_items: usize,
    timestamp: Option<String>,
    /// Said before the summary line (signatures that are not intact).
    warnings: Vec<String>,
}

/// Signatures of `bytes` that are not intact (byte range, digest, signature value, or
/// changes after signing): archive evidence added to such a file does not make it valid.
fn broken_signatures(bytes: &[u8], s: &Settings) -> Vec<String> {
    let opts = pdf_verify::VerifyOptions {
        trust: s.trust.clone(),
        online: false,
        revocation: pdf_verify::RevocationMode::Off,
        signatures_only: true,
        ..Default::default()
    };
    let Ok(report) = pdf_verify::verify_bytes(bytes, "", &opts) else { return Vec::new() };
    let lang = if s.vi { pdf_verify::Lang::Vi } else { pdf_verify::Lang::En };
    report
        .signatures
        .iter()
        .filter_map(|sig| {
            let broken: Vec<String> = sig
                .checks
                .iter()
                .filter(|c| {
                    matches!(c.id, "byte_range" | "digest" | "signed_attributes" | "signature" | "modifications")
                        && c.status == pdf_verify::verdict::CheckStatus::Fail
                })
                .map(|c| c.message.get(lang).to_string())
                .collect();
            if broken.is_empty() {
                return None;
            }
            let why = broken.join("; ");
            Some(if s.vi {
                format!("chữ ký {} không còn nguyên vẹn ({why}); dữ liệu lưu trữ dài hạn không làm chữ ký này hợp lệ", sig.index)
            } else {
                format!("signature {} is not intact ({why}); archive evidence does not make it valid", sig.index)
            })
        })
        .collect()
}

/// The DSS addition for every signature and timestamp of `bytes`.
fn collect(bytes: &[u8], s: &Settings) -> Result<DssAddition, LtvFailure> {
    // vbdt never writes into an encrypted PDF (the DSS would have to be encrypted too), so
    // no password is asked for: say so before anything suggests giving one.
    if pdf_raw::RawPdf::parse(bytes).is_ok_and(|raw| raw.is_encrypted()) {
        return Err(LtvFailure::Input(if s.vi {
            "tệp PDF đã mã hóa: vbdt ltv không thêm dữ liệu kiểm tra dài hạn vào tệp mã hóa (vbdt không ghi vào tệp mã hóa); \
             kiểm tra tệp bằng vbdt verify --password-env VAR"
                .into()
        } else {
            "the PDF is encrypted: vbdt ltv cannot add long-term validation data to an encrypted file (vbdt never writes into \
             encrypted PDFs); verify it with vbdt verify --password-env VAR"
                .into()
        }));
    }
    let m = pdf_verify::history::ltv_material(bytes, None)
        .map_err(|e| LtvFailure::Input(e.message().get(crate::msg::lang(s.vi)).to_string()))?;
    if m.targets.is_empty() {
        return Err(LtvFailure::Input(if s.vi { "tệp không có chữ ký nào".into() } else { "the file has no signature".into() }));
    }
    let mut pool = m.pool.clone();
    pool.extend(s.extra.iter().cloned());
    // Issuers the file lacks, named by AIA caIssuers: fetched (or from the cache) and, on
    // the paths below, embedded in the DSS so that the archived file validates offline.
    let leaves: Vec<&chain_check::Certificate> = m.targets.iter().flat_map(|t| t.leaves.iter().map(|(l, _)| l)).collect();
    let src = pdf_verify::history::IssuerSource { cache: &s.issuers, online: true, limits: &s.http };
    let fetched = pdf_verify::history::fetch_issuers(&leaves, &pool, &s.trust, &src, time::OffsetDateTime::now_utc());
    pool.extend(fetched.into_iter().map(|(c, _)| c));
    let mut crls = m.crls.clone();
    crls.extend(s.crls.iter().cloned());
    let sources = chain_check::RevocationSources {
        ocsp_responses: m.ocsps.clone(),
        crls,
        online: true,
        limits: s.http,
        cache: Some(s.fetched.clone()),
    };
    let der = |c: &chain_check::Certificate| chain_check::cert::to_der(c).map_err(|e| LtvFailure::Input(e.to_string()));
    let mut add = DssAddition::default();
    for target in &m.targets {
        let mut vri = VriEntry { contents: target.contents.clone(), ..VriEntry::default() };
        for (leaf, at) in &target.leaves {
            let path = match chain_check::PathBuilder::new(&s.trust).with_intermediates(pool.iter().cloned()).build(leaf, *at) {
                Ok(p) => p.certs,
                Err(_) => pdf_verify::history::simple_path(leaf, &pool, &s.trust),
            };
            for c in &path {
                let d = der(c)?;
                if !vri.certs.contains(&d) {
                    vri.certs.push(d);
                }
            }
            for pair in path.windows(2) {
                let [cert, issuer] = pair else { continue };
                let who = chain_check::cert::common_name(cert).unwrap_or_else(|| chain_check::cert::subject(cert));
                match chain_check::revocation::check(cert, issuer, *at, &sources) {
                    chain_check::RevocationStatus::Good { source, evidence_der, .. } => {
                        // An OCSP response from the disk cache is one too (a CRL bucket would
                        // hold it as a malformed CRL).
                        if source.is_ocsp() {
                            for rc in chain_check::revocation::ocsp::response_certs(&evidence_der) {
                                let d = der(&rc)?;
                                if !vri.certs.contains(&d) {
                                    vri.certs.push(d);
                                }
                            }
                            vri.ocsps.push(evidence_der);
                        } else {
                            vri.crls.push(evidence_der);
                        }
                    }
                    chain_check::RevocationStatus::Revoked { revoked_at, .. } => {
                        let t = pdf_verify::report::fmt_time(revoked_at);
                        return Err(LtvFailure::Evidence(if s.vi {
                            format!("chứng thư chữ ký số \"{who}\" đã bị thu hồi lúc {t}")
                        } else {
                            format!("the certificate \"{who}\" was revoked at {t}")
                        }));
                    }
                    chain_check::RevocationStatus::Unknown { reasons } => {
                        return Err(LtvFailure::Evidence(if s.vi {
                            format!(
                                "không lấy được tình trạng thu hồi của chứng thư chữ ký số \"{who}\": {}",
                                reasons.iter().map(|r| crate::msg::unchecked(r, true)).collect::<Vec<_>>().join("; ")
                            )
                        } else {
                            format!(
                                "no revocation status for the certificate \"{who}\": {}",
                                reasons.iter().map(|r| crate::msg::unchecked(r, false)).collect::<Vec<_>>().join("; ")
                            )
                        }));
                    }
                }
            }
        }
        add.vri.push(vri);
    }
    Ok(add)
}

fn one(input: &[u8], s: &Settings) -> Result<(Vec<Vec<u8>>, Done), LtvFailure> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut current = input.to_vec();
    let mut dss_items = 0;
    let warnings = broken_signatures(input, s);
    let add = collect(&current, s)?;
    // Only what this run writes is counted, not what the DSS already held.
    if let Some((update, new)) = pdf_sign::ltv::dss_update_counted(&current, &add).map_err(|e| sign_failure(e, s.vi))? {
        dss_items += new;
        current.extend_from_slice(&update);
        parts.push(update);
    }
    let mut timestamp = None;
    if let Some(url) = &s.tsa {
        let (update, field) = pdf_sign::ltv::doc_timestamp_update(&current, url, &s.http).map_err(|e| sign_failure(e, s.vi))?;
        current.extend_from_slice(&update);
        parts.push(update);
        timestamp = Some(field);
        // The new timestamp's own validation data, so that it validates without a network.
        let add = collect(&current, s)?;
        if let Some(update) = pdf_sign::ltv::dss_update(&current, &add).map_err(|e| sign_failure(e, s.vi))? {
            parts.push(update);
        }
    }
    Ok((parts, Done { dss_items, timestamp, warnings }))
}

/// Each file's line (and warnings), each failure, and the summary ("done N of M" after an
/// interruption); returns the batch's outcome.
fn report(args: &LtvArgs, jobs: &[crate::signing::Job], results: &[(usize, Result<Done, LtvFailure>)], interrupted: bool) -> exit::Outcome {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let mut code = exit::OK;
    let mut failed = 0;
    for (i, r) in results {
        let job = &jobs[*i];
        match r {
            Ok(d) => {
                for w in &d.warnings {
                    eprintln!("vbdt ltv: {}: {} {w}", job.input.display(), if vi { "cảnh báo:" } else { "warning:" });
                }
                if !args.quiet {
                    let ts = match (&d.timestamp, vi) {
                        (Some(f), true) => format!(", dấu thời gian tài liệu {f}"),
                        (Some(f), false) => format!(", document timestamp {f}"),
                        (None, _) => String::new(),
                    };
                    if vi {
                        println!(
                            "Đã bổ sung dữ liệu xác thực dài hạn {} → {} ({} OCSP/CRL mới{ts})",
                            job.input.display(),
                            job.output.display(),
                            d.dss_items
                        );
                    } else {
                        println!(
                            "Added long-term validation data {} → {} ({} new OCSP/CRL{ts})",
                            job.input.display(),
                            job.output.display(),
                            d.dss_items
                        );
                    }
                }
            }
            Err(e) => {
                failed += 1;
                code = exit::worst([code, e.code()]);
                eprintln!("vbdt ltv: {}: {}", job.input.display(), e.message());
            }
        }
    }
    if interrupted {
        crate::interrupt::say_stopped("ltv", results.len(), failed, jobs.len(), vi);
        return exit::INTERRUPTED;
    }
    if jobs.len() > 1 && !args.quiet {
        let ok = jobs.len() - failed;
        if vi {
            println!("Đã xử lý {ok}/{} tệp; {failed} tệp lỗi.", jobs.len());
        } else {
            println!("Processed {ok} of {} files; {failed} failed.", jobs.len());
        }
    }
    code
}

/// Reads one file, collects its evidence and writes its output atomically.
fn extend_one(job: &crate::signing::Job, settings: &Settings, force: bool) -> Result<Done, LtvFailure> {
    if !force && job.output.exists() {
        return Err(sign_failure(SignError::OutputExists(job.output.clone()), settings.vi));
    }
    let input = std::fs::read(&job.input).map_err(|e| {
        let why = crate::msg::io(&e, settings.vi);
        LtvFailure::Input(if settings.vi { format!("không đọc được tệp: {why}") } else { format!("cannot read the file: {why}") })
    })?;
    let (parts, done) = one(&input, settings)?;
    let mut all: Vec<&[u8]> = vec![&input];
    all.extend(parts.iter().map(Vec::as_slice));
    let permissions = std::fs::metadata(&job.input).ok().map(|m| m.permissions());
    pdf_sign::write_atomically(&job.output, &all, force, permissions).map_err(|e| sign_failure(e, settings.vi))?;
    Ok(done)
}

pub fn run(args: &LtvArgs) -> exit::Outcome {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let Some(files) = crate::inputs::gather_for("ltv", &args.files, &args.inputs, vi) else { return exit::BAD_INPUT };
    let jobs = match plan(&files, &args.out, vi) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("vbdt ltv: {e:#}");
            return exit::USAGE;
        }
    };
    let mut trust = chain_check::TrustStore::new();
    if args.trust.is_empty() {
        if let Err(e) = trust.add_profile("vgca") {
            eprintln!("vbdt ltv: {}", crate::msg::trust_error(&e, vi));
            return exit::BAD_INPUT;
        }
    } else {
        match crate::trust_args::certificates("trust", &args.trust, vi) {
            Ok(c) => trust.add(c),
            Err(e) => {
                eprintln!("vbdt ltv: {e}");
                return exit::BAD_INPUT;
            }
        }
    }
    let extra = match crate::trust_args::certificates("certs", &args.certs, vi) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vbdt ltv: {e}");
            return exit::BAD_INPUT;
        }
    };
    let crls = match crate::trust_args::crls(&args.crl, vi) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vbdt ltv: {e}");
            return exit::BAD_INPUT;
        }
    };
    let settings = Settings {
        trust,
        extra,
        crls,
        tsa: if args.lta { args.tsa.clone() } else { None },
        http: chain_check::HttpLimits::default(),
        issuers: chain_check::IssuerCache::default(),
        // OCSP responses and CRLs: fetched once for every file of the batch, in memory
        // only; what ltv embeds is what this run was told (a cached "good" could hide a
        // revocation since it was fetched).
        fetched: std::sync::Arc::new(chain_check::FetchCache::memory_only()),
        vi,
    };
    let bar = if std::io::stderr().is_terminal() && jobs.len() > 1 && !args.quiet {
        let bar = ProgressBar::new(jobs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} {elapsed_precise} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(0)).build() {
        Ok(p) => p,
        Err(e) => {
            if vi {
                eprintln!("vbdt ltv: không khởi động được các luồng xử lý: {e}");
            } else {
                eprintln!("vbdt ltv: cannot start worker threads: {e}");
            }
            return exit::USAGE;
        }
    };
    let force = args.out.force;
    crate::interrupt::install(vi);
    // After Ctrl-C or SIGTERM no new file is started; those begun finish.
    let results: Vec<(usize, Result<Done, LtvFailure>)> = pool.install(|| {
        jobs.par_iter()
            .enumerate()
            .filter_map(|(i, job)| {
                if crate::interrupt::requested() {
                    return None;
                }
                let r = extend_one(job, &settings, force);
                bar.inc(1);
                Some((i, r))
            })
            .collect()
    });
    let interrupted = crate::interrupt::requested();
    bar.finish_and_clear();
    report(args, &jobs, &results, interrupted)
}
