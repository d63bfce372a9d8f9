#!/usr/bin/env bash
# One binary's `kenning wikify` against another's on the same 8 MB of
# extracted English text, each on the data snapshot it built itself
# (Wikispeedia concepts + the WikiExtractor articles), alternating rounds;
# prints MB/s per round and the ratio of the medians (after / before).
#
#   KENNING_BIN_BEFORE=old/kenning KENNING_BIN=target/release/kenning bash bench/wikify_ab.sh
#
# Needs the text that bench/wikify_cli.sh writes (bench/out/wikify_cli/text.txt);
# it is made here the same way when missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=${KENNING_DATA:-$ROOT/../shared/data}
OUT=${BENCH_OUT:-$ROOT/bench/out}/wikify_ab
ROUNDS=${ROUNDS:-5}
BEFORE=${KENNING_BIN_BEFORE:?set KENNING_BIN_BEFORE to the binary to compare against}
AFTER=${KENNING_BIN:-$ROOT/target/release/kenning}
TEXT=${TEXT:-$ROOT/bench/out/wikify_cli/text.txt}
mkdir -p "$OUT"

if [ ! -s "$TEXT" ]; then
    mkdir -p "$(dirname "$TEXT")"
    set +o pipefail # the cut closes the pipe early, on purpose
    for f in "$DATA"/enwiki-2015-extracted/*/wiki_*.bz2; do bzip2 -dc "$f"; done |
        grep -v -e '^<doc ' -e '^</doc>' | head -c 8000000 > "$TEXT"
    set -o pipefail
fi
BYTES=$(stat -c %s "$TEXT")

for side in before after; do
    bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
    rm -rf "$OUT/snap-$side"
    "$bin" build --quiet --out "$OUT/snap-$side" \
        --concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted" 2>/dev/null
    echo "warm-up" | "$bin" wikify "$OUT/snap-$side" > /dev/null
done

echo "| round | before MB/s | after MB/s |"
echo "|---:|---:|---:|"
: > "$OUT/rates.txt"
for round in $(seq 1 "$ROUNDS"); do
    row="| $round"
    for side in before after; do
        bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
        start=$(date +%s.%N)
        "$bin" wikify "$OUT/snap-$side" < "$TEXT" > "$OUT/$side.out"
        end=$(date +%s.%N)
        rate=$(python3 -c "print(f'{$BYTES/1e6/($end-$start):.2f}')")
        echo "$side $rate" >> "$OUT/rates.txt"
        row="$row | $rate"
    done
    echo "$row |"
done
python3 - "$OUT/rates.txt" <<'PY'
import statistics, sys
rates = {"before": [], "after": []}
for line in open(sys.argv[1]):
    side, rate = line.split()
    rates[side].append(float(rate))
b, a = statistics.median(rates["before"]), statistics.median(rates["after"])
print(f"\nmedian MB/s: before {b:.2f}, after {a:.2f}; after/before {a / b:.3f}")
PY
if cmp -s "$OUT/before.out" "$OUT/after.out"; then
    echo "the two outputs are identical"
else
    echo "the two outputs differ"
fi
