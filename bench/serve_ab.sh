#!/usr/bin/env bash
# Search QPS of two kenning binaries, alternating in the same minutes:
# each serves its own snapshot (built by bench/serve.sh into BENCH_OUT of
# its own), and wrk runs the same 500 search paths against one then the
# other, ROUNDS times at each number of connections. For "is this change
# slower than main?" on a noisy machine. Besides QPS and p99 it reports
# the server's CPU time per 1,000 requests (user + system, from
# /proc/PID/stat), which depends far less on what else the machine runs.
#
#   A_BIN=target/release/kenning A_OUT=bench/out/serve-a \
#   B_BIN=/tmp/kenning-main    B_OUT=bench/out/serve-b  bash bench/serve_ab.sh
#
# Each *_OUT must hold serve/snap and serve/search_paths.txt from a run of
# `KENNING_BIN=… BENCH_OUT=… bash bench/serve.sh` (BENCH_SECONDS=1 is enough).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${A_BIN:?} ${A_OUT:?} ${B_BIN:?} ${B_OUT:?}"
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-"1 16 64"}
"$A_BIN" serve "$A_OUT/serve/snap" --addr 127.0.0.1:18301 2>/dev/null &
PA=$!
"$B_BIN" serve "$B_OUT/serve/snap" --addr 127.0.0.1:18302 2>/dev/null &
PB=$!
trap 'kill $PA $PB 2>/dev/null || true' EXIT
for port in 18301 18302; do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break
    sleep 0.1
  done
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # pid port paths connections → "QPS p99 CPU-ms-per-1000-requests"
  local threads=$(( $4 < 2 ? 1 : 2 )) before after
  before=$(cpu_ticks "$1")
  wrk -t"$threads" -c"$4" -d"${SECONDS_PER_RUN}s" --latency -s bench/wrk_paths.lua \
      "http://127.0.0.1:$2" -- "$3" > "$TMP/wrk.txt"
  after=$(cpu_ticks "$1")
  awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" '
    /requests in/ {n=$1} /Requests\/sec/ {q=$2} / 99%/ {p=$2}
    END {printf "%s %s %.1f\n", q, p, ticks * 1000 / hz / n * 1000}' "$TMP/wrk.txt"
}
TMP=$(mktemp -d)
trap 'kill $PA $PB 2>/dev/null || true; rm -rf "$TMP"' EXIT
# Warm both (page cache, caches of the index) before anything counts.
SECONDS_PER_RUN=2 run "$PA" 18301 "$A_OUT/serve/search_paths.txt" 16 >/dev/null
SECONDS_PER_RUN=2 run "$PB" 18302 "$B_OUT/serve/search_paths.txt" 16 >/dev/null
echo "| round | connections | A QPS | A p99 | A CPU ms / 1k req | B QPS | B p99 | B CPU ms / 1k req |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for c in $CONNECTIONS; do
    read -r qa pa ca < <(run "$PA" 18301 "$A_OUT/serve/search_paths.txt" "$c")
    read -r qb pb cb < <(run "$PB" 18302 "$B_OUT/serve/search_paths.txt" "$c")
    echo "| $round | $c | $qa | $pa | $ca | $qb | $pb | $cb |"
  done
done
