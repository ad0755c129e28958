//! Message digests (SHA-1 and SHA-2), all computed by aws-lc-rs.

use aws_lc_rs::digest as lc;
use const_oid::ObjectIdentifier;
use spki::AlgorithmIdentifierOwned;

use crate::oids;

/// A digest algorithm that may appear in certificates, CRLs, OCSP and CMS.
///
/// SHA-1 is here for *verification* of old material (VGCA G1 CA certificates are
/// sha1WithRSA until 2030, OCSP CertIDs are usually SHA-1); callers decide whether
/// a SHA-1 signature is acceptable in their context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DigestAlg {
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl DigestAlg {
    /// All supported algorithms, weakest first.
    pub const ALL: [DigestAlg; 4] = [
        DigestAlg::Sha1,
        DigestAlg::Sha256,
        DigestAlg::Sha384,
        DigestAlg::Sha512,
    ];

    /// The algorithm's object identifier (e.g. 2.16.840.1.101.3.4.2.1 for SHA-256).
    pub const fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlg::Sha1 => oids::SHA1,
            DigestAlg::Sha256 => oids::SHA256,
            DigestAlg::Sha384 => oids::SHA384,
            DigestAlg::Sha512 => oids::SHA512,
        }
    }

    /// The algorithm for a digest OID, or `None` when it is not supported.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        DigestAlg::ALL.into_iter().find(|alg| alg.oid() == *oid)
    }

    /// Human-readable name: "SHA-1", "SHA-256", "SHA-384", "SHA-512".
    pub const fn name(self) -> &'static str {
        match self {
            DigestAlg::Sha1 => "SHA-1",
            DigestAlg::Sha256 => "SHA-256",
            DigestAlg::Sha384 => "SHA-384",
            DigestAlg::Sha512 => "SHA-512",
        }
    }

    /// Output length in bytes.
    pub const fn output_len(self) -> usize {
        match self {
            DigestAlg::Sha1 => 20,
            DigestAlg::Sha256 => 32,
            DigestAlg::Sha384 => 48,
            DigestAlg::Sha512 => 64,
        }
    }

    /// `AlgorithmIdentifier` with absent parameters (RFC 5754 §2: the preferred encoding).
    pub fn algorithm_identifier(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.oid(),
            parameters: None,
        }
    }

    pub(crate) fn lc_algorithm(self) -> &'static lc::Algorithm {
        match self {
            DigestAlg::Sha1 => &lc::SHA1_FOR_LEGACY_USE_ONLY,
            DigestAlg::Sha256 => &lc::SHA256,
            DigestAlg::Sha384 => &lc::SHA384,
            DigestAlg::Sha512 => &lc::SHA512,
        }
    }

    /// One-shot digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        lc::digest(self.lc_algorithm(), data).as_ref().to_vec()
    }

    /// A new incremental hasher.
    pub fn hasher(self) -> Hasher {
        Hasher::new(self)
    }
}

impl std::fmt::Display for DigestAlg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Incremental digest over data that arrives in pieces (e.g. a PDF byte range).
#[derive(Clone)]
pub struct Hasher {
    alg: DigestAlg,
    ctx: lc::Context,
}

impl Hasher {
    pub fn new(alg: DigestAlg) -> Self {
        Hasher {
            alg,
            ctx: lc::Context::new(alg.lc_algorithm()),
        }
    }

    pub fn alg(&self) -> DigestAlg {
        self.alg
    }

    pub fn update(&mut self, data: &[u8]) {
        self.ctx.update(data);
    }

    pub fn finish(self) -> Vec<u8> {
        self.ctx.finish().as_ref().to_vec()
    }
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").field("alg", &self.alg).finish()
    }
}

/// Lets a `Hasher` be the target of `std::io::copy`.
impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&DigestAlg::Sha1.digest(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&DigestAlg::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(DigestAlg::Sha384.digest(b"abc").len(), 48);
        assert_eq!(DigestAlg::Sha512.digest(b"abc").len(), 64);
    }

    #[test]
    fn incremental_equals_one_shot() {
        for alg in DigestAlg::ALL {
            let mut h = alg.hasher();
            h.update(b"hello ");
            h.update(b"world");
            assert_eq!(h.finish(), alg.digest(b"hello world"), "{alg}");
            assert_eq!(alg.digest(b"").len(), alg.output_len());
        }
    }

    #[test]
    fn oid_round_trip() {
        for alg in DigestAlg::ALL {
            assert_eq!(DigestAlg::from_oid(&alg.oid()), Some(alg));
        }
        assert_eq!(DigestAlg::from_oid(&oids::SHA256_WITH_RSA), None);
    }
}
