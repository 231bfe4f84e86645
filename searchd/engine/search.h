/*
** search.h: GET /search and GET /health, run on a worker's connection.
**
** A search runs in two passes, so a broad word that matches a third of the
** index does not get the expensive ranking on every row:
**   1. The matches of the FTS5 expression (query.h), newest first, get the
**      cheap searchd_quick() score from the FTS index alone, until
**      --window (2,000) of them have passed the date and source filters
**      (applied on the in-memory attributes, attrs.h); the older matches
**      are only counted (rowids, no auxiliary function). Total and year
**      facets are exact. When the window cut rows off, up to a quarter of
**      the window's size of older rows whose assignment alone matches are
**      scored too (not for prefix queries). A heap keeps the best K (K =
**      --rerank, or offset+limit if larger).
**   2. Branch and bound with searchd_rank() (rank.h): an upper bound for
**      every candidate (no text read), then the exact score (which
**      re-tokenizes the text) in order of bound until no bound left can
**      reach the page; candidates are sorted by score, then newer report,
**      then row; the requested page gets highlight() and snippet().
** The scoring and page statements over chosen rows run over their rowid
** range with searchd_is_cand() letting only them through.
** All of it runs in one read transaction: one snapshot, one lock.
** When the AND of all words finds nothing, both passes run again on the
** relaxed expression (any word) and the response says "relaxed": true.
**
** A worker answers from its cache and hands a miss to the shared search
** threads (pool.h) when there are some: the search runs there on the
** thread's own connection and comes back to the worker, which caches and
** sends it; without a pool (--search-threads 0, or while stopping), the
** worker runs it itself.
**
** Responses are cached per worker (LRU, --cache-size) under the request as
** typed (q with white space runs collapsed, and the other parameters),
** looked up before the query is parsed and expanded; the cache is emptied
** whenever the database changes (PRAGMA data_version, asked at most every
** 5 ms on a hit and always on a miss) or is reopened.
**
** Thread safety: a search_state belongs to one worker thread.
*/
#ifndef SEARCHD_SEARCH_H
#define SEARCHD_SEARCH_H

#include <sqlite3.h>

#include "http/conf.h"
#include "engine/query.h"
#include "http/route.h"

struct search_state;

/*
** Create the search state of a worker (or pool thread) for its connection
** db, with a result cache of nCache entries (0: none): registers
** searchd_rank() and a progress handler on db (for the --query-ms limit).
** db must outlive the state. The row attributes (attrs.h, ~3 MB) are
** loaded at the first search or by search_state_load(). Returns SQLITE_OK
** and sets *ppOut, or an SQLite error code with *ppOut NULL.
*/
int search_state_new(sqlite3 *db, const struct conf *conf, long nCache,
                     struct search_state **ppOut);

/*
** Load the row attributes now rather than at the first search (which
** would then take longer). For states that will search. Returns SQLITE_OK
** or an SQLite code.
*/
int search_state_load(struct search_state *p);

/* Free the state and its prepared statements. Accepts NULL. */
void search_state_free(struct search_state *p);

/*
** Use opts (copied) for every following query: the expansion hook of
** query.h, e.g. synonyms and spelling corrections. Empties the cache.
*/
void search_state_set_opts(struct search_state *p,
                           const struct query_opts *opts);

/* Route handlers (route.h) for GET /search and GET /health. */
int search_handle(struct request_ctx *ctx);
int search_health(struct request_ctx *ctx);

#endif /* SEARCHD_SEARCH_H */
