/*
** rows.c: passes over chosen rows (rows.h).
*/
#include <string.h>

#include "engine/pass.h"
#include "engine/rank.h"
#include "engine/rows.h"
#include "engine/stmt.h"

/*
** How many of the n chosen rows to look up one by one (the lowest ones):
** 0 all by range, n all by lookup. The first pass measured how many
** matches there are, over which rowids, and what walking one costs.
*/
static int rows_split(const struct pass *ps, const sqlite3_int64 *aId, int n){
  double perId = 1e3 * (double)ps->cfg->nLookupUs, best, perSpan;
  int j, jBest = 0;
  if( ps->bPrefix || ps->nSeen<=0 || n<=0 ) return 0;
  /* Spans in double: rowids may be any 64-bit values. */
  perSpan = (double)ps->nSeen * ps->nsPerRow
            / ((double)ps->iMaxSeen - (double)ps->iMinSeen + 1.0);
  best = ((double)aId[n-1] - (double)aId[0] + 1.0) * perSpan;
  for(j=1; j<=n; j++){
    double c = j * perId;
    if( j<n ) c += ((double)aId[n-1] - (double)aId[j] + 1.0) * perSpan;
    if( c<=best ){ best = c; jBest = j; }
  }
  return jBest;
}

/* Bind the expression and the rowid range of the n sorted ids to the
** range statement, and make them searchd_is_cand()'s set. */
static int rows_bind_range(struct rows *r, const sqlite3_int64 *aId, int n){
  sqlite3_stmt *pStmt = r->pRange;
  int rc = stmt_bind(pStmt, r->ps->zExpr, r->ps->pq);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, aId[0]);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 3, aId[n-1]);
  r->ps->pq->aCand = aId;
  r->ps->pq->nCand = n;
  return rc;
}

int rows_open(struct pass *ps, int iStmt, const sqlite3_int64 *aId, int n,
              struct rows *r){
  memset(r, 0, sizeof(*r));
  r->ps = ps;
  r->aId = aId;
  r->n = n;
  r->nById = rows_split(ps, aId, n);
  r->pRange = ps->apStmt[iStmt];
  if( r->nById>0 ){
    r->pStmt = ps->apStmt[STMT_BY_ID(iStmt)];
    return stmt_bind(r->pStmt, ps->zExpr, ps->pq);
  }
  r->pStmt = r->pRange;
  return rows_bind_range(r, aId, n);
}

/* The lookups' next row: SQLITE_ROW, SQLITE_DONE or an error code. */
static int rows_lookup(struct rows *r){
  int rc;
  for(;;){
    if( r->bLive ){
      rc = sqlite3_step(r->pStmt);
      if( rc!=SQLITE_DONE ) return rc;
    }
    if( r->i>=r->nById ) return SQLITE_DONE;
    rc = sqlite3_reset(r->pStmt);
    if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(r->pStmt, 2, r->aId[r->i++]);
    if( rc!=SQLITE_OK ) return rc;
    r->bLive = 1;
  }
}

int rows_step(struct rows *r){
  int rc;
  if( r->pStmt==r->pRange ) return sqlite3_step(r->pStmt);
  rc = rows_lookup(r);
  if( rc!=SQLITE_DONE || r->nById>=r->n ) return rc;
  /* The lookups are done: on to the range of the rest. */
  rc = sqlite3_reset(r->pStmt);
  if( rc==SQLITE_OK ){
    r->pStmt = r->pRange;
    rc = rows_bind_range(r, r->aId + r->nById, r->n - r->nById);
  }
  if( rc!=SQLITE_OK ){
    r->rc = rc;                   /* rows_close() reports it */
    return rc;
  }
  return sqlite3_step(r->pStmt);
}

int rows_close(struct rows *r){
  int rc = r->pStmt ? sqlite3_reset(r->pStmt) : SQLITE_OK;
  r->ps->pq->aCand = 0;
  r->ps->pq->nCand = 0;
  return r->rc!=SQLITE_OK ? r->rc : rc;
}
