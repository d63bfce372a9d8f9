//! Properties of `extract` on any input, and linear time on adversarial input.

use kenning_model::Namespaces;
use kenning_wikitext::{Extract, LanguageLink, extract, first_sentence};

/// What no lead may contain.
const RESIDUE: &[&str] = &["{{", "}}", "[[", "]]", "<ref", "|", "&nbsp;", "'''"];

fn check_invariants(input: &str, e: &Extract) {
    for l in &e.links {
        assert!(
            e.text.is_char_boundary(l.start) && e.text.is_char_boundary(l.end) && l.start < l.end,
            "bad offsets {l:?} for {input:?}"
        );
        if let Some((a, b)) = l.lead_range {
            assert_eq!(
                &e.lead[a..b],
                e.anchor(l),
                "lead anchor mismatch for {input:?}"
            );
        }
    }
    assert!(
        e.links.windows(2).all(|w| w[0].end <= w[1].start),
        "links out of order for {input:?}"
    );
    assert_eq!(e.text.trim(), e.text, "untrimmed text for {input:?}");
    assert_eq!(e.lead.trim(), e.lead, "untrimmed lead for {input:?}");
    assert!(
        !e.lead.contains("\n\n"),
        "lead keeps a blank line for {input:?}"
    );
    let first = first_sentence(&e.lead);
    assert!(
        e.lead.starts_with(first),
        "first sentence not a prefix for {input:?}"
    );
    for (k, l) in e.language_links.iter().enumerate() {
        assert!(
            !l.lang.is_empty() && l.lang.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "bad language {l:?} for {input:?}"
        );
        assert!(
            !l.title.is_empty() && !l.title.contains('_') && l.title.trim() == l.title,
            "bad title {l:?} for {input:?}"
        );
        assert!(
            e.language_links[..k].iter().all(|m| m.lang != l.lang),
            "two links to {} for {input:?}",
            l.lang
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Markup fragments that, combined, make every kind of broken wikitext.
    const FRAGMENTS: &[&str] = &[
        "{{",
        "}}",
        "{{{",
        "}}}",
        "[[",
        "]]",
        "[",
        "]",
        "|",
        "<ref>",
        "</ref>",
        "<ref name=a/>",
        "<!--",
        "-->",
        "'''",
        "''",
        "{|",
        "|}",
        "==",
        "\n",
        "\n\n",
        "&nbsp;",
        "&amp;",
        " ",
        "a",
        "Word",
        "s",
        "é",
        "Category:",
        "fr:",
        "File:",
        ":",
        "(",
        ")",
        ";",
        ",",
        ".",
        "http://x.org ",
        "<nowiki>",
        "</nowiki>",
        "*",
        "#REDIRECT",
        "__NOTOC__",
        "lang|fr|",
        "convert|5|km",
        "<br>",
        "<small>",
        "-",
        "=",
    ];

    fn markup() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(FRAGMENTS), 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn never_panics_on_arbitrary_strings(s in any::<String>()) {
            let e = extract(&s, &Namespaces::english());
            check_invariants(&s, &e);
        }

        #[test]
        fn markup_soup_keeps_invariants_and_leaves_no_residue(s in markup()) {
            let e = extract(&s, &Namespaces::english());
            check_invariants(&s, &e);
            // `<nowiki>` content is literal on purpose: it may show markup.
            let residue = if s.contains("<nowiki>") { &[][..] } else { RESIDUE };
            for r in residue {
                prop_assert!(!e.lead.contains(r), "lead {:?} contains {:?} for input {:?}", e.lead, r, s);
            }
        }

        #[test]
        fn links_in_plain_prose_are_all_found(words in prop::collection::vec("[a-z]{1,8}", 1..20)) {
            let wikitext: String = words.iter().map(|w| format!("[[{w}]] ")).collect();
            let e = extract(&wikitext, &Namespaces::english());
            check_invariants(&wikitext, &e);
            prop_assert_eq!(e.links.len(), words.len());
            prop_assert!(e.links.iter().all(|l| l.in_lead));
            prop_assert_eq!(e.lead, words.join(" "));
        }

        /// A title written as MediaWiki would store it comes back as
        /// written from `[[xx:title]]`, whatever the prefix's case, and
        /// from a messier spelling of the same link; the text keeps none
        /// of it.
        #[test]
        fn language_link_titles_round_trip(
            lang in prop::sample::select(&["fr", "de", "zh-yue", "be-x-old", "simple", "ltg", "nds-nl"][..]),
            upper in any::<bool>(),
            title in "[^ _#<>\\[\\]{}|&%:'\\p{C}\\p{Z}][^ _#<>\\[\\]{}|&%'\\p{C}\\p{Z}]{0,8}( [^ _#<>\\[\\]{}|&%'\\p{C}\\p{Z}]{1,8}){0,3}",
            fragment in "[a-z ]{0,6}",
        ) {
            let prefix = if upper { lang.to_uppercase() } else { lang.to_owned() };
            let want = vec![LanguageLink { lang: lang.to_owned(), title: title.clone() }];
            let page = format!("Text.\n[[{prefix}:{title}]]");
            let e = extract(&page, &Namespaces::english());
            check_invariants(&page, &e);
            prop_assert_eq!(&e.language_links, &want, "{:?}", page);
            prop_assert_eq!(e.text, "Text.");
            let messy = format!("Text.\n[[ {prefix} : {}#{fragment}|label]]", title.replace(' ', "_ "));
            let e = extract(&messy, &Namespaces::english());
            check_invariants(&messy, &e);
            prop_assert_eq!(&e.language_links, &want, "{:?}", messy);
            prop_assert_eq!(e.text, "Text.");
        }
    }
}

mod adversarial {
    use super::*;
    use std::time::{Duration, Instant};

    /// Time of one `extract` over `input`: the best of three runs, so that
    /// a run the scheduler interrupted on a busy machine does not count
    /// (one run of the large input once took 37 ms against 3 ms while
    /// other builds loaded both cores).
    fn time(input: &str) -> Duration {
        let ns = Namespaces::english();
        (0..3)
            .map(|_| {
                let t = Instant::now();
                let e = extract(input, &ns);
                let elapsed = t.elapsed();
                check_invariants("(adversarial)", &e);
                elapsed
            })
            .min()
            .unwrap_or_default()
    }

    /// `make(n)` builds an input of `n` units: 10× the units must take
    /// less than 30× the time (a linear algorithm takes ~10×; a quadratic
    /// one ~100×), with a few milliseconds of slack for timer noise.
    fn assert_linear(name: &str, make: impl Fn(usize) -> String, n: usize) {
        let small = make(n);
        let large = make(n * 10);
        let t_small = time(&small);
        let t_large = time(&large);
        let bound = t_small * 30 + Duration::from_millis(20);
        assert!(
            t_large < bound,
            "{name}: {} bytes took {t_small:?}, {} bytes took {t_large:?} (bound {bound:?})",
            small.len(),
            large.len()
        );
    }

    #[test]
    fn nested_templates() {
        assert_linear("nested {{", |n| "{{".repeat(n), 10_000);
        assert_linear(
            "closed nested {{",
            |n| format!("{}x{}", "{{a|".repeat(n), "}}".repeat(n)),
            10_000,
        );
    }

    #[test]
    fn nested_and_unclosed_links() {
        assert_linear("[[", |n| "[[".repeat(n), 10_000);
        assert_linear("[[a|", |n| "[[a|".repeat(n), 10_000);
        assert_linear(
            "closed nested [[",
            |n| format!("{}x{}", "[[a|".repeat(n), "]]".repeat(n)),
            10_000,
        );
        assert_linear(
            "file captions",
            |n| format!("{}x{}", "[[File:a|".repeat(n), "]]".repeat(n)),
            10_000,
        );
    }

    #[test]
    fn unclosed_tags_and_comments() {
        assert_linear("<ref", |n| "<ref>a ".repeat(n), 10_000);
        assert_linear("<ref name", |n| "<ref name=x".repeat(n), 10_000);
        assert_linear("<nowiki>", |n| "<nowiki>a".repeat(n), 10_000);
        assert_linear("<!--", |n| format!("{}<!--", "word ".repeat(n)), 10_000);
        assert_linear("<!-- -->", |n| "<!-- -->x".repeat(n), 10_000);
    }

    #[test]
    fn tables() {
        assert_linear("{|", |n| "{|\n".repeat(n), 10_000);
        assert_linear("{| |}", |n| "{|\n|a\n|}\n".repeat(n), 10_000);
        assert_linear(
            "| }} in tables",
            |n| format!("{}{}", "{{a|\n{|\n".repeat(n), "|}}\n".repeat(n)),
            5_000,
        );
    }

    #[test]
    fn long_lines() {
        assert_linear(
            "line of words with links",
            |n| "lorem [[ipsum]]s dolor ''sit'' amet, ".repeat(n),
            10_000,
        );
        assert_linear("external links", |n| "[http://x.org a ".repeat(n), 10_000);
        assert_linear("quotes", |n| "'''a''".repeat(n), 10_000);
        assert_linear(
            "letters after a link",
            |n| format!("[[a]]{}", "b".repeat(n * 10)),
            10_000,
        );
        assert_linear("headings", |n| "==a==\n".repeat(n), 10_000);
    }

    #[test]
    fn ten_megabytes_on_one_line() {
        let unit = "lorem [[ipsum]]s dolor {{sit|amet}} <ref>x</ref>, ";
        let input = unit.repeat(10_000_000 / unit.len());
        let t = time(&input);
        // Unoptimised test builds are ~10× slower than release; this only
        // catches hangs and super-linear behaviour.
        assert!(t < Duration::from_secs(60), "10 MB took {t:?}");
        let e = extract(&input, &Namespaces::english());
        assert_eq!(e.links.len(), 10_000_000 / unit.len());
    }
}
