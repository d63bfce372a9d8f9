#!/usr/bin/env bash
# Serving benchmark (issue 3, item 8): QPS and latency of `kenning serve` for
# search and concept pages under wrk at 1, 16 and 64 connections, and the
# same search queries against SQLite FTS5 (bm25) for a QPS ratio: once the
# bare ranked query, once with a highlighted snippet per hit as kenning's
# answers have (bench/fts5_baseline.py).
#
#   bash bench/serve.sh                    # 30 s per run, as in BENCHMARKS.md
#   BENCH_SECONDS=5 bash bench/serve.sh    # a quick look
#
# Input: the snapshot built from ../shared/data (Wikispeedia concepts JSONL +
# the WikiExtractor English articles). Output: bench/out/serve/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/serve
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 16 64"}
PORT=${BENCH_PORT:-18181}
BIN=${KENNING_BIN:-target/release/kenning}
mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release -p kenning --locked
fi

SNAP="$OUT/snap"
if [ ! -f "$SNAP/CURRENT" ]; then
  echo "building the snapshot (Wikispeedia + extracted articles)" >&2
  "$BIN" build --quiet --out "$SNAP" \
    --concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted"
fi
"$BIN" stats "$SNAP" --json > "$OUT/stats.json"

# Queries: 500 titles of the snapshot's concepts, as typed (a prefix of 1–3
# words), deterministic; concept ids from the same search answers.
python3 bench/serve_queries.py "$DATA" "$OUT" 500

"$BIN" serve "$SNAP" --addr "127.0.0.1:$PORT" 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
python3 bench/serve_queries.py --ids "$OUT" "http://127.0.0.1:$PORT"

run_wrk() { # name path-file connections
  local name=$1 paths=$2 c=$3
  local threads=$(( c < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency --timeout 5s \
      -s bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$paths" > "$OUT/wrk-$name-c$c.txt"
}
for c in $CONNECTIONS; do
  run_wrk search "$OUT/search_paths.txt" "$c"
  run_wrk concept "$OUT/concept_paths.txt" "$c"
done
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT

python3 bench/fts5_baseline.py "$DATA" "$OUT" "$SECONDS_PER_RUN"
python3 bench/serve_summary.py "$OUT" "$SECONDS_PER_RUN" "$CONNECTIONS" | tee "$OUT/summary.md"
