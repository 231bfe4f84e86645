/*
** check_hash.c: FNV-1a 64 (common/hash.h) against the published test
** vectors of the FNV reference (Fowler, Noll, Vo), and its three entry
** points against each other.
*/
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "hash.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

static const struct { const char *z; uint64_t h; } aVec[] = {
  {"",        0xcbf29ce484222325ULL},
  {"a",       0xaf63dc4c8601ec8cULL},
  {"b",       0xaf63df4c8601f1a5ULL},
  {"foobar",  0x85944171f73967e8ULL},
};

START_TEST(test_vectors)
{
  const char *z = aVec[_i].z;
  ck_assert_uint_eq(hash_fnv1a(z, strlen(z)), aVec[_i].h);
  ck_assert_uint_eq(hash_fnv1a_str(z), aVec[_i].h);
}
END_TEST

/* Hashing in pieces gives the hash of the whole, at every split. */
START_TEST(test_more)
{
  const char *z = "närsjukvården\xff\x01";
  size_t n = strlen(z), k;
  for(k=0; k<=n; k++){
    uint64_t h = hash_fnv1a_more(HASH_FNV1A_INIT, z, k);
    ck_assert_uint_eq(hash_fnv1a_more(h, z+k, n-k), hash_fnv1a(z, n));
  }
  ck_assert_uint_ne(hash_fnv1a("vård", 5), hash_fnv1a("vard", 4));
}
END_TEST

Suite *hash_suite(void){
  Suite *s = suite_create("hash");
  TCase *tc = tcase_create("hash");
  tcase_add_loop_test(tc, test_vectors, 0, COUNT(aVec));
  tcase_add_test(tc, test_more);
  suite_add_tcase(s, tc);
  return s;
}
