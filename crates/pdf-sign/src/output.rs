//! Writing outputs so that a crash or a full disk never leaves a half-written file.

use std::io::Write;
use std::path::Path;

use crate::SignError;

/// Writes the concatenation of `parts` to `path` through a temporary file in the same
/// directory, fsynced before it is renamed into place. Without `force`, an existing
/// `path` is never replaced (checked atomically by the rename). `permissions` (usually the
/// input's) replace the private mode temporary files are created with.
pub fn write_atomically(path: &Path, parts: &[&[u8]], force: bool, permissions: Option<std::fs::Permissions>) -> Result<(), SignError> {
    write_with(path, force, permissions, Durability::Full, &mut |file| {
        for part in parts {
            file.write_all(part)?;
        }
        Ok(())
    })
}

/// [`write_atomically`] for a signed file: the input (copied by the kernel when it is a
/// mapped file) followed by its update.
pub fn write_input_and_update(path: &Path, input: &pdf_raw::Input, update: &[u8], force: bool, permissions: Option<std::fs::Permissions>, durability: Durability) -> Result<(), SignError> {
    write_with(path, force, permissions, durability, &mut |file| {
        input.copy_to(file)?;
        file.write_all(update)
    })
}

/// What a write makes durable before it returns. The file's data is always synced before
/// the rename (so a crash never leaves a renamed, incomplete file); the directory entry
/// can be synced once for a whole batch instead of once per file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// The data and the directory entry (the rename survives a power cut).
    Full,
    /// The data; the caller calls [`sync_dir`] on the directory when the batch is done.
    DirectoryLater,
}

/// Makes the renames done in `dir` durable.
pub fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn write_with(path: &Path, force: bool, permissions: Option<std::fs::Permissions>, durability: Durability, write: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>) -> Result<(), SignError> {
    let io = |e: std::io::Error| SignError::Io { path: path.to_path_buf(), why: e.to_string() };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new().prefix(".vbdt-").suffix(".tmp").tempfile_in(dir).map_err(io)?;
    write(tmp.as_file_mut()).map_err(io)?;
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
    if durability == Durability::Full {
        sync_dir(dir);
    }
    Ok(())
}
