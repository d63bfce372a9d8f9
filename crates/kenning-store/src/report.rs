//! The build's figures as `kenning stats --json` prints them: a flat view
//! of a generation's [`Meta`] for scripts (every [`Stats`] count at the top
//! level, the wiki's name, the sources, the timings), serialised straight
//! from the manifest so a count added to [`Stats`] appears without anyone
//! copying it by hand. It does not own `meta.json` itself (that is
//! [`Meta`]'s full form, which also keeps the namespaces).

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::meta::{LanguageMeta, Meta, SourceMeta, Stats};

/// [`Meta`] as `kenning stats --json` shows it; see [`Meta::report`].
#[derive(Debug, Serialize)]
pub struct StatsReport<'a> {
    #[serde(flatten)]
    stats: &'a Stats,
    site: SiteName<'a>,
    sources: &'a [SourceMeta],
    /// Per language edition, primary first; left out when none was said.
    #[serde(skip_serializing_if = "<[LanguageMeta]>::is_empty")]
    languages: &'a [LanguageMeta],
    built_at: &'a str,
    build_seconds: f64,
    phase_seconds: PhaseSeconds<'a>,
    format: u32,
    kenning_version: &'a str,
}

/// The wiki's names, without its namespaces.
#[derive(Debug, Serialize)]
struct SiteName<'a> {
    name: &'a str,
    dbname: &'a str,
    base: Option<&'a str>,
}

/// Phase timings as a JSON object in build order (`{"reading": 1.2, …}`).
#[derive(Debug)]
struct PhaseSeconds<'a>(&'a [(String, f64)]);

impl Serialize for PhaseSeconds<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (phase, seconds) in self.0 {
            map.serialize_entry(phase, seconds)?;
        }
        map.end()
    }
}

impl Meta {
    /// The figures of this generation as `kenning stats --json` prints them.
    pub fn report(&self) -> StatsReport<'_> {
        StatsReport {
            stats: &self.stats,
            site: SiteName {
                name: &self.site.sitename,
                dbname: &self.site.dbname,
                base: self.site.base.as_deref(),
            },
            sources: &self.sources,
            languages: &self.languages,
            built_at: &self.built_at,
            build_seconds: self.build_seconds,
            phase_seconds: PhaseSeconds(&self.phase_seconds),
            format: self.format,
            kenning_version: &self.kenning_version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::SiteMeta;
    use serde_json::Value;

    fn meta() -> Meta {
        Meta {
            format: 7,
            kenning_version: "0.1.0".into(),
            built_at: "2026-12-07T00:00:00Z".into(),
            build_seconds: 1.5,
            phase_seconds: vec![("reading".into(), 1.0), ("linking".into(), 0.5)],
            site: SiteMeta {
                sitename: "Wikipedia".into(),
                dbname: "enwiki".into(),
                base: Some("https://en.wikipedia.org/wiki/Main_Page".into()),
                case_sensitive: false,
                namespaces: vec![(0, String::new())],
            },
            sources: vec![SourceMeta {
                kind: "mediawiki".into(),
                path: "dump.xml".into(),
                pages: 3,
                compression: "none".into(),
                bytes: 100,
            }],
            stats: Stats {
                concepts: 2,
                redirects: 1,
                max_in_degree: 4,
                records: 9,
                ..Stats::default()
            },
            record_fields: None,
            languages: vec![LanguageMeta {
                code: "en".into(),
                pages: 3,
                ..LanguageMeta::default()
            }],
            files: Default::default(),
        }
    }

    #[test]
    fn every_count_is_at_the_top_level() {
        let meta = meta();
        let report = serde_json::to_value(meta.report()).unwrap();
        let Value::Object(counts) = serde_json::to_value(&meta.stats).unwrap() else {
            panic!("Stats is not an object");
        };
        assert!(counts.len() >= 20, "{counts:?}");
        for (name, value) in counts {
            assert_eq!(report[&name], value, "{name}");
        }
    }

    #[test]
    fn site_sources_and_phases_keep_their_shape() {
        let report = serde_json::to_value(meta().report()).unwrap();
        assert_eq!(report["site"]["name"], "Wikipedia");
        assert_eq!(report["site"]["dbname"], "enwiki");
        assert!(report["site"].get("namespaces").is_none());
        assert_eq!(report["sources"][0]["kind"], "mediawiki");
        assert_eq!(report["sources"][0]["pages"], 3);
        assert_eq!(report["languages"][0]["code"], "en");
        assert_eq!(report["languages"][0]["links_dangling"], 0);
        assert_eq!(report["phase_seconds"]["linking"], 0.5);
        let phases: Vec<&String> = report["phase_seconds"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(phases.len(), 2);
        assert_eq!(report["format"], 7);
        assert_eq!(report["build_seconds"], 1.5);
    }
}
