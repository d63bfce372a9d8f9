#!/usr/bin/env bash
# Concept pages, one binary against another: server CPU time per 1,000
# requests (from /proc/PID/stat, after a warm-up) and QPS, on the concept
# pages of ltgwiki (a complete small Wikipedia), alternating binaries.
#
#   KENNING_BIN_BEFORE=old/kenning KENNING_BIN=target/release/kenning bash bench/concept_pages_ab.sh
#
# Each binary builds its own snapshot (formats may differ between them).
# CPU per request is the steadier figure on a shared machine: wrk shares
# the two cores with the server, so QPS moves with whatever else runs.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/concept_pages_ab
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
PORT=${BENCH_PORT:-18301}
BEFORE=${KENNING_BIN_BEFORE:?set KENNING_BIN_BEFORE to the binary to compare against}
AFTER=${KENNING_BIN:-target/release/kenning}
DUMP="$DATA/wiki/ltgwiki-20170901-pages-articles.xml.bz2"
mkdir -p "$OUT"

for side in before after; do
  bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
  rm -rf "$OUT/snap-$side"
  "$bin" build --quiet --out "$OUT/snap-$side" --dump "$DUMP"
done
# The first 1,500 concepts by page id.
python3 - "$OUT" <<'PY'
import glob, struct, sys
out = sys.argv[1]
data = open(glob.glob(f"{out}/snap-after/gen-*/ids.u32")[0], "rb").read()
ids = struct.unpack(f"<{len(data) // 4}I", data)
open(f"{out}/paths.txt", "w").writelines(f"/concept/{i}\n" for i in ids[:1500])
PY

echo "| round | binary | requests | QPS | CPU ms per 1,000 requests |"
echo "|---:|---|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
    "$bin" serve "$OUT/snap-$side" --addr "127.0.0.1:$PORT" >/dev/null 2>&1 &
    server=$!
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break
      sleep 0.1
    done
    wrk -t1 -c4 -d2s -s bench/wrk_paths.lua "http://127.0.0.1:$PORT" -- "$OUT/paths.txt" >/dev/null
    cpu0=$(awk '{print $14 + $15}' "/proc/$server/stat")
    result=$(wrk -t2 -c16 -d"${SECONDS_PER_RUN}s" -s bench/wrk_paths.lua \
      "http://127.0.0.1:$PORT" -- "$OUT/paths.txt")
    cpu1=$(awk '{print $14 + $15}' "/proc/$server/stat")
    kill "$server"; wait "$server" 2>/dev/null || true
    requests=$(echo "$result" | awk '/requests in/ {print $1}')
    qps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
    ticks=$(getconf CLK_TCK)
    python3 -c "print(f'| $round | $side | $requests | $qps | {($cpu1 - $cpu0) * 1000 / $ticks / ($requests / 1000):.2f} |')"
  done
done
