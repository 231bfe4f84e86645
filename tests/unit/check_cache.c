/*
** check_cache.c: the LRU result cache (searchd/cache.c).
*/
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "../../searchd/http/cache.h"

START_TEST(test_lru)
{
  struct cache *c = 0;
  size_t n = 0;
  const char *z;
  ck_assert_int_eq(cache_new(2, &c), 0);
  ck_assert_int_eq(cache_put(c, "a", "1", 1), 0);
  ck_assert_int_eq(cache_put(c, "b", "22", 2), 0);
  z = cache_get(c, "a", &n);           /* a is now most recent */
  ck_assert_int_eq((int)n, 1);
  ck_assert(memcmp(z, "1", 1)==0);
  ck_assert_int_eq(cache_put(c, "c", "333", 3), 0);   /* evicts b */
  ck_assert_ptr_null(cache_get(c, "b", &n));
  ck_assert_ptr_nonnull(cache_get(c, "a", &n));
  ck_assert_ptr_nonnull(cache_get(c, "c", &n));
  ck_assert_int_eq(cache_put(c, "c", "4", 1), 0);     /* replace */
  z = cache_get(c, "c", &n);
  ck_assert_int_eq((int)n, 1);
  ck_assert_int_eq(cache_count(c), 2);
  cache_clear(c);
  ck_assert_int_eq(cache_count(c), 0);
  ck_assert_ptr_null(cache_get(c, "a", &n));
  cache_free(c);
}
END_TEST

START_TEST(test_off)
{
  struct cache *c = (struct cache*)1;
  size_t n = 0;
  ck_assert_int_eq(cache_new(0, &c), 0);
  ck_assert_ptr_null(c);
  ck_assert_int_eq(cache_put(c, "a", "1", 1), 0);
  ck_assert_ptr_null(cache_get(c, "a", &n));
  cache_clear(c);
  cache_free(c);
}
END_TEST

/* Many keys through a small cache: count stays bounded, lookups agree. */
START_TEST(test_churn)
{
  struct cache *c = 0;
  char zKey[32], zVal[32];
  size_t n;
  int i;
  ck_assert_int_eq(cache_new(50, &c), 0);
  for(i=0; i<5000; i++){
    snprintf(zKey, sizeof(zKey), "k%d", i % 97);
    snprintf(zVal, sizeof(zVal), "v%d", i % 97);
    if( cache_get(c, zKey, &n)==0 ){
      ck_assert_int_eq(cache_put(c, zKey, zVal, strlen(zVal)), 0);
    }else{
      ck_assert(memcmp(cache_get(c, zKey, &n), zVal, n)==0);
    }
    ck_assert_int_le(cache_count(c), 50);
  }
  cache_free(c);
}
END_TEST

Suite *cache_suite(void){
  Suite *s = suite_create("cache");
  TCase *tc = tcase_create("cache");
  tcase_add_test(tc, test_lru);
  tcase_add_test(tc, test_off);
  tcase_add_test(tc, test_churn);
  suite_add_tcase(s, tc);
  return s;
}
