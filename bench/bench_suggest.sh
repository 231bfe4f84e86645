#!/bin/bash
# bench_suggest.sh: GET /suggest as a search box sends it, over 5,000
# generated reports (target: p99 under 2 ms at 16 connections).
#
# The corpus and the index are the ones bench_searchd.sh uses
# ($BENCH_DIR/r5000 and search.db, made once: bench/lib.sh). The prefixes
# are what typing produces: for words of the vocabulary (the most frequent
# and a spread of rarer ones), every prefix from 2 letters to the whole
# word, some behind an earlier word ("nära vår"). wrk cycles through them
# (bench/wrk/cycle.lua) for BENCH_SECONDS at each connection count.
#
# Each load runs SUGGEST_RUNS times, each run right after the same load on
# nginx serving a real /suggest answer as a static file (the target: a p99
# within 1.5 times nginx's); the figures are the medians of the runs (the
# machine is shared: one run says little), each run is kept in
# $W/wrk-cN-rK.txt and $W/nginx-cN-rK.txt, and the 1-minute load average
# before and after is printed with them. Before them, one warm-up load
# (SUGGEST_WARMUP seconds) cycles through the prefixes, so the runs measure
# a server that has seen them (the cold cost is the in-process part's).
#
# The load generator and the servers run on separate CPUs (SUGGEST_PIN=1,
# the default, with two CPUs or more): wrk on the first half of the CPUs
# this script may use, nginx and searchd on the rest, each server with one
# worker per CPU it has (searchd's default follows its affinity). Sharing
# the CPUs, a p99 at 16 connections mostly says which run the scheduler
# preempted a worker in (nginx's own p99 moves 0.5-4 ms between runs on
# two cores); apart, it compares the servers. SUGGEST_PIN=0 shares them.
#
# Then the same prefixes without HTTP, in one process (bench/suggest_inproc.c:
# per prefix the fastest of three passes, and all calls of the warm passes),
# which says what the suggest code itself costs, apart from the network
# stack and from the other jobs on a shared machine.
#
# Prints `metric value unit` lines: suggest.cN.qps, .p50, .p99 (medians),
# .p99.max, .non2xx (sum), suggest.nginx.cN.{qps,p50,p99} (medians),
# suggest.cN.p99_over_nginx (the ratio of the medians) and
# .p99_over_nginx.max (the largest of the runs' ratios: a target is met when
# every run meets it),
# suggest.load1.before/.after, suggest.searchd.hwm,
# suggest.inproc.{cold.p50,cold.p99,cold.max,p50,p99,max,warm.mean,
# warm.p50,warm.p99}.
# Without wrk (bench/peers/lib.sh installs it when missing) the HTTP part
# prints "skipped: wrk: REASON" and the in-process part still runs.
# Env: BUILD (build), BENCH_DIR (/tmp/aar-bench),
#   BENCH_SECONDS (10), BENCH_REPORTS (5000), SUGGEST_CONNECTIONS ("16 64"),
#   SUGGEST_RUNS (3), SUGGEST_WARMUP (10), SUGGEST_PIN (1), SUGGEST_DB (an existing index to use as it is,
#   e.g. one made by another build's indexer), SUGGEST_FLAGS (more searchd
#   flags, e.g. "--threads 2").
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$PWD
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
SECS=${BENCH_SECONDS:-10}
REPORTS=${BENCH_REPORTS:-5000}
CONNS=${SUGGEST_CONNECTIONS:-16 64}
RUNS=${SUGGEST_RUNS:-3}
WARMUP=${SUGGEST_WARMUP:-10}
FLAGS=${SUGGEST_FLAGS:-}
INDEXER=$TOP/$BUILD/indexer
SEARCHD=$TOP/$BUILD/searchd
CORPUS=$BENCH_DIR/r$REPORTS
W=$BENCH_DIR/suggest
TARGET='/suggest?limit=8&q='          # cycle.lua: the request before each prefix

SPID=
NPID=
cleanup() {
  if [[ -n $SPID ]]; then
    kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
  fi
  [[ -n $NPID ]] && stop_pid "$NPID" nginx QUIT 20
  SPID=
  NPID=
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PEERS_WORK=$BENCH_DIR/peers
. "$TOP/bench/peers/lib.sh"
BENCH_NAME=bench_suggest
. "$TOP/bench/lib.sh"
HAVE_WRK=0
peer_ready wrk wrk wrk && HAVE_WRK=1
HAVE_NGINX=0
((HAVE_WRK)) && peer_ready nginx nginx nginx && HAVE_NGINX=1
command -v sqlite3 >/dev/null || die "sqlite3 is missing (apt-get install sqlite3)"
[[ -x $SEARCHD && -x $INDEXER ]] || die "build first: make BUILD=$BUILD all"
make -s BUILD="$BUILD" "$BUILD/suggest_inproc" >&2 || die "cannot build $BUILD/suggest_inproc"
mkdir -p "$W" || die "cannot create $W"

# The corpus and the index bench_searchd.sh uses too (bench/lib.sh).
bench_corpus "$REPORTS" > /dev/null || die "no corpus"
DB=${SUGGEST_DB:-$BENCH_DIR/search.db}
if [[ -n ${SUGGEST_DB:-} ]]; then
  [[ -s $DB ]] || die "SUGGEST_DB $DB: no such index"
else
  bench_index "$INDEXER" "$CORPUS" "$DB" "$W/indexer.log"
  rc=$?
  ((rc == 0 || rc == 10)) || die "cannot index $CORPUS into $DB"
fi
note "index $DB"

# Prefixes as typed: 2 letters up to the whole word, frequent words first;
# behind an earlier word from the first letter.
sqlite3 -batch "$DB" > "$W/words.txt" <<'SQL' || die "cannot read vocab"
SELECT word FROM (SELECT word FROM vocab ORDER BY docs DESC LIMIT 150)
UNION ALL
SELECT word FROM (SELECT word FROM vocab WHERE docs>=2
                  ORDER BY (docs*2654435761) % 1000003 LIMIT 350);
SQL
python3 - "$W/words.txt" > "$W/prefixes.txt" <<'PY' || die "no prefixes"
import sys
words = [w.strip() for w in open(sys.argv[1], encoding="utf-8") if w.strip()]
out = []
for i, w in enumerate(words):
    lead = "nära " if i % 10 == 3 else ""
    for n in range(1 if lead else 2, len(w) + 1):
        out.append(lead + w[:n])
print("\n".join(out))
PY
note "$(wc -l < "$W/prefixes.txt") prefixes from $(wc -l < "$W/words.txt") words"

# The CPUs of the load (LOAD_CPUS) and of the servers (SERVER_CPUS, which
# start_nginx reads too), taskset lists, both empty when not pinned; wrk's
# threads and nginx's workers as many as their CPUs.
mapfile -t CPUS < <($PY -c 'import os; print(*sorted(os.sched_getaffinity(0)), sep="\n")')
LOAD_CPUS=
SERVER_CPUS=
WRK_THREADS=2
NGINX_WORKERS=${#CPUS[@]}
if [[ ${SUGGEST_PIN:-1} == 1 ]] && ((${#CPUS[@]} >= 2)); then
  n=$((${#CPUS[@]} / 2))
  LOAD_CPUS=$(IFS=,; echo "${CPUS[*]:0:n}")
  SERVER_CPUS=$(IFS=,; echo "${CPUS[*]:n}")
  WRK_THREADS=$n
  NGINX_WORKERS=$((${#CPUS[@]} - n))
  note "pinned: wrk on CPUs $LOAD_CPUS, nginx and searchd on $SERVER_CPUS"
else
  note "not pinned: wrk, nginx and searchd share CPUs ${CPUS[*]}"
fi
# What runs a command on the load's or the servers' CPUs (taskset execs
# it: a server's pid stays its own, for the cleanup and its VmHWM).
ON_LOAD=()
ON_SERVERS=()
[[ -n $LOAD_CPUS ]] && ON_LOAD=(taskset -c "$LOAD_CPUS")
[[ -n $SERVER_CPUS ]] && ON_SERVERS=(taskset -c "$SERVER_CPUS")
# wrk_on CONNS ARGS...: wrk on the load's CPUs, threads up to CONNS.
wrk_on() {
  local c=$1
  shift
  "${ON_LOAD[@]}" wrk -t"$((c < WRK_THREADS ? c : WRK_THREADS))" -c"$c" "$@"
}

# http_part: searchd on a free port, wrk at each connection count.
http_part() {
  # shellcheck disable=SC2086  # FLAGS is a list of flags
  "${ON_SERVERS[@]}" "$SEARCHD" --db "$DB" --listen 127.0.0.1:0 \
    --port-file "$W/port" --quiet $FLAGS 2> "$W/searchd.log" &
  SPID=$!
  for _ in $(seq 100); do [[ -s $W/port ]] && break; sleep 0.1; done
  [[ -s $W/port ]] || { cat "$W/searchd.log" >&2; die "searchd did not start"; }
  PORT=$(cat "$W/port")
  rm -f "$W/port"

  # wrk latency ("512.00us", "1.20ms", "2.00s") in milliseconds.
  to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0;
      if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0;
      else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
  }

  # Warm the page cache, every worker's statements and its caches.
  wrk_on 16 -d"${WARMUP}s" -s bench/wrk/cycle.lua "http://127.0.0.1:$PORT" \
    -- "$W/prefixes.txt" "$TARGET" > /dev/null 2>&1
  # The median of numbers, one per line.
  median() { sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR+1)/2)] }'; }

  # nginx serves a real answer, of a common prefix, as a static file.
  HAVE_N=0
  if ((HAVE_NGINX)); then
    curl -s -o "$W/body.json" "http://127.0.0.1:$PORT${TARGET}n%C3%A4ra%20v%C3%A5" &&
      start_nginx "$W/body.json" suggest.json && HAVE_N=1
    ((HAVE_N)) || skipped nginx "did not start (see $W/nginx/error.log)"
  fi

  metric suggest.load1.before "$(cut -d' ' -f1 /proc/loadavg)" load
  for c in $CONNS; do
    : > "$W/runs-c$c.txt"
    : > "$W/nginx-c$c.txt"
    for r in $(seq "$RUNS"); do
      if ((HAVE_N)); then
        out=$(wrk_on "$c" -d"${SECS}s" --latency \
              "http://127.0.0.1:$NPORT/suggest.json") || die "wrk failed"
        echo "$out" > "$W/nginx-c$c-r$r.txt"
        echo "$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')" \
          "$(to_ms "$(echo "$out" | awk '$1 == "50%" { print $2 }')")" \
          "$(to_ms "$(echo "$out" | awk '$1 == "99%" { print $2 }')")" \
          >> "$W/nginx-c$c.txt"
      fi
      out=$(wrk_on "$c" -d"${SECS}s" --latency -s bench/wrk/cycle.lua \
            "http://127.0.0.1:$PORT" -- "$W/prefixes.txt" "$TARGET") || die "wrk failed"
      echo "$out" > "$W/wrk-c$c-r$r.txt"
      qps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
      p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
      p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
      bad=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
      echo "${qps:-0} $(to_ms "${p50:-0}") $(to_ms "${p99:-0}") ${bad:-0}" \
        >> "$W/runs-c$c.txt"
      note "c$c run $r: $(tail -1 "$W/runs-c$c.txt") (qps p50 p99 non2xx)," \
        "nginx $(tail -1 "$W/nginx-c$c.txt" 2>/dev/null) (qps p50 p99)," \
        "load $(cut -d' ' -f1 /proc/loadavg)"
    done
    metric "suggest.c$c.qps" "$(awk '{print $1}' "$W/runs-c$c.txt" | median)" req/s
    metric "suggest.c$c.p50" "$(awk '{print $2}' "$W/runs-c$c.txt" | median)" ms
    metric "suggest.c$c.p99" "$(awk '{print $3}' "$W/runs-c$c.txt" | median)" ms
    metric "suggest.c$c.p99.max" "$(awk '{print $3}' "$W/runs-c$c.txt" | sort -g | tail -1)" ms
    metric "suggest.c$c.non2xx" "$(awk '{s += $4} END {print s + 0}' "$W/runs-c$c.txt")" responses
    if ((HAVE_N)); then
      np99=$(awk '{print $3}' "$W/nginx-c$c.txt" | median)
      metric "suggest.nginx.c$c.qps" "$(awk '{print $1}' "$W/nginx-c$c.txt" | median)" req/s
      metric "suggest.nginx.c$c.p50" "$(awk '{print $2}' "$W/nginx-c$c.txt" | median)" ms
      metric "suggest.nginx.c$c.p99" "$np99" ms
      metric "suggest.c$c.p99_over_nginx" "$(awk -v a="$(awk '{print $3}' "$W/runs-c$c.txt" | median)" \
        -v b="$np99" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" ratio
      metric "suggest.c$c.p99_over_nginx.max" "$(paste "$W/runs-c$c.txt" "$W/nginx-c$c.txt" |
        awk '$7 > 0 { r = $3 / $7; if (r > m) m = r } END { printf "%.2f", m }')" ratio
    fi
  done
  metric suggest.load1.after "$(cut -d' ' -f1 /proc/loadavg)" load
  rss=$(awk '/VmHWM/ { print $2 }' "/proc/$SPID/status" 2>/dev/null)
  metric suggest.searchd.hwm "${rss:-0}" kB
}

if ((HAVE_WRK)); then http_part; fi
cleanup
"$TOP/$BUILD/suggest_inproc" "$DB" "$W/prefixes.txt" "$TOP/searchd/synonyms.txt" ||
  die "suggest_inproc failed"
