#!/usr/bin/env bash
# One binary's builds against another's: wall time, peak RSS and snapshot
# size of the data snapshot (Wikispeedia concepts JSONL + the WikiExtractor
# articles) and of ltgwiki (a complete small Wikipedia, bz2), alternating.
#
#   KENNING_BIN_BEFORE=old/kenning KENNING_BIN=target/release/kenning bash bench/build_ab.sh
#
# THREADS=1 builds on one thread: peak RSS then no longer depends on which
# documents land in which indexing thread's segment (up to 10% between
# runs of one binary on two threads).
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/build_ab
ROUNDS=${ROUNDS:-3}
BEFORE=${KENNING_BIN_BEFORE:?set KENNING_BIN_BEFORE to the binary to compare against}
AFTER=${KENNING_BIN:-target/release/kenning}
mkdir -p "$OUT"

echo "| round | binary | data: wall s | peak RSS MB | bytes | ltgwiki: wall s | peak RSS MB | bytes |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"
for round in $(seq 1 "$ROUNDS"); do
  for side in before after; do
    bin=$BEFORE; [ "$side" = after ] && bin=$AFTER
    row="| $round | $side"
    for input in data ltgwiki; do
      if [ "$input" = data ]; then
        sources=(--concepts "$DATA/wikispeedia/concepts.jsonl.gz" --extracted "$DATA/enwiki-2015-extracted")
      else
        sources=(--dump "$DATA/wiki/ltgwiki-20170901-pages-articles.xml.bz2")
      fi
      rm -rf "$OUT/snap"
      /usr/bin/time -f "%e %M" -o "$OUT/time.txt" "$bin" build --quiet ${THREADS:+--threads "$THREADS"} --out "$OUT/snap" "${sources[@]}" 2>/dev/null
      read -r wall rss < "$OUT/time.txt"
      row="$row | $wall | $((rss / 1024)) | $(du -sb "$OUT/snap" | cut -f1)"
    done
    echo "$row |"
  done
done
