//! The Wikidata JSON reader on arbitrary bytes: every item (or the error
//! that ends the dump) comes out sorted, and nothing panics.
#![no_main]

use kenning_dump::{Input, WikidataReader, wiki_language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes(data.to_vec(), "fuzz.json");
    for entity in WikidataReader::new(input) {
        match entity {
            Ok(entity) => {
                for list in [&entity.sitelinks, &entity.labels, &entity.aliases] {
                    assert!(list.is_sorted_by(|a, b| a.0 <= b.0));
                }
                assert!(
                    entity
                        .sitelinks
                        .iter()
                        .all(|(site, _)| wiki_language(site).is_some())
                );
            }
            Err(e) => {
                // One line naming the file.
                assert!(e.to_string().contains("fuzz.json"));
                break;
            }
        }
    }
});
