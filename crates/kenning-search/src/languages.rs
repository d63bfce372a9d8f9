//! Names in the index's other languages, each analysed as that language
//! wants: one field per language (`names_fr`, `names_de`, …) holding the
//! documents' names in it, through the crate's analyzer then that
//! language's stemmer where tantivy has one (so "fêtes" finds "Fête des
//! lanternes"). The language-neutral `name` field holds every name too;
//! these fields add stemmed matches and let a query favour the reader's
//! language.
//!
//! An index written without languages has none of these fields and is
//! searched exactly as before.

use tantivy::schema::{Field, IndexRecordOption, Schema, SchemaBuilder, TextFieldIndexing};
use tantivy::schema::{FieldType, TextOptions};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer,
};

use crate::analysis::{self, WordTokenizer};

/// Prefix of the fields' names; the language code follows.
const FIELD_PREFIX: &str = "names_";

/// A query word found in a language's names weighs this much more when
/// that language is the reader's.
pub(crate) const READER_LANGUAGE: f32 = 1.25;

/// One language's names field and its analyzer.
#[derive(Clone)]
pub(crate) struct LanguageField {
    /// The language code, as the caller gave it.
    pub(crate) code: String,
    pub(crate) field: Field,
    /// The field's analyzer, for query words.
    pub(crate) analyzer: TextAnalyzer,
}

impl std::fmt::Debug for LanguageField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LanguageField")
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// The analyzer's name of language `code`, as registered with tantivy.
fn analyzer_name(code: &str) -> String {
    format!("kenning-{code}")
}

/// The analyzer of language `code`: the crate's words, lower case, folded,
/// then stemmed when tantivy has a stemmer for it.
pub(crate) fn analyzer(code: &str) -> TextAnalyzer {
    let base = TextAnalyzer::builder(WordTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(RemoveLongFilter::limit(analysis::MAX_WORD_BYTES));
    match stemmer_language(code) {
        Some(language) => base.filter(Stemmer::new(language)).build(),
        None => base.build(),
    }
}

/// tantivy's stemmer for Wikipedia's language code, if it has one.
fn stemmer_language(code: &str) -> Option<Language> {
    Some(match code {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" | "simple" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "no" | "nb" => Language::Norwegian,
        "pt" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru" => Language::Russian,
        "es" => Language::Spanish,
        "sv" => Language::Swedish,
        "ta" => Language::Tamil,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// Adds a names field for each of `codes` (duplicates and codes that are
/// not plain language codes left out).
pub(crate) fn add_fields(b: &mut SchemaBuilder, codes: &[String]) -> Vec<LanguageField> {
    let mut out: Vec<LanguageField> = Vec::new();
    for code in codes {
        let plain = !code.is_empty()
            && code.len() <= 16
            && code
                .bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-');
        if !plain || out.iter().any(|l| &l.code == code) {
            continue;
        }
        let options = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(&analyzer_name(code))
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let field = b.add_text_field(&format!("{FIELD_PREFIX}{code}"), options);
        out.push(LanguageField {
            code: code.clone(),
            field,
            analyzer: analyzer(code),
        });
    }
    out
}

/// The names fields of an opened index's schema.
pub(crate) fn from_schema(schema: &Schema) -> Vec<LanguageField> {
    schema
        .fields()
        .filter(|(_, entry)| matches!(entry.field_type(), FieldType::Str(_)))
        .filter_map(|(field, entry)| {
            let code = entry.name().strip_prefix(FIELD_PREFIX)?;
            Some(LanguageField {
                code: code.to_owned(),
                field,
                analyzer: analyzer(code),
            })
        })
        .collect()
}

/// Registers the fields' analyzers with `index` (needed to write them).
pub(crate) fn register(index: &tantivy::Index, fields: &[LanguageField]) {
    for l in fields {
        index
            .tokenizers()
            .register(&analyzer_name(&l.code), analyzer(&l.code));
    }
}

/// A query word (as the crate's analyzer wrote it) as language `l`'s field
/// indexes it: stemmed, when it has a stemmer.
pub(crate) fn query_term(l: &LanguageField, word: &str) -> Option<String> {
    let mut analyzer = l.analyzer.clone();
    analysis::words(&mut analyzer, word)
        .into_iter()
        .next()
        .map(|w| w.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stemmed_where_tantivy_has_a_stemmer() {
        let fr = LanguageField {
            code: "fr".into(),
            field: Field::from_field_id(0),
            analyzer: analyzer("fr"),
        };
        assert_eq!(query_term(&fr, "fêtes"), query_term(&fr, "Fête"));
        assert_ne!(query_term(&fr, "fetes").as_deref(), Some("fetes"));
        let ltg = LanguageField {
            code: "ltg".into(),
            field: Field::from_field_id(0),
            analyzer: analyzer("ltg"),
        };
        assert_eq!(query_term(&ltg, "Rēzekne").as_deref(), Some("rezekne"));
    }

    #[test]
    fn fields_are_made_once_per_plain_code_and_found_again() {
        let mut b = Schema::builder();
        b.add_text_field("name", TextOptions::default());
        let codes = ["fr", "de", "fr", "../x", ""].map(String::from);
        let made = add_fields(&mut b, &codes);
        assert_eq!(
            made.iter().map(|l| l.code.as_str()).collect::<Vec<_>>(),
            ["fr", "de"]
        );
        let schema = b.build();
        let found = from_schema(&schema);
        assert_eq!(
            found
                .iter()
                .map(|l| (l.code.as_str(), l.field))
                .collect::<Vec<_>>(),
            made.iter()
                .map(|l| (l.code.as_str(), l.field))
                .collect::<Vec<_>>()
        );
    }
}
