/*
** check_rank.c: the searchd_rank() auxiliary function (searchd/rank.c) on
** a small FTS5 table with the swedish tokenizer: proximity, match kind,
** column weights, relaxed scores, searchd_quick() as an upper bound of it,
** the column lengths taken from the row attributes, early exact scores,
** and the query passed as a bound pointer (struct rank_query).
*/
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"
#include "../../searchd/engine/attrs.h"
#include "../../searchd/engine/early.h"
#include "../../searchd/engine/filter.h"
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
  /* 8 */ {"ta fram en regional plan för suicidprevention inom regionens"
           " verksamheter i samverkan med kommunerna, polisen, skolorna,"
           " idrottsföreningarna, kyrkan och de ideella organisationerna i"
           " hela länet under planperioden", "", ""},
  /* 9 */ {"granska investeringarna", "suicidprevention, suicidprevention,"
           " suicidprevention", ""},
  /* 10 */ {"bygget av kiruna nya sjukhus", "", ""},
  /* 11 */ {"det nya sjukhuset i kiruna", "", ""},
  /* 12 */ {"kiruna kommun bygger nya bostäder, skolor, vägar och till sist"
            " ett sjukhus", "", ""},
};

static sqlite3 *g_db;
static struct rank *g_rank;
static struct rank_query g_rq;        /* the query of score_mode() */
static const struct attrs *g_attrs;   /* its lengths, or NULL */
static const struct query_opts *g_opts;  /* score_mode()'s parse, or NULL */

/* The index's tables as attrs_load() reads them (reports, assignments),
** and its FTS5 table. */
static void setup(void){
  sqlite3_stmt *pIns = 0;
  size_t i;
  ck_assert_int_eq(sqlite3_open(":memory:", &g_db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(g_db), SQLITE_OK);
  ck_assert_int_eq(rank_register(g_db, &g_rank), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(g_db,
      "CREATE TABLE reports(id INTEGER PRIMARY KEY, date TEXT, series TEXT);"
      "CREATE TABLE assignments(id INTEGER PRIMARY KEY, report_id INT,"
      " source TEXT, status_class TEXT, assignment_id TEXT);"
      "CREATE TABLE assignment_threads(id TEXT PRIMARY KEY, series,"
      " first_seen, last_seen, occurrences, open, status_class, latest);"
      "INSERT INTO reports VALUES(1, '2021-05-05', '.');"
      "CREATE VIRTUAL TABLE assignments_fts USING "
      "fts5(assignment, status, source, tokenize='swedish')", 0, 0, 0),
      SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(g_db,
      "INSERT INTO assignments_fts(rowid, assignment, status, source)"
      " VALUES(?,?,?,?)", -1, &pIns, 0), SQLITE_OK);
  for(i=0; i<sizeof(azRow)/sizeof(azRow[0]); i++){
    char *zSql = sqlite3_mprintf("INSERT INTO assignments VALUES(%d, 1, '', 'unknown', NULL)",
                                 (int)i+1);
    ck_assert_int_eq(sqlite3_exec(g_db, zSql, 0, 0, 0), SQLITE_OK);
    sqlite3_free(zSql);
    ck_assert_int_eq(sqlite3_bind_int(pIns, 1, (int)i+1), SQLITE_OK);
    ck_assert_int_eq(sqlite3_bind_text(pIns, 2, azRow[i][0], -1,
                                       SQLITE_STATIC), SQLITE_OK);
    ck_assert_int_eq(sqlite3_bind_text(pIns, 3, azRow[i][1], -1,
                                       SQLITE_STATIC), SQLITE_OK);
    ck_assert_int_eq(sqlite3_bind_text(pIns, 4, azRow[i][2], -1,
                                       SQLITE_STATIC), SQLITE_OK);
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
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), g_opts, &q), QUERY_OK);
  rank_query_init(&g_rq, q, bRelaxed);
  g_rq.attrs = g_attrs;
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, bBound
      ? "SELECT " RANK_QUICK_FUNCTION "(assignments_fts, ?3) FROM"
        " assignments_fts WHERE assignments_fts MATCH ?1 AND rowid=?2"
      : "SELECT " RANK_FUNCTION "(assignments_fts, ?3) FROM"
        " assignments_fts WHERE assignments_fts MATCH ?1 AND rowid=?2",
      -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_bind_text(pStmt, 1, bRelaxed ? query_relaxed(q)
                                     : query_match(q), -1, SQLITE_STATIC),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_bind_int(pStmt, 2, iRow), SQLITE_OK);
  ck_assert_int_eq(rank_bind(pStmt, 3, &g_rq), SQLITE_OK);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) s = sqlite3_column_double(pStmt, 0);
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  rank_query_init(&g_rq, 0, 0);
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
  /* vård: the whole word beats a compound part (primärvård is indexed
  ** with its parts primär + vård, so it matches). */
  double whole = score("vård", 0, 4), part = score("vård", 0, 5);
  ck_assert_msg(part>0, "primärvård does not match vård: no compound parts");
  ck_assert_msg(whole>part, "whole %g, part %g", whole, part);
}
END_TEST

START_TEST(test_columns)
{
  double a = score("vård", 0, 4), s = score("vård", 0, 6);
  double src = score("vård", 0, 7);
  ck_assert_msg(a>s && s>src && src>0, "%g %g %g", a, s, src);
}
END_TEST

/* The word in a long assignment, once, beats the same word twice in a short
** status: the assignment says what the row is about (the assignment factor,
** rank.h); without it the status's denser match won. */
START_TEST(test_assignment_first)
{
  double a = score("suicidprevention", 0, 8);
  double s = score("suicidprevention", 0, 9);
  double qa = score_mode("suicidprevention", 0, 8, 1);
  ck_assert_msg(a>s && s>0, "assignment %g, status only %g", a, s);
  ck_assert_msg(qa>=a, "bound %g below the score %g", qa, a);
}
END_TEST

/* kns: the member "kiruna nya sjukhus" as a phrase and as a near group,
** as the synonyms module adds them. */
static int expand_kns(void *pArg, struct query_term *t){
  static const char zMember[] = "kiruna nya sjukhus";
  int rc;
  (void)pArg;
  if( strcmp(t->azAlt[0], "kns")!=0 ) return QUERY_OK;
  rc = query_term_add_alt(t, zMember, (int)strlen(zMember),
                          QUERY_ALT_SYNONYM);
  if( rc==QUERY_OK ) rc = query_term_add_alt(t, zMember, (int)strlen(zMember),
                                             QUERY_ALT_NEAR);
  return rc;
}

/* The near group finds the words close together in any order, below the
** phrase, and not far apart; its bound stays above its score. */
START_TEST(test_near)
{
  struct query_opts o = {.xExpand = expand_kns};
  double phrase, near, far, bound;
  g_opts = &o;
  phrase = score("kns", 0, 10);
  near = score("kns", 0, 11);
  far = score("kns", 0, 12);
  bound = score_mode("kns", 0, 11, 1);
  g_opts = 0;
  ck_assert_msg(phrase>near && near>0, "phrase %g, near %g", phrase, near);
  ck_assert_msg(far==0, "far apart %g", far);
  ck_assert_msg(bound>=near, "bound %g, score %g", bound, near);
}
END_TEST

START_TEST(test_relaxed)
{
  double two = score("nära vård zzzq", 1, 1), one = score("nära vård zzzq", 1, 4);
  ck_assert_msg(two>=2.0 && two<3.0, "two %g", two);
  ck_assert_msg(one>=1.0 && one<2.0, "one %g", one);
}
END_TEST

/* Without a bound struct rank_query a call is an error; with one that
** holds no query, every score is 0. */
START_TEST(test_no_query)
{
  static const char *const azSql[] = {
    "SELECT " RANK_FUNCTION "(assignments_fts) FROM assignments_fts"
    " WHERE assignments_fts MATCH 'vård'",
    "SELECT " RANK_QUICK_FUNCTION "(assignments_fts, 'x') FROM"
    " assignments_fts WHERE assignments_fts MATCH 'vård'",
    "SELECT " RANK_CAND_FUNCTION "(1, ?1)",
  };
  sqlite3_stmt *pStmt = 0;
  size_t i;
  for(i=0; i<sizeof(azSql)/sizeof(azSql[0]); i++){
    ck_assert_int_eq(sqlite3_prepare_v2(g_db, azSql[i], -1, &pStmt, 0),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ERROR);
    sqlite3_finalize(pStmt);
  }
  rank_query_init(&g_rq, 0, 0);
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, "SELECT " RANK_FUNCTION
      "(assignments_fts, ?1) FROM assignments_fts"
      " WHERE assignments_fts MATCH 'vård'", -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(rank_bind(pStmt, 1, &g_rq), SQLITE_OK);
  ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_ROW);
  ck_assert(sqlite3_column_double(pStmt, 0)==0.0);
  sqlite3_finalize(pStmt);
}
END_TEST

/* searchd_is_cand(rowid, ?): the rows of the bound query's aCand. */
START_TEST(test_cand)
{
  static const sqlite3_int64 aId[] = {2, 5, 7};
  sqlite3_stmt *pStmt = 0;
  sqlite3_int64 aGot[8];
  int n = 0;
  rank_query_init(&g_rq, 0, 0);
  g_rq.aCand = aId;
  g_rq.nCand = 3;
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, "SELECT rowid FROM"
      " assignments_fts WHERE " RANK_CAND_FUNCTION "(rowid, ?1)"
      " ORDER BY rowid", -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(rank_bind(pStmt, 1, &g_rq), SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW && n<8 ){
    aGot[n++] = sqlite3_column_int64(pStmt, 0);
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  ck_assert_int_eq(n, 3);
  ck_assert(aGot[0]==2 && aGot[1]==5 && aGot[2]==7);
  rank_query_init(&g_rq, 0, 0);
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

/* Set row id's docsize record (what xColumnSize reads) to the lengths
** n0, 0, 0 (one varint each, n0 < 128). */
static void set_docsize(int id, int n0){
  char *zSql = sqlite3_mprintf("UPDATE assignments_fts_docsize"
      " SET sz=x'%02x0000' WHERE id=%d", n0, id);
  ck_assert_int_eq(sqlite3_exec(g_db, zSql, 0, 0, 0), SQLITE_OK);
  sqlite3_free(zSql);
}

/* rank_query.attrs: the lengths the attributes know replace
** xColumnSize's, which are asked only for rows they do not know. */
START_TEST(test_lengths)
{
  double exact = score_mode("vård", 0, 4, 0);
  double bound = score_mode("vård", 0, 4, 1);
  double other = score_mode("vård", 0, 3, 0);
  struct attrs *pAttrs = 0;
  size_t i;
  /* The true lengths (row 4 is "vård i länet"): the same scores. */
  ck_assert_int_eq(attrs_load(g_db, &pAttrs), SQLITE_OK);
  g_attrs = pAttrs;
  ck_assert(score_mode("vård", 0, 4, 0)==exact);
  ck_assert(score_mode("vård", 0, 4, 1)==bound);
  ck_assert(score_mode("vård", 0, 3, 0)==other);
  /* xColumnSize now says 30 words; the attributes still say 3. */
  set_docsize(4, 30);
  ck_assert(score_mode("vård", 0, 4, 0)==exact);
  ck_assert(score_mode("vård", 0, 4, 1)==bound);
  /* Without them, the longer assignment: lower scores, bound >= exact. */
  g_attrs = 0;
  ck_assert(score_mode("vård", 0, 4, 0) < exact);
  ck_assert(score_mode("vård", 0, 4, 1) < bound);
  for(i=0; i<sizeof(aBoundCase)/sizeof(aBoundCase[0]); i++) check_bound((int)i);
  /* Attributes loaded from the longer record: the same lower scores. */
  attrs_free(pAttrs);
  ck_assert_int_eq(attrs_load(g_db, &pAttrs), SQLITE_OK);
  g_attrs = pAttrs;
  ck_assert(score_mode("vård", 0, 4, 0) < exact);
  g_attrs = 0;
  attrs_free(pAttrs);
}
END_TEST

/*
** A first pass newest first with early exact scores for a page of nPage,
** into pEarly; bKeep: whether the filter lets rows through (a date range
** that holds the rows' date, or one that does not). Returns how many rows
** matched.
*/
static int early_run(const char *zQ, int nPage, int bKeep,
                     struct early *pEarly){
  struct query *q = 0;
  struct attrs *pAttrs = 0;
  struct filter f;
  struct search_args a;
  sqlite3_stmt *pStmt = 0;
  int nRow = 0;
  early_clear(pEarly);
  memset(&a, 0, sizeof(a));
  a.zFrom = bKeep ? "2021-01-01" : "2022-01-01";
  ck_assert_int_eq(attrs_load(g_db, &pAttrs), SQLITE_OK);
  ck_assert_int_eq(filter_init(&f, pAttrs, &a), SQLITE_OK);
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), 0, &q), QUERY_OK);
  rank_query_init(&g_rq, q, 0);
  g_rq.nEarly = nPage;
  g_rq.pFilter = &f;
  g_rq.pEarly = pEarly;
  ck_assert_int_eq(sqlite3_prepare_v2(g_db, "SELECT " RANK_QUICK_FUNCTION
      "(assignments_fts, ?2) FROM assignments_fts WHERE assignments_fts"
      " MATCH ?1 ORDER BY rowid DESC", -1, &pStmt, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_bind_text(pStmt, 1, query_match(q), -1,
                                     SQLITE_STATIC), SQLITE_OK);
  ck_assert_int_eq(rank_bind(pStmt, 2, &g_rq), SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW ) nRow++;
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  rank_query_init(&g_rq, 0, 0);
  query_free(q);
  filter_clear(&f);
  attrs_free(pAttrs);
  return nRow;
}

/* The rows of 1..7 with an early score, newest first, into aId/aScore. */
static int early_got(const struct early *pEarly, sqlite3_int64 *aId,
                     double *aScore){
  int id, n = 0;
  for(id=7; id>=1; id--){
    if( early_get(pEarly, id, &aScore[n]) ) aId[n++] = id;
  }
  return n;
}

START_TEST(test_early)
{
  struct early *pEarly = 0;
  sqlite3_int64 aId[8];
  double aScore[8];
  int nRow, n, i;
  ck_assert_int_eq(early_new(&pEarly), SQLITE_OK);
  /* A page of 200: every row gets its exact score. */
  nRow = early_run("vård", 200, 1, pEarly);
  ck_assert_int_gt(nRow, 3);
  n = early_got(pEarly, aId, aScore);
  ck_assert_int_eq(n, nRow);
  for(i=0; i<n; i++){
    ck_assert(aScore[i]==score("vård", 0, (int)aId[i]));
  }
  /* A page of 1: the newest row, then only rows whose bound reaches the
  ** best exact score of the newer rows. */
  nRow = early_run("vård", 1, 1, pEarly);
  n = early_got(pEarly, aId, aScore);
  ck_assert_int_ge(n, 1);
  ck_assert_int_lt(n, nRow);
  for(i=1; i<n; i++){
    double best = aScore[0];
    int j;
    for(j=1; j<i; j++) if( aScore[j]>best ) best = aScore[j];
    ck_assert(score_mode("vård", 0, (int)aId[i], 1) >= best);
  }
  /* Rows filtered out get no exact score. */
  early_run("vård", 1, 0, pEarly);
  ck_assert_int_eq(early_got(pEarly, aId, aScore), 0);
  /* Off: a page of 0 or over RANK_EARLY_MAX. */
  early_run("vård", 0, 1, pEarly);
  ck_assert_int_eq(early_got(pEarly, aId, aScore), 0);
  early_run("vård", RANK_EARLY_MAX + 1, 1, pEarly);
  ck_assert_int_eq(early_got(pEarly, aId, aScore), 0);
  early_free(pEarly);
}
END_TEST

Suite *rank_suite(void){
  Suite *s = suite_create("rank");
  TCase *tc = tcase_create("rank");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_proximity);
  tcase_add_test(tc, test_kind);
  tcase_add_test(tc, test_columns);
  tcase_add_test(tc, test_assignment_first);
  tcase_add_test(tc, test_near);
  tcase_add_test(tc, test_relaxed);
  tcase_add_test(tc, test_no_query);
  tcase_add_test(tc, test_cand);
  tcase_add_test(tc, test_lengths);
  tcase_add_test(tc, test_early);
  tcase_add_loop_test(tc, test_bound, 0,
                      (int)(sizeof(aBoundCase)/sizeof(aBoundCase[0])));
  suite_add_tcase(s, tc);
  return s;
}
