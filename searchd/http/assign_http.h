/*
** assign_http.h: GET /assignments (a filtered list, newest activity first)
** and GET /assignments/{id} (one assignment's history and related ones),
** from engine/assign.h, rendered by assign_json.h, held to the search
** time limit (--query-ms: 503 past it). Each runs on the search threads
** (pool.h) like a search the cache cannot answer, in the same queue and
** order, so a list over a broad q never holds up the worker's other
** connections; without search threads, on the worker's connection. Not
** cached.
**
** Thread safety: the handlers' state belongs to one worker connection.
*/
#ifndef SEARCHD_ASSIGN_HTTP_H
#define SEARCHD_ASSIGN_HTTP_H

struct conf;
struct dbenv;
struct request_ctx;

/* The path prefix of one assignment, "/assignments/ID" (its route in
** routes.c spells it out, so tests/e2e/test_openapi.py can read it). */
#define ASSIGN_HTTP_PREFIX "/assignments/"

/* route.xOpen/xClose: the connection's search engine, which parses q. */
int assign_http_open(const struct conf *conf, const struct dbenv *pEnv,
                     void **ppState);
void assign_http_close(void *pState);

/* The route handlers (route.h). */
int assign_http_list(struct request_ctx *ctx);
int assign_http_get(struct request_ctx *ctx);

#endif /* SEARCHD_ASSIGN_HTTP_H */
