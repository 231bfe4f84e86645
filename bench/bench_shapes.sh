#!/bin/bash
# bench_shapes.sh: one query at a time, searchd beside Sphinx's searchd, per
# query and per query shape (broad words, inflections, compounds, several
# words, phrases, operators, topics), at each corpus size. See
# bench/README.md.
#
# Per size N of BENCH_SHAPES_SIZES (default "5000 50000"), cached in
# $BENCH_DIR: the corpus (tools/gen-corpus, bench/lib.sh), our index of it
# ($BENCH_DIR/search.db for the size bench_searchd.sh uses, else
# search-rN.db), its rows as TSV and Sphinx's index of them (under
# $BENCH_DIR/peers, or peers-rN). Then searchd (result cache off) and
# Sphinx's searchd run side by side, idle but for the one query in flight,
# and bench/searchd/shapes.py sends them the bench queries in turns,
# BENCH_SHAPES_ROUNDS (5) rounds: medians per query and the ratios
# searchd / Sphinx, per shape and overall; then both servers' peak RSS.
# Prints `metric value unit` lines named shapes.rN.*; the per-query table
# goes to $BENCH_DIR/shapes/rN.tsv. Everything listens on 127.0.0.1; each
# server is stopped by its pid.
#
# Env: BUILD (build), BENCH_DIR (/tmp/aar-bench), BENCH_SHAPES_SIZES,
#   BENCH_SHAPES_ROUNDS, BENCH_REPORTS (5000: the size whose index is
#   bench_searchd.sh's search.db), BENCH_PEERS (needs sphinx), INDEXER and
#   SEARCHD (default $BUILD/indexer, $BUILD/searchd).
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$PWD
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
SIZES=${BENCH_SHAPES_SIZES:-5000 50000}
ROUNDS=${BENCH_SHAPES_ROUNDS:-5}
MAIN_REPORTS=${BENCH_REPORTS:-5000}
INDEXER=${INDEXER:-$TOP/$BUILD/indexer}
SEARCHD=${SEARCHD:-$TOP/$BUILD/searchd}
W=$BENCH_DIR/shapes
. "$TOP/bench/peers/lib.sh"
. "$TOP/bench/peers/sphinx.sh"
BENCH_NAME=bench_shapes
. "$TOP/bench/lib.sh"

SPID='' SXPID=''
cleanup() {
    [[ $SPID ]] && stop_pid "$SPID" "$(basename "$SEARCHD" | cut -c1-15)" TERM 20
    [[ $SXPID ]] && stop_pid "$SXPID" searchd TERM 30
    SPID='' SXPID=''
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# status PID FIELD: a /proc/PID/status field in MiB (VmHWM: peak RSS;
# RssAnon: private memory, without mapped files such as searchd's index).
status() { awk -v k="$2:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2> /dev/null; }

# prepare N: the corpus, our index and Sphinx's; sets DB and SPHINX_WORK.
prepare() {
    local n=$1 corpus rc
    corpus=$(bench_corpus "$n") || die "no corpus of $n reports"
    if ((n == MAIN_REPORTS)); then
        DB=$BENCH_DIR/search.db PEERS_WORK=$BENCH_DIR/peers
    else
        DB=$BENCH_DIR/search-r$n.db PEERS_WORK=$BENCH_DIR/peers-r$n
    fi
    SPHINX_WORK=$PEERS_WORK/sphinx
    bench_index "$INDEXER" "$corpus" "$DB" "$W/indexer-r$n.log"
    rc=$?
    ((rc == 0 || rc == 10)) || die "cannot index $corpus into $DB"
    mkdir -p "$SPHINX_WORK" || die "cannot create $SPHINX_WORK"
    if ! [[ -s $PEERS_WORK/rows.tsv && $PEERS_WORK/rows.tsv -nt $DB ]]; then
        rows_tsv "$DB" "$PEERS_WORK/rows.tsv" || die "cannot read the rows of $DB"
    fi
    sphinx_index "$PEERS_WORK/rows.tsv" || return 1
}

# start_ours: searchd over DB, cache off; sets SPID, SPORT.
start_ours() {
    SPORT=$(free_port)
    "$SEARCHD" --db "$DB" --listen "127.0.0.1:$SPORT" --cache-size 0 --quiet \
        > "$W/searchd.log" 2>&1 &
    SPID=$!
    wait_port "$SPORT" 60 || { tail "$W/searchd.log" >&2; die "searchd did not listen"; }
}

one_size() {
    local n=$1
    if ! prepare "$n"; then
        skipped sphinx "its index of $n reports failed (see $SPHINX_WORK/indexer.log)"
        return 0
    fi
    sphinx_start || { skipped sphinx "its searchd did not start"; return 0; }
    start_ours
    note "$n reports: searchd pid $SPID, Sphinx pid $SXPID, $ROUNDS rounds"
    "$PY" "$TOP/bench/searchd/shapes.py" "$SPORT" "$SXPORT" \
        "$TOP/bench/searchd/queries.txt" "$ROUNDS" "$W/r$n.tsv" "shapes.r$n" \
        || note "shapes.py failed at $n reports"
    metric "shapes.r$n.searchd.peak_rss" "$(status "$SPID" VmHWM)" MiB
    metric "shapes.r$n.searchd.private" "$(status "$SPID" RssAnon)" MiB
    metric "shapes.r$n.sphinx.peak_rss" "$(status "$SXPID" VmHWM)" MiB
    metric "shapes.r$n.sphinx.private" "$(status "$SXPID" RssAnon)" MiB
    metric "shapes.r$n.rows" "$(sqlite3 "$DB" 'SELECT count(*) FROM assignments')" rows
    cleanup
}

main() {
    local n
    mkdir -p "$BENCH_DIR" "$W" || die "cannot create $W"
    [[ -x $SEARCHD && -x $INDEXER ]] || die "no programs in $BUILD (make BUILD=$BUILD all)"
    peer_ready sphinx "sphinxsearch mariadb-client" indexer searchd || return 0
    for n in $SIZES; do one_size "$n"; done
}

main
