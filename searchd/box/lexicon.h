/*
** lexicon.h: the corrector's candidate words in memory, searched by edit
** distance as a trie is, and shared by every connection of the process.
**
** Why: correct.c's typo step compared a word with every vocab word of the
** same first letter (a range scan of the vocab_plain index, thousands of
** rows, a Damerau-Levenshtein matrix each): at 1.25 million rows (116,000
** vocab words) a query that found nothing spent 2 to 10 ms there. And the
** compound parts (parts.h) were made per connection at its first
** correction, a wait of 0.2 to 0.6 s for the user whose misspelling came
** first, on every thread.
**
** A struct lexicon holds the plain forms (plain_form()) of the vocab words
** that may be offered (docs > 0, no stop word, at most LEXICON_MAX_CHARS
** letters), each with the most docs of its words, and those of the parts,
** each with its docs, sorted by plain form and front coded (each entry
** keeps only what differs from the one before it, so the list is a trie
** flattened in order). lexicon_near() walks it once, keeping one row of
** the distance matrix per letter of the current entry: the rows of the
** prefix an entry shares with the one before it are reused, and every
** entry that extends a prefix already farther than the limit is skipped
** without a row computed (the rows never get smaller as a prefix grows).
** The words themselves stay in the vocab table: correct.c looks the chosen
** plain form up there (one index probe), and a part's word up in the
** parts (lexicon_parts()).
**
** A lexicon is immutable once made and reference counted: any thread may
** read one it holds a reference to. A struct lexicon_share keeps the
** newest one made from a connection, and makes it again when the index
** has changed (PRAGMA data_version of that connection), under a mutex:
** searchd makes one share at start-up on a connection of its own and
** starts building its lexicon there on a thread while it loads the rest
** (lexicon_share_start()); every worker and search thread then reads the
** same one.
*/
#ifndef SEARCHD_LEXICON_H
#define SEARCHD_LEXICON_H

#include <stddef.h>

#include <sqlite3.h>

/* Longest word, in code points, that is corrected or offered. */
#define LEXICON_MAX_CHARS 48

struct lexicon;
struct lexicon_share;
struct parts;

/* The nearest entry lexicon_near() found. */
struct lexicon_hit {
  int dist;                       /* its distance; nMax+1: none found */
  int bPart;                      /* 1: a part (lexicon_parts()), 0: vocab */
  sqlite3_int64 nDocs;            /* the docs it was chosen by */
  char zPlain[4*LEXICON_MAX_CHARS + 1];   /* its plain form */
};

/*
** Decode UTF-8 z[0..n) into at most nMax code points at a; returns their
** number, or -1 if there are more. Invalid bytes count as one code point
** each (they compare unequal to any letter, which is all distances need);
** a code point is kept as its bytes, so code points compare as the bytes
** do. If aOff is not NULL, aOff[i] is where code point i starts and
** aOff[k] is n (room for nMax+1). Pure.
*/
int lexicon_decode(const char *z, int n, unsigned *a, int *aOff, int nMax);

/*
** Make the lexicon of db's vocab table (an index opened with db_open()),
** its parts included (parts_new()). Returns SQLITE_OK and sets *ppOut
** (one reference: lexicon_free()), or an SQLite code with *ppOut NULL.
*/
int lexicon_new(sqlite3 *db, struct lexicon **ppOut);

/* Another reference to p (not NULL); thread safe. Returns p. */
struct lexicon *lexicon_ref(struct lexicon *p);

/* Drop a reference; the last one frees. Accepts NULL. Thread safe. */
void lexicon_free(struct lexicon *p);

/* The compound parts it was made with; owned by p. */
const struct parts *lexicon_parts(const struct lexicon *p);

/* Entries (plain forms of vocab words and of parts). */
int lexicon_count(const struct lexicon *p);

/* Bytes of memory it holds, its parts included. */
size_t lexicon_bytes(const struct lexicon *p);

/*
** The entry nearest the plain form zPlain by Damerau-Levenshtein distance
** (optimal string alignment, on code points, as correct_distance()),
** among those with the same first letter, at a distance of 1 to nMax (an
** entry equal to zPlain is never offered): nearest first, then most docs,
** then a vocab word before a part, then the first in plain form order.
** Sets *pHit (pHit->dist is nMax+1 when none is near). Pure; thread safe.
*/
void lexicon_near(const struct lexicon *p, const char *zPlain, int nMax,
                  struct lexicon_hit *pHit);

/*
** A share over db. bOwn: the share closes db when freed (and is the only
** user of db: any thread may then call lexicon_share_get()); else db stays
** the caller's, and the share is used on db's thread only. Builds nothing
** yet. Returns SQLITE_OK and sets *ppOut, or SQLITE_NOMEM with *ppOut NULL
** (db then not closed).
*/
int lexicon_share_new(sqlite3 *db, int bOwn, struct lexicon_share **ppOut);

/*
** Make the share's lexicon now, on a thread of its own (a share that owns
** its connection only), which logs its size and time when done: a
** lexicon_share_get() meanwhile waits for it. Returns SQLITE_OK, or an
** SQLite code if no thread was started (the first get then makes it).
*/
int lexicon_share_start(struct lexicon_share *p);

/* Wait until lexicon_share_start()'s thread, if any, has finished. Only
** the thread that started it calls this. */
void lexicon_share_wait(struct lexicon_share *p);

/* Free a share, after its lexicon_share_start() thread has finished (its
** lexicon lives on while referenced). Accepts NULL. */
void lexicon_share_free(struct lexicon_share *p);

/*
** The share's lexicon, made now if there is none yet or the index
** changed since it was made. Sets *ppLex to a new reference
** (lexicon_free()) and returns SQLITE_OK; on an error (the build failed)
** returns its code with *ppLex NULL. Thread safe (a mutex; a build holds
** it, so other callers wait for the new lexicon).
*/
int lexicon_share_get(struct lexicon_share *p, struct lexicon **ppLex);

#endif /* SEARCHD_LEXICON_H */
