/*
** hash.h: FNV-1a, 64 bits, the one string hash of indexer and searchd.
**
** For in-memory hash tables and quick equality checks (words, cache keys,
** source names, stems), and for the series tags and assignment ids the
** indexer stores (common/db.h): those are public, so the function never
** changes without a new schema version. FNV-1a is simple and good enough on short keys;
** it is not keyed, so a table that holds keys an attacker chooses must
** bound its probe lengths or its size by other means. Inline: the rank
** and vocab loops call it once per token. Pure; thread safe.
**
** stemming/dict.h keeps its own 32-bit step, hashing a word from its last
** byte to its first so that all the suffixes ending at one place cost one
** step each, and stemming/ depends on nothing of common/.
*/
#ifndef COMMON_HASH_H
#define COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV1A_INIT  0xcbf29ce484222325ULL    /* offset basis */
#define HASH_FNV1A_PRIME 0x100000001b3ULL

/* Continue the hash h (HASH_FNV1A_INIT to start) over p[0..n). */
static inline uint64_t hash_fnv1a_more(uint64_t h, const void *p, size_t n){
  const unsigned char *z = (const unsigned char*)p;
  size_t i;
  for(i=0; i<n; i++){
    h ^= z[i];
    h *= HASH_FNV1A_PRIME;
  }
  return h;
}

/* The hash of the n bytes at p. */
static inline uint64_t hash_fnv1a(const void *p, size_t n){
  return hash_fnv1a_more(HASH_FNV1A_INIT, p, n);
}

/* The hash of the NUL-terminated string z (its bytes, without the NUL). */
static inline uint64_t hash_fnv1a_str(const char *z){
  uint64_t h = HASH_FNV1A_INIT;
  for(; *z; z++){
    h ^= (unsigned char)*z;
    h *= HASH_FNV1A_PRIME;
  }
  return h;
}

#endif /* COMMON_HASH_H */
