/*
** log.c: one logging function; SQLite's log routed into it (see log.h).
*/
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"

/* The lowest level printed. */
#define LOG_THRESHOLD LOG_INFO

static const char *const azLevel[] = {"debug", "info", "warn", "error"};

void log_vmsg(enum log_level level, const char *zFmt, va_list ap){
  char zLine[2048];
  int n, m;
  if( level<LOG_THRESHOLD ) return;
  n = snprintf(zLine, sizeof(zLine), "%s ", azLevel[level]);
  m = vsnprintf(zLine+n, sizeof(zLine)-n, zFmt, ap);
  if( m>0 ) n += m;
  if( n>(int)sizeof(zLine)-2 ) n = (int)sizeof(zLine)-2;
  zLine[n++] = '\n';
  if( write(STDERR_FILENO, zLine, n)<0 ){
    /* Nowhere left to report a failed write to stderr. */
  }
}

void log_msg(enum log_level level, const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  log_vmsg(level, zFmt, ap);
  va_end(ap);
}

/* SQLite's SQLITE_CONFIG_LOG callback. */
static void log_sqlite(void *pArg, int iErr, const char *zMsg){
  /* SQLITE_NOTICE/WARNING (e.g. WAL recovery) are not errors. */
  int prim = iErr & 0xff;
  enum log_level lvl = (prim==SQLITE_NOTICE || prim==SQLITE_WARNING
                        || prim==SQLITE_SCHEMA) ? LOG_DEBUG : LOG_WARN;
  (void)pArg;
  log_msg(lvl, "sqlite (%d): %s", iErr, zMsg);
}

int log_route_sqlite(void){
  return sqlite3_config(SQLITE_CONFIG_LOG, log_sqlite, (void*)0)==SQLITE_OK
         ? 0 : -1;
}
