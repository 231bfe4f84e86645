/*
** datadir.c: find the files searchd ships with (datadir.h).
*/
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "http/datadir.h"

/*
** Try zDir/zName; if it exists, set *pzPath to its real path (no "..", as
** the log shows it). Otherwise append it to pStr (the places tried, for
** the message). Returns 0 if found.
*/
static int datadir_try(const char *zDir, const char *zName, char **pzPath,
                       sqlite3_str *pStr){
  char *zTry = sqlite3_mprintf("%s/%s", zDir, zName);
  char *zReal = zTry ? realpath(zTry, 0) : 0;
  if( zReal ){
    *pzPath = sqlite3_mprintf("%s", zReal);
    free(zReal);
    sqlite3_free(zTry);
    return *pzPath ? 0 : -1;
  }
  sqlite3_str_appendf(pStr, "%s%s", sqlite3_str_length(pStr) ? ", " : "",
                      zTry ? zTry : "?");
  sqlite3_free(zTry);
  return -1;
}

int datadir_find(const char *zName, char **pzPath, char **pzErr){
  char zExe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", zExe, sizeof(zExe) - 1);
  sqlite3_str *pStr = sqlite3_str_new(0);
  char *zBin = 0, *zDir;
  int i, rc = -1;
  *pzPath = 0;
  *pzErr = 0;
  if( n>0 ){
    zExe[n] = 0;
    zDir = strrchr(zExe, '/');
    if( zDir ) *zDir = 0;
    zBin = sqlite3_mprintf("%s/" DATADIR_INSTALLED, zExe);
  }
  /* The binary's own folder is build/ (or build/asan/), never searchd/. */
  for(i=0; n>0 && rc && i<3 && (zDir = strrchr(zExe, '/'))!=0; i++){
    *zDir = 0;
    zDir = sqlite3_mprintf("%s/searchd", zExe);
    rc = zDir ? datadir_try(zDir, zName, pzPath, pStr) : -1;
    sqlite3_free(zDir);
  }
  if( rc && zBin ) rc = datadir_try(zBin, zName, pzPath, pStr);
  if( rc ){
    char *zTried = sqlite3_str_finish(pStr);
    *pzErr = sqlite3_mprintf("%s not found (looked for %s)", zName,
                             zTried && zTried[0] ? zTried
                             : "it next to the binary");
    sqlite3_free(zTried);
  }else{
    sqlite3_free(sqlite3_str_finish(pStr));
  }
  sqlite3_free(zBin);
  return rc;
}
