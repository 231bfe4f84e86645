/*
** rowset.h: a set of rowids as a bitmap, for counting a query's matches
** from the doclists of its phrases (see search.c, "walking").
**
** Why: stepping a MATCH statement costs ~50 ns a row (the virtual table
** cursor and the VM), walking one phrase's doclist with FTS5's xQueryPhrase
** ~18 ns; a query's matches are then the AND of its clauses' sets (each the
** OR of its phrases) without the excluded phrases' set. A bitmap is the
** cheap set here because rowids are dense: 1,000,000 rows take 125 KB.
**
** Thread safety: none; one owner at a time.
*/
#ifndef SEARCHD_ROWSET_H
#define SEARCHD_ROWSET_H

#include <stdint.h>
#include <sqlite3.h>

struct rowset {
  uint64_t *a;                    /* bit i: rowid i is in the set */
  sqlite3_int64 nWord;
};

/*
** Make *p an empty set that can hold the rowids 0..nMax-1 (nMax >= 0).
** Returns SQLITE_OK, or SQLITE_NOMEM with *p empty (rowset_free is safe).
*/
int rowset_init(struct rowset *p, sqlite3_int64 nMax);

/* Free the bitmap; *p becomes an empty set of no capacity. */
void rowset_free(struct rowset *p);

/*
** Add id. Returns 0, or -1 (the set unchanged) if id is outside the
** capacity given to rowset_init.
*/
static inline int rowset_add(struct rowset *p, sqlite3_int64 id){
  /* Inline: a walk adds every row of a doclist, tens of thousands. */
  if( id<0 || id/64>=p->nWord ) return -1;
  p->a[id/64] |= (uint64_t)1 << (id % 64);
  return 0;
}

/* *pDst = *pDst AND *pSrc, and AND NOT: the sets must be of equal size. */
void rowset_and(struct rowset *pDst, const struct rowset *pSrc);
void rowset_andnot(struct rowset *pDst, const struct rowset *pSrc);

/* Number of members >= iFrom. */
sqlite3_int64 rowset_count_from(const struct rowset *p, sqlite3_int64 iFrom);

/* The sum of the members >= iFrom (modulo 2^64). */
uint64_t rowset_sum_from(const struct rowset *p, sqlite3_int64 iFrom);

/* Number of members in [iFrom, iTo). */
sqlite3_int64 rowset_count_range(const struct rowset *p, sqlite3_int64 iFrom,
                                 sqlite3_int64 iTo);

/*
** Split the members of p and not of x (NULL: none) in [iFrom, iTo) by the
** sets aQ[0..nQ): an[k] += how many of them are in aQ[k] (members in none
** are not counted). One pass over p's words, skipping the empty ones; a
** popcount instruction where the CPU has one. x and the aQ may be smaller
** than p.
*/
void rowset_count_split(const struct rowset *p,
                        const struct rowset *const *aQ, int nQ,
                        const struct rowset *x, sqlite3_int64 iFrom,
                        sqlite3_int64 iTo, sqlite3_int64 *an);

/* Call xEach(pCtx, id) for each member of p and q in [iFrom, iTo),
** ascending. */
void rowset_each_and(const struct rowset *p, const struct rowset *q,
                     sqlite3_int64 iFrom, sqlite3_int64 iTo,
                     void (*xEach)(void*, sqlite3_int64), void *pCtx);

/* The smallest member into *pId: returns 1, or 0 if the set is empty. */
int rowset_min(const struct rowset *p, sqlite3_int64 *pId);

/*
** The largest member below iBelow into *pId: returns 1, or 0 if there is
** none. Walks the set downwards: call again with iBelow = *pId.
*/
int rowset_prev(const struct rowset *p, sqlite3_int64 iBelow,
                sqlite3_int64 *pId);

#endif /* SEARCHD_ROWSET_H */
