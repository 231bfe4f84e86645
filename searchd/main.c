/*
** main.c: searchd, the ranked query server. Flags in conf.c, the server in
** server.c; this file only sets up the process and exits.
*/
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>
#include <event2/thread.h>
#include <sqlite3.h>

#include "http/conf.h"
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

int main(int argc, char **argv){
  struct conf conf;
  char *zErr = 0;
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
  rc = server_run(&conf);
  sqlite3_shutdown();
  libevent_global_shutdown();
  return rc==0 ? 0 : 1;
}
