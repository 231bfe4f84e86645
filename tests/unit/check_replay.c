/*
** check_replay.c: recorded swedish token streams replayed into FTS5
** (indexer/replay.c). Every case compares what the wrapper gives xToken
** with what the real "swedish" tokenizer gives for the same call.
*/
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"
#include "../../indexer/replay.h"

static sqlite3 *db;
static fts5_tokenizer real, wrap;
static Fts5Tokenizer *pReal, *pWrap;
static void *pRealUser;
static struct replay *pReplay;
static struct replay_recorder *pRec;

static fts5_api *api(void){
  fts5_api *pApi = 0;
  ck_assert_int_eq(swedish_fts5_api(db, &pApi), SQLITE_OK);
  return pApi;
}

static void setup(void){
  fts5_api *pApi;
  void *pUser = 0;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(db), SQLITE_OK);
  pApi = api();
  ck_assert_int_eq(pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser,
                                        &real), SQLITE_OK);
  ck_assert_int_eq(real.xCreate(pUser, 0, 0, &pReal), SQLITE_OK);
  pRealUser = pUser;
  ck_assert_int_eq(replay_register(db, &pReplay), SQLITE_OK);
  ck_assert_ptr_nonnull(pReplay);
  /* the newest registration of the name is the wrapper */
  ck_assert_int_eq(pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser,
                                        &wrap), SQLITE_OK);
  ck_assert_ptr_ne((void*)wrap.xTokenize, (void*)real.xTokenize);
  ck_assert_int_eq(wrap.xCreate(pUser, 0, 0, &pWrap), SQLITE_OK);
  ck_assert_int_eq(replay_recorder_open(pReplay, &pRec), SQLITE_OK);
}

static void teardown(void){
  replay_recorder_close(pRec);
  wrap.xDelete(pWrap);
  real.xDelete(pReal);
  sqlite3_close(db);              /* frees pReplay */
  pRec = 0;
  pReplay = 0;
}

/* What xToken saw, as "flags:term:start:end;" items; stops (SQLITE_ABORT)
** after nStop tokens if nStop >= 0. */
struct seen {
  char *z;
  int n, nStop;
};

static int seen_token(void *pCtx, int tflags, const char *pToken, int nToken,
                      int iStart, int iEnd){
  struct seen *s = (struct seen*)pCtx;
  char *zNew;
  if( s->nStop>=0 && s->n>=s->nStop ) return SQLITE_ABORT;
  zNew = sqlite3_mprintf("%s%d:%.*s:%d:%d;", s->z ? s->z : "", tflags, nToken,
                         pToken, iStart, iEnd);
  ck_assert_ptr_nonnull(zNew);
  sqlite3_free(s->z);
  s->z = zNew;
  s->n++;
  return SQLITE_OK;
}

/* Tokenize z (a private copy, so no pointer is shared) with the module's
** instance; *prc gets the result code. Returns the tokens (sqlite3_free). */
static char *tokens(const fts5_tokenizer *m, Fts5Tokenizer *pTok, int flags,
                    const char *z, int nStop, int *prc){
  struct seen s = {0, 0, nStop};
  size_t n = strlen(z);
  char *zCopy = malloc(n + 1);
  ck_assert_ptr_nonnull(zCopy);
  memcpy(zCopy, z, n + 1);
  *prc = m->xTokenize(pTok, &s, flags, zCopy, (int)n, seen_token);
  free(zCopy);
  return s.z ? s.z : sqlite3_mprintf("");
}

/* The wrapper's answer equals the real tokenizer's (tokens and code). */
static void same_as_real(int flags, const char *z, int nStop){
  int rcReal, rcWrap;
  char *zReal = tokens(&real, pReal, flags, z, nStop, &rcReal);
  char *zWrap = tokens(&wrap, pWrap, flags, z, nStop, &rcWrap);
  ck_assert_int_eq(rcWrap, rcReal);
  ck_assert_str_eq(zWrap, zReal);
  sqlite3_free(zReal);
  sqlite3_free(zWrap);
}

/* Record the texts as one tape, push it, and expect them (in order). */
static void queue(const char *const *az, int n){
  struct replay_tape *pTape = 0;
  int i;
  for(i=0; i<n; i++){
    ck_assert_int_eq(replay_record(pRec, az[i], strlen(az[i]), &pTape),
                     SQLITE_OK);
  }
  replay_tape_trim(pTape);
  ck_assert_int_eq(replay_tape_fields(pTape), n);
  ck_assert_int_eq(replay_push(pReplay, pTape, n), SQLITE_OK);
  for(i=0; i<n; i++) replay_expect(pReplay, az[i], strlen(az[i]));
}

static long long replayed(void){
  struct replay_counts c;
  replay_stats(pReplay, &c);
  return c.nReplayed;
}

static long long tokenized(void){
  struct replay_counts c;
  replay_stats(pReplay, &c);
  return c.nTokenized;
}

/* Texts with every kind of token the tape must hold. */
static const char *const azText[] = {
  "Mammografiverksamheten i regionen",          /* compound: parts */
  "barn- och ungdomspsykiatri",                 /* completed compound */
  "ÅTERRAPPORTERING Över Äldreomsorgen; ÉN Ü",  /* Latin-1 capitals */
  "",                                           /* empty field */
  "RS 170503, § 107 Stabsplan 2018",            /* numbers, signs */
  "Привет мир och Ωmega-ΣΤΟΧΟΣ",                /* other scripts */
  "Regionstyrelsensuppdragtillregiondirektörenomsuicidpreventionochnära"
  "vårdutvecklingsarbete",                      /* a word over 64 bytes */
  "  \t  ,.;  ",                                /* no tokens */
  "uppdraget uppdraget uppdraget mötet",        /* repeats, exceptions */
};
#define N_TEXT ((int)(sizeof(azText)/sizeof(azText[0])))

/* A recorded text is replayed, and gives what tokenizing it gives. */
START_TEST(test_hit){
  long long n0 = replayed(), t0 = tokenized();
  queue(&azText[_i], 1);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[_i], -1);
  ck_assert_int_eq(replayed(), n0 + 1);
  ck_assert_int_eq(tokenized(), t0);
}
END_TEST

/* Only the wrapper's calls count; the real module's do not. */
START_TEST(test_counts){
  long long t0 = tokenized();
  int rc;
  char *z = tokens(&real, pReal, FTS5_TOKENIZE_DOCUMENT, azText[0], -1, &rc);
  sqlite3_free(z);
  ck_assert_int_eq(tokenized(), t0);
  queue(&azText[0], 1);
  z = tokens(&wrap, pWrap, FTS5_TOKENIZE_DOCUMENT, azText[0], -1, &rc);
  sqlite3_free(z);
  ck_assert_int_eq(replayed(), 1);
  ck_assert_int_eq(tokenized(), t0);
}
END_TEST

/* A text that is not the expected one goes to the real tokenizer, and the
** expected field stays next. */
START_TEST(test_miss){
  static const char *const az[] = {"vård och omsorg"};
  queue(az, 1);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, "vård och omsorj", -1);   /* same n */
  same_as_real(FTS5_TOKENIZE_DOCUMENT, "vård", -1);
  ck_assert_int_eq(replayed(), 0);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[0], -1);
  ck_assert_int_eq(replayed(), 1);
}
END_TEST

/* Fields asked for out of turn: found within the look-ahead; one passed by
** the cursor is tokenized, never replayed from the wrong place. */
START_TEST(test_reordered){
  static const char *const az[] = {
    "Suicidprevention", "Närsjukvården i Kiruna", "", "RS plan 2021-2023",
  };
  long long t0 = tokenized();
  queue(az, 4);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[1], -1);   /* skips az[0] */
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[0], -1);   /* passed: tokenized */
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[3], -1);   /* skips az[2] */
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[2], -1);   /* passed */
  ck_assert_int_eq(replayed(), 2);
  ck_assert_int_eq(tokenized(), t0 + 2);
}
END_TEST

/* Only DOCUMENT replays: QUERY and AUX of an expected text are tokenized
** (and leave the field expected). */
START_TEST(test_other_modes){
  queue(&azText[0], 1);
  same_as_real(FTS5_TOKENIZE_QUERY, azText[0], -1);
  same_as_real(FTS5_TOKENIZE_AUX, azText[0], -1);
  same_as_real(FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, azText[0], -1);
  ck_assert_int_eq(replayed(), 0);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[0], -1);
  ck_assert_int_eq(replayed(), 1);
}
END_TEST

/* xToken's first non-OK code ends the replay and is returned, as the real
** tokenizer does: after 0, 1, 2 and 5 tokens. */
START_TEST(test_xtoken_error){
  static const int aStop[] = {0, 1, 2, 5};
  queue(&azText[0], 1);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[0], aStop[_i]);
  ck_assert_int_eq(replayed(), 1);
}
END_TEST

/* A field never replays when its expected text has another length, when
** the tape holds another number of fields than pushed, or when there is
** no tape; the next fields still line up. */
START_TEST(test_dead_fields){
  static const char *const az[] = {"uppdrag", "region"};
  struct replay_tape *pTape = 0;
  ck_assert_int_eq(replay_record(pRec, az[0], strlen(az[0]), &pTape),
                   SQLITE_OK);
  ck_assert_int_eq(replay_push(pReplay, pTape, 2), SQLITE_OK); /* 1 != 2 */
  ck_assert_int_eq(replay_push(pReplay, 0, 1), SQLITE_OK);     /* no tape */
  replay_expect(pReplay, az[0], strlen(az[0]));
  replay_expect(pReplay, az[1], strlen(az[1]));
  replay_expect(pReplay, az[0], strlen(az[0]));
  queue(az, 2);
  replay_expect(pReplay, "x", 1);               /* past the queue */
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[0], -1);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[1], -1);
  ck_assert_int_eq(replayed(), 2);                /* queue()'s fields */
  replay_clear(pReplay);
  /* a length that differs from the recording */
  pTape = 0;
  ck_assert_int_eq(replay_record(pRec, az[0], strlen(az[0]), &pTape),
                   SQLITE_OK);
  ck_assert_int_eq(replay_push(pReplay, pTape, 1), SQLITE_OK);
  replay_expect(pReplay, az[1], strlen(az[1]));
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[1], -1);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, az[0], -1);
  ck_assert_int_eq(replayed(), 2);
}
END_TEST

/* After replay_clear() nothing replays; expects past the queue are
** ignored. */
START_TEST(test_clear){
  replay_expect(pReplay, azText[0], strlen(azText[0]));
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[0], -1);
  queue(azText, N_TEXT);
  replay_clear(pReplay);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[0], -1);
  ck_assert_int_eq(replayed(), 0);
  queue(azText, N_TEXT);
  same_as_real(FTS5_TOKENIZE_DOCUMENT, azText[0], -1);
  ck_assert_int_eq(replayed(), 1);
  replay_clear(0);
}
END_TEST

/* A wrapper made with arguments (not the index's tokenize='swedish')
** never replays; it tokenizes as the real one with those arguments. */
START_TEST(test_arguments){
  static const char *azArg[] = {"tokenchars", "-"};
  fts5_api *pApi = api();
  void *pUser = 0;
  fts5_tokenizer m;
  Fts5Tokenizer *pA = 0, *pB = 0;
  int rcA, rcB;
  char *zA, *zB;
  ck_assert_int_eq(pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser,
                                        &m), SQLITE_OK);
  ck_assert_int_eq(m.xCreate(pUser, azArg, 2, &pA), SQLITE_OK);
  queue(&azText[1], 1);
  zA = tokens(&m, pA, FTS5_TOKENIZE_DOCUMENT, azText[1], -1, &rcA);
  ck_assert_int_eq(replayed(), 0);
  /* the real one with the same arguments */
  ck_assert_int_eq(real.xCreate(pRealUser, azArg, 2, &pB), SQLITE_OK);
  zB = tokens(&real, pB, FTS5_TOKENIZE_DOCUMENT, azText[1], -1, &rcB);
  real.xDelete(pB);
  ck_assert_int_eq(rcA, rcB);
  ck_assert_str_eq(zA, zB);
  sqlite3_free(zA);
  sqlite3_free(zB);
  m.xDelete(pA);
}
END_TEST

/* A text over 2 GB is refused before it is read; the tape is not made. */
START_TEST(test_toobig){
  struct replay_tape *pTape = 0;
  ck_assert_int_eq(replay_record(pRec, "x", (size_t)1 << 31, &pTape),
                   SQLITE_TOOBIG);
  ck_assert_ptr_null(pTape);
  ck_assert_int_eq(replay_tape_fields(0), 0);
  ck_assert_int_eq((int)replay_tape_bytes(0), 0);
  replay_tape_free(0);
  replay_recorder_close(0);
}
END_TEST

/* Through FTS5 itself: a table made after the registration uses the
** wrapper, and its index equals that of a table on a connection without
** it (instance-level fts5vocab). */
static char *vocab_dump(sqlite3 *d){
  sqlite3_stmt *pStmt = 0;
  char *z = sqlite3_mprintf("");
  ck_assert_int_eq(sqlite3_exec(d, "CREATE VIRTUAL TABLE temp.v USING"
                   " fts5vocab(main, t, instance)", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(d, "SELECT term, doc, col, offset"
                   " FROM temp.v ORDER BY 1, 2, 3, 4", -1, &pStmt, 0),
                   SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    char *zNew = sqlite3_mprintf("%s%s/%lld/%s/%d;", z,
        sqlite3_column_text(pStmt, 0), sqlite3_column_int64(pStmt, 1),
        sqlite3_column_text(pStmt, 2), sqlite3_column_int(pStmt, 3));
    sqlite3_free(z);
    z = zNew;
    ck_assert_ptr_nonnull(z);
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  return z;
}

static void fill(sqlite3 *d, int bReplay){
  sqlite3_stmt *pIns = 0;
  int i;
  ck_assert_int_eq(sqlite3_exec(d, "CREATE VIRTUAL TABLE t USING fts5(a, b,"
                   " tokenize='swedish')", 0, 0, 0), SQLITE_OK);
  if( bReplay ) queue(azText, N_TEXT - 1);        /* rows of (a, b) */
  ck_assert_int_eq(sqlite3_prepare_v2(d, "INSERT INTO t(a, b) VALUES(?1, ?2)",
                   -1, &pIns, 0), SQLITE_OK);
  for(i=0; i+1<N_TEXT; i+=2){
    sqlite3_bind_text(pIns, 1, azText[i], -1, SQLITE_STATIC);
    sqlite3_bind_text(pIns, 2, azText[i+1], -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(pIns), SQLITE_DONE);
    ck_assert_int_eq(sqlite3_reset(pIns), SQLITE_OK);
  }
  ck_assert_int_eq(sqlite3_finalize(pIns), SQLITE_OK);
}

START_TEST(test_through_fts5){
  sqlite3 *db2 = 0;
  char *zA, *zB;
  fill(db, 1);
  ck_assert_int_eq(replayed(), N_TEXT - 1);
  ck_assert_int_eq(sqlite3_open(":memory:", &db2), SQLITE_OK);
  ck_assert_int_eq(swedish_register(db2), SQLITE_OK);
  fill(db2, 0);
  zA = vocab_dump(db);
  zB = vocab_dump(db2);
  ck_assert_str_eq(zA, zB);
  ck_assert_int_gt((int)strlen(zA), 100);
  ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO t(t, rank)"
                   " VALUES('integrity-check', 1)", 0, 0, 0), SQLITE_OK);
  sqlite3_free(zA);
  sqlite3_free(zB);
  sqlite3_close(db2);
}
END_TEST

Suite *replay_suite(void){
  Suite *s = suite_create("replay");
  TCase *tc = tcase_create("replay");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_loop_test(tc, test_hit, 0, N_TEXT);
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_miss);
  tcase_add_test(tc, test_reordered);
  tcase_add_test(tc, test_other_modes);
  tcase_add_loop_test(tc, test_xtoken_error, 0, 4);
  tcase_add_test(tc, test_dead_fields);
  tcase_add_test(tc, test_clear);
  tcase_add_test(tc, test_arguments);
  tcase_add_test(tc, test_toobig);
  tcase_add_test(tc, test_through_fts5);
  suite_add_tcase(s, tc);
  return s;
}
