/*
** synonyms.c: load equivalence sets, match query words against them.
**
** Every member is reduced to its key: the terms the "swedish" tokenizer
** makes of it in query mode, joined by single spaces ("självmordet" and
** "självmord" both give "självmord"). The keys sit in one sorted array, so
** a lookup is a binary search per candidate length, with no allocation
** beyond the terms of the query words.
*/
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "http/conf.h"
#include "box/ext.h"
#include "log.h"
#include "engine/query.h"
#include "utf8.h"
#include "http/datadir.h"
#include "swedish.h"
#include "box/synonyms.h"

struct syn_key {
  char *zKey;                     /* terms joined by ' ' */
  int nWords;                     /* number of terms in zKey */
  int line;                       /* line of the file, for messages */
  int nAlt;                       /* the set's other members */
  const char **azAlt;             /* pointers into synonyms.aMember */
};

struct synonyms {
  atomic_int nRef;                /* owners: synonyms_ref, synonyms_free */
  int nSet;
  int nKey;
  int nMaxWords;                  /* longest key, in terms */
  struct syn_key *aKey;           /* sorted by zKey */
  char **azMember;                /* every member as written, nKey of them */
};

/* --- terms through the swedish tokenizer ------------------------------- */

/* A tokenizer instance of db's "swedish", for one call's use. */
struct synonyms_stemmer {
  fts5_tokenizer mod;
  Fts5Tokenizer *pTok;
};

static int syn_tok_open(sqlite3 *db, struct synonyms_stemmer *t){
  fts5_api *pApi = 0;
  void *pUser = 0;
  int rc;
  memset(t, 0, sizeof(*t));
  rc = swedish_fts5_api(db, &pApi);
  if( rc==SQLITE_OK ){
    rc = pApi->xFindTokenizer(pApi, SWEDISH_TOKENIZER_NAME, &pUser, &t->mod);
  }
  if( rc==SQLITE_OK ) rc = t->mod.xCreate(pUser, 0, 0, &t->pTok);
  if( rc!=SQLITE_OK ) t->pTok = 0;
  return rc;
}

static void syn_tok_close(struct synonyms_stemmer *t){
  if( t->pTok ) t->mod.xDelete(t->pTok);
  t->pTok = 0;
}

int synonyms_stemmer_new(sqlite3 *db, struct synonyms_stemmer **ppOut){
  struct synonyms_stemmer *t = calloc(1, sizeof(*t));
  int rc = t ? syn_tok_open(db, t) : SQLITE_NOMEM;
  if( rc!=SQLITE_OK ){
    free(t);
    t = 0;
  }
  *ppOut = t;
  return rc;
}

void synonyms_stemmer_free(struct synonyms_stemmer *t){
  if( t ){
    syn_tok_close(t);
    free(t);
  }
}

/* Collects terms for syn_terms(). */
struct syn_terms_ctx {
  sqlite3_str *pStr;
  int nTerm;                      /* terms added by this call */
};

static int syn_terms_cb(void *pCtx, int tflags, const char *pToken,
                        int nToken, int iStart, int iEnd){
  struct syn_terms_ctx *c = (struct syn_terms_ctx*)pCtx;
  (void)iStart; (void)iEnd;
  if( tflags & FTS5_TOKEN_COLOCATED ) return SQLITE_OK;
  if( sqlite3_str_length(c->pStr)>0 ) sqlite3_str_appendchar(c->pStr, 1, ' ');
  sqlite3_str_append(c->pStr, pToken, nToken);
  c->nTerm++;
  return sqlite3_str_errcode(c->pStr);
}

/*
** Append the query terms of z[0..n) to pStr, space separated (with a space
** before them if pStr is not empty), and add their number to *pnTerm.
*/
static int syn_terms(struct synonyms_stemmer *t, const char *z, int n,
                     sqlite3_str *pStr, int *pnTerm){
  struct syn_terms_ctx c;
  int rc;
  c.pStr = pStr;
  c.nTerm = 0;
  rc = t->mod.xTokenize(t->pTok, &c, FTS5_TOKENIZE_QUERY, z, n,
                        syn_terms_cb);
  if( rc==SQLITE_OK ) rc = sqlite3_str_errcode(pStr);
  *pnTerm += c.nTerm;
  return rc;
}

int synonyms_stem(struct synonyms_stemmer *pStem, const char *z, int n,
                  char **pzOut){
  sqlite3_str *pStr = sqlite3_str_new(0);
  int nTerm = 0;
  int rc = syn_terms(pStem, z, n, pStr, &nTerm);
  *pzOut = sqlite3_str_finish(pStr);
  if( rc==SQLITE_OK && *pzOut==0 && nTerm>0 ) rc = SQLITE_NOMEM;
  if( rc!=SQLITE_OK ){
    sqlite3_free(*pzOut);
    *pzOut = 0;
  }
  return rc;
}

/* --- loading ----------------------------------------------------------- */

static int syn_key_cmp(const void *a, const void *b){
  return strcmp(((const struct syn_key*)a)->zKey,
                ((const struct syn_key*)b)->zKey);
}

struct synonyms *synonyms_ref(struct synonyms *p){
  if( p ) atomic_fetch_add(&p->nRef, 1);
  return p;
}

void synonyms_free(struct synonyms *p){
  int i;
  if( p==0 || atomic_fetch_sub(&p->nRef, 1)>1 ) return;
  for(i=0; i<p->nKey; i++){
    sqlite3_free(p->aKey[i].zKey);
    free(p->aKey[i].azAlt);
    free(p->azMember[i]);
  }
  free(p->aKey);
  free(p->azMember);
  free(p);
}

int synonyms_count(const struct synonyms *p){
  return p ? p->nSet : 0;
}

/* Read the whole file into *pzText (malloc'd, NUL-terminated). */
static int syn_read_file(const char *zPath, char **pzText, char **pzErr){
  FILE *f = fopen(zPath, "rb");
  char *z = 0;
  size_t n = 0;
  int rc = SQLITE_OK;
  *pzText = 0;
  if( f==0 ){
    *pzErr = sqlite3_mprintf("%s: %s", zPath, strerror(errno));
    return SQLITE_CANTOPEN;
  }
  z = malloc(SYNONYMS_MAX_FILE + 2);
  if( z==0 ){ rc = SQLITE_NOMEM; goto out; }
  errno = 0;
  n = fread(z, 1, SYNONYMS_MAX_FILE + 1, f);
  if( ferror(f) ){
    *pzErr = sqlite3_mprintf("%s: %s", zPath,
                             errno ? strerror(errno) : "read error");
    rc = SQLITE_IOERR;
  }else if( n>SYNONYMS_MAX_FILE ){
    *pzErr = sqlite3_mprintf("%s: larger than %d bytes", zPath,
                             SYNONYMS_MAX_FILE);
    rc = SQLITE_TOOBIG;
  }else if( memchr(z, 0, n) ){
    *pzErr = sqlite3_mprintf("%s: holds a NUL byte", zPath);
    rc = SQLITE_FORMAT;
  }
  z[n] = 0;
out:
  fclose(f);
  if( rc!=SQLITE_OK ){ free(z); z = 0; }
  *pzText = z;
  return rc;
}

/* Trim blanks (space, tab, CR) from both ends of z[0..*pn); returns start. */
static char *syn_trim(char *z, size_t *pn){
  size_t n = *pn;
  while( n>0 && (*z==' ' || *z=='\t' || *z=='\r') ){ z++; n--; }
  while( n>0 && (z[n-1]==' ' || z[n-1]=='\t' || z[n-1]=='\r') ) n--;
  *pn = n;
  return z;
}

/* Growing arrays of the table being built. */
struct syn_build {
  struct synonyms *p;
  int nAlloc;
  struct synonyms_stemmer tok;
  const char *zPath;
  char **pzErr;
};

/* Add one member to the table being built, with its key; line for messages. */
static int syn_add_member(struct syn_build *b, const char *z, size_t n,
                          int line){
  struct synonyms *p = b->p;
  sqlite3_str *pStr = sqlite3_str_new(0);
  int nTerm = 0;
  int rc;
  if( p->nKey==b->nAlloc ){
    int nNew = b->nAlloc ? b->nAlloc*2 : 64;
    struct syn_key *aK = realloc(p->aKey, nNew*sizeof(*aK));
    char **azM = aK ? realloc(p->azMember, nNew*sizeof(*azM)) : 0;
    if( aK ) p->aKey = aK;
    if( azM ) p->azMember = azM;
    if( aK==0 || azM==0 ){
      sqlite3_free(sqlite3_str_finish(pStr));
      return SQLITE_NOMEM;
    }
    b->nAlloc = nNew;
  }
  rc = syn_terms(&b->tok, z, (int)n, pStr, &nTerm);
  if( rc==SQLITE_OK && (nTerm==0 || nTerm>SYNONYMS_MAX_WORDS) ){
    *b->pzErr = sqlite3_mprintf("%s:%d: member '%.*s' has %s words",
                                b->zPath, line, (int)n, z,
                                nTerm ? "too many" : "no");
    rc = SQLITE_FORMAT;
  }
  memset(&p->aKey[p->nKey], 0, sizeof(p->aKey[0]));
  p->azMember[p->nKey] = rc==SQLITE_OK ? strndup(z, n) : 0;
  p->aKey[p->nKey].zKey = sqlite3_str_finish(pStr);
  p->aKey[p->nKey].nWords = nTerm;
  p->aKey[p->nKey].line = line;
  p->nKey++;
  if( rc==SQLITE_OK && (p->azMember[p->nKey-1]==0
                        || p->aKey[p->nKey-1].zKey==0) ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK && nTerm>p->nMaxWords ) p->nMaxWords = nTerm;
  return rc;
}

/*
** Give each member of the set aKey[iFirst..nKey) the list of the others,
** leaving out those with its own key: two inflections of one word in a set
** (a workaround for a stem the stemmer misses) are not alternatives of
** each other, and a duplicate key within a set is harmless.
*/
static int syn_close_set(struct synonyms *p, int iFirst){
  int n = p->nKey - iFirst;
  int i, j, k;
  for(i=iFirst; i<p->nKey; i++){
    struct syn_key *pK = &p->aKey[i];
    pK->azAlt = malloc(sizeof(char*) * n);
    if( pK->azAlt==0 ) return SQLITE_NOMEM;
    for(j=iFirst, k=0; j<p->nKey; j++){
      if( strcmp(p->aKey[j].zKey, pK->zKey)!=0 ){
        pK->azAlt[k++] = p->azMember[j];
      }
    }
    pK->nAlt = k;
  }
  p->nSet++;
  return SQLITE_OK;
}

/* Parse one line (without its newline): a set, or nothing. */
static int syn_parse_line(struct syn_build *b, char *z, size_t n, int line){
  char *zHash = memchr(z, '#', n);
  int iFirst = b->p->nKey;
  int rc = SQLITE_OK;
  if( zHash ) n = (size_t)(zHash - z);
  z = syn_trim(z, &n);
  if( n==0 ) return SQLITE_OK;
  while( rc==SQLITE_OK && n>0 ){
    char *zComma = memchr(z, ',', n);
    size_t nM = zComma ? (size_t)(zComma - z) : n;
    char *zM = syn_trim(z, &nM);
    if( nM>0 ) rc = syn_add_member(b, zM, nM, line);
    if( zComma==0 ) break;
    n -= (size_t)(zComma - z) + 1;
    z = zComma + 1;
  }
  if( rc==SQLITE_OK && b->p->nKey - iFirst < 2 ){
    *b->pzErr = sqlite3_mprintf("%s:%d: a set needs at least two members, "
                                "separated by commas", b->zPath, line);
    rc = SQLITE_FORMAT;
  }
  if( rc==SQLITE_OK ) rc = syn_close_set(b->p, iFirst);
  return rc;
}

/* Sort the keys; a key in two different sets is an error. */
static int syn_finish(struct syn_build *b){
  struct synonyms *p = b->p;
  int i;
  if( p->nKey>0 ) qsort(p->aKey, p->nKey, sizeof(p->aKey[0]), syn_key_cmp);
  for(i=1; i<p->nKey; i++){
    struct syn_key *pA = &p->aKey[i-1], *pB = &p->aKey[i];
    if( strcmp(pA->zKey, pB->zKey)==0 && pA->line!=pB->line ){
      *b->pzErr = sqlite3_mprintf("%s:%d: '%s' is already in the set on "
                                  "line %d", b->zPath,
                                  pA->line>pB->line ? pA->line : pB->line,
                                  pA->zKey,
                                  pA->line<pB->line ? pA->line : pB->line);
      return SQLITE_FORMAT;
    }
  }
  return SQLITE_OK;
}

/* Compile the text of a file into b->p. */
static int syn_parse(struct syn_build *b, char *zText){
  char *z = zText;
  int line = 1;
  int rc = SQLITE_OK;
  if( !utf8_valid(zText, strlen(zText)) ){
    *b->pzErr = sqlite3_mprintf("%s: not valid UTF-8", b->zPath);
    return SQLITE_FORMAT;
  }
  if( strncmp(z, "\xef\xbb\xbf", 3)==0 ) z += 3;    /* a BOM */
  while( rc==SQLITE_OK && *z ){
    char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    rc = syn_parse_line(b, z, n, line++);
    z += n + (zEnd ? 1 : 0);
  }
  if( rc==SQLITE_OK ) rc = syn_finish(b);
  return rc;
}

/* Open a private connection that only serves the tokenizer. */
static int syn_open_tokenizer_db(sqlite3 **pDb){
  int rc = sqlite3_open_v2(":memory:", pDb,
                           SQLITE_OPEN_READWRITE|SQLITE_OPEN_NOMUTEX, 0);
  if( rc==SQLITE_OK ) rc = swedish_register(*pDb);
  return rc;
}

int synonyms_load(const char *zPath, struct synonyms **ppOut, char **pzErr){
  struct syn_build b;
  sqlite3 *db = 0;
  char *zText = 0;
  char *zErr = 0;
  int rc;
  memset(&b, 0, sizeof(b));
  b.zPath = zPath;
  b.pzErr = &zErr;
  b.p = calloc(1, sizeof(*b.p));
  if( b.p==0 ){ rc = SQLITE_NOMEM; goto out; }
  atomic_init(&b.p->nRef, 1);
  if( zPath==0 ){ rc = SQLITE_OK; goto out; }
  rc = syn_read_file(zPath, &zText, &zErr);
  if( rc==SQLITE_OK ) rc = syn_open_tokenizer_db(&db);
  if( rc==SQLITE_OK ) rc = syn_tok_open(db, &b.tok);
  if( rc==SQLITE_OK ) rc = syn_parse(&b, zText);
out:
  syn_tok_close(&b.tok);
  sqlite3_close(db);
  free(zText);
  if( rc!=SQLITE_OK ){
    synonyms_free(b.p);
    b.p = 0;
    if( zErr==0 ){
      zErr = sqlite3_mprintf("%s: %s", zPath ? zPath : "synonyms",
                             sqlite3_errstr(rc));
    }
  }
  if( pzErr ) *pzErr = zErr;
  else sqlite3_free(zErr);
  *ppOut = b.p;
  return rc;
}

/* --- matching ---------------------------------------------------------- */

/*
** The first key >= zKey (nKey bytes), or p->nKey. Keys are terms joined by
** ' ', and terms hold no byte below ' ', so the keys that extend zKey by
** more terms follow it directly.
*/
static int syn_lower_bound(const struct synonyms *p, const char *zKey){
  int lo = 0, hi = p->nKey;
  while( lo<hi ){
    int mid = lo + (hi-lo)/2;
    if( strcmp(p->aKey[mid].zKey, zKey)<0 ) lo = mid+1;
    else hi = mid;
  }
  return lo;
}

/*
** Look zKey up: returns the key equal to it or NULL, and sets *pbLonger if
** some key extends it by more terms (so more words are worth reading).
*/
static const struct syn_key *syn_find(const struct synonyms *p,
                                      const char *zKey, int *pbLonger){
  int i = syn_lower_bound(p, zKey), n = (int)strlen(zKey);
  const struct syn_key *pEq = 0;
  *pbLonger = 0;
  if( i<p->nKey && strcmp(p->aKey[i].zKey, zKey)==0 ) pEq = &p->aKey[i++];
  if( i<p->nKey && strncmp(p->aKey[i].zKey, zKey, n)==0
   && p->aKey[i].zKey[n]==' ' ) *pbLonger = 1;
  return pEq;
}

/*
** Add the terms of one word after another to a key, looking each longer
** key up, and stop as soon as no member begins with the key: most words
** cost one tokenization and one binary search.
*/
int synonyms_match(const struct synonyms *p, struct synonyms_stemmer *pStem,
                   const char *const *azWord, const int *anWord, int nWord,
                   struct synonyms_hit *pHit){
  sqlite3_str *pStr = 0;
  int nTerm = 0, i, bLonger = 1;
  int rc = SQLITE_OK;
  memset(pHit, 0, sizeof(*pHit));
  if( p==0 || p->nKey==0 || nWord<=0 ) return SQLITE_OK;
  pStr = sqlite3_str_new(0);
  for(i=0; rc==SQLITE_OK && bLonger && i<nWord && i<p->nMaxWords; i++){
    const struct syn_key *pK;
    rc = syn_terms(pStem, azWord[i], anWord[i], pStr, &nTerm);
    if( rc!=SQLITE_OK || sqlite3_str_length(pStr)==0 ) continue;
    pK = syn_find(p, sqlite3_str_value(pStr), &bLonger);
    if( pK ){
      pHit->nUsed = i+1;
      pHit->nAlt = pK->nAlt;
      pHit->azAlt = pK->azAlt;
    }
  }
  sqlite3_free(sqlite3_str_finish(pStr));
  return rc;
}

/* --- the "synonyms" extension module -------------------------------- */

struct syn_module {
  struct synonyms *pTable;          /* a reference (synonyms_ref) */
  struct synonyms_stemmer *pStem;   /* on the worker's connection */
};

/*
** The file to load: conf->zSynonyms, or the shipped one (*pzPath, to be
** freed), or NULL for none. A missing shipped file is not an error (an
** installed binary may have none): logged, no synonyms. searchd's main()
** resolves the default once, so its workers never look it up.
*/
static const char *syn_module_path(const struct conf *conf, char **pzPath){
  char *zErr = 0;
  *pzPath = 0;
  if( conf->zSynonyms ) return conf->zSynonyms[0] ? conf->zSynonyms : 0;
  if( datadir_find("synonyms.txt", pzPath, &zErr) ){
    log_msg(LOG_WARN, "synonyms: %s (use --synonyms PATH); searching "
            "without synonyms", zErr ? zErr : "out of memory");
  }
  sqlite3_free(zErr);
  return *pzPath;
}

/*
** Load the table, or on a reload (pPrev) keep the previous one if the
** file is broken: a typo in the file must not take synonyms away from a
** running server, nor stop the database reopen that SIGHUP also asks for.
*/
static int syn_module_table(const struct conf *conf,
                            const struct syn_module *pPrev,
                            struct synonyms **ppTable, char **pzErr){
  char *zPath = 0, *zErr = 0;
  const char *z = syn_module_path(conf, &zPath);
  int rc = synonyms_load(z, ppTable, &zErr);
  if( rc==SQLITE_OK ){
    log_msg(pPrev ? LOG_INFO : LOG_DEBUG, "synonyms: %d sets from %s",
            synonyms_count(*ppTable), z ? z : "(none)");
  }else if( pPrev && pPrev->pTable ){
    log_msg(LOG_ERROR, "synonyms: %s; keeping the previous %d sets",
            zErr ? zErr : sqlite3_errstr(rc), synonyms_count(pPrev->pTable));
    *ppTable = synonyms_ref(pPrev->pTable);
    rc = SQLITE_OK;
  }else{
    *pzErr = sqlite3_mprintf("synonyms: %s", zErr ? zErr : sqlite3_errstr(rc));
  }
  sqlite3_free(zErr);
  sqlite3_free(zPath);
  return rc;
}

int synonyms_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                         void **ppState, char **pzErr){
  struct syn_module *m = calloc(1, sizeof(*m));
  int rc = m ? SQLITE_OK : SQLITE_NOMEM;
  *ppState = 0;
  if( rc==SQLITE_OK ){
    rc = syn_module_table(conf, (const struct syn_module*)pPrev, &m->pTable,
                          pzErr);
  }
  if( rc==SQLITE_OK ){
    rc = synonyms_stemmer_new(db, &m->pStem);
    if( rc!=SQLITE_OK ){
      *pzErr = sqlite3_mprintf("synonyms: no swedish tokenizer: %s",
                               sqlite3_errstr(rc));
    }
  }
  if( rc!=SQLITE_OK ){
    if( *pzErr==0 ) *pzErr = sqlite3_mprintf("synonyms: %s",
                                             sqlite3_errstr(rc));
    synonyms_module_close(m);
    return EXT_FATAL;
  }
  *ppState = m;
  return EXT_OK;
}

void synonyms_module_close(void *pState){
  struct syn_module *m = (struct syn_module*)pState;
  if( m ){
    synonyms_free(m->pTable);
    synonyms_stemmer_free(m->pStem);
    free(m);
  }
}

/*
** Each member of several words, the one typed included, also as a near
** group (query.h): its words close together in any order ("sjukhuset i
** Kiruna, det nya" for Kiruna nya sjukhus), after every phrase, so that
** a full term keeps its phrases.
*/
static int syn_add_near(struct query_term *pTerm,
                        const struct synonyms_hit *pHit){
  int i, rc = QUERY_OK;
  const char *z = pTerm->azAlt[0];
  if( strchr(z, ' ') ){
    rc = query_term_add_alt(pTerm, z, (int)strlen(z), QUERY_ALT_NEAR);
  }
  for(i=0; rc==QUERY_OK && i<pHit->nAlt; i++){
    z = pHit->azAlt[i];
    if( strchr(z, ' ') ){
      rc = query_term_add_alt(pTerm, z, (int)strlen(z), QUERY_ALT_NEAR);
    }
  }
  return rc;
}

int synonyms_module_expand(void *pState, struct query_term *pTerm){
  struct syn_module *m = (struct syn_module*)pState;
  const char *azWord[SYNONYMS_MAX_WORDS];
  int anWord[SYNONYMS_MAX_WORDS];
  const char *z = pTerm->azAlt[0];
  struct synonyms_hit hit;
  int nWord = 0, i, rc = QUERY_OK;
  while( *z ){
    const char *zEnd = strchr(z, ' ');
    int n = zEnd ? (int)(zEnd - z) : (int)strlen(z);
    if( n>0 ){
      if( nWord==SYNONYMS_MAX_WORDS ) return QUERY_OK;
      azWord[nWord] = z;
      anWord[nWord++] = n;
    }
    z += n + (zEnd ? 1 : 0);
  }
  if( synonyms_match(m->pTable, m->pStem, azWord, anWord, nWord, &hit)
      !=SQLITE_OK || hit.nUsed!=nWord ) return QUERY_OK;
  for(i=0; rc==QUERY_OK && i<hit.nAlt; i++){
    rc = query_term_add_alt(pTerm, hit.azAlt[i], (int)strlen(hit.azAlt[i]),
                            QUERY_ALT_SYNONYM);
  }
  if( rc==QUERY_OK ) rc = syn_add_near(pTerm, &hit);
  return rc==QUERY_EFULL ? QUERY_OK : rc;
}

int synonyms_module_span(void *pState, const char *const *azWord,
                         const int *anWord, int nWord, int *pnUsed){
  struct syn_module *m = (struct syn_module*)pState;
  struct synonyms_hit hit;
  *pnUsed = 0;
  if( synonyms_match(m->pTable, m->pStem, azWord, anWord, nWord, &hit)
      ==SQLITE_NOMEM ) return QUERY_ENOMEM;
  if( hit.nUsed>=2 ) *pnUsed = hit.nUsed;
  return QUERY_OK;
}
