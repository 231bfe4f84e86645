/*
** fold.h: user text folded the way the vocab table's words are.
**
** vocab.word (common/db.h) holds surface words as FTS5's unicode61
** tokenizer folds them with remove_diacritics 0: lower case (Å Ä Ö too),
** å ä ö é ü kept. A struct fold is one such unicode61 instance, taken from
** a connection's fts5_api, so search-box input is split and folded by the
** same code that folded the reports. vocab.plain is the folded word with
** å ä→a, ö→o, é→e, ü→u; fold_plain() makes it.
**
** A struct fold is not thread safe: one per worker (like its connection).
*/
#ifndef SEARCHD_FOLD_H
#define SEARCHD_FOLD_H

#include <sqlite3.h>

struct fold;

/*
** Create a folding tokenizer through db's FTS5. Returns SQLITE_OK and sets
** *ppOut (free with fold_free), or an SQLite code with *ppOut NULL. db must
** outlive the object.
*/
int fold_new(sqlite3 *db, struct fold **ppOut);

/* Free a fold object. Accepts NULL. */
void fold_free(struct fold *p);

/*
** Token callback: zTok[0..nTok) is the folded token (valid during the call
** only), [iStart, iEnd) its bytes in the input. Return SQLITE_OK to go on,
** SQLITE_DONE to stop early, anything else to fail.
*/
typedef int (*fold_token_fn)(void *pCtx, const char *zTok, int nTok,
                             int iStart, int iEnd);

/*
** Split and fold z[0..n) (any bytes) and call xToken for each token.
** Returns SQLITE_OK (also when xToken stopped with SQLITE_DONE) or the
** first error.
*/
int fold_tokens(struct fold *p, const char *z, int n, void *pCtx,
                fold_token_fn xToken);

/*
** query_token_fn (query.h) with pArg a struct fold: does z[0..n) hold a
** word as the index's own segmentation (unicode61, which the swedish
** tokenizer wraps) sees it? 1 also when it cannot tell.
*/
int fold_has_token(void *pArg, const char *z, int n);

/*
** Fold z[0..n) expecting one word: on success *pzOut is a new string
** (sqlite3_free) with the folded word, or NULL if the text is not exactly
** one token (empty, or several words: "covid-19"). Returns an SQLite code.
*/
int fold_word(struct fold *p, const char *z, int n, char **pzOut);

/*
** The plain form of the folded word z[0..n): å ä→a, ö→o, é→e, ü→u, every
** other byte kept. *pzOut is a new string (sqlite3_free). Returns
** SQLITE_OK or SQLITE_NOMEM. Pure; thread safe.
*/
int fold_plain(const char *z, int n, char **pzOut);

#endif /* SEARCHD_FOLD_H */
