/*
** swedish.c: the "swedish" FTS5 tokenizer.
**
** Built like FTS5's own porter tokenizer (fts5_tokenize.c): a decorator over
** the parent tokenizer "unicode61", found with xFindTokenizer and created with
** "remove_diacritics 0". The parent segments and case-folds; this file turns
** each of its tokens into terms. Per-call state lives on the stack of
** swedish_tokenize(); the instance holds only what is safe to reuse between
** calls on one thread (the stemmer and a scratch buffer).
*/
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "swedish.h"
#include "swedish_int.h"

/* The parent tokenizer and the arguments every instance gives it first:
** å ä ö é ü stay letters of their own. */
#define SWEDISH_PARENT "unicode61"
static const char *const azSplitArg[2] = {"remove_diacritics", "0"};

typedef struct SwedishTokenizer SwedishTokenizer;
struct SwedishTokenizer {
  fts5_tokenizer parent;          /* Parent tokenizer module */
  Fts5Tokenizer *pParent;         /* Parent tokenizer instance */
  SwedishAnalyzer *pAnalyzer;     /* Stemmer and scratch space, this instance */
};

/*
** Coordinated compounds ("barn- och ungdomspsykiatri") are completed at
** index time: a word followed by a hanging hyphen is held back,
** with the "och"/"eller" after it, until the head word arrives, so that the
** completed form ("barnpsykiatri") can be emitted colocated with it.
*/
#define SWEDISH_MAX_PENDING 6     /* held-back tokens; more are let through */
#define SWEDISH_PENDING_TEXT 64   /* longest held-back token, bytes */

typedef struct Pending Pending;
struct Pending {
  int bHang;                      /* word with a hanging hyphen */
  int bJoin;                      /* word before a joining hyphen */
  int tflags, iStart, iEnd;
  int n;
  char z[SWEDISH_PENDING_TEXT];
};

/* Per-call state of swedish_tokenize(), on its stack. */
typedef struct SwedishCb SwedishCb;
struct SwedishCb {
  AnalyzerSink sink;              /* where terms go */
  const char *pText;              /* the text of this call, for lookahead */
  int nText;
  int nPending;
  Pending aPending[SWEDISH_MAX_PENDING];
};

const char *swedish_analysis_version(void){
#define SWEDISH_STR2(x) #x
#define SWEDISH_STR(x) SWEDISH_STR2(x)
  return "swedish-" SWEDISH_STR(SWEDISH_ANALYSIS_REVISION)
         "/libstemmer-" SWEDISH_LIBSTEMMER_VERSION;
}

static void swedish_delete(Fts5Tokenizer *pTok){
  SwedishTokenizer *p = (SwedishTokenizer*)pTok;
  if( p ){
    if( p->pParent ) p->parent.xDelete(p->pParent);
    analyzer_free(p->pAnalyzer);
    sqlite3_free(p);
  }
}

/*
** Create a tokenizer instance. Arguments are passed on to unicode61 after
** "remove_diacritics 0", so a table may add e.g. "tokenchars -". On error
** *ppOut is NULL and nothing is leaked.
*/
static int swedish_create(
  void *pCtx, const char **azArg, int nArg, Fts5Tokenizer **ppOut
){
  fts5_api *pApi = (fts5_api*)pCtx;
  SwedishTokenizer *p = 0;
  void *pUserdata = 0;
  const char **azParent = 0;
  int rc = SQLITE_OK;
  int i;

  p = sqlite3_malloc(sizeof(*p));
  if( p ) memset(p, 0, sizeof(*p));   /* swedish_delete() of a partial one */
  azParent = sqlite3_malloc64(sizeof(char*) * (nArg + 2));
  if( p==0 || azParent==0 ){
    rc = SQLITE_NOMEM;
    goto out;
  }
  azParent[0] = azSplitArg[0];
  azParent[1] = azSplitArg[1];
  for(i=0; i<nArg; i++) azParent[i+2] = azArg[i];
  rc = pApi->xFindTokenizer(pApi, SWEDISH_PARENT, &pUserdata, &p->parent);
  if( rc==SQLITE_OK ){
    rc = p->parent.xCreate(pUserdata, azParent, nArg+2, &p->pParent);
  }
  if( rc==SQLITE_OK ){
    rc = analyzer_new(&p->pAnalyzer);
  }
out:
  sqlite3_free(azParent);
  if( rc!=SQLITE_OK ){
    swedish_delete((Fts5Tokenizer*)p);
    p = 0;
  }
  *ppOut = (Fts5Tokenizer*)p;
  return rc;
}

/* Emit the terms of one token. */
static int cb_emit(SwedishCb *c, int tflags, const char *z, int n,
                   int iStart, int iEnd){
  return analyzer_emit(&c->sink, tflags, z, n, iStart, iEnd);
}

/*
** Emit the held-back tokens. If zHead is not NULL, each hanging word is
** followed by its completion with the head word's tail, colocated:
** "barn" + "psykiatri" of "ungdomspsykiatri".
*/
static int cb_flush(SwedishCb *c, const char *zHead, int nHead){
  int rc = SQLITE_OK, i;
  int iTail = zHead ? analyzer_tail(zHead, nHead) : 0;
  for(i=0; rc==SQLITE_OK && i<c->nPending; i++){
    Pending *q = &c->aPending[i];
    char z[SWEDISH_PENDING_TEXT*2];
    rc = cb_emit(c, q->tflags, q->z, q->n, q->iStart, q->iEnd);
    if( rc==SQLITE_OK && q->bHang && iTail>0
     && q->n+nHead-iTail<=(int)sizeof(z) ){
      memcpy(z, q->z, (size_t)q->n);
      memcpy(z+q->n, zHead+iTail, (size_t)(nHead-iTail));
      rc = cb_emit(c, FTS5_TOKEN_COLOCATED|ANALYZER_WHOLE_ONLY, z,
                   q->n+nHead-iTail, q->iStart, q->iEnd);
    }
  }
  c->nPending = 0;
  return rc;
}

/* Hold a token back; 0 if there is no room for it. */
static int cb_hold(SwedishCb *c, int bHang, int tflags, const char *z, int n,
                   int iStart, int iEnd){
  Pending *q;
  if( c->nPending>=SWEDISH_MAX_PENDING || n>SWEDISH_PENDING_TEXT ) return 0;
  q = &c->aPending[c->nPending++];
  q->bHang = bHang;
  q->bJoin = 0;
  q->tflags = tflags;
  q->iStart = iStart;
  q->iEnd = iEnd;
  q->n = n;
  memcpy(q->z, z, (size_t)n);
  return 1;
}

/* Is the token ending at iEnd followed by a hanging hyphen ("barn- och")? */
static inline int is_hanging(const SwedishCb *c, int iEnd){
  char d;
  if( iEnd<0 || iEnd>=c->nText || c->pText[iEnd]!='-' ) return 0;
  if( iEnd+1==c->nText ) return 0;
  d = c->pText[iEnd+1];
  return d==' ' || d==',' || d=='\t' || d=='\n' || d=='\r';
}

/*
** Hyphenated words are also written solid (covid-19 and covid19, e-hälsa
** and ehälsa, Norrbottens-program and Norrbottensprogram): a word directly
** followed by "-" and another word is held back until that word arrives,
** and the joined form's whole-word term is emitted colocated with the
** first word (its position and offsets). Not between two numbers: a date
** or a range (2021-05-05, 2019-2021) is no word.
*/
static int is_joining(const SwedishCb *c, const char *z, int iEnd){
  unsigned char d;
  if( iEnd<0 || iEnd+1>=c->nText || c->pText[iEnd]!='-' ) return 0;
  d = (unsigned char)c->pText[iEnd+1];
  if( d<0x80 && !((d>='a' && d<='z') || (d>='A' && d<='Z')
                  || (d>='0' && d<='9')) ){
    return 0;
  }
  return !(z[0]>='0' && z[0]<='9' && d>='0' && d<='9');
}

/*
** The held-back word before a joining hyphen, and the token after it:
** emit the word, then, if the token follows the hyphen directly, their
** joined form colocated (whole-word term only).
*/
static int cb_join(SwedishCb *c, const char *pToken, int nToken, int iStart){
  Pending *q = &c->aPending[0];
  char z[SWEDISH_PENDING_TEXT*2];
  int rc = cb_emit(c, q->tflags, q->z, q->n, q->iStart, q->iEnd);
  c->nPending = 0;
  if( rc==SQLITE_OK && iStart==q->iEnd+1 && q->n+nToken<=(int)sizeof(z) ){
    memcpy(z, q->z, (size_t)q->n);
    memcpy(z+q->n, pToken, (size_t)nToken);
    rc = cb_emit(c, FTS5_TOKEN_COLOCATED|ANALYZER_WHOLE_ONLY, z,
                 q->n+nToken, q->iStart, q->iEnd);
  }
  return rc;
}

static int is_conjunction(const char *z, int n){
  return (n==3 && memcmp(z, "och", 3)==0) || (n==5 && memcmp(z, "eller", 5)==0);
}

/* Called by the parent for each folded token at query and aux time. */
static int swedish_query_cb(
  void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd
){
  return analyzer_emit(&((SwedishCb*)pCtx)->sink, tflags, pToken, nToken,
                       iStart, iEnd);
}

/*
** The coordinated-compound state machine of swedish_cb() over the
** held-back tokens: hanging words, then one conjunction, then the head
** word that completes them. Out of line: swedish_cb() is called for every
** token, and this for a few.
*/
static __attribute__((noinline)) int swedish_cb_pending(
  SwedishCb *c, int tflags, const char *pToken, int nToken, int iStart, int iEnd
){
  int rc = SQLITE_OK;
  int bHang = is_hanging(c, iEnd);
  if( c->nPending==1 && c->aPending[0].bJoin ){
    rc = cb_join(c, pToken, nToken, iStart);
    if( rc!=SQLITE_OK ) return rc;
  }
  if( c->nPending==0 && !bHang && is_joining(c, pToken, iEnd)
   && cb_hold(c, 0, tflags, pToken, nToken, iStart, iEnd) ){
    c->aPending[0].bJoin = 1;
    return rc;
  }
  if( c->nPending>0 ){
    const Pending *pLast = &c->aPending[c->nPending-1];
    if( (bHang && pLast->bHang) || (pLast->bHang && is_conjunction(pToken, nToken)) ){
      if( cb_hold(c, bHang, tflags, pToken, nToken, iStart, iEnd) ) return rc;
    }
    rc = cb_flush(c, (!pLast->bHang && !bHang) ? pToken : 0, nToken);
  }
  if( rc==SQLITE_OK && bHang
   && cb_hold(c, 1, tflags, pToken, nToken, iStart, iEnd) ){
    return rc;
  }
  if( rc==SQLITE_OK && c->nPending ) rc = cb_flush(c, 0, 0);
  if( rc==SQLITE_OK ) rc = cb_emit(c, tflags, pToken, nToken, iStart, iEnd);
  return rc;
}

/* Called by the parent for each folded token at index time. */
static int swedish_cb(
  void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd
){
  SwedishCb *c = (SwedishCb*)pCtx;
  if( c->nPending==0 && (iEnd>=c->nText || c->pText[iEnd]!='-') ){
    /* the common case: no hyphen after the word, nothing held back */
    return cb_emit(c, tflags, pToken, nToken, iStart, iEnd);
  }
  return swedish_cb_pending(c, tflags, pToken, nToken, iStart, iEnd);
}

static int swedish_tokenize(
  Fts5Tokenizer *pTok, void *pCtx, int flags,
  const char *pText, int nText,
  int (*xToken)(void*, int, const char*, int, int, int)
){
  SwedishTokenizer *p = (SwedishTokenizer*)pTok;
  SwedishCb c;
  int rc;
  c.sink.p = p->pAnalyzer;
  /* Only DOCUMENT makes colocated terms (parts, completions, joined
  ** hyphenated forms). AUX serves highlight(), snippet() and searchd's
  ** ranking, which all skip colocated tokens, so it takes the QUERY path:
  ** the same whole-word terms, offsets and order as DOCUMENT's
  ** non-colocated tokens, without the decompounding nobody reads. */
  c.sink.bParts = (flags & FTS5_TOKENIZE_DOCUMENT)!=0;
  c.sink.bDocument = (flags & FTS5_TOKENIZE_DOCUMENT)!=0;
  c.sink.pCtx = pCtx;
  c.sink.xToken = xToken;
  c.pText = pText;
  c.nText = nText;
  c.nPending = 0;
  rc = p->parent.xTokenize(p->pParent, &c, flags, pText, nText,
                           c.sink.bParts ? swedish_cb : swedish_query_cb);
  if( rc==SQLITE_OK ) rc = cb_flush(&c, 0, 0);
  return rc;
}

int swedish_fts5_api(sqlite3 *db, fts5_api **ppApi){
  sqlite3_stmt *pStmt = 0;
  int rc;
  *ppApi = 0;
  rc = sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &pStmt, 0);
  if( rc==SQLITE_OK ){
    sqlite3_bind_pointer(pStmt, 1, (void*)ppApi, "fts5_api_ptr", 0);
    sqlite3_step(pStmt);
    rc = sqlite3_finalize(pStmt);
  }
  if( rc==SQLITE_OK && *ppApi==0 ) rc = SQLITE_ERROR;
  return rc;
}

int swedish_split_new(sqlite3 *db, fts5_tokenizer *pMod,
                      Fts5Tokenizer **ppOut){
  fts5_api *pApi = 0;
  void *pUserdata = 0;
  int rc = swedish_fts5_api(db, &pApi);
  *ppOut = 0;
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_PARENT, &pUserdata, pMod);
  }
  if( rc==SQLITE_OK ){
    /* The table's tokenizer has no arguments of its own (common/db.c), so
    ** the parent's are these alone. */
    rc = pMod->xCreate(pUserdata, (const char**)azSplitArg, 2, ppOut);
    if( rc!=SQLITE_OK ) *ppOut = 0;
  }
  return rc;
}

int swedish_register(sqlite3 *db){
  static fts5_tokenizer tok = {swedish_create, swedish_delete,
                               swedish_tokenize};
  fts5_api *pApi = 0;
  int rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xCreateTokenizer(pApi, SWEDISH_TOKENIZER_NAME, (void*)pApi,
                                &tok, 0);
  }
  return rc;
}
