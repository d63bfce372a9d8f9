//! The MediaWiki XML reader on arbitrary bytes: every page (or the error
//! that ends the dump) comes out, and nothing panics.
#![no_main]

use kenning_dump::{Input, MediaWikiReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes(data.to_vec(), "fuzz.xml");
    let Ok(reader) = MediaWikiReader::new(input) else {
        return;
    };
    let _ = reader.siteinfo().article_url("Main Page");
    for page in reader {
        match page {
            Ok(page) => assert!(page.offset <= data.len() as u64),
            Err(e) => {
                // One line naming the file.
                assert!(e.to_string().contains("fuzz.xml"));
                break;
            }
        }
    }
});
