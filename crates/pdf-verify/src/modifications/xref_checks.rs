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
    entry_targets(j, rev, bytes, &structural);
    definitions(j, rev, bytes);
    for num in rev.hybrid_conflicts.iter().take(20) {
        j.disallow(
            Rule::Xref,
            Level::Other,
            format!("object {num}: the cross-reference table and stream of revision {} disagree about where it is", r + 1),
            format!("đối tượng {num}: bảng và luồng tham chiếu chéo của phiên bản {} mâu thuẫn về vị trí của nó", r + 1),
        );
    }
    if let Some(f) = startxref_mismatch(bytes, rev) {
        j.findings.push(f);
    }
    structural
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
            if *stream == num {
                j.disallow(
                    Rule::Xref,
                    Level::Other,
                    format!("revision {}: object {num} is said to be stored inside itself", j.revision),
                    format!("phiên bản {}: đối tượng {num} được khai là nằm trong chính nó", j.revision),
                );
            }
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
fn entry_targets(j: &mut Judge<'_>, rev: &Revision, bytes: &[u8], structural: &HashSet<u32>) {
    let mut bad = 0;
    for (&num, e) in &rev.entries {
        let XrefEntry::InFile { offset, gen } = *e else { continue };
        if num == 0 || bad >= 20 {
            continue;
        }
        let found = object_header_at(bytes, offset);
        if found == Some((num, gen)) || (structural.contains(&num) && found.is_some_and(|f| f.0 == num)) {
            continue;
        }
        bad += 1;
        let r = j.revision;
        let (en, vi) = match found {
            Some((other, _)) => (
                format!("revision {r}: the cross-reference entry for object {num} points at the bytes of object {other}"),
                format!("phiên bản {r}: mục tham chiếu chéo của đối tượng {num} trỏ vào dữ liệu của đối tượng {other}"),
            ),
            None => (
                format!("revision {r}: the cross-reference entry for object {num} points at offset {offset}, where no object starts"),
                format!("phiên bản {r}: mục tham chiếu chéo của đối tượng {num} trỏ vào vị trí {offset}, nơi không có đối tượng nào"),
            ),
        };
        j.disallow(Rule::Xref, Level::Other, en, vi);
    }
}

/// Objects defined twice in the revision's bytes, or defined there but not listed.
fn definitions(j: &mut Judge<'_>, rev: &Revision, bytes: &[u8]) {
    let headers = object_headers(bytes, rev.start..rev.end, MAX_HEADERS);
    let mut count: HashMap<u32, usize> = HashMap::new();
    for (_, num, _) in &headers {
        *count.entry(*num).or_default() += 1;
    }
    let r = j.revision;
    let mut reported = 0;
    for (num, n) in count {
        if reported >= 20 {
            break;
        }
        let listed = rev.entries.get(&num).is_some_and(|e| matches!(e, XrefEntry::InFile { .. }));
        let (en, vi) = if n > 1 {
            (
                format!("revision {r} defines object {num} {n} times: readers that rebuild the cross-reference table may use another definition than the one listed"),
                format!("phiên bản {r} định nghĩa đối tượng {num} {n} lần: trình đọc dựng lại bảng tham chiếu chéo có thể dùng định nghĩa khác với định nghĩa được liệt kê"),
            )
        } else if !listed && used_before(j, num).is_some() {
            (
                format!("revision {r} defines object {num} without listing it: readers that rebuild the cross-reference table use it instead of the signed one"),
                format!("phiên bản {r} định nghĩa đối tượng {num} mà không liệt kê: trình đọc dựng lại bảng tham chiếu chéo sẽ dùng nó thay cho đối tượng đã ký"),
            )
        } else {
            continue;
        };
        reported += 1;
        j.disallow(Rule::Xref, Level::Other, en, vi);
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
