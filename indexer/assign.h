/*
** assign.h: which rows of a series of reports are the same assignment.
**
** A series is the reports of one folder, in date order. An assignment
** stays on the list from its decision until it is reported done, so it is
** a row in report after report, its wording drifting. The rule:
**
**   - Normalisation (assign_key_make()): the assignment text is cleaned
**     (html_clean()), "Dnr NNN-YYYY" is taken out of it (or the source)
**     into zDnr, "(RS)" and the preambles ("Regiondirektören får i
**     uppdrag att", "Regionstyrelsen beslutar att ge regiondirektören i
**     uppdrag att", ...) are dropped, leading drift words ("Fortsätta",
**     "Arbeta för", "arbetet med att") are dropped, and the words are case
**     folded: zText. Its terms are the words that are not stop words,
**     stemmed (Snowball Swedish), as a sorted set of hashes. The source
**     is parsed into a decision reference ("RS 210615 § 112": meeting
**     210615, paragraph 112), a plan's years ("RS plan 2021-2023",
**     "Stabsplan 2018") or other text.
**   - Compatibility: two texts that both name places or bodies (words
**     written with a capital inside the text, "Krokom", "Länsstyrelsen";
**     not acronyms like "KNS") must name the same ones; two rows with a
**     Dnr each must have the same one; two
**     decisions the same meeting (and paragraph, when both have one); two
**     plans years at most one apart (a plan is renamed every year for the
**     items it carries over); a decision is never a plan; an empty source
**     fits any.
**   - Similarity: weighted Jaccard of the term sets (weights: inverse
**     document frequency of the term over the series' rows, so the words
**     that tell assignments apart count more than "utveckla" or "länet";
**     1 for every term when there are no weights), above a threshold that
**     depends on what the sources say (ASSIGN_T_*): lowest when the Dnr
**     agree, highest when a source is empty.
**   - Linking a series (assign_link(), or report by report with an
**     assign_stream, below): reports in date order (ties by
**     report name); a row joins the assignment whose latest occurrence it
**     fits best (among those seen within ASSIGN_MAX_GAP_DAYS and missing
**     from at most ASSIGN_MAX_MISSED reports since: an assignment stays on
**     the list until it is done, so one that left it is over and the same
**     words later are a new assignment; one whose latest row was done or
**     dropped must be in the very next report; at most one row per report
**     each: best pairs first), else starts a new one.
**     An assignment is compared with its latest few distinct wordings.
**   - Ids: the date of the first occurrence and a hash of its normalised
**     text and source ("20210505-3fa2c1d0"), unique within the series (a
**     collision gets "-2", "-3" in link order). The same set of reports
**     gives the same ids and links whatever order they came in.
*/
#ifndef ASSIGN_H
#define ASSIGN_H

#include <stddef.h>
#include <stdint.h>

/*
** Thresholds of the weighted Jaccard similarity (assign_same()); they can
** be set at build time to measure others (indexer/README.md).
*/
#ifndef ASSIGN_T_DNR
#define ASSIGN_T_DNR     0.30   /* both rows carry the same Dnr */
#endif
#ifndef ASSIGN_T_SOURCE
#define ASSIGN_T_SOURCE  0.50   /* the same decision, or plans a year apart */
#endif
#ifndef ASSIGN_T_OPEN
#define ASSIGN_T_OPEN    0.60   /* a source is empty or other text */
#endif
#define ASSIGN_MAX_GAP_DAYS 400 /* a row continues an assignment seen this
                                ** many days before at most */
#define ASSIGN_MAX_MISSED 1     /* ... and missing from at most this many
                                ** reports of the series since */
#define ASSIGN_ID_MAX 24        /* bytes of an id, with its NUL */
#define ASSIGN_MAX_NAMES 8      /* names kept of an assignment text */
#define ASSIGN_MAX_WORDINGS 4   /* latest distinct wordings an assignment
                                ** is compared with */

/* Result codes. */
enum assign_rc {
  ASSIGN_OK = 0,
  ASSIGN_NOMEM
};

/* What a source says. */
enum assign_src_kind {
  ASSIGN_SRC_NONE = 0,      /* empty */
  ASSIGN_SRC_DECISION,      /* "RS 201209", "RS 170503, § 107", "LS 150203" */
  ASSIGN_SRC_PLAN,          /* "RS plan 2021-2023", "Stabsplan 2018" */
  ASSIGN_SRC_OTHER          /* anything else: compared as folded text */
};

/*
** The normalised form of one row. Filled by assign_key_make(), emptied by
** assign_key_clear(); the arrays and strings are owned by the key.
*/
struct assign_key {
  char *zText;              /* normalised assignment text, NUL-terminated */
  char *zSourceText;        /* folded cleaned source, NUL-terminated */
  char zDnr[16];            /* "716-2020", or "" */
  int eKind;                /* enum assign_src_kind */
  int iDecision;            /* yymmdd of a decision, else 0 */
  int iPara;                /* its § number, else 0 */
  int iPlanFrom, iPlanTo;   /* a plan's first and last year, else 0 */
  int nTerm;
  uint64_t *aTerm;          /* sorted distinct term hashes */
  int nName;
  uint64_t aName[ASSIGN_MAX_NAMES];  /* sorted distinct hashes of the names */
};

/* The stemmer and scratch space for keys. Not thread safe: one per thread. */
struct assign_norm;

/*
** A new normaliser in *ppOut (free with assign_norm_free()). Returns
** ASSIGN_OK, or ASSIGN_NOMEM with *ppOut NULL.
*/
int assign_norm_new(struct assign_norm **ppOut);

/* Free a normaliser. Accepts NULL. */
void assign_norm_free(struct assign_norm *p);

/*
** Normalise the assignment zA[0..nA) and its source zS[0..nS) (report
** fields, clean or HTML; need not be NUL-terminated) into *pKey, which
** must be zeroed or cleared. Returns ASSIGN_OK, or ASSIGN_NOMEM with
** *pKey cleared.
*/
int assign_key_make(struct assign_norm *p, const char *zA, size_t nA,
                    const char *zS, size_t nS, struct assign_key *pKey);

/* Free what pKey owns and zero it. Accepts a zeroed key. */
void assign_key_clear(struct assign_key *pKey);

/*
** Can a and b be the same assignment by their Dnr and sources? Returns
** the similarity threshold that applies (ASSIGN_T_*), or a negative value
** if they cannot.
*/
double assign_threshold(const struct assign_key *a, const struct assign_key *b);

/*
** Weighted Jaccard similarity of the term sets of a and b, 0 to 1.
** xWeight(pCtx, term) gives a term's weight (> 0); NULL weighs every term
** 1. Two empty sets have similarity 0.
*/
double assign_similarity(const struct assign_key *a, const struct assign_key *b,
                         double (*xWeight)(void*, uint64_t), void *pCtx);

/*
** The rule for one pair with unit weights: 1 if a and b are the same
** assignment (compatible and similar enough), else 0. assign_link() uses
** the series' weights instead.
*/
int assign_same(const struct assign_key *a, const struct assign_key *b);

/* One row of a series, as the caller has it. Nothing is copied. */
struct assign_row {
  const char *zDate;        /* the report's date, "YYYY-MM-DD" */
  const char *zReport;      /* orders reports of the same date (a path) */
  int iRow;                 /* the row's number in its report */
  const char *zAssignment;
  size_t nAssignment;
  const char *zSource;
  size_t nSource;
  int eStatus;              /* its status class (status.h), 0 if unknown */
  int64_t iId;              /* the caller's id of the row (assign_thread) */
};

/*
** Linking a series as a stream, in memory bounded by what can still
** continue, not by the series:
**
**   1. assign_stream_new();
**   2. assign_stream_count() for every row of the series, in any order:
**      the term weights are over the whole series (the rule above), so
**      they are counted first;
**   3. assign_stream_report() for each report's rows, reports in order of
**      date, then zReport: each row gets its assignment there and then;
**      an assignment that can no longer continue (ASSIGN_MAX_GAP_DAYS,
**      ASSIGN_MAX_MISSED) is retired: its thread goes to xDone and what
**      it held is freed;
**   4. assign_stream_finish(): the threads of the assignments still live
**      go to xDone;
**   5. assign_stream_free().
**
** Memory: the term counts (one entry per distinct term of the series),
** the live assignments with their latest wordings, the keys of one
** report, and a cache of up to ASSIGN_CACHE_IDLE keys by raw text (the
** same wording recurs report after report, so most rows reuse a key
** made before). The result is that of assign_link() over the same rows.
*/
#ifndef ASSIGN_CACHE_IDLE
#define ASSIGN_CACHE_IDLE 4096  /* keys kept by raw text after last use */
#endif
#define ASSIGN_DATE_MAX 16      /* bytes of a date kept, with its NUL */

/* More result codes of the stream. */
enum assign_stream_rc {
  ASSIGN_MISUSE = 2,        /* a report out of order, a count after one */
  ASSIGN_ABORT              /* xDone returned non-zero */
};

/* An assignment when it is retired or finished, for xDone. */
struct assign_thread {
  int iCluster;             /* its number, 0.. in order of first occurrence */
  const char *zId;          /* its id (as assign_links.azId) */
  const char *zFirst;       /* date of its first occurrence */
  const char *zLast;        /* date of its latest occurrence */
  int nOcc;                 /* its rows */
  int64_t iLatest;          /* iId of its latest row */
  int eStatus;              /* eStatus of its latest row */
};

struct assign_stream;

/*
** A new stream in *ppOut (free with assign_stream_free()). xDone(pCtx,
** pThread) is called once per assignment, when it is retired (inside
** assign_stream_report()) or at assign_stream_finish(); the strings of
** *pThread are valid during the call only. A non-zero return stops the
** stream: the call that made it returns ASSIGN_ABORT, and so does every
** later call. xDone may be NULL. Returns ASSIGN_OK, or ASSIGN_NOMEM with
** *ppOut NULL. One thread at a time per stream.
*/
int assign_stream_new(int (*xDone)(void*, const struct assign_thread*),
                      void *pCtx, struct assign_stream **ppOut);

/*
** Count one row of the series (its assignment zA[0..nA) and source
** zS[0..nS)) into the term weights. Every row later given to
** assign_stream_report() must be counted once first. Returns ASSIGN_OK,
** ASSIGN_NOMEM, or ASSIGN_MISUSE after the first report.
*/
int assign_stream_count(struct assign_stream *p, const char *zA, size_t nA,
                        const char *zS, size_t nS);

/*
** Link the nRow rows at aRow, all the rows of one report (their zDate
** and zReport those of aRow[0]; rows in any order), which must come after
** the report before it in (date, zReport) order. Sets aCluster[i] to row
** i's assignment number and, if azId is not NULL, azId[i] to its id
** (valid until the next call on p). Returns ASSIGN_OK, ASSIGN_NOMEM,
** ASSIGN_MISUSE (a report not after the one before) or ASSIGN_ABORT; on
** an error the stream is not usable further.
*/
int assign_stream_report(struct assign_stream *p, const struct assign_row *aRow,
                         int nRow, int *aCluster, const char **azId);

/*
** Retire every live assignment (xDone for each). Returns ASSIGN_OK or
** ASSIGN_ABORT. Nothing may be added after it.
*/
int assign_stream_finish(struct assign_stream *p);

/* What a stream holds now, for tests and measurements. */
struct assign_stream_stats {
  int nLive;                /* assignments that may still continue */
  int nKey;                 /* keys held (live wordings and cached) */
  int nTerm;                /* distinct terms counted */
  int nCluster;             /* assignments so far */
};

/*
** Keys made ahead, on another thread than the stream's: the reader of an
** indexer makes them while the writer is busy with SQLite, so the writer
** only looks them up (indexer/README.md). One assign_pre per row: the
** hash of its raw text, and its key when the row is the first of its
** raw text since the maker was reset (else NULL: an earlier row's key
** serves). The stream takes a key only for a raw text it has no key of;
** the keys are those assign_key_make() gives, so links and ids are the
** same with or without them.
*/
struct assign_pre {
  uint64_t h;               /* assign_raw_hash() of assignment and source */
  struct assign_key *pKey;  /* malloc'd, or NULL */
};

/* The hash of a row's raw texts by which a stream finds its key. */
uint64_t assign_raw_hash(const char *zA, size_t nA, const char *zS, size_t nS);

struct assign_ahead;

/*
** A new maker of assign_pre in *ppOut (free with assign_ahead_free()).
** Returns ASSIGN_OK, or ASSIGN_NOMEM with *ppOut NULL. One thread at a
** time, any thread: a maker shares nothing with the streams its keys go to.
*/
int assign_ahead_new(struct assign_ahead **ppOut);

/* Free a maker. Accepts NULL. */
void assign_ahead_free(struct assign_ahead *p);

/* Forget the raw texts seen: the rows that follow are of another series. */
void assign_ahead_reset(struct assign_ahead *p);

/*
** Fill *pOut for the row zA[0..nA), zS[0..nS): its hash, and its key if
** no row since the reset had the same hash. Returns ASSIGN_OK, or
** ASSIGN_NOMEM with pOut->pKey NULL (the stream then makes the key).
*/
int assign_ahead_row(struct assign_ahead *p, const char *zA, size_t nA,
                     const char *zS, size_t nS, struct assign_pre *pOut);

/* Bytes a key made ahead holds (for a reader's memory budget). */
size_t assign_pre_bytes(const struct assign_pre *a, int n);

/* Free the keys of a[0..n) and set them NULL. Accepts a NULL a. */
void assign_pre_clear(struct assign_pre *a, int n);

/*
** assign_stream_count() of a row with what was made ahead of it: its
** hash, and its key, which the stream takes (pPre->pKey becomes NULL)
** if it has none of that raw text; else pPre->pKey is left to the
** caller. pPre NULL: assign_stream_count().
*/
int assign_stream_count_pre(struct assign_stream *p, const char *zA,
                            size_t nA, const char *zS, size_t nS,
                            struct assign_pre *pPre);

/*
** assign_stream_report() with each row's assign_raw_hash() in aHash (per
** row of aRow), which the stream then need not compute; aHash NULL:
** assign_stream_report().
*/
int assign_stream_report_pre(struct assign_stream *p,
                             const struct assign_row *aRow, int nRow,
                             const uint64_t *aHash, int *aCluster,
                             const char **azId);

/* Fill *pStats. */
void assign_stream_stats(const struct assign_stream *p,
                         struct assign_stream_stats *pStats);

/* Free a stream (after assign_stream_finish() or not). Accepts NULL. */
void assign_stream_free(struct assign_stream *p);

/* The assignments of a series. */
struct assign_links {
  int nRow;
  int *aCluster;            /* per input row: its assignment, 0..nCluster-1 */
  int nCluster;
  char (*azId)[ASSIGN_ID_MAX];  /* per assignment: its id */
};

/*
** Link the nRow rows at aRow, the rows of every report of one series (in
** any order), with a stream. On ASSIGN_OK *ppOut holds which assignment
** each row is and the assignments' ids, numbered in order of first
** occurrence (free with assign_links_free()); on ASSIGN_NOMEM *ppOut is
** NULL. Thread safe (no shared state).
*/
int assign_link(const struct assign_row *aRow, int nRow,
                struct assign_links **ppOut);

/* Free a result of assign_link(). Accepts NULL. */
void assign_links_free(struct assign_links *p);

#endif /* ASSIGN_H */
