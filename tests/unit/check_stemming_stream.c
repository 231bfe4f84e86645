/*
** check_stemming_stream.c: the token streams of the swedish tokenizer are
** pinned, and FTS5_TOKENIZE_AUX makes exactly the whole words.
**
** Indexes made with analysis swedish-4 must stay valid, so what DOCUMENT
** and QUERY emit (text, flags, offsets, order) must not change with a
** change of speed. The streams over the sample reports (one call for a
** report, and one call per line as the indexer does per field) and over
** 60,000 made-up compounds (enough distinct words to grow and churn the
** token cache) are hashed and compared with pinned hashes (FNV-1a 64
** over every token's flags, length, bytes and offsets, the integers as 4
** bytes little endian).
**
** AUX (highlight, snippet, searchd's ranking) gets the non-colocated
** tokens of DOCUMENT only: same terms, offsets, order and so positions.
**
** swedish_split_new()'s tokens are AUX's one to one (byte ranges, so
** positions), and a word's AUX term is that of the word alone: searchd's
** ranking splits a row and stems only the words its matches are on. Over
** the sample reports, the inputs above and a generated corpus.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "hash.h"
#include "swedish.h"
#include "tok_fixture.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))
#define FNV_INIT HASH_FNV1A_INIT

/* What the hashing xToken callback keeps. */
typedef struct Stream Stream;
struct Stream {
  uint64_t h;                     /* FNV-1a 64 of the tokens so far */
  long nToken, nColocated;
  int bSkipColocated;             /* hash only whole words */
};

static void hash_bytes(Stream *s, const void *p, size_t n){
  s->h = hash_fnv1a_more(s->h, p, n);
}

static void hash_int(Stream *s, int v){
  unsigned char a[4];
  uint32_t u = (uint32_t)v;
  a[0] = (unsigned char)u;
  a[1] = (unsigned char)(u>>8);
  a[2] = (unsigned char)(u>>16);
  a[3] = (unsigned char)(u>>24);
  hash_bytes(s, a, 4);
}

static int hash_cb(void *pCtx, int tflags, const char *z, int n,
                   int iStart, int iEnd){
  Stream *s = (Stream*)pCtx;
  if( s->bSkipColocated && (tflags & FTS5_TOKEN_COLOCATED) ) return SQLITE_OK;
  hash_int(s, tflags);
  hash_int(s, n);
  hash_bytes(s, z, (size_t)n);
  hash_int(s, iStart);
  hash_int(s, iEnd);
  s->nToken++;
  if( tflags & FTS5_TOKEN_COLOCATED ) s->nColocated++;
  return SQLITE_OK;
}

/* Read a fixture (the runner runs from tests/) into *pz; free it. */
static long read_fixture(const char *zPath, char **pz){
  FILE *f = fopen(zPath, "rb");
  long n = -1;
  char *z = 0;
  ck_assert_msg(f!=0, "cannot open %s", zPath);
  if( fseek(f, 0, SEEK_END)==0 && (n = ftell(f))>=0
   && fseek(f, 0, SEEK_SET)==0 ){
    z = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(z);
    ck_assert_int_eq((long)fread(z, 1, (size_t)n, f), n);
  }
  fclose(f);
  ck_assert_int_ge(n, 0);
  *pz = z;
  return n;
}

/* Tokenize z[0..n) with flags into s: one call, or one call per line. */
static void stream_run(Tok *t, int flags, const char *z, long n, int bLines,
                       Stream *s){
  long i = 0;
  if( !bLines ){
    ck_assert_int_eq(t->mod.xTokenize(t->pTok, s, flags, z, (int)n, hash_cb),
                     SQLITE_OK);
    return;
  }
  while( i<n ){
    const char *zEol = memchr(z+i, '\n', (size_t)(n-i));
    long e = zEol ? (long)(zEol-z) : n;
    ck_assert_int_eq(t->mod.xTokenize(t->pTok, s, flags, z+i, (int)(e-i),
                                      hash_cb), SQLITE_OK);
    i = e + 1;
  }
}

static const char *const azReport[] = {
  "fixtures/reports/2018-12-05.txt", "fixtures/reports/2021-05-05.txt",
};

/* The pinned streams of analysis swedish-4. */
static const struct {
  int iReport, flags, bLines;
  uint64_t h;
  long nToken, nColocated;
} aPinned[] = {
  {0, FTS5_TOKENIZE_DOCUMENT, 0, 0xa9962be17c677388ull, 2031, 424},
  {0, FTS5_TOKENIZE_DOCUMENT, 1, 0x7473b0d012ea26faull, 2031, 424},
  {0, FTS5_TOKENIZE_QUERY, 0, 0xebf38496d10f76a8ull, 1607, 0},
  {0, FTS5_TOKENIZE_QUERY, 1, 0x304a23e57aaca4f9ull, 1607, 0},
  {1, FTS5_TOKENIZE_DOCUMENT, 0, 0x849d01c847159c55ull, 1350, 236},
  {1, FTS5_TOKENIZE_DOCUMENT, 1, 0xa4903a69224d8153ull, 1350, 236},
  {1, FTS5_TOKENIZE_QUERY, 0, 0xcb06496f6a665078ull, 1114, 0},
  {1, FTS5_TOKENIZE_QUERY, 1, 0x288419efafa277ddull, 1114, 0},
};

/*
** Each pinned case twice: with a new instance, and with one that has
** tokenized the same text in AUX and QUERY mode first (the token cache
** then holds their whole-only entries, which DOCUMENT must not use).
*/
START_TEST(test_pinned_reports){
  int iCase = _i/2, bWarm = _i%2;
  Tok t;
  Stream s = {FNV_INIT, 0, 0, 0}, sWarm = {FNV_INIT, 0, 0, 0};
  char *z = 0;
  long n = read_fixture(azReport[aPinned[iCase].iReport], &z);
  tok_open(&t);
  if( bWarm ){
    stream_run(&t, FTS5_TOKENIZE_AUX, z, n, aPinned[iCase].bLines, &sWarm);
    stream_run(&t, FTS5_TOKENIZE_QUERY, z, n, aPinned[iCase].bLines, &sWarm);
  }
  stream_run(&t, aPinned[iCase].flags, z, n, aPinned[iCase].bLines, &s);
  tok_close(&t);
  free(z);
  ck_assert_msg(s.h==aPinned[iCase].h && s.nToken==aPinned[iCase].nToken
                && s.nColocated==aPinned[iCase].nColocated,
                "%s flags %d lines %d warm %d: %016llx %ld %ld",
                azReport[aPinned[iCase].iReport], aPinned[iCase].flags,
                aPinned[iCase].bLines, bWarm, (unsigned long long)s.h,
                s.nToken, s.nColocated);
}
END_TEST

/* The words of both reports (bytes between blanks), for made-up text. */
typedef struct Words Words;
struct Words {
  char *azText[2];
  const char **az;
  int *an;
  int n;
};

static void words_load(Words *w){
  int k, nAlloc = 0;
  memset(w, 0, sizeof(*w));
  for(k=0; k<COUNT(azReport); k++){
    char *z;
    long n = read_fixture(azReport[k], &w->azText[k]), i = 0;
    z = w->azText[k];
    while( i<n ){
      long j = i;
      while( j<n && z[j]!=' ' && z[j]!='\n' && z[j]!='\t' ) j++;
      if( j-i>=3 ){
        if( w->n>=nAlloc ){
          nAlloc = nAlloc ? nAlloc*2 : 1024;
          w->az = realloc(w->az, sizeof(char*)*(size_t)nAlloc);
          w->an = realloc(w->an, sizeof(int)*(size_t)nAlloc);
          ck_assert(w->az!=0 && w->an!=0);
        }
        w->az[w->n] = z+i;
        w->an[w->n++] = (int)(j-i);
      }
      i = j + 1;
    }
  }
}

static void words_free(Words *w){
  free(w->azText[0]);
  free(w->azText[1]);
  free(w->az);
  free(w->an);
}

/*
** Made-up compounds of two report words joined solid, with -s-, a
** joining or a hanging hyphen or a blank, 60,000 calls of one line each
** through one instance: tens of thousands of distinct words, so the token
** cache grows, evicts and serves words again.
*/
static void made_up_pass(Tok *t, const Words *w, int flags, Stream *s){
  static const char *const azLink[] = {"", "s", "-", "- och ", " "};
  unsigned x = 20261123u;
  int k;
  char z[512];
  for(k=0; k<60000; k++){
    int a, b, n;
    const char *zLink;
    x = x*1103515245u + 12345u;
    a = (int)((x>>8) % (unsigned)w->n);
    x = x*1103515245u + 12345u;
    b = (int)((x>>8) % (unsigned)w->n);
    zLink = azLink[(x>>4) % COUNT(azLink)];
    n = snprintf(z, sizeof(z), "%.*s%s%.*s", w->an[a], w->az[a], zLink,
                 w->an[b], w->az[b]);
    ck_assert(n>0 && n<(int)sizeof(z));
    stream_run(t, flags, z, n, 0, s);
  }
}

/* The made-up stream with flags; if flagsWarm, after a pass with those. */
static void made_up_stream(int flags, int bSkipColocated, int flagsWarm,
                           Stream *s){
  Words w;
  Tok t;
  Stream sWarm = {FNV_INIT, 0, 0, 0};
  words_load(&w);
  tok_open(&t);
  if( flagsWarm ) made_up_pass(&t, &w, flagsWarm, &sWarm);
  memset(s, 0, sizeof(*s));
  s->h = FNV_INIT;
  s->bSkipColocated = bSkipColocated;
  made_up_pass(&t, &w, flags, s);
  tok_close(&t);
  words_free(&w);
}

static const struct {
  int flags, flagsWarm;
  uint64_t h;
  long nToken, nColocated;
} aMadeUp[] = {
  {FTS5_TOKENIZE_DOCUMENT, 0, 0xd07e78e286d6963eull, 162943, 42372},
  {FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_AUX, 0xd07e78e286d6963eull, 162943,
   42372},
  {FTS5_TOKENIZE_QUERY, 0, 0x1632d0920063ea77ull, 120571, 0},
  {FTS5_TOKENIZE_QUERY, FTS5_TOKENIZE_DOCUMENT, 0x1632d0920063ea77ull,
   120571, 0},
};

START_TEST(test_pinned_made_up){
  Stream s;
  made_up_stream(aMadeUp[_i].flags, 0, aMadeUp[_i].flagsWarm, &s);
  ck_assert_msg(s.h==aMadeUp[_i].h && s.nToken==aMadeUp[_i].nToken
                && s.nColocated==aMadeUp[_i].nColocated,
                "flags %d: %016llx %ld %ld", aMadeUp[_i].flags,
                (unsigned long long)s.h, s.nToken, s.nColocated);
}
END_TEST

/* --- AUX: the whole words of DOCUMENT, nothing else --------------------- */

/*
** The AUX stream of z[0..n) is the DOCUMENT stream less its colocated
** tokens, token for token (flags, text, offsets, order), and has no
** colocated token. Both through one instance, as searchd's connections
** share theirs between modes; DOCUMENT first, so AUX may meet its words
** in the cache, and AUX again after (a cold and a warm cache).
*/
static void check_aux(const char *z, long n, int bLines){
  Stream sDoc = {FNV_INIT, 0, 0, 1};
  Stream sAux = {FNV_INIT, 0, 0, 0};
  Stream sAux2 = {FNV_INIT, 0, 0, 0};
  Tok t;
  tok_open(&t);
  stream_run(&t, FTS5_TOKENIZE_AUX, z, n, bLines, &sAux);
  stream_run(&t, FTS5_TOKENIZE_DOCUMENT, z, n, bLines, &sDoc);
  stream_run(&t, FTS5_TOKENIZE_AUX, z, n, bLines, &sAux2);
  tok_close(&t);
  ck_assert_int_eq(sAux.nColocated, 0);
  ck_assert_int_eq(sAux.nToken, sDoc.nToken);
  ck_assert_msg(sAux.h==sDoc.h && sAux2.h==sDoc.h,
                "'%.40s': aux %016llx, document whole words %016llx",
                z, (unsigned long long)sAux.h, (unsigned long long)sDoc.h);
  ck_assert_int_eq(sAux2.nToken, sDoc.nToken);
}

START_TEST(test_aux_reports){
  char *z = 0;
  long n = read_fixture(azReport[_i/2], &z);
  check_aux(z, n, _i%2);
  free(z);
}
END_TEST

/* Inputs where DOCUMENT holds tokens back or makes extra terms. */
static const char *const azTricky[] = {
  "barn- och ungdomspsykiatri", "hälso- och sjukvården i Norrbotten",
  "barn-, ungdoms- och vuxenpsykiatri", "region- och kommunägda bolag",
  "intensiv- eller intermediärvård", "barn- i skolan", "barn-", "barn- och",
  "a- b- c- d- e- f- g- h- och vård", "barn- barn- och",
  "covid-19", "covid-19-pandemin", "e-hälsa", "Norrbottens-program",
  "2021-05-05", "2019-2021", "-", "--", "- och -", "vård-", "vård--vård",
  "suicidprevention självmordsprevention mammografiverksamheten",
  "läkemedelsgenomgångar, närsjukvården; hjälpmedelsförsörjning.",
  "folkhälsostراتيجية vård МОСКВА 東京 ÅÄÖ ÉÜ",
  "\xff\xfe v\xc3 vård \xc3\xa5\xc3 \xe2\x82 mötet \xf4\x90\x80\x80 \x80",
  "självmords\xff\xfeprevention barn\xc3- och vård",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa- "
  "och ungdomspsykiatri",
  "ungdomspsykiatriungdomspsykiatriungdomspsykiatriungdomspsykiatri-"
  "ungdomspsykiatriungdomspsykiatriungdomspsykiatriungdomspsykiatri",
  "hälsooch- sjukvård hälso -och sjukvård hälso-och-sjukvård",
  "", " ", "och", "Vården, VÅRDEN; vårdens.",
};

START_TEST(test_aux_tricky){
  const char *z = azTricky[_i];
  check_aux(z, (long)strlen(z), 0);
}
END_TEST

/* A 1 MB token, alone and after a hanging word; NUL bytes. */
START_TEST(test_aux_huge){
  long n = 1<<20;
  char *z = malloc((size_t)n);
  ck_assert_ptr_nonnull(z);
  memset(z, 'a', (size_t)n);
  check_aux(z, n, 0);
  memcpy(z, "hälso- och ", 12);
  check_aux(z, n, 0);
  static const char zNul[] = "covid-19\0vård- och\0sjukvård";
  memcpy(z, zNul, sizeof(zNul)-1);
  check_aux(z, (long)sizeof(zNul)-1, 0);
  check_aux(z, n, 0);
  free(z);
}
END_TEST

START_TEST(test_aux_made_up){
  Stream sDoc, sAux;
  made_up_stream(FTS5_TOKENIZE_DOCUMENT, 1, 0, &sDoc);
  made_up_stream(FTS5_TOKENIZE_AUX, 0, 0, &sAux);
  ck_assert_int_eq(sAux.nColocated, 0);
  ck_assert_int_eq(sAux.nToken, sDoc.nToken);
  ck_assert(sAux.h==sDoc.h);
}
END_TEST

/* --- split: where the words are, without the analysis ----------------- */

/* A token of a stream: its byte range and the FNV-1a of its term. */
typedef struct Word Word;
struct Word {
  int iStart, iEnd;
  uint64_t hTerm;
};

/* Every token of one call, in order. */
typedef struct Split Split;
struct Split {
  Word *a;
  int n, nAlloc;
};

static int split_cb(void *pCtx, int tflags, const char *pToken, int nToken,
                    int iStart, int iEnd){
  Split *p = (Split*)pCtx;
  (void)tflags;
  if( p->n>=p->nAlloc ){
    p->nAlloc = p->nAlloc ? 2*p->nAlloc : 256;
    p->a = realloc(p->a, sizeof(*p->a)*(size_t)p->nAlloc);
    ck_assert_ptr_nonnull(p->a);
  }
  p->a[p->n].iStart = iStart;
  p->a[p->n].iEnd = iEnd;
  p->a[p->n++].hTerm = hash_fnv1a(pToken, (size_t)nToken);
  return SQLITE_OK;
}

/* The two tokenizers of a split check: swedish, and its split-only one. */
typedef struct SplitPair SplitPair;
struct SplitPair {
  Tok t;
  fts5_tokenizer split;
  Fts5Tokenizer *pSplit;
  long nWord;                     /* words compared so far */
};

static void split_open(SplitPair *sp){
  tok_open(&sp->t);
  ck_assert_int_eq(swedish_split_new(sp->t.db, &sp->split, &sp->pSplit),
                   SQLITE_OK);
  sp->nWord = 0;
}

static void split_close(SplitPair *sp){
  sp->split.xDelete(sp->pSplit);
  tok_close(&sp->t);
}

/*
** What searchd's ranking relies on (rank.c): the split-only tokens of
** z[0..n) are the AUX tokens one to one (the n-th is the word at position
** n, same byte range), and each word's AUX term is the term of the word
** tokenized alone, so its kind can be told from its bytes.
*/
static void split_check(SplitPair *sp, const char *z, int n){
  Split aux = {0, 0, 0}, split = {0, 0, 0};
  int i;
  ck_assert_int_eq(sp->t.mod.xTokenize(sp->t.pTok, &aux, FTS5_TOKENIZE_AUX,
                                       z, n, split_cb), SQLITE_OK);
  ck_assert_int_eq(sp->split.xTokenize(sp->pSplit, &split,
                                       FTS5_TOKENIZE_AUX, z, n, split_cb),
                   SQLITE_OK);
  ck_assert_msg(aux.n==split.n, "'%.*s': %d aux tokens, %d split", n<60?n:60,
                z, aux.n, split.n);
  for(i=0; i<aux.n; i++){
    Split one = {0, 0, 0};
    const Word *w = &aux.a[i];
    ck_assert_msg(w->iStart==split.a[i].iStart && w->iEnd==split.a[i].iEnd,
                  "'%.*s' word %d: aux [%d,%d) split [%d,%d)", n<60?n:60, z,
                  i, w->iStart, w->iEnd, split.a[i].iStart, split.a[i].iEnd);
    ck_assert_int_eq(sp->t.mod.xTokenize(sp->t.pTok, &one, FTS5_TOKENIZE_AUX,
                                         z + w->iStart, w->iEnd - w->iStart,
                                         split_cb), SQLITE_OK);
    ck_assert_msg(one.n==1 && one.a[0].hTerm==w->hTerm,
                  "'%.*s': its term alone differs", w->iEnd - w->iStart,
                  z + w->iStart);
    free(one.a);
  }
  sp->nWord += aux.n;
  free(aux.a);
  free(split.a);
}

/* split_check() of z[0..n) whole and line by line (as the indexer gives a
** row's fields). */
static void split_check_text(SplitPair *sp, const char *z, long n){
  long i = 0;
  split_check(sp, z, (int)n);
  while( i<n ){
    const char *zEol = memchr(z+i, '\n', (size_t)(n-i));
    long e = zEol ? (long)(zEol-z) : n;
    split_check(sp, z+i, (int)(e-i));
    i = e + 1;
  }
}

START_TEST(test_split_reports){
  SplitPair sp;
  int k;
  split_open(&sp);
  for(k=0; k<COUNT(azReport); k++){
    char *z = 0;
    long n = read_fixture(azReport[k], &z);
    split_check_text(&sp, z, n);
    free(z);
  }
  for(k=0; k<COUNT(azTricky); k++){
    split_check(&sp, azTricky[k], (int)strlen(azTricky[k]));
  }
  ck_assert_int_gt(sp.nWord, 5000);
  split_close(&sp);
}
END_TEST

/* Every report file of a generated corpus (tools/gen-corpus), every
** row's text among its lines. */
START_TEST(test_split_corpus){
  char zDir[] = "/tmp/check_split.XXXXXX", zCmd[512];
  SplitPair sp;
  FILE *pList;
  char zPath[1024];
  int nFile = 0;
  ck_assert_ptr_nonnull(mkdtemp(zDir));
  snprintf(zCmd, sizeof(zCmd), "python3 ../tools/gen-corpus --quiet --out"
           " %s/r --reports 40 --seed 7 && python3 ../tools/gen-corpus"
           " --quiet --out %s/s --series --end-year 2019", zDir, zDir);
  ck_assert_int_eq(system(zCmd), 0);
  snprintf(zCmd, sizeof(zCmd), "find %s -type f | sort", zDir);
  pList = popen(zCmd, "r");
  ck_assert_ptr_nonnull(pList);
  split_open(&sp);
  while( fgets(zPath, sizeof(zPath), pList) ){
    char *z = 0;
    long n;
    zPath[strcspn(zPath, "\n")] = 0;
    n = read_fixture(zPath, &z);
    split_check_text(&sp, z, n);
    free(z);
    nFile++;
  }
  ck_assert_int_eq(pclose(pList), 0);
  split_close(&sp);
  snprintf(zCmd, sizeof(zCmd), "rm -rf %s", zDir);
  ck_assert_int_eq(system(zCmd), 0);
  ck_assert_int_gt(nFile, 40);
  ck_assert_int_gt(sp.nWord, 100000);
}
END_TEST

Suite *stemming_stream_suite(void){
  Suite *s = suite_create("stemming_stream");
  TCase *tc = tcase_create("pinned");
  TCase *tcAux = tcase_create("aux");
  TCase *tcSplit = tcase_create("split");
  tcase_add_loop_test(tc, test_pinned_reports, 0, 2*COUNT(aPinned));
  tcase_add_loop_test(tc, test_pinned_made_up, 0, COUNT(aMadeUp));
  tcase_set_timeout(tc, 120);
  suite_add_tcase(s, tc);
  tcase_add_loop_test(tcAux, test_aux_reports, 0, 2*COUNT(azReport));
  tcase_add_loop_test(tcAux, test_aux_tricky, 0, COUNT(azTricky));
  tcase_add_test(tcAux, test_aux_huge);
  tcase_add_test(tcAux, test_aux_made_up);
  tcase_set_timeout(tcAux, 120);
  suite_add_tcase(s, tcAux);
  tcase_add_test(tcSplit, test_split_reports);
  tcase_add_test(tcSplit, test_split_corpus);
  tcase_set_timeout(tcSplit, 300);
  suite_add_tcase(s, tcSplit);
  return s;
}
