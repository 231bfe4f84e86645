/*
** dbenv.c: a connection and what hangs off it; see dbenv.h.
*/
#include <stdlib.h>
#include <string.h>

#include "box/ext.h"
#include "db.h"
#include "log.h"
#include "engine/search.h"
#include "http/dbenv.h"
#include "http/route.h"

/* The routes' states of a serving connection. */
static int dbenv_routes(const struct conf *conf, struct dbenv *pEnv){
  int i, n = 0, rc = SQLITE_OK;
  while( aRouteState[n].xHandler ) n++;
  pEnv->apRoute = calloc(n + 1, sizeof(*pEnv->apRoute));
  if( pEnv->apRoute==0 ) return SQLITE_NOMEM;
  for(i=0; rc==SQLITE_OK && i<n; i++){
    rc = aRouteState[i].xOpen(conf, pEnv, &pEnv->apRoute[i]);
  }
  return rc;
}

static int dbenv_engine(const struct conf *conf, struct dbenv *pEnv){
  struct search_config cfg;
  cfg.nWindow = conf->nWindow;
  cfg.nRerank = conf->nRerank;
  cfg.nLookupUs = conf->nLookupUs;
  cfg.nEarly = conf->nEarly;
  cfg.nQueryMs = conf->nQueryMs;
  cfg.pShare = conf->pAttrs;
  return search_engine_new(pEnv->db, &cfg, &pEnv->engine);
}

/*
** Searches read the index through a memory map: a page read is then a
** pointer into the OS page cache rather than a pread() copied into this
** connection's own cache, which made cold searches about 1.4x as fast
** and keeps the page caches out of each thread's heap. The mapped pages
** are the kernel's file cache, shared by every connection and process.
** The map starts after the row attributes are loaded: that load reads
** whole tables once, and through a map every connection would keep all
** their pages in its RSS.
*/
static int dbenv_mmap(const struct conf *conf, sqlite3 *db){
  char *zSql = sqlite3_mprintf("PRAGMA mmap_size=%lld",
                               (sqlite3_int64)conf->nMmapMb << 20);
  int rc = zSql ? sqlite3_exec(db, zSql, 0, 0, 0) : SQLITE_NOMEM;
  sqlite3_free(zSql);
  return rc;
}

/* pPrevExt: the modules being replaced (a reopen), or NULL. */
static int dbenv_open_with(const struct conf *conf, struct ext_set *pPrevExt,
                           struct dbenv *pEnv, char **pzErr){
  int rc = db_open(conf->zDb, DB_READONLY, &pEnv->db, pzErr);
  int bServe = (pEnv->flags & DBENV_SERVE)!=0;
  if( rc==SQLITE_OK ) rc = dbenv_engine(conf, pEnv);
  if( rc==SQLITE_OK
   && ext_open(conf, pEnv->db, pPrevExt, !bServe, &pEnv->ext, pzErr)!=0 ){
    rc = SQLITE_ERROR;
  }
  if( rc==SQLITE_OK ){
    struct query_opts o = ext_query_opts(pEnv->ext);
    search_engine_set_opts(pEnv->engine, &o);
    if( pEnv->flags & DBENV_LOAD ) rc = search_engine_load(pEnv->engine);
  }
  if( rc==SQLITE_OK ) rc = dbenv_mmap(conf, pEnv->db);
  if( rc==SQLITE_OK && bServe ) rc = dbenv_routes(conf, pEnv);
  if( rc!=SQLITE_OK ){
    if( pzErr && *pzErr==0 ){
      *pzErr = sqlite3_mprintf("%s: %s", conf->zDb, pEnv->db
                               ? sqlite3_errmsg(pEnv->db) : sqlite3_errstr(rc));
    }
    dbenv_close(pEnv);
  }
  return rc;
}

int dbenv_open(const struct conf *conf, int flags, unsigned iGen,
               struct dbenv *pEnv, char **pzErr){
  int rc;
  memset(pEnv, 0, sizeof(*pEnv));
  *pzErr = 0;
  pEnv->flags = flags;
  rc = dbenv_open_with(conf, 0, pEnv, pzErr);
  pEnv->iGen = pEnv->iTried = iGen;
  return rc;
}

int dbenv_reopen(const struct conf *conf, unsigned iGen, struct dbenv *pEnv){
  struct dbenv fresh;
  char *zErr = 0;
  if( iGen==pEnv->iGen || iGen==pEnv->iTried ) return 0;
  pEnv->iTried = iGen;
  memset(&fresh, 0, sizeof(fresh));
  fresh.flags = pEnv->flags;
  if( dbenv_open_with(conf, pEnv->ext, &fresh, &zErr)!=SQLITE_OK ){
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
  int i;
  if( pEnv->apRoute ){
    for(i=0; aRouteState[i].xHandler; i++){
      if( pEnv->apRoute[i] ) aRouteState[i].xClose(pEnv->apRoute[i]);
    }
    free(pEnv->apRoute);
  }
  ext_close(pEnv->ext);
  search_engine_free(pEnv->engine);
  sqlite3_close(pEnv->db);
  pEnv->apRoute = 0; pEnv->ext = 0; pEnv->engine = 0; pEnv->db = 0;
}
