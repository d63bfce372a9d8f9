#!/usr/bin/env bash
# Records benchmark (issue 5, item 8):
#   1. import of 10,000 records, concept detection included: the same build
#      with and without --records, in the same run (the difference is the
#      import), and the build's own "records" phase time;
#   2. record pages (HTML and JSON) under wrk, beside concept pages;
#   3. record writes (PUT, synced before the answer) under wrk: to
#      DIR/live-records.redb, then, in the same run, to PostgreSQL (a
#      throwaway cluster of the machine's PostgreSQL, started here) through
#      a replica started with --records-db;
#   4. mixed load through two replicas sharing that database: two wrk
#      processes of 8 connections each (16 in all), one per replica, one
#      request in five a record write, the others record and concept pages.
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

# PostgreSQL: a throwaway cluster (as the postgres user when root).
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PG_BIN" ]; then
  echo "installing postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
PG_PORT=${BENCH_PG_PORT:-18190}
PG_DIR=$(mktemp -d /tmp/kenning-bench-pg.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres: "$PG_DIR"
as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start \
  -o "-p $PG_PORT -h 127.0.0.1 -k $PG_DIR" >/dev/null
stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null || true; rm -rf "$PG_DIR"; }
trap stop_pg EXIT
"$PG_BIN/postgres" --version > "$OUT/postgres-version.txt"
DB="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"
PORT_B=$((PORT + 1))
KENNING_API_TOKEN=$TOKEN "$BIN" serve "$OUT/snap" --addr "127.0.0.1:$PORT" --records-db "$DB" 2>"$OUT/replica-a.log" &
A=$!
KENNING_API_TOKEN=$TOKEN "$BIN" serve "$OUT/snap" --addr "127.0.0.1:$PORT_B" --records-db "$DB" 2>"$OUT/replica-b.log" &
B=$!
trap 'kill $A $B 2>/dev/null || true; stop_pg' EXIT
for p in "$PORT" "$PORT_B"; do
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break
    sleep 0.1
  done
done
for c in 1 4; do
  run_wrk write_pg "$c" bench/wrk_put.lua "http://127.0.0.1:$PORT" -- "$TOKEN"
done
cat "$OUT/record_paths.txt" "$OUT/concept_paths.txt" > "$OUT/mixed_paths.txt"
wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --latency --timeout 5s -s bench/wrk_mixed.lua \
    "http://127.0.0.1:$PORT" -- "$TOKEN" "$OUT/mixed_paths.txt" MIXA > "$OUT/wrk-mixed-a.txt" &
WA=$!
wrk -t1 -c8 -d"${SECONDS_PER_RUN}s" --latency --timeout 5s -s bench/wrk_mixed.lua \
    "http://127.0.0.1:$PORT_B" -- "$TOKEN" "$OUT/mixed_paths.txt" MIXB > "$OUT/wrk-mixed-b.txt"
wait $WA
# Every record the database holds (every acknowledged write) is on both
# replicas.
"$BIN" records export "$OUT/snap" --records-db "$DB" > "$OUT/exported.jsonl" 2>/dev/null
python3 - "$PORT" "$PORT_B" "$OUT/exported.jsonl" > "$OUT/replica-check.txt" <<'PY'
import json, sys, urllib.error, urllib.parse, urllib.request
ports, exported = sys.argv[1:3], sys.argv[3]
def status(port, path):
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}").status
    except urllib.error.HTTPError as e:
        return e.code
checked = missing = 0
for line in open(exported, encoding="utf-8"):
    r = json.loads(line)
    path = "/api/v1/records/%s/%s" % (r["type"], urllib.parse.quote(r["id"], safe=""))
    for port in ports:
        checked += 1
        missing += status(port, path) != 200
print(f"{checked // 2} records in the database, each read on both replicas: {missing} reads were not 200")
PY
kill $A $B; wait $A $B 2>/dev/null || true
stop_pg
trap - EXIT

python3 bench/records_summary.py "$OUT" "$SECONDS_PER_RUN" | tee "$OUT/summary.md"
