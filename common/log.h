/*
** log.h: the one logging function of indexer and searchd.
**
** Every line goes to stderr as "LEVEL message\n" (LEVEL one of debug,
** info, warn, error), written with one write(2) so lines from several
** threads never interleave. SQLite's error log (SQLITE_CONFIG_LOG) is
** routed here by log_route_sqlite(); searchd routes libevent's log here
** too (searchd/main.c). LOG_DEBUG lines are compiled in but not printed
** (the threshold is a constant, so there is no global state). searchd's
** access log is a LOG_INFO line that --quiet leaves out; the indexer's
** progress bar and summary are not log lines (indexer/main.c).
*/
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdarg.h>

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/*
** Print one line at level, printf-style. Lines longer than 2 KB are cut.
** Control characters in the message are escaped (\n, \t, \xHH), so
** text from outside (a file name with a newline or ESC) cannot forge a
** line or reach a terminal raw. Thread safe; never fails (a failed write is ignored: there is nowhere to
** report it).
*/
void log_msg(enum log_level level, const char *zFmt, ...)
  __attribute__((format(printf, 2, 3)));

/* log_msg() with a va_list, for wrappers that add to each line's work. */
void log_vmsg(enum log_level level, const char *zFmt, va_list ap)
  __attribute__((format(printf, 2, 0)));

/*
** Route SQLite's own log messages into log_msg(): errors as warn lines,
** notices and warnings (WAL recovery, schema changes) as debug lines.
** Must be called before sqlite3_initialize() and before any thread starts.
** Returns 0, or -1 if SQLite refused the configuration (already
** initialised).
*/
int log_route_sqlite(void);

#endif /* COMMON_LOG_H */
