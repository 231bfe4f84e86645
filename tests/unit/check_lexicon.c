/*
** check_lexicon.c: the corrector's lexicon against a brute-force search of
** the same candidates (every vocab word and part compared with
** correct_distance()), over a vocabulary of thousands of generated words
** that share long prefixes; and its share, made again when the index
** changes and shared while it does not, and made on a thread of its own.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "plain.h"
#include "swedish.h"
#include "../../searchd/box/correct.h"
#include "../../searchd/box/lexicon.h"
#include "../../searchd/box/parts.h"
#include "box_fixture.h"

#define N_WORDS 4000
#define N_QUERIES 600

/* A candidate of the brute-force search. */
struct cand {
  char *zPlain;
  sqlite3_int64 nDocs;
  int bPart;
};

struct cands {
  struct cand *a;
  int n, nAlloc;
};

static unsigned lcg(unsigned *pSeed){
  *pSeed = *pSeed * 1103515245u + 12345u;
  return (*pSeed >> 16) & 0x7fff;
}

/* Letters of the generated words, å ä ö among them (UTF-8). */
static const char *const azLetter[] = {
  "a", "b", "d", "e", "g", "k", "l", "m", "n", "o", "r", "s", "t", "v",
  "\xc3\xa5", "\xc3\xa4", "\xc3\xb6",
};
#define N_LETTER ((unsigned)(sizeof(azLetter)/sizeof(azLetter[0])))

/* A word of 2 to 16 letters into z: one of 40 stems (so that many words
** share prefixes), then random letters. */
static void gen_word(unsigned *pSeed, char *z){
  unsigned stem = lcg(pSeed) % 40, n = 2 + lcg(pSeed) % 15, i;
  unsigned s = stem*7919u + 1;
  z[0] = 0;
  for(i=0; i<n; i++){
    unsigned k = i<5 ? lcg(&s) % N_LETTER : lcg(pSeed) % N_LETTER;
    strcat(z, azLetter[k]);
  }
}

/* Put generated words (and a few long and same-plain ones) in vocab. */
static void fill_vocab(struct box_fixture *f){
  sqlite3 *w = 0;
  sqlite3_stmt *pIns = 0;
  unsigned seed = 7;
  char z[128], zPlain[128];
  int i;
  ck_assert_int_eq(sqlite3_open(f->zPath, &w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w, "BEGIN", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(w, "INSERT OR IGNORE INTO vocab"
                   "(word, plain, docs) VALUES(?1, ?2, ?3)", -1, &pIns, 0),
                   SQLITE_OK);
  for(i=0; i<N_WORDS+3; i++){
    if( i==N_WORDS ) strcpy(z, "h\xc3\xa5rdvara");        /* plain hardvara */
    else if( i==N_WORDS+1 ) strcpy(z, "hardvara");
    else if( i==N_WORDS+2 ) memset(z, 'a', 60), z[60] = 0;   /* too long */
    else gen_word(&seed, z);
    plain_form(z, strlen(z), zPlain);
    sqlite3_bind_text(pIns, 1, z, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(pIns, 2, zPlain, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(pIns, 3, 1 + (int)(lcg(&seed) % 5));
    ck_assert_int_eq(sqlite3_step(pIns), SQLITE_DONE);
    sqlite3_reset(pIns);
  }
  sqlite3_finalize(pIns);
  ck_assert_int_eq(sqlite3_exec(w, "COMMIT", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
}

/* Add plain form z with nDocs, or raise the docs of the same one. */
static void cands_add(struct cands *c, const char *z, sqlite3_int64 nDocs,
                      int bPart){
  int i;
  for(i=0; i<c->n; i++){
    if( c->a[i].bPart==bPart && strcmp(c->a[i].zPlain, z)==0 ){
      if( nDocs>c->a[i].nDocs ) c->a[i].nDocs = nDocs;
      return;
    }
  }
  if( c->n==c->nAlloc ){
    c->nAlloc = c->nAlloc ? c->nAlloc*2 : 1024;
    c->a = realloc(c->a, sizeof(*c->a) * (size_t)c->nAlloc);
    ck_assert_ptr_nonnull(c->a);
  }
  c->a[c->n].zPlain = strdup(z);
  ck_assert_ptr_nonnull(c->a[c->n].zPlain);
  c->a[c->n].nDocs = nDocs;
  c->a[c->n].bPart = bPart;
  c->n++;
}

/* The candidates as correct.h defines them, read without the lexicon. */
static void cands_load(sqlite3 *db, struct cands *c){
  sqlite3_stmt *pStmt = 0;
  struct parts *pParts = 0;
  int i;
  memset(c, 0, sizeof(*c));
  ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT word, plain, docs FROM"
                   " vocab WHERE docs>0", -1, &pStmt, 0), SQLITE_OK);
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    const char *zWord = (const char*)sqlite3_column_text(pStmt, 0);
    if( swedish_is_stopword(zWord, (int)strlen(zWord)) ) continue;
    cands_add(c, (const char*)sqlite3_column_text(pStmt, 1),
              sqlite3_column_int64(pStmt, 2), 0);
  }
  sqlite3_finalize(pStmt);
  ck_assert_int_eq(parts_new(db, &pParts), SQLITE_OK);
  for(i=0; i<parts_count(pParts); i++){
    const char *zWord, *zPlain;
    sqlite3_int64 nDocs;
    parts_get(pParts, i, &zWord, &zPlain, &nDocs);
    cands_add(c, zPlain, nDocs, 1);
  }
  parts_free(pParts);
}

static void cands_free(struct cands *c){
  int i;
  for(i=0; i<c->n; i++) free(c->a[i].zPlain);
  free(c->a);
}

/* Brute force: the rule of lexicon_near() over every candidate. */
static void brute_near(const struct cands *c, const char *zPlain, int nMax,
                       struct lexicon_hit *pHit){
  unsigned a[LEXICON_MAX_CHARS], b[LEXICON_MAX_CHARS];
  int i, n = (int)strlen(zPlain);
  pHit->dist = nMax + 1;
  pHit->nDocs = -1;
  pHit->bPart = 0;
  pHit->zPlain[0] = 0;
  if( lexicon_decode(zPlain, n, a, 0, LEXICON_MAX_CHARS)<=0 ) return;
  for(i=0; i<c->n; i++){
    const struct cand *p = &c->a[i];
    int m = (int)strlen(p->zPlain), d;
    if( lexicon_decode(p->zPlain, m, b, 0, LEXICON_MAX_CHARS)<=0
     || b[0]!=a[0] ) continue;
    d = correct_distance(zPlain, n, p->zPlain, m, nMax);
    if( d==0 || d>nMax ) continue;
    if( d<pHit->dist || (d==pHit->dist && (p->nDocs>pHit->nDocs
        || (p->nDocs==pHit->nDocs && (p->bPart<pHit->bPart
            || (p->bPart==pHit->bPart
                && strcmp(p->zPlain, pHit->zPlain)<0))))) ){
      pHit->dist = d;
      pHit->nDocs = p->nDocs;
      pHit->bPart = p->bPart;
      strcpy(pHit->zPlain, p->zPlain);
    }
  }
}

/* A query: a candidate with up to three random edits, or random. */
static void gen_query(unsigned *pSeed, const struct cands *c, char *z){
  unsigned nEdit = lcg(pSeed) % 4, k;
  char zTmp[256];
  if( lcg(pSeed) % 8==0 ){
    gen_word(pSeed, zTmp);
    plain_form(zTmp, strlen(zTmp), z);
    return;
  }
  strcpy(z, c->a[lcg(pSeed) % (unsigned)c->n].zPlain);
  for(k=0; k<nEdit && strlen(z)>2 && strlen(z)<200; k++){
    size_t n = strlen(z), i = 1 + lcg(pSeed) % (n-1);
    char ch = "abdeklmnorstv"[lcg(pSeed) % 13];
    switch( lcg(pSeed) % 4 ){
      case 0: memmove(z+i, z+i+1, n-i); break;                   /* delete */
      case 1: memmove(z+i+1, z+i, n-i+1); z[i] = ch; break;       /* insert */
      case 2: z[i] = ch; break;                                  /* change */
      default:
        if( i+1<n ){ char t = z[i]; z[i] = z[i+1]; z[i+1] = t; }  /* swap */
    }
  }
}

START_TEST(test_near_brute){
  struct box_fixture f;
  struct lexicon *pLex = 0;
  struct cands c;
  unsigned seed = 99;
  int i, nFound = 0;
  box_fixture_open(&f);
  fill_vocab(&f);
  ck_assert_int_eq(lexicon_new(f.db, &pLex), SQLITE_OK);
  cands_load(f.db, &c);
  ck_assert_int_eq(lexicon_count(pLex), c.n - 1);      /* the long word */
  for(i=0; i<N_QUERIES; i++){
    struct lexicon_hit got, want;
    char z[256];
    int nMax = 1 + (int)(lcg(&seed) % 2);
    gen_query(&seed, &c, z);
    lexicon_near(pLex, z, nMax, &got);
    brute_near(&c, z, nMax, &want);
    ck_assert_msg(got.dist==want.dist && got.nDocs==want.nDocs
                  && got.bPart==want.bPart
                  && strcmp(got.zPlain, want.zPlain)==0,
                  "%s (%d): %s %d %lld %d, want %s %d %lld %d", z, nMax,
                  got.zPlain, got.dist, (long long)got.nDocs, got.bPart,
                  want.zPlain, want.dist, (long long)want.nDocs, want.bPart);
    nFound += want.dist<=nMax;
  }
  ck_assert_int_gt(nFound, N_QUERIES/2);               /* near ones tested */
  cands_free(&c);
  lexicon_free(pLex);
  box_fixture_close(&f);
}
END_TEST

/* Parts are entries: mammografi is found only inside compounds. */
START_TEST(test_near_part){
  struct box_fixture f;
  struct lexicon *pLex = 0;
  struct lexicon_hit hit;
  sqlite3 *w = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(sqlite3_open(f.zPath, &w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w, "DELETE FROM vocab WHERE word IN"
                   " ('mammografi','mammografin')", 0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
  ck_assert_int_eq(lexicon_new(f.db, &pLex), SQLITE_OK);
  lexicon_near(pLex, "mamografi", 2, &hit);
  ck_assert_int_eq(hit.dist, 1);
  ck_assert_int_eq(hit.bPart, 1);
  ck_assert_str_eq(hit.zPlain, "mammografi");
  lexicon_near(pLex, "xamografi", 2, &hit);           /* first letter kept */
  ck_assert_int_eq(hit.dist, 3);
  ck_assert_ptr_nonnull(lexicon_parts(pLex));
  ck_assert_uint_gt(lexicon_bytes(pLex), 0);
  lexicon_free(pLex);
  box_fixture_close(&f);
}
END_TEST

/* The share keeps one lexicon while the index is unchanged, and makes a
** new one, with the new words, after a commit; one taken before lives on. */
START_TEST(test_share){
  struct box_fixture f;
  struct lexicon_share *pShare = 0;
  struct lexicon *p1 = 0, *p2 = 0, *p3 = 0;
  struct lexicon_hit hit;
  sqlite3 *db = 0, *w = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(db_open(f.zPath, DB_READONLY, &db, 0), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_new(db, 1, &pShare), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_get(pShare, &p1), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_get(pShare, &p2), SQLITE_OK);
  ck_assert_ptr_eq(p1, p2);
  lexicon_near(p1, "gynekolgi", 2, &hit);
  ck_assert_int_eq(hit.dist, 3);
  ck_assert_int_eq(sqlite3_open(f.zPath, &w), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(w, "INSERT INTO vocab(word, plain, docs)"
                   " VALUES('gynekologi','gynekologi',2)", 0, 0, 0),
                   SQLITE_OK);
  ck_assert_int_eq(sqlite3_close(w), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_get(pShare, &p3), SQLITE_OK);
  ck_assert_ptr_ne(p3, p1);
  lexicon_near(p3, "gynekolgi", 2, &hit);
  ck_assert_int_eq(hit.dist, 1);
  ck_assert_str_eq(hit.zPlain, "gynekologi");
  lexicon_share_free(pShare);
  lexicon_near(p1, "mamografi", 2, &hit);             /* still readable */
  ck_assert_int_eq(hit.dist, 1);
  lexicon_free(p1);
  lexicon_free(p2);
  lexicon_free(p3);
  box_fixture_close(&f);
}
END_TEST

/* A share started on its own thread: a get waits for that build and
** takes its lexicon; a share without its own connection has no thread. */
START_TEST(test_share_start){
  struct box_fixture f;
  struct lexicon_share *pShare = 0, *pBorrowed = 0;
  struct lexicon *p1 = 0, *p2 = 0;
  sqlite3 *db = 0;
  box_fixture_open(&f);
  ck_assert_int_eq(db_open(f.zPath, DB_READONLY, &db, 0), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_new(db, 1, &pShare), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_start(pShare), SQLITE_OK);
  ck_assert_int_ne(lexicon_share_start(pShare), SQLITE_OK);
  lexicon_share_wait(pShare);
  ck_assert_int_eq(lexicon_share_get(pShare, &p1), SQLITE_OK);
  ck_assert_int_eq(lexicon_share_get(pShare, &p2), SQLITE_OK);
  ck_assert_ptr_eq(p1, p2);
  ck_assert_int_gt(lexicon_count(p1), 0);
  ck_assert_int_eq(lexicon_share_new(f.db, 0, &pBorrowed), SQLITE_OK);
  ck_assert_int_ne(lexicon_share_start(pBorrowed), SQLITE_OK);
  lexicon_share_free(pBorrowed);
  lexicon_share_free(pShare);
  lexicon_free(p1);
  lexicon_free(p2);
  box_fixture_close(&f);
}
END_TEST

/* Decoding: code points kept as their bytes, offsets, the limit. */
START_TEST(test_decode){
  unsigned a[4];
  int aOff[5];
  ck_assert_int_eq(lexicon_decode("v\xc3\xa5rd", 5, a, aOff, 4), 4);
  ck_assert_uint_eq(a[1], 0xc3a5);
  ck_assert_int_eq(aOff[2], 3);
  ck_assert_int_eq(aOff[4], 5);
  ck_assert_int_eq(lexicon_decode("abcde", 5, a, 0, 4), -1);
  ck_assert_int_eq(lexicon_decode("", 0, a, aOff, 4), 0);
}
END_TEST

Suite *lexicon_suite(void){
  Suite *s = suite_create("lexicon");
  TCase *tc = tcase_create("lexicon");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_decode);
  tcase_add_test(tc, test_near_brute);
  tcase_add_test(tc, test_near_part);
  tcase_add_test(tc, test_share);
  tcase_add_test(tc, test_share_start);
  suite_add_tcase(s, tc);
  return s;
}
