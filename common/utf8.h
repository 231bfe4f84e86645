/*
** utf8.h: UTF-8 validation and counting, written once for indexer and
** searchd.
**
** Valid means what RFC 3629 allows: no overlong forms, no UTF-16 surrogates
** (U+D800..U+DFFF), nothing beyond U+10FFFF, no stray continuation bytes,
** no sequence cut short. NUL is a valid one-byte character here; callers
** that refuse it check for it themselves. Pure functions; thread safe.
*/
#ifndef COMMON_UTF8_H
#define COMMON_UTF8_H

#include <stddef.h>

/*
** Length (1 to 4) of the valid UTF-8 sequence that starts at z, looking at
** no more than the n bytes z[0..n), or 0 if the bytes there are not one.
** n must be > 0.
*/
int utf8_len(const unsigned char *z, size_t n);

/* 1 if z[0..n) is valid UTF-8 as a whole (n may be 0), else 0. */
int utf8_valid(const char *z, size_t n);

/*
** Number of characters in z[0..n): the bytes that are not continuation
** bytes (10xxxxxx). Exact for valid UTF-8; for other bytes, a count that
** never exceeds n.
*/
size_t utf8_chars(const char *z, size_t n);

#endif /* COMMON_UTF8_H */
