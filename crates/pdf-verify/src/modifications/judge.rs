//! One step of the analysis: what revision `r` wrote, judged against revision `r - 1`.
//!
//! 1. Every object number the revision writes, overwrites or frees is collected
//!    ([`Judge::pending`]); the revision's cross-reference data is checked for numbers
//!    that it reuses or points elsewhere ([`super::xref_checks`]).
//! 2. The allow rules ([`super::rules`]) explain what they can, each with the level of
//!    the change and the places ([`Via`]) where the earlier revision may use the object.
//! 3. Each changed object is then held to *every* use the earlier revision makes of it
//!    ([`super::refs::Uses`]): a use that its explanation does not name makes the change
//!    disallowed, with the path that reaches it. Unexplained changes are disallowed,
//!    except new objects that nothing reaches, then or now.

use std::collections::{BTreeMap, HashMap, HashSet};

use lopdf::{Document, Object, ObjectId};
use pdf_raw::{RawPdf, XrefEntry};

use super::refs::{Edge, Holder};
use super::rule::Rule;
use super::state::RevState;
use super::wording::vi_role;
use super::{rules, xref_checks, Finding, Level};
use crate::pdfobj;
use crate::verdict::Msg;

/// Where the earlier revision may use an object whose change a rule explains.
#[derive(Debug, Clone)]
pub(super) enum Via {
    /// Anywhere: the object's own changes are checked key by key (the catalog, a page,
    /// the form dictionary, a field being signed).
    Any,
    /// Only these places (holder and, where given, key). Empty: the earlier revision must
    /// not use it at all outside the free regions (metadata, DSS, new objects).
    Only(Vec<(Holder, Option<Vec<u8>>)>),
}

impl Via {
    pub fn none() -> Via {
        Via::Only(Vec::new())
    }

    fn merge(&mut self, other: Via) {
        match (self, other) {
            (Via::Any, _) => {}
            (me, Via::Any) => *me = Via::Any,
            (Via::Only(a), Via::Only(b)) => a.extend(b),
        }
    }

    fn admits(&self, edge: &Edge) -> bool {
        match self {
            Via::Any => true,
            Via::Only(list) => list.iter().any(|(h, k)| *h == edge.holder && k.as_ref().is_none_or(|k| *k == edge.key)),
        }
    }
}

#[derive(Debug, Clone)]
pub(super) struct Explanation {
    pub level: Level,
    pub rule: Rule,
    pub via: Via,
}

pub(super) struct Judge<'s> {
    /// The revision before the one judged.
    pub old: &'s RevState,
    pub new: &'s RevState,
    /// 1-based number of the revision judged.
    pub revision: usize,
    /// VRI entries of the previous revision that this one changed or removed (judged
    /// against each signature's own revision by [`super::analyse`]).
    pub vri_changed: Vec<Vec<u8>>,
    /// Objects this revision writes that differ from the revision before, with whether
    /// their number existed there.
    pub pending: BTreeMap<ObjectId, bool>,
    pub explained: HashMap<ObjectId, Explanation>,
    pub findings: Vec<Finding>,
    /// Fields that existed before and were filled in this revision (for FieldMDP locks,
    /// judged per signature).
    pub filled: Vec<String>,
    /// New visible signature fields: they paint on the page, which a certification
    /// signature permits only with `/P 3` (judged per signature).
    pub new_visible_fields: Vec<String>,
}

impl<'s> Judge<'s> {
    pub fn disallow(&mut self, rule: Rule, level: Level, en: String, vi: String) {
        self.findings.push(Finding::new(self.revision, level, false, rule, Msg::new(en, vi)));
    }

    pub fn allow(&mut self, rule: Rule, level: Level, en: String, vi: String) {
        self.findings.push(Finding::new(self.revision, level, true, rule, Msg::new(en, vi)));
    }

    pub fn explain(&mut self, id: ObjectId, level: Level, rule: Rule, via: Via) {
        match self.explained.get_mut(&id) {
            Some(e) => {
                if level > e.level {
                    e.level = level;
                    e.rule = rule;
                }
                e.via.merge(via);
            }
            None => {
                self.explained.insert(id, Explanation { level, rule, via });
            }
        }
    }

    /// Is object number `id.0` new in this revision?
    pub fn is_new(&self, id: ObjectId) -> bool {
        !self.old.by_num.contains_key(&id.0)
    }

    pub fn old_obj(&self, id: ObjectId) -> Option<&'s Object> {
        self.old.obj(id.0)
    }

    pub fn new_obj(&self, id: ObjectId) -> Option<&'s Object> {
        self.new.doc.objects.get(&id)
    }

    /// Explains every object added in this revision that `start` reaches through other
    /// added objects. The earlier revision may not use them (it had no such numbers).
    pub fn explain_new_deps(&mut self, start: &Object, level: Level, rule: Rule) {
        let mut stack = Vec::new();
        pdfobj::direct_refs(start, &mut stack);
        let mut seen = HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) || seen.len() > 100_000 || !self.is_new(id) {
                continue;
            }
            self.explain(id, level, rule, Via::none());
            if let Some(o) = self.new.doc.objects.get(&id) {
                pdfobj::direct_refs(o, &mut stack);
            }
        }
    }
}

impl Judge<'_> {
    /// Explains every changed object that `start` reaches in the new revision, old or new:
    /// a region whose whole content the rule may replace (the DSS). The earlier revision
    /// may use none of them outside such regions.
    pub fn explain_region(&mut self, start: &Object, level: Level, rule: Rule) {
        let mut stack = Vec::new();
        pdfobj::direct_refs(start, &mut stack);
        let mut seen = HashSet::new();
        while let Some(id) = stack.pop() {
            if !seen.insert(id) || seen.len() > 1_000_000 {
                continue;
            }
            if self.pending.contains_key(&id) {
                self.explain(id, level, rule, Via::none());
            }
            if let Some(o) = self.new.doc.objects.get(&id) {
                pdfobj::direct_refs(o, &mut stack);
            }
        }
    }
}

/// What one revision changed relative to the one before it.
#[derive(Debug, Clone, Default)]
pub(super) struct Step {
    pub findings: Vec<Finding>,
    pub vri_changed: Vec<Vec<u8>>,
    /// Each allow rule that explained a change, with the highest level it allowed: what a
    /// signature's permission is held to.
    pub allowed_levels: BTreeMap<Rule, Level>,
    /// Fields filled in this revision that existed in the one before.
    pub filled: Vec<String>,
    /// New visible signature fields of this revision.
    pub new_visible_fields: Vec<String>,
}

/// Compares revision `r` (0-based) with revision `r - 1`.
pub(super) fn compare(old: &RevState, new: &RevState, raw: &RawPdf, bytes: &[u8], r: usize) -> Result<Step, Msg> {
    if !old.uses().complete {
        let max = super::refs::MAX_EDGES;
        return Err(Msg::new(
            format!("revision {r} has more than {max} references: too large to analyse"),
            format!("phiên bản {r} có hơn {max} tham chiếu: quá lớn để phân tích"),
        ));
    }
    let mut j = Judge {
        old,
        new,
        vri_changed: Vec::new(),
        revision: r + 1,
        pending: BTreeMap::new(),
        explained: HashMap::new(),
        findings: Vec::new(),
        filled: Vec::new(),
        new_visible_fields: Vec::new(),
    };
    too_many_annotations(old, new)?;
    let structural = xref_checks::check(&mut j, raw, bytes, r);
    collect_pending(&mut j, raw, r, &structural);
    if j.pending.is_empty() && j.findings.is_empty() {
        return Ok(Step::default());
    }
    rules::apply(&mut j);
    judge_pending(&mut j);
    let mut allowed_levels: BTreeMap<Rule, Level> = BTreeMap::new();
    // Only what this revision changed counts (rules also explain the containers they
    // inspect, changed or not).
    for (_, e) in j.explained.iter().filter(|(id, _)| j.pending.contains_key(id)) {
        let l = allowed_levels.entry(e.rule).or_insert(e.level);
        *l = (*l).max(e.level);
    }
    for f in j.findings.iter().filter(|f| f.allowed) {
        let l = allowed_levels.entry(f.rule).or_insert(f.level);
        *l = (*l).max(f.level);
    }
    Ok(Step {
        findings: j.findings,
        vri_changed: j.vri_changed,
        allowed_levels,
        filled: j.filled,
        new_visible_fields: j.new_visible_fields,
    })
}

/// New annotations one page may gain in one revision and still be analysed one by one.
const MAX_NEW_ANNOTATIONS: usize = 10_000;

/// A page whose `/Annots` grew past [`MAX_NEW_ANNOTATIONS`]: too large to analyse.
fn too_many_annotations(old: &RevState, new: &RevState) -> Result<(), Msg> {
    let count = |s: &RevState, page: ObjectId| {
        s.doc
            .objects
            .get(&page)
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| pdfobj::dict_get_array(&s.doc, d, b"Annots"))
            .map_or(0, <[Object]>::len)
    };
    for (n, page) in pdfobj::pages(&new.doc).into_iter().enumerate() {
        let (before, after) = (old.by_num.get(&page.0).map_or(0, |p| count(old, *p)), count(new, page));
        if after > before + MAX_NEW_ANNOTATIONS {
            let n = n + 1;
            return Err(Msg::new(
                format!("page {n} lists {after} annotations ({before} before): more than {MAX_NEW_ANNOTATIONS} new ones are too many to analyse"),
                format!("trang {n} có {after} chú thích (trước đó {before}): hơn {MAX_NEW_ANNOTATIONS} chú thích mới là quá nhiều để phân tích"),
            ));
        }
    }
    Ok(())
}

/// Step 1: the objects revision `r` writes or frees that differ from the revision before.
fn collect_pending(j: &mut Judge<'_>, raw: &RawPdf, r: usize, structural: &HashSet<u32>) {
    let (old, new) = (j.old, j.new);
    for (&num, entry) in &raw.revisions[r].entries {
        if num == 0 || structural.contains(&num) {
            continue;
        }
        let new_id = match entry {
            XrefEntry::Free => {
                if let Some(old_id) = old.by_num.get(&num) {
                    if !new.by_num.contains_key(&num) {
                        let role = old.role(*old_id);
                        let path = old.uses().path(num);
                        j.disallow(
                            Rule::DeletedObject,
                            Level::Other,
                            format!("{role} (object {num}) was deleted (path when signed: {path})"),
                            format!("{} (đối tượng {num}) bị xóa (đường dẫn khi ký: {path})", vi_role(&role)),
                        );
                    }
                }
                continue;
            }
            XrefEntry::InFile { gen, .. } => (num, *gen),
            XrefEntry::InStream { .. } => (num, 0),
        };
        let new_id = if new.doc.objects.contains_key(&new_id) { new_id } else { new.by_num.get(&num).copied().unwrap_or(new_id) };
        let Some(new_obj) = new.doc.objects.get(&new_id) else {
            if old.by_num.contains_key(&num) || !old.uses().of(num).is_empty() {
                j.disallow(
                    Rule::UnreadableObject,
                    Level::Other,
                    format!("object {num} is rewritten but cannot be read"),
                    format!("đối tượng {num} được ghi lại nhưng không đọc được"),
                );
            }
            continue;
        };
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
}

/// Step 3: every changed object against every use the earlier revision makes of it.
fn judge_pending(j: &mut Judge<'_>) {
    let orphans = orphans(j);
    let pending: Vec<(ObjectId, bool)> = j.pending.iter().map(|(k, v)| (*k, *v)).collect();
    let mut seen_roles = HashSet::new();
    for (id, existed) in pending {
        let uses = j.old.uses().of(id.0);
        match j.explained.get(&id) {
            Some(e) => {
                if let Some(edge) = uses.iter().find(|u| !e.via.admits(u)) {
                    let (rule, edge) = (e.rule, edge.clone());
                    shared_object(j, id, rule, &edge);
                }
            }
            None if !existed && uses.is_empty() && orphans.contains(&id) => {}
            None => {
                let role = if existed || !uses.is_empty() { j.old.role(id) } else { j.new.role(id) };
                if seen_roles.insert(role.clone()) {
                    unexplained(j, id, existed, &role);
                }
            }
        }
    }
}

/// An explained change to an object the earlier revision also uses elsewhere.
fn shared_object(j: &mut Judge<'_>, id: ObjectId, rule: Rule, edge: &Edge) {
    let role = j.old.role(id);
    let path = j.old.uses().path(id.0);
    let holder = match edge.holder {
        Holder::Trailer => "the trailer".to_string(),
        Holder::Object(h) => match j.old.by_num.get(&h) {
            Some(hid) => format!("{} (object {h})", j.old.role(*hid)),
            None => format!("object {h}"),
        },
    };
    let key = String::from_utf8_lossy(&edge.key).into_owned();
    j.disallow(
        Rule::SharedObject,
        Level::Other,
        format!("{role} (object {}) was changed as {rule}, but the signed content uses it through {holder} /{key} (path: {path})", id.0),
        format!(
            "{} (đối tượng {}) bị thay đổi dưới danh nghĩa {rule}, nhưng nội dung đã ký dùng nó qua {} /{key} (đường dẫn: {path})",
            vi_role(&role),
            id.0,
            vi_role(&holder)
        ),
    );
}

fn unexplained(j: &mut Judge<'_>, id: ObjectId, existed: bool, role: &str) {
    let uses = j.old.uses().of(id.0);
    let path = if uses.is_empty() { String::new() } else { format!(" (path: {})", j.old.uses().path(id.0)) };
    let vpath = if uses.is_empty() { String::new() } else { format!(" (đường dẫn: {})", j.old.uses().path(id.0)) };
    let (rule, en, vi) = if existed {
        let keys = changed_parts(j, id);
        (
            Rule::RedefinedObject,
            format!("{role} (object {}) was changed{keys}{path}", id.0),
            format!("{} (đối tượng {}) bị thay đổi{}{vpath}", vi_role(role), id.0, keys.replace("stream data", "dữ liệu luồng")),
        )
    } else if !uses.is_empty() {
        (
            Rule::RedefinedObject,
            format!("object {} was not defined when signed but referenced{path}; a later revision defines it", id.0),
            format!("đối tượng {} chưa được định nghĩa khi ký nhưng đã được tham chiếu{vpath}; phiên bản sau định nghĩa nó", id.0),
        )
    } else {
        // Where the new revision reaches it (computed only for such a finding).
        let path = j.new.uses().path(id.0);
        (
            Rule::NewObject,
            format!("{role} (object {}) was added (path: {path})", id.0),
            format!("{} (đối tượng {}) được thêm vào (đường dẫn: {path})", vi_role(role), id.0),
        )
    };
    j.disallow(rule, Level::Other, en, vi);
}

/// ": /Key, /Other, stream data" for a changed dictionary or stream.
fn changed_parts(j: &Judge<'_>, id: ObjectId) -> String {
    let (old, new) = (j.old_obj(id), j.new_obj(id));
    let mut parts: Vec<String> = match (old.and_then(|o| pdfobj::as_dict(&j.old.doc, o)), new.and_then(|o| pdfobj::as_dict(&j.new.doc, o)))
    {
        (Some(a), Some(b)) => pdfobj::changed_keys(a, b).iter().map(|k| format!("/{}", String::from_utf8_lossy(k))).collect(),
        _ => Vec::new(),
    };
    if matches!((old, new), (Some(Object::Stream(x)), Some(Object::Stream(y))) if x.content != y.content) {
        parts.push("stream data".into());
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(": {}", parts.join(", "))
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

/// The catalog of a document.
pub(super) fn root_dict(doc: &Document) -> Option<&lopdf::Dictionary> {
    doc.trailer.get(b"Root").ok().and_then(|r| pdfobj::as_dict(doc, r))
}
