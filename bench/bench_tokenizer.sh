#!/bin/sh
# bench_tokenizer.sh: tokens per second of the "swedish" tokenizer against
# plain "unicode61 remove_diacritics 0" over the same ~50 MB of generated
# report text, in one run (target: ratio at most 2.0). Median of BENCH_RUNS (3) runs each, alternating. Also swedish
# in FTS5_TOKENIZE_AUX mode (highlight, snippet, ranking), as
# tokenizer_swedish_aux and tokenizer_aux_ratio.
#
# Once, cached in $BENCH_DIR: BENCH_TOK_REPORTS (5300) reports from
# tools/gen-corpus, concatenated into $BENCH_DIR/tok-N.txt (about 50 MB).
# Env: BUILD (build), BENCH_DIR (/tmp/aar-bench), BENCH_RUNS (3).
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
BENCH_DIR=${BENCH_DIR:-/tmp/aar-bench}
N=${BENCH_TOK_REPORTS:-5300}
RUNS=${BENCH_RUNS:-3}
make -s BUILD="$BUILD" "$BUILD/tokenizer_bench" >&2
mkdir -p "$BENCH_DIR"
text=$BENCH_DIR/tok-$N.txt
if [ ! -s "$text" ]; then
  tmp=$(mktemp -d "$BENCH_DIR/tok.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  echo "bench_tokenizer: generating $N reports" >&2
  python3 tools/gen-corpus --out "$tmp/r" --reports "$N" --quiet >&2
  find "$tmp/r" -type f -name '*.txt' | sort | xargs cat > "$tmp/all.txt"
  mv "$tmp/all.txt" "$text"
fi
"$BUILD/tokenizer_bench" "$text" "$RUNS"
