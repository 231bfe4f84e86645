/*
** ext.c: the extension module table and its per-worker state (ext.h).
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "box/correct.h"
#include "box/ext.h"
#include "http/log.h"
#include "http/static.h"
#include "box/suggest.h"
#include "box/synonyms.h"

/* One line per module; modules' own files define the functions. */
const struct ext_module aExtModule[] = {
  /* Synonyms before corrections: a word found through a synonym is not
  ** "corrected" (correct.h). */
  {"synonyms", synonyms_module_open, synonyms_module_close,
   synonyms_module_expand, synonyms_module_span},
  {"correct",  correct_module_open,  correct_module_close,
   correct_module_expand, 0},
  {"suggest",  suggest_module_open,  suggest_module_close,  0, 0},
  {"static",   static_module_open,   static_module_close,   0, 0},
  {0, 0, 0, 0, 0},
};

#define EXT_N_MODULE ((int)(sizeof(aExtModule)/sizeof(aExtModule[0])) - 1)

struct ext_set {
  void *apState[EXT_N_MODULE + 1];    /* +1: never a zero-length array */
};

int ext_open(const struct conf *conf, sqlite3 *db, struct ext_set *pPrev,
             int bSearchOnly, struct ext_set **ppOut, char **pzErr){
  struct ext_set *p = calloc(1, sizeof(*p));
  int i, rc = p ? EXT_OK : EXT_FATAL;
  *ppOut = 0;
  *pzErr = 0;
  for(i=0; rc!=EXT_FATAL && i<EXT_N_MODULE; i++){
    void *pOld = pPrev ? pPrev->apState[i] : 0;
    if( bSearchOnly && !aExtModule[i].xExpand && !aExtModule[i].xSpan ){
      continue;
    }
    rc = aExtModule[i].xOpen(conf, db, pOld, &p->apState[i], pzErr);
    if( rc!=EXT_OK ) p->apState[i] = 0;
    if( rc==EXT_SKIP ){
      log_msg(LOG_WARN, "extension %s not available in this worker",
              aExtModule[i].zName);
    }
  }
  if( rc==EXT_FATAL ){
    if( *pzErr==0 ) *pzErr = sqlite3_mprintf("out of memory");
    ext_close(p);
    return -1;
  }
  *ppOut = p;
  return 0;
}

void ext_close(struct ext_set *p){
  int i;
  if( p==0 ) return;
  for(i=0; i<EXT_N_MODULE; i++){
    if( p->apState[i] && aExtModule[i].xClose ){
      aExtModule[i].xClose(p->apState[i]);
    }
  }
  free(p);
}

void *ext_state(struct ext_set *p, const char *zName){
  int i;
  if( p==0 ) return 0;
  for(i=0; i<EXT_N_MODULE; i++){
    if( strcmp(aExtModule[i].zName, zName)==0 ) return p->apState[i];
  }
  return 0;
}

/* query_opts.xExpand: every open module's xExpand, in table order. */
static int ext_expand_all(void *pArg, struct query_term *pTerm){
  struct ext_set *p = (struct ext_set*)pArg;
  int i, rc = QUERY_OK;
  for(i=0; rc==QUERY_OK && i<EXT_N_MODULE; i++){
    if( p->apState[i] && aExtModule[i].xExpand ){
      rc = aExtModule[i].xExpand(p->apState[i], pTerm);
    }
  }
  return rc;
}

/* query_opts.xSpan: the first open module's xSpan that joins words. */
static int ext_span_all(void *pArg, const char *const *azWord,
                        const int *anWord, int nWord, int *pnUsed){
  struct ext_set *p = (struct ext_set*)pArg;
  int i, rc = QUERY_OK;
  *pnUsed = 0;
  for(i=0; rc==QUERY_OK && *pnUsed==0 && i<EXT_N_MODULE; i++){
    if( p->apState[i] && aExtModule[i].xSpan ){
      rc = aExtModule[i].xSpan(p->apState[i], azWord, anWord, nWord, pnUsed);
    }
  }
  return rc;
}

struct query_opts ext_query_opts(struct ext_set *p){
  struct query_opts o;
  memset(&o, 0, sizeof(o));
  o.xExpand = p ? ext_expand_all : 0;
  o.xSpan = p ? ext_span_all : 0;
  o.pExpandArg = p;
  return o;
}
