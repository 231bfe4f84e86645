/*
** db.c: open an index database, create its schema, check its versions.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "swedish.h"

#define DB_STR2(x) #x
#define DB_STR(x) DB_STR2(x)

/*
** An UPDATE of a row's text (someone fixing a row with the sqlite3 shell)
** takes its old text out of the FTS index and puts the new text in. Only
** of the indexed columns: linking rewrites assignment_id of a whole
** series, which must not touch FTS. db_open() in DB_READWRITE mode adds it
** to an index that lacks it (someone dropped it; see db_migrate()).
*/
#define DB_UPDATE_TRIGGER \
  "CREATE TRIGGER IF NOT EXISTS assignments_au AFTER UPDATE OF assignment," \
  " status, source ON assignments" \
  " BEGIN INSERT INTO assignments_fts(assignments_fts, rowid, assignment," \
  "   status, source) VALUES ('delete', old.id, old.assignment, old.status," \
  "   old.source);" \
  "  INSERT INTO assignments_fts(rowid, assignment, status, source)" \
  "   VALUES (new.id, new.assignment, new.status, new.source); END"

/*
** meta's 'generation' is a random token that every change of a row the
** search engine keeps in memory replaces (assignments, reports,
** assignment_threads; the FTS index's lengths follow assignments), so
** connections whose read transactions see the same token see the same
** rows, and searchd loads those rows once for all of them (attrs_share.h).
** PRAGMA data_version cannot say that: it is per connection. A token
** rather than a counter: a copy of an index, changed apart, never meets
** the original's value again. Triggers, so that every writer keeps it.
*/
#define DB_GEN_SET \
  " BEGIN UPDATE meta SET value=hex(randomblob(8)) WHERE key='generation';" \
  " END;"
#define DB_GEN_ON(t) \
  "CREATE TRIGGER IF NOT EXISTS " t "_gen_ai AFTER INSERT ON " t DB_GEN_SET \
  "CREATE TRIGGER IF NOT EXISTS " t "_gen_ad AFTER DELETE ON " t DB_GEN_SET \
  "CREATE TRIGGER IF NOT EXISTS " t "_gen_au AFTER UPDATE ON " t DB_GEN_SET
#define DB_GEN_TRIGGERS \
  "INSERT OR IGNORE INTO meta VALUES('generation', hex(randomblob(8)));" \
  DB_GEN_ON("assignments") DB_GEN_ON("reports") \
  DB_GEN_ON("assignment_threads")
/* How many triggers DB_GEN_TRIGGERS makes. */
#define DB_GEN_NTRIGGER 9

/*
** Triggers keep the external-content FTS index in step with assignments,
** so every writer (the indexer, a person with the sqlite3 shell) keeps the
** index consistent. Deleting a report cascades to its rows and so to the
** index.
*/
static const char zSchema[] =
  "CREATE TABLE IF NOT EXISTS meta("
  "  key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS reports("
  "  id INTEGER PRIMARY KEY,"
  "  date TEXT NOT NULL,"
  "  title TEXT NOT NULL,"
  "  path TEXT NOT NULL UNIQUE,"
  "  series TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"
  "  rows INTEGER NOT NULL,"
  "  indexed_at TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS reports_date ON reports(date);"
  "CREATE INDEX IF NOT EXISTS reports_series ON reports(series, date);"
  "CREATE TABLE IF NOT EXISTS assignments("
  "  id INTEGER PRIMARY KEY,"
  "  report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,"
  "  row INTEGER NOT NULL,"
  "  assignment TEXT NOT NULL,"
  "  source TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  status_class TEXT NOT NULL DEFAULT 'unknown',"
  "  status_evidence TEXT NOT NULL DEFAULT '',"
  "  assignment_id TEXT,"
  "  UNIQUE(report_id, row));"
  "CREATE INDEX IF NOT EXISTS assignments_aid ON assignments(assignment_id);"
  "CREATE VIRTUAL TABLE IF NOT EXISTS assignments_fts USING fts5("
  "  assignment, status, source,"
  "  content='assignments', content_rowid='id',"
  "  tokenize='" SWEDISH_TOKENIZER_NAME "');"
  "CREATE TRIGGER IF NOT EXISTS assignments_ai AFTER INSERT ON assignments"
  " BEGIN INSERT INTO assignments_fts(rowid, assignment, status, source)"
  "   VALUES (new.id, new.assignment, new.status, new.source); END;"
  "CREATE TRIGGER IF NOT EXISTS assignments_ad AFTER DELETE ON assignments"
  " BEGIN INSERT INTO assignments_fts(assignments_fts, rowid, assignment,"
  "   status, source) VALUES ('delete', old.id, old.assignment, old.status,"
  "   old.source); END;"
  DB_UPDATE_TRIGGER ";"
  "CREATE TABLE IF NOT EXISTS vocab("
  "  word TEXT PRIMARY KEY, plain TEXT NOT NULL, docs INTEGER NOT NULL)"
  "  WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS vocab_plain ON vocab(plain);"
  "CREATE TABLE IF NOT EXISTS series("
  "  path TEXT PRIMARY KEY,"
  "  tag TEXT NOT NULL UNIQUE,"
  "  linked INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS assignment_threads("
  "  id TEXT PRIMARY KEY,"
  "  series TEXT NOT NULL,"
  "  first_seen TEXT NOT NULL,"
  "  last_seen TEXT NOT NULL,"
  "  occurrences INTEGER NOT NULL,"
  "  open INTEGER NOT NULL,"
  "  status_class TEXT NOT NULL,"
  "  latest INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS assignment_threads_seen"
  "  ON assignment_threads(series, last_seen);"
  DB_GEN_TRIGGERS;

/* Set *pzErr (if wanted) to a formatted message. */
static void db_error(char **pzErr, const char *zFmt, const char *zArg,
                     const char *zArg2){
  if( pzErr ) *pzErr = sqlite3_mprintf(zFmt, zArg, zArg2);
}

int db_meta_get(sqlite3 *db, const char *key, char **pzValue){
  sqlite3_stmt *pStmt = 0;
  int rc;
  *pzValue = 0;
  rc = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?1", -1,
                          &pStmt, 0);
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(pStmt, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_ROW ){
      *pzValue = sqlite3_mprintf("%s", sqlite3_column_text(pStmt, 0));
      rc = *pzValue ? SQLITE_OK : SQLITE_NOMEM;
    }else if( rc==SQLITE_DONE ){
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Create the schema and record the versions, if the file has no tables. */
static int db_create(sqlite3 *db, char **pzErr){
  char *zSql = sqlite3_mprintf(
      "BEGIN IMMEDIATE;%s"
      "INSERT OR IGNORE INTO meta VALUES('schema_version','%d');"
      "INSERT OR IGNORE INTO meta VALUES('analysis_version',%Q);"
      "COMMIT;", zSchema, DB_SCHEMA_VERSION, swedish_analysis_version());
  int rc;
  if( zSql==0 ) return SQLITE_NOMEM;
  rc = sqlite3_exec(db, zSql, 0, 0, 0);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ){
    db_error(pzErr, "cannot create schema: %s%s", sqlite3_errmsg(db), "");
    sqlite3_exec(db, "ROLLBACK", 0, 0, 0);
  }
  return rc;
}

/* Compare meta's value for key with want; on mismatch explain in *pzErr. */
static int db_check_one(sqlite3 *db, const char *key, const char *want,
                        char **pzErr){
  char *zHave = 0;
  int rc = db_meta_get(db, key, &zHave);
  if( rc!=SQLITE_OK ){
    db_error(pzErr, "not an index (%s)%s", sqlite3_errmsg(db), "");
  }else if( zHave==0 ){
    db_error(pzErr, "not an index: meta has no %s%s", key, "");
    rc = SQLITE_ERROR;
  }else if( strcmp(zHave, want)!=0 ){
    char *z = sqlite3_mprintf("index %s is %s, this build's is %%s: "
                              "re-index with this build", key, zHave);
    db_error(pzErr, z ? z : "index version mismatch%s", want, "");
    sqlite3_free(z);
    rc = SQLITE_ERROR;
  }
  sqlite3_free(zHave);
  return rc;
}

static int db_check_versions(sqlite3 *db, char **pzErr){
  int rc = db_check_one(db, "schema_version", DB_STR(DB_SCHEMA_VERSION),
                        pzErr);
  if( rc==SQLITE_OK ){
    rc = db_check_one(db, "analysis_version", swedish_analysis_version(),
                      pzErr);
  }
  return rc;
}

/* The integer zSql's first row holds, into *pn. */
static int db_count(sqlite3 *db, const char *zSql, int *pn){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  *pn = 0;
  if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    *pn = sqlite3_column_int(pStmt, 0);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  return rc;
}

/*
** Bring an index of the current schema version up to date with additions
** that need no re-index: the UPDATE trigger, the generation token and its
** triggers. Only when one is missing, so that opening a current index
** writes nothing.
*/
static int db_migrate(sqlite3 *db, char **pzErr){
  int nAu = 0, nGen = 0, nMeta = 0;
  int rc = db_count(db, "SELECT count(*) FROM sqlite_schema WHERE"
                    " type='trigger' AND name='assignments_au'", &nAu);
  if( rc==SQLITE_OK ){
    rc = db_count(db, "SELECT count(*) FROM sqlite_schema WHERE"
                  " type='trigger' AND name GLOB '*_gen_a[idu]'", &nGen);
  }
  if( rc==SQLITE_OK ){
    rc = db_count(db, "SELECT count(*) FROM meta WHERE key='generation'",
                  &nMeta);
  }
  if( rc==SQLITE_OK && nAu==0 ){
    rc = sqlite3_exec(db, DB_UPDATE_TRIGGER, 0, 0, 0);
  }
  if( rc==SQLITE_OK && (nGen!=DB_GEN_NTRIGGER || nMeta==0) ){
    rc = sqlite3_exec(db, "BEGIN IMMEDIATE;" DB_GEN_TRIGGERS "COMMIT;",
                      0, 0, 0);
    if( rc!=SQLITE_OK ) sqlite3_exec(db, "ROLLBACK", 0, 0, 0);
  }
  if( rc!=SQLITE_OK ){
    db_error(pzErr, "cannot add the index's triggers: %s%s",
             sqlite3_errmsg(db), "");
  }
  return rc;
}

/*
** Refuse what is not a regular file before SQLite opens it: open() on a
** FIFO blocks until a writer comes (searchd would hang silently), and a
** device or directory is no index. A missing file is refused unless it is
** to be created.
*/
static int db_check_file(const char *path, enum db_mode mode, char **pzErr){
  struct stat st;
  if( stat(path, &st)!=0 ){
    if( errno==ENOENT && mode==DB_READWRITE ) return SQLITE_OK;
    db_error(pzErr, "%s: %s", path, strerror(errno));
    return SQLITE_CANTOPEN;
  }
  if( !S_ISREG(st.st_mode) ){
    db_error(pzErr, "%s: not a regular file (%s): refused", path,
             S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISDIR(st.st_mode)
             ? "a directory" : "a device, socket or other special file");
    return SQLITE_CANTOPEN;
  }
  return SQLITE_OK;
}

/*
** Why a read-only open failed, when the cause is the file system: a WAL
** reader needs PATH-wal and PATH-shm; if they are missing it must create
** them, which needs a writable directory. Sets *pzErr and returns 1 if
** that explains it, else 0.
*/
static int db_explain_readonly(const char *path, char **pzErr){
  static const char *const azSuffix[] = {"-shm", "-wal"};
  int i, bFound = 0;
  for(i=0; i<2 && !bFound; i++){
    char *zAux = sqlite3_mprintf("%s%s", path, azSuffix[i]);
    char *zDir = sqlite3_mprintf("%s", path);
    char *zSlash = zDir ? strrchr(zDir, '/') : 0;
    const char *zIn = zSlash==zDir ? "/" : zSlash ? zDir : ".";
    if( zSlash && zSlash!=zDir ) *zSlash = 0;
    if( zAux && zDir && access(zAux, F_OK)!=0 && access(zIn, W_OK)!=0 ){
      char *z = sqlite3_mprintf("cannot create %s: %s: directory %s is not"
                                " writable (run indexer on the index once"
                                " more: it leaves %s-wal and %s-shm in place"
                                " for read-only readers)", zAux,
                                strerror(errno), zIn, path, path);
      db_error(pzErr, "%s%s", z ? z : "cannot create the WAL files", "");
      sqlite3_free(z);
      bFound = 1;
    }else if( zAux && access(zAux, F_OK)==0 && access(zAux, R_OK)!=0 ){
      db_error(pzErr, "cannot read %s: %s", zAux, strerror(errno));
      bFound = 1;
    }
    sqlite3_free(zAux);
    sqlite3_free(zDir);
  }
  return bFound;
}

/*
** The writer's settings. WAL; and the -wal and -shm files stay when the
** last connection closes (SQLITE_FCNTL_PERSIST_WAL; the -wal checkpointed
** and truncated to 0 bytes, which a non-negative journal_size_limit asks
** for), so that a reader that cannot create them (searchd as another user,
** a read-only directory or mount) can still open the index.
*/
static int db_writer_setup(sqlite3 *db){
  int bPersist = 1;
  int rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;"
                            "PRAGMA synchronous=NORMAL;"
                            "PRAGMA journal_size_limit=67108864;", 0, 0, 0);
  if( rc==SQLITE_OK ){
    rc = sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL,
                              &bPersist);
    if( rc==SQLITE_NOTFOUND ) rc = SQLITE_OK;    /* :memory: has no WAL */
  }
  return rc;
}

/* Does the database hold any table yet? */
static int db_is_empty(sqlite3 *db, int *pbEmpty){
  int n = 0;
  int rc = db_count(db, "SELECT count(*) FROM sqlite_schema", &n);
  *pbEmpty = n==0;
  return rc;
}

int db_open(const char *path, enum db_mode mode, sqlite3 **ppDb, char **pzErr){
  sqlite3 *db = 0;
  int flags = mode==DB_READONLY ? SQLITE_OPEN_READONLY
            : mode==DB_EXISTING ? SQLITE_OPEN_READWRITE
            : SQLITE_OPEN_READWRITE|SQLITE_OPEN_CREATE;
  int bEmpty = 0;
  int rc;

  if( pzErr ) *pzErr = 0;
  rc = db_check_file(path, mode, pzErr);
  if( rc!=SQLITE_OK ) goto out;
  rc = sqlite3_open_v2(path, &db, flags|SQLITE_OPEN_NOMUTEX, 0);
  if( rc!=SQLITE_OK ){
    db_error(pzErr, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
    goto out;
  }
  sqlite3_busy_timeout(db, 5000);
  rc = swedish_register(db);
  if( rc!=SQLITE_OK ){
    db_error(pzErr, "cannot register tokenizer: %s%s", sqlite3_errstr(rc), "");
    goto out;
  }
  rc = db_is_empty(db, &bEmpty);
  if( rc!=SQLITE_OK ){
    if( mode==DB_READONLY && db_explain_readonly(path, pzErr) ) goto out;
    db_error(pzErr, "%s: not a database (%s)", path, sqlite3_errmsg(db));
    goto out;
  }
  if( mode==DB_READWRITE || (mode==DB_EXISTING && !bEmpty) ){
    rc = db_writer_setup(db);
    if( rc==SQLITE_OK && bEmpty ) rc = db_create(db, pzErr);
    if( rc!=SQLITE_OK && pzErr && *pzErr==0 ){
      db_error(pzErr, "%s: %s", path, sqlite3_errmsg(db));
    }
    if( rc!=SQLITE_OK ) goto out;
  }else if( bEmpty ){
    db_error(pzErr, "%s: not an index (no tables; run indexer first)%s",
             path, "");
    rc = SQLITE_ERROR;
    goto out;
  }
  rc = db_check_versions(db, pzErr);
  if( rc==SQLITE_OK && mode!=DB_READONLY ) rc = db_migrate(db, pzErr);
out:
  if( rc!=SQLITE_OK ){
    sqlite3_close(db);
    db = 0;
  }
  *ppDb = db;
  return rc;
}

int db_end_read(sqlite3 *db, sqlite3_stmt *pCommit){
  int rc;
  if( sqlite3_get_autocommit(db) ) return SQLITE_OK;
  if( pCommit ){
    (void)sqlite3_step(pCommit);    /* its error is the reset's */
    rc = sqlite3_reset(pCommit);
  }else{
    rc = sqlite3_exec(db, "COMMIT", 0, 0, 0);
  }
  if( !sqlite3_get_autocommit(db) ){
    (void)sqlite3_exec(db, "ROLLBACK", 0, 0, 0);
  }
  return rc;
}

int db_recheck_due(long long *piCheckedMs){
  struct timespec now;
  long long ms;
  if( clock_gettime(CLOCK_MONOTONIC_COARSE, &now)!=0 ) return 1;
  ms = (long long)now.tv_sec*1000 + now.tv_nsec/1000000;
  if( ms - *piCheckedMs < DB_RECHECK_MS && ms>=*piCheckedMs ) return 0;
  *piCheckedMs = ms;
  return 1;
}
