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
    pub const ALL: [DigestAlg; 4] = [DigestAlg::Sha1, DigestAlg::Sha256, DigestAlg::Sha384, DigestAlg::Sha512];

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
        AlgorithmIdentifierOwned { oid: self.oid(), parameters: None }
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
        Hasher { alg, ctx: lc::Context::new(alg.lc_algorithm()) }
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

/// Digests of several byte ranges of one input, computed in one pass over it.
///
/// A PDF with N signatures has N byte ranges that all start at byte 0 and differ only in
/// where they end (each signature covers its own revision, minus its `/Contents` hole).
/// Hashing each range separately reads the file N times; here one running hasher per
/// algorithm reads the shared prefix once and is cloned where each range's first piece
/// ends, so verifying N signatures costs one pass plus the short pieces after each hole.
#[derive(Debug, Default)]
pub struct MultiDigest {
    jobs: Vec<Job>,
    running: Vec<Running>,
}

#[derive(Debug)]
struct Job {
    alg: DigestAlg,
    pieces: Vec<std::ops::Range<usize>>,
    /// The first piece starts at 0 and is taken from the running hasher.
    shares_prefix: bool,
    hasher: Option<Hasher>,
}

#[derive(Debug)]
struct Running {
    hasher: Hasher,
    pos: usize,
    /// Where jobs take a copy, ascending (job index, position).
    takes: Vec<(usize, usize)>,
}

impl MultiDigest {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for the digest of the concatenation of `pieces` (ascending, not overlapping);
    /// returns the index under which [`MultiDigest::finish`] gives it.
    pub fn request(&mut self, alg: DigestAlg, pieces: &[std::ops::Range<usize>]) -> usize {
        let mut sorted: Vec<_> = pieces.iter().filter(|r| !r.is_empty()).cloned().collect();
        sorted.sort_by_key(|r| r.start);
        let shares_prefix = sorted.first().is_some_and(|r| r.start == 0);
        let index = self.jobs.len();
        if shares_prefix {
            let end = sorted[0].end;
            let running = match self.running.iter_mut().position(|r| r.hasher.alg() == alg) {
                Some(i) => &mut self.running[i],
                None => {
                    self.running.push(Running { hasher: alg.hasher(), pos: 0, takes: Vec::new() });
                    let last = self.running.len() - 1;
                    &mut self.running[last]
                }
            };
            running.takes.push((index, end));
            running.takes.sort_by_key(|t| t.1);
        }
        let hasher = if shares_prefix { None } else { Some(alg.hasher()) };
        self.jobs.push(Job { alg, pieces: sorted, shares_prefix, hasher });
        index
    }

    /// Feeds the input's bytes at `offset`; calls must come in order, without gaps.
    pub fn update(&mut self, offset: usize, chunk: &[u8]) {
        let end = offset + chunk.len();
        for r in &mut self.running {
            let needed = r.takes.last().map_or(0, |t| t.1);
            loop {
                for (job, _) in r.takes.iter().filter(|t| t.1 == r.pos) {
                    if self.jobs[*job].hasher.is_none() {
                        self.jobs[*job].hasher = Some(r.hasher.clone());
                    }
                }
                if r.pos >= end || r.pos >= needed {
                    break;
                }
                // Up to the next copy point, or the chunk's end.
                let next = r.takes.iter().map(|t| t.1).find(|&p| p > r.pos).unwrap_or(needed);
                let stop = next.min(end);
                r.hasher.update(&chunk[r.pos - offset..stop - offset]);
                r.pos = stop;
            }
        }
        for job in &mut self.jobs {
            let Some(h) = job.hasher.as_mut() else { continue };
            let skip = usize::from(job.shares_prefix);
            for piece in job.pieces.iter().skip(skip) {
                let from = piece.start.max(offset);
                let to = piece.end.min(end);
                if from < to {
                    h.update(&chunk[from - offset..to - offset]);
                }
            }
        }
    }

    /// The digests, in request order (`None` for a range the input did not reach).
    pub fn finish(self, input_len: usize) -> Vec<Option<Vec<u8>>> {
        self.jobs
            .into_iter()
            .map(|j| {
                let reached = j.pieces.iter().all(|p| p.end <= input_len);
                match (reached, j.hasher) {
                    (true, Some(h)) => Some(h.finish()),
                    (true, None) => Some(j.alg.digest(b"")),
                    _ => None,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(hex::encode(DigestAlg::Sha1.digest(b"abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex::encode(DigestAlg::Sha256.digest(b"abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
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

    /// Every way of cutting the input into chunks gives the one-shot digests.
    #[test]
    #[allow(clippy::single_range_in_vec_init)] // one-piece requests are meant
    fn multi_digest_equals_one_shot() {
        let data: Vec<u8> = (0..10_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        let requests: Vec<(DigestAlg, Vec<std::ops::Range<usize>>)> = vec![
            (DigestAlg::Sha256, vec![0..10_000]),
            (DigestAlg::Sha256, vec![0..3_000, 3_500..4_000]),
            (DigestAlg::Sha256, vec![0..6_000, 6_100..8_000]),
            (DigestAlg::Sha384, vec![0..6_000, 6_100..8_000]),
            (DigestAlg::Sha256, vec![100..200, 300..9_999]),
            (DigestAlg::Sha1, vec![0..0, 5..6]),
            (DigestAlg::Sha256, vec![0..4_000]),
            (DigestAlg::Sha512, vec![0..10_001]),
        ];
        for chunk in [1, 7, 499, 500, 4_096, 10_000] {
            let mut m = MultiDigest::new();
            for (alg, pieces) in &requests {
                m.request(*alg, pieces);
            }
            for (i, c) in data.chunks(chunk).enumerate() {
                m.update(i * chunk, c);
            }
            let got = m.finish(data.len());
            for ((alg, pieces), got) in requests.iter().zip(got) {
                if pieces.iter().any(|p| p.end > data.len()) {
                    assert_eq!(got, None);
                    continue;
                }
                let joined: Vec<u8> = pieces.iter().flat_map(|p| data[p.clone()].iter().copied()).collect();
                assert_eq!(got, Some(alg.digest(&joined)), "{alg} {pieces:?} chunk {chunk}");
            }
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
