/*
** suggest.h: completions for a search box, GET /suggest?q=PREFIX&limit=8.
**
** The last word of q (folded as vocab.word is, fold.h) is completed from
** the vocab table: the SUGGEST_MAX_CAND words it starts that most rows
** hold (a range scan of the primary key). Each candidate makes a whole
** query, q as typed up to the last word and then the word ("nära v" ->
** "nära vård"), which is parsed as /search parses it (the query_opts
** given, its synonyms and corrections) and its rows counted, as
** /search counts its `rows` (suggest.c, suggest_count());
** the completions are the nLimit
** whose queries find the most, each with that count, and none that finds
** nothing. When the last word starts no vocabulary word, the words whose
** plain form (å ä ö folded, common/plain.h) it starts are tried
** ("lakemedel" -> "läkemedelsgenomgång"), then those the corrector's
** proposal for it starts (correct.h: "mamografi" -> "mammografi").
** A last word of one letter is completed after other words, of two
** when it is alone; q ending in a space or punctuation (the word is
** finished) gives none.
** The hits are the top rows of the top completion's query as /search
** ranks them (searchd_rank(), rank.h, over the rows with the best
** first-pass bounds). Answers and hits are cached per worker until the
** database changes.
**
** Response: {"query":q, "suggestions":[{"text":…, "count":N}…],
**            "hits":[{"report_date":…, "row":N, "assignment":…}…]}
**
** Each request runs under a limit of its thread's CPU time
** (suggest_set_time_limit; in searchd the smaller of --query-ms and
** SUGGEST_MAX_MS), enforced by a progress
** handler: past it the answer is 503. The work is bounded whatever q is:
** at most SUGGEST_MAX_Q bytes (longer: 414), at most three range scans of
** SUGGEST_MAX_CAND words, one count per candidate, one ranked query.
**
** A struct suggest holds a folding tokenizer, a corrector, the ranking
** functions and prepared statements on one connection: one per worker,
** not thread safe.
*/
#ifndef SEARCHD_SUGGEST_H
#define SEARCHD_SUGGEST_H

#include <sqlite3.h>

struct request_ctx;

#define SUGGEST_DEFAULT_LIMIT 8
#define SUGGEST_MAX_LIMIT     20
#define SUGGEST_MAX_HITS      3
#define SUGGEST_MAX_Q         256     /* bytes of q looked at (longer: 414) */
#define SUGGEST_MIN_CHARS     2       /* a shorter word alone: no suggestions */
#define SUGGEST_MIN_CHARS_AFTER 1     /* the same after other words */
/* Candidates counted per scan: twice the limit, at most this many. */
#define SUGGEST_MAX_CAND      16
/* The limit in searchd, ms of CPU time: a suggestion costing more than this
** is of no use to someone typing (--query-ms applies if smaller). */
#define SUGGEST_MAX_MS        250

struct suggest;

struct suggest_item {
  char *zText;                /* q up to the last word + the completion */
  sqlite3_int64 nCount;       /* /search's total for zText (> 0) */
};

struct suggest_hit {
  char *zDate;                /* report date, YYYY-MM-DD */
  int iRow;                   /* 1-based row in the report */
  char *zAssignment;          /* plain text, as indexed */
};

/* What suggest_run() found; free the strings with suggest_result_clear. */
struct suggest_result {
  int nItem;
  struct suggest_item aItem[SUGGEST_MAX_LIMIT];
  int nHit;
  struct suggest_hit aHit[SUGGEST_MAX_HITS];
};

/*
** Prepare on db (an index opened with db_open). Installs the time limit's
** progress handler on db, replacing any other (SQLite keeps one per
** connection): give it a connection of its own. Returns SQLITE_OK and sets
** *ppOut (free with suggest_free, which removes the handler), or an SQLite
** code with *ppOut NULL. No time limit until suggest_set_time_limit().
*/
int suggest_new(sqlite3 *db, struct suggest **ppOut);

/*
** Parse each following suggest_run()'s completions with opts (NULL: no
** hooks), as /search parses queries, so that their counts are its totals;
** the hooks' states must stay valid while they are used. xHasToken, when
** NULL, is the struct suggest's own folding tokenizer.
*/
struct query_opts;
void suggest_set_query_opts(struct suggest *p, const struct query_opts *opts);

/* Correct typos with the lexicon of pShare (correct_set_share()), which
** must outlive p. */
struct lexicon_share;
void suggest_set_lexicon(struct suggest *p, struct lexicon_share *pShare);

/* Limit each following suggest_run() to nMs milliseconds (<0: none). */
void suggest_set_time_limit(struct suggest *p, long nMs);

/* Free. Accepts NULL. */
void suggest_free(struct suggest *p);

/*
** Complete q[0..nQ) (any bytes; at most SUGGEST_MAX_Q looked at) with up to
** nLimit (1..SUGGEST_MAX_LIMIT) suggestions and up to nHits
** (0..SUGGEST_MAX_HITS) hits into *pRes, which is zeroed first. Returns
** SQLITE_OK, or an SQLite code (SQLITE_INTERRUPT past a time limit) with
** *pRes empty.
*/
int suggest_run(struct suggest *p, const char *zQ, int nQ, int nLimit,
                int nHits, struct suggest_result *pRes);

/* Free the strings of a result and zero it. */
void suggest_result_clear(struct suggest_result *pRes);

struct conf;

/*
** The "suggest" extension module (ext.h): a struct suggest per worker, on
** a read-only connection of its own to conf->zDb (see suggest_new), with
** the time limit set. Returns EXT_OK, or EXT_SKIP after logging why
** (/suggest then answers 503).
*/
int suggest_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                        void **ppState, char **pzErr);
void suggest_module_close(void *pState);

/*
** Route handler for GET /suggest (route.h): parameters q (required; may be
** empty) and limit (1..SUGGEST_MAX_LIMIT, default SUGGEST_DEFAULT_LIMIT).
** 400 for a missing q or a bad limit, 414 for q longer than SUGGEST_MAX_Q,
** 503 past the time limit or when the module is not open.
*/
int suggest_handle(struct request_ctx *ctx);

#endif /* SEARCHD_SUGGEST_H */
