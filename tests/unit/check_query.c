/*
** check_query.c: the search-box query language into FTS5 expressions
** (searchd/query.c), including hostile input.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../searchd/query.h"

/* Input, the MATCH expression wanted ("" for none), the relaxed one. */
static const struct {
  const char *zIn;
  const char *zMatch;
  const char *zRelaxed;
} aCase[] = {
  {"vård", "((\"vård\"))", 0},
  {"nära vård", "((\"nära\") AND (\"vård\"))", "((\"nära\") OR (\"vård\"))"},
  {"  nära\t\nvård  ", "((\"nära\") AND (\"vård\"))", "((\"nära\") OR (\"vård\"))"},
  {"\"nära vård\"", "((\"nära vård\"))", 0},
  {"vård -covid", "((\"vård\")) NOT (\"covid\")", 0},
  {"vård -\"nära vård\"", "((\"vård\")) NOT (\"nära vård\")", 0},
  {"ivf OR fertilitet", "((\"ivf\" OR \"fertilitet\"))", 0},
  {"a1 OR b2 c3", "((\"a1\" OR \"b2\") AND (\"c3\"))",
   "((\"a1\" OR \"b2\") OR (\"c3\"))"},
  {"mammo*", "((\"mammo\" *))", 0},
  {"vår*", "((\"vår\" *))", 0},
  {"vå*", "((\"vå\"))", 0},
  {"a*", "((\"a\"))", 0},
  {"mammo** vård", "((\"mammo\" *) AND (\"vård\"))",
   "((\"mammo\" *) OR (\"vård\"))"},
  /* stop words: dropped from multi-word queries, kept when all are */
  {"vård och omsorg", "((\"vård\") AND (\"omsorg\"))",
   "((\"vård\") OR (\"omsorg\"))"},
  {"och", "((\"och\"))", 0},
  {"och i", "((\"och\") AND (\"i\"))", "((\"och\") OR (\"i\"))"},
  {"\"vård och omsorg\"", "((\"vård och omsorg\"))", 0},
  {"nära", "((\"nära\"))", 0},
  /* everything else is literal */
  {"covid-19", "((\"covid-19\"))", 0},
  {"e-hälsa", "((\"e-hälsa\"))", 0},
  {"a:b", "((\"a:b\"))", 0},
  {"(vård)", "((\"(vård)\"))", 0},
  {"vård NEAR omsorg", "((\"vård\") AND (\"NEAR\") AND (\"omsorg\"))",
   "((\"vård\") OR (\"NEAR\") OR (\"omsorg\"))"},
  {"vård AND omsorg", "((\"vård\") AND (\"AND\") AND (\"omsorg\"))",
   "((\"vård\") OR (\"AND\") OR (\"omsorg\"))"},
  {"vård or omsorg", "((\"vård\") AND (\"or\") AND (\"omsorg\"))",
   "((\"vård\") OR (\"or\") OR (\"omsorg\"))"},
  {"OR", "((\"OR\"))", 0},
  {"OR vård", "((\"OR\") AND (\"vård\"))", "((\"OR\") OR (\"vård\"))"},
  {"vård OR", "((\"vård\") AND (\"OR\"))", "((\"vård\") OR (\"OR\"))"},
  {"vård OR -x", "((\"vård\") AND (\"OR\")) NOT (\"x\")",
   "((\"vård\") OR (\"OR\")) NOT (\"x\")"},
  {"OR OR OR", "((\"OR\") AND (\"OR\") AND (\"OR\"))",
   "((\"OR\") OR (\"OR\") OR (\"OR\"))"},
  /* quotes */
  {"\"vård", "((\"vård\"))", 0},
  {"vård\"", "((\"vård\"\"\"))", 0},
  {"a\"b", "((\"a\"\"b\"))", 0},
  {"\"\"", "", 0},
  {"\"", "", 0},
  {"\"\"\"", "", 0},
  {"\" \"", "", 0},
  {"\"vård\" \"", "((\"vård\"))", 0},
  /* only operators or punctuation */
  {"-", "", 0},
  {"*", "", 0},
  {"-*", "", 0},
  {"()", "", 0},
  {"^", "", 0},
  {"- - -", "", 0},
  {"-vård", "((\"vård\"))", 0},
  {"-vård -omsorg", "((\"vård\") AND (\"omsorg\"))",
   "((\"vård\") OR (\"omsorg\"))"},
  {"*vård", "((\"*vård\"))", 0},
  {"vård*omsorg", "((\"vård*omsorg\"))", 0},
  {"{assignment}:vård", "((\"{assignment}:vård\"))", 0},
  {"assignment:vård", "((\"assignment:vård\"))", 0},
  {"vård^", "((\"vård^\"))", 0},
  {"\\\"", "", 0},
  {"\\x", "((\"\\x\"))", 0},
  {"\xff\xfe", "((\"\xff\xfe\"))", 0},
};

START_TEST(test_translate)
{
  struct query *q = 0;
  const char *zIn = aCase[_i].zIn;
  const char *zM, *zR;
  ck_assert_int_eq(query_parse(zIn, (int)strlen(zIn), 0, &q), QUERY_OK);
  zM = query_match(q);
  zR = query_relaxed(q);
  ck_assert_msg(strcmp(zM ? zM : "", aCase[_i].zMatch)==0,
                "input [%s]: got [%s], want [%s]", zIn, zM ? zM : "",
                aCase[_i].zMatch);
  ck_assert_msg(strcmp(zR ? zR : "", aCase[_i].zRelaxed ? aCase[_i].zRelaxed
                                                         : "")==0,
                "input [%s]: relaxed [%s]", zIn, zR ? zR : "");
  query_free(q);
}
END_TEST

/* Every phrase of the expression is described, in order. */
START_TEST(test_phrases)
{
  struct query *q = 0;
  const char *z = "a1 OR b2 c3 -d4 \"e5 f6\"";
  ck_assert_int_eq(query_parse(z, (int)strlen(z), 0, &q), QUERY_OK);
  ck_assert_int_eq(query_clause_count(q), 3);
  ck_assert_int_eq(query_phrase_count(q), 5);
  ck_assert_str_eq(query_phrase(q, 0)->zText, "a1");
  ck_assert_int_eq(query_phrase(q, 1)->iClause, 0);
  ck_assert_str_eq(query_phrase(q, 3)->zText, "e5 f6");
  ck_assert_int_eq(query_phrase(q, 3)->iClause, 2);
  ck_assert_str_eq(query_phrase(q, 4)->zText, "d4");
  ck_assert_int_eq(query_phrase(q, 4)->iClause, -1);
  query_free(q);
}
END_TEST

/* The expansion hook adds alternatives, ORed inside the term's group. */
static int expand_test(void *pArg, struct query_term *t){
  (void)pArg;
  if( strcmp(t->azAlt[0], "suicid")==0 ){
    return query_term_add_alt(t, "självmord", 10, QUERY_ALT_SYNONYM);
  }
  if( strcmp(t->azAlt[0], "mamografi")==0 ){
    return query_term_add_alt(t, "mammografi", 10, QUERY_ALT_CORRECTION);
  }
  return QUERY_OK;
}

START_TEST(test_expand)
{
  struct query_opts o = {expand_test, 0};
  struct query *q = 0;
  const char *z = "suicid mamografi -suicid";
  ck_assert_int_eq(query_parse(z, (int)strlen(z), &o, &q), QUERY_OK);
  ck_assert_str_eq(query_match(q), "(((\"suicid\" OR \"självmord\")) AND "
                   "((\"mamografi\" OR \"mammografi\"))) NOT (\"suicid\")");
  ck_assert_int_eq(query_phrase_count(q), 5);
  ck_assert_int_eq(query_phrase(q, 1)->altKind, QUERY_ALT_SYNONYM);
  ck_assert_int_eq(query_phrase(q, 1)->iClause, 0);
  ck_assert_int_eq(query_phrase(q, 3)->altKind, QUERY_ALT_CORRECTION);
  query_free(q);
}
END_TEST

/* A 5 KB query keeps its first QUERY_MAX_TERMS terms; a huge word stays. */
START_TEST(test_long)
{
  char *z = malloc(6000);
  struct query *q = 0;
  int i;
  for(i=0; i<5999; i++) z[i] = (i%6==5) ? ' ' : 'a' + (i/6)%26;
  z[5999] = 0;
  ck_assert_int_eq(query_parse(z, 5999, 0, &q), QUERY_OK);
  ck_assert_int_eq(query_term_count(q), QUERY_MAX_TERMS);
  query_free(q);
  memset(z, 'x', 5999);
  ck_assert_int_eq(query_parse(z, 5999, 0, &q), QUERY_OK);
  ck_assert_int_eq(query_term_count(q), 1);
  ck_assert_int_eq((int)strlen(query_match(q)), 5999 + 6);
  query_free(q);
  free(z);
}
END_TEST

/* Embedded NUL: the length given is what is read. */
START_TEST(test_nul)
{
  struct query *q = 0;
  ck_assert_int_eq(query_parse("ab\0cd", 5, 0, &q), QUERY_OK);
  ck_assert_int_eq(query_term_count(q), 1);
  query_free(q);
}
END_TEST

/* The cache key ignores spacing and keeps kinds apart. */
START_TEST(test_key)
{
  struct query *a = 0, *b = 0, *c = 0;
  const char *zA = "nära  vård", *zB = " nära vård ", *zC = "\"nära vård\"";
  ck_assert_int_eq(query_parse(zA, (int)strlen(zA), 0, &a), QUERY_OK);
  ck_assert_int_eq(query_parse(zB, (int)strlen(zB), 0, &b), QUERY_OK);
  ck_assert_int_eq(query_parse(zC, (int)strlen(zC), 0, &c), QUERY_OK);
  ck_assert_str_eq(query_key(a), query_key(b));
  ck_assert_str_ne(query_key(a), query_key(c));
  query_free(a); query_free(b); query_free(c);
}
END_TEST

Suite *query_suite(void){
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("translate");
  tcase_add_loop_test(tc, test_translate, 0,
                      (int)(sizeof(aCase)/sizeof(aCase[0])));
  tcase_add_test(tc, test_phrases);
  tcase_add_test(tc, test_expand);
  tcase_add_test(tc, test_long);
  tcase_add_test(tc, test_nul);
  tcase_add_test(tc, test_key);
  suite_add_tcase(s, tc);
  return s;
}
