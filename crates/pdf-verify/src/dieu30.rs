//! Decree 68/2024/NĐ-CP Điều 30 (rules.md V3, and the PDF part of V5): the signed bytes are
//! the document as it was when signed, the message digest matches them, and the CMS
//! signature verifies with the signer certificate's public key.

use chain_check::{Certificate, DigestAlg, SignatureError};
use der::Encode;
use pdf_raw::RawPdf;

use crate::cms::{self, SignedData, SignerInfo};
use crate::oids;
use crate::signatures::{FoundSignature, SigDictProblem, SignatureKind};
use crate::verdict::{Check, CheckStatus, Msg};

pub const ARTICLE: &str = "Điều 30";

/// Where a signature's byte range lies and which revision it signs.
#[derive(Debug, Clone)]
pub struct Coverage {
    /// The two ranges `(start, len)` as written.
    pub ranges: [(usize, usize); 2],
    /// The revision (0-based) whose end the byte range reaches.
    pub revision: usize,
}

/// The V5 byte-range check: starts at 0, two ranges, the gap is exactly the `/Contents`
/// string, and it ends where its revision ends.
pub fn check_byte_range(sig: &FoundSignature, raw: &RawPdf, file_len: usize) -> (Check, Option<Coverage>) {
    let fail = |m: Msg| (Check::new("byte_range", ARTICLE, CheckStatus::Fail, m), None);
    let rd = match &sig.raw {
        Ok(r) => r,
        Err(e) => {
            return fail(Msg::new(format!("the signature dictionary cannot be used: {e}"), format!("không dùng được từ điển chữ ký: {e}")))
        }
    };
    let Some(br) = &rd.byte_range else {
        let why = rd.byte_range_problem.clone().unwrap_or_else(|| "no /ByteRange".into());
        return fail(Msg::new(format!("byte range unusable: {why}"), format!("/ByteRange không dùng được: {why}")));
    };
    if br.len() != 4 {
        return fail(Msg::new(
            format!("/ByteRange has {} numbers; exactly two ranges (four numbers) are required", br.len()),
            format!("/ByteRange có {} số; phải có đúng hai đoạn (bốn số)", br.len()),
        ));
    }
    let Some(v) = br.iter().map(|&x| usize::try_from(x).ok()).collect::<Option<Vec<usize>>>() else {
        return fail(Msg::new("/ByteRange contains a negative number", "/ByteRange có số âm"));
    };
    let (s1, l1, s2, l2) = (v[0], v[1], v[2], v[3]);
    if s1 != 0 {
        return fail(Msg::new(
            format!("the byte range starts at byte {s1}, not at 0"),
            format!("đoạn được ký bắt đầu ở byte {s1}, không phải byte 0"),
        ));
    }
    if l1 == 0 && l2 == 0 {
        return fail(Msg::new("the byte range is empty (zeroed)", "đoạn được ký rỗng (toàn số 0)"));
    }
    if !rd.contents_is_hex {
        return fail(Msg::new("/Contents is not a hexadecimal string", "/Contents không phải chuỗi thập lục phân"));
    }
    let hole = &rd.contents_span;
    if l1 != hole.start || s2 != hole.end {
        return fail(Msg::new(
            format!("the unsigned gap is bytes {l1}..{s2}, but the /Contents value lies at {}..{}: the byte range does not leave out exactly the signature", hole.start, hole.end),
            format!("khoảng không được ký là byte {l1}..{s2}, nhưng giá trị /Contents nằm ở {}..{}: đoạn được ký không chừa ra đúng chữ ký", hole.start, hole.end),
        ));
    }
    let Some(end) = s2.checked_add(l2).filter(|&e| e <= file_len) else {
        return fail(Msg::new("the byte range runs past the end of the file", "đoạn được ký vượt quá cuối tệp"));
    };
    let Some(rev) = raw.revisions.iter().find(|r| r.end == end || r.eof_marker_end == end) else {
        let ends: Vec<String> = raw.revisions.iter().map(|r| r.end.to_string()).collect();
        return fail(Msg::new(
            format!("the byte range ends at byte {end}, which is not the end of any revision (revisions end at {})", ends.join(", ")),
            format!(
                "đoạn được ký kết thúc ở byte {end}, không trùng điểm kết thúc của phiên bản nào (các phiên bản kết thúc ở {})",
                ends.join(", ")
            ),
        ));
    };
    if let Some(dr) = sig.dict_revision {
        if dr != rev.index {
            return fail(Msg::new(
                format!("the signature dictionary belongs to revision {} but the byte range covers revision {}", dr + 1, rev.index + 1),
                format!("từ điển chữ ký thuộc phiên bản {} nhưng đoạn được ký bao phủ phiên bản {}", dr + 1, rev.index + 1),
            ));
        }
    }
    if rd.dict_span.start < rev.start || rd.dict_span.end > rev.end {
        return fail(Msg::new(
            "the signature dictionary lies outside the revision it signs",
            "từ điển chữ ký nằm ngoài phiên bản mà nó ký",
        ));
    }
    let cov = Coverage { ranges: [(s1, l1), (s2, l2)], revision: rev.index };
    let of = raw.revisions.len();
    (
        Check::new(
            "byte_range",
            ARTICLE,
            CheckStatus::Pass,
            Msg::new(
                format!("bytes 0..{l1} and {s2}..{end} cover revision {} of {of} except exactly the /Contents value", rev.index + 1),
                format!("byte 0..{l1} và {s2}..{end} bao phủ phiên bản {}/{of}, chỉ chừa đúng giá trị /Contents", rev.index + 1),
            ),
        ),
        Some(cov),
    )
}

/// The signed pieces of the file for a coverage.
pub fn pieces<'a>(bytes: &'a [u8], cov: &Coverage) -> [&'a [u8]; 2] {
    let [(a, al), (b, bl)] = cov.ranges;
    // check_byte_range guarantees both ranges lie inside the file; a hand-made Coverage
    // that does not gets empty pieces (and so a digest mismatch), never a panic.
    let piece = |start: usize, len: usize| start.checked_add(len).and_then(|end| bytes.get(start..end)).unwrap_or(&[]);
    [piece(a, al), piece(b, bl)]
}

/// The bytes a signature or timestamp covers, with the digests of them that the file's
/// single hashing pass already computed (see `crate::digests`); others are computed here.
pub struct SignedBytes<'a> {
    pieces: Vec<&'a [u8]>,
    known: Vec<(DigestAlg, Vec<u8>)>,
}

impl<'a> SignedBytes<'a> {
    pub fn new(pieces: &[&'a [u8]]) -> Self {
        SignedBytes { pieces: pieces.to_vec(), known: Vec::new() }
    }

    pub fn with_known(mut self, known: Vec<(DigestAlg, Vec<u8>)>) -> Self {
        self.known = known;
        self
    }

    /// The bytes themselves (for the rare signature without signed attributes).
    pub fn concat(&self) -> Vec<u8> {
        self.pieces.concat()
    }

    pub fn digest(&self, alg: DigestAlg) -> Vec<u8> {
        match self.known.iter().find(|(a, _)| *a == alg) {
            Some((_, d)) => d.clone(),
            None => digest_pieces(alg, &self.pieces),
        }
    }
}

pub fn digest_pieces(alg: DigestAlg, pieces: &[&[u8]]) -> Vec<u8> {
    let mut h = alg.hasher();
    for p in pieces {
        h.update(p);
    }
    h.finish()
}

/// A judgement: status and message.
pub type Judgement = (CheckStatus, Msg);

fn pass(en: impl Into<String>, vi: impl Into<String>) -> Judgement {
    (CheckStatus::Pass, Msg::new(en, vi))
}
fn fail(en: impl Into<String>, vi: impl Into<String>) -> Judgement {
    (CheckStatus::Fail, Msg::new(en, vi))
}
fn indet(en: impl Into<String>, vi: impl Into<String>) -> Judgement {
    (CheckStatus::Indeterminate, Msg::new(en, vi))
}

/// What verifying one SignerInfo found.
#[derive(Debug, Clone)]
pub struct SignerOutcome {
    pub digest: Judgement,
    pub attributes: Judgement,
    pub signature: Judgement,
    pub cert: Option<Certificate>,
    pub digest_alg: Option<DigestAlg>,
    /// SHA-1 was used for the message digest or the signature itself.
    pub sha1: bool,
    pub signing_time_attr: Option<time::OffsetDateTime>,
}

/// When SHA-1 stopped being acceptable for document signatures: NIST SP 800-131A
/// disallows it for signature generation after 2013, and ETSI TS 119 312 lists it as
/// unsuitable for new signatures. A SHA-1 signature is valid only with proof that it
/// existed before this time.
pub const SHA1_SUNSET: time::OffsetDateTime = time::macros::datetime!(2014-01-01 00:00 +07:00);

/// The algorithms of a document signature, as ETSI's cryptographic constraints treat
/// them: the CMS must list the digest algorithm its signer used, and a SHA-1 signature
/// needs proof (a timestamp, a later document timestamp) that it existed before
/// [`SHA1_SUNSET`]; without it the result is indeterminate, never silently valid.
pub fn algorithms(o: &SignerOutcome, sd: &SignedData, si: &SignerInfo, proof: Option<time::OffsetDateTime>) -> Judgement {
    let used = &si.digest_alg.oid;
    if !sd.digest_algorithms.contains(used) {
        let listed: Vec<String> =
            sd.digest_algorithms.iter().map(|a| DigestAlg::from_oid(a).map_or_else(|| a.to_string(), |d| d.to_string())).collect();
        let used = DigestAlg::from_oid(used).map_or_else(|| used.to_string(), |d| d.to_string());
        let listed = if listed.is_empty() { "nothing".to_string() } else { listed.join(", ") };
        return fail(
            format!("the CMS lists {listed} as its digest algorithms, but the signer used {used}"),
            format!("CMS khai thuật toán băm là {listed}, nhưng người ký dùng {used}"),
        );
    }
    let alg = o.digest_alg.map_or_else(|| si.digest_alg.oid.to_string(), |d| d.to_string());
    if !o.sha1 {
        return pass(format!("{alg}, an acceptable algorithm"), format!("{alg}, thuật toán được chấp nhận"));
    }
    let sunset = crate::report::fmt_time(SHA1_SUNSET);
    match proof {
        Some(t) if t < SHA1_SUNSET => {
            let t = crate::report::fmt_time(t);
            pass(
                format!("made with SHA-1, proven to exist at {t}, before SHA-1's sunset for signatures ({sunset})"),
                format!("ký bằng SHA-1, được chứng minh tồn tại lúc {t}, trước thời điểm SHA-1 hết được chấp nhận cho chữ ký ({sunset})"),
            )
        }
        _ => indet(
            format!("made with SHA-1, which is acceptable only for a signature proven to exist before {sunset} (by a timestamp or a later document timestamp); this one has no such proof"),
            format!("ký bằng SHA-1, chỉ được chấp nhận khi chứng minh được chữ ký tồn tại trước {sunset} (bằng dấu thời gian hoặc dấu thời gian tài liệu sau đó); chữ ký này không có bằng chứng như vậy"),
        ),
    }
}

/// What the signer signed: detached pieces of the file, or the encapsulated content.
pub enum Content<'a> {
    Detached(&'a SignedBytes<'a>),
    Encapsulated,
}

/// Verifies one SignerInfo: message digest over the content, signed attributes, and the
/// signature with the signer certificate's key.
pub fn verify_signer(sd: &SignedData, si: &SignerInfo, content: Content<'_>, extra_certs: &[Certificate], cades: bool) -> SignerOutcome {
    let digest_alg = DigestAlg::from_oid(&si.digest_alg.oid);
    let cert = sd.find_signer_cert(si, extra_certs).cloned();
    let sig_alg_digest = chain_check::sigalg::effective_digest(&si.signature_alg, digest_alg);
    let sha1 = digest_alg == Some(DigestAlg::Sha1) || sig_alg_digest == Some(DigestAlg::Sha1);
    let mut out = SignerOutcome {
        digest: indet("not checked", "chưa kiểm tra"),
        attributes: pass("no signed attributes", "không có thuộc tính được ký"),
        signature: indet("not checked", "chưa kiểm tra"),
        cert,
        digest_alg,
        sha1,
        signing_time_attr: None,
    };
    let Some(alg) = digest_alg else {
        let name = si.digest_alg.oid.to_string();
        out.digest = indet(format!("unsupported digest algorithm {name}"), format!("thuật toán băm {name} không được hỗ trợ"));
        out.signature = indet("the digest algorithm is not supported", "thuật toán băm không được hỗ trợ");
        return out;
    };
    let encapsulated = sd.econtent.as_deref();
    let content_digest = match (&content, encapsulated) {
        (Content::Detached(p), _) => p.digest(alg),
        (Content::Encapsulated, Some(e)) => alg.digest(e),
        (Content::Encapsulated, None) => {
            out.digest = fail("the signature has no encapsulated content", "chữ ký không chứa nội dung được bọc");
            out.signature = fail("nothing to verify", "không có gì để kiểm tra");
            return out;
        }
    };

    // Signed attributes: message digest, content type, signing certificate.
    let message: Vec<u8>;
    if let Some(attrs_der) = &si.signed_attrs_der {
        match si.signed_attr(&oids::ATTR_MESSAGE_DIGEST) {
            Some(a) if a.values.len() == 1 && si.signed_attr_count(&oids::ATTR_MESSAGE_DIGEST) == 1 => {
                match cms::octet_string_value(&a.values[0]) {
                    Ok(md) if md == content_digest => {
                        out.digest = pass(
                            format!("the {alg} message digest matches the signed bytes"),
                            format!("giá trị băm {alg} khớp với dữ liệu được ký"),
                        )
                    }
                    Ok(_) => {
                        out.digest = fail(
                            format!("the {alg} message digest does not match the signed bytes"),
                            format!("giá trị băm {alg} không khớp với dữ liệu được ký"),
                        )
                    }
                    Err(e) => {
                        out.digest =
                            fail(format!("malformed message-digest attribute: {e}"), format!("thuộc tính message-digest sai cấu trúc: {e}"))
                    }
                }
            }
            Some(_) => {
                out.digest = fail(
                    "the message-digest attribute occurs more than once or holds several values",
                    "thuộc tính message-digest xuất hiện nhiều lần",
                )
            }
            None => {
                out.digest = fail("the signed attributes lack the message-digest attribute", "các thuộc tính được ký thiếu message-digest")
            }
        }
        out.attributes = check_attributes(sd, si, out.cert.as_ref(), cades);
        if let Some(st) = si.signed_attr(&oids::ATTR_SIGNING_TIME).and_then(|a| a.values.first()) {
            out.signing_time_attr = cms::time_value(st).ok();
        }
        message = attrs_der.clone();
    } else {
        if cades {
            out.attributes = fail("a CAdES signature must have signed attributes", "chữ ký CAdES phải có thuộc tính được ký");
        }
        out.digest = pass(
            format!("no signed attributes: the signature is over the content directly ({alg})"),
            format!("không có thuộc tính được ký: chữ ký trực tiếp trên nội dung ({alg})"),
        );
        message = match (&content, encapsulated) {
            (Content::Detached(p), _) => p.concat(),
            (Content::Encapsulated, Some(e)) => e.to_vec(),
            (Content::Encapsulated, None) => Vec::new(),
        };
    }

    let Some(cert) = &out.cert else {
        out.signature = indet(
            "the signer certificate is not in the signature, the DSS or the given certificates",
            "không tìm thấy chứng thư chữ ký số của người ký trong chữ ký, DSS hay các chứng thư chữ ký số được cung cấp",
        );
        return out;
    };
    let spki = &cert.tbs_certificate.subject_public_key_info;
    out.signature = match chain_check::sigalg::verify_signature(spki, &si.signature_alg, Some(alg), &message, &si.signature) {
        Ok(()) => {
            let name = chain_check::sigalg::alg_name(&si.signature_alg.oid);
            pass(
                format!("the CMS signature ({name}) verifies with the signer certificate's public key"),
                format!("chữ ký CMS ({name}) được xác thực bằng khóa công khai trên chứng thư chữ ký số của người ký"),
            )
        }
        Err(SignatureError::Invalid) => fail(
            "the CMS signature does not verify with the signer certificate's public key",
            "chữ ký CMS không khớp với khóa công khai trên chứng thư chữ ký số của người ký",
        ),
        Err(e) => indet(format!("the signature cannot be checked: {e}"), format!("không kiểm tra được chữ ký: {e}")),
    };
    out
}

fn check_attributes(sd: &SignedData, si: &SignerInfo, cert: Option<&Certificate>, cades: bool) -> Judgement {
    match si.signed_attr(&oids::ATTR_CONTENT_TYPE).and_then(|a| a.values.first()) {
        Some(v) => match cms::oid_value(v) {
            Ok(ct) if ct == sd.econtent_type => {}
            Ok(ct) => {
                return fail(
                    format!("the content-type attribute ({ct}) differs from the signed content's type ({})", sd.econtent_type),
                    format!("thuộc tính content-type ({ct}) khác kiểu nội dung được ký ({})", sd.econtent_type),
                )
            }
            Err(e) => return fail(format!("malformed content-type attribute: {e}"), format!("thuộc tính content-type sai cấu trúc: {e}")),
        },
        None => {
            return fail(
                "the signed attributes lack the content-type attribute (RFC 5652 §11.1)",
                "các thuộc tính được ký thiếu content-type (RFC 5652 §11.1)",
            )
        }
    }
    let v2 = si.signed_attr(&oids::ATTR_SIGNING_CERTIFICATE_V2);
    let v1 = si.signed_attr(&oids::ATTR_SIGNING_CERTIFICATE);
    let (attr, is_v2) = match (v2, v1) {
        (Some(a), _) => (a, true),
        (None, Some(a)) => (a, false),
        (None, None) => {
            return if cades {
                fail("a CAdES signature lacks the signing-certificate attribute", "chữ ký CAdES thiếu thuộc tính signing-certificate")
            } else {
                pass(
                    "content type matches; no signing-certificate attribute (not required for this SubFilter)",
                    "kiểu nội dung khớp; không có thuộc tính signing-certificate (không bắt buộc với SubFilter này)",
                )
            };
        }
    };
    let Some(cert) = cert else {
        return indet(
            "the signing-certificate attribute cannot be checked without the signer certificate",
            "không kiểm tra được thuộc tính signing-certificate khi thiếu chứng thư chữ ký số của người ký",
        );
    };
    let Some(raw) = attr.values.first() else {
        return fail("empty signing-certificate attribute", "thuộc tính signing-certificate rỗng");
    };
    let ids = match cms::ess_cert_ids(raw, is_v2) {
        Ok(ids) => ids,
        Err(e) => {
            return fail(
                format!("malformed signing-certificate attribute: {e}"),
                format!("thuộc tính signing-certificate sai cấu trúc: {e}"),
            )
        }
    };
    let Some(first) = ids.first() else {
        return fail(
            "the signing-certificate attribute names no certificate",
            "thuộc tính signing-certificate không chỉ tới chứng thư chữ ký số nào",
        );
    };
    let Ok(der) = cert.to_der() else {
        return indet("the signer certificate cannot be re-encoded", "không mã hóa lại được chứng thư chữ ký số của người ký");
    };
    match cms::ess_matches(first, &der, cert) {
        Some(true) => pass(
            "content type matches; the signing-certificate attribute names the signer certificate",
            "kiểu nội dung khớp; thuộc tính signing-certificate chỉ đúng chứng thư chữ ký số của người ký",
        ),
        Some(false) => fail(
            "the signing-certificate attribute names another certificate than the one that signed",
            "thuộc tính signing-certificate chỉ tới chứng thư chữ ký số khác với chứng thư chữ ký số đã ký",
        ),
        None => indet(
            format!("the signing-certificate attribute uses an unsupported hash {}", first.hash_alg_oid),
            format!("thuộc tính signing-certificate dùng thuật toán băm không hỗ trợ {}", first.hash_alg_oid),
        ),
    }
}

/// Everything Điều 30 found about one signature.
#[derive(Debug, Clone)]
pub struct Integrity {
    pub byte_range: Check,
    pub coverage: Option<Coverage>,
    pub cms: Result<SignedData, CmsProblem>,
    pub outcome: Option<SignerOutcome>,
}

/// Parses the CMS of a signature and verifies it over its byte range (not for document
/// timestamps, which [`crate::timestamps`] handles).
pub fn verify(
    sig: &FoundSignature,
    bytes: &[u8],
    raw: &RawPdf,
    extra_certs: &[Certificate],
    known: Vec<(DigestAlg, Vec<u8>)>,
) -> Integrity {
    let (byte_range, coverage) = check_byte_range(sig, raw, bytes.len());
    let cms = parse_cms(sig);
    let outcome = match (&cms, &coverage, &sig.raw) {
        (Ok(sd), Some(cov), Ok(rd)) => {
            let signed = SignedBytes::new(&pieces(bytes, cov)).with_known(known);
            Some(verify_pdf_signer(sd, rd.sub_filter.as_deref(), sig.kind, &signed, extra_certs))
        }
        _ => None,
    };
    Integrity { byte_range, coverage, cms, outcome }
}

pub fn parse_cms(sig: &FoundSignature) -> Result<SignedData, CmsProblem> {
    let rd = sig.raw.as_ref().map_err(|e| CmsProblem::SigDict(e.clone()))?;
    if rd.contents.iter().all(|b| *b == 0) {
        return Err(CmsProblem::Empty);
    }
    let der = cms::trim_contents(&rd.contents).map_err(CmsProblem::NotCms)?;
    cms::parse_content_info(der).map_err(CmsProblem::Malformed)
}

/// Why a signature's CMS object cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CmsProblem {
    /// The signature dictionary itself cannot be read.
    #[error(transparent)]
    SigDict(#[from] SigDictProblem),
    #[error("the signature value (/Contents) is empty (all zeros): the field was never signed")]
    Empty,
    #[error("/Contents is not a CMS object: {0}")]
    NotCms(#[source] crate::asn1::Asn1Error),
    #[error("malformed CMS SignedData: {0}")]
    Malformed(#[source] crate::asn1::Asn1Error),
}

impl CmsProblem {
    /// The problem in both languages (the ASN.1 reader's detail in the English only).
    pub fn message(&self) -> Msg {
        let vi = match self {
            CmsProblem::SigDict(p) => p.vi(),
            CmsProblem::Empty => "giá trị chữ ký (/Contents) rỗng (toàn số 0): trường chưa bao giờ được ký".into(),
            CmsProblem::NotCms(_) => "/Contents không phải đối tượng CMS".into(),
            CmsProblem::Malformed(_) => "đối tượng CMS SignedData sai cấu trúc".into(),
        };
        Msg::new(self.to_string(), vi)
    }
}

fn verify_pdf_signer(
    sd: &SignedData,
    sub_filter: Option<&str>,
    kind: SignatureKind,
    p: &SignedBytes<'_>,
    extra: &[Certificate],
) -> SignerOutcome {
    let bail = |j: Judgement| SignerOutcome {
        digest: j.clone(),
        attributes: (CheckStatus::Skipped, Msg::new("not checked", "không kiểm tra")),
        signature: j,
        cert: None,
        digest_alg: None,
        sha1: false,
        signing_time_attr: None,
    };
    let Some(si) = sd.signers.first() else {
        return bail(fail("the CMS object has no SignerInfo", "đối tượng CMS không có SignerInfo"));
    };
    if sd.signers.len() > 1 {
        return bail(fail(
            format!("the CMS object has {} SignerInfos; a PDF signature has exactly one", sd.signers.len()),
            format!("đối tượng CMS có {} SignerInfo; chữ ký PDF chỉ có một", sd.signers.len()),
        ));
    }
    if kind == SignatureKind::DocumentTimestamp {
        return bail(indet("document timestamps are verified as timestamps", "dấu thời gian tài liệu được kiểm tra như dấu thời gian"));
    }
    match sub_filter {
        Some("adbe.pkcs7.detached") | Some("ETSI.CAdES.detached") | None => {
            if sd.econtent.is_some() {
                return bail(fail("a detached signature carries encapsulated content", "chữ ký tách rời lại chứa nội dung được bọc"));
            }
            verify_signer(sd, si, Content::Detached(p), extra, sub_filter == Some("ETSI.CAdES.detached"))
        }
        Some("adbe.pkcs7.sha1") => {
            let expected = p.digest(DigestAlg::Sha1);
            match &sd.econtent {
                Some(e) if *e == expected => {
                    let mut o = verify_signer(sd, si, Content::Encapsulated, extra, false);
                    o.sha1 = true;
                    if o.digest.0 == CheckStatus::Pass {
                        o.digest = pass(
                            format!("the encapsulated SHA-1 digest matches the signed bytes; {}", o.digest.1.en),
                            format!("giá trị băm SHA-1 được bọc khớp với dữ liệu được ký; {}", o.digest.1.vi),
                        );
                    }
                    o
                }
                Some(_) => {
                    let mut o = verify_signer(sd, si, Content::Encapsulated, extra, false);
                    o.digest = fail(
                        "the encapsulated SHA-1 digest does not match the signed bytes",
                        "giá trị băm SHA-1 được bọc không khớp với dữ liệu được ký",
                    );
                    o.sha1 = true;
                    o
                }
                None => {
                    bail(fail("adbe.pkcs7.sha1 signature without encapsulated digest", "chữ ký adbe.pkcs7.sha1 thiếu giá trị băm được bọc"))
                }
            }
        }
        Some(other) => bail(indet(format!("unsupported SubFilter /{other}"), format!("SubFilter /{other} không được hỗ trợ"))),
    }
}
