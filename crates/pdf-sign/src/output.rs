//! Writing outputs so that a crash or a full disk never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use crate::SignError;

/// Writes the concatenation of `parts` to `path` through a temporary file in the same
/// directory, fsynced before it is renamed into place. Without `force`, an existing
/// `path` is never replaced (checked atomically by the rename). `permissions` (usually the
/// input's) replace the private mode temporary files are created with.
pub fn write_atomically(path: &Path, parts: &[&[u8]], force: bool, permissions: Option<std::fs::Permissions>) -> Result<(), SignError> {
    let io = |e: std::io::Error| SignError::Io { path: path.to_path_buf(), why: e.to_string() };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".vbdt-").suffix(".tmp").tempfile_in(dir).map_err(io)?;
    for part in parts {
        tmp.write_all(part).map_err(io)?;
    }
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p).map_err(io)?;
    }
    tmp.as_file().sync_all().map_err(io)?;
    if force {
        tmp.persist(path).map_err(|e| io(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                SignError::OutputExists(path.to_path_buf())
            } else {
                io(e.error)
            }
        })?;
    }
    // Make the rename itself durable.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
