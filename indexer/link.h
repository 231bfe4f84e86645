/*
** link.h: the index's assignment links (common/db.h: series,
** assignments.assignment_id, assignment_threads), kept by the indexer.
**
** A series is the reports of one folder (reports.series). Every series
** has a row in the series table with a tag and a flag: linked is 0 from
** the moment one of its reports is added, replaced or pruned
** (link_touch(), link_touch_report(), in the transaction that does it)
** until link_dirty() links it again. Linking a series runs an
** assign_stream (assign.h) over it: every row's assignment and source
** are counted into the term weights, the series' rows of
** assignment_threads are deleted, then its reports are read one at a
** time in (date, path) order with their rows' status classes and
** linked; each row's assignments.assignment_id is written there and then
** where it changed (the schema's UPDATE trigger is limited to the text
** columns, so FTS5 is not touched), and each thread is inserted when its
** assignment can no longer continue, or at the end. Then linked is set to
** 1. Memory is that of one report and the stream, whatever the length of
** the series. A series left without reports loses its threads and its
** series row.
**
** Ids are "TAG-" followed by the stream's id within the series
** ("3fa2c1d0-20201110-9b1e44a2"). The tag is 8 hex digits of the FNV-1a
** hash (common/hash.h) of the series' path, folded to 32 bits. A tag is
** never changed while its series is in the index; if a new series' tag
** is already another's (two paths with the same hash, about one chance in
** 2^32 per pair), the new one takes the hash of its path followed by
** "#2", then "#3", ... until free: the series indexed first keeps the
** plain hash.
**
** Every function returns an SQLite result code (the message is
** sqlite3_errmsg() of the connection) and works inside the caller's
** transaction, except link_check(). One thread at a time.
*/
#ifndef LINK_H
#define LINK_H

#include <stddef.h>

#include <sqlite3.h>

#include "assign.h"
#include "pending.h"

#define LINK_TAG_LEN 8            /* hex digits of a series tag */

struct link;

/*
** Prepare the statements over db (a DB_READWRITE connection) into *pp
** (NULL on failure). Free with link_close() before db closes.
*/
int link_open(sqlite3 *db, struct link **pp);

/* Finalize the statements and free p. Accepts NULL. */
void link_close(struct link *p);

/*
** A report of the series zSeries (its first nSeries bytes) is added or
** replaced: give the series a row (and a tag) if it has none, and set its
** linked to 0. Writes nothing when the series is already marked. If pbNew
** is not NULL, *pbNew is set to 1 if the series row was made now, else 0.
*/
int link_touch(struct link *p, const char *zSeries, int nSeries, int *pbNew);

/* A report whose rows wait in a pending list (link_pending()). */
struct link_report {
  const char *zDate;              /* its date, as in reports */
  const char *zPath;              /* its path, as in reports */
  size_t iFirst;                  /* its rows: pending rows iFirst.. */
  int nRow;                       /* ... iFirst+nRow-1, in row order */
  struct assign_pre *aPre;        /* per row: made ahead (assign.h), or
                                  ** NULL; link_pending() may take keys */
};

/*
** Link the series zSeries (its first nSeries bytes) before its rows move
** into assignments, when aRep[0..nRep) are all its reports in the index
** (the writer made the series in this transaction and kept its rows):
** the same links and ids link_dirty() would give, without reading the
** rows back or rewriting them. Each row's id goes into pPend
** (pending_set_assignment_id()); the rows must be numbered
** (pending_set_next_id()), since threads name their latest row by id and
** are inserted here; then linked is set to 1. The keys of aRep's aPre
** are taken where the stream has none of their text (set NULL), the
** others left to the caller. Sorts aRep. Sets *pbLinked
** to 1, or to 0 without writing anything if the index holds other reports
** of the series (link_dirty() links it later).
*/
int link_pending(struct link *p, const char *zSeries, int nSeries,
                 struct pending *pPend, struct link_report *aRep, int nRep,
                 int *pbLinked);

/*
** Report iReport is about to be deleted (pruned): set its series' linked
** to 0. Call before the DELETE.
*/
int link_touch_report(struct link *p, sqlite3_int64 iReport);

/*
** Link the series whose linked is 0, in path order: all of them if nMax
** is negative, else at most nMax. Adds the number linked to *pnLinked.
*/
int link_dirty(struct link *p, int nMax, int *pnLinked);

/* Set *pbAny to 1 if some series has linked 0, else 0. Reads only. */
int link_any_dirty(struct link *p, int *pbAny);

/*
** Check the links of db: every report's series has a series row; in
** every series marked linked, every row has an assignment id that is a
** thread of that series, and every thread's occurrences is the number of
** rows with its id. Sets *pbSound, and *pzMsg to the first problem (NULL
** if sound; free with sqlite3_free).
*/
int link_check(sqlite3 *db, int *pbSound, char **pzMsg);

#endif /* LINK_H */
