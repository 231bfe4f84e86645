/*
** store.c: reports and rows into the index, old versions out.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "vocab.h"

/* The statements a store reuses; the order of azSql in store_open(). */
enum {
  ST_FIND, ST_OLD_ROWS, ST_DELETE, ST_REPORT, ST_ROW, ST_ALL, ST_MOVE,
  ST_CLEAR, ST_KNOWN, ST_COUNT
};

/*
** Rows are staged in a temporary table and moved into assignments with one
** INSERT ... SELECT per STORE_STAGE_BYTES of row text (and at commit).
** Why: the schema's trigger writes the FTS table from inside each row's
** INSERT, which makes SQLite open a statement savepoint per row, and FTS5
** flushes its pending terms to a new segment at every savepoint: one tiny
** segment per row, then merges. One statement per few MB flushes about as
** often as FTS5 does on its own (its pending-terms limit, "hashsize").
** (Measured: about half the run time on 1,000 reports.) The stage stays
** small, so it lives in memory (temp_store=MEMORY) and never spills to a
** temporary file; the transaction policy (main.c) is not affected.
*/
#define STORE_STAGE_BYTES (2 << 20)

/*
** The writer's pragmas. temp_store: the stage (above). cache_size: 8 MB
** of page cache instead of SQLite's 2 MB: FTS5's segment merges and the
** b-trees of assignments, its index and vocab re-read fewer pages (pread
** calls, costly on the project's VMs); measured on 5,000 reports: system
** time 1.6-1.7 s to 1.2 s, and less total CPU under load; on a quiet
** machine within the noise. 16 to 32 MB gained nothing more. Bounded, so
** memory does not grow with the corpus.
*/
static const char zPragmas[] =
  "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192";
static const char zStage[] =
  "CREATE TEMP TABLE IF NOT EXISTS stage(report_id INTEGER, row INTEGER,"
  " assignment TEXT, source TEXT, status TEXT)";

static const char *const azSql[ST_COUNT] = {
  /* ST_FIND */     "SELECT id, sha256 FROM reports WHERE path = ?1",
  /* ST_OLD_ROWS */ "SELECT assignment, source, status FROM assignments"
                    " WHERE report_id = ?1",
  /* ST_DELETE */   "DELETE FROM reports WHERE id = ?1",
  /* ST_REPORT */   "INSERT INTO reports(date, title, path, sha256, rows,"
                    " indexed_at) VALUES(?1, ?2, ?3, ?4, ?5,"
                    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
  /* ST_ROW */      "INSERT INTO temp.stage(report_id, row, assignment,"
                    " source, status) VALUES(?1, ?2, ?3, ?4, ?5)",
  /* ST_ALL */      "SELECT id, path FROM reports ORDER BY id",
  /* ST_MOVE */     "INSERT INTO main.assignments(report_id, row, assignment,"
                    " source, status) SELECT report_id, row, assignment,"
                    " source, status FROM temp.stage ORDER BY rowid",
  /* ST_CLEAR */    "DELETE FROM temp.stage",
  /* ST_KNOWN */    "SELECT path, sha256 FROM reports ORDER BY path",
};

struct store {
  sqlite3 *db;
  sqlite3_stmt *apStmt[ST_COUNT];
  struct vocab *pVocab;
  size_t nStaged;                 /* bytes of row text in temp.stage */
};

int store_open(sqlite3 *db, struct store **ppStore){
  struct store *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  int i;
  if( p ) p->db = db;
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db, zPragmas, 0, 0, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db, zStage, 0, 0, 0);
  for(i=0; rc==SQLITE_OK && i<ST_COUNT; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &p->apStmt[i], 0);
  }
  if( rc==SQLITE_OK ) rc = vocab_open(db, &p->pVocab);
  if( rc!=SQLITE_OK ){
    store_close(p);
    p = 0;
  }
  *ppStore = p;
  return rc;
}

void store_close(struct store *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<ST_COUNT; i++) sqlite3_finalize(p->apStmt[i]);
  vocab_close(p->pVocab);
  free(p);
}

/* Find zPath's report: *piId is its id, 0 if none. */
static int store_lookup(struct store *p, const char *zPath,
                        sqlite3_int64 *piId, char *zSha){
  sqlite3_stmt *pStmt = p->apStmt[ST_FIND];
  int rc;
  *piId = 0;
  sqlite3_bind_text(pStmt, 1, zPath, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pStmt, 1);
    *piId = sqlite3_column_int64(pStmt, 0);
    if( zSha ){
      strncpy(zSha, z ? z : "", 64);
      zSha[64] = 0;
    }
  }
  if( rc==SQLITE_ROW || rc==SQLITE_DONE ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  return rc;
}

int store_find(struct store *p, const char *zPath, int *pbFound, char *zSha){
  sqlite3_int64 iId = 0;
  int rc = store_lookup(p, zPath, &iId, zSha);
  *pbFound = iId!=0;
  return rc;
}

/* A merge join: both the list and the query are in byte order of path. */
int store_known(struct store *p, struct files *pList){
  sqlite3_stmt *pStmt = p->apStmt[ST_KNOWN];
  size_t i = 0;
  int rc;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW && i<pList->n ){
    const char *zPath = (const char*)sqlite3_column_text(pStmt, 0);
    const char *zSha = (const char*)sqlite3_column_text(pStmt, 1);
    int c = -1;
    if( zPath==0 || zSha==0 ) continue;
    while( i<pList->n && (c = strcmp(pList->a[i].zPath, zPath))<0 ) i++;
    if( c==0 && strlen(zSha)==64 ) memcpy(pList->a[i].zKnownSha, zSha, 65);
  }
  if( rc==SQLITE_ROW || rc==SQLITE_DONE ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  return rc;
}

int store_begin(struct store *p){
  return sqlite3_exec(p->db, "BEGIN IMMEDIATE", 0, 0, 0);
}

/* Run a reused statement that returns no rows. */
static int store_run(struct store *p, int iStmt){
  sqlite3_step(p->apStmt[iStmt]);
  return sqlite3_reset(p->apStmt[iStmt]);
}

/* Move the staged rows into assignments (and so into the FTS index). */
static int store_move(struct store *p){
  int rc = store_run(p, ST_MOVE);
  if( rc==SQLITE_OK ) rc = store_run(p, ST_CLEAR);
  p->nStaged = 0;
  return rc;
}

int store_commit(struct store *p){
  int rc = store_move(p);
  if( rc==SQLITE_OK ) rc = vocab_flush(p->pVocab);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, "COMMIT", 0, 0, 0);
  return rc;
}

void store_rollback(struct store *p){
  vocab_reset(p->pVocab);
  p->nStaged = 0;
  if( !sqlite3_get_autocommit(p->db) ){
    sqlite3_exec(p->db, "ROLLBACK", 0, 0, 0);
  }
}

/* Uncount the words of report iId's rows, then delete it (cascades). */
static int store_delete(struct store *p, sqlite3_int64 iId){
  sqlite3_stmt *pOld = p->apStmt[ST_OLD_ROWS];
  sqlite3_stmt *pDel = p->apStmt[ST_DELETE];
  int rc = SQLITE_OK, rcStep;
  sqlite3_bind_int64(pOld, 1, iId);
  while( rc==SQLITE_OK && (rcStep = sqlite3_step(pOld))==SQLITE_ROW ){
    const char *az[3];
    size_t an[3];
    int k;
    for(k=0; k<3; k++){
      az[k] = (const char*)sqlite3_column_text(pOld, k);
      an[k] = (size_t)sqlite3_column_bytes(pOld, k);
    }
    rc = vocab_add_row(p->pVocab, az, an, 3, -1);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pOld);
  else sqlite3_reset(pOld);
  if( rc==SQLITE_OK ){
    sqlite3_bind_int64(pDel, 1, iId);
    sqlite3_step(pDel);
    rc = sqlite3_reset(pDel);
  }
  return rc;
}

/* Insert the report's row in reports; *piId gets its id. */
static int store_insert_report(struct store *p, const char *zPath,
                               const char *zSha, const struct report *pR,
                               sqlite3_int64 *piId){
  sqlite3_stmt *pStmt = p->apStmt[ST_REPORT];
  int rc;
  sqlite3_bind_text(pStmt, 1, pR->zDate, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 2, pR->zTitle, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 3, zPath, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 4, zSha, -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 5, pR->nRow);
  sqlite3_step(pStmt);
  rc = sqlite3_reset(pStmt);
  *piId = sqlite3_last_insert_rowid(p->db);
  return rc;
}

int store_put(struct store *p, const char *zPath, const char *zSha,
              const struct report *pReport,
              const struct vocab_counts *pCounts){
  sqlite3_stmt *pRow = p->apStmt[ST_ROW];
  sqlite3_int64 iOld = 0, iId = 0;
  int rc = store_lookup(p, zPath, &iOld, 0);
  int i;
  if( rc==SQLITE_OK && iOld ) rc = store_delete(p, iOld);
  if( rc==SQLITE_OK ) rc = store_insert_report(p, zPath, zSha, pReport, &iId);
  for(i=0; rc==SQLITE_OK && i<pReport->nRow; i++){
    const struct report_row *r = &pReport->aRow[i];
    const char *az[3];
    size_t an[3];
    az[0] = r->zAssignment; an[0] = r->nAssignment;
    az[1] = r->zSource;     an[1] = r->nSource;
    az[2] = r->zStatus;     an[2] = r->nStatus;
    sqlite3_bind_int64(pRow, 1, iId);
    sqlite3_bind_int(pRow, 2, r->iRow);
    sqlite3_bind_text64(pRow, 3, az[0], an[0], SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text64(pRow, 4, az[1], an[1], SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text64(pRow, 5, az[2], an[2], SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_step(pRow);
    rc = sqlite3_reset(pRow);
    p->nStaged += an[0] + an[1] + an[2];
    if( rc==SQLITE_OK && pCounts==0 ){
      rc = vocab_add_row(p->pVocab, az, an, 3, +1);
    }
  }
  if( rc==SQLITE_OK && pCounts ) rc = vocab_merge(p->pVocab, pCounts);
  if( rc==SQLITE_OK && p->nStaged>=STORE_STAGE_BYTES ) rc = store_move(p);
  return rc;
}

/* Is the file gone (as opposed to present or unreadable for a while)? */
static int store_gone(const char *zPath){
  struct stat st;
  return stat(zPath, &st)!=0 && (errno==ENOENT || errno==ENOTDIR);
}

int store_prune(struct store *p, int *pnPruned){
  sqlite3_stmt *pAll = p->apStmt[ST_ALL];
  sqlite3_int64 *aId = 0;
  size_t nId = 0, nAlloc = 0, i;
  int rc = SQLITE_OK, rcStep;
  while( rc==SQLITE_OK && (rcStep = sqlite3_step(pAll))==SQLITE_ROW ){
    const char *zPath = (const char*)sqlite3_column_text(pAll, 1);
    if( zPath==0 || !store_gone(zPath) ) continue;
    if( nId==nAlloc ){
      sqlite3_int64 *aNew;
      nAlloc = nAlloc ? nAlloc*2 : 64;
      aNew = realloc(aId, nAlloc*sizeof(*aId));
      if( aNew==0 ){ rc = SQLITE_NOMEM; break; }
      aId = aNew;
    }
    aId[nId++] = sqlite3_column_int64(pAll, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pAll);
  else sqlite3_reset(pAll);
  for(i=0; rc==SQLITE_OK && i<nId; i++) rc = store_delete(p, aId[i]);
  if( rc==SQLITE_OK ) *pnPruned += (int)nId;
  free(aId);
  return rc;
}

/* PRAGMA integrity_check: "ok" or the first problem in *pzMsg. */
static int store_check_pragma(sqlite3 *db, int *pbSound, char **pzMsg){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(10)", -1, &pStmt, 0);
  if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pStmt, 0);
    if( z==0 || strcmp(z, "ok")!=0 ){
      *pbSound = 0;
      *pzMsg = sqlite3_mprintf("integrity_check: %s", z ? z : "(null)");
    }
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  else sqlite3_finalize(pStmt);
  return rc;
}

int store_check(sqlite3 *db, int *pbSound, char **pzMsg){
  int rc;
  *pbSound = 1;
  *pzMsg = 0;
  rc = store_check_pragma(db, pbSound, pzMsg);
  if( (rc & 0xff)==SQLITE_CORRUPT || (rc & 0xff)==SQLITE_NOTADB ){
    *pbSound = 0;
    *pzMsg = sqlite3_mprintf("integrity_check: %s", sqlite3_errmsg(db));
    return SQLITE_OK;
  }
  if( rc!=SQLITE_OK || !*pbSound ) return rc;
  /* rank 1: also compare the index with the content table */
  rc = sqlite3_exec(db, "INSERT INTO assignments_fts(assignments_fts, rank)"
                        " VALUES('integrity-check', 1)", 0, 0, 0);
  if( (rc & 0xff)==SQLITE_CORRUPT ){
    *pbSound = 0;
    *pzMsg = sqlite3_mprintf("fts5 integrity-check: %s", sqlite3_errmsg(db));
    rc = SQLITE_OK;
  }
  return rc;
}
