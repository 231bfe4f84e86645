/*
** search.c: GET /search and GET /health; see search.h.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attrs.h"
#include "cache.h"
#include "db.h"
#include "json.h"
#include "log.h"
#include "rank.h"
#include "search.h"

#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_SOURCE 256
#define SEARCH_MARK_OPEN  "\x02"
#define SEARCH_MARK_CLOSE "\x03"

enum { ST_BEGIN, ST_COMMIT, ST_VERSION, ST_SCAN, ST_RANK, ST_PAGE, ST_HEALTH,
       ST_N };

static const char *const azSql[ST_N] = {
  /* One read transaction per search: one WAL snapshot for the attributes
  ** and every statement, and no lock round trip per candidate row. */
  "BEGIN",
  "COMMIT",
  /* ST_VERSION: changes whenever another connection commits. */
  "PRAGMA data_version",
  /* ST_SCAN: the cheap first pass; filters and facets are done in C on
  ** the in-memory attributes (attrs.h), so only the FTS index is read. */
  "SELECT rowid, -" RANK_QUICK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1",
  /* ST_RANK: the full ranking of the candidates, in one pass over their
  ** rowid range (?2..?3); searchd_is_cand() skips the others before any
  ** ranking work. */
  "SELECT rowid, " RANK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(rowid)",
  /* ST_PAGE: what the page's hits show, the same way. */
  "SELECT r.date, a.row, r.title, a.assignment, a.source, a.status,"
  " highlight(assignments_fts, 0, char(2), char(3)),"
  " snippet(assignments_fts, 1, char(2), char(3), '…', 30), f.rowid"
  " FROM assignments_fts f JOIN assignments a ON a.id=f.rowid"
  " JOIN reports r ON r.id=a.report_id"
  " WHERE assignments_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(f.rowid)",
  /* ST_HEALTH */
  "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM assignments),"
  " (SELECT value FROM meta WHERE key='analysis_version'),"
  " (SELECT value FROM meta WHERE key='schema_version')",
};

struct search_state {
  sqlite3 *db;
  const struct conf *conf;
  struct rank *rank;
  struct query_opts opts;
  struct cache *cache;
  sqlite3_int64 iDataVersion;
  struct attrs *attrs;            /* snapshot of row attributes */
  sqlite3_stmt *apStmt[ST_N];
  int aYear[10000];               /* scratch: matches per year */
  struct timespec deadline;
  int bDeadline;
};

/* The parameters of one /search request, validated. */
struct search_req {
  const char *zQ;
  long nLimit, nOffset;
  const char *zFrom, *zTo, *zSource;
};

/* A candidate row of the first pass. */
struct search_cand {
  sqlite3_int64 id;
  int date;                       /* yyyymmdd */
  double first;                   /* -searchd_quick(): smaller is better */
  double score;                   /* searchd_rank(): larger is better */
};

static int search_check_version(struct search_state *p);

/* Progress handler: interrupt a statement past the request's deadline. */
static int search_progress(void *pArg){
  struct search_state *p = (struct search_state*)pArg;
  struct timespec now;
  if( !p->bDeadline ) return 0;
  if( clock_gettime(CLOCK_MONOTONIC, &now)!=0 ) return 0;
  return now.tv_sec>p->deadline.tv_sec
      || (now.tv_sec==p->deadline.tv_sec && now.tv_nsec>=p->deadline.tv_nsec);
}

static void search_set_deadline(struct search_state *p){
  long ms = p->conf->nQueryMs;
  if( clock_gettime(CLOCK_MONOTONIC, &p->deadline)!=0 ) return;
  p->deadline.tv_sec += ms/1000;
  p->deadline.tv_nsec += (ms%1000)*1000000L;
  if( p->deadline.tv_nsec>=1000000000L ){
    p->deadline.tv_sec++;
    p->deadline.tv_nsec -= 1000000000L;
  }
  p->bDeadline = 1;
}

void search_state_free(struct search_state *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<ST_N; i++) sqlite3_finalize(p->apStmt[i]);
  sqlite3_progress_handler(p->db, 0, 0, 0);
  if( p->rank ) rank_set_query(p->rank, 0, 0);
  cache_free(p->cache);
  attrs_free(p->attrs);
  free(p);
}

int search_state_new(sqlite3 *db, const struct conf *conf,
                     struct search_state **ppOut){
  struct search_state *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  int i;
  if( p ){
    p->db = db;
    p->conf = conf;
    p->iDataVersion = -1;
    rc = rank_register(db, &p->rank);
  }
  for(i=0; rc==SQLITE_OK && i<ST_N; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &p->apStmt[i], 0);
    if( rc!=SQLITE_OK ){
      log_msg(LOG_ERROR, "cannot prepare search statement: %s",
              sqlite3_errmsg(db));
    }
  }
  if( rc==SQLITE_OK && cache_new(conf->nCache, &p->cache)!=0 ){
    rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ){
    /* A bigger page cache than the default 2 MB: a broad word's doclist
    ** and the candidates' rows stay cached between requests. */
    rc = sqlite3_exec(db, "PRAGMA cache_size=-2000", 0, 0, 0);
  }
  if( rc==SQLITE_OK ) rc = search_check_version(p);
  if( rc==SQLITE_OK ){
    sqlite3_progress_handler(db, 100, search_progress, p);
  }else{
    search_state_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void search_state_set_opts(struct search_state *p,
                           const struct query_opts *opts){
  p->opts = *opts;
  cache_clear(p->cache);
}

/* Is z a date YYYY-MM-DD (digits where digits belong)? */
static int search_is_date(const char *z){
  static const char zShape[] = "9999-99-99";
  int i;
  for(i=0; zShape[i]; i++){
    if( zShape[i]=='9' ? (z[i]<'0' || z[i]>'9') : z[i]!=zShape[i] ) return 0;
  }
  return z[i]==0;
}

/* Validate the parameters of a /search request into *pReq. */
static int search_params(struct request_ctx *ctx, struct search_req *pReq){
  const struct params *pp = ctx->params;
  const char *azDate[2] = {"from", "to"};
  int i;
  memset(pReq, 0, sizeof(*pReq));
  pReq->zQ = params_get(pp, "q");
  if( pReq->zQ==0 || pReq->zQ[0]==0 ){
    return route_error(ctx, 400, "missing parameter q");
  }
  if( params_get_int(pp, "limit", 10, 0, SEARCH_MAX_LIMIT, &pReq->nLimit) ){
    return route_error(ctx, 400, "limit must be an integer from 0 to %d",
                       SEARCH_MAX_LIMIT);
  }
  if( params_get_int(pp, "offset", 0, 0, ctx->conf->nMaxOffset,
                     &pReq->nOffset) ){
    return route_error(ctx, 400, "offset must be an integer from 0 to %ld",
                       ctx->conf->nMaxOffset);
  }
  for(i=0; i<2; i++){
    const char *z = params_get(pp, azDate[i]);
    if( z && z[0] && !search_is_date(z) ){
      return route_error(ctx, 400, "%s must be a date YYYY-MM-DD", azDate[i]);
    }
    if( i==0 ) pReq->zFrom = (z && z[0]) ? z : 0;
    else pReq->zTo = (z && z[0]) ? z : 0;
  }
  pReq->zSource = params_get(pp, "source");
  if( pReq->zSource && pReq->zSource[0]==0 ) pReq->zSource = 0;
  if( pReq->zSource && strlen(pReq->zSource)>SEARCH_MAX_SOURCE ){
    return route_error(ctx, 400, "source is longer than %d bytes",
                       SEARCH_MAX_SOURCE);
  }
  return 200;
}

/* Reset pStmt and bind the MATCH expression. */
static int search_bind(sqlite3_stmt *pStmt, const char *zExpr){
  sqlite3_reset(pStmt);
  return sqlite3_bind_text(pStmt, 1, zExpr, -1, SQLITE_STATIC);
}

/* The filters of a request, resolved against the attributes. */
struct search_filter {
  int from, to;                   /* yyyymmdd; 0: open */
  char *abSource;                 /* per distinct source: allowed; NULL: all */
};

/*
** Resolve pReq's filters: which distinct sources contain the source text
** (ASCII case-insensitive, like SQL's lower()), and the date range.
*/
static int search_filter_init(const struct search_state *p,
                              const struct search_req *pReq,
                              struct search_filter *f){
  int i, n = attrs_source_count(p->attrs);
  memset(f, 0, sizeof(*f));
  f->from = pReq->zFrom ? attrs_date(pReq->zFrom) : 0;
  f->to = pReq->zTo ? attrs_date(pReq->zTo) : 0;
  if( pReq->zSource==0 ) return SQLITE_OK;
  f->abSource = calloc(n + 1, 1);
  if( f->abSource==0 ) return SQLITE_NOMEM;
  for(i=0; i<n; i++){
    f->abSource[i] = strcasestr(attrs_source(p->attrs, i), pReq->zSource)!=0;
  }
  return SQLITE_OK;
}

static int search_filter_ok(const struct search_filter *f,
                            const struct attr_row *r){
  if( f->from && r->date<f->from ) return 0;
  if( f->to && r->date>f->to ) return 0;
  if( f->abSource && !f->abSource[r->iSource] ) return 0;
  return 1;
}

/* Keep the nMax smallest first-pass values: a max-heap, worst on top. */
static void search_heap_push(struct search_cand *a, int *pn, int nMax,
                             const struct search_cand *c){
  int i, n = *pn;
  if( nMax<=0 ) return;
  if( n<nMax ){
    i = n++;
    while( i>0 && a[(i-1)/2].first < c->first ){ a[i] = a[(i-1)/2]; i = (i-1)/2; }
    a[i] = *c;
    *pn = n;
    return;
  }
  if( c->first >= a[0].first ) return;
  i = 0;
  for(;;){
    int l = 2*i+1, r = l+1, m = i;
    double v = c->first;
    if( l<n && a[l].first > v ) m = l, v = a[l].first;
    if( r<n && a[r].first > v ) m = r;
    if( m==i ) break;
    a[i] = a[m];
    i = m;
  }
  a[i] = *c;
}

/* Append the year facets as JSON, newest year first. */
static int search_facet_json(const struct search_state *p,
                             struct evbuffer *out){
  int y, e = 0, bFirst = 1;
  e |= json_raw(out, "{\"year\":{");
  for(y=9999; y>=0; y--){
    if( p->aYear[y]==0 ) continue;
    e |= evbuffer_add_printf(out, "%s\"%04d\":%d", bFirst ? "" : ",", y,
                             p->aYear[y])<0;
    bFirst = 0;
  }
  e |= json_raw(out, "}}");
  return e ? SQLITE_NOMEM : SQLITE_OK;
}

/*
** The first pass: every row matching zExpr, filtered on the attributes,
** counted by year into p->aYear and *pnTotal, the nMax best by searchd_quick() kept
** in aCand (*pnCand of them, in no order).
*/
static int search_scan(struct search_state *p, const char *zExpr,
                       const struct search_filter *f, struct search_cand *aCand,
                       int nMax, int *pnCand, long long *pnTotal){
  sqlite3_stmt *pStmt = p->apStmt[ST_SCAN];
  int rc = search_bind(pStmt, zExpr);
  *pnCand = 0;
  *pnTotal = 0;
  memset(p->aYear, 0, sizeof(p->aYear));
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    struct search_cand c;
    const struct attr_row *r;
    c.id = sqlite3_column_int64(pStmt, 0);
    r = attrs_find(p->attrs, c.id);
    if( r==0 || !search_filter_ok(f, r) ) continue;
    c.first = sqlite3_column_double(pStmt, 1);
    c.date = r->date;
    c.score = 0;
    p->aYear[(r->date/10000) % 10000]++;
    (*pnTotal)++;
    search_heap_push(aCand, pnCand, nMax, &c);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  return rc;
}

static int search_cmp_id(const void *pA, const void *pB){
  const struct search_cand *a = pA, *b = pB;
  return a->id < b->id ? -1 : (a->id > b->id);
}

static int search_cmp_i64(const void *pA, const void *pB){
  sqlite3_int64 a = *(const sqlite3_int64*)pA, b = *(const sqlite3_int64*)pB;
  return a < b ? -1 : (a > b);
}

/*
** Bind zExpr and the rowid range of the n sorted ids to pStmt, and make
** them searchd_is_cand()'s set.
*/
static int search_bind_range(struct search_state *p, sqlite3_stmt *pStmt,
                             const char *zExpr, const sqlite3_int64 *aId,
                             int n){
  int rc = search_bind(pStmt, zExpr);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, aId[0]);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 3, aId[n-1]);
  rank_set_candidates(p->rank, aId, n);
  return rc;
}

/* Second pass: searchd_rank() of every candidate (aCand ends sorted by id). */
static int search_rerank(struct search_state *p, const char *zExpr,
                         struct search_cand *aCand, int n){
  sqlite3_stmt *pStmt = p->apStmt[ST_RANK];
  sqlite3_int64 *aId = malloc(sizeof(*aId) * n);
  int i, rc = aId ? SQLITE_OK : SQLITE_NOMEM;
  qsort(aCand, n, sizeof(*aCand), search_cmp_id);
  for(i=0; aId && i<n; i++) aId[i] = aCand[i].id;
  if( rc==SQLITE_OK ) rc = search_bind_range(p, pStmt, zExpr, aId, n);
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    struct search_cand key, *pHit;
    key.id = sqlite3_column_int64(pStmt, 0);
    pHit = bsearch(&key, aCand, n, sizeof(*aCand), search_cmp_id);
    if( pHit ) pHit->score = sqlite3_column_double(pStmt, 1);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  rank_set_candidates(p->rank, 0, 0);
  free(aId);
  return rc;
}

/* Best first; ties: newer report, then row order. */
static int search_cmp(const void *pA, const void *pB){
  const struct search_cand *a = pA, *b = pB;
  if( a->score!=b->score ) return a->score > b->score ? -1 : 1;
  if( a->date!=b->date ) return a->date > b->date ? -1 : 1;
  return a->id < b->id ? -1 : (a->id > b->id);
}

/* Append column i of pStmt as a JSON string. */
static int search_col_str(struct evbuffer *out, sqlite3_stmt *pStmt, int i){
  const char *z = (const char*)sqlite3_column_text(pStmt, i);
  return json_str(out, z ? z : "", z ? (size_t)sqlite3_column_bytes(pStmt, i)
                                      : 0);
}

/* Append column i (highlight/snippet output) as marked-up HTML. */
static int search_col_html(struct evbuffer *out, sqlite3_stmt *pStmt, int i){
  const char *z = (const char*)sqlite3_column_text(pStmt, i);
  return json_html_marked(out, z ? z : "",
                          z ? (size_t)sqlite3_column_bytes(pStmt, i) : 0,
                          SEARCH_MARK_OPEN[0], SEARCH_MARK_CLOSE[0]);
}

/* Append the hit object of ST_PAGE's current row, with its score. */
static int search_hit(sqlite3_stmt *pStmt, double score,
                      struct evbuffer *out){
  static const struct { const char *zKey; int iCol; } aField[] = {
    {"report_title", 2}, {"assignment", 3}, {"source", 4}, {"status", 5},
  };
  int e = 0;
  size_t i;
  e |= json_raw(out, "{\"report_date\":");
  e |= search_col_str(out, pStmt, 0);
  e |= json_raw(out, ",\"row\":");
  e |= json_int(out, sqlite3_column_int64(pStmt, 1));
  for(i=0; i<sizeof(aField)/sizeof(aField[0]); i++){
    e |= json_raw(out, ",");
    e |= json_key(out, aField[i].zKey);
    e |= search_col_str(out, pStmt, aField[i].iCol);
  }
  e |= json_raw(out, ",\"score\":");
  e |= json_double(out, score);
  e |= json_raw(out, ",\"highlights\":{\"assignment\":");
  e |= search_col_html(out, pStmt, 6);
  e |= json_raw(out, ",\"status\":");
  e |= search_col_html(out, pStmt, 7);
  e |= json_raw(out, "}}");
  return e ? SQLITE_NOMEM : SQLITE_OK;
}

/* Append "corrected":{...} for the first correction the hook made. */
static int search_corrected(const struct query *q, struct evbuffer *out){
  int i, j;
  for(i=0; i<query_term_count(q); i++){
    const struct query_term *t = query_term(q, i);
    for(j=1; j<t->nAlt; j++){
      if( t->aAltKind[j]!=QUERY_ALT_CORRECTION ) continue;
      return json_raw(out, "\"corrected\":{\"from\":")
           | json_str(out, t->azAlt[0], strlen(t->azAlt[0]))
           | json_raw(out, ",\"to\":")
           | json_str(out, t->azAlt[j], strlen(t->azAlt[j]))
           | json_raw(out, "},");
    }
  }
  return 0;
}

/*
** Render the page's rows (one ST_PAGE pass over their rowid range, in
** rowid order) into apHit[j] for page position j.
*/
static int search_page_rows(struct search_state *p, const char *zExpr,
                            const struct search_cand *aPage, int m,
                            struct evbuffer **apHit){
  sqlite3_stmt *pStmt = p->apStmt[ST_PAGE];
  sqlite3_int64 *aId = malloc(sizeof(*aId) * m);
  int j, rc = aId ? SQLITE_OK : SQLITE_NOMEM;
  for(j=0; aId && j<m; j++) aId[j] = aPage[j].id;
  if( aId ) qsort(aId, m, sizeof(*aId), search_cmp_i64);
  if( rc==SQLITE_OK ) rc = search_bind_range(p, pStmt, zExpr, aId, m);
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 8);
    for(j=0; j<m && (aPage[j].id!=id || apHit[j]); j++){}
    if( j==m ) continue;
    apHit[j] = evbuffer_new();
    rc = apHit[j] ? search_hit(pStmt, aPage[j].score, apHit[j]) : SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  rank_set_candidates(p->rank, 0, 0);
  free(aId);
  return rc;
}

/* Append the hits of page [offset, offset+limit) of the sorted aCand. */
static int search_page(struct search_state *p, const char *zExpr,
                       const struct search_req *pReq,
                       const struct search_cand *aCand, int nCand,
                       struct evbuffer *out){
  int first = (int)pReq->nOffset, m, j, bAny = 0, rc = SQLITE_OK;
  struct evbuffer **apHit;
  m = nCand - first;
  if( m>pReq->nLimit ) m = (int)pReq->nLimit;
  if( m<=0 ) return SQLITE_OK;
  apHit = calloc(m, sizeof(*apHit));
  if( apHit==0 ) return SQLITE_NOMEM;
  rc = search_page_rows(p, zExpr, aCand+first, m, apHit);
  for(j=0; j<m; j++){
    if( rc==SQLITE_OK && apHit[j] ){
      if( bAny && json_raw(out, ",") ) rc = SQLITE_NOMEM;
      if( rc==SQLITE_OK && evbuffer_add_buffer(out, apHit[j]) ){
        rc = SQLITE_NOMEM;
      }
      bAny = 1;
    }
    if( apHit[j] ) evbuffer_free(apHit[j]);
  }
  free(apHit);
  return rc;
}

/*
** Run query q for pReq and append the cacheable part of the response
** ("total" ... "facets") to out.
*/
static int search_run(struct search_state *p, const struct query *q,
                      const struct search_req *pReq, struct evbuffer *out){
  const char *zExpr = query_match(q);
  struct search_filter f;
  struct search_cand *aCand = 0;
  long long nTotal = 0;
  int nMax = (int)p->conf->nRerank, nCand = 0, bRelaxed = 0, rc, e = 0;
  if( pReq->nOffset + pReq->nLimit > nMax ){
    nMax = (int)(pReq->nOffset + pReq->nLimit);
  }
  aCand = malloc(sizeof(*aCand) * (nMax + 1));
  rc = aCand ? search_filter_init(p, pReq, &f) : SQLITE_NOMEM;
  if( aCand==0 ) memset(&f, 0, sizeof(f));
  memset(p->aYear, 0, sizeof(p->aYear));
  rank_set_query(p->rank, q, 0);
  if( rc==SQLITE_OK && zExpr ){
    rc = search_scan(p, zExpr, &f, aCand, nMax, &nCand, &nTotal);
  }
  if( rc==SQLITE_OK && nTotal==0 && query_relaxed(q) ){
    zExpr = query_relaxed(q);
    bRelaxed = 1;
    rank_set_query(p->rank, q, 1);
    rc = search_scan(p, zExpr, &f, aCand, nMax, &nCand, &nTotal);
  }
  if( rc==SQLITE_OK && nCand>0 ){
    rc = search_rerank(p, zExpr, aCand, nCand);
    qsort(aCand, nCand, sizeof(*aCand), search_cmp);
  }
  rank_set_query(p->rank, 0, 0);
  if( rc==SQLITE_OK ){
    e |= search_corrected(q, out);
    e |= json_raw(out, "\"total\":");
    e |= json_int(out, nTotal);
    e |= json_raw(out, bRelaxed ? ",\"relaxed\":true,\"hits\":["
                                : ",\"relaxed\":false,\"hits\":[");
    if( e ) rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ) rc = search_page(p, zExpr, pReq, aCand, nCand, out);
  if( rc==SQLITE_OK && json_raw(out, "],\"facets\":") ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = search_facet_json(p, out);
  if( rc==SQLITE_OK && json_raw(out, "}") ) rc = SQLITE_NOMEM;
  free(f.abSource);
  free(aCand);
  return rc;
}

/* Map an SQLite error of a search to a status and message. */
static int search_sql_error(struct request_ctx *ctx, int rc){
  if( rc==SQLITE_INTERRUPT ){
    return route_error(ctx, 503, "query took longer than %ld ms",
                       ctx->conf->nQueryMs);
  }
  if( rc==SQLITE_NOMEM || rc==SQLITE_BUSY ){
    return route_error(ctx, 503, "server busy, try again");
  }
  log_msg(LOG_WARN, "search failed: %s (%s)", sqlite3_errstr(rc),
          sqlite3_errmsg(ctx->db));
  if( (rc & 0xff)==SQLITE_ERROR ){
    /* Only MATCH text varies between requests: blame the query. */
    return route_error(ctx, 400, "cannot search for this query");
  }
  return route_error(ctx, 500, "index error: %s", sqlite3_errstr(rc));
}

/*
** If another connection changed the database since the last request,
** empty the cache and reload the attributes.
*/
static int search_check_version(struct search_state *p){
  sqlite3_stmt *pStmt = p->apStmt[ST_VERSION];
  sqlite3_int64 v = -1;
  int rc;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK && (v!=p->iDataVersion || p->attrs==0) ){
    struct attrs *pNew = 0;
    rc = attrs_load(p->db, &pNew);
    if( rc==SQLITE_OK ){
      attrs_free(p->attrs);
      p->attrs = pNew;
      p->iDataVersion = v;
      cache_clear(p->cache);
    }
  }
  return rc;
}

/* Run a statement that returns no rows (BEGIN, COMMIT). */
static int search_step(struct search_state *p, int iStmt){
  sqlite3_stmt *pStmt = p->apStmt[iStmt];
  sqlite3_step(pStmt);
  return sqlite3_reset(pStmt);
}

static double search_ms_since(const struct timespec *t0){
  struct timespec t1;
  if( clock_gettime(CLOCK_MONOTONIC, &t1)!=0 ) return 0;
  return (t1.tv_sec - t0->tv_sec)*1e3 + (t1.tv_nsec - t0->tv_nsec)/1e6;
}

/* The tail of the response for q, from the cache or a fresh search. */
static int search_tail(struct search_state *p, const struct query *q,
                       const struct search_req *pReq, struct evbuffer *tail){
  char *zKey = sqlite3_mprintf("%s\x1d%ld\x1d%ld\x1d%s\x1d%s\x1d%s",
                               query_key(q), pReq->nLimit, pReq->nOffset,
                               pReq->zFrom ? pReq->zFrom : "",
                               pReq->zTo ? pReq->zTo : "",
                               pReq->zSource ? pReq->zSource : "\x1f");
  const char *zHit;
  size_t nHit = 0;
  int rc = zKey ? search_step(p, ST_BEGIN) : SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    rc = search_check_version(p);
    zHit = rc==SQLITE_OK ? cache_get(p->cache, zKey, &nHit) : 0;
    if( zHit ){
      rc = evbuffer_add(tail, zHit, nHit) ? SQLITE_NOMEM : SQLITE_OK;
    }else if( rc==SQLITE_OK ){
      search_set_deadline(p);
      rc = search_run(p, q, pReq, tail);
      p->bDeadline = 0;
      if( rc==SQLITE_OK && p->cache ){
        size_t n = evbuffer_get_length(tail);
        const char *z = (const char*)evbuffer_pullup(tail, -1);
        if( z ) cache_put(p->cache, zKey, z, n);
      }
    }
    if( sqlite3_get_autocommit(p->db)==0 ){
      int rc2 = search_step(p, ST_COMMIT);
      if( rc==SQLITE_OK ) rc = rc2;
    }
  }
  sqlite3_free(zKey);
  return rc;
}

int search_handle(struct request_ctx *ctx){
  struct search_state *p = ctx->search;
  struct search_req req;
  struct query *q = 0;
  struct evbuffer *tail = evbuffer_new();
  struct timespec t0;
  int status, rc, e = 0;
  if( clock_gettime(CLOCK_MONOTONIC, &t0)!=0 ) memset(&t0, 0, sizeof(t0));
  status = tail ? search_params(ctx, &req) : route_error(ctx, 503, "busy");
  if( status!=200 ) goto out;
  rc = query_parse(req.zQ, (int)strlen(req.zQ), &p->opts, &q);
  if( rc!=QUERY_OK ){
    status = route_error(ctx, 503, "cannot parse query (out of memory)");
    goto out;
  }
  rc = search_tail(p, q, &req, tail);
  if( rc!=SQLITE_OK ){
    status = search_sql_error(ctx, rc);
    goto out;
  }
  e |= json_raw(ctx->out, "{\"query\":");
  e |= json_str(ctx->out, req.zQ, strlen(req.zQ));
  e |= json_raw(ctx->out, ",\"took_ms\":");
  e |= json_double(ctx->out, search_ms_since(&t0));
  e |= json_raw(ctx->out, ",");
  e |= evbuffer_add_buffer(ctx->out, tail);
  status = e ? route_error(ctx, 503, "out of memory") : 200;
out:
  query_free(q);
  if( tail ) evbuffer_free(tail);
  return status;
}

int search_health(struct request_ctx *ctx){
  sqlite3_stmt *pStmt = ctx->search->apStmt[ST_HEALTH];
  int rc, e = 0;
  sqlite3_reset(pStmt);
  if( sqlite3_step(pStmt)==SQLITE_ROW ){
    e |= json_raw(ctx->out, "{\"status\":\"ok\",\"reports\":");
    e |= json_int(ctx->out, sqlite3_column_int64(pStmt, 0));
    e |= json_raw(ctx->out, ",\"rows\":");
    e |= json_int(ctx->out, sqlite3_column_int64(pStmt, 1));
    e |= json_raw(ctx->out, ",\"analysis_version\":");
    e |= search_col_str(ctx->out, pStmt, 2);
    e |= json_raw(ctx->out, ",\"schema_version\":");
    e |= search_col_str(ctx->out, pStmt, 3);
    e |= json_raw(ctx->out, "}");
  }
  rc = sqlite3_reset(pStmt);
  if( rc!=SQLITE_OK ) return search_sql_error(ctx, rc);
  return e ? route_error(ctx, 503, "out of memory") : 200;
}
