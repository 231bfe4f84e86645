/*
** http.c: dispatch an evhttp request to its route and reply once.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http/http.h"
#include "http/json.h"
#include "log.h"
#include "http/route.h"
#include "http/strict.h"

static const struct { int status; const char *zReason; } aReason[] = {
  {200, "OK"}, {204, "No Content"}, {400, "Bad Request"},
  {404, "Not Found"}, {405, "Method Not Allowed"},
  {413, "Payload Too Large"}, {414, "URI Too Long"},
  {500, "Internal Server Error"}, {503, "Service Unavailable"},
};

static const struct { int type; const char *zName; } aMethod[] = {
  {EVHTTP_REQ_GET, "GET"}, {EVHTTP_REQ_POST, "POST"},
  {EVHTTP_REQ_HEAD, "HEAD"}, {EVHTTP_REQ_PUT, "PUT"},
  {EVHTTP_REQ_DELETE, "DELETE"}, {EVHTTP_REQ_OPTIONS, "OPTIONS"},
  {EVHTTP_REQ_TRACE, "TRACE"}, {EVHTTP_REQ_CONNECT, "CONNECT"},
  {EVHTTP_REQ_PATCH, "PATCH"},
};

const char *http_reason(int status){
  size_t i;
  for(i=0; i<sizeof(aReason)/sizeof(aReason[0]); i++){
    if( aReason[i].status==status ) return aReason[i].zReason;
  }
  return "Unknown";
}

static const char *http_method(int type){
  size_t i;
  for(i=0; i<sizeof(aMethod)/sizeof(aMethod[0]); i++){
    if( aMethod[i].type==type ) return aMethod[i].zName;
  }
  return "OTHER";
}

/* Add CORS headers if the request's Origin is an allowed one. Returns 0,
** or -1 if a header could not be added (out of memory). */
static int http_cors(const struct conf *conf, struct evhttp_request *req,
                     struct evkeyvalq *out){
  const char *zOrigin = evhttp_find_header(
      evhttp_request_get_input_headers(req), "Origin");
  int i, e = 0;
  if( zOrigin==0 ) return 0;
  for(i=0; i<conf->cors.n; i++){
    if( strcmp(conf->cors.az[i], zOrigin)==0 || strcmp(conf->cors.az[i], "*")==0 ){
      e |= evhttp_add_header(out, "Access-Control-Allow-Origin",
                             strcmp(conf->cors.az[i], "*")==0 ? "*" : zOrigin);
      e |= evhttp_add_header(out, "Vary", "Origin");
      if( evhttp_request_get_command(req)==EVHTTP_REQ_OPTIONS ){
        e |= evhttp_add_header(out, "Access-Control-Allow-Methods",
                               "GET, HEAD");
        e |= evhttp_add_header(out, "Access-Control-Max-Age", "600");
      }
      break;
    }
  }
  return e ? -1 : 0;
}

/* Bytes of the request's header lines (name, ": ", value, CRLF). */
static size_t http_header_bytes(struct evhttp_request *req){
  struct evkeyvalq *h = evhttp_request_get_input_headers(req);
  struct evkeyval *kv;
  size_t n = 0;
  for(kv=h->tqh_first; kv; kv=kv->next.tqe_next){
    n += strlen(kv->key) + strlen(kv->value) + 4;
  }
  return n;
}

/*
** A request from dispatch to reply. The handler sees ctx; the rest is ours.
** On the heap, since a handler may defer the reply (ROUTE_DEFERRED).
*/
struct http_call {
  struct request_ctx ctx;         /* first: ctx is the call */
  struct http_env *env;
  struct timespec t0;
  int iRoute;
  unsigned nReopen;               /* env->dbe.nReopen at the dispatch */
  int bNul;                       /* a NUL in the headers (conns.h) */
  char *zPath;                    /* decoded path, owned */
  struct params *pParams;         /* owned */
};

/* Point ctx at the worker's current connection and the route's state. */
static void http_bind(struct request_ctx *ctx, const struct http_env *env,
                      int iRoute){
  ctx->db = env->dbe.db;
  int iState = env->dbe.apRoute ? route_state_find(iRoute) : -1;
  ctx->pState = iState>=0 ? env->dbe.apRoute[iState] : 0;
  ctx->ext = env->dbe.ext;
}

/*
** Find the route, check method and sizes, decode the parameters, and call
** the handler. Returns the status; *piRoute is the route or -1.
*/
static int http_route(struct http_env *env, struct http_call *c,
                      int *piRoute){
  struct request_ctx *ctx = &c->ctx;
  struct evhttp_request *req = ctx->req;
  const char *zUri = evhttp_request_get_uri(req);
  const struct evhttp_uri *pUri = evhttp_request_get_evhttp_uri(req);
  const struct route *r;
  const char *zBad = strict_check(req, c->bNul);
  int rc;
  *piRoute = -1;
  if( zBad ){
    evhttp_add_header(ctx->out_headers, "Connection", "close");
    return route_error(ctx, 400, "%s", zBad);
  }
  if( http_header_bytes(req)>(size_t)env->conf->nMaxHeaders ){
    return route_error(ctx, 413, "request headers larger than %ld bytes",
                       env->conf->nMaxHeaders);
  }
  if( zUri && strlen(zUri)>(size_t)env->conf->nMaxUri ){
    return route_error(ctx, 414, "request target longer than %ld bytes",
                       env->conf->nMaxUri);
  }
  if( pUri==0 || ctx->path==0 ) return route_error(ctx, 400, "bad request");
  *piRoute = route_find(ctx->path);
  if( *piRoute<0 ) return route_error(ctx, 404, "no such endpoint");
  r = &aRoute[*piRoute];
  if( evhttp_request_get_command(req)==EVHTTP_REQ_OPTIONS ) return 204;
  if( (evhttp_request_get_command(req) & r->methods)==0 ){
    if( evhttp_add_header(ctx->out_headers, "Allow", "GET, HEAD") ){
      return route_fail(ctx, SQLITE_NOMEM, "request", 0);
    }
    return route_error(ctx, 405, "method not allowed");
  }
  rc = params_parse(evhttp_uri_get_query(pUri), env->conf->nMaxQuery,
                    &c->pParams);
  if( rc==PARAMS_EBAD ) return route_error(ctx, 400, "bad percent-encoding");
  if( rc==PARAMS_ETOOLONG ){
    return route_error(ctx, 414, "parameter longer than %ld bytes",
                       env->conf->nMaxQuery);
  }
  if( rc!=PARAMS_OK ) return route_fail(ctx, SQLITE_NOMEM, "request", 0);
  if( env->xPrepare ) env->xPrepare(env);
  ctx->params = c->pParams;
  http_bind(ctx, env, *piRoute);
  c->nReopen = env->dbe.nReopen;
  return r->xHandler(ctx);
}

/* Decode the request path; NULL if absent, on a NUL byte or no memory. */
static char *http_path(struct evhttp_request *req){
  const struct evhttp_uri *pUri = evhttp_request_get_evhttp_uri(req);
  const char *zRaw = pUri ? evhttp_uri_get_path(pUri) : 0;
  size_t n = 0;
  char *z;
  if( zRaw==0 ) return 0;
  z = evhttp_uridecode(zRaw, 0, &n);
  if( z && strlen(z)!=n ){
    free(z);
    z = 0;
  }
  return z;
}

/*
** Make the one reply ready to send: the body, or {"error":...} for an
** error status (in *ppErr, which the caller frees after sending), and the
** headers. A HEAD reply has the headers of the GET one and no body
** (libevent would send the body as it is). Returns the body to send;
** *pnBytes is its length. Returns NULL, *pStatus set to 503, when a header
** cannot be added (out of memory): the caller sends libevent's plain 503.
*/
static struct evbuffer *http_reply_ready(struct request_ctx *ctx, int *pStatus,
                                         struct evbuffer **ppErr,
                                         size_t *pnBytes){
  int status = *pStatus, e;
  struct evbuffer *pBody = ctx->out;
  *ppErr = 0;
  if( status>=400 ){
    struct evbuffer *pErr = evbuffer_new();
    if( pErr ){
      e = json_raw(pErr, "{\"error\":");
      e |= json_str(pErr, ctx->zErr, strlen(ctx->zErr));
      e |= json_raw(pErr, "}\n");
      if( e==0 ) pBody = pErr;
      *ppErr = pErr;
    }
    ctx->content_type = "application/json; charset=utf-8";
  }else if( status==204 ){
    evbuffer_drain(pBody, evbuffer_get_length(pBody));
  }
  *pnBytes = evbuffer_get_length(pBody);
  e = evhttp_add_header(ctx->out_headers, "Content-Type", ctx->content_type);
  /* Answers change with the index and echo what was asked: no cache
  ** keeps them (the static files set their own max-age). */
  if( e==0 && evhttp_find_header(ctx->out_headers, "Cache-Control")==0 ){
    e = evhttp_add_header(ctx->out_headers, "Cache-Control", "no-store");
  }
  if( e==0
   && evhttp_find_header(ctx->out_headers, "X-Content-Type-Options")==0 ){
    e = evhttp_add_header(ctx->out_headers, "X-Content-Type-Options",
                          "nosniff");
  }
  if( e==0 && evhttp_request_get_command(ctx->req)==EVHTTP_REQ_HEAD ){
    char zLen[32];
    snprintf(zLen, sizeof(zLen), "%zu", *pnBytes);
    if( status!=204 && status!=304 ){
      e = evhttp_add_header(ctx->out_headers, "Content-Length", zLen);
    }
    evbuffer_drain(pBody, *pnBytes);
    *pnBytes = 0;
  }
  if( e ){
    *pStatus = 503;
    *pnBytes = 0;
    return 0;
  }
  return pBody;
}

/* Now as ISO 8601 in UTC with milliseconds: 2026-12-07T11:43:12.345Z. */
static void http_log_time(char *zOut, size_t nOut){
  struct timespec ts;
  struct tm tm;
  size_t n;
  if( clock_gettime(CLOCK_REALTIME, &ts)!=0 || gmtime_r(&ts.tv_sec, &tm)==0
   || (n = strftime(zOut, nOut, "%Y-%m-%dT%H:%M:%S", &tm))==0 ){
    snprintf(zOut, nOut, "-");
    return;
  }
  snprintf(zOut + n, nOut - n, ".%03ldZ", ts.tv_nsec/1000000);
}

/*
** The access log line (searchd/README.md): "info access " and one JSON
** object. The request target is cut at HTTP_LOG_TARGET bytes; JSON
** escaping keeps a decoded control byte from forging a line.
*/
#define HTTP_LOG_TARGET 256
static void http_access_log(struct evhttp_request *req, const char *zMethod,
                            int status, size_t nBytes, double ms){
  struct evhttp_connection *evcon = evhttp_request_get_connection(req);
  const char *zUri = evhttp_request_get_uri(req);
  struct evbuffer *b = evbuffer_new();
  char *zPeer = 0;
  ev_uint16_t port = 0;
  char zTime[64];
  int e;
  if( b==0 ) return;
  if( evcon ) evhttp_connection_get_peer(evcon, &zPeer, &port);
  if( zUri==0 ) zUri = "";
  http_log_time(zTime, sizeof(zTime));
  e = json_raw(b, "{\"time\":\"");
  e |= json_raw(b, zTime);
  e |= json_raw(b, "\",\"client\":");
  e |= json_str(b, zPeer, zPeer ? strlen(zPeer) : 0);
  e |= json_raw(b, ",\"method\":\"");
  e |= json_raw(b, zMethod);
  e |= json_raw(b, "\",\"path\":");
  e |= json_str(b, zUri, strnlen(zUri, HTTP_LOG_TARGET));
  e |= evbuffer_add_printf(b, ",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f}",
                           status, nBytes, ms)<0;
  if( e==0 && evbuffer_add(b, "", 1)==0 ){
    log_msg(LOG_INFO, "access %s", (const char*)evbuffer_pullup(b, -1));
  }
  evbuffer_free(b);
}

static double http_ms_since(const struct timespec *t0){
  struct timespec t1;
  if( clock_gettime(CLOCK_MONOTONIC, &t1)!=0 ) return 0;
  return (t1.tv_sec - t0->tv_sec)*1e3 + (t1.tv_nsec - t0->tv_nsec)/1e6;
}

/*
** Write a reply evhttp has just queued on evcon now, rather than when
** epoll next says the socket is writable: most replies fit the socket's
** buffer at once, and the write's completion (evhttp's write callback,
** which ends the request and starts reading the next, or closes) then
** runs here, so the connection's events go back to reading within this
** loop and epoll is told nothing (two epoll_ctl and one wake-up fewer a
** request). A reply that does not fit waits for epoll as before. The
** callback may free evcon: nothing of it is used after.
*/
static void http_flush(struct evhttp_connection *evcon){
  struct bufferevent *bev = 0;
  struct evbuffer *out = 0;
  evutil_socket_t fd = -1;
  if( evcon ) bev = evhttp_connection_get_bufferevent(evcon);
  if( bev ){
    out = bufferevent_get_output(bev);
    fd = bufferevent_getfd(bev);
  }
  if( out==0 || fd<0 || evbuffer_get_length(out)==0 ) return;
  if( evbuffer_write(out, fd)>0 && evbuffer_get_length(out)==0 ){
    bufferevent_trigger(bev, EV_WRITE, 0);
  }
}

/* request_ctx.xFinish, and the end of every request: reply, log, count. */
static void http_finish(struct request_ctx *ctx, int status){
  struct http_call *c = (struct http_call*)ctx;
  struct http_env *env = c->env;
  struct evbuffer *pErr = 0, *pBody;
  struct evhttp_connection *evcon;
  size_t nBytes = 0;
  pBody = http_reply_ready(ctx, &status, &pErr, &nBytes);
  /* Before the reply: evhttp frees a request whose connection is gone as
  ** soon as it is answered. */
  if( !env->conf->bQuiet ){
    http_access_log(ctx->req, http_method(evhttp_request_get_command(ctx->req)),
                    status, nBytes, http_ms_since(&c->t0));
  }
  evcon = evhttp_request_get_connection(ctx->req);  /* NULL: gone */
  if( pBody ){
    evhttp_send_reply(ctx->req, status, http_reason(status), pBody);
  }else{
    evhttp_send_error(ctx->req, status, http_reason(status));
  }
  http_flush(evcon);
  if( pErr ) evbuffer_free(pErr);
  metrics_count(env->metrics, c->iRoute, status, http_ms_since(&c->t0));
  params_free(c->pParams);
  evbuffer_free(ctx->out);
  free(c->zPath);
  free(c);
}

/* request_ctx.xResume. */
static int http_resume(struct request_ctx *ctx, unsigned *piGen){
  struct http_call *c = (struct http_call*)ctx;
  http_bind(ctx, c->env, c->iRoute);
  *piGen = c->env->dbe.iGen;
  return c->env->dbe.nReopen!=c->nReopen;
}

/* The evhttp generic callback: every request of this worker. */
static void http_dispatch(struct evhttp_request *req, void *pArg){
  struct http_env *env = (struct http_env*)pArg;
  struct http_call *c = calloc(1, sizeof(*c));
  struct request_ctx *ctx = c ? &c->ctx : 0;
  int status;
  if( c ) ctx->out = evbuffer_new();
  if( ctx==0 || ctx->out==0 ){
    evhttp_send_error(req, 503, "Service Unavailable");
    free(c);
    return;
  }
  if( clock_gettime(CLOCK_MONOTONIC, &c->t0)!=0 ){
    memset(&c->t0, 0, sizeof(c->t0));
  }
  c->env = env;
  c->bNul = conns_request(env->conns, req)==CONNS_NUL;
  c->iRoute = -1;
  c->zPath = http_path(req);
  ctx->req = req;
  ctx->path = c->zPath;
  ctx->conf = env->conf;
  ctx->metrics = env->all;
  ctx->content_type = "application/json; charset=utf-8";
  ctx->out_headers = evhttp_request_get_output_headers(req);
  ctx->pool = env->pool;
  ctx->inbox = env->inbox;
  ctx->xResume = http_resume;
  ctx->xFinish = http_finish;
  if( http_cors(env->conf, req, ctx->out_headers)!=0 ){
    status = route_fail(ctx, SQLITE_NOMEM, "request", 0);
  }else{
    status = http_route(env, c, &c->iRoute);
  }
  if( status!=ROUTE_DEFERRED ) http_finish(ctx, status);
}

int http_setup(struct evhttp *http, struct http_env *env){
  /* libevent's own cap answers 400 without our JSON, so it sits well above
  ** --max-headers, which http_route() enforces with a 413. */
  evhttp_set_max_headers_size(http, env->conf->nMaxHeaders*4 + 8192);
  evhttp_set_max_body_size(http, env->conf->nMaxBody);
  evhttp_set_timeout(http, (int)env->conf->nTimeout);
  /* Every bit, including libevent's "unknown method" one: otherwise
  ** libevent answers 501 itself; we answer 405. */
  evhttp_set_allowed_methods(http, 0xffff);
  evhttp_set_default_content_type(http, "application/json; charset=utf-8");
  evhttp_set_gencb(http, http_dispatch, env);
  return 0;
}
