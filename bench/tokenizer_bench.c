/*
** tokenizer_bench.c: tokens per second of the "swedish" tokenizer against
** plain "unicode61 remove_diacritics 0" over the same text, in one run.
**
**   tokenizer_bench FILE [RUNS]
**
** FILE is tokenized one line at a time (as FTS5 tokenizes one column value
** at a time) at index time (FTS5_TOKENIZE_DOCUMENT) through fts5_api's
** xTokenize, RUNS times (default 3) with each tokenizer, alternating, each
** run with a new tokenizer instance (a cold cache). A token is a word of
** the text: for swedish the colocated compound parts are counted apart.
** Times are the thread's CPU time, not wall time.
** Prints "metric value unit" lines: the medians and their ratio. Also the
** swedish tokenizer in FTS5_TOKENIZE_AUX mode (what highlight(), snippet()
** and searchd's ranking re-tokenize rows with), its own runs alternating
** with the others: tokens/s and its ratio to unicode61.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "swedish.h"

#define MAX_RUNS 9

typedef struct Count Count;
struct Count {
  long nToken;                    /* words */
  long nColocated;                /* compound parts and completions */
};

static int count_cb(void *pCtx, int tflags, const char *z, int n,
                    int iStart, int iEnd){
  Count *c = (Count*)pCtx;
  (void)z; (void)n; (void)iStart; (void)iEnd;
  if( tflags & FTS5_TOKEN_COLOCATED ) c->nColocated++; else c->nToken++;
  return SQLITE_OK;
}

/* CPU time of this thread: figures stay comparable on a busy machine. */
static double now(void){
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec/1e9;
}

/* Read the whole file into *pz (free it), its size into *pn. */
static int read_file(const char *zPath, char **pz, long *pn){
  FILE *f = fopen(zPath, "rb");
  char *z = 0;
  long n = 0;
  int rc = 1;
  if( f==0 || fseek(f, 0, SEEK_END)!=0 || (n = ftell(f))<0
   || fseek(f, 0, SEEK_SET)!=0 ) goto out;
  z = malloc((size_t)n + 1);
  if( z==0 || fread(z, 1, (size_t)n, f)!=(size_t)n ) goto out;
  rc = 0;
out:
  if( f ) fclose(f);
  if( rc ){
    free(z);
    z = 0;
  }
  *pz = z;
  *pn = n;
  return rc;
}

/*
** One run: tokenize every line of z[0..n) with a new instance of zName,
** with flags (FTS5_TOKENIZE_DOCUMENT or _AUX).
*/
static int run_once(fts5_api *pApi, const char *zName, const char **azArg,
                    int nArg, int flags, const char *z, long n,
                    Count *pCount, double *pSec){
  fts5_tokenizer mod;
  Fts5Tokenizer *pTok = 0;
  void *pUser = 0;
  long i = 0;
  double t0;
  int rc = pApi->xFindTokenizer(pApi, zName, &pUser, &mod);
  if( rc==SQLITE_OK ) rc = mod.xCreate(pUser, azArg, nArg, &pTok);
  memset(pCount, 0, sizeof(*pCount));
  t0 = now();
  while( rc==SQLITE_OK && i<n ){
    const char *zEol = memchr(z+i, '\n', (size_t)(n-i));
    long e = zEol ? (long)(zEol-z) : n;
    rc = mod.xTokenize(pTok, pCount, flags, z+i, (int)(e-i), count_cb);
    i = e + 1;
  }
  *pSec = now() - t0;
  if( pTok ) mod.xDelete(pTok);
  return rc;
}

static int cmp_double(const void *a, const void *b){
  double x = *(const double*)a, y = *(const double*)b;
  return x<y ? -1 : x>y;
}

static fts5_api *fts5_api_of(sqlite3 *db){
  fts5_api *pApi = 0;
  return swedish_fts5_api(db, &pApi)==SQLITE_OK ? pApi : 0;
}

int main(int argc, char **argv){
  static const char *azU61[] = {"remove_diacritics", "0"};
  double aU[MAX_RUNS], aS[MAX_RUNS], aA[MAX_RUNS];
  Count cU, cS, cA;
  sqlite3 *db = 0;
  fts5_api *pApi;
  char *z = 0;
  long n = 0;
  int nRun = argc>2 ? atoi(argv[2]) : 3, i, rc = 1;
  if( argc<2 || nRun<1 || nRun>MAX_RUNS ){
    fprintf(stderr, "usage: tokenizer_bench FILE [RUNS 1..%d]\n", MAX_RUNS);
    return 2;
  }
  if( read_file(argv[1], &z, &n) ){
    fprintf(stderr, "tokenizer_bench: cannot read %s\n", argv[1]);
    return 1;
  }
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK || swedish_register(db)
   || (pApi = fts5_api_of(db))==0 ){
    fprintf(stderr, "tokenizer_bench: no FTS5\n");
    goto out;
  }
  for(i=0; i<nRun; i++){
    if( run_once(pApi, "unicode61", azU61, 2, FTS5_TOKENIZE_DOCUMENT, z, n,
                 &cU, &aU[i])
     || run_once(pApi, SWEDISH_TOKENIZER_NAME, 0, 0, FTS5_TOKENIZE_DOCUMENT,
                 z, n, &cS, &aS[i])
     || run_once(pApi, SWEDISH_TOKENIZER_NAME, 0, 0, FTS5_TOKENIZE_AUX,
                 z, n, &cA, &aA[i]) ){
      fprintf(stderr, "tokenizer_bench: tokenize failed\n");
      goto out;
    }
  }
  qsort(aU, (size_t)nRun, sizeof(double), cmp_double);
  qsort(aS, (size_t)nRun, sizeof(double), cmp_double);
  qsort(aA, (size_t)nRun, sizeof(double), cmp_double);
  printf("tokenizer_text_bytes %ld bytes\n", n);
  printf("tokenizer_words %ld tokens\n", cS.nToken);
  printf("tokenizer_colocated %ld tokens\n", cS.nColocated);
  printf("tokenizer_unicode61 %.0f tokens/s\n", cU.nToken/aU[nRun/2]);
  printf("tokenizer_swedish %.0f tokens/s\n", cS.nToken/aS[nRun/2]);
  printf("tokenizer_swedish_mb %.1f MB/s\n", n/aS[nRun/2]/1e6);
  printf("tokenizer_ratio %.2f x\n", aS[nRun/2]/aU[nRun/2]);
  printf("tokenizer_swedish_aux %.0f tokens/s\n", cA.nToken/aA[nRun/2]);
  printf("tokenizer_aux_colocated %ld tokens\n", cA.nColocated);
  printf("tokenizer_aux_ratio %.2f x\n", aA[nRun/2]/aU[nRun/2]);
  rc = cU.nToken==cS.nToken && cU.nToken==cA.nToken ? 0 : 1;
  if( rc ) fprintf(stderr, "tokenizer_bench: word counts differ\n");
out:
  sqlite3_close(db);
  free(z);
  return rc;
}
