//! Trust anchors: the built-in profiles and user-supplied certificates.
//!
//! Profiles (certificates embedded from `crates/chain-check/trust/`, pinned by SHA-256 in
//! `trust/MANIFEST.tsv` and a test):
//! - `vgca`: the government official-duty PKI of Ban Cơ yếu Chính phủ, both generations —
//!   the two roots *and* their issuing CAs. The issuing CAs are included because the
//!   government's own signing software embeds only the signer certificate, so the
//!   intermediates must come from the trust store.
//! - `neac`: the MIC National Root CA (root of the licensed public CAs) and eight issuing
//!   CAs of earlier generations (VNPT-CA 2009, NEWTEL-CA 2013, BkavCA, FPT-CA, Viettel-CA,
//!   NACENCOMM CA2 2015, SmartSign and SAFE-CA 2017): expired today, but what an archivist
//!   needs for documents signed in those years (their signers embed only themselves).
//!
//! Every anchor carries its [`AnchorInfo`]: the profile it belongs to (which tells an
//! official-duty path, `vgca`, from a public one, `neac`: rules.md V7) and the certificate
//! policies a signer below it must carry (Điều 31.1.b): the government CA's generation 2
//! certifies under 2.16.704.1.1.1.1.1, so a signer under a G2 anchor must carry that
//! policy or one it defines (an OID below it).
//!
//! Every certificate in a [`TrustStore`] is trusted as an anchor: a path may end at an
//! issuing CA from the store. [`crate::article32::PathBuilder`] still extends such a path
//! up to a root in the store when it can.

use const_oid::ObjectIdentifier;
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
    /// Certificate policies (dotted OIDs) a signer below this anchor must carry (one of
    /// them, or an OID below one of them).
    pub policies: &'static [&'static str],
}

macro_rules! embedded {
    ($profile:literal, $file:literal) => {
        embedded!($profile, $file, [])
    };
    ($profile:literal, $file:literal, [$($policy:literal),*]) => {
        EmbeddedCert { profile: $profile, file: $file, pem: include_bytes!(concat!("../trust/", $file)), policies: &[$($policy),*] }
    };
}

/// The government CA's generation 2 certificate policy (its CP, "chính sách chứng thư chữ ký số").
pub const VGCA_G2_POLICY: &str = "2.16.704.1.1.1.1.1";

const EMBEDDED: &[EmbeddedCert] = &[
    embedded!("vgca", "vgca/g1-root.pem"),
    embedded!("vgca", "vgca/g1-chinh-phu.pem"),
    embedded!("vgca", "vgca/g1-bo-cong-an.pem"),
    embedded!("vgca", "vgca/g1-bo-ngoai-giao.pem"),
    embedded!("vgca", "vgca/g1-bo-tai-chinh.pem"),
    embedded!("vgca", "vgca/g1-dang-cong-san.pem"),
    embedded!("vgca", "vgca/g2-root.pem", ["2.16.704.1.1.1.1.1"]),
    embedded!("vgca", "vgca/g2-co-quan-nha-nuoc.pem", ["2.16.704.1.1.1.1.1"]),
    embedded!("vgca", "vgca/g2-co-quan-dang.pem", ["2.16.704.1.1.1.1.1"]),
    embedded!("neac", "neac/mic-national-root.pem"),
    embedded!("neac", "neac/vnpt-ca-2009.pem"),
    embedded!("neac", "neac/newtel-ca-2013.pem"),
    embedded!("neac", "neac/bkav-ca-2015.pem"),
    embedded!("neac", "neac/fpt-ca-2015.pem"),
    embedded!("neac", "neac/viettel-ca-2015.pem"),
    embedded!("neac", "neac/nacencomm-ca2-2015.pem"),
    embedded!("neac", "neac/smartsign-2017.pem"),
    embedded!("neac", "neac/safe-ca-2017.pem"),
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
    #[error("\"{oid}\" is not a certificate policy OID (dotted numbers, e.g. 2.16.704.1.1.1.1.1)")]
    BadPolicy { oid: String },
    #[error("embedded trust certificate {file} is unreadable: {source}")]
    Embedded {
        file: &'static str,
        #[source]
        source: CertError,
    },
}

/// What the store knows about one anchor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnchorInfo {
    /// The built-in profile the anchor belongs to ("vgca", "neac"), or the one a user
    /// file was declared to stand for; None for a plain `--trust` file.
    pub profile: Option<String>,
    /// Policies a signer below this anchor must carry (one of them, or an OID below one).
    pub required_policies: Vec<ObjectIdentifier>,
}

/// A dotted OID for [`AnchorInfo::required_policies`].
pub fn parse_policy(oid: &str) -> Result<ObjectIdentifier, TrustError> {
    ObjectIdentifier::new(oid.trim()).map_err(|_| TrustError::BadPolicy { oid: oid.to_string() })
}

fn check_name(name: &str) -> Result<String, TrustError> {
    let name = name.trim().to_ascii_lowercase();
    if !PROFILE_NAMES.contains(&name.as_str()) {
        return Err(TrustError::UnknownProfile { name });
    }
    Ok(name)
}

/// The certificates of a built-in profile.
pub fn profile(name: &str) -> Result<Vec<Certificate>, TrustError> {
    Ok(profile_with_info(name)?.into_iter().map(|(c, _)| c).collect())
}

/// The certificates of a built-in profile with what the store keeps about each.
pub fn profile_with_info(name: &str) -> Result<Vec<(Certificate, AnchorInfo)>, TrustError> {
    let name = check_name(name)?;
    let mut out = Vec::new();
    for e in EMBEDDED.iter().filter(|e| e.profile == name) {
        let certs = cert::parse_certificates(e.pem).map_err(|source| TrustError::Embedded { file: e.file, source })?;
        let required_policies = e.policies.iter().map(|p| parse_policy(p)).collect::<Result<Vec<_>, _>>()?;
        let info = AnchorInfo { profile: Some(name.clone()), required_policies };
        out.extend(certs.into_iter().map(|c| (c, info.clone())));
    }
    Ok(out)
}

/// A set of trusted certificates.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<Certificate>,
    /// Parallel to `anchors`.
    info: Vec<AnchorInfo>,
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
        for (c, info) in profile_with_info(name)? {
            self.add_with_info([c], info);
        }
        Ok(())
    }

    /// Add certificates (duplicates are ignored), with no profile and no policy requirement.
    pub fn add(&mut self, certs: impl IntoIterator<Item = Certificate>) {
        self.add_with_info(certs, AnchorInfo::default());
    }

    /// Add certificates standing for built-in profile `profile` (a test PKI shaped like
    /// the real one) and requiring `policies` of signers below them. A certificate already
    /// in the store takes this information.
    pub fn add_as(
        &mut self,
        certs: impl IntoIterator<Item = Certificate>,
        profile: Option<&str>,
        policies: Vec<ObjectIdentifier>,
    ) -> Result<(), TrustError> {
        let profile = profile.map(check_name).transpose()?;
        self.add_with_info(certs, AnchorInfo { profile, required_policies: policies });
        Ok(())
    }

    fn add_with_info(&mut self, certs: impl IntoIterator<Item = Certificate>, info: AnchorInfo) {
        for c in certs {
            match self.anchors.iter().position(|a| *a == c) {
                Some(i) if info != AnchorInfo::default() => {
                    if let Some(slot) = self.info.get_mut(i) {
                        *slot = info.clone();
                    }
                }
                Some(_) => {}
                None => {
                    self.anchors.push(c);
                    self.info.push(info.clone());
                }
            }
        }
    }

    /// The trusted certificates.
    pub fn anchors(&self) -> &[Certificate] {
        &self.anchors
    }

    /// What the store knows about `c` (None when it is not an anchor).
    pub fn info(&self, c: &Certificate) -> Option<&AnchorInfo> {
        self.anchors.iter().position(|a| a == c).and_then(|i| self.info.get(i))
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
