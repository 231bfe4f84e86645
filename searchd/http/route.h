/*
** route.h: the handler interface of searchd, and its one route table.
**
** http.c owns the libevent side: it parses the URI and query string, finds
** the route, calls the handler, then sends exactly one reply, logs it and
** counts it in the metrics. A handler never touches evhttp's reply
** functions: it fills ctx->out (the body) and returns an HTTP status.
**
**   int my_handler(struct request_ctx *ctx){
**     const char *q = params_get(ctx->params, "q");
**     if( q==0 ) return route_error(ctx, 400, "missing parameter q");
**     ... json_* into ctx->out, SQL on ctx->db ...
**     return 200;
**   }
**
** Errors: return route_error(ctx, status, fmt, ...); http.c then replies
** {"error": "<message>"} with that status and drops anything already in
** ctx->out. Use 400 for bad parameters, 404, 413/414 for oversized input.
** An internal error (an SQLite code: out of memory, busy, past the time
** limit, a broken index) goes through route_fail(), the one place that
** maps it to a status (searchd/README.md, Errors).
**
** Adding a route: write the handler in your own file (with its own header)
** and add one line to aRoute[] in routes.c. A handler that keeps state per
** connection (a result cache) also gets a line in aRouteState[]: each
** worker opens that state with its connection (dbenv.h) and the handler
** finds it in ctx->pState. Routes are matched in table
** order; a route with ROUTE_PREFIX matches every path starting with its
** path (put such a catch-all, like the static files under "/", last).
**
** Thread safety: a handler runs on a worker thread; ctx and everything it
** points to belong to that worker for the duration of the call. ctx->db is
** the worker's own read-only connection: no locking needed, and no other
** thread ever uses it. A handler may hand slow work to the pool (pool.h)
** and return ROUTE_DEFERRED; the pool thread must then not touch ctx->req,
** ctx->out_headers or anything of the worker's until the job is back on
** the worker's loop.
*/
#ifndef SEARCHD_ROUTE_H
#define SEARCHD_ROUTE_H

#include <event2/buffer.h>
#include <event2/http.h>
#include <sqlite3.h>

#include "http/params.h"

struct conf;          /* conf.h: the server's settings, read-only */
struct dbenv;         /* dbenv.h: a connection and what hangs off it */
struct ext_set;       /* ext.h: per-worker state of extension modules */
struct metrics_set;   /* metrics.h: every worker's counters */
struct pool;          /* pool.h: the shared search threads */
struct pool_inbox;

struct request_ctx {
  struct evhttp_request *req;     /* read-only use: headers, URI */
  const char *path;               /* decoded path, e.g. "/search" */
  const struct params *params;    /* decoded query-string parameters */
  sqlite3 *db;                    /* the worker's read-only connection */
  const struct conf *conf;        /* settings (flags), read-only */
  void *pState;                   /* the route's own state on this
                                  ** connection (route.xOpen), or NULL */
  struct ext_set *ext;            /* extension modules' worker state */
  const struct metrics_set *metrics;   /* for /metrics only */
  struct evbuffer *out;           /* response body, empty on entry */
  const char *content_type;       /* default "application/json; charset=utf-8";
                                  ** a handler may point it at a static
                                  ** string */
  struct evkeyvalq *out_headers;  /* extra response headers (may add) */
  char zErr[256];                 /* set by route_error() */
  /* Deferring (see ROUTE_DEFERRED): NULL pool means run inline. */
  struct pool *pool;              /* pool.h: the shared search threads */
  struct pool_inbox *inbox;       /* this worker's inbox for their results */
  /* On the loop thread, after deferring: point db, pState and ext at the
  ** worker's current ones (a SIGHUP may have replaced those of the
  ** dispatch) and set *piGen to the reload generation of the file they
  ** have open (dbenv.h). Returns 1 if they changed since the dispatch. */
  int (*xResume)(struct request_ctx *ctx, unsigned *piGen);
  /* On the loop thread: send the reply of a deferred request with this
  ** status, log and count it, and free ctx. */
  void (*xFinish)(struct request_ctx *ctx, int status);
  void *pHttp;                    /* http.c's */
};

/*
** What a handler returns when it handed its work to the pool: http.c then
** sends nothing; the job's completion calls ctx->xFinish() exactly once,
** on the worker's loop thread. ctx, ctx->params and ctx->req stay valid
** until then (ctx->req may by then belong to a closed connection: the
** reply is then dropped). Never an HTTP status.
*/
#define ROUTE_DEFERRED 1

/* A handler: fills ctx->out, returns an HTTP status (200, 4xx, 503). */
typedef int (*route_fn)(struct request_ctx *ctx);

/* Route flags. */
#define ROUTE_EXACT  0x0            /* path must equal the route's path */
#define ROUTE_PREFIX 0x1            /* path must start with the route's path */

struct route {
  const char *zPath;              /* "/search" */
  int flags;                      /* ROUTE_EXACT or ROUTE_PREFIX */
  int methods;                    /* EVHTTP_REQ_* mask; others get 405 */
  route_fn xHandler;
  const char *zName;              /* endpoint label in /metrics */
};

/*
** The per-connection state of a handler: opened with each worker's
** connection (not the search threads'), reopened and closed with it.
** xOpen may keep pEnv's members, not pEnv itself; returns SQLITE_OK with
** *ppState set, or an SQLite code.
*/
struct route_state {
  route_fn xHandler;              /* the handler whose ctx->pState it is */
  int (*xOpen)(const struct conf *conf, const struct dbenv *pEnv,
               void **ppState);
  void (*xClose)(void *pState);
};

/*
** The route table (routes.c), terminated by an entry with zPath NULL.
** Read-only; shared by every worker.
*/
extern const struct route aRoute[];

/* The handlers' states (routes.c), terminated by an entry with xHandler
** NULL. Read-only. */
extern const struct route_state aRouteState[];

/* The index in aRouteState of route iRoute's handler, or -1. */
int route_state_find(int iRoute);

/*
** Number of entries in aRoute (without the terminator): metrics keep one
** counter set per route index, plus one for "other" (no route matched).
*/
int route_count(void);

/*
** Find the route for path. Returns its index in aRoute, or -1 if none
** matches. Pure; thread safe.
*/
int route_find(const char *path);

/*
** Record an error message in ctx->zErr (printf-style, cut at 255 bytes) and
** return status, so a handler can write `return route_error(ctx, 400, ...)`.
*/
int route_error(struct request_ctx *ctx, int status, const char *zFmt, ...)
  __attribute__((format(printf, 3, 4)));

/*
** The one mapping of an internal error to a reply; returns the status
** after route_error(). rc is an SQLite code, zWhat names the work
** ("query"), zDetail the connection's message or NULL (logged):
**   SQLITE_INTERRUPT (past the time limit)    503 "<what> took too long"
**   SQLITE_NOMEM, SQLITE_BUSY, SQLITE_LOCKED  503 "server busy, try again"
**   anything else (a broken index)            500 "<what> failed: <rc>"
*/
int route_fail(struct request_ctx *ctx, int rc, const char *zWhat,
               const char *zDetail);

#endif /* SEARCHD_ROUTE_H */
