//! The certificates and CRLs given on the command line (`--trust`, `--certs`, `--crl`),
//! read one way for `verify`, `ltv`, `chain` and the signing commands. Each command keeps
//! its own defaults (a built-in profile or none) and its own exit codes; errors come back
//! as one line in the user's language (`crate::msg`).

use std::path::PathBuf;

use chain_check::Certificate;

/// The certificates in the files or directories given with `--FLAG` (none without any);
/// an error names the flag: `--trust: …`.
pub fn certificates(flag: &str, paths: &[PathBuf], vi: bool) -> Result<Vec<Certificate>, String> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    chain_check::cert::load_cert_sources(paths).map_err(|e| format!("--{flag}: {}", crate::msg::cert_error(&e, vi)))
}

/// The bytes of each `--crl` file (PEM or DER, as given); an error says which file.
pub fn crls(paths: &[PathBuf], vi: bool) -> Result<Vec<Vec<u8>>, String> {
    paths.iter().map(|p| std::fs::read(p).map_err(|e| crate::msg::crl_unreadable(p, &e, vi))).collect()
}
