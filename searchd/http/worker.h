/*
** worker.h: a worker thread with its own event_base, evhttp and read-only
** SQLite connection.
**
** Every worker accepts on its own listening socket (server.c binds one per
** worker with SO_REUSEPORT; the worker uses a dup of it with
** evhttp_accept_socket_with_handle), so the kernel spreads connections over
** the workers. Searches its result cache cannot answer go to the shared
** pool (pool.h), whichever worker took the connection. Before each request
** the worker compares the server's reload generation (bumped by SIGHUP)
** with the one it opened at; if it moved, it reopens its database
** connection, search state and extension modules first, keeping the old
** ones if the reopen fails.
*/
#ifndef SEARCHD_WORKER_H
#define SEARCHD_WORKER_H

#include <stdatomic.h>

#include "http/clients.h"
#include "http/conf.h"
#include "http/metrics.h"
#include "http/pool.h"

struct worker;

/*
** Create a worker: opens conf->zDb read-only with db_open() and sets up
** evhttp on a duplicate of fdListen. pGen is the server's reload
** generation, read atomically; pClients the process's count of open
** connections (clients.h, not owned), which the worker's connections are
** capped by (conns.h). pPool, if not NULL,
** runs the searches its cache cannot answer (pool.h; it must be stopped
** after this worker's thread ended and before worker_free). m is this worker's
** metrics (not owned), all every worker's. Runs on the caller's thread; the worker's objects are
** handed to its thread by worker_start(). Returns 0 and sets *ppOut, or -1
** with *pzErr (sqlite3_free it) saying why and *ppOut NULL.
*/
int worker_new(const struct conf *conf, int fdListen, atomic_uint *pGen,
               struct clients *pClients, struct pool *pPool,
               struct metrics *m,
               const struct metrics_set *all, struct worker **ppOut,
               char **pzErr);

/* Start the worker's thread. Returns 0, or an errno value. */
int worker_start(struct worker *w);

/*
** Ask the worker to stop: it stops accepting, answers what still arrives
** itself, lets the replies in flight go out (250 ms, and until its pool
** jobs are back) and leaves its loop. Thread safe (callable from the main
** thread); returns at once.
*/
void worker_stop(struct worker *w);

/*
** A new reload generation (SIGHUP): the worker reopens now, on its thread,
** not before its next request, so that it passes through every
** generation (a worker that sat out one would keep the query expansion
** sets of the one before when the next file is broken). Thread safe;
** returns at once.
*/
void worker_kick(struct worker *w);

/* Wait for a started worker's thread to end. Accepts NULL. */
void worker_join(struct worker *w);

/*
** Wait for a started worker's thread to end, then free it; its pool must
** have been stopped. Accepts NULL.
*/
void worker_free(struct worker *w);

#endif /* SEARCHD_WORKER_H */
