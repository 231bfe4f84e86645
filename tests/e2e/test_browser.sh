#!/bin/sh
# The search page in a real browser: Debian's chromium driven by
# playwright-core (tests/browser/). Indexes the sample reports and a small
# series of linked reports (tools/gen-corpus --series, in a folder of its
# own), starts searchd on a free port and runs tests/browser/suggest.js,
# which types "nära v" and checks that the counts of the completions are
# the rows the search then shows; then tests/browser/search.js, which
# types "mammo", picks the suggestion with the keyboard, checks a
# highlighted hit, filters by year, opens an assignment's history, filters
# by status; screenshots go to build/screenshots/.
set -eu
cd "$TOP"
BUILD=${BUILD:-build}

die() { echo "test_browser: $*" >&2; exit 1; }
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium is missing: run 'make deps' (Debian package chromium)"
command -v node >/dev/null 2>&1 || die "node is missing: run 'make deps' (Debian packages nodejs npm)"
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  echo "test_browser: installing playwright-core into tests/browser/node_modules" >&2
  (cd tests/browser && { npm ci --no-audit --no-fund --loglevel=error ||
                         npm install --no-audit --no-fund --loglevel=error; }) >&2 ||
    die "npm could not install playwright-core (is the npm registry reachable?)"
fi

tmp=$(mktemp -d)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# serve DB: searchd over DB on a free port ($pid, $port, log $tmp/searchd.log).
serve() {
  rm -f "$tmp/port"
  "$BUILD/searchd" --db "$1" --listen 127.0.0.1:0 \
    --port-file "$tmp/port" --quiet 2>"$tmp/searchd.log" &
  pid=$!
  i=0
  while [ ! -s "$tmp/port" ]; do
    i=$((i+1))
    [ $i -gt 100 ] && { cat "$tmp/searchd.log" >&2; die "searchd did not start"; }
    kill -0 "$pid" 2>/dev/null || { cat "$tmp/searchd.log" >&2; die "searchd exited"; }
    sleep 0.1
  done
  port=$(cat "$tmp/port")
}

# Stop searchd; the sanitizer build reports leaks and errors at exit.
stop() {
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null || true
  pid=""
  if grep -q -e 'Sanitizer' -e 'runtime error:' "$tmp/searchd.log"; then
    cat "$tmp/searchd.log" >&2
    die "searchd reported a sanitizer error"
  fi
}

# name WHAT: the searchd log's tail, then die.
failed() {
  echo "--- searchd log" >&2; tail -20 "$tmp/searchd.log" >&2
  die "$1"
}

mkdir -p build/screenshots
rm -f build/screenshots/search-"$(echo "$BUILD" | tr / -)"-*.png
name=$(echo "$BUILD" | tr '/' '-')

# The samples and a series whose assignments recur: the page counts
# assignments and the rows they hold, a completion rows.
python3 tools/gen-corpus --quiet --out "$tmp/series" --series \
  --start-year 2021 --end-year 2022 --open 12 || die "gen-corpus failed"
"$BUILD/indexer" --quiet --db "$tmp/s.db" tests/fixtures/reports "$tmp/series" ||
  die "indexer failed"
serve "$tmp/s.db"
node tests/browser/suggest.js "http://127.0.0.1:$port" \
  "$TOP/build/screenshots/search-$name" ||
  failed "the suggestions' browser test failed (screenshot: build/screenshots/search-$name-suggest-failed.png)"
node tests/browser/search.js "http://127.0.0.1:$port" \
  "$TOP/build/screenshots/search-$name" ||
  failed "the browser test failed (screenshot: build/screenshots/search-$name-failed.png)"
stop
