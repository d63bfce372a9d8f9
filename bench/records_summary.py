"""Summarises bench/records.sh as Markdown: import time, record pages, writes."""
import datetime, json, os, platform, subprocess, sys

sys.path.insert(0, os.path.dirname(__file__))
from serve_summary_lib import parse_wrk  # noqa: E402

out, seconds = sys.argv[1], sys.argv[2]
cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
stats = json.load(open(os.path.join(out, "stats.json")))
meta = json.load(open(os.path.join(out, "meta.json")))
phases = dict(meta["phase_seconds"])

def timing(name):
    wall, kib = open(os.path.join(out, f"time-{name}.txt")).read().split()
    return float(wall), int(kib) / 1024

plain, plain_mib = timing("plain")
with_records, records_mib = timing("records")
print(f"Machine: {os.cpu_count()} cores ({cpu}), {platform.system()}; date {datetime.date.today()}; commit {commit}; "
      f"concept base: {stats['concepts']} concepts (Wikispeedia + extracted articles); wrk {seconds} s per run.\n")
print(f"Import of {stats['records']:,} records ({stats['record_links']:,} links, {stats['record_missing_links']:,} to records "
      f"outside the first 10,000 lines; {stats['record_concepts']:,} record→concept edges), `--threads 2`:\n")
print("| build | wall s | peak RSS MiB |")
print("|---|---:|---:|")
print(f"| concepts only (baseline, same run) | {plain:.1f} | {plain_mib:.0f} |")
print(f"| concepts + 10,000 records | {with_records:.1f} | {records_mib:.0f} |")
print(f"| difference (the import: reading, checking, concept detection, indexing) | **{with_records - plain:.1f}** | |")
print(f"\nThe build's own `records` phase (reading is up front, indexing in `indexing`): {phases.get('records', float('nan')):.2f} s.\n")
print("| requests | connections | QPS | p50 ms | p99 ms | requests | errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, label, conns in [("record", "record page (HTML)", [1, 16]), ("record_api", "record (JSON API)", [1, 16]),
                           ("concept", "concept page (HTML), for comparison", [1, 16]),
                           ("write", "PUT record (synced, concept detection)", [1, 4])]:
    for c in conns:
        r = parse_wrk(os.path.join(out, f"wrk-{name}-c{c}.txt"))
        print(f"| {label} | {c} | {r['qps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']} | {r['errors']} |")

# Record writes, redb and PostgreSQL side by side (the same run, the same
# snapshot, the same requests).
pg_version = open(os.path.join(out, "postgres-version.txt")).read().strip()
print(f"\nRecord writes by store ({pg_version}, a local throwaway cluster with default settings: "
      "synchronous commit, fsync on):\n")
print("| store | connections | writes/s | p50 ms | p99 ms | writes | errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
for c in [1, 4]:
    for name, label in [("write", "`DIR/live-records.redb` (one server)"), ("write_pg", "PostgreSQL (`--records-db`)")]:
        r = parse_wrk(os.path.join(out, f"wrk-{name}-c{c}.txt"))
        print(f"| {label} | {c} | {r['qps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']} | {r['errors']} |")

print("\nMixed load through two replicas sharing the database (two wrk processes of 8 connections, "
      "one per replica, at once; one request in five a record write, the others record and concept pages):\n")
print("| replica | connections | requests/s | p50 ms | p99 ms | requests | errors |")
print("|---|---:|---:|---:|---:|---:|---:|")
total = 0
for name in ["a", "b"]:
    r = parse_wrk(os.path.join(out, f"wrk-mixed-{name}.txt"))
    total += r["qps"]
    print(f"| {name.upper()} | 8 | {r['qps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['requests']} | {r['errors']} |")
print(f"| both | 16 | {total:.0f} | | | | |")
print("\n" + open(os.path.join(out, "replica-check.txt")).read().strip() + ".")
