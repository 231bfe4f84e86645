/*
** check_synonyms.c: loading synonym files and matching query words.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"
#include "../../searchd/http/conf.h"
#include "../../searchd/box/ext.h"
#include "../../searchd/engine/query.h"
#include "../../searchd/box/synonyms.h"

#define SHIPPED "../searchd/synonyms.txt"

/* Write zText to a new temporary file; returns its path (free it). */
static char *write_temp(const char *zText, size_t n){
  char *zPath = strdup("/tmp/check_synonyms_XXXXXX");
  int fd;
  ck_assert_ptr_nonnull(zPath);
  fd = mkstemp(zPath);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq((int)write(fd, zText, n), (int)n);
  ck_assert_int_eq(close(fd), 0);
  return zPath;
}

static sqlite3 *tokenizer_db(void){
  sqlite3 *db = 0;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(db), SQLITE_OK);
  return db;
}

/* Split zQuery on spaces and match; return the alternatives joined by '|'. */
static void match_words(const struct synonyms *p, sqlite3 *db,
                        const char *zQuery, int *pnUsed, char *zOut,
                        size_t nOut){
  const char *az[16];
  int an[16];
  int n = 0, i;
  struct synonyms_hit hit;
  struct synonyms_stemmer *pStem = 0;
  const char *z = zQuery;
  while( *z && n<16 ){
    const char *zEnd = strchr(z, ' ');
    int len = zEnd ? (int)(zEnd - z) : (int)strlen(z);
    az[n] = z; an[n] = len; n++;
    z += len + (zEnd ? 1 : 0);
  }
  ck_assert_int_eq(synonyms_stemmer_new(db, &pStem), SQLITE_OK);
  ck_assert_int_eq(synonyms_match(p, pStem, az, an, n, &hit), SQLITE_OK);
  synonyms_stemmer_free(pStem);
  *pnUsed = hit.nUsed;
  zOut[0] = 0;
  for(i=0; i<hit.nAlt; i++){
    size_t k = strlen(zOut);
    snprintf(zOut+k, nOut-k, "%s%s", i ? "|" : "", hit.azAlt[i]);
  }
}

static const struct {
  const char *zQuery;
  int nUsed;
  const char *zAlt;
} aMatch[] = {
  {"självmord",              1, "suicid"},
  {"självmordet",            1, "suicid"},
  {"självmordens",           1, "suicid"},
  {"Suicid",                 1, "självmord"},
  {"KNS",                    1, "Kiruna nya sjukhus"},
  {"kns ska",                1, "Kiruna nya sjukhus"},
  {"Kiruna nya sjukhus",     3, "KNS"},
  {"IVA",                    1, "intensivvård|intensivvårdsavdelning"},
  {"BUP",                    1, "barn- och ungdomspsykiatri"},
  {"barn- och ungdomspsykiatri", 3, "BUP"},
  {"RUS",                    1, "regional utvecklingsstrategi"},
  {"regionala utvecklingsstrategier", 2, "RUS"},
  {"vård",                   0, ""},
  {"Kiruna",                 0, ""},
  {"",                       0, ""},
};

START_TEST(test_match){
  struct synonyms *p = 0;
  sqlite3 *db = tokenizer_db();
  char *zErr = 0;
  char zAlt[512];
  int nUsed = -1;
  ck_assert_msg(synonyms_load(SHIPPED, &p, &zErr)==SQLITE_OK, "%s", zErr);
  ck_assert_ptr_null(zErr);
  match_words(p, db, aMatch[_i].zQuery, &nUsed, zAlt, sizeof(zAlt));
  /* The alternatives begin with the expected ones (a word the stemmer
  ** does not reduce may bring one more inflection). */
  ck_assert_msg(nUsed==aMatch[_i].nUsed
                && strncmp(zAlt, aMatch[_i].zAlt, strlen(aMatch[_i].zAlt))==0
                && (aMatch[_i].zAlt[0] || zAlt[0]==0),
                "'%s': used %d alt '%s', want %d '%s'", aMatch[_i].zQuery,
                nUsed, zAlt, aMatch[_i].nUsed, aMatch[_i].zAlt);
  synonyms_free(p);
  sqlite3_close(db);
}
END_TEST

static const struct {
  const char *zText;
  int rc;
  const char *zErrPart;     /* expected in the message */
  int nSet;
} aFile[] = {
  {"a, b\n",                              SQLITE_OK, 0, 1},
  {"# only a comment\n\n   \n",           SQLITE_OK, 0, 0},
  {"a, b # trailing comment\r\nc,d,e",    SQLITE_OK, 0, 2},
  {"\xef\xbb\xbf" "a, b\n",               SQLITE_OK, 0, 1},
  {"a, b,\n",                             SQLITE_OK, 0, 1},
  {"a\n",                                 SQLITE_FORMAT, ":1: a set needs", 0},
  {"a, b\nc\n",                           SQLITE_FORMAT, ":2: a set needs", 0},
  {"a, b\nc, A\n",                        SQLITE_FORMAT, ":2: 'a' is already", 0},
  {"a, ---\n",                            SQLITE_FORMAT, "has no words", 0},
  {"a, \xff\xfe\n",                       SQLITE_FORMAT, "not valid UTF-8", 0},
  {"a, b c d e f g h i j\n",              SQLITE_FORMAT, "too many words", 0},
  {"",                                    SQLITE_OK, 0, 0},
};

START_TEST(test_file){
  char *zPath = write_temp(aFile[_i].zText, strlen(aFile[_i].zText));
  struct synonyms *p = 0;
  char *zErr = 0;
  int rc = synonyms_load(zPath, &p, &zErr);
  ck_assert_msg(rc==aFile[_i].rc, "case %d: rc %d (%s)", _i, rc, zErr);
  if( rc==SQLITE_OK ){
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(synonyms_count(p), aFile[_i].nSet);
  }else{
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(zErr);
    ck_assert_msg(strstr(zErr, aFile[_i].zErrPart)!=0, "case %d: %s", _i,
                  zErr);
    ck_assert_msg(strstr(zErr, zPath)!=0, "message names the file: %s", zErr);
  }
  sqlite3_free(zErr);
  synonyms_free(p);
  unlink(zPath);
  free(zPath);
}
END_TEST

START_TEST(test_missing_and_big){
  struct synonyms *p = (struct synonyms*)1;
  char *zErr = 0;
  char *zBig, *zPath;
  ck_assert_int_eq(synonyms_load("/nonexistent/syn.txt", &p, &zErr),
                   SQLITE_CANTOPEN);
  ck_assert_ptr_null(p);
  ck_assert_ptr_nonnull(strstr(zErr, "/nonexistent/syn.txt"));
  sqlite3_free(zErr);
  zBig = malloc(SYNONYMS_MAX_FILE + 10);
  ck_assert_ptr_nonnull(zBig);
  memset(zBig, '#', SYNONYMS_MAX_FILE + 10);
  zPath = write_temp(zBig, SYNONYMS_MAX_FILE + 10);
  ck_assert_int_eq(synonyms_load(zPath, &p, &zErr), SQLITE_TOOBIG);
  sqlite3_free(zErr);
  unlink(zPath);
  free(zPath);
  free(zBig);
  ck_assert_int_eq(synonyms_load(0, &p, &zErr), SQLITE_OK);
  ck_assert_int_eq(synonyms_count(p), 0);
  synonyms_free(p);
}
END_TEST

/* Rewrite the file at zPath with zText. */
static void rewrite(const char *zPath, const char *zText){
  FILE *f = fopen(zPath, "w");
  ck_assert_ptr_nonnull(f);
  ck_assert_int_eq(fputs(zText, f) >= 0, 1);
  ck_assert_int_eq(fclose(f), 0);
}

/* The query options of one synonyms module state, as ext.c makes them. */
static struct query_opts module_opts(void *pState){
  struct query_opts o;
  memset(&o, 0, sizeof(o));
  o.xExpand = synonyms_module_expand;
  o.xSpan = synonyms_module_span;
  o.pExpandArg = pState;
  return o;
}

/* The alternatives the module gives the one-term query zQuery: synonyms
** as written, near groups (query.h) after a '~'. */
static void module_alts(void *pState, const char *zQuery, char *zOut,
                        size_t nOut){
  struct query_opts o = module_opts(pState);
  struct query *q = 0;
  const struct query_term *t;
  int i;
  ck_assert_int_eq(query_parse(zQuery, (int)strlen(zQuery), &o, &q),
                   QUERY_OK);
  t = query_term(q, 0);
  zOut[0] = 0;
  for(i=1; i<t->nAlt; i++){
    size_t k = strlen(zOut);
    ck_assert(t->aAltKind[i]==QUERY_ALT_SYNONYM
              || t->aAltKind[i]==QUERY_ALT_NEAR);
    snprintf(zOut+k, nOut-k, "%s%s%s", i>1 ? "|" : "",
             t->aAltKind[i]==QUERY_ALT_NEAR ? "~" : "", t->azAlt[i]);
  }
  query_free(q);
}

/* Open the module on zPath (NULL: none given), previous state pPrev. */
static int module_open(const char *zPath, sqlite3 *db, void *pPrev,
                       void **ppState, char **pzErr){
  struct conf conf;
  memset(&conf, 0, sizeof(conf));
  conf.zSynonyms = zPath;
  *pzErr = 0;
  return synonyms_module_open(&conf, db, pPrev, ppState, pzErr);
}

/* What a worker does at start and again after SIGHUP: open the module. */
START_TEST(test_module_reload){
  char *zPath = write_temp("alfa, beta\n", 11);
  sqlite3 *db = tokenizer_db();
  void *pState = 0, *pNew = 0;
  char *zErr = 0;
  char zAlt[256];
  ck_assert_int_eq(module_open(zPath, db, 0, &pState, &zErr), EXT_OK);
  module_alts(pState, "alfa", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "beta");
  module_alts(pState, "\"kns\"", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "");
  rewrite(zPath, "alfa, gamma, \"delta epsilon\"\n");
  ck_assert_int_eq(module_open(zPath, db, pState, &pNew, &zErr), EXT_OK);
  synonyms_module_close(pState);
  pState = pNew;
  module_alts(pState, "alfa", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "gamma|\"delta epsilon\"|~\"delta epsilon\"");
  module_alts(pState, "\"Delta Epsilon\"", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "alfa|gamma|~Delta Epsilon");
  /* A bad file on a reload: the previous sets stay, even once the
  ** previous state is closed (the table is shared, not copied). */
  rewrite(zPath, "alfa, gamma\nbeta\n");
  ck_assert_int_eq(module_open(zPath, db, pState, &pNew, &zErr), EXT_OK);
  ck_assert_ptr_null(zErr);
  synonyms_module_close(pState);
  pState = pNew;
  module_alts(pState, "alfa", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "gamma|\"delta epsilon\"|~\"delta epsilon\"");
  synonyms_module_close(pState);
  ck_assert_int_eq(module_open("", db, 0, &pState, &zErr), EXT_OK);
  module_alts(pState, "alfa", zAlt, sizeof(zAlt));
  ck_assert_str_eq(zAlt, "");
  synonyms_module_close(pState);
  sqlite3_close(db);
  unlink(zPath);
  free(zPath);
}
END_TEST

/*
** Multi-word members typed without quotes (the span hook): the words are
** joined into one phrase term that gets the set's other members; the
** other words stay as they are. Terms are shown as text, [phrase], and
** =first alternative.
*/
static const struct {
  const char *zQuery;
  const char *zTerms;
} aSpan[] = {
  {"Kiruna nya sjukhus",                "[Kiruna nya sjukhus]=KNS"},
  {"kiruna NYA  Sjukhus",               "[kiruna NYA Sjukhus]=KNS"},
  {"planera Kiruna nya sjukhus hösten",
   "planera [Kiruna nya sjukhus]=KNS hösten"},
  {"barn- och ungdomspsykiatri",        "[barn- och ungdomspsykiatri]=BUP"},
  {"BUP barn- och ungdomspsykiatri",
   "BUP=barn- och ungdomspsykiatri [barn- och ungdomspsykiatri]=BUP"},
  {"regionala utvecklingsstrategin",    "[regionala utvecklingsstrategin]=RUS"},
  {"Sveriges Kommuner och Regioner",    "[Sveriges Kommuner och Regioner]=SKR"},
  {"Sveriges Kommuner",                 "Sveriges Kommuner"},
  {"Kiruna nya",                        "Kiruna nya"},
  {"nya sjukhus",                       "nya sjukhus"},
  {"Kiruna -nya sjukhus",               "Kiruna -nya sjukhus"},
  {"Kiruna OR nya sjukhus",             "Kiruna nya sjukhus"},
  {"\"Kiruna nya sjukhus\"",            "[Kiruna nya sjukhus]=KNS"},
};

/* Describe q's terms as aSpan[].zTerms does. */
static void describe(const struct query *q, char *zOut, size_t nOut){
  int i, n = query_term_count(q);
  zOut[0] = 0;
  for(i=0; i<n; i++){
    const struct query_term *t = query_term(q, i);
    size_t k = strlen(zOut);
    snprintf(zOut+k, nOut-k, "%s%s%s%s%s%s%s", i ? " " : "",
             t->bNot ? "-" : "", t->kind==QUERY_PHRASE ? "[" : "",
             t->azAlt[0], t->kind==QUERY_PHRASE ? "]" : "",
             t->nAlt>1 ? "=" : "", t->nAlt>1 ? t->azAlt[1] : "");
  }
}

START_TEST(test_module_span){
  sqlite3 *db = tokenizer_db();
  void *pState = 0;
  char *zErr = 0;
  char zOut[512];
  struct query_opts o;
  struct query *q = 0;
  const char *zQ = aSpan[_i].zQuery;
  ck_assert_int_eq(module_open(SHIPPED, db, 0, &pState, &zErr), EXT_OK);
  o = module_opts(pState);
  ck_assert_int_eq(query_parse(zQ, (int)strlen(zQ), &o, &q), QUERY_OK);
  describe(q, zOut, sizeof(zOut));
  ck_assert_msg(strcmp(zOut, aSpan[_i].zTerms)==0, "'%s': '%s', want '%s'",
                zQ, zOut, aSpan[_i].zTerms);
  query_free(q);
  synonyms_module_close(pState);
  sqlite3_close(db);
}
END_TEST

/* At start-up (no previous state) a bad or unreadable file is fatal, with
** a message naming the file and the line. */
static const struct {
  const char *zText;          /* NULL: the file does not exist */
  const char *zErrPart;
} aFatal[] = {
  {"alfa, beta\nbeta\n",       ":2: a set needs at least two members"},
  {"a, b\nc, A\n",              ":2: 'a' is already in the set on line 1"},
  {"a, \xff\n",                 "not valid UTF-8"},
  {0,                          "No such file or directory"},
};

START_TEST(test_module_fatal){
  char *zPath = aFatal[_i].zText
      ? write_temp(aFatal[_i].zText, strlen(aFatal[_i].zText))
      : strdup("/nonexistent/synonyms.txt");
  sqlite3 *db = tokenizer_db();
  void *pState = (void*)1;
  char *zErr = 0;
  ck_assert_int_eq(module_open(zPath, db, 0, &pState, &zErr), EXT_FATAL);
  ck_assert_ptr_null(pState);
  ck_assert_ptr_nonnull(zErr);
  ck_assert_msg(strstr(zErr, zPath) && strstr(zErr, aFatal[_i].zErrPart),
                "case %d: %s", _i, zErr);
  sqlite3_free(zErr);
  sqlite3_close(db);
  if( aFatal[_i].zText ) unlink(zPath);
  free(zPath);
}
END_TEST

/* synonyms_stem(): the query terms of a text; forms of one word share
** them, compound parts are left out, punctuation has none. */
START_TEST(test_stem)
{
  sqlite3 *db = tokenizer_db();
  struct synonyms_stemmer *pStem = 0;
  char *a = 0, *b = 0, *c = 0, *d = 0;
  ck_assert_int_eq(synonyms_stemmer_new(db, &pStem), SQLITE_OK);
  ck_assert_int_eq(synonyms_stem(pStem, "vård", 5, &a), SQLITE_OK);
  ck_assert_int_eq(synonyms_stem(pStem, "Vården", 7, &b), SQLITE_OK);
  ck_assert_int_eq(synonyms_stem(pStem, "vårdplanen", 11, &c), SQLITE_OK);
  ck_assert_int_eq(synonyms_stem(pStem, "-- !", 4, &d), SQLITE_OK);
  ck_assert_ptr_nonnull(a);
  ck_assert_str_eq(a, b);
  ck_assert_ptr_nonnull(c);
  ck_assert_str_ne(a, c);
  ck_assert_msg(strchr(c, ' ')==0, "compound parts in '%s'", c);
  ck_assert_ptr_null(d);
  sqlite3_free(a);
  sqlite3_free(b);
  sqlite3_free(c);
  synonyms_stemmer_free(pStem);
  sqlite3_close(db);
}
END_TEST

Suite *synonyms_suite(void){
  Suite *s = suite_create("synonyms");
  TCase *tc = tcase_create("synonyms");
  tcase_add_loop_test(tc, test_match, 0, sizeof(aMatch)/sizeof(aMatch[0]));
  tcase_add_loop_test(tc, test_file, 0, sizeof(aFile)/sizeof(aFile[0]));
  tcase_add_test(tc, test_missing_and_big);
  tcase_add_test(tc, test_stem);
  tcase_add_test(tc, test_module_reload);
  tcase_add_loop_test(tc, test_module_span, 0,
                      sizeof(aSpan)/sizeof(aSpan[0]));
  tcase_add_loop_test(tc, test_module_fatal, 0,
                      sizeof(aFatal)/sizeof(aFatal[0]));
  suite_add_tcase(s, tc);
  return s;
}
