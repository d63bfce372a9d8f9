"""Summarises bench/serve.sh's wrk outputs and the FTS5 baseline as Markdown."""
import json, os, subprocess, sys, datetime, platform

sys.path.insert(0, os.path.dirname(__file__))
from serve_summary_lib import parse_wrk  # noqa: E402

out, seconds, conns = sys.argv[1], sys.argv[2], sys.argv[3].split()
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
stats = json.load(open(os.path.join(out, "stats.json")))
print(f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()}; date {datetime.date.today()}; commit {commit}; "
      f"snapshot: {stats['concepts']} concepts (Wikispeedia + extracted articles); wrk {seconds} s per run.\n")
print("| endpoint | connections | QPS | p50 ms | p99 ms | requests | errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
best_search = 0
for name in ["search", "concept"]:
    for c in conns:
        r = parse_wrk(os.path.join(out, f"wrk-{name}-c{c}.txt"))
        if name == "search": best_search = max(best_search, r["qps"])
        print(f"| {name} | {c} | {r['qps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']} | {r['errors']} |")
f = json.load(open(os.path.join(out, "fts5.json")))
print(f"\nSQLite {f['sqlite']} FTS5 bm25, same queries, in-process on {f['processes']} processes (no HTTP): "
      f"{f['qps']:.0f} QPS, p50 {f['p50_ms']:.2f} ms, p99 {f['p99_ms']:.2f} ms.")
g = f["with_snippets"]
print(f"The same with a highlighted snippet per hit (snippet(), as kenning's answers have): "
      f"{g['qps']:.0f} QPS, p50 {g['p50_ms']:.2f} ms, p99 {g['p99_ms']:.2f} ms.")
print(f"kenning's best search QPS over HTTP ÷ FTS5's in-process QPS: **{best_search / f['qps']:.2f}×** "
      f"without snippets, **{best_search / g['qps']:.2f}×** with snippets.")
