/*
** scan.h: the first pass of a search (search.h): total and facets over
** every match, and the best candidates by searchd_quick() (rank.h).
**
** Newest first, the matches that pass the filters are scored and counted
** until nWindow have been; the older ones are only counted (count.h).
** When the window cut rows off, one more statement, {assignment} : (EXPR)
** below the window newest first, takes up to a quarter of the window's
** size of older rows whose assignment alone matches, and they compete in
** the same heap: a row whose assignment is about the topic is the one
** most likely to deserve the page. Skipped for prefix queries, where every
** extra statement merges the doclists of all the prefix's terms again:
** for the same reason a prefix query's scan counts the rows past its
** window itself, unless its phrases were walked (count.h), and with
** ps->pTexts makes the page's texts of the rows it scores exactly
** (hltext.h). With ps->pq->nEarly set, the scan also leaves early exact
** scores in ps->pq->pEarly (rank.h).
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_SCAN_H
#define SEARCHD_SCAN_H

#include "engine/pass.h"

struct cands;

/*
** Run the first pass of ps->zExpr: ps's total and facets, and the best
** candidates offered to c (cands.h). Sorting by date (ps->eSort), every
** match is offered with its date as the key, and none is scored.
** Returns an SQLite code.
*/
int scan_run(struct pass *ps, struct cands *c);

#endif /* SEARCHD_SCAN_H */
