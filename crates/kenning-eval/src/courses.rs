//! `kenning-eval courses`: how well an institution's courses are linked.
//!
//! - Coverage: the share of the courses of a records file that have at
//!   least one concept in the snapshot.
//! - A seeded sample of courses with their top three concepts, printed
//!   for hand-checking, with the precision of those judged in a verdicts
//!   file (`bench/courses_verdicts.tsv`).
//! - Related courses against labelled prerequisite pairs (EPFL's 2019
//!   course dependencies: "Depends on", "Prepares for", "Benefits from"):
//!   for each pair, whether the other course is among a course's ten
//!   related courses, in both directions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use kenning_engine::Engine;
use serde_json::Value;

/// What to measure.
pub(crate) struct CoursesRun<'a> {
    pub snapshot: &'a Path,
    pub records: &'a Path,
    pub dependencies: &'a Path,
    pub sample: usize,
    pub seed: u64,
    pub verdicts: Option<&'a Path>,
}

pub(crate) fn courses(run: &CoursesRun<'_>) -> Result<()> {
    let engine = Engine::open(run.snapshot)?;
    let ids = course_ids(run.records)?;
    if ids.is_empty() {
        bail!("{}: no record of type \"course\"", run.records.display());
    }

    // Coverage.
    let mut linked = 0usize;
    let mut own = 0usize;
    let mut concepts = 0usize;
    let mut missing = 0usize;
    for id in &ids {
        let Some(page) = engine.record("course", id) else {
            missing += 1;
            continue;
        };
        if !page.concepts.is_empty() {
            linked += 1;
            own += usize::from(!page.concepts_inherited);
        }
        concepts += page.concepts.len();
    }
    let present = ids.len() - missing;
    println!("## Coverage");
    println!();
    println!(
        "| courses in the file | in the snapshot | with at least one concept | share | of their own (not inherited) | concepts per course |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {present} | {linked} | {:.1}% | {own} ({:.1}%) | {:.2} |",
        ids.len(),
        100.0 * linked as f64 / present.max(1) as f64,
        100.0 * own as f64 / present.max(1) as f64,
        concepts as f64 / present.max(1) as f64
    );

    // The sample for hand-checking.
    println!();
    println!(
        "## Top three concepts of {} courses (seed {}), for hand-checking",
        run.sample, run.seed
    );
    println!();
    let verdicts = match run.verdicts {
        Some(path) => read_verdicts(path)?,
        None => BTreeMap::new(),
    };
    let (mut right, mut wrong, mut unjudged) = (0usize, 0usize, 0usize);
    println!("| course | title | top 3 concepts (score, fields; ✓ or ✗ by hand) |");
    println!("|---|---|---|");
    for id in sample(&ids, run.sample, run.seed) {
        let Some(page) = engine.record("course", id) else {
            continue;
        };
        let top: Vec<String> = page
            .concepts
            .iter()
            .take(3)
            .map(|c| {
                let mark = match verdicts.get(&((*id).to_owned(), c.title.clone())) {
                    Some(true) => {
                        right += 1;
                        " ✓"
                    }
                    Some(false) => {
                        wrong += 1;
                        " ✗"
                    }
                    None => {
                        unjudged += 1;
                        " ?"
                    }
                };
                let mark = if run.verdicts.is_some() { mark } else { "" };
                if page.concepts_inherited {
                    format!("{} ({:.2}, inherited){mark}", c.title, c.score)
                } else {
                    format!("{} ({:.2}, {}){mark}", c.title, c.score, c.fields.join("+"))
                }
            })
            .collect();
        println!(
            "| {id} | {} | {} |",
            page.title.replace('|', "/"),
            if top.is_empty() {
                "–".to_owned()
            } else {
                top.join("; ")
            }
        );
    }

    if run.verdicts.is_some() {
        println!();
        println!(
            "Precision of the top three by hand: {right} of {} judged concepts right ({:.1}%); {unjudged} without a verdict.",
            right + wrong,
            100.0 * right as f64 / (right + wrong).max(1) as f64
        );
    }

    // Related courses against the labelled pairs.
    let text = std::fs::read_to_string(run.dependencies)
        .with_context(|| format!("cannot read {}", run.dependencies.display()))?;
    let pairs = dependency_pairs(&text).with_context(|| {
        format!(
            "{}: not a course dependencies CSV",
            run.dependencies.display()
        )
    })?;
    let known: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let usable: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(a, b)| known.contains(a.as_str()) && known.contains(b.as_str()))
        .collect();
    let mut related: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut hits = 0usize;
    let mut either = 0usize;
    for (a, b) in &usable {
        let mut found = 0;
        for (from, to) in [(a, b), (b, a)] {
            let list = related.entry(from.as_str()).or_insert_with(|| {
                engine
                    .record("course", from)
                    .and_then(|p| p.related.get("course").cloned())
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| r.id)
                    .collect()
            });
            if list.iter().take(10).any(|id| id == to.as_str()) {
                found += 1;
            }
        }
        hits += found;
        either += usize::from(found > 0);
    }
    println!();
    println!("## Related courses against labelled prerequisite pairs");
    println!();
    println!(
        "| pairs in the file | distinct pairs | both courses in the snapshot | recall@10, each direction | pairs found in either direction |"
    );
    println!("|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {} | {:.3} ({hits} of {}) | {:.3} ({either} of {}) |",
        pair_rows(&text),
        pairs.len(),
        usable.len(),
        hits as f64 / (2 * usable.len()).max(1) as f64,
        2 * usable.len(),
        either as f64 / usable.len().max(1) as f64,
        usable.len()
    );
    Ok(())
}

/// The ids of the records of type `course`, in file order, once each.
fn course_ids(path: &Path) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut seen = BTreeSet::new();
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        if record["type"] == "course"
            && let Some(id) = record["id"].as_str()
            && seen.insert(id.to_owned())
        {
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}

/// `count` distinct ids chosen by a seeded generator (splitmix64), in the
/// order drawn: the same ids for the same file and seed.
fn sample(ids: &[String], count: usize, seed: u64) -> Vec<&str> {
    let mut state = seed;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut chosen = BTreeSet::new();
    let mut out = Vec::new();
    while out.len() < count.min(ids.len()) {
        let i = (next() % ids.len() as u64) as usize;
        if chosen.insert(i) {
            out.push(ids[i].as_str());
        }
    }
    out
}

/// Data rows of the CSV (its first row is the header).
fn pair_rows(text: &str) -> usize {
    csv_rows(text).len().saturating_sub(1)
}

/// The distinct unordered (course, course) pairs of the dependencies CSV
/// (`CourseCode1` and `CourseCode2` columns), each once, smaller code
/// first.
fn dependency_pairs(text: &str) -> Result<Vec<(String, String)>> {
    let rows = csv_rows(text);
    let Some(header) = rows.first() else {
        bail!("empty file");
    };
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("no {name} column"))
    };
    let (one, two) = (column("CourseCode1")?, column("CourseCode2")?);
    let mut pairs = BTreeSet::new();
    for row in &rows[1..] {
        let (Some(a), Some(b)) = (row.get(one), row.get(two)) else {
            continue;
        };
        if a.is_empty() || b.is_empty() || a == b {
            continue;
        }
        let pair = if a < b { (a, b) } else { (b, a) };
        pairs.insert((pair.0.clone(), pair.1.clone()));
    }
    Ok(pairs.into_iter().collect())
}

/// Rows of a CSV file: fields separated by commas, a field in double
/// quotes may hold commas, line ends and `""` for a quote.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// Reads hand verdicts: `course id \t concept title \t yes|no \t note`
/// per line; `#` lines and blank lines are skipped.
fn read_verdicts(path: &Path) -> Result<BTreeMap<(String, String), bool>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    parse_verdicts(&text, &path.display().to_string())
}

fn parse_verdicts(text: &str, origin: &str) -> Result<BTreeMap<(String, String), bool>> {
    let mut verdicts = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut cells = line.split('\t');
        let (Some(course), Some(title), Some(verdict)) = (cells.next(), cells.next(), cells.next())
        else {
            bail!("{origin}:{}: expected course, concept, yes|no", i + 1);
        };
        let right = match verdict.trim() {
            "yes" => true,
            "no" => false,
            other => bail!("{origin}:{}: verdict {other:?} is not yes or no", i + 1),
        };
        verdicts.insert((course.trim().to_owned(), title.trim().to_owned()), right);
    }
    Ok(verdicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_are_read_and_checked() {
        let v = parse_verdicts("# c\tt\n\nCS-1\tA b\tyes\tnote\nCS-1\tC\tno\n", "v").unwrap();
        assert!(v[&("CS-1".to_owned(), "A b".to_owned())]);
        assert!(!v[&("CS-1".to_owned(), "C".to_owned())]);
        let e = parse_verdicts("CS-1\tA\tmaybe\n", "v")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("v:1: verdict"), "{e}");
        assert!(parse_verdicts("CS-1 only\n", "v").is_err());
    }

    #[test]
    fn csv_fields_may_hold_commas_quotes_and_lines() {
        let rows = csv_rows("a,b,c\n1,\"x, \"\"y\"\"\nz\",3\r\n4,5,6");
        assert_eq!(
            rows,
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, \"y\"\nz", "3"],
                vec!["4", "5", "6"]
            ]
        );
    }

    #[test]
    fn pairs_are_unordered_and_distinct() {
        let text = ",CourseCode1,Relationship,CourseCode2\n0,B,Depends on,A\n1,A,Prepares for,B\n2,C,Depends on,C\n3,C,Depends on,D\n";
        assert_eq!(
            dependency_pairs(text).unwrap(),
            vec![("A".into(), "B".into()), ("C".into(), "D".into())]
        );
        assert_eq!(pair_rows(text), 4);
        assert!(dependency_pairs("x,y\n1,2\n").is_err());
    }

    #[test]
    fn samples_are_distinct_and_repeatable() {
        let ids: Vec<String> = (0..50).map(|i| i.to_string()).collect();
        let a = sample(&ids, 30, 7);
        assert_eq!(a, sample(&ids, 30, 7));
        assert_eq!(a.iter().collect::<BTreeSet<_>>().len(), 30);
        assert_ne!(a, sample(&ids, 30, 8));
        assert_eq!(sample(&ids[..3], 30, 7).len(), 3);
    }
}
