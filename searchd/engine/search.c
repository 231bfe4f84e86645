/*
** search.c: the search engine (search.h): its per-connection state, the
** read transaction, and the stages in order (scan.h, rerank.h, page.h).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "box/fold.h"
#include "db.h"
#include "engine/attrs_share.h"
#include "engine/cands.h"
#include "engine/early.h"
#include "engine/hltext.h"
#include "engine/page.h"
#include "engine/prefix.h"
#include "engine/rank.h"
#include "engine/rerank.h"
#include "engine/scan.h"
#include "engine/search.h"
#include "engine/stmt.h"
#include "log.h"

/* The page cache of a connection that searches. */
#define SEARCH_CACHE_PRAGMA "PRAGMA cache_size=-8000"

struct search_engine {
  sqlite3 *db;
  struct search_config cfg;
  struct rank *rank;
  struct fold *fold;              /* query_opts.xHasToken's tokenizer */
  struct prefix_count *prefix;    /* query_opts.xPrefixWords, or NULL */
  struct query_opts opts;
  sqlite3_int64 iDataVersion;     /* data_version attrs were loaded at */
  const struct attrs *attrs;      /* snapshot of row attributes, held in */
  struct attrs_share *pShare;     /* ... cfg.pShare, or one of its own */
  int bOwnShare;
  /* Collapsing, sized to attrs: per assignment a slot (cands.h), and the
  ** bitmaps of assignments and (assignment, year) pairs counted. */
  int *aPos;
  uint64_t *aSeenAssign, *aSeenPair;
  sqlite3_stmt *apStmt[ST_N];
  struct early *pEarly;           /* the first pass's exact scores */
  struct hltext *pTexts;          /* ... and a prefix query's page texts */
  struct timespec deadline;
  int bDeadline;
  int aYear[PASS_YEARS];          /* the query's matches per year */
  struct rank_query rq;           /* the query's, bound to the statements */
};

/* Progress handler: interrupt a statement past the search's deadline. */
static int search_progress(void *pArg){
  struct search_engine *p = (struct search_engine*)pArg;
  struct timespec now;
  if( !p->bDeadline ) return 0;
  if( clock_gettime(CLOCK_MONOTONIC, &now)!=0 ) return 0;
  return now.tv_sec>p->deadline.tv_sec
      || (now.tv_sec==p->deadline.tv_sec && now.tv_nsec>=p->deadline.tv_nsec);
}

static void search_set_deadline(struct search_engine *p){
  long ms = p->cfg.nQueryMs;
  if( ms<0 || clock_gettime(CLOCK_MONOTONIC, &p->deadline)!=0 ) return;
  p->deadline.tv_sec += ms/1000;
  p->deadline.tv_nsec += (ms%1000)*1000000L;
  if( p->deadline.tv_nsec>=1000000000L ){
    p->deadline.tv_sec++;
    p->deadline.tv_nsec -= 1000000000L;
  }
  p->bDeadline = 1;
}

void search_engine_free(struct search_engine *p){
  if( p==0 ) return;
  stmt_finalize(p->apStmt);
  sqlite3_progress_handler(p->db, 0, 0, 0);
  if( p->pShare ) attrs_share_release(p->pShare, p->attrs);
  if( p->bOwnShare ) attrs_share_free(p->pShare);
  free(p->aPos);
  free(p->aSeenAssign);
  free(p->aSeenPair);
  prefix_count_free(p->prefix);
  fold_free(p->fold);
  early_free(p->pEarly);
  hltext_free(p->pTexts);
  free(p);
}

int search_engine_new(sqlite3 *db, const struct search_config *cfg,
                      struct search_engine **ppOut){
  struct search_engine *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ){
    p->db = db;
    p->cfg = *cfg;
    p->iDataVersion = -1;
    p->pShare = cfg->pShare;
    if( p->pShare==0 ){
      rc = attrs_share_new(&p->pShare);
      p->bOwnShare = 1;
    }
  }
  if( rc==SQLITE_OK ) rc = rank_register(db, &p->rank);
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->fold);
  if( rc==SQLITE_OK && prefix_count_new(db, p->fold, &p->prefix)!=SQLITE_OK ){
    log_msg(LOG_WARN, "no vocab table: prefixes (word*) are not held to %d"
            " words", QUERY_MAX_PREFIX_WORDS);
  }
  if( rc==SQLITE_OK ) rc = early_new(&p->pEarly);
  if( rc==SQLITE_OK ) rc = hltext_new(&p->pTexts);
  if( rc==SQLITE_OK ) rc = stmt_prepare(db, p->apStmt);
  if( rc==SQLITE_OK ){
    /* 8 MB a connection, not the default 2 MB: broad words' doclists and
    ** the candidates' rows stay cached between requests. Over the bench's
    ** queries, reads from the OS fell by 37% (16 MB: 56%, but two workers
    ** would then hold half the memory budget). */
    rc = sqlite3_exec(db, SEARCH_CACHE_PRAGMA, 0, 0, 0);
  }
  if( rc==SQLITE_OK ){
    sqlite3_progress_handler(db, 100, search_progress, p);
  }else{
    search_engine_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

/* The collapsing scratch of attributes a, for the engine p. */
static int search_collapse_alloc(struct search_engine *p,
                                 const struct attrs *a){
  size_t nA = (size_t)attrs_assign_count(a), nP = (size_t)attrs_pair_count(a);
  int *aPos = calloc(nA + 1, sizeof(int));
  uint64_t *aSA = calloc(nA/64 + 1, sizeof(uint64_t));
  uint64_t *aSP = calloc(nP/64 + 1, sizeof(uint64_t));
  if( aPos==0 || aSA==0 || aSP==0 ){
    free(aPos);
    free(aSA);
    free(aSP);
    return SQLITE_NOMEM;
  }
  free(p->aPos);
  free(p->aSeenAssign);
  free(p->aSeenPair);
  p->aPos = aPos;
  p->aSeenAssign = aSA;
  p->aSeenPair = aSP;
  return SQLITE_OK;
}

/*
** If another connection changed the database since the attributes were
** taken, take those of the rows the read transaction now sees (from the
** share: other connections at the same generation hold the same) and
** forget the kept phrase counts.
*/
static int search_check_version(struct search_engine *p){
  sqlite3_stmt *pStmt = p->apStmt[ST_VERSION];
  sqlite3_int64 v = -1;
  int rc;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK && (v!=p->iDataVersion || p->attrs==0) ){
    const struct attrs *pNew = 0;
    rc = attrs_share_get(p->pShare, p->db, &pNew);
    if( rc==SQLITE_OK ) rc = search_collapse_alloc(p, pNew);
    if( rc!=SQLITE_OK ) attrs_share_release(p->pShare, pNew);
    if( rc==SQLITE_OK ){
      attrs_share_release(p->pShare, p->attrs);
      p->attrs = pNew;
      p->iDataVersion = v;
      rank_clear_hits(p->rank);
    }
  }
  return rc;
}

int search_engine_load(struct search_engine *p){
  /* Loading scans the whole assignments table: through a page cache of
  ** 256 KB, so the 8 MB one fills with what searches read instead (pages
  ** freed later would stay in this thread's malloc arena). */
  int rc = sqlite3_exec(p->db, "PRAGMA cache_size=-256", 0, 0, 0);
  /* In a read transaction: the generation and the rows of one snapshot. */
  if( rc==SQLITE_OK ) rc = stmt_exec(p->apStmt[ST_BEGIN]);
  if( rc==SQLITE_OK ){
    rc = search_check_version(p);
    if( rc==SQLITE_OK ) rc = db_end_read(p->db, 0);
    else db_end_read(p->db, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, SEARCH_CACHE_PRAGMA, 0, 0, 0);
  return rc;
}

void search_engine_set_opts(struct search_engine *p,
                            const struct query_opts *opts){
  p->opts = *opts;
  p->opts.xHasToken = fold_has_token;
  p->opts.pTokenArg = p->fold;
  p->opts.xPrefixWords = p->prefix ? prefix_count_words : 0;
  p->opts.pPrefixArg = p->prefix;
}

int search_parse(struct search_engine *p, const char *zQ,
                 struct query **ppQ, char **pzErr){
  int rc = query_parse(zQ, (int)strlen(zQ), &p->opts, ppQ);
  *pzErr = 0;
  if( query_is_limit(rc) ){
    *pzErr = sqlite3_mprintf("%s", query_errmsg(rc));
    return *pzErr ? SQLITE_TOOBIG : SQLITE_NOMEM;
  }
  return rc==QUERY_OK ? SQLITE_OK : SQLITE_NOMEM;
}

/* Does q exclude a word (-word)? */
static int search_has_not(const struct query *q){
  int i;
  for(i=0; i<query_term_count(q); i++){
    if( query_term(q, i)->bNot ) return 1;
  }
  return 0;
}

/* Does q search a prefix (word*)? */
static int search_has_prefix(const struct query *q){
  int i;
  for(i=0; i<query_phrase_count(q); i++){
    if( query_phrase(q, i)->kind==QUERY_PREFIX ) return 1;
  }
  return 0;
}

/*
** The first pass of ps->zExpr (bRelaxed: the relaxed score), with early
** exact scores for pages of up to cfg.nEarly rows.
*/
static int search_first(struct search_engine *p, struct pass *ps,
                        const struct query *q, int bRelaxed,
                        struct cands *c){
  int rc;
  rank_query_init(&p->rq, q, bRelaxed);
  p->rq.attrs = p->attrs;
  early_clear(p->pEarly);
  hltext_clear(p->pTexts);
  ps->pTexts = 0;
  if( ps->nNeed<=p->cfg.nEarly ){
    p->rq.nEarly = ps->nNeed;
    p->rq.pFilter = ps->f;
    p->rq.pEarly = p->pEarly;
    /* Only a prefix query's page statement costs a merge of its own. */
    if( ps->bPrefix ) ps->pTexts = p->pTexts;
  }
  rc = scan_run(ps, c);
  p->rq.nEarly = 0;
  return rc;
}

/* The first alternative of kind k the expansion hooks made: its term as
** typed into *pzFrom, itself into *pzTo (both NULL if none). */
static int search_alt(const struct query *q, enum query_alt_kind k,
                      char **pzFrom, char **pzTo){
  int i, j;
  for(i=0; i<query_term_count(q); i++){
    const struct query_term *t = query_term(q, i);
    for(j=1; j<t->nAlt; j++){
      if( t->aAltKind[j]!=k ) continue;
      *pzFrom = sqlite3_mprintf("%s", t->azAlt[0]);
      *pzTo = sqlite3_mprintf("%s", t->azAlt[j]);
      return (*pzFrom && *pzTo) ? SQLITE_OK : SQLITE_NOMEM;
    }
  }
  return SQLITE_OK;
}

/* The first correction and the first suggestion, into pRes. */
static int search_corrected(const struct query *q,
                            struct search_result *pRes){
  int rc = search_alt(q, QUERY_ALT_CORRECTION, &pRes->zCorrectFrom,
                      &pRes->zCorrectTo);
  if( rc!=SQLITE_OK ) return rc;
  return search_alt(q, QUERY_ALT_SUGGESTION, &pRes->zSuggestFrom,
                    &pRes->zSuggestTo);
}

/* The year facets of p->aYear into pRes, newest year first; the status
** facets of ps. */
static int search_facets(const struct search_engine *p,
                         const struct pass *ps, struct search_result *pRes){
  int y, n = 0;
  memcpy(pRes->aStatus, ps->aStatus, sizeof(pRes->aStatus));
  for(y=0; y<PASS_YEARS; y++) n += p->aYear[y]!=0;
  if( n==0 ) return SQLITE_OK;
  pRes->aYear = malloc(sizeof(*pRes->aYear) * n);
  if( pRes->aYear==0 ) return SQLITE_NOMEM;
  for(y=PASS_YEARS-1; y>=0; y--){
    if( p->aYear[y]==0 ) continue;
    pRes->aYear[pRes->nYear].year = y;
    pRes->aYear[pRes->nYear++].n = p->aYear[y];
  }
  return SQLITE_OK;
}

/* The stages' shared state of one search of q with a. */
static void search_pass_init(struct search_engine *p, struct pass *ps,
                             const struct query *q,
                             const struct search_args *a, struct filter *f){
  memset(ps, 0, sizeof(*ps));
  ps->apStmt = p->apStmt;
  ps->cfg = &p->cfg;
  ps->attrs = p->attrs;
  ps->aAssign = attrs_assigns(p->attrs);
  ps->f = f;
  ps->pq = &p->rq;
  ps->zExpr = query_match(q);
  ps->bPrefix = search_has_prefix(q);
  ps->bNot = search_has_not(q);
  ps->nNeed = (int)(a->nOffset + a->nLimit);
  ps->bCollapse = a->eCollapse==SEARCH_COLLAPSE_ASSIGNMENT;
  ps->eSort = a->eSort;
  ps->aYear = p->aYear;
  ps->aSeenAssign = p->aSeenAssign;
  ps->aSeenPair = p->aSeenPair;
  memset(p->aYear, 0, sizeof(p->aYear));
}

/* Both passes, the candidates in c, of q: relaxed if all words find
** nothing. */
static int search_passes(struct search_engine *p, struct pass *ps,
                         const struct query *q, struct cands *c,
                         struct search_result *pRes){
  int rc = SQLITE_OK;
  if( ps->zExpr ) rc = search_first(p, ps, q, 0, c);
  if( rc==SQLITE_OK && ps->nTotal==0 && query_relaxed(q) ){
    ps->zExpr = query_relaxed(q);
    pRes->bRelaxed = 1;
    int nMax = c->nMax, nMin = c->nMin;
    cands_free(c);
    rc = cands_init(c, nMax, nMin, ps->bCollapse ? p->aPos : 0);
    if( rc==SQLITE_OK ) rc = search_first(p, ps, q, 1, c);
  }
  return rc;
}

/* Both passes and the page of q, under the read transaction. */
static int search_query(struct search_engine *p, const struct query *q,
                        const struct search_args *a, struct filter *f,
                        struct search_result *pRes){
  struct pass ps;
  struct cands c;
  struct pass_cand *aCand = 0;
  int nMax = (int)p->cfg.nRerank, nCand = 0, rc;
  search_pass_init(p, &ps, q, a, f);
  if( ps.nNeed>nMax ) nMax = ps.nNeed;
  rc = cands_init(&c, nMax, ps.nNeed, ps.bCollapse ? p->aPos : 0);
  if( rc==SQLITE_OK ) rc = filter_init(f, p->attrs, a);
  if( rc==SQLITE_OK ) rc = search_passes(p, &ps, q, &c, pRes);
  if( rc==SQLITE_OK ) rc = cands_finish(&c, &aCand, &nCand);
  if( rc==SQLITE_OK && nCand>0 ){
    rc = rerank_run(&ps, p->pEarly, aCand, &nCand, (int)a->nOffset,
                    ps.nNeed);
  }
  pRes->nTotal = ps.nTotal;
  pRes->nRows = ps.nRows;
  pRes->bCollapsed = ps.bCollapse;
  if( rc==SQLITE_OK ) rc = search_corrected(q, pRes);
  if( rc==SQLITE_OK ){
    rc = page_run(&ps, aCand, nCand, a->nOffset, a->nLimit, pRes);
  }
  if( rc==SQLITE_OK ) rc = search_facets(p, &ps, pRes);
  rank_query_init(&p->rq, 0, 0);
  cands_free(&c);
  return rc;
}

int search_run(struct search_engine *p, const struct query *q,
               const struct search_args *args, struct search_result *pRes){
  struct filter f;
  int rc, rc2;
  memset(pRes, 0, sizeof(*pRes));
  memset(&f, 0, sizeof(f));
  rc = stmt_exec(p->apStmt[ST_BEGIN]);
  if( rc==SQLITE_OK ) rc = search_check_version(p);
  if( rc==SQLITE_OK ){
    pRes->iDataVersion = p->iDataVersion;
    search_set_deadline(p);
    rc = search_query(p, q, args, &f, pRes);
    p->bDeadline = 0;
  }
  /* The message before the COMMIT that would reset it. */
  if( rc!=SQLITE_OK ){
    pRes->zErr = sqlite3_mprintf("%s", sqlite3_errmsg(p->db));
  }
  rc2 = db_end_read(p->db, p->apStmt[ST_COMMIT]);
  if( rc==SQLITE_OK ) rc = rc2;
  filter_clear(&f);
  return rc;
}

void search_engine_limit(struct search_engine *p, int bOn){
  p->bDeadline = 0;
  if( bOn ) search_set_deadline(p);
}

int search_engine_begin(struct search_engine *p,
                        const struct attrs **ppAttrs){
  int rc = stmt_exec(p->apStmt[ST_BEGIN]);
  *ppAttrs = 0;
  if( rc==SQLITE_OK ) rc = search_check_version(p);
  if( rc==SQLITE_OK ){
    *ppAttrs = p->attrs;
    search_set_deadline(p);
  }
  return rc;
}

int search_engine_end(struct search_engine *p){
  p->bDeadline = 0;
  return db_end_read(p->db, p->apStmt[ST_COMMIT]);
}

void search_result_clear(struct search_result *pRes){
  int i, j;
  for(i=0; i<pRes->nHit; i++){
    for(j=0; j<SEARCH_NTEXT; j++) free(pRes->aHit[i].aText[j].z);
  }
  free(pRes->aHit);
  free(pRes->aYear);
  sqlite3_free(pRes->zCorrectFrom);
  sqlite3_free(pRes->zCorrectTo);
  sqlite3_free(pRes->zSuggestFrom);
  sqlite3_free(pRes->zSuggestTo);
  sqlite3_free(pRes->zErr);
  memset(pRes, 0, sizeof(*pRes));
}
