/*
** metrics.c: counters and Prometheus text; see metrics.h.
*/
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/attrs_share.h"
#include "http/conf.h"
#include "http/json.h"
#include "http/metrics.h"

/* Statuses counted apart; any other is counted in its class ("2xx"). */
static const int aStatus[] = {200, 204, 304, 400, 404, 405, 413, 414, 500,
                              503};
#define N_LISTED ((int)(sizeof(aStatus)/sizeof(aStatus[0])))
#define N_STATUS (N_LISTED + 5)       /* then 1xx .. 5xx */

/* Histogram bucket upper bounds, seconds. */
static const double aBucket[] = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.025,
                                 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
#define N_BUCKET ((int)(sizeof(aBucket)/sizeof(aBucket[0])))

struct metrics {
  int nRoute;
  atomic_ulong *aCount;                 /* [(nRoute+1) * N_STATUS] */
  atomic_ulong aHist[N_BUCKET + 1];     /* last: +Inf */
  atomic_ulong nUsSum;                  /* total microseconds */
};

int metrics_new(int nRoute, struct metrics **ppOut){
  struct metrics *p = calloc(1, sizeof(*p));
  if( p ){
    p->nRoute = nRoute;
    p->aCount = calloc((size_t)(nRoute+1) * N_STATUS, sizeof(*p->aCount));
    if( p->aCount==0 ){ free(p); p = 0; }
  }
  *ppOut = p;
  return p ? 0 : -1;
}

void metrics_free(struct metrics *p){
  if( p ){
    free(p->aCount);
    free(p);
  }
}

void metrics_count(struct metrics *p, int iRoute, int status, double ms){
  int s, b;
  if( iRoute<0 || iRoute>p->nRoute ) iRoute = p->nRoute;
  for(s=0; s<N_LISTED && aStatus[s]!=status; s++){}
  if( s==N_LISTED ){
    int k = status/100 - 1;
    s += k<0 ? 0 : (k>4 ? 4 : k);
  }
  atomic_fetch_add_explicit(&p->aCount[iRoute*N_STATUS + s], 1,
                            memory_order_relaxed);
  for(b=0; b<N_BUCKET && ms/1000.0>aBucket[b]; b++){}
  atomic_fetch_add_explicit(&p->aHist[b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&p->nUsSum, (unsigned long)(ms*1000.0),
                            memory_order_relaxed);
}

static unsigned long metrics_load(atomic_ulong *p){
  return atomic_load_explicit(p, memory_order_relaxed);
}

/* The metrics name of route r (nRoute: requests no route took). */
static const char *metrics_name(int r, int nRoute){
  return r<nRoute ? aRoute[r].zName : "other";
}

/* Requests to every route named as route r, with status index s. */
static unsigned long metrics_sum(const struct metrics_set *m, int r, int s){
  int nRoute = m->ap[0]->nRoute, q, w;
  unsigned long n = 0;
  for(q=r; q<=nRoute; q++){
    if( strcmp(metrics_name(q, nRoute), metrics_name(r, nRoute))!=0 ) continue;
    for(w=0; w<m->n; w++) n += metrics_load(&m->ap[w]->aCount[q*N_STATUS+s]);
  }
  return n;
}

/*
** searchd_requests_total{endpoint,status}, summed over workers and over
** the routes that share a name (the page's three routes are "static"), so
** each series is printed once, as the Prometheus format requires.
*/
static int metrics_requests(const struct metrics_set *m, struct evbuffer *o){
  int r, q, s, e = 0, nRoute = m->n ? m->ap[0]->nRoute : 0;
  e |= json_raw(o, "# HELP searchd_requests_total Requests by endpoint "
                   "and status.\n# TYPE searchd_requests_total counter\n");
  for(r=0; m->n>0 && r<=nRoute; r++){
    const char *zName = metrics_name(r, nRoute);
    for(q=0; q<r && strcmp(metrics_name(q, nRoute), zName)!=0; q++){}
    if( q<r ) continue;                 /* counted with route q */
    for(s=0; s<N_STATUS; s++){
      unsigned long n = metrics_sum(m, r, s);
      char zStatus[16];
      if( n==0 ) continue;
      if( s<N_LISTED ) snprintf(zStatus, sizeof(zStatus), "%d", aStatus[s]);
      else snprintf(zStatus, sizeof(zStatus), "%dxx", s - N_LISTED + 1);
      e |= evbuffer_add_printf(o,
          "searchd_requests_total{endpoint=\"%s\",status=\"%s\"} %lu\n",
          zName, zStatus, n)<0;
    }
  }
  return e;
}

/* searchd_request_duration_seconds histogram, summed over workers. */
static int metrics_histogram(const struct metrics_set *m, struct evbuffer *o){
  unsigned long nCum = 0, nUs = 0;
  int b, w, e = 0;
  e |= json_raw(o, "# HELP searchd_request_duration_seconds Request "
                   "latency.\n# TYPE searchd_request_duration_seconds "
                   "histogram\n");
  for(b=0; b<=N_BUCKET; b++){
    for(w=0; w<m->n; w++) nCum += metrics_load(&m->ap[w]->aHist[b]);
    if( b<N_BUCKET ){
      e |= evbuffer_add_printf(o, "searchd_request_duration_seconds_bucket"
                               "{le=\"%g\"} %lu\n", aBucket[b], nCum)<0;
    }else{
      e |= evbuffer_add_printf(o, "searchd_request_duration_seconds_bucket"
                               "{le=\"+Inf\"} %lu\n", nCum)<0;
    }
  }
  for(w=0; w<m->n; w++) nUs += metrics_load(&m->ap[w]->nUsSum);
  e |= evbuffer_add_printf(o, "searchd_request_duration_seconds_sum %.6f\n"
                           "searchd_request_duration_seconds_count %lu\n",
                           nUs/1e6, nCum)<0;
  return e;
}

/* Bytes of path, or 0 if it cannot be stat'ed (e.g. no WAL file yet). */
static long long metrics_file_size(const char *zPath){
  struct stat st;
  return stat(zPath, &st)==0 ? (long long)st.st_size : 0;
}

int metrics_handle(struct request_ctx *ctx){
  char zWal[4096];
  long long nDb = metrics_file_size(ctx->conf->zDb);
  int e = 0;
  snprintf(zWal, sizeof(zWal), "%s-wal", ctx->conf->zDb);
  e |= metrics_requests(ctx->metrics, ctx->out);
  e |= metrics_histogram(ctx->metrics, ctx->out);
  e |= evbuffer_add_printf(ctx->out,
      "# HELP searchd_index_size_bytes Index database file plus its WAL.\n"
      "# TYPE searchd_index_size_bytes gauge\n"
      "searchd_index_size_bytes %lld\n"
      "# TYPE searchd_workers gauge\nsearchd_workers %d\n"
      "# HELP searchd_row_attribute_copies Copies of the row attributes"
      " held (one per index generation in use).\n"
      "# TYPE searchd_row_attribute_copies gauge\n"
      "searchd_row_attribute_copies %d\n",
      nDb + metrics_file_size(zWal), ctx->metrics->n,
      ctx->conf->pAttrs ? attrs_share_count(ctx->conf->pAttrs) : 0)<0;
  ctx->content_type = "text/plain; version=0.0.4; charset=utf-8";
  return e ? route_fail(ctx, SQLITE_NOMEM, "metrics", 0) : 200;
}
