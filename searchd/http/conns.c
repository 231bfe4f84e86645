/*
** conns.c: the connection caps and deadlines; see conns.h.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "http/conns.h"
#include "http/log.h"

#define CONNS_HEAD(n) \
  "HTTP/1.1 503 Service Unavailable\r\n" \
  "Content-Type: application/json; charset=utf-8\r\n" \
  "Cache-Control: no-store\r\n" \
  "X-Content-Type-Options: nosniff\r\n" \
  "Connection: close\r\n" \
  "Retry-After: 1\r\n" \
  "Content-Length: " #n "\r\n" \
  "\r\n"
#define CONNS_BODY "{\"error\":\"too many connections, try again\"}\n"
#define CONNS_BODY_CLIENT \
  "{\"error\":\"too many connections from your address\"}\n"

const char conns_zRefusal[] = CONNS_HEAD(44) CONNS_BODY;
static const char conns_zRefusalClient[] = CONNS_HEAD(51) CONNS_BODY_CLIENT;

_Static_assert(sizeof(CONNS_BODY) - 1 == 44, "Content-Length of the 503");
_Static_assert(sizeof(CONNS_BODY_CLIENT) - 1 == 51, "Content-Length");

/* Where a connection is in its current request. */
enum conn_state {
  CONN_IDLE,        /* no byte of the request yet */
  CONN_HEAD,        /* reading the request line and headers */
  CONN_BODY,        /* headers done, reading the body */
  CONN_BUSY         /* with the dispatcher until the response is sent */
};

struct conn {
  struct conns *p;
  struct bufferevent *bev;
  struct evhttp_connection *evcon;  /* once set up */
  struct event *evTimer;            /* the current deadline */
  struct evbuffer_cb_entry *pWatch; /* on the input buffer */
  struct clients_key key;
  int bKeyed;                       /* counted under key */
  int fd;                           /* -1 until set up */
  enum conn_state eState;
  long long msStart;                /* accept or end of last response */
  size_t nScanned;                  /* bytes of the input buffer scanned */
  int eLine;                        /* scan: 0 in a line, 1 at its start,
                                    ** 2 after a CR at its start */
  int bNul;                         /* a NUL in this request's header */
  struct conn *pPrev, *pNext;       /* pending set-up (conns.pPending) */
};

struct conns {
  struct event_base *base;
  struct clients *pClients;
  struct conns_limits lim;
  struct conn *pPending;            /* accepted, not yet set up */
  struct conn **apFd;               /* set-up connections by socket */
  int nFd;
};

static long long conns_now_ms(void){
  struct timespec t;
  if( clock_gettime(CLOCK_MONOTONIC, &t)!=0 ) return 0;
  return (long long)t.tv_sec*1000 + t.tv_nsec/1000000;
}

/* Arm c's timer for msFrom + ms (at once if that has passed). */
static void conns_arm(struct conn *c, long long msFrom, long ms){
  long long msLeft = msFrom + ms - conns_now_ms();
  struct timeval tv = {0, 0};
  if( msLeft>0 ){
    tv.tv_sec = (time_t)(msLeft/1000);
    tv.tv_usec = (suseconds_t)(msLeft%1000)*1000;
  }
  if( event_add(c->evTimer, &tv)!=0 ){
    log_msg(LOG_WARN, "cannot arm a connection deadline");
  }
}

/* Set the timer for c's state (none while busy). */
static void conns_schedule(struct conn *c){
  const struct conns_limits *l = &c->p->lim;
  switch( c->eState ){
    case CONN_IDLE: conns_arm(c, c->msStart, l->msIdle); break;
    case CONN_HEAD: conns_arm(c, c->msStart, l->msHeader); break;
    case CONN_BODY: conns_arm(c, conns_now_ms(), l->msBody); break;
    case CONN_BUSY: event_del(c->evTimer); break;
  }
}

/*
** Scan the input buffer from nScanned to its end, while in the header
** section: note a NUL, and at the empty line that ends the headers (LF or
** CRLF at the start of a line; evhttp drains only whole lines, so the
** buffer starts at the start of one) go on to the body.
*/
static void conns_scan(struct conn *c, struct evbuffer *b){
  struct evbuffer_iovec aVec[8];
  struct evbuffer_ptr pos;
  size_t nLen = evbuffer_get_length(b);
  while( c->eState==CONN_HEAD && c->nScanned<nLen ){
    int i, n;
    if( evbuffer_ptr_set(b, &pos, c->nScanned, EVBUFFER_PTR_SET)!=0 ) return;
    n = evbuffer_peek(b, -1, &pos, aVec, 8);
    if( n>8 ) n = 8;
    for(i=0; i<n && c->eState==CONN_HEAD; i++){
      const unsigned char *z = aVec[i].iov_base;
      size_t j;
      for(j=0; j<aVec[i].iov_len && c->eState==CONN_HEAD; j++){
        unsigned char ch = z[j];
        if( ch==0 ) c->bNul = 1;
        if( ch=='\n' && c->eLine ){
          c->eState = CONN_BODY;
        }else{
          c->eLine = ch=='\n' ? 1 : (ch=='\r' && c->eLine==1) ? 2 : 0;
        }
      }
      c->nScanned += j;
    }
    if( n<=0 ) return;
  }
}

/* A new request starts: reset its watch, look at bytes already there. */
static void conns_restart(struct conn *c, struct evbuffer *b){
  c->eState = CONN_IDLE;
  c->msStart = conns_now_ms();
  c->nScanned = 0;
  c->eLine = 1;
  c->bNul = 0;
  if( evbuffer_get_length(b)>0 ){
    c->eState = CONN_HEAD;
    conns_scan(c, b);
  }
}

/* The input buffer's callback: bytes arrived or evhttp consumed some. */
static void conns_on_input(struct evbuffer *b,
                           const struct evbuffer_cb_info *pInfo, void *pArg){
  struct conn *c = (struct conn*)pArg;
  enum conn_state eOld = c->eState;
  c->nScanned -= pInfo->n_deleted<c->nScanned ? pInfo->n_deleted : c->nScanned;
  if( pInfo->n_added==0 || c->eState==CONN_BUSY || c->eState==CONN_BODY ){
    return;
  }
  c->eState = CONN_HEAD;
  conns_scan(c, b);
  if( c->fd>=0 && c->eState!=eOld ) conns_schedule(c);
}

/* Let go of c: its watch, timer and our count. Not of the connection. */
static void conns_conn_free(struct conn *c){
  if( c->pWatch ){
    evbuffer_remove_cb_entry(bufferevent_get_input(c->bev), c->pWatch);
  }
  if( c->evTimer ) event_free(c->evTimer);
  free(c);
}

static void conns_on_close(struct evhttp_connection *evcon, void *pArg){
  struct conn *c = (struct conn*)pArg;
  (void)evcon;
  clients_release(c->p->pClients, c->bKeyed ? &c->key : 0);
  if( c->fd>=0 && c->fd<c->p->nFd && c->p->apFd[c->fd]==c ){
    c->p->apFd[c->fd] = 0;
  }
  conns_conn_free(c);
}

/* The deadline passed: no request of c is with the dispatcher. */
static void conns_on_timer(evutil_socket_t fd, short what, void *pArg){
  struct conn *c = (struct conn*)pArg;
  (void)fd; (void)what;
  if( c->eState==CONN_BUSY || c->evcon==0 ) return;
  log_msg(LOG_DEBUG, "closing a connection past its %s deadline",
          c->eState==CONN_IDLE ? "idle" :
          c->eState==CONN_HEAD ? "header" : "body");
  evhttp_connection_free(c->evcon);     /* conns_on_close frees c */
}

/* Turn a connection away: the canned 503 if the socket takes it now. */
static void conns_refuse(struct evhttp_connection *evcon,
                         struct bufferevent *bev, const char *zMsg){
  evutil_socket_t fd = bufferevent_getfd(bev);
  if( fd>=0 ){
    /* Best effort: a full socket buffer or a gone client only loses the
    ** message; the connection is closed either way. */
    ssize_t n = send(fd, zMsg, strlen(zMsg), MSG_NOSIGNAL|MSG_DONTWAIT);
    if( n<0 ) log_msg(LOG_DEBUG, "503 to a connection over the cap lost");
  }
  evhttp_connection_free(evcon);
}

/* Index c by its socket. Returns 0, or -1 (out of memory). */
static int conns_index(struct conns *p, struct conn *c){
  if( c->fd>=p->nFd ){
    int n = p->nFd ? p->nFd : 64;
    struct conn **a;
    while( n<=c->fd ) n *= 2;
    a = realloc(p->apFd, sizeof(*a) * (size_t)n);
    if( a==0 ) return -1;
    memset(a + p->nFd, 0, sizeof(*a) * (size_t)(n - p->nFd));
    p->apFd = a;
    p->nFd = n;
  }
  p->apFd[c->fd] = c;
  return 0;
}

/* Count c against the caps; 0 if admitted, else refused (and closed). */
static int conns_admit(struct conn *c, struct evhttp_connection *evcon){
  struct sockaddr_storage ss;
  socklen_t n = sizeof(ss);
  int rc;
  c->fd = bufferevent_getfd(c->bev);
  c->bKeyed = c->fd>=0 && getpeername(c->fd, (struct sockaddr*)&ss, &n)==0
           && clients_key((struct sockaddr*)&ss, n, &c->key)==0;
  rc = clients_admit(c->p->pClients, c->bKeyed ? &c->key : 0);
  if( rc==CLIENTS_OK && (c->fd<0 || conns_index(c->p, c)!=0) ){
    clients_release(c->p->pClients, c->bKeyed ? &c->key : 0);
    rc = CLIENTS_FULL;
  }
  if( rc!=CLIENTS_OK ){
    conns_refuse(evcon, c->bev, rc==CLIENTS_CLIENT_FULL
                 ? conns_zRefusalClient : conns_zRefusal);
    return -1;
  }
  return 0;
}

static void conns_unlink(struct conn *c){
  if( c->pPrev ) c->pPrev->pNext = c->pNext;
  else c->p->pPending = c->pNext;
  if( c->pNext ) c->pNext->pPrev = c->pPrev;
}

/*
** The turn after the accept: evhttp has set the connection up, with the
** evhttp_connection as its bufferevent's callback argument (libevent 2.1
** http.c, evhttp_connection_base_bufferevent_new; the e2e test of the cap
** would fail if that changed). Cleared callbacks: evhttp dropped it.
*/
static void conns_on_setup(evutil_socket_t fd, short what, void *pArg){
  struct conn *c = (struct conn*)pArg;
  struct bufferevent *bev = c->bev;
  bufferevent_event_cb xEvent = 0;
  void *pCbArg = 0;
  (void)fd; (void)what;
  conns_unlink(c);
  bufferevent_getcb(bev, 0, 0, &xEvent, &pCbArg);
  if( xEvent && pCbArg
   && conns_admit(c, (struct evhttp_connection*)pCbArg)==0 ){
    c->evcon = (struct evhttp_connection*)pCbArg;
    evhttp_connection_set_closecb(c->evcon, conns_on_close, c);
    conns_schedule(c);
  }else{
    conns_conn_free(c);
  }
  bufferevent_decref(bev);
}

/* A connection record for bev, watching its input; NULL if no memory. */
static struct conn *conns_conn_new(struct conns *p, struct bufferevent *bev){
  struct conn *c = calloc(1, sizeof(*c));
  if( c==0 ) return 0;
  c->p = p;
  c->bev = bev;
  c->fd = -1;
  c->eLine = 1;
  c->msStart = conns_now_ms();
  c->evTimer = evtimer_new(p->base, conns_on_timer, c);
  if( c->evTimer ){
    c->pWatch = evbuffer_add_cb(bufferevent_get_input(bev), conns_on_input,
                                c);
  }
  if( c->pWatch==0 ){
    conns_conn_free(c);
    return 0;
  }
  return c;
}

/* evhttp_set_bevcb callback: the bufferevent of a just accepted socket. */
static struct bufferevent *conns_bev(struct event_base *base, void *pArg){
  struct conns *p = (struct conns*)pArg;
  struct timeval tv = {0, 0};
  struct conn *c;
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
  if( bev==0 ) return 0;                /* evhttp tries its own */
  c = conns_conn_new(p, bev);
  if( c==0 ) return bev;                /* served uncounted */
  bufferevent_incref(bev);
  if( event_base_once(base, -1, EV_TIMEOUT, conns_on_setup, c, &tv)!=0 ){
    conns_conn_free(c);
    bufferevent_decref(bev);
    return bev;
  }
  c->pPrev = 0;
  c->pNext = p->pPending;
  if( p->pPending ) p->pPending->pPrev = c;
  p->pPending = c;
  return bev;
}

/* The response to c's request has been sent: the next one starts. */
static void conns_on_complete(struct evhttp_request *req, void *pArg){
  struct conn *c = (struct conn*)pArg;
  (void)req;
  conns_restart(c, bufferevent_get_input(c->bev));
  conns_schedule(c);
}

int conns_request(struct conns *p, struct evhttp_request *req){
  struct evhttp_connection *evcon = evhttp_request_get_connection(req);
  struct bufferevent *bev;
  struct conn *c = 0;
  int fd;
  if( p==0 || evcon==0 ) return CONNS_OK;
  bev = evhttp_connection_get_bufferevent(evcon);
  fd = bev ? bufferevent_getfd(bev) : -1;
  if( fd>=0 && fd<p->nFd ) c = p->apFd[fd];
  if( c==0 || c->evcon!=evcon ) return CONNS_OK;    /* uncounted */
  c->eState = CONN_BUSY;
  conns_schedule(c);
  evhttp_request_set_on_complete_cb(req, conns_on_complete, c);
  return c->bNul ? CONNS_NUL : CONNS_OK;
}

int conns_new(struct event_base *base, struct evhttp *http,
              struct clients *pClients, const struct conns_limits *pLim,
              struct conns **ppOut){
  struct conns *p = calloc(1, sizeof(*p));
  if( p ){
    p->base = base;
    p->pClients = pClients;
    p->lim = *pLim;
    evhttp_set_bevcb(http, conns_bev, p);
  }
  *ppOut = p;
  return p ? 0 : -1;
}

void conns_free(struct conns *p){
  if( p==0 ) return;
  while( p->pPending ){
    struct conn *c = p->pPending;
    struct bufferevent *bev = c->bev;
    conns_unlink(c);
    conns_conn_free(c);
    bufferevent_decref(bev);
  }
  free(p->apFd);
  free(p);
}
