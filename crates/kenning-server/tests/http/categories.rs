//! Subject categories from an ontology (`examples/tiny-ontology.jsonl`,
//! built with the example wiki): the category pages and their API, the
//! concept page's breadcrumbs, the home page's entry points.

use serde_json::Value;

use crate::fixtures::{get, id_of, tiny_app};

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_category_answers_with_its_path_children_and_concepts() {
    let app = tiny_app();
    let c = get(&app, "/api/v1/categories/lakes-and-rivers")
        .await
        .json();
    assert_eq!(c["kind"], "ontology");
    assert_eq!(c["title"], "Lakes and rivers");
    assert_eq!(
        c["path"],
        serde_json::json!(["tesselmark", "lakes-and-rivers"])
    );
    assert_eq!(
        c["path_titles"],
        serde_json::json!(["Tesselmark", "Lakes and rivers"])
    );
    assert_eq!(c["parents"][0]["name"], "tesselmark");
    // The anchor's lead is the summary.
    assert_eq!(c["anchor"]["title"], "Lake Tessel");
    assert!(
        c["summary"].as_str().unwrap().starts_with("Lake Tessel"),
        "{}",
        c["summary"]
    );
    // Ferries has two parents and counts in both.
    assert_eq!(
        c["children"],
        serde_json::json!([{"name": "ferries", "title": "Ferries", "concept_count": 1}])
    );
    // Tessel Lake (a redirect) is Lake Tessel; the ferry comes from Ferries.
    let mut concepts = titles(&c["concepts"]);
    concepts.sort();
    assert_eq!(
        concepts,
        [
            "Kettle Island",
            "Lake Tessel",
            "Merrowby Ferry",
            "Tessel River"
        ]
    );
    assert_eq!(c["concept_count"], 4);
}

#[tokio::test]
async fn the_full_concept_list_is_the_count_in_a_stable_order() {
    let app = tiny_app();
    let root = get(&app, "/api/v1/categories/tesselmark").await.json();
    // Every concept of the ontology the wiki has: 3 + 5 + 3 (the crane
    // of Transport is not in the wiki).
    assert_eq!(root["concept_count"], 11);
    assert_eq!(root["path"], serde_json::json!(["tesselmark"]));
    let all = get(&app, "/api/v1/categories/tesselmark/concepts?limit=100")
        .await
        .json();
    assert_eq!(all["total"], 11);
    let all = titles(&all["items"]);
    assert_eq!(all.len(), 11);
    let mut paged = Vec::new();
    for offset in (0..12).step_by(4) {
        let page = get(
            &app,
            &format!("/api/v1/categories/tesselmark/concepts?limit=4&offset={offset}"),
        )
        .await
        .json();
        assert_eq!(page["total"], 11);
        paged.extend(titles(&page["items"]));
    }
    assert_eq!(paged, all, "pages join into the whole list");
    assert_eq!(titles(&root["concepts"]), all, "the page's first entries");
}

#[tokio::test]
async fn unknown_categories_are_404_with_a_json_error() {
    let app = tiny_app();
    let reply = get(&app, "/api/v1/categories/no-such-thing").await;
    assert_eq!(reply.status, 404);
    let e = reply.json();
    assert_eq!(e["error"]["code"], "not_found");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no-such-thing"),
        "{e}"
    );
    assert_eq!(get(&app, "/category/no-such-thing").await.status, 404);
}

#[tokio::test]
async fn the_category_page_links_its_path_subcategories_and_concepts() {
    let app = tiny_app();
    let page = get(&app, "/category/ferries").await;
    assert_eq!(page.status, 200);
    let html = page.body;
    // Breadcrumb through the first parent, the category itself unlinked.
    assert!(
        html.contains("<a href=\"/category/tesselmark\">Tesselmark</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/category/transport\">Transport</a>"),
        "{html}"
    );
    assert!(
        html.contains("<span aria-current=\"page\">Ferries</span>"),
        "{html}"
    );
    // Both parents, since there are two.
    assert!(html.contains("Parent categories"), "{html}");
    assert!(html.contains("/category/lakes-and-rivers"), "{html}");
    let ferry = id_of("Merrowby Ferry");
    assert!(html.contains(&format!("/concept/{ferry}")), "{html}");
    assert!(html.contains("Concepts (1)"), "{html}");
    assert!(html.contains("About this result"), "{html}");

    let root = get(&app, "/category/tesselmark").await.body;
    for child in ["lakes-and-rivers", "town-life", "transport"] {
        assert!(
            root.contains(&format!("/category/{child}")),
            "{child}: {root}"
        );
    }
    assert!(root.contains("Concepts (11)"), "{root}");
}

#[tokio::test]
async fn a_concept_page_shows_where_it_sits_in_the_ontology() {
    let app = tiny_app();
    let ferry = id_of("Merrowby Ferry");
    let c = get(&app, &format!("/api/v1/concepts/{ferry}")).await.json();
    let paths: Vec<Vec<String>> = c["ontology"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["path"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["name"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(
        paths,
        [
            vec!["tesselmark", "transport"],
            vec!["tesselmark", "transport", "ferries"]
        ]
    );
    let html = get(&app, &format!("/concept/{ferry}")).await.body;
    assert!(html.contains("<h2>Subjects</h2>"), "{html}");
    assert!(
        html.contains("<a href=\"/category/ferries\">Ferries</a>"),
        "{html}"
    );
    // A concept in no category has no such section.
    let ida = id_of("Ida Varrow");
    let html = get(&app, &format!("/concept/{ida}")).await.body;
    assert!(!html.contains("<h2>Subjects</h2>"), "{html}");
}

#[tokio::test]
async fn the_home_page_starts_browsing_at_the_top_subjects() {
    let app = tiny_app();
    let html = get(&app, "/").await.body;
    assert!(html.contains("Browse by subject"), "{html}");
    for (name, title) in [
        ("lakes-and-rivers", "Lakes and rivers"),
        ("town-life", "Town life"),
        ("transport", "Transport"),
    ] {
        assert!(
            html.contains(&format!("<a href=\"/category/{name}\">{title}</a>")),
            "{name}: {html}"
        );
    }
}

#[tokio::test]
async fn a_category_lists_the_records_about_its_concepts_and_all_of_them() {
    let app = crate::fixtures::records_app();
    let c = get(&app, "/api/v1/categories/tesselmark").await.json();
    let groups = c["records"].as_array().unwrap();
    let courses = groups
        .iter()
        .find(|g| g["type"] == "course")
        .unwrap_or_else(|| panic!("no courses in {c}"));
    let count = courses["count"].as_u64().unwrap();
    assert!(count >= 2, "{courses}");
    // The whole list behind the cut one, in the same order.
    let all = get(
        &app,
        "/api/v1/categories/tesselmark/records?type=course&limit=100",
    )
    .await
    .json();
    assert_eq!(all["total"].as_u64(), Some(count));
    let ids = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let first = ids(&courses["items"]);
    assert_eq!(ids(&all["items"])[..first.len()], first[..]);
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["type"] == "course")
    );
    // A subcategory's records are among its parent's.
    let lakes = get(
        &app,
        "/api/v1/categories/lakes-and-rivers/records?limit=100",
    )
    .await
    .json();
    let root = get(&app, "/api/v1/categories/tesselmark/records?limit=100")
        .await
        .json();
    for id in ids(&lakes["items"]) {
        assert!(ids(&root["items"]).contains(&id), "{id}");
    }
    // The page shows the section and links to the full list, which pages.
    let html = get(&app, "/category/tesselmark").await.body;
    assert!(html.contains("id=\"records-course\""), "{html}");
    let list = get(&app, "/category/tesselmark/courses").await;
    assert_eq!(list.status, 200);
    assert!(
        list.body.contains("Courses about Tesselmark"),
        "{}",
        list.body
    );
    for r in courses["items"].as_array().unwrap() {
        let url = r["url"].as_str().unwrap();
        assert!(
            list.body.contains(&format!("href=\"{url}\"")),
            "{url}: {}",
            list.body
        );
    }
}

#[tokio::test]
async fn categories_are_a_search_type() {
    let app = tiny_app();
    let found = get(&app, "/api/v1/search?q=lakes+and+rivers&counts=true")
        .await
        .json();
    let hit = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["type"] == "category")
        .unwrap_or_else(|| panic!("no category in {found}"));
    assert_eq!(hit["id"], "lakes-and-rivers");
    assert_eq!(hit["title"], "Lakes and rivers");
    assert_eq!(hit["url"], "/category/lakes-and-rivers");
    assert!(
        found["type_counts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "category"),
        "{found}"
    );
    // A category is found by its anchor article's lead too ("Ferries" is
    // anchored on Merrowby Ferry, "a passenger and bicycle ferry"), with
    // that lead as its snippet.
    let by_lead = get(&app, "/api/v1/search?q=bicycle&types=category")
        .await
        .json();
    assert_eq!(by_lead["items"][0]["id"], "ferries", "{by_lead}");
    let snippet = by_lead["items"][0]["snippet"].as_str().unwrap_or_default();
    assert!(snippet.contains("bicycle"), "{by_lead}");
    // Browsing the type lists every category.
    let all = get(&app, "/api/v1/search?q=&types=category&limit=100")
        .await
        .json();
    assert_eq!(all["total"], 5);
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["type"] == "category")
    );
    // The results page has a chip for them, and the home page a tile.
    let html = get(&app, "/search?q=transport").await.body;
    assert!(html.contains("Categories"), "{html}");
    let home = get(&app, "/").await.body;
    assert!(home.contains("/search?types=category"), "{home}");
    // Not a record type: no record list of categories on a concept.
    let lake = id_of("Lake Tessel");
    let reply = get(&app, &format!("/concept/{lake}/categories")).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn the_wikis_own_categories_have_pages_too() {
    let app = tiny_app();
    let c = get(&app, "/api/v1/categories/Transport_in_Merrowby")
        .await
        .json();
    assert_eq!(c["kind"], "wiki");
    assert_eq!(c["title"], "Transport in Merrowby");
    // Its page's own lead, and its way up: Lake Tessel › Merrowby › it.
    assert_eq!(
        c["summary"],
        "Ferries, railways and lights serving Merrowby."
    );
    assert_eq!(
        c["path"],
        serde_json::json!(["Lake_Tessel", "Merrowby", "Transport_in_Merrowby"])
    );
    assert_eq!(
        c["parents"],
        serde_json::json!([{"name": "Merrowby", "title": "Merrowby"}])
    );
    let members = c["concept_count"].as_u64().unwrap();
    assert_eq!(members, 3, "{c}");
    let all = get(
        &app,
        "/api/v1/categories/Transport_in_Merrowby/concepts?limit=100",
    )
    .await
    .json();
    assert_eq!(all["total"].as_u64(), Some(members));
    // The parent lists it as a subcategory with its size.
    let merrowby = get(&app, "/api/v1/categories/Merrowby").await.json();
    assert!(
        merrowby["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["name"] == "Transport_in_Merrowby" && k["concept_count"] == 3),
        "{merrowby}"
    );
    // Spaces work as well as underscores; the page renders.
    assert_eq!(
        get(&app, "/category/Transport%20in%20Merrowby")
            .await
            .status,
        200
    );
    // A concept page links its categories.
    let ferry = id_of("Merrowby Ferry");
    let html = get(&app, &format!("/concept/{ferry}")).await.body;
    assert!(
        html.contains("<a href=\"/category/Transport_in_Merrowby\">Transport in Merrowby</a>"),
        "{html}"
    );
}

/// A wiki whose categories loop (A → B → C → A) and one hidden category:
/// every page answers, the breadcrumb ends, and the hidden one stays off
/// concept pages and lists (but answers at its address).
#[tokio::test]
async fn category_cycles_end_and_hidden_categories_stay_out() {
    let page = |ns: u32, title: &str, id: u32, text: &str| {
        format!(
            "<page><title>{title}</title><ns>{ns}</ns><id>{id}</id><revision><id>{id}</id><text xml:space=\"preserve\">{text}</text></revision></page>\n"
        )
    };
    let xml = format!(
        "<mediawiki xmlns=\"http://www.mediawiki.org/xml/export-0.10/\" version=\"0.10\" xml:lang=\"en\"><siteinfo><sitename>Loops</sitename><dbname>loopwiki</dbname><base>https://loops.example/wiki/Main_Page</base><case>first-letter</case><namespaces><namespace key=\"0\" case=\"first-letter\" /><namespace key=\"14\" case=\"first-letter\">Category</namespace></namespaces></siteinfo>\n{}{}{}{}{}{}</mediawiki>\n",
        page(
            0,
            "Knot",
            1,
            "A '''knot''' is tied. [[Category:A]] [[Category:Tracking]]"
        ),
        page(
            0,
            "Loop",
            2,
            "A '''loop''' goes round. [[Category:B]] [[Knot]]"
        ),
        page(14, "Category:A", 10, "Things in A. [[Category:B]]"),
        page(14, "Category:B", 11, "[[Category:C]] [[Category:Tracking]]"),
        page(14, "Category:C", 12, "[[Category:A]]"),
        page(14, "Category:Tracking", 13, "Pages tracked. __HIDDENCAT__"),
    );
    let dir = crate::fixtures::scratch("category-loops");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let dump = dir.join("loops.xml");
    std::fs::write(&dump, xml).unwrap();
    let out = dir.join("snap");
    crate::fixtures::build_snapshot(&dump, &out);
    let engine = std::sync::Arc::new(kenning_engine::Engine::open(&out).unwrap());
    let app = kenning_server::app(engine, kenning_server::ServerConfig::default());
    for name in ["A", "B", "C", "Tracking"] {
        let reply = get(&app, &format!("/api/v1/categories/{name}")).await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.body);
        let c = reply.json();
        let path = c["path"].as_array().unwrap();
        assert!(!path.is_empty() && path.len() <= 3, "{name}: {c}");
        assert_eq!(path.last().unwrap(), name, "{c}");
        assert_eq!(get(&app, &format!("/category/{name}")).await.status, 200);
    }
    let a = get(&app, "/api/v1/categories/A").await.json();
    assert_eq!(
        a["parents"],
        serde_json::json!([{"name": "B", "title": "B"}])
    );
    assert_eq!(a["children"][0]["name"], "C");
    assert_eq!(a["concept_count"], 1);
    // The hidden category is nobody's parent on a page, nor on the concept.
    let b = get(&app, "/api/v1/categories/B").await.json();
    assert_eq!(
        b["parents"],
        serde_json::json!([{"name": "C", "title": "C"}])
    );
    let knot = get(&app, "/api/v1/concepts?title=Knot").await.json();
    assert_eq!(knot["categories"], serde_json::json!(["A"]));
}

/// Without an ontology, the home page offers the wiki's top categories.
#[tokio::test]
async fn without_an_ontology_the_home_page_offers_the_wikis_top_categories() {
    let out = crate::fixtures::scratch("tiny-wiki-no-ontology");
    crate::fixtures::build_snapshot(&crate::fixtures::examples_dir().join("tiny-wiki.xml"), &out);
    let engine = std::sync::Arc::new(kenning_engine::Engine::open(&out).unwrap());
    let roots = engine.category_entry_points();
    // Lake Tessel is the one category without a parent.
    assert_eq!(
        roots.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        ["Lake_Tessel"]
    );
    let app = kenning_server::app(engine, kenning_server::ServerConfig::default());
    let home = get(&app, "/").await.body;
    assert!(
        home.contains("<a href=\"/category/Lake_Tessel\">Lake Tessel</a>"),
        "{home}"
    );
}
