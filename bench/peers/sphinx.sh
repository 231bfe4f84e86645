# bench/peers/sphinx.sh: Sphinx's searchd as the searchd benchmark's peer;
# sourced by bash after peers/lib.sh. Its files live in $SPHINX_WORK.
SPHINX_WORK=${SPHINX_WORK:-$PEERS_WORK/sphinx}

# sphinx_conf ROWS_TSV PORT OUT: the configuration, from sphinx.conf.in.
sphinx_conf() {
    sed -e "s|@ROWS@|$1|g" -e "s|@PORT@|$2|g" -e "s|@WORK@|$SPHINX_WORK|g" \
        "$PEERS_DIR/sphinx.conf.in" > "$3"
}

# sphinx_index ROWS_TSV: (re)build the index of rows.tsv unless it is newer.
sphinx_index() {
    local log=$SPHINX_WORK/indexer.log
    [[ -f $SPHINX_WORK/index/rows.sph && $SPHINX_WORK/index/rows.sph -nt $1 ]] && return 0
    rm -rf "$SPHINX_WORK/index" && mkdir -p "$SPHINX_WORK/index" || return 1
    sphinx_conf "$1" 9 "$SPHINX_WORK/indexer.conf"      # the port is searchd's only
    echo "bench: Sphinx indexer over $1" >&2
    if ! indexer --config "$SPHINX_WORK/indexer.conf" --all > "$log" 2>&1 ||
        grep -qE '^(ERROR|FATAL)' "$log"; then
        tail -5 "$log" >&2
        return 1
    fi
    if grep -qE 'unknown stemmer|invalid morphology' "$log"; then
        echo "bench: Sphinx has no libstemmer_sv: its figures are without stemming" >&2
    fi
    return 0
}

# sphinx_start: start Sphinx's searchd over the index on a free port; sets
# SXPID and SXPORT; returns 1 (its log's tail on stderr) if it does not
# listen.
sphinx_start() {
    SXPORT=$(free_port)
    sphinx_conf /dev/null "$SXPORT" "$SPHINX_WORK/searchd.conf"
    searchd --config "$SPHINX_WORK/searchd.conf" --nodetach > "$SPHINX_WORK/searchd.out" 2>&1 &
    SXPID=$!
    if ! wait_port "$SXPORT" 60; then
        tail -5 "$SPHINX_WORK/searchd.out" >&2
        stop_pid "$SXPID" searchd
        return 1
    fi
    echo "bench: Sphinx searchd pid $SXPID on 127.0.0.1:$SXPORT" >&2
}

# sphinx_query QUERY_FILE N OUT_DIR: start Sphinx's searchd, ask every query
# once (OUT_DIR/sphinx-hits.tsv), then mysqlslap at concurrency 1 and 16, N
# statements each; latency percentiles from a client beside them (one
# sequential pass for c1, one more connection beside the 16 for c16).
# Prints sphinx.cN.{qps,p50,p90,p99} and sphinx.rss; returns 1 on failure.
sphinx_query() {
    local qfile=$1 n=$2 out=$3 port pid c secs lat probe rc p50 p90 p99 _ hwm
    local sql=$SPHINX_WORK/statements.sql slap=$SPHINX_WORK/slap.sql
    $PY "$PEERS_DIR/sphinxql.py" statements "$qfile" > "$sql" || return 1
    grep -v '^$' "$sql" | sed 's/$/;/' > "$slap"
    sphinx_start || return 1
    port=$SXPORT pid=$SXPID
    $PY "$PEERS_DIR/sphinxql.py" probe "$port" "$sql" "$qfile" > "$out/sphinx-hits.tsv" ||
        echo "bench: some Sphinx queries failed (see $out/sphinx-hits.tsv)" >&2
    rc=0
    for c in 1 16; do
        lat=$SPHINX_WORK/lat-c$c.ms probe=
        if ((c == 1)); then
            $PY "$PEERS_DIR/sphinxql.py" latency "$port" "$sql" \
                $(((n + $(wc -l < "$slap") - 1) / $(wc -l < "$slap"))) > "$lat"
        else
            $PY "$PEERS_DIR/sphinxql.py" latency "$port" "$sql" 0 > "$lat" &
            probe=$!
        fi
        secs=$(mysqlslap --protocol=tcp -h127.0.0.1 -P"$port" --query="$slap" --delimiter=';' \
                   --concurrency="$c" --number-of-queries="$n" --iterations=1 2> "$out/mysqlslap.err" |
               awk -F': ' '/Average number of seconds to run all queries/ {print $2 + 0}')
        [[ $probe ]] && { kill -TERM "$probe"; wait "$probe"; }
        if [[ -z $secs ]]; then
            echo "bench: mysqlslap c$c failed: $(tail -2 "$out/mysqlslap.err")" >&2
            rc=1
            continue
        fi
        read -r p50 p90 p99 _ < <(percentiles "$lat")
        metric "sphinx.c$c.qps" "$(awk -v n="$(( (n / c) * c ))" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')" q/s
        metric "sphinx.c$c.p50" "$p50" ms
        metric "sphinx.c$c.p90" "$p90" ms
        metric "sphinx.c$c.p99" "$p99" ms
    done
    hwm=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$pid/status" 2> /dev/null)
    metric sphinx.rss "${hwm:-nan}" MiB
    stop_pid "$pid" searchd TERM 30
    return $rc
}
