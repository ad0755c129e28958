//! Reports: the data a verification produces, and its renderings — text for a person
//! (Vietnamese or English), JSON for machines (docs/report-schema.json), JUnit XML for CI.
//! Every time is shown in Vietnam time, `+07:00` (rules.md S6), whatever the machine's zone.

use serde::Serialize;
use serde_json::{json, Value};
use time::{OffsetDateTime, UtcOffset};

use crate::appearance::Widget;
use crate::modifications::{Finding, ModSummary};
use crate::rules::{KindSource, RuleOutcome};
use crate::signatures::{DocumentKind, Role, SignatureKind};
use crate::verdict::{Check, CheckStatus, Lang, Msg, RuleStatus, Verdict};

/// The version of the JSON report format (`"vbdt_report": 1`).
pub const JSON_REPORT_VERSION: u32 = 1;

/// Vietnam's UTC offset (+07:00, no daylight saving).
pub fn vn_offset() -> UtcOffset {
    time::macros::offset!(+7)
}

/// `2025-09-30T14:05:09+07:00`.
pub fn fmt_time(t: OffsetDateTime) -> String {
    let v = t.to_offset(vn_offset());
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+07:00", v.year(), u8::from(v.month()), v.day(), v.hour(), v.minute(), v.second())
}

/// Where a signature's signing time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// A verified RFC 3161 timestamp.
    Timestamp,
    /// The signer's own clock (signingTime attribute or /M), or the validation time.
    Claimed,
}

/// What proves that a signature (or timestamp) existed at some time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofSource {
    /// The signature's own verified timestamp.
    Timestamp,
    /// A verified document timestamp over a later revision.
    DocumentTimestamp,
}

/// The earliest verified proof of existence (ETSI's best-signature-time).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub time: OffsetDateTime,
    pub source: ProofSource,
    /// The field of the signature or document timestamp that carries the proof.
    pub field: String,
}

/// What the time the certificates were checked at is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckedAtSource {
    /// The signature's own timestamp (for a timestamp: the token's own time).
    Timestamp,
    /// A document timestamp's proof of existence (past validation).
    DocumentTimestamp,
    /// The signer's claimed signing time.
    Claimed,
    /// The validation time (the signature states no signing time).
    ValidationTime,
}

/// When the signer's (or TSA's) certificate was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedAt {
    pub time: OffsetDateTime,
    pub source: CheckedAtSource,
}

/// How a signature's role is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleSource {
    /// `/VBDT_Role`, written by vbdt inside the signed bytes.
    Vbdt,
    /// The signer certificate states it (see `role`).
    Certificate,
}

/// Who signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerSummary {
    pub subject: String,
    pub common_name: Option<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
    pub sha256: Option<String>,
    /// The certificate policies it carries (dotted OIDs).
    pub policies: Vec<String>,
}

/// One signature or document timestamp.
#[derive(Debug, Clone)]
pub struct SignatureReport {
    /// 1-based, in signing order.
    pub index: usize,
    pub field: String,
    pub kind: SignatureKind,
    pub role: Role,
    /// How the role is known (None when it is unknown).
    pub role_source: Option<RoleSource>,
    /// For a role read from the certificate: the statement that says so.
    pub role_evidence: Option<String>,
    /// `/VBDT_Kind`: this signature made the file a copy or an attachment.
    pub marked_kind: Option<DocumentKind>,
    /// The signature field's widgets and what they show.
    pub widgets: Vec<Widget>,
    pub sub_filter: Option<String>,
    pub signer: Option<SignerSummary>,
    /// Where the signer's certification path ends: official-duty, public or other (V7).
    pub service: Option<crate::service::PathService>,
    pub signing_time: Option<OffsetDateTime>,
    pub time_source: TimeSource,
    /// When the certificate checks (Điều 31, 32) were made, and what that time is.
    pub checked_at: Option<CheckedAt>,
    /// The earliest verified proof that the signature existed.
    pub proof_of_existence: Option<Proof>,
    pub byte_range: Option<Vec<i64>>,
    /// 1-based revision the signature covers.
    pub revision: Option<usize>,
    pub modifications_after: ModSummary,
    pub modifications: Vec<Finding>,
    pub checks: Vec<Check>,
    pub warnings: Vec<Msg>,
    pub verdict: Verdict,
}

/// One file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub sha256: String,
    pub pdf_version: String,
    pub revisions: usize,
    pub verdict: Verdict,
    pub signatures: Vec<SignatureReport>,
    pub rules: Vec<RuleOutcome>,
    /// What the file is (issued, copy, attachment), when known, and how it is known.
    pub document_kind: Option<DocumentKind>,
    pub document_kind_source: Option<KindSource>,
    /// Each change made after the first signed revision, once, under the revision that
    /// made it (see [`crate::modifications::Revisions::changes`]).
    pub changes: Vec<Finding>,
}

/// A file that could not be verified at all.
#[derive(Debug, Clone)]
pub struct FileError {
    pub file: String,
    pub sha256: Option<String>,
    /// Why, in both languages (without the file's name).
    pub error: Msg,
}

/// What a batch produced for one input, in input order.
#[derive(Debug, Clone)]
pub enum Outcome {
    Report(Box<FileReport>),
    Error(FileError),
}

fn status_str(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "pass",
        CheckStatus::Fail => "fail",
        CheckStatus::Indeterminate => "indeterminate",
        CheckStatus::Skipped => "skipped",
    }
}

fn rule_status_str(s: RuleStatus) -> &'static str {
    match s {
        RuleStatus::Pass => "pass",
        RuleStatus::Fail => "fail",
        RuleStatus::Warn => "warn",
        RuleStatus::Skipped => "skipped",
    }
}

fn verdict_str(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "valid",
        Verdict::Invalid => "invalid",
        Verdict::Indeterminate => "indeterminate",
        Verdict::Unsigned => "unsigned",
    }
}

fn kind_str(k: SignatureKind) -> &'static str {
    match k {
        SignatureKind::Signature => "signature",
        SignatureKind::DocumentTimestamp => "document-timestamp",
    }
}

pub fn role_str(r: Role) -> &'static str {
    match r {
        Role::Personal => "personal",
        Role::Organization => "organization",
        Role::Unknown => "unknown",
    }
}

pub fn role_vi(r: Role) -> &'static str {
    match r {
        Role::Personal => "cá nhân",
        Role::Organization => "cơ quan, tổ chức",
        Role::Unknown => "không rõ vai trò",
    }
}

fn document_kind_str(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Issued => "issued",
        DocumentKind::Copy => "copy",
        DocumentKind::Attachment => "attachment",
    }
}

fn kind_source_str(k: KindSource) -> &'static str {
    match k {
        KindSource::Marker => "marker",
        KindSource::Expect => "expect",
        KindSource::Bundle => "bundle",
    }
}

/// The first visible widget (else the first one) as JSON, or null without a widget.
fn appearance_json(widgets: &[Widget]) -> Value {
    let Some(w) = widgets.iter().find(|w| w.visible()).or(widgets.first()) else { return Value::Null };
    let round = |v: f32| (f64::from(v) * 10.0).round() / 10.0;
    json!({
        "visible": w.visible(),
        "page": w.page,
        "rect": w.rect.map(|r| vec![round(r.x0), round(r.y0), round(r.x1), round(r.y1)]),
        "top_mm": w.placement.map(|p| round(p.top_mm)),
        "right_mm": w.placement.map(|p| round(p.right_mm)),
        "image": w.image.is_some(),
        "text": w.text(),
    })
}

fn mods_str(m: ModSummary) -> &'static str {
    match m {
        ModSummary::None => "none",
        ModSummary::Allowed => "allowed",
        ModSummary::Disallowed => "disallowed",
    }
}

// ---------------------------------------------------------------------------------------
// JSON

fn finding_json(f: &Finding, lang: Lang) -> Value {
    let mut v = json!({
        "revision": f.revision,
        "level": match f.level {
            crate::modifications::Level::None => "none",
            crate::modifications::Level::ValidationData => "validation-data",
            crate::modifications::Level::FormFilling => "form-filling",
            crate::modifications::Level::Annotations => "annotations",
            crate::modifications::Level::Other => "other",
        },
        "allowed": f.allowed,
        "rule": f.rule,
        "message": f.message.get(lang),
    });
    if f.count > 1 {
        v["count"] = json!(f.count);
        v["last_revision"] = json!(f.last_revision);
    }
    v
}

fn signature_json(s: &SignatureReport, lang: Lang) -> Value {
    json!({
        "index": s.index,
        "field": s.field,
        "kind": kind_str(s.kind),
        "role": role_str(s.role),
        "role_source": s.role_source.map(|r| match r { RoleSource::Vbdt => "vbdt", RoleSource::Certificate => "certificate" }),
        "role_evidence": s.role_evidence,
        "document_kind": s.marked_kind.map(document_kind_str),
        "appearance": appearance_json(&s.widgets),
        "sub_filter": s.sub_filter,
        "signer": s.signer.as_ref().map(|c| json!({
            "subject": c.subject,
            "common_name": c.common_name,
            "issuer": c.issuer,
            "serial": c.serial,
            "not_before": fmt_time(c.not_before),
            "not_after": fmt_time(c.not_after),
            "sha256": c.sha256,
            "policies": c.policies,
        })),
        "service": s.service.as_ref().map(|p| json!({
            "kind": p.service.as_str(),
            "profile": p.profile,
            "anchor": p.anchor,
            "label": p.service.label().get(lang),
        })),
        "signing_time": s.signing_time.map(fmt_time),
        "time_source": match s.time_source { TimeSource::Timestamp => "timestamp", TimeSource::Claimed => "claimed" },
        "checked_at": s.checked_at.map(|c| json!({
            "time": fmt_time(c.time),
            "source": match c.source {
                CheckedAtSource::Timestamp => "timestamp",
                CheckedAtSource::DocumentTimestamp => "document-timestamp",
                CheckedAtSource::Claimed => "claimed",
                CheckedAtSource::ValidationTime => "validation-time",
            },
        })),
        "proof_of_existence": s.proof_of_existence.as_ref().map(|p| json!({
            "time": fmt_time(p.time),
            "source": match p.source { ProofSource::Timestamp => "timestamp", ProofSource::DocumentTimestamp => "document-timestamp" },
            "field": p.field,
        })),
        "byte_range": s.byte_range,
        "revision": s.revision,
        "modifications_after": mods_str(s.modifications_after),
        "modifications": s.modifications.iter().map(|f| finding_json(f, lang)).collect::<Vec<_>>(),
        "checks": s.checks.iter().map(|c| json!({
            "id": c.id,
            "article": c.article,
            "status": status_str(c.status),
            "message": c.message.get(lang),
        })).collect::<Vec<_>>(),
        "warnings": s.warnings.iter().map(|w| w.get(lang)).collect::<Vec<_>>(),
        "verdict": verdict_str(s.verdict),
    })
}

/// The JSON value of one outcome.
pub fn outcome_json(o: &Outcome, lang: Lang) -> Value {
    match o {
        Outcome::Report(r) => json!({
            "file": r.file,
            "sha256": r.sha256,
            "pdf_version": r.pdf_version,
            "revisions": r.revisions,
            "verdict": verdict_str(r.verdict),
            "document_kind": r.document_kind.map(document_kind_str).unwrap_or("unknown"),
            "document_kind_source": r.document_kind_source.map(kind_source_str),
            "changes": r.changes.iter().map(|f| finding_json(f, lang)).collect::<Vec<_>>(),
            "signatures": r.signatures.iter().map(|s| signature_json(s, lang)).collect::<Vec<_>>(),
            "rules": r.rules.iter().map(|x| json!({"id": x.id, "status": rule_status_str(x.status), "message": x.message.get(lang)})).collect::<Vec<_>>(),
        }),
        Outcome::Error(e) => json!({
            "file": e.file,
            "sha256": e.sha256,
            "verdict": "unreadable",
            "error": e.error.get(lang),
            "signatures": [],
            "rules": [],
        }),
    }
}

/// The whole JSON document: `{"vbdt_report": 1, "files": [...]}`.
pub fn json(outcomes: &[Outcome], lang: Lang) -> String {
    let doc = json!({
        "vbdt_report": JSON_REPORT_VERSION,
        "files": outcomes.iter().map(|o| outcome_json(o, lang)).collect::<Vec<_>>(),
    });
    // Serialising a serde_json::Value cannot fail (no non-string map keys).
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// Text

/// Colours for a terminal, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn verdict(&self, v: Verdict, lang: Lang) -> String {
        let code = match v {
            Verdict::Valid => "1;32",
            Verdict::Invalid | Verdict::Unsigned => "1;31",
            Verdict::Indeterminate => "1;33",
        };
        self.paint(code, v.label(lang))
    }
    fn status(&self, s: CheckStatus) -> String {
        match s {
            CheckStatus::Pass => self.paint("32", "✓"),
            CheckStatus::Fail => self.paint("31", "✗"),
            CheckStatus::Indeterminate => self.paint("33", "?"),
            CheckStatus::Skipped => self.paint("2", "-"),
        }
    }
    fn rule_status(&self, s: RuleStatus) -> String {
        match s {
            RuleStatus::Pass => self.paint("32", "✓"),
            RuleStatus::Fail => self.paint("31", "✗"),
            RuleStatus::Warn => self.paint("33", "!"),
            RuleStatus::Skipped => self.paint("2", "-"),
        }
    }
}

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// The text report of one outcome.
pub fn text(o: &Outcome, lang: Lang, style: Style) -> String {
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let r = match o {
        Outcome::Error(e) => {
            let label = if vi { "KHÔNG ĐỌC ĐƯỢC" } else { "UNREADABLE" };
            out.push_str(&format!("{}: {} — {}\n", e.file, style.paint("1;31", label), e.error.get(lang)));
            return out;
        }
        Outcome::Report(r) => r,
    };
    let n = r.signatures.len();
    let count = if vi {
        format!("{n} chữ ký")
    } else if n == 1 {
        "1 signature".to_string()
    } else {
        format!("{n} signatures")
    };
    let kind = match (r.document_kind, vi) {
        (None, _) => "",
        (Some(DocumentKind::Issued), true) => ", văn bản ban hành",
        (Some(DocumentKind::Issued), false) => ", issued document",
        (Some(DocumentKind::Copy), true) => ", bản sao",
        (Some(DocumentKind::Copy), false) => ", copy",
        (Some(DocumentKind::Attachment), true) => ", văn bản kèm theo",
        (Some(DocumentKind::Attachment), false) => ", attachment",
    };
    out.push_str(&format!(
        "{}: {} ({count}, PDF {}, {} {}{kind})\n",
        r.file,
        style.verdict(r.verdict, lang),
        r.pdf_version,
        r.revisions,
        if vi { "phiên bản" } else { "revision(s)" }
    ));
    for s in &r.signatures {
        let kind = match (s.kind, vi) {
            (SignatureKind::Signature, true) => "Chữ ký",
            (SignatureKind::Signature, false) => "Signature",
            (SignatureKind::DocumentTimestamp, true) => "Dấu thời gian tài liệu",
            (SignatureKind::DocumentTimestamp, false) => "Document timestamp",
        };
        let mut role = match (s.role, vi) {
            (Role::Unknown, false) => "role unknown".to_string(),
            (r, false) => role_str(r).to_string(),
            (r, true) => role_vi(r).to_string(),
        };
        if let (Some(RoleSource::Certificate), Some(e)) = (s.role_source, &s.role_evidence) {
            role.push_str(&if vi { format!(" (theo chứng thư chữ ký số: {e})") } else { format!(" (from the certificate: {e})") });
        }
        if let Some(k) = s.marked_kind {
            role.push_str(match (k, vi) {
                (DocumentKind::Copy, true) => ", ký bản sao",
                (DocumentKind::Copy, false) => ", signs a copy",
                (DocumentKind::Attachment, true) => ", ký văn bản kèm theo",
                (DocumentKind::Attachment, false) => ", signs an attachment",
                (DocumentKind::Issued, _) => "",
            });
        }
        let who = s.signer.as_ref().map(|c| c.common_name.clone().unwrap_or_else(|| c.subject.clone())).unwrap_or_else(|| "?".into());
        let when = match (s.signing_time, s.time_source, vi) {
            (Some(t), TimeSource::Timestamp, true) => format!("{} (dấu thời gian)", fmt_time(t)),
            (Some(t), TimeSource::Timestamp, false) => format!("{} (timestamp)", fmt_time(t)),
            (Some(t), TimeSource::Claimed, true) => format!("{} (người ký khai)", fmt_time(t)),
            (Some(t), TimeSource::Claimed, false) => format!("{} (claimed)", fmt_time(t)),
            (None, _, _) => "?".into(),
        };
        out.push_str(&format!("  {kind} {} [{}] — {role} — {who} — {when}\n", s.index, s.field));
        if let Some(p) = &s.service {
            let (head, at) =
                if vi { ("loại chữ ký", "đường dẫn kết thúc ở") } else { ("kind of signature", "path ends at") };
            out.push_str(&format!("    ◆ {head}: {} ({at} \"{}\")\n", p.service.label().get(lang), p.anchor));
        }
        if let Some(p) = s.proof_of_existence.as_ref().filter(|p| p.source == ProofSource::DocumentTimestamp) {
            let used = s.checked_at.is_some_and(|c| c.source == CheckedAtSource::DocumentTimestamp);
            let t = fmt_time(p.time);
            out.push_str(&match (vi, used) {
                (true, true) => {
                    format!(
                        "    ⧗ đã tồn tại lúc {t} (dấu thời gian tài liệu [{}]); chứng thư chữ ký số được kiểm tra tại thời điểm này\n",
                        p.field
                    )
                }
                (true, false) => format!("    ⧗ đã tồn tại lúc {t} (dấu thời gian tài liệu [{}])\n", p.field),
                (false, true) => format!("    ⧗ existed by {t} (document timestamp [{}]); certificates checked at that time\n", p.field),
                (false, false) => format!("    ⧗ existed by {t} (document timestamp [{}])\n", p.field),
            });
        }
        for c in &s.checks {
            out.push_str(&format!("    {} {} {} {}\n", style.status(c.status), pad(c.article, 18), pad(c.id, 17), c.message.get(lang)));
        }
        for f in s.modifications.iter().filter(|f| !f.allowed) {
            let rev = if f.revision == 0 {
                String::new()
            } else if vi {
                format!("phiên bản {}: ", f.revision)
            } else {
                format!("revision {}: ", f.revision)
            };
            out.push_str(&format!("      {} {rev}{}\n", style.paint("31", "✗"), f.message.get(lang)));
        }
        for w in &s.warnings {
            out.push_str(&format!("    {} {}\n", style.paint("33", "!"), w.get(lang)));
        }
        out.push_str(&format!("    → {}\n", style.verdict(s.verdict, lang)));
    }
    if !r.rules.is_empty() {
        out.push_str(if vi { "  Quy tắc văn bản\n" } else { "  Document rules\n" });
        for x in &r.rules {
            out.push_str(&format!("    {} {} {}\n", style.rule_status(x.status), pad(x.id, 4), x.message.get(lang)));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// JUnit

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

struct Case {
    name: String,
    /// (element, message, details): `failure` or `error` or `skipped`.
    result: Option<(&'static str, String, String)>,
}

/// JUnit XML: one test suite per file, one test case for the file and one per signature.
pub fn junit(outcomes: &[Outcome], lang: Lang) -> String {
    let mut suites = String::new();
    let (mut total, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for o in outcomes {
        let s = junit_suite(o, lang);
        total += s.tests;
        failures += s.failures;
        errors += s.errors;
        suites.push_str(&s.xml);
    }
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vbdt verify\" tests=\"{total}\" failures=\"{failures}\" errors=\"{errors}\">\n{suites}</testsuites>\n")
}

/// One file's `<testsuite>` element of [`junit`], with its counts (for writing a
/// report file by file).
pub struct JunitSuite {
    pub xml: String,
    pub tests: usize,
    pub failures: usize,
    pub errors: usize,
}

/// The test cases of one outcome: the file, then each signature.
fn junit_cases(o: &Outcome, lang: Lang) -> (String, Vec<Case>) {
    match o {
        Outcome::Error(e) => (
            e.file.clone(),
            vec![Case { name: "file".into(), result: Some(("error", e.error.get(lang).to_string(), e.error.get(lang).to_string())) }],
        ),
        Outcome::Report(r) => {
            let mut cases = Vec::new();
            let failed_rules: Vec<String> =
                r.rules.iter().filter(|x| x.status == RuleStatus::Fail).map(|x| format!("{}: {}", x.id, x.message.get(lang))).collect();
            let file_result = match r.verdict {
                Verdict::Valid => None,
                Verdict::Unsigned => Some(("failure", "unsigned".to_string(), "the file has no signature".to_string())),
                Verdict::Invalid => Some(("failure", "invalid".to_string(), failed_rules.join("\n"))),
                Verdict::Indeterminate => Some(("error", "indeterminate".to_string(), String::new())),
            };
            cases.push(Case { name: "file".into(), result: file_result });
            for s in &r.signatures {
                let details: Vec<String> = s
                    .checks
                    .iter()
                    .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Indeterminate))
                    .map(|c| format!("[{}] {} {}: {}", status_str(c.status), c.article, c.id, c.message.get(lang)))
                    .chain(s.modifications.iter().filter(|f| !f.allowed).map(|f| format!("[modification] {}", f.message.get(lang))))
                    .collect();
                let first = details.first().cloned().unwrap_or_default();
                let result = match s.verdict {
                    Verdict::Valid | Verdict::Unsigned => None,
                    Verdict::Invalid => Some(("failure", first, details.join("\n"))),
                    Verdict::Indeterminate => Some(("error", first, details.join("\n"))),
                };
                cases.push(Case { name: format!("signature {} ({})", s.index, s.field), result });
            }
            (r.file.clone(), cases)
        }
    }
}

/// The `<testsuite>` of one outcome (see [`junit`]).
pub fn junit_suite(o: &Outcome, lang: Lang) -> JunitSuite {
    let (file, cases) = junit_cases(o, lang);
    let f = cases.iter().filter(|c| matches!(c.result, Some(("failure", ..)))).count();
    let e = cases.iter().filter(|c| matches!(c.result, Some(("error", ..)))).count();
    let mut xml = format!("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\">\n", xml_escape(&file), cases.len());
    let tests = cases.len();
    for c in cases {
        let name = xml_escape(&c.name);
        let class = xml_escape(&file);
        match c.result {
            None => xml.push_str(&format!("    <testcase classname=\"{class}\" name=\"{name}\"/>\n")),
            Some((el, msg, details)) => xml.push_str(&format!(
                "    <testcase classname=\"{class}\" name=\"{name}\">\n      <{el} message=\"{}\">{}</{el}>\n    </testcase>\n",
                xml_escape(&msg),
                xml_escape(&details)
            )),
        }
    }
    xml.push_str("  </testsuite>\n");
    JunitSuite { xml, tests, failures: f, errors: e }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_vietnam_time() {
        assert_eq!(fmt_time(datetime!(2025-09-30 07:05:09 UTC)), "2025-09-30T14:05:09+07:00");
        assert_eq!(fmt_time(datetime!(2025-09-30 14:05:09 +02:00)), "2025-09-30T19:05:09+07:00");
    }

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot; ");
    }
}
