//! `vbdt testpki`: writes the throwaway test PKI of the `test-pki` crate (also used by
//! `vbdt demo` and the test suites) and reissues its CRLs.

use anyhow::Result;

use crate::msg::{FileOp, Op};

pub use test_pki::{generate, reissue_crls, Shape, TestPkiOptions};

/// `vbdt testpki`. The output directories are made here first, so that a directory that
/// cannot be made is said in the user's language (`crate::msg::anyhow_error`).
pub fn run(args: &crate::cli::TestpkiArgs) -> Result<()> {
    let vi = matches!(args.lang, crate::cli::Lang::Vi);
    let mut opts = TestPkiOptions::new(&args.out);
    opts.ocsp_url = args.ocsp_url.clone();
    opts.crl_base_url = args.crl_base_url.clone();
    opts.key_cache = args.key_cache.clone();
    opts.shape = args.shape;
    opts.ca_issuers_url = args.ca_issuers_url.clone();
    if let Some(out) = &args.reissue_crls {
        std::fs::metadata(args.out.join("shape.txt")).map_err(FileOp::new(Op::Read, &args.out.join("shape.txt")))?;
        std::fs::create_dir_all(out).map_err(FileOp::new(Op::Create, out))?;
        reissue_crls(&args.out, out, &args.revoke)?;
        if vi {
            println!("đã ghi CRL mới vào {}", out.display());
        } else {
            println!("fresh CRLs written to {}", out.display());
        }
        return Ok(());
    }
    std::fs::create_dir_all(&args.out).map_err(FileOp::new(Op::Create, &args.out))?;
    let files = generate(&opts)?;
    if vi {
        println!("đã ghi hạ tầng khóa công khai thử nghiệm vào {}", files.dir.display());
        println!("  chứng thư chữ ký số gốc tin cậy: {}", files.root().display());
        println!("  tệp PKCS#12: {}/TÊN.p12, mật khẩu trong {}", files.dir.display(), files.password_file().display());
    } else {
        println!("test PKI written to {}", files.dir.display());
        println!("  trust anchor: {}", files.root().display());
        println!("  PKCS#12 files: {}/NAME.p12, password in {}", files.dir.display(), files.password_file().display());
    }
    Ok(())
}
