#!/usr/bin/env bash
# `kenning wikify` on about 8 MB of extracted English text from stdin
# (issue 16: the command line keeps the linker's speed on input of any
# size), beside `kenning-eval speed` on the same snapshot in the same run.
#
#   bash bench/wikify_cli.sh             # needs bench/wikify.sh's snapshot
#
# Environment (all optional):
#   KENNING_DATA   the shared data folder        (default ../shared/data)
#   SNAP           the snapshot                  (default bench/out/wikify/snap)
#   MEGABYTES      size of the text              (default 8)
#   KENNING_BIN    the kenning binary            (default target/release/kenning)
#   KENNING_EVAL   the kenning-eval binary       (default target/release/kenning-eval)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=${KENNING_DATA:-$ROOT/../shared/data}
SNAP=${SNAP:-$ROOT/bench/out/wikify/snap}
MEGABYTES=${MEGABYTES:-8}
KENNING=${KENNING_BIN:-$ROOT/target/release/kenning}
EVAL=${KENNING_EVAL:-$ROOT/target/release/kenning-eval}
OUT=$ROOT/bench/out/wikify_cli
mkdir -p "$OUT"

# The articles' plain text without the <doc> lines, cut at a line after
# MEGABYTES MB (paragraphs as WikiExtractor wrote them).
TEXT=$OUT/text.txt
set +o pipefail # the cut closes the pipe early, on purpose
for f in "$DATA"/enwiki-2015-extracted/*/wiki_*.bz2; do bzip2 -dc "$f"; done |
    grep -v -e '^<doc ' -e '^</doc>' |
    python3 -c "
import sys
limit = $MEGABYTES * 1000 * 1000
out = sys.stdout.buffer
n = 0
for line in sys.stdin.buffer:
    out.write(line)
    n += len(line)
    if n >= limit:
        break
" > "$TEXT"
set -o pipefail
BYTES=$(stat -c %s "$TEXT")

run() { # label command...
    local label=$1; shift
    local start end
    start=$(date +%s.%N)
    "$@" < "$TEXT" > "$OUT/$label.out"
    end=$(date +%s.%N)
    python3 -c "b=$BYTES; s=$end-$start; print(f'$label: {b/1e6:.1f} MB in {s:.2f} s = {b/1e6/s:.2f} MB/s')"
}
echo "warm-up" | "$KENNING" wikify "$SNAP" > /dev/null # maps the snapshot
run "wikify-text" "$KENNING" wikify "$SNAP"
run "wikify-json" "$KENNING" wikify "$SNAP" --json
"$EVAL" speed --snapshot "$SNAP" --extracted "$DATA/enwiki-2015-extracted" | grep throughput
