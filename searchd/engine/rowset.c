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

uint64_t rowset_sum_from(const struct rowset *p, sqlite3_int64 iFrom){
  uint64_t h = 0;
  sqlite3_int64 i;
  if( iFrom<0 ) iFrom = 0;
  for(i=iFrom/64; i<p->nWord; i++){
    uint64_t w = p->a[i];
    if( i==iFrom/64 ) w &= ~(uint64_t)0 << (iFrom % 64);
    while( w ){
      h += (uint64_t)(i*64 + __builtin_ctzll(w));
      w &= w - 1;
    }
  }
  return h;
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

/*
** rowset_count_split()'s loop, inlined into a build for CPUs with a
** popcount instruction and one for any other: without it,
** __builtin_popcountll is a call into libgcc for every word.
*/
static inline __attribute__((always_inline)) void rowset_split_words(
    const struct rowset *p, const struct rowset *const *aQ, int nQ,
    const struct rowset *x, sqlite3_int64 iFrom, sqlite3_int64 iTo,
    sqlite3_int64 *an){
  sqlite3_int64 i, iLast = (iTo - 1) / 64;
  int k;
  for(i=iFrom/64; i<=iLast; i++){
    uint64_t w = p->a[i];
    if( x && i<x->nWord ) w &= ~x->a[i];
    if( i==iFrom/64 ) w &= ~(uint64_t)0 << (iFrom % 64);
    if( i==iLast ) w &= ~(uint64_t)0 >> (63 - (iTo - 1) % 64);
    if( w==0 ) continue;
    for(k=0; k<nQ; k++){
      if( i<aQ[k]->nWord ) an[k] += __builtin_popcountll(w & aQ[k]->a[i]);
    }
  }
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
__attribute__((target("popcnt")))
static void rowset_split_popcnt(const struct rowset *p,
                                const struct rowset *const *aQ, int nQ,
                                const struct rowset *x, sqlite3_int64 iFrom,
                                sqlite3_int64 iTo, sqlite3_int64 *an){
  rowset_split_words(p, aQ, nQ, x, iFrom, iTo, an);
}
#define ROWSET_HAS_POPCNT() __builtin_cpu_supports("popcnt")
#else
#define rowset_split_popcnt rowset_split_any
#define ROWSET_HAS_POPCNT() 0
#endif

static void rowset_split_any(const struct rowset *p,
                             const struct rowset *const *aQ, int nQ,
                             const struct rowset *x, sqlite3_int64 iFrom,
                             sqlite3_int64 iTo, sqlite3_int64 *an){
  rowset_split_words(p, aQ, nQ, x, iFrom, iTo, an);
}

void rowset_count_split(const struct rowset *p,
                        const struct rowset *const *aQ, int nQ,
                        const struct rowset *x, sqlite3_int64 iFrom,
                        sqlite3_int64 iTo, sqlite3_int64 *an){
  if( iFrom<0 ) iFrom = 0;
  if( iTo>p->nWord*64 ) iTo = p->nWord*64;
  if( iFrom>=iTo || nQ<=0 ) return;
  if( ROWSET_HAS_POPCNT() ){
    rowset_split_popcnt(p, aQ, nQ, x, iFrom, iTo, an);
  }else{
    rowset_split_any(p, aQ, nQ, x, iFrom, iTo, an);
  }
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
