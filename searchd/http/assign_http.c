/*
** assign_http.c: GET /assignments and /assignments/{id} (assign_http.h).
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "engine/assign.h"
#include "engine/search.h"
#include "http/assign_http.h"
#include "http/assign_json.h"
#include "http/conf.h"
#include "http/dbenv.h"
#include "http/pool.h"
#include "http/route.h"

#define ASSIGN_MAX_LIMIT 100

struct assign_http {
  struct search_engine *engine;   /* the connection's (dbenv.h) */
};

int assign_http_open(const struct conf *conf, const struct dbenv *pEnv,
                     void **ppState){
  struct assign_http *p = calloc(1, sizeof(*p));
  (void)conf;
  *ppState = p;
  if( p==0 ) return SQLITE_NOMEM;
  p->engine = pEnv->engine;
  return SQLITE_OK;
}

void assign_http_close(void *pState){
  free(pState);
}

/* from, to (dates), status, open (true|false) and series into a. */
static int assign_params_when(struct request_ctx *ctx, struct assign_args *a){
  const struct params *pp = ctx->params;
  const char *zFrom = params_get(pp, "from"), *zTo = params_get(pp, "to");
  const char *zErr;
  if( zFrom && zFrom[0] && !params_is_date(zFrom) ){
    return route_error(ctx, 400, "from must be a date YYYY-MM-DD");
  }
  if( zTo && zTo[0] && !params_is_date(zTo) ){
    return route_error(ctx, 400, "to must be a date YYYY-MM-DD");
  }
  a->zFrom = (zFrom && zFrom[0]) ? zFrom : 0;
  a->zTo = (zTo && zTo[0]) ? zTo : 0;
  zErr = params_get_assign(pp, &a->mStatus, &a->eOpen, &a->zSeries);
  if( zErr ) return route_error(ctx, 400, "%s", zErr);
  return 200;
}

/* Every parameter but q into a. */
static int assign_params(struct request_ctx *ctx, struct assign_args *a){
  const struct params *pp = ctx->params;
  memset(a, 0, sizeof(*a));
  if( params_get_int(pp, "limit", 10, 0, ASSIGN_MAX_LIMIT, &a->nLimit) ){
    return route_error(ctx, 400, "limit must be an integer from 0 to %d",
                       ASSIGN_MAX_LIMIT);
  }
  if( params_get_int(pp, "offset", 0, 0, ctx->conf->nMaxOffset,
                     &a->nOffset) ){
    return route_error(ctx, 400, "offset must be an integer from 0 to %ld",
                       ctx->conf->nMaxOffset);
  }
  return assign_params_when(ctx, a);
}

/*
** The work of one request, on a pool thread or inline: the parsed q, the
** statements and the JSON. The strings in a and zQ/zId live in the
** request's params, untouched until the reply. The worker reads rc and
** the messages after it, and turns them into a status (assign_reply()).
*/
struct assign_job {
  struct pool_job base;           /* first: the job is the assign_job */
  struct request_ctx *ctx;
  int bGet;                       /* one assignment, else the list */
  struct assign_args a;
  const char *zQ, *zId;
  long nQueryMs;
  struct timespec t0;
  struct evbuffer *out;           /* the body when rc is SQLITE_OK */
  int rc;                         /* SQLITE_TOOBIG: q past a cost limit */
  char *zMsg;                     /* q's limit, or the connection's error */
};

static void assign_job_free(struct assign_job *j){
  if( j->out ) evbuffer_free(j->out);
  sqlite3_free(j->zMsg);
  free(j);
}

/* The list of j->a (q parsed into its FTS5 expression, or none). A q
** with no searchable term matches nothing: total 0. */
static int assign_job_list(struct assign_job *j, struct search_engine *e,
                           sqlite3 *db){
  struct query *q = 0;
  struct assign_list list;
  int rc = SQLITE_OK;
  memset(&list, 0, sizeof(list));
  if( j->zQ && j->zQ[0] ){
    rc = search_parse(e, j->zQ, &q, &j->zMsg);
    if( rc==SQLITE_OK ) j->a.zMatch = query_match(q);
  }
  if( rc==SQLITE_OK && (j->zQ==0 || j->zQ[0]==0 || j->a.zMatch) ){
    const struct attrs *attrs = 0;
    int rc2;
    rc = search_engine_begin(e, &attrs);
    if( rc==SQLITE_OK ) rc = assign_list_run(db, attrs, &j->a, &list);
    rc2 = search_engine_end(e);
    if( rc==SQLITE_OK ) rc = rc2;
  }
  if( rc==SQLITE_OK && assign_json_list(j->out, &list) ) rc = SQLITE_NOMEM;
  assign_list_clear(&list);
  query_free(q);
  return rc;
}

/* One assignment's history. */
static int assign_job_get(struct assign_job *j, struct search_engine *e,
                          sqlite3 *db){
  struct assign_detail d;
  int rc;
  search_engine_limit(e, 1);
  rc = assign_get(db, j->zId, &d);
  search_engine_limit(e, 0);
  if( rc==SQLITE_OK && assign_json_detail(j->out, &d) ) rc = SQLITE_NOMEM;
  assign_detail_clear(&d);
  return rc;
}

/* The job's work on connection db with its engine e. */
static void assign_job_work(struct assign_job *j, struct search_engine *e,
                            sqlite3 *db){
  j->rc = j->bGet ? assign_job_get(j, e, db) : assign_job_list(j, e, db);
  if( j->rc!=SQLITE_OK && j->rc!=SQLITE_TOOBIG && j->rc!=SQLITE_NOTFOUND
   && j->zMsg==0 ){
    j->zMsg = sqlite3_mprintf("%s", sqlite3_errmsg(db));
  }
}

/* The status of a job's outcome, its body moved into ctx->out. */
static int assign_reply(struct request_ctx *ctx, struct assign_job *j){
  const char *zWhat = j->bGet ? "assignment" : "assignments";
  switch( j->rc ){
    case SQLITE_OK:
      if( evbuffer_add_buffer(ctx->out, j->out) ){
        return route_fail(ctx, SQLITE_NOMEM, zWhat, 0);
      }
      return 200;
    case SQLITE_NOTFOUND:
      return route_error(ctx, 404, "no such assignment");
    case SQLITE_TOOBIG:
      return route_error(ctx, 400, "%s", j->zMsg ? j->zMsg : "query too long");
  }
  /* A statement that failed on its own input: the query's fault. */
  if( !j->bGet && (j->rc & 0xff)==SQLITE_ERROR ){
    return route_error(ctx, 400, "cannot search for this query");
  }
  return route_fail(ctx, j->rc, zWhat, j->zMsg);
}

/*
** pool_job.xRun: on a pool thread, with its connection. A request that
** waited in the queue longer than a search may run is not started, as a
** search is not (search_http.c).
*/
static void assign_job_run(struct pool_job *pJob, struct dbenv *pEnv){
  struct assign_job *j = (struct assign_job*)pJob;
  if( j->nQueryMs>0 && pool_ms_since(&j->t0)>(double)j->nQueryMs ){
    j->rc = SQLITE_BUSY;
    return;
  }
  assign_job_work(j, pEnv->engine, pEnv->db);
}

/* pool_job.xDone: back on the worker's loop: the reply. */
static void assign_job_done(struct pool_job *pJob){
  struct assign_job *j = (struct assign_job*)pJob;
  struct request_ctx *ctx = j->ctx;
  unsigned iGen = 0;
  int status;
  ctx->xResume(ctx, &iGen);
  if( pJob->bCancelled ){
    status = route_error(ctx, 503, "server shutting down, try again");
  }else{
    status = assign_reply(ctx, j);
  }
  ctx->xFinish(ctx, status);
  assign_job_free(j);
}

/*
** Run j: on the pool when there is one (a list over a broad q reads many
** rows, and the worker's loop serves every other connection meanwhile),
** else here. Owns j either way.
*/
static int assign_start(struct request_ctx *ctx, struct assign_http *p,
                        struct assign_job *j){
  int status;
  j->ctx = ctx;
  j->nQueryMs = ctx->conf->nQueryMs;
  if( clock_gettime(CLOCK_MONOTONIC, &j->t0)!=0 ){
    memset(&j->t0, 0, sizeof(j->t0));
  }
  j->base.xRun = assign_job_run;
  j->base.xDone = assign_job_done;
  j->base.pInbox = ctx->inbox;
  j->base.iClient = pool_client_of(ctx->req);
  if( ctx->pool && pool_submit(ctx->pool, &j->base)==0 ){
    return ROUTE_DEFERRED;
  }
  assign_job_work(j, p->engine, ctx->db);
  status = assign_reply(ctx, j);
  assign_job_free(j);
  return status;
}

/* A new job, or NULL when out of memory. */
static struct assign_job *assign_job_new(void){
  struct assign_job *j = calloc(1, sizeof(*j));
  if( j ) j->out = evbuffer_new();
  if( j && j->out==0 ){
    free(j);
    j = 0;
  }
  return j;
}

int assign_http_list(struct request_ctx *ctx){
  struct assign_http *p = (struct assign_http*)ctx->pState;
  struct assign_job *j = p ? assign_job_new() : 0;
  int status;
  if( j==0 ) return route_fail(ctx, SQLITE_NOMEM, "assignments", 0);
  status = assign_params(ctx, &j->a);
  if( status!=200 ){
    assign_job_free(j);
    return status;
  }
  j->zQ = params_get(ctx->params, "q");
  return assign_start(ctx, p, j);
}

/* GET /assignments/ID: the id is the rest of the (decoded) path. */
int assign_http_get(struct request_ctx *ctx){
  struct assign_http *p = (struct assign_http*)ctx->pState;
  const char *zId = ctx->path + strlen(ASSIGN_HTTP_PREFIX);
  struct assign_job *j;
  if( zId[0]==0 ) return route_error(ctx, 404, "no such assignment");
  j = p ? assign_job_new() : 0;
  if( j==0 ) return route_fail(ctx, SQLITE_NOMEM, "assignment", 0);
  j->bGet = 1;
  j->zId = zId;
  return assign_start(ctx, p, j);
}
