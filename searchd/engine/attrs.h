/*
** attrs.h: the per-row attributes a search filters and facets on (report
** date, row number, source), held in memory per worker connection.
**
** Why: joining assignments and reports for every row a broad word matches
** (a third of the index) makes SQLite read the assignment rows' pages, text
** and all, and dominated the cost of a query. With the attributes in a
** sorted array, the first pass reads only the FTS index, and filters and
** year facets cost a binary search per matching row. Sources repeat a lot
** and are stored once each.
**
** Each row also keeps its columns' lengths in tokens, the numbers FTS5's
** xColumnSize() reads from the assignments_fts_docsize table one b-tree
** seek at a time: rank.c's first-pass score, computed for thousands of
** rows per query, needs them for BM25's length normalisation.
**
** Each row also belongs to an assignment (assignments.assignment_id, a
** row without one is an assignment of its own), for collapsing hits,
** filtering and faceting without a join. An assignment of several rows is
** numbered densely (iAssign >= 0) with what search needs of it in memory:
** its series, first and last report date, occurrences, whether it is open
** and its current status class (assignment_threads). Any other row (no
** thread, or a one-row one) is an assignment of its own, and keeps only
** its series, in iAssign (-1 - series): its dates, class and "open" are
** its own (attrs_assign_of()), and it needs no dedupe when counting. The
** row keeps its own status class too, and the index of its report year
** within its assignment's years, so a search can count distinct
** (assignment, year) pairs for the year facet of collapsed hits.
**
** The array is a snapshot: search.c reloads it when PRAGMA data_version
** says another connection (the indexer) committed. Memory: 20 bytes per
** row (up to 40 if many rows were deleted; 28 if more), 32 per
** assignment of several rows, 7 bits per row (attrs_class_set(),
** attrs_multi_set()), plus the distinct sources and series.
**
** Thread safety: immutable once loaded; connections at the same index
** generation share one (attrs_share.h), each reading it from its thread.
*/
#ifndef SEARCHD_ATTRS_H
#define SEARCHD_ATTRS_H

#include <stddef.h>

#include <sqlite3.h>

#include "engine/rowset.h"
#include "sclass.h"

/* Columns of assignments_fts (DB_FTS_COL_*) whose lengths are kept. */
#define ATTRS_NCOL 3
/* aLen[] of a row whose lengths are not known (no or odd docsize). */
#define ATTRS_LEN_UNKNOWN 0xFFFF
/* Longer columns are kept as this: a length never above the true one. */
#define ATTRS_LEN_MAX 0xFFFE

/* A row's year index within its assignment saturates here: an
** assignment spanning more years shares its last pair among them. */
#define ATTRS_YEAR_MAX 255

/* The attributes of one row (assignments.id = assignments_fts.rowid). */
struct attr_row {
  int date;               /* report date as yyyymmdd, 0 if unparsable */
  int iSource;            /* index into the distinct sources */
  int iAssign;            /* >= 0: index into the assignments of several
                          ** rows (attrs_assign); < 0: a row of its own,
                          ** of series -1 - iAssign */
  unsigned short aLen[ATTRS_NCOL];  /* tokens per column, see above */
  unsigned char cls;      /* the row's status class (sclass.h) */
  unsigned char iYear;    /* report year - its assignment's first year */
};

/* An assignment: a thread of assignment_threads. */
struct attr_assign {
  int first, last;        /* first and last report date, yyyymmdd */
  int nOcc;               /* occurrences (rows) */
  int iSeries;            /* index into the distinct series */
  int iPair;              /* its first (assignment, year) pair: row r's
                          ** pair is iPair + r->iYear */
  unsigned char cls;      /* current status class (of the latest row) */
  unsigned char bOpen;    /* in the newest report of its series */
  sqlite3_int64 iLatest;  /* its latest row (assignment_threads.latest) */
};

/*
** A run of rows: ids iFirst..iEnd-1, every one a row, all of one report
** date. Rows are indexed report by report, so there are about as many
** runs as reports, and a set of rowids (rowset.h) is counted per date with
** a popcount per run instead of a lookup per row.
*/
struct attr_run {
  sqlite3_int64 iFirst, iEnd;
  int date;
};

struct attrs;

/*
** Read every row's attributes from db. Returns SQLITE_OK and sets *ppOut
** (free with attrs_free), or an SQLite error code with *ppOut NULL.
** Takes time proportional to the index (about 0.1 s per 100,000 rows).
*/
int attrs_load(sqlite3 *db, struct attrs **ppOut);

/* Free. Accepts NULL. */
void attrs_free(struct attrs *p);

/* The attributes of row id, or NULL if it is not in the snapshot. */
const struct attr_row *attrs_find(const struct attrs *p, sqlite3_int64 id);

/*
** The rows as an array indexed by rowid, *pn slots, when p keeps them so
** (a slot with iSource < 0 holds no row), else NULL (*pn 0): what
** attrs_find() reads, for a caller that looks up a row per match and
** inlines the index (filter.h).
*/
const struct attr_row *attrs_by_rowid(const struct attrs *p, sqlite3_int64 *pn);

/* The runs, in id order, holding every row once; *pn of them. None (*pn
** 0) when the ids are not dense (attrs_dense_limit() 0). */
const struct attr_run *attrs_runs(const struct attrs *p, int *pn);

/*
** One more than the largest rowid when the rowids are dense (at most about
** four times as many ids as rows) and not negative, else 0: a bitmap of
** rowids (rowset.h) fits then.
*/
sqlite3_int64 attrs_dense_limit(const struct attrs *p);

/* Number of distinct sources, and source i (owned by p). */
int attrs_source_count(const struct attrs *p);
const char *attrs_source(const struct attrs *p, int i);

/* Number of distinct series (reports.series), and series i (owned by p). */
int attrs_series_count(const struct attrs *p);
const char *attrs_series(const struct attrs *p, int i);

/* Number of assignments of several rows, and assignment i (0 <= i < the
** count). */
int attrs_assign_count(const struct attrs *p);
const struct attr_assign *attrs_assign(const struct attrs *p, int i);

/* Number of (assignment, report year) pairs of the assignments of several
** rows: the pair of a row with iAssign >= 0 is iPair + iYear, below. */
int attrs_pair_count(const struct attrs *p);

/* The rows of status class c (sclass.h) as a rowid set, when the ids are
** dense (attrs_dense_limit()), else NULL: counting a rowid set's members
** per class is then a popcount of their AND. */
const struct rowset *attrs_class_set(const struct attrs *p, int c);

/* The rows of assignments of several rows (iAssign >= 0), as
** attrs_class_set() (NULL when the ids are not dense). The others are
** each a distinct assignment: counted by popcount when collapsing. */
const struct rowset *attrs_multi_set(const struct attrs *p);

/* The assignments as an array (attrs_assign(p, i) is its i-th entry). */
const struct attr_assign *attrs_assigns(const struct attrs *p);

/*
** The rows in id order, one by one: *piPos starts at 0; each call sets
** *pId to the next row's id and returns its attributes, or returns NULL
** after the last.
*/
const struct attr_row *attrs_next_row(const struct attrs *p,
                                      sqlite3_int64 *piPos,
                                      sqlite3_int64 *pId);

/* The assignment of row r (made up for a row of its own) into *pOut. */
void attrs_assign_of(const struct attrs *p, const struct attr_row *r,
                     struct attr_assign *pOut);

/* The series of row r: aAssign is attrs_assigns(). */
static inline int attrs_row_series(const struct attr_assign *aAssign,
                                   const struct attr_row *r){
  return r->iAssign>=0 ? aAssign[r->iAssign].iSeries : -1 - r->iAssign;
}

/* The current status class of row r's assignment. */
static inline int attrs_row_class(const struct attr_assign *aAssign,
                                  const struct attr_row *r){
  return r->iAssign>=0 ? aAssign[r->iAssign].cls : r->cls;
}

/* Per series: the date of its newest report, yyyymmdd. */
const int *attrs_newest(const struct attrs *p);

/* Is row r's assignment open (in the newest report of its series)?
** aAssign is attrs_assigns(), aNewest attrs_newest(). */
static inline int attrs_row_open(const struct attr_assign *aAssign,
                                 const int *aNewest,
                                 const struct attr_row *r){
  return r->iAssign>=0 ? aAssign[r->iAssign].bOpen
                       : r->date==aNewest[-1 - r->iAssign];
}

/* Bytes held by p (for the RSS figures of the README). */
size_t attrs_bytes(const struct attrs *p);

/*
** Decode an FTS5 docsize record (one SQLite varint per column) z[0..n)
** into aLen[0..ATTRS_NCOL), saturated at ATTRS_LEN_MAX. Returns 0, or -1
** (aLen all ATTRS_LEN_UNKNOWN) if z is NULL or not such a record. Pure.
*/
int attrs_decode_sizes(const unsigned char *z, int n, unsigned short *aLen);

/* "YYYY-MM-DD" as yyyymmdd, or 0 if z is not such a date. Pure. */
int attrs_date(const char *z);

#endif /* SEARCHD_ATTRS_H */
