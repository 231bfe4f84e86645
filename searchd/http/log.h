/*
** log.h: the one logging function of searchd.
**
** Every line goes to stderr as "LEVEL message\n", written with one write(2)
** so lines from several threads never interleave. SQLite's error log
** (SQLITE_CONFIG_LOG) and libevent's log (event_set_log_callback) are routed
** here by log_route_libraries(). LOG_DEBUG lines are compiled in but not
** printed (the threshold is a constant, so there is no global state); the
** access log is not a log_msg() level but http.c's, silenced by --quiet.
*/
#ifndef SEARCHD_LOG_H
#define SEARCHD_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/*
** Print one line at level, printf-style. Lines longer than 2 KB are cut.
** Thread safe; never fails (a failed write is ignored: there is nowhere to
** report it).
*/
void log_msg(enum log_level level, const char *zFmt, ...)
  __attribute__((format(printf, 2, 3)));

/*
** Route SQLite's and libevent's own log messages into log_msg(). Must be
** called before sqlite3_initialize() and before any thread starts. Returns
** 0, or -1 if SQLite refused the configuration (already initialised).
*/
int log_route_libraries(void);

#endif /* SEARCHD_LOG_H */
