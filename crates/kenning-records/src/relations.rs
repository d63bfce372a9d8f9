//! Typed links between records, readable from both ends.

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::Record;

/// Which end of a link a record is at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The record holds the link (`course --taught_by--> person`).
    Outgoing,
    /// Another record links to this one (the person, seen from the course's link).
    Incoming,
}

/// One typed link seen from one of its ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Relation<'a> {
    /// The relation as the data names it (`taught_by`), whichever the direction.
    pub rel: &'a str,
    /// Whether the record asked about holds the link or is its target.
    pub direction: Direction,
    /// The type of the record at the other end.
    pub kind: &'a str,
    /// The id of the record at the other end.
    pub id: &'a str,
    /// Whether the record at the other end exists (an outgoing link may
    /// name a record that was never imported).
    pub exists: bool,
}

impl Relation<'_> {
    /// The relation's name for display from this end: `taught by` on the
    /// course, `teaches` on the person. See [`relation_label`].
    pub fn label(&self) -> String {
        relation_label(self.rel, self.direction)
    }
}

/// A link whose target record does not exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MissingLink<'a> {
    /// Type of the record holding the link.
    pub from_kind: &'a str,
    /// Id of the record holding the link.
    pub from_id: &'a str,
    /// The relation.
    pub rel: &'a str,
    /// Type of the record that does not exist.
    pub to_kind: &'a str,
    /// Id of the record that does not exist.
    pub to_id: &'a str,
}

/// Display names of the relations found in institutional records:
/// (rel, seen from the record holding the link, seen from its target).
const LABELS: &[(&str, &str, &str)] = &[
    ("affiliated_with", "affiliated with", "affiliated records"),
    ("author_of", "author of", "authored by"),
    ("authored_by", "authored by", "author of"),
    ("benefits_from", "benefits from", "useful for"),
    ("depends_on", "depends on", "required by"),
    ("headed_by", "headed by", "heads"),
    ("heads", "heads", "headed by"),
    ("member_of", "member of", "members"),
    ("parent_unit", "parent unit", "sub-units"),
    ("prepares_for", "prepares for", "prepared by"),
    ("taught_by", "taught by", "teaches"),
    ("teaches", "teaches", "taught by"),
];

/// A relation's name for display from one end: the known relations have
/// their own inverse names (`taught_by` ↔ `teaches`, `member_of` ↔
/// `members`, `parent_unit` ↔ `sub-units`, `authored_by` ↔ `author of`,
/// …); any other reads as its words (`cites` → `cites`) and, from the
/// target, as those words followed by ` (incoming)`. Only for display: the
/// data keeps the raw `rel`.
pub fn relation_label(rel: &str, direction: Direction) -> String {
    if let Ok(i) = LABELS.binary_search_by(|(r, _, _)| r.cmp(&rel)) {
        let (_, outgoing, incoming) = LABELS[i];
        return match direction {
            Direction::Outgoing => outgoing,
            Direction::Incoming => incoming,
        }
        .to_owned();
    }
    let words = rel.replace(['_', '-'], " ");
    match direction {
        Direction::Outgoing => words,
        Direction::Incoming => format!("{words} (incoming)"),
    }
}

/// A record known to the index: imported, or only named by a link.
#[derive(Debug)]
struct Node {
    kind: Box<str>,
    id: Box<str>,
    exists: bool,
    /// (relation, target), in the record's link order, without repeats.
    outgoing: Vec<(u32, u32)>,
    /// (relation, source), sorted by relation name, then source type and id.
    incoming: Vec<(u32, u32)>,
}

/// The typed links of a set of records, from both ends.
///
/// Built from all records, then kept current by [`Relations::insert`] (a
/// new or changed record replaces its outgoing links) and
/// [`Relations::remove`]. A link whose target does not exist is kept and
/// counted ([`Relations::missing_link_count`]), never refused: it resolves
/// as soon as the target arrives. The same link (rel, type, id) twice in
/// one record counts once. Memory: a few machine words per record and per
/// link, plus each type and id once.
#[derive(Debug, Default)]
pub struct Relations {
    /// type → id → node.
    index: HashMap<Box<str>, HashMap<Box<str>, u32>>,
    nodes: Vec<Node>,
    rels: Vec<Box<str>>,
    rel_index: HashMap<Box<str>, u32>,
    records: usize,
    links: usize,
    missing: usize,
}

impl Relations {
    /// No records.
    pub fn new() -> Relations {
        Relations::default()
    }

    /// The links of all `records`. A `(type, id)` given twice keeps the
    /// links of its last occurrence.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a Record>) -> Relations {
        let mut relations = Relations::new();
        for record in records {
            relations.insert(record);
        }
        relations
    }

    /// Adds a record, or replaces the links of the record with its type and id.
    pub fn insert(&mut self, record: &Record) {
        let node = self.node(&record.kind, &record.id);
        self.clear_outgoing(node);
        if !self.nodes[node as usize].exists {
            self.nodes[node as usize].exists = true;
            self.records += 1;
            self.missing -= self.nodes[node as usize].incoming.len();
        }
        let mut outgoing: Vec<(u32, u32)> = Vec::with_capacity(record.links.len());
        let mut seen = HashSet::new();
        for link in &record.links {
            let rel = self.rel(&link.rel);
            let target = self.node(&link.kind, &link.id);
            if !seen.insert((rel, target)) {
                continue;
            }
            outgoing.push((rel, target));
            self.add_incoming(target, rel, node);
            self.links += 1;
            if !self.nodes[target as usize].exists {
                self.missing += 1;
            }
        }
        self.nodes[node as usize].outgoing = outgoing;
    }

    /// Removes a record and its outgoing links; links to it from other
    /// records stay, and count as missing. Whether it existed.
    pub fn remove(&mut self, kind: &str, id: &str) -> bool {
        let Some(node) = self.find(kind, id) else {
            return false;
        };
        if !self.nodes[node as usize].exists {
            return false;
        }
        self.clear_outgoing(node);
        let n = &mut self.nodes[node as usize];
        n.exists = false;
        self.records -= 1;
        self.missing += n.incoming.len();
        true
    }

    /// Whether a record with this type and id has been inserted.
    pub fn contains(&self, kind: &str, id: &str) -> bool {
        self.find(kind, id)
            .is_some_and(|n| self.nodes[n as usize].exists)
    }

    /// The links the record holds, in its own order.
    pub fn outgoing(&self, kind: &str, id: &str) -> impl Iterator<Item = Relation<'_>> {
        let links = match self.find(kind, id) {
            Some(n) => &self.nodes[n as usize].outgoing[..],
            None => &[],
        };
        links
            .iter()
            .map(|&(rel, other)| self.relation(rel, other, Direction::Outgoing))
    }

    /// The links other records hold to this one (whether or not it exists
    /// itself), sorted by relation, then by the other record's type and id.
    pub fn incoming(&self, kind: &str, id: &str) -> impl Iterator<Item = Relation<'_>> {
        let links = match self.find(kind, id) {
            Some(n) => &self.nodes[n as usize].incoming[..],
            None => &[],
        };
        links
            .iter()
            .map(|&(rel, other)| self.relation(rel, other, Direction::Incoming))
    }

    /// Number of records inserted (and not removed).
    pub fn record_count(&self) -> usize {
        self.records
    }

    /// Number of links held by the records.
    pub fn link_count(&self) -> usize {
        self.links
    }

    /// Number of links whose target record does not exist.
    pub fn missing_link_count(&self) -> usize {
        self.missing
    }

    /// Every link whose target does not exist, sorted by target, then
    /// source and relation.
    pub fn missing_links(&self) -> Vec<MissingLink<'_>> {
        let mut missing = Vec::with_capacity(self.missing);
        for target in self.nodes.iter().filter(|n| !n.exists) {
            for &(rel, source) in &target.incoming {
                let source = &self.nodes[source as usize];
                missing.push(MissingLink {
                    from_kind: &source.kind,
                    from_id: &source.id,
                    rel: &self.rels[rel as usize],
                    to_kind: &target.kind,
                    to_id: &target.id,
                });
            }
        }
        missing.sort_by(|a, b| {
            (a.to_kind, a.to_id, a.from_kind, a.from_id, a.rel).cmp(&(
                b.to_kind,
                b.to_id,
                b.from_kind,
                b.from_id,
                b.rel,
            ))
        });
        missing
    }

    fn relation(&self, rel: u32, other: u32, direction: Direction) -> Relation<'_> {
        let other = &self.nodes[other as usize];
        Relation {
            rel: &self.rels[rel as usize],
            direction,
            kind: &other.kind,
            id: &other.id,
            exists: other.exists,
        }
    }

    fn find(&self, kind: &str, id: &str) -> Option<u32> {
        self.index.get(kind)?.get(id).copied()
    }

    fn node(&mut self, kind: &str, id: &str) -> u32 {
        if let Some(n) = self.find(kind, id) {
            return n;
        }
        let n = u32::try_from(self.nodes.len()).expect("fewer than 2^32 records");
        self.nodes.push(Node {
            kind: kind.into(),
            id: id.into(),
            exists: false,
            outgoing: Vec::new(),
            incoming: Vec::new(),
        });
        self.index
            .entry(kind.into())
            .or_default()
            .insert(id.into(), n);
        n
    }

    fn rel(&mut self, rel: &str) -> u32 {
        if let Some(&r) = self.rel_index.get(rel) {
            return r;
        }
        let r = u32::try_from(self.rels.len()).expect("fewer than 2^32 relations");
        self.rels.push(rel.into());
        self.rel_index.insert(rel.into(), r);
        r
    }

    /// Order of incoming entries: relation name, source type, source id.
    fn incoming_order(&self, a: (u32, u32), b: (u32, u32)) -> Ordering {
        let (na, nb) = (&self.nodes[a.1 as usize], &self.nodes[b.1 as usize]);
        (&self.rels[a.0 as usize], &na.kind, &na.id).cmp(&(
            &self.rels[b.0 as usize],
            &nb.kind,
            &nb.id,
        ))
    }

    fn add_incoming(&mut self, target: u32, rel: u32, source: u32) {
        let incoming = &self.nodes[target as usize].incoming;
        let at = match incoming.binary_search_by(|&e| self.incoming_order(e, (rel, source))) {
            Ok(_) => return, // already there (cannot happen: outgoing links are unique)
            Err(at) => at,
        };
        self.nodes[target as usize]
            .incoming
            .insert(at, (rel, source));
    }

    fn clear_outgoing(&mut self, node: u32) {
        let outgoing = std::mem::take(&mut self.nodes[node as usize].outgoing);
        for &(rel, target) in &outgoing {
            let incoming = &self.nodes[target as usize].incoming;
            if let Ok(at) = incoming.binary_search_by(|&e| self.incoming_order(e, (rel, node))) {
                self.nodes[target as usize].incoming.remove(at);
            }
            self.links -= 1;
            if !self.nodes[target as usize].exists {
                self.missing -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Link;

    fn record(kind: &str, id: &str, links: &[(&str, &str, &str)]) -> Record {
        Record {
            kind: kind.into(),
            id: id.into(),
            title: id.into(),
            links: links
                .iter()
                .map(|&(rel, kind, id)| Link {
                    rel: rel.into(),
                    kind: kind.into(),
                    id: id.into(),
                })
                .collect(),
            ..Record::default()
        }
    }

    fn show<'a>(relations: impl Iterator<Item = Relation<'a>>) -> Vec<String> {
        relations
            .map(|r| {
                format!(
                    "{} {}/{}{}",
                    r.label(),
                    r.kind,
                    r.id,
                    if r.exists { "" } else { " (missing)" }
                )
            })
            .collect()
    }

    #[test]
    fn links_read_from_both_ends() {
        let records = [
            record(
                "course",
                "CS-250",
                &[
                    ("taught_by", "person", "2"),
                    ("taught_by", "person", "1"),
                    ("taught_by", "person", "1"),
                ],
            ),
            record("person", "1", &[("member_of", "unit", "LAB")]),
            record("person", "2", &[("member_of", "unit", "LAB")]),
            record("unit", "LAB", &[("parent_unit", "unit", "SCHOOL")]),
            record("unit", "SCHOOL", &[]),
            record("course", "CS-101", &[("taught_by", "person", "1")]),
        ];
        let relations = Relations::from_records(&records);
        assert_eq!(relations.record_count(), 6);
        assert_eq!(relations.link_count(), 6);
        assert_eq!(relations.missing_link_count(), 0);
        assert_eq!(
            show(relations.outgoing("course", "CS-250")),
            ["taught by person/2", "taught by person/1"]
        );
        assert_eq!(
            show(relations.incoming("person", "1")),
            ["teaches course/CS-101", "teaches course/CS-250"]
        );
        assert_eq!(
            show(relations.incoming("unit", "LAB")),
            ["members person/1", "members person/2"]
        );
        assert_eq!(
            show(relations.incoming("unit", "SCHOOL")),
            ["sub-units unit/LAB"]
        );
        assert_eq!(
            show(relations.outgoing("unit", "nope")),
            Vec::<String>::new()
        );
    }

    #[test]
    fn missing_targets_are_counted_and_resolve_later() {
        let mut relations = Relations::new();
        relations.insert(&record(
            "publication",
            "P",
            &[
                ("authored_by", "person", "x"),
                ("cites", "publication", "Q"),
            ],
        ));
        assert_eq!(relations.missing_link_count(), 2);
        let missing = relations.missing_links();
        assert_eq!(
            (missing[0].to_kind, missing[0].to_id, missing[0].rel),
            ("person", "x", "authored_by")
        );
        relations.insert(&record("person", "x", &[]));
        assert_eq!(relations.missing_link_count(), 1);
        assert_eq!(
            show(relations.outgoing("publication", "P")),
            ["authored by person/x", "cites publication/Q (missing)"]
        );
        assert_eq!(
            show(relations.incoming("publication", "Q")),
            ["cites (incoming) publication/P"]
        );
        // Deleting the target makes its links missing again; deleting the
        // source takes its links away.
        assert!(relations.remove("person", "x"));
        assert!(!relations.remove("person", "x"));
        assert_eq!(relations.missing_link_count(), 2);
        assert!(relations.remove("publication", "P"));
        assert_eq!(relations.missing_link_count(), 0);
        assert_eq!(relations.link_count(), 0);
        assert_eq!(
            show(relations.incoming("publication", "Q")),
            Vec::<String>::new()
        );
        assert_eq!(relations.record_count(), 0);
    }

    #[test]
    fn reinserting_replaces_links() {
        let mut relations = Relations::new();
        relations.insert(&record("person", "1", &[]));
        relations.insert(&record("course", "C", &[("taught_by", "person", "1")]));
        relations.insert(&record("course", "C", &[("taught_by", "person", "2")]));
        assert_eq!(relations.link_count(), 1);
        assert_eq!(relations.missing_link_count(), 1);
        assert_eq!(relations.incoming("person", "1").count(), 0);
        assert_eq!(relations.incoming("person", "2").count(), 1);
        assert!(relations.contains("course", "C"));
        assert!(!relations.contains("person", "2"));
    }

    #[test]
    fn self_links_count_once_and_leave_with_their_record() {
        let mut relations = Relations::new();
        relations.insert(&record("course", "C", &[("depends_on", "course", "C")]));
        assert_eq!(
            (relations.link_count(), relations.missing_link_count()),
            (1, 0)
        );
        assert_eq!(relations.incoming("course", "C").count(), 1);
        assert!(relations.remove("course", "C"));
        assert_eq!(
            (relations.link_count(), relations.missing_link_count()),
            (0, 0)
        );
        assert_eq!(relations.incoming("course", "C").count(), 0);
    }

    #[test]
    fn labels() {
        assert_eq!(
            relation_label("taught_by", Direction::Outgoing),
            "taught by"
        );
        assert_eq!(relation_label("taught_by", Direction::Incoming), "teaches");
        assert_eq!(
            relation_label("author_of", Direction::Incoming),
            "authored by"
        );
        assert_eq!(relation_label("member_of", Direction::Incoming), "members");
        assert_eq!(
            relation_label("parent_unit", Direction::Incoming),
            "sub-units"
        );
        assert_eq!(
            relation_label("co-supervised_by", Direction::Outgoing),
            "co supervised by"
        );
        assert!(LABELS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
    }
}
