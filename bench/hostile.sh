#!/usr/bin/env bash
# Peak memory of `kenning build` on hostile inputs (issue 14): one ~480 MB page, four ~300 MB pages,
# a gzip concepts JSONL holding one 2.5 GB line, a WikiExtractor file holding one 1 GB line
# (bench/hostile_inputs.py writes them, about 2.7 GB on disk). Each build's peak RSS is GNU time's
# "Maximum resident set size"; the report also gives the wall time, the exit status and the last line
# kenning printed (the build summary, or the error that refused the input).
#
#   bash bench/hostile.sh
#   HOSTILE_ARGS="--page-mb 40 --four-mb 20 --jsonl-mb 200 --extracted-mb 100" bash bench/hostile.sh   # a quick look
#
# Environment (all optional):
#   KENNING_BIN    the kenning binary                 (default target/release/kenning, built if missing)
#   BENCH_OUT      work folder (git-ignored)          (default bench/out/hostile)
#   BENCH_THREADS  kenning build --threads            (default 2)
#   HOSTILE_ARGS   extra arguments to hostile_inputs.py (sizes in MB)
#   BENCH_RSS_LIMIT_GIB  stop a build whose RSS passes this many GiB (default half the RAM): an unbounded
#                  build (an old binary) can otherwise take the machine's memory; reported as exit "stopped"
#
# Writes BENCH_OUT/hostile.md (the table, also printed) and BENCH_OUT/logs/ (kenning's output and GNU
# time's for each case). Inputs are reused while their sizes are unchanged.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-$ROOT/bench/out/hostile}
THREADS=${BENCH_THREADS:-2}
MEM_KIB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
RSS_LIMIT_GIB=${BENCH_RSS_LIMIT_GIB:-$((MEM_KIB / 2 / 1048576))}
KENNING=${KENNING_BIN:-$ROOT/target/release/kenning}
TIME=/usr/bin/time
LOGS=$OUT/logs

die() { printf 'bench/hostile.sh: error: %s\n' "$*" >&2; exit 1; }

[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer, got '$THREADS'"
[[ $RSS_LIMIT_GIB =~ ^[1-9][0-9]*$ ]] || die "BENCH_RSS_LIMIT_GIB must be a positive whole number, got '$RSS_LIMIT_GIB'"
command -v python3 >/dev/null || die "python3 is required"
[[ -x $TIME ]] || die "GNU time not found at $TIME (Debian/Ubuntu: apt-get install time)"
if [[ -z ${KENNING_BIN:-} ]]; then
  cargo build --release -p kenning >&2
fi
[[ -x $KENNING ]] || die "kenning binary not found: $KENNING"
mkdir -p "$OUT" "$LOGS"

# HOSTILE_ARGS holds separate arguments on purpose.
# shellcheck disable=SC2086
python3 "$ROOT/bench/hostile_inputs.py" "$OUT" ${HOSTILE_ARGS:-}

# name | kenning build source arguments
CASES=(
  "one huge page|--dump $OUT/huge-page.xml"
  "four large pages|--dump $OUT/four-pages.xml"
  "JSONL .gz, one long line|--concepts $OUT/long-line.jsonl.gz"
  "WikiExtractor, one long line|--extracted $OUT/long-line-extracted"
)

if [[ -n ${KENNING_BIN:-} ]]; then
  git_commit="binary $KENNING_BIN"
else
  git_commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$ROOT" diff --quiet HEAD 2>/dev/null || git_commit="$git_commit (+ uncommitted changes)"
fi
REPORT=$OUT/hostile.md
{
  printf 'kenning %s, `--threads %s`, %s\n\n' "$git_commit" "$THREADS" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf '| input | size | peak RSS | wall | exit | last line |\n|---|---|---|---|---|---|\n'
} >"$REPORT"

n=0
for case in "${CASES[@]}"; do
  n=$((n + 1))
  name=${case%%|*}
  args=${case#*|}
  source_path=${args#* }
  size=$(du -sb "$source_path" | cut -f1)
  snap=$OUT/snap-$n
  rm -rf "$snap"
  log=$LOGS/case-$n.log
  timelog=$LOGS/case-$n.time
  printf '== %s\n' "$name" >&2
  status=0
  # args holds "--flag path" on purpose.
  # shellcheck disable=SC2086
  "$TIME" -v -o "$timelog" "$KENNING" build --out "$snap" --threads "$THREADS" $args >"$log" 2>&1 &
  timepid=$!
  stopped=""
  while kill -0 "$timepid" 2>/dev/null; do
    kpid=$(pgrep -P "$timepid" | head -1 || true)
    if [[ -n $kpid ]]; then
      rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$kpid/status" 2>/dev/null || echo 0)
      if (( ${rss:-0} > RSS_LIMIT_GIB * 1048576 )); then
        kill "$kpid" 2>/dev/null || true
        stopped=yes
      fi
    fi
    sleep 0.2
  done
  wait "$timepid" || status=$?
  [[ -z $stopped ]] || status="stopped over $RSS_LIMIT_GIB GiB"
  rss_kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$timelog")
  wall=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$timelog")
  last=$({ grep -v '^[[:space:]]*$' "$log" || true; } | tail -1 | cut -c1-160 | sed 's/|/\\|/g')
  rss_mib=$(( ${rss_kib:-0} / 1024 ))
  printf '| %s | %s MB | %s MiB | %s | %s | %s |\n' "$name" "$((size / 1000000))" "$rss_mib" "$wall" "$status" "$last" >>"$REPORT"
  rm -rf "$snap"
done
cat "$REPORT"
