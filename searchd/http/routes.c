/*
** routes.c: the one route table of searchd (see route.h for the handler
** interface). To add an endpoint, add one line; keep catch-all
** ROUTE_PREFIX routes last.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "box/suggest.h"
#include "http/assign_http.h"
#include "http/health.h"
#include "log.h"
#include "http/metrics.h"
#include "http/openapi.h"
#include "http/route.h"
#include "http/search_http.h"
#include "http/static.h"

/* HEAD wherever GET: http.c answers it with the GET reply's headers. */
#define GET_HEAD (EVHTTP_REQ_GET|EVHTTP_REQ_HEAD)

const struct route aRoute[] = {
  /* zPath      flags        methods          handler          metrics name */
  {"/search",  ROUTE_EXACT, GET_HEAD,        search_http_handle, "search"},
  {"/assignments", ROUTE_EXACT, GET_HEAD,     assign_http_list, "assignments"},
  {"/assignments/", ROUTE_PREFIX, GET_HEAD,   assign_http_get, "assignment"},
  {"/health",  ROUTE_EXACT, GET_HEAD,        health_handle,   "health"},
  {"/metrics", ROUTE_EXACT, GET_HEAD,        metrics_handle,  "metrics"},
  {"/suggest", ROUTE_EXACT, GET_HEAD,        suggest_handle,  "suggest"},
  {"/openapi.json", ROUTE_EXACT, GET_HEAD,    openapi_handle,  "openapi"},
  {"/",        ROUTE_EXACT, GET_HEAD,        static_handle,   "static"},
  {"/index.html", ROUTE_EXACT, GET_HEAD,      static_handle,   "static"},
  {"/static/", ROUTE_PREFIX, GET_HEAD,        static_handle,   "static"},
  {0, 0, 0, 0, 0},
};

const struct route_state aRouteState[] = {
  {search_http_handle, search_http_open, search_http_close},
  {assign_http_list, assign_http_open, assign_http_close},
  {assign_http_get, assign_http_open, assign_http_close},
  {0, 0, 0},
};

int route_state_find(int iRoute){
  int i;
  if( iRoute<0 ) return -1;
  for(i=0; aRouteState[i].xHandler; i++){
    if( aRouteState[i].xHandler==aRoute[iRoute].xHandler ) return i;
  }
  return -1;
}

int route_count(void){
  int n = 0;
  while( aRoute[n].zPath ) n++;
  return n;
}

int route_find(const char *zPath){
  int i;
  for(i=0; aRoute[i].zPath; i++){
    const struct route *r = &aRoute[i];
    if( r->flags & ROUTE_PREFIX ){
      if( strncmp(zPath, r->zPath, strlen(r->zPath))==0 ) return i;
    }else if( strcmp(zPath, r->zPath)==0 ){
      return i;
    }
  }
  return -1;
}

int route_error(struct request_ctx *ctx, int status, const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(ctx->zErr, sizeof(ctx->zErr), zFmt, ap);
  va_end(ap);
  return status;
}

int route_fail(struct request_ctx *ctx, int rc, const char *zWhat,
               const char *zDetail){
  switch( rc & 0xff ){
    case SQLITE_INTERRUPT:
      return route_error(ctx, 503, "%s took too long", zWhat);
    case SQLITE_NOMEM: case SQLITE_BUSY: case SQLITE_LOCKED:
      return route_error(ctx, 503, "server busy, try again");
  }
  log_msg(LOG_WARN, "%s failed: %s (%s)", zWhat, sqlite3_errstr(rc),
          zDetail ? zDetail : "?");
  return route_error(ctx, 500, "%s failed: %s", zWhat, sqlite3_errstr(rc));
}
