/*
** cands.c: the first pass's candidates (cands.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/cands.h"

/* An assignment kept: its best row's key, its rows. */
struct cand_group {
  struct pass_cand best;
  int iHead;                      /* its first row in the pool */
};

static void cands_unpos(struct cands *c, const struct cand_group *g);

int cands_init(struct cands *c, int nMax, int nMin, int *aPos){
  memset(c, 0, sizeof(*c));
  c->nMax = nMax;
  c->nMin = nMin;
  c->bCollapse = aPos!=0;
  c->aPos = aPos;
  c->iFree = -1;
  if( !c->bCollapse ){
    c->a = malloc(sizeof(*c->a) * (nMax + 1));
    c->nAlloc = nMax + 1;
    return c->a ? SQLITE_OK : SQLITE_NOMEM;
  }
  c->nGrpAlloc = nMin + 16;
  c->aGrp = malloc(sizeof(*c->aGrp) * c->nGrpAlloc);
  return c->aGrp ? SQLITE_OK : SQLITE_NOMEM;
}

void cands_free(struct cands *c){
  int i;
  for(i=0; c->aPos && i<c->nGrp; i++) cands_unpos(c, &c->aGrp[i]);
  free(c->a);
  free(c->aNext);
  free(c->aGrp);
  memset(c, 0, sizeof(*c));
}

/* Keep the nMax best rows: a max-heap, worst on top. */
static void cands_push_row(struct cands *c, const struct pass_cand *x){
  struct pass_cand *a = c->a;
  int i, n = c->n;
  if( n<c->nMax ){
    for(i=n++; i>0 && cands_worse(x, &a[(i-1)/2]); i=(i-1)/2){
      a[i] = a[(i-1)/2];
    }
    a[i] = *x;
    c->n = n;
    return;
  }
  if( !cands_worse(&a[0], x) ) return;
  i = 0;
  for(;;){
    int l = 2*i+1, r = l+1, m = i;
    const struct pass_cand *v = x;
    if( l<n && cands_worse(&a[l], v) ){ m = l; v = &a[l]; }
    if( r<n && cands_worse(&a[r], v) ) m = r;
    if( m==i ) break;
    a[i] = a[m];
    i = m;
  }
  a[i] = *x;
}

/* Forget where group g is (a row of its own has no slot). */
static void cands_unpos(struct cands *c, const struct cand_group *g){
  if( g->best.iAssign>=0 ) c->aPos[g->best.iAssign] = 0;
}

/* Put group g at slot i of the group heap, its position noted. */
static void cands_put(struct cands *c, int i, const struct cand_group *g){
  c->aGrp[i] = *g;
  if( g->best.iAssign>=0 ) c->aPos[g->best.iAssign] = i + 1;
}

/* Move group g, placed at slot i, up or down to where it belongs. */
static void cands_sift(struct cands *c, int i, struct cand_group g){
  while( i>0 && cands_worse(&g.best, &c->aGrp[(i-1)/2].best) ){
    cands_put(c, i, &c->aGrp[(i-1)/2]);
    i = (i-1)/2;
  }
  for(;;){
    int l = 2*i+1, r = l+1, m = i;
    const struct pass_cand *v = &g.best;
    if( l<c->nGrp && cands_worse(&c->aGrp[l].best, v) ){
      m = l; v = &c->aGrp[l].best;
    }
    if( r<c->nGrp && cands_worse(&c->aGrp[r].best, v) ) m = r;
    if( m==i ) break;
    cands_put(c, i, &c->aGrp[m]);
    i = m;
  }
  cands_put(c, i, &g);
}

/* A pool slot holding x, linked before iNext, into *piOut. */
static int cands_alloc(struct cands *c, const struct pass_cand *x, int iNext,
                       int *piOut){
  int i = c->iFree;
  if( i>=0 ){
    c->iFree = c->aNext[i];
  }else{
    if( c->n>=c->nAlloc ){
      int nNew = c->nAlloc ? c->nAlloc*2 : 2*c->nMax + 16;
      struct pass_cand *a = realloc(c->a, sizeof(*a) * nNew);
      int *aNext = a ? realloc(c->aNext, sizeof(*aNext) * nNew) : 0;
      if( a ) c->a = a;
      if( aNext==0 ) return SQLITE_NOMEM;
      c->aNext = aNext;
      c->nAlloc = nNew;
    }
    i = c->n++;
  }
  c->a[i] = *x;
  c->aNext[i] = iNext;
  c->nLive++;
  *piOut = i;
  return SQLITE_OK;
}

/* Free the rows of group g into the free list. */
static void cands_release(struct cands *c, const struct cand_group *g){
  int i = g->iHead;
  while( i>=0 ){
    int iNext = c->aNext[i];
    c->aNext[i] = c->iFree;
    c->iFree = i;
    c->nLive--;
    i = iNext;
  }
}

/* Drop the worst groups while the rows are over budget and more than the
** least number of groups are kept. */
static void cands_trim(struct cands *c){
  while( c->nLive>c->nMax && c->nGrp>c->nMin ){
    cands_release(c, &c->aGrp[0]);
    cands_unpos(c, &c->aGrp[0]);
    if( --c->nGrp>0 ) cands_sift(c, 0, c->aGrp[c->nGrp]);
  }
}

/* Room for one more group. */
static int cands_grow(struct cands *c){
  struct cand_group *a;
  if( c->nGrp<c->nGrpAlloc ) return SQLITE_OK;
  a = realloc(c->aGrp, sizeof(*a) * c->nGrpAlloc * 2);
  if( a==0 ) return SQLITE_NOMEM;
  c->aGrp = a;
  c->nGrpAlloc *= 2;
  return SQLITE_OK;
}

/*
** Collapsing: add x to its kept assignment, or keep its assignment; then
** drop the worst assignments that no longer fit the rows' budget. A new
** assignment no better than the worst kept, with the budget full, would be
** dropped at once: it is not added.
*/
static int cands_push_group(struct cands *c, const struct pass_cand *x){
  int iPos = x->iAssign>=0 ? c->aPos[x->iAssign] : 0, rc;
  struct cand_group g;
  if( iPos>0 ){
    g = c->aGrp[iPos-1];
    rc = cands_alloc(c, x, g.iHead, &g.iHead);
    if( rc==SQLITE_OK && cands_worse(&g.best, x) ) g.best = *x;
    if( rc==SQLITE_OK ) cands_sift(c, iPos-1, g);
  }else{
    if( c->nGrp>=c->nMin && c->nLive>=c->nMax
     && !cands_worse(&c->aGrp[0].best, x) ){
      return SQLITE_OK;
    }
    g.best = *x;
    rc = cands_grow(c);
    if( rc==SQLITE_OK ) rc = cands_alloc(c, x, -1, &g.iHead);
    if( rc==SQLITE_OK ) cands_sift(c, c->nGrp++, g);
  }
  if( rc==SQLITE_OK ) cands_trim(c);
  return rc;
}

int cands_push(struct cands *c, const struct pass_cand *x){
  if( c->nMax<=0 ) return SQLITE_OK;
  if( !c->bCollapse ){
    cands_push_row(c, x);
    return SQLITE_OK;
  }
  return cands_push_group(c, x);
}

int cands_finish(struct cands *c, struct pass_cand **paOut, int *pnOut){
  int i, n = 0;
  if( c->bCollapse ){
    /* Compact the kept groups' rows to the front of the pool. */
    struct pass_cand *a = malloc(sizeof(*a) * (c->n + 1));
    if( a==0 ) return SQLITE_NOMEM;
    for(i=0; i<c->nGrp; i++){
      int j;
      for(j=c->aGrp[i].iHead; j>=0; j=c->aNext[j]) a[n++] = c->a[j];
    }
    free(c->a);
    c->a = a;
    c->n = n;
  }
  *paOut = c->a;
  *pnOut = c->n;
  return SQLITE_OK;
}
