/*
** early.h: the exact scores the first pass computed (rank.h, early exact
** scores), by rowid, for the rerank to take as they are instead of
** reading those rows again.
**
** A hash table of EARLY_SLOTS (a power of two) holding at most EARLY_MAX
** rows: a default window of 2,000 rows plus 500 older ones need fewer;
** past it (a larger --window) the rerank computes the rest again.
**
** Thread safety: one per connection, used on its thread.
*/
#ifndef SEARCHD_EARLY_H
#define SEARCHD_EARLY_H

#include <sqlite3.h>

#define EARLY_SLOTS 8192
#define EARLY_MAX   4096

struct early;

/* Create an empty table. Returns SQLITE_OK or SQLITE_NOMEM; *ppOut set. */
int early_new(struct early **ppOut);

/* Free. Accepts NULL. */
void early_free(struct early *p);

/* Forget every score. */
void early_clear(struct early *p);

/* Keep score as row id's (a row already kept gets the new score; past
** EARLY_MAX rows a new one is dropped). */
void early_put(struct early *p, sqlite3_int64 id, double score);

/* Row id's kept score into *pScore: 1, or 0 if none is kept. */
int early_get(const struct early *p, sqlite3_int64 id, double *pScore);

#endif /* SEARCHD_EARLY_H */
