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
  ST_ROWS, ST_CONFIG, ST_SET, ST_TWIN, ST_MAX_ID, ST_COUNT
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

/*
** A new series is linked before its rows move (link_pending()): linking
** it after the move would read every row back and rewrite it with its id,
** an UPDATE of a wide row whose pages then go through the WAL a second
** time, most of what linking cost. So the rows of a series that the
** writer made in this transaction wait in pending until the next file is
** of another folder (files come sorted, so a folder's files are
** together), up to STORE_HOLD_BYTES of them; the batch is not committed
** meanwhile. Every 6,300-row series of the 21-region lifecycle corpus
** fits. A larger series is let go (its rows move as usual) and linked
** after the move by link_dirty(), as is any series that already had
** reports. Moves keep their size: a hold starts with what is pending
** moved once it is half a move or more, so at most half a move plus a
** hold waits. A hold needs the rows numbered ahead (the threads name
** their latest row by id): each transaction numbers its rows from the
** largest id plus one, as SQLite would.
*/
#define STORE_HOLD_BYTES (8 << 20)

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
  /* ST_MOVE */     "INSERT INTO main.assignments(id, report_id, row,"
                    " assignment, source, status, status_class,"
                    " status_evidence, assignment_id)"
                    " SELECT id, report_id, row, assignment, source, status,"
                    " status_class, status_evidence, assignment_id FROM "
                    STORE_PENDING,
  /* ST_KNOWN */    "SELECT path, sha256 FROM reports ORDER BY path",
  /* ST_ROWS */     "SELECT coalesce(sum(rows), 0) FROM reports",
  /* ST_CONFIG */   "SELECT v FROM assignments_fts_config WHERE k = ?1",
  /* ST_SET */      "INSERT INTO assignments_fts(assignments_fts, rank)"
                    " VALUES(?1, ?2)",
  /* ST_TWIN */     "SELECT path FROM reports WHERE date = ?1 AND sha256 = ?2"
                    " AND path <> ?3 ORDER BY path LIMIT 1",
  /* ST_MAX_ID */   "SELECT coalesce(max(id), 0) FROM assignments",
};

/* The reports of a new series whose rows wait in pending (above). */
struct store_hold {
  char *zSeries;                  /* its path (malloc), NULL: none held */
  int nSeries;
  size_t nBytesAtStart;           /* pending_bytes() when it began */
  struct link_report *aRep;       /* its reports, strings in azOwn */
  char **azOwn;
  int nRep, nAlloc;
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
  int bNoHold;                    /* link nothing before the move */
  int bNumbered;                  /* this transaction numbers its rows */
  struct store_hold hold;
  int nHeldLinked;                /* series linked from a hold, not yet
                                  ** reported by store_link*() */
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

/* Forget what is held (its rows stay in pending, its series unlinked). */
static void hold_clear(struct store_hold *h){
  int i;
  for(i=0; i<h->nRep; i++){
    free(h->azOwn[i]);
    assign_pre_clear(h->aRep[i].aPre, h->aRep[i].nRow);
    free(h->aRep[i].aPre);
  }
  h->nRep = 0;
  free(h->zSeries);
  h->zSeries = 0;
  h->nSeries = 0;
}

/* Is the series z[0..n) the one held? */
static int hold_is(const struct store_hold *h, const char *z, int n){
  return h->zSeries && h->nSeries==n && memcmp(h->zSeries, z, (size_t)n)==0;
}

/* Keep a report of the held series: its date, path and rows in pending,
** and what was made ahead of them (taken: *paPre becomes NULL). */
static int hold_add(struct store_hold *h, const char *zDate, const char *zPath,
                    size_t iFirst, int nRow, struct assign_pre **paPre){
  size_t nDate = strlen(zDate), nPath = strlen(zPath);
  char *z;
  if( h->nRep==h->nAlloc ){
    int nNew = h->nAlloc ? 2*h->nAlloc : 64;
    struct link_report *aRep = realloc(h->aRep, sizeof(*aRep)*(size_t)nNew);
    char **azOwn;
    if( aRep==0 ) return SQLITE_NOMEM;
    h->aRep = aRep;
    azOwn = realloc(h->azOwn, sizeof(*azOwn)*(size_t)nNew);
    if( azOwn==0 ) return SQLITE_NOMEM;
    h->azOwn = azOwn;
    h->nAlloc = nNew;
  }
  z = malloc(nDate + nPath + 2);
  if( z==0 ) return SQLITE_NOMEM;
  memcpy(z, zDate, nDate+1);
  memcpy(z+nDate+1, zPath, nPath+1);
  h->azOwn[h->nRep] = z;
  h->aRep[h->nRep].zDate = z;
  h->aRep[h->nRep].zPath = z+nDate+1;
  h->aRep[h->nRep].iFirst = iFirst;
  h->aRep[h->nRep].nRow = nRow;
  h->aRep[h->nRep].aPre = paPre ? *paPre : 0;
  if( paPre ) *paPre = 0;
  h->nRep++;
  return SQLITE_OK;
}

void store_close(struct store *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<ST_COUNT; i++) sqlite3_finalize(p->apStmt[i]);
  vocab_close(p->pVocab);
  link_close(p->pLink);
  hold_clear(&p->hold);
  free(p->hold.aRep);
  free(p->hold.azOwn);
  free(p);
}

void store_set_linking(struct store *p, int bLink){
  p->bNoHold = !bLink;
}

int store_holding(const struct store *p){
  return p->hold.zSeries!=0;
}

/* The series of zPath: its first *pn bytes (the folder; paths are
** canonical). */
static void store_series(const char *zPath, int *pn){
  const char *zSlash = strrchr(zPath, '/');
  *pn = zSlash ? (int)(zSlash-zPath) : 0;
}

int store_end_series(struct store *p, const char *zNext){
  struct store_hold *h = &p->hold;
  int rc, nNext = 0, bLinked = 0;
  if( h->zSeries==0 ) return SQLITE_OK;
  if( zNext ){
    store_series(zNext, &nNext);
    if( hold_is(h, zNext, nNext) ) return SQLITE_OK;
  }
  rc = link_pending(p->pLink, h->zSeries, h->nSeries, p->pPending, h->aRep,
                    h->nRep, &bLinked);
  if( rc==SQLITE_OK ) p->nHeldLinked += bLinked;
  hold_clear(h);
  return rc;
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

/*
** Number the transaction's rows from the largest id plus one (what SQLite
** would give them), so that a hold can name them; not with --no-link, and
** not near the end of the id range.
*/
static int store_number(struct store *p){
  sqlite3_stmt *pStmt = p->apStmt[ST_MAX_ID];
  sqlite3_int64 iMax = -1;
  int rc;
  p->bNumbered = 0;
  pending_set_next_id(p->pPending, 0);
  if( p->bNoHold ) return SQLITE_OK;
  if( sqlite3_step(pStmt)==SQLITE_ROW ) iMax = sqlite3_column_int64(pStmt, 0);
  rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK && iMax>=0 && iMax<((sqlite3_int64)1 << 62) ){
    pending_set_next_id(p->pPending, iMax+1);
    p->bNumbered = 1;
  }
  return rc;
}

int store_begin(struct store *p){
  int rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", 0, 0, 0);
  p->bBulk = 0;
  if( rc==SQLITE_OK && store_is_bulk(p) ){
    rc = store_set_options(p, 1);
    p->bBulk = 1;
  }
  if( rc==SQLITE_OK ) rc = store_number(p);
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
  int rc = store_end_series(p, 0);
  if( rc==SQLITE_OK ) rc = store_move(p);
  if( rc==SQLITE_OK ) rc = link_dirty(p->pLink, -1, pnLinked);
  *pnLinked += p->nHeldLinked;
  p->nHeldLinked = 0;
  return rc;
}

/*
** Each series in a transaction of its own: a run's last step, so each
** commit is short and a crash loses at most one series' linking.
*/
int store_link_rest(struct store *p, int *pnLinked){
  int rc = SQLITE_OK, bAny = 1, n = 0;
  *pnLinked += p->nHeldLinked;
  p->nHeldLinked = 0;
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
  int rc = store_end_series(p, 0);
  if( rc==SQLITE_OK ) rc = store_move(p);
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
  hold_clear(&p->hold);
  p->nHeldLinked = 0;
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

/*
** Insert the report's row in reports (series: zPath's first nSeries bytes);
** *piId gets its id, *pbNew whether its series is new.
*/
static int store_insert_report(struct store *p, const char *zPath,
                               int nSeries, const char *zSha,
                               const struct report *pR, sqlite3_int64 *piId,
                               int *pbNew){
  sqlite3_stmt *pStmt = p->apStmt[ST_REPORT];
  int rc = link_touch(p->pLink, zPath, nSeries, pbNew);
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

/* The move size of this transaction. */
static size_t store_stage(const struct store *p){
  return p->bBulk ? STORE_BULK_STAGE_BYTES : STORE_STAGE_BYTES;
}

/* Hold the new series zPath[0..nSeries), moving what waits first if it is
** half a move or more. */
static int store_hold_begin(struct store *p, const char *zPath, int nSeries){
  struct store_hold *h = &p->hold;
  int rc = SQLITE_OK;
  if( pending_bytes(p->pPending) >= store_stage(p)/2 ) rc = store_move(p);
  if( rc!=SQLITE_OK ) return rc;
  h->zSeries = malloc((size_t)nSeries + 1);
  if( h->zSeries==0 ) return SQLITE_NOMEM;
  memcpy(h->zSeries, zPath, (size_t)nSeries);
  h->zSeries[nSeries] = 0;
  h->nSeries = nSeries;
  h->nBytesAtStart = pending_bytes(p->pPending);
  return SQLITE_OK;
}

/* After a report's rows went into pending (from row iFirst): keep it in
** the hold, or let a hold that grew too big go; move if it is time. */
static int store_hold_after(struct store *p, const char *zPath, int nSeries,
                            const struct report *pR, size_t iFirst,
                            struct assign_pre **paPre){
  struct store_hold *h = &p->hold;
  int rc = SQLITE_OK;
  if( hold_is(h, zPath, nSeries) ){
    rc = hold_add(h, pR->zDate, zPath, iFirst, pR->nRow, paPre);
    if( pending_bytes(p->pPending) - h->nBytesAtStart > STORE_HOLD_BYTES ){
      hold_clear(h);
    }
  }
  if( rc==SQLITE_OK && h->zSeries==0
   && pending_bytes(p->pPending)>=store_stage(p) ){
    rc = store_move(p);
  }
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
              const struct status_result *aStatus,
              struct assign_pre **paPre){
  sqlite3_int64 iOld = 0, iId = 0;
  int rc = store_lookup(p, zPath, &iOld, 0);
  int i, nSeries, bNew = 0;
  size_t iFirst;
  store_series(zPath, &nSeries);
  if( rc==SQLITE_OK && store_holding(p) && !hold_is(&p->hold, zPath, nSeries) ){
    rc = store_end_series(p, 0);
  }
  if( rc==SQLITE_OK && iOld ) rc = store_delete(p, iOld);
  if( rc==SQLITE_OK ) rc = store_insert_report(p, zPath, nSeries, zSha,
                                               pReport, &iId, &bNew);
  if( rc==SQLITE_OK && bNew && p->bNumbered && !store_holding(p) ){
    rc = store_hold_begin(p, zPath, nSeries);
  }
  iFirst = pending_rows(p->pPending);
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
  if( rc==SQLITE_OK ) rc = store_hold_after(p, zPath, nSeries, pReport,
                                            iFirst, paPre);
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
  int rc = store_end_series(p, 0), rcStep;
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
