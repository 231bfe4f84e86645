/*
** prefetch.h: read, hash and parse report files ahead of the writer.
**
** One reader thread walks a file list in order and, for each file, reads
** it (report_read), hashes it (digest.h) and, unless the hash equals the
** one the list says is indexed, parses it (report_parse), a
** few files ahead of the thread that writes the database: reading and
** parsing then overlap with SQLite's work on another core. Items come out
** in list order. The reader thread touches no database and no shared
** state other than the queue; warnings are kept in the item, so the
** consumer decides whether to show them (not for a file it finds
** unchanged). With a counter (vocab.h) the reader also counts the words
** of every parsed report, so the writer only merges the counts; and it
** classifies every row's status (status.h), so the writer only copies it.
** With bKeys it also makes what linking needs of each row (assign.h's
** assign_pre: the hash of its raw text, and its key when the text is new
** in the file's folder), so the writer, which links a new series from
** its held rows, only looks keys up.
*/
#ifndef PREFETCH_H
#define PREFETCH_H

#include <stddef.h>

#include "assign.h"
#include "digest.h"
#include "files.h"
#include "report.h"
#include "status.h"
#include "vocab.h"

/* A warning kept for the consumer. */
struct prefetch_warn {
  int iLine;
  char *zMsg;
};

/* One file, read, hashed and parsed. Owned by the prefetcher. */
struct prefetch_item {
  const char *zPath;          /* the list's string */
  int eRead;                  /* report_read's result */
  size_t nBytes;              /* bytes read */
  char zSha[DIGEST_HEX_LEN+1];/* "" when hashing failed (out of memory) */
  int bKnown;                 /* same SHA-256 as the list's zKnownSha:
                              ** not parsed (eParse REPORT_REJECTED, no
                              ** report, no parse warnings) */
  int eParse;                 /* report_parse's result, if read */
  struct report *pReport;     /* when eParse==REPORT_OK */
  struct vocab_counts *pCounts;/* its rows' vocab counts, or NULL */
  struct status_result *aStatus;/* per row of pReport: its status class
                              ** (status_classify() with the report's
                              ** year), or NULL (out of memory) */
  struct assign_pre *aPre;    /* per row of pReport: made ahead for
                              ** linking (bKeys), or NULL; the keys are
                              ** the item's unless the writer takes them */
  size_t nHeld;               /* bytes it holds, for the reader's budget */
  struct prefetch_warn *aWarn;/* warnings of read and parse, in order */
  int nWarn;
};

struct prefetch;

/*
** Start the reader thread over pList (which must outlive the prefetcher),
** keeping up to nAhead items ready, and fewer once those ready hold
** nBytesAhead bytes (file bytes and word counts; at least one item is
** always made ready). pCounter, if not NULL, is a vocab counter
** (vocab_open_counter) the thread uses to count each parsed report's
** words; it belongs to the thread until prefetch_stop(). bKeys: make
** each item's aPre. Returns 0 and sets *pp, or -1 (out of memory, thread
** not started) with *pp NULL.
*/
int prefetch_start(const struct files *pList, int nAhead, size_t nBytesAhead,
                   struct vocab *pCounter, int bKeys, struct prefetch **pp);

/*
** Wait for the next item in list order and set *ppItem to it, or to NULL
** after the last one. Returns 0, or -1 if the reader ran out of memory
** for this item (*ppItem NULL; call prefetch_done() all the same). The
** item stays valid until prefetch_done().
*/
int prefetch_next(struct prefetch *p, struct prefetch_item **ppItem);

/* Release the item prefetch_next() gave last (pItem may be NULL). */
void prefetch_done(struct prefetch *p, struct prefetch_item *pItem);

/*
** Stop the reader thread (it finishes the file in hand), wait for it and
** free everything. Accepts NULL.
*/
void prefetch_stop(struct prefetch *p);

#endif /* PREFETCH_H */
