/*
** page.h: the rows of a search's page with what a hit shows (search.h's
** struct search_hit): the report's date and title, the row's fields, and
** the FTS5 highlight() of the assignment and snippet() of the status, in
** one pass over the page's rows (rows.h).
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_PAGE_H
#define SEARCHD_PAGE_H

#include "engine/pass.h"

/*
** The hits of page [nOffset, nOffset+nLimit) of the sorted candidates
** aCand[0..nCand) into pRes->aHit (pRes->nHit of them, in page order; a
** row gone from the index is left out). Returns an SQLite code.
*/
int page_run(struct pass *ps, const struct pass_cand *aCand, int nCand,
             long nOffset, long nLimit, struct search_result *pRes);

#endif /* SEARCHD_PAGE_H */
