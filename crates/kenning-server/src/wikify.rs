//! Concept detection ("wikify"): `POST /api/v1/wikify` for programs and
//! the `/wikify` page for people, both over [`Engine::wikify`].
//!
//! On the page, every mention in the text is a link to its row in the
//! table of mentions (`#m-N`), which says why it was linked (concept,
//! score and the score's parts) and links to the concept's page: the
//! explanation is reachable by keyboard and by touch, without JavaScript,
//! and screen readers get it as the link's description
//! (`aria-describedby`). Hovering still shows it as a tooltip.
//!
//! Limits: the body may be up to [`MAX_WIKIFY_BODY_BYTES`] (a text grows
//! when JSON-escaped or form-encoded), the text in it up to
//! [`MAX_WIKIFY_BYTES`]; more is refused with 413 and a message saying to
//! split the text. Parsing the body and linking both run on the blocking
//! pool, like every other question to the engine.
//!
//! [`Engine::wikify`]: kenning_engine::Engine::wikify

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use kenning_engine::{
    Engine, MAX_WIKIFY_BYTES, WikifyAnnotation, WikifyConcept, WikifyOptions, WikifyResult,
};
use serde::Deserialize;

use crate::error::{ApiError, HttpError, PageError};
use crate::html::{self, Shell, escape};
use crate::language::native_name;
use crate::page_parts::capitalised;
use crate::{AppState, MAX_WIKIFY_BODY_BYTES};

/// What `POST /api/v1/wikify` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WikifyRequest {
    text: String,
    #[serde(default)]
    min_score: Option<f64>,
    #[serde(default)]
    prior_only: Option<bool>,
    /// The text's language; detected among the snapshot's when absent.
    #[serde(default)]
    lang: Option<String>,
}

/// The 413 of a body over [`MAX_WIKIFY_BODY_BYTES`].
pub(crate) fn body_too_large() -> HttpError {
    HttpError::PayloadTooLarge(format!(
        "the request body is larger than {MAX_WIKIFY_BODY_BYTES} bytes; a text is annotated \
         {MAX_WIKIFY_BYTES} bytes (1 MiB) at a time at most: split it into smaller pieces \
         and send each on its own"
    ))
}

/// Reads the JSON body of `POST /api/v1/wikify`: an object (serde would
/// take an array for a struct too), no unknown fields.
fn parse_request(body: &[u8]) -> Result<WikifyRequest, HttpError> {
    const USAGE: &str = "send a JSON object {\"text\": \"…\"}, optionally with \"min_score\" \
                         (0 to 1), \"prior_only\" (true or false) and \"lang\" (a language \
                         code such as \"fr\")";
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|&b| b != b'{') {
        return Err(HttpError::BadRequest(format!(
            "the body is not a JSON object: {USAGE}"
        )));
    }
    serde_json::from_slice(body).map_err(|e| {
        HttpError::BadRequest(format!("the body is not a wikify request ({e}): {USAGE}"))
    })
}

/// Refuses a text over [`MAX_WIKIFY_BYTES`] (it is never cut silently).
fn check_length(text: &str) -> Result<(), HttpError> {
    if text.len() > MAX_WIKIFY_BYTES {
        return Err(HttpError::PayloadTooLarge(format!(
            "the text is {} bytes long; at most {MAX_WIKIFY_BYTES} bytes (1 MiB) are annotated \
             at a time: split it into smaller pieces (at paragraph breaks, say) and send each \
             on its own",
            text.len()
        )));
    }
    Ok(())
}

/// The options of a request; `min_score` must be in `[0, 1]`.
fn options(min_score: Option<f64>, prior_only: bool) -> Result<WikifyOptions, HttpError> {
    let mut options = WikifyOptions {
        prior_only,
        ..WikifyOptions::default()
    };
    if let Some(min_score) = min_score {
        if !(0.0..=1.0).contains(&min_score) {
            return Err(HttpError::BadRequest(format!(
                "`min_score` must be a number from 0 to 1, not {min_score}"
            )));
        }
        options.min_score = min_score as f32;
    }
    Ok(options)
}

/// A body that could not be read: too large, or cut off.
fn unreadable(rejection: &BytesRejection) -> HttpError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        body_too_large()
    } else {
        HttpError::BadRequest("the request body could not be read".to_owned())
    }
}

/// Checks a request's `lang`: a language code, as Wikipedia writes them.
fn check_lang(lang: Option<&str>) -> Result<(), HttpError> {
    match lang {
        Some(code) if !kenning_model::is_language_code(code) => Err(HttpError::BadRequest(
            format!("`lang` must be a language code such as \"en\" or \"fr\", not {code:?}"),
        )),
        _ => Ok(()),
    }
}

/// Links `text`, written in `lang` (else detected), or says that this
/// snapshot cannot.
fn link(
    engine: &Engine,
    text: &str,
    lang: Option<&str>,
    options: WikifyOptions,
) -> Result<WikifyResult, HttpError> {
    if !engine.can_wikify() {
        return Err(HttpError::Unavailable(
            "this snapshot has no mention dictionary, so it cannot detect concepts: rebuild it \
             with this version of kenning (`kenning build --out DIR …`)"
                .to_owned(),
        ));
    }
    check_lang(lang)?;
    Ok(engine.wikify_in(text, lang, options))
}

/// `POST /api/v1/wikify`: `{"text", "min_score"?, "prior_only"?, "lang"?}` → the
/// engine's [`WikifyResult`], the shape `kenning wikify --json` prints.
pub(crate) async fn api(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<WikifyResult>, ApiError> {
    let body = body.map_err(|r| unreadable(&r))?;
    let result = state
        .ask(move |engine| {
            let request = parse_request(&body)?;
            check_length(&request.text)?;
            let options = options(request.min_score, request.prior_only.unwrap_or(false))?;
            link(engine, &request.text, request.lang.as_deref(), options)
        })
        .await??;
    Ok(Json(result))
}

/// What the `/wikify` form holds, as typed.
#[derive(Debug, Default)]
struct Form {
    text: String,
    /// The minimum score as typed (empty for the default).
    min_score: String,
    prior_only: bool,
    /// The text's language as chosen (empty: detect it).
    lang: String,
    /// The languages the snapshot links texts in (the choice is offered
    /// when there are several).
    languages: Vec<String>,
}

impl Form {
    /// Parses a form-urlencoded body; never fails (bad escapes and invalid
    /// UTF-8 become replacement characters).
    fn parse(body: &[u8]) -> Form {
        let mut form = Form::default();
        let mut seen_text = false;
        for (name, value) in form_urlencoded::parse(body) {
            match &*name {
                "text" if !seen_text => {
                    form.text = value.into_owned();
                    seen_text = true;
                }
                "min_score" => form.min_score = value.trim().to_owned(),
                "prior_only" => form.prior_only = !value.is_empty() && value != "0",
                "lang" => form.lang = value.trim().to_owned(),
                _ => {}
            }
        }
        form
    }

    fn options(&self) -> Result<WikifyOptions, HttpError> {
        let min_score = match self.min_score.as_str() {
            "" => None,
            typed => Some(typed.parse::<f64>().map_err(|_| {
                HttpError::BadRequest(format!(
                    "The minimum score must be a number from 0 to 1, not “{typed}”."
                ))
            })?),
        };
        options(min_score, self.prior_only)
    }
}

/// What the page shows under the form.
#[derive(Debug)]
enum Outcome {
    /// Nothing yet (the empty form), with a note when there is one.
    Form(Option<&'static str>),
    /// The text could not be annotated.
    Failed(HttpError),
    /// The annotated text.
    Linked(WikifyResult),
}

/// `GET /wikify`: the empty form.
pub(crate) async fn page(State(state): State<AppState>) -> Result<Html<String>, PageError> {
    let (ready, languages) = state.answer(|e| (e.can_wikify(), e.wikify_languages()));
    let note = (!ready).then_some(
        "This snapshot has no mention dictionary, so it cannot detect concepts. \
         Rebuild it with this version of kenning to use this page.",
    );
    let form = Form {
        languages,
        ..Form::default()
    };
    Ok(Html(render(&form, &Outcome::Form(note))))
}

/// `POST /wikify` (form-urlencoded `text`, `min_score`, `prior_only`):
/// the text annotated, or the form again with what went wrong.
pub(crate) async fn submit(
    State(state): State<AppState>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, PageError> {
    let body = body.map_err(|r| unreadable(&r))?;
    let (status, page) = state
        .ask(move |engine| {
            let mut form = Form::parse(&body);
            form.languages = engine.wikify_languages();
            let outcome = match check_length(&form.text).and_then(|()| form.options()) {
                Err(error) => {
                    if matches!(error, HttpError::PayloadTooLarge(_)) {
                        // Not echoed back: the person pastes a shorter piece.
                        form.text.clear();
                    }
                    Outcome::Failed(error)
                }
                Ok(_) if form.text.trim().is_empty() => Outcome::Form(Some(
                    "Paste or type a text above, then press “Find concepts”.",
                )),
                Ok(options) => match link(
                    engine,
                    &form.text,
                    Some(form.lang.as_str()).filter(|l| !l.is_empty()),
                    options,
                ) {
                    Ok(result) => Outcome::Linked(result),
                    Err(error) => Outcome::Failed(error),
                },
            };
            let status = match &outcome {
                Outcome::Failed(error) => error.status(),
                _ => StatusCode::OK,
            };
            (status, render(&form, &outcome))
        })
        .await?;
    Ok((status, Html(page)).into_response())
}

/// The strength of a mention's highlight, from its score: 1 (weak) to 4.
fn level(score: f32) -> u8 {
    match score {
        s if s >= 0.7 => 4,
        s if s >= 0.55 => 3,
        s if s >= 0.4 => 2,
        _ => 1,
    }
}

/// A score for people: two decimals, or a dash when it is not a number.
fn shown(score: f32) -> String {
    if score.is_finite() {
        format!("{score:.2}")
    } else {
        "–".to_owned()
    }
}

/// Why a mention was linked, one line a part (not yet escaped): the score
/// and its parts, the notes on them, the candidates and the runner-up.
fn explanation(a: &WikifyAnnotation) -> Vec<String> {
    let p = &a.parts;
    let mut lines = vec![format!(
        "score {}: link probability {}, commonness {}, coherence {}, context {}",
        shown(a.score),
        shown(p.link_probability),
        shown(p.commonness),
        shown(p.coherence),
        shown(p.context),
    )];
    if p.title_prior {
        lines.push(
            "link probability: the title-match prior (a title never used as a link, written as a name, or a person's surname)"
                .to_owned(),
        );
    }
    if p.unambiguous {
        lines.push("unambiguous: its link probability stands in for coherence".to_owned());
    }
    if p.repeats_name {
        lines.push(
            "repeats a name linked earlier in the text: its concept and score are that name's"
                .to_owned(),
        );
    }
    let mut candidates = format!(
        "{} candidate{}",
        a.candidates,
        if a.candidates == 1 { "" } else { "s" }
    );
    if let Some(r) = &a.runner_up {
        let _ = write!(candidates, "; runner-up {} ({})", r.title, shown(r.score));
    }
    lines.push(candidates);
    lines
}

/// What hovering a mention shows: the concept, then [`explanation`] (not
/// yet escaped).
fn hover(a: &WikifyAnnotation) -> String {
    format!("{}\n{}", a.concept.title, explanation(a).join("\n"))
}

/// A row of the table of mentions: the mentions of the text that have the
/// same phrase, concept and explanation (a text naming a place fifty times
/// gets one row, not fifty).
#[derive(Debug)]
struct MentionRow<'a> {
    /// The first of them.
    annotation: &'a WikifyAnnotation,
    /// The phrase as written.
    phrase: &'a str,
    /// How many mentions share the row.
    count: usize,
}

/// `text` escaped, each annotation a link to its row of the table of
/// mentions (`#m-N`, described by the row's concept and explanation for
/// screen readers, the explanation on hover too); the first mention of
/// each row has the id `t-N`, for the row to link back to. Annotations are
/// taken in text order; one that overlaps an earlier one or does not fall
/// on character boundaries is skipped. Returns the HTML and the rows.
fn annotated<'a>(
    text: &'a str,
    annotations: &'a [WikifyAnnotation],
) -> (String, Vec<MentionRow<'a>>) {
    let mut out = String::with_capacity(text.len() + annotations.len() * 240);
    let mut rows: Vec<MentionRow<'a>> = Vec::new();
    let mut row_of: HashMap<(&str, u32, String), usize> = HashMap::new();
    let mut at = 0;
    for a in annotations {
        let (start, end) = (a.byte_start, a.byte_end);
        if start < at || start >= end {
            continue;
        }
        let Some(phrase) = text.get(start..end) else {
            continue;
        };
        let title = hover(a);
        let key = (phrase, a.concept.id, title.clone());
        let (n, first) = match row_of.get(&key) {
            Some(&n) => {
                rows[n - 1].count += 1;
                (n, false)
            }
            None => {
                rows.push(MentionRow {
                    annotation: a,
                    phrase,
                    count: 1,
                });
                row_of.insert(key, rows.len());
                (rows.len(), true)
            }
        };
        let id = if first {
            format!(" id=\"t-{n}\"")
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "{}<a class=\"mention level-{}\"{id} href=\"#m-{n}\" aria-describedby=\"m-{n}-to m-{n}-why\" \
             title=\"{}\" data-score=\"{}\">{}</a>",
            escape(&text[at..start]),
            level(a.score),
            escape(&title),
            shown(a.score),
            escape(phrase),
        );
        at = end;
    }
    let _ = write!(out, "{}", escape(&text[at..]));
    (out, rows)
}

/// The table of mentions: one row (`id="m-N"`) per [`MentionRow`], with the
/// phrase (a link back to the text), the concept (a link to its page), and
/// why (the score and its parts). The mentions in the text link here.
fn mention_table(b: &mut String, rows: &[MentionRow<'_>]) {
    b.push_str(
        "<div class=\"wikify-table-wrap\">\n<table class=\"wikify-mentions\">\n<thead><tr>\
         <th scope=\"col\">Mention</th><th scope=\"col\">Concept</th>\
         <th scope=\"col\">Score and why</th></tr></thead>\n<tbody>\n",
    );
    for (i, row) in rows.iter().enumerate() {
        let n = i + 1;
        let a = row.annotation;
        let times = if row.count > 1 {
            format!(" <span class=\"times\">({} times)</span>", row.count)
        } else {
            String::new()
        };
        let _ = writeln!(
            b,
            "<tr id=\"m-{n}\"><th scope=\"row\"><a href=\"#t-{n}\" title=\"Back to the text\">{phrase}</a>{times}</th>\
             <td id=\"m-{n}-to\"><a href=\"/concept/{id}\">{title}</a></td>\
             <td class=\"why\" id=\"m-{n}-why\">{why}</td></tr>",
            phrase = escape(row.phrase),
            id = a.concept.id,
            title = escape(&a.concept.title),
            why = escape(&explanation(a).join("; ")),
        );
    }
    b.push_str("</tbody>\n</table>\n</div>\n");
}

/// The table of the text's concepts, best first.
fn concept_table(b: &mut String, concepts: &[WikifyConcept]) {
    b.push_str(
        "<table class=\"wikify-concepts\">\n<thead><tr><th scope=\"col\">Concept</th>\
         <th scope=\"col\" class=\"num\">Score</th><th scope=\"col\" class=\"num\">Mentions</th>\
         </tr></thead>\n<tbody>\n",
    );
    for c in concepts {
        let value = if c.score.is_finite() {
            c.score.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = writeln!(
            b,
            "<tr><td><a href=\"/concept/{id}\">{title}</a></td>\
             <td class=\"num\"><meter min=\"0\" max=\"1\" value=\"{value:.3}\">{score}</meter> \
             <span class=\"score\">{score}</span></td><td class=\"num\">{mentions}</td></tr>",
            id = c.id,
            title = escape(&c.title),
            score = shown(c.score),
            mentions = c.mentions,
        );
    }
    b.push_str("</tbody>\n</table>\n");
}

/// The whole `/wikify` page: the form (filled with `form`) and `outcome`.
/// The choice of the text's language, when the snapshot links texts in
/// several: "Detect" (the default) or one of them.
fn language_choice(form: &Form) -> String {
    if form.languages.len() < 2 {
        return String::new();
    }
    let mut out = String::from(
        "<label>Language <select name=\"lang\">\n<option value=\"\">Detect</option>\n",
    );
    for code in &form.languages {
        let _ = writeln!(
            out,
            "<option value=\"{code}\" lang=\"{code}\"{selected}>{name}</option>",
            code = escape(code),
            selected = if form.lang == *code { " selected" } else { "" },
            name = escape(native_name(code)),
        );
    }
    out.push_str("</select></label>\n");
    out
}

fn render(form: &Form, outcome: &Outcome) -> String {
    let mut b = String::with_capacity(8192 + form.text.len() * 3);
    b.push_str("<article class=\"wikify\">\n<header class=\"wikify-header\">\n");
    b.push_str("<p class=\"type-label\">Wikify</p>\n<h1>Find the concepts in a text</h1>\n");
    let _ = writeln!(
        b,
        "<p class=\"lede\">Paste a text of up to 1 MiB: every phrase that names a concept is \
         linked to the line of the table of mentions that says why it was chosen (hovering \
         it shows the same), and from there to the concept's page. Programs can ask the same \
         with <code>POST /api/v1/wikify</code> (see the <a href=\"/api\">API</a>).</p>"
    );
    b.push_str("</header>\n");

    // The form; the text area's first line break is dropped by HTML
    // parsers, so one is written before the text to keep the text's own.
    let _ = writeln!(
        b,
        "<form class=\"wikify-form\" action=\"/wikify\" method=\"post\" accept-charset=\"utf-8\">\n\
         <label for=\"wikify-text\" class=\"visually-hidden\">Text</label>\n\
         <textarea id=\"wikify-text\" name=\"text\" rows=\"10\" required \
         placeholder=\"Paste or type a text…\">\n{text}</textarea>\n\
         <div class=\"wikify-options\">\n\
         <label>Minimum score <input type=\"number\" name=\"min_score\" min=\"0\" max=\"1\" \
         step=\"0.05\" value=\"{min_score}\" placeholder=\"{default:.2}\"></label>\n\
         <label><input type=\"checkbox\" name=\"prior_only\" value=\"on\"{checked}> \
         Most common concept only (the baseline)</label>\n\
         {languages}<button type=\"submit\">Find concepts</button>\n</div>\n</form>",
        text = escape(&form.text),
        min_score = escape(&form.min_score),
        default = WikifyOptions::default().min_score,
        checked = if form.prior_only { " checked" } else { "" },
        languages = language_choice(form),
    );

    match outcome {
        Outcome::Form(None) => {}
        Outcome::Form(Some(note)) => {
            let _ = writeln!(b, "<p class=\"wikify-note\">{}</p>", escape(note));
        }
        Outcome::Failed(error) => {
            let _ = writeln!(
                b,
                "<div class=\"wikify-error\" role=\"alert\">\n<p class=\"heading\">{}</p>\n<p>{}</p>\n</div>",
                escape(error.heading()),
                // Error messages are written for the JSON API, in lower case.
                escape(&capitalised(&error.message())),
            );
        }
        Outcome::Linked(result) => {
            let mentions = result.annotations.len();
            let concepts = result.concepts.len();
            b.push_str("<section id=\"annotated\">\n<h2>Annotated text</h2>\n");
            // The language it was read in, when the reader had a choice.
            let language = match &result.language {
                Some(code) if form.languages.len() > 1 => format!(
                    ", read in {}{}",
                    escape(native_name(code)),
                    if result.language_detected {
                        " (detected)"
                    } else {
                        ""
                    }
                ),
                _ => String::new(),
            };
            let _ = writeln!(
                b,
                "<p class=\"count\">{mentions} mention{} of {concepts} concept{}{language}.</p>",
                if mentions == 1 { "" } else { "s" },
                if concepts == 1 { "" } else { "s" },
            );
            let (text, rows) = annotated(&form.text, &result.annotations);
            let _ = writeln!(b, "<div class=\"wikified\">{text}</div>");
            b.push_str("</section>\n");
            b.push_str("<section id=\"concepts\">\n<h2>Concepts</h2>\n");
            if result.concepts.is_empty() {
                b.push_str(
                    "<p class=\"empty\">No concept was found. Try a lower minimum score, or a \
                     text that names things this wiki has pages about.</p>\n",
                );
            } else {
                concept_table(&mut b, &result.concepts);
            }
            b.push_str("</section>\n");
            if !rows.is_empty() {
                b.push_str(
                    "<section id=\"mentions\">\n<h2>Mentions</h2>\n<p class=\"count\">Why each \
                     mention was linked; select a mention in the text to come here, its phrase \
                     here to go back.</p>\n",
                );
                mention_table(&mut b, &rows);
                b.push_str("</section>\n");
            }
        }
    }

    b.push_str(
        "<section id=\"scores\" class=\"about\">\n<h2>How to read the scores</h2>\n\
         <p>Every score is between 0 and 1. A mention's score mixes four parts, shown in the \
         table of mentions and when you hover it: <strong>link probability</strong>, how often the phrase is a link where it \
         appears in the wiki; <strong>commonness</strong>, how often its links lead to this \
         concept rather than another; <strong>coherence</strong>, how related the concept is to \
         the other concepts found in the text (through the pages that link to both); and \
         <strong>context</strong>, the share of the concept's summary words that the text uses. \
         Mentions scoring below the minimum score are left out; the stronger a highlight, the \
         higher the score.</p>\n\
         <p>A concept's score combines the evidence of all its mentions. A name repeated \
         later in the text (\u{201c}Fermi\u{201d} after \u{201c}Enrico Fermi\u{201d}) takes the \
         concept and score of its full mention; dates are not linked. The results are \
         computed automatically and may be wrong.</p>\n</section>\n</article>",
    );

    html::page(
        &Shell {
            title: "Wikify",
            query: "",
            header_search: true,
            body_class: "wikify",
            ..Shell::default()
        },
        &b,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_engine::{LinkedConcept, WikifyRunnerUp, WikifyScoreParts};

    fn annotation(byte_start: usize, byte_end: usize, title: &str, score: f32) -> WikifyAnnotation {
        WikifyAnnotation {
            start: byte_start,
            end: byte_end,
            byte_start,
            byte_end,
            text: String::new(),
            concept: LinkedConcept {
                id: 7,
                title: title.to_owned(),
            },
            score,
            parts: WikifyScoreParts {
                link_probability: 0.5,
                commonness: 1.0,
                coherence: 0.25,
                context: f32::NAN,
                title_prior: false,
                unambiguous: false,
                repeats_name: false,
            },
            candidates: 2,
            runner_up: Some(WikifyRunnerUp {
                id: 8,
                title: "<b>Other</b>".to_owned(),
                score: 0.125,
            }),
        }
    }

    #[test]
    fn mentions_are_linked_and_everything_is_escaped() {
        let text = "<i>x</i> lake & \"lake\" é";
        let a = annotation(9, 13, "Lake \"<script>\"", 0.61);
        let overlapping = annotation(10, 14, "Lake", 0.9);
        let split = annotation(25, 26, "É", 0.9);
        let annotations = [a, overlapping, split];
        let (html, rows) = annotated(text, &annotations);
        assert_eq!(
            html,
            "&lt;i&gt;x&lt;/i&gt; <a class=\"mention level-3\" id=\"t-1\" href=\"#m-1\" \
             aria-describedby=\"m-1-to m-1-why\" \
             title=\"Lake &quot;&lt;script&gt;&quot;\nscore 0.61: link probability 0.50, \
             commonness 1.00, coherence 0.25, context –\n2 candidates; runner-up \
             &lt;b&gt;Other&lt;/b&gt; (0.12)\" data-score=\"0.61\">lake</a> &amp; \
             &quot;lake&quot; é"
        );
        assert_eq!(rows.len(), 1);
        let mut table = String::new();
        mention_table(&mut table, &rows);
        assert!(
            table.contains(
                "<tr id=\"m-1\"><th scope=\"row\"><a href=\"#t-1\" title=\"Back to the text\">lake</a></th>\
                 <td id=\"m-1-to\"><a href=\"/concept/7\">Lake &quot;&lt;script&gt;&quot;</a></td>\
                 <td class=\"why\" id=\"m-1-why\">score 0.61: link probability 0.50, commonness 1.00, \
                 coherence 0.25, context –; 2 candidates; runner-up &lt;b&gt;Other&lt;/b&gt; (0.12)</td></tr>"
            ),
            "{table}"
        );
    }

    #[test]
    fn mentions_alike_share_a_row() {
        let text = "lake, lake, Lake";
        let mut third = annotation(12, 16, "Lake", 0.61);
        third.parts.unambiguous = true;
        let annotations = [
            annotation(0, 4, "Lake", 0.61),
            annotation(6, 10, "Lake", 0.61),
            third,
        ];
        let (html, rows) = annotated(text, &annotations);
        assert_eq!(html.matches("href=\"#m-1\"").count(), 2, "{html}");
        assert_eq!(html.matches("href=\"#m-2\"").count(), 1, "{html}");
        assert_eq!(html.matches(" id=\"t-").count(), 2, "{html}");
        assert_eq!(
            rows.iter().map(|r| (r.phrase, r.count)).collect::<Vec<_>>(),
            [("lake", 2), ("Lake", 1)]
        );
        let mut table = String::new();
        mention_table(&mut table, &rows);
        assert!(table.contains("(2 times)"), "{table}");
        assert!(table.contains("unambiguous: its link probability stands in for coherence"));
    }

    #[test]
    fn options_and_forms() {
        assert!(options(Some(1.5), false).is_err());
        assert!(options(Some(-0.1), false).is_err());
        assert_eq!(options(Some(0.5), true).unwrap().min_score, 0.5);
        assert_eq!(options(None, false).unwrap(), WikifyOptions::default());
        let form = Form::parse(b"text=a+%C3%A9%26b&min_score=+0.3+&prior_only=on&text=ignored");
        assert_eq!(form.text, "a é&b");
        assert_eq!(form.options().unwrap().min_score, 0.3);
        assert!(form.prior_only);
        let form = Form::parse(b"text=x&min_score=high");
        assert!(form.options().is_err());
        assert!(check_length(&"x".repeat(MAX_WIKIFY_BYTES)).is_ok());
        assert!(check_length(&"x".repeat(MAX_WIKIFY_BYTES + 1)).is_err());
        assert_eq!(level(0.2), 1);
        assert_eq!(level(0.45), 2);
        assert_eq!(level(0.6), 3);
        assert_eq!(level(0.95), 4);
        assert_eq!(level(f32::NAN), 1);
        assert_eq!(capitalised("the text"), "The text");
    }
}
