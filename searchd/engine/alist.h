/*
** alist.h: which assignments GET /assignments lists, chosen from the row
** attributes in memory (attrs.h): the filters on each assignment's
** current class, open, series and active span, an optional set of
** matching rows (one matching occurrence puts its assignment on the
** list), the total, and the page in order of newest activity.
**
** Why in memory: over SQL, each request sorted every assignment of the
** index by last_seen (no index of the schema serves the union of threads
** and unlinked rows), and a q read every matching row's wide record for
** its assignment_id: 0.1-0.4 s on 125,000 rows. Here it is a pass over
** the assignments, or over the matching rowids, and a bounded heap.
**
** Order: last_seen newest first; assignments last seen in the same report
** date by their latest row's id (a report's rows in their order).
**
** Thread safety: pure over the attributes it is given.
*/
#ifndef SEARCHD_ALIST_H
#define SEARCHD_ALIST_H

#include <sqlite3.h>

#include "engine/attrs.h"

/* The filters of a list (assign.h's struct assign_args, resolved). */
struct alist_filter {
  unsigned mStatus;               /* current classes allowed; 0: all */
  int eOpen;                      /* 1 open, 0 closed, -1 either */
  int from, to;                   /* yyyymmdd: last >= from, first <= to;
                                  ** 0: open */
  int iSeries;                    /* the series' index; -1: any; -2: a
                                  ** series the index does not hold */
};

/* One assignment of the page. */
struct alist_entry {
  struct attr_assign t;           /* its attributes (made up for a row of
                                  ** its own: attrs_assign_of()) */
  sqlite3_int64 iLatest;          /* its latest row */
};

/* The list's selection state; alist_init() it, feed it, alist_finish(). */
struct alist {
  const struct attrs *attrs;
  struct alist_filter f;
  long nKeep;                     /* offset + limit */
  long long nTotal;               /* assignments passing so far */
  struct alist_entry *a;          /* max-heap of the nKeep best (worst on
                                  ** top), sorted by alist_finish() */
  int n;
  uint64_t *aSeen;                /* per assignment of several rows */
};

/*
** Start a list over attrs of the nKeep first assignments with filter f.
** SQLITE_OK or SQLITE_NOMEM; alist_free() either way.
*/
int alist_init(struct alist *p, const struct attrs *attrs,
               const struct alist_filter *f, long nKeep);

/* Offer the assignment of the row id (a matching row): each assignment
** counts once however many of its rows are offered. */
void alist_add_row(struct alist *p, sqlite3_int64 id);

/* Offer every assignment (a list without q). */
void alist_add_all(struct alist *p);

/* Sort the kept entries, best first: p->a[0..p->n). */
void alist_finish(struct alist *p);

void alist_free(struct alist *p);

/* Is entry a before entry b in the list's order? */
int alist_before(const struct alist_entry *a, const struct alist_entry *b);

#endif /* SEARCHD_ALIST_H */
