/*
** check_static.c: which names the page's folder serves, and that a name
** never reaches a file outside it.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "../../searchd/http/static.h"

static const struct { const char *zName; const char *zType; } aName[] = {
  {"app.js",            "text/javascript; charset=utf-8"},
  {"style.css",         "text/css; charset=utf-8"},
  {"index.html",        "text/html; charset=utf-8"},
  {"img/logo.svg",      "image/svg+xml"},
  {"a-b_c.1.png",       "image/png"},
  {"",                  0},
  {"..",                0},
  {"../main.c",         0},
  {"a/../b.css",        0},
  {"./app.js",          0},
  {".hidden.css",       0},
  {"/etc/passwd",       0},
  {"a//b.css",          0},
  {"app.js/",           0},
  {"app.c",             0},
  {"app",               0},
  {".js",               0},
  {"a b.css",           0},
  {"a%2e.css",          0},
  {"a\\b.css",          0},
  {"\xc3\xa5.css",      0},
  {"app.js\n",          0},
};

START_TEST(test_name){
  const char *z = static_check_name(aName[_i].zName);
  if( aName[_i].zType==0 ){
    ck_assert_msg(z==0, "'%s' accepted as %s", aName[_i].zName, z);
  }else{
    ck_assert_msg(z && strcmp(z, aName[_i].zType)==0, "'%s' -> %s",
                  aName[_i].zName, z);
  }
}
END_TEST

/* A folder with a page, a file outside it and a symlink pointing there. */
START_TEST(test_open){
  char zDir[] = "/tmp/check_static_XXXXXX";
  char zPath[256];
  struct static_root *p = 0;
  char *zErr = 0;
  long long nSize = 0, nMtime = 0;
  int fd = -1;
  FILE *f;
  ck_assert_ptr_nonnull(mkdtemp(zDir));
  snprintf(zPath, sizeof(zPath), "%s/index.html", zDir);
  f = fopen(zPath, "w");
  ck_assert_ptr_nonnull(f);
  fputs("<!doctype html>", f);
  fclose(f);
  snprintf(zPath, sizeof(zPath), "%s/leak.txt", zDir);
  ck_assert_int_eq(symlink("/etc/hostname", zPath), 0);
  ck_assert_int_eq(static_root_new(zDir, &p, &zErr), 0);
  ck_assert_int_eq(static_open(p, "index.html", &fd, &nSize, &nMtime), 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(nSize, 15);
  close(fd);
  ck_assert_int_eq(static_open(p, "leak.txt", &fd, &nSize, &nMtime), 404);
  ck_assert_int_eq(fd, -1);
  ck_assert_int_eq(static_open(p, "missing.css", &fd, &nSize, &nMtime), 404);
  ck_assert_int_eq(static_open(p, "../index.html", &fd, &nSize, &nMtime),
                   404);
  static_root_free(p);
  unlink(zPath);
  snprintf(zPath, sizeof(zPath), "%s/index.html", zDir);
  unlink(zPath);
  ck_assert_int_ne(static_root_new(zDir, &p, &zErr), 0);  /* no index.html */
  ck_assert_ptr_null(p);
  ck_assert_ptr_nonnull(zErr);
  sqlite3_free(zErr);
  rmdir(zDir);
}
END_TEST

Suite *static_suite(void){
  Suite *s = suite_create("static");
  TCase *tc = tcase_create("static");
  tcase_add_loop_test(tc, test_name, 0, sizeof(aName)/sizeof(aName[0]));
  tcase_add_test(tc, test_open);
  suite_add_tcase(s, tc);
  return s;
}
