/*
** pass.h: what the stages of one search share (scan.h, count.h, rows.h,
** rerank.h, page.h): the statements, the filters, the query's struct
** rank_query, what the first pass measured, and the running total and
** facets. search.c fills it per query; the stages read it and add to the
** counts, and never call back into search.c.
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_PASS_H
#define SEARCHD_PASS_H

#include <stdint.h>

#include <sqlite3.h>

#include "engine/attrs.h"
#include "engine/filter.h"
#include "sclass.h"
#include "engine/search.h"

struct rank_query;
struct hltext;

#define PASS_YEARS 10000

/* A candidate row of the first pass. */
struct pass_cand {
  sqlite3_int64 id;
  int date;                       /* yyyymmdd */
  int iAssign;                    /* its row's (attrs.h): < 0, a row of its
                                  ** own, told apart by id */
  double first;                   /* -searchd_quick(): smaller is better */
  double score;                   /* searchd_rank(): larger is better */
  double bound;                   /* an upper bound of score */
  int bExact;                     /* score is the exact searchd_rank() */
};

struct pass {
  sqlite3_stmt **apStmt;          /* stmt.h's, of the engine */
  const struct search_config *cfg;
  const struct attrs *attrs;
  const struct attr_assign *aAssign;  /* attrs_assigns(attrs) */
  const struct filter *f;
  struct rank_query *pq;          /* bound to every ranking statement */
  const char *zExpr;              /* the FTS5 expression searched */
  int bPrefix;                    /* the query has a word* */
  /* A prefix query's: the highlights and snippets the first pass makes of
  ** the rows it scores exactly, for the page (hltext.h); else NULL. */
  struct hltext *pTexts;
  int bNot;                       /* the query excludes a -word */
  int nNeed;                      /* offset+limit */
  int bCollapse;                  /* one hit per assignment */
  int eSort;                      /* SEARCH_SORT_* */
  /* What the first pass saw of the expression, for rows.h: matches
  ** walked, their rowid span, the cost of walking one. */
  long long nSeen;
  sqlite3_int64 iMinSeen, iMaxSeen;
  double nsPerRow;
  long long nWinSeen;             /* rows the scan stepped, to its last */
  uint64_t hWinSeen;              /* ... and the sum of their rowids */
  /* The matches passing the filters: total and per report year and
  ** status class; rows, or when collapsing distinct assignments (and
  ** distinct (assignment, year) pairs for the years), which the bitmaps
  ** aSeenAssign and aSeenPair (attrs_assign_count() and
  ** attrs_pair_count() bits, zero at the start of a pass) tell apart; a
  ** row of its own (iAssign < 0) is always a new assignment. */
  long long nTotal;
  long long nRows;                /* rows passing the filters */
  int *aYear;                     /* PASS_YEARS entries */
  int aStatus[SCLASS_N];
  uint64_t *aSeenAssign, *aSeenPair;
};

/* Set bit i of a; was it clear? */
static inline int pass_mark(uint64_t *a, int i){
  uint64_t m = (uint64_t)1 << (i & 63);
  if( a[i>>6] & m ) return 0;
  a[i>>6] |= m;
  return 1;
}

/* Count a row that passed the filters. */
static inline void pass_tally(struct pass *p, const struct attr_row *r){
  p->nRows++;
  if( p->bCollapse && r->iAssign>=0 ){
    const struct attr_assign *t = &p->aAssign[r->iAssign];
    if( pass_mark(p->aSeenPair, t->iPair + r->iYear) ){
      p->aYear[(r->date/10000) % PASS_YEARS]++;
    }
    if( pass_mark(p->aSeenAssign, r->iAssign) ){
      p->aStatus[t->cls]++;
      p->nTotal++;
    }
    return;
  }
  p->aYear[(r->date/10000) % PASS_YEARS]++;
  p->aStatus[r->cls]++;
  p->nTotal++;
}

/* Note a match the first pass walked. */
static inline void pass_seen(struct pass *p, sqlite3_int64 id){
  if( p->nSeen==0 || id<p->iMinSeen ) p->iMinSeen = id;
  if( p->nSeen==0 || id>p->iMaxSeen ) p->iMaxSeen = id;
  p->nSeen++;
}

/*
** Collapsing: an order of the assignments of rows (iA, idA) and (iB, idB)
** (iAssign and rowid): 0 for one assignment. An assignment of several rows
** by its number, a row of its own by its rowid, after those.
*/
static inline int pass_cmp_group(int iA, sqlite3_int64 idA, int iB,
                                 sqlite3_int64 idB){
  if( (iA<0)!=(iB<0) ) return iA<0 ? 1 : -1;
  if( iA>=0 ) return iA<iB ? -1 : (iA>iB);
  return idA<idB ? -1 : (idA>idB);
}

/* qsort comparator of sqlite3_int64, ascending. */
static inline int pass_cmp_i64(const void *pA, const void *pB){
  sqlite3_int64 a = *(const sqlite3_int64*)pA, b = *(const sqlite3_int64*)pB;
  return a < b ? -1 : (a > b);
}

/* qsort/bsearch comparator of struct pass_cand by id. */
static inline int pass_cmp_id(const void *pA, const void *pB){
  const struct pass_cand *a = pA, *b = pB;
  return a->id < b->id ? -1 : (a->id > b->id);
}

#endif /* SEARCHD_PASS_H */
