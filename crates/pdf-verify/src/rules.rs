//! The document rules of rules.md: S1 (personal then organization signature), S7 (the
//! organization signature is made on the issue date, Vietnam time), S8 (PDF 1.4 or
//! later); S4/S5 (appearance of copies and attachments) are placeholders for now.
//! A rule that cannot be decided is `skipped`, never guessed.

use lopdf::Document;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::pdfobj;
use crate::report::vn_offset;
use crate::signatures::{Role, SignatureKind};
use crate::verdict::{Msg, RuleStatus};

/// One rule's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub id: &'static str,
    pub status: RuleStatus,
    pub message: Msg,
}

fn rule(id: &'static str, status: RuleStatus, en: impl Into<String>, vi: impl Into<String>) -> RuleOutcome {
    RuleOutcome { id, status, message: Msg::new(en, vi) }
}

/// What the rules need to know about each signature, in signing order.
#[derive(Debug, Clone)]
pub struct SigFacts {
    pub index: usize,
    pub kind: SignatureKind,
    pub role: Role,
    pub signing_time: Option<OffsetDateTime>,
}

/// Where the issue date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueDateSource {
    Option,
    Document,
}

pub fn s1(sigs: &[SigFacts]) -> RuleOutcome {
    let roles: Vec<Role> = sigs.iter().filter(|s| s.kind == SignatureKind::Signature).map(|s| s.role).collect();
    if roles.is_empty() {
        return rule("S1", RuleStatus::Skipped, "no signature to check", "không có chữ ký để kiểm tra");
    }
    if roles.contains(&Role::Unknown) {
        return rule(
            "S1",
            RuleStatus::Skipped,
            "the role of some signature is unknown (not made by vbdt), so the personal-then-organization order cannot be decided",
            "không rõ vai trò của một số chữ ký (không do vbdt tạo) nên không xác định được thứ tự cá nhân rồi tổ chức",
        );
    }
    let first_org = roles.iter().position(|r| *r == Role::Organization);
    let last_personal = roles.iter().rposition(|r| *r == Role::Personal);
    match (last_personal, first_org) {
        (Some(p), Some(o)) if p < o => rule(
            "S1",
            RuleStatus::Pass,
            "the personal signature of the official comes first, then the organization signature",
            "có chữ ký cá nhân của người có thẩm quyền trước, rồi chữ ký của cơ quan, tổ chức",
        ),
        (Some(_), Some(_)) => rule(
            "S1",
            RuleStatus::Fail,
            "the organization signature was made before a personal signature; the personal signature must come first",
            "chữ ký của cơ quan, tổ chức được ký trước chữ ký cá nhân; chữ ký cá nhân phải ký trước",
        ),
        (Some(_), None) => rule(
            "S1",
            RuleStatus::Fail,
            "only a personal signature: an issued document also needs the organization signature",
            "chỉ có chữ ký cá nhân: văn bản ban hành còn phải có chữ ký của cơ quan, tổ chức",
        ),
        (None, _) => rule(
            "S1",
            RuleStatus::Fail,
            "no personal signature of the official: an issued document needs it before the organization signature",
            "không có chữ ký cá nhân của người có thẩm quyền: văn bản ban hành phải có chữ ký này trước chữ ký của cơ quan, tổ chức",
        ),
    }
}

pub fn s7(sigs: &[SigFacts], issue_date: Option<(Date, IssueDateSource)>) -> RuleOutcome {
    let orgs: Vec<&SigFacts> = sigs.iter().filter(|s| s.kind == SignatureKind::Signature && s.role == Role::Organization).collect();
    if orgs.is_empty() {
        return rule("S7", RuleStatus::Skipped, "no organization signature known", "không có chữ ký của cơ quan, tổ chức đã biết");
    }
    let Some((date, source)) = issue_date else {
        return rule(
            "S7",
            RuleStatus::Skipped,
            "the issue date is unknown (give --issued-on or a date line such as \"ngày 30 tháng 9 năm 2025\")",
            "không biết ngày ban hành (dùng --issued-on hoặc dòng ngày tháng như \"ngày 30 tháng 9 năm 2025\")",
        );
    };
    let (src_en, src_vi) = match source {
        IssueDateSource::Option => ("--issued-on", "--issued-on"),
        IssueDateSource::Document => ("the document's date line", "dòng ngày tháng của văn bản"),
    };
    for s in &orgs {
        let Some(t) = s.signing_time else {
            return rule("S7", RuleStatus::Skipped, format!("signature {} has no signing time", s.index), format!("chữ ký {} không có thời điểm ký", s.index));
        };
        let local = t.to_offset(vn_offset()).date();
        if local != date {
            return rule(
                "S7",
                RuleStatus::Fail,
                format!("the organization signature {} was made on {local} (Vietnam time), not on the issue date {date} ({src_en})", s.index),
                format!("chữ ký của cơ quan, tổ chức (chữ ký {}) được ký ngày {local} (giờ Việt Nam), không đúng ngày ban hành {date} ({src_vi})", s.index),
            );
        }
    }
    rule(
        "S7",
        RuleStatus::Pass,
        format!("the organization signature was made on the issue date {date} ({src_en})"),
        format!("chữ ký của cơ quan, tổ chức được ký đúng ngày ban hành {date} ({src_vi})"),
    )
}

fn parse_version(v: &str) -> Option<(u32, u32)> {
    let (a, b) = v.trim().split_once('.')?;
    let b: String = b.chars().take_while(char::is_ascii_digit).collect();
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub fn s8(header_version: &str, doc: Option<&Document>) -> RuleOutcome {
    let catalog = doc.and_then(|d| {
        let root = d.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(d, r))?;
        pdfobj::dict_get_name(d, root, b"Version").map(|n| String::from_utf8_lossy(n).into_owned())
    });
    let header = parse_version(header_version);
    let cat = catalog.as_deref().and_then(parse_version);
    let effective = match (header, cat) {
        (Some(h), Some(c)) => Some(h.max(c)),
        (h, c) => h.or(c),
    };
    match effective {
        Some(v) if v >= (1, 4) => rule("S8", RuleStatus::Pass, format!("PDF version {}.{} (1.4 or later)", v.0, v.1), format!("phiên bản PDF {}.{} (từ 1.4 trở lên)", v.0, v.1)),
        Some(v) => rule(
            "S8",
            RuleStatus::Fail,
            format!("PDF version {}.{} is older than the required 1.4", v.0, v.1),
            format!("phiên bản PDF {}.{} cũ hơn mức tối thiểu 1.4", v.0, v.1),
        ),
        None => rule("S8", RuleStatus::Fail, format!("unreadable PDF version \"{header_version}\""), format!("không đọc được phiên bản PDF \"{header_version}\"")),
    }
}

pub fn s4_s5() -> Vec<RuleOutcome> {
    vec![
        rule("S4", RuleStatus::Skipped, "appearance of copies is not checked yet", "chưa kiểm tra hình thức bản sao"),
        rule("S5", RuleStatus::Skipped, "appearance of attachments is not checked yet", "chưa kiểm tra hình thức văn bản kèm theo"),
    ]
}

/// Folds the Vietnamese letters the date line uses to ASCII (ngày, tháng, năm).
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let f = match c {
            '\u{0300}'..='\u{036f}' => continue,
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ' | 'ẫ' | 'ậ' => 'a',
            'đ' => 'd',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        out.push(f);
    }
    out
}

/// Finds the first date line "ngày D tháng M năm YYYY" in a text.
pub fn find_date_line(text: &str) -> Option<Date> {
    let t = fold(text);
    let words: Vec<&str> = t.split(|c: char| c.is_whitespace() || c == ',' || c == '.').filter(|w| !w.is_empty()).collect();
    for w in words.windows(6) {
        if w[0] == "ngay" && w[2] == "thang" && w[4] == "nam" {
            let (Ok(d), Ok(m), Ok(y)) = (w[1].parse::<u8>(), w[3].parse::<u8>(), w[5].parse::<i32>()) else { continue };
            let Ok(month) = time::Month::try_from(m) else { continue };
            if let Ok(date) = Date::from_calendar_date(y, month, d) {
                return Some(date);
            }
        }
    }
    None
}

/// The issue date read from the first page's text.
pub fn issue_date_from_document(doc: &Document) -> Option<Date> {
    let pages = pdfobj::pages(doc);
    if pages.is_empty() {
        return None;
    }
    let numbers: Vec<u32> = (1..=pages.len().min(2) as u32).collect();
    for n in numbers {
        let chunks = doc.extract_text_chunks_with_limit(&[n], crate::MAX_STREAM_BYTES);
        let text: String = chunks.into_iter().filter_map(Result::ok).collect::<Vec<_>>().join(" ");
        if let Some(d) = find_date_line(&text) {
            return Some(d);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn facts(roles: &[Role]) -> Vec<SigFacts> {
        roles.iter().enumerate().map(|(i, r)| SigFacts { index: i + 1, kind: SignatureKind::Signature, role: *r, signing_time: None }).collect()
    }

    #[test]
    fn s1_orders() {
        assert_eq!(s1(&facts(&[Role::Personal, Role::Organization])).status, RuleStatus::Pass);
        assert_eq!(s1(&facts(&[Role::Personal])).status, RuleStatus::Fail);
        assert_eq!(s1(&facts(&[Role::Organization, Role::Personal])).status, RuleStatus::Fail);
        assert_eq!(s1(&facts(&[Role::Personal, Role::Unknown])).status, RuleStatus::Skipped);
    }

    #[test]
    fn s7_uses_vietnam_time() {
        let mut f = facts(&[Role::Personal, Role::Organization]);
        // 2025-09-30 18:00 UTC is 2025-10-01 01:00 in Vietnam.
        f[1].signing_time = Some(datetime!(2025-09-30 18:00 UTC));
        assert_eq!(s7(&f, Some((date!(2025 - 10 - 01), IssueDateSource::Option))).status, RuleStatus::Pass);
        assert_eq!(s7(&f, Some((date!(2025 - 09 - 30), IssueDateSource::Option))).status, RuleStatus::Fail);
        assert_eq!(s7(&f, None).status, RuleStatus::Skipped);
    }

    #[test]
    fn date_lines() {
        assert_eq!(find_date_line("Điện Biên, ngày 30 tháng 9 năm 2025"), Some(date!(2025 - 09 - 30)));
        assert_eq!(find_date_line("Ha Noi, ngay  05  thang 01 nam 2024."), Some(date!(2024 - 01 - 05)));
        // decomposed (NFD) letters
        assert_eq!(find_date_line("nga\u{300}y 1 tha\u{301}ng 2 na\u{306}m 2025"), Some(date!(2025 - 02 - 01)));
        assert_eq!(find_date_line("ngày ... tháng ... năm 2025"), None);
    }

    #[test]
    fn versions() {
        assert_eq!(s8("1.3", None).status, RuleStatus::Fail);
        assert_eq!(s8("1.4", None).status, RuleStatus::Pass);
        assert_eq!(s8("2.0", None).status, RuleStatus::Pass);
        assert_eq!(s8("x", None).status, RuleStatus::Fail);
    }
}
