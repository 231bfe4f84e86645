/*
** dbenv.h: a read-only connection to the index and what hangs off it (the
** search state and the extension modules), opened, reopened and closed as
** one. Workers and pool threads each own one.
**
** Thread safety: a dbenv belongs to one thread at a time.
*/
#ifndef SEARCHD_DBENV_H
#define SEARCHD_DBENV_H

#include <sqlite3.h>

#include "http/conf.h"

struct search_state;
struct ext_set;

struct dbenv {
  sqlite3 *db;
  struct search_state *search;
  struct ext_set *ext;
  unsigned iGen;                  /* reload generation of what it has open */
  unsigned iTried;                /* last generation a reopen was tried at */
  unsigned nReopen;               /* times dbenv_reopen replaced it */
  int bSearch;                    /* it runs searches: load eagerly */
};

/*
** Open conf->zDb read-only with db_open(), its search state (with a result
** cache of nCache entries) and extension modules, all or nothing, into
** *pEnv (zeroed first). bSearch: it will run searches, so load what they
** need now (search_state_load). iGen: the reload generation now. Returns
** SQLITE_OK, or an SQLite code with *pzErr (sqlite3_free it) set.
*/
int dbenv_open(const struct conf *conf, long nCache, int bSearch,
               unsigned iGen, struct dbenv *pEnv, char **pzErr);

/*
** If iGen differs from the generation pEnv was opened at (and no reopen
** was tried at iGen yet), open a new one and close the old, or keep the
** old (and log why) if the reopen fails; pEnv->iGen then stays the old
** generation, so results of the two can be told apart. Returns 1 if pEnv
** was replaced, else 0.
*/
int dbenv_reopen(const struct conf *conf, long nCache, unsigned iGen,
                 struct dbenv *pEnv);

/* Close everything and zero the pointers. Accepts a zeroed dbenv. */
void dbenv_close(struct dbenv *pEnv);

#endif /* SEARCHD_DBENV_H */
