//! rules.md V7, official-duty or public: a state agency's document must carry
//! official-duty signatures ("chữ ký số chuyên dùng công vụ"), whose certification path
//! ends at the government CA (the `vgca` trust); a signature under the national root of
//! the licensed public CAs (`neac`) may be valid, but it is a public one ("chữ ký số công
//! cộng"). Each signature's path is classified by the trust anchor it ends at
//! ([`chain_check::trust::AnchorInfo::profile`]; a test PKI is declared to stand for a
//! profile with `--trust-as`), and [`v7`] judges the document.

use chain_check::{CertPath, TrustStore};
use serde::Serialize;

use crate::rules::RuleOutcome;
use crate::signatures::SignatureKind;
use crate::verdict::{Msg, RuleStatus};

/// What kind of signature a path makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Service {
    /// The path ends at the government CA (`vgca`): chữ ký số chuyên dùng công vụ.
    OfficialDuty,
    /// The path ends at the national root of the public CAs (`neac`): chữ ký số công cộng.
    Public,
    /// The path ends at another trusted certificate (`--trust` without `--trust-as`).
    Other,
}

impl Service {
    pub fn as_str(self) -> &'static str {
        match self {
            Service::OfficialDuty => "official-duty",
            Service::Public => "public",
            Service::Other => "other",
        }
    }

    pub fn label(self) -> Msg {
        match self {
            Service::OfficialDuty => Msg::new("official-duty (government CA, vgca)", "chuyên dùng công vụ (CA Chính phủ, vgca)"),
            Service::Public => {
                Msg::new("public (national root of the public CAs, neac)", "công cộng (CA gốc quốc gia của các CA công cộng, neac)")
            }
            Service::Other => Msg::new(
                "neither official-duty nor public (another trust anchor)",
                "không phải chuyên dùng công vụ hay công cộng (chứng thư chữ ký số tin cậy khác)",
            ),
        }
    }
}

/// Where one signature's certification path ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathService {
    pub service: Service,
    /// The trust profile of the anchor ("vgca", "neac"), if any.
    pub profile: Option<String>,
    /// Common name (or subject) of the anchor the path ends at.
    pub anchor: String,
}

/// The service of a path: the profile of the anchor it ends at.
pub fn classify(path: &CertPath, trust: &TrustStore) -> Option<PathService> {
    let anchor = path.anchor()?;
    let profile = trust.info(anchor).and_then(|i| i.profile.clone());
    let service = match profile.as_deref() {
        Some("vgca") => Service::OfficialDuty,
        Some("neac") => Service::Public,
        _ => Service::Other,
    };
    let anchor = chain_check::cert::common_name(anchor).unwrap_or_else(|| chain_check::cert::subject(anchor));
    Some(PathService { service, profile, anchor })
}

/// What V7 needs of each signature.
#[derive(Debug, Clone)]
pub struct ServiceFact {
    pub index: usize,
    pub kind: SignatureKind,
    /// None when no path was found.
    pub service: Option<PathService>,
}

/// V7: for a state document (`state`: `--expect issued`) every signature must be
/// official-duty (fail otherwise, naming each signature and what it is; a signature
/// without a path leaves it skipped, its own checks are indeterminate). Otherwise the rule
/// only says what the signatures are (pass when all are official-duty, else skipped).
pub fn v7(sigs: &[ServiceFact], state: bool) -> RuleOutcome {
    let signatures: Vec<&ServiceFact> = sigs.iter().filter(|s| s.kind == SignatureKind::Signature).collect();
    let rule = |status, en: String, vi: String| RuleOutcome { id: "V7", status, message: Msg::new(en, vi) };
    if signatures.is_empty() {
        return rule(RuleStatus::Skipped, "no signature to check".into(), "không có chữ ký để kiểm tra".into());
    }
    let mut not_official_en = Vec::new();
    let mut not_official_vi = Vec::new();
    let mut unknown = Vec::new();
    for s in &signatures {
        match &s.service {
            Some(p) if p.service == Service::OfficialDuty => {}
            Some(p) => {
                let l = p.service.label();
                not_official_en.push(format!("signature {} is {} (path ends at \"{}\")", s.index, l.en, p.anchor));
                not_official_vi.push(format!("chữ ký {} là chữ ký {} (đường dẫn kết thúc ở \"{}\")", s.index, l.vi, p.anchor));
            }
            None => unknown.push(s.index.to_string()),
        }
    }
    if !not_official_en.is_empty() {
        let (en, vi) = (not_official_en.join("; "), not_official_vi.join("; "));
        return if state {
            rule(
                RuleStatus::Fail,
                format!("a state document must carry official-duty signatures (certified by the government CA): {en}"),
                format!("văn bản của cơ quan nhà nước phải mang chữ ký số chuyên dùng công vụ (do CA Chính phủ chứng thực): {vi}"),
            )
        } else {
            rule(
                RuleStatus::Skipped,
                format!("not official-duty: {en}; required only of state documents (--expect issued)"),
                format!("không phải chữ ký số chuyên dùng công vụ: {vi}; chỉ bắt buộc với văn bản của cơ quan nhà nước (--expect issued)"),
            )
        };
    }
    if !unknown.is_empty() {
        let list = unknown.join(", ");
        return rule(
            RuleStatus::Skipped,
            format!("cannot tell whether signature(s) {list} are official-duty: no certification path to a trust anchor"),
            format!("không xác định được chữ ký {list} có phải chuyên dùng công vụ: không có đường dẫn tới chứng thư chữ ký số tin cậy"),
        );
    }
    rule(
        RuleStatus::Pass,
        "every signature is official-duty (its path ends at the government CA)".into(),
        "mọi chữ ký đều là chữ ký số chuyên dùng công vụ (đường dẫn kết thúc ở CA Chính phủ)".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(index: usize, service: Option<Service>) -> ServiceFact {
        ServiceFact {
            index,
            kind: SignatureKind::Signature,
            service: service.map(|service| PathService { service, profile: None, anchor: "Root".into() }),
        }
    }

    #[test]
    fn a_state_document_needs_official_duty_signatures() {
        let official = [fact(1, Some(Service::OfficialDuty)), fact(2, Some(Service::OfficialDuty))];
        assert_eq!(v7(&official, true).status, RuleStatus::Pass);
        let mixed = [fact(1, Some(Service::OfficialDuty)), fact(2, Some(Service::Public))];
        let r = v7(&mixed, true);
        assert_eq!(r.status, RuleStatus::Fail);
        assert!(r.message.en.contains("signature 2 is public"), "{}", r.message.en);
        assert!(r.message.vi.contains("chữ ký 2"), "{}", r.message.vi);
        // Not a state document: said, not failed.
        assert_eq!(v7(&mixed, false).status, RuleStatus::Skipped);
        assert_eq!(v7(&[fact(1, Some(Service::Other))], true).status, RuleStatus::Fail);
        // No path: the signature's own checks are indeterminate; V7 cannot tell.
        assert_eq!(v7(&[fact(1, None)], true).status, RuleStatus::Skipped);
    }
}
