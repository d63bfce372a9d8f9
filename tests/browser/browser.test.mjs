// kenning in a real browser: headless Chromium (Debian's package) driven by
// playwright-core. Builds the example wiki, starts `kenning serve`, types in
// the home page's search box, picks a suggestion, reads the concept page and
// follows a link in its summary; pastes a text into /wikify, opens the
// explanation of a mention (by mouse, then by keyboard alone) and follows
// one of the concepts it found; opens a record page (a course built from a
// records file written here) from its concept's page and follows its
// relations; reads the API documentation at /api, on a wide screen and on a
// phone's; reads a concept in French, by the language switcher and by the
// browser's language. Screenshots go to target/browser/.
//
// Run: (cd tests/browser && npm ci && node --test)
// Env: KENNING_BIN (default target/debug/kenning), CHROMIUM (default /usr/bin/chromium).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = process.env.KENNING_BIN ?? path.join(root, "target/debug/kenning");
const shots = path.join(root, "target/browser");
const port = 20000 + (process.pid % 10000);
const base = `http://127.0.0.1:${port}`;

let work;
let server;
let browser;

async function waitForHealth(deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`kenning serve did not answer on ${base}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Records about the example wiki, invented for this test: a course taught
// by a person (an id with a comma and spaces) and by someone absent from the
// records, the person a member of a unit.
const records = [
  {
    type: "course", id: "GEO-210(b)", title: "Shorelines of the north",
    text: "A walking seminar along Lake Tessel and the Tessel River, from the Merrowby Lighthouse " +
      "to Kettle Island, with a crossing on the Merrowby Ferry.",
    url: "https://courses.example.edu/GEO-210b", lang: "en",
    fields: { credits: 3, semester: "spring", tags: ["field work", "water"], course_code: "GEO-210" },
    links: [
      { rel: "taught_by", type: "person", id: "brandt, helga m." },
      { rel: "taught_by", type: "person", id: "999999" },
    ],
  },
  {
    type: "person", id: "brandt, helga m.", title: "Helga M. Brandt", text: "",
    fields: { position: "Lecturer" },
    links: [{ rel: "member_of", type: "unit", id: "SHORE" }],
  },
  {
    type: "unit", id: "SHORE", title: "Shoreline Studies Group",
    text: "Studies Lake Tessel and the harbour of Merrowby.",
  },
];

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), "kenning-browser-"));
  const snap = path.join(work, "snap");
  const recordsFile = path.join(work, "records.jsonl");
  writeFileSync(recordsFile, records.map((r) => JSON.stringify(r)).join("\n") + "\n");
  execFileSync(bin, [
    "build", "--quiet", "--out", snap,
    "--dump", path.join(root, "examples/tiny-wiki.xml"),
    "--concepts", path.join(root, "examples/tiny-concepts.jsonl"),
    "--dump", path.join(root, "examples/tiny-wiki-fr.xml"),
    "--records", recordsFile,
    "--ontology", path.join(root, "examples/tiny-ontology.jsonl"),
  ]);
  server = spawn(bin, ["serve", snap, "--addr", `127.0.0.1:${port}`], { stdio: ["ignore", "ignore", "inherit"] });
  await waitForHealth(10_000);
  mkdirSync(shots, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (work) rmSync(work, { recursive: true, force: true });
});

test("type a query, pick a suggestion, read the concept, follow a summary link", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  await page.goto(`${base}/`);
  const box = page.locator("input[data-suggest]").first();
  await box.click();
  await box.pressSequentially("lightho", { delay: 40 });
  const suggestion = page.locator("ul.suggestions li", { hasText: "Merrowby Lighthouse" });
  await suggestion.first().waitFor({ state: "visible", timeout: 5_000 });
  await page.screenshot({ path: path.join(shots, "suggestions.png") });

  await box.press("ArrowDown");
  await Promise.all([page.waitForURL(/\/concept\/\d+$/), box.press("Enter")]);
  assert.equal(await page.locator("h1").innerText(), "Merrowby Lighthouse");
  assert.equal((await page.locator(".type-label").textContent()).trim(), "Concept");
  const about = await page.locator("body").textContent();
  assert.match(about, /About this result/);
  assert.match(about, /automatically generated/);
  await page.screenshot({ path: path.join(shots, "concept.png"), fullPage: true });

  const link = page.locator("#summary a[href^='/concept/']").first();
  const target = await link.innerText();
  const href = await link.getAttribute("href");
  await Promise.all([page.waitForURL(`${base}${href}`), link.click()]);
  const heading = await page.locator("h1").innerText();
  assert.ok(heading.length > 0 && heading !== "Merrowby Lighthouse", `followed "${target}" to "${heading}"`);
  await page.close();
});

test("search works without JavaScript", async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.locator("input[name='q']").first().fill("lantern");
  await Promise.all([page.waitForURL(/\/search\?/), page.locator("input[name='q']").first().press("Enter")]);
  const results = await page.locator("main").innerText();
  assert.match(results, /Merrowby Lantern Festival/);
  await page.screenshot({ path: path.join(shots, "search-no-js.png") });
  await context.close();
});

test("paste a text into /wikify, see its concepts linked, follow one", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });

  // Linked from every page's header.
  await page.goto(`${base}/`);
  await Promise.all([page.waitForURL(`${base}/wikify`), page.locator("nav.site-nav a[href='/wikify']").click()]);
  assert.equal(await page.locator("h1").innerText(), "Find the concepts in a text");

  const text =
    "Über den Sée — the ferry from Merrowby crosses Lake Tessel to Kettle Island,\n" +
    "where Ida Varrow designed the lighthouse. <script>alert(1)</script>";
  await page.locator("textarea[name='text']").fill(text);
  await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/wikify` && r.request().method() === "POST"),
    page.locator("form.wikify-form button[type='submit']").click(),
  ]);
  const mentions = page.locator(".wikified a.mention");
  await mentions.first().waitFor({ state: "visible", timeout: 5_000 });
  const count = await mentions.count();
  assert.ok(count >= 3, `${count} mentions`);
  // The text is shown as typed (markup included, as text), mentions linked.
  assert.equal(await page.locator(".wikified").innerText(), text);
  const lake = page.locator(".wikified a.mention", { hasText: "Lake Tessel" });
  // A mention links to its explanation, a row of the table of mentions.
  assert.match(await lake.getAttribute("href"), /^#m-\d+$/);
  const hover = await lake.getAttribute("title");
  assert.match(hover, /^Lake Tessel\nscore 0\.\d\d: link probability/);
  assert.ok((await page.locator("table.wikify-concepts tbody tr").count()) >= 3);
  assert.match(await page.locator("#scores").innerText(), /commonness/);
  // The text stays in the form.
  assert.equal(await page.locator("textarea[name='text']").inputValue(), text);

  await lake.hover();
  await page.screenshot({ path: path.join(shots, "wikify.png"), fullPage: true });

  const row = await lake.getAttribute("href");
  await lake.click();
  await page.waitForFunction((hash) => location.hash === hash, row);
  const explanation = page.locator(`tr${row}`);
  assert.match(await explanation.innerText(), /Lake Tessel[\s\S]*score 0\.\d\d: link probability/);
  // From the explanation to the concept's page.
  const concept = explanation.locator("a[href^='/concept/']");
  const href = await concept.getAttribute("href");
  await Promise.all([page.waitForURL(`${base}${href}`), concept.click()]);
  assert.equal(await page.locator("h1").innerText(), "Lake Tessel");
  assert.deepEqual(problems, []);
  await page.close();
});

test("reach a mention's explanation with the keyboard alone", async () => {
  const page = await browser.newPage({ viewport: { width: 800, height: 700 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  await page.goto(`${base}/wikify`);
  await page
    .locator("textarea[name='text']")
    .fill("The ferry from Merrowby crosses Lake Tessel to Kettle Island, where Ida Varrow designed the lighthouse.");
  await Promise.all([
    page.waitForResponse((r) => r.url() === `${base}/wikify` && r.request().method() === "POST"),
    page.locator("form.wikify-form button[type='submit']").click(),
  ]);
  await page.locator(".wikified a.mention").first().waitFor({ state: "visible", timeout: 5_000 });

  // Tab from the top of the page until a mention has the focus.
  await page.evaluate(() => document.activeElement?.blur());
  let focused = null;
  for (let i = 0; i < 40 && !focused; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => {
      const e = document.activeElement;
      return e?.matches(".wikified a.mention")
        ? { href: e.getAttribute("href"), text: e.textContent, describedBy: e.getAttribute("aria-describedby") }
        : null;
    });
  }
  assert.ok(focused, "no mention took the focus");
  assert.match(focused.href, /^#m-\d+$/);
  // Screen readers read the row's concept and explanation with the link.
  const id = focused.href.slice(1);
  assert.equal(focused.describedBy, `${id}-to ${id}-why`);
  const description = await page.evaluate(
    (ids) => ids.split(" ").map((i) => document.getElementById(i).textContent).join(" "),
    focused.describedBy,
  );
  assert.match(description, /score 0\.\d\d: link probability/);

  await page.keyboard.press("Enter");
  await page.waitForFunction((hash) => location.hash === hash, focused.href);
  const row = await page.evaluate(() => {
    const target = document.querySelector(":target");
    const box = target.getBoundingClientRect();
    return {
      id: target.id,
      tag: target.tagName,
      text: target.textContent,
      inView: box.top >= 0 && box.bottom <= window.innerHeight,
      background: getComputedStyle(target.querySelector("td")).backgroundColor,
    };
  });
  assert.equal(row.id, id);
  assert.equal(row.tag, "TR");
  assert.ok(row.text.includes(focused.text), `${row.text} names ${focused.text}`);
  assert.ok(row.inView, "the explanation is not in view");
  assert.equal(row.background, "rgb(255, 241, 168)", "the explanation is not highlighted");
  await page.screenshot({ path: path.join(shots, "wikify-keyboard.png") });
  assert.deepEqual(problems, []);
  await page.close();
});

test("read the API documentation, on a wide screen and on a phone", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });

  // Linked from every page's footer.
  await page.goto(`${base}/`);
  await Promise.all([page.waitForURL(`${base}/api`), page.locator("footer a[href='/api']").click()]);
  assert.equal(await page.locator("h1").innerText(), "The kenning API");
  const contents = await page.locator("nav.api-toc").innerText();
  assert.match(contents, /\/api\/v1\/search/);
  assert.match(contents, /\/api\/v1\/wikify/);
  assert.ok(await page.locator("a[href='/api/openapi.json']").count() >= 1);
  await page.screenshot({ path: path.join(shots, "api.png") });

  // The contents lead to each endpoint, shown with an example.
  const entry = page.locator("nav.api-toc a[href='#op-search']");
  await entry.click();
  await page.waitForFunction(() => location.hash === "#op-search");
  const search = page.locator("#op-search");
  assert.match(
    await search.locator("pre.api-example-request").innerText(),
    /^curl 'http:\/\/127\.0\.0\.1:8080\/api\/v1\/search\?q=lake/,
  );
  assert.match(await search.locator("pre.api-example-response").innerText(), /^HTTP\/1\.1 200 OK\nContent-Type: application\/json\n\n\{/);
  const sections = await page.locator("section.api-op").count();
  assert.equal(await page.locator("section.api-op pre.api-example-request").count(), sections);
  assert.equal(await page.locator("section.api-op pre.api-example-response").count(), sections);
  await page.screenshot({ path: path.join(shots, "api-search.png") });

  // On a phone: the page does not scroll sideways, the examples do.
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto(`${base}/api#op-wikify`);
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    view: document.documentElement.clientWidth,
    pre: [...document.querySelectorAll("pre.api-example")].some((p) => p.scrollWidth > p.clientWidth),
  }));
  assert.ok(widths.page <= widths.view, `the page is ${widths.page} px wide in ${widths.view}`);
  assert.ok(widths.pre, "no example scrolls sideways");
  await page.screenshot({ path: path.join(shots, "api-phone.png") });
  assert.deepEqual(problems, []);
  await page.close();
});

test("open a course from its concept's page, read it, follow its teacher", async () => {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });

  // Lake Tessel's page lists the course in its institution section.
  await page.goto(`${base}/wiki/Lake_Tessel`);
  assert.equal(await page.locator("h1").innerText(), "Lake Tessel");
  const section = page.locator("#records-course");
  assert.match(await section.locator("h2").innerText(), /^Courses \(\d+\)$/i);
  const course = section.locator("a", { hasText: "Shorelines of the north" });
  await Promise.all([page.waitForURL(`${base}/course/GEO-210(b)`), course.click()]);

  assert.equal(await page.locator("h1").innerText(), "Shorelines of the north");
  assert.equal((await page.locator(".type-label").textContent()).trim(), "Course · GEO-210");
  // Mentions in the text link to their concepts, the score on hover.
  const mention = page.locator("#text a", { hasText: "Lake Tessel" }).first();
  assert.match(await mention.getAttribute("href"), /^\/concept\/\d+$/);
  assert.match(await mention.getAttribute("title"), /^Lake Tessel \(score 0\.\d\d\)$/);
  assert.ok((await page.locator("#concepts ol.related li").count()) >= 3);
  assert.match(await page.locator("#fields").innerText(), /Credits\s+3/);
  const relations = await page.locator("#relations").innerText();
  assert.match(relations, /Taught by/i);
  assert.match(relations, /missing/);
  assert.match(await page.locator("#about").innerText(), /automatically generated/);
  await page.screenshot({ path: path.join(shots, "record.png"), fullPage: true });

  // The teacher's page (an id with a comma and spaces) says what she teaches.
  const teacher = page.locator("#relations a", { hasText: "Helga M. Brandt" });
  await Promise.all([page.waitForURL(/\/person\//), teacher.click()]);
  assert.equal(await page.locator("h1").innerText(), "Helga M. Brandt");
  const back = await page.locator("#relations").innerText();
  assert.match(back, /Teaches/i);
  assert.match(back, /Shorelines of the north/);
  assert.match(back, /Member of/i);
  assert.deepEqual(problems, []);
  await page.close();
});

/** A page the size of a phone's screen, the errors it logs, and a check
 * that nothing on it scrolls sideways. */
async function phonePage() {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  const noSideways = async (what) => {
    const w = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(w[0] <= w[1], `${what} is ${w[0]} px wide in ${w[1]}`);
  };
  return { page, problems, noSideways };
}

test("find a course by its code, read a corrected search, page through a full list on a phone", async () => {
  const { page, problems, noSideways } = await phonePage();

  // The home page starts the visit: what there is, examples to try.
  await page.goto(`${base}/`);
  assert.match(await page.locator("p.tagline").innerText(), /^The courses, people and units, linked through/);
  assert.ok((await page.locator("p.examples a").count()) >= 2);
  await noSideways("the home page");
  await page.screenshot({ path: path.join(shots, "home-phone.png"), fullPage: true });

  // The code however typed: the course first, its code shown.
  await page.locator("input[name='q']").first().fill("geo 210");
  await Promise.all([page.waitForURL(/\/search\?/), page.locator("input[name='q']").first().press("Enter")]);
  const first = page.locator("ol.results li.result").first();
  assert.equal(await first.locator("h2").innerText(), "Shorelines of the north");
  assert.match(await first.locator(".result-type").textContent(), /Course · GEO-210/);
  assert.equal(await first.locator(".result-type .code").innerText(), "GEO-210");
  await noSideways("the results");
  await page.screenshot({ path: path.join(shots, "search-code-phone.png") });

  // Words found nowhere as typed: the page says what it searched for, and
  // offers the words as typed.
  await page.goto(`${base}/search?q=merowby+lighthose`);
  const note = page.locator("p.correction");
  assert.match(await note.innerText(), /^Showing results for merrowby lighthouse\./);
  assert.match(await page.locator("ol.results li.result h2").first().innerText(), /Merrowby Lighthouse/);
  await page.screenshot({ path: path.join(shots, "search-corrected-phone.png") });
  await Promise.all([page.waitForURL(/exact=true/), note.locator("a").click()]);
  assert.match(await page.locator("p.correction").innerText(), /Only the words as typed/);

  // A concept's full list of what links here, reached from its page.
  await page.goto(`${base}/wiki/Merrowby`);
  const all = page.locator("#links-here p.more a");
  assert.match(await all.innerText(), /^All \d+ concepts that link here$/);
  await Promise.all([page.waitForURL(/\/concept\/\d+\/links-here$/), all.click()]);
  assert.equal(await page.locator("h1").innerText(), "What links to Merrowby");
  const listed = await page.locator("article.full-list ol.related li").count();
  assert.ok(listed >= 1);
  assert.match(await page.locator("article.full-list p.count").innerText(), new RegExp(`^1–${listed} of ${listed} concepts`));
  await noSideways("the full list");
  await page.screenshot({ path: path.join(shots, "links-here-phone.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test("browse by subject on a phone: from the home page down a breadcrumb to a concept and back", async () => {
  const { page, problems, noSideways } = await phonePage();

  // The home page offers the ontology's top subjects.
  await page.goto(`${base}/`);
  const subject = page.locator("section.subjects a", { hasText: "Lakes and rivers" });
  await Promise.all([page.waitForURL(/\/category\/lakes-and-rivers$/), subject.click()]);
  assert.equal(await page.locator("h1").innerText(), "Lakes and rivers");
  assert.match(await page.locator("#summary p").first().innerText(), /^Lake Tessel/);
  assert.equal(await page.locator("nav.breadcrumb [aria-current=page]").innerText(), "Lakes and rivers");
  assert.match(await page.locator("#concepts h2").innerText(), /^Concepts \(4\)$/);
  await noSideways("a category page");
  await page.screenshot({ path: path.join(shots, "category-phone.png"), fullPage: true });

  // Down to a subcategory, then a concept, whose page shows its breadcrumbs.
  await Promise.all([page.waitForURL(/\/category\/ferries$/), page.locator("#subcategories a", { hasText: "Ferries" }).click()]);
  await Promise.all([page.waitForURL(/\/concept\/\d+$/), page.locator("#concepts a", { hasText: "Merrowby Ferry" }).click()]);
  assert.equal(await page.locator("h1").innerText(), "Merrowby Ferry");
  const crumbs = page.locator("#subjects nav.breadcrumb");
  assert.equal(await crumbs.count(), 2);
  await noSideways("a concept page with subjects");
  await page.locator("#subjects").screenshot({ path: path.join(shots, "concept-subjects-phone.png") });

  // And back up through the breadcrumb.
  await Promise.all([page.waitForURL(/\/category\/transport$/), crumbs.first().locator("a", { hasText: "Transport" }).click()]);
  assert.equal(await page.locator("h1").innerText(), "Transport");
  assert.deepEqual(problems, []);
  await page.close();
});

test("read a concept in French on a phone: the switcher there and back, then a French browser", async () => {
  const { page, problems, noSideways } = await phonePage();
  await page.goto(`${base}/wiki/Merrowby_Ferry`);
  assert.equal(await page.locator("h1").innerText(), "Merrowby Ferry");
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  const french = page.locator("nav.languages a[hreflang=fr]");
  assert.equal(await french.innerText(), "Français");
  await Promise.all([page.waitForURL(/\/concept\/\d+\?lang=fr$/), french.click()]);
  assert.equal(await page.locator("h1").innerText(), "Bac de Merrowby");
  assert.equal(await page.locator("html").getAttribute("lang"), "fr");
  assert.equal((await page.locator("#summary h2").textContent()).trim(), "Résumé");
  assert.match(await page.locator("#summary p").first().innerText(), /^Le bac de Merrowby/);
  assert.equal(await page.locator("nav.languages [aria-current=true]").innerText(), "Français");
  await noSideways("a concept page in French");
  await page.screenshot({ path: path.join(shots, "concept-fr-phone.png"), fullPage: true });
  await Promise.all([page.waitForURL(/\/concept\/\d+\?lang=en$/), page.locator("nav.languages a[hreflang=en]").click()]);
  assert.equal(await page.locator("h1").innerText(), "Merrowby Ferry");
  assert.deepEqual(problems, []);
  await page.close();

  // A browser that asks for French gets the French page at the plain address.
  const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 390, height: 844 } });
  const fr = await context.newPage();
  await fr.goto(`${base}/wiki/Merrowby_Ferry`);
  assert.equal(await fr.locator("h1").innerText(), "Bac de Merrowby");
  await context.close();
});
