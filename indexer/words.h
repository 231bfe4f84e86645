/*
** words.h: where the words of cleaned report text are, for the status
** rules (status.c) and assignment normalisation (assign.c).
**
** A word is a run of letters and digits: ASCII letters and digits, and
** every non-ASCII character except the Latin-1 signs and punctuation
** (U+0080-U+00BF, × and ÷) and the general punctuation, arrows and
** symbols blocks (U+2000-U+2BFF, U+3000-U+303F: the en dash, quotes,
** bullets). So "vård–omsorg" is two words, "läkemedelsgenomgång" one, and
** "covid-19" two ("covid", "19").
*/
#ifndef WORDS_H
#define WORDS_H

#include <stddef.h>

/*
** The byte length of the UTF-8 character at z[i] of z[0..n) (i<n): 1 to
** 4 (common/utf8.h's utf8_len), and 1 for a byte that starts no valid
** character. Thread safe.
*/
size_t words_char_len(const char *z, size_t i, size_t n);

/* Is the character of len bytes at z a letter or digit (above)? */
int words_is_char(const char *z, size_t len);

/*
** Find the next word of z[0..n) at or after *pi: returns 1 and sets
** *piStart and *pi to its start and end, or returns 0 (and sets *pi to
** n) when there is none. Thread safe.
*/
int words_next(const char *z, size_t n, size_t *pi, size_t *piStart);

#endif /* WORDS_H */
