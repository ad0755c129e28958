//! `vbdt copy` (S4: electronic copies, also from scanned paper) and `vbdt attach` (S5:
//! attachments and appendices in files of their own): one organization signature whose
//! appearance is text only, top right of page 1.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pdf_sign::{DocumentKind, Role, SignError};
use stamp_layout::TextFont;

use crate::exit;
use crate::signing::{self, Job, KeyArgs, OutputArgs};

#[derive(Args, Debug, Clone)]
pub struct CopyArgs {
    /// PDF files to copy (or, with --from-images, the scanned pages in order).
    #[arg(required = true, value_name = "IN.pdf")]
    pub inputs: Vec<PathBuf>,
    /// The inputs are JPEG scans of a paper original, one per page: build one PDF from
    /// them (JPEG data passed through, page size from each image's resolution, A4 when
    /// unknown), then sign it. Needs -o.
    #[arg(long, help_heading = "Copy")]
    pub from_images: bool,
    /// The kind of copy: sao-y (exact copy), sao-luc (re-issued copy), trich-sao (excerpt).
    #[arg(long, value_enum, help_heading = "Copy")]
    pub kind: CopyKind,
    /// The copying organization's name as shown, e.g. "Văn phòng Ủy ban nhân dân tỉnh Điện Biên"
    /// (default: the profile's organization.name).
    #[arg(long, value_name = "NAME", help_heading = "Copy")]
    pub org: Option<String>,
    /// Font for the stamp text (TrueType/OpenType file). Default: Times New Roman where
    /// installed, else the bundled Liberation Serif.
    #[arg(long, value_name = "PATH", help_heading = "Copy")]
    pub font: Option<PathBuf>,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyKind {
    /// Sao y
    SaoY,
    /// Sao lục
    SaoLuc,
    /// Trích sao
    TrichSao,
}

impl CopyKind {
    /// The kind in words, as shown on the stamp.
    pub fn words(self) -> &'static str {
        match self {
            CopyKind::SaoY => "Sao y",
            CopyKind::SaoLuc => "Sao lục",
            CopyKind::TrichSao => "Trích sao",
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct AttachArgs {
    /// Attachment or appendix PDF files (each signed on its own).
    #[arg(required = true, value_name = "IN.pdf")]
    pub inputs: Vec<PathBuf>,
    /// Number and symbol of the document they belong to, e.g. "62/2025/QĐ-UBND".
    #[arg(long = "ref", value_name = "NUMBER", help_heading = "Attachment")]
    pub reference: String,
    /// Font for the stamp text (TrueType/OpenType file). Default: Times New Roman where
    /// installed, else the bundled Liberation Serif.
    #[arg(long, value_name = "PATH", help_heading = "Attachment")]
    pub font: Option<PathBuf>,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub key: KeyArgs,
}

/// The stamp's lines for a copy: kind, organization, time (S4, S6).
pub fn copy_lines(kind: CopyKind, org: &str, t: time::OffsetDateTime) -> Vec<String> {
    vec![kind.words().to_string(), org.trim().to_string(), stamp_layout::vietnam_time(t)]
}

/// The stamp's lines for an attachment: the document's number and symbol, time (S5, S6).
pub fn attach_lines(reference: &str, t: time::OffsetDateTime) -> Vec<String> {
    vec![format!("Kèm theo văn bản số {}", reference.trim()), stamp_layout::vietnam_time(t)]
}

/// Signs each job with the organization's key and a text stamp; the signature records
/// `kind` (`/VBDT_Kind`) so that `vbdt verify` checks the S4/S5 appearance.
fn text_jobs(
    cmd: &str,
    kind: DocumentKind,
    jobs: &[Job],
    force: bool,
    key: &KeyArgs,
    font: Option<&std::path::Path>,
    lines: &(dyn Fn(time::OffsetDateTime) -> Vec<String> + Sync),
) -> exit::Outcome {
    let font = match TextFont::choose(font) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("vbdt {cmd}: {}", crate::msg::layout(&e, key.vi()));
            return exit::BAD_INPUT;
        }
    };
    // Check the text against the font before the token is touched.
    if let Err(e) = lines(time::OffsetDateTime::now_utc()).iter().try_for_each(|l| font.width(l, 10.0).map(|_| ())) {
        eprintln!("vbdt {cmd}: {}", crate::msg::layout(&e, key.vi()));
        return exit::BAD_INPUT;
    }
    let signer = match signing::open_key_or_report(cmd, key) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let mut base = key.sign_options(Role::Organization);
    base.document_kind = Some(kind);
    let prepare = |_job: &Job, input: &[u8]| -> signing::Prepared {
        let mut opts = base.clone();
        opts.signing_time = time::OffsetDateTime::now_utc();
        let placed = stamp_layout::text_stamp(input, &lines(opts.signing_time), &font).map_err(SignError::Appearance)?;
        opts.appearance = placed.appearance;
        Ok((opts, placed.warnings.iter().map(|w| crate::msg::layout_warning(w, key.vi())).collect()))
    };
    signing::run_batch(cmd, jobs, force, signer.as_ref(), key, &prepare)
}

pub fn run_copy(args: &CopyArgs) -> exit::Outcome {
    let (profile, key_args) = match signing::with_profile("copy", &args.key) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut args = args.clone();
    args.key = key_args;
    args.font = args.font.or_else(|| profile.text.font.as_deref().map(|p| profile.resolve(p)));
    let org = args.org.clone().or_else(|| profile.organization.name.clone()).unwrap_or_default();
    if org.trim().is_empty() {
        if args.key.vi() {
            eprintln!(
                "vbdt copy: hãy cho tên cơ quan, tổ chức thực hiện sao bằng --org \"…\" (hoặc organization.name trong hồ sơ cấu hình)"
            );
        } else {
            eprintln!("vbdt copy: give the copying organization's name with --org \"…\" (or organization.name in the profile)");
        }
        return exit::USAGE;
    }
    let args = &args;
    let jobs = if args.from_images {
        let Some(output) = args.out.output.clone() else {
            if args.key.vi() {
                eprintln!("vbdt copy: --from-images tạo một tệp PDF: hãy cho -o RA.pdf");
            } else {
                eprintln!("vbdt copy: --from-images makes one PDF: give -o OUT.pdf");
            }
            return exit::USAGE;
        };
        let mut scans = Vec::new();
        for p in &args.inputs {
            match std::fs::read(p) {
                // JPEG data starts with its SOI marker; name the file that is not one.
                Ok(b) if !b.starts_with(&[0xFF, 0xD8]) => {
                    if args.key.vi() {
                        eprintln!(
                            "vbdt copy: {}: không phải ảnh JPEG; --from-images chỉ nhận bản quét JPEG (chuyển PNG sang JPEG trước)",
                            p.display()
                        );
                    } else {
                        eprintln!(
                            "vbdt copy: {}: not a JPEG image; --from-images accepts JPEG scans only (convert a PNG to JPEG first)",
                            p.display()
                        );
                    }
                    return exit::BAD_INPUT;
                }
                Ok(b) => scans.push(b),
                Err(e) => {
                    eprintln!("vbdt copy: {}", crate::msg::unreadable_file(p, &e, args.key.vi()));
                    return exit::BAD_INPUT;
                }
            }
        }
        match stamp_layout::scan::jpegs_to_pdf(&scans) {
            Ok(pdf) => vec![Job { input: args.inputs[0].clone(), output, built: Some(pdf) }],
            Err(e) => {
                // "scan N: …": N counts the files given, in order.
                let names =
                    args.inputs.iter().enumerate().map(|(i, p)| format!("{} = {}", i + 1, p.display())).collect::<Vec<_>>().join(", ");
                eprintln!("vbdt copy: {} ({names})", crate::msg::layout(&e, args.key.vi()));
                return exit::BAD_INPUT;
            }
        }
    } else {
        match signing::plan(&args.inputs, &args.out, args.key.vi()) {
            Ok(j) => j,
            Err(e) => {
                eprintln!("vbdt copy: {e:#}");
                return exit::USAGE;
            }
        }
    };
    let kind = args.kind;
    text_jobs("copy", DocumentKind::Copy, &jobs, args.out.force, &args.key, args.font.as_deref(), &move |t| copy_lines(kind, &org, t))
}

pub fn run_attach(args: &AttachArgs) -> exit::Outcome {
    let (profile, key_args) = match signing::with_profile("attach", &args.key) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut args = args.clone();
    args.key = key_args;
    args.font = args.font.or_else(|| profile.text.font.as_deref().map(|p| profile.resolve(p)));
    let args = &args;
    if args.reference.trim().is_empty() {
        if args.key.vi() {
            eprintln!("vbdt attach: --ref cần số và ký hiệu của văn bản");
        } else {
            eprintln!("vbdt attach: --ref needs the document's number and symbol");
        }
        return exit::USAGE;
    }
    let jobs = match signing::plan(&args.inputs, &args.out, args.key.vi()) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("vbdt attach: {e:#}");
            return exit::USAGE;
        }
    };
    let reference = args.reference.clone();
    text_jobs("attach", DocumentKind::Attachment, &jobs, args.out.force, &args.key, args.font.as_deref(), &move |t| {
        attach_lines(&reference, t)
    })
}
