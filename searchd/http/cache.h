/*
** cache.h: a small LRU map from string keys to byte strings.
**
** Holds at most nMax entries; putting one more evicts the least recently
** used. One per worker thread: not thread safe, and no locking needed.
** A NULL cache (nMax 0) is valid everywhere and never holds anything.
*/
#ifndef SEARCHD_CACHE_H
#define SEARCHD_CACHE_H

#include <stddef.h>

struct cache;

/*
** Create a cache of at most nMax entries. nMax 0 gives *ppOut NULL (the
** cache is off) and returns 0. Returns 0, or -1 on out-of-memory with
** *ppOut NULL.
*/
int cache_new(long nMax, struct cache **ppOut);

/* Free the cache and every entry. Accepts NULL. */
void cache_free(struct cache *p);

/*
** Look zKey up. Returns the value (owned by the cache, valid until the next
** cache_put/cache_clear/cache_free) and sets *pn to its length, or NULL.
** A hit becomes the most recently used entry.
*/
const char *cache_get(struct cache *p, const char *zKey, size_t *pn);

/*
** Store a copy of z[0..n) under a copy of zKey, replacing any entry with
** that key (z may be NULL when n is 0). Returns 0, or -1 on out-of-memory
** (the cache is unchanged).
*/
int cache_put(struct cache *p, const char *zKey, const char *z, size_t n);

/* Drop every entry. */
void cache_clear(struct cache *p);

/* Number of entries. */
long cache_count(const struct cache *p);

#endif /* SEARCHD_CACHE_H */
