/*
** conns.h: the cap on open client connections (--max-conns), shared by
** every worker of a process.
**
** libevent 2.1's evhttp has no hook to refuse a connection (2.2 has
** evhttp_set_max_connections): it accepts, makes a bufferevent (asking
** evhttp_set_bevcb's callback for one) and an evhttp_connection, all in one
** call. So the bufferevent callback here makes the connection's bufferevent
** itself, holds a reference to it, and looks again on the next turn of the
** event loop, when the connection is set up: if the process then has more
** than nMax connections open, it writes a canned 503 (if the socket takes
** it at once) and closes the connection; otherwise it counts it and sets
** the connection's close callback, which uncounts it. A connection evhttp
** has already dropped by then (its bufferevent callbacks are cleared) is
** not counted.
**
** Connections over the cap are accepted and closed at once, so they never
** wait for a worker and never pile up: the file descriptors in use stay
** below nMax plus what one accept burst brings (the listen backlog).
**
** Thread safety: one conns per worker, used on its thread; the count is an
** atomic shared by the workers (no lock).
*/
#ifndef SEARCHD_CONNS_H
#define SEARCHD_CONNS_H

#include <stdatomic.h>

#include <event2/event.h>
#include <event2/http.h>

struct conns;

/*
** Cap the connections of http (served on base) at nMax open in the
** process, counted in *pOpen (shared by the workers, not owned). Installs
** an evhttp_set_bevcb callback. Returns 0 and sets *ppOut (free with
** conns_free after evhttp_free(http)), or -1 on out-of-memory with *ppOut
** NULL.
*/
int conns_new(struct event_base *base, struct evhttp *http,
              atomic_long *pOpen, long nMax, struct conns **ppOut);

/* Free, with the references to connections accepted in the loop's last
** turn, whose set-up never ran. Accepts NULL. Call after evhttp_free(),
** after the base's loop has ended and before event_base_free(). */
void conns_free(struct conns *p);

/* The canned answer to a connection over the cap (a full HTTP response). */
extern const char conns_zRefusal[];

#endif /* SEARCHD_CONNS_H */
