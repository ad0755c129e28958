//! A later revision's cross-reference data, checked against its own bytes and the revision
//! before it. Readers differ on what to believe when the two disagree, so every
//! disagreement is a disallowed change:
//! - the revision's cross-reference stream or an object stream takes the number of an
//!   object the earlier revision has or refers to (a reader may take it for that object);
//! - an entry says an object is stored inside itself;
//! - an entry points at the bytes of another object, or at no object;
//! - an object number is defined twice in the revision's bytes, or defined there without
//!   being listed (a reader that rebuilds the table takes the last definition);
//! - a hybrid revision's table and stream list an object differently;
//! - the revision's own `startxref` names another section than the one its successor's
//!   `/Prev` led to (a `/Prev` into the middle of a signed revision).

use std::collections::{HashMap, HashSet};

use lopdf::Object;
use pdf_raw::scan::{object_header_at, object_headers, startxref_before};
use pdf_raw::{RawPdf, Revision, XrefEntry, XrefKind};

use super::judge::Judge;
use super::rule::Rule;
use super::wording::vi_role;
use super::{Finding, Level};
use crate::verdict::Msg;

/// Object headers read in one revision at most.
const MAX_HEADERS: usize = 1_000_000;
/// How far a `startxref` may point off its section (writers' slips, tolerated as the
/// reader does).
const STARTXREF_SLACK: usize = 16;

/// Checks revision `r`; returns the numbers that are its own machinery (its xref stream,
/// its object streams), which the content comparison skips.
pub(super) fn check(j: &mut Judge<'_>, raw: &RawPdf, bytes: &[u8], r: usize) -> HashSet<u32> {
    let rev = &raw.revisions[r];
    let mut structural = HashSet::new();
    xref_streams(j, rev, bytes, &mut structural);
    object_streams(j, rev, &mut structural);
    unlisted_definitions(j, rev, bytes);
    j.findings.extend(without_documents(rev, bytes, &structural));
    structural
}

/// The checks that need no document: run on their own when a revision cannot be loaded
/// (its contradictions are still named, and make it disallowed rather than unreadable).
pub(super) fn without_documents(rev: &Revision, bytes: &[u8], structural: &HashSet<u32>) -> Vec<Finding> {
    let r = rev.index + 1;
    let mut out = Vec::new();
    let mut bad = |en: String, vi: String| out.push(Finding::new(r, Level::Other, false, Rule::Xref, Msg::new(en, vi)));
    for (&num, e) in &rev.entries {
        if matches!(e, XrefEntry::InStream { stream, .. } if *stream == num) {
            bad(
                format!("revision {r}: object {num} is said to be stored inside itself"),
                format!("phiên bản {r}: đối tượng {num} được khai là nằm trong chính nó"),
            );
        }
    }
    entry_targets(rev, bytes, structural, &mut bad);
    duplicate_definitions(rev, bytes, &mut bad);
    for num in rev.hybrid_conflicts.iter().take(20) {
        bad(
            format!("object {num}: the cross-reference table and stream of revision {r} disagree about where it is"),
            format!("đối tượng {num}: bảng và luồng tham chiếu chéo của phiên bản {r} mâu thuẫn về vị trí của nó"),
        );
    }
    out.extend(startxref_mismatch(bytes, rev));
    out
}

/// Whether `num` is something the earlier revision has or refers to.
fn used_before(j: &Judge<'_>, num: u32) -> Option<String> {
    if let Some(id) = j.old.by_num.get(&num) {
        return Some(j.old.role(*id));
    }
    (!j.old.uses().of(num).is_empty()).then(|| format!("object {num}, which it refers to"))
}

fn reuse(j: &mut Judge<'_>, what_en: &str, what_vi: &str, num: u32, role: &str) {
    let r = j.revision;
    j.disallow(
        Rule::Xref,
        Level::Other,
        format!("the {what_en} of revision {r} takes object number {num}, which the signed content uses as {role}"),
        format!("{what_vi} của phiên bản {r} lấy số đối tượng {num}, mà nội dung đã ký dùng làm {}", vi_role(role)),
    );
}

fn xref_streams(j: &mut Judge<'_>, rev: &Revision, bytes: &[u8], structural: &mut HashSet<u32>) {
    let mut offsets = Vec::new();
    if rev.kind == XrefKind::Stream {
        offsets.push(rev.xref_offset);
    }
    if let Some(off) = rev.trailer.get_int(b"XRefStm").and_then(|o| usize::try_from(o).ok()) {
        offsets.push(off);
    }
    let mut nums: HashSet<u32> = offsets.iter().filter_map(|o| object_header_at(bytes, *o)).map(|(n, _)| n).collect();
    for (&num, e) in &rev.entries {
        if let XrefEntry::InFile { offset, .. } = e {
            if offsets.contains(offset) {
                nums.insert(num);
            }
        }
        let is_xref = j
            .new
            .obj(num)
            .is_some_and(|o| matches!(o, Object::Stream(s) if s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"XRef")));
        if is_xref && !matches!(e, XrefEntry::Free) {
            nums.insert(num);
        }
    }
    for num in nums {
        structural.insert(num);
        if let Some(role) = used_before(j, num) {
            reuse(j, "cross-reference stream", "luồng tham chiếu chéo", num, &role);
        }
    }
}

fn object_streams(j: &mut Judge<'_>, rev: &Revision, structural: &mut HashSet<u32>) {
    let mut containers: HashSet<u32> = HashSet::new();
    for (&num, e) in &rev.entries {
        if let XrefEntry::InStream { stream, .. } = e {
            if rev.entries.contains_key(stream) {
                containers.insert(*stream);
            }
        }
        let is_objstm = j
            .new
            .obj(num)
            .is_some_and(|o| matches!(o, Object::Stream(s) if s.dict.get(b"Type").and_then(Object::as_name).ok() == Some(b"ObjStm")));
        if is_objstm && !matches!(e, XrefEntry::Free) {
            containers.insert(num);
        }
    }
    for num in containers {
        structural.insert(num);
        if let Some(role) = used_before(j, num) {
            reuse(j, "object stream", "luồng đối tượng", num, &role);
        }
    }
}

/// Each offset entry must point at the header of the object it names.
fn entry_targets(rev: &Revision, bytes: &[u8], structural: &HashSet<u32>, bad: &mut impl FnMut(String, String)) {
    let r = rev.index + 1;
    let mut count = 0;
    for (&num, e) in &rev.entries {
        let XrefEntry::InFile { offset, gen } = *e else { continue };
        if num == 0 || count >= 20 {
            continue;
        }
        let found = object_header_at(bytes, offset);
        if found == Some((num, gen)) || (structural.contains(&num) && found.is_some_and(|f| f.0 == num)) {
            continue;
        }
        count += 1;
        match found {
            Some((other, _)) => bad(
                format!("revision {r}: the cross-reference entry for object {num} points at the bytes of object {other}"),
                format!("phiên bản {r}: mục tham chiếu chéo của đối tượng {num} trỏ vào dữ liệu của đối tượng {other}"),
            ),
            None => bad(
                format!("revision {r}: the cross-reference entry for object {num} points at offset {offset}, where no object starts"),
                format!("phiên bản {r}: mục tham chiếu chéo của đối tượng {num} trỏ vào vị trí {offset}, nơi không có đối tượng nào"),
            ),
        }
    }
}

fn header_counts(rev: &Revision, bytes: &[u8]) -> HashMap<u32, usize> {
    let mut count: HashMap<u32, usize> = HashMap::new();
    for (_, num, _) in object_headers(bytes, rev.start..rev.end, MAX_HEADERS) {
        *count.entry(num).or_default() += 1;
    }
    count
}

/// Objects defined twice in the revision's bytes.
fn duplicate_definitions(rev: &Revision, bytes: &[u8], bad: &mut impl FnMut(String, String)) {
    let r = rev.index + 1;
    let mut twice: Vec<(u32, usize)> = header_counts(rev, bytes).into_iter().filter(|(_, n)| *n > 1).collect();
    twice.sort();
    for (num, n) in twice.into_iter().take(20) {
        bad(
            format!("revision {r} defines object {num} {n} times: readers that rebuild the cross-reference table may use another definition than the one listed"),
            format!("phiên bản {r} định nghĩa đối tượng {num} {n} lần: trình đọc dựng lại bảng tham chiếu chéo có thể dùng định nghĩa khác với định nghĩa được liệt kê"),
        );
    }
}

/// Objects the revision defines without listing them, where the earlier revision has or
/// refers to that number.
fn unlisted_definitions(j: &mut Judge<'_>, rev: &Revision, bytes: &[u8]) {
    let r = j.revision;
    let mut unlisted: Vec<u32> = header_counts(rev, bytes)
        .into_keys()
        .filter(|num| !rev.entries.get(num).is_some_and(|e| matches!(e, XrefEntry::InFile { .. })))
        .collect();
    unlisted.sort();
    unlisted.retain(|n| used_before(j, *n).is_some());
    for num in unlisted.into_iter().take(20) {
        j.disallow(
            Rule::Xref,
            Level::Other,
            format!("revision {r} defines object {num} without listing it: readers that rebuild the cross-reference table use it instead of the signed one"),
            format!("phiên bản {r} định nghĩa đối tượng {num} mà không liệt kê: trình đọc dựng lại bảng tham chiếu chéo sẽ dùng nó thay cho đối tượng đã ký"),
        );
    }
}

/// A revision (an incremental update) whose `startxref` names another section than the
/// one the chain of `/Prev` reached.
pub(super) fn startxref_mismatch(bytes: &[u8], rev: &Revision) -> Option<Finding> {
    if rev.index == 0 {
        // The original file: linearized files have two sections and two `startxref`s.
        return None;
    }
    let named = startxref_before(bytes, rev.start, rev.eof_marker_end)?;
    if named.abs_diff(rev.xref_offset) <= STARTXREF_SLACK {
        return None;
    }
    let r = rev.index + 1;
    Some(Finding::new(
        r,
        Level::Other,
        false,
        Rule::Xref,
        Msg::new(
            format!("revision {r}: its startxref names offset {named}, but the cross-reference chain reads the section at {} (a /Prev that points elsewhere)", rev.xref_offset),
            format!("phiên bản {r}: startxref của nó trỏ tới vị trí {named}, nhưng chuỗi tham chiếu chéo đọc phần ở vị trí {} (một /Prev trỏ sai chỗ)", rev.xref_offset),
        ),
    ))
}
