/*
** hltext.h: the highlight() of the assignment and the snippet() of the
** status that the first pass of a prefix query made for the rows it
** scored exactly, by rowid, for the page to take instead of running
** FTS5 again.
**
** FTS5 answers a prefix (`word*`) by merging the doclists of every
** vocabulary term the prefix matches, in every statement that searches
** it, whatever rowids the statement asks for: ~27 ms for `samverk*`
** (1,536 terms) on 1.25 million rows. The page's own statement would be
** one more such merge for ten rows. The first pass has each row's phrase
** instances already, and FTS5's highlight() and snippet() depend only on
** the row and the expression's instances in it, so the texts it makes
** are the page statement's.
**
** Thread safety: one per engine (connection), used on its thread.
*/
#ifndef SEARCHD_HLTEXT_H
#define SEARCHD_HLTEXT_H

#include <sqlite3.h>

/* Rows kept at most: a default window's early exact scores need ~100. */
#define HLTEXT_MAX 4096

/* One row's texts; z NULL where the function answered NULL. */
struct hltext_row {
  sqlite3_int64 id;
  char *zHl, *zSnip;
  int nHl, nSnip;
  char *zMem;                     /* the one block both live in */
};

struct hltext;

/* An empty store into *ppOut. Returns SQLITE_OK or SQLITE_NOMEM. */
int hltext_new(struct hltext **ppOut);

/* Free. Accepts NULL. */
void hltext_free(struct hltext *p);

/* Forget every row. */
void hltext_clear(struct hltext *p);

/*
** Keep copies of zHl[0..nHl) and zSnip[0..nSnip) (either NULL) as row
** id's. Past HLTEXT_MAX rows nothing more is kept (the page then runs its
** statement). Returns SQLITE_OK or SQLITE_NOMEM.
*/
int hltext_put(struct hltext *p, sqlite3_int64 id, const char *zHl, int nHl,
               const char *zSnip, int nSnip);

/* Row id's texts, or NULL if none are kept. */
const struct hltext_row *hltext_get(const struct hltext *p,
                                    sqlite3_int64 id);

#endif /* SEARCHD_HLTEXT_H */
