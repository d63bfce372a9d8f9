//! Lead summaries of sources that are already plain text.
//!
//! WikiExtractor writes one paragraph per line and a section heading as a
//! short line ending in a full stop (`History.`); Wikispeedia's text wraps
//! paragraphs over indented lines separated by blank lines, with headings
//! and the title unindented, and keeps image captions ("… Enlarge …") and
//! infobox residue as indented blocks. The lead is the run of prose
//! paragraphs before the first heading; what such exports keep above it
//! (infobox rows, taxoboxes, captions, credits, banners, hatnotes) is
//! recognised by [`crate::lead_residue`] and skipped. Dump articles never
//! come here: their infoboxes are templates, removed with the markup.

use std::collections::VecDeque;

use crate::lead_residue::{
    Residue, Tokens, Wrap, alike, bullet_len, indent, is_hatnote, is_sentence, remove_captions,
    residue, tokens, word_count,
};

/// Which layout the plain text has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// One paragraph per line (WikiExtractor).
    LinePerParagraph,
    /// Blank-line separated, wrapped, indented blocks (Wikispeedia and most
    /// plain-text exports).
    Blocks,
}

/// At most this many paragraphs make a lead.
const MAX_LEAD_PARAGRAPHS: usize = 4;

/// The lead of a plain-text article: its first prose paragraphs, without
/// the infobox, caption and banner residue that plain-text exports keep
/// above them (see [`crate::lead_residue`]). When nothing looks like prose
/// once residue is set aside, the lead is taken as it comes
/// ([`lead_unfiltered`]), so an article with text never gets an empty lead
/// for lack of a full stop. Only the first MiB is searched for a clean
/// lead.
pub(crate) fn lead(text: &str, title: &str, layout: Layout) -> String {
    let head = head(text, MAX_SCANNED_BYTES);
    let clean = match layout {
        Layout::LinePerParagraph => extracted_lead(head, title, true),
        Layout::Blocks => block_lead(head, title),
    };
    if clean.is_empty() {
        lead_unfiltered(text, title, layout)
    } else {
        clean
    }
}

/// Only this much of a text is searched for its lead once residue is set
/// aside (a lead lies at the start; the bound keeps the work on a huge
/// text small).
const MAX_SCANNED_BYTES: usize = 1 << 20;

/// The start of `text`, at most `max` bytes, cut after a line when it can
/// be.
fn head(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    match text[..cut].rfind('\n') {
        Some(nl) => &text[..nl],
        None => &text[..cut],
    }
}

/// The lead without setting residue aside: the first paragraphs with six
/// words and a sentence mark, skipping Wikispeedia's image captions.
fn lead_unfiltered(text: &str, title: &str, layout: Layout) -> String {
    match layout {
        Layout::LinePerParagraph => extracted_lead(text, title, false),
        Layout::Blocks => unfiltered_block_lead(text, title),
    }
}

/// WikiExtractor's lead: prose lines up to the first heading; with
/// `skip_residue`, residue lines before the first prose line are skipped.
fn extracted_lead(text: &str, title: &str, skip_residue: bool) -> String {
    let mut paragraphs: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == title {
            continue;
        }
        if looks_like_extracted_heading(line) {
            if paragraphs.is_empty() {
                continue;
            }
            break;
        }
        if skip_residue && paragraphs.is_empty() && residue(line).is_some() {
            continue;
        }
        if is_prose(line) {
            paragraphs.push(line);
            if paragraphs.len() >= MAX_LEAD_PARAGRAPHS {
                break;
            }
        }
    }
    paragraphs.join("\n")
}

/// The blocks of a text, read as needed: runs of non-blank lines, each
/// line without its trailing white space.
#[derive(Clone, Debug)]
struct Blocks<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Vec<&'a str>;

    fn next(&mut self) -> Option<Vec<&'a str>> {
        let mut block = Vec::new();
        while !self.rest.is_empty() {
            let (line, rest) = self.rest.split_once('\n').unwrap_or((self.rest, ""));
            self.rest = rest;
            if !line.trim().is_empty() {
                block.push(line.trim_end());
            } else if !block.is_empty() {
                return Some(block);
            }
        }
        (!block.is_empty()).then_some(block)
    }
}

/// The block's text with whitespace normalised is the title.
fn is_title(block: &[&str], title: &str) -> bool {
    let mut words = block.iter().flat_map(|l| l.split_whitespace());
    let mut want = title.split(' ');
    loop {
        match (words.next(), want.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

/// A single unindented line: a section heading (or the title).
fn is_heading(block: &[&str]) -> bool {
    block.len() == 1 && !block[0].starts_with(' ')
}

/// Pre-lead lines remembered to recognise a caption written again.
const SEEN_LIMIT: usize = 256;

/// Lines longer than this (in words) are not taken for captions.
const CAPTION_WORDS: usize = 60;

/// The lead of blank-line separated, wrapped text (Wikispeedia): the first
/// block whose logical lines are sentences starts it, once the residue
/// above it is skipped; it runs to the next heading.
///
/// A block starts the lead when, after its captions and a leading banner,
/// credit or hatnote are removed, it holds no other residue, it is not
/// indented deeper than the body (hatnotes are), it starts with a sentence,
/// and the sentences at its start make at least half its text (list items
/// aside); a short start (under 15 words) must be followed by prose or a
/// heading, not by more infobox. That start alone is taken from the block.
fn block_lead(text: &str, title: &str) -> String {
    let wrap = Wrap::of(text);
    let mut blocks = Blocks { rest: text };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut seen: VecDeque<Tokens> = VecDeque::new();
    let mut bi = 0;
    while let Some(block) = blocks.next() {
        bi += 1;
        let block = &block;
        if is_title(block, title) {
            continue;
        }
        if is_heading(block) {
            if paragraphs.is_empty() {
                continue;
            }
            break;
        }
        let lines = remove_captions(block);
        let mut units = wrap.units(&lines);
        if paragraphs.is_empty() {
            // Units of up to CAPTION_WORDS words, as tokens: captions to
            // recognise when written again.
            let toks: Vec<Option<Tokens>> = units
                .iter()
                .map(|u| (word_count(u) <= CAPTION_WORDS).then(|| tokens(u)))
                .collect();
            let mut kinds: Vec<Option<Residue>> = Vec::with_capacity(units.len());
            for (ui, u) in units.iter().enumerate() {
                let kind = residue(u)
                    .or_else(|| (bi == 1 && ui == 0 && u == title).then_some(Residue::Title))
                    .or_else(|| is_hatnote(u).then_some(Residue::Hatnote))
                    .or_else(|| {
                        let t = toks[ui].as_ref()?;
                        let repeat = bullet_len(u) == 0
                            && word_count(u) >= 4
                            && seen
                                .iter()
                                .any(|v| alike(std::slice::from_ref(v), std::slice::from_ref(t)));
                        repeat.then_some(Residue::Repeat)
                    });
                kinds.push(kind);
            }
            seen.extend(toks.into_iter().flatten());
            while seen.len() > SEEN_LIMIT {
                seen.pop_front();
            }
            let dropped = kinds
                .iter()
                .take_while(|k| k.is_some_and(Residue::is_prefix))
                .count();
            units.drain(..dropped);
            kinds.drain(..dropped);
            if units.is_empty() || kinds.iter().any(Option::is_some) {
                continue;
            }
            if lines.iter().map(|l| indent(l)).min().unwrap_or(0) > wrap.body_indent {
                continue;
            }
            let run = sentence_run(&units);
            if run == 0 {
                continue;
            }
            let prose_chars = |us: &[String]| {
                us.iter()
                    .filter(|u| bullet_len(u) == 0)
                    .map(|u| u.chars().count())
                    .sum::<usize>()
            };
            if prose_chars(&units[..run]) * 2 < prose_chars(&units) {
                continue;
            }
            let short = units[..run].iter().map(|u| word_count(u)).sum::<usize>() < 15;
            if short && !next_is_prose(blocks.clone(), &wrap, title) {
                continue;
            }
            paragraphs.push(units[..run].join(" "));
        } else {
            let kinds: Vec<Option<Residue>> = units.iter().map(|u| residue(u)).collect();
            let dropped = kinds
                .iter()
                .take_while(|k| k.is_some_and(Residue::is_prefix))
                .count();
            units.drain(..dropped);
            if units.is_empty() || kinds[dropped..].iter().any(Option::is_some) {
                continue;
            }
            let p = units.join(" ");
            if is_prose(&p) {
                paragraphs.push(p);
            }
        }
        if paragraphs.len() >= MAX_LEAD_PARAGRAPHS {
            break;
        }
    }
    paragraphs.join("\n")
}

/// How many units at the start of a block are running text: sentences,
/// a sentence ending in a colon before a list, and the list's items.
fn sentence_run(units: &[String]) -> usize {
    let mut run = 0;
    for (i, u) in units.iter().enumerate() {
        let ok = if bullet_len(u) > 0 {
            run > 0
        } else {
            is_sentence(u)
                || (u.ends_with(':')
                    && word_count(u) >= 6
                    && units.get(i + 1).is_some_and(|n| bullet_len(n) > 0))
        };
        if !ok {
            break;
        }
        run += 1;
    }
    run
}

/// Whether the first block after a short candidate lead (skipping the
/// title) is a heading or starts with a sentence: a short caption is
/// followed by more infobox instead.
fn next_is_prose(rest: Blocks<'_>, wrap: &Wrap, title: &str) -> bool {
    for block in rest {
        if is_title(&block, title) {
            continue;
        }
        if is_heading(&block) {
            return true;
        }
        let units = wrap.units(&remove_captions(&block));
        if let Some(first) = units.first() {
            return is_sentence(first) && residue(first).is_none();
        }
    }
    true
}

/// The lead of a blocks text taken as it comes: the first prose blocks up
/// to a heading, skipping blocks with an "Enlarge" caption.
fn unfiltered_block_lead(text: &str, title: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    for block in text.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let indented = block
            .lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.starts_with(' '));
        let joined = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if joined == title {
            continue;
        }
        let heading = !indented && block.trim().lines().count() == 1;
        if heading && !paragraphs.is_empty() {
            break;
        }
        let caption = block.lines().any(|l| l.trim() == "Enlarge");
        if !caption && is_prose(&joined) {
            paragraphs.push(joined);
            if paragraphs.len() >= MAX_LEAD_PARAGRAPHS {
                break;
            }
        }
    }
    paragraphs.join("\n")
}

/// A short line that ends in a full stop and holds no other sentence:
/// how WikiExtractor writes `== History ==`.
fn looks_like_extracted_heading(line: &str) -> bool {
    let Some(body) = line.strip_suffix('.') else {
        return false;
    };
    let words = body.split_whitespace().count();
    words <= 8 && !body.contains(". ") && !body.ends_with('.') && !body.contains(':')
}

/// A paragraph of running text: several words and a sentence end.
fn is_prose(p: &str) -> bool {
    p.split_whitespace().count() >= 6 && p.contains(['.', '!', '?'])
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn extracted_lead_stops_at_heading() {
        let text = "Anarchism\n\nAnarchism is a political philosophy that advocates stateless societies.\nAs an anti-dogmatic philosophy, anarchism draws on many currents.\nEtymology and terminology.\nThe term is old and has many uses today.\n";
        assert_eq!(
            lead(text, "Anarchism", Layout::LinePerParagraph),
            "Anarchism is a political philosophy that advocates stateless societies.\nAs an anti-dogmatic philosophy, anarchism draws on many currents."
        );
    }

    #[test]
    fn block_lead_skips_captions_and_title() {
        let text = "\nÁedán\n\n\n   Satellite image of northern Britain showing the area.\n   Enlarge\n   Satellite image again.\n\n   Áedán mac Gabráin was king of Dál Riata, a kingdom in modern\n   Argyll, from about 574 onwards.\n\nBackground\n\n   The sources for his life include Bede and many annals.\n";
        assert_eq!(
            lead(text, "Áedán", Layout::Blocks),
            "Áedán mac Gabráin was king of Dál Riata, a kingdom in modern Argyll, from about 574 onwards."
        );
    }

    /// A page in Wikispeedia's layout with every kind of residue above its
    /// lead (text written for this test, in the layout of the real files).
    const HOLMVALE: &str = "
Holmvale


   This is a featured article. Click here for more information.
   Holmvale from the north hill.
   Holmvale from the north hill.

   CAPTION: Holmvale

   Photographed by J. Q. Walker (1951)
   Photographed by J. Q. Walker (1951)
        Born      3 May 1890
                  Eastmoor, Westshire
     Known for    Bridges, mills
   Kingdom: Animalia
   Phylum:  Chordata

   Image:holmvale_map.svg
   Coordinates: 51°30′N 2°10′W
   Population: 2,497 (2001 census)
   Flag        Coat of arms

          This article is about the town. For the river, see Holm (river).

   The old mill and the stone bridge, seen from the river bank at dusk in
   early spring.
   Enlarge
   The old mill and the stone bridge, seen from the river bank at dusk in
   early spring.

   Holmvale is a market town on the river Holm, known for its stone bridge
   of 1742 and its two water mills. It lies in a wide green valley between
   the north hill and the old forest, and its market has been held on the
   same square for three centuries.

   The town grew around the mills, which ground corn for the farms of the
   valley and later made paper for the printers of the county.

History

   The first mill was built by the monks of the abbey in the twelfth
   century, and the town was granted its market in 1402.

   Retrieved from \"http://example.org/wiki/Holmvale\"
   This reference article is mainly selected from the English Wikipedia
";

    const HOLMVALE_LEAD: &str = "Holmvale is a market town on the river Holm, known for its stone bridge of 1742 and its two water mills. It lies in a wide green valley between the north hill and the old forest, and its market has been held on the same square for three centuries.\nThe town grew around the mills, which ground corn for the farms of the valley and later made paper for the printers of the county.";

    #[test]
    fn residue_above_a_wikispeedia_lead_is_skipped() {
        assert_eq!(lead(HOLMVALE, "Holmvale", Layout::Blocks), HOLMVALE_LEAD);
        // The lead as it was taken before residue was set aside started
        // with the banner and the infobox.
        assert!(
            lead_unfiltered(HOLMVALE, "Holmvale", Layout::Blocks)
                .starts_with("This is a featured article")
        );
    }

    #[test]
    fn the_timeline_takes_dates_from_prose_only() {
        let years: Vec<i32> = kenning_engine::timeline(&lead(HOLMVALE, "Holmvale", Layout::Blocks))
            .iter()
            .map(|e| e.year)
            .collect();
        // Not 1951 (the photo credit) nor 1890 (the infobox).
        assert_eq!(years, vec![1742]);
    }

    /// A short page: `residue` (one line or several, indented like the
    /// body) above a one-line lead.
    fn page(residue: &str) -> String {
        format!(
            "\nHolmvale\n\n\n{residue}\n\n   Holmvale is a market town on the river Holm, known for its stone bridge.\n\nHistory\n\n   The town grew around its mills in the eighteenth century.\n"
        )
    }

    const PAGE_LEAD: &str =
        "Holmvale is a market town on the river Holm, known for its stone bridge.";

    #[test]
    fn each_kind_of_residue_is_skipped() {
        let residue = [
            // Runs of "Key: value" fields, and aligned columns.
            "   Population: 2,497\n   Mayor:      A. Holm\n   Area:       12 km²",
            "   Born      3 May 1890\n             Eastmoor\n   Died      9 June 1960",
            // Taxobox ranks, on lines or run together.
            "   Kingdom: Animalia\n   Phylum:  Chordata\n   Class:   Aves",
            "   Kingdom: Plantae Division: Magnoliophyta Class: Liliopsida Order: Poales",
            // A photo credit, written twice as captions are.
            "   Photographed by J. Q. Walker (1951)\n   Photographed by J. Q. Walker (1951)",
            "   Photographed by J. Q. Walker (1951)",
            // Coordinates.
            "   Coordinates: 51°30′N 2°10′W",
            "   51°30′N 2°10′W",
            // Banners.
            "   This is a featured article. Click here for more information.",
            "   SOS Children works in Holmvale. For more information see SOS Children in Holmvale",
            // A map file and the infobox heading after it.
            "   Image:holmvale_map.svg\n   Statistics",
            // Lines with no sentence.
            "   Flag        Coat of arms\n   Location of Holmvale",
            // A hatnote, indented deeper than the body.
            "          This article is about the town. For the river, see Holm (river).",
            // An image caption around \"Enlarge\", its copies differing by a word.
            "   The old bridge seen from the harbor at dawn.\n   Enlarge\n   The old bridge seen from the harbour at dawn.",
            // A caption repeated without \"Enlarge\".
            "   The old bridge at dawn, from the west bank of the river.\n   The old bridge at dawn, from the west bank of the river.",
        ];
        for r in residue {
            assert_eq!(
                lead(&page(r), "Holmvale", Layout::Blocks),
                PAGE_LEAD,
                "residue: {r}"
            );
        }
    }

    #[test]
    fn prose_with_a_colon_or_a_year_stays() {
        for prose in [
            "Holmvale is a market town; its trades were: wool, leather and paper, as the records of 1701 show.",
            "Note: the town was rebuilt after the great fire of 1702 and its church was consecrated again in 1710.",
            "Holmvale (Latin: Holma; Old Norse: Holmr; Welsh: Holmfa) is a market town on the river Holm.",
            "Holmvale ( 51°30′N 2°10′W) is a market town on the river Holm, founded in 1201.",
        ] {
            let text = format!(
                "\nHolmvale\n\n\n   {prose}\n\nHistory\n\n   The town grew around its mills.\n"
            );
            assert_eq!(lead(&text, "Holmvale", Layout::Blocks), prose);
            let text = format!("Holmvale\n\n{prose}\nHistory.\nThe town grew around its mills.\n");
            assert_eq!(lead(&text, "Holmvale", Layout::LinePerParagraph), prose);
        }
    }

    #[test]
    fn extracted_residue_lines_are_skipped() {
        let text = "Holmvale\n\nKingdom: Animalia Phylum: Chordata Class: Aves Order: Passeriformes.\nCoordinates: 51°30′N 2°10′W.\nHolmvale is a market town on the river Holm, known for its stone bridge.\nHistory.\nThe town grew.\n";
        assert_eq!(lead(text, "Holmvale", Layout::LinePerParagraph), PAGE_LEAD);
    }

    #[test]
    fn a_page_of_residue_keeps_its_lead_as_it_was() {
        // Nothing looks like prose once residue is set aside: the lead is
        // taken as before rather than left empty.
        let text =
            "\nHolmvale\n\n\n   Population: 2,497. Area: 12 km². Mayor: A. Holm. Founded: 1701.\n";
        let expected = "Population: 2,497. Area: 12 km². Mayor: A. Holm. Founded: 1701.";
        assert_eq!(lead(text, "Holmvale", Layout::Blocks), expected);
        let text = "Holmvale\n\nPopulation: 2,497. Area: 12 km². Mayor: A. Holm. Founded: 1701.\n";
        assert_eq!(lead(text, "Holmvale", Layout::LinePerParagraph), expected);
    }

    #[test]
    fn unwrapped_paragraphs_in_one_block() {
        // A concepts JSONL text with one paragraph per line and no blank
        // lines: the title line is dropped, the paragraphs make the lead.
        let text = "Holmvale\nHolmvale is a market town on the river Holm, known for its stone bridge.\nIt has two water mills and a weekly market on the square.\n";
        assert_eq!(
            lead(text, "Holmvale", Layout::Blocks),
            "Holmvale is a market town on the river Holm, known for its stone bridge. It has two water mills and a weekly market on the square."
        );
    }

    #[test]
    fn a_huge_text_is_searched_in_its_first_mib() {
        let para = "   Holmvale is a market town on the river Holm, known for its stone bridge.\n";
        let text = format!(
            "\nHolmvale\n\n\n   Kingdom: Animalia\n\n{}",
            para.repeat(40_000)
        );
        assert!(text.len() > 2 * MAX_SCANNED_BYTES);
        let l = lead(&text, "Holmvale", Layout::Blocks);
        assert!(l.starts_with("Holmvale is a market town"));
        assert!(l.len() <= MAX_SCANNED_BYTES);
        assert_eq!(head("ab\ncd", 4), "ab");
        assert_eq!(head("abcdé", 5), "abcd");
        assert_eq!(head("ab", 5), "ab");
    }

    /// Pieces of plain text, residue and prose, to build texts from.
    const PIECES: &[&str] = &[
        "Holmvale",
        "Enlarge",
        "Kingdom: Animalia",
        "Population: 2,497 (2001)",
        "Photographed by J. Q. Walker (1951)",
        "Image:map.svg",
        "Coordinates: 51°30′N 2°10′W",
        "This is a featured article. Click here for more information.",
        "* Wool: the first trade",
        "1. The mill",
        "^1 A note.",
        "( ( ) (",
        "\"Holm\" is also a name.",
        "For other uses, see Holm.",
        "Holmvale is a market town on the river Holm, known for its stone bridge.",
        "It lies in a wide green valley between the north hill and the old forest,",
        "and its market has been held there since 1402.",
        "Ünïcödé 😀 ẞ İ ǅ — “quoted” ½ ²",
        "x",
        "",
        "   ",
        "________",
    ];

    fn words(s: &str) -> Vec<&str> {
        let mut w: Vec<&str> = s.split_whitespace().collect();
        w.sort_unstable();
        w
    }

    /// Whether every word of `part` is a word of `whole`, as often.
    fn is_sub_multiset(part: &[&str], whole: &[&str]) -> bool {
        let mut j = 0;
        for w in part {
            while j < whole.len() && whole[j] < *w {
                j += 1;
            }
            if j == whole.len() || whole[j] != *w {
                return false;
            }
            j += 1;
        }
        true
    }

    proptest! {
        /// The lead never panics and only ever holds words of the text.
        #[test]
        fn lead_takes_words_of_the_text(
            parts in proptest::collection::vec((0..PIECES.len(), 0usize..12, 0usize..3), 0..40),
            blocks in any::<bool>(),
        ) {
            let mut text = String::new();
            for (piece, indent, gap) in parts {
                text.push_str(&" ".repeat(indent));
                text.push_str(PIECES[piece]);
                text.push_str(["\n", "\n\n", " "][gap]);
            }
            let layout = if blocks { Layout::Blocks } else { Layout::LinePerParagraph };
            let out = lead(&text, "Holmvale", layout);
            prop_assert!(is_sub_multiset(&words(&out), &words(&text)), "{out:?} from {text:?}");
        }

        #[test]
        fn lead_of_any_text(text in "[a-zA-Z0-9 .,:;°′″()\\[\\]^*•\n\"'’é😀-]{0,400}", blocks in any::<bool>()) {
            let layout = if blocks { Layout::Blocks } else { Layout::LinePerParagraph };
            let out = lead(&text, "Holmvale", layout);
            prop_assert!(is_sub_multiset(&words(&out), &words(&text)));
        }
    }
}
