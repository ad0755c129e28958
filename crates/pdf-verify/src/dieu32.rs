//! Decree 68/2024/NĐ-CP Điều 32 (rules.md V2): a certification path from the signer to a
//! trusted root, every CA on it valid at the signing time and each signature verifying.
//! Intermediates come from the CMS, the DSS, `--certs`, and the certificates' AIA
//! caIssuers addresses (through the run's [`IssuerCache`]: downloaded once, kept on disk;
//! with `--offline` only what is cached).

use chain_check::aia::{AiaError, IssuerCache, Origin};
use chain_check::{CertPath, Certificate, HttpLimits, PathBuilder, PathError, TrustStore};
use time::OffsetDateTime;

use crate::report::fmt_time;
use crate::verdict::{Check, CheckStatus, Msg};

pub const ARTICLE: &str = "Điều 32";

/// How many caIssuers addresses one path search may look up (cache or network).
const MAX_AIA_FETCHES: usize = 4;

/// Where missing issuers may come from: AIA caIssuers addresses, through `cache` (shared by
/// every file of a run), downloaded only when `online`.
#[derive(Debug, Clone, Copy)]
pub struct IssuerFetch<'a> {
    pub cache: &'a IssuerCache,
    pub online: bool,
    pub limits: &'a HttpLimits,
    pub now: OffsetDateTime,
}

/// What the AIA look-ups of one path search gave.
#[derive(Debug, Default)]
struct Looked {
    /// Certificates obtained, with where each came from.
    got: Vec<(Certificate, Origin)>,
    /// Addresses not fetched because of `--offline` (nothing cached).
    offline: Vec<String>,
    /// Addresses that failed, with why.
    failed: Vec<String>,
}

/// Builds the path, fetching issuers named by AIA caIssuers while the path ends at an
/// unknown issuer; returns the check and the path when one was found. The check says which
/// certificate of the path was fetched (or came from the cache) and from where, and with
/// `--offline` which address would have given the missing issuer.
pub fn path(
    leaf: &Certificate,
    at: OffsetDateTime,
    trust: &TrustStore,
    pool: &[Certificate],
    fetch: &IssuerFetch<'_>,
) -> (Check, Option<CertPath>) {
    let mut builder = PathBuilder::new(trust).with_intermediates(pool.iter().cloned());
    let mut result = builder.build(leaf, at);
    let mut looked = Looked::default();
    let mut tried: Vec<String> = Vec::new();
    while let Err(PathError::NoTrustAnchor { .. }) = &result {
        // The caIssuers of the leaf and of every intermediate we hold, with who names it.
        let mut urls: Vec<(String, &Certificate)> = chain_check::cert::ca_issuer_urls(leaf).into_iter().map(|u| (u, leaf)).collect();
        let held = builder.intermediates.clone();
        for c in &held {
            urls.extend(chain_check::cert::ca_issuer_urls(c).into_iter().map(|u| (u, c)));
        }
        urls.retain(|(u, _)| !tried.contains(u));
        let Some((url, child)) = urls.into_iter().next() else { break };
        if tried.len() >= MAX_AIA_FETCHES {
            break;
        }
        tried.push(url.clone());
        match fetch.cache.get(&url, child, fetch.online, fetch.limits, fetch.now) {
            Ok(answer) => {
                for c in &answer.certs {
                    if !pool.contains(c) && !trust.contains(c) {
                        looked.got.push((c.clone(), answer.origin.clone()));
                    }
                }
                builder.add_intermediates(answer.certs);
                result = builder.build(leaf, at);
            }
            Err(AiaError::Offline { url }) => looked.offline.push(url),
            Err(e) => looked.failed.push(e.to_string()),
        }
    }
    let t = fmt_time(at);
    match result {
        Ok(p) => {
            let names: Vec<String> = p.certs.iter().map(name).collect();
            let chain = names.join(" → ");
            let (from_en, from_vi) = origins(&p, &looked);
            (
                Check::new(
                    "path",
                    ARTICLE,
                    CheckStatus::Pass,
                    Msg::new(
                        format!("certification path valid at {t}: {chain}{from_en}"),
                        format!("đường dẫn chứng thực hợp lệ lúc {t}: {chain}{from_vi}"),
                    ),
                ),
                Some(p),
            )
        }
        Err(e) if e.is_indeterminate() => {
            let (more_en, more_vi) = missing(&looked);
            (
                Check::new(
                    "path",
                    ARTICLE,
                    CheckStatus::Indeterminate,
                    Msg::new(format!("at {t}: {e}{more_en}"), format!("lúc {t}: {}{more_vi}", vi_path_error(&e))),
                ),
                None,
            )
        }
        Err(e) if !anchor_reachable(leaf, trust, &builder.intermediates) => {
            // The problem lies on a chain that does not lead to any trusted certificate:
            // nothing on it is trusted, so it proves nothing either way.
            (
                Check::new(
                    "path",
                    ARTICLE,
                    CheckStatus::Indeterminate,
                    Msg::new(
                        format!("at {t}: no trusted path: the certificates lead to no trust anchor (and {e})"),
                        format!("lúc {t}: không có đường dẫn tới chứng thư chữ ký số gốc tin cậy (và {})", vi_path_error(&e)),
                    ),
                ),
                None,
            )
        }
        Err(e) => (
            Check::new("path", ARTICLE, CheckStatus::Fail, Msg::new(format!("at {t}: {e}"), format!("lúc {t}: {}", vi_path_error(&e)))),
            None,
        ),
    }
}

fn name(c: &Certificate) -> String {
    chain_check::cert::common_name(c).unwrap_or_else(|| chain_check::cert::subject(c))
}

/// "; "X" fetched from URL" for each certificate of the path that came through AIA.
fn origins(p: &CertPath, looked: &Looked) -> (String, String) {
    let mut en = String::new();
    let mut vi = String::new();
    for c in &p.certs {
        let Some((_, origin)) = looked.got.iter().find(|(g, _)| g == c) else { continue };
        let who = name(c);
        match origin {
            Origin::Fetched { url } => {
                en.push_str(&format!("; \"{who}\" fetched from {url} (AIA caIssuers)"));
                vi.push_str(&format!("; \"{who}\" được tải từ {url} (AIA caIssuers)"));
            }
            Origin::Cache { url, fetched_at, .. } => {
                let t = fmt_time(*fetched_at);
                en.push_str(&format!("; \"{who}\" from the cache (fetched from {url} at {t})"));
                vi.push_str(&format!("; \"{who}\" lấy từ bộ nhớ đệm (đã tải từ {url} lúc {t})"));
            }
        }
    }
    (en, vi)
}

/// What the AIA look-ups could not give, for an indeterminate path.
fn missing(looked: &Looked) -> (String, String) {
    let mut en = String::new();
    let mut vi = String::new();
    for url in &looked.offline {
        en.push_str(&format!("; the issuer is published at {url}; run without --offline, or give it with --certs"));
        vi.push_str(&format!(
            "; chứng thư chữ ký số của tổ chức cấp được công bố tại {url}; hãy chạy không có --offline, hoặc cung cấp nó bằng --certs"
        ));
    }
    for why in &looked.failed {
        en.push_str(&format!("; fetching the issuer failed: {why}"));
        vi.push_str(&format!("; không tải được chứng thư chữ ký số của tổ chức cấp: {why}"));
    }
    (en, vi)
}

/// A path error in Vietnamese.
pub fn vi_path_error(e: &PathError) -> String {
    match e {
        PathError::NoTrustAnchor { subject, issuer } => {
            format!("không có đường dẫn tới chứng thư chữ ký số gốc tin cậy: không biết tổ chức cấp \"{issuer}\" của \"{subject}\"")
        }
        PathError::BadSignature { subject } => format!("chữ ký trên chứng thư chữ ký số \"{subject}\" không khớp với khóa của tổ chức cấp"),
        PathError::CaNotValidAtTime { subject, problem } => {
            format!("chứng thư chữ ký số của CA \"{subject}\" không còn hiệu lực tại thời điểm ký ({})", crate::dieu31::vi_problem(problem))
        }
        PathError::NotACa { subject } => format!("chứng thư chữ ký số \"{subject}\" được dùng như CA nhưng không phải CA"),
        PathError::CaUsage { subject, problem } => {
            format!(
                "chứng thư chữ ký số của CA \"{subject}\" không được phép cấp chứng thư chữ ký số ({})",
                crate::dieu31::vi_problem(problem)
            )
        }
        PathError::PathLenExceeded { subject } => {
            format!("chứng thư chữ ký số của CA \"{subject}\" cho phép ít CA trung gian bên dưới hơn số có trên đường dẫn này")
        }
        PathError::Sha1NotAllowed { subject } => {
            format!("chứng thư chữ ký số \"{subject}\" được ký bằng SHA-1, không được chấp nhận ở đây")
        }
        PathError::UnsupportedAlgorithm { subject, .. } => {
            format!("không xác thực được chữ ký trên chứng thư chữ ký số \"{subject}\" (thuật toán hoặc khóa không được hỗ trợ)")
        }
        PathError::DepthExceeded => "đường dẫn chứng thực dài hơn độ sâu cho phép".into(),
        PathError::BudgetExceeded => "dừng tìm đường dẫn chứng thực sau quá nhiều lần kiểm tra chữ ký".into(),
        other => format!("đường dẫn chứng thực không hợp lệ: {other}"),
    }
}

/// Whether any trust anchor can be reached from `leaf` by issuer names and key
/// identifiers alone (no signature or validity checks), through the known intermediates. Bounded and cycle-safe.
fn anchor_reachable(leaf: &Certificate, trust: &TrustStore, pool: &[Certificate]) -> bool {
    // Issuer name matches, and the key identifiers do not contradict each other.
    let names_match = |child: &Certificate, c: &Certificate| {
        chain_check::cert::names_match(&child.tbs_certificate.issuer, &c.tbs_certificate.subject)
            // A self-issued certificate (a root) leads only to a certificate with its own key.
            && (!chain_check::cert::is_self_issued(child) || chain_check::cert::same_key(child, c))
            && match (chain_check::cert::authority_key_id(child), chain_check::cert::subject_key_id(c)) {
                (Some(a), Some(s)) => a == s,
                _ => true,
            }
    };
    if trust.contains(leaf) {
        return true;
    }
    let mut frontier: Vec<&Certificate> = vec![leaf];
    let mut seen: Vec<&Certificate> = vec![leaf];
    for _ in 0..12 {
        let mut next = Vec::new();
        for c in &frontier {
            if trust.anchors().iter().any(|a| names_match(c, a)) {
                return true;
            }
            for p in pool {
                if names_match(c, p) && !seen.contains(&p) {
                    seen.push(p);
                    next.push(p);
                }
            }
        }
        if next.is_empty() {
            return false;
        }
        frontier = next;
    }
    false
}
