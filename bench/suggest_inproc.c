/*
** suggest_inproc.c: the /suggest work alone, without HTTP (bench_suggest.sh).
**
**   suggest_inproc DB PREFIXES [SYNONYMS]
**
** Opens DB read-only with db_open() and runs suggest_run() (limit 8, 3
** hits, as the search page asks) on every line of PREFIXES, three passes
** over the list, timing each call with CLOCK_MONOTONIC. Completions are
** parsed with the query hooks a searchd worker has (the extension modules
** that expand queries: the synonyms of SYNONYMS, none without it, and the
** corrections), as /suggest parses them. The first pass meets cold caches
** (SQLite's pages, the suggest cache: every answer counted); the figures
** are that pass's (cold: what a prefix nobody typed since the index
** changed costs), per prefix the fastest of the three passes (so a moment
** when another process had the CPU does not count: what the code costs,
** not what the machine was doing), and over all calls of the last two
** passes (what a warm server sees, noise included). Prints `metric value
** unit` lines: suggest.inproc.cold.{p50,p99,max},
** suggest.inproc.{p50,p99,max} and suggest.inproc.warm.{mean,p50,p99} in
** ms. Exit 0, or 1 on any error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "db.h"
#include "../searchd/box/ext.h"
#include "../searchd/box/suggest.h"
#include "../searchd/http/conf.h"

#define INPROC_PASSES 3
#define INPROC_MAX_LINE 512

static double inproc_now_ms(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec*1e3 + t.tv_nsec/1e6;
}

static int inproc_cmp(const void *a, const void *b){
  double x = *(const double*)a, y = *(const double*)b;
  return x<y ? -1 : x>y;
}

/* Read the lines of zPath into *pazLine (*pnLine of them). */
static int inproc_read(const char *zPath, char ***pazLine, int *pnLine){
  FILE *f = fopen(zPath, "r");
  char z[INPROC_MAX_LINE];
  char **az = 0;
  int n = 0, rc = 0;
  if( f==0 ){ perror(zPath); return 1; }
  while( rc==0 && fgets(z, sizeof(z), f) ){
    char **azNew = realloc(az, (n+1)*sizeof(*az));
    z[strcspn(z, "\n")] = 0;
    if( azNew==0 || (azNew[n] = strdup(z))==0 ) rc = 1;
    if( azNew ) az = azNew;
    if( rc==0 ) n++;
  }
  fclose(f);
  *pazLine = az;
  *pnLine = n;
  return rc;
}

/* Time every prefix INPROC_PASSES times into aMs[pass*n + i]. */
static int inproc_run(struct suggest *p, char **az, int n, double *aMs){
  struct suggest_result r;
  int k, i, rc = SQLITE_OK;
  for(k=0; rc==SQLITE_OK && k<INPROC_PASSES; k++){
    for(i=0; rc==SQLITE_OK && i<n; i++){
      double t0 = inproc_now_ms();
      rc = suggest_run(p, az[i], (int)strlen(az[i]), 8, 3, &r);
      aMs[k*n + i] = inproc_now_ms() - t0;
      suggest_result_clear(&r);
    }
  }
  return rc;
}

static void inproc_report(double *aMs, int n){
  double *aBest = malloc(n*sizeof(double)), sum = 0;
  double *aCold = malloc(n*sizeof(double));
  double *aWarm = aMs + n;
  int i, k, nWarm = (INPROC_PASSES-1)*n;
  if( aBest==0 || aCold==0 ){
    free(aBest);
    free(aCold);
    return;
  }
  memcpy(aCold, aMs, n*sizeof(double));
  qsort(aCold, n, sizeof(double), inproc_cmp);
  printf("suggest.inproc.cold.p50 %.3f ms\n", aCold[n/2]);
  printf("suggest.inproc.cold.p99 %.3f ms\n", aCold[(int)(n*0.99)]);
  printf("suggest.inproc.cold.max %.3f ms\n", aCold[n-1]);
  free(aCold);
  for(i=0; i<n; i++){
    aBest[i] = aMs[i];
    for(k=1; k<INPROC_PASSES; k++){
      if( aMs[k*n + i]<aBest[i] ) aBest[i] = aMs[k*n + i];
    }
  }
  for(i=0; i<nWarm; i++) sum += aWarm[i];
  qsort(aBest, n, sizeof(double), inproc_cmp);
  qsort(aWarm, nWarm, sizeof(double), inproc_cmp);
  printf("suggest.inproc.p50 %.3f ms\n", aBest[n/2]);
  printf("suggest.inproc.p99 %.3f ms\n", aBest[(int)(n*0.99)]);
  printf("suggest.inproc.max %.3f ms\n", aBest[n-1]);
  printf("suggest.inproc.warm.mean %.3f ms\n", sum/nWarm);
  printf("suggest.inproc.warm.p50 %.3f ms\n", aWarm[nWarm/2]);
  printf("suggest.inproc.warm.p99 %.3f ms\n", aWarm[(int)(nWarm*0.99)]);
  free(aBest);
}

/*
** The query hooks of a searchd worker (ext.h) on db: the modules that
** expand queries, with the synonyms file zSyn ("" for none).
*/
static int inproc_hooks(const char *zDb, const char *zSyn, sqlite3 *db,
                        struct ext_set **ppSet){
  char *azArg[] = {"suggest_inproc", "--db", (char*)zDb, "--synonyms",
                   (char*)zSyn, 0};
  struct conf conf;
  char *zErr = 0;
  int rc = conf_parse(5, azArg, &conf, &zErr)!=CONF_OK;
  if( rc==0 ) rc = ext_open(&conf, db, 0, 1, ppSet, &zErr)!=0;
  if( rc ) fprintf(stderr, "suggest_inproc: %s\n", zErr ? zErr : "hooks");
  sqlite3_free(zErr);
  return rc;
}

int main(int argc, char **argv){
  sqlite3 *db = 0;
  struct suggest *p = 0;
  struct ext_set *pSet = 0;
  struct query_opts opts;
  char **az = 0, *zErr = 0;
  double *aMs = 0;
  int n = 0, i, rc = 1;
  if( argc!=3 && argc!=4 ){
    fprintf(stderr, "usage: %s DB PREFIXES [SYNONYMS]\n", argv[0]);
    return 1;
  }
  if( inproc_read(argv[2], &az, &n) || n==0 ) goto out;
  aMs = malloc(sizeof(double)*n*INPROC_PASSES);
  if( aMs==0 ) goto out;
  if( db_open(argv[1], DB_READONLY, &db, &zErr)!=SQLITE_OK
   || suggest_new(db, &p)!=SQLITE_OK ){
    fprintf(stderr, "%s: %s\n", argv[1], zErr ? zErr : sqlite3_errmsg(db));
    goto out;
  }
  if( inproc_hooks(argv[1], argc==4 ? argv[3] : "", db, &pSet) ) goto out;
  opts = ext_query_opts(pSet);
  suggest_set_query_opts(p, &opts);
  if( inproc_run(p, az, n, aMs)!=SQLITE_OK ){
    fprintf(stderr, "suggest_run: %s\n", sqlite3_errmsg(db));
    goto out;
  }
  inproc_report(aMs, n);
  rc = 0;
out:
  suggest_free(p);
  ext_close(pSet);
  sqlite3_close(db);
  sqlite3_free(zErr);
  for(i=0; i<n; i++) free(az[i]);
  free(az);
  free(aMs);
  return rc;
}
