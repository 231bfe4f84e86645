/*
** version.h: the project's version and what --version prints.
**
** One version for the project (indexer, searchd and the swedish extension
** ship together). --version on both programs prints it with what decides
** whether an index and a binary fit together (the schema version and the
** analysis version, common/db.h and stemming/swedish.h) and the libraries
** that shape the results (SQLite and libstemmer).
*/
#ifndef COMMON_VERSION_H
#define COMMON_VERSION_H

#include <stdio.h>

#define PROJECT_VERSION "1.0.0"

/*
** Print to f, one per line: "PROGRAM PROJECT_VERSION", the index schema
** and analysis versions, SQLite's version (the library running, and the
** one built against if they differ) and libstemmer's. libstemmer has no
** version call: its line gives the package version the build found
** (pkg-config, else dpkg), saying so, or "version unknown". Needs no
** database and no sqlite3_initialize(). Returns 0, or -1 if writing to f
** failed.
*/
int version_print(FILE *f, const char *zProgram);

#endif /* COMMON_VERSION_H */
