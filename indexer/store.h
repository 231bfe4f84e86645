/*
** store.h: the indexer's writes to the index database (common/db.h).
**
** A store wraps an open DB_READWRITE connection with the prepared
** statements the indexer reuses for every file, and the vocab counter
** (vocab.h). All writes happen between store_begin() and store_commit();
** a report is replaced as a whole (its old rows, their FTS entries through
** the schema's triggers, and their vocab counts go; the new ones come), so
** a transaction always holds whole files.
**
** Every function returns an SQLite result code; the message is
** sqlite3_errmsg() of the connection. One thread at a time.
*/
#ifndef STORE_H
#define STORE_H

#include <sqlite3.h>

#include "assign.h"
#include "files.h"
#include "report.h"
#include "status.h"
#include "vocab.h"

struct store;

/*
** Make a store over db (opened by db_open in DB_READWRITE mode). Sets
** *ppStore (NULL on failure). Close it with store_close() before db.
** Sets the writer's pragmas on db: temp_store=MEMORY and an 8 MB page
** cache, and registers on db the virtual table indexer_pending (pending.h)
** where rows wait, a few MB at most, before they move into assignments.
*/
int store_open(sqlite3 *db, struct store **ppStore);

/* Finalize the statements and free the store. Accepts NULL. */
void store_close(struct store *p);

/*
** Look up the report indexed from zPath. Sets *pbFound, and if found
** copies its sha256 (64 hex digits) into zSha (room for 65 bytes).
*/
int store_find(struct store *p, const char *zPath, int *pbFound, char *zSha);

/*
** Look for another report of the same date and content (sha256 zSha) than
** the one at zPath: a copy under another name, whose every row would be a
** second hit. Sets *pzOther to its path (sqlite3_free it), or NULL if there
** is none. Sees the current transaction's reports. Uses the index on date.
*/
int store_twin(struct store *p, const char *zDate, const char *zSha,
               const char *zPath, char **pzOther);

/*
** Copy each listed file's indexed SHA-256 into its zKnownSha ("" if the
** path is not indexed), so the reader thread can skip parsing unchanged
** files. pList must be sorted (files_sort). One pass over reports.
*/
int store_known(struct store *p, struct files *pList);

/*
** Is this a bulk run: have the rows inserted and deleted through p reached
** a quarter of the rows the index held when p was opened (always true for
** an empty index)? Returns 1 or 0.
*/
int store_is_bulk(const struct store *p);

/*
** BEGIN IMMEDIATE a write transaction. In a bulk run (store_is_bulk) it
** also turns FTS5's automerge off and raises its crisismerge for this
** transaction; store_commit() restores the index's own settings before
** the COMMIT, so no committed state carries them.
*/
int store_begin(struct store *p);

/* End a hold (store_end_series()), move the waiting rows, write the
** pending vocab counts (restore the merge settings) and COMMIT. */
int store_commit(struct store *p);

/*
** After the run's last commit, outside a transaction: if the run was bulk
** (store_is_bulk) and changed some rows, merge the FTS index into one
** segment (FTS5 'optimize') in a transaction of its own, and set *pbDone
** to 1; else do nothing and set it to 0. A crash during the merge leaves
** the index as committed before it (complete, more segments).
*/
int store_optimize(struct store *p, int *pbDone);

/* ROLLBACK (if a transaction is open) and drop pending vocab counts. */
void store_rollback(struct store *p);

/*
** Replace the report indexed from zPath (if any) with pReport, content
** hash zSha. indexed_at is set to the current UTC time. pCounts, if not
** NULL, are pReport's vocab word counts made beforehand by a counter
** (vocab.h, the reader thread); else the rows are counted here. aStatus,
** if not NULL, holds each row's status class (status_classify() of its
** status with the report's year, the reader thread); else they are
** classified here. *paPre, if not NULL, is what the reader made ahead
** for linking (assign.h's assign_pre, one per row; NULL: none): the
** store takes it (sets *paPre NULL) when it holds the report's series,
** and links the series with it. The report's series (the folder of zPath)
** gets a series row if it has none and is marked unlinked (link.h).
** Inside a transaction.
**
** A series that gets its row here (new to the index) is held: its rows
** wait in pending, up to a few MB, until a report of another series is
** put (or store_end_series(), store_link(), store_commit() or
** store_prune()), and it is then linked before they move, so they go into
** assignments with their assignment ids (link_pending()). A bigger one is
** let go and linked after the move by store_link() or store_link_rest().
*/
int store_put(struct store *p, const char *zPath, const char *zSha,
              const struct report *pReport,
              const struct vocab_counts *pCounts,
              const struct status_result *aStatus,
              struct assign_pre **paPre);

/*
** With bLink 0 (indexer --no-link) no series is held and linked before
** its rows move (store_put()); by default they are.
*/
void store_set_linking(struct store *p, int bLink);

/*
** Does the store hold the rows of a new series (store_put())? While it
** does, the caller should not commit (store_commit() would end the hold
** early and the series be linked a second time if more of its reports
** follow).
*/
int store_holding(const struct store *p);

/*
** The next report to put is zNext (NULL: none, or not known): if the store
** holds a series zNext is not in, link that series now, its rows still
** pending (link_pending()). Inside a transaction.
*/
int store_end_series(struct store *p, const char *zNext);

/*
** Inside a transaction: end a hold, move the waiting rows into
** assignments and link every series marked unlinked (link.h). Adds the
** number of series linked to *pnLinked (those linked from a hold too).
*/
int store_link(struct store *p, int *pnLinked);

/*
** Outside a transaction: link every series marked unlinked, each in a
** transaction of its own. Writes nothing if none is. Adds the number
** linked to *pnLinked (and those linked from a hold since the last
** store_link*()).
*/
int store_link_rest(struct store *p, int *pnLinked);

/*
** End a hold (store_end_series()), then remove every report whose file no
** longer exists (stat fails with ENOENT
** or ENOTDIR), with its rows; their series are marked unlinked. Adds
** their number to *pnPruned. Inside a transaction.
*/
int store_prune(struct store *p, int *pnPruned);

/*
** Run PRAGMA integrity_check and FTS5's integrity-check (against the
** content table) on db. Sets *pbSound, and *pzMsg to a description of
** the first problem (NULL if sound; free with sqlite3_free). An SQLite
** error other than a detected corruption is returned as is.
*/
int store_check(sqlite3 *db, int *pbSound, char **pzMsg);

#endif /* STORE_H */
