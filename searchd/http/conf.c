/*
** conf.c: searchd's command-line flags, as one table for common/opt.c.
*/
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "http/conf.h"
#include "opt.h"

#define O(f) offsetof(struct conf, f)
static const struct opt aOpt[] = {
  {"--db", OPT_STR, O(zDb), 0,0,0, 0, "PATH  the index made by indexer (required)"},
  {"--listen", OPT_STR, O(zListen), 0,0,0, "127.0.0.1:8080",
   "[HOST:]PORT  address to listen on (a PORT alone: 127.0.0.1); port 0 "
   "picks a free one"},
  {"--port-file", OPT_STR, O(zPortFile), 0,0,0, 0,
   "PATH  write the bound port there once listening"},
  {"--threads", OPT_INT, O(nThreads), 0, 0, 256, 0,
   "N  worker threads; 0: one per CPU this process may run on"},
  {"--search-threads", OPT_INT, O(nSearchThreads), -1, -1, 256, 0,
   "N  threads that run the searches a worker's cache cannot answer, "
   "oldest first, for every worker; -1: as many as --threads; 0: each "
   "worker runs its own"},
  {"--quiet", OPT_BOOL, O(bQuiet), 0, 0, 1, 0, "  no access log"},
  {"--max-headers", OPT_INT, O(nMaxHeaders), 16384, 256, 1<<20, 0,
   "BYTES  request header lines (larger: 413)"},
  {"--max-body", OPT_INT, O(nMaxBody), 4096, 0, 1<<20, 0,
   "BYTES  request body (larger: 413)"},
  {"--max-uri", OPT_INT, O(nMaxUri), 16384, 64, 1<<20, 0,
   "BYTES  request target (longer: 414)"},
  {"--max-query", OPT_INT, O(nMaxQuery), 8192, 16, 1<<20, 0,
   "BYTES  decoded parameter value, e.g. q (longer: 414)"},
  {"--timeout", OPT_INT, O(nTimeout), 10, 1, 3600, 0,
   "SECONDS  longest pause while reading or writing a connection"},
  {"--header-timeout", OPT_INT, O(nHeaderTimeout), 10, 1, 3600, 0,
   "SECONDS  a request's line and headers must be in within this of the "
   "accept or of the previous response, however fast bytes trickle in "
   "(past it: closed)"},
  {"--idle-timeout", OPT_INT, O(nIdleTimeout), 5, 1, 3600, 0,
   "SECONDS  a connection with no byte of a request this long after the "
   "accept or the previous response is closed"},
  {"--body-timeout", OPT_INT, O(nBodyTimeout), 10, 1, 3600, 0,
   "SECONDS  a request's body must be in within this of its headers"},
  {"--max-conns", OPT_INT, O(nMaxConns), 1024, 1, 1000000, 0,
   "N  open client connections; more are answered 503 and closed at once"},
  {"--max-conns-per-client", OPT_INT, O(nMaxConnsPerClient), 256, 0,
   1000000, 0,
   "N  open connections from one IPv4 address or IPv6 /64; more are "
   "answered 503 and closed at once (0: no cap; behind a proxy on the "
   "same host every client is the proxy's address)"},
  {"--query-ms", OPT_INT, O(nQueryMs), 2000, 0, 600000, 0,
   "MS  time limit of one query (past it: 503; 0: every query, for tests)"},
  {"--cache-size", OPT_INT, O(nCache), 512, 0, 1<<20, 0,
   "N  cached /search results per worker; 0 turns the cache off"},
  {"--mmap-mb", OPT_INT, O(nMmapMb), 2048, 0, 1<<20, 0,
   "MB  read the index through a memory map of up to this size (SQLite's "
   "mmap_size, capped by the SQLite build); 0: read() into each "
   "connection's page cache"},
  {"--rerank", OPT_INT, O(nRerank), 100, 10, 10000, 0,
   "K  best bm25 candidates that get the full ranking"},
  {"--window", OPT_INT, O(nWindow), 2000, 0, 100000000, 0,
   "N  a query with more matches scores only the newest N (and older rows "
   "matching in the assignment); 0: score every match"},
  {"--lookup-us", OPT_INT, O(nLookupUs), 20, 0, 1000000, 0,
   "US  what reading one chosen row by rowid costs, against walking the "
   "matches of its rowid range (tuning; 0: always by rowid; 1000000: "
   "always the range)"},
  {"--early", OPT_INT, O(nEarly), 200, 0, 200, 0,
   "N  pages of up to N rows (offset+limit) get the exact scores they need "
   "in the first pass, not looked up after it (tuning; 0: off)"},
  {"--max-offset", OPT_INT, O(nMaxOffset), 1000, 0, 1000000, 0,
   "N  largest offset accepted (larger: 400)"},
  {"--synonyms", OPT_STR, O(zSynonyms), 0,0,0, 0,
   "PATH  synonym sets (default: the build tree's searchd/synonyms.txt, "
   "else the installed PREFIX/share/aar/synonyms.txt; '' for none)"},
  {"--www", OPT_STR, O(zWww), 0,0,0, 0,
   "DIR  the search page's files (default: the build tree's searchd/www, "
   "else the installed PREFIX/share/aar/www)"},
  {"--cors-origin", OPT_LIST, O(cors), 0, 0, OPT_LIST_MAX, 0,
   "ORIGIN  allow this origin (repeatable; none by default)"},
};
#undef O
#define N_OPT ((int)(sizeof(aOpt)/sizeof(aOpt[0])))

static const struct opt_program conf_program = {
  "searchd", "--db PATH [flags]",
  "Serve the index at PATH over HTTP (see searchd/README.md).", 0,
  aOpt, N_OPT, 0
};

/*
** The CPUs this process may run on: its affinity mask (taskset, a
** container's or a unit's CPU set) rather than every online CPU, so that
** workers are not more than the CPUs they share.
*/
static long conf_cpus(void){
  cpu_set_t set;
  long n;
  if( sched_getaffinity(0, sizeof(set), &set)==0 ){
    n = CPU_COUNT(&set);
  }else{
    n = sysconf(_SC_NPROCESSORS_ONLN);
  }
  return n<1 ? 1 : (n>256 ? 256 : n);
}

int conf_parse(int argc, char **argv, struct conf *p, char **pzErr){
  int rc;
  memset(p, 0, sizeof(*p));
  rc = opt_parse(&conf_program, argc, argv, p, 0, 0, pzErr);
  if( rc==OPT_HELP ) return CONF_HELP;
  if( rc==OPT_VERSION ) return CONF_VERSION;
  if( rc!=OPT_OK ) return CONF_ERROR;
  if( p->nThreads==0 ) p->nThreads = conf_cpus();
  if( p->nSearchThreads<0 ) p->nSearchThreads = p->nThreads;
  if( p->zDb==0 ){
    *pzErr = sqlite3_mprintf("--db PATH is required (see --help)");
    return CONF_ERROR;
  }
  return CONF_OK;
}

void conf_usage(FILE *f){
  opt_usage(&conf_program, f);
}
