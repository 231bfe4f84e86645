/*
** conns.c: the connection cap; see conns.h.
*/
#include <stdlib.h>
#include <sys/socket.h>

#include <event2/bufferevent.h>

#include "http/conns.h"
#include "log.h"

#define CONNS_BODY "{\"error\":\"too many connections, try again\"}\n"

const char conns_zRefusal[] =
  "HTTP/1.1 503 Service Unavailable\r\n"
  "Content-Type: application/json; charset=utf-8\r\n"
  "Connection: close\r\n"
  "Retry-After: 1\r\n"
  "Content-Length: 44\r\n"
  "\r\n"
  CONNS_BODY;

_Static_assert(sizeof(CONNS_BODY) - 1 == 44, "Content-Length of the 503");

struct conns_new_conn;

struct conns {
  struct event_base *base;
  atomic_long *pOpen;
  long nMax;
  struct conns_new_conn *pPending;  /* accepted, not yet set up */
};

/*
** A connection between its accept and the next turn of the loop. Listed
** in its conns, so that conns_free() can let go of those whose turn never
** came (the loop stopped first).
*/
struct conns_new_conn {
  struct conns *p;
  struct bufferevent *bev;        /* we hold a reference */
  struct conns_new_conn *pPrev, *pNext;
};

static void conns_unlink(struct conns_new_conn *c){
  if( c->pPrev ) c->pPrev->pNext = c->pNext;
  else c->p->pPending = c->pNext;
  if( c->pNext ) c->pNext->pPrev = c->pPrev;
}

static void conns_on_close(struct evhttp_connection *evcon, void *pArg){
  struct conns *p = (struct conns*)pArg;
  (void)evcon;
  atomic_fetch_sub(p->pOpen, 1);
}

/* Turn a connection away: the canned 503 if the socket takes it now. */
static void conns_refuse(struct evhttp_connection *evcon,
                         struct bufferevent *bev){
  evutil_socket_t fd = bufferevent_getfd(bev);
  if( fd>=0 ){
    /* Best effort: a full socket buffer or a gone client only loses the
    ** message; the connection is closed either way. */
    ssize_t n = send(fd, conns_zRefusal, sizeof(conns_zRefusal) - 1,
                     MSG_NOSIGNAL|MSG_DONTWAIT);
    if( n<0 ) log_msg(LOG_DEBUG, "503 to a connection over the cap lost");
  }
  evhttp_connection_free(evcon);
}

/*
** The turn after the accept: evhttp has set the connection up, with the
** evhttp_connection as its bufferevent's callback argument (libevent 2.1
** http.c, evhttp_connection_base_bufferevent_new; the e2e test of the cap
** would fail if that changed). Cleared callbacks: evhttp dropped it.
*/
static void conns_on_setup(evutil_socket_t fd, short what, void *pArg){
  struct conns_new_conn *c = (struct conns_new_conn*)pArg;
  bufferevent_event_cb xEvent = 0;
  void *pCbArg = 0;
  (void)fd; (void)what;
  bufferevent_getcb(c->bev, 0, 0, &xEvent, &pCbArg);
  if( xEvent && pCbArg ){
    struct evhttp_connection *evcon = (struct evhttp_connection*)pCbArg;
    if( atomic_fetch_add(c->p->pOpen, 1) >= c->p->nMax ){
      atomic_fetch_sub(c->p->pOpen, 1);
      conns_refuse(evcon, c->bev);
    }else{
      evhttp_connection_set_closecb(evcon, conns_on_close, c->p);
    }
  }
  conns_unlink(c);
  bufferevent_decref(c->bev);
  free(c);
}

/* evhttp_set_bevcb callback: the bufferevent of a just accepted socket. */
static struct bufferevent *conns_bev(struct event_base *base, void *pArg){
  struct conns *p = (struct conns*)pArg;
  struct conns_new_conn *c = malloc(sizeof(*c));
  struct timeval tv = {0, 0};
  /*
  ** BEV_OPT_CLOSE_ON_FREE, unlike evhttp's own (options 0, evhttp closes
  ** the socket): our reference below may outlive evhttp's free of the
  ** connection, and a socket closed while its bufferevent still holds
  ** events would let the next accept() reuse the fd number under a stale
  ** registration (the new client is never read). With the flag, evhttp
  ** leaves the close to the bufferevent (libevent >= 2.1.9), which deletes
  ** its events first, when the last reference goes.
  */
  struct bufferevent *bev = bufferevent_socket_new(base, -1,
                                                   BEV_OPT_CLOSE_ON_FREE);
  if( c==0 || bev==0 ){
    free(c);
    return bev;                   /* served uncounted; NULL: evhttp tries */
  }
  c->p = p;
  c->bev = bev;
  bufferevent_incref(bev);
  if( event_base_once(base, -1, EV_TIMEOUT, conns_on_setup, c, &tv)!=0 ){
    bufferevent_decref(bev);
    free(c);
    return bev;
  }
  c->pPrev = 0;
  c->pNext = p->pPending;
  if( p->pPending ) p->pPending->pPrev = c;
  p->pPending = c;
  return bev;
}

int conns_new(struct event_base *base, struct evhttp *http,
              atomic_long *pOpen, long nMax, struct conns **ppOut){
  struct conns *p = calloc(1, sizeof(*p));
  if( p ){
    p->base = base;
    p->pOpen = pOpen;
    p->nMax = nMax;
    evhttp_set_bevcb(http, conns_bev, p);
  }
  *ppOut = p;
  return p ? 0 : -1;
}

void conns_free(struct conns *p){
  if( p==0 ) return;
  while( p->pPending ){
    struct conns_new_conn *c = p->pPending;
    conns_unlink(c);
    bufferevent_decref(c->bev);
    free(c);
  }
  free(p);
}
