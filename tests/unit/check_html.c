/*
** check_html.c: the field cleaner (indexer/html.c).
*/
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../indexer/html.h"

static const struct { const char *zIn, *zOut; } aCase[] = {
  /* plain text and white space */
  {"", ""},
  {"   ", ""},
  {"Stabsplan 2018", "Stabsplan 2018"},
  {"  a \t\r\n b  ", "a b"},
  /* <p> wrappers and two paragraphs */
  {"<p>RS 170503, \xC2\xA7 107</p>", "RS 170503, \xC2\xA7 107"},
  {"<p>Ett.</p> <p>Tv\xC3\xA5.</p>", "Ett. Tv\xC3\xA5."},
  {"<p>a</p><p>b</p>", "a b"},
  /* unclosed <ol> with inline numbered items (2021 sample) */
  {"<p>i uppdrag att:</p> <ol style=\"list-style-type: none\"> 1. F\xC3\xB6rst. 2. Sedan. ",
   "i uppdrag att: 1. F\xC3\xB6rst. 2. Sedan."},
  {"<ol style=\"list-style-type: none\"> 1. Kommunen", "1. Kommunen"},
  /* block tags break words, inline tags do not */
  {"v\xC3\xA5rd<br>plan", "v\xC3\xA5rd plan"},
  {"v\xC3\xA5r<b>d</b>plan", "v\xC3\xA5rdplan"},
  {"<SPAN class=x>ett</SPAN> tv\xC3\xA5", "ett tv\xC3\xA5"},
  {"a<li>b</li><LI>c", "a b c"},
  {"a<unknowntag>b", "a b"},
  {"<a href=\"x>y\">l\xC3\xA4nk</a>", "l\xC3\xA4nk"},
  {"a<!-- kommentar <p> -->b", "a b"},
  /* stray < and unclosed tags stay text */
  {"a < b", "a < b"},
  {"a<3 b", "a<3 b"},
  {"text <p", "text <p"},
  {"x <!-- aldrig st\xC3\xA4ngd", "x <!-- aldrig st\xC3\xA4ngd"},
  {"<", "<"},
  /* entities */
  {"A &amp; B", "A & B"},
  {"&quot;Samverkan&quot;", "\"Samverkan\""},
  {"a&nbsp;b", "a b"},
  {"a &nbsp; &nbsp;b", "a b"},
  {"&nbsp;a&nbsp;", "a"},
  {"h&#246;st", "h\xC3\xB6st"},
  {"h&#xF6;st &#XF6;", "h\xC3\xB6st \xC3\xB6"},
  {"h&ouml;st &Ouml;vre &aring;&auml; &Aring;&Auml;", "h\xC3\xB6st \xC3\x96vre \xC3\xA5\xC3\xA4 \xC3\x85\xC3\x84"},
  {"&eacute;&uuml;&szlig;&yuml;&iexcl;", "\xC3\xA9\xC3\xBC\xC3\x9F\xC3\xBF\xC2\xA1"},
  {"&lt;p&gt;", "<p>"},
  {"2015&ndash;2018 &euro;", "2015\xE2\x80\x93" "2018 \xE2\x82\xAC"},
  {"h\xC3\xA4lso&shy;v\xC3\xA5rd", "h\xC3\xA4lsov\xC3\xA5rd"},
  {"&#150;", "\xE2\x80\x93"},                 /* Windows-1252 en dash */
  {"&#0;&#xD800;&#x110000;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
  {"&#128512;", "\xF0\x9F\x98\x80"},
  /* stray & stays text */
  {"A & B", "A & B"},
  {"&", "&"},
  {"&amp", "&amp"},
  {"&unknown;", "&unknown;"},
  {"&#;&#x;&#12a;", "&#;&#x;&#12a;"},
  {"&&amp;", "&&"},
  {"R&D;", "R&D;"},
  /* other scripts glued into words are kept (2018 sample) */
  {"folkh\xC3\xA4lsost\xD8\xB1\xD8\xA7\xD8\xAA\xDB\x8C", "folkh\xC3\xA4lsost\xD8\xB1\xD8\xA7\xD8\xAA\xDB\x8C"},
};

START_TEST(test_clean){
  size_t n = strlen(aCase[_i].zIn);
  char *z = malloc(n+1);
  size_t nOut;
  ck_assert_ptr_nonnull(z);
  memcpy(z, aCase[_i].zIn, n+1);
  nOut = html_clean(z, n);
  ck_assert_str_eq(z, aCase[_i].zOut);
  ck_assert_uint_eq(nOut, strlen(aCase[_i].zOut));
  ck_assert_uint_le(nOut, n);
  free(z);
}
END_TEST

/* A field need not be NUL-terminated: only n bytes are read. */
START_TEST(test_bounded){
  char z[] = "<p>ab</p>XYZ";
  size_t nOut = html_clean(z, 9);
  ck_assert_uint_eq(nOut, 2);
  ck_assert_str_eq(z, "ab");
  ck_assert_str_eq(&z[9], "XYZ");
}
END_TEST

START_TEST(test_entity){
  char z[4];
  ck_assert_int_eq(html_entity("ouml", 4, z), 2);
  ck_assert_int_eq(memcmp(z, "\xC3\xB6", 2), 0);
  ck_assert_int_eq(html_entity("amp", 3, z), 1);
  ck_assert_int_eq(z[0], '&');
  ck_assert_int_eq(html_entity("shy", 3, z), 0);
  ck_assert_int_eq(html_entity("nosuch", 6, z), -1);
  ck_assert_int_eq(html_entity("OUML", 4, z), -1);  /* names are case-sensitive */
}
END_TEST

/* Every HTML 4 Latin-1 entity (U+00A0..U+00FF) is known. */
START_TEST(test_latin1){
  static const char *const az[] = {
    "nbsp","iexcl","cent","pound","curren","yen","brvbar","sect","uml",
    "copy","ordf","laquo","not","shy","reg","macr","deg","plusmn","sup2",
    "sup3","acute","micro","para","middot","cedil","sup1","ordm","raquo",
    "frac14","frac12","frac34","iquest","Agrave","Aacute","Acirc","Atilde",
    "Auml","Aring","AElig","Ccedil","Egrave","Eacute","Ecirc","Euml",
    "Igrave","Iacute","Icirc","Iuml","ETH","Ntilde","Ograve","Oacute",
    "Ocirc","Otilde","Ouml","times","Oslash","Ugrave","Uacute","Ucirc",
    "Uuml","Yacute","THORN","szlig","agrave","aacute","acirc","atilde",
    "auml","aring","aelig","ccedil","egrave","eacute","ecirc","euml",
    "igrave","iacute","icirc","iuml","eth","ntilde","ograve","oacute",
    "ocirc","otilde","ouml","divide","oslash","ugrave","uacute","ucirc",
    "uuml","yacute","thorn","yuml"
  };
  size_t i;
  for(i=0; i<sizeof(az)/sizeof(az[0]); i++){
    char z[4];
    int cp = 0xA0 + (int)i, n = html_entity(az[i], strlen(az[i]), z);
    if( cp==0xAD ){ ck_assert_int_eq(n, 0); continue; }
    ck_assert_msg(n==2, "&%s; not decoded", az[i]);
    ck_assert_int_eq(((z[0] & 0x1F)<<6) | (z[1] & 0x3F), cp);
  }
}
END_TEST

/* A big field: linear, and cleaned in place. */
START_TEST(test_big){
  size_t n = 10u<<20, i, nOut;
  char *z = malloc(n+1);
  ck_assert_ptr_nonnull(z);
  for(i=0; i<n; i++) z[i] = "<p>ab &amp; c</p>"[i%17];
  nOut = html_clean(z, n);
  ck_assert_uint_gt(nOut, 0);
  ck_assert_uint_lt(nOut, n);
  ck_assert_int_eq(strncmp(z, "ab & c ab & c", 13), 0);
  free(z);
}
END_TEST

Suite *html_suite(void){
  Suite *s = suite_create("html");
  TCase *tc = tcase_create("clean");
  tcase_add_loop_test(tc, test_clean, 0, (int)(sizeof(aCase)/sizeof(aCase[0])));
  tcase_add_test(tc, test_bounded);
  tcase_add_test(tc, test_entity);
  tcase_add_test(tc, test_latin1);
  tcase_add_test(tc, test_big);
  suite_add_tcase(s, tc);
  return s;
}
