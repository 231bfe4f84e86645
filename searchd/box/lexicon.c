/*
** lexicon.c: candidate words in memory, searched by edit distance
** (lexicon.h).
*/
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "box/lexicon.h"
#include "box/parts.h"
#include "log.h"
#include "plain.h"
#include "swedish.h"

/* Entries per block: each block's first entry is whole (shares nothing),
** so a binary search over them finds where a letter starts. */
#define LEXICON_BLOCK 16
#define LEXICON_MAX_BYTES (4*LEXICON_MAX_CHARS)
/* aDocs[]: the docs, and this bit for a part. */
#define LEXICON_PART 0x80000000u
#define LEXICON_DOCS_MAX 0x7fffffffu

/*
** Entries, front coded: per entry one byte with the bytes it shares with
** the entry before it (whole code points), one with the bytes that follow,
** those bytes.
*/
struct lexicon {
  atomic_int nRef;
  unsigned char *aData;
  size_t nData;
  unsigned *aDocs;                /* per entry: docs | LEXICON_PART */
  unsigned *aBlock;               /* per block: its first entry in aData */
  int nEntry, nBlock;
  struct parts *pParts;
};

/* An entry while the lexicon is made: its plain form at aBuf[iOff]. */
struct lex_tmp {
  size_t iOff;
  const char *z;                  /* aBuf + iOff, once aBuf is complete */
  int n;
  unsigned docs;                  /* with LEXICON_PART */
};

struct lex_build {
  char *aBuf;                     /* the plain forms, NUL-terminated */
  size_t nBuf, nBufAlloc;
  struct lex_tmp *a;
  int n, nAlloc;
};

static const char zVocabSql[] =
  "SELECT word, plain, docs FROM vocab WHERE docs>0";

int lexicon_decode(const char *z, int n, unsigned *a, int *aOff, int nMax){
  const unsigned char *u = (const unsigned char*)z;
  int i = 0, k = 0;
  while( i<n ){
    unsigned c = u[i];
    int len = c<0xc0 ? 1 : c<0xe0 ? 2 : c<0xf0 ? 3 : 4;
    int j;
    if( k==nMax ) return -1;
    if( i+len>n ) len = 1;
    for(j=1; j<len; j++) c = (c<<8) | u[i+j];
    if( aOff ) aOff[k] = i;
    a[k++] = c;
    i += len;
  }
  if( aOff ) aOff[k] = n;
  return k;
}

static unsigned lex_docs(sqlite3_int64 nDocs){
  return nDocs>(sqlite3_int64)LEXICON_DOCS_MAX ? LEXICON_DOCS_MAX
       : nDocs<0 ? 0 : (unsigned)nDocs;
}

/* Add plain form z[0..n) with docs (LEXICON_PART set for a part), unless
** it is too long to be offered. */
static int lex_build_add(struct lex_build *b, const char *z, int n,
                         unsigned docs){
  unsigned aCp[LEXICON_MAX_CHARS];
  if( n==0 || n>LEXICON_MAX_BYTES
   || lexicon_decode(z, n, aCp, 0, LEXICON_MAX_CHARS)<0 ) return SQLITE_OK;
  if( b->nBuf + (size_t)n + 1 > b->nBufAlloc ){
    size_t nNew = b->nBufAlloc ? b->nBufAlloc*2 : 65536;
    char *aNew = realloc(b->aBuf, nNew);
    if( aNew==0 ) return SQLITE_NOMEM;
    b->aBuf = aNew;
    b->nBufAlloc = nNew;
  }
  if( b->n==b->nAlloc ){
    int nNew = b->nAlloc ? b->nAlloc*2 : 4096;
    struct lex_tmp *aNew = realloc(b->a, sizeof(*aNew) * (size_t)nNew);
    if( aNew==0 ) return SQLITE_NOMEM;
    b->a = aNew;
    b->nAlloc = nNew;
  }
  b->a[b->n].iOff = b->nBuf;
  b->a[b->n].n = n;
  b->a[b->n].docs = docs;
  b->n++;
  memcpy(b->aBuf + b->nBuf, z, (size_t)n);
  b->nBuf += (size_t)n;
  b->aBuf[b->nBuf++] = 0;
  return SQLITE_OK;
}

/* The vocab words that may be offered: no stop word ("ar" is "år", never
** the far more frequent "är"). */
static int lex_build_vocab(sqlite3 *db, struct lex_build *b){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, zVocabSql, -1, &pStmt, 0);
  while( rc==SQLITE_OK && (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *zWord = (const char*)sqlite3_column_text(pStmt, 0);
    const char *zPlain = (const char*)sqlite3_column_text(pStmt, 1);
    rc = SQLITE_OK;
    if( zWord==0 || zPlain==0
     || swedish_is_stopword(zWord, sqlite3_column_bytes(pStmt, 0)) ){
      continue;
    }
    rc = lex_build_add(b, zPlain, sqlite3_column_bytes(pStmt, 1),
                       lex_docs(sqlite3_column_int64(pStmt, 2)));
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  if( pStmt ){
    int rc2 = sqlite3_finalize(pStmt);
    if( rc==SQLITE_OK ) rc = rc2;
  }
  return rc;
}

static int lex_build_parts(const struct parts *pParts, struct lex_build *b){
  int i, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<parts_count(pParts); i++){
    const char *zWord, *zPlain;
    sqlite3_int64 nDocs;
    parts_get(pParts, i, &zWord, &zPlain, &nDocs);
    rc = lex_build_add(b, zPlain, (int)strlen(zPlain),
                       lex_docs(nDocs) | LEXICON_PART);
  }
  return rc;
}

/* qsort() over entries by plain form, then vocab before part. */
static int lex_cmp(const void *a, const void *b){
  const struct lex_tmp *x = (const struct lex_tmp*)a;
  const struct lex_tmp *y = (const struct lex_tmp*)b;
  int c = strcmp(x->z, y->z);
  if( c ) return c;
  return (int)(x->docs>>31) - (int)(y->docs>>31);
}

/* Room for the sorted entries of b, front coded: at most their bytes and
** two per entry. */
static int lex_alloc(const struct lex_build *b, struct lexicon *p){
  size_t nEntry = (size_t)b->n + 1;
  p->aData = malloc(b->nBuf + 2*nEntry);
  p->aDocs = malloc(sizeof(*p->aDocs) * nEntry);
  p->aBlock = malloc(sizeof(*p->aBlock) * (nEntry/LEXICON_BLOCK + 1));
  return p->aData && p->aDocs && p->aBlock ? SQLITE_OK : SQLITE_NOMEM;
}

/* Append entry t, sharing code points with aPrev[0..*pnPrev) unless it
** starts a block; aPrev becomes t's. */
static void lex_append(struct lexicon *p, const struct lex_tmp *t,
                       unsigned *aPrev, int *pnPrev){
  unsigned aCur[LEXICON_MAX_CHARS];
  int aOff[LEXICON_MAX_CHARS + 1];
  int nCur = lexicon_decode(t->z, t->n, aCur, aOff, LEXICON_MAX_CHARS);
  int nShared = 0, nSuffix;
  if( p->nEntry % LEXICON_BLOCK ){
    while( nShared<*pnPrev && nShared<nCur && aPrev[nShared]==aCur[nShared] ){
      nShared++;
    }
  }else{
    p->aBlock[p->nBlock++] = (unsigned)p->nData;
  }
  nSuffix = t->n - aOff[nShared];
  p->aData[p->nData++] = (unsigned char)aOff[nShared];
  p->aData[p->nData++] = (unsigned char)nSuffix;
  memcpy(p->aData + p->nData, t->z + aOff[nShared], (size_t)nSuffix);
  p->nData += (size_t)nSuffix;
  p->aDocs[p->nEntry++] = t->docs;
  memcpy(aPrev, aCur, sizeof(*aCur) * (size_t)nCur);
  *pnPrev = nCur;
}

/* The entries of b, sorted and front coded into p; a plain form kept
** twice as the same kind (words that differ only in diacritics) is one
** entry with the most docs. */
static int lex_encode(struct lex_build *b, struct lexicon *p){
  unsigned aPrev[LEXICON_MAX_CHARS];
  const struct lex_tmp *pLast = 0;
  int i, nPrev = 0;
  int rc = lex_alloc(b, p);
  for(i=0; i<b->n; i++) b->a[i].z = b->aBuf + b->a[i].iOff;
  if( b->n>1 ) qsort(b->a, (size_t)b->n, sizeof(b->a[0]), lex_cmp);
  for(i=0; rc==SQLITE_OK && i<b->n; i++){
    const struct lex_tmp *t = &b->a[i];
    if( pLast && (pLast->docs>>31)==(t->docs>>31)
     && strcmp(pLast->z, t->z)==0 ){
      unsigned *pDocs = &p->aDocs[p->nEntry-1];
      if( (t->docs & LEXICON_DOCS_MAX) > (*pDocs & LEXICON_DOCS_MAX) ){
        *pDocs = t->docs;
      }
      continue;
    }
    lex_append(p, t, aPrev, &nPrev);
    pLast = t;
  }
  if( rc==SQLITE_OK && p->nData>0 ){
    unsigned char *aData = realloc(p->aData, p->nData);
    if( aData ) p->aData = aData;
  }
  return rc;
}

int lexicon_new(sqlite3 *db, struct lexicon **ppOut){
  struct lexicon *p = calloc(1, sizeof(*p));
  struct lex_build b;
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  memset(&b, 0, sizeof(b));
  if( rc==SQLITE_OK ){
    atomic_init(&p->nRef, 1);
    rc = parts_new(db, &p->pParts);
  }
  if( rc==SQLITE_OK ) rc = lex_build_vocab(db, &b);
  if( rc==SQLITE_OK ) rc = lex_build_parts(p->pParts, &b);
  if( rc==SQLITE_OK ) rc = lex_encode(&b, p);
  free(b.aBuf);
  free(b.a);
  if( rc!=SQLITE_OK ){
    lexicon_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

struct lexicon *lexicon_ref(struct lexicon *p){
  atomic_fetch_add(&p->nRef, 1);
  return p;
}

void lexicon_free(struct lexicon *p){
  if( p==0 || atomic_fetch_sub(&p->nRef, 1)>1 ) return;
  free(p->aData);
  free(p->aDocs);
  free(p->aBlock);
  parts_free(p->pParts);
  free(p);
}

const struct parts *lexicon_parts(const struct lexicon *p){
  return p->pParts;
}

int lexicon_count(const struct lexicon *p){
  return p->nEntry;
}

size_t lexicon_bytes(const struct lexicon *p){
  return sizeof(*p) + p->nData + sizeof(*p->aDocs) * (size_t)p->nEntry
       + sizeof(*p->aBlock) * (size_t)p->nBlock + parts_bytes(p->pParts);
}

/* --- the walk ------------------------------------------------------------ */

/*
** One lexicon_near(): the query's code points, the current entry (its
** bytes, and its first nDec code points decoded), and the distance
** matrix's rows for the current entry's prefixes (row i: its first i code
** points against the query). Only the cells within nMax of the diagonal
** are computed: any other is above nMax (the lengths of the two prefixes
** differ by more), and stands as nMax+1.
*/
struct lex_walk {
  const struct lexicon *p;
  unsigned aQ[LEXICON_MAX_CHARS];
  int nQ;
  int nMax;
  char zCur[LEXICON_MAX_BYTES + 1];
  int nCur;                       /* bytes in zCur */
  unsigned aC[LEXICON_MAX_CHARS];
  int aOff[LEXICON_MAX_CHARS + 1];  /* where code point i starts in zCur */
  int nDec;                       /* code points decoded; aOff[nDec] ends
                                  ** the last */
  int aRow[LEXICON_MAX_CHARS + 1][LEXICON_MAX_CHARS + 2];
  int nRow;                       /* rows 0..nRow are the current entry's */
  int iDead;                      /* a row <= nRow above the bound, or
                                  ** INT_MAX: no entry with that prefix
                                  ** can be near */
  int bound;                      /* the largest distance still of use */
  struct lexicon_hit *pHit;
};

/* Row i from rows i-1 and i-2 (optimal string alignment), within the
** band; returns the row's smallest value. */
static int lex_row(struct lex_walk *w, int i){
  const int *prev = w->aRow[i-1], *prev2 = i>1 ? w->aRow[i-2] : 0;
  int *cur = w->aRow[i];
  unsigned c = w->aC[i-1];
  int k = w->nMax;
  int lo = i-k>1 ? i-k : 1, hi = i+k<w->nQ ? i+k : w->nQ;
  int j, rowMin = k + 1;
  cur[lo-1] = i<=k ? i : k + 1;
  if( cur[lo-1]<rowMin ) rowMin = cur[lo-1];
  for(j=lo; j<=hi; j++){
    int v = prev[j-1] + (c!=w->aQ[j-1]);
    if( prev[j]+1<v ) v = prev[j]+1;
    if( cur[j-1]+1<v ) v = cur[j-1]+1;
    if( prev2 && j>1 && c==w->aQ[j-2] && w->aC[i-2]==w->aQ[j-1]
     && prev2[j-2]+1<v ) v = prev2[j-2]+1;
    cur[j] = v;
    if( v<rowMin ) rowMin = v;
  }
  if( hi+1<=w->nQ && hi>=lo-1 ) cur[hi+1] = k + 1;
  return rowMin;
}

/* The first code point of the n bytes at a (n > 0). */
static unsigned lex_first_cp(const unsigned char *a, int n){
  unsigned c = a[0];
  int len = c<0xc0 ? 1 : c<0xe0 ? 2 : c<0xf0 ? 3 : 4, j;
  if( len>n ) len = 1;
  for(j=1; j<len; j++) c = (c<<8) | a[j];
  return c;
}

/* Read the entry at *piData into zCur; returns the bytes it shares with
** the one before. The code points decoded stay those it shares. */
static int lex_read(struct lex_walk *w, size_t *piData){
  const unsigned char *a = w->p->aData + *piData;
  int nShared = a[0], nSuffix = a[1];
  memcpy(w->zCur + nShared, a + 2, (size_t)nSuffix);
  w->nCur = nShared + nSuffix;
  while( w->nDec>0 && w->aOff[w->nDec]>nShared ) w->nDec--;
  if( w->nDec<w->nRow ) w->nRow = w->nDec;
  *piData += 2 + (size_t)nSuffix;
  return nShared;
}

/* Decode the rest of the current entry; returns its code points. */
static int lex_decode_rest(struct lex_walk *w){
  int iByte = w->aOff[w->nDec], k;
  int n = lexicon_decode(w->zCur + iByte, w->nCur - iByte, w->aC + w->nDec,
                         w->aOff + w->nDec, LEXICON_MAX_CHARS - w->nDec);
  if( n<0 ) n = 0;                /* not made by lex_encode(): never */
  for(k=w->nDec; k<=w->nDec+n; k++) w->aOff[k] += iByte;
  w->nDec += n;
  return w->nDec;
}

/* The current entry at distance d (within the bound): kept if better. */
static void lex_consider(struct lex_walk *w, int iEntry, int d){
  struct lexicon_hit *h = w->pHit;
  unsigned docs = w->p->aDocs[iEntry];
  sqlite3_int64 nDocs = docs & LEXICON_DOCS_MAX;
  int bPart = (docs & LEXICON_PART)!=0;
  if( d<h->dist || (d==h->dist && (nDocs>h->nDocs
                                   || (nDocs==h->nDocs && h->bPart && !bPart))) ){
    h->dist = d;
    h->nDocs = nDocs;
    h->bPart = bPart;
    memcpy(h->zPlain, w->zCur, (size_t)w->nCur);
    h->zPlain[w->nCur] = 0;
    w->bound = d;                 /* a farther entry can no longer win */
  }
}

/* The current entry (iEntry): its rows past those of the prefix it shares
** with the one before, unless a shared prefix is already too far. */
static void lex_visit(struct lex_walk *w, int iEntry){
  int i, d, nC, nEnd;
  if( w->iDead<=w->nDec ) return;
  w->iDead = INT_MAX;
  nC = lex_decode_rest(w);
  nEnd = nC<w->nQ+w->bound ? nC : w->nQ+w->bound;
  for(i=w->nRow+1; i<=nEnd; i++){
    w->nRow = i;
    if( lex_row(w, i)>w->bound ){
      w->iDead = i;
      return;
    }
  }
  if( nC>nEnd ){
    /* Too long, as is every entry after it with these nEnd code points
    ** (the prefix itself, if an entry, came before). */
    w->iDead = nEnd;
    return;
  }
  if( w->nQ-nC>w->nMax ) return;
  d = w->aRow[nC][w->nQ];
  if( d>0 && d<=w->bound ) lex_consider(w, iEntry, d);
}

/* The first code point of block k's first entry (which is whole). */
static unsigned lex_block_first(const struct lexicon *p, int k){
  const unsigned char *a = p->aData + p->aBlock[k];
  return a[1]>0 ? lex_first_cp(a + 2, a[1]) : 0;
}

/* The block to start from: the last whose first entry starts below c. */
static int lex_start_block(const struct lexicon *p, unsigned c){
  int lo = 0, hi = p->nBlock;     /* blocks below lo start below c */
  while( lo<hi ){
    int mid = lo + (hi-lo)/2;
    if( lex_block_first(p, mid)<c ) lo = mid + 1;
    else hi = mid;
  }
  return lo>0 ? lo-1 : 0;
}

/*
** Is block k's first entry past every entry that starts with the n bytes
** at z: above them, and not starting with them?
*/
static int lex_block_past(const struct lexicon *p, int k, const char *z,
                          int n){
  const unsigned char *a = p->aData + p->aBlock[k];
  int nHead = a[1];
  return memcmp(a + 2, z, (size_t)(nHead<n ? nHead : n))>0;
}

/*
** The current entry's prefix of iDead code points is too far: jump to the
** last block that starts before the first entry past that prefix, if that
** is beyond the current one (entries are read one by one otherwise, and a
** whole subtree of the trie may hold thousands). The walk restarts there,
** at an entry that shares nothing.
*/
static void lex_skip(struct lex_walk *w, int *piEntry, size_t *piData){
  const struct lexicon *p = w->p;
  int n = w->aOff[w->iDead];
  int iCur = *piEntry/LEXICON_BLOCK, lo = iCur + 1, hi = lo, nStep = 1;
  /* Mostly the next block is past it: look there first, then gallop. */
  while( hi<p->nBlock && !lex_block_past(p, hi, w->zCur, n) ){
    lo = hi + 1;
    hi += nStep;
    nStep *= 2;
  }
  if( hi>p->nBlock ) hi = p->nBlock;
  while( lo<hi ){                 /* the first block past the prefix */
    int mid = lo + (hi-lo)/2;
    if( lex_block_past(p, mid, w->zCur, n) ) hi = mid;
    else lo = mid + 1;
  }
  if( lo-1<=iCur ) return;
  *piEntry = (lo-1)*LEXICON_BLOCK - 1;       /* the loop's ++ comes next */
  *piData = p->aBlock[lo-1];
  w->nDec = w->nRow = w->nCur = 0;
  w->iDead = INT_MAX;
}

/* Set up w for the query zPlain; 0 if there is nothing to walk. */
static int lex_walk_init(struct lex_walk *w, const struct lexicon *p,
                         const char *zPlain, int nMax,
                         struct lexicon_hit *pHit){
  int j;
  w->nQ = lexicon_decode(zPlain, (int)strlen(zPlain), w->aQ, 0,
                         LEXICON_MAX_CHARS);
  if( w->nQ<=0 || p->nEntry==0 ) return 0;
  w->p = p;
  w->pHit = pHit;
  w->nMax = w->bound = nMax;
  w->nRow = w->nDec = w->nCur = 0;
  w->iDead = INT_MAX;
  w->aOff[0] = 0;
  for(j=0; j<=w->nQ; j++) w->aRow[0][j] = j<=nMax ? j : nMax + 1;
  return 1;
}

void lexicon_near(const struct lexicon *p, const char *zPlain, int nMax,
                  struct lexicon_hit *pHit){
  struct lex_walk w;
  size_t iData;
  int iEntry, bIn = 0;
  pHit->dist = nMax + 1;
  pHit->bPart = 0;
  pHit->nDocs = -1;
  pHit->zPlain[0] = 0;
  if( !lex_walk_init(&w, p, zPlain, nMax, pHit) ) return;
  iEntry = lex_start_block(p, w.aQ[0]) * LEXICON_BLOCK;
  iData = p->aBlock[iEntry/LEXICON_BLOCK];
  for(; iEntry<p->nEntry; iEntry++){
    if( lex_read(&w, &iData)==0 ){
      unsigned c = w.nCur>0 ? lex_first_cp((unsigned char*)w.zCur, w.nCur)
                            : 0;
      if( c>w.aQ[0] ) break;
      bIn = c==w.aQ[0];
    }
    if( bIn ){
      lex_visit(&w, iEntry);
      if( w.iDead!=INT_MAX ) lex_skip(&w, &iEntry, &iData);
    }
  }
}

/* --- the share ----------------------------------------------------------- */

struct lexicon_share {
  pthread_mutex_t mu;
  pthread_t thread;               /* lexicon_share_start()'s, if bThread */
  int bThread;
  sqlite3 *db;
  int bOwn;                       /* db is closed with the share */
  sqlite3_stmt *pVersion;         /* PRAGMA data_version, made at first use */
  struct lexicon *pLex;           /* NULL until the first get */
  sqlite3_int64 iVersion;         /* data_version pLex was made at */
};

int lexicon_share_new(sqlite3 *db, int bOwn, struct lexicon_share **ppOut){
  struct lexicon_share *p = calloc(1, sizeof(*p));
  if( p && pthread_mutex_init(&p->mu, 0)!=0 ){
    free(p);
    p = 0;
  }
  if( p ){
    p->db = db;
    p->bOwn = bOwn;
  }
  *ppOut = p;
  return p ? SQLITE_OK : SQLITE_NOMEM;
}

void lexicon_share_wait(struct lexicon_share *p){
  if( p->bThread ) pthread_join(p->thread, 0);
  p->bThread = 0;
}

void lexicon_share_free(struct lexicon_share *p){
  if( p==0 ) return;
  lexicon_share_wait(p);
  sqlite3_finalize(p->pVersion);
  lexicon_free(p->pLex);
  if( p->bOwn ) sqlite3_close(p->db);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

/* PRAGMA data_version of the share's connection into *piVersion. */
static int lex_share_version(struct lexicon_share *p,
                             sqlite3_int64 *piVersion){
  int rc = SQLITE_OK, rc2;
  if( p->pVersion==0 ){
    rc = sqlite3_prepare_v3(p->db, "PRAGMA data_version", -1,
                            SQLITE_PREPARE_PERSISTENT, &p->pVersion, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_step(p->pVersion);
  if( rc==SQLITE_ROW ){
    *piVersion = sqlite3_column_int64(p->pVersion, 0);
    rc = SQLITE_OK;
  }
  if( p->pVersion ){
    rc2 = sqlite3_reset(p->pVersion);
    if( rc==SQLITE_OK ) rc = rc2;
  }
  return rc;
}

int lexicon_share_get(struct lexicon_share *p, struct lexicon **ppLex){
  sqlite3_int64 iVersion = -1;
  int rc;
  *ppLex = 0;
  if( pthread_mutex_lock(&p->mu)!=0 ) return SQLITE_ERROR;
  rc = lex_share_version(p, &iVersion);
  if( rc==SQLITE_OK && (p->pLex==0 || iVersion!=p->iVersion) ){
    struct lexicon *pNew = 0;
    rc = lexicon_new(p->db, &pNew);
    if( rc==SQLITE_OK ){
      lexicon_free(p->pLex);
      p->pLex = pNew;
      p->iVersion = iVersion;
    }
    /* The vocab pages just read are of no use to a connection of its own
    ** until the next build: give its page cache back. */
    if( p->bOwn ) sqlite3_db_release_memory(p->db);
  }
  if( rc==SQLITE_OK ) *ppLex = lexicon_ref(p->pLex);
  pthread_mutex_unlock(&p->mu);
  return rc;
}

/* Milliseconds on the monotonic clock. */
static double lex_ms(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec*1e3 + (double)ts.tv_nsec/1e6;
}

/* lexicon_share_start()'s thread: one get, logged. */
static void *lex_share_main(void *pArg){
  struct lexicon_share *p = (struct lexicon_share*)pArg;
  struct lexicon *pLex = 0;
  double t0 = lex_ms();
  int rc = lexicon_share_get(p, &pLex);
  if( rc==SQLITE_OK ){
    log_msg(LOG_INFO, "lexicon: %d words and parts, %zu KiB, %.0f ms",
            lexicon_count(pLex), lexicon_bytes(pLex)/1024, lex_ms() - t0);
  }else{
    log_msg(LOG_WARN, "lexicon: %s; made at the first correction instead",
            sqlite3_errstr(rc));
  }
  lexicon_free(pLex);
  /* The build's scratch memory was this thread's own malloc arena, which
  ** glibc keeps after the thread ends: give it back (3 MB at 5,000
  ** reports). */
  malloc_trim(0);
  return 0;
}

int lexicon_share_start(struct lexicon_share *p){
  if( !p->bOwn || p->bThread ) return SQLITE_MISUSE;
  if( pthread_create(&p->thread, 0, lex_share_main, p)!=0 ){
    return SQLITE_ERROR;
  }
  p->bThread = 1;
  return SQLITE_OK;
}
