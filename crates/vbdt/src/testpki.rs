//! `vbdt testpki`: writes the throwaway test PKI of the `test-pki` crate (also used by
//! `vbdt demo` and the test suites) and reissues its CRLs.

use anyhow::Result;

pub use test_pki::{generate, reissue_crls, Shape, TestPkiOptions};

/// `vbdt testpki`.
pub fn run(args: &crate::cli::TestpkiArgs) -> Result<()> {
    let mut opts = TestPkiOptions::new(&args.out);
    opts.ocsp_url = args.ocsp_url.clone();
    opts.crl_base_url = args.crl_base_url.clone();
    opts.key_cache = args.key_cache.clone();
    opts.shape = args.shape;
    opts.ca_issuers_url = args.ca_issuers_url.clone();
    if let Some(out) = &args.reissue_crls {
        reissue_crls(&args.out, out, &args.revoke)?;
        println!("fresh CRLs written to {}", out.display());
        return Ok(());
    }
    let files = generate(&opts)?;
    println!("test PKI written to {}", files.dir.display());
    println!("  trust anchor: {}", files.root().display());
    println!("  PKCS#12 files: {}/NAME.p12, password in {}", files.dir.display(), files.password_file().display());
    Ok(())
}
