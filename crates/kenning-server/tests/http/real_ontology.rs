//! Categories on real data (skipped when the data is absent): EPFL Graph's
//! ontology on the data snapshot (Wikispeedia + the extracted English
//! articles): every category answers, counts as the ontology has them, the
//! Graph theory page as Graph Search shows it; and the Latgalian
//! Wikipedia's own category graph.

use std::sync::{Arc, OnceLock};
use std::time::Instant;

use kenning_build::Source;
use kenning_engine::Engine;
use kenning_server::{ServerConfig, app};

use crate::fixtures::{build_with, get, scratch};

/// The data snapshot with the ontology, built once per test run.
fn ontology_engine() -> Option<&'static Arc<Engine>> {
    static ENGINE: OnceLock<Option<Arc<Engine>>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let data = kenning_testdata::shared_data(
                &[
                    "wikispeedia/concepts.jsonl.gz",
                    "enwiki-2015-extracted",
                    "ontology/ontology_structure.json",
                    "ontology/category_tree.txt",
                ],
                "real-ontology tests",
            )?;
            let out = scratch("epfl-ontology");
            let _ = std::fs::remove_dir_all(&out);
            let started = Instant::now();
            build_with(
                vec![
                    Source::Concepts(data.join("wikispeedia/concepts.jsonl.gz")),
                    Source::Extracted(data.join("enwiki-2015-extracted")),
                ],
                Vec::new(),
                vec![data.join("ontology/ontology_structure.json")],
                &out,
            );
            eprintln!(
                "built the data snapshot + ontology in {:?}",
                started.elapsed()
            );
            Some(Arc::new(
                Engine::open(&out).expect("open the ontology snapshot"),
            ))
        })
        .as_ref()
}

#[tokio::test]
async fn real_ontology_counts_and_every_category_answers() {
    let Some(engine) = ontology_engine() else {
        return;
    };
    let stats = &engine.snapshot().meta().stats;
    assert_eq!(stats.ontology_categories, 1_450);
    assert_eq!(stats.ontology_clusters, 4_809);
    assert_eq!(stats.ontology_concepts, 40_053);
    assert!(
        stats.ontology_concepts_matched >= 3_600,
        "{} matched",
        stats.ontology_concepts_matched
    );
    // Walk the whole tree from the root: every category answers once,
    // children agree with parents both ways, depths as the ontology has
    // them, and a category's count covers its children's.
    let mut by_depth = [0usize; 5];
    let mut queue = vec!["academic-disciplines".to_owned()];
    let mut seen = std::collections::HashSet::new();
    while let Some(name) = queue.pop() {
        assert!(seen.insert(name.clone()), "{name} reached twice");
        let c = engine
            .category(&name)
            .unwrap_or_else(|| panic!("{name} does not answer"));
        assert_eq!(c.path.last(), Some(&name));
        by_depth[c.path.len() - 1] += 1;
        for child in &c.children {
            let k = engine.category(&child.name).unwrap();
            assert!(
                k.parents.iter().any(|p| p.name == name),
                "{} under {name}",
                k.name
            );
            assert!(child.concept_count <= c.concept_count);
            queue.push(child.name.clone());
        }
        let all = engine.category_concepts(&name, 0, usize::MAX).unwrap();
        assert_eq!(all.total, c.concept_count);
        assert_eq!(all.items.len(), c.concept_count);
    }
    assert_eq!(by_depth, [1, 5, 41, 256, 1_147]);
}

#[tokio::test]
async fn real_ontology_graph_theory_reads_as_in_graph_search() {
    let Some(engine) = ontology_engine() else {
        return;
    };
    let app = app(Arc::clone(engine), ServerConfig::default());
    let c = get(&app, "/api/v1/categories/graph-theory").await.json();
    assert_eq!(c["title"], "Graph theory");
    assert_eq!(
        c["path"],
        serde_json::json!([
            "academic-disciplines",
            "formal-sciences",
            "mathematics",
            "discrete-mathematics",
            "graph-theory"
        ])
    );
    let lead = engine
        .concept(engine.find_title("Graph theory").unwrap())
        .unwrap()
        .summary;
    assert_eq!(c["summary"], lead.as_str());
    assert!(lead.contains("graph theory is the study of"), "{lead}");

    // Planar graph's page shows the same breadcrumb and its cluster.
    let planar = engine.find_title("Planar graph").unwrap();
    let page = get(&app, &format!("/concept/{planar}")).await.body;
    let crumbs = [
        "<a href=\"/category/academic-disciplines\">Academic disciplines</a>",
        "<a href=\"/category/formal-sciences\">Formal sciences</a>",
        "<a href=\"/category/mathematics\">Mathematics</a>",
        "<a href=\"/category/discrete-mathematics\">Discrete mathematics</a>",
        "<a href=\"/category/graph-theory\">Graph theory</a>",
    ];
    let mut at = 0;
    for crumb in crumbs {
        let found = page[at..]
            .find(crumb)
            .unwrap_or_else(|| panic!("{crumb} after byte {at} in\n{page}"));
        at += found + crumb.len();
    }
    assert!(page.contains("Four color theorem"), "{page}");
    let html = get(&app, "/category/graph-theory").await.body;
    assert!(
        html.contains("<span aria-current=\"page\">Graph theory</span>"),
        "{html}"
    );
}

/// The Latgalian Wikipedia's own categories: every category answers, and
/// parents and subcategories agree both ways.
#[tokio::test]
async fn real_wiki_categories_answer_and_agree_both_ways() {
    let Some(data) = kenning_testdata::shared_data(
        &["wiki/ltgwiki-20170901-pages-articles.xml.bz2"],
        "real wiki categories test",
    ) else {
        return;
    };
    let out = scratch("ltgwiki-categories");
    let _ = std::fs::remove_dir_all(&out);
    crate::fixtures::build_snapshot(
        &data.join("wiki/ltgwiki-20170901-pages-articles.xml.bz2"),
        &out,
    );
    let engine = Engine::open(&out).unwrap();
    let s = engine.snapshot();
    let mut with_page = 0;
    for i in 0..s.category_count() as u32 {
        let c = s.category(i).unwrap();
        let name = c.name().replace(' ', "_");
        let page = engine
            .category(&name)
            .unwrap_or_else(|| panic!("{name} does not answer"));
        assert_eq!(page.kind, "wiki");
        assert_eq!(page.path.last(), Some(&name));
        for child in &page.children {
            let k = engine.category(&child.name).unwrap();
            assert!(
                k.parents.iter().any(|p| p.name == name),
                "{} under {name}",
                k.name
            );
        }
        for parent in &page.parents {
            let p = engine.category(&parent.name).unwrap();
            assert!(
                p.children.iter().any(|k| k.name == name),
                "{name} under {}",
                p.name
            );
        }
        let all = engine.category_concepts(&name, 0, usize::MAX).unwrap();
        assert_eq!(all.total, page.concept_count);
        if c.flags() & kenning_store::category_flags::HAS_PAGE != 0 {
            with_page += 1;
        }
    }
    assert_eq!(with_page, 539);
}
