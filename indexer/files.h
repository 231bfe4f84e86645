/*
** files.h: the list of report files a run reads.
**
** Arguments are files (taken whatever their name) or directories (searched
** recursively for regular files named *.txt; names starting with "." are
** skipped, symbolic links to directories are not followed, so a link
** loop cannot trap the walk, and a symbolic link to a file outside the
** directory given is skipped unless bFollow; FIFOs, sockets and devices
** are skipped with a warning, never opened). Every path is made absolute and canonical
** with realpath(), so the same file reached two ways is read once and the
** index keys (reports.path) do not depend on the working directory. The
** list is sorted by path (byte order) for a deterministic run.
*/
#ifndef FILES_H
#define FILES_H

#include <stddef.h>

#include "report.h"

struct files_entry {
  char *zPath;              /* canonical path, owned */
  long long nSize;          /* size in bytes at listing time */
  char zKnownSha[65];       /* SHA-256 as indexed, "" if not (store.h) */
};

struct files {
  struct files_entry *a;
  size_t n, nAlloc;
  long long nBytes;         /* sum of the sizes */
};

/*
** Add zArg (a file or a directory) to p, which starts zeroed. A path that
** does not exist or cannot be read, or is skipped (see above), is reported
** through xWarn (line 0) and counted in *pnBad. bFollow: follow symbolic
** links out of a directory's tree. Returns 0, or -1 when out of memory.
*/
int files_add(struct files *p, const char *zArg, int bFollow,
              report_warn_fn xWarn, void *pCtx, int *pnBad);

/* Sort the list and drop duplicates. */
void files_sort(struct files *p);

/* Free everything p owns and zero it. */
void files_free(struct files *p);

#endif /* FILES_H */
