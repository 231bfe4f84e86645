/*
** store.c: reports and rows into the index, old versions out.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "link.h"
#include "pending.h"
#include "status.h"
#include "store.h"
#include "vocab.h"

/* The statements a store reuses; the order of azSql in store_open(). */
enum {
  ST_FIND, ST_OLD_ROWS, ST_DELETE, ST_REPORT, ST_ALL, ST_MOVE, ST_KNOWN,
  ST_ROWS, ST_CONFIG, ST_SET, ST_TWIN, ST_COUNT
};

/*
** Rows wait in memory (pending.h, read by SQL as the eponymous virtual
** table indexer_pending) and move into assignments with one INSERT ...
** SELECT per STORE_STAGE_BYTES of row text (and at commit). Why: the
** schema's trigger writes the FTS table from inside each row's INSERT,
** which makes SQLite open a statement savepoint per row, and FTS5 flushes
** its pending terms to a new segment at every savepoint: one tiny segment
** per row, then merges. One statement per few MB flushes about as often as
** FTS5 does on its own (its pending-terms limit, "hashsize"). (Measured:
** about half the run time on 1,000 reports.) The rows wait in a virtual
** table rather than a TEMP table because a TEMP table costs an INSERT per
** row and a DELETE per move, on top of the copy SQLite itself makes of an
** INSERT ... SELECT's rows when the target has row triggers (in memory:
** temp_store=MEMORY). The transaction policy (main.c) is not affected.
*/
#define STORE_STAGE_BYTES (2 << 20)

/*
** Bulk runs: FTS5 flushes its pending terms into a new segment every
** "hashsize" bytes (1 MB) and at every statement, and its automerge then
** rewrites postings level by level while the run writes; a run still ends
** with a dozen segments, each of which every query reads. A bulk run sets
** the options below inside each batch's transaction (restored before its
** COMMIT, so no committed state carries them: a crash leaves the index's
** own settings): automerge off, crisismerge raised (it still bounds the
** segments of level 0), an 8 MB pending-terms hash and 4 MB moves
** (so one flush per 4 MB: the hash never fills), and at the end merges
** the index into one segment with FTS5 'optimize' in a transaction of its
** own. A run is bulk once the rows it inserted and deleted reach
** 1/STORE_BULK_SHARE of the rows the index held when the run began
** (always, for an empty index); a small incremental run keeps the index's
** settings and never rewrites the whole index. Measured on 5,000 reports
** (indexer/README.md): about the CPU of normal automerge, the final merge
** included; 1 segment at the end instead of 14; about +18 MB peak RSS.
** The move size bounds the memory a move's rows take (pending.h's copy
** and SQLite's); FTS5's flush size barely matters to the CPU, so 4 MB is
** enough.
*/
#define STORE_BULK_SHARE 4
#define STORE_BULK_STAGE_BYTES (4 << 20)

/* The FTS5 options a bulk transaction sets: name, FTS5's default (used
** when the index's config table has none), the bulk value. */
static const struct store_option {
  const char *zKey;
  int iDefault, iBulk;
} aOption[] = {
  {"automerge",   4,         0},
  {"crisismerge", 16,        64},
  {"hashsize",    1 << 20,   8 << 20},
};
#define STORE_N_OPTION ((int)(sizeof(aOption)/sizeof(aOption[0])))

/*
** The writer's pragmas. temp_store: SQLite's copy of the moved rows
** (above) stays in memory, never a temporary file. cache_size: 8 MB
** of page cache instead of SQLite's 2 MB: FTS5's segment merges and the
** b-trees of assignments, its index and vocab re-read fewer pages (pread
** calls, costly on the project's VMs); measured on 5,000 reports: system
** time 1.6-1.7 s to 1.2 s, and less total CPU under load; on a quiet
** machine within the noise. 16 to 32 MB gained nothing more. Bounded, so
** memory does not grow with the corpus.
*/
static const char zPragmas[] =
  "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-8192";
#define STORE_PENDING "indexer_pending"    /* pending.h's table */

static const char *const azSql[ST_COUNT] = {
  /* ST_FIND */     "SELECT id, sha256 FROM reports WHERE path = ?1",
  /* ST_OLD_ROWS */ "SELECT assignment, source, status FROM assignments"
                    " WHERE report_id = ?1",
  /* ST_DELETE */   "DELETE FROM reports WHERE id = ?1",
  /* ST_REPORT */   "INSERT INTO reports(date, title, path, series, sha256,"
                    " rows, indexed_at) VALUES(?1, ?2, ?3, ?6, ?4, ?5,"
                    " strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
  /* ST_ALL */      "SELECT id, path FROM reports ORDER BY id",
  /* ST_MOVE */     "INSERT INTO main.assignments(report_id, row, assignment,"
                    " source, status, status_class, status_evidence)"
                    " SELECT report_id, row, assignment, source, status,"
                    " status_class, status_evidence FROM " STORE_PENDING,
  /* ST_KNOWN */    "SELECT path, sha256 FROM reports ORDER BY path",
  /* ST_ROWS */     "SELECT coalesce(sum(rows), 0) FROM reports",
  /* ST_CONFIG */   "SELECT v FROM assignments_fts_config WHERE k = ?1",
  /* ST_SET */      "INSERT INTO assignments_fts(assignments_fts, rank)"
                    " VALUES(?1, ?2)",
  /* ST_TWIN */     "SELECT path FROM reports WHERE date = ?1 AND sha256 = ?2"
                    " AND path <> ?3 ORDER BY path LIMIT 1",
};

struct store {
  sqlite3 *db;
  sqlite3_stmt *apStmt[ST_COUNT];
  struct vocab *pVocab;
  struct pending *pPending;       /* rows not yet in assignments (db owns) */
  struct link *pLink;             /* series and their links */
  sqlite3_int64 nRowsAtOpen;      /* rows in the index at store_open */
  sqlite3_int64 nChanged;         /* rows inserted and deleted since */
  int aiOwn[STORE_N_OPTION];      /* the index's own aOption values */
  int bBulk;                      /* this transaction runs in bulk mode */
};

/*
** Read the index's row count and its own values of aOption (FTS5's
** defaults when its config table has none), which every bulk transaction
** restores before it commits.
*/
static int store_read_settings(struct store *p){
  sqlite3_stmt *pRows = p->apStmt[ST_ROWS];
  sqlite3_stmt *pCfg = p->apStmt[ST_CONFIG];
  int rc, i;
  if( sqlite3_step(pRows)==SQLITE_ROW ){
    p->nRowsAtOpen = sqlite3_column_int64(pRows, 0);
  }
  rc = sqlite3_reset(pRows);
  for(i=0; rc==SQLITE_OK && i<STORE_N_OPTION; i++){
    p->aiOwn[i] = aOption[i].iDefault;
    sqlite3_bind_text(pCfg, 1, aOption[i].zKey, -1, SQLITE_STATIC);
    if( sqlite3_step(pCfg)==SQLITE_ROW ){
      p->aiOwn[i] = sqlite3_column_int(pCfg, 0);
    }
    rc = sqlite3_reset(pCfg);
  }
  return rc;
}

int store_open(sqlite3 *db, struct store **ppStore){
  struct store *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  int i;
  if( p ) p->db = db;
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db, zPragmas, 0, 0, 0);
  if( rc==SQLITE_OK ) rc = pending_register(db, STORE_PENDING, &p->pPending);
  for(i=0; rc==SQLITE_OK && i<ST_COUNT; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &p->apStmt[i], 0);
  }
  if( rc==SQLITE_OK ) rc = vocab_open(db, &p->pVocab);
  if( rc==SQLITE_OK ) rc = link_open(db, &p->pLink);
  if( rc==SQLITE_OK ) rc = store_read_settings(p);
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
  link_close(p->pLink);
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

int store_twin(struct store *p, const char *zDate, const char *zSha,
               const char *zPath, char **pzOther){
  sqlite3_stmt *pStmt = p->apStmt[ST_TWIN];
  int rc = sqlite3_bind_text(pStmt, 1, zDate, -1, SQLITE_STATIC);
  *pzOther = 0;
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 2, zSha, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 3, zPath, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    *pzOther = sqlite3_mprintf("%s", sqlite3_column_text(pStmt, 0));
    rc = *pzOther ? SQLITE_DONE : SQLITE_NOMEM;
  }
  if( rc==SQLITE_DONE ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
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

/* Set the FTS5 options of aOption to their bulk values or (bBulk 0) to
** the index's own. */
static int store_set_options(struct store *p, int bBulk){
  sqlite3_stmt *pStmt = p->apStmt[ST_SET];
  int rc = SQLITE_OK, i;
  for(i=0; rc==SQLITE_OK && i<STORE_N_OPTION; i++){
    sqlite3_bind_text(pStmt, 1, aOption[i].zKey, -1, SQLITE_STATIC);
    sqlite3_bind_int(pStmt, 2, bBulk ? aOption[i].iBulk : p->aiOwn[i]);
    sqlite3_step(pStmt);
    rc = sqlite3_reset(pStmt);
  }
  return rc;
}

int store_is_bulk(const struct store *p){
  return p->nChanged*STORE_BULK_SHARE >= p->nRowsAtOpen;
}

int store_begin(struct store *p){
  int rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", 0, 0, 0);
  p->bBulk = 0;
  if( rc==SQLITE_OK && store_is_bulk(p) ){
    rc = store_set_options(p, 1);
    p->bBulk = 1;
  }
  return rc;
}

/* Run a reused statement that returns no rows. */
static int store_run(struct store *p, int iStmt){
  sqlite3_step(p->apStmt[iStmt]);
  return sqlite3_reset(p->apStmt[iStmt]);
}

/* Move the staged rows into assignments (and so into the FTS index). */
static int store_move(struct store *p){
  int rc = SQLITE_OK;
  if( pending_rows(p->pPending) ) rc = store_run(p, ST_MOVE);
  pending_clear(p->pPending);
  return rc;
}

int store_link(struct store *p, int *pnLinked){
  int rc = store_move(p);
  if( rc==SQLITE_OK ) rc = link_dirty(p->pLink, -1, pnLinked);
  return rc;
}

/*
** Each series in a transaction of its own: a run's last step, so each
** commit is short and a crash loses at most one series' linking.
*/
int store_link_rest(struct store *p, int *pnLinked){
  int rc = SQLITE_OK, bAny = 1, n = 0;
  while( rc==SQLITE_OK && bAny ){
    rc = link_any_dirty(p->pLink, &bAny);
    if( rc!=SQLITE_OK || !bAny ) break;
    rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", 0, 0, 0);
    if( rc==SQLITE_OK ) rc = link_dirty(p->pLink, 1, &n);
    if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, "COMMIT", 0, 0, 0);
    if( rc==SQLITE_OK ) *pnLinked += n;
    n = 0;
  }
  if( rc!=SQLITE_OK && !sqlite3_get_autocommit(p->db) ){
    sqlite3_exec(p->db, "ROLLBACK", 0, 0, 0);
  }
  return rc;
}

int store_commit(struct store *p){
  int rc = store_move(p);
  if( rc==SQLITE_OK ) rc = vocab_flush(p->pVocab);
  if( rc==SQLITE_OK && p->bBulk ) rc = store_set_options(p, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, "COMMIT", 0, 0, 0);
  if( rc==SQLITE_OK ) p->bBulk = 0;
  return rc;
}

int store_optimize(struct store *p, int *pbDone){
  int rc = SQLITE_OK;
  *pbDone = 0;
  if( p->nChanged==0 || !store_is_bulk(p) ) return SQLITE_OK;
  rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE;"
      " INSERT INTO assignments_fts(assignments_fts) VALUES('optimize');"
      " COMMIT", 0, 0, 0);
  if( rc==SQLITE_OK ) *pbDone = 1;
  return rc;
}

void store_rollback(struct store *p){
  vocab_reset(p->pVocab);
  pending_clear(p->pPending);
  p->bBulk = 0;
  if( !sqlite3_get_autocommit(p->db) ){
    sqlite3_exec(p->db, "ROLLBACK", 0, 0, 0);
  }
}

/* Uncount the words of report iId's rows, then delete it (cascades). */
static int store_delete(struct store *p, sqlite3_int64 iId){
  sqlite3_stmt *pOld = p->apStmt[ST_OLD_ROWS];
  sqlite3_stmt *pDel = p->apStmt[ST_DELETE];
  int rc = SQLITE_OK, rcStep;
  rc = link_touch_report(p->pLink, iId);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pOld, 1, iId);
  while( rc==SQLITE_OK && (rcStep = sqlite3_step(pOld))==SQLITE_ROW ){
    const char *az[3];
    size_t an[3];
    int k;
    for(k=0; k<3; k++){
      az[k] = (const char*)sqlite3_column_text(pOld, k);
      an[k] = (size_t)sqlite3_column_bytes(pOld, k);
    }
    rc = vocab_add_row(p->pVocab, az, an, 3, -1);
    p->nChanged++;
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
  const char *zSlash = strrchr(zPath, '/');
  int nSeries = zSlash ? (int)(zSlash-zPath) : 0;
  int rc = link_touch(p->pLink, zPath, nSeries);
  if( rc!=SQLITE_OK ) return rc;
  rc = sqlite3_bind_text(pStmt, 1, pR->zDate, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 2, pR->zTitle, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 3, zPath, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 4, zSha, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(pStmt, 5, pR->nRow);
  /* the series: the folder that holds the file (paths are canonical) */
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 6, zPath, nSeries,
                                             SQLITE_STATIC);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_step(pStmt);
  rc = sqlite3_reset(pStmt);
  *piId = sqlite3_last_insert_rowid(p->db);
  return rc;
}

/* Row i's status class: aStatus's, or classified here without it. */
static int store_status(const struct report *pR, int i,
                        const struct status_result *aStatus,
                        struct pending_status *pOut){
  struct status_result res;
  const struct report_row *r = &pR->aRow[i];
  if( aStatus ){
    res = aStatus[i];
  }else if( status_classify(r->zStatus, r->nStatus, atoi(pR->zDate),
                            &res)!=STATUS_OK ){
    return SQLITE_NOMEM;
  }
  pOut->zClass = status_class_name(res.eClass);
  pOut->iEvidence = res.iStart;
  pOut->nEvidence = res.iEnd - res.iStart;
  return SQLITE_OK;
}

int store_put(struct store *p, const char *zPath, const char *zSha,
              const struct report *pReport,
              const struct vocab_counts *pCounts,
              const struct status_result *aStatus){
  sqlite3_int64 iOld = 0, iId = 0;
  int rc = store_lookup(p, zPath, &iOld, 0);
  int i;
  if( rc==SQLITE_OK && iOld ) rc = store_delete(p, iOld);
  if( rc==SQLITE_OK ) rc = store_insert_report(p, zPath, zSha, pReport, &iId);
  for(i=0; rc==SQLITE_OK && i<pReport->nRow; i++){
    const struct report_row *r = &pReport->aRow[i];
    struct pending_status st;
    const char *az[3];
    size_t an[3];
    az[0] = r->zAssignment; an[0] = r->nAssignment;
    az[1] = r->zSource;     an[1] = r->nSource;
    az[2] = r->zStatus;     an[2] = r->nStatus;
    rc = store_status(pReport, i, aStatus, &st);
    if( rc==SQLITE_OK ) rc = pending_add(p->pPending, iId, r->iRow, az, an,
                                         &st);
    p->nChanged++;
    if( rc==SQLITE_OK && pCounts==0 ){
      rc = vocab_add_row(p->pVocab, az, an, 3, +1);
    }
  }
  if( rc==SQLITE_OK && pCounts ) rc = vocab_merge(p->pVocab, pCounts);
  if( rc==SQLITE_OK && pending_bytes(p->pPending)>=(p->bBulk
        ? STORE_BULK_STAGE_BYTES : STORE_STAGE_BYTES) ){
    rc = store_move(p);
  }
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
