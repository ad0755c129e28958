//! The test PKI's keys: one algorithm per certificate name, optionally cached on disk
//! (RSA key generation dominates a run), generated on a few threads.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use rcgen::{KeyPair, RsaKeySize, SignatureAlgorithm};

use crate::error::{Context, Error, Result};
use crate::files::write_secret;

/// Key algorithms used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    EcP256,
    EcP384,
}

impl KeyKind {
    fn tag(self) -> &'static str {
        match self {
            KeyKind::Rsa2048 => "rsa2048",
            KeyKind::Rsa3072 => "rsa3072",
            KeyKind::Rsa4096 => "rsa4096",
            KeyKind::EcP256 => "ecp256",
            KeyKind::EcP384 => "ecp384",
        }
    }

    pub(crate) fn alg(self) -> &'static SignatureAlgorithm {
        match self {
            KeyKind::Rsa2048 | KeyKind::Rsa3072 | KeyKind::Rsa4096 => &rcgen::PKCS_RSA_SHA256,
            KeyKind::EcP256 => &rcgen::PKCS_ECDSA_P256_SHA256,
            KeyKind::EcP384 => &rcgen::PKCS_ECDSA_P384_SHA384,
        }
    }

    fn generate(self) -> Result<KeyPair> {
        let key = match self {
            KeyKind::Rsa2048 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_2048),
            KeyKind::Rsa3072 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_3072),
            KeyKind::Rsa4096 => KeyPair::generate_rsa_for(self.alg(), RsaKeySize::_4096),
            KeyKind::EcP256 | KeyKind::EcP384 => KeyPair::generate_for(self.alg()),
        };
        key.with_context(|| format!("generating a {} key", self.tag()))
    }
}

pub(crate) fn key_kind(name: &str) -> KeyKind {
    match name {
        "root" => KeyKind::Rsa3072,
        "personal-ec256" => KeyKind::EcP256,
        "personal-ec384" => KeyKind::EcP384,
        "personal-rsa4096" => KeyKind::Rsa4096,
        _ => KeyKind::Rsa2048,
    }
}

/// Loads `name`'s key from the cache, or generates it (and stores it in the cache).
pub(crate) fn obtain_key(name: &str, cache: Option<&Path>) -> Result<KeyPair> {
    let kind = key_kind(name);
    let Some(cache) = cache else {
        return kind.generate();
    };
    let path = cache.join(format!("{name}.{}.key.pem", kind.tag()));
    if let Ok(pem) = fs::read_to_string(&path) {
        // A damaged cache entry is not an error: it is replaced below.
        if let Ok(key) = KeyPair::from_pkcs8_pem_and_sign_algo(&pem, kind.alg()) {
            return Ok(key);
        }
    }
    let key = kind.generate()?;
    fs::create_dir_all(cache).with_context(|| format!("creating key cache {}", cache.display()))?;
    // Write to a unique temporary name, then rename: concurrent test processes may
    // fill the same cache, and a reader must never see half a file.
    let tmp = cache.join(format!(".{name}.{}.{}.tmp", kind.tag(), std::process::id()));
    write_secret(&tmp, key.serialize_pem().as_bytes())?;
    fs::rename(&tmp, &path).with_context(|| format!("storing {}", path.display()))?;
    Ok(key)
}

/// All keys, generated two at a time (RSA key generation dominates the run time).
pub(crate) fn obtain_keys(names: &[&str], cache: Option<&Path>) -> Result<BTreeMap<String, KeyPair>> {
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
    // Biggest keys first so that the slow ones do not end up last on one thread.
    let mut order: Vec<&str> = names.to_vec();
    order.sort_by_key(|n| match key_kind(n) {
        KeyKind::Rsa4096 => 0,
        KeyKind::Rsa3072 => 1,
        KeyKind::Rsa2048 => 2,
        KeyKind::EcP384 | KeyKind::EcP256 => 3,
    });
    let mut lanes: Vec<Vec<&str>> = vec![Vec::new(); workers];
    for (i, name) in order.into_iter().enumerate() {
        lanes[i % workers].push(name);
    }
    let results: Vec<Result<Vec<(String, KeyPair)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .iter()
            .map(|lane| {
                scope.spawn(move || lane.iter().map(|name| Ok(((*name).to_owned(), obtain_key(name, cache)?))).collect::<Result<Vec<_>>>())
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Error::msg("key generation thread panicked")))).collect()
    });
    let mut keys = BTreeMap::new();
    for lane in results {
        keys.extend(lane?);
    }
    Ok(keys)
}
