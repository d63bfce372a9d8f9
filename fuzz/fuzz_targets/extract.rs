//! `extract` on arbitrary UTF-8: never panics, link offsets always valid,
//! language links well-formed.
#![no_main]

use kenning_model::{Case, Namespaces};
use kenning_wikitext::{extract, first_sentence, redirect_target};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(wikitext) = std::str::from_utf8(data) else {
        return;
    };
    let mut ns = Namespaces::english();
    ns.insert(14, "Kategoreja", Case::FirstLetter);
    ns.insert(6, "Fails", Case::FirstLetter);
    let e = extract(wikitext, &ns);
    let mut previous_end = 0;
    for link in &e.links {
        assert!(link.start < link.end && link.start >= previous_end);
        assert!(e.text.is_char_boundary(link.start) && e.text.is_char_boundary(link.end));
        if let Some((a, b)) = link.lead_range {
            assert_eq!(&e.lead[a..b], e.anchor(link));
        }
        assert_eq!(link.in_lead, link.lead_range.is_some());
        previous_end = link.end;
    }
    for (k, l) in e.language_links.iter().enumerate() {
        assert!(!l.lang.is_empty() && l.lang.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        assert!(!l.title.is_empty() && !l.title.contains('_'));
        assert!(e.language_links[..k].iter().all(|m| m.lang != l.lang));
    }
    assert!(e.lead.starts_with(first_sentence(&e.lead)));
    assert_eq!(e.redirect.as_deref(), redirect_target(wikitext));
});
