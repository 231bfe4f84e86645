/*
** log.c: one logging function; SQLite's and libevent's logs routed into it.
*/
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include <event2/event.h>
#include <sqlite3.h>

#include "http/log.h"

/* The lowest level printed. */
#define LOG_THRESHOLD LOG_INFO

static const char *const azLevel[] = {"debug", "info", "warn", "error"};

void log_msg(enum log_level level, const char *zFmt, ...){
  char zLine[2048];
  int n;
  va_list ap;
  if( level<LOG_THRESHOLD ) return;
  n = snprintf(zLine, sizeof(zLine), "%s ", azLevel[level]);
  va_start(ap, zFmt);
  n += vsnprintf(zLine+n, sizeof(zLine)-n, zFmt, ap);
  va_end(ap);
  if( n>(int)sizeof(zLine)-2 ) n = (int)sizeof(zLine)-2;
  zLine[n++] = '\n';
  if( write(STDERR_FILENO, zLine, n)<0 ){
    /* Nowhere left to report a failed write to stderr. */
  }
}

/* SQLite's SQLITE_CONFIG_LOG callback. */
static void log_sqlite(void *pArg, int iErr, const char *zMsg){
  (void)pArg;
  /* SQLITE_NOTICE/WARNING (e.g. WAL recovery) are not errors. */
  int prim = iErr & 0xff;
  enum log_level lvl = (prim==SQLITE_NOTICE || prim==SQLITE_WARNING
                        || prim==SQLITE_SCHEMA) ? LOG_DEBUG : LOG_WARN;
  log_msg(lvl, "sqlite (%d): %s", iErr, zMsg);
}

/* libevent's event_set_log_callback callback. */
static void log_libevent(int severity, const char *zMsg){
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

int log_route_libraries(void){
  event_set_log_callback(log_libevent);
  return sqlite3_config(SQLITE_CONFIG_LOG, log_sqlite, (void*)0)==SQLITE_OK
         ? 0 : -1;
}
