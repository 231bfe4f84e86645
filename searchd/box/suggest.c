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
#include "box/ext.h"
#include "box/fold.h"
#include "http/json.h"
#include "log.h"
#include "http/route.h"
#include "box/suggest.h"
#include "utf8.h"

#define SUGGEST_CACHE_CHARS 3         /* prefixes this short are cached */
#define SUGGEST_CACHE_STEPS 2000      /* and those whose scan took as many
                                      ** VM steps (about 40 us) */
#define SUGGEST_CACHE_KEY   40        /* longer prefixes are never cached */
#define SUGGEST_CACHE_SIZE  8192      /* entries per worker */

struct suggest {
  sqlite3 *db;                    /* whose progress handler we hold */
  sqlite3 *dbOwn;                 /* the module's own connection, or NULL */
  long nMs;                       /* time limit per request; <0: none */
  struct timespec deadline;
  int bDeadline;                  /* a request is running under nMs */
  struct fold *pFold;
  sqlite3_stmt *pWords;
  sqlite3_stmt *pHits;
  sqlite3_stmt *pVersion;         /* PRAGMA data_version */
  sqlite3_stmt *pBegin, *pCommit; /* one read transaction per request */
  sqlite3_int64 iVersion;         /* of the cached answers */
  int bFresh;                     /* this request checked iVersion */
  struct cache *pShort;           /* short prefix -> completions */
};

/* A range scan of vocab's primary key, then the top by documents. */
static const char zWordsSql[] =
  "SELECT word, docs FROM vocab WHERE word>=?1 AND word<?2 AND docs>0"
  " ORDER BY docs DESC, word LIMIT ?3";
/*
** The first matching rows in FTS5's own (rowid) order: no ranking and no
** sort, so a broad word costs what a rare one does. (rowid DESC would show
** newer rows but makes FTS5 materialise an AND or OR of long doclists:
** 10 ms instead of 0.1 ms on 5,000 reports.)
*/
static const char zHitsSql[] =
  "SELECT r.date, a.row, a.assignment FROM assignments_fts"
  " JOIN assignments a ON a.id=assignments_fts.rowid"
  " JOIN reports r ON r.id=a.report_id"
  " WHERE assignments_fts MATCH ?1"
  " ORDER BY assignments_fts.rowid LIMIT ?2";

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

void suggest_set_time_limit(struct suggest *p, long nMs){
  p->nMs = nMs;
}

int suggest_new(sqlite3 *db, struct suggest **ppOut){
  struct suggest *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ) p->nMs = -1;
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->pFold);
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zWordsSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pWords, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zHitsSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pHits, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, "PRAGMA data_version", -1,
                            SQLITE_PREPARE_PERSISTENT, &p->pVersion, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pBegin, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pCommit, 0);
  }
  if( rc==SQLITE_OK && cache_new(SUGGEST_CACHE_SIZE, &p->pShort) ){
    rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ){
    /* Every 100 VM steps, as /search does: a few microseconds apart. */
    p->db = db;
    sqlite3_progress_handler(db, 100, suggest_progress, p);
  }else{
    suggest_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
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
    sqlite3_finalize(p->pWords);
    sqlite3_finalize(p->pHits);
    sqlite3_finalize(p->pVersion);
    sqlite3_finalize(p->pBegin);
    sqlite3_finalize(p->pCommit);
    cache_free(p->pShort);
    sqlite3_close(p->dbOwn);
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

/* The words of q: the earlier ones (folded, for the hits) and the last. */
struct suggest_words {
  int nQ;
  int nEarlier;
  char *azEarlier[SUGGEST_MAX_EARLIER];
  char *zLast;                    /* folded last word, or NULL */
  int iLastStart, iLastEnd;       /* its bytes in q */
};

static void suggest_words_clear(struct suggest_words *w){
  int i;
  for(i=0; i<w->nEarlier; i++) sqlite3_free(w->azEarlier[i]);
  sqlite3_free(w->zLast);
  memset(w, 0, sizeof(*w));
}

static int suggest_word_cb(void *pCtx, const char *zTok, int nTok,
                           int iStart, int iEnd){
  struct suggest_words *w = (struct suggest_words*)pCtx;
  if( w->zLast ){
    if( w->nEarlier<SUGGEST_MAX_EARLIER ){
      w->azEarlier[w->nEarlier++] = w->zLast;
    }else{
      sqlite3_free(w->zLast);
    }
  }
  w->zLast = sqlite3_mprintf("%.*s", nTok, zTok);
  w->iLastStart = iStart;
  w->iLastEnd = iEnd;
  return w->zLast ? SQLITE_OK : SQLITE_NOMEM;
}

/* Add the completion zWord (nWord bytes) with its count to pRes. */
static int suggest_add(const char *zQ, const struct suggest_words *w,
                       const char *zWord, int nWord, sqlite3_int64 nDocs,
                       struct suggest_result *pRes){
  struct suggest_item *pItem = &pRes->aItem[pRes->nItem];
  if( pRes->nItem>=SUGGEST_MAX_LIMIT ) return SQLITE_OK;
  pItem->zText = sqlite3_mprintf("%.*s%.*s", w->iLastStart, zQ, nWord, zWord);
  pItem->nDocs = nDocs;
  if( pItem->zText==0 ) return SQLITE_NOMEM;
  pRes->nItem++;
  return SQLITE_OK;
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
** Completions from vocab by a range scan of its primary key, also written
** to pStr as "docs TAB word NL" lines (for the cache). *pnSteps: the VM
** steps the scan took (what it cost).
*/
static int suggest_scan(struct suggest *p, const char *zQ,
                        const struct suggest_words *w, int nLimit,
                        sqlite3_str *pStr, int *pnSteps,
                        struct suggest_result *pRes){
  char *zHi = sqlite3_mprintf("%s\xff", w->zLast);
  int rc = zHi ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    rc = sqlite3_bind_text(p->pWords, 1, w->zLast, -1, SQLITE_STATIC);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pWords, 2, zHi, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pWords, 3, nLimit);
  while( rc==SQLITE_OK && (rc = suggest_step(p, p->pWords))==SQLITE_ROW ){
    const char *zWord = (const char*)sqlite3_column_text(p->pWords, 0);
    int nWord = sqlite3_column_bytes(p->pWords, 0);
    sqlite3_int64 nDocs = sqlite3_column_int64(p->pWords, 1);
    rc = suggest_add(zQ, w, zWord, nWord, nDocs, pRes);
    sqlite3_str_appendf(pStr, "%lld\t%s\n", nDocs, zWord);
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  rc = suggest_end(p->pWords, rc);
  sqlite3_free(zHi);
  if( pnSteps ){
    *pnSteps = sqlite3_stmt_status(p->pWords, SQLITE_STMTSTATUS_VM_STEP, 1);
  }
  return rc;
}

/* Completions from a cached "docs TAB word NL" list z[0..n). */
static int suggest_from_cache(const char *zQ, const struct suggest_words *w,
                              const char *z, size_t n,
                              struct suggest_result *pRes){
  const char *zEnd = z + n;
  int rc = SQLITE_OK;
  while( rc==SQLITE_OK && z<zEnd ){
    const char *zTab = memchr(z, '\t', zEnd - z);
    const char *zNl = zTab ? memchr(zTab, '\n', zEnd - zTab) : 0;
    if( zNl==0 ) break;
    rc = suggest_add(zQ, w, zTab+1, (int)(zNl - zTab - 1),
                     strtoll(z, 0, 10), pRes);
    z = zNl + 1;
  }
  return rc;
}

/* Empty the short-prefix cache when the index has changed (WAL writer). */
static int suggest_check_version(struct suggest *p){
  int rc = sqlite3_step(p->pVersion);
  if( rc==SQLITE_ROW ){
    sqlite3_int64 v = sqlite3_column_int64(p->pVersion, 0);
    if( v!=p->iVersion ) cache_clear(p->pShort);
    p->iVersion = v;
    p->bFresh = 1;
    rc = SQLITE_OK;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  return suggest_end(p->pVersion, rc);
}

/*
** Fill pRes->aItem with completions of w->zLast. Short prefixes match
** thousands of words (up to ~3,000 of 67,000 for "in" on 5,000 reports),
** and so do some longer ones (vård*, ~20,000 VM steps, 0.4 ms to scan and
** sort); they are the ones every user types. So the answers of prefixes
** of at most SUGGEST_CACHE_CHARS letters, and of any prefix whose scan
** took SUGGEST_CACHE_STEPS or more, are kept in a per-worker LRU cache,
** emptied whenever the database changes. Runs inside the request's read
** transaction, so the version and the answer are of one snapshot.
*/
static int suggest_complete(struct suggest *p, const char *zQ,
                            const struct suggest_words *w, int nLimit,
                            struct suggest_result *pRes){
  char zKey[SUGGEST_CACHE_KEY + 16];
  const char *zHit;
  size_t nHit = 0;
  sqlite3_str *pStr;
  int rc, nSteps = 0;
  int bCache = p->pShort!=0 && strlen(w->zLast)<=SUGGEST_CACHE_KEY;
  if( bCache ){
    rc = suggest_check_version(p);
    if( rc!=SQLITE_OK ) return rc;
    snprintf(zKey, sizeof(zKey), "%d:%s", nLimit, w->zLast);
    zHit = cache_get(p->pShort, zKey, &nHit);
    if( zHit ) return suggest_from_cache(zQ, w, zHit, nHit, pRes);
  }
  pStr = sqlite3_str_new(0);
  rc = suggest_scan(p, zQ, w, nLimit, pStr, &nSteps, pRes);
  if( rc==SQLITE_OK && bCache && sqlite3_str_errcode(pStr)==SQLITE_OK
   && (utf8_chars(w->zLast, strlen(w->zLast))<=SUGGEST_CACHE_CHARS
       || nSteps>=SUGGEST_CACHE_STEPS) ){
    /* A failed put only means no caching. */
    cache_put(p->pShort, zKey, sqlite3_str_value(pStr),
              (size_t)sqlite3_str_length(pStr));
  }
  sqlite3_free(sqlite3_str_finish(pStr));
  return rc;
}

/* Append z as an FTS5 string ("" doubles a quote). */
static void suggest_quote(sqlite3_str *pStr, const char *z){
  sqlite3_str_appendchar(pStr, 1, '"');
  for(; *z; z++){
    if( *z=='"' ) sqlite3_str_appendchar(pStr, 1, '"');
    sqlite3_str_appendchar(pStr, 1, *z);
  }
  sqlite3_str_appendchar(pStr, 1, '"');
}

/*
** The hits' FTS5 expression: the earlier words AND the top completion. One
** completion, not an OR of several: FTS5 merges an OR of long doclists in
** full (20 ms for "har" OR ... on 5,000 reports) but streams one term.
*/
static char *suggest_hits_expr(const struct suggest_words *w,
                               const struct suggest_result *pRes){
  sqlite3_str *pStr = sqlite3_str_new(0);
  int i;
  for(i=0; i<w->nEarlier; i++){
    suggest_quote(pStr, w->azEarlier[i]);
    sqlite3_str_appendall(pStr, " AND ");
  }
  suggest_quote(pStr, pRes->aItem[0].zText + w->iLastStart);
  return sqlite3_str_finish(pStr);
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

static int suggest_hits_query(struct suggest *p, const char *zExpr,
                              int nHits, struct suggest_result *pRes){
  int rc = sqlite3_bind_text(p->pHits, 1, zExpr, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(p->pHits, 2, nHits);
  while( rc==SQLITE_OK && (rc = suggest_step(p, p->pHits))==SQLITE_ROW ){
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
** The hits, from the cache when this request has checked the data version
** (typing "mammo", "mammog", "mammogr" asks for the same top completion,
** and the FTS5 query and its joins are three quarters of a request's
** work), else by the query.
*/
static int suggest_hits(struct suggest *p, const struct suggest_words *w,
                        int nHits, struct suggest_result *pRes){
  char *zExpr = suggest_hits_expr(w, pRes);
  char *zKey = 0;
  const char *zHit;
  size_t nHit = 0;
  int rc = zExpr ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK && p->bFresh && p->pShort ){
    zKey = sqlite3_mprintf("h%d:%s", nHits, zExpr);
    if( zKey==0 ) rc = SQLITE_NOMEM;
  }
  zHit = zKey ? cache_get(p->pShort, zKey, &nHit) : 0;
  if( zHit ){
    rc = suggest_hits_load(zHit, nHit, pRes);
  }else if( rc==SQLITE_OK ){
    rc = suggest_hits_query(p, zExpr, nHits, pRes);
    if( rc==SQLITE_OK && zKey ){
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
  sqlite3_free(zExpr);
  return rc;
}

/*
** One read transaction for the request: one snapshot for the version
** check, the scan and the hits, and one lock and unlock (fcntl, fstat)
** instead of one per statement.
*/
static int suggest_begin(struct suggest *p){
  (void)sqlite3_step(p->pBegin);   /* its error is the reset's */
  return sqlite3_reset(p->pBegin);
}

/* End it; an interrupted statement may have ended it already. */
static void suggest_commit(struct suggest *p, int *pRc){
  if( !sqlite3_get_autocommit(p->db) ){
    int rc;
    (void)sqlite3_step(p->pCommit);  /* its error is the reset's */
    rc = sqlite3_reset(p->pCommit);
    if( *pRc==SQLITE_OK ) *pRc = rc;
  }
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
   || utf8_chars(w.zLast, strlen(w.zLast))<SUGGEST_MIN_CHARS ) goto out;
  suggest_start_clock(p);
  p->bFresh = 0;
  rc = suggest_begin(p);
  if( rc==SQLITE_OK ) rc = suggest_complete(p, zQ, &w, nLimit, pRes);
  if( rc==SQLITE_OK && pRes->nItem>0 && nHits>0 ){
    rc = suggest_hits(p, &w, nHits, pRes);
  }
  suggest_commit(p, &rc);
out:
  p->bDeadline = 0;
  suggest_words_clear(&w);
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
    e |= json_int(out, r->aItem[i].nDocs);
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
  rc = suggest_run(p, zQ, (int)strlen(zQ), (int)nLimit,
                   SUGGEST_MAX_HITS, &r);
  if( rc!=SQLITE_OK ) return route_fail(ctx, rc, "suggestions", 0);
  rc = suggest_json(ctx->out, zQ, &r);
  suggest_result_clear(&r);
  return rc ? route_fail(ctx, SQLITE_NOMEM, "suggestions", 0) : 200;
}
