/*
** attrs.c: row attributes in memory; see attrs.h.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/attrs.h"
#include "sclass.h"
#include "hash.h"

/* Distinct strings (sources, series), each stored once. */
struct attrs_strs {
  int n, nAlloc;
  char **az;
  int nHash;                  /* power of two > 2 * n */
  int *aHash;                 /* string index + 1, 0 for empty */
};

struct attrs {
  int n, nAlloc;
  sqlite3_int64 *aId;         /* the rows' ids, ascending; NULL if direct */
  struct attr_row *a;         /* row aId[i] at a[i], or if direct row id at
                              ** a[id] (iSource -1: no such row) */
  struct attrs_strs source, series;
  int *aRowSeries;            /* while loading: each row's series */
  int *aNewest;               /* per series: its newest report date */
  int nAssign, nAssignAlloc;
  struct attr_assign *aAssign;
  int nPair;
  sqlite3_int64 nDirect;      /* a[] is direct, of this many slots; or 0 */
  sqlite3_int64 nLimit;       /* attrs_dense_limit() */
  int nRun;
  struct attr_run *aRun;      /* see attrs.h */
  struct rowset aClass[SCLASS_N];   /* empty unless nLimit */
  struct rowset multi;              /* the same */
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

/* Grow the hash table of t to twice its size and rehash. */
static int attrs_rehash(struct attrs_strs *t){
  int nNew = t->nHash ? t->nHash*2 : 64, i;
  int *aNew = calloc(nNew, sizeof(int));
  if( aNew==0 ) return SQLITE_NOMEM;
  for(i=0; i<t->n; i++){
    int h = (int)(hash_fnv1a_str(t->az[i]) & (nNew-1));
    while( aNew[h] ) h = (h+1) & (nNew-1);
    aNew[h] = i+1;
  }
  free(t->aHash);
  t->aHash = aNew;
  t->nHash = nNew;
  return SQLITE_OK;
}

/* The index of string z (NULL: "") in t, added if new. */
static int attrs_intern(struct attrs_strs *t, const char *z, int *piOut){
  int h, rc = SQLITE_OK;
  if( z==0 ) z = "";
  if( t->n*2 >= t->nHash ) rc = attrs_rehash(t);
  if( rc!=SQLITE_OK ) return rc;
  h = (int)(hash_fnv1a_str(z) & (t->nHash-1));
  while( t->aHash[h] && strcmp(t->az[t->aHash[h]-1], z)!=0 ){
    h = (h+1) & (t->nHash-1);
  }
  if( t->aHash[h]==0 ){
    if( t->n>=t->nAlloc ){
      int nNew = t->nAlloc ? t->nAlloc*2 : 64;
      char **azNew = realloc(t->az, nNew*sizeof(char*));
      if( azNew==0 ) return SQLITE_NOMEM;
      t->az = azNew;
      t->nAlloc = nNew;
    }
    t->az[t->n] = strdup(z);
    if( t->az[t->n]==0 ) return SQLITE_NOMEM;
    t->aHash[h] = ++t->n;
  }
  *piOut = t->aHash[h]-1;
  return SQLITE_OK;
}

static void attrs_strs_free(struct attrs_strs *t){
  int i;
  for(i=0; i<t->n; i++) free(t->az[i]);
  free(t->az);
  free(t->aHash);
}

/* Room for nNew rows in aId[], a[] and aRowSeries[] (nNew >= p->n). */
static int attrs_resize(struct attrs *p, int nNew){
  sqlite3_int64 *aId = realloc(p->aId, (nNew ? nNew : 1)*sizeof(*aId));
  struct attr_row *a;
  int *aS;
  if( aId==0 ) return SQLITE_NOMEM;
  p->aId = aId;
  a = realloc(p->a, (nNew ? nNew : 1)*sizeof(*a));
  if( a==0 ) return SQLITE_NOMEM;
  p->a = a;
  aS = realloc(p->aRowSeries, (nNew ? nNew : 1)*sizeof(*aS));
  if( aS==0 ) return SQLITE_NOMEM;
  p->aRowSeries = aS;
  p->nAlloc = nNew;
  return SQLITE_OK;
}

/* Append one row of ST_ROWS (rows come in id order). */
static int attrs_add(struct attrs *p, sqlite3_stmt *pStmt){
  struct attr_row *r;
  int rc;
  if( p->n>=p->nAlloc && attrs_resize(p, p->nAlloc ? p->nAlloc*2 : 1024) ){
    return SQLITE_NOMEM;
  }
  p->aId[p->n] = sqlite3_column_int64(pStmt, 0);
  r = &p->a[p->n];
  memset(r, 0, sizeof(*r));
  r->date = attrs_date((const char*)sqlite3_column_text(pStmt, 1));
  attrs_decode_sizes(sqlite3_column_blob(pStmt, 3),
                     sqlite3_column_bytes(pStmt, 3), r->aLen);
  r->cls = (unsigned char)sclass_of((const char*)sqlite3_column_text(pStmt, 4));
  r->iAssign = -1;
  rc = attrs_intern(&p->source, (const char*)sqlite3_column_text(pStmt, 2),
                    &r->iSource);
  if( rc==SQLITE_OK ){
    rc = attrs_intern(&p->series, (const char*)sqlite3_column_text(pStmt, 5),
                      &p->aRowSeries[p->n]);
  }
  p->n++;
  return rc;
}

/* A new assignment, zeroed, into *piOut. */
static int attrs_assign_new(struct attrs *p, int *piOut){
  if( p->nAssign>=p->nAssignAlloc ){
    int nNew = p->nAssignAlloc ? p->nAssignAlloc*2 : 1024;
    struct attr_assign *aNew = realloc(p->aAssign, nNew*sizeof(*aNew));
    if( aNew==0 ) return SQLITE_NOMEM;
    p->aAssign = aNew;
    p->nAssignAlloc = nNew;
  }
  memset(&p->aAssign[p->nAssign], 0, sizeof(*p->aAssign));
  *piOut = p->nAssign++;
  return SQLITE_OK;
}

/* The index in aId[] (before attrs_direct()) of row id, or -1. */
static int attrs_index(const struct attrs *p, sqlite3_int64 id){
  int lo = 0, hi = p->n - 1;
  while( lo<=hi ){
    int mid = lo + (hi-lo)/2;
    if( p->aId[mid]==id ) return mid;
    if( p->aId[mid]<id ) lo = mid+1; else hi = mid-1;
  }
  return -1;
}

/* Append the assignment of thread row pT (ST_THREADS). */
static int attrs_thread(struct attrs *p, sqlite3_stmt *pT, int *piOut){
  struct attr_assign *t;
  int rc = attrs_assign_new(p, piOut);
  if( rc!=SQLITE_OK ) return rc;
  t = &p->aAssign[*piOut];
  t->first = attrs_date((const char*)sqlite3_column_text(pT, 2));
  t->last = attrs_date((const char*)sqlite3_column_text(pT, 3));
  t->nOcc = sqlite3_column_int(pT, 4);
  t->bOpen = sqlite3_column_int(pT, 5)!=0;
  t->cls = (unsigned char)sclass_of((const char*)sqlite3_column_text(pT, 6));
  t->iLatest = sqlite3_column_int64(pT, 7);
  return attrs_intern(&p->series, (const char*)sqlite3_column_text(pT, 1),
                      &t->iSeries);
}

/*
** Number the threads in id order and give each row its thread: a merge of
** the threads (by primary key) and the linked rows (by assignments_aid),
** both sorted by the id, so no id string is kept. A row whose id names no
** thread stays without one (iAssign -1).
*/
static int attrs_threads(sqlite3 *db, struct attrs *p){
  sqlite3_stmt *pT = 0, *pR = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT id, series, first_seen, last_seen,"
      " occurrences, open, status_class, latest FROM assignment_threads"
      " ORDER BY id",
      -1, &pT, 0);
  int eT = SQLITE_DONE, eR = SQLITE_DONE;
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v2(db, "SELECT assignment_id, id"
      " FROM assignments WHERE assignment_id IS NOT NULL"
      " ORDER BY assignment_id", -1, &pR, 0);
  if( rc==SQLITE_OK ){ eT = sqlite3_step(pT); eR = sqlite3_step(pR); }
  while( rc==SQLITE_OK && eT==SQLITE_ROW ){
    const char *zT = (const char*)sqlite3_column_text(pT, 0);
    int iA = 0, c = -1;
    rc = attrs_thread(p, pT, &iA);
    while( rc==SQLITE_OK && eR==SQLITE_ROW && zT
        && (c = strcmp((const char*)sqlite3_column_text(pR, 0), zT))<=0 ){
      int i = c==0 ? attrs_index(p, sqlite3_column_int64(pR, 1)) : -1;
      if( i>=0 ) p->a[i].iAssign = iA;
      eR = sqlite3_step(pR);
    }
    eT = sqlite3_step(pT);
  }
  if( rc==SQLITE_OK && (eT!=SQLITE_DONE || (eR!=SQLITE_DONE && eR!=SQLITE_ROW)) ){
    rc = sqlite3_errcode(db);
  }
  sqlite3_finalize(pT);
  sqlite3_finalize(pR);
  return rc;
}

/* The newest report date of each series, for the rows of their own. */
static int attrs_load_newest(struct attrs *p){
  int i;
  p->aNewest = calloc(p->series.n + 1, sizeof(int));
  if( p->aNewest==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->n; i++){
    int s = p->aRowSeries[i];
    if( p->a[i].date>p->aNewest[s] ) p->aNewest[s] = p->a[i].date;
  }
  return SQLITE_OK;
}

/*
** Keep only the threads of two rows or more, renumbered in order; a row
** of any other (a one-row thread, no thread, or one its id does not name)
** is an assignment of its own: iAssign -1 - its series, its class and
** dates its own (a one-row thread's are its row's). Saves 28 bytes a row
** (the entry and a search's slot) where most assignments occur once.
*/
static int attrs_compact(struct attrs *p){
  int *aRows = calloc(p->nAssign + 1, sizeof(int));
  int i, k = 0;
  if( aRows==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->n; i++){
    if( p->a[i].iAssign>=0 ) aRows[p->a[i].iAssign]++;
  }
  for(i=0; i<p->nAssign; i++){
    if( aRows[i]<2 ){ aRows[i] = -1; continue; }
    p->aAssign[k] = p->aAssign[i];
    aRows[i] = k++;
  }
  p->nAssign = k;
  for(i=0; i<p->n; i++){
    int a = p->a[i].iAssign;
    p->a[i].iAssign = a>=0 && aRows[a]>=0 ? aRows[a] : -1 - p->aRowSeries[i];
  }
  free(aRows);
  return SQLITE_OK;
}

/*
** Number the (assignment, report year) pairs of the assignments of
** several rows: each gets one per year from its rows' first to last year
** (ATTRS_YEAR_MAX + 1 at most), and each of its rows the offset of its
** year.
*/
static int attrs_years(struct attrs *p){
  int *aMin = malloc(sizeof(int) * (p->nAssign + 1));
  int *aMax = malloc(sizeof(int) * (p->nAssign + 1));
  int i, rc = (aMin && aMax) ? SQLITE_OK : SQLITE_NOMEM;
  for(i=0; rc==SQLITE_OK && i<p->nAssign; i++){ aMin[i] = 1<<30; aMax[i] = 0; }
  for(i=0; rc==SQLITE_OK && i<p->n; i++){
    int y = p->a[i].date/10000, a = p->a[i].iAssign;
    if( a<0 ) continue;
    if( y<aMin[a] ) aMin[a] = y;
    if( y>aMax[a] ) aMax[a] = y;
  }
  for(i=0; rc==SQLITE_OK && i<p->nAssign; i++){
    int nSpan = aMax[i]>=aMin[i] ? aMax[i]-aMin[i]+1 : 1;
    p->aAssign[i].iPair = p->nPair;
    p->nPair += nSpan>ATTRS_YEAR_MAX+1 ? ATTRS_YEAR_MAX+1 : nSpan;
  }
  for(i=0; rc==SQLITE_OK && i<p->n; i++){
    int d = p->a[i].iAssign<0 ? 0
          : p->a[i].date/10000 - aMin[p->a[i].iAssign];
    p->a[i].iYear = (unsigned char)(d>ATTRS_YEAR_MAX ? ATTRS_YEAR_MAX : d);
  }
  free(aMin);
  free(aMax);
  return rc;
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

/* The rows of each class, and those of assignments of several rows, as
** rowid sets (before attrs_direct()). */
static int attrs_class_build(struct attrs *p){
  int i, rc = SQLITE_OK;
  if( p->nLimit==0 ) return SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<SCLASS_N; i++){
    rc = rowset_init(&p->aClass[i], p->nLimit);
  }
  if( rc==SQLITE_OK ) rc = rowset_init(&p->multi, p->nLimit);
  for(i=0; rc==SQLITE_OK && i<p->n; i++){
    rowset_add(&p->aClass[p->a[i].cls], p->aId[i]);
    if( p->a[i].iAssign>=0 ) rowset_add(&p->multi, p->aId[i]);
  }
  return rc;
}

const struct rowset *attrs_class_set(const struct attrs *p, int c){
  return (p->nLimit && c>=0 && c<SCLASS_N) ? &p->aClass[c] : 0;
}

const struct rowset *attrs_multi_set(const struct attrs *p){
  return p->nLimit ? &p->multi : 0;
}

const struct attr_assign *attrs_assigns(const struct attrs *p){
  return p->aAssign;
}

const struct attr_row *attrs_next_row(const struct attrs *p,
                                      sqlite3_int64 *piPos,
                                      sqlite3_int64 *pId){
  sqlite3_int64 i = *piPos;
  if( p->nDirect ){
    while( i<p->nDirect && p->a[i].iSource<0 ) i++;
    if( i>=p->nDirect ) return 0;
    *pId = i;
  }else{
    if( i>=p->n ) return 0;
    *pId = p->aId[i];
  }
  *piPos = i+1;
  return &p->a[i];
}

void attrs_assign_of(const struct attrs *p, const struct attr_row *r,
                     struct attr_assign *pOut){
  int s;
  if( r->iAssign>=0 ){
    *pOut = p->aAssign[r->iAssign];
    return;
  }
  s = -1 - r->iAssign;
  memset(pOut, 0, sizeof(*pOut));
  pOut->first = pOut->last = r->date;
  pOut->nOcc = 1;
  pOut->iSeries = s;
  pOut->cls = r->cls;
  pOut->bOpen = r->date==p->aNewest[s];
}

const int *attrs_newest(const struct attrs *p){
  return p->aNewest;
}

const struct attr_run *attrs_runs(const struct attrs *p, int *pn){
  *pn = p->nRun;
  return p->aRun;
}

/*
** Shrink to fit (a worker keeps this until the index changes) and drop
** what only loading needed. A failed shrink keeps the larger block.
*/
static void attrs_shrink(struct attrs *p){
  size_t n = p->n ? (size_t)p->n : 1;
  sqlite3_int64 *aId = realloc(p->aId, n * sizeof(*aId));
  struct attr_row *a = realloc(p->a, n * sizeof(*a));
  struct attr_assign *aA = realloc(p->aAssign, sizeof(*aA)
                                   * (p->nAssign ? (size_t)p->nAssign : 1));
  if( aId ) p->aId = aId;
  if( a ) p->a = a;
  if( aId && a ) p->nAlloc = (int)n;
  if( aA ){
    p->aAssign = aA;
    p->nAssignAlloc = p->nAssign;
  }
  free(p->aRowSeries);
  p->aRowSeries = 0;
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
        "SELECT a.id, r.date, a.source, d.sz, a.status_class, r.series"
        " FROM assignments a"
        " JOIN reports r ON r.id=a.report_id"
        " LEFT JOIN assignments_fts_docsize d ON d.id=a.id"
        " ORDER BY a.id", -1, &pStmt, 0);
  }
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    rc = attrs_add(p, pStmt);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  else sqlite3_finalize(pStmt);
  if( rc==SQLITE_OK ) rc = attrs_threads(db, p);
  if( rc==SQLITE_OK ) rc = attrs_load_newest(p);
  if( rc==SQLITE_OK ) rc = attrs_compact(p);
  if( rc==SQLITE_OK ) rc = attrs_years(p);
  if( rc==SQLITE_OK ) attrs_shrink(p);
  if( rc==SQLITE_OK ) p->nLimit = attrs_dense(p, 4);
  if( rc==SQLITE_OK ) rc = attrs_runs_build(p);
  if( rc==SQLITE_OK ) rc = attrs_class_build(p);
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
  attrs_strs_free(&p->source);
  attrs_strs_free(&p->series);
  for(i=0; i<SCLASS_N; i++) rowset_free(&p->aClass[i]);
  rowset_free(&p->multi);
  free(p->aRowSeries);
  free(p->aNewest);
  free(p->aAssign);
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

const struct attr_row *attrs_by_rowid(const struct attrs *p, sqlite3_int64 *pn){
  *pn = p->nDirect;
  return p->nDirect ? p->a : 0;
}

sqlite3_int64 attrs_dense_limit(const struct attrs *p){
  return p->nLimit;
}

int attrs_source_count(const struct attrs *p){ return p->source.n; }
const char *attrs_source(const struct attrs *p, int i){
  return p->source.az[i];
}

int attrs_series_count(const struct attrs *p){ return p->series.n; }
const char *attrs_series(const struct attrs *p, int i){
  return p->series.az[i];
}

int attrs_assign_count(const struct attrs *p){ return p->nAssign; }
const struct attr_assign *attrs_assign(const struct attrs *p, int i){
  return &p->aAssign[i];
}

int attrs_pair_count(const struct attrs *p){ return p->nPair; }

size_t attrs_bytes(const struct attrs *p){
  size_t n = sizeof(*p);
  n += (size_t)(p->nDirect ? p->nDirect : p->nAlloc) * sizeof(*p->a);
  n += p->aId ? (size_t)p->nAlloc * sizeof(*p->aId) : 0;
  n += (size_t)p->nAssignAlloc * sizeof(*p->aAssign);
  n += (size_t)p->series.n * sizeof(int);
  n += (size_t)p->nRun * sizeof(*p->aRun);
  n += (size_t)(SCLASS_N + 1) * (size_t)p->multi.nWord * sizeof(uint64_t);
  return n;
}
