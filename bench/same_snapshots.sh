#!/usr/bin/env bash
# Checks that a refactor changed no snapshot: builds every real dump in
# ../shared/data/wiki/ (plus the Wikispeedia concepts with EPFL's courses as
# records, and the 2015 WikiExtractor articles) with two binaries and
# compares every file of the two generations byte for byte, except
# meta.json (it carries the build date and timings).
#
# The search index (search/) is compared by content: tantivy names its
# segment files with random ids, so the check pairs the files of the two
# indexes by their SHA-256 (same multiset of contents) and ignores
# tantivy's own meta.json and .managed.json, which list those ids. Builds
# run with one thread (BENCH_THREADS): with more, tantivy's indexing
# threads take documents in a racy order, so even one binary built twice
# gives segments with the same documents in another order (every other file
# is identical whatever the thread count; the build's own tests check that).
#
#   KENNING_BIN_BEFORE=/path/to/old/kenning bash bench/same_snapshots.sh
#   KENNING_BIN_BEFORE=old KENNING_BIN=new bash bench/same_snapshots.sh
#
# Without KENNING_BIN it builds target/release/kenning. Exits non-zero on
# the first difference and names the file. Work folder: bench/out/same/.
set -euo pipefail
cd "$(dirname "$0")/.."

DATA=${KENNING_DATA:-../shared/data}
OUT=${BENCH_OUT:-bench/out}/same
BEFORE=${KENNING_BIN_BEFORE:?set KENNING_BIN_BEFORE to the binary to compare against}
if [ -z "${KENNING_BIN:-}" ]; then
  cargo build --release --workspace --locked
fi
AFTER=${KENNING_BIN:-target/release/kenning}
THREADS=${BENCH_THREADS:-1}
rm -rf "$OUT"
mkdir -p "$OUT"

# name, then the build's source arguments
cases=()
for f in "$DATA"/wiki/*; do
  name=$(basename "$f")
  if [ -d "$f" ]; then
    for x in "$f"/*.xml*; do cases+=("$name|--dump|$x"); done
  else
    cases+=("$name|--dump|$f")
  fi
done
cases+=("wikispeedia+epfl-courses|--concepts|$DATA/wikispeedia/concepts.jsonl.gz|--records|$DATA/institution/records/epfl-courses-2019.jsonl")
cases+=("enwiki-2015-extracted|--extracted|$DATA/enwiki-2015-extracted")

compare() { # dir_before dir_after
  local a=$1 b=$2 status=0
  (cd "$a" && find . -type f ! -path './search/*' ! -name meta.json | sort) > "$OUT/files-a"
  (cd "$b" && find . -type f ! -path './search/*' ! -name meta.json | sort) > "$OUT/files-b"
  if ! diff -q "$OUT/files-a" "$OUT/files-b" >/dev/null; then
    echo "  different file lists:" >&2
    diff "$OUT/files-a" "$OUT/files-b" >&2 || true
    return 1
  fi
  while read -r f; do
    if ! cmp -s "$a/$f" "$b/$f"; then
      echo "  differs: $f" >&2
      status=1
    fi
  done < "$OUT/files-a"
  if [ -d "$a/search" ] || [ -d "$b/search" ]; then
    local sa sb
    sa=$(cd "$a/search" && find . -type f ! -name meta.json ! -name .managed.json ! -name '*.lock' \
      -exec sha256sum {} + | cut -d' ' -f1 | sort | sha256sum)
    sb=$(cd "$b/search" && find . -type f ! -name meta.json ! -name .managed.json ! -name '*.lock' \
      -exec sha256sum {} + | cut -d' ' -f1 | sort | sha256sum)
    if [ "$sa" != "$sb" ]; then
      echo "  differs: search/ (segment contents)" >&2
      status=1
    fi
  fi
  return $status
}

generation() { # snapshot dir -> its live generation folder
  echo "$1/$(cat "$1/CURRENT")"
}

failed=0
for c in "${cases[@]}"; do
  IFS='|' read -r -a parts <<< "$c"
  name=${parts[0]}
  args=("${parts[@]:1}")
  for side in before after; do
    bin=$BEFORE
    [ "$side" = after ] && bin=$AFTER
    start=$(date +%s.%N)
    "$bin" build --quiet --threads "$THREADS" --out "$OUT/$name-$side" "${args[@]}" \
      > "$OUT/$name-$side.log" 2>&1 || { echo "$name: $side build failed, see $OUT/$name-$side.log" >&2; exit 1; }
    end=$(date +%s.%N)
    printf '%s\t%s\t%.2f s\n' "$name" "$side" "$(echo "$end - $start" | bc)" >> "$OUT/times.tsv"
  done
  if compare "$(generation "$OUT/$name-before")" "$(generation "$OUT/$name-after")"; then
    echo "same: $name"
  else
    echo "DIFFERENT: $name" >&2
    failed=1
  fi
done
echo
column -t -s $'\t' "$OUT/times.tsv"
exit $failed
