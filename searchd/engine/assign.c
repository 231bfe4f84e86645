/*
** assign.c: assignments across reports (assign.h).
*/
#include <stdlib.h>
#include <string.h>

#include "box/fold.h"
#include "db.h"
#include "engine/alist.h"
#include "engine/assign.h"
#include "sclass.h"

/* A copy of column i of pStmt ("" for NULL) into *pz. */
static int assign_text(sqlite3_stmt *pStmt, int i, char **pz){
  const char *z = (const char*)sqlite3_column_text(pStmt, i);
  *pz = sqlite3_mprintf("%s", z ? z : "");
  return *pz ? SQLITE_OK : SQLITE_NOMEM;
}

/* ASSIGN_COLUMNS of pStmt into *p. */
static int assign_item_read(sqlite3_stmt *pStmt, struct assign_item *p){
  int i, rc = SQLITE_OK;
  static const int aCol[ASSIGN_NTEXT] = {
    [ASSIGN_ID] = 0, [ASSIGN_ASSIGNMENT] = 1, [ASSIGN_SOURCE] = 2,
    [ASSIGN_SERIES] = 3, [ASSIGN_CLASS] = 4, [ASSIGN_FIRST] = 5,
    [ASSIGN_LAST] = 6,
  };
  for(i=0; rc==SQLITE_OK && i<ASSIGN_NTEXT; i++){
    rc = assign_text(pStmt, aCol[i], &p->az[i]);
  }
  p->bOpen = sqlite3_column_int(pStmt, 7)!=0;
  p->nOcc = sqlite3_column_int(pStmt, 8);
  return rc;
}

static void assign_item_clear(struct assign_item *p){
  int i;
  for(i=0; i<ASSIGN_NTEXT; i++) sqlite3_free(p->az[i]);
  memset(p, 0, sizeof(*p));
}

/* yyyymmdd as "YYYY-MM-DD" into *pz. */
static int assign_date(int d, char **pz){
  *pz = sqlite3_mprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100);
  return *pz ? SQLITE_OK : SQLITE_NOMEM;
}

/* The list's filters of a, resolved against attrs. */
static void assign_filter(const struct attrs *attrs,
                          const struct assign_args *a,
                          struct alist_filter *f){
  int i, n = attrs_series_count(attrs);
  memset(f, 0, sizeof(*f));
  f->mStatus = a->mStatus;
  f->eOpen = a->eOpen;
  f->from = attrs_date(a->zFrom);
  f->to = attrs_date(a->zTo);
  f->iSeries = -1;
  if( a->zSeries==0 ) return;
  f->iSeries = -2;
  for(i=0; i<n; i++){
    if( strcmp(attrs_series(attrs, i), a->zSeries)==0 ) f->iSeries = i;
  }
}

/* Offer the rows matching a->zMatch to p (their ids only: FTS5's index). */
static int assign_matches(sqlite3 *db, const char *zMatch, struct alist *p){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT rowid FROM assignments_fts"
                              " WHERE assignments_fts MATCH ?1", -1, &pStmt,
                              0);
  if( rc==SQLITE_OK ){
    rc = sqlite3_bind_text(pStmt, 1, zMatch, -1, SQLITE_STATIC);
  }
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    alist_add_row(p, sqlite3_column_int64(pStmt, 0));
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  else sqlite3_finalize(pStmt);
  return rc;
}

/* Entry e of the page into *p: its numbers from memory, its id and latest
** wording by its latest row (pStmt: the row by id). */
static int assign_item_fill(sqlite3_stmt *pStmt, const struct attrs *attrs,
                            const struct alist_entry *e,
                            struct assign_item *p){
  int rc = sqlite3_bind_int64(pStmt, 1, e->iLatest), i;
  if( rc==SQLITE_OK && sqlite3_step(pStmt)!=SQLITE_ROW ){
    rc = sqlite3_reset(pStmt);
    return rc==SQLITE_OK ? SQLITE_CORRUPT : rc;
  }
  for(i=0; rc==SQLITE_OK && i<3; i++) rc = assign_text(pStmt, i, &p->az[i]);
  if( rc==SQLITE_OK ){
    p->az[ASSIGN_SERIES] = sqlite3_mprintf("%s",
                                           attrs_series(attrs, e->t.iSeries));
    p->az[ASSIGN_CLASS] = sqlite3_mprintf("%s", sclass_name(e->t.cls));
    if( p->az[ASSIGN_SERIES]==0 || p->az[ASSIGN_CLASS]==0 ) rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK ) rc = assign_date(e->t.first, &p->az[ASSIGN_FIRST]);
  if( rc==SQLITE_OK ) rc = assign_date(e->t.last, &p->az[ASSIGN_LAST]);
  p->bOpen = e->t.bOpen;
  p->nOcc = e->t.nOcc;
  i = sqlite3_reset(pStmt);
  return rc==SQLITE_OK ? i : rc;
}

/* The page [nOffset, nOffset+nLimit) of the sorted list into pOut. */
static int assign_page(sqlite3 *db, const struct attrs *attrs,
                       const struct assign_args *a, const struct alist *p,
                       struct assign_list *pOut){
  sqlite3_stmt *pStmt = 0;
  long i;
  int rc = sqlite3_prepare_v2(db, "SELECT coalesce(assignment_id,"
      " 'row-' || id), assignment, source FROM assignments WHERE id=?1",
      -1, &pStmt, 0);
  for(i=a->nOffset; rc==SQLITE_OK && i<p->n; i++){
    rc = assign_item_fill(pStmt, attrs, &p->a[i], &pOut->a[pOut->n++]);
  }
  sqlite3_finalize(pStmt);
  return rc;
}

int assign_list_run(sqlite3 *db, const struct attrs *attrs,
                    const struct assign_args *a, struct assign_list *pOut){
  struct alist_filter f;
  struct alist list;
  int rc;
  memset(pOut, 0, sizeof(*pOut));
  pOut->a = calloc(a->nLimit + 1, sizeof(*pOut->a));
  if( pOut->a==0 ) return SQLITE_NOMEM;
  assign_filter(attrs, a, &f);
  rc = alist_init(&list, attrs, &f, a->nOffset + a->nLimit);
  if( rc==SQLITE_OK && a->zMatch ) rc = assign_matches(db, a->zMatch, &list);
  else if( rc==SQLITE_OK ) alist_add_all(&list);
  if( rc==SQLITE_OK ){
    alist_finish(&list);
    pOut->nTotal = list.nTotal;
    rc = assign_page(db, attrs, a, &list, pOut);
  }
  alist_free(&list);
  return rc;
}

void assign_list_clear(struct assign_list *p){
  int i;
  for(i=0; i<p->n; i++) assign_item_clear(&p->a[i]);
  free(p->a);
  memset(p, 0, sizeof(*p));
}

/* One assignment's head: a thread (?1) or a row not linked (?1 its id). */
static const char *const azHeadSql[2] = {
  "SELECT t.id, l.assignment, l.source, t.series, t.status_class,"
  " t.first_seen, t.last_seen, t.open, t.occurrences"
  " FROM assignment_threads t JOIN assignments l ON l.id=t.latest"
  " WHERE t.id=?1",
  "SELECT 'row-' || a.id, a.assignment, a.source, r.series, a.status_class,"
  " r.date, r.date,"
  " r.date=(SELECT max(r2.date) FROM reports r2 WHERE r2.series=r.series"
  " AND r2.rows>0), 1"
  " FROM assignments a JOIN reports r ON r.id=a.report_id"
  " WHERE a.id=?1 AND a.assignment_id IS NULL",
};

/* Its occurrences, oldest first (reports of one date in path order). */
static const char *const azOccSql[2] = {
  "SELECT r.date, r.title, a.assignment, a.source, a.status, a.status_class,"
  " a.status_evidence, a.row FROM assignments a"
  " JOIN reports r ON r.id=a.report_id WHERE a.assignment_id=?1"
  " ORDER BY r.date, r.path, a.row",
  "SELECT r.date, r.title, a.assignment, a.source, a.status, a.status_class,"
  " a.status_evidence, a.row FROM assignments a"
  " JOIN reports r ON r.id=a.report_id WHERE a.id=?1",
};

/* Rows whose assignment matches ?1, most similar first: candidates for the
** related assignments. */
static const char zRelatedSql[] =
  "SELECT coalesce(a.assignment_id, 'row-' || a.id), a.assignment,"
  " -bm25(assignments_fts, 1.0, 0.0, 0.0) AS s"
  " FROM assignments_fts f JOIN assignments a ON a.id=f.rowid"
  " WHERE assignments_fts MATCH ?1 ORDER BY s DESC LIMIT 200";

/*
** Is zId "row-N" (N a rowid in plain decimal)? Then 1 with *piRow = N.
*/
static int assign_is_row(const char *zId, sqlite3_int64 *piRow){
  sqlite3_int64 v = 0;
  int i;
  if( strncmp(zId, "row-", 4)!=0 || zId[4]==0 || zId[4]=='0' ) return 0;
  for(i=4; zId[i]; i++){
    if( zId[i]<'0' || zId[i]>'9' || i>=4+18 ) return 0;
    v = v*10 + (zId[i]-'0');
  }
  *piRow = v;
  return 1;
}

/* Bind the id: the thread's text, or the row's number. */
static int assign_bind_id(sqlite3_stmt *pStmt, const char *zId, int bRow,
                          sqlite3_int64 iRow){
  return bRow ? sqlite3_bind_int64(pStmt, 1, iRow)
              : sqlite3_bind_text(pStmt, 1, zId, -1, SQLITE_STATIC);
}

static int assign_head(sqlite3 *db, const char *zId, int bRow,
                       sqlite3_int64 iRow, struct assign_item *pHead){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, azHeadSql[bRow], -1, &pStmt, 0), e;
  if( rc==SQLITE_OK ) rc = assign_bind_id(pStmt, zId, bRow, iRow);
  if( rc==SQLITE_OK ){
    e = sqlite3_step(pStmt);
    if( e==SQLITE_ROW ) rc = assign_item_read(pStmt, pHead);
    else rc = e==SQLITE_DONE ? SQLITE_NOTFOUND : e;
  }
  e = sqlite3_finalize(pStmt);
  return rc==SQLITE_OK ? e : rc;
}

static int assign_occ_read(sqlite3_stmt *pStmt, struct assign_occ *o){
  int i, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<OCC_NTEXT; i++){
    rc = assign_text(pStmt, i, &o->az[i]);
  }
  o->iRow = sqlite3_column_int(pStmt, OCC_NTEXT);
  return rc;
}

static int assign_occs(sqlite3 *db, const char *zId, int bRow,
                       sqlite3_int64 iRow, struct assign_detail *p){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, azOccSql[bRow], -1, &pStmt, 0), e = 0;
  int nAlloc = p->head.nOcc>0 ? p->head.nOcc : 1;
  if( rc==SQLITE_OK ) rc = assign_bind_id(pStmt, zId, bRow, iRow);
  while( rc==SQLITE_OK && (e = sqlite3_step(pStmt))==SQLITE_ROW ){
    if( p->aOcc==0 || p->nOcc>=nAlloc ){
      struct assign_occ *a;
      if( p->aOcc ) nAlloc *= 2;
      a = realloc(p->aOcc, sizeof(*a) * nAlloc);
      if( a==0 ){ rc = SQLITE_NOMEM; break; }
      memset(a + p->nOcc, 0, sizeof(*a) * (nAlloc - p->nOcc));
      p->aOcc = a;
    }
    rc = assign_occ_read(pStmt, &p->aOcc[p->nOcc++]);
  }
  if( rc==SQLITE_OK && e!=SQLITE_DONE && e!=0 ) rc = e;
  e = sqlite3_finalize(pStmt);
  return rc==SQLITE_OK ? e : rc;
}

/* The rarest words of a text that occur outside its assignment. */
struct assign_words {
  sqlite3_stmt *pDocs;            /* vocab.docs of ?1 */
  int nOwn;                       /* rows of the assignment itself */
  int n;
  char *az[ASSIGN_RELATED_WORDS];
  sqlite3_int64 aDocs[ASSIGN_RELATED_WORDS];   /* ascending */
  int nSeen;                      /* tokens looked at */
};

/* Insert word z with its document count, keeping the rarest. */
static int assign_word_keep(struct assign_words *w, const char *z, int n,
                            sqlite3_int64 nDocs){
  int i, j;
  for(i=0; i<w->n; i++){
    if( strlen(w->az[i])==(size_t)n && memcmp(w->az[i], z, n)==0 ){
      return SQLITE_OK;
    }
  }
  for(i=0; i<w->n && w->aDocs[i]<=nDocs; i++){}
  if( i>=ASSIGN_RELATED_WORDS ) return SQLITE_OK;
  if( w->n==ASSIGN_RELATED_WORDS ) sqlite3_free(w->az[--w->n]);
  for(j=w->n; j>i; j--){
    w->az[j] = w->az[j-1];
    w->aDocs[j] = w->aDocs[j-1];
  }
  w->az[i] = sqlite3_mprintf("%.*s", n, z);
  w->aDocs[i] = nDocs;
  w->n++;
  return w->az[i] ? SQLITE_OK : SQLITE_NOMEM;
}

/* fold_token_fn: words of 4 bytes or more, looked up in vocab. */
static int assign_word(void *pCtx, const char *zTok, int nTok, int iStart,
                       int iEnd){
  struct assign_words *w = (struct assign_words*)pCtx;
  sqlite3_int64 nDocs = -1;
  int rc;
  (void)iStart; (void)iEnd;
  if( ++w->nSeen>64 ) return SQLITE_DONE;
  if( nTok<4 ) return SQLITE_OK;
  rc = sqlite3_bind_text(w->pDocs, 1, zTok, nTok, SQLITE_STATIC);
  if( rc==SQLITE_OK && sqlite3_step(w->pDocs)==SQLITE_ROW ){
    nDocs = sqlite3_column_int64(w->pDocs, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(w->pDocs);
  if( rc==SQLITE_OK && nDocs>w->nOwn ){
    rc = assign_word_keep(w, zTok, nTok, nDocs);
  }
  return rc;
}

/* The FTS5 expression of the words: any of them in the assignment (%w
** doubles a '"'). NULL when out of memory. */
static char *assign_word_expr(const struct assign_words *w){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendall(s, "{assignment} : (");
  for(i=0; i<w->n; i++){
    sqlite3_str_appendf(s, "%s\"%w\"", i ? " OR " : "", w->az[i]);
  }
  sqlite3_str_appendall(s, ")");
  return sqlite3_str_finish(s);
}

/* The rarest words of text z outside the assignment's own nOwn rows. */
static int assign_words_of(sqlite3 *db, const char *z, int nOwn,
                           struct assign_words *w){
  struct fold *pFold = 0;
  int rc = sqlite3_prepare_v2(db, "SELECT docs FROM vocab WHERE word=?1", -1,
                              &w->pDocs, 0);
  w->nOwn = nOwn;
  /* An index without vocab has no related; any other failure is one. */
  if( rc==SQLITE_ERROR ) return SQLITE_OK;
  if( rc!=SQLITE_OK ) return rc;
  rc = fold_new(db, &pFold);
  if( rc==SQLITE_OK ) rc = fold_tokens(pFold, z, (int)strlen(z), w,
                                       assign_word);
  fold_free(pFold);
  sqlite3_finalize(w->pDocs);
  w->pDocs = 0;
  return rc;
}

static void assign_words_clear(struct assign_words *w){
  int i;
  for(i=0; i<w->n; i++) sqlite3_free(w->az[i]);
  w->n = 0;
}

/* Has p a related assignment zId already? */
static int assign_has_related(const struct assign_detail *p, const char *zId){
  int i;
  for(i=0; i<p->nRel; i++){
    if( strcmp(p->aRel[i].zId, zId)==0 ) return 1;
  }
  return 0;
}

/* The related assignments of p from the matches of zExpr. */
static int assign_related_run(sqlite3 *db, const char *zExpr,
                              struct assign_detail *p){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, zRelatedSql, -1, &pStmt, 0), e = 0;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 1, zExpr, -1,
                                             SQLITE_STATIC);
  p->aRel = calloc(ASSIGN_RELATED, sizeof(*p->aRel));
  if( p->aRel==0 ) rc = SQLITE_NOMEM;
  while( rc==SQLITE_OK && p->nRel<ASSIGN_RELATED
      && (e = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *zId = (const char*)sqlite3_column_text(pStmt, 0);
    struct assign_related *r = &p->aRel[p->nRel];
    if( zId==0 || strcmp(zId, p->head.az[ASSIGN_ID])==0
     || assign_has_related(p, zId) ){
      continue;
    }
    rc = assign_text(pStmt, 0, &r->zId);
    if( rc==SQLITE_OK ) rc = assign_text(pStmt, 1, &r->zAssignment);
    r->score = sqlite3_column_double(pStmt, 2);
    p->nRel++;
  }
  e = sqlite3_finalize(pStmt);
  return rc==SQLITE_OK ? e : rc;
}

static int assign_related(sqlite3 *db, struct assign_detail *p){
  struct assign_words w;
  char *zExpr = 0;
  int rc;
  memset(&w, 0, sizeof(w));
  rc = assign_words_of(db, p->head.az[ASSIGN_ASSIGNMENT], p->head.nOcc, &w);
  if( rc==SQLITE_OK && w.n>0 ){
    zExpr = assign_word_expr(&w);
    rc = zExpr ? assign_related_run(db, zExpr, p) : SQLITE_NOMEM;
  }
  sqlite3_free(zExpr);
  assign_words_clear(&w);
  return rc;
}

int assign_get(sqlite3 *db, const char *zId, struct assign_detail *pOut){
  sqlite3_int64 iRow = 0;
  int bRow = assign_is_row(zId, &iRow), rc, rc2;
  memset(pOut, 0, sizeof(*pOut));
  if( strlen(zId)>ASSIGN_MAX_ID ) return SQLITE_NOTFOUND;
  /* One snapshot for the head, the occurrences and the related. */
  rc = sqlite3_exec(db, "BEGIN", 0, 0, 0);
  if( rc==SQLITE_OK ) rc = assign_head(db, zId, bRow, iRow, &pOut->head);
  if( rc==SQLITE_OK ) rc = assign_occs(db, zId, bRow, iRow, pOut);
  if( rc==SQLITE_OK ) rc = assign_related(db, pOut);
  rc2 = db_end_read(db, 0);
  return rc==SQLITE_OK ? rc2 : rc;
}

void assign_detail_clear(struct assign_detail *p){
  int i, j;
  assign_item_clear(&p->head);
  for(i=0; i<p->nOcc; i++){
    for(j=0; j<OCC_NTEXT; j++) sqlite3_free(p->aOcc[i].az[j]);
  }
  free(p->aOcc);
  for(i=0; i<p->nRel; i++){
    sqlite3_free(p->aRel[i].zId);
    sqlite3_free(p->aRel[i].zAssignment);
  }
  free(p->aRel);
  memset(p, 0, sizeof(*p));
}
