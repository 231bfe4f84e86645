/*
** tok_fixture.h: a connection with the swedish tokenizer registered and
** one instance of it, for the stemming suites (check_stemming.c,
** check_stemming_stream.c). Header-only: each suite includes it once.
*/
#ifndef TESTS_TOK_FIXTURE_H
#define TESTS_TOK_FIXTURE_H

#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"

/* A connection and an instance of "swedish". */
typedef struct Tok Tok;
struct Tok {
  sqlite3 *db;
  fts5_tokenizer mod;
  Fts5Tokenizer *pTok;
};

/* The connection's fts5_api (fails the test if there is none). */
static inline fts5_api *fts5_api_of(sqlite3 *db){
  fts5_api *pApi = 0;
  ck_assert_int_eq(swedish_fts5_api(db, &pApi), SQLITE_OK);
  ck_assert_ptr_nonnull(pApi);
  return pApi;
}

static inline void tok_open(Tok *t){
  fts5_api *pApi;
  void *pUser = 0;
  memset(t, 0, sizeof(*t));
  ck_assert_int_eq(sqlite3_open(":memory:", &t->db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(t->db), SQLITE_OK);
  pApi = fts5_api_of(t->db);
  ck_assert_int_eq(pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser,
                                        &t->mod), SQLITE_OK);
  ck_assert_int_eq(t->mod.xCreate(pUser, 0, 0, &t->pTok), SQLITE_OK);
}

static inline void tok_close(Tok *t){
  t->mod.xDelete(t->pTok);
  sqlite3_close(t->db);
}

#endif /* TESTS_TOK_FIXTURE_H */
