#!/usr/bin/env bash
# Ingest benchmark: kenning build vs WikiExtractor 3.1.0 (plain XML) and vs lbzip2 -dc (.bz2),
# plus kenning's peak memory at three dump sizes. See bench/README.md.
#
#   bash bench/ingest.sh                      # everything, defaults below
#   BENCH_SIZES="16 64 256" bash bench/ingest.sh
#   BENCH_SKIP=kenning BENCH_SIZES=20 bash bench/ingest.sh   # baselines only
#
# Environment (all optional):
#   BENCH_SIZES    dump sizes in MiB, ascending; the largest one is timed      (default "64 256 1100")
#   BENCH_RUNS     runs per timed command, best and median reported            (default 2)
#   BENCH_THREADS  thread / process counts to time                             (default "1 2")
#   BENCH_SKIP     comma list of parts to skip: kenning,extract,wikiextractor,lbzip2,install  (default none)
#   BENCH_OUT      work directory (large files; git-ignored)                   (default bench/out)
#   BENCH_SRC      source dump repeated by make_dump.py   (default ../shared/data/wiki/enwiki-...-shortened.bz2)
#   BENCH_INDEX    index form next to the multistream dump: bz2 (as Wikipedia ships it) or txt (default bz2)
#   WE_ARGS        extra arguments for WikiExtractor                           (default none)
#   KENNING_BIN    use this binary instead of building target/release/kenning
#   KENNING_SPEED_BIN  the extraction-alone example (default: cargo builds kenning-wikitext's `speed`)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-$ROOT/bench/out}
SIZES=${BENCH_SIZES:-"64 256 1100"}
RUNS=${BENCH_RUNS:-2}
THREADS=${BENCH_THREADS:-"1 2"}
SKIP=",${BENCH_SKIP:-},"
SRC=${BENCH_SRC:-$ROOT/../shared/data/wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2}
INDEX_FORM=${BENCH_INDEX:-bz2}
WE_ARGS=${WE_ARGS:-}
WE_VERSION=3.1.0
RES=$OUT/results
LOGS=$OUT/logs

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/ingest.sh: error: %s\n' "$*" >&2; exit 1; }
skip() { [[ $SKIP == *",$1,"* ]]; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
[[ $INDEX_FORM == bz2 || $INDEX_FORM == txt ]] || die "BENCH_INDEX must be bz2 or txt, got '$INDEX_FORM'"
for s in $SIZES; do [[ $s =~ ^[0-9]+$ ]] || die "BENCH_SIZES must be whole MiB numbers, got '$s'"; done
[[ -f $SRC ]] || die "source dump not found: $SRC (set BENCH_SRC; the default lives in ../shared/data/wiki/)"
command -v python3 >/dev/null || die "python3 is required"
command -v bzip2 >/dev/null || die "bzip2 is required"
LARGEST=$(printf '%s\n' $SIZES | sort -n | tail -1)
mkdir -p "$OUT" "$RES" "$LOGS"

# ---------------------------------------------------------------- installs
as_root() { if [[ $(id -u) == 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  die "need root (or sudo) to run: $*"; fi; }

need_apt=()
skip lbzip2 || command -v lbzip2 >/dev/null || need_apt+=(lbzip2)
[[ -x /usr/bin/time ]] || need_apt+=(time)
if ((${#need_apt[@]})); then
  skip install && die "missing ${need_apt[*]} and BENCH_SKIP contains install"
  command -v apt-get >/dev/null || die "missing ${need_apt[*]}; install them (Debian/Ubuntu: apt-get install ${need_apt[*]})"
  say "installing ${need_apt[*]} (apt-get)"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
TIME=/usr/bin/time

WE=()
if ! skip wikiextractor; then
  venv=$OUT/venv-wikiextractor
  if [[ ! -x $venv/bin/wikiextractor ]] || [[ $("$venv/bin/python" -m pip show wikiextractor 2>/dev/null |
        sed -n 's/^Version: //p') != "$WE_VERSION" ]]; then
    skip install && die "WikiExtractor $WE_VERSION not installed in $venv and BENCH_SKIP contains install"
    say "installing WikiExtractor $WE_VERSION into $venv"
    python3 -m venv "$venv" || die "python3 -m venv failed (Debian/Ubuntu: apt-get install python3-venv)"
    "$venv/bin/python" -m pip install -q "wikiextractor==$WE_VERSION"
  fi
  WE=("$venv/bin/python" -m wikiextractor.WikiExtractor)
fi

KENNING=${KENNING_BIN:-}
if ! skip kenning && [[ -z $KENNING ]]; then
  command -v cargo >/dev/null || die "cargo not found (install Rust, or set KENNING_BIN, or BENCH_SKIP=kenning)"
  say "cargo build --release -p kenning"
  cargo build --release -p kenning
  KENNING=${CARGO_TARGET_DIR:-$ROOT/target}/release/kenning
fi
if ! skip kenning; then [[ -x $KENNING ]] || die "kenning binary not found: $KENNING"; fi

# ---------------------------------------------------------------- machine
git_commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || git_commit="$git_commit (+ uncommitted changes)"
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'git_commit\t%s\n' "$git_commit"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu_model\t%s\n' "${cpu_model:-unknown}"
  printf 'mem_total\t%s\n' "$(free -h 2>/dev/null | awk '/^Mem:/ {print $2}')"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'load_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
  printf 'rustc\t%s\n' "$(rustc --version 2>/dev/null || echo -)"
  printf 'python\t%s\n' "$(python3 --version 2>&1)"
  printf 'lbzip2\t%s\n' "$(lbzip2 -V 2>&1 | head -1 || echo -)"
  printf 'wikiextractor\t%s\n' "$( ((${#WE[@]})) && "${WE[@]}" --version 2>&1 | head -1 || echo -)"
  printf 'source\t%s\n' "$SRC"
  printf 'runs\t%s\n' "$RUNS"
  printf 'we_args\t%s\n' "$WE_ARGS"
  printf 'index_form\t%s\n' "$INDEX_FORM"
} >"$RES/meta.tsv"

# ---------------------------------------------------------------- dumps
free_mib=$(df -Pm "$OUT" | awk 'NR==2 {print $4}')
need_mib=$(( (LARGEST * 5) / 2 + 1024 ))
((free_mib > need_mib)) || die "only ${free_mib} MiB free in $OUT; about ${need_mib} MiB are needed"

declare -A PAGES REDIRECTS XML BZ
for s in $SIZES; do
  p=$OUT/dump-$s
  stamp="make_dump v2 $(basename "$SRC") $(wc -c <"$SRC")"
  if [[ -f $p.done && $(cat "$p.done") == "$stamp" && -f $p.xml ]]; then
    say "dump $s MiB: reusing $p.xml"
  else
    say "dump $s MiB: generating $p.xml (+ multistream .bz2 and index)"
    rm -f "$p.done"
    python3 bench/make_dump.py "$SRC" "$p" --megabytes "$s" --procs 2 | tail -1 >"$p.counts"
    bzip2 -kf "$p-multistream-index.txt"
    printf '%s\n' "$stamp" >"$p.done"
  fi
  read -r "PAGES[$s]" "REDIRECTS[$s]" "XML[$s]" "BZ[$s]" <"$p.counts"
done

# folders for the .bz2 with and without its index (hard links, so nothing can follow them back)
big=$OUT/dump-$LARGEST
link() { ln -f "$1" "$2" 2>/dev/null || cp -f "$1" "$2"; }
rm -rf "$OUT/ms-index" "$OUT/ms-noindex"
mkdir -p "$OUT/ms-index" "$OUT/ms-noindex"
BZ_NAME=bench-$LARGEST-pages-articles-multistream.xml.bz2
link "$big-multistream.xml.bz2" "$OUT/ms-index/$BZ_NAME"
link "$big-multistream.xml.bz2" "$OUT/ms-noindex/$BZ_NAME"
if [[ $INDEX_FORM == bz2 ]]; then
  link "$big-multistream-index.txt.bz2" "$OUT/ms-index/bench-$LARGEST-pages-articles-multistream-index.txt.bz2"
else
  link "$big-multistream-index.txt" "$OUT/ms-index/bench-$LARGEST-pages-articles-multistream-index.txt"
fi

# ---------------------------------------------------------------- measuring
RUNS_TSV=$RES/runs.tsv
printf 'label\ttool\tinput\tthreads\tsize_mib\tinput_bytes\txml_bytes\tpages\tredirects\trun\twall_s\tmaxrss_kb\tuser_s\tsys_s\trc\n' >"$RUNS_TSV"
failures=0
# each build gets an empty parent folder, so whatever kenning writes beside --out is removed too
SNAPROOT=$OUT/snapshots
SNAP=$SNAPROOT/snap

# measure LABEL TOOL INPUT THREADS SIZE INPUT_BYTES NRUNS PREP -- CMD...
# PREP is a shell snippet run (untimed) before every run, e.g. to remove the previous output.
measure() {
  local label=$1 tool=$2 input=$3 threads=$4 size=$5 in_bytes=$6 nruns=$7 prep=$8
  shift 9
  local r tf log rc
  for ((r = 1; r <= nruns; r++)); do
    eval "$prep"
    tf=$LOGS/$label.$r.time
    log=$LOGS/$label.$r.log
    printf '   %-28s run %d/%d ... ' "$label" "$r" "$nruns" >&2
    rc=0
    "$TIME" -f '%e\t%M\t%U\t%S' -o "$tf" "$@" >"$log" 2>&1 || rc=$?
    local t; t=$(tail -1 "$tf")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tool" "$input" "$threads" "$size" \
      "$in_bytes" "${XML[$size]}" "${PAGES[$size]}" "${REDIRECTS[$size]}" "$r" "$t" "$rc" >>"$RUNS_TSV"
    if ((rc)); then
      failures=$((failures + 1))
      printf 'FAILED (exit %d); last lines of %s:\n' "$rc" "$log" >&2
      tail -5 "$log" | sed 's/^/      /' >&2
      return 0
    fi
    printf '%ss, %s MiB peak\n' "$(cut -f1 <<<"$t")" "$(($(cut -f2 <<<"$t") / 1024))" >&2
  done
}

warm() { cat "$@" >/dev/null; }  # every run sees a warm page cache, including the first

xml=$big.xml
bzf=$OUT/ms-index/$BZ_NAME
say "timing on the ${LARGEST} MiB dump: ${PAGES[$LARGEST]} pages, ${XML[$LARGEST]} bytes of XML, ${BZ[$LARGEST]} bytes of .bz2 ($RUNS runs each)"
warm "$xml" "$bzf"

if ! skip kenning; then
  for t in $THREADS; do
    measure "kenning-xml-t$t" kenning xml "$t" "$LARGEST" "${XML[$LARGEST]}" "$RUNS" \
      'rm -rf "$SNAPROOT"; mkdir -p "$SNAPROOT"' -- "$KENNING" build --out "$SNAP" --dump "$xml" --threads "$t"
    # The last run's phase times (its reading-and-extraction phase is compared on its own).
    "$KENNING" stats "$SNAP" --json >"$RES/stats-xml-t$t.json" 2>/dev/null || true
  done
  "$KENNING" stats "$SNAP" --json >"$RES/stats-$LARGEST.json" 2>"$LOGS/stats-$LARGEST.err" || true
fi
# Extraction alone (what WikiExtractor does: read the XML, extract each
# page's text), on one thread, without kenning's later build phases.
if ! skip extract; then
  SPEED=${KENNING_SPEED_BIN:-}
  if [[ -z $SPEED ]] && command -v cargo >/dev/null; then
    cargo build --release -q -p kenning-wikitext --example speed
    SPEED=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/speed
  fi
  if [[ -n $SPEED && -x $SPEED ]]; then
    printf '   %-28s ... ' "extract-only-t1" >&2
    "$SPEED" "$xml" >"$RES/extract-only.txt" 2>"$LOGS/extract-only.err" && cat "$RES/extract-only.txt" >&2 ||
      { failures=$((failures + 1)); echo "FAILED; see $LOGS/extract-only.err" >&2; }
  fi
fi
if ((${#WE[@]})); then
  for t in $THREADS; do
    # shellcheck disable=SC2086
    measure "wikiextractor-p$t" wikiextractor xml "$t" "$LARGEST" "${XML[$LARGEST]}" "$RUNS" \
      'rm -rf "$OUT"/we' -- "${WE[@]}" "$xml" -o "$OUT/we" --processes "$t" -q $WE_ARGS
  done
  rm -rf "$OUT/we"
fi
if ! skip lbzip2; then
  for t in $THREADS; do
    measure "lbzip2-n$t" lbzip2 bz2 "$t" "$LARGEST" "${BZ[$LARGEST]}" "$RUNS" ':' -- \
      sh -c 'exec lbzip2 -dc -n "$1" "$2" >/dev/null' sh "$t" "$bzf"
  done
fi
if ! skip kenning; then
  for t in $THREADS; do
    measure "kenning-bz2-index-t$t" kenning bz2+index "$t" "$LARGEST" "${BZ[$LARGEST]}" "$RUNS" \
      'rm -rf "$SNAPROOT"; mkdir -p "$SNAPROOT"' -- \
      "$KENNING" build --out "$SNAP" --dump "$OUT/ms-index/$BZ_NAME" --threads "$t"
    measure "kenning-bz2-noindex-t$t" kenning bz2 "$t" "$LARGEST" "${BZ[$LARGEST]}" "$RUNS" \
      'rm -rf "$SNAPROOT"; mkdir -p "$SNAPROOT"' -- \
      "$KENNING" build --out "$SNAP" --dump "$OUT/ms-noindex/$BZ_NAME" --threads "$t"
  done
  # peak memory at every size (the largest was measured above), all threads
  tmax=$(printf '%s\n' $THREADS | sort -n | tail -1)
  say "kenning peak memory at each size (--threads $tmax)"
  for s in $SIZES; do
    [[ $s == "$LARGEST" ]] && continue
    warm "$OUT/dump-$s.xml"
    measure "kenning-xml-t$tmax-size$s" kenning xml "$tmax" "$s" "${XML[$s]}" 1 \
      'rm -rf "$SNAPROOT"; mkdir -p "$SNAPROOT"' -- "$KENNING" build --out "$SNAP" --dump "$OUT/dump-$s.xml" --threads "$tmax"
    "$KENNING" stats "$SNAP" --json >"$RES/stats-$s.json" 2>"$LOGS/stats-$s.err" || true
  done
  rm -rf "$SNAPROOT"
fi

printf 'load_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >>"$RES/meta.tsv"

# ---------------------------------------------------------------- report
say "summary (also in $RES/summary.tsv and $RES/summary.md)"
python3 bench/summarize.py "$RES"
((failures == 0)) || die "$failures run(s) failed; see $LOGS"
