/*
** swedish.h: the Swedish text analysis shared by indexer and searchd.
**
** The analysis is an FTS5 tokenizer named "swedish". It decorates FTS5's
** built-in "unicode61" tokenizer (remove_diacritics 0: å ä ö é ü stay
** distinct letters, case is folded) and turns each token into a term:
**
**   - stemmed with Snowball Swedish (libstemmer), after a small table of
**     domain exceptions that Snowball gets wrong;
**   - at index time (FTS5_TOKENIZE_DOCUMENT) a compound word is followed
**     by its stemmed parts as FTS5_TOKEN_COLOCATED tokens
**     (mammografiverksamheten: mammografiverksam, +mammografi, +verksam),
**     so a search for a part finds the compound; a coordinated compound
**     gets its completed form colocated with the hanging word ("barn- och
**     ungdomspsykiatri": barn, +barnpsykiatri, ...). At query time
**     (FTS5_TOKENIZE_QUERY) and aux time (FTS5_TOKENIZE_AUX: highlight,
**     snippet, ranking functions, which all skip colocated tokens) only
**     the whole word's term is made: exactly the non-colocated tokens of
**     DOCUMENT, with the same offsets, in the same order;
**   - ranking tells a whole-word match from a part match by re-tokenizing
**     a row with the aux xTokenize: every token is a whole word (its
**     [iStart,iEnd) is the word's surface text, see swedish_fold()); a row
**     MATCH found whose whole words do not hold the query term matched it
**     through a part. No marker terms are stored. See stemming/README.md;
**   - stop words are kept in the index (phrase queries need them); the
**     query side decides whether to drop them with swedish_is_stopword().
**
** Nothing here keeps global mutable state. Each tokenizer instance owns its
** own stemmer, so a tokenizer instance must be used by one thread at a time
** (as SQLite does with the connection that created it).
*/
#ifndef SWEDISH_H
#define SWEDISH_H

#include <sqlite3.h>

/*
** The analysis version. Every index records it (see common/db.h); an index
** made with another version is refused, because its terms would not match
** the terms this code makes of a query. Bump SWEDISH_ANALYSIS_REVISION on
** any change that alters the terms produced for some input. The full
** version string also names the libstemmer release it was built against,
** since a new Snowball release can change stems.
*/
#define SWEDISH_ANALYSIS_REVISION 4
#define SWEDISH_LIBSTEMMER_VERSION "2.2.0"

/*
** The name the tokenizer is registered under.
*/
#define SWEDISH_TOKENIZER_NAME "swedish"

/*
** Return the analysis version string, e.g. "swedish-4/libstemmer-2.2.0".
** The returned string is static; never NULL.
*/
const char *swedish_analysis_version(void);

/*
** Register the "swedish" tokenizer with database connection db, through
** fts5_api.xCreateTokenizer. Must be called once per connection before any
** FTS5 table with tokenize='swedish' is used.
**
** Returns SQLITE_OK, or an SQLite error code (SQLITE_ERROR when FTS5 is not
** available in this SQLite build). Thread safety: as the connection.
*/
int swedish_register(sqlite3 *db);

/*
** Fetch db's fts5_api pointer into *ppApi, the way fts5.h documents it
** (SELECT fts5(?1) with a bound pointer), for callers that find FTS5
** tokenizers or register auxiliary functions. Returns SQLITE_OK, or an
** SQLite code with *ppApi NULL (SQLITE_ERROR when FTS5 is not available).
** The pointer is valid as long as db is open.
*/
int swedish_fts5_api(sqlite3 *db, fts5_api **ppApi);

/*
** Create, for db's FTS5, the tokenizer the swedish tokenizer splits text
** with (its parent: unicode61 with the same arguments), for a caller that
** needs only where the words are: its tokens are one to one the tokens of
** the swedish tokenizer in FTS5_TOKENIZE_QUERY and FTS5_TOKENIZE_AUX mode
** (the non-colocated tokens of DOCUMENT), in the same order with the same
** byte ranges, folded but not stemmed, so the n-th is the word at position
** n. On success returns SQLITE_OK with *pMod its methods and *ppOut the
** instance (free it with pMod->xDelete); on failure an SQLite code with
** *ppOut NULL. Thread safety: as the tokenizer's, one thread at a time.
*/
int swedish_split_new(sqlite3 *db, fts5_tokenizer *pMod,
                      Fts5Tokenizer **ppOut);

/*
** Return 1 if the n bytes at z, as written (any case), are a Swedish stop
** word of the Snowball stop-word list, else 0. The test is on the surface
** form, not the stem: "nära" is not a stop word although it stems to "när",
** which is. Thread safe; z need not be NUL-terminated.
*/
int swedish_is_stopword(const char *z, int n);

/*
** Fold the n bytes at z to lower case the way unicode61 folds Swedish text
** (A-Z and the Latin-1 capitals À-Þ such as Å Ä Ö É Ü; å ä ö keep their
** dots), into zOut, which has room for nOut bytes; other bytes are copied.
** For an exact-word check in ranking: fold a row's surface word (from the
** aux token's [iStart,iEnd)) and the query's word, then compare them.
** Returns the number of bytes written (n), or -1 if nOut < n. No NUL is
** added. Thread safe.
*/
int swedish_fold(const char *z, int n, char *zOut, int nOut);

/*
** Return 1 if the n bytes at z, a word folded as unicode61 folds it (lower
** case, å ä ö kept), are a correctly spelled Swedish word: a form in
** hunspell-sv's word list (the dictionary the build reads; its words and
** their inflected forms, names too; not the compounds it would accept).
** Else 0. A test of a 32-bit hash: about one word in 5,000 that is not in
** the list passes (see stemming/README.md). Thread safe; z need not be
** NUL-terminated.
*/
int swedish_is_word(const char *z, int n);

#endif /* SWEDISH_H */
