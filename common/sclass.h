/*
** sclass.h: the status classes of db.h (assignments.status_class,
** assignment_threads.status_class): their names, written once for the
** indexer that stores them and searchd that reads, filters and counts
** them as small integers.
**
** Thread safety: pure functions over constant tables.
*/
#ifndef COMMON_SCLASS_H
#define COMMON_SCLASS_H

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

#endif /* COMMON_SCLASS_H */
