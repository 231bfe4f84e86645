/*
** check_pool.c: the shared search threads (searchd/pool.c): jobs run on a
** pool thread with its own connection and come back to the submitting
** loop; a stopped pool gives queued jobs back cancelled; SIGHUP's reload
** generation reopens a thread's connection before its next job.
*/
#include <stdatomic.h>

#include <check.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <sqlite3.h>

#include "box_fixture.h"
#include "../../searchd/box/ext.h"
#include "../../searchd/http/conf.h"
#include "../../searchd/http/dbenv.h"
#include "../../searchd/http/pool.h"

struct job {
  struct pool_job base;           /* first */
  int *pnDone;                    /* jobs back so far */
  int nWant;                      /* loopbreak when that many are back */
  struct event_base *evb;
  int bRan;
  int nRows;                      /* what the pool thread counted */
  unsigned nReopen;               /* its dbenv's reopen count */
  int bDoneCancelled;
  atomic_int *pnRun;              /* if set: jobs run so far, and ... */
  int iRun;                       /* ... this job's place among them */
};

static void job_run(struct pool_job *pJob, struct dbenv *pEnv){
  struct job *j = (struct job*)pJob;
  sqlite3_stmt *pStmt = 0;
  j->bRan = 1;
  if( j->pnRun ) j->iRun = atomic_fetch_add(j->pnRun, 1);
  j->nReopen = pEnv->nReopen;
  if( sqlite3_prepare_v2(pEnv->db, "SELECT count(*) FROM assignments", -1,
                         &pStmt, 0)==SQLITE_OK
   && sqlite3_step(pStmt)==SQLITE_ROW ){
    j->nRows = sqlite3_column_int(pStmt, 0);
  }
  sqlite3_finalize(pStmt);
}

static void job_done(struct pool_job *pJob){
  struct job *j = (struct job*)pJob;
  j->bDoneCancelled = pJob->bCancelled;
  if( ++*j->pnDone==j->nWant && j->evb ) event_base_loopbreak(j->evb);
}

static void job_init(struct job *j, struct pool_inbox *pIn, int *pnDone,
                     int nWant, struct event_base *evb){
  memset(j, 0, sizeof(*j));
  j->base.xRun = job_run;
  j->base.xDone = job_done;
  j->base.pInbox = pIn;
  j->pnDone = pnDone;
  j->nWant = nWant;
  j->evb = evb;
}

/* searchd's settings for the fixture's index, defaults otherwise. */
static void conf_for(struct conf *pConf, const char *zDb){
  char *azArg[] = {"searchd", "--db", (char*)zDb, 0};
  char *zErr = 0;
  memset(pConf, 0, sizeof(*pConf));
  ck_assert_msg(conf_parse(3, azArg, pConf, &zErr)==CONF_OK, "%s",
                zErr ? zErr : "");
}

/* An index, its settings, a loop with an inbox, and a pool of nThread. */
struct fix {
  struct box_fixture f;
  struct conf conf;
  atomic_uint gen;
  struct event_base *evb;
  struct pool *p;
  struct pool_inbox *pIn;
};

static void fix_open(struct fix *x, int nThread){
  char *zErr = 0;
  memset(x, 0, sizeof(*x));
  box_fixture_open(&x->f);
  conf_for(&x->conf, x->f.zPath);
  atomic_init(&x->gen, 0);
  x->evb = event_base_new();
  ck_assert_ptr_nonnull(x->evb);
  ck_assert_int_eq(pool_inbox_new(x->evb, &x->pIn), 0);
  ck_assert_msg(pool_new(&x->conf, &x->gen, nThread, &x->p, &zErr)==0, "%s",
                zErr);
}

static void fix_close(struct fix *x){
  pool_stop(x->p);
  pool_free(x->p);
  pool_inbox_free(x->pIn);
  event_base_free(x->evb);
  box_fixture_close(&x->f);
}

#define N_JOB 64

/* Every job runs once on a pool thread and comes back to the loop. (The
** inbox event is only ever activated, never added: the loop must not exit
** for want of pending events, hence EVLOOP_NO_EXIT_ON_EMPTY.) */
START_TEST(test_round_trip){
  struct fix x;
  struct job aJob[N_JOB];
  int i, nDone = 0;
  fix_open(&x, 3);
  ck_assert_int_eq(pool_start(x.p), 0);
  for(i=0; i<N_JOB; i++){
    job_init(&aJob[i], x.pIn, &nDone, N_JOB, x.evb);
    ck_assert_int_eq(pool_submit(x.p, &aJob[i].base), 0);
  }
  ck_assert_int_eq(pool_inbox_pending(x.pIn), N_JOB);
  ck_assert_int_eq(event_base_loop(x.evb, EVLOOP_NO_EXIT_ON_EMPTY), 0);
  ck_assert_int_eq(nDone, N_JOB);
  ck_assert_int_eq(pool_inbox_pending(x.pIn), 0);
  ck_assert_int_eq(pool_queued(x.p), 0);
  for(i=0; i<N_JOB; i++){
    ck_assert(aJob[i].bRan);
    ck_assert(!aJob[i].bDoneCancelled);
    ck_assert_int_eq(aJob[i].nRows, 5);
    ck_assert_int_eq(aJob[i].nReopen, 0);
  }
  /* A new reload generation: the thread reopens before its next job. */
  atomic_fetch_add(&x.gen, 1);
  nDone = 0;
  job_init(&aJob[0], x.pIn, &nDone, 1, x.evb);
  ck_assert_int_eq(pool_submit(x.p, &aJob[0].base), 0);
  ck_assert_int_eq(event_base_loop(x.evb, EVLOOP_NO_EXIT_ON_EMPTY), 0);
  ck_assert_int_eq(aJob[0].nReopen, 1);
  ck_assert_int_eq(aJob[0].nRows, 5);
  pool_stop(x.p);
  ck_assert_int_eq(pool_submit(x.p, &aJob[1].base), -1);   /* stopping */
  fix_close(&x);
}
END_TEST

/* Jobs queued when the pool stops come back cancelled, never run. */
START_TEST(test_stop_cancels){
  struct fix x;
  struct job aJob[3];
  int i, nDone = 0;
  fix_open(&x, 2);
  for(i=0; i<3; i++){                      /* not started: they wait */
    job_init(&aJob[i], x.pIn, &nDone, 0, 0);
    ck_assert_int_eq(pool_submit(x.p, &aJob[i].base), 0);
  }
  ck_assert_int_eq(pool_queued(x.p), 3);
  pool_stop(x.p);
  ck_assert_int_eq(nDone, 0);              /* xDone runs on the loop */
  pool_inbox_free(x.pIn);                  /* ... or when its inbox goes */
  x.pIn = 0;
  ck_assert_int_eq(nDone, 3);
  for(i=0; i<3; i++){
    ck_assert(!aJob[i].bRan);
    ck_assert(aJob[i].bDoneCancelled);
  }
  pool_free(0);
  pool_stop(0);
  pool_inbox_free(0);
  fix_close(&x);
}
END_TEST

/* Round robin over clients, oldest first within one: client 1's seven
** jobs queued first do not hold back client 2's two or client 3's one. */
START_TEST(test_fair){
  static const struct { unsigned long long iClient; int iWant; } aOrder[] = {
    {1, 0}, {1, 3}, {1, 5}, {1, 6}, {1, 7}, {1, 8}, {1, 9},
    {2, 1}, {2, 4},
    {3, 2},
  };
  enum { N = (int)(sizeof(aOrder)/sizeof(aOrder[0])) };
  struct fix x;
  struct job aJob[N];
  atomic_int nRun;
  int i, nDone = 0;
  atomic_init(&nRun, 0);
  fix_open(&x, 1);
  for(i=0; i<N; i++){                      /* not started: they queue */
    job_init(&aJob[i], x.pIn, &nDone, N, x.evb);
    aJob[i].pnRun = &nRun;
    aJob[i].base.iClient = aOrder[i].iClient;
    ck_assert_int_eq(pool_submit(x.p, &aJob[i].base), 0);
  }
  ck_assert_int_eq(pool_queued(x.p), N);
  ck_assert_int_eq(pool_start(x.p), 0);
  ck_assert_int_eq(event_base_loop(x.evb, EVLOOP_NO_EXIT_ON_EMPTY), 0);
  for(i=0; i<N; i++){
    ck_assert_msg(aJob[i].iRun==aOrder[i].iWant, "job %d ran %d-th, want %d",
                  i, aJob[i].iRun, aOrder[i].iWant);
  }
  ck_assert(pool_client_key("\4\177\0\0\1", 5)
            !=pool_client_key("\4\177\0\0\2", 5));
  ck_assert(pool_client_key("ab", 2)==pool_client_key("ab", 2));
  fix_close(&x);
}
END_TEST

/* A pool on a file that is no index fails at once, with a message. */
/* A search thread's connection (no DBENV_SERVE) holds the engine and the
** modules that expand queries, not the suggestions' own connection, the
** static files or the handlers' states; a worker's holds those too. */
START_TEST(test_search_only){
  struct box_fixture f;
  struct conf conf;
  struct dbenv env;
  char *zErr = 0;
  box_fixture_open(&f);
  conf_for(&conf, f.zPath);
  ck_assert_msg(dbenv_open(&conf, DBENV_LOAD, 0, &env, &zErr)==SQLITE_OK,
                "%s", zErr);
  ck_assert_ptr_nonnull(env.engine);
  ck_assert_ptr_nonnull(ext_state(env.ext, "correct"));
  ck_assert_ptr_null(ext_state(env.ext, "suggest"));
  ck_assert_ptr_null(ext_state(env.ext, "static"));
  ck_assert_ptr_null(env.apRoute);
  dbenv_close(&env);
  ck_assert_msg(dbenv_open(&conf, DBENV_SERVE, 0, &env, &zErr)==SQLITE_OK,
                "%s", zErr);
  ck_assert_ptr_nonnull(env.engine);
  ck_assert_ptr_nonnull(ext_state(env.ext, "correct"));
  ck_assert_ptr_nonnull(ext_state(env.ext, "suggest"));
  ck_assert_ptr_nonnull(env.apRoute);
  ck_assert_ptr_nonnull(env.apRoute[0]);
  dbenv_close(&env);
  box_fixture_close(&f);
}
END_TEST

START_TEST(test_bad_index){
  struct conf conf;
  atomic_uint gen;
  struct pool *p = 0;
  char *zErr = 0;
  conf_for(&conf, "/nonexistent/x.db");
  atomic_init(&gen, 0);
  ck_assert_int_eq(pool_new(&conf, &gen, 2, &p, &zErr), -1);
  ck_assert_ptr_null(p);
  ck_assert_ptr_nonnull(zErr);
  sqlite3_free(zErr);
}
END_TEST

Suite *pool_suite(void){
  Suite *s = suite_create("pool");
  TCase *tc = tcase_create("core");
  evthread_use_pthreads();
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, test_round_trip);
  tcase_add_test(tc, test_stop_cancels);
  tcase_add_test(tc, test_fair);
  tcase_add_test(tc, test_bad_index);
  tcase_add_test(tc, test_search_only);
  suite_add_tcase(s, tc);
  return s;
}
