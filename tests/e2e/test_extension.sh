#!/bin/sh
# The loadable extension through the sqlite3 shell: an FTS5 table with
# tokenize='swedish' finds inflections and keeps å ä ö distinct.
set -eu
cd "$TOP"
db=$(mktemp -d)/t.db
trap 'rm -rf "$(dirname "$db")"' EXIT
# An ASan-built extension needs the sanitizer runtimes loaded first.
case "$BUILD" in *asan*)
  export LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
  export ASAN_OPTIONS=detect_leaks=0;;
esac
got=$(sqlite3 "$db" <<SQL
.load $BUILD/swedish
CREATE VIRTUAL TABLE t USING fts5(x, tokenize='swedish');
INSERT INTO t VALUES('Vården i Norrbotten'), ('arbete för suicidprevention'),
  ('Omstrukturering av mammografiverksamheten'), ('forum');
SELECT 'vården', count(*) FROM t WHERE t MATCH 'vården';
SELECT 'vård', count(*) FROM t WHERE t MATCH 'vård';
SELECT 'för', count(*) FROM t WHERE t MATCH 'för';
SELECT 'for', count(*) FROM t WHERE t MATCH 'for';
SQL
)
want='vården|1
vård|1
för|1
for|0'
if [ "$got" != "$want" ]; then
  printf 'got:\n%s\nwant:\n%s\n' "$got" "$want" >&2
  exit 1
fi
