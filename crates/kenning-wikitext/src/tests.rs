//! Behaviour of [`extract`] rule by rule.

use kenning_model::{Case, Namespaces};

use super::*;

fn ex(wikitext: &str) -> Extract {
    let e = extract(wikitext, &Namespaces::english());
    check_offsets(&e);
    e
}

fn lead(wikitext: &str) -> String {
    ex(wikitext).lead
}

fn check_offsets(e: &Extract) {
    for l in &e.links {
        assert!(!e.anchor(l).is_empty(), "{e:?}");
        if let Some((a, b)) = l.lead_range {
            assert_eq!(&e.lead[a..b], e.anchor(l), "{e:?}");
        }
        assert_eq!(l.in_lead, l.lead_range.is_some(), "{e:?}");
    }
}

fn targets(e: &Extract) -> Vec<(&str, &str)> {
    e.links
        .iter()
        .map(|l| (l.target.as_str(), e.anchor(l)))
        .collect()
}

#[test]
fn nested_templates_and_parameters_are_removed() {
    assert_eq!(
        lead("{{a|{{b|{{c}}}}}}Text {{x|y={{z}}}}here."),
        "Text here."
    );
    assert_eq!(lead("A {{#if:{{{1|}}}|yes|no}} b {{{2}}}."), "A b.");
    assert_eq!(
        lead("{{Infobox person\n| name = X\n| image = [[File:x.jpg]]\n}}\n'''X''' is."),
        "X is."
    );
    assert_eq!(lead("a {{unclosed b"), "a unclosed b");
    assert_eq!(lead("a }} b"), "a b");
}

#[test]
fn kept_inline_templates() {
    assert_eq!(lead("Paris ({{lang-fr|Paris}}) is."), "Paris (Paris) is.");
    assert_eq!(lead("{{lang|de|Berlin|italic=no}} x"), "Berlin x");
    assert_eq!(lead("a {{nowrap|5 [[metre]]s}} b"), "a 5 metres b");
    assert_eq!(lead("a {{nobr|x}}"), "a x");
    assert_eq!(lead("It is {{convert|5|km|mi}} long."), "It is 5 km long.");
    assert_eq!(lead("{{convert|1|to|2|m|abbr=on}}"), "1 to 2 m");
    assert_eq!(lead("1900{{ndash}}1950"), "1900\u{2013}1950");
    assert_eq!(lead("{{Lang-fr|{{lang|x|y}}}}"), "y");
}

#[test]
fn pronunciation_templates_leave_no_residue() {
    assert_eq!(
        lead("'''Foo''' ({{IPA-en|fuː|pron}}; born 1900) is."),
        "Foo (born 1900) is."
    );
    assert_eq!(lead("'''Foo''' ({{IPAc-en|f|u}}) is."), "Foo is.");
    assert_eq!(lead("'''Foo''' ( {{IPA|x}} ) is."), "Foo is.");
    assert_eq!(
        lead("'''Foo''' (born 1900; {{IPA|x}}) is."),
        "Foo (born 1900) is."
    );
}

#[test]
fn refs_comments_and_extension_tags() {
    assert_eq!(
        lead("word <ref>a {{cite}}</ref>. Next<ref name=x/>, b."),
        "word. Next, b."
    );
    assert_eq!(lead("a<!-- hidden -->b<!-- open"), "ab");
    assert_eq!(lead("<nowiki>[[x]] {{y}}</nowiki>"), "[x] {y}");
    assert_eq!(lead("<nowiki>''a''</nowiki>"), "''a''");
    assert_eq!(lead("a <math>x^2</math> b"), "a x^2 b");
    assert_eq!(
        lead("a<gallery>\nF.jpg|[[b]]\n</gallery> c<references/>"),
        "a c"
    );
    assert_eq!(
        lead("<small>a</small> <span class=x>b</span><br/>c"),
        "a b c"
    );
}

#[test]
fn tables_are_removed_even_nested() {
    assert_eq!(
        lead("a\n{| class=x\n| b {{c}}\n{|\n| d\n|}\n| e\n|}\nf"),
        "a\nf"
    );
    assert_eq!(lead("a {{x|\n{|\n|}\n}} b"), "a b");
    assert_eq!(lead("a\n{|\n| never closed"), "a");
    assert_eq!(lead("a\n:{|\n|x\n|}\nb"), "a\nb");
}

#[test]
fn files_categories_and_language_links() {
    let e = ex(
        "[[File:a.jpg|thumb|A [[b]] c]]'''X''' is [[Category:Y|sort]] a.[[fr:X]][[Category:Z]][[Category:y]]",
    );
    assert_eq!(e.lead, "X is a.");
    assert_eq!(e.categories, vec!["Y", "Z"]);
    assert_eq!(e.language_links, vec![lang_link("fr", "X")]);
    assert!(e.links.is_empty());
    assert_eq!(lead("[[Image:x.png|left|[[a|b]] [[c]]]]d"), "d");
    assert_eq!(lead("[[Media:x.ogg|listen]] d"), "d");
}

#[test]
fn localised_namespaces() {
    let mut ns = Namespaces::english();
    ns.insert(14, "Kategoreja", Case::FirstLetter);
    ns.insert(6, "Fails", Case::FirstLetter);
    let e = extract(
        "[[Fails:Y.jpg|thumb|cap [[Z]]]]'''Rēzekne''' ir [[pilsāta]].\n[[Kategoreja:X]]\n[[kategoreja:x|s]]",
        &ns,
    );
    assert_eq!(e.lead, "Rēzekne ir pilsāta.");
    assert_eq!(e.categories, vec!["X"]);
    assert_eq!(targets(&e), vec![("Pilsāta", "pilsāta")]);
}

#[test]
fn links_labels_trails_and_pipe_trick() {
    let e = ex("The [[Bolshevik]]s and [[a b|the B]], [[Foo (bar)|]], [[c#d|e]]'s [[Günther]]ä.");
    assert_eq!(e.lead, "The Bolsheviks and the B, Foo, e's Güntherä.");
    assert_eq!(
        targets(&e),
        vec![
            ("Bolshevik", "Bolsheviks"),
            ("A b", "the B"),
            ("Foo (bar)", "Foo"),
            ("C", "e"),
            ("Günther", "Güntherä")
        ]
    );
    assert!(e.links.iter().all(|l| l.in_lead));
}

#[test]
fn other_namespaces_and_interwiki_keep_labels_without_links() {
    let e = ex(
        "[[:Category:X|y]] [[Wikipedia:Z]] [[:fr:Paris|Paris]] [[wikt:word|w]]. [[:Category:Q]]",
    );
    assert_eq!(e.lead, "y Wikipedia:Z Paris w. Category:Q");
    assert!(e.links.is_empty());
    assert!(e.categories.is_empty());
    assert_eq!(lead("[[Help:Foo, bar|]]"), "Foo");
}

#[test]
fn external_links() {
    assert_eq!(
        lead("See [http://x.org the site] now."),
        "See the site now."
    );
    assert_eq!(lead("See [http://x.org] now."), "See now.");
    assert_eq!(lead("See http://x.org/a now."), "See http://x.org/a now.");
    assert_eq!(lead("[https://x.org ''a'' [[b]]]"), "a b");
}

#[test]
fn bold_italic_and_apostrophes() {
    assert_eq!(
        lead("'''Bold''' ''it'' '''''both''''' don't '''X''''s"),
        "Bold it both don't X's"
    );
    assert_eq!(lead("l''''amour''''"), "l'amour'");
}

#[test]
fn entities_are_decoded() {
    assert_eq!(lead("5&nbsp;km &amp; more&#33;"), "5\u{A0}km & more!");
    assert_eq!(lead("a &nbsp; b"), "a \u{A0} b");
}

#[test]
fn behaviour_switches_and_lists() {
    assert_eq!(
        lead("__NOTOC__\nA is:\n* one\n*# two\n; term : def\nafter"),
        "A is:\none\ntwo\nterm : def\nafter"
    );
}

#[test]
fn paragraphs_headings_and_text() {
    let e = ex(
        "{{Hatnote}}\n'''A''' is [[b]].\n\nSecond para.\n== History ==\nOld [[c]].\n=== Sub ===\nMore.",
    );
    assert_eq!(e.lead, "A is b.\nSecond para.");
    assert_eq!(
        e.text,
        "A is b.\n\nSecond para.\n\nHistory\n\nOld c.\n\nSub\n\nMore."
    );
    assert_eq!(
        e.links
            .iter()
            .map(|l| (e.anchor(l), l.in_lead))
            .collect::<Vec<_>>(),
        vec![("b", true), ("c", false)]
    );
}

#[test]
fn lead_falls_back_to_the_first_section() {
    let e = ex("{{Infobox}}\n== Intro ==\n=== Sub ===\nFirst [[x]].\n\nSecond.");
    assert_eq!(e.lead, "First x.");
    assert!(e.links[0].in_lead);
    assert_eq!(lead("== A ==\n== B ==\nb"), "");
    assert_eq!(lead("== A ==\n=== B ===\nb"), "b");
    assert_eq!(lead(""), "");
}

#[test]
fn redirects() {
    let e = ex("#REDIRECT [[Target page#Section]]\n{{R from move}}\n[[Category:Redirects]]");
    assert_eq!(e.redirect.as_deref(), Some("Target page#Section"));
    assert_eq!(e.categories, vec!["Redirects"]);
    assert!(e.links.is_empty());
    assert_eq!(e.lead, "");
    assert_eq!(redirect_target("#PĀRADRESĒT[[Rīga]]"), Some("Rīga"));
    assert_eq!(
        redirect_target("#weiterleitung [[Berlin|x]]"),
        Some("Berlin")
    );
    assert_eq!(redirect_target("Not #REDIRECT [[x]]"), None);
}

#[test]
fn link_offsets_match_anchors_after_cleanup() {
    let e = ex(
        "'''X''' ({{IPA|a}}) [[y]]<ref>r</ref>. [[Foo (bar)|]] &amp; [[z|&lt;Z&gt;]]s\n\n== H [[h]] ==\n[[a]]",
    );
    assert_eq!(
        targets(&e),
        vec![
            ("Y", "y"),
            ("Foo (bar)", "Foo"),
            ("Z", "<Z>s"),
            ("H", "h"),
            ("A", "a")
        ]
    );
}

#[test]
fn anchors_stay_on_one_line() {
    let e = ex("[[a|b\n\nc]] [[d|e\n* f]]");
    assert_eq!(targets(&e), vec![("A", "b c"), ("D", "e f")]);
    let e = ex("== H ==\n[[S]]m");
    assert_eq!(e.text, "H\n\nSm");
    assert_eq!(e.lead, "Sm");
    let e = ex("=(=\n{{x}})t");
    assert_eq!(e.text, "(\n\n)t");
}

#[test]
fn first_sentence_boundaries() {
    assert_eq!(first_sentence("A is b. It is c. More."), "A is b.");
    assert_eq!(first_sentence("U.S. Army is big. c"), "U.S.");
    assert_eq!(
        first_sentence("Born c. 1900 in x. next"),
        "Born c. 1900 in x. next"
    );
    assert_eq!(first_sentence("One line\nTwo. Lines"), "One line");
    assert_eq!(first_sentence("Ends here."), "Ends here.");
    assert_eq!(first_sentence(""), "");
}

#[test]
fn lead_ranges_point_into_the_lead() {
    let ns = Namespaces::english();
    let e = extract(
        "'''Merrowby station''' is at [[Merrowby]].\n\nIt serves [[Lake Tessel|the lake]] and [[Merrowby]] again.\n\n== History ==\n[[Merrowby]] later.",
        &ns,
    );
    let in_lead: Vec<_> = e.links.iter().filter(|l| l.in_lead).collect();
    assert_eq!(in_lead.len(), 3);
    for l in &in_lead {
        let (a, b) = l.lead_range.unwrap();
        assert_eq!(&e.lead[a..b], e.anchor(l));
    }
    assert_eq!(in_lead[0].lead_range, Some((23, 31)));
    assert!(
        e.links
            .iter()
            .filter(|l| !l.in_lead)
            .all(|l| l.lead_range.is_none())
    );
}

#[test]
fn categories_inside_tables_still_count() {
    // A table closed properly, and one left open to the end of the page
    // (as infobox tables written in HTML often are): neither is text, but
    // the page is in the categories named inside them, once each.
    let closed =
        "{|\n| cell [[Category:In a table]]\n|}\nText. [[Category:After]] [[Category:In a table]]";
    let e = ex(closed);
    assert_eq!(e.categories, vec!["In a table", "After"]);
    let open = "{| class=x\n<tr><td>Box</table>\n'''Word''' is a word.\n[[Category:Words]]\n[[Category:Box|sort]]";
    let e = ex(open);
    assert_eq!(e.categories, vec!["Words", "Box"]);
    assert!(!e.text.contains("Category"), "{}", e.text);
}

fn lang_link(lang: &str, title: &str) -> LanguageLink {
    LanguageLink {
        lang: lang.to_owned(),
        title: title.to_owned(),
    }
}

fn language_links(wikitext: &str) -> Vec<(String, String)> {
    ex(wikitext)
        .language_links
        .into_iter()
        .map(|l| (l.lang, l.title))
        .collect()
}

fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
    want.iter()
        .map(|&(l, t)| (l.to_owned(), t.to_owned()))
        .collect()
}

#[test]
fn language_links_are_recorded_and_left_out_of_the_text() {
    let e = ex(
        "'''Paris''' is a [[city]].\n\n== History ==\nOld.\n\n[[Category:Cities]]\n[[de:Paris]]\n[[FR:Paris]]\n[[zh-yue:巴黎]]\n[[simple:Paris]]",
    );
    assert_eq!(e.text, "Paris is a city.\n\nHistory\n\nOld.");
    assert_eq!(e.categories, vec!["Cities"]);
    assert_eq!(
        e.language_links,
        vec![
            lang_link("de", "Paris"),
            lang_link("fr", "Paris"),
            lang_link("zh-yue", "巴黎"),
            lang_link("simple", "Paris"),
        ]
    );
    assert_eq!(targets(&e), vec![("City", "city")]);
}

#[test]
fn language_link_titles_are_normalised_but_keep_their_first_letter() {
    assert_eq!(
        language_links(
            "[[ fr :  São_Paulo__ (ville)#Histoire ]][[it:iPod|label]][[es:Caf%C3%A9 &amp; co]][[pt:Categoria:Cidades do Brasil]][[ru:Меркель,\tАнгела]]"
        ),
        pairs(&[
            ("fr", "São Paulo (ville)"),
            ("it", "iPod"),
            ("es", "Café & co"),
            ("pt", "Categoria:Cidades do Brasil"),
            ("ru", "Меркель, Ангела"),
        ])
    );
}

#[test]
fn only_the_first_link_to_each_language_counts() {
    assert_eq!(
        language_links("[[fr:Un]] [[de:Eins]] [[fr:Deux]] [[FR:Trois]] [[de:Zwei]]"),
        pairs(&[("fr", "Un"), ("de", "Eins")])
    );
    // Links with no title name no page: the next one to the language counts.
    assert_eq!(
        language_links("[[fr:]] [[fr:#Section]] [[fr: _ ]] [[fr:Paris]]"),
        pairs(&[("fr", "Paris")])
    );
}

#[test]
fn escaped_sister_project_and_w_links_are_no_language_links() {
    let e = ex("See [[:fr:Paris|Paris]], [[:de:Berlin]] and [[wikt:word|a word]].[[w:Foo]]");
    assert_eq!(e.text, "See Paris, de:Berlin and a word.");
    assert!(e.language_links.is_empty());
    // A namespace of the wiki is no language, whatever it is called.
    let mut ns = Namespaces::english();
    ns.insert(4, "Be", Case::FirstLetter);
    assert!(
        extract("[[be:Project page]]", &ns)
            .language_links
            .is_empty()
    );
}

#[test]
fn language_links_inside_tables_still_count() {
    // In page order across tables and text, as MediaWiki lists them; a
    // table left open to the end of the page holds the page's last links.
    assert_eq!(
        language_links("[[de:A]]\n{|\n| cell [[fr:B]] [[de:C]]\n{|\n|[[es:D]]\n|}\n|}\n[[it:E]]"),
        pairs(&[("de", "A"), ("fr", "B"), ("es", "D"), ("it", "E")])
    );
    let e = ex(
        "'''Word''' is a word.\n{| class=infobox\n<tr><td>Box</table>\n[[Category:Words]]\n[[fr:Mot]]\n[[de:Wort]]\n[[:es:Palabra]]",
    );
    assert_eq!(e.text, "Word is a word.");
    assert_eq!(e.categories, vec!["Words"]);
    assert_eq!(
        e.language_links,
        vec![lang_link("fr", "Mot"), lang_link("de", "Wort")]
    );
}

#[test]
fn language_links_in_templates_refs_comments_and_captions_do_not_count() {
    // MediaWiki would see the one in a template argument only if the
    // template showed that argument; the extractor expands none.
    assert!(
        ex(
            "A{{Infobox|x=[[fr:X]]}}<ref>[[de:Y]]</ref><!-- [[es:Z]] -->[[File:a.jpg|thumb|[[it:W]]]]<nowiki>[[pt:V]]</nowiki>"
        )
        .language_links
        .is_empty()
    );
    // A kept inline template shows its argument, links included.
    assert_eq!(
        language_links("{{nowrap|a [[fr:X]]}}"),
        pairs(&[("fr", "X")])
    );
}

#[test]
fn pages_without_language_links_allocate_none() {
    for page in [
        "",
        "'''A''' is [[b]].\n[[Category:C]]",
        "{|\n|[[Category:D]]\n|}",
        "[[:fr:X]]",
    ] {
        let e = ex(page);
        assert!(e.language_links.is_empty(), "{page}");
        assert_eq!(e.language_links.capacity(), 0, "{page}");
    }
}
