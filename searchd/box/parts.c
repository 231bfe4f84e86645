/*
** parts.c: the compound parts of the vocabulary (parts.h).
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "box/parts.h"
#include "hash.h"
#include "plain.h"
#include "swedish.h"

#define PARTS_MIN_WORD 7          /* bytes: shorter words never split */
#define PARTS_MIN_CHARS 4         /* a part shorter is no typo candidate */
#define PARTS_BATCH 32768         /* bytes of words per xTokenize call */

struct part {
  char *zWord;
  char *zPlain;
  sqlite3_int64 nDocs;
};

struct parts {
  struct part *a;
  int n, nAlloc;
  unsigned *aSlot;                /* while building: 1 + index into a */
  unsigned nSlot;                 /* a power of two, 0 before the first */
};

/* The words of one xTokenize call and where the tokens have got to. */
struct parts_batch {
  struct parts *p;
  char zBuf[PARTS_BATCH + 128];
  int nBuf;
  int aOff[PARTS_BATCH/(PARTS_MIN_WORD+1) + 1];
  sqlite3_int64 aDocs[PARTS_BATCH/(PARTS_MIN_WORD+1) + 1];
  int nWord;
  int iNext;                      /* the first word not yet reached */
};

static const char zVocabSql[] =
  "SELECT word, docs FROM vocab WHERE docs>0";

void parts_free(struct parts *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<p->n; i++){
    free(p->a[i].zWord);
    free(p->a[i].zPlain);
  }
  free(p->a);
  free(p->aSlot);
  free(p);
}

/* Double the slots (to 1024 at first) and put every part back. */
static int parts_grow(struct parts *p){
  unsigned nSlot = p->nSlot ? p->nSlot*2 : 1024;
  unsigned *aSlot = calloc(nSlot, sizeof(unsigned));
  int i;
  if( aSlot==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->n; i++){
    unsigned h = (unsigned)hash_fnv1a_str(p->a[i].zWord) & (nSlot-1);
    while( aSlot[h] ) h = (h+1) & (nSlot-1);
    aSlot[h] = (unsigned)i + 1;
  }
  free(p->aSlot);
  p->aSlot = aSlot;
  p->nSlot = nSlot;
  return SQLITE_OK;
}

/* Append z[0..n) with nDocs as a new part at slot h. */
static int parts_append(struct parts *p, unsigned h, const char *z, int n,
                        sqlite3_int64 nDocs){
  struct part *pPart;
  if( p->n==p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 256;
    struct part *a = realloc(p->a, sizeof(*a) * (size_t)nNew);
    if( a==0 ) return SQLITE_NOMEM;
    p->a = a;
    p->nAlloc = nNew;
  }
  pPart = &p->a[p->n];
  pPart->zWord = malloc((size_t)n + 1);
  if( pPart->zWord==0 ) return SQLITE_NOMEM;
  memcpy(pPart->zWord, z, (size_t)n);
  pPart->zWord[n] = 0;
  pPart->zPlain = 0;
  pPart->nDocs = nDocs;
  p->aSlot[h] = (unsigned)++p->n;
  return SQLITE_OK;
}

/* 1 if term z[0..n) may be offered: long enough, letters, a word. */
static int parts_wanted(const char *z, int n){
  int i, nChar = 0;
  for(i=0; i<n; i++){
    if( z[i]>='0' && z[i]<='9' ) return 0;
    nChar += ((unsigned char)z[i] & 0xc0)!=0x80;
  }
  return nChar>=PARTS_MIN_CHARS && swedish_is_word(z, n)
      && !swedish_is_stopword(z, n);
}

/* Count nDocs for part z[0..n), adding it if new. */
static int parts_add(struct parts *p, const char *z, int n,
                     sqlite3_int64 nDocs){
  unsigned h;
  int rc = SQLITE_OK;
  if( !parts_wanted(z, n) ) return SQLITE_OK;
  if( (unsigned)(p->n+1)*2 > p->nSlot ) rc = parts_grow(p);
  if( rc!=SQLITE_OK ) return rc;
  h = (unsigned)hash_fnv1a(z, (size_t)n) & (p->nSlot-1);
  for(; p->aSlot[h]; h=(h+1) & (p->nSlot-1)){
    struct part *pPart = &p->a[p->aSlot[h]-1];
    if( strncmp(pPart->zWord, z, (size_t)n)==0 && pPart->zWord[n]==0 ){
      pPart->nDocs += nDocs;
      return SQLITE_OK;
    }
  }
  return parts_append(p, h, z, n, nDocs);
}

/* xToken: a whole word moves to its vocab word; a colocated term is a
** part of it. */
static int parts_token(void *pCtx, int tflags, const char *z, int n,
                       int iStart, int iEnd){
  struct parts_batch *b = (struct parts_batch*)pCtx;
  (void)iEnd;
  if( (tflags & FTS5_TOKEN_COLOCATED)==0 ){
    while( b->iNext<b->nWord && b->aOff[b->iNext]<=iStart ) b->iNext++;
    return SQLITE_OK;
  }
  if( b->iNext==0 ) return SQLITE_OK;
  return parts_add(b->p, z, n, b->aDocs[b->iNext-1]);
}

/* Tokenize the batch's words and empty it. */
static int parts_flush(struct parts_batch *b, fts5_tokenizer *pMod,
                       Fts5Tokenizer *pTok){
  int rc = SQLITE_OK;
  if( b->nWord>0 ){
    b->iNext = 0;
    rc = pMod->xTokenize(pTok, b, FTS5_TOKENIZE_DOCUMENT, b->zBuf, b->nBuf,
                         parts_token);
  }
  b->nBuf = 0;
  b->nWord = 0;
  return rc;
}

/* Add word z[0..n) with nDocs to the batch, flushing it when full. */
static int parts_batch_add(struct parts_batch *b, const char *z, int n,
                           sqlite3_int64 nDocs, fts5_tokenizer *pMod,
                           Fts5Tokenizer *pTok){
  int rc = SQLITE_OK;
  if( n<PARTS_MIN_WORD || n>=(int)sizeof(b->zBuf) - PARTS_BATCH ){
    return SQLITE_OK;
  }
  if( b->nBuf + n + 1 > PARTS_BATCH ) rc = parts_flush(b, pMod, pTok);
  if( rc!=SQLITE_OK ) return rc;
  b->aOff[b->nWord] = b->nBuf;
  b->aDocs[b->nWord++] = nDocs;
  memcpy(b->zBuf + b->nBuf, z, (size_t)n);
  b->nBuf += n;
  b->zBuf[b->nBuf++] = ' ';
  return SQLITE_OK;
}

/* Every vocab word through the tokenizer pMod/pTok into p. */
static int parts_scan(sqlite3 *db, struct parts *p, fts5_tokenizer *pMod,
                      Fts5Tokenizer *pTok){
  struct parts_batch *b = malloc(sizeof(*b));
  sqlite3_stmt *pStmt = 0;
  int rc = b ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v2(db, zVocabSql, -1, &pStmt, 0);
  if( rc==SQLITE_OK ){
    b->p = p;
    b->nBuf = b->nWord = 0;
  }
  while( rc==SQLITE_OK && (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    rc = parts_batch_add(b, (const char*)sqlite3_column_text(pStmt, 0),
                         sqlite3_column_bytes(pStmt, 0),
                         sqlite3_column_int64(pStmt, 1), pMod, pTok);
  }
  if( rc==SQLITE_DONE ) rc = parts_flush(b, pMod, pTok);
  if( pStmt ){
    int rc2 = sqlite3_finalize(pStmt);
    if( rc==SQLITE_OK ) rc = rc2;
  }
  free(b);
  return rc;
}

static int parts_cmp(const void *a, const void *b){
  const struct part *x = (const struct part*)a, *y = (const struct part*)b;
  int c = strcmp(x->zPlain, y->zPlain);
  if( c ) return c;
  if( x->nDocs!=y->nDocs ) return x->nDocs>y->nDocs ? -1 : 1;
  return strcmp(x->zWord, y->zWord);
}

/* The plain forms, the order of parts_get(); the slots are dropped. */
static int parts_finish(struct parts *p){
  int i;
  for(i=0; i<p->n; i++){
    size_t n = strlen(p->a[i].zWord);
    p->a[i].zPlain = malloc(n + 1);
    if( p->a[i].zPlain==0 ) return SQLITE_NOMEM;
    plain_form(p->a[i].zWord, n, p->a[i].zPlain);
  }
  if( p->n>1 ) qsort(p->a, (size_t)p->n, sizeof(p->a[0]), parts_cmp);
  free(p->aSlot);
  p->aSlot = 0;
  p->nSlot = 0;
  return SQLITE_OK;
}

int parts_new(sqlite3 *db, struct parts **ppOut){
  struct parts *p = calloc(1, sizeof(*p));
  fts5_api *pApi = 0;
  fts5_tokenizer mod;
  Fts5Tokenizer *pTok = 0;
  void *pUser = 0;
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser, &mod);
  }
  if( rc==SQLITE_OK ) rc = mod.xCreate(pUser, 0, 0, &pTok);
  if( rc==SQLITE_OK ) rc = parts_scan(db, p, &mod, pTok);
  if( rc==SQLITE_OK ) rc = parts_finish(p);
  if( pTok ) mod.xDelete(pTok);
  if( rc!=SQLITE_OK ){
    parts_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

size_t parts_bytes(const struct parts *p){
  size_t n = sizeof(*p) + sizeof(*p->a) * (size_t)p->nAlloc;
  int i;
  for(i=0; i<p->n; i++){
    n += strlen(p->a[i].zWord) + strlen(p->a[i].zPlain) + 2;
  }
  return n;
}

int parts_count(const struct parts *p){
  return p->n;
}

void parts_get(const struct parts *p, int i, const char **pzWord,
               const char **pzPlain, sqlite3_int64 *pnDocs){
  *pzWord = p->a[i].zWord;
  *pzPlain = p->a[i].zPlain;
  *pnDocs = p->a[i].nDocs;
}

int parts_lower_bound(const struct parts *p, const char *zPlain){
  int lo = 0, hi = p->n;
  while( lo<hi ){
    int mid = lo + (hi-lo)/2;
    if( strcmp(p->a[mid].zPlain, zPlain)<0 ) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
