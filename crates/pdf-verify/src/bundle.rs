//! V6, the receiving check for a document sent with its attachments or appendices in
//! separate files (rules.md S5, V6): each file must itself be valid, each attachment must
//! be signed by the same organization as the main document and carry the main document's
//! number and symbol. The result is the clerk's decision: accept, or return with reasons.

use serde::Serialize;

use crate::report::{FileReport, Outcome};
use crate::signatures::Role;
use crate::verdict::{Lang, Msg, RuleStatus, Verdict};

/// The text an attachment shows: its first pages and the appearances of its signatures
/// (an S5 stamp carries the number and symbol in its appearance, not in the page).
fn shown_text(r: &FileReport, page_text: &str) -> String {
    let stamps: Vec<String> = r.signatures.iter().flat_map(|s| s.widgets.iter().filter(|w| w.visible()).map(|w| w.text())).collect();
    fold_spaces(&format!("{page_text} {}", stamps.join(" ")))
}

/// One bundle check, about one file.
#[derive(Debug, Clone, Serialize)]
pub struct BundleCheck {
    pub id: &'static str,
    pub file: String,
    pub status: RuleStatus,
    pub message: Msg,
}

/// The decision for a document and its attachments.
#[derive(Debug, Clone)]
pub struct BundleReport {
    pub main: String,
    /// The main document's number and symbol (e.g. `62/2025/QĐ-UBND`), if found.
    pub number: Option<String>,
    pub checks: Vec<BundleCheck>,
}

impl BundleReport {
    /// Accept only when every check passed.
    pub fn accept(&self) -> bool {
        self.checks.iter().all(|c| c.status == RuleStatus::Pass)
    }
}

/// The number and symbol after "Số:" in a document's text (e.g. `62/2025/QĐ-UBND`).
pub fn document_number(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(pos) = rest.find("Số") {
        let after = &rest[pos + "Số".len()..];
        let after = after.trim_start_matches([':', ' ', '\t', '\u{a0}']);
        let token: String = after.chars().take_while(|c| !c.is_whitespace() && *c != ',' && *c != ';' && *c != ')').collect();
        // A number and symbol has a slash and begins with a digit: "62/2025/QĐ-UBND".
        if token.contains('/') && token.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return Some(token.trim_end_matches('.').to_string());
        }
        rest = &rest[pos + "Số".len()..];
    }
    None
}

/// The text of a file's first pages, with white space folded, for the number search.
pub fn first_pages_text(bytes: &[u8], password: Option<&str>) -> String {
    let Ok(doc) = crate::modifications::load_doc(bytes, password) else {
        return String::new();
    };
    let pages = crate::pdfobj::pages(&doc);
    let numbers: Vec<u32> = (1..=pages.len().min(2) as u32).collect();
    let chunks = doc.extract_text_chunks_with_limit(&numbers, crate::MAX_STREAM_BYTES);
    let text: String = chunks.into_iter().filter_map(Result::ok).collect::<Vec<_>>().join(" ");
    match filled_number(&doc) {
        // First, so that the number search finds it before the blank "Số: /QĐ-UBND".
        Some(n) => fold_spaces(&format!("Số: {n} {text}")),
        None => fold_spaces(&text),
    }
}

/// The number the clerk filled into the field vbdt's personal signature reserved (rules.md
/// S11), followed by the symbol printed after the blank: "62/QĐ-UBND". The page text holds
/// only the blank; the value is in the field (whose later change V5 judges).
fn filled_number(doc: &lopdf::Document) -> Option<String> {
    use stamp_layout::blanks::{self, BlankKind};
    let value = blanks::reserved_in_doc(doc).into_iter().find(|f| f.blank.kind == BlankKind::Number)?.value?;
    let symbol = blanks::find_in_doc(doc).ok()?.symbol.unwrap_or_default();
    Some(format!("{value}{symbol}"))
}

fn fold_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The organization's signer: the subject of the last organization signature, or of the
/// last signature when no role is known (signatures made by other software).
fn organization_signer(r: &FileReport) -> Option<String> {
    let signed = || r.signatures.iter().filter(|s| s.signer.is_some());
    signed()
        .rfind(|s| s.role == Role::Organization)
        .or_else(|| signed().next_back())
        .and_then(|s| s.signer.as_ref().map(|x| x.subject.clone()))
}

fn check(id: &'static str, file: &str, status: RuleStatus, en: String, vi: String) -> BundleCheck {
    BundleCheck { id, file: file.to_string(), status, message: Msg::new(en, vi) }
}

/// Decides a bundle from the files' reports and their first pages' text.
pub fn decide(main: &Outcome, main_text: &str, attachments: &[(&Outcome, String)]) -> BundleReport {
    let mut checks = Vec::new();
    let main_name = match main {
        Outcome::Report(r) => r.file.clone(),
        Outcome::Error(e) => e.file.clone(),
    };
    for o in std::iter::once(main).chain(attachments.iter().map(|(o, _)| *o)) {
        match o {
            Outcome::Report(r) if r.verdict == Verdict::Valid => checks.push(check(
                "B1",
                &r.file,
                RuleStatus::Pass,
                "the file and its signatures are valid".into(),
                "tệp và các chữ ký hợp lệ".into(),
            )),
            Outcome::Report(r) => checks.push(check(
                "B1",
                &r.file,
                RuleStatus::Fail,
                format!("the file is not valid ({})", r.verdict.label(Lang::En)),
                format!("tệp không đạt ({})", r.verdict.label(Lang::Vi)),
            )),
            Outcome::Error(e) => checks.push(check(
                "B1",
                &e.file,
                RuleStatus::Fail,
                format!("the file cannot be read: {}", e.error.en),
                format!("không đọc được tệp: {}", e.error.vi),
            )),
        }
    }

    let number = document_number(main_text);
    match &number {
        Some(n) => checks.push(check("B2", &main_name, RuleStatus::Pass, format!("number and symbol {n}"), format!("số và ký hiệu {n}"))),
        None => checks.push(check(
            "B2",
            &main_name,
            RuleStatus::Fail,
            "the main document's number and symbol (\"Số: …\") cannot be found".into(),
            "không tìm thấy số và ký hiệu của văn bản chính (\"Số: …\")".into(),
        )),
    }
    let main_org = match main {
        Outcome::Report(r) => organization_signer(r),
        Outcome::Error(_) => None,
    };

    for (o, text) in attachments {
        let Outcome::Report(r) = o else { continue };
        // B3: signed by the same organization as the main document.
        match (&main_org, organization_signer(r)) {
            (Some(m), Some(a)) if *m == a => checks.push(check(
                "B3",
                &r.file,
                RuleStatus::Pass,
                format!("signed by the same organization ({a})"),
                format!("được ký bởi cùng cơ quan, tổ chức ({a})"),
            )),
            (Some(m), Some(a)) => checks.push(check(
                "B3",
                &r.file,
                RuleStatus::Fail,
                format!("signed by {a}, not by the main document's organization {m}"),
                format!("được ký bởi {a}, không phải cơ quan, tổ chức của văn bản chính {m}"),
            )),
            (_, None) => checks.push(check(
                "B3",
                &r.file,
                RuleStatus::Fail,
                "the attachment is not signed".into(),
                "văn bản kèm theo chưa được ký".into(),
            )),
            (None, Some(_)) => checks.push(check(
                "B3",
                &r.file,
                RuleStatus::Fail,
                "the main document has no organization signature to compare with".into(),
                "văn bản chính không có chữ ký của cơ quan, tổ chức để đối chiếu".into(),
            )),
        }
        // B4: carries the main document's number and symbol, on its pages or in its stamp.
        if let Some(n) = &number {
            let text = &shown_text(r, text);
            let carries = text.contains(n.as_str());
            if carries {
                checks.push(check(
                    "B4",
                    &r.file,
                    RuleStatus::Pass,
                    format!("carries the number and symbol {n}"),
                    format!("có số và ký hiệu {n}"),
                ));
            } else {
                let carried = document_number(text).or_else(|| crate::rules::number_tokens(text).into_iter().next());
                let other = carried.as_ref().map(|o| format!(" (it carries {o})")).unwrap_or_default();
                let other_vi = carried.as_ref().map(|o| format!(" (tệp ghi {o})")).unwrap_or_default();
                checks.push(check(
                    "B4",
                    &r.file,
                    RuleStatus::Fail,
                    format!("does not carry the main document's number and symbol {n}{other}"),
                    format!("không có số và ký hiệu {n} của văn bản chính{other_vi}"),
                ));
            }
        }
    }
    BundleReport { main: main_name, number, checks }
}

/// The decision in text, for a person.
pub fn text(b: &BundleReport, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let decision = match (b.accept(), vi) {
        (true, true) => "TIẾP NHẬN",
        (true, false) => "ACCEPT",
        (false, true) => "TRẢ LẠI",
        (false, false) => "RETURN",
    };
    let head = if vi { "Bộ văn bản" } else { "Bundle" };
    out.push_str(&format!("{head} {}: {decision}\n", b.main));
    for c in &b.checks {
        let mark = match c.status {
            RuleStatus::Pass => '✓',
            RuleStatus::Fail => '✗',
            RuleStatus::Warn => '!',
            RuleStatus::Skipped => '-',
        };
        out.push_str(&format!("  {mark} {} {}: {}\n", c.id, c.file, c.message.get(lang)));
    }
    out
}

/// The decision as JSON (the `bundle` member of the report).
pub fn json(b: &BundleReport, lang: Lang) -> serde_json::Value {
    serde_json::json!({
        "main": b.main,
        "number": b.number,
        "decision": if b.accept() { "accept" } else { "return" },
        "checks": b.checks.iter().map(|c| serde_json::json!({
            "id": c.id,
            "file": c.file,
            "status": match c.status { RuleStatus::Pass => "pass", RuleStatus::Fail => "fail", RuleStatus::Warn => "warn", RuleStatus::Skipped => "skipped" },
            "message": c.message.get(lang),
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_number_and_symbol() {
        assert_eq!(document_number("ỦY BAN NHÂN DÂN Số: 62/2025/QĐ-UBND Điện Biên, ngày"), Some("62/2025/QĐ-UBND".into()));
        assert_eq!(document_number("Số:1234/SKHCN-VP V/v triển khai"), Some("1234/SKHCN-VP".into()));
        assert_eq!(document_number("Số lượng 5 bản"), None);
        assert_eq!(
            document_number("(Kèm theo Quyết định số 62/2025/QĐ-UBND ngày 30)"),
            None,
            "lower-case 'số' in running text is not the number line"
        );
    }
}
