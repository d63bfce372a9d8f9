#!/usr/bin/env bash
# Decoding alone. One thread: kenning-bzip2 vs libbzip2's Rust port (the
# decoder kenning used before) in one process, then lbzip2 -dc -n 1 and
# bzip2 -dc on the same file. Two threads: kenning's input layer (the
# multistream pool, or block by block for a single stream) vs
# lbzip2 -dc -n 2. See bench/README.md.
#
#   bash bench/bzip2.sh [FILE.bz2 ...]
#
# Default files: the multistream dumps ingest.sh made, and a single-stream
# compression of its 256 MiB dump (made here with lbzip2 if missing).
#
# Environment: BENCH_RUNS (default 3) passes per decoder, best reported.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=${BENCH_RUNS:-3}
die() { printf 'bench/bzip2.sh: error: %s\n' "$*" >&2; exit 1; }
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, got '$RUNS'"
files=("$@")
if ((${#files[@]} == 0)); then
  files=(bench/out/dump-64-multistream.xml.bz2 bench/out/dump-256-multistream.xml.bz2)
  single=bench/out/single-256.xml.bz2
  if [[ ! -f $single && -f bench/out/dump-256.xml ]] && command -v lbzip2 >/dev/null; then
    lbzip2 -9 -n "$(nproc)" -c bench/out/dump-256.xml >"$single.tmp" && mv "$single.tmp" "$single"
  fi
  [[ -f $single ]] && files+=("$single")
fi
for f in "${files[@]}"; do [[ -f $f ]] || die "$f not found (run bench/ingest.sh first, or name a .bz2 file)"; done
command -v lbzip2 >/dev/null || die "lbzip2 is required (Debian/Ubuntu: apt-get install lbzip2)"
command -v bzip2 >/dev/null || die "bzip2 is required"
cargo build --release -q -p kenning-bzip2 --example decode_speed
cargo build --release -q -p kenning-dump --example decode
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/decode_speed
INPUT=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/decode

best() {  # best wall time of RUNS runs of a command writing to /dev/null
  local b=
  for ((r = 0; r < RUNS; r++)); do
    local s e
    s=$(date +%s.%N)
    "$@" >/dev/null
    e=$(date +%s.%N)
    b=$(python3 -c "import sys; t=$e-$s; b='$b'; print(t if not b else min(t, float(b)))")
  done
  printf '%.3f' "$b"
}

printf 'date %s; commit %s; %s, nproc %s; lbzip2 %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" \
  "$(git rev-parse --short HEAD 2>/dev/null || echo -)" "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
  "$(nproc)" "$(lbzip2 -V 2>&1 | head -1 | awk '{print $NF}')"
for f in "${files[@]}"; do
  "$BIN" "$f" "$RUNS"
  lb=$(best lbzip2 -dc -n 1 "$f")
  bz=$(best bzip2 -dc "$f")
  printf '%s: lbzip2 -n 1 %s s; bzip2 (C) %s s\n' "$f" "$lb" "$bz"
  k2=$(best "$INPUT" "$f" 2)
  lb2=$(best lbzip2 -dc -n 2 "$f")
  printf '%s: 2 threads: kenning input layer %s s; lbzip2 -n 2 %s s\n' "$f" "$k2" "$lb2"
done
