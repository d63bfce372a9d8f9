#!/usr/bin/env python3
"""Summarise bench/ingest.sh results: RESULTS_DIR/{meta.tsv,runs.tsv,stats-*.json}.

Prints, and writes to RESULTS_DIR, summary.tsv (one row per measured command) and summary.md
(the machine, the table, the ratios against the targets of issue 2, peak memory by size).
"""

import csv
import json
import math
import os
import re
import statistics
import sys

MIB = 1 << 20
# English Wikipedia, for the memory projection (issue 2): 7M articles, about 200M links
ENWIKI_ARTICLES = 7_000_000
ENWIKI_LINKS = 200_000_000


def load(res):
    meta = {}
    with open(os.path.join(res, "meta.tsv"), encoding="utf-8") as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v
    with open(os.path.join(res, "runs.tsv"), encoding="utf-8") as f:
        runs = list(csv.DictReader(f, delimiter="\t"))
    return meta, runs


def summarise(runs):
    rows = {}
    for r in runs:
        row = rows.setdefault(r["label"], {
            "label": r["label"], "tool": r["tool"], "input": r["input"], "threads": int(r["threads"]),
            "size_mib": int(r["size_mib"]), "input_bytes": int(r["input_bytes"]),
            "xml_bytes": int(r["xml_bytes"]), "pages": int(r["pages"]),
            "redirects": int(r["redirects"]), "walls": [], "rss": [], "failed": 0})
        if r["rc"] != "0":
            row["failed"] += 1
            continue
        row["walls"].append(float(r["wall_s"]))
        row["rss"].append(int(r["maxrss_kb"]))
    out = []
    for row in rows.values():
        w = row["walls"]
        row["runs"] = len(w)
        row["xml_mib"] = row["xml_bytes"] / MIB
        row["best_s"] = min(w) if w else None
        row["median_s"] = statistics.median(w) if w else None
        row["peak_rss_mib"] = max(row["rss"]) / 1024 if row["rss"] else None
        if w and row["best_s"] > 0:
            row["pages_per_s"] = row["pages"] / row["best_s"]
            row["xml_mib_per_s"] = row["xml_bytes"] / MIB / row["best_s"]
            row["input_mib_per_s"] = row["input_bytes"] / MIB / row["best_s"]
            row["pages_per_s_per_core"] = row["pages_per_s"] / row["threads"]
        out.append(row)
    return out


def fmt(x, digits=2):
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.{digits}f}"
    return f"{x:,}"


def main():
    res = sys.argv[1]
    meta, runs = load(res)
    rows = summarise(runs)
    by = {r["label"]: r for r in rows}

    cols = ["label", "tool", "input", "threads", "size_mib", "pages", "xml_bytes", "input_bytes", "runs",
            "failed", "best_s", "median_s", "pages_per_s", "pages_per_s_per_core", "xml_mib_per_s",
            "input_mib_per_s", "peak_rss_mib"]
    tsv = ["\t".join(cols)]
    for r in rows:
        tsv.append("\t".join("" if r.get(c) is None else
                             (f"{r[c]:.3f}" if isinstance(r.get(c), float) else str(r[c])) for c in cols))

    md = []
    md.append(f"Machine: {meta.get('cpu_model', '?')}, nproc {meta.get('nproc', '?')}, "
              f"RAM {meta.get('mem_total', '?')}, {meta.get('kernel', '?')}; load before/after: "
              f"{meta.get('load_before', '?')} / {meta.get('load_after', '?')}")
    md.append(f"Date: {meta.get('date', '?')}; commit: {meta.get('git_commit', '?')}; {meta.get('rustc', '')}; "
              f"{meta.get('python', '')}; WikiExtractor {meta.get('wikiextractor', '?')} {meta.get('we_args', '')}; "
              f"{meta.get('lbzip2', '')}")
    md.append(f"Best and median of {meta.get('runs', '?')} runs, warm page cache. pages/s = all `<page>` elements "
              "of the dump (articles and redirects) ÷ best wall time; XML MiB/s = uncompressed XML ÷ best wall time.")
    md.append("")
    md.append("| command | input | threads | XML MiB | pages | best s | median s | pages/s | pages/s/core | "
              "XML MiB/s | peak RSS MiB |")
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        fail = f" ({r['failed']} failed)" if r["failed"] else ""
        md.append(f"| {r['label']}{fail} | {r['input']} | {r['threads']} | {r['xml_mib']:,.0f} | {fmt(r['pages'])} | "
                  f"{fmt(r['best_s'])} | {fmt(r['median_s'])} | {fmt(r.get('pages_per_s'), 0)} | "
                  f"{fmt(r.get('pages_per_s_per_core'), 0)} | {fmt(r.get('xml_mib_per_s'), 1)} | "
                  f"{fmt(r['peak_rss_mib'], 0)} |")

    ratios = []
    threads = sorted({r["threads"] for r in rows})
    for t in threads:
        k, w = by.get(f"kenning-xml-t{t}"), by.get(f"wikiextractor-p{t}")
        if k and w and k.get("pages_per_s") and w.get("pages_per_s"):
            x = k["pages_per_s"] / w["pages_per_s"]
            ratios.append(("extraction", f"kenning --threads {t} ÷ WikiExtractor --processes {t}, pages/s per core",
                           x, "≥ 30", x >= 30))
        lb = by.get(f"lbzip2-n{t}")
        for kind in ("index", "noindex"):
            k = by.get(f"kenning-bz2-{kind}-t{t}")
            if k and lb and k["best_s"] and lb["best_s"]:
                x = k["best_s"] / lb["best_s"]
                what = "with" if kind == "index" else "without"
                ratios.append(("bz2", f"kenning .bz2 ({what} index) --threads {t} wall ÷ lbzip2 -dc -n {t} wall",
                               x, "≤ 1.3", x <= 1.3))
    # The build's own reading-and-extraction phase (`kenning stats`: pages
    # read ÷ the reading phase's seconds) on one thread, beside the whole build.
    w = by.get("wikiextractor-p1")
    try:
        with open(os.path.join(res, "stats-xml-t1.json"), encoding="utf-8") as f:
            st = json.load(f)
        reading_pages_s = st["pages_read"] / st["phase_seconds"]["reading"]
    except (OSError, ValueError, KeyError, TypeError, ZeroDivisionError):
        reading_pages_s = None
    if reading_pages_s and w and w.get("pages_per_s"):
        x = reading_pages_s / w["pages_per_s"]
        ratios.append(("extraction", "kenning build --threads 1, its reading-and-extraction phase alone "
                       "(pages read ÷ phase seconds, from `kenning stats`) ÷ WikiExtractor --processes 1, pages/s",
                       x, "≥ 30", x >= 30))
    extract_only = os.path.join(res, "extract-only.txt")
    w = by.get("wikiextractor-p1")
    if os.path.exists(extract_only) and w and w["best_s"]:
        with open(extract_only, encoding="utf-8") as f:
            m = re.search(r"= ([0-9.]+) MB/s of the file", f.read())
        if m:
            we_mb_s = w["xml_bytes"] / w["best_s"] / 1e6
            x = float(m.group(1)) / we_mb_s
            ratios.append(("extraction", "extraction alone (read the XML + extract every page, one thread, "
                           "no later build phases, no output written) ÷ WikiExtractor --processes 1, XML MB/s",
                           x, "≥ 30", x >= 30))
    if ratios:
        md.append("")
        md.append("| ratio | value | target | |")
        md.append("|---|---:|---:|---|")
        for _kind, what, x, target, ok in ratios:
            md.append(f"| {what} | {x:.2f} | {target} | {'met' if ok else 'NOT met'} |")

    # peak memory by size: kenning XML builds with the most threads
    tmax = max(threads) if threads else 0
    mem = []
    for r in rows:
        if r["tool"] == "kenning" and r["input"] == "xml" and r["threads"] == tmax and r["peak_rss_mib"]:
            stats = {}
            p = os.path.join(res, f"stats-{r['size_mib']}.json")
            try:
                with open(p, encoding="utf-8") as f:
                    stats = json.load(f)
            except (OSError, ValueError):
                pass
            mem.append((r["xml_mib"], r["pages"], r["pages"] - r["redirects"], stats.get("concepts"),
                        stats.get("links"), r["peak_rss_mib"]))
    mem.sort()
    if mem:
        md.append("")
        md.append(f"Peak memory of `kenning build --threads {tmax}` on the XML by dump size:")
        md.append("")
        md.append("| XML MiB | pages | non-redirect pages | concepts | links | peak RSS MiB | growth exponent |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|")
        prev = None
        for m in mem:
            exp = "—"
            if prev and m[0] > prev[0] and m[5] > 0 and prev[5] > 0:
                exp = f"{math.log(m[5] / prev[5]) / math.log(m[0] / prev[0]):.2f}"
            md.append(f"| {m[0]:,.0f} | {fmt(m[1])} | {fmt(m[2])} | {fmt(m[3])} | {fmt(m[4])} | {m[5]:,.0f} | {exp} |")
            prev = m
        md.append("")
        md.append("Growth exponent = log(RSS ratio) ÷ log(size ratio) against the previous row; below 1 is sublinear.")
        if len(mem) >= 2:
            a, b = mem[-2], mem[-1]
            proj = []
            arts_a, arts_b = a[3] or a[2], b[3] or b[2]
            if arts_b > arts_a:
                slope = (b[5] - a[5]) / (arts_b - arts_a)
                proj.append(("7M articles", b[5] + slope * (ENWIKI_ARTICLES - arts_b)))
            if a[4] and b[4] and b[4] > a[4]:
                slope = (b[5] - a[5]) / (b[4] - a[4])
                proj.append(("200M links", b[5] + slope * (ENWIKI_LINKS - b[4])))
            if proj:
                worst = max(p[1] for p in proj)
                parts = ", ".join(f"{n}: {v / 1024:,.1f} GiB" for n, v in proj)
                # These dumps repeat one excerpt's pages under new titles: their
                # links are nearly all red and the graph does not grow with the
                # dump, so a line through them says little about Wikipedia.
                verdict = "under" if worst < 12 * 1024 else "over"
                md.append(f"Straight line through the two largest sizes, for reference only: {parts} "
                          f"({verdict} 12 GiB). These dumps repeat the same pages under new titles, so "
                          f"their link graph does not grow like Wikipedia's; the projection that "
                          f"decides the memory target is `bash bench/memory.sh`'s, on dumps with "
                          f"Wikipedia's link proportions.")

    with open(os.path.join(res, "summary.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(tsv) + "\n")
    with open(os.path.join(res, "summary.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(tsv))
    print()
    print("\n".join(md))


if __name__ == "__main__":
    main()
