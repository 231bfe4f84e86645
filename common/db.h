/*
** db.h: the index database, the contract between indexer and searchd.
**
** One place defines the schema, the pragmas and the versions, and one
** function opens a database with the "swedish" tokenizer registered. The
** schema is a public interface: people read an index with the sqlite3 shell
** (".load build/swedish" first).
**
**   meta(key PRIMARY KEY, value)      schema_version, analysis_version,
**                                     generation (a random token that
**                                     triggers replace on every change of
**                                     assignments, reports and
**                                     assignment_threads: equal tokens,
**                                     equal rows, whichever connection
**                                     reads them)
**   reports(id, date, title, path UNIQUE, series, sha256, rows, indexed_at)
**                                     series: the folder that holds the file
**                                     (path's directory); the reports of a
**                                     folder are one series
**   assignments(id, report_id, row, assignment, source, status,
**               status_class, status_evidence, assignment_id)
**                                     one report row; status_class is
**                                     not_started, ongoing, partly_done,
**                                     done, dropped or unknown, read from
**                                     status by indexer/status.h's rules,
**                                     status_evidence the phrase of status
**                                     that decided it ('' if none);
**                                     assignment_id the assignment the row
**                                     is an occurrence of (a key of
**                                     assignment_threads), NULL until its
**                                     series is linked
**   assignments_fts                   FTS5 over assignment, status, source,
**                                     external content = assignments,
**                                     kept in step by triggers on INSERT,
**                                     DELETE and UPDATE of assignments
**   vocab(word PRIMARY KEY, plain, docs)
**                                     surface words as unicode61 folds them
**                                     (lower case, å ä ö kept), the word with
**                                     å ä→a, ö→o, é→e, ü→u (indexed), and the
**                                     number of assignment rows holding it;
**                                     kept by the indexer for suggestions and
**                                     spelling correction
**
**   series(path PRIMARY KEY, tag UNIQUE, linked)
**                                     one row per folder that holds reports:
**                                     tag is 8 hex digits of a hash of path
**                                     (indexer/link.h: FNV-1a; a collision
**                                     rehashes the later series) that starts
**                                     the ids of its assignments; linked is 0
**                                     from the moment a report of the series
**                                     is added, replaced or pruned until its
**                                     rows are linked again (in the same
**                                     transaction, except in a run that
**                                     rewrites a quarter or more of the
**                                     index, which links at its end a
**                                     series it did not link as it came;
**                                     after indexer --no-link it stays 0
**                                     until a run without it)
**   assignment_threads(id PRIMARY KEY, series, first_seen, last_seen,
**                      occurrences, open, status_class, latest)
**                                     one assignment followed across the
**                                     reports of its series: id is
**                                     "TAG-YYYYMMDD-HHHHHHHH" (series tag,
**                                     date of the first occurrence, hash of
**                                     its normalised text; "-2", "-3" on a
**                                     collision), the same whatever order
**                                     the reports were indexed in;
**                                     (an id changes only if its first
**                                     occurrence does); first_seen and
**                                     last_seen report dates; occurrences its
**                                     rows; open 1 while it is in a report of
**                                     the newest date of its series;
**                                     status_class that of its latest
**                                     occurrence, whose assignments.id is
**                                     latest
**
** An assignment's history, oldest first:
**   SELECT r.date, a.status_class, a.assignment FROM assignments a
**     JOIN reports r ON r.id = a.report_id
**    WHERE a.assignment_id = ?1 ORDER BY r.date, r.path;
**
** Column order in assignments_fts is fixed (DB_FTS_COL_*): bm25() weights
** and highlight() column numbers depend on it.
*/
#ifndef DB_H
#define DB_H

#include <sqlite3.h>

#define DB_SCHEMA_VERSION 2

#define DB_FTS_COL_ASSIGNMENT 0
#define DB_FTS_COL_STATUS     1
#define DB_FTS_COL_SOURCE     2

/* How db_open() opens the file. */
enum db_mode {
  DB_READONLY,        /* searchd: must exist and be a current index */
  DB_READWRITE,       /* indexer: created with the schema if missing */
  DB_EXISTING         /* indexer --check: read-write (FTS5's integrity-check
                      ** is an INSERT), but must exist and be an index:
                      ** nothing is created */
};

/*
** Open the index at path: WAL journal, foreign keys on, a busy timeout, the
** swedish tokenizer registered. path must be a regular file (a FIFO,
** device or directory is refused before SQLite opens it, as is a missing
** file except in DB_READWRITE mode). The writing modes keep the -wal and
** -shm files at close (SQLITE_FCNTL_PERSIST_WAL, the -wal truncated), so
** a reader that cannot create them (another user, a read-only directory
** or mount) can open the index; a DB_READONLY open that fails for want of
** them says so ("cannot create PATH-shm: Permission denied: ..."). In
** DB_READWRITE mode a new or empty file
** gets the schema and the current versions, and an index of the current
** schema version that lacks the UPDATE trigger or the generation token and
** its triggers (made before they were added) gets them. In both modes the versions in meta are checked against this
** build's.
**
** On success returns SQLITE_OK and sets *ppDb (the caller owns it and closes
** it with sqlite3_close). On failure returns an SQLite error code, sets
** *ppDb to NULL and, if pzErr is not NULL, *pzErr to a message for a person
** (e.g. "not an index: no table meta", "index analysis version X, this
** build Y: re-index"), which the caller frees with sqlite3_free().
*/
int db_open(const char *path, enum db_mode mode, sqlite3 **ppDb, char **pzErr);

/*
** Read meta's value for key into a new string (*pzValue, free with
** sqlite3_free), or NULL if the key is absent. Returns an SQLite code.
*/
int db_meta_get(sqlite3 *db, const char *key, char **pzValue);

/*
** End the read transaction open on db, if one is: pCommit (a prepared
** "COMMIT", or NULL to run one), and when that fails (out of memory) a
** ROLLBACK, so that the connection never stays inside a transaction and
** its next BEGIN works and sees new commits. Returns the COMMIT's code.
*/
int db_end_read(sqlite3 *db, sqlite3_stmt *pCommit);

/*
** A cache of answers asks whether the index changed (PRAGMA data_version)
** at most once per DB_RECHECK_MS: the question costs a read transaction
** (two fcntl locks and an fstat), more than the rest of a cache hit. A
** commit is seen at most that late (plus the coarse clock's tick).
*/
#define DB_RECHECK_MS 5

/*
** Is it time to ask again? True (and *piCheckedMs set to now) when
** DB_RECHECK_MS have passed since *piCheckedMs, or the clock went back or
** cannot be read; *piCheckedMs starts at 0.
*/
int db_recheck_due(long long *piCheckedMs);

#endif /* DB_H */
