/*
** suggest.c: search-box completions from the vocab table (suggest.h).
*/
#include <string.h>

#include <event2/buffer.h>
#include <sqlite3.h>

#include "ext.h"
#include "fold.h"
#include "json.h"
#include "log.h"
#include "route.h"
#include "suggest.h"

#define SUGGEST_MAX_EARLIER 8         /* earlier words used for the hits */

struct suggest {
  struct fold *pFold;
  sqlite3_stmt *pWords;
  sqlite3_stmt *pHits;
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

int suggest_new(sqlite3 *db, struct suggest **ppOut){
  struct suggest *p = sqlite3_malloc(sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ) memset(p, 0, sizeof(*p));
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->pFold);
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zWordsSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pWords, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zHitsSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pHits, 0);
  }
  if( rc!=SQLITE_OK ){
    suggest_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

int suggest_module_open(const struct conf *conf, sqlite3 *db,
                        void **ppState){
  struct suggest *p = 0;
  int rc = suggest_new(db, &p);
  (void)conf;
  if( rc!=SQLITE_OK ){
    log_msg(LOG_ERROR, "suggest: %s (is this an index with a vocab table?)",
            sqlite3_errmsg(db));
  }
  *ppState = p;
  return p ? 0 : -1;
}

void suggest_module_close(void *pState){
  suggest_free((struct suggest*)pState);
}

void suggest_free(struct suggest *p){
  if( p ){
    fold_free(p->pFold);
    sqlite3_finalize(p->pWords);
    sqlite3_finalize(p->pHits);
    sqlite3_free(p);
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

/* Number of code points in z. */
static int suggest_chars(const char *z){
  int n = 0;
  for(; *z; z++) n += ((unsigned char)*z & 0xc0)!=0x80;
  return n;
}

/* Fill pRes->aItem from vocab: completions of w->zLast. */
static int suggest_complete(struct suggest *p, const char *zQ,
                            const struct suggest_words *w, int nLimit,
                            struct suggest_result *pRes){
  char *zHi = sqlite3_mprintf("%s\xff", w->zLast);
  int rc = zHi ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(p->pWords, 1, w->zLast, -1, SQLITE_STATIC);
    sqlite3_bind_text(p->pWords, 2, zHi, -1, SQLITE_STATIC);
    sqlite3_bind_int(p->pWords, 3, nLimit);
  }
  while( rc==SQLITE_OK && (rc = sqlite3_step(p->pWords))==SQLITE_ROW ){
    struct suggest_item *pItem = &pRes->aItem[pRes->nItem];
    pItem->zText = sqlite3_mprintf("%.*s%s", w->iLastStart, zQ,
                                   sqlite3_column_text(p->pWords, 0));
    pItem->nDocs = sqlite3_column_int64(p->pWords, 1);
    rc = pItem->zText ? SQLITE_OK : SQLITE_NOMEM;
    if( rc==SQLITE_OK ) pRes->nItem++;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  sqlite3_reset(p->pWords);
  sqlite3_clear_bindings(p->pWords);
  sqlite3_free(zHi);
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

/* The hits' FTS5 expression: earlier words AND (top completions OR'ed). */
static char *suggest_hits_expr(const struct suggest_words *w,
                               const struct suggest_result *pRes){
  sqlite3_str *pStr = sqlite3_str_new(0);
  int i;
  for(i=0; i<w->nEarlier; i++){
    suggest_quote(pStr, w->azEarlier[i]);
    sqlite3_str_appendall(pStr, " AND ");
  }
  sqlite3_str_appendchar(pStr, 1, '(');
  for(i=0; i<pRes->nItem && i<SUGGEST_MAX_HITS; i++){
    const char *zWord = pRes->aItem[i].zText + w->iLastStart;
    if( i>0 ) sqlite3_str_appendall(pStr, " OR ");
    suggest_quote(pStr, zWord);
  }
  sqlite3_str_appendchar(pStr, 1, ')');
  return sqlite3_str_finish(pStr);
}

static int suggest_hits(struct suggest *p, const struct suggest_words *w,
                        int nHits, struct suggest_result *pRes){
  char *zExpr = suggest_hits_expr(w, pRes);
  int rc = zExpr ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(p->pHits, 1, zExpr, -1, SQLITE_STATIC);
    sqlite3_bind_int(p->pHits, 2, nHits);
  }
  while( rc==SQLITE_OK && (rc = sqlite3_step(p->pHits))==SQLITE_ROW ){
    struct suggest_hit *pHit = &pRes->aHit[pRes->nHit];
    pHit->zDate = sqlite3_mprintf("%s", sqlite3_column_text(p->pHits, 0));
    pHit->iRow = sqlite3_column_int(p->pHits, 1);
    pHit->zAssignment = sqlite3_mprintf("%s",
                                        sqlite3_column_text(p->pHits, 2));
    pRes->nHit++;
    rc = pHit->zDate && pHit->zAssignment ? SQLITE_OK : SQLITE_NOMEM;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  sqlite3_reset(p->pHits);
  sqlite3_clear_bindings(p->pHits);
  sqlite3_free(zExpr);
  return rc;
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
   || suggest_chars(w.zLast)<SUGGEST_MIN_CHARS ) goto out;
  rc = suggest_complete(p, zQ, &w, nLimit, pRes);
  if( rc==SQLITE_OK && pRes->nItem>0 && nHits>0 ){
    rc = suggest_hits(p, &w, nHits, pRes);
  }
out:
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
  if( rc==SQLITE_INTERRUPT ){
    return route_error(ctx, 503, "suggestions took too long");
  }
  if( rc!=SQLITE_OK ){
    return route_error(ctx, 500, "suggest: %s", sqlite3_errstr(rc));
  }
  rc = suggest_json(ctx->out, zQ, &r);
  suggest_result_clear(&r);
  return rc ? route_error(ctx, 500, "out of memory") : 200;
}
