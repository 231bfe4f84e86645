/*
** check_oom.c: out of memory inside SQLite at every allocation in turn,
** for the engine's work that the search threads run (engine/assign.h:
** one assignment's history with its related ones, the filtered list; a
** search), for a suggestion (box/suggest.h), and for the indexer putting,
** linking and committing a series (indexer/store.h; a failed run rolls
** back to a sound, empty index): each call either succeeds with the
** answer it gives with memory to spare, or fails with SQLITE_NOMEM, and
** the next call is right again. An error swallowed on the way (an empty
** list where a failure was) shows as a success with a different answer.
**
** SQLite's allocator is replaced, in the forked test process only, by one
** that fails the n-th allocation after it is armed.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "box_fixture.h"
#include "../../indexer/report.h"
#include "../../indexer/store.h"
#include "../../searchd/box/suggest.h"
#include "../../searchd/engine/assign.h"
#include "../../searchd/engine/search.h"

static sqlite3_mem_methods gReal;
static int gCountdown = -1;       /* fail when it reaches 0; <0: never */
static int gFired;

static void *oom_malloc(int n){
  if( gCountdown>=0 && gCountdown--==0 ){
    gFired = 1;
    return 0;
  }
  return gReal.xMalloc(n);
}

static void *oom_realloc(void *p, int n){
  if( gCountdown>=0 && gCountdown--==0 ){
    gFired = 1;
    return 0;
  }
  return gReal.xRealloc(p, n);
}

/* Install the failing allocator (before SQLite is initialized again). */
static void oom_install(void){
  sqlite3_mem_methods m;
  ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &gReal),
                   SQLITE_OK);
  m = gReal;
  m.xMalloc = oom_malloc;
  m.xRealloc = oom_realloc;
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
  /* No lookaside: every allocation goes through the methods above. */
  ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
  gCountdown = -1;
}

static void oom_arm(int n){ gCountdown = n; gFired = 0; }
static void oom_disarm(void){ gCountdown = -1; }

/*
** One operation under test: xRun does it (into the case's own result),
** xSig describes the result as text and clears it (called with memory to
** spare). Both get pArg.
*/
struct oom_case {
  int (*xRun)(void *pArg);
  char *(*xSig)(void *pArg);
  void *pArg;
  sqlite3 *db;                    /* for the message of a failure */
};

/*
** Fail each allocation of c's operation in turn, until one run passes
** without a failure: each run is SQLITE_OK with the answer of a run with
** memory to spare, or SQLITE_NOMEM; and the run after it is right again.
** At least nMinFail runs must have failed.
*/
static void oom_each(const struct oom_case *c, int nMinFail){
  char *zWant, *zGot;
  int n, rc, nFail = 0;
  ck_assert_int_eq(c->xRun(c->pArg), SQLITE_OK);
  zWant = c->xSig(c->pArg);
  for(n=0; ; n++){
    oom_arm(n);
    rc = c->xRun(c->pArg);
    oom_disarm();
    zGot = c->xSig(c->pArg);
    if( rc==SQLITE_OK ){
      ck_assert_msg(strcmp(zGot, zWant)==0, "allocation %d failed: %s, "
                    "want %s", n, zGot, zWant);
    }else{
      ck_assert_msg(rc==SQLITE_NOMEM, "allocation %d: rc %d", n, rc);
      nFail++;
    }
    sqlite3_free(zGot);
    rc = c->xRun(c->pArg);
    ck_assert_msg(rc==SQLITE_OK, "after allocation %d failed: %d %s", n, rc,
                  c->db ? sqlite3_errmsg(c->db) : "");
    zGot = c->xSig(c->pArg);
    ck_assert_str_eq(zGot, zWant);
    sqlite3_free(zGot);
    if( !gFired ) break;
  }
  ck_assert_int_ge(nFail, nMinFail);
  sqlite3_free(zWant);
}

/* oom_each() of the operation xRun/xSig on pArg (db: for messages). */
static void oom_run(int (*xRun)(void*), char *(*xSig)(void*), void *pArg,
                    sqlite3 *db, int nMinFail){
  struct oom_case c;
  c.xRun = xRun;
  c.xSig = xSig;
  c.pArg = pArg;
  c.db = db;
  oom_each(&c, nMinFail);
}

/* An engine on f's connection, its attributes not loaded yet. */
static struct search_engine *engine_open(struct box_fixture *f){
  struct search_engine *e = 0;
  struct search_config cfg;
  struct query_opts opts;
  memset(&cfg, 0, sizeof(cfg));
  cfg.nRerank = 100;
  cfg.nEarly = 200;
  cfg.nLookupUs = 20;
  cfg.nQueryMs = -1;
  ck_assert_int_eq(search_engine_new(f->db, &cfg, &e), SQLITE_OK);
  memset(&opts, 0, sizeof(opts));
  search_engine_set_opts(e, &opts);
  return e;
}

/* ---- one assignment's history ---- */

struct get_case {
  sqlite3 *db;
  struct assign_detail d;
};

static int get_run(void *pArg){
  struct get_case *g = pArg;
  return assign_get(g->db, "row-4", &g->d);
}

/* The number of occurrences and related, and their ids. */
static char *get_sig(void *pArg){
  struct get_case *g = pArg;
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%s %d %d", g->d.head.az[ASSIGN_ID], g->d.nOcc,
                      g->d.nRel);
  for(i=0; i<g->d.nRel; i++) sqlite3_str_appendf(s, " %s", g->d.aRel[i].zId);
  assign_detail_clear(&g->d);
  return sqlite3_str_finish(s);
}

START_TEST(test_assign_get){
  struct box_fixture f;
  struct get_case g;
  oom_install();
  box_fixture_open(&f);
  memset(&g, 0, sizeof(g));
  g.db = f.db;
  ck_assert_int_eq(get_run(&g), SQLITE_OK);
  ck_assert_int_gt(g.d.nRel, 0);  /* the related lookup is exercised */
  assign_detail_clear(&g.d);
  oom_run(get_run, get_sig, &g, f.db, 10);
  box_fixture_close(&f);
}
END_TEST

/* ---- the list, over the engine's snapshot as assign_http.c runs it ---- */

struct list_case {
  struct search_engine *e;
  sqlite3 *db;
  struct assign_args a;
  struct assign_list l;
};

static int list_run(void *pArg){
  struct list_case *p = pArg;
  const struct attrs *attrs = 0;
  int rc = search_engine_begin(p->e, &attrs), rc2;
  memset(&p->l, 0, sizeof(p->l));
  if( rc==SQLITE_OK ) rc = assign_list_run(p->db, attrs, &p->a, &p->l);
  rc2 = search_engine_end(p->e);
  return rc==SQLITE_OK ? rc2 : rc;
}

static char *list_sig(void *pArg){
  struct list_case *p = pArg;
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%lld", p->l.nTotal);
  for(i=0; i<p->l.n; i++){
    sqlite3_str_appendf(s, " %s", p->l.a[i].az[ASSIGN_ID]);
  }
  assign_list_clear(&p->l);
  return sqlite3_str_finish(s);
}

/* With a match (_i 1) and without. */
START_TEST(test_assign_list){
  struct box_fixture f;
  struct list_case p;
  oom_install();
  box_fixture_open(&f);
  memset(&p, 0, sizeof(p));
  p.e = engine_open(&f);
  p.db = f.db;
  p.a.zMatch = _i ? "mammografi" : 0;
  p.a.eOpen = -1;
  p.a.mStatus = 1u<<SCLASS_UNKNOWN | 1u<<SCLASS_ONGOING;
  p.a.nLimit = 10;
  ck_assert_int_eq(list_run(&p), SQLITE_OK);
  ck_assert_int_gt(p.l.n, 0);
  assign_list_clear(&p.l);
  oom_run(list_run, list_sig, &p, f.db, 3);
  search_engine_free(p.e);
  box_fixture_close(&f);
}
END_TEST

/* ---- a search (the engine and its row attributes loaded before) ---- */

struct search_case {
  struct search_engine *e;
  struct search_result r;
};

static int search_one(void *pArg){
  struct search_case *p = pArg;
  struct search_args a;
  struct query *q = 0;
  char *zErr = 0;
  int rc;
  memset(&a, 0, sizeof(a));
  a.nLimit = 10;
  rc = search_parse(p->e, "mammografi", &q, &zErr);
  sqlite3_free(zErr);
  if( rc==SQLITE_OK ) rc = search_run(p->e, q, &a, &p->r);
  query_free(q);
  return rc;
}

/* The total and the hits with their scores. */
static char *search_sig(void *pArg){
  struct search_case *p = pArg;
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%lld", p->r.nTotal);
  for(i=0; i<p->r.nHit; i++){
    sqlite3_str_appendf(s, " %lld:%.6f", p->r.aHit[i].id, p->r.aHit[i].score);
  }
  search_result_clear(&p->r);
  return sqlite3_str_finish(s);
}

START_TEST(test_search){
  struct box_fixture f;
  struct search_case p;
  oom_install();
  box_fixture_open(&f);
  memset(&p, 0, sizeof(p));
  p.e = engine_open(&f);
  ck_assert_int_eq(search_engine_load(p.e), SQLITE_OK);
  oom_run(search_one, search_sig, &p, f.db, 3);
  search_engine_free(p.e);
  box_fixture_close(&f);
}
END_TEST

/* ---- a suggestion (a struct suggest of its own each time: it caches) ---- */

struct suggest_case {
  sqlite3 *db;
  struct suggest_result r;
};

static int suggest_one(void *pArg){
  struct suggest_case *p = pArg;
  struct suggest *pSug = 0;
  int rc = suggest_new(p->db, &pSug);
  memset(&p->r, 0, sizeof(p->r));
  if( rc==SQLITE_OK ) rc = suggest_run(pSug, "mamm", 4, 8, 3, &p->r);
  suggest_free(pSug);
  return rc;
}

/* The completions with their counts, and the hits. */
static char *suggest_sig(void *pArg){
  struct suggest_case *p = pArg;
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  for(i=0; i<p->r.nItem; i++){
    sqlite3_str_appendf(s, "%s:%lld ", p->r.aItem[i].zText,
                        p->r.aItem[i].nCount);
  }
  for(i=0; i<p->r.nHit; i++){
    sqlite3_str_appendf(s, "%s#%d ", p->r.aHit[i].zDate, p->r.aHit[i].iRow);
  }
  suggest_result_clear(&p->r);
  return sqlite3_str_finish(s);
}

START_TEST(test_suggest){
  struct box_fixture f;
  struct suggest_case p;
  oom_install();
  box_fixture_open(&f);
  memset(&p, 0, sizeof(p));
  p.db = f.db;
  ck_assert_int_eq(suggest_one(&p), SQLITE_OK);
  ck_assert_int_gt(p.r.nItem, 0);
  suggest_result_clear(&p.r);
  oom_run(suggest_one, suggest_sig, &p, f.db, 10);
  box_fixture_close(&f);
}
END_TEST

/* ---- the indexer: three reports of one series put, linked, committed ---- */

#define OOM_TITLE "\xC3\x85terrapportering av regionstyrelsens uppdrag " \
                  "till regiondirekt\xC3\xB6ren"

struct index_case {
  char zDir[64];
  char zPath[128];
  int nRun;
};

/* Put a's reports into a fresh index at p->zPath, link, commit; on any
** failure roll back. */
static int index_run(void *pArg){
  static const char *const azText[] = {
    OOM_TITLE " 2021-01-10\nUtveckla mammografin i l\xC3\xA4net\tRS 201209"
    "\tArbetet p\xC3\xA5g\xC3\xA5r.\nSe \xC3\xB6ver lokalerna\tRS 201209"
    "\tKlart.",
    OOM_TITLE " 2021-03-10\nUtveckla mammografin i l\xC3\xA4net\tRS 201209"
    "\tDelvis genomf\xC3\xB6rt.",
    OOM_TITLE " 2021-05-10\nUtveckla mammografin i l\xC3\xA4net\tRS 201209"
    "\tUppdraget \xC3\xA4r genomf\xC3\xB6rt.",
  };
  struct index_case *p = pArg;
  struct store *pStore = 0;
  sqlite3 *db = 0;
  char *zErr = 0, zFile[160];
  int rc, i, nLinked = 0;
  snprintf(p->zPath, sizeof(p->zPath), "%s/r%d.db", p->zDir, p->nRun++);
  rc = db_open(p->zPath, DB_READWRITE, &db, &zErr);
  sqlite3_free(zErr);
  if( rc==SQLITE_OK ) rc = store_open(db, &pStore);
  if( rc==SQLITE_OK ) rc = store_begin(pStore);
  for(i=0; rc==SQLITE_OK && i<3; i++){
    struct report *pR = 0;
    snprintf(zFile, sizeof(zFile), "/s/%d.txt", i);
    if( report_parse(zFile, azText[i], strlen(azText[i]), 0, 0, &pR)
        !=REPORT_OK ){
      rc = SQLITE_NOMEM;
    }
    if( rc==SQLITE_OK ) rc = store_put(pStore, zFile, "0123", pR, 0, 0, 0);
    report_free(pR);
  }
  if( rc==SQLITE_OK ) rc = store_link(pStore, &nLinked);
  if( rc==SQLITE_OK ) rc = store_commit(pStore);
  if( rc!=SQLITE_OK && pStore ) store_rollback(pStore);
  store_close(pStore);
  sqlite3_close(db);
  return rc;
}

/* The index as text: each row's report, row, class and assignment id;
** a failed run's index must be sound and hold nothing. */
static char *index_sig(void *pArg){
  struct index_case *p = pArg;
  sqlite3_str *s = sqlite3_str_new(0);
  sqlite3 *db = 0;
  sqlite3_stmt *pStmt = 0;
  char *zErr = 0, *zMsg = 0;
  int bSound = 0;
  if( db_open(p->zPath, DB_READWRITE, &db, &zErr)==SQLITE_OK ){
    ck_assert_int_eq(store_check(db, &bSound, &zMsg), SQLITE_OK);
    ck_assert_msg(bSound, "%s", zMsg ? zMsg : "");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT r.path, a.row,"
        " a.status_class, a.assignment_id FROM assignments a JOIN reports r"
        " ON r.id=a.report_id ORDER BY r.path, a.row", -1, &pStmt, 0),
        SQLITE_OK);
    while( sqlite3_step(pStmt)==SQLITE_ROW ){
      sqlite3_str_appendf(s, "%s#%d:%s:%s ", sqlite3_column_text(pStmt, 0),
                          sqlite3_column_int(pStmt, 1),
                          sqlite3_column_text(pStmt, 2),
                          sqlite3_column_text(pStmt, 3));
    }
    sqlite3_finalize(pStmt);
  }
  sqlite3_free(zErr);
  sqlite3_free(zMsg);
  sqlite3_close(db);
  return sqlite3_str_finish(s);
}

START_TEST(test_index){
  struct index_case p;
  char zCmd[96];
  oom_install();
  memset(&p, 0, sizeof(p));
  snprintf(p.zDir, sizeof(p.zDir), "/tmp/check_oom.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(p.zDir));
  oom_run(index_run, index_sig, &p, 0, 10);
  snprintf(zCmd, sizeof(zCmd), "rm -rf %s", p.zDir);
  ck_assert_int_eq(system(zCmd), 0);
}
END_TEST

Suite *oom_suite(void){
  Suite *s = suite_create("oom");
  TCase *tc = tcase_create("oom");
  /* Hundreds of indexer runs, each syncing its commits: 30 s of CPU that
  ** took two minutes of wall time on a loaded machine. */
  tcase_set_timeout(tc, 360);
  tcase_add_test(tc, test_assign_get);
  tcase_add_loop_test(tc, test_assign_list, 0, 2);
  tcase_add_test(tc, test_search);
  tcase_add_test(tc, test_suggest);
  tcase_add_test(tc, test_index);
  suite_add_tcase(s, tc);
  return s;
}
