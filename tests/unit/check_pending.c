/*
** check_pending.c: rows waiting in memory, read through the virtual table
** (indexer/pending.c).
*/
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "../../indexer/pending.h"

static sqlite3 *db;
static struct pending *pPending;

static void setup(void){
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(pending_register(db, "indexer_pending", &pPending),
                   SQLITE_OK);
  ck_assert_ptr_nonnull(pPending);
}

static void teardown(void){
  sqlite3_close(db);              /* frees pPending */
  pPending = 0;
}

/* The table's rows as "report|row|assignment|source|status;" lines. */
static char *dump(void){
  sqlite3_stmt *pStmt = 0;
  char *z = sqlite3_mprintf("");
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT report_id, row,"
                   " assignment, source, status FROM indexer_pending", -1,
                   &pStmt, 0), SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    char *zNew = sqlite3_mprintf("%s%lld|%d|%s|%s|%s;", z,
        sqlite3_column_int64(pStmt, 0), sqlite3_column_int(pStmt, 1),
        sqlite3_column_text(pStmt, 2), sqlite3_column_text(pStmt, 3),
        sqlite3_column_text(pStmt, 4));
    sqlite3_free(z);
    z = zNew;
    ck_assert_ptr_nonnull(z);
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  return z;
}

static void add(sqlite3_int64 iReport, int iRow, const char *zA,
                const char *zB, const char *zC){
  const char *az[3];
  size_t an[3];
  az[0] = zA; az[1] = zB; az[2] = zC;
  an[0] = strlen(zA); an[1] = strlen(zB); an[2] = strlen(zC);
  ck_assert_int_eq(pending_add(pPending, iReport, iRow, az, an, 0), SQLITE_OK);
}

/* Rows come out in the order they went in, texts as given (empty ones
** too, and text not NUL-terminated in the caller's buffer). */
static const struct {
  int nRow;
  const char *zWant;
} aOrder[] = {
  {0, ""},
  {1, "7|1|vård|RS 2020|klar;"},
  {3, "7|1|vård|RS 2020|klar;7|2|||;9|1|mammografi|Stabsplan 2018|p\xC3\xA5g\xC3\xA5r;"},
};

START_TEST(test_order){
  char *z;
  if( aOrder[_i].nRow>0 ) add(7, 1, "vård", "RS 2020", "klar");
  if( aOrder[_i].nRow>1 ){
    add(7, 2, "", "", "");
    add(9, 1, "mammografi", "Stabsplan 2018", "p\xC3\xA5g\xC3\xA5r");
  }
  ck_assert_uint_eq(pending_rows(pPending), (unsigned)aOrder[_i].nRow);
  z = dump();
  ck_assert_str_eq(z, aOrder[_i].zWant);
  sqlite3_free(z);
}
END_TEST

/* Texts are copied: the caller's buffer may change right after. A clear
** empties the table, which then takes new rows. Many rows move the arena
** (realloc) without breaking earlier rows. */
START_TEST(test_copy_clear_grow){
  char zBuf[16];
  const char *az[3];
  size_t an[3], i;
  char *z;
  strcpy(zBuf, "abcXYZ");
  az[0] = zBuf; az[1] = zBuf + 3; az[2] = zBuf;
  an[0] = 3; an[1] = 3; an[2] = 0;
  ck_assert_int_eq(pending_add(pPending, 1, 1, az, an, 0), SQLITE_OK);
  memset(zBuf, '#', sizeof(zBuf));
  z = dump();
  ck_assert_str_eq(z, "1|1|abc|XYZ|;");
  sqlite3_free(z);
  ck_assert_uint_eq(pending_bytes(pPending), 6);
  pending_clear(pPending);
  ck_assert_uint_eq(pending_rows(pPending), 0);
  ck_assert_uint_eq(pending_bytes(pPending), 0);
  z = dump();
  ck_assert_str_eq(z, "");
  sqlite3_free(z);
  for(i=0; i<20000; i++) add((sqlite3_int64)i, 1, "samverkan med kommunerna",
                            "RS", "x");
  ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t AS SELECT * FROM"
                   " indexer_pending", 0, 0, 0), SQLITE_OK);
  {
    sqlite3_stmt *pStmt = 0;
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*), sum(report_id),"
        " count(DISTINCT assignment) FROM t", -1, &pStmt, 0), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    ck_assert_int_eq(sqlite3_column_int(pStmt, 0), 20000);
    ck_assert_int_eq(sqlite3_column_int64(pStmt, 1), 19999LL*20000/2);
    ck_assert_int_eq(sqlite3_column_int(pStmt, 2), 1);
    sqlite3_finalize(pStmt);
  }
}
END_TEST

/* A text over 2 GB is refused (without reading it), and nothing is added. */
START_TEST(test_too_big){
  const char *az[3] = {"a", "b", "c"};
  size_t an[3] = {1, (size_t)0x80000000u, 1};
  ck_assert_int_eq(pending_add(pPending, 1, 1, az, an, 0), SQLITE_TOOBIG);
  ck_assert_uint_eq(pending_rows(pPending), 0);
}
END_TEST

/* The status class and evidence come out as given: the evidence a span of
** the status text (cut at its end), "unknown" and '' without a status. */
START_TEST(test_status){
  static const char zStatus[] = "Arbetet p\xC3\xA5g\xC3\xA5r enligt plan";
  const char *az[3] = {"a", "b", zStatus};
  size_t an[3] = {1, 1, sizeof(zStatus)-1};
  struct pending_status st = {"ongoing", 8, 7};
  struct pending_status stLong = {"done", 16, 100};
  sqlite3_stmt *pStmt = 0;
  ck_assert_int_eq(pending_add(pPending, 1, 1, az, an, &st), SQLITE_OK);
  ck_assert_int_eq(pending_add(pPending, 1, 2, az, an, 0), SQLITE_OK);
  ck_assert_int_eq(pending_add(pPending, 1, 3, az, an, &stLong), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT group_concat(status_class"
      " || '=' || status_evidence, ';') FROM indexer_pending", -1, &pStmt, 0),
      SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
  ck_assert_str_eq((const char*)sqlite3_column_text(pStmt, 0),
                   "ongoing=p\xC3\xA5g\xC3\xA5r;unknown=;done=enligt plan");
  sqlite3_finalize(pStmt);
}
END_TEST

Suite *pending_suite(void){
  Suite *s = suite_create("pending");
  TCase *tc = tcase_create("pending");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_order, 0, sizeof(aOrder)/sizeof(aOrder[0]));
  tcase_add_test(tc, test_copy_clear_grow);
  tcase_add_test(tc, test_too_big);
  tcase_add_test(tc, test_status);
  suite_add_tcase(s, tc);
  return s;
}
