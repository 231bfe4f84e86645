/*
** dbenv.h: a read-only connection to the index and what hangs off it (the
** search engine, the extension modules, the routes' own states), opened,
** reopened and closed as one. Workers and search threads each own one; a
** search thread's holds only what searches need (the engine and the
** modules that expand queries, ext.h).
**
** Thread safety: a dbenv belongs to one thread at a time.
*/
#ifndef SEARCHD_DBENV_H
#define SEARCHD_DBENV_H

#include <sqlite3.h>

#include "http/conf.h"

struct search_engine;
struct ext_set;

/* dbenv_open() flags. */
#define DBENV_LOAD  0x1   /* it will search: load the engine's data now */
#define DBENV_SERVE 0x2   /* it serves requests: every module, the routes'
                          ** states; without it only what searches need */

struct dbenv {
  sqlite3 *db;
  struct search_engine *engine;
  struct ext_set *ext;
  void **apRoute;                 /* per aRouteState entry (route.h): its
                                  ** state; NULL without DBENV_SERVE */
  unsigned iGen;                  /* reload generation of what it has open */
  unsigned iTried;                /* last generation a reopen was tried at */
  unsigned nReopen;               /* times dbenv_reopen replaced it */
  int flags;                      /* DBENV_* */
};

/*
** Open conf->zDb read-only with db_open(), its search engine, extension
** modules and (DBENV_SERVE) route states, all or nothing, into *pEnv
** (zeroed first). iGen: the reload generation now. Returns SQLITE_OK, or
** an SQLite code with *pzErr (sqlite3_free it) set.
*/
int dbenv_open(const struct conf *conf, int flags, unsigned iGen,
               struct dbenv *pEnv, char **pzErr);

/*
** If iGen differs from the generation pEnv was opened at (and no reopen
** was tried at iGen yet), open a new one and close the old, or keep the
** old (and log why) if the reopen fails; pEnv->iGen then stays the old
** generation, so results of the two can be told apart. Returns 1 if pEnv
** was replaced, else 0.
*/
int dbenv_reopen(const struct conf *conf, unsigned iGen, struct dbenv *pEnv);

/* Close everything and zero the pointers. Accepts a zeroed dbenv. */
void dbenv_close(struct dbenv *pEnv);

#endif /* SEARCHD_DBENV_H */
