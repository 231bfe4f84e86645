/*
** check_search.c: the search engine (searchd/engine/search.h) without
** HTTP, on a small index built here: pages and offsets, totals and year
** facets (against SQL counts of the same index), the date and source
** filters, relaxed mode, the ranking order, and the first pass's window
** and early exact scores (which must not change totals or pages). The
** fixture's rows are linked by SQL into assignments (two series, a row
** number's rows one assignment per series, some rows left unlinked) with
** status classes, for collapsing (against a ranking of every row), the
** status and series filters, the status facet and sorting by date. A
** prefix query's page takes the highlights its first pass made, with no
** FTS5 statement of its own, and shows what that statement shows.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "../../searchd/engine/search.h"
#include "tally_fixture.h"

/* Report dates; rows are spread over them. */
static const char *const azDate[] = {
  "2018-03-01", "2019-06-01", "2020-09-01", "2021-12-01",
};
#define N_REPORT ((int)(sizeof(azDate)/sizeof(azDate[0])))
#define N_FILL 40                 /* generated rows per report */

static const char *const azWord[] = {
  "vård", "länet", "arbete", "mammografi", "plan", "utveckla",
  "samverkan", "primärvård", "hälsa", "barn",
};
static const char *const azSource[] = {
  "RS plan 2021-2023", "Stabsplan 2018", "Regionstyrelsen",
};

/* Rows whose order a query must keep (report 4, rows 101..): the
** assignment column over the status, near words over far. */
static const struct { const char *zAssignment, *zStatus; } aRanked[] = {
  /* 101 */ {"god nära vård för alla", "klart"},
  /* 102 */ {"nära stöd till kommunerna och sedan vård i hemmet för de"
             " äldre", "klart"},
  /* 103 */ {"ett uppdrag om annat", "god nära vård för alla"},
};

struct fixture {
  char zPath[64];
  sqlite3 *db;
  struct search_engine *engine;
  struct search_config cfg;
};
static struct fixture g;

static void exec_ok(sqlite3 *db, const char *zSql){
  char *zErr = 0;
  int rc = sqlite3_exec(db, zSql, 0, 0, &zErr);
  ck_assert_msg(rc==SQLITE_OK, "%s: %s", zSql, zErr ? zErr : "?");
  sqlite3_free(zErr);
}

static void insert_row(sqlite3 *db, int iReport, int iRow,
                       const char *zAssignment, const char *zSource,
                       const char *zStatus){
  char *zSql = sqlite3_mprintf("INSERT INTO assignments(report_id, row,"
      " assignment, source, status) VALUES(%d, %d, %Q, %Q, %Q)", iReport,
      iRow, zAssignment, zSource, zStatus);
  exec_ok(db, zSql);
  sqlite3_free(zSql);
}

/* Generated rows: two to four words of azWord each, chosen by position. */
static void fill_rows(sqlite3 *db, int iReport){
  int i;
  for(i=1; i<=N_FILL; i++){
    int k = iReport*N_FILL + i, nWord = 2 + k%3, w;
    char zText[256] = "";
    for(w=0; w<nWord; w++){
      const char *z = azWord[(k*(w+3) + w*7) % 10];
      size_t n = strlen(zText);
      snprintf(zText + n, sizeof(zText) - n, "%s%s", w ? " " : "", z);
    }
    insert_row(db, iReport, i, zText, azSource[k%3],
               k%4 ? "pågår" : "vård i länet pågår");
  }
}

/*
** What the indexer's linking leaves, by SQL: rows 1..30 of a series are
** one assignment per row number, the others unlinked; classes vary by
** row; the threads summarise their rows as common/db.h says.
*/
static void link_rows(sqlite3 *db){
  exec_ok(db, "UPDATE assignments SET assignment_id=(SELECT series FROM"
      " reports r WHERE r.id=report_id) || '-' || row WHERE row<=30");
  exec_ok(db, "UPDATE assignments SET status_evidence='ev' || id,"
      " status_class=CASE (id*7 + report_id) % 6 WHEN 0 THEN 'done'"
      " WHEN 1 THEN 'ongoing' WHEN 2 THEN 'not_started' WHEN 3 THEN 'dropped'"
      " WHEN 4 THEN 'partly_done' ELSE 'unknown' END");
  exec_ok(db, "INSERT INTO assignment_threads SELECT a.assignment_id,"
      " r.series, min(r.date), max(r.date), count(*), max(r.date)=(SELECT"
      " max(date) FROM reports r2 WHERE r2.series=r.series), 'unknown', 0"
      " FROM assignments a JOIN reports r ON r.id=a.report_id"
      " WHERE a.assignment_id IS NOT NULL GROUP BY a.assignment_id");
  exec_ok(db, "UPDATE assignment_threads SET latest=(SELECT a.id FROM"
      " assignments a JOIN reports r ON r.id=a.report_id WHERE"
      " a.assignment_id=assignment_threads.id ORDER BY r.date DESC LIMIT 1)");
  exec_ok(db, "UPDATE assignment_threads SET status_class=(SELECT"
      " status_class FROM assignments WHERE id=latest)");
}

static void fill(sqlite3 *db){
  int r;
  size_t i;
  exec_ok(db, "BEGIN");
  for(r=1; r<=N_REPORT; r++){
    char *zSql = sqlite3_mprintf("INSERT INTO reports VALUES(%d, %Q,"
        " 'Återrapportering', 'r%d.txt', %Q, 'x', 0, 'now')", r, azDate[r-1],
        r, r<=2 ? "a" : "b");
    exec_ok(db, zSql);
    sqlite3_free(zSql);
    fill_rows(db, r);
  }
  for(i=0; i<sizeof(aRanked)/sizeof(aRanked[0]); i++){
    insert_row(db, N_REPORT, 101 + (int)i, aRanked[i].zAssignment,
               "Regionstyrelsen", aRanked[i].zStatus);
  }
  link_rows(db);
  exec_ok(db, "COMMIT");
}

static void engine_open(long nWindow, long nRerank, long nEarly,
                        long nQueryMs){
  struct query_opts opts;
  search_engine_free(g.engine);
  g.engine = 0;
  g.cfg.nWindow = nWindow;
  g.cfg.nRerank = nRerank;
  g.cfg.nLookupUs = 20;
  g.cfg.nEarly = nEarly;
  g.cfg.nQueryMs = nQueryMs;
  ck_assert_int_eq(search_engine_new(g.db, &g.cfg, &g.engine), SQLITE_OK);
  memset(&opts, 0, sizeof(opts));
  search_engine_set_opts(g.engine, &opts);
}

static void setup(void){
  char *zErr = 0;
  int fd;
  memset(&g, 0, sizeof(g));
  snprintf(g.zPath, sizeof(g.zPath), "/tmp/check_search_XXXXXX");
  fd = mkstemp(g.zPath);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_msg(db_open(g.zPath, DB_READWRITE, &g.db, &zErr)==SQLITE_OK,
                "%s", zErr);
  fill(g.db);
  sqlite3_close(g.db);
  ck_assert_msg(db_open(g.zPath, DB_READONLY, &g.db, &zErr)==SQLITE_OK,
                "%s", zErr);
  engine_open(2000, 100, 200, 10000);
}

static void teardown(void){
  char z[80];
  search_engine_free(g.engine);
  sqlite3_close(g.db);
  unlink(g.zPath);
  snprintf(z, sizeof(z), "%s-wal", g.zPath);
  unlink(z);
  snprintf(z, sizeof(z), "%s-shm", g.zPath);
  unlink(z);
}

/* Search zQ with args into *pRes; asserts success. */
static void run(const char *zQ, const struct search_args *a,
                struct search_result *pRes){
  struct query *q = 0;
  char *zErr = 0;
  int rc;
  ck_assert_int_eq(search_parse(g.engine, zQ, &q, &zErr), SQLITE_OK);
  ck_assert_ptr_null(zErr);
  rc = search_run(g.engine, q, a, pRes);
  ck_assert_msg(rc==SQLITE_OK, "%s: %d %s", zQ, rc,
                pRes->zErr ? pRes->zErr : "");
  query_free(q);
}

/* A page of rows (collapse=none): the tests of the row ranking. */
static struct search_args page(long nOffset, long nLimit){
  struct search_args a;
  memset(&a, 0, sizeof(a));
  a.nOffset = nOffset;
  a.nLimit = nLimit;
  a.eCollapse = SEARCH_COLLAPSE_NONE;
  return a;
}

/* One integer from SQL over the fixture's index. */
static long long sql_count(const char *zSql){
  sqlite3_stmt *pStmt = 0;
  long long n = -1;
  ck_assert_int_eq(sqlite3_prepare_v2(g.db, zSql, -1, &pStmt, 0), SQLITE_OK);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) n = sqlite3_column_int64(pStmt, 0);
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  return n;
}

/* Matches of the FTS5 expression zMatch passing zWhere (over a, r). */
static long long sql_matches(const char *zMatch, const char *zWhere){
  char *zSql = sqlite3_mprintf("SELECT count(*) FROM assignments_fts f"
      " JOIN assignments a ON a.id=f.rowid JOIN reports r ON r.id=a.report_id"
      " WHERE assignments_fts MATCH %Q AND (%s)", zMatch, zWhere);
  long long n = sql_count(zSql);
  sqlite3_free(zSql);
  return n;
}

/* The result's facets sum to its total and each year is SQL's count. */
static void check_facets(const struct search_result *r, const char *zMatch,
                         const char *zWhere){
  long long nSum = 0;
  int i;
  for(i=0; i<r->nYear; i++){
    char *zW = sqlite3_mprintf("(%s) AND r.date LIKE '%04d-%%'", zWhere,
                               r->aYear[i].year);
    ck_assert_int_eq(r->aYear[i].n, sql_matches(zMatch, zW));
    ck_assert(i==0 || r->aYear[i].year < r->aYear[i-1].year);
    nSum += r->aYear[i].n;
    sqlite3_free(zW);
  }
  ck_assert_int_eq(nSum, r->nTotal);
}

START_TEST(test_totals)
{
  struct search_args a = page(0, 10);
  struct search_result r;
  run("vård", &a, &r);
  ck_assert_int_gt(r.nTotal, 20);
  ck_assert_int_eq(r.nTotal, sql_matches("vård", "1"));
  ck_assert_int_eq(r.nHit, 10);
  ck_assert_int_eq(r.bRelaxed, 0);
  check_facets(&r, "vård", "1");
  ck_assert_int_ge(r.nYear, 2);
  search_result_clear(&r);
  run("zzzqqq", &a, &r);
  ck_assert_int_eq(r.nTotal, 0);
  ck_assert_int_eq(r.nHit, 0);
  ck_assert_int_eq(r.nYear, 0);
  search_result_clear(&r);
}
END_TEST

/* Every page of a query is the same slice of its whole ranking. */
START_TEST(test_pages)
{
  struct search_args a = page(0, 100);
  struct search_result all, r;
  long nOffset;
  int i;
  run("vård", &a, &all);
  ck_assert_int_eq(all.nHit, (int)all.nTotal);
  for(i=1; i<all.nHit; i++){
    ck_assert(all.aHit[i].score <= all.aHit[i-1].score);
  }
  for(nOffset=0; nOffset<all.nHit + 5; nOffset+=7){
    a = page(nOffset, 7);
    run("vård", &a, &r);
    ck_assert_int_eq(r.nTotal, all.nTotal);
    ck_assert_int_eq(r.nHit, nOffset+7<=all.nHit ? 7
                     : (nOffset<all.nHit ? all.nHit - (int)nOffset : 0));
    for(i=0; i<r.nHit; i++){
      ck_assert_int_eq(r.aHit[i].id, all.aHit[nOffset+i].id);
      ck_assert(r.aHit[i].score==all.aHit[nOffset+i].score);
    }
    search_result_clear(&r);
  }
  a = page(3, 0);
  run("vård", &a, &r);
  ck_assert_int_eq(r.nHit, 0);
  ck_assert_int_eq(r.nTotal, all.nTotal);
  search_result_clear(&r);
  search_result_clear(&all);
}
END_TEST

/* A hit carries its row's fields and marked highlights. */
START_TEST(test_hit_fields)
{
  struct search_args a = page(0, 1);
  struct search_result r;
  const struct search_hit *h;
  char *zSql;
  run("mammografi", &a, &r);
  ck_assert_int_eq(r.nHit, 1);
  h = &r.aHit[0];
  zSql = sqlite3_mprintf("SELECT count(*) FROM assignments a JOIN reports r"
      " ON r.id=a.report_id WHERE a.id=%lld AND a.row=%lld AND r.date=%Q"
      " AND a.assignment=%Q AND a.source=%Q AND a.status=%Q", h->id, h->iRow,
      h->aText[SEARCH_DATE].z, h->aText[SEARCH_ASSIGNMENT].z,
      h->aText[SEARCH_SOURCE].z, h->aText[SEARCH_STATUS].z);
  ck_assert_int_eq(sql_count(zSql), 1);
  sqlite3_free(zSql);
  ck_assert_str_eq(h->aText[SEARCH_TITLE].z, "Återrapportering");
  ck_assert_ptr_nonnull(strstr(h->aText[SEARCH_HL_ASSIGNMENT].z,
                               SEARCH_MARK_OPEN "mammografi"
                               SEARCH_MARK_CLOSE));
  ck_assert(h->score>0);
  search_result_clear(&r);
}
END_TEST

START_TEST(test_filters)
{
  struct search_args a = page(0, 100);
  struct search_result r;
  int i;
  a.zFrom = "2019-01-01";
  a.zTo = "2020-12-31";
  run("vård", &a, &r);
  ck_assert_int_gt(r.nTotal, 0);
  ck_assert_int_eq(r.nTotal, sql_matches("vård",
      "r.date BETWEEN '2019-01-01' AND '2020-12-31'"));
  check_facets(&r, "vård", "r.date BETWEEN '2019-01-01' AND '2020-12-31'");
  for(i=0; i<r.nHit; i++){
    const char *z = r.aHit[i].aText[SEARCH_DATE].z;
    ck_assert(strcmp(z, "2019-01-01")>=0 && strcmp(z, "2020-12-31")<=0);
  }
  search_result_clear(&r);
  a = page(0, 100);
  a.zSource = "STABS";              /* ASCII case does not matter */
  run("vård", &a, &r);
  ck_assert_int_gt(r.nTotal, 0);
  ck_assert_int_eq(r.nTotal, sql_matches("vård",
      "lower(a.source) LIKE '%stabs%'"));
  for(i=0; i<r.nHit; i++){
    ck_assert_ptr_nonnull(strcasestr(r.aHit[i].aText[SEARCH_SOURCE].z,
                                     "stabs"));
  }
  search_result_clear(&r);
  a.zSource = "no such source";
  run("vård", &a, &r);
  ck_assert_int_eq(r.nTotal, 0);
  search_result_clear(&r);
}
END_TEST

/* All words find nothing: the rows with some of them, more words first. */
START_TEST(test_relaxed)
{
  struct search_args a = page(0, 100);
  struct search_result r;
  int i;
  run("mammografi zzzqqq", &a, &r);
  ck_assert_int_eq(r.bRelaxed, 1);
  ck_assert_int_gt(r.nTotal, 0);
  ck_assert_int_eq(r.nTotal, sql_matches("mammografi", "1"));
  for(i=0; i<r.nHit; i++){
    ck_assert(r.aHit[i].score>=1.0 && r.aHit[i].score<2.0);
  }
  search_result_clear(&r);
  run("vård mammografi zzzqqq", &a, &r);
  ck_assert_int_eq(r.bRelaxed, 1);
  ck_assert_int_eq(r.nTotal, sql_matches("vård OR mammografi", "1"));
  ck_assert(r.aHit[0].score>=2.0);     /* rows with both come first */
  ck_assert(r.aHit[r.nHit-1].score<2.0);
  search_result_clear(&r);
  run("vård mammografi", &a, &r);      /* some rows hold both */
  ck_assert_int_eq(r.bRelaxed, 0);
  search_result_clear(&r);
}
END_TEST

/* The index of row iRow of report N_REPORT in r's hits, or -1. */
static int hit_pos(const struct search_result *r, int iRow){
  int i;
  for(i=0; i<r->nHit; i++){
    if( r->aHit[i].iRow==iRow
     && strcmp(r->aHit[i].aText[SEARCH_DATE].z, azDate[N_REPORT-1])==0 ){
      return i;
    }
  }
  return -1;
}

/* Near words before far ones, the assignment before the status. */
START_TEST(test_ranking)
{
  struct search_args a = page(0, 100);
  struct search_result r;
  int iNear, iFar, iStatus;
  run("nära vård", &a, &r);
  ck_assert_int_eq(r.nTotal, 3);
  iNear = hit_pos(&r, 101);
  iFar = hit_pos(&r, 102);
  iStatus = hit_pos(&r, 103);
  ck_assert_msg(iNear==0 && iFar>0 && iStatus>0, "%d %d %d", iNear, iFar,
                iStatus);
  ck_assert(r.aHit[iNear].score > r.aHit[iFar].score);
  ck_assert(r.aHit[iNear].score > r.aHit[iStatus].score);
  search_result_clear(&r);
}
END_TEST

/* Two results are the same: totals, facets, hits and scores. */
static void check_same(const struct search_result *x,
                       const struct search_result *y){
  int i;
  ck_assert_int_eq(x->nTotal, y->nTotal);
  ck_assert_int_eq(x->nYear, y->nYear);
  for(i=0; i<x->nYear; i++){
    ck_assert_int_eq(x->aYear[i].year, y->aYear[i].year);
    ck_assert_int_eq(x->aYear[i].n, y->aYear[i].n);
  }
  ck_assert_int_eq(x->nHit, y->nHit);
  for(i=0; i<x->nHit; i++){
    ck_assert_int_eq(x->aHit[i].id, y->aHit[i].id);
    ck_assert(x->aHit[i].score==y->aHit[i].score);
  }
}

/* The FTS5 expression of user query zQ (static buffer). */
static const char *match_of(const char *zQ){
  static char zExpr[512];
  struct query *q = 0;
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), 0, &q), QUERY_OK);
  snprintf(zExpr, sizeof(zExpr), "%s", query_match(q));
  query_free(q);
  return zExpr;
}

/* A small window (older rows only counted, maybe walked) keeps totals and
** facets; early exact scores off keep the page. */
START_TEST(test_window_early)
{
  static const char *const azQ[] = {
    "vård", "vård länet", "\"vård i länet\"", "vård OR barn", "vård -plan",
    "mammo*",
  };
  struct search_args a = page(0, 10);
  struct search_result r0, r1;
  size_t i;
  for(i=0; i<sizeof(azQ)/sizeof(azQ[0]); i++){
    engine_open(0, 10, 200, 10000);
    run(azQ[i], &a, &r0);
    engine_open(10, 10, 200, 10000);  /* K 10: a window of 10 */
    run(azQ[i], &a, &r1);
    ck_assert_msg(r0.nTotal==r1.nTotal, "%s: %lld %lld", azQ[i], r0.nTotal,
                  r1.nTotal);
    check_facets(&r1, match_of(azQ[i]), "1");
    search_result_clear(&r1);
    engine_open(0, 10, 0, 10000);
    run(azQ[i], &a, &r1);
    check_same(&r0, &r1);
    search_result_clear(&r1);
    search_result_clear(&r0);
  }
}
END_TEST

/* run() of zQ, counting the statements t asks for; returns the count. */
static int run_tallied(const char *zQ, const struct search_args *a,
                       struct search_result *pRes, struct stmt_tally *t){
  tally_start(g.db, t);
  run(zQ, a, pRes);
  return tally_stop(g.db, t);
}

/* Two pages show the same hits: rows, scores and every text. */
static void check_same_texts(const struct search_result *x,
                             const struct search_result *y,
                             const char *zQ){
  int i, j;
  ck_assert_int_eq(x->nTotal, y->nTotal);
  ck_assert_int_eq(x->nHit, y->nHit);
  for(i=0; i<x->nHit; i++){
    ck_assert_int_eq(x->aHit[i].id, y->aHit[i].id);
    ck_assert(x->aHit[i].score==y->aHit[i].score);
    for(j=0; j<SEARCH_NTEXT; j++){
      const struct search_text *a = &x->aHit[i].aText[j];
      const struct search_text *b = &y->aHit[i].aText[j];
      ck_assert_msg((a->z==0)==(b->z==0), "%s: hit %d text %d", zQ, i, j);
      ck_assert_msg(a->n==b->n && (a->n==0 || !memcmp(a->z, b->z, a->n)),
                    "%s: hit %d text %d: %.*s / %.*s", zQ, i, j, a->n,
                    a->z ? a->z : "", b->n, b->z ? b->z : "");
    }
  }
}

/* A prefix query's page: no FTS5 statement of its own (the first pass or
** the rerank made its highlights), and the hits of the page statement,
** which runs when early exact scores are off; collapsed or not, from any
** offset, by relevance or date. */
START_TEST(test_prefix_texts)
{
  static const char *const azQ[] = {
    "mammo*", "vår*", "mammo* länet", "vård -mammo*", "sam* OR barn",
    "primär* \"vård i\"",
  };
  struct stmt_tally t = {{"MATCH", "JOIN reports"}, 0};
  struct search_args a = page(_i % 2 ? 3 : 0, 10);
  struct search_result r0, r1;
  size_t i;
  if( _i>=2 && _i<4 ) a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
  if( _i>=4 ) a.eSort = SEARCH_SORT_NEWEST;
  for(i=0; i<sizeof(azQ)/sizeof(azQ[0]); i++){
    engine_open(2000, 100, 0, 10000);
    run(azQ[i], &a, &r0);
    ck_assert_msg(r0.nHit>0, "%s", azQ[i]);
    engine_open(2000, 100, 200, 10000);
    ck_assert_msg(run_tallied(azQ[i], &a, &r1, &t)==0,
                  "%s: %d page statements", azQ[i], t.n);
    check_same_texts(&r0, &r1, azQ[i]);
    search_result_clear(&r1);
    search_result_clear(&r0);
  }
}
END_TEST


/* A prefix query whose phrases are not walked counts the rows past its
** window in its scan's statement, not in another (which would merge the
** prefix's doclists again): the totals and facets of no window. A lone
** prefix is walked when its count is not kept yet, so it runs twice. */
START_TEST(test_prefix_count)
{
  static const char *const azQ[] = {
    "vår* länet", "vård -mammo*", "sam* OR barn", "vår* -plan", "vår*",
  };
  struct stmt_tally t = {{"MATCH", "rowid < ?2"}, 0};
  struct search_args a = page(0, 10);
  struct search_result r0, r1;
  size_t i;
  for(i=0; i<sizeof(azQ)/sizeof(azQ[0]); i++){
    engine_open(0, 10, 200, 10000);
    run(azQ[i], &a, &r0);
    ck_assert_msg(r0.nTotal>10, "%s: %lld", azQ[i], r0.nTotal);
    engine_open(10, 10, 200, 10000);  /* K 10: a window of 10 */
    run(azQ[i], &a, &r1);
    search_result_clear(&r1);
    ck_assert_msg(run_tallied(azQ[i], &a, &r1, &t)==0,
                  "%s: %d count statements", azQ[i], t.n);
    ck_assert_msg(r0.nTotal==r1.nTotal, "%s: %lld %lld", azQ[i], r0.nTotal,
                  r1.nTotal);
    check_facets(&r1, match_of(azQ[i]), "1");
    search_result_clear(&r1);
    search_result_clear(&r0);
  }
}
END_TEST

/* An assignment's id in SQL: a row not linked is its own. */
#define SQL_AID "coalesce(a.assignment_id, 'row-' || a.id)"
/* An assignment's current class in SQL. */
#define SQL_CLASS "coalesce(t.status_class, a.status_class)"
#define SQL_FROM " FROM assignments_fts f JOIN assignments a ON a.id=f.rowid" \
  " JOIN reports r ON r.id=a.report_id" \
  " LEFT JOIN assignment_threads t ON t.id=a.assignment_id" \
  " WHERE assignments_fts MATCH %Q AND (%s)"

/* Distinct values of zWhat over the matches of zMatch passing zWhere. */
static long long sql_distinct(const char *zWhat, const char *zMatch,
                              const char *zWhere){
  char *zSql = sqlite3_mprintf("SELECT count(DISTINCT %s)" SQL_FROM, zWhat,
                               zMatch, zWhere);
  long long n = sql_count(zSql);
  sqlite3_free(zSql);
  return n;
}

/*
** Collapsed: total, status and year facets are SQL's counts of distinct
** assignments (per current class; per year of a matching row).
*/
static void check_collapsed_counts(const struct search_result *r,
                                   const char *zMatch, const char *zWhere){
  long long nSum = 0;
  int i;
  ck_assert_int_eq(r->bCollapsed, 1);
  ck_assert_int_eq(r->nTotal, sql_distinct(SQL_AID, zMatch, zWhere));
  for(i=0; i<SCLASS_N; i++){
    char *zW = sqlite3_mprintf("(%s) AND " SQL_CLASS "=%Q", zWhere,
                               sclass_name(i));
    ck_assert_int_eq(r->aStatus[i], sql_distinct(SQL_AID, zMatch, zW));
    nSum += r->aStatus[i];
    sqlite3_free(zW);
  }
  ck_assert_int_eq(nSum, r->nTotal);
  for(i=0; i<r->nYear; i++){
    char *zW = sqlite3_mprintf("(%s) AND r.date LIKE '%04d-%%'", zWhere,
                               r->aYear[i].year);
    ck_assert_int_eq(r->aYear[i].n, sql_distinct(SQL_AID, zMatch, zW));
    sqlite3_free(zW);
  }
  ck_assert_int_eq(r->nYear, sql_distinct("substr(r.date, 1, 4)", zMatch,
                                          zWhere));
}

/* Not collapsed: the status facet counts rows by their own class. */
static void check_row_status(const struct search_result *r,
                             const char *zMatch, const char *zWhere){
  int i;
  ck_assert_int_eq(r->bCollapsed, 0);
  for(i=0; i<SCLASS_N; i++){
    char *zW = sqlite3_mprintf("(%s) AND a.status_class=%Q", zWhere,
                               sclass_name(i));
    ck_assert_int_eq(r->aStatus[i], sql_matches(zMatch, zW));
    sqlite3_free(zW);
  }
}

/* The filters of the counting tests, as search_args and as SQL. */
static const struct {
  const char *zFrom, *zTo, *zSeries, *zStatus;
  const char *zWhereCollapsed, *zWhereRows;
} aAssignFilter[] = {
  {0, 0, 0, 0, "1", "1"},
  {"2019-01-01", "2020-12-31", 0, 0,
   "r.date BETWEEN '2019-01-01' AND '2020-12-31'",
   "r.date BETWEEN '2019-01-01' AND '2020-12-31'"},
  {0, 0, "b", 0, "r.series='b'", "r.series='b'"},
  {0, 0, 0, "done,ongoing", SQL_CLASS " IN ('done','ongoing')",
   "a.status_class IN ('done','ongoing')"},
  {"2020-01-01", 0, "a", "dropped",
   "r.date>='2020-01-01' AND r.series='a' AND " SQL_CLASS "='dropped'",
   "r.date>='2020-01-01' AND r.series='a' AND a.status_class='dropped'"},
};

static const char *const azAssignQ[] = {
  "vård", "länet", "vård länet", "vård OR barn", "vård -plan", "mammo*",
  "\"vård i länet\"",
};

/* Totals and facets, collapsed or not, with every filter, against SQL;
** a window of 10 rows (the rest counted, not scored) changes none. */
START_TEST(test_collapse_counts)
{
  size_t iQ;
  int iWin;
  for(iWin=0; iWin<2; iWin++){
    engine_open(iWin ? 10 : 2000, 10, 200, 10000);
    for(iQ=0; iQ<sizeof(azAssignQ)/sizeof(azAssignQ[0]); iQ++){
      struct search_args a = page(0, 10);
      struct search_result r;
      const char *zMatch = match_of(azAssignQ[iQ]);
      a.zFrom = aAssignFilter[_i].zFrom;
      a.zTo = aAssignFilter[_i].zTo;
      a.zSeries = aAssignFilter[_i].zSeries;
      if( aAssignFilter[_i].zStatus ){
        ck_assert_int_eq(sclass_parse_list(aAssignFilter[_i].zStatus,
                                           &a.mStatus), 0);
      }
      run(azAssignQ[iQ], &a, &r);
      ck_assert_int_eq(r.nTotal, sql_matches(zMatch,
                                             aAssignFilter[_i].zWhereRows));
      check_row_status(&r, zMatch, aAssignFilter[_i].zWhereRows);
      search_result_clear(&r);
      a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
      run(azAssignQ[iQ], &a, &r);
      check_collapsed_counts(&r, zMatch, aAssignFilter[_i].zWhereCollapsed);
      search_result_clear(&r);
    }
  }
}
END_TEST

/*
** Collapsed pages are the first row of each assignment in the ranking of
** every row (no window, every row a candidate), at any offset, with the
** default window and K, with no window, and without early exact scores.
*/
START_TEST(test_collapse_page)
{
  struct search_args a = page(0, 1000);
  struct search_result all, r;
  sqlite3_int64 aId[1000];
  double aScore[1000];
  int n = 0, i, j, iCfg;
  engine_open(0, 10000, 200, 10000);
  run(azAssignQ[_i], &a, &all);
  ck_assert_int_eq(all.nHit, (int)all.nTotal);
  for(i=0; i<all.nHit; i++){
    for(j=0; j<i; j++){
      if( strcmp(all.aHit[j].aText[SEARCH_ASSIGN_ID].z,
                 all.aHit[i].aText[SEARCH_ASSIGN_ID].z)==0 ) break;
    }
    if( j<i ) continue;
    aId[n] = all.aHit[i].id;
    aScore[n++] = all.aHit[i].score;
  }
  for(iCfg=0; iCfg<3; iCfg++){
    /* The default window; none; no early exact scores. K (rows) above
    ** the matches: as for rows, the page is exact among the candidates
    ** (cands.h), here all rows. */
    static const long aCfg[3][3] = {{2000, 1000, 200}, {0, 1000, 200},
                                    {2000, 1000, 0}};
    long nOff;
    engine_open(aCfg[iCfg][0], aCfg[iCfg][1], aCfg[iCfg][2], 10000);
    for(nOff=0; nOff<n+3; nOff+=4){
      a = page(nOff, 4);
      a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
      run(azAssignQ[_i], &a, &r);
      ck_assert_int_eq(r.nTotal, n);
      ck_assert_int_eq(r.nHit, nOff+4<=n ? 4 : (nOff<n ? n-(int)nOff : 0));
      for(i=0; i<r.nHit; i++){
        ck_assert_msg(r.aHit[i].id==aId[nOff+i], "%s @%ld: %lld, not %lld",
                      azAssignQ[_i], nOff+i, (long long)r.aHit[i].id,
                      (long long)aId[nOff+i]);
        ck_assert(r.aHit[i].score==aScore[nOff+i]);
      }
      search_result_clear(&r);
    }
  }
  search_result_clear(&all);
}
END_TEST

/*
** A budget of 10 rows keeps the best assignments whole: every hit is its
** assignment's best row with its best score, in the ranking's order, and
** at least the page's number of assignments is kept.
*/
START_TEST(test_collapse_budget)
{
  struct search_args a = page(0, 1000);
  struct search_result all, r;
  int i, j, k = -1;
  engine_open(0, 10000, 200, 10000);
  run(azAssignQ[_i], &a, &all);
  engine_open(2000, 10, 200, 10000);
  a = page(0, 15);
  a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
  run(azAssignQ[_i], &a, &r);
  ck_assert_int_eq(r.nHit, all.nTotal<15 ? (int)all.nTotal : 15);
  for(i=0; i<r.nHit; i++){
    const char *zId = r.aHit[i].aText[SEARCH_ASSIGN_ID].z;
    for(j=0; j<all.nHit
        && strcmp(all.aHit[j].aText[SEARCH_ASSIGN_ID].z, zId)!=0; j++){}
    ck_assert_int_lt(j, all.nHit);
    ck_assert_int_eq(r.aHit[i].id, all.aHit[j].id);
    ck_assert(r.aHit[i].score==all.aHit[j].score);
    ck_assert_int_gt(j, k);
    k = j;
  }
  search_result_clear(&r);
  search_result_clear(&all);
}
END_TEST

/* A collapsed hit tells its assignment: id, series, occurrences, dates,
** open, and its current class with the evidence of its latest row. */
START_TEST(test_collapse_fields)
{
  struct search_args a = page(0, 100);
  struct search_result r;
  int i;
  a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
  run("vård", &a, &r);
  ck_assert_int_gt(r.nHit, 5);
  for(i=0; i<r.nHit; i++){
    const struct search_hit *h = &r.aHit[i];
    char *zSql = sqlite3_mprintf("SELECT count(*) FROM assignments a"
        " JOIN reports r ON r.id=a.report_id"
        " LEFT JOIN assignment_threads t ON t.id=a.assignment_id"
        " LEFT JOIN assignments l ON l.id=t.latest WHERE a.id=%lld"
        " AND " SQL_AID "=%Q AND r.series=%Q AND " SQL_CLASS "=%Q"
        " AND coalesce(l.status_evidence, a.status_evidence)=%Q"
        " AND coalesce(t.occurrences, 1)=%d"
        " AND replace(coalesce(t.first_seen, r.date), '-', '')+0=%d"
        " AND replace(coalesce(t.last_seen, r.date), '-', '')+0=%d"
        " AND coalesce(t.open, r.date='2021-12-01' OR (r.series='a'"
        "   AND r.date='2019-06-01'))=%d",
        (long long)h->id, h->aText[SEARCH_ASSIGN_ID].z,
        h->aText[SEARCH_SERIES].z, h->aText[SEARCH_CLASS].z,
        h->aText[SEARCH_EVIDENCE].z, h->nOcc, h->first, h->last, h->bOpen);
    ck_assert_msg(sql_count(zSql)==1, "hit %d (row %lld)", i,
                  (long long)h->id);
    sqlite3_free(zSql);
  }
  search_result_clear(&r);
}
END_TEST

/* The SQL order of sorting by date (bNewest or oldest first; ties in row
** order), one row per assignment if bCollapse: ids into aId. */
static int sql_by_date(const char *zMatch, int bNewest, int bCollapse,
                       sqlite3_int64 *aId, int nMax){
  const char *zDir = bNewest ? "DESC" : "ASC";
  char *zSql = sqlite3_mprintf("SELECT id FROM (SELECT a.id, r.date,"
      " row_number() OVER (PARTITION BY %s ORDER BY r.date %s, a.id) AS k"
      SQL_FROM ") WHERE k=1 ORDER BY date %s, id LIMIT %d",
      bCollapse ? SQL_AID : "a.id", zDir, zMatch, "1", zDir, nMax);
  sqlite3_stmt *pStmt = 0;
  int n = 0;
  ck_assert_int_eq(sqlite3_prepare_v2(g.db, zSql, -1, &pStmt, 0), SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    aId[n++] = sqlite3_column_int64(pStmt, 0);
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  sqlite3_free(zSql);
  return n;
}

/* sort=newest|oldest, collapsed or not, at two offsets, against SQL. */
START_TEST(test_sort_date)
{
  static const int aSort[] = {SEARCH_SORT_NEWEST, SEARCH_SORT_OLDEST};
  sqlite3_int64 aId[60];
  int iSort, bCollapse, i;
  engine_open(10, 10, 200, 10000);    /* a window must not matter */
  for(iSort=0; iSort<2; iSort++){
    for(bCollapse=0; bCollapse<2; bCollapse++){
      long nOff;
      int n = sql_by_date(match_of(azAssignQ[_i]), iSort==0, bCollapse,
                          aId, 60);
      for(nOff=0; nOff<=30; nOff+=30){
        struct search_args a = page(nOff, 30);
        struct search_result r;
        a.eSort = aSort[iSort];
        if( bCollapse ) a.eCollapse = SEARCH_COLLAPSE_ASSIGNMENT;
        run(azAssignQ[_i], &a, &r);
        ck_assert_int_eq(r.nHit, n-nOff>30 ? 30 : (n>nOff ? n-(int)nOff : 0));
        for(i=0; i<r.nHit; i++){
          ck_assert_int_eq(r.aHit[i].id, aId[nOff+i]);
          ck_assert(r.aHit[i].score>0);
        }
        search_result_clear(&r);
      }
    }
  }
}
END_TEST

/* Past the time limit: SQLITE_INTERRUPT and an empty result. */
START_TEST(test_time_limit)
{
  struct search_args a = page(0, 10);
  struct search_result r;
  struct query *q = 0;
  char *zErr = 0;
  engine_open(2000, 100, 200, 0);
  ck_assert_int_eq(search_parse(g.engine, "aaa* bbb* ccc* ddd* eee*", &q, &zErr),
                   SQLITE_TOOBIG);            /* a cost limit, named */
  ck_assert_ptr_null(q);
  ck_assert_ptr_nonnull(strstr(zErr, "4 prefixes"));
  sqlite3_free(zErr);
  ck_assert_int_eq(search_parse(g.engine, "vård", &q, &zErr), SQLITE_OK);
  ck_assert_int_eq(search_run(g.engine, q, &a, &r), SQLITE_INTERRUPT);
  ck_assert_int_eq(r.nHit, 0);
  search_result_clear(&r);
  query_free(q);
}
END_TEST

Suite *search_suite(void){
  Suite *s = suite_create("search");
  TCase *tc = tcase_create("search");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_totals);
  tcase_add_test(tc, test_pages);
  tcase_add_test(tc, test_hit_fields);
  tcase_add_test(tc, test_filters);
  tcase_add_test(tc, test_relaxed);
  tcase_add_test(tc, test_ranking);
  tcase_add_test(tc, test_window_early);
  tcase_add_loop_test(tc, test_prefix_texts, 0, 6);
  tcase_add_test(tc, test_prefix_count);
  tcase_add_test(tc, test_time_limit);
  tcase_add_loop_test(tc, test_collapse_counts, 0,
                      (int)(sizeof(aAssignFilter)/sizeof(aAssignFilter[0])));
  tcase_add_loop_test(tc, test_collapse_page, 0,
                      (int)(sizeof(azAssignQ)/sizeof(azAssignQ[0])));
  tcase_add_loop_test(tc, test_collapse_budget, 0,
                      (int)(sizeof(azAssignQ)/sizeof(azAssignQ[0])));
  tcase_add_test(tc, test_collapse_fields);
  tcase_add_loop_test(tc, test_sort_date, 0,
                      (int)(sizeof(azAssignQ)/sizeof(azAssignQ[0])));
  suite_add_tcase(s, tc);
  return s;
}
