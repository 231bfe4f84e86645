/*
** conf.c: the command-line flags, as one table.
*/
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "http/conf.h"

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL, CONF_LIST };

struct conf_opt {
  const char *zName;
  enum conf_type type;
  size_t off;               /* offset of the field in struct conf */
  long iDefault, iMin, iMax;
  const char *zDefault;     /* for strings */
  const char *zHelp;
};

#define O(f) offsetof(struct conf, f)
static const struct conf_opt aOpt[] = {
  {"--db", CONF_STR, O(zDb), 0,0,0, 0, "PATH  the index made by indexer (required)"},
  {"--listen", CONF_STR, O(zListen), 0,0,0, "127.0.0.1:8080",
   "[HOST:]PORT  address to listen on (a PORT alone: 127.0.0.1); port 0 "
   "picks a free one"},
  {"--port-file", CONF_STR, O(zPortFile), 0,0,0, 0,
   "PATH  write the bound port there once listening"},
  {"--threads", CONF_INT, O(nThreads), 0, 0, 256, 0,
   "N  worker threads; 0: one per online CPU"},
  {"--search-threads", CONF_INT, O(nSearchThreads), -1, -1, 256, 0,
   "N  threads that run the searches a worker's cache cannot answer, "
   "oldest first, for every worker; -1: as many as --threads; 0: each "
   "worker runs its own"},
  {"--quiet", CONF_BOOL, O(bQuiet), 0, 0, 1, 0, "  no access log"},
  {"--max-headers", CONF_INT, O(nMaxHeaders), 16384, 256, 1<<20, 0,
   "BYTES  request header lines (larger: 413)"},
  {"--max-body", CONF_INT, O(nMaxBody), 4096, 0, 1<<20, 0,
   "BYTES  request body (larger: 413)"},
  {"--max-uri", CONF_INT, O(nMaxUri), 16384, 64, 1<<20, 0,
   "BYTES  request target (longer: 414)"},
  {"--max-query", CONF_INT, O(nMaxQuery), 8192, 16, 1<<20, 0,
   "BYTES  decoded parameter value, e.g. q (longer: 414)"},
  {"--timeout", CONF_INT, O(nTimeout), 10, 1, 3600, 0,
   "SECONDS  longest pause while reading or writing a connection"},
  {"--header-timeout", CONF_INT, O(nHeaderTimeout), 10, 1, 3600, 0,
   "SECONDS  a request's line and headers must be in within this of the "
   "accept or of the previous response, however fast bytes trickle in "
   "(past it: closed)"},
  {"--idle-timeout", CONF_INT, O(nIdleTimeout), 5, 1, 3600, 0,
   "SECONDS  a connection with no byte of a request this long after the "
   "accept or the previous response is closed"},
  {"--body-timeout", CONF_INT, O(nBodyTimeout), 10, 1, 3600, 0,
   "SECONDS  a request's body must be in within this of its headers"},
  {"--max-conns", CONF_INT, O(nMaxConns), 1024, 1, 1000000, 0,
   "N  open client connections; more are answered 503 and closed at once"},
  {"--max-conns-per-client", CONF_INT, O(nMaxConnsPerClient), 256, 0,
   1000000, 0,
   "N  open connections from one IPv4 address or IPv6 /64; more are "
   "answered 503 and closed at once (0: no cap; behind a proxy on the "
   "same host every client is the proxy's address)"},
  {"--query-ms", CONF_INT, O(nQueryMs), 2000, 0, 600000, 0,
   "MS  time limit of one query (past it: 503; 0: every query, for tests)"},
  {"--cache-size", CONF_INT, O(nCache), 512, 0, 1<<20, 0,
   "N  cached /search results per worker; 0 turns the cache off"},
  {"--rerank", CONF_INT, O(nRerank), 100, 10, 10000, 0,
   "K  best bm25 candidates that get the full ranking"},
  {"--window", CONF_INT, O(nWindow), 2000, 0, 100000000, 0,
   "N  a query with more matches scores only the newest N (and older rows "
   "matching in the assignment); 0: score every match"},
  {"--lookup-us", CONF_INT, O(nLookupUs), 20, 0, 1000000, 0,
   "US  what reading one chosen row by rowid costs, against walking the "
   "matches of its rowid range (tuning; 0: always by rowid; 1000000: "
   "always the range)"},
  {"--early", CONF_INT, O(nEarly), 200, 0, 200, 0,
   "N  pages of up to N rows (offset+limit) get the exact scores they need "
   "in the first pass, not looked up after it (tuning; 0: off)"},
  {"--max-offset", CONF_INT, O(nMaxOffset), 1000, 0, 1000000, 0,
   "N  largest offset accepted (larger: 400)"},
  {"--synonyms", CONF_STR, O(zSynonyms), 0,0,0, 0,
   "PATH  synonym sets (default: the build tree's searchd/synonyms.txt, "
   "else the installed PREFIX/share/aar/synonyms.txt; '' for none)"},
  {"--www", CONF_STR, O(zWww), 0,0,0, 0,
   "DIR  the search page's files (default: the build tree's searchd/www, "
   "else the installed PREFIX/share/aar/www)"},
  {"--cors-origin", CONF_LIST, O(azCors), 0,0,0, 0,
   "ORIGIN  allow this origin (repeatable; none by default)"},
};
#undef O
#define N_OPT ((int)(sizeof(aOpt)/sizeof(aOpt[0])))

static void conf_defaults(struct conf *p){
  int i;
  memset(p, 0, sizeof(*p));
  for(i=0; i<N_OPT; i++){
    char *pField = (char*)p + aOpt[i].off;
    if( aOpt[i].type==CONF_STR ) *(const char**)pField = aOpt[i].zDefault;
    if( aOpt[i].type==CONF_INT ) *(long*)pField = aOpt[i].iDefault;
  }
}

/* Store zVal into the field of option o. Returns CONF_OK or CONF_ERROR. */
static int conf_set(struct conf *p, const struct conf_opt *o,
                    const char *zVal, char **pzErr){
  char *pField = (char*)p + o->off;
  char *zEnd = 0;
  long v;
  if( o->type==CONF_STR ){
    *(const char**)pField = zVal;
  }else if( o->type==CONF_LIST ){
    if( p->nCors>=CONF_MAX_CORS ){
      *pzErr = sqlite3_mprintf("%s: at most %d", o->zName, CONF_MAX_CORS);
      return CONF_ERROR;
    }
    p->azCors[p->nCors++] = zVal;
  }else{
    errno = 0;
    v = strtol(zVal, &zEnd, 10);
    if( errno || zEnd==zVal || *zEnd || v<o->iMin || v>o->iMax ){
      *pzErr = sqlite3_mprintf("%s: want an integer in [%ld, %ld], got '%s'",
                               o->zName, o->iMin, o->iMax, zVal);
      return CONF_ERROR;
    }
    *(long*)pField = v;
  }
  return CONF_OK;
}

int conf_parse(int argc, char **argv, struct conf *p, char **pzErr){
  int i, j, rc = CONF_OK;
  *pzErr = 0;
  conf_defaults(p);
  for(i=1; rc==CONF_OK && i<argc; i++){
    if( strcmp(argv[i], "--help")==0 || strcmp(argv[i], "-h")==0 ){
      return CONF_HELP;
    }
    for(j=0; j<N_OPT && strcmp(argv[i], aOpt[j].zName)!=0; j++){}
    if( j==N_OPT ){
      *pzErr = sqlite3_mprintf("unknown flag '%s' (see --help)", argv[i]);
      rc = CONF_ERROR;
    }else if( aOpt[j].type==CONF_BOOL ){
      *(long*)((char*)p + aOpt[j].off) = 1;
    }else if( i+1>=argc ){
      *pzErr = sqlite3_mprintf("%s needs a value", argv[i]);
      rc = CONF_ERROR;
    }else{
      rc = conf_set(p, &aOpt[j], argv[++i], pzErr);
    }
  }
  if( rc==CONF_OK && p->nThreads==0 ){
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    p->nThreads = n<1 ? 1 : (n>256 ? 256 : n);
  }
  if( rc==CONF_OK && p->nSearchThreads<0 ) p->nSearchThreads = p->nThreads;
  if( rc==CONF_OK && p->zDb==0 ){
    *pzErr = sqlite3_mprintf("--db PATH is required (see --help)");
    rc = CONF_ERROR;
  }
  return rc;
}

void conf_usage(const char *zArgv0, FILE *f){
  int i;
  fprintf(f, "usage: %s --db PATH [flags]\n"
             "Serve the index at PATH over HTTP (see searchd/README.md).\n\n",
          zArgv0);
  for(i=0; i<N_OPT; i++){
    const struct conf_opt *o = &aOpt[i];
    fprintf(f, "  %s %s", o->zName, o->zHelp);
    if( o->type==CONF_INT ){
      fprintf(f, " (default %ld, %ld..%ld)", o->iDefault, o->iMin, o->iMax);
    }else if( o->zDefault ){
      fprintf(f, " (default %s)", o->zDefault);
    }
    fputc('\n', f);
  }
  fprintf(f, "  --help  this text\n");
}
