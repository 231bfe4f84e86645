/*
** check_utf8.c: UTF-8 validation (common/utf8.c), against a table of edge
** cases and against a decoding reference over every string of up to three
** bytes; character counts.
*/
#include <string.h>

#include <check.h>

#include "utf8.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

/*
** The reference: decode the code point and then rule out what RFC 3629
** rules out, the other way round from utf8.c (which checks byte ranges).
*/
static int ref_len(const unsigned char *z, size_t n){
  unsigned c = z[0], cp;
  int len = c<0x80 ? 1 : (c>>5)==6 ? 2 : (c>>4)==14 ? 3 : (c>>3)==30 ? 4 : 0;
  int k;
  if( len==0 || (size_t)len>n ) return 0;
  cp = len==1 ? c : (c & (0x7fu>>len));
  for(k=1; k<len; k++){
    if( (z[k] & 0xc0)!=0x80 ) return 0;
    cp = (cp<<6) | (z[k] & 0x3f);
  }
  if( (len==2 && cp<0x80) || (len==3 && cp<0x800) || (len==4 && cp<0x10000)
   || cp>0x10ffff || (cp>=0xd800 && cp<=0xdfff) ) return 0;
  return len;
}

static const struct { const char *z; int n; int len; } aLen[] = {
  {"a", 1, 1},
  {"\0", 1, 1},                               /* NUL is a character */
  {"\x7f", 1, 1},
  {"\x80", 1, 0},                             /* stray continuation */
  {"\xc3\xa5", 2, 2},                         /* å */
  {"\xc3\xa5", 1, 0},                         /* cut short */
  {"\xc0\x80", 2, 0},                         /* overlong NUL */
  {"\xc1\xbf", 2, 0},                         /* overlong */
  {"\xe0\x9f\xbf", 3, 0},                     /* overlong U+07FF */
  {"\xe0\xa0\x80", 3, 3},                     /* U+0800 */
  {"\xed\x9f\xbf", 3, 3},                     /* U+D7FF */
  {"\xed\xa0\x80", 3, 0},                     /* surrogate U+D800 */
  {"\xed\xbf\xbf", 3, 0},                     /* surrogate U+DFFF */
  {"\xef\xbf\xbd", 3, 3},                     /* U+FFFD */
  {"\xef\xbf", 2, 0},                         /* cut short */
  {"\xf0\x8f\xbf\xbf", 4, 0},                 /* overlong U+FFFF */
  {"\xf0\x90\x80\x80", 4, 4},                 /* U+10000 */
  {"\xf0\x9f\x98\x80", 4, 4},                 /* U+1F600 */
  {"\xf4\x8f\xbf\xbf", 4, 4},                 /* U+10FFFF */
  {"\xf4\x90\x80\x80", 4, 0},                 /* U+110000 */
  {"\xf5\x80\x80\x80", 4, 0},
  {"\xff", 1, 0},
  {"\xf0\x9f\x98", 3, 0},                     /* cut short */
  {"\xe2\x82\x28", 3, 0},                     /* bad third byte */
};

START_TEST(test_len_table)
{
  const unsigned char *z = (const unsigned char*)aLen[_i].z;
  ck_assert_int_eq(utf8_len(z, (size_t)aLen[_i].n), aLen[_i].len);
  ck_assert_int_eq(ref_len(z, (size_t)aLen[_i].n), aLen[_i].len);
}
END_TEST

/*
** Every string of one to three bytes: utf8_len agrees with the reference.
** One test, not one per first byte: each test is a process of its own.
*/
START_TEST(test_len_exhaustive)
{
  unsigned char z[3];
  unsigned i;
  for(i=0; i<0x1000000; i++){
    z[0] = (unsigned char)(i>>16);
    z[1] = (unsigned char)(i>>8);
    z[2] = (unsigned char)i;
    if( (i & 0xffff)==0 ) ck_assert_int_eq(utf8_len(z, 1), ref_len(z, 1));
    if( (i & 0xff)==0 ) ck_assert_int_eq(utf8_len(z, 2), ref_len(z, 2));
    if( utf8_len(z, 3)!=ref_len(z, 3) ){
      ck_abort_msg("%02x %02x %02x: %d, reference %d", z[0], z[1], z[2],
                   utf8_len(z, 3), ref_len(z, 3));
    }
  }
}
END_TEST

static const struct { const char *z; int ok; } aValid[] = {
  {"", 1},
  {"vård och omsorg", 1},
  {"Kiruna nya sjukhus \xf0\x9f\x98\x80", 1},
  {"ok \xff", 0},
  {"\xc3", 0},
  {"abc\xed\xa0\x80xyz", 0},
  {"\xe2\x82\xac\xe2\x82", 0},                /* € then a cut sequence */
};

START_TEST(test_valid)
{
  ck_assert_int_eq(utf8_valid(aValid[_i].z, strlen(aValid[_i].z)),
                   aValid[_i].ok);
}
END_TEST

static const struct { const char *z; size_t n; } aChars[] = {
  {"", 0}, {"vård", 4}, {"ÅÄÖ", 3}, {"\xf0\x9f\x98\x80!", 2},
  {"\x80\x80", 0},                            /* continuation bytes only */
};

START_TEST(test_chars)
{
  ck_assert_uint_eq(utf8_chars(aChars[_i].z, strlen(aChars[_i].z)),
                    aChars[_i].n);
}
END_TEST

Suite *utf8_suite(void){
  Suite *s = suite_create("utf8");
  TCase *tc = tcase_create("utf8");
  tcase_add_loop_test(tc, test_len_table, 0, COUNT(aLen));
  tcase_add_test(tc, test_len_exhaustive);
  tcase_add_loop_test(tc, test_valid, 0, COUNT(aValid));
  tcase_add_loop_test(tc, test_chars, 0, COUNT(aChars));
  suite_add_tcase(s, tc);
  return s;
}
