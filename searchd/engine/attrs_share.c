/*
** attrs_share.c: row attributes shared by generation; see attrs_share.h.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "engine/attrs.h"
#include "engine/attrs_share.h"

/* One generation's copy. While bLoading, a is NULL and one thread is
** loading it; the others wait on cv for it. */
struct share_entry {
  char *zGen;                     /* meta's generation token; NULL: a
                                  ** copy of an index without one, never
                                  ** shared */
  struct attrs *a;
  int nRef;
  int bLoading;
  struct share_entry *pNext;
};

struct attrs_share {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct share_entry *pList;
};

int attrs_share_new(struct attrs_share **ppOut){
  struct attrs_share *p = calloc(1, sizeof(*p));
  if( p && pthread_mutex_init(&p->mu, 0)!=0 ){
    free(p);
    p = 0;
  }
  if( p && pthread_cond_init(&p->cv, 0)!=0 ){
    pthread_mutex_destroy(&p->mu);
    free(p);
    p = 0;
  }
  *ppOut = p;
  return p ? SQLITE_OK : SQLITE_NOMEM;
}

static void share_entry_free(struct share_entry *e){
  attrs_free(e->a);
  sqlite3_free(e->zGen);
  free(e);
}

void attrs_share_free(struct attrs_share *p){
  if( p==0 ) return;
  while( p->pList ){
    struct share_entry *e = p->pList;
    p->pList = e->pNext;
    share_entry_free(e);
  }
  pthread_cond_destroy(&p->cv);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

/* Unlink e from p's list (the mutex held). */
static void share_unlink(struct attrs_share *p, struct share_entry *e){
  struct share_entry **pp = &p->pList;
  while( *pp && *pp!=e ) pp = &(*pp)->pNext;
  if( *pp ) *pp = e->pNext;
}

/* The entry of token zGen, once no thread is loading it (the mutex held;
** waits without it), or NULL. */
static struct share_entry *share_find(struct attrs_share *p,
                                      const char *zGen){
  for(;;){
    struct share_entry *e = p->pList;
    while( e && (e->zGen==0 || strcmp(e->zGen, zGen)!=0) ) e = e->pNext;
    if( e==0 || !e->bLoading ) return e;
    pthread_cond_wait(&p->cv, &p->mu);
  }
}

/*
** Load generation zGen (owned: freed here; NULL: a copy for this caller
** alone) for p and this caller, with the others of that token waiting
** meanwhile. Called with the mutex held; returns without it.
*/
static int share_load(struct attrs_share *p, sqlite3 *db, char *zGen,
                      const struct attrs **ppOut){
  struct share_entry *e = calloc(1, sizeof(*e));
  struct attrs *a = 0;
  int rc = SQLITE_NOMEM;
  if( e==0 ){
    pthread_mutex_unlock(&p->mu);
    sqlite3_free(zGen);
    return rc;
  }
  e->zGen = zGen;
  e->nRef = 1;
  e->bLoading = 1;
  e->pNext = p->pList;
  p->pList = e;
  pthread_mutex_unlock(&p->mu);
  rc = attrs_load(db, &a);
  pthread_mutex_lock(&p->mu);
  e->bLoading = 0;
  if( rc==SQLITE_OK ){
    e->a = a;
    *ppOut = a;
  }else{
    share_unlink(p, e);
    share_entry_free(e);
  }
  pthread_cond_broadcast(&p->cv);
  pthread_mutex_unlock(&p->mu);
  return rc;
}

int attrs_share_get(struct attrs_share *p, sqlite3 *db,
                    const struct attrs **ppOut){
  char *zGen = 0;
  struct share_entry *e;
  int rc = db_meta_get(db, "generation", &zGen);
  *ppOut = 0;
  if( rc!=SQLITE_OK ) return rc;
  pthread_mutex_lock(&p->mu);
  e = zGen ? share_find(p, zGen) : 0;
  if( e==0 ) return share_load(p, db, zGen, ppOut);
  e->nRef++;
  *ppOut = e->a;
  pthread_mutex_unlock(&p->mu);
  sqlite3_free(zGen);
  return SQLITE_OK;
}

void attrs_share_release(struct attrs_share *p, const struct attrs *a){
  struct share_entry *e;
  if( a==0 ) return;
  pthread_mutex_lock(&p->mu);
  for(e=p->pList; e && e->a!=a; e=e->pNext){}
  if( e && --e->nRef==0 ){
    share_unlink(p, e);
  }else{
    e = 0;
  }
  pthread_mutex_unlock(&p->mu);
  if( e ) share_entry_free(e);
}

int attrs_share_count(struct attrs_share *p){
  struct share_entry *e;
  int n = 0;
  pthread_mutex_lock(&p->mu);
  for(e=p->pList; e; e=e->pNext) n += e->a!=0;
  pthread_mutex_unlock(&p->mu);
  return n;
}
