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
#include "swedish.h"
#include "../../searchd/box/correct.h"
#include "../../searchd/box/fold.h"
#include "../../searchd/engine/query.h"
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

/* Run the SQL z on the fixture's index through a connection of its own. */
static void box_exec(struct box_fixture *f, const char *z){
  sqlite3 *w = 0;
  ck_assert_int_eq(sqlite3_open(f->zPath, &w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w, z, 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
}

/* correct_word(z), which must be zWant (NULL: no proposal). */
static void check_word(struct correct *p, const char *z, const char *zWant){
  char *zTo = 0;
  ck_assert_int_eq(correct_word(p, z, (int)strlen(z), &zTo), SQLITE_OK);
  ck_assert_msg(zWant ? zTo && strcmp(zTo, zWant)==0 : zTo==0,
                "%s -> %s, want %s", z, zTo ? zTo : "(none)",
                zWant ? zWant : "(none)");
  sqlite3_free(zTo);
}

/*
** Compound parts are candidates: with mammografi only inside
** mammografivagnar and mammografiverksamheten, and läkemedel only inside
** läkemedelsgenomgång, a typo or missing diacritics still find them.
*/
static const struct { const char *zIn, *zWant; } aPart[] = {
  {"mamografi", "mammografi"},
  {"lakemedel", "l\xc3\xa4kemedel"},
  {"Lakemedel", "l\xc3\xa4kemedel"},
  {"lakemdel", "l\xc3\xa4kemedel"},           /* a typo besides */
  {"mamografivagnar", "mammografivagnar"},      /* the whole word still */
  {"suicd", "suicid"},                          /* a first part */
};

START_TEST(test_parts){
  struct box_fixture f;
  struct correct *p = 0;
  box_fixture_open(&f);
  box_exec(&f, "DELETE FROM vocab WHERE word IN ('mammografi','mammografin',"
                "'mamma')");
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  check_word(p, aPart[_i].zIn, aPart[_i].zWant);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

/* New words reach the parts: they are made again when the index changes. */
START_TEST(test_parts_refresh){
  struct box_fixture f;
  struct correct *p = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  check_word(p, "gynekolgi", 0);
  box_exec(&f, "INSERT INTO vocab(word, plain, docs) VALUES"
                "('gynekologimottagningen','gynekologimottagningen',2)");
  check_word(p, "gynekolgi", "gynekologi");
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

/* A row that says e-hälsa, and its words in vocab as the indexer counts
** them (e, hälsa: the hyphen separates words). */
static void box_add_ehalsa(struct box_fixture *f){
  sqlite3 *w = 0;
  ck_assert_int_eq(sqlite3_open(f->zPath, &w), SQLITE_OK);
  ck_assert_int_eq(swedish_register(w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w,
      "INSERT INTO assignments(report_id, row, assignment, source, status)"
      " VALUES(1, 4, 'Inf\xc3\xb6ra e-h\xc3\xa4lsa i"
      " prim\xc3\xa4rv\xc3\xa5rden', '', '');"
      "INSERT OR IGNORE INTO vocab(word, plain, docs) VALUES('e','e',1),"
      "('h\xc3\xa4lsa','halsa',1)", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
}

/*
** A hyphenated compound is corrected piece by piece, and a word whose
** first part is one letter as that letter, a hyphen and the rest: e-hälsa
** typed without the ä, with or without the hyphen. Offered only when the
** result finds a row (x-hälsa, i-hälsa do not).
*/
static const struct { const char *zIn, *zWant; } aHyphen[] = {
  {"ehalsa", "e-h\xc3\xa4lsa"},
  {"e-halsa", "e-h\xc3\xa4lsa"},
  {"E-Halsa", "e-h\xc3\xa4lsa"},
  {"e-hlsa", "e-h\xc3\xa4lsa"},                  /* a typo in a piece */
  {"e-h\xc3\xa4lsa", 0},                          /* nothing to correct */
  {"eh\xc3\xa4lsa", 0},
  {"x-halsa", 0}, {"ihalsa", 0},                  /* would find nothing */
  {"ehlsa", 0},                 /* no hyphen and a typo besides: too far */
  {"e-halsa-", 0}, {"e--halsa", 0}, {"e halsa", 0}, /* not one compound */
  {"covid-19", 0},
};

START_TEST(test_hyphenated){
  struct box_fixture f;
  struct correct *p = 0;
  box_fixture_open(&f);
  box_add_ehalsa(&f);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  check_word(p, aHyphen[_i].zIn, aHyphen[_i].zWant);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

/* hunspell-sv's words are known, misspellings and compounds not. */
static const struct { const char *z; int bKnown; } aKnown[] = {
  {"lag", 1}, {"v\xc3\xa5ra", 1}, {"vara", 1}, {"L\xc3\xa4kemedel", 1},
  {"mammografin", 1}, {"lakemedel", 0}, {"mamografi", 0},
  {"mammografivagnar", 0}, {"covid-19", 0}, {"", 0},
};

START_TEST(test_known){
  struct box_fixture f;
  struct correct *p = 0;
  int bKnown = -1;
  box_fixture_open(&f);
  ck_assert_int_eq(correct_new(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(correct_is_known(p, aKnown[_i].z, (int)strlen(aKnown[_i].z),
                                    &bKnown), SQLITE_OK);
  ck_assert_msg(bKnown==aKnown[_i].bKnown, "%s: %d", aKnown[_i].z, bKnown);
  correct_free(p);
  box_fixture_close(&f);
}
END_TEST

/*
** The module: a misspelt word that finds nothing gets its correction
** searched; a correctly spelled one (lag, våra), offered only.
*/
static const struct {
  const char *zIn, *zWant;
  enum query_alt_kind kind;
} aExpand[] = {
  {"lag", "l\xc3\xa5g", QUERY_ALT_SUGGESTION},
  {"v\xc3\xa5ra", "v\xc3\xa5rd", QUERY_ALT_SUGGESTION},   /* vara: a stop word */
  {"lakemedel", "l\xc3\xa4kemedel", QUERY_ALT_CORRECTION},
  {"mamografi", "mammografi", QUERY_ALT_CORRECTION},
  {"ehalsa", "e-h\xc3\xa4lsa", QUERY_ALT_CORRECTION},
  {"e-halsa", "e-h\xc3\xa4lsa", QUERY_ALT_CORRECTION},
};

START_TEST(test_expand){
  struct box_fixture f;
  struct query_term t;
  void *pState = 0;
  char *zErr = 0;
  int i;
  box_fixture_open(&f);
  box_exec(&f, "INSERT INTO vocab(word, plain, docs) VALUES"
                "('l\xc3\xa5g','lag',3)");
  box_add_ehalsa(&f);
  ck_assert_int_eq(correct_module_open(0, f.db, 0, &pState, &zErr), 0);
  memset(&t, 0, sizeof(t));
  t.kind = QUERY_WORD;
  t.nAlt = 1;
  t.azAlt[0] = strdup(aExpand[_i].zIn);
  ck_assert_ptr_nonnull(t.azAlt[0]);
  ck_assert_int_eq(correct_module_expand(pState, &t), QUERY_OK);
  ck_assert_int_eq(t.nAlt, 2);
  ck_assert_str_eq(t.azAlt[1], aExpand[_i].zWant);
  ck_assert_int_eq(t.aAltKind[1], aExpand[_i].kind);
  for(i=0; i<t.nAlt; i++) free(t.azAlt[i]);
  correct_module_close(pState);
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
  tcase_add_loop_test(tc, test_parts, 0, sizeof(aPart)/sizeof(aPart[0]));
  tcase_add_test(tc, test_parts_refresh);
  tcase_add_loop_test(tc, test_hyphenated, 0,
                      sizeof(aHyphen)/sizeof(aHyphen[0]));
  tcase_add_loop_test(tc, test_known, 0, sizeof(aKnown)/sizeof(aKnown[0]));
  tcase_add_loop_test(tc, test_expand, 0, sizeof(aExpand)/sizeof(aExpand[0]));
  suite_add_tcase(s, tc);
  return s;
}
