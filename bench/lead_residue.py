#!/usr/bin/env python3
"""Plain-text leads before and after, side by side, for hand-checking (issue 16, item 4).

Draws a seeded random sample of concept titles from a plain-text source and writes, for each,
the summary and the timeline that two snapshots give (`kenning concept SNAP TITLE --json`, one
binary per snapshot) into one Markdown file to read. It does not judge anything: the verdicts are
made by hand and kept in `bench/lead_residue_verdicts.tsv`; `--tally` counts them.

Sources:
  --concepts FILE   concepts JSONL (.gz or plain), e.g. Wikispeedia's concepts.jsonl.gz
  --extracted DIR   WikiExtractor output (AA/wiki_00.bz2, ...)
The sample is `random.Random(SEED).sample(sorted(titles), N)`: titles are sorted first, so the
sample depends only on the seed, N and the set of titles. Defaults: seed 16 (the issue), N 200
for concepts, 50 for extracted.

Build the two snapshots first, e.g. (from the repository root, next to ../shared/data):
  /work/before/kenning-a2da051 build --out bench/out/lead-before-ws \
      --concepts ../shared/data/wikispeedia/concepts.jsonl.gz --quiet
  target/release/kenning build --out bench/out/lead-after-ws \
      --concepts ../shared/data/wikispeedia/concepts.jsonl.gz --quiet
then
  python3 bench/lead_residue.py --concepts ../shared/data/wikispeedia/concepts.jsonl.gz \
      --before-bin /work/before/kenning-a2da051 --before bench/out/lead-before-ws \
      --after-bin target/release/kenning --after bench/out/lead-after-ws \
      --out bench/out/lead_residue/wikispeedia.md
  python3 bench/lead_residue.py --tally bench/lead_residue_verdicts.tsv

The verdict file is a TSV with a header: source, title, before, after, note. A verdict is `prose`
(the summary opens with the article's lead), `residue` (it opens with an infobox, taxobox, caption,
credit, banner, hatnote or footer), `later` (it opens with prose that is not the start of the lead),
or `empty` (no summary); the residue rate is `residue` over the titles of a source.

Python stdlib only.
"""

import argparse
import bz2
import gzip
import json
import os
import random
import re
import subprocess
import sys

DOC_START = re.compile(r'<doc id="[^"]*" url="[^"]*" title="([^"]*)">')


def concept_titles(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["title"] for line in f if line.strip()]


def extracted_titles(folder):
    titles = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            opener = bz2.open if name.endswith(".bz2") else open
            with opener(path, "rt", encoding="utf-8") as f:
                for line in f:
                    m = DOC_START.match(line)
                    if m:
                        titles.append(unescape(m.group(1)))
    return titles


def unescape(s):
    return (
        s.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    )


def concept(binary, snapshot, title):
    out = subprocess.run(
        [binary, "concept", snapshot, title, "--json"], capture_output=True, text=True
    )
    if out.returncode != 0:
        return None
    return json.loads(out.stdout)


def show(c, max_chars):
    if c is None:
        return "(not found)\n"
    summary = c["summary"]
    cut = summary if len(summary) <= max_chars else summary[:max_chars] + " …"
    lines = ["    " + line for line in cut.split("\n")]
    timeline = c.get("timeline") or []
    years = ", ".join(str(e["year"]) for e in timeline) or "—"
    lines.append(f"    [timeline years: {years}]")
    return "\n".join(lines) + "\n"


def tally(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    by_source = {}
    for row in rows:
        by_source.setdefault(row.get("source", "all"), []).append(row)
    for source, rs in sorted(by_source.items()):
        n = len(rs)
        for side in ("before", "after"):
            counts = {}
            for r in rs:
                counts[r[side]] = counts.get(r[side], 0) + 1
            residue = counts.get("residue", 0)
            detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            print(f"{source} {side}: {residue}/{n} open with residue = {100 * residue / n:.1f}% ({detail})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--concepts")
    src.add_argument("--extracted")
    src.add_argument("--tally", help="count the verdicts of a verdict TSV and stop")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("-n", type=int)
    ap.add_argument("--before-bin", default="/work/before/kenning-a2da051")
    ap.add_argument("--before")
    ap.add_argument("--after-bin", default="target/release/kenning")
    ap.add_argument("--after")
    ap.add_argument("--max-chars", type=int, default=700, help="summary characters shown per side")
    ap.add_argument("--out", required=False)
    args = ap.parse_args()

    if args.tally:
        tally(args.tally)
        return
    if not (args.before and args.after and args.out):
        ap.error("--before, --after and --out are needed")
    if args.concepts:
        titles, n = concept_titles(args.concepts), args.n or 200
    else:
        titles, n = extracted_titles(args.extracted), args.n or 50
    sample = random.Random(args.seed).sample(sorted(set(titles)), n)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as out:
        out.write(f"# Leads before/after: {args.concepts or args.extracted}, seed {args.seed}, n {n}\n\n")
        for i, title in enumerate(sample, 1):
            before = concept(args.before_bin, args.before, title)
            after = concept(args.after_bin, args.after, title)
            same = before is not None and after is not None and before["summary"] == after["summary"]
            out.write(f"## {i}. {title}{'  (unchanged)' if same else ''}\n\nbefore:\n{show(before, args.max_chars)}\n")
            if not same:
                out.write(f"after:\n{show(after, args.max_chars)}\n")
    print(f"wrote {n} concepts to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
