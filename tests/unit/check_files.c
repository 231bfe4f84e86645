/*
** check_files.c: the file list (indexer/files.c): every path absolute and
** canonical however it was reached, so the same file is listed once.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "../../indexer/files.h"

static void no_warn(void *pCtx, const char *zPath, int iLine,
                    const char *zMsg){
  (void)pCtx; (void)zPath; (void)iLine; (void)zMsg;
}

/* The ways to reach the two sample reports; each gives both, once. */
static const char *const azArgs[][3] = {
  {"fixtures/reports", 0, 0},
  {"fixtures/../fixtures/reports/", 0, 0},
  {"fixtures/reports", "fixtures/reports/2018-12-05.txt", 0},
  {"./fixtures/reports/2021-05-05.txt", "fixtures/reports",
   "fixtures//reports/2018-12-05.txt"},
};

START_TEST(test_canonical_once){
  struct files list;
  int nBad = 0, k;
  size_t i;
  memset(&list, 0, sizeof(list));
  for(k=0; k<3 && azArgs[_i][k]; k++){
    ck_assert_int_eq(files_add(&list, azArgs[_i][k], 0, no_warn, 0, &nBad), 0);
  }
  files_sort(&list);
  ck_assert_int_eq(nBad, 0);
  ck_assert_uint_eq(list.n, 2);
  for(i=0; i<list.n; i++){
    char *zReal = realpath(list.a[i].zPath, 0);
    ck_assert_ptr_nonnull(zReal);
    ck_assert_str_eq(list.a[i].zPath, zReal);
    free(zReal);
  }
  ck_assert_ptr_nonnull(strstr(list.a[0].zPath, "/2018-12-05.txt"));
  ck_assert_ptr_nonnull(strstr(list.a[1].zPath, "/2021-05-05.txt"));
  ck_assert_int_gt(list.nBytes, 0);
  files_free(&list);
}
END_TEST

/* A symlinked file inside a walked directory whose target is outside it
** is skipped (and counted) unless links are followed; then it is listed by
** its target. */
START_TEST(test_symlink_file){
  char zDir[] = "/tmp/check_files.XXXXXX";
  char zLink[64], zTarget[PATH_MAX], zCmd[96];
  struct files list;
  int nBad = 0;
  memset(&list, 0, sizeof(list));
  ck_assert_ptr_nonnull(mkdtemp(zDir));
  ck_assert_ptr_nonnull(realpath("fixtures/reports/2018-12-05.txt", zTarget));
  snprintf(zLink, sizeof(zLink), "%s/link.txt", zDir);
  ck_assert_int_eq(symlink(zTarget, zLink), 0);
  ck_assert_int_eq(files_add(&list, zDir, 0, no_warn, 0, &nBad), 0);
  ck_assert_uint_eq(list.n, 0);
  ck_assert_int_eq(nBad, 1);
  ck_assert_int_eq(files_add(&list, zDir, 1, no_warn, 0, &nBad), 0);
  files_sort(&list);
  ck_assert_uint_eq(list.n, 1);
  ck_assert_str_eq(list.a[0].zPath, zTarget);
  files_free(&list);
  snprintf(zCmd, sizeof(zCmd), "rm -rf %s", zDir);
  ck_assert_int_eq(system(zCmd), 0);
}
END_TEST

Suite *files_suite(void){
  Suite *s = suite_create("files");
  TCase *tc = tcase_create("files");
  tcase_add_loop_test(tc, test_canonical_once, 0,
                      sizeof(azArgs)/sizeof(azArgs[0]));
  tcase_add_test(tc, test_symlink_file);
  suite_add_tcase(s, tc);
  return s;
}
