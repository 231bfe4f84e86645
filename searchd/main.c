/*
** main.c: searchd, the ranked query server. Flags in conf.c, the server in
** server.c; this file sets up the process, checks what start-up needs
** once (the index exists, the shipped files are found, the synonyms file
** parses), and exits.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <sqlite3.h>

#include "box/synonyms.h"
#include "http/conf.h"
#include "http/datadir.h"
#include "http/log.h"
#include "http/server.h"

/*
** Point conf->zWww and conf->zSynonyms, when no flag set them, at the
** shipped files (*pzWww, *pzSyn: sqlite3_free them), or at "" (none) with
** one warning each: every worker then takes them as they are instead of
** searching, and failing, on its own.
*/
static void main_data_files(struct conf *conf, char **pzWww, char **pzSyn){
  char *zErr = 0;
  *pzWww = *pzSyn = 0;
  if( conf->zWww==0 ){
    if( datadir_find("www", pzWww, &zErr) ){
      log_msg(LOG_WARN, "no search page: %s (use --www DIR)",
              zErr ? zErr : "out of memory");
    }
    conf->zWww = *pzWww ? *pzWww : "";
    sqlite3_free(zErr);
    zErr = 0;
  }
  if( conf->zSynonyms==0 ){
    if( datadir_find("synonyms.txt", pzSyn, &zErr) ){
      log_msg(LOG_WARN, "synonyms: %s (use --synonyms PATH); searching "
              "without synonyms", zErr ? zErr : "out of memory");
    }
    conf->zSynonyms = *pzSyn ? *pzSyn : "";
    sqlite3_free(zErr);
  }
}

/*
** The checks that would otherwise fail once per thread, each with a line
** of its own: the index must exist, and the synonyms file must parse (its
** sets are reported here, once). Returns 0, or 1 after logging why.
*/
static int main_check(const struct conf *conf){
  struct synonyms *pSyn = 0;
  struct stat st;
  char *zErr = 0;
  int rc;
  if( stat(conf->zDb, &st)!=0 && errno==ENOENT ){
    log_msg(LOG_ERROR, "no index at %s: build one with "
            "`indexer --db %s REPORTS…`", conf->zDb, conf->zDb);
    return 1;
  }
  if( conf->zSynonyms[0]==0 ) return 0;
  rc = synonyms_load(conf->zSynonyms, &pSyn, &zErr);
  if( rc==SQLITE_OK ){
    log_msg(LOG_INFO, "synonyms: %d sets from %s", synonyms_count(pSyn),
            conf->zSynonyms);
  }else{
    log_msg(LOG_ERROR, "synonyms: %s", zErr ? zErr : sqlite3_errstr(rc));
  }
  synonyms_free(pSyn);
  sqlite3_free(zErr);
  return rc==SQLITE_OK ? 0 : 1;
}

int main(int argc, char **argv){
  struct conf conf;
  char *zErr = 0, *zWww = 0, *zSyn = 0;
  int rc = conf_parse(argc, argv, &conf, &zErr);
  if( rc==CONF_HELP ){
    conf_usage(argv[0], stdout);
    return 0;
  }
  if( rc!=CONF_OK ){
    fprintf(stderr, "searchd: %s\n", zErr ? zErr : "bad arguments");
    sqlite3_free(zErr);
    return 2;
  }
  /* A client closing early must give EPIPE, not kill the process. No
  ** allocation statistics: keeping them takes one global mutex around every
  ** SQLite allocation, which the worker threads would contend for. */
  if( signal(SIGPIPE, SIG_IGN)==SIG_ERR
   || sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)!=SQLITE_OK
   || log_route_libraries()!=0 || evthread_use_pthreads()!=0
   || sqlite3_initialize()!=SQLITE_OK ){
    fprintf(stderr, "searchd: cannot initialise libraries\n");
    return 1;
  }
  main_data_files(&conf, &zWww, &zSyn);
  rc = main_check(&conf);
  if( rc==0 ) rc = server_run(&conf)==0 ? 0 : 1;
  sqlite3_free(zWww);
  sqlite3_free(zSyn);
  sqlite3_shutdown();
  libevent_global_shutdown();
  return rc;
}
