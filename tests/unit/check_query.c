/*
** check_query.c: the search-box query language into FTS5 expressions
** (searchd/query.c), including hostile input.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "../../searchd/engine/query.h"

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
  if( strcmp(t->azAlt[0], "lag")==0 ){
    return query_term_add_alt(t, "l\xc3\xa5g", 4, QUERY_ALT_SUGGESTION);
  }
  return QUERY_OK;
}

START_TEST(test_expand)
{
  struct query_opts o = {.xExpand = expand_test};
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

/* A hook that adds multi-word members as phrases and as near groups. */
static int expand_near(void *pArg, struct query_term *t){
  static const char *const azMember[] = {
    "Kiruna nya sjukhus", "barn- och ungdomspsykiatri", "och i", "vård av",
  };
  size_t i;
  int rc = QUERY_OK;
  (void)pArg;
  if( strcmp(t->azAlt[0], "kns")!=0 ) return QUERY_OK;
  for(i=0; rc==QUERY_OK && i<sizeof(azMember)/sizeof(azMember[0]); i++){
    int n = (int)strlen(azMember[i]);
    rc = query_term_add_alt(t, azMember[i], n, QUERY_ALT_SYNONYM);
    if( rc==QUERY_OK ) rc = query_term_add_alt(t, azMember[i], n,
                                               QUERY_ALT_NEAR);
  }
  return rc;
}

/*
** A near group is NEAR() of its words, stop words left out unless all are
** ("och i" keeps both; "vård av" is one word, so no group), one phrase
** per word, each knowing its group's size; the cache key tells a group
** from the phrase of the same text.
*/
START_TEST(test_near)
{
  struct query_opts o = {.xExpand = expand_near};
  struct query *q = 0, *q2 = 0;
  const char *z = "kns vård";
  int i;
  ck_assert_int_eq(query_parse(z, (int)strlen(z), &o, &q), QUERY_OK);
  ck_assert_str_eq(query_match(q), "(((\"kns\" OR \"Kiruna nya sjukhus\" OR "
      "NEAR(\"Kiruna\" \"nya\" \"sjukhus\", 6) OR "
      "\"barn- och ungdomspsykiatri\" OR "
      "NEAR(\"barn-\" \"ungdomspsykiatri\", 3) OR \"och i\" OR "
      "NEAR(\"och\" \"i\", 3) OR \"vård av\")) AND (\"vård\"))");
  ck_assert_int_eq(query_term(q, 0)->nAlt, 8);
  ck_assert_int_eq(query_phrase_count(q), 13);
  for(i=2; i<=4; i++){
    ck_assert_int_eq(query_phrase(q, i)->altKind, QUERY_ALT_NEAR);
    ck_assert_int_eq(query_phrase(q, i)->nGroup, 3);
    ck_assert_int_eq(query_phrase(q, i)->iAlt, 2);
    ck_assert_int_eq(query_phrase(q, i)->iClause, 0);
  }
  ck_assert_str_eq(query_phrase(q, 3)->zText, "nya");
  ck_assert_int_eq(query_phrase(q, 1)->nGroup, 1);
  ck_assert_str_eq(query_phrase(q, 6)->zText, "barn-");
  ck_assert_str_eq(query_phrase(q, 12)->zText, "vård");
  ck_assert_int_eq(query_phrase(q, 12)->iClause, 1);
  /* Without the groups the key differs. */
  ck_assert_int_eq(query_parse(z, (int)strlen(z), 0, &q2), QUERY_OK);
  ck_assert_str_ne(query_key(q), query_key(q2));
  query_free(q2);
  query_free(q);
}
END_TEST

/* A near group with words that hold no ASCII letter: "– " and "å". */
static int expand_near_symbols(void *pArg, struct query_term *t){
  static const char zNear[] = "kiruna \xe2\x80\x93 sjukhus \xc3\xa5";
  (void)pArg;
  return query_term_add_alt(t, zNear, (int)strlen(zNear), QUERY_ALT_NEAR);
}

/* The token hook of a tokenizer that knows "å" as a letter. */
static int token_aring(void *pArg, const char *z, int n){
  (void)pArg;
  return n==2 && memcmp(z, "\xc3\xa5", 2)==0;
}

/*
** FTS5 leaves a word without a token out of a NEAR group, so query.c must
** too, or its phrase numbering is off: without a token hook only ASCII
** letters and digits count; with one, the hook decides.
*/
START_TEST(test_near_tokens)
{
  struct query_opts o = {.xExpand = expand_near_symbols};
  struct query *q = 0;
  ck_assert_int_eq(query_parse("kns", 3, &o, &q), QUERY_OK);
  ck_assert_str_eq(query_match(q), "(((\"kns\" OR "
                   "NEAR(\"kiruna\" \"sjukhus\", 3))))");
  ck_assert_int_eq(query_phrase_count(q), 3);
  query_free(q);
  o.xHasToken = token_aring;
  ck_assert_int_eq(query_parse("kns", 3, &o, &q), QUERY_OK);
  ck_assert_str_eq(query_match(q), "(((\"kns\" OR "
                   "NEAR(\"kiruna\" \"sjukhus\" \"\xc3\xa5\", 6))))");
  ck_assert_int_eq(query_phrase_count(q), 4);
  ck_assert_int_eq(query_phrase(q, 3)->nGroup, 3);
  query_free(q);
}
END_TEST

/* A suggestion is kept on its term (for /search to report), not searched. */
START_TEST(test_expand_suggestion)
{
  struct query_opts o = {.xExpand = expand_test};
  struct query *q = 0;
  const char *z = "lag mamografi";
  ck_assert_int_eq(query_parse(z, (int)strlen(z), &o, &q), QUERY_OK);
  ck_assert_str_eq(query_match(q), "(((\"lag\")) AND "
                   "((\"mamografi\" OR \"mammografi\")))");
  ck_assert_int_eq(query_phrase_count(q), 3);
  ck_assert_int_eq(query_term(q, 0)->nAlt, 2);
  ck_assert_int_eq(query_term(q, 0)->aAltKind[1], QUERY_ALT_SUGGESTION);
  ck_assert_str_eq(query_phrase(q, 1)->zText, "mamografi");
  query_free(q);
}
END_TEST

/*
** The span hook: multi-word units (as a synonyms file has them) typed
** without quotes become one phrase term; the expansion hook then sees it
** as it sees a quoted phrase. Units here: (lower-case ASCII words) and
** their one alternative.
*/
static const char *const azUnit[][2] = {
  {"kiruna nya sjukhus", "KNS"},
  {"nya sjukhus", "NS"},
  {"barn- och ungdomspsykiatri", "BUP"},
};
#define N_UNIT ((int)(sizeof(azUnit)/sizeof(azUnit[0])))

/* Does unit zUnit consist of the words az[0..n) (case-insensitive)? */
static int unit_is(const char *zUnit, const char *const *az, const int *an,
                   int n){
  int i;
  for(i=0; i<n; i++){
    int k = (int)strcspn(zUnit, " ");
    if( k!=an[i] || strncasecmp(zUnit, az[i], k)!=0 ) return 0;
    zUnit += k;
    if( i+1<n && *zUnit++!=' ' ) return 0;
  }
  return *zUnit==0;
}

static int span_test(void *pArg, const char *const *az, const int *an,
                     int n, int *pnUsed){
  int k, u;
  (void)pArg;
  ck_assert_int_ge(n, 2);
  ck_assert_int_le(n, QUERY_MAX_SPAN);
  *pnUsed = 0;
  for(k=n; k>=2; k--){
    for(u=0; u<N_UNIT; u++){
      if( unit_is(azUnit[u][0], az, an, k) ){
        *pnUsed = k;
        return QUERY_OK;
      }
    }
  }
  return QUERY_OK;
}

static int span_expand(void *pArg, struct query_term *t){
  int u;
  (void)pArg;
  for(u=0; u<N_UNIT && t->kind==QUERY_PHRASE; u++){
    if( strcasecmp(t->azAlt[0], azUnit[u][0])==0 ){
      return query_term_add_alt(t, azUnit[u][1], (int)strlen(azUnit[u][1]),
                                QUERY_ALT_SYNONYM);
    }
  }
  return QUERY_OK;
}

static const struct {
  const char *zIn;
  const char *zMatch;
} aSpan[] = {
  {"Kiruna nya sjukhus", "(((\"Kiruna nya sjukhus\" OR \"KNS\")))"},
  {"\"Kiruna nya sjukhus\"", "(((\"Kiruna nya sjukhus\" OR \"KNS\")))"},
  {" Kiruna  nya\tsjukhus ", "(((\"Kiruna nya sjukhus\" OR \"KNS\")))"},
  {"planera Kiruna nya sjukhus hösten",
   "((\"planera\") AND ((\"Kiruna nya sjukhus\" OR \"KNS\")) AND "
   "(\"hösten\"))"},
  /* longest first, then on after the unit */
  {"nya sjukhus i Kiruna",
   "(((\"nya sjukhus\" OR \"NS\")) AND (\"Kiruna\"))"},
  {"Kiruna nya sjukhus nya sjukhus",
   "(((\"Kiruna nya sjukhus\" OR \"KNS\")) AND "
   "((\"nya sjukhus\" OR \"NS\")))"},
  /* a stop word inside a unit stays */
  {"barn- och ungdomspsykiatri",
   "(((\"barn- och ungdomspsykiatri\" OR \"BUP\")))"},
  {"BARN- OCH UNGDOMSPSYKIATRI",
   "(((\"BARN- OCH UNGDOMSPSYKIATRI\" OR \"BUP\")))"},
  /* never across an operator, an exclusion or a prefix */
  {"Kiruna OR nya sjukhus",
   "((\"Kiruna\" OR \"nya\") AND (\"sjukhus\"))"},
  {"Kiruna -nya sjukhus",
   "((\"Kiruna\") AND (\"sjukhus\")) NOT (\"nya\")"},
  {"Kiruna nya sjukhus*",
   "((\"Kiruna\") AND (\"nya\") AND (\"sjukhus\" *))"},
  {"Kiruna \"nya sjukhus\"",
   "((\"Kiruna\") AND ((\"nya sjukhus\" OR \"NS\")))"},
  {"Kiruna nya", "((\"Kiruna\") AND (\"nya\"))"},
  {"sjukhus", "((\"sjukhus\"))"},
};

START_TEST(test_span)
{
  struct query_opts o = {.xExpand = span_expand, .xSpan = span_test};
  struct query *q = 0;
  const char *zIn = aSpan[_i].zIn;
  ck_assert_int_eq(query_parse(zIn, (int)strlen(zIn), &o, &q), QUERY_OK);
  ck_assert_msg(strcmp(query_match(q), aSpan[_i].zMatch)==0,
                "input [%s]: match [%s], want [%s]", zIn, query_match(q),
                aSpan[_i].zMatch);
  query_free(q);
}
END_TEST

/* A joined unit is the same query (same cache key) as the quoted one. */
START_TEST(test_span_key)
{
  struct query_opts o = {.xExpand = span_expand, .xSpan = span_test};
  struct query *a = 0, *b = 0;
  const char *zA = "Kiruna   nya sjukhus", *zB = "\"Kiruna nya sjukhus\"";
  ck_assert_int_eq(query_parse(zA, (int)strlen(zA), &o, &a), QUERY_OK);
  ck_assert_int_eq(query_parse(zB, (int)strlen(zB), &o, &b), QUERY_OK);
  ck_assert_str_eq(query_key(a), query_key(b));
  ck_assert_int_eq(query_term_count(a), 1);
  ck_assert_int_eq(query_term(a, 0)->kind, QUERY_PHRASE);
  query_free(a); query_free(b);
}
END_TEST

/* A 5 KB query of words is refused (too many terms); a huge word stays. */
START_TEST(test_long)
{
  char *z = malloc(6000);
  struct query *q = 0;
  int i;
  for(i=0; i<5999; i++) z[i] = (i%6==5) ? ' ' : 'a' + (i/6)%26;
  z[5999] = 0;
  ck_assert_int_eq(query_parse(z, 5999, 0, &q), QUERY_ETERMS);
  ck_assert_ptr_null(q);
  memset(z, 'x', 5999);
  ck_assert_int_eq(query_parse(z, 5999, 0, &q), QUERY_OK);
  ck_assert_int_eq(query_term_count(q), 1);
  ck_assert_int_eq((int)strlen(query_match(q)), 5999 + 6);
  query_free(q);
  free(z);
}
END_TEST

/* n copies of zUnit (a format with one %d, numbered from 0), joined by
** spaces and wrapped in zOpen/zClose. sqlite3-free-able via free(). */
static char *limit_text(const char *zOpen, const char *zUnit, int n,
                        const char *zClose){
  size_t nAlloc = 64 + (size_t)n*(strlen(zUnit)+16);
  char *z = malloc(nAlloc);
  size_t k;
  int i;
  ck_assert_ptr_nonnull(z);
  k = (size_t)snprintf(z, nAlloc, "%s", zOpen);
  for(i=0; i<n; i++){
    k += (size_t)snprintf(z+k, nAlloc-k, i ? " " : "");
    k += (size_t)snprintf(z+k, nAlloc-k, zUnit, i);
  }
  snprintf(z+k, nAlloc-k, "%s", zClose);
  return z;
}

/* A prefix hook that says every prefix matches pArg's count of words,
** and checks it was told to stop no later than the budget allows. */
static int prefix_test(void *pArg, const char *z, int n, int nMax,
                       int *pnWords){
  (void)z; (void)n;
  ck_assert_int_ge(nMax, 1);
  ck_assert_int_le(nMax, QUERY_MAX_PREFIX_WORDS + 1);
  *pnWords = *(int*)pArg < nMax ? *(int*)pArg : nMax;
  return QUERY_OK;
}

/* Each limit: at the limit the query parses, one past it is refused with
** the limit's code, and query_errmsg() names the number. */
static const struct {
  const char *zOpen, *zUnit, *zClose;
  int nMax;                 /* the limit */
  int nWordsPerPrefix;      /* for the prefix hook; 0: no hook */
  int rc;                   /* the code one past the limit */
} aLimit[] = {
  {"", "w%dx", "", QUERY_MAX_TERMS, 0, QUERY_ETERMS},
  {"", "-w%dx", "", QUERY_MAX_TERMS, 0, QUERY_ETERMS},
  {"", "a%dx OR", " z", QUERY_MAX_TERMS-1, 0, QUERY_ETERMS},
  {"", "pre%d*", "", QUERY_MAX_PREFIXES, 0, QUERY_EPREFIXES},
  {"vård ", "pre%d*", "", QUERY_MAX_PREFIXES, 1, QUERY_EPREFIXES},
  {"", "pre%d*", "", 2, QUERY_MAX_PREFIX_WORDS/2, QUERY_EEXPAND},
  {"", "pre%d*", "", 1, QUERY_MAX_PREFIX_WORDS, QUERY_EEXPAND},
  {"\"", "w%dx", "\"", QUERY_MAX_PHRASE, 0, QUERY_EPHRASE},
  {"vård -\"", "w%dx", "\"", QUERY_MAX_PHRASE, 0, QUERY_EPHRASE},
  {"", "\"a%dx b\"", "", QUERY_MAX_PHRASE/2, 0, QUERY_EPHRASE},
};

START_TEST(test_limits)
{
  int nWords = aLimit[_i].nWordsPerPrefix;
  struct query_opts o = {.xPrefixWords = prefix_test, .pPrefixArg = &nWords};
  const struct query_opts *pOpts = nWords ? &o : 0;
  struct query *q = 0;
  char *zAt = limit_text(aLimit[_i].zOpen, aLimit[_i].zUnit,
                         aLimit[_i].nMax, aLimit[_i].zClose);
  char *zPast = limit_text(aLimit[_i].zOpen, aLimit[_i].zUnit,
                           aLimit[_i].nMax+1, aLimit[_i].zClose);
  char zNum[16];
  ck_assert_msg(query_parse(zAt, (int)strlen(zAt), pOpts, &q)==QUERY_OK,
                "[%s] refused", zAt);
  query_free(q);
  ck_assert_int_eq(query_parse(zPast, (int)strlen(zPast), pOpts, &q),
                   aLimit[_i].rc);
  ck_assert_ptr_null(q);
  ck_assert(query_is_limit(aLimit[_i].rc));
  snprintf(zNum, sizeof(zNum), " %d ", aLimit[_i].rc==QUERY_EEXPAND
           ? QUERY_MAX_PREFIX_WORDS : aLimit[_i].rc==QUERY_ETERMS
           ? QUERY_MAX_TERMS : aLimit[_i].rc==QUERY_EPHRASE
           ? QUERY_MAX_PHRASE : aLimit[_i].nMax);
  ck_assert_msg(strstr(query_errmsg(aLimit[_i].rc), zNum)!=0,
                "[%s] does not name%s", query_errmsg(aLimit[_i].rc), zNum);
  free(zAt);
  free(zPast);
}
END_TEST

/* Short prefixes (searched as words) and stop words count as typed. */
START_TEST(test_limits_other)
{
  struct query *q = 0;
  const char *z = "ab* cd* ef* gh* ij* kl*";
  ck_assert_int_eq(query_parse(z, (int)strlen(z), 0, &q), QUERY_OK);
  query_free(q);
  ck_assert(!query_is_limit(QUERY_OK) && !query_is_limit(QUERY_ENOMEM));
  ck_assert_str_eq(query_errmsg(QUERY_ENOMEM), "out of memory");
}
END_TEST

/* Embedded NUL and other control bytes: the length given is what is
** read, and they part words as spaces do (a NUL inside a term would cut
** its phrase short). */
START_TEST(test_nul)
{
  struct query *q = 0;
  ck_assert_int_eq(query_parse("ab\0cd", 5, 0, &q), QUERY_OK);
  ck_assert_int_eq(query_term_count(q), 2);
  ck_assert_str_eq(query_match(q), "((\"ab\") AND (\"cd\"))");
  query_free(q);
  {
    static const char z[] = "\x01" "ab\x1f\"cd\x7f" " ef\"\x02";
    ck_assert_int_eq(query_parse(z, (int)sizeof(z)-1, 0, &q), QUERY_OK);
  }
  ck_assert_int_eq(query_term_count(q), 2);
  ck_assert_str_eq(query_match(q), "((\"ab\") AND (\"cd  ef\"))");
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

/* A token hook that knows no symbol but the letters of "é" and "ö". */
static int token_test(void *pArg, const char *z, int n){
  (void)pArg;
  return (n>=2 && memcmp(z, "\xc3\xa9", 2)==0)
      || (n>=2 && memcmp(z, "\xc3\xb6", 2)==0);
}

/* Terms the hook says hold no token are dropped, like ASCII punctuation;
** without the hook every non-ASCII term is kept. */
static const struct { const char *zIn, *zHook, *zNoHook; } aTok[] = {
  {"n\xc3\xa4ra \xe2\x80\x93 v", "((\"n\xc3\xa4ra\") AND (\"v\"))",
   "((\"n\xc3\xa4ra\") AND (\"\xe2\x80\x93\") AND (\"v\"))"},
  {"a \xe2\x82\xac", "((\"a\"))", "((\"a\") AND (\"\xe2\x82\xac\"))"},
  {"\xc3\xb6 b", "((\"\xc3\xb6\") AND (\"b\"))",
   "((\"\xc3\xb6\") AND (\"b\"))"},
  {"x -\xe2\x80\xa2", "((\"x\"))",
   "((\"x\")) NOT (\"\xe2\x80\xa2\")"},
};

START_TEST(test_token_hook)
{
  struct query_opts o = {.xHasToken = token_test};
  struct query *q = 0;
  const char *z = aTok[_i].zIn;
  ck_assert_int_eq(query_parse(z, (int)strlen(z), &o, &q), QUERY_OK);
  ck_assert_msg(strcmp(query_match(q), aTok[_i].zHook)==0,
                "[%s]: [%s], want [%s]", z, query_match(q), aTok[_i].zHook);
  query_free(q);
  ck_assert_int_eq(query_parse(z, (int)strlen(z), 0, &q), QUERY_OK);
  ck_assert_msg(strcmp(query_match(q), aTok[_i].zNoHook)==0,
                "[%s]: [%s], want [%s]", z, query_match(q), aTok[_i].zNoHook);
  query_free(q);
}
END_TEST

Suite *query_suite(void){
  Suite *s = suite_create("query");
  TCase *tc = tcase_create("translate");
  tcase_add_loop_test(tc, test_translate, 0,
                      (int)(sizeof(aCase)/sizeof(aCase[0])));
  tcase_add_test(tc, test_phrases);
  tcase_add_test(tc, test_expand);
  tcase_add_test(tc, test_near);
  tcase_add_test(tc, test_near_tokens);
  tcase_add_test(tc, test_expand_suggestion);
  tcase_add_loop_test(tc, test_span, 0,
                      (int)(sizeof(aSpan)/sizeof(aSpan[0])));
  tcase_add_test(tc, test_span_key);
  tcase_add_loop_test(tc, test_token_hook, 0,
                      (int)(sizeof(aTok)/sizeof(aTok[0])));
  tcase_add_test(tc, test_long);
  tcase_add_loop_test(tc, test_limits, 0,
                      (int)(sizeof(aLimit)/sizeof(aLimit[0])));
  tcase_add_test(tc, test_limits_other);
  tcase_add_test(tc, test_nul);
  tcase_add_test(tc, test_key);
  suite_add_tcase(s, tc);
  return s;
}
