/*
** fts5_baseline.c: the indexer benchmark's baseline loader.
**
**   fts5_baseline DB FILE_OR_DIR...
**
** Parses each report file with the indexer's own parser (report.c, so both
** sides do the same reading and cleaning) and inserts its rows into a plain
** FTS5 table with the built-in unicode61 tokenizer, content stored once (in
** the FTS table itself), one transaction, one reused statement. No
** stemming, no vocabulary, no incremental bookkeeping: what a minimal
** loader costs. Files are listed like the indexer does (files.c: *.txt
** under directories, sorted). Prints "rows N" on stdout. Exit 0, or 1 on
** any error.
*/
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "../indexer/files.h"
#include "../indexer/report.h"

static void ignore_warning(void *pCtx, const char *zPath, int iLine,
                           const char *zMsg){
  (void)pCtx; (void)zPath; (void)iLine; (void)zMsg;
}

static int load_file(sqlite3_stmt *pIns, const char *zPath, long *pnRow){
  char *z = 0;
  size_t n = 0;
  struct report *pReport = 0;
  int rc = report_read(zPath, 0, 0, &z, &n), i;
  if( rc==REPORT_OK ) rc = report_parse(zPath, z, n, 0, 0, &pReport);
  free(z);
  if( rc!=REPORT_OK ) return SQLITE_OK;        /* the indexer skips it too */
  for(i=0; rc==SQLITE_OK && i<pReport->nRow; i++){
    const struct report_row *r = &pReport->aRow[i];
    sqlite3_bind_text64(pIns, 1, r->zAssignment, r->nAssignment, SQLITE_STATIC,
                        SQLITE_UTF8);
    sqlite3_bind_text64(pIns, 2, r->zStatus, r->nStatus, SQLITE_STATIC,
                        SQLITE_UTF8);
    sqlite3_bind_text64(pIns, 3, r->zSource, r->nSource, SQLITE_STATIC,
                        SQLITE_UTF8);
    sqlite3_step(pIns);
    rc = sqlite3_reset(pIns);
    (*pnRow)++;
  }
  report_free(pReport);
  return rc;
}

int main(int argc, char **argv){
  sqlite3 *db = 0;
  sqlite3_stmt *pIns = 0;
  long nRow = 0;
  struct files list = {0, 0, 0, 0};
  int rc, i, nBad = 0;
  size_t k;
  if( argc<3 ){
    fprintf(stderr, "usage: fts5_baseline DB FILE...\n");
    return 1;
  }
  rc = sqlite3_open(argv[1], &db);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db,
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
      "CREATE VIRTUAL TABLE t USING fts5(assignment, status, source,"
      " tokenize='unicode61 remove_diacritics 0'); BEGIN;", 0, 0, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v2(db,
      "INSERT INTO t(assignment, status, source) VALUES(?1, ?2, ?3)", -1,
      &pIns, 0);
  for(i=2; rc==SQLITE_OK && i<argc; i++){
    if( files_add(&list, argv[i], 0, ignore_warning, 0, &nBad)!=0 ){
      rc = SQLITE_NOMEM;
    }
  }
  files_sort(&list);
  for(k=0; rc==SQLITE_OK && k<list.n; k++){
    rc = load_file(pIns, list.a[k].zPath, &nRow);
  }
  files_free(&list);
  sqlite3_finalize(pIns);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db, "COMMIT", 0, 0, 0);
  if( rc!=SQLITE_OK ) fprintf(stderr, "fts5_baseline: %s\n", sqlite3_errmsg(db));
  sqlite3_close(db);
  if( rc==SQLITE_OK ) printf("rows %ld\n", nRow);
  return rc==SQLITE_OK ? 0 : 1;
}
