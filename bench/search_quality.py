#!/usr/bin/env python3
"""Search quality: MRR@10 of navigational queries, kenning vs SQLite FTS5.

Builds a kenning snapshot from ../shared/data (Wikispeedia concepts plus the
WikiExtractor articles), then asks two sets of navigational queries, each
with one right answer:

  redirects  the namespace-0 redirects of the English Wikipedia dumps in
             shared/data/wiki/*.xml* whose target is a title of the snapshot;
             the query is the redirect's title, the answer its target. The
             redirect titles are written to a file and passed to
             `kenning build --exclude-aliases FILE` (when the binary has the
             option) so that no query is answered by its own alias.
  typos      snapshot titles (4 characters or more) with one or two random
             character edits (delete, insert, substitute, swap neighbours;
             fixed seed); an edit that makes another title is redrawn.

Two more checks, through `kenning serve` and its JSON API:

  codes      every course code of shared/data/institution/records/
             epfl-courses-2019.jsonl in four spellings (CS-456, cs456,
             CS 456, cs-456), on a second snapshot (Wikispeedia + those
             courses); the answer is the course. MRR@10 as above.
  real first the 200 words of 4 letters or more found in the most
             documents of the first snapshot, each as a query; the first 20
             hits are read, and a query fails when a hit that does not hold
             the word (found only through typo tolerance) ranks above one
             that does. A hit holds the word when it is a word of its
             title, summary or indexed body (Unicode words, lower case,
             accents removed, as kenning analyses them).

For each set it reports MRR@10 (the mean of 1/rank of the answer within the
first 10 hits, 0 when absent) and the share answered first, for
`kenning search DIR QUERY --json --limit 10` and for SQLite FTS5 `bm25` over
the same texts (title, summary, body columns; weights 10, 2, 1; the query's
words joined with OR so that a misspelt word does not empty the result).

Python standard library only. Usage:

    python3 bench/search_quality.py [--kenning target/release/kenning]
        [--data ../shared/data] [--work bench/out/search-quality]
        [--queries 1000] [--seed 2026] [--jobs 2] [--reuse]

The result (a Markdown table) is printed and written to WORK/report.md.
"""

import argparse
import bz2
import concurrent.futures
import glob
import gzip
import html
import json
import os
import random
import re
import shlex
import sqlite3
import string
import subprocess
import sys
import time
import unicodedata
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BODY_BYTES = 2000  # what kenning-build indexes as the body (process.rs)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def open_any(path):
    if path.endswith(".bz2"):
        return bz2.open(path, "rb")
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def truncate_utf8(text, limit):
    data = text.encode("utf-8")[:limit]
    return data.decode("utf-8", errors="ignore")


def first_upper(title):
    return title[:1].upper() + title[1:]


def norm(text):
    """Case-, accent- and punctuation-insensitive form (for 'is this another title')."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", text.lower()))


# --- sources ---------------------------------------------------------------


def source_texts(data):
    """title -> text of every source article (Wikispeedia first, then extracted)."""
    texts = {}
    with gzip.open(os.path.join(data, "wikispeedia", "concepts.jsonl.gz"), "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                texts.setdefault(d["title"], d.get("text", ""))
    doc_re = re.compile(r'<doc [^>]*title="([^"]*)"[^>]*>(.*?)</doc>', re.S)
    for path in sorted(glob.glob(os.path.join(data, "enwiki-2015-extracted", "*", "*"))):
        with open_any(path) as f:
            raw = f.read().decode("utf-8", errors="replace")
        for m in doc_re.finditer(raw):
            texts.setdefault(html.unescape(m.group(1)), m.group(2))
    return texts


def redirects(data):
    """(redirect title, target title, file) of ns-0 redirects in English Wikipedia dumps."""
    out, skipped = [], {}
    files = sorted(glob.glob(os.path.join(data, "wiki", "*.xml*")) + glob.glob(os.path.join(data, "wiki", "*", "*.xml*")))
    for path in files:
        name = os.path.basename(path)
        site = None
        with open_any(path) as f:
            ns = title = target = None
            for _, el in ET.iterparse(f, events=("end",)):
                tag = el.tag.rsplit("}", 1)[-1]
                if tag == "base" and site is None:
                    site = el.text or ""
                elif tag == "title":
                    title = el.text
                elif tag == "ns":
                    ns = el.text
                elif tag == "redirect":
                    target = el.get("title")
                elif tag == "page":
                    if target is not None and ns == "0" and title:
                        english = bool(re.search(r"//(en|simple)\.wikipedia\.org/", site or ""))
                        if english:
                            t = target.split("#", 1)[0].replace("_", " ").strip()
                            out.append((title, first_upper(t), name))
                        else:
                            skipped[name] = skipped.get(name, 0) + 1
                    ns = title = target = None
                    el.clear()
    return out, skipped


# --- snapshot --------------------------------------------------------------


def read_table(gen, name):
    """A kenning-store string table: NAME.dat (UTF-8) + NAME.off (u64 LE, n+1)."""
    import struct

    with open(os.path.join(gen, name + ".off"), "rb") as f:
        off = f.read()
    with open(os.path.join(gen, name + ".dat"), "rb") as f:
        dat = f.read()
    n = len(off) // 8
    offs = struct.unpack("<%dQ" % n, off)
    return [dat[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n - 1)]


def build_snapshot(args, exclude_file):
    snap = os.path.join(args.work, "snapshot")
    help_text = subprocess.run([args.kenning, "build", "--help"], capture_output=True, text=True).stdout
    cmd = [args.kenning, "build", "--out", snap, "-q",
           "--concepts", os.path.join(args.data, "wikispeedia", "concepts.jsonl.gz"),
           "--extracted", os.path.join(args.data, "enwiki-2015-extracted")]
    if "--exclude-aliases" in help_text:
        cmd += ["--exclude-aliases", exclude_file]
    else:
        log("note: this kenning has no --exclude-aliases; building without it "
            "(these sources carry no redirects, so no query can hit its own alias)")
    if args.reuse and os.path.exists(os.path.join(snap, "CURRENT")):
        log(f"reusing {snap}")
        return snap, cmd, 0.0
    log("$ " + " ".join(shlex.quote(c) for c in cmd))
    t = time.time()
    build_log = os.path.join(args.work, "build.log")
    with open(build_log, "w") as out:
        if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
            raise SystemExit(f"kenning build failed; see {build_log}")
    return snap, cmd, time.time() - t


# --- queries ---------------------------------------------------------------


def edit(title, rng):
    chars = list(title)
    op = rng.choice(["delete", "insert", "substitute", "swap"])
    i = rng.randrange(len(chars))
    letter = rng.choice(string.ascii_lowercase)
    if op == "delete" and len(chars) > 1:
        del chars[i]
    elif op == "insert":
        chars.insert(i, letter)
    elif op == "swap" and i + 1 < len(chars) and chars[i] != chars[i + 1]:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        while letter == chars[i].lower():
            letter = rng.choice(string.ascii_lowercase)
        chars[i] = letter
    return "".join(chars)


def typo_queries(titles, n, seed):
    rng = random.Random(seed)
    known = {norm(t) for t in titles}
    pool = sorted(t for t in titles if len(t) >= 4)
    out = []
    while len(out) < n:
        title = rng.choice(pool)
        for _ in range(10):
            q = title
            for _ in range(rng.choice([1, 2])):
                q = edit(q, rng)
            if q != title and norm(q) and norm(q) not in known:
                out.append((q, title))
                break
    return out


# --- engines ---------------------------------------------------------------


def kenning_rank(args, snap, query, answer):
    r = subprocess.run([args.kenning, "search", snap, "--json", "--limit", "10", "--", query],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"kenning search failed for {query!r}: {r.stderr.strip()}")
    items = json.loads(r.stdout)["items"]
    for i, item in enumerate(items[:10]):
        if item["title"] == answer:
            return i + 1, items[0]["title"] if items else None
    return None, items[0]["title"] if items else None


def fts_open(args, titles, summaries, texts):
    path = os.path.join(args.work, "fts5.sqlite")
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("create virtual table docs using fts5(title, summary, body, "
               "tokenize = 'unicode61 remove_diacritics 2')")
    rows = ((t, s, truncate_utf8(texts.get(t, ""), BODY_BYTES)) for t, s in zip(titles, summaries))
    db.executemany("insert into docs(title, summary, body) values (?, ?, ?)", rows)
    db.commit()
    return db


FTS_SQL = ("select title from docs where docs match ? "
           "order by bm25(docs, 10.0, 2.0, 1.0) limit 10")


def fts_query(text):
    words = re.findall(r"\w+", text)[:32]
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def fts_rank(db, query, answer):
    q = fts_query(query)
    if not q:
        return None
    titles = [r[0] for r in db.execute(FTS_SQL, (q,))]
    return titles.index(answer) + 1 if answer in titles else None


# --- served checks ----------------------------------------------------------


class Served:
    """`kenning serve SNAP` on a free port, stopped on exit."""

    def __init__(self, args, snap):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([args.kenning, "serve", snap, "--addr", f"127.0.0.1:{port}"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        self.proc.kill()
        raise SystemExit(f"kenning serve {snap} did not answer")

    def search(self, query, limit):
        url = f"{self.base}/api/v1/search?limit={limit}&q=" + urllib.parse.quote(query)
        with urllib.request.urlopen(url, timeout=30) as r:
            return json.loads(r.read())["items"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()


def build_codes_snapshot(args):
    snap = os.path.join(args.work, "codes-snapshot")
    courses = os.path.join(args.data, "institution", "records", "epfl-courses-2019.jsonl")
    cmd = [args.kenning, "build", "--out", snap, "-q",
           "--concepts", os.path.join(args.data, "wikispeedia", "concepts.jsonl.gz"),
           "--records", courses]
    if not (args.reuse and os.path.exists(os.path.join(snap, "CURRENT"))):
        log("$ " + " ".join(shlex.quote(c) for c in cmd))
        with open(os.path.join(args.work, "codes-build.log"), "w") as out:
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                raise SystemExit("kenning build (codes) failed")
    codes = []
    with open(courses, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                code = (r.get("fields") or {}).get("course_code")
                if isinstance(code, str) and code:
                    codes.append((code, r["id"]))
    return snap, cmd, codes


def code_queries(codes):
    out = []
    for code, rid in codes:
        squeezed = "".join(c for c in code if c.isalnum()).lower()
        for spelling in (code, squeezed, code.replace("-", " "), code.lower()):
            out.append((spelling, rid))
    return out


def code_rank(served, query, rid):
    items = served.search(query, 10)
    for i, item in enumerate(items):
        if item["type"] == "course" and item["id"] == rid:
            return i + 1, items[0]["title"] if items else None
    return None, items[0]["title"] if items else None


def words_of(text):
    """Words as kenning analyses them: Unicode words, accents removed, lower
    case, and CamelCase words also as their parts (QuickTime: quick, time)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = set()
    for w in re.findall(r"\w+", text):
        words.add(w.lower())
        for part in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", w):
            words.add(part.lower())
    return words


def frequent_words(summaries, bodies, n):
    df = {}
    for s, b in zip(summaries, bodies):
        for w in words_of(s + " " + b):
            if len(w) >= 4 and w.isalpha() and w.isascii():
                df[w] = df.get(w, 0) + 1
    return [w for w, _ in sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def real_first(served, word, holds):
    """(ok, first typo-only rank, first holding rank after it) for one query."""
    items = served.search(word, 20)
    typo_at = None
    for i, item in enumerate(items):
        held = holds(item)
        if not held and typo_at is None:
            typo_at = i + 1
        elif held and typo_at is not None:
            return False, typo_at, i + 1
    return True, typo_at, None


def summarize(ranks):
    n = len(ranks)
    mrr = sum(1.0 / r for r in ranks if r) / n if n else 0.0
    first = sum(1 for r in ranks if r == 1) / n if n else 0.0
    top10 = sum(1 for r in ranks if r) / n if n else 0.0
    return mrr, first, top10


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kenning", default=os.path.join(ROOT, "target", "release", "kenning"))
    p.add_argument("--data", default=os.path.join(os.path.dirname(ROOT), "shared", "data"))
    p.add_argument("--work", default=os.path.join(ROOT, "bench", "out", "search-quality"))
    p.add_argument("--queries", type=int, default=1000, help="typo queries (default 1000)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--jobs", type=int, default=2, help="kenning processes at once")
    p.add_argument("--reuse", action="store_true", help="reuse WORK/snapshot if present")
    args = p.parse_args()
    os.makedirs(args.work, exist_ok=True)
    start = time.time()

    log("reading sources ...")
    texts = source_texts(args.data)
    redirect_rows, skipped = redirects(args.data)
    exclude_file = os.path.join(args.work, "exclude-aliases.txt")
    with open(exclude_file, "w", encoding="utf-8") as f:
        for title, _, _ in redirect_rows:
            f.write(title + "\n")

    snap, build_cmd, build_secs = build_snapshot(args, exclude_file)
    with open(os.path.join(snap, "CURRENT")) as f:
        gen = os.path.join(snap, f.read().strip())
    titles = read_table(gen, "titles")
    summaries = read_table(gen, "summaries")
    title_set = set(titles)
    log(f"snapshot: {len(titles)} concepts")

    nav = []
    for redirect, target, _ in redirect_rows:
        answer = target if target in title_set else None
        if answer and norm(redirect) != "":
            nav.append((redirect, answer))
    typos = typo_queries(titles, args.queries, args.seed)

    log("SQLite FTS5 index ...")
    t = time.time()
    db = fts_open(args, titles, summaries, texts)
    fts_build = time.time() - t

    for name, queries in [("redirects", nav), ("typos", typos)]:
        with open(os.path.join(args.work, f"queries-{name}.tsv"), "w", encoding="utf-8") as out:
            for q, a in queries:
                out.write(f"{q}\t{a}\n")

    results = {}
    for name, queries in [("redirects", nav), ("typos", typos)]:
        log(f"{name}: {len(queries)} queries ...")
        t = time.time()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            k = list(pool.map(lambda qa: kenning_rank(args, snap, qa[0], qa[1]), queries))
        k_secs = time.time() - t
        t = time.time()
        f = [fts_rank(db, q, a) for q, a in queries]
        f_secs = time.time() - t
        results[name] = (queries, [r for r, _ in k], [top for _, top in k], f, k_secs, f_secs)
        misses = [(q, a, top) for (q, a), (r, top) in zip(queries, k) if r != 1]
        with open(os.path.join(args.work, f"misses-{name}.tsv"), "w", encoding="utf-8") as out:
            out.write("query\tanswer\tkenning_first\n")
            for q, a, top in misses:
                out.write(f"{q}\t{a}\t{top}\n")

    # Course codes, on a snapshot with the courses, through the API.
    codes_snap, codes_cmd, codes = build_codes_snapshot(args)
    cq = code_queries(codes)
    log(f"codes: {len(cq)} queries ...")
    t = time.time()
    with Served(args, codes_snap) as served:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            ck = list(pool.map(lambda qa: code_rank(served, qa[0], qa[1]), cq))
    codes_secs = time.time() - t
    with open(os.path.join(args.work, "misses-codes.tsv"), "w", encoding="utf-8") as out:
        out.write("query\tanswer\tkenning_first\n")
        for (q, a), (r, top) in zip(cq, ck):
            if r != 1:
                out.write(f"{q}\t{a}\t{top}\n")

    # Real matches first, on the first snapshot.
    bodies_by_title = {t: truncate_utf8(texts.get(t, ""), BODY_BYTES) for t in titles}
    held_words = {t: words_of(t + " " + s + " " + bodies_by_title[t]) for t, s in zip(titles, summaries)}
    common = frequent_words(summaries, [bodies_by_title[t] for t in titles], 200)
    log(f"real matches first: {len(common)} queries ...")
    with Served(args, snap) as served:
        checks = [(w,) + real_first(served, w, lambda item, w=w: item["type"] != "concept"
                                    or w in held_words.get(item["title"], set())) for w in common]
    failed = [c for c in checks if not c[1]]
    with open(os.path.join(args.work, "real-first.tsv"), "w", encoding="utf-8") as out:
        out.write("query\tok\tfirst_typo_only_rank\tholding_rank_after_it\n")
        for w, ok, typo_at, after in checks:
            out.write(f"{w}\t{ok}\t{typo_at or ''}\t{after or ''}\n")

    lines = [
        "| query set | queries | kenning MRR@10 | kenning first | kenning top 10 | FTS5 MRR@10 | FTS5 first | FTS5 top 10 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, (queries, k, _, f, _, _) in results.items():
        km, kf, kt = summarize(k)
        fm, ff, ft = summarize(f)
        lines.append(f"| {name} | {len(queries)} | **{km:.3f}** | {kf:.1%} | {kt:.1%} | {fm:.3f} | {ff:.1%} | {ft:.1%} |")
    all_k = [r for v in results.values() for r in v[1]]
    all_f = [r for v in results.values() for r in v[3]]
    km, kf, kt = summarize(all_k)
    fm, ff, ft = summarize(all_f)
    lines.append(f"| all | {len(all_k)} | **{km:.3f}** | {kf:.1%} | {kt:.1%} | {fm:.3f} | {ff:.1%} | {ft:.1%} |")
    cm, cf, ct = summarize([r for r, _ in ck])
    lines += [
        "",
        "| check | queries | kenning | |",
        "|---|---|---|---|",
        f"| course codes, 4 spellings | {len(cq)} | MRR@10 **{cm:.3f}** | first {cf:.1%}, top 10 {ct:.1%} |",
        f"| real matches first (top 20) | {len(checks)} | **{len(checks) - len(failed)}** pass | "
        f"{len(failed)} fail{': ' + ', '.join(w for w, *_ in failed[:8]) if failed else ''} |",
    ]
    skipped_note = ", ".join(f"{n}: {c}" for n, c in sorted(skipped.items())) or "none"
    report = "\n".join(
        lines
        + [
            "",
            f"Snapshot: {len(titles):,} concepts (Wikispeedia + enwiki-2015-extracted), built in {build_secs:.0f} s; "
            f"FTS5 index built in {fts_build:.1f} s. Redirect queries: the {len(nav)} of the "
            f"{len(redirect_rows)} English-Wikipedia ns-0 redirects whose target is in the snapshot "
            f"(redirects of other wikis left out: {skipped_note}). Typo queries: seed {args.seed}.",
            f"Codes: {len(codes)} EPFL course codes, {len(cq)} queries in {codes_secs:.0f} s through "
            f"`kenning serve` ({args.jobs} at once); misses in misses-codes.tsv. Real matches first: "
            f"per-query results in real-first.tsv.",
            f"Time for the queries: kenning {sum(v[4] for v in results.values()):.1f} s "
            f"({args.jobs} processes, one `kenning search` process per query), "
            f"FTS5 {sum(v[5] for v in results.values()):.2f} s in-process.",
            "",
            "Commands:",
            "",
            "```",
            " ".join(shlex.quote(c) for c in build_cmd),
            " ".join(shlex.quote(c) for c in codes_cmd),
            f"{shlex.quote(args.kenning)} search {shlex.quote(snap)} --json --limit 10 -- QUERY",
            f"sqlite3: {FTS_SQL}   -- MATCH '\"w1\" OR \"w2\" ...'",
            "python3 bench/search_quality.py" + (f" --queries {args.queries}" if args.queries != 1000 else ""),
            "```",
            "",
            f"Misses (queries whose answer is not first) are in {os.path.relpath(args.work, ROOT)}/misses-*.tsv. "
            f"Total run time {time.time() - start:.0f} s.",
        ]
    )
    print(report)
    with open(os.path.join(args.work, "report.md"), "w", encoding="utf-8") as out:
        out.write(report + "\n")


if __name__ == "__main__":
    main()
