/*
** log.c: one logging function; SQLite's log routed into it (see log.h).
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"

/* The lowest level printed. */
#define LOG_THRESHOLD LOG_INFO

static const char *const azLevel[] = {"debug", "info", "warn", "error"};

/*
** Copy z into zOut[0..nOut) with control characters escaped (\n, \t,
** \xHH), so that text from outside (a file name holding a newline or an
** escape sequence) can neither forge a log line nor reach a terminal raw.
** A backslash stays as it is, so a JSON line (the access log, whose strings
** hold no raw control characters) stays valid JSON.
** Returns the bytes written; the copy stops where an escape would not fit.
*/
static int log_escape(char *zOut, int nOut, const char *z){
  int n = 0;
  for(; *z; z++){
    unsigned char c = (unsigned char)*z;
    char zEsc[5];
    int k;
    if( c=='\n' ) k = snprintf(zEsc, sizeof(zEsc), "\\n");
    else if( c=='\t' ) k = snprintf(zEsc, sizeof(zEsc), "\\t");
    else if( c<0x20 || c==0x7f ) k = snprintf(zEsc, sizeof(zEsc), "\\x%02x", c);
    else{ zEsc[0] = (char)c; k = 1; }
    if( n+k>nOut ) break;
    memcpy(zOut+n, zEsc, (size_t)k);
    n += k;
  }
  return n;
}

void log_vmsg(enum log_level level, const char *zFmt, va_list ap){
  char zMsg[2048], zLine[2048];
  int n;
  if( level<LOG_THRESHOLD ) return;
  if( vsnprintf(zMsg, sizeof(zMsg), zFmt, ap)<0 ) zMsg[0] = 0;
  n = snprintf(zLine, sizeof(zLine), "%s ", azLevel[level]);
  n += log_escape(zLine+n, (int)sizeof(zLine)-2-n, zMsg);
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
