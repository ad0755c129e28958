//! OCSP responses and CRLs fetched once per run and kept on disk until their nextUpdate.
//!
//! One [`FetchCache`] is shared by every file and thread of a run (pass it in
//! [`super::RevocationSources::cache`]). Each OCSP request (URL, certificate, issuer) and
//! each CRL (URL, issuer) is fetched at most once: the first caller fetches while the
//! others wait for its answer (single flight), and a failure is remembered for the run
//! too. Requests for different certificates go out in parallel, one per worker thread.
//!
//! With a directory ([`FetchCache::new`]), answers are also kept on disk: a response is
//! written when it gives a nextUpdate still ahead, and read back by later runs only while
//! the current time lies within thisUpdate − [`SKEW`] … nextUpdate. Nothing read back is
//! trusted: the caller evaluates it exactly as a fresh answer (signature, issuer, CertID,
//! time rules); when a cached answer is not usable for a document (for example issued
//! before a signing time the signer claims), the caller asks the network once more
//! ([`FetchCache::ocsp`] with `fresh`). A file that cannot be read or parsed is a miss
//! and is replaced; files are written atomically (temporary file, then rename).
//!
//! Where: `$VBDT_CACHE_DIR/revocation`, else `$XDG_CACHE_HOME/vbdt/revocation`, else
//! `$HOME/.cache/vbdt/revocation` ([`default_dir`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use der::Encode;
use time::OffsetDateTime;
use x509_cert::Certificate;

use super::{crl, ocsp, FetchProblem, SKEW};
use crate::digest::DigestAlg;
use crate::http::HttpLimits;

/// Size of one cache file read at most.
const MAX_CACHE_FILE: u64 = 32 << 20;
const MAGIC: &str = "vbdt-revocation 1";

/// One answer: the DER, or why there is none.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub body: Result<Arc<[u8]>, FetchProblem>,
    /// Read from the disk cache, fetched at this time by an earlier run (None: fetched
    /// from the network in this run).
    pub cached_at: Option<OffsetDateTime>,
}

type Slot = Arc<OnceLock<Fetched>>;

/// Revocation evidence fetched in this run, shared by every file and thread (see the
/// module docs).
#[derive(Debug, Default)]
pub struct FetchCache {
    dir: Option<PathBuf>,
    slots: Mutex<HashMap<String, Slot>>,
    requests: AtomicU64,
    disk_hits: AtomicU64,
}

/// The disk cache directory for OCSP responses and CRLs (see the module docs), if any.
pub fn default_dir() -> Option<PathBuf> {
    crate::aia::default_dir().and_then(|d| d.parent().map(|p| p.join("revocation")))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cert_hash(c: &Certificate) -> String {
    hex(&DigestAlg::Sha256.digest(&c.to_der().unwrap_or_default()))
}

impl FetchCache {
    /// A cache for the run, also kept in `dir` when given.
    pub fn new(dir: Option<PathBuf>) -> Self {
        FetchCache { dir, ..FetchCache::default() }
    }

    /// A cache for this run only (no disk).
    pub fn memory_only() -> Self {
        FetchCache::default()
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Requests sent over the network through this cache so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Answers read from the disk cache so far.
    pub fn disk_hits(&self) -> u64 {
        self.disk_hits.load(Ordering::Relaxed)
    }

    /// The OCSP response of `url` about `cert` (issued by `issuer`): fetched once per run;
    /// from the disk cache unless `fresh` (then from the network, once per run too).
    pub fn ocsp(
        &self,
        url: &str,
        cert: &Certificate,
        issuer: &Certificate,
        limits: &HttpLimits,
        now: OffsetDateTime,
        fresh: bool,
    ) -> Fetched {
        let id = match ocsp::build_request(cert, issuer, None) {
            Ok(req) => hex(&DigestAlg::Sha256.digest(&req)),
            Err(e) => return Fetched { body: Err(super::fetch_detail(&e)), cached_at: None },
        };
        let key = format!("ocsp {} {id} {}", url.trim(), cert_hash(issuer));
        self.get(&key, url, fresh, now, ocsp_validity, || {
            super::fetch_ocsp_from(url, cert, issuer, limits).map_err(|e| super::fetch_detail(&e))
        })
    }

    /// The CRL at `url`, to be checked against `issuer`: as [`FetchCache::ocsp`].
    pub fn crl(&self, url: &str, issuer: &Certificate, limits: &HttpLimits, now: OffsetDateTime, fresh: bool) -> Fetched {
        let key = format!("crl {} {}", url.trim(), cert_hash(issuer));
        self.get(&key, url, fresh, now, crl_validity, || super::fetch_crl(url, limits).map_err(|e| super::fetch_detail(&e)))
    }

    fn get(
        &self,
        key: &str,
        url: &str,
        fresh: bool,
        now: OffsetDateTime,
        validity: fn(&[u8]) -> Option<(OffsetDateTime, OffsetDateTime)>,
        fetch: impl FnOnce() -> Result<Vec<u8>, FetchProblem>,
    ) -> Fetched {
        let slot_key = if fresh { format!("{key} fresh") } else { key.to_string() };
        let slot: Slot = match self.slots.lock() {
            Ok(mut m) => Arc::clone(m.entry(slot_key).or_default()),
            // A poisoned map (a panic elsewhere): no sharing, but still an answer.
            Err(_) => Arc::new(OnceLock::new()),
        };
        slot.get_or_init(|| {
            if !fresh {
                if let Some(f) = self.read_disk(key, url, now, validity) {
                    self.disk_hits.fetch_add(1, Ordering::Relaxed);
                    return f;
                }
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            let body = fetch();
            if let Ok(der) = &body {
                if validity(der).is_some_and(|(_, next)| next > now) {
                    self.write_disk(key, url, now, der);
                }
            }
            Fetched { body: body.map(Arc::from), cached_at: None }
        })
        .clone()
    }

    fn path_for(&self, key: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("{}.der", hex(&DigestAlg::Sha256.digest(key.as_bytes())))))
    }

    /// The header (`MAGIC`, `key:`, `url:`, `fetched:` lines, a blank line) then the DER.
    fn read_disk(
        &self,
        key: &str,
        url: &str,
        now: OffsetDateTime,
        validity: fn(&[u8]) -> Option<(OffsetDateTime, OffsetDateTime)>,
    ) -> Option<Fetched> {
        let path = self.path_for(key)?;
        if std::fs::metadata(&path).ok()?.len() > MAX_CACHE_FILE {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let split = bytes.windows(2).position(|w| w == b"\n\n")?;
        let head = std::str::from_utf8(&bytes[..split]).ok()?;
        let der = &bytes[split + 2..];
        let mut lines = head.lines();
        if lines.next()? != MAGIC {
            return None;
        }
        let field = |name: &str| head.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
        if field("key:")? != key || field("url:")? != url.trim() {
            return None;
        }
        let fetched_at = field("fetched:")?.parse::<i64>().ok().and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok())?;
        let (this_update, next_update) = validity(der)?;
        if now < this_update - SKEW || now > next_update || fetched_at > now + SKEW {
            return None;
        }
        Some(Fetched { body: Ok(Arc::from(der)), cached_at: Some(fetched_at) })
    }

    /// Best effort: a cache that cannot be written only costs a later request.
    fn write_disk(&self, key: &str, url: &str, now: OffsetDateTime, der: &[u8]) {
        let Some(path) = self.path_for(key) else { return };
        let Some(dir) = path.parent() else { return };
        if url.contains(['\n', '\r']) || std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let mut bytes = format!("{MAGIC}\nkey: {key}\nurl: {}\nfetched: {}\n\n", url.trim(), now.unix_timestamp()).into_bytes();
        bytes.extend_from_slice(der);
        static SEQ: AtomicU64 = AtomicU64::new(0);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("entry");
        let tmp = dir.join(format!(".{name}.{}.{}.tmp", std::process::id(), SEQ.fetch_add(1, Ordering::Relaxed)));
        if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// thisUpdate and the earliest nextUpdate of an OCSP response (None: none given, or not
/// an OCSP response).
fn ocsp_validity(der: &[u8]) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let (basic, _) = ocsp::parse_response(der).ok()?;
    let responses = &basic.tbs_response_data.responses;
    let this = responses.iter().map(|s| crate::der_util::generalized_time(&s.this_update.0)).max()?;
    let mut next = None::<OffsetDateTime>;
    for s in responses {
        let n = crate::der_util::generalized_time(&s.next_update.as_ref()?.0);
        next = Some(next.map_or(n, |m| m.min(n)));
    }
    Some((this, next?))
}

/// thisUpdate and nextUpdate of a CRL.
fn crl_validity(der: &[u8]) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let (_, this, next) = crl::summary(der).ok()?;
    Some((this, next?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry_validity(_: &[u8]) -> Option<(OffsetDateTime, OffsetDateTime)> {
        let now = OffsetDateTime::now_utc();
        Some((now - time::Duration::hours(1), now + time::Duration::hours(1)))
    }

    /// One fetch per key, whatever the number of threads asking at once; a failure is
    /// remembered for the run too.
    #[test]
    fn single_flight_per_key() {
        let cache = FetchCache::memory_only();
        let calls = AtomicU64::new(0);
        let now = OffsetDateTime::now_utc();
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    let f = cache.get("k", "http://x/", false, now, entry_validity, || {
                        calls.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(50));
                        Ok(b"answer".to_vec())
                    });
                    assert_eq!(f.body.as_deref().ok(), Some(&b"answer"[..]));
                });
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(cache.requests(), 1);
        let e = cache.get("e", "http://x/", false, now, entry_validity, || Err(FetchProblem::Unreachable("down".into())));
        let again = cache.get("e", "http://x/", false, now, entry_validity, || Ok(b"up".to_vec()));
        assert!(e.body.is_err() && again.body.is_err());
        // A fresh request is one more, once.
        let f = cache.get("k", "http://x/", true, now, entry_validity, || Ok(b"new".to_vec()));
        assert_eq!(f.body.as_deref().ok(), Some(&b"new"[..]));
        assert_eq!(cache.requests(), 3);
    }

    /// The disk gives back only a well-formed entry written for exactly this key and
    /// URL, within its validity; anything else is a miss and is replaced.
    #[test]
    fn disk_entries_are_keyed_checked_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let now = OffsetDateTime::now_utc();
        let writer = FetchCache::new(Some(dir.path().to_path_buf()));
        writer.get("k", "http://x/", false, now, entry_validity, || Ok(b"der".to_vec()));
        let reader = FetchCache::new(Some(dir.path().to_path_buf()));
        let f = reader.get("k", "http://x/", false, now, entry_validity, || Err(FetchProblem::Unreachable("no network".into())));
        assert_eq!(f.body.as_deref().ok(), Some(&b"der"[..]));
        assert!(f.cached_at.is_some());
        assert_eq!((reader.requests(), reader.disk_hits()), (0, 1));
        // Another URL under the same key: a miss.
        let other = FetchCache::new(Some(dir.path().to_path_buf()));
        assert!(other.get("k", "http://y/", false, now, entry_validity, || Err(FetchProblem::Unreachable("no".into()))).body.is_err());
        // Past nextUpdate: a miss.
        let late = FetchCache::new(Some(dir.path().to_path_buf()));
        let f = late
            .get("k", "http://x/", false, now + time::Duration::hours(2), entry_validity, || Err(FetchProblem::Unreachable("no".into())));
        assert!(f.body.is_err());
        // Corrupt: a miss, then replaced by the fresh answer.
        let path = writer.path_for("k").unwrap();
        std::fs::write(&path, b"rubbish").unwrap();
        let c = FetchCache::new(Some(dir.path().to_path_buf()));
        let f = c.get("k", "http://x/", false, now, entry_validity, || Ok(b"der2".to_vec()));
        assert!(f.cached_at.is_none());
        let d = FetchCache::new(Some(dir.path().to_path_buf()));
        let f = d.get("k", "http://x/", false, now, entry_validity, || Err(FetchProblem::Unreachable("no".into())));
        assert_eq!(f.body.as_deref().ok(), Some(&b"der2"[..]));
        // Without nextUpdate (validity None): never written.
        let none = |_: &[u8]| None;
        let e = FetchCache::new(Some(dir.path().to_path_buf()));
        e.get("n", "http://x/", false, now, none, || Ok(b"x".to_vec()));
        assert!(!e.path_for("n").unwrap().exists());
    }
}
