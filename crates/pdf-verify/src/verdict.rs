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
    if let pdf_raw::RawError::NotPdf = e {
        return Msg::new(e.to_string(), "không phải tệp PDF (không có phần đầu %PDF-)");
    }
    Msg::new(format!("not a readable PDF: {e}"), format!("tệp PDF không đọc được: {}", raw_vi(e)))
}

/// [`raw_msg`]'s Vietnamese after "tệp PDF không đọc được: ": the reason alone (as
/// `RawError`'s Display is in English).
pub fn raw_vi(e: &pdf_raw::RawError) -> String {
    use pdf_raw::RawError;
    match e {
        RawError::NotPdf => "không phải tệp PDF (không có phần đầu %PDF-)".to_string(),
        RawError::NoStartxref => "không tìm thấy startxref ở cuối tệp".to_string(),
        RawError::BadXref { offset, why } => format!("bảng tham chiếu chéo ở byte {offset} không đọc được: {}", xref_vi(why)),
        RawError::BadXrefStream { offset, source } => {
            format!("bảng tham chiếu chéo ở byte {offset} không đọc được: {}", xref_stream_vi(source))
        }
        RawError::Syntax { offset, why } => format!("lỗi cú pháp đối tượng ở byte {offset}: {}", syntax_vi(why)),
        RawError::TooDeep(n) => format!("lồng nhau sâu hơn {n} mức"),
        RawError::TooManySections(n) => format!("hơn {n} bảng tham chiếu chéo (hoặc vòng lặp /Prev)"),
        RawError::PrevLoop(at) => format!("các bảng tham chiếu chéo tạo vòng lặp /Prev ở byte {at}"),
        RawError::StreamTooLarge(n) => format!("một luồng tham chiếu chéo giải nén lớn hơn {n} byte"),
        RawError::ObjectStreamsTooLarge(n) => format!("các luồng đối tượng giải nén lớn hơn {n} byte (bom giải nén?)"),
        RawError::TooManyEntries { offset, max } => format!("một mảng hoặc từ điển ở byte {offset} có hơn {max} phần tử"),
        RawError::CannotAdvance { from, to } => format!("không chuyển được từ phiên bản {} sang phiên bản {}", from + 1, to + 1),
        RawError::NoRevision(i) => format!("không có phiên bản {}", i + 1),
        RawError::Encrypted => "tệp được mã hóa".to_string(),
        RawError::WrongObject { offset, num, found } => {
            format!("mục xref của đối tượng {num} trỏ tới đối tượng {found} (ở byte {offset})")
        }
        RawError::ObjectStreamNotInFile(n) => format!("luồng đối tượng {n} không có trong tệp"),
        RawError::NotObjectStream { offset, num } => format!("đối tượng {num} ở byte {offset} không phải luồng đối tượng"),
        // lopdf's reason is English only.
        RawError::ObjectStream { offset, num, .. } => format!("không giải mã được luồng đối tượng {num} ở byte {offset}"),
        _ => "cấu trúc không đọc được".to_string(),
    }
}

/// Why a cross-reference section cannot be read, in Vietnamese.
fn xref_vi(why: &pdf_raw::XrefProblem) -> String {
    use pdf_raw::XrefProblem as P;
    let s = match why {
        P::ExpectedSubsectionHeader => "không thấy đầu phân đoạn hay trailer",
        P::ExpectedSubsectionCount => "thiếu số mục của phân đoạn",
        P::ObjectNumbersBeyondLimit { up_to } => return format!("số hiệu đối tượng lên tới {up_to}, vượt giới hạn"),
        P::BadEntryOffset => "vị trí của một mục sai",
        P::BadEntryGeneration => "số thế hệ của một mục sai",
        P::OffsetTooLarge => "vị trí quá lớn",
        P::GenerationTooLarge => "số thế hệ quá lớn",
        P::EntryNeitherNorF { num } => return format!("mục của đối tượng {num} không phải 'n' cũng không phải 'f'"),
        P::TrailerNotDictionary => "trailer không phải từ điển",
        P::NoXrefKeywordNorStream(inner) => return format!("không có từ khóa xref, cũng không có luồng xref ({})", raw_vi(inner)),
        P::NotXrefStream => "đối tượng ở đây không phải luồng xref",
        P::NotTypeXref => "đối tượng ở đây không phải luồng xref (/Type khác /XRef)",
        P::NoStreamData => "luồng xref không có dữ liệu",
        P::NoW => "thiếu /W",
        P::BadW => "/W sai",
        P::WNotThreeWidths => "/W phải có ba độ rộng",
        P::NoSize => "thiếu /Size",
        P::BadIndex => "/Index sai",
        P::ZeroWidths => "các độ rộng trong /W đều bằng 0",
        P::OddIndex => "/Index có số phần tử lẻ",
        P::IndexOutOfRange => "/Index vượt phạm vi",
        P::ObjectStreamNumberTooLarge => "số hiệu luồng đối tượng quá lớn",
        P::ObjectStreamIndexTooLarge => "chỉ số trong luồng đối tượng quá lớn",
        _ => "cấu trúc sai",
    };
    s.to_string()
}

/// Why the data of a cross-reference stream cannot be decoded, in Vietnamese.
fn xref_stream_vi(why: &pdf_raw::XrefStreamError) -> String {
    use pdf_raw::XrefStreamError as E;
    match why {
        E::BadFilter => "/Filter sai".to_string(),
        E::Inflate(_) => "không giải nén được luồng xref".to_string(),
        E::TooLarge(n) => format!("luồng xref giải nén lớn hơn {n} byte"),
        E::UnsupportedFilter(f) => format!("chưa hỗ trợ bộ lọc /{f} cho luồng xref"),
        E::BadColumns => "/Columns sai".to_string(),
        E::UnsupportedPredictor(p) => format!("chưa hỗ trợ /Predictor {p}"),
        E::BadPngPredictor(t) => format!("kiểu dự đoán PNG {t} sai"),
        _ => "luồng xref không giải mã được".to_string(),
    }
}

/// Why an object cannot be read, in Vietnamese.
fn syntax_vi(why: &pdf_raw::SyntaxProblem) -> String {
    use pdf_raw::SyntaxProblem as P;
    let s = match why {
        P::UnexpectedEof => "tệp hết giữa chừng",
        P::UnterminatedDictionary => "từ điển không có dấu đóng >>",
        P::StrayGreaterThan => "dấu '>' lạc trong từ điển",
        P::KeyNotName => "khóa của từ điển không phải là tên",
        P::UnterminatedArray => "mảng không có dấu đóng ]",
        P::UnexpectedByte(b) => return format!("byte lạ 0x{b:02x}"),
        P::BadToken => "từ tố không phải UTF-8",
        P::UnknownToken(t) => return format!("từ tố lạ {t:?}"),
        P::BadHexChar => "ký tự sai trong chuỗi thập lục phân",
        P::UnterminatedHexString => "chuỗi thập lục phân không có dấu đóng >",
        P::UnterminatedString => "chuỗi không có dấu đóng )",
        P::ExpectedObjectNumber => "thiếu số hiệu đối tượng",
        P::ExpectedGenerationNumber => "thiếu số thế hệ",
        P::ExpectedObj => "thiếu từ khóa obj",
        P::ObjectNumberTooLarge => "số hiệu đối tượng quá lớn",
        P::GenerationNumberTooLarge => "số thế hệ quá lớn",
        P::StreamWithoutEndstream => "luồng không có endstream",
        P::MissingEndstream => "thiếu endstream sau dữ liệu của luồng",
        _ => "cú pháp sai",
    };
    s.to_string()
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

    /// Every reason a file cannot be read has its own Vietnamese words (no fallback, no
    /// English sentence), after what the message said before the reasons were typed.
    #[test]
    fn raw_errors_say_their_reason_in_vietnamese() {
        use pdf_raw::{RawError, SyntaxProblem as S, XrefProblem as X, XrefStreamError as XS};
        let x = |why| RawError::BadXref { offset: 7, why };
        let s = |why| RawError::Syntax { offset: 9, why };
        let xrefs = [
            X::ExpectedSubsectionHeader,
            X::ExpectedSubsectionCount,
            X::ObjectNumbersBeyondLimit { up_to: 12 },
            X::BadEntryOffset,
            X::BadEntryGeneration,
            X::OffsetTooLarge,
            X::GenerationTooLarge,
            X::EntryNeitherNorF { num: 3 },
            X::TrailerNotDictionary,
            X::NoXrefKeywordNorStream(Box::new(s(S::ExpectedObj))),
            X::NotXrefStream,
            X::NotTypeXref,
            X::NoStreamData,
            X::NoW,
            X::BadW,
            X::WNotThreeWidths,
            X::NoSize,
            X::BadIndex,
            X::ZeroWidths,
            X::OddIndex,
            X::IndexOutOfRange,
            X::ObjectStreamNumberTooLarge,
            X::ObjectStreamIndexTooLarge,
        ];
        let syntax = [
            S::UnexpectedEof,
            S::UnterminatedDictionary,
            S::StrayGreaterThan,
            S::KeyNotName,
            S::UnterminatedArray,
            S::UnexpectedByte(0x0a),
            S::BadToken,
            S::UnknownToken("foo".into()),
            S::BadHexChar,
            S::UnterminatedHexString,
            S::UnterminatedString,
            S::ExpectedObjectNumber,
            S::ExpectedGenerationNumber,
            S::ExpectedObj,
            S::ObjectNumberTooLarge,
            S::GenerationNumberTooLarge,
            S::StreamWithoutEndstream,
            S::MissingEndstream,
        ];
        let streams = [
            XS::BadFilter,
            XS::Inflate(std::sync::Arc::new(std::io::Error::other("corrupt deflate stream"))),
            XS::TooLarge(5),
            XS::UnsupportedFilter("LZWDecode".into()),
            XS::BadColumns,
            XS::UnsupportedPredictor(3),
            XS::BadPngPredictor(9),
        ];
        let others = [
            RawError::CannotAdvance { from: 1, to: 0 },
            RawError::NoRevision(2),
            RawError::Encrypted,
            RawError::WrongObject { offset: 5, num: 3, found: 4 },
            RawError::ObjectStreamNotInFile(8),
            RawError::NotObjectStream { offset: 5, num: 8 },
            RawError::ObjectStream { offset: 5, num: 8, source: pdf_raw::DecodeError::new(lopdf::Error::DictKey("Filter".into())) },
        ];
        let all: Vec<RawError> = xrefs
            .into_iter()
            .map(x)
            .chain(syntax.into_iter().map(s))
            .chain(streams.into_iter().map(|source| RawError::BadXrefStream { offset: 7, source }))
            .chain(others)
            .collect();
        let mut seen = std::collections::HashSet::new();
        for e in &all {
            let vi = raw_msg(e).vi;
            assert!(vi.starts_with("tệp PDF không đọc được: "), "{vi}");
            for fallback in ["cấu trúc không đọc được", "cấu trúc sai", "cú pháp sai", "luồng xref không giải mã được"]
            {
                assert!(!vi.ends_with(fallback), "{e:?} falls back: {vi}");
            }
            for english in [" the ", " not ", " no ", " is ", " of ", "bad", "missing", "unexpected", "token", "without", "expected"] {
                assert!(!vi.to_lowercase().contains(english), "{e:?}: English {english:?} in {vi}");
            }
            assert!(seen.insert(vi.clone()), "two reasons say the same: {vi}");
            assert_eq!(raw_msg(e).en, format!("not a readable PDF: {e}"));
        }
        assert_eq!(raw_msg(&x(X::NoW)).vi, "tệp PDF không đọc được: bảng tham chiếu chéo ở byte 7 không đọc được: thiếu /W");
        assert_eq!(
            raw_msg(&x(X::NoXrefKeywordNorStream(Box::new(s(S::ExpectedObj))))).vi,
            "tệp PDF không đọc được: bảng tham chiếu chéo ở byte 7 không đọc được: không có từ khóa xref, cũng không có luồng xref \
             (lỗi cú pháp đối tượng ở byte 9: thiếu từ khóa obj)"
        );
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
