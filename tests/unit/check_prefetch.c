/*
** check_prefetch.c: the reader thread (indexer/prefetch.c) and the file
** list it walks (indexer/files.c).
*/
#include <stdlib.h>
#include <string.h>

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

Suite *prefetch_suite(void){
  Suite *s = suite_create("prefetch");
  TCase *tc = tcase_create("prefetch");
  tcase_add_test(tc, test_files);
  tcase_add_test(tc, test_order);
  tcase_add_test(tc, test_warnings_and_stop);
  tcase_add_test(tc, test_counts);
  tcase_add_test(tc, test_budget);
  suite_add_tcase(s, tc);
  return s;
}
