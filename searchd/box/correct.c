/*
** correct.c: diacritics restored and typos corrected from vocab (correct.h).
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "box/correct.h"
#include "box/ext.h"
#include "http/conf.h"
#include "box/fold.h"
#include "box/lexicon.h"
#include "box/parts.h"
#include "log.h"
#include "engine/query.h"
#include "plain.h"
#include "swedish.h"

/* Pieces of a hyphenated compound looked at (e-hälsa, covid-19-vård). */
#define CORRECT_MAX_PIECES 4
/* Letters after a one-letter first part (e-hälsa): at least a short word. */
#define CORRECT_MIN_HEAD 3

struct correct {
  sqlite3 *db;
  struct fold *pFold;
  sqlite3_stmt *pFound;
  sqlite3_stmt *pPlain;
  struct lexicon_share *pShare;   /* where the lexicon comes from */
  struct lexicon_share *pOwn;     /* the share over db, unless given one */
};

static const char zFoundSql[] =
  "SELECT 1 FROM assignments_fts WHERE assignments_fts MATCH ?1 LIMIT 1";
static const char zPlainSql[] =
  "SELECT word FROM vocab WHERE plain=?1 AND word<>?2 AND docs>0"
  " ORDER BY docs DESC, word LIMIT 16";

int correct_new(sqlite3 *db, struct correct **ppOut){
  struct correct *p = calloc(1, sizeof(*p));
  int rc = p ? SQLITE_OK : SQLITE_NOMEM;
  if( rc==SQLITE_OK ) rc = fold_new(db, &p->pFold);
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zFoundSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pFound, 0);
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_prepare_v3(db, zPlainSql, -1, SQLITE_PREPARE_PERSISTENT,
                            &p->pPlain, 0);
  }
  if( rc==SQLITE_OK ) rc = lexicon_share_new(db, 0, &p->pOwn);
  if( rc==SQLITE_OK ){
    p->db = db;
    p->pShare = p->pOwn;
  }
  if( rc!=SQLITE_OK ){
    correct_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void correct_set_share(struct correct *p, struct lexicon_share *pShare){
  lexicon_share_free(p->pOwn);
  p->pOwn = 0;
  p->pShare = pShare;
}

void correct_free(struct correct *p){
  if( p ){
    fold_free(p->pFold);
    sqlite3_finalize(p->pFound);
    sqlite3_finalize(p->pPlain);
    lexicon_share_free(p->pOwn);
    free(p);
  }
}

/* Reset pStmt and unbind its strings (bound SQLITE_STATIC); the first
** error of rc and those. */
static int correct_end(sqlite3_stmt *pStmt, int rc){
  int rc2 = sqlite3_reset(pStmt);
  if( rc==SQLITE_OK ) rc = rc2;
  rc2 = sqlite3_clear_bindings(pStmt);
  return rc==SQLITE_OK ? rc2 : rc;
}

int correct_found(struct correct *p, const char *zMatch, int *pbFound){
  int rc;
  *pbFound = 0;
  rc = sqlite3_bind_text(p->pFound, 1, zMatch, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_step(p->pFound);
  if( rc==SQLITE_ROW ){
    *pbFound = 1;
    rc = SQLITE_OK;
  }else if( rc==SQLITE_DONE ){
    rc = SQLITE_OK;
  }
  return correct_end(p->pFound, rc);
}

static int correct_min3(int a, int b, int c){
  int m = a<b ? a : b;
  return m<c ? m : c;
}

int correct_distance(const char *a, int na, const char *b, int nb, int nMax){
  unsigned aA[CORRECT_MAX_CHARS], aB[CORRECT_MAX_CHARS];
  int d[3][CORRECT_MAX_CHARS+1];    /* rows i-2, i-1, i (rolling) */
  int la = lexicon_decode(a, na, aA, 0, CORRECT_MAX_CHARS);
  int lb = lexicon_decode(b, nb, aB, 0, CORRECT_MAX_CHARS);
  int i, j;
  if( la<0 || lb<0 || la-lb>nMax || lb-la>nMax ) return nMax+1;
  for(j=0; j<=lb; j++) d[0][j] = j;
  for(i=1; i<=la; i++){
    int *cur = d[i%3], *prev = d[(i-1)%3], *prev2 = d[(i-2+3)%3];
    int rowMin;
    cur[0] = rowMin = i;
    for(j=1; j<=lb; j++){
      int cost = aA[i-1]==aB[j-1] ? 0 : 1;
      int v = correct_min3(prev[j]+1, cur[j-1]+1, prev[j-1]+cost);
      if( i>1 && j>1 && aA[i-1]==aB[j-2] && aA[i-2]==aB[j-1]
       && prev2[j-2]+1<v ) v = prev2[j-2]+1;
      cur[j] = v;
      if( v<rowMin ) rowMin = v;
    }
    if( rowMin>nMax ) return nMax+1;
  }
  return d[la%3][lb]>nMax ? nMax+1 : d[la%3][lb];
}

/*
** Is column 0 of pStmt's row (a vocab word) a stop word? A correction to
** one would search a word that is in most rows ("ar" is far likelier "år"
** than "är"), so stop words are never offered (parts.c keeps none).
*/
static int correct_is_stopword(sqlite3_stmt *pStmt){
  const char *z = (const char*)sqlite3_column_text(pStmt, 0);
  return z==0 || swedish_is_stopword(z, sqlite3_column_bytes(pStmt, 0));
}

/* Step 1 among the parts: the most frequent with the same plain form. */
static int correct_part_by_plain(const struct parts *pParts,
                                 const char *zWord, const char *zPlain,
                                 char **pzTo){
  int i;
  for(i=parts_lower_bound(pParts, zPlain); i<parts_count(pParts); i++){
    const char *zPart, *zPartPlain;
    sqlite3_int64 nDocs;
    parts_get(pParts, i, &zPart, &zPartPlain, &nDocs);
    if( strcmp(zPartPlain, zPlain)!=0 ) break;
    if( strcmp(zPart, zWord)==0 ) continue;
    *pzTo = sqlite3_mprintf("%s", zPart);
    return *pzTo ? SQLITE_OK : SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* The most frequent vocab word other than zWord with the plain form
** zPlain, no stop word; *pzTo stays NULL if there is none. */
static int correct_vocab_by_plain(struct correct *p, const char *zWord,
                                  const char *zPlain, char **pzTo){
  int rc = sqlite3_bind_text(p->pPlain, 1, zPlain, -1, SQLITE_STATIC);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pPlain, 2, zWord, -1,
                                             SQLITE_STATIC);
  while( rc==SQLITE_OK && (rc = sqlite3_step(p->pPlain))==SQLITE_ROW ){
    rc = SQLITE_OK;
    if( correct_is_stopword(p->pPlain) ) continue;
    *pzTo = sqlite3_mprintf("%s", sqlite3_column_text(p->pPlain, 0));
    rc = *pzTo ? SQLITE_DONE : SQLITE_NOMEM;
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  return correct_end(p->pPlain, rc);
}

/* Step 1: the most frequent vocab word, else part, with the same plain
** form. */
static int correct_by_plain(struct correct *p, const struct parts *pParts,
                            const char *zWord, const char *zPlain,
                            char **pzTo){
  int rc = correct_vocab_by_plain(p, zWord, zPlain, pzTo);
  if( rc==SQLITE_OK && *pzTo==0 ){
    rc = correct_part_by_plain(pParts, zWord, zPlain, pzTo);
  }
  return rc;
}

/*
** Step 2: the nearest vocab word or part by edit distance, then by
** documents (lexicon_near(), which also keeps the first letter), as the
** word of the vocab table or the part that has the chosen plain form.
*/
static int correct_by_distance(struct correct *p,
                               const struct lexicon *pLex,
                               const char *zWord, const char *zPlain,
                               int nChar, char **pzTo){
  struct lexicon_hit hit;
  int nMax = nChar>=8 ? 2 : 1;
  lexicon_near(pLex, zPlain, nMax, &hit);
  if( hit.dist>nMax ) return SQLITE_OK;
  if( hit.bPart ){
    return correct_part_by_plain(lexicon_parts(pLex), zWord, hit.zPlain,
                                 pzTo);
  }
  return correct_vocab_by_plain(p, zWord, hit.zPlain, pzTo);
}

/* Number of code points of z, or -1 if it holds an ASCII digit. */
static int correct_letters(const char *z){
  int n = 0;
  for(; *z; z++){
    if( *z>='0' && *z<='9' ) return -1;
    if( ((unsigned char)*z & 0xc0)!=0x80 ) n++;
  }
  return n;
}

/*
** The correction of the folded word zWord, one token (correct_word()):
** diacritics restored, else, if bTypo, the nearest word by edit distance.
** Sets *pzTo (NULL: none).
*/
static int correct_one(struct correct *p, const char *zWord, int bTypo,
                       char **pzTo){
  struct lexicon *pLex = 0;
  char *zPlain = 0;
  int nChar = correct_letters(zWord);
  int rc = SQLITE_OK;
  *pzTo = 0;
  if( nChar<2 || nChar>CORRECT_MAX_CHARS ) return SQLITE_OK;
  zPlain = malloc(strlen(zWord) + 1);
  if( zPlain==0 ) return SQLITE_NOMEM;
  plain_form(zWord, strlen(zWord), zPlain);
  rc = lexicon_share_get(p->pShare, &pLex);
  if( rc==SQLITE_OK ){
    rc = correct_by_plain(p, lexicon_parts(pLex), zWord, zPlain, pzTo);
  }
  if( rc==SQLITE_OK && *pzTo==0 && nChar>=4 && bTypo ){
    rc = correct_by_distance(p, pLex, zWord, zPlain, nChar, pzTo);
  }
  lexicon_free(pLex);
  free(zPlain);
  return rc;
}

/* Does the text z, as one quoted FTS5 phrase, find a row? */
static int correct_phrase_found(struct correct *p, const char *z,
                                int *pbFound){
  char *zMatch = sqlite3_mprintf("\"%w\"", z);
  int rc;
  *pbFound = 0;
  if( zMatch==0 ) return SQLITE_NOMEM;
  rc = correct_found(p, zMatch, pbFound);
  sqlite3_free(zMatch);
  return rc;
}

/*
** One piece of a hyphenated compound (folded): as typed if it finds a row
** or has no letters to correct (e, 19), else its correction (correct_one(),
** bTypo). Appends it to pStr; sets *pbChanged if corrected, *pbLost if it
** finds nothing and has no correction.
*/
static int correct_piece(struct correct *p, const char *zPiece, int bTypo,
                         sqlite3_str *pStr, int *pbChanged, int *pbLost){
  char *zTo = 0;
  int bFound = 1, rc = SQLITE_OK;
  if( correct_letters(zPiece)>=2 ){
    rc = correct_phrase_found(p, zPiece, &bFound);
  }
  if( rc==SQLITE_OK && !bFound ) rc = correct_one(p, zPiece, bTypo, &zTo);
  if( rc==SQLITE_OK && !bFound && zTo==0 ) *pbLost = 1;
  if( zTo ) *pbChanged = 1;
  sqlite3_str_appendall(pStr, zTo ? zTo : zPiece);
  sqlite3_free(zTo);
  return rc;
}

/*
** The correction of a compound given as nPiece folded pieces (e, halsa):
** each piece corrected (correct_piece(), typos too if bTypo), joined with
** hyphens, offered if some piece changed and the whole finds a row as a
** phrase (e-hälsa).
*/
static int correct_pieces(struct correct *p, char *const *azPiece,
                          int nPiece, int bTypo, char **pzTo){
  sqlite3_str *pStr = sqlite3_str_new(0);
  char *zCand;
  int i, bChanged = 0, bLost = 0, bFound = 0, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<nPiece; i++){
    if( i ) sqlite3_str_appendchar(pStr, 1, '-');
    rc = correct_piece(p, azPiece[i], bTypo, pStr, &bChanged, &bLost);
  }
  zCand = sqlite3_str_finish(pStr);
  if( rc==SQLITE_OK && zCand==0 ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK && bChanged && !bLost ){
    rc = correct_phrase_found(p, zCand, &bFound);
  }
  if( rc==SQLITE_OK && bFound ){
    *pzTo = zCand;
    zCand = 0;
  }
  sqlite3_free(zCand);
  return rc;
}

/* The pieces of a hyphenated compound, collected by correct_hyphen_cb. */
struct correct_split {
  const char *z;                  /* the text as typed */
  int iNext;                      /* where the next piece must begin */
  int nPiece;
  int bBad;                       /* not pieces joined by single hyphens */
  char *azPiece[CORRECT_MAX_PIECES];
};

static int correct_hyphen_cb(void *pCtx, const char *zTok, int nTok,
                             int iStart, int iEnd){
  struct correct_split *c = (struct correct_split*)pCtx;
  if( iStart!=c->iNext || c->nPiece>=CORRECT_MAX_PIECES ){
    c->bBad = 1;
    return SQLITE_DONE;
  }
  c->azPiece[c->nPiece] = sqlite3_mprintf("%.*s", nTok, zTok);
  if( c->azPiece[c->nPiece]==0 ) return SQLITE_NOMEM;
  c->nPiece++;
  c->iNext = c->z[iEnd]=='-' ? iEnd+1 : -1;
  return SQLITE_OK;
}

/*
** The correction of z[0..n), a compound of words joined by hyphens as
** typed (e-halsa -> e-hälsa, covid-vard -> covid-vård); nothing for other
** text of several words.
*/
static int correct_hyphenated(struct correct *p, const char *z, int n,
                              char **pzTo){
  struct correct_split c;
  char *zCopy = sqlite3_mprintf("%.*s", n, z);   /* NUL after the end */
  int i, rc;
  if( zCopy==0 ) return SQLITE_NOMEM;
  memset(&c, 0, sizeof(c));
  c.z = zCopy;
  rc = fold_tokens(p->pFold, zCopy, n, &c, correct_hyphen_cb);
  if( rc==SQLITE_OK && !c.bBad && c.nPiece>=2 && c.iNext==-1 ){
    rc = correct_pieces(p, c.azPiece, c.nPiece, 1, pzTo);
  }
  for(i=0; i<c.nPiece; i++) sqlite3_free(c.azPiece[i]);
  sqlite3_free(zCopy);
  return rc;
}

/*
** The correction of the folded word zWord as a compound whose first part
** is its first letter, typed without the hyphen (ehalsa -> e-hälsa,
** etjanster -> e-tjänster): offered only if it finds a row. The rest gets
** its diacritics only: a missing hyphen and a typo besides are too far
** (and every word that has no correction comes here: a typo search per
** piece would double the cost of a word that is nothing).
*/
static int correct_first_letter(struct correct *p, const char *zWord,
                                 char **pzTo){
  const unsigned char *u = (const unsigned char*)zWord;
  int nFirst = u[0]<0xc0 ? 1 : u[0]<0xe0 ? 2 : u[0]<0xf0 ? 3 : 4;
  char *azPiece[2];
  int rc;
  if( (int)strlen(zWord)<=nFirst
   || correct_letters(zWord+nFirst)<CORRECT_MIN_HEAD ) return SQLITE_OK;
  azPiece[0] = sqlite3_mprintf("%.*s", nFirst, zWord);
  azPiece[1] = sqlite3_mprintf("%s", zWord+nFirst);
  rc = azPiece[0] && azPiece[1]
     ? correct_pieces(p, azPiece, 2, 0, pzTo) : SQLITE_NOMEM;
  sqlite3_free(azPiece[0]);
  sqlite3_free(azPiece[1]);
  return rc;
}

int correct_word(struct correct *p, const char *z, int n, char **pzTo){
  char *zWord = 0;
  int rc = fold_word(p->pFold, z, n, &zWord);
  *pzTo = 0;
  if( rc==SQLITE_OK && zWord==0 ){
    rc = correct_hyphenated(p, z, n, pzTo);
  }else if( rc==SQLITE_OK ){
    rc = correct_one(p, zWord, 1, pzTo);
    if( rc==SQLITE_OK && *pzTo==0 ) rc = correct_first_letter(p, zWord, pzTo);
  }
  if( rc!=SQLITE_OK ){
    sqlite3_free(*pzTo);
    *pzTo = 0;
  }
  sqlite3_free(zWord);
  return rc;
}

int correct_is_known(struct correct *p, const char *z, int n, int *pbKnown){
  char *zWord = 0;
  int rc = fold_word(p->pFold, z, n, &zWord);
  *pbKnown = rc==SQLITE_OK && zWord!=0
          && swedish_is_word(zWord, (int)strlen(zWord));
  sqlite3_free(zWord);
  return rc;
}

/* --- the "correct" extension module ------------------------------------ */

int correct_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                        void **ppState, char **pzErr){
  struct correct *p = 0;
  (void)pPrev; (void)pzErr;
  if( correct_new(db, &p)!=SQLITE_OK ){
    log_msg(LOG_ERROR, "correct: %s (is this an index with a vocab table?)",
            sqlite3_errmsg(db));
  }else if( conf && conf->pLexicon ){
    correct_set_share(p, conf->pLexicon);
  }
  *ppState = p;
  return p ? EXT_OK : EXT_SKIP;
}

void correct_module_close(void *pState){
  correct_free((struct correct*)pState);
}

/* The term's alternatives as one FTS5 expression: "a" OR "b". */
static char *correct_term_expr(const struct query_term *pTerm){
  sqlite3_str *pStr = sqlite3_str_new(0);
  int i;
  for(i=0; i<pTerm->nAlt; i++){
    const char *z;
    if( i ) sqlite3_str_appendall(pStr, " OR ");
    sqlite3_str_appendchar(pStr, 1, '"');
    for(z=pTerm->azAlt[i]; *z; z++){
      if( *z=='"' ) sqlite3_str_appendchar(pStr, 1, '"');
      sqlite3_str_appendchar(pStr, 1, *z);
    }
    sqlite3_str_appendchar(pStr, 1, '"');
  }
  return sqlite3_str_finish(pStr);
}

int correct_module_expand(void *pState, struct query_term *pTerm){
  struct correct *p = (struct correct*)pState;
  char *zExpr, *zTo = 0;
  int bFound = 1, bKnown = 0;
  int rc = QUERY_OK;
  if( pTerm->kind!=QUERY_WORD ) return QUERY_OK;
  zExpr = correct_term_expr(pTerm);
  if( zExpr==0 ) return QUERY_ENOMEM;
  if( correct_found(p, zExpr, &bFound)==SQLITE_OK && !bFound
   && correct_word(p, pTerm->azAlt[0], (int)strlen(pTerm->azAlt[0]),
                   &zTo)==SQLITE_OK && zTo
   && correct_is_known(p, pTerm->azAlt[0], (int)strlen(pTerm->azAlt[0]),
                       &bKnown)==SQLITE_OK ){
    rc = query_term_add_alt(pTerm, zTo, (int)strlen(zTo),
                            bKnown ? QUERY_ALT_SUGGESTION
                                   : QUERY_ALT_CORRECTION);
  }
  sqlite3_free(zTo);
  sqlite3_free(zExpr);
  return rc==QUERY_EFULL ? QUERY_OK : rc;
}
