/*
** early.c: the first pass's exact scores by rowid (early.h).
*/
#include <stdint.h>
#include <stdlib.h>

#include "engine/early.h"

struct early_slot {
  sqlite3_int64 id;
  double score;
  int bUsed;
};

_Static_assert(EARLY_SLOTS<=65536, "a slot's number fits aUsed");

struct early {
  struct early_slot aSlot[EARLY_SLOTS];
  int n;                          /* slots in use */
  /* The slots in use, so that clearing touches those (a query keeps some
  ** hundred rows) rather than the whole table (192 KB). */
  unsigned short aUsed[EARLY_MAX];
};

int early_new(struct early **ppOut){
  *ppOut = calloc(1, sizeof(**ppOut));
  return *ppOut ? SQLITE_OK : SQLITE_NOMEM;
}

void early_free(struct early *p){
  free(p);
}

void early_clear(struct early *p){
  int i;
  for(i=0; i<p->n; i++) p->aSlot[p->aUsed[i]].bUsed = 0;
  p->n = 0;
}

/* The slot of id: its entry, or the empty slot it would take. */
static struct early_slot *early_find(const struct early *p, sqlite3_int64 id){
  uint64_t h64 = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
  unsigned h = (unsigned)(h64 >> 32) & (EARLY_SLOTS-1);
  while( p->aSlot[h].bUsed && p->aSlot[h].id!=id ){
    h = (h+1) & (EARLY_SLOTS-1);
  }
  return (struct early_slot*)&p->aSlot[h];
}

void early_put(struct early *p, sqlite3_int64 id, double score){
  struct early_slot *e = early_find(p, id);
  if( !e->bUsed && p->n<EARLY_MAX ){
    e->bUsed = 1;
    e->id = id;
    p->aUsed[p->n++] = (unsigned short)(e - p->aSlot);
  }
  if( e->bUsed ) e->score = score;
}

int early_get(const struct early *p, sqlite3_int64 id, double *pScore){
  const struct early_slot *e = early_find(p, id);
  if( !e->bUsed ) return 0;
  *pScore = e->score;
  return 1;
}
