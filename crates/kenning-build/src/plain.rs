//! Lead summaries of sources that are already plain text.
//!
//! WikiExtractor writes one paragraph per line and a section heading as a
//! short line ending in a full stop (`History.`); Wikispeedia's text wraps
//! paragraphs over indented lines separated by blank lines, with headings
//! and the title unindented, and keeps image captions ("… Enlarge …") and
//! infobox residue as indented blocks. The lead is the run of prose
//! paragraphs before the first heading.

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

/// The lead of a plain-text article.
pub(crate) fn lead(text: &str, title: &str, layout: Layout) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut started = false;
    let mut push = |p: String, heading: bool, prose: bool, paragraphs: &mut Vec<String>| -> bool {
        if heading && started {
            return false;
        }
        if prose {
            started = true;
            paragraphs.push(p);
            if paragraphs.len() >= MAX_LEAD_PARAGRAPHS {
                return false;
            }
        }
        true
    };
    match layout {
        Layout::LinePerParagraph => {
            for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                if line == title {
                    continue;
                }
                let heading = looks_like_extracted_heading(line);
                if !push(
                    line.to_owned(),
                    heading,
                    !heading && is_prose(line),
                    &mut paragraphs,
                ) {
                    break;
                }
            }
        }
        Layout::Blocks => {
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
                let caption = block.lines().any(|l| l.trim() == "Enlarge");
                let prose = !caption && is_prose(&joined);
                if !push(joined, heading, prose, &mut paragraphs) {
                    break;
                }
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
}
