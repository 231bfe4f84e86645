/*
** cache.c: LRU map: chained hash table plus a doubly linked recency list.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/cache.h"
#include "hash.h"

struct cache_entry {
  struct cache_entry *pChain;     /* next in the hash bucket */
  struct cache_entry *pPrev, *pNext;   /* recency: head is most recent */
  uint64_t h;
  char *zKey;
  char *zVal;
  size_t nVal;
};

struct cache {
  long nMax, n;
  size_t nBucket;                 /* a power of two */
  struct cache_entry **aBucket;
  struct cache_entry *pHead, *pTail;
};

int cache_new(long nMax, struct cache **ppOut){
  struct cache *p = 0;
  int rc = 0;
  if( nMax>0 ){
    p = calloc(1, sizeof(*p));
    if( p ){
      p->nMax = nMax;
      p->nBucket = 16;
      while( p->nBucket < (size_t)nMax*2 ) p->nBucket *= 2;
      p->aBucket = calloc(p->nBucket, sizeof(*p->aBucket));
    }
    if( p==0 || p->aBucket==0 ){
      free(p);
      p = 0;
      rc = -1;
    }
  }
  *ppOut = p;
  return rc;
}

static void cache_unlink(struct cache *p, struct cache_entry *e){
  struct cache_entry **pp = &p->aBucket[e->h & (p->nBucket-1)];
  while( *pp!=e ) pp = &(*pp)->pChain;
  *pp = e->pChain;
  if( e->pPrev ) e->pPrev->pNext = e->pNext; else p->pHead = e->pNext;
  if( e->pNext ) e->pNext->pPrev = e->pPrev; else p->pTail = e->pPrev;
  p->n--;
}

static void cache_entry_free(struct cache_entry *e){
  if( e ){
    free(e->zKey);
    free(e->zVal);
    free(e);
  }
}

static void cache_push_front(struct cache *p, struct cache_entry *e){
  e->pPrev = 0;
  e->pNext = p->pHead;
  if( p->pHead ) p->pHead->pPrev = e; else p->pTail = e;
  p->pHead = e;
}

static struct cache_entry *cache_find(struct cache *p, const char *zKey,
                                      uint64_t h){
  struct cache_entry *e = p->aBucket[h & (p->nBucket-1)];
  while( e && (e->h!=h || strcmp(e->zKey, zKey)!=0) ) e = e->pChain;
  return e;
}

const char *cache_get(struct cache *p, const char *zKey, size_t *pn){
  struct cache_entry *e;
  if( p==0 ) return 0;
  e = cache_find(p, zKey, hash_fnv1a_str(zKey));
  if( e==0 ) return 0;
  if( e!=p->pHead ){
    if( e->pPrev ) e->pPrev->pNext = e->pNext;
    if( e->pNext ) e->pNext->pPrev = e->pPrev; else p->pTail = e->pPrev;
    cache_push_front(p, e);
  }
  *pn = e->nVal;
  return e->zVal;
}

int cache_put(struct cache *p, const char *zKey, const char *z, size_t n){
  struct cache_entry *e, *pOld;
  uint64_t h;
  size_t nKey;
  if( p==0 ) return 0;
  h = hash_fnv1a_str(zKey);
  nKey = strlen(zKey);
  e = calloc(1, sizeof(*e));
  if( e ){
    e->zKey = malloc(nKey+1);
    e->zVal = malloc(n ? n : 1);
  }
  if( e==0 || e->zKey==0 || e->zVal==0 ){
    cache_entry_free(e);
    return -1;
  }
  memcpy(e->zKey, zKey, nKey+1);
  if( n>0 ) memcpy(e->zVal, z, n);   /* an empty value may come as NULL */
  e->nVal = n;
  e->h = h;
  pOld = cache_find(p, zKey, h);
  if( pOld ){ cache_unlink(p, pOld); cache_entry_free(pOld); }
  if( p->n>=p->nMax ){
    pOld = p->pTail;
    cache_unlink(p, pOld);
    cache_entry_free(pOld);
  }
  e->pChain = p->aBucket[h & (p->nBucket-1)];
  p->aBucket[h & (p->nBucket-1)] = e;
  cache_push_front(p, e);
  p->n++;
  return 0;
}

void cache_clear(struct cache *p){
  if( p==0 ) return;
  while( p->pHead ){
    struct cache_entry *e = p->pHead;
    cache_unlink(p, e);
    cache_entry_free(e);
  }
}

void cache_free(struct cache *p){
  if( p ){
    cache_clear(p);
    free(p->aBucket);
    free(p);
  }
}

long cache_count(const struct cache *p){
  return p ? p->n : 0;
}
