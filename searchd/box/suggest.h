/*
** suggest.h: completions for a search box, GET /suggest?q=PREFIX&limit=8.
**
** The last word of q (folded as vocab.word is, fold.h) is completed from
** the vocab table: a range scan of its primary key (word >= prefix AND
** word < prefix || 0xFF), most documents first. Each suggestion is q as
** typed up to the last word, then the completed surface word ("nära vår"
** -> "nära vård"). A prefix of one letter, or q ending in a space or
** punctuation, gives no suggestions. Answers for prefixes of up to three
** letters (which match thousands of words) are cached per worker until the
** database changes. The hits are the first rows (in index order) that
** match the earlier words and the top suggestion (FTS5, no ranking, so a
** broad word costs no more than a rare one).
**
** Response: {"query":q, "suggestions":[{"text":…, "count":N}…],
**            "hits":[{"report_date":…, "row":N, "assignment":…}…]}
**
** Each request runs under a limit of its thread's CPU time
** (suggest_set_time_limit; in searchd the smaller of --query-ms and
** SUGGEST_MAX_MS), enforced by a progress
** handler: past it the answer is 503. The work is bounded whatever q is:
** at most SUGGEST_MAX_Q bytes (longer: 414), the first
** SUGGEST_MAX_EARLIER earlier words, one range scan and one FTS5 query
** with a LIMIT.
**
** A struct suggest holds a folding tokenizer and prepared statements on one
** connection: one per worker, not thread safe.
*/
#ifndef SEARCHD_SUGGEST_H
#define SEARCHD_SUGGEST_H

#include <sqlite3.h>

struct request_ctx;

#define SUGGEST_DEFAULT_LIMIT 8
#define SUGGEST_MAX_LIMIT     20
#define SUGGEST_MAX_HITS      3
#define SUGGEST_MAX_Q         256     /* bytes of q looked at (longer: 414) */
#define SUGGEST_MIN_CHARS     2       /* shorter last words: no suggestions */
#define SUGGEST_MAX_EARLIER   8       /* earlier words used for the hits */
/* The limit in searchd, ms of CPU time: a suggestion costing more than this
** is of no use to someone typing (--query-ms applies if smaller). */
#define SUGGEST_MAX_MS        250

struct suggest;

struct suggest_item {
  char *zText;                /* q up to the last word + the completion */
  sqlite3_int64 nDocs;        /* rows holding the completed word */
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
