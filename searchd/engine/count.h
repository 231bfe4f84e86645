/*
** count.h: counting a search's matches that the first pass does not score
** (the rows older than its window), into the total and year facets.
**
** Stepping a MATCH statement costs ~50 ns a row (the virtual-table cursor
** and the VM); FTS5's xQueryPhrase, which walks one phrase's doclist and
** calls back per row, ~18 ns. So the first ranking call of a query, which
** counts each phrase's rows for idf anyway (rank.h), may walk every
** phrase into a bitmap of rowids (rowset.h; one per clause, plus one for
** the excluded words): the matches are the AND of the clause sets without
** the excluded set. It does so for a query of one phrase (a lone prefix
** only when its count is not kept: scan.h), and for one of
** several when their document counts are known and all of them together
** are at most 2.5 times the smallest clause's (walking two broad words in
** full to find the rows holding both is dearer than letting FTS5 step
** their intersection). The sets are used only if they hold the rows the
** scan stepped above its window (same number, same sum of rowids);
** otherwise a statement counts the older rows.
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_COUNT_H
#define SEARCHD_COUNT_H

#include <sqlite3.h>

#include "engine/query.h"
#include "engine/rowset.h"

struct attrs;
struct pass;

/* Walking is tried for queries of at most this many clauses: a bitmap
** each, ~16 KB per 125,000 rows. */
#define COUNT_WALK_CLAUSES 8

struct count_walk {
  struct rowset aSet[COUNT_WALK_CLAUSES + 1];
  int nSet;                       /* 0: nothing to walk into */
  int bWalked;                    /* the sets hold every phrase's rows */
};

/*
** Empty sets for a walk of q into *w: none (nSet 0) for q NULL, a query of
** one or more than COUNT_WALK_CLAUSES clauses, sparse rowids (attrs), or
** no memory for them (walking is only a shortcut). Free with
** count_walk_free().
*/
void count_walk_init(struct count_walk *w, const struct query *q,
                     const struct attrs *attrs);
void count_walk_free(struct count_walk *w);

/* Do w's sets fit q (one per clause plus the excluded)? */
int count_walk_fits(const struct count_walk *w, const struct query *q);

/*
** Is walking every phrase of q (anHit[i]: phrase i's rows) cheaper than
** stepping the expression's matches? Pure.
*/
int count_walk_worth(const struct query *q, const sqlite3_int64 *anHit,
                     int nPhrase);

/*
** Inside an FTS5 auxiliary function call: walk phrase iPhrase's doclist
** into the set of clause iClause (<0: the excluded set); its rows into
** *pnHit. SQLITE_RANGE if a rowid does not fit the sets.
*/
int count_walk_phrase(struct count_walk *w, const Fts5ExtensionApi *pApi,
                      Fts5Context *pFts, int iPhrase, int iClause,
                      sqlite3_int64 *pnHit);

/* Record whether every phrase was walked into the sets. */
void count_walk_done(struct count_walk *w, int bWalked);

/*
** If the members of pSet (the query's matches) at or above iLow are the
** rows the scan stepped (same number, same sum of rowids), count the ones
** below iLow that pass the filters into ps's total and facets and return
** 1; else return 0 and count nothing.
*/
int count_set(struct pass *ps, const struct rowset *pSet,
              sqlite3_int64 iLow);

/*
** Count the matches of ps->zExpr below rowid iLow that pass the filters
** into ps's total and facets: from w's sets if they were walked and agree
** with the scan, else with a statement. Returns an SQLite code.
*/
int count_rest(struct pass *ps, struct count_walk *w, sqlite3_int64 iLow);

#endif /* SEARCHD_COUNT_H */
