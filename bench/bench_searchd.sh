#!/bin/bash
# bench_searchd.sh: searchd throughput, latency and memory over 5,000
# generated reports, with Sphinx's searchd and nginx measured beside it in
# the same run. See bench/README.md.
#
# Once, cached in $BENCH_DIR: the corpus (tools/gen-corpus), our index
# (search.db, rebuilt when the corpus or the indexer is newer), its rows as
# TSV and Sphinx's index of them. The peers come from Debian packages,
# installed when missing (bench/peers/); one that cannot be had prints a
# "skipped: PEER: REASON" line and the rest runs. Then, per run (BENCH_RUNS,
# default 1):
#   Sphinx   bench/peers/sphinx.sh: mysqlslap c1 and c16, same queries
#   nginx    a static file holding a real searchd /search answer of median
#            size: wrk c16 and c64 (the HTTP ceiling)
#   cold     searchd with the result cache off: wrk, the queries in turn,
#            one hit per row (collapse=none: what Sphinx answers, and what
#            earlier results measured)
#   collapse the same searchd and queries with one hit per assignment
#            (collapse=assignment, the API's default), c16: the cold and
#            the collapsed c16 loads run as A B B A, each half the time
#   warm     searchd with the result cache on, after a warm-up: wrk,
#            Zipf-drawn queries (the API's default, collapse=assignment)
#   series   the same cold pair, c16, over report series
#            (tools/gen-corpus --series --regions BENCH_SERIES_REGIONS),
#            whose assignments recur from report to report
#   memory   searchd's VmRSS, VmHWM and RssAnon after each load
# Prints `metric value unit` lines (medians over the runs), a table and the
# targets' ratios. Everything listens on 127.0.0.1; every server this script
# starts is stopped by its pid on exit.
#
# Env: BUILD (build), BENCH_DIR (/tmp/aar-bench), BENCH_PEERS (the peers to
#   set up, default "sphinx nginx wrk"),
#   BENCH_SECONDS per load (10), BENCH_RUNS (1), BENCH_CONNECTIONS ("16 64"),
#   BENCH_REPORTS (5000), BENCH_ZIPF_S (1.0), BENCH_TAIL (long-tail queries
#   from the corpus appended to the warm run's list, default 0: with a tail
#   the warm figure measures cache misses), BENCH_WARMUP (s of unmeasured
#   load through the whole list before the warm figures, default 10), SPHINX_QUERIES (mysqlslap queries per
#   concurrency; default 600 x BENCH_SECONDS), SEARCHD_THREADS (searchd's
#   default), SEARCHD_CACHE (warm cache size; searchd's default), SEARCHD_FLAGS
#   (more flags for both searchd runs, e.g. "--rerank 30"), INDEXER and
#   SEARCHD (the programs; default $BUILD/indexer, $BUILD/searchd),
#   BENCH_SERIES_REGIONS (21; 0: no series run), BENCH_LARGE_REPORTS (50000:
#   after the runs above, the cold c16 pair and Sphinx again, BENCH_RUNS
#   times, over a corpus of that many reports: search-rN.db, peers-rN,
#   searchd-rN; 0: none).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$PWD
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
SECS=${BENCH_SECONDS:-10}
RUNS=${BENCH_RUNS:-1}
CONNS=${BENCH_CONNECTIONS:-16 64}
REPORTS=${BENCH_REPORTS:-5000}
ZIPF_S=${BENCH_ZIPF_S:-1.0}
TAIL=${BENCH_TAIL:-0}
WARMUP=${BENCH_WARMUP:-10}
NSLAP=${SPHINX_QUERIES:-$((600 * SECS))}
SERIES=${BENCH_SERIES_REGIONS:-21}
LARGE=${BENCH_LARGE_REPORTS:-50000}
INDEXER=${INDEXER:-$TOP/$BUILD/indexer}
SEARCHD=${SEARCHD:-$TOP/$BUILD/searchd}
HERE=$TOP/bench/searchd
CORPUS=$BENCH_DIR/r$REPORTS
DB=$BENCH_DIR/search.db
SCORPUS=$BENCH_DIR/series$SERIES
SDB=$BENCH_DIR/series$SERIES.db
W=$BENCH_DIR/searchd
export PEERS_WORK=$BENCH_DIR/peers
. "$TOP/bench/peers/lib.sh"
. "$TOP/bench/peers/sphinx.sh"
BENCH_NAME=bench_searchd
. "$TOP/bench/lib.sh"

SPID='' NPID=''
cleanup() {
    [[ $SPID ]] && stop_pid "$SPID" "$(basename "$SEARCHD" | cut -c1-15)" TERM 20
    [[ $NPID ]] && stop_pid "$NPID" nginx QUIT 20
    SPID='' NPID=''
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- setup: peers, corpus, indexes, query lists ------------------------------

# HAVE_WRK, HAVE_NGINX, HAVE_SPHINX: 1 when the peer is there (installed now
# if need be), else 0 after its skipped: line.
setup_peers() {
    HAVE_WRK=0 HAVE_NGINX=0 HAVE_SPHINX=0
    peer_ready wrk wrk wrk && HAVE_WRK=1
    if peer_ready nginx nginx nginx; then
        if ((HAVE_WRK)); then HAVE_NGINX=1; else skipped nginx "no wrk to load it"; fi
    fi
    peer_ready sphinx "sphinxsearch mariadb-client" indexer searchd mysqlslap && HAVE_SPHINX=1
    return 0
}

# The corpus (the other benchmarks use it too) and our index of it, both
# made once (bench/lib.sh).
make_corpus() {
    bench_corpus "$REPORTS" > /dev/null || die "no corpus"
}

make_index() {
    local rc t0
    [[ -x $INDEXER ]] || die "no indexer at $INDEXER (make BUILD=$BUILD all)"
    t0=$(now)
    bench_index "$INDEXER" "$CORPUS" "$DB" "$BENCH_DIR/indexer.log"
    rc=$?
    ((rc == 0 || rc == 10)) || die "cannot index $CORPUS into $DB"
    ((rc == 10)) && metric searchd.index.wall "$(elapsed "$t0" "$(now)")" s
    return 0
}

# The series corpus (gen-corpus --series) and its index, made once; the
# indexer links its assignments.
make_series() {
    local rc
    ((SERIES > 0)) || return 0
    if ! [[ -d $SCORPUS ]]; then
        note "generating $SERIES regions' series into $SCORPUS"
        rm -rf "$SCORPUS.tmp"
        "$PY" tools/gen-corpus --out "$SCORPUS.tmp" --series --regions "$SERIES" > /dev/null \
            && mv -T "$SCORPUS.tmp" "$SCORPUS" || die "cannot make $SCORPUS"
    fi
    bench_index "$INDEXER" "$SCORPUS" "$SDB" "$BENCH_DIR/indexer-series.log"
    rc=$?
    ((rc == 0 || rc == 10)) || die "cannot index $SCORPUS into $SDB"
}

# The rows of our index as TSV (for Sphinx and the long tail), then
# Sphinx's index of them; Sphinx is skipped if its indexer fails.
make_peer_index() {
    mkdir -p "$PEERS_WORK" "$SPHINX_WORK" || die "cannot create $PEERS_WORK"
    ((HAVE_SPHINX || TAIL > 0)) || return 0
    if ! [[ -s $PEERS_WORK/rows.tsv && $PEERS_WORK/rows.tsv -nt $DB ]]; then
        rows_tsv "$DB" "$PEERS_WORK/rows.tsv" || die "cannot read the rows of $DB"
    fi
    if ((HAVE_SPHINX)) && ! sphinx_index "$PEERS_WORK/rows.tsv"; then
        skipped sphinx "its indexer failed (see $SPHINX_WORK/indexer.log)"
        HAVE_SPHINX=0
    fi
}

# queries.txt: the list (cold run, Sphinx, probe); zipf.txt: the same, then
# BENCH_TAIL long-tail queries of corpus words (warm run).
make_query_lists() {
    queries "$HERE/queries.txt" | awk '!seen[$0]++' > "$W/queries.txt"
    { cat "$W/queries.txt"; ((TAIL == 0)) || "$PY" "$HERE/tail.py" "$PEERS_WORK/rows.tsv" "$TAIL"; } \
        | awk '!seen[$0]++' > "$W/zipf.txt" || die "tail.py failed"
    note "$(wc -l < "$W/queries.txt") queries, $(wc -l < "$W/zipf.txt") with the Zipf tail"
}

# --- servers ----------------------------------------------------------------

# searchd_flag FLAG: does this searchd's --help mention FLAG?
searchd_flag() { "$SEARCHD" --help 2>&1 | grep -q -- "$1"; }

# start_searchd cold|warm [DB]: start searchd on a free port; sets SPID,
# SPORT.
start_searchd() {
    local args=(--db "${2:-$DB}" --listen "127.0.0.1:$(free_port)")
    SPORT=${args[3]##*:}
    searchd_flag --quiet && args+=(--quiet)
    [[ ${SEARCHD_THREADS:-} ]] && args+=(--threads "$SEARCHD_THREADS")
    # shellcheck disable=SC2206  # word splitting wanted: several flags
    [[ ${SEARCHD_FLAGS:-} ]] && args+=($SEARCHD_FLAGS)
    if searchd_flag --cache-size; then
        if [[ $1 == cold ]]; then args+=(--cache-size 0)
        elif [[ ${SEARCHD_CACHE:-} ]]; then args+=(--cache-size "$SEARCHD_CACHE"); fi
    elif [[ $1 == cold ]]; then
        note "searchd has no --cache-size: the cold run may hit a result cache"
    fi
    "$SEARCHD" "${args[@]}" > "$W/searchd-$1.log" 2>&1 &
    SPID=$!
    wait_port "$SPORT" 30 || { tail "$W/searchd-$1.log" >&2; die "searchd did not listen on 127.0.0.1:$SPORT"; }
    note "searchd ($1) pid $SPID on 127.0.0.1:$SPORT: ${args[*]}"
}

# --- loads --------------------------------------------------------------------

# to_ms VALUE_WITH_UNIT: wrk prints 812.00us, 1.23ms, 1.02s
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    printf "%.3f", u == "us" ? n / 1000 : u == "s" ? n * 1000 : u == "m" ? n * 60000 : n }'; }

# load NAME CONNS URL [LUA_SCRIPT [SCRIPT_ARGS...]]: wrk for $LOAD_SECS s
# (default $SECS); prints NAME.cN.{qps,p50,p90,p99,errors} metric lines.
load() {
    local name=$1 c=$2 url=$3 out p v errs lua=()
    shift 3
    (($#)) && { lua=(-s "$1" "$url" --); shift; } || lua=("$url")
    out=$(wrk -t2 -c"$c" -d"${LOAD_SECS:-$SECS}s" --timeout 10s --latency "${lua[@]}" "$@" 2>&1) \
        || { note "wrk $name -c$c failed: $out"; return 1; }
    echo "$out" > "$RD/wrk-$name-c$c.log"
    metric "$name.c$c.qps" "$(awk '/^Requests\/sec:/ {print $2}' <<< "$out")" req/s
    for p in 50 90 99; do
        v=$(awk -v p="$p%" '$1 == p {print $2; exit}' <<< "$out")
        metric "$name.c$c.p$p" "$(to_ms "$v")" ms
    done
    errs=$(awk '/Non-2xx|Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i} END {print s + 0}' <<< "$out")
    metric "$name.c$c.errors" "$errs" count
    ((errs == 0)) || note "$name -c$c: $errs errors (see $RD/wrk-$name-c$c.log)"
}

# pair A B DB: the cold queries at c16 one hit per row (A) and one per
# assignment (B), as A B B A in four loads of half the time each, so the
# machine's drift weighs on both alike; prints A.c16.* and B.c16.*, each
# the mean of its two halves (QPS exactly so, the percentiles as an
# approximation) with the errors summed.
pair() {
    local a=$1 b=$2 u="http://127.0.0.1:$SPORT" half=$(( (SECS + 1) / 2 ))
    {
        LOAD_SECS=$half load "$a.h1" 16 "$u" "$TOP/bench/wrk/cycle.lua" "$W/queries.txt" "$NONE"
        LOAD_SECS=$half load "$b.h1" 16 "$u" "$TOP/bench/wrk/cycle.lua" "$W/queries.txt" "$COLLAPSE"
        LOAD_SECS=$half load "$b.h2" 16 "$u" "$TOP/bench/wrk/cycle.lua" "$W/queries.txt" "$COLLAPSE"
        LOAD_SECS=$half load "$a.h2" 16 "$u" "$TOP/bench/wrk/cycle.lua" "$W/queries.txt" "$NONE"
    } | awk '{ k = $1; sub(/\.h[12]\./, ".", k); s[k] += $2; n[k]++; u[k] = $3 }
        END { for (k in s) printf "%s %s %s\n", k,
              (k ~ /errors$/) ? s[k] : sprintf("%.3f", s[k] / n[k]), u[k] }' | sort
}

# memory NAME: VmRSS, VmHWM and RssAnon (private memory: VmRSS without
# the mapped index pages, which the kernel shares and can reclaim) of the
# running searchd, MiB.
memory() {
    local k
    if ! [[ -r /proc/$SPID/status ]] || [[ $(awk '{print $3}' "/proc/$SPID/stat") == Z ]]; then
        note "searchd pid $SPID is gone: it died under load (see $W/searchd-*.log)"
        return 1
    fi
    for k in rss:VmRSS hwm:VmHWM anon:RssAnon; do
        metric "$1.${k%:*}" "$(awk -v k="${k#*:}:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$SPID/status")" MiB
    done
}

# The cold loads' targets: a hit per row, or per assignment.
NONE='/search?collapse=none&q='
COLLAPSE='/search?collapse=assignment&q='

one_run() {
    local c
    if ((HAVE_SPHINX)); then
        sphinx_query "$W/queries.txt" "$NSLAP" "$RD" || note "Sphinx failed (see $SPHINX_WORK)"
    fi
    if ((HAVE_NGINX)); then
        if start_nginx "$W/body.json"; then
            for c in $CONNS; do load nginx "$c" "http://127.0.0.1:$NPORT/search.json"; done
        else
            skipped nginx "did not listen on 127.0.0.1:$NPORT (see $W/nginx/error.log)"
        fi
        cleanup
    fi
    if ! ((HAVE_WRK)); then
        skipped "searchd load" "no wrk"
        return 0
    fi
    start_searchd cold
    for c in $CONNS; do
        if ((c == 16)); then pair searchd.cold searchd.collapse
        else load searchd.cold "$c" "http://127.0.0.1:$SPORT" "$TOP/bench/wrk/cycle.lua" "$W/queries.txt" "$NONE"; fi
    done
    memory searchd.cold
    cleanup
    if ((SERIES > 0)); then
        start_searchd cold "$SDB"
        pair searchd.series.cold searchd.series.collapse
        memory searchd.series
        cleanup
    fi
    start_searchd warm
    # fill every worker's cache first: the whole list in turn, unmeasured
    ((WARMUP > 0)) && wrk -t2 -c16 -d"${WARMUP}s" -s "$TOP/bench/wrk/cycle.lua" "http://127.0.0.1:$SPORT" -- \
        "$W/zipf.txt" > "$RD/wrk-warmup.log" 2>&1
    for c in $CONNS; do load searchd.warm "$c" "http://127.0.0.1:$SPORT" "$TOP/bench/wrk/zipf.lua" "$W/zipf.txt" "$ZIPF_S" 1; done
    memory searchd.warm
    cleanup
}

# runs FUNC: BENCH_RUNS runs of FUNC, each into $W/runN/metrics.txt (RD).
runs() {
    local r
    rm -rf "$W"/run[0-9]*
    for ((r = 1; r <= RUNS; r++)); do
        RD=$W/run$r
        mkdir -p "$RD"
        note "$1 $r of $RUNS"
        "$1" > "$RD/metrics.txt"
    done
}

# The large corpus: Sphinx and the cold pair at c16 only, BENCH_RUNS times,
# then its own summary (target: at least Sphinx's QPS, p99 at most its).
large_runs() {
    ((LARGE > 0 && LARGE != REPORTS)) || return 0
    REPORTS=$LARGE CORPUS=$BENCH_DIR/r$LARGE DB=$BENCH_DIR/search-r$LARGE.db
    PEERS_WORK=$BENCH_DIR/peers-r$LARGE SPHINX_WORK=$BENCH_DIR/peers-r$LARGE/sphinx
    W=$BENCH_DIR/searchd-r$LARGE
    mkdir -p "$W" || die "cannot create $W"
    note "the large corpus: $LARGE reports"
    make_corpus
    make_index
    make_peer_index
    make_query_lists
    warm_files "$DB" "$SPHINX_WORK/index"
    runs large_run
    echo "== $LARGE reports"
    # its metric lines named rN.*, the table and targets as they are
    "$PY" "$HERE/summary.py" --large "$W"/run[0-9]* |
        awk -v p="r$LARGE." '/^[a-z][^ ]* [-0-9.e+]+ [^ ]+$/ { $0 = p $0 } { print }'
}

# warm_files PATH...: read the files (directories: their files) once, so
# that the first run does not pay for reading a just-written index from
# disk while the later ones find it in the page cache: each engine's index
# is read alike, before the runs.
warm_files() {
    find "$@" -type f -exec cat {} + > /dev/null 2>&1
}

large_run() {
    if ((HAVE_SPHINX)); then
        sphinx_query "$W/queries.txt" "$NSLAP" "$RD" || note "Sphinx failed (see $SPHINX_WORK)"
    fi
    start_searchd cold
    pair searchd.cold searchd.collapse
    memory searchd.cold
    cleanup
}

main() {
    local t0
    mkdir -p "$BENCH_DIR" "$W" || die "cannot create $W"
    [[ -x $SEARCHD ]] || die "no searchd at $SEARCHD (make BUILD=$BUILD all)"
    setup_peers
    make_corpus
    make_index
    make_series
    make_peer_index
    make_query_lists
    t0=$(now)
    start_searchd cold
    "$PY" "$HERE/probe.py" "$SPORT" "$W/queries.txt" "$W/probe.tsv" "$W/body.json" \
        || die "searchd answered no query with 200 (see $W/probe.tsv, $W/searchd-cold.log)"
    cleanup
    runs one_run
    # what each engine matched, side by side: a fast answer must not be an empty one
    if [[ -s $W/run1/sphinx-hits.tsv ]]; then
        awk -F'\t' 'BEGIN { print "query\tsphinx_total\tsearchd_total" }
            NR == FNR { if (FNR > 1) ours[$1] = $4; next }
            { printf "%s\t%s\t%s\n", $1, $2, ($1 in ours) ? ours[$1] : "-" }' \
            "$W/probe.tsv" "$W/run1/sphinx-hits.tsv" > "$W/hits-compare.tsv" \
            && note "matches per query, Sphinx vs searchd: $W/hits-compare.tsv"
        # Sphinx's own query time (SHOW META), one query at a time: beside searchd's took_ms
        awk -F'\t' '$3 ~ /^[0-9.]+$/ { s += $3; n++ } END { if (n) printf "sphinx.probe.took_ms.mean %.3f ms\n", s / n }' \
            "$W/run1/sphinx-hits.tsv"
    fi
    "$PY" "$HERE/summary.py" "$W"/run[0-9]*
    ((HAVE_WRK)) && large_runs
    metric searchd.bench.wall "$(elapsed "$t0" "$(now)")" s
}

main
