//! `vbdt sign`: one file or a thousand, with a key file or a token, invisible or with the
//! personal signature image / the seal placed by the rules (S2, S3).

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use pdf_sign::{Role, SignError};
use stamp_layout::{ColorCheck, Place, StampImage};

use crate::exit;
use crate::signing::{self, KeyArgs, OutputArgs};

#[derive(Args, Debug, Clone)]
pub struct SignArgs {
    /// PDF files to sign (with --numbers, by default the files the list names).
    #[arg(required_unless_present_any = ["numbers", "files_from"], value_name = "IN.pdf")]
    pub inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub gather: Box<crate::inputs::InputArgs>,

    #[command(flatten)]
    pub out: OutputArgs,

    #[command(flatten)]
    pub key: KeyArgs,

    /// Whose signature this is: the official's (personal) or the agency's (organization, added by the clerk after the personal one).
    #[arg(long, value_enum, default_value_t = RoleArg::Personal, help_heading = "Signature")]
    pub role: RoleArg,
    /// A signature with no appearance (the default without --image).
    #[arg(long, conflicts_with_all = ["image", "place"], help_heading = "Signature")]
    pub invisible: bool,
    /// Signature field name (default: Sig_Personal / Sig_Organization, numbered if taken).
    #[arg(long, value_name = "NAME", help_heading = "Signature")]
    pub field: Option<String>,

    /// The image to show: with --role personal the handwritten signature (blue, PNG with a
    /// transparent background), placed centred between the signer's title and name on the
    /// last page (rules.md S2); with --role organization the seal (red PNG), at its real
    /// size over the left third of the personal signature's image (S3).
    #[arg(long, value_name = "PNG", help_heading = "Appearance")]
    pub image: Option<PathBuf>,
    /// The name to look for under the title (default: the certificate's common name).
    #[arg(long, value_name = "NAME", help_heading = "Appearance")]
    pub signer_name: Option<String>,
    /// Look for the name on this page only (1 = first; default: the last page, then the ones before).
    #[arg(long, value_name = "N", help_heading = "Appearance")]
    pub page: Option<usize>,
    /// Put the image in this box instead: page (1 = first), then x, y, width, height in
    /// millimetres from the page's top-left corner, e.g. `2,110,150,60,25`. The image keeps
    /// its aspect ratio, centred in the box.
    #[arg(long, value_name = "PAGE,X,Y,W,H", help_heading = "Appearance")]
    pub place: Option<Place>,
    /// The seal's diameter, e.g. `36mm` (default: from the PNG's resolution).
    #[arg(long, value_name = "SIZE", value_parser = parse_mm, help_heading = "Appearance")]
    pub seal_size: Option<f32>,

    /// With --role organization: the number the clerk assigns (rules.md S11), filled into
    /// the blank after "Số:" that the personal signature reserved; the issue date (this
    /// signature's own date in Vietnam time) fills the date line's blanks. One input only.
    #[arg(long, value_name = "N", conflicts_with_all = ["number_from", "numbers"], help_heading = "Number and issue date (S11)")]
    pub number: Option<String>,
    /// For a batch: the first file's number, counting up in the order the files are given
    /// ("062" goes on as "063").
    #[arg(long, value_name = "N", conflicts_with = "numbers", help_heading = "Number and issue date (S11)")]
    pub number_from: Option<String>,
    /// For a batch: a list of `FILE NUMBER` lines (relative files from the list's
    /// directory); without inputs on the command line, the list's files are signed.
    #[arg(long, value_name = "FILE", help_heading = "Number and issue date (S11)")]
    pub numbers: Option<PathBuf>,
    /// With --role organization: sign although the clerk's check of the input (rules.md
    /// S12) refuses it, for exceptional cases; REASON is recorded inside the signature
    /// (`/VBDT_Override`), printed, and shown by `vbdt verify`.
    #[arg(long, value_name = "REASON", value_parser = clap::builder::NonEmptyStringValueParser::new(), help_heading = "Number and issue date (S11)")]
    pub override_check: Option<String>,
}

/// `36mm`, `36 mm` or `36`.
pub fn parse_mm(s: &str) -> Result<f32, String> {
    let v: f32 = s.trim().trim_end_matches("mm").trim().parse().map_err(|_| format!("{s:?} is not a size in millimetres (e.g. 36mm)"))?;
    if v.is_finite() && v > 0.0 && v < 200.0 {
        Ok(v)
    } else {
        Err(format!("{s:?} is not a plausible size"))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum RoleArg {
    Personal,
    Organization,
}

/// Runs `vbdt sign`: the profile merged in, the image and the jobs planned, the key
/// opened, then every file prepared ([`Prep`]) and signed in a batch.
pub fn run(args: &SignArgs) -> exit::Outcome {
    let (profile, key_args) = match signing::with_profile("sign", &args.key) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut args = args.clone();
    args.key = key_args;
    let args = &args;
    let (image_path, seal_size) = match image_and_size(args, &profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let (jobs, numbers) = match plan_jobs(args, &profile) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let image = match read_image(image_path.as_deref(), args.key.vi()) {
        Ok(i) => i,
        Err(code) => return code,
    };
    // Remote signing (--csc) has its own key and batch (remote.rs); the rest is shared.
    let remote = match &args.key.csc {
        Some(_) => match crate::remote::open("sign", &args.key) {
            Ok(k) => Some(k),
            Err(code) => return code,
        },
        None => None,
    };
    let local = match remote {
        Some(_) => None,
        None => match signing::open_key_or_report("sign", &args.key) {
            Ok(k) => Some(k),
            Err(code) => return code,
        },
    };
    let key: &dyn pdf_sign::KeySource = match (&remote, &local) {
        (Some(r), _) => r,
        (None, Some(l)) => l.as_ref(),
        (None, None) => return exit::USAGE,
    };
    let prep = match Prep::new(args, &profile, key, image, &numbers, seal_size) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let prepare = |job: &signing::Job, input: &[u8]| prep.prepare(job, input);
    match &remote {
        Some(r) => crate::remote::run_batch("sign", &jobs, args.out.force, r, &args.key, &prepare),
        None => signing::run_batch("sign", &jobs, args.out.force, key, &args.key, &prepare),
    }
}

/// The image to place (the flags', else the profile's for the role; none with
/// `--invisible`) and the seal's size; refuses placement flags without an image.
fn image_and_size(args: &SignArgs, profile: &crate::profile::Profile) -> Result<(Option<PathBuf>, Option<f32>), exit::Outcome> {
    let profile_image = match args.role {
        RoleArg::Personal => profile.personal.image.as_deref(),
        RoleArg::Organization => profile.organization.seal.as_deref(),
    };
    let image_path = if args.invisible { None } else { args.image.clone().or_else(|| profile_image.map(|p| profile.resolve(p))) };
    if image_path.is_none() && (args.place.is_some() || args.signer_name.is_some() || args.page.is_some() || args.seal_size.is_some()) {
        eprintln!(
            "vbdt sign: {}",
            if args.key.vi() {
                "--place, --signer-name, --page và --seal-size dùng để đặt ảnh: hãy cho --image PNG (hoặc khai báo ảnh trong hồ sơ cấu hình)"
            } else {
                "--place, --signer-name, --page and --seal-size place an image: give --image PNG (or one in the profile)"
            }
        );
        return Err(exit::USAGE);
    }
    let seal_size = match (args.seal_size, &profile.organization.seal_size) {
        (Some(s), _) => Some(s),
        (None, Some(s)) => match parse_mm(s) {
            Ok(v) => Some(v),
            Err(e) => {
                if args.key.vi() {
                    eprintln!("vbdt sign: organization.seal_size trong hồ sơ cấu hình không hợp lệ: {s}");
                } else {
                    eprintln!("vbdt sign: the profile's organization.seal_size: {e}");
                }
                return Err(exit::USAGE);
            }
        },
        (None, None) => None,
    };
    Ok((image_path, seal_size))
}

/// The inputs gathered, their numbers (the clerk's, for organization signatures) and
/// one job per input.
fn plan_jobs(args: &SignArgs, profile: &crate::profile::Profile) -> Result<(Vec<signing::Job>, Numbers), exit::Outcome> {
    let number_args = crate::issuing::NumberArgs {
        number: args.number.clone(),
        number_from: args.number_from.clone(),
        numbers: args.numbers.clone(),
        // The profile's number list: for the clerk's organization signatures, when no number flag is given.
        default_numbers: match args.role {
            RoleArg::Organization => profile.issue.numbers.as_deref().map(|p| profile.resolve(p)),
            RoleArg::Personal => None,
        },
        vi: args.key.vi(),
    };
    if number_args.any() && !matches!(args.role, RoleArg::Organization) {
        if args.key.vi() {
            eprintln!("vbdt sign: --number, --number-from, --numbers chỉ dùng với --role organization (văn thư cấp số)");
        } else {
            eprintln!("vbdt sign: --number, --number-from and --numbers go with --role organization (the clerk assigns the number)");
        }
        return Err(exit::USAGE);
    }
    let Some(inputs) = crate::inputs::gather_for("sign", &args.inputs, &args.gather, args.key.vi()) else { return Err(exit::BAD_INPUT) };
    let (inputs, numbers) = crate::issuing::plan_numbers(&inputs, &number_args).map_err(|e| {
        eprintln!("vbdt sign: {e:#}");
        exit::USAGE
    })?;
    let jobs = signing::plan(&inputs, &args.out, args.key.vi()).map_err(|e| {
        eprintln!("vbdt sign: {e:#}");
        exit::USAGE
    })?;
    Ok((jobs, numbers))
}

/// The image file read and decoded, if one is to be placed.
fn read_image(path: Option<&std::path::Path>, vi: bool) -> Result<Option<StampImage>, exit::Outcome> {
    let Some(path) = path else { return Ok(None) };
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("vbdt sign: {}", crate::msg::unreadable_file(path, &e, vi));
        exit::BAD_INPUT
    })?;
    StampImage::from_bytes(&bytes).map(Some).map_err(|e| {
        eprintln!("vbdt sign: {}: {}", path.display(), crate::msg::layout(&e, vi));
        exit::BAD_INPUT
    })
}

/// Each input's number, from `--number`, `--number-from`, `--numbers` or the profile.
type Numbers = std::collections::HashMap<PathBuf, String>;

/// What every file of the batch is prepared with: the options, the clerk's check (for
/// organization signatures), the image and where it goes.
struct Prep<'a> {
    args: &'a SignArgs,
    role: Role,
    base: pdf_sign::SignOptions,
    check_opts: Option<pdf_verify::VerifyOptions>,
    fill_font: stamp_layout::TextFont,
    image: Option<StampImage>,
    numbers: &'a Numbers,
    signer_name: String,
    seal_size: Option<f32>,
    vi: bool,
}

impl<'a> Prep<'a> {
    fn new(
        args: &'a SignArgs,
        profile: &crate::profile::Profile,
        key: &dyn pdf_sign::KeySource,
        image: Option<StampImage>,
        numbers: &'a Numbers,
        seal_size: Option<f32>,
    ) -> Result<Prep<'a>, exit::Outcome> {
        let vi = args.key.vi();
        let role = match args.role {
            RoleArg::Personal => Role::Personal,
            RoleArg::Organization => Role::Organization,
        };
        let mut base = args.key.sign_options(role);
        base.field_name = args.field.clone();
        let signer_name = args
            .signer_name
            .clone()
            .or_else(|| profile.personal.name.clone())
            .or_else(|| key.chain().first().and_then(chain_check::cert::common_name))
            .unwrap_or_default();
        let check_opts = match role {
            Role::Organization => match crate::issuing::check_options(&args.key) {
                Ok(o) => Some(o),
                Err(e) => {
                    eprintln!("vbdt sign: {e:#}");
                    return Err(exit::BAD_INPUT);
                }
            },
            Role::Personal => None,
        };
        let fill_font = stamp_layout::TextFont::choose(profile.text.font.as_ref().map(|p| profile.resolve(p)).as_deref()).map_err(|e| {
            eprintln!("vbdt sign: {}", crate::msg::layout(&e, vi));
            exit::BAD_INPUT
        })?;
        Ok(Prep { args, role, base, check_opts, fill_font, image, numbers, signer_name, seal_size, vi })
    }

    /// One file's options and warnings: blanks reserved (personal) or the clerk's check
    /// and fills (organization), then the image placed.
    fn prepare(&self, job: &signing::Job, input: &[u8]) -> signing::Prepared {
        let vi = self.vi;
        let mut opts = self.base.clone();
        opts.signing_time = time::OffsetDateTime::now_utc();
        let mut warnings = Vec::new();
        match &self.check_opts {
            None => {
                let (blanks, w) = crate::issuing::blanks_to_reserve(input, vi);
                opts.reserve_blanks = blanks;
                warnings.extend(w);
            }
            Some(check) => self.clerk(job, input, check, &mut opts, &mut warnings)?,
        }
        let Some(img) = &self.image else { return Ok((opts, warnings)) };
        let placed = match (self.args.place, self.role) {
            (Some(place), Role::Personal) => stamp_layout::explicit(input, img, place, Some(ColorCheck::Blue)),
            (Some(place), _) => stamp_layout::explicit(input, img, place, Some(ColorCheck::Red)),
            (None, Role::Personal) => stamp_layout::personal(input, img, &self.signer_name, self.args.page),
            (None, _) => stamp_layout::organization(input, img, self.seal_size),
        }
        .map_err(SignError::Appearance)?;
        opts.appearance = placed.appearance;
        warnings.extend(placed.warnings.iter().map(|w| crate::msg::layout_warning(w, vi)));
        Ok((opts, warnings))
    }

    /// The clerk's check (S12; overridable with `--override-check`) and the number and
    /// date filled in.
    fn clerk(
        &self,
        job: &signing::Job,
        input: &[u8],
        check: &pdf_verify::VerifyOptions,
        opts: &mut pdf_sign::SignOptions,
        warnings: &mut Vec<String>,
    ) -> Result<(), crate::signing::JobError> {
        let vi = self.vi;
        let name = job.input.display().to_string();
        let checked = match (crate::issuing::clerk_check(input, &name, check, self.image.is_some(), vi), &self.args.override_check) {
            (Ok(c), _) => c,
            (Err(crate::signing::JobError::ClerkCheck(why)), Some(reason)) => {
                // Signed all the same, as the clerk decided: said here and in the file.
                warnings.push(if vi {
                    format!("văn thư kiểm tra (S12) từ chối văn bản nhưng được bỏ qua theo --override-check ({reason}): {why}")
                } else {
                    format!("the clerk's check (S12) refuses the document, overridden with --override-check ({reason}): {why}")
                });
                opts.check_override = Some(reason.clone());
                crate::issuing::Checked::default()
            }
            (Err(e), _) => return Err(e),
        };
        warnings.extend(checked.warnings);
        let number = self.numbers.get(&job.input).map(String::as_str);
        opts.fill_fields = crate::issuing::fills(input, checked.personal_signed, number, opts.signing_time, &self.fill_font, vi)?;
        Ok(())
    }
}
