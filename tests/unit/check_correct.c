/*
** check_correct.c: edit distance, and corrections from a vocab table that
** the test fills itself (in a real index the indexer keeps it).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "../../searchd/box/correct.h"
#include "../../searchd/box/fold.h"
#include "box_fixture.h"

static const struct {
  const char *a, *b;
  int nMax, want;
} aDist[] = {
  {"mamografi", "mammografi", 2, 1},
  {"abc", "acb", 2, 1},                   /* transposition */
  {"kitten", "sitting", 3, 3},
  {"kitten", "sitting", 2, 3},            /* past nMax: nMax+1 */
  {"vård", "vard", 2, 1},                 /* å is one code point */
  {"", "abc", 2, 3},
  {"", "", 1, 0},
  {"närsjukvård", "närsjukvård", 2, 0},
  {"ab", "ba", 1, 1},
};

START_TEST(test_distance){
  int d = correct_distance(aDist[_i].a, (int)strlen(aDist[_i].a), aDist[_i].b,
                           (int)strlen(aDist[_i].b), aDist[_i].nMax);
  ck_assert_msg(d==aDist[_i].want, "%s/%s: %d, want %d", aDist[_i].a,
                aDist[_i].b, d, aDist[_i].want);
}
END_TEST

static const struct { const char *zIn; const char *zWant; } aCorrect[] = {
  {"lakemedelsgenomgang", "läkemedelsgenomgång"},
  {"Lakemedelsgenomgang", "läkemedelsgenomgång"},
  {"narsjukvard",         "närsjukvård"},
  {"mamografi",           "mammografi"},      /* distance 1, most docs */
  {"MAMOGRAFI",           "mammografi"},
  {"mammografivagnr",     "mammografivagnar"},
  {"suicdprevention",     "suicidprevention"},
  {"xyzzyq",              0},
  {"covid-19",            0},                 /* not one word */
  {"ab",                  0},                 /* too short for a typo */
  {"",                    0},
  {"mamo",                0},                 /* distance 2, short word */
};

START_TEST(test_correct){
  struct box_fixture f;
  struct correct *p = 0;
  char *zTo = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(correct_word(p, aCorrect[_i].zIn,
                                (int)strlen(aCorrect[_i].zIn), &zTo),
                   SQLITE_OK);
  if( aCorrect[_i].zWant==0 ){
    ck_assert_msg(zTo==0, "%s -> %s, want none", aCorrect[_i].zIn, zTo);
  }else{
    ck_assert_msg(zTo && strcmp(zTo, aCorrect[_i].zWant)==0,
                  "%s -> %s, want %s", aCorrect[_i].zIn, zTo,
                  aCorrect[_i].zWant);
  }
  sqlite3_free(zTo);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

/* A stop word is never the correction, however frequent: "ar" is "år",
** not "är"; and "varr" is "vård", not "var" or "vara". */
START_TEST(test_not_stopword){
  struct box_fixture f;
  struct correct *p = 0;
  char *zTo = 0;
  sqlite3 *w = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(sqlite3_open(f.zPath, &w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w,
      "INSERT OR REPLACE INTO vocab(word, plain, docs) VALUES"
      "('\xc3\xa4r','ar',500),('\xc3\xa5r','ar',3),"
      "('vara','vara',400),('var','var',300),('v\xc3\xa5rd','vard',7)",
      0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(correct_word(p, "ar", 2, &zTo), SQLITE_OK);
  ck_assert_pstr_eq(zTo, "\xc3\xa5r");
  sqlite3_free(zTo);
  ck_assert_int_eq(correct_word(p, "varr", 4, &zTo), SQLITE_OK);
  ck_assert_pstr_eq(zTo, "v\xc3\xa5rd");
  sqlite3_free(zTo);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

static const struct { const char *zMatch; int bFound; } aFound[] = {
  {"\"mammografi\"", 1}, {"\"mamografi\"", 0}, {"\"närsjukvård\"", 1},
  {"\"narsjukvard\"", 0}, {"\"mamografi\" OR \"vården\"", 1},
};

START_TEST(test_found){
  struct box_fixture f;
  struct correct *p = 0;
  int bFound = -1;
  box_fixture_open(&f);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(correct_found(p, aFound[_i].zMatch, &bFound), SQLITE_OK);
  ck_assert_msg(bFound==aFound[_i].bFound, "%s: %d", aFound[_i].zMatch,
                bFound);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

START_TEST(test_no_vocab){
  sqlite3 *db = 0;
  struct correct *p = (struct correct*)1;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_ne(correct_new(db, &p), SQLITE_OK);
  ck_assert_ptr_null(p);
  correct_free(0);
  sqlite3_close(db);
}
END_TEST

Suite *correct_suite(void){
  Suite *s = suite_create("correct");
  TCase *tc = tcase_create("correct");
  /* Each case writes a small index to /tmp: allow for a busy machine. */
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_distance, 0, sizeof(aDist)/sizeof(aDist[0]));
  tcase_add_loop_test(tc, test_correct, 0,
                      sizeof(aCorrect)/sizeof(aCorrect[0]));
  tcase_add_loop_test(tc, test_found, 0, sizeof(aFound)/sizeof(aFound[0]));
  tcase_add_test(tc, test_no_vocab);
  tcase_add_test(tc, test_not_stopword);
  suite_add_tcase(s, tc);
  return s;
}
