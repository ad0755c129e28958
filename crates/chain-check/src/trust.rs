//! Trust anchors: the built-in profiles and user-supplied certificates.
//!
//! Profiles (certificates embedded from `crates/chain-check/trust/`, pinned by SHA-256 in
//! `trust/MANIFEST.tsv` and a test):
//! - `vgca`: the government official-duty PKI of Ban Cơ yếu Chính phủ, both generations —
//!   the two roots *and* their issuing CAs. The issuing CAs are included because the
//!   government's own signing software embeds only the signer certificate, so the
//!   intermediates must come from the trust store.
//! - `neac`: the MIC National Root CA (root of the licensed public CAs).
//!
//! Every certificate in a [`TrustStore`] is trusted as an anchor: a path may end at an
//! issuing CA from the store. [`crate::article32::PathBuilder`] still extends such a path
//! up to a root in the store when it can.

use x509_cert::Certificate;

use crate::cert::{self, CertError};

/// One certificate compiled into the binary.
#[derive(Debug, Clone, Copy)]
pub struct EmbeddedCert {
    /// Profile name ("vgca" or "neac").
    pub profile: &'static str,
    /// Path below `crates/chain-check/trust/`, as in MANIFEST.tsv.
    pub file: &'static str,
    /// PEM bytes.
    pub pem: &'static [u8],
}

macro_rules! embedded {
    ($profile:literal, $file:literal) => {
        EmbeddedCert { profile: $profile, file: $file, pem: include_bytes!(concat!("../trust/", $file)) }
    };
}

const EMBEDDED: &[EmbeddedCert] = &[
    embedded!("vgca", "vgca/g1-root.pem"),
    embedded!("vgca", "vgca/g1-chinh-phu.pem"),
    embedded!("vgca", "vgca/g1-bo-cong-an.pem"),
    embedded!("vgca", "vgca/g1-bo-ngoai-giao.pem"),
    embedded!("vgca", "vgca/g1-bo-tai-chinh.pem"),
    embedded!("vgca", "vgca/g1-dang-cong-san.pem"),
    embedded!("vgca", "vgca/g2-root.pem"),
    embedded!("vgca", "vgca/g2-co-quan-nha-nuoc.pem"),
    embedded!("vgca", "vgca/g2-co-quan-dang.pem"),
    embedded!("neac", "neac/mic-national-root.pem"),
];

/// Names of the built-in profiles.
pub const PROFILE_NAMES: &[&str] = &["vgca", "neac"];

/// The manifest shipped with the embedded certificates (file, role, subject, …, sha256).
pub const MANIFEST_TSV: &str = include_str!("../trust/MANIFEST.tsv");

/// Every embedded certificate, for listings and pin tests.
pub fn embedded() -> &'static [EmbeddedCert] {
    EMBEDDED
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    #[error("unknown trust profile \"{name}\" (known: vgca, neac)")]
    UnknownProfile { name: String },
    #[error("embedded trust certificate {file} is unreadable: {source}")]
    Embedded {
        file: &'static str,
        #[source]
        source: CertError,
    },
}

/// The certificates of a built-in profile.
pub fn profile(name: &str) -> Result<Vec<Certificate>, TrustError> {
    let name = name.trim().to_ascii_lowercase();
    if !PROFILE_NAMES.contains(&name.as_str()) {
        return Err(TrustError::UnknownProfile { name });
    }
    let mut out = Vec::new();
    for e in EMBEDDED.iter().filter(|e| e.profile == name) {
        let certs = cert::parse_certificates(e.pem).map_err(|source| TrustError::Embedded { file: e.file, source })?;
        out.extend(certs);
    }
    Ok(out)
}

/// A set of trusted certificates.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
}

impl TrustStore {
    /// An empty store.
    pub fn new() -> Self {
        TrustStore::default()
    }

    /// A store holding one built-in profile.
    pub fn from_profile(name: &str) -> Result<Self, TrustError> {
        let mut s = TrustStore::new();
        s.add_profile(name)?;
        Ok(s)
    }

    /// A store holding several built-in profiles.
    pub fn from_profiles<S: AsRef<str>>(names: &[S]) -> Result<Self, TrustError> {
        let mut s = TrustStore::new();
        for n in names {
            s.add_profile(n.as_ref())?;
        }
        Ok(s)
    }

    /// Add a built-in profile.
    pub fn add_profile(&mut self, name: &str) -> Result<(), TrustError> {
        self.add(profile(name)?);
        Ok(())
    }

    /// Add certificates (duplicates are ignored).
    pub fn add(&mut self, certs: impl IntoIterator<Item = Certificate>) {
        for c in certs {
            if !self.anchors.contains(&c) {
                self.anchors.push(c);
            }
        }
    }

    /// The trusted certificates.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// `c` is in the store (exact certificate, not just the same name or key).
    pub fn contains(&self, c: &Certificate) -> bool {
        self.anchors.contains(c)
    }

    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}
