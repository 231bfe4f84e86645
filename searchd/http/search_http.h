/*
** search_http.h: GET /search, served from the search engine
** (engine/search.h).
**
** The handler validates the parameters, answers from its result cache, or
** hands the search to the shared search threads (pool.h) when there are
** some: the query is parsed, searched and rendered (search_json.h) there
** on the thread's own connection, and the rendered result comes back to
** the worker, which caches and sends it. Without a pool (--search-threads
** 0, or while stopping), the worker runs it on its own connection.
**
** Responses are cached per worker (LRU, --cache-size) under the request
** as typed (q with white space runs collapsed, and the other parameters),
** looked up before the query is parsed and expanded; the cache is emptied
** whenever the database changes (PRAGMA data_version, asked at most every
** 5 ms on a hit and always by a search on the worker's connection) or is
** reopened.
**
** Thread safety: the handler's state belongs to one worker connection.
*/
#ifndef SEARCHD_SEARCH_HTTP_H
#define SEARCHD_SEARCH_HTTP_H

struct conf;
struct dbenv;
struct request_ctx;

/* route.xOpen/xClose: the worker's result cache on pEnv's connection. */
int search_http_open(const struct conf *conf, const struct dbenv *pEnv,
                     void **ppState);
void search_http_close(void *pState);

/* The route handler of GET /search (route.h). */
int search_http_handle(struct request_ctx *ctx);

#endif /* SEARCHD_SEARCH_HTTP_H */
