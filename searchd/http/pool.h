/*
** pool.h: searches the result cache cannot answer, run in arrival order by
** a set of threads that every worker shares, in turn by client.
**
** Why: each worker's event loop accepts on its own SO_REUSEPORT socket and
** the kernel spreads keep-alive connections unevenly (12 of 16 on one of two
** workers is common). A worker running its own searches would queue its
** connections behind each other while the other worker sat idle, and that
** queue would set the p99. So a worker parses the request and answers from
** its cache; a miss becomes a pool_job that the first free pool thread
** takes.
**
** Order: round robin over clients, oldest first within a client. Each job
** carries its client's key (pool_client_key over the peer's clients_key,
** clients.h: an IPv4 address or an IPv6 /64, so all of one host's
** connections are one client, as for the connection caps); the queue holds one line per
** client with jobs waiting, and a thread takes the oldest job of the
** client at the head of the line, which then goes to the back if it has
** more. So a client that sends many expensive searches waits behind its
** own, and another client's search is at most one search per waiting
** client away from a thread (and a job that waited past --query-ms is
** then dropped, search_http.h). The job's completion goes back, through
** the worker's pool_inbox,
** to the worker's own loop, which sends the reply: a pool thread never
** touches libevent's requests or connections.
**
** Each pool thread has its own read-only connection with the search
** engine and the modules that expand queries, and nothing else (dbenv.h),
** reopened before its next job after SIGHUP, like a worker's.
**
** Life cycle: pool_new, pool_start; workers submit; at shutdown every
** worker stops submitting and waits for its inbox to drain; then pool_stop
** (runs nothing more: a job still queued gets bCancelled and goes back to
** its inbox), and pool_free. An inbox must outlive the jobs sent through it.
*/
#ifndef SEARCHD_POOL_H
#define SEARCHD_POOL_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>

#include "http/conf.h"
#include "http/dbenv.h"

struct pool;
struct pool_inbox;

/*
** A unit of work. Embed it in the caller's own struct and set xRun, xDone
** and pInbox before pool_submit(); the rest is the pool's.
*/
struct pool_job {
  /* On a pool thread, with that thread's connection. Must not touch
  ** anything the submitting loop uses until xDone. */
  void (*xRun)(struct pool_job *pJob, struct dbenv *pEnv);
  /* On the inbox's loop thread, once, after xRun (or instead of it when
  ** bCancelled). Owns the job from then on: frees it. */
  void (*xDone)(struct pool_job *pJob);
  struct pool_inbox *pInbox;
  unsigned long long iClient;     /* pool_client_key() of the requester */
  int bCancelled;                 /* set by the pool: xRun never ran */
  struct pool_job *pNext;         /* the pool's: next client's first job */
  struct pool_job *pSame;         /* the pool's: this client's next job */
  struct pool_job *pSameTail;     /* the pool's: this client's last job */
};

/* A job's client key from the n bytes at p (a clients_key). Pure. */
unsigned long long pool_client_key(const void *p, size_t n);

/* The client key of req's peer as the connection caps count it
** (clients.h); a peer of another family is one client with all such. */
unsigned long long pool_client_of(struct evhttp_request *req);

/* Milliseconds since t0 (CLOCK_MONOTONIC): a job's age, or 0 if the
** clock cannot be read. */
double pool_ms_since(const struct timespec *t0);

/*
** Create a pool of nThread threads, each with its own connection opened by
** dbenv_open() (so a bad index fails here), not yet running. pGen is the
** server's reload generation (SIGHUP). Returns 0 and sets *ppOut, or -1
** with *pzErr (sqlite3_free it) and *ppOut NULL.
*/
int pool_new(const struct conf *conf, atomic_uint *pGen, int nThread,
             struct pool **ppOut, char **pzErr);

/* Start the threads. Returns 0, or an errno value (some may run: call
** pool_stop and pool_free all the same). */
int pool_start(struct pool *p);

/*
** Queue pJob; a pool thread runs it. Call on the loop thread of
** pJob->pInbox, which counts it as pending until its xDone. Returns 0, or
** -1 when the pool is stopping (pJob untouched: run it another way).
*/
int pool_submit(struct pool *p, struct pool_job *pJob);

/*
** A new reload generation: every idle thread reopens now (dbenv_reopen),
** not at its next job. A thread that sat out a generation would take its
** "previous" query expansion sets (ext.h: kept when a file is broken) from
** the one before. Thread safe. Accepts NULL.
*/
void pool_kick(struct pool *p);

/* Jobs queued and not yet taken by a thread. Thread safe. */
int pool_queued(struct pool *p);

/*
** Stop: threads finish the job in hand and exit; queued jobs go back to
** their inboxes with bCancelled set. Waits for the threads. Accepts NULL.
*/
void pool_stop(struct pool *p);

/* Free a stopped pool (or one never started). Accepts NULL. */
void pool_free(struct pool *p);

/*
** An inbox on event base `base`: completed jobs wait there until the base's
** loop runs their xDone. Returns 0 and sets *ppOut, or -1 (out of memory).
*/
int pool_inbox_new(struct event_base *base, struct pool_inbox **ppOut);

/*
** Jobs submitted through this inbox whose xDone has not run yet. Call on
** the inbox's loop thread.
*/
int pool_inbox_pending(const struct pool_inbox *p);

/*
** Free the inbox, first running xDone of every job already back in it.
** Call on the loop thread (or after it ended), after pool_stop(), so no
** job can still come back. Accepts NULL.
*/
void pool_inbox_free(struct pool_inbox *p);

#endif /* SEARCHD_POOL_H */
