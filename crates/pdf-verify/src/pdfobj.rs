//! Bounded helpers over lopdf documents: resolving references without looping,
//! comparing objects, decoding text strings, walking the page tree.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// How many references are followed in a chain (`1 0 R` pointing to `2 0 R` …).
const MAX_REF_CHAIN: usize = 32;
/// Nesting depth for recursive comparisons and reference collection.
pub const MAX_DEPTH: usize = 64;
/// Pages visited at most in a page tree.
pub const MAX_PAGES: usize = 100_000;

/// Follows references until a direct object (None on a dangling or looping reference).
pub fn resolve<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Object> {
    let mut cur = obj;
    for _ in 0..MAX_REF_CHAIN {
        match cur {
            Object::Reference(id) => cur = doc.objects.get(id)?,
            other => return Some(other),
        }
    }
    None
}

/// The object behind an id, resolved.
pub fn get(doc: &Document, id: ObjectId) -> Option<&Object> {
    resolve(doc, doc.objects.get(&id)?)
}

/// A dictionary value (or a stream's dictionary) behind an object.
pub fn as_dict<'a>(doc: &'a Document, obj: &'a Object) -> Option<&'a Dictionary> {
    match resolve(doc, obj)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    resolve(doc, d.get(key).ok()?)
}

pub fn dict_get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    as_dict(doc, d.get(key).ok()?)
}

pub fn dict_get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match dict_get(doc, d, key)? {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

pub fn dict_get_name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match dict_get(doc, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

pub fn dict_get_int(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<i64> {
    match dict_get(doc, d, key)? {
        Object::Integer(i) => Some(*i),
        _ => None,
    }
}

/// A text string value decoded (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding ≈ Latin-1).
pub fn dict_get_text(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<String> {
    match dict_get(doc, d, key)? {
        Object::String(s, _) => Some(decode_text(s)),
        _ => None,
    }
}

pub fn decode_text(s: &[u8]) -> String {
    if s.len() >= 2 && s[0] == 0xfe && s[1] == 0xff {
        let units: Vec<u16> = s[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        return String::from_utf16_lossy(&units);
    }
    if s.starts_with(&[0xef, 0xbb, 0xbf]) {
        return String::from_utf8_lossy(&s[3..]).into_owned();
    }
    s.iter().map(|&b| char::from(b)).collect()
}

/// Semantic equality: same values, streams compared by dictionary and raw data
/// (lopdf's own equality also compares where a stream sat in the file).
pub fn obj_eq(a: &Object, b: &Object) -> bool {
    obj_eq_depth(a, b, 0)
}

fn obj_eq_depth(a: &Object, b: &Object, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Object::Dictionary(x), Object::Dictionary(y)) => dict_eq(x, y, depth),
        (Object::Stream(x), Object::Stream(y)) => {
            let strip = |d: &Dictionary| {
                let mut d = d.clone();
                d.remove(b"Length");
                d
            };
            x.content == y.content && dict_eq(&strip(&x.dict), &strip(&y.dict), depth)
        }
        (Object::Array(x), Object::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| obj_eq_depth(p, q, depth + 1)),
        (Object::Real(x), Object::Real(y)) => x == y,
        (Object::Integer(x), Object::Real(y)) | (Object::Real(y), Object::Integer(x)) => (*x as f64) == f64::from(*y),
        (Object::String(x, _), Object::String(y, _)) => x == y,
        _ => a == b,
    }
}

pub fn dict_eq(x: &Dictionary, y: &Dictionary, depth: usize) -> bool {
    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_ok_and(|w| obj_eq_depth(v, w, depth + 1)))
}

/// The keys whose values differ between two dictionaries (added, removed or changed).
pub fn changed_keys(old: &Dictionary, new: &Dictionary) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for (k, v) in old.iter() {
        match new.get(k) {
            Ok(w) if obj_eq(v, w) => {}
            _ => out.push(k.clone()),
        }
    }
    for (k, _) in new.iter() {
        if !old.has(k) {
            out.push(k.clone());
        }
    }
    out
}

/// Every reference that appears inside an object (not following them).
pub fn direct_refs(obj: &Object, out: &mut Vec<ObjectId>) {
    direct_refs_depth(obj, out, 0);
}

fn direct_refs_depth(obj: &Object, out: &mut Vec<ObjectId>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match obj {
        Object::Reference(id) => out.push(*id),
        Object::Array(a) => a.iter().for_each(|o| direct_refs_depth(o, out, depth + 1)),
        Object::Dictionary(d) => d.iter().for_each(|(_, o)| direct_refs_depth(o, out, depth + 1)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, o)| direct_refs_depth(o, out, depth + 1)),
        _ => {}
    }
}

/// The reference behind a dictionary key, if the value is one.
pub fn ref_of(d: &Dictionary, key: &[u8]) -> Option<ObjectId> {
    match d.get(key).ok()? {
        Object::Reference(id) => Some(*id),
        _ => None,
    }
}

/// Page objects in order, walking the page tree with cycle detection and bounds.
pub fn pages(doc: &Document) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let Some(root) = doc.trailer.get(b"Root").ok().and_then(|r| as_dict(doc, r)) else {
        return out;
    };
    let Some(Object::Reference(pages_id)) = root.get(b"Pages").ok() else {
        return out;
    };
    let mut seen = HashSet::new();
    walk_pages(doc, *pages_id, &mut seen, &mut out, 0);
    out
}

fn walk_pages(doc: &Document, id: ObjectId, seen: &mut HashSet<ObjectId>, out: &mut Vec<ObjectId>, depth: usize) {
    if depth > MAX_DEPTH || out.len() >= MAX_PAGES || !seen.insert(id) {
        return;
    }
    let Some(d) = get(doc, id).and_then(|o| match o {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }) else {
        return;
    };
    match d.get(b"Kids").ok().and_then(|k| resolve(doc, k)) {
        Some(Object::Array(kids)) if d.get(b"Type").ok().and_then(|t| t.as_name().ok()) != Some(b"Page") => {
            for kid in kids {
                if let Object::Reference(kid_id) = kid {
                    walk_pages(doc, *kid_id, seen, out, depth + 1);
                }
            }
        }
        _ => out.push(id),
    }
}
