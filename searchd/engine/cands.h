/*
** cands.h: the first pass's candidates: the best K rows by first-pass key
** (struct pass_cand.first, smaller is better; ties: newer report, then
** lower rowid), or, when collapsing, the best assignments by the key of
** their best row, each with every row of it the pass offered: as many as
** fit K rows, and at least the page's number of assignments.
**
** Why every row of a kept assignment: the rerank wants each assignment's
** best exact score, and a row's bound says nothing of its rank among its
** assignment's rows (a bound is not monotone in the exact score). Rows of
** an assignment that falls out of the K go with it. The page is then the
** best assignments of the rows offered by exact score, whatever order the
** rows came in: the heap, not the scan's window, decides, so a scan of
** every match (no window) collapses exactly too. The budget is in rows,
** not assignments, because the rerank's cost is in rows: K assignments of
** ten reports each would make it score ten times the rows.
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_CANDS_H
#define SEARCHD_CANDS_H

#include "engine/pass.h"

struct cand_group;

struct cands {
  int nMax;                       /* K */
  int nMin;                       /* collapsing: assignments kept at least */
  int bCollapse;
  /* Rows: a max-heap of a[0..n) (worst on top); when collapsing, a pool
  ** of rows linked per group through aNext (-1 ends), freed rows on the
  ** list from iFree. */
  struct pass_cand *a;
  int n, nAlloc;
  int *aNext;
  int iFree;
  /* Collapsing: a max-heap of groups, and per assignment its slot + 1 in
  ** it (0: not kept; all 0 again after cands_free()). */
  struct cand_group *aGrp;
  int nGrp, nGrpAlloc;
  int nLive;                      /* rows held by the kept groups */
  int *aPos;
};

/*
** Start empty, keeping nMax (> 0) rows, or with aPos (attrs_assign_count()
** ints, all 0, which must outlive c) the best assignments that fit nMax
** rows, at least nMin of them, told apart by struct pass_cand.iAssign (a
** negative one is a row of its own, never offered twice). Returns
** SQLITE_OK or SQLITE_NOMEM; cands_free() either way.
*/
int cands_init(struct cands *c, int nMax, int nMin, int *aPos);

/* Offer row x (its iAssign set). SQLITE_OK or SQLITE_NOMEM. */
int cands_push(struct cands *c, const struct pass_cand *x);

/*
** The rows kept, in no order, into *paOut (owned by c, valid until
** cands_free()) and *pnOut. Call once, after the last push.
*/
int cands_finish(struct cands *c, struct pass_cand **paOut, int *pnOut);

/* Free, and zero the assignments' slots. Accepts a zeroed struct. */
void cands_free(struct cands *c);

/* Is a a worse key than b (larger first; ties: older, then larger id)? */
static inline int cands_worse(const struct pass_cand *a,
                              const struct pass_cand *b){
  if( a->first!=b->first ) return a->first > b->first;
  if( a->date!=b->date ) return a->date < b->date;
  return a->id > b->id;
}

#endif /* SEARCHD_CANDS_H */
