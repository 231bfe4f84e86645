#!/bin/sh
# Replay the committed fuzz corpus (tests/fuzz/corpus/TARGET/: seeds and
# every crash the fuzzers found, minimized) through each fuzz target, built
# with the build's compiler and tests/fuzz/driver.c into $BUILD/fuzz-replay/
# (with ASan/UBSan when $BUILD is a sanitizer build). A failed invariant or
# a sanitizer report fails the test; the log of the failing target is shown.
set -u
cd "${TOP:-$(dirname "$0")/../..}" || exit 2
BUILD=${BUILD:-build}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
# The objects of $BUILD were made with or without sanitizers; link alike.
if grep -q __asan_init "$BUILD/indexer" 2>/dev/null; then
  set -- SAN=1 "OPT=-O1 -g"
else
  set --
fi
if ! make -s BUILD="$BUILD" "$@" fuzz-replay >"$tmp/make.log" 2>&1; then
  echo "test_fuzz_corpus: building $BUILD/fuzz-replay failed:" >&2
  cat "$tmp/make.log" >&2
  exit 1
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fail=0
for dir in tests/fuzz/corpus/*/; do
  dir=${dir%/}
  t=$(basename "$dir")
  if "$BUILD/fuzz-replay/fuzz_$t" "$dir" >"$tmp/$t.log" 2>&1; then
    echo "test_fuzz_corpus: $t: $(tail -n 1 "$tmp/$t.log" | sed 's/^driver: //')"
  else
    echo "test_fuzz_corpus: $t: FAILED" >&2
    tail -n 40 "$tmp/$t.log" >&2
    fail=1
  fi
done
exit $fail
