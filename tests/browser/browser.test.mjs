// kenning in a real browser: headless Chromium (Debian's package) driven by
// playwright-core. Builds the example wiki, starts `kenning serve`, types in
// the home page's search box, picks a suggestion, reads the concept page and
// follows a link in its summary; pastes a text into /wikify and follows one
// of the concepts it found; opens a record page (a course built from a
// records file written here) from its concept's page and follows its
// relations. Screenshots go to target/browser/.
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
    fields: { credits: 3, semester: "spring", tags: ["field work", "water"] },
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
    "--records", recordsFile,
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
  assert.match(await lake.getAttribute("href"), /^\/concept\/\d+$/);
  const hover = await lake.getAttribute("title");
  assert.match(hover, /^Lake Tessel\nscore 0\.\d\d: link probability/);
  assert.ok((await page.locator("table.wikify-concepts tbody tr").count()) >= 3);
  assert.match(await page.locator("#scores").innerText(), /commonness/);
  // The text stays in the form.
  assert.equal(await page.locator("textarea[name='text']").inputValue(), text);

  await lake.hover();
  await page.screenshot({ path: path.join(shots, "wikify.png"), fullPage: true });

  const href = await lake.getAttribute("href");
  await Promise.all([page.waitForURL(`${base}${href}`), lake.click()]);
  assert.equal(await page.locator("h1").innerText(), "Lake Tessel");
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
  assert.equal((await page.locator(".type-label").textContent()).trim(), "Course");
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
