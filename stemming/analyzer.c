/*
** analyzer.c: from one folded token to its terms.
**
** A token becomes its whole-word term (the Snowball stem, after the
** exceptions of exceptions.c and the inflected-form fixes of the dictionary)
** and, if it is a compound, the terms of its parts (see split_stem()). The
** result of each token is memoised in a two-way set associative cache owned
** by the instance: report text repeats its words, and the cache makes a
** repeated word cost one hash and a compare instead of a stemmer pass and a
** split. QUERY and AUX, which emit no parts, do not look for them either.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <libstemmer.h>

#include "dict.h"
#include "swedish.h"
#include "swedish_int.h"

/* Stems shorter than this (bytes) are not split: two 3-letter parts + 1. */
#define ANALYZER_MIN_SPLIT 7

#define ANALYZER_MAX_PARTS 8      /* terms per compound, recursion included */
#define ANALYZER_MAX_DEPTH 4      /* parts in one split; levels of splits */
#define ANALYZER_MIN_NESTED 4     /* characters of a part of a part */

/*
** The token cache starts small and grows once, when it has missed as many
** times as it has slots: to 4 MB when indexing (the indexer, a bulk
** INSERT: a miss costs a stemmer pass and a dictionary split, some 2,000
** cycles, and 50 MB of reports hold some 57,000 distinct cacheable words:
** 4 MB missed 87,000 times over them; 8 MB, 68,000 times, but measured no
** faster, and the stem memo (STEM_SLOTS) does more with the same memory),
** to 512 KB when tokenizing queries and rows for ranking (searchd has an
** instance per worker connection). Up to 512 KB it is calloc'ed, so pages
** never reached stay unresident; the 4 MB one is on huge pages (see
** cache_alloc()).
*/
#ifndef CACHE_MIN_SLOTS
#define CACHE_MIN_SLOTS 1024      /* power of two; 128 KB */
#endif
#ifndef CACHE_MAX_SLOTS
#define CACHE_MAX_SLOTS 32768     /* power of two; 4 MB, DOCUMENT */
#endif
#define CACHE_QUERY_SLOTS 4096    /* power of two; 512 KB, QUERY and AUX */
#ifndef STEM_SLOTS
#define STEM_SLOTS 32768          /* power of two; 4 MB, DOCUMENT only */
#endif
#define CACHE_ALIGN 128           /* a slot is 2 cache lines, never 3 */
#define CACHE_HUGE (2u << 20)     /* a transparent huge page (x86-64) */
#define CACHE_KEY   ANALYZER_MAX_CACHED /* longer tokens are not cached */
#define CACHE_TEXT  116           /* key and terms a slot holds: 128 bytes */

/* The analysis of one token: the whole term then the part terms. */
typedef struct Analysis Analysis;
struct Analysis {
  int nTerm;                      /* 1 + number of parts */
  int aOff[1+ANALYZER_MAX_PARTS]; /* term i is zBuf[aOff[i]..aOff[i]+aLen[i]) */
  int aLen[1+ANALYZER_MAX_PARTS];
  int nBuf;
  int bPartial;                   /* whole term only: the word's parts were
                                  ** not looked for (QUERY, AUX) */
  char zBuf[ANALYZER_MAX_STEM + DICT_MAX_KEY*(ANALYZER_MAX_PARTS+1)];
};

/*
** The key length of a slot with CACHE_PARTIAL holds a whole-only analysis
** (made for QUERY or AUX, which never emit parts): QUERY and AUX lookups
** mask the flag off and use it; DOCUMENT lookups compare the whole byte,
** never match it, and analyse the word in full.
*/
#define CACHE_PARTIAL 0x80
_Static_assert(CACHE_KEY < CACHE_PARTIAL, "key lengths below the flag");

typedef struct CacheSlot CacheSlot;
struct CacheSlot {
  unsigned char nKey;             /* 0: empty; key length | CACHE_PARTIAL */
  unsigned char nTerm;
  unsigned char iRecent;          /* first slot of a pair: which of the two
                                  ** was used more recently (0 or 1) */
  unsigned char aLen[1+ANALYZER_MAX_PARTS];
  char z[CACHE_TEXT];             /* the key, then the terms */
};

_Static_assert(sizeof(CacheSlot)==CACHE_ALIGN, "128-byte cache slots");

struct SwedishAnalyzer {
  struct sb_stemmer *pStemmer;
  Analysis res;                   /* the last token's terms */
  void *pCacheMem;                /* the cache as calloc'ed; NULL: none yet */
  CacheSlot *aCache;              /* nSlot slots, CACHE_ALIGN aligned */
  unsigned nSlot;                 /* 0 or a power of two */
  unsigned nMiss;                 /* misses since the cache got nSlot */
  void *pStemMem;                 /* the stem memo as allocated; NULL: none */
  CacheSlot *aStem;               /* STEM_SLOTS slots, see analysis_run() */
};

int analyzer_new(SwedishAnalyzer **ppOut){
  SwedishAnalyzer *p = sqlite3_malloc(sizeof(*p));
  int rc = SQLITE_NOMEM;
  if( p==0 ) goto out;
  memset(p, 0, sizeof(*p));
  p->pStemmer = sb_stemmer_new("swedish", "UTF_8");
  if( p->pStemmer==0 ) goto out;
  rc = SQLITE_OK;
out:
  if( rc!=SQLITE_OK ){
    analyzer_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void analyzer_free(SwedishAnalyzer *p){
  if( p ){
    if( p->pStemmer ) sb_stemmer_delete(p->pStemmer);
    free(p->pCacheMem);
    free(p->pStemMem);
    sqlite3_free(p);
  }
}

int analyzer_stem(SwedishAnalyzer *p, const char *z, int n,
                  const char **pzOut, int *pnOut){
  const sb_symbol *zStem;
  if( n>ANALYZER_MAX_STEM ){
    *pzOut = z;
    *pnOut = n;
    return SQLITE_OK;
  }
  zStem = sb_stemmer_stem(p->pStemmer, (const sb_symbol*)z, n);
  if( zStem==0 ){
    *pzOut = 0;
    *pnOut = 0;
    return SQLITE_NOMEM;
  }
  *pzOut = (const char*)zStem;
  *pnOut = sb_stemmer_length(p->pStemmer);
  return SQLITE_OK;
}

/* Append term z[0..n) + zAdd[0..nAdd) to a, unless it repeats a term. */
static void analysis_add(Analysis *a, const char *z, int n,
                         const char *zAdd, int nAdd){
  int i, nTot = n + nAdd;
  char *zDst = a->zBuf + a->nBuf;
  if( a->nTerm>ANALYZER_MAX_PARTS || nTot<=0
   || a->nBuf+nTot>(int)sizeof(a->zBuf) ) return;
  memmove(zDst, z, (size_t)n);
  memcpy(zDst+n, zAdd, (size_t)nAdd);
  for(i=0; i<a->nTerm; i++){
    if( a->aLen[i]==nTot && memcmp(a->zBuf+a->aOff[i], zDst, nTot)==0 ) return;
  }
  a->aOff[a->nTerm] = a->nBuf;
  a->aLen[a->nTerm] = nTot;
  a->nTerm++;
  a->nBuf += nTot;
}

/* A split of a stem into parts: begin forms, then one head. */
typedef struct Split Split;
struct Split {
  int nPart;
  int aStart[ANALYZER_MAX_DEPTH];    /* part k starts at aStart[k] */
  DictEntry aEntry[ANALYZER_MAX_DEPTH];
};

static int is_utf8_cont(char c){ return ((unsigned char)c & 0xC0)==0x80; }

/*
** Find the split of s[0..n) into at least nMin parts, each a begin form of
** the dictionary except the last, found in table eLast (DICT_HEAD for a
** word, DICT_BEGIN for a first part being split further), with the fewest
** parts and, among those, the longest first parts. f[i] is the fewest parts
** that cover s[i..n) (0: none). Worked from the right: once f[j] is known,
** every s[i..j) before it is tried as a begin form, its hash growing one
** byte at a time (dict_hash_step), so a word costs O(n) hash steps per
** place where a split can end, and the filter in front of the tables keeps
** most lookups from touching them. aEntry[i] keeps the entry that made
** f[i], so the split is read back without looking its parts up again.
** Returns 1 and fills *pOut, or 0.
*/
static int split_stem(const char *s, int n, int nMin, enum dict_table eLast,
                      Split *pOut){
  signed char f[ANALYZER_MAX_STEM+1];
  unsigned char aNext[ANALYZER_MAX_STEM+1];
  DictEntry aEntry[ANALYZER_MAX_STEM+1];
  uint32_t h = DICT_HASH_INIT;
  int i, j, k;
  if( n>ANALYZER_MAX_STEM ) return 0;
  memset(f, 0, sizeof(f));
  for(i=n-1; i>=(nMin<=1 ? 0 : 1); i--){
    h = dict_hash_step(h, s[i]);
    if( n-i>=DICT_MIN_PART && !is_utf8_cont(s[i]) && dict_may_have(eLast, h)
     && dict_lookup_hashed(eLast, s+i, n-i, h, &aEntry[i]) ){
      f[i] = 1;
      aNext[i] = (unsigned char)n;
    }
  }
  for(j=n-1; j>=DICT_MIN_PART; j--){
    if( f[j]==0 || f[j]>=ANALYZER_MAX_DEPTH ) continue;
    h = DICT_HASH_INIT;
    for(i=j-1; i>=0; i--){
      h = dict_hash_step(h, s[i]);
      if( j-i<DICT_MIN_PART || is_utf8_cont(s[i]) ) continue;
      if( f[i] && f[i]<=f[j]+1 ) continue;
      if( dict_may_have(DICT_BEGIN, h)
       && dict_lookup_hashed(DICT_BEGIN, s+i, j-i, h, &aEntry[i]) ){
        f[i] = (signed char)(f[j]+1);
        aNext[i] = (unsigned char)j;
      }
    }
  }
  if( f[0]<nMin ) return 0;
  for(i=0, k=0; i<n; i=aNext[i], k++){
    pOut->aStart[k] = i;
    pOut->aEntry[k] = aEntry[i];
  }
  pOut->nPart = k;
  return 1;
}

/* Add the term of dictionary entry e to a. */
static void analysis_add_entry(Analysis *a, const DictEntry *e){
  analysis_add(a, e->zKey, e->nKeep, e->zAdd, e->nAdd);
}

/*
** The whole-word term of stem s[0..n): the stem, or, when the word or its
** head is an inflected form Snowball leaves whole (uppdraget, mötet), the
** stem with that head replaced by the dictionary's stem of it.
*/
static void analysis_whole(Analysis *a, const char *s, int n,
                           const Split *pSplit){
  DictEntry e;
  if( n>=DICT_MIN_PART && dict_lookup(DICT_HEAD, s, n, &e)
   && (e.flags & DICT_FIX) ){
    analysis_add_entry(a, &e);
  }else if( pSplit && (pSplit->aEntry[pSplit->nPart-1].flags & DICT_FIX) ){
    const DictEntry *h = &pSplit->aEntry[pSplit->nPart-1];
    analysis_add(a, s, pSplit->aStart[pSplit->nPart-1] + h->nKeep,
                 h->zAdd, h->nAdd);
  }else{
    analysis_add(a, s, n, "", 0);
  }
}

/* Characters in z[0..n). */
static int utf8_chars(const char *z, int n){
  int i, nCh = 0;
  for(i=0; i<n; i++) nCh += !is_utf8_cont(z[i]);
  return nCh;
}

/*
** 1 if every part of a nested split, and its term, has at least
** ANALYZER_MIN_NESTED characters: a lexicalised part splits further only
** into solid words (sjukvård: sjuk, vård), not into fragments (ungdom: ung,
** dom; läkemedel: läk, medel).
*/
static int split_nested_ok(const Split *sp, int n){
  int k;
  for(k=0; k<sp->nPart; k++){
    const DictEntry *e = &sp->aEntry[k];
    int iEnd = k+1<sp->nPart ? sp->aStart[k+1] : n;
    if( utf8_chars(e->zKey, iEnd-sp->aStart[k])<ANALYZER_MIN_NESTED
     || utf8_chars(e->zKey, e->nKeep)+utf8_chars(e->zAdd, e->nAdd)
        <ANALYZER_MIN_NESTED ){
      return 0;
    }
  }
  return 1;
}

/*
** Words that are never split, nor their compound form with -s-, although
** the dictionary would: the parts are real words but not what the word
** means, and a search for them should not find it (landsting: land+ting;
** sjukhus: sjuk+hus, since hus is one of the short heads mkdict allows).
*/
static const char *const aNoSplit[] = { "landsting", "sjukhus" };

static int is_nosplit(const char *s, int n){
  int i;
  for(i=0; i<(int)(sizeof(aNoSplit)/sizeof(aNoSplit[0])); i++){
    int m = (int)strlen(aNoSplit[i]);
    if( (n==m || (n==m+1 && s[m]=='s')) && memcmp(s, aNoSplit[i], m)==0 ){
      return 1;
    }
  }
  return 0;
}

/*
** Add to a the parts of s[0..n), whose last part is from table eLast, and
** then, up to depth, the parts of each part: närsjukvård gives när,
** sjukvård, then sjuk, vård; patientsäkerhetsplan gives patientsäkerhet,
** plan, then patient, säkerhet. Bounded by ANALYZER_MAX_PARTS terms.
*/
static void analysis_parts(Analysis *a, const char *s, int n,
                           enum dict_table eLast, int depth,
                           const Split *pKnown){
  Split sp;
  int k;
  if( pKnown ){
    sp = *pKnown;
  }else if( depth<=0 || n<ANALYZER_MIN_SPLIT || is_nosplit(s, n)
   || !split_stem(s, n, 2, eLast, &sp)
   || (depth<ANALYZER_MAX_DEPTH && !split_nested_ok(&sp, n))
   || (sp.aEntry[sp.nPart-1].flags & DICT_WHOLE) ){
    return;
  }
  for(k=0; k<sp.nPart; k++) analysis_add_entry(a, &sp.aEntry[k]);
  for(k=0; k<sp.nPart; k++){
    int iEnd = k+1<sp.nPart ? sp.aStart[k+1] : n;
    analysis_parts(a, s+sp.aStart[k], iEnd-sp.aStart[k],
                   k+1<sp.nPart ? DICT_BEGIN : eLast, depth-1, 0);
  }
}

/*
** Exceptions to Snowball Swedish 2.2, for words of this domain: a word that
** ends in zBase plus one of aEnding (any compound with it as its last part)
** gets the term: what precedes zBase, then zBase. Why each is here:
**   myndighet  Snowball strips -ighet: "myndighet" -> "mynd", the stem of
**              "myndig" (of age) too;
**   insats,    Snowball strips the final -s of the base form only:
**   resurs     "insats" -> "insat" but "insatser" -> "insats";
**   nära       Snowball: "när", the stop word (when) and the first part of
**              närsjukvård; "nära vård" must not find every "när".
**              Compounds keep it: kundnära, patientnära.
** Neuter definite forms that Snowball leaves whole (uppdraget, mötet,
** arbetet) need no entry: the dictionary rewrites them (DICT_FIX).
**
** aExceptionWord: words that are their own term only when they stand
** alone, not at the end of a longer word:
**   våra       Snowball: "vår", the term of "våren" (the spring) too; not
**              as an ending, which would take "svåra" (difficult).
*/
typedef struct Str Str;
struct Str { const char *z; int n; };
#define STR(s) { s, (int)sizeof(s)-1 }

static const Str aExceptionBase[] = {
  STR("myndighet"), STR("insats"), STR("resurs"), STR("nära"),
};
static const Str aExceptionWord[] = {
  STR("våra"),
};
static const Str aExceptionEnding[] = {
  STR(""), STR("s"), STR("en"), STR("ens"), STR("er"), STR("ers"),
  STR("erna"), STR("ernas"),
};

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

/* 1 if z[0..n) ends with the m bytes at e (short: no memcmp call). */
static inline int ends_with(const char *z, int n, const char *e, int m){
  int i;
  if( m>n ) return 0;
  for(i=1; i<=m; i++){
    if( z[n-i]!=e[m-i] ) return 0;
  }
  return 1;
}

/*
** Bit i set if z[0..n) ends with aExceptionEnding[i]: found once per word
** (every analysed word goes through here), so that each base is tried
** only with the endings the word has.
*/
static unsigned exception_endings(const char *z, int n){
  unsigned mask = 0;
  int i;
  for(i=0; i<COUNT(aExceptionEnding); i++){
    const Str *pEnd = &aExceptionEnding[i];
    if( ends_with(z, n, pEnd->z, pEnd->n) ) mask |= 1u << i;
  }
  return mask;
}

/*
** The length of zBase's prefix in z[0..n) if z ends with zBase + an
** ending of aExceptionEnding (the first in their order), else -1. mEnd:
** the endings z has (exception_endings()).
*/
static int exception_match(const char *z, int n, const Str *pBase,
                           unsigned mEnd){
  int i;
  for(i=0; i<COUNT(aExceptionEnding); i++){
    const Str *pEnd = &aExceptionEnding[i];
    if( (mEnd & (1u << i))
     && ends_with(z, n-pEnd->n, pBase->z, pBase->n) ){
      return n - pEnd->n - pBase->n;
    }
  }
  return -1;
}

/*
** If z[0..n) is an exception, fill a (whole term; unless bWhole, the first
** parts and the base as parts) and return 1; else return 0.
*/
static int analysis_exception(Analysis *a, const char *z, int n, int bWhole){
  DictEntry e;
  int i, iBase = -1;
  unsigned mEnd;
  const Str *pBase = 0;
  for(i=0; i<COUNT(aExceptionWord); i++){
    if( n==aExceptionWord[i].n && memcmp(z, aExceptionWord[i].z, n)==0 ){
      analysis_add(a, z, n, "", 0);
      return 1;
    }
  }
  mEnd = exception_endings(z, n);
  for(i=0; i<COUNT(aExceptionBase) && iBase<0; i++){
    pBase = &aExceptionBase[i];
    iBase = exception_match(z, n, pBase, mEnd);
  }
  if( iBase<0 ) return 0;
  analysis_add(a, z, iBase, pBase->z, pBase->n);
  if( iBase>0 && bWhole ){
    a->bPartial = 1;
  }else if( iBase>0 ){
    if( dict_lookup(DICT_BEGIN, z, iBase, &e) ) analysis_add_entry(a, &e);
    analysis_parts(a, z, iBase, DICT_BEGIN, ANALYZER_MAX_DEPTH-1, 0);
    analysis_add(a, pBase->z, pBase->n, "", 0);
  }
  return 1;
}

/*
** The terms of stem s[0..nStem) into empty a: the whole term, then, unless
** bWhole, the parts. They depend on the stem alone (and bWhole).
*/
static void analysis_of_stem(const char *s, int nStem, int bWhole,
                             Analysis *a){
  int bSplit;
  Split sp;
  bSplit = nStem>=ANALYZER_MIN_SPLIT && !is_nosplit(s, nStem)
        && split_stem(s, nStem, 2, DICT_HEAD, &sp);
  analysis_whole(a, s, nStem, bSplit ? &sp : 0);
  /* A head too short to be a part (DICT_WHOLE) only rewrites the whole
  ** term: hälsovalet is hälsoval, underlaget underlag, with no parts. The
  ** whole term decides too: sjukhuset is sjukhus once rewritten. */
  if( bSplit && a->nTerm>0 && !(sp.aEntry[sp.nPart-1].flags & DICT_WHOLE)
   && !is_nosplit(a->zBuf+a->aOff[0], a->aLen[0]) ){
    if( bWhole ){
      a->bPartial = 1;
    }else{
      analysis_parts(a, s, nStem, DICT_HEAD, ANALYZER_MAX_DEPTH, &sp);
    }
  }
}

/* Cache functions, defined with the cache below. */
static CacheSlot *stem_pair(SwedishAnalyzer *p, const char *s, int nStem);
static inline int cache_key_eq(const CacheSlot *q, const char *z, int n,
                               unsigned mKey);
static void cache_put(CacheSlot *aPair, const char *z, int n,
                      const Analysis *a);

/* Fill empty a with the terms of full (not CACHE_PARTIAL) slot q. */
static void analysis_from_slot(Analysis *a, const CacheSlot *q){
  int i, nKey = q->nKey;
  for(i=0; i<q->nTerm; i++){
    a->aOff[i] = a->nBuf;
    a->aLen[i] = q->aLen[i];
    a->nBuf += q->aLen[i];
  }
  a->nTerm = q->nTerm;
  memcpy(a->zBuf, q->z+nKey, (size_t)a->nBuf);
}

/*
** Analyse folded token z[0..n), n <= ANALYZER_MAX_STEM, into a: the whole
** term, then, unless bWhole, the parts (see analysis_parts()), without
** repeats. With bWhole, a->bPartial tells whether parts were left out.
** Indexing (not bWhole) keeps the terms of each stem in a memo of its own
** (the stem memo, slots like the token cache's): the inflected forms of a
** word (vården, vårdens; läkemedelsgenomgången, -gångar) are distinct
** tokens, each a token-cache miss, but one stem, split once.
*/
static int analysis_run(SwedishAnalyzer *p, const char *z, int n,
                        int bWhole, Analysis *a){
  char s[ANALYZER_MAX_STEM];
  const char *zStem = 0;
  int nStem = 0;
  CacheSlot *aPair = 0;
  int rc;
  a->nTerm = 0;
  a->nBuf = 0;
  a->bPartial = 0;
  if( analysis_exception(a, z, n, bWhole) ) return SQLITE_OK;
  rc = analyzer_stem(p, z, n, &zStem, &nStem);
  if( rc!=SQLITE_OK ) return rc;
  if( nStem>ANALYZER_MAX_STEM ){          /* Snowball never lengthens */
    analysis_add(a, zStem, nStem, "", 0);
    return SQLITE_OK;
  }
  memcpy(s, zStem, (size_t)nStem);
  if( !bWhole && nStem>=4 && nStem<=CACHE_KEY ){
    aPair = stem_pair(p, s, nStem);
    if( aPair ){
      int k = cache_key_eq(&aPair[0], s, nStem, 0xFF) ? 0
            : cache_key_eq(&aPair[1], s, nStem, 0xFF) ? 1 : -1;
      if( k>=0 ){
        aPair[0].iRecent = (unsigned char)k;
        analysis_from_slot(a, &aPair[k]);
        return SQLITE_OK;
      }
    }
  }
  analysis_of_stem(s, nStem, bWhole, a);
  if( aPair ) cache_put(aPair, s, nStem, a);
  return SQLITE_OK;
}

/* 4 and 8 bytes from z, in host order. */
static uint64_t load4(const char *z){ uint32_t w; memcpy(&w, z, 4); return w; }
static uint64_t load8(const char *z){ uint64_t w; memcpy(&w, z, 8); return w; }

static inline uint64_t mix(uint64_t h, uint64_t w){
  h = (h ^ w) * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 29);
}

/*
** The cache hash of a token, n >= 4: 8 bytes a step, the last step
** overlapping the one before, because it is computed for every token and
** FNV's byte steps would cost as much as the rest of a cache hit. The
** final multiply spreads every input bit over its high half, which is
** what is used: over the 50 MB benchmark text, 12 % fewer misses (87,000
** instead of 99,000) than the folded last mix, whose low bits, which pick
** the pair, never see its high input bits.
*/
static inline uint32_t cache_hash(const char *z, int n){
  uint64_t h = (uint64_t)n * 0x9E3779B97F4A7C15ull;
  int i;
  if( n<8 ){
    h = mix(h, load4(z) | (load4(z+n-4) << 32));
  }else{
    for(i=0; i+8<n; i+=8) h = mix(h, load8(z+i));
    h = mix(h, load8(z+n-8));
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return (uint32_t)(h >> 32);
}

/*
** 1 if the n bytes at z, 4 <= n <= CACHE_KEY, are the key of slot q. Word
** loads like cache_hash(), never past z[n-1]: a libc memcmp call costs
** more than the compare of a short word.
*/
static inline int key_eq(const char *zKey, const char *z, int n){
  int i;
  if( n<8 ){
    return load4(zKey)==load4(z) && load4(zKey+n-4)==load4(z+n-4);
  }
  for(i=0; i+8<n; i+=8){
    if( load8(zKey+i)!=load8(z+i) ) return 0;
  }
  return load8(zKey+n-8)==load8(z+n-8);
}

/* mKey: 0xFF, or ~CACHE_PARTIAL to take whole-only entries too. */
static inline int cache_key_eq(const CacheSlot *q, const char *z, int n,
                               unsigned mKey){
  return (q->nKey & mKey)==(unsigned)n && key_eq(q->z, z, n);
}

/* The key mask of a sink: whole-only entries do when no parts are made. */
static inline unsigned sink_key_mask(const AnalyzerSink *pSink){
  return pSink->bParts ? 0xFF : 0xFF & ~CACHE_PARTIAL;
}

/* The first slot of the pair of hash h in a cache of nSlot. */
static inline CacheSlot *cache_pair(CacheSlot *aCache, unsigned nSlot,
                                    uint32_t h){
  return &aCache[h & (nSlot-2)];
}



/*
** Zeroed memory for nByte of cache slots, CACHE_ALIGN aligned; *ppMem gets
** what to free(). Up to CACHE_HUGE bytes: calloc, whose fresh pages stay
** unresident until touched. From CACHE_HUGE on (the 4 MB indexing cache,
** which indexing fills anyway): aligned to CACHE_HUGE and advised to use
** transparent huge pages, because its hits land on random pages of it: a
** TLB miss per token (a two-level page walk in a VM) can cost more than
** the rest of a hit (perf puts half the hit path's time on the slot load;
** one paired benchmark set: 2.0-2.1x with 2 MB pages, 2.2-2.7x without).
** NULL when out of memory.
*/
static CacheSlot *cache_alloc(size_t nByte, void **ppMem){
  void *pMem = 0;
  CacheSlot *aSlot = 0;
  if( nByte>=CACHE_HUGE ){
    if( posix_memalign(&pMem, CACHE_HUGE, nByte)!=0 ) pMem = 0;
    if( pMem ){
      /* advice only: without huge pages it works the same, slower */
      if( madvise(pMem, nByte, MADV_HUGEPAGE)!=0 ){ /* nothing to undo */ }
      memset(pMem, 0, nByte);
      aSlot = (CacheSlot*)pMem;
    }
  }else{
    pMem = calloc(1, nByte + CACHE_ALIGN);
    if( pMem ){
      aSlot = (CacheSlot*)(((uintptr_t)pMem + CACHE_ALIGN-1)
                           & ~(uintptr_t)(CACHE_ALIGN-1));
    }
  }
  *ppMem = pMem;
  return aSlot;
}

/*
** Allocate the cache (CACHE_MIN_SLOTS) on first use, or grow it to nMax
** slots once it has missed as many times as it has slots, moving the words
** it holds. If the allocation fails the old cache stays (or there is none
** and tokens are analysed uncached): slower, not wrong. Out of line: its
** calls would make the hit path save registers.
*/
static __attribute__((noinline)) void cache_grow(SwedishAnalyzer *p,
                                                 unsigned nMax){
  unsigned nNew = p->nSlot ? nMax : CACHE_MIN_SLOTS, i;
  CacheSlot *aNew;
  void *pMem;
  p->nMiss = 0;
  if( p->nSlot>=nNew ) return;
  aNew = cache_alloc(sizeof(CacheSlot)*nNew, &pMem);
  if( aNew==0 ) return;
  for(i=0; i<p->nSlot; i++){
    const CacheSlot *q = &p->aCache[i];
    CacheSlot *aPair;
    if( q->nKey==0 ) continue;
    aPair = cache_pair(aNew, nNew,
                       cache_hash(q->z, q->nKey & ~CACHE_PARTIAL));
    aPair[aPair[0].nKey!=0] = *q;
  }
  free(p->pCacheMem);
  p->pCacheMem = pMem;
  p->aCache = aNew;
  p->nSlot = nNew;
}

/*
** The pair of the stem memo for stem s[0..nStem), 4 <= nStem <= CACHE_KEY.
** The memo (STEM_SLOTS) is allocated once the token cache has grown to its
** indexing size (a bulk INSERT, not a few rows). NULL before that, or if
** out of memory: stems are then split every time, slower, not wrong.
*/
static CacheSlot *stem_pair(SwedishAnalyzer *p, const char *s, int nStem){
  if( p->aStem==0 ){
    if( p->nSlot<CACHE_MAX_SLOTS ) return 0;
    p->aStem = cache_alloc(sizeof(CacheSlot)*STEM_SLOTS, &p->pStemMem);
    if( p->aStem==0 ) return 0;
  }
  return cache_pair(p->aStem, STEM_SLOTS, cache_hash(s, nStem));
}

/*
** The cache is two-way set associative: a token's hash picks a pair of
** slots and it may sit in either. Returns the slot holding z[0..n) and
** marks it the recent one of its pair, or NULL and sets *ppPair to its
** pair, for cache_put() (NULL if there is no cache). bDoc:
** indexing, see CACHE_MAX_SLOTS. mKey: see cache_key_eq().
*/
static CacheSlot *cache_find(SwedishAnalyzer *p, int bDoc, unsigned mKey,
                             const char *z, int n, uint32_t h,
                             CacheSlot **ppPair){
  CacheSlot *aPair;
  int k;
  if( p->nMiss>=p->nSlot ){
    cache_grow(p, bDoc ? CACHE_MAX_SLOTS : CACHE_QUERY_SLOTS);
    if( p->nSlot==0 ) return 0;
  }
  aPair = cache_pair(p->aCache, p->nSlot, h);
  for(k=0; k<2; k++){
    if( cache_key_eq(&aPair[k], z, n, mKey) ){
      if( aPair[0].iRecent!=k ) aPair[0].iRecent = (unsigned char)k;
      return &aPair[k];
    }
  }
  *ppPair = aPair;
  p->nMiss++;
  return 0;
}

/*
** Store analysis a of token z[0..n) in the slot of pair aPair used less
** recently, if it fits.
*/
static void cache_put(CacheSlot *aPair, const char *z, int n,
                      const Analysis *a){
  int i, k = 1 - aPair[0].iRecent, nText = n;
  CacheSlot *pSlot = &aPair[k];
  for(i=0; i<a->nTerm; i++) nText += a->aLen[i];
  if( n>CACHE_KEY || nText>CACHE_TEXT ) return;
  memcpy(pSlot->z, z, (size_t)n);
  for(i=0, nText=n; i<a->nTerm; i++){
    memcpy(pSlot->z+nText, a->zBuf+a->aOff[i], (size_t)a->aLen[i]);
    pSlot->aLen[i] = (unsigned char)a->aLen[i];
    nText += a->aLen[i];
  }
  pSlot->nKey = (unsigned char)(n | (a->bPartial ? CACHE_PARTIAL : 0));
  pSlot->nTerm = (unsigned char)a->nTerm;
  aPair[0].iRecent = (unsigned char)k;
}

/*
** Emit the whole word (tflags) and the parts (colocated) of nTerm terms
** of lengths aLen packed at zOut.
*/
static __attribute__((noinline)) int emit_parts(
  const unsigned char *aLen, int nTerm, const char *zOut,
  const AnalyzerSink *pSink, int tflags, int iStart, int iEnd
){
  int rc = pSink->xToken(pSink->pCtx, tflags, zOut, aLen[0], iStart, iEnd);
  int i, nOff = aLen[0];
  for(i=1; rc==SQLITE_OK && i<nTerm; i++){
    rc = pSink->xToken(pSink->pCtx, FTS5_TOKEN_COLOCATED, zOut+nOff,
                       aLen[i], iStart, iEnd);
    nOff += aLen[i];
  }
  return rc;
}

/*
** Emit nTerm terms of lengths aLen packed at zOut (a cache slot's): the
** whole word, then (if pSink->bParts and not ANALYZER_WHOLE_ONLY) the
** colocated parts. Most words have no parts: a tail call of xToken, so
** that the hit path keeps nothing live across a call.
*/
static inline int emit_terms(const unsigned char *aLen, int nTerm,
                             const char *zOut, const AnalyzerSink *pSink,
                             int tflags, int iStart, int iEnd){
  if( nTerm>1 && pSink->bParts && (tflags & ANALYZER_WHOLE_ONLY)==0 ){
    return emit_parts(aLen, nTerm, zOut, pSink, tflags, iStart, iEnd);
  }
  return pSink->xToken(pSink->pCtx, tflags & ~ANALYZER_WHOLE_ONLY, zOut,
                       aLen[0], iStart, iEnd);
}

/* Emit the terms of analysis a, like emit_terms(). */
static int emit_analysis(const Analysis *a, const AnalyzerSink *pSink,
                         int tflags, int iStart, int iEnd){
  int rc = SQLITE_OK, i;
  int nTerm = pSink->bParts && (tflags & ANALYZER_WHOLE_ONLY)==0
              ? a->nTerm : 1;
  for(i=0; rc==SQLITE_OK && i<nTerm; i++){
    rc = pSink->xToken(pSink->pCtx,
                       i ? FTS5_TOKEN_COLOCATED : tflags & ~ANALYZER_WHOLE_ONLY,
                       a->zBuf+a->aOff[i], a->aLen[i], iStart, iEnd);
  }
  return rc;
}

/*
** A token not in the cache: analyse it, keep the result in cache pair
** pPair (if not NULL), emit it. Out of line so that the cache hit path,
** analyzer_emit_word(), stays small.
*/
static __attribute__((noinline)) int emit_miss(
  const AnalyzerSink *pSink, CacheSlot *pPair, int tflags,
  const char *pToken, int nToken, int iStart, int iEnd
){
  SwedishAnalyzer *p = pSink->p;
  int rc = analysis_run(p, pToken, nToken, !pSink->bParts, &p->res);
  if( rc!=SQLITE_OK ) return rc;
  if( pPair ) cache_put(pPair, pToken, nToken, &p->res);
  return emit_analysis(&p->res, pSink, tflags, iStart, iEnd);
}

/*
** analyzer_emit_word() but for a cache hit with no growth due: grows the
** cache if due, looks the token up (again), or analyses it.
*/
static __attribute__((noinline)) int emit_slow(
  const AnalyzerSink *pSink, int tflags,
  const char *pToken, int nToken, int iStart, int iEnd
){
  CacheSlot *pPair = 0;
  if( nToken<=CACHE_KEY ){
    const CacheSlot *pHit = cache_find(pSink->p, pSink->bDocument,
                                       sink_key_mask(pSink), pToken, nToken,
                                       cache_hash(pToken, nToken), &pPair);
    if( pHit ){
      return emit_terms(pHit->aLen, pHit->nTerm, pHit->z+nToken, pSink,
                        tflags, iStart, iEnd);
    }
  }
  return emit_miss(pSink, pPair, tflags, pToken, nToken, iStart, iEnd);
}

/*
** The cache hit path, kept to tail calls only, so that it saves no
** registers: most tokens end here. Anything else goes to emit_slow().
*/
int analyzer_emit_word(const AnalyzerSink *pSink, int tflags,
                       const char *pToken, int nToken, int iStart, int iEnd){
  SwedishAnalyzer *p = pSink->p;
  if( nToken<=CACHE_KEY && p->nMiss<p->nSlot ){
    CacheSlot *aPair = cache_pair(p->aCache, p->nSlot,
                                  cache_hash(pToken, nToken));
    unsigned mKey = sink_key_mask(pSink);
    int k = cache_key_eq(&aPair[0], pToken, nToken, mKey) ? 0
          : cache_key_eq(&aPair[1], pToken, nToken, mKey) ? 1 : -1;
    if( k>=0 ){
      if( aPair[0].iRecent!=k ) aPair[0].iRecent = (unsigned char)k;
      return emit_terms(aPair[k].aLen, aPair[k].nTerm, aPair[k].z+nToken,
                        pSink, tflags, iStart, iEnd);
    }
  }
  return emit_slow(pSink, tflags, pToken, nToken, iStart, iEnd);
}
int analyzer_tail(const char *z, int n){
  DictEntry e;
  int i;
  if( n>ANALYZER_MAX_STEM ) return 0;
  for(i=n-DICT_MIN_PART; i>=DICT_MIN_PART; i--){
    if( is_utf8_cont(z[i]) || utf8_chars(z+i, n-i)<DICT_MIN_PART ) continue;
    if( dict_lookup(DICT_BEGIN, z, i, &e) ) return i;
  }
  return 0;
}
