/*
** attrs_share.h: one copy of the row attributes (attrs.h) for every
** connection of the process that reads the same rows.
**
** Why: each search thread loaded its own copy, 31 MB at 1.25 million rows
** (and some 50 MB of heap while loading), so memory grew with threads
** times rows. Attributes are immutable once loaded. Connections whose read
** transactions see the same generation token (meta's 'generation', db.h:
** replaced by triggers on every change of the rows attrs_load() reads)
** see the same rows, so they share one copy, counted by references: the
** first to see a token loads it, the others take it, and the last to let
** go of a token frees its copy.
**
** An index without the token (opened read-only before an indexer added
** it) gets no sharing: each connection loads its own copy, still held and
** freed through the share.
**
** Thread safety: every function may be called from any thread (a mutex);
** the attributes handed out are read-only.
*/
#ifndef SEARCHD_ATTRS_SHARE_H
#define SEARCHD_ATTRS_SHARE_H

#include <sqlite3.h>

struct attrs;
struct attrs_share;

/* A new, empty share into *ppOut. Returns SQLITE_OK or SQLITE_NOMEM. */
int attrs_share_new(struct attrs_share **ppOut);

/* Free a share whose attributes have all been released. Accepts NULL. */
void attrs_share_free(struct attrs_share *p);

/*
** The attributes of the rows db's open read transaction sees: another
** connection's copy of the same generation, else loaded now (and offered
** to the others; a connection that asks for the same one meanwhile waits
** for it). An index without a token: loaded now, for this caller alone.
** Sets *ppOut (release with attrs_share_release()) and returns SQLITE_OK,
** or an SQLite code with *ppOut NULL.
*/
int attrs_share_get(struct attrs_share *p, sqlite3 *db,
                    const struct attrs **ppOut);

/* Let go of attributes from attrs_share_get(): the last holder of a copy
** frees it. Accepts NULL a. */
void attrs_share_release(struct attrs_share *p, const struct attrs *a);

/* How many copies the share holds now (for tests and metrics). */
int attrs_share_count(struct attrs_share *p);

#endif /* SEARCHD_ATTRS_SHARE_H */
