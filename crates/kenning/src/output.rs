//! What the commands print: text for people, JSON for programs.

use std::path::Path;

use kenning_engine::{ConceptPage, SearchPage, WikifyAnnotation, WikifyConcept, WikifyResult};
use kenning_store::{Meta, Snapshot};

/// Digits grouped by thousands: 1234567 → "1,234,567".
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

pub(crate) fn build_summary(meta: &Meta, out: &Path) -> String {
    let s = &meta.stats;
    let mut text = format!(
        "built {} in {:.1} s: {} concepts, {} redirects, {} links, {} categories ({} red links, {} pages skipped, {} failed)",
        out.display(),
        meta.build_seconds,
        grouped(s.concepts),
        grouped(s.redirects),
        grouped(s.links),
        grouped(s.categories),
        grouped(s.red_links),
        grouped(s.pages_skipped),
        grouped(s.pages_failed),
    );
    if s.duplicate_titles > 0 {
        text.push_str(&format!(
            "; {} duplicate titles ignored",
            grouped(s.duplicate_titles)
        ));
    }
    if s.duplicate_ids > 0 {
        text.push_str(&format!(
            "; {} duplicate page ids given new ids",
            grouped(s.duplicate_ids)
        ));
    }
    if s.records > 0 {
        text.push_str(&format!(
            "; {} records with {} links ({} to records that do not exist) and {} concepts detected",
            grouped(s.records),
            grouped(s.record_links),
            grouped(s.record_missing_links),
            grouped(s.record_concepts),
        ));
    }
    if let [primary, others @ ..] = meta.languages.as_slice()
        && !others.is_empty()
    {
        let joined: Vec<String> = others
            .iter()
            .map(|l| {
                if l.pages == 0 {
                    // Named by Wikidata only.
                    return format!("{}: {} concepts named", l.code, grouped(l.named));
                }
                let mut text = format!(
                    "{}: {} of {} pages joined",
                    l.code,
                    grouped(l.joined),
                    grouped(l.pages)
                );
                if l.unjoined > 0 {
                    text.push_str(&format!(", {} concepts of their own", grouped(l.unjoined)));
                }
                if l.named > l.joined {
                    text.push_str(&format!(", {} concepts named", grouped(l.named)));
                }
                text
            })
            .collect();
        text.push_str(&format!(
            "; languages {} (primary, {} concepts with a page in another) and {}",
            primary.code,
            grouped(primary.joined),
            joined.join(", ")
        ));
    }
    if s.ontology_categories > 0 {
        text.push_str(&format!(
            "; an ontology of {} categories and {} clusters, {} of its {} concepts matched",
            grouped(s.ontology_categories),
            grouped(s.ontology_clusters),
            grouped(s.ontology_concepts_matched),
            grouped(s.ontology_concepts),
        ));
    }
    text
}

/// `kenning stats --json`: the store's own report of the generation's
/// figures, so every count it records is printed.
pub(crate) fn stats_json(snapshot: &Snapshot) -> String {
    // Plain data with string keys: serialising cannot fail.
    serde_json::to_string_pretty(&snapshot.meta().report()).unwrap_or_default()
}

pub(crate) fn stats_text(snapshot: &Snapshot) -> String {
    let meta = snapshot.meta();
    let s = &meta.stats;
    let mut out = String::new();
    let rows = [
        ("concepts", s.concepts),
        ("redirects", s.redirects),
        ("links", s.links),
        ("categories", s.categories),
        ("category links", s.category_links),
        ("hidden categories", s.hidden_categories),
        ("red links", s.red_links),
        ("broken redirects", s.broken_redirects),
        ("pages read", s.pages_read),
        ("pages skipped", s.pages_skipped),
        ("pages failed", s.pages_failed),
        ("duplicate titles", s.duplicate_titles),
        ("duplicate ids", s.duplicate_ids),
        ("mention phrases", s.mention_phrases),
        ("mention phrases left out", s.mention_phrases_pruned),
        ("detected links", s.detected_links),
        ("records", s.records),
        ("record links", s.record_links),
        ("missing records", s.record_missing_links),
        ("record concepts", s.record_concepts),
        ("ontology categories", s.ontology_categories),
        ("ontology clusters", s.ontology_clusters),
        ("ontology concepts", s.ontology_concepts),
        ("ontology matched", s.ontology_concepts_matched),
    ];
    for (name, n) in rows {
        out.push_str(&format!("{name:<20}{:>12}\n", grouped(n)));
    }
    if !meta.site.sitename.is_empty() {
        out.push_str(&format!(
            "{:<20}{} ({})\n",
            "site", meta.site.sitename, meta.site.dbname
        ));
    }
    for (i, l) in meta.languages.iter().enumerate() {
        let line = if i == 0 {
            format!(
                "{} (primary): {} pages, {} with a page in another language",
                l.code,
                grouped(l.pages),
                grouped(l.joined)
            )
        } else {
            format!(
                "{}: {} pages, {} joined, {} concepts of their own; interlanguage links {} read, {} joined, {} dangling; {} concepts named",
                l.code,
                grouped(l.pages),
                grouped(l.joined),
                grouped(l.unjoined),
                grouped(l.links_read),
                grouped(l.links_joined),
                grouped(l.links_dangling),
                grouped(l.named)
            )
        };
        out.push_str(&format!("{:<20}{line}\n", "language"));
    }
    for src in &meta.sources {
        out.push_str(&format!(
            "{:<20}{} ({}, {}, {}, {} pages)\n",
            "source",
            src.path,
            src.kind,
            src.compression,
            human_bytes(src.bytes),
            grouped(src.pages)
        ));
    }
    out.push_str(&format!(
        "{:<20}{} in {:.1} s\n",
        "built", meta.built_at, meta.build_seconds
    ));
    let phases: Vec<String> = meta
        .phase_seconds
        .iter()
        .map(|(name, s)| format!("{name} {s:.2} s"))
        .collect();
    if !phases.is_empty() {
        out.push_str(&format!("{:<20}{}\n", "phases", phases.join(", ")));
    }
    out.push_str(&format!(
        "{:<20}{} (format {})",
        "kenning", meta.kenning_version, meta.format
    ));
    out
}

/// Wikify results as text: the text with `[[mention|concept]]` marks, then
/// the concepts and each annotation's score parts.
pub(crate) fn wikify_text(text: &str, result: &WikifyResult) -> String {
    let mut out = wikify_marked(text, &result.annotations, 0);
    out.push_str(&wikify_concepts(&result.concepts));
    out.push_str(WIKIFY_ANNOTATIONS_HEADING);
    for a in &result.annotations {
        out.push_str(&wikify_annotation(a));
    }
    out.trim_end().to_owned()
}

/// `text` with its annotations marked `[[concept|mention]]` (or
/// `[[mention]]` when they are the same); `offset` is the byte offset of
/// `text` in the whole input, which the annotations' offsets count from.
pub(crate) fn wikify_marked(text: &str, annotations: &[WikifyAnnotation], offset: usize) -> String {
    let mut out = String::with_capacity(text.len() + annotations.len() * 16);
    let mut at = 0;
    for a in annotations {
        out.push_str(&text[at..a.byte_start - offset]);
        if a.text == a.concept.title {
            out.push_str(&format!("[[{}]]", a.text));
        } else {
            out.push_str(&format!("[[{}|{}]]", a.concept.title, a.text));
        }
        at = a.byte_end - offset;
    }
    out.push_str(&text[at..]);
    out
}

/// The "Concepts" part of the text form, after the marked text.
pub(crate) fn wikify_concepts(concepts: &[WikifyConcept]) -> String {
    let mut out = String::from("\n\nConcepts\n");
    for c in concepts {
        out.push_str(&format!(
            "  {:.2}  {} ({} mention{})\n",
            c.score,
            c.title,
            c.mentions,
            if c.mentions == 1 { "" } else { "s" }
        ));
    }
    out
}

/// The heading of the text form's list of annotations.
pub(crate) const WIKIFY_ANNOTATIONS_HEADING: &str =
    "\nAnnotations (score = link probability, commonness, coherence, context)\n";

/// One line of the text form's list of annotations.
pub(crate) fn wikify_annotation(a: &WikifyAnnotation) -> String {
    format!(
        "  {:>6}..{:<6} {:.2}  {:?} → {}  (lp {:.2}{}, commonness {:.2}, coherence {:.2}{}, context {:.2}{}{})\n",
        a.start,
        a.end,
        a.score,
        a.text,
        a.concept.title,
        a.parts.link_probability,
        if a.parts.title_prior {
            " title prior"
        } else {
            ""
        },
        a.parts.commonness,
        a.parts.coherence,
        if a.parts.unambiguous {
            " unambiguous"
        } else {
            ""
        },
        a.parts.context,
        if a.parts.repeats_name {
            ", repeats a name"
        } else {
            ""
        },
        a.runner_up
            .as_ref()
            .map(|r| format!("; runner-up {} {:.2}", r.title, r.score))
            .unwrap_or_default()
    )
}

/// Any API shape as pretty JSON, exactly as the HTTP API serialises it.
pub(crate) fn to_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

pub(crate) fn search_text(page: &SearchPage) -> String {
    if page.items.is_empty() {
        return format!("no results for {:?}", page.query);
    }
    let mut out = format!(
        "{} results for {:?}\n",
        grouped(page.total as u64),
        page.query
    );
    if let Some(corrected) = &page.corrected {
        out.push_str(&format!("showing results for {corrected:?}\n"));
    }
    for hit in &page.items {
        let code = match hit.code.as_deref() {
            Some(code) if code != hit.id => format!(", code {code}"),
            _ => String::new(),
        };
        out.push_str(&format!(
            "\n{:>7.3}  {} ({} {}{code})\n",
            hit.score, hit.title, hit.kind, hit.id
        ));
        if let Some(alias) = &hit.matched_alias {
            out.push_str(&format!("         matched {alias:?}\n"));
        }
        if !hit.snippet.is_empty() {
            out.push_str(&format!("         {}\n", hit.snippet));
        }
    }
    out.pop();
    out
}

pub(crate) fn concept_text(c: &ConceptPage) -> String {
    let mut out = format!("Concept\n\n{}\n\nSummary\n{}\n", c.title, c.summary);
    if !c.timeline.is_empty() {
        out.push_str("\nTimeline\n");
        for e in &c.timeline {
            out.push_str(&format!("{:>6}  {}\n", e.year, e.text));
        }
    }
    if !c.related.is_empty() {
        let related: Vec<String> = c
            .related
            .iter()
            .map(|r| format!("{} ({:.2})", r.title, r.score))
            .collect();
        out.push_str(&format!("\nRelated concepts\n{}\n", related.join(" · ")));
    }
    if !c.aliases.is_empty() {
        out.push_str(&format!("\nAlso known as\n{}\n", c.aliases.join(" · ")));
    }
    if !c.categories.is_empty() {
        out.push_str(&format!("\nCategories\n{}\n", c.categories.join(" · ")));
    }
    out.push_str(&format!(
        "\nLinks\n{} concepts link here; this concept links to {}\n",
        grouped(c.in_link_count as u64),
        grouped(c.out_link_count as u64)
    ));
    out.push_str(&format!("\nSource\nid {}", c.id));
    if let Some(url) = &c.url {
        out.push_str(&format!(", {url}"));
    }
    if let Some(ts) = &c.revision_timestamp {
        out.push_str(&format!(", revision of {ts}"));
    }
    out.push_str(
        "\n\nAbout this result\nThis page is automatically generated and may contain information that is not correct, complete, up-to-date, or relevant to your search query.",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1234567), "1,234,567");
        assert_eq!(human_bytes(692_467), "692.5 KB");
    }
}
