/*
** check_suggest.c: completions and hits from a small index (box_fixture.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "../../searchd/suggest.h"
#include "box_fixture.h"

static const struct {
  const char *zQ;
  int nLimit;
  const char *zWant;        /* suggestion texts joined by '|' */
  int bHits;                /* hits expected */
} aCase[] = {
  {"mammo", 8, "mammografi|mammografin|mammografivagnar|"
               "mammografiverksamheten", 1},
  {"Mammo", 8, "mammografi|mammografin|mammografivagnar|"
               "mammografiverksamheten", 1},
  {"MAMMOGRAFIV", 8, "mammografivagnar|mammografiverksamheten", 1},
  {"mammo", 1, "mammografi", 1},
  {"arbetet med suic", 8, "arbetet med suicidprevention", 1},
  {"Arbetet  MED suic", 8, "Arbetet  MED suicidprevention", 1},
  {"närsjuk", 8, "närsjukvård|närsjukvården", 1},
  {"NÄRSJUK", 8, "närsjukvård|närsjukvården", 1},
  {"kiruna nya sjukhus kn", 8, "kiruna nya sjukhus kns", 1},
  {"glesbygd mammo", 8, "glesbygd mammografi|glesbygd mammografin|"
                        "glesbygd mammografivagnar|"
                        "glesbygd mammografiverksamheten", 1},
  {"kalix mammografiv", 8, "kalix mammografivagnar|"
                           "kalix mammografiverksamheten", 0},
  {"", 8, "", 0},
  {"m", 8, "", 0},
  {"ö", 8, "", 0},
  {"mammo ", 8, "", 0},
  {"mammo-", 8, "", 0},
  {"zzzz", 8, "", 0},
  {"\xff\xfe\xfd", 8, "", 0},
  {"\"mammo", 8, "\"mammografi|\"mammografin|\"mammografivagnar|"
                 "\"mammografiverksamheten", 1},
};

START_TEST(test_suggest){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  char z[1024] = "";
  int i;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(suggest_run(p, aCase[_i].zQ, (int)strlen(aCase[_i].zQ),
                               aCase[_i].nLimit, SUGGEST_MAX_HITS, &r),
                   SQLITE_OK);
  for(i=0; i<r.nItem; i++){
    size_t k = strlen(z);
    snprintf(z+k, sizeof(z)-k, "%s%s", i ? "|" : "", r.aItem[i].zText);
    if( i>0 ) ck_assert_int_ge(r.aItem[i-1].nDocs, r.aItem[i].nDocs);
  }
  ck_assert_msg(strcmp(z, aCase[_i].zWant)==0, "'%s' -> '%s', want '%s'",
                aCase[_i].zQ, z, aCase[_i].zWant);
  ck_assert_msg((r.nHit>0)==aCase[_i].bHits, "'%s': %d hits", aCase[_i].zQ,
                r.nHit);
  for(i=0; i<r.nHit; i++){
    ck_assert_int_eq((int)strlen(r.aHit[i].zDate), 10);
    ck_assert_int_ge(r.aHit[i].iRow, 1);
    ck_assert_ptr_nonnull(r.aHit[i].zAssignment);
  }
  suggest_result_clear(&r);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

/* Hits are the matching rows in index order, at most nHits. */
START_TEST(test_hits){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 2, &r), SQLITE_OK);
  ck_assert_int_eq(r.nHit, 2);
  ck_assert_str_eq(r.aHit[0].zDate, "2021-05-05");
  ck_assert_int_eq(r.aHit[0].iRow, 1);
  ck_assert_str_eq(r.aHit[1].zDate, "2018-12-05");
  ck_assert_int_eq(r.aHit[1].iRow, 2);
  suggest_result_clear(&r);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 0, &r), SQLITE_OK);
  ck_assert_int_eq(r.nHit, 0);
  ck_assert_int_gt(r.nItem, 0);
  suggest_result_clear(&r);
  suggest_free(p);
  suggest_free(0);
  box_fixture_close(&f);
}
END_TEST

/* Short prefixes are cached, until the database changes. */
START_TEST(test_cache_invalidation){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  sqlite3 *dbw = 0;
  char *zErr = 0;
  int k;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  for(k=0; k<2; k++){           /* the second answer comes from the cache */
    ck_assert_int_eq(suggest_run(p, "Mam", 3, 8, 0, &r), SQLITE_OK);
    ck_assert_str_eq(r.aItem[0].zText, "mammografi");
    suggest_result_clear(&r);
  }
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  ck_assert_int_eq(sqlite3_exec(dbw, "INSERT INTO vocab VALUES"
                                "('mamsell','mamsell',99)", 0, 0, 0),
                   SQLITE_OK);
  sqlite3_close(dbw);
  ck_assert_int_eq(suggest_run(p, "Mam", 3, 8, 0, &r), SQLITE_OK);
  ck_assert_str_eq(r.aItem[0].zText, "mamsell");
  ck_assert_int_eq(r.aItem[0].nDocs, 99);
  suggest_result_clear(&r);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

/* A long q is cut at SUGGEST_MAX_Q bytes; nothing breaks. */
START_TEST(test_long){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  char *z = malloc(SUGGEST_MAX_Q * 4);
  int i;
  ck_assert_ptr_nonnull(z);
  for(i=0; i<SUGGEST_MAX_Q*4; i++) z[i] = "mammo "[i % 6];
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(suggest_run(p, z, SUGGEST_MAX_Q*4, 8, 3, &r), SQLITE_OK);
  suggest_result_clear(&r);
  suggest_free(p);
  box_fixture_close(&f);
  free(z);
}
END_TEST

Suite *suggest_suite(void){
  Suite *s = suite_create("suggest");
  TCase *tc = tcase_create("suggest");
  /* Each case writes a small index to /tmp: allow for a busy machine. */
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_suggest, 0, sizeof(aCase)/sizeof(aCase[0]));
  tcase_add_test(tc, test_hits);
  tcase_add_test(tc, test_long);
  tcase_add_test(tc, test_cache_invalidation);
  suite_add_tcase(s, tc);
  return s;
}
