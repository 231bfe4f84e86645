#!/bin/sh
# bench_tokenizer.sh: tokens per second of the "swedish" tokenizer against
# plain "unicode61 remove_diacritics 0" over the same ~50 MB of generated
# report text, in one run (issue 2, "Tests and measures"; target: ratio at
# most 2.0). Median of BENCH_RUNS (3) runs each, alternating. Also swedish
# in FTS5_TOKENIZE_AUX mode (highlight, snippet, ranking), as
# tokenizer_swedish_aux and tokenizer_aux_ratio.
#
# Once, cached in $BENCH_DIR: BENCH_TOK_REPORTS (3400) reports from
# gen-reports in $BENCH_DIR/tok, concatenated into $BENCH_DIR/tok.txt.
# Env: BUILD (build), BENCH_DIR (/tmp/aar-bench), SHARED (../shared).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
SHARED=${SHARED:-$(cd .. && pwd)/shared}
N=${BENCH_TOK_REPORTS:-3400}
RUNS=${BENCH_RUNS:-3}
make -s BUILD="$BUILD" "$BUILD/tokenizer_bench" >&2
mkdir -p "$BENCH_DIR"
text=$BENCH_DIR/tok-$N.txt
if [ ! -s "$text" ]; then
  tmp=$(mktemp -d "$BENCH_DIR/tok.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "bench_tokenizer: generating $N reports" >&2
  "$SHARED/tools/gen-reports" --out "$tmp/r" --reports "$N" --quiet >&2
  find "$tmp/r" -type f -name '*.txt' | sort | xargs cat > "$tmp/all.txt"
  mv "$tmp/all.txt" "$text"
fi
"$BUILD/tokenizer_bench" "$text" "$RUNS"
