#!/bin/sh
# The loadable extension through the sqlite3 shell: an FTS5 table with
# tokenize='swedish' finds inflections and compound parts (also of
# coordinated compounds) and keeps å ä ö distinct.
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
  ('Omstrukturering av mammografiverksamheten'), ('forum'),
  ('självmordsprevention i länet'), ('barn- och ungdomspsykiatri'),
  ('två år sedan');
SELECT 'vården', group_concat(rowid) FROM t WHERE t MATCH 'vården';
SELECT 'vård', group_concat(rowid) FROM t WHERE t MATCH 'vård';
SELECT 'självmord', group_concat(rowid) FROM t WHERE t MATCH 'självmord';
SELECT 'prevention', group_concat(rowid) FROM t WHERE t MATCH 'prevention';
SELECT 'mammografi', group_concat(rowid) FROM t WHERE t MATCH 'mammografi';
SELECT 'barnpsykiatri', group_concat(rowid) FROM t
  WHERE t MATCH 'barnpsykiatri';
SELECT 'suicidprevention', group_concat(rowid) FROM t
  WHERE t MATCH 'suicidprevention';
SELECT 'för', group_concat(rowid) FROM t WHERE t MATCH 'för';
SELECT 'for', count(*) FROM t WHERE t MATCH 'for';
SELECT 'år', group_concat(rowid) FROM t WHERE t MATCH 'år';
SELECT 'ar', count(*) FROM t WHERE t MATCH 'ar';
SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH 'barnpsykiatri';
SQL
)
want='vården|1
vård|1
självmord|5
prevention|2,5
mammografi|3
barnpsykiatri|6
suicidprevention|2
för|2
for|0
år|7
ar|0
[barn]- och ungdomspsykiatri'
if [ "$got" != "$want" ]; then
  printf 'got:\n%s\nwant:\n%s\n' "$got" "$want" >&2
  exit 1
fi
