/*
** assign.c: normalised assignment keys, the same-assignment rule and the
** linking of a series (assign.h has the rule in prose).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "assign.h"
#include "html.h"
#include "status.h"
#include "swedish.h"
#include "words.h"

#define WORD_MAX 64             /* longer words are terms as written */
#define NVAR 4                  /* wordings kept per assignment */

struct assign_norm {
  struct sb_stemmer *pStem;
};

/*
** Phrases that only say who got the assignment, as folded text. Longest
** first: a shorter one is part of a longer.
*/
static const char *const azPreamble[] = {
  "regionstyrelsen beslutar att ge regiondirektören i uppdrag att",
  "landstingsstyrelsen beslutar att ge landstingsdirektören i uppdrag att",
  "regionstyrelsen ger regiondirektören i uppdrag att",
  "landstingsstyrelsen ger landstingsdirektören i uppdrag att",
  "regiondirektören får i uppdrag att",
  "landstingsdirektören får i uppdrag att",
  "regiondirektören ges i uppdrag att",
  "landstingsdirektören ges i uppdrag att",
  "ge regiondirektören i uppdrag att",
  "ge landstingsdirektören i uppdrag att",
  "uppdra åt regiondirektören att",
  "uppdra åt landstingsdirektören att",
  "regiondirektören uppdras att",
  "landstingsdirektören uppdras att",
  0
};

/*
** Words a carried-over assignment gains or loses at its start: "Arbeta
** för X" becomes "Fortsätta arbetet för X", "Utveckla X" "Fortsätta att
** utveckla X".
*/
static const char *const azDrift[] = {
  "fortsätta", "fortsatt", "fortsätt", "att", "arbetet", "arbeta", "med",
  "för", "driva", "och", "vidare", 0
};

/*
** Words that say what kind of work an assignment is, not which one; they
** come and go as the wording drifts ("Redovisa"/"Återrapportera", "Ta
** fram"/"Utarbeta", "Utveckla X"/"Fortsätta utvecklingen av X"), so they
** are not terms. Sorted for bsearch.
*/
static const char *const azWorkWord[] = {
  "arbeta", "arbetet", "driva", "fortsatt", "fortsätt", "fortsätta", "fram",
  "genomföra", "genomförandet", "rapportera", "redovisa", "se", "säkerställa",
  "ta", "utarbeta", "utveckla", "utvecklas", "utveckling", "utvecklingen",
  "verka", "vidare", "vidareutveckla", "återkoppla", "återrapportera", "över",
};

static int str_cmp_ptr(const void *pKey, const void *pElem){
  return strcmp((const char*)pKey, *(const char *const*)pElem);
}

/* Is the folded word z[0..n) one of azWorkWord? */
static int is_work_word(const char *z, size_t n){
  char zWord[24];
  if( n>=sizeof(zWord) ) return 0;
  memcpy(zWord, z, n);
  zWord[n] = 0;
  return bsearch(zWord, azWorkWord, sizeof(azWorkWord)/sizeof(azWorkWord[0]),
                 sizeof(azWorkWord[0]), str_cmp_ptr)!=0;
}

static uint64_t fnv64(uint64_t h, const char *z, size_t n){
  size_t i;
  for(i=0; i<n; i++){
    h ^= (unsigned char)z[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}
#define FNV_SEED 0xcbf29ce484222325ULL

int assign_norm_new(struct assign_norm **ppOut){
  struct assign_norm *p = calloc(1, sizeof(*p));
  *ppOut = 0;
  if( p==0 ) return ASSIGN_NOMEM;
  p->pStem = sb_stemmer_new("swedish", "UTF_8");
  if( p->pStem==0 ){
    free(p);
    return ASSIGN_NOMEM;
  }
  *ppOut = p;
  return ASSIGN_OK;
}

void assign_norm_free(struct assign_norm *p){
  if( p==0 ) return;
  sb_stemmer_delete(p->pStem);
  free(p);
}

void assign_key_clear(struct assign_key *pKey){
  free(pKey->zText);
  free(pKey->zSourceText);
  free(pKey->aTerm);
  memset(pKey, 0, sizeof(*pKey));
}

/* ---- text ---- */

/* Capitalised words of assignment texts that are no names. */
static const char *const azNotName[] = {
  "regiondirektören", "landstingsdirektören", "regionstyrelsen",
  "landstingsstyrelsen", "regionstyrelsens", "landstingsstyrelsens",
  "dnr", "revisionsrapport", "region", "regionen", 0
};

static int is_upper_at(const unsigned char *u){
  return (u[0]>='A' && u[0]<='Z') || (u[0]==0xC3 && u[1]>=0x80 && u[1]<=0x9E);
}

/*
** Is the word z[i..j) of the cleaned text a name: a capital first letter,
** a small letter after it, not at the start of a sentence?
*/
static int is_name(const char *z, size_t i, size_t j){
  const unsigned char *u = (const unsigned char*)z;
  size_t k = i;
  if( !is_upper_at(&u[i]) ) return 0;
  while( k>0 && z[k-1]==' ' ) k--;
  if( k==0 || strchr(".:!?>", z[k-1]) ) return 0;
  for(k=i+1; k<j; k++) if( u[k]>='a' && u[k]<='z' ) return 1;
  return 0;
}

/* Add the name z[0..n) (folded) to pKey's names, sorted and distinct. */
static void add_name(struct assign_key *pKey, const char *z, size_t n){
  uint64_t h;
  int i, k;
  for(i=0; azNotName[i]; i++){
    if( strlen(azNotName[i])==n && memcmp(azNotName[i], z, n)==0 ) return;
  }
  h = 0xcbf29ce484222325ULL;
  for(k=0; k<(int)n; k++){ h ^= (unsigned char)z[k]; h *= 0x100000001b3ULL; }
  for(i=0; i<pKey->nName && pKey->aName[i]<h; i++){}
  if( (i<pKey->nName && pKey->aName[i]==h) || pKey->nName==ASSIGN_MAX_NAMES ){
    return;
  }
  memmove(&pKey->aName[i+1], &pKey->aName[i],
          (size_t)(pKey->nName-i)*sizeof(uint64_t));
  pKey->aName[i] = h;
  pKey->nName++;
}

/*
** Clean and fold z[0..n) into a new string (*pz, free with free()), and
** its words into a new array of (start, end) pairs (*paW, 2 per word);
** with pKey, the names among them go to pKey's names. Returns the number
** of words, or -1 when out of memory.
*/
static int fold_words(const char *z, size_t n, char **pz, size_t **paW,
                      struct assign_key *pKey){
  char *zC = malloc(n+1);
  size_t *aW = 0, i = 0, iStart, nC;
  int nW = 0;
  *pz = zC;
  *paW = 0;
  if( zC==0 ) return -1;
  if( n>0 ) memcpy(zC, z, n);
  nC = html_clean(zC, n);
  aW = malloc((nC/2+1)*2*sizeof(*aW));
  *paW = aW;
  if( aW==0 ) return -1;
  while( words_next(zC, nC, &i, &iStart) ){
    aW[2*nW] = iStart;
    aW[2*nW+1] = i;
    nW++;
  }
  for(i=0; pKey && (int)i<nW; i++){
    if( !is_name(zC, aW[2*i], aW[2*i+1]) ) continue;
    swedish_fold(&zC[aW[2*i]], (int)(aW[2*i+1]-aW[2*i]), &zC[aW[2*i]],
                 (int)(aW[2*i+1]-aW[2*i]));
    add_name(pKey, &zC[aW[2*i]], aW[2*i+1]-aW[2*i]);
  }
  swedish_fold(zC, (int)nC, zC, (int)nC);
  return nW;
}

static int all_digits(const char *z, size_t n){
  size_t i;
  for(i=0; i<n; i++) if( z[i]<'0' || z[i]>'9' ) return 0;
  return n>0;
}

static int word_is(const char *z, const size_t *aW, int k, const char *zWord){
  size_t n = aW[2*k+1]-aW[2*k];
  return strlen(zWord)==n && memcmp(&z[aW[2*k]], zWord, n)==0;
}

/*
** If words k.. of z are "dnr NNN-YYYY", copy "NNN-YYYY" to zDnr (16
** bytes) and return 3 (the words used), else return 0.
*/
static int take_dnr(const char *z, const size_t *aW, int nW, int k,
                    char *zDnr){
  size_t nNum, nYear;
  if( k+2>=nW || !word_is(z, aW, k, "dnr") ) return 0;
  nNum = aW[2*k+3]-aW[2*k+2];
  nYear = aW[2*k+5]-aW[2*k+4];
  if( !all_digits(&z[aW[2*k+2]], nNum) || nNum>8 ) return 0;
  if( !all_digits(&z[aW[2*k+4]], nYear) || nYear!=4 ) return 0;
  if( aW[2*k+4]!=aW[2*k+3]+1 || z[aW[2*k+3]]!='-' ) return 0;
  snprintf(zDnr, 16, "%.*s-%.4s", (int)nNum, &z[aW[2*k+2]], &z[aW[2*k+4]]);
  return 3;
}

/* Is word k "rs" or "ls" in parentheses, "(RS)"? */
static int is_paren_tag(const char *z, const size_t *aW, int k){
  size_t s = aW[2*k], e = aW[2*k+1];
  return (word_is(z, aW, k, "rs") || word_is(z, aW, k, "ls"))
      && s>0 && z[s-1]=='(' && z[e]==')';
}

/*
** Join the words of z that are not a Dnr or "(RS)" with single spaces into
** a new string *pzOut; the Dnr goes to zDnr. Returns ASSIGN_OK or
** ASSIGN_NOMEM.
*/
static int join_words(const char *z, const size_t *aW, int nW, char *zDnr,
                      char **pzOut){
  char *zOut = malloc(aW && nW>0 ? aW[2*nW-1]+1 : 1);
  size_t n = 0;
  int k;
  *pzOut = zOut;
  if( zOut==0 ) return ASSIGN_NOMEM;
  for(k=0; k<nW; k++){
    int nSkip = take_dnr(z, aW, nW, k, zDnr);
    size_t nWord = aW[2*k+1]-aW[2*k];
    if( nSkip>0 ){ k += nSkip-1; continue; }
    if( is_paren_tag(z, aW, k) ) continue;
    if( n>0 ) zOut[n++] = ' ';
    memcpy(&zOut[n], &z[aW[2*k]], nWord);
    n += nWord;
  }
  zOut[n] = 0;
  return ASSIGN_OK;
}

/* Remove every preamble phrase of z (in place, on word boundaries). */
static void drop_preambles(char *z){
  int i;
  for(i=0; azPreamble[i]; i++){
    size_t nP = strlen(azPreamble[i]);
    char *p = z;
    while( (p = strstr(p, azPreamble[i]))!=0 ){
      char *e = p+nP;
      if( (p==z || p[-1]==' ') && (*e==0 || *e==' ') ){
        if( *e==' ' ) e++;
        memmove(p, e, strlen(e)+1);
      }else{
        p++;
      }
    }
  }
}

/* Drop leading drift words of z (in place), keeping at least one word. */
static void drop_drift(char *z){
  char *p = z;
  for(;;){
    size_t n = strcspn(p, " ");
    int i, bDrift = 0;
    if( p[n]==0 ) break;
    for(i=0; azDrift[i]; i++){
      if( strlen(azDrift[i])==n && memcmp(p, azDrift[i], n)==0 ) bDrift = 1;
    }
    if( !bDrift ) break;
    p += n+1;
  }
  memmove(z, p, strlen(p)+1);
}

static int cmp_u64(const void *a, const void *b){
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x<y ? -1 : x>y;
}

/*
** The terms of the normalised text z: every word that is not a stop word
** (nor, if bWork is 0, a work word), stemmed, hashed, sorted and distinct.
** Returns ASSIGN_OK or ASSIGN_NOMEM.
*/
static int make_terms(struct assign_norm *p, const char *z, int bWork,
                      struct assign_key *pKey){
  size_t n = strlen(z), i = 0, iStart;
  uint64_t *a = malloc((n/2+1)*sizeof(*a));
  int nTerm = 0, k;
  if( a==0 ) return ASSIGN_NOMEM;
  while( words_next(z, n, &i, &iStart) ){
    const char *zW = &z[iStart];
    int nW = (int)(i-iStart);
    if( swedish_is_stopword(zW, nW) ) continue;
    if( !bWork && is_work_word(zW, (size_t)nW) ) continue;
    if( nW<=WORD_MAX ){
      const sb_symbol *s = sb_stemmer_stem(p->pStem, (const sb_symbol*)zW, nW);
      if( s==0 ){ free(a); return ASSIGN_NOMEM; }
      zW = (const char*)s;
      nW = sb_stemmer_length(p->pStem);
    }
    a[nTerm++] = fnv64(FNV_SEED, zW, (size_t)nW);
  }
  qsort(a, (size_t)nTerm, sizeof(*a), cmp_u64);
  for(i=0, k=0; (int)i<nTerm; i++){
    if( k==0 || a[k-1]!=a[i] ) a[k++] = a[i];
  }
  pKey->aTerm = a;
  pKey->nTerm = k;
  return ASSIGN_OK;
}

/* ---- sources ---- */

static int parse_int(const char *z, size_t n){
  int v = 0;
  size_t i;
  for(i=0; i<n; i++) v = v*10 + (z[i]-'0');
  return v;
}

/* A decision reference at word k ("rs 201209", "§ 112" after it)? */
static int parse_decision(const char *z, const size_t *aW, int nW, int k,
                          struct assign_key *pKey){
  size_t nNum;
  const char *zPara;
  if( k+1>=nW ) return 0;
  if( !word_is(z, aW, k, "rs") && !word_is(z, aW, k, "ls")
   && !word_is(z, aW, k, "rf") && !word_is(z, aW, k, "lf") ) return 0;
  nNum = aW[2*k+3]-aW[2*k+2];
  if( nNum!=6 || !all_digits(&z[aW[2*k+2]], nNum) ) return 0;
  pKey->eKind = ASSIGN_SRC_DECISION;
  pKey->iDecision = parse_int(&z[aW[2*k+2]], nNum);
  zPara = strstr(&z[aW[2*k+3]], "\xC2\xA7");
  if( zPara && k+2<nW && &z[aW[2*k+4]]>zPara
   && all_digits(&z[aW[2*k+4]], aW[2*k+5]-aW[2*k+4])
   && aW[2*k+5]-aW[2*k+4]<=4 ){
    pKey->iPara = parse_int(&z[aW[2*k+4]], aW[2*k+5]-aW[2*k+4]);
  }
  return 1;
}

/* A plan's years at word k ("stabsplan 2018", "plan 2021-2023")? */
static int parse_plan(const char *z, const size_t *aW, int nW, int k,
                      struct assign_key *pKey){
  size_t n = aW[2*k+1]-aW[2*k];
  int y;
  if( n<4 || memcmp(&z[aW[2*k+1]-4], "plan", 4)!=0 || k+1>=nW ) return 0;
  if( aW[2*k+3]-aW[2*k+2]!=4 || !all_digits(&z[aW[2*k+2]], 4) ) return 0;
  y = parse_int(&z[aW[2*k+2]], 4);
  pKey->eKind = ASSIGN_SRC_PLAN;
  pKey->iPlanFrom = pKey->iPlanTo = y;
  if( k+2<nW && aW[2*k+5]-aW[2*k+4]==4 && all_digits(&z[aW[2*k+4]], 4)
   && aW[2*k+4]==aW[2*k+3]+1 && z[aW[2*k+3]]=='-' ){
    pKey->iPlanTo = parse_int(&z[aW[2*k+4]], 4);
  }
  return 1;
}

/* What the folded source words say, into pKey. */
static void parse_source(const char *z, const size_t *aW, int nW,
                         struct assign_key *pKey){
  int k;
  pKey->eKind = nW>0 ? ASSIGN_SRC_OTHER : ASSIGN_SRC_NONE;
  for(k=0; k<nW; k++){
    if( parse_decision(z, aW, nW, k, pKey) ) return;
  }
  for(k=0; k<nW; k++){
    if( parse_plan(z, aW, nW, k, pKey) ) return;
  }
}

int assign_key_make(struct assign_norm *p, const char *zA, size_t nA,
                    const char *zS, size_t nS, struct assign_key *pKey){
  char *zF = 0, zDnr[16] = "";
  size_t *aW = 0;
  int nW, rc = ASSIGN_NOMEM;
  memset(pKey, 0, sizeof(*pKey));
  nW = fold_words(zA, nA, &zF, &aW, pKey);
  if( nW<0 || join_words(zF, aW, nW, pKey->zDnr, &pKey->zText) ) goto out;
  drop_preambles(pKey->zText);
  drop_drift(pKey->zText);
  free(zF);
  free(aW);
  nW = fold_words(zS, nS, &zF, &aW, 0);
  if( nW<0 || join_words(zF, aW, nW, zDnr, &pKey->zSourceText) ) goto out;
  if( pKey->zDnr[0]==0 ) memcpy(pKey->zDnr, zDnr, sizeof(zDnr));
  parse_source(zF, aW, nW, pKey);
  rc = make_terms(p, pKey->zText, 0, pKey);
  if( rc==ASSIGN_OK && pKey->nTerm==0 ){
    /* nothing but work words: they are all it has */
    free(pKey->aTerm);
    pKey->aTerm = 0;
    rc = make_terms(p, pKey->zText, 1, pKey);
  }
out:
  free(zF);
  free(aW);
  if( rc!=ASSIGN_OK ) assign_key_clear(pKey);
  return rc;
}

/* ---- the rule ---- */

/* The threshold for two sources (no Dnr pair), or -1 if incompatible. */
static double source_threshold(const struct assign_key *a,
                               const struct assign_key *b){
  if( a->eKind==ASSIGN_SRC_NONE || b->eKind==ASSIGN_SRC_NONE ){
    return ASSIGN_T_OPEN;
  }
  if( a->eKind!=b->eKind ) return -1;
  switch( a->eKind ){
    case ASSIGN_SRC_DECISION:
      if( a->iDecision!=b->iDecision ) return -1;
      if( a->iPara && b->iPara && a->iPara!=b->iPara ) return -1;
      return ASSIGN_T_SOURCE;
    case ASSIGN_SRC_PLAN:
      if( b->iPlanFrom>a->iPlanTo+1 || a->iPlanFrom>b->iPlanTo+1 ) return -1;
      return ASSIGN_T_SOURCE;
    default:
      return strcmp(a->zSourceText, b->zSourceText)==0 ? ASSIGN_T_OPEN : -1;
  }
}

double assign_threshold(const struct assign_key *a, const struct assign_key *b){
  double t = source_threshold(a, b);
  if( a->nName>0 && b->nName>0 && (a->nName!=b->nName
      || memcmp(a->aName, b->aName, (size_t)a->nName*sizeof(uint64_t))) ){
    return -1;                  /* they name other places or bodies */
  }
  if( a->zDnr[0] && b->zDnr[0] ){
    if( strcmp(a->zDnr, b->zDnr)!=0 || t<0 ) return -1;
    return ASSIGN_T_DNR;
  }
  return t;
}

/* Weighted Jaccard over sorted term arrays; aWa/aWb weights or NULL. */
static double jaccard(const struct assign_key *a, const double *aWa,
                      const struct assign_key *b, const double *aWb){
  double inter = 0, uni = 0;
  int i = 0, j = 0;
  while( i<a->nTerm || j<b->nTerm ){
    if( j>=b->nTerm || (i<a->nTerm && a->aTerm[i]<b->aTerm[j]) ){
      uni += aWa ? aWa[i] : 1;
      i++;
    }else if( i>=a->nTerm || b->aTerm[j]<a->aTerm[i] ){
      uni += aWb ? aWb[j] : 1;
      j++;
    }else{
      double w = aWa ? aWa[i] : 1;
      inter += w;
      uni += w;
      i++;
      j++;
    }
  }
  return uni>0 ? inter/uni : 0;
}

double assign_similarity(const struct assign_key *a, const struct assign_key *b,
                         double (*xWeight)(void*, uint64_t), void *pCtx){
  double inter = 0, uni = 0;
  int i = 0, j = 0;
  if( xWeight==0 ) return jaccard(a, 0, b, 0);
  while( i<a->nTerm || j<b->nTerm ){
    if( j>=b->nTerm || (i<a->nTerm && a->aTerm[i]<b->aTerm[j]) ){
      uni += xWeight(pCtx, a->aTerm[i++]);
    }else if( i>=a->nTerm || b->aTerm[j]<a->aTerm[i] ){
      uni += xWeight(pCtx, b->aTerm[j++]);
    }else{
      double w = xWeight(pCtx, a->aTerm[i]);
      inter += w;
      uni += w;
      i++;
      j++;
    }
  }
  return uni>0 ? inter/uni : 0;
}

int assign_same(const struct assign_key *a, const struct assign_key *b){
  double t = assign_threshold(a, b);
  return t>=0 && jaccard(a, 0, b, 0)>=t;
}

/* ---- linking a series ---- */

/* An assignment while linking. */
struct clu {
  int iLast;                /* sorted position of its latest row */
  int iDay;                 /* day of its latest report */
  int iReport;              /* number of its latest report */
  int aVar[NVAR];           /* sorted positions of its latest wordings */
  int nVar;
  const char *zDnr;         /* the first Dnr seen, or "" */
};

/* A row that may continue an assignment, and how well. */
struct pair {
  double s;
  int r, c;
};

struct linker {
  const struct assign_row *aRow;
  int nRow;
  int *aOrd;                /* sorted position -> input index */
  int *aDay;                /* sorted position -> day of its report */
  struct assign_key *aKey;  /* by sorted position */
  double *aW;               /* term weights, all keys' in a row */
  int *aWOff;               /* sorted position -> its first weight in aW */
  int *aOf;                 /* sorted position -> assignment */
  struct clu *aClu;
  int nClu;
  int *aLive;               /* assignments that may still continue */
  int nLive;
  struct pair *aPair;
  int nPair, nPairAlloc;
};

/* Days since 1970-01-01 of "YYYY-MM-DD" (0 if not a date). */
static int date_days(const char *z){
  int y, m, d, era, yoe, doy;
  if( z==0 || sscanf(z, "%4d-%2d-%2d", &y, &m, &d)!=3 ) return 0;
  y -= m<=2;
  era = (y>=0 ? y : y-399)/400;
  yoe = y - era*400;
  doy = (153*(m + (m>2 ? -3 : 9)) + 2)/5 + d-1;
  return era*146097 + yoe*365 + yoe/4 - yoe/100 + doy - 719468;
}

struct ord { const struct assign_row *p; int i; };

/* Rows of one report usually share their date and report strings. */
static int str_cmp0(const char *a, const char *b){
  if( a==b ) return 0;
  return strcmp(a ? a : "", b ? b : "");
}

static int ord_cmp(const void *pa, const void *pb){
  const struct ord *a = pa, *b = pb;
  int c = str_cmp0(a->p->zDate, b->p->zDate);
  if( c==0 ) c = str_cmp0(a->p->zReport, b->p->zReport);
  if( c==0 ) c = (a->p->iRow > b->p->iRow) - (a->p->iRow < b->p->iRow);
  if( c==0 ) c = (a->i > b->i) - (a->i < b->i);
  return c;
}

/* Sort the rows by report date, report and row into pL->aOrd. */
static int link_sort(struct linker *pL){
  struct ord *a = malloc((size_t)pL->nRow*sizeof(*a) + 1);
  int i;
  if( a==0 ) return ASSIGN_NOMEM;
  for(i=0; i<pL->nRow; i++){ a[i].p = &pL->aRow[i]; a[i].i = i; }
  qsort(a, (size_t)pL->nRow, sizeof(*a), ord_cmp);
  for(i=0; i<pL->nRow; i++){
    pL->aOrd[i] = a[i].i;
    pL->aDay[i] = date_days(a[i].p->zDate);
  }
  free(a);
  return ASSIGN_OK;
}

/* Every row's key, in sorted order. */
static int link_keys(struct linker *pL){
  struct assign_norm *pNorm;
  int i, rc = assign_norm_new(&pNorm);
  for(i=0; rc==ASSIGN_OK && i<pL->nRow; i++){
    const struct assign_row *r = &pL->aRow[pL->aOrd[i]];
    rc = assign_key_make(pNorm, r->zAssignment, r->nAssignment,
                         r->zSource, r->nSource, &pL->aKey[i]);
  }
  assign_norm_free(pNorm);
  return rc;
}

/*
** The weight of every term of every key: log(1 + N/df), df the number of
** rows holding the term, N the number of rows.
*/
static int link_weights(struct linker *pL){
  uint64_t *aAll;
  int i, j, nAll = 0;
  for(i=0; i<pL->nRow; i++){ pL->aWOff[i] = nAll; nAll += pL->aKey[i].nTerm; }
  aAll = malloc((size_t)nAll*sizeof(*aAll) + 1);
  pL->aW = malloc((size_t)nAll*sizeof(double) + 1);
  if( aAll==0 || pL->aW==0 ){ free(aAll); return ASSIGN_NOMEM; }
  for(i=0; i<pL->nRow; i++){
    memcpy(&aAll[pL->aWOff[i]], pL->aKey[i].aTerm,
           (size_t)pL->aKey[i].nTerm*sizeof(*aAll));
  }
  qsort(aAll, (size_t)nAll, sizeof(*aAll), cmp_u64);
  for(i=0; i<pL->nRow; i++){
    for(j=0; j<pL->aKey[i].nTerm; j++){
      uint64_t t = pL->aKey[i].aTerm[j];
      int lo = 0, hi = nAll, df;
      while( lo<hi ){ int m = (lo+hi)/2; if( aAll[m]<t ) lo = m+1; else hi = m; }
      for(df=0; lo+df<nAll && aAll[lo+df]==t; df++){}
      pL->aW[pL->aWOff[i]+j] = log(1.0 + (double)pL->nRow/df);
    }
  }
  free(aAll);
  return ASSIGN_OK;
}

/* How well row r fits assignment c (its wordings), or -1 if it cannot. */
static double link_score(const struct linker *pL, const struct clu *c, int r){
  const struct assign_key *k = &pL->aKey[r];
  double t = assign_threshold(&pL->aKey[c->iLast], k), best = -1;
  int v;
  if( t<0 ) return -1;
  if( c->zDnr[0] && k->zDnr[0] && strcmp(c->zDnr, k->zDnr)!=0 ) return -1;
  for(v=0; v<c->nVar; v++){
    int o = c->aVar[v];
    double s = jaccard(&pL->aKey[o], &pL->aW[pL->aWOff[o]],
                       k, &pL->aW[pL->aWOff[r]]);
    if( s>best ) best = s;
  }
  return best>=t ? best : -1;
}

static int pair_cmp(const void *pa, const void *pb){
  const struct pair *a = pa, *b = pb;
  if( a->s!=b->s ) return a->s>b->s ? -1 : 1;
  if( a->r!=b->r ) return a->r<b->r ? -1 : 1;
  return (a->c>b->c) - (a->c<b->c);
}

/* The pairs of rows [r0,r1) and live assignments that may be linked. */
static int link_pairs(struct linker *pL, int r0, int r1){
  int r, l;
  pL->nPair = 0;
  for(r=r0; r<r1; r++){
    for(l=0; l<pL->nLive; l++){
      double s = link_score(pL, &pL->aClu[pL->aLive[l]], r);
      if( s<0 ) continue;
      if( pL->nPair==pL->nPairAlloc ){
        int nNew = pL->nPairAlloc ? 2*pL->nPairAlloc : 256;
        struct pair *aNew = realloc(pL->aPair, (size_t)nNew*sizeof(*aNew));
        if( aNew==0 ) return ASSIGN_NOMEM;
        pL->aPair = aNew;
        pL->nPairAlloc = nNew;
      }
      pL->aPair[pL->nPair].s = s;
      pL->aPair[pL->nPair].r = r;
      pL->aPair[pL->nPair++].c = pL->aLive[l];
    }
  }
  if( pL->nPair>1 ){
    qsort(pL->aPair, (size_t)pL->nPair, sizeof(*pL->aPair), pair_cmp);
  }
  return ASSIGN_OK;
}

/* Row r of report iReport is an occurrence of assignment c. */
static void clu_add(struct linker *pL, int c, int r, int iReport){
  struct clu *p = &pL->aClu[c];
  int v;
  pL->aOf[r] = c;
  p->iLast = r;
  p->iDay = pL->aDay[r];
  p->iReport = iReport;
  if( p->zDnr[0]==0 ) p->zDnr = pL->aKey[r].zDnr;
  for(v=0; v<p->nVar; v++){
    if( strcmp(pL->aKey[p->aVar[v]].zText, pL->aKey[r].zText)==0 ){
      p->aVar[v] = r;
      return;
    }
  }
  if( p->nVar==NVAR ){
    memmove(p->aVar, p->aVar+1, (NVAR-1)*sizeof(int));
    p->nVar--;
  }
  p->aVar[p->nVar++] = r;
}

/* Link the rows [r0,r1), report number iReport. */
static int link_report(struct linker *pL, int r0, int r1, int iReport){
  int i, l, n = 0;
  for(l=0; l<pL->nLive; l++){
    int c = pL->aLive[l];
    int e = pL->aRow[pL->aOrd[pL->aClu[c].iLast]].eStatus;
    int nMissed = e==STATUS_DONE || e==STATUS_DROPPED ? 0 : ASSIGN_MAX_MISSED;
    if( pL->aDay[r0]-pL->aClu[c].iDay<=ASSIGN_MAX_GAP_DAYS
     && iReport-pL->aClu[c].iReport<=nMissed+1 ){
      pL->aLive[n++] = c;
    }
  }
  pL->nLive = n;
  if( link_pairs(pL, r0, r1) ) return ASSIGN_NOMEM;
  for(i=r0; i<r1; i++) pL->aOf[i] = -1;
  for(i=0; i<pL->nPair; i++){
    const struct pair *p = &pL->aPair[i];
    if( pL->aOf[p->r]>=0 || pL->aClu[p->c].iReport==iReport ) continue;
    clu_add(pL, p->c, p->r, iReport);
  }
  for(i=r0; i<r1; i++){
    struct clu *p;
    if( pL->aOf[i]>=0 ) continue;
    p = &pL->aClu[pL->nClu];
    memset(p, 0, sizeof(*p));
    p->zDnr = "";
    pL->aLive[pL->nLive++] = pL->nClu;
    clu_add(pL, pL->nClu++, i, iReport);
  }
  return ASSIGN_OK;
}

static int same_report(const struct linker *pL, int a, int b){
  const struct assign_row *x = &pL->aRow[pL->aOrd[a]];
  const struct assign_row *y = &pL->aRow[pL->aOrd[b]];
  return str_cmp0(x->zDate, y->zDate)==0 && str_cmp0(x->zReport, y->zReport)==0;
}

/* The id of assignment c before collisions: first date and text hash. */
static void link_base_id(const struct linker *pL, const int *aFirst, int c,
                         char *zId){
  const struct assign_key *k = &pL->aKey[aFirst[c]];
  const char *zDate = pL->aRow[pL->aOrd[aFirst[c]]].zDate;
  uint64_t h = fnv64(FNV_SEED, k->zText, strlen(k->zText));
  char zDay[9];
  int i, n = 0;
  h = fnv64(h, "\x1f", 1);
  h = fnv64(h, k->zSourceText, strlen(k->zSourceText));
  h = fnv64(h, "\x1f", 1);
  h = fnv64(h, k->zDnr, strlen(k->zDnr));
  for(i=0; zDate && zDate[i] && n<8; i++){
    if( zDate[i]>='0' && zDate[i]<='9' ) zDay[n++] = zDate[i];
  }
  zDay[n] = 0;
  snprintf(zId, ASSIGN_ID_MAX, "%s-%08x", zDay, (unsigned)(h ^ (h>>32)));
}

struct idord { const char *z; int c; };

static int idord_cmp(const void *pa, const void *pb){
  const struct idord *a = pa, *b = pb;
  int r = strcmp(a->z, b->z);
  return r ? r : (a->c>b->c) - (a->c<b->c);
}

/* The ids of the assignments into pOut->azId, unique within the series. */
static int link_ids(const struct linker *pL, struct assign_links *pOut){
  int *aFirst = malloc((size_t)pL->nClu*sizeof(int) + 1);
  struct idord *a = malloc((size_t)pL->nClu*sizeof(*a) + 1);
  int i, n = 1, rc = ASSIGN_NOMEM;
  if( aFirst==0 || a==0 ) goto out;
  for(i=pL->nRow-1; i>=0; i--) aFirst[pL->aOf[i]] = i;
  for(i=0; i<pL->nClu; i++){
    link_base_id(pL, aFirst, i, pOut->azId[i]);
    a[i].z = pOut->azId[i];
    a[i].c = i;
  }
  qsort(a, (size_t)pL->nClu, sizeof(*a), idord_cmp);
  for(i=1; i<pL->nClu; i++){
    size_t m = strlen(a[i].z);
    n = strncmp(a[i-1].z, a[i].z, m)==0 ? n+1 : 1;
    if( n>1 ){
      snprintf(pOut->azId[a[i].c]+m, (size_t)(ASSIGN_ID_MAX-m), "-%d", n);
    }
  }
  rc = ASSIGN_OK;
out:
  free(aFirst);
  free(a);
  return rc;
}

/* Free what the linker owns (not the rows). */
static void linker_clear(struct linker *pL){
  int i;
  for(i=0; pL->aKey && i<pL->nRow; i++) assign_key_clear(&pL->aKey[i]);
  free(pL->aKey);
  free(pL->aOrd);
  free(pL->aDay);
  free(pL->aW);
  free(pL->aWOff);
  free(pL->aOf);
  free(pL->aClu);
  free(pL->aLive);
  free(pL->aPair);
}

/* Link every report of the sorted rows in turn. */
static int link_run(struct linker *pL){
  int r0, r1, iReport = 0, rc;
  if( (rc = link_sort(pL))!=ASSIGN_OK ) return rc;
  if( (rc = link_keys(pL))!=ASSIGN_OK ) return rc;
  if( (rc = link_weights(pL))!=ASSIGN_OK ) return rc;
  for(r0=0; r0<pL->nRow; r0=r1){
    for(r1=r0+1; r1<pL->nRow && same_report(pL, r0, r1); r1++){}
    if( (rc = link_report(pL, r0, r1, ++iReport))!=ASSIGN_OK ) return rc;
  }
  return ASSIGN_OK;
}

int assign_link(const struct assign_row *aRow, int nRow,
                struct assign_links **ppOut){
  struct linker L;
  struct assign_links *pOut = calloc(1, sizeof(*pOut));
  size_t n = (size_t)(nRow>0 ? nRow : 0) + 1;
  int i, rc = ASSIGN_NOMEM;
  memset(&L, 0, sizeof(L));
  *ppOut = 0;
  L.aRow = aRow;
  L.nRow = nRow>0 ? nRow : 0;
  L.aOrd = malloc(n*sizeof(int));
  L.aDay = malloc(n*sizeof(int));
  L.aKey = calloc(n, sizeof(*L.aKey));
  L.aWOff = malloc(n*sizeof(int));
  L.aOf = malloc(n*sizeof(int));
  L.aClu = malloc(n*sizeof(*L.aClu));
  L.aLive = malloc(n*sizeof(int));
  if( pOut==0 || !L.aOrd || !L.aDay || !L.aKey || !L.aWOff || !L.aOf
   || !L.aClu || !L.aLive ){
    goto out;
  }
  if( (rc = link_run(&L))!=ASSIGN_OK ) goto out;
  rc = ASSIGN_NOMEM;
  pOut->nRow = L.nRow;
  pOut->nCluster = L.nClu;
  pOut->aCluster = malloc(n*sizeof(int));
  pOut->azId = calloc((size_t)L.nClu+1, sizeof(*pOut->azId));
  if( pOut->aCluster==0 || pOut->azId==0 ) goto out;
  for(i=0; i<L.nRow; i++) pOut->aCluster[L.aOrd[i]] = L.aOf[i];
  rc = link_ids(&L, pOut);
out:
  linker_clear(&L);
  if( rc!=ASSIGN_OK ){
    assign_links_free(pOut);
    pOut = 0;
  }
  *ppOut = pOut;
  return rc;
}

void assign_links_free(struct assign_links *p){
  if( p==0 ) return;
  free(p->aCluster);
  free(p->azId);
  free(p);
}
