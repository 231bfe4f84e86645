/*
** analyzer.c: from one folded token to its terms.
*/
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "swedish.h"
#include "swedish_int.h"

/*
** Words longer than this are indexed as written, unstemmed: Snowball works
** on a copy of its input, and no Swedish word is this long, so a 1 MB
** "token" (a base64 blob, say) costs one memcpy instead of a stemmer pass.
*/
#define ANALYZER_MAX_STEM 64

struct SwedishAnalyzer {
  struct sb_stemmer *pStemmer;
};

int analyzer_new(SwedishAnalyzer **ppOut){
  SwedishAnalyzer *p = sqlite3_malloc(sizeof(*p));
  if( p ){
    memset(p, 0, sizeof(*p));
    p->pStemmer = sb_stemmer_new("swedish", "UTF_8");
    if( p->pStemmer==0 ){
      sqlite3_free(p);
      p = 0;
    }
  }
  *ppOut = p;
  return p ? SQLITE_OK : SQLITE_NOMEM;
}

void analyzer_free(SwedishAnalyzer *p){
  if( p ){
    sb_stemmer_delete(p->pStemmer);
    sqlite3_free(p);
  }
}

int analyzer_stem(SwedishAnalyzer *p, const char *z, int n,
                  const char **pzOut, int *pnOut){
  const sb_symbol *zStem;
  if( n>ANALYZER_MAX_STEM ){
    *pzOut = z;
    *pnOut = n;
    return SQLITE_OK;
  }
  zStem = sb_stemmer_stem(p->pStemmer, (const sb_symbol*)z, n);
  if( zStem==0 ){
    *pzOut = 0;
    *pnOut = 0;
    return SQLITE_NOMEM;
  }
  *pzOut = (const char*)zStem;
  *pnOut = sb_stemmer_length(p->pStemmer);
  return SQLITE_OK;
}

int analyzer_emit(
  SwedishAnalyzer *p, int flags, int tflags,
  const char *pToken, int nToken, int iStart, int iEnd,
  void *pCtx, int (*xToken)(void*, int, const char*, int, int, int)
){
  const char *zStem = 0;
  int nStem = 0;
  int rc = analyzer_stem(p, pToken, nToken, &zStem, &nStem);
  (void)flags;
  if( rc==SQLITE_OK ){
    rc = xToken(pCtx, tflags, zStem, nStem, iStart, iEnd);
  }
  return rc;
}
