/*
** check_link.c: the database side of assignment linking (indexer/link.c,
** through indexer/store.c): series rows and tags, the unlinked mark,
** assignment ids, threads, prune, and link_check().
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "db.h"
#include "hash.h"
#include "../../indexer/link.h"
#include "../../indexer/report.h"
#include "../../indexer/store.h"

#define TITLE "\xC3\x85terrapportering av regionstyrelsens uppdrag till " \
              "regiondirekt\xC3\xB6ren"
#define SHA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* Three rows: two assignments that go on, one that is new in each. */
#define ROW_KNS "Bygga Kiruna nya sjukhus enligt lokalprogrammet\t" \
                "RS 170503, \xC2\xA7 107\t"
#define ROW_TAND "Utreda tandv\xC3\xA5rdsst\xC3\xB6" "det f\xC3\xB6r unga vuxna\t" \
                 "RS 200916\t"

#include "store_fixture.h"

static void setup(void){
  store_fixture_open("check_link");
}

static void teardown(void){
  store_fixture_close();
}

static long long one(const char *zSql){
  sqlite3_stmt *pStmt = 0;
  long long v = -1;
  ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0), SQLITE_OK);
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  sqlite3_finalize(pStmt);
  return v;
}

/* The first column of the first row of zSql as a new string. */
static char *text(const char *zSql){
  sqlite3_stmt *pStmt = 0;
  char *z = 0;
  ck_assert_int_eq(sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0), SQLITE_OK);
  if( sqlite3_step(pStmt)==SQLITE_ROW ){
    z = sqlite3_mprintf("%s", sqlite3_column_text(pStmt, 0));
  }
  sqlite3_finalize(pStmt);
  ck_assert_ptr_nonnull(z);
  return z;
}

/* Put report zText at zPath, inside the caller's transaction. */
static void put_in(const char *zPath, const char *zText){
  struct report *pR = 0;
  ck_assert_int_eq(report_parse(zPath, zText, strlen(zText), 0, 0, &pR),
                   REPORT_OK);
  ck_assert_int_eq(store_put(pStore, zPath, SHA, pR, 0, 0, 0), SQLITE_OK);
  report_free(pR);
}

/*
** Put report zText at zPath in a transaction; link there if bLink, else
** as indexer --no-link (a new series is not held and linked either).
*/
static void put(const char *zPath, const char *zText, int bLink){
  int n = 0;
  store_set_linking(pStore, bLink);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  put_in(zPath, zText);
  if( bLink ) ck_assert_int_eq(store_link(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  store_set_linking(pStore, 1);
}

static void assert_sound(void){
  int bSound = 0;
  char *zMsg = 0;
  ck_assert_int_eq(link_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_msg(bSound, "%s", zMsg ? zMsg : "");
}

/* The series' tag: 8 hex digits of FNV-1a of its path, folded. */
static void tag_of(const char *zPath, char *zTag){
  uint64_t h = hash_fnv1a_str(zPath);
  snprintf(zTag, 9, "%08x", (unsigned)(h ^ (h>>32)));
}

/*
** A report makes its folder a series, unlinked; linking gives every row
** an id "TAG-..." that is a thread; the same assignment in the next report
** gets the same id, and the threads say first and last seen, count, open
** and the latest status.
*/
START_TEST(test_link_series){
  char zTag[9], zWant[64];
  char *z;
  int n = 0;
  put("/r/a/2021-01-10.txt", TITLE " 2021-01-10\n" ROW_KNS "Arbetet p\xC3\xA5g\xC3\xA5r.\n"
      ROW_TAND "Utredningen har inte p\xC3\xA5" "b\xC3\xB6rjats.", 0);
  tag_of("/r/a", zTag);
  z = text("SELECT tag FROM series WHERE path='/r/a'");
  ck_assert_str_eq(z, zTag);
  sqlite3_free(z);
  ck_assert_int_eq(one("SELECT linked FROM series"), 0);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments WHERE"
                       " assignment_id IS NULL"), 2);
  ck_assert_int_eq(store_link_rest(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(n, 1);
  ck_assert_int_eq(one("SELECT linked FROM series"), 1);
  snprintf(zWant, sizeof(zWant), "%s-20210110-", zTag);
  z = text("SELECT assignment_id FROM assignments WHERE row=1");
  ck_assert_msg(strncmp(z, zWant, strlen(zWant))==0, "%s", z);
  sqlite3_free(z);
  put("/r/a/2021-02-14.txt", TITLE " 2021-02-14\n" ROW_KNS "Bygget har "
      "genomf\xC3\xB6rts och sjukhuset \xC3\xA4r i drift.", 1);
  ck_assert_int_eq(one("SELECT linked FROM series"), 1);
  ck_assert_int_eq(one("SELECT count(DISTINCT assignment_id) FROM"
                       " assignments"), 2);
  ck_assert_int_eq(one("SELECT count(*) FROM assignment_threads"), 2);
  ck_assert_int_eq(one("SELECT occurrences FROM assignment_threads WHERE"
      " latest=(SELECT max(id) FROM assignments)"), 2);
  z = text("SELECT first_seen || ' ' || last_seen || ' ' || open || ' ' ||"
           " status_class FROM assignment_threads ORDER BY occurrences DESC");
  ck_assert_str_eq(z, "2021-01-10 2021-02-14 1 done");
  sqlite3_free(z);
  z = text("SELECT last_seen || ' ' || open || ' ' || status_class FROM"
           " assignment_threads ORDER BY occurrences");
  ck_assert_str_eq(z, "2021-01-10 0 not_started");
  sqlite3_free(z);
  assert_sound();
}
END_TEST

/*
** A series already linked is marked unlinked by a new report, a replaced
** one, and a prune; a series left without reports loses its row and its
** threads; an unchanged relink rewrites no assignment id.
*/
START_TEST(test_unlink_prune){
  int n = 0, nChanges;
  put("/r/a/1.txt", TITLE " 2021-01-10\n" ROW_KNS "P\xC3\xA5g\xC3\xA5r.", 1);
  put("/r/b/1.txt", TITLE " 2021-01-10\n" ROW_KNS "P\xC3\xA5g\xC3\xA5r.", 1);
  ck_assert_int_eq(one("SELECT count(*) FROM series WHERE linked=1"), 2);
  ck_assert_int_eq(one("SELECT count(DISTINCT assignment_id) FROM"
                       " assignments"), 2);       /* two folders: apart */
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE series SET linked=0 WHERE"
                   " path='/r/a'", 0, 0, 0), SQLITE_OK);
  nChanges = sqlite3_total_changes(db);
  ck_assert_int_eq(store_link(pStore, &n), SQLITE_OK);
  /* the series row and its one thread (twice: the generation token,
  ** db.h, follows each change of a thread), and no assignment */
  ck_assert_int_eq(sqlite3_total_changes(db) - nChanges, 5);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  ck_assert_int_eq(store_prune(pStore, &n), SQLITE_OK);    /* all gone */
  ck_assert_int_eq(one("SELECT count(*) FROM series WHERE linked=0"), 2);
  ck_assert_int_eq(store_link(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(one("SELECT count(*) FROM series"), 0);
  ck_assert_int_eq(one("SELECT count(*) FROM assignment_threads"), 0);
  assert_sound();
}
END_TEST

/*
** A new series whose tag another series already has takes the hash of
** its path followed by "#2" (link.h), and keeps it.
*/
START_TEST(test_tag_collision){
  char zTag[9], zWant[9], zSql[128];
  uint64_t h;
  char *z;
  tag_of("/r/a", zTag);
  snprintf(zSql, sizeof(zSql), "INSERT INTO series VALUES('/other', '%s', 1)",
           zTag);
  ck_assert_int_eq(sqlite3_exec(db, zSql, 0, 0, 0), SQLITE_OK);
  put("/r/a/1.txt", TITLE " 2021-01-10\n" ROW_KNS "P\xC3\xA5g\xC3\xA5r.", 1);
  h = hash_fnv1a_more(hash_fnv1a_str("/r/a"), "#2", 2);
  snprintf(zWant, sizeof(zWant), "%08x", (unsigned)(h ^ (h>>32)));
  z = text("SELECT tag FROM series WHERE path='/r/a'");
  ck_assert_str_eq(z, zWant);
  sqlite3_free(z);
  put("/r/a/1.txt", TITLE " 2021-01-11\n" ROW_KNS "Klart.", 1);
  z = text("SELECT tag FROM series WHERE path='/r/a'");
  ck_assert_str_eq(z, zWant);
  sqlite3_free(z);
}
END_TEST

/* link_check() finds a row whose id is no thread, and a wrong count. */
START_TEST(test_check_detects){
  int bSound = 1;
  char *zMsg = 0;
  put("/r/a/1.txt", TITLE " 2021-01-10\n" ROW_KNS "P\xC3\xA5g\xC3\xA5r.\n"
      ROW_TAND "P\xC3\xA5g\xC3\xA5r.", 1);
  assert_sound();
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE assignments SET assignment_id="
                   "'x' WHERE row=1", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(link_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_int_eq(bSound, 0);
  ck_assert_ptr_nonnull(strstr(zMsg, "is not a thread"));
  sqlite3_free(zMsg);
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE assignments SET assignment_id="
                   "(SELECT assignment_id FROM assignments WHERE row=2)"
                   " WHERE row=1", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(link_check(db, &bSound, &zMsg), SQLITE_OK);
  ck_assert_int_eq(bSound, 0);
  ck_assert_ptr_nonnull(strstr(zMsg, "occurrences 1, rows "));
  sqlite3_free(zMsg);
  /* an unlinked series is not held to its old threads */
  ck_assert_int_eq(sqlite3_exec(db, "UPDATE series SET linked=0", 0, 0, 0),
                   SQLITE_OK);
  assert_sound();
}
END_TEST

/*
** An assignment that leaves the list is retired while the rest of the
** series is still being linked (its thread is written then); its words
** back later are a new assignment; the threads add up to the rows.
*/
START_TEST(test_link_retired){
  static const char *azDate[] = {
    "2021-01-10", "2021-02-14", "2021-03-14", "2021-04-11", "2021-05-09"
  };
  char zText[512], zPath[64];
  char *z;
  int i, n = 0;
  for(i=0; i<5; i++){
    snprintf(zPath, sizeof(zPath), "/r/a/%s.txt", azDate[i]);
    snprintf(zText, sizeof(zText), "%s %s\n%s%s%s%s", TITLE, azDate[i],
             ROW_KNS, "P\xC3\xA5g\xC3\xA5r.",
             i==0 || i==4 ? "\n" ROW_TAND : "",
             i==0 || i==4 ? "Utredningen p\xC3\xA5g\xC3\xA5r." : "");
    put(zPath, zText, 0);
  }
  ck_assert_int_eq(store_link_rest(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(n, 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignment_threads"), 3);
  ck_assert_int_eq(one("SELECT sum(occurrences) FROM assignment_threads"), 7);
  z = text("SELECT group_concat(first_seen || ' ' || last_seen || ' ' ||"
           " occurrences || ' ' || open, ', ') FROM (SELECT * FROM"
           " assignment_threads ORDER BY first_seen, occurrences)");
  ck_assert_str_eq(z, "2021-01-10 2021-01-10 1 0, 2021-01-10 2021-05-09 5 1,"
                   " 2021-05-09 2021-05-09 1 1");
  sqlite3_free(z);
  ck_assert_int_eq(one("SELECT count(DISTINCT assignment_id) FROM assignments"
                       " WHERE assignment LIKE 'Utreda%'"), 2);
  ck_assert_int_eq(one("SELECT count(*) FROM assignment_threads t JOIN"
      " assignments a ON a.id = t.latest WHERE a.assignment_id = t.id"), 3);
  assert_sound();
}
END_TEST


/* Report i (0..5) of a series: KNS all along, TAND in 0-2, HR from 3. */
static void series_report(int i, char *zPath, size_t nPath, char *zText,
                          size_t nText, const char *zFolder){
  static const char *azDate[] = {
    "2021-01-10", "2021-02-14", "2021-03-14", "2021-04-11", "2021-05-09",
    "2021-06-13"
  };
  snprintf(zPath, nPath, "%s/%s.txt", zFolder, azDate[i]);
  snprintf(zText, nText, "%s %s\n%s%s%s%s", TITLE, azDate[i], ROW_KNS,
           i==5 ? "Sjukhuset har tagits i drift." : "P\xC3\xA5g\xC3\xA5r.",
           i<3 ? "\n" ROW_TAND "P\xC3\xA5g\xC3\xA5r." : "",
           i>=3 ? "\nMinska personalomsättningen inom vården\tRS 210316\t"
                  "Ej p\xC3\xA5" "b\xC3\xB6rjat." : "");
}

/* The threads and row ids of series zFolder, without its tag, as a string. */
static char *series_links(const char *zFolder){
  char *zSql = sqlite3_mprintf(
      "SELECT group_concat(x, '; ') FROM (SELECT substr(r.path, %d) || ' '"
      " || a.row || ' ' || substr(a.assignment_id, 10) || ' ' ||"
      " t.first_seen || ' ' || t.last_seen || ' ' || t.occurrences || ' ' ||"
      " t.open || ' ' || t.status_class || ' ' || (t.latest = a.id) AS x"
      " FROM assignments a JOIN reports r ON r.id = a.report_id"
      " JOIN assignment_threads t ON t.id = a.assignment_id"
      " WHERE r.series = '%q' ORDER BY r.path, a.row)",
      (int)strlen(zFolder) + 2, zFolder);
  char *z;
  ck_assert_ptr_nonnull(zSql);
  z = text(zSql);
  sqlite3_free(zSql);
  return z;
}

/* The six reports of series_report() in /r/b, put as with --no-link and
** linked after the move: what a held series must equal. */
static void put_series_linked_after(void){
  char zPath[64], zText[1024];
  int i, n = 0;
  for(i=0; i<6; i++){
    series_report(i, zPath, sizeof(zPath), zText, sizeof(zText), "/r/b");
    put(zPath, zText, 0);
  }
  ck_assert_int_eq(store_link_rest(pStore, &n), SQLITE_OK);
}

/* /r/a's links equal /r/b's. */
static void assert_links_as_after(void){
  char *zHeld = series_links("/r/a");
  char *zAfter = series_links("/r/b");
  ck_assert_str_eq(zHeld, zAfter);
  sqlite3_free(zHeld);
  sqlite3_free(zAfter);
}

/*
** A new series is held and linked before its rows move (store.h): its
** rows go into assignments with their ids, and the ids and threads are
** those of linking it after the move (the same reports in another folder,
** put as with --no-link and linked by store_link_rest()).
*/
START_TEST(test_link_held){
  char zPath[64], zText[1024];
  int i;
  put_series_linked_after();
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  for(i=5; i>=0; i--){                   /* out of date order */
    series_report(i, zPath, sizeof(zPath), zText, sizeof(zText), "/r/a");
    put_in(zPath, zText);
  }
  ck_assert_int_eq(store_holding(pStore), 1);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(store_holding(pStore), 0);
  ck_assert_int_eq(one("SELECT linked FROM series WHERE path='/r/a'"), 1);
  ck_assert_int_eq(one("SELECT count(*) FROM assignment_threads WHERE"
                       " series='/r/a'"), 3);
  ck_assert_int_eq(one("SELECT count(*) FROM assignments a JOIN"
      " assignment_threads t ON t.id = a.assignment_id AND t.series='/r/a'"),
      12);
  assert_links_as_after();
  assert_sound();
}
END_TEST

/*
** A held series is linked when a report of another folder comes; if one
** of its reports comes after that, it is linked again after the move, to
** the same result.
*/
START_TEST(test_link_held_again){
  char zPath[64], zText[1024];
  char *zA, *zB;
  int i, n = 0;
  put_series_linked_after();
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  for(i=0; i<5; i++){
    series_report(i, zPath, sizeof(zPath), zText, sizeof(zText), "/r/a");
    put_in(zPath, zText);
  }
  put_in("/r/c/1.txt", TITLE " 2021-01-10\n" ROW_KNS "P\xC3\xA5g\xC3\xA5r.");
  ck_assert_int_eq(one("SELECT linked FROM series WHERE path='/r/a'"), 1);
  series_report(5, zPath, sizeof(zPath), zText, sizeof(zText), "/r/a");
  put_in(zPath, zText);
  ck_assert_int_eq(one("SELECT linked FROM series WHERE path='/r/a'"), 0);
  ck_assert_int_eq(store_holding(pStore), 0);
  ck_assert_int_eq(store_link(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(one("SELECT linked FROM series WHERE path='/r/a'"), 1);
  zA = series_links("/r/a");
  zB = series_links("/r/b");
  ck_assert_str_eq(zA, zB);
  sqlite3_free(zA);
  sqlite3_free(zB);
  assert_sound();
}
END_TEST

/*
** Put report zText at zPath with keys made ahead by pA (as the reader
** thread makes them); returns whether the store took them.
*/
static int put_in_pre(const char *zPath, const char *zText,
                      struct assign_ahead *pA){
  struct report *pR = 0;
  struct assign_pre *aPre;
  int i, bTaken;
  ck_assert_int_eq(report_parse(zPath, zText, strlen(zText), 0, 0, &pR),
                   REPORT_OK);
  aPre = calloc((size_t)pR->nRow, sizeof(*aPre));
  ck_assert_ptr_nonnull(aPre);
  for(i=0; i<pR->nRow; i++){
    const struct report_row *r = &pR->aRow[i];
    ck_assert_int_eq(assign_ahead_row(pA, r->zAssignment, r->nAssignment,
                     r->zSource, r->nSource, &aPre[i]), ASSIGN_OK);
  }
  ck_assert_int_eq(store_put(pStore, zPath, SHA, pR, 0, 0, &aPre),
                   SQLITE_OK);
  bTaken = aPre==0;
  if( aPre ) assign_pre_clear(aPre, pR->nRow);
  free(aPre);
  report_free(pR);
  return bTaken;
}

/*
** A held series takes the keys made ahead with its reports and gets the
** links of a series linked after the move; a report of a series that is
** not held leaves them to the caller.
*/
START_TEST(test_link_held_pre){
  struct assign_ahead *pA = 0;
  char zPath[64], zText[1024];
  int i, n = 0;
  put_series_linked_after();
  ck_assert_int_eq(assign_ahead_new(&pA), ASSIGN_OK);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  for(i=5; i>=0; i--){                   /* out of date order */
    series_report(i, zPath, sizeof(zPath), zText, sizeof(zText), "/r/a");
    ck_assert_int_eq(put_in_pre(zPath, zText, pA), 1);
  }
  ck_assert_int_eq(store_holding(pStore), 1);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  ck_assert_int_eq(one("SELECT linked FROM series WHERE path='/r/a'"), 1);
  assert_links_as_after();
  assign_ahead_reset(pA);
  ck_assert_int_eq(store_begin(pStore), SQLITE_OK);
  series_report(0, zPath, sizeof(zPath), zText, sizeof(zText), "/r/b");
  ck_assert_int_eq(put_in_pre(zPath, zText, pA), 0);   /* not held */
  ck_assert_int_eq(store_link(pStore, &n), SQLITE_OK);
  ck_assert_int_eq(store_commit(pStore), SQLITE_OK);
  assign_ahead_free(pA);
  assert_sound();
}
END_TEST

Suite *link_suite(void){
  Suite *s = suite_create("link");
  TCase *tc = tcase_create("link");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, test_link_series);
  tcase_add_test(tc, test_link_retired);
  tcase_add_test(tc, test_unlink_prune);
  tcase_add_test(tc, test_tag_collision);
  tcase_add_test(tc, test_check_detects);
  tcase_add_test(tc, test_link_held);
  tcase_add_test(tc, test_link_held_again);
  tcase_add_test(tc, test_link_held_pre);
  suite_add_tcase(s, tc);
  return s;
}
