//! A concept in the reader's language: the example wiki with its French
//! edition; `?lang=`, `Accept-Language`, the switcher, `<html lang>`,
//! `hreflang` alternates and the JSON's `titles` and `languages`.

use axum::body::Body;
use axum::http::{Request, header};

use crate::fixtures::{bilingual_app, form, get, post, post_json, send, tiny_app, trilingual_app};

/// Merrowby Ferry's page id in the example wiki.
const FERRY: u32 = 5;

#[tokio::test]
async fn the_json_names_the_concept_in_every_language_and_lang_picks_one() {
    let app = bilingual_app();
    let page = get(&app, &format!("/api/v1/concepts/{FERRY}")).await.json();
    assert_eq!(page["title"], "Merrowby Ferry");
    assert_eq!(page["language"], "en");
    assert_eq!(page["languages"], serde_json::json!(["en", "fr"]));
    assert_eq!(page["titles"]["fr"], "Bac de Merrowby");
    assert_eq!(page["titles"]["en"], "Merrowby Ferry");
    let french = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=fr"))
        .await
        .json();
    assert_eq!(french["title"], "Bac de Merrowby");
    assert_eq!(french["language"], "fr");
    let summary = french["summary"].as_str().unwrap();
    assert!(summary.starts_with("Le bac de Merrowby"), "{summary}");
    // The French lead's links are not the English summary's.
    assert_eq!(french["summary_links"], serde_json::json!([]));
    // A language the concept lacks: the primary page, which says so.
    let german = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=de"))
        .await
        .json();
    assert_eq!(
        (german["title"].as_str(), german["language"].as_str()),
        (Some("Merrowby Ferry"), Some("en"))
    );
    // Not a language code: 400 with a JSON error that says what is wrong.
    let bad = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=%3Cx%3E")).await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("language code")
    );
}

#[tokio::test]
async fn the_page_switches_language_and_says_when_it_cannot() {
    let app = bilingual_app();
    let french = get(&app, &format!("/concept/{FERRY}?lang=fr")).await;
    assert_eq!(french.status, 200);
    let html = &french.body;
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("<h1>Bac de Merrowby</h1>"), "{html}");
    assert!(html.contains(&format!(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"/concept/{FERRY}?lang=en\">"
    )));
    // The switcher: English is a link, French the current one.
    assert!(html.contains(&format!(
        "<a href=\"/concept/{FERRY}?lang=en\" hreflang=\"en\""
    )));
    assert!(html.contains("<strong aria-current=\"true\" lang=\"fr\">Français</strong>"));
    assert!(!html.contains("language-note"));
    // Asked for German, shown in English, and told so.
    let german = get(&app, &format!("/concept/{FERRY}?lang=de")).await.body;
    assert!(german.contains("<html lang=\"en\">"));
    assert!(
        german.contains("No page in Deutsch for this concept: shown in English."),
        "{german}"
    );
    // A concept with no French page has no switcher.
    let ida = get(&app, "/concept/8").await.body;
    assert!(ida.contains("<h1>Ida Varrow</h1>"), "{ida}");
    assert!(!ida.contains("class=\"languages\""));
}

#[tokio::test]
async fn accept_language_chooses_when_the_query_does_not() {
    let app = bilingual_app();
    let ask = |value: &'static str| {
        Request::get(format!("/concept/{FERRY}"))
            .header(header::ACCEPT_LANGUAGE, value)
            .body(Body::empty())
            .unwrap()
    };
    let page = send(&app, ask("fr-CH, fr;q=0.9, en;q=0.8")).await.body;
    assert!(page.contains("<h1>Bac de Merrowby</h1>"), "{page}");
    // A wish the snapshot cannot meet is no question: no note.
    let page = send(&app, ask("de, it;q=0.5")).await.body;
    assert!(page.contains("<h1>Merrowby Ferry</h1>"));
    assert!(!page.contains("language-note"));
    // The query wins over the header.
    let request = Request::get(format!("/concept/{FERRY}?lang=en"))
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())
        .unwrap();
    assert!(
        send(&app, request)
            .await
            .body
            .contains("<h1>Merrowby Ferry</h1>")
    );
}

#[tokio::test]
async fn a_one_language_snapshot_names_its_language_and_nothing_more() {
    let app = tiny_app();
    let page = get(&app, &format!("/api/v1/concepts/{FERRY}")).await.json();
    assert_eq!(page["language"], "en");
    assert_eq!(page["languages"], serde_json::json!(["en"]));
    let html = get(&app, &format!("/concept/{FERRY}")).await.body;
    assert!(html.contains("<html lang=\"en\">"));
    assert!(!html.contains("hreflang"));
    assert!(!html.contains("class=\"languages\""));
}

#[tokio::test]
async fn a_concept_is_found_by_its_title_in_any_language_and_shown_in_the_readers() {
    let app = bilingual_app();
    let found = get(&app, "/api/v1/search?q=Bac+de+Merrowby").await.json();
    let first = &found["items"][0];
    assert_eq!(first["id"], FERRY.to_string(), "{found}");
    assert_eq!(first["title"], "Merrowby Ferry");
    assert_eq!(first["matched_alias"], "Bac de Merrowby");
    // Asked in French: the French title, and a link to the French page.
    let french = get(&app, "/api/v1/search?q=Bac+de+Merrowby&lang=fr")
        .await
        .json();
    let first = &french["items"][0];
    assert_eq!(first["title"], "Bac de Merrowby", "{french}");
    assert_eq!(first["url"], format!("/concept/{FERRY}?lang=fr"));
    assert!(first["matched_alias"].is_null(), "{french}");
    // A word only the French title has.
    let festival = get(&app, "/api/v1/search?q=lanternes&lang=fr").await.json();
    assert_eq!(
        festival["items"][0]["title"], "Fête des lanternes de Merrowby",
        "{festival}"
    );
    // Suggestions and the results page too.
    let typed = get(&app, "/api/v1/suggest?q=bac+de+mer&lang=fr")
        .await
        .json();
    assert_eq!(typed["items"][0]["title"], "Bac de Merrowby", "{typed}");
    let request = Request::get("/search?q=ferry")
        .header(header::ACCEPT_LANGUAGE, "fr")
        .body(Body::empty())
        .unwrap();
    let page = send(&app, request).await.body;
    assert!(
        page.contains(&format!("href=\"/concept/{FERRY}?lang=fr\"")),
        "{page}"
    );
    assert!(page.contains("Bac de Merrowby"), "{page}");
}

#[tokio::test]
async fn the_page_chrome_is_in_the_language_of_the_page() {
    let app = bilingual_app();
    let french = get(&app, &format!("/concept/{FERRY}?lang=fr")).await.body;
    for words in [
        "<p class=\"type-label\">Concept</p>",
        "<h2>Résumé</h2>",
        "<h2>Concepts liés</h2>",
        "<h2>Pages qui mènent ici</h2>",
        "<h2>À propos de ce résultat</h2>",
        "Cette page est générée automatiquement",
        "<dt>Article d&#39;origine</dt>",
        "placeholder=\"Chercher des concepts\"",
        "<button type=\"submit\">Chercher</button>",
        ">Wikifier</a>",
        "Pages générées automatiquement",
    ] {
        assert!(french.contains(words), "{words:?} not in\n{french}");
    }
    assert!(!french.contains("<h2>Summary</h2>"));
    // The same concept in English keeps English words.
    let english = get(&app, &format!("/concept/{FERRY}")).await.body;
    assert!(english.contains("<h2>Summary</h2>"));
    assert!(english.contains("<button type=\"submit\">Search</button>"));
}

#[tokio::test]
async fn a_title_in_another_language_leads_to_the_page_in_that_language() {
    let app = bilingual_app();
    let french = get(&app, "/wiki/Bac_de_Merrowby").await;
    assert_eq!(french.status, 302);
    assert_eq!(
        french.header("location"),
        format!("/concept/{FERRY}?lang=fr")
    );
    let english = get(&app, "/wiki/Merrowby_Ferry").await;
    assert_eq!(english.header("location"), format!("/concept/{FERRY}"));
    let by_title = get(&app, "/api/v1/concepts?title=Bac%20de%20Merrowby")
        .await
        .json();
    assert_eq!(by_title["id"], FERRY);
    assert_eq!(by_title["language"], "fr");
    assert_eq!(by_title["title"], "Bac de Merrowby");
    // Asked for English, found by its French title.
    let asked = get(&app, "/api/v1/concepts?title=Bac%20de%20Merrowby&lang=en")
        .await
        .json();
    assert_eq!(asked["title"], "Merrowby Ferry");
}

#[tokio::test]
async fn a_concept_named_only_by_wikidata_shows_its_name_and_the_primary_summary() {
    let app = trilingual_app();
    let german = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=de"))
        .await
        .json();
    assert_eq!(german["title"], "Merrowby-Fähre");
    assert_eq!(german["language"], "de");
    assert_eq!(german["summary_language"], "en");
    let summary = german["summary"].as_str().unwrap();
    assert!(summary.starts_with("The Merrowby Ferry"), "{summary}");
    assert_eq!(german["languages"], serde_json::json!(["en", "fr", "de"]));
    // The French page keeps its own title and lead; the label in lower
    // case is one more name, not the title.
    let french = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=fr"))
        .await
        .json();
    assert_eq!(french["title"], "Bac de Merrowby");
    assert!(french.get("summary_language").is_none());
    // Kettle Island has no French page: its label, capitalised as a
    // wiki title.
    let kettle = get(&app, "/api/v1/concepts/4?lang=fr").await.json();
    assert_eq!(kettle["title"], "Île Kettle");
    // The page says the summary is in English, in German, and marks it.
    let page = get(&app, &format!("/concept/{FERRY}?lang=de")).await;
    let html = &page.body;
    assert!(html.contains("<html lang=\"de\">"), "{html}");
    assert!(html.contains("<h1>Merrowby-Fähre</h1>"), "{html}");
    assert!(
        html.contains(
            "Noch keine Zusammenfassung auf Deutsch für diesen Begriff: diese ist auf English."
        ),
        "{html}"
    );
    assert!(html.contains("<div lang=\"en\">"), "{html}");
}

#[tokio::test]
async fn names_and_leads_in_every_language_find_their_concept() {
    let app = trilingual_app();
    for query in [
        "Fähre von Merrowby",
        "traversier de Merrowby",
        "Merrowby-Fähre",
    ] {
        let reply = get(
            &app,
            &format!("/api/v1/search?q={}", query.replace(' ', "+")),
        )
        .await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        let first = &reply.json()["items"][0];
        assert_eq!(first["id"], FERRY.to_string(), "{query}: {first}");
    }
    // French names are stemmed as French: "fêtes" (plural, typos off)
    // finds the festival's French title, and ?lang=fr titles it so.
    let reply = get(&app, "/api/v1/search?q=f%C3%AAtes&exact=1&lang=fr").await;
    let items = reply.json()["items"].clone();
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    assert_eq!(
        items[0]["title"], "Fête des lanternes de Merrowby",
        "{items}"
    );
}

#[tokio::test]
async fn wikify_links_a_text_in_its_language_given_or_detected() {
    let app = trilingual_app();
    let text = "Le bac de Merrowby traverse le lac Tessel jusqu'à l'île Kettle.";
    for lang in [Some("fr"), None] {
        let mut body = serde_json::json!({ "text": text });
        if let Some(lang) = lang {
            body["lang"] = lang.into();
        }
        let reply = post_json(&app, "/api/v1/wikify", &body).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let json = reply.json();
        assert_eq!(json["language"], "fr", "{json}");
        assert_eq!(json["language_detected"], lang.is_none());
        let mut found: Vec<(u64, String)> = json["concepts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_u64().unwrap(),
                    c["title"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        found.sort();
        // Titled in French, where they have a French title.
        assert_eq!(
            found,
            [
                (2, "Lac Tessel".to_owned()),
                (4, "Île Kettle".to_owned()),
                (5, "Bac de Merrowby".to_owned())
            ],
            "{json}"
        );
    }
    // German, by its aliases and labels: no German text counted them, so
    // they weigh as names (the title-match prior), supported by each other.
    let reply = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({"text": "Vom Leuchtturm Merrowby sieht man die Fähre von Merrowby.", "lang": "de"}),
    )
    .await;
    let json = reply.json();
    let titles: Vec<&str> = json["concepts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Merrowby-Fähre") && titles.contains(&"Leuchtturm Merrowby"),
        "{json}"
    );
    assert!(
        json["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["parts"]["title_prior"] == true),
        "{json}"
    );
    // A lower-case word that is only a label ("traversier", an alias the
    // French texts never use) is not linked, even at score 0; written as
    // a name, it is (at the title-match prior): it is in the dictionary.
    for (word, linked) in [("traversier", false), ("Traversier", true)] {
        let text = format!("Un {word} quitte le port de Merrowby.");
        let json = post_json(
            &app,
            "/api/v1/wikify",
            &serde_json::json!({"text": text, "lang": "fr", "min_score": 0}),
        )
        .await
        .json();
        let found = json["annotations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["text"] == word && a["parts"]["title_prior"] == true);
        assert_eq!(found, linked, "{json}");
    }
    // Not a language code: 400, with the JSON error saying so.
    let bad = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({"text": "x", "lang": "<fr>"}),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("language code"), "{}", bad.body);
    // A language the snapshot lacks: the primary one, which the answer says.
    let italian = post_json(
        &app,
        "/api/v1/wikify",
        &serde_json::json!({"text": "Il traghetto di Merrowby.", "lang": "it"}),
    )
    .await
    .json();
    assert_eq!(italian["language"], "en");
}

#[tokio::test]
async fn a_concept_of_another_language_is_shown_in_it() {
    let app = bilingual_app();
    let found = get(
        &app,
        "/api/v1/concepts?title=Port%20de%20p%C3%AAche%20de%20Merrowby",
    )
    .await
    .json();
    let id = found["id"].as_u64().unwrap();
    assert!(id >= 1 << 31, "{found}");
    assert_eq!(found["language"], "fr");
    assert_eq!(found["languages"], serde_json::json!(["fr"]));
    // Its page is French, chrome included, even to a reader of English,
    // with a note that it has no English page.
    let page = get(&app, &format!("/concept/{id}?lang=en")).await;
    assert_eq!(page.status, 200);
    let html = &page.body;
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(
        html.contains("<h1>Port de pêche de Merrowby</h1>"),
        "{html}"
    );
    assert!(html.contains("Résumé"), "{html}");
    assert!(
        html.contains("Pas de page en English pour ce concept : affiché en Français."),
        "{html}"
    );
    // It links to Merrowby (through the French page that joined it), so
    // it is among what links there.
    let merrowby = get(&app, "/api/v1/concepts/1/links-here?limit=100")
        .await
        .json();
    let linking: Vec<u64> = merrowby["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_u64().unwrap())
        .collect();
    assert!(linking.contains(&id), "{merrowby}");
}

#[tokio::test]
async fn the_wikify_page_offers_the_texts_language_and_says_which_it_read() {
    // One language: no choice to offer.
    let one = get(&tiny_app(), "/wikify").await.body;
    assert!(!one.contains("name=\"lang\""), "{one}");
    let app = trilingual_app();
    let page = get(&app, "/wikify").await.body;
    for needle in [
        "<select name=\"lang\">",
        "<option value=\"\">Detect</option>",
        "<option value=\"fr\" lang=\"fr\">Français</option>",
        "<option value=\"de\" lang=\"de\">Deutsch</option>",
    ] {
        assert!(page.contains(needle), "missing {needle:?} in {page}");
    }
    let text = "Vom Leuchtturm Merrowby sieht man die Fähre von Merrowby.";
    let detected = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", text), ("lang", "")]),
    )
    .await;
    assert_eq!(detected.status, 200, "{}", detected.body);
    assert!(
        detected.body.contains("read in Deutsch (detected)."),
        "{}",
        detected.body
    );
    assert!(
        detected.body.contains("Merrowby-Fähre"),
        "{}",
        detected.body
    );
    // Chosen: kept selected, and read so.
    let chosen = post(
        &app,
        "/wikify",
        "application/x-www-form-urlencoded",
        form(&[("text", text), ("lang", "en")]),
    )
    .await;
    assert!(chosen.body.contains("read in English."), "{}", chosen.body);
    assert!(
        chosen
            .body
            .contains("<option value=\"en\" lang=\"en\" selected>English</option>"),
        "{}",
        chosen.body
    );
}

#[tokio::test]
async fn a_page_read_in_a_language_lists_concepts_in_it_and_keeps_it() {
    let app = bilingual_app();
    let page = get(&app, &format!("/concept/{FERRY}?lang=fr")).await.body;
    // Lake Tessel, related to the ferry, has a French page: its French
    // title, and the link keeps the reader's language.
    assert!(
        page.contains("<a href=\"/concept/2?lang=fr\">Lac Tessel</a>"),
        "{page}"
    );
    // The JSON lists it so too.
    let json = get(&app, &format!("/api/v1/concepts/{FERRY}?lang=fr"))
        .await
        .json();
    let related: Vec<&str> = json["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert!(related.contains(&"Lac Tessel"), "{related:?}");
    // The header's search box carries the language to the search page,
    // whose own box keeps it.
    let hidden = "<input type=\"hidden\" name=\"lang\" value=\"fr\">";
    assert!(page.contains(hidden), "{page}");
    let search = get(&app, "/search?q=lac&lang=fr").await.body;
    assert!(search.contains(hidden), "{search}");
    // Without ?lang=, links stay plain and nothing is carried.
    let plain = get(&app, &format!("/concept/{FERRY}")).await.body;
    assert!(
        plain.contains("<a href=\"/concept/2\">Lake Tessel</a>"),
        "{plain}"
    );
    assert!(!plain.contains("name=\"lang\""), "{plain}");
}

#[tokio::test]
async fn the_search_page_speaks_the_readers_language_and_keeps_it() {
    let app = bilingual_app();
    let page = get(&app, "/search?q=lac+tessel&lang=fr").await;
    assert_eq!(page.status, 200);
    let html = &page.body;
    assert!(html.contains("<html lang=\"fr\">"), "{html}");
    assert!(html.contains("<title>lac tessel – Recherche"), "{html}");
    assert!(html.contains("Résultats 1–"), "{html}");
    assert!(html.contains("pour « lac tessel »"), "{html}");
    // The French title, linked in French.
    assert!(html.contains("/concept/2?lang=fr"), "{html}");
    assert!(html.contains("Lac Tessel"), "{html}");
    // A typo read as other words: said in French, links keep the language.
    let typo = get(&app, "/search?q=merowby&lang=fr").await.body;
    assert!(typo.contains("Résultats pour <em>merrowby</em>."), "{typo}");
    assert!(typo.contains("Chercher seulement « merowby »"), "{typo}");
    assert!(typo.contains("exact=true&amp;lang=fr"), "{typo}");
    let none = get(&app, "/search?q=zzzzqqq&lang=fr").await.body;
    assert!(none.contains("Aucun résultat pour « zzzzqqq »."), "{none}");
    // A browser asking for French gets French words, and the search's own
    // links without ?lang= (its Accept-Language comes with every request).
    let french = send(
        &app,
        Request::get("/search?q=lac+tessel")
            .header(header::ACCEPT_LANGUAGE, "fr")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(french.body.contains("Résultats 1–"), "{}", french.body);
    assert!(french.body.contains("Filtrer par type"), "{}", french.body);
    assert!(!french.body.contains("&amp;lang="), "{}", french.body);
}
