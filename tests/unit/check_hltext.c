/*
** check_hltext.c: the first pass's highlights and snippets by rowid
** (searchd/engine/hltext.h): copies kept whole, NULL kept apart from the
** empty text, the last of a row kept twice, forgetting, and the cap.
*/
#include <string.h>

#include <check.h>

#include "../../searchd/engine/hltext.h"

START_TEST(test_put_get)
{
  struct hltext *p = 0;
  const struct hltext_row *r;
  char zHl[] = "a \002mammo\003grafi";
  ck_assert_int_eq(hltext_new(&p), SQLITE_OK);
  ck_assert_ptr_null(hltext_get(p, 7));
  ck_assert_int_eq(hltext_put(p, 7, zHl, (int)strlen(zHl), "", 0), SQLITE_OK);
  ck_assert_int_eq(hltext_put(p, -3, 0, 0, "s", 1), SQLITE_OK);
  zHl[0] = 'X';                   /* a copy was kept */
  r = hltext_get(p, 7);
  ck_assert_ptr_nonnull(r);
  ck_assert_int_eq(r->nHl, (int)strlen(zHl));
  ck_assert_str_eq(r->zHl, "a \002mammo\003grafi");
  ck_assert_ptr_nonnull(r->zSnip);          /* empty, not NULL */
  ck_assert_int_eq(r->nSnip, 0);
  r = hltext_get(p, -3);
  ck_assert_ptr_nonnull(r);
  ck_assert_ptr_null(r->zHl);
  ck_assert_int_eq(r->nHl, 0);
  ck_assert_str_eq(r->zSnip, "s");
  ck_assert_ptr_null(hltext_get(p, 8));
  ck_assert_int_eq(hltext_put(p, 7, "b", 1, "c", 1), SQLITE_OK);
  ck_assert_str_eq(hltext_get(p, 7)->zHl, "b");
  hltext_clear(p);
  ck_assert_ptr_null(hltext_get(p, 7));
  ck_assert_ptr_null(hltext_get(p, -3));
  ck_assert_int_eq(hltext_put(p, 9, "d", 1, 0, 0), SQLITE_OK);
  ck_assert_str_eq(hltext_get(p, 9)->zHl, "d");
  ck_assert_ptr_null(hltext_get(p, 9)->zSnip);
  hltext_free(p);
  hltext_free(0);
}
END_TEST

/* Past HLTEXT_MAX rows nothing more is kept, and that is no error. */
START_TEST(test_cap)
{
  struct hltext *p = 0;
  sqlite3_int64 i;
  ck_assert_int_eq(hltext_new(&p), SQLITE_OK);
  for(i=0; i<HLTEXT_MAX + 10; i++){
    ck_assert_int_eq(hltext_put(p, i, "h", 1, "s", 1), SQLITE_OK);
  }
  ck_assert_ptr_nonnull(hltext_get(p, 0));
  ck_assert_ptr_nonnull(hltext_get(p, HLTEXT_MAX - 1));
  ck_assert_ptr_null(hltext_get(p, HLTEXT_MAX));
  hltext_free(p);
}
END_TEST

Suite *hltext_suite(void){
  Suite *s = suite_create("hltext");
  TCase *tc = tcase_create("hltext");
  tcase_add_test(tc, test_put_get);
  tcase_add_test(tc, test_cap);
  suite_add_tcase(s, tc);
  return s;
}
