/*
** attrs.c: row attributes in memory; see attrs.h.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/attrs.h"
#include "hash.h"

struct attrs {
  int n, nAlloc;
  sqlite3_int64 *aId;         /* the rows' ids, ascending; NULL if direct */
  struct attr_row *a;         /* row aId[i] at a[i], or if direct row id at
                              ** a[id] (iSource -1: no such row) */
  int nSource, nSourceAlloc;
  char **azSource;
  int nHash;                  /* power of two > 2 * nSource */
  int *aHash;                 /* source index + 1, 0 for empty */
  sqlite3_int64 nDirect;      /* a[] is direct, of this many slots; or 0 */
  sqlite3_int64 nLimit;       /* attrs_dense_limit() */
  int nRun;
  struct attr_run *aRun;      /* see attrs.h */
};

int attrs_date(const char *z){
  int i, v = 0;
  if( z==0 ) return 0;
  for(i=0; i<10; i++){
    if( i==4 || i==7 ){
      if( z[i]!='-' ) return 0;
    }else if( z[i]>='0' && z[i]<='9' ){
      v = v*10 + (z[i]-'0');
    }else{
      return 0;
    }
  }
  return z[10]==0 ? v : 0;
}

/* One SQLite varint of at most 32 bits at z[0..n): bytes read, 0 if none. */
static int attrs_varint32(const unsigned char *z, int n, uint32_t *pOut){
  uint64_t v = 0;
  int i;
  for(i=0; i<n && i<5; i++){
    v = (v<<7) | (z[i] & 0x7f);
    if( (z[i] & 0x80)==0 ){
      if( v>0xffffffffu ) return 0;
      *pOut = (uint32_t)v;
      return i+1;
    }
  }
  return 0;
}

int attrs_decode_sizes(const unsigned char *z, int n, unsigned short *aLen){
  int i, off = 0;
  for(i=0; z && i<ATTRS_NCOL; i++){
    uint32_t v = 0;
    int k = attrs_varint32(z + off, n - off, &v);
    if( k==0 ) break;
    off += k;
    aLen[i] = v>ATTRS_LEN_MAX ? ATTRS_LEN_MAX : (unsigned short)v;
  }
  if( z && i==ATTRS_NCOL && off==n ) return 0;
  for(i=0; i<ATTRS_NCOL; i++) aLen[i] = ATTRS_LEN_UNKNOWN;
  return -1;
}

/* Grow the source hash table to twice its size and rehash. */
static int attrs_rehash(struct attrs *p){
  int nNew = p->nHash ? p->nHash*2 : 64, i;
  int *aNew = calloc(nNew, sizeof(int));
  if( aNew==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->nSource; i++){
    int h = (int)(hash_fnv1a_str(p->azSource[i]) & (nNew-1));
    while( aNew[h] ) h = (h+1) & (nNew-1);
    aNew[h] = i+1;
  }
  free(p->aHash);
  p->aHash = aNew;
  p->nHash = nNew;
  return SQLITE_OK;
}

/* The index of source z, added if new. */
static int attrs_intern(struct attrs *p, const char *z, int *piOut){
  int h, rc = SQLITE_OK;
  if( p->nSource*2 >= p->nHash ) rc = attrs_rehash(p);
  if( rc!=SQLITE_OK ) return rc;
  h = (int)(hash_fnv1a_str(z) & (p->nHash-1));
  while( p->aHash[h] && strcmp(p->azSource[p->aHash[h]-1], z)!=0 ){
    h = (h+1) & (p->nHash-1);
  }
  if( p->aHash[h]==0 ){
    if( p->nSource>=p->nSourceAlloc ){
      int nNew = p->nSourceAlloc ? p->nSourceAlloc*2 : 64;
      char **azNew = realloc(p->azSource, nNew*sizeof(char*));
      if( azNew==0 ) return SQLITE_NOMEM;
      p->azSource = azNew;
      p->nSourceAlloc = nNew;
    }
    p->azSource[p->nSource] = strdup(z);
    if( p->azSource[p->nSource]==0 ) return SQLITE_NOMEM;
    p->aHash[h] = ++p->nSource;
  }
  *piOut = p->aHash[h]-1;
  return SQLITE_OK;
}

/* Room for nNew rows in aId[] and a[] (nNew >= p->n). */
static int attrs_resize(struct attrs *p, int nNew){
  sqlite3_int64 *aId = realloc(p->aId, (nNew ? nNew : 1)*sizeof(*aId));
  struct attr_row *a;
  if( aId==0 ) return SQLITE_NOMEM;
  p->aId = aId;
  a = realloc(p->a, (nNew ? nNew : 1)*sizeof(*a));
  if( a==0 ) return SQLITE_NOMEM;
  p->a = a;
  p->nAlloc = nNew;
  return SQLITE_OK;
}

/* Append one row (rows come in id order). */
static int attrs_add(struct attrs *p, sqlite3_stmt *pStmt){
  struct attr_row *r;
  const char *zSource = (const char*)sqlite3_column_text(pStmt, 2);
  if( p->n>=p->nAlloc && attrs_resize(p, p->nAlloc ? p->nAlloc*2 : 1024) ){
    return SQLITE_NOMEM;
  }
  p->aId[p->n] = sqlite3_column_int64(pStmt, 0);
  r = &p->a[p->n];
  r->date = attrs_date((const char*)sqlite3_column_text(pStmt, 1));
  attrs_decode_sizes(sqlite3_column_blob(pStmt, 3),
                     sqlite3_column_bytes(pStmt, 3), r->aLen);
  p->n++;
  return attrs_intern(p, zSource ? zSource : "", &r->iSource);
}

/*
** One more than the largest id if every id is at least 0 and that is at
** most nFactor times the rows (+ 1024), else 0.
*/
static sqlite3_int64 attrs_dense(const struct attrs *p, int nFactor){
  sqlite3_int64 nMax;
  if( p->n==0 || p->aId[0]<0 ) return 0;
  if( p->aId[p->n-1] > (sqlite3_int64)p->n*nFactor + 1024 ) return 0;
  nMax = p->aId[p->n-1] + 1;
  return nMax;
}

/*
** Ids are dense in practice (INTEGER PRIMARY KEY from 1): then a[] becomes
** a table indexed by id, which replaces the binary search (one lookup per
** matching row of a broad word showed in profiles) and, against an index
** of ids into a[], a cache miss per lookup: the first pass reads each
** scanned row's lengths, date and source. Up to twice as many slots as
** rows (16 bytes each); the rowid bitmaps (attrs_dense_limit) allow four.
*/
static int attrs_direct(struct attrs *p){
  sqlite3_int64 nMax = attrs_dense(p, 2), i;
  struct attr_row *a;
  if( nMax==0 ) return SQLITE_OK;
  a = malloc((size_t)nMax * sizeof(*a));
  if( a==0 ) return SQLITE_NOMEM;
  for(i=0; i<nMax; i++) a[i].iSource = -1;
  for(i=0; i<p->n; i++) a[p->aId[i]] = p->a[i];
  free(p->a);
  free(p->aId);
  p->a = a;
  p->aId = 0;
  p->nDirect = nMax;
  return SQLITE_OK;
}

/*
** Cut the rows (before attrs_direct()) into runs of consecutive ids of
** one date. Only for dense ids: the runs serve counting from rowid bitmaps,
** which need them (and ids then stay far from overflow).
*/
static int attrs_runs_build(struct attrs *p){
  int i, n = 0;
  if( p->nLimit==0 ) return SQLITE_OK;
  for(i=0; i<p->n; i++){
    if( i==0 || p->aId[i]!=p->aId[i-1]+1 || p->a[i].date!=p->a[i-1].date ){
      n++;
    }
  }
  p->aRun = malloc(sizeof(*p->aRun) * (n ? n : 1));
  if( p->aRun==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->n; i++){
    struct attr_run *r = p->nRun ? &p->aRun[p->nRun-1] : 0;
    if( r==0 || p->aId[i]!=r->iEnd || p->a[i].date!=r->date ){
      r = &p->aRun[p->nRun++];
      r->iFirst = p->aId[i];
      r->date = p->a[i].date;
    }
    r->iEnd = p->aId[i] + 1;
  }
  return SQLITE_OK;
}

const struct attr_run *attrs_runs(const struct attrs *p, int *pn){
  *pn = p->nRun;
  return p->aRun;
}

int attrs_load(sqlite3 *db, struct attrs **ppOut){
  struct attrs *p = calloc(1, sizeof(*p));
  sqlite3_stmt *pStmt = 0;
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v2(db,
        /* The docsize record is FTS5's (one varint per column, as
        ** fts5_storage.c writes it); a row without one, or a record of
        ** another shape, leaves its lengths unknown and rank.c asks
        ** xColumnSize() instead. */
        "SELECT a.id, r.date, a.source, d.sz FROM assignments a"
        " JOIN reports r ON r.id=a.report_id"
        " LEFT JOIN assignments_fts_docsize d ON d.id=a.id"
        " ORDER BY a.id", -1, &pStmt, 0);
  }
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    rc = attrs_add(p, pStmt);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  else sqlite3_finalize(pStmt);
  /* Shrink to fit: a worker keeps this until the index changes. */
  if( rc==SQLITE_OK && p->n<p->nAlloc ) rc = attrs_resize(p, p->n);
  if( rc==SQLITE_OK ) p->nLimit = attrs_dense(p, 4);
  if( rc==SQLITE_OK ) rc = attrs_runs_build(p);
  if( rc==SQLITE_OK ) rc = attrs_direct(p);
  if( rc!=SQLITE_OK ){
    attrs_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void attrs_free(struct attrs *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<p->nSource; i++) free(p->azSource[i]);
  free(p->azSource);
  free(p->aHash);
  free(p->aId);
  free(p->aRun);
  free(p->a);
  free(p);
}

const struct attr_row *attrs_find(const struct attrs *p, sqlite3_int64 id){
  int lo = 0, hi = p->n - 1;
  if( p->nDirect ){
    return (id>=0 && id<p->nDirect && p->a[id].iSource>=0) ? &p->a[id] : 0;
  }
  while( lo<=hi ){
    int mid = lo + (hi-lo)/2;
    if( p->aId[mid]==id ) return &p->a[mid];
    if( p->aId[mid]<id ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

sqlite3_int64 attrs_dense_limit(const struct attrs *p){
  return p->nLimit;
}

int attrs_source_count(const struct attrs *p){ return p->nSource; }
const char *attrs_source(const struct attrs *p, int i){
  return p->azSource[i];
}
