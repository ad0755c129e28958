//! A PDF file opened for signing or verifying: small files are read into memory, large
//! ones are mapped, so that parsing touches only the pages it reads (the xref, the
//! dictionaries) and the bulk of a large scan never enters the heap. Bulk passes (hashing,
//! copying) go through the file itself in chunks, so they do not grow this process's
//! resident memory either.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Files at least this large are mapped rather than read.
pub const MAP_FILES_FROM: u64 = 8 << 20;
/// Bytes read at a time by [`Input::for_each_chunk`].
const CHUNK: usize = 1 << 20;

pub struct Input {
    inner: Inner,
}

enum Inner {
    Owned(Vec<u8>),
    Mapped { map: memmap2::Mmap, file: File },
}

impl Input {
    /// Opens `path`, mapping it when it is large.
    pub fn open(path: &Path) -> io::Result<Input> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        if len < MAP_FILES_FROM {
            let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
            io::Read::read_to_end(&mut &file, &mut bytes)?;
            return Ok(Input { inner: Inner::Owned(bytes) });
        }
        // SAFETY: the map is read-only and private. Another process truncating the file
        // while we read it would fault (as for any memory-mapping reader such as ripgrep);
        // writing to it could change what we read between parsing and hashing, which the
        // signature check then reports as a mismatch rather than trusting either view.
        let map = unsafe { memmap2::Mmap::map(&file)? };
        Ok(Input { inner: Inner::Mapped { map, file } })
    }

    /// An input already in memory.
    pub fn from_vec(bytes: Vec<u8>) -> Input {
        Input { inner: Inner::Owned(bytes) }
    }

    pub fn bytes(&self) -> &[u8] {
        match &self.inner {
            Inner::Owned(b) => b,
            Inner::Mapped { map, .. } => map,
        }
    }

    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f(offset, piece)` over `range` in order, in pieces of at most 1 MiB.
    pub fn for_each_chunk(&self, range: Range<usize>, mut f: impl FnMut(usize, &[u8])) -> io::Result<()> {
        let range = range.start.min(self.len())..range.end.min(self.len());
        match &self.inner {
            Inner::Owned(b) => {
                let mut at = range.start;
                for piece in b[range].chunks(CHUNK) {
                    f(at, piece);
                    at += piece.len();
                }
            }
            Inner::Mapped { file, .. } => {
                let mut buf = vec![0u8; CHUNK.min(range.len())];
                let mut at = range.start;
                while at < range.end {
                    let want = CHUNK.min(range.end - at);
                    file.read_exact_at(&mut buf[..want], at as u64)?;
                    f(at, &buf[..want]);
                    at += want;
                }
            }
        }
        Ok(())
    }

    /// Copies the whole input to `out` in pieces of `chunk` bytes (in the kernel where it
    /// can), calling `written(out, offset, len)` after each piece: a signer starts the disk
    /// writing of each piece while the rest is still being copied and hashed.
    pub fn copy_to_in_chunks(&self, out: &mut File, chunk: usize, written: &mut dyn FnMut(&File, u64, u64)) -> io::Result<()> {
        let chunk = chunk.max(1) as u64;
        let total = self.len() as u64;
        let mut done = 0u64;
        match &self.inner {
            Inner::Owned(b) => {
                for piece in b.chunks(usize::try_from(chunk).unwrap_or(usize::MAX)) {
                    io::Write::write_all(out, piece)?;
                    written(out, done, piece.len() as u64);
                    done += piece.len() as u64;
                }
            }
            Inner::Mapped { file, .. } => {
                let mut reader = file;
                io::Seek::seek(&mut reader, io::SeekFrom::Start(0))?;
                while done < total {
                    let want = chunk.min(total - done);
                    let copied = io::copy(&mut io::Read::take(&mut reader, want), out)?;
                    if copied == 0 {
                        break;
                    }
                    written(out, done, copied);
                    done += copied;
                }
                if done != total {
                    return Err(io::Error::other(format!("the input changed size while it was copied ({done} of {total} bytes)")));
                }
            }
        }
        Ok(())
    }

    /// Copies the whole input to `out` (in the kernel where it can).
    pub fn copy_to(&self, out: &mut File) -> io::Result<()> {
        match &self.inner {
            Inner::Owned(b) => io::Write::write_all(out, b),
            Inner::Mapped { file, .. } => {
                let mut reader = file;
                io::Seek::seek(&mut reader, io::SeekFrom::Start(0))?;
                let copied = io::copy(&mut reader, out)?;
                if copied != self.len() as u64 {
                    return Err(io::Error::other(format!("the input changed size while it was copied ({copied} of {} bytes)", self.len())));
                }
                Ok(())
            }
        }
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.inner {
            Inner::Owned(_) => "in memory",
            Inner::Mapped { .. } => "mapped",
        };
        write!(f, "Input({} bytes, {kind})", self.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_and_copies_match_the_file_both_ways() {
        let dir = std::env::temp_dir().join(format!("pdf-raw-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for len in [10usize, (MAP_FILES_FROM as usize) + 12_345] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let path = dir.join(format!("f{len}"));
            std::fs::write(&path, &data).unwrap();
            let input = Input::open(&path).unwrap();
            assert_eq!(input.bytes(), &data[..]);
            let mut seen = Vec::new();
            input
                .for_each_chunk(3..len - 1, |at, piece| {
                    assert_eq!(at, 3 + seen.len());
                    seen.extend_from_slice(piece);
                })
                .unwrap();
            assert_eq!(seen, &data[3..len - 1]);
            let out_path = dir.join(format!("o{len}"));
            let mut out = File::create(&out_path).unwrap();
            input.copy_to(&mut out).unwrap();
            drop(out);
            assert_eq!(std::fs::read(&out_path).unwrap(), data);
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
