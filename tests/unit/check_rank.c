/*
** check_rank.c: the searchd_rank() auxiliary function (searchd/rank.c) on
** a small FTS5 table with the swedish tokenizer: proximity, match kind,
** column weights, relaxed scores, searchd_quick() as an upper bound of it,
** and the column lengths of rank_set_lengths().
*/
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"
#include "../../searchd/engine/query.h"
#include "../../searchd/engine/rank.h"

/* Rows: (assignment, status, source). */
static const char *const azRow[][3] = {
  /* 1 */ {"god, nära och samordnad vård", "", ""},
  /* 2 */ {"vård i hela länet med många olika insatser och mer nära", "", ""},
  /* 3 */ {"vården i länet", "", ""},
  /* 4 */ {"vård i länet", "", ""},
  /* 5 */ {"primärvård i länet", "", ""},
  /* 6 */ {"ett uppdrag", "vård i länet", ""},
  /* 7 */ {"ett uppdrag", "", "vård i länet"},
};

static sqlite3 *g_db;
static struct rank *g_rank;

static void setup(void){
  sqlite3_stmt *pIns = 0;
  size_t i;
  ck_assert_int_eq(sqlite3_open(":memory:", &g_db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(g_db), SQLITE_OK);
  ck_assert_int_eq(rank_register(g_db, &g_rank), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(g_db, "CREATE VIRTUAL TABLE t USING "
      "fts5(assignment, status, source, tokenize='swedish')", 0, 0, 0),
      SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(g_db,
      "INSERT INTO t(rowid, assignment, status, source) VALUES(?,?,?,?)",
      -1, &pIns, 0), SQLITE_OK);
  for(i=0; i<sizeof(azRow)/sizeof(azRow[0]); i++){
    sqlite3_bind_int(pIns, 1, (int)i+1);
    sqlite3_bind_text(pIns, 2, azRow[i][0], -1, SQLITE_STATIC);
    sqlite3_bind_text(pIns, 3, azRow[i][1], -1, SQLITE_STATIC);
    sqlite3_bind_text(pIns, 4, azRow[i][2], -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(pIns), SQLITE_DONE);
    sqlite3_reset(pIns);
  }
  sqlite3_finalize(pIns);
}

static void teardown(void){
  sqlite3_close(g_db);
  g_db = 0;
}

/* searchd_rank() of row iRow for the user query zQ (0 if no match);
** with bBound, searchd_quick(), its upper bound. */
static double score_mode(const char *zQ, int bRelaxed, int iRow, int bBound){
  struct query *q = 0;
  sqlite3_stmt *pStmt = 0;
  double s = 0;
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), 0, &q), QUERY_OK);
  rank_set_query(g_rank, q, bRelaxed);
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, bBound
      ? "SELECT " RANK_QUICK_FUNCTION "(t) FROM t WHERE t MATCH ?1 AND rowid=?2"
      : "SELECT " RANK_FUNCTION "(t) FROM t WHERE t MATCH ?1 AND rowid=?2",
      -1, &pStmt, 0), SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, bRelaxed ? query_relaxed(q) : query_match(q),
                    -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 2, iRow);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) s = sqlite3_column_double(pStmt, 0);
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  rank_set_query(g_rank, 0, 0);
  query_free(q);
  return s;
}

static double score(const char *zQ, int bRelaxed, int iRow){
  return score_mode(zQ, bRelaxed, iRow, 0);
}

START_TEST(test_proximity)
{
  double a = score("nära vård", 0, 1), b = score("nära vård", 0, 2);
  ck_assert_msg(a>b && b>0, "close %g, far %g", a, b);
}
END_TEST

START_TEST(test_kind)
{
  /* "vården" as typed beats the stem-only "vård" for the query vården. */
  double exact = score("vården", 0, 3), stem = score("vården", 0, 4);
  ck_assert_msg(exact>stem && stem>0, "exact %g, stem %g", exact, stem);
  /* vård: the whole word beats a compound part (if the index has parts). */
  if( score("vård", 0, 5)>0 ){
    ck_assert(score("vård", 0, 4) > score("vård", 0, 5));
  }
}
END_TEST

START_TEST(test_columns)
{
  double a = score("vård", 0, 4), s = score("vård", 0, 6);
  double src = score("vård", 0, 7);
  ck_assert_msg(a>s && s>src && src>0, "%g %g %g", a, s, src);
}
END_TEST

START_TEST(test_relaxed)
{
  double two = score("nära vård zzzq", 1, 1), one = score("nära vård zzzq", 1, 4);
  ck_assert_msg(two>=2.0 && two<3.0, "two %g", two);
  ck_assert_msg(one>=1.0 && one<2.0, "one %g", one);
}
END_TEST

START_TEST(test_no_query)
{
  sqlite3_stmt *pStmt = 0;
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, "SELECT " RANK_FUNCTION "(t) "
      "FROM t WHERE t MATCH 'vård'", -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
  ck_assert(sqlite3_column_double(pStmt, 0)==0.0);
  sqlite3_finalize(pStmt);
}
END_TEST

/* The bound (no text read) is never below the exact score, for every row
** and query kind; a row matching only as typed gets it, up to the margin
** for rounding. */
static const struct { const char *zQ; int bRelaxed; } aBoundCase[] = {
  {"vård", 0}, {"vården", 0}, {"nära vård", 0}, {"\"nära vård\"", 0},
  {"vår*", 0}, {"vård OR länet", 0}, {"nära vård zzzq", 1},
  {"uppdrag vård", 1}, {"vård länet", 0}, {"vård -nära", 0},
};

static void check_bound(int i){
  const char *zQ = aBoundCase[i].zQ;
  int bRelaxed = aBoundCase[i].bRelaxed, iRow;
  for(iRow=1; iRow<=(int)(sizeof(azRow)/sizeof(azRow[0])); iRow++){
    double exact = score_mode(zQ, bRelaxed, iRow, 0);
    double bound = score_mode(zQ, bRelaxed, iRow, 1);
    ck_assert_msg(bound>=exact, "%s row %d: bound %g < exact %g", zQ, iRow,
                  bound, exact);
  }
}

START_TEST(test_bound)
{
  double exact, bound;
  check_bound(_i);
  if( _i==0 ){
    exact = score_mode("vård", 0, 4, 0);
    bound = score_mode("vård", 0, 4, 1);
    ck_assert_msg(exact>0 && bound<=exact*(1+1e-6), "%g %g", bound, exact);
    /* a compound part: the bound is above the exact score */
    ck_assert(score_mode("vård", 0, 5, 1) > score_mode("vård", 0, 5, 0));
  }
}
END_TEST

/* rank_set_lengths(): lengths it knows replace xColumnSize's. */
static int g_nLenCalls;
static int g_aLenRow4[3];
static int len_fn(void *pArg, sqlite3_int64 iRowid, int *aLen){
  (void)pArg;
  g_nLenCalls++;
  if( iRowid!=4 ) return 0;       /* unknown: xColumnSize */
  memcpy(aLen, g_aLenRow4, sizeof(g_aLenRow4));
  return 1;
}

START_TEST(test_lengths)
{
  double exact = score_mode("vård", 0, 4, 0);
  double bound = score_mode("vård", 0, 4, 1);
  double other = score_mode("vård", 0, 3, 0);
  size_t i;
  /* the true lengths (row 4 is "vård i länet"): the same scores */
  g_aLenRow4[0] = 3; g_aLenRow4[1] = 0; g_aLenRow4[2] = 0;
  rank_set_lengths(g_rank, len_fn, 0);
  ck_assert(score_mode("vård", 0, 4, 0)==exact);
  ck_assert(score_mode("vård", 0, 4, 1)==bound);
  ck_assert(score_mode("vård", 0, 3, 0)==other);
  ck_assert_int_gt(g_nLenCalls, 0);
  /* a longer assignment: lower scores, and still bound >= exact */
  g_aLenRow4[0] = 30;
  ck_assert(score_mode("vård", 0, 4, 0) < exact);
  ck_assert(score_mode("vård", 0, 4, 1) < bound);
  for(i=0; i<sizeof(aBoundCase)/sizeof(aBoundCase[0]); i++) check_bound((int)i);
  rank_set_lengths(g_rank, 0, 0);
  ck_assert(score_mode("vård", 0, 4, 0)==exact);
}
END_TEST

/* rank_set_early(): the rows handed over and their exact scores; bKeep:
** what the filter says of every row. */
static struct { sqlite3_int64 aId[16]; double aScore[16]; int n; int bKeep; }
  g_early;
static int early_pass(void *pArg, sqlite3_int64 iRowid){
  (void)pArg; (void)iRowid;
  return g_early.bKeep;
}
static void early_score(void *pArg, sqlite3_int64 iRowid, double score){
  (void)pArg;
  if( g_early.n<16 ){
    g_early.aId[g_early.n] = iRowid;
    g_early.aScore[g_early.n++] = score;
  }
}

/* A first pass newest first with early exact scores for a page of nPage;
** returns how many rows matched. */
static int early_run(const char *zQ, int nPage, int bKeep){
  struct query *q = 0;
  sqlite3_stmt *pStmt = 0;
  int nRow = 0;
  memset(&g_early, 0, sizeof(g_early));
  g_early.bKeep = bKeep;
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), 0, &q), QUERY_OK);
  rank_set_query(g_rank, q, 0);
  rank_set_early(g_rank, nPage, early_pass, early_score, 0);
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, "SELECT " RANK_QUICK_FUNCTION
      "(t) FROM t WHERE t MATCH ?1 ORDER BY rowid DESC", -1, &pStmt, 0),
      SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, query_match(q), -1, SQLITE_STATIC);
  while( sqlite3_step(pStmt)==SQLITE_ROW ) nRow++;
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  rank_set_query(g_rank, 0, 0);
  query_free(q);
  return nRow;
}

START_TEST(test_early)
{
  int nRow, i;
  /* A page of 200: every row is handed over, with its exact score. */
  nRow = early_run("vård", 200, 1);
  ck_assert_int_gt(nRow, 3);
  ck_assert_int_eq(g_early.n, nRow);
  for(i=0; i<g_early.n; i++){
    ck_assert(g_early.aScore[i]==score("vård", 0, (int)g_early.aId[i]));
    ck_assert(i==0 || g_early.aId[i]<g_early.aId[i-1]);
  }
  /* A page of 1: the newest row, then only rows whose bound reaches the
  ** best exact score so far. */
  nRow = early_run("vård", 1, 1);
  ck_assert_int_ge(g_early.n, 1);
  ck_assert_int_lt(g_early.n, nRow);
  for(i=1; i<g_early.n; i++){
    double best = g_early.aScore[0];
    int j;
    for(j=1; j<i; j++) if( g_early.aScore[j]>best ) best = g_early.aScore[j];
    ck_assert(score_mode("vård", 0, (int)g_early.aId[i], 1) >= best);
  }
  /* Rows filtered out get no exact score. */
  early_run("vård", 1, 0);
  ck_assert_int_eq(g_early.n, 0);
  /* Off: a page of 0 or over 200, and after rank_set_query(). */
  early_run("vård", 0, 1);
  ck_assert_int_eq(g_early.n, 0);
  early_run("vård", 201, 1);
  ck_assert_int_eq(g_early.n, 0);
  ck_assert(score("vård", 0, 4)>0);
  ck_assert_int_eq(g_early.n, 0);
}
END_TEST

Suite *rank_suite(void){
  Suite *s = suite_create("rank");
  TCase *tc = tcase_create("rank");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_proximity);
  tcase_add_test(tc, test_kind);
  tcase_add_test(tc, test_columns);
  tcase_add_test(tc, test_relaxed);
  tcase_add_test(tc, test_no_query);
  tcase_add_test(tc, test_lengths);
  tcase_add_test(tc, test_early);
  tcase_add_loop_test(tc, test_bound, 0,
                      (int)(sizeof(aBoundCase)/sizeof(aBoundCase[0])));
  suite_add_tcase(s, tc);
  return s;
}
