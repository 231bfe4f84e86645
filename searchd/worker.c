/*
** worker.c: one worker thread; see worker.h.
*/
#include <errno.h>
#include <stddef.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "conns.h"
#include "db.h"
#include "ext.h"
#include "http.h"
#include "log.h"
#include "search.h"
#include "worker.h"

/* How long a stopping worker lets replies in flight drain, ms. */
#define WORKER_DRAIN_MS 250

/* How long accepting pauses after accept() fails (EMFILE, ENFILE), ms. */
#define WORKER_ACCEPT_PAUSE_MS 100

struct worker {
  const struct conf *conf;
  atomic_uint *pGen;
  unsigned iGen;                  /* generation the connection was opened at */
  int fd;                         /* our duplicate of the listening socket,
                                  ** until the listener owns it */
  struct event_base *base;
  struct evhttp *http;
  struct evhttp_bound_socket *bound;
  struct conns *conns;            /* the --max-conns cap */
  struct event *evStop;
  struct event *evResume;         /* re-enables accepting after a pause */
  pthread_t thread;
  int bStarted;
  struct http_env env;
};

/* Open the database and what hangs off it, all or nothing. pPrevExt: the
** modules being replaced (a reopen), or NULL. */
static int worker_open_db(const struct conf *conf, struct ext_set *pPrevExt,
                          sqlite3 **ppDb, struct search_state **ppSearch,
                          struct ext_set **ppExt, char **pzErr){
  int rc = db_open(conf->zDb, DB_READONLY, ppDb, pzErr);
  *ppSearch = 0;
  *ppExt = 0;
  if( rc==SQLITE_OK ) rc = search_state_new(*ppDb, conf, ppSearch);
  if( rc==SQLITE_OK && ext_open(conf, *ppDb, pPrevExt, ppExt, pzErr)!=0 ){
    rc = SQLITE_ERROR;
  }
  if( rc==SQLITE_OK ){
    struct query_opts o = ext_query_opts(*ppExt);
    search_state_set_opts(*ppSearch, &o);
  }else{
    if( pzErr && *pzErr==0 ){
      *pzErr = sqlite3_mprintf("%s: %s", conf->zDb, sqlite3_errstr(rc));
    }
    ext_close(*ppExt);
    search_state_free(*ppSearch);
    sqlite3_close(*ppDb);
    *ppDb = 0; *ppSearch = 0; *ppExt = 0;
  }
  return rc;
}

static void worker_close_db(struct http_env *env){
  ext_close(env->ext);
  search_state_free(env->search);
  sqlite3_close(env->db);
  env->ext = 0; env->search = 0; env->db = 0;
}

/* http_env.xPrepare: reopen after SIGHUP, before the next request. */
static void worker_prepare(struct http_env *env){
  struct worker *w = (struct worker*)((char*)env - offsetof(struct worker, env));
  unsigned g = atomic_load(w->pGen);
  sqlite3 *db = 0;
  struct search_state *s = 0;
  struct ext_set *x = 0;
  char *zErr = 0;
  if( g==w->iGen ) return;
  w->iGen = g;
  if( worker_open_db(w->conf, env->ext, &db, &s, &x, &zErr)!=SQLITE_OK ){
    log_msg(LOG_ERROR, "reopen failed, keeping the old connection: %s",
            zErr ? zErr : "?");
    sqlite3_free(zErr);
    return;
  }
  worker_close_db(env);
  env->db = db; env->search = s; env->ext = x;
}

/* Runs on the worker's thread when worker_stop() activates evStop. */
static void worker_on_stop(evutil_socket_t fd, short what, void *pArg){
  struct worker *w = (struct worker*)pArg;
  struct timeval tv = {0, WORKER_DRAIN_MS*1000};
  (void)fd; (void)what;
  event_del(w->evResume);
  if( w->bound ){
    evhttp_del_accept_socket(w->http, w->bound);   /* closes our fd */
    w->bound = 0;
  }
  event_base_loopexit(w->base, &tv);
}

/*
** The worker running on this thread. libevent calls a listener's error
** callback with the evhttp as its argument, not ours, and evhttp owns the
** listener's callback and argument; this is how that callback finds the
** worker. Set once per thread in worker_main(), read only on that thread.
*/
static _Thread_local struct worker *pThreadWorker;

/*
** accept() failed: typically EMFILE, every file descriptor in use. The
** listening socket stays readable, so libevent would call accept() again at
** once, forever, logging each failure. Pause accepting instead; the kernel
** keeps queueing connections in the backlog meanwhile.
*/
static void worker_on_accept_error(struct evconnlistener *lev, void *pArg){
  struct worker *w = pThreadWorker;
  struct timeval tv = {0, WORKER_ACCEPT_PAUSE_MS*1000};
  int e = EVUTIL_SOCKET_ERROR();
  (void)pArg;
  if( w==0 || w->evResume==0 ) return;
  if( event_pending(w->evResume, EV_TIMEOUT, 0) ) return;
  log_msg(LOG_WARN, "accept: %s; pausing new connections for %d ms",
          evutil_socket_error_to_string(e), WORKER_ACCEPT_PAUSE_MS);
  evconnlistener_disable(lev);
  if( event_add(w->evResume, &tv)!=0 ) evconnlistener_enable(lev);
}

static void worker_on_resume(evutil_socket_t fd, short what, void *pArg){
  struct worker *w = (struct worker*)pArg;
  (void)fd; (void)what;
  if( w->bound ){
    evconnlistener_enable(evhttp_bound_socket_get_listener(w->bound));
  }
}

static void *worker_main(void *pArg){
  struct worker *w = (struct worker*)pArg;
  pThreadWorker = w;
  if( event_base_dispatch(w->base)<0 ){
    log_msg(LOG_ERROR, "worker event loop failed; its socket is closed");
    /* Its own SO_REUSEPORT socket: left open, the kernel would go on
    ** handing it a share of the new connections, which nobody accepts. */
    if( w->bound ){
      evhttp_del_accept_socket(w->http, w->bound);
      w->bound = 0;
    }
  }
  return 0;
}

void worker_free(struct worker *w){
  if( w==0 ) return;
  if( w->bStarted ) pthread_join(w->thread, 0);
  if( w->evStop ) event_free(w->evStop);
  if( w->evResume ) event_free(w->evResume);
  if( w->http ) evhttp_free(w->http);     /* also frees w->bound */
  conns_free(w->conns);                   /* after: evhttp_free uncounts */
  if( w->base ) event_base_free(w->base);
  if( w->fd>=0 ) close(w->fd);
  worker_close_db(&w->env);
  free(w);
}

/* The event side: base, stop event, evhttp accepting on our fd. */
static int worker_events(struct worker *w, int fdListen, atomic_long *pOpen,
                         char **pzErr){
  w->fd = dup(fdListen);
  if( w->fd<0 ){
    *pzErr = sqlite3_mprintf("dup: %s", strerror(errno));
    return -1;
  }
  w->base = event_base_new();
  if( w->base ) w->evStop = event_new(w->base, -1, 0, worker_on_stop, w);
  if( w->evStop ) w->http = evhttp_new(w->base);
  if( w->http ) w->evResume = event_new(w->base, -1, 0, worker_on_resume, w);
  if( w->evResume ){
    w->bound = evhttp_accept_socket_with_handle(w->http, w->fd);
  }
  if( w->bound ){
    w->fd = -1;   /* the listener owns (and closes) it now */
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(w->bound),
                                worker_on_accept_error);
  }
  if( w->bound==0 ){
    *pzErr = sqlite3_mprintf("cannot set up the worker's event loop");
    return -1;
  }
  if( conns_new(w->base, w->http, pOpen, w->conf->nMaxConns, &w->conns) ){
    *pzErr = sqlite3_mprintf("out of memory");
    return -1;
  }
  return http_setup(w->http, &w->env);
}

int worker_new(const struct conf *conf, int fdListen, atomic_uint *pGen,
               atomic_long *pOpen, struct metrics *m,
               const struct metrics_set *all, struct worker **ppOut,
               char **pzErr){
  struct worker *w = calloc(1, sizeof(*w));
  int rc = 0;
  *pzErr = 0;
  if( w==0 ){
    *pzErr = sqlite3_mprintf("out of memory");
    rc = -1;
    goto out;
  }
  w->fd = -1;
  w->conf = conf;
  w->pGen = pGen;
  w->iGen = atomic_load(pGen);
  w->env.conf = conf;
  w->env.metrics = m;
  w->env.all = all;
  w->env.xPrepare = worker_prepare;
  if( worker_open_db(conf, 0, &w->env.db, &w->env.search, &w->env.ext,
                     pzErr)!=SQLITE_OK ){
    rc = -1;
    goto out;
  }
  rc = worker_events(w, fdListen, pOpen, pzErr);
out:
  if( rc!=0 ){
    worker_free(w);
    w = 0;
  }
  *ppOut = w;
  return rc;
}

int worker_start(struct worker *w){
  int rc = pthread_create(&w->thread, 0, worker_main, w);
  if( rc==0 ) w->bStarted = 1;
  return rc;
}

void worker_stop(struct worker *w){
  event_active(w->evStop, 0, 0);
}
