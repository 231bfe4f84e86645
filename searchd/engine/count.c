/*
** count.c: counting the matches the first pass does not score (count.h).
*/
#include <string.h>

#include "engine/count.h"
#include "engine/pass.h"
#include "engine/stmt.h"

void count_walk_init(struct count_walk *w, const struct query *q,
                     const struct attrs *attrs){
  sqlite3_int64 nLimit = attrs_dense_limit(attrs);
  int n = q ? query_clause_count(q) + 1 : 0, i, rc = SQLITE_OK;
  memset(w, 0, sizeof(*w));
  if( n<2 || n>COUNT_WALK_CLAUSES+1 || nLimit<=0 ) return;
  for(i=0; rc==SQLITE_OK && i<n; i++) rc = rowset_init(&w->aSet[i], nLimit);
  if( rc!=SQLITE_OK ){
    /* Walking is a shortcut: without memory for it, count by statement. */
    while( i-- > 0 ) rowset_free(&w->aSet[i]);
    return;
  }
  w->nSet = n;
}

void count_walk_free(struct count_walk *w){
  int i;
  for(i=0; i<w->nSet; i++) rowset_free(&w->aSet[i]);
  w->nSet = 0;
}

int count_walk_fits(const struct count_walk *w, const struct query *q){
  int nClause = query_clause_count(q);
  return w->nSet>0 && nClause<=QUERY_MAX_TERMS && nClause==w->nSet-1;
}

int count_walk_worth(const struct query *q, const sqlite3_int64 *anHit,
                     int nPhrase){
  sqlite3_int64 aClause[QUERY_MAX_TERMS], nAll = 0, nMin = -1;
  int i, nClause = query_clause_count(q);
  if( nClause>QUERY_MAX_TERMS ) return 0;
  memset(aClause, 0, sizeof(aClause));
  for(i=0; i<nPhrase; i++){
    const struct query_phrase *qp = query_phrase(q, i);
    nAll += anHit[i];
    if( qp->iClause>=0 && qp->iClause<nClause ){
      aClause[qp->iClause] += anHit[i];
    }
  }
  for(i=0; i<nClause; i++){
    if( nMin<0 || aClause[i]<nMin ) nMin = aClause[i];
  }
  return nAll*2 <= nMin*5;
}

/* xQueryPhrase callback of a walk: add the row to the clause's set. */
struct count_walkcb {
  struct rowset *pSet;
  sqlite3_int64 nHit;
  int bOut;                       /* a rowid did not fit the set */
};

static int count_walk_cb(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                         void *pCtx){
  struct count_walkcb *c = (struct count_walkcb*)pCtx;
  if( rowset_add(c->pSet, pApi->xRowid(pFts)) ) c->bOut = 1;
  c->nHit++;
  return SQLITE_OK;
}

int count_walk_phrase(struct count_walk *w, const Fts5ExtensionApi *pApi,
                      Fts5Context *pFts, int iPhrase, int iClause,
                      sqlite3_int64 *pnHit){
  struct count_walkcb c = {0, 0, 0};
  int rc;
  if( iClause<0 ) c.pSet = &w->aSet[w->nSet-1];
  else if( iClause<w->nSet-1 ) c.pSet = &w->aSet[iClause];
  *pnHit = 0;
  if( c.pSet==0 ) return SQLITE_ERROR;
  rc = pApi->xQueryPhrase(pFts, iPhrase, &c, count_walk_cb);
  if( rc==SQLITE_OK && c.bOut ) rc = SQLITE_RANGE;
  *pnHit = c.nHit;
  return rc;
}

void count_walk_done(struct count_walk *w, int bWalked){
  w->bWalked = bWalked;
}

/* A member of the walked set, counted one by one (rowset_each_and()). */
static void count_member(void *pCtx, sqlite3_int64 id){
  struct pass *ps = (struct pass*)pCtx;
  const struct attr_row *r = filter_row(ps->f, id);
  if( r ) pass_tally(ps, r);
}

/* What counting by runs reads of the attributes: the rows of each class
** and, collapsing, the rows of assignments of several rows (else NULL). */
struct count_sets {
  const struct rowset *aClass[SCLASS_N];
  const struct rowset *pMulti;
};

/*
** The members of pSet in [iFirst, iEnd), one run of rows of one date:
** by class, a popcount of pSet AND the class's rows; collapsing, only of
** the rows of one-row assignments (each a distinct assignment, in its own
** (assignment, year) pair), the others counted one by one.
*/
static void count_run(struct pass *ps, const struct rowset *pSet,
                      const struct count_sets *cs, const struct attr_run *a,
                      sqlite3_int64 iEnd){
  sqlite3_int64 an[SCLASS_N], n = 0;
  int c;
  memset(an, 0, sizeof(an));
  rowset_count_split(pSet, cs->aClass, SCLASS_N, cs->pMulti, a->iFirst, iEnd,
                     an);
  for(c=0; c<SCLASS_N; c++){
    ps->aStatus[c] += (int)an[c];
    n += an[c];
  }
  ps->aYear[(a->date/10000) % PASS_YEARS] += (int)n;
  ps->nTotal += n;
  ps->nRows += n;
  if( cs->pMulti ){
    rowset_each_and(pSet, cs->pMulti, a->iFirst, iEnd, count_member, ps);
  }
}

/*
** The members of pSet below iLow without a filter that differs row by row
** within a date: a popcount per run of rows of one date (attrs_runs()),
** ~5,000 runs for 125,000 rows, instead of a lookup per member (a broad
** word has 60,000 and more); collapsing, a lookup per member only for the
** rows of assignments of several rows. The same totals, facets and
** pass_seen() statistics as the loop over members.
*/
static void count_runs(struct pass *ps, const struct rowset *pSet,
                       sqlite3_int64 iLow){
  const struct filter *f = ps->f;
  int nRun = 0, i;
  const struct attr_run *a = attrs_runs(ps->attrs, &nRun);
  sqlite3_int64 id = 0, nBelow = rowset_count_range(pSet, 0, iLow);
  struct count_sets cs;
  if( nBelow==0 ) return;
  if( rowset_min(pSet, &id) && (ps->nSeen==0 || id<ps->iMinSeen) ){
    ps->iMinSeen = id;
  }
  if( ps->nSeen==0 && rowset_prev(pSet, iLow, &id) ) ps->iMaxSeen = id;
  ps->nSeen += nBelow;
  for(i=0; i<SCLASS_N; i++) cs.aClass[i] = attrs_class_set(ps->attrs, i);
  cs.pMulti = ps->bCollapse ? attrs_multi_set(ps->attrs) : 0;
  for(i=0; i<nRun && a[i].iFirst<iLow; i++){
    if( (f->from && a[i].date<f->from) || (f->to && a[i].date>f->to) ){
      continue;
    }
    count_run(ps, pSet, &cs, &a[i], a[i].iEnd<iLow ? a[i].iEnd : iLow);
  }
}

/*
** After a walk: the matches are (AND of the clause sets) AND NOT the last
** set (into aSet[0]). If those at or above iLow are the rows the scan
** stepped (same number, same sum of rowids: a check that the sets mean
** what the expression means), count the ones below iLow that pass the
** filters and return 1; else return 0 and count nothing.
*/
static int count_walked(struct pass *ps, struct count_walk *w,
                        sqlite3_int64 iLow){
  struct rowset *aSet = w->aSet;
  int i;
  for(i=1; i<w->nSet-1; i++) rowset_and(&aSet[0], &aSet[i]);
  rowset_andnot(&aSet[0], &aSet[w->nSet-1]);
  return count_set(ps, &aSet[0], iLow);
}

int count_set(struct pass *ps, const struct rowset *pSet,
              sqlite3_int64 iLow){
  sqlite3_int64 id;
  if( rowset_count_from(pSet, iLow)!=ps->nWinSeen ) return 0;
  if( rowset_sum_from(pSet, iLow)!=ps->hWinSeen ) return 0;
  if( !ps->f->bRowwise && attrs_class_set(ps->attrs, 0) ){
    count_runs(ps, pSet, iLow);
    return 1;
  }
  id = iLow;
  while( rowset_prev(pSet, id, &id) ){
    const struct attr_row *r = filter_row(ps->f, id);
    pass_seen(ps, id);
    if( r ) pass_tally(ps, r);
  }
  return 1;
}

/* Count the rows older than iLow that match and pass the filters, with
** ST_COUNT. */
static int count_stepped(struct pass *ps, sqlite3_int64 iLow){
  sqlite3_stmt *pStmt = ps->apStmt[ST_COUNT];
  int rc = stmt_bind(pStmt, ps->zExpr, ps->pq), rc2;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, iLow);
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    const struct attr_row *r = filter_row(ps->f, id);
    pass_seen(ps, id);
    if( r ) pass_tally(ps, r);
  }
  rc2 = sqlite3_reset(pStmt);
  return rc==SQLITE_OK ? rc2 : rc;
}

int count_rest(struct pass *ps, struct count_walk *w, sqlite3_int64 iLow){
  if( w->nSet>0 && w->bWalked && count_walked(ps, w, iLow) ){
    return SQLITE_OK;
  }
  return count_stepped(ps, iLow);
}
