/*
** replay.c: recorded swedish token streams, replayed into FTS5.
**
** A tape is a byte string of fields; a field is
**
**   varint nText                the length of the text it was made from
**   varint nEnc*2 + bBad        bBad: the field never replays
**   nEnc bytes of tokens
**
** and a token is
**
**   varint nTerm*4 + colocated*2 + same
**   [varint zigzag(iStart - previous iEnd), varint iEnd - iStart]  if !same
**   nTerm bytes of term
**
** same: iStart and iEnd are the previous token's (compound parts; the
** "previous" offsets start at 0, 0 in each field). About 1.4 bytes of tape
** per byte of text on the reports. (Writing a term that is the lower-cased
** prefix of its word as a length only made tapes 0.54 bytes per byte, but
** cost the reader a fold and compare per token and the writer a fold per
** replayed token: 13 % more instructions for the whole run than with no
** replay, against 7.6 % now (callgrind, 500 reports), for 2 MB of RSS.)
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "swedish.h"

/* Fields looked at past the cursor before a text counts as a miss: FTS5
** asks for a row's three fields in order, so a short window absorbs a
** field it skipped or asked for out of turn without a scan. */
#define REPLAY_LOOKAHEAD 8

/* Field descriptors kept across replay_clear(); a bigger array is freed. */
#define REPLAY_KEEP_FIELDS (1 << 16)

struct replay_tape {
  unsigned char *a;
  size_t n, nAlloc;
  int nField;
};

/* One queued field: where its tokens are, and the text it must match. */
struct replay_field {
  const unsigned char *aTok;      /* in a queued tape */
  size_t nTok;
  size_t nText;
  const char *zText;              /* from replay_expect(); NULL: not yet */
  int bDead;                      /* never replays */
};

struct replay {
  fts5_tokenizer real;            /* the "swedish" found at registration */
  void *pRealUser;
  struct replay_tape **apTape;    /* queued tapes, owned */
  size_t nTape, nTapeAlloc;
  struct replay_field *aField;
  size_t nField, nFieldAlloc;
  size_t iExpect;                 /* next field replay_expect() names */
  size_t iCursor;                 /* next field FTS5 should ask for */
  int bBroken;                    /* a push failed: miss until a clear */
  struct replay_counts counts;
};

struct replay_recorder {
  fts5_tokenizer real;
  Fts5Tokenizer *pTok;
  unsigned char *a;               /* the field being recorded */
  size_t n, nAlloc;
  int iPrevStart, iPrevEnd;
  int bBad;                       /* a token the format cannot hold */
  int rcMem;                      /* SQLITE_NOMEM once growing failed */
};

/* The wrapper tokenizer instance. */
struct replay_tok {
  struct replay *p;
  Fts5Tokenizer *pReal;
  int bReplay;                    /* made with the recorder's arguments */
};

/* ---- varints and growable byte strings ---- */

static size_t replay_put_varint(unsigned char *a, uint64_t v){
  size_t i = 0;
  while( v>=0x80 ){
    a[i++] = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  a[i++] = (unsigned char)v;
  return i;
}

static const unsigned char *replay_get_varint(const unsigned char *a,
                                              uint64_t *pv){
  uint64_t v = 0;
  int s = 0;
  while( *a & 0x80 ){
    v |= (uint64_t)(*a++ & 0x7f) << s;
    s += 7;
  }
  *pv = v | ((uint64_t)*a++ << s);
  return a;
}

/* Make room for n more bytes after the n0 used in *pa (*pnAlloc). 0 or -1. */
static int replay_reserve(unsigned char **pa, size_t n0, size_t *pnAlloc,
                          size_t n){
  size_t nNew = *pnAlloc ? *pnAlloc : 256;
  unsigned char *aNew;
  if( n0 + n <= *pnAlloc ) return 0;
  while( nNew < n0 + n ) nNew *= 2;
  aNew = realloc(*pa, nNew);
  if( aNew==0 ) return -1;
  *pa = aNew;
  *pnAlloc = nNew;
  return 0;
}

/* ---- recording (the reader's thread) ---- */

/* xToken of the recorder: append one token to the field being recorded. */
static int replay_rec_token(void *pCtx, int tflags, const char *pToken,
                            int nToken, int iStart, int iEnd){
  struct replay_recorder *r = (struct replay_recorder*)pCtx;
  int bSame = iStart==r->iPrevStart && iEnd==r->iPrevEnd;
  int64_t d = (int64_t)iStart - r->iPrevEnd;
  unsigned char *a;
  if( (tflags & ~FTS5_TOKEN_COLOCATED) || nToken<0 || iStart<0
   || iEnd<iStart ){
    r->bBad = 1;                  /* let the tokenizer finish; drop it */
    return SQLITE_OK;
  }
  if( replay_reserve(&r->a, r->n, &r->nAlloc, (size_t)nToken + 30) ){
    r->rcMem = SQLITE_NOMEM;
    return SQLITE_NOMEM;
  }
  a = &r->a[r->n];
  a += replay_put_varint(a, ((uint64_t)nToken << 2)
                         | (tflags & FTS5_TOKEN_COLOCATED ? 2 : 0)
                         | (bSame ? 1 : 0));
  if( !bSame ){
    a += replay_put_varint(a, ((uint64_t)d << 1) ^ (uint64_t)(d >> 63));
    a += replay_put_varint(a, (uint64_t)(iEnd - iStart));
  }
  if( nToken ){
    memcpy(a, pToken, (size_t)nToken);
    a += nToken;
  }
  r->n = (size_t)(a - r->a);
  r->iPrevStart = iStart;
  r->iPrevEnd = iEnd;
  return SQLITE_OK;
}

int replay_recorder_open(struct replay *p, struct replay_recorder **pp){
  struct replay_recorder *r = calloc(1, sizeof(*r));
  int rc = r ? SQLITE_OK : SQLITE_NOMEM;
  if( r ){
    r->real = p->real;
    rc = r->real.xCreate(p->pRealUser, 0, 0, &r->pTok);
    if( rc!=SQLITE_OK ) r->pTok = 0;
  }
  if( rc!=SQLITE_OK ){
    replay_recorder_close(r);
    r = 0;
  }
  *pp = r;
  return rc;
}

void replay_recorder_close(struct replay_recorder *pRec){
  if( pRec==0 ) return;
  if( pRec->pTok ) pRec->real.xDelete(pRec->pTok);
  free(pRec->a);
  free(pRec);
}

/* Append the recorded field (text of nText bytes) to the tape. */
static int replay_tape_append(struct replay_tape *pTape,
                              const struct replay_recorder *r, size_t nText){
  size_t nEnc = r->bBad ? 0 : r->n;
  unsigned char *a;
  if( replay_reserve(&pTape->a, pTape->n, &pTape->nAlloc, nEnc + 20) ){
    return SQLITE_NOMEM;
  }
  a = &pTape->a[pTape->n];
  a += replay_put_varint(a, (uint64_t)nText);
  a += replay_put_varint(a, ((uint64_t)nEnc << 1) | (r->bBad ? 1 : 0));
  if( nEnc ) memcpy(a, r->a, nEnc);
  pTape->n = (size_t)(a - pTape->a) + nEnc;
  pTape->nField++;
  return SQLITE_OK;
}

int replay_record(struct replay_recorder *pRec, const char *z, size_t n,
                  struct replay_tape **ppTape){
  struct replay_tape *pTape = *ppTape;
  int rc;
  if( n>0x7fffffff ) return SQLITE_TOOBIG;
  if( pTape==0 && (pTape = calloc(1, sizeof(*pTape)))==0 ) return SQLITE_NOMEM;
  pRec->n = 0;
  pRec->iPrevStart = pRec->iPrevEnd = 0;
  pRec->bBad = 0;
  pRec->rcMem = SQLITE_OK;
  rc = pRec->real.xTokenize(pRec->pTok, pRec, FTS5_TOKENIZE_DOCUMENT,
                            n ? z : "", (int)n, replay_rec_token);
  if( pRec->rcMem!=SQLITE_OK ){
    rc = pRec->rcMem;
  }else{
    if( rc!=SQLITE_OK ) pRec->bBad = 1;   /* the writer's instance says */
    rc = replay_tape_append(pTape, pRec, n);
  }
  if( rc!=SQLITE_OK && *ppTape==0 ) replay_tape_free(pTape);
  else *ppTape = pTape;
  return rc;
}

int replay_tape_fields(const struct replay_tape *pTape){
  return pTape ? pTape->nField : 0;
}

size_t replay_tape_bytes(const struct replay_tape *pTape){
  return pTape ? sizeof(*pTape) + pTape->nAlloc : 0;
}

void replay_tape_free(struct replay_tape *pTape){
  if( pTape==0 ) return;
  free(pTape->a);
  free(pTape);
}

void replay_tape_trim(struct replay_tape *pTape){
  unsigned char *a;
  if( pTape==0 || pTape->n==0 || pTape->n==pTape->nAlloc ) return;
  a = realloc(pTape->a, pTape->n);
  if( a ){                        /* else keep the bigger block */
    pTape->a = a;
    pTape->nAlloc = pTape->n;
  }
}

/* ---- the queue (the connection's thread) ---- */

/* Grow the field array to hold n more. 0 or -1. */
static int replay_fields_reserve(struct replay *p, size_t n){
  size_t nNew = p->nFieldAlloc ? p->nFieldAlloc : 1024;
  struct replay_field *aNew;
  if( p->nField + n <= p->nFieldAlloc ) return 0;
  while( nNew < p->nField + n ) nNew *= 2;
  aNew = realloc(p->aField, nNew*sizeof(*aNew));
  if( aNew==0 ) return -1;
  p->aField = aNew;
  p->nFieldAlloc = nNew;
  return 0;
}

/* Describe the tape's fields (or nField dead ones) in aField. */
static void replay_describe(struct replay *p, const struct replay_tape *pTape,
                            int nField){
  const unsigned char *a = pTape ? pTape->a : 0;
  int bDead = pTape==0 || pTape->nField!=nField, i;
  for(i=0; i<nField; i++){
    struct replay_field *f = &p->aField[p->nField++];
    memset(f, 0, sizeof(*f));
    f->bDead = bDead;
    if( !bDead ){
      uint64_t nText, x;
      a = replay_get_varint(a, &nText);
      a = replay_get_varint(a, &x);
      f->nText = (size_t)nText;
      f->nTok = (size_t)(x >> 1);
      f->bDead = (int)(x & 1);
      f->aTok = a;
      a += f->nTok;
    }
  }
}

int replay_push(struct replay *p, struct replay_tape *pTape, int nField){
  if( p->bBroken || nField<0 ) goto fail;
  if( p->nTape==p->nTapeAlloc ){
    size_t nNew = p->nTapeAlloc ? p->nTapeAlloc*2 : 256;
    struct replay_tape **apNew = realloc(p->apTape, nNew*sizeof(*apNew));
    if( apNew==0 ) goto fail;
    p->apTape = apNew;
    p->nTapeAlloc = nNew;
  }
  if( replay_fields_reserve(p, (size_t)nField) ) goto fail;
  replay_describe(p, pTape, nField);
  if( pTape ){
    p->apTape[p->nTape++] = pTape;
    p->counts.nTapeBytes += (long long)pTape->n;
  }
  return SQLITE_OK;
fail:
  replay_tape_free(pTape);
  p->bBroken = 1;
  return SQLITE_NOMEM;
}

void replay_expect(struct replay *p, const char *z, size_t n){
  struct replay_field *f;
  if( p->iExpect>=p->nField ) return;
  f = &p->aField[p->iExpect++];
  p->counts.nTextBytes += (long long)n;
  if( f->nText!=n ) f->bDead = 1;
  f->zText = n ? z : "";
}

void replay_clear(struct replay *p){
  size_t i;
  if( p==0 ) return;
  for(i=0; i<p->nTape; i++) replay_tape_free(p->apTape[i]);
  p->nTape = 0;
  if( p->nFieldAlloc>REPLAY_KEEP_FIELDS ){
    free(p->aField);
    p->aField = 0;
    p->nFieldAlloc = 0;
  }
  p->nField = p->iExpect = p->iCursor = 0;
  p->bBroken = 0;
}

void replay_stats(const struct replay *p, struct replay_counts *pCounts){
  *pCounts = p->counts;
}

/* ---- the wrapper tokenizer (the connection's thread) ---- */

/*
** The expected field among the next REPLAY_LOOKAHEAD that holds exactly
** these bytes, or NULL. A hit moves the cursor past it.
*/
static const struct replay_field *replay_find(struct replay *p,
                                              const char *pText, int nText){
  size_t j, jEnd = p->iCursor + REPLAY_LOOKAHEAD;
  if( p->bBroken || nText<0 ) return 0;
  if( jEnd>p->iExpect ) jEnd = p->iExpect;
  for(j=p->iCursor; j<jEnd; j++){
    const struct replay_field *f = &p->aField[j];
    if( f->bDead || f->nText!=(size_t)nText ) continue;
    if( nText==0 || memcmp(f->zText, pText, (size_t)nText)==0 ){
      p->iCursor = j + 1;
      return f;
    }
  }
  return 0;
}

/* Give xToken the field's recorded tokens; stop at its first non-OK. */
static int replay_play(const struct replay_field *f, void *pCtx,
                       int (*xToken)(void*, int, const char*, int, int, int)){
  const unsigned char *a = f->aTok, *aEnd = f->aTok + f->nTok;
  int rc = SQLITE_OK, iStart = 0, iEnd = 0;
  while( rc==SQLITE_OK && a<aEnd ){
    uint64_t h, d, len;
    int nTerm;
    a = replay_get_varint(a, &h);
    nTerm = (int)(h >> 2);
    if( (h & 1)==0 ){
      a = replay_get_varint(a, &d);
      a = replay_get_varint(a, &len);
      iStart = (int)((int64_t)iEnd + (int64_t)((d >> 1) ^ (0 - (d & 1))));
      iEnd = iStart + (int)len;
    }
    rc = xToken(pCtx, (h & 2) ? FTS5_TOKEN_COLOCATED : 0, (const char*)a,
                nTerm, iStart, iEnd);
    a += nTerm;
  }
  return rc;
}

static int replay_tok_create(void *pUserData, const char **azArg, int nArg,
                             Fts5Tokenizer **ppOut){
  struct replay *p = (struct replay*)pUserData;
  struct replay_tok *t = calloc(1, sizeof(*t));
  int rc = t ? SQLITE_OK : SQLITE_NOMEM;
  if( t ){
    t->p = p;
    t->bReplay = nArg==0;         /* the recorder's (and the index's) */
    rc = p->real.xCreate(p->pRealUser, azArg, nArg, &t->pReal);
    if( rc!=SQLITE_OK ){
      free(t);
      t = 0;
    }
  }
  *ppOut = (Fts5Tokenizer*)t;
  return rc;
}

static void replay_tok_delete(Fts5Tokenizer *pTok){
  struct replay_tok *t = (struct replay_tok*)pTok;
  if( t==0 ) return;
  t->p->real.xDelete(t->pReal);
  free(t);
}

static int replay_tok_tokenize(Fts5Tokenizer *pTok, void *pCtx, int flags,
                               const char *pText, int nText,
                               int (*xToken)(void*, int, const char*, int,
                                             int, int)){
  struct replay_tok *t = (struct replay_tok*)pTok;
  const struct replay_field *f = 0;
  if( t->bReplay && flags==FTS5_TOKENIZE_DOCUMENT ){
    f = replay_find(t->p, pText, nText);
  }
  if( f ){
    t->p->counts.nReplayed++;
    return replay_play(f, pCtx, xToken);
  }
  t->p->counts.nTokenized++;
  return t->p->real.xTokenize(t->pReal, pCtx, flags, pText, nText, xToken);
}

/* xCreateTokenizer's destructor: db is closing. */
static void replay_destroy(void *pArg){
  struct replay *p = (struct replay*)pArg;
  if( p==0 ) return;
  replay_clear(p);
  free(p->apTape);
  free(p->aField);
  free(p);
}

int replay_register(sqlite3 *db, struct replay **pp){
  static fts5_tokenizer wrapper = {replay_tok_create, replay_tok_delete,
                                   replay_tok_tokenize};
  fts5_api *pApi = 0;
  struct replay *p = calloc(1, sizeof(*p));
  int rc = p ? swedish_fts5_api(db, &pApi) : SQLITE_NOMEM;
  *pp = 0;
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &p->pRealUser,
                              &p->real);
  }
  if( rc==SQLITE_OK ){
    rc = pApi->xCreateTokenizer(pApi, SWEDISH_TOKENIZER_NAME, p, &wrapper,
                                replay_destroy);
  }
  if( rc!=SQLITE_OK ){
    replay_destroy(p);            /* FTS5 does not on failure */
    p = 0;
  }
  *pp = p;
  return rc;
}
