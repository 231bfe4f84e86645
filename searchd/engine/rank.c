/*
** rank.c: the searchd_rank() FTS5 auxiliary function; see rank.h.
**
** Built like bm25 in FTS5's fts5_aux.c: per-query values (idf, average row
** size) are computed on the first call and kept for the query; here they
** live in the struct rank_query the caller binds rather than xSetAuxdata,
** because the engine re-runs the MATCH once per candidate row and auxdata
** does not survive a new xFilter.
*/
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/cache.h"
#include "db.h"
#include "engine/attrs.h"
#include "engine/count.h"
#include "engine/early.h"
#include "engine/filter.h"
#include "engine/rank.h"
#include "hash.h"
#include "swedish.h"

/* Phrases whose document count is kept (rank_phrase_hits()), and the
** longest kept, bytes: at most ~1 MB per connection, whatever is asked. */
#define RANK_HITS_MAX 4096
#define RANK_HITS_TEXT 200
#define RANK_K1 1.2
#define RANK_B  0.75

/* Column weights, by DB_FTS_COL_* index. */
static const double aColWeight[RANK_NCOL] = {5.0, 2.0, 1.0};

/* Match-kind weights (see rank.h). */
#define RANK_W_EXACT 1.0
#define RANK_W_STEM  0.7
#define RANK_W_PART  0.4
#define RANK_W_SYN   0.8
/* A near group's match (query.h), shared by its words: below the phrase
** it stands beside, whose instance weighs 1.0 (or RANK_W_SYN). */
#define RANK_W_NEAR  0.5
/* The assignment bonus (rank.h): a row whose assignment holds a query
** word scores up to 1 + RANK_ASSIGN_BONUS times what its instances give
** (the bonus scaled by the best match kind there). */
#define RANK_ASSIGN_BONUS 1.0
/* searchd_quick() = the bound times this (rank_score()). */
#define RANK_BOUND_MARGIN (1.0 + 1e-9)

/* One word of a column: its bytes and the hash of its whole-word stem
** (bStem: computed; only the words an instance is on need it). */
struct rank_tok {
  int iStart, iEnd;
  int bStem;
  uint64_t hStem;
};

/* A phrase instance: phrase, column, word offset (xInst's triple). */
struct rank_inst {
  int iPhrase, iCol, iOff;
};

/* A positive phrase instance in one column: word offset and clause. */
struct rank_hit {
  int iOff;
  int iClause;
};

struct rank {
  struct rank_query *pq;          /* the query of the call in progress */
  struct rank_tok *aTok;          /* scratch: one column's words */
  int nTokAlloc;
  struct rank_inst *aInst;        /* scratch: the row's instances */
  struct rank_hit *aHit;          /* scratch: one column's, for proximity */
  int nInstAlloc;
  struct cache *pHits;            /* phrase key -> rows holding it */
  fts5_tokenizer split;           /* swedish_split_new(): where words are */
  Fts5Tokenizer *pSplit;
};

/* Per-call state of a tokenizer callback. */
struct rank_tokcb {
  struct rank_tok *aTok;          /* may be NULL: only count */
  int nTok, nMax;
  int bFirstOnly;                 /* stop after the first word */
};

/* Is id in the sorted set a[0..n)? */
static int rank_in(const sqlite3_int64 *a, int n, sqlite3_int64 id){
  int lo = 0, hi = n - 1;
  while( lo<=hi ){
    int mid = lo + (hi-lo)/2;
    if( a[mid]==id ) return 1;
    if( a[mid]<id ) lo = mid+1; else hi = mid-1;
  }
  return 0;
}

/* xTokenize callback: record each whole word (non-colocated token). */
static int rank_token_cb(void *pCtx, int tflags, const char *pToken,
                         int nToken, int iStart, int iEnd){
  struct rank_tokcb *c = (struct rank_tokcb*)pCtx;
  if( tflags & FTS5_TOKEN_COLOCATED ) return SQLITE_OK;
  if( c->nTok<c->nMax && c->aTok ){
    c->aTok[c->nTok].iStart = iStart;
    c->aTok[c->nTok].iEnd = iEnd;
    c->aTok[c->nTok].hStem = hash_fnv1a(pToken, (size_t)nToken);
  }
  c->nTok++;
  if( c->aTok && c->nTok>=c->nMax ) return SQLITE_DONE;
  return (c->bFirstOnly && c->nTok>=1) ? SQLITE_DONE : SQLITE_OK;
}

/*
** Split-only tokenizer callback: record where each word is. Its tokens
** are the aux xTokenize's one to one (swedish_split_new()), without the
** analysis of every word: the kind test stems only the words instances
** are on (rank_tok_stem()).
*/
static int rank_split_cb(void *pCtx, int tflags, const char *pToken,
                         int nToken, int iStart, int iEnd){
  struct rank_tokcb *c = (struct rank_tokcb*)pCtx;
  (void)tflags; (void)pToken; (void)nToken;
  if( c->nTok<c->nMax ){
    c->aTok[c->nTok].iStart = iStart;
    c->aTok[c->nTok].iEnd = iEnd;
    c->aTok[c->nTok].bStem = 0;
  }
  c->nTok++;
  return c->nTok>=c->nMax ? SQLITE_DONE : SQLITE_OK;
}

/* The whole-word stem of word t of column text zCol into t->hStem: the
** table's tokenizer's term of the word alone, which is its term in the
** text (the aux terms do not depend on the words around). */
static int rank_tok_stem(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                         const char *zCol, struct rank_tok *t){
  struct rank_tok tok;
  struct rank_tokcb c = {&tok, 0, 1, 1};
  int rc = pApi->xTokenize(pFts, zCol + t->iStart, t->iEnd - t->iStart, &c,
                           rank_token_cb);
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  t->hStem = (rc==SQLITE_OK && c.nTok>0) ? tok.hStem : 0;
  t->bStem = rc==SQLITE_OK;
  return rc;
}

/* xQueryPhrase callback: count the rows holding the phrase. */
static int rank_count_cb(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                         void *pCtx){
  (void)pApi; (void)pFts;
  (*(sqlite3_int64*)pCtx)++;
  return SQLITE_OK;
}

/* First word of text z[0..n) as the table's tokenizer sees it. */
static int rank_phrase_word(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                            const char *z, struct rank_phrase *pOut){
  struct rank_tok tok;
  struct rank_tokcb c = {&tok, 0, 1, 1};
  int n = (int)strlen(z);
  int rc = pApi->xTokenize(pFts, z, n, &c, rank_token_cb);
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  if( rc==SQLITE_OK && c.nTok>0 ){
    int nWord = tok.iEnd - tok.iStart;
    pOut->hStem = tok.hStem;
    pOut->nFold = nWord<RANK_MAX_FOLD ? nWord : RANK_MAX_FOLD;
    swedish_fold(z + tok.iStart, pOut->nFold, pOut->zFold, pOut->nFold);
  }
  return rc;
}

/* The clause of phrase i (for the proximity and assignment factors), or
** -1 when it has none (an excluded term). */
static int rank_phrase_clause(const struct rank *p, int i){
  int iClause = p->pq->memo.bMapped ? query_phrase(p->pq->q, i)->iClause
                                    : (i<QUERY_MAX_TERMS ? i : -1);
  return (iClause<0 || iClause>=QUERY_MAX_TERMS) ? -1 : iClause;
}

/*
** The assignment factor of a row whose assignment column holds query
** words with match-kind weights up to kAssign (0: none there):
** 1 + RANK_ASSIGN_BONUS * kAssign. What the board's assignment says
** decides what a row is about; its status narrative mentions much in
** passing, so a row matching only there needs a match up to
** 1 + RANK_ASSIGN_BONUS times stronger to come first. A compound part
** (vårdkontakt for vård) says less about the assignment than the word
** itself, hence the kind. Not weighted by idf: a query word the
** assignment holds at all is what a reader looks for first (weighting
** by idf put "samordnad individuell plan, fast vårdkontakt" above
** "samordning av vård" for samordnad vård). The bound passes the largest
** kind its phrases allow, so it stays at least the exact factor.
*/
static double rank_assign_factor(double kAssign){
  return 1.0 + RANK_ASSIGN_BONUS * kAssign;
}

/*
** idf per user term, not per phrase: the alternatives of one term (its
** synonyms, corrections, restored diacritics) share the idf of the most
** frequent of them, as Lucene's SynonymQuery does, so a rare synonym
** cannot outrank the word the user typed. The Lucene form
** log(1 + (N - n + 0.5) / (n + 0.5)) stays positive, so a word found in
** over half of the rows still counts a little, instead of nothing.
*/
static void rank_set_idf(struct rank *p, sqlite3_int64 nRow){
  int i, j;
  for(i=0; i<p->pq->memo.nPhrase; i++){
    sqlite3_int64 nHit = p->pq->memo.aPhrase[i].nHit;
    if( p->pq->memo.bMapped ){
      int iTerm = query_phrase(p->pq->q, i)->iTerm;
      /* A near group's words are each far more common than the group:
      ** they take the term's idf, and do not lower it. */
      if( query_phrase(p->pq->q, i)->altKind==QUERY_ALT_NEAR ) nHit = 0;
      for(j=0; j<p->pq->memo.nPhrase; j++){
        if( query_phrase(p->pq->q, j)->iTerm==iTerm
         && query_phrase(p->pq->q, j)->altKind!=QUERY_ALT_NEAR
         && p->pq->memo.aPhrase[j].nHit>nHit ){
          nHit = p->pq->memo.aPhrase[j].nHit;
        }
      }
    }
    if( nHit>nRow ) nHit = nRow;
    p->pq->memo.aPhrase[i].idf = log(1.0 + (nRow - nHit + 0.5) / (nHit + 0.5));
  }
}

/*
** The key of phrase qp's count in pHits (sqlite3_free() it), or NULL if it
** is not kept: a text over RANK_HITS_TEXT bytes (so that long pasted
** phrases cannot fill the memory), or out of memory.
*/
static char *rank_hits_key(const struct query_phrase *qp){
  if( strlen(qp->zText)>RANK_HITS_TEXT ) return 0;
  return sqlite3_mprintf("%d:%s", (int)qp->kind, qp->zText);
}

/* The kept count of phrase qp into *pnHit: 1, or 0 if it is not kept. */
static int rank_hits_get(struct rank *p, const struct query_phrase *qp,
                         sqlite3_int64 *pnHit){
  char *zKey = rank_hits_key(qp);
  size_t n = 0;
  const char *zVal = zKey ? cache_get(p->pHits, zKey, &n) : 0;
  sqlite3_free(zKey);
  if( zVal==0 || n!=sizeof(*pnHit) ) return 0;
  memcpy(pnHit, zVal, sizeof(*pnHit));
  return 1;
}

/* Keep nHit as phrase qp's count (not when out of memory: counted again
** next time). */
static void rank_hits_put(struct rank *p, const struct query_phrase *qp,
                          sqlite3_int64 nHit){
  char *zKey = rank_hits_key(qp);
  if( zKey ) cache_put(p->pHits, zKey, (const char*)&nHit, sizeof(nHit));
  sqlite3_free(zKey);
}

/*
** The number of rows holding phrase i. Counting walks the phrase's whole
** doclist (xQueryPhrase), which for a broad word costs as much as the rest
** of the query, so the counts are kept per phrase, as a term dictionary
** keeps document frequencies, until rank_clear_hits() (the index changed).
** The key is the phrase as the query parser made it: kind and text.
*/
static int rank_phrase_hits(struct rank *p, const Fts5ExtensionApi *pApi,
                            Fts5Context *pFts, int i, sqlite3_int64 *pnHit){
  const struct query_phrase *qp = p->pq->memo.bMapped
                                 ? query_phrase(p->pq->q, i) : 0;
  int rc;
  *pnHit = 0;
  if( qp && rank_hits_get(p, qp, pnHit) ) return SQLITE_OK;
  rc = pApi->xQueryPhrase(pFts, i, pnHit, rank_count_cb);
  if( rc==SQLITE_OK && qp ) rank_hits_put(p, qp, *pnHit);
  return rc;
}

/*
** Is walking the query's phrases into pq->pWalk worth it (count.h)? Only
** when the sets fit the query and, for more than one phrase, every
** phrase's count is kept.
*/
static int rank_walk_worth(struct rank *p){
  const struct rank_query *pq = p->pq;
  sqlite3_int64 anHit[RANK_MAX_PHRASE];
  int i;
  if( pq->pWalk==0 || !pq->memo.bMapped ) return 0;
  if( !count_walk_fits(pq->pWalk, pq->q) ) return 0;
  /* A near group's words match rows the group does not: their doclists
  ** would count rows the query does not find. */
  for(i=0; i<pq->memo.nPhrase; i++){
    if( query_phrase(pq->q, i)->altKind==QUERY_ALT_NEAR ) return 0;
  }
  if( pq->memo.nPhrase==1 ){
    /* A prefix's walk merges its doclists again: worth it only when its
    ** count is not kept, which the walk gives too. Else the scan counts
    ** the rows past its window itself (scan.h). */
    const struct query_phrase *qp = query_phrase(pq->q, 0);
    return qp->kind!=QUERY_PREFIX || !rank_hits_get(p, qp, &anHit[0]);
  }
  for(i=0; i<pq->memo.nPhrase; i++){
    if( !rank_hits_get(p, query_phrase(pq->q, i), &anHit[i]) ) return 0;
  }
  return count_walk_worth(pq->q, anHit, pq->memo.nPhrase);
}

/* Walk phrase i's doclist into its set (count.h); its count into
** *pnHit, kept for idf. */
static int rank_walk_phrase(struct rank *p, const Fts5ExtensionApi *pApi,
                            Fts5Context *pFts, int i, sqlite3_int64 *pnHit){
  const struct query_phrase *qp = query_phrase(p->pq->q, i);
  int rc = count_walk_phrase(p->pq->pWalk, pApi, pFts, i, qp->iClause,
                             pnHit);
  if( rc==SQLITE_OK ) rank_hits_put(p, qp, *pnHit);
  return rc;
}

/* Compute the per-query values: idf and first word of each phrase. */
static int rank_prepare(struct rank *p, const Fts5ExtensionApi *pApi,
                        Fts5Context *pFts){
  sqlite3_int64 nRow = 0, nTotal = 0;
  int i, rc, bWalk;
  p->pq->memo.nPhrase = pApi->xPhraseCount(pFts);
  if( p->pq->memo.nPhrase>RANK_MAX_PHRASE ){
    p->pq->memo.nPhrase = RANK_MAX_PHRASE;
  }
  p->pq->memo.bMapped = p->pq->memo.nPhrase==query_phrase_count(p->pq->q);
  bWalk = rank_walk_worth(p);
  rc = pApi->xRowCount(pFts, &nRow);
  for(i=0; rc==SQLITE_OK && i<RANK_NCOL; i++){
    rc = pApi->xColumnTotalSize(pFts, i, &nTotal);
    p->pq->memo.aAvgLen[i] = nRow>0 ? (double)nTotal / (double)nRow : 1.0;
    if( p->pq->memo.aAvgLen[i]<=0 ) p->pq->memo.aAvgLen[i] = 1.0;
  }
  for(i=0; rc==SQLITE_OK && i<p->pq->memo.nPhrase; i++){
    struct rank_phrase *ph = &p->pq->memo.aPhrase[i];
    memset(ph, 0, sizeof(*ph));
    if( bWalk ){
      rc = rank_walk_phrase(p, pApi, pFts, i, &ph->nHit);
      /* A walk that cannot finish is only a missed shortcut: the caller
      ** counts by statement instead. */
      if( rc!=SQLITE_OK && rc!=SQLITE_NOMEM && rc!=SQLITE_INTERRUPT ){
        bWalk = 0;
        rc = rank_phrase_hits(p, pApi, pFts, i, &ph->nHit);
      }
    }else{
      rc = rank_phrase_hits(p, pApi, pFts, i, &ph->nHit);
    }
    if( rc==SQLITE_OK && p->pq->memo.bMapped ){
      rc = rank_phrase_word(pApi, pFts, query_phrase(p->pq->q, i)->zText, ph);
    }
  }
  if( rc==SQLITE_OK ) rank_set_idf(p, nRow);
  if( rc==SQLITE_OK ) p->pq->memo.bReady = 1;
  if( p->pq->pWalk ) count_walk_done(p->pq->pWalk, rc==SQLITE_OK && bWalk);
  return rc;
}

/*
** Split column iCol of the current row into p->aTok, up to word iLast
** (the last instance's: the words after it are never looked at); *pnTok
** words. Split only: the stems are looked up per instance.
*/
static int rank_tokenize(struct rank *p, const Fts5ExtensionApi *pApi,
                         Fts5Context *pFts, int iCol, int iLast,
                         const char **pz, int *pnTok){
  struct rank_tokcb c = {0, 0, 0, 0};
  /* Words 0..iLast: an instance's offset is below the column's length,
  ** so no xColumnSize (a %_docsize seek) is needed to bound it. */
  int nSize = iLast + 1, n = 0, rc = SQLITE_OK;
  if( nSize>p->nTokAlloc ){
    struct rank_tok *aNew = sqlite3_realloc64(p->aTok,
                                              sizeof(*aNew) * (nSize + 64));
    if( aNew==0 ) rc = SQLITE_NOMEM;
    else{ p->aTok = aNew; p->nTokAlloc = nSize + 64; }
  }
  if( rc==SQLITE_OK ) rc = pApi->xColumnText(pFts, iCol, pz, &n);
  if( rc==SQLITE_OK && *pz ){
    c.aTok = p->aTok;
    c.nMax = nSize;
    rc = p->split.xTokenize(p->pSplit, &c, FTS5_TOKENIZE_AUX, *pz, n,
                            rank_split_cb);
    if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  }
  *pnTok = c.nTok<c.nMax ? c.nTok : c.nMax;
  return rc;
}

/* The largest weight rank_kind() can give phrase iPhrase. */
static double rank_kind_max(const struct rank *p, int iPhrase){
  const struct query_phrase *qp;
  double w;
  if( !p->pq->memo.bMapped ) return RANK_W_STEM;
  qp = query_phrase(p->pq->q, iPhrase);
  if( qp->altKind==QUERY_ALT_NEAR ) return RANK_W_NEAR / qp->nGroup;
  w = qp->kind==QUERY_PREFIX ? RANK_W_STEM : RANK_W_EXACT;
  return qp->altKind==QUERY_ALT_SYNONYM ? w * RANK_W_SYN : w;
}

/* Weight of a phrase instance at word iOff into *pW, by match kind; with
** bBound, the largest its phrase allows (no text needed). Returns an
** SQLite code (stemming the word). */
static int rank_kind(struct rank *p, const Fts5ExtensionApi *pApi,
                     Fts5Context *pFts, int bBound, int iPhrase,
                     const char *zCol, int nTok, int iOff, double *pW){
  const struct rank_phrase *ph = &p->pq->memo.aPhrase[iPhrase];
  const struct query_phrase *qp;
  struct rank_tok *t;
  char zFold[RANK_MAX_FOLD];
  int nWord, rc = SQLITE_OK;
  double w;
  *pW = rank_kind_max(p, iPhrase);
  if( bBound ) return SQLITE_OK;
  if( p->pq->memo.bMapped
   && query_phrase(p->pq->q, iPhrase)->altKind==QUERY_ALT_NEAR ){
    return SQLITE_OK;                   /* the group's, whatever the form */
  }
  if( !p->pq->memo.bMapped || iOff<0 || iOff>=nTok || zCol==0 ){
    /* Text not read: at most what the bound gives (rank.h). */
    if( *pW>RANK_W_STEM ) *pW = RANK_W_STEM;
    return SQLITE_OK;
  }
  qp = query_phrase(p->pq->q, iPhrase);
  t = &p->aTok[iOff];
  nWord = t->iEnd - t->iStart;
  if( nWord>RANK_MAX_FOLD ) nWord = RANK_MAX_FOLD;
  swedish_fold(zCol + t->iStart, nWord, zFold, nWord);
  if( qp->kind==QUERY_PREFIX ){
    w = (nWord>=ph->nFold && memcmp(zFold, ph->zFold, ph->nFold)==0)
        ? RANK_W_STEM : RANK_W_PART;
  }else if( nWord==ph->nFold && memcmp(zFold, ph->zFold, nWord)==0 ){
    w = RANK_W_EXACT;
  }else{
    if( !t->bStem ) rc = rank_tok_stem(pApi, pFts, zCol, t);
    w = t->hStem==ph->hStem ? RANK_W_STEM : RANK_W_PART;
  }
  if( qp->altKind==QUERY_ALT_SYNONYM ) w *= RANK_W_SYN;
  *pW = w;
  return rc;
}

/*
** Proximity factor of one column's hits (sorted by offset): find the
** smallest window holding every clause that occurs in the column (k of
** them), and reward k and tightness (see rank.h). Returns >= 1.
*/
static double rank_window(const struct rank_hit *a, int n, int nClause){
  int aCnt[QUERY_MAX_TERMS];
  int i, j = 0, k = 0, nIn = 0, best = -1;
  if( nClause<2 || n<2 ) return 1.0;
  memset(aCnt, 0, sizeof(aCnt));
  for(i=0; i<n; i++){ if( aCnt[a[i].iClause]++==0 ) k++; }
  if( k<2 ) return 1.0;
  memset(aCnt, 0, sizeof(aCnt));
  for(i=0; i<n; i++){
    if( aCnt[a[i].iClause]++==0 ) nIn++;
    while( nIn==k ){
      int w = a[i].iOff - a[j].iOff + 1;
      if( best<0 || w<best ) best = w;
      if( --aCnt[a[j].iClause]==0 ) nIn--;
      j++;
    }
  }
  if( best<k ) best = k;
  return 1.0 + ((double)(k-1) / (nClause-1)) / (1.0 + (best-k) / 2.0);
}

/* Room for n instances in p->aInst and p->aHit. */
static int rank_reserve(struct rank *p, int n){
  struct rank_inst *aInst;
  struct rank_hit *aHit;
  if( n<=p->nInstAlloc ) return SQLITE_OK;
  n = n<p->nInstAlloc*2 ? p->nInstAlloc*2 : n + 64;
  aInst = sqlite3_realloc64(p->aInst, sizeof(*aInst) * n);
  if( aInst==0 ) return SQLITE_NOMEM;
  p->aInst = aInst;
  aHit = sqlite3_realloc64(p->aHit, sizeof(*aHit) * n);
  if( aHit==0 ) return SQLITE_NOMEM;
  p->aHit = aHit;
  p->nInstAlloc = n;
  return SQLITE_OK;
}

/* The row's instances into p->aInst by xInst: in (column, offset) order. */
static int rank_inst_all(struct rank *p, const Fts5ExtensionApi *pApi,
                         Fts5Context *pFts, int *pnInst){
  int nInst = 0, i, rc = pApi->xInstCount(pFts, &nInst);
  if( rc==SQLITE_OK ) rc = rank_reserve(p, nInst);
  for(i=0; rc==SQLITE_OK && i<nInst; i++){
    struct rank_inst *t = &p->aInst[i];
    rc = pApi->xInst(pFts, i, &t->iPhrase, &t->iCol, &t->iOff);
  }
  *pnInst = rc==SQLITE_OK ? nInst : 0;
  return rc;
}

static int rank_inst_before(const struct rank_inst *a,
                            const struct rank_inst *b){
  if( a->iCol!=b->iCol ) return a->iCol < b->iCol;
  if( a->iOff!=b->iOff ) return a->iOff < b->iOff;
  return a->iPhrase < b->iPhrase;
}

/*
** The same list as rank_inst_all(), read phrase by phrase with
** xPhraseFirst/Next, which walk each position list as it is: xInst first
** merges them all into one array, too much for every row of a first pass.
** Each phrase's list is in order already, so the insertion sort that
** merges them costs little.
*/
static int rank_inst_phrases(struct rank *p, const Fts5ExtensionApi *pApi,
                             Fts5Context *pFts, int *pnInst){
  int i, n = 0, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<p->pq->memo.nPhrase; i++){
    Fts5PhraseIter it;
    int iCol = -1, iOff = 0;
    rc = pApi->xPhraseFirst(pFts, i, &it, &iCol, &iOff);
    while( rc==SQLITE_OK && iCol>=0 ){
      struct rank_inst t;
      int j = n;
      rc = rank_reserve(p, n+1);
      if( rc!=SQLITE_OK ) break;
      t.iPhrase = i; t.iCol = iCol; t.iOff = iOff;
      while( j>0 && rank_inst_before(&t, &p->aInst[j-1]) ){
        p->aInst[j] = p->aInst[j-1];
        j--;
      }
      p->aInst[j] = t;
      n++;
      pApi->xPhraseNext(pFts, &it, &iCol, &iOff);
    }
  }
  *pnInst = rc==SQLITE_OK ? n : 0;
  return rc;
}

/*
** The row's column lengths in tokens into aLen: from the attributes if
** they know the row, else xColumnSize (a b-tree seek).
*/
static int rank_lengths(struct rank *p, const Fts5ExtensionApi *pApi,
                        Fts5Context *pFts, int *aLen){
  const struct attr_row *r = p->pq->attrs
                           ? attrs_find(p->pq->attrs, pApi->xRowid(pFts)) : 0;
  int c, rc = SQLITE_OK;
  if( r && r->aLen[0]!=ATTRS_LEN_UNKNOWN ){
    for(c=0; c<RANK_NCOL; c++) aLen[c] = r->aLen[c];
    return SQLITE_OK;
  }
  for(c=0; rc==SQLITE_OK && c<RANK_NCOL; c++){
    rc = pApi->xColumnSize(pFts, c, &aLen[c]);
  }
  return rc;
}

/* Clauses of the query for the proximity factor (rank_window()). */
static int rank_clauses(const struct rank *p){
  const struct rank_memo *m = &p->pq->memo;
  return m->bMapped ? query_clause_count(p->pq->q) : m->nPhrase;
}

/*
** Go through the row's instances aInst[0..nInst) (in column, offset
** order) column by column: add each one's weight to aFreq[phrase], note
** matched clauses in *pMask, and return the best column's proximity
** factor in *pProx. Without bBound, a column with instances is tokenized
** up to its last one for the match kinds.
*/
static int rank_instances(struct rank *p, const Fts5ExtensionApi *pApi,
                          Fts5Context *pFts, int nInst, const int *aLen,
                          int bBound, double *aFreq, uint64_t *pMask,
                          double *pAssign, double *pProx){
  const struct rank_inst *aInst = p->aInst;
  int nClause = rank_clauses(p);
  int i = 0, rc = SQLITE_OK;
  while( rc==SQLITE_OK && i<nInst ){
    int c = aInst[i].iCol, e = i, nTok = 0, nHit = 0;
    const char *zCol = 0;
    double norm;
    while( e<nInst && aInst[e].iCol==c ) e++;
    if( c<0 || c>=RANK_NCOL ){ i = e; continue; }
    if( !bBound ){
      rc = rank_tokenize(p, pApi, pFts, c, aInst[e-1].iOff, &zCol, &nTok);
    }
    norm = 1.0 - RANK_B + RANK_B * aLen[c] / p->pq->memo.aAvgLen[c];
    for(; rc==SQLITE_OK && i<e; i++){
      int iPhrase = aInst[i].iPhrase, iClause;
      double k;
      if( iPhrase>=p->pq->memo.nPhrase ) continue;
      rc = rank_kind(p, pApi, pFts, bBound, iPhrase, zCol, nTok,
                     aInst[i].iOff, &k);
      if( rc!=SQLITE_OK ) break;
      aFreq[iPhrase] += aColWeight[c] / norm * k;
      iClause = rank_phrase_clause(p, iPhrase);
      if( iClause<0 ) continue;
      *pMask |= (uint64_t)1 << iClause;
      if( c==DB_FTS_COL_ASSIGNMENT && k>*pAssign ) *pAssign = k;
      p->aHit[nHit].iOff = aInst[i].iOff;
      p->aHit[nHit++].iClause = iClause;
    }
    if( rc==SQLITE_OK ){
      double f = rank_window(p->aHit, nHit, nClause);
      if( f>*pProx ) *pProx = f;
    }
    i = e;
  }
  return rc;
}

/*
** BM25F over the row's frequencies, which rank_instances() has already
** weighted by column and match kind and normalised by column length.
*/
static double rank_bm25f(const struct rank *p, const double *aFreq){
  double s = 0;
  int i;
  for(i=0; i<p->pq->memo.nPhrase; i++){
    double f = aFreq[i];
    if( f<=0 ) continue;
    s += p->pq->memo.aPhrase[i].idf * (f * (RANK_K1 + 1.0)) / (f + RANK_K1);
  }
  return s;
}

static int rank_popcount(uint64_t m){
  int n = 0;
  for(; m; m &= m-1) n++;
  return n;
}

/*
** The score of the current row from its instances in p->aInst[0..nInst):
** exact, or with bBound the upper bound (rank.h) into *pScore.
*/
static int rank_score(struct rank *p, const Fts5ExtensionApi *pApi,
                      Fts5Context *pFts, int nInst, int bBound,
                      double *pScore){
  double aFreq[RANK_MAX_PHRASE], prox = 1.0, rel = 0;
  int aLen[RANK_NCOL];
  double kAssign = 0;
  uint64_t mask = 0;
  int rc = rank_lengths(p, pApi, pFts, aLen);
  memset(aFreq, 0, sizeof(aFreq[0]) * p->pq->memo.nPhrase);
  if( rc==SQLITE_OK ){
    rc = rank_instances(p, pApi, pFts, nInst, aLen, bBound, aFreq, &mask,
                        &kAssign, &prox);
  }
  if( rc==SQLITE_OK ){
    rel = rank_bm25f(p, aFreq) * prox * rank_assign_factor(kAssign);
  }
  if( p->pq->bRelaxed ) rel = rank_popcount(mask) + rel / (1.0 + rel);
  /* The bound and the exact score add up the same terms in the same
  ** order, the bound's each at least as large; the margin covers the
  ** rounding of the divisions after the sums. */
  *pScore = bBound ? rel * RANK_BOUND_MARGIN : rel;
  return rc;
}

/*
** The struct rank_query of a call (its last argument) into p->pq; 0 if
** there is none (the call's result is then an error).
*/
static int rank_call(struct rank *p, sqlite3_context *pCtx, int nVal,
                     sqlite3_value **apVal){
  p->pq = nVal>=1 ? (struct rank_query*)sqlite3_value_pointer(
                        apVal[nVal-1], RANK_POINTER_TYPE) : 0;
  if( p->pq==0 ){
    sqlite3_result_error(pCtx, "searchd ranking: no query bound", -1);
    return 0;
  }
  return 1;
}

/*
** The start of searchd_rank() and searchd_quick(): the bound query taken,
** 0.0 answered for a query with no clauses, the query's memo prepared on
** its first row. Returns 0 when the result is already set, else 1 with
** *pRc the preparation's result.
*/
static int rank_begin(struct rank *p, const Fts5ExtensionApi *pApi,
                      Fts5Context *pFts, sqlite3_context *pCtx, int nVal,
                      sqlite3_value **apVal, int *pRc){
  *pRc = SQLITE_OK;
  if( !rank_call(p, pCtx, nVal, apVal) ) return 0;
  if( p->pq->q==0 ){
    sqlite3_result_double(pCtx, 0.0);
    return 0;
  }
  if( !p->pq->memo.bReady ) *pRc = rank_prepare(p, pApi, pFts);
  return 1;
}

/* The score s as the call's result, or the error rc. */
static void rank_end(sqlite3_context *pCtx, int rc, double s){
  if( rc!=SQLITE_OK ) sqlite3_result_error_code(pCtx, rc);
  else sqlite3_result_double(pCtx, s);
}

/* Note the exact score s of row id (rank_query.iExact). */
static void rank_note_exact(struct rank_query *pq, sqlite3_int64 id,
                            double s){
  pq->iExact = id;
  pq->fExact = s;
  pq->bExact = 1;
}

/* searchd_rank(): the exact score. */
static void rank_fn(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                    sqlite3_context *pCtx, int nVal, sqlite3_value **apVal){
  struct rank *p = (struct rank*)pApi->xUserData(pFts);
  double s = 0;
  int nInst = 0, rc;
  if( !rank_begin(p, pApi, pFts, pCtx, nVal, apVal, &rc) ) return;
  if( rc==SQLITE_OK ) rc = rank_inst_all(p, pApi, pFts, &nInst);
  if( rc==SQLITE_OK ) rc = rank_score(p, pApi, pFts, nInst, 0, &s);
  if( rc==SQLITE_OK ) rank_note_exact(p->pq, pApi->xRowid(pFts), s);
  rank_end(pCtx, rc, s);
}

/*
** rank_score()'s bound for a query of one clause, which has no proximity
** factor, so each phrase's instances are summed as xPhraseFirst/Next give
** them, unsorted and unstored: the same terms in the same order.
*/
static int rank_quick_one(struct rank *p, const Fts5ExtensionApi *pApi,
                          Fts5Context *pFts, double *pScore){
  double aFreq[RANK_MAX_PHRASE], aCol[RANK_NCOL], rel;
  double kAssign = 0;
  int aLen[RANK_NCOL], i, rc = rank_lengths(p, pApi, pFts, aLen);
  for(i=0; rc==SQLITE_OK && i<RANK_NCOL; i++){
    aCol[i] = aColWeight[i]
        / (1.0 - RANK_B + RANK_B * aLen[i] / p->pq->memo.aAvgLen[i]);
  }
  for(i=0; rc==SQLITE_OK && i<p->pq->memo.nPhrase; i++){
    Fts5PhraseIter it;
    int iCol = -1, iOff = 0;
    double w = rank_kind_max(p, i);
    aFreq[i] = 0;
    rc = pApi->xPhraseFirst(pFts, i, &it, &iCol, &iOff);
    while( rc==SQLITE_OK && iCol>=0 ){
      if( iCol<RANK_NCOL ) aFreq[i] += aCol[iCol] * w;
      if( iCol==DB_FTS_COL_ASSIGNMENT && w>kAssign ) kAssign = w;
      pApi->xPhraseNext(pFts, &it, &iCol, &iOff);
    }
  }
  rel = rc==SQLITE_OK ? rank_bm25f(p, aFreq) * rank_assign_factor(kAssign)
                      : 0;
  *pScore = rel * RANK_BOUND_MARGIN;
  return rc;
}

/*
** Keep v among the nMax largest values of the min-heap a (*pn of them,
** worst on top). Returns 1 if v is among them, 0 if it fell out at once.
*/
static int rank_heap_push(double *a, int *pn, int nMax, double v){
  int i, n = *pn;
  if( n<nMax ){
    for(i=n++; i>0 && a[(i-1)/2] > v; i=(i-1)/2) a[i] = a[(i-1)/2];
    a[i] = v;
    *pn = n;
    return 1;
  }
  if( v<=a[0] ) return 0;
  i = 0;
  for(;;){
    int l = 2*i+1, r = l+1, m = i;
    double w = v;
    if( l<n && a[l] < w ){ m = l; w = a[l]; }
    if( r<n && a[r] < w ) m = r;
    if( m==i ) break;
    a[i] = a[m];
    i = m;
  }
  a[i] = v;
  return 1;
}

/*
** Early exact scores (rank_query.nEarly): after the bound of the current
** row, its exact score too if the row passes the filters, its bound is
** among the best two pages of bounds so far and reaches the page's floor
** so far, kept in pq->pEarly.
** (Without the second test, bounds that exceed exact scores by up to the
** match kinds' ratio let most of a broad word's rows through: ~300 exact
** scores a query.)
*/
static int rank_early(struct rank *p, const Fts5ExtensionApi *pApi,
                      Fts5Context *pFts, double bound){
  const struct rank_query *pq = p->pq;
  struct rank_memo *m = &p->pq->memo;
  sqlite3_int64 iRowid = pApi->xRowid(pFts);
  double exact = 0;
  int nInst = 0, rc;
  if( filter_row(pq->pFilter, iRowid)==0 ) return SQLITE_OK;
  if( !rank_heap_push(m->aTop, &m->nTop, 2*pq->nEarly, bound) ){
    return SQLITE_OK;
  }
  if( m->nFloor>=pq->nEarly && bound<m->aFloor[0] ) return SQLITE_OK;
  rc = rank_inst_all(p, pApi, pFts, &nInst);
  if( rc==SQLITE_OK ) rc = rank_score(p, pApi, pFts, nInst, 0, &exact);
  if( rc==SQLITE_OK ){
    rank_note_exact(p->pq, iRowid, exact);
    early_put(pq->pEarly, iRowid, exact);
    rank_heap_push(m->aFloor, &m->nFloor, pq->nEarly, exact);
  }
  return rc;
}

/* Are early exact scores asked for (rank_query.nEarly)? */
static int rank_early_on(const struct rank_query *pq){
  return pq->nEarly>0 && pq->nEarly<=RANK_EARLY_MAX && pq->pFilter
      && pq->pEarly;
}

/*
** searchd_quick(): the first-pass score, an upper bound of searchd_rank()
** from the doclist and the kept column lengths alone: every instance
** weighted as the best match kind its phrase allows, so no text is read.
*/
static void rank_quick_fn(const Fts5ExtensionApi *pApi, Fts5Context *pFts,
                          sqlite3_context *pCtx, int nVal,
                          sqlite3_value **apVal){
  struct rank *p = (struct rank*)pApi->xUserData(pFts);
  double s = 0;
  int nInst = 0, rc;
  if( !rank_begin(p, pApi, pFts, pCtx, nVal, apVal, &rc) ) return;
  if( rc==SQLITE_OK && rank_clauses(p)<2 && !p->pq->bRelaxed ){
    rc = rank_quick_one(p, pApi, pFts, &s);
  }else if( rc==SQLITE_OK ){
    rc = rank_inst_phrases(p, pApi, pFts, &nInst);
    if( rc==SQLITE_OK ) rc = rank_score(p, pApi, pFts, nInst, 1, &s);
  }
  if( rc==SQLITE_OK && rank_early_on(p->pq) ){
    rc = rank_early(p, pApi, pFts, s);
  }
  rank_end(pCtx, rc, s);
}

static void rank_destroy(void *pArg){
  struct rank *p = (struct rank*)pArg;
  if( p ){
    cache_free(p->pHits);
    if( p->pSplit ) p->split.xDelete(p->pSplit);
    sqlite3_free(p->aTok);
    sqlite3_free(p->aInst);
    sqlite3_free(p->aHit);
    sqlite3_free(p);
  }
}

/* The query bound as a rowid function's last argument; NULL after
** setting the error when there is none. */
static const struct rank_query *rank_bound(sqlite3_context *pCtx, int nArg,
                                           sqlite3_value **apArg){
  const struct rank_query *pq = (const struct rank_query*)
      sqlite3_value_pointer(apArg[nArg-1], RANK_POINTER_TYPE);
  if( pq==0 ){
    sqlite3_result_error(pCtx, "searchd ranking: no query bound", -1);
  }
  return pq;
}

/* searchd_is_cand(rowid, ?): is rowid in the bound query's aCand? */
static void rank_is_cand_fn(sqlite3_context *pCtx, int nArg,
                            sqlite3_value **apArg){
  const struct rank_query *pq = rank_bound(pCtx, nArg, apArg);
  if( pq==0 ) return;
  sqlite3_result_int(pCtx, rank_in(pq->aCand, pq->nCand,
                                   sqlite3_value_int64(apArg[0])));
}

/* searchd_has_exact(rowid, ?): was rowid's exact score computed in this
** row, reaching the floor (rank_query.iExact)? */
static void rank_has_exact_fn(sqlite3_context *pCtx, int nArg,
                              sqlite3_value **apArg){
  const struct rank_query *pq = rank_bound(pCtx, nArg, apArg);
  if( pq==0 ) return;
  sqlite3_result_int(pCtx,
                     rank_query_has_exact(pq, sqlite3_value_int64(apArg[0])));
}

/* searchd_pass(rowid, ?): rank_query.xPass's answer, or 1. */
static void rank_pass_fn(sqlite3_context *pCtx, int nArg,
                         sqlite3_value **apArg){
  const struct rank_query *pq = rank_bound(pCtx, nArg, apArg);
  if( pq==0 ) return;
  sqlite3_result_int(pCtx, pq->xPass ? pq->xPass(pq->pPassArg,
                                          sqlite3_value_int64(apArg[0])) : 1);
}

void rank_query_init(struct rank_query *pq, const struct query *q,
                     int bRelaxed){
  /* Not the whole memo (~45 KB): the first call fills what it reads. */
  struct rank_memo *m = &pq->memo;
  pq->q = q;
  pq->bRelaxed = bRelaxed;
  pq->attrs = 0;
  pq->nEarly = 0;
  pq->pFilter = 0;
  pq->pEarly = 0;
  pq->pWalk = 0;
  pq->aCand = 0;
  pq->nCand = 0;
  pq->iExact = 0;
  pq->bExact = 0;
  pq->fExact = 0;
  pq->fTextFloor = -HUGE_VAL;
  pq->xPass = 0;
  pq->pPassArg = 0;
  m->bReady = m->bMapped = m->nPhrase = 0;
  m->nFloor = m->nTop = 0;
}

int rank_bind(sqlite3_stmt *pStmt, int iParam, struct rank_query *pq){
  return sqlite3_bind_pointer(pStmt, iParam, pq, RANK_POINTER_TYPE, 0);
}

void rank_clear_hits(struct rank *p){
  cache_clear(p->pHits);
}

int rank_register(sqlite3 *db, struct rank **ppOut){
  struct rank *p = sqlite3_malloc(sizeof(*p));
  fts5_api *pApi = 0;
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( p ) memset(p, 0, sizeof(*p));
  if( p && cache_new(RANK_HITS_MAX, &p->pHits) ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ) rc = swedish_split_new(db, &p->split, &p->pSplit);
  if( rc==SQLITE_OK ){
    /* No user data: the set comes with the bound struct rank_query. */
    rc = sqlite3_create_function(db, RANK_CAND_FUNCTION, 2,
                                 SQLITE_UTF8|SQLITE_DETERMINISTIC, 0,
                                 rank_is_cand_fn, 0, 0);
  }
  if( rc==SQLITE_OK ){
    /* Not deterministic: its answer for one rowid changes as the first
    ** pass goes on, so SQLite must call it every row. */
    rc = sqlite3_create_function(db, RANK_EXACT_FUNCTION, 2, SQLITE_UTF8, 0,
                                 rank_has_exact_fn, 0, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_create_function(db, RANK_PASS_FUNCTION, 2, SQLITE_UTF8, 0,
                                 rank_pass_fn, 0, 0);
  }
  if( rc==SQLITE_OK ){
    /* On success the connection owns p and calls rank_destroy at close;
    ** on failure FTS5 has not kept it. */
    rc = pApi->xCreateFunction(pApi, RANK_QUICK_FUNCTION, p, rank_quick_fn,
                               0);
    if( rc==SQLITE_OK ){
      rc = pApi->xCreateFunction(pApi, RANK_FUNCTION, p, rank_fn,
                                 rank_destroy);
    }
  }
  if( rc!=SQLITE_OK ){
    rank_destroy(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}
