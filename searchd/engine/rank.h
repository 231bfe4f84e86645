/*
** rank.h: searchd's ranking, an FTS5 auxiliary function written in C.
**
** searchd_rank(assignments_fts, ?) scores the current row of a MATCH
** against the query of the struct rank_query bound as its second argument.
** It is BM25F (k1 1.2, b 0.75): for
** each FTS5 phrase (one per alternative form of each user term; see
** query.h) the phrase's instances are summed, each weighted by
**   - its column: assignment 5, status 2, source 1, and divided by that
**     column's length normalisation 1 - b + b * len / average len, so a
**     word in a short assignment counts for more than in a long one;
**   - its match kind, found by splitting the column text into words
**     (swedish_split_new(), one to one the aux xTokenize's whole words)
**     and comparing the whole word at the instance's position, stemmed
**     alone by xTokenize (a word's aux term does not depend on the words
**     around it), with the query's: the surface
**     word as typed (case folded) 1.0, the same stem 0.7, a compound part
**     (the instance hit a colocated part term) or a prefix 0.4; an
**     alternative from a synonym 0.8 of that; a word of a near group
**     (query.h) 0.5 shared by the group's words, so the group weighs half
**     the phrase it stands beside;
** and the sum f gives idf * f * (k1 + 1) / (f + k1), idf from the phrase's
** document count as in FTS5's bm25() (the largest of the term's
** alternatives' counts; a near group's words take the term's).
** The sum is multiplied by a proximity factor 1 + (k-1)/(n-1) / (1 + s/2)
** where, in the column where it is best, the smallest window of tokens
** covering k >= 2 of the query's n clauses has s tokens besides them.
** It is multiplied by an assignment factor 1 + A * k, A = 1, k the best
** match-kind weight (above) of any positive phrase instance in the
** assignment column, 0 if there is none: a row matching only in its
** status needs a match up to twice as strong to rank above one whose
** assignment holds a query word.
** In relaxed mode the score is m + r/(1+r): m is the number of clauses the
** row matches, r the relevance above, so more matched words always win.
**
** Scores are larger-is-better and positive. The function is expensive (it
** reads and tokenizes the row's text), so the engine calls it only on the
** best candidates of searchd_quick(assignments_fts, ?), which it runs on
** every row of its first pass: the same score with every instance weighted
** as the best match kind its phrase allows (the word as typed), so no text
** is read and the column lengths come from memory (rank_query.attrs).
** Every other factor is computed as searchd_rank() does, and the score is
** increasing in every instance weight, so quick >= rank for every row:
** the engine ranks its candidates by quick, and computes rank only for
** those whose quick can still reach the page (branch and bound).
**
** Thread safety: the state is per connection, used on the connection's
** thread only; a struct rank_query belongs to the query running on it.
*/
#ifndef SEARCHD_RANK_H
#define SEARCHD_RANK_H

#include <stdint.h>

#include <sqlite3.h>

#include "engine/query.h"

/* The SQL names of the auxiliary functions. */
#define RANK_FUNCTION "searchd_rank"
#define RANK_QUICK_FUNCTION "searchd_quick"
#define RANK_CAND_FUNCTION "searchd_is_cand"
#define RANK_EXACT_FUNCTION "searchd_has_exact"
#define RANK_PASS_FUNCTION "searchd_pass"
/* The pointer type of a struct rank_query bound to a statement. */
#define RANK_POINTER_TYPE "searchd_rank_query"

#define RANK_NCOL 3
#define RANK_MAX_PHRASE (QUERY_MAX_TERMS * QUERY_MAX_ALTS)
#define RANK_MAX_FOLD 128
#define RANK_EARLY_MAX 200

struct rank;          /* opaque per-connection state: scratch, idf counts */
struct attrs;         /* attrs.h */
struct filter;        /* filter.h */
struct early;         /* early.h */
struct count_walk;    /* count.h */

/* What the first word of a phrase looks like, for the kind test. */
struct rank_phrase {
  double idf;
  sqlite3_int64 nHit;             /* rows holding the phrase */
  uint64_t hStem;
  int nFold;
  char zFold[RANK_MAX_FOLD];
};

/* rank.c's per-query values, computed by the first call of a query. */
struct rank_memo {
  int bReady;                     /* computed for the query */
  int bMapped;                    /* FTS5 phrases match query_phrase() */
  int nPhrase;
  double aAvgLen[RANK_NCOL];      /* average tokens per column */
  struct rank_phrase aPhrase[RANK_MAX_PHRASE];
  int nFloor;                     /* aFloor: a min-heap of the nEarly best */
  double aFloor[RANK_EARLY_MAX];  /* exact scores kept early */
  int nTop;                       /* aTop: a min-heap of the 2 * nEarly */
  double aTop[2*RANK_EARLY_MAX];  /* best bounds so far */
};

/*
** Everything the functions know of one query: the caller fills the inputs
** (rank_query_init(), then the optional fields) and binds the struct to
** each statement that calls the functions with rank_bind(); the functions
** read it through their last argument, searchd_rank(assignments_fts, ?),
** and write only memo and the outputs named below.
*/
struct rank_query {
  const struct query *q;          /* the query scored against */
  int bRelaxed;                   /* the relaxed score (rank.h above) */
  /* Column lengths: from attrs if it knows the row (a length below the
  ** true one only raises a score); else, or attrs NULL, xColumnSize. */
  const struct attrs *attrs;
  /* Early exact scores: with 0 < nEarly <= RANK_EARLY_MAX, searchd_quick()
  ** also computes searchd_rank() of its row when the row passes pFilter,
  ** its bound is among the best 2 * nEarly bounds of such rows so far, and
  ** it reaches the nEarly-th best exact score computed so far (every such
  ** row while fewer than nEarly have been); the score goes into pEarly.
  ** A first pass newest first then scores exactly the rows whose bound
  ** could make the page, in the statement that already has each row. */
  int nEarly;
  const struct filter *pFilter;
  struct early *pEarly;
  /* Walking (count.h): when not NULL, the first call of the query may
  ** walk every phrase's doclist into pWalk's sets while it counts the
  ** phrases' rows for idf, when count_walk_worth() says it pays. */
  struct count_walk *pWalk;
  /* The rowids searchd_is_cand(rowid, ?) says 1 for: aCand sorted
  ** ascending, nCand of them (NULL: none). Lets one statement over a
  ** rowid range score or highlight only chosen rows: FTS5 answers a
  ** prefix query with rowid=? by merging every matching term's doclist
  ** again, so one statement per candidate cost ~10 ms each for "vår*". */
  const sqlite3_int64 *aCand;
  int nCand;
  /* Output: the row whose exact score searchd_quick() (early) or
  ** searchd_rank() computed last, and the score (bExact 0: none yet),
  ** which searchd_has_exact(rowid, ?) tests against the input fTextFloor
  ** (-HUGE_VAL from rank_query_init()), so that a later column of the
  ** same row makes what only rows that may reach the page need (their
  ** highlights, hltext.h). */
  sqlite3_int64 iExact;
  int bExact;
  double fExact, fTextFloor;
  /* searchd_pass(rowid, ?) answers xPass(pPassArg, rowid), or 1 while
  ** xPass is NULL: a first pass sees every row in its WHERE, and drops
  ** the rows it only counts before any column is computed (scan.h). */
  int (*xPass)(void *pArg, sqlite3_int64 id);
  void *pPassArg;
  struct rank_memo memo;          /* rank.c's */
};

/*
** Register the functions on db (which must have FTS5) and create their
** per-connection state, owned by the connection: freed when db is closed.
** On success returns SQLITE_OK and sets *ppOut (do not free it); on
** failure an SQLite error code with *ppOut NULL.
*/
int rank_register(sqlite3 *db, struct rank **ppOut);

/* Make *pq a new query q (bRelaxed: its relaxed score), every optional
** input off. q must outlive the statements that use pq. */
void rank_query_init(struct rank_query *pq, const struct query *q,
                     int bRelaxed);

/*
** Bind pq as parameter iParam of pStmt (sqlite3_bind_pointer, type
** RANK_POINTER_TYPE); pq must outlive the statement's run. A function
** called without it fails with an error. Returns an SQLite code.
*/
int rank_bind(sqlite3_stmt *pStmt, int iParam, struct rank_query *pq);

/* Was row id's exact score computed in this row, and does it reach
** pq->fTextFloor? */
static inline int rank_query_has_exact(const struct rank_query *pq,
                                       sqlite3_int64 id){
  return pq->bExact && pq->iExact==id && pq->fExact>=pq->fTextFloor;
}

/*
** Forget the phrase document counts kept for idf (see rank.c): call when
** the index may have changed, before the next query is scored.
*/
void rank_clear_hits(struct rank *p);

#endif /* SEARCHD_RANK_H */
