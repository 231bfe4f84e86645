/*
** alist.c: the assignments of GET /assignments from memory (alist.h).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/alist.h"

int alist_init(struct alist *p, const struct attrs *attrs,
               const struct alist_filter *f, long nKeep){
  int nAssign = attrs_assign_count(attrs);
  memset(p, 0, sizeof(*p));
  p->attrs = attrs;
  p->f = *f;
  p->nKeep = nKeep;
  p->a = malloc(sizeof(*p->a) * (size_t)(nKeep + 1));
  p->aSeen = calloc((size_t)nAssign/64 + 1, sizeof(uint64_t));
  return (p->a && p->aSeen) ? SQLITE_OK : SQLITE_NOMEM;
}

void alist_free(struct alist *p){
  free(p->a);
  free(p->aSeen);
  memset(p, 0, sizeof(*p));
}

int alist_before(const struct alist_entry *a, const struct alist_entry *b){
  if( a->t.last!=b->t.last ) return a->t.last > b->t.last;
  return a->iLatest < b->iLatest;
}

/* Does assignment t pass the filters? */
static int alist_ok(const struct alist_filter *f, const struct attr_assign *t){
  if( f->mStatus && !((f->mStatus >> t->cls) & 1) ) return 0;
  if( f->eOpen>=0 && (int)t->bOpen!=f->eOpen ) return 0;
  if( f->from && t->last<f->from ) return 0;
  if( f->to && t->first>f->to ) return 0;
  return f->iSeries==-1 || t->iSeries==f->iSeries;
}

/* Count x and keep it if it is among the nKeep first. */
static void alist_offer(struct alist *p, const struct alist_entry *x){
  struct alist_entry *a = p->a;
  int i, n = p->n;
  if( !alist_ok(&p->f, &x->t) ) return;
  p->nTotal++;
  if( p->nKeep<=0 ) return;
  if( n<p->nKeep ){
    for(i=n++; i>0 && alist_before(&a[(i-1)/2], x); i=(i-1)/2){
      a[i] = a[(i-1)/2];
    }
    a[i] = *x;
    p->n = n;
    return;
  }
  if( !alist_before(x, &a[0]) ) return;
  for(i=0;;){
    int l = 2*i+1, r = l+1, m = i;
    const struct alist_entry *pm = x;
    if( l<n && alist_before(pm, &a[l]) ){ m = l; pm = &a[l]; }
    if( r<n && alist_before(pm, &a[r]) ){ m = r; pm = &a[r]; }
    if( m==i ) break;
    a[i] = a[m];
    i = m;
  }
  a[i] = *x;
}

/* Offer row r (id): its assignment of several rows once, or itself. */
static void alist_offer_row(struct alist *p, const struct attr_row *r,
                            sqlite3_int64 id){
  struct alist_entry x;
  if( r->iAssign>=0 ){
    uint64_t m = (uint64_t)1 << (r->iAssign & 63);
    if( p->aSeen[r->iAssign>>6] & m ) return;
    p->aSeen[r->iAssign>>6] |= m;
  }
  attrs_assign_of(p->attrs, r, &x.t);
  x.iLatest = r->iAssign>=0 ? x.t.iLatest : id;
  alist_offer(p, &x);
}

void alist_add_row(struct alist *p, sqlite3_int64 id){
  const struct attr_row *r = attrs_find(p->attrs, id);
  if( r ) alist_offer_row(p, r, id);
}

void alist_add_all(struct alist *p){
  sqlite3_int64 iPos = 0, id = 0;
  const struct attr_row *r;
  while( (r = attrs_next_row(p->attrs, &iPos, &id))!=0 ){
    alist_offer_row(p, r, id);
  }
}

static int alist_cmp(const void *pA, const void *pB){
  const struct alist_entry *a = pA, *b = pB;
  if( alist_before(a, b) ) return -1;
  return alist_before(b, a);
}

void alist_finish(struct alist *p){
  qsort(p->a, (size_t)p->n, sizeof(*p->a), alist_cmp);
}
