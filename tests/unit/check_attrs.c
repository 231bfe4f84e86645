/*
** check_attrs.c: searchd's in-memory row attributes (searchd/attrs.c):
** dates, FTS5 docsize records, a load from a real index whose column
** lengths must be the ones FTS5's xColumnSize() gives, the runs of
** rows of one date, and the assignments: threads numbered and given to
** their rows, unlinked rows (or rows naming no thread) each their own,
** (assignment, year) pairs, class and several-row sets.
*/
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "box_fixture.h"
#include "swedish.h"
#include "../../searchd/engine/attrs.h"

static const struct { const char *z; int v; } aDate[] = {
  {"2021-05-05", 20210505}, {"1999-12-31", 19991231},
  {"2021-5-05", 0}, {"2021/05/05", 0}, {"2021-05-05x", 0}, {"", 0},
  {"abcd-ef-gh", 0},
};

START_TEST(test_date)
{
  ck_assert_int_eq(attrs_date(aDate[_i].z), aDate[_i].v);
}
END_TEST

#define U ATTRS_LEN_UNKNOWN
static const struct {
  const char *zWhy;
  const char *z;                  /* record bytes */
  int n;
  int rc;
  unsigned short aLen[ATTRS_NCOL];
} aRec[] = {
  {"one byte each", "\x05\x00\x07", 3, 0, {5, 0, 7}},
  {"two-byte varint (300)", "\x82\x2c\x01\x02", 4, 0, {300, 1, 2}},
  {"saturated (70000)", "\x84\xa2\x70\x01\x02", 5, 0,
   {ATTRS_LEN_MAX, 1, 2}},
  {"too few columns", "\x05\x06", 2, -1, {U, U, U}},
  {"a byte left over", "\x05\x06\x07\x08", 4, -1, {U, U, U}},
  {"cut inside a varint", "\x05\x06\x87", 3, -1, {U, U, U}},
  {"a varint over 32 bits", "\xff\xff\xff\xff\xff\x7f\x01\x02", 8, -1,
   {U, U, U}},
  {"no record", 0, 0, -1, {U, U, U}},
};
#undef U

START_TEST(test_decode)
{
  unsigned short aLen[ATTRS_NCOL] = {1, 1, 1};
  int rc = attrs_decode_sizes((const unsigned char*)aRec[_i].z, aRec[_i].n,
                              aLen), i;
  ck_assert_msg(rc==aRec[_i].rc, "%s: rc %d", aRec[_i].zWhy, rc);
  for(i=0; i<ATTRS_NCOL; i++){
    ck_assert_msg(aLen[i]==aRec[_i].aLen[i], "%s: column %d is %d",
                  aRec[_i].zWhy, i, aLen[i]);
  }
}
END_TEST

/* lens(assignments_fts, c): xColumnSize of column c of the current row. */
static void lens_fn(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                    sqlite3_context *pCtx, int nVal, sqlite3_value **apVal){
  int n = -1;
  int rc = nVal==1 ? pApi->xColumnSize(pFts, sqlite3_value_int(apVal[0]), &n)
                   : SQLITE_ERROR;
  if( rc!=SQLITE_OK ) sqlite3_result_error_code(pCtx, rc);
  else sqlite3_result_int(pCtx, n);
}

/*
** Every row's dates and lengths as the index has them. xColumnSize is
** asked in a MATCH of the row's first word (FTS5 reads the lengths only
** for a full-text query, not for a scan of the table).
*/
START_TEST(test_load)
{
  struct box_fixture f;
  struct attrs *p = 0;
  fts5_api *pApi = 0;
  sqlite3_stmt *pStmt = 0;
  size_t i;
  box_fixture_open(&f);
  ck_assert_int_eq(attrs_load(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(swedish_fts5_api(f.db, &pApi), SQLITE_OK);
  ck_assert_int_eq(pApi->xCreateFunction(pApi, "lens", 0, lens_fn, 0),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(f.db,
      "SELECT f.rowid, lens(assignments_fts, 0), lens(assignments_fts, 1),"
      " lens(assignments_fts, 2), r.date FROM assignments_fts f"
      " JOIN assignments a ON a.id=f.rowid JOIN reports r ON r.id=a.report_id"
      " WHERE assignments_fts MATCH ?1 AND f.rowid=?2", -1, &pStmt, 0),
      SQLITE_OK);
  for(i=0; i<sizeof(aBoxRow)/sizeof(aBoxRow[0]); i++){
    const struct attr_row *r = attrs_find(p, (sqlite3_int64)i+1);
    const char *z = aBoxRow[i].zAssignment;
    int c;
    sqlite3_bind_text(pStmt, 1, z, (int)strcspn(z, " ,."), SQLITE_STATIC);
    sqlite3_bind_int64(pStmt, 2, (sqlite3_int64)i+1);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->date,
                     attrs_date((const char*)sqlite3_column_text(pStmt, 4)));
    for(c=0; c<ATTRS_NCOL; c++){
      ck_assert_msg(r->aLen[c]==sqlite3_column_int(pStmt, c+1),
                    "row %d column %d: %d, xColumnSize %d", (int)i+1, c,
                    r->aLen[c], sqlite3_column_int(pStmt, c+1));
    }
    ck_assert_int_eq(sqlite3_reset(pStmt), SQLITE_OK);
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  ck_assert_ptr_null(attrs_find(p, 1000));
  ck_assert_ptr_null(attrs_find(p, 0));
  ck_assert_ptr_null(attrs_find(p, -1));
  ck_assert_int_eq(attrs_dense_limit(p), 6);
  attrs_free(p);
  box_fixture_close(&f);
}
END_TEST

/* A row without a docsize record loads, with its lengths unknown. */
START_TEST(test_no_docsize)
{
  struct box_fixture f;
  struct attrs *p = 0;
  sqlite3 *dbw = 0;
  char *zErr = 0;
  box_fixture_open(&f);
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  ck_assert_int_eq(sqlite3_exec(dbw, "DELETE FROM assignments_fts_docsize"
                                " WHERE id=2", 0, 0, 0), SQLITE_OK);
  sqlite3_close(dbw);
  ck_assert_int_eq(attrs_load(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(attrs_find(p, 2)->aLen[0], ATTRS_LEN_UNKNOWN);
  ck_assert_int_ne(attrs_find(p, 1)->aLen[0], ATTRS_LEN_UNKNOWN);
  attrs_free(p);
  box_fixture_close(&f);
}
END_TEST

/* Runs: consecutive ids of one date, every row once; a gap cuts a run. */
static void check_runs(sqlite3 *db, const sqlite3_int64 (*aWant)[3], int n){
  struct attrs *p = 0;
  const struct attr_run *a;
  int nRun = 0, i;
  ck_assert_int_eq(attrs_load(db, &p), SQLITE_OK);
  a = attrs_runs(p, &nRun);
  ck_assert_int_eq(nRun, n);
  for(i=0; i<n; i++){
    ck_assert_int_eq(a[i].iFirst, aWant[i][0]);
    ck_assert_int_eq(a[i].iEnd, aWant[i][1]);
    ck_assert_int_eq(a[i].date, aWant[i][2]);
  }
  attrs_free(p);
}

START_TEST(test_runs)
{
  static const sqlite3_int64 aAll[][3] = {
    {1, 3, 20210505}, {3, 6, 20181205},
  };
  static const sqlite3_int64 aGap[][3] = {
    {1, 3, 20210505}, {3, 4, 20181205}, {5, 6, 20181205},
  };
  struct box_fixture f;
  sqlite3 *dbw = 0;
  char *zErr = 0;
  box_fixture_open(&f);
  check_runs(f.db, aAll, 2);
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  ck_assert_int_eq(sqlite3_exec(dbw, "DELETE FROM assignments WHERE id=4",
                                0, 0, 0), SQLITE_OK);
  sqlite3_close(dbw);
  check_runs(f.db, aGap, 3);
  box_fixture_close(&f);
}
END_TEST

/*
** Ids far apart: no direct table and no bitmap limit, rows found by binary
** search, no runs; ids between twice and four times the rows (+ 1024): no
** direct table, a bitmap limit and runs all the same; the largest rowid.
*/
START_TEST(test_sparse)
{
  static const struct {
    sqlite3_int64 id, nLimit;
    int nRun;
  } aCase[] = {
    {1000000, 0, 0}, {1040, 1041, 3}, {9223372036854775807LL, 0, 0},
  };
  struct box_fixture f;
  struct attrs *p = 0;
  sqlite3 *dbw = 0;
  char *zErr = 0, *zSql;
  sqlite3_int64 id, k;
  int nRun = 0;
  box_fixture_open(&f);
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  id = aCase[_i].id;
  zSql = sqlite3_mprintf("INSERT INTO assignments(id, report_id, row,"
      " assignment, source, status) VALUES(%lld, 1, 9, 'en rad', 'RS', '')",
      id);
  ck_assert_int_eq(sqlite3_exec(dbw, zSql, 0, 0, 0), SQLITE_OK);
  sqlite3_free(zSql);
  sqlite3_close(dbw);
  ck_assert_int_eq(attrs_load(f.db, &p), SQLITE_OK);
  ck_assert_int_eq(attrs_dense_limit(p), aCase[_i].nLimit);
  for(k=1; k<=5; k++) ck_assert_ptr_nonnull(attrs_find(p, k));
  ck_assert_ptr_nonnull(attrs_find(p, id));
  ck_assert_int_eq(attrs_find(p, id)->date, 20181205);
  ck_assert_int_eq(attrs_find(p, id)->aLen[0], 2);
  ck_assert_ptr_null(attrs_find(p, 6));
  ck_assert_ptr_null(attrs_find(p, id-1));
  if( id<1000000000 ) ck_assert_ptr_null(attrs_find(p, id+1));
  ck_assert_ptr_null(attrs_find(p, -1));
  ck_assert_ptr_null(attrs_find(p, 0));
  attrs_runs(p, &nRun);
  ck_assert_int_eq(nRun, aCase[_i].nRun);
  attrs_free(p);
  box_fixture_close(&f);
}
END_TEST

/* Does set p hold exactly the rows of aId (terminated by 0)? */
static void check_set(const struct rowset *p, const sqlite3_int64 *aId){
  sqlite3_int64 n = 0;
  ck_assert_ptr_nonnull(p);
  for(; *aId; aId++){
    ck_assert_int_eq(rowset_count_range(p, *aId, *aId + 1), 1);
    n++;
  }
  ck_assert_int_eq(rowset_count_range(p, 0, 1000), n);
}

START_TEST(test_assign)
{
  static const sqlite3_int64 aDone[] = {1, 0}, aMulti[] = {1, 3, 4, 5, 0};
  struct box_fixture f;
  struct attrs *p = 0;
  sqlite3 *dbw = 0;
  char *zErr = 0;
  const struct attr_row *r[6];
  const struct attr_assign *t;
  struct attr_assign own;
  int i;
  box_fixture_open(&f);
  ck_assert_msg(db_open(f.zPath, DB_READWRITE, &dbw, &zErr)==SQLITE_OK, "%s",
                zErr);
  ck_assert_int_eq(sqlite3_exec(dbw,
      "UPDATE assignments SET assignment_id='T1' WHERE id IN (1, 3);"
      "UPDATE assignments SET assignment_id='T2' WHERE id IN (4, 5);"
      "UPDATE assignments SET assignment_id='NONE' WHERE id=2;"
      "UPDATE assignments SET status_class=CASE id WHEN 1 THEN 'done'"
      " WHEN 2 THEN 'dropped' WHEN 3 THEN 'ongoing' ELSE 'x' END;"
      "INSERT INTO assignment_threads VALUES('T1', '.', '2018-12-05',"
      " '2021-05-05', 2, 1, 'done', 1), ('T2', 's2', '2018-12-05',"
      " '2018-12-05', 2, 0, 'ongoing', 4), ('T3', '.', '2018-12-05',"
      " '2018-12-05', 0, 0, 'done', 4);", 0, 0, 0), SQLITE_OK);
  sqlite3_close(dbw);
  ck_assert_int_eq(attrs_load(f.db, &p), SQLITE_OK);
  for(i=1; i<=5; i++) ck_assert_ptr_nonnull(r[i] = attrs_find(p, i));
  /* T1 and T2; T3 has no row; row 2 names no thread: its own. */
  ck_assert_int_eq(attrs_assign_count(p), 2);
  ck_assert_int_eq(r[1]->iAssign, 0);
  ck_assert_int_eq(r[3]->iAssign, 0);
  ck_assert_int_eq(r[4]->iAssign, 1);
  ck_assert_int_eq(r[5]->iAssign, 1);
  ck_assert_int_lt(r[2]->iAssign, 0);
  t = attrs_assign(p, 0);
  ck_assert(t->first==20181205 && t->last==20210505 && t->nOcc==2
            && t->bOpen && t->cls==SCLASS_DONE);
  ck_assert_str_eq(attrs_series(p, t->iSeries), ".");
  ck_assert_str_eq(attrs_series(p, attrs_row_series(attrs_assigns(p), r[4])),
                   "s2");
  ck_assert_int_eq(attrs_row_class(attrs_assigns(p), r[5]), SCLASS_ONGOING);
  attrs_assign_of(p, r[2], &own);                /* the newest report */
  ck_assert(own.first==20210505 && own.last==20210505 && own.nOcc==1
            && own.bOpen && own.cls==SCLASS_DROPPED);
  ck_assert_str_eq(attrs_series(p, own.iSeries), ".");
  ck_assert_int_eq(attrs_row_class(attrs_assigns(p), r[2]), SCLASS_DROPPED);
  /* T1 spans 2018..2021: four pairs, its rows in the first and last. */
  ck_assert_int_eq(r[3]->iYear, 0);
  ck_assert_int_eq(r[1]->iYear, 3);
  ck_assert_int_eq(attrs_pair_count(p), 4 + 1);
  ck_assert_int_eq(r[1]->cls, SCLASS_DONE);
  ck_assert_int_eq(r[4]->cls, SCLASS_UNKNOWN);
  check_set(attrs_class_set(p, SCLASS_DONE), aDone);
  check_set(attrs_multi_set(p), aMulti);
  attrs_free(p);
  box_fixture_close(&f);
}
END_TEST

Suite *attrs_suite(void){
  Suite *s = suite_create("attrs");
  TCase *tc = tcase_create("attrs");
  tcase_add_loop_test(tc, test_date, 0, (int)(sizeof(aDate)/sizeof(aDate[0])));
  tcase_add_loop_test(tc, test_decode, 0,
                      (int)(sizeof(aRec)/sizeof(aRec[0])));
  tcase_add_test(tc, test_load);
  tcase_add_test(tc, test_no_docsize);
  tcase_add_test(tc, test_runs);
  tcase_add_test(tc, test_assign);
  tcase_add_loop_test(tc, test_sparse, 0, 3);
  suite_add_tcase(s, tc);
  return s;
}
