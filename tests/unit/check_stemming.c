/*
** check_stemming.c: the swedish tokenizer, through a real FTS5 connection.
**
** Most cases call the tokenizer directly through fts5_api (xFindTokenizer,
** xCreate, xTokenize) and compare the exact terms it emits, in order, a
** colocated term written with a leading "+": "mammografiverksamheten" at
** index time is "mammografiverksam +mammografi +verksam".
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "swedish.h"
#include "tok_fixture.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

/* What the xToken callback collects. */
typedef struct Out Out;
struct Out {
  char *z;                        /* terms, space separated */
  size_t n, nAlloc;
  long nToken;
  int nText;                      /* offsets must lie in the text */
  int bOffsetsOk;
};

static int collect(void *pCtx, int tflags, const char *z, int n,
                   int iStart, int iEnd){
  Out *o = (Out*)pCtx;
  size_t need = o->n + (size_t)n + 3;
  if( need>o->nAlloc ){
    o->nAlloc = need*2;
    o->z = realloc(o->z, o->nAlloc);
    if( o->z==0 ) return SQLITE_NOMEM;
  }
  if( o->n ) o->z[o->n++] = ' ';
  if( tflags & FTS5_TOKEN_COLOCATED ) o->z[o->n++] = '+';
  memcpy(o->z+o->n, z, (size_t)n);
  o->n += (size_t)n;
  o->z[o->n] = 0;
  o->nToken++;
  if( iStart<0 || iEnd<iStart || iEnd>o->nText ) o->bOffsetsOk = 0;
  return SQLITE_OK;
}

/* Tokenize z[0..n) with flags; the terms go to *o (free o->z). */
static int tok_run(Tok *t, int flags, const char *z, int n, Out *o){
  memset(o, 0, sizeof(*o));
  o->bOffsetsOk = 1;
  o->nText = n;
  o->z = calloc(1, 1);
  ck_assert_ptr_nonnull(o->z);
  return t->mod.xTokenize(t->pTok, o, flags, z, n, collect);
}

/* Terms of zText with flags, checked against zWant. */
static void check_terms(int flags, const char *zText, const char *zWant){
  Tok t;
  Out o;
  tok_open(&t);
  ck_assert_int_eq(tok_run(&t, flags, zText, (int)strlen(zText), &o),
                   SQLITE_OK);
  ck_assert_msg(strcmp(o.z, zWant)==0, "%s '%s' -> '%s', want '%s'",
                flags==FTS5_TOKENIZE_QUERY ? "query" : "document",
                zText, o.z, zWant);
  free(o.z);
  tok_close(&t);
}

/* Index-time (FTS5_TOKENIZE_DOCUMENT) terms of real Swedish text. */
static const struct { const char *zIn; const char *zTerms; } aDoc[] = {
  /* inflections: one term per word */
  {"vård", "vård"}, {"vården", "vård"}, {"vårdens", "vård"},
  {"uppdrag", "uppdrag"}, {"uppdraget", "uppdrag"}, {"uppdragen", "uppdrag"},
  {"uppdragets", "uppdrag"}, {"möte", "möt"}, {"mötet", "möt"},
  {"möten", "möt"}, {"region", "region"}, {"regionen", "region"},
  {"regioner", "region"}, {"regionerna", "region"}, {"kommun", "kommun"},
  {"kommuner", "kommun"}, {"kommunerna", "kommun"},
  {"landsting", "landsting"}, {"landstinget", "landsting"},
  {"arbete", "arbet"}, {"arbetet", "arbet"}, {"beslut", "beslut"},
  {"beslutet", "beslut"}, {"besluten", "beslut"}, {"rapport", "rapport"},
  {"rapporter", "rapport"}, {"rapporten", "rapport"},
  {"verksamhet", "verksam"}, {"verksamheten", "verksam"},
  {"verksamheter", "verksam"},
  /* exceptions: myndighet is not myndig; insats keeps its s */
  {"myndighet", "myndighet"}, {"myndigheten", "myndighet"},
  {"myndig", "mynd"}, {"insats", "insats"}, {"insatser", "insats"},
  {"insatsen", "insats"}, {"resurs", "resurs"}, {"resurser", "resurs"},
  {"utveckling", "utveckling"}, {"utvecklingen", "utveckling"},
  {"plan", "plan"}, {"planen", "plan"}, {"planer", "plan"},
  {"patient", "patient"}, {"patienterna", "patient"},
  /* noun forms Snowball leaves whole or cuts elsewhere (DICT_FIX) */
  {"psykiatrin", "psykiatri"}, {"strategin", "strategi"},
  {"strategier", "strategi"}, {"pandemin", "pandemi"},
  {"hälsan", "häls"}, {"hälsa", "häls"}, {"skolan", "skol"},
  {"område", "områd"}, {"områdena", "områd"}, {"plats", "plat"},
  {"platser", "plat"}, {"platsen", "plat"}, {"analys", "analy"},
  {"analysen", "analy"}, {"kostnad", "kostn"}, {"kostnader", "kostn"},
  {"målet", "mål"}, {"laget", "lag"}, {"sjukhuset", "sjukhus"},
  {"arbetsplatser", "arbetsplat +arbet +plat"},
  {"coronapandemin", "coronapandemi +coron +pandemi"},
  {"folkhälsostrategin",
   "folkhälsostrategi +folkhäls +strategi +folk +häls +hälsostrategi"},
  {"hälsofrämjande", "hälsofrämj +häls +främj"},
  {"kvinnohälsa", "kvinnohäls +kvinn +häls"},
  /* short heads: only real words (möte, råd, fri, dag, hus), not lag, tid */
  {"dialogmöte", "dialogmöt +dialog +möt"},
  {"ungdomsråd", "ungdomsråd +ungdom +råd"},
  {"tobaksfri", "tobaksfri +tobak +fri"},
  {"underlaget", "underlag"}, {"framtid", "framtid"},
  {"hälsovalet", "hälsoval"}, {"hälsoval", "hälsoval"},
  {"rapportera", "rapporter"},
  {"akutsjukhuset", "akutsjukhus +akut +sjukhus"},
  /* a noun in its own right, not the verb's form: samverkan, påverkan */
  {"akutsamverkan", "akutsamverkan +akut +samverkan"},
  {"covidvård", "covidvård +covid +vård"},
  /* exceptions: nära is not när; våra is not vår (våren), svåra is svår */
  {"kundnära", "kundnära +kund +nära"}, {"våra", "våra"}, {"svåra", "svår"},
  /* compounds without a linking letter */
  {"suicidprevention", "suicidprevention +suicid +prevention"},
  {"mammografiverksamheten", "mammografiverksam +mammografi +verksam"},
  {"närsjukvården", "närsjukvård +när +sjukvård +sjuk +vård"},
  {"primärvården", "primärvård +primär +vård"},
  {"sjukvården", "sjukvård +sjuk +vård"},
  {"barnpsykiatri", "barnpsykiatri +barn +psykiatri"},
  {"intensivvård", "intensivvård +intensiv +vård"},
  {"mammografivagnar", "mammografivagn +mammografi +vagn"},
  {"tilläggsuppdraget", "tilläggsuppdrag +tillägg +uppdrag"},
  {"vårdinsatsen", "vårdinsats +vård +insats"},
  {"regionstyrelsen", "regionstyr +region +styr"},
  /* compounds with a linking -s- (or a form from the dictionary) */
  {"självmordsprevention", "självmordsprevention +självmord +prevention"},
  {"hjälpmedelsförsörjning",
   "hjälpmedelsförsörjning +hjälpmedel +försörjning +hjälp +medel"
   " +medelsförsörjning"},
  {"fordonshantering", "fordonshantering +fordon +hantering"},
  {"läkemedelsgenomgångar",
   "läkemedelsgenomgång +läkemedel +genomgång +genom +gång"},
  {"läkemedelsgenomgång",
   "läkemedelsgenomgång +läkemedel +genomgång +genom +gång"},
  {"patientsäkerhetsplan",
   "patientsäkerhetsplan +patientsäker +plan +patient +säker"
   " +säkerhetsplan"},
  {"ungdomspsykiatri", "ungdomspsykiatri +ungdom +psykiatri"},
  {"handlingsplan", "handlingsplan +handling +plan"},
  {"verksamhetsutveckling", "verksamhetsutveckling +verksam +utveckling"},
  {"samverkansavtalet", "samverkansavtal +samverkan +avtal"},
  {"landstingsstyrelsens", "landstingsstyr +landsting +styr"},
  /* compounds nested in a longer one: every run of parts, as a word */
  {"kompetensförsörjningsbehovet",
   "kompetensförsörjningsbehov +kompet +försörjning +behov"
   " +kompetensförsörjning +försörjningsbehov"},
  {"Kompetensförsörjningsrådets",           /* rådet is råd: a head */
   "kompetensförsörjningsråd +kompet +försörjning +råd"
   " +kompetensförsörjning +försörjningsråd"},
  {"rådet", "råd"}, {"ungdomsrådet", "ungdomsråd +ungdom +råd"},
  {"vårdgarantiuppföljningen",
   "vårdgarantiuppföljning +vårdgaranti +uppföljning +vård +garanti"
   " +garantiuppföljning"},
  {"kvalitetsuppföljningsrapporten",
   "kvalitetsuppföljningsrapport +kvalitet +uppföljning +rapport"
   " +kvalitetsuppföljning +uppföljningsrapport"},
  /* a part that is itself a compound of compounds: the runs of its full
  ** split (när|sjuk|vårds|område) that begin inside it; none ends inside
  ** it (no närsjuk) */
  {"närsjukvårdsområdet",
   "närsjukvårdsområd +närsjukvård +områd +när +sjukvård +sjuk +vård"
   " +sjukvårdsområd +vårdsområd"},
  {"barnhälsovårdsprogrammet",
   "barnhälsovårdsprogram +barnhälsovård +program +barn +hälsovård +häls"
   " +vård +hälsovårdsprogram +vårdsprogram"},
  {"hemsjukvårdsteamet",
   "hemsjukvårdsteam +hemsjukvård +team +hem +sjukvård +sjuk +vård"
   " +sjukvårdsteam +vårdsteam"},
  /* a short first part comes off a compound (närsjukvård), not off a
  ** word it would leave in fragments: no dom, tagning, verk, medel, nor
  ** runs from them (domsmottagning, medelsgenomgång, verksträff) */
  {"ungdomsmottagningen", "ungdomsmottagning +ungdom +mottagning"},
  {"läkemedelsgenomgången",
   "läkemedelsgenomgång +läkemedel +genomgång +genom +gång"},
  {"nätverksträffen", "nätverksträff +nätverk +träff"},
  {"mottagningsverksamheten", "mottagningsverksam +mottagning +verksam"},
  {"närvårdsteamet", "närvårdsteam +närvård +team"},
  {"framtidsplanen", "framtidsplan +framtid +plan"},
  {"folkhälsomyndigheten",                /* hälso- is hälsa: häls */
   "folkhälsomyndighet +folkhäls +folk +häls +myndighet"},
  /* must not split, or only into real words */
  {"sjukhus", "sjukhus"}, {"Norrbotten", "norrbot"},
  {"sjuksköterska", "sjukskötersk +sjuk +skötersk"},
  {"digitalisering", "digitalisering"}, {"uppföljning", "uppföljning"},
  {"organisation", "organisation"}, {"information", "information"},
  {"kvalitet", "kvalitet"}, {"ekonomi", "ekonomi"},
  {"personal", "personal"}, {"statistik", "statistik"},
  {"samverkan", "samverkan"}, {"regionalt", "regionalt"},
  {"underlag", "underlag"}, {"fortsatt", "fortsat"},
  {"genomföra", "genomför"}, {"sjukdomar", "sjukdom"},
  {"framtiden", "framtid"}, {"planering", "planering"},
  {"Kalix", "kalix"}, {"Luleå", "luleå"}, {"Piteå", "piteå"},
  {"Gällivare", "gälliv"}, {"Haparanda", "haparand"},
  /* case; å ä ö are letters of their own */
  {"ÖKA", "öka"}, {"Öka", "öka"}, {"VÅRDEN", "vård"},
  {"MammografiVerksamheten", "mammografiverksam +mammografi +verksam"},
  {"för", "för"}, {"for", "for"}, {"år", "år"}, {"ar", "ar"},
  {"ÅR", "år"}, {"är", "är"},
  /* stop words stay in the index */
  {"och i för att det", "och i för att det"}, {"nära", "nära"},
  /* digits and mixed scripts */
  {"2021", "2021"}, {"covid-19", "covid +covid19 19"}, {"1177", "1177"},
  {"2021-05-05", "2021 05 05"}, {"3,5 procent", "3 5 procent"},
  {"folkhälsostراتيجية", "folkhälsostراتيجية"},
  /* hyphenated words: the solid form too, colocated with the first word */
  {"e-hälsa", "e +ehäls häls"}, {"SKL-projektet", "skl +sklprojektet projek"},
  {"ett eget Norrbottens-program",
   "ett eget norrbot +norrbottensprogram program"},
  {"covid-19-pandemin", "covid +covid19 19 +19pandemin pandemi"},
  {"2019-2021", "2019 2021"}, {"e- och", "e och"}, {"e -hälsa", "e häls"},
  {"Müller café", "müller café"},
  /* coordinated compounds: the completed form beside the hanging word */
  {"barn- och ungdomspsykiatri", "barn +barnpsykiatri och "
   "ungdomspsykiatri +ungdom +psykiatri"},
  {"intensiv- och intermediärvård", "intensiv +intensivvård och "
   "intermediärvård +intermediär +vård"},
  {"hälso- och sjukvård", "hälso +hälsovård och sjukvård +sjuk +vård"},
  {"region- och kommunägda", "region +regionäg och kommunäg"},
  {"barn-, ungdoms- och vuxenpsykiatri", "barn +barnpsykiatri ungdom "
   "+ungdomspsykiatri och vuxenpsykiatri +vux +psykiatri"},
  {"hälso- eller sjukvården", "hälso +hälsovård ell sjukvård +sjuk +vård"},
  {"barn- och", "barn och"}, {"barn-", "barn"}, {"barn- i skolan",
   "barn i skol"},
  {"", ""},
};

START_TEST(test_document){
  check_terms(FTS5_TOKENIZE_DOCUMENT, aDoc[_i].zIn, aDoc[_i].zTerms);
}
END_TEST

/*
** At aux time (highlight, snippet, ranking: they skip colocated tokens)
** the terms are the index's whole words: the DOCUMENT terms less the
** colocated ones ("+part").
*/
START_TEST(test_aux){
  char zWant[512];
  const char *z = aDoc[_i].zTerms;
  size_t n = 0;
  while( *z ){
    size_t m = strcspn(z, " ");
    if( z[0]!='+' ){
      ck_assert(n+m+2<sizeof(zWant));
      if( n ) zWant[n++] = ' ';
      memcpy(zWant+n, z, m);
      n += m;
    }
    z += m + (z[m]==' ');
  }
  zWant[n] = 0;
  check_terms(FTS5_TOKENIZE_AUX, aDoc[_i].zIn, zWant);
}
END_TEST

/* Query time: the whole word only. */
static const struct { const char *zIn; const char *zTerms; } aQuery[] = {
  {"suicidprevention", "suicidprevention"},
  {"mammografiverksamheten", "mammografiverksam"},
  {"uppdraget", "uppdrag"}, {"tilläggsuppdraget", "tilläggsuppdrag"},
  {"barn- och ungdomspsykiatri", "barn och ungdomspsykiatri"},
  {"vården", "vård"}, {"Myndigheten", "myndighet"},
};

START_TEST(test_query){
  check_terms(FTS5_TOKENIZE_QUERY, aQuery[_i].zIn, aQuery[_i].zTerms);
}
END_TEST

static const struct { const char *z; int bStop; } aStopCase[] = {
  {"och", 1}, {"OCH", 1}, {"När", 1}, {"nära", 0}, {"för", 1}, {"FÖR", 1},
  {"över", 1}, {"Över", 1}, {"vård", 0}, {"", 0}, {"ÅT", 1}, {"at", 0},
  {"än", 1}, {"an", 0}, {"så", 1}, {"sa", 0}, {"vår", 1}, {"var", 1},
  {"uppdrag", 0}, {"Sådana", 1},
};

START_TEST(test_stopword){
  ck_assert_int_eq(swedish_is_stopword(aStopCase[_i].z,
                                       (int)strlen(aStopCase[_i].z)),
                   aStopCase[_i].bStop);
}
END_TEST

static const struct { const char *zIn; const char *zOut; } aFold[] = {
  {"Vården", "vården"}, {"ÖKA", "öka"}, {"ÅÄÖÉÜ", "åäöéü"},
  {"abc 123", "abc 123"}, {"×", "×"}, {"", ""}, {"X\xff", "x\xff"},
};

START_TEST(test_fold){
  char z[64];
  int n = (int)strlen(aFold[_i].zIn);
  ck_assert_int_eq(swedish_fold(aFold[_i].zIn, n, z, (int)sizeof(z)), n);
  z[n] = 0;
  ck_assert_str_eq(z, aFold[_i].zOut);
  if( n>0 ) ck_assert_int_eq(swedish_fold(aFold[_i].zIn, n, z, n-1), -1);
}
END_TEST

/*
** hunspell-sv's word list: words and their inflected forms (folded, names
** too), not misspellings, not compounds the dictionary does not list, not
** forms that stand only inside compounds (självmords-).
*/
static const struct { const char *z; int bWord; } aWord[] = {
  {"lag", 1}, {"låg", 1}, {"våra", 1}, {"vara", 1}, {"läkemedel", 1},
  {"läkemedlen", 1}, {"mammografi", 1}, {"mammografin", 1}, {"vården", 1},
  {"uppdraget", 1}, {"kiruna", 1}, {"halsa", 1}, {"hälsa", 1},
  {"lakemedel", 0}, {"mamografi", 0}, {"vard", 0}, {"nara", 0},
  {"mammografivagnar", 0}, {"kompetensförsörjning", 0}, {"Lag", 0},
  {"lag ", 0}, {"", 0}, {"\xff\xfe", 0},
};

START_TEST(test_is_word){
  ck_assert_msg(swedish_is_word(aWord[_i].z, (int)strlen(aWord[_i].z))
                ==aWord[_i].bWord, "%s", aWord[_i].z);
}
END_TEST

/* --- robustness: bad bytes, huge tokens, huge text ---------------------- */

static int count_token(void *pCtx, int tflags, const char *z, int n,
                       int iStart, int iEnd){
  Out *o = (Out*)pCtx;
  (void)tflags;
  (void)z;
  if( n<0 || iStart<0 || iEnd<iStart || iEnd>o->nText ) o->bOffsetsOk = 0;
  o->nToken++;
  return SQLITE_OK;
}

/* Tokenize z[0..n) at index time, counting tokens; checks offsets. */
static long count_tokens(const char *z, int n){
  Tok t;
  Out o;
  memset(&o, 0, sizeof(o));
  o.bOffsetsOk = 1;
  o.nText = n;
  tok_open(&t);
  ck_assert_int_eq(t.mod.xTokenize(t.pTok, &o, FTS5_TOKENIZE_DOCUMENT, z, n,
                                   count_token), SQLITE_OK);
  tok_close(&t);
  ck_assert(o.bOffsetsOk);
  return o.nToken;
}

START_TEST(test_bad_bytes){
  static const char aBad[] = "\xff\xfe v\xc3 vård \xc3\xa5\xc3 \xe2\x82 "
                             "vård\0vården \x80\x80 mötet \xf4\x90\x80\x80";
  Tok t;
  Out o;
  tok_open(&t);
  ck_assert_int_eq(tok_run(&t, FTS5_TOKENIZE_DOCUMENT, aBad,
                           (int)sizeof(aBad)-1, &o), SQLITE_OK);
  ck_assert(o.bOffsetsOk);
  ck_assert_msg(strstr(o.z, "vård") && strstr(o.z, "möt"), "%s", o.z);
  free(o.z);
  tok_close(&t);
  ck_assert_int_eq(count_tokens("", 0), 0);
  ck_assert_int_eq(count_tokens("\0\0\0", 3), 0);
}
END_TEST

START_TEST(test_huge_token){
  int n = 1<<20;
  char *z = malloc((size_t)n);
  ck_assert_ptr_nonnull(z);
  memset(z, 'a', (size_t)n);
  ck_assert_int_eq(count_tokens(z, n), 1);
  memcpy(z, "hälso- och ", 12);             /* hanging word before it */
  ck_assert_int_eq(count_tokens(z, n), 3);
  free(z);
}
END_TEST

/* Pseudo-random bytes: no crash, offsets inside the text. */
START_TEST(test_random_bytes){
  int n = 1<<20, i;
  unsigned x = 12345;
  char *z = malloc((size_t)n);
  ck_assert_ptr_nonnull(z);
  for(i=0; i<n; i++){
    x = x*1103515245u + 12345u;
    z[i] = (char)(x>>16);
  }
  count_tokens(z, n);
  free(z);
}
END_TEST

/* 20 MB of report-like text: every word is seen; linear work. */
START_TEST(test_big_text){
  static const char zLine[] =
    "Barn- och ungdomspsykiatrin ska utveckla suicidpreventionen och "
    "hälso- och sjukvården i Norrbotten 2021, covid-19 (läkemedelsgenomgångar"
    ", mammografiverksamheten). ";
  int nLine = (int)sizeof(zLine)-1, nRep = (20<<20)/nLine, i;
  long nOne = count_tokens(zLine, nLine);
  char *z = malloc((size_t)nLine*nRep);
  ck_assert_ptr_nonnull(z);
  for(i=0; i<nRep; i++) memcpy(z+(size_t)i*nLine, zLine, (size_t)nLine);
  ck_assert_int_eq(count_tokens(z, nLine*nRep), nOne*nRep);
  free(z);
}
END_TEST

/*
** The token cache grows (128 KB, then 512 KB or 4 MB) after as many misses
** as it has slots, moving what it holds: the terms of every table case
** must be the same cold, after tens of thousands of distinct words have
** grown and churned the cache, and when they come from the cache.
*/
static const int aCacheFlags[] = {
  FTS5_TOKENIZE_DOCUMENT, FTS5_TOKENIZE_QUERY, FTS5_TOKENIZE_AUX
};

/* The terms of every aDoc case through t, one string per case in az. */
static void doc_terms(Tok *t, int flags, char **az){
  int i;
  for(i=0; i<COUNT(aDoc); i++){
    Out o;
    ck_assert_int_eq(tok_run(t, flags, aDoc[i].zIn, (int)strlen(aDoc[i].zIn),
                             &o), SQLITE_OK);
    az[i] = o.z;
  }
}

START_TEST(test_cache_growth){
  int flags = aCacheFlags[_i], i, k;
  char *azCold[COUNT(aDoc)], *azWarm[COUNT(aDoc)];
  char zWord[32];
  Tok t;
  tok_open(&t);
  doc_terms(&t, flags, azCold);
  for(k=0; k<40000; k++){          /* distinct words: misses, growth */
    Out o;
    int n = snprintf(zWord, sizeof(zWord), "v\xC3\xA5rd%c%c%cplanerna",
                     'a'+k%26, 'a'+k/26%26, 'a'+k/676%26);
    ck_assert_int_eq(tok_run(&t, flags, zWord, n, &o), SQLITE_OK);
    free(o.z);
  }
  for(k=0; k<2; k++){              /* after growth; then from the cache */
    doc_terms(&t, flags, azWarm);
    for(i=0; i<COUNT(aDoc); i++){
      ck_assert_msg(strcmp(azCold[i], azWarm[i])==0, "'%s': '%s' then '%s'",
                    aDoc[i].zIn, azCold[i], azWarm[i]);
      free(azWarm[i]);
    }
  }
  for(i=0; i<COUNT(aDoc); i++) free(azCold[i]);
  tok_close(&t);
}
END_TEST

/* Many hanging words in a row: more than can be held back. */
START_TEST(test_many_hanging){
  check_terms(FTS5_TOKENIZE_DOCUMENT,
              "a- b- c- d- e- f- g- h- och vård",
              "a b c d e f g h och vård");
  check_terms(FTS5_TOKENIZE_DOCUMENT, "barn- barn- och",
              "barn barn och");
}
END_TEST

/* --- ranking: part vs whole, as a ranking function tells them ------------ */

/* What match_kind() looks for in a row's aux tokens. */
typedef struct Kind Kind;
struct Kind {
  const char *zText;              /* the row's column text */
  const char *zTerm;              /* the term looked for (a stem) */
  const char *zSurface;           /* the query word as typed, folded */
  int bWhole, bColocated, bExact;
};

static int kind_token(void *pCtx, int tflags, const char *z, int n,
                      int iStart, int iEnd){
  Kind *k = (Kind*)pCtx;
  char zFold[64];
  int m;
  if( tflags & FTS5_TOKEN_COLOCATED ) k->bColocated = 1;  /* AUX: never */
  if( n!=(int)strlen(k->zTerm) || memcmp(z, k->zTerm, (size_t)n)!=0 ){
    return SQLITE_OK;
  }
  m = swedish_fold(k->zText+iStart, iEnd-iStart, zFold, sizeof(zFold));
  k->bWhole = 1;
  if( m==(int)strlen(k->zSurface) && memcmp(zFold, k->zSurface, m)==0 ){
    k->bExact = 1;
  }
  return SQLITE_OK;
}

/*
** match_kind(t, term, surface): 'exact', 'whole' or 'part' for the
** current row (which MATCH found), the way a ranking function tells a
** whole-word match from a compound-part match: re-tokenize the column with
** the aux xTokenize (FTS5_TOKENIZE_AUX, whole words only); a row none of
** whose whole words has the term matched through a part. 'colocated' if
** AUX made a colocated token (it must not).
*/
static void match_kind(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                       sqlite3_context *pCtx, int nVal, sqlite3_value **apVal){
  Kind k;
  int n = 0;
  int rc;
  memset(&k, 0, sizeof(k));
  if( nVal!=2 ){
    sqlite3_result_error(pCtx, "match_kind(t, term, surface)", -1);
    return;
  }
  k.zTerm = (const char*)sqlite3_value_text(apVal[0]);
  k.zSurface = (const char*)sqlite3_value_text(apVal[1]);
  rc = pApi->xColumnText(pFts, 0, &k.zText, &n);
  if( rc==SQLITE_OK ) rc = pApi->xTokenize(pFts, k.zText, n, &k, kind_token);
  if( rc!=SQLITE_OK ){
    sqlite3_result_error_code(pCtx, rc);
    return;
  }
  sqlite3_result_text(pCtx, k.bColocated ? "colocated" : k.bExact ? "exact"
                      : k.bWhole ? "whole" : "part", -1, SQLITE_STATIC);
}

static const struct { const char *zMatch, *zTerm, *zSurface, *zWant; }
aRank[] = {
  {"vård", "vård", "vård",
   "1:whole:[Vården] i Norrbotten|2:part:[närsjukvården] växer|"
   "3:exact:[vård] i hemmet|8:part:Kalix [sjukvårdsområde]|"
   "9:part:[närsjukvårdsområdet] växer"},
  {"vården", "vård", "vården",
   "1:exact:[Vården] i Norrbotten|2:part:[närsjukvården] växer|"
   "3:whole:[vård] i hemmet|8:part:Kalix [sjukvårdsområde]|"
   "9:part:[närsjukvårdsområdet] växer"},
  {"barnpsykiatri", "barnpsykiatri", "barnpsykiatri",
   "4:part:[barn]- och ungdomspsykiatri"},
  {"psykiatri", "psykiatri", "psykiatri",
   "4:part:barn- och [ungdomspsykiatri]"},
  {"närsjukvård", "närsjukvård", "närsjukvård",
   "2:whole:[närsjukvården] växer|9:part:[närsjukvårdsområdet] växer"},
  {"kompetensförsörjning", "kompetensförsörjning", "kompetensförsörjning",
   "5:exact:[kompetensförsörjning] i regionen|"
   "6:part:[kompetensförsörjningsbehovet] växer|"
   "7:part:[Kompetensförsörjningsrådets] möte"},
  /* a compound inside a part of a compound: a part match too */
  {"sjukvårdsområde", "sjukvårdsområd", "sjukvårdsområde",
   "8:exact:Kalix [sjukvårdsområde]|9:part:[närsjukvårdsområdet] växer"},
};

START_TEST(test_rank_kind){
  sqlite3 *db = 0;
  sqlite3_stmt *pStmt = 0;
  char zGot[512];
  size_t nGot = 0;
  ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  ck_assert_int_eq(swedish_register(db), SQLITE_OK);
  ck_assert_int_eq(fts5_api_of(db)->xCreateFunction(fts5_api_of(db),
                   "match_kind", 0, match_kind, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_exec(db,
      "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='swedish');"
      "INSERT INTO t(rowid, x) VALUES(1, 'Vården i Norrbotten'),"
      "(2, 'närsjukvården växer'), (3, 'vård i hemmet'),"
      "(4, 'barn- och ungdomspsykiatri'),"
      "(5, 'kompetensförsörjning i regionen'),"
      "(6, 'kompetensförsörjningsbehovet växer'),"
      "(7, 'Kompetensförsörjningsrådets möte'),"
      "(8, 'Kalix sjukvårdsområde'), (9, 'närsjukvårdsområdet växer');",
      0, 0, 0), SQLITE_OK);
  ck_assert_int_eq(sqlite3_prepare_v2(db,
      "SELECT rowid || ':' || match_kind(t, ?2, ?3) || ':' ||"
      " highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1 ORDER BY rowid",
      -1, &pStmt, 0), SQLITE_OK);
  sqlite3_bind_text(pStmt, 1, aRank[_i].zMatch, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 2, aRank[_i].zTerm, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 3, aRank[_i].zSurface, -1, SQLITE_STATIC);
  zGot[0] = 0;
  while( sqlite3_step(pStmt)==SQLITE_ROW && nGot<sizeof(zGot) ){
    nGot += (size_t)snprintf(zGot+nGot, sizeof(zGot)-nGot, "%s%s",
                             nGot ? "|" : "", sqlite3_column_text(pStmt, 0));
  }
  ck_assert_int_eq(sqlite3_finalize(pStmt), SQLITE_OK);
  ck_assert_str_eq(zGot, aRank[_i].zWant);
  sqlite3_close(db);
}
END_TEST

/* The analysis version names the revision and the libstemmer release. */
START_TEST(test_version){
  ck_assert_str_eq(swedish_analysis_version(), "swedish-4/libstemmer-2.2.0");
}
END_TEST

Suite *stemming_suite(void){
  Suite *s = suite_create("stemming");
  TCase *tc = tcase_create("terms");
  TCase *tcBig = tcase_create("robustness");
  tcase_add_loop_test(tc, test_document, 0, COUNT(aDoc));
  tcase_add_loop_test(tc, test_aux, 0, COUNT(aDoc));
  tcase_add_loop_test(tc, test_query, 0, COUNT(aQuery));
  tcase_add_loop_test(tc, test_stopword, 0, COUNT(aStopCase));
  tcase_add_loop_test(tc, test_fold, 0, COUNT(aFold));
  tcase_add_loop_test(tc, test_is_word, 0, COUNT(aWord));
  tcase_add_loop_test(tc, test_rank_kind, 0, COUNT(aRank));
  tcase_add_test(tc, test_version);
  tcase_add_test(tc, test_many_hanging);
  suite_add_tcase(s, tc);
  tcase_add_test(tcBig, test_bad_bytes);
  tcase_add_test(tcBig, test_huge_token);
  tcase_add_test(tcBig, test_random_bytes);
  tcase_add_test(tcBig, test_big_text);
  tcase_add_loop_test(tcBig, test_cache_growth, 0, COUNT(aCacheFlags));
  tcase_set_timeout(tcBig, 120);
  suite_add_tcase(s, tcBig);
  return s;
}
