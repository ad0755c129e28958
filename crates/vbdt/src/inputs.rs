//! The input files of `sign`, `verify` and `ltv` at archive scale: the command line's
//! files and directories (`-r` to recurse), lists from a file or standard input
//! (`--files-from`, `-0` for NUL-separated lists), and `--shard K/N` to take a
//! deterministic share of them, so that a job runner can split one archive over machines.

use std::io::Read;
use std::path::{Path, PathBuf};

use clap::Args;

/// Largest `--files-from` list read (1 GiB: ten million long paths).
const MAX_LIST: u64 = 1 << 30;

#[derive(Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct InputArgs {
    /// Also take the files listed in LIST, one path a line ("-": standard input).
    /// Relative paths are relative to the current directory.
    #[arg(long, value_name = "LIST", help_heading = "Inputs")]
    pub files_from: Option<PathBuf>,
    /// The --files-from list is separated by NUL bytes (as `find -print0` writes it).
    #[arg(short = '0', long = "null", requires = "files_from", help_heading = "Inputs")]
    pub null: bool,
    /// A directory among the inputs stands for its PDF files and those of its
    /// subdirectories (without -r: its own PDF files only).
    #[arg(short = 'r', long, help_heading = "Inputs")]
    pub recursive: bool,
    /// Only the K-th of N shares of the inputs (K from 1 to N), chosen by a stable hash
    /// of each path as given: N machines with K = 1…N together take every file once
    /// (docs/scale.md).
    #[arg(long, value_name = "K/N", value_parser = parse_shard, help_heading = "Inputs")]
    pub shard: Option<Shard>,
}

/// `--shard K/N`: the K-th (1-based) of N shares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

pub fn parse_shard(s: &str) -> Result<Shard, String> {
    // clap shows this after its own words (in English; in Vietnamese it says the value is
    // not valid, without this reason).
    let bad = || format!("{s:?} is not K/N with 1 ≤ K ≤ N (e.g. 2/4)");
    let (k, n) = s.split_once('/').ok_or_else(bad)?;
    let (k, n) = (k.trim().parse::<u64>().map_err(|_| bad())?, n.trim().parse::<u64>().map_err(|_| bad())?);
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok(Shard { k, n })
}

/// 64-bit FNV-1a: fixed, the same on every machine and in every version (std's hasher
/// is randomized per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

impl Shard {
    /// Whether `path` (as given) is in this share.
    pub fn takes(&self, path: &Path) -> bool {
        fnv1a(path.as_os_str().as_encoded_bytes()) % self.n == self.k - 1
    }
}

/// Whether the file name ends in `.pdf` (any case).
fn is_pdf(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// The PDF files of `dir` (and, when `recursive`, of its subdirectories, not following
/// links to directories), sorted by path.
fn pdfs_in(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>, vi: bool) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {}", dir.display(), crate::msg::io(&e, vi)))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {}", dir.display(), crate::msg::io(&e, vi)))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(|e| format!("{}: {}", path.display(), crate::msg::io(&e, vi)))?;
        if kind.is_dir() {
            if recursive {
                found.push((path, true));
            }
        } else if is_pdf(&path) && (kind.is_file() || path.is_file()) {
            found.push((path, false));
        }
    }
    found.sort();
    for (path, is_dir) in found {
        if is_dir {
            pdfs_in(&path, recursive, out, vi)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// The paths of a `--files-from` list: one a line (blank lines skipped, a trailing `\r`
/// dropped) or NUL-separated.
fn parse_list(bytes: &[u8], null: bool) -> Vec<PathBuf> {
    let sep = if null { b'\0' } else { b'\n' };
    bytes
        .split(|b| *b == sep)
        .map(|p| if !null { p.strip_suffix(b"\r").unwrap_or(p) } else { p })
        .filter(|p| !p.is_empty())
        .map(|p| PathBuf::from(String::from_utf8_lossy(p).into_owned()))
        .collect()
}

fn read_list(list: &Path, vi: bool) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    let read = if list == Path::new("-") {
        std::io::stdin().lock().take(MAX_LIST + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(list).and_then(|f| f.take(MAX_LIST + 1).read_to_end(&mut bytes))
    };
    let name = match (list == Path::new("-"), vi) {
        (true, true) => "đầu vào chuẩn".to_string(),
        (true, false) => "standard input".to_string(),
        (false, _) => list.display().to_string(),
    };
    read.map_err(|e| format!("--files-from {name}: {}", crate::msg::io(&e, vi)))?;
    if bytes.len() as u64 > MAX_LIST {
        if vi {
            return Err(format!("--files-from {name}: dài quá {MAX_LIST} byte"));
        }
        return Err(format!("--files-from {name}: longer than {MAX_LIST} bytes"));
    }
    Ok(bytes)
}

/// Every input: `given` (a directory stands for its PDF files), then the list's paths,
/// then only those of the shard. A directory that cannot be read, or a list, is an error
/// (one line naming it); files are not opened here.
pub fn gather(given: &[PathBuf], args: &InputArgs, vi: bool) -> Result<Vec<PathBuf>, String> {
    let mut all = Vec::new();
    let listed = match &args.files_from {
        Some(list) => parse_list(&read_list(list, vi)?, args.null),
        None => Vec::new(),
    };
    for path in given.iter().chain(listed.iter()) {
        if path.is_dir() {
            pdfs_in(path, args.recursive, &mut all, vi)?;
        } else {
            all.push(path.clone());
        }
    }
    if let Some(shard) = args.shard {
        all.retain(|p| shard.takes(p));
    }
    Ok(all)
}

/// [`gather`] for `vbdt COMMAND`: the error said on stderr (one line), None.
pub fn gather_for(command: &str, given: &[PathBuf], args: &InputArgs, vi: bool) -> Option<Vec<PathBuf>> {
    gather(given, args, vi).map_err(|e| eprintln!("vbdt {command}: {e}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_parsed_and_checked() {
        assert_eq!(parse_shard("2/4"), Ok(Shard { k: 2, n: 4 }));
        assert_eq!(parse_shard(" 1 / 1 "), Ok(Shard { k: 1, n: 1 }));
        for bad in ["0/4", "5/4", "1/0", "a/4", "2", "", "-1/4"] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
    }

    /// Every path is in exactly one share, the shares are not empty for a few hundred
    /// paths, and the hash is the fixed FNV-1a (same answer on every machine).
    #[test]
    fn shards_partition_the_inputs() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let paths: Vec<PathBuf> = (0..400).map(|i| PathBuf::from(format!("luu-tru/2025/qd-{i}.pdf"))).collect();
        let n = 4;
        let mut sizes = vec![0; n as usize];
        for p in &paths {
            let owners: Vec<u64> = (1..=n).filter(|k| Shard { k: *k, n }.takes(p)).collect();
            assert_eq!(owners.len(), 1, "{}", p.display());
            sizes[(owners[0] - 1) as usize] += 1;
        }
        assert!(sizes.iter().all(|s| *s > 50), "{sizes:?}");
    }

    #[test]
    fn lists_by_line_or_nul() {
        assert_eq!(parse_list(b"a.pdf\r\n\nb c.pdf\n", false), vec![PathBuf::from("a.pdf"), PathBuf::from("b c.pdf")]);
        assert_eq!(parse_list(b"a\nb.pdf\0c.pdf\0", true), vec![PathBuf::from("a\nb.pdf"), PathBuf::from("c.pdf")]);
    }

    #[test]
    fn directories_stand_for_their_pdfs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub/deeper")).unwrap();
        for f in ["b.pdf", "a.PDF", "note.txt", "sub/c.pdf", "sub/deeper/d.pdf"] {
            std::fs::write(d.join(f), b"%PDF-1.7").unwrap();
        }
        let list = d.join("list.txt");
        std::fs::write(&list, "x.pdf\n").unwrap();
        let flat = InputArgs { files_from: Some(list.clone()), ..InputArgs::default() };
        assert_eq!(gather(&[d.to_path_buf()], &flat, false).unwrap(), vec![d.join("a.PDF"), d.join("b.pdf"), PathBuf::from("x.pdf")]);
        let deep = InputArgs { recursive: true, ..InputArgs::default() };
        assert_eq!(
            gather(&[d.to_path_buf(), PathBuf::from("y.pdf")], &deep, false).unwrap(),
            vec![d.join("a.PDF"), d.join("b.pdf"), d.join("sub/c.pdf"), d.join("sub/deeper/d.pdf"), PathBuf::from("y.pdf")]
        );
        let missing = InputArgs { files_from: Some(d.join("none.txt")), ..InputArgs::default() };
        let e = gather(&[], &missing, false).unwrap_err();
        assert!(e.contains("none.txt") && !e.contains('\n'), "{e}");
    }
}
