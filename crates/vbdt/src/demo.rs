//! `vbdt demo`: the main job on an embedded default. Makes a throwaway test PKI, and runs
//! the real workflow on the sample decision whose number and date are blank (rules.md
//! S11): the official's personal signature (reserving the blanks), the clerk's check of it
//! (S12), the number and issue date filled in with the organization signature, then
//! verification; and says where everything is.

use std::path::PathBuf;

use pdf_sign::{P12Key, PrecheckOptions, Role, SignOptions};

use crate::testpki::{self, TestPkiOptions};

/// The sample decision shipped in the repository, number and date blank
/// (fixtures/documents/quyet-dinh-chua-cap-so.pdf).
const SAMPLE_DECISION: &[u8] = include_bytes!("../../../fixtures/documents/quyet-dinh-chua-cap-so.pdf");
/// The number the demo's clerk assigns.
const DEMO_NUMBER: &str = "62";
/// The sample signature image (blue) and seal (red), for visible appearances (S2, S3).
const SAMPLE_SIGNATURE: &[u8] = include_bytes!("../../../fixtures/images/chu-ky-ca-nhan.png");
const SAMPLE_SEAL: &[u8] = include_bytes!("../../../fixtures/images/dau-co-quan.png");

#[derive(clap::Args, Debug)]
pub struct DemoArgs {
    /// Directory for the demo's files (default: a new directory under the system temp dir).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = crate::cli::Lang::Vi)]
    pub lang: crate::cli::Lang,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<crate::exit::Outcome> {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let say = |vi_text: &str, en_text: &str| println!("{}", if vi { vi_text } else { en_text });
    let dir = match &args.out {
        Some(d) => {
            std::fs::create_dir_all(d).map_err(crate::msg::FileOp::new(crate::msg::Op::Create, d))?;
            d.clone()
        }
        None => {
            let tmp = std::env::temp_dir();
            tempfile::Builder::new().prefix("vbdt-demo-").tempdir().map_err(crate::msg::FileOp::new(crate::msg::Op::Create, &tmp))?.keep()
        }
    };
    let pki_dir = dir.join("pki");
    say("1. Tạo hạ tầng khóa công khai thử nghiệm (chỉ để thử)…", "1. Making a throwaway test PKI…");
    let pki = testpki::generate(&TestPkiOptions::new(&pki_dir))?;
    let password = pki.password.clone();

    let original = dir.join("quyet-dinh.pdf");
    std::fs::write(&original, SAMPLE_DECISION).map_err(crate::msg::FileOp::new(crate::msg::Op::Write, &original))?;

    let mut trust = chain_check::TrustStore::new();
    trust.add(chain_check::cert::parse_certificates(&std::fs::read(pki.root())?).map_err(|e| anyhow::anyhow!("{e}"))?);
    let crls = vec![std::fs::read(pki.crl("root"))?, std::fs::read(pki.crl("ca"))?];
    let pre = PrecheckOptions {
        at: time::OffsetDateTime::now_utc(),
        trust: Some(trust),
        online_revocation: false,
        crls: crls.clone(),
        http: chain_check::HttpLimits::default(),
    };

    let check = pdf_verify::VerifyOptions {
        trust: pre.trust.clone().unwrap_or_default(),
        crls: crls.clone(),
        online: false,
        ..pdf_verify::VerifyOptions::default()
    };
    let font = stamp_layout::TextFont::bundled();
    let personal_out = dir.join("quyet-dinh.ca-nhan.pdf");
    let signed_out = dir.join("quyet-dinh.da-ky.pdf");
    for (step, role, p12, input, output) in [
        (2, Role::Personal, pki.p12("personal"), &original, &personal_out),
        (3, Role::Organization, pki.p12("organization"), &personal_out, &signed_out),
    ] {
        let key = P12Key::open(&p12, &password)?;
        pdf_sign::precheck::check_signer(pdf_sign::KeySource::chain(&key), &pre)?;
        let mut opts = SignOptions::new(role);
        let who = chain_check::cert::common_name(&pdf_sign::KeySource::chain(&key)[0]).unwrap_or_default();
        // Visible, placed by the rules: the signature between title and name, the seal over it.
        let pdf = std::fs::read(input)?;
        opts.appearance = match role {
            Role::Personal => stamp_layout::personal(&pdf, &stamp_layout::StampImage::from_png(SAMPLE_SIGNATURE)?, &who, None)?,
            Role::Organization => stamp_layout::organization(&pdf, &stamp_layout::StampImage::from_png(SAMPLE_SEAL)?, None)?,
        }
        .appearance;
        match role {
            Role::Personal => {
                opts.reserve_blanks = crate::issuing::blanks_to_reserve(&pdf, vi).0;
                say(
                    &format!("{step}. Ký số cá nhân: {who} (số và ngày còn để trống, {} trường được dành sẵn)", opts.reserve_blanks.len()),
                    &format!(
                        "{step}. Personal signature: {who} (number and date still blank, {} fields reserved)",
                        opts.reserve_blanks.len()
                    ),
                );
            }
            Role::Organization => {
                let checked = crate::issuing::clerk_check(&pdf, &input.display().to_string(), &check, true, vi)?;
                for w in &checked.warnings {
                    say(&format!("   cảnh báo: {w}"), &format!("   warning: {w}"));
                }
                opts.fill_fields = crate::issuing::fills(&pdf, checked.personal_signed, Some(DEMO_NUMBER), opts.signing_time, &font, vi)?;
                let day = stamp_layout::blanks::date_parts(opts.signing_time.to_offset(stamp_layout::VIETNAM).date());
                say(
                    &format!(
                        "{step}. Văn thư kiểm tra văn bản (S12), cấp số {DEMO_NUMBER}, ngày ban hành {} tháng {} năm {} (S11) và ký số cơ quan: {who}",
                        day[0], day[1], day[2]
                    ),
                    &format!(
                        "{step}. The clerk checks the document (S12), assigns number {DEMO_NUMBER} and the issue date (ngày {} tháng {} năm {}, S11), and signs for the organization: {who}",
                        day[0], day[1], day[2]
                    ),
                );
            }
        }
        pdf_sign::sign_file(input, output, true, &key, &opts)?;
    }

    // The CA publishes its next CRLs: the signatures carry no timestamp, so only status
    // evidence issued after their claimed signing times proves anything at those times.
    testpki::reissue_crls(&pki_dir, &pki_dir, &[])?;
    say("4. Kiểm tra chữ ký:", "4. Verifying:");
    let today = time::OffsetDateTime::now_utc().to_offset(stamp_layout::VIETNAM).date();
    let code = verify_signed(&signed_out, &pki.root(), &[pki.crl("root"), pki.crl("ca")], today, args.lang)?;

    summary(vi, &dir, [&original, &personal_out, &signed_out, &pki_dir], &pki, today);
    Ok(code)
}

/// Where the demo's files are, and the command that verifies the result again.
fn summary(vi: bool, dir: &std::path::Path, files: [&PathBuf; 4], pki: &test_pki::TestPkiFiles, today: time::Date) {
    let [original, personal_out, signed_out, pki_dir] = files;
    println!();
    if vi {
        println!("Thư mục: {}", dir.display());
        println!("  văn bản gốc:            {}", original.display());
        println!("  sau chữ ký cá nhân:     {}", personal_out.display());
        println!("  đã ký (cá nhân + cơ quan): {}", signed_out.display());
        println!("  PKI thử nghiệm:         {}", pki_dir.display());
        println!(
            "Kiểm tra lại: vbdt verify --issued-on {today} --trust {} --crl {} --crl {} {}",
            pki.root().display(),
            pki.crl("root").display(),
            pki.crl("ca").display(),
            signed_out.display()
        );
    } else {
        println!("Directory: {}", dir.display());
        println!("  original:                    {}", original.display());
        println!("  after the personal signature: {}", personal_out.display());
        println!("  signed (personal + organization): {}", signed_out.display());
        println!("  test PKI:                    {}", pki_dir.display());
        println!(
            "Verify again: vbdt verify --issued-on {today} --trust {} --crl {} --crl {} {}",
            pki.root().display(),
            pki.crl("root").display(),
            pki.crl("ca").display(),
            signed_out.display()
        );
    }
}

/// Verifies the demo's output with the trust anchor and CRL of the test PKI. The demo
/// plays the clerk who signs on the issue date, so today (Vietnam time) is the issue date
/// for rule S7.
fn verify_signed(
    file: &std::path::Path,
    root: &std::path::Path,
    crls: &[PathBuf],
    today: time::Date,
    lang: crate::cli::Lang,
) -> anyhow::Result<crate::exit::Outcome> {
    Ok(crate::cmd_verify::verify_files(&[file.to_path_buf()], &[root.to_path_buf()], crls, Some(today), lang))
}
