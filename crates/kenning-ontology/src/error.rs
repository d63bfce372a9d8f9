use std::path::PathBuf;

/// Why an ontology could not be read.
///
/// Every variant names what was being read (a file, `ontology.json`, or a
/// line of `ontology.jsonl`) and is displayed on one line, e.g.
/// `ontology.jsonl: line 3: category "x" names parent "y", which no line defines`.
#[derive(Debug, thiserror::Error)]
pub enum OntologyError {
    /// A file could not be opened or read.
    #[error("reading {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The text is not JSON at all (a syntax error or a cut-off document).
    #[error("{what}: not valid JSON: {source}")]
    Json {
        /// What was read: `ontology.json`, `ontology.jsonl line 12`, or a
        /// file's path.
        what: String,
        /// What the parser said, with its position.
        source: serde_json::Error,
    },
    /// The text is JSON but not of the format's shape: a field missing,
    /// unknown or of the wrong type.
    #[error("{what}: {source}")]
    Shape {
        /// What was read: `ontology.json`, `ontology.jsonl line 12`, or a
        /// file's path.
        what: String,
        /// What the parser said, with its position.
        source: serde_json::Error,
    },
    /// The text is readable but breaks a rule of the format: a parent no
    /// line defines, a category its own ancestor, a duplicate id, a cluster
    /// that is not a list of titles, nesting too deep, a file too large.
    #[error("{what}: {reason}")]
    Invalid {
        /// What was read: `ontology.json`, `ontology.jsonl`, a line of it,
        /// or a file's path.
        what: String,
        /// The rule broken, said for a person, naming the ids and lines.
        reason: String,
    },
}

impl OntologyError {
    /// A serde_json error as `Json` when the text is not JSON, as `Shape`
    /// when it is JSON of the wrong shape.
    pub(crate) fn from_serde(what: String, source: serde_json::Error) -> Self {
        if source.is_data() {
            OntologyError::Shape { what, source }
        } else {
            OntologyError::Json { what, source }
        }
    }

    /// A broken rule of the format.
    pub(crate) fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        OntologyError::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_what_and_where_on_one_line() {
        let io = OntologyError::Io {
            path: PathBuf::from("/data/ontology.json"),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "not found"),
        };
        assert_eq!(io.to_string(), "reading /data/ontology.json: not found");

        let syntax = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        let json = OntologyError::from_serde("ontology.jsonl line 12".into(), syntax);
        assert!(matches!(json, OntologyError::Json { .. }));
        assert!(
            json.to_string()
                .starts_with("ontology.jsonl line 12: not valid JSON: EOF"),
            "{json}"
        );

        let data = serde_json::from_str::<u64>("\"x\"").unwrap_err();
        let shape = OntologyError::from_serde("ontology.json".into(), data);
        assert!(matches!(shape, OntologyError::Shape { .. }));
        assert!(shape.to_string().starts_with("ontology.json: invalid type"));

        let invalid = OntologyError::invalid(
            "ontology.jsonl",
            "duplicate category id \"x\" (lines 2 and 9)",
        );
        assert_eq!(
            invalid.to_string(),
            "ontology.jsonl: duplicate category id \"x\" (lines 2 and 9)"
        );
        for error in [io, json, shape, invalid] {
            assert!(!error.to_string().contains('\n'));
        }
    }

    #[test]
    fn sources_are_kept() {
        use std::error::Error as _;
        let syntax = serde_json::from_str::<serde_json::Value>("[1,").unwrap_err();
        let error = OntologyError::from_serde("ontology.json".into(), syntax);
        assert!(error.source().is_some());
        let io = OntologyError::Io {
            path: PathBuf::from("x"),
            source: std::io::Error::other("disk"),
        };
        assert!(io.source().is_some());
    }
}
