//! Proof of existence and past validation, after ETSI EN 319 102-1 §5.6.2.4 ("past
//! signature validation"), for long-term validation (PAdES B-LTA, docs/ltv.md).
//!
//! A certificate is judged at the signing time, but that time is only as good as what
//! proves it. Once the validation time is past the expiry of a certificate on the path,
//! the signer's (or a TSA's) claim about its own clock proves nothing: the key could have
//! been used after the expiry. What still proves the signature was made in time is a
//! **proof of existence** (PoE) before the expiry: the signature's own timestamp, or a
//! verified document timestamp over a revision that contains the signature. The
//! best-signature-time is the earliest such proof.
//!
//! The same holds for timestamps: a TSA's token proves its genTime only while the TSA
//! certificate can still be checked; after its expiry the token needs a later document
//! timestamp that covers it, made before that expiry (the renewal chain of `vbdt ltv
//! --lta`).

use time::OffsetDateTime;

use crate::report::fmt_time;
use crate::verdict::{Check, CheckStatus, Msg};
use crate::{dieu31, dieu32};

/// A verified document timestamp, usable as proof of existence of everything in the
/// revisions it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocTimestampPoe {
    /// 0-based revision the timestamp covers (it lives in that revision).
    pub revision: usize,
    pub time: OffsetDateTime,
    pub field: String,
}

/// The earliest verified document timestamp that covers revision `revision` (made in a
/// later revision, so that its byte range includes all of it); on equal times, the
/// oldest one.
pub fn earliest_covering(poes: &[DocTimestampPoe], revision: Option<usize>) -> Option<&DocTimestampPoe> {
    let r = revision?;
    poes.iter().filter(|p| p.revision > r).min_by_key(|p| (p.time, p.revision))
}

/// The earliest `notAfter` on a certificate path (leaf, CAs and trust anchor), and whose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    pub at: OffsetDateTime,
    /// Common name (or subject) of that certificate.
    pub who: String,
    /// It is the leaf (signer or TSA) certificate itself.
    pub leaf: bool,
}

/// The worst status of a set of checks (Pass when empty).
pub fn worst(checks: &[Check]) -> CheckStatus {
    checks.iter().map(|c| c.status).max().unwrap_or(CheckStatus::Pass)
}

/// No check failed or is indeterminate.
pub fn all_pass(checks: &[Check]) -> bool {
    worst(checks) <= CheckStatus::Skipped
}

/// Checks made at a proof-of-existence time bound the signing time from above only: a
/// failure there does not prove the signature bad (it may have been made earlier), so it
/// counts as indeterminate.
pub fn soften_failures(checks: &mut [Check]) {
    for c in checks {
        if c.status == CheckStatus::Fail {
            c.status = CheckStatus::Indeterminate;
        }
    }
}

/// Replaces the check the expiry belongs to (`validity` for the leaf, `path` for a CA)
/// with an indeterminate one saying that nothing proves existence before the expiry.
/// `what`: whose certificate and what it signed (en, vi: "signer", "của người ký", "the
/// signature", "chữ ký"); `claimed`: the time the checks were made at and what it is, e.g.
/// the signer's claimed signing time; `later`: a proof of existence that came too late.
pub fn expired_without_poe(
    checks: &mut Vec<Check>,
    expiry: &Expiry,
    now: OffsetDateTime,
    what: [&str; 4],
    claimed: (&str, &str),
    later: Option<&DocTimestampPoe>,
) {
    let (id, article) = if expiry.leaf { ("validity", dieu31::ART_VALIDITY) } else { ("path", dieu32::ARTICLE) };
    let (cert_en, cert_vi) = if expiry.leaf {
        (format!("the {} certificate", what[0]), format!("chứng thư chữ ký số {}", what[1]))
    } else {
        ("the CA certificate".to_string(), "chứng thư chữ ký số của CA".to_string())
    };
    let (who, exp, n) = (&expiry.who, fmt_time(expiry.at), fmt_time(now));
    let (late_en, late_vi) = match later {
        Some(p) => (
            format!("; the earliest document timestamp covering it ({}, {}) came after the expiry", p.field, fmt_time(p.time)),
            format!("; dấu thời gian tài liệu sớm nhất bao phủ nó ({}, {}) có sau khi hết hạn", p.field, fmt_time(p.time)),
        ),
        None => (String::new(), String::new()),
    };
    let msg = Msg::new(
        format!("at the validation time {n}, {cert_en} \"{who}\" has expired ({exp}); {}, and no timestamp proves {} existed before the expiry{late_en}", claimed.0, what[2]),
        format!("tại thời điểm kiểm tra {n}, {cert_vi} \"{who}\" đã hết hạn ({exp}); {}, và không có dấu thời gian nào chứng minh {} đã tồn tại trước khi hết hạn{late_vi}", claimed.1, what[3]),
    );
    let replacement = Check::new(id, article, CheckStatus::Indeterminate, msg);
    match checks.iter_mut().find(|c| c.id == id) {
        Some(c) if c.status < CheckStatus::Indeterminate => *c = replacement,
        Some(_) => {}
        None => checks.push(replacement),
    }
}

/// Adds to the message of check `id` that it was made at a proof-of-existence time.
pub fn note_poe(checks: &mut [Check], id: &str, poe: &DocTimestampPoe) {
    if let Some(c) = checks.iter_mut().find(|c| c.id == id) {
        let t = fmt_time(poe.time);
        c.message.en.push_str(&format!(" (the signature is proven to exist at {t} by document timestamp {})", poe.field));
        c.message.vi.push_str(&format!(" (chữ ký được chứng minh đã tồn tại lúc {t} bởi dấu thời gian tài liệu {})", poe.field));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn poe(revision: usize, time: OffsetDateTime) -> DocTimestampPoe {
        DocTimestampPoe { revision, time, field: format!("TS{revision}") }
    }

    #[test]
    fn only_later_revisions_cover_and_the_earliest_wins() {
        let poes = [poe(3, datetime!(2030-01-01 0:00 UTC)), poe(5, datetime!(2029-01-01 0:00 UTC)), poe(1, datetime!(2020-01-01 0:00 UTC))];
        assert_eq!(earliest_covering(&poes, Some(2)).map(|p| p.revision), Some(5));
        assert_eq!(earliest_covering(&poes, Some(5)), None);
        assert_eq!(earliest_covering(&poes, Some(0)).map(|p| p.revision), Some(1));
        assert_eq!(earliest_covering(&poes, None), None);
    }

    #[test]
    fn an_expiry_without_proof_makes_the_check_indeterminate_never_better() {
        let ok = |id| Check::new(id, "x", CheckStatus::Pass, Msg::new("ok", "ok"));
        let exp = Expiry { at: datetime!(2030-01-01 0:00 UTC), who: "An".into(), leaf: true };
        let mut checks = vec![ok("validity"), ok("path")];
        expired_without_poe(
            &mut checks,
            &exp,
            datetime!(2031-01-01 0:00 UTC),
            ["signer", "của người ký", "the signature", "chữ ký"],
            ("claimed", "tự khai"),
            None,
        );
        assert_eq!(checks[0].status, CheckStatus::Indeterminate);
        assert_eq!(checks[1].status, CheckStatus::Pass);
        // A failure stays a failure.
        let mut checks = vec![Check::new("validity", "x", CheckStatus::Fail, Msg::new("bad", "bad"))];
        expired_without_poe(
            &mut checks,
            &exp,
            datetime!(2031-01-01 0:00 UTC),
            ["signer", "của người ký", "the signature", "chữ ký"],
            ("claimed", "tự khai"),
            None,
        );
        assert_eq!(checks[0].status, CheckStatus::Fail);
        // A CA's expiry goes to the path check.
        let mut checks = vec![ok("validity"), ok("path")];
        expired_without_poe(
            &mut checks,
            &Expiry { leaf: false, ..exp },
            datetime!(2031-01-01 0:00 UTC),
            ["signer", "của người ký", "the signature", "chữ ký"],
            ("claimed", "tự khai"),
            None,
        );
        assert_eq!((checks[0].status, checks[1].status), (CheckStatus::Pass, CheckStatus::Indeterminate));
    }

    #[test]
    fn failures_at_a_proof_of_existence_are_indeterminate() {
        let mut checks = vec![
            Check::new("validity", "x", CheckStatus::Fail, Msg::new("bad", "bad")),
            Check::new("usage", "x", CheckStatus::Pass, Msg::new("ok", "ok")),
        ];
        soften_failures(&mut checks);
        assert_eq!(worst(&checks), CheckStatus::Indeterminate);
        assert!(!all_pass(&checks));
    }
}
