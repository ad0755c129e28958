//! Certificates, certification paths and revocation for vbdt (Decree 68/2024/NĐ-CP
//! Điều 29 pre-checks when signing, Điều 31 and 32 when verifying).
//!
//! Module map (one rule per module, named after the decree's steps):
//! - [`digest`], [`sigalg`]: primitives, all through aws-lc-rs;
//! - [`cert`]: loading certificates and reading their fields;
//! - [`article31`]: Điều 31.1.a (validity period) and 31.1.b (scope of use) on one certificate;
//! - [`article32`]: Điều 32, building and checking the certification path;
//! - [`revocation`]: Điều 31.1.c / 31.2, status by OCSP or CRL;
//! - [`trust`]: the built-in trust profiles (`vgca`, `neac`);
//! - [`http`]: a bounded HTTP client for OCSP, CRL and issuer fetching;
//! - [`aia`]: issuer certificates named by AIA caIssuers, fetched once and kept on disk.

pub mod aia;
pub mod article31;
pub mod article32;
pub mod cert;
mod der_util;
pub mod digest;
pub mod http;
pub mod oids;
pub mod revocation;
pub mod sigalg;
pub mod trust;

pub use aia::{IssuerCache, Origin};
pub use article31::{CertProblem, Purpose};
pub use article32::{Budget, CertPath, PathBuilder, PathError};
pub use cert::{CertError, Certificate};
pub use digest::{DigestAlg, Hasher};
pub use http::{HttpError, HttpLimits};
pub use revocation::fetched::FetchCache;
pub use revocation::{EvidenceProblem, FetchProblem, RevocationError, RevocationSources, RevocationStatus, Source, TimeKind, Unchecked};
pub use sigalg::SignatureError;
pub use trust::{TrustError, TrustStore};
