/*
** rerank.c: the second pass, branch and bound (rerank.h).
*/
#include <math.h>
#include <stdlib.h>

#include "engine/early.h"
#include "engine/rerank.h"
#include "engine/rows.h"
#include "engine/stmt.h"

/*
** searchd_rank() of the candidates whose ids are aId[0..n) (ascending),
** into their score in aCand (sorted by id), in one statement.
*/
static int rerank_ids(struct pass *ps, struct pass_cand *aCand, int nCand,
                      const sqlite3_int64 *aId, int n){
  struct rows rows;
  int rc = rows_open(ps, ST_RANK, aId, n, &rows), rc2;
  while( rc==SQLITE_OK && rows_step(&rows)==SQLITE_ROW ){
    struct pass_cand key, *pHit;
    key.id = sqlite3_column_int64(rows.pStmt, 0);
    pHit = bsearch(&key, aCand, nCand, sizeof(*aCand), pass_cmp_id);
    if( pHit ) pHit->score = sqlite3_column_double(rows.pStmt, 1);
  }
  rc2 = rows_close(&rows);
  return rc==SQLITE_OK ? rc2 : rc;
}

/* Larger bound first (the order in which exact scores are worth having). */
static int rerank_cmp_bound(const void *pA, const void *pB){
  const struct pass_cand *a = *(struct pass_cand *const*)pA;
  const struct pass_cand *b = *(struct pass_cand *const*)pB;
  if( a->bound!=b->bound ) return a->bound > b->bound ? -1 : 1;
  return a->id < b->id ? -1 : (a->id > b->id);
}

static int rerank_cmp_desc(const void *pA, const void *pB){
  double a = *(const double*)pA, b = *(const double*)pB;
  return a > b ? -1 : (a < b);
}

/* Best first; ties: newer report, then row order. */
static int rerank_cmp(const void *pA, const void *pB){
  const struct pass_cand *a = pA, *b = pB;
  if( a->score!=b->score ) return a->score > b->score ? -1 : 1;
  if( a->date!=b->date ) return a->date > b->date ? -1 : 1;
  return a->id < b->id ? -1 : (a->id > b->id);
}

/*
** The candidates still worth an exact score, into aId (ascending), at most
** m: those not scored exactly whose bound reaches the nNeed-th best exact
** score so far (equal: a tie may go to the newer row), best bound first;
** all of them while fewer than nNeed are exact. apOrd is by bound.
** Returns how many.
*/
static int rerank_more(struct pass_cand **apOrd, int n, int nNeed, int m,
                       double *aScratch, sqlite3_int64 *aId){
  double floor = -HUGE_VAL;
  int i, nExact = 0, k = 0;
  for(i=0; i<n; i++){
    if( apOrd[i]->bExact ) aScratch[nExact++] = apOrd[i]->score;
  }
  if( nExact>=nNeed ){
    qsort(aScratch, nExact, sizeof(*aScratch), rerank_cmp_desc);
    floor = aScratch[nNeed-1];
  }
  for(i=0; i<n && k<m && apOrd[i]->bound>=floor; i++){
    if( !apOrd[i]->bExact ) aId[k++] = apOrd[i]->id;
  }
  qsort(aId, k, sizeof(*aId), pass_cmp_i64);
  return k;
}

/* Mark the candidates whose ids are aId[0..k) as scored exactly. */
static void rerank_mark_exact(struct pass_cand *aCand, int n,
                              const sqlite3_int64 *aId, int k){
  int i;
  for(i=0; i<k; i++){
    struct pass_cand key, *pHit;
    key.id = aId[i];
    pHit = bsearch(&key, aCand, n, sizeof(*aCand), pass_cmp_id);
    if( pHit ) pHit->bExact = 1;
  }
}

/* Bounds, early exact scores, and the order by bound into apOrd. */
static void rerank_start(const struct early *pEarly, struct pass_cand *aCand,
                         int n, struct pass_cand **apOrd){
  int i;
  qsort(aCand, n, sizeof(*aCand), pass_cmp_id);
  for(i=0; i<n; i++){
    double s = 0;
    aCand[i].bound = -aCand[i].first;
    aCand[i].bExact = pEarly && early_get(pEarly, aCand[i].id, &s);
    aCand[i].score = aCand[i].bExact ? s : -HUGE_VAL;
    apOrd[i] = &aCand[i];
  }
  qsort(apOrd, n, sizeof(*apOrd), rerank_cmp_bound);
}

int rerank_run(struct pass *ps, const struct early *pEarly,
               struct pass_cand *aCand, int n, int nNeed){
  sqlite3_int64 *aId = 0;
  struct pass_cand **apOrd = 0;
  double *aScratch = 0;
  int m = 2*nNeed<RERANK_MIN ? RERANK_MIN : 2*nNeed;
  int k, rc = SQLITE_OK;
  if( n>0 && nNeed>0 ){
    aId = malloc(sizeof(*aId) * n);
    apOrd = malloc(sizeof(*apOrd) * n);
    aScratch = malloc(sizeof(*aScratch) * n);
    rc = (aId && apOrd && aScratch) ? SQLITE_OK : SQLITE_NOMEM;
    if( rc==SQLITE_OK ) rerank_start(pEarly, aCand, n, apOrd);
    while( rc==SQLITE_OK
        && (k = rerank_more(apOrd, n, nNeed, m, aScratch, aId))>0 ){
      rc = rerank_ids(ps, aCand, n, aId, k);
      rerank_mark_exact(aCand, n, aId, k);
    }
  }
  if( rc==SQLITE_OK ) qsort(aCand, n, sizeof(*aCand), rerank_cmp);
  free(aScratch);
  free(apOrd);
  free(aId);
  return rc;
}
