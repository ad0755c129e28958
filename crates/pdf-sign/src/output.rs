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
pub fn write_input_and_update(
    path: &Path,
    input: &pdf_raw::Input,
    update: &[u8],
    force: bool,
    permissions: Option<std::fs::Permissions>,
    durability: Durability,
) -> Result<(), SignError> {
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

fn write_with(
    path: &Path,
    force: bool,
    permissions: Option<std::fs::Permissions>,
    durability: Durability,
    write: &mut dyn FnMut(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), SignError> {
    let mut out = PendingOutput::create(path, force, permissions, durability)?;
    write(out.file()).map_err(|e| out.io(e))?;
    out.commit()
}

/// An output being written: a temporary file beside `path`, renamed into place by
/// [`PendingOutput::commit`] after its data is synced; dropped uncommitted, it is removed.
pub struct PendingOutput {
    tmp: tempfile::NamedTempFile,
    path: std::path::PathBuf,
    force: bool,
    permissions: Option<std::fs::Permissions>,
    durability: Durability,
}

impl PendingOutput {
    pub fn create(path: &Path, force: bool, permissions: Option<std::fs::Permissions>, durability: Durability) -> Result<Self, SignError> {
        let tmp = tempfile::Builder::new()
            .prefix(".vbdt-")
            .suffix(".tmp")
            .tempfile_in(parent_dir(path))
            .map_err(|source| SignError::Io { path: path.to_path_buf(), source })?;
        Ok(PendingOutput { tmp, path: path.to_path_buf(), force, permissions, durability })
    }

    pub fn file(&mut self) -> &mut std::fs::File {
        self.tmp.as_file_mut()
    }

    /// An I/O error on this output, naming the file the user asked for.
    pub fn io(&self, e: std::io::Error) -> SignError {
        SignError::Io { path: self.path.clone(), source: e }
    }

    /// Syncs the data, renames the file into place (without `force`, never over an
    /// existing file: checked atomically by the rename) and, for [`Durability::Full`],
    /// syncs the directory.
    pub fn commit(self) -> Result<(), SignError> {
        let io = |e: std::io::Error| SignError::Io { path: self.path.clone(), source: e };
        if let Some(p) = self.permissions.clone() {
            self.tmp.as_file().set_permissions(p).map_err(io)?;
        }
        self.tmp.as_file().sync_all().map_err(io)?;
        let path = self.path.clone();
        if self.force {
            self.tmp.persist(&path).map_err(|e| io(e.error))?;
        } else {
            self.tmp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    SignError::OutputExists(path.clone())
                } else {
                    io(e.error)
                }
            })?;
        }
        if self.durability == Durability::Full {
            sync_dir(parent_dir(&path));
        }
        Ok(())
    }
}

fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to disk without
/// waiting for it, so that the fsync before the rename finds most of a large output
/// already written (Linux; elsewhere the fsync does all of it).
pub fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    #[cfg(target_os = "linux")]
    {
        use std::os::fd::AsRawFd;
        let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else { return };
        // SAFETY: a plain system call on a file descriptor we own; it only starts I/O.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (file, offset, len);
    }
}
