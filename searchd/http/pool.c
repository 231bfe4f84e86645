/*
** pool.c: the shared search threads; see pool.h.
*/
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "log.h"
#include "http/clients.h"
#include "http/pool.h"

struct pool_thread {
  struct pool *pPool;
  struct dbenv env;
  unsigned iKick;                 /* the pool's iKick when last looked */
  pthread_t thread;
  int bStarted;
};

struct pool {
  const struct conf *conf;
  atomic_uint *pGen;
  pthread_mutex_t mu;
  pthread_cond_t cv;              /* a job was queued, or stopping */
  struct pool_job *pHead, *pTail; /* the clients' lines: each job here is
                                  ** the oldest of its client, the rest
                                  ** hang from it by pSame (pool.h) */
  int nQueued;
  int bStop;
  unsigned iKick;                 /* bumped by pool_kick() */
  int nThread;
  struct pool_thread *aThread;
};

struct pool_inbox {
  struct event *ev;               /* activated when the list gets a job */
  pthread_mutex_t mu;
  struct pool_job *pDone;         /* completed, newest first */
  int nPending;                   /* loop thread only */
};

/* Give a finished (or cancelled) job back to its inbox's loop. */
static void pool_deliver(struct pool_job *pJob){
  struct pool_inbox *pIn = pJob->pInbox;
  int bWake;
  pthread_mutex_lock(&pIn->mu);
  bWake = pIn->pDone==0;
  pJob->pNext = pIn->pDone;
  pIn->pDone = pJob;
  /* Under the mutex: once it is released, the loop may take the job, and
  ** pInbox must not be touched after that. */
  if( bWake ) event_active(pIn->ev, 0, 0);
  pthread_mutex_unlock(&pIn->mu);
}

unsigned long long pool_client_key(const void *p, size_t n){
  return hash_fnv1a(p, n);
}

unsigned long long pool_client_of(struct evhttp_request *req){
  struct evhttp_connection *pConn = evhttp_request_get_connection(req);
  const struct sockaddr *sa = pConn ? evhttp_connection_get_addr(pConn) : 0;
  struct clients_key k;
  memset(&k, 0, sizeof(k));
  if( sa ){
    socklen_t n = sa->sa_family==AF_INET6 ? sizeof(struct sockaddr_in6)
                                          : sizeof(struct sockaddr_in);
    if( clients_key(sa, n, &k)!=0 ) memset(&k, 0, sizeof(k));
  }
  return pool_client_key(k.a, sizeof(k.a));
}

double pool_ms_since(const struct timespec *t0){
  struct timespec t1;
  if( clock_gettime(CLOCK_MONOTONIC, &t1)!=0 ) return 0;
  return (t1.tv_sec - t0->tv_sec)*1e3 + (t1.tv_nsec - t0->tv_nsec)/1e6;
}

/* Append pJob (with its pSame chain) as the last client's line. */
static void pool_append_line(struct pool *p, struct pool_job *pJob){
  pJob->pNext = 0;
  if( p->pTail ) p->pTail->pNext = pJob;
  else p->pHead = pJob;
  p->pTail = pJob;
}

/* Take the first job of the first line; the client's next job, if any,
** goes to the back. Call with mu held and the queue not empty. */
static struct pool_job *pool_pop(struct pool *p){
  struct pool_job *pJob = p->pHead, *pNext = pJob->pSame;
  p->pHead = pJob->pNext;
  if( p->pHead==0 ) p->pTail = 0;
  if( pNext ){
    pNext->pSameTail = pJob->pSameTail;
    pool_append_line(p, pNext);
  }
  pJob->pNext = pJob->pSame = pJob->pSameTail = 0;
  p->nQueued--;
  return pJob;
}

/*
** Wait for the next job (into *ppJob) or a pool_kick() (*ppJob NULL).
** Returns 0 once stopping.
*/
static int pool_take(struct pool *p, struct pool_thread *t,
                     struct pool_job **ppJob){
  int bRun;
  *ppJob = 0;
  pthread_mutex_lock(&p->mu);
  while( p->pHead==0 && !p->bStop && t->iKick==p->iKick ){
    pthread_cond_wait(&p->cv, &p->mu);
  }
  t->iKick = p->iKick;
  bRun = !p->bStop;
  if( bRun && p->pHead ) *ppJob = pool_pop(p);
  pthread_mutex_unlock(&p->mu);
  return bRun;
}

static void *pool_main(void *pArg){
  struct pool_thread *t = (struct pool_thread*)pArg;
  struct pool *p = t->pPool;
  struct pool_job *pJob;
  while( pool_take(p, t, &pJob) ){
    dbenv_reopen(p->conf, atomic_load(p->pGen), &t->env);
    if( pJob ){
      pJob->xRun(pJob, &t->env);
      pool_deliver(pJob);
    }
  }
  return 0;
}

void pool_kick(struct pool *p){
  if( p==0 ) return;
  pthread_mutex_lock(&p->mu);
  p->iKick++;
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

int pool_new(const struct conf *conf, atomic_uint *pGen, int nThread,
             struct pool **ppOut, char **pzErr){
  struct pool *p = calloc(1, sizeof(*p));
  int i, rc = 0;
  *pzErr = 0;
  *ppOut = 0;
  if( p ) p->aThread = calloc(nThread, sizeof(*p->aThread));
  if( p==0 || p->aThread==0 ){
    free(p);
    *pzErr = sqlite3_mprintf("out of memory");
    return -1;
  }
  p->conf = conf;
  p->pGen = pGen;
  pthread_mutex_init(&p->mu, 0);
  pthread_cond_init(&p->cv, 0);
  for(i=0; i<nThread && rc==0; i++){
    p->aThread[i].pPool = p;
    rc = dbenv_open(conf, DBENV_LOAD, atomic_load(pGen), &p->aThread[i].env,
                    pzErr);
    p->nThread++;
  }
  if( rc!=0 ){
    pool_free(p);
    return -1;
  }
  *ppOut = p;
  return 0;
}

int pool_start(struct pool *p){
  int i, e = 0;
  for(i=0; i<p->nThread && e==0; i++){
    e = pthread_create(&p->aThread[i].thread, 0, pool_main, &p->aThread[i]);
    if( e==0 ) p->aThread[i].bStarted = 1;
  }
  return e;
}

int pool_submit(struct pool *p, struct pool_job *pJob){
  struct pool_inbox *pIn = pJob->pInbox;
  int rc = 0;
  pthread_mutex_lock(&p->mu);
  if( p->bStop ){
    rc = -1;
  }else{
    struct pool_job *pLine = p->pHead;
    while( pLine && pLine->iClient!=pJob->iClient ) pLine = pLine->pNext;
    pJob->bCancelled = 0;
    pJob->pSame = pJob->pSameTail = 0;
    if( pLine ){
      if( pLine->pSameTail ) pLine->pSameTail->pSame = pJob;
      else pLine->pSame = pJob;
      pLine->pSameTail = pJob;
    }else{
      pool_append_line(p, pJob);
    }
    p->nQueued++;
    pthread_cond_signal(&p->cv);
  }
  pthread_mutex_unlock(&p->mu);
  if( rc==0 ) pIn->nPending++;
  return rc;
}

int pool_queued(struct pool *p){
  int n;
  pthread_mutex_lock(&p->mu);
  n = p->nQueued;
  pthread_mutex_unlock(&p->mu);
  return n;
}

void pool_stop(struct pool *p){
  struct pool_job *pJob, *pList = 0;
  int i;
  if( p==0 ) return;
  pthread_mutex_lock(&p->mu);
  p->bStop = 1;
  pthread_cond_broadcast(&p->cv);
  while( p->pHead ){                /* delivered once the lock is let go */
    pJob = pool_pop(p);
    pJob->pNext = pList;
    pList = pJob;
  }
  pthread_mutex_unlock(&p->mu);
  while( pList ){
    pJob = pList;
    pList = pList->pNext;
    pJob->bCancelled = 1;
    pool_deliver(pJob);
  }
  for(i=0; i<p->nThread; i++){
    if( p->aThread[i].bStarted ) pthread_join(p->aThread[i].thread, 0);
    p->aThread[i].bStarted = 0;
  }
}

void pool_free(struct pool *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<p->nThread; i++) dbenv_close(&p->aThread[i].env);
  pthread_cond_destroy(&p->cv);
  pthread_mutex_destroy(&p->mu);
  free(p->aThread);
  free(p);
}

/* The inbox's event: run xDone of every job back, oldest first. */
static void pool_inbox_on_done(evutil_socket_t fd, short what, void *pArg){
  struct pool_inbox *pIn = (struct pool_inbox*)pArg;
  struct pool_job *pList, *pOld = 0;
  (void)fd; (void)what;
  pthread_mutex_lock(&pIn->mu);
  pList = pIn->pDone;
  pIn->pDone = 0;
  pthread_mutex_unlock(&pIn->mu);
  while( pList ){                  /* reverse: newest first -> oldest first */
    struct pool_job *pNext = pList->pNext;
    pList->pNext = pOld;
    pOld = pList;
    pList = pNext;
  }
  while( pOld ){
    struct pool_job *pNext = pOld->pNext;
    pIn->nPending--;
    pOld->xDone(pOld);
    pOld = pNext;
  }
}

int pool_inbox_new(struct event_base *base, struct pool_inbox **ppOut){
  struct pool_inbox *p = calloc(1, sizeof(*p));
  *ppOut = 0;
  if( p==0 ) return -1;
  p->ev = event_new(base, -1, 0, pool_inbox_on_done, p);
  if( p->ev==0 ){
    free(p);
    return -1;
  }
  pthread_mutex_init(&p->mu, 0);
  *ppOut = p;
  return 0;
}

int pool_inbox_pending(const struct pool_inbox *p){
  return p->nPending;
}

void pool_inbox_free(struct pool_inbox *p){
  if( p==0 ) return;
  pool_inbox_on_done(-1, 0, p);
  event_free(p->ev);
  pthread_mutex_destroy(&p->mu);
  free(p);
}
