//! Decree 68/2024/NĐ-CP Điều 32 (rules.md V2): a certification path from the signer to a
//! trusted root, every CA on it valid at the signing time and each signature verifying.
//! Intermediates come from the CMS, the DSS, `--certs`, and (online) the certificates'
//! AIA caIssuers addresses.

use chain_check::{CertPath, Certificate, HttpLimits, PathBuilder, PathError, TrustStore};
use time::OffsetDateTime;

use crate::report::fmt_time;
use crate::verdict::{Check, CheckStatus, Msg};

pub const ARTICLE: &str = "Điều 32";

/// How many AIA downloads one path search may make.
const MAX_AIA_FETCHES: usize = 4;

/// Builds the path; returns the check and the path when one was found.
pub fn path(
    leaf: &Certificate,
    at: OffsetDateTime,
    trust: &TrustStore,
    pool: &[Certificate],
    online: bool,
    limits: &HttpLimits,
) -> (Check, Option<CertPath>) {
    let mut builder = PathBuilder::new(trust).with_intermediates(pool.iter().cloned());
    let mut result = builder.build(leaf, at);
    if online {
        let mut fetched = 0;
        let mut tried: Vec<String> = Vec::new();
        while let Err(PathError::NoTrustAnchor { .. }) = &result {
            // Fetch the caIssuers of the leaf and of every intermediate we hold.
            let mut urls: Vec<String> = chain_check::cert::ca_issuer_urls(leaf);
            for c in &builder.intermediates {
                urls.extend(chain_check::cert::ca_issuer_urls(c));
            }
            urls.retain(|u| !tried.contains(u));
            let Some(url) = urls.into_iter().next() else { break };
            if fetched >= MAX_AIA_FETCHES {
                break;
            }
            fetched += 1;
            tried.push(url.clone());
            if let Ok(body) = chain_check::http::get(&url, limits) {
                if let Ok(certs) = chain_check::cert::parse_certificates(&body) {
                    builder.add_intermediates(certs);
                    result = builder.build(leaf, at);
                }
            }
        }
    }
    let t = fmt_time(at);
    match result {
        Ok(p) => {
            let names: Vec<String> =
                p.certs.iter().map(|c| chain_check::cert::common_name(c).unwrap_or_else(|| chain_check::cert::subject(c))).collect();
            let chain = names.join(" → ");
            (
                Check::new(
                    "path",
                    ARTICLE,
                    CheckStatus::Pass,
                    Msg::new(format!("certification path valid at {t}: {chain}"), format!("đường dẫn chứng thực hợp lệ lúc {t}: {chain}")),
                ),
                Some(p),
            )
        }
        Err(e) if e.is_indeterminate() => (
            Check::new(
                "path",
                ARTICLE,
                CheckStatus::Indeterminate,
                Msg::new(format!("at {t}: {e}"), format!("lúc {t}: {}", vi_path_error(&e))),
            ),
            None,
        ),
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
                        format!("lúc {t}: không có đường dẫn tới chứng thư gốc tin cậy (và {})", vi_path_error(&e)),
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

fn vi_path_error(e: &PathError) -> String {
    match e {
        PathError::NoTrustAnchor { subject, issuer } => {
            format!("không có đường dẫn tới chứng thư gốc tin cậy: không biết tổ chức cấp \"{issuer}\" của \"{subject}\"")
        }
        PathError::BadSignature { subject } => format!("chữ ký trên chứng thư \"{subject}\" không khớp với khóa của tổ chức cấp"),
        PathError::CaNotValidAtTime { subject, .. } => format!("chứng thư CA \"{subject}\" không còn hiệu lực tại thời điểm ký ({e})"),
        PathError::NotACa { subject } => format!("chứng thư \"{subject}\" được dùng như CA nhưng không phải CA"),
        PathError::CaUsage { subject, .. } => format!("chứng thư CA \"{subject}\" không được phép cấp chứng thư ({e})"),
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
