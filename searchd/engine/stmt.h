/*
** stmt.h: the engine's SQL, prepared once per connection.
**
** ?1 is the FTS5 expression of every statement that searches (ST_ROW's
** is a rowid). The statements that call the ranking
** functions (rank.h) take the query's struct rank_query as the pointer
** ?4 (STMT_RANK_PARAM), bound by stmt_bind().
**
** Thread safety: the statements belong to one connection.
*/
#ifndef SEARCHD_STMT_H
#define SEARCHD_STMT_H

#include <sqlite3.h>

struct rank_query;

enum { ST_BEGIN, ST_COMMIT, ST_VERSION, ST_COUNT, ST_SCAN, ST_OLDER,
       ST_QCAND, ST_RANK, ST_PAGE, ST_QCAND_ID, ST_RANK_ID, ST_PAGE_ID,
       ST_SCAN_PREFIX, ST_RANK_HL, ST_ROW, ST_N };

/* The _ID twin of ST_QCAND, ST_RANK, ST_PAGE: the same for one row (?2). */
#define STMT_BY_ID(i) ((i) + (ST_QCAND_ID - ST_QCAND))

#define STMT_RANK_PARAM 4

/*
** Prepare every statement on db into apStmt[0..ST_N) (persistent).
** Returns SQLITE_OK, or an SQLite code (logged) with the statements
** prepared so far left for stmt_finalize().
*/
int stmt_prepare(sqlite3 *db, sqlite3_stmt **apStmt);

/* Finalize apStmt[0..ST_N) (NULL entries allowed) and zero them. */
void stmt_finalize(sqlite3_stmt **apStmt);

/*
** Reset pStmt, bind zExpr (SQLITE_STATIC: it must outlive the run) as ?1
** and, if pStmt takes it, pq as ?4. Returns the first error.
*/
int stmt_bind(sqlite3_stmt *pStmt, const char *zExpr, struct rank_query *pq);

/* Run a statement that returns no rows (BEGIN, COMMIT): its reset code. */
int stmt_exec(sqlite3_stmt *pStmt);

#endif /* SEARCHD_STMT_H */
