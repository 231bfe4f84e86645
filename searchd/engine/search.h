/*
** search.h: the search engine: a parsed query and its filters in, a
** struct search_result out (no HTTP, no JSON; http/search.h serves it).
**
** A search runs in two passes, so a broad word that matches a third of the
** index does not get the expensive ranking on every row:
**   1. scan.h: the matches of the FTS5 expression (query.h), newest first,
**      get the cheap searchd_quick() score from the FTS index alone, until
**      nWindow (2,000) of them have passed the date and source filters
**      (filter.h, on the in-memory attributes, attrs.h); the older matches
**      are only counted (count.h). Total and year facets are exact. When
**      the window cut rows off, up to a quarter of the window's size of
**      older rows whose assignment alone matches are scored too (not for
**      prefix queries). A heap keeps the best K (K = nRerank, or
**      offset+limit if larger).
**   2. rerank.h: branch and bound with searchd_rank() (rank.h): exact
**      scores in order of bound until no bound left can reach the page;
**      candidates are sorted by score, then newer report, then row; page.h
**      reads the requested page's rows with highlight() and snippet().
** Collapsing (the default) makes the assignment the unit: the heap keeps
** the best assignments by their best bound that fit K rows (at least the
** page's), each with every occurrence the scan saw (cands.h); the rerank
** scores occurrences until no bound left can change the page's
** assignments or their best occurrence; the total and facets count
** distinct assignments (attrs.h). Sorting by date
** scans every match (no window, no quick score) with the date as the key.
** Every statement over chosen rows reads them as rows.h decides.
** All of it runs in one read transaction: one snapshot, one lock. When
** the AND of all words finds nothing, both passes run again on the
** relaxed expression (any word) and the result says bRelaxed.
**
** Thread safety: a search_engine belongs to one connection and is used on
** one thread at a time.
*/
#ifndef SEARCHD_SEARCH_H
#define SEARCHD_SEARCH_H

#include <sqlite3.h>

#include "engine/query.h"
#include "sclass.h"

/* The markers around matches in a hit's highlights (control bytes the
** indexed text never holds). */
#define SEARCH_MARK_OPEN  "\x02"
#define SEARCH_MARK_CLOSE "\x03"

/* The engine's tuning (searchd's flags of the same names). */
struct attrs_share;

struct search_config {
  long nWindow;                   /* rows scored newest first; 0: all */
  long nRerank;                   /* candidates kept for the exact score */
  long nLookupUs;                 /* cost of reading one row by rowid */
  long nEarly;                    /* largest page with early exact scores */
  long nQueryMs;                  /* time limit of one search; <0: none */
  struct attrs_share *pShare;     /* the row attributes of the process's
                                  ** connections (attrs_share.h, outliving
                                  ** the engine); NULL: a share of its own */
};

/* search_args.eCollapse: one hit per assignment (the default), or every
** matching row. */
enum { SEARCH_COLLAPSE_ASSIGNMENT, SEARCH_COLLAPSE_NONE };

/* search_args.eSort: by score (the default), or by report date, newest or
** oldest first (ties: row order). */
enum { SEARCH_SORT_RELEVANCE, SEARCH_SORT_NEWEST, SEARCH_SORT_OLDEST };

/* search_args.eOpen: whether the row's assignment is in the newest report
** of its series (attrs.h), whatever collapse says. */
enum { SEARCH_OPEN_ANY, SEARCH_OPEN_YES, SEARCH_OPEN_NO };

/* What to return of a query's matches. */
struct search_args {
  long nOffset, nLimit;           /* the page: hits [offset, offset+limit) */
  const char *zFrom, *zTo;        /* report dates YYYY-MM-DD; NULL: open */
  const char *zSource;            /* text the source must hold; NULL: any */
  const char *zSeries;            /* the series (folder); NULL: any */
  unsigned mStatus;               /* classes allowed (sclass.h); 0: any */
  int eOpen;                      /* SEARCH_OPEN_*: the assignment still
                                  ** open, or not; 0 (SEARCH_OPEN_ANY):
                                  ** either */
  int eCollapse;                  /* SEARCH_COLLAPSE_* */
  int eSort;                      /* SEARCH_SORT_* */
};

/* The text fields of a hit; the highlights carry SEARCH_MARK_* bytes.
** SEARCH_CLASS and SEARCH_EVIDENCE are the row's status class and
** evidence, or when collapsing its assignment's current ones (those of
** its latest occurrence). */
enum { SEARCH_DATE, SEARCH_TITLE, SEARCH_ASSIGNMENT, SEARCH_SOURCE,
       SEARCH_STATUS, SEARCH_HL_ASSIGNMENT, SEARCH_HL_STATUS,
       SEARCH_ASSIGN_ID, SEARCH_SERIES, SEARCH_CLASS, SEARCH_EVIDENCE,
       SEARCH_NTEXT };

struct search_text {
  char *z;                        /* NULL when the column was NULL */
  int n;
};

struct search_hit {
  sqlite3_int64 id;               /* assignments.id */
  sqlite3_int64 iRow;             /* 1-based row in the report */
  double score;                   /* searchd_rank() */
  struct search_text aText[SEARCH_NTEXT];
  /* Its assignment: */
  int nOcc;                       /* occurrences */
  int first, last;                /* first and last report date, yyyymmdd */
  int bOpen;                      /* in the newest report of its series */
};

struct search_year {
  int year;
  int n;                          /* matches of that report year */
};

/* What search_run() found; free with search_result_clear(). */
struct search_result {
  long long nTotal;               /* every match passing the filters:
                                  ** rows, or collapsed assignments */
  long long nRows;                /* the rows among them (nTotal when not
                                  ** collapsing) */
  int bRelaxed;                   /* matches of the relaxed expression */
  char *zCorrectFrom, *zCorrectTo;  /* the first correction, or NULL */
  char *zSuggestFrom, *zSuggestTo;  /* the first suggestion (a correction
                                    ** offered, not searched), or NULL */
  int nHit;
  struct search_hit *aHit;        /* the page, best first */
  int bCollapsed;                 /* hits and counts are assignments */
  int nYear;
  struct search_year *aYear;      /* facets, newest year first */
  int aStatus[SCLASS_N];          /* facets: matches per status class */
  sqlite3_int64 iDataVersion;     /* PRAGMA data_version searched at */
  char *zErr;                     /* on error: the connection's message */
};

struct search_engine;

/*
** Create the engine of connection db (an index opened with db_open(),
** which must outlive it): registers the ranking functions (rank.h) and a
** progress handler (for nQueryMs) on db and prepares its statements. The
** row attributes (attrs.h, ~3 MB at 125,000 rows) are taken from the share
** (loaded there if no other connection holds those of the same rows) at
** the first search or by search_engine_load(). Returns SQLITE_OK and sets *ppOut, or an SQLite
** code with *ppOut NULL.
*/
int search_engine_new(sqlite3 *db, const struct search_config *cfg,
                      struct search_engine **ppOut);

/* Load the row attributes now rather than at the first search. Returns
** SQLITE_OK or an SQLite code. */
int search_engine_load(struct search_engine *p);

/* Free the engine and its statements. Accepts NULL. */
void search_engine_free(struct search_engine *p);

/*
** Parse with opts (copied; the expansion hooks of query.h, e.g. synonyms
** and corrections) for every following search_parse(); xHasToken is the
** engine's own (the index's segmentation).
*/
void search_engine_set_opts(struct search_engine *p,
                            const struct query_opts *opts);

/*
** Parse zQ into *ppQ (query_free() it). SQLITE_OK, SQLITE_NOMEM, or
** SQLITE_TOOBIG for a query past a cost limit of query.h (more terms,
** prefixes, prefix words or phrase words than allowed) with *pzErr
** (sqlite3_free it) naming the limit, for a 400.
*/
int search_parse(struct search_engine *p, const char *zQ,
                 struct query **ppQ, char **pzErr);

/*
** Search q with args into *pRes (zeroed first). Returns SQLITE_OK, or an
** SQLite code (SQLITE_INTERRUPT past nQueryMs) with pRes->zErr set when
** the connection had a message.
*/
int search_run(struct search_engine *p, const struct query *q,
               const struct search_args *args, struct search_result *pRes);

/*
** Hold the statements of p's connection to the search time limit
** (nQueryMs) from now (bOn), or lift it (!bOn): for other work on the
** connection (the assignments' SQL, assign.h), which then fails with
** SQLITE_INTERRUPT past the limit.
*/
void search_engine_limit(struct search_engine *p, int bOn);

/*
** Other work on p's connection over the same snapshot a search would see:
** begin a read transaction, with the row attributes (attrs.h) of its
** data_version into *ppAttrs (loaded again if the index changed) and the
** time limit (nQueryMs) running; search_engine_end() ends both, always
** (a failed begin included). Returns SQLITE_OK or an SQLite code.
*/
struct attrs;
int search_engine_begin(struct search_engine *p, const struct attrs **ppAttrs);
int search_engine_end(struct search_engine *p);

/* Free what a result holds and zero it. */
void search_result_clear(struct search_result *pRes);

#endif /* SEARCHD_SEARCH_H */
