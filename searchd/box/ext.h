/*
** ext.h: extension modules, the hook for features layered on searchd
** (synonyms, spelling correction, suggestions).
**
** A module is one line in aExtModule[] (ext.c). Each worker opens every
** module when it opens its database connection, and opens them again when
** SIGHUP makes it reopen the database, so a module that reads a file (a
** synonyms list) re-reads it on SIGHUP without a restart. A search thread
** (pool.h), which only searches, opens only the modules that expand
** queries (xExpand or xSpan):
**
**   static int syn_open(const struct conf *conf, sqlite3 *db, void *pPrev,
**                       void **ppState, char **pzErr);
**   static void syn_close(void *pState);
**   static int syn_expand(void *pState, struct query_term *pTerm);
**   {"synonyms", syn_open, syn_close, syn_expand, syn_span},
**
** xExpand, when not NULL, is called for every positive word and phrase of
** every /search query (query.h, query_expand_fn) with the module's state,
** and may add alternative forms with query_term_add_alt(). xSpan, when not
** NULL, may join consecutive words of a query into one phrase term
** (query.h, query_span_fn). A route handler of the module finds its state
** with ext_state(ctx->ext, "name").
**
** Thread safety: a module state belongs to one worker thread. Modules must
** not keep mutable globals: anything shared must be read-only after open
** (or reference counted, like a synonyms table kept across a reload).
*/
#ifndef SEARCHD_EXT_H
#define SEARCHD_EXT_H

#include <sqlite3.h>

#include "http/conf.h"
#include "engine/query.h"

/* What xOpen returns. */
#define EXT_OK    0
#define EXT_SKIP  1   /* logged; the worker serves without this module */
#define EXT_FATAL 2   /* a configuration error: *pzErr says why */

struct ext_module {
  const char *zName;
  /* Create this worker's state for connection db (read-only, the worker's
  ** own). pPrev is the module's state in the set being replaced (a reopen
  ** after SIGHUP), or NULL (start-up, or the module was not open): it
  ** stays valid during the call and is closed after a successful reopen,
  ** so a module may share what it keeps from it (by reference counting).
  ** Returns EXT_OK with *ppState set, EXT_SKIP after logging why, or
  ** EXT_FATAL with *pzErr (sqlite3_malloc'd) saying why. */
  int (*xOpen)(const struct conf *conf, sqlite3 *db, void *pPrev,
               void **ppState, char **pzErr);
  void (*xClose)(void *pState);     /* may be NULL */
  query_expand_fn xExpand;          /* may be NULL */
  query_span_fn xSpan;              /* may be NULL */
};

/* The module table, terminated by an entry with zName NULL. */
extern const struct ext_module aExtModule[];

struct ext_set;

/*
** Open every module for one worker (bSearchOnly: only those with xExpand
** or xSpan, for a connection that only searches); pPrev is the set being
** replaced (after SIGHUP) or NULL at start-up. Returns 0 and sets *ppOut
** (free with ext_close). Returns -1 with *ppOut NULL and *pzErr set
** (sqlite3_free it) on out-of-memory or when a module's xOpen says
** EXT_FATAL: at start-up the worker, and so searchd, does not start; on a
** reopen the worker keeps pPrev. A module that says EXT_SKIP is left out
** (logged), not fatal.
*/
int ext_open(const struct conf *conf, sqlite3 *db, struct ext_set *pPrev,
             int bSearchOnly, struct ext_set **ppOut, char **pzErr);

/* Close every module. Accepts NULL. */
void ext_close(struct ext_set *p);

/* The state of module zName, or NULL if absent or not open. */
void *ext_state(struct ext_set *p, const char *zName);

/*
** query_opts for /search: xExpand calls every module's xExpand in table
** order; xSpan asks each module's xSpan in table order until one joins
** words. Valid while p is open.
*/
struct query_opts ext_query_opts(struct ext_set *p);

#endif /* SEARCHD_EXT_H */
