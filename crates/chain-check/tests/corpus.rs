//! Real-world material: the certificates, OCSP responses and CRLs inside the CMS
//! signatures of the signed PDFs in `../shared/corpus` (other signing software, other
//! countries' PKIs). Everything must parse without panicking, every issuer→subject
//! certificate signature must verify, and real OCSP responses and CRLs must verify.

#[path = "../../../tests/support/skip.rs"]
mod skip;

use std::path::{Path, PathBuf};

use chain_check::article31::{self, Purpose};
use chain_check::article32::PathBuilder;
use chain_check::revocation::{crl, ocsp, Finding};
use chain_check::{cert, sigalg, Certificate, TrustStore};
use der::{Decode, Encode, Header, Reader, SliceReader, Tag};
use time::{Duration, OffsetDateTime};

/// `../shared/corpus`, or `None` (the skip recorded; a failure under CI) when it is absent.
fn corpus_dir(test: &str) -> Option<PathBuf> {
    Some(skip::shared_or_skip(test)?.join("corpus"))
}

fn pdfs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["dss-signed", "pyhanko"] {
        if let Ok(rd) = std::fs::read_dir(dir.join(sub)) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "pdf") {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = s.iter().copied().filter(|c| !c.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits.chunks(2).map(|c| u8::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok()).collect()
}

/// The DER CMS blobs in `/Contents <hex>` of a PDF.
fn cms_blobs(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let key = b"/Contents";
    let mut i = 0;
    while let Some(p) = pdf[i..].windows(key.len()).position(|w| w == key) {
        let mut j = i + p + key.len();
        while j < pdf.len() && pdf[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < pdf.len() && pdf[j] == b'<' && pdf.get(j + 1) != Some(&b'<') {
            if let Some(end) = pdf[j..].iter().position(|&c| c == b'>') {
                if let Some(bytes) = unhex(&pdf[j + 1..j + end]) {
                    if bytes.len() > 100 && bytes[0] == 0x30 {
                        out.push(bytes);
                    }
                }
            }
        }
        i = j.max(i + p + 1);
    }
    out
}

#[derive(Default)]
struct Found {
    certs: Vec<Certificate>,
    raw: Vec<Vec<u8>>,
    ocsp: Vec<Vec<u8>>,
    crls: Vec<Vec<u8>>,
}

/// Walk every TLV (recursing into constructed values and into OCTET STRINGs that hold
/// DER) and keep whatever decodes as a certificate, an OCSPResponse or a CRL.
fn walk(bytes: &[u8], found: &mut Found, depth: usize) {
    if depth > 40 {
        return;
    }
    let mut rest = bytes;
    while !rest.is_empty() {
        let Ok(mut r) = SliceReader::new(rest) else {
            return;
        };
        let Ok(h) = Header::decode(&mut r) else {
            return;
        };
        let hl = u32::from(r.position()) as usize;
        let Ok(vl) = usize::try_from(h.length) else {
            return;
        };
        let Some(tlv) = rest.get(..hl + vl) else {
            return;
        };
        let value = &tlv[hl..];
        if h.tag == Tag::Sequence {
            if let Ok(c) = Certificate::from_der(tlv) {
                if !found.certs.contains(&c) {
                    found.certs.push(c);
                    found.raw.push(tlv.to_vec());
                }
            } else if x509_ocsp::OcspResponse::from_der(tlv).is_ok() {
                if ocsp::parse_response(tlv).is_ok() && !found.ocsp.iter().any(|o| o == tlv) {
                    found.ocsp.push(tlv.to_vec());
                }
            } else if x509_cert::crl::CertificateList::from_der(tlv).is_ok() && !found.crls.iter().any(|o| o == tlv) {
                found.crls.push(tlv.to_vec());
            }
        }
        if h.tag.is_constructed() || h.tag == Tag::OctetString {
            walk(value, found, depth + 1);
        }
        rest = &rest[hl + vl..];
    }
}

fn collect(test: &str) -> Option<(usize, Found)> {
    let dir = corpus_dir(test)?;
    let mut found = Found::default();
    let mut blobs = 0;
    for pdf in pdfs(&dir) {
        let bytes = std::fs::read(&pdf).unwrap();
        for blob in cms_blobs(&bytes) {
            blobs += 1;
            let _ = cert::certs_from_pkcs7(&blob); // must not panic
            let _ = cert::parse_certificates(&blob);
            walk(&blob, &mut found, 0);
        }
    }
    Some((blobs, found))
}

fn issuer_pairs(certs: &[Certificate]) -> Vec<(&Certificate, &Certificate)> {
    let mut out = Vec::new();
    for c in certs {
        for i in certs {
            if cert::names_match(&c.tbs_certificate.issuer, &i.tbs_certificate.subject)
                && match (cert::authority_key_id(c), cert::subject_key_id(i)) {
                    (Some(a), Some(s)) => a == s,
                    _ => cert::same_key(c, i) || !cert::is_self_issued(c),
                }
            {
                out.push((c, i));
            }
        }
    }
    out
}

#[test]
fn real_signatures_certificates_ocsp_and_crls() {
    let Some((blobs, found)) = collect("real_signatures_certificates_ocsp_and_crls") else { return };
    eprintln!("{blobs} CMS blobs: {} certificates, {} OCSP responses, {} CRLs", found.certs.len(), found.ocsp.len(), found.crls.len());
    assert!(blobs >= 20, "{blobs}");
    assert!(found.certs.len() >= 20);

    // Every accessor on every real certificate: no panic.
    let now = OffsetDateTime::now_utc();
    let mut algs = std::collections::BTreeSet::new();
    for c in &found.certs {
        let _ = (cert::subject(c), cert::issuer(c), cert::common_name(c), cert::serial_hex(c));
        let _ = (cert::key_usage(c), cert::extended_key_usages(c), cert::policy_oids(c));
        let _ = (cert::ocsp_urls(c), cert::crl_urls(c), cert::ca_issuer_urls(c));
        let _ = cert::sha256_fingerprint_hex(c).unwrap();
        for p in [Purpose::DocumentSigning, Purpose::CertificateAuthority, Purpose::OcspSigning, Purpose::Timestamping] {
            let _ = article31::check(c, now, p);
        }
        algs.insert(format!(
            "{} / {}",
            sigalg::alg_name(&c.signature_algorithm.oid),
            sigalg::key_info(&c.tbs_certificate.subject_public_key_info).map(|k| k.to_string()).unwrap_or_else(|e| e.to_string())
        ));
    }
    eprintln!("signature algorithm / subject key: {algs:#?}");

    // x509-cert re-encodes every real certificate to the exact bytes it was read from, so
    // verifying over the re-encoded TBSCertificate is verifying over the signed bytes.
    for (c, raw) in found.certs.iter().zip(&found.raw) {
        assert_eq!(&c.to_der().unwrap(), raw, "{}", cert::subject(c));
    }

    // Every certificate whose issuer is among them is verified by (one of) its issuer(s);
    // the only exceptions are algorithms this crate does not support (MD5, Ed448).
    let pairs = issuer_pairs(&found.certs);
    let mut verified = 0;
    let mut failures = Vec::new();
    for c in &found.certs {
        let candidates: Vec<_> = pairs.iter().filter(|(x, _)| x == &c).collect();
        if candidates.is_empty() {
            continue;
        }
        let results: Vec<_> = candidates.iter().map(|(_, i)| cert::verify_issued_by(c, i)).collect();
        if results.iter().any(|r| r.is_ok()) {
            verified += 1;
        } else if !results.iter().all(|r| matches!(r, Err(sigalg::SignatureError::UnsupportedAlgorithm { .. }))) {
            failures.push(format!("{}: {results:?}", cert::subject(c)));
        }
    }
    eprintln!("{verified} certificates verified by their issuer");
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(verified >= 15, "{verified}");

    // Paths: every certificate to a self-signed root found in the corpus, at a time when
    // the certificate was valid.
    let mut trust = TrustStore::new();
    trust.add(found.certs.iter().filter(|c| cert::is_self_signed(c)).cloned());
    let builder = PathBuilder::new(&trust).with_intermediates(found.certs.clone());
    let mut built = 0;
    for c in &found.certs {
        let at = cert::not_before(c) + Duration::hours(1);
        match builder.build(c, at) {
            Ok(path) => {
                built += 1;
                assert!(path.certs.len() <= 9);
            }
            Err(e) => eprintln!("no path for {}: {e}", cert::subject(c)),
        }
    }
    eprintln!("{built} paths built to corpus roots");
    assert!(built >= 5, "{built}");

    // OCSP responses: each one that is about a certificate we have must verify.
    let mut ocsp_ok = 0;
    for der in &found.ocsp {
        let (basic, _) = ocsp::parse_response(der).unwrap();
        let this_update = basic
            .tbs_response_data
            .responses
            .first()
            .map(|s| OffsetDateTime::from_unix_timestamp(s.this_update.0.to_unix_duration().as_secs() as i64).unwrap())
            .unwrap();
        let mut matched = false;
        for (c, i) in &pairs {
            if !basic.tbs_response_data.responses.iter().any(|s| s.cert_id.serial_number == c.tbs_certificate.serial_number) {
                continue;
            }
            match ocsp::evaluate(der, c, i, this_update, now) {
                Ok(Finding::Good { .. } | Finding::Revoked { .. }) => {
                    matched = true;
                    ocsp_ok += 1;
                }
                Err(e) if e.to_string().contains("CertID") => {}
                Err(e) => panic!("real OCSP response for {} rejected: {e}", cert::subject(c)),
            }
        }
        if !matched {
            eprintln!("OCSP response about a certificate not in the corpus");
        }
    }
    eprintln!("{ocsp_ok} real OCSP responses verified");
    assert!(found.ocsp.is_empty() || ocsp_ok > 0);

    // CRLs: verified against their issuer for a certificate of that issuer.
    let mut crl_ok = 0;
    for der in &found.crls {
        let list = crl::parse(der).unwrap();
        let this_update = OffsetDateTime::from_unix_timestamp(list.tbs_cert_list.this_update.to_unix_duration().as_secs() as i64).unwrap();
        for (c, i) in &pairs {
            if !cert::names_match(&c.tbs_certificate.issuer, &list.tbs_cert_list.issuer) || cert::not_after(c) < this_update {
                continue;
            }
            match crl::evaluate(der, c, i, this_update, now) {
                Ok(_) => crl_ok += 1,
                Err(e) => panic!("real CRL of {} rejected for {}: {e}", cert::issuer(c), cert::subject(c)),
            }
            break;
        }
    }
    eprintln!("{crl_ok} real CRLs verified");
    assert!(found.crls.is_empty() || crl_ok > 0);
}

#[test]
fn mutated_real_certificates_never_panic() {
    let Some((_, found)) = collect("mutated_real_certificates_never_panic") else { return };
    let sample: Vec<Vec<u8>> = found.certs.iter().take(6).map(|c| c.to_der().unwrap()).collect();
    let trust = TrustStore::from_profiles(&["vgca", "neac"]).unwrap();
    let now = OffsetDateTime::now_utc();
    let mut parsed = 0;
    for der in &sample {
        for pos in (0..der.len()).step_by(3) {
            for variant in 0..3 {
                let mut m = der.clone();
                match variant {
                    0 => m[pos] ^= 0xff,
                    1 => m.truncate(pos),
                    _ => m[pos] = 0x80,
                }
                if let Ok(certs) = cert::parse_certificates(&m) {
                    parsed += 1;
                    for c in certs {
                        let _ = article31::check(&c, now, Purpose::DocumentSigning);
                        let _ = PathBuilder::new(&trust).with_intermediates(found.certs.clone()).build(&c, now);
                        let _ = cert::subject(&c);
                    }
                }
            }
        }
    }
    eprintln!("{parsed} mutants still parsed");
}
