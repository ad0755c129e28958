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

/// Why the system refused a file operation, in both languages (no path).
pub fn io_msg(e: &std::io::Error) -> Msg {
    use std::io::ErrorKind;
    let (en, vi) = match e.kind() {
        ErrorKind::NotFound => ("no such file or directory", "không có tệp hoặc thư mục này"),
        ErrorKind::PermissionDenied => ("permission denied", "không có quyền truy cập"),
        ErrorKind::NotADirectory => ("a part of the path is not a directory", "một phần của đường dẫn không phải thư mục"),
        ErrorKind::IsADirectory => ("is a directory", "đây là thư mục, không phải tệp"),
        ErrorKind::AlreadyExists => ("already exists", "đã tồn tại"),
        ErrorKind::StorageFull => ("no space left on the device", "ổ đĩa hết chỗ trống"),
        ErrorKind::ReadOnlyFilesystem => ("read-only file system", "hệ thống tệp chỉ cho đọc"),
        _ => {
            let vi = match e.raw_os_error() {
                Some(code) => format!("lỗi hệ thống (mã {code})"),
                None => "lỗi vào/ra".into(),
            };
            return Msg::new(e.to_string(), vi);
        }
    };
    Msg::new(en, vi)
}

/// Why a file is not a PDF that can be read, in both languages (no path).
pub fn raw_msg(e: &pdf_raw::RawError) -> Msg {
    use pdf_raw::RawError;
    let vi = match e {
        RawError::NotPdf => return Msg::new(e.to_string(), "không phải tệp PDF (không có phần đầu %PDF-)"),
        RawError::NoStartxref => "không tìm thấy startxref ở cuối tệp".to_string(),
        RawError::BadXref { offset, .. } | RawError::BadXrefStream { offset, .. } => {
            format!("bảng tham chiếu chéo ở byte {offset} không đọc được")
        }
        RawError::Syntax { offset, .. } => format!("lỗi cú pháp đối tượng ở byte {offset}"),
        RawError::TooDeep(n) => format!("lồng nhau sâu hơn {n} mức"),
        RawError::TooManySections(n) => format!("hơn {n} bảng tham chiếu chéo (hoặc vòng lặp /Prev)"),
        RawError::PrevLoop(at) => format!("các bảng tham chiếu chéo tạo vòng lặp /Prev ở byte {at}"),
        RawError::StreamTooLarge(n) => format!("một luồng tham chiếu chéo giải nén lớn hơn {n} byte"),
        RawError::ObjectStreamsTooLarge(n) => format!("các luồng đối tượng giải nén lớn hơn {n} byte (bom giải nén?)"),
        RawError::TooManyEntries { offset, max } => format!("một mảng hoặc từ điển ở byte {offset} có hơn {max} phần tử"),
        _ => "cấu trúc không đọc được".to_string(),
    };
    Msg::new(format!("not a readable PDF: {e}"), format!("tệp PDF không đọc được: {vi}"))
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
