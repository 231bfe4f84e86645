/*
** hltext.c: the first pass's highlights and snippets by rowid (hltext.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/hltext.h"

struct hltext {
  struct hltext_row *aRow;        /* in the order kept */
  int n, nAlloc;
};

int hltext_new(struct hltext **ppOut){
  *ppOut = calloc(1, sizeof(**ppOut));
  return *ppOut ? SQLITE_OK : SQLITE_NOMEM;
}

void hltext_clear(struct hltext *p){
  int i;
  for(i=0; i<p->n; i++) free(p->aRow[i].zMem);
  p->n = 0;
}

void hltext_free(struct hltext *p){
  if( p==0 ) return;
  hltext_clear(p);
  free(p->aRow);
  free(p);
}

/* Room for one more row. */
static int hltext_grow(struct hltext *p){
  int nNew = p->nAlloc ? p->nAlloc*2 : 64;
  struct hltext_row *aNew;
  if( p->n<p->nAlloc ) return SQLITE_OK;
  aNew = realloc(p->aRow, sizeof(*aNew) * nNew);
  if( aNew==0 ) return SQLITE_NOMEM;
  p->aRow = aNew;
  p->nAlloc = nNew;
  return SQLITE_OK;
}

int hltext_put(struct hltext *p, sqlite3_int64 id, const char *zHl, int nHl,
               const char *zSnip, int nSnip){
  struct hltext_row *r;
  char *z;
  if( p->n>=HLTEXT_MAX ) return SQLITE_OK;
  if( hltext_grow(p) ) return SQLITE_NOMEM;
  /* One block: the highlight, its NUL, the snippet, its NUL. */
  z = malloc((size_t)nHl + (size_t)nSnip + 2);
  if( z==0 ) return SQLITE_NOMEM;
  r = &p->aRow[p->n++];
  r->id = id;
  r->zMem = z;
  r->zHl = z;
  r->nHl = zHl ? nHl : 0;
  if( zHl ) memcpy(z, zHl, nHl);
  z[r->nHl] = 0;
  r->zSnip = z + r->nHl + 1;
  r->nSnip = zSnip ? nSnip : 0;
  if( zSnip ) memcpy(r->zSnip, zSnip, nSnip);
  r->zSnip[r->nSnip] = 0;
  /* NULL stays NULL: the page leaves such a field out. */
  if( zHl==0 ) r->zHl = 0;
  if( zSnip==0 ) r->zSnip = 0;
  return SQLITE_OK;
}

const struct hltext_row *hltext_get(const struct hltext *p,
                                    sqlite3_int64 id){
  int i;
  /* The newest first: a row kept twice (it cannot be within one pass)
  ** would answer with its last texts. */
  for(i=p->n-1; i>=0; i--){
    if( p->aRow[i].id==id ) return &p->aRow[i];
  }
  return 0;
}
