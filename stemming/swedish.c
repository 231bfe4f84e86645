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

typedef struct SwedishTokenizer SwedishTokenizer;
struct SwedishTokenizer {
  fts5_tokenizer parent;          /* Parent tokenizer module */
  Fts5Tokenizer *pParent;         /* Parent tokenizer instance */
  SwedishAnalyzer *pAnalyzer;     /* Stemmer and scratch space, this instance */
};

/* Per-call state of swedish_tokenize(). */
typedef struct SwedishCb SwedishCb;
struct SwedishCb {
  SwedishTokenizer *p;
  void *pCtx;
  int flags;                      /* FTS5_TOKENIZE_* of this call */
  int (*xToken)(void*, int, const char*, int, int, int);
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
  azParent = sqlite3_malloc64(sizeof(char*) * (nArg + 2));
  if( p==0 || azParent==0 ){
    rc = SQLITE_NOMEM;
    goto out;
  }
  memset(p, 0, sizeof(*p));
  azParent[0] = "remove_diacritics";
  azParent[1] = "0";
  for(i=0; i<nArg; i++) azParent[i+2] = azArg[i];
  rc = pApi->xFindTokenizer(pApi, "unicode61", &pUserdata, &p->parent);
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

/* Called by the parent for each folded token: emit its terms. */
static int swedish_cb(
  void *pCtx, int tflags, const char *pToken, int nToken, int iStart, int iEnd
){
  SwedishCb *c = (SwedishCb*)pCtx;
  return analyzer_emit(c->p->pAnalyzer, c->flags, tflags, pToken, nToken,
                       iStart, iEnd, c->pCtx, c->xToken);
}

static int swedish_tokenize(
  Fts5Tokenizer *pTok, void *pCtx, int flags,
  const char *pText, int nText,
  int (*xToken)(void*, int, const char*, int, int, int)
){
  SwedishTokenizer *p = (SwedishTokenizer*)pTok;
  SwedishCb c;
  c.p = p;
  c.pCtx = pCtx;
  c.flags = flags;
  c.xToken = xToken;
  return p->parent.xTokenize(p->pParent, &c, flags, pText, nText, swedish_cb);
}

/* Fetch the fts5_api pointer of db, as fts5.h documents. */
static int swedish_fts5_api(sqlite3 *db, fts5_api **ppApi){
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
