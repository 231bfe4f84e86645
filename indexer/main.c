/*
** main.c: build/indexer, report files into the index database.
**
**   indexer --db PATH [--prune] [--check] [--quiet] [--no-link] FILE_OR_DIR...
**
** Flags (a table for common/opt.c), the run loop, the transaction
** policy, logging, progress and the summary live here; reading and
** parsing are report.c (run ahead in a reader thread by prefetch.c),
** writing store.c.
*/
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "digest.h"
#include "files.h"
#include "link.h"
#include "log.h"
#include "opt.h"
#include "prefetch.h"
#include "report.h"
#include "store.h"
#include "version.h"
#include "vocab.h"

#define EXIT_INPUT 1           /* some input rejected or warned */
#define EXIT_DB    2           /* usage or database error */

/*
** Transaction policy: a transaction holds whole files only, and is
** committed every BATCH_BYTES of input or BATCH_SECONDS, whichever comes
** first, and at the end. See README "## indexer".
*/
#define BATCH_BYTES   (64LL << 20)
#define BATCH_SECONDS 2.0
#define WARN_SHOWN_PER_FILE 20
#define PROGRESS_AFTER 2.0      /* seconds before a progress bar shows */
/*
** Files read, parsed (and their words counted, vocab.h) ahead of the
** writer: at most PREFETCH_AHEAD files and, beyond the first,
** PREFETCH_BYTES of what they hold (report text, word counts;
** prefetch.h). The writer takes files quickly
** between two moves of rows into FTS5 (store.c) and then spends a while in
** the move; the byte budget lets the reader work through that while,
** with memory bounded whatever the corpus.
*/
#define PREFETCH_AHEAD 1024
#define PREFETCH_BYTES (10 << 20)

struct indexer {
  const char *zDb;
  int bPrune, bCheck, bQuiet, bTty, bFollow, bNoLink;
  char **azArg;
  int nArg;
  sqlite3 *db;
  struct store *pStore;
  /* counters for the summary; nIndexed, nRows and nPruned count what was
  ** committed, the nBatch* fields what the open transaction holds */
  int nRead, nIndexed, nUnchanged, nPruned, nRejected, nRows, nWarn;
  int nLinked;                 /* series linked, committed or not */
  int nBatchIndexed, nBatchRows, nBatchPruned;
  int nFileWarn;               /* warnings in the current file */
  long long nBytes, nBytesDone, nBatchBytes;
  double tStart, tBatch, tDrawn;
  int bProgressShown;
};

static double now_seconds(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec/1e9;
}

/* Clear the progress bar line if one is showing. */
static void progress_clear(struct indexer *p){
  if( p->bProgressShown ){
    fputs("\r\033[K", stderr);
    p->bProgressShown = 0;
  }
}

/*
** Log one line (common/log.h), after clearing the progress bar so that
** the line starts at the left edge.
*/
static void indexer_log(struct indexer *p, enum log_level e,
                        const char *zFmt, ...)
  __attribute__((format(printf, 3, 4)));
static void indexer_log(struct indexer *p, enum log_level e,
                        const char *zFmt, ...){
  va_list ap;
  if( p ) progress_clear(p);
  va_start(ap, zFmt);
  log_vmsg(e, zFmt, ap);
  va_end(ap);
}

/* report_warn_fn: count, and show the first few of each file. */
static void warn_input(void *pCtx, const char *zPath, int iLine,
                       const char *zMsg){
  struct indexer *p = (struct indexer*)pCtx;
  p->nWarn++;
  if( ++p->nFileWarn > WARN_SHOWN_PER_FILE ) return;
  if( iLine>0 ) indexer_log(p, LOG_WARN, "%s:%d: %s", zPath, iLine, zMsg);
  else indexer_log(p, LOG_WARN, "%s: %s", zPath, zMsg);
}

static void progress_draw(struct indexer *p, double t){
  int nDone = p->nBytes ? (int)(40*p->nBytesDone/p->nBytes) : 40;
  char zBar[41];
  double pct = p->nBytes ? 100.0*(double)p->nBytesDone/(double)p->nBytes : 100;
  memset(zBar, '#', (size_t)nDone);
  memset(&zBar[nDone], '.', (size_t)(40-nDone));
  zBar[40] = 0;
  fprintf(stderr, "\r[%s] %5.1f%% %d files %.1f MB/s ", zBar, pct, p->nRead,
          (double)p->nBytesDone/1e6/(t - p->tStart));
  p->bProgressShown = 1;
  p->tDrawn = t;
}

/* Show the bar on a terminal once a run takes more than a moment. */
static void progress_tick(struct indexer *p){
  double t;
  if( !p->bTty ) return;
  t = now_seconds();
  if( t - p->tStart < PROGRESS_AFTER || t - p->tDrawn < 0.2 ) return;
  progress_draw(p, t);
}

/*
** Set by SIGXFSZ: a write went past the file size limit (ulimit -f). With
** the signal caught rather than left to kill the run, the write fails with
** EFBIG and the run ends like on a full disk. The one mutable global: a
** signal handler has nowhere else to write.
*/
static volatile sig_atomic_t g_bFileLimit;

static void on_xfsz(int sig){
  (void)sig;
  g_bFileLimit = 1;
}

/* A database error: log it with the connection's message and the system
** error behind it, if SQLite kept one. */
static int db_fail(struct indexer *p, int rc, const char *zWhat){
  int eSys = p->db ? sqlite3_system_errno(p->db) : 0;
  const char *zWhy = g_bFileLimit ? "File too large: the file size limit"
                     " (ulimit -f) was reached" : eSys ? strerror(eSys) : 0;
  indexer_log(p, LOG_ERROR, "%s: %s: %s%s%s%s", p->zDb, zWhat,
          p->db ? sqlite3_errmsg(p->db) : sqlite3_errstr(rc),
          zWhy ? " (" : "", zWhy ? zWhy : "", zWhy ? ")" : "");
  return rc;
}

/*
** Commit the batch if it is big or old enough (bForce: at the end). The
** series it changed are linked in the same transaction, so every commit
** leaves them linked; except in a bulk run, which leaves them marked
** unlinked for index_link_rest() at its end (indexer/README.md: a series
** spread over many batches would be linked again at each).
*/
static int batch_maybe_commit(struct indexer *p, int bForce){
  int rc = SQLITE_OK;
  double t = now_seconds();
  if( !bForce && p->nBatchBytes < BATCH_BYTES && t - p->tBatch < BATCH_SECONDS ){
    return SQLITE_OK;
  }
  if( !bForce && store_holding(p->pStore) ) return SQLITE_OK;
  if( !sqlite3_get_autocommit(p->db) && !p->bNoLink
   && !store_is_bulk(p->pStore) ){
    rc = store_link(p->pStore, &p->nLinked);
    if( rc!=SQLITE_OK ) return db_fail(p, rc, "link");
  }
  if( !sqlite3_get_autocommit(p->db) ){
    rc = store_commit(p->pStore);
    if( rc!=SQLITE_OK ) return db_fail(p, rc, "commit");
  }
  p->nIndexed += p->nBatchIndexed;
  p->nRows += p->nBatchRows;
  p->nPruned += p->nBatchPruned;
  p->nBatchIndexed = p->nBatchRows = p->nBatchPruned = 0;
  p->nBatchBytes = 0;
  p->tBatch = t;
  return SQLITE_OK;
}

/* Open a write transaction unless one is open. */
static int batch_begin(struct indexer *p){
  int rc = SQLITE_OK;
  if( sqlite3_get_autocommit(p->db) ){
    rc = store_begin(p->pStore);
    if( rc!=SQLITE_OK ) return db_fail(p, rc, "begin transaction");
  }
  return rc;
}

/*
** Warn about a report just indexed whose content (and so date) another
** indexed file has too: searches would show each of its rows twice.
*/
static int index_twin(struct indexer *p, const struct prefetch_item *pItem){
  char *zOther = 0;
  int rc = store_twin(p->pStore, pItem->pReport->zDate, pItem->zSha,
                      pItem->zPath, &zOther);
  if( rc!=SQLITE_OK ) return db_fail(p, rc, pItem->zPath);
  if( zOther ){
    char *zMsg = sqlite3_mprintf("same content as %s (both indexed: every "
                                 "row is found twice; remove one and run "
                                 "with --prune)", zOther);
    warn_input(p, pItem->zPath, 0, zMsg ? zMsg : "same content as another "
               "indexed file");
    sqlite3_free(zMsg);
    sqlite3_free(zOther);
  }
  return SQLITE_OK;
}

/*
** Put a parsed report in the index, in the current batch. A commit put off
** while the store held a new series (store.h) is made once the series
** ends, before the first report of the next one.
*/
static int index_put(struct indexer *p, struct prefetch_item *pItem){
  int rc = store_end_series(p->pStore, pItem->zPath);
  if( rc!=SQLITE_OK ) return db_fail(p, rc, "link");
  rc = batch_maybe_commit(p, 0);
  if( rc==SQLITE_OK ) rc = batch_begin(p);
  if( rc==SQLITE_OK ){
    rc = store_put(p->pStore, pItem->zPath, pItem->zSha, pItem->pReport,
                   pItem->pCounts, pItem->aStatus, &pItem->aPre);
    if( rc!=SQLITE_OK ) db_fail(p, rc, pItem->zPath);
  }
  if( rc==SQLITE_OK ){
    p->nBatchIndexed++;
    p->nBatchRows += pItem->pReport->nRow;
    p->nBatchBytes += (long long)pItem->nBytes;
    rc = index_twin(p, pItem);
  }
  return rc;
}

/* Show (and count) the warnings the reader kept for this file. */
static void index_warnings(struct indexer *p, const struct prefetch_item *pItem){
  int i;
  for(i=0; i<pItem->nWarn; i++){
    warn_input(p, pItem->zPath, pItem->aWarn[i].iLine, pItem->aWarn[i].zMsg);
  }
  if( p->nFileWarn > WARN_SHOWN_PER_FILE ){
    indexer_log(p, LOG_WARN, "%s: %d more warnings not shown", pItem->zPath,
            p->nFileWarn - WARN_SHOWN_PER_FILE);
  }
}

/*
** One file as the reader thread left it: unchanged (same SHA-256 as
** indexed), rejected (its previous report, if any, is kept) or indexed.
*/
static int index_item(struct indexer *p, struct prefetch_item *pItem){
  char zOld[DIGEST_HEX_LEN+1];
  int bFound = 0, rc;
  p->nFileWarn = 0;
  if( pItem->eRead==REPORT_NOMEM || pItem->eParse==REPORT_NOMEM
   || (pItem->eRead==REPORT_OK && pItem->zSha[0]==0) ){
    indexer_log(p, LOG_ERROR, "%s: out of memory", pItem->zPath);
    return SQLITE_NOMEM;
  }
  if( pItem->eRead!=REPORT_OK ){
    index_warnings(p, pItem);
    p->nRejected++;
    return SQLITE_OK;
  }
  p->nRead++;
  p->nBytesDone += (long long)pItem->nBytes;
  rc = store_find(p->pStore, pItem->zPath, &bFound, zOld);
  if( rc!=SQLITE_OK ) return db_fail(p, rc, pItem->zPath);
  if( bFound && strcmp(pItem->zSha, zOld)==0 ){
    p->nUnchanged++;                   /* its warnings were shown before */
    return SQLITE_OK;
  }
  if( pItem->bKnown ){                 /* another writer changed the index */
    indexer_log(p, LOG_WARN, "%s: index changed during the run; not indexed, "
            "run again", pItem->zPath);
    p->nRejected++;
    return SQLITE_OK;
  }
  index_warnings(p, pItem);
  if( pItem->eParse!=REPORT_OK ){
    p->nRejected++;
    if( bFound ){
      indexer_log(p, LOG_WARN, "%s: its previous index is kept", pItem->zPath);
    }
    return SQLITE_OK;
  }
  return index_put(p, pItem);
}

/*
** After the last commit: link every series still marked unlinked (those
** of a bulk run, and any an earlier run left so: killed, or --no-link),
** each in a transaction of its own. Writes nothing if there is none.
*/
static int index_link_rest(struct indexer *p){
  int rc;
  if( p->bNoLink ) return SQLITE_OK;
  rc = store_link_rest(p->pStore, &p->nLinked);
  if( rc!=SQLITE_OK ) db_fail(p, rc, "link");
  return rc;
}

/* After a bulk run: merge the FTS index into one segment (store.c). */
static int index_optimize(struct indexer *p){
  int bDone = 0, rc;
  if( p->bTty && now_seconds() - p->tStart >= PROGRESS_AFTER ){
    progress_clear(p);
    fputs("merging the index...", stderr);
    p->bProgressShown = 1;
  }
  rc = store_optimize(p->pStore, &bDone);
  if( rc!=SQLITE_OK ){
    db_fail(p, rc, "optimize");
    store_rollback(p->pStore);
  }
  return rc;
}

/*
** After a failed run (often a full disk): move what was committed from the
** -wal into the database and truncate the -wal to 0 bytes, so a failed
** run does not leave a large -wal on a full disk. Where the database file
** cannot grow either, the -wal is kept (the committed data lives there)
** and the next run or reader finishes the checkpoint.
*/
static void index_truncate_wal(struct indexer *p){
  int nLog = -1, nDone = -1;
  int rc = sqlite3_wal_checkpoint_v2(p->db, "main",
                                     SQLITE_CHECKPOINT_TRUNCATE, &nLog,
                                     &nDone);
  if( rc!=SQLITE_OK ){
    indexer_log(p, LOG_WARN, "%s: the -wal could not be checkpointed (%s); it"
            " is kept and a later run finishes it", p->zDb,
            sqlite3_errmsg(p->db));
  }
}

/* Index every file of the list, committing in batches, then prune. */
static int index_all(struct indexer *p, struct files *pFiles){
  struct prefetch *pPre = 0;
  struct vocab *pCounter = 0;
  int rc = SQLITE_OK;
  p->nBytes = pFiles->nBytes;
  p->tBatch = now_seconds();
  rc = store_known(p->pStore, pFiles);
  if( rc!=SQLITE_OK ) return db_fail(p, rc, "read reports");
  rc = vocab_open_counter(p->db, &pCounter);
  if( rc!=SQLITE_OK ) return db_fail(p, rc, "tokenizer");
  if( prefetch_start(pFiles, PREFETCH_AHEAD, PREFETCH_BYTES, pCounter,
                     !p->bNoLink, &pPre)!=0 ){
    indexer_log(p, LOG_ERROR, "cannot start the reader thread");
    vocab_close(pCounter);
    return SQLITE_NOMEM;
  }
  while( rc==SQLITE_OK ){
    struct prefetch_item *pItem = 0;
    int bEnd;
    if( prefetch_next(pPre, &pItem)!=0 ){
      indexer_log(p, LOG_ERROR, "out of memory reading files");
      rc = SQLITE_NOMEM;
    }
    bEnd = rc==SQLITE_OK && pItem==0;
    if( rc==SQLITE_OK && pItem ) rc = index_item(p, pItem);
    if( !bEnd ) prefetch_done(pPre, pItem);
    if( bEnd ) break;
    if( rc==SQLITE_OK ) rc = batch_maybe_commit(p, 0);
    progress_tick(p);
  }
  prefetch_stop(pPre);
  vocab_close(pCounter);
  if( rc==SQLITE_OK && p->bPrune ){
    rc = batch_begin(p);
    if( rc==SQLITE_OK ){
      rc = store_prune(p->pStore, &p->nBatchPruned);
      if( rc!=SQLITE_OK ) db_fail(p, rc, "prune");
    }
  }
  if( rc==SQLITE_OK ) rc = batch_maybe_commit(p, 1);
  if( rc!=SQLITE_OK ){
    store_rollback(p->pStore);
    index_truncate_wal(p);
  }
  if( rc==SQLITE_OK ) rc = index_link_rest(p);
  if( rc==SQLITE_OK ) rc = index_optimize(p);
  progress_clear(p);
  return rc;
}

/* --check: returns 0 if sound, EXIT_DB if not or on error. */
static int run_check(struct indexer *p){
  int bSound = 0;
  char *zMsg = 0;
  int rc = store_check(p->db, &bSound, &zMsg);
  if( rc==SQLITE_OK && bSound ) rc = link_check(p->db, &bSound, &zMsg);
  if( rc!=SQLITE_OK ){
    db_fail(p, rc, "check");
    return EXIT_DB;
  }
  if( !bSound ){
    indexer_log(p, LOG_ERROR, "%s: check failed: %s", p->zDb, zMsg);
  }else if( !p->bQuiet ){
    printf("indexer: %s: check ok (integrity_check, fts5 integrity-check,"
           " links)\n", p->zDb);
  }
  sqlite3_free(zMsg);
  return bSound ? 0 : EXIT_DB;
}

/* The summary: what was committed; after a failure, what was lost. */
static void print_summary(const struct indexer *p, int bFailed, double t){
  double mb = (double)p->nBytesDone/1e6;
  if( p->bQuiet ) return;
  printf("indexer: %s%d files read (%.1f MB), %d reports indexed (%d rows),"
         " %d unchanged, %d pruned, %d series linked, %d skipped,"
         " %d warnings, %.2f s, %.1f MB/s",
         bFailed ? "failed: " : p->nIndexed==0 && p->nPruned==0
         && p->nLinked==0 ? "nothing to do: " : "",
         p->nRead, mb, p->nIndexed, p->nRows, p->nUnchanged, p->nPruned,
         p->nLinked, p->nRejected, p->nWarn, t, t>0 ? mb/t : 0.0);
  if( bFailed && (p->nBatchIndexed || p->nBatchPruned) ){
    printf("; not committed: %d reports, %d prunes (run again)",
           p->nBatchIndexed, p->nBatchPruned);
  }
  putchar('\n');
  fflush(stdout);
}

/* Collect the files, index them, and say how it went. */
static int run_index(struct indexer *p){
  struct files list;
  int nBad = 0, i, rc, eExit;
  memset(&list, 0, sizeof(list));
  for(i=0; i<p->nArg; i++){
    if( files_add(&list, p->azArg[i], p->bFollow, warn_input, p, &nBad)!=0 ){
      indexer_log(p, LOG_ERROR, "out of memory listing files");
      files_free(&list);
      return EXIT_DB;
    }
  }
  p->nRejected += nBad;
  files_sort(&list);
  rc = index_all(p, &list);
  files_free(&list);
  print_summary(p, rc!=SQLITE_OK, now_seconds() - p->tStart);
  if( rc!=SQLITE_OK ) eExit = EXIT_DB;
  else eExit = (p->nRejected || p->nWarn) ? EXIT_INPUT : 0;
  return eExit;
}

#define O(f) offsetof(struct indexer, f)
static const struct opt aOpt[] = {
  {"--db", OPT_STR, O(zDb), 0,0,0, 0,
   "PATH  the index database (SQLite, WAL; searchd reads it; required)"},
  {"--prune", OPT_BOOL, O(bPrune), 0,0,0, 0,
   "  remove reports whose files no longer exist"},
  {"--check", OPT_BOOL, O(bCheck), 0,0,0, 0,
   "  check the index (SQLite integrity_check and FTS5 integrity-check)"
   " after indexing; alone, only check (an index that does not exist is"
   " an error: nothing is created)"},
  {"--quiet", OPT_BOOL, O(bQuiet), 0,0,0, 0,
   "  no progress bar and no summary line (warnings still go to stderr)"},
  {"--no-link", OPT_BOOL, O(bNoLink), 0,0,0, 0,
   "  do not link assignments across reports: the series changed stay"
   " marked unlinked (ids NULL) until a run without it links them (for"
   " loading in several runs, and for measuring the cost of linking)"},
  {"--follow-symlinks", OPT_BOOL, O(bFollow), 0,0,0, 0,
   "  in directories, also follow symbolic links to files outside the"
   " directory given (by default they are skipped)"},
};
#undef O

static const struct opt_program indexer_program = {
  "indexer",
  "--db PATH [--prune] [--check] [--quiet] [--no-link] [--follow-symlinks]"
  " FILE_OR_DIR...",
  "\n"
  "Index \"återrapportering\" report files into the search database PATH\n"
  "(created if missing). Directories are searched recursively for *.txt.\n"
  "A file whose content (SHA-256) is unchanged since the last run is not\n"
  "indexed again; a changed file replaces its report as a whole. A file\n"
  "with the same content as another indexed file (a copy under another\n"
  "name) is indexed with a warning naming both. The reports of one folder\n"
  "are a series: each row is linked to the same assignment in the other\n"
  "reports of its series (assignments.assignment_id, assignment_threads).",
  "Warnings name file and line (\"path:line: message\"; control\n"
  "characters in names are shown escaped, e.g. \\n, \\x1b). Bad rows are\n"
  "salvaged or skipped, bad files rejected, and the run goes on.\n"
  "A crash or kill leaves the index as of the last commit: complete,\n"
  "consistent and searchable; run again to finish. A run that changes a\n"
  "quarter or more of the index's rows (a first run, a re-index) ends by\n"
  "merging the full-text index into one segment, for faster queries.\n"
  "\n"
  "Exit status: 0 all input indexed (or unchanged) without warnings and,\n"
  "with --check, the index is sound; 1 some input was rejected or warned\n"
  "about (the rest is indexed); 2 usage error, database error (the disk\n"
  "full, a file size limit: the summary then counts what was committed),\n"
  "or --check found the index unsound.\n",
  aOpt, (int)(sizeof(aOpt)/sizeof(aOpt[0])), 1
};

/*
** Parse argv into p (common/opt.c). Returns 0 with *pbDone 0 to run, or
** sets *pbDone and returns the exit code after --help, --version or a
** usage error (with its message).
*/
static int parse_args(struct indexer *p, int argc, char **argv, int *pbDone){
  char *zErr = 0;
  int rc;
  *pbDone = 1;
  p->azArg = calloc((size_t)argc, sizeof(char*));
  if( p->azArg==0 ) return EXIT_DB;
  rc = opt_parse(&indexer_program, argc, argv, p, p->azArg, &p->nArg, &zErr);
  if( rc==OPT_HELP ){
    opt_usage(&indexer_program, stdout);
    return fflush(stdout)==0 ? 0 : EXIT_DB;
  }
  if( rc==OPT_VERSION ){
    return version_print(stdout, "indexer")==0 && fflush(stdout)==0
           ? 0 : EXIT_DB;
  }
  if( rc==OPT_OK && p->zDb==0 ){
    zErr = sqlite3_mprintf("--db PATH is required (see --help)");
  }else if( rc==OPT_OK && p->nArg==0 && !p->bCheck && !p->bPrune ){
    zErr = sqlite3_mprintf("no FILE_OR_DIR given (see --help)");
  }else if( rc==OPT_OK ){
    *pbDone = 0;
    return 0;
  }
  fprintf(stderr, "indexer: %s\n", zErr ? zErr : "out of memory");
  sqlite3_free(zErr);
  return EXIT_DB;
}

int main(int argc, char **argv){
  struct indexer ctx;
  char *zErr = 0;
  int eExit, rc, bDone;
  memset(&ctx, 0, sizeof(ctx));
  ctx.tStart = now_seconds();
  eExit = parse_args(&ctx, argc, argv, &bDone);
  if( bDone ){
    free(ctx.azArg);
    return eExit;
  }
  ctx.bTty = !ctx.bQuiet && isatty(STDERR_FILENO);
  if( signal(SIGXFSZ, on_xfsz)==SIG_ERR ){
    indexer_log(&ctx, LOG_WARN, "cannot catch SIGXFSZ: %s", strerror(errno));
  }
  if( log_route_sqlite()!=0 ){
    indexer_log(&ctx, LOG_ERROR, "cannot route SQLite's log");
    free(ctx.azArg);
    return EXIT_DB;
  }
  /* --check alone never creates an index */
  rc = db_open(ctx.zDb, ctx.nArg>0 || ctx.bPrune ? DB_READWRITE : DB_EXISTING,
               &ctx.db, &zErr);
  if( rc!=SQLITE_OK ){
    indexer_log(&ctx, LOG_ERROR, "%s", zErr ? zErr : sqlite3_errstr(rc));
    sqlite3_free(zErr);
    free(ctx.azArg);
    return EXIT_DB;
  }
  if( ctx.nArg>0 || ctx.bPrune ){       /* --check alone needs no store */
    rc = store_open(ctx.db, &ctx.pStore);
    if( rc!=SQLITE_OK ){
      db_fail(&ctx, rc, "prepare");
      eExit = EXIT_DB;
    }else{
      store_set_linking(ctx.pStore, !ctx.bNoLink);
      eExit = run_index(&ctx);
    }
  }
  if( ctx.bCheck ){
    int eCheck = run_check(&ctx);
    if( eCheck ) eExit = eCheck;
  }
  store_close(ctx.pStore);
  sqlite3_close(ctx.db);
  free(ctx.azArg);
  return eExit;
}
