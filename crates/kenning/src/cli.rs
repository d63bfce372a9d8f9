//! Arguments and subcommands.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use kenning_build::{BuildOptions, BuildProgress, Source};
use kenning_engine::{Engine, MAX_WIKIFY_BYTES, SearchRequest, WikifyOptions};
use kenning_store::Snapshot;

use crate::live_records::{self, LiveRecordsAt};
use crate::output;
use crate::progress::ProgressReporter;
use crate::wikify_input;

/// kenning turns a wiki dump into a knowledge graph: concept pages with
/// clean summaries, links in both directions, categories and aliases.
///
/// Start with `kenning build --out snap --dump examples/tiny-wiki.xml`,
/// then `kenning stats snap` and `kenning concept snap Merrowby`.
#[derive(Debug, Parser)]
#[command(name = "kenning", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum RecordsAction {
    /// Write the live records as records JSONL (to stdout unless --out),
    /// sorted by type and id. Deletions are not records: they are counted
    /// on stderr.
    Export {
        /// The snapshot folder.
        dir: PathBuf,
        /// Read them from this PostgreSQL database (also
        /// KENNING_RECORDS_DB) instead of DIR/live-records.redb.
        #[arg(long, value_name = "URL")]
        records_db: Option<String>,
        /// Write to this file instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Load a records JSONL file into the live store, replacing live
    /// records with the same type and id. Every line is checked first, as
    /// a build checks it; nothing is written when one is bad.
    Import {
        /// The snapshot folder.
        dir: PathBuf,
        /// The records JSONL file.
        file: PathBuf,
        /// Write them to this PostgreSQL database (also
        /// KENNING_RECORDS_DB) instead of DIR/live-records.redb.
        #[arg(long, value_name = "URL")]
        records_db: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build a snapshot from wiki sources and an institution's records
    /// (replaces the one in --out atomically).
    ///
    /// Sources are read in the order given; when two sources hold the same
    /// title, the first wins. Records files are checked line by line before
    /// anything else is read (a bad line stops the build and names the
    /// file, line and field); their texts are linked to the concepts.
    /// A failed or interrupted build leaves the previous snapshot in --out
    /// untouched, and never touches the records written live through the
    /// API (DIR/live-records.redb).
    ///
    /// Examples:
    ///   kenning build --out snap --dump enwiki-latest-pages-articles-multistream.xml.bz2
    ///   kenning build --out snap --extracted text/ --concepts extra.jsonl
    ///   kenning build --out snap --dump wiki.xml.bz2 --records courses.jsonl --records people.jsonl
    ///   kenning build --out snap --dump enwiki.xml.bz2 --dump frwiki.xml.bz2 --langlinks frwiki-langlinks.sql.gz
    ///
    /// Several languages: the first dump's language (from its <siteinfo>) is
    /// the primary one and its pages are the concepts; the pages of dumps in
    /// other languages (given after it) join the concepts they are the same
    /// subject as, through inline [[fr:…]] links, --langlinks or --wikidata,
    /// and become their titles and summaries in that language. Prefix a
    /// source with CODE= when its own language is missing or wrong:
    /// --dump fr=old-export.xml.
    #[command(verbatim_doc_comment)]
    Build {
        /// The snapshot folder to create or replace.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// A MediaWiki XML export: .xml, .xml.gz, .xml.bz2 or multistream
        /// .xml.bz2 (with its -index.txt[.bz2] beside it, if you have it).
        #[arg(long, value_name = "[CODE=]FILE")]
        dump: Vec<PathBuf>,
        /// WikiExtractor output: its folder (AA/wiki_00, …) or one file, plain or .bz2.
        #[arg(long, value_name = "[CODE=]DIR")]
        extracted: Vec<PathBuf>,
        /// Concepts JSONL ({"title", "text", "summary"?, "links"?, …} per line), plain or .gz.
        #[arg(long, value_name = "[CODE=]FILE")]
        concepts: Vec<PathBuf>,
        /// Wikimedia's interlanguage links of one wiki, e.g.
        /// frwiki-latest-langlinks.sql.gz: they join its pages to the
        /// primary language's. The wiki is read from a CODEwiki- file name,
        /// else say it with CODE=FILE; without either, the primary one.
        /// Repeatable.
        #[arg(long, value_name = "[CODE=]FILE")]
        langlinks: Vec<PathBuf>,
        /// A Wikidata JSON dump (latest-all.json[.gz|.bz2]): each item's
        /// sitelinks join its pages in the build's languages, and its labels
        /// and aliases in them become names of its concept (searched,
        /// detected, shown as its title where it has no page). Repeatable.
        #[arg(long, value_name = "FILE")]
        wikidata: Vec<PathBuf>,
        /// More languages to name the concepts in from --wikidata, besides
        /// those of the sources, e.g. --languages fr,de. When no source says
        /// its language (concepts JSONL, WikiExtractor), the first listed
        /// is the primary one: --languages en,fr,de.
        #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = language_code)]
        languages: Vec<String>,
        /// Records JSONL ({"type", "id", "title", "text", "fields"?, "links"?, …}
        /// per line): courses, people, publications, units, … Repeatable; a
        /// later record with the same type and id replaces an earlier one.
        #[arg(long, value_name = "FILE")]
        records: Vec<PathBuf>,
        /// A field of the records to link to concepts besides the title
        /// (weight 1), `keywords` (0.85) and the text (0.7), with its
        /// weight (default 0.6); repeatable, e.g. `--link-field content
        /// --link-field keywords=0.9`. A list, or a string with `;`, is
        /// read item by item. Records written live are linked the same way.
        #[arg(long, value_name = "NAME[=WEIGHT]")]
        link_field: Vec<String>,
        /// A subject ontology, browsable at /category/{id}: EPFL Graph's
        /// `ontology_structure.json` (with `category_tree.txt` from the same
        /// folder for names and anchor articles), or kenning's ontology
        /// JSONL (`.jsonl`: {"id", "name", "parents"?, "anchor"?,
        /// "concepts"?} per line, see docs/formats.md). Repeatable.
        /// Concepts are matched by title, redirect or page id; the ones
        /// that match nothing are listed in the snapshot's
        /// ontology_unmatched.tsv.
        #[arg(long, value_name = "FILE")]
        ontology: Vec<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// No progress bar or progress lines.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Show what a snapshot holds: counts, sources, build time.
    Stats {
        /// The snapshot folder.
        dir: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Serve a snapshot as a website and a JSON API.
    ///
    /// Concept pages at /concept/{id}, record pages at /{type}/{id}, search
    /// at /search, the API under /api/v1 (documented at /api, and as OpenAPI
    /// at /api/openapi.json),
    /// /healthz and /metrics. Stop with Ctrl-C.
    ///
    /// Records can be written and deleted live (PUT and DELETE
    /// /api/v1/records/{type}/{id} with "Authorization: Bearer TOKEN") when
    /// a token is set in KENNING_API_TOKEN or the config file; writes are
    /// stored in DIR/live-records.redb, synced before the answer, and outlast
    /// rebuilds.
    ///
    /// Example: KENNING_API_TOKEN=secret kenning serve snap --addr 127.0.0.1:8080 --institution "EPFL"
    Serve {
        /// The snapshot folder.
        dir: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// The institution named in the "About this result" notice.
        #[arg(long)]
        institution: Option<String>,
        /// Replace the whole "About this result" notice with this text.
        #[arg(long)]
        notice: Option<String>,
        /// A JSON file of settings: {"institution"?, "notice"?, "api_token"?,
        /// "records_db"?, "record_types"?}.
        /// Command-line flags and KENNING_API_TOKEN take precedence.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Connections open at once; past it, new ones wait to be accepted
        /// (keep it under the open-file limit, `ulimit -n`). A client has
        /// 10 s to send a request's head and 30 s between bytes.
        #[arg(long, value_name = "N", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Heavy requests (wikify of a posted text, record writes) run at
        /// once; past it wikify requests get 503 with Retry-After, and
        /// record writes wait their turn up to 5 s before that answer.
        /// Default: twice the number of cores, at least 4.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        max_heavy_requests: Option<u32>,
        /// Keep live record writes in this PostgreSQL database instead of
        /// DIR/live-records.redb, shared by every server started with it
        /// (postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE; no TLS).
        /// kenning creates its tables. Also KENNING_RECORDS_DB, or
        /// "records_db" in the config file.
        #[arg(long, value_name = "URL")]
        records_db: Option<String>,
    },
    /// Move live records (those written through the API) between stores,
    /// as records JSONL.
    ///
    /// Example: kenning records export snap > live.jsonl, then
    /// kenning records import snap live.jsonl --records-db postgresql://kenning@db/kenning
    Records {
        #[command(subcommand)]
        action: RecordsAction,
    },
    /// Search concepts by title, alias and text (typos tolerated).
    ///
    /// Example: kenning search snap "lighthouse keeper" --limit 5
    Search {
        /// The snapshot folder.
        dir: PathBuf,
        /// What to look for.
        query: String,
        /// Results to show (at most 100).
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Results to skip (for the next page).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Only these types, comma-separated (e.g. `concept`).
        #[arg(long, value_delimiter = ',')]
        types: Vec<String>,
        /// The reader's language (a code such as fr), for a snapshot built
        /// in several: names in it weigh more, and concepts are titled in it.
        #[arg(long, value_name = "CODE", value_parser = language_code)]
        lang: Option<String>,
        /// Print JSON (the API's search shape) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Detect the concepts a text talks about (the text comes on stdin).
    ///
    /// Every mention is linked to a concept with a score in [0, 1] and the
    /// score's parts: link probability (how often the phrase is a link in
    /// the wiki), commonness (how often it links to this concept),
    /// coherence (relatedness to the text's other concepts) and context
    /// (the concept's summary words found in the text).
    ///
    /// Input of any size is read piece by piece (cut after paragraphs,
    /// at most 1 MiB each) in bounded memory; offsets count over the
    /// whole input, and a concept's score merges its mentions in every
    /// piece. An input of one piece is linked as one text, exactly as the
    /// HTTP API links it.
    ///
    /// With --jsonl, every stdin line is one text, {"id", "text",
    /// "lang"?}, and every output line its result, {"id", "lang"?,
    /// "annotations", "concepts"}, in input order, computed on all cores.
    /// A line that cannot be read gets {"line", "id"?, "error"} in its
    /// place, and the command ends with an error naming the first.
    /// "lang" is copied to the result; the snapshot's language is used.
    ///
    /// Examples:
    ///   echo "Turing worked on the Enigma machine." | kenning wikify snap
    ///   kenning wikify snap --json < book.txt > book.json
    ///   kenning wikify snap --jsonl < abstracts.jsonl > concepts.jsonl
    #[command(verbatim_doc_comment)]
    Wikify {
        /// The snapshot folder.
        dir: PathBuf,
        /// Print JSON (the API's wikify shape) instead of text.
        #[arg(long, conflicts_with = "jsonl")]
        json: bool,
        /// Read one JSON text per line, write one JSON result per line.
        #[arg(long)]
        jsonl: bool,
        /// Worker threads for --jsonl (default: all cores).
        #[arg(long, value_name = "N", requires = "jsonl")]
        threads: Option<usize>,
        /// Drop annotations scoring below this (0 to 1).
        #[arg(long, default_value_t = WikifyOptions::default().min_score)]
        min_score: f32,
        /// Choose each mention's most common concept only (the baseline).
        #[arg(long)]
        prior_only: bool,
        /// The language of the text (a code such as fr), for a snapshot built
        /// in several languages: its names of the concepts are looked for.
        /// Without it, the language is detected among the snapshot's; with
        /// --jsonl, each line's "lang" says it.
        #[arg(long, value_name = "CODE", value_parser = language_code, conflicts_with = "jsonl")]
        lang: Option<String>,
    },
    /// Show one concept: summary, aliases, categories, links, source.
    ///
    /// TITLE is matched the way the wiki matches links: case of the first
    /// letter, underscores and redirects do not matter. A number is taken as
    /// a page id when no title matches.
    Concept {
        /// The snapshot folder.
        dir: PathBuf,
        /// The title (or a redirect to it, or a page id).
        title: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run() -> Result<ExitCode> {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    match cli.command {
        Command::Build {
            out,
            dump,
            extracted,
            concepts,
            records,
            link_field,
            ontology,
            langlinks,
            wikidata,
            languages: named,
            threads,
            quiet,
        } => {
            let build_matches = matches
                .subcommand_matches("build")
                .expect("the build subcommand was parsed");
            let (sources, source_languages) =
                sources_in_order(build_matches, dump, extracted, concepts);
            let languages = kenning_build::LanguageOptions {
                sources: source_languages,
                langlinks: langlinks.iter().map(|p| split_language(p)).collect(),
                wikidata,
                named,
            };
            let threads = threads
                .unwrap_or_else(|| {
                    std::thread::available_parallelism()
                        .map(|n| n.get())
                        .unwrap_or(1)
                })
                .clamp(1, 256);
            let options = BuildOptions {
                out: out.clone(),
                sources,
                records,
                threads,
                holdout_percent: 0,
                languages,
                ontologies: ontology,
                record_fields: kenning_records::FieldWeights::with_specs(&link_field)
                    .map_err(anyhow::Error::msg)?,
            };
            let progress = Arc::new(BuildProgress::default());
            let reporter = ProgressReporter::start(progress.clone(), quiet);
            let result = kenning_build::build(&options, &progress);
            reporter.finish();
            let report = result.with_context(|| {
                format!(
                    "build failed; the snapshot in {} is unchanged",
                    out.display()
                )
            })?;
            if !quiet {
                eprintln!("{}", output::build_summary(&report.meta, &out));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { dir, json } => {
            let snapshot = Snapshot::open(&dir)?;
            print_out(&if json {
                output::stats_json(&snapshot)
            } else {
                output::stats_text(&snapshot)
            })
        }
        Command::Serve {
            dir,
            addr,
            institution,
            notice,
            config,
            max_connections,
            max_heavy_requests,
            records_db,
        } => {
            let file = match &config {
                Some(path) => ServeConfigFile::read(path)?,
                None => ServeConfigFile::default(),
            };
            let api_token = match std::env::var("KENNING_API_TOKEN").ok() {
                Some(token) => Some((token, "KENNING_API_TOKEN")),
                None => file
                    .api_token
                    .map(|t| (t, "\"api_token\" in the config file")),
            };
            let api_token = match api_token {
                Some((token, from)) if token.trim().is_empty() => anyhow::bail!(
                    "the API token ({from}) is blank: set a token to turn record writes on, \
                     or unset it to serve with writes off"
                ),
                Some((token, _)) => Some(token.trim().to_owned()),
                None => None,
            };
            let records_db = records_db
                .or_else(|| std::env::var("KENNING_RECORDS_DB").ok())
                .or(file.records_db);
            // The server keeps the live records store open (so that no
            // other process can change it behind its back), tokens or not;
            // or follows the database it shares with other servers.
            let engine = match &records_db {
                Some(url) => {
                    let engine = Engine::open_shared(&dir, url)?;
                    eprintln!(
                        "kenning: live records are kept in the PostgreSQL database {}",
                        engine.live_store_target().unwrap_or_default()
                    );
                    engine
                }
                None => Engine::open_for_serving(&dir)?,
            };
            if let Some(note) = engine.note() {
                eprintln!("kenning: note: {note}");
            }
            let writes_on = api_token.is_some() && engine.records_writable();
            eprintln!(
                "kenning: record writes (PUT/DELETE /api/v1/records/…) are {}",
                if writes_on {
                    "on"
                } else if api_token.is_some() {
                    "off (the live records store cannot be written)"
                } else {
                    "off (set KENNING_API_TOKEN to turn them on)"
                }
            );
            let engine = std::sync::Arc::new(engine);
            let config = kenning_server::ServerConfig {
                institution: institution.or(file.institution),
                notice: notice.or(file.notice),
                api_token,
                connections: kenning_server::ConnectionLimits {
                    max_connections: max_connections as usize,
                    ..kenning_server::ConnectionLimits::default()
                },
                max_heavy_requests: max_heavy_requests.map(|n| n as usize),
                record_types: file.record_types,
                // A rebuilt snapshot is served within a second or so of its
                // publication, without a restart.
                watch_generations: Some(std::time::Duration::from_secs(1)),
            };
            kenning_server::serve_blocking(engine, config, addr)
                .with_context(|| format!("cannot serve on {addr}"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            dir,
            query,
            limit,
            offset,
            types,
            lang,
            json,
        } => {
            let engine = open_reader(&dir)?;
            let mut page = engine.search(&SearchRequest {
                query,
                types,
                limit,
                offset,
                lang: lang.clone(),
                ..Default::default()
            })?;
            if let Some(lang) = lang.filter(|l| engine.has_language(l)) {
                engine.hits_in(&mut page.items, &lang);
            }
            print_out(&if json {
                output::to_json(&page)
            } else {
                output::search_text(&page)
            })
        }
        Command::Wikify {
            dir,
            json,
            jsonl,
            threads,
            min_score,
            prior_only,
            lang,
        } => {
            if !(0.0..=1.0).contains(&min_score) {
                anyhow::bail!("--min-score must be between 0 and 1, not {min_score}");
            }
            if threads == Some(0) {
                anyhow::bail!("--threads must be at least 1");
            }
            let engine = Engine::open(&dir)?;
            if !engine.can_wikify() {
                anyhow::bail!(
                    "{} has no mention dictionary; rebuild it with this version of kenning",
                    dir.display()
                );
            }
            let options = WikifyOptions {
                min_score,
                prior_only,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let done = if jsonl {
                let threads = threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
                let mut input = std::io::stdin().lock();
                wikify_input::wikify_jsonl(&engine, options, threads, &mut input, &mut out)
            } else {
                let input = std::io::stdin().lock();
                wikify_input::wikify_stream(
                    &engine,
                    options,
                    lang.as_deref(),
                    json,
                    MAX_WIKIFY_BYTES,
                    input,
                    &mut out,
                )
            };
            match done
                .and_then(|()| std::io::Write::flush(&mut out).context("cannot write to stdout"))
            {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
                Err(e) => Err(e),
            }
        }
        Command::Records { action } => match action {
            RecordsAction::Export {
                dir,
                records_db,
                out,
            } => {
                let at = LiveRecordsAt::of(&dir, records_db)?;
                match out {
                    Some(path) => {
                        let file = std::fs::File::create(&path)
                            .with_context(|| format!("cannot create {}", path.display()))?;
                        live_records::export(&at, &mut std::io::BufWriter::new(file))?;
                    }
                    None => live_records::export(&at, &mut std::io::stdout().lock())?,
                }
                Ok(ExitCode::SUCCESS)
            }
            RecordsAction::Import {
                dir,
                file,
                records_db,
            } => {
                let at = LiveRecordsAt::of(&dir, records_db)?;
                let written = live_records::import(&at, &file)?;
                eprintln!(
                    "kenning: {written} records imported from {}",
                    file.display()
                );
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Concept { dir, title, json } => {
            let engine = open_reader(&dir)?;
            let found = engine.find_title(&title).or_else(|| {
                title
                    .trim()
                    .parse()
                    .ok()
                    .filter(|&id| engine.concept(id).is_some())
            });
            let Some(page) = found.and_then(|id| engine.concept(id)) else {
                anyhow::bail!(
                    "no concept titled {title:?} in {} (try `kenning search {} {title:?}`)",
                    dir.display(),
                    dir.display()
                );
            };
            print_out(&if json {
                output::to_json(&page)
            } else {
                output::concept_text(&page)
            })
        }
    }
}

/// Prints a command's result; a closed stdout (`kenning … | head`) ends
/// the command quietly instead of failing.
/// Whether the error is stdout closed by its reader (`kenning … | head`):
/// not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn print_out(text: &str) -> Result<ExitCode> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e).context("cannot write to stdout"),
    }
}

/// The settings file of `kenning serve --config`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ServeConfigFile {
    institution: Option<String>,
    notice: Option<String>,
    api_token: Option<String>,
    /// The PostgreSQL database of live records shared by several servers.
    records_db: Option<String>,
    /// How pages name each record type and its fields.
    #[serde(default)]
    record_types: kenning_server::RecordTypes,
}

impl ServeConfigFile {
    fn read(path: &std::path::Path) -> anyhow::Result<ServeConfigFile> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the config file {}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: {e} (expected {{\"institution\"?, \"notice\"?, \"api_token\"?, \
                 \"records_db\"?, \
                 \"record_types\"?: {{\"TYPE\": {{\"label\"?, \"plural\"?, \"fields\"?: {{\"FIELD\": \"LABEL\"}}, \"code_field\"?}}}}}})",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }
}

/// Opens a snapshot read-only, telling the user (on stderr) when records
/// written through the API cannot be shown.
fn open_reader(dir: &std::path::Path) -> Result<Engine> {
    let engine = Engine::open(dir)?;
    if let Some(note) = engine.note() {
        eprintln!("kenning: note: {note}");
    }
    Ok(engine)
}

/// `CODE=PATH` split into the path and its language, when `arg` is not
/// itself an existing path and starts with a language code and `=`.
fn split_language(arg: &std::path::Path) -> (PathBuf, Option<String>) {
    if !arg.exists()
        && let Some((code, path)) = arg.to_str().and_then(|s| s.split_once('='))
        && kenning_model::is_language_code(code)
    {
        return (PathBuf::from(path), Some(code.to_owned()));
    }
    (arg.to_owned(), None)
}

/// The sources of `kenning build` in the order they were given on the
/// command line, whatever their kind (the first source to hold a title
/// wins, so the order matters), and the languages given with them
/// (`CODE=PATH`).
fn sources_in_order(
    matches: &ArgMatches,
    dump: Vec<PathBuf>,
    extracted: Vec<PathBuf>,
    concepts: Vec<PathBuf>,
) -> (Vec<Source>, Vec<(PathBuf, String)>) {
    let mut sources: Vec<(usize, Source)> = Vec::new();
    let mut languages = Vec::new();
    let mut add = |id: &str, paths: Vec<PathBuf>, kind: fn(PathBuf) -> Source| {
        let indices: Vec<usize> = matches
            .indices_of(id)
            .map(Iterator::collect)
            .unwrap_or_default();
        for (k, arg) in paths.into_iter().enumerate() {
            let at = indices.get(k).copied().unwrap_or(usize::MAX);
            let (path, code) = split_language(&arg);
            if let Some(code) = code {
                languages.push((path.clone(), code));
            }
            sources.push((at, kind(path)));
        }
    };
    add("dump", dump, Source::Dump);
    add("extracted", extracted, Source::Extracted);
    add("concepts", concepts, Source::Concepts);
    // Stable: equal indices (none in practice) keep the kind order.
    sources.sort_by_key(|(at, _)| *at);
    (sources.into_iter().map(|(_, s)| s).collect(), languages)
}

/// A `--languages` item: a Wikipedia language code.
fn language_code(code: &str) -> Result<String, String> {
    let code = code.trim();
    if kenning_model::is_language_code(code) {
        Ok(code.to_owned())
    } else {
        Err(format!(
            "{code:?} is not a language code (Wikipedia's, such as en, fr, de or zh-yue)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_keep_the_command_line_order_across_kinds() {
        let matches = Cli::command().get_matches_from([
            "kenning",
            "build",
            "--out",
            "o",
            "--concepts",
            "a.jsonl",
            "--dump",
            "b.xml",
            "--extracted",
            "c",
            "--concepts",
            "d.jsonl",
            "--dump",
            "fr=e.xml",
        ]);
        let cli = Cli::from_arg_matches(&matches).unwrap();
        let Command::Build {
            dump,
            extracted,
            concepts,
            ..
        } = cli.command
        else {
            panic!("not build");
        };
        let (sources, languages) = sources_in_order(
            matches.subcommand_matches("build").unwrap(),
            dump,
            extracted,
            concepts,
        );
        assert_eq!(
            sources,
            [
                Source::Concepts("a.jsonl".into()),
                Source::Dump("b.xml".into()),
                Source::Extracted("c".into()),
                Source::Concepts("d.jsonl".into()),
                Source::Dump("e.xml".into()),
            ]
        );
        assert_eq!(languages, [(PathBuf::from("e.xml"), "fr".to_owned())]);
        // Not a language code: the path as given.
        assert_eq!(
            split_language(std::path::Path::new("x=y.xml")),
            (PathBuf::from("x=y.xml"), None)
        );
    }
}
