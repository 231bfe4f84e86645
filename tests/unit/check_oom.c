/*
** check_oom.c: out of memory inside SQLite at every allocation in turn,
** for the engine's work that the search threads run (engine/assign.h:
** one assignment's history with its related ones, the filtered list; and
** a search): each call either succeeds with the answer it gives with
** memory to spare, or fails with SQLITE_NOMEM, and the connection answers
** right again at the next call. An error swallowed on the way (an empty
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

/* What a history shows: the number of occurrences and related, and
** their ids. */
static char *detail_sig(const struct assign_detail *d){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%s %d %d", d->head.az[ASSIGN_ID], d->nOcc, d->nRel);
  for(i=0; i<d->nRel; i++) sqlite3_str_appendf(s, " %s", d->aRel[i].zId);
  return sqlite3_str_finish(s);
}

static char *list_sig(const struct assign_list *l){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%lld", l->nTotal);
  for(i=0; i<l->n; i++) sqlite3_str_appendf(s, " %s", l->a[i].az[ASSIGN_ID]);
  return sqlite3_str_finish(s);
}

/* Every allocation of one assign_get() failed in turn. */
START_TEST(test_assign_get){
  struct box_fixture f;
  struct assign_detail d;
  char *zWant, *zGot;
  int n, rc, nFail = 0;
  oom_install();
  box_fixture_open(&f);
  ck_assert_int_eq(assign_get(f.db, "row-4", &d), SQLITE_OK);
  zWant = detail_sig(&d);
  ck_assert_int_gt(d.nRel, 0);    /* the related lookup is exercised */
  assign_detail_clear(&d);
  for(n=0; ; n++){
    oom_arm(n);
    rc = assign_get(f.db, "row-4", &d);
    oom_disarm();
    if( rc==SQLITE_OK ){
      zGot = detail_sig(&d);
      ck_assert_msg(strcmp(zGot, zWant)==0, "allocation %d failed: %s, "
                    "want %s", n, zGot, zWant);
      sqlite3_free(zGot);
    }else{
      ck_assert_msg(rc==SQLITE_NOMEM, "allocation %d: rc %d", n, rc);
      nFail++;
    }
    assign_detail_clear(&d);
    /* and the connection answers right again */
    rc = assign_get(f.db, "row-4", &d);
    ck_assert_msg(rc==SQLITE_OK, "after allocation %d failed: %d %s", n, rc,
                  sqlite3_errmsg(f.db));
    zGot = detail_sig(&d);
    ck_assert_str_eq(zGot, zWant);
    sqlite3_free(zGot);
    assign_detail_clear(&d);
    if( !gFired ) break;
  }
  ck_assert_int_gt(nFail, 10);
  sqlite3_free(zWant);
  box_fixture_close(&f);
}
END_TEST

/* The list of a over the engine's snapshot, as assign_http.c runs it. */
static int list_one(struct search_engine *e, sqlite3 *db,
                    const struct assign_args *a, struct assign_list *pOut){
  const struct attrs *attrs = 0;
  int rc = search_engine_begin(e, &attrs), rc2;
  memset(pOut, 0, sizeof(*pOut));
  if( rc==SQLITE_OK ) rc = assign_list_run(db, attrs, a, pOut);
  rc2 = search_engine_end(e);
  return rc==SQLITE_OK ? rc2 : rc;
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

/* Every allocation of one filtered list with a match failed in turn, the
** row attributes loaded in it (the first call) and not. */
START_TEST(test_assign_list){
  struct box_fixture f;
  struct search_engine *e;
  struct assign_list l;
  struct assign_args a;
  char *zWant, *zGot;
  int n, rc, nFail = 0;
  oom_install();
  box_fixture_open(&f);
  e = engine_open(&f);
  memset(&a, 0, sizeof(a));
  a.zMatch = _i ? "mammografi" : 0;
  a.eOpen = -1;
  a.mStatus = 1u<<SCLASS_UNKNOWN | 1u<<SCLASS_ONGOING;
  a.nLimit = 10;
  ck_assert_int_eq(list_one(e, f.db, &a, &l), SQLITE_OK);
  zWant = list_sig(&l);
  ck_assert_int_gt(l.n, 0);
  assign_list_clear(&l);
  for(n=0; ; n++){
    oom_arm(n);
    rc = list_one(e, f.db, &a, &l);
    oom_disarm();
    if( rc==SQLITE_OK ){
      zGot = list_sig(&l);
      ck_assert_msg(strcmp(zGot, zWant)==0, "allocation %d failed: %s, "
                    "want %s", n, zGot, zWant);
      sqlite3_free(zGot);
    }else{
      ck_assert_msg(rc==SQLITE_NOMEM, "allocation %d: rc %d", n, rc);
      nFail++;
    }
    assign_list_clear(&l);
    rc = list_one(e, f.db, &a, &l);
    ck_assert_msg(rc==SQLITE_OK, "after allocation %d failed: %d %s", n, rc,
                  sqlite3_errmsg(f.db));
    zGot = list_sig(&l);
    ck_assert_str_eq(zGot, zWant);
    sqlite3_free(zGot);
    assign_list_clear(&l);
    if( !gFired ) break;
  }
  ck_assert_int_gt(nFail, 3);
  sqlite3_free(zWant);
  search_engine_free(e);
  box_fixture_close(&f);
}
END_TEST

/* Search zQ (first page) into *pRes; returns an SQLite code. */
static int search_one(struct search_engine *e, const char *zQ,
                      struct search_result *pRes){
  struct search_args a;
  struct query *q = 0;
  char *zErr = 0;
  int rc;
  memset(&a, 0, sizeof(a));
  a.nLimit = 10;
  rc = search_parse(e, zQ, &q, &zErr);
  sqlite3_free(zErr);
  if( rc==SQLITE_OK ) rc = search_run(e, q, &a, pRes);
  query_free(q);
  return rc;
}

/* A result's total and hits as text; clears it. */
static char *search_sig(struct search_result *r){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendf(s, "%lld", r->nTotal);
  for(i=0; i<r->nHit; i++){
    sqlite3_str_appendf(s, " %lld:%.6f", r->aHit[i].id, r->aHit[i].score);
  }
  search_result_clear(r);
  return sqlite3_str_finish(s);
}

/* Every allocation of one search failed in turn (the engine and its
** row attributes loaded before). */
START_TEST(test_search){
  struct box_fixture f;
  struct search_engine *e;
  struct search_result r;
  char *zWant, *zGot;
  int n, rc, nFail = 0;
  oom_install();
  box_fixture_open(&f);
  memset(&r, 0, sizeof(r));
  e = engine_open(&f);
  ck_assert_int_eq(search_engine_load(e), SQLITE_OK);
  ck_assert_int_eq(search_one(e, "mammografi", &r), SQLITE_OK);
  zWant = search_sig(&r);
  for(n=0; ; n++){
    oom_arm(n);
    rc = search_one(e, "mammografi", &r);
    oom_disarm();
    zGot = search_sig(&r);
    if( rc==SQLITE_OK ){
      ck_assert_msg(strcmp(zGot, zWant)==0, "allocation %d failed: %s, "
                    "want %s", n, zGot, zWant);
    }else{
      ck_assert_msg(rc==SQLITE_NOMEM, "allocation %d: rc %d", n, rc);
      nFail++;
    }
    sqlite3_free(zGot);
    rc = search_one(e, "mammografi", &r);
    ck_assert_msg(rc==SQLITE_OK, "after allocation %d failed: %d", n, rc);
    zGot = search_sig(&r);
    ck_assert_str_eq(zGot, zWant);
    sqlite3_free(zGot);
    if( !gFired ) break;
  }
  ck_assert_int_gt(nFail, 3);
  sqlite3_free(zWant);
  search_engine_free(e);
  box_fixture_close(&f);
}
END_TEST

Suite *oom_suite(void){
  Suite *s = suite_create("oom");
  TCase *tc = tcase_create("oom");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_assign_get);
  tcase_add_loop_test(tc, test_assign_list, 0, 2);
  tcase_add_test(tc, test_search);
  suite_add_tcase(s, tc);
  return s;
}
