/*
** metrics.h: request counters and a latency histogram, per worker, and
** their Prometheus text rendering (GET /metrics).
**
** Each worker counts into its own struct metrics (no lock on the request
** path); the counters are C11 atomics with relaxed order so that the
** worker answering /metrics can read the others' while they count.
*/
#ifndef SEARCHD_METRICS_H
#define SEARCHD_METRICS_H

#include <event2/buffer.h>

#include "http/route.h"

struct metrics;

/* All workers' metrics, for rendering. */
struct metrics_set {
  int n;
  struct metrics **ap;
};

/*
** Create one worker's counters for nRoute routes (plus one slot for
** requests that matched none). Returns 0 and sets *ppOut, or -1 (out of
** memory) with *ppOut NULL.
*/
int metrics_new(int nRoute, struct metrics **ppOut);

/* Free. Accepts NULL. */
void metrics_free(struct metrics *p);

/*
** Count one request: route index iRoute (-1: none matched), HTTP status,
** duration in milliseconds. Called by the owning worker only.
*/
void metrics_count(struct metrics *p, int iRoute, int status, double ms);

/*
** The /metrics handler (route.h): sums ctx->metrics and adds the index
** size (the database file and its WAL).
*/
int metrics_handle(struct request_ctx *ctx);

#endif /* SEARCHD_METRICS_H */
