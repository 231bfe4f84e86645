/*
** check_stemming.c: the swedish tokenizer, through a real FTS5 connection.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"

/* Terms the tokenizer makes of zText, joined by spaces, into zOut. */
static void tokens_of(const char *zText, char *zOut, int nOut){
  sqlite3 *db = 0;
  sqlite3_stmt *pStmt = 0;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(db), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db,
      "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='swedish');"
      "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');", 0, 0, 0),
      SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?1)", -1,
                                      &pStmt, 0), SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, zText, -1, SQLITE_STATIC);
  ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_DONE);
  sqlite3_finalize(pStmt);
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "SELECT group_concat(term, ' ') FROM "
      "(SELECT term FROM v ORDER BY offset, term)", -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
  snprintf(zOut, nOut, "%s", (const char*)sqlite3_column_text(pStmt, 0));
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
}

static const struct { const char *zIn; const char *zTerms; } aStem[] = {
  {"vård",     "vård"},
  {"vården",   "vård"},
  {"vårdens",  "vård"},
  {"Kalix",    "kalix"},
  {"ÖKA",      "öka"},
  {"för",      "för"},
};

START_TEST(test_stem){
  char z[256];
  tokens_of(aStem[_i].zIn, z, sizeof(z));
  ck_assert_msg(strcmp(z, aStem[_i].zTerms)==0, "%s -> '%s', want '%s'",
                aStem[_i].zIn, z, aStem[_i].zTerms);
}
END_TEST

static const struct { const char *z; int bStop; } aStopCase[] = {
  {"och", 1}, {"OCH", 1}, {"När", 1}, {"nära", 0}, {"för", 1}, {"FÖR", 1},
  {"över", 1}, {"Över", 1}, {"vård", 0}, {"", 0},
};

START_TEST(test_stopword){
  ck_assert_int_eq(swedish_is_stopword(aStopCase[_i].z,
                                       (int)strlen(aStopCase[_i].z)),
                   aStopCase[_i].bStop);
}
END_TEST

Suite *stemming_suite(void){
  Suite *s = suite_create("stemming");
  TCase *tc = tcase_create("stem");
  tcase_add_loop_test(tc, test_stem, 0, sizeof(aStem)/sizeof(aStem[0]));
  tcase_add_loop_test(tc, test_stopword, 0,
                      sizeof(aStopCase)/sizeof(aStopCase[0]));
  suite_add_tcase(s, tc);
  return s;
}
