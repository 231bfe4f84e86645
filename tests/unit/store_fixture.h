/*
** store_fixture.h: an index in a fresh temporary directory with a store
** open on it, for the suites of indexer/store.c and indexer/link.c.
** Include once per suite, after check.h, db.h and indexer/store.h.
*/
#ifndef STORE_FIXTURE_H
#define STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;
static struct store *pStore;
static char zDir[64];
static char zDbPath[128];

/* A new directory /tmp/zName.XXXXXX, its t.db opened with a store. */
static void store_fixture_open(const char *zName){
  char *zErr = 0;
  snprintf(zDir, sizeof(zDir), "/tmp/%s.XXXXXX", zName);
  ck_assert_ptr_nonnull(mkdtemp(zDir));
  snprintf(zDbPath, sizeof(zDbPath), "%s/t.db", zDir);
  ck_assert_int_eq(db_open(zDbPath, DB_READWRITE, &db, &zErr), SQLITE_OK);
  ck_assert_int_eq(store_open(db, &pStore), SQLITE_OK);
}

/* Close both and remove the directory. */
static void store_fixture_close(void){
  char zCmd[128];
  store_close(pStore);
  sqlite3_close(db);
  snprintf(zCmd, sizeof(zCmd), "rm -rf %s", zDir);
  ck_assert_int_eq(system(zCmd), 0);
}

#endif /* STORE_FIXTURE_H */
