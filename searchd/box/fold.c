/*
** fold.c: unicode61 folding for search-box input (see fold.h).
*/
#include <string.h>

#include <sqlite3.h>

#include "box/fold.h"
#include "swedish.h"

struct fold {
  fts5_tokenizer mod;
  Fts5Tokenizer *pTok;
};

int fold_new(sqlite3 *db, struct fold **ppOut){
  static const char *azArg[] = {"remove_diacritics", "0"};
  struct fold *p = sqlite3_malloc(sizeof(*p));
  fts5_api *pApi = 0;
  void *pUser = 0;
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ) memset(p, 0, sizeof(*p));
  if( rc==SQLITE_OK ) rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, "unicode61", &pUser, &p->mod);
  }
  if( rc==SQLITE_OK ) rc = p->mod.xCreate(pUser, azArg, 2, &p->pTok);
  if( rc!=SQLITE_OK ){
    if( p ) p->pTok = 0;
    fold_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void fold_free(struct fold *p){
  if( p ){
    if( p->pTok ) p->mod.xDelete(p->pTok);
    sqlite3_free(p);
  }
}

struct fold_cb {
  void *pCtx;
  fold_token_fn xToken;
};

static int fold_cb(void *pCtx, int tflags, const char *pToken, int nToken,
                   int iStart, int iEnd){
  struct fold_cb *c = (struct fold_cb*)pCtx;
  (void)tflags;
  return c->xToken(c->pCtx, pToken, nToken, iStart, iEnd);
}

int fold_tokens(struct fold *p, const char *z, int n, void *pCtx,
                fold_token_fn xToken){
  struct fold_cb c;
  int rc;
  c.pCtx = pCtx;
  c.xToken = xToken;
  rc = p->mod.xTokenize(p->pTok, &c, FTS5_TOKENIZE_QUERY, z, n, fold_cb);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

static int fold_any_cb(void *pCtx, const char *zTok, int nTok, int iStart,
                       int iEnd){
  (void)zTok; (void)nTok; (void)iStart; (void)iEnd;
  *(int*)pCtx = 1;
  return SQLITE_DONE;
}

int fold_has_token(void *pArg, const char *z, int n){
  int bFound = 0;
  if( fold_tokens((struct fold*)pArg, z, n, &bFound, fold_any_cb)
      !=SQLITE_OK ){
    return 1;     /* cannot tell: keep the term, as without the hook */
  }
  return bFound;
}

/* Collects the only token for fold_word(). */
struct fold_one {
  char *z;
  int nTok;
};

static int fold_one_cb(void *pCtx, const char *zTok, int nTok, int iStart,
                       int iEnd){
  struct fold_one *o = (struct fold_one*)pCtx;
  (void)iStart; (void)iEnd;
  if( ++o->nTok>1 ) return SQLITE_DONE;
  o->z = sqlite3_mprintf("%.*s", nTok, zTok);
  return o->z ? SQLITE_OK : SQLITE_NOMEM;
}

int fold_word(struct fold *p, const char *z, int n, char **pzOut){
  struct fold_one o;
  int rc;
  memset(&o, 0, sizeof(o));
  rc = fold_tokens(p, z, n, &o, fold_one_cb);
  if( rc!=SQLITE_OK || o.nTok!=1 ){
    sqlite3_free(o.z);
    o.z = 0;
  }
  *pzOut = o.z;
  return rc;
}

/* Two-byte UTF-8 letters and their plain replacement (one ASCII byte). */
static const struct { unsigned char b1, b2; char c; } aPlain[] = {
  {0xc3, 0xa5, 'a'},      /* å */
  {0xc3, 0xa4, 'a'},      /* ä */
  {0xc3, 0xb6, 'o'},      /* ö */
  {0xc3, 0xa9, 'e'},      /* é */
  {0xc3, 0xbc, 'u'},      /* ü */
};

int fold_plain(const char *z, int n, char **pzOut){
  char *zOut = sqlite3_malloc(n + 1);
  int i = 0, j = 0;
  size_t k;
  if( zOut==0 ){ *pzOut = 0; return SQLITE_NOMEM; }
  while( i<n ){
    for(k=0; i+1<n && k<sizeof(aPlain)/sizeof(aPlain[0]); k++){
      if( (unsigned char)z[i]==aPlain[k].b1
       && (unsigned char)z[i+1]==aPlain[k].b2 ) break;
    }
    if( i+1<n && k<sizeof(aPlain)/sizeof(aPlain[0]) ){
      zOut[j++] = aPlain[k].c;
      i += 2;
    }else{
      zOut[j++] = z[i++];
    }
  }
  zOut[j] = 0;
  *pzOut = zOut;
  return SQLITE_OK;
}
