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

#include "http/conns.h"
#include "http/dbenv.h"
#include "http/http.h"
#include "log.h"
#include "http/pool.h"
#include "http/worker.h"

/* How long a stopping worker lets replies in flight drain, ms. */
#define WORKER_DRAIN_MS 250

/* How often a stopping worker looks whether its pool jobs came back, ms. */
#define WORKER_POLL_MS 10

/* How long accepting pauses after accept() fails (EMFILE, ENFILE), ms. */
#define WORKER_ACCEPT_PAUSE_MS 100

struct worker {
  const struct conf *conf;
  atomic_uint *pGen;
  int fd;                         /* our duplicate of the listening socket,
                                  ** until the listener owns it */
  struct event_base *base;
  struct evhttp *http;
  struct evhttp_bound_socket *bound;
  struct conns *conns;            /* caps and deadlines (conns.h) */
  struct event *evStop;
  struct event *evDrain;          /* waits for replies and pool jobs */
  int bWaited;                    /* the drain waited for pool jobs */
  struct event *evResume;         /* re-enables accepting after a pause */
  struct event *evReload;         /* worker_kick(): reopen now */
  pthread_t thread;
  int bStarted;
  struct http_env env;
};

/* http_env.xPrepare: reopen after SIGHUP, before the next request. */
static void worker_prepare(struct http_env *env){
  struct worker *w = (struct worker*)((char*)env - offsetof(struct worker, env));
  dbenv_reopen(w->conf, atomic_load(w->pGen), &env->dbe);
}

/* Runs on the worker's thread when worker_kick() activates evReload. */
static void worker_on_reload(evutil_socket_t fd, short what, void *pArg){
  struct worker *w = (struct worker*)pArg;
  (void)fd; (void)what;
  worker_prepare(&w->env);
}

/*
** Leave the loop once the replies in flight had WORKER_DRAIN_MS to go out
** and no search of ours is still with the pool (those finish within
** --query-ms); until then, look again every WORKER_POLL_MS. The last of
** those replies gets WORKER_DRAIN_MS of its own.
*/
static void worker_on_drain(evutil_socket_t fd, short what, void *pArg){
  struct worker *w = (struct worker*)pArg;
  struct timeval tv = {0, WORKER_POLL_MS*1000};
  struct timeval grace = {0, WORKER_DRAIN_MS*1000};
  (void)fd; (void)what;
  if( w->env.inbox && pool_inbox_pending(w->env.inbox)>0 ){
    w->bWaited = 1;
    if( event_add(w->evDrain, &tv)==0 ) return;
  }
  event_base_loopexit(w->base, w->bWaited ? &grace : 0);
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
  w->env.pool = 0;     /* requests still arriving are answered inline */
  if( event_add(w->evDrain, &tv)!=0 ) event_base_loopexit(w->base, &tv);
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

void worker_join(struct worker *w){
  if( w && w->bStarted ) pthread_join(w->thread, 0);
  if( w ) w->bStarted = 0;
}

void worker_free(struct worker *w){
  if( w==0 ) return;
  worker_join(w);
  /* First the jobs the stopped pool gave back (their requests still have
  ** their connections), then evhttp. */
  pool_inbox_free(w->env.inbox);
  if( w->evStop ) event_free(w->evStop);
  if( w->evDrain ) event_free(w->evDrain);
  if( w->evResume ) event_free(w->evResume);
  if( w->evReload ) event_free(w->evReload);
  if( w->http ) evhttp_free(w->http);     /* also frees w->bound */
  conns_free(w->conns);                   /* after: evhttp_free uncounts */
  if( w->base ) event_base_free(w->base);
  if( w->fd>=0 ) close(w->fd);
  dbenv_close(&w->env.dbe);
  free(w);
}

/*
** A worker's event base. With epoll's changelist, the changes a request
** makes to its connection's events within one loop (evhttp stops reading,
** resumes, starts writing) cost one epoll_ctl instead of three. Its one
** hazard, two descriptors of one socket in the same epoll set, cannot
** occur: each worker's base holds its own dup of the listener only.
*/
static struct event_base *worker_base_new(void){
  struct event_config *cfg = event_config_new();
  struct event_base *base = 0;
  if( cfg
   && event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST)==0 ){
    base = event_base_new_with_config(cfg);
  }
  if( cfg ) event_config_free(cfg);
  return base;
}

/* The event side: base, stop event, evhttp accepting on our fd. */
static int worker_events(struct worker *w, int fdListen,
                         struct clients *pClients, struct pool *pPool,
                         char **pzErr){
  struct conns_limits lim;
  w->fd = dup(fdListen);
  if( w->fd<0 ){
    *pzErr = sqlite3_mprintf("dup: %s", strerror(errno));
    return -1;
  }
  w->base = worker_base_new();
  if( w->base ) w->evStop = event_new(w->base, -1, 0, worker_on_stop, w);
  if( w->evStop ) w->evDrain = evtimer_new(w->base, worker_on_drain, w);
  if( w->evDrain ) w->http = evhttp_new(w->base);
  if( w->http ) w->evResume = event_new(w->base, -1, 0, worker_on_resume, w);
  if( w->evResume ){
    w->evReload = event_new(w->base, -1, 0, worker_on_reload, w);
  }
  if( w->evReload ){
    w->bound = evhttp_accept_socket_with_handle(w->http, w->fd);
  }
  if( w->bound ){
    w->fd = -1;   /* the listener owns (and closes) it now */
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(w->bound),
                                worker_on_accept_error);
  }
  if( w->bound==0 || (pPool && pool_inbox_new(w->base, &w->env.inbox)) ){
    *pzErr = sqlite3_mprintf("cannot set up the worker's event loop");
    return -1;
  }
  w->env.pool = pPool;
  lim.msIdle = w->conf->nIdleTimeout * 1000;
  lim.msHeader = w->conf->nHeaderTimeout * 1000;
  lim.msBody = w->conf->nBodyTimeout * 1000;
  if( conns_new(w->base, w->http, pClients, &lim, &w->conns) ){
    *pzErr = sqlite3_mprintf("out of memory");
    return -1;
  }
  w->env.conns = w->conns;
  return http_setup(w->http, &w->env);
}

int worker_new(const struct conf *conf, int fdListen, atomic_uint *pGen,
               struct clients *pClients, struct pool *pPool,
               struct metrics *m,
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
  w->env.conf = conf;
  w->env.metrics = m;
  w->env.all = all;
  w->env.xPrepare = worker_prepare;
  if( dbenv_open(conf, DBENV_SERVE | (pPool ? 0 : DBENV_LOAD),
                 atomic_load(pGen), &w->env.dbe, pzErr)!=SQLITE_OK ){
    rc = -1;
    goto out;
  }
  rc = worker_events(w, fdListen, pClients, pPool, pzErr);
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

void worker_kick(struct worker *w){
  event_active(w->evReload, 0, 0);
}
