/*
** opt.c: command-line flags from a table (see opt.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "opt.h"

static void opt_defaults(const struct opt_program *pProg, void *pConf){
  int i;
  for(i=0; i<pProg->nOpt; i++){
    const struct opt *o = &pProg->aOpt[i];
    char *pField = (char*)pConf + o->off;
    switch( o->type ){
      case OPT_STR:  *(const char**)pField = o->zDefault; break;
      case OPT_INT:  *(long*)pField = o->iDefault; break;
      case OPT_BOOL: *(int*)pField = 0; break;
      case OPT_LIST: ((struct opt_list*)pField)->n = 0; break;
    }
  }
}

/* Store zVal into the field of option o. Returns OPT_OK or OPT_ERROR. */
static int opt_set(void *pConf, const struct opt *o, const char *zVal,
                   char **pzErr){
  char *pField = (char*)pConf + o->off;
  char *zEnd = 0;
  long v;
  if( o->type==OPT_STR ){
    *(const char**)pField = zVal;
  }else if( o->type==OPT_LIST ){
    struct opt_list *pList = (struct opt_list*)pField;
    if( pList->n>=o->iMax || pList->n>=OPT_LIST_MAX ){
      *pzErr = sqlite3_mprintf("%s: at most %ld", o->zName, o->iMax);
      return OPT_ERROR;
    }
    pList->az[pList->n++] = zVal;
  }else{
    errno = 0;
    v = strtol(zVal, &zEnd, 10);
    if( errno || zEnd==zVal || *zEnd || v<o->iMin || v>o->iMax ){
      *pzErr = sqlite3_mprintf("%s: want an integer in [%ld, %ld], got '%s'",
                               o->zName, o->iMin, o->iMax, zVal);
      return OPT_ERROR;
    }
    *(long*)pField = v;
  }
  return OPT_OK;
}

/* The option named by z ("--name" or "--name=value"), or NULL. */
static const struct opt *opt_find(const struct opt_program *pProg,
                                  const char *z, const char **pzVal){
  size_t n = strcspn(z, "=");
  int i;
  *pzVal = z[n]=='=' ? &z[n+1] : 0;
  for(i=0; i<pProg->nOpt; i++){
    const char *zName = pProg->aOpt[i].zName;
    if( strlen(zName)==n && memcmp(zName, z, n)==0 ) return &pProg->aOpt[i];
  }
  return 0;
}

/* A positional argument: keep it or refuse it. */
static int opt_arg(const struct opt_program *pProg, char *z, char **azArg,
                   int *pnArg, char **pzErr){
  if( !pProg->bArgs || azArg==0 || pnArg==0 ){
    *pzErr = sqlite3_mprintf("unexpected argument '%s' (see --help)", z);
    return OPT_ERROR;
  }
  azArg[(*pnArg)++] = z;
  return OPT_OK;
}

/* One flag at argv[*pi]; advances *pi past a separate value. */
static int opt_flag(const struct opt_program *pProg, int argc, char **argv,
                    int *pi, void *pConf, char **pzErr){
  const char *z = argv[*pi], *zVal = 0;
  const struct opt *o;
  if( strcmp(z, "--help")==0 || strcmp(z, "-h")==0 ) return OPT_HELP;
  if( strcmp(z, "--version")==0 ) return OPT_VERSION;
  o = opt_find(pProg, z, &zVal);
  if( o==0 ){
    *pzErr = sqlite3_mprintf("unknown flag '%s' (see --help)", z);
    return OPT_ERROR;
  }
  if( o->type==OPT_BOOL ){
    if( zVal ){
      *pzErr = sqlite3_mprintf("%s takes no value", o->zName);
      return OPT_ERROR;
    }
    *(int*)((char*)pConf + o->off) = 1;
    return OPT_OK;
  }
  if( zVal==0 && *pi+1>=argc ){
    *pzErr = sqlite3_mprintf("%s needs a value", o->zName);
    return OPT_ERROR;
  }
  if( zVal==0 ) zVal = argv[++*pi];
  return opt_set(pConf, o, zVal, pzErr);
}

int opt_parse(const struct opt_program *pProg, int argc, char **argv,
              void *pConf, char **azArg, int *pnArg, char **pzErr){
  int i, rc = OPT_OK, bFlags = 1;
  *pzErr = 0;
  if( pnArg ) *pnArg = 0;
  opt_defaults(pProg, pConf);
  for(i=1; rc==OPT_OK && i<argc; i++){
    char *z = argv[i];
    if( bFlags && strcmp(z, "--")==0 ){
      bFlags = 0;
    }else if( bFlags && z[0]=='-' && z[1]!=0 ){
      rc = opt_flag(pProg, argc, argv, &i, pConf, pzErr);
    }else{
      rc = opt_arg(pProg, z, azArg, pnArg, pzErr);
    }
  }
  return rc;
}

void opt_usage(const struct opt_program *pProg, FILE *f){
  int i;
  fprintf(f, "usage: %s %s\n", pProg->zName, pProg->zUsage);
  if( pProg->zAbout ) fprintf(f, "%s\n", pProg->zAbout);
  fputc('\n', f);
  for(i=0; i<pProg->nOpt; i++){
    const struct opt *o = &pProg->aOpt[i];
    fprintf(f, "  %s %s", o->zName, o->zHelp);
    if( o->type==OPT_INT ){
      fprintf(f, " (default %ld, %ld..%ld)", o->iDefault, o->iMin, o->iMax);
    }else if( o->zDefault ){
      fprintf(f, " (default %s)", o->zDefault);
    }
    fputc('\n', f);
  }
  fprintf(f, "  --help  this text\n"
             "  --version  this program's, the index format's and the"
             " libraries' versions\n");
  if( pProg->zAfter ) fprintf(f, "\n%s", pProg->zAfter);
}
