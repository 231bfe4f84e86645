/*
** page.c: the page's hits (page.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/hltext.h"
#include "engine/page.h"
#include "engine/rows.h"
#include "engine/stmt.h"

/* Text columns of ST_PAGE by struct search_hit field. */
static const int aPageCol[SEARCH_NTEXT] = {
  [SEARCH_DATE] = 0, [SEARCH_TITLE] = 2, [SEARCH_ASSIGNMENT] = 3,
  [SEARCH_SOURCE] = 4, [SEARCH_STATUS] = 5, [SEARCH_HL_ASSIGNMENT] = 6,
  [SEARCH_HL_STATUS] = 7, [SEARCH_ASSIGN_ID] = 9, [SEARCH_SERIES] = 10,
  [SEARCH_CLASS] = 11, [SEARCH_EVIDENCE] = 12,
};
#define PAGE_COL_ROW 1
#define PAGE_COL_ID  8
#define PAGE_COL_LATEST_EVIDENCE 13

/* Copy z[0..n) into t. */
static int page_text(struct search_text *t, const char *z, int n){
  free(t->z);
  t->z = malloc(n + 1);
  if( t->z==0 ) return SQLITE_NOMEM;
  memcpy(t->z, z, n);
  t->z[n] = 0;
  t->n = n;
  return SQLITE_OK;
}

/* The hit's assignment: counts from the attributes; collapsing, its
** current class and the evidence of its latest occurrence. */
static int page_assign(const struct pass *ps, sqlite3_stmt *pStmt,
                       struct search_hit *h){
  const struct attr_row *r = attrs_find(ps->attrs, h->id);
  struct attr_assign t;
  const char *z;
  if( r==0 ) return SQLITE_OK;
  attrs_assign_of(ps->attrs, r, &t);
  h->nOcc = t.nOcc;
  h->first = t.first;
  h->last = t.last;
  h->bOpen = t.bOpen;
  if( !ps->bCollapse ) return SQLITE_OK;
  z = sclass_name(t.cls);
  if( page_text(&h->aText[SEARCH_CLASS], z, (int)strlen(z)) ){
    return SQLITE_NOMEM;
  }
  z = (const char*)sqlite3_column_text(pStmt, PAGE_COL_LATEST_EVIDENCE);
  if( z==0 ) return SQLITE_OK;
  return page_text(&h->aText[SEARCH_EVIDENCE], z,
                   sqlite3_column_bytes(pStmt, PAGE_COL_LATEST_EVIDENCE));
}

/* Copy ST_PAGE's current row into h. */
static int page_hit(const struct pass *ps, sqlite3_stmt *pStmt,
                    struct search_hit *h){
  int i;
  h->iRow = sqlite3_column_int64(pStmt, PAGE_COL_ROW);
  for(i=0; i<SEARCH_NTEXT; i++){
    const unsigned char *z = sqlite3_column_text(pStmt, aPageCol[i]);
    int n = sqlite3_column_bytes(pStmt, aPageCol[i]);
    if( z==0 ) continue;
    if( page_text(&h->aText[i], (const char*)z, n) ) return SQLITE_NOMEM;
  }
  return page_assign(ps, pStmt, h);
}

/* Read the page's rows aPage[0..m) into aHit[j] for page position j
** (abDone[j] set), one pass over their rowid range. */
static int page_rows(struct pass *ps, const struct pass_cand *aPage, int m,
                     struct search_hit *aHit, char *abDone){
  struct rows rows;
  sqlite3_int64 *aId = malloc(sizeof(*aId) * m);
  int j, rc, rc2;
  if( aId==0 ) return SQLITE_NOMEM;
  for(j=0; j<m; j++) aId[j] = aPage[j].id;
  qsort(aId, m, sizeof(*aId), pass_cmp_i64);
  rc = rows_open(ps, ST_PAGE, aId, m, &rows);
  while( rc==SQLITE_OK && rows_step(&rows)==SQLITE_ROW ){
    sqlite3_int64 id = sqlite3_column_int64(rows.pStmt, PAGE_COL_ID);
    for(j=0; j<m && (aPage[j].id!=id || abDone[j]); j++){}
    if( j==m ) continue;
    abDone[j] = 1;
    aHit[j].id = id;
    aHit[j].score = aPage[j].score;
    rc = page_hit(ps, rows.pStmt, &aHit[j]);
  }
  rc2 = rows_close(&rows);
  free(aId);
  return rc==SQLITE_OK ? rc2 : rc;
}

/* Are the texts of every row of aPage[0..m) kept (hltext.h)? */
static int page_all_kept(const struct pass *ps, const struct pass_cand *aPage,
                         int m){
  int j;
  if( ps->pTexts==0 ) return 0;
  for(j=0; j<m; j++){
    if( hltext_get(ps->pTexts, aPage[j].id)==0 ) return 0;
  }
  return 1;
}

/* The kept highlight and snippet of h's row into h. */
static int page_kept_texts(const struct pass *ps, struct search_hit *h){
  const struct hltext_row *t = hltext_get(ps->pTexts, h->id);
  int rc = SQLITE_OK;
  if( t && t->zHl ){
    rc = page_text(&h->aText[SEARCH_HL_ASSIGNMENT], t->zHl, t->nHl);
  }
  if( rc==SQLITE_OK && t && t->zSnip ){
    rc = page_text(&h->aText[SEARCH_HL_STATUS], t->zSnip, t->nSnip);
  }
  return rc;
}

/* As page_rows(), for rows whose texts the first pass kept: the rest
** read by rowid, without FTS5 (ST_ROW). */
static int page_rows_kept(struct pass *ps, const struct pass_cand *aPage,
                          int m, struct search_hit *aHit, char *abDone){
  sqlite3_stmt *pStmt = ps->apStmt[ST_ROW];
  int j, rc = SQLITE_OK, rc2;
  for(j=0; rc==SQLITE_OK && j<m; j++){
    rc = sqlite3_reset(pStmt);
    if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 1, aPage[j].id);
    if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
      abDone[j] = 1;
      aHit[j].id = aPage[j].id;
      aHit[j].score = aPage[j].score;
      rc = page_hit(ps, pStmt, &aHit[j]);
      if( rc==SQLITE_OK ) rc = page_kept_texts(ps, &aHit[j]);
    }
  }
  rc2 = sqlite3_reset(pStmt);     /* a failed step's error, too */
  return rc==SQLITE_OK ? rc2 : rc;
}

int page_run(struct pass *ps, const struct pass_cand *aCand, int nCand,
             long nOffset, long nLimit, struct search_result *pRes){
  int m = nCand - (int)nOffset, j, n = 0, rc;
  char *abDone;
  if( m>nLimit ) m = (int)nLimit;
  if( m<=0 ) return SQLITE_OK;
  pRes->aHit = calloc(m, sizeof(*pRes->aHit));
  abDone = calloc(m, 1);
  if( pRes->aHit==0 || abDone==0 ){
    free(abDone);
    return SQLITE_NOMEM;
  }
  pRes->nHit = m;                 /* every entry is freed by the owner */
  if( page_all_kept(ps, aCand + nOffset, m) ){
    rc = page_rows_kept(ps, aCand + nOffset, m, pRes->aHit, abDone);
  }else{
    rc = page_rows(ps, aCand + nOffset, m, pRes->aHit, abDone);
  }
  /* Close the gaps of rows that did not come back. */
  for(j=0; rc==SQLITE_OK && j<m; j++){
    if( abDone[j] ) pRes->aHit[n++] = pRes->aHit[j];
  }
  if( rc==SQLITE_OK ) pRes->nHit = n;
  free(abDone);
  return rc;
}
