//! The mention dictionary read in place from arbitrary bytes: either an
//! error, or look-ups that answer without panicking.
#![no_main]

use kenning_linker::MentionDictionary;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dictionary) = MentionDictionary::from_bytes(data) else {
        return;
    };
    let _ = (dictionary.documents(), dictionary.phrase_count(), dictionary.floors());
    // Keys from the data itself, so stored ones are found, and some words.
    let keys = data
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
    for key in keys.take(64) {
        if let Some(phrase) = dictionary.get(key) {
            let _ = (phrase.link_probability(), phrase.total(), phrase.len());
            for (_concept, _count) in phrase.candidates() {}
        }
    }
    for text in ["Mercury", "the planet Mercury", "a", ""] {
        if let Some(phrase) = dictionary.get_text(text) {
            let _ = phrase.candidates().count();
        }
    }
});
