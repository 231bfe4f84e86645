/*
** link.c: series, assignment ids and threads in the index (link.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "hash.h"
#include "link.h"
#include "pending.h"
#include "status.h"

#define LINK_ID_MAX (LINK_TAG_LEN + 1 + ASSIGN_ID_MAX)

/* The statements of a link object; the order of azSql. */
enum {
  L_FIND, L_TAG_USED, L_ADD_SERIES, L_UNLINK, L_UNLINK_REPORT, L_DIRTY,
  L_NEWEST, L_TEXTS, L_REPORTS, L_REPORT_ROWS, L_SET_ID, L_DEL_THREADS,
  L_ADD_THREAD, L_DEL_SERIES, L_LINKED, L_TAG, L_N_REPORTS, L_COUNT
};

static const char *const azSql[L_COUNT] = {
  /* L_FIND */     "SELECT linked FROM series WHERE path = ?1",
  /* L_TAG_USED */ "SELECT 1 FROM series WHERE tag = ?1",
  /* L_ADD_SERIES */ "INSERT INTO series(path, tag, linked) VALUES(?1, ?2, 0)",
  /* L_UNLINK */   "UPDATE series SET linked = 0 WHERE path = ?1",
  /* L_UNLINK_REPORT */ "UPDATE series SET linked = 0 WHERE linked <> 0 AND"
                   " path = (SELECT series FROM reports WHERE id = ?1)",
  /* L_DIRTY */    "SELECT path, tag FROM series WHERE linked = 0"
                   " ORDER BY path LIMIT 1",
  /* L_NEWEST */   "SELECT max(date) FROM reports WHERE series = ?1"
                   " AND rows > 0",
  /* L_TEXTS */    "SELECT a.assignment, a.source FROM reports r"
                   " JOIN assignments a ON a.report_id = r.id"
                   " WHERE r.series = ?1",
  /* L_REPORTS */  "SELECT id, date, path FROM reports WHERE series = ?1"
                   " ORDER BY date, path",
  /* L_REPORT_ROWS */ "SELECT id, row, assignment, source, status_class,"
                   " assignment_id FROM assignments WHERE report_id = ?1"
                   " ORDER BY row",
  /* L_SET_ID */   "UPDATE assignments SET assignment_id = ?1 WHERE id = ?2",
  /* L_DEL_THREADS */ "DELETE FROM assignment_threads WHERE series = ?1",
  /* L_ADD_THREAD */ "INSERT INTO assignment_threads(id, series, first_seen,"
                   " last_seen, occurrences, open, status_class, latest)"
                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
  /* L_DEL_SERIES */ "DELETE FROM series WHERE path = ?1",
  /* L_LINKED */   "UPDATE series SET linked = 1 WHERE path = ?1",
  /* L_TAG */      "SELECT tag FROM series WHERE path = ?1",
  /* L_N_REPORTS */ "SELECT count(*) FROM reports WHERE series = ?1",
};

struct link {
  sqlite3 *db;
  sqlite3_stmt *apStmt[L_COUNT];
};

/* One row of a report as read: offsets into the report's text buffer. */
struct lrow {
  sqlite3_int64 iId;
  size_t oA, oS, oOld;
  size_t nA, nS;
  int iRow, eClass, bOld;
};

/*
** A series being linked: what is kept of it at any time is one report's
** rows (the stream keeps the rest: assign.h).
*/
struct series {
  struct link *p;
  const char *zPath, *zTag;
  char zNewest[11];               /* date of its newest report, "" if none */
  int rc;                         /* of the last thread written */
  struct lrow *aRow;              /* the rows of the report being linked */
  int nRow, nAlloc;
  char *zBuf;                     /* their texts, NUL-terminated */
  size_t nBuf, nBufAlloc;
  struct assign_row *aIn;         /* per row: as the stream takes it */
  int *aCluster;                  /* per row: its assignment */
  const char **azId;              /* per row: its id within the series */
  uint64_t *aHash;                /* per row: its raw text's hash, when
                                  ** made ahead (link_report.aPre) */
};

int link_open(sqlite3 *db, struct link **pp){
  struct link *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  int i;
  if( p ) p->db = db;
  for(i=0; rc==SQLITE_OK && i<L_COUNT; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &p->apStmt[i], 0);
  }
  if( rc!=SQLITE_OK ){
    link_close(p);
    p = 0;
  }
  *pp = p;
  return rc;
}

void link_close(struct link *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<L_COUNT; i++) sqlite3_finalize(p->apStmt[i]);
  free(p);
}

/* Step a statement that returns at most one row; *pbRow says if it did. */
static int link_step1(sqlite3_stmt *pStmt, int *pbRow){
  int rc = sqlite3_step(pStmt);
  if( pbRow ) *pbRow = rc==SQLITE_ROW;
  if( rc==SQLITE_ROW || rc==SQLITE_DONE ) return SQLITE_OK;
  return sqlite3_reset(pStmt);
}

/* Run statement i, which returns no rows, with text ?1 (and ?2). */
static int link_run_text(struct link *p, int i, const char *z1, int n1,
                         const char *z2){
  sqlite3_stmt *pStmt = p->apStmt[i];
  int rc = sqlite3_bind_text(pStmt, 1, z1, n1, SQLITE_STATIC);
  if( rc==SQLITE_OK && z2 ){
    rc = sqlite3_bind_text(pStmt, 2, z2, -1, SQLITE_STATIC);
  }
  if( rc==SQLITE_OK ) sqlite3_step(pStmt);
  return sqlite3_reset(pStmt);
}

/* The k-th candidate tag of the series z[0..n) (k from 1; link.h). */
static void link_tag(const char *z, int n, int k, char *zTag){
  uint64_t h = hash_fnv1a(z, (size_t)n);
  if( k>1 ){
    char zSalt[16];
    int nSalt = snprintf(zSalt, sizeof(zSalt), "#%d", k);
    h = hash_fnv1a_more(h, zSalt, (size_t)nSalt);
  }
  snprintf(zTag, LINK_TAG_LEN+1, "%08x", (unsigned)(h ^ (h>>32)));
}

/* Add the series z[0..n) with the first free tag, dirty. */
static int link_add_series(struct link *p, const char *z, int n){
  sqlite3_stmt *pUsed = p->apStmt[L_TAG_USED];
  char zTag[LINK_TAG_LEN+1];
  int rc = SQLITE_OK, bUsed = 1, k;
  for(k=1; rc==SQLITE_OK && bUsed; k++){
    link_tag(z, n, k, zTag);
    rc = sqlite3_bind_text(pUsed, 1, zTag, -1, SQLITE_STATIC);
    if( rc==SQLITE_OK ) rc = link_step1(pUsed, &bUsed);
    if( rc==SQLITE_OK ) rc = sqlite3_reset(pUsed);
  }
  if( rc==SQLITE_OK ) rc = link_run_text(p, L_ADD_SERIES, z, n, zTag);
  return rc;
}

int link_touch(struct link *p, const char *zSeries, int nSeries, int *pbNew){
  sqlite3_stmt *pFind = p->apStmt[L_FIND];
  int rc = sqlite3_bind_text(pFind, 1, zSeries, nSeries, SQLITE_STATIC);
  int bFound = 0, bLinked = 0;
  if( pbNew ) *pbNew = 0;
  if( rc==SQLITE_OK ) rc = link_step1(pFind, &bFound);
  if( rc==SQLITE_OK && bFound ) bLinked = sqlite3_column_int(pFind, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pFind);
  if( rc!=SQLITE_OK ) return rc;
  if( !bFound ){
    rc = link_add_series(p, zSeries, nSeries);
    if( rc==SQLITE_OK && pbNew ) *pbNew = 1;
    return rc;
  }
  if( bLinked ) return link_run_text(p, L_UNLINK, zSeries, nSeries, 0);
  return SQLITE_OK;
}

int link_touch_report(struct link *p, sqlite3_int64 iReport){
  sqlite3_stmt *pStmt = p->apStmt[L_UNLINK_REPORT];
  int rc = sqlite3_bind_int64(pStmt, 1, iReport);
  if( rc==SQLITE_OK ) sqlite3_step(pStmt);
  return sqlite3_reset(pStmt);
}

int link_any_dirty(struct link *p, int *pbAny){
  sqlite3_stmt *pStmt = p->apStmt[L_DIRTY];
  int rc = link_step1(pStmt, pbAny);
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  return rc;
}

/* Copy n bytes of z with a NUL into the report's buffer; *pOff where. */
static int series_keep(struct series *s, const void *z, size_t n,
                       size_t *pOff){
  if( s->nBuf + n + 1 > s->nBufAlloc ){
    size_t nNew = s->nBufAlloc ? s->nBufAlloc*2 : 65536;
    char *zNew;
    while( nNew < s->nBuf + n + 1 ) nNew *= 2;
    zNew = realloc(s->zBuf, nNew);
    if( zNew==0 ) return SQLITE_NOMEM;
    s->zBuf = zNew;
    s->nBufAlloc = nNew;
  }
  *pOff = s->nBuf;
  if( n ) memcpy(&s->zBuf[s->nBuf], z, n);
  s->zBuf[s->nBuf + n] = 0;
  s->nBuf += n + 1;
  return SQLITE_OK;
}

/* Keep text column i of pStmt; *pOff where, *pn its length. */
static int series_keep_col(struct series *s, sqlite3_stmt *pStmt, int i,
                           size_t *pOff, size_t *pn){
  const unsigned char *z = sqlite3_column_text(pStmt, i);
  size_t n = (size_t)sqlite3_column_bytes(pStmt, i);
  if( z==0 && sqlite3_column_type(pStmt, i)!=SQLITE_NULL ) return SQLITE_NOMEM;
  if( pn ) *pn = n;
  return series_keep(s, z ? (const char*)z : "", n, pOff);
}

/* Room for one more row in s and in its per-row arrays. */
static int series_grow(struct series *s){
  int nNew = s->nAlloc ? s->nAlloc*2 : 64;
  struct lrow *aRow = realloc(s->aRow, sizeof(*aRow)*(size_t)nNew);
  struct assign_row *aIn;
  int *aCluster;
  const char **azId;
  uint64_t *aHash;
  if( aRow==0 ) return SQLITE_NOMEM;
  s->aRow = aRow;
  aIn = realloc(s->aIn, sizeof(*aIn)*(size_t)nNew);
  if( aIn==0 ) return SQLITE_NOMEM;
  s->aIn = aIn;
  aCluster = realloc(s->aCluster, sizeof(*aCluster)*(size_t)nNew);
  if( aCluster==0 ) return SQLITE_NOMEM;
  s->aCluster = aCluster;
  azId = realloc(s->azId, sizeof(*azId)*(size_t)nNew);
  if( azId==0 ) return SQLITE_NOMEM;
  s->azId = azId;
  aHash = realloc(s->aHash, sizeof(*aHash)*(size_t)nNew);
  if( aHash==0 ) return SQLITE_NOMEM;
  s->aHash = aHash;
  s->nAlloc = nNew;
  return SQLITE_OK;
}

/* Take the current row of L_REPORT_ROWS into s. */
static int series_add_row(struct series *s, sqlite3_stmt *pStmt){
  struct lrow *r;
  const char *zClass;
  int rc = s->nRow==s->nAlloc ? series_grow(s) : SQLITE_OK;
  if( rc!=SQLITE_OK ) return rc;
  r = &s->aRow[s->nRow];
  memset(r, 0, sizeof(*r));
  r->iId = sqlite3_column_int64(pStmt, 0);
  r->iRow = sqlite3_column_int(pStmt, 1);
  zClass = (const char*)sqlite3_column_text(pStmt, 4);
  r->eClass = zClass ? status_class_from_name(zClass) : -1;
  if( r->eClass<0 ) r->eClass = STATUS_UNKNOWN;
  r->bOld = sqlite3_column_type(pStmt, 5)!=SQLITE_NULL;
  rc = series_keep_col(s, pStmt, 2, &r->oA, &r->nA);
  if( rc==SQLITE_OK ) rc = series_keep_col(s, pStmt, 3, &r->oS, &r->nS);
  if( rc==SQLITE_OK ) rc = series_keep_col(s, pStmt, 5, &r->oOld, 0);
  if( rc==SQLITE_OK ) s->nRow++;
  return rc;
}

/* Read the rows of report iReport into s, in row order. */
static int series_read_report(struct link *p, struct series *s,
                              sqlite3_int64 iReport){
  sqlite3_stmt *pRows = p->apStmt[L_REPORT_ROWS];
  int rc = sqlite3_bind_int64(pRows, 1, iReport), rcStep = SQLITE_OK;
  s->nRow = 0;
  s->nBuf = 0;
  while( rc==SQLITE_OK && (rcStep = sqlite3_step(pRows))==SQLITE_ROW ){
    rc = series_add_row(s, pRows);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pRows);
  else sqlite3_reset(pRows);
  return rc;
}

/* The series' newest report date into s->zNewest ("" if none). */
static int series_newest(struct link *p, struct series *s){
  sqlite3_stmt *pNew = p->apStmt[L_NEWEST];
  int rc = sqlite3_bind_text(pNew, 1, s->zPath, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = link_step1(pNew, 0);
  if( rc==SQLITE_OK && sqlite3_column_text(pNew, 0) ){
    snprintf(s->zNewest, sizeof(s->zNewest), "%s",
             (const char*)sqlite3_column_text(pNew, 0));
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pNew);
  else sqlite3_reset(pNew);
  return rc;
}

/* "TAG-" and the id zId within the series into zFull (LINK_ID_MAX bytes);
** returns its length. A copy, not snprintf: it runs once a row. */
static size_t link_full_id(const char *zTag, const char *zId, char *zFull){
  size_t nTag = strlen(zTag), nId = strlen(zId);
  if( nTag>LINK_TAG_LEN ) nTag = LINK_TAG_LEN;
  if( nId>ASSIGN_ID_MAX-1 ) nId = ASSIGN_ID_MAX-1;
  memcpy(zFull, zTag, nTag);
  zFull[nTag] = '-';
  memcpy(zFull+nTag+1, zId, nId);
  zFull[nTag+1+nId] = 0;
  return nTag+1+nId;
}

/* Write row i's id ("TAG-" and zId) if it differs from the one it has. */
static int series_set_id(struct link *p, const struct series *s, int i,
                         const char *zId){
  const struct lrow *r = &s->aRow[i];
  sqlite3_stmt *pStmt = p->apStmt[L_SET_ID];
  char zFull[LINK_ID_MAX];
  int rc;
  link_full_id(s->zTag, zId, zFull);
  if( r->bOld && strcmp(&s->zBuf[r->oOld], zFull)==0 ) return SQLITE_OK;
  rc = sqlite3_bind_text(pStmt, 1, zFull, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 2, r->iId);
  if( rc==SQLITE_OK ) sqlite3_step(pStmt);
  return sqlite3_reset(pStmt);
}

/*
** xDone of the stream: insert the thread of an assignment that is over
** (or still live at the end). Open when its latest row is in a report of
** the series' newest date.
*/
static int series_add_thread(void *pCtx, const struct assign_thread *t){
  struct series *s = pCtx;
  sqlite3_stmt *pStmt = s->p->apStmt[L_ADD_THREAD];
  char zId[LINK_ID_MAX];
  int rc;
  link_full_id(s->zTag, t->zId, zId);
  rc = sqlite3_bind_text(pStmt, 1, zId, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 2, s->zPath, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 3, t->zFirst, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 4, t->zLast, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(pStmt, 5, t->nOcc);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int(pStmt, 6,
                                            strcmp(t->zLast, s->zNewest)==0);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 7,
                     status_class_name((enum status_class)t->eStatus), -1,
                     SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_int64(pStmt, 8, t->iLatest);
  if( rc==SQLITE_OK ) sqlite3_step(pStmt);
  rc = sqlite3_reset(pStmt);
  s->rc = rc;
  return rc!=SQLITE_OK;
}

/* The SQLite code of an assign_stream_*() result. */
static int series_rc(const struct series *s, int rcAssign){
  switch( rcAssign ){
    case ASSIGN_OK:    return SQLITE_OK;
    case ASSIGN_NOMEM: return SQLITE_NOMEM;
    case ASSIGN_ABORT: return s->rc!=SQLITE_OK ? s->rc : SQLITE_ABORT;
    default:           return SQLITE_MISUSE;
  }
}

/* Count every row of the series into the stream's term weights. */
static int series_count(struct link *p, struct series *s,
                        struct assign_stream *pStream){
  sqlite3_stmt *pTexts = p->apStmt[L_TEXTS];
  int rc = sqlite3_bind_text(pTexts, 1, s->zPath, -1, SQLITE_STATIC);
  while( rc==SQLITE_OK && sqlite3_step(pTexts)==SQLITE_ROW ){
    const char *zA = (const char*)sqlite3_column_text(pTexts, 0);
    size_t nA = (size_t)sqlite3_column_bytes(pTexts, 0);
    const char *zS = (const char*)sqlite3_column_text(pTexts, 1);
    size_t nS = (size_t)sqlite3_column_bytes(pTexts, 1);
    if( (zA==0 && nA) || (zS==0 && nS) ){
      rc = SQLITE_NOMEM;
    }else{
      rc = series_rc(s, assign_stream_count(pStream, zA, nA, zS, nS));
    }
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pTexts);
  else sqlite3_reset(pTexts);
  return rc;
}

/* Link the rows of s, one report of date zDate at zPath, and write ids. */
static int series_report(struct link *p, struct series *s,
                         struct assign_stream *pStream, const char *zDate,
                         const char *zPath){
  int i, rc;
  for(i=0; i<s->nRow; i++){
    const struct lrow *r = &s->aRow[i];
    struct assign_row *a = &s->aIn[i];
    a->zDate = zDate;
    a->zReport = zPath;
    a->iRow = r->iRow;
    a->zAssignment = &s->zBuf[r->oA];
    a->nAssignment = r->nA;
    a->zSource = &s->zBuf[r->oS];
    a->nSource = r->nS;
    a->eStatus = r->eClass;
    a->iId = r->iId;
  }
  rc = series_rc(s, assign_stream_report(pStream, s->aIn, s->nRow,
                                         s->aCluster, s->azId));
  for(i=0; rc==SQLITE_OK && i<s->nRow; i++){
    rc = series_set_id(p, s, i, s->azId[i]);
  }
  return rc;
}

/* Link the series report by report, oldest first, writing as it goes. */
static int series_reports(struct link *p, struct series *s,
                          struct assign_stream *pStream){
  sqlite3_stmt *pRep = p->apStmt[L_REPORTS];
  int rc = sqlite3_bind_text(pRep, 1, s->zPath, -1, SQLITE_STATIC);
  while( rc==SQLITE_OK && sqlite3_step(pRep)==SQLITE_ROW ){
    const char *zDate = (const char*)sqlite3_column_text(pRep, 1);
    const char *zPath = (const char*)sqlite3_column_text(pRep, 2);
    if( zDate==0 || zPath==0 ){
      rc = SQLITE_NOMEM;
      break;
    }
    rc = series_read_report(p, s, sqlite3_column_int64(pRep, 0));
    if( rc==SQLITE_OK ) rc = series_report(p, s, pStream, zDate, zPath);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pRep);
  else sqlite3_reset(pRep);
  return rc;
}

/* Link the series s: count, drop its threads, link report by report. */
static int series_link(struct link *p, struct series *s){
  struct assign_stream *pStream = 0;
  int rc = series_rc(s, assign_stream_new(series_add_thread, s, &pStream));
  if( rc==SQLITE_OK ) rc = series_count(p, s, pStream);
  if( rc==SQLITE_OK ) rc = link_run_text(p, L_DEL_THREADS, s->zPath, -1, 0);
  if( rc==SQLITE_OK ) rc = series_reports(p, s, pStream);
  if( rc==SQLITE_OK ) rc = series_rc(s, assign_stream_finish(pStream));
  assign_stream_free(pStream);
  return rc;
}

/* Link the series at path zPath with tag zTag, or drop it if empty. */
static int link_one(struct link *p, const char *zPath, const char *zTag){
  struct series s;
  int rc;
  memset(&s, 0, sizeof(s));
  s.p = p;
  s.zPath = zPath;
  s.zTag = zTag;
  rc = series_newest(p, &s);
  if( rc==SQLITE_OK && s.zNewest[0]==0 ){      /* no report left */
    rc = link_run_text(p, L_DEL_THREADS, zPath, -1, 0);
    if( rc==SQLITE_OK ) rc = link_run_text(p, L_DEL_SERIES, zPath, -1, 0);
  }else if( rc==SQLITE_OK ){
    rc = series_link(p, &s);
    if( rc==SQLITE_OK ) rc = link_run_text(p, L_LINKED, zPath, -1, 0);
  }
  free(s.aRow);
  free(s.zBuf);
  free(s.aIn);
  free(s.aCluster);
  free(s.azId);
  free(s.aHash);
  return rc;
}

int link_dirty(struct link *p, int nMax, int *pnLinked){
  sqlite3_stmt *pDirty = p->apStmt[L_DIRTY];
  int rc = SQLITE_OK, n;
  for(n=0; rc==SQLITE_OK && (nMax<0 || n<nMax); n++){
    char *zPath = 0, *zTag = 0;
    int bRow = 0;
    rc = link_step1(pDirty, &bRow);
    if( rc==SQLITE_OK && bRow ){
      zPath = sqlite3_mprintf("%s", sqlite3_column_text(pDirty, 0));
      zTag = sqlite3_mprintf("%s", sqlite3_column_text(pDirty, 1));
      if( zPath==0 || zTag==0 ) rc = SQLITE_NOMEM;
    }
    if( rc==SQLITE_OK ) rc = sqlite3_reset(pDirty);
    else sqlite3_reset(pDirty);
    if( rc==SQLITE_OK && bRow ) rc = link_one(p, zPath, zTag);
    sqlite3_free(zPath);
    sqlite3_free(zTag);
    if( rc==SQLITE_OK && !bRow ) break;
    if( rc==SQLITE_OK ) (*pnLinked)++;
  }
  return rc;
}

/* Reports in the order a series is linked: date, then path (L_REPORTS). */
static int link_report_cmp(const void *pa, const void *pb){
  const struct link_report *a = pa, *b = pb;
  int c = strcmp(a->zDate, b->zDate);
  return c ? c : strcmp(a->zPath, b->zPath);
}

/* Is aRep[0..nRep) every report the index holds of the series s? */
static int pend_whole(struct link *p, const struct series *s, int nRep,
                      int *pbWhole){
  sqlite3_stmt *pStmt = p->apStmt[L_N_REPORTS];
  int rc = sqlite3_bind_text(pStmt, 1, s->zPath, -1, SQLITE_STATIC);
  *pbWhole = 0;
  if( rc==SQLITE_OK ) rc = link_step1(pStmt, 0);
  if( rc==SQLITE_OK ) *pbWhole = sqlite3_column_int64(pStmt, 0)==nRep;
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  return rc;
}

/* The tag of the series s into zTag (LINK_TAG_LEN+1 bytes). */
static int pend_tag(struct link *p, const struct series *s, char *zTag){
  sqlite3_stmt *pStmt = p->apStmt[L_TAG];
  int rc = sqlite3_bind_text(pStmt, 1, s->zPath, -1, SQLITE_STATIC), bRow = 0;
  if( rc==SQLITE_OK ) rc = link_step1(pStmt, &bRow);
  if( rc==SQLITE_OK && !bRow ) rc = SQLITE_CORRUPT;   /* link_touch made it */
  if( rc==SQLITE_OK ){
    snprintf(zTag, LINK_TAG_LEN+1, "%s", sqlite3_column_text(pStmt, 0));
  }
  if( rc==SQLITE_OK ) rc = sqlite3_reset(pStmt);
  else sqlite3_reset(pStmt);
  return rc;
}

/*
** Count the held rows into the stream's term weights; the newest date.
** The reports in the order they were held: the order in which the reader
** made keys ahead, so the first row of each text is the one with its key.
*/
static int pend_count(struct series *s, struct assign_stream *pStream,
                      const struct pending *pPend,
                      struct link_report *aRep, int nRep){
  int i, j, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<nRep; i++){
    struct link_report *r = &aRep[i];
    if( r->nRow>0 && strcmp(r->zDate, s->zNewest)>0 ){
      snprintf(s->zNewest, sizeof(s->zNewest), "%s", r->zDate);
    }
    for(j=0; rc==SQLITE_OK && j<r->nRow; j++){
      const char *zA, *zS;
      size_t nA, nS;
      pending_text(pPend, r->iFirst + (size_t)j, 0, &zA, &nA);
      pending_text(pPend, r->iFirst + (size_t)j, 1, &zS, &nS);
      rc = series_rc(s, assign_stream_count_pre(pStream, zA, nA, zS, nS,
                                        r->aPre ? &r->aPre[j] : 0));
    }
  }
  return rc;
}

/* Link the held rows of report r and set their assignment ids. */
static int pend_report(struct series *s, struct assign_stream *pStream,
                       struct pending *pPend, const struct link_report *r){
  int i, rc = SQLITE_OK;
  while( rc==SQLITE_OK && s->nAlloc<r->nRow ) rc = series_grow(s);
  for(i=0; rc==SQLITE_OK && i<r->nRow; i++){
    struct assign_row *a = &s->aIn[i];
    size_t k = r->iFirst + (size_t)i;
    int eClass = status_class_from_name(pending_class(pPend, k));
    a->zDate = r->zDate;
    a->zReport = r->zPath;
    a->iRow = pending_row_no(pPend, k);
    pending_text(pPend, k, 0, &a->zAssignment, &a->nAssignment);
    pending_text(pPend, k, 1, &a->zSource, &a->nSource);
    a->eStatus = eClass<0 ? STATUS_UNKNOWN : eClass;
    a->iId = pending_id(pPend, k);
    if( r->aPre ) s->aHash[i] = r->aPre[i].h;
  }
  if( rc==SQLITE_OK ){
    rc = series_rc(s, assign_stream_report_pre(pStream, s->aIn, r->nRow,
                                  r->aPre ? s->aHash : 0, s->aCluster,
                                  s->azId));
  }
  for(i=0; rc==SQLITE_OK && i<r->nRow; i++){
    char zFull[LINK_ID_MAX];
    size_t n = link_full_id(s->zTag, s->azId[i], zFull);
    rc = pending_set_assignment_id(pPend, r->iFirst + (size_t)i, zFull, n);
  }
  return rc;
}

/* Link the series s from its held reports aRep (sorted here). */
static int pend_link(struct link *p, struct series *s, struct pending *pPend,
                     struct link_report *aRep, int nRep){
  struct assign_stream *pStream = 0;
  int rc = series_rc(s, assign_stream_new(series_add_thread, s, &pStream));
  int i;
  if( rc==SQLITE_OK ) rc = pend_count(s, pStream, pPend, aRep, nRep);
  qsort(aRep, (size_t)nRep, sizeof(*aRep), link_report_cmp);
  if( rc==SQLITE_OK ) rc = link_run_text(p, L_DEL_THREADS, s->zPath, -1, 0);
  for(i=0; rc==SQLITE_OK && i<nRep; i++){
    rc = pend_report(s, pStream, pPend, &aRep[i]);
  }
  if( rc==SQLITE_OK ) rc = series_rc(s, assign_stream_finish(pStream));
  if( rc==SQLITE_OK ) rc = link_run_text(p, L_LINKED, s->zPath, -1, 0);
  assign_stream_free(pStream);
  return rc;
}

int link_pending(struct link *p, const char *zSeries, int nSeries,
                 struct pending *pPend, struct link_report *aRep, int nRep,
                 int *pbLinked){
  struct series s;
  char zTag[LINK_TAG_LEN+1];
  char *zPath = sqlite3_mprintf("%.*s", nSeries, zSeries);
  int rc = zPath ? SQLITE_OK : SQLITE_NOMEM, bWhole = 0;
  *pbLinked = 0;
  memset(&s, 0, sizeof(s));
  s.p = p;
  s.zPath = zPath;
  s.zTag = zTag;
  if( rc==SQLITE_OK ) rc = pend_whole(p, &s, nRep, &bWhole);
  if( rc==SQLITE_OK && bWhole ) rc = pend_tag(p, &s, zTag);
  if( rc==SQLITE_OK && bWhole ) rc = pend_link(p, &s, pPend, aRep, nRep);
  if( rc==SQLITE_OK ) *pbLinked = bWhole;
  free(s.aRow);
  free(s.aIn);
  free(s.aCluster);
  free(s.azId);
  free(s.aHash);
  sqlite3_free(zPath);
  return rc;
}

/*
** The checks of link_check(): each query returns a description of the
** first problem it finds, or no row.
*/
static const char *const azCheck[] = {
  "SELECT 'report ' || r.path || ': series ' || r.series || ' has no row"
  " in series' FROM reports r WHERE NOT EXISTS(SELECT 1 FROM series s"
  " WHERE s.path = r.series) LIMIT 1",
  "SELECT 'row ' || a.id || ' of linked series ' || r.series || ': id '"
  " || coalesce(a.assignment_id, 'NULL') || ' is not a thread of it'"
  " FROM series s JOIN reports r ON r.series = s.path"
  " JOIN assignments a ON a.report_id = r.id WHERE s.linked = 1"
  " AND NOT EXISTS(SELECT 1 FROM assignment_threads t"
  " WHERE t.id = a.assignment_id AND t.series = s.path) LIMIT 1",
  "SELECT 'thread ' || t.id || ': occurrences ' || t.occurrences || ', rows '"
  " || (SELECT count(*) FROM assignments a WHERE a.assignment_id = t.id)"
  " FROM assignment_threads t JOIN series s ON s.path = t.series"
  " WHERE s.linked = 1 AND t.occurrences <> (SELECT count(*)"
  " FROM assignments a WHERE a.assignment_id = t.id) LIMIT 1",
};

int link_check(sqlite3 *db, int *pbSound, char **pzMsg){
  size_t i;
  int rc = SQLITE_OK;
  *pbSound = 1;
  *pzMsg = 0;
  for(i=0; rc==SQLITE_OK && *pbSound && i<sizeof(azCheck)/sizeof(*azCheck);
      i++){
    sqlite3_stmt *pStmt = 0;
    rc = sqlite3_prepare_v2(db, azCheck[i], -1, &pStmt, 0);
    if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
      *pbSound = 0;
      *pzMsg = sqlite3_mprintf("links: %s", sqlite3_column_text(pStmt, 0));
      if( *pzMsg==0 ) rc = SQLITE_NOMEM;
    }
    if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
    else sqlite3_finalize(pStmt);
  }
  return rc;
}
