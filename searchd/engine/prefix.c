/*
** prefix.c: vocabulary words per prefix (prefix.h).
*/
#include <string.h>

#include "engine/prefix.h"
#include "engine/query.h"
#include "log.h"

struct prefix_count {
  sqlite3_stmt *pStmt;
  struct fold *pFold;
};

/* A range scan of vocab's primary key, stopped at ?3 rows. */
static const char zCountSql[] =
  "SELECT count(*) FROM (SELECT 1 FROM vocab"
  " WHERE word>=?1 AND word<?2 AND docs>0 LIMIT ?3)";

int prefix_count_new(sqlite3 *db, struct fold *pFold,
                     struct prefix_count **ppOut){
  struct prefix_count *p = sqlite3_malloc(sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ){
    p->pFold = pFold;
    rc = sqlite3_prepare_v3(db, zCountSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pStmt, 0);
    if( rc!=SQLITE_OK ){
      prefix_count_free(p);
      p = 0;
    }
  }
  *ppOut = p;
  return rc;
}

void prefix_count_free(struct prefix_count *p){
  if( p==0 ) return;
  sqlite3_finalize(p->pStmt);
  sqlite3_free(p);
}

/* fold_token_fn: keep the last token (sqlite3_mprintf'd) in *pCtx. */
static int prefix_last_cb(void *pCtx, const char *zTok, int nTok,
                          int iStart, int iEnd){
  char **pz = (char**)pCtx;
  (void)iStart; (void)iEnd;
  sqlite3_free(*pz);
  *pz = sqlite3_mprintf("%.*s", nTok, zTok);
  return *pz ? SQLITE_OK : SQLITE_NOMEM;
}

/* Count vocab words in [zLo, zLo "\xff"), at most nMax. */
static int prefix_scan(struct prefix_count *p, const char *zLo, int nMax,
                       int *pnWords){
  char *zHi = sqlite3_mprintf("%s\xff", zLo);
  int rc = zHi ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pStmt, 1, zLo, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pStmt, 2, zHi, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pStmt, 3, nMax);
  if( rc==SQLITE_OK && sqlite3_step(p->pStmt)==SQLITE_ROW ){
    *pnWords = sqlite3_column_int(p->pStmt, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(p->pStmt);
  else sqlite3_reset(p->pStmt);
  sqlite3_clear_bindings(p->pStmt);
  sqlite3_free(zHi);
  return rc;
}

int prefix_count_words(void *pArg, const char *z, int n, int nMax,
                       int *pnWords){
  struct prefix_count *p = (struct prefix_count*)pArg;
  char *zLast = 0;
  int rc = fold_tokens(p->pFold, z, n, &zLast, prefix_last_cb);
  *pnWords = 0;
  if( rc==SQLITE_OK && zLast ) rc = prefix_scan(p, zLast, nMax, pnWords);
  sqlite3_free(zLast);
  if( rc!=SQLITE_OK ){
    log_msg(LOG_WARN, "counting prefix words: %s", sqlite3_errstr(rc));
    return QUERY_ENOMEM;
  }
  return QUERY_OK;
}
