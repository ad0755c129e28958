//! Issuer certificates named by Authority Information Access (caIssuers), fetched once and
//! kept.
//!
//! Real signed documents from Vietnamese signing software embed only the signer's
//! certificate; the certificate names where its issuer is published. [`IssuerCache`]
//! fetches such an address over HTTP ([`crate::http::get`], bounded as every request),
//! accepts a DER or PEM certificate or a PKCS#7 "certs-only" bundle, and keeps the answer:
//! in memory for the run (one cache is shared by every file of a run) and on disk in the
//! user's cache directory, keyed by URL, with the fetch time and an expiry, so that the
//! next run makes no request.
//!
//! Nothing from the cache is trusted: a fetched certificate is only a candidate issuer for
//! [`crate::PathBuilder`], which checks every signature and validity up to a trust anchor.
//! A wrong or hostile answer can make a path fail to build, never make one valid; and it is
//! not kept: an answer is used and cached only when one of its certificates is the
//! issuer of the certificate that named the address (its name, and its key verifies that
//! certificate's signature), so that a bad answer (plain HTTP can be tampered with) cannot
//! block the real issuer for the cache's lifetime.
//!
//! Where: `$VBDT_CACHE_DIR/issuers` when that variable is set (tests point it at a
//! temporary directory), else `$XDG_CACHE_HOME/vbdt/issuers`, else
//! `$HOME/.cache/vbdt/issuers`; no disk cache when none of them is set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use time::{Duration, OffsetDateTime};
use x509_cert::Certificate;

use crate::cert;
use crate::http::{HttpError, HttpLimits};

/// How long a fetched answer is kept (and never beyond the earliest notAfter in it).
pub const DEFAULT_TTL: Duration = Duration::days(30);
/// Certificates accepted from one answer at most.
const MAX_CERTS_PER_ANSWER: usize = 16;
/// Size of one cache file read at most.
const MAX_CACHE_FILE: u64 = 4 << 20;

/// Where an issuer certificate came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Downloaded in this run.
    Fetched { url: String },
    /// Downloaded earlier (at `fetched_at`) and kept in the cache until `expires`.
    Cache { url: String, fetched_at: OffsetDateTime, expires: OffsetDateTime },
}

impl Origin {
    pub fn url(&self) -> &str {
        match self {
            Origin::Fetched { url } | Origin::Cache { url, .. } => url,
        }
    }
}

/// What one caIssuers address gave.
#[derive(Debug, Clone)]
pub struct Answer {
    pub certs: Vec<Certificate>,
    pub origin: Origin,
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AiaError {
    /// `--offline` and nothing cached for the address.
    #[error("the issuer is published at {url}, which is not fetched offline")]
    Offline { url: String },
    #[error(transparent)]
    Http(#[from] HttpError),
    /// No certificate of the answer issued the certificate that named the address.
    #[error("{url}: the answer does not contain the issuer of \"{subject}\"")]
    NotTheIssuer { url: String, subject: String },
    #[error("{url}: not a certificate or a PKCS#7 certs-only bundle: {source}")]
    NotCertificates {
        url: String,
        #[source]
        source: cert::CertError,
    },
}

#[derive(Debug, Clone)]
struct Entry {
    certs: Vec<Certificate>,
    fetched_at: OffsetDateTime,
    expires: OffsetDateTime,
    /// Fetched in this run (not read from disk).
    fresh: bool,
}

/// Issuers fetched through AIA, kept for the run and on disk. Shared by reference (it is
/// `Sync`): one per run.
#[derive(Debug)]
pub struct IssuerCache {
    dir: Option<PathBuf>,
    ttl: Duration,
    memory: Mutex<HashMap<String, Entry>>,
    /// One lock per URL being fetched: other threads asking for it wait for the answer
    /// (single flight) instead of sending the same request.
    inflight: Mutex<HashMap<String, std::sync::Arc<Mutex<()>>>>,
}

impl Default for IssuerCache {
    fn default() -> Self {
        IssuerCache::new(default_dir())
    }
}

/// The disk cache directory for issuers (see the module docs), if any.
pub fn default_dir() -> Option<PathBuf> {
    let non_empty = |v: &str| std::env::var_os(v).filter(|s| !s.is_empty()).map(PathBuf::from);
    if let Some(d) = non_empty("VBDT_CACHE_DIR") {
        return Some(d.join("issuers"));
    }
    non_empty("XDG_CACHE_HOME").or_else(|| non_empty("HOME").map(|h| h.join(".cache"))).map(|d| d.join("vbdt").join("issuers"))
}

fn key_of(url: &str) -> String {
    hex::encode(crate::digest::DigestAlg::Sha256.digest(url.trim().as_bytes()))
}

impl IssuerCache {
    /// A cache keeping answers in `dir` (None: memory only).
    pub fn new(dir: Option<PathBuf>) -> Self {
        IssuerCache { dir, ttl: DEFAULT_TTL, memory: Mutex::new(HashMap::new()), inflight: Mutex::new(HashMap::new()) }
    }

    /// A cache for this run only (no disk).
    pub fn memory_only() -> Self {
        IssuerCache::new(None)
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The certificates published at `url`, named as where the issuer of `child` is: from
    /// memory, else from the disk cache (not expired at `now`), else — when `online` —
    /// fetched and kept. An answer without `child`'s issuer is neither used nor kept.
    pub fn get(&self, url: &str, child: &Certificate, online: bool, limits: &HttpLimits, now: OffsetDateTime) -> Result<Answer, AiaError> {
        let url = url.trim();
        let has_issuer = |e: &Entry| e.certs.iter().any(|c| cert::issued_by(child, c));
        if let Some(e) = self.memory.lock().ok().and_then(|m| m.get(url).cloned()).filter(has_issuer) {
            return Ok(answer(url, e));
        }
        if let Some(e) = self.read_disk(url, now).filter(has_issuer) {
            if let Ok(mut m) = self.memory.lock() {
                m.insert(url.to_string(), e.clone());
            }
            return Ok(answer(url, e));
        }
        if !online {
            return Err(AiaError::Offline { url: url.to_string() });
        }
        let gate = self.inflight.lock().map(|mut m| std::sync::Arc::clone(m.entry(url.to_string()).or_default())).unwrap_or_default();
        let _fetching = gate.lock();
        // Another thread may have fetched it while this one waited.
        if let Some(e) = self.memory.lock().ok().and_then(|m| m.get(url).cloned()).filter(has_issuer) {
            return Ok(answer(url, e));
        }
        let body = crate::http::get(url, limits)?;
        let mut certs = cert::parse_certificates(&body).map_err(|source| AiaError::NotCertificates { url: url.to_string(), source })?;
        certs.truncate(MAX_CERTS_PER_ANSWER);
        let earliest = certs.iter().map(cert::not_after).min().unwrap_or(now);
        let expires = (now + self.ttl).min(earliest.max(now));
        let e = Entry { certs, fetched_at: now, expires, fresh: true };
        if !has_issuer(&e) {
            return Err(AiaError::NotTheIssuer { url: url.to_string(), subject: cert::subject(child) });
        }
        self.write_disk(url, &e);
        if let Ok(mut m) = self.memory.lock() {
            m.insert(url.to_string(), e.clone());
        }
        Ok(answer(url, e))
    }

    fn path_for(&self, url: &str) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("{}.pem", key_of(url))))
    }

    /// `# url:`, `# fetched:`, `# expires:` lines (Unix seconds) then the certificates as PEM.
    fn read_disk(&self, url: &str, now: OffsetDateTime) -> Option<Entry> {
        let path = self.path_for(url)?;
        if std::fs::metadata(&path).ok()?.len() > MAX_CACHE_FILE {
            return None;
        }
        let text = std::fs::read_to_string(&path).ok()?;
        let field = |name: &str| text.lines().find_map(|l| l.strip_prefix(name)).map(str::trim);
        if field("# url:")? != url {
            return None;
        }
        let time = |name: &str| field(name).and_then(|v| v.parse::<i64>().ok()).and_then(|s| OffsetDateTime::from_unix_timestamp(s).ok());
        let (fetched_at, expires) = (time("# fetched:")?, time("# expires:")?);
        if now > expires || fetched_at > now + crate::revocation::SKEW {
            return None;
        }
        let certs = cert::parse_certificates(text.as_bytes()).ok()?;
        Some(Entry { certs, fetched_at, expires, fresh: false })
    }

    /// Best effort: a cache that cannot be written only costs a later request.
    fn write_disk(&self, url: &str, e: &Entry) {
        let Some(path) = self.path_for(url) else { return };
        let Some(dir) = path.parent() else { return };
        if url.contains(['\n', '\r']) || std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let mut text = format!("# url: {url}\n# fetched: {}\n# expires: {}\n", e.fetched_at.unix_timestamp(), e.expires.unix_timestamp());
        for c in &e.certs {
            match der::EncodePem::to_pem(c, der::pem::LineEnding::LF) {
                Ok(pem) => text.push_str(&pem),
                Err(_) => return,
            }
        }
        let tmp = dir.join(format!(".{}.{}.tmp", key_of(url), std::process::id()));
        if std::fs::write(&tmp, text).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

fn answer(url: &str, e: Entry) -> Answer {
    let origin = if e.fresh {
        Origin::Fetched { url: url.to_string() }
    } else {
        Origin::Cache { url: url.to_string(), fetched_at: e.fetched_at, expires: e.expires }
    };
    Answer { certs: e.certs, origin }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offline_and_empty_names_the_url() {
        let c = IssuerCache::memory_only();
        let child = &crate::trust::profile("vgca").unwrap()[1];
        match c.get("http://127.0.0.1:9/ca.crt", child, false, &HttpLimits::default(), OffsetDateTime::now_utc()) {
            Err(AiaError::Offline { url }) => assert_eq!(url, "http://127.0.0.1:9/ca.crt"),
            other => panic!("{other:?}"),
        }
    }

    /// What the disk gives back: only an unexpired entry written for exactly this URL,
    /// reported as coming from the cache; anything else is a miss (then, offline, the URL
    /// is named), never an error or a panic.
    #[test]
    fn the_disk_cache_is_keyed_by_url_and_expires() {
        let dir = tempfile::tempdir().unwrap();
        let certs = crate::trust::profile("vgca").unwrap();
        // g1-chinh-phu (index 1) is issued by the G1 root (index 0).
        let child = &certs[1];
        assert!(cert::issued_by(child, &certs[0]));
        let now = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let url = "http://127.0.0.1:9/ca.crt";
        let writer = IssuerCache::new(Some(dir.path().to_path_buf()));
        let entry =
            Entry { certs: certs[..2].to_vec(), fetched_at: now - Duration::days(1), expires: now + Duration::days(1), fresh: true };
        writer.write_disk(url, &entry);
        let limits = HttpLimits::default();
        // A new run (another cache object) reads it, offline too.
        let reader = IssuerCache::new(Some(dir.path().to_path_buf()));
        let a = reader.get(url, child, false, &limits, now).unwrap();
        assert_eq!(a.certs, certs[..2].to_vec());
        assert!(
            matches!(a.origin, Origin::Cache { ref url, fetched_at, .. } if url == "http://127.0.0.1:9/ca.crt" && fetched_at == now - Duration::days(1))
        );
        // Expired: a miss.
        let later = IssuerCache::new(Some(dir.path().to_path_buf()));
        assert!(matches!(later.get(url, child, false, &limits, now + Duration::days(2)), Err(AiaError::Offline { .. })));
        // Another URL: a miss; a file renamed to another URL's key: a miss (the URL inside is checked).
        assert!(matches!(later.get("http://127.0.0.1:9/other.crt", child, false, &limits, now), Err(AiaError::Offline { .. })));
        let other = "http://127.0.0.1:9/other.crt";
        std::fs::copy(dir.path().join(format!("{}.pem", key_of(url))), dir.path().join(format!("{}.pem", key_of(other)))).unwrap();
        assert!(matches!(later.get(other, child, false, &limits, now), Err(AiaError::Offline { .. })));
        // Not the issuer of the certificate asking: a miss.
        let stranger = &crate::trust::profile("neac").unwrap()[0];
        assert!(matches!(
            IssuerCache::new(Some(dir.path().to_path_buf())).get(url, stranger, false, &limits, now),
            Err(AiaError::Offline { .. })
        ));
        // Garbage: a miss.
        std::fs::write(dir.path().join(format!("{}.pem", key_of(url))), b"# url: http://127.0.0.1:9/ca.crt\nrubbish").unwrap();
        assert!(matches!(
            IssuerCache::new(Some(dir.path().to_path_buf())).get(url, child, false, &limits, now),
            Err(AiaError::Offline { .. })
        ));
    }

    #[test]
    fn keys_differ_by_url() {
        assert_ne!(key_of("http://a/x.crt"), key_of("http://a/y.crt"));
        assert_eq!(key_of("http://a/x.crt").len(), 64);
    }
}
