/*
** tally_fixture.h: count the statements a connection runs whose SQL holds
** given strings (sqlite3_trace_v2), for suites that assert how much work
** a call does: one merge per prefix query, no transaction for a cached
** answer.
*/
#ifndef TALLY_FIXTURE_H
#define TALLY_FIXTURE_H

#include <string.h>

#include <check.h>
#include <sqlite3.h>

/* Statements whose SQL holds every one of azNeed[0..2) ("" holds). */
struct stmt_tally {
  const char *azNeed[2];
  int n;
};

static inline int tally_stmt(unsigned eType, void *pCtx, void *pStmt,
                             void *pX){
  struct stmt_tally *t = (struct stmt_tally*)pCtx;
  const char *zSql = (const char*)pX;
  (void)pStmt;
  if( eType==SQLITE_TRACE_STMT && zSql && strstr(zSql, t->azNeed[0])
   && strstr(zSql, t->azNeed[1]) ){
    t->n++;
  }
  return 0;
}

/* Start counting on db from zero; tally_stop() ends it. */
static inline void tally_start(sqlite3 *db, struct stmt_tally *t){
  t->n = 0;
  ck_assert_int_eq(sqlite3_trace_v2(db, SQLITE_TRACE_STMT, tally_stmt, t),
                   SQLITE_OK);
}

/* Stop counting on db; returns the count. */
static inline int tally_stop(sqlite3 *db, const struct stmt_tally *t){
  ck_assert_int_eq(sqlite3_trace_v2(db, 0, 0, 0), SQLITE_OK);
  return t->n;
}

#endif /* TALLY_FIXTURE_H */
