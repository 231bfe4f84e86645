/*
** correct.h: forgiving words, corrected from the index's own vocabulary.
**
** When a query word finds no row, correct_word() proposes one word of the
** vocab table (common/db.h), or one compound part of its words (parts.h:
** mammografi, seen only in mammografivagnar), to search instead:
**
**   1. the word with diacritics restored: vocab.plain, else a part's plain
**      form, equals the word's plain form (lakemedelsgenomgang ->
**      läkemedelsgenomgång, lakemedel -> läkemedel); the most frequent
**      such vocab word, else part, wins;
**   2. else the closest vocab word or part within Damerau-Levenshtein
**      distance 1 (words of 4 to 7 letters) or 2 (8 letters or more),
**      compared on plain forms, nearest first and then most documents
**      (mamografi -> mammografi). Candidates come from the lexicon
**      (lexicon.h: the plain forms of vocab words and parts in memory,
**      walked as a trie), restricted to the same first letter, so a typo
**      in the first letter is not corrected.
**   3. else the word as a one-letter first part, a hyphen and the rest
**      (ehalsa -> e-hälsa), corrected as a hyphenated compound is, but
**      by step 1 only.
**
** A hyphenated compound (e-halsa: one term of several words) is corrected
** piece by piece: each piece that finds no row alone gets its correction
** by steps 1 and 2, and the pieces joined by hyphens are offered only if
** they find a row as a phrase (e-hälsa).
**
** A word that finds a row is never corrected. Words with digits, of fewer
** than 2 letters (4 for typos) or more than CORRECT_MAX_CHARS are left
** alone (as pieces of a hyphenated compound too: covid-19). A correctly
** spelled word that finds nothing (correct_is_known(): lag, våra) is not
** searched as its correction: the module offers the correction as a
** suggestion only (QUERY_ALT_SUGGESTION).
**
** The lexicon (with the parts) comes from a share (lexicon.h): by default
** one of the corrector's own over its connection, made at the first
** correct_word() that needs it and again after the index changed (PRAGMA
** data_version); searchd gives every corrector the process's share
** (correct_set_share()), made once at start-up.
**
** A struct correct holds prepared statements and a folding tokenizer on
** one connection: one per worker, not thread safe.
*/
#ifndef SEARCHD_CORRECT_H
#define SEARCHD_CORRECT_H

#include <sqlite3.h>

#include "box/lexicon.h"

#define CORRECT_MAX_CHARS LEXICON_MAX_CHARS

struct correct;

/*
** Prepare a corrector on db (an index opened with db_open). Returns
** SQLITE_OK and sets *ppOut (free with correct_free), or an SQLite code
** with *ppOut NULL (e.g. SQLITE_ERROR when db has no vocab table).
*/
int correct_new(sqlite3 *db, struct correct **ppOut);

/*
** Take the lexicon from pShare (not owned: it must outlive p; any thread
** may share it) instead of the corrector's own share over its connection.
*/
void correct_set_share(struct correct *p, struct lexicon_share *pShare);

/* Free a corrector. Accepts NULL. */
void correct_free(struct correct *p);

/*
** Does the FTS5 expression zMatch find at least one row? Sets *pbFound.
** Returns SQLITE_OK or an SQLite code (SQLITE_INTERRUPT past a time limit).
*/
int correct_found(struct correct *p, const char *zMatch, int *pbFound);

/*
** Propose a correction for the word z[0..n) as typed. Does not check that
** the word finds nothing: the caller does (correct_found), because the
** word's synonyms count too. On success returns SQLITE_OK and sets *pzTo
** to the vocab word, part or hyphenated compound (a new string,
** sqlite3_free) or NULL when there is no proposal. Returns an SQLite
** code on failure, *pzTo NULL.
*/
int correct_word(struct correct *p, const char *z, int n, char **pzTo);

/*
** Is the word z[0..n) as typed a correctly spelled Swedish word: is its
** folded form in hunspell-sv's word list (swedish_is_word())? Sets
** *pbKnown to 1 or 0 (0 also for text that is not one word). Returns
** SQLITE_OK or an SQLite code.
*/
int correct_is_known(struct correct *p, const char *z, int n, int *pbKnown);

/*
** Damerau-Levenshtein distance (optimal string alignment) between the
** UTF-8 strings a[0..na) and b[0..nb), counted in code points; any value
** above nMax is returned as nMax+1 (the computation stops early). Strings
** longer than CORRECT_MAX_CHARS code points give nMax+1. Pure.
*/
int correct_distance(const char *a, int na, const char *b, int nb, int nMax);

/* --- the "correct" extension module (ext.h) ----------------------------- */

struct conf;
struct query_term;

/* xOpen: a struct correct on the worker's db, with conf->pLexicon's
** lexicon if set; 0, or -1 after logging. */
int correct_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                        void **ppState, char **pzErr);

/* xClose. Accepts NULL. */
void correct_module_close(void *pState);

/*
** xExpand (query.h), after the synonyms module: a WORD term whose
** alternatives together find no row gets correct_word()'s proposal as a
** QUERY_ALT_CORRECTION alternative (searched, reported as "corrected" by
** /search), or, when the word is a correctly spelled one
** (correct_is_known()), as a QUERY_ALT_SUGGESTION (not searched, reported
** as "suggested").
** A failed lookup (a time limit, say) only means no correction. Returns
** QUERY_OK or QUERY_ENOMEM.
*/
int correct_module_expand(void *pState, struct query_term *pTerm);

#endif /* SEARCHD_CORRECT_H */
