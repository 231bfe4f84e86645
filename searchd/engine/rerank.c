/*
** rerank.c: the second pass, branch and bound (rerank.h).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/cands.h"
#include "engine/early.h"
#include "engine/hltext.h"
#include "engine/rank.h"
#include "engine/rerank.h"
#include "engine/rows.h"
#include "engine/stmt.h"

/* Keep the highlight and snippet ST_RANK_HL made of its current row, if
** it made them. */
static int rerank_texts(struct pass *ps, sqlite3_stmt *pStmt){
  sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
  const char *zHl;
  if( !rank_query_has_exact(ps->pq, id) ) return SQLITE_OK;
  zHl = (const char*)sqlite3_column_text(pStmt, 2);
  int nHl = sqlite3_column_bytes(pStmt, 2);
  const char *zSnip = (const char*)sqlite3_column_text(pStmt, 3);
  int nSnip = sqlite3_column_bytes(pStmt, 3);
  return hltext_put(ps->pTexts, id, zHl, nHl, zSnip, nSnip);
}

/*
** searchd_rank() of the candidates whose ids are aId[0..n) (ascending),
** into their score in aCand (sorted by id), in one statement; a prefix
** query's also makes their page texts (hltext.h), which are read by range
** as its other statements are (rows.h), so ST_RANK_HL has no _ID twin.
*/
static int rerank_ids(struct pass *ps, struct pass_cand *aCand, int nCand,
                      const sqlite3_int64 *aId, int n){
  struct rows rows;
  int bTexts = ps->pTexts!=0;
  int rc = rows_open(ps, bTexts ? ST_RANK_HL : ST_RANK, aId, n, &rows), rc2;
  while( rc==SQLITE_OK && rows_step(&rows)==SQLITE_ROW ){
    struct pass_cand key, *pHit;
    key.id = sqlite3_column_int64(rows.pStmt, 0);
    pHit = bsearch(&key, aCand, nCand, sizeof(*aCand), pass_cmp_id);
    if( pHit ) pHit->score = sqlite3_column_double(rows.pStmt, 1);
    if( bTexts ) rc = rerank_texts(ps, rows.pStmt);
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
** Returns how many; that floor (-HUGE_VAL: none yet) into *pFloor.
*/
static int rerank_more(struct pass_cand **apOrd, int n, int nNeed, int m,
                       double *aScratch, sqlite3_int64 *aId, double *pFloor){
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
  *pFloor = floor;
  return k;
}

/* An assignment (a row's iAssign and rowid, pass.h) and its best exact
** score so far. */
struct rerank_best {
  int iAssign;
  sqlite3_int64 id;
  double score;
};

static int rerank_cmp_assign(const void *pA, const void *pB){
  const struct rerank_best *a = pA, *b = pB;
  return pass_cmp_group(a->iAssign, a->id, b->iAssign, b->id);
}

/* By assignment, then the best score first. */
static int rerank_cmp_best(const void *pA, const void *pB){
  const struct rerank_best *a = pA, *b = pB;
  int c = rerank_cmp_assign(pA, pB);
  if( c ) return c;
  return a->score > b->score ? -1 : (a->score < b->score);
}

/*
** Each assignment's best exact score so far into aBest (by assignment),
** their number into *pnBest, and the floor: the nNeed-th best of them, or
** -HUGE_VAL while fewer are known. aScratch: n doubles.
*/
static double rerank_floor(struct pass_cand **apOrd, int n, int nNeed,
                           struct rerank_best *aBest, int *pnBest,
                           double *aScratch){
  int i, k = 0, nBest = 0;
  for(i=0; i<n; i++){
    if( !apOrd[i]->bExact ) continue;
    aBest[k].iAssign = apOrd[i]->iAssign;
    aBest[k].id = apOrd[i]->id;
    aBest[k++].score = apOrd[i]->score;
  }
  qsort(aBest, k, sizeof(*aBest), rerank_cmp_best);
  for(i=0; i<k; i++){
    if( i==0 || rerank_cmp_assign(&aBest[i], &aBest[i-1])!=0 ){
      aBest[nBest++] = aBest[i];
      aScratch[nBest-1] = aBest[i].score;
    }
  }
  *pnBest = nBest;
  if( nBest<nNeed ) return -HUGE_VAL;
  qsort(aScratch, nBest, sizeof(*aScratch), rerank_cmp_desc);
  return aScratch[nNeed-1];
}

/*
** Collapsing, the candidates still worth an exact score, into aId
** (ascending), at most m: those not scored whose bound reaches both the
** floor (rerank_floor()) and their assignment's best exact score so far,
** best bound first. Returns how many; the floor into *pFloor.
*/
static int rerank_more_collapse(struct pass_cand **apOrd, int n, int nNeed,
                                int m, double *aScratch,
                                struct rerank_best *aBest,
                                sqlite3_int64 *aId, double *pFloor){
  int nBest = 0, i, k = 0;
  double floor = rerank_floor(apOrd, n, nNeed, aBest, &nBest, aScratch);
  *pFloor = floor;
  for(i=0; i<n && k<m && apOrd[i]->bound>=floor; i++){
    struct rerank_best key, *pB;
    if( apOrd[i]->bExact ) continue;
    key.iAssign = apOrd[i]->iAssign;
    key.id = apOrd[i]->id;
    key.score = HUGE_VAL;
    pB = bsearch(&key, aBest, nBest, sizeof(*aBest), rerank_cmp_assign);
    if( pB==0 || apOrd[i]->bound>=pB->score ) aId[k++] = apOrd[i]->id;
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

/* The first pass's order when sorting by date: its key, then newer, then
** lower rowid (cands.h). */
static int rerank_cmp_key(const void *pA, const void *pB){
  const struct pass_cand *a = pA, *b = pB;
  if( cands_worse(a, b) ) return 1;
  return cands_worse(b, a) ? -1 : 0;
}

/*
** Keep the first candidate of each assignment of aCand[0..*pn) (in their
** order), the others dropped; *pn the number kept.
*/
static int rerank_collapse(struct pass_cand *aCand, int *pn){
  int n = *pn, i, k = 0;
  struct rerank_best *a = malloc(sizeof(*a) * (n + 1));
  char *abKeep = calloc(n + 1, 1);
  if( a==0 || abKeep==0 ){
    free(a);
    free(abKeep);
    return SQLITE_NOMEM;
  }
  for(i=0; i<n; i++){
    a[i].iAssign = aCand[i].iAssign;
    a[i].id = aCand[i].id;
    a[i].score = -(double)i;      /* earlier first within an assignment */
  }
  qsort(a, n, sizeof(*a), rerank_cmp_best);
  for(i=0; i<n; i++){
    if( i==0 || rerank_cmp_assign(&a[i], &a[i-1])!=0 ){
      abKeep[(int)-a[i].score] = 1;
    }
  }
  for(i=0; i<n; i++){
    if( abKeep[i] ) aCand[k++] = aCand[i];
  }
  *pn = k;
  free(a);
  free(abKeep);
  return SQLITE_OK;
}

/* Sorting by date: the exact scores of the page's rows aPage[0..m). */
static int rerank_page(struct pass *ps, struct pass_cand *aPage, int m){
  struct pass_cand *aSort = malloc(sizeof(*aSort) * (m + 1));
  sqlite3_int64 *aId = malloc(sizeof(*aId) * (m + 1));
  int i, rc = (aSort && aId) ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK && m>0 ){
    memcpy(aSort, aPage, sizeof(*aSort) * m);
    qsort(aSort, m, sizeof(*aSort), pass_cmp_id);
    for(i=0; i<m; i++){
      aSort[i].score = 0;
      aId[i] = aSort[i].id;
    }
    rc = rerank_ids(ps, aSort, m, aId, m);
  }
  for(i=0; rc==SQLITE_OK && i<m; i++){
    struct pass_cand *pHit = bsearch(&aPage[i], aSort, m, sizeof(*aSort),
                                     pass_cmp_id);
    aPage[i].score = pHit ? pHit->score : 0;
  }
  free(aSort);
  free(aId);
  return rc;
}

static int rerank_by_date(struct pass *ps, struct pass_cand *aCand, int *pn,
                          int nOffset, int nNeed){
  int rc = SQLITE_OK, m;
  qsort(aCand, *pn, sizeof(*aCand), rerank_cmp_key);
  if( ps->bCollapse ) rc = rerank_collapse(aCand, pn);
  m = (nNeed < *pn ? nNeed : *pn) - nOffset;
  if( rc==SQLITE_OK && m>0 ) rc = rerank_page(ps, aCand + nOffset, m);
  return rc;
}

/* The branch and bound: exact scores enough for the first nNeed places. */
static int rerank_bound(struct pass *ps, const struct early *pEarly,
                        struct pass_cand *aCand, int n, int nNeed){
  sqlite3_int64 *aId = malloc(sizeof(*aId) * n);
  struct pass_cand **apOrd = malloc(sizeof(*apOrd) * n);
  double *aScratch = malloc(sizeof(*aScratch) * n);
  struct rerank_best *aBest = malloc(sizeof(*aBest) * n);
  int m = 2*nNeed<RERANK_MIN ? RERANK_MIN : 2*nNeed;
  int k, rc = (aId && apOrd && aScratch && aBest) ? SQLITE_OK : SQLITE_NOMEM;
  double floor = -HUGE_VAL;
  if( rc==SQLITE_OK ) rerank_start(pEarly, aCand, n, apOrd);
  while( rc==SQLITE_OK ){
    k = ps->bCollapse
      ? rerank_more_collapse(apOrd, n, nNeed, m, aScratch, aBest, aId, &floor)
      : rerank_more(apOrd, n, nNeed, m, aScratch, aId, &floor);
    if( k==0 ) break;
    /* A row scored below the floor cannot reach the page: no texts. */
    ps->pq->fTextFloor = floor;
    rc = rerank_ids(ps, aCand, n, aId, k);
    rerank_mark_exact(aCand, n, aId, k);
  }
  ps->pq->fTextFloor = -HUGE_VAL;
  free(aBest);
  free(aScratch);
  free(apOrd);
  free(aId);
  return rc;
}

int rerank_run(struct pass *ps, const struct early *pEarly,
               struct pass_cand *aCand, int *pn, int nOffset, int nNeed){
  int rc = SQLITE_OK;
  if( ps->eSort!=SEARCH_SORT_RELEVANCE ){
    return rerank_by_date(ps, aCand, pn, nOffset, nNeed);
  }
  if( *pn>0 && nNeed>0 ) rc = rerank_bound(ps, pEarly, aCand, *pn, nNeed);
  if( rc==SQLITE_OK ) qsort(aCand, *pn, sizeof(*aCand), rerank_cmp);
  if( rc==SQLITE_OK && ps->bCollapse ) rc = rerank_collapse(aCand, pn);
  return rc;
}
