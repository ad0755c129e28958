//! Decree 68/2024/NĐ-CP Điều 31 (rules.md V1) on a signer (or TSA) certificate at the
//! signing time: validity period (31.1.a), scope of use (31.1.b), revocation status
//! from OCSP or CRL published by the CA (31.1.c, 31.2). The work is chain-check's; this
//! module turns its answers into report checks.

use chain_check::revocation::{self, RevocationSources, RevocationStatus};
use chain_check::{CertProblem, Certificate, Purpose};
use time::OffsetDateTime;

use crate::report::fmt_time;
use crate::verdict::{Check, CheckStatus, Msg};
use crate::RevocationMode;

pub const ART_VALIDITY: &str = "Điều 31.1.a";
pub const ART_USAGE: &str = "Điều 31.1.b";
pub const ART_REVOCATION: &str = "Điều 31.1.c, 31.2";

/// A certificate problem in Vietnamese (Decree 68's terms), for reports and for the
/// binary's pre-signing checks.
pub fn vi_problem(p: &CertProblem) -> String {
    match p {
        CertProblem::NotYetValid { subject, not_before } => {
            format!("chứng thư chữ ký số \"{subject}\" chỉ có hiệu lực từ {}", fmt_time(*not_before))
        }
        CertProblem::Expired { subject, not_after } => format!("chứng thư chữ ký số \"{subject}\" đã hết hạn lúc {}", fmt_time(*not_after)),
        CertProblem::KeyUsageNotAllowed { subject, key_usage, .. } => {
            format!("mục đích sử dụng khóa của chứng thư chữ ký số \"{subject}\" ({key_usage}) không cho phép dùng vào việc này")
        }
        CertProblem::CaCertificate { subject } => {
            format!("chứng thư chữ ký số \"{subject}\" là chứng thư chữ ký số của tổ chức cung cấp dịch vụ (CA), không phải chứng thư chữ ký số dùng để ký văn bản")
        }
        CertProblem::ExtendedKeyUsageNotAllowed { subject, ekus, .. } => {
            format!("mục đích sử dụng mở rộng của chứng thư chữ ký số \"{subject}\" ({ekus}) không cho phép dùng vào việc này")
        }
        CertProblem::ExtendedKeyUsageMissing { subject, required, .. } => {
            format!("chứng thư chữ ký số \"{subject}\" thiếu mục đích sử dụng mở rộng {required}")
        }
        CertProblem::NotACa { subject } => format!("chứng thư chữ ký số \"{subject}\" không phải chứng thư chữ ký số của CA"),
        CertProblem::PolicyNotAllowed { subject, policies } => {
            format!("chứng thư chữ ký số \"{subject}\" không mang chính sách chứng thư chữ ký số nào được yêu cầu (chứng thư chữ ký số có: {policies})")
        }
        CertProblem::MalformedExtension { subject, extension, .. } => {
            format!("chứng thư chữ ký số \"{subject}\" có phần mở rộng {extension} sai cấu trúc")
        }
        CertProblem::UnsupportedCriticalExtension { subject, oid } => {
            format!("chứng thư chữ ký số \"{subject}\" có phần mở rộng bắt buộc {oid} không được hỗ trợ")
        }
        other => format!("chứng thư chữ ký số không phù hợp: {other}"),
    }
}

/// 31.1.a: the time lies in the certificate's validity period.
pub fn validity(cert: &Certificate, at: OffsetDateTime, what_en: &str, what_vi: &str) -> Check {
    let t = fmt_time(at);
    match chain_check::article31::check_validity(cert, at) {
        Ok(()) => Check::new(
            "validity",
            ART_VALIDITY,
            CheckStatus::Pass,
            Msg::new(
                format!(
                    "the {what_en} certificate is valid at {t} ({} – {})",
                    fmt_time(chain_check::cert::not_before(cert)),
                    fmt_time(chain_check::cert::not_after(cert))
                ),
                format!(
                    "chứng thư chữ ký số {what_vi} còn hiệu lực lúc {t} ({} – {})",
                    fmt_time(chain_check::cert::not_before(cert)),
                    fmt_time(chain_check::cert::not_after(cert))
                ),
            ),
        ),
        Err(p) => Check::new(
            "validity",
            ART_VALIDITY,
            CheckStatus::Fail,
            Msg::new(format!("at {t}: {p}"), format!("lúc {t}: {}", vi_problem(&p))),
        ),
    }
}

/// 31.1.b: key usage and extended key usage fit the purpose.
pub fn usage(cert: &Certificate, purpose: Purpose) -> Check {
    match chain_check::article31::check_usage(cert, purpose) {
        Ok(()) => Check::new(
            "usage",
            ART_USAGE,
            CheckStatus::Pass,
            Msg::new(
                format!("key usage and extended key usage allow {}", purpose.name()),
                match purpose {
                    Purpose::Timestamping => "mục đích sử dụng khóa cho phép cấp dấu thời gian".to_string(),
                    _ => "mục đích sử dụng khóa cho phép ký văn bản".to_string(),
                },
            ),
        ),
        Err(p) => Check::new("usage", ART_USAGE, CheckStatus::Fail, Msg::new(p.to_string(), vi_problem(&p))),
    }
}

/// 31.1.b, policy part: the certificate policies the trust anchors of `path` require
/// ([`chain_check::trust::AnchorInfo::required_policies`]). A failure replaces a passing
/// `usage` check; the policies required and found are named.
pub fn required_policies(checks: &mut [Check], cert: &Certificate, path: &chain_check::CertPath, trust: &chain_check::TrustStore) {
    let mut required: Vec<const_oid::ObjectIdentifier> = Vec::new();
    for c in &path.certs {
        for p in trust.info(c).map(|i| i.required_policies.as_slice()).unwrap_or(&[]) {
            if !required.contains(p) {
                required.push(*p);
            }
        }
    }
    if required.is_empty() {
        return;
    }
    let names = required.iter().map(|o| o.to_string()).collect::<Vec<_>>().join(", ");
    let Some(usage) = checks.iter_mut().find(|c| c.id == "usage") else { return };
    match chain_check::article31::check_required_policies(cert, &required) {
        Ok(()) => {
            usage.message.en.push_str(&format!("; certificate policy as the trust anchor requires ({names})"));
            usage.message.vi.push_str(&format!("; chính sách chứng thư chữ ký số đúng yêu cầu của chứng thư chữ ký số tin cậy ({names})"));
        }
        Err(p) if usage.status == CheckStatus::Pass => {
            *usage = Check::new(
                "usage",
                ART_USAGE,
                CheckStatus::Fail,
                Msg::new(
                    format!("{p}; the trust anchor requires {names}"),
                    format!("{}; chứng thư chữ ký số tin cậy yêu cầu {names}", vi_problem(&p)),
                ),
            );
        }
        Err(_) => {}
    }
}

/// What the time a certificate is judged at stands for, which decides what a revocation
/// means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeBasis {
    /// The signer's own claim (signingTime, /M): a revocation after it is not proven to
    /// come after the signature, and good evidence issued before it proves nothing at it
    /// ([`revocation::TimeKind::Claimed`]).
    Claimed,
    /// The validation time (the signature states no signing time): like `Claimed` for a
    /// revocation, but evidence valid at that time counts (the clock is not the signer's).
    ValidationTime,
    /// The signing time fixed by a verified timestamp of the signature itself (or a
    /// timestamp token's own time): revoked at or before it fails, after it passes.
    Timestamp,
    /// A proof of existence (a later document timestamp) that only bounds the signing time
    /// from above: revoked after it passes, revoked at or before it is indeterminate
    /// (the signature may have been made before the revocation, nothing proves it).
    Existence,
}

/// 31.1.c / 31.2 for every certificate below the anchor of a path (`certs` leaf first,
/// each followed by its issuer), judged at `at`, which stands for `basis`.
pub fn revocation(
    certs: &[(Certificate, Option<Certificate>)],
    at: OffsetDateTime,
    now: OffsetDateTime,
    basis: TimeBasis,
    mode: RevocationMode,
    sources: &RevocationSources,
) -> (Check, Vec<Msg>) {
    if mode == RevocationMode::Off {
        return (
            Check::new(
                "revocation",
                ART_REVOCATION,
                CheckStatus::Skipped,
                Msg::new("revocation checking is off (--revocation off)", "không kiểm tra tình trạng thu hồi (--revocation off)"),
            ),
            Vec::new(),
        );
    }
    let t = fmt_time(at);
    let mut tally = Tally::default();
    for (i, (cert, issuer)) in certs.iter().enumerate() {
        let who = chain_check::cert::common_name(cert).unwrap_or_else(|| chain_check::cert::subject(cert));
        let role_en = if i == 0 { "signer certificate" } else { "CA certificate" };
        let role_vi = if i == 0 { "chứng thư chữ ký số của người ký" } else { "chứng thư chữ ký số của CA" };
        let Some(issuer) = issuer else {
            tally.unknown_en.push(format!("{role_en} \"{who}\": its issuer certificate is not available"));
            tally.unknown_vi.push(format!("{role_vi} \"{who}\": không có chứng thư chữ ký số của tổ chức cấp"));
            continue;
        };
        let kind = if basis == TimeBasis::Claimed { revocation::TimeKind::Claimed } else { revocation::TimeKind::Proven };
        match revocation::check_at(cert, issuer, at, kind, now, sources) {
            RevocationStatus::Good { source, .. } => {
                tally.goods_en.push(format!("{role_en} \"{who}\" good ({source})"));
                tally.goods_vi.push(format!("{role_vi} \"{who}\" chưa bị thu hồi ({})", vi_source(&source)));
            }
            RevocationStatus::Revoked { revoked_at, reason, source } => {
                judge_revoked(&mut tally, (role_en, role_vi, &who), revoked_at, reason.as_deref(), &source, (at, &t), basis);
            }
            RevocationStatus::Unknown { reasons } => {
                tally
                    .unknown_en
                    .push(format!("{role_en} \"{who}\": {}", reasons.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")));
                tally.unknown_vi.push(format!("{role_vi} \"{who}\": {}", reasons.iter().map(vi_unchecked).collect::<Vec<_>>().join("; ")));
            }
        }
    }
    conclusion(tally, mode, &t)
}

/// A revoked certificate: it fails, is indeterminate or passes with a warning, by whether it
/// was revoked before `at` (shown as `t`) and what that time stands for.
fn judge_revoked(
    tally: &mut Tally,
    (role_en, role_vi, who): (&str, &str, &str),
    revoked_at: OffsetDateTime,
    reason: Option<&str>,
    source: &revocation::Source,
    (at, t): (OffsetDateTime, &str),
    basis: TimeBasis,
) {
    let r = reason.map(|r| format!(", reason {r}")).unwrap_or_default();
    let r_vi = reason.map(|r| format!(", lý do {r}")).unwrap_or_default();
    let rt = fmt_time(revoked_at);
    if revoked_at <= at && basis == TimeBasis::Existence {
        if tally.worst < CheckStatus::Indeterminate {
            tally.worst = CheckStatus::Indeterminate;
        }
        tally.bad.get_or_insert(Msg::new(
            format!("{role_en} \"{who}\" was revoked at {rt}{r}, before {t}, the earliest time the signature is proven to exist; nothing proves the signature came before the revocation ({source})"),
            format!("{role_vi} \"{who}\" bị thu hồi lúc {rt}{r_vi}, trước {t} là thời điểm sớm nhất chứng minh được chữ ký đã tồn tại; không có gì chứng minh chữ ký có trước khi thu hồi ({})", vi_source(source)),
        ));
    } else if revoked_at <= at {
        tally.worst = CheckStatus::Fail;
        tally.bad.get_or_insert(Msg::new(
            format!("{role_en} \"{who}\" was revoked at {rt}{r}, before the signing time {t} ({source})"),
            format!("{role_vi} \"{who}\" bị thu hồi lúc {rt}{r_vi}, trước thời điểm ký {t} ({})", vi_source(source)),
        ));
    } else if basis == TimeBasis::Existence {
        tally.goods_en.push(format!("{role_en} \"{who}\" revoked at {rt}{r}, after the signature is proven to exist"));
        tally.goods_vi.push(format!("{role_vi} \"{who}\" bị thu hồi lúc {rt}{r_vi}, sau thời điểm chữ ký được chứng minh đã tồn tại"));
        tally.warnings.push(Msg::new(
            format!("{role_en} \"{who}\" was revoked at {rt}{r}, after the signature was made"),
            format!("{role_vi} \"{who}\" đã bị thu hồi lúc {rt}{r_vi}, sau khi ký"),
        ));
    } else if basis == TimeBasis::Timestamp {
        tally.goods_en.push(format!("{role_en} \"{who}\" revoked at {rt}{r}, after the timestamp-proven signing time"));
        tally.goods_vi.push(format!("{role_vi} \"{who}\" bị thu hồi lúc {rt}{r_vi}, sau thời điểm ký được dấu thời gian chứng minh"));
        tally.warnings.push(Msg::new(
            format!("{role_en} \"{who}\" was revoked at {rt}{r}, after the signature was made"),
            format!("{role_vi} \"{who}\" đã bị thu hồi lúc {rt}{r_vi}, sau khi ký"),
        ));
    } else {
        if tally.worst < CheckStatus::Indeterminate {
            tally.worst = CheckStatus::Indeterminate;
        }
        tally.bad.get_or_insert(Msg::new(
            format!("{role_en} \"{who}\" was revoked at {rt}{r}; the signing time {t} is only claimed by the signer (no timestamp), so it does not prove the signature came first"),
            format!("{role_vi} \"{who}\" bị thu hồi lúc {rt}{r_vi}; thời điểm ký {t} chỉ do người ký tự khai (không có dấu thời gian) nên không chứng minh được chữ ký có trước"),
        ));
    }
}

/// The check once every certificate is judged: the first bad finding, else the unknowns
/// (accepted with a warning under `--revocation prefer`), else a pass listing the evidence.
fn conclusion(mut tally: Tally, mode: RevocationMode, t: &str) -> (Check, Vec<Msg>) {
    if let Some(m) = tally.bad {
        return (Check::new("revocation", ART_REVOCATION, tally.worst, m), tally.warnings);
    }
    if !tally.unknown_en.is_empty() {
        let en = format!("status at {t} could not be established: {}", tally.unknown_en.join(" | "));
        let vi = format!("không xác định được tình trạng lúc {t}: {}", tally.unknown_vi.join(" | "));
        return match mode {
            RevocationMode::Prefer => {
                tally.warnings.push(Msg::new(en.clone(), vi.clone()));
                (
                    Check::new(
                        "revocation",
                        ART_REVOCATION,
                        CheckStatus::Pass,
                        Msg::new(
                            format!("accepted without revocation status (--revocation prefer): {en}"),
                            format!("chấp nhận khi thiếu tình trạng thu hồi (--revocation prefer): {vi}"),
                        ),
                    ),
                    tally.warnings,
                )
            }
            _ => (Check::new("revocation", ART_REVOCATION, CheckStatus::Indeterminate, Msg::new(en, vi)), tally.warnings),
        };
    }
    (
        Check::new(
            "revocation",
            ART_REVOCATION,
            CheckStatus::Pass,
            Msg::new(
                format!("not revoked at {t}: {}", tally.goods_en.join("; ")),
                format!("chưa bị thu hồi lúc {t}: {}", tally.goods_vi.join("; ")),
            ),
        ),
        tally.warnings,
    )
}

/// Why an OCSP response or CRL does not prove the status, in Vietnamese. A foreign
/// library's detail (a decoder's or a signature check's) stays in English in parentheses.
pub fn vi_evidence(p: &revocation::EvidenceProblem) -> String {
    use revocation::EvidenceProblem as E;
    match p {
        E::OtherIssuer { crl_issuer, cert_issuer } => {
            format!("do \"{crl_issuer}\" cấp, không phải tổ chức cấp chứng thư chữ ký số \"{cert_issuer}\"")
        }
        E::AfterExpiry { this_update, not_after } => format!(
            "phát hành lúc {} sau khi chứng thư chữ ký số hết hạn ({}); không chứng minh được tình trạng",
            fmt_time(*this_update),
            fmt_time(*not_after)
        ),
        E::Stale { next_update, at } => {
            format!("đã cũ: chỉ có giá trị đến {}, trước thời điểm cần xét {}", fmt_time(*next_update), fmt_time(*at))
        }
        E::NoNextUpdate { this_update, at } => format!(
            "phát hành lúc {} trước thời điểm cần xét {} và không ghi thời điểm cập nhật tiếp theo (nextUpdate)",
            fmt_time(*this_update),
            fmt_time(*at)
        ),
        E::BeforeClaimedTime { this_update, at } => format!(
            "phát hành lúc {}, trước thời điểm ký {} mà chỉ người ký tự khai (không có dấu thời gian chứng minh): không chứng minh được tình trạng lúc đó",
            fmt_time(*this_update),
            fmt_time(*at)
        ),
        E::Future { what, time } => format!("{what} {} ở tương lai", fmt_time(*time)),
        E::ResponderUnknown => "dịch vụ OCSP không biết chứng thư chữ ký số này".into(),
        E::IssuerNotAvailable => "không có chứng thư chữ ký số của tổ chức cấp trong tệp".into(),
        E::Malformed(m) => vi_malformed(m),
        E::OcspSigner(detail) => format!("không có chữ ký của bên được phép ký phản hồi OCSP ({detail})"),
        E::WrongIssuerCert => {
            "chứng thư chữ ký số được đưa vào để kiểm tra không phải của tổ chức đã cấp chứng thư chữ ký số này".into()
        }
        E::AlgorithmMismatch => "thuật toán ký ghi bên trong và bên ngoài CRL khác nhau".into(),
        E::BadSignature(e) => format!("không được ký bằng khóa của tổ chức cấp chứng thư chữ ký số ({e})"),
        E::IssuerMayNotSignCrls => "mục đích sử dụng khóa (keyUsage) của tổ chức cấp không cho phép ký CRL".into(),
        E::IssuerKeyUsage(e) => format!("chứng thư chữ ký số của tổ chức cấp có phần mở rộng keyUsage sai định dạng ({e})"),
        E::DeltaCrl => "là CRL bổ sung (delta CRL), loại này không được dùng".into(),
        E::UnsupportedCriticalExtension(oid) => format!("CRL có phần mở rộng bắt buộc xử lý (critical) {oid} không được hỗ trợ"),
        E::UnsupportedCriticalEntryExtension(oid) => {
            format!("một mục của CRL có phần mở rộng bắt buộc xử lý (critical) {oid} không được hỗ trợ")
        }
        E::IndirectCrl => "là CRL gián tiếp (indirect CRL), loại này không được dùng".into(),
        E::IndirectCrlEntry => "mục của CRL ghi một tổ chức cấp khác (certificateIssuer), không được dùng".into(),
        E::PartialCrl => "là CRL từng phần (chỉ cho một số lý do thu hồi hoặc chỉ cho chứng thư thuộc tính)".into(),
        E::OnlyUserCerts => "CRL chỉ áp dụng cho chứng thư chữ ký số của thuê bao, không cho chứng thư chữ ký số của tổ chức cấp".into(),
        E::OnlyCaCerts => "CRL chỉ áp dụng cho chứng thư chữ ký số của tổ chức cấp, không cho chứng thư chữ ký số của thuê bao".into(),
        E::OtherDistributionPoint => "CRL thuộc một điểm phân phối CRL khác".into(),
        E::UnsupportedOcspVersion => "phiên bản phản hồi OCSP không được hỗ trợ".into(),
        E::CertIdMismatch => "phản hồi nói về một chứng thư chữ ký số khác (CertID không khớp)".into(),
        other => format!("không dùng được ({other})"),
    }
}

/// Why the bytes of an OCSP response or CRL cannot be read, in Vietnamese (the decoder's
/// English detail in parentheses).
fn vi_malformed(m: &revocation::MalformedEvidence) -> String {
    use revocation::MalformedEvidence as M;
    match m {
        M::Crl(e) => format!("CRL sai định dạng ({e})"),
        M::OcspResponse(e) => format!("phản hồi OCSP sai định dạng ({e})"),
        M::NotSuccessful(status) => format!("dịch vụ OCSP trả lời {status:?} thay vì tình trạng của chứng thư chữ ký số"),
        M::NoResponseBytes => "phản hồi OCSP báo thành công nhưng không có nội dung (responseBytes)".into(),
        M::UnsupportedType(oid) => format!("loại phản hồi OCSP {oid} không được hỗ trợ"),
        M::BasicResponse(e) => format!("phản hồi OCSP (BasicOCSPResponse) sai định dạng ({e})"),
        M::NoTbs => "không tìm thấy phần được ký (tbsResponseData) của phản hồi OCSP".into(),
        M::NoTbsCertList => "không tìm thấy phần được ký (tbsCertList) của CRL".into(),
        M::CrlUnusedBits => "chữ ký của CRL có bit thừa (unused bits)".into(),
        M::IssuingDistributionPoint(e) => format!("phần mở rộng issuingDistributionPoint của CRL sai định dạng ({e})"),
        other => format!("không đọc được ({other})"),
    }
}

/// Why a revocation status could not be established, in Vietnamese (a foreign library's
/// detail, such as the transport's words, stays in English in parentheses).
pub fn vi_unchecked(u: &revocation::Unchecked) -> String {
    use revocation::{FetchProblem, Unchecked};
    match u {
        Unchecked::NoEvidence { elsewhere: 0, online: false } => "không có phản hồi OCSP hay CRL nào và việc kiểm tra trực tuyến đang tắt".into(),
        Unchecked::NoEvidence { elsewhere, online: false } => format!(
            "không có phản hồi OCSP hay CRL nào về chứng thư chữ ký số này ({elsewhere} CRL của tổ chức cấp khác) và việc kiểm tra trực tuyến đang tắt"
        ),
        Unchecked::NoEvidence { online: true, .. } => "không có phản hồi OCSP hay CRL nào về chứng thư chữ ký số này".into(),
        Unchecked::NoSourceNamed => {
            "chứng thư chữ ký số không ghi địa chỉ dịch vụ OCSP hay điểm phân phối CRL nào".into()
        }
        Unchecked::Unusable { what, why } => format!("không dùng được {what}: {}", vi_evidence(why)),
        Unchecked::Fetch { ocsp, url, error } => {
            let what = if *ocsp { "OCSP" } else { "CRL" };
            let why = match error {
                FetchProblem::NoAnswer { secs } => format!("không có trả lời trong {secs} giây"),
                FetchProblem::Status(code) => format!("máy chủ trả mã HTTP {code}"),
                FetchProblem::Unreachable(_) => "không kết nối được".into(),
                FetchProblem::TooLarge(limit) => format!("phản hồi lớn hơn {limit} byte"),
                FetchProblem::UnsupportedScheme { .. } => "chỉ hỗ trợ địa chỉ http:// và https://".into(),
                FetchProblem::BadUrl { reason, .. } => format!("địa chỉ không hợp lệ ({reason})"),
                FetchProblem::TooManyRedirects { .. } => "bị chuyển hướng quá nhiều lần".into(),
                FetchProblem::NoOcspUrl { .. } => "chứng thư chữ ký số không ghi địa chỉ dịch vụ OCSP".into(),
                FetchProblem::Encode(e) => format!("không tạo được yêu cầu gửi dịch vụ OCSP ({e})"),
                FetchProblem::Malformed { reason, .. } => format!("dữ liệu nhận được không dùng được: {}", vi_malformed(reason)),
                other => format!("lỗi ({other})"),
            };
            format!("{what} {url}: {why}")
        }
        _ => u.to_string(),
    }
}

/// What the certificates of a path have shown so far.
struct Tally {
    goods_en: Vec<String>,
    goods_vi: Vec<String>,
    unknown_en: Vec<String>,
    unknown_vi: Vec<String>,
    worst: CheckStatus,
    /// The first finding that fails or leaves the check indeterminate.
    bad: Option<Msg>,
    warnings: Vec<Msg>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            goods_en: Vec::new(),
            goods_vi: Vec::new(),
            unknown_en: Vec::new(),
            unknown_vi: Vec::new(),
            worst: CheckStatus::Pass,
            bad: None,
            warnings: Vec::new(),
        }
    }
}

fn vi_source(s: &revocation::Source) -> String {
    match s {
        revocation::Source::EmbeddedOcsp => "phản hồi OCSP đính kèm".into(),
        revocation::Source::EmbeddedCrl => "CRL đính kèm hoặc được cung cấp".into(),
        revocation::Source::FetchedOcsp { url } => format!("OCSP từ {url}"),
        revocation::Source::FetchedCrl { url } => format!("CRL từ {url}"),
        revocation::Source::CachedOcsp { url, fetched_at } => {
            format!("OCSP từ {url}, lưu trong bộ nhớ đệm (tải lúc {})", fmt_time(*fetched_at))
        }
        revocation::Source::CachedCrl { url, fetched_at } => {
            format!("CRL từ {url}, lưu trong bộ nhớ đệm (tải lúc {})", fmt_time(*fetched_at))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chain_check::revocation::{EvidenceProblem as E, FetchProblem as F, MalformedEvidence as M, Unchecked};

    /// Every typed reason reads as Vietnamese of its own, not as the English detail.
    #[test]
    fn evidence_problems_have_vietnamese_of_their_own() {
        let oid = der::asn1::ObjectIdentifier::new_unwrap("1.2.3.4");
        let der_error = der::Error::from(der::ErrorKind::Failed);
        let problems = [
            E::WrongIssuerCert,
            E::AlgorithmMismatch,
            E::BadSignature(chain_check::sigalg::SignatureError::Invalid),
            E::IssuerMayNotSignCrls,
            E::IssuerKeyUsage(der_error),
            E::DeltaCrl,
            E::UnsupportedCriticalExtension(oid),
            E::UnsupportedCriticalEntryExtension(oid),
            E::IndirectCrl,
            E::IndirectCrlEntry,
            E::PartialCrl,
            E::OnlyUserCerts,
            E::OnlyCaCerts,
            E::OtherDistributionPoint,
            E::UnsupportedOcspVersion,
            E::CertIdMismatch,
            E::Malformed(M::NoTbsCertList),
            E::Malformed(M::CrlUnusedBits),
            E::Malformed(M::IssuingDistributionPoint(der_error)),
        ];
        for p in &problems {
            let vi = vi_evidence(p);
            assert_ne!(vi, p.to_string());
            assert!(!vi.starts_with("không dùng được ("), "{vi}");
            assert!(vi.chars().any(|c| "ạảấầẩậắằẳặẽếềểệịỉọỏốồổộớờởợụủứừửựỳỷỹđơư".contains(c)), "{vi}");
        }
        let fetches = [
            F::UnsupportedScheme { url: "ftp://x/".into() },
            F::BadUrl { url: "http://x /".into(), reason: "spaces".into() },
            F::TooManyRedirects { url: "http://x/".into() },
            F::NoOcspUrl { subject: "CN=A".into() },
            F::Encode(der_error),
            F::Malformed { what: "CRL", reason: M::Crl(der_error) },
        ];
        for error in fetches {
            let u = Unchecked::Fetch { ocsp: false, url: "http://x/".into(), error };
            let vi = vi_unchecked(&u);
            assert!(!vi.contains("lỗi ("), "{vi}");
            assert_ne!(vi, u.to_string());
        }
    }
}
