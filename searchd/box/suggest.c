/*
** suggest.c: search-box completions from the vocab table (suggest.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "http/cache.h"
#include "http/conf.h"
#include "db.h"
#include "box/correct.h"
#include "box/ext.h"
#include "box/fold.h"
#include "engine/rank.h"
#include "http/json.h"
#include "log.h"
#include "plain.h"
#include "http/route.h"
#include "box/suggest.h"
#include "box/synonyms.h"
#include "utf8.h"

#define SUGGEST_CACHE_KEY   300       /* longer keys are never cached */
#define SUGGEST_CACHE_SIZE  8192      /* entries per worker */
#define SUGGEST_COUNT_SIZE  16384     /* kept counts per worker */
#define SUGGEST_RANK_CAND   12        /* hits: rows scored exactly */
#define SUGGEST_RANK_WINDOW 500       /* hits: newest matches bounded */

struct suggest {
  sqlite3 *db;                    /* whose progress handler we hold */
  sqlite3 *dbOwn;                 /* the module's own connection, or NULL */
  long nMs;                       /* time limit per request; <0: none */
  struct timespec deadline;
  int bDeadline;                  /* a request is running under nMs */
  struct fold *pFold;
  struct correct *pCorrect;       /* typos of the last word (correct.h) */
  struct synonyms_stemmer *pStem; /* a candidate's terms, to skip forms */
  struct rank *pRank;             /* owned by db (rank_register) */
  struct query_opts opts;         /* how /search parses a query */
  sqlite3_stmt *pWords;           /* candidates by vocab.word */
  sqlite3_stmt *pPlain;           /* candidates by vocab.plain */
  sqlite3_stmt *pCount;
  sqlite3_stmt *pBest, *pHits;    /* the hits: bounds, then exact */
  sqlite3_stmt *pVersion;         /* PRAGMA data_version */
  sqlite3_stmt *pBegin, *pCommit; /* one read transaction per request */
  sqlite3_int64 iVersion;         /* of the cached answers */
  long long iCheckedMs;           /* when the version was last asked */
  int bOpen;                      /* the request's transaction is begun */
  struct cache *pShort;           /* answers and hits, until data_version */
  struct cache *pCounts;          /* FTS5 expression -> count, the same */
};

/* Candidates: a range scan of vocab's primary key, the top by documents. */
static const char zWordsSql[] =
  "SELECT word, docs FROM vocab WHERE word>=?1 AND word<?2 AND docs>0"
  " ORDER BY docs DESC, word LIMIT ?3";
/* The same by plain form (vocab_plain): lakemedel finds läkemedel... */
static const char zPlainSql[] =
  "SELECT word, docs FROM vocab WHERE plain>=?1 AND plain<?2 AND docs>0"
  " ORDER BY docs DESC, word LIMIT ?3";
/* suggest_count(): the rows /search counts as `rows` (see there). */
static const char zCountSql[] =
  "SELECT count(*) FROM assignments_fts WHERE assignments_fts MATCH ?1";
/*
** The hits: of the newest ?4 matches (as /search's first pass takes the
** newest window: a broad word's 100,000 rows cost 200 ms to bound, the
** newest 500 some 2 ms), the best ?3 by the first-pass bound...
*/
static const char zBestSql[] =
  "SELECT id FROM (SELECT rowid AS id, "
  RANK_QUICK_FUNCTION "(assignments_fts, ?2) AS b"
  " FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " ORDER BY rowid DESC LIMIT ?4) ORDER BY b DESC, id DESC LIMIT ?3";
/* ...then those by the exact score, as /search ranks them (rank.h). */
static const char zHitsSql[] =
  "SELECT r.date, a.row, a.assignment FROM"
  " (SELECT rowid AS id, " RANK_FUNCTION "(assignments_fts, ?2) AS s"
  "    FROM assignments_fts WHERE assignments_fts MATCH ?1"
  "     AND " RANK_CAND_FUNCTION "(rowid, ?2)) c"
  " JOIN assignments a ON a.id=c.id JOIN reports r ON r.id=a.report_id"
  " ORDER BY c.s DESC, r.date DESC, c.id LIMIT ?3";

/*
** Progress handler: interrupt a statement past the request's deadline. The
** clock is the thread's CPU time: the limit bounds the work a request may
** cost, and a machine starved of CPU delays an answer without failing it.
*/
static int suggest_progress(void *pArg){
  struct suggest *p = (struct suggest*)pArg;
  struct timespec now;
  if( !p->bDeadline || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)!=0 ) return 0;
  return now.tv_sec>p->deadline.tv_sec
      || (now.tv_sec==p->deadline.tv_sec && now.tv_nsec>=p->deadline.tv_nsec);
}

/* Start the clock of one request (no limit if nMs < 0). */
static void suggest_start_clock(struct suggest *p){
  p->bDeadline = 0;
  if( p->nMs<0 || clock_gettime(CLOCK_THREAD_CPUTIME_ID, &p->deadline)!=0 ) return;
  p->deadline.tv_sec += p->nMs/1000;
  p->deadline.tv_nsec += (p->nMs%1000)*1000000L;
  if( p->deadline.tv_nsec>=1000000000L ){
    p->deadline.tv_sec++;
    p->deadline.tv_nsec -= 1000000000L;
  }
  p->bDeadline = 1;
}

/*
** sqlite3_step(), but first the clock: the progress handler only looks
** every 100 VM steps, and a range scan or an FTS5 query on a small index
** may never take that many, so a passed deadline is seen here for sure.
*/
static int suggest_step(struct suggest *p, sqlite3_stmt *pStmt){
  return suggest_progress(p) ? SQLITE_INTERRUPT : sqlite3_step(pStmt);
}

void suggest_set_lexicon(struct suggest *p, struct lexicon_share *pShare){
  correct_set_share(p->pCorrect, pShare);
}

void suggest_set_time_limit(struct suggest *p, long nMs){
  p->nMs = nMs;
}

/* Prepare zSql on p->db into *ppStmt, kept for the connection's life. */
static int suggest_prepare(struct suggest *p, const char *zSql,
                           sqlite3_stmt **ppStmt){
  return sqlite3_prepare_v3(p->db, zSql, -1, SQLITE_PREPARE_PERSISTENT,
                            ppStmt, 0);
}

int suggest_new(sqlite3 *db, struct suggest **ppOut){
  struct suggest *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ){
    p->nMs = -1;
    p->db = db;
  }
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->pFold);
  if( rc==SQLITE_OK ) rc = correct_new(db, &p->pCorrect);
  if( rc==SQLITE_OK ) rc = synonyms_stemmer_new(db, &p->pStem);
  if( rc==SQLITE_OK ) rc = rank_register(db, &p->pRank);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, zWordsSql, &p->pWords);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, zPlainSql, &p->pPlain);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, zCountSql, &p->pCount);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, zBestSql, &p->pBest);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, zHitsSql, &p->pHits);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, "PRAGMA data_version",
                                           &p->pVersion);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, "BEGIN", &p->pBegin);
  if( rc==SQLITE_OK ) rc = suggest_prepare(p, "COMMIT", &p->pCommit);
  if( rc==SQLITE_OK && (cache_new(SUGGEST_CACHE_SIZE, &p->pShort)
                        || cache_new(SUGGEST_COUNT_SIZE, &p->pCounts)) ){
    rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ){
    suggest_set_query_opts(p, 0);
    /* Every 100 VM steps, as /search does: a few microseconds apart. */
    sqlite3_progress_handler(db, 100, suggest_progress, p);
  }else{
    if( p ) p->db = 0;            /* no handler installed to remove */
    suggest_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void suggest_set_query_opts(struct suggest *p, const struct query_opts *opts){
  memset(&p->opts, 0, sizeof(p->opts));
  if( opts ) p->opts = *opts;
  if( p->opts.xHasToken==0 ){
    p->opts.xHasToken = fold_has_token;
    p->opts.pTokenArg = p->pFold;
  }
}

/*
** The module runs on a read-only connection of its own: SQLite has one
** progress handler per connection, and /search's (search.c) holds the
** worker's; a separate page cache also keeps the vocab pages that every
** keystroke reads apart from /search's doclists.
*/
int suggest_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                        void **ppState, char **pzErr){
  struct suggest *p = 0;
  sqlite3 *dbOwn = 0;
  char *zErr = 0;
  int rc = db_open(conf->zDb, DB_READONLY, &dbOwn, &zErr);
  (void)db; (void)pPrev; (void)pzErr;
  if( rc==SQLITE_OK ){
    rc = suggest_new(dbOwn, &p);
    if( rc!=SQLITE_OK ) zErr = sqlite3_mprintf("%s (is this an index with a "
                                               "vocab table?)",
                                               sqlite3_errmsg(dbOwn));
  }
  if( rc==SQLITE_OK ){
    p->dbOwn = dbOwn;
    if( conf->pLexicon ) suggest_set_lexicon(p, conf->pLexicon);
    suggest_set_time_limit(p, conf->nQueryMs<SUGGEST_MAX_MS
                              ? conf->nQueryMs : SUGGEST_MAX_MS);
  }else{
    log_msg(LOG_ERROR, "suggest: %s", zErr ? zErr : sqlite3_errstr(rc));
    sqlite3_close(dbOwn);
  }
  sqlite3_free(zErr);
  *ppState = p;
  return p ? EXT_OK : EXT_SKIP;
}

void suggest_module_close(void *pState){
  suggest_free((struct suggest*)pState);
}

void suggest_free(struct suggest *p){
  if( p ){
    if( p->db ) sqlite3_progress_handler(p->db, 0, 0, 0);
    fold_free(p->pFold);
    correct_free(p->pCorrect);
    synonyms_stemmer_free(p->pStem);
    sqlite3_finalize(p->pWords);
    sqlite3_finalize(p->pPlain);
    sqlite3_finalize(p->pCount);
    sqlite3_finalize(p->pBest);
    sqlite3_finalize(p->pHits);
    sqlite3_finalize(p->pVersion);
    sqlite3_finalize(p->pBegin);
    sqlite3_finalize(p->pCommit);
    cache_free(p->pShort);
    cache_free(p->pCounts);
    sqlite3_close(p->dbOwn);        /* frees pRank with it */
    free(p);
  }
}

void suggest_result_clear(struct suggest_result *pRes){
  int i;
  for(i=0; i<pRes->nItem; i++) sqlite3_free(pRes->aItem[i].zText);
  for(i=0; i<pRes->nHit; i++){
    sqlite3_free(pRes->aHit[i].zDate);
    sqlite3_free(pRes->aHit[i].zAssignment);
  }
  memset(pRes, 0, sizeof(*pRes));
}

/* The last word of q (folded) and how many words come before it. */
struct suggest_words {
  int nEarlier;
  char *zLast;                    /* folded last word, or NULL */
  int iLastStart, iLastEnd;       /* its bytes in q */
};

static int suggest_word_cb(void *pCtx, const char *zTok, int nTok,
                           int iStart, int iEnd){
  struct suggest_words *w = (struct suggest_words*)pCtx;
  if( w->zLast ) w->nEarlier++;
  sqlite3_free(w->zLast);
  w->zLast = sqlite3_mprintf("%.*s", nTok, zTok);
  w->iLastStart = iStart;
  w->iLastEnd = iEnd;
  return w->zLast ? SQLITE_OK : SQLITE_NOMEM;
}

/* Reset pStmt and unbind its strings (bound SQLITE_STATIC); the first
** error of rc and those. */
static int suggest_end(sqlite3_stmt *pStmt, int rc){
  int rc2 = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK ) rc = rc2;
  rc2 = sqlite3_clear_bindings(pStmt);
  return rc==SQLITE_OK ? rc2 : rc;
}

/*
** The completions looked at for one prefix: the vocabulary words it
** starts, the most frequent first (what a search box's user most likely
** means), before each is counted. Owned strings.
*/
struct suggest_cands {
  int n;
  char *az[SUGGEST_MAX_CAND];
};

static void suggest_cands_clear(struct suggest_cands *c){
  int i;
  for(i=0; i<c->n; i++) sqlite3_free(c->az[i]);
  c->n = 0;
}

/*
** Candidates for zPrefix (folded) by a range scan of vocab: of word with
** pStmt p->pWords, of plain with p->pPlain (zPrefix then a plain form).
** Those already in pC are skipped; at most nMax in all.
*/
static int suggest_scan(struct suggest *p, sqlite3_stmt *pStmt,
                        const char *zPrefix, int nMax,
                        struct suggest_cands *pC){
  char *zHi = sqlite3_mprintf("%s\xff", zPrefix);
  int rc = zHi ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 1, zPrefix, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 2, zHi, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(pStmt, 3, nMax);
  while( rc==SQLITE_OK && pC->n<nMax
      && (rc = suggest_step(p, pStmt))==SQLITE_ROW ){
    const char *zWord = (const char*)sqlite3_column_text(pStmt, 0);
    int i;
    rc = SQLITE_OK;
    for(i=0; zWord && i<pC->n && strcmp(pC->az[i], zWord)!=0; i++){}
    if( zWord==0 || i<pC->n ) continue;
    pC->az[pC->n] = sqlite3_mprintf("%s", zWord);
    if( pC->az[pC->n]==0 ) rc = SQLITE_NOMEM;
    else pC->n++;
  }
  if( rc==SQLITE_DONE || rc==SQLITE_ROW ) rc = SQLITE_OK;
  rc = suggest_end(pStmt, rc);
  sqlite3_free(zHi);
  return rc;
}

/*
** Parse zText as /search does (the same hooks: synonyms, corrections,
** stop words). *ppQ is NULL, and the result SQLITE_OK, for a query that
** /search refuses or that has nothing to search: it finds nothing.
*/
static int suggest_parse(struct suggest *p, const char *zText,
                         struct query **ppQ){
  int rc = query_parse(zText, (int)strlen(zText), &p->opts, ppQ);
  if( rc==QUERY_ENOMEM ) return SQLITE_NOMEM;
  if( rc==QUERY_OK && query_match(*ppQ)==0 ){
    query_free(*ppQ);
    *ppQ = 0;
  }
  return SQLITE_OK;
}

/*
** The one place that says what a suggestion's count is: the rows the
** query's FTS5 expression matches, what /search gives as `rows` for the
** same text. Not the assignments among them (the
** default, collapsed total): that needs each matching row's
** assignment_id, a lookup per row, and a cold prefix of broad words
** would cost tens of milliseconds instead of a few.
*/
static int suggest_count(struct suggest *p, const struct query *q,
                         sqlite3_int64 *pnCount){
  int rc = sqlite3_bind_text(p->pCount, 1, query_match(q), -1,
                             SQLITE_STATIC);
  *pnCount = 0;
  if( rc==SQLITE_OK ){
    rc = suggest_step(p, p->pCount);
    if( rc==SQLITE_ROW ){
      *pnCount = sqlite3_column_int64(p->pCount, 0);
      rc = SQLITE_OK;
    }
  }
  return suggest_end(p->pCount, rc);
}

/*
** suggest_count(), kept per FTS5 expression until the index changes:
** typing "nära v", "nära vå", "nära vår" counts "nära vård" each time,
** and a broad word's count walks a doclist of 100,000 rows (5 ms).
*/
static int suggest_count_kept(struct suggest *p, const struct query *q,
                              sqlite3_int64 *pnCount){
  size_t n = 0;
  const char *z = cache_get(p->pCounts, query_match(q), &n);
  int rc;
  if( z && n==sizeof(*pnCount) ){
    memcpy(pnCount, z, sizeof(*pnCount));
    return SQLITE_OK;
  }
  rc = suggest_count(p, q, pnCount);
  if( rc==SQLITE_OK ){             /* a failed put only means no keeping */
    cache_put(p->pCounts, query_match(q), (const char*)pnCount,
              sizeof(*pnCount));
  }
  return rc;
}

/* The text of a completion: q as typed up to the last word, then zWord. */
static char *suggest_text(const char *zQ, const struct suggest_words *w,
                          const char *zWord){
  return sqlite3_mprintf("%.*s%s", w->iLastStart, zQ, zWord);
}

/* Insert (zText, nCount) into pRes, kept sorted by count, at most nLimit;
** takes zText, which it frees when the completion does not make it. */
static void suggest_keep(struct suggest_result *pRes, int nLimit,
                         char *zText, sqlite3_int64 nCount){
  int i = pRes->nItem;
  if( i>=nLimit ){
    if( nCount<=pRes->aItem[nLimit-1].nCount ){
      sqlite3_free(zText);
      return;
    }
    sqlite3_free(pRes->aItem[--i].zText);
  }else{
    pRes->nItem++;
  }
  /* Equal counts keep the candidates' order: more documents first. */
  for(; i>0 && pRes->aItem[i-1].nCount<nCount; i--){
    pRes->aItem[i] = pRes->aItem[i-1];
  }
  pRes->aItem[i].zText = zText;
  pRes->aItem[i].nCount = nCount;
}

/*
** Is candidate i a form of an earlier one (the same terms: vården after
** vård)? It would find the same rows: offering both says nothing more.
** azTerm[i] gets its terms (NULL if it has none).
*/
static int suggest_same_terms(struct suggest *p,
                              const struct suggest_cands *pC, char **azTerm,
                              int i, int *pbSame){
  int j, rc = synonyms_stem(p->pStem, pC->az[i], (int)strlen(pC->az[i]),
                            &azTerm[i]);
  *pbSame = 0;
  for(j=0; rc==SQLITE_OK && azTerm[i] && j<i; j++){
    if( azTerm[j] && strcmp(azTerm[i], azTerm[j])==0 ) *pbSame = 1;
  }
  return rc;
}

/*
** Does q search the completion zWord, its last word? Not when the parse
** dropped it as a stop word ("nära vid" searches what "nära" does): such
** a completion would only repeat the earlier words' count. Its last term
** ends with the word (a multi-word synonym joins it into a phrase).
*/
static int suggest_searches(const struct query *q, const char *zWord){
  const struct query_term *t;
  size_t nT, nW = strlen(zWord);
  if( query_term_count(q)==0 ) return 0;
  t = query_term(q, query_term_count(q)-1);
  nT = strlen(t->azAlt[0]);
  return !t->bNot && nT>=nW && strcmp(t->azAlt[0] + nT - nW, zWord)==0;
}

/*
** Count every candidate's completed query, and keep the nLimit that find
** the most rows (none that finds nothing, one per set of forms) in pRes.
*/
static int suggest_rank_cands(struct suggest *p, const char *zQ,
                              const struct suggest_words *w, int nLimit,
                              const struct suggest_cands *pC,
                              struct suggest_result *pRes){
  char *azTerm[SUGGEST_MAX_CAND];
  int i, bSame = 0, rc = SQLITE_OK;
  memset(azTerm, 0, sizeof(azTerm));
  for(i=0; rc==SQLITE_OK && i<pC->n; i++){
    char *zText = 0;
    struct query *q = 0;
    sqlite3_int64 n = 0;
    rc = suggest_same_terms(p, pC, azTerm, i, &bSame);
    if( rc!=SQLITE_OK || bSame ) continue;
    zText = suggest_text(zQ, w, pC->az[i]);
    rc = zText ? suggest_parse(p, zText, &q) : SQLITE_NOMEM;
    if( rc==SQLITE_OK && q && suggest_searches(q, pC->az[i]) ){
      rc = suggest_count_kept(p, q, &n);
    }
    query_free(q);
    if( rc==SQLITE_OK && n>0 ){
      suggest_keep(pRes, nLimit, zText, n);
    }else{
      sqlite3_free(zText);
    }
  }
  for(i=0; i<pC->n; i++) sqlite3_free(azTerm[i]);
  return rc;
}

/*
** Candidates for w->zLast, and their counts, into pRes: the words it
** starts. Only if it starts none (a word /search would correct), the
** words whose plain form it starts (å ä ö é ü folded as vocab.plain
** folds them: lakemedel, läkemedelsgenomgång), and if there are none
** either, the words that the corrector's proposal for it starts
** (correct.h: mamografi, mammografi). A prefix that starts words which
** find nothing with the earlier words gets no completion: it is not a
** typo.
*/
static int suggest_candidates(struct suggest *p, const char *zQ,
                              const struct suggest_words *w, int nLimit,
                              struct suggest_result *pRes){
  struct suggest_cands c;
  size_t nLast = strlen(w->zLast);
  char *zPlain = malloc(nLast + 1), *zTo = 0;
  int nCand = nLimit*2 < SUGGEST_MAX_CAND ? nLimit*2 : SUGGEST_MAX_CAND;
  int rc = zPlain ? SQLITE_OK : SQLITE_NOMEM;
  c.n = 0;
  if( rc==SQLITE_OK ) rc = suggest_scan(p, p->pWords, w->zLast, nCand, &c);
  if( rc==SQLITE_OK && c.n==0 ){
    plain_form(w->zLast, nLast, zPlain);
    rc = suggest_scan(p, p->pPlain, zPlain, nCand, &c);
  }
  if( rc==SQLITE_OK && c.n==0 ){
    rc = correct_word(p->pCorrect, w->zLast, (int)nLast, &zTo);
    if( rc==SQLITE_OK && zTo ) rc = suggest_scan(p, p->pWords, zTo, nCand, &c);
  }
  if( rc==SQLITE_OK ) rc = suggest_rank_cands(p, zQ, w, nLimit, &c, pRes);
  suggest_cands_clear(&c);
  sqlite3_free(zTo);
  free(zPlain);
  return rc;
}

/*
** The request's read transaction, begun at its first statement (a cache
** hit needs none): one snapshot for the counts and the hits, and one lock
** and unlock (fcntl, fstat) instead of one per statement. The request's
** time limit starts with it.
*/
static int suggest_open(struct suggest *p){
  if( p->bOpen ) return SQLITE_OK;
  p->bOpen = 1;
  suggest_start_clock(p);
  (void)sqlite3_step(p->pBegin);   /* its error is the reset's */
  return sqlite3_reset(p->pBegin);
}

/* Empty the cache when the index has changed (WAL writer); asked now and
** then (db_recheck_due()), so that a cached answer needs no transaction. */
static int suggest_check_version(struct suggest *p){
  int rc;
  if( !db_recheck_due(&p->iCheckedMs) ) return SQLITE_OK;
  rc = sqlite3_step(p->pVersion);
  if( rc==SQLITE_ROW ){
    sqlite3_int64 v = sqlite3_column_int64(p->pVersion, 0);
    if( v!=p->iVersion ){
      cache_clear(p->pShort);
      cache_clear(p->pCounts);
    }
    p->iVersion = v;
    rc = SQLITE_OK;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  return suggest_end(p->pVersion, rc);
}

/*
** The completions in the cache: per completion "COUNT TAB WORD NL", WORD
** what follows q's text up to the last word.
*/
static void suggest_items_save(sqlite3_str *pStr, const struct suggest_words *w,
                               const struct suggest_result *pRes){
  int i;
  for(i=0; i<pRes->nItem; i++){
    sqlite3_str_appendf(pStr, "%lld\t%s\n", pRes->aItem[i].nCount,
                        pRes->aItem[i].zText + w->iLastStart);
  }
}

static int suggest_items_load(const char *zQ, const struct suggest_words *w,
                              const char *z, size_t n,
                              struct suggest_result *pRes){
  const char *zEnd = z + n;
  while( z<zEnd && pRes->nItem<SUGGEST_MAX_LIMIT ){
    struct suggest_item *pItem = &pRes->aItem[pRes->nItem];
    const char *zTab = memchr(z, '\t', zEnd - z);
    const char *zNl = zTab ? memchr(zTab, '\n', zEnd - zTab) : 0;
    if( zNl==0 ) break;                       /* never: we wrote it */
    pItem->nCount = strtoll(z, 0, 10);
    pItem->zText = sqlite3_mprintf("%.*s%.*s", w->iLastStart, zQ,
                                   (int)(zNl - zTab - 1), zTab+1);
    if( pItem->zText==0 ) return SQLITE_NOMEM;
    pRes->nItem++;
    z = zNl + 1;
  }
  return SQLITE_OK;
}

/*
** Fill pRes->aItem with the completions of q. Each costs a parse and a
** count of its whole query, some 0.05 to 2 ms on 5,000 reports, and
** typing asks for the same prefixes again and again (every user types
** "nära v" on the way to "nära vård"), so answers are kept in a
** per-worker LRU cache, keyed by q as typed up to the last word (its
** operators, quotes and case-sensitive OR matter to the count) and the
** folded last word, and emptied when the database changes. An answer
** is made in a snapshot at least as new as the version checked before it,
** so a cache emptied for a version never keeps an older answer.
*/
static int suggest_complete(struct suggest *p, const char *zQ,
                            const struct suggest_words *w, int nLimit,
                            struct suggest_result *pRes){
  char *zKey = 0;
  const char *zHit = 0;
  size_t nHit = 0;
  int rc = SQLITE_OK;
  if( w->iLastStart + strlen(w->zLast)<SUGGEST_CACHE_KEY ){
    zKey = sqlite3_mprintf("c%d:%.*s\x1f%s", nLimit, w->iLastStart, zQ,
                           w->zLast);
    if( zKey==0 ) rc = SQLITE_NOMEM;
  }
  if( zKey ) zHit = cache_get(p->pShort, zKey, &nHit);
  if( zHit ){
    rc = suggest_items_load(zQ, w, zHit, nHit, pRes);
  }else if( rc==SQLITE_OK && (rc = suggest_open(p))==SQLITE_OK ){
    rc = suggest_candidates(p, zQ, w, nLimit, pRes);
    if( rc==SQLITE_OK && zKey ){
      sqlite3_str *pStr = sqlite3_str_new(0);
      suggest_items_save(pStr, w, pRes);
      /* A failed put only means no caching. */
      if( sqlite3_str_errcode(pStr)==SQLITE_OK ){
        cache_put(p->pShort, zKey, sqlite3_str_value(pStr),
                  (size_t)sqlite3_str_length(pStr));
      }
      sqlite3_free(sqlite3_str_finish(pStr));
    }
  }
  sqlite3_free(zKey);
  return rc;
}

/*
** Hits in the cache: per hit "ROW TAB DATE TAB LEN NL" and LEN bytes of
** the assignment (which may hold any character).
*/
static void suggest_hits_save(sqlite3_str *pStr,
                              const struct suggest_result *pRes){
  int i;
  for(i=0; i<pRes->nHit; i++){
    const struct suggest_hit *h = &pRes->aHit[i];
    sqlite3_str_appendf(pStr, "%d\t%s\t%d\n%s", h->iRow, h->zDate,
                        (int)strlen(h->zAssignment), h->zAssignment);
  }
}

static int suggest_hits_load(const char *z, size_t n,
                             struct suggest_result *pRes){
  const char *zEnd = z + n;
  while( z<zEnd && pRes->nHit<SUGGEST_MAX_HITS ){
    struct suggest_hit *h = &pRes->aHit[pRes->nHit];
    const char *zTab = memchr(z, '\t', zEnd - z);
    const char *zTab2 = zTab ? memchr(zTab+1, '\t', zEnd - zTab - 1) : 0;
    const char *zNl = zTab2 ? memchr(zTab2, '\n', zEnd - zTab2) : 0;
    long nA = zNl ? strtol(zTab2+1, 0, 10) : -1;
    if( zNl==0 || nA<0 || nA>zEnd - zNl - 1 ) break;   /* never: we wrote it */
    h->iRow = (int)strtol(z, 0, 10);
    h->zDate = sqlite3_mprintf("%.*s", (int)(zTab2 - zTab - 1), zTab+1);
    h->zAssignment = sqlite3_mprintf("%.*s", (int)nA, zNl+1);
    pRes->nHit++;
    if( h->zDate==0 || h->zAssignment==0 ) return SQLITE_NOMEM;
    z = zNl + 1 + nA;
  }
  return SQLITE_OK;
}

/* The rowids of the SUGGEST_RANK_CAND best bounds, ascending, into aId. */
static int suggest_hits_best(struct suggest *p, struct rank_query *pRq,
                             sqlite3_int64 *aId, int *pnId){
  int rc = sqlite3_bind_text(p->pBest, 1, query_match(pRq->q), -1,
                             SQLITE_STATIC);
  int n = 0, i;
  if( rc==SQLITE_OK ) rc = rank_bind(p->pBest, 2, pRq);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pBest, 3, SUGGEST_RANK_CAND);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pBest, 4, SUGGEST_RANK_WINDOW);
  while( rc==SQLITE_OK && (rc = suggest_step(p, p->pBest))==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(p->pBest, 0);
    rc = SQLITE_OK;
    if( n>=SUGGEST_RANK_CAND ) continue;
    for(i=n++; i>0 && aId[i-1]>id; i--) aId[i] = aId[i-1];
    aId[i] = id;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  *pnId = n;
  return suggest_end(p->pBest, rc);
}

/*
** The top nHits rows of query q as /search ranks them: the best bounds
** first (searchd_quick() reads no text), then the exact score of those
** (searchd_rank(), rank.h), best first, ties to the newer report.
*/
static int suggest_hits_query(struct suggest *p, const struct query *q,
                              int nHits, struct suggest_result *pRes){
  sqlite3_int64 aId[SUGGEST_RANK_CAND];
  struct rank_query rq;
  int nId = 0, rc;
  rank_query_init(&rq, q, 0);
  rc = suggest_hits_best(p, &rq, aId, &nId);
  rq.aCand = aId;
  rq.nCand = nId;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pHits, 1, query_match(q), -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = rank_bind(p->pHits, 2, &rq);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pHits, 3, nHits);
  while( rc==SQLITE_OK && nId>0
      && (rc = suggest_step(p, p->pHits))==SQLITE_ROW ){
    struct suggest_hit *pHit = &pRes->aHit[pRes->nHit];
    pHit->zDate = sqlite3_mprintf("%s", sqlite3_column_text(p->pHits, 0));
    pHit->iRow = sqlite3_column_int(p->pHits, 1);
    pHit->zAssignment = sqlite3_mprintf("%s",
                                        sqlite3_column_text(p->pHits, 2));
    pRes->nHit++;
    rc = pHit->zDate && pHit->zAssignment ? SQLITE_OK : SQLITE_NOMEM;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  return suggest_end(p->pHits, rc);
}

/*
** The hits of the top completion, from the cache (typing "mammo",
** "mammog", "mammogr" asks for the same top completion, and ranking is
** most of a request's work), else by the query. Keyed by the completion's
** text, so that a cached answer costs no parse (the expansion hooks ask
** the index whether each word finds anything).
*/
static int suggest_hits(struct suggest *p, int nHits,
                        struct suggest_result *pRes){
  struct query *q = 0;
  char *zKey = sqlite3_mprintf("h%d:%s", nHits, pRes->aItem[0].zText);
  const char *zHit = 0;
  size_t nHit = 0;
  int rc = zKey ? SQLITE_OK : SQLITE_NOMEM;
  if( zKey && strlen(zKey)<SUGGEST_CACHE_KEY ){
    zHit = cache_get(p->pShort, zKey, &nHit);
  }
  if( zHit ) rc = suggest_hits_load(zHit, nHit, pRes);
  if( rc==SQLITE_OK && zHit==0 ) rc = suggest_open(p);
  if( rc==SQLITE_OK && zHit==0 ) rc = suggest_parse(p, pRes->aItem[0].zText, &q);
  if( rc==SQLITE_OK && zHit==0 && q ){
    rc = suggest_hits_query(p, q, nHits, pRes);
    if( rc==SQLITE_OK && strlen(zKey)<SUGGEST_CACHE_KEY ){
      sqlite3_str *pStr = sqlite3_str_new(0);
      suggest_hits_save(pStr, pRes);
      if( sqlite3_str_errcode(pStr)==SQLITE_OK ){
        cache_put(p->pShort, zKey, sqlite3_str_value(pStr),
                  (size_t)sqlite3_str_length(pStr));
      }
      sqlite3_free(sqlite3_str_finish(pStr));
    }
  }
  sqlite3_free(zKey);
  query_free(q);
  return rc;
}

/* End the request's transaction, if one was begun (suggest_open()); an
** interrupted statement may have ended it already. */
static void suggest_commit(struct suggest *p, int *pRc){
  int rc = db_end_read(p->db, p->pCommit);
  if( *pRc==SQLITE_OK ) *pRc = rc;
}

/* Is the last word long enough to complete? One letter after other words
** (the others narrow it), two when it is the only word. */
static int suggest_long_enough(const struct suggest_words *w){
  int nMin = w->nEarlier>0 ? SUGGEST_MIN_CHARS_AFTER : SUGGEST_MIN_CHARS;
  return utf8_chars(w->zLast, strlen(w->zLast))>=(size_t)nMin;
}

int suggest_run(struct suggest *p, const char *zQ, int nQ, int nLimit,
                int nHits, struct suggest_result *pRes){
  struct suggest_words w;
  int rc;
  memset(pRes, 0, sizeof(*pRes));
  memset(&w, 0, sizeof(w));
  if( nQ>SUGGEST_MAX_Q ) nQ = SUGGEST_MAX_Q;
  if( nLimit<1 ) nLimit = 1;
  if( nLimit>SUGGEST_MAX_LIMIT ) nLimit = SUGGEST_MAX_LIMIT;
  if( nHits>SUGGEST_MAX_HITS ) nHits = SUGGEST_MAX_HITS;
  rc = fold_tokens(p->pFold, zQ, nQ, &w, suggest_word_cb);
  /* A last word that ends before q does is finished: nothing to complete. */
  if( rc!=SQLITE_OK || w.zLast==0 || w.iLastEnd!=nQ
   || !suggest_long_enough(&w) ) goto out;
  rc = suggest_check_version(p);
  if( rc==SQLITE_OK ) rc = suggest_complete(p, zQ, &w, nLimit, pRes);
  if( rc==SQLITE_OK && pRes->nItem>0 && nHits>0 ){
    rc = suggest_hits(p, nHits, pRes);
  }
  suggest_commit(p, &rc);
out:
  p->bDeadline = 0;
  p->bOpen = 0;
  sqlite3_free(w.zLast);
  if( rc!=SQLITE_OK ) suggest_result_clear(pRes);
  return rc;
}

/* --- GET /suggest -------------------------------------------------------- */

static int suggest_json(struct evbuffer *out, const char *zQ,
                        const struct suggest_result *r){
  int e = 0, i;
  e |= json_raw(out, "{\"query\":");
  e |= json_str(out, zQ, strlen(zQ));
  e |= json_raw(out, ",\"suggestions\":[");
  for(i=0; i<r->nItem; i++){
    e |= json_raw(out, i ? ",{\"text\":" : "{\"text\":");
    e |= json_str(out, r->aItem[i].zText, strlen(r->aItem[i].zText));
    e |= json_raw(out, ",\"count\":");
    e |= json_int(out, r->aItem[i].nCount);
    e |= json_raw(out, "}");
  }
  e |= json_raw(out, "],\"hits\":[");
  for(i=0; i<r->nHit; i++){
    e |= json_raw(out, i ? ",{\"report_date\":" : "{\"report_date\":");
    e |= json_str(out, r->aHit[i].zDate, strlen(r->aHit[i].zDate));
    e |= json_raw(out, ",\"row\":");
    e |= json_int(out, r->aHit[i].iRow);
    e |= json_raw(out, ",\"assignment\":");
    e |= json_str(out, r->aHit[i].zAssignment,
                  strlen(r->aHit[i].zAssignment));
    e |= json_raw(out, "}");
  }
  e |= json_raw(out, "]}");
  return e;
}

int suggest_handle(struct request_ctx *ctx){
  struct suggest *p = ext_state(ctx->ext, "suggest");
  struct suggest_result r;
  const char *zQ = params_get(ctx->params, "q");
  long nLimit = 0;
  int rc;
  if( zQ==0 ) return route_error(ctx, 400, "missing parameter q");
  if( strlen(zQ)>SUGGEST_MAX_Q ){
    return route_error(ctx, 414, "q longer than %d bytes", SUGGEST_MAX_Q);
  }
  if( params_get_int(ctx->params, "limit", SUGGEST_DEFAULT_LIMIT, 1,
                     SUGGEST_MAX_LIMIT, &nLimit) ){
    return route_error(ctx, 400, "limit must be a number from 1 to %d",
                       SUGGEST_MAX_LIMIT);
  }
  if( p==0 ) return route_error(ctx, 503, "suggestions not available");
  {
    /* Completions are counted as /search counts: its synonyms and
    ** corrections, which are the worker's modules. */
    struct query_opts opts = ext_query_opts(ctx->ext);
    suggest_set_query_opts(p, &opts);
  }
  rc = suggest_run(p, zQ, (int)strlen(zQ), (int)nLimit,
                   SUGGEST_MAX_HITS, &r);
  if( rc!=SQLITE_OK ) return route_fail(ctx, rc, "suggestions", 0);
  rc = suggest_json(ctx->out, zQ, &r);
  suggest_result_clear(&r);
  return rc ? route_fail(ctx, SQLITE_NOMEM, "suggestions", 0) : 200;
}
