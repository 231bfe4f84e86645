/*
** query.c: a search-box query into an FTS5 expression. See query.h.
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "engine/query.h"
#include "swedish.h"
#include "utf8.h"

#define QUERY_MAX_PHRASES (QUERY_MAX_TERMS * QUERY_MAX_ALTS)
#define QUERY_STR2(x) #x
#define QUERY_STR(x) QUERY_STR2(x)

struct query {
  int nTerm;
  struct query_term aTerm[QUERY_MAX_TERMS];
  int nClause;
  int nPhrase;
  struct query_phrase aPhrase[QUERY_MAX_PHRASES];
  char *azNearWord[QUERY_MAX_PHRASES];  /* zText of near-group phrases */
  /* query_parse()'s options while it runs, for query_has_token(): FTS5
  ** drops a word without a token from a NEAR group (outside one, a phrase
  ** without a token keeps its number), so near groups must leave out
  ** exactly the words the tokenizer finds nothing in. */
  const struct query_opts *pOpts;
  char *zMatch;             /* sqlite3_malloc'ed */
  char *zRelaxed;
  char *zKey;
};

/* One term as found in the input, before it is copied into a query. */
struct query_tok {
  const char *z;
  int n;
  enum query_kind kind;
  int bNot;
  int bOr;                  /* the word OR, a candidate operator */
};

static int query_is_space(char c){
  return c==' ' || c=='\t' || c=='\n' || c=='\r' || c=='\f' || c=='\v';
}

/*
** Can z[0..n) yield a token? ASCII letters and digits do, ASCII punctuation
** never does; for non-ASCII text the tokenizer decides (opts->xHasToken),
** or, without the hook, any non-ASCII byte is taken as a possible letter.
** A term without a token would be an empty FTS5 phrase, so it is not kept.
*/
static int query_has_token(const struct query_opts *opts, const char *z,
                           int n){
  int i, bHigh = 0;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( (c>='0' && c<='9') || ((c|0x20)>='a' && (c|0x20)<='z') ) return 1;
    bHigh |= c>=0x80;
  }
  if( !bHigh ) return 0;
  if( opts==0 || opts->xHasToken==0 ) return 1;
  return opts->xHasToken(opts->pTokenArg, z, n);
}

/*
** Read the next term from z[*pi..n) into *pTok. Returns 0 at the end of
** input, else 1. A '"' with a closing partner makes a phrase; a stray one
** is skipped as literal punctuation.
*/
static int query_next(const char *z, int n, int *pi, struct query_tok *pTok){
  int i = *pi;
  memset(pTok, 0, sizeof(*pTok));
  while( i<n ){
    int iStart, bNot = 0;
    const char *zClose;
    while( i<n && query_is_space(z[i]) ) i++;
    if( i>=n ) break;
    iStart = i;
    if( z[i]=='-' && i+1<n && z[i+1]=='"' ){ bNot = 1; i++; }
    if( z[i]=='"' ){
      zClose = memchr(z+i+1, '"', n-i-1);
      if( zClose==0 ){ i = i+1; continue; }       /* stray quote */
      pTok->z = z+i+1;
      pTok->n = (int)(zClose - (z+i+1));
      pTok->kind = QUERY_PHRASE;
      pTok->bNot = bNot;
      *pi = (int)(zClose - z) + 1;
      return 1;
    }
    i = iStart;
    while( i<n && !query_is_space(z[i]) ) i++;
    pTok->z = z+iStart;
    pTok->n = i-iStart;
    pTok->kind = QUERY_WORD;
    *pi = i;
    return 1;
  }
  *pi = n;
  return 0;
}

/* Turn the operators of a WORD token (-x, x*, OR) into its fields. */
static void query_classify(const struct query_opts *opts,
                           struct query_tok *t){
  if( t->kind!=QUERY_WORD ) return;
  if( t->n==2 && memcmp(t->z, "OR", 2)==0 ){
    t->bOr = 1;
    return;
  }
  if( t->n>1 && t->z[0]=='-' && query_has_token(opts, t->z+1, t->n-1) ){
    t->bNot = 1;
    t->z++;
    t->n--;
  }
  if( t->n>1 && t->z[t->n-1]=='*' ){
    int m = t->n;
    while( m>0 && t->z[m-1]=='*' ) m--;
    if( query_has_token(opts, t->z, m) ){
      t->n = m;
      /* A short prefix matches thousands of terms: search it as a word. */
      if( utf8_chars(t->z, (size_t)m)>=QUERY_MIN_PREFIX ){
        t->kind = QUERY_PREFIX;
      }
    }
  }
}

/*
** Does the word z[0..n) of a near group hold a token? FTS5 leaves a
** phrase without one out of a NEAR group (and so out of the numbering), so
** the answer must be exact: the token hook's, or without one, only ASCII
** letters and digits count (a word of other bytes alone is left out of
** the group, which is an extra: it costs nothing to lose it).
*/
static int query_near_token(const struct query_opts *opts, const char *z,
                            int n){
  int i;
  if( opts && opts->xHasToken ) return query_has_token(opts, z, n);
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( (c>='0' && c<='9') || ((c|0x20)>='a' && (c|0x20)<='z') ) return 1;
  }
  return 0;
}

/*
** The words of a near group's text z (split at spaces) into az/an, at
** most QUERY_MAX_SPAN: those that hold a token (query_near_token()) and
** are not stop words, unless every such word is one. Returns their
** number.
*/
static int query_near_words(const struct query_opts *opts, const char *z,
                            const char **az, int *an){
  int n = 0, nKept = 0, i, aStop[QUERY_MAX_SPAN];
  while( *z && n<QUERY_MAX_SPAN ){
    int k = 0;
    while( *z==' ' ) z++;
    while( z[k] && z[k]!=' ' ) k++;
    if( k>0 && query_near_token(opts, z, k) ){
      az[n] = z;
      an[n] = k;
      aStop[n++] = swedish_is_stopword(z, k);
    }
    z += k;
  }
  for(i=0; i<n; i++){
    if( aStop[i] ) continue;
    az[nKept] = az[i];
    an[nKept++] = an[i];
  }
  return nKept>0 ? nKept : n;
}

int query_term_add_alt(struct query_term *pTerm, const char *z, int n,
                       enum query_alt_kind kind){
  char *zCopy;
  int i;
  for(i=0; i<pTerm->nAlt; i++){
    if( (int)strlen(pTerm->azAlt[i])==n && memcmp(pTerm->azAlt[i], z, n)==0
     && (pTerm->aAltKind[i]==QUERY_ALT_NEAR)==(kind==QUERY_ALT_NEAR) ){
      return QUERY_OK;
    }
  }
  zCopy = malloc((size_t)n + 1);
  if( zCopy==0 ) return QUERY_ENOMEM;
  memcpy(zCopy, z, n);
  zCopy[n] = 0;
  if( kind==QUERY_ALT_NEAR ){
    const char *az[QUERY_MAX_SPAN];
    int an[QUERY_MAX_SPAN];
    if( query_near_words(0, zCopy, az, an)<2 ){ /* no group to search */
      free(zCopy);
      return QUERY_OK;
    }
  }
  if( pTerm->nAlt>=QUERY_MAX_ALTS ){
    free(zCopy);
    return QUERY_EFULL;
  }
  pTerm->azAlt[pTerm->nAlt] = zCopy;
  pTerm->aAltKind[pTerm->nAlt] = kind;
  pTerm->nAlt++;
  return QUERY_OK;
}

void query_free(struct query *q){
  int i, j;
  if( q==0 ) return;
  for(i=0; i<q->nTerm; i++){
    for(j=0; j<q->aTerm[i].nAlt; j++) free(q->aTerm[i].azAlt[j]);
  }
  for(i=0; i<q->nPhrase; i++) free(q->azNearWord[i]);
  sqlite3_free(q->zMatch);
  sqlite3_free(q->zRelaxed);
  sqlite3_free(q->zKey);
  free(q);
}

/* A term found in the input, with its clause, before copying. */
struct query_item {
  struct query_tok t;
  int iClause;
  int bDrop;
};

/*
** Number of words in a phrase's text z[0..n): runs of letters and digits
** (any non-ASCII byte counts as a letter), as the tokenizer would split it
** give or take non-ASCII punctuation.
*/
static int query_words(const char *z, int n){
  int i, nWord = 0, bIn = 0;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    int bTok = c>=0x80 || (c>='0' && c<='9') || ((c|0x20)>='a' && (c|0x20)<='z');
    nWord += bTok && !bIn;
    bIn = bTok;
  }
  return nWord;
}

/* Append term t to aItem in clause iClause, checking the limits;
** *pnPhraseWords counts the words in phrases so far. */
static int query_item_add(struct query_item *aItem, int *pnItem,
                          const struct query_tok *t, int iClause,
                          int *pnPhraseWords){
  if( *pnItem>=QUERY_MAX_TERMS ) return QUERY_ETERMS;
  if( t->kind==QUERY_PHRASE ){
    *pnPhraseWords += query_words(t->z, t->n);
    if( *pnPhraseWords>QUERY_MAX_PHRASE ) return QUERY_EPHRASE;
  }
  aItem[*pnItem].t = *t;
  aItem[*pnItem].iClause = iClause;
  aItem[(*pnItem)++].bDrop = 0;
  return QUERY_OK;
}

/*
** Read the terms of z[0..n) into aItem (room for QUERY_MAX_TERMS),
** resolving OR: between two positive terms it joins them into one clause,
** anywhere else it is the literal word. Sets *pnItem; returns QUERY_OK or
** the code of the first limit passed.
*/
static int query_scan(const struct query_opts *opts, const char *z, int n,
                      struct query_item *aItem, int *pnItem){
  struct query_tok t, next;
  int i = 0, nClause = 0, bHaveNext, rc = QUERY_OK, nPhraseWords = 0;
  *pnItem = 0;
  bHaveNext = query_next(z, n, &i, &next);
  while( rc==QUERY_OK && bHaveNext ){
    int nItem = *pnItem;
    t = next;
    bHaveNext = query_next(z, n, &i, &next);
    query_classify(opts, &t);
    if( t.bOr ){
      struct query_tok peek = next;
      query_classify(opts, &peek);
      if( bHaveNext && nItem>0 && !aItem[nItem-1].t.bNot
       && !peek.bNot && !peek.bOr && query_has_token(opts, peek.z, peek.n) ){
        bHaveNext = query_next(z, n, &i, &next);
        rc = query_item_add(aItem, pnItem, &peek, aItem[nItem-1].iClause,
                            &nPhraseWords);
        continue;
      }
      t.bOr = 0;                          /* a literal "OR" */
    }
    if( !query_has_token(opts, t.z, t.n) ) continue;
    rc = query_item_add(aItem, pnItem, &t, t.bNot ? -1 : nClause++,
                        &nPhraseWords);
  }
  return rc;
}

/*
** Mark stop words to drop: unquoted single terms alone in their clause, if
** the query has more than one positive term and not all are stop words.
** With no positive term at all, the exclusions become plain words (a query
** must include something, and "-x" alone is then taken literally).
*/
static void query_stopwords(struct query_item *aItem, int nItem){
  int i, nPos = 0, nStop = 0;
  for(i=0; i<nItem; i++){
    if( aItem[i].t.bNot ) continue;
    nPos++;
    if( aItem[i].t.kind==QUERY_WORD
     && (i==0 || aItem[i-1].iClause!=aItem[i].iClause)
     && (i+1==nItem || aItem[i+1].iClause!=aItem[i].iClause)
     && swedish_is_stopword(aItem[i].t.z, aItem[i].t.n) ){
      aItem[i].bDrop = 1;
      nStop++;
    }
  }
  for(i=0; i<nItem; i++){
    if( nPos<2 || nStop==nPos ) aItem[i].bDrop = 0;
    if( nPos==0 ){
      aItem[i].t.bNot = 0;
      aItem[i].iClause = i;
    }
  }
}

/* Texts of joined spans, alive until query_parse() has copied them. */
struct query_scratch {
  int n;
  char *az[QUERY_MAX_TERMS];
};

/* May item i be part of a span: an unquoted positive word alone in its
** clause (a word OR'ed with another belongs to that choice)? */
static int query_span_ok(const struct query_item *aItem, int nItem, int i){
  const struct query_item *p = &aItem[i];
  return p->t.kind==QUERY_WORD && !p->t.bNot
      && (i==0 || aItem[i-1].iClause!=p->iClause)
      && (i+1==nItem || aItem[i+1].iClause!=p->iClause);
}

/* Make items i..i+n one phrase item: the words joined by single spaces
** (so that spacing does not change query_key()). */
static int query_join(struct query_item *aItem, int *pnItem, int i, int n,
                      struct query_scratch *pS){
  sqlite3_str *pStr = sqlite3_str_new(0);
  char *z;
  int k;
  for(k=0; k<n; k++){
    if( k ) sqlite3_str_appendchar(pStr, 1, ' ');
    sqlite3_str_append(pStr, aItem[i+k].t.z, aItem[i+k].t.n);
  }
  z = sqlite3_str_finish(pStr);
  if( z==0 ) return QUERY_ENOMEM;
  pS->az[pS->n++] = z;
  aItem[i].t.z = z;
  aItem[i].t.n = (int)strlen(z);
  aItem[i].t.kind = QUERY_PHRASE;
  memmove(&aItem[i+1], &aItem[i+n], (*pnItem - i - n)*sizeof(aItem[0]));
  *pnItem -= n-1;
  return QUERY_OK;
}

/*
** Ask the span hook, at each position of each run of eligible words,
** whether the words there form one unit (longest first, left to right),
** and join those into a phrase item.
*/
static int query_spans(const struct query_opts *opts, struct query_item *aItem,
                       int *pnItem, struct query_scratch *pS){
  int i, rc = QUERY_OK;
  if( opts==0 || opts->xSpan==0 ) return QUERY_OK;
  for(i=0; rc==QUERY_OK && i+1<*pnItem; i++){
    const char *az[QUERY_MAX_SPAN];
    int an[QUERY_MAX_SPAN];
    int n = 0, nUsed = 0;
    while( n<QUERY_MAX_SPAN && i+n<*pnItem
        && query_span_ok(aItem, *pnItem, i+n) ){
      az[n] = aItem[i+n].t.z;
      an[n] = aItem[i+n].t.n;
      n++;
    }
    if( n<2 ) continue;
    rc = opts->xSpan(opts->pExpandArg, az, an, n, &nUsed);
    if( rc==QUERY_OK && nUsed>=2 && nUsed<=n ){
      rc = query_join(aItem, pnItem, i, nUsed, pS);
    }
  }
  return rc;
}

/* Copy the kept items into q->aTerm, numbering clauses from 0. */
static int query_copy(struct query *q, struct query_item *aItem, int nItem){
  int i, iLast = -2, rc = QUERY_OK;
  for(i=0; rc==QUERY_OK && i<nItem; i++){
    struct query_term *pTerm;
    if( aItem[i].bDrop ) continue;
    pTerm = &q->aTerm[q->nTerm++];
    pTerm->kind = aItem[i].t.kind;
    pTerm->bNot = aItem[i].t.bNot;
    if( pTerm->bNot ){
      pTerm->iClause = -1;
    }else{
      if( aItem[i].iClause!=iLast ) q->nClause++;
      iLast = aItem[i].iClause;
      pTerm->iClause = q->nClause-1;
    }
    rc = query_term_add_alt(pTerm, aItem[i].t.z, aItem[i].t.n,
                            QUERY_ALT_TYPED);
  }
  return rc;
}

/* Append z as an FTS5 string: in double quotes, each '"' doubled. */
static void query_quote(sqlite3_str *s, const char *z){
  sqlite3_str_appendchar(s, 1, '"');
  for(; *z; z++){
    if( *z=='"' ) sqlite3_str_appendchar(s, 1, '"');
    sqlite3_str_appendchar(s, 1, *z);
  }
  sqlite3_str_appendchar(s, 1, '"');
}

/* Append n bytes of z as an FTS5 string (query_quote()). */
static void query_quote_n(sqlite3_str *s, const char *z, int n){
  char *zCopy = sqlite3_mprintf("%.*s", n, z);
  if( zCopy==0 ){
    sqlite3_str_appendall(s, "\"\"");   /* the error is sqlite3_str's */
    return;
  }
  query_quote(s, zCopy);
  sqlite3_free(zCopy);
}

/* The near distance of a group of n words (query.h). */
static int query_near_dist(int n){
  return QUERY_NEAR_GAP * (n - 1);
}

/* Append a near group: NEAR("w1" "w2" ..., distance). */
static void query_near(sqlite3_str *s, const struct query *q, const char *z){
  const char *az[QUERY_MAX_SPAN];
  int an[QUERY_MAX_SPAN], n = query_near_words(q->pOpts, z, az, an), i;
  sqlite3_str_appendall(s, "NEAR(");
  for(i=0; i<n; i++){
    if( i>0 ) sqlite3_str_appendchar(s, 1, ' ');
    query_quote_n(s, az[i], an[i]);
  }
  sqlite3_str_appendf(s, ", %d)", query_near_dist(n));
}

/* Append term t's group of alternatives. */
static void query_group(sqlite3_str *s, const struct query *q,
                        const struct query_term *t){
  int i;
  if( t->kind==QUERY_PREFIX ){
    query_quote(s, t->azAlt[0]);
    sqlite3_str_appendall(s, " *");
    return;
  }
  if( t->nAlt>1 ) sqlite3_str_appendchar(s, 1, '(');
  for(i=0; i<t->nAlt; i++){
    if( t->aAltKind[i]==QUERY_ALT_SUGGESTION ) continue;
    if( i>0 ) sqlite3_str_appendall(s, " OR ");
    if( t->aAltKind[i]==QUERY_ALT_NEAR ) query_near(s, q, t->azAlt[i]);
    else query_quote(s, t->azAlt[i]);
  }
  if( t->nAlt>1 ) sqlite3_str_appendchar(s, 1, ')');
}

/*
** Append every positive clause, joined by zJoin (" AND " or " OR "), then
** the excluded terms. Phrases appear in the order query_phrases() numbers
** them.
*/
static char *query_expr(const struct query *q, const char *zJoin){
  sqlite3_str *s = sqlite3_str_new(0);
  int i, iClause = -1, bNot = 0;
  sqlite3_str_appendchar(s, 1, '(');
  for(i=0; i<q->nTerm; i++){
    const struct query_term *t = &q->aTerm[i];
    if( t->bNot ) continue;
    if( t->iClause!=iClause ){
      if( iClause>=0 ) sqlite3_str_appendf(s, ")%s", zJoin);
      sqlite3_str_appendchar(s, 1, '(');
      iClause = t->iClause;
    }else{
      sqlite3_str_appendall(s, " OR ");
    }
    query_group(s, q, t);
  }
  sqlite3_str_appendall(s, "))");
  for(i=0; i<q->nTerm; i++){
    if( !q->aTerm[i].bNot ) continue;
    sqlite3_str_appendall(s, bNot ? " OR " : " NOT (");
    bNot = 1;
    query_group(s, q, &q->aTerm[i]);
  }
  if( bNot ) sqlite3_str_appendchar(s, 1, ')');
  return sqlite3_str_finish(s);
}

/* The FTS5 phrases alternative j of term t makes (a suggestion: none). */
static int query_alt_phrases(const struct query *q,
                             const struct query_term *t, int j){
  const char *az[QUERY_MAX_SPAN];
  int an[QUERY_MAX_SPAN];
  if( t->aAltKind[j]==QUERY_ALT_SUGGESTION ) return 0;
  if( t->aAltKind[j]!=QUERY_ALT_NEAR ) return 1;
  return query_near_words(q->pOpts, t->azAlt[j], az, an);
}

/* Remove alternative j of term i. */
static void query_alt_remove(struct query *q, int i, int j){
  struct query_term *t = &q->aTerm[i];
  free(t->azAlt[j]);
  for(j=j+1; j<t->nAlt; j++){
    t->azAlt[j-1] = t->azAlt[j];
    t->aAltKind[j-1] = t->aAltKind[j];
  }
  t->nAlt--;
}

/*
** Near groups are extras: drop those left with fewer than two words that
** hold a token, then, while the expression would hold more phrases than
** QUERY_MAX_PHRASES, the last one (a group of up to QUERY_MAX_SPAN
** phrases in an alternative's place).
*/
static void query_fit_near(struct query *q){
  int i, j;
  for(i=0; i<q->nTerm; i++){
    for(j=q->aTerm[i].nAlt-1; j>0; j--){
      if( q->aTerm[i].aAltKind[j]==QUERY_ALT_NEAR
       && query_alt_phrases(q, &q->aTerm[i], j)<2 ) query_alt_remove(q, i, j);
    }
  }
  for(;;){
    int n = 0, iT = -1, iA = -1;
    for(i=0; i<q->nTerm; i++){
      const struct query_term *t = &q->aTerm[i];
      for(j=0; j<t->nAlt; j++){
        n += query_alt_phrases(q, t, j);
        if( t->aAltKind[j]==QUERY_ALT_NEAR ){ iT = i; iA = j; }
        if( t->kind==QUERY_PREFIX ) break;
      }
    }
    if( n<=QUERY_MAX_PHRASES || iT<0 ) return;
    query_alt_remove(q, iT, iA);
  }
}

/* Add phrase(s) of alternative j of term i: one, a near group's, or none
** for a suggestion (reported only). */
static int query_alt_add(struct query *q, int i, int j){
  const struct query_term *t = &q->aTerm[i];
  const char *az[QUERY_MAX_SPAN];
  int an[QUERY_MAX_SPAN], k, n = 1;
  if( t->aAltKind[j]==QUERY_ALT_SUGGESTION ) return QUERY_OK;
  if( t->aAltKind[j]==QUERY_ALT_NEAR ){
    n = query_near_words(q->pOpts, t->azAlt[j], az, an);
  }
  for(k=0; k<n; k++){
    struct query_phrase *p = &q->aPhrase[q->nPhrase];
    p->iTerm = i;
    p->iClause = t->iClause;
    p->iAlt = j;
    p->zText = t->azAlt[j];
    p->altKind = t->aAltKind[j];
    p->kind = t->kind;
    p->nGroup = 1;
    if( t->aAltKind[j]==QUERY_ALT_NEAR ){
      q->azNearWord[q->nPhrase] = malloc((size_t)an[k] + 1);
      if( q->azNearWord[q->nPhrase]==0 ) return QUERY_ENOMEM;
      memcpy(q->azNearWord[q->nPhrase], az[k], an[k]);
      q->azNearWord[q->nPhrase][an[k]] = 0;
      p->zText = q->azNearWord[q->nPhrase];
      p->kind = QUERY_WORD;
      p->nGroup = n;
    }
    q->nPhrase++;
  }
  return QUERY_OK;
}

/* Number the phrases: positive terms first, then the excluded ones. */
static int query_phrases(struct query *q){
  int pass, i, j, rc = QUERY_OK;
  query_fit_near(q);
  for(pass=0; pass<2; pass++){
    for(i=0; rc==QUERY_OK && i<q->nTerm; i++){
      const struct query_term *t = &q->aTerm[i];
      if( t->bNot!=pass ) continue;
      for(j=0; rc==QUERY_OK && j<t->nAlt; j++){
        rc = query_alt_add(q, i, j);
        if( t->kind==QUERY_PREFIX ) break;
      }
    }
  }
  return rc;
}

/* The cache key: every term's kind, clause and alternatives. */
static char *query_make_key(const struct query *q){
  sqlite3_str *s = sqlite3_str_new(0);
  int i, j;
  sqlite3_str_appendchar(s, 1, 'q');   /* never empty: finish gives NULL */
  for(i=0; i<q->nTerm; i++){
    const struct query_term *t = &q->aTerm[i];
    sqlite3_str_appendf(s, "%d,%d,%d", (int)t->kind, t->bNot, t->iClause);
    for(j=0; j<t->nAlt; j++){
      sqlite3_str_appendf(s, "\x1f%s%s",
                          t->aAltKind[j]==QUERY_ALT_NEAR ? "\x1d" : "",
                          t->azAlt[j]);
    }
    sqlite3_str_appendchar(s, 1, '\x1e');
  }
  return sqlite3_str_finish(s);
}

/*
** Hold the prefix terms to QUERY_MAX_PREFIXES and, with the prefix hook,
** their vocabulary words together to QUERY_MAX_PREFIX_WORDS.
*/
static int query_prefix_limits(const struct query *q,
                               const struct query_opts *opts){
  int i, nPrefix = 0, nWords = 0, rc = QUERY_OK;
  for(i=0; i<q->nTerm; i++) nPrefix += q->aTerm[i].kind==QUERY_PREFIX;
  if( nPrefix>QUERY_MAX_PREFIXES ) return QUERY_EPREFIXES;
  if( opts==0 || opts->xPrefixWords==0 ) return QUERY_OK;
  for(i=0; rc==QUERY_OK && i<q->nTerm; i++){
    const struct query_term *t = &q->aTerm[i];
    int nMax = QUERY_MAX_PREFIX_WORDS - nWords + 1, n = 0;
    if( t->kind!=QUERY_PREFIX ) continue;
    rc = opts->xPrefixWords(opts->pPrefixArg, t->azAlt[0],
                            (int)strlen(t->azAlt[0]), nMax, &n);
    nWords += n;
    if( rc==QUERY_OK && nWords>QUERY_MAX_PREFIX_WORDS ) rc = QUERY_EEXPAND;
  }
  return rc;
}

const char *query_errmsg(int rc){
  switch( rc ){
    case QUERY_OK:     return "ok";
    case QUERY_ENOMEM: return "out of memory";
    case QUERY_EFULL:  return "too many alternative forms of a term";
    case QUERY_ETERMS:
      return "query too long: more than " QUERY_STR(QUERY_MAX_TERMS)
             " terms (words, phrases, word*)";
    case QUERY_EPREFIXES:
      return "query too costly: more than " QUERY_STR(QUERY_MAX_PREFIXES)
             " prefixes (word*)";
    case QUERY_EEXPAND:
      return "query too costly: its prefixes (word*) match more than "
             QUERY_STR(QUERY_MAX_PREFIX_WORDS) " words; type more letters";
    case QUERY_EPHRASE:
      return "phrases too long: more than " QUERY_STR(QUERY_MAX_PHRASE)
             " words in quotes, all phrases together";
  }
  return "cannot parse the query";
}

int query_is_limit(int rc){
  return rc==QUERY_ETERMS || rc==QUERY_EPREFIXES || rc==QUERY_EEXPAND
      || rc==QUERY_EPHRASE;
}

/* Call the expansion hook on each positive word or phrase term. */
static int query_expand(struct query *q, const struct query_opts *opts){
  int i, rc = QUERY_OK;
  if( opts==0 || opts->xExpand==0 ) return QUERY_OK;
  for(i=0; rc==QUERY_OK && i<q->nTerm; i++){
    struct query_term *t = &q->aTerm[i];
    if( t->bNot || t->kind==QUERY_PREFIX ) continue;
    rc = opts->xExpand(opts->pExpandArg, t);
  }
  return rc;
}

/*
** z[0..n) with every ASCII control byte (NUL included) as a space, or NULL
** when out of memory: they hold no token, and a NUL inside a term would
** cut the C string of its phrase short.
*/
static char *query_clean(const char *z, int n){
  char *zOut = malloc(n>0 ? (size_t)n : 1);
  int i;
  for(i=0; zOut && i<n; i++){
    unsigned char c = (unsigned char)z[i];
    zOut[i] = (c<0x20 || c==0x7f) ? ' ' : (char)c;
  }
  return zOut;
}

int query_parse(const char *zText, int nText, const struct query_opts *opts,
                struct query **ppOut){
  struct query_item aItem[QUERY_MAX_TERMS];
  struct query_scratch scratch;
  struct query *q = calloc(1, sizeof(*q));
  char *zClean = query_clean(zText, nText);
  int nItem, i, rc = QUERY_OK;
  scratch.n = 0;
  if( q==0 || zClean==0 ){
    rc = QUERY_ENOMEM;
    goto out;
  }
  rc = query_scan(opts, zClean, nText, aItem, &nItem);
  if( rc==QUERY_OK ) rc = query_spans(opts, aItem, &nItem, &scratch);
  if( rc==QUERY_OK ) query_stopwords(aItem, nItem);
  if( rc==QUERY_OK ) rc = query_copy(q, aItem, nItem);
  if( rc==QUERY_OK ) rc = query_prefix_limits(q, opts);
  if( rc==QUERY_OK ) rc = query_expand(q, opts);
  if( rc!=QUERY_OK ) goto out;
  q->pOpts = opts;
  rc = query_phrases(q);
  if( rc==QUERY_OK ){
    q->zKey = query_make_key(q);
    if( q->zKey==0 ) rc = QUERY_ENOMEM;
  }
  if( rc==QUERY_OK && q->nClause>0 ){
    q->zMatch = query_expr(q, " AND ");
    if( q->zMatch==0 ) rc = QUERY_ENOMEM;
  }
  if( rc==QUERY_OK && q->nClause>1 ){
    q->zRelaxed = query_expr(q, " OR ");
    if( q->zRelaxed==0 ) rc = QUERY_ENOMEM;
  }
out:
  for(i=0; i<scratch.n; i++) sqlite3_free(scratch.az[i]);
  free(zClean);
  if( q ) q->pOpts = 0;             /* the caller's, valid during the call */
  if( rc!=QUERY_OK ){
    query_free(q);
    q = 0;
  }
  *ppOut = q;
  return rc;
}

const char *query_match(const struct query *q){ return q->zMatch; }
const char *query_relaxed(const struct query *q){ return q->zRelaxed; }
int query_clause_count(const struct query *q){ return q->nClause; }
int query_term_count(const struct query *q){ return q->nTerm; }
const struct query_term *query_term(const struct query *q, int i){
  return &q->aTerm[i];
}
int query_phrase_count(const struct query *q){ return q->nPhrase; }
const struct query_phrase *query_phrase(const struct query *q, int i){
  return &q->aPhrase[i];
}
const char *query_key(const struct query *q){ return q->zKey; }
