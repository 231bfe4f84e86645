/*
** rows.h: a pass of one statement over chosen rows of the expression's
** matches (scoring them, ranking them, or reading the page's).
**
** Two ways to read chosen rows, split where the first pass says it costs
** least: one statement over their rowid range (rowid BETWEEN ? AND ?,
** with searchd_is_cand() letting only the chosen rows through), which
** walks every match in the range; and one rowid = ? statement per row,
** which seeks each term's doclist (nLookupUs, ~20 us; for a prefix FTS5
** merges the doclists of every term with the prefix again, ~3 ms, so
** never). Chosen rows are often a dense run of new ones (the window) and a
** few old ones far below, so the lowest j rows are looked up and the
** others read by range, j chosen to minimise the estimate. Either way the
** same rows come out: only the time differs.
**
** Thread safety: belongs to the search in progress.
*/
#ifndef SEARCHD_ROWS_H
#define SEARCHD_ROWS_H

#include <sqlite3.h>

struct pass;

struct rows {
  struct pass *ps;
  sqlite3_stmt *pStmt;            /* the statement now stepping: read its
                                  ** columns after rows_step() */
  sqlite3_stmt *pRange;           /* the range statement */
  const sqlite3_int64 *aId;
  int n, i;
  int nById;                      /* aId[0..nById) by rowid=? */
  int bLive;                      /* pStmt has run for aId[i-1] */
  int rc;                         /* an error of the switch to the range */
};

/*
** Start a pass of statement iStmt (ST_QCAND, ST_RANK or ST_PAGE; its _ID
** twin for the lookups) over the rows aId[0..n) (ascending, n > 0, must
** outlive the pass) of ps->zExpr. Returns an SQLite code; call
** rows_close() either way.
*/
int rows_open(struct pass *ps, int iStmt, const sqlite3_int64 *aId, int n,
              struct rows *r);

/* The next row: SQLITE_ROW, SQLITE_DONE or an error code. */
int rows_step(struct rows *r);

/* End the pass; returns the first error of its statements, or SQLITE_OK. */
int rows_close(struct rows *r);

#endif /* SEARCHD_ROWS_H */
