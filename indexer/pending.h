/*
** pending.h: rows waiting to go into the assignments table, served to SQL
** as an eponymous virtual table.
**
** The writer collects the rows of a few MB of reports here and moves them
** into assignments with one INSERT ... SELECT (one statement: FTS5 flushes
** its pending terms at every statement, see store.c). The rows are copied
** into memory owned by the pending object and read by the statement in
** place: no temporary table to fill, read and empty.
**
** The virtual table has the columns (report_id, row, assignment, source,
** status, status_class, status_evidence, id, assignment_id) and yields the
** rows in the order they were added. id is the row's id in assignments
** when the writer numbers its rows (pending_set_next_id()), else NULL;
** assignment_id is NULL unless set (pending_set_assignment_id()). It exists only
** on the connection it was registered with. One thread at a time (the
** connection's).
*/
#ifndef PENDING_H
#define PENDING_H

#include <stddef.h>

#include <sqlite3.h>

struct pending;

/*
** Make a pending object and register it on db as the eponymous virtual
** table zName (e.g. "indexer_pending", read with "SELECT ... FROM
** indexer_pending"). db owns the object and frees it when it closes; *pp
** stays valid until then. Returns SQLITE_OK and sets *pp, or an SQLite
** code with *pp NULL.
*/
int pending_register(sqlite3 *db, const char *zName, struct pending **pp);

/*
** A row's status class: zClass a string that outlives the pending object
** (status_class_name()), and the deciding phrase, the bytes [iEvidence,
** iEvidence+nEvidence) of the row's status text.
*/
struct pending_status {
  const char *zClass;
  size_t iEvidence, nEvidence;
};

/*
** Add a row: report iReport, ordinal iRow, its three texts azText[0..2]
** (assignment, source, status) of anText[i] bytes, which are copied, and
** its status class pStatus (NULL: "unknown" with empty evidence; a span
** past the end of the status text is cut to it). Returns SQLITE_OK,
** SQLITE_NOMEM or SQLITE_TOOBIG (a text over 2 GB). Do not call while a
** statement reads the table.
*/
int pending_add(struct pending *p, sqlite3_int64 iReport, int iRow,
                const char *const *azText, const size_t *anText,
                const struct pending_status *pStatus);

/*
** Number the rows added from now on iNext, iNext+1, ... (their id column);
** 0 or less: leave them unnumbered (NULL).
*/
void pending_set_next_id(struct pending *p, sqlite3_int64 iNext);

/* Row iRow's id (0-based, < pending_rows()), 0 if unnumbered. */
sqlite3_int64 pending_id(const struct pending *p, size_t iRow);

/* Row iRow's ordinal in its report, as given to pending_add(). */
int pending_row_no(const struct pending *p, size_t iRow);

/* Row iRow's status class name, as given to pending_add() ("unknown"). */
const char *pending_class(const struct pending *p, size_t iRow);

/*
** Set row iRow's assignment_id to z[0..n), copied (n 0: NULL again).
** Returns SQLITE_OK, SQLITE_NOMEM or SQLITE_TOOBIG. Do not call while a
** statement reads the table.
*/
int pending_set_assignment_id(struct pending *p, size_t iRow, const char *z,
                              size_t n);

/* Bytes of row text (and assignment ids) held. */
size_t pending_bytes(const struct pending *p);

/* Number of rows held. */
size_t pending_rows(const struct pending *p);

/*
** Set *pz and *pn to text k (0 assignment, 1 source, 2 status) of row iRow
** (0-based, < pending_rows()). The bytes (not NUL-terminated) stay valid
** and unchanged until the next pending_add(), pending_set_assignment_id()
** or pending_clear().
*/
void pending_text(const struct pending *p, size_t iRow, int k,
                  const char **pz, size_t *pn);

/*
** Forget every row (keeping the memory for the next ones, unless it grew
** past a few times the usual, for one huge report). Not while a statement
** reads the table.
*/
void pending_clear(struct pending *p);

#endif /* PENDING_H */
