/*
** stmt.c: the engine's SQL (stmt.h).
*/
#include "engine/rank.h"
#include "engine/stmt.h"
#include "log.h"

#define RANK_ARGS "(assignments_fts, ?4)"

/* What a hit shows (page.c reads the columns by number): the row, its
** highlights, its assignment's id ("row-N" for a row not linked), series,
** status class and evidence, and the evidence of its assignment's latest
** occurrence. */
#define PAGE_FIELDS(HL, SNIPPET, ID) \
  "SELECT r.date, a.row, r.title, a.assignment, a.source, a.status, " \
  HL ", " SNIPPET ", " ID "," \
  " coalesce(a.assignment_id, 'row-' || a.id), r.series, a.status_class," \
  " a.status_evidence, coalesce(l.status_evidence, a.status_evidence)"
#define PAGE_JOINS \
  " JOIN reports r ON r.id=a.report_id" \
  " LEFT JOIN assignment_threads t ON t.id=a.assignment_id" \
  " LEFT JOIN assignments l ON l.id=t.latest"
#define PAGE_HL "highlight(assignments_fts, 0, char(2), char(3))"
#define PAGE_SNIPPET "snippet(assignments_fts, 1, char(2), char(3), '…', 30)"
#define PAGE_COLUMNS \
  PAGE_FIELDS(PAGE_HL, PAGE_SNIPPET, "f.rowid") \
  " FROM assignments_fts f JOIN assignments a ON a.id=f.rowid" PAGE_JOINS
/* A column of ST_SCAN_PREFIX and ST_RANK_HL: X for the rows just scored
** exactly that may reach the page (rank.h's fTextFloor), else NULL. */
#define IF_EXACT(X) \
  " CASE WHEN " RANK_EXACT_FUNCTION "(rowid, ?4) THEN " X " END"

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
  "SELECT rowid, -" RANK_QUICK_FUNCTION RANK_ARGS " FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 ORDER BY rowid DESC",
  /* ST_OLDER: rows older than the window (rowid < ?2), newest first, of
  ** the expression ?1 that also asks for the words in the assignment. */
  "SELECT rowid FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " AND rowid < ?2 ORDER BY rowid DESC",
  /* ST_QCAND: the cheap score of chosen rows (searchd_is_cand) only. */
  "SELECT rowid, -" RANK_QUICK_FUNCTION RANK_ARGS " FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(rowid, ?4)",
  /* ST_RANK: the full ranking of the candidates, in one pass over their
  ** rowid range (?2..?3); searchd_is_cand() skips the others before any
  ** ranking work. */
  "SELECT rowid, " RANK_FUNCTION RANK_ARGS " FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(rowid, ?4)",
  /* ST_PAGE: what the page's hits show, the same way. */
  PAGE_COLUMNS
  " WHERE assignments_fts MATCH ?1 AND f.rowid BETWEEN ?2 AND ?3"
  " AND " RANK_CAND_FUNCTION "(f.rowid, ?4)",
  /* ST_QCAND_ID, ST_RANK_ID, ST_PAGE_ID: the same for one row (?2), run
  ** once per chosen row when that costs less than the range (rows.h). */
  "SELECT rowid, -" RANK_QUICK_FUNCTION RANK_ARGS " FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid = ?2",
  "SELECT rowid, " RANK_FUNCTION RANK_ARGS " FROM assignments_fts"
  " WHERE assignments_fts MATCH ?1 AND rowid = ?2",
  PAGE_COLUMNS
  " WHERE assignments_fts MATCH ?1 AND f.rowid = ?2",
  /* ST_SCAN_PREFIX: ST_SCAN of a prefix query, which also makes the page's
  ** highlight and snippet of each row it scores exactly, after the score
  ** (columns are computed in order), and counts the rows past the window
  ** in its WHERE (searchd_pass), so that neither the page nor the count
  ** needs a statement that merges the prefix's doclists again (hltext.h,
  ** scan.h). */
  "SELECT rowid, -" RANK_QUICK_FUNCTION RANK_ARGS ","
  IF_EXACT(PAGE_HL) "," IF_EXACT(PAGE_SNIPPET)
  " FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " AND " RANK_PASS_FUNCTION "(rowid, ?4) ORDER BY rowid DESC",
  /* ST_RANK_HL: ST_RANK of a prefix query (always by range, rows.h),
  ** with the highlight and snippet of each row whose score may reach the
  ** page, for the same reason. */
  "SELECT rowid, " RANK_FUNCTION RANK_ARGS ","
  IF_EXACT(PAGE_HL) "," IF_EXACT(PAGE_SNIPPET)
  " FROM assignments_fts WHERE assignments_fts MATCH ?1"
  " AND rowid BETWEEN ?2 AND ?3 AND " RANK_CAND_FUNCTION "(rowid, ?4)",
  /* ST_ROW: ST_PAGE's columns of row ?1 without FTS5, the highlight and
  ** snippet NULL: for rows whose texts the first pass made. */
  PAGE_FIELDS("NULL", "NULL", "a.id") " FROM assignments a" PAGE_JOINS
  " WHERE a.id = ?1",
};

int stmt_prepare(sqlite3 *db, sqlite3_stmt **apStmt){
  int i, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<ST_N; i++){
    rc = sqlite3_prepare_v3(db, azSql[i], -1, SQLITE_PREPARE_PERSISTENT,
                            &apStmt[i], 0);
    if( rc!=SQLITE_OK ){
      log_msg(LOG_ERROR, "cannot prepare search statement: %s",
              sqlite3_errmsg(db));
    }
  }
  return rc;
}

void stmt_finalize(sqlite3_stmt **apStmt){
  int i;
  for(i=0; i<ST_N; i++){
    sqlite3_finalize(apStmt[i]);
    apStmt[i] = 0;
  }
}

int stmt_bind(sqlite3_stmt *pStmt, const char *zExpr, struct rank_query *pq){
  int rc = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(pStmt, 1, zExpr, -1,
                                             SQLITE_STATIC);
  if( rc==SQLITE_OK
   && sqlite3_bind_parameter_count(pStmt)>=STMT_RANK_PARAM ){
    rc = rank_bind(pStmt, STMT_RANK_PARAM, pq);
  }
  return rc;
}

int stmt_exec(sqlite3_stmt *pStmt){
  (void)sqlite3_step(pStmt);      /* its error is the reset's */
  return sqlite3_reset(pStmt);
}
