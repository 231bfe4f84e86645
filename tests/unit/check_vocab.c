/*
** check_vocab.c: the vocabulary counts (indexer/vocab.c) and the store
** that keeps them in step with replaced and pruned reports.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "db.h"
#include "../../indexer/vocab.h"

static sqlite3 *open_db(void){
  sqlite3 *db = 0;
  char *zErr = 0;
  int rc = db_open(":memory:", DB_READWRITE, &db, &zErr);
  ck_assert_msg(rc==SQLITE_OK, "db_open: %s", zErr ? zErr : "?");
  return db;
}

/* docs of word, or -1 if absent; plain copied to zPlain if given. */
static int docs_of(sqlite3 *db, const char *zWord, char *zPlain){
  sqlite3_stmt *pStmt = 0;
  int n = -1;
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "SELECT docs, plain FROM vocab WHERE word=?1", -1, &pStmt, 0), SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, zWord, -1, SQLITE_STATIC);
  if( sqlite3_step(pStmt)==SQLITE_ROW ){
    n = sqlite3_column_int(pStmt, 0);
    if( zPlain ) strcpy(zPlain, (const char*)sqlite3_column_text(pStmt, 1));
  }
  sqlite3_finalize(pStmt);
  return n;
}

static void add_row(struct vocab *p, const char *zA, const char *zS,
                    const char *zSt, int iSign){
  const char *az[3];
  size_t an[3];
  az[0] = zA; az[1] = zS; az[2] = zSt;
  an[0] = strlen(zA); an[1] = strlen(zS); an[2] = strlen(zSt);
  ck_assert_int_eq(vocab_add_row(p, az, an, 3, iSign), SQLITE_OK);
}

START_TEST(test_counts){
  sqlite3 *db = open_db();
  struct vocab *p = 0;
  char zPlain[64];
  ck_assert_int_eq(vocab_open(db, &p), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "BEGIN", 0, 0, 0), SQLITE_OK);
  /* twice in one row counts once; case folded; å ä ö kept */
  add_row(p, "V\xC3\xA5rd och v\xC3\xA5rd", "Stabsplan 2018", "N\xC3\xA4ra V\xC3\xA5RD", 1);
  add_row(p, "Mammografi", "", "v\xC3\xA5rd 12 x", 1);
  ck_assert_uint_eq(vocab_pending(p), 5);  /* vård och stabsplan nära mammografi */
  ck_assert_int_eq(vocab_flush(p), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "COMMIT", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(docs_of(db, "v\xC3\xA5rd", zPlain), 2);
  ck_assert_str_eq(zPlain, "vard");
  ck_assert_int_eq(docs_of(db, "n\xC3\xA4ra", zPlain), 1);
  ck_assert_str_eq(zPlain, "nara");
  ck_assert_int_eq(docs_of(db, "stabsplan", 0), 1);
  ck_assert_int_eq(docs_of(db, "2018", 0), -1);
  ck_assert_int_eq(docs_of(db, "12", 0), -1);
  ck_assert_int_eq(docs_of(db, "x", 0), -1);
  ck_assert_int_eq(docs_of(db, "V\xC3\xA5rd", 0), -1);
  /* removing a row decrements, and deletes words that reach 0 */
  add_row(p, "Mammografi", "", "v\xC3\xA5rd 12 x", -1);
  ck_assert_int_eq(vocab_flush(p), SQLITE_OK);
  ck_assert_int_eq(docs_of(db, "v\xC3\xA5rd", 0), 1);
  ck_assert_int_eq(docs_of(db, "mammografi", 0), -1);
  /* add and remove in one batch cancel out without a write */
  add_row(p, "Tillf\xC3\xA4llig", "", "", 1);
  add_row(p, "Tillf\xC3\xA4llig", "", "", -1);
  ck_assert_int_eq(vocab_flush(p), SQLITE_OK);
  ck_assert_int_eq(docs_of(db, "tillf\xC3\xA4llig", 0), -1);
  vocab_close(p);
  sqlite3_close(db);
}
END_TEST

START_TEST(test_filters){
  sqlite3 *db = open_db();
  struct vocab *p = 0;
  char zLong[64];
  memset(zLong, 'a', 41);
  zLong[41] = 0;
  ck_assert_int_eq(vocab_open(db, &p), SQLITE_OK);
  add_row(p, zLong, "\xC3\xA5 a 1 2021 covid-19", "\xC3\xA5n", 1);
  ck_assert_int_eq(vocab_flush(p), SQLITE_OK);
  ck_assert_int_eq(docs_of(db, zLong, 0), -1);      /* > 40 bytes */
  zLong[40] = 0;
  ck_assert_int_eq(docs_of(db, "covid", 0), 1);
  ck_assert_int_eq(docs_of(db, "19", 0), -1);        /* pure number */
  ck_assert_int_eq(docs_of(db, "\xC3\xA5", 0), -1);  /* one character */
  ck_assert_int_eq(docs_of(db, "\xC3\xA5n", 0), 1);  /* two characters */
  vocab_close(p);
  sqlite3_close(db);
}
END_TEST

/* Many words: the table grows and stays right. */
START_TEST(test_many){
  sqlite3 *db = open_db();
  struct vocab *p = 0;
  char *z = malloc(200000);
  size_t n = 0;
  int i;
  ck_assert_ptr_nonnull(z);
  for(i=0; i<4000; i++) n += (size_t)sprintf(&z[n], "ord%c%c%c ",
      'a'+i%26, 'a'+(i/26)%26, 'a'+(i/676)%26);
  ck_assert_int_eq(vocab_open(db, &p), SQLITE_OK);
  add_row(p, z, "", "", 1);
  add_row(p, z, "", "", 1);
  ck_assert_uint_eq(vocab_pending(p), 4000);
  ck_assert_int_eq(vocab_flush(p), SQLITE_OK);
  ck_assert_int_eq(docs_of(db, "ordvxf", 0), 2);
  vocab_close(p);
  sqlite3_close(db);
  free(z);
}
END_TEST

Suite *vocab_suite(void){
  Suite *s = suite_create("vocab");
  TCase *tc = tcase_create("vocab");
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_filters);
  tcase_add_test(tc, test_many);
  suite_add_tcase(s, tc);
  return s;
}
