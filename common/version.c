/*
** version.c: what --version prints (see version.h).
*/
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "swedish.h"
#include "version.h"

/* Set by the Makefile from the package found at build time; may be "". */
#ifndef VERSION_LIBSTEMMER
#define VERSION_LIBSTEMMER ""
#endif

#define VERSION_STR2(x) #x
#define VERSION_STR(x) VERSION_STR2(x)

int version_print(FILE *f, const char *zProgram){
  const char *zSqlite = sqlite3_libversion();
  fprintf(f, "%s %s\n", zProgram, PROJECT_VERSION);
  fprintf(f, "index schema %s, analysis %s\n", VERSION_STR(DB_SCHEMA_VERSION),
          swedish_analysis_version());
  fprintf(f, "SQLite %s", zSqlite);
  if( strcmp(zSqlite, SQLITE_VERSION)!=0 ){
    fprintf(f, " (built with %s)", SQLITE_VERSION);
  }
  fputc('\n', f);
  if( VERSION_LIBSTEMMER[0] ){
    fprintf(f, "libstemmer (Snowball) %s, the package version at build time"
               " (the library reports none)\n", VERSION_LIBSTEMMER);
  }else{
    fprintf(f, "libstemmer (Snowball), version unknown\n");
  }
  return ferror(f) ? -1 : 0;
}
