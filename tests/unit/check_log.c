/*
** check_log.c: the one logger (common/log.c): one line per call on
** stderr, levels, the 2 KB cut, and SQLite's log routed into it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "log.h"

/* Where stderr goes during a test, and the saved descriptor. */
static FILE *g_capture;
static int g_saved = -1;

static void capture_start(void){
  g_capture = tmpfile();
  ck_assert_ptr_nonnull(g_capture);
  g_saved = dup(STDERR_FILENO);
  ck_assert_int_ge(g_saved, 0);
  ck_assert_int_ge(dup2(fileno(g_capture), STDERR_FILENO), 0);
}

/* Restore stderr; return what was written (free it). */
static char *capture_end(void){
  long n;
  char *z;
  ck_assert_int_ge(dup2(g_saved, STDERR_FILENO), 0);
  close(g_saved);
  n = ftell(g_capture);
  ck_assert_int_ge(n, 0);
  z = calloc((size_t)n + 1, 1);
  ck_assert_ptr_nonnull(z);
  rewind(g_capture);
  ck_assert_uint_eq(fread(z, 1, (size_t)n, g_capture), (size_t)n);
  fclose(g_capture);
  return z;
}

START_TEST(test_levels)
{
  char *z;
  capture_start();
  log_msg(LOG_DEBUG, "hidden %d", 1);
  log_msg(LOG_INFO, "listening on %s", "127.0.0.1:0");
  log_msg(LOG_WARN, "%s:%d: %s", "a.txt", 6, "two fields");
  log_msg(LOG_ERROR, "out of memory");
  z = capture_end();
  ck_assert_str_eq(z, "info listening on 127.0.0.1:0\n"
                      "warn a.txt:6: two fields\n"
                      "error out of memory\n");
  free(z);
}
END_TEST

/* A line longer than the buffer is cut, and still ends the line. */
START_TEST(test_long_line)
{
  char *zBig = malloc(5000), *z;
  size_t n;
  ck_assert_ptr_nonnull(zBig);
  memset(zBig, 'x', 4999);
  zBig[4999] = 0;
  capture_start();
  log_msg(LOG_WARN, "%s", zBig);
  log_msg(LOG_INFO, "next");
  z = capture_end();
  n = strcspn(z, "\n");
  ck_assert_uint_eq(n, 2046);                   /* 2 KB with the \n */
  ck_assert_int_eq(strncmp(z, "warn xxx", 8), 0);
  ck_assert_str_eq(z + n + 1, "info next\n");
  free(z);
  free(zBig);
}
END_TEST

/* Control characters from outside cannot start a line or reach a
** terminal raw: a file name with a newline and ESC stays one line. */
START_TEST(test_escaped)
{
  char *z;
  capture_start();
  log_msg(LOG_WARN, "%s: bad", "a\nerror forged\x1b[2J\tb\\c\x7f.txt");
  z = capture_end();
  ck_assert_str_eq(z, "warn a\\nerror forged\\x1b[2J\\tb\\c\\x7f.txt: bad\n");
  free(z);
}
END_TEST

/* SQLite's errors become warn lines; its notices are debug (not shown). */
START_TEST(test_sqlite)
{
  char *z;
  ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
  ck_assert_int_eq(log_route_sqlite(), 0);
  capture_start();
  sqlite3_log(SQLITE_CANTOPEN, "cannot open %s", "x.db");
  sqlite3_log(SQLITE_NOTICE_RECOVER_WAL, "recovered %d frames", 3);
  z = capture_end();
  ck_assert_str_eq(z, "warn sqlite (14): cannot open x.db\n");
  free(z);
  ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
  capture_start();
  ck_assert_int_eq(log_route_sqlite(), -1);     /* too late: initialised */
  z = capture_end();
  ck_assert_ptr_nonnull(strstr(z, "warn sqlite (21): misuse"));
  free(z);
  ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_LOG, (void*)0, (void*)0),
                   SQLITE_OK);
}
END_TEST

Suite *log_suite(void){
  Suite *s = suite_create("log");
  TCase *tc = tcase_create("log");
  tcase_add_test(tc, test_levels);
  tcase_add_test(tc, test_long_line);
  tcase_add_test(tc, test_escaped);
  tcase_add_test(tc, test_sqlite);
  suite_add_tcase(s, tc);
  return s;
}
