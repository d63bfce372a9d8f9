//! The `langlinks` SQL reader on arbitrary bytes: every row (or the error
//! that ends the dump) comes out, and nothing panics.
#![no_main]

use kenning_dump::{Input, LanglinksReader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::from_bytes(data.to_vec(), "fuzz.sql");
    let mut reader = LanglinksReader::new(input);
    let mut rows = 0u64;
    for row in reader.by_ref() {
        match row {
            Ok(row) => {
                assert!(!row.lang.is_empty() && !row.title.is_empty());
                assert!(row.title.len() <= LanglinksReader::MAX_VALUE_BYTES);
                rows += 1;
            }
            Err(e) => {
                // One line naming the file.
                assert!(e.to_string().contains("fuzz.sql"));
                break;
            }
        }
    }
    // A row takes at least `(0,'a','b')`, 11 bytes; a skipped one `(0,'','')`.
    assert!(rows * 11 + reader.skipped() * 9 <= data.len() as u64);
});
