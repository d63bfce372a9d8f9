#!/usr/bin/env bash
# Records benchmark (issue 5, item 8):
#   1. import of 10,000 records, concept detection included: the same build
#      with and without --records, in the same run (the difference is the
#      import), and the build's own "records" phase time;
#   2. record pages (HTML and JSON) under wrk, beside concept pages;
#   3. record writes (PUT, synced before the answer) under wrk.
#
#   bash bench/records.sh                   # 30 s per wrk run
#   BENCH_SECONDS=5 bash bench/records.sh   # a quick look
#
# Input: Wikispeedia concepts JSONL + the WikiExtractor English articles as
# the concept base; the first 10,000 lines of ETH's records
# (data/institution/records/eth-publications.jsonl: 4,811 publications with
# abstracts, then people), so links to people past line 10,000 are missing
# (reported and counted, as any dangling link). Output: bench/out/records/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/records
SECONDS_PER_RUN=${BENCH_SECONDS:-30}
PORT=${BENCH_PORT:-18182}
BIN=${KENNING_BIN:-target/release/kenning}
TOKEN=bench-token
mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release -p kenning --locked
fi

RECORDS="$OUT/eth-10k.jsonl"
head -n 10000 "$DATA/institution/records/eth-publications.jsonl" > "$RECORDS"
CONCEPTS=(--concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted")

timed() { # name command...
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/time-$name.txt" "$@"
}
rm -rf "$OUT/snap-plain" "$OUT/snap"
echo "building without records" >&2
timed plain "$BIN" build --quiet --threads 2 --out "$OUT/snap-plain" "${CONCEPTS[@]}"
echo "building with 10,000 records" >&2
timed records "$BIN" build --quiet --threads 2 --out "$OUT/snap" "${CONCEPTS[@]}" --records "$RECORDS"
"$BIN" stats "$OUT/snap" --json > "$OUT/stats.json"
cp "$OUT"/snap/"$(cat "$OUT/snap/CURRENT")"/meta.json "$OUT/meta.json"
rm -rf "$OUT/snap-plain"

# Paths: every 10th record's page (HTML and JSON) and as many concept pages.
python3 - "$RECORDS" "$OUT" <<'PY'
import json, sys, urllib.parse
records, out = sys.argv[1], sys.argv[2]
html, api = [], []
for i, line in enumerate(open(records, encoding="utf-8")):
    if i % 10: continue
    r = json.loads(line)
    path = "/%s/%s" % (r["type"], urllib.parse.quote(r["id"], safe="!$&'()*+,;=:@-._~"))
    html.append(path)
    api.append("/api/v1/records" + path)
open(f"{out}/record_paths.txt", "w").write("\n".join(html) + "\n")
open(f"{out}/record_api_paths.txt", "w").write("\n".join(api) + "\n")
PY

KENNING_API_TOKEN=$TOKEN "$BIN" serve "$OUT/snap" --addr "127.0.0.1:$PORT" 2>"$OUT/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
# Every path must answer 200 before it is timed.
head -n 50 "$OUT/record_paths.txt" | while read -r p; do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT$p" || { echo "not 200: $p" >&2; exit 1; }
done
curl -fs "http://127.0.0.1:$PORT/api/v1/search?q=physics&limit=50" \
  | python3 -c 'import json,sys; [print(i["url"]) for i in json.load(sys.stdin)["items"] if i["type"]=="concept"]' \
  > "$OUT/concept_paths.txt"

run_wrk() { # name connections script args...
  local name=$1 c=$2; shift 2
  local threads=$(( c < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$c" -d"${SECONDS_PER_RUN}s" --latency --timeout 5s \
      -s "$@" > "$OUT/wrk-$name-c$c.txt"
}
for c in 1 16; do
  run_wrk record "$c" bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$OUT/record_paths.txt"
  run_wrk record_api "$c" bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$OUT/record_api_paths.txt"
  run_wrk concept "$c" bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$OUT/concept_paths.txt"
done
for c in 1 4; do
  run_wrk write "$c" bench/wrk_put.lua "http://127.0.0.1:$PORT" -- "$TOKEN"
done
kill $SERVER; wait $SERVER 2>/dev/null || true
trap - EXIT

python3 bench/records_summary.py "$OUT" "$SECONDS_PER_RUN" | tee "$OUT/summary.md"
