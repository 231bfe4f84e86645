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

#include "box/lexicon.h"
#include "box/synonyms.h"
#include "engine/attrs_share.h"
#include "db.h"
#include "http/conf.h"
#include "http/datadir.h"
#include "http/server.h"
#include "log.h"
#include "version.h"

/* --version: the project's lines, and libevent's, which serves the API. */
static int main_version(FILE *f){
  if( version_print(f, "searchd")!=0 ) return -1;
  fprintf(f, "libevent %s\n", event_get_version());
  return ferror(f) ? -1 : 0;
}

/* libevent's event_set_log_callback callback: its lines go to log_msg. */
static void main_log_libevent(int severity, const char *zMsg){
  static const struct { int sev; enum log_level lvl; } aMap[] = {
    {EVENT_LOG_DEBUG, LOG_DEBUG}, {EVENT_LOG_MSG, LOG_INFO},
    {EVENT_LOG_WARN, LOG_WARN}, {EVENT_LOG_ERR, LOG_ERROR},
  };
  enum log_level lvl = LOG_WARN;
  size_t i;
  for(i=0; i<sizeof(aMap)/sizeof(aMap[0]); i++){
    if( aMap[i].sev==severity ) lvl = aMap[i].lvl;
  }
  log_msg(lvl, "libevent: %s", zMsg);
}

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

/*
** The correctors' lexicon (lexicon.h), shared by every worker and search
** thread, so that no user's first misspelling waits for it and no thread
** holds a copy: made on a connection of its own, on a thread started
** here, while the workers load. NULL (each corrector then makes its own
** when it needs it) if the index cannot be opened: the workers' own opens
** say why.
*/
static struct lexicon_share *main_lexicon(const struct conf *conf){
  struct lexicon_share *pShare = 0;
  sqlite3 *db = 0;
  int rc = db_open(conf->zDb, DB_READONLY, &db, 0);
  if( rc==SQLITE_OK ) rc = lexicon_share_new(db, 1, &pShare);
  if( rc!=SQLITE_OK ){
    sqlite3_close(db);
    return 0;
  }
  if( lexicon_share_start(pShare)!=SQLITE_OK ){
    log_msg(LOG_WARN, "lexicon: no thread; made at the first correction");
  }
  return pShare;
}

int main(int argc, char **argv){
  struct conf conf;
  char *zErr = 0, *zWww = 0, *zSyn = 0;
  int rc = conf_parse(argc, argv, &conf, &zErr);
  if( rc==CONF_HELP ){
    conf_usage(stdout);
    return fflush(stdout)==0 ? 0 : 1;
  }
  if( rc==CONF_VERSION ){
    return main_version(stdout)==0 && fflush(stdout)==0 ? 0 : 1;
  }
  if( rc!=CONF_OK ){
    fprintf(stderr, "searchd: %s\n", zErr ? zErr : "bad arguments");
    sqlite3_free(zErr);
    return 2;
  }
  /* A client closing early must give EPIPE, not kill the process. No
  ** allocation statistics: keeping them takes one global mutex around every
  ** SQLite allocation, which the worker threads would contend for. */
  event_set_log_callback(main_log_libevent);
  if( signal(SIGPIPE, SIG_IGN)==SIG_ERR
   || sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0)!=SQLITE_OK
   || log_route_sqlite()!=0 || evthread_use_pthreads()!=0
   || sqlite3_initialize()!=SQLITE_OK ){
    fprintf(stderr, "searchd: cannot initialise libraries\n");
    return 1;
  }
  main_data_files(&conf, &zWww, &zSyn);
  rc = main_check(&conf);
  if( rc==0 ) conf.pLexicon = main_lexicon(&conf);
  /* Without a share (out of memory) each connection holds its own. */
  if( rc==0 ) (void)attrs_share_new(&conf.pAttrs);
  if( rc==0 ) rc = server_run(&conf)==0 ? 0 : 1;
  attrs_share_free(conf.pAttrs);
  lexicon_share_free(conf.pLexicon);
  sqlite3_free(zWww);
  sqlite3_free(zSyn);
  sqlite3_shutdown();
  libevent_global_shutdown();
  return rc;
}
