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
#define NVAR ASSIGN_MAX_WORDINGS

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

/* ---- keys by raw text ---- */

/*
** A key and its term weights, shared by the rows of one raw text (the
** assignment and source as written). Held (nRef) by the wordings of live
** assignments and by the rows of the report being linked; after its last
** use it waits in the idle list, oldest first, at most ASSIGN_CACHE_IDLE
** of them: the same wording is usually back in the next report.
*/
struct kent {
  struct kent *pChain;        /* next in its hash bucket */
  struct kent *pPrev, *pNext; /* the idle list, while nRef is 0 */
  uint64_t h;                 /* hash of the raw text */
  int nRef;
  size_t nA, nS;
  char *zRaw;                 /* assignment then source, nA+nS bytes */
  double *aW;                 /* per term its weight, once counts are final */
  double wSum;                /* the sum of aW */
  struct assign_key key;
};

/* A term and the number of counted rows holding it. */
struct dfent {
  uint64_t t;
  int n;                      /* 0: a free slot */
};

/* An assignment while it may continue. */
struct clu {
  int iCluster;               /* its number, in order of first occurrence */
  int iDay;                   /* day of its latest report */
  int iReport;                /* number of its latest report */
  int eLast;                  /* status of its latest row */
  int nOcc;
  int64_t iLatest;            /* iId of its latest row */
  struct kent *apVar[NVAR];   /* its latest distinct wordings, oldest first */
  int nVar;
  struct kent *pLast;         /* the key of its latest row, one of apVar */
  char zDnr[16];              /* the first Dnr seen, or "" */
  char zFirst[ASSIGN_DATE_MAX], zLast[ASSIGN_DATE_MAX];
  char zId[ASSIGN_ID_MAX];
};

/*
** The terms of the live assignments' wordings, rebuilt for each report:
** a row is compared only with the assignments it shares a term with
** (weighted Jaccard is 0 without one), and only with the wordings whose
** shared weight can reach the threshold. Slots of an open-addressing
** table are free unless their iGen is the table's.
*/
struct tslot {
  uint64_t t;
  int iHead;                  /* its first posting */
  unsigned iGen;
};
struct post {
  int iSlot;                  /* live assignment * NVAR + wording */
  int iNext;                  /* next posting of the term, or -1 */
};

/* A row that may continue an assignment, and how well. */
struct pair {
  double s;
  int r;                      /* the row's position in its report */
  struct clu *c;
};

struct assign_stream {
  int (*xDone)(void*, const struct assign_thread*);
  void *pCtx;
  struct assign_norm *pNorm;
  int rcEnd;                  /* the error that ended the stream, or 0 */
  int nCount;                 /* rows counted */
  struct dfent *aDf;          /* open addressing, nDfSlot a power of 2 */
  size_t nDf, nDfSlot;
  struct kent **aBucket;      /* keys by raw text, nBucket a power of 2 */
  size_t nBucket;
  int nEnt;
  struct kent *pIdleFirst, *pIdleLast;
  int nIdle;
  struct clu **apLive;        /* assignments that may still continue */
  int nLive, nLiveAlloc;
  int nCluster;
  int iReport;                /* reports linked */
  char *zDate, *zReport;      /* of the report before, once there is one */
  char zIdDay[9];             /* the day of the ids in azDayId */
  char (*azDayId)[ASSIGN_ID_MAX];  /* ids before collisions, of that day */
  int nDayId, nDayIdAlloc;
  int nScratch;               /* rows the arrays below hold */
  struct kent **apKey;        /* per sorted row of the report: its key */
  int *aOrd;                  /* sorted row -> index in the caller's array */
  struct clu **apOf;          /* sorted row -> its assignment */
  struct pair *aPair;
  int nPair, nPairAlloc;
  struct tslot *aTerm;        /* the live wordings' terms (struct tslot) */
  int nTermSlot;
  unsigned iGen;
  struct post *aPost;
  int nPostAlloc;
  double *aAcc;               /* per slot: the weight a row shares with it */
  unsigned *aStamp;           /* per live assignment: the row that touched it */
  int *aTouched;              /* live assignments the row shares a term with */
  int nAccAlloc;
  unsigned iStamp;
};

uint64_t assign_raw_hash(const char *zA, size_t nA, const char *zS, size_t nS){
  uint64_t h = fnv64(FNV_SEED, zA, nA);
  h = fnv64(h, "\x1f", 1);
  return fnv64(h, zS, nS);
}

static void kent_free(struct kent *e){
  if( e==0 ) return;
  assign_key_clear(&e->key);
  free(e->zRaw);
  free(e->aW);
  free(e);
}

/* Double the hash buckets of p's keys. */
static int kent_grow(struct assign_stream *p){
  size_t n = p->nBucket ? 2*p->nBucket : 1024, i;
  struct kent **a = calloc(n, sizeof(*a));
  if( a==0 ) return ASSIGN_NOMEM;
  for(i=0; i<p->nBucket; i++){
    struct kent *e = p->aBucket[i], *pNext;
    for(; e; e=pNext){
      pNext = e->pChain;
      e->pChain = a[e->h & (n-1)];
      a[e->h & (n-1)] = e;
    }
  }
  free(p->aBucket);
  p->aBucket = a;
  p->nBucket = n;
  return ASSIGN_OK;
}

/*
** A new key of the raw text, in the cache with nRef 0, into *ppOut: the
** key *ppMade if there is one (taken: *ppMade becomes NULL), else made.
*/
static int kent_new(struct assign_stream *p, uint64_t h, const char *zA,
                    size_t nA, const char *zS, size_t nS,
                    struct assign_key **ppMade, struct kent **ppOut){
  struct kent *e;
  int rc = (size_t)p->nEnt>=p->nBucket ? kent_grow(p) : ASSIGN_OK;
  *ppOut = 0;
  if( rc!=ASSIGN_OK ) return rc;
  e = calloc(1, sizeof(*e));
  if( e==0 || (e->zRaw = malloc(nA+nS+1))==0 ){
    kent_free(e);
    return ASSIGN_NOMEM;
  }
  if( nA ) memcpy(e->zRaw, zA, nA);
  if( nS ) memcpy(e->zRaw+nA, zS, nS);
  e->h = h;
  e->nA = nA;
  e->nS = nS;
  if( ppMade && *ppMade ){
    e->key = **ppMade;
    free(*ppMade);
    *ppMade = 0;
  }else{
    rc = assign_key_make(p->pNorm, zA, nA, zS, nS, &e->key);
  }
  if( rc!=ASSIGN_OK ){
    kent_free(e);
    return rc;
  }
  e->pChain = p->aBucket[h & (p->nBucket-1)];
  p->aBucket[h & (p->nBucket-1)] = e;
  p->nEnt++;
  *ppOut = e;
  return ASSIGN_OK;
}

static void idle_unlink(struct assign_stream *p, struct kent *e){
  if( e->pPrev ) e->pPrev->pNext = e->pNext; else p->pIdleFirst = e->pNext;
  if( e->pNext ) e->pNext->pPrev = e->pPrev; else p->pIdleLast = e->pPrev;
  e->pPrev = e->pNext = 0;
  p->nIdle--;
}

/*
** Take the key of a raw text (made if not cached, or taken from *ppMade)
** into *ppOut, held. pHash: the raw text's hash, if known.
*/
static int kent_get(struct assign_stream *p, const char *zA, size_t nA,
                    const char *zS, size_t nS, const uint64_t *pHash,
                    struct assign_key **ppMade, struct kent **ppOut){
  uint64_t h = pHash ? *pHash : assign_raw_hash(zA, nA, zS, nS);
  struct kent *e = p->nBucket ? p->aBucket[h & (p->nBucket-1)] : 0;
  int rc = ASSIGN_OK;
  for(; e; e=e->pChain){
    if( e->h==h && e->nA==nA && e->nS==nS
     && (nA==0 || memcmp(e->zRaw, zA, nA)==0)
     && (nS==0 || memcmp(e->zRaw+nA, zS, nS)==0) ) break;
  }
  if( e==0 ) rc = kent_new(p, h, zA, nA, zS, nS, ppMade, &e);
  else if( e->nRef==0 ) idle_unlink(p, e);
  if( e ) e->nRef++;
  *ppOut = e;
  return rc;
}

/* Drop the oldest idle key: out of its bucket, freed. */
static void kent_evict(struct assign_stream *p){
  struct kent *e = p->pIdleFirst, **pp;
  idle_unlink(p, e);
  for(pp=&p->aBucket[e->h & (p->nBucket-1)]; *pp!=e; pp=&(*pp)->pChain){}
  *pp = e->pChain;
  p->nEnt--;
  kent_free(e);
}

/* Let go of a key taken with kent_get() or held with nRef++. */
static void kent_release(struct assign_stream *p, struct kent *e){
  if( --e->nRef>0 ) return;
  e->pPrev = p->pIdleLast;
  if( p->pIdleLast ) p->pIdleLast->pNext = e; else p->pIdleFirst = e;
  p->pIdleLast = e;
  p->nIdle++;
  if( p->nIdle>ASSIGN_CACHE_IDLE ) kent_evict(p);
}

/* ---- keys made ahead ---- */

/*
** The raw-text hashes seen since the reset, in an open-addressing set
** (0 marks a free slot; a hash of 0 is kept as 1: a collision only means
** a key not made ahead, which the stream then makes).
*/
struct assign_ahead {
  struct assign_norm *pNorm;
  uint64_t *aSeen;
  size_t nSeen, nSlot;        /* nSlot a power of 2 */
};

int assign_ahead_new(struct assign_ahead **ppOut){
  struct assign_ahead *p = calloc(1, sizeof(*p));
  *ppOut = 0;
  if( p==0 ) return ASSIGN_NOMEM;
  if( assign_norm_new(&p->pNorm)!=ASSIGN_OK ){
    free(p);
    return ASSIGN_NOMEM;
  }
  *ppOut = p;
  return ASSIGN_OK;
}

void assign_ahead_free(struct assign_ahead *p){
  if( p==0 ) return;
  assign_norm_free(p->pNorm);
  free(p->aSeen);
  free(p);
}

void assign_ahead_reset(struct assign_ahead *p){
  if( p->nSeen ) memset(p->aSeen, 0, p->nSlot*sizeof(*p->aSeen));
  p->nSeen = 0;
}

/* The slot of h in p->aSeen (free or h's). */
static size_t seen_slot(const struct assign_ahead *p, uint64_t h){
  size_t i = (size_t)(h ^ (h>>29)) & (p->nSlot-1);
  while( p->aSeen[i] && p->aSeen[i]!=h ) i = (i+1) & (p->nSlot-1);
  return i;
}

/* Add h to the set; *pbNew: it was not in it. */
static int seen_add(struct assign_ahead *p, uint64_t h, int *pbNew){
  size_t i;
  if( h==0 ) h = 1;
  if( 2*(p->nSeen+1)>p->nSlot ){
    uint64_t *aOld = p->aSeen;
    size_t nOld = p->nSlot, j;
    p->nSlot = nOld ? 2*nOld : 4096;
    p->aSeen = calloc(p->nSlot, sizeof(*p->aSeen));
    if( p->aSeen==0 ){
      p->aSeen = aOld;
      p->nSlot = nOld;
      return ASSIGN_NOMEM;
    }
    for(j=0; j<nOld; j++){
      if( aOld[j] ) p->aSeen[seen_slot(p, aOld[j])] = aOld[j];
    }
    free(aOld);
  }
  i = seen_slot(p, h);
  *pbNew = p->aSeen[i]==0;
  if( *pbNew ){
    p->aSeen[i] = h;
    p->nSeen++;
  }
  return ASSIGN_OK;
}

int assign_ahead_row(struct assign_ahead *p, const char *zA, size_t nA,
                     const char *zS, size_t nS, struct assign_pre *pOut){
  int bNew = 0, rc;
  pOut->h = assign_raw_hash(zA, nA, zS, nS);
  pOut->pKey = 0;
  rc = seen_add(p, pOut->h, &bNew);
  if( rc!=ASSIGN_OK || !bNew ) return rc;
  pOut->pKey = malloc(sizeof(*pOut->pKey));
  if( pOut->pKey==0 ) return ASSIGN_NOMEM;
  rc = assign_key_make(p->pNorm, zA, nA, zS, nS, pOut->pKey);
  if( rc!=ASSIGN_OK ){
    free(pOut->pKey);
    pOut->pKey = 0;
  }
  return rc;
}

size_t assign_pre_bytes(const struct assign_pre *a, int n){
  size_t nByte = sizeof(*a)*(size_t)(n>0 ? n : 0);
  int i;
  for(i=0; a && i<n; i++){
    const struct assign_key *k = a[i].pKey;
    if( k==0 ) continue;
    nByte += sizeof(*k) + (k->zText ? strlen(k->zText)+1 : 0)
           + (k->zSourceText ? strlen(k->zSourceText)+1 : 0)
           + sizeof(uint64_t)*(size_t)k->nTerm;
  }
  return nByte;
}

void assign_pre_clear(struct assign_pre *a, int n){
  int i;
  for(i=0; a && i<n; i++){
    if( a[i].pKey==0 ) continue;
    assign_key_clear(a[i].pKey);
    free(a[i].pKey);
    a[i].pKey = 0;
  }
}

/* ---- term counts ---- */

static size_t df_slot(const struct assign_stream *p, uint64_t t){
  size_t i = (size_t)(t ^ (t>>31)) & (p->nDfSlot-1);
  while( p->aDf[i].n && p->aDf[i].t!=t ) i = (i+1) & (p->nDfSlot-1);
  return i;
}

/* Double the term count table. */
static int df_grow(struct assign_stream *p){
  struct dfent *aOld = p->aDf;
  size_t nOld = p->nDfSlot, i;
  p->nDfSlot = nOld ? 2*nOld : 4096;
  p->aDf = calloc(p->nDfSlot, sizeof(*p->aDf));
  if( p->aDf==0 ){
    p->aDf = aOld;
    p->nDfSlot = nOld;
    return ASSIGN_NOMEM;
  }
  for(i=0; i<nOld; i++){
    if( aOld[i].n ) p->aDf[df_slot(p, aOld[i].t)] = aOld[i];
  }
  free(aOld);
  return ASSIGN_OK;
}

/* One more row holds each term of k. */
static int df_add(struct assign_stream *p, const struct assign_key *k){
  int j;
  for(j=0; j<k->nTerm; j++){
    size_t i;
    if( 2*(p->nDf+1)>p->nDfSlot && df_grow(p) ) return ASSIGN_NOMEM;
    i = df_slot(p, k->aTerm[j]);
    if( p->aDf[i].n==0 ){
      p->aDf[i].t = k->aTerm[j];
      p->nDf++;
    }
    p->aDf[i].n++;
  }
  return ASSIGN_OK;
}

/*
** The weight of every term of e's key: log(1 + N/df), df the number of
** rows holding the term, N the number of rows (a term never counted is
** taken as held by one row).
*/
static int kent_weigh(const struct assign_stream *p, struct kent *e){
  int j;
  if( e->aW ) return ASSIGN_OK;
  e->aW = malloc((size_t)e->key.nTerm*sizeof(double) + 1);
  if( e->aW==0 ) return ASSIGN_NOMEM;
  for(j=0; j<e->key.nTerm; j++){
    int df = p->nDfSlot ? p->aDf[df_slot(p, e->key.aTerm[j])].n : 0;
    e->aW[j] = log(1.0 + (double)p->nCount/(df>0 ? df : 1));
    e->wSum += e->aW[j];
  }
  return ASSIGN_OK;
}

/* ---- the stream ---- */

int assign_stream_new(int (*xDone)(void*, const struct assign_thread*),
                      void *pCtx, struct assign_stream **ppOut){
  struct assign_stream *p = calloc(1, sizeof(*p));
  *ppOut = 0;
  if( p==0 ) return ASSIGN_NOMEM;
  p->xDone = xDone;
  p->pCtx = pCtx;
  if( assign_norm_new(&p->pNorm)!=ASSIGN_OK ){
    free(p);
    return ASSIGN_NOMEM;
  }
  *ppOut = p;
  return ASSIGN_OK;
}

int assign_stream_count(struct assign_stream *p, const char *zA, size_t nA,
                        const char *zS, size_t nS){
  return assign_stream_count_pre(p, zA, nA, zS, nS, 0);
}

int assign_stream_count_pre(struct assign_stream *p, const char *zA,
                            size_t nA, const char *zS, size_t nS,
                            struct assign_pre *pPre){
  struct kent *e = 0;
  int rc;
  if( p->rcEnd ) return p->rcEnd;
  if( p->iReport>0 ) return ASSIGN_MISUSE;
  rc = kent_get(p, zA, nA, zS, nS, pPre ? &pPre->h : 0,
                pPre ? &pPre->pKey : 0, &e);
  if( rc==ASSIGN_OK ) rc = df_add(p, &e->key);
  if( e ) kent_release(p, e);
  if( rc==ASSIGN_OK ) p->nCount++;
  else p->rcEnd = rc;
  return rc;
}

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

/* Rows of one report usually share their date and report strings. */
static int str_cmp0(const char *a, const char *b){
  if( a==b ) return 0;
  return strcmp(a ? a : "", b ? b : "");
}

/* Hand assignment c to xDone and free it with what it holds. */
static int clu_retire(struct assign_stream *p, struct clu *c){
  struct assign_thread t;
  int v, rc = 0;
  t.iCluster = c->iCluster;
  t.zId = c->zId;
  t.zFirst = c->zFirst;
  t.zLast = c->zLast;
  t.nOcc = c->nOcc;
  t.iLatest = c->iLatest;
  t.eStatus = c->eLast;
  if( p->xDone && p->rcEnd==0 ) rc = p->xDone(p->pCtx, &t);
  for(v=0; v<c->nVar; v++) kent_release(p, c->apVar[v]);
  free(c);
  return rc ? ASSIGN_ABORT : ASSIGN_OK;
}

/*
** Retire the assignments that cannot continue into report iReport of day
** iDay: not seen within ASSIGN_MAX_GAP_DAYS, or missing from more than
** ASSIGN_MAX_MISSED reports since (none once reported done or dropped).
*/
static int link_retire(struct assign_stream *p, int iDay){
  int l, n = 0, rc = ASSIGN_OK;
  for(l=0; l<p->nLive; l++){
    struct clu *c = p->apLive[l];
    int e = c->eLast;
    int nMissed = e==STATUS_DONE || e==STATUS_DROPPED ? 0 : ASSIGN_MAX_MISSED;
    if( iDay-c->iDay<=ASSIGN_MAX_GAP_DAYS && p->iReport-c->iReport<=nMissed+1 ){
      p->apLive[n++] = c;
    }else if( clu_retire(p, c)!=ASSIGN_OK ){
      rc = ASSIGN_ABORT;
    }
  }
  p->nLive = n;
  return rc;
}

/*
** How well key k fits assignment c (its wordings), or -1 if it cannot.
** aShared[v]: the weight of the terms k shares with wording v. The
** similarity is shared/union and the union is at least the larger of the
** two weights, so a wording whose shared weight is below the threshold
** times that (less a margin for rounding) cannot reach the threshold and
** is not compared.
*/
static double link_score(const struct clu *c, const struct kent *k,
                         const double *aShared){
  double t = assign_threshold(&c->pLast->key, &k->key), best = -1;
  int v;
  if( t<0 ) return -1;
  if( c->zDnr[0] && k->key.zDnr[0] && strcmp(c->zDnr, k->key.zDnr)!=0 ){
    return -1;
  }
  for(v=0; v<c->nVar; v++){
    const struct kent *o = c->apVar[v];
    double wMax = o->wSum>k->wSum ? o->wSum : k->wSum, s;
    if( aShared[v] < t*wMax*(1.0-1e-9) ) continue;
    s = jaccard(&o->key, o->aW, &k->key, k->aW);
    if( s>best ) best = s;
  }
  return best>=t ? best : -1;
}

/* The slot of term t in p->aTerm (free or t's). */
static int term_slot(const struct assign_stream *p, uint64_t t){
  int i = (int)((t ^ (t>>31)) & (uint64_t)(p->nTermSlot-1));
  while( p->aTerm[i].iGen==p->iGen && p->aTerm[i].t!=t ){
    i = (i+1) & (p->nTermSlot-1);
  }
  return i;
}

/* Room for nPost postings and the accumulators of the live assignments. */
static int link_index_room(struct assign_stream *p, int nPost){
  int nSlot = p->nTermSlot ? p->nTermSlot : 1024;
  while( nSlot<2*nPost ) nSlot *= 2;
  if( nSlot>p->nTermSlot ){
    free(p->aTerm);
    p->aTerm = calloc((size_t)nSlot, sizeof(*p->aTerm));
    p->nTermSlot = p->aTerm ? nSlot : 0;
    p->iGen = 0;
    if( p->aTerm==0 ) return ASSIGN_NOMEM;
  }
  if( nPost>p->nPostAlloc ){
    free(p->aPost);
    p->aPost = malloc((size_t)nPost*sizeof(*p->aPost));
    p->nPostAlloc = p->aPost ? nPost : 0;
    if( p->aPost==0 ) return ASSIGN_NOMEM;
  }
  if( p->nLive>p->nAccAlloc ){
    int n = p->nLive*2;
    free(p->aAcc);
    free(p->aStamp);
    free(p->aTouched);
    p->aAcc = malloc((size_t)n*NVAR*sizeof(double));
    p->aStamp = calloc((size_t)n, sizeof(unsigned));
    p->aTouched = malloc((size_t)n*sizeof(int));
    p->nAccAlloc = p->aAcc && p->aStamp && p->aTouched ? n : 0;
    p->iStamp = 0;
    if( p->nAccAlloc==0 ) return ASSIGN_NOMEM;
  }
  return ASSIGN_OK;
}

/* Index the terms of the live assignments' wordings. */
static int link_index(struct assign_stream *p){
  int l, v, j, nPost = 0, rc;
  for(l=0; l<p->nLive; l++){
    const struct clu *c = p->apLive[l];
    for(v=0; v<c->nVar; v++) nPost += c->apVar[v]->key.nTerm;
  }
  if( (rc = link_index_room(p, nPost))!=ASSIGN_OK ) return rc;
  if( ++p->iGen==0 ){                 /* wrapped: every slot is free again */
    memset(p->aTerm, 0, (size_t)p->nTermSlot*sizeof(*p->aTerm));
    p->iGen = 1;
  }
  nPost = 0;
  for(l=0; l<p->nLive; l++){
    const struct clu *c = p->apLive[l];
    for(v=0; v<c->nVar; v++){
      const struct assign_key *k = &c->apVar[v]->key;
      for(j=0; j<k->nTerm; j++){
        struct tslot *pSlot = &p->aTerm[term_slot(p, k->aTerm[j])];
        if( pSlot->iGen!=p->iGen ){
          pSlot->iGen = p->iGen;
          pSlot->t = k->aTerm[j];
          pSlot->iHead = -1;
        }
        p->aPost[nPost].iSlot = l*NVAR + v;
        p->aPost[nPost].iNext = pSlot->iHead;
        pSlot->iHead = nPost++;
      }
    }
  }
  return ASSIGN_OK;
}

/*
** The live assignments that share a term with key k into p->aTouched
** (returns how many), with the weight shared with each wording in
** p->aAcc.
*/
static int link_touch(struct assign_stream *p, const struct kent *k){
  int j, n = 0;
  if( ++p->iStamp==0 ){
    memset(p->aStamp, 0, (size_t)p->nAccAlloc*sizeof(unsigned));
    p->iStamp = 1;
  }
  for(j=0; j<k->key.nTerm; j++){
    const struct tslot *pSlot = &p->aTerm[term_slot(p, k->key.aTerm[j])];
    int i;
    if( pSlot->iGen!=p->iGen ) continue;
    for(i=pSlot->iHead; i>=0; i=p->aPost[i].iNext){
      int iSlot = p->aPost[i].iSlot, l = iSlot/NVAR;
      if( p->aStamp[l]!=p->iStamp ){
        p->aStamp[l] = p->iStamp;
        p->aTouched[n++] = l;
        memset(&p->aAcc[l*NVAR], 0, NVAR*sizeof(double));
      }
      p->aAcc[iSlot] += k->aW[j];
    }
  }
  return n;
}

static int pair_cmp(const void *pa, const void *pb){
  const struct pair *a = pa, *b = pb;
  if( a->s!=b->s ) return a->s>b->s ? -1 : 1;
  if( a->r!=b->r ) return a->r<b->r ? -1 : 1;
  return (a->c->iCluster>b->c->iCluster) - (a->c->iCluster<b->c->iCluster);
}

/* The pairs of the report's nRow rows and live assignments that fit. */
static int link_pairs(struct assign_stream *p, int nRow){
  int r, i, rc = link_index(p);
  p->nPair = 0;
  for(r=0; rc==ASSIGN_OK && r<nRow; r++){
    int nTouched = link_touch(p, p->apKey[r]);
    for(i=0; i<nTouched; i++){
      int l = p->aTouched[i];
      double s = link_score(p->apLive[l], p->apKey[r], &p->aAcc[l*NVAR]);
      if( s<0 ) continue;
      if( p->nPair==p->nPairAlloc ){
        int nNew = p->nPairAlloc ? 2*p->nPairAlloc : 256;
        struct pair *aNew = realloc(p->aPair, (size_t)nNew*sizeof(*aNew));
        if( aNew==0 ) return ASSIGN_NOMEM;
        p->aPair = aNew;
        p->nPairAlloc = nNew;
      }
      p->aPair[p->nPair].s = s;
      p->aPair[p->nPair].r = r;
      p->aPair[p->nPair++].c = p->apLive[l];
    }
  }
  if( rc==ASSIGN_OK && p->nPair>1 ){
    qsort(p->aPair, (size_t)p->nPair, sizeof(*p->aPair), pair_cmp);
  }
  return rc;
}

/* Copy the date z (NULL: "") into z[ASSIGN_DATE_MAX], cut to fit. */
static void date_copy(char *zOut, const char *z){
  size_t n = z ? strlen(z) : 0;
  if( n>ASSIGN_DATE_MAX-1 ) n = ASSIGN_DATE_MAX-1;
  if( n ) memcpy(zOut, z, n);
  zOut[n] = 0;
}

/* Row pRow, of key k, of the current report is an occurrence of c. */
static void clu_add(struct assign_stream *p, struct clu *c, struct kent *k,
                    const struct assign_row *pRow, int iDay){
  int v;
  c->iDay = iDay;
  c->iReport = p->iReport;
  c->eLast = pRow->eStatus;
  c->iLatest = pRow->iId;
  c->nOcc++;
  date_copy(c->zLast, pRow->zDate);
  if( c->zDnr[0]==0 ) memcpy(c->zDnr, k->key.zDnr, sizeof(c->zDnr));
  k->nRef++;
  c->pLast = k;
  for(v=0; v<c->nVar; v++){
    if( strcmp(c->apVar[v]->key.zText, k->key.zText)==0 ){
      kent_release(p, c->apVar[v]);
      c->apVar[v] = k;
      return;
    }
  }
  if( c->nVar==NVAR ){
    kent_release(p, c->apVar[0]);
    memmove(c->apVar, c->apVar+1, (NVAR-1)*sizeof(c->apVar[0]));
    c->nVar--;
  }
  c->apVar[c->nVar++] = k;
}

/*
** The id of a new assignment first seen in row pRow of key k: the date's
** digits and a hash of the key's text, source and Dnr, "-2", "-3" ... for
** the second, third assignment of that day with the same. An id's day is
** its first report's, and reports come in date order, so collisions are
** looked for among the ids of the same day only.
*/
static int clu_id(struct assign_stream *p, const struct assign_key *k,
                  const char *zDate, char *zId){
  uint64_t h = fnv64(FNV_SEED, k->zText, strlen(k->zText));
  char zDay[9];
  int i, n = 0, nSame = 0;
  h = fnv64(h, "\x1f", 1);
  h = fnv64(h, k->zSourceText, strlen(k->zSourceText));
  h = fnv64(h, "\x1f", 1);
  h = fnv64(h, k->zDnr, strlen(k->zDnr));
  for(i=0; zDate && zDate[i] && n<8; i++){
    if( zDate[i]>='0' && zDate[i]<='9' ) zDay[n++] = zDate[i];
  }
  zDay[n] = 0;
  snprintf(zId, ASSIGN_ID_MAX, "%s-%08x", zDay, (unsigned)(h ^ (h>>32)));
  if( strcmp(zDay, p->zIdDay)!=0 ){
    memcpy(p->zIdDay, zDay, sizeof(zDay));
    p->nDayId = 0;
  }
  for(i=0; i<p->nDayId; i++) nSame += strcmp(p->azDayId[i], zId)==0;
  if( p->nDayId==p->nDayIdAlloc ){
    int nNew = p->nDayIdAlloc ? 2*p->nDayIdAlloc : 64;
    char (*aNew)[ASSIGN_ID_MAX] = realloc(p->azDayId,
                                          (size_t)nNew*sizeof(*aNew));
    if( aNew==0 ) return ASSIGN_NOMEM;
    p->azDayId = aNew;
    p->nDayIdAlloc = nNew;
  }
  memcpy(p->azDayId[p->nDayId++], zId, ASSIGN_ID_MAX);
  if( nSame>0 ){
    size_t m = strlen(zId);
    snprintf(zId+m, ASSIGN_ID_MAX-m, "-%d", nSame+1);
  }
  return ASSIGN_OK;
}

/* A new assignment starting with row pRow of key k, live. */
static int clu_new(struct assign_stream *p, struct kent *k,
                   const struct assign_row *pRow, int iDay, struct clu **ppOut){
  struct clu *c = calloc(1, sizeof(*c));
  *ppOut = c;
  if( c==0 ) return ASSIGN_NOMEM;
  if( p->nLive==p->nLiveAlloc ){
    int nNew = p->nLiveAlloc ? 2*p->nLiveAlloc : 256;
    struct clu **aNew = realloc(p->apLive, (size_t)nNew*sizeof(*aNew));
    if( aNew==0 ){ free(c); *ppOut = 0; return ASSIGN_NOMEM; }
    p->apLive = aNew;
    p->nLiveAlloc = nNew;
  }
  if( clu_id(p, &k->key, pRow->zDate, c->zId)!=ASSIGN_OK ){
    free(c);
    *ppOut = 0;
    return ASSIGN_NOMEM;
  }
  c->iCluster = p->nCluster++;
  date_copy(c->zFirst, pRow->zDate);
  p->apLive[p->nLive++] = c;
  clu_add(p, c, k, pRow, iDay);
  return ASSIGN_OK;
}

/* Is the report of aRow[0] after the report before it? Keeps it if so. */
static int link_order(struct assign_stream *p, const struct assign_row *pRow){
  const char *zDate = pRow->zDate ? pRow->zDate : "";
  const char *zReport = pRow->zReport ? pRow->zReport : "";
  int c = p->zDate ? strcmp(p->zDate, zDate) : -1;
  char *zD, *zR;
  if( c>0 || (c==0 && strcmp(p->zReport, zReport)>=0) ) return ASSIGN_MISUSE;
  zD = malloc(strlen(zDate)+1);
  zR = malloc(strlen(zReport)+1);
  if( zD==0 || zR==0 ){ free(zD); free(zR); return ASSIGN_NOMEM; }
  memcpy(zD, zDate, strlen(zDate)+1);
  memcpy(zR, zReport, strlen(zReport)+1);
  free(p->zDate);
  free(p->zReport);
  p->zDate = zD;
  p->zReport = zR;
  return ASSIGN_OK;
}

/* Room for a report of nRow rows in the per-report arrays. */
static int link_scratch(struct assign_stream *p, int nRow){
  int n = p->nScratch;
  if( nRow<=n ) return ASSIGN_OK;
  while( n<nRow ) n = n ? 2*n : 64;
  free(p->apKey);
  free(p->aOrd);
  free(p->apOf);
  p->apKey = calloc((size_t)n, sizeof(*p->apKey));
  p->aOrd = malloc((size_t)n*sizeof(*p->aOrd));
  p->apOf = malloc((size_t)n*sizeof(*p->apOf));
  p->nScratch = p->apKey && p->aOrd && p->apOf ? n : 0;
  return p->nScratch ? ASSIGN_OK : ASSIGN_NOMEM;
}

/* The rows of a report in row order, their keys held and weighed. */
static int link_keys(struct assign_stream *p, const struct assign_row *aRow,
                     int nRow, const uint64_t *aHash){
  int i, j, rc = ASSIGN_OK;
  for(i=0; i<nRow; i++){              /* insertion sort: rows come sorted */
    for(j=i; j>0 && aRow[p->aOrd[j-1]].iRow>aRow[i].iRow; j--){
      p->aOrd[j] = p->aOrd[j-1];
    }
    p->aOrd[j] = i;
  }
  for(i=0; i<nRow; i++) p->apKey[i] = 0;
  for(i=0; rc==ASSIGN_OK && i<nRow; i++){
    const struct assign_row *r = &aRow[p->aOrd[i]];
    rc = kent_get(p, r->zAssignment, r->nAssignment, r->zSource, r->nSource,
                  aHash ? &aHash[p->aOrd[i]] : 0, 0, &p->apKey[i]);
    if( rc==ASSIGN_OK ) rc = kent_weigh(p, p->apKey[i]);
  }
  return rc;
}

/* Link the held keys of the report's rows, best pairs first. */
static int link_match(struct assign_stream *p, const struct assign_row *aRow,
                      int nRow, int iDay){
  int i, rc = link_pairs(p, nRow);
  for(i=0; i<nRow; i++) p->apOf[i] = 0;
  for(i=0; rc==ASSIGN_OK && i<p->nPair; i++){
    const struct pair *q = &p->aPair[i];
    if( p->apOf[q->r] || q->c->iReport==p->iReport ) continue;
    p->apOf[q->r] = q->c;
    clu_add(p, q->c, p->apKey[q->r], &aRow[p->aOrd[q->r]], iDay);
  }
  for(i=0; rc==ASSIGN_OK && i<nRow; i++){
    if( p->apOf[i] ) continue;
    rc = clu_new(p, p->apKey[i], &aRow[p->aOrd[i]], iDay, &p->apOf[i]);
  }
  return rc;
}

int assign_stream_report(struct assign_stream *p, const struct assign_row *aRow,
                         int nRow, int *aCluster, const char **azId){
  return assign_stream_report_pre(p, aRow, nRow, 0, aCluster, azId);
}

int assign_stream_report_pre(struct assign_stream *p,
                             const struct assign_row *aRow, int nRow,
                             const uint64_t *aHash, int *aCluster,
                             const char **azId){
  int i, iDay, rc;
  if( p->rcEnd ) return p->rcEnd;
  if( nRow<=0 ) return ASSIGN_OK;
  rc = link_order(p, &aRow[0]);
  if( rc==ASSIGN_OK ) rc = link_scratch(p, nRow);
  if( rc!=ASSIGN_OK ) return rc==ASSIGN_MISUSE ? rc : (p->rcEnd = rc);
  iDay = date_days(aRow[0].zDate);
  p->iReport++;
  rc = link_retire(p, iDay);
  if( rc==ASSIGN_OK ) rc = link_keys(p, aRow, nRow, aHash);
  if( rc==ASSIGN_OK ) rc = link_match(p, aRow, nRow, iDay);
  for(i=0; i<nRow; i++){
    if( p->apKey[i] ) kent_release(p, p->apKey[i]);
    p->apKey[i] = 0;
    if( rc!=ASSIGN_OK ) continue;
    aCluster[p->aOrd[i]] = p->apOf[i]->iCluster;
    if( azId ) azId[p->aOrd[i]] = p->apOf[i]->zId;
  }
  if( rc!=ASSIGN_OK ) p->rcEnd = rc;
  return rc;
}

int assign_stream_finish(struct assign_stream *p){
  int l, rc = p->rcEnd;
  for(l=0; l<p->nLive; l++){
    if( clu_retire(p, p->apLive[l])!=ASSIGN_OK && rc==ASSIGN_OK ){
      rc = ASSIGN_ABORT;
    }
  }
  p->nLive = 0;
  if( rc!=ASSIGN_OK ) p->rcEnd = rc;
  return rc;
}

void assign_stream_stats(const struct assign_stream *p,
                         struct assign_stream_stats *pStats){
  pStats->nLive = p->nLive;
  pStats->nKey = p->nEnt;
  pStats->nTerm = (int)p->nDf;
  pStats->nCluster = p->nCluster;
}

void assign_stream_free(struct assign_stream *p){
  size_t i;
  int l;
  if( p==0 ) return;
  p->rcEnd = ASSIGN_ABORT;            /* no xDone from here */
  for(l=0; l<p->nLive; l++) clu_retire(p, p->apLive[l]);
  for(i=0; i<p->nBucket; i++){
    struct kent *e = p->aBucket[i], *pNext;
    for(; e; e=pNext){ pNext = e->pChain; kent_free(e); }
  }
  assign_norm_free(p->pNorm);
  free(p->aBucket);
  free(p->aDf);
  free(p->apLive);
  free(p->zDate);
  free(p->zReport);
  free(p->azDayId);
  free(p->apKey);
  free(p->aOrd);
  free(p->apOf);
  free(p->aPair);
  free(p->aTerm);
  free(p->aPost);
  free(p->aAcc);
  free(p->aStamp);
  free(p->aTouched);
  free(p);
}

/* ---- a series at once ---- */

struct ord { const struct assign_row *p; int i; };

static int ord_cmp(const void *pa, const void *pb){
  const struct ord *a = pa, *b = pb;
  int c = str_cmp0(a->p->zDate, b->p->zDate);
  if( c==0 ) c = str_cmp0(a->p->zReport, b->p->zReport);
  if( c==0 ) c = (a->p->iRow > b->p->iRow) - (a->p->iRow < b->p->iRow);
  if( c==0 ) c = (a->i > b->i) - (a->i < b->i);
  return c;
}

static int same_report(const struct assign_row *x, const struct assign_row *y){
  return str_cmp0(x->zDate, y->zDate)==0 && str_cmp0(x->zReport, y->zReport)==0;
}

/* Feed the rows sorted by a to the stream p, report by report, into pOut. */
static int link_sorted(struct assign_stream *p, const struct ord *a, int nRow,
                       struct assign_links *pOut){
  struct assign_row *aRep = malloc((size_t)nRow*sizeof(*aRep) + 1);
  int *aC = malloc((size_t)nRow*sizeof(int) + 1);
  const char **azId = malloc((size_t)nRow*sizeof(*azId) + 1);
  int i, r0, r1, rc = aRep && aC && azId ? ASSIGN_OK : ASSIGN_NOMEM;
  for(i=0; rc==ASSIGN_OK && i<nRow; i++){
    rc = assign_stream_count(p, a[i].p->zAssignment, a[i].p->nAssignment,
                             a[i].p->zSource, a[i].p->nSource);
  }
  for(r0=0; rc==ASSIGN_OK && r0<nRow; r0=r1){
    for(r1=r0; r1<nRow && same_report(a[r0].p, a[r1].p); r1++){
      aRep[r1-r0] = *a[r1].p;
    }
    rc = assign_stream_report(p, aRep, r1-r0, aC, azId);
    for(i=r0; rc==ASSIGN_OK && i<r1; i++){
      int c = aC[i-r0];
      pOut->aCluster[a[i].i] = c;
      if( c==pOut->nCluster ){
        memcpy(pOut->azId[pOut->nCluster++], azId[i-r0], ASSIGN_ID_MAX);
      }
    }
  }
  if( rc==ASSIGN_OK ) rc = assign_stream_finish(p);
  free(aRep);
  free(aC);
  free(azId);
  return rc;
}

int assign_link(const struct assign_row *aRow, int nRow,
                struct assign_links **ppOut){
  struct assign_links *pOut = calloc(1, sizeof(*pOut));
  struct assign_stream *pStream = 0;
  size_t n = (size_t)(nRow>0 ? nRow : 0);
  struct ord *a = malloc(n*sizeof(*a) + 1);
  int i, rc = ASSIGN_NOMEM;
  *ppOut = 0;
  if( pOut==0 || a==0 ) goto out;
  pOut->nRow = (int)n;
  pOut->aCluster = malloc(n*sizeof(int) + 1);
  pOut->azId = calloc(n+1, sizeof(*pOut->azId));
  if( pOut->aCluster==0 || pOut->azId==0 ) goto out;
  for(i=0; i<(int)n; i++){ a[i].p = &aRow[i]; a[i].i = i; }
  qsort(a, n, sizeof(*a), ord_cmp);
  rc = assign_stream_new(0, 0, &pStream);
  if( rc==ASSIGN_OK ) rc = link_sorted(pStream, a, (int)n, pOut);
out:
  assign_stream_free(pStream);
  free(a);
  if( rc!=ASSIGN_OK ){
    assign_links_free(pOut);
    pOut = 0;
    rc = ASSIGN_NOMEM;
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
