//! One pass over the file for every digest verification needs: the file's SHA-256 (for the
//! report) and, for each signature and document timestamp, its byte range under each
//! algorithm its CMS or token names. Signatures share the running hash of the file's
//! prefix (see [`chain_check::digest::MultiDigest`]), so N signatures cost one pass.

use chain_check::digest::MultiDigest;
use chain_check::DigestAlg;
use pdf_raw::{Input, RawPdf};

use crate::dieu30;
use crate::signatures::{FoundSignature, SignatureKind};
use crate::timestamps;

/// Digests already computed for one signature, by algorithm.
pub(crate) type Known = Vec<(DigestAlg, Vec<u8>)>;

/// The file's SHA-256 and, per found signature, the digests of its byte range.
pub(crate) fn compute(input: &Input, raw: &RawPdf, found: &[FoundSignature]) -> std::io::Result<(Vec<u8>, Vec<Known>)> {
    let mut md = MultiDigest::new();
    let whole = 0..input.len();
    let file = md.request(DigestAlg::Sha256, std::slice::from_ref(&whole));
    let mut wanted: Vec<(usize, DigestAlg, usize)> = Vec::new();
    for (i, sig) in found.iter().enumerate() {
        let (_, Some(cov)) = dieu30::check_byte_range(sig, raw, input.len()) else { continue };
        let [(a, al), (b, bl)] = cov.ranges;
        let (Some(a_end), Some(b_end)) = (a.checked_add(al), b.checked_add(bl)) else { continue };
        if a_end > b || b_end > input.len() {
            continue; // not two ordered pieces inside the file: left to the direct computation
        }
        for alg in algorithms(sig) {
            wanted.push((i, alg, md.request(alg, &[a..a_end, b..b_end])));
        }
    }
    input.for_each_chunk(0..input.len(), |offset, chunk| md.update(offset, chunk))?;
    let mut results = md.finish(input.len());
    let mut known: Vec<Known> = vec![Vec::new(); found.len()];
    for (i, alg, request) in wanted {
        if let Some(d) = results[request].take() {
            known[i].push((alg, d));
        }
    }
    let file_digest = results[file].take().unwrap_or_default();
    Ok((file_digest, known))
}

/// The file's SHA-256 alone (for the report of a file that cannot be verified).
pub(crate) fn file_sha256(input: &Input) -> std::io::Result<Vec<u8>> {
    let mut h = DigestAlg::Sha256.hasher();
    input.for_each_chunk(0..input.len(), |_, c| h.update(c))?;
    Ok(h.finish())
}

/// The digest algorithms a signature's check will ask for.
fn algorithms(sig: &FoundSignature) -> Vec<DigestAlg> {
    let mut out = Vec::new();
    match sig.kind {
        SignatureKind::Signature => {
            if let Ok(sd) = dieu30::parse_cms(sig) {
                out.extend(sd.signers.iter().filter_map(|si| DigestAlg::from_oid(&si.digest_alg.oid)));
            }
            if sig.raw.as_ref().is_ok_and(|rd| rd.sub_filter.as_deref() == Some("adbe.pkcs7.sha1")) {
                out.push(DigestAlg::Sha1);
            }
        }
        SignatureKind::DocumentTimestamp => {
            if let Ok(rd) = &sig.raw {
                out.extend(timestamps::imprint_alg(&rd.contents));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}
