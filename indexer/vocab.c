/*
** vocab.c: per-word row counts for table vocab, aggregated in memory.
**
** An open-addressing hash table maps each word seen since the last flush
** to its pending count change; words live in one growing arena. A row
** stamp per entry makes a word count once per row however often it occurs.
*/
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "plain.h"
#include "swedish.h"
#include "vocab.h"

struct vocab_entry {
  size_t iWord;            /* offset of the word in the arena; 0 = empty */
  int nWord;
  unsigned hash;
  int delta;               /* pending change of docs */
  unsigned stamp;          /* last row that counted this word */
};

struct vocab {
  sqlite3 *db;
  fts5_tokenizer tok;      /* unicode61's methods */
  Fts5Tokenizer *pTok;     /* an instance with remove_diacritics 0 */
  sqlite3_stmt *pUpsert, *pSub, *pDel;
  struct vocab_entry *aEntry;
  size_t nEntry, nSlot;    /* used and allocated (a power of two) slots */
  char *zArena;
  size_t nArena, nArenaAlloc;
  unsigned stamp;          /* current row */
  int iSign;               /* of the current row */
};

static int vocab_count(struct vocab *p, const char *z, int n, unsigned h,
                       int delta, int bRow);

/* The tokenizer part of vocab_open(): unicode61, remove_diacritics 0. */
static int vocab_tokenizer(sqlite3 *db, struct vocab *p){
  static const char *azArg[] = {"remove_diacritics", "0"};
  fts5_api *pApi = 0;
  void *pUserData = 0;
  int rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, "unicode61", &pUserData, &p->tok);
  }
  if( rc==SQLITE_OK ) rc = p->tok.xCreate(pUserData, azArg, 2, &p->pTok);
  return rc;
}

int vocab_open_counter(sqlite3 *db, struct vocab **ppVocab){
  struct vocab *p = calloc(1, sizeof(*p));
  int rc = p ? vocab_tokenizer(db, p) : SQLITE_NOMEM;
  if( rc!=SQLITE_OK ){
    vocab_close(p);
    p = 0;
  }
  *ppVocab = p;
  return rc;
}

struct vocab_counts {
  struct vocab_entry *aEntry;
  size_t nSlot;
  char *zArena;
  size_t nArenaAlloc;
};

/*
** Before counts leave a counter (the reader thread keeps them, a report
** each, until the writer merges them): only the used slots, and the arena
** as long as its words. A report's table then takes some 10 KB instead of
** the 32 KB of slots and 64 KB of arena it grew to. The result is no
** longer a hash table, which vocab_merge() does not need. On failure to
** allocate, p is left as it was.
*/
static void vocab_compact(struct vocab *p){
  struct vocab_entry *aDense = 0;
  size_t i, n = 0;
  char *z;
  if( p->nEntry>0 ){
    aDense = malloc(p->nEntry*sizeof(*aDense));
    if( aDense==0 ) return;
    for(i=0; i<p->nSlot; i++){
      if( p->aEntry[i].iWord ) aDense[n++] = p->aEntry[i];
    }
  }
  free(p->aEntry);
  p->aEntry = aDense;
  p->nSlot = n;
  if( p->nArena>0 && p->nArena<p->nArenaAlloc
   && (z = realloc(p->zArena, p->nArena))!=0 ){
    p->zArena = z;
    p->nArenaAlloc = p->nArena;
  }
}

int vocab_take(struct vocab *p, struct vocab_counts **ppCounts){
  struct vocab_counts *pC = calloc(1, sizeof(*pC));
  *ppCounts = pC;
  if( pC==0 ){
    vocab_reset(p);
    return SQLITE_NOMEM;
  }
  vocab_compact(p);
  pC->aEntry = p->aEntry;  pC->nSlot = p->nSlot;  pC->zArena = p->zArena;
  pC->nArenaAlloc = p->nArenaAlloc;
  p->aEntry = 0;  p->nSlot = 0;  p->nEntry = 0;
  p->zArena = 0;  p->nArena = 0;  p->nArenaAlloc = 0;
  return SQLITE_OK;
}

int vocab_merge(struct vocab *p, const struct vocab_counts *pC){
  int rc = SQLITE_OK;
  size_t i;
  for(i=0; rc==SQLITE_OK && i<pC->nSlot; i++){
    const struct vocab_entry *pE = &pC->aEntry[i];
    if( pE->iWord && pE->delta ){
      rc = vocab_count(p, &pC->zArena[pE->iWord], pE->nWord, pE->hash,
                       pE->delta, 0);
    }
  }
  return rc;
}

size_t vocab_counts_bytes(const struct vocab_counts *pC){
  if( pC==0 ) return 0;
  return sizeof(*pC) + pC->nSlot*sizeof(pC->aEntry[0]) + pC->nArenaAlloc;
}

void vocab_counts_free(struct vocab_counts *pC){
  if( pC==0 ) return;
  free(pC->aEntry);
  free(pC->zArena);
  free(pC);
}

int vocab_open(sqlite3 *db, struct vocab **ppVocab){
  struct vocab *p = calloc(1, sizeof(*p));
  int rc = p ? vocab_tokenizer(db, p) : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) p->db = db;
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v3(db,
      "INSERT INTO vocab(word, plain, docs) VALUES(?1, ?2, ?3)"
      " ON CONFLICT(word) DO UPDATE SET docs = docs + excluded.docs",
      -1, SQLITE_PREPARE_PERSISTENT, &p->pUpsert, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v3(db,
      "UPDATE vocab SET docs = docs + ?2 WHERE word = ?1 RETURNING docs",
      -1, SQLITE_PREPARE_PERSISTENT, &p->pSub, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_prepare_v3(db,
      "DELETE FROM vocab WHERE word = ?1",
      -1, SQLITE_PREPARE_PERSISTENT, &p->pDel, 0);
  if( rc!=SQLITE_OK ){
    vocab_close(p);
    p = 0;
  }
  *ppVocab = p;
  return rc;
}

void vocab_close(struct vocab *p){
  if( p==0 ) return;
  if( p->pTok ) p->tok.xDelete(p->pTok);
  sqlite3_finalize(p->pUpsert);
  sqlite3_finalize(p->pSub);
  sqlite3_finalize(p->pDel);
  free(p->aEntry);
  free(p->zArena);
  free(p);
}

size_t vocab_pending(const struct vocab *p){
  return p->nEntry;
}

/* Is the token worth keeping (see vocab.h)? */
static int vocab_keep(const char *z, int n){
  int i, nChar = 0, bDigits = 1;
  if( n>VOCAB_MAX_BYTES ) return 0;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( (c & 0xC0)!=0x80 ) nChar++;
    if( c<'0' || c>'9' ) bDigits = 0;
  }
  return nChar>1 && !bDigits;
}

/* Double the slot array (or make the first one) and rehash. */
static int vocab_grow(struct vocab *p){
  size_t nNew = p->nSlot ? p->nSlot*2 : 1024, i;
  struct vocab_entry *aNew = calloc(nNew, sizeof(*aNew));
  if( aNew==0 ) return SQLITE_NOMEM;
  for(i=0; i<p->nSlot; i++){
    struct vocab_entry *pE = &p->aEntry[i];
    size_t j;
    if( pE->iWord==0 ) continue;
    for(j=pE->hash & (nNew-1); aNew[j].iWord; j=(j+1) & (nNew-1)){}
    aNew[j] = *pE;
  }
  free(p->aEntry);
  p->aEntry = aNew;
  p->nSlot = nNew;
  return SQLITE_OK;
}

/* Append the word to the arena; return its offset (never 0) or 0. */
static size_t vocab_store(struct vocab *p, const char *z, int n){
  size_t iOff;
  if( p->nArena==0 ) p->nArena = 1;          /* offset 0 means "empty" */
  if( p->nArena+(size_t)n+1 > p->nArenaAlloc ){
    size_t nNew = p->nArenaAlloc ? p->nArenaAlloc*2 : 65536;
    char *zNew;
    while( nNew < p->nArena+(size_t)n+1 ) nNew *= 2;
    zNew = realloc(p->zArena, nNew);
    if( zNew==0 ) return 0;
    p->zArena = zNew;
    p->nArenaAlloc = nNew;
  }
  iOff = p->nArena;
  memcpy(&p->zArena[iOff], z, (size_t)n);
  p->zArena[iOff+(size_t)n] = 0;
  p->nArena += (size_t)n+1;
  return iOff;
}

/*
** Add delta to word z (n bytes, h the low bits of its hash_fnv1a: a merge
** reuses the hash its source computed). bRow: once per row (the row stamp), as when
** tokenizing; else always, as when merging another object's counts.
*/
static int vocab_count(struct vocab *p, const char *z, int n, unsigned h,
                       int delta, int bRow){
  size_t j;
  struct vocab_entry *pE;
  if( (p->nEntry+1)*2 > p->nSlot && vocab_grow(p)!=SQLITE_OK ){
    return SQLITE_NOMEM;
  }
  for(j=h & (p->nSlot-1); p->aEntry[j].iWord; j=(j+1) & (p->nSlot-1)){
    pE = &p->aEntry[j];
    if( pE->hash==h && pE->nWord==n
     && memcmp(&p->zArena[pE->iWord], z, (size_t)n)==0 ){
      if( !bRow ) pE->delta += delta;
      else if( pE->stamp!=p->stamp ){ pE->stamp = p->stamp; pE->delta += delta; }
      return SQLITE_OK;
    }
  }
  pE = &p->aEntry[j];
  pE->iWord = vocab_store(p, z, n);
  if( pE->iWord==0 ) return SQLITE_NOMEM;
  pE->nWord = n;
  pE->hash = h;
  pE->stamp = p->stamp;
  pE->delta = delta;
  p->nEntry++;
  return SQLITE_OK;
}

static int vocab_token(void *pCtx, int tflags, const char *pToken, int nToken,
                       int iStart, int iEnd){
  struct vocab *p = (struct vocab*)pCtx;
  (void)iStart; (void)iEnd;
  if( (tflags & FTS5_TOKEN_COLOCATED) || !vocab_keep(pToken, nToken) ){
    return SQLITE_OK;
  }
  return vocab_count(p, pToken, nToken, (unsigned)hash_fnv1a(pToken, (size_t)nToken), p->iSign,
                     1);
}

int vocab_add_row(struct vocab *p, const char *const *azField,
                  const size_t *anField, int nField, int iSign){
  int rc = SQLITE_OK, i;
  p->stamp++;
  p->iSign = iSign;
  for(i=0; rc==SQLITE_OK && i<nField; i++){
    if( anField[i]==0 ) continue;
    if( anField[i]>(size_t)0x7fffffff ) return SQLITE_TOOBIG;
    rc = p->tok.xTokenize(p->pTok, p, FTS5_TOKENIZE_DOCUMENT, azField[i],
                          (int)anField[i], vocab_token);
  }
  return rc;
}

/* Write one pending change. */
static int vocab_write(struct vocab *p, const struct vocab_entry *pE){
  const char *zWord = &p->zArena[pE->iWord];
  int rc;
  if( pE->delta>0 ){
    char zPlain[VOCAB_MAX_BYTES+1];
    size_t nPlain = plain_form(zWord, (size_t)pE->nWord, zPlain);
    sqlite3_bind_text(p->pUpsert, 1, zWord, pE->nWord, SQLITE_STATIC);
    sqlite3_bind_text(p->pUpsert, 2, zPlain, (int)nPlain, SQLITE_STATIC);
    sqlite3_bind_int(p->pUpsert, 3, pE->delta);
    sqlite3_step(p->pUpsert);
    return sqlite3_reset(p->pUpsert);
  }
  sqlite3_bind_text(p->pSub, 1, zWord, pE->nWord, SQLITE_STATIC);
  sqlite3_bind_int(p->pSub, 2, pE->delta);
  rc = sqlite3_step(p->pSub);
  if( rc==SQLITE_ROW && sqlite3_column_int64(p->pSub, 0)<=0 ){
    rc = sqlite3_reset(p->pSub);
    if( rc==SQLITE_OK ){
      sqlite3_bind_text(p->pDel, 1, zWord, pE->nWord, SQLITE_STATIC);
      sqlite3_step(p->pDel);
      rc = sqlite3_reset(p->pDel);
    }
    return rc;
  }
  return sqlite3_reset(p->pSub);
}

/* Order entries by word, as the vocab primary key (BINARY) orders them. */
static int vocab_cmp(const void *a, const void *b, void *pArg){
  const struct vocab_entry *pA = *(const struct vocab_entry *const*)a;
  const struct vocab_entry *pB = *(const struct vocab_entry *const*)b;
  const char *zArena = (const char*)pArg;
  int n = pA->nWord < pB->nWord ? pA->nWord : pB->nWord;
  int c = memcmp(&zArena[pA->iWord], &zArena[pB->iWord], (size_t)n);
  return c ? c : pA->nWord - pB->nWord;
}

/*
** Writes go in key order: neighbouring keys share B-tree pages, so the
** batch touches each page once instead of at random (hash order).
*/
int vocab_flush(struct vocab *p){
  int rc = SQLITE_OK;
  size_t i, n = 0;
  const struct vocab_entry **apE = malloc((p->nEntry ? p->nEntry : 1)
                                          * sizeof(*apE));
  if( apE==0 ){
    vocab_reset(p);
    return SQLITE_NOMEM;
  }
  for(i=0; i<p->nSlot; i++){
    const struct vocab_entry *pE = &p->aEntry[i];
    if( pE->iWord && pE->delta!=0 ) apE[n++] = pE;
  }
  qsort_r(apE, n, sizeof(*apE), vocab_cmp, p->zArena);
  for(i=0; rc==SQLITE_OK && i<n; i++) rc = vocab_write(p, apE[i]);
  free(apE);
  vocab_reset(p);
  return rc;
}

void vocab_reset(struct vocab *p){
  if( p->nSlot>65536 ){          /* a big batch: give the memory back */
    free(p->aEntry);
    p->aEntry = 0;
    p->nSlot = 0;
  }else if( p->aEntry ){
    memset(p->aEntry, 0, p->nSlot*sizeof(*p->aEntry));
  }
  p->nEntry = 0;
  p->nArena = 0;
}
