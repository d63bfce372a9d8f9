//! Which language a text is in, among a snapshot's languages.
//!
//! A snapshot built from several language editions has one mention
//! dictionary per language. A text is linked with the dictionary of the
//! language its writer gives, else the one `whatlang` detects among the
//! languages that have a dictionary (so a short French sentence is not
//! taken for Catalan), else the primary one. Detection reads at most the
//! first [`DETECT_BYTES`] of a text.
//!
//! This module does not link anything (`wikify` does) nor know the
//! reader's language for pages (the server does).

use kenning_store::Snapshot;
use whatlang::{Detector, Lang};

/// How much of a text language detection reads.
const DETECT_BYTES: usize = 4096;

/// A snapshot's language chosen for a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TextLanguage {
    /// Its number in the snapshot (0 is the primary one).
    pub(crate) number: u32,
    /// Whether it was detected from the text rather than given.
    pub(crate) detected: bool,
}

/// The language to link `text` in: `asked` when the snapshot has a
/// dictionary in it, else the detected one among those it has, else the
/// primary one.
pub(crate) fn text_language(snapshot: &Snapshot, text: &str, asked: Option<&str>) -> TextLanguage {
    let primary = TextLanguage {
        number: 0,
        detected: false,
    };
    let has_dictionary = |n: u32| n == 0 || snapshot.mention_bytes_in(n).is_some();
    if let Some(code) = asked {
        return snapshot
            .dictionary_language(code)
            .map_or(primary, |number| TextLanguage {
                number,
                detected: false,
            });
    }
    let candidates: Vec<(u32, Lang)> = snapshot
        .meta()
        .languages
        .iter()
        .enumerate()
        .filter(|&(n, _)| has_dictionary(n as u32))
        .filter_map(|(n, l)| Some((n as u32, whatlang_of(&l.code)?)))
        .collect();
    if candidates.len() < 2 {
        return primary;
    }
    let detector = Detector::with_allowlist(candidates.iter().map(|&(_, l)| l).collect());
    let head = &text[..text.floor_char_boundary(DETECT_BYTES)];
    detector
        .detect_lang(head)
        .and_then(|lang| candidates.iter().find(|&&(_, l)| l == lang))
        .map_or(primary, |&(number, _)| TextLanguage {
            number,
            detected: true,
        })
}

/// The language `whatlang` knows by Wikipedia's code for it, if any.
fn whatlang_of(code: &str) -> Option<Lang> {
    const CODES: &[(&str, Lang)] = &[
        ("af", Lang::Afr),
        ("ak", Lang::Aka),
        ("am", Lang::Amh),
        ("ar", Lang::Ara),
        ("az", Lang::Aze),
        ("be", Lang::Bel),
        ("bg", Lang::Bul),
        ("bn", Lang::Ben),
        ("ca", Lang::Cat),
        ("cs", Lang::Ces),
        ("cy", Lang::Cym),
        ("da", Lang::Dan),
        ("de", Lang::Deu),
        ("el", Lang::Ell),
        ("en", Lang::Eng),
        ("eo", Lang::Epo),
        ("es", Lang::Spa),
        ("et", Lang::Est),
        ("fa", Lang::Pes),
        ("fi", Lang::Fin),
        ("fr", Lang::Fra),
        ("gu", Lang::Guj),
        ("he", Lang::Heb),
        ("hi", Lang::Hin),
        ("hr", Lang::Hrv),
        ("hu", Lang::Hun),
        ("hy", Lang::Hye),
        ("id", Lang::Ind),
        ("it", Lang::Ita),
        ("ja", Lang::Jpn),
        ("jv", Lang::Jav),
        ("ka", Lang::Kat),
        ("km", Lang::Khm),
        ("kn", Lang::Kan),
        ("ko", Lang::Kor),
        ("la", Lang::Lat),
        ("lt", Lang::Lit),
        ("lv", Lang::Lav),
        ("mk", Lang::Mkd),
        ("ml", Lang::Mal),
        ("mr", Lang::Mar),
        ("my", Lang::Mya),
        ("ne", Lang::Nep),
        ("nl", Lang::Nld),
        ("no", Lang::Nob),
        ("or", Lang::Ori),
        ("pa", Lang::Pan),
        ("pl", Lang::Pol),
        ("pt", Lang::Por),
        ("ro", Lang::Ron),
        ("ru", Lang::Rus),
        ("si", Lang::Sin),
        ("sk", Lang::Slk),
        ("sl", Lang::Slv),
        ("sn", Lang::Sna),
        ("sr", Lang::Srp),
        ("sv", Lang::Swe),
        ("ta", Lang::Tam),
        ("te", Lang::Tel),
        ("th", Lang::Tha),
        ("tk", Lang::Tuk),
        ("tl", Lang::Tgl),
        ("tr", Lang::Tur),
        ("uk", Lang::Ukr),
        ("ur", Lang::Urd),
        ("uz", Lang::Uzb),
        ("vi", Lang::Vie),
        ("yi", Lang::Yid),
        ("zh", Lang::Cmn),
        ("zu", Lang::Zul),
    ];
    CODES.iter().find(|(c, _)| *c == code).map(|&(_, l)| l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wikipedia_codes_map_to_whatlang_languages() {
        assert_eq!(whatlang_of("fr"), Some(Lang::Fra));
        assert_eq!(whatlang_of("no"), Some(Lang::Nob));
        assert_eq!(whatlang_of("zh"), Some(Lang::Cmn));
        assert_eq!(whatlang_of("ltg"), None);
    }

    #[test]
    fn a_short_sentence_is_told_apart_among_a_few_languages() {
        let detector = Detector::with_allowlist(vec![Lang::Eng, Lang::Fra, Lang::Deu]);
        for (text, lang) in [
            ("Le vin de Belgique et la bière d'Allemagne.", Lang::Fra),
            ("The wine of Belgium and the beer of Germany.", Lang::Eng),
            (
                "Der Wein aus Belgien und das Bier aus Deutschland.",
                Lang::Deu,
            ),
        ] {
            assert_eq!(detector.detect_lang(text), Some(lang), "{text}");
        }
    }
}
