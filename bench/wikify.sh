#!/usr/bin/env bash
# Concept-detection evaluation and speed: every figure in EVALUATION.md and
# in the "Concept detection" part of BENCHMARKS.md comes from this script.
#
#   bash bench/wikify.sh            # release build, then every part
#
# Environment (all optional):
#   KENNING_DATA   the shared data folder        (default ../shared/data)
#   BENCH_OUT      work directory (git-ignored)  (default bench/out/wikify)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA=${KENNING_DATA:-$ROOT/../shared/data}
OUT=${BENCH_OUT:-$ROOT/bench/out/wikify}
mkdir -p "$OUT"

cargo build --release --locked --workspace
KENNING=$ROOT/target/release/kenning
EVAL=$ROOT/target/release/kenning-eval

echo "# machine: $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print $2/1048576 " GiB"}'), $(uname -sr); date: $(date -u +%F)"

echo
echo "# snapshot from ../shared/data (Wikispeedia + WikiExtractor articles + EPFL's 2019 courses), with peak memory"
COURSES=$DATA/institution/records/epfl-courses-2019.jsonl
rm -rf "$OUT/snap"
/usr/bin/time -v "$KENNING" build -q --out "$OUT/snap" \
    --concepts "$DATA/wikispeedia/concepts.jsonl.gz" \
    --extracted "$DATA/enwiki-2015-extracted" \
    --records "$COURSES" 2> "$OUT/build-time.txt"
grep -E "Maximum resident|Elapsed" "$OUT/build-time.txt"
"$KENNING" stats "$OUT/snap" | grep -E "concepts|links|mention|phases"
ls -l "$OUT"/snap/gen-*/mentions.dict | awk '{print "mentions.dict bytes: " $5}'

echo
echo "# a. Wikipedia as gold (10% held out of the dictionary)"
for dump in enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2 \
            ltgwiki-20170901-pages-articles.xml.bz2 pico8_pages_current.xml; do
    "$EVAL" holdout --dump "$DATA/wiki/$dump" --work "$OUT/holdout"
    echo
done
"$EVAL" holdout --concepts "$DATA/wikispeedia/concepts.jsonl.gz" --work "$OUT/holdout"

echo
echo "# b. ELEVANT benchmarks (InKB, gold restricted to entities in the snapshot)"
"$EVAL" elevant --snapshot "$OUT/snap" "$DATA"/linking/*.benchmark.jsonl

echo
echo "# c. Overlap with EPFL Graph's own wikify output"
"$EVAL" graphai --snapshot "$OUT/snap" --data "$DATA/linking/graphai"

echo
echo "# d. EPFL courses: coverage, a sample to hand-check, related courses against prerequisite pairs"
"$EVAL" courses --snapshot "$OUT/snap" --records "$COURSES" \
    --dependencies "$DATA/institution/epfl-courses/injac-2019/course_dependencies.csv" \
    --verdicts bench/courses_verdicts.tsv
echo
echo "# d. related-records scores compared on the same pairs (kenning's is 'rarity, prior 0.5')"
python3 bench/related_sweep.py "$OUT/snap" "$DATA/institution/epfl-courses/injac-2019/course_dependencies.csv"

echo
echo "# speed (one thread)"
"$EVAL" speed --snapshot "$OUT/snap" --extracted "$DATA/enwiki-2015-extracted"
