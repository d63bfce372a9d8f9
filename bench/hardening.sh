#!/usr/bin/env bash
# Serving under hostile load (issue 14), for two binaries in one run so
# the ratio holds on a noisy machine:
#   - wrk, 200 connections for 20 s on search queries: requests/s, errors, p99;
#   - 1,000 connections that never finish their request head, while
#     /healthz is asked once a second for 20 s;
#   - 64 wikify requests of 1 MB each at once: answers by status and the
#     server's peak resident memory.
#
#   KENNING_BIN_BEFORE=/tmp/kenning-old bash bench/hardening.sh
#
# KENNING_BIN (default target/release/kenning) is the binary measured as
# "after"; KENNING_BIN_BEFORE, when set, is measured first as "before".
# The snapshot is bench/out/serve/snap (built as bench/serve.sh does, from
# ../shared/data, when missing). Output: bench/out/hardening/summary.md.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/hardening
SNAP=${BENCH_OUT:-bench/out}/serve/snap
PORT=${BENCH_PORT:-18191}
SECONDS_PER_RUN=${BENCH_SECONDS:-20}
BIN=${KENNING_BIN:-target/release/kenning}
mkdir -p "$OUT"

if ! command -v wrk >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release -p kenning --locked
fi
if [ ! -f "$SNAP/CURRENT" ]; then
  echo "building the snapshot (Wikispeedia + extracted articles)" >&2
  "$BIN" build --quiet --out "$SNAP" \
    --concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted"
fi
if [ ! -f "$OUT/search_paths.txt" ]; then
  python3 bench/serve_queries.py "$DATA" "$OUT" 500
fi

start_server() { # binary
  "$1" serve "$SNAP" --addr "127.0.0.1:$PORT" 2>>"$OUT/server.log" &
  SERVER=$!
  for _ in $(seq 1 200); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && return
    sleep 0.1
  done
  echo "the server did not start" >&2
  exit 1
}
stop_server() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
}
trap 'stop_server' EXIT

measure() { # name binary
  local name=$1 bin=$2
  echo "== $name: $bin" >&2
  start_server "$bin"
  wrk -t2 -c200 -d"${SECONDS_PER_RUN}s" --latency --timeout 5s \
    -s bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$OUT/search_paths.txt" \
    > "$OUT/wrk-$name.txt"
  python3 bench/hostile_serve.py slow "$PORT" 1000 "$SECONDS_PER_RUN" > "$OUT/slow-$name.json"
  stop_server
  start_server "$bin"
  python3 bench/hostile_serve.py flood "$PORT" "$SERVER" 64 1 > "$OUT/flood-$name.json"
  stop_server
}

: > "$OUT/server.log"
NAMES=""
if [ -n "${KENNING_BIN_BEFORE:-}" ]; then
  measure before "$KENNING_BIN_BEFORE"
  NAMES="before"
fi
measure after "$BIN"
NAMES="$NAMES after"

python3 - "$OUT" $NAMES <<'EOF' | tee "$OUT/summary.md"
import json, re, sys
out, names = sys.argv[1], sys.argv[2:]
def wrk(name):
    text = open(f"{out}/wrk-{name}.txt").read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", text).group(1)
    errors = re.search(r"Socket errors: (.*)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, p99, errors.group(1) if errors else "none", non2xx.group(1) if non2xx else "0"
print("| binary | wrk c200: req/s | p99 | socket errors | non-2xx | slow x1000: health failed / asked | slowest health | slow closed by server | 64 x 1 MB wikify: statuses | peak RSS MiB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for name in names:
    rps, p99, errors, non2xx = wrk(name)
    slow = json.load(open(f"{out}/slow-{name}.json"))
    flood = json.load(open(f"{out}/flood-{name}.json"))
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(flood["statuses"].items()))
    print(f"| {name} | {rps:.0f} | {p99} | {errors} | {non2xx} | {slow['health_failed']} / {slow['health_checks']} | "
          f"{slow['health_slowest_s']} s | {slow['slow_closed_by_server']} of {slow['slow_connections']} | "
          f"{statuses} | {flood['server_peak_rss_mib_after']} |")
EOF
