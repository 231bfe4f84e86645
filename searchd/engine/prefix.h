/*
** prefix.h: how many vocabulary words a typed prefix (word*) expands to,
** for query.h's prefix limit (query_prefix_fn).
**
** The words are those of the vocab table (common/db.h: surface words as
** unicode61 folds them), the prefix folded the same way (fold.h); for a
** prefix of several words (covid-19*, which FTS5 searches as the phrase
** "covid 19*") the last word is the one expanded. The count is an
** estimate of the work: FTS5 merges the doclists of the stems and
** compound parts the index holds, which the surface words stand for.
**
** Thread safety: one object per connection, used on its thread.
*/
#ifndef SEARCHD_PREFIX_H
#define SEARCHD_PREFIX_H

#include <sqlite3.h>

#include "box/fold.h"

struct prefix_count;

/*
** Prepare the count on db, folding with pFold (both must outlive the
** object). Returns SQLITE_OK and sets *ppOut, or an SQLite code with
** *ppOut NULL (e.g. an index without a vocab table).
*/
int prefix_count_new(sqlite3 *db, struct fold *pFold,
                     struct prefix_count **ppOut);

/* Free the object. Accepts NULL. */
void prefix_count_free(struct prefix_count *p);

/*
** query_prefix_fn (query.h) with pArg a struct prefix_count: *pnWords is
** the number of vocab words (in at least one row) starting with the
** folded z[0..n), at most nMax. Returns QUERY_OK, or QUERY_ENOMEM on an
** error (logged).
*/
int prefix_count_words(void *pArg, const char *z, int n, int nMax,
                       int *pnWords);

#endif /* SEARCHD_PREFIX_H */
