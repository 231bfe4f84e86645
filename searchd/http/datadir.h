/*
** datadir.h: where searchd finds the files it ships with, the search page
** (www/) and the default synonyms (synonyms.txt), when no flag names them.
**
** Two places are tried, in order:
**   1. searchd/NAME one to three folders above the running binary: a build
**      tree (build/searchd, build/asan/searchd), so a program run from a
**      clone serves the clone's files;
**   2. ../share/aar/NAME from the binary's folder: where `make install`
**      puts them (PREFIX/sbin/searchd, PREFIX/share/aar/NAME). Relative to
**      the binary, so a tree installed under DESTDIR, or moved as a whole,
**      finds its own files.
** A flag (--www DIR, --synonyms PATH) is never looked up: the caller uses
** it as given.
*/
#ifndef SEARCHD_DATADIR_H
#define SEARCHD_DATADIR_H

/* The installed data folder, relative to the folder of the binary. */
#define DATADIR_INSTALLED "../share/aar"

/*
** Find NAME (a file or folder name, e.g. "www") in the places above.
** Returns 0 and sets *pzPath to a new string (sqlite3_free), or -1 with
** *pzPath NULL and *pzErr a message naming every place tried (sqlite3_free
** it; NULL when out of memory). Thread safe; reads /proc/self/exe.
*/
int datadir_find(const char *zName, char **pzPath, char **pzErr);

#endif /* SEARCHD_DATADIR_H */
