/*
** swedish_int.h: internal interfaces of stemming/, not for other modules.
*/
#ifndef SWEDISH_INT_H
#define SWEDISH_INT_H

#include <sqlite3.h>

typedef struct SwedishAnalyzer SwedishAnalyzer;

/*
** Create an analyzer: a Snowball Swedish stemmer and scratch buffers.
** On success *ppOut owns them (free with analyzer_free) and SQLITE_OK is
** returned; on failure *ppOut is NULL and SQLITE_NOMEM is returned.
** An analyzer is not thread safe: one per tokenizer instance.
*/
int analyzer_new(SwedishAnalyzer **ppOut);

/* Free an analyzer. Accepts NULL. */
void analyzer_free(SwedishAnalyzer *p);

/*
** Words longer than this (bytes) are indexed as written, unstemmed:
** Snowball works on a copy of its input, and no Swedish word is this long,
** so a 1 MB "token" (a base64 blob, say) costs nothing more. A token of at
** most ANALYZER_MAX_SAME bytes is its own term: Snowball Swedish changes
** only its R1 region, which starts after the third character at the
** earliest, and no dictionary entry or exception is that short ("och",
** "i", "på", "år"). Tokens of ANALYZER_MAX_SAME+1 to ANALYZER_MAX_CACHED
** bytes go through the token cache.
*/
#define ANALYZER_MAX_STEM 64
#define ANALYZER_MAX_SAME 3
#define ANALYZER_MAX_CACHED 40

/*
** A flag of analyzer_emit()'s tflags, never passed on to xToken: emit the
** whole word's term only, not its parts (a coordinated compound's
** completion, a joined hyphenated word).
*/
#define ANALYZER_WHOLE_ONLY 0x10000

/* Where analyzer_emit() sends terms: fixed for one xTokenize call. */
typedef struct AnalyzerSink AnalyzerSink;
struct AnalyzerSink {
  SwedishAnalyzer *p;             /* the instance's analyzer */
  int bParts;                     /* emit compound parts (DOCUMENT only) */
  int bDocument;                  /* indexing (DOCUMENT): the token cache
                                  ** may grow to its largest size */
  void *pCtx;                     /* xToken's first argument */
  int (*xToken)(void*, int, const char*, int, int, int);
};

/*
** analyzer_emit() for a token of ANALYZER_MAX_SAME+1 to ANALYZER_MAX_STEM
** bytes, the ones that need analysis. Same contract.
*/
int analyzer_emit_word(const AnalyzerSink *pSink, int tflags,
                       const char *pToken, int nToken, int iStart, int iEnd);

/*
** Emit the terms of one folded token (as given by unicode61) through
** pSink->xToken: the whole word's term with flag tflags (the parent's:
** 0 or FTS5_TOKEN_COLOCATED), then, if pSink->bParts and tflags has no
** ANALYZER_WHOLE_ONLY, its compound parts as FTS5_TOKEN_COLOCATED. iStart
** and iEnd are the byte offsets of the word in the original text, passed
** on unchanged for every term. Returns the first non-OK code of xToken,
** or SQLITE_NOMEM. Inline, because it is called for every token and most
** tokens need no analysis at all.
*/
static inline int analyzer_emit(const AnalyzerSink *pSink, int tflags,
                                const char *pToken, int nToken,
                                int iStart, int iEnd){
  if( nToken>ANALYZER_MAX_STEM || nToken<=ANALYZER_MAX_SAME ){
    return pSink->xToken(pSink->pCtx, tflags & ~ANALYZER_WHOLE_ONLY,
                         pToken, nToken, iStart, iEnd);
  }
  return analyzer_emit_word(pSink, tflags, pToken, nToken, iStart, iEnd);
}

/*
** Stem the folded word z[0..n) into a buffer owned by p, valid until the
** next call on p. Applies the exceptions table first. On success sets
** *pzOut and *pnOut and returns SQLITE_OK; returns SQLITE_NOMEM when the stemmer
** fails to allocate.
*/
int analyzer_stem(SwedishAnalyzer *p, const char *z, int n,
                  const char **pzOut, int *pnOut);

/*
** The tail a coordinated compound shares with its hanging first parts:
** for the folded word z[0..n), the offset of what follows its longest first
** part known to the dictionary ("ungdomspsykiatri" -> 7, "psykiatri";
** "kommunägda" -> 6, "ägda"), leaving at least 3 characters; 0 if none.
** Thread safe.
*/
int analyzer_tail(const char *z, int n);

#endif /* SWEDISH_INT_H */
