/*
** check_plain.c: the plain form of vocab words (common/plain.c), the rule
** the indexer writes into vocab.plain and searchd's corrections look up.
** Pinned: every two-byte sequence after 0xC3 is tried, and only å ä ö é ü
** become plain letters.
*/
#include <string.h>

#include <check.h>

#include "plain.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

static const struct { const char *zIn, *zOut; } aPlain[] = {
  {"läkemedelsgenomgång", "lakemedelsgenomgang"},
  {"närsjukvård", "narsjukvard"},
  {"övervikt", "overvikt"},
  {"idé", "ide"},
  {"münchen", "munchen"},
  {"plain", "plain"},
  {"", ""},
  {"ÅÄÖ", "ÅÄÖ"},                       /* capitals: vocab words are folded */
  {"fo\xD8\xB1", "fo\xD8\xB1"},         /* other letters kept */
  {"ab\xC3", "ab\xC3"},                 /* a lone lead byte at the end */
  {"\xC3\xC3\xA5", "\xC3" "a"},         /* the pair is what counts */
};

START_TEST(test_table)
{
  char z[64];
  size_t n = plain_form(aPlain[_i].zIn, strlen(aPlain[_i].zIn), z);
  ck_assert_str_eq(z, aPlain[_i].zOut);
  ck_assert_uint_eq(n, strlen(aPlain[_i].zOut));
}
END_TEST

/* 0xC3 followed by every byte: five letters map, the rest stay as they are. */
START_TEST(test_c3_pairs)
{
  static const unsigned char aMapped[] = {0xA4, 0xA5, 0xA9, 0xB6, 0xBC};
  static const char azPlain[] = "aaeou";
  char zIn[3], zOut[4];
  int c;
  for(c=0; c<256; c++){
    const unsigned char *pHit = memchr(aMapped, c, sizeof(aMapped));
    size_t n;
    zIn[0] = (char)0xC3;
    zIn[1] = (char)c;
    zIn[2] = 'x';
    n = plain_form(zIn, 3, zOut);
    if( pHit ){
      ck_assert_uint_eq(n, 2);
      ck_assert_int_eq(zOut[0], azPlain[pHit - aMapped]);
      ck_assert_int_eq(zOut[1], 'x');
    }else{
      ck_assert_uint_eq(n, 3);
      ck_assert_int_eq(memcmp(zIn, zOut, 3), 0);
    }
    ck_assert_int_eq(zOut[n], 0);
  }
}
END_TEST

/* Only the n bytes given are read: a pair cut by n is not mapped. */
START_TEST(test_bounded)
{
  char z[8];
  ck_assert_uint_eq(plain_form("vå", 2, z), 2);
  ck_assert_int_eq(memcmp(z, "v\xC3", 3), 0);
}
END_TEST

Suite *plain_suite(void){
  Suite *s = suite_create("plain");
  TCase *tc = tcase_create("plain");
  tcase_add_loop_test(tc, test_table, 0, COUNT(aPlain));
  tcase_add_test(tc, test_c3_pairs);
  tcase_add_test(tc, test_bounded);
  suite_add_tcase(s, tc);
  return s;
}
