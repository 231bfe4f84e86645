/*
** check_version.c: what --version prints (common/version.c), checked
** against the values the code itself uses: the schema version db_open()
** writes, the analysis version, the SQLite library in use.
*/
#include <stdio.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "swedish.h"
#include "version.h"

START_TEST(test_lines)
{
  FILE *f = tmpfile();
  char z[1000], zWant[300];
  size_t n;
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(version_print(f, "prog"), 0);
  rewind(f);
  n = fread(z, 1, sizeof(z)-1, f);
  z[n] = 0;
  fclose(f);
  snprintf(zWant, sizeof(zWant), "prog %s\nindex schema %d, analysis %s\n"
           "SQLite %s", PROJECT_VERSION, DB_SCHEMA_VERSION,
           swedish_analysis_version(), sqlite3_libversion());
  ck_assert_int_eq(strncmp(z, zWant, strlen(zWant)), 0);
  ck_assert_ptr_nonnull(strstr(z, "\nlibstemmer (Snowball)"));
  ck_assert_int_eq(z[n-1], '\n');
}
END_TEST

/* A stream that cannot be written gives -1. */
START_TEST(test_write_error)
{
  FILE *f = fopen("/dev/null", "r");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(version_print(f, "prog"), -1);
  fclose(f);
}
END_TEST

Suite *version_suite(void){
  Suite *s = suite_create("version");
  TCase *tc = tcase_create("version");
  tcase_add_test(tc, test_lines);
  tcase_add_test(tc, test_write_error);
  suite_add_tcase(s, tc);
  return s;
}
