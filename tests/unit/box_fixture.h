/*
** box_fixture.h: a small index for the search-box suites (check_correct,
** check_suggest): a few rows written through db_open() into a temporary
** file, and a vocab table made from them the way the indexer makes it
** (unicode61 folding, one count per row holding the word), then reopened
** read-only as searchd opens it.
*/
#ifndef BOX_FIXTURE_H
#define BOX_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "plain.h"
#include "../../searchd/box/fold.h"

struct box_fixture {
  char zPath[64];
  sqlite3 *db;
};

static const struct {
  const char *zDate;
  int iRow;
  const char *zAssignment, *zSource, *zStatus;
} aBoxRow[] = {
  {"2021-05-05", 1, "Genomföra omstrukturering av mammografiverksamheten i "
   "länet genom att ersätta mammografivagnar med fasta enheter",
   "RS plan 2021-2023", "Förstudien är inledd gällande mammografi."},
  {"2021-05-05", 2, "Fortsätta driva arbetet med Kiruna nya sjukhus. KNS ska "
   "bidra till ökad kvalitet", "RS plan 2021-2023",
   "Förstudie klar i slutet av 2021."},
  {"2018-12-05", 1, "Utveckla arbetet med suicidprevention",
   "Stabsplan 2018", "Arbetet med läkemedelsgenomgång fortsätter i "
   "närsjukvård."},
  {"2018-12-05", 2, "Mammografi i glesbygd", "Stabsplan 2018",
   "Mammografin ska ses över. Vården i Kalix."},
  {"2018-12-05", 3, "Närsjukvården ska utvecklas", "",
   "mammografin mammografi mamma"},
};

/* Count each distinct word of one row once (INSERT OR IGNORE into seen). */
static inline int box_fixture_word(void *pCtx, const char *z, int n,
                                   int iStart, int iEnd){
  sqlite3 *db = (sqlite3*)pCtx;
  char *zSql;
  int rc;
  (void)iStart; (void)iEnd;
  zSql = sqlite3_mprintf("INSERT OR IGNORE INTO temp.seen VALUES(%.*Q)", n,
                         z);
  rc = sqlite3_exec(db, zSql, 0, 0, 0);
  sqlite3_free(zSql);
  return rc;
}

static inline void box_fixture_vocab(sqlite3 *db){
  struct fold *pFold = 0;
  size_t i;
  ck_assert_int_eq(fold_new(db, &pFold), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db, "CREATE TEMP TABLE seen(w PRIMARY KEY)",
                                0, 0, 0), SQLITE_OK);
  for(i=0; i<sizeof(aBoxRow)/sizeof(aBoxRow[0]); i++){
    const char *az[3] = {aBoxRow[i].zAssignment, aBoxRow[i].zSource,
                         aBoxRow[i].zStatus};
    int k;
    for(k=0; k<3; k++){
      ck_assert_int_eq(fold_tokens(pFold, az[k], (int)strlen(az[k]), db,
                                   box_fixture_word), SQLITE_OK);
    }
    ck_assert_int_eq(sqlite3_exec(db,
        "INSERT INTO vocab(word, plain, docs) SELECT w, '', 1 FROM seen"
        " WHERE 1 ON CONFLICT(word) DO UPDATE SET docs=docs+1;"
        "DELETE FROM seen;", 0, 0, 0), SQLITE_OK);
  }
  fold_free(pFold);
}

/* Fill vocab.plain with plain_form() (the indexer's rule). */
static inline void box_fixture_plain(sqlite3 *db){
  sqlite3_stmt *pSel = 0, *pUpd = 0;
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT word FROM vocab", -1,
                                      &pSel, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db, "UPDATE vocab SET plain=?2 "
                                      "WHERE word=?1", -1, &pUpd, 0),
                   SQLITE_OK);
  while( sqlite3_step(pSel)==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pSel, 0);
    char *zPlain = malloc(strlen(z) + 1);
    ck_assert_ptr_nonnull(zPlain);
    plain_form(z, strlen(z), zPlain);
    sqlite3_bind_text(pUpd, 1, z, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(pUpd, 2, zPlain, -1, free);
    ck_assert_int_eq(sqlite3_step(pUpd), SQLITE_DONE);
    sqlite3_reset(pUpd);
  }
  sqlite3_finalize(pSel);
  sqlite3_finalize(pUpd);
}

static inline void box_fixture_fill(sqlite3 *db){
  sqlite3_stmt *pStmt = 0;
  size_t i;
  ck_assert_int_eq(sqlite3_exec(db, "BEGIN;"
      "INSERT INTO reports VALUES(1,'2018-12-05','t','a.txt','.','x',3,'now');"
      "INSERT INTO reports VALUES(2,'2021-05-05','t','b.txt','.','y',2,'now');",
      0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "INSERT INTO assignments(report_id, row, assignment, source, status)"
      " VALUES((SELECT id FROM reports WHERE date=?1), ?2, ?3, ?4, ?5)", -1,
      &pStmt, 0), SQLITE_OK);
  for(i=0; i<sizeof(aBoxRow)/sizeof(aBoxRow[0]); i++){
    sqlite3_bind_text(pStmt, 1, aBoxRow[i].zDate, -1, SQLITE_STATIC);
    sqlite3_bind_int(pStmt, 2, aBoxRow[i].iRow);
    sqlite3_bind_text(pStmt, 3, aBoxRow[i].zAssignment, -1, SQLITE_STATIC);
    sqlite3_bind_text(pStmt, 4, aBoxRow[i].zSource, -1, SQLITE_STATIC);
    sqlite3_bind_text(pStmt, 5, aBoxRow[i].zStatus, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(pStmt), SQLITE_DONE);
    sqlite3_reset(pStmt);
  }
  sqlite3_finalize(pStmt);
  box_fixture_vocab(db);
  box_fixture_plain(db);
  ck_assert_int_eq(sqlite3_exec(db, "COMMIT", 0, 0, 0), SQLITE_OK);
}

static inline void box_fixture_open(struct box_fixture *f){
  char *zErr = 0;
  int fd;
  snprintf(f->zPath, sizeof(f->zPath), "/tmp/check_box_XXXXXX");
  fd = mkstemp(f->zPath);
  ck_assert_int_ge(fd, 0);
  close(fd);
  ck_assert_msg(db_open(f->zPath, DB_READWRITE, &f->db, &zErr)==SQLITE_OK,
                "%s", zErr);
  box_fixture_fill(f->db);
  sqlite3_close(f->db);
  ck_assert_msg(db_open(f->zPath, DB_READONLY, &f->db, &zErr)==SQLITE_OK,
                "%s", zErr);
}

static inline void box_fixture_close(struct box_fixture *f){
  char z[80];
  sqlite3_close(f->db);
  f->db = 0;
  unlink(f->zPath);
  snprintf(z, sizeof(z), "%s-wal", f->zPath);
  unlink(z);
  snprintf(z, sizeof(z), "%s-shm", f->zPath);
  unlink(z);
}

#endif /* BOX_FIXTURE_H */
