/*
** check_params.c: strict query-string decoding (searchd/params.c) and the
** route table lookup.
*/
#include <string.h>

#include <check.h>

#include "../../searchd/http/params.h"

/* Query string, rc wanted, and for PARAMS_OK the value of q wanted. */
static const struct { const char *zIn; int rc; const char *zQ; } aCase[] = {
  {"q=v%C3%A5rd", PARAMS_OK, "vård"},
  {"q=n%C3%A4ra+v%C3%A5rd", PARAMS_OK, "nära vård"},
  {"q=a%2Bb", PARAMS_OK, "a+b"},
  {"limit=5&q=x", PARAMS_OK, "x"},
  {"q=x&q=y", PARAMS_OK, "x"},
  {"q=", PARAMS_OK, ""},
  {"q", PARAMS_OK, ""},
  {"", PARAMS_OK, 0},
  {"&&&", PARAMS_OK, 0},
  {"q=a=b", PARAMS_OK, "a=b"},
  {"q=%22x%22", PARAMS_OK, "\"x\""},
  {"q=%ff%fe", PARAMS_OK, "\xff\xfe"},
  {"q=%", PARAMS_EBAD, 0},
  {"q=%4", PARAMS_EBAD, 0},
  {"q=%G1", PARAMS_EBAD, 0},
  {"q=%%41", PARAMS_EBAD, 0},
  {"q=%00", PARAMS_EBAD, 0},
  {"q=a%00b", PARAMS_EBAD, 0},
  {"%=x", PARAMS_EBAD, 0},
  {"q=0123456789abcdefg", PARAMS_ETOOLONG, 0},
  {"q=0123456789abcdef", PARAMS_OK, "0123456789abcdef"},
  {"q=%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41%41", PARAMS_OK,
   "AAAAAAAAAAAAAAAA"},
};

START_TEST(test_parse)
{
  struct params *p = 0;
  int rc = params_parse(aCase[_i].zIn, 16, &p);
  ck_assert_msg(rc==aCase[_i].rc, "[%s]: rc %d", aCase[_i].zIn, rc);
  if( rc==PARAMS_OK ){
    const char *zQ = params_get(p, "q");
    if( aCase[_i].zQ==0 ) ck_assert_ptr_null(zQ);
    else ck_assert_str_eq(zQ, aCase[_i].zQ);
  }else{
    ck_assert_ptr_null(p);
  }
  params_free(p);
}
END_TEST

/* limit values: wanted rc and value with default 10 in [0, 100]. */
static const struct { const char *zIn; int rc; long v; } aInt[] = {
  {"limit=5", 0, 5}, {"limit=0", 0, 0}, {"limit=100", 0, 100},
  {"", 0, 10}, {"limit=", 0, 10}, {"limit=101", -1, 0},
  {"limit=-1", -1, 0}, {"limit=abc", -1, 0}, {"limit=5x", -1, 0},
  {"limit=+5", -1, 0}, {"limit=%205", -1, 0}, {"limit=1e3", -1, 0},
  {"limit=99999999999999999999999", -1, 0}, {"limit=-", -1, 0},
};

START_TEST(test_int)
{
  struct params *p = 0;
  long v = -7;
  int rc;
  ck_assert_int_eq(params_parse(aInt[_i].zIn, 64, &p), PARAMS_OK);
  rc = params_get_int(p, "limit", 10, 0, 100, &v);
  ck_assert_msg(rc==aInt[_i].rc, "[%s]: rc %d", aInt[_i].zIn, rc);
  if( rc==0 ) ck_assert_int_eq(v, aInt[_i].v);
  params_free(p);
}
END_TEST

START_TEST(test_null)
{
  struct params *p = 0;
  ck_assert_int_eq(params_parse(0, 16, &p), PARAMS_OK);
  ck_assert_ptr_null(params_get(p, "q"));
  params_free(p);
  params_free(0);
}
END_TEST

/* The shared assignment filters: values, absence, and each kind of 400. */
START_TEST(test_assign)
{
  static const struct {
    const char *zIn;
    int bErr;
    unsigned mStatus;
    int eOpen;
    const char *zSeries;
  } a[] = {
    {"", 0, 0, -1, 0},
    {"status=done,ongoing&open=true&series=/r/x", 0, 0, 1, "/r/x"},
    {"open=false&series=", 0, 0, 0, 0},
    {"open=", 0, 0, -1, 0},
    {"open=yes", 1, 0, -1, 0},
    {"status=klart", 1, 0, -1, 0},
  };
  char zLong[1100+8];
  size_t i;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    struct params *p = 0;
    unsigned m = 99;
    int e = 99;
    const char *zS = "x", *zErr;
    ck_assert_int_eq(params_parse(a[i].zIn, 2048, &p), PARAMS_OK);
    zErr = params_get_assign(p, &m, &e, &zS);
    ck_assert_msg((zErr!=0)==a[i].bErr, "[%s]", a[i].zIn);
    if( !a[i].bErr ){
      ck_assert_int_eq(e, a[i].eOpen);
      if( a[i].zSeries ) ck_assert_str_eq(zS, a[i].zSeries);
      else ck_assert_ptr_null(zS);
      ck_assert_int_eq(m!=0, strstr(a[i].zIn, "status=")!=0);
    }
    params_free(p);
  }
  memcpy(zLong, "series=", 7);
  memset(zLong+7, 'a', 1100);
  zLong[1107] = 0;
  {
    struct params *p = 0;
    unsigned m;
    int e;
    const char *zS;
    ck_assert_int_eq(params_parse(zLong, 2048, &p), PARAMS_OK);
    ck_assert_ptr_nonnull(params_get_assign(p, &m, &e, &zS));
    params_free(p);
  }
}
END_TEST

Suite *params_suite(void){
  Suite *s = suite_create("params");
  TCase *tc = tcase_create("params");
  tcase_add_loop_test(tc, test_parse, 0, (int)(sizeof(aCase)/sizeof(aCase[0])));
  tcase_add_loop_test(tc, test_int, 0, (int)(sizeof(aInt)/sizeof(aInt[0])));
  tcase_add_test(tc, test_null);
  tcase_add_test(tc, test_assign);
  suite_add_tcase(s, tc);
  return s;
}
