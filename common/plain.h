/*
** plain.h: the plain form of a vocab word, a contract between the programs.
**
** The indexer stores it in vocab.plain (common/db.h) and searchd's
** spelling correction looks words up by it (searchd/box/correct.c), so
** both call this one function: a change here changes what old indexes
** hold, and needs a new analysis version (stemming/swedish.h) or a
** re-index. tests/unit/check_plain.c pins it.
**
** The input is a word as vocab.word holds it (unicode61 folded, lower
** case, å ä ö é ü kept). Its plain form has å ä -> a, ö -> o, é -> e,
** ü -> u (two bytes of UTF-8 to one ASCII byte); every other byte is kept
** as it is, so the plain form is never longer than the word.
*/
#ifndef COMMON_PLAIN_H
#define COMMON_PLAIN_H

#include <stddef.h>

/*
** Write the plain form of the n bytes at z to zOut, which has room for
** n + 1 bytes, and a NUL after it. Returns its length (at most n). Pure;
** thread safe.
*/
size_t plain_form(const char *z, size_t n, char *zOut);

#endif /* COMMON_PLAIN_H */
