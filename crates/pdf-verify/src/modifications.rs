//! V5: what happened to a document after it was signed.
//!
//! Each later revision is compared with the signed one object by object (pyHanko's
//! approach, as policy-as-data): every object a later revision writes must be explained
//! by a named *allow rule*, or it is a disallowed change, named by what the object is.
//!
//! Levels, ordered: none < validation data / timestamps < form filling / signing <
//! annotations < other. Allow rules:
//! - `signature-field`: a new signature field, its widget, its appearance and signature
//!   value; the AcroForm's `/Fields`, `/SigFlags`, `/DR`, `/DA`, `/NeedAppearances`;
//!   a page's `/Annots` growing by exactly the new widgets;
//! - `sign-empty-field`: an existing, unsigned signature field receiving its value and
//!   appearance;
//! - `dss`: the document security store and VRI (validation data), existing VRI entries
//!   unchanged;
//! - `document-timestamp`: a new signature field holding a document timestamp (same as
//!   `signature-field`, at the validation-data level when invisible);
//! - `catalog`: catalog entries `/AcroForm`, `/DSS`, `/Extensions`, `/Metadata`,
//!   `/MarkInfo`, `/Version` may change; `/Info` and the XMP metadata may change;
//! - identical rewrites and orphans (new objects nothing refers to) are ignored.
//!
//! Everything else — page content streams, `/Contents` arrays, `/Resources`, fonts,
//! XObjects, pages added or removed, other catalog entries, redefined objects, new
//! annotations, form values of other fields, deleted fields or objects — is disallowed,
//! and so are bytes after the last revision.

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use pdf_raw::{RawPdf, RevisionLoader, XrefEntry};
use serde::Serialize;

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
    pub rule: &'static str,
    pub message: Msg,
    /// How many changes this entry stands for: 1, or more for a summary of allowed
    /// changes (see [`LISTED_ALLOWED`]).
    pub count: usize,
    /// The last revision of a summary (equal to `revision` for a single change).
    pub last_revision: usize,
}

impl Finding {
    fn new(revision: usize, level: Level, allowed: bool, rule: &'static str, message: Msg) -> Self {
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

/// A revision loaded with lopdf, plus what this module derives from it.
struct RevState {
    doc: Document,
    /// Built by pdf-raw's reader (so [`RevisionLoader::advance`] can take it further).
    fast: bool,
    fields: Vec<FieldInfo>,
    roles: HashMap<ObjectId, String>,
    by_num: HashMap<u32, ObjectId>,
}

/// Loads each revision once.
pub struct Revisions<'a> {
    bytes: &'a [u8],
    fast: RevisionLoader<'a>,
    raw: &'a RawPdf,
    /// Borrowed from the caller's zeroizing owner (`VerifyOptions::password`).
    password: Option<&'a str>,
    states: BTreeMap<usize, Result<RevState, String>>,
    /// What each revision changed relative to the one before: computed once, shared by
    /// the analyses of all earlier signatures.
    steps: HashMap<usize, Result<Step, String>>,
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
            None => Err(format!("no revision {}", i + 1)),
            Some(rev) => {
                let end = rev.end.min(self.bytes.len());
                let fast = if self.raw.is_encrypted() { None } else { self.advance_spare(i).or_else(|| self.fast.load(i).ok()) };
                let is_fast = fast.is_some();
                match fast.map_or_else(|| load_doc_lopdf(&self.bytes[..end], self.password), Ok) {
                    Ok(doc) => {
                        self.vri.insert(i, vri_keys(&doc));
                        Ok(RevState::new(doc, is_fast))
                    }
                    Err(e) => Err(e.to_string()),
                }
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
    fn step(&mut self, r: usize) -> Result<&Step, String> {
        let key = r;
        if !self.steps.contains_key(&key) {
            self.load(r - 1);
            self.load(r);
            let found = match (self.get(r - 1), self.get(r)) {
                (Ok(old), Ok(new)) => Ok(compare(old, new, self.raw, r)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            };
            self.steps.insert(key, found);
            // Revisions are compared in order: only the newest two documents stay in
            // memory (a later need reloads one; the parsed objects are cached).
            self.states.retain(|&i, _| i + 1 >= r);
        }
        match self.steps.get(&key) {
            Some(Ok(f)) => Ok(f),
            Some(Err(e)) => Err(e.clone()),
            None => Err(format!("revision {} not compared", r + 1)),
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
    pub fn newest_document(&mut self) -> Result<Document, lopdf::Error> {
        if !self.raw.is_encrypted() {
            if let Ok(doc) = self.fast.load(self.raw.revisions.len() - 1) {
                return Ok(doc);
            }
        }
        load_doc_lopdf(self.bytes, self.password)
    }

    /// How many revisions the file has.
    pub fn revision_count(&self) -> usize {
        self.raw.revisions.len()
    }

    fn get(&self, i: usize) -> Result<&RevState, String> {
        match self.states.get(&i) {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(e.clone()),
            None => Err(format!("revision {} not loaded", i + 1)),
        }
    }
}

fn vri_keys(doc: &Document) -> HashSet<Vec<u8>> {
    let vri = root_dict(doc).and_then(|r| pdfobj::dict_get_dict(doc, r, b"DSS")).and_then(|d| pdfobj::dict_get_dict(doc, d, b"VRI"));
    vri.map(|v| v.iter().map(|(k, _)| k.clone()).collect()).unwrap_or_default()
}

/// Loads a document's newest revision: see [`load_doc_raw`].
pub fn load_doc(bytes: &[u8], password: Option<&str>) -> Result<Document, lopdf::Error> {
    match RawPdf::parse(bytes) {
        Ok(raw) => load_doc_raw(bytes, &raw, password),
        Err(_) => load_doc_lopdf(bytes, password),
    }
}

/// Loads the newest revision through pdf-raw's reader (each object where the xref says,
/// large image data left in the file); lopdf's loader, with decompression bounded, for
/// encrypted files and files whose xref needs lopdf's repair.
pub fn load_doc_raw(bytes: &[u8], raw: &RawPdf, password: Option<&str>) -> Result<Document, lopdf::Error> {
    if !raw.is_encrypted() {
        if let Ok(doc) = RevisionLoader::new(bytes, raw, &pdf_raw::Limits::default()).load(raw.revisions.len() - 1) {
            return Ok(doc);
        }
    }
    load_doc_lopdf(bytes, password)
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

impl RevState {
    fn new(doc: Document, fast: bool) -> Self {
        let fields = fields(&doc);
        let roles = roles(&doc, &fields);
        let by_num = doc.objects.keys().map(|id| (id.0, *id)).collect();
        RevState { doc, fast, fields, roles, by_num }
    }

    fn role(&self, id: ObjectId) -> String {
        self.roles.get(&id).cloned().unwrap_or_else(|| format!("object {}", id.0))
    }
}

/// A terminal form field.
#[derive(Debug, Clone)]
struct FieldInfo {
    name: String,
    id: Option<ObjectId>,
    ft: Option<Vec<u8>>,
    has_value: bool,
    /// The field's value when it is a reference (a signature dictionary).
    value_ref: Option<ObjectId>,
    widgets: Vec<ObjectId>,
    visible: bool,
}

fn fields(doc: &Document) -> Vec<FieldInfo> {
    let mut out = Vec::new();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r)) else { return out };
    let Some(af) = pdfobj::dict_get_dict(doc, root, b"AcroForm") else { return out };
    let Some(top) = pdfobj::dict_get_array(doc, af, b"Fields") else { return out };
    let mut seen = HashSet::new();
    for f in top {
        walk(doc, f, "", None, &mut seen, &mut out, 0);
    }
    out
}

fn walk(
    doc: &Document,
    obj: &Object,
    parent: &str,
    ft: Option<&[u8]>,
    seen: &mut HashSet<ObjectId>,
    out: &mut Vec<FieldInfo>,
    depth: usize,
) {
    if depth > 32 || seen.len() > 20_000 {
        return;
    }
    let id = match obj {
        Object::Reference(id) => {
            if !seen.insert(*id) {
                return;
            }
            Some(*id)
        }
        _ => None,
    };
    let Some(d) = pdfobj::as_dict(doc, obj) else { return };
    let name = match pdfobj::dict_get_text(doc, d, b"T") {
        Some(t) if parent.is_empty() => t,
        Some(t) => format!("{parent}.{t}"),
        None => parent.to_string(),
    };
    let ft = pdfobj::dict_get_name(doc, d, b"FT").or(ft);
    let kids = pdfobj::dict_get_array(doc, d, b"Kids").unwrap_or(&[]);
    let mut field_kids = Vec::new();
    let mut widgets = Vec::new();
    let mut visible = false;
    for k in kids {
        match pdfobj::as_dict(doc, k) {
            Some(kd) if kd.has(b"T") => field_kids.push(k),
            Some(kd) => {
                if let Object::Reference(kid) = k {
                    widgets.push(*kid);
                }
                visible |= annot_visible(doc, kd);
            }
            None => {}
        }
    }
    if field_kids.is_empty() {
        if d.has(b"Rect") || pdfobj::dict_get_name(doc, d, b"Subtype") == Some(b"Widget") {
            if let Some(i) = id {
                widgets.push(i);
            }
            visible |= annot_visible(doc, d);
        }
        out.push(FieldInfo {
            name,
            id,
            ft: ft.map(<[u8]>::to_vec),
            has_value: d.has(b"V"),
            value_ref: pdfobj::ref_of(d, b"V"),
            widgets,
            visible,
        });
    } else {
        for k in field_kids {
            walk(doc, k, &name, ft, seen, out, depth + 1);
        }
    }
}

/// An annotation is visible when it has an area and is not hidden.
fn annot_visible(doc: &Document, d: &Dictionary) -> bool {
    let area = match pdfobj::dict_get_array(doc, d, b"Rect") {
        Some([a, b, c, e]) => {
            let n = |o: &Object| match pdfobj::resolve(doc, o) {
                Some(Object::Integer(i)) => *i as f64,
                Some(Object::Real(r)) => f64::from(*r),
                _ => 0.0,
            };
            ((n(a) - n(c)) * (n(b) - n(e))).abs()
        }
        _ => 0.0,
    };
    let flags = pdfobj::dict_get_int(doc, d, b"F").unwrap_or(0);
    area > 0.0 && flags & (2 | 32) == 0
}

/// What each object of a revision is, for messages.
fn roles(doc: &Document, fields: &[FieldInfo]) -> HashMap<ObjectId, String> {
    let mut roles = HashMap::new();
    if let Ok(Object::Reference(r)) = doc.trailer.get(b"Root") {
        roles.insert(*r, "the document catalog".to_string());
        if let Some(root) = pdfobj::get(doc, *r).and_then(|o| o.as_dict().ok()) {
            if let Some(p) = pdfobj::ref_of(root, b"Pages") {
                roles.insert(p, "the page tree".to_string());
            }
            if let Some(a) = pdfobj::ref_of(root, b"AcroForm") {
                roles.insert(a, "the interactive form (/AcroForm)".to_string());
            }
            if let Some(a) = pdfobj::ref_of(root, b"DSS") {
                roles.insert(a, "the document security store (/DSS)".to_string());
            }
        }
    }
    for f in fields {
        if let Some(id) = f.id {
            roles.entry(id).or_insert_with(|| format!("form field \"{}\"", f.name));
        }
        for w in &f.widgets {
            roles.entry(*w).or_insert_with(|| format!("the widget of form field \"{}\"", f.name));
        }
    }
    for (n, page) in pdfobj::pages(doc).into_iter().enumerate() {
        let n = n + 1;
        roles.insert(page, format!("page {n}"));
        let Some(pd) = pdfobj::get(doc, page).and_then(|o| o.as_dict().ok()) else { continue };
        match pd.get(b"Contents").ok() {
            Some(Object::Reference(c)) => {
                roles.insert(*c, format!("the content stream of page {n}"));
                if let Some(Object::Array(items)) = pdfobj::get(doc, *c) {
                    for i in items {
                        if let Object::Reference(s) = i {
                            roles.insert(*s, format!("a content stream of page {n}"));
                        }
                    }
                }
            }
            Some(Object::Array(items)) => {
                for i in items {
                    if let Object::Reference(s) = i {
                        roles.insert(*s, format!("a content stream of page {n}"));
                    }
                }
            }
            _ => {}
        }
        if let Some(r) = pdfobj::ref_of(pd, b"Resources") {
            roles.entry(r).or_insert_with(|| format!("the resources of page {n}"));
        }
        if let Some(res) = pdfobj::dict_get_dict(doc, pd, b"Resources") {
            for (key, what) in [
                (&b"Font"[..], "font"),
                (b"XObject", "XObject (image or form)"),
                (b"ExtGState", "graphics state"),
                (b"ColorSpace", "colour space"),
                (b"Pattern", "pattern"),
                (b"Shading", "shading"),
                (b"Properties", "marked-content properties"),
            ] {
                if let Some(sub) = pdfobj::dict_get_dict(doc, res, key) {
                    if let Some(r) = pdfobj::ref_of(res, key) {
                        roles.entry(r).or_insert_with(|| format!("the {what} resources of page {n}"));
                    }
                    for (name, v) in sub.iter() {
                        if let Object::Reference(r) = v {
                            roles.entry(*r).or_insert_with(|| format!("{what} /{} used on page {n}", String::from_utf8_lossy(name)));
                        }
                    }
                }
            }
        }
        if let Some(r) = pdfobj::ref_of(pd, b"Annots") {
            roles.entry(r).or_insert_with(|| format!("the annotation list of page {n}"));
        }
        for a in pdfobj::dict_get_array(doc, pd, b"Annots").unwrap_or(&[]) {
            if let Object::Reference(r) = a {
                let sub = pdfobj::get(doc, *r)
                    .and_then(|o| o.as_dict().ok())
                    .and_then(|d| pdfobj::dict_get_name(doc, d, b"Subtype"))
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .unwrap_or_else(|| "?".into());
                roles.entry(*r).or_insert_with(|| format!("a /{sub} annotation on page {n}"));
            }
        }
    }
    roles
}

/// Catalog entries that may change after signing.
const CATALOG_MAY_CHANGE: &[&[u8]] = &[b"AcroForm", b"DSS", b"Extensions", b"Metadata", b"MarkInfo", b"Version"];
/// AcroForm entries that may change after signing.
const ACROFORM_MAY_CHANGE: &[&[u8]] = &[b"Fields", b"SigFlags", b"DR", b"DA", b"Q", b"NeedAppearances"];
/// Keys an unsigned signature field may gain or change when it is signed.
const SIGN_FIELD_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS", b"F", b"DA", b"Q", b"Ff", b"Type", b"Lock", b"SV"];

struct Judge<'s> {
    /// The revision before the one judged.
    old: &'s RevState,
    /// VRI entries of the previous revision that this one changed or removed (judged
    /// against each signature's own revision by [`analyse`]).
    vri_changed: Vec<Vec<u8>>,
    new: &'s RevState,
    revision: usize,
    /// Objects this revision writes that differ from the signed revision, with whether
    /// they existed there.
    pending: BTreeMap<ObjectId, bool>,
    explained: HashMap<ObjectId, (Level, &'static str)>,
    findings: Vec<Finding>,
}

impl<'s> Judge<'s> {
    fn disallow(&mut self, rule: &'static str, level: Level, en: String, vi: String) {
        self.findings.push(Finding::new(self.revision, level, false, rule, Msg::new(en, vi)));
    }

    fn allow(&mut self, rule: &'static str, level: Level, en: String, vi: String) {
        self.findings.push(Finding::new(self.revision, level, true, rule, Msg::new(en, vi)));
    }

    fn explain(&mut self, id: ObjectId, level: Level, rule: &'static str) {
        let e = self.explained.entry(id).or_insert((level, rule));
        if level > e.0 {
            *e = (level, rule);
        }
    }

    fn is_new(&self, id: ObjectId) -> bool {
        !self.old.by_num.contains_key(&id.0)
    }

    fn old_obj(&self, id: ObjectId) -> Option<&'s Object> {
        let old_id = self.old.by_num.get(&id.0)?;
        self.old.doc.objects.get(old_id)
    }

    /// Explains `start` and every object added after signing that it reaches.
    fn explain_new_deps(&mut self, start: &Object, level: Level, rule: &'static str) {
        let mut stack = Vec::new();
        pdfobj::direct_refs(start, &mut stack);
        let mut seen = HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) || seen.len() > 100_000 || !self.is_new(id) {
                continue;
            }
            self.explain(id, level, rule);
            if let Some(o) = self.new.doc.objects.get(&id) {
                pdfobj::direct_refs(o, &mut stack);
            }
        }
    }
}

/// Compares revision `r` with the signed revision `s`.
/// What one revision changed relative to the one before it.
#[derive(Debug, Clone, Default)]
struct Step {
    findings: Vec<Finding>,
    vri_changed: Vec<Vec<u8>>,
    /// Each allow rule that explained a change, with the highest level it allowed: what
    /// a certification signature's DocMDP permission is held to.
    allowed_levels: BTreeMap<&'static str, Level>,
}

fn compare(old: &RevState, new: &RevState, raw: &RawPdf, r: usize) -> Step {
    let rev = &raw.revisions[r];
    let containers: HashSet<u32> = rev
        .entries
        .values()
        .filter_map(|e| match e {
            XrefEntry::InStream { stream, .. } => Some(*stream),
            _ => None,
        })
        .collect();
    let mut j = Judge {
        old,
        new,
        vri_changed: Vec::new(),
        revision: r + 1,
        pending: BTreeMap::new(),
        explained: HashMap::new(),
        findings: Vec::new(),
    };

    // 1. What this revision writes.
    for (&num, entry) in &rev.entries {
        if num == 0 || containers.contains(&num) {
            continue;
        }
        let new_id = match entry {
            XrefEntry::Free => {
                if let Some(old_id) = old.by_num.get(&num) {
                    if !new.by_num.contains_key(&num) {
                        let role = old.role(*old_id);
                        j.disallow(
                            "deleted-object",
                            Level::Other,
                            format!("{role} (object {num}) was deleted"),
                            format!("{} (đối tượng {num}) bị xóa", vi_role(&role)),
                        );
                    }
                }
                continue;
            }
            XrefEntry::InFile { offset, gen } => {
                if *offset == rev.xref_offset || is_xref_stream(&new.doc, (num, *gen)) {
                    continue;
                }
                (num, *gen)
            }
            XrefEntry::InStream { .. } => (num, 0),
        };
        let new_id = if new.doc.objects.contains_key(&new_id) { new_id } else { new.by_num.get(&num).copied().unwrap_or(new_id) };
        let Some(new_obj) = new.doc.objects.get(&new_id) else {
            if old.by_num.contains_key(&num) {
                j.disallow(
                    "unreadable-object",
                    Level::Other,
                    format!("object {num} is rewritten but cannot be read"),
                    format!("đối tượng {num} được ghi lại nhưng không đọc được"),
                );
            }
            continue;
        };
        if matches!(new_obj, Object::Stream(s) if s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"ObjStm")) {
            continue;
        }
        match j.old_obj(new_id) {
            Some(o) if pdfobj::obj_eq(o, new_obj) => {}
            Some(_) => {
                j.pending.insert(new_id, true);
            }
            None => {
                j.pending.insert(new_id, false);
            }
        }
    }
    if j.pending.is_empty() && j.findings.is_empty() {
        return Step::default();
    }

    // 2. Allow rules.
    rule_catalog(&mut j);
    rule_info_and_metadata(&mut j);
    rule_dss(&mut j);
    rule_acroform(&mut j);
    let approved_widgets = rule_fields(&mut j);
    rule_pages(&mut j, &approved_widgets);

    // 3. Whatever is left is disallowed, unless nothing refers to it.
    let orphans = orphans(&j);
    let pending: Vec<(ObjectId, bool)> = j.pending.iter().map(|(k, v)| (*k, *v)).collect();
    let mut seen_roles = HashSet::new();
    for (id, existed) in pending {
        if j.explained.contains_key(&id) {
            continue;
        }
        if !existed && orphans.contains(&id) {
            continue;
        }
        let role = if existed { old.role(id) } else { new.role(id) };
        if !seen_roles.insert(role.clone()) {
            continue;
        }
        let (rule, en, vi) = if existed {
            let keys = match (
                j.old_obj(id).and_then(|o| pdfobj::as_dict(&old.doc, o)),
                new.doc.objects.get(&id).and_then(|o| pdfobj::as_dict(&new.doc, o)),
            ) {
                (Some(a), Some(b)) => {
                    let k: Vec<String> = pdfobj::changed_keys(a, b).iter().map(|k| format!("/{}", String::from_utf8_lossy(k))).collect();
                    let stream_changed = matches!((j.old_obj(id), new.doc.objects.get(&id)), (Some(Object::Stream(x)), Some(Object::Stream(y))) if x.content != y.content);
                    let mut parts = k;
                    if stream_changed {
                        parts.push("stream data".into());
                    }
                    if parts.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", parts.join(", "))
                    }
                }
                _ => String::new(),
            };
            (
                "redefined-object",
                format!("{role} (object {}) was changed{keys}", id.0),
                format!("{} (đối tượng {}) bị thay đổi{}", vi_role(&role), id.0, keys.replace("stream data", "dữ liệu luồng")),
            )
        } else {
            ("new-object", format!("{role} (object {}) was added", id.0), format!("{} (đối tượng {}) được thêm vào", vi_role(&role), id.0))
        };
        j.disallow(rule, Level::Other, en, vi);
    }

    // 4. What the explained changes amount to.
    let mut allowed_levels: BTreeMap<&'static str, Level> = BTreeMap::new();
    for (level, rule) in j.explained.values() {
        let e = allowed_levels.entry(rule).or_insert(*level);
        *e = (*e).max(*level);
    }
    Step { findings: j.findings, vri_changed: j.vri_changed, allowed_levels }
}

/// The changes of one revision that a certification signature's DocMDP permission `p`
/// forbids.
fn docmdp_findings(step: &Step, p: i64, revision: usize) -> impl Iterator<Item = Finding> + '_ {
    let limit = match p {
        1 => Level::ValidationData,
        3 => Level::Annotations,
        _ => Level::FormFilling,
    };
    step.allowed_levels.iter().filter(move |(_, level)| **level > limit).map(move |(rule, _)| {
        Finding::new(
            revision,
            Level::Other,
            false,
            "docmdp",
            Msg::new(
                format!("the certification signature allows no {rule} changes (DocMDP P={p})"),
                format!("chữ ký chứng nhận không cho phép thay đổi loại {rule} (DocMDP P={p})"),
            ),
        )
    })
}

fn is_xref_stream(doc: &Document, id: ObjectId) -> bool {
    matches!(doc.objects.get(&id), Some(Object::Stream(s)) if s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"XRef"))
}

fn vi_role(role: &str) -> String {
    // Roles are built in English; give the common ones in Vietnamese.

    role.replace("the document catalog", "danh mục tài liệu (catalog)")
        .replace("the page tree", "cây trang")
        .replace("the interactive form (/AcroForm)", "biểu mẫu (/AcroForm)")
        .replace("the document security store (/DSS)", "kho dữ liệu xác thực (/DSS)")
        .replace("the content stream of page", "luồng nội dung của trang")
        .replace("a content stream of page", "một luồng nội dung của trang")
        .replace("the resources of page", "tài nguyên của trang")
        .replace("the annotation list of page", "danh sách chú thích của trang")
        .replace("the widget of form field", "ô hiển thị của trường")
        .replace("form field", "trường biểu mẫu")
        .replace(" used on page ", " dùng trên trang ")
        .replace(" annotation on page ", " chú thích trên trang ")
        .replace("page ", "trang ")
        .replace("object ", "đối tượng ")
}

fn root_dict(doc: &Document) -> Option<&Dictionary> {
    doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r))
}

fn rule_catalog(j: &mut Judge<'_>) {
    let (Some(old_root), Some(new_root)) = (root_dict(&j.old.doc), root_dict(&j.new.doc)) else {
        j.disallow("catalog", Level::Other, "the document catalog is missing".into(), "thiếu danh mục tài liệu (catalog)".into());
        return;
    };
    let changed = pdfobj::changed_keys(old_root, new_root);
    let bad: Vec<String> = changed
        .iter()
        .filter(|k| !CATALOG_MAY_CHANGE.contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !bad.is_empty() {
        let list = bad.join(", ");
        let what_en = if bad.iter().any(|b| b == "/Pages") { " (the page tree was replaced)" } else { "" };
        j.disallow(
            "catalog",
            Level::Other,
            format!("document catalog entries changed: {list}{what_en}"),
            format!("các mục của danh mục tài liệu bị thay đổi: {list}"),
        );
    }
    if let Ok(Object::Reference(r)) = j.new.doc.trailer.get(b"Root") {
        let r = *r;
        if bad.is_empty() {
            j.explain(r, Level::ValidationData, "catalog");
        }
        // /Extensions and /MarkInfo are plain data.
        for key in [&b"Extensions"[..], b"MarkInfo"] {
            if let Some(id) = pdfobj::ref_of(new_root, key) {
                j.explain(id, Level::ValidationData, "catalog");
                if let Some(o) = j.new.doc.objects.get(&id) {
                    j.explain_new_deps(o, Level::ValidationData, "catalog");
                }
            }
        }
    }
}

fn rule_info_and_metadata(j: &mut Judge<'_>) {
    if let Ok(Object::Reference(info)) = j.new.doc.trailer.get(b"Info") {
        j.explain(*info, Level::ValidationData, "metadata");
    }
    if let Some(root) = root_dict(&j.new.doc) {
        if let Some(m) = pdfobj::ref_of(root, b"Metadata") {
            let is_xmp = matches!(j.new.doc.objects.get(&m), Some(Object::Stream(s)) if s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"XML"));
            if is_xmp {
                j.explain(m, Level::ValidationData, "metadata");
            }
        }
    }
}

fn rule_dss(j: &mut Judge<'_>) {
    let Some(new_root) = root_dict(&j.new.doc) else { return };
    let Some(dss_obj) = new_root.get(b"DSS").ok() else { return };
    let Some(dss) = pdfobj::as_dict(&j.new.doc, dss_obj) else {
        j.disallow("dss", Level::Other, "/DSS is not a dictionary".into(), "/DSS không phải từ điển".into());
        return;
    };
    let old_dss = root_dict(&j.old.doc).and_then(|r| pdfobj::dict_get_dict(&j.old.doc, r, b"DSS"));
    let unexpected: Vec<String> = dss
        .iter()
        .map(|(k, _)| k)
        .filter(|k| !matches!(k.as_slice(), b"Type" | b"VRI" | b"Certs" | b"CRLs" | b"OCSPs"))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !unexpected.is_empty() {
        let l = unexpected.join(", ");
        j.disallow("dss", Level::Other, format!("unexpected entries in the DSS: {l}"), format!("DSS có mục không hợp lệ: {l}"));
        return;
    }
    if let Object::Reference(id) = dss_obj {
        j.explain(*id, Level::ValidationData, "dss");
    }
    let mut containers: Vec<Object> = Vec::new();
    for key in [&b"Certs"[..], b"CRLs", b"OCSPs"] {
        if let Ok(v) = dss.get(key) {
            containers.push(v.clone());
            if let Object::Reference(id) = v {
                j.explain(*id, Level::ValidationData, "dss");
            }
            if !all_stream_refs(&j.new.doc, v) {
                let k = String::from_utf8_lossy(key);
                j.disallow(
                    "dss",
                    Level::Other,
                    format!("DSS /{k} is not an array of streams"),
                    format!("DSS /{k} không phải mảng các luồng dữ liệu"),
                );
            }
        }
    }
    if let Ok(vri_obj) = dss.get(b"VRI") {
        if let Object::Reference(id) = vri_obj {
            j.explain(*id, Level::ValidationData, "dss");
        }
        if let Some(vri) = pdfobj::as_dict(&j.new.doc, vri_obj) {
            let old_vri = old_dss.and_then(|d| pdfobj::dict_get_dict(&j.old.doc, d, b"VRI"));
            if let Some(ov) = old_vri {
                for (k, v) in ov.iter() {
                    if !vri.get(k).is_ok_and(|w| pdfobj::obj_eq(v, w)) {
                        j.vri_changed.push(k.clone());
                    }
                }
            }
            for (k, v) in vri.iter() {
                if old_vri.is_some_and(|ov| ov.get(k).is_ok_and(|w| pdfobj::obj_eq(v, w))) {
                    continue;
                }
                if let Object::Reference(id) = v {
                    j.explain(*id, Level::ValidationData, "dss");
                }
                if let Some(entry) = pdfobj::as_dict(&j.new.doc, v) {
                    let bad: Vec<String> = entry
                        .iter()
                        .map(|(k, _)| k)
                        .filter(|k| !matches!(k.as_slice(), b"Type" | b"TU" | b"TS" | b"Cert" | b"CRL" | b"OCSP"))
                        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
                        .collect();
                    if !bad.is_empty() {
                        let l = bad.join(", ");
                        j.disallow(
                            "dss",
                            Level::Other,
                            format!("unexpected entries in a VRI dictionary: {l}"),
                            format!("từ điển VRI có mục không hợp lệ: {l}"),
                        );
                    }
                    for key in [&b"Cert"[..], b"CRL", b"OCSP", b"TS"] {
                        if let Ok(c) = entry.get(key) {
                            if let Object::Reference(id) = c {
                                if j.is_new(*id) {
                                    j.explain(*id, Level::ValidationData, "dss");
                                }
                            }
                            containers.push(c.clone());
                        }
                    }
                }
            }
        }
    }
    for c in containers {
        j.explain_new_deps(&c, Level::ValidationData, "dss");
        if let Some(Object::Array(items)) = pdfobj::resolve(&j.new.doc, &c) {
            let items = items.clone();
            for i in &items {
                j.explain_new_deps(i, Level::ValidationData, "dss");
            }
        }
    }
    if j.explained.values().any(|(_, r)| *r == "dss") {
        let what = if old_dss.is_some() { "updated" } else { "added" };
        let vi = if old_dss.is_some() { "được cập nhật" } else { "được thêm" };
        j.allow("dss", Level::ValidationData, format!("validation data (DSS) {what}"), format!("dữ liệu xác thực (DSS) {vi}"));
    }
}

fn all_stream_refs(doc: &Document, v: &Object) -> bool {
    match pdfobj::resolve(doc, v) {
        Some(Object::Array(items)) => {
            items.iter().all(|i| matches!(i, Object::Reference(id) if matches!(doc.objects.get(id), Some(Object::Stream(_)))))
        }
        _ => false,
    }
}

fn rule_acroform(j: &mut Judge<'_>) {
    let Some(new_root) = root_dict(&j.new.doc) else { return };
    let Some(af_obj) = new_root.get(b"AcroForm").ok() else { return };
    let Some(new_af) = pdfobj::as_dict(&j.new.doc, af_obj) else { return };
    let empty = Dictionary::new();
    let old_af = root_dict(&j.old.doc).and_then(|r| pdfobj::dict_get_dict(&j.old.doc, r, b"AcroForm")).unwrap_or(&empty);
    let changed = pdfobj::changed_keys(old_af, new_af);
    let bad: Vec<String> = changed
        .iter()
        .filter(|k| !ACROFORM_MAY_CHANGE.contains(&k.as_slice()))
        .map(|k| format!("/{}", String::from_utf8_lossy(k)))
        .collect();
    if !bad.is_empty() {
        let l = bad.join(", ");
        j.disallow(
            "acroform",
            Level::Other,
            format!("interactive form entries changed: {l}"),
            format!("các mục của biểu mẫu bị thay đổi: {l}"),
        );
        return;
    }
    if let Object::Reference(id) = af_obj {
        j.explain(*id, Level::FormFilling, "signature-field");
    }
    if let Some(f) = pdfobj::ref_of(new_af, b"Fields") {
        j.explain(f, Level::FormFilling, "signature-field");
    }
    if let Ok(dr) = new_af.get(b"DR") {
        if let Object::Reference(id) = dr {
            j.explain(*id, Level::FormFilling, "signature-field");
        }
        let dr = dr.clone();
        j.explain_new_deps(&dr, Level::FormFilling, "signature-field");
        if let Some(d) = pdfobj::as_dict(&j.new.doc, &dr) {
            for (_, v) in d.iter() {
                if let Object::Reference(id) = v {
                    if j.old.doc.objects.contains_key(id)
                        && j.pending.contains_key(id)
                        && matches!(pdfobj::get(&j.new.doc, *id), Some(Object::Dictionary(_)))
                    {
                        // a resource category dictionary (/Font …) of the form resources
                        j.explain(*id, Level::FormFilling, "signature-field");
                    }
                }
            }
        }
    }
}

/// New signature fields and signed empty ones; returns the widgets that may join pages.
fn rule_fields(j: &mut Judge<'_>) -> HashSet<ObjectId> {
    let mut approved = HashSet::new();
    let old_fields: HashMap<&str, &FieldInfo> = j.old.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    let new_fields: HashMap<&str, &FieldInfo> = j.new.fields.iter().map(|f| (f.name.as_str(), f)).collect();
    for f in &j.old.fields {
        if !new_fields.contains_key(f.name.as_str()) {
            j.disallow(
                "deleted-field",
                Level::Other,
                format!("form field \"{}\" was removed", f.name),
                format!("trường biểu mẫu \"{}\" bị xóa", f.name),
            );
        }
    }
    let new_list: Vec<FieldInfo> = j.new.fields.clone();
    for f in &new_list {
        let is_sig = f.ft.as_deref() == Some(b"Sig");
        match old_fields.get(f.name.as_str()) {
            None => {
                if !is_sig {
                    let ft = f.ft.as_deref().map(|t| String::from_utf8_lossy(t).into_owned()).unwrap_or_else(|| "?".into());
                    j.disallow(
                        "new-field",
                        Level::Other,
                        format!("a form field \"{}\" of type /{ft} was added", f.name),
                        format!("trường biểu mẫu \"{}\" loại /{ft} được thêm vào", f.name),
                    );
                    continue;
                }
                let timestamp =
                    f.value_ref.and_then(|v| pdfobj::get(&j.new.doc, v)).and_then(|o| pdfobj::as_dict(&j.new.doc, o)).is_some_and(|d| {
                        pdfobj::dict_get_name(&j.new.doc, d, b"Type") == Some(b"DocTimeStamp")
                            || pdfobj::dict_get_name(&j.new.doc, d, b"SubFilter") == Some(b"ETSI.RFC3161")
                    });
                let rule = if timestamp { "document-timestamp" } else { "signature-field" };
                let level = if f.visible {
                    Level::FormFilling
                } else if timestamp {
                    Level::ValidationData
                } else {
                    Level::FormFilling
                };
                approve_field(j, f, level, rule, &mut approved);
                let vis_en = if f.visible { "visible" } else { "invisible" };
                let vis_vi = if f.visible { "hiển thị" } else { "ẩn" };
                if timestamp {
                    j.allow(
                        rule,
                        level,
                        format!("document timestamp added in field \"{}\" ({vis_en})", f.name),
                        format!("dấu thời gian tài liệu được thêm trong trường \"{}\" ({vis_vi})", f.name),
                    );
                } else if f.has_value {
                    j.allow(
                        rule,
                        level,
                        format!("signature field \"{}\" added and signed ({vis_en})", f.name),
                        format!("trường chữ ký \"{}\" được thêm và ký ({vis_vi})", f.name),
                    );
                } else {
                    j.allow(
                        rule,
                        level,
                        format!("empty signature field \"{}\" added ({vis_en})", f.name),
                        format!("trường chữ ký trống \"{}\" được thêm ({vis_vi})", f.name),
                    );
                }
            }
            Some(old) => {
                let touched = f.id.is_some_and(|id| j.pending.contains_key(&id)) || f.widgets.iter().any(|w| j.pending.contains_key(w));
                if !touched {
                    continue;
                }
                if is_sig && !old.has_value && f.has_value {
                    // Signing a field that was empty at signing time.
                    let mut ok = true;
                    for id in f.id.iter().chain(f.widgets.iter()).copied().collect::<Vec<_>>() {
                        if let (Some(o), Some(n)) =
                            (j.old_obj(id).and_then(|o| o.as_dict().ok()), j.new.doc.objects.get(&id).and_then(|o| o.as_dict().ok()))
                        {
                            let changed = pdfobj::changed_keys(o, n);
                            if changed.iter().any(|k| !SIGN_FIELD_KEYS.contains(&k.as_slice())) {
                                ok = false;
                            }
                        }
                    }
                    if ok {
                        approve_field(j, f, Level::FormFilling, "sign-empty-field", &mut approved);
                        j.allow(
                            "sign-empty-field",
                            Level::FormFilling,
                            format!("signature field \"{}\" was signed", f.name),
                            format!("trường chữ ký \"{}\" được ký", f.name),
                        );
                    } else {
                        j.disallow(
                            "field-changed",
                            Level::Other,
                            format!("signature field \"{}\" was changed beyond signing it", f.name),
                            format!("trường chữ ký \"{}\" bị thay đổi ngoài việc ký", f.name),
                        );
                    }
                } else if is_sig && old.has_value && f.value_ref != old.value_ref {
                    j.disallow(
                        "field-changed",
                        Level::Other,
                        format!("the value of signature field \"{}\" (an existing signature) was replaced", f.name),
                        format!("giá trị của trường chữ ký \"{}\" (một chữ ký đã có) bị thay thế", f.name),
                    );
                } else if !is_sig {
                    j.disallow(
                        "form-filling",
                        Level::FormFilling,
                        format!("form field \"{}\" was filled in or changed after signing", f.name),
                        format!("trường biểu mẫu \"{}\" bị điền hoặc thay đổi sau khi ký", f.name),
                    );
                }
            }
        }
    }
    approved
}

fn approve_field(j: &mut Judge<'_>, f: &FieldInfo, level: Level, rule: &'static str, approved: &mut HashSet<ObjectId>) {
    let mut to_scan: Vec<Object> = Vec::new();
    for id in f.id.iter().chain(f.widgets.iter()) {
        if j.is_new(*id) || j.pending.contains_key(id) {
            j.explain(*id, level, rule);
        }
        approved.insert(*id);
        if let Some(o) = j.new.doc.objects.get(id) {
            if let Ok(d) = o.as_dict() {
                for key in [&b"AP"[..], b"V", b"Lock", b"SV", b"MK", b"Kids"] {
                    if let Ok(v) = d.get(key) {
                        to_scan.push(v.clone());
                    }
                }
            }
        }
    }
    for v in to_scan {
        if let Object::Reference(id) = v {
            if j.is_new(id) {
                j.explain(id, level, rule);
            }
        }
        j.explain_new_deps(&v, level, rule);
    }
}

fn rule_pages(j: &mut Judge<'_>, approved: &HashSet<ObjectId>) {
    let old_pages = pdfobj::pages(&j.old.doc);
    let new_pages = pdfobj::pages(&j.new.doc);
    if old_pages.len() != new_pages.len() {
        let (a, b) = (old_pages.len(), new_pages.len());
        let (en, vi) = if b > a {
            (format!("{} page(s) added ({a} → {b} pages)", b - a), format!("thêm {} trang ({a} → {b} trang)", b - a))
        } else {
            (format!("{} page(s) removed ({a} → {b} pages)", a - b), format!("bớt {} trang ({a} → {b} trang)", a - b))
        };
        j.disallow("pages", Level::Other, en, vi);
    } else if old_pages != new_pages {
        j.disallow("pages", Level::Other, "pages were replaced or reordered".into(), "các trang bị thay thế hoặc đổi thứ tự".into());
    }
    for (n, page) in new_pages.iter().enumerate() {
        let n = n + 1;
        let annots_ref = j.new.doc.objects.get(page).and_then(|o| o.as_dict().ok()).and_then(|d| pdfobj::ref_of(d, b"Annots"));
        let page_touched = j.pending.contains_key(page);
        let annots_touched = annots_ref.is_some_and(|a| j.pending.contains_key(&a));
        if !page_touched && !annots_touched {
            continue;
        }
        let (Some(old_pd), Some(new_pd)) =
            (j.old_obj(*page).and_then(|o| o.as_dict().ok()), j.new.doc.objects.get(page).and_then(|o| o.as_dict().ok()))
        else {
            continue;
        };
        let changed = pdfobj::changed_keys(old_pd, new_pd);
        let mut ok = true;
        for k in &changed {
            if k.as_slice() == b"Annots" {
                continue;
            }
            ok = false;
            let key = String::from_utf8_lossy(k);
            let (en, vi) = match k.as_slice() {
                b"Contents" => {
                    (format!("page {n}: its content (/Contents) was replaced"), format!("trang {n}: nội dung (/Contents) bị thay thế"))
                }
                b"Resources" => (
                    format!("page {n}: its resources (fonts, images) were changed"),
                    format!("trang {n}: tài nguyên (phông chữ, hình ảnh) bị thay đổi"),
                ),
                _ => (format!("page {n}: /{key} was changed"), format!("trang {n}: /{key} bị thay đổi")),
            };
            j.disallow("page-changed", Level::Other, en, vi);
        }
        // /Annots may only grow by approved widgets.
        let old_annots: Vec<Object> = pdfobj::dict_get_array(&j.old.doc, old_pd, b"Annots").map(<[Object]>::to_vec).unwrap_or_default();
        let new_annots: Vec<Object> = pdfobj::dict_get_array(&j.new.doc, new_pd, b"Annots").map(<[Object]>::to_vec).unwrap_or_default();
        let old_set: HashSet<ObjectId> = old_annots.iter().filter_map(|o| o.as_reference().ok()).collect();
        let new_set: HashSet<ObjectId> = new_annots.iter().filter_map(|o| o.as_reference().ok()).collect();
        for gone in old_set.difference(&new_set) {
            ok = false;
            let role = j.old.role(*gone);
            j.disallow(
                "annotations",
                Level::Annotations,
                format!("page {n}: {role} was removed"),
                format!("trang {n}: {} bị xóa", vi_role(&role)),
            );
        }
        if new_annots.iter().any(|o| !matches!(o, Object::Reference(_)))
            && !pdfobj::obj_eq(&Object::Array(old_annots.clone()), &Object::Array(new_annots.clone()))
        {
            ok = false;
            j.disallow(
                "annotations",
                Level::Annotations,
                format!("page {n}: a direct annotation was added"),
                format!("trang {n}: một chú thích trực tiếp được thêm"),
            );
        }
        for added in new_set.difference(&old_set) {
            if approved.contains(added) {
                continue;
            }
            ok = false;
            let sub = j
                .new
                .doc
                .objects
                .get(added)
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| pdfobj::dict_get_name(&j.new.doc, d, b"Subtype"))
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .unwrap_or_else(|| "?".into());
            let vis = j.new.doc.objects.get(added).and_then(|o| o.as_dict().ok()).is_some_and(|d| annot_visible(&j.new.doc, d));
            let (ven, vvi) = if vis { ("visible", "hiển thị") } else { ("hidden", "ẩn") };
            j.disallow(
                "annotations",
                Level::Annotations,
                format!("page {n}: a {ven} /{sub} annotation (object {}) was added", added.0),
                format!("trang {n}: một chú thích /{sub} {vvi} (đối tượng {}) được thêm", added.0),
            );
        }
        if ok {
            if page_touched {
                j.explain(*page, Level::FormFilling, "signature-field");
            }
            if let Some(a) = annots_ref {
                j.explain(a, Level::FormFilling, "signature-field");
            }
        }
    }
}

/// New objects that nothing in the new revision refers to (through the trailer, an
/// updated old object, or other new objects reachable from those).
fn orphans(j: &Judge<'_>) -> HashSet<ObjectId> {
    let new_ids: HashSet<ObjectId> = j.pending.iter().filter(|(_, existed)| !**existed).map(|(id, _)| *id).collect();
    if new_ids.is_empty() {
        return new_ids;
    }
    let mut stack = Vec::new();
    for (_, v) in j.new.doc.trailer.iter() {
        pdfobj::direct_refs(v, &mut stack);
    }
    for (id, existed) in &j.pending {
        if *existed {
            if let Some(o) = j.new.doc.objects.get(id) {
                pdfobj::direct_refs(o, &mut stack);
            }
        }
    }
    let mut reached = HashSet::new();
    while let Some(id) = stack.pop() {
        if !new_ids.contains(&id) || !reached.insert(id) {
            continue;
        }
        if let Some(o) = j.new.doc.objects.get(&id) {
            pdfobj::direct_refs(o, &mut stack);
        }
    }
    new_ids.difference(&reached).copied().collect()
}

/// Analyses everything after revision `signed` (0-based).
pub fn analyse(revs: &mut Revisions<'_>, signed: usize, docmdp: Option<i64>) -> Analysis {
    let raw = revs.raw;
    let last = raw.revisions.len().saturating_sub(1);
    let mut findings = Vec::new();
    let mut tally = AllowedTally::default();
    let mut incomplete = None;
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
                    for f in &step.findings {
                        tally.keep(&mut findings, f);
                    }
                    if let Some(p) = docmdp {
                        for f in docmdp_findings(step, p, r + 1) {
                            tally.keep(&mut findings, &f);
                        }
                    }
                    for k in &step.vri_changed {
                        // VRI entries the signed revision had must stay as they were (pyHanko
                        // grades a rewrite OTHER); entries added since are validation data.
                        let key = String::from_utf8_lossy(k);
                        let (allowed, level, en, vi) = if signed_vri.contains(k) {
                            (
                                false,
                                Level::Other,
                                format!("VRI entry /{key} was changed or removed"),
                                format!("mục VRI /{key} bị thay đổi hoặc xóa"),
                            )
                        } else {
                            (
                                true,
                                Level::ValidationData,
                                format!("VRI entry /{key}, added after this signature, was updated"),
                                format!("mục VRI /{key}, thêm sau chữ ký này, được cập nhật"),
                            )
                        };
                        tally.keep(&mut findings, &Finding::new(r + 1, level, allowed, "dss", Msg::new(en, vi)));
                    }
                }
                Err(e) => {
                    incomplete = Some(Msg::new(
                        format!("revision {} cannot be read for comparison: {e}", r + 1),
                        format!("không đọc được phiên bản {} để so sánh: {e}", r + 1),
                    ));
                    break;
                }
            }
        }
    }
    tally.summarise(&mut findings);
    // Bytes after the last revision.
    let tail = &revs.bytes[raw.last().end.min(revs.bytes.len())..];
    if !tail.iter().all(|b| b.is_ascii_whitespace() || *b == 0) {
        findings.push(Finding::new(
            0,
            Level::Other,
            false,
            "trailing-bytes",
            Msg::new(
                format!("{} bytes follow the last revision's %%EOF without a cross-reference section", tail.len()),
                format!("có {} byte sau %%EOF của phiên bản cuối mà không có bảng tham chiếu chéo", tail.len()),
            ),
        ));
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

/// The allowed changes after one signature, by allow rule.
#[derive(Default)]
struct AllowedTally {
    total: usize,
    /// rule → (highest level, count, first revision, last revision)
    by_rule: BTreeMap<&'static str, (Level, usize, usize, usize)>,
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
