/*
** scan.c: the first pass of a search (scan.h).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/cands.h"
#include "engine/count.h"
#include "engine/hltext.h"
#include "engine/rank.h"
#include "engine/rows.h"
#include "engine/rowset.h"
#include "engine/scan.h"
#include "engine/stmt.h"

/* Older assignment matches considered: the window's size over this. */
#define SCAN_OLDER_DIV 4

static double scan_ms_since(const struct timespec *t0){
  struct timespec t1;
  if( clock_gettime(CLOCK_MONOTONIC, &t1)!=0 ) return 0;
  return (t1.tv_sec - t0->tv_sec)*1e3 + (t1.tv_nsec - t0->tv_nsec)/1e6;
}

/* Offer row r (id) with first-pass value first to the candidates. */
static int scan_keep(struct cands *c, sqlite3_int64 id,
                     const struct attr_row *r, double first){
  struct pass_cand x;
  memset(&x, 0, sizeof(x));
  x.id = id;
  x.date = r->date;
  x.iAssign = r->iAssign;
  x.first = first;
  return cands_push(c, &x);
}

/* Keep the highlight and snippet ST_SCAN_PREFIX made of row id, if it made
** them (the row was scored exactly). */
static int scan_texts(struct pass *ps, sqlite3_stmt *pStmt,
                      sqlite3_int64 id){
  const char *zHl, *zSnip;
  int nHl, nSnip;
  if( !rank_query_has_exact(ps->pq, id) ) return SQLITE_OK;
  zHl = (const char*)sqlite3_column_text(pStmt, 2);
  nHl = sqlite3_column_bytes(pStmt, 2);
  zSnip = (const char*)sqlite3_column_text(pStmt, 3);
  nSnip = sqlite3_column_bytes(pStmt, 3);
  return hltext_put(ps->pTexts, id, zHl, nHl, zSnip, nSnip);
}

/*
** Should the rows past the window be counted by the scan's statement? A
** prefix query's, whose every other statement (count.h's, or its walk)
** merges the prefix's doclists again, unless its phrases were walked into
** sets already (rank.c walks a lone prefix when it counts it for idf).
*/
static int scan_counts_on(const struct pass *ps){
  const struct count_walk *w = ps->pq->pWalk;
  return ps->bPrefix && !(w && w->bWalked);
}

/* What a prefix query's scan meets in its WHERE (searchd_pass()). */
struct scan_seen {
  struct pass *ps;
  struct rowset set;              /* every match the statement met */
  int bSet;                       /* set in use (dense rowids, memory) */
  int bOut;                       /* a rowid did not fit the set */
  int bCounting;                  /* past the window: rows only counted */
};

/* A row past the window, counted one by one (no set). */
static void scan_count_row(struct pass *ps, sqlite3_int64 id){
  const struct attr_row *r = filter_row(ps->f, id);
  pass_seen(ps, id);
  if( r ) pass_tally(ps, r);
}

/*
** xPass of a prefix query's scan (rank.h): note the row in the set; past
** the window drop it, counted by the set afterwards (count_set(): a
** popcount per run of one date, as a walk's) or now.
*/
static int scan_pass_row(void *pArg, sqlite3_int64 id){
  struct scan_seen *p = (struct scan_seen*)pArg;
  if( p->bSet && rowset_add(&p->set, id) ) p->bOut = 1;
  if( !p->bCounting ) return 1;
  if( !p->bSet ) scan_count_row(p->ps, id);
  return 0;
}

/*
** Past the window: the rest of the matches go through the scan's
** statement, dropped in its WHERE (no column is computed, no row leaves
** the VM), into the set or counted; r the row that did not fit.
*/
static void scan_count_on(struct pass *ps, struct scan_seen *pSeen,
                          sqlite3_stmt *pStmt, const struct attr_row *r){
  if( !pSeen->bSet ) pass_tally(ps, r);   /* else the set holds it */
  pSeen->bCounting = 1;
  /* No row comes out; a step's error is the reset's. */
  while( sqlite3_step(pStmt)==SQLITE_ROW ){}
}

/*
** Newest first, score the matches that pass the filters with
** searchd_quick() into the heap and count them, until nWin have been (nWin
** 0: no limit). *piLow is then the oldest row scored, or 0 if no row was
** left out; *pbCounted 1 if those went through pSeen (a prefix query's,
** scan_counts_on()): counted, or in pSeen's set.
*/
static int scan_newest(struct pass *ps, long nWin, struct cands *c,
                       struct scan_seen *pSeen, sqlite3_int64 *piLow,
                       int *pbCounted){
  sqlite3_stmt *pStmt = ps->apStmt[ps->bPrefix ? ST_SCAN_PREFIX : ST_SCAN];
  int rc = stmt_bind(pStmt, ps->zExpr, ps->pq), rc2;
  sqlite3_int64 iLast = 0;
  struct timespec t0;
  uint64_t h = 0;
  memset(&t0, 0, sizeof(t0));
  *piLow = 0;
  *pbCounted = 0;
  ps->nWinSeen = 0;
  ps->hWinSeen = 0;
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    const struct attr_row *r;
    /* Timed from the second row: the first one computes idf (a walk). */
    if( ps->nSeen==0 && clock_gettime(CLOCK_MONOTONIC, &t0)!=0 ){
      memset(&t0, 0, sizeof(t0));
    }
    pass_seen(ps, id);
    h += (uint64_t)id;
    if( (r = filter_row(ps->f, id))==0 ) continue;
    if( nWin>0 && ps->nRows>=nWin ){
      *piLow = iLast;             /* one more passes: the window is full */
      if( pSeen && scan_counts_on(ps) ){
        scan_count_on(ps, pSeen, pStmt, r);
        *pbCounted = 1;
      }
      break;
    }
    rc = scan_keep(c, id, r, sqlite3_column_double(pStmt, 1));
    if( rc==SQLITE_OK && ps->pTexts ) rc = scan_texts(ps, pStmt, id);
    pass_tally(ps, r);
    iLast = id;
    ps->nWinSeen = ps->nSeen;
    ps->hWinSeen = h;
  }
  rc2 = sqlite3_reset(pStmt);
  ps->nsPerRow = ps->nSeen>1 ? scan_ms_since(&t0) * 1e6 / (ps->nSeen-1) : 0;
  return rc==SQLITE_OK ? rc2 : rc;
}

/*
** The older rows whose assignment alone matches: the newest nMax of those
** below rowid iLow that pass the filters, into aId (ascending).
*/
static int scan_older_ids(struct pass *ps, sqlite3_int64 iLow,
                          sqlite3_int64 *aId, int nMax, int *pn){
  sqlite3_stmt *pStmt = ps->apStmt[ST_OLDER];
  const char *zExpr = ps->zExpr;
  /* Without a -word, the matches in the assignment are matches: FTS5 need
  ** not walk the expression twice. With one, "-x" in the column filter
  ** would only exclude x from the assignment. */
  char *zCol = ps->bNot
             ? sqlite3_mprintf("(%s) AND {assignment} : (%s)", zExpr, zExpr)
             : sqlite3_mprintf("{assignment} : (%s)", zExpr);
  int rc = zCol ? stmt_bind(pStmt, zCol, ps->pq) : SQLITE_NOMEM, rc2;
  int n = 0;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, iLow);
  while( rc==SQLITE_OK && n<nMax && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    if( filter_row(ps->f, id) ) aId[n++] = id;
  }
  rc2 = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK ) rc = rc2;
  rc2 = sqlite3_clear_bindings(pStmt);  /* zCol is bound SQLITE_STATIC */
  if( rc==SQLITE_OK ) rc = rc2;
  sqlite3_free(zCol);
  qsort(aId, n, sizeof(*aId), pass_cmp_i64);
  *pn = n;
  return rc;
}

/* Score with searchd_quick() the rows aId[0..n) that pass the filters
** into the heap. */
static int scan_ids(struct pass *ps, const sqlite3_int64 *aId, int n,
                    struct cands *c){
  struct rows rows;
  int rc = rows_open(ps, ST_QCAND, aId, n, &rows), rc2;
  while( rc==SQLITE_OK && rows_step(&rows)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(rows.pStmt, 0);
    const struct attr_row *r = filter_row(ps->f, id);
    if( r==0 ) continue;
    rc = scan_keep(c, id, r, sqlite3_column_double(rows.pStmt, 1));
  }
  rc2 = rows_close(&rows);
  return rc==SQLITE_OK ? rc2 : rc;
}

/* The older assignment matches below iLow, scored into the heap. */
static int scan_older(struct pass *ps, sqlite3_int64 iLow, int nOldMax,
                      struct cands *c){
  sqlite3_int64 *aOld = malloc(sizeof(*aOld) * nOldMax);
  int nOld = 0, rc = aOld ? scan_older_ids(ps, iLow, aOld, nOldMax, &nOld)
                          : SQLITE_NOMEM;
  if( rc==SQLITE_OK && nOld>0 ){
    rc = scan_ids(ps, aOld, nOld, c);
  }
  free(aOld);
  return rc;
}

/* Zero the counts of a pass. */
static void scan_reset(struct pass *ps){
  ps->nTotal = 0;
  ps->nRows = 0;
  memset(ps->aYear, 0, sizeof(*ps->aYear) * PASS_YEARS);
  memset(ps->aStatus, 0, sizeof(ps->aStatus));
  if( ps->bCollapse ){
    memset(ps->aSeenAssign, 0,
           sizeof(uint64_t) * (attrs_assign_count(ps->attrs)/64 + 1));
    memset(ps->aSeenPair, 0,
           sizeof(uint64_t) * (attrs_pair_count(ps->attrs)/64 + 1));
  }
  ps->nSeen = 0;
}

/*
** Sorting by date: every match is counted and offered, keyed by its
** date (the rowids say nothing of dates once a report is re-indexed), with
** no score: the rowid-only statement of the count.
*/
static int scan_by_date(struct pass *ps, struct cands *c){
  sqlite3_stmt *pStmt = ps->apStmt[ST_COUNT];
  int rc = stmt_bind(pStmt, ps->zExpr, ps->pq), rc2;
  double sign = ps->eSort==SEARCH_SORT_NEWEST ? -1 : 1;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, INT64_MAX);
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    const struct attr_row *r = filter_row(ps->f, id);
    pass_seen(ps, id);
    if( r==0 ) continue;
    rc = scan_keep(c, id, r, sign * r->date);
    pass_tally(ps, r);
  }
  rc2 = sqlite3_reset(pStmt);
  return rc==SQLITE_OK ? rc2 : rc;
}

/* Start what a prefix query's scan meets in its WHERE: the set of its
** rows, unless rowids are sparse or memory short (then counted one by
** one). */
static void scan_seen_init(struct pass *ps, struct scan_seen *p){
  sqlite3_int64 nLimit = attrs_dense_limit(ps->attrs);
  memset(p, 0, sizeof(*p));
  p->ps = ps;
  p->bSet = nLimit>0 && rowset_init(&p->set, nLimit)==SQLITE_OK;
  ps->pq->xPass = scan_pass_row;
  ps->pq->pPassArg = p;
}

/* After a prefix query's scan counted by pSeen: the rows of its set below
** iLow, or, if the set cannot say, by statement. */
static int scan_seen_count(struct pass *ps, struct scan_seen *pSeen,
                           struct count_walk *w, sqlite3_int64 iLow){
  if( !pSeen->bSet ) return SQLITE_OK;    /* counted one by one */
  if( !pSeen->bOut && count_set(ps, &pSeen->set, iLow) ) return SQLITE_OK;
  return count_rest(ps, w, iLow);         /* w was not walked: a statement */
}

int scan_run(struct pass *ps, struct cands *c){
  long nWin = ps->cfg->nWindow;
  int nOldMax = 0, bCounted = 0, rc;
  sqlite3_int64 iLow = 0;
  struct count_walk walk;
  struct scan_seen seen;
  if( nWin>0 && nWin<c->nMax ) nWin = c->nMax;
  scan_reset(ps);
  if( ps->eSort!=SEARCH_SORT_RELEVANCE ) return scan_by_date(ps, c);
  count_walk_init(&walk, (ps->pq->bRelaxed || ps->cfg->nWindow==0)
                         ? 0 : ps->pq->q, ps->attrs);
  ps->pq->pWalk = walk.nSet ? &walk : 0;
  if( ps->bPrefix ) scan_seen_init(ps, &seen);
  rc = scan_newest(ps, nWin, c, ps->bPrefix ? &seen : 0, &iLow, &bCounted);
  ps->pq->xPass = 0;
  ps->pq->pPassArg = 0;
  if( rc==SQLITE_OK && iLow>0 && bCounted ){
    rc = scan_seen_count(ps, &seen, &walk, iLow);
  }else if( rc==SQLITE_OK && iLow>0 ){
    rc = count_rest(ps, &walk, iLow);
    nOldMax = ps->bPrefix ? 0 : (int)(nWin/SCAN_OLDER_DIV);
  }
  if( ps->bPrefix ) rowset_free(&seen.set);
  ps->pq->pWalk = 0;
  count_walk_free(&walk);
  if( rc==SQLITE_OK && nOldMax>0 ){
    rc = scan_older(ps, iLow, nOldMax, c);
  }
  return rc;
}
