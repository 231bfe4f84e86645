/*
** rank.h: searchd's ranking, an FTS5 auxiliary function written in C.
**
** searchd_rank(assignments_fts) scores the current row of a MATCH against
** the query set with rank_set_query(). It is BM25F (k1 1.2, b 0.75): for
** each FTS5 phrase (one per alternative form of each user term; see
** query.h) the phrase's instances are summed, each weighted by
**   - its column: assignment 5, status 2, source 1, and divided by that
**     column's length normalisation 1 - b + b * len / average len, so a
**     word in a short assignment counts for more than in a long one;
**   - its match kind, found by re-tokenizing the column text with xTokenize
**     and comparing the whole word at the instance's position: the surface
**     word as typed (case folded) 1.0, the same stem 0.7, a compound part
**     (the instance hit a colocated part term) or a prefix 0.4; an
**     alternative from a synonym 0.8 of that;
** and the sum f gives idf * f * (k1 + 1) / (f + k1), idf from the phrase's
** document count as in FTS5's bm25().
** The sum is multiplied by a proximity factor 1 + (k-1)/(n-1) / (1 + s/2)
** where, in the column where it is best, the smallest window of tokens
** covering k >= 2 of the query's n clauses has s tokens besides them.
** In relaxed mode the score is m + r/(1+r): m is the number of clauses the
** row matches, r the relevance above, so more matched words always win.
**
** Scores are larger-is-better and positive. The function is expensive (it
** reads and tokenizes the row's text), so search.c calls it only on the
** best candidates of searchd_quick(assignments_fts), which it runs on
** every row of its first pass: the same score with every instance weighted
** as the best match kind its phrase allows (the word as typed), so no text
** is read and the column lengths come from memory (rank_set_lengths()).
** Every other factor is computed as searchd_rank() does, and the score is
** increasing in every instance weight, so quick >= rank for every row:
** search.c ranks its candidates by quick, and computes rank only for
** those whose quick can still reach the page (branch and bound). Both use
** the query set with rank_set_query().
**
** Thread safety: the state is per connection, used on the connection's
** thread only.
*/
#ifndef SEARCHD_RANK_H
#define SEARCHD_RANK_H

#include <sqlite3.h>

#include "engine/query.h"

/* The SQL names of the auxiliary functions. */
#define RANK_FUNCTION "searchd_rank"
#define RANK_QUICK_FUNCTION "searchd_quick"
#define RANK_CAND_FUNCTION "searchd_is_cand"

struct rank;   /* opaque per-connection state */

/*
** Register searchd_rank() on db (which must have FTS5) and create its
** state, owned by the connection: it is freed when db is closed. On
** success returns SQLITE_OK and sets *ppOut (do not free it); on failure an
** SQLite error code with *ppOut NULL.
*/
int rank_register(sqlite3 *db, struct rank **ppOut);

/*
** Make q the query that searchd_rank() scores against until the next call
** (q NULL: none; the function then returns 0). bRelaxed selects the
** relaxed score. q must outlive its use by statements on the connection.
*/
void rank_set_query(struct rank *p, const struct query *q, int bRelaxed);

/*
** Where both functions take a row's column lengths (tokens per column of
** assignments_fts, as xColumnSize gives them): xLen(pArg, rowid, aLen)
** fills aLen[0..3) and returns 1, or returns 0 when it does not know the
** row, and xColumnSize is asked. A length below the true one only raises
** a score (it is a normaliser). xLen NULL: xColumnSize always. xLen runs
** on the connection's thread, inside its statements; pArg must outlive
** its use.
*/
typedef int (*rank_len_fn)(void *pArg, sqlite3_int64 iRowid, int *aLen);
void rank_set_lengths(struct rank *p, rank_len_fn xLen, void *pArg);

/*
** Early exact scores: until the next call or rank_set_query(), with
** 0 < nPage <= RANK_EARLY_MAX (else off), searchd_quick() also computes
** searchd_rank() of its row when the row passes the caller's filters
** (xPass(pArg, rowid) returns 1), its bound is among the best 2 * nPage
** bounds of such rows so far, and it reaches the nPage-th best exact score
** computed so far (every such row while fewer than nPage have been); it
** hands the score to xScore(pArg, rowid, score). A first pass newest first
** then scores exactly the rows whose bound could make the page, in the
** statement that already has each row, where a rerank would look each one
** up again. The callbacks run inside the statement, on the connection's
** thread; pArg must outlive their use.
*/
#define RANK_EARLY_MAX 200
typedef int (*rank_pass_fn)(void *pArg, sqlite3_int64 iRowid);
typedef void (*rank_score_fn)(void *pArg, sqlite3_int64 iRowid, double score);
void rank_set_early(struct rank *p, int nPage, rank_pass_fn xPass,
                    rank_score_fn xScore, void *pArg);

/*
** Walking: until the next call, the first searchd_quick()/searchd_rank()
** call of a query (which computes idf) may also walk every phrase's
** doclist with xQueryPhrase, adding each row to aSet[c] for a phrase of
** clause c (query_phrase()->iClause) and to aSet[nSet-1] for an excluded
** one, so the caller gets the query's matches as (AND of the clause sets)
** AND NOT the last, faster than by stepping them (see rowset.h). It does
** so only for one phrase, or when the phrases' document counts are known
** and walking them all costs less than stepping (rank.c), and only with
** nSet = query_clause_count() + 1 sets big enough for every rowid.
** rank_walked() then says 1; a walk that went wrong says 0 and leaves the
** sets partly filled. aSet NULL: no walking. The caller owns the sets,
** which must outlive the statement.
*/
struct rowset;
void rank_set_walk(struct rank *p, struct rowset *aSet, int nSet);
int rank_walked(const struct rank *p);
/*
** Forget the phrase document counts kept for idf (see rank.c): call when
** the index may have changed, before the next query is scored.
*/
void rank_clear_hits(struct rank *p);
/*
** Set the rowids that the SQL function searchd_is_cand(rowid) says 1 for
** (aId sorted ascending, n of them; aId NULL: none). Lets one statement
** over a rowid range score or highlight only chosen rows: FTS5 answers a
** prefix query with rowid=? by merging every matching term's doclist
** again, so one statement per candidate cost ~10 ms each for "vår*".
** aId must outlive its use.
*/
void rank_set_candidates(struct rank *p, const sqlite3_int64 *aId, int n);

#endif /* SEARCHD_RANK_H */
