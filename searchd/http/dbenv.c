/*
** dbenv.c: a connection and what hangs off it; see dbenv.h.
*/
#include <string.h>

#include "db.h"
#include "http/dbenv.h"
#include "box/ext.h"
#include "log.h"
#include "engine/search.h"

/* pPrevExt: the modules being replaced (a reopen), or NULL. */
static int dbenv_open_with(const struct conf *conf, long nCache,
                           struct ext_set *pPrevExt, struct dbenv *pEnv,
                           char **pzErr){
  int rc = db_open(conf->zDb, DB_READONLY, &pEnv->db, pzErr);
  if( rc==SQLITE_OK ){
    rc = search_state_new(pEnv->db, conf, nCache, &pEnv->search);
  }
  if( rc==SQLITE_OK
   && ext_open(conf, pEnv->db, pPrevExt, &pEnv->ext, pzErr)!=0 ){
    rc = SQLITE_ERROR;
  }
  if( rc==SQLITE_OK ){
    struct query_opts o = ext_query_opts(pEnv->ext);
    search_state_set_opts(pEnv->search, &o);
    if( pEnv->bSearch ) rc = search_state_load(pEnv->search);
  }
  if( rc!=SQLITE_OK ){
    if( pzErr && *pzErr==0 ){
      *pzErr = sqlite3_mprintf("%s: %s", conf->zDb, pEnv->db
                               ? sqlite3_errmsg(pEnv->db) : sqlite3_errstr(rc));
    }
    dbenv_close(pEnv);
  }
  return rc;
}

int dbenv_open(const struct conf *conf, long nCache, int bSearch,
               unsigned iGen, struct dbenv *pEnv, char **pzErr){
  int rc;
  memset(pEnv, 0, sizeof(*pEnv));
  *pzErr = 0;
  pEnv->bSearch = bSearch;
  rc = dbenv_open_with(conf, nCache, 0, pEnv, pzErr);
  pEnv->iGen = pEnv->iTried = iGen;
  return rc;
}

int dbenv_reopen(const struct conf *conf, long nCache, unsigned iGen,
                 struct dbenv *pEnv){
  struct dbenv fresh;
  char *zErr = 0;
  if( iGen==pEnv->iGen || iGen==pEnv->iTried ) return 0;
  pEnv->iTried = iGen;
  memset(&fresh, 0, sizeof(fresh));
  fresh.bSearch = pEnv->bSearch;
  if( dbenv_open_with(conf, nCache, pEnv->ext, &fresh, &zErr)!=SQLITE_OK ){
    log_msg(LOG_ERROR, "reopen failed, keeping the old connection: %s",
            zErr ? zErr : "?");
    sqlite3_free(zErr);
    return 0;
  }
  fresh.iGen = fresh.iTried = iGen;
  fresh.nReopen = pEnv->nReopen + 1;
  dbenv_close(pEnv);
  *pEnv = fresh;
  return 1;
}

void dbenv_close(struct dbenv *pEnv){
  ext_close(pEnv->ext);
  search_state_free(pEnv->search);
  sqlite3_close(pEnv->db);
  pEnv->ext = 0; pEnv->search = 0; pEnv->db = 0;
}
