/*
** http.h: the evhttp glue of a worker: limits, dispatch through the route
** table (route.h), exactly one reply per request, CORS headers, the access
** log line and the metrics count.
*/
#ifndef SEARCHD_HTTP_H
#define SEARCHD_HTTP_H

#include <event2/http.h>
#include <sqlite3.h>

#include "http/conf.h"
#include "http/conns.h"
#include "http/dbenv.h"
#include "box/ext.h"
#include "http/metrics.h"
#include "http/pool.h"
#include "engine/search.h"

/*
** What a worker lends the dispatcher. The worker may replace dbe in
** xPrepare (called before each request, e.g. to reopen the database after
** SIGHUP); the dispatcher reads it after that call. pool NULL: handlers
** run everything inline.
*/
struct http_env {
  const struct conf *conf;
  struct dbenv dbe;                   /* the worker's connection */
  struct metrics *metrics;            /* this worker's counters */
  const struct metrics_set *all;      /* every worker's, for /metrics */
  struct pool *pool;                  /* where searches may go, or NULL */
  struct pool_inbox *inbox;           /* their way back to this worker */
  struct conns *conns;                /* the worker's connections, or NULL */
  void (*xPrepare)(struct http_env *env);
};

/*
** Apply the limits of env->conf to http (header and body sizes, timeout,
** every method allowed so that unknown routes get 404 and wrong methods
** 405 from us rather than 501 from libevent) and route every request
** through the route table. env must outlive http. Returns 0.
*/
int http_setup(struct evhttp *http, struct http_env *env);

/*
** Reason phrase for an HTTP status ("Not Found"); "Unknown" for others.
*/
const char *http_reason(int status);

#endif /* SEARCHD_HTTP_H */
