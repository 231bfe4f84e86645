/*
** sclass.h: the status classes of common/db.h (assignments.status_class,
** assignment_threads.status_class) as small integers, for the row
** attributes (attrs.h), the status filter and facet, and the API's
** parameter parsing.
**
** Thread safety: pure functions over constant tables.
*/
#ifndef SEARCHD_SCLASS_H
#define SEARCHD_SCLASS_H

/* In the order the facets list them. */
enum { SCLASS_NOT_STARTED, SCLASS_ONGOING, SCLASS_PARTLY_DONE, SCLASS_DONE,
       SCLASS_DROPPED, SCLASS_UNKNOWN, SCLASS_N };

/* Every class's bit set: the status filter that lets everything through. */
#define SCLASS_ALL ((1u<<SCLASS_N) - 1)

/* The name of class i ("not_started" ...); "unknown" out of range. */
const char *sclass_name(int i);

/* The class named z[0..n), or -1 if none is. */
int sclass_find(const char *z, int n);

/* The class of a column value: unknown for NULL or a name not listed
** (an index written by a later indexer with more classes). */
int sclass_of(const char *z);

/*
** A comma-separated list of class names ("ongoing,done"; blanks around
** names allowed, empty items skipped) into a bit mask (bit i: class i).
** Returns 0 and sets *pMask (0 if z lists none), or -1 on a name that is
** not a class. Pure.
*/
int sclass_parse_list(const char *z, unsigned *pMask);

#endif /* SEARCHD_SCLASS_H */
