//! The one definition of vbdt's flags: help text, man page and completions come from here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "vbdt", version, about = "Sign and verify PDF documents of Vietnamese state agencies (PAdES, Decree 68/2024/NĐ-CP)")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Language of user-facing text.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt
    Vi,
    /// English
    En,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Sign PDF files (PAdES) with a PKCS#12 key file or a PKCS#11 token.
    Sign(crate::cmd_sign::SignArgs),
    /// Verify signed PDF files (Decree 68/2024 Điều 30–32, modifications, document rules).
    /// Exit code: 0 all valid, 1 invalid or unsigned, 3 indeterminate, 4 unreadable, 2 usage.
    Verify(crate::cmd_verify::VerifyArgs),
    /// Electronic copy (rules.md S4): add one organization signature showing, top right of
    /// page 1, the kind of copy, the organization and the time; also from JPEG scans.
    Copy(crate::cmd_copy::CopyArgs),
    /// Attachment or appendix in its own file (rules.md S5): add the organization
    /// signature showing the document's number and symbol and the time, top right of page 1.
    Attach(crate::cmd_copy::AttachArgs),
    /// History of a signed file for archivists: revisions, signatures and document
    /// timestamps, certificate paths and revocation evidence; --extract N writes revision N.
    Chain(crate::cmd_chain::ChainArgs),
    /// Long-term validation (PAdES B-LT): add certificates, OCSP responses and CRLs for
    /// every signature and timestamp to the DSS; with --lta --tsa URL also a document
    /// timestamp (B-LTA). Run again later to renew.
    Ltv(crate::cmd_ltv::LtvArgs),
    /// Demonstration: make a throwaway test PKI, sign the sample decision with a personal
    /// then an organization signature, and verify it.
    Demo(crate::demo::DemoArgs),
    /// Make a throwaway test PKI (root CA, issuing CA, personal and organization
    /// certificates, broken certificates, OCSP and TSA certificates, CRLs). Test use only.
    Testpki(TestpkiArgs),
}

#[derive(Args, Debug)]
pub struct TestpkiArgs {
    /// Directory to write the PKI into (created if missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// OCSP responder URL written into the certificates' AIA extension.
    #[arg(long, value_name = "URL")]
    pub ocsp_url: Option<String>,
    /// Base URL for CRL distribution points (e.g. http://127.0.0.1:8080/crl/).
    #[arg(long, value_name = "URL")]
    pub crl_base_url: Option<String>,
    /// Reuse private keys cached in DIR (NAME.KIND.key.pem) and store new ones there.
    /// Test suites use it to skip RSA key generation; never for real keys.
    #[arg(long, value_name = "DIR", hide = true)]
    pub key_cache: Option<PathBuf>,
    /// Which real PKI the names and policy imitate: vgca (government CA) or neac (public CAs).
    #[arg(long, value_enum, default_value_t = crate::testpki::Shape::Vgca)]
    pub shape: crate::testpki::Shape,
    /// caIssuers URL (where ca.crt is served) written into the certificates' AIA extension.
    #[arg(long, value_name = "URL")]
    pub ca_issuers_url: Option<String>,
    /// Instead of a new PKI: write fresh root.crl and ca.crl (issued now) for the PKI in
    /// --out into DIR.
    #[arg(long, value_name = "DIR")]
    pub reissue_crls: Option<PathBuf>,
    /// With --reissue-crls: also revoke NAME now (listed in ca.crl, marked in index.txt).
    #[arg(long, value_name = "NAME", requires = "reissue_crls")]
    pub revoke: Vec<String>,
    /// Language of messages.
    #[arg(long, value_enum, default_value_t = Lang::Vi)]
    pub lang: Lang,
}
