#!/usr/bin/env bash
# Categories from an ontology (issue 18): what `--ontology` costs a build,
# and how category pages serve next to concept pages.
#
#   bash bench/categories.sh                 # 6 build rounds, 30 s per wrk run
#   ROUNDS=1 BENCH_SECONDS=5 bash bench/categories.sh
#
# Builds the data snapshot (Wikispeedia concepts JSONL + the WikiExtractor
# English articles) with and without EPFL Graph's ontology, alternating,
# ROUNDS times each (wall time and peak RSS from /usr/bin/time; the
# medians are compared, since one command's peak RSS varies by up to 10%
# from run to run with two indexing threads); then serves
# the one with the ontology and runs wrk at 16 connections on every category
# page (/category/{slug}, 1,450 of them) and on the concept pages of the
# ontology's matched concepts, one after the other, twice.
# Output: bench/out/categories/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/categories
BIN=${KENNING_BIN:-target/release/kenning}
ROUNDS=${ROUNDS:-6}
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
PORT=${BENCH_PORT:-18191}
mkdir -p "$OUT"
rm -f "$OUT/builds.txt"
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release -p kenning --locked
fi
ONTOLOGY="$DATA/ontology/ontology_structure.json"
SOURCES=(--concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted")

summary="$OUT/summary.md"
{
  echo "Machine: $(nproc) cores, $(date -u +%F); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo
  echo "| round | build | wall s | peak RSS MB |"
  echo "|---:|---|---:|---:|"
} > "$summary"
for round in $(seq 1 "$ROUNDS"); do
  for mode in without with; do
    rm -rf "$OUT/snap-$mode"
    extra=()
    [ "$mode" = with ] && extra=(--ontology "$ONTOLOGY")
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" \
      "$BIN" build --quiet --out "$OUT/snap-$mode" "${SOURCES[@]}" "${extra[@]}" 2>/dev/null
    read -r wall rss < "$OUT/time.txt"
    echo "| $round | $mode ontology | $wall | $((rss / 1024)) |" >> "$summary"
    echo "$mode $wall $((rss / 1024))" >> "$OUT/builds.txt"
  done
done
python3 - "$OUT/builds.txt" >> "$summary" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    mode, wall, rss = line.split()
    runs.setdefault(mode, []).append((float(wall), int(rss)))
med = {m: (statistics.median(w for w, _ in r), statistics.median(x for _, x in r)) for m, r in runs.items()}
(w0, r0), (w1, r1) = med["without"], med["with"]
print(f"\nMedians: without {w0:.2f} s, {r0:.0f} MB; with {w1:.2f} s, {r1:.0f} MB: "
      f"time {w1 / w0:.2f}×, peak RSS {r1 / r0:.3f}×.")
PY

"$BIN" serve "$OUT/snap-with" --addr "127.0.0.1:$PORT" 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
# Every category (walked from the roots through the API), and the concept
# pages of the concepts the root lists.
python3 - "$PORT" "$OUT" <<'PY'
import json, sys, urllib.request
port, out = sys.argv[1], sys.argv[2]
def get(path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as r:
        return json.load(r)
names, todo = [], ["academic-disciplines"]
while todo:
    n = todo.pop()
    names.append(n)
    todo.extend(c["name"] for c in get(f"/api/v1/categories/{n}")["children"])
concepts = get("/api/v1/categories/academic-disciplines/concepts?limit=100&offset=0")["items"]
offset = 100
while len(concepts) < len(names):
    page = get(f"/api/v1/categories/academic-disciplines/concepts?limit=100&offset={offset}")["items"]
    if not page:
        break
    concepts += page
    offset += 100
with open(f"{out}/category_paths.txt", "w") as f:
    f.writelines(f"/category/{n}\n" for n in names)
with open(f"{out}/concept_paths.txt", "w") as f:
    f.writelines(f"/concept/{c['id']}\n" for c in concepts[: len(names)])
print(f"{len(names)} categories, {min(len(concepts), len(names))} concepts", file=sys.stderr)
PY
{
  echo
  echo "wrk -t2 -c16 -d${SECONDS_PER_RUN}s on the snapshot with the ontology:"
  echo
  echo "| run | pages | QPS | p50 ms | p99 ms | errors |"
  echo "|---:|---|---:|---:|---:|---:|"
} >> "$summary"
for run in 1 2; do
  for what in category concept; do
    wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" --latency -s bench/wrk_paths.lua \
        "http://127.0.0.1:$PORT" -- "$OUT/${what}_paths.txt" > "$OUT/wrk-$what.txt"
    awk -v run="$run" -v what="$what" '
      / 50%/ {p50=$2} / 99%/ {p99=$2} /Requests\/sec/ {q=$2}
      /Non-2xx/ {e+=$NF} /Socket errors/ {e+=1}
      END {printf "| %s | %s | %s | %s | %s | %d |\n", run, what, q, p50, p99, e}' \
      "$OUT/wrk-$what.txt" >> "$summary"
  done
done
cat "$summary"
