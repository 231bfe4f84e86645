/*
** assign.h: assignments followed across reports (common/db.h's
** assignment_threads; a row not linked is an assignment of its own, id
** "row-<assignments.id>"), for GET /assignments and /assignments/{id}:
** a filtered list, and one assignment's history with similar ones.
**
** SQL over a connection opened with db_open(), and for the list the row
** attributes in memory (attrs.h, alist.h); no HTTP, no JSON
** (http/assign_http.c serves them). One assignment is one read
** transaction; the list runs inside the caller's.
**
** Thread safety: use a connection on one thread at a time.
*/
#ifndef SEARCHD_ASSIGN_H
#define SEARCHD_ASSIGN_H

#include <sqlite3.h>

struct attrs;

/* Ids longer than this name no assignment (tags and dates are short). */
#define ASSIGN_MAX_ID 128
/* Related assignments returned, and the rarest words that find them. */
#define ASSIGN_RELATED 5
#define ASSIGN_RELATED_WORDS 4

/* Text fields of an assignment: its latest wording and source. */
enum { ASSIGN_ID, ASSIGN_ASSIGNMENT, ASSIGN_SOURCE, ASSIGN_SERIES,
       ASSIGN_CLASS, ASSIGN_FIRST, ASSIGN_LAST, ASSIGN_NTEXT };

struct assign_item {
  char *az[ASSIGN_NTEXT];         /* sqlite3_malloc'd; "" for NULL */
  int bOpen;
  int nOcc;
};

/* The filters of a list; NULL, 0 or -1: none. */
struct assign_args {
  const char *zMatch;             /* FTS5 expression one occurrence must
                                  ** match (query.h's query_match()) */
  unsigned mStatus;               /* current classes allowed (sclass.h) */
  int eOpen;                      /* 1 open, 0 closed, -1 either */
  const char *zFrom, *zTo;        /* active within: last_seen >= from,
                                  ** first_seen <= to (YYYY-MM-DD) */
  const char *zSeries;            /* exactly this series */
  long nLimit, nOffset;
};

struct assign_list {
  long long nTotal;               /* every assignment passing the filters */
  int n;
  struct assign_item *a;          /* newest activity (last_seen) first */
};

/* Text fields of an occurrence. */
enum { OCC_DATE, OCC_TITLE, OCC_ASSIGNMENT, OCC_SOURCE, OCC_STATUS,
       OCC_CLASS, OCC_EVIDENCE, OCC_NTEXT };

struct assign_occ {
  char *az[OCC_NTEXT];
  int iRow;
};

struct assign_related {
  char *zId, *zAssignment;
  double score;                   /* FTS5 bm25 of the assignment column,
                                  ** larger is more similar */
};

struct assign_detail {
  struct assign_item head;
  int nOcc;
  struct assign_occ *aOcc;        /* oldest first */
  int nRel;
  struct assign_related *aRel;    /* most similar first */
};

/*
** The assignments passing a's filters, a->nLimit of them from a->nOffset,
** into *pOut (zeroed first; assign_list_clear() it either way): chosen
** from attrs (alist.h), which must be the snapshot of db's open read
** transaction (search_engine_begin()), their texts read by row. Returns
** an SQLite code (an FTS5 error for a bad zMatch: SQLITE_ERROR).
*/
int assign_list_run(sqlite3 *db, const struct attrs *attrs,
                    const struct assign_args *a, struct assign_list *pOut);
void assign_list_clear(struct assign_list *p);

/*
** Assignment zId with its occurrences and up to ASSIGN_RELATED related
** assignments: those, other than itself, whose assignment text best
** matches the ASSIGN_RELATED_WORDS rarest words of its latest wording
** that occur outside it (vocab.docs), by bm25. Returns SQLITE_OK,
** SQLITE_NOTFOUND if no assignment has that id (any bytes), or an SQLite
** code; assign_detail_clear() *pOut either way.
*/
int assign_get(sqlite3 *db, const char *zId, struct assign_detail *pOut);
void assign_detail_clear(struct assign_detail *p);

#endif /* SEARCHD_ASSIGN_H */
