/*
** assign_http.c: GET /assignments and /assignments/{id} (assign_http.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/assign.h"
#include "engine/search.h"
#include "http/assign_http.h"
#include "http/assign_json.h"
#include "http/conf.h"
#include "http/dbenv.h"
#include "http/route.h"

#define ASSIGN_MAX_LIMIT 100
#define ASSIGN_MAX_SERIES 1024

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

/* from, to (dates), open (true|false) and series into a. */
static int assign_params_when(struct request_ctx *ctx, struct assign_args *a){
  const struct params *pp = ctx->params;
  const char *zFrom = params_get(pp, "from"), *zTo = params_get(pp, "to");
  const char *zOpen = params_get(pp, "open");
  if( zFrom && zFrom[0] && !params_is_date(zFrom) ){
    return route_error(ctx, 400, "from must be a date YYYY-MM-DD");
  }
  if( zTo && zTo[0] && !params_is_date(zTo) ){
    return route_error(ctx, 400, "to must be a date YYYY-MM-DD");
  }
  a->zFrom = (zFrom && zFrom[0]) ? zFrom : 0;
  a->zTo = (zTo && zTo[0]) ? zTo : 0;
  a->eOpen = -1;
  if( zOpen && strcmp(zOpen, "true")==0 ) a->eOpen = 1;
  else if( zOpen && strcmp(zOpen, "false")==0 ) a->eOpen = 0;
  else if( zOpen && zOpen[0] ){
    return route_error(ctx, 400, "open must be true or false");
  }
  a->zSeries = params_get(pp, "series");
  if( a->zSeries && a->zSeries[0]==0 ) a->zSeries = 0;
  if( a->zSeries && strlen(a->zSeries)>ASSIGN_MAX_SERIES ){
    return route_error(ctx, 400, "series is longer than %d bytes",
                       ASSIGN_MAX_SERIES);
  }
  return 200;
}

/* Every parameter but q into a. */
static int assign_params(struct request_ctx *ctx, struct assign_args *a){
  const struct params *pp = ctx->params;
  const char *zStatus = params_get(pp, "status");
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
  if( zStatus && sclass_parse_list(zStatus, &a->mStatus) ){
    return route_error(ctx, 400, "status must be a comma-separated list of"
                       " not_started, ongoing, partly_done, done, dropped,"
                       " unknown");
  }
  return assign_params_when(ctx, a);
}

/* The reply of a failed statement: the query's fault or route_fail(). */
static int assign_fail(struct request_ctx *ctx, int rc){
  if( (rc & 0xff)==SQLITE_ERROR ){
    return route_error(ctx, 400, "cannot search for this query");
  }
  return route_fail(ctx, rc, "assignments", sqlite3_errmsg(ctx->db));
}

/*
** The list of a (q parsed into its FTS5 expression, or none). A q with
** no searchable term matches nothing: total 0.
*/
static int assign_list_reply(struct request_ctx *ctx, struct assign_http *p,
                             struct assign_args *a){
  const char *zQ = params_get(ctx->params, "q");
  struct query *q = 0;
  struct assign_list list;
  char *zErr = 0;
  int rc = SQLITE_OK, status;
  memset(&list, 0, sizeof(list));
  if( zQ && zQ[0] ){
    rc = search_parse(p->engine, zQ, &q, &zErr);
    if( rc==SQLITE_TOOBIG ){
      status = route_error(ctx, 400, "%s", zErr);
      goto out;
    }
    if( rc==SQLITE_OK ) a->zMatch = query_match(q);
  }
  if( rc==SQLITE_OK && (zQ==0 || zQ[0]==0 || a->zMatch) ){
    search_engine_limit(p->engine, 1);
    rc = assign_list_run(ctx->db, a, &list);
    search_engine_limit(p->engine, 0);
  }
  if( rc!=SQLITE_OK ) status = assign_fail(ctx, rc);
  else if( assign_json_list(ctx->out, &list) ){
    status = route_fail(ctx, SQLITE_NOMEM, "assignments", 0);
  }else status = 200;
out:
  assign_list_clear(&list);
  sqlite3_free(zErr);
  query_free(q);
  return status;
}

int assign_http_list(struct request_ctx *ctx){
  struct assign_http *p = (struct assign_http*)ctx->pState;
  struct assign_args a;
  int status;
  if( p==0 ) return route_fail(ctx, SQLITE_NOMEM, "assignments", 0);
  status = assign_params(ctx, &a);
  if( status!=200 ) return status;
  return assign_list_reply(ctx, p, &a);
}

/* GET /assignments/ID: the id is the rest of the (decoded) path. */
int assign_http_get(struct request_ctx *ctx){
  struct assign_http *p = (struct assign_http*)ctx->pState;
  const char *zId = ctx->path + strlen(ASSIGN_HTTP_PREFIX);
  struct assign_detail d;
  int rc, status = 200;
  if( p==0 ) return route_fail(ctx, SQLITE_NOMEM, "assignment", 0);
  if( zId[0]==0 ) return route_error(ctx, 404, "no such assignment");
  search_engine_limit(p->engine, 1);
  rc = assign_get(ctx->db, zId, &d);
  search_engine_limit(p->engine, 0);
  if( rc==SQLITE_NOTFOUND ){
    status = route_error(ctx, 404, "no such assignment");
  }else if( rc!=SQLITE_OK ){
    status = route_fail(ctx, rc, "assignment", sqlite3_errmsg(ctx->db));
  }else if( assign_json_detail(ctx->out, &d) ){
    status = route_fail(ctx, SQLITE_NOMEM, "assignment", 0);
  }
  assign_detail_clear(&d);
  return status;
}
