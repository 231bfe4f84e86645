/*
** ext.h: extension modules, the hook for features layered on searchd
** (synonyms, spelling correction, suggestions: issue 5).
**
** A module is one line in aExtModule[] (ext.c). Each worker opens every
** module when it opens its database connection, and closes and reopens
** them when SIGHUP makes it reopen the database, so a module that reads a
** file (a synonyms list) re-reads it on SIGHUP without a restart:
**
**   static int syn_open(const struct conf *conf, sqlite3 *db, void **pp);
**   static void syn_close(void *pState);
**   static int syn_expand(void *pState, struct query_term *pTerm);
**   {"synonyms", syn_open, syn_close, syn_expand},
**
** xExpand, when not NULL, is called for every positive word and phrase of
** every /search query (query.h, query_expand_fn) with the module's state,
** and may add alternative forms with query_term_add_alt(). A route handler
** of the module finds its state with ext_state(ctx->ext, "name").
**
** Thread safety: a module state belongs to one worker thread. Modules must
** not keep mutable globals: anything shared must be read-only after open.
*/
#ifndef SEARCHD_EXT_H
#define SEARCHD_EXT_H

#include <sqlite3.h>

#include "conf.h"
#include "query.h"

struct ext_module {
  const char *zName;
  /* Create this worker's state for connection db (read-only, the worker's
  ** own). Returns 0, or non-zero after logging why: the worker then serves
  ** without this module until the next reopen. */
  int (*xOpen)(const struct conf *conf, sqlite3 *db, void **ppState);
  void (*xClose)(void *pState);     /* may be NULL */
  query_expand_fn xExpand;          /* may be NULL */
};

/* The module table, terminated by an entry with zName NULL. */
extern const struct ext_module aExtModule[];

struct ext_set;

/*
** Open every module for one worker. Returns 0 and sets *ppOut (free with
** ext_close), or -1 on out-of-memory. A module whose xOpen fails is
** skipped (logged), not fatal.
*/
int ext_open(const struct conf *conf, sqlite3 *db, struct ext_set **ppOut);

/* Close every module. Accepts NULL. */
void ext_close(struct ext_set *p);

/* The state of module zName, or NULL if absent or not open. */
void *ext_state(struct ext_set *p, const char *zName);

/*
** query_opts for /search: xExpand calls every module's xExpand in table
** order. Valid while p is open.
*/
struct query_opts ext_query_opts(struct ext_set *p);

#endif /* SEARCHD_EXT_H */
