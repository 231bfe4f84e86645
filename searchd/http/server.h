/*
** server.h: the listening socket, the workers and the signals.
**
** server_run() binds conf->zListen, starts conf->nThreads workers
** (worker.h) and runs the main thread's event loop, which only handles
** signals (through evsignal_new, so nothing runs in signal context):
**   SIGHUP           bump the reload generation: each worker reopens its
**                    database (and extension modules) at its next request;
**   SIGTERM, SIGINT  stop accepting, let replies in flight finish, return.
*/
#ifndef SEARCHD_SERVER_H
#define SEARCHD_SERVER_H

#include "http/conf.h"

/*
** Run the server until SIGTERM/SIGINT. Logs "listening on HOST:PORT" (the
** bound port, useful with port 0) and writes the port to conf->zPortFile if
** set. Returns 0 after a clean stop, or -1 after logging why it could not
** start (missing file, not an index, wrong analysis version, address in
** use, ...). Call once, from the main thread, after
** evthread_use_pthreads().
*/
int server_run(const struct conf *conf);

#endif /* SEARCHD_SERVER_H */
