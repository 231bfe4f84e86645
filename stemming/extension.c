/*
** extension.c: the loadable-extension entry point, so an index can be read
** with the sqlite3 shell: ".load build/swedish".
**
** The extension links libsqlite3 itself (the shell Debian ships uses the
** same shared library), so the tokenizer code calls sqlite3_* directly and
** the entry point only registers it.
*/
#include <sqlite3.h>

#include "swedish.h"

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_swedish_init(sqlite3 *db, char **pzErrMsg, const void *pApi){
  int rc = swedish_register(db);
  (void)pApi;
  if( rc!=SQLITE_OK && pzErrMsg ){
    *pzErrMsg = sqlite3_mprintf("swedish: cannot register tokenizer: %s",
                                sqlite3_errstr(rc));
  }
  return rc;
}
