/*
** parts.h: the compound parts of an index's vocabulary, for the corrector.
**
** vocab (common/db.h) holds whole surface words only, so a word that
** occurs only inside compounds (mammografi in mammografivagnar and
** mammografiverksamheten) is no vocab word, and a typo of it
** (mamografi) had nothing to be corrected to. A struct parts is the set of
** such parts: every vocab word is run through the swedish tokenizer in
** FTS5_TOKENIZE_DOCUMENT mode, as the indexer runs it, and each colocated
** term that is a Swedish word of its own (swedish_is_word(): mammografi,
** läkemedel, försörjning; not stems such as kompet or häls, which no one
** types) and not a stop word is kept, with the sum of the docs of the
** words it is a part of. Searching a part finds its compounds, because the
** index holds it colocated with them.
**
** Built from the vocab table in one pass (words of at least 7 bytes, the
** shortest that split), the words handed to the tokenizer many to a call,
** on one connection; once made it is only read, by any thread (a lexicon,
** lexicon.h, holds it).
*/
#ifndef SEARCHD_PARTS_H
#define SEARCHD_PARTS_H

#include <stddef.h>

#include <sqlite3.h>

struct parts;

/*
** Build the parts of db's vocab table (an index opened with db_open()).
** Returns SQLITE_OK and sets *ppOut (free with parts_free), or an SQLite
** code with *ppOut NULL (SQLITE_ERROR without a vocab table).
*/
int parts_new(sqlite3 *db, struct parts **ppOut);

/* Free a parts object. Accepts NULL. */
void parts_free(struct parts *p);

/* Bytes of memory p holds. */
size_t parts_bytes(const struct parts *p);

/* The number of parts. */
int parts_count(const struct parts *p);

/*
** Part i (0 <= i < parts_count()) in the order of their plain forms
** (plain_form(), then most docs first, then the word): its word, plain
** form and docs. The strings are owned by p and valid until parts_free().
*/
void parts_get(const struct parts *p, int i, const char **pzWord,
               const char **pzPlain, sqlite3_int64 *pnDocs);

/*
** The index of the first part whose plain form is not below zPlain (in
** strcmp order), parts_count() if none.
*/
int parts_lower_bound(const struct parts *p, const char *zPlain);

#endif /* SEARCHD_PARTS_H */
