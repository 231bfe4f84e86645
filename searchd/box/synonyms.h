/*
** synonyms.h: equivalence sets of words and phrases, applied at query time.
**
** The file (searchd/synonyms.txt is the default) is UTF-8 text:
**
**   # a comment runs from '#' to the end of the line
**   suicid, självmord
**   IVA, intensivvård
**   BUP, barn- och ungdomspsykiatri
**
** One set per line, members separated by commas, blanks around members
** ignored, at least two members per set, a member may be several words (a
** phrase). Case does not matter. Members are compared on their terms as the
** "swedish" tokenizer makes them (folded and stemmed), so "självmordet" in
** a query meets the set of "självmord". A term may belong to one set only.
** Limits: SYNONYMS_MAX_FILE bytes, SYNONYMS_MAX_WORDS words per member.
**
** A loaded table (struct synonyms) is immutable and so may be read by any
** number of threads at once. In searchd each worker loads its own copy
** when it opens its modules (at start and after SIGHUP, see ext.h), so the
** query path takes no lock and a reload needs no re-index.
*/
#ifndef SYNONYMS_H
#define SYNONYMS_H

#include <sqlite3.h>

#define SYNONYMS_MAX_FILE  (1024*1024)
#define SYNONYMS_MAX_WORDS 8

struct synonyms;

/*
** What synonyms_match() found: the query's first nUsed words form a member
** of a set, and azAlt[0..nAlt) are the set's other members as written in
** the file (each a word or a phrase). azAlt and its strings belong to the
** table and live as long as it does.
*/
struct synonyms_hit {
  int nUsed;
  int nAlt;
  const char *const *azAlt;
};

/*
** Read and compile the file at zPath. On success returns SQLITE_OK and sets
** *ppOut (free with synonyms_free). On failure returns an SQLite code
** (SQLITE_CANTOPEN, SQLITE_TOOBIG, SQLITE_FORMAT for a bad line,
** SQLITE_NOMEM), sets *ppOut to NULL and *pzErr (if not NULL) to a message
** naming the file and line, which the caller frees with sqlite3_free().
** A NULL zPath gives an empty table. Thread safe.
*/
int synonyms_load(const char *zPath, struct synonyms **ppOut, char **pzErr);

/*
** Tables are reference counted, so a worker reloading a broken file can
** keep the table it had: synonyms_ref() adds an owner and returns p (NULL
** for NULL); synonyms_free() drops one and frees the table with the last.
** Both accept NULL and are thread safe.
*/
struct synonyms *synonyms_ref(struct synonyms *p);
void synonyms_free(struct synonyms *p);

/* The number of sets in the table (0 for NULL). */
int synonyms_count(const struct synonyms *p);

/*
** A "swedish" tokenizer instance of connection db (any connection with the
** tokenizer registered), for synonyms_match(). Returns SQLITE_OK and sets
** *ppOut (free with synonyms_stemmer_free before closing db), or an SQLite
** code with *ppOut NULL. Not thread safe: one per thread, like db.
*/
struct synonyms_stemmer;
int synonyms_stemmer_new(sqlite3 *db, struct synonyms_stemmer **ppOut);
void synonyms_stemmer_free(struct synonyms_stemmer *pStem);

/*
** The terms FTS5 searches for the text z[0..n) (the tokenizer's query
** mode: folded, stemmed; compound parts left out), space separated, into
** *pzOut (sqlite3_free it; NULL when z holds no term). Two words with the
** same terms find the same rows (vård, vården). Returns an SQLite code,
** *pzOut NULL on failure.
*/
int synonyms_stem(struct synonyms_stemmer *pStem, const char *z, int n,
                  char **pzOut);

/*
** Look for the longest member of a set that the words azWord[0..nWord)
** (anWord[i] bytes each, user text as typed) begin with. The words are
** tokenized with pStem, so inflections match. On a match sets *pHit and
** returns SQLITE_OK; with no match pHit->nUsed is 0. Returns an SQLite code
** on failure (e.g. SQLITE_NOMEM). p may be NULL (no match). Thread safety:
** p may be shared; pStem is the caller's.
*/
int synonyms_match(const struct synonyms *p, struct synonyms_stemmer *pStem,
                   const char *const *azWord, const int *anWord, int nWord,
                   struct synonyms_hit *pHit);

/* --- the "synonyms" extension module (ext.h) --------------------------- */

struct conf;
struct query_term;

/*
** xOpen (ext.h): load conf->zSynonyms (NULL: the shipped synonyms.txt
** found by datadir_find(), none if it is not there; "": none) for one
** worker, which applies it with db's tokenizer. A worker
** opens its modules again on SIGHUP, so an edited file applies without a
** restart or re-index.
** Returns EXT_OK, or EXT_FATAL with *pzErr naming the file and line
** (sqlite3_free it) when the file cannot be read or has an error and
** there is no previous table: searchd then refuses to start. On a reopen
** (pPrev, the worker's previous state) a bad file is logged with its
** file and line and the previous table is kept. The sets loaded are
** logged on a reopen only (at start-up main() says it once).
*/
int synonyms_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                         void **ppState, char **pzErr);

/* xClose. Accepts NULL. */
void synonyms_module_close(void *pState);

/*
** xExpand (query.h): when the whole term (a word, or every word of a
** phrase) is a member of a set, add the set's other members as
** QUERY_ALT_SYNONYM alternatives, then every member of several words (the
** term's own too) as a QUERY_ALT_NEAR near group, which ranking weighs
** below the phrase. Alternatives past QUERY_MAX_ALTS are left out, near
** groups first. Returns QUERY_OK or QUERY_ENOMEM.
*/
int synonyms_module_expand(void *pState, struct query_term *pTerm);

/*
** xSpan (query.h): when the words azWord[0..] begin with a member of
** several words (Kiruna nya sjukhus, typed without quotes), set *pnUsed to
** its number of words (the longest member), else to 0. The query then
** searches those words as a phrase, which xExpand gives the set's other
** members. Returns QUERY_OK or QUERY_ENOMEM.
*/
int synonyms_module_span(void *pState, const char *const *azWord,
                         const int *anWord, int nWord, int *pnUsed);

#endif /* SYNONYMS_H */
