//! Loads the real Wikispeedia concepts (`shared/data/wikispeedia/concepts.jsonl.gz`)
//! for the integration test and the latency example.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use kenning_search::{Document, IndexWriter};

/// One article, prepared as the build pipeline would.
pub struct Article {
    pub title: String,
    pub summary: String,
    pub body: String,
    pub popularity: f32,
}

/// The shared data folder (`KENNING_DATA` or `../shared/data` beside the
/// repository) when it holds the Wikispeedia concepts.
pub fn data_dir() -> Option<PathBuf> {
    kenning_testdata::shared_data(&[CONCEPTS], "the Wikispeedia tests")
}

const CONCEPTS: &str = "wikispeedia/concepts.jsonl.gz";

/// The articles, or `None` (with a note) when the file is absent; panics
/// when it is absent and `KENNING_REQUIRE_DATA` is set.
pub fn load() -> Option<Vec<Article>> {
    let path = data_dir()?.join(CONCEPTS);
    let file = std::fs::File::open(&path).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let mut rows = Vec::new();
    let mut in_degree: HashMap<String, u32> = HashMap::new();
    for line in reader.lines() {
        let line = line.unwrap();
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let title = v["title"].as_str().unwrap().to_string();
        let text = v["text"].as_str().unwrap_or_default().to_string();
        for l in v["links"].as_array().into_iter().flatten() {
            if let Some(l) = l.as_str() {
                *in_degree.entry(l.to_string()).or_default() += 1;
            }
        }
        rows.push((title, text));
    }
    let max = in_degree.values().copied().max().unwrap_or(1) as f32;
    Some(
        rows.into_iter()
            .map(|(title, text)| {
                let d = in_degree.get(&title).copied().unwrap_or(0) as f32;
                Article {
                    summary: first_paragraph(&title, &text),
                    body: truncate(&text, 2048).to_string(),
                    popularity: (1.0 + d).ln() / (1.0 + max).ln(),
                    title,
                }
            })
            .collect(),
    )
}

/// The first real paragraph: the texts start with the title line, then
/// infobox residue and captions; take the first blank-line-separated block
/// that reads like prose (long enough, with a full stop), else the first
/// non-empty one. Whitespace is collapsed.
pub fn first_paragraph(title: &str, text: &str) -> String {
    let mut first = None;
    for block in text.split("\n\n") {
        let p = block.split_whitespace().collect::<Vec<_>>().join(" ");
        if p.is_empty() || p == title {
            continue;
        }
        if p.len() >= 150 && p.contains(". ") {
            return p;
        }
        first.get_or_insert(p);
    }
    first.unwrap_or_default()
}

pub fn truncate(s: &str, max: usize) -> &str {
    &s[..s.floor_char_boundary(max)]
}

/// Indexes the articles as kind "concept" with key = position.
pub fn index(articles: &[Article], dir: &Path, threads: usize) -> IndexWriter {
    let mut w = IndexWriter::create(dir, 64_000_000, threads).unwrap();
    for (i, a) in articles.iter().enumerate() {
        w.add(&Document {
            key: i as u64,
            kind: "concept",
            title: &a.title,
            aliases: &[],
            summary: &a.summary,
            body: &a.body,
            popularity: a.popularity,
            names_in: &[],
        })
        .unwrap();
    }
    w
}

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `title` with one character deleted or substituted (by a letter), chosen
/// by `rng`; never the character `' '` replaced by itself.
pub fn one_edit(title: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = title.chars().collect();
    let i = rng.below(chars.len());
    let mut out: Vec<char> = chars.clone();
    if rng.below(2) == 0 && chars.len() > 1 {
        out.remove(i);
    } else {
        let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
        let mut c = letters[rng.below(letters.len())];
        if c == chars[i].to_ascii_lowercase() {
            c = letters[(rng.below(letters.len() - 1)
                + 1
                + letters.iter().position(|&x| x == c).unwrap())
                % letters.len()];
        }
        out[i] = c;
    }
    out.into_iter().collect()
}

/// A deterministic sample of `n` indices below `len`.
pub fn sample(len: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut rng = Rng(seed);
    let mut idx: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        idx.swap(i, rng.below(i + 1));
    }
    idx.truncate(n);
    idx
}
