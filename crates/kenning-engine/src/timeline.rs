//! Dated sentences of a summary, as a timeline.

use serde::Serialize;

/// One dated sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// The year the sentence is about (the first year it names).
    pub year: i32,
    /// The sentence.
    pub text: String,
}

/// The sentences of `summary` that name a year (a standalone number from
/// 1000 to 2099, or `NNN BC`), in chronological order; sentences that name
/// no year are left out. Stable for equal years (text order).
pub fn timeline(summary: &str) -> Vec<TimelineEntry> {
    let mut entries: Vec<TimelineEntry> = sentences(summary)
        .filter_map(|s| {
            first_year(s).map(|year| TimelineEntry {
                year,
                text: s.to_owned(),
            })
        })
        .collect();
    entries.sort_by_key(|e| e.year);
    entries
}

/// Splits on `. `, `! `, `? ` and line breaks, keeping the punctuation;
/// a full stop after a single capital (an initial) does not split.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let end_of_sentence = match b {
            b'\n' => true,
            b'.' | b'!' | b'?' => {
                let next_is_space = bytes.get(i + 1).is_none_or(|c| *c == b' ' || *c == b'\n');
                let initial = b == b'.'
                    && i >= 1
                    && bytes[i - 1].is_ascii_uppercase()
                    && (i < 2 || !bytes[i - 2].is_ascii_alphanumeric());
                next_is_space && !initial
            }
            _ => false,
        };
        if end_of_sentence {
            let end = if b == b'\n' { i } else { i + 1 };
            out.push(text[start..end].trim());
            start = i + 1;
        }
    }
    out.push(text[start..].trim());
    out.into_iter().filter(|s| !s.is_empty())
}

/// The first year named in a sentence.
fn first_year(sentence: &str) -> Option<i32> {
    let bytes = sentence.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit()
            && (i == 0
                || !bytes[i - 1].is_ascii_alphanumeric()
                    && bytes[i - 1] != b','
                    && bytes[i - 1] != b'.')
        {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let digits = &sentence[start..i];
            let followed_ok = i == bytes.len()
                || !(bytes[i].is_ascii_alphanumeric()
                    || (bytes[i] == b',' || bytes[i] == b'.')
                        && bytes.get(i + 1).is_some_and(u8::is_ascii_digit));
            if !followed_ok {
                continue;
            }
            let rest = &sentence[i..];
            if let Ok(n) = digits.parse::<i32>() {
                if rest.starts_with(" BC") || rest.starts_with(" BCE") {
                    if (1..=9999).contains(&n) {
                        return Some(-n);
                    }
                } else if digits.len() == 4 && (1000..=2099).contains(&n) {
                    return Some(n);
                }
            }
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_summary_sentences_become_a_timeline() {
        let s = "After the Russian Revolution, in which the Bolsheviks took over parts of the collapsing Russian Empire in 1918, they faced enormous odds. They then went to war. They set up the Soviet Union in 1922 with Vladimir Lenin in charge. Finally in 1933, the United States gave recognition. After Lenin died in 1924, Joseph Stalin, became leader.";
        let t = timeline(s);
        let years: Vec<i32> = t.iter().map(|e| e.year).collect();
        assert_eq!(years, vec![1918, 1922, 1924, 1933]);
        assert_eq!(
            t[1].text,
            "They set up the Soviet Union in 1922 with Vladimir Lenin in charge."
        );
    }

    #[test]
    fn numbers_that_are_not_years() {
        assert!(timeline("About 4,200 people live there.").is_empty());
        assert!(timeline("The value is 3.1415 and 12,000,000.").is_empty());
        assert_eq!(timeline("Rome was founded in 753 BC.")[0].year, -753);
        assert!(timeline("Route 1066A is a road.").is_empty());
        assert_eq!(
            timeline("In 1887 the town got its charter.\nThe railway came in 1903.").len(),
            2
        );
    }
}
