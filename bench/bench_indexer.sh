#!/bin/sh
# bench_indexer.sh: indexer throughput, memory and index size, against a
# plain FTS5 loader measured in the same run.
#
# For each size N in $BENCH_INDEXER_SIZES (default "5000 50000"):
#   - a corpus from tools/gen-corpus in $BENCH_DIR/rN (made once, then
#     reused: bench/lib.sh);
#   - build/indexer into a fresh database, $BENCH_RUNS times (default 3 at
#     5,000 reports, 1 above), median wall time, peak RSS from GNU time;
#   - the baseline: build/fts5_baseline (bench/fts5_baseline.c), the same
#     parser and the same rows inserted into a plain FTS5 table with
#     unicode61, one transaction; same number of runs, median;
#   - FTS5 segments at the end of the last run (a bulk run merges them
#     into one: indexer/README.md);
#   - a re-run over the unchanged corpus (no writes).
# Then the cost of linking assignments (indexer/README.md, "Linking at
# index time"): a corpus of series from tools/gen-corpus --series
# --regions $BENCH_LINK_REGIONS (default 21, seed 1, in
# $BENCH_DIR/sK), indexed into a fresh database with linking and with
# --no-link, alternating, $BENCH_RUNS times (default 3); medians, the
# ratio (target <= 1.2) and the median of each pair's ratio, the peak
# RSS of the runs with linking; linking alone (the indexer over the last
# --no-link index, which links every series it left unlinked), its CPU
# time and peak RSS; then one new report added to a region of that index,
# $BENCH_RUNS times, median and slowest (target < 1 s).
# Prints "name value unit" lines. Targets: ratio >= 0.70, RSS < 100 MB and
# flat from 5,000 to 50,000 reports. Besides the ratio of the medians, the
# median of each run's own ratio (indexer and baseline run back to back,
# so under a load that comes and goes it is the steadier figure), and the
# load average before and after.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
SIZES=${BENCH_INDEXER_SIZES:-"5000 50000"}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench_indexer: needs GNU time (apt-get install time)" >&2; exit 2; }
make -s BUILD="$BUILD" "$BUILD/indexer" "$BUILD/fts5_baseline" || exit 2
work=$(mktemp -d "$BENCH_DIR/indexer-run.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

. ./bench/lib.sh
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# timed OUT_PREFIX CMD...: run, record "seconds peak_kb cpu_seconds" in
# OUT_PREFIX.t (CPU time too: the project machines are shared, and wall
# time moves with the other jobs)
timed() {
  out=$1; shift
  "$TIME" -f "%e %M %U %S" -o "$out.t" "$@" >"$out.out" 2>"$out.err" || {
    echo "bench_indexer: failed: $*" >&2; cat "$out.err" >&2; return 1; }
}

rc=0
for n in $SIZES; do
  dir=$(bench_corpus "$n") || { rc=1; continue; }
  runs=${BENCH_RUNS:-$([ "$n" -le 5000 ] && echo 3 || echo 1)}
  mb=$(du -sbL --apparent-size "$dir/" | awk '{printf "%.1f", $1/1e6}')
  : >"$work/ours" ; : >"$work/base" ; : >"$work/rss"
  : >"$work/ourscpu" ; : >"$work/basecpu" ; : >"$work/pairs"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i+1))
    rm -f "$work"/i.db* "$work"/b.db*
    timed "$work/i" "$BUILD/indexer" --db "$work/i.db" --quiet "$dir" || { rc=1; break; }
    awk '{print $1}' "$work/i.t" >>"$work/ours"
    awk '{print $3+$4}' "$work/i.t" >>"$work/ourscpu"
    awk '{print $2}' "$work/i.t" >>"$work/rss"
    timed "$work/b" "$BUILD/fts5_baseline" "$work/b.db" "$dir" || { rc=1; break; }
    awk '{print $1}' "$work/b.t" >>"$work/base"
    awk '{print $3+$4}' "$work/b.t" >>"$work/basecpu"
    paste -d' ' "$work/i.t" "$work/b.t" >>"$work/pairs"
  done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  pairwall=$(awk '{print $5/$1}' "$work/pairs" | median)
  paircpu=$(awk '{print ($7+$8)/($3+$4)}' "$work/pairs" | median)
  [ -s "$work/i.db" ] || continue
  rows=$(awk '{print $2}' "$work/b.out")
  ours=$(median <"$work/ours"); base=$(median <"$work/base")
  ourscpu=$(median <"$work/ourscpu"); basecpu=$(median <"$work/basecpu")
  rss=$(sort -n "$work/rss" | tail -1)
  isize=$(du -sb --apparent-size "$work"/i.db* | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  bsize=$(du -sb --apparent-size "$work"/b.db* | awk '{s+=$1} END {printf "%.1f", s/1e6}')
  segs=$(sqlite3 "$work/i.db" \
    "SELECT count(DISTINCT segid) FROM assignments_fts_idx") || segs=-1
  timed "$work/r" "$BUILD/indexer" --db "$work/i.db" "$dir" || rc=1
  rerun=$(awk '{print $1}' "$work/r.t")
  # where the gap comes from: the same rows (from the baseline's table)
  # into FTS5 with each tokenizer, one INSERT ... SELECT, CPU seconds
  for tok in "unicode61 remove_diacritics 0" swedish; do
    rm -f "$work"/t.db*
    timed "$work/t" sqlite3 "$work/t.db" ".load $BUILD/swedish" \
      "ATTACH '$work/b.db' AS b; CREATE VIRTUAL TABLE t USING fts5(assignment,
       status, source, tokenize='$tok'); INSERT INTO t SELECT assignment,
       status, source FROM b.t;" || rc=1
    awk -v p="indexer_${n}_tokenizer_${tok%% *}_cpu_seconds" \
      '{printf "%s %.2f s\n", p, $3+$4}' "$work/t.t"
  done
  rm -f "$work"/t.db*
  awk -v n="$n" -v rows="$rows" -v ours="$ours" -v base="$base" -v mb="$mb" \
      -v rss="$rss" -v isize="$isize" -v bsize="$bsize" -v runs="$runs" \
      -v rerun="$rerun" -v ourscpu="$ourscpu" -v basecpu="$basecpu" \
      -v segs="$segs" -v pairwall="$pairwall" -v paircpu="$paircpu" \
      -v load0="$load0" -v load1="$load1" 'BEGIN {
    p = "indexer_" n "_";
    printf "%sreports %d reports\n", p, n
    printf "%sinput_size %.1f MB\n", p, mb
    printf "%srows %d rows\n", p, rows
    printf "%sruns %d runs\n", p, runs
    printf "%sseconds %.2f s\n", p, ours
    printf "%srows_per_s %.0f rows/s\n", p, rows/ours
    printf "%smb_per_s %.1f MB/s\n", p, mb/ours
    printf "%sbaseline_seconds %.2f s\n", p, base
    printf "%sbaseline_rows_per_s %.0f rows/s\n", p, rows/base
    printf "%sbaseline_mb_per_s %.1f MB/s\n", p, mb/base
    printf "%sratio_vs_fts5_baseline %.2f ratio (target >= 0.70)\n", p, base/ours
    printf "%scpu_seconds %.2f s\n", p, ourscpu
    printf "%sbaseline_cpu_seconds %.2f s\n", p, basecpu
    printf "%scpu_ratio_vs_fts5_baseline %.2f ratio\n", p, basecpu/ourscpu
    printf "%sratio_median_of_runs %.2f ratio\n", p, pairwall
    printf "%scpu_ratio_median_of_runs %.2f ratio\n", p, paircpu
    printf "%sload_average %s to %s load\n", p, load0, load1
    printf "%speak_rss %.1f MB (target < 100)\n", p, rss/1024
    printf "%sindex_size %.1f MB\n", p, isize
    printf "%sindex_to_input %.2f ratio\n", p, isize/mb
    printf "%sbaseline_index_size %.1f MB\n", p, bsize
    printf "%sfts_segments %d segments\n", p, segs
    printf "%srerun_unchanged_seconds %.2f s\n", p, rerun
  }'
done

# bench_series K: print $BENCH_DIR/sK, K regions of series made once
# (tools/gen-corpus --series --regions K), under a lock as bench_corpus.
bench_series() {
  _d=$BENCH_DIR/s$1
  (
    exec 9> "$_d.lock" || exit 1
    flock 9 || exit 1
    [ -d "$_d" ] && exit 0
    echo "bench: generating series of $1 regions into $_d" >&2
    _tmp=$(mktemp -d "$_d.tmp.XXXXXX") || exit 1
    chmod 755 "$_tmp"
    python3 tools/gen-corpus --out "$_tmp" --series --regions "$1" --quiet >&2 &&
      mv -T "$_tmp" "$_d" && exit 0
    rm -rf "$_tmp"
    exit 1
  ) || { echo "bench: cannot make the series $_d" >&2; return 1; }
  echo "$_d"
}

# link_cost K: indexing K regions of series with linking against without
link_cost() {
  k=$1
  src=$(bench_series "$k") || return 1
  runs=${BENCH_RUNS:-3}
  # a copy: the added reports must not enter the cached corpus
  rm -rf "$work/series" && cp -r "$src" "$work/series" || return 1
  dir=$work/series
  : >"$work/lpairs" ; : >"$work/ladd"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i+1))
    rm -f "$work"/l.db* "$work"/n.db*
    timed "$work/l" "$BUILD/indexer" --db "$work/l.db" --quiet "$dir" || return 1
    timed "$work/n" "$BUILD/indexer" --db "$work/n.db" --quiet --no-link "$dir" || return 1
    paste -d' ' "$work/l.t" "$work/n.t" >>"$work/lpairs"
  done
  # linking alone: every series of the last --no-link index
  timed "$work/o" "$BUILD/indexer" --db "$work/n.db" --quiet "$dir" || return 1
  rows=$(sqlite3 "$work/l.db" "SELECT count(*) FROM assignments") || return 1
  # one new report, a month after the newest of the first region, each time
  region=$(ls "$dir" | head -1)
  last=$(ls "$dir/$region" | sort | tail -1)
  i=0
  while [ $i -lt "$runs" ]; do
    i=$((i+1))
    day=$(date -d "${last%.txt} + $i month" +%F) || return 1
    sed "s/${last%.txt}/$day/" "$dir/$region/$last" >"$dir/$region/$day.txt"
    timed "$work/a" "$BUILD/indexer" --db "$work/l.db" "$dir" || return 1
    grep -q "1 reports indexed.*1 series linked" "$work/a.out" || {
      echo "bench_indexer: adding $day did not link one series" >&2; return 1; }
    awk '{print $1}' "$work/a.t" >>"$work/ladd"
  done
  load1=$(cut -d' ' -f1 /proc/loadavg)
  reports=$(find "$src" -name '*.txt' | wc -l)
  linked=$(awk '{print $1}' "$work/lpairs" | median)
  unlinked=$(awk '{print $5}' "$work/lpairs" | median)
  lcpu=$(awk '{print $3+$4}' "$work/lpairs" | median)
  ncpu=$(awk '{print $7+$8}' "$work/lpairs" | median)
  pairwall=$(awk '{printf "%.2f\n", $1/$5}' "$work/lpairs" | median)
  paircpu=$(awk '{printf "%.2f\n", ($3+$4)/($7+$8)}' "$work/lpairs" | median)
  spread=$(awk '{r=$1/$5; if(NR==1||r<lo)lo=r; if(NR==1||r>hi)hi=r}
                END {printf "%.2f-%.2f", lo, hi}' "$work/lpairs")
  add=$(median <"$work/ladd"); addmax=$(sort -n "$work/ladd" | tail -1)
  lrss=$(awk '{print $2}' "$work/lpairs" | sort -n | tail -1)
  p="indexer_link_${k}_regions_"
  echo "${p}reports $reports reports"
  echo "${p}rows $rows rows"
  echo "${p}runs $runs runs"
  echo "${p}seconds $linked s"
  echo "${p}no_link_seconds $unlinked s"
  echo "${p}cpu_seconds $lcpu s"
  echo "${p}no_link_cpu_seconds $ncpu s"
  awk -v a="$linked" -v b="$unlinked" -v p="$p" \
    'BEGIN {printf "%sratio %.2f ratio (target <= 1.2)\n", p, a/b}'
  awk -v a="$lcpu" -v b="$ncpu" -v p="$p" \
    'BEGIN {printf "%scpu_ratio %.2f ratio\n", p, a/b}'
  echo "${p}ratio_median_of_runs $pairwall ratio (spread $spread)"
  echo "${p}cpu_ratio_median_of_runs $paircpu ratio"
  awk -v r="$lrss" -v p="$p" 'BEGIN {printf "%speak_rss %.1f MB\n", p, r/1024}'
  awk -v p="$p" '{printf "%slink_only_cpu_seconds %.2f s\n%slink_only_peak_rss %.1f MB\n",
    p, $3+$4, p, $2/1024}' "$work/o.t"
  echo "${p}add_one_report_seconds $add s (target < 1; slowest $addmax)"
  echo "${p}load_average $load0 to $load1 load"
}

link_cost "${BENCH_LINK_REGIONS:-21}" || { echo "bench_indexer: link cost failed" >&2; rc=1; }
exit $rc
