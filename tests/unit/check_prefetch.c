/*
** check_prefetch.c: the reader thread (indexer/prefetch.c) and the file
** list it walks (indexer/files.c).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>

#include "db.h"
#include "../../indexer/files.h"
#include "../../indexer/prefetch.h"

static void no_warn(void *pCtx, const char *zPath, int iLine, const char *zMsg){
  (void)zPath; (void)iLine; (void)zMsg;
  (*(int*)pCtx)++;
}

static void list_samples(struct files *pList){
  int nBad = 0;
  memset(pList, 0, sizeof(*pList));
  /* the same file twice and a missing one: listed once, one warning */
  ck_assert_int_eq(files_add(pList, "fixtures/reports", 0, no_warn, &nBad, &nBad), 0);
  ck_assert_int_eq(files_add(pList, "fixtures/reports/2018-12-05.txt", 0, no_warn,
                             &nBad, &nBad), 0);
  ck_assert_int_eq(files_add(pList, "fixtures/nope", 0, no_warn, &nBad, &nBad), 0);
  ck_assert_int_eq(nBad, 2);           /* one warning and one count */
  files_sort(pList);
}

START_TEST(test_files){
  struct files list;
  list_samples(&list);
  ck_assert_uint_eq(list.n, 2);
  ck_assert_ptr_nonnull(strstr(list.a[0].zPath, "/fixtures/reports/2018-12-05.txt"));
  ck_assert_ptr_nonnull(strstr(list.a[1].zPath, "/fixtures/reports/2021-05-05.txt"));
  ck_assert_int_eq(list.a[0].zPath[0], '/');
  ck_assert_int_eq(list.nBytes, list.a[0].nSize + list.a[1].nSize);
  files_free(&list);
}
END_TEST

/* Items come in list order, parsed, with hashes; then the end. */
START_TEST(test_order){
  struct files list;
  struct prefetch *p = 0;
  struct prefetch_item *pItem = 0;
  static const int anRow[] = {19, 10};
  size_t i;
  list_samples(&list);
  ck_assert_int_eq(prefetch_start(&list, 1, 1 << 20, 0, 0, &p), 0);
  for(i=0; i<list.n; i++){
    ck_assert_int_eq(prefetch_next(p, &pItem), 0);
    ck_assert_ptr_nonnull(pItem);
    ck_assert_str_eq(pItem->zPath, list.a[i].zPath);
    ck_assert_int_eq(pItem->eRead, REPORT_OK);
    ck_assert_int_eq(pItem->eParse, REPORT_OK);
    ck_assert_int_eq(pItem->pReport->nRow, anRow[i]);
    ck_assert_uint_eq(strlen(pItem->zSha), 64);
    ck_assert_int_eq(pItem->nWarn, 0);
    ck_assert_ptr_null(pItem->aPre);          /* no keys asked for */
    prefetch_done(p, pItem);
  }
  ck_assert_int_eq(prefetch_next(p, &pItem), 0);
  ck_assert_ptr_null(pItem);
  prefetch_done(p, pItem);
  prefetch_stop(p);
  files_free(&list);
}
END_TEST

/* Warnings are kept in the item; stopping early frees what is left. */
START_TEST(test_warnings_and_stop){
  struct files list;
  struct prefetch *p = 0;
  struct prefetch_item *pItem = 0;
  int i;
  memset(&list, 0, sizeof(list));
  for(i=0; i<20; i++){                /* a rejected file, many times */
    char *z = strdup("/nonexistent/x.txt");
    ck_assert_ptr_nonnull(z);
    list.a = realloc(list.a, sizeof(*list.a)*(size_t)(i+1));
    ck_assert_ptr_nonnull(list.a);
    list.a[i].zPath = z;
    list.a[i].nSize = 0;
    list.a[i].zKnownSha[0] = 0;
    list.n = list.nAlloc = (size_t)i+1;
  }
  ck_assert_int_eq(prefetch_start(&list, 4, 1 << 20, 0, 0, &p), 0);
  ck_assert_int_eq(prefetch_next(p, &pItem), 0);
  ck_assert_int_eq(pItem->eRead, REPORT_REJECTED);
  ck_assert_int_eq(pItem->nWarn, 1);
  ck_assert_int_eq(pItem->aWarn[0].iLine, 0);
  ck_assert_ptr_nonnull(strstr(pItem->aWarn[0].zMsg, "cannot read"));
  prefetch_done(p, pItem);
  prefetch_stop(p);                   /* with items still queued */
  files_free(&list);
}
END_TEST

/* With a counter, each parsed item carries its rows' word counts. */
START_TEST(test_counts){
  struct files list;
  struct prefetch *p = 0;
  struct prefetch_item *pItem = 0;
  struct vocab *pCounter = 0, *pVocab = 0;
  sqlite3 *db = 0;
  ck_assert_int_eq(db_open(":memory:", DB_READWRITE, &db, 0), SQLITE_OK);
  ck_assert_int_eq(vocab_open_counter(db, &pCounter), SQLITE_OK);
  ck_assert_int_eq(vocab_open(db, &pVocab), SQLITE_OK);
  list_samples(&list);
  ck_assert_int_eq(prefetch_start(&list, 2, 1 << 20, pCounter, 0, &p), 0);
  while( prefetch_next(p, &pItem)==0 && pItem ){
    ck_assert_ptr_nonnull(pItem->pCounts);
    /* compacted: the used entries and words only (some 500 words) */
    ck_assert_uint_gt(vocab_counts_bytes(pItem->pCounts), 1000);
    ck_assert_uint_lt(vocab_counts_bytes(pItem->pCounts), 32000);
    ck_assert_int_eq(vocab_merge(pVocab, pItem->pCounts), SQLITE_OK);
    prefetch_done(p, pItem);
  }
  prefetch_stop(p);
  ck_assert_uint_gt(vocab_pending(pVocab), 900);  /* 959 words in the samples */
  ck_assert_int_eq(vocab_flush(pVocab), SQLITE_OK);
  vocab_close(pVocab);
  vocab_close(pCounter);
  sqlite3_close(db);
  files_free(&list);
}
END_TEST

/*
** Each item's nHeld counts its text and its word counts; a budget of one
** byte still lets one item at a time through, in order.
*/
START_TEST(test_budget){
  struct files list;
  struct prefetch *p = 0;
  struct prefetch_item *pItem = 0;
  struct vocab *pCounter = 0;
  sqlite3 *db = 0;
  size_t i = 0;
  ck_assert_int_eq(db_open(":memory:", DB_READWRITE, &db, 0), SQLITE_OK);
  ck_assert_int_eq(vocab_open_counter(db, &pCounter), SQLITE_OK);
  list_samples(&list);
  ck_assert_int_eq(prefetch_start(&list, 8, 1, pCounter, 0, &p), 0);
  while( prefetch_next(p, &pItem)==0 && pItem ){
    ck_assert_str_eq(pItem->zPath, list.a[i++].zPath);
    ck_assert_ptr_nonnull(pItem->pCounts);
    ck_assert_uint_ge(pItem->nHeld,
                      pItem->nBytes + vocab_counts_bytes(pItem->pCounts));
    prefetch_done(p, pItem);
  }
  ck_assert_uint_eq(i, list.n);
  prefetch_stop(p);
  vocab_close(pCounter);
  sqlite3_close(db);
  files_free(&list);
}
END_TEST

/* Copy the file zFrom to zDir/zName. */
static void copy_file(const char *zFrom, const char *zDir, const char *zName){
  char zTo[256], aBuf[4096];
  FILE *pIn = fopen(zFrom, "rb"), *pOut;
  size_t n;
  snprintf(zTo, sizeof(zTo), "%s/%s", zDir, zName);
  pOut = fopen(zTo, "wb");
  ck_assert(pIn && pOut);
  while( (n = fread(aBuf, 1, sizeof(aBuf), pIn))>0 ){
    ck_assert_uint_eq(fwrite(aBuf, 1, n, pOut), n);
  }
  fclose(pIn);
  ck_assert_int_eq(fclose(pOut), 0);
}

/* The keys of item pItem made ahead; each row's hash is its raw text's. */
static int item_keys(const struct prefetch_item *pItem){
  const struct report *pR = pItem->pReport;
  int i, n = 0;
  ck_assert_ptr_nonnull(pItem->aPre);
  for(i=0; i<pR->nRow; i++){
    const struct report_row *r = &pR->aRow[i];
    ck_assert(pItem->aPre[i].h==assign_raw_hash(r->zAssignment,
              r->nAssignment, r->zSource, r->nSource));
    n += pItem->aPre[i].pKey!=0;
  }
  return n;
}

/*
** With bKeys each item carries its rows' hashes and a key for each raw
** text new in its folder: none for a second copy of a report in the same
** folder, all of them again in another folder.
*/
START_TEST(test_keys){
  static const char *const azFolder[] = {"a", "b"};
  char zDir[64], zSub[96], zCmd[96];
  struct files list;
  struct prefetch *p = 0;
  struct prefetch_item *pItem = 0;
  int aKeys[3], i, n = 0, nBad = 0;
  snprintf(zDir, sizeof(zDir), "/tmp/check_prefetch.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(zDir));
  for(i=0; i<2; i++){
    snprintf(zSub, sizeof(zSub), "%s/%s", zDir, azFolder[i]);
    ck_assert_int_eq(mkdir(zSub, 0700), 0);
    copy_file("fixtures/reports/2018-12-05.txt", zSub, "x.txt");
  }
  snprintf(zSub, sizeof(zSub), "%s/a", zDir);
  copy_file("fixtures/reports/2018-12-05.txt", zSub, "y.txt");
  memset(&list, 0, sizeof(list));
  ck_assert_int_eq(files_add(&list, zDir, 0, no_warn, &nBad, &nBad), 0);
  files_sort(&list);
  ck_assert_uint_eq(list.n, 3);               /* a/x, a/y, b/x */
  ck_assert_int_eq(prefetch_start(&list, 4, 1 << 20, 0, 1, &p), 0);
  while( prefetch_next(p, &pItem)==0 && pItem ){
    ck_assert_int_eq(pItem->eParse, REPORT_OK);
    ck_assert_uint_ge(pItem->nHeld, pItem->nBytes
                      + assign_pre_bytes(pItem->aPre, pItem->pReport->nRow));
    aKeys[n++] = item_keys(pItem);
    prefetch_done(p, pItem);
  }
  prefetch_stop(p);
  ck_assert_int_eq(n, 3);
  ck_assert_int_gt(aKeys[0], 10);             /* 19 rows, distinct texts */
  ck_assert_int_eq(aKeys[1], 0);
  ck_assert_int_eq(aKeys[2], aKeys[0]);
  files_free(&list);
  snprintf(zCmd, sizeof(zCmd), "rm -rf %s", zDir);
  ck_assert_int_eq(system(zCmd), 0);
}
END_TEST

Suite *prefetch_suite(void){
  Suite *s = suite_create("prefetch");
  TCase *tc = tcase_create("prefetch");
  tcase_add_test(tc, test_files);
  tcase_add_test(tc, test_order);
  tcase_add_test(tc, test_warnings_and_stop);
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_budget);
  tcase_add_test(tc, test_keys);
  suite_add_tcase(s, tc);
  return s;
}
