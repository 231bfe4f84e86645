/*
** fuzz_tokenizer.c: the "swedish" FTS5 tokenizer (stemming/) on any text,
** in all three modes.
**
** The first input byte picks the tokenizer arguments (none, or extra
** unicode61 options as a table may give them); the rest is the text. It is
** tokenized as FTS5_TOKENIZE_DOCUMENT, _QUERY, _QUERY|_PREFIX and _AUX.
** Checks, per call: every token is non-empty with 0 <= iStart < iEnd <=
** nText; the whole words (tokens without FTS5_TOKEN_COLOCATED) come in text
** order without overlapping; the first token is a whole word; a colocated
** token has the offsets of the whole word before it (swedish.h: offsets
** are passed on unchanged for every term of a word); the query modes and
** AUX make no colocated tokens. Across calls: the whole words of DOCUMENT
** are exactly the terms QUERY makes (else a query for a word would not
** find the text it came from) and exactly the terms AUX makes (highlight,
** snippet and ranking re-tokenize rows with AUX and count whole words for
** positions); QUERY|PREFIX equals QUERY. Finally the text goes
** into an FTS5 table with tokenize='swedish' and FTS5's integrity-check
** must pass.
*/
#include <string.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "swedish.h"

/* One token as the tokenizer gave it. */
struct fuzz_tok {
  int tflags, iStart, iEnd, n;
  char *z;
};

/* The tokens of one xTokenize call. */
struct fuzz_toks {
  int nText;
  int n, nAlloc;
  struct fuzz_tok *a;
};

/* The fixed state: a connection, its fts5_api and tokenizer instances. */
struct fuzz_state {
  sqlite3 *db;
  fts5_tokenizer tok;
  Fts5Tokenizer *apTok[4];
};

static const char *const azArg1[] = {"tokenchars", "-_"};
static const char *const azArg2[] = {"separators", "xyz\xc3\xa5"};
static const char *const azArg3[] = {"categories", "L* N* Co Mn"};
static const struct { const char *const *az; int n; } aArgs[4] = {
  {0, 0}, {azArg1, 2}, {azArg2, 2}, {azArg3, 2}
};

static int fuzz_xtoken(void *pCtx, int tflags, const char *pToken, int nToken,
                       int iStart, int iEnd){
  struct fuzz_toks *t = pCtx;
  struct fuzz_tok *p;
  FUZZ_CHECK(pToken!=0 && nToken>0);
  FUZZ_CHECK(0<=iStart && iStart<iEnd && iEnd<=t->nText);
  FUZZ_CHECK((tflags & ~FTS5_TOKEN_COLOCATED)==0);
  if( t->n==t->nAlloc ){
    int nNew = t->nAlloc ? t->nAlloc*2 : 64;
    struct fuzz_tok *aNew = realloc(t->a, sizeof(*aNew)*(size_t)nNew);
    if( aNew==0 ) return SQLITE_NOMEM;
    t->a = aNew;
    t->nAlloc = nNew;
  }
  p = &t->a[t->n];
  p->z = malloc((size_t)nToken);
  if( p->z==0 ) return SQLITE_NOMEM;
  memcpy(p->z, pToken, (size_t)nToken);
  p->n = nToken;
  p->tflags = tflags;
  p->iStart = iStart;
  p->iEnd = iEnd;
  t->n++;
  return SQLITE_OK;
}

static void fuzz_toks_free(struct fuzz_toks *t){
  int i;
  for(i=0; i<t->n; i++) free(t->a[i].z);
  free(t->a);
  memset(t, 0, sizeof(*t));
}

/* Offsets and flags of one call's tokens (see the file comment). */
static void fuzz_check_order(const struct fuzz_toks *t, int bQuery){
  int i, iWord = -1;
  for(i=0; i<t->n; i++){
    const struct fuzz_tok *p = &t->a[i];
    if( p->tflags & FTS5_TOKEN_COLOCATED ){
      FUZZ_CHECK(!bQuery);
      FUZZ_CHECK(iWord>=0);
      FUZZ_CHECK(p->iStart==t->a[iWord].iStart && p->iEnd==t->a[iWord].iEnd);
    }else{
      if( iWord>=0 ) FUZZ_CHECK(p->iStart>=t->a[iWord].iEnd);
      iWord = i;
    }
  }
}

static int fuzz_tok_eq(const struct fuzz_tok *a, const struct fuzz_tok *b){
  return a->n==b->n && memcmp(a->z, b->z, (size_t)a->n)==0
      && a->iStart==b->iStart && a->iEnd==b->iEnd && a->tflags==b->tflags;
}

/* Is the sequence of whole words of pDoc the sequence pQuery? */
static void fuzz_check_words(const struct fuzz_toks *pDoc,
                             const struct fuzz_toks *pQuery){
  int i, j = 0;
  for(i=0; i<pDoc->n; i++){
    if( pDoc->a[i].tflags & FTS5_TOKEN_COLOCATED ) continue;
    FUZZ_CHECK(j<pQuery->n);
    FUZZ_CHECK(fuzz_tok_eq(&pDoc->a[i], &pQuery->a[j]));
    j++;
  }
  FUZZ_CHECK(j==pQuery->n);
}

static void fuzz_check_same(const struct fuzz_toks *a,
                            const struct fuzz_toks *b){
  int i;
  FUZZ_CHECK(a->n==b->n);
  for(i=0; i<a->n; i++) FUZZ_CHECK(fuzz_tok_eq(&a->a[i], &b->a[i]));
}

/* Open the connection, find the tokenizer and make the instances. */
static int fuzz_init(struct fuzz_state *s){
  fts5_api *pApi = 0;
  void *pUser = 0;
  int rc, i;
  rc = sqlite3_open(":memory:", &s->db);
  if( rc==SQLITE_OK ) rc = swedish_register(s->db);
  if( rc==SQLITE_OK ) rc = swedish_fts5_api(s->db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser, &s->tok);
  }
  for(i=0; rc==SQLITE_OK && i<4; i++){
    rc = s->tok.xCreate(pUser, (const char**)aArgs[i].az, aArgs[i].n,
                        &s->apTok[i]);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_exec(s->db, "CREATE VIRTUAL TABLE t USING fts5(x, "
                      "tokenize='swedish')", 0, 0, 0);
  }
  return rc;
}

/* Index the text in an FTS5 table and run FTS5's own consistency check. */
static void fuzz_check_table(sqlite3 *db, const char *z, int n){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, "INSERT INTO t(rowid, x) VALUES(1, ?1)", -1,
                              &pStmt, 0);
  FUZZ_CHECK(rc==SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, z, n, SQLITE_STATIC);
  FUZZ_CHECK(sqlite3_step(pStmt)==SQLITE_DONE);
  FUZZ_CHECK(sqlite3_finalize(pStmt)==SQLITE_OK);
  rc = sqlite3_exec(db, "INSERT INTO t(t, rank) VALUES('integrity-check', 1)",
                    0, 0, 0);
  if( rc!=SQLITE_OK ) fprintf(stderr, "fuzz: %s\n", sqlite3_errmsg(db));
  FUZZ_CHECK(rc==SQLITE_OK);
  FUZZ_CHECK(sqlite3_exec(db, "DELETE FROM t", 0, 0, 0)==SQLITE_OK);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  static struct fuzz_state s;     /* made once: xCreate is the slow part */
  static const int aFlags[4] = {
    FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_QUERY,
    FTS5_TOKENIZE_QUERY|FTS5_TOKENIZE_PREFIX, FTS5_TOKENIZE_AUX
  };
  struct fuzz_toks aToks[4];
  Fts5Tokenizer *pTok;
  const char *z;
  int i, n;
  if( nData==0 || nData>65536 ) return 0;
  if( s.db==0 ) FUZZ_CHECK(fuzz_init(&s)==SQLITE_OK);
  pTok = s.apTok[aData[0] & 3];
  z = (const char*)aData+1;
  n = (int)nData-1;
  memset(aToks, 0, sizeof(aToks));
  for(i=0; i<4; i++){
    aToks[i].nText = n;
    FUZZ_CHECK(s.tok.xTokenize(pTok, &aToks[i], aFlags[i], z, n,
                               fuzz_xtoken)==SQLITE_OK);
    fuzz_check_order(&aToks[i],
                     (aFlags[i] & (FTS5_TOKENIZE_QUERY|FTS5_TOKENIZE_AUX))!=0);
  }
  fuzz_check_words(&aToks[0], &aToks[3]);
  fuzz_check_same(&aToks[1], &aToks[2]);
  fuzz_check_words(&aToks[0], &aToks[1]);
  for(i=0; i<4; i++) fuzz_toks_free(&aToks[i]);
  if( (aData[0] & 3)==0 ) fuzz_check_table(s.db, z, n);
  return 0;
}
