#!/usr/bin/env bash
# Memory benchmark: kenning build's peak RSS on synthetic dumps whose link graph has English
# Wikipedia's proportions (bench/make_graph_dump.py: per article ~1.4 redirects, ~29 links of which
# ~10% red, ~3 categories from a pool of N/3.5), at several sizes, with a straight-line projection to
# English Wikipedia (7M articles, ~200M links; target < 12 GiB).
#
#   bash bench/memory.sh                                    # 125k .. 1M articles (~7 GB of dumps)
#   BENCH_ARTICLES="5000 20000 50000" bash bench/memory.sh  # a quick look
#
# Environment (all optional):
#   BENCH_ARTICLES  article counts, one dump and one build each   (default "125000 250000 500000 1000000")
#   BENCH_THREADS   kenning build --threads                       (default 2)
#   BENCH_SEED      make_graph_dump.py --seed                     (default 1)
#   BENCH_OUT       work folder (large files; git-ignored)        (default bench/out/graph)
#   KENNING_BIN     the kenning binary                            (default target/release/kenning)
#   BENCH_RSS_LIMIT_GIB  stop a build whose RSS passes this many GiB  (default 85% of RAM)
#
# Peak RSS is GNU time's (exact). VmRSS, RssAnon and RssFile are also sampled from /proc/PID/status
# every 0.5 s (logs/rss-N.tsv), so the report can give the peak of RssAnon (heap: what the build
# needs) apart from RssFile (page cache of the snapshot files kenning maps while building the search
# index, which VmRSS and GNU time count too), and say which build phase holds each peak; both the
# RSS and the RssAnon peaks are projected. A build whose VmRSS passes BENCH_RSS_LIMIT_GIB is killed
# (so the machine does not run out of memory), reported as "stopped", and the larger sizes are
# skipped; the fits use the sizes that finished. The script exits 1 when a build failed or was
# stopped, after writing the report.
#
# Dumps are bench/out/graph/graph-N.xml (+ graph-N.counts.json), reused while make_graph_dump.py and
# the seed are unchanged (graph-N.done holds both). Every build starts from an empty
# bench/out/graph/snapshots/ and is removed afterwards. Writes bench/out/graph/memory.md (the report),
# results.tsv (one row per size), stats-N.json (`kenning stats --json`), logs/ (build output, GNU
# time -v output).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-$ROOT/bench/out/graph}
ARTICLES=${BENCH_ARTICLES:-"125000 250000 500000 1000000"}
THREADS=${BENCH_THREADS:-2}
SEED=${BENCH_SEED:-1}
MEM_KIB=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
RSS_LIMIT_GIB=${BENCH_RSS_LIMIT_GIB:-$((MEM_KIB * 85 / 100 / 1048576))}
KENNING=${KENNING_BIN:-$ROOT/target/release/kenning}
GEN=$ROOT/bench/make_graph_dump.py
TIME=/usr/bin/time
LOGS=$OUT/logs
SNAPROOT=$OUT/snapshots
SNAP=$SNAPROOT/snap

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'bench/memory.sh: error: %s\n' "$*" >&2; exit 1; }

for n in $ARTICLES; do
  if ! [[ $n =~ ^[1-9][0-9]*$ ]] || ((n < 10)); then
    die "BENCH_ARTICLES must be whole numbers >= 10, got '$n'"
  fi
done
[[ -n ${ARTICLES// /} ]] || die "BENCH_ARTICLES is empty"
[[ $THREADS =~ ^[1-9][0-9]*$ ]] || die "BENCH_THREADS must be a positive integer, got '$THREADS'"
[[ $SEED =~ ^[0-9]+$ ]] || die "BENCH_SEED must be a non-negative integer, got '$SEED'"
[[ $RSS_LIMIT_GIB =~ ^[1-9][0-9]*$ ]] || die "BENCH_RSS_LIMIT_GIB must be a positive whole number, got '$RSS_LIMIT_GIB'"
command -v python3 >/dev/null || die "python3 is required"
[[ -x $TIME ]] || die "GNU time not found at $TIME (Debian/Ubuntu: apt-get install time)"
[[ -x $KENNING ]] || die "kenning binary not found: $KENNING (cargo build --release -p kenning, or set KENNING_BIN)"
[[ -f $GEN ]] || die "generator not found: $GEN"
# ARTICLES and SIZES are whole numbers (checked above), split into words on purpose.
# shellcheck disable=SC2086
SIZES=$(printf '%s\n' $ARTICLES | sort -n | uniq | tr '\n' ' ')
# shellcheck disable=SC2086
LARGEST=$(printf '%s\n' $SIZES | tail -1)
mkdir -p "$OUT" "$LOGS"

# ---------------------------------------------------------------- machine
git_commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
git -C "$ROOT" diff --quiet HEAD 2>/dev/null || git_commit="$git_commit (+ uncommitted changes)"
cpu_model=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
[[ -n $cpu_model ]] || cpu_model=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo 2>/dev/null | head -1)
META=$OUT/meta.tsv
{
  printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  printf 'git_commit\t%s\n' "$git_commit"
  printf 'nproc\t%s\n' "$(nproc)"
  printf 'cpu_model\t%s\n' "${cpu_model:-unknown}"
  printf 'mem_total_kib\t%s\n' "$MEM_KIB"
  printf 'rss_limit_gib\t%s\n' "$RSS_LIMIT_GIB"
  printf 'kernel\t%s\n' "$(uname -sr)"
  printf 'load_before\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf 'python\t%s\n' "$(python3 --version 2>&1)"
  printf 'kenning_bin\t%s\n' "$KENNING"
  printf 'kenning_version\t%s\n' "$("$KENNING" --version 2>&1 | head -1)"
  printf 'kenning_bin_mtime\t%s\n' "$(date -u -r "$KENNING" +%Y-%m-%dT%H:%M:%SZ)"
  printf 'threads\t%s\n' "$THREADS"
  printf 'seed\t%s\n' "$SEED"
  printf 'sizes\t%s\n' "$SIZES"
  printf 'command\t%s\n' "BENCH_ARTICLES=\"${SIZES% }\" BENCH_THREADS=$THREADS BENCH_SEED=$SEED KENNING_BIN=$KENNING bash bench/memory.sh"
} >"$META"

# ---------------------------------------------------------------- dumps
# about 3.5 KB of XML per article, and a snapshot of about 4 KB per article
stamp="make_graph_dump $(sha1sum "$GEN" | cut -c1-40) seed=$SEED"
need_kib=$((LARGEST * 4))
for n in $SIZES; do
  [[ -f $OUT/graph-$n.done && $(cat "$OUT/graph-$n.done") == "$stamp" && -f $OUT/graph-$n.xml ]] ||
    need_kib=$((need_kib + n * 7 / 2))
done
free_kib=$(df -Pk "$OUT" | awk 'NR==2 {print $4}')
((free_kib > need_kib + 1048576)) ||
  die "only $((free_kib / 1024)) MiB free in $OUT; about $((need_kib / 1024 + 1024)) MiB are needed"

for n in $SIZES; do
  p=$OUT/graph-$n
  if [[ -f $p.done && $(cat "$p.done") == "$stamp" && -f $p.xml && -f $p.counts.json ]]; then
    say "dump of $n articles: reusing $p.xml"
    continue
  fi
  say "dump of $n articles: generating $p.xml"
  rm -f "$p.done"
  python3 "$GEN" "$p.xml" --articles "$n" --seed "$SEED" >"$LOGS/gen-$n.log" ||
    die "make_graph_dump.py failed for $n articles; see $LOGS/gen-$n.log"
  cat "$LOGS/gen-$n.log" >&2
  printf '%s\n' "$stamp" >"$p.done"
done

# ---------------------------------------------------------------- builds
# sample_rss TIME_PID STOPFILE: prints "milliseconds<TAB>VmRSS<TAB>RssAnon<TAB>RssFile" (KiB, from
# /proc/PID/status) of time's child (kenning) every 0.5 s until it ends; kills it, and writes its
# VmRSS to STOPFILE, when VmRSS passes the limit. RssAnon is heap (and stacks); RssFile is pages of
# mapped files (the binary, the snapshot files kenning maps), i.e. page cache. VmRSS = RssAnon +
# RssFile + RssShmem.
sample_rss() {
  local tpid=$1 stopfile=$2 kid="" t0 line rss anon file limit=$((RSS_LIMIT_GIB * 1048576))
  t0=$(date +%s%N)
  while kill -0 "$tpid" 2>/dev/null; do
    [[ -n $kid ]] || kid=$( { cat "/proc/$tpid/task/$tpid/children" 2>/dev/null || pgrep -P "$tpid"; } |
      awk '{print $1; exit}') || kid=""
    if [[ -n $kid ]] &&
      line=$(awk '/^VmRSS:/ {v = $2} /^RssAnon:/ {a = $2} /^RssFile:/ {f = $2}
                  END {if (v != "") print v, (a == "" ? "-" : a), (f == "" ? "-" : f)}' \
        "/proc/$kid/status" 2>/dev/null) && [[ -n $line ]]; then
      read -r rss anon file <<<"$line"
      printf '%s\t%s\t%s\t%s\n' "$((($(date +%s%N) - t0) / 1000000))" "$rss" "$anon" "$file"
      if ((rss > limit)) && [[ ! -e $stopfile ]]; then
        printf '%s\n' "$rss" >"$stopfile"
        kill -KILL "$kid" 2>/dev/null || true
      fi
    fi
    sleep 0.5
  done
}

failures=0
stopped=""
for n in $SIZES; do
  p=$OUT/graph-$n
  rm -f "$OUT/stats-$n.json" "$LOGS/failed-$n.txt" "$LOGS/stopped-$n.kib" "$LOGS/snapshot-$n.kib"
  if [[ -n $stopped ]]; then
    printf 'skipped: the %s-article build went over the RSS limit\n' "$stopped" >"$LOGS/failed-$n.txt"
    say "kenning build on $n articles: skipped (the $stopped-article build went over ${RSS_LIMIT_GIB} GiB)"
    continue
  fi
  rm -rf "$SNAPROOT"
  mkdir -p "$SNAPROOT"
  cat "$p.xml" >/dev/null # warm page cache: every build reads from memory
  say "kenning build on $n articles ($(($(stat -c %s "$p.xml") / 1048576)) MiB of XML, --threads $THREADS)"
  rc=0
  "$TIME" -v -o "$LOGS/build-$n.time" "$KENNING" build --dump "$p.xml" --out "$SNAP" --threads "$THREADS" \
    >"$LOGS/build-$n.log" 2>&1 &
  tpid=$!
  sample_rss "$tpid" "$LOGS/stopped-$n.kib" >"$LOGS/rss-$n.tsv" &
  spid=$!
  wait "$tpid" || rc=$?
  wait "$spid" || true
  tail -1 "$LOGS/build-$n.log" >&2
  if [[ -f $LOGS/stopped-$n.kib ]]; then
    stopped=$n
    failures=$((failures + 1))
    printf 'stopped: RSS passed %s GiB (BENCH_RSS_LIMIT_GIB)\n' "$RSS_LIMIT_GIB" >"$LOGS/failed-$n.txt"
    printf '   STOPPED: RSS passed %s GiB\n' "$RSS_LIMIT_GIB" >&2
  elif ((rc != 0)); then
    failures=$((failures + 1))
    printf 'failed: exit %s; see %s\n' "$rc" "$LOGS/build-$n.log" >"$LOGS/failed-$n.txt"
    printf '   FAILED (exit %s); last lines of %s:\n' "$rc" "$LOGS/build-$n.log" >&2
    tail -5 "$LOGS/build-$n.log" | sed 's/^/      /' >&2
  elif ! "$KENNING" stats "$SNAP" --json >"$OUT/stats-$n.json" 2>"$LOGS/stats-$n.err"; then
    failures=$((failures + 1))
    rm -f "$OUT/stats-$n.json"
    printf 'failed: kenning stats; see %s\n' "$LOGS/stats-$n.err" >"$LOGS/failed-$n.txt"
    printf '   FAILED: kenning stats; see %s\n' "$LOGS/stats-$n.err" >&2
  else
    du -sk "$SNAP" | cut -f1 >"$LOGS/snapshot-$n.kib"
    printf '   peak RSS %s MiB; sampled peak RssAnon %s MiB\n' \
      "$(($(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$LOGS/build-$n.time") / 1024))" \
      "$(awk -F'\t' '$3 ~ /^[0-9]+$/ && $3 > m {m = $3} END {print int(m / 1024)}' "$LOGS/rss-$n.tsv")" >&2
  fi
  rm -rf "$SNAPROOT"
done
printf 'load_after\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$META"

# ---------------------------------------------------------------- report
say "report: $OUT/memory.md"
# shellcheck disable=SC2086
python3 - "$OUT" $SIZES <<'PY'
"""Reads meta.tsv, graph-N.counts.json, stats-N.json, logs/build-N.time and logs/rss-N.tsv; writes
results.tsv and memory.md; prints memory.md."""
import json
import os
import re
import sys

out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
ENWIKI_ARTICLES, ENWIKI_LINKS, TARGET_GIB = 7_000_000, 200_000_000, 12.0
MIB, GIB = 1 << 20, 1 << 30


def fail(msg):
    sys.exit(f"bench/memory.sh: error: {msg}")


meta = {}
with open(os.path.join(out, "meta.tsv"), encoding="utf-8") as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("\t")
        meta[k] = v


def parse_time_v(path):
    vals = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            k, sep, v = line.strip().rpartition(": ")
            if sep:
                vals[k] = v
    try:
        wall = 0.0
        for part in vals["Elapsed (wall clock) time (h:mm:ss or m:ss)"].split(":"):
            wall = wall * 60 + float(part)
        return {"rss_kib": int(vals["Maximum resident set size (kbytes)"]), "wall_s": wall,
                "user_s": float(vals["User time (seconds)"]),
                "sys_s": float(vals["System time (seconds)"])}
    except (KeyError, ValueError):
        fail(f"{path}: not the output of GNU time -v")


PHASES = (("reading ", "reading"), ("resolving redirects and links", "linking"),
          ("detecting concepts in texts without links", "detecting"),
          ("finding related concepts", "relating"), ("detecting the concepts of records", "records"),
          ("writing the search index", "indexing"), ("publishing", "publishing"))
PHASE_LINE = re.compile(r"^\[\s*([0-9.]+)s\] (.*)$")


def load_samples(rss_path):
    """[(seconds, VmRSS, RssAnon, RssFile)] from logs/rss-N.tsv (KiB; None where not sampled)."""
    def kib(v):
        return int(v) if v.isdigit() else None

    samples = []
    try:
        with open(rss_path, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) < 2 or not cols[0].isdigit() or kib(cols[1]) is None:
                    continue
                cols += [""] * (4 - len(cols))
                samples.append((int(cols[0]) / 1000, kib(cols[1]), kib(cols[2]), kib(cols[3])))
    except OSError:
        pass
    return samples


def anon_peak(samples):
    """(peak RssAnon, RssFile in that sample, peak VmRSS) in KiB over the samples; None if none."""
    with_anon = [s for s in samples if s[2] is not None]
    if not with_anon:
        return None, None, max((s[1] for s in samples), default=None)
    top = max(with_anon, key=lambda s: s[2])
    return top[2], top[3], max(s[1] for s in samples)


def phase_peaks(log, samples):
    """{phase: {"anon": KiB, "file": KiB}}: the peaks of the samples split at the phase lines of
    the log (each a separate maximum: the file peak need not be at the anon peak's moment)."""
    starts = []
    for line in log.splitlines():
        m = PHASE_LINE.match(line.strip())
        if not m:
            continue
        for label, name in PHASES:
            if m.group(2) == label.strip() or (label.endswith(" ") and m.group(2).startswith(label)):
                if not starts or starts[-1][1] != name:
                    starts.append((float(m.group(1)), name))
                break
    peaks = {}
    for t, _vm, anon, file in samples:
        name = "starting"
        for st, nm in starts:
            if t >= st:
                name = nm
        p = peaks.setdefault(name, {})
        for key, kib in (("anon", anon), ("file", file)):
            if kib is not None:
                p[key] = max(p.get(key, 0), kib)
    return peaks


rows, failed = [], []
for n in sizes:
    samples = load_samples(os.path.join(out, "logs", f"rss-{n}.tsv"))
    failed_path = os.path.join(out, "logs", f"failed-{n}.txt")
    if os.path.exists(failed_path):
        with open(failed_path, encoding="utf-8") as f:
            reason = f.read().strip()
        peak = None
        try:
            peak = parse_time_v(os.path.join(out, "logs", f"build-{n}.time"))["rss_kib"]
        except (OSError, SystemExit):
            pass
        failed.append((n, reason, peak, anon_peak(samples)[0]))
        continue
    try:
        with open(os.path.join(out, f"graph-{n}.counts.json"), encoding="utf-8") as f:
            gen = json.load(f)
        with open(os.path.join(out, f"stats-{n}.json"), encoding="utf-8") as f:
            st = json.load(f)
        with open(os.path.join(out, "logs", f"snapshot-{n}.kib"), encoding="utf-8") as f:
            snap_kib = int(f.read().split()[0])
        with open(os.path.join(out, "logs", f"build-{n}.log"), encoding="utf-8", errors="replace") as f:
            log = f.read()
    except (OSError, ValueError) as e:
        fail(f"missing or bad result for {n} articles: {e}")
    t = parse_time_v(os.path.join(out, "logs", f"build-{n}.time"))
    warnings = sum(1 for line in log.splitlines() if "warn" in line.lower())
    checks = []
    for what, got, want in (("concepts", st["concepts"], gen["articles"]),
                            ("redirects", st["redirects"], gen["redirects"]),
                            ("broken_redirects", st["broken_redirects"], 0),
                            # Links found by concept detection in texts that have none
                            # are the build's own, not the generator's.
                            ("links", st["links"] - st.get("detected_links", 0),
                             gen["links_distinct_resolved"]),
                            ("red_links", st["red_links"], gen["links_red"]),
                            ("categories", st["categories"], gen["categories_expected"]),
                            ("pages_failed", st["pages_failed"], 0),
                            ("duplicate_titles", st["duplicate_titles"], 0)):
        if got != want:
            checks.append(f"{what} {got:,} (expected {want:,})")
    anon, file_then, vm_sampled = anon_peak(samples)
    rows.append(dict(n=n, gen=gen, st=st, t=t, snap_kib=snap_kib, warnings=warnings, checks=checks,
                     peaks=phase_peaks(log, samples), anon=anon, file_then=file_then,
                     vm_sampled=vm_sampled, samples=len(samples)))


def opt(x):
    return "" if x is None else str(x)


with open(os.path.join(out, "results.tsv"), "w", encoding="utf-8") as f:
    cols = ["articles", "xml_bytes", "gen_links", "gen_links_red", "gen_redirects", "peak_rss_kib",
            "peak_anon_kib", "file_at_peak_anon_kib", "sampled_peak_rss_kib", "rss_samples",
            "wall_s", "user_s", "sys_s", "concepts", "redirects", "broken_redirects", "links",
            "red_links", "categories", "mention_phrases", "snapshot_kib", "warnings"]
    f.write("\t".join(cols) + "\n")
    for r in rows:
        g, s, t = r["gen"], r["st"], r["t"]
        f.write("\t".join(str(x) for x in (
            r["n"], g["bytes"], g["links"], g["links_red"], g["redirects"], t["rss_kib"],
            opt(r["anon"]), opt(r["file_then"]), opt(r["vm_sampled"]), r["samples"],
            t["wall_s"], t["user_s"], t["sys_s"], s["concepts"], s["redirects"],
            s["broken_redirects"], s["links"], s["red_links"], s["categories"],
            s["mention_phrases"], r["snap_kib"], r["warnings"])) + "\n")


def fit(xs, ys):
    """Least squares y = a + b x; with one point, the line through the origin. (a, b, r2)."""
    if len(xs) == 1:
        return 0.0, ys[0] / xs[0], None
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    a = my - b * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - a - b * x) ** 2 for x, y in zip(xs, ys))
    return a, b, (1 - ss_res / ss_tot) if ss_tot else None


def failed_note(n, reason, pk, anon):
    got = []
    if pk:
        got.append(f"peak RSS {pk / 1048576:,.1f} GiB")
    if anon:
        got.append(f"sampled peak RssAnon {anon / 1048576:,.1f} GiB")
    return f"{n:,} articles: {reason}" + (f" ({', '.join(got)} when it ended)" if got else "")


if not rows:
    md = ["# kenning peak memory on Wikipedia-shaped synthetic dumps", "", "No build finished:", ""]
    md += [f"- {failed_note(*fl)}" for fl in failed]
    text = "\n".join(md) + "\n"
    with open(os.path.join(out, "memory.md"), "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    sys.exit(0)


def r2s(r2):
    return "" if r2 is None else f", R² {r2:.4f}"


def verdict(p):
    return "**yes**" if p < TARGET_GIB * GIB else "**no**"


def mib(kib):
    return "–" if kib is None else f"{kib / 1024:,.0f}"


mem_gib = int(meta.get("mem_total_kib", "0") or 0) / (1 << 20)
md = ["# kenning peak memory on Wikipedia-shaped synthetic dumps", ""]
md.append(f"- date (UTC): {meta.get('date')}; git commit: `{meta.get('git_commit')}`")
md.append(f"- machine: {meta.get('nproc')} CPUs ({meta.get('cpu_model')}), {mem_gib:.1f} GiB RAM, "
          f"{meta.get('kernel')}; load average before {meta.get('load_before')}, "
          f"after {meta.get('load_after')}")
md.append(f"- kenning: `{meta.get('kenning_bin')}` ({meta.get('kenning_version')}, "
          f"built {meta.get('kenning_bin_mtime')}; the commit above is the source tree's, which may "
          f"differ from the binary's)")
md.append(f"- command: `{meta.get('command')}`")
md.append(f"- each dump: `python3 bench/make_graph_dump.py {out}/graph-N.xml --articles N "
          f"--seed {meta.get('seed')}`; each build (page cache warm, empty output folder): "
          f"`/usr/bin/time -v {meta.get('kenning_bin')} build --dump {out}/graph-N.xml "
          f"--out {out}/snapshots/snap --threads {meta.get('threads')}`, then `kenning stats --json`")
md += ["", "## Input (make_graph_dump.py counts)", "",
       "| articles | redirects | category pages | links | red | via redirect | distinct resolved "
       "| categories used | wikitext B/article | XML MiB | generated in s |",
       "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
gens = []
for n in sizes:
    try:
        with open(os.path.join(out, f"graph-{n}.counts.json"), encoding="utf-8") as f:
            gens.append(json.load(f))
    except (OSError, ValueError) as e:
        fail(f"graph-{n}.counts.json: {e}")
for g in gens:
    md.append(f"| {g['articles']:,} | {g['redirects']:,} | {g['category_pages']:,} | {g['links']:,} "
              f"| {g['links_red']:,} ({100 * g['links_red'] / max(1, g['links']):.1f}%) "
              f"| {g['links_via_redirect']:,} | {g['links_distinct_resolved']:,} "
              f"| {g['categories_used']:,} | {g['article_text_bytes'] / g['articles']:,.0f} "
              f"| {g['bytes'] / MIB:,.0f} | {g['seconds']:,.0f} |")
md += ["", "## kenning build", "",
       "Memory: peak RSS is GNU time's (the exact maximum of VmRSS); RssAnon (heap) and RssFile "
       "(pages of mapped files) are sampled from /proc/PID/status every 0.5 s, and \"RssFile then\" "
       "is RssFile in the sample that holds the RssAnon peak.", "",
       "| articles | peak RSS MiB | RSS B/article | peak RssAnon MiB | RssFile then MiB "
       "| RssAnon B/article | wall s | user+sys s | snapshot MiB |",
       "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    s, t = r["st"], r["t"]
    anon_pa = "–" if r["anon"] is None else f"{r['anon'] * 1024 / s['concepts']:,.0f}"
    md.append(f"| {r['n']:,} | {t['rss_kib'] / 1024:,.0f} | {t['rss_kib'] * 1024 / s['concepts']:,.0f} "
              f"| {mib(r['anon'])} | {mib(r['file_then'])} | {anon_pa} "
              f"| {t['wall_s']:,.1f} | {t['user_s'] + t['sys_s']:,.1f} | {r['snap_kib'] / 1024:,.0f} |")
md += ["", "| articles | concepts | redirects | links | red links | categories | mention phrases "
       "| warnings |", "|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in rows:
    s = r["st"]
    md.append(f"| {r['n']:,} | {s['concepts']:,} | {s['redirects']:,} | {s['links']:,} "
              f"| {s['red_links']:,} | {s['categories']:,} | {s['mention_phrases']:,} "
              f"| {r['warnings']} |")
if failed:
    md.append("")
    md.append("**Not measured:** " + "; ".join(failed_note(*fl) for fl in failed) +
              ". The fits below use only the sizes in the table.")
bad = [(r["n"], c) for r in rows for c in r["checks"]]
md.append("")
if bad:
    md.append("**Counts that differ from the generator's:** " +
              "; ".join(f"{n:,} articles: {c}" for n, c in bad))
else:
    md.append("Checks: at every size kenning's concepts, redirects (none broken), links (distinct, "
              "after redirects, less those that concept detection found in texts without links: "
              "`detected_links`), red links and categories equal the generator's counts; no page "
              "failed.")

md += ["", "## Projection to English Wikipedia", "",
       "Peak RSS (VmRSS) counts RssAnon plus RssFile, the pages of mapped files, which here "
       "include the snapshot files kenning maps back while building the search index. Those "
       "file-backed pages are page cache that the kernel can drop under memory pressure (after "
       "writing back any that were modified) and read again from the file, while anonymous pages cannot be dropped without swap; so the peak "
       "RssAnon line is the one that decides whether the build fits in 12 GiB. (RssAnon is "
       "sampled every 0.5 s, so its peak can miss a short spike; GNU time's RSS peak is exact.)", ""]
if len(rows) == 1:
    md.append("One size only: the lines below go through the origin (no fixed part).")
    md.append("")


def fit_lines(what, pts):
    """Two bullet lines (by articles, by links) for [(articles, links, bytes)]."""
    a1, b1, r21 = fit([p[0] for p in pts], [p[2] for p in pts])
    a2, b2, r22 = fit([p[1] for p in pts], [p[2] for p in pts])
    p1, p2 = a1 + b1 * ENWIKI_ARTICLES, a2 + b2 * ENWIKI_LINKS
    return [f"- by articles: {what} = {a1 / MIB:,.0f} MiB + {b1 / 1024:,.2f} KiB × articles"
            f"{r2s(r21)} → 7M articles: **{p1 / GIB:,.2f} GiB**; under {TARGET_GIB:.0f} GiB: "
            f"{verdict(p1)}",
            f"- by links: {what} = {a2 / MIB:,.0f} MiB + {b2:,.1f} B × links{r2s(r22)} "
            f"→ 200M links: **{p2 / GIB:,.2f} GiB**; under {TARGET_GIB:.0f} GiB: {verdict(p2)}"]


md.append("Peak RSS (GNU time; heap plus page cache of mapped files):")
md.append("")
md += fit_lines("RSS", [(r["st"]["concepts"], r["st"]["links"], r["t"]["rss_kib"] * 1024)
                        for r in rows])
md.append("")
anon_rows = [r for r in rows if r["anon"] is not None]
md.append("Peak RssAnon (sampled; heap, what the build needs in memory):")
md.append("")
if anon_rows:
    if len(anon_rows) < len(rows):
        md.append("(sizes without RssAnon samples left out: " +
                  ", ".join(f"{r['n']:,}" for r in rows if r["anon"] is None) + ")")
        md.append("")
    if len(anon_rows) == 1 and len(rows) > 1:
        md.append("Only one size has RssAnon samples: the lines below go through the origin.")
        md.append("")
    md += fit_lines("RssAnon", [(r["st"]["concepts"], r["st"]["links"], r["anon"] * 1024)
                                for r in anon_rows])
else:
    md.append("- no RssAnon samples (the builds ended before the first sample, or the kernel's "
              "/proc/PID/status has no RssAnon line)")
md.append("")

arts = [r["st"]["concepts"] for r in rows]
names = [nm for nm in ["starting"] + [nm for _, nm in PHASES] if any(nm in r["peaks"] for r in rows)]
if names:
    md += ["Peak RssAnon by build phase (MiB; sampled every 0.5 s, so short spikes and phases can "
           "be missed: –), and each phase's own straight line by articles:", "",
           "| phase | " + " | ".join(f"{r['n']:,}" for r in rows) + " | KiB/article | at 7M articles |",
           "|---|" + "---:|" * (len(rows) + 2)]
    for nm in names:
        ys = [r["peaks"].get(nm, {}).get("anon") for r in rows]
        cells = " | ".join(mib(y) for y in ys)
        if len(rows) > 1 and None not in ys and nm != "starting":
            pa, pb, _ = fit(arts, [y * 1024 for y in ys])
            proj = f"{pb / 1024:,.2f} | {(pa + pb * ENWIKI_ARTICLES) / GIB:,.1f} GiB"
        else:
            proj = "– | –"
        md.append(f"| {nm} | {cells} | {proj} |")
    md += ["", "Peak RssFile by build phase (MiB, same samples; page cache of mapped files, "
           "the binary included):", "",
           "| phase | " + " | ".join(f"{r['n']:,}" for r in rows) + " |",
           "|---|" + "---:|" * len(rows)]
    for nm in names:
        md.append(f"| {nm} | " + " | ".join(mib(r["peaks"].get(nm, {}).get("file")) for r in rows)
                  + " |")
    md.append("")
for label, per_article in (
        ("Peak RSS", [r["t"]["rss_kib"] * 1024 / r["st"]["concepts"] for r in rows]),
        ("Peak RssAnon", [r["anon"] * 1024 / r["st"]["concepts"] for r in anon_rows])):
    if len(per_article) > 1 and per_article[-1] > per_article[0] * 1.1:
        some = rows if label == "Peak RSS" else anon_rows
        md.append(f"{label} per article grows with the dump ({per_article[0]:,.0f} B at "
                  f"{some[0]['n']:,} articles, {per_article[-1]:,.0f} B at {some[-1]['n']:,}): "
                  "memory grows faster than linearly, so its straight lines above understate 7M.")
        md.append("")
md.append("Least squares over the sizes above. The dumps have English Wikipedia's proportions "
          "(per article ~1.4 redirects, ~29 links, ~3 categories, N/3.5 categories), so both "
          "lines are the same build seen two ways; at 7M articles they hold ~203M links. Hash "
          "tables grow in steps and real articles are longer (enwiki averages several KB of "
          "wikitext, these ~1.9 KB), so read the projection as an estimate, not a bound.")
text = "\n".join(md) + "\n"
with open(os.path.join(out, "memory.md"), "w", encoding="utf-8") as f:
    f.write(text)
print(text)
PY
((failures == 0)) || die "$failures build(s) failed or were stopped; see $OUT/memory.md and $LOGS"
