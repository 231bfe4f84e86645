/*
** check_store.c: the indexer's database writes (indexer/store.c): put,
** replace, prune, rollback, check.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "db.h"
#include "../../indexer/report.h"
#include "../../indexer/store.h"

#define TITLE "\xC3\x85terrapportering av regionstyrelsens uppdrag till " \
              "regiondirekt\xC3\xB6ren"
#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

#include "store_fixture.h"

static void setup(void){
  store_fixture_open("check_store");
}

static void teardown(void){
  store_fixture_close();
}

static struct report *parse(const char *z){
  struct report *pR = 0;
  ck_assert_int_eq(report_parse("t.txt", z, strlen(z), 0, 0, &pR), REPORT_OK);
  return pR;
}

static long long one(const char *zSql){
  sqlite3_stmt *pStmt = 0;
  long long v = -1;
  ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0), SQLITE_OK);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  sqlite3_finalize(pStmt);
  return v;
}

static void put(const char *zPath, const char *zSha, const char *zText){
  struct report *pR = parse(zText);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_put(pStore, zPath, zSha, pR, 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  report_free(pR);
}

START_TEST(test_put_replace){
  char zSha[65];
  int bFound = 1;
  int bSound = 0;
  char *zMsg = 0;
  ck_assert_int_eq(store_find(pStore, "/x/a.txt", &bFound, zSha), SQLITE_OK);
  ck_assert_int_eq(bFound, 0);
  put("/x/a.txt", SHA_A, TITLE " 2020-01-02\nmammografi\tRS\tklar\nb\tc\td");
  ck_assert_int_eq(store_find(pStore, "/x/a.txt", &bFound, zSha), SQLITE_OK);
  ck_assert_int_eq(bFound, 1);
  ck_assert_str_eq(zSha, SHA_A);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 2);
  ck_assert_int_eq(one("SELECT rows FROM reports"), 2);
  ck_assert_int_eq(one("SELECT docs FROM vocab WHERE word='mammografi'"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts"
                       " WHERE assignments_fts MATCH 'mammografi'"), 1);
  /* replace: the old rows, FTS entries and vocab counts go */
  put("/x/a.txt", SHA_B, TITLE " 2020-01-03\nnytt\tRS\tklart");
  ck_assert_int_eq(one("SELECT count(*) FROM reports"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM vocab WHERE word='mammografi'"), 0);
  ck_assert_int_eq(one("SELECT docs FROM vocab WHERE word='nytt'"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts"
                       " WHERE assignments_fts MATCH 'mammografi'"), 0);
  ck_assert_int_eq(store_find(pStore, "/x/a.txt", &bFound, zSha), SQLITE_OK);
  ck_assert_str_eq(zSha, SHA_B);
  ck_assert_int_eq(store_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_msg(bSound, "%s", zMsg ? zMsg : "");
}
END_TEST

START_TEST(test_rollback){
  struct report *pR = parse(TITLE " 2020-01-02\na\tb\tc");
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_put(pStore, "/x/a.txt", SHA_A, pR, 0, 0, 0), SQLITE_OK);
  store_rollback(pStore);
  report_free(pR);
  ck_assert_int_eq(one("SELECT count(*) FROM reports"), 0);
  ck_assert_int_eq(one("SELECT count(*) FROM vocab"), 0);
  put("/x/b.txt", SHA_B, TITLE " 2020-01-02\nd\te\tf");
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM vocab"), 0);  /* 1-char words */
}
END_TEST

/*
** A big report: its rows leave memory (indexer_pending) for assignments
** (and the FTS index) in the middle of the transaction, every 2 MB (8 MB
** in a bulk run, as this one, into an empty index). A rollback still
** takes all of it back; a commit keeps all of it, consistent.
*/
static char *big_report(int nRow, int nRowBytes){
  static const char zWord[] = "suicidprevention ";
  size_t nWord = sizeof(zWord)-1, nOut = 0;
  char *z = malloc(sizeof(TITLE) + 16 + (size_t)nRow*((size_t)nRowBytes+16));
  int i;
  ck_assert_ptr_nonnull(z);
  nOut += (size_t)sprintf(z, "%s 2020-01-02\n", TITLE);
  for(i=0; i<nRow; i++){
    size_t k;
    nOut += (size_t)sprintf(z+nOut, "rad %d\tRS\t", i);
    for(k=0; k+nWord<=(size_t)nRowBytes; k+=nWord){
      memcpy(z+nOut, zWord, nWord);
      nOut += nWord;
    }
    z[nOut++] = '\n';
  }
  z[nOut] = 0;
  return z;
}

START_TEST(test_stage_moves){
  char *zText = big_report(10, 1<<20);
  struct report *pR = parse(zText);
  int bSound = 0;
  char *zMsg = 0;
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_put(pStore, "/x/a.txt", SHA_A, pR, 0, 0, 0), SQLITE_OK);
  ck_assert_int_gt(one("SELECT count(*) FROM assignments"), 0);  /* moved */
  store_rollback(pStore);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 0);
  ck_assert_int_eq(one("SELECT count(*) FROM indexer_pending"), 0);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_put(pStore, "/x/a.txt", SHA_A, pR, 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  put("/x/b.txt", SHA_B, TITLE " 2020-01-02\nett\tRS\tmammografi");
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 11);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts WHERE"
                       " assignments_fts MATCH 'prevention'"), 10);
  ck_assert_int_eq(one("SELECT docs FROM vocab WHERE word='suicidprevention'"),
                   10);
  ck_assert_int_eq(store_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_msg(bSound, "%s", zMsg ? zMsg : "");
  sqlite3_free(zMsg);
  report_free(pR);
  free(zText);
}
END_TEST

START_TEST(test_prune){
  char zReal[160];
  FILE *f;
  int nPruned = 0;
  snprintf(zReal, sizeof(zReal), "%s/kept.txt", zDir);
  f = fopen(zReal, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  put(zReal, SHA_A, TITLE " 2020-01-02\nbeh\xC3\xA5llen\tRS\tx");
  put("/no/such/dir/gone.txt", SHA_B, TITLE " 2020-01-02\nborta\tRS\tx");
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_prune(pStore, &nPruned), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(nPruned, 1);
  ck_assert_int_eq(one("SELECT count(*) FROM reports"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM vocab WHERE word='borta'"), 0);
  ck_assert_int_eq(one("SELECT docs FROM vocab WHERE word='beh\xC3\xA5llen'"), 1);
}
END_TEST

START_TEST(test_check_detects){
  int bSound = 1;
  char *zMsg = 0;
  put("/x/a.txt", SHA_A, TITLE " 2020-01-02\nett\ttv\xC3\xA5\ttre");
  /* change the content behind the index's back (without the UPDATE
  ** trigger): the FTS index no longer matches the content */
  ck_assert_int_eq(sqlite3_exec(db, "DROP TRIGGER assignments_au;"
                                "UPDATE assignments SET status='annat'",
                                0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(store_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_int_eq(bSound, 0);
  ck_assert_ptr_nonnull(zMsg);
  ck_assert_ptr_nonnull(strstr(zMsg, "fts5"));
  sqlite3_free(zMsg);
}
END_TEST

/* An UPDATE through SQL (the sqlite3 shell) keeps the FTS index in step. */
START_TEST(test_update_trigger){
  int bSound = 0;
  char *zMsg = 0;
  put("/x/a.txt", SHA_A, TITLE " 2020-01-02\nett\tRS\tmammografi i Kalix");
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE assignments SET"
                                " status='suicidprevention i Pite\xC3\xA5'",
                                0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(store_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_msg(bSound, "%s", zMsg ? zMsg : "");
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts"
                       " WHERE assignments_fts MATCH 'prevention'"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts"
                       " WHERE assignments_fts MATCH 'mammografi'"), 0);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts"
                       " WHERE assignments_fts MATCH 'kalix'"), 0);
  sqlite3_free(zMsg);
}
END_TEST

/* meta's generation token, as a new string (sqlite3_free). */
static char *generation(void){
  char *z = 0;
  ck_assert_int_eq(db_meta_get(db, "generation", &z), SQLITE_OK);
  ck_assert_ptr_nonnull(z);
  return z;
}

/* Is the generation token still zWas? Frees zWas. */
static int generation_is(char *zWas){
  char *z = generation();
  int bSame = strcmp(z, zWas)==0;
  sqlite3_free(z);
  sqlite3_free(zWas);
  return bSame;
}

/*
** Every change of a table searchd keeps in memory replaces the token,
** whoever writes (the indexer, the sqlite3 shell); a write elsewhere
** (vocab) or none keeps it.
*/
START_TEST(test_generation_changes){
  static const char *const azChange[] = {
    "UPDATE assignments SET assignment_id='x' WHERE id=1",
    "UPDATE reports SET date='2020-01-03'",
    "INSERT INTO assignment_threads VALUES('t','s','2020','2020',1,1,'done',1)",
    "UPDATE assignment_threads SET open=0",
    "DELETE FROM assignment_threads",
    "DELETE FROM assignments WHERE id=1",
    "DELETE FROM reports",
  };
  char *z;
  size_t i;
  put("/x/a.txt", SHA_A, TITLE " 2020-01-02\nett\tRS\tx\ntv\xC3\xA5\tRS\ty");
  z = generation();
  ck_assert_int_eq((int)strlen(z), 16);
  put("/x/b.txt", SHA_B, TITLE " 2020-01-02\nfyra\tRS\tx");
  ck_assert(!generation_is(z));
  for(i=0; i<sizeof(azChange)/sizeof(azChange[0]); i++){
    z = generation();
    ck_assert_int_eq(sqlite3_exec(db, azChange[i], 0, 0, 0), SQLITE_OK);
    ck_assert_msg(!generation_is(z), "%s kept the token", azChange[i]);
  }
  z = generation();
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE vocab SET docs=docs+1;"
                                "SELECT 1 FROM assignments", 0, 0, 0),
                   SQLITE_OK);
  ck_assert(generation_is(z));
}
END_TEST

/*
** An index made before an addition that needs no re-index (same schema
** version) gets it when opened for writing, not read-only, and keeps its
** rows: zProbe counts the addition, nWant once it is back.
*/
static const struct {
  const char *zBreak, *zProbe;
  int nWant;
} aMigrate[] = {
  {"DROP TRIGGER assignments_au",
   "SELECT count(*) FROM sqlite_schema WHERE name='assignments_au'", 1},
  {"DROP TRIGGER reports_gen_au; DROP TRIGGER assignments_gen_ai;"
   " DELETE FROM meta WHERE key='generation'",
   "SELECT count(*) FROM sqlite_schema WHERE type='trigger' AND name GLOB"
   " '*_gen_a[idu]' UNION ALL SELECT count(*) FROM meta"
   " WHERE key='generation' ORDER BY 1 LIMIT 1", 1},
  {"DROP TRIGGER reports_gen_au; DROP TRIGGER assignments_gen_ai",
   "SELECT count(*) FROM sqlite_schema WHERE type='trigger' AND name GLOB"
   " '*_gen_a[idu]'", 9},
};

START_TEST(test_migrated){
  sqlite3 *db2 = 0;
  char *zErr = 0;
  long long nBroken;
  put("/x/a.txt", SHA_A, TITLE " 2020-01-02\nett\tRS\tmammografi");
  ck_assert_int_eq(sqlite3_exec(db, aMigrate[_i].zBreak, 0, 0, 0), SQLITE_OK);
  nBroken = one(aMigrate[_i].zProbe);
  ck_assert_int_lt(nBroken, aMigrate[_i].nWant);
  ck_assert_int_eq(db_open(zDbPath, DB_READONLY, &db2, &zErr), SQLITE_OK);
  sqlite3_close(db2);
  ck_assert_int_eq(one(aMigrate[_i].zProbe), nBroken);
  ck_assert_int_eq(db_open(zDbPath, DB_READWRITE, &db2, &zErr), SQLITE_OK);
  sqlite3_close(db2);
  ck_assert_int_eq(one(aMigrate[_i].zProbe), aMigrate[_i].nWant);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments"), 1);
}
END_TEST

/* store_known: the indexed hash of each listed path, by a merge join. */
START_TEST(test_known){
  struct files_entry a[3];
  struct files list;
  memset(a, 0, sizeof(a));
  a[0].zPath = "/x/a.txt"; a[1].zPath = "/x/b.txt"; a[2].zPath = "/x/c.txt";
  list.a = a; list.n = list.nAlloc = 3; list.nBytes = 0;
  put("/x/0.txt", SHA_B, TITLE " 2020-01-02\nett\tRS\tx");
  put("/x/b.txt", SHA_A, TITLE " 2020-01-02\nett\tRS\tx");
  put("/x/d.txt", SHA_B, TITLE " 2020-01-02\nett\tRS\tx");
  ck_assert_int_eq(store_known(pStore, &list), SQLITE_OK);
  ck_assert_str_eq(a[0].zKnownSha, "");
  ck_assert_str_eq(a[1].zKnownSha, SHA_A);
  ck_assert_str_eq(a[2].zKnownSha, "");
}
END_TEST

/* An FTS5 option's value in the index's config table, -1 if unset. */
static long long option(const char *zKey){
  char zSql[128];
  snprintf(zSql, sizeof(zSql), "SELECT v FROM assignments_fts_config"
           " WHERE k='%s'", zKey);
  return one(zSql);
}

static long long segments(void){
  return one("SELECT count(DISTINCT segid) FROM assignments_fts_idx");
}

/* Reopen the store, as a new run does (it reads the index's row count). */
static void reopen(void){
  store_close(pStore);
  pStore = 0;
  ck_assert_int_eq(store_open(db, &pStore), SQLITE_OK);
}

/*
** Into an empty index a run is bulk: automerge off inside each
** transaction, the index's own settings back before each COMMIT (and
** after a rollback), one segment after store_optimize().
*/
START_TEST(test_bulk_run){
  static const char *const azPath[] = {"/x/a.txt", "/x/b.txt", "/x/c.txt"};
  struct report *pR = parse(TITLE " 2020-01-02\nett\tRS\tmammografi");
  int i, bDone = 0;
  ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO assignments_fts("
                   "assignments_fts, rank) VALUES('automerge', 8)", 0, 0, 0),
                   SQLITE_OK);
  reopen();
  ck_assert_int_eq(store_is_bulk(pStore), 1);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(option("automerge"), 0);
  store_rollback(pStore);
  ck_assert_int_eq(option("automerge"), 8);
  for(i=0; i<3; i++){     /* three commits: three segments */
    ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
    ck_assert_int_eq(option("automerge"), 0);
    ck_assert_int_eq(option("hashsize"), 8<<20);
    ck_assert_int_eq(store_put(pStore, azPath[i], SHA_A, pR, 0, 0, 0), SQLITE_OK);
    ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
    ck_assert_int_eq(option("automerge"), 8);
    ck_assert_int_eq(option("crisismerge"), 16);
    ck_assert_int_eq(option("hashsize"), 1<<20);
  }
  ck_assert_int_eq(segments(), 3);
  ck_assert_int_eq(store_optimize(pStore, &bDone), SQLITE_OK);
  ck_assert_int_eq(bDone, 1);
  ck_assert_int_eq(segments(), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments_fts WHERE"
                       " assignments_fts MATCH 'mammografi'"), 3);
  report_free(pR);
}
END_TEST

/*
** A small run over a larger index (one report of twenty replaced) is not
** bulk: the index's settings stay, and store_optimize() does nothing.
** Also a run that changed nothing (--prune alone) does not optimize.
*/
START_TEST(test_small_run_not_bulk){
  struct report *pR = parse(TITLE " 2020-01-02\nett\tRS\tmammografi");
  char zPath[32];
  int i, bDone = 1;
  for(i=0; i<20; i++){
    snprintf(zPath, sizeof(zPath), "/x/%02d.txt", i);
    put(zPath, SHA_A, TITLE " 2020-01-02\nett\tRS\tx");
  }
  reopen();
  ck_assert_int_eq(store_optimize(pStore, &bDone), SQLITE_OK);
  ck_assert_int_eq(bDone, 0);               /* nothing changed */
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_is_bulk(pStore), 0);
  ck_assert_int_eq(option("automerge"), 4);     /* not turned off */
  ck_assert_int_eq(store_put(pStore, "/x/05.txt", SHA_B, pR, 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(store_is_bulk(pStore), 0);  /* 2 rows changed of 20 */
  ck_assert_int_eq(store_optimize(pStore, &bDone), SQLITE_OK);
  ck_assert_int_eq(bDone, 0);
  ck_assert_int_gt(segments(), 1);
  report_free(pR);
}
END_TEST

Suite *store_suite(void){
  Suite *s = suite_create("store");
  TCase *tc = tcase_create("store");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_put_replace);
  tcase_add_test(tc, test_rollback);
  tcase_add_test(tc, test_stage_moves);
  tcase_add_test(tc, test_prune);
  tcase_add_test(tc, test_check_detects);
  tcase_add_test(tc, test_update_trigger);
  tcase_add_loop_test(tc, test_migrated, 0,
                      sizeof(aMigrate)/sizeof(aMigrate[0]));
  tcase_add_test(tc, test_generation_changes);
  tcase_add_test(tc, test_known);
  tcase_add_test(tc, test_bulk_run);
  tcase_add_test(tc, test_small_run_not_bulk);
  suite_add_tcase(s, tc);
  return s;
}
