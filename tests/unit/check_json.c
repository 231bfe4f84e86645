/*
** check_json.c: JSON strings from arbitrary bytes (searchd/json.c).
*/
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <event2/buffer.h>

#include "../../searchd/http/json.h"
#include "utf8.h"

/* The contents of b as a new NUL-terminated string. */
static char *buf_str(struct evbuffer *b){
  size_t n = evbuffer_get_length(b);
  char *z = malloc(n+1);
  ck_assert_ptr_nonnull(z);
  evbuffer_copyout(b, z, n);
  z[n] = 0;
  return z;
}

static const struct { const char *zIn; int nIn; const char *zOut; } aStr[] = {
  {"", 0, "\"\""},
  {"abc", 3, "\"abc\""},
  {"a\"b\\c", 5, "\"a\\\"b\\\\c\""},
  {"a\nb\tc\r", 6, "\"a\\nb\\tc\\u000d\""},
  {"\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\""},
  {"a\0b", 3, "\"a\\u0000b\""},
  {"vård", 5, "\"vård\""},
  {"\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""},            /* U+1F600 */
  {"\xff", 1, "\"\xef\xbf\xbd\""},                             /* bad byte */
  {"a\xc3", 2, "\"a\xef\xbf\xbd\""},                           /* truncated */
  {"\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\""},             /* overlong */
  {"\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
  {"\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""}, /* surrogate */
  {"\xf4\x90\x80\x80", 4,
   "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},      /* > U+10FFFF */
  {"\xe2\x80\xa8", 3, "\"\\u2028\""},
  {"<b>&", 4, "\"<b>&\""},
};

START_TEST(test_str)
{
  struct evbuffer *b = evbuffer_new();
  char *z;
  ck_assert_int_eq(json_str(b, aStr[_i].zIn, aStr[_i].nIn), 0);
  z = buf_str(b);
  ck_assert_str_eq(z, aStr[_i].zOut);
  free(z);
  evbuffer_free(b);
}
END_TEST

static const struct { const char *zIn; const char *zOut; } aHtml[] = {
  {"plain", "\"plain\""},
  {"a \x02vård\x03 b", "\"a <mark>vård</mark> b\""},
  {"<script>\x02x\x03", "\"&lt;script&gt;<mark>x</mark>\""},
  {"\"'&", "\"&quot;&#39;&amp;\""},
  {"\x02open", "\"<mark>open</mark>\""},
  {"close\x03", "\"close\""},
  {"\x02\x02x\x03\x03", "\"<mark>x</mark>\""},
  {"\xff\x02\xfe\x03", "\"\xef\xbf\xbd<mark>\xef\xbf\xbd</mark>\""},
};

START_TEST(test_html)
{
  struct evbuffer *b = evbuffer_new();
  char *z;
  ck_assert_int_eq(json_html_marked(b, aHtml[_i].zIn, strlen(aHtml[_i].zIn),
                                    '\x02', '\x03'), 0);
  z = buf_str(b);
  ck_assert_str_eq(z, aHtml[_i].zOut);
  free(z);
  evbuffer_free(b);
}
END_TEST

/* Every single byte value, alone and after valid text, gives valid UTF-8. */
START_TEST(test_all_bytes)
{
  struct evbuffer *b = evbuffer_new();
  unsigned char zIn[2];
  char *z;
  size_t i;
  zIn[0] = 'x';
  zIn[1] = (unsigned char)_i;
  ck_assert_int_eq(json_str(b, (const char*)zIn, 2), 0);
  z = buf_str(b);
  for(i=0; z[i]; ){
    int n = utf8_len((const unsigned char*)z+i, strlen(z+i));
    ck_assert_int_gt(n, 0);
    ck_assert((unsigned char)z[i]>=0x20);
    i += n;
  }
  free(z);
  evbuffer_free(b);
}
END_TEST

START_TEST(test_numbers)
{
  struct evbuffer *b = evbuffer_new();
  char *z;
  json_int(b, -42);
  json_raw(b, " ");
  json_double(b, 0.0/0.0);
  json_raw(b, " ");
  json_double(b, 1.5);
  z = buf_str(b);
  ck_assert_str_eq(z, "-42 0 1.5");
  free(z);
  evbuffer_free(b);
}
END_TEST

Suite *json_suite(void){
  Suite *s = suite_create("json");
  TCase *tc = tcase_create("json");
  tcase_add_loop_test(tc, test_str, 0, (int)(sizeof(aStr)/sizeof(aStr[0])));
  tcase_add_loop_test(tc, test_html, 0,
                      (int)(sizeof(aHtml)/sizeof(aHtml[0])));
  tcase_add_loop_test(tc, test_all_bytes, 0, 256);
  tcase_add_test(tc, test_numbers);
  suite_add_tcase(s, tc);
  return s;
}
