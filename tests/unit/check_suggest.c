/*
** check_suggest.c: completions and hits from a small index (box_fixture.h):
** completions of the last word counted by the whole completed query (so
** none finds nothing), one letter after other words, å ä ö folded and
** typos corrected when the word starts nothing, the hits ranked.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "../../searchd/box/suggest.h"
#include "../../searchd/engine/query.h"
#include "box_fixture.h"
#include "tally_fixture.h"

static const struct {
  const char *zQ;
  int nLimit;
  const char *zWant;        /* suggestion texts joined by '|' */
  int bHits;                /* hits expected */
} aCase[] = {
  {"mammo", 8, "mammografi|mammografivagnar|"
               "mammografiverksamheten", 1},
  {"Mammo", 8, "mammografi|mammografivagnar|"
               "mammografiverksamheten", 1},
  {"MAMMOGRAFIV", 8, "mammografivagnar|mammografiverksamheten", 1},
  {"mammo", 1, "mammografi", 1},
  {"arbetet med suic", 8, "arbetet med suicidprevention", 1},
  {"Arbetet  MED suic", 8, "Arbetet  MED suicidprevention", 1},
  {"närsjuk", 8, "närsjukvård", 1},
  {"NÄRSJUK", 8, "närsjukvård", 1},
  {"kiruna nya sjukhus kn", 8, "kiruna nya sjukhus kns", 1},
  /* Only completions that find rows with the earlier word: the two
  ** compounds are in a row without glesbygd. One form of a word only:
  ** mammografin finds what mammografi finds. */
  {"glesbygd mammo", 8, "glesbygd mammografi", 1},
  /* Words that start with the prefix but find nothing with kalix: no
  ** completion, and no correction either (the prefix is no typo). */
  {"kalix mammografiv", 8, "", 0},
  /* One letter completes after another word: the k-words of the one row
  ** that holds "sjukhus" (its assignment and its status). */
  {"sjukhus k", 8, "sjukhus kiruna|sjukhus klar|sjukhus kns|"
                   "sjukhus kvalitet", 1},
  {"mammografin k", 8, "mammografin kalix", 1},
  /* A stop word the query would drop adds nothing to the earlier words:
  ** "med" and "till" are not offered. */
  {"arbetet m", 8, "", 0},
  {"sjukhus t", 8, "", 0},
  /* å ä ö folded when the word starts nothing as typed. */
  {"lakemedel", 8, "läkemedelsgenomgång", 1},
  {"narsjukv", 8, "närsjukvård", 1},
  /* A typo the corrector fixes (correct.h), then completed. */
  {"mamografi", 8, "mammografi|mammografivagnar|"
                   "mammografiverksamheten", 1},
  {"", 8, "", 0},
  {"m", 8, "", 0},
  {"k m", 8, "", 0},
  {"ö", 8, "", 0},
  {"mammo ", 8, "", 0},
  {"mammo-", 8, "", 0},
  {"zzzz", 8, "", 0},
  {"\xff\xfe\xfd", 8, "", 0},
  {"\"mammo", 8, "\"mammografi|\"mammografivagnar|"
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
    if( i>0 ) ck_assert_int_ge(r.aItem[i-1].nCount, r.aItem[i].nCount);
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

/*
** Hits are the top completion's rows as /search ranks them, at most
** nHits: "Mammografi i glesbygd", the word itself in a short assignment,
** before the row that has it in its assignment only inside compounds,
** which comes before the one that has it only in its status (rank.h).
*/
START_TEST(test_hits){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 3, &r), SQLITE_OK);
  ck_assert_str_eq(r.aItem[0].zText, "mammografi");
  ck_assert_int_eq(r.nHit, 3);
  ck_assert_str_eq(r.aHit[0].zDate, "2018-12-05");
  ck_assert_int_eq(r.aHit[0].iRow, 2);
  ck_assert_str_eq(r.aHit[1].zDate, "2021-05-05");
  ck_assert_int_eq(r.aHit[1].iRow, 1);
  ck_assert_str_eq(r.aHit[2].zDate, "2018-12-05");
  ck_assert_int_eq(r.aHit[2].iRow, 3);
  suggest_result_clear(&r);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 1, &r), SQLITE_OK);
  ck_assert_int_eq(r.nHit, 1);
  ck_assert_int_eq(r.aHit[0].iRow, 2);
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

/* Answers are cached, until the database changes: a new row makes a new
** completion, counted, once the version is asked again (DB_RECHECK_MS). */
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
    int i;
    ck_assert_int_eq(suggest_run(p, "Mam", 3, 8, 0, &r), SQLITE_OK);
    ck_assert_str_eq(r.aItem[0].zText, "mammografi");
    ck_assert_int_eq(r.aItem[0].nCount, 3);
    for(i=0; i<r.nItem; i++) ck_assert_str_ne(r.aItem[i].zText, "mamsell");
    suggest_result_clear(&r);
  }
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  ck_assert_int_eq(sqlite3_exec(dbw, "INSERT INTO vocab VALUES"
      "('mamsell','mamsell',99);"
      "INSERT INTO assignments(report_id, row, assignment, source, status)"
      " VALUES(1, 4, 'Mammografi och mamsell', '', '')", 0, 0, 0),
                   SQLITE_OK);
  sqlite3_close(dbw);
  usleep((DB_RECHECK_MS + 20)*1000);   /* past the coarse clock's tick */
  ck_assert_int_eq(suggest_run(p, "Mam", 3, 8, 0, &r), SQLITE_OK);
  ck_assert_str_eq(r.aItem[0].zText, "mammografi");
  ck_assert_int_eq(r.aItem[0].nCount, 4);
  for(k=0; k<r.nItem && strcmp(r.aItem[k].zText, "mamsell")!=0; k++){}
  ck_assert_int_lt(k, r.nItem);
  ck_assert_int_eq(r.aItem[k].nCount, 1);
  suggest_result_clear(&r);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

/* An expansion hook as /search's synonyms module is one: kalix also
** searches mammografi. */
static int expand_kalix(void *pArg, struct query_term *pTerm){
  (void)pArg;
  if( strcmp(pTerm->azAlt[0], "kalix")!=0 ) return QUERY_OK;
  return query_term_add_alt(pTerm, "mammografi", 10, QUERY_ALT_SYNONYM);
}

/*
** A count is what /search's total would be: the completed query parsed
** with the hooks /search uses, its rows counted. With the hook, "kalix
** mammografiv" completes (the row with the compounds also has mammografi);
** without it, it does not (test_suggest).
*/
START_TEST(test_counts){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  struct query_opts opts;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  memset(&opts, 0, sizeof(opts));
  opts.xExpand = expand_kalix;
  suggest_set_query_opts(p, &opts);
  ck_assert_int_eq(suggest_run(p, "kalix mammografiv", 17, 8, 3, &r),
                   SQLITE_OK);
  ck_assert_int_eq(r.nItem, 2);
  ck_assert_int_eq(r.aItem[0].nCount, 1);
  ck_assert_int_eq(r.aItem[1].nCount, 1);
  ck_assert_int_eq(r.nHit, 1);
  ck_assert_str_eq(r.aHit[0].zDate, "2021-05-05");
  ck_assert_int_eq(r.aHit[0].iRow, 1);
  suggest_result_clear(&r);
  /* Counted per whole query: "mammografi" alone is in three rows,
  ** with "glesbygd" in one. */
  suggest_set_query_opts(p, 0);
  ck_assert_int_eq(suggest_run(p, "glesbygd mammografi", 19, 1, 0, &r),
                   SQLITE_OK);
  ck_assert_int_eq(r.aItem[0].nCount, 1);
  suggest_result_clear(&r);
  ck_assert_int_eq(suggest_run(p, "mammografi", 10, 1, 0, &r), SQLITE_OK);
  ck_assert_int_eq(r.aItem[0].nCount, 3);
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

/* The hits of a top completion are cached: the same rows, byte for byte,
** for "mammo" asked twice and for "mammog" (same top completion). A
** cached answer begins no transaction (it would cost locks). */
START_TEST(test_hits_cache){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result a, b;
  const char *azQ[] = {"mammo", "mammo", "mammog"};
  struct stmt_tally t = {{"BEGIN", ""}, 0};
  int k, i;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  tally_start(f.db, &t);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 3, &a), SQLITE_OK);
  ck_assert_int_eq(tally_stop(f.db, &t), 1);
  ck_assert_int_gt(a.nHit, 0);
  for(k=1; k<3; k++){
    tally_start(f.db, &t);
    ck_assert_int_eq(suggest_run(p, azQ[k], (int)strlen(azQ[k]), 8, 3, &b),
                     SQLITE_OK);
    /* "mammog": its completions are another entry; its hits are not. */
    ck_assert_int_eq(tally_stop(f.db, &t), k==1 ? 0 : 1);
    ck_assert_str_eq(a.aItem[0].zText, b.aItem[0].zText);
    ck_assert_int_eq(a.nHit, b.nHit);
    for(i=0; i<a.nHit; i++){
      ck_assert_int_eq(a.aHit[i].iRow, b.aHit[i].iRow);
      ck_assert_str_eq(a.aHit[i].zDate, b.aHit[i].zDate);
      ck_assert_str_eq(a.aHit[i].zAssignment, b.aHit[i].zAssignment);
    }
    suggest_result_clear(&b);
  }
  /* Fewer hits asked: another entry, not a cut of the first. */
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 1, &b), SQLITE_OK);
  ck_assert_int_eq(b.nHit, 1);
  ck_assert_int_eq(b.aHit[0].iRow, a.aHit[0].iRow);
  suggest_result_clear(&b);
  suggest_result_clear(&a);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

/*
** Past the time limit a request stops with SQLITE_INTERRUPT and an empty
** result; the next one, with time to spare, answers. A limit of 0 ms has
** passed before the first statement's first progress check.
*/
START_TEST(test_time_limit){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  suggest_set_time_limit(p, 0);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 3, &r), SQLITE_INTERRUPT);
  ck_assert_int_eq(r.nItem, 0);
  ck_assert_int_eq(r.nHit, 0);
  suggest_set_time_limit(p, 10000);
  ck_assert_int_eq(suggest_run(p, "mammo", 5, 8, 3, &r), SQLITE_OK);
  ck_assert_int_gt(r.nItem, 0);
  suggest_result_clear(&r);
  /* The handler belongs to the request: other statements on the
  ** connection run without a limit in between. */
  suggest_set_time_limit(p, 0);
  ck_assert_int_eq(sqlite3_exec(f.db, "SELECT count(*) FROM vocab", 0, 0, 0),
                   SQLITE_OK);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

/* Hostile input: many words, only punctuation, invalid UTF-8, quotes and
** FTS5 syntax in earlier words, NUL bytes. Each gives an answer (maybe
** empty), never an error. */
static const char *const azHostile[] = {
  "a b c d e f g h i j k l m n o p q r s t u v w x y z å ä ö mammo",
  "och och och och och och och och och och och och har ha",
  "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
  "\"\"\"\" *** NEAR( OR AND NOT ) : ^ mammo",
  "mammo\xff\xfe", "\xc3\xa5\xc3", "\xed\xa0\x80\xed\xb0\x80" "ab",
  "\xf4\x90\x80\x80 mammo", "mam\x01\x02mo",
  "x\" OR \"y mammo", "col:mammo", "-mammo", "mammo*",
};

START_TEST(test_hostile){
  struct box_fixture f;
  struct suggest *p = 0;
  struct suggest_result r;
  const char *z = azHostile[_i];
  box_fixture_open(&f);
  ck_assert_int_eq(suggest_new(f.db, &p), SQLITE_OK);
  ck_assert_msg(suggest_run(p, z, (int)strlen(z), 20, 3, &r)==SQLITE_OK,
                "case %d", _i);
  ck_assert_int_le(r.nItem, 20);
  ck_assert_int_le(r.nHit, 3);
  suggest_result_clear(&r);
  ck_assert_int_eq(suggest_run(p, "mam\0mo", 6, 8, 3, &r), SQLITE_OK);
  suggest_result_clear(&r);
  suggest_free(p);
  box_fixture_close(&f);
}
END_TEST

Suite *suggest_suite(void){
  Suite *s = suite_create("suggest");
  TCase *tc = tcase_create("suggest");
  /* Each case writes a small index to /tmp: allow for a busy machine. */
  tcase_set_timeout(tc, 60);
  tcase_add_loop_test(tc, test_suggest, 0, sizeof(aCase)/sizeof(aCase[0]));
  tcase_add_test(tc, test_hits);
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_long);
  tcase_add_test(tc, test_cache_invalidation);
  tcase_add_test(tc, test_time_limit);
  tcase_add_test(tc, test_hits_cache);
  tcase_add_loop_test(tc, test_hostile, 0,
                      sizeof(azHostile)/sizeof(azHostile[0]));
  suite_add_tcase(s, tc);
  return s;
}
