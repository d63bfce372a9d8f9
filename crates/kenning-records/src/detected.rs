//! The concepts detected in one record, as a snapshot stores them.

use serde::{Deserialize, Serialize};

/// What concept detection found in one record's text, by concept id: one
/// line of a snapshot's `record_concepts.jsonl`, written by the build and
/// read by the engine.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DetectedConcepts {
    /// `(concept id, score)`, best first.
    pub concepts: Vec<(u32, f32)>,
    /// The fields each concept was found in (`title`, `keywords`, `text`,
    /// …), parallel to `concepts`; empty when inherited, or written before
    /// records were linked field by field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Vec<String>>,
    /// `(byte_start, byte_end, concept id, score)` in the record's text.
    pub annotations: Vec<(u32, u32, u32, f32)>,
    /// The concepts come from linked records, not from the record's text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inherited: bool,
}

impl DetectedConcepts {
    /// The line as JSON (no newline).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain numbers always serialise")
    }

    /// Parses one line.
    pub fn from_json(line: &str) -> Result<DetectedConcepts, serde_json::Error> {
        serde_json::from_str(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_omits_false_inherited() {
        let d = DetectedConcepts {
            concepts: vec![(7, 0.5)],
            fields: vec![vec!["title".into(), "text".into()]],
            annotations: vec![(0, 4, 7, 0.5)],
            inherited: false,
        };
        let line = d.to_json();
        assert!(!line.contains("inherited"), "{line}");
        assert!(line.contains(r#""fields":[["title","text"]]"#), "{line}");
        assert_eq!(DetectedConcepts::from_json(&line).unwrap(), d);
        let inherited = DetectedConcepts {
            inherited: true,
            fields: Vec::new(),
            ..d
        };
        assert!(!inherited.to_json().contains("fields"));
        assert_eq!(
            DetectedConcepts::from_json(&inherited.to_json()).unwrap(),
            inherited
        );
    }
}
