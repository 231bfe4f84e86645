/*
** vocab.h: keep the table vocab(word, plain, docs) in step with the rows.
**
** vocab holds the surface words of every assignment row (assignment,
** source and status), as FTS5's unicode61 tokenizer with remove_diacritics 0
** folds them (lower case, å ä ö kept), the word with å ä -> a, ö -> o,
** é -> e, ü -> u in `plain`, and in `docs` the number of rows holding the
** word. Searchd reads it for suggestions and spelling correction.
**
** Left out: pure numbers (ASCII digits only), words of one character, and
** tokens longer than VOCAB_MAX_BYTES bytes (never useful completions).
**
** A vocab object collects per-word row-count changes in memory (+1 per row
** added, -1 per row removed, each word counted once per row) and writes
** them with one statement per distinct word in vocab_flush(), which the
** caller runs inside the transaction that changed the rows: the table is
** always exactly as counted from the assignments table.
*/
#ifndef VOCAB_H
#define VOCAB_H

#include <stddef.h>

#include <sqlite3.h>

#define VOCAB_MAX_BYTES 40

struct vocab;

/*
** Make a vocab object for db (which must have the schema of common/db.h):
** finds the unicode61 tokenizer through fts5_api.xFindTokenizer and
** prepares the statements. Returns SQLITE_OK and sets *ppVocab, or an
** SQLite code with *ppVocab NULL. The object must be closed before db;
** use it from one thread at a time.
*/
int vocab_open(sqlite3 *db, struct vocab **ppVocab);

/*
** A counter: like vocab_open() but without statements (no flush), for a
** thread other than db's to count words with; its counts go to a full
** vocab object through vocab_take() and vocab_merge(). The tokenizer is
** found through db (on db's thread); the counter itself needs nothing of
** db afterwards, and must be used from one thread at a time.
*/
int vocab_open_counter(sqlite3 *db, struct vocab **ppVocab);

/* Word counts taken out of a vocab object (opaque). */
struct vocab_counts;

/*
** Move p's pending counts into a new vocab_counts (*ppCounts, free with
** vocab_counts_free), compacted to the words held (vocab_counts_bytes()
** tells how much memory that is); p is left empty. Returns SQLITE_OK or SQLITE_NOMEM
** (the counts are then dropped and *ppCounts is NULL).
*/
int vocab_take(struct vocab *p, struct vocab_counts **ppCounts);

/* Add the counts pC to p's pending changes. SQLITE_OK or SQLITE_NOMEM. */
int vocab_merge(struct vocab *p, const struct vocab_counts *pC);

/* Bytes of memory the counts hold (0 for NULL). */
size_t vocab_counts_bytes(const struct vocab_counts *pC);

/* Free counts from vocab_take(). Accepts NULL. */
void vocab_counts_free(struct vocab_counts *pC);

/*
** Count the words of one row, made of nField texts azField[i] of anField[i]
** bytes: each distinct word gets iSign (+1 for a row added, -1 for a row
** removed). Returns SQLITE_OK or SQLITE_NOMEM (or a tokenizer error).
*/
int vocab_add_row(struct vocab *p, const char *const *azField,
                  const size_t *anField, int nField, int iSign);

/*
** Write the collected changes to table vocab (insert new words, add to or
** subtract from counts, delete words whose count reaches 0), then forget
** them. Call inside the caller's write transaction. Returns an SQLite code;
** on error the changes are forgotten too (the caller rolls back).
*/
int vocab_flush(struct vocab *p);

/* Forget the collected changes without writing them (after a rollback). */
void vocab_reset(struct vocab *p);

/* Number of distinct words with a pending change. */
size_t vocab_pending(const struct vocab *p);

/* Free the object and its statements and tokenizer. Accepts NULL. */
void vocab_close(struct vocab *p);

#endif /* VOCAB_H */
