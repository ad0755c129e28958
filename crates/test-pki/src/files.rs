//! Writing the PKI's files: public ones plainly, keys and PKCS#12 files for the owner only.

use std::fs;
use std::io::Write as _;
use std::path::Path;

use crate::error::{Context, Result};

pub(crate) fn write_file(path: &Path, data: &[u8]) -> Result<()> {
    fs::write(path, data).with_context(|| format!("writing {}", path.display()))
}

/// Writes a file readable by its owner only (where the platform has such modes).
pub(crate) fn write_secret(path: &Path, data: &[u8]) -> Result<()> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(data).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
