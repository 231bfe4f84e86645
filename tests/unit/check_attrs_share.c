/*
** check_attrs_share.c: row attributes shared by generation
** (searchd/engine/attrs_share.c), through the search engine as searchd
** uses it: connections at one generation hold one copy, a commit gives
** the connections that see it a new one and frees the old with its last
** holder, connections that ask at once wait for one load, and an index
** without a generation token gets a copy per connection.
*/
#include <pthread.h>

#include <check.h>
#include <sqlite3.h>

#include "box_fixture.h"
#include "../../searchd/engine/attrs_share.h"
#include "../../searchd/engine/search.h"

#define N_CONN 4

struct conns {
  struct box_fixture f;           /* the index, and the first connection */
  sqlite3 *aDb[N_CONN];           /* aDb[0] is f.db */
  struct search_engine *aEngine[N_CONN];
  struct attrs_share *pShare;
};

static void conns_open(struct conns *c){
  struct search_config cfg;
  int i;
  memset(c, 0, sizeof(*c));
  box_fixture_open(&c->f);
  ck_assert_int_eq(attrs_share_new(&c->pShare), SQLITE_OK);
  memset(&cfg, 0, sizeof(cfg));
  cfg.nRerank = 100;
  cfg.nQueryMs = -1;
  cfg.pShare = c->pShare;
  for(i=0; i<N_CONN; i++){
    char *zErr = 0;
    if( i==0 ) c->aDb[i] = c->f.db;
    else ck_assert_int_eq(db_open(c->f.zPath, DB_READONLY, &c->aDb[i], &zErr),
                          SQLITE_OK);
    ck_assert_int_eq(search_engine_new(c->aDb[i], &cfg, &c->aEngine[i]),
                     SQLITE_OK);
  }
}

static void conns_close(struct conns *c){
  int i;
  for(i=0; i<N_CONN; i++){
    search_engine_free(c->aEngine[i]);
    if( i>0 ) sqlite3_close(c->aDb[i]);
  }
  ck_assert_int_eq(attrs_share_count(c->pShare), 0);
  attrs_share_free(c->pShare);
  box_fixture_close(&c->f);
}

/* The attributes engine i searches with now (a read transaction). */
static const struct attrs *attrs_of(struct conns *c, int i){
  const struct attrs *a = 0;
  ck_assert_int_eq(search_engine_begin(c->aEngine[i], &a), SQLITE_OK);
  ck_assert_ptr_nonnull(a);
  ck_assert_int_eq(search_engine_end(c->aEngine[i]), SQLITE_OK);
  return a;
}

/* Run zSql on a writing connection of the index. */
static void write_sql(struct conns *c, const char *zSql){
  sqlite3 *db = 0;
  char *zErr = 0;
  ck_assert_int_eq(db_open(c->f.zPath, DB_EXISTING, &db, &zErr), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, zSql, 0, 0, 0), SQLITE_OK);
  sqlite3_close(db);
}

START_TEST(test_one_copy_per_generation)
{
  struct conns c;
  const struct attrs *a, *b;
  int i;
  conns_open(&c);
  for(i=0; i<N_CONN; i++){
    ck_assert_int_eq(search_engine_load(c.aEngine[i]), SQLITE_OK);
  }
  ck_assert_int_eq(attrs_share_count(c.pShare), 1);
  a = attrs_of(&c, 0);
  for(i=1; i<N_CONN; i++) ck_assert_ptr_eq(attrs_of(&c, i), a);
  write_sql(&c, "UPDATE assignments SET source='Ny' WHERE id=1");
  b = attrs_of(&c, 0);
  ck_assert_ptr_ne(b, a);
  ck_assert_int_eq(attrs_share_count(c.pShare), 2);
  for(i=1; i<N_CONN; i++) ck_assert_ptr_eq(attrs_of(&c, i), b);
  ck_assert_int_eq(attrs_share_count(c.pShare), 1);
  conns_close(&c);
}
END_TEST

/* A change the attributes do not read (vocab) keeps the copy. */
START_TEST(test_other_tables_keep_copy)
{
  struct conns c;
  const struct attrs *a;
  conns_open(&c);
  a = attrs_of(&c, 0);
  write_sql(&c, "UPDATE vocab SET docs=docs+1");
  ck_assert_ptr_eq(attrs_of(&c, 1), a);
  ck_assert_ptr_eq(attrs_of(&c, 0), a);
  ck_assert_int_eq(attrs_share_count(c.pShare), 1);
  conns_close(&c);
}
END_TEST

/* Without a token, each connection holds a copy of its own. */
START_TEST(test_no_token_no_sharing)
{
  struct conns c;
  conns_open(&c);
  write_sql(&c, "DELETE FROM meta WHERE key='generation'");
  ck_assert_ptr_ne(attrs_of(&c, 0), attrs_of(&c, 1));
  ck_assert_int_eq(attrs_share_count(c.pShare), 2);
  conns_close(&c);
}
END_TEST

struct racer {
  struct conns *c;
  int i;
  const struct attrs *a;
};

static void *racer_main(void *pArg){
  struct racer *r = (struct racer*)pArg;
  r->a = attrs_of(r->c, r->i);
  return 0;
}

/* Connections that ask at once all get the one copy loaded. */
START_TEST(test_concurrent_first_use)
{
  struct conns c;
  struct racer aR[N_CONN];
  pthread_t aT[N_CONN];
  int i;
  conns_open(&c);
  for(i=0; i<N_CONN; i++){
    aR[i].c = &c;
    aR[i].i = i;
    ck_assert_int_eq(pthread_create(&aT[i], 0, racer_main, &aR[i]), 0);
  }
  for(i=0; i<N_CONN; i++) ck_assert_int_eq(pthread_join(aT[i], 0), 0);
  for(i=1; i<N_CONN; i++) ck_assert_ptr_eq(aR[i].a, aR[0].a);
  ck_assert_int_eq(attrs_share_count(c.pShare), 1);
  conns_close(&c);
}
END_TEST

Suite *attrs_share_suite(void){
  Suite *s = suite_create("attrs_share");
  TCase *tc = tcase_create("share");
  tcase_add_test(tc, test_one_copy_per_generation);
  tcase_add_test(tc, test_other_tables_keep_copy);
  tcase_add_test(tc, test_no_token_no_sharing);
  tcase_add_test(tc, test_concurrent_first_use);
  suite_add_tcase(s, tc);
  return s;
}
