/*
** rowset.c: a set of rowids as a bitmap; see rowset.h.
*/
#include <stdlib.h>
#include <string.h>

#include "engine/rowset.h"

int rowset_init(struct rowset *p, sqlite3_int64 nMax){
  sqlite3_int64 nWord = nMax>0 ? (nMax + 63) / 64 : 0;
  p->a = 0;
  p->nWord = 0;
  if( nWord==0 ) return SQLITE_OK;
  p->a = calloc((size_t)nWord, sizeof(*p->a));
  if( p->a==0 ) return SQLITE_NOMEM;
  p->nWord = nWord;
  return SQLITE_OK;
}

void rowset_free(struct rowset *p){
  free(p->a);
  p->a = 0;
  p->nWord = 0;
}

int rowset_add(struct rowset *p, sqlite3_int64 id){
  if( id<0 || id/64>=p->nWord ) return -1;
  p->a[id/64] |= (uint64_t)1 << (id % 64);
  return 0;
}

void rowset_and(struct rowset *pDst, const struct rowset *pSrc){
  sqlite3_int64 i;
  for(i=0; i<pDst->nWord; i++){
    pDst->a[i] &= i<pSrc->nWord ? pSrc->a[i] : 0;
  }
}

void rowset_andnot(struct rowset *pDst, const struct rowset *pSrc){
  sqlite3_int64 i;
  for(i=0; i<pDst->nWord && i<pSrc->nWord; i++) pDst->a[i] &= ~pSrc->a[i];
}

sqlite3_int64 rowset_count_from(const struct rowset *p, sqlite3_int64 iFrom){
  sqlite3_int64 i, n = 0;
  if( iFrom<0 ) iFrom = 0;
  if( iFrom/64>=p->nWord ) return 0;
  /* the first word without the bits below iFrom */
  n = __builtin_popcountll(p->a[iFrom/64] >> (iFrom % 64));
  for(i=iFrom/64+1; i<p->nWord; i++) n += __builtin_popcountll(p->a[i]);
  return n;
}

sqlite3_int64 rowset_count_range(const struct rowset *p, sqlite3_int64 iFrom,
                                 sqlite3_int64 iTo){
  sqlite3_int64 i, n = 0, iLast;
  if( iFrom<0 ) iFrom = 0;
  if( iTo>p->nWord*64 ) iTo = p->nWord*64;
  if( iFrom>=iTo ) return 0;
  iLast = (iTo - 1) / 64;
  for(i=iFrom/64; i<=iLast; i++){
    uint64_t w = p->a[i];
    if( i==iFrom/64 ) w &= ~(uint64_t)0 << (iFrom % 64);
    if( i==iLast ) w &= ~(uint64_t)0 >> (63 - (iTo - 1) % 64);
    n += __builtin_popcountll(w);
  }
  return n;
}

/* Word i of p AND q AND NOT x (x may be NULL), with the bits outside
** [iFrom, iTo) cleared. */
static uint64_t rowset_word(const struct rowset *p, const struct rowset *q,
                            const struct rowset *x, sqlite3_int64 i,
                            sqlite3_int64 iFrom, sqlite3_int64 iTo){
  uint64_t w = p->a[i] & q->a[i];
  if( x && i<x->nWord ) w &= ~x->a[i];
  if( i==iFrom/64 ) w &= ~(uint64_t)0 << (iFrom % 64);
  if( i==(iTo - 1)/64 ) w &= ~(uint64_t)0 >> (63 - (iTo - 1) % 64);
  return w;
}

/* [iFrom, iTo) cut to the words of p and q: 0 if empty. */
static int rowset_clip(const struct rowset *p, const struct rowset *q,
                       sqlite3_int64 *piFrom, sqlite3_int64 *piTo){
  sqlite3_int64 nWord = p->nWord<q->nWord ? p->nWord : q->nWord;
  if( *piFrom<0 ) *piFrom = 0;
  if( *piTo>nWord*64 ) *piTo = nWord*64;
  return *piFrom < *piTo;
}

sqlite3_int64 rowset_count_and_range(const struct rowset *p,
                                     const struct rowset *q,
                                     const struct rowset *x,
                                     sqlite3_int64 iFrom, sqlite3_int64 iTo){
  sqlite3_int64 i, n = 0;
  if( !rowset_clip(p, q, &iFrom, &iTo) ) return 0;
  for(i=iFrom/64; i<=(iTo - 1)/64; i++){
    n += __builtin_popcountll(rowset_word(p, q, x, i, iFrom, iTo));
  }
  return n;
}

void rowset_each_and(const struct rowset *p, const struct rowset *q,
                     sqlite3_int64 iFrom, sqlite3_int64 iTo,
                     void (*xEach)(void*, sqlite3_int64), void *pCtx){
  sqlite3_int64 i;
  if( !rowset_clip(p, q, &iFrom, &iTo) ) return;
  for(i=iFrom/64; i<=(iTo - 1)/64; i++){
    uint64_t w = rowset_word(p, q, 0, i, iFrom, iTo);
    while( w ){
      xEach(pCtx, i*64 + __builtin_ctzll(w));
      w &= w - 1;
    }
  }
}

int rowset_min(const struct rowset *p, sqlite3_int64 *pId){
  sqlite3_int64 i;
  for(i=0; i<p->nWord; i++){
    if( p->a[i] ){
      *pId = i*64 + __builtin_ctzll(p->a[i]);
      return 1;
    }
  }
  return 0;
}

int rowset_prev(const struct rowset *p, sqlite3_int64 iBelow,
                sqlite3_int64 *pId){
  sqlite3_int64 i;
  uint64_t w;
  if( iBelow<=0 || p->nWord==0 ) return 0;
  if( iBelow>p->nWord*64 ) iBelow = p->nWord*64;
  i = (iBelow - 1) / 64;
  /* the bits of word i below iBelow: (iBelow-1)%64 and lower */
  w = p->a[i] & (~(uint64_t)0 >> (63 - (iBelow - 1) % 64));
  while( w==0 ){
    if( i==0 ) return 0;
    w = p->a[--i];
  }
  *pId = i*64 + 63 - __builtin_clzll(w);
  return 1;
}
