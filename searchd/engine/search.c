/*
** search.c: GET /search and GET /health; see search.h.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/attrs.h"
#include "http/cache.h"
#include "db.h"
#include "http/dbenv.h"
#include "box/fold.h"
#include "http/json.h"
#include "http/log.h"
#include "http/pool.h"
#include "engine/prefix.h"
#include "engine/rank.h"
#include "engine/rowset.h"
#include "engine/search.h"

#define SEARCH_MAX_LIMIT 100
#define SEARCH_MAX_SOURCE 256
#define SEARCH_MARK_OPEN  "\x02"
#define SEARCH_MARK_CLOSE "\x03"
/* Walking (rank_set_walk) is tried for queries of at most this many
** clauses: a bitmap each, ~16 KB per 125,000 rows. */
#define SEARCH_WALK_CLAUSES 8
/* Exact scores per rerank statement, at least (search_rerank()). */
#define SEARCH_RERANK_MIN 20
/* Older assignment matches considered: the window's size over this. */
#define SEARCH_OLDER_DIV 4
/* Slots of the first pass's exact scores (search_state.aEarly, a power of
** two), and the most kept: a default window of 2,000 rows plus 500 older
** ones need fewer; past it (a larger --window) the rerank computes the
** rest again, as without early scores. */
#define SEARCH_EARLY_SLOTS 8192
#define SEARCH_EARLY_MAX   4096
/* A cache hit asks whether the index changed at most this often, ms. */
#define SEARCH_RECHECK_MS 5

enum { ST_BEGIN, ST_COMMIT, ST_VERSION, ST_COUNT, ST_SCAN, ST_OLDER, ST_QCAND,
       ST_RANK, ST_PAGE, ST_QCAND_ID, ST_RANK_ID, ST_PAGE_ID, ST_HEALTH,
       ST_N };

static const char *const azSql[ST_N] = {
  /* One read transaction per search: one WAL snapshot for the attributes
  ** and every statement, and no lock round trip per candidate row. */
  "BEGIN",
  "COMMIT",
  /* ST_VERSION: changes whenever another connection commits. */
  "PRAGMA data_version",
  /* ST_COUNT: the matches older than the window (rowid < ?2), rowids only
  ** (no auxiliary function: ~25 ns a row); filters, total and facets are
  ** done in C on the in-memory attributes (attrs.h), so only the FTS index
  ** is read. */
  "SELECT rowid FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " AND rowid < ?2",
  /* ST_SCAN: the cheap score of the matches, newest first, until the
  ** window is full. */
  "SELECT rowid, -" RANK_QUICK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 ORDER BY rowid DESC",
  /* ST_OLDER: rows older than the window (rowid < ?2), newest first, of
  ** the expression ?1 that also asks for the words in the assignment. */
  "SELECT rowid FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " AND rowid < ?2 ORDER BY rowid DESC",
  /* ST_QCAND: the cheap score of chosen rows (searchd_is_cand) only. */
  "SELECT rowid, -" RANK_QUICK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(rowid)",
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
  /* ST_QCAND_ID, ST_RANK_ID, ST_PAGE_ID: the same for one row (?2), run
  ** once per chosen row when that costs less than the range (see
  ** search_split()). */
  "SELECT rowid, -" RANK_QUICK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid = ?2",
  "SELECT rowid, " RANK_FUNCTION "(assignments_fts) FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid = ?2",
  "SELECT r.date, a.row, r.title, a.assignment, a.source, a.status,"
  " highlight(assignments_fts, 0, char(2), char(3)),"
  " snippet(assignments_fts, 1, char(2), char(3), '…', 30), f.rowid"
  " FROM assignments_fts f JOIN assignments a ON a.id=f.rowid"
  " JOIN reports r ON r.id=a.report_id"
  " WHERE assignments_fts MATCH ?1 AND f.rowid = ?2",
  /* ST_HEALTH */
  "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM assignments),"
  " (SELECT value FROM meta WHERE key='analysis_version'),"
  " (SELECT value FROM meta WHERE key='schema_version')",
};

/* The page cache of a connection that searches (see search_state_new). */
#define SEARCH_CACHE_PRAGMA "PRAGMA cache_size=-8000"

struct search_state {
  sqlite3 *db;
  const struct conf *conf;
  struct rank *rank;
  struct fold *fold;              /* query_opts.xHasToken's tokenizer */
  struct prefix_count *prefix;    /* query_opts.xPrefixWords, or NULL */
  struct query_opts opts;
  struct cache *cache;
  unsigned nCleared;              /* times the cache was emptied */
  sqlite3_int64 iCacheVersion;    /* data_version the cache holds */
  sqlite3_int64 iDataVersion;     /* data_version attrs were loaded at */
  long long iCheckedMs;           /* when search_recheck() last asked */
  struct attrs *attrs;            /* snapshot of row attributes */
  sqlite3_stmt *apStmt[ST_N];
  int aYear[10000];               /* scratch: matches per year */
  struct timespec deadline;
  int bDeadline;
  /* What the first pass saw of the current expression, for search_split():
  ** matches walked, their rowid span, the cost of walking one. */
  long long nSeen;
  sqlite3_int64 iMinSeen, iMaxSeen;
  double nsPerRow;
  long long nWinSeen;             /* rows the scan stepped, to its last */
  uint64_t hWinSeen;              /* ... and the sum of their rowids */
  int bPrefix;                    /* the query has a word* */
  int bNot;                       /* the query excludes a -word */
  const struct query *q;          /* the query being run */
  int bRelaxed;                   /* ... with its relaxed expression */
  const struct search_filter *pFilter;  /* ... and its filters */
  int nNeed;                      /* ... and offset+limit */
  struct search_early *aEarly;    /* exact scores of the first pass, a hash
                                  ** table of SEARCH_EARLY_SLOTS by rowid */
  int nEarly;                     /* entries in aEarly */
};

/* An exact score the first pass computed (rank_set_early). */
struct search_early {
  sqlite3_int64 id;
  double score;
  int bUsed;
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
  double bound;                   /* an upper bound of score */
  int bExact;                     /* score is the exact searchd_rank() */
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

static double search_ms_since(const struct timespec *t0){
  struct timespec t1;
  if( clock_gettime(CLOCK_MONOTONIC, &t1)!=0 ) return 0;
  return (t1.tv_sec - t0->tv_sec)*1e3 + (t1.tv_nsec - t0->tv_nsec)/1e6;
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
  prefix_count_free(p->prefix);
  fold_free(p->fold);
  free(p->aEarly);
  free(p);
}

/* rank_set_lengths()'s function: the lengths kept in the attributes. */
static int search_lengths(void *pArg, sqlite3_int64 iRowid, int *aLen){
  const struct search_state *p = (const struct search_state*)pArg;
  const struct attr_row *r = p->attrs ? attrs_find(p->attrs, iRowid) : 0;
  int i;
  if( r==0 || r->aLen[0]==ATTRS_LEN_UNKNOWN ) return 0;
  for(i=0; i<ATTRS_NCOL; i++) aLen[i] = r->aLen[i];
  return 1;
}

int search_state_new(sqlite3 *db, const struct conf *conf, long nCache,
                     struct search_state **ppOut){
  struct search_state *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  int i;
  if( p ){
    p->db = db;
    p->conf = conf;
    p->iDataVersion = -1;
    p->iCacheVersion = -1;
    rc = rank_register(db, &p->rank);
  }
  if( rc==SQLITE_OK ) rank_set_lengths(p->rank, search_lengths, p);
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->fold);
  if( rc==SQLITE_OK && prefix_count_new(db, p->fold, &p->prefix)!=SQLITE_OK ){
    log_msg(LOG_WARN, "no vocab table: prefixes (word*) are not held to %d"
            " words", QUERY_MAX_PREFIX_WORDS);
  }
  for(i=0; rc==SQLITE_OK && i<ST_N; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &p->apStmt[i], 0);
    if( rc!=SQLITE_OK ){
      log_msg(LOG_ERROR, "cannot prepare search statement: %s",
              sqlite3_errmsg(db));
    }
  }
  if( rc==SQLITE_OK && cache_new(nCache, &p->cache)!=0 ){
    rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ){
    /* 8 MB a worker, not the default 2 MB: broad words' doclists and the
    ** candidates' rows stay cached between requests. Over the bench's
    ** queries, reads from the OS fell by 37% (16 MB: 56%, but two workers
    ** would then hold half the memory budget). */
    rc = sqlite3_exec(db, SEARCH_CACHE_PRAGMA, 0, 0, 0);
  }
  if( rc==SQLITE_OK ){
    sqlite3_progress_handler(db, 100, search_progress, p);
  }else{
    search_state_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

/*
** Empty the result cache. A search that went to the pool while the cache
** held older results must not put its own in (search_job_done): its
** snapshot may be older than what emptied the cache.
*/
static void search_cache_clear(struct search_state *p){
  cache_clear(p->cache);
  p->nCleared++;
}

int search_state_load(struct search_state *p){
  /* Loading scans the whole assignments table: through a page cache of
  ** 256 KB, so the 8 MB one fills with what searches read instead (pages
  ** freed later would stay in this thread's malloc arena). */
  int rc = sqlite3_exec(p->db, "PRAGMA cache_size=-256", 0, 0, 0);
  if( rc==SQLITE_OK ) rc = search_check_version(p);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, SEARCH_CACHE_PRAGMA, 0, 0, 0);
  return rc;
}

static int search_token_cb(void *pCtx, const char *zTok, int nTok,
                           int iStart, int iEnd){
  (void)zTok; (void)nTok; (void)iStart; (void)iEnd;
  *(int*)pCtx = 1;
  return SQLITE_DONE;
}

/* query_token_fn: ask the index's own segmentation (unicode61, which the
** swedish tokenizer wraps) whether z[0..n) holds a word. */
static int search_has_token(void *pArg, const char *z, int n){
  int bFound = 0;
  if( fold_tokens((struct fold*)pArg, z, n, &bFound, search_token_cb)
      !=SQLITE_OK ){
    return 1;     /* cannot tell: keep the term, as without the hook */
  }
  return bFound;
}

void search_state_set_opts(struct search_state *p,
                           const struct query_opts *opts){
  p->opts = *opts;
  p->opts.xHasToken = search_has_token;
  p->opts.pTokenArg = p->fold;
  p->opts.xPrefixWords = p->prefix ? prefix_count_words : 0;
  p->opts.pPrefixArg = p->prefix;
  search_cache_clear(p);
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

/* Count into p->aYear and *pnTotal a row that passed the filters. */
static void search_tally(struct search_state *p, const struct attr_row *r,
                         long long *pnTotal){
  p->aYear[(r->date/10000) % 10000]++;
  (*pnTotal)++;
}

/* Note a match the first pass walked (search_split()'s statistics). */
static void search_seen(struct search_state *p, sqlite3_int64 id){
  if( p->nSeen==0 || id<p->iMinSeen ) p->iMinSeen = id;
  if( p->nSeen==0 || id>p->iMaxSeen ) p->iMaxSeen = id;
  p->nSeen++;
}

/*
** Newest first, score the rows matching zExpr that pass the filters with
** searchd_quick() into the heap aCand (nMax, *pnCand of them) and count
** them, until nWin have been (nWin 0: no limit). *piLow is then the oldest
** row scored, or 0 if no row was left out.
*/
static int search_newest(struct search_state *p, const char *zExpr,
                         long nWin, const struct search_filter *f,
                         struct search_cand *aCand, int nMax, int *pnCand,
                         long long *pnTotal, sqlite3_int64 *piLow){
  sqlite3_stmt *pStmt = p->apStmt[ST_SCAN];
  int rc = search_bind(pStmt, zExpr), rc2;
  sqlite3_int64 iLast = 0;
  struct timespec t0;
  memset(&t0, 0, sizeof(t0));
  uint64_t h = 0;
  *piLow = 0;
  p->nWinSeen = 0;
  p->hWinSeen = 0;
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    struct search_cand c;
    const struct attr_row *r;
    /* Timed from the second row: the first one computes idf (a walk). */
    if( p->nSeen==0 && clock_gettime(CLOCK_MONOTONIC, &t0)!=0 ){
      memset(&t0, 0, sizeof(t0));
    }
    c.id = sqlite3_column_int64(pStmt, 0);
    search_seen(p, c.id);
    h += (uint64_t)c.id;
    r = attrs_find(p->attrs, c.id);
    if( r==0 || !search_filter_ok(f, r) ) continue;
    if( nWin>0 && *pnTotal>=nWin ){
      *piLow = iLast;             /* one more passes: the window is full */
      break;
    }
    c.first = sqlite3_column_double(pStmt, 1);
    c.date = r->date;
    c.score = 0;
    search_heap_push(aCand, pnCand, nMax, &c);
    search_tally(p, r, pnTotal);
    iLast = c.id;
    p->nWinSeen = p->nSeen;
    p->hWinSeen = h;
  }
  rc2 = sqlite3_reset(pStmt);
  p->nsPerRow = p->nSeen>1 ? search_ms_since(&t0) * 1e6 / (p->nSeen-1) : 0;
  return rc==SQLITE_OK ? rc2 : rc;
}

/* Count the rows older than iLow that match zExpr and pass the filters. */
static int search_count(struct search_state *p, const char *zExpr,
                        sqlite3_int64 iLow, const struct search_filter *f,
                        long long *pnTotal){
  sqlite3_stmt *pStmt = p->apStmt[ST_COUNT];
  int rc = search_bind(pStmt, zExpr), rc2;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, iLow);
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    const struct attr_row *r = attrs_find(p->attrs, id);
    search_seen(p, id);
    if( r && search_filter_ok(f, r) ) search_tally(p, r, pnTotal);
  }
  rc2 = sqlite3_reset(pStmt);
  return rc==SQLITE_OK ? rc2 : rc;
}

/*
** A pass over chosen rows aId[0..n) (ascending) of an expression's
** matches: search_rows_open(), _step(), _close(). The first nById rows
** are looked up one by one (rowid=?), the rest read by their rowid range.
*/
struct search_rows {
  struct search_state *p;
  sqlite3_stmt *pStmt;            /* the statement now stepping */
  sqlite3_stmt *pRange;           /* the range statement */
  const char *zExpr;
  const sqlite3_int64 *aId;
  int n, i;
  int nById;                      /* aId[0..nById) by rowid=? */
  int bLive;                      /* pStmt has run for aId[i-1] */
  int rc;                         /* an error of the switch to the range */
};

/*
** How to read the n chosen rows: one statement over a rowid range walks
** every match in it (searchd_is_cand() skipping the others); a rowid=?
** lookup per row seeks each term's doclist (--lookup-us, ~20 us; but for
** a prefix, FTS5 merges the doclists of every term with the prefix again,
** ~3 ms). The first pass measured how many matches there are, over which
** rowids, and what walking one costs. Chosen rows are often a dense run
** of new ones (the window) and a few old ones far below, so the cheapest
** split is looked for: the lowest j rows by lookup, the others by range.
** Returns j (0: all by range; n: all by lookup). Either way the same rows
** come out: only the time differs.
*/
static int search_split(const struct search_state *p,
                        const sqlite3_int64 *aId, int n){
  double perId = 1e3 * (double)p->conf->nLookupUs, best, perSpan;
  int j, jBest = 0;
  if( p->bPrefix || p->nSeen<=0 || n<=0 ) return 0;
  /* Spans in double: rowids may be any 64-bit values. */
  perSpan = (double)p->nSeen * p->nsPerRow
            / ((double)p->iMaxSeen - (double)p->iMinSeen + 1.0);
  best = ((double)aId[n-1] - (double)aId[0] + 1.0) * perSpan;
  for(j=1; j<=n; j++){
    double c = j * perId;
    if( j<n ) c += ((double)aId[n-1] - (double)aId[j] + 1.0) * perSpan;
    if( c<=best ){ best = c; jBest = j; }
  }
  return jBest;
}

static int search_bind_range(struct search_state *p, sqlite3_stmt *pStmt,
                             const char *zExpr, const sqlite3_int64 *aId,
                             int n);

/*
** Start a pass of statement iStmt (ST_QCAND, ST_RANK or ST_PAGE, and its
** _ID twin for the lookups) over the rows aId[0..n) of zExpr.
*/
static int search_rows_open(struct search_state *p, int iStmt,
                            const char *zExpr, const sqlite3_int64 *aId,
                            int n, struct search_rows *r){
  memset(r, 0, sizeof(*r));
  r->p = p;
  r->zExpr = zExpr;
  r->aId = aId;
  r->n = n;
  r->nById = search_split(p, aId, n);
  r->pRange = p->apStmt[iStmt];
  if( r->nById>0 ){
    r->pStmt = p->apStmt[iStmt + (ST_QCAND_ID - ST_QCAND)];
    return search_bind(r->pStmt, zExpr);
  }
  r->pStmt = r->pRange;
  return search_bind_range(p, r->pStmt, zExpr, aId, n);
}

/* The lookups' next row: SQLITE_ROW, SQLITE_DONE or an error code. */
static int search_rows_lookup(struct search_rows *r){
  int rc;
  for(;;){
    if( r->bLive ){
      rc = sqlite3_step(r->pStmt);
      if( rc!=SQLITE_DONE ) return rc;
    }
    if( r->i>=r->nById ) return SQLITE_DONE;
    sqlite3_reset(r->pStmt);
    rc = sqlite3_bind_int64(r->pStmt, 2, r->aId[r->i++]);
    if( rc!=SQLITE_OK ) return rc;
    r->bLive = 1;
  }
}

/* The next row of the pass: SQLITE_ROW, SQLITE_DONE or an error code. */
static int search_rows_step(struct search_rows *r){
  int rc;
  if( r->pStmt==r->pRange ) return sqlite3_step(r->pStmt);
  rc = search_rows_lookup(r);
  if( rc!=SQLITE_DONE || r->nById>=r->n ) return rc;
  /* The lookups are done: on to the range of the rest. */
  rc = sqlite3_reset(r->pStmt);
  if( rc==SQLITE_OK ){
    r->pStmt = r->pRange;
    rc = search_bind_range(r->p, r->pStmt, r->zExpr, r->aId + r->nById,
                           r->n - r->nById);
  }
  if( rc!=SQLITE_OK ){
    r->rc = rc;                   /* search_rows_close() reports it */
    return rc;
  }
  return sqlite3_step(r->pStmt);
}

/* End the pass; returns the first error of its statement, or SQLITE_OK. */
static int search_rows_close(struct search_rows *r){
  int rc = sqlite3_reset(r->pStmt);
  rank_set_candidates(r->p->rank, 0, 0);
  return r->rc!=SQLITE_OK ? r->rc : rc;
}

/*
** Score with searchd_quick() the rows aId[0..n) of zExpr that pass the
** filters, keeping the nMax best in the heap aCand (*pnCand of them, in no
** order).
*/
static int search_scan(struct search_state *p, const char *zExpr,
                       const sqlite3_int64 *aId, int n,
                       const struct search_filter *f, struct search_cand *aCand,
                       int nMax, int *pnCand){
  struct search_rows rows;
  int rc = search_rows_open(p, ST_QCAND, zExpr, aId, n, &rows), rc2;
  while( rc==SQLITE_OK && search_rows_step(&rows)==SQLITE_ROW ){
    struct search_cand c;
    const struct attr_row *r;
    c.id = sqlite3_column_int64(rows.pStmt, 0);
    r = attrs_find(p->attrs, c.id);
    if( r==0 || !search_filter_ok(f, r) ) continue;
    c.first = sqlite3_column_double(rows.pStmt, 1);
    c.date = r->date;
    c.score = 0;
    search_heap_push(aCand, pnCand, nMax, &c);
  }
  rc2 = search_rows_close(&rows);
  return rc==SQLITE_OK ? rc2 : rc;
}

static int search_cmp_i64(const void *pA, const void *pB){
  sqlite3_int64 a = *(const sqlite3_int64*)pA, b = *(const sqlite3_int64*)pB;
  return a < b ? -1 : (a > b);
}

/*
** The older rows whose assignment alone matches zExpr: the newest nMax of
** those below rowid iLow that pass the filters, into aId (ascending).
*/
static int search_older(struct search_state *p, const char *zExpr,
                        sqlite3_int64 iLow, const struct search_filter *f,
                        sqlite3_int64 *aId, int nMax, int *pn){
  sqlite3_stmt *pStmt = p->apStmt[ST_OLDER];
  /* Without a -word, the matches in the assignment are matches: FTS5 need
  ** not walk the expression twice. With one, "-x" in the column filter
  ** would only exclude x from the assignment. */
  char *zCol = p->bNot
             ? sqlite3_mprintf("(%s) AND {assignment} : (%s)", zExpr, zExpr)
             : sqlite3_mprintf("{assignment} : (%s)", zExpr);
  int rc = zCol ? search_bind(pStmt, zCol) : SQLITE_NOMEM;
  int n = 0;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, iLow);
  while( rc==SQLITE_OK && n<nMax && sqlite3_step(pStmt)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(pStmt, 0);
    const struct attr_row *r = attrs_find(p->attrs, id);
    if( r && search_filter_ok(f, r) ) aId[n++] = id;
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  sqlite3_clear_bindings(pStmt);  /* zCol is bound SQLITE_STATIC */
  sqlite3_free(zCol);
  qsort(aId, n, sizeof(*aId), search_cmp_i64);
  *pn = n;
  return rc;
}

/*
** The sets for a walk of the current query (rank_set_walk), empty, into
** aSet[0..*pnSet): none (*pnSet 0) for a relaxed query, one of too many
** clauses, sparse rowids, no window, or no memory for them (walking is
** only a shortcut).
*/
static void search_walk_sets(struct search_state *p, struct rowset *aSet,
                             int *pnSet){
  sqlite3_int64 nLimit = attrs_dense_limit(p->attrs);
  int n = p->q ? query_clause_count(p->q) + 1 : 0, i, rc = SQLITE_OK;
  *pnSet = 0;
  if( p->bRelaxed || n<2 || n>SEARCH_WALK_CLAUSES+1 || nLimit<=0
   || p->conf->nWindow==0 ){
    return;                       /* nothing to walk for */
  }
  for(i=0; rc==SQLITE_OK && i<n; i++) rc = rowset_init(&aSet[i], nLimit);
  if( rc!=SQLITE_OK ){
    /* Walking is a shortcut: without memory for it, count by statement. */
    while( i-- > 0 ) rowset_free(&aSet[i]);
    return;
  }
  *pnSet = n;
}

/*
** search_walk_rest()'s count of the members of pSet below iLow without a
** source filter: a popcount per run of rows of one date (attrs_runs()),
** ~5,000 runs for 125,000 rows, instead of a lookup per member (a broad
** word has 60,000 and more). The same totals, facets and search_seen()
** statistics as the loop over members.
*/
static void search_tally_runs(struct search_state *p,
                              const struct rowset *pSet, sqlite3_int64 iLow,
                              const struct search_filter *f,
                              long long *pnTotal){
  int nRun = 0, i;
  const struct attr_run *a = attrs_runs(p->attrs, &nRun);
  sqlite3_int64 id = 0, nBelow = rowset_count_range(pSet, 0, iLow);
  if( nBelow==0 ) return;
  if( rowset_min(pSet, &id) && (p->nSeen==0 || id<p->iMinSeen) ){
    p->iMinSeen = id;
  }
  if( p->nSeen==0 && rowset_prev(pSet, iLow, &id) ) p->iMaxSeen = id;
  p->nSeen += nBelow;
  for(i=0; i<nRun && a[i].iFirst<iLow; i++){
    sqlite3_int64 n;
    if( (f->from && a[i].date<f->from) || (f->to && a[i].date>f->to) ){
      continue;
    }
    n = rowset_count_range(pSet, a[i].iFirst,
                           a[i].iEnd<iLow ? a[i].iEnd : iLow);
    p->aYear[(a[i].date/10000) % 10000] += (int)n;
    *pnTotal += n;
  }
}

/*
** After a walk: the matches are (AND of the clause sets) AND NOT the last
** set (into aSet[0]). If those at or above iLow are the rows the scan
** stepped (same number, same sum of rowids: a check that the sets mean
** what the expression means), count the ones below iLow that pass the
** filters, as search_count() would, and return 1; else return 0 and count
** nothing.
*/
static int search_walk_rest(struct search_state *p, struct rowset *aSet,
                            int nSet, sqlite3_int64 iLow,
                            const struct search_filter *f,
                            long long *pnTotal){
  sqlite3_int64 id = (sqlite3_int64)1 << 62;    /* above every member */
  uint64_t h = 0;
  int i;
  for(i=1; i<nSet-1; i++) rowset_and(&aSet[0], &aSet[i]);
  rowset_andnot(&aSet[0], &aSet[nSet-1]);
  if( rowset_count_from(&aSet[0], iLow)!=p->nWinSeen ) return 0;
  while( rowset_prev(&aSet[0], id, &id) && id>=iLow ) h += (uint64_t)id;
  if( h!=p->hWinSeen ) return 0;
  if( f->abSource==0 ){
    search_tally_runs(p, &aSet[0], iLow, f, pnTotal);
    return 1;
  }
  id = iLow;
  while( rowset_prev(&aSet[0], id, &id) ){
    const struct attr_row *r = attrs_find(p->attrs, id);
    search_seen(p, id);
    if( r && search_filter_ok(f, r) ) search_tally(p, r, pnTotal);
  }
  return 1;
}

static unsigned search_early_slot(sqlite3_int64 id){
  uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ULL;
  return (unsigned)(h >> 32) & (SEARCH_EARLY_SLOTS-1);
}

/* Forget the exact scores; 0, or -1 if there is no memory for them. */
static int search_early_clear(struct search_state *p){
  if( p->aEarly==0 ){
    p->aEarly = calloc(SEARCH_EARLY_SLOTS, sizeof(*p->aEarly));
    if( p->aEarly==0 ) return -1;
  }else if( p->nEarly>0 ){
    memset(p->aEarly, 0, SEARCH_EARLY_SLOTS * sizeof(*p->aEarly));
  }
  p->nEarly = 0;
  return 0;
}

/* The slot of id in p->aEarly: its entry, or the empty slot it would
** take. */
static struct search_early *search_early_find(struct search_state *p,
                                              sqlite3_int64 id){
  unsigned h = search_early_slot(id);
  while( p->aEarly[h].bUsed && p->aEarly[h].id!=id ){
    h = (h+1) & (SEARCH_EARLY_SLOTS-1);
  }
  return &p->aEarly[h];
}

/* rank_set_early()'s filter: does the row pass the query's filters? */
static int search_early_pass(void *pArg, sqlite3_int64 iRowid){
  const struct search_state *p = (const struct search_state*)pArg;
  const struct attr_row *r = p->attrs ? attrs_find(p->attrs, iRowid) : 0;
  return r!=0 && search_filter_ok(p->pFilter, r);
}

/* rank_set_early()'s sink: keep the exact score (past SEARCH_EARLY_MAX,
** the rerank computes it again if it needs it). */
static void search_early_keep(void *pArg, sqlite3_int64 iRowid,
                              double score){
  struct search_state *p = (struct search_state*)pArg;
  struct search_early *e = search_early_find(p, iRowid);
  if( !e->bUsed && p->nEarly<SEARCH_EARLY_MAX ){
    e->bUsed = 1;
    e->id = iRowid;
    p->nEarly++;
  }
  if( e->bUsed ) e->score = score;
}

/*
** The first pass: total and facets over every match, and the nMax best
** candidates by searchd_quick() into aCand (see search.h: a broad query
** scores only its newest window, plus, if bOlder, older rows matching in
** the assignment).
*/
static int search_candidates(struct search_state *p, const char *zExpr,
                             int bOlder, const struct search_filter *f,
                             struct search_cand *aCand, int nMax,
                             int *pnCand, long long *pnTotal){
  long nWin = p->conf->nWindow;
  int nOldMax = 0, nOld = 0, nSet = 0, rc, i;
  sqlite3_int64 *aOld = 0, iLow = 0;
  struct rowset aSet[SEARCH_WALK_CLAUSES + 1];
  if( nWin>0 && nWin<nMax ) nWin = nMax;
  *pnCand = 0;
  *pnTotal = 0;
  memset(p->aYear, 0, sizeof(p->aYear));
  p->nSeen = 0;
  /* Cleared for every query: the rerank takes what the map holds. */
  if( search_early_clear(p)==0 && p->nNeed<=p->conf->nEarly ){
    rank_set_early(p->rank, p->nNeed, search_early_pass, search_early_keep,
                   p);
  }
  search_walk_sets(p, aSet, &nSet);
  rank_set_walk(p->rank, nSet ? aSet : 0, nSet);
  rc = search_newest(p, zExpr, nWin, f, aCand, nMax, pnCand, pnTotal, &iLow);
  if( rc==SQLITE_OK && iLow>0 ){
    if( !rank_walked(p->rank)
     || !search_walk_rest(p, aSet, nSet, iLow, f, pnTotal) ){
      rc = search_count(p, zExpr, iLow, f, pnTotal);
    }
    nOldMax = bOlder ? (int)(nWin/SEARCH_OLDER_DIV) : 0;
  }
  rank_set_walk(p->rank, 0, 0);
  for(i=0; i<nSet; i++) rowset_free(&aSet[i]);
  if( rc==SQLITE_OK && nOldMax>0 ){
    aOld = malloc(sizeof(*aOld) * nOldMax);
    rc = aOld ? search_older(p, zExpr, iLow, f, aOld, nOldMax, &nOld)
              : SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK && nOld>0 ){
    rc = search_scan(p, zExpr, aOld, nOld, f, aCand, nMax, pnCand);
  }
  rank_set_early(p->rank, 0, 0, 0, 0);
  free(aOld);
  return rc;
}

static int search_cmp_id(const void *pA, const void *pB){
  const struct search_cand *a = pA, *b = pB;
  return a->id < b->id ? -1 : (a->id > b->id);
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

/*
** searchd_rank() of the candidates whose ids are aId[0..n) (ascending),
** into their score in aCand (sorted by id), in one statement.
*/
static int search_rank_ids(struct search_state *p, const char *zExpr,
                           struct search_cand *aCand, int nCand,
                           const sqlite3_int64 *aId, int n){
  struct search_rows rows;
  int rc = search_rows_open(p, ST_RANK, zExpr, aId, n, &rows), rc2;
  while( rc==SQLITE_OK && search_rows_step(&rows)==SQLITE_ROW ){
    struct search_cand key, *pHit;
    key.id = sqlite3_column_int64(rows.pStmt, 0);
    pHit = bsearch(&key, aCand, nCand, sizeof(*aCand), search_cmp_id);
    if( pHit ) pHit->score = sqlite3_column_double(rows.pStmt, 1);
  }
  rc2 = search_rows_close(&rows);
  return rc==SQLITE_OK ? rc2 : rc;
}

/* Larger bound first (the order in which exact scores are worth having). */
static int search_cmp_bound(const void *pA, const void *pB){
  const struct search_cand *a = *(struct search_cand *const*)pA;
  const struct search_cand *b = *(struct search_cand *const*)pB;
  if( a->bound!=b->bound ) return a->bound > b->bound ? -1 : 1;
  return a->id < b->id ? -1 : (a->id > b->id);
}

static int search_cmp_desc(const void *pA, const void *pB){
  double a = *(const double*)pA, b = *(const double*)pB;
  return a > b ? -1 : (a < b);
}

/*
** The candidates still worth an exact score, into aId (ascending), at most
** m: those not scored exactly whose bound reaches the nNeed-th best exact
** score so far (equal: a tie may go to the newer row), best bound first;
** all of them while fewer than nNeed are exact. apOrd is by bound.
** Returns how many.
*/
static int search_more(struct search_cand **apOrd, int n, int nNeed, int m,
                       double *aScratch, sqlite3_int64 *aId){
  double floor = -HUGE_VAL;
  int i, nExact = 0, k = 0;
  for(i=0; i<n; i++){
    if( apOrd[i]->bExact ) aScratch[nExact++] = apOrd[i]->score;
  }
  if( nExact>=nNeed ){
    qsort(aScratch, nExact, sizeof(*aScratch), search_cmp_desc);
    floor = aScratch[nNeed-1];
  }
  for(i=0; i<n && k<m && apOrd[i]->bound>=floor; i++){
    if( !apOrd[i]->bExact ) aId[k++] = apOrd[i]->id;
  }
  qsort(aId, k, sizeof(*aId), search_cmp_i64);
  return k;
}

/* Mark the candidates whose ids are aId[0..k) as scored exactly. */
static void search_mark_exact(struct search_cand *aCand, int n,
                              const sqlite3_int64 *aId, int k){
  int i;
  for(i=0; i<k; i++){
    struct search_cand key, *pHit;
    key.id = aId[i];
    pHit = bsearch(&key, aCand, n, sizeof(*aCand), search_cmp_id);
    if( pHit ) pHit->bExact = 1;
  }
}

/*
** Second pass, branch and bound. The first pass's searchd_quick() is an
** upper bound of searchd_rank() (rank.h). Exact scores are computed in
** order of bound, m per statement, until no bound left can reach the
** first nNeed places; m = two pages (2 * nNeed), at least
** SEARCH_RERANK_MIN: each statement merges the doclists over its rowid
** range again, so the first one scores more than the page. The order of
** the first nNeed places is the same as if every candidate had been
** scored; the others sort last (score -HUGE_VAL). aCand ends sorted by id.
*/
static int search_rerank(struct search_state *p, const char *zExpr,
                         struct search_cand *aCand, int n, int nNeed){
  sqlite3_int64 *aId = malloc(sizeof(*aId) * n);
  struct search_cand **apOrd = malloc(sizeof(*apOrd) * n);
  double *aScratch = malloc(sizeof(*aScratch) * n);
  int m = 2*nNeed<SEARCH_RERANK_MIN ? SEARCH_RERANK_MIN : 2*nNeed;
  int i, k, rc = (aId && apOrd && aScratch) ? SQLITE_OK : SQLITE_NOMEM;
  qsort(aCand, n, sizeof(*aCand), search_cmp_id);
  for(i=0; rc==SQLITE_OK && i<n; i++){
    const struct search_early *e = p->aEarly
                                 ? search_early_find(p, aCand[i].id) : 0;
    aCand[i].bound = -aCand[i].first;
    aCand[i].bExact = e && e->bUsed;
    aCand[i].score = aCand[i].bExact ? e->score : -HUGE_VAL;
    apOrd[i] = &aCand[i];
  }
  if( rc==SQLITE_OK ) qsort(apOrd, n, sizeof(*apOrd), search_cmp_bound);
  while( rc==SQLITE_OK
      && (k = search_more(apOrd, n, nNeed, m, aScratch, aId))>0 ){
    rc = search_rank_ids(p, zExpr, aCand, n, aId, k);
    search_mark_exact(aCand, n, aId, k);
  }
  free(aScratch);
  free(apOrd);
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
  struct search_rows rows;
  sqlite3_int64 *aId = malloc(sizeof(*aId) * m);
  int j, rc = aId ? SQLITE_OK : SQLITE_NOMEM, rc2;
  if( aId==0 ) return rc;
  for(j=0; j<m; j++) aId[j] = aPage[j].id;
  qsort(aId, m, sizeof(*aId), search_cmp_i64);
  rc = search_rows_open(p, ST_PAGE, zExpr, aId, m, &rows);
  while( rc==SQLITE_OK && search_rows_step(&rows)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(rows.pStmt, 8);
    for(j=0; j<m && (aPage[j].id!=id || apHit[j]); j++){}
    if( j==m ) continue;
    apHit[j] = evbuffer_new();
    rc = apHit[j] ? search_hit(rows.pStmt, aPage[j].score, apHit[j])
                  : SQLITE_NOMEM;
  }
  rc2 = search_rows_close(&rows);
  free(aId);
  return rc==SQLITE_OK ? rc2 : rc;
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

/* Does q exclude a word (-word)? */
static int search_has_not(const struct query *q){
  int i;
  for(i=0; i<query_term_count(q); i++){
    if( query_term(q, i)->bNot ) return 1;
  }
  return 0;
}

/*
** Does q search a prefix (word*)? FTS5 answers each statement of one by
** merging the doclists of every term with that prefix again, so the pass
** over older assignment matches (two more statements) is skipped for it.
*/
static int search_has_prefix(const struct query *q){
  int i;
  for(i=0; i<query_phrase_count(q); i++){
    if( query_phrase(q, i)->kind==QUERY_PREFIX ) return 1;
  }
  return 0;
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
  int bOlder = !search_has_prefix(q);
  p->bPrefix = !bOlder;
  p->bNot = search_has_not(q);
  if( pReq->nOffset + pReq->nLimit > nMax ){
    nMax = (int)(pReq->nOffset + pReq->nLimit);
  }
  aCand = malloc(sizeof(*aCand) * (nMax + 1));
  rc = aCand ? search_filter_init(p, pReq, &f) : SQLITE_NOMEM;
  if( aCand==0 ) memset(&f, 0, sizeof(f));
  memset(p->aYear, 0, sizeof(p->aYear));
  rank_set_query(p->rank, q, 0);
  p->q = q;
  p->bRelaxed = 0;
  p->pFilter = &f;
  p->nNeed = (int)(pReq->nOffset + pReq->nLimit);
  if( rc==SQLITE_OK && zExpr ){
    rc = search_candidates(p, zExpr, bOlder, &f, aCand, nMax, &nCand,
                           &nTotal);
  }
  if( rc==SQLITE_OK && nTotal==0 && query_relaxed(q) ){
    zExpr = query_relaxed(q);
    bRelaxed = 1;
    p->bRelaxed = 1;
    rank_set_query(p->rank, q, 1);
    rc = search_candidates(p, zExpr, bOlder, &f, aCand, nMax, &nCand,
                           &nTotal);
  }
  if( rc==SQLITE_OK && nCand>0 ){
    int nNeed = (int)(pReq->nOffset + pReq->nLimit);
    rc = nNeed>0 ? search_rerank(p, zExpr, aCand, nCand, nNeed) : SQLITE_OK;
    qsort(aCand, nCand, sizeof(*aCand), search_cmp);
  }
  rank_set_query(p->rank, 0, 0);
  p->q = 0;
  p->pFilter = 0;
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
static int search_sql_error(struct request_ctx *ctx, int rc,
                            const char *zDbErr){
  if( rc==SQLITE_TOOBIG ){         /* a query limit: see search_fresh */
    return route_error(ctx, 400, "%s", zDbErr ? zDbErr : "query too costly");
  }
  if( rc==SQLITE_INTERRUPT ){
    return route_error(ctx, 503, "query took longer than %ld ms",
                       ctx->conf->nQueryMs);
  }
  if( rc==SQLITE_NOMEM || rc==SQLITE_BUSY ){
    return route_error(ctx, 503, "server busy, try again");
  }
  log_msg(LOG_WARN, "search failed: %s (%s)", sqlite3_errstr(rc),
          zDbErr ? zDbErr : "?");
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
      p->iCacheVersion = v;
      search_cache_clear(p);
      rank_clear_hits(p->rank);
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

/*
** The cache key of a request: q with every run of the query language's
** white space made one space (and none at the ends), then the other
** parameters. Case is kept: OR is an operator and or is not, and the
** response echoes the typed word in "corrected". sqlite3_free() it;
** NULL when out of memory.
*/
static char *search_key(const struct search_req *pReq){
  static const char zSpace[] = " \t\n\r\f\v";
  size_t n = strlen(pReq->zQ), i, j = 0;
  char *zQ = sqlite3_malloc64(n + 1), *zKey;
  if( zQ==0 ) return 0;
  for(i=0; i<n; i++){
    if( strchr(zSpace, pReq->zQ[i])==0 ){
      zQ[j++] = pReq->zQ[i];
    }else if( j>0 && zQ[j-1]!=' ' ){
      zQ[j++] = ' ';
    }
  }
  if( j>0 && zQ[j-1]==' ' ) j--;
  zQ[j] = 0;
  /* Every field carries its length and every optional one its presence,
  ** so no value, whatever bytes it holds, can spell another request's key
  ** (source="" and no source differ, a separator byte in q is just text). */
  zKey = sqlite3_mprintf("%d:%s|%ld|%ld|%s%s|%s%s|%s%d:%s", (int)j, zQ,
                         pReq->nLimit, pReq->nOffset,
                         pReq->zFrom ? "+" : "-",
                         pReq->zFrom ? pReq->zFrom : "",
                         pReq->zTo ? "+" : "-", pReq->zTo ? pReq->zTo : "",
                         pReq->zSource ? "+" : "-",
                         pReq->zSource ? (int)strlen(pReq->zSource) : 0,
                         pReq->zSource ? pReq->zSource : "");
  sqlite3_free(zQ);
  return zKey;
}

/*
** Before a cache lookup: at most every SEARCH_RECHECK_MS, ask whether the
** index changed (PRAGMA data_version, which costs a read-transaction round
** trip, as much as the rest of a hit) and empty the cache if so; the miss
** that follows reloads the attributes under its own transaction. So a new
** report is seen at most SEARCH_RECHECK_MS late; a miss always checks.
*/
static int search_recheck(struct search_state *p){
  sqlite3_stmt *pStmt = p->apStmt[ST_VERSION];
  struct timespec now;
  sqlite3_int64 v = -1;
  long long ms;
  int rc;
  if( clock_gettime(CLOCK_MONOTONIC_COARSE, &now)!=0 ) return SQLITE_OK;
  ms = (long long)now.tv_sec*1000 + now.tv_nsec/1000000;
  if( ms - p->iCheckedMs < SEARCH_RECHECK_MS && ms>=p->iCheckedMs ){
    return SQLITE_OK;
  }
  p->iCheckedMs = ms;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK && v!=p->iCacheVersion ){
    search_cache_clear(p);
    p->iCacheVersion = v;
  }
  return rc;
}

/*
** Parse, then search in one read transaction, into tail. On an error,
** *pzErr (sqlite3_free it) is the connection's message, taken before the
** COMMIT that would reset it; a query refused by a limit of query.h is
** SQLITE_TOOBIG with *pzErr naming the limit.
*/
static int search_fresh(struct search_state *p, const struct search_req *pReq,
                        struct evbuffer *tail, char **pzErr){
  struct query *q = 0;
  int rc = query_parse(pReq->zQ, (int)strlen(pReq->zQ), &p->opts, &q);
  *pzErr = 0;
  if( query_is_limit(rc) ){
    *pzErr = sqlite3_mprintf("%s", query_errmsg(rc));
    return *pzErr ? SQLITE_TOOBIG : SQLITE_NOMEM;
  }
  if( rc!=QUERY_OK ) return SQLITE_NOMEM;
  rc = search_step(p, ST_BEGIN);
  if( rc==SQLITE_OK ) rc = search_check_version(p);
  if( rc==SQLITE_OK ){
    search_set_deadline(p);
    rc = search_run(p, q, pReq, tail);
    p->bDeadline = 0;
  }
  if( rc!=SQLITE_OK ) *pzErr = sqlite3_mprintf("%s", sqlite3_errmsg(p->db));
  if( sqlite3_get_autocommit(p->db)==0 ){
    int rc2 = search_step(p, ST_COMMIT);
    if( rc==SQLITE_OK ) rc = rc2;
  }
  query_free(q);
  return rc;
}

static void search_cache_put(struct search_state *p, const char *zKey,
                             struct evbuffer *tail){
  size_t n = evbuffer_get_length(tail);
  const char *z;
  if( p->cache==0 ) return;
  z = (const char*)evbuffer_pullup(tail, -1);
  if( z ) cache_put(p->cache, zKey, z, n);
}

/*
** The whole response: the query, took_ms, then the tail ("total" ...
** "facets"), or the error of rc (zDbErr: the failing connection's message).
*/
static int search_respond(struct request_ctx *ctx,
                          const struct search_req *pReq,
                          const struct timespec *t0, int rc,
                          const char *zDbErr, struct evbuffer *tail){
  int e = 0;
  if( rc!=SQLITE_OK ) return search_sql_error(ctx, rc, zDbErr);
  e |= json_raw(ctx->out, "{\"query\":");
  e |= json_str(ctx->out, pReq->zQ, strlen(pReq->zQ));
  e |= json_raw(ctx->out, ",\"took_ms\":");
  e |= json_double(ctx->out, search_ms_since(t0));
  e |= json_raw(ctx->out, ",");
  e |= evbuffer_add_buffer(ctx->out, tail);
  return e ? route_error(ctx, 503, "out of memory") : 200;
}

/*
** A search handed to the pool (pool.h). The pool thread reads req (whose
** strings live in ctx->params, untouched until xFinish) and writes tail,
** rc and zDbErr; everything else is the worker's.
*/
struct search_job {
  struct pool_job base;           /* first: the job is the search_job */
  struct request_ctx *ctx;
  struct search_req req;
  struct timespec t0;
  char *zKey;                     /* the cache key */
  unsigned nCleared;              /* the worker's cache clears at submit */
  unsigned iGen;                  /* reload generation of the pool's file */
  struct evbuffer *tail;
  int rc;
  char *zDbErr;                   /* the pool connection's message */
};

static void search_job_free(struct search_job *j){
  if( j->tail ) evbuffer_free(j->tail);
  sqlite3_free(j->zKey);
  sqlite3_free(j->zDbErr);
  free(j);
}

/*
** pool_job.xRun: on a pool thread, with its connection. A search that
** waited in the queue longer than a search may run is not started: its
** client has most likely given up (an overloaded server would otherwise
** work through abandoned searches first).
*/
static void search_job_run(struct pool_job *pJob, struct dbenv *pEnv){
  struct search_job *j = (struct search_job*)pJob;
  long nLimit = pEnv->search->conf->nQueryMs;
  j->iGen = pEnv->iGen;
  if( nLimit>0 && search_ms_since(&j->t0)>(double)nLimit ){
    j->rc = SQLITE_BUSY;
    return;
  }
  j->rc = search_fresh(pEnv->search, &j->req, j->tail, &j->zDbErr);
}

/* pool_job.xDone: back on the worker's loop: cache, reply. */
static void search_job_done(struct pool_job *pJob){
  struct search_job *j = (struct search_job*)pJob;
  struct request_ctx *ctx = j->ctx;
  unsigned iGen = 0;
  int bReopened = ctx->xResume(ctx, &iGen);
  int status;
  if( pJob->bCancelled ){
    status = route_error(ctx, 503, "server shutting down, try again");
  }else{
    /* Cache only what comes from the file the worker has open, and only
    ** if nothing emptied its cache meanwhile. */
    if( j->rc==SQLITE_OK && !bReopened && iGen==j->iGen
     && ctx->search->nCleared==j->nCleared ){
      search_cache_put(ctx->search, j->zKey, j->tail);
    }
    status = search_respond(ctx, &j->req, &j->t0, j->rc, j->zDbErr, j->tail);
  }
  ctx->xFinish(ctx, status);
  search_job_free(j);
}

/* The pool's fairness key: the peer address (every port one client). */
static unsigned long long search_client(struct request_ctx *ctx){
  struct evhttp_connection *pConn = evhttp_request_get_connection(ctx->req);
  char *zAddr = 0;
  ev_uint16_t port = 0;
  if( pConn ) evhttp_connection_get_peer(pConn, &zAddr, &port);
  return pool_client_key(zAddr);
}

/*
** Hand the search to the pool. Returns ROUTE_DEFERRED, or 0 if it cannot
** (out of memory, the pool stopping): then run it here.
*/
static int search_defer(struct request_ctx *ctx, const struct search_req *pReq,
                        const struct timespec *t0, char **pzKey){
  struct search_job *j = calloc(1, sizeof(*j));
  if( j ) j->tail = evbuffer_new();
  if( j==0 || j->tail==0 ){
    if( j ) search_job_free(j);
    return 0;
  }
  j->base.xRun = search_job_run;
  j->base.xDone = search_job_done;
  j->base.pInbox = ctx->inbox;
  j->base.iClient = search_client(ctx);
  j->ctx = ctx;
  j->req = *pReq;
  j->t0 = *t0;
  j->nCleared = ctx->search->nCleared;
  j->zKey = *pzKey;
  if( pool_submit(ctx->pool, &j->base)!=0 ){
    j->zKey = 0;
    search_job_free(j);
    return 0;
  }
  *pzKey = 0;                       /* the job's now */
  return ROUTE_DEFERRED;
}

/*
** GET /search. The cache is looked up under the request as typed, before
** the query is parsed: parsing runs the expansion hooks (synonyms,
** spelling corrections with their vocabulary lookups), which cost more
** than the rest of a hit. A miss goes to the pool when there is one.
*/
int search_handle(struct request_ctx *ctx){
  struct search_state *p = ctx->search;
  struct search_req req;
  struct evbuffer *tail = evbuffer_new();
  struct timespec t0;
  char *zKey = 0, *zDbErr = 0;
  const char *zHit = 0;
  size_t nHit = 0;
  int status, rc = SQLITE_OK;
  if( clock_gettime(CLOCK_MONOTONIC, &t0)!=0 ) memset(&t0, 0, sizeof(t0));
  status = tail ? search_params(ctx, &req) : route_error(ctx, 503, "busy");
  if( status!=200 ) goto out;
  zKey = search_key(&req);
  if( zKey==0 ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK && p->cache ){
    rc = search_recheck(p);
    if( rc==SQLITE_OK ) zHit = cache_get(p->cache, zKey, &nHit);
  }
  if( zHit ){
    rc = evbuffer_add(tail, zHit, nHit) ? SQLITE_NOMEM : SQLITE_OK;
  }else if( rc==SQLITE_OK && ctx->pool
         && (status = search_defer(ctx, &req, &t0, &zKey))==ROUTE_DEFERRED ){
    goto out;
  }else if( rc==SQLITE_OK ){
    rc = search_fresh(p, &req, tail, &zDbErr);
    if( rc==SQLITE_OK ) search_cache_put(p, zKey, tail);
  }
  status = search_respond(ctx, &req, &t0, rc,
                          zDbErr ? zDbErr : sqlite3_errmsg(ctx->db), tail);
out:
  sqlite3_free(zDbErr);
  sqlite3_free(zKey);
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
  if( rc!=SQLITE_OK ){
    return search_sql_error(ctx, rc, sqlite3_errmsg(ctx->db));
  }
  return e ? route_error(ctx, 503, "out of memory") : 200;
}
