/*
** conf.h: searchd's settings, from the command line.
**
** One table in conf.c lists every flag with its default, range and help
** text, parsed by common/opt.c; --help prints it. The struct is filled once by main() and then only
** read, by every thread.
*/
#ifndef SEARCHD_CONF_H
#define SEARCHD_CONF_H

#include <stdio.h>

#include "opt.h"

struct lexicon_share;
struct attrs_share;

struct conf {
  const char *zDb;            /* --db PATH (required) */
  const char *zListen;        /* --listen [HOST:]PORT */
  const char *zPortFile;      /* --port-file PATH: write the bound port */
  long nThreads;              /* --threads (0 resolved to the CPU count) */
  long nSearchThreads;        /* --search-threads (-1 resolved); 0: none */
  int bQuiet;                 /* --quiet: no access log */
  long nMaxHeaders;           /* --max-headers: request line + headers */
  long nMaxBody;              /* --max-body */
  long nMaxUri;               /* --max-uri: longer request targets get 414 */
  long nMaxQuery;             /* --max-query: longer q gets 414 */
  long nTimeout;              /* --timeout: longest pause reading or
                              ** writing a connection, seconds */
  long nHeaderTimeout;        /* --header-timeout: request line and
                              ** headers in all, seconds (conns.h) */
  long nIdleTimeout;          /* --idle-timeout: to a request's first byte */
  long nBodyTimeout;          /* --body-timeout: headers to full request */
  long nMaxConns;             /* --max-conns: open connections, process */
  long nMaxConnsPerClient;    /* --max-conns-per-client; 0: no cap */
  long nQueryMs;              /* --query-ms: per-query time limit */
  long nCache;                /* --cache-size: cached results per worker */
  long nMmapMb;               /* --mmap-mb: memory map of the index, MB */
  long nRerank;               /* --rerank: candidates fully ranked */
  long nWindow;               /* --window: newest matches scored; 0: all */
  long nLookupUs;             /* --lookup-us: cost of a rowid=? lookup */
  long nEarly;                /* --early: largest page with early exact
                              ** scores (rank_set_early) */
  long nMaxOffset;            /* --max-offset */
  struct opt_list cors;       /* --cors-origin, repeatable */
  const char *zSynonyms;      /* --synonyms PATH; NULL: shipped file
                              ** (datadir.h); "": none */
  const char *zWww;           /* --www DIR; NULL: shipped www (datadir.h);
                              ** "": no page */
  struct lexicon_share *pLexicon;  /* no flag: the correctors' lexicon,
                              ** made once by main() before the workers
                              ** start (lexicon.h); NULL: each its own */
  struct attrs_share *pAttrs; /* no flag: the row attributes of every
                              ** connection, made by main() (attrs_share.h);
                              ** NULL: each its own */
};

/* Results of conf_parse(). */
#define CONF_OK    0
#define CONF_HELP  1    /* --help: caller prints conf_usage() and exits 0 */
#define CONF_ERROR 2    /* *pzErr says why; caller exits 2 */
#define CONF_VERSION 3  /* --version: caller prints the versions, exits 0 */

/*
** Fill *p with the defaults, then the flags of argv[1..argc). Strings in *p
** point into argv. On CONF_ERROR, *pzErr is a message (sqlite3_free it);
** otherwise *pzErr is NULL. Not thread safe (called by main only).
*/
int conf_parse(int argc, char **argv, struct conf *p, char **pzErr);

/* Print the usage text with every flag, its default and range, to f. */
void conf_usage(FILE *f);

#endif /* SEARCHD_CONF_H */
