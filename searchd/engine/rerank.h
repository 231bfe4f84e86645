/*
** rerank.h: the second pass of a search (search.h), branch and bound.
**
** The first pass's searchd_quick() is an upper bound of searchd_rank()
** (rank.h). Exact scores are computed in order of bound, m per statement,
** until no bound left can reach the first nNeed places; m = two pages
** (2 * nNeed), at least RERANK_MIN: each statement merges the doclists
** over its rowid range again, so the first one scores more than the page.
** Rows the first pass already scored exactly (early.h) are taken as they
** are. The order of the first nNeed places is the same as if every
** candidate had been scored; the others sort last (score -HUGE_VAL).
**
** Collapsing (ps->bCollapse), the places are assignments, each at its best
** exact score: the floor is the nNeed-th best assignment's score, and a row
** is scored while its bound reaches the floor and its assignment's best
** exact score so far (a lower bound cannot change which row is the
** assignment's best, or whether it makes the page). Then only each
** assignment's best row is kept. Sorting by date (ps->eSort), the order
** is the first pass's key, and only the page's rows are scored (for the
** hits' score).
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_RERANK_H
#define SEARCHD_RERANK_H

#include "engine/pass.h"

struct early;

/* Exact scores per statement, at least. */
#define RERANK_MIN 20

/*
** Score the candidates aCand[0..*pn) enough for the first nNeed places
** (pEarly: the first pass's exact scores, or NULL), then sort them best
** first (ties: newer report, then row order), when collapsing one per
** assignment (*pn then the number of assignments). The page starts at
** nOffset (the rows scored when sorting by date). Returns an SQLite code.
*/
int rerank_run(struct pass *ps, const struct early *pEarly,
               struct pass_cand *aCand, int *pn, int nOffset, int nNeed);

#endif /* SEARCHD_RERANK_H */
