/*
** check_rowset.c: the rowid bitmap (searchd/rowset.c), against a plain
** array of flags over random sets and at the word edges; counts and walks
** of the AND (NOT) of sets over every range.
*/
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../searchd/engine/rowset.h"

#define N 1000

/* Fill set and flags with about one id in nEvery, from seed. */
static void fill(struct rowset *p, char *ab, unsigned *pSeed, int nEvery){
  int i;
  memset(ab, 0, N);
  for(i=0; i<N; i++){
    if( rand_r(pSeed) % nEvery ) continue;
    ab[i] = 1;
    ck_assert_int_eq(rowset_add(p, i), 0);
  }
}

/* The set holds exactly the ids flagged in ab: by counts, minimum and
** walk. */
static void same(const struct rowset *p, const char *ab){
  sqlite3_int64 id = N, iFrom, iTo;
  int i = N;
  for(iFrom=0; iFrom<=N; iFrom+=37){
    sqlite3_int64 n = 0;
    uint64_t h = 0;
    for(i=(int)iFrom; i<N; i++){
      n += ab[i];
      h += ab[i] ? (uint64_t)i : 0;
    }
    ck_assert_int_eq(rowset_count_from(p, iFrom), n);
    ck_assert_uint_eq(rowset_sum_from(p, iFrom), h);
    for(iTo=iFrom-70; iTo<=N+64; iTo+=29){
      n = 0;
      for(i=(int)iFrom; i<iTo && i<N; i++) n += ab[i];
      ck_assert_int_eq(rowset_count_range(p, iFrom, iTo), n);
    }
  }
  for(i=0; i<N && !ab[i]; i++){}
  ck_assert_int_eq(rowset_min(p, &id), i<N);
  if( i<N ) ck_assert_int_eq(id, i);
  id = N;
  for(i=N-1; i>=0; i--){
    if( !ab[i] ) continue;
    ck_assert_int_eq(rowset_prev(p, id, &id), 1);
    ck_assert_int_eq(id, i);
  }
  ck_assert_int_eq(rowset_prev(p, id, &id), 0);
}

START_TEST(test_ops)
{
  unsigned seed = 7 + _i;
  char ab[N], ab2[N];
  struct rowset a, b;
  int i;
  ck_assert_int_eq(rowset_init(&a, N), SQLITE_OK);
  ck_assert_int_eq(rowset_init(&b, N), SQLITE_OK);
  fill(&a, ab, &seed, 1 + _i % 5);
  same(&a, ab);
  fill(&b, ab2, &seed, 2);
  rowset_and(&a, &b);
  for(i=0; i<N; i++) ab[i] = ab[i] && ab2[i];
  same(&a, ab);
  memset(b.a, 0, sizeof(*b.a) * b.nWord);
  fill(&b, ab2, &seed, 3);
  rowset_andnot(&a, &b);
  for(i=0; i<N; i++) ab[i] = ab[i] && !ab2[i];
  same(&a, ab);
  rowset_free(&a);
  rowset_free(&b);
}
END_TEST

/* rowset_each_and() callback: flag the id. */
static void flag_id(void *pCtx, sqlite3_int64 id){
  char *ab = (char*)pCtx;
  ck_assert(id>=0 && id<N && ab[id]==0);
  ab[id] = 1;
}

/* Counts of p AND NOT x split by q and r, and walks of p AND q, over
** ranges, against flags; q, r and x smaller than p. */
START_TEST(test_and_ranges)
{
  unsigned seed = 99 + _i;
  char ab[N], abQ[N], abR[N], abX[N], abSeen[N];
  struct rowset p, q, r, x;
  const struct rowset *aQR[2] = {&q, &r};
  sqlite3_int64 iFrom, iTo;
  int i;
  ck_assert_int_eq(rowset_init(&p, N), SQLITE_OK);
  ck_assert_int_eq(rowset_init(&q, N - 200), SQLITE_OK);
  ck_assert_int_eq(rowset_init(&r, N - 300), SQLITE_OK);
  ck_assert_int_eq(rowset_init(&x, N - 400), SQLITE_OK);
  fill(&p, ab, &seed, 1 + _i % 3);
  memset(abQ, 0, N);
  memset(abR, 0, N);
  memset(abX, 0, N);
  for(i=0; i<N-200; i++){
    if( rand_r(&seed) % 2 ){ abQ[i] = 1; rowset_add(&q, i); }
    if( i<N-300 && rand_r(&seed) % 4==0 ){ abR[i] = 1; rowset_add(&r, i); }
    if( i<N-400 && rand_r(&seed) % 3==0 ){ abX[i] = 1; rowset_add(&x, i); }
  }
  for(iFrom=-5; iFrom<=N; iFrom+=97){
    for(iTo=iFrom; iTo<=N+70; iTo+=61){
      int nBad = 0;
      sqlite3_int64 n = 0, nX = 0, nRX = 0, an[2] = {7, 0};
      for(i=(int)(iFrom<0 ? 0 : iFrom); i<iTo && i<N; i++){
        n += ab[i] && abQ[i];
        nX += ab[i] && abQ[i] && !abX[i];
        nRX += ab[i] && abR[i] && !abX[i];
      }
      rowset_count_split(&p, aQR, 1, 0, iFrom, iTo, an);
      ck_assert_int_eq(an[0], 7 + n);             /* added to */
      an[0] = 0;
      rowset_count_split(&p, aQR, 2, &x, iFrom, iTo, an);
      ck_assert_int_eq(an[0], nX);
      ck_assert_int_eq(an[1], nRX);
      memset(abSeen, 0, N);
      rowset_each_and(&p, &q, iFrom, iTo, flag_id, abSeen);
      for(i=0; i<N; i++){
        nBad += abSeen[i]!=(i>=iFrom && i<iTo && ab[i] && abQ[i]);
      }
      ck_assert_int_eq(nBad, 0);
    }
  }
  rowset_free(&p);
  rowset_free(&q);
  rowset_free(&r);
  rowset_free(&x);
}
END_TEST

START_TEST(test_edges)
{
  static const sqlite3_int64 aId[] = {0, 1, 62, 63, 64, 127, 128, 191};
  struct rowset s;
  sqlite3_int64 id;
  size_t i;
  ck_assert_int_eq(rowset_init(&s, 192), SQLITE_OK);
  ck_assert_int_eq(rowset_prev(&s, 192, &id), 0);
  for(i=0; i<sizeof(aId)/sizeof(aId[0]); i++){
    ck_assert_int_eq(rowset_add(&s, aId[i]), 0);
  }
  ck_assert_int_eq(rowset_add(&s, 192), -1);     /* past the capacity */
  ck_assert_int_eq(rowset_add(&s, -1), -1);
  ck_assert_int_eq(rowset_count_from(&s, 0), 8);
  ck_assert_int_eq(rowset_count_from(&s, 64), 4);
  ck_assert_int_eq(rowset_count_from(&s, 65), 3);
  ck_assert_int_eq(rowset_count_from(&s, 1000), 0);
  ck_assert_int_eq(rowset_count_range(&s, 0, 192), 8);
  ck_assert_int_eq(rowset_count_range(&s, -5, 1000), 8);   /* clamped */
  ck_assert_int_eq(rowset_count_range(&s, 63, 64), 1);
  ck_assert_int_eq(rowset_count_range(&s, 63, 65), 2);
  ck_assert_int_eq(rowset_count_range(&s, 2, 62), 0);
  ck_assert_int_eq(rowset_count_range(&s, 64, 64), 0);
  ck_assert_int_eq(rowset_count_range(&s, 128, 1), 0);
  ck_assert_int_eq(rowset_min(&s, &id), 1);
  ck_assert_int_eq(id, 0);
  ck_assert_int_eq(rowset_prev(&s, 1000, &id), 1);   /* clamped */
  ck_assert_int_eq(id, 191);
  ck_assert_int_eq(rowset_prev(&s, 128, &id), 1);
  ck_assert_int_eq(id, 127);
  ck_assert_int_eq(rowset_prev(&s, 64, &id), 1);
  ck_assert_int_eq(id, 63);
  ck_assert_int_eq(rowset_prev(&s, 1, &id), 1);
  ck_assert_int_eq(id, 0);
  ck_assert_int_eq(rowset_prev(&s, 0, &id), 0);
  rowset_free(&s);
  ck_assert_int_eq(rowset_init(&s, 0), SQLITE_OK);   /* no capacity */
  ck_assert_int_eq(rowset_add(&s, 0), -1);
  ck_assert_int_eq(rowset_count_from(&s, 0), 0);
  ck_assert_int_eq(rowset_prev(&s, 10, &id), 0);
  ck_assert_int_eq(rowset_count_range(&s, 0, 10), 0);
  ck_assert_int_eq(rowset_min(&s, &id), 0);
  rowset_free(&s);
}
END_TEST

Suite *rowset_suite(void){
  Suite *s = suite_create("rowset");
  TCase *tc = tcase_create("rowset");
  tcase_add_loop_test(tc, test_ops, 0, 20);
  tcase_add_test(tc, test_edges);
  tcase_add_loop_test(tc, test_and_ranges, 0, 4);
  suite_add_tcase(s, tc);
  return s;
}
