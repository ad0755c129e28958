//! What `sign`, `copy` and `attach` share: key options and opening the key (with the
//! Điều 29 pre-checks), output planning, and the parallel batch with its progress bar and
//! summary.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use pdf_sign::{DigestAlg, KeySource, P12Key, Pkcs11Key, Pkcs11Options, PrecheckOptions, Role, RsaPadding, SignError, SignOptions};
use rayon::prelude::*;

use crate::exit;
use crate::secrets::{Secret, SecretSource};

/// Where signed files go.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output file (one input only).
    #[arg(short = 'o', long, value_name = "OUT.pdf", conflicts_with_all = ["out_dir", "suffix"])]
    pub output: Option<PathBuf>,
    /// Write each signed file into DIR under its own name.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
    /// Write each signed file beside its input, with SUFFIX before `.pdf` (e.g. `--suffix
    /// -signed`). Inputs whose name already ends with SUFFIX (earlier outputs) are skipped.
    #[arg(long, value_name = "SUFFIX", allow_hyphen_values = true)]
    pub suffix: Option<String>,
    /// Replace outputs that already exist.
    #[arg(long, conflicts_with = "skip_existing")]
    pub force: bool,
    /// Skip inputs whose output already exists (finish an interrupted batch).
    #[arg(long)]
    pub skip_existing: bool,
}

/// The key, the signature's options, the certificate checks and the batch settings.
#[derive(Args, Debug, Clone)]
#[group(id = "key_options")]
#[command(group(clap::ArgGroup::new("key").args(["p12", "pkcs11", "csc"])))]
pub struct KeyArgs {
    /// Profile file with the organization's name, seal, font, key source and TSA
    /// (default: ./vbdt.toml, else ~/.config/vbdt/vbdt.toml, when present). Flags override it.
    #[arg(long, value_name = "FILE", help_heading = "Key")]
    pub profile: Option<PathBuf>,
    /// Sign with the key and certificates in a PKCS#12 (.p12/.pfx) file.
    #[arg(long, value_name = "KEY.p12", help_heading = "Key")]
    pub p12: Option<PathBuf>,
    /// Read the PKCS#12 password from this environment variable.
    #[arg(long, value_name = "VAR", help_heading = "Key")]
    pub pass_env: Option<String>,
    /// Read the PKCS#12 password from the first line of this file.
    #[arg(long, value_name = "FILE", help_heading = "Key")]
    pub pass_file: Option<PathBuf>,
    /// Sign on a PKCS#11 token through this module (e.g. /usr/lib/softhsm/libsofthsm2.so).
    #[arg(long, value_name = "MODULE.so", help_heading = "Key")]
    pub pkcs11: Option<PathBuf>,
    /// Token label (default: the first token present).
    #[arg(long, value_name = "LABEL", help_heading = "Key")]
    pub token: Option<String>,
    /// Private key label on the token (needed when it holds several keys).
    #[arg(long = "key", value_name = "LABEL", help_heading = "Key")]
    pub key_label: Option<String>,
    /// Read the token PIN from this environment variable. A wrong PIN is never retried.
    #[arg(long, value_name = "VAR", help_heading = "Key")]
    pub pin_env: Option<String>,
    /// Read the token PIN from the first line of this file.
    #[arg(long, value_name = "FILE", help_heading = "Key")]
    pub pin_file: Option<PathBuf>,
    /// Sign remotely (ký số từ xa) through the Cloud Signature Consortium API service at
    /// this base address (`/csc/v2/…` where its info offers v2, else `/csc/v1/…`); see
    /// docs/remote-signing.md.
    /// The PIN, when the credential asks for one, comes from --pin-env/--pin-file or a prompt.
    #[arg(long, value_name = "URL", help_heading = "Remote signing (CSC)")]
    pub csc: Option<String>,
    /// The credential (key) on the CSC service; may be left out when the account has one.
    #[arg(long, value_name = "ID", help_heading = "Remote signing (CSC)")]
    pub csc_credential: Option<String>,
    /// Read the CSC service's bearer token from this environment variable.
    #[arg(long, value_name = "VAR", help_heading = "Remote signing (CSC)")]
    pub csc_token_env: Option<String>,
    /// Read the CSC service's bearer token from the first line of this file.
    #[arg(long, value_name = "FILE", help_heading = "Remote signing (CSC)")]
    pub csc_token_file: Option<PathBuf>,
    /// OAuth2 client ID: get the token with the client credentials grant.
    #[arg(long, value_name = "ID", help_heading = "Remote signing (CSC)")]
    pub csc_client_id: Option<String>,
    /// Read the OAuth2 client secret from this environment variable.
    #[arg(long, value_name = "VAR", help_heading = "Remote signing (CSC)")]
    pub csc_client_secret_env: Option<String>,
    /// Read the OAuth2 client secret from the first line of this file.
    #[arg(long, value_name = "FILE", help_heading = "Remote signing (CSC)")]
    pub csc_client_secret_file: Option<PathBuf>,
    /// Read the one-time password (OTP), when the credential asks for one, from this
    /// environment variable (else from --otp-file, else a prompt). Never retried.
    #[arg(long, value_name = "VAR", help_heading = "Remote signing (CSC)")]
    pub otp_env: Option<String>,
    /// Read the OTP from the first line of this file.
    #[arg(long, value_name = "FILE", help_heading = "Remote signing (CSC)")]
    pub otp_file: Option<PathBuf>,
    /// Extra CA certificates (PEM or DER file, or a directory) to complete the chain.
    #[arg(long, value_name = "PEM|DIR", help_heading = "Key")]
    pub certs: Vec<PathBuf>,
    /// RFC 3161 timestamp service (http:// or https://): adds a signature timestamp
    /// (PAdES B-T). Without it: PAdES B-B.
    #[arg(long, value_name = "URL", help_heading = "Signature")]
    pub tsa: Option<String>,
    /// Reason written in the signature dictionary.
    #[arg(long, help_heading = "Signature")]
    pub reason: Option<String>,
    /// Location written in the signature dictionary.
    #[arg(long, help_heading = "Signature")]
    pub location: Option<String>,
    /// Contact information written in the signature dictionary.
    #[arg(long, help_heading = "Signature")]
    pub contact: Option<String>,
    /// Digest algorithm.
    #[arg(long, value_enum, default_value_t = DigestArg::Sha256, help_heading = "Signature")]
    pub digest: DigestArg,
    /// Use RSASSA-PSS instead of PKCS#1 v1.5 for RSA keys.
    #[arg(long, help_heading = "Signature")]
    pub pss: bool,
    /// Require the signer's chain to reach one of these trust anchors (PEM or DER file, or directory).
    #[arg(long, value_name = "PEM|DIR", help_heading = "Certificate checks (Điều 29)")]
    pub trust: Vec<PathBuf>,
    /// CRL files to check the signer certificate against.
    #[arg(long, value_name = "FILE", help_heading = "Certificate checks (Điều 29)")]
    pub crl: Vec<PathBuf>,
    /// Do not ask the CA's OCSP responder or CRL distribution point before signing.
    #[arg(long, help_heading = "Certificate checks (Điều 29)")]
    pub offline: bool,
    /// Files signed in parallel (default: twice the number of cores, since each output is
    /// fsynced and a worker spends much of its time waiting for the disk).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Print only errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi)]
    pub lang: crate::cli::Lang,
}

impl KeyArgs {
    pub fn vi(&self) -> bool {
        matches!(self.lang, crate::cli::Lang::Vi)
    }

    /// Signature options from these flags, for `role`.
    pub fn sign_options(&self, role: Role) -> SignOptions {
        let mut opts = SignOptions::new(role);
        opts.reason = self.reason.clone();
        opts.location = self.location.clone();
        opts.contact = self.contact.clone();
        opts.tsa_url = self.tsa.clone();
        opts.digest = match self.digest {
            DigestArg::Sha256 => DigestAlg::Sha256,
            DigestArg::Sha384 => DigestAlg::Sha384,
            DigestArg::Sha512 => DigestAlg::Sha512,
        };
        opts.rsa_padding = if self.pss { RsaPadding::Pss } else { RsaPadding::Pkcs1v15 };
        opts
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum DigestArg {
    Sha256,
    Sha384,
    Sha512,
}

/// Why one file of a batch was not signed: the signing library's reason, or the
/// clerk's issuing step's (rules.md S11, S12), which this binary decides and words (in
/// the chosen language) from the verifier's and the layout's findings.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The number and issue date cannot be filled (S11): no blank, a value that does not
    /// fit, a number missing for reserved blanks, …
    #[error("number and issue date (S11): {0}")]
    Issue(String),
    /// The clerk's check before the organization signature (S12) found the document not
    /// valid; the verifier's reasons.
    #[error("the clerk's check (S12) refuses the document: {0}")]
    ClerkCheck(String),
}

impl From<stamp_layout::LayoutError> for JobError {
    fn from(e: stamp_layout::LayoutError) -> Self {
        JobError::Sign(SignError::Appearance(e))
    }
}

/// The message for a failed signature in the chosen language (see [`crate::msg`]).
pub fn describe(err: &SignError, vi: bool) -> String {
    crate::msg::sign_error(err, vi)
}

/// The message for a file of a batch that was not signed, in the chosen language.
pub fn describe_job(err: &JobError, vi: bool) -> String {
    match err {
        JobError::Sign(e) => describe(e, vi),
        JobError::Issue(why) if vi => format!("số và ngày ban hành (S11): {why}"),
        JobError::ClerkCheck(why) if vi => format!("văn thư kiểm tra trước khi ký (S12): văn bản không hợp lệ: {why}"),
        other => other.to_string(),
    }
}

/// A failure to place the appearance on bytes that are no PDF is the input's problem:
/// said as `sign` says it of any file that is no PDF.
fn unreadable_first(e: JobError, bytes: &[u8]) -> JobError {
    match e {
        JobError::Sign(SignError::Appearance(stamp_layout::LayoutError::Pdf(_))) | JobError::Issue(_) => {
            match pdf_raw::RawPdf::parse(bytes) {
                Err(raw) => JobError::Sign(SignError::BadInput(pdf_sign::InputProblem::NotPdf(raw))),
                Ok(_) => e,
            }
        }
        other => other,
    }
}

/// The kind of failure of a signature, decided here for every cause.
pub fn exit_code_for(err: &SignError) -> exit::Outcome {
    if err.is_input_problem() {
        exit::BAD_INPUT
    } else {
        exit::KEY_OR_NETWORK
    }
}

/// The same for a file of a batch: the issuing step's refusals are the input's.
pub fn job_exit_code(err: &JobError) -> exit::Outcome {
    match err {
        JobError::Sign(e) => exit_code_for(e),
        JobError::Issue(_) | JobError::ClerkCheck(_) => exit::BAD_INPUT,
    }
}

/// One file to sign: where it comes from and where it goes. `built` holds a PDF made in
/// memory (scans), signed instead of reading `input`.
pub struct Job {
    pub input: PathBuf,
    pub output: PathBuf,
    pub built: Option<Vec<u8>>,
}

/// One job per input, from `-o`, `--out-dir` or `--suffix`. Never an output that is its
/// input (the input is never modified); with `--suffix`, inputs that are earlier outputs
/// (their name ends with the suffix) are skipped, and with `--skip-existing` inputs whose
/// output exists: each said on stderr in the user's language.
pub fn plan(inputs: &[PathBuf], args: &OutputArgs, vi: bool) -> anyhow::Result<Vec<Job>> {
    if let Some(out) = &args.output {
        if inputs.len() != 1 {
            if vi {
                bail!("-o/--output chỉ dùng với một tệp đầu vào; với nhiều tệp hãy dùng --out-dir THƯ_MỤC hoặc --suffix HẬU_TỐ");
            }
            bail!("-o/--output takes one input; for several use --out-dir DIR or --suffix SUFFIX");
        }
        refuse_overwriting_input(&inputs[0], out, vi)?;
        if args.skip_existing && out.exists() {
            skipped_existing(1, vi);
            return Ok(Vec::new());
        }
        return Ok(vec![Job { input: inputs[0].clone(), output: out.clone(), built: None }]);
    }
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            if vi {
                anyhow::anyhow!("không tạo được thư mục {}: {}", dir.display(), crate::msg::io(&e, true))
            } else {
                anyhow::anyhow!("cannot create {}: {}", dir.display(), crate::msg::io(&e, false))
            }
        })?;
    }
    let mut jobs = Vec::new();
    let mut existing = 0usize;
    for input in inputs {
        let Some(name) = input.file_name().map(Path::new) else {
            if vi {
                bail!("{} không phải tên tệp", input.display());
            }
            bail!("{} is not a file name", input.display());
        };
        let renamed = match &args.suffix {
            Some(s) if !s.is_empty() && is_own_output(name, s) => {
                if vi {
                    eprintln!("vbdt: bỏ qua {}: tên đã kết thúc bằng {s} (tệp đầu ra của lần ký trước)", input.display());
                } else {
                    eprintln!("vbdt: skipping {}: its name already ends with {s} (an output of an earlier run)", input.display());
                }
                continue;
            }
            Some(s) => with_suffix(name, s),
            None => name.to_path_buf(),
        };
        let output = match (&args.out_dir, &args.suffix) {
            (Some(dir), _) => dir.join(renamed),
            (None, Some(_)) => input.with_file_name(renamed),
            (None, None) if vi => bail!("hãy cho nơi ghi các tệp đã ký: -o RA.pdf, --out-dir THƯ_MỤC hoặc --suffix HẬU_TỐ"),
            (None, None) => bail!("say where the signed files go: -o OUT.pdf, --out-dir DIR or --suffix SUFFIX"),
        };
        refuse_overwriting_input(input, &output, vi)?;
        if args.skip_existing && output.exists() {
            existing += 1;
            continue;
        }
        jobs.push(Job { input: input.clone(), output, built: None });
    }
    if existing > 0 {
        skipped_existing(existing, vi);
    }
    Ok(jobs)
}

fn skipped_existing(n: usize, vi: bool) {
    if vi {
        eprintln!("vbdt: bỏ qua {n} tệp đã có tệp đầu ra (--skip-existing)");
    } else {
        eprintln!("vbdt: skipped {n} file(s) whose output exists (--skip-existing)");
    }
}

/// `name` (`x-signed.pdf`) is what `--suffix -signed` makes of some input.
fn is_own_output(name: &Path, suffix: &str) -> bool {
    name.file_stem().is_some_and(|stem| stem.to_string_lossy().ends_with(suffix))
}

/// Refuses an output that is the input itself: the same path, another spelling of it, or
/// a hard link to the same file (same device and inode).
fn refuse_overwriting_input(input: &Path, output: &Path, vi: bool) -> anyhow::Result<()> {
    if same_file(input, output) {
        if vi {
            bail!("{}: tệp đầu ra là chính tệp đầu vào; vbdt không bao giờ sửa tệp đầu vào (chọn tên khác)", output.display());
        }
        bail!("{}: the output is the input itself; vbdt never modifies its input (choose another name)", output.display());
    }
    Ok(())
}

fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let (Ok(ma), Ok(mb)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        ma.dev() == mb.dev() && ma.ino() == mb.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (ma, mb);
        matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
    }
}

/// The warnings, the lines of a one-file run, each failure, and the summary ("done N of
/// M" after an interruption); returns the batch's outcome.
fn report_batch(cmd: &str, jobs: &[Job], results: &[(usize, FileOutcome)], interrupted: bool, args: &KeyArgs) -> exit::Outcome {
    let vi = args.vi();
    let mut failed = 0usize;
    let mut code = exit::OK;
    let mut shown = std::collections::BTreeSet::new();
    for (i, result) in results {
        let job = &jobs[*i];
        match result {
            Ok((signed, warnings)) => {
                for w in warnings {
                    if shown.insert(w.clone()) {
                        eprintln!("vbdt {cmd}: {} {w}", if vi { "cảnh báo:" } else { "warning:" });
                    }
                }
                if !args.quiet && jobs.len() == 1 {
                    let ts = if signed.timestamped {
                        if vi {
                            ", có dấu thời gian"
                        } else {
                            ", timestamped"
                        }
                    } else {
                        ""
                    };
                    println!(
                        "{} {} → {} ({} {}{ts})",
                        if vi { "Đã ký" } else { "Signed" },
                        job.input.display(),
                        job.output.display(),
                        if vi { "trường" } else { "field" },
                        signed.field_name
                    );
                    if !signed.reserved.is_empty() {
                        let names = signed.reserved.join(", ");
                        if vi {
                            println!("  Dành sẵn chỗ trống số và ngày cho văn thư (S11): {names}");
                        } else {
                            println!("  Number and date blanks reserved for the clerk (S11): {names}");
                        }
                    }
                    if !signed.filled.is_empty() {
                        let values = signed.filled.iter().map(|(n, v)| format!("{n} = {v}")).collect::<Vec<_>>().join(", ");
                        if vi {
                            println!("  Văn thư cấp số, ngày ban hành (S11): {values}");
                        } else {
                            println!("  Number and issue date assigned by the clerk (S11): {values}");
                        }
                    }
                }
            }
            Err(e) => {
                failed += 1;
                code = exit::worst([code, job_exit_code(e)]);
                match e {
                    // The input that cannot be opened: the words every subcommand uses.
                    JobError::Sign(SignError::Io { path, source }) if *path == job.input => {
                        eprintln!("vbdt {cmd}: {}", crate::msg::unreadable_file(path, source, vi))
                    }
                    _ => eprintln!("vbdt {cmd}: {}: {}", job.input.display(), describe_job(e, vi)),
                }
            }
        }
    }
    if interrupted {
        crate::interrupt::say_stopped(cmd, results.len(), failed, jobs.len(), vi);
        return exit::INTERRUPTED;
    }
    if jobs.len() > 1 && !args.quiet {
        let ok = jobs.len() - failed;
        if vi {
            println!("Đã ký {ok}/{} tệp; {failed} tệp lỗi.", jobs.len());
        } else {
            println!("Signed {ok} of {} files; {failed} failed.", jobs.len());
        }
    }
    code
}

/// The header's version when it is older than PDF 1.4 (`%PDF-1.3` → "1.3").
fn older_than_1_4(bytes: &[u8]) -> Option<String> {
    let start = bytes.windows(5).take(1024).position(|w| w == b"%PDF-")? + 5;
    let v = bytes.get(start..start + 3)?;
    match v {
        [b'1', b'.', d] if (b'0'..=b'3').contains(d) => Some(String::from_utf8_lossy(v).into_owned()),
        _ => None,
    }
}

fn with_suffix(name: &Path, suffix: &str) -> PathBuf {
    let stem = name.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let ext = name.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_else(|| "pdf".into());
    PathBuf::from(format!("{stem}{suffix}.{ext}"))
}

fn load_certs(paths: &[PathBuf], vi: bool) -> anyhow::Result<Vec<x509_cert::Certificate>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    chain_check::cert::load_cert_sources(paths).map_err(|e| anyhow::anyhow!("{}", crate::msg::cert_error(&e, vi)))
}

/// Builds the Điều 29 options from the flags.
pub fn precheck_options(args: &KeyArgs) -> anyhow::Result<PrecheckOptions> {
    let trust = if args.trust.is_empty() {
        None
    } else {
        let mut store = chain_check::TrustStore::new();
        store.add(load_certs(&args.trust, args.vi())?);
        Some(store)
    };
    let crls = crate::trust_args::crls(&args.crl, args.vi()).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(PrecheckOptions {
        at: time::OffsetDateTime::now_utc(),
        trust,
        online_revocation: !args.offline,
        crls,
        http: chain_check::HttpLimits::default(),
    })
}

/// Opens the key, running the Điều 29 pre-checks before the token is used.
pub fn open_key(args: &KeyArgs, pre: &PrecheckOptions, warnings: &mut Vec<String>) -> Result<Box<dyn KeySource>, (exit::Outcome, String)> {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let fail = |e: SignError| (exit_code_for(&e), describe(&e, vi));
    let say = |w: pdf_sign::PrecheckWarning| crate::msg::warning(&w, vi);
    // A secret that cannot be had as the command line says (variable not set, file
    // unreadable or too long, no terminal) is a usage error, as in verify and chain; a
    // wrong one is the key's failure.
    let usage = |e: crate::secrets::SecretError| (exit::USAGE, e.describe(vi));
    if args.csc.is_some() {
        let why = if vi {
            "--csc (ký số từ xa, kể cả từ tệp cấu hình) hiện chỉ dùng được với `vbdt sign`"
        } else {
            "--csc (remote signing, also from the profile) is supported by `vbdt sign` only, for now"
        };
        return Err((exit::USAGE, why.to_string()));
    }
    let extra = load_certs(&args.certs, vi).map_err(|e| (exit::BAD_INPUT, format!("{e:#}")))?;
    if let Some(p12) = &args.p12 {
        let password =
            SecretSource::choose(args.pass_env.as_deref(), args.pass_file.as_deref(), Secret::P12Password, vi).read().map_err(usage)?;
        let key = P12Key::open(p12, &password).map_err(fail)?;
        let mut chain = key.chain().to_vec();
        for c in extra {
            if !chain.contains(&c) {
                chain.push(c);
            }
        }
        warnings.extend(pdf_sign::precheck::check_signer(&chain, pre).map_err(fail)?.into_iter().map(say));
        return Ok(Box::new(key));
    }
    let module = args
        .pkcs11
        .clone()
        .ok_or((exit::USAGE, "give --p12 FILE or --pkcs11 MODULE (or a [key] section in the profile, see docs/profile.md)".to_string()))?;
    let opts = Pkcs11Options { module, token_label: args.token.clone(), key_label: args.key_label.clone(), extra_certs: extra };
    let mut found_warnings = Vec::new();
    // The PIN is read inside open (after the certificate checks); why it could not be read
    // is kept here, so that the failure keeps its kind (usage) through SignError::Key.
    let unreadable_pin = std::cell::RefCell::new(None);
    let key = Pkcs11Key::open(
        &opts,
        |chain| {
            found_warnings = pdf_sign::precheck::check_signer(chain, pre)?;
            Ok(())
        },
        || {
            SecretSource::choose(args.pin_env.as_deref(), args.pin_file.as_deref(), Secret::TokenPin, vi).read().map_err(|e| {
                let why = e.describe(vi);
                *unreadable_pin.borrow_mut() = Some(why.clone());
                SignError::Key(pdf_sign::KeyProblem::PinUnavailable)
            })
        },
    )
    .map_err(|e| match unreadable_pin.borrow_mut().take() {
        Some(why) => (exit::USAGE, why),
        None => fail(e),
    })?;
    warnings.extend(found_warnings.into_iter().map(say));
    Ok(Box::new(key))
}

/// Reads the profile (if any) and fills the key options the flags left out.
pub fn with_profile(cmd: &str, args: &KeyArgs) -> Result<(crate::profile::Profile, KeyArgs), exit::Outcome> {
    let profile = match crate::profile::Profile::load(args.profile.as_deref(), args.vi()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vbdt {cmd}: {e:#}");
            return Err(exit::USAGE);
        }
    };
    let mut merged = args.clone();
    profile.apply_key(&mut merged);
    Ok((profile, merged))
}

/// Opens the key for `cmd` and prints the pre-check warnings; on failure prints why and
/// gives the exit code.
pub fn open_key_or_report(cmd: &str, args: &KeyArgs) -> Result<Box<dyn KeySource>, exit::Outcome> {
    let pre = match precheck_options(args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vbdt {cmd}: {e:#}");
            return Err(exit::BAD_INPUT);
        }
    };
    let mut warnings = Vec::new();
    let key = match open_key(args, &pre, &mut warnings) {
        Ok(k) => k,
        Err((code, msg)) => {
            eprintln!("vbdt {cmd}: {msg}");
            return Err(code);
        }
    };
    for w in &warnings {
        eprintln!("vbdt {cmd}: {} {w}", if args.vi() { "cảnh báo:" } else { "warning:" });
    }
    Ok(key)
}

/// What a command decides for each file before it is signed: the options (with the
/// appearance placed on this file) and warnings to show once.
pub type Prepared = Result<(SignOptions, Vec<String>), JobError>;

/// How one file of a batch ended: signed (with the warnings to show once), or why not.
type FileOutcome = Result<(pdf_sign::SignedUpdate, Vec<String>), JobError>;

/// Signs every job in parallel with one key, a progress bar on a terminal, and a summary
/// naming each failure; returns the exit code (the worst of all files).
pub fn run_batch(
    cmd: &str,
    jobs: &[Job],
    force: bool,
    key: &dyn KeySource,
    args: &KeyArgs,
    prepare: &(dyn Fn(&Job, &[u8]) -> Prepared + Sync),
) -> exit::Outcome {
    let vi = args.vi();
    let bar = if std::io::stderr().is_terminal() && jobs.len() > 1 && !args.quiet {
        let bar = ProgressBar::new(jobs.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} {elapsed_precise} {msg}") {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    // Each output is fsynced before its rename: with one worker per core the cores sit idle
    // while the disk syncs, so the default overlaps two workers per core (a 1,000-file batch:
    // 1.71 → 1.43 s on this 2-core VM).
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(args.jobs.unwrap_or(2 * cores)).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("vbdt {cmd}: cannot start worker threads: {e}");
            return exit::KEY_OR_NETWORK;
        }
    };
    // A batch syncs each output's data before its rename, and each output directory once
    // at the end (not once per file: that doubled the fsyncs of a 1,000-file batch).
    let durability = if jobs.len() > 1 { pdf_sign::Durability::DirectoryLater } else { pdf_sign::Durability::Full };
    let sign_one = |job: &Job| -> FileOutcome {
        let (input, permissions) = match &job.built {
            Some(bytes) => (pdf_sign::Input::from_vec(bytes.clone()), None),
            None => {
                let input = pdf_sign::Input::open(&job.input).map_err(|source| SignError::Io { path: job.input.clone(), source })?;
                (input, std::fs::metadata(&job.input).ok().map(|m| m.permissions()))
            }
        };
        if !force && job.output.exists() {
            return Err(SignError::OutputExists(job.output.clone()).into());
        }
        if let Some(version) = older_than_1_4(input.bytes()) {
            // Said before signing: vbdt verify will fail rule S8 on the output.
            let file = job.input.display();
            bar.suspend(|| {
                if vi {
                    eprintln!("vbdt {cmd}: cảnh báo: {file} là PDF {version}; vbdt verify sẽ không chấp nhận (quy tắc S8: PDF 1.4 trở lên); nên chuyển sang PDF 1.4+ trước khi ký (vd. qpdf --min-version=1.7)");
                } else {
                    eprintln!("vbdt {cmd}: warning: {file} is PDF {version}; vbdt verify will fail it (rule S8: PDF 1.4 or later); convert it to PDF 1.4+ before signing (e.g. qpdf --min-version=1.7)");
                }
            });
        }
        // A file that is no PDF reads the same whatever noticed it first (the appearance
        // or the number's blanks read the PDF before the signature does).
        let (opts, warnings) = prepare(job, input.bytes()).map_err(|e| unreadable_first(e, input.bytes()))?;
        Ok((pdf_sign::sign_to_file(&input, &job.output, force, key, &opts, permissions, durability)?, warnings))
    };
    crate::interrupt::install(vi);
    // After Ctrl-C no new file is started; those begun finish (or remove their temporary file).
    let results: Vec<(usize, FileOutcome)> = pool.install(|| {
        jobs.par_iter()
            .enumerate()
            .filter_map(|(i, job)| {
                if crate::interrupt::requested() {
                    return None;
                }
                let r = sign_one(job);
                bar.inc(1);
                Some((i, r))
            })
            .collect()
    });
    let interrupted = crate::interrupt::requested();
    bar.finish_and_clear();
    if durability == pdf_sign::Durability::DirectoryLater {
        let dirs: std::collections::BTreeSet<&Path> =
            results.iter().filter(|(_, r)| r.is_ok()).filter_map(|(i, _)| jobs[*i].output.parent()).collect();
        for d in dirs {
            pdf_sign::sync_dir(d);
        }
    }

    report_batch(cmd, jobs, &results, interrupted, args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_pdf_versions_are_seen() {
        assert_eq!(older_than_1_4(b"%PDF-1.3\n%..."), Some("1.3".into()));
        assert_eq!(older_than_1_4(b"junk\n%PDF-1.2\n"), Some("1.2".into()));
        assert_eq!(older_than_1_4(b"%PDF-1.4\n"), None);
        assert_eq!(older_than_1_4(b"%PDF-1.7\n"), None);
        assert_eq!(older_than_1_4(b"%PDF-2.0\n"), None);
        assert_eq!(older_than_1_4(b"not a pdf"), None);
    }
}
