//! Where a revision uses each object: every reference that reaches it from the trailer,
//! along the edges that carry what the document shows or does.
//!
//! An allow rule excuses an object for the role a *later* revision gives it (metadata,
//! validation data, a field's appearance). That is only sound when the *signed* revision
//! used the object in no other role: an update that points `/Info` at a page's content
//! stream and rewrites it must not pass as "metadata changed". So the signed revision is
//! walked from its trailer, and every reference to every object is kept with the place it
//! stands in ([`Edge`]: the holding object and the key). The walk starts at every trailer
//! key but `/Info` and does not enter the
//! regions whose whole content an allow rule may replace (the trailer's `/Info`, the
//! catalog's `/Metadata` and `/DSS`): an object reached only through them is free to
//! change; one reached through anything else is *used*, and each of its uses must be one
//! the explaining rule names ([`super::judge::Via`]).
//!
//! References to object numbers the revision does not define are kept too: defining such
//! a number later changes what the signed revision's reference means.

use std::collections::{HashMap, VecDeque};

use lopdf::{Document, Object, ObjectId};

/// What holds a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Holder {
    Trailer,
    Object(u32),
}

/// One reference: the object (or trailer) holding it and the top-level key it stands
/// under (empty for an element of an array object).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    pub holder: Holder,
    pub key: Vec<u8>,
}

/// References walked in one revision at most; past this the analysis stops and says so.
pub const MAX_EDGES: usize = 4_000_000;
/// Nesting followed inside one object.
const MAX_DEPTH: usize = 64;

/// The uses of every object a revision reaches outside the free regions.
#[derive(Debug, Default)]
pub struct Uses {
    by_target: HashMap<u32, Vec<Edge>>,
    /// False when the walk hit [`MAX_EDGES`].
    pub complete: bool,
}

impl Uses {
    /// Walks `doc` from its trailer.
    pub fn build(doc: &Document, by_num: &HashMap<u32, ObjectId>) -> Uses {
        let mut uses = Uses { by_target: HashMap::new(), complete: true };
        let root = match doc.trailer.get(b"Root") {
            Ok(Object::Reference(r)) => Some(r.0),
            _ => None,
        };
        let mut queue: VecDeque<u32> = VecDeque::new();
        let mut edges = 0usize;
        // Every trailer key but /Info (a free region): readers start from /Root and /Encrypt,
        // and a key of another program's may be read by that program.
        for (k, v) in doc.trailer.iter() {
            if k.as_slice() != b"Info" {
                uses.collect(Holder::Trailer, k, v, &mut queue, &mut edges, 0);
            }
        }
        while let Some(num) = queue.pop_front() {
            if edges > MAX_EDGES {
                uses.complete = false;
                break;
            }
            let Some(obj) = by_num.get(&num).and_then(|id| doc.objects.get(id)) else { continue };
            let holder = Holder::Object(num);
            match obj {
                Object::Dictionary(d) => {
                    for (k, v) in d.iter() {
                        if Some(num) == root && matches!(k.as_slice(), b"Metadata" | b"DSS") {
                            continue;
                        }
                        uses.collect(holder, k, v, &mut queue, &mut edges, 0);
                    }
                }
                Object::Stream(s) => {
                    for (k, v) in s.dict.iter() {
                        uses.collect(holder, k, v, &mut queue, &mut edges, 0);
                    }
                }
                other => uses.collect(holder, b"", other, &mut queue, &mut edges, 0),
            }
        }
        uses
    }

    fn collect(&mut self, holder: Holder, key: &[u8], v: &Object, queue: &mut VecDeque<u32>, edges: &mut usize, depth: usize) {
        if depth > MAX_DEPTH || *edges > MAX_EDGES {
            return;
        }
        match v {
            Object::Reference(id) => {
                *edges += 1;
                let list = self.by_target.entry(id.0).or_default();
                if list.is_empty() {
                    queue.push_back(id.0);
                }
                let edge = Edge { holder, key: key.to_vec() };
                if !list.contains(&edge) {
                    list.push(edge);
                }
            }
            Object::Array(items) => items.iter().for_each(|o| self.collect(holder, key, o, queue, edges, depth + 1)),
            Object::Dictionary(d) => d.iter().for_each(|(_, o)| self.collect(holder, key, o, queue, edges, depth + 1)),
            _ => {}
        }
    }

    /// Every use of object `num` (empty when the revision reaches it only through a free
    /// region, or not at all).
    pub fn of(&self, num: u32) -> &[Edge] {
        self.by_target.get(&num).map_or(&[], Vec::as_slice)
    }

    /// One path from the trailer to `num`, as "trailer /Root → 1 /Pages → 2 /Kids → 7".
    pub fn path(&self, num: u32) -> String {
        let mut hops: Vec<String> = Vec::new();
        let mut cur = num;
        let mut seen = std::collections::HashSet::new();
        while seen.insert(cur) && hops.len() < 16 {
            let Some(edge) = self.of(cur).first() else { break };
            let key = String::from_utf8_lossy(&edge.key);
            let key = if key.is_empty() { String::new() } else { format!(" /{key}") };
            match edge.holder {
                Holder::Trailer => {
                    hops.push(format!("trailer{key}"));
                    break;
                }
                Holder::Object(h) => {
                    hops.push(format!("{h}{key}"));
                    cur = h;
                }
            }
        }
        hops.reverse();
        hops.push(num.to_string());
        hops.join(" → ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn doc_with(objects: Vec<(u32, Object)>, trailer: lopdf::Dictionary) -> (Document, HashMap<u32, ObjectId>) {
        let mut doc = Document::new();
        for (n, o) in objects {
            doc.objects.insert((n, 0), o);
        }
        doc.trailer = trailer;
        let by_num = doc.objects.keys().map(|id| (id.0, *id)).collect();
        (doc, by_num)
    }

    #[test]
    fn info_metadata_and_dss_are_free_regions_but_other_uses_count() {
        let (doc, by_num) = doc_with(
            vec![
                (1, Object::Dictionary(dictionary! { "Type" => "Catalog", "Pages" => (2, 0), "Metadata" => (5, 0), "DSS" => (6, 0) })),
                (2, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference((3, 0))] })),
                (3, Object::Dictionary(dictionary! { "Type" => "Page", "Parent" => (2, 0), "Contents" => (4, 0) })),
                (4, Object::Dictionary(dictionary! {})),
                (5, Object::Dictionary(dictionary! {})),
                (6, Object::Dictionary(dictionary! {})),
                (7, Object::Dictionary(dictionary! { "X" => (4, 0) })),
            ],
            dictionary! { "Root" => (1, 0), "Info" => (7, 0) },
        );
        let uses = Uses::build(&doc, &by_num);
        assert!(uses.complete);
        assert_eq!(uses.of(4), &[Edge { holder: Holder::Object(3), key: b"Contents".to_vec() }]);
        assert!(uses.of(5).is_empty() && uses.of(6).is_empty() && uses.of(7).is_empty());
        assert_eq!(uses.path(4), "trailer /Root → 1 /Pages → 2 /Kids → 3 /Contents → 4");
    }

    #[test]
    fn references_to_undefined_numbers_are_uses() {
        let (doc, by_num) = doc_with(vec![(1, Object::Dictionary(dictionary! { "Pages" => (9, 0) }))], dictionary! { "Root" => (1, 0) });
        let uses = Uses::build(&doc, &by_num);
        assert_eq!(uses.of(9).len(), 1);
    }
}
