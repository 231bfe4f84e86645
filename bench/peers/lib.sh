# bench/peers/lib.sh: what bench_searchd.sh needs to set up and measure its
# peers; sourced by bash, never run. Every server started here binds
# 127.0.0.1 on a free port, keeps its files under $PEERS_WORK, and is
# stopped by its own pid (never by name).
# shellcheck disable=SC2034  # the variables are for the scripts that source this

PEERS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PEERS_WORK=${PEERS_WORK:-/tmp/aar-bench/peers}
PY=/usr/bin/python3

# metric NAME VALUE UNIT: the one machine-readable line of every benchmark.
metric() { printf '%s %s %s\n' "$1" "$2" "$3"; }

# skipped PEER REASON: the line that says a peer was not measured, and why.
skipped() { printf 'skipped: %s: %s\n' "$1" "$2"; }

# peer_ready PEER "PKG..." CMD...: are the commands there, installing the
# Debian packages when they are not (as root)? Prints a skipped: line and
# returns 1 when the peer cannot be had, or is left out of $BENCH_PEERS.
peer_ready() {
    local peer=$1 pkgs=$2 c missing=
    shift 2
    if [[ " ${BENCH_PEERS-sphinx nginx wrk} " != *" $peer "* ]]; then
        skipped "$peer" "not in BENCH_PEERS ($BENCH_PEERS)"
        return 1
    fi
    for c in "$@"; do command -v "$c" > /dev/null 2>&1 || missing="$missing $c"; done
    [[ -z $missing ]] && return 0
    if [[ $(id -u) != 0 ]]; then
        skipped "$peer" "missing$missing; install $pkgs as root"
        return 1
    fi
    echo "bench: installing $pkgs for $peer" >&2
    mkdir -p "$PEERS_WORK"
    # shellcheck disable=SC2086  # a list of packages
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs; }
    } >> "$PEERS_WORK/apt.log" 2>&1
    missing=
    for c in "$@"; do command -v "$c" > /dev/null 2>&1 || missing="$missing $c"; done
    [[ -z $missing ]] && return 0
    skipped "$peer" "apt-get install $pkgs failed (missing$missing; see $PEERS_WORK/apt.log)"
    return 1
}

free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_port PORT SECONDS: until something accepts on 127.0.0.1:PORT.
wait_port() {
    $PY - "$1" "$2" <<'PY'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.time() + float(sys.argv[2])
while time.time() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# start_nginx BODY_FILE [NAME]: nginx (NGINX_WORKERS workers, default 2, no
# access log; on the CPUs of SERVER_CPUS when set, a taskset list) serving
# the file as /NAME (default search.json) on a free port from $W/nginx
# (bench/peers/nginx.conf.in); sets NPID and NPORT. Returns 1 if it does not
# start.
start_nginx() {
    local n=$W/nginx
    rm -rf "$n" && mkdir -p "$n/www" "$n/tmp" && chmod 755 "$n" "$n/www"
    cp "$1" "$n/www/${2:-search.json}" && chmod 644 "$n/www/${2:-search.json}"
    NPORT=$(free_port)
    sed -e "s|@DIR@|$n|g" -e "s|@PORT@|$NPORT|g" -e "s|@WORKERS@|${NGINX_WORKERS:-2}|g" \
        "$TOP/bench/peers/nginx.conf.in" > "$n/nginx.conf"
    ${SERVER_CPUS:+taskset -c "$SERVER_CPUS"} nginx -p "$n" -c "$n/nginx.conf" -e "$n/error.log" &
    NPID=$!
    wait_port "$NPORT" 30 && return 0
    cat "$n/error.log" >&2
    return 1
}

# stop_pid PID COMM [SIGNAL] [SECONDS]: signal a process this script started,
# after checking it still is what we think, and wait for it to go.
stop_pid() {
    local pid=$1 comm=$2 sig=${3:-TERM} secs=${4:-20} i
    [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 0
    if [[ $(cat "/proc/$pid/comm") != "$comm"* ]]; then
        echo "bench: pid $pid is $(cat "/proc/$pid/comm"), not $comm: left alone" >&2
        return 1
    fi
    kill -s "$sig" "$pid" 2> /dev/null || return 0
    for ((i = 0; i < secs * 10; i++)); do
        [[ -e /proc/$pid && $(awk '{print $3}' "/proc/$pid/stat" 2> /dev/null) != Z ]] || return 0
        sleep 0.1
    done
    echo "bench: $comm pid $pid ignored SIG$sig for ${secs}s: KILL" >&2
    kill -KILL "$pid" 2> /dev/null
    return 1
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# queries FILE: its query lines, comments and blank lines dropped.
queries() { grep -vE '^\s*(#|$)' "$1"; }

# percentiles FILE: one latency in ms a line -> "p50 p90 p99 max"
percentiles() {
    sort -g "$1" | awk '{ v[NR] = $1 } END {
        if (!NR) { print "nan nan nan nan"; exit }
        split("50 90 99", p, " ")
        for (i = 1; i <= 3; i++) { k = int(p[i] / 100 * (NR - 1) + 0.5) + 1; printf "%.3f ", v[k] }
        printf "%.3f\n", v[NR] }'
}

# rows_tsv DB OUT: the rows of our index, one line each for the peers to
# load: id, report date, assignment, source, status (the indexer's cleaned
# text: no tags, entities decoded; no TAB or newline left).
rows_tsv() {
    sqlite3 -batch -noheader -separator $'\t' "$1" \
        "SELECT a.id, r.date, replace(replace(a.assignment, char(9), ' '), char(10), ' '),
                replace(replace(a.source, char(9), ' '), char(10), ' '),
                replace(replace(a.status, char(9), ' '), char(10), ' ')
         FROM assignments a JOIN reports r ON r.id = a.report_id ORDER BY a.id" > "$2.tmp" &&
        mv -f "$2.tmp" "$2"
}
