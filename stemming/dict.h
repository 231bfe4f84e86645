/*
** dict.h: the decompounding dictionary, internal to stemming/.
**
** The tables are generated at build time by stemming/tools/mkdict from
** hunspell-sv's dictionary into $(BUILD)/gen/swedish_dict.c and compiled in:
** nothing is loaded at run time and everything is read-only, so lookups are
** thread safe. Two open-addressing hash tables (FNV-1a, linear probing)
** share one blob of entries:
**
**   DICT_BEGIN  forms a word takes as the first or a middle part of a
**               compound ("självmords", "barn", "vecko"); term: the stem of
**               the word it is a form of ("självmord", "barn", "veck");
**   DICT_HEAD   Snowball stems of words that may end a compound, as the
**               stem comes out at the end of a longer word ("verksam" for
**               "-verksamheten"); term: the stem of the word alone. Entries
**               with DICT_FIX are inflected forms Snowball leaves whole
**               ("uppdraget"), whose term is the word's stem ("uppdrag").
**
** Keys and terms are UTF-8 in unicode61's case folding (lower case, å ä ö
** kept), at least DICT_MIN_PART (begin) or DICT_MIN_HEAD (head) characters and at most DICT_MAX_KEY bytes.
*/
#ifndef DICT_H
#define DICT_H

#include <stdint.h>

#define DICT_MIN_PART   3     /* shortest first part, in characters */
#define DICT_MIN_HEAD   4     /* shortest last part: no "-alt", "-sat" */
#define DICT_MAX_KEY    60    /* longest key or term, in bytes */
#define DICT_BEGIN_BITS 18
#define DICT_HEAD_BITS  18
#define DICT_BLOOM_BITS 21    /* bits of each table's filter (256 KB) */

#define DICT_FIX        0x01  /* entry flag: an inflected form to rewrite */
#define DICT_WHOLE      0x02  /* entry flag: with DICT_FIX, a rewrite of
                              ** the whole word only, never a compound part:
                              ** laget -> lag, underlaget -> underlag, but
                              ** underlaget has no part "lag" */

enum dict_table { DICT_BEGIN = 0, DICT_HEAD = 1 };

typedef struct SwedishDict SwedishDict;
struct SwedishDict {
  const unsigned char *aBlob;
  struct {
    const uint32_t *aSlot;      /* blob offsets, 0 for an empty slot */
    uint32_t mask;              /* number of slots - 1 */
    const uint64_t *aBloom;     /* 4 bits per key in one word: most
                                ** misses stay in cache */
  } aTab[2];
};

/* A dictionary entry found by dict_lookup(): pointers into the tables. */
typedef struct DictEntry DictEntry;
struct DictEntry {
  int flags;                    /* DICT_FIX or 0 */
  const char *zKey;             /* == the looked-up bytes */
  int nKeep;                    /* the term is zKey[0..nKeep) + zAdd */
  const char *zAdd;
  int nAdd;
};

/* The generated tables (in $(BUILD)/gen/swedish_dict.c). */
extern const SwedishDict swedish_dict;

/*
** The word list: dict_hash() of every form hunspell-sv accepts as a word
** of its own (folded; not its compounds), sorted, without repeats. A
** 32-bit hash of each form: see swedish_is_word() (swedish.h).
*/
extern const uint32_t *const swedish_words;
extern const uint32_t swedish_nwords;

#define DICT_HASH_INIT 2166136261u

/* One step of the hash: byte c put in front of what h has hashed. */
static inline uint32_t dict_hash_step(uint32_t h, char c){
  return (h ^ (unsigned char)c) * 16777619u;
}

/*
** FNV-1a over the n bytes at z taken from the last to the first, the hash
** both the generator and lookups use. Backwards, so that the hashes of all
** the substrings ending at one place (the candidate parts of a compound)
** cost one step each: see dict_hash_step().
*/
static inline uint32_t dict_hash(const char *z, int n){
  uint32_t h = DICT_HASH_INIT;
  int i;
  for(i=n-1; i>=0; i--) h = dict_hash_step(h, z[i]);
  return h;
}

/*
** The filter of a key with hash h: a blocked Bloom filter, 4 bits in one
** 64-bit word, so a test is one load. Against one bit per key it passes
** a thirteenth as many substrings that are not keys (over the benchmark's
** words, 6,000 of 1.65 M tests instead of 74,000), each of which would
** cost two dependent loads from the tables, mostly cache misses.
*/
static inline uint32_t dict_bloom_word(uint32_t h){
  return (h * 0x9E3779B1u) >> (32 - (DICT_BLOOM_BITS - 6));
}
static inline uint64_t dict_bloom_mask(uint32_t h){
  uint32_t g = h * 0x85EBCA6Bu;
  return ((uint64_t)1 << (g>>26)) | ((uint64_t)1 << ((g>>20) & 63))
       | ((uint64_t)1 << ((g>>14) & 63)) | ((uint64_t)1 << ((g>>8) & 63));
}

/*
** 0 if no key with hash h is in table eTab; 1 if one may be. Inline: the
** splitter asks this for every substring it considers.
*/
static inline int dict_may_have(enum dict_table eTab, uint32_t h){
  uint64_t m = dict_bloom_mask(h);
  return (swedish_dict.aTab[eTab].aBloom[dict_bloom_word(h)] & m)==m;
}

/*
** Look the n bytes at z up in table eTab of swedish_dict. Returns 1 and
** fills *pOut if found (pointers into static data), else 0. Thread safe.
*/
int dict_lookup(enum dict_table eTab, const char *z, int n, DictEntry *pOut);

/* dict_lookup() with h == dict_hash(z, n) already computed. */
int dict_lookup_hashed(enum dict_table eTab, const char *z, int n, uint32_t h,
                       DictEntry *pOut);

#endif /* DICT_H */
