//! V5: what happened to a document after it was signed.
//!
//! Each later revision is compared with the one before it, object by object (pyHanko's
//! approach, as policy-as-data): every object a revision writes, overwrites, frees or
//! re-points must be explained by a named allow rule ([`Rule`]), along every path by which
//! the earlier revision reaches it ([`refs`]), or it is a disallowed change, named by what
//! the object is and where it is shown.
//!
//! Levels, ordered: none < validation data / timestamps < form filling / signing <
//! annotations < other. A signature permits changes up to form filling, or what its
//! document's certification signature permits (DocMDP `/P`: 1 validation data and
//! document timestamps, 2 form filling and signing, 3 annotations too); a field its
//! FieldMDP `/Lock` covers may not be filled. The allow rules, each in its module under
//! `rules/`:
//! - `signature-field`, `document-timestamp`: a new signature field, its widget,
//!   appearance and (new) signature value, and the containers listing them;
//! - `sign-empty-field`: an existing unsigned signature field receiving its value and
//!   appearance (its old appearance objects replaced or left);
//! - `form-filling`: an existing text, choice or button field receiving a value;
//! - `annotation`: a new annotation (certification `/P 3` only);
//! - `dss`: the document security store (validation data);
//! - `catalog`, `metadata`: catalog entries without content, `/Info`, XMP metadata;
//! - identical rewrites and orphans (new objects nothing refers to, then or now) are ignored.
//!
//! Everything else is disallowed, as are contradictions in the cross-reference data
//! ([`xref_checks`]) and bytes after the last revision. An update too large for the
//! budget is not analysed: the result is indeterminate, never valid by default.

mod judge;
mod refs;
mod rule;
mod rules;
mod state;
mod wording;
mod xref_checks;

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Document, LoadOptions};
use pdf_raw::{RawPdf, RevisionLoader};
use serde::Serialize;

use self::judge::{compare, root_dict, Step};
pub use self::rule::Rule;
use self::state::RevState;
use crate::pdfobj;
use crate::verdict::Msg;

/// How far a document moved away from what was signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    None,
    ValidationData,
    FormFilling,
    Annotations,
    Other,
}

/// The summary in reports: `none`, `allowed`, `disallowed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModSummary {
    None,
    Allowed,
    Disallowed,
}

/// One change found in a later revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Revision (1-based) that made the change; 0 for bytes after the last revision.
    pub revision: usize,
    pub level: Level,
    pub allowed: bool,
    /// The allow rule that accepted it, or the kind of disallowed change.
    pub rule: Rule,
    pub message: Msg,
    /// How many changes this entry stands for: 1, or more for a summary of allowed
    /// changes (see [`LISTED_ALLOWED`]).
    pub count: usize,
    /// The last revision of a summary (equal to `revision` for a single change).
    pub last_revision: usize,
}

impl Finding {
    fn new(revision: usize, level: Level, allowed: bool, rule: Rule, message: Msg) -> Self {
        Finding { revision, level, allowed, rule, message, count: 1, last_revision: revision }
    }
}

/// Allowed changes listed one by one under a signature. Beyond this many, one entry per
/// allow rule gives their count and revisions, and each change is listed once under the
/// file ([`Revisions::changes`]): listing every later change under every earlier
/// signature made the report grow with the square of the number of signatures.
pub const LISTED_ALLOWED: usize = 10;

/// The analysis for one signature.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub level: Level,
    pub summary: ModSummary,
    pub findings: Vec<Finding>,
    /// Set when some revision could not be analysed.
    pub incomplete: Option<Msg>,
}

/// Revisions analysed after one signature at most.
const MAX_LATER_REVISIONS: usize = 200;
/// Objects one later revision may write and still be analysed (each costs a comparison
/// and memory in two documents); a larger update is "too large to analyse".
pub const MAX_UPDATE_OBJECTS: usize = 100_000;

/// What a signature permits after it.
#[derive(Debug, Clone, Default)]
pub struct Permits {
    /// The DocMDP `/P` of the document's certification signature, when that signature
    /// was made at or before this one.
    pub docmdp: Option<i64>,
    /// The fields its FieldMDP lock covers.
    pub lock: Option<FieldLock>,
}

impl Permits {
    /// The highest level of change permitted.
    fn level(&self) -> Level {
        match self.docmdp {
            Some(1) => Level::ValidationData,
            Some(3) => Level::Annotations,
            _ => Level::FormFilling,
        }
    }
}

/// The fields a FieldMDP transform (a signature field's `/Lock`, or the signature's
/// `/Reference`) locks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldLock {
    All,
    Include(Vec<String>),
    Exclude(Vec<String>),
}

impl FieldLock {
    pub fn covers(&self, field: &str) -> bool {
        let named = |list: &[String]| list.iter().any(|n| n == field || field.starts_with(&format!("{n}.")));
        match self {
            FieldLock::All => true,
            FieldLock::Include(list) => named(list),
            FieldLock::Exclude(list) => !named(list),
        }
    }
}

/// Loads each revision once.
pub struct Revisions<'a> {
    bytes: &'a [u8],
    fast: RevisionLoader<'a>,
    raw: &'a RawPdf,
    /// Borrowed from the caller's zeroizing owner (`VerifyOptions::password`).
    password: Option<&'a str>,
    states: BTreeMap<usize, Result<RevState, RevisionError>>,
    /// What each revision changed relative to the one before: computed once, shared by
    /// the analyses of all earlier signatures.
    steps: HashMap<usize, Result<Step, Msg>>,
    /// The VRI keys of each revision loaded so far (kept when its document is dropped).
    vri: HashMap<usize, HashSet<Vec<u8>>>,
}

impl<'a> Revisions<'a> {
    pub fn new(bytes: &'a [u8], raw: &'a RawPdf, password: Option<&'a str>) -> Self {
        Revisions {
            bytes,
            fast: RevisionLoader::new(bytes, raw, &pdf_raw::Limits::default()),
            raw,
            password,
            states: BTreeMap::new(),
            steps: HashMap::new(),
            vri: HashMap::new(),
        }
    }

    fn load(&mut self, i: usize) {
        if self.states.contains_key(&i) {
            return;
        }
        let state = match self.raw.revisions.get(i) {
            None => Err(RevisionError::Missing(i)),
            Some(rev) => {
                let end = rev.end.min(self.bytes.len());
                let fast = if self.raw.is_encrypted() {
                    None
                } else {
                    match self.advance_spare(i) {
                        Some(doc) => Some(Ok(doc)),
                        None => Some(self.fast.load(i)),
                    }
                };
                let is_fast = matches!(fast, Some(Ok(_)));
                let doc = match fast {
                    Some(Ok(doc)) => Ok(doc),
                    // A file over a size limit is never handed to lopdf's unbounded parser.
                    Some(Err(e)) if e.is_size_limit() => Err(RevisionError::Load(LoadError::TooLarge(e))),
                    _ => load_doc_lopdf(&self.bytes[..end], self.password).map_err(|e| RevisionError::Load(LoadError::Lopdf(e))),
                };
                doc.map(|doc| {
                    self.vri.insert(i, vri_keys(&doc));
                    RevState::new(doc, is_fast)
                })
            }
        };
        self.states.insert(i, state);
    }

    /// Revision `i` made from the document of an earlier revision that the comparisons
    /// no longer need (two or more before it), by applying only what changed since.
    fn advance_spare(&mut self, i: usize) -> Option<Document> {
        let from = self.states.iter().filter(|(k, s)| **k + 1 < i && s.as_ref().is_ok_and(|s| s.fast)).map(|(k, _)| *k).next_back()?;
        let Some(Ok(state)) = self.states.remove(&from) else { return None };
        let mut doc = state.doc;
        self.fast.advance(&mut doc, from, i).ok()?;
        Some(doc)
    }

    /// What revision `r` (0-based, at least 1) changed relative to revision `r - 1`.
    fn step(&mut self, r: usize) -> Result<&Step, Msg> {
        let key = r;
        if !self.steps.contains_key(&key) {
            let written = self.raw.revisions.get(r).map_or(0, |rev| rev.entries.len());
            let found = if written > MAX_UPDATE_OBJECTS {
                Err(Msg::new(
                    format!("it writes {written} objects, more than the {MAX_UPDATE_OBJECTS} this analysis takes: too large to analyse"),
                    format!("nó ghi {written} đối tượng, nhiều hơn {MAX_UPDATE_OBJECTS} mà phép phân tích nhận: quá lớn để phân tích"),
                ))
            } else {
                self.load(r - 1);
                self.load(r);
                match (self.get(r - 1), self.get(r)) {
                    (Ok(old), Ok(new)) => compare(old, new, self.raw, self.bytes, r),
                    (Err(e), _) | (_, Err(e)) => {
                        // Unreadable; its cross-reference contradictions are still named.
                        let findings = xref_checks::without_documents(&self.raw.revisions[r], self.bytes, &HashSet::new());
                        if findings.is_empty() {
                            Err(Msg::new(format!("it cannot be read: {e}"), format!("không đọc được: {}", e.vi())))
                        } else {
                            Ok(Step { findings, ..Step::default() })
                        }
                    }
                }
            };
            self.steps.insert(key, found);
            // Revisions are compared in order: only the newest two documents stay in
            // memory (a later need reloads one; the parsed objects are cached).
            self.states.retain(|&i, _| i + 1 >= r);
        }
        match self.steps.get(&key) {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(e.clone()),
            None => Err(Msg::new("not compared", "chưa được so sánh")),
        }
    }

    /// The VRI keys revision `i` has.
    fn vri_keys(&mut self, i: usize) -> HashSet<Vec<u8>> {
        if !self.vri.contains_key(&i) {
            self.load(i);
        }
        self.vri.get(&i).cloned().unwrap_or_default()
    }

    /// Every change found by the analyses so far, once, under the revision that made it,
    /// as judged against the revision before it (DocMDP and VRI judgements depend on the
    /// signature and are listed under each signature instead).
    pub fn changes(&self) -> Vec<Finding> {
        let by_revision: BTreeMap<usize, &Step> = self.steps.iter().filter_map(|(r, step)| Some((*r, step.as_ref().ok()?))).collect();
        by_revision.values().flat_map(|s| s.findings.iter().cloned()).collect()
    }

    /// The newest revision's document, read with the loader the analysis uses (so the
    /// objects it shares with earlier revisions are parsed once); lopdf's loader for
    /// encrypted files and files this reader cannot take.
    pub fn newest_document(&mut self) -> Result<Document, LoadError> {
        if !self.raw.is_encrypted() {
            match self.fast.load(self.raw.revisions.len() - 1) {
                Ok(doc) => return Ok(doc),
                Err(e) if e.is_size_limit() => return Err(LoadError::TooLarge(e)),
                Err(_) => {}
            }
        }
        Ok(load_doc_lopdf(self.bytes, self.password)?)
    }

    /// `f` of revision `i`'s document (0-based), if that revision can be read.
    pub fn with_document<T>(&mut self, i: usize, f: impl FnOnce(&Document) -> T) -> Option<T> {
        self.load(i);
        self.get(i).ok().map(|s| f(&s.doc))
    }

    /// How many revisions the file has.
    pub fn revision_count(&self) -> usize {
        self.raw.revisions.len()
    }

    fn get(&self, i: usize) -> Result<&RevState, Unavailable<'_>> {
        match self.states.get(&i) {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(Unavailable::Failed(e)),
            None => Err(Unavailable::NotLoaded(i)),
        }
    }
}

/// Why revision `.0` (0-based) could not be loaded.
#[derive(Debug, thiserror::Error)]
enum RevisionError {
    #[error("no revision {}", .0 + 1)]
    Missing(usize),
    #[error(transparent)]
    Load(#[from] LoadError),
}

impl Unavailable<'_> {
    /// Why, in Vietnamese (lopdf's own words stay, in parentheses).
    fn vi(&self) -> String {
        match self {
            Unavailable::NotLoaded(i) => format!("phiên bản {} chưa được nạp", i + 1),
            Unavailable::Failed(RevisionError::Missing(i)) => format!("không có phiên bản {}", i + 1),
            Unavailable::Failed(RevisionError::Load(LoadError::TooLarge(e))) => crate::verdict::raw_vi(e),
            Unavailable::Failed(RevisionError::Load(LoadError::Lopdf(_))) => "các đối tượng của phiên bản không đọc được".into(),
        }
    }
}

/// Why [`Revisions::get`] has no document for a revision.
#[derive(Debug, thiserror::Error)]
enum Unavailable<'e> {
    #[error("revision {} not loaded", .0 + 1)]
    NotLoaded(usize),
    #[error(transparent)]
    Failed(&'e RevisionError),
}

fn vri_keys(doc: &Document) -> HashSet<Vec<u8>> {
    let vri = root_dict(doc).and_then(|r| pdfobj::dict_get_dict(doc, r, b"DSS")).and_then(|d| pdfobj::dict_get_dict(doc, d, b"VRI"));
    vri.map(|v| v.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
}

/// Loads a document's newest revision: see [`load_doc_raw`].
pub fn load_doc(bytes: &[u8], password: Option<&str>) -> Result<Document, LoadError> {
    match RawPdf::parse(bytes) {
        Ok(raw) => load_doc_raw(bytes, &raw, password),
        Err(e) if e.is_size_limit() => Err(LoadError::TooLarge(e)),
        Err(_) => Ok(load_doc_lopdf(bytes, password)?),
    }
}

/// Loads the newest revision through pdf-raw's reader (each object where the xref says,
/// large image data left in the file); lopdf's loader, with decompression bounded, for
/// encrypted files and files whose xref needs lopdf's repair.
pub fn load_doc_raw(bytes: &[u8], raw: &RawPdf, password: Option<&str>) -> Result<Document, LoadError> {
    if !raw.is_encrypted() {
        match RevisionLoader::new(bytes, raw, &pdf_raw::Limits::default()).load(raw.revisions.len() - 1) {
            Ok(doc) => return Ok(doc),
            Err(e) if e.is_size_limit() => return Err(LoadError::TooLarge(e)),
            Err(_) => {}
        }
    }
    Ok(load_doc_lopdf(bytes, password)?)
}

/// Why a document could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Over one of pdf-raw's size limits: not retried with lopdf's unbounded parser.
    #[error(transparent)]
    TooLarge(pdf_raw::RawError),
    #[error(transparent)]
    Lopdf(#[from] lopdf::Error),
}

fn load_doc_lopdf(bytes: &[u8], password: Option<&str>) -> Result<Document, lopdf::Error> {
    // lopdf takes the password as an owned String and copies it inside; those copies are
    // freed without being cleared (docs/hardening.md, "Secrets").
    let opts = LoadOptions {
        password: password.map(str::to_string),
        max_decompressed_size: Some(crate::MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    Document::load_mem_with_options(bytes, opts)
}

/// Analyses everything after revision `signed` (0-based) for a signature that permits
/// `permits`.
pub fn analyse(revs: &mut Revisions<'_>, signed: usize, permits: &Permits) -> Analysis {
    let raw = revs.raw;
    let last = raw.revisions.len().saturating_sub(1);
    let mut findings = Vec::new();
    let mut tally = AllowedTally::default();
    let mut incomplete = None;
    if let Some(f) = raw.revisions.get(signed).and_then(|rev| xref_checks::startxref_mismatch(revs.bytes, rev)) {
        findings.push(f);
    }
    if signed < last {
        if last - signed > MAX_LATER_REVISIONS {
            incomplete = Some(Msg::new(
                format!("{} later revisions; only {MAX_LATER_REVISIONS} are analysed", last - signed),
                format!("có {} phiên bản sau; chỉ phân tích {MAX_LATER_REVISIONS}", last - signed),
            ));
        }
        // Each revision is judged against the one before it: what it changed is listed
        // once, under the revision that changed it (a comparison with the signed revision
        // listed every earlier update's fields again under each later one: 100 signatures
        // made 60 MB of report). Only VRI entries are held to the signed revision.
        let signed_vri = revs.vri_keys(signed);
        for r in (signed + 1)..=last.min(signed + MAX_LATER_REVISIONS) {
            match revs.step(r) {
                Ok(step) => {
                    for f in judged(step, permits, r + 1) {
                        tally.keep(&mut findings, &f);
                    }
                    for f in vri_findings(step, &signed_vri, r + 1) {
                        tally.keep(&mut findings, &f);
                    }
                }
                Err(e) => {
                    incomplete = Some(Msg::new(
                        format!("revision {} cannot be analysed: {}", r + 1, e.en),
                        format!("không phân tích được phiên bản {}: {}", r + 1, e.vi),
                    ));
                    break;
                }
            }
        }
    }
    tally.summarise(&mut findings);
    if let Some(f) = trailing_bytes(revs) {
        findings.push(f);
    }
    let level = findings.iter().map(|f| f.level).max().unwrap_or(Level::None);
    let summary = if findings.iter().any(|f| !f.allowed) {
        ModSummary::Disallowed
    } else if findings.is_empty() {
        ModSummary::None
    } else {
        ModSummary::Allowed
    };
    Analysis { level, summary, findings, incomplete }
}

/// One step's findings as this signature sees them: an allowed change above what the
/// signature permits becomes disallowed, and so does filling a field its lock covers.
fn judged(step: &Step, permits: &Permits, revision: usize) -> Vec<Finding> {
    let limit = permits.level();
    let (rule, why_en, why_vi) = match permits.docmdp {
        Some(p) => (
            Rule::Docmdp,
            format!("the certification signature does not permit it (DocMDP P={p})"),
            format!("chữ ký chứng nhận không cho phép (DocMDP P={p})"),
        ),
        None => (
            Rule::Permission,
            "a signature permits no more than form filling and signing after it".to_string(),
            "chữ ký chỉ cho phép điền biểu mẫu và ký sau nó".to_string(),
        ),
    };
    let mut out = Vec::new();
    let mut flipped = std::collections::HashSet::new();
    for f in &step.findings {
        if f.allowed && f.level > limit {
            flipped.insert(f.rule);
            let message = Msg::new(format!("{}: {why_en}", f.message.en), format!("{}: {why_vi}", f.message.vi));
            out.push(Finding::new(revision, f.level, false, rule, message));
        } else {
            out.push(f.clone());
        }
    }
    for (r, level) in &step.allowed_levels {
        if *level > limit && !flipped.contains(r) {
            out.push(Finding::new(
                revision,
                *level,
                false,
                rule,
                Msg::new(format!("a change of the kind {r}: {why_en}"), format!("một thay đổi loại {r}: {why_vi}")),
            ));
        }
    }
    // A certification permits signing, but a new visible signature field paints on the
    // certified page (the "sneaky signature" attack, Rohlmann et al. 2021): only /P 3,
    // which permits annotations, lets it in.
    if let Some(p) = permits.docmdp.filter(|p| *p < 3) {
        for name in &step.new_visible_fields {
            out.push(Finding::new(
                revision,
                Level::Annotations,
                false,
                Rule::Docmdp,
                Msg::new(
                    format!(
                        "visible signature field \"{name}\" was added: it draws on the certified page, which DocMDP P={p} does not permit"
                    ),
                    format!(
                        "trường chữ ký hiển thị \"{name}\" được thêm: nó vẽ lên trang đã được chứng nhận, điều DocMDP P={p} không cho phép"
                    ),
                ),
            ));
        }
    }
    if let Some(lock) = &permits.lock {
        for name in step.filled.iter().filter(|n| lock.covers(n)) {
            out.push(Finding::new(
                revision,
                Level::Other,
                false,
                Rule::FieldLock,
                Msg::new(
                    format!("form field \"{name}\" is locked by this signature (FieldMDP) and was filled in"),
                    format!("trường biểu mẫu \"{name}\" bị khóa bởi chữ ký này (FieldMDP) nhưng đã bị điền"),
                ),
            ));
        }
    }
    out
}

/// VRI entries the signed revision had must stay as they were (pyHanko grades a rewrite
/// OTHER); entries added since are validation data.
fn vri_findings<'s>(step: &'s Step, signed_vri: &'s HashSet<Vec<u8>>, revision: usize) -> impl Iterator<Item = Finding> + 's {
    step.vri_changed.iter().map(move |k| {
        let key = String::from_utf8_lossy(k);
        let (allowed, level, en, vi) = if signed_vri.contains(k) {
            (false, Level::Other, format!("VRI entry /{key} was changed or removed"), format!("mục VRI /{key} bị thay đổi hoặc xóa"))
        } else {
            (
                true,
                Level::ValidationData,
                format!("VRI entry /{key}, added after this signature, was updated"),
                format!("mục VRI /{key}, thêm sau chữ ký này, được cập nhật"),
            )
        };
        Finding::new(revision, level, allowed, Rule::Dss, Msg::new(en, vi))
    })
}

/// Bytes after the last revision.
fn trailing_bytes(revs: &Revisions<'_>) -> Option<Finding> {
    let tail = &revs.bytes[revs.raw.last().end.min(revs.bytes.len())..];
    if tail.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        return None;
    }
    Some(Finding::new(
        0,
        Level::Other,
        false,
        Rule::TrailingBytes,
        Msg::new(
            format!("{} bytes follow the last revision's %%EOF without a cross-reference section", tail.len()),
            format!("có {} byte sau %%EOF của phiên bản cuối mà không có bảng tham chiếu chéo", tail.len()),
        ),
    ))
}

/// The allowed changes after one signature, by allow rule.
#[derive(Default)]
struct AllowedTally {
    total: usize,
    /// rule → (highest level, count, first revision, last revision)
    by_rule: BTreeMap<Rule, (Level, usize, usize, usize)>,
}

impl AllowedTally {
    /// Lists `f` if it is disallowed or among the first [`LISTED_ALLOWED`] allowed ones.
    fn keep(&mut self, findings: &mut Vec<Finding>, f: &Finding) {
        if !f.allowed {
            findings.push(f.clone());
            return;
        }
        self.total += 1;
        let e = self.by_rule.entry(f.rule).or_insert((f.level, 0, f.revision, f.revision));
        e.0 = e.0.max(f.level);
        e.1 += 1;
        e.2 = e.2.min(f.revision);
        e.3 = e.3.max(f.revision);
        if self.total <= LISTED_ALLOWED {
            findings.push(f.clone());
        }
    }

    /// Past [`LISTED_ALLOWED`], replaces the allowed changes listed by one entry per rule.
    fn summarise(self, findings: &mut Vec<Finding>) {
        if self.total <= LISTED_ALLOWED {
            return;
        }
        findings.retain(|f| !f.allowed);
        for (rule, (level, count, first, last)) in self.by_rule {
            findings.push(Finding {
                revision: first,
                level,
                allowed: true,
                rule,
                message: Msg::new(
                    format!("{count} allowed changes ({rule}) in revisions {first}–{last}, each listed under the file's changes"),
                    format!("{count} thay đổi được phép ({rule}) ở các phiên bản {first}–{last}, từng thay đổi có trong danh sách thay đổi của tệp"),
                ),
                count,
                last_revision: last,
            });
        }
    }
}
