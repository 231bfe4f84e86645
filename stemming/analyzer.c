/*
** analyzer.c: from one folded token to its terms.
**
** A token becomes its whole-word term (the Snowball stem, after the
** exceptions of exceptions.c and the inflected-form fixes of the dictionary)
** and, if it is a compound, the terms of its parts (see split_stem()). The
** result of each token is memoised in a cache of packed buckets owned by
** the instance: report text repeats its words, and the cache makes a
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

#define ANALYZER_MAX_PARTS 12     /* terms per compound, recursion included */
#define ANALYZER_MAX_DEPTH 4      /* parts in one split; levels of splits */
#define ANALYZER_MIN_NESTED 4     /* characters of a part of a part */

/*
** The token cache (CacheBucket, below) starts small and grows once, when
** it has missed as many times as it has buckets: to 4 MB when indexing
** (the indexer, a bulk INSERT: a miss costs a stemmer pass and a
** dictionary split, some 2,000 cycles, and 50 MB of reports hold some
** 57,000 distinct cacheable words: the 4 MB cache of packed buckets holds
** them all and missed 72,600 times over them; 4 MB of 128-byte
** one-word slots miss 86,800 times; 2 MB of buckets took 3 % more
** instructions), to 512 KB when tokenizing queries and rows for
** ranking (searchd has an instance per worker connection). Up to 512 KB
** it is calloc'ed, so pages never reached stay unresident; the 4 MB one
** is on huge pages (see cache_alloc()). There is no second memo keyed by
** the stem: its probe, a cache miss for every token-cache miss, costs
** more than the splits its hits (37 %) save; first sights take 12 % less
** time without it.
*/
#ifndef CACHE_MIN_SLOTS
#define CACHE_MIN_SLOTS 1024      /* buckets, power of two; 128 KB */
#endif
#ifndef CACHE_MAX_SLOTS
#define CACHE_MAX_SLOTS 32768     /* buckets, power of two; 4 MB, DOCUMENT */
#endif
#define CACHE_QUERY_SLOTS 4096    /* buckets, power of two; 512 KB, QUERY
                                  ** and AUX */
#define CACHE_ALIGN 128           /* a bucket: 2 cache lines, never 3 */
#define CACHE_HUGE (2u << 20)     /* a transparent huge page (x86-64) */
#define CACHE_KEY   ANALYZER_MAX_CACHED /* longer tokens are not cached */

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
** The token cache is an array of buckets: 128 bytes
** (two cache lines) of entries packed back to back, the one used last
** first. An entry is
**
**   size (bytes, all of it), key length | CACHE_PARTIAL, number of terms,
**   the key, the terms' lengths, the terms
**
** and a size byte of 0, or the end of the bucket, ends the list. Most
** entries are short (the median token's, `kommunen` -> `kommun`, is 17
** bytes), so a bucket holds several: the 57,000 distinct cacheable words
** of the 50 MB benchmark text fit in the 4 MB cache (in 128-byte slots of
** one word each, 32,768 did), and a word used often is the first entry of
** its bucket, in its first cache line, which is all a hit reads (the hit
** path compares the first entry only; emit_slow() looks further, moves
** what it finds to the front, and puts new entries there, dropping those
** pushed off the end). An entry over 128 bytes (a long compound with many
** parts) is not cached.
**
** The key length of an entry with CACHE_PARTIAL holds a whole-only
** analysis (made for QUERY or AUX, which never emit parts): QUERY and AUX
** lookups mask the flag off and use it; DOCUMENT lookups compare the whole
** byte, never match it, and analyse the word in full.
*/
#define CACHE_PARTIAL 0x80
_Static_assert(CACHE_KEY < CACHE_PARTIAL, "key lengths below the flag");

#define ENTRY_SIZE  0             /* byte offsets in an entry */
#define ENTRY_KEY   1
#define ENTRY_NTERM 2
#define ENTRY_HDR   3             /* then the key (at a fixed offset, so a
                                  ** lookup compares it without waiting for
                                  ** the number of terms), the lengths, the
                                  ** terms */

typedef struct CacheBucket CacheBucket;
struct CacheBucket {
  unsigned char a[CACHE_ALIGN];   /* entries, most recently used first */
};

_Static_assert(sizeof(CacheBucket)==CACHE_ALIGN, "128-byte buckets");
_Static_assert(ENTRY_HDR + 1+ANALYZER_MAX_PARTS + CACHE_KEY
               <= CACHE_ALIGN, "a key fits a bucket");

struct SwedishAnalyzer {
  struct sb_stemmer *pStemmer;
  Analysis res;                   /* the last token's terms */
  void *pCacheMem;                /* the cache as allocated; NULL: none yet */
  CacheBucket *aCache;            /* nSlot buckets, CACHE_ALIGN aligned */
  unsigned nSlot;                 /* 0 or a power of two */
  unsigned nMiss;                 /* misses since the cache got nSlot */
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

/* 1 if part k of split sp of s[0..n), and its term, are solid words:
** at least ANALYZER_MIN_NESTED characters each. */
static int part_solid(const Split *sp, int k, int n){
  const DictEntry *e = &sp->aEntry[k];
  int iEnd = k+1<sp->nPart ? sp->aStart[k+1] : n;
  return utf8_chars(e->zKey, iEnd-sp->aStart[k])>=ANALYZER_MIN_NESTED
      && utf8_chars(e->zKey, e->nKeep)+utf8_chars(e->zAdd, e->nAdd)
         >=ANALYZER_MIN_NESTED;
}

static int split_nested(const char *s, int n, enum dict_table eLast,
                        int depth, Split *pOut);

/*
** 1 if split sp of the lexicalised part s[0..n) may be used: every part
** is solid (part_solid()), so that a part splits into words (sjukvård:
** sjuk, vård) and not into fragments (ungdom: ung, dom; läkemedel: läk,
** medel; nätverk: nät, verk; mottagning: mot, tagning). A short first
** part is taken off only a compound of solid parts (närsjukvård: när,
** sjukvård; hemsjukvård: hem, sjukvård; sjöflygplan: sjö, flygplan):
** there it is a word put in front of a word, not a piece of one.
*/
static int split_nested_ok(const char *s, const Split *sp, int n,
                           enum dict_table eLast, int depth){
  Split rest;
  int k;
  for(k=1; k<sp->nPart; k++){
    if( !part_solid(sp, k, n) ) return 0;
  }
  if( part_solid(sp, 0, n) || sp->nPart>2 ) return 1;
  return split_nested(s+sp->aStart[1], n-sp->aStart[1], eLast, depth-1,
                      &rest);
}

/*
** 1 if analysis_parts() splits s[0..n), a part of a compound (or, at
** ANALYZER_MAX_DEPTH, the word), with depth levels left: into *pOut.
** A head too short to be a part (DICT_WHOLE) splits nothing.
*/
static int split_nested(const char *s, int n, enum dict_table eLast,
                        int depth, Split *pOut){
  return depth>0 && n>=ANALYZER_MIN_SPLIT && !is_nosplit(s, n)
      && split_stem(s, n, 2, eLast, pOut)
      && (depth>=ANALYZER_MAX_DEPTH
          || split_nested_ok(s, pOut, n, eLast, depth))
      && !(pOut->aEntry[pOut->nPart-1].flags & DICT_WHOLE);
}

/*
** 1 if entry e, a part followed by more parts, stands for a word that may
** end a compound: its term is a head of the dictionary (försörjnings ->
** försörjning, a word of its own; not a bound form without a head of its
** own).
*/
static int span_end_ok(const DictEntry *e){
  char zTerm[DICT_MAX_KEY*2];
  DictEntry h;
  int n = e->nKeep + e->nAdd;
  if( n>(int)sizeof(zTerm) ) return 0;
  memcpy(zTerm, e->zKey, (size_t)e->nKeep);
  memcpy(zTerm+e->nKeep, e->zAdd, (size_t)e->nAdd);
  return dict_lookup(DICT_HEAD, zTerm, n, &h) && !(h.flags & DICT_WHOLE);
}

/*
** 1 if a run of parts of split sp may end with part j: the last part of
** a word (eLast DICT_HEAD), or a part whose term may end a word
** (span_end_ok()).
*/
static int span_end(const Split *sp, int j, enum dict_table eLast){
  return (j+1==sp->nPart && eLast==DICT_HEAD) || span_end_ok(&sp->aEntry[j]);
}

/*
** Add to a the run of s from byte iFrom to the end of part j of sp, as the
** word it would be alone: s[iFrom..) as written up to part j, then the
** term of part j.
*/
static void span_add(Analysis *a, const char *s, const Split *sp, int iFrom,
                     int j){
  const DictEntry *e = &sp->aEntry[j];
  analysis_add(a, s+iFrom, sp->aStart[j]-iFrom + e->nKeep, e->zAdd, e->nAdd);
}

/*
** Add to a the compounds nested in split sp of s: every run of two or
** more adjacent parts but the whole, whose last part may end a word
** (span_end()). kompetens|försörjnings|behovet gives kompetensförsörjning
** and försörjningsbehov, so a search for either finds it (as a part
** match). Only splits of three parts or more have such runs; the runs
** that begin inside a part are analysis_inner_spans()'.
*/
static void analysis_spans(Analysis *a, const char *s, const Split *sp,
                           enum dict_table eLast){
  int i, j;
  for(j=1; j<sp->nPart; j++){
    if( !span_end(sp, j, eLast) ) continue;
    for(i=(j+1==sp->nPart); i<j; i++) span_add(a, s, sp, sp->aStart[i], j);
  }
}

/*
** The full split of a word: every split analysis_parts() made, of the
** word and of its parts at every level, in the order made (a part's
** splits after its parent's). Offsets are in the word.
*/
#define ANALYZER_MAX_NODE (ANALYZER_MAX_STEM/DICT_MIN_PART)

typedef struct SplitNode SplitNode;
struct SplitNode {
  int iOff, n;                    /* the split string: s[iOff..iOff+n) */
  enum dict_table eLast;
  Split sp;                       /* offsets in the split string */
};

typedef struct FullSplit FullSplit;
struct FullSplit {
  int nNode;
  SplitNode aNode[ANALYZER_MAX_NODE];
};

/*
** Add to a the parts of s[iOff..iOff+n) of the word s, whose last part is
** from table eLast, then, up to depth levels, the parts of each part
** (närsjukvård gives när, sjukvård, then sjuk, vård; patientsäkerhetsplan
** gives patientsäkerhet, plan, then patient, säkerhet), and record each
** split in *pFull. pKnown: the split, if known.
*/
static void analysis_parts(Analysis *a, const char *s, int iOff, int n,
                           enum dict_table eLast, int depth,
                           const Split *pKnown, FullSplit *pFull){
  SplitNode *pNode;
  int k;
  if( pFull->nNode>=ANALYZER_MAX_NODE ) return;
  pNode = &pFull->aNode[pFull->nNode];
  if( pKnown ){
    pNode->sp = *pKnown;
  }else if( !split_nested(s+iOff, n, eLast, depth, &pNode->sp) ){
    return;
  }
  pFull->nNode++;
  pNode->iOff = iOff;
  pNode->n = n;
  pNode->eLast = eLast;
  for(k=0; k<pNode->sp.nPart; k++){
    analysis_add_entry(a, &pNode->sp.aEntry[k]);
  }
  for(k=0; k<pNode->sp.nPart; k++){
    const Split *sp = &pNode->sp;
    int iStart = sp->aStart[k], iEnd = k+1<sp->nPart ? sp->aStart[k+1] : n;
    analysis_parts(a, s, iOff+iStart, iEnd-iStart,
                   k+1<sp->nPart ? DICT_BEGIN : eLast, depth-1, 0, pFull);
  }
}

/*
** Add to a the runs of node p's split that begin inside its part k, where
** a part of the full split begins (a boundary of a split of pFull inside
** part k), and end with a later part whose term may end a word
** (span_end()): närsjukvårds|område, whose first part is when fully split
** när|sjuk|vårds, gives sjukvårdsområde and vårdsområde;
** patientsäkerhets|arbete gives säkerhetsarbete. A run never ends inside
** a part: that would cut the word the part stands for off its head
** (närsjuk).
*/
static void analysis_inner_spans(Analysis *a, const char *s,
                                 const FullSplit *pFull, const SplitNode *p,
                                 int k){
  const Split *sp = &p->sp;
  int iLo = p->iOff + sp->aStart[k], iHi = p->iOff + sp->aStart[k+1];
  int i, j, m;
  for(j=k+1; j<sp->nPart; j++){
    if( !span_end(sp, j, p->eLast) ) continue;
    for(i=0; i<pFull->nNode; i++){
      const SplitNode *q = &pFull->aNode[i];
      if( q->iOff<iLo || q->iOff+q->n>iHi ) continue;  /* not in part k */
      for(m=1; m<q->sp.nPart; m++){
        span_add(a, s+p->iOff, sp, q->iOff + q->sp.aStart[m] - p->iOff, j);
      }
    }
  }
}

/*
** Add to a the compounds nested in the full split of s: every run of
** adjacent parts that may be a word (analysis_spans(),
** analysis_inner_spans()), after all the parts, so that where a word has
** more terms than ANALYZER_MAX_PARTS the runs are what is left out.
*/
static void analysis_runs(Analysis *a, const char *s, const FullSplit *pFull){
  int i, k;
  for(i=0; i<pFull->nNode; i++){
    const SplitNode *p = &pFull->aNode[i];
    analysis_spans(a, s+p->iOff, &p->sp, p->eLast);
  }
  for(i=0; i<pFull->nNode; i++){
    const SplitNode *p = &pFull->aNode[i];
    for(k=0; k+1<p->sp.nPart; k++) analysis_inner_spans(a, s, pFull, p, k);
  }
}

/*
** Add to a the parts of s[0..n), a word (or what precedes an exception's
** base) whose last part is from eLast, its runs of parts, and those of its
** parts, at most depth levels. Bounded by ANALYZER_MAX_PARTS terms.
*/
static void analysis_compound(Analysis *a, const char *s, int n,
                              enum dict_table eLast, int depth,
                              const Split *pKnown){
  FullSplit full;
  full.nNode = 0;
  analysis_parts(a, s, 0, n, eLast, depth, pKnown, &full);
  analysis_runs(a, s, &full);
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
    analysis_compound(a, z, iBase, DICT_BEGIN, ANALYZER_MAX_DEPTH-1, 0);
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
      analysis_compound(a, s, nStem, DICT_HEAD, ANALYZER_MAX_DEPTH, &sp);
    }
  }
}

/*
** Analyse folded token z[0..n), n <= ANALYZER_MAX_STEM, into a: the whole
** term, then, unless bWhole, the parts (see analysis_parts()), without
** repeats. With bWhole, a->bPartial tells whether parts were left out.
** The stem stays in the stemmer's buffer: nothing here stems again.
*/
static int analysis_run(SwedishAnalyzer *p, const char *z, int n,
                        int bWhole, Analysis *a){
  const char *zStem = 0;
  int nStem = 0;
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
  analysis_of_stem(zStem, nStem, bWhole, a);
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
** the bucket, never see its high input bits.
*/
static inline uint32_t hash_final(uint64_t h){
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ull;
  return (uint32_t)(h >> 32);
}

/*
** A token of n bytes, 4 <= n <= 16 (most words), as two words: *pW0 its
** first 4 bytes and last 4 (n < 8), or its first 8 and *pW1 its last 8
** (they overlap). The hit path hashes and compares these, loading the
** token once.
*/
static inline void token_words(const char *z, int n, uint64_t *pW0,
                               uint64_t *pW1){
  if( n<8 ){
    *pW0 = *pW1 = load4(z) | (load4(z+n-4) << 32);
  }else{
    *pW0 = load8(z);
    *pW1 = load8(z+n-8);
  }
}

/* cache_hash() of a token of n <= 16 bytes given by token_words(). */
static inline uint32_t hash_words(int n, uint64_t w0, uint64_t w1){
  uint64_t h = mix((uint64_t)n * 0x9E3779B97F4A7C15ull, w0);
  return hash_final(n<8 ? h : mix(h, w1));
}

/* 1 if the key at zKey of n <= 16 bytes has token_words() w0, w1. */
static inline int words_eq(const char *zKey, int n, uint64_t w0,
                           uint64_t w1){
  if( n<8 ) return (load4(zKey) | (load4(zKey+n-4) << 32))==w0;
  return load8(zKey)==w0 && load8(zKey+n-8)==w1;
}

static inline uint32_t cache_hash(const char *z, int n){
  uint64_t h, w0, w1;
  int i;
  if( n<=16 ){
    token_words(z, n, &w0, &w1);
    return hash_words(n, w0, w1);
  }
  h = mix((uint64_t)n * 0x9E3779B97F4A7C15ull, load8(z));
  for(i=8; i+8<n; i+=8) h = mix(h, load8(z+i));
  return hash_final(mix(h, load8(z+n-8)));
}

/*
** 1 if the n bytes at z, 4 <= n <= CACHE_KEY, are the n bytes at zKey.
** Word loads like cache_hash(), never past z[n-1] nor zKey[n-1]: a libc
** memcmp call costs more than the compare of a short word.
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

/*
** 1 if entry e (or the 0 that ends a bucket) has key z[0..n). mKey: 0xFF,
** or ~CACHE_PARTIAL to take whole-only entries too. The key length of an
** empty bucket's first entry is 0 (never n): buckets start zeroed, and an
** entry only ever leaves one for another.
*/
static inline int entry_key_eq(const unsigned char *e, const char *z, int n,
                               unsigned mKey){
  return (e[ENTRY_KEY] & mKey)==(unsigned)n
      && key_eq((const char*)e + ENTRY_HDR, z, n);
}

/* The key mask of a sink: whole-only entries do when no parts are made. */
static inline unsigned sink_key_mask(const AnalyzerSink *pSink){
  return pSink->bParts ? 0xFF : 0xFF & ~CACHE_PARTIAL;
}

/* The bucket of hash h in a cache of nSlot buckets. */
static inline CacheBucket *cache_bucket(CacheBucket *aCache, unsigned nSlot,
                                        uint32_t h){
  return &aCache[h & (nSlot-1)];
}

/*
** The entry of key z[0..n) in bucket b (mKey: see entry_key_eq()), moved
** to the front of b, so that the words used most stay first; NULL if none.
** The pointer is valid until b changes.
*/
static const unsigned char *bucket_use(CacheBucket *b, const char *z, int n,
                                       unsigned mKey){
  int iOff = 0, nSize;
  unsigned char aTmp[CACHE_ALIGN];
  while( iOff<CACHE_ALIGN && (nSize = b->a[iOff + ENTRY_SIZE])!=0 ){
    if( entry_key_eq(&b->a[iOff], z, n, mKey) ) break;
    iOff += nSize;
  }
  if( iOff>=CACHE_ALIGN || nSize==0 ) return 0;
  if( iOff>0 ){
    memcpy(aTmp, &b->a[iOff], (size_t)nSize);
    memmove(&b->a[nSize], b->a, (size_t)iOff);
    memcpy(b->a, aTmp, (size_t)nSize);
  }
  return b->a;
}

/*
** Put entry e (e[ENTRY_SIZE] bytes) first in bucket b, moving the others
** back and dropping those that no longer fit whole.
*/
static void bucket_put(CacheBucket *b, const unsigned char *e){
  int nSize = e[ENTRY_SIZE], iOff = nSize;
  memmove(&b->a[nSize], b->a, (size_t)(CACHE_ALIGN - nSize));
  memcpy(b->a, e, (size_t)nSize);
  while( iOff<CACHE_ALIGN && b->a[iOff]!=0
      && iOff + b->a[iOff]<=CACHE_ALIGN ){
    iOff += b->a[iOff];
  }
  if( iOff<CACHE_ALIGN ) b->a[iOff] = 0;
}

/*
** Zeroed memory for nByte of cache buckets, CACHE_ALIGN aligned; *ppMem
** gets what to free(). Up to CACHE_HUGE bytes: calloc, whose fresh pages
** stay unresident until touched. From CACHE_HUGE on (the indexing cache,
** which indexing fills anyway): aligned to CACHE_HUGE and advised to use
** transparent huge pages, because its hits land on random pages of it: a
** TLB miss per token (a two-level page walk in a VM) can cost more than
** the rest of a hit (one paired benchmark set: 2.0-2.1x with 2 MB pages,
** 2.2-2.7x without). NULL when out of memory.
*/
static CacheBucket *cache_alloc(size_t nByte, void **ppMem){
  void *pMem = 0;
  CacheBucket *aBucket = 0;
  if( nByte>=CACHE_HUGE ){
    if( posix_memalign(&pMem, CACHE_HUGE, nByte)!=0 ) pMem = 0;
    if( pMem ){
      /* advice only: without huge pages it works the same, slower */
      if( madvise(pMem, nByte, MADV_HUGEPAGE)!=0 ){ /* nothing to undo */ }
      memset(pMem, 0, nByte);
      aBucket = (CacheBucket*)pMem;
    }
  }else{
    pMem = calloc(1, nByte + CACHE_ALIGN);
    if( pMem ){
      aBucket = (CacheBucket*)(((uintptr_t)pMem + CACHE_ALIGN-1)
                               & ~(uintptr_t)(CACHE_ALIGN-1));
    }
  }
  *ppMem = pMem;
  return aBucket;
}

/* Move the entries of bucket b into cache aNew of nNew buckets. */
static void bucket_rehash(const CacheBucket *b, CacheBucket *aNew,
                          unsigned nNew){
  int aOff[CACHE_ALIGN/(ENTRY_HDR + ANALYZER_MAX_SAME+1)]; /* keys of 4+ */
  int nEntry = 0, iOff = 0;
  while( iOff<CACHE_ALIGN && b->a[iOff]!=0
      && nEntry<(int)(sizeof(aOff)/sizeof(aOff[0])) ){
    aOff[nEntry++] = iOff;
    iOff += b->a[iOff];
  }
  while( nEntry>0 ){             /* the least recently used first */
    const unsigned char *e = &b->a[aOff[--nEntry]];
    const char *zKey = (const char*)e + ENTRY_HDR;
    int nKey = e[ENTRY_KEY] & ~CACHE_PARTIAL;
    bucket_put(cache_bucket(aNew, nNew, cache_hash(zKey, nKey)), e);
  }
}

/*
** Allocate the cache (CACHE_MIN_SLOTS) on first use, or grow it to nMax
** buckets once it has missed as many times as it has buckets, moving the
** words it holds. If the allocation fails the old cache stays (or there
** is none and tokens are analysed uncached): slower, not wrong. Out of
** line: its calls would make the hit path save registers.
*/
static __attribute__((noinline)) void cache_grow(SwedishAnalyzer *p,
                                                 unsigned nMax){
  unsigned nNew = p->nSlot ? nMax : CACHE_MIN_SLOTS, i;
  CacheBucket *aNew;
  void *pMem;
  p->nMiss = 0;
  if( p->nSlot>=nNew ) return;
  aNew = cache_alloc(sizeof(CacheBucket)*nNew, &pMem);
  if( aNew==0 ) return;
  for(i=0; i<p->nSlot; i++) bucket_rehash(&p->aCache[i], aNew, nNew);
  free(p->pCacheMem);
  p->pCacheMem = pMem;
  p->aCache = aNew;
  p->nSlot = nNew;
}

/*
** Store analysis a of token z[0..n) first in bucket b, if it fits in a
** bucket.
*/
static void cache_put(CacheBucket *b, const char *z, int n,
                      const Analysis *a){
  unsigned char e[CACHE_ALIGN];
  int i, nSize = ENTRY_HDR + a->nTerm + n;
  for(i=0; i<a->nTerm; i++) nSize += a->aLen[i];
  if( n>CACHE_KEY || nSize>CACHE_ALIGN ) return;
  e[ENTRY_SIZE] = (unsigned char)nSize;
  e[ENTRY_KEY] = (unsigned char)(n | (a->bPartial ? CACHE_PARTIAL : 0));
  e[ENTRY_NTERM] = (unsigned char)a->nTerm;
  memcpy(&e[ENTRY_HDR], z, (size_t)n);
  nSize = ENTRY_HDR + n;
  for(i=0; i<a->nTerm; i++) e[nSize++] = (unsigned char)a->aLen[i];
  for(i=0; i<a->nTerm; i++){
    memcpy(&e[nSize], a->zBuf + a->aOff[i], (size_t)a->aLen[i]);
    nSize += a->aLen[i];
  }
  bucket_put(b, e);
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
** Emit the terms of cache entry e, of key length n: the whole word, then
** (if pSink->bParts and not ANALYZER_WHOLE_ONLY) the colocated parts.
** Most words have no parts: a tail call of xToken, so that the hit path
** keeps nothing live across a call.
*/
static inline int emit_entry(const unsigned char *e, int n,
                             const AnalyzerSink *pSink, int tflags,
                             int iStart, int iEnd){
  int nTerm = e[ENTRY_NTERM];
  const unsigned char *aLen = e + ENTRY_HDR + n;
  const char *zOut = (const char*)aLen + nTerm;
  if( nTerm>1 && pSink->bParts && (tflags & ANALYZER_WHOLE_ONLY)==0 ){
    return emit_parts(aLen, nTerm, zOut, pSink, tflags, iStart, iEnd);
  }
  return pSink->xToken(pSink->pCtx, tflags & ~ANALYZER_WHOLE_ONLY, zOut,
                       aLen[0], iStart, iEnd);
}

/* Emit the terms of analysis a, like emit_entry(). */
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
** analyzer_emit_word() for a token that is not the first entry of its
** bucket, or with no cache yet or its growth due: grows the cache if due,
** looks the token up in the rest of its bucket (moving it first), or
** analyses it, keeps the result first in its bucket and emits it. Out of
** line so that the cache hit path, analyzer_emit_word(), stays small.
*/
static __attribute__((noinline)) int emit_slow(
  const AnalyzerSink *pSink, int tflags,
  const char *pToken, int nToken, int iStart, int iEnd
){
  SwedishAnalyzer *p = pSink->p;
  CacheBucket *b = 0;
  int rc;
  if( nToken<=CACHE_KEY ){
    if( p->nMiss>=p->nSlot ){
      cache_grow(p, pSink->bDocument ? CACHE_MAX_SLOTS : CACHE_QUERY_SLOTS);
    }
    if( p->nSlot ){
      const unsigned char *e;
      b = cache_bucket(p->aCache, p->nSlot, cache_hash(pToken, nToken));
      e = bucket_use(b, pToken, nToken, sink_key_mask(pSink));
      if( e ) return emit_entry(e, nToken, pSink, tflags, iStart, iEnd);
      p->nMiss++;
    }
  }
  rc = analysis_run(p, pToken, nToken, !pSink->bParts, &p->res);
  if( rc!=SQLITE_OK ) return rc;
  if( b ) cache_put(b, pToken, nToken, &p->res);
  return emit_analysis(&p->res, pSink, tflags, iStart, iEnd);
}

/*
** The cache hit path, kept to tail calls only, so that it saves no
** registers: most tokens end here, the first entry of their bucket.
** Anything else goes to emit_slow().
*/
int analyzer_emit_word(const AnalyzerSink *pSink, int tflags,
                       const char *pToken, int nToken, int iStart, int iEnd){
  SwedishAnalyzer *p = pSink->p;
  if( nToken<=16 && p->nMiss<p->nSlot ){
    uint64_t w0, w1;
    const unsigned char *e;
    token_words(pToken, nToken, &w0, &w1);
    e = cache_bucket(p->aCache, p->nSlot, hash_words(nToken, w0, w1))->a;
    if( (e[ENTRY_KEY] & sink_key_mask(pSink))==(unsigned)nToken
     && words_eq((const char*)e + ENTRY_HDR, nToken, w0, w1) ){
      return emit_entry(e, nToken, pSink, tflags, iStart, iEnd);
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
