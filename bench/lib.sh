# bench/lib.sh: what the benchmarks share; sourced (POSIX sh) from the
# top of the repository with BENCH_DIR set. Diagnostics go to stderr.

# die MESSAGE, note MESSAGE: a benchmark's diagnostics on stderr, named by
# $BENCH_NAME (the script's name, set before sourcing this); die exits 1.
die() { echo "${BENCH_NAME:-bench}: $*" >&2; exit 1; }
note() { echo "${BENCH_NAME:-bench}: $*" >&2; }

# bench_corpus N: print $BENCH_DIR/rN, generating it the first time with
# tools/gen-corpus (N independent reports, seed 1). It is made in a temporary directory and renamed into place
# under a lock, so benchmarks started side by side share one corpus and
# none ever reads half of one.
bench_corpus() {
  _d=$BENCH_DIR/r$1
  (
    exec 9> "$_d.lock" || exit 1
    flock 9 || exit 1
    [ -d "$_d" ] && exit 0
    echo "bench: generating $1 reports into $_d" >&2
    _tmp=$(mktemp -d "$_d.tmp.XXXXXX") || exit 1
    chmod 755 "$_tmp"
    python3 tools/gen-corpus --out "$_tmp" --reports "$1" --quiet >&2 &&
      mv -T "$_tmp" "$_d" && exit 0
    rm -rf "$_tmp"
    exit 1
  ) || { echo "bench: cannot make the corpus $_d" >&2; return 1; }
  echo "$_d"
}

# bench_index INDEXER CORPUS DB LOG: make DB from CORPUS with INDEXER unless
# DB is newer than both. Built as DB.tmp, its WAL folded in, then renamed,
# so a reader never sees a half-made index. Exit status 1 of the indexer
# (some input warned about) is accepted. Returns 0 if DB was reused, 10 if
# it was built, 1 on failure (the log's tail on stderr).
bench_index() {
  if [ -s "$3" ] && [ "$3" -nt "$2" ] && [ "$3" -nt "$1" ]; then
    echo "bench: reusing $3" >&2
    return 0
  fi
  echo "bench: indexing $2 into $3" >&2
  rm -f "$3.tmp" "$3.tmp-wal" "$3.tmp-shm"
  "$1" --db "$3.tmp" --quiet "$2" > "$4" 2>&1
  if [ $? -gt 1 ]; then
    tail "$4" >&2
    return 1
  fi
  if [ -s "$3.tmp-wal" ]; then
    sqlite3 "$3.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' > /dev/null || return 1
  fi
  rm -f "$3.tmp-wal" "$3.tmp-shm" "$3-wal" "$3-shm"
  mv -f "$3.tmp" "$3" || return 1
  return 10
}
