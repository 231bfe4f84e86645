/*
** fuzz_query.c: query_parse() (searchd/query.c), user text to an FTS5
** expression, and the expressions run by FTS5.
**
** The first input byte picks the hooks: no options at all, or searchd's
** token hook (box/fold.h's fold_has_token(), which drops a term of no
** token, such as a typed en dash) with an expansion hook adding
** alternatives as synonyms and corrections would (with quotes, several
** words, up to QUERY_MAX_ALTS) and a span hook joining words into
** phrases; the rest is what the user typed. Checks: the parse succeeds; the key is made; the
** expressions exist exactly when query.h says; phrases and terms agree.
** Then both expressions run as MATCH on an in-memory FTS5 table with the
** columns of the real index and tokenize='swedish', over a row holding the
** text of every positive phrase (so that most queries match): FTS5 must
** accept every expression (no syntax or any other error), on every
** matched row the auxiliary API's phrase count must equal
** query_phrase_count() (ranking relies on that numbering), and the row
** must match when nothing is excluded (see fuzz_must_match).
*/
#include <string.h>

#include <sqlite3.h>

#include "fuzz.h"
#include "../../searchd/box/fold.h"
#include "../../searchd/engine/query.h"
#include "swedish.h"

/* Expansion hook: alternatives built from the term's own text. */
static int fuzz_expand(void *pArg, struct query_term *pTerm){
  const char *z = pTerm->azAlt[0];
  int n = (int)strlen(z), rc, i;
  char *zBuf = malloc((size_t)n*2 + 8);
  (void)pArg;
  if( zBuf==0 ) return QUERY_ENOMEM;
  memcpy(zBuf, z, (size_t)n);
  memcpy(zBuf+n, "\"x\"", 3);            /* a quote in an alternative */
  rc = query_term_add_alt(pTerm, zBuf, n+3, QUERY_ALT_SYNONYM);
  if( rc==QUERY_OK ){
    zBuf[n] = ' ';                       /* several words: a phrase */
    memcpy(zBuf+n+1, z, (size_t)n);
    rc = query_term_add_alt(pTerm, zBuf, 2*n+1, QUERY_ALT_CORRECTION);
  }
  if( rc==QUERY_OK ){                    /* the same words, a near group */
    rc = query_term_add_alt(pTerm, zBuf, 2*n+1, QUERY_ALT_NEAR);
  }
  for(i=0; rc==QUERY_OK && i<QUERY_MAX_ALTS; i++){
    zBuf[0] = (char)('a'+i);
    rc = query_term_add_alt(pTerm, zBuf, n>0 ? n : 1, QUERY_ALT_SYNONYM);
  }
  free(zBuf);
  return rc==QUERY_EFULL ? QUERY_OK : rc;
}

/*
** Span hook: the leading words whose first byte is odd form one unit, if
** there are two or more of them (the fuzzer controls which words join).
*/
static int fuzz_span(void *pArg, const char *const *azWord, const int *anWord,
                     int nWord, int *pnUsed){
  int i;
  (void)pArg;
  FUZZ_CHECK(nWord>=2 && nWord<=QUERY_MAX_SPAN);
  for(i=0; i<nWord && anWord[i]>0 && (azWord[i][0] & 1); i++){}
  *pnUsed = i>=2 ? i : 0;
  return QUERY_OK;
}

/* fuzz_phrases(t): the auxiliary API's phrase count. */
static void fuzz_phrases(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                         sqlite3_context *pCtx, int nVal, sqlite3_value **apVal){
  (void)nVal; (void)apVal;
  sqlite3_result_int(pCtx, pApi->xPhraseCount(pFts));
}

/* The connection and the query-time tokenizer, made once. */
struct fuzz_state {
  sqlite3 *db;
  fts5_tokenizer tok;
  Fts5Tokenizer *pTok;
  struct fold *fold;              /* searchd's token hook's */
};

static int fuzz_count_cb(void *pCtx, int tflags, const char *pToken,
                         int nToken, int iStart, int iEnd){
  (void)tflags; (void)pToken; (void)nToken; (void)iStart; (void)iEnd;
  (*(int*)pCtx)++;
  return SQLITE_OK;
}

/* Number of terms the tokenizer makes of z at query time. */
static int fuzz_ntokens(struct fuzz_state *s, const char *z){
  int n = 0;
  FUZZ_CHECK(s->tok.xTokenize(s->pTok, &n, FTS5_TOKENIZE_QUERY, z,
                              (int)strlen(z), fuzz_count_cb)==SQLITE_OK);
  return n;
}

static int fuzz_init(struct fuzz_state *s){
  sqlite3 **pDb = &s->db;
  void *pUser = 0;
  fts5_api *pApi = 0;
  int rc = sqlite3_open(":memory:", pDb);
  if( rc==SQLITE_OK ) rc = swedish_register(*pDb);
  if( rc==SQLITE_OK ) rc = swedish_fts5_api(*pDb, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xCreateFunction(pApi, "fuzz_phrases", 0, fuzz_phrases, 0);
  }
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser, &s->tok);
  }
  if( rc==SQLITE_OK ) rc = s->tok.xCreate(pUser, 0, 0, &s->pTok);
  if( rc==SQLITE_OK ) rc = fold_new(*pDb, &s->fold);
  if( rc==SQLITE_OK ){
    rc = sqlite3_exec(*pDb, "CREATE VIRTUAL TABLE t USING fts5(assignment, "
                      "status, source, tokenize='swedish')", 0, 0, 0);
  }
  return rc;
}

/* Replace the table's row with the text of every positive phrase. */
static void fuzz_fill(sqlite3 *db, const struct query *q){
  sqlite3_str *s = sqlite3_str_new(db);
  sqlite3_stmt *pStmt = 0;
  char *zRow;
  int i;
  for(i=0; i<query_phrase_count(q); i++){
    const struct query_phrase *p = query_phrase(q, i);
    if( p->iClause>=0 ) sqlite3_str_appendf(s, "%s ", p->zText);
  }
  zRow = sqlite3_str_finish(s);
  FUZZ_CHECK(sqlite3_exec(db, "DELETE FROM t", 0, 0, 0)==SQLITE_OK);
  FUZZ_CHECK(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?1, ?1, 'x')", -1,
                                &pStmt, 0)==SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, zRow ? zRow : "", -1, SQLITE_STATIC);
  FUZZ_CHECK(sqlite3_step(pStmt)==SQLITE_DONE);
  FUZZ_CHECK(sqlite3_finalize(pStmt)==SQLITE_OK);
  sqlite3_free(zRow);
}

/*
** Run zExpr as MATCH; it must be accepted, phrases must be counted alike,
** and if bMust, the row must match. Returns the number of rows matched.
*/
static int fuzz_match(sqlite3 *db, const struct query *q, const char *zExpr,
                      int bMust){
  sqlite3_stmt *pStmt = 0;
  int rc, nRow = 0;
  FUZZ_CHECK(sqlite3_prepare_v2(db, "SELECT fuzz_phrases(t) FROM t WHERE t "
                                "MATCH ?1", -1, &pStmt, 0)==SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, zExpr, -1, SQLITE_STATIC);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    int nFts = sqlite3_column_int(pStmt, 0);
    if( nFts!=query_phrase_count(q) ){
      fprintf(stderr, "fuzz: %s: FTS5 counts %d phrases, query.c %d\n",
              zExpr, nFts, query_phrase_count(q));
    }
    FUZZ_CHECK(nFts==query_phrase_count(q));
    nRow++;
  }
  if( rc!=SQLITE_DONE ){
    fprintf(stderr, "fuzz: MATCH %s: %s\n", zExpr, sqlite3_errmsg(db));
  }
  FUZZ_CHECK(rc==SQLITE_DONE);
  FUZZ_CHECK(sqlite3_finalize(pStmt)==SQLITE_OK);
  if( bMust && nRow==0 ){
    fprintf(stderr, "fuzz: MATCH %s: no match on its own words\n", zExpr);
  }
  FUZZ_CHECK(!bMust || nRow>0);
  return nRow;
}

/*
** Should the row of the positive phrases match? Yes unless a term is
** excluded (its words may be in the row too) or a positive phrase makes no
** token at all: FTS5 keeps such a phrase in the numbering but it matches
** nothing, so AND'ed it empties the result. With the token hook (bHook),
** as searchd parses, no typed term may be such a phrase ("vård – omsorg"
** must search vård and omsorg); without it query.c cannot know, and an
** alternative from the expansion hook may be one.
*/
static int fuzz_must_match(struct fuzz_state *s, const struct query *q,
                           int bHook){
  int i, bMust = 1;
  for(i=0; i<query_phrase_count(q); i++){
    const struct query_phrase *p = query_phrase(q, i);
    if( p->iClause<0 ) return 0;
    if( fuzz_ntokens(s, p->zText)==0 ){
      if( bHook && p->iAlt==0 ){
        fprintf(stderr, "fuzz: phrase \"%s\" makes no token\n", p->zText);
        FUZZ_CHECK(!"a typed term makes no token");
      }
      bMust = 0;
    }
  }
  return bMust;
}

/* The parsed query's own invariants (query.h). */
static void fuzz_check_query(const struct query *q){
  int i, nTerm = query_term_count(q), nClause = query_clause_count(q);
  FUZZ_CHECK(query_key(q)!=0);
  FUZZ_CHECK((query_match(q)!=0)==(nClause>0));
  FUZZ_CHECK((query_relaxed(q)!=0)==(nClause>1));
  FUZZ_CHECK(nTerm>=0 && nTerm<=QUERY_MAX_TERMS);
  for(i=0; i<nTerm; i++){
    const struct query_term *t = query_term(q, i);
    FUZZ_CHECK(t->nAlt>=1 && t->nAlt<=QUERY_MAX_ALTS);
    FUZZ_CHECK(t->aAltKind[0]==QUERY_ALT_TYPED);
    FUZZ_CHECK(t->bNot ? t->iClause==-1 : (t->iClause>=0 && t->iClause<nClause));
  }
  for(i=0; i<query_phrase_count(q); i++){
    const struct query_phrase *p = query_phrase(q, i);
    FUZZ_CHECK(p->iTerm>=0 && p->iTerm<nTerm);
    FUZZ_CHECK(p->iAlt>=0 && p->iAlt<query_term(q, p->iTerm)->nAlt);
    FUZZ_CHECK(p->zText!=0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  static struct fuzz_state s;     /* made once: an FTS5 table per input is slow */
  struct query_opts opts;
  struct query *q = 0;
  int rc;
  if( nData==0 || nData>4096 ) return 0;
  int bMust;
  if( s.db==0 ) FUZZ_CHECK(fuzz_init(&s)==SQLITE_OK);
  memset(&opts, 0, sizeof(opts));
  opts.xExpand = (aData[0] & 1) ? fuzz_expand : 0;
  opts.xSpan = (aData[0] & 2) ? fuzz_span : 0;
  opts.xHasToken = fold_has_token;
  opts.pTokenArg = s.fold;
  rc = query_parse((const char*)aData+1, (int)nData-1,
                   (aData[0] & 4) ? 0 : &opts, &q);
  if( query_is_limit(rc) ){             /* refused for its cost */
    FUZZ_CHECK(q==0);
    return 0;
  }
  FUZZ_CHECK(rc==QUERY_OK && q!=0);
  fuzz_check_query(q);
  if( query_match(q) ){
    bMust = fuzz_must_match(&s, q, (aData[0] & 4)==0);
    fuzz_fill(s.db, q);
    fuzz_match(s.db, q, query_match(q), bMust);
    if( query_relaxed(q) ) fuzz_match(s.db, q, query_relaxed(q), bMust);
  }
  query_free(q);
  return 0;
}
