/*
** search_http.c: GET /search (search_http.h).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "engine/search.h"
#include "http/cache.h"
#include "http/conf.h"
#include "http/dbenv.h"
#include "http/json.h"
#include "log.h"
#include "http/pool.h"
#include "http/route.h"
#include "http/search_http.h"
#include "http/search_json.h"

#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_SOURCE 256

/* The handler's state on one worker connection. */
struct search_http {
  struct search_engine *engine;   /* the connection's (dbenv.h) */
  struct cache *cache;            /* NULL: --cache-size 0 */
  sqlite3_stmt *pVersion;         /* PRAGMA data_version */
  unsigned nCleared;              /* times the cache was emptied */
  sqlite3_int64 iCacheVersion;    /* data_version the cache holds */
  long long iCheckedMs;           /* when search_recheck() last asked */
};

/* The parameters of one /search request, validated. */
struct search_req {
  const char *zQ;
  struct search_args args;
};

int search_http_open(const struct conf *conf, const struct dbenv *pEnv,
                     void **ppState){
  struct search_http *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  *ppState = 0;
  if( p ){
    p->engine = pEnv->engine;
    p->iCacheVersion = -1;
    rc = sqlite3_prepare_v3(pEnv->db, "PRAGMA data_version", -1,
                            SQLITE_PREPARE_PERSISTENT, &p->pVersion, 0);
  }
  if( rc==SQLITE_OK && cache_new(conf->nCache, &p->cache)!=0 ){
    rc = SQLITE_NOMEM;
  }
  if( rc!=SQLITE_OK ){
    search_http_close(p);
    return rc;
  }
  *ppState = p;
  return SQLITE_OK;
}

void search_http_close(void *pState){
  struct search_http *p = (struct search_http*)pState;
  if( p==0 ) return;
  sqlite3_finalize(p->pVersion);
  cache_free(p->cache);
  free(p);
}

/*
** Empty the result cache. A search that went to the pool while the cache
** held older results must not put its own in (search_job_done): its
** snapshot may be older than what emptied the cache.
*/
static void search_cache_clear(struct search_http *p){
  cache_clear(p->cache);
  p->nCleared++;
}

/*
** The index of value z in azName[0..n), or, for NULL or "", iDefault; -1
** for anything else.
*/
static int search_enum(const char *z, const char *const *azName, int n,
                       int iDefault){
  int i;
  if( z==0 || z[0]==0 ) return iDefault;
  for(i=0; i<n; i++){
    if( strcmp(z, azName[i])==0 ) return i;
  }
  return -1;
}

/* The parameters of the assignments: collapse, sort, status, open,
** series. */
static int search_params_assign(struct request_ctx *ctx,
                                struct search_args *a){
  static const char *const azCollapse[] = {"assignment", "none"};
  static const char *const azSort[] = {"relevance", "newest", "oldest"};
  const struct params *pp = ctx->params;
  const char *zErr;
  int eOpen;
  a->eCollapse = search_enum(params_get(pp, "collapse"), azCollapse, 2,
                             SEARCH_COLLAPSE_ASSIGNMENT);
  if( a->eCollapse<0 ){
    return route_error(ctx, 400, "collapse must be assignment or none");
  }
  a->eSort = search_enum(params_get(pp, "sort"), azSort, 3,
                         SEARCH_SORT_RELEVANCE);
  if( a->eSort<0 ){
    return route_error(ctx, 400, "sort must be relevance, newest or oldest");
  }
  zErr = params_get_assign(pp, &a->mStatus, &eOpen, &a->zSeries);
  if( zErr ) return route_error(ctx, 400, "%s", zErr);
  a->eOpen = eOpen<0 ? SEARCH_OPEN_ANY
           : eOpen ? SEARCH_OPEN_YES : SEARCH_OPEN_NO;
  return 200;
}

/* Validate the parameters of a /search request into *pReq. */
static int search_params(struct request_ctx *ctx, struct search_req *pReq){
  const struct params *pp = ctx->params;
  const char *azDate[2] = {"from", "to"};
  struct search_args *a = &pReq->args;
  int i;
  memset(pReq, 0, sizeof(*pReq));
  pReq->zQ = params_get(pp, "q");
  if( pReq->zQ==0 || pReq->zQ[0]==0 ){
    return route_error(ctx, 400, "missing parameter q");
  }
  if( params_get_int(pp, "limit", 10, 0, SEARCH_MAX_LIMIT, &a->nLimit) ){
    return route_error(ctx, 400, "limit must be an integer from 0 to %d",
                       SEARCH_MAX_LIMIT);
  }
  if( params_get_int(pp, "offset", 0, 0, ctx->conf->nMaxOffset,
                     &a->nOffset) ){
    return route_error(ctx, 400, "offset must be an integer from 0 to %ld",
                       ctx->conf->nMaxOffset);
  }
  for(i=0; i<2; i++){
    const char *z = params_get(pp, azDate[i]);
    if( z && z[0] && !params_is_date(z) ){
      return route_error(ctx, 400, "%s must be a date YYYY-MM-DD", azDate[i]);
    }
    if( i==0 ) a->zFrom = (z && z[0]) ? z : 0;
    else a->zTo = (z && z[0]) ? z : 0;
  }
  a->zSource = params_get(pp, "source");
  if( a->zSource && a->zSource[0]==0 ) a->zSource = 0;
  if( a->zSource && strlen(a->zSource)>SEARCH_MAX_SOURCE ){
    return route_error(ctx, 400, "source is longer than %d bytes",
                       SEARCH_MAX_SOURCE);
  }
  return search_params_assign(ctx, a);
}

/*
** The cache key of a request: q with every run of the query language's
** white space made one space (and none at the ends), then the other
** parameters. Case is kept: OR is an operator and or is not, and the
** response echoes the typed word in "corrected". sqlite3_free() it;
** NULL when out of memory.
*/
static char *search_key(const struct search_req *pReq){
  static const char zSpace[] = " \t\n\r\f\v";
  const struct search_args *a = &pReq->args;
  size_t n = strlen(pReq->zQ), i, j = 0;
  char *zQ = malloc(n + 1), *zKey;
  if( zQ==0 ) return 0;
  for(i=0; i<n; i++){
    if( strchr(zSpace, pReq->zQ[i])==0 ){
      zQ[j++] = pReq->zQ[i];
    }else if( j>0 && zQ[j-1]!=' ' ){
      zQ[j++] = ' ';
    }
  }
  if( j>0 && zQ[j-1]==' ' ) j--;
  zQ[j] = 0;
  /* Every field carries its length and every optional one its presence,
  ** so no value, whatever bytes it holds, can spell another request's key
  ** (source="" and no source differ, a separator byte in q is just text). */
  zKey = sqlite3_mprintf("%d:%s|%ld|%ld|%s%s|%s%s|%s%d:%s|%d|%d|%u|%d|%s%d:%s",
                         (int)j, zQ, a->nLimit, a->nOffset,
                         a->zFrom ? "+" : "-", a->zFrom ? a->zFrom : "",
                         a->zTo ? "+" : "-", a->zTo ? a->zTo : "",
                         a->zSource ? "+" : "-",
                         a->zSource ? (int)strlen(a->zSource) : 0,
                         a->zSource ? a->zSource : "",
                         a->eCollapse, a->eSort, a->mStatus, a->eOpen,
                         a->zSeries ? "+" : "-",
                         a->zSeries ? (int)strlen(a->zSeries) : 0,
                         a->zSeries ? a->zSeries : "");
  free(zQ);
  return zKey;
}

/*
** Before a cache lookup: now and then (db_recheck_due()), ask whether the
** index changed and empty the cache if so.
*/
static int search_recheck(struct search_http *p){
  sqlite3_stmt *pStmt = p->pVersion;
  sqlite3_int64 v = -1;
  int rc;
  if( !db_recheck_due(&p->iCheckedMs) ) return SQLITE_OK;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK && v!=p->iCacheVersion ){
    search_cache_clear(p);
    p->iCacheVersion = v;
  }
  return rc;
}

/*
** Parse, search and render into tail, on engine's connection. On an
** error, *pzErr (sqlite3_free it) is the connection's message; *piVersion
** the data_version searched at.
*/
static int search_fresh(struct search_engine *engine,
                        const struct search_req *pReq, struct evbuffer *tail,
                        sqlite3_int64 *piVersion, char **pzErr){
  struct query *q = 0;
  struct search_result res;
  char *zParseErr = 0;
  int rc = search_parse(engine, pReq->zQ, &q, &zParseErr);
  memset(&res, 0, sizeof(res));
  if( rc==SQLITE_OK ) rc = search_run(engine, q, &pReq->args, &res);
  if( rc==SQLITE_OK && search_json(tail, &res) ) rc = SQLITE_NOMEM;
  *piVersion = res.iDataVersion;
  *pzErr = zParseErr ? zParseErr : res.zErr;
  res.zErr = 0;                     /* NULL after a parse failure */
  search_result_clear(&res);
  query_free(q);
  return rc;
}

static void search_cache_put(struct search_http *p, const char *zKey,
                             struct evbuffer *tail){
  size_t n = evbuffer_get_length(tail);
  const char *z;
  if( p->cache==0 ) return;
  z = (const char*)evbuffer_pullup(tail, -1);
  if( z ) cache_put(p->cache, zKey, z, n);
}

/* The reply of a failed search: its query's fault (400: past a cost limit,
** which zDbErr names, or MATCH text SQLite refused) or route_fail(). */
static int search_fail(struct request_ctx *ctx, int rc, const char *zDbErr){
  if( rc==SQLITE_TOOBIG ){
    return route_error(ctx, 400, "%s", zDbErr ? zDbErr : "query too costly");
  }
  if( (rc & 0xff)==SQLITE_ERROR ){
    /* Only MATCH text varies between requests: blame the query. */
    log_msg(LOG_WARN, "search failed: %s (%s)", sqlite3_errstr(rc),
            zDbErr ? zDbErr : "?");
    return route_error(ctx, 400, "cannot search for this query");
  }
  return route_fail(ctx, rc, "query", zDbErr);
}

/*
** The whole response: the query, took_ms, then the tail ("total" ...
** "facets"), or the error of rc (zDbErr: the failing connection's message).
*/
static int search_respond(struct request_ctx *ctx, const char *zQ,
                          const struct timespec *t0, int rc,
                          const char *zDbErr, struct evbuffer *tail){
  int e = 0;
  if( rc!=SQLITE_OK ) return search_fail(ctx, rc, zDbErr);
  e |= json_raw(ctx->out, "{\"query\":");
  e |= json_str(ctx->out, zQ, strlen(zQ));
  e |= json_raw(ctx->out, ",\"took_ms\":");
  e |= json_double(ctx->out, pool_ms_since(t0));
  e |= json_raw(ctx->out, ",");
  e |= evbuffer_add_buffer(ctx->out, tail);
  return e ? route_fail(ctx, SQLITE_NOMEM, "query", 0) : 200;
}

/*
** A search handed to the pool (pool.h). The pool thread reads req (whose
** strings live in ctx->params, untouched until xFinish) and nQueryMs, and
** writes tail, rc and zDbErr; everything else is the worker's.
*/
struct search_job {
  struct pool_job base;           /* first: the job is the search_job */
  struct request_ctx *ctx;
  struct search_req req;
  long nQueryMs;
  struct timespec t0;
  char *zKey;                     /* the cache key */
  unsigned nCleared;              /* the worker's cache clears at submit */
  unsigned iGen;                  /* reload generation of the pool's file */
  struct evbuffer *tail;
  int rc;
  char *zDbErr;                   /* the pool connection's message */
};

static void search_job_free(struct search_job *j){
  if( j->tail ) evbuffer_free(j->tail);
  sqlite3_free(j->zKey);
  sqlite3_free(j->zDbErr);
  free(j);
}

/*
** pool_job.xRun: on a pool thread, with its connection. A search that
** waited in the queue longer than a search may run is not started: its
** client has most likely given up (an overloaded server would otherwise
** work through abandoned searches first).
*/
static void search_job_run(struct pool_job *pJob, struct dbenv *pEnv){
  struct search_job *j = (struct search_job*)pJob;
  sqlite3_int64 iVersion = 0;
  j->iGen = pEnv->iGen;
  if( j->nQueryMs>0 && pool_ms_since(&j->t0)>(double)j->nQueryMs ){
    j->rc = SQLITE_BUSY;
    return;
  }
  j->rc = search_fresh(pEnv->engine, &j->req, j->tail, &iVersion,
                       &j->zDbErr);
}

/* pool_job.xDone: back on the worker's loop: cache, reply. */
static void search_job_done(struct pool_job *pJob){
  struct search_job *j = (struct search_job*)pJob;
  struct request_ctx *ctx = j->ctx;
  unsigned iGen = 0;
  int bReopened = ctx->xResume(ctx, &iGen);
  struct search_http *p = (struct search_http*)ctx->pState;
  int status;
  if( pJob->bCancelled ){
    status = route_error(ctx, 503, "server shutting down, try again");
  }else{
    /* Cache only what comes from the file the worker has open, and only
    ** if nothing emptied its cache meanwhile. */
    if( j->rc==SQLITE_OK && !bReopened && iGen==j->iGen && p
     && p->nCleared==j->nCleared ){
      search_cache_put(p, j->zKey, j->tail);
    }
    status = search_respond(ctx, j->req.zQ, &j->t0, j->rc, j->zDbErr,
                            j->tail);
  }
  ctx->xFinish(ctx, status);
  search_job_free(j);
}

/*
** Hand the search to the pool. Returns ROUTE_DEFERRED, or 0 if it cannot
** (out of memory, the pool stopping): then run it here.
*/
static int search_defer(struct request_ctx *ctx, struct search_http *p,
                        const struct search_req *pReq,
                        const struct timespec *t0, char **pzKey){
  struct search_job *j = calloc(1, sizeof(*j));
  if( j ) j->tail = evbuffer_new();
  if( j==0 || j->tail==0 ){
    if( j ) search_job_free(j);
    return 0;
  }
  j->base.xRun = search_job_run;
  j->base.xDone = search_job_done;
  j->base.pInbox = ctx->inbox;
  j->base.iClient = pool_client_of(ctx->req);
  j->ctx = ctx;
  j->req = *pReq;
  j->nQueryMs = ctx->conf->nQueryMs;
  j->t0 = *t0;
  j->nCleared = p->nCleared;
  j->zKey = *pzKey;
  if( pool_submit(ctx->pool, &j->base)!=0 ){
    j->zKey = 0;
    search_job_free(j);
    return 0;
  }
  *pzKey = 0;                       /* the job's now */
  return ROUTE_DEFERRED;
}

/* A search on the worker's own connection, into tail and the cache. */
static int search_inline(struct search_http *p, const struct search_req *pReq,
                         const char *zKey, struct evbuffer *tail,
                         char **pzDbErr){
  sqlite3_int64 iVersion = -1;
  int rc = search_fresh(p->engine, pReq, tail, &iVersion, pzDbErr);
  if( rc!=SQLITE_OK ) return rc;
  if( iVersion!=p->iCacheVersion ){
    /* The search saw a change the cache has not: what it holds is old. */
    search_cache_clear(p);
    p->iCacheVersion = iVersion;
  }
  search_cache_put(p, zKey, tail);
  return rc;
}

/*
** GET /search. The cache is looked up under the request as typed, before
** the query is parsed: parsing runs the expansion hooks (synonyms,
** spelling corrections with their vocabulary lookups), which cost more
** than the rest of a hit. A miss goes to the pool when there is one.
*/
int search_http_handle(struct request_ctx *ctx){
  struct search_http *p = (struct search_http*)ctx->pState;
  struct search_req req;
  struct evbuffer *tail = evbuffer_new();
  struct timespec t0;
  char *zKey = 0, *zDbErr = 0;
  const char *zHit = 0;
  size_t nHit = 0;
  int status, rc = SQLITE_OK;
  if( clock_gettime(CLOCK_MONOTONIC, &t0)!=0 ) memset(&t0, 0, sizeof(t0));
  if( p==0 || tail==0 ){
    status = route_fail(ctx, SQLITE_NOMEM, "query", 0);
    goto out;
  }
  status = search_params(ctx, &req);
  if( status!=200 ) goto out;
  zKey = search_key(&req);
  if( zKey==0 ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK && p->cache ){
    rc = search_recheck(p);
    if( rc==SQLITE_OK ) zHit = cache_get(p->cache, zKey, &nHit);
  }
  if( zHit ){
    rc = evbuffer_add(tail, zHit, nHit) ? SQLITE_NOMEM : SQLITE_OK;
  }else if( rc==SQLITE_OK && ctx->pool
         && (status = search_defer(ctx, p, &req, &t0, &zKey))
            ==ROUTE_DEFERRED ){
    goto out;
  }else if( rc==SQLITE_OK ){
    rc = search_inline(p, &req, zKey, tail, &zDbErr);
  }
  status = search_respond(ctx, req.zQ, &t0, rc,
                          zDbErr ? zDbErr : sqlite3_errmsg(ctx->db), tail);
out:
  sqlite3_free(zDbErr);
  sqlite3_free(zKey);
  if( tail ) evbuffer_free(tail);
  return status;
}
