/*
** replay.h: the swedish analysis of a row done ahead, on another thread,
** and replayed into FTS5 on the writer's.
**
** FTS5 tokenizes each field of each row it indexes on the connection's
** thread, inside the INSERT that moves rows into assignments (store.c):
** on the writer thread. This module moves that work to the reader thread
** (prefetch.c) without changing a single term of the index:
**
**   - the reader runs the real "swedish" tokenizer (a recorder, made from
**     the module found with xFindTokenizer) in FTS5_TOKENIZE_DOCUMENT mode
**     over every field of a parsed report and records each field's tokens
**     (term bytes, iStart, iEnd, tflags) compactly on a tape;
**   - on the writer's connection a wrapper tokenizer is registered under
**     the same name "swedish" (FTS5 uses the newest registration of a
**     name), so the index's table creates the wrapper when it connects;
**   - the writer hands the tapes over in the order its rows will be
**     inserted (replay_push), and just before the INSERT names the text of
**     each field in the same order (replay_expect);
**   - when FTS5 asks the wrapper for a DOCUMENT tokenization of a text
**     that is byte for byte (length and memcmp) one of the next few
**     expected fields, the wrapper replays that field's recorded tokens to
**     xToken; anything else (deletes of old rows, the integrity check,
**     QUERY and AUX calls, a field without a tape) goes to a real
**     "swedish" instance of its own.
**
** Exactness: the swedish tokenizer's output is a function of its arguments,
** the flags and the text only, so replaying the recording of the same
** bytes, made by an instance with the same arguments in the same mode,
** gives FTS5 exactly what tokenizing them would. Only a wrapper instance
** made with no arguments (tokenize='swedish', the index's setting, which
** is how the recorder is made) ever replays; one made with arguments always
** delegates. A miss only costs speed.
**
** Threads: the replay object and the wrapper belong to the connection's
** thread; a recorder belongs to one thread at a time (the reader), and
** tapes move from the recorder's thread to the writer's through whatever
** queue the caller uses (prefetch.h).
*/
#ifndef REPLAY_H
#define REPLAY_H

#include <stddef.h>

#include <sqlite3.h>

struct replay;
struct replay_recorder;
struct replay_tape;

/*
** Find the "swedish" tokenizer registered on db (swedish_register), and
** register in its place, under the same name, the replaying wrapper. Call
** it once per connection, before any statement touches the FTS table (a
** table connected earlier keeps the tokenizer it made then). db owns the
** replay object and frees it when it closes; *pp stays valid until then.
** Returns SQLITE_OK and sets *pp, or an SQLite code with *pp NULL (the
** connection is then unchanged, or, if only the registration failed,
** keeps the real tokenizer).
*/
int replay_register(sqlite3 *db, struct replay **pp);

/*
** Make a recorder: an instance of the real "swedish" tokenizer (made with
** no arguments, as the index's table makes it) that records. Call on the
** connection's thread; the recorder may then be used by one other thread
** until replay_recorder_close(), which must come before db closes.
** Returns SQLITE_OK and sets *pp, or an SQLite code with *pp NULL.
*/
int replay_recorder_open(struct replay *p, struct replay_recorder **pp);

/* Free a recorder (accepts NULL). On the thread that used it last. */
void replay_recorder_close(struct replay_recorder *pRec);

/*
** Tokenize the n bytes at z as FTS5 would for a DOCUMENT and append the
** tokens to *ppTape as its next field, creating the tape if *ppTape is
** NULL. A field the recorder cannot record exactly (the tokenizer failed,
** or a token FTS5's API does not let the tape describe) is appended as a
** field that never replays. Returns SQLITE_OK, or SQLITE_NOMEM/
** SQLITE_TOOBIG (the tape is then unchanged but still owned by the
** caller). Thread safety: the recorder's thread.
*/
int replay_record(struct replay_recorder *pRec, const char *z, size_t n,
                  struct replay_tape **ppTape);

/*
** Give back the tape's spare capacity once its last field is recorded
** (accepts NULL). A tape keeps working if this cannot shrink it.
*/
void replay_tape_trim(struct replay_tape *pTape);

/* Number of fields on the tape (0 for NULL). */
int replay_tape_fields(const struct replay_tape *pTape);

/* Bytes of memory the tape holds (0 for NULL). */
size_t replay_tape_bytes(const struct replay_tape *pTape);

/* Free a tape (accepts NULL). */
void replay_tape_free(struct replay_tape *pTape);

/*
** Queue the next nField fields that will be expected: the fields of
** pTape, of which p takes ownership whatever happens (pTape may be NULL,
** or hold another number of fields: the nField fields then never replay).
** Returns SQLITE_OK, or SQLITE_NOMEM (the queue is then unusable until
** replay_clear(): every lookup misses). Connection's thread.
*/
int replay_push(struct replay *p, struct replay_tape *pTape, int nField);

/*
** Name the text of the next queued field: the n bytes at z, which must
** stay valid and unchanged until replay_clear(). Fields are expected in
** the order they were pushed, and in the order FTS5 will ask for them
** (its columns: assignment, status, source; rows in insert order).
** A text whose length differs from the recorded one never replays; an
** expect beyond the pushed fields is ignored. Connection's thread.
*/
void replay_expect(struct replay *p, const char *z, size_t n);

/*
** Forget every queued field and free their tapes (memory stays bounded by
** what is pushed between two clears). Call once the statement that
** inserts them has finished, or on rollback. Accepts NULL.
*/
void replay_clear(struct replay *p);

/* Counters since replay_register(). */
struct replay_counts {
  long long nReplayed;            /* DOCUMENT tokenizations replayed */
  long long nTokenized;           /* done by the real tokenizer: misses,
                                  ** deletes, other modes */
  long long nTextBytes;           /* bytes of text expected */
  long long nTapeBytes;           /* bytes of tape pushed for them */
};

/* Copy the counters into *pCounts. */
void replay_stats(const struct replay *p, struct replay_counts *pCounts);

#endif /* REPLAY_H */
