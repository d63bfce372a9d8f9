//! Wikidata's JSON dumps (`latest-all.json[.gz|.bz2]`): one entity per
//! line inside a JSON array.
//!
//! The dump is `[`, then one entity object per line, each but the last
//! followed by `,`, then `]`. This module owns reading, for each item
//! (`Q…`), what ties it to the language Wikipedias: its sitelinks to them,
//! its labels and its aliases. Everything else of an entity (claims,
//! descriptions, other projects' sitelinks), which is most of its bytes, is
//! skipped by the JSON parser without being built; properties, lexemes and
//! other entity kinds are skipped whole and counted.
//!
//! It deliberately does not map sitelinks to page ids (that needs each
//! wiki's pages) nor keep claims: the graph's cross-language identity is
//! the item id and its sitelinks.

use std::borrow::Cow;
use std::fmt;
use std::io::BufRead;
use std::marker::PhantomData;
use std::path::PathBuf;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::DumpError;
use crate::input::{Input, read_error};
use crate::lines::{CappedLine, read_capped_line};

/// One Wikidata item: its id, and its names in the language Wikipedias.
/// Every list is sorted by site or language (stably: aliases of one
/// language keep the dump's order), so equal entities compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WikidataEntity {
    /// The item id, e.g. `Q42`.
    pub id: String,
    /// `(site, title)` for each sitelink to a language Wikipedia (those
    /// [`wiki_language`] accepts), e.g. `("enwiki", "Douglas Adams")`.
    pub sitelinks: Vec<(String, String)>,
    /// `(language, label)`, e.g. `("en", "Douglas Adams")`.
    pub labels: Vec<(String, String)>,
    /// `(language, alias)`, as many per language as the item has.
    pub aliases: Vec<(String, String)>,
}

/// Sites that end in `wiki` but are not a language's Wikipedia: Wikidata's
/// "special" sitelinks and Wikimedia's other `…wiki` database names.
const NOT_LANGUAGE_WIKIS: &[&str] = &[
    "commons",
    "species",
    "meta",
    "wikidata",
    "mediawiki",
    "sources",
    "wikimania",
    "wikifunctions",
    "outreach",
    "incubator",
    "foundation",
    "wikitech",
    "strategy",
    "nostalgia",
    "ten",
    "test",
    "testwikidata",
];

/// The language of a Wikipedia named by its site id (its database name),
/// or `None` for a site that is not a language's Wikipedia.
///
/// `enwiki` gives `en`. Database names write `-` as `_`, so `zh_yuewiki`
/// gives `zh-yue` and `be_x_oldwiki` gives `be-x-old`: the codes that
/// [`LangLink::lang`](crate::LangLink::lang) uses. `simplewiki` gives
/// `simple`. Other projects (`enwikiquote`, `frwiktionary`,
/// `enwikisource`…) give `None`, as do Wikidata's special sitelinks and
/// Wikimedia's other wikis: `commonswiki`, `specieswiki`, `metawiki`,
/// `wikidatawiki`, `mediawikiwiki`, `sourceswiki`, `wikimaniawiki`,
/// `wikifunctionswiki`, `outreachwiki`, `incubatorwiki`, `foundationwiki`,
/// `wikitechwiki`, `strategywiki`, `nostalgiawiki`, `tenwiki`, `testwiki`
/// and `testwikidatawiki`; and so does anything but lowercase ASCII
/// letters and inner `_` before `wiki`.
pub fn wiki_language(site: &str) -> Option<Cow<'_, str>> {
    let code = site.strip_suffix("wiki")?;
    let bytes = code.as_bytes();
    let well_formed = bytes.first().is_some_and(u8::is_ascii_lowercase)
        && bytes.last().is_some_and(u8::is_ascii_lowercase)
        && bytes.iter().all(|&b| b.is_ascii_lowercase() || b == b'_');
    if !well_formed || NOT_LANGUAGE_WIKIS.contains(&code) {
        return None;
    }
    Some(if code.contains('_') {
        Cow::Owned(code.replace('_', "-"))
    } else {
        Cow::Borrowed(code)
    })
}

/// The fields read of an entity. Serde skips the others (`claims`,
/// `descriptions`, …) with [`IgnoredAny`], which parses them without
/// building them.
#[derive(Deserialize)]
struct RawEntity {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default, deserialize_with = "labels")]
    labels: Vec<(String, String)>,
    #[serde(default, deserialize_with = "aliases")]
    aliases: Vec<(String, String)>,
    #[serde(default, deserialize_with = "sitelinks")]
    sitelinks: Vec<(String, String)>,
}

/// `{"language": "en", "value": "Douglas Adams"}`.
#[derive(Deserialize)]
struct Term {
    value: String,
}

/// `{"site": "enwiki", "title": "Douglas Adams", "badges": []}`.
#[derive(Deserialize)]
struct Sitelink {
    title: String,
}

/// How the entries of one map of an entity become pairs.
trait Entries {
    const EXPECTING: &'static str;
    fn entry<'de, A: MapAccess<'de>>(
        key: String,
        map: &mut A,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), A::Error>;
}

struct Labels;
struct Aliases;
struct Sitelinks;

impl Entries for Labels {
    const EXPECTING: &'static str = "a map of labels";
    fn entry<'de, A: MapAccess<'de>>(
        key: String,
        map: &mut A,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), A::Error> {
        let term: Term = map.next_value()?;
        out.push((key, term.value));
        Ok(())
    }
}

impl Entries for Aliases {
    const EXPECTING: &'static str = "a map of alias lists";
    fn entry<'de, A: MapAccess<'de>>(
        key: String,
        map: &mut A,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), A::Error> {
        let terms: Vec<Term> = map.next_value()?;
        out.extend(terms.into_iter().map(|t| (key.clone(), t.value)));
        Ok(())
    }
}

impl Entries for Sitelinks {
    const EXPECTING: &'static str = "a map of sitelinks";
    fn entry<'de, A: MapAccess<'de>>(
        key: String,
        map: &mut A,
        out: &mut Vec<(String, String)>,
    ) -> Result<(), A::Error> {
        if wiki_language(&key).is_some() {
            let link: Sitelink = map.next_value()?;
            out.push((key, link.title));
        } else {
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Reads a map of an entity. Wikidata writes an empty map as `[]` (PHP's
/// empty array), so an empty array (or `null`) is an empty map too.
struct EntriesVisitor<E>(PhantomData<E>);

impl<'de, E: Entries> Visitor<'de> for EntriesVisitor<E> {
    type Value = Vec<(String, String)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(E::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            E::entry(key, &mut map, &mut out)?;
        }
        Ok(out)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if seq.next_element::<IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        Ok(Vec::new())
    }

    fn visit_unit<Er: de::Error>(self) -> Result<Self::Value, Er> {
        Ok(Vec::new())
    }
}

fn labels<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    d.deserialize_any(EntriesVisitor::<Labels>(PhantomData))
}

fn aliases<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    d.deserialize_any(EntriesVisitor::<Aliases>(PhantomData))
}

fn sitelinks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    d.deserialize_any(EntriesVisitor::<Sitelinks>(PhantomData))
}

/// Streams the items of a Wikidata JSON dump, in file order, one line at
/// a time.
pub struct WikidataReader {
    input: Box<dyn BufRead + Send>,
    path: PathBuf,
    line: u64,
    /// Stream offset of the next line.
    offset: u64,
    done: bool,
    skipped: u64,
    /// The line being read (kept to reuse its allocation).
    bytes: Vec<u8>,
}

impl fmt::Debug for WikidataReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WikidataReader")
            .field("path", &self.path)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl WikidataReader {
    /// Longest line (one entity's JSON) the reader reads, in bytes,
    /// without its line end. Wikidata refuses to save an entity whose
    /// serialisation is over a few megabytes, and the largest items of
    /// the dumps (long lists of claims with references) are a few MB of
    /// JSON; 64 MiB leaves ten times that, while a file with no line ends
    /// (or a hostile line) costs at most this much memory to refuse.
    pub const MAX_LINE_BYTES: usize = 64 << 20;

    /// Reads entities from an opened file (plain, gzip or bzip2).
    pub fn new(input: Input) -> Self {
        WikidataReader {
            input: input.reader,
            path: input.path,
            line: 0,
            offset: 0,
            done: false,
            skipped: 0,
            bytes: Vec::new(),
        }
    }

    /// Entities read so far that were skipped because they are not items
    /// (properties `P…`, lexemes `L…`, …).
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    fn read_entity(&mut self) -> Result<Option<WikidataEntity>, DumpError> {
        let mut bytes = std::mem::take(&mut self.bytes);
        let entity = self.read_entity_into(&mut bytes);
        self.bytes = bytes;
        entity
    }

    fn read_entity_into(
        &mut self,
        bytes: &mut Vec<u8>,
    ) -> Result<Option<WikidataEntity>, DumpError> {
        loop {
            let found = read_capped_line(&mut self.input, bytes, Self::MAX_LINE_BYTES)
                .map_err(|e| read_error(&self.path, e))?;
            if found == CappedLine::End {
                return Ok(None);
            }
            self.line += 1;
            let line_offset = self.offset;
            self.offset += bytes.len() as u64;
            if found == CappedLine::TooLong {
                return Err(DumpError::LineTooLong {
                    path: self.path.clone(),
                    line: self.line,
                    limit: Self::MAX_LINE_BYTES,
                });
            }
            let start = bytes.len() - bytes.trim_ascii_start().len();
            let mut json = bytes.trim_ascii();
            if let Some(rest) = json.strip_suffix(b",") {
                json = rest.trim_ascii_end();
            }
            if matches!(json, b"" | b"[" | b"]") {
                continue;
            }
            let text = std::str::from_utf8(json).map_err(|e| DumpError::Utf8 {
                path: self.path.clone(),
                offset: line_offset + (start + e.valid_up_to()) as u64,
            })?;
            let raw: RawEntity = serde_json::from_str(text).map_err(|e| DumpError::Line {
                path: self.path.clone(),
                line: self.line,
                message: format!("not a Wikidata entity: {e}"),
            })?;
            let is_item = match raw.kind.as_deref() {
                Some(kind) => kind == "item",
                None => raw.id.starts_with('Q'),
            };
            if !is_item {
                self.skipped += 1;
                continue;
            }
            let RawEntity {
                id,
                mut labels,
                mut aliases,
                mut sitelinks,
                ..
            } = raw;
            for list in [&mut sitelinks, &mut labels, &mut aliases] {
                list.sort_by(|a, b| a.0.cmp(&b.0));
            }
            return Ok(Some(WikidataEntity {
                id,
                sitelinks,
                labels,
                aliases,
            }));
        }
    }
}

impl Iterator for WikidataReader {
    type Item = Result<WikidataEntity, DumpError>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.read_entity();
        if !matches!(r, Ok(Some(_))) {
            self.done = true;
        }
        r.transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input_of(bytes: &[u8]) -> Input {
        Input::from_bytes(bytes.to_vec(), "wd.json")
    }

    fn read(bytes: &[u8]) -> (Vec<Result<WikidataEntity, DumpError>>, u64) {
        let mut reader = WikidataReader::new(input_of(bytes));
        let entities = reader.by_ref().collect();
        (entities, reader.skipped())
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|&(a, b)| (a.to_owned(), b.to_owned()))
            .collect()
    }

    #[test]
    fn language_wikis_have_a_language_and_others_none() {
        for (site, want) in [
            ("enwiki", Some("en")),
            ("frwiki", Some("fr")),
            ("zh_yuewiki", Some("zh-yue")),
            ("zh_min_nanwiki", Some("zh-min-nan")),
            ("be_x_oldwiki", Some("be-x-old")),
            ("simplewiki", Some("simple")),
            ("commonswiki", None),
            ("specieswiki", None),
            ("metawiki", None),
            ("wikidatawiki", None),
            ("mediawikiwiki", None),
            ("sourceswiki", None),
            ("wikimaniawiki", None),
            ("enwikiquote", None),
            ("frwiktionary", None),
            ("enwikisource", None),
            ("zh_min_nanwikiquote", None),
            ("wiki", None),
            ("_enwiki", None),
            ("en_wiki", None),
            ("Enwiki", None),
            ("de wiki", None),
            ("", None),
        ] {
            assert_eq!(wiki_language(site).as_deref(), want, "{site}");
        }
        assert!(matches!(wiki_language("enwiki"), Some(Cow::Borrowed(_))));
    }

    const Q42: &str = r#"{"type":"item","id":"Q42","labels":{"fr":{"language":"fr","value":"Douglas Adams"},"en":{"language":"en","value":"Douglas Adams"}},"descriptions":{"en":{"language":"en","value":"writer"}},"aliases":{"en":[{"language":"en","value":"Douglas Noël Adams"},{"language":"en","value":"DNA"}],"de":[{"language":"de","value":"Adams"}]},"claims":{"P31":[{"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{"entity-type":"item","numeric-id":5,"id":"Q5"},"type":"wikibase-entityid"}},"type":"statement","rank":"normal"}]},"sitelinks":{"frwiki":{"site":"frwiki","title":"Douglas Adams","badges":[]},"enwikiquote":{"site":"enwikiquote","title":"Douglas Adams","badges":[]},"commonswiki":{"site":"commonswiki","title":"Category:Douglas Adams","badges":[]},"enwiki":{"site":"enwiki","title":"Douglas Adams","badges":["Q17437798"],"url":"https://en.wikipedia.org/wiki/Douglas_Adams"},"zh_yuewiki":{"site":"zh_yuewiki","title":"道格拉斯·亞當斯","badges":[]}},"lastrevid":1}"#;

    #[test]
    fn reads_items_sorted_and_skips_other_entities() {
        let dump = format!(
            "[\n{Q42},\n{{\"type\":\"property\",\"datatype\":\"string\",\"id\":\"P31\",\"labels\":{{\"en\":{{\"language\":\"en\",\"value\":\"instance of\"}}}},\"aliases\":[],\"claims\":[]}},\n\
             {{\"type\":\"lexeme\",\"id\":\"L1\",\"lemmas\":{{\"en\":{{\"language\":\"en\",\"value\":\"a\"}}}}}},\r\n\
             \n  {{\"type\":\"item\",\"id\":\"Q1\",\"labels\":[],\"aliases\":[],\"sitelinks\":[],\"claims\":[]}}\n]\n"
        );
        let (entities, skipped) = read(dump.as_bytes());
        let entities: Vec<_> = entities.into_iter().map(Result::unwrap).collect();
        assert_eq!(skipped, 2);
        assert_eq!(
            entities,
            [
                WikidataEntity {
                    id: "Q42".into(),
                    sitelinks: pairs(&[
                        ("enwiki", "Douglas Adams"),
                        ("frwiki", "Douglas Adams"),
                        ("zh_yuewiki", "道格拉斯·亞當斯")
                    ]),
                    labels: pairs(&[("en", "Douglas Adams"), ("fr", "Douglas Adams")]),
                    aliases: pairs(&[("de", "Adams"), ("en", "Douglas Noël Adams"), ("en", "DNA")]),
                },
                WikidataEntity {
                    id: "Q1".into(),
                    ..Default::default()
                }
            ]
        );
        // Without a `type`, the id says what the entity is; maps may be
        // absent or null.
        let (entities, skipped) = read(b"{\"id\":\"Q5\",\"labels\":null}\n{\"id\":\"P5\"}\n");
        assert_eq!(entities.len(), 1);
        assert_eq!(entities[0].as_ref().unwrap().id, "Q5");
        assert_eq!(skipped, 1);
        assert!(read(b"").0.is_empty());
        assert!(read(b"[\n]\n").0.is_empty());
    }

    #[test]
    fn malformed_lines_are_named() {
        for (dump, want) in [
            (
                &b"[\n{\"id\":\"Q1\"},\n{\"id\":\"Q2\",\"labels\":\n]"[..],
                "wd.json:3: not a Wikidata entity: EOF while parsing a value at line 1 column 20",
            ),
            (
                b"[\n{\"type\":\"item\"}\n",
                "wd.json:2: not a Wikidata entity: missing field `id` at line 1 column 15",
            ),
            (
                b"{\"id\":\"Q1\",\"labels\":[1]}",
                "wd.json:1: not a Wikidata entity: invalid type: sequence, expected a map of labels at line 1 column 23",
            ),
            (
                b"{\"id\":\"Q1\",\"sitelinks\":{\"enwiki\":\"x\"}}",
                "wd.json:1: not a Wikidata entity: invalid type: string \"x\", expected struct Sitelink at line 1 column 36",
            ),
            (
                b"[\n  {\"id\":\"Q\xff\"}",
                "wd.json: invalid UTF-8 at byte 12",
            ),
        ] {
            let (entities, _) = read(dump);
            let last = entities.last().unwrap();
            assert_eq!(
                last.as_ref().unwrap_err().to_string(),
                want,
                "{}",
                String::from_utf8_lossy(dump)
            );
        }
        // A sitelink to another project is not read, whatever its shape.
        let (entities, _) = read(b"{\"id\":\"Q1\",\"sitelinks\":{\"enwikiquote\":\"x\"}}");
        assert!(entities[0].as_ref().unwrap().sitelinks.is_empty());
    }

    proptest::proptest! {
        /// Items written by serde_json, in a dump with other entities,
        /// read back as written, sorted.
        #[test]
        fn written_items_read_back(
            items in proptest::collection::vec(
                (
                    1u32..100_000_000,
                    proptest::collection::btree_map("[a-z]{2,3}(_[a-z]{2,3})?", "\\PC{0,20}", 0..6),
                    proptest::collection::btree_map("[a-z]{2,3}(-[a-z]{2,4})?", "\\PC{0,20}", 0..6),
                    proptest::collection::btree_map("[a-z]{2,3}", proptest::collection::vec("\\PC{0,12}", 0..3), 0..4),
                    proptest::collection::btree_map("[a-z]{2,3}wiki(quote|news|source)", "\\PC{0,20}", 0..3),
                ),
                0..8,
            ),
            trailing_comma in proptest::bool::ANY,
        ) {
            use serde_json::{Map, Value, json};
            let mut dump = String::from("[\n");
            let mut want = Vec::new();
            for (i, (number, sites, labels, aliases, other_projects)) in items.iter().enumerate() {
                let mut sitelinks = Map::new();
                let wikipedias = sites.iter().map(|(code, title)| (format!("{code}wiki"), title));
                for (site, title) in wikipedias.chain(other_projects.iter().map(|(s, t)| (s.clone(), t))) {
                    sitelinks.insert(site.clone(), json!({"site": site, "title": title, "badges": []}));
                }
                let entity = json!({
                    "type": "item",
                    "id": format!("Q{number}"),
                    "labels": labels.iter().map(|(l, v)| (l.clone(), json!({"language": l, "value": v}))).collect::<Map<_, _>>(),
                    "aliases": aliases.iter().map(|(l, vs)| (l.clone(), Value::Array(vs.iter().map(|v| json!({"language": l, "value": v})).collect()))).collect::<Map<_, _>>(),
                    "claims": {"P31": [{"mainsnak": {"snaktype": "value", "property": "P31"}}]},
                    "sitelinks": sitelinks,
                });
                dump.push_str(&serde_json::to_string(&entity).unwrap());
                if i + 1 < items.len() || trailing_comma {
                    dump.push(',');
                }
                dump.push('\n');
                dump.push_str("{\"type\":\"property\",\"id\":\"P1\",\"labels\":{}}");
                dump.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
                let mut kept: Vec<(String, String)> = sites
                    .iter()
                    .map(|(code, title)| (format!("{code}wiki"), title.clone()))
                    .filter(|(site, _)| wiki_language(site).is_some())
                    .collect();
                kept.sort();
                want.push(WikidataEntity {
                    id: format!("Q{number}"),
                    sitelinks: kept,
                    labels: labels.iter().map(|(l, v)| (l.clone(), v.clone())).collect(),
                    aliases: aliases
                        .iter()
                        .flat_map(|(l, vs)| vs.iter().map(move |v| (l.clone(), v.clone())))
                        .collect(),
                });
            }
            dump.push_str("]\n");
            let (read, skipped) = read(dump.as_bytes());
            let read: Vec<WikidataEntity> = read.into_iter().map(Result::unwrap).collect();
            proptest::prop_assert_eq!(read, want);
            proptest::prop_assert_eq!(skipped as usize, items.len());
        }

        /// Arbitrary and damaged lines end with entities or an error,
        /// never a panic.
        #[test]
        fn damaged_dumps_never_panic(
            flips in proptest::collection::vec((proptest::num::usize::ANY, 1u8..=255), 0..6),
            noise in proptest::collection::vec(proptest::num::u8::ANY, 0..300),
        ) {
            let mut bytes = format!("[\n{Q42},\n{Q42}\n]\n").into_bytes();
            for &(at, x) in &flips {
                let at = at % bytes.len();
                bytes[at] ^= x;
            }
            for bytes in [&bytes, &noise] {
                let (entities, _) = read(bytes);
                for (i, e) in entities.iter().enumerate() {
                    if let Err(e) = e {
                        proptest::prop_assert_eq!(i, entities.len() - 1);
                        proptest::prop_assert!(e.to_string().starts_with("wd.json"));
                    }
                }
            }
        }
    }
}
