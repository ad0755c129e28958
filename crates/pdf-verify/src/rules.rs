//! The document rules of rules.md: S1 (personal then organization signature), S4 (the
//! appearance of a copy), S5 (the appearance of an attachment in its own file), S7 (the
//! organization signature is made on the issue date, Vietnam time), S8 (PDF 1.4 or
//! later). Which of S1, S4, S5 apply depends on what the file is ([`decide_kind`]): a
//! signed `/VBDT_Kind` marker, `--expect`, or its place in a `--bundle`.
//! A rule that cannot be decided is `skipped`, never guessed.

use lopdf::Document;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::appearance::Widget;
use crate::pdfobj;
use crate::report::vn_offset;
use crate::signatures::{DocumentKind, Role, SignatureKind};
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
    /// `/VBDT_Kind` of this signature.
    pub marked_kind: Option<DocumentKind>,
    /// The signature field's widgets (for S4, S5).
    pub widgets: Vec<Widget>,
}

/// Where the issue date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueDateSource {
    Option,
    Document,
    /// The day, month and year the clerk filled into the fields vbdt's personal signature
    /// reserved (rules.md S11).
    Filled,
}

/// A document rule not applied because the user asked for the signatures only
/// (`vbdt verify --expect signatures`).
pub fn not_applied(id: &'static str) -> RuleOutcome {
    rule(
        id,
        RuleStatus::Skipped,
        "not applied: --expect signatures checks the signatures only, not the document rules",
        "không áp dụng: --expect signatures chỉ kiểm tra chữ ký, không kiểm tra các quy tắc văn bản",
    )
}

pub fn s1(sigs: &[SigFacts], kind: &KindDecision) -> RuleOutcome {
    if let Some((expected, source, marked, index)) = kind.conflict() {
        if expected == DocumentKind::Issued {
            return conflict_rule("S1", expected, source, marked, index);
        }
    }
    match kind.kind {
        Some(DocumentKind::Copy) => {
            return rule(
                "S1",
                RuleStatus::Skipped,
                "does not apply: a copy carries one organization signature (S4)",
                "không áp dụng: bản sao mang một chữ ký của cơ quan, tổ chức (S4)",
            )
        }
        Some(DocumentKind::Attachment) => {
            return rule(
                "S1",
                RuleStatus::Skipped,
                "does not apply: an attachment in its own file carries only the organization signature (S5)",
                "không áp dụng: văn bản kèm theo ở tệp riêng chỉ có chữ ký của cơ quan, tổ chức (S5)",
            )
        }
        _ => {}
    }
    let roles: Vec<Role> = sigs.iter().filter(|s| s.kind == SignatureKind::Signature).map(|s| s.role).collect();
    // `--expect issued`: the user states the file is an issued document, so S1 must be
    // decided; what keeps it from being decided is a failure, never a skip.
    let required = kind.expected == Some((DocumentKind::Issued, KindSource::Expect));
    if roles.is_empty() {
        if required {
            return rule(
                "S1",
                RuleStatus::Fail,
                "--expect issued: no signature; an issued document needs the personal signature of the official, then the organization signature",
                "--expect issued: không có chữ ký; văn bản ban hành phải có chữ ký cá nhân của người có thẩm quyền, rồi chữ ký của cơ quan, tổ chức",
            );
        }
        return rule("S1", RuleStatus::Skipped, "no signature to check", "không có chữ ký để kiểm tra");
    }
    if roles.contains(&Role::Unknown) {
        if required {
            let unknown: Vec<String> = sigs
                .iter()
                .filter(|s| s.kind == SignatureKind::Signature && s.role == Role::Unknown)
                .map(|s| s.index.to_string())
                .collect();
            let list = unknown.join(", ");
            return rule(
                "S1",
                RuleStatus::Fail,
                format!(
                    "--expect issued: the role of signature {list} is unknown (neither marked by vbdt nor stated by its certificate), \
                     so the personal-then-organization order cannot be established"
                ),
                format!(
                    "--expect issued: không rõ vai trò của chữ ký {list} (không do vbdt đánh dấu, chứng thư chữ ký số cũng không nêu), \
                     nên không xác định được thứ tự chữ ký cá nhân rồi chữ ký của cơ quan, tổ chức"
                ),
            );
        }
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

pub fn s7(sigs: &[SigFacts], issue_date: Option<(Date, IssueDateSource)>, kind: &KindDecision) -> RuleOutcome {
    if kind.kind == Some(DocumentKind::Copy) {
        return rule(
            "S7",
            RuleStatus::Skipped,
            "does not apply to a copy: it is signed when it is copied, and its date line is the original's issue date",
            "không áp dụng cho bản sao: bản sao được ký khi sao, còn dòng ngày tháng là ngày ban hành của bản gốc",
        );
    }
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
        IssueDateSource::Filled => (
            "the date the clerk filled in, fields VBDT_Ngay, VBDT_Thang, VBDT_Nam",
            "ngày văn thư điền vào các trường VBDT_Ngay, VBDT_Thang, VBDT_Nam",
        ),
    };
    for s in &orgs {
        let Some(t) = s.signing_time else {
            return rule(
                "S7",
                RuleStatus::Skipped,
                format!("signature {} has no signing time", s.index),
                format!("chữ ký {} không có thời điểm ký", s.index),
            );
        };
        let local = t.to_offset(vn_offset()).date();
        if local != date {
            // A date read from the page text is a hint (another program's page may carry
            // other dates, such as "Căn cứ … ngày 05 tháng 3 năm 2020"): a warning, not a
            // failure; --issued-on and the clerk's filled date decide.
            let (status, hint_en, hint_vi) = match source {
                IssueDateSource::Document => (
                    RuleStatus::Warn,
                    "; read from the page text, so only a warning: give --issued-on to decide",
                    "; đọc từ chữ trên trang nên chỉ là cảnh báo: dùng --issued-on để kết luận",
                ),
                _ => (RuleStatus::Fail, "", ""),
            };
            return rule(
                "S7",
                status,
                format!("the organization signature {} was made on {local} (Vietnam time), not on the issue date {date} ({src_en}){hint_en}", s.index),
                format!(
                    "chữ ký của cơ quan, tổ chức (chữ ký {}) được ký ngày {local} (giờ Việt Nam), không đúng ngày ban hành {date} ({src_vi}){hint_vi}",
                    s.index
                ),
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

pub fn s8(header_version: &str, catalog: Option<&str>) -> RuleOutcome {
    let header = parse_version(header_version);
    let cat = catalog.and_then(parse_version);
    let effective = match (header, cat) {
        (Some(h), Some(c)) => Some(h.max(c)),
        (h, c) => h.or(c),
    };
    match effective {
        Some(v) if v >= (1, 4) => rule(
            "S8",
            RuleStatus::Pass,
            format!("PDF version {}.{} (1.4 or later)", v.0, v.1),
            format!("phiên bản PDF {}.{} (từ 1.4 trở lên)", v.0, v.1),
        ),
        Some(v) => rule(
            "S8",
            RuleStatus::Fail,
            format!("PDF version {}.{} is older than the required 1.4", v.0, v.1),
            format!("phiên bản PDF {}.{} cũ hơn mức tối thiểu 1.4", v.0, v.1),
        ),
        None => rule(
            "S8",
            RuleStatus::Fail,
            format!("unreadable PDF version \"{header_version}\""),
            format!("không đọc được phiên bản PDF \"{header_version}\""),
        ),
    }
}

/// The catalog's `/Version` of `doc` (which may raise the header's version).
pub fn catalog_version(doc: &Document) -> Option<String> {
    let root = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r))?;
    pdfobj::dict_get_name(doc, root, b"Version").map(|n| String::from_utf8_lossy(n).into_owned())
}

/// Where the file's kind was learnt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KindSource {
    /// A signature made by `vbdt copy` or `vbdt attach` carries `/VBDT_Kind` (signed).
    Marker,
    /// The user said so: `vbdt verify --expect issued|copy|attachment`.
    Expect,
    /// Its place in `vbdt verify --bundle`: the first file is issued, the others attachments.
    Bundle,
}

/// What the file is, and how that is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KindDecision {
    pub kind: Option<DocumentKind>,
    pub source: Option<KindSource>,
    /// The last signature carrying a `/VBDT_Kind` marker: (index, kind).
    pub marked_by: Option<(usize, DocumentKind)>,
    /// What the user or the bundle expected, when it was said.
    pub expected: Option<(DocumentKind, KindSource)>,
}

impl KindDecision {
    /// (expected, how, marked, by signature) when the expectation and the marker disagree.
    pub fn conflict(&self) -> Option<(DocumentKind, KindSource, DocumentKind, usize)> {
        match (self.expected, self.marked_by) {
            (Some((e, src)), Some((i, m))) if e != m => Some((e, src, m, i)),
            _ => None,
        }
    }
}

/// Decides what the file is: what the user (or the bundle) expects, else what the last
/// marked signature says; unknown without either.
pub fn decide_kind(sigs: &[SigFacts], expected: Option<(DocumentKind, KindSource)>) -> KindDecision {
    let marked_by =
        sigs.iter().filter(|s| s.kind == SignatureKind::Signature).filter_map(|s| s.marked_kind.map(|k| (s.index, k))).next_back();
    let (kind, source) = match (expected, marked_by) {
        (Some((e, _)), Some((_, m))) if e == m => (Some(e), Some(KindSource::Marker)),
        (Some((e, src)), _) => (Some(e), Some(src)),
        (None, Some((_, m))) => (Some(m), Some(KindSource::Marker)),
        (None, None) => (None, None),
    };
    KindDecision { kind, source, marked_by, expected }
}

fn kind_words(k: DocumentKind) -> (&'static str, &'static str) {
    match k {
        DocumentKind::Issued => ("an issued document", "văn bản ban hành"),
        DocumentKind::Copy => ("a copy", "bản sao"),
        DocumentKind::Attachment => ("an attachment", "văn bản kèm theo"),
    }
}

fn expectation_words(k: DocumentKind, src: KindSource) -> (String, String) {
    let name = match k {
        DocumentKind::Issued => "issued",
        DocumentKind::Copy => "copy",
        DocumentKind::Attachment => "attachment",
    };
    match src {
        KindSource::Bundle => ("its place in --bundle".into(), "vị trí trong --bundle".into()),
        _ => (format!("--expect {name}"), format!("--expect {name}")),
    }
}

fn conflict_rule(id: &'static str, expected: DocumentKind, src: KindSource, marked: DocumentKind, index: usize) -> RuleOutcome {
    let (e_en, e_vi) = kind_words(expected);
    let (m_en, m_vi) = kind_words(marked);
    let (w_en, w_vi) = expectation_words(expected, src);
    rule(
        id,
        RuleStatus::Fail,
        format!("expected {e_en} ({w_en}), but signature {index} marks the file as {m_en}"),
        format!("tệp phải là {e_vi} ({w_vi}), nhưng chữ ký {index} đánh dấu tệp là {m_vi}"),
    )
}

/// The top edge of an S4/S5 stamp lies at most this far below the page's top edge: the
/// top margin of Decree 30/2020 Appendix I is 20–25 mm (vbdt puts the stamp 4 mm down).
pub const STAMP_MAX_TOP_MM: f32 = 30.0;
/// Its right edge lies at most this far from the page's right edge: the right margin is
/// 15–20 mm (vbdt aligns the stamp 20 mm from the edge).
pub const STAMP_MAX_RIGHT_MM: f32 = 40.0;
/// Its bottom edge lies within this share of the page's height from the top.
pub const STAMP_MAX_BOTTOM_SHARE: f32 = 0.25;
/// The text size S4/S5 ask for, and the difference tolerated before a warning.
const STAMP_TEXT_PT: f32 = 10.0;
const STAMP_TEXT_TOLERANCE_PT: f32 = 0.5;

/// Lower case, without diacritics, spaces folded: "Sao lục" → "sao luc".
fn plain(s: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| if c == 'đ' || c == 'Đ' { 'd' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// For comparing numbers and symbols: NFC, lower case, no spaces.
fn compact(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc().flat_map(char::to_lowercase).filter(|c| !c.is_whitespace()).collect()
}

/// Tokens shaped like a document's number and symbol: a digit first, a slash, and a
/// letter after it ("62/2025/QĐ-UBND", "1234/SKHCN-VP"; not a date "30/9/2025").
pub fn number_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '“' | '”'))
        .map(|t| t.trim_end_matches(['.', ':']))
        .filter(|t| {
            t.chars().next().is_some_and(|c| c.is_ascii_digit())
                && t.split_once('/').is_some_and(|(_, rest)| rest.chars().any(char::is_alphabetic))
        })
        .map(str::to_string)
        .collect()
}

/// A time shown as rule S6 asks: `2025-09-30T14:05:09+07:00`.
fn shows_s6_time(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(25).any(|w| {
        w.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == '-',
            10 => *c == 'T',
            13 | 16 | 22 => *c == ':',
            19 => *c == '+',
            20 => *c == '0',
            21 => *c == '7',
            23 | 24 => *c == '0',
            _ => c.is_ascii_digit(),
        })
    })
}

fn mm(v: f32) -> String {
    format!("{v:.0}")
}

/// S4 (copy) or S5 (attachment in its own file): the organization signature's widget is
/// on page 1 at the top right, its appearance draws no image, and its text says what the
/// rule asks (S4: the kind of copy; S5: the number and symbol, compared with `reference`
/// when it is known).
fn appearance_rule(id: &'static str, want: DocumentKind, sigs: &[SigFacts], kind: &KindDecision, reference: Option<&str>) -> RuleOutcome {
    if let Some((expected, source, marked, index)) = kind.conflict() {
        if expected == want {
            return conflict_rule(id, expected, source, marked, index);
        }
    }
    if kind.kind != Some(want) {
        return not_this_kind(id, want, kind);
    }
    let (what_en, what_vi) = kind_words(want);
    let target = match kind.marked_by {
        Some((i, k)) if k == want => sigs.iter().find(|s| s.index == i),
        _ => sigs.iter().rfind(|s| s.kind == SignatureKind::Signature),
    };
    let Some(t) = target else {
        return rule(
            id,
            RuleStatus::Fail,
            format!("{what_en} needs the organization signature; the file has none"),
            format!("{what_vi} cần chữ ký của cơ quan, tổ chức; tệp không có chữ ký nào"),
        );
    };
    let i = t.index;
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut notes: Vec<(String, String)> = Vec::new();
    match t.role {
        Role::Personal => problems.push((
            format!("signature {i} is a personal signature; {what_en} carries the organization signature"),
            format!("chữ ký {i} là chữ ký cá nhân; {what_vi} phải mang chữ ký của cơ quan, tổ chức"),
        )),
        Role::Unknown => notes.push((
            format!("whether signature {i} is an organization signature cannot be told from its certificate"),
            format!("không xác định được từ chứng thư chữ ký số chữ ký {i} có phải chữ ký của cơ quan, tổ chức hay không"),
        )),
        Role::Organization => {}
    }
    let visible: Vec<&Widget> = t.widgets.iter().filter(|w| w.visible()).collect();
    if t.widgets.is_empty() {
        problems.push((format!("signature {i} has no widget to show it"), format!("chữ ký {i} không có ô hiển thị (widget)")));
    } else if visible.is_empty() {
        problems.push((
            format!("signature {i} is not shown (its widget is hidden, has no area or no appearance); {what_en} shows it at the top right of page 1"),
            format!("chữ ký {i} không hiển thị (ô chữ ký bị ẩn, không có kích thước hoặc không có hình thức hiển thị); {what_vi} phải hiển thị ở góc trên bên phải trang 1"),
        ));
    }
    for w in &visible {
        problems.extend(widget_problems(w, what_en, what_vi));
    }
    let shown = stamp_text(id, want, &visible, reference, &mut problems, &mut notes);
    let join = |v: &[(String, String)]| {
        (v.iter().map(|x| x.0.as_str()).collect::<Vec<_>>().join("; "), v.iter().map(|x| x.1.as_str()).collect::<Vec<_>>().join("; "))
    };
    if !problems.is_empty() {
        let (en, vi) = join(&problems);
        return rule(id, RuleStatus::Fail, format!("signature {i} of {what_en}: {en}"), format!("chữ ký {i} của {what_vi}: {vi}"));
    }
    let place = visible
        .iter()
        .find_map(|w| w.placement)
        .map(|p| {
            (
                format!("{} mm from the top, {} mm from the right edge", mm(p.top_mm), mm(p.right_mm)),
                format!("cách mép trên {} mm, cách mép phải {} mm", mm(p.top_mm), mm(p.right_mm)),
            )
        })
        .unwrap_or_default();
    let compared = match (want, reference) {
        (DocumentKind::Attachment, Some(r)) => (format!("; shows the number and symbol {r}"), format!("; có số và ký hiệu {r}")),
        (DocumentKind::Attachment, None) => (
            "; the number and symbol is not compared with the main document's (give --ref or use --bundle)".into(),
            "; số và ký hiệu chưa được đối chiếu với văn bản chính (dùng --ref hoặc --bundle)".into(),
        ),
        _ => Default::default(),
    };
    let base_en = format!("signature {i}: page 1, top right ({}), no image, text \"{shown}\"{}", place.0, compared.0);
    let base_vi = format!("chữ ký {i}: trang 1, góc trên bên phải ({}), không có hình ảnh, nội dung \"{shown}\"{}", place.1, compared.1);
    if notes.is_empty() {
        rule(id, RuleStatus::Pass, base_en, base_vi)
    } else {
        let (en, vi) = join(&notes);
        rule(id, RuleStatus::Warn, format!("{base_en}; but {en}"), format!("{base_vi}; nhưng {vi}"))
    }
}

/// The appearance rule of a kind the file is not: skipped, saying why.
fn not_this_kind(id: &'static str, want: DocumentKind, kind: &KindDecision) -> RuleOutcome {
    let (w_en, w_vi) = kind_words(want);
    match kind.kind {
        Some(k) => {
            let (k_en, k_vi) = kind_words(k);
            rule(
                id,
                RuleStatus::Skipped,
                format!("does not apply: the file is {k_en}, not {w_en}"),
                format!("không áp dụng: tệp là {k_vi}, không phải {w_vi}"),
            )
        }
        None => {
            let flag = if want == DocumentKind::Copy { "copy" } else { "attachment" };
            rule(
                id,
                RuleStatus::Skipped,
                format!("the file is not marked as {w_en} (vbdt marks the ones it signs); to check another program's file, say what it is with --expect {flag}"),
                format!("tệp không được ghi nhận là {w_vi} (vbdt ghi nhận tệp do nó ký); để kiểm tra tệp của phần mềm khác, cho biết loại tệp bằng --expect {flag}"),
            )
        }
    }
}

/// Where a shown stamp sits and what it draws (S4, S5): page 1, top right, no image.
fn widget_problems(w: &Widget, what_en: &str, what_vi: &str) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    match w.page {
        Some(1) => {}
        Some(n) => problems.push((format!("it is on page {n}, not on the first page"), format!("nằm ở trang {n}, không phải trang đầu"))),
        None => problems.push(("the page it is on cannot be found".into(), "không xác định được trang chứa chữ ký".into())),
    }
    if let (Some(1), Some(p)) = (w.page, w.placement) {
        if !p.inside() {
            problems.push(("it lies partly outside the page".into(), "nằm một phần ngoài trang".into()));
        }
        if p.top_mm > STAMP_MAX_TOP_MM {
            problems.push((
                format!(
                    "its top edge is {} mm below the top of the page (at most {} mm: the top margin)",
                    mm(p.top_mm),
                    mm(STAMP_MAX_TOP_MM)
                ),
                format!("mép trên cách mép trên trang {} mm (tối đa {} mm: lề trên)", mm(p.top_mm), mm(STAMP_MAX_TOP_MM)),
            ));
        }
        let max_bottom = p.page_height_mm * STAMP_MAX_BOTTOM_SHARE;
        if p.bottom_mm > max_bottom {
            problems.push((
                format!("it reaches {} mm down the page (at most a quarter of the page, {} mm)", mm(p.bottom_mm), mm(max_bottom)),
                format!("kéo xuống tới {} mm tính từ mép trên trang (tối đa một phần tư trang, {} mm)", mm(p.bottom_mm), mm(max_bottom)),
            ));
        }
        if p.right_mm > STAMP_MAX_RIGHT_MM {
            problems.push((
                format!("its right edge is {} mm from the right edge of the page (at most {} mm)", mm(p.right_mm), mm(STAMP_MAX_RIGHT_MM)),
                format!("mép phải cách mép phải trang {} mm (tối đa {} mm)", mm(p.right_mm), mm(STAMP_MAX_RIGHT_MM)),
            ));
        }
        if p.centre_x_mm() < p.page_width_mm / 2.0 {
            problems.push(("its centre lies in the left half of the page".into(), "tâm nằm ở nửa trái của trang".into()));
        }
    }
    if let Some(where_) = &w.image {
        problems.push((
            format!("its appearance draws an image ({where_}); {what_en} shows text only"),
            format!("hình thức hiển thị có hình ảnh ({where_}); {what_vi} chỉ hiển thị chữ"),
        ));
    }
    if let Some(why) = &w.unreadable {
        problems.push((why.clone(), format!("không đọc được hết hình thức hiển thị: {why}")));
    }
    problems
}

/// What a shown stamp's text says (S4: the kind of copy; S5: the document's number and
/// symbol; S6: the time; the size): problems and notes; returns the text as shown.
fn stamp_text(
    id: &'static str,
    want: DocumentKind,
    visible: &[&Widget],
    reference: Option<&str>,
    problems: &mut Vec<(String, String)>,
    notes: &mut Vec<(String, String)>,
) -> String {
    let text: String = visible.iter().map(|w| w.text()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("\n");
    let mut shown = String::new();
    if !visible.is_empty() && text.trim().is_empty() {
        problems.push(("it shows no text".into(), "không hiển thị chữ".into()));
    } else if !visible.is_empty() {
        shown = text.lines().collect::<Vec<_>>().join(" / ");
        match want {
            DocumentKind::Copy => {
                let p = plain(&text);
                if !["sao y", "sao luc", "trich sao"].iter().any(|k| p.contains(k)) {
                    problems.push((
                        "its text does not name the kind of copy (sao y, sao lục or trích sao)".into(),
                        "phần chữ không ghi loại bản sao (sao y, sao lục hoặc trích sao)".into(),
                    ));
                }
            }
            _ => match reference {
                Some(r) if !compact(&text).contains(&compact(r)) => {
                    let other =
                        number_tokens(&text).first().map(|o| (format!(" (it shows {o})"), format!(" (ghi {o})"))).unwrap_or_default();
                    problems.push((
                        format!("its text does not show the number and symbol {r} of the document it belongs to{}", other.0),
                        format!("phần chữ không ghi số và ký hiệu {r} của văn bản mà nó kèm theo{}", other.1),
                    ));
                }
                Some(_) => {}
                None if number_tokens(&text).is_empty() => problems.push((
                    "its text shows no number and symbol of the document it belongs to".into(),
                    "phần chữ không ghi số và ký hiệu của văn bản mà nó kèm theo".into(),
                )),
                None => {}
            },
        }
        if !shows_s6_time(&text) {
            notes.push((
                "its text does not show the signing time as S6 asks (YYYY-MM-DDThh:mm:ss+07:00)".into(),
                "phần chữ không hiển thị thời gian ký theo S6 (YYYY-MM-DDThh:mm:ss+07:00)".into(),
            ));
        }
        let sizes: Vec<f32> = visible
            .iter()
            .flat_map(|w| w.lines.iter().map(|l| l.size_pt))
            .filter(|s| (s - STAMP_TEXT_PT).abs() > STAMP_TEXT_TOLERANCE_PT)
            .collect();
        if let Some(s) = sizes.first() {
            notes.push((
                format!("its text is {s:.1} pt; {id} asks for {STAMP_TEXT_PT} pt"),
                format!("chữ cỡ {s:.1} pt; {id} quy định {STAMP_TEXT_PT} pt"),
            ));
        }
    }
    shown
}

/// S4: the appearance of a copy (bản sao định dạng điện tử).
pub fn s4(sigs: &[SigFacts], kind: &KindDecision) -> RuleOutcome {
    appearance_rule("S4", DocumentKind::Copy, sigs, kind, None)
}

/// S5: the appearance of an attachment or appendix in its own file; `reference` is the
/// main document's number and symbol when known (`--ref`, `--bundle`).
pub fn s5(sigs: &[SigFacts], kind: &KindDecision, reference: Option<&str>) -> RuleOutcome {
    appearance_rule("S5", DocumentKind::Attachment, sigs, kind, reference)
}

/// Folds the Vietnamese letters the date line uses to ASCII (ngày, tháng, năm).
fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let f = match c {
            '\u{0300}'..='\u{036f}' => continue,
            'à' | 'á' | 'ả' | 'ã' | 'ạ' | 'ă' | 'ằ' | 'ắ' | 'ẳ' | 'ẵ' | 'ặ' | 'â' | 'ầ' | 'ấ' | 'ẩ' | 'ẫ' | 'ậ' => {
                'a'
            }
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

/// The issue date the clerk filled in (rules.md S11): the day, month and year fields that
/// vbdt's personal signature reserved, when all three hold a date. Whether they were filled
/// in an allowed way is the modification analysis' business (V5).
pub fn issue_date_from_fields(doc: &Document) -> Option<Date> {
    use stamp_layout::blanks::BlankKind;
    let fields = stamp_layout::blanks::reserved_in_doc(doc);
    let value = |kind: BlankKind| fields.iter().find(|f| f.blank.kind == kind).and_then(|f| f.value.as_deref()?.trim().parse::<u32>().ok());
    let (d, m, y) = (value(BlankKind::Day)?, value(BlankKind::Month)?, value(BlankKind::Year)?);
    let month = time::Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(y).ok()?, month, u8::try_from(d).ok()?).ok()
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
        roles
            .iter()
            .enumerate()
            .map(|(i, r)| SigFacts {
                index: i + 1,
                kind: SignatureKind::Signature,
                role: *r,
                signing_time: None,
                marked_kind: None,
                widgets: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn s1_orders() {
        let k = KindDecision::default();
        assert_eq!(s1(&facts(&[Role::Personal, Role::Organization]), &k).status, RuleStatus::Pass);
        assert_eq!(s1(&facts(&[Role::Personal]), &k).status, RuleStatus::Fail);
        assert_eq!(s1(&facts(&[Role::Organization, Role::Personal]), &k).status, RuleStatus::Fail);
        assert_eq!(s1(&facts(&[Role::Personal, Role::Unknown]), &k).status, RuleStatus::Skipped);
        // --expect issued: S1 is decided or fails, never skipped.
        let issued = decide_kind(&[], Some((DocumentKind::Issued, KindSource::Expect)));
        let r = s1(&facts(&[Role::Personal, Role::Unknown]), &issued);
        assert_eq!(r.status, RuleStatus::Fail);
        assert!(r.message.get(crate::verdict::Lang::En).contains("signature 2 is unknown"), "{r:?}");
        assert_eq!(s1(&[], &issued).status, RuleStatus::Fail);
        assert_eq!(s1(&facts(&[Role::Personal, Role::Organization]), &issued).status, RuleStatus::Pass);
        assert_eq!(not_applied("S8").status, RuleStatus::Skipped);
    }

    #[test]
    fn s7_uses_vietnam_time() {
        let mut f = facts(&[Role::Personal, Role::Organization]);
        // 2025-09-30 18:00 UTC is 2025-10-01 01:00 in Vietnam.
        f[1].signing_time = Some(datetime!(2025-09-30 18:00 UTC));
        let k = KindDecision::default();
        assert_eq!(s7(&f, Some((date!(2025 - 10 - 01), IssueDateSource::Option)), &k).status, RuleStatus::Pass);
        assert_eq!(s7(&f, Some((date!(2025 - 09 - 30), IssueDateSource::Option)), &k).status, RuleStatus::Fail);
        assert_eq!(s7(&f, None, &k).status, RuleStatus::Skipped);
        // A date read from the page text is a hint: a mismatch warns; the clerk's filled
        // date decides like --issued-on.
        assert_eq!(s7(&f, Some((date!(2025 - 09 - 30), IssueDateSource::Document)), &k).status, RuleStatus::Warn);
        assert_eq!(s7(&f, Some((date!(2025 - 09 - 30), IssueDateSource::Filled)), &k).status, RuleStatus::Fail);
        // A copy is signed when it is copied, not on the original's issue date.
        let copy = KindDecision { kind: Some(DocumentKind::Copy), ..KindDecision::default() };
        assert_eq!(s7(&f, Some((date!(2025 - 09 - 30), IssueDateSource::Option)), &copy).status, RuleStatus::Skipped);
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
    fn stamp_text_helpers() {
        assert_eq!(number_tokens("Kèm theo văn bản số 62/2025/QĐ-UBND ngày 30/9/2025"), vec!["62/2025/QĐ-UBND".to_string()]);
        assert_eq!(number_tokens("(Số: 1234/SKHCN-VP)."), vec!["1234/SKHCN-VP".to_string()]);
        assert!(number_tokens("2025-09-30T14:05:09+07:00 30/9/2025").is_empty());
        assert!(shows_s6_time("Sao y\n2025-09-30T14:05:09+07:00"));
        assert!(!shows_s6_time("2025-09-30 14:05:09 +07:00") && !shows_s6_time("2025-09-30T14:05:09+00:00"));
        assert_eq!(plain("SAO LỤC  bản"), "sao luc ban");
        assert_eq!(plain("Trích sao"), "trich sao");
        assert!(compact("Kèm theo số 62/2025/ QĐ-UBND").contains(&compact("62/2025/qđ-ubnd")));
    }

    #[test]
    fn the_kind_comes_from_the_expectation_or_the_last_marker() {
        let mut f = facts(&[Role::Organization, Role::Organization]);
        assert_eq!(decide_kind(&f, None), KindDecision::default());
        f[0].marked_kind = Some(DocumentKind::Attachment);
        f[1].marked_kind = Some(DocumentKind::Copy);
        let k = decide_kind(&f, None);
        assert_eq!((k.kind, k.source, k.marked_by), (Some(DocumentKind::Copy), Some(KindSource::Marker), Some((2, DocumentKind::Copy))));
        assert_eq!(k.conflict(), None);
        let k = decide_kind(&f, Some((DocumentKind::Issued, KindSource::Expect)));
        assert_eq!(k.kind, Some(DocumentKind::Issued));
        assert_eq!(k.conflict(), Some((DocumentKind::Issued, KindSource::Expect, DocumentKind::Copy, 2)));
        assert_eq!(s1(&f, &k).status, RuleStatus::Fail);
        assert_eq!(s4(&f, &k).status, RuleStatus::Skipped);
        // Without widgets, an expected copy fails S4: nothing is shown.
        let k = decide_kind(&facts(&[Role::Organization]), Some((DocumentKind::Copy, KindSource::Expect)));
        let r = s4(&facts(&[Role::Organization]), &k);
        assert_eq!(r.status, RuleStatus::Fail);
        assert!(r.message.en.contains("no widget"), "{}", r.message.en);
    }

    #[test]
    fn versions() {
        assert_eq!(s8("1.3", None).status, RuleStatus::Fail);
        assert_eq!(s8("1.4", None).status, RuleStatus::Pass);
        assert_eq!(s8("2.0", None).status, RuleStatus::Pass);
        assert_eq!(s8("x", None).status, RuleStatus::Fail);
    }
}
