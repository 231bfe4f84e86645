/*
** pending.c: an in-memory list of rows, read through a virtual table.
*/
#include <stdlib.h>
#include <string.h>

#include "pending.h"

/* Memory kept across pending_clear(); more is given back. */
#define PENDING_KEEP_BYTES (32 << 20)

/* columns: report_id, row, the three texts, status_class, status_evidence,
** id, assignment_id */
enum { PENDING_REPORT, PENDING_ROW, PENDING_TEXT0, PENDING_CLASS = 5,
       PENDING_EVIDENCE, PENDING_ID, PENDING_AID };

struct pending_row {
  sqlite3_int64 iReport;
  sqlite3_int64 iId;              /* 0: none (SQLite picks one) */
  int iRow;
  size_t aOff[3];                 /* texts in zArena */
  size_t an[3];
  const char *zClass;             /* static */
  size_t iEvidence, nEvidence;    /* in the status text */
  size_t oAid, nAid;              /* assignment_id in zArena; nAid 0: NULL */
};

struct pending {
  struct pending_row *aRow;
  size_t nRow, nRowAlloc;
  char *zArena;
  size_t nArena, nArenaAlloc;
  sqlite3_int64 iNextId;          /* id of the next row added, 0: none */
};

struct pending_cursor {
  sqlite3_vtab_cursor base;
  struct pending *p;
  size_t i;
};

struct pending_vtab {
  sqlite3_vtab base;
  struct pending *p;
};

/* Grow *pa (nAlloc elements of sz bytes) to hold n; 0 or -1. */
static int pending_grow(void **pa, size_t *pnAlloc, size_t n, size_t sz){
  size_t nNew = *pnAlloc ? *pnAlloc : 1024;
  void *aNew;
  if( n<=*pnAlloc ) return 0;
  while( nNew<n ) nNew *= 2;
  aNew = realloc(*pa, nNew*sz);
  if( aNew==0 ) return -1;
  *pa = aNew;
  *pnAlloc = nNew;
  return 0;
}

int pending_add(struct pending *p, sqlite3_int64 iReport, int iRow,
                const char *const *azText, const size_t *anText,
                const struct pending_status *pStatus){
  struct pending_row *r;
  size_t nText = 0;
  int k;
  for(k=0; k<3; k++){
    if( anText[k]>0x7fffffff ) return SQLITE_TOOBIG;
    nText += anText[k];
  }
  if( pending_grow((void**)&p->aRow, &p->nRowAlloc, p->nRow+1, sizeof(*r))
   || pending_grow((void**)&p->zArena, &p->nArenaAlloc, p->nArena+nText, 1) ){
    return SQLITE_NOMEM;
  }
  r = &p->aRow[p->nRow++];
  r->iReport = iReport;
  r->iId = p->iNextId;
  if( p->iNextId ) p->iNextId++;
  r->iRow = iRow;
  r->oAid = r->nAid = 0;
  for(k=0; k<3; k++){
    r->aOff[k] = p->nArena;
    r->an[k] = anText[k];
    if( anText[k] ) memcpy(&p->zArena[p->nArena], azText[k], anText[k]);
    p->nArena += anText[k];
  }
  r->zClass = pStatus ? pStatus->zClass : "unknown";
  r->iEvidence = r->nEvidence = 0;
  if( pStatus && pStatus->iEvidence<=anText[2] ){
    r->iEvidence = pStatus->iEvidence;
    r->nEvidence = pStatus->nEvidence;
    if( r->nEvidence > anText[2]-r->iEvidence ){
      r->nEvidence = anText[2]-r->iEvidence;
    }
  }
  return SQLITE_OK;
}

void pending_set_next_id(struct pending *p, sqlite3_int64 iNext){
  p->iNextId = iNext>0 ? iNext : 0;
}

sqlite3_int64 pending_id(const struct pending *p, size_t iRow){
  return p->aRow[iRow].iId;
}

int pending_row_no(const struct pending *p, size_t iRow){
  return p->aRow[iRow].iRow;
}

const char *pending_class(const struct pending *p, size_t iRow){
  return p->aRow[iRow].zClass;
}

int pending_set_assignment_id(struct pending *p, size_t iRow, const char *z,
                              size_t n){
  struct pending_row *r;
  if( n>0x7fffffff ) return SQLITE_TOOBIG;
  if( pending_grow((void**)&p->zArena, &p->nArenaAlloc, p->nArena+n, 1) ){
    return SQLITE_NOMEM;
  }
  r = &p->aRow[iRow];
  r->oAid = p->nArena;
  r->nAid = n;
  if( n ) memcpy(&p->zArena[p->nArena], z, n);
  p->nArena += n;
  return SQLITE_OK;
}

size_t pending_bytes(const struct pending *p){
  return p->nArena;
}

size_t pending_rows(const struct pending *p){
  return p->nRow;
}

void pending_text(const struct pending *p, size_t iRow, int k,
                  const char **pz, size_t *pn){
  const struct pending_row *r = &p->aRow[iRow];
  *pz = p->zArena ? &p->zArena[r->aOff[k]] : "";
  *pn = r->an[k];
}

void pending_clear(struct pending *p){
  if( p->nArenaAlloc>PENDING_KEEP_BYTES ){
    free(p->zArena);
    p->zArena = 0;
    p->nArenaAlloc = 0;
  }
  p->nRow = 0;
  p->nArena = 0;
}

/* ---- the virtual table: eponymous only, read only, one full scan ---- */

static int pending_connect(sqlite3 *db, void *pAux, int argc,
                           const char *const *argv, sqlite3_vtab **ppVtab,
                           char **pzErr){
  struct pending_vtab *pTab;
  int rc;
  (void)argc; (void)argv; (void)pzErr;
  *ppVtab = 0;
  rc = sqlite3_declare_vtab(db, "CREATE TABLE x(report_id INTEGER,"
                            " row INTEGER, assignment TEXT, source TEXT,"
                            " status TEXT, status_class TEXT,"
                            " status_evidence TEXT, id INTEGER,"
                            " assignment_id TEXT)");
  if( rc!=SQLITE_OK ) return rc;
  pTab = sqlite3_malloc(sizeof(*pTab));
  if( pTab==0 ) return SQLITE_NOMEM;
  memset(pTab, 0, sizeof(*pTab));
  pTab->p = (struct pending*)pAux;
  *ppVtab = &pTab->base;
  return SQLITE_OK;
}

static int pending_disconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

static int pending_best_index(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  struct pending_vtab *pTab = (struct pending_vtab*)pVtab;
  pInfo->estimatedRows = (sqlite3_int64)pTab->p->nRow;
  pInfo->estimatedCost = (double)pTab->p->nRow + 1;
  return SQLITE_OK;
}

static int pending_open(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCur){
  struct pending_cursor *pCur = sqlite3_malloc(sizeof(*pCur));
  if( pCur==0 ) return SQLITE_NOMEM;
  memset(pCur, 0, sizeof(*pCur));
  pCur->p = ((struct pending_vtab*)pVtab)->p;
  *ppCur = &pCur->base;
  return SQLITE_OK;
}

static int pending_close(sqlite3_vtab_cursor *pCur){
  sqlite3_free(pCur);
  return SQLITE_OK;
}

static int pending_filter(sqlite3_vtab_cursor *pCur, int idxNum,
                          const char *idxStr, int argc, sqlite3_value **argv){
  (void)idxNum; (void)idxStr; (void)argc; (void)argv;
  ((struct pending_cursor*)pCur)->i = 0;
  return SQLITE_OK;
}

static int pending_next(sqlite3_vtab_cursor *pCur){
  ((struct pending_cursor*)pCur)->i++;
  return SQLITE_OK;
}

static int pending_eof(sqlite3_vtab_cursor *pCur){
  struct pending_cursor *c = (struct pending_cursor*)pCur;
  return c->i >= c->p->nRow;
}

/* The texts stay put while a statement reads them: SQLITE_STATIC. */
static int pending_column(sqlite3_vtab_cursor *pCur, sqlite3_context *ctx,
                          int iCol){
  struct pending_cursor *c = (struct pending_cursor*)pCur;
  const struct pending_row *r = &c->p->aRow[c->i];
  if( iCol==PENDING_REPORT ){
    sqlite3_result_int64(ctx, r->iReport);
  }else if( iCol==PENDING_ROW ){
    sqlite3_result_int(ctx, r->iRow);
  }else if( iCol==PENDING_CLASS ){
    sqlite3_result_text(ctx, r->zClass, -1, SQLITE_STATIC);
  }else if( iCol==PENDING_ID ){
    if( r->iId ) sqlite3_result_int64(ctx, r->iId);
    else sqlite3_result_null(ctx);
  }else if( iCol==PENDING_AID ){
    if( r->nAid ){
      sqlite3_result_text(ctx, &c->p->zArena[r->oAid], (int)r->nAid,
                          SQLITE_STATIC);
    }else{
      sqlite3_result_null(ctx);
    }
  }else if( iCol==PENDING_EVIDENCE ){
    const char *z = c->p->zArena ? &c->p->zArena[r->aOff[2]] : "";
    sqlite3_result_text(ctx, z + r->iEvidence, (int)r->nEvidence,
                        SQLITE_STATIC);
  }else{
    int k = iCol - PENDING_TEXT0;
    sqlite3_result_text(ctx, c->p->zArena ? &c->p->zArena[r->aOff[k]] : "",
                        (int)r->an[k], SQLITE_STATIC);
  }
  return SQLITE_OK;
}

static int pending_rowid(sqlite3_vtab_cursor *pCur, sqlite3_int64 *piRowid){
  *piRowid = (sqlite3_int64)((struct pending_cursor*)pCur)->i + 1;
  return SQLITE_OK;
}

static const sqlite3_module pending_module = {
  .iVersion = 0,
  .xCreate = 0,                   /* eponymous only */
  .xConnect = pending_connect,
  .xBestIndex = pending_best_index,
  .xDisconnect = pending_disconnect,
  .xDestroy = pending_disconnect,
  .xOpen = pending_open,
  .xClose = pending_close,
  .xFilter = pending_filter,
  .xNext = pending_next,
  .xEof = pending_eof,
  .xColumn = pending_column,
  .xRowid = pending_rowid,
};

/* sqlite3_create_module_v2's destructor: db is closing (or the call failed). */
static void pending_free(void *pArg){
  struct pending *p = (struct pending*)pArg;
  if( p==0 ) return;
  free(p->aRow);
  free(p->zArena);
  free(p);
}

int pending_register(sqlite3 *db, const char *zName, struct pending **pp){
  struct pending *p = calloc(1, sizeof(*p));
  int rc;
  *pp = 0;
  if( p==0 ) return SQLITE_NOMEM;
  /* on failure SQLite calls pending_free itself */
  rc = sqlite3_create_module_v2(db, zName, &pending_module, p, pending_free);
  if( rc==SQLITE_OK ) *pp = p;
  return rc;
}
