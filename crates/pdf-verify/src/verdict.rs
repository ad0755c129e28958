//! Outcomes: each check's status and bilingual message, and how they add up to a
//! signature's and a file's verdict.

use serde::Serialize;

/// A message in both report languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Msg {
    pub en: String,
    pub vi: String,
}

impl Msg {
    pub fn new(en: impl Into<String>, vi: impl Into<String>) -> Self {
        Msg { en: en.into(), vi: vi.into() }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Vi => &self.vi,
        }
    }
}

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Skipped,
    Indeterminate,
    Fail,
}

/// One check on one signature, with the article of the decree it implements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Stable identifier: `validity`, `usage`, `revocation`, `path`, `byte_range`,
    /// `digest`, `signed_attributes`, `signature`, `timestamp`, `modifications`.
    pub id: &'static str,
    /// E.g. "Điều 31.1.a".
    pub article: &'static str,
    pub status: CheckStatus,
    pub message: Msg,
}

impl Check {
    pub fn new(id: &'static str, article: &'static str, status: CheckStatus, message: Msg) -> Self {
        Check { id, article, status, message }
    }
}

/// A signature's or a file's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Valid,
    Indeterminate,
    Invalid,
    Unsigned,
}

impl Verdict {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Verdict::Valid, Lang::En) => "VALID",
            (Verdict::Invalid, Lang::En) => "INVALID",
            (Verdict::Indeterminate, Lang::En) => "INDETERMINATE",
            (Verdict::Unsigned, Lang::En) => "UNSIGNED",
            (Verdict::Valid, Lang::Vi) => "HỢP LỆ",
            (Verdict::Invalid, Lang::Vi) => "KHÔNG HỢP LỆ",
            (Verdict::Indeterminate, Lang::Vi) => "CHƯA XÁC ĐỊNH",
            (Verdict::Unsigned, Lang::Vi) => "CHƯA KÝ",
        }
    }
}

/// A document rule's outcome (rules.md S1…S8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    Pass,
    Fail,
    Warn,
    Skipped,
}

/// The verdict of one signature from its checks: any failure makes it invalid, else any
/// indeterminate check makes it indeterminate.
pub fn signature_verdict(checks: &[Check]) -> Verdict {
    if checks.iter().any(|c| c.status == CheckStatus::Fail) {
        Verdict::Invalid
    } else if checks.iter().any(|c| c.status == CheckStatus::Indeterminate) {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    }
}

/// The verdict of a file: unsigned without signatures; invalid if a signature is invalid,
/// a rule failed, or the file has a problem of its own; else indeterminate if a signature is.
pub fn file_verdict(signatures: &[Verdict], rules: &[RuleStatus], file_problem: bool) -> Verdict {
    if signatures.is_empty() {
        return Verdict::Unsigned;
    }
    if file_problem || signatures.contains(&Verdict::Invalid) || rules.contains(&RuleStatus::Fail) {
        Verdict::Invalid
    } else if signatures.contains(&Verdict::Indeterminate) {
        Verdict::Indeterminate
    } else {
        Verdict::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: CheckStatus) -> Check {
        Check::new("x", "Điều 30", s, Msg::new("", ""))
    }

    #[test]
    fn verdicts() {
        assert_eq!(signature_verdict(&[c(CheckStatus::Pass), c(CheckStatus::Skipped)]), Verdict::Valid);
        assert_eq!(signature_verdict(&[c(CheckStatus::Indeterminate), c(CheckStatus::Pass)]), Verdict::Indeterminate);
        assert_eq!(signature_verdict(&[c(CheckStatus::Indeterminate), c(CheckStatus::Fail)]), Verdict::Invalid);
        assert_eq!(file_verdict(&[], &[], false), Verdict::Unsigned);
        assert_eq!(file_verdict(&[Verdict::Valid], &[RuleStatus::Warn, RuleStatus::Skipped], false), Verdict::Valid);
        assert_eq!(file_verdict(&[Verdict::Valid], &[RuleStatus::Fail], false), Verdict::Invalid);
        assert_eq!(file_verdict(&[Verdict::Indeterminate, Verdict::Valid], &[], false), Verdict::Indeterminate);
        assert_eq!(file_verdict(&[Verdict::Valid], &[], true), Verdict::Invalid);
    }
}
