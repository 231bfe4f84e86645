/*
** server.c: listen, start workers, handle signals; see server.h.
*/
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <event2/util.h>

#include "box/lexicon.h"
#include "db.h"
#include "http/clients.h"
#include "log.h"
#include "http/metrics.h"
#include "http/pool.h"
#include "http/route.h"
#include "http/server.h"
#include "http/worker.h"

/* listen() backlog of each socket. */
#define SERVER_BACKLOG 1024

/*
** SIGHUP: a reload waits this long for more SIGHUPs to merge into it, and
** comes at least SERVER_HUP_GAP_MS after the one before, ms. Every reload
** costs each worker and search thread a reopen (the row attributes, the
** extension modules) while it serves nothing: a storm of signals must
** cost one, not one per signal.
*/
#define SERVER_HUP_SETTLE_MS 100
#define SERVER_HUP_GAP_MS 1000

struct server {
  const struct conf *conf;
  int *aFd;                       /* a listening socket per worker */
  int nFd;
  int port;                       /* its bound port */
  char zAddr[128];                /* HOST:PORT, for the log */
  atomic_uint gen;                /* reload generation, bumped by SIGHUP */
  struct clients *clients;        /* open client connections (conns.h) */
  struct event_base *base;
  struct event *evHup, *evTerm, *evInt;
  struct event *evReload;         /* a reload, once SIGHUPs settle */
  unsigned nHup;                  /* SIGHUPs merged into it */
  long long msReload;             /* when the last reload was, or 0 */
  int nWorker;
  struct worker **apWorker;
  struct pool *pool;              /* the search threads, or NULL */
  struct metrics_set all;
};

/* Format a bound address as HOST:PORT ([HOST]:PORT for IPv6). */
static void server_format(const struct sockaddr_storage *ss, char *zOut,
                          size_t nOut, int *pPort){
  char zHost[INET6_ADDRSTRLEN] = "?";
  if( ss->ss_family==AF_INET6 ){
    const struct sockaddr_in6 *a = (const struct sockaddr_in6*)ss;
    inet_ntop(AF_INET6, &a->sin6_addr, zHost, sizeof(zHost));
    *pPort = ntohs(a->sin6_port);
    snprintf(zOut, nOut, "[%s]:%d", zHost, *pPort);
  }else{
    const struct sockaddr_in *a = (const struct sockaddr_in*)ss;
    inet_ntop(AF_INET, &a->sin_addr, zHost, sizeof(zHost));
    *pPort = ntohs(a->sin_port);
    snprintf(zOut, nOut, "%s:%d", zHost, *pPort);
  }
}

/*
** Parse HOST:PORT or [HOST6]:PORT (numeric addresses only; port 0 lets
** the kernel choose), or a PORT alone, which means 127.0.0.1:PORT (never
** every interface by accident), into *pSs and *pLen. Returns 0 or -1.
*/
static int server_parse_addr(const char *z, struct sockaddr_storage *pSs,
                             socklen_t *pLen){
  char zHost[INET6_ADDRSTRLEN + 2];
  const char *zColon = strrchr(z, ':');
  const char *zPort = zColon ? zColon+1 : z;
  char *zEnd = 0;
  long port;
  size_t nHost;
  memset(pSs, 0, sizeof(*pSs));
  if( zColon==0 ){
    z = "127.0.0.1";
    nHost = strlen(z);
  }else{
    nHost = (size_t)(zColon - z);
  }
  if( zPort[0]<'0' || zPort[0]>'9' ) return -1;
  port = strtol(zPort, &zEnd, 10);
  if( *zEnd || port<0 || port>65535 ) return -1;
  if( nHost>=2 && z[0]=='[' && z[nHost-1]==']' ){ z++; nHost -= 2; }
  if( nHost==0 || nHost>=sizeof(zHost) ) return -1;
  memcpy(zHost, z, nHost);
  zHost[nHost] = 0;
  if( inet_pton(AF_INET, zHost,
                &((struct sockaddr_in*)pSs)->sin_addr)==1 ){
    ((struct sockaddr_in*)pSs)->sin_family = AF_INET;
    ((struct sockaddr_in*)pSs)->sin_port = htons((unsigned short)port);
    *pLen = sizeof(struct sockaddr_in);
    return 0;
  }
  if( inet_pton(AF_INET6, zHost,
                &((struct sockaddr_in6*)pSs)->sin6_addr)==1 ){
    ((struct sockaddr_in6*)pSs)->sin6_family = AF_INET6;
    ((struct sockaddr_in6*)pSs)->sin6_port = htons((unsigned short)port);
    *pLen = sizeof(struct sockaddr_in6);
    return 0;
  }
  return -1;
}

/*
** One socket bound to *pSs (len bytes), with SO_REUSEPORT if bShare (it
** listens only from server_accept(), once everything is ready). TCP_NODELAY is set on it because accepted sockets inherit it
** (Linux): without it an answer over 16 KB, which libevent writes in two
** writev() calls, waits for the client's delayed ACK (40 ms) under Nagle.
** Returns the fd, or -1 with errno set.
*/
static int server_socket(const struct sockaddr_storage *pSs, socklen_t len,
                         int bShare){
  int one = 1, e;
  int fd = socket(pSs->ss_family, SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC, 0);
  if( fd<0 ) return -1;
  if( setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))
   || (bShare && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)))
   || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))
   || bind(fd, (const struct sockaddr*)pSs, len) ){
    e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

/*
** Bind and listen on conf->zListen: one socket per worker, all on the same
** port with SO_REUSEPORT, so that the kernel spreads new connections over
** the workers (with one shared socket, the worker that wakes first takes a
** whole burst of connections and the others idle). A plain bind without
** SO_REUSEPORT comes first: it fails if anyone already listens there
** (another searchd included, which SO_REUSEPORT alone would let share the
** port), and with port 0 it picks the port the others then take.
*/
static int server_listen(struct server *s){
  struct sockaddr_storage ss;
  socklen_t n = sizeof(ss), len = 0;
  int fd, i, rc = -1;
  if( server_parse_addr(s->conf->zListen, &ss, &len)!=0 ){
    log_msg(LOG_ERROR, "--listen %s: want PORT or HOST:PORT with a numeric "
            "address (8080, 127.0.0.1:8080, [::1]:8080)", s->conf->zListen);
    return -1;
  }
  s->aFd = malloc(sizeof(*s->aFd) * s->conf->nThreads);
  if( s->aFd==0 ) return -1;
  fd = server_socket(&ss, len, 0);
  if( fd>=0 && getsockname(fd, (struct sockaddr*)&ss, &n)==0 ){
    close(fd);                  /* the port is known now; free it */
    fd = -1;
    rc = 0;
  }
  for(i=0; rc==0 && i<s->conf->nThreads; i++){
    s->aFd[i] = server_socket(&ss, len, 1);
    if( s->aFd[i]<0 ) rc = -1;
    else s->nFd++;
  }
  if( rc!=0 ){
    log_msg(LOG_ERROR, "--listen %s: %s", s->conf->zListen, strerror(errno));
    if( fd>=0 ) close(fd);
    return -1;
  }
  server_format(&ss, s->zAddr, sizeof(s->zAddr), &s->port);
  return 0;
}

/*
** Listen on every socket. Called once the workers and search threads have
** opened the index and loaded what searches need: a client that connects
** as soon as the port accepts (a health check, a load balancer, a
** benchmark) must not wait behind that.
*/
static int server_accept(struct server *s){
  int i;
  for(i=0; i<s->nFd; i++){
    if( listen(s->aFd[i], SERVER_BACKLOG)!=0 ){
      log_msg(LOG_ERROR, "listen: %s", strerror(errno));
      return -1;
    }
  }
  log_msg(LOG_INFO, "listening on %s (%d sockets)", s->zAddr, s->nFd);
  return 0;
}

/*
** Make room for --max-conns connections in RLIMIT_NOFILE: the cap, plus
** what one accept burst per worker may hold before it is turned away (the
** backlog), plus the process's own files. Raises the soft limit up to the
** hard one if needed; if even that is short, warns: accept() may then
** fail with EMFILE before the cap is reached.
*/
static void server_fd_limit(const struct conf *conf){
  struct rlimit rl;
  rlim_t need = (rlim_t)conf->nMaxConns
              + (rlim_t)conf->nThreads * (SERVER_BACKLOG + 16)
              + (rlim_t)conf->nSearchThreads * 16 + 256;
  if( getrlimit(RLIMIT_NOFILE, &rl)!=0 || rl.rlim_cur>=need ) return;
  rl.rlim_cur = (rl.rlim_max==RLIM_INFINITY || rl.rlim_max>=need)
              ? need : rl.rlim_max;
  if( setrlimit(RLIMIT_NOFILE, &rl)!=0 || rl.rlim_cur<need ){
    log_msg(LOG_WARN, "open-file limit %llu is below the %llu that "
            "--max-conns %ld needs", (unsigned long long)rl.rlim_cur,
            (unsigned long long)need, conf->nMaxConns);
  }
}

/* Write the bound port to conf->zPortFile, atomically (write, rename). */
static int server_port_file(struct server *s){
  char zTmp[4096];
  FILE *f;
  int rc = 0;
  if( s->conf->zPortFile==0 ) return 0;
  snprintf(zTmp, sizeof(zTmp), "%s.tmp", s->conf->zPortFile);
  f = fopen(zTmp, "w");
  if( f==0 ) rc = -1;
  if( f && fprintf(f, "%d\n", s->port)<0 ) rc = -1;
  if( f && fclose(f)!=0 ) rc = -1;
  if( rc==0 && rename(zTmp, s->conf->zPortFile)!=0 ) rc = -1;
  if( rc ) log_msg(LOG_ERROR, "--port-file %s: %s", s->conf->zPortFile,
                   strerror(errno));
  return rc;
}

static long long server_now_ms(void){
  struct timespec t;
  if( clock_gettime(CLOCK_MONOTONIC, &t)!=0 ) return 0;
  return (long long)t.tv_sec*1000 + t.tv_nsec/1000000;
}

/* The reload the SIGHUPs since the last one asked for: a new generation. */
static void server_on_reload(evutil_socket_t fd, short what, void *pArg){
  struct server *s = (struct server*)pArg;
  unsigned g = atomic_fetch_add(&s->gen, 1) + 1;
  int i;
  (void)fd; (void)what;
  log_msg(LOG_INFO, "SIGHUP (%u merged): workers reopen the database "
          "(generation %u)", s->nHup, g);
  s->nHup = 0;
  s->msReload = server_now_ms();
  for(i=0; i<s->nWorker; i++) worker_kick(s->apWorker[i]);
  pool_kick(s->pool);
}

/* A SIGHUP: schedule a reload, or merge into the one scheduled. */
static void server_on_hup(struct server *s){
  long long msWait = SERVER_HUP_SETTLE_MS;
  struct timeval tv;
  s->nHup++;
  if( event_pending(s->evReload, EV_TIMEOUT, 0) ) return;
  if( s->msReload>0 && s->msReload + SERVER_HUP_GAP_MS - server_now_ms()
                       > msWait ){
    msWait = s->msReload + SERVER_HUP_GAP_MS - server_now_ms();
  }
  tv.tv_sec = (time_t)(msWait/1000);
  tv.tv_usec = (suseconds_t)(msWait%1000)*1000;
  if( event_add(s->evReload, &tv)!=0 ){
    log_msg(LOG_ERROR, "SIGHUP: cannot schedule the reload; reloading now");
    server_on_reload(-1, 0, s);
  }
}

static void server_on_signal(evutil_socket_t sig, short what, void *pArg){
  struct server *s = (struct server*)pArg;
  int i;
  (void)what;
  if( sig==SIGHUP ){
    server_on_hup(s);
    return;
  }
  event_del(s->evReload);
  log_msg(LOG_INFO, "signal %d: finishing requests in flight, then exiting",
          (int)sig);
  for(i=0; i<s->nWorker; i++) worker_stop(s->apWorker[i]);
  event_base_loopexit(s->base, 0);
}

/* Signal events on the main base. */
static int server_signals(struct server *s){
  s->evHup = evsignal_new(s->base, SIGHUP, server_on_signal, s);
  s->evTerm = evsignal_new(s->base, SIGTERM, server_on_signal, s);
  s->evInt = evsignal_new(s->base, SIGINT, server_on_signal, s);
  s->evReload = evtimer_new(s->base, server_on_reload, s);
  if( s->evHup==0 || s->evTerm==0 || s->evInt==0 || s->evReload==0
   || evsignal_add(s->evHup, 0) || evsignal_add(s->evTerm, 0)
   || evsignal_add(s->evInt, 0) ){
    log_msg(LOG_ERROR, "cannot install signal handlers");
    return -1;
  }
  return 0;
}

/* Create every worker (each opens the database: a bad index stops here). */
static int server_workers(struct server *s){
  int i, nRoute = route_count();
  if( s->conf->nSearchThreads>0 ){
    char *zErr = 0;
    if( pool_new(s->conf, &s->gen, (int)s->conf->nSearchThreads, &s->pool,
                 &zErr) ){
      log_msg(LOG_ERROR, "%s", zErr ? zErr : "cannot start search threads");
      sqlite3_free(zErr);
      return -1;
    }
  }
  s->apWorker = calloc(s->conf->nThreads, sizeof(*s->apWorker));
  s->all.ap = calloc(s->conf->nThreads, sizeof(*s->all.ap));
  if( s->apWorker==0 || s->all.ap==0 ) return -1;
  for(i=0; i<s->conf->nThreads; i++){
    char *zErr = 0;
    if( metrics_new(nRoute, &s->all.ap[i]) ) return -1;
    s->all.n++;
    if( worker_new(s->conf, s->aFd[i], &s->gen, s->clients, s->pool,
                   s->all.ap[i],
                   &s->all, &s->apWorker[i], &zErr) ){
      log_msg(LOG_ERROR, "%s", zErr ? zErr : "cannot start worker");
      sqlite3_free(zErr);
      return -1;
    }
    s->nWorker++;
  }
  return 0;
}

static void server_free(struct server *s){
  int i;
  /* Workers leave their loops only when their pool jobs are back; then the
  ** pool can stop, and only then can the workers' inboxes go. */
  for(i=0; i<s->nWorker; i++) worker_join(s->apWorker[i]);
  pool_stop(s->pool);
  for(i=0; i<s->nWorker; i++) worker_free(s->apWorker[i]);
  pool_free(s->pool);
  for(i=0; i<s->all.n; i++) metrics_free(s->all.ap[i]);
  free(s->apWorker);
  free(s->all.ap);
  if( s->evHup ) event_free(s->evHup);
  if( s->evTerm ) event_free(s->evTerm);
  if( s->evInt ) event_free(s->evInt);
  if( s->evReload ) event_free(s->evReload);
  if( s->base ) event_base_free(s->base);
  for(i=0; i<s->nFd; i++) close(s->aFd[i]);
  free(s->aFd);
  clients_free(s->clients);
}

int server_run(const struct conf *conf){
  struct server s;
  int rc = -1, i, nStarted = 0;
  memset(&s, 0, sizeof(s));
  s.conf = conf;
  atomic_init(&s.gen, 0);
  s.base = event_base_new();
  server_fd_limit(conf);
  if( clients_new(conf->nMaxConns, conf->nMaxConnsPerClient, &s.clients) ){
    log_msg(LOG_ERROR, "out of memory");
    goto out;
  }
  if( s.base==0 || server_signals(&s) || server_listen(&s)
   || server_workers(&s) || server_accept(&s) ){
    goto out;
  }
  if( s.pool && (i = pool_start(s.pool))!=0 ){
    log_msg(LOG_ERROR, "cannot start thread: %s", strerror(i));
    goto out;
  }
  for(i=0; i<s.nWorker; i++){
    int e = worker_start(s.apWorker[i]);
    if( e ){
      log_msg(LOG_ERROR, "cannot start thread: %s", strerror(e));
      break;
    }
    nStarted++;
  }
  /* Ready means ready to correct too: the lexicon was made while the
  ** workers loaded (main.c); a client told the port waits for neither. */
  if( nStarted==s.nWorker && conf->pLexicon ){
    lexicon_share_wait(conf->pLexicon);
  }
  if( nStarted==s.nWorker && server_port_file(&s)==0 ){
    rc = event_base_dispatch(s.base)<0 ? -1 : 0;
  }
  for(i=0; rc!=0 && i<nStarted; i++) worker_stop(s.apWorker[i]);
out:
  server_free(&s);
  return rc;
}
