/*
** conns.h: a worker's client connections: the caps on how many are open
** (--max-conns for the process, --max-conns-per-client for one address;
** clients.h counts them) and the deadlines a slow client cannot stretch.
**
** libevent 2.1's evhttp has no hook to refuse a connection (2.2 has
** evhttp_set_max_connections): it accepts, makes a bufferevent (asking
** evhttp_set_bevcb's callback for one) and an evhttp_connection, all in one
** call. So the bufferevent callback here makes the connection's bufferevent
** itself, holds a reference to it, and looks again on the next turn of the
** event loop (before the socket is first read: event_base_once with no
** timeout runs in the same turn), when the connection is set up: if the
** caps do not allow it, it writes a canned 503 (if the socket takes it at
** once) and closes the connection; otherwise it counts it and sets the
** connection's close callback, which uncounts it. A connection evhttp has
** already dropped by then (its bufferevent callbacks are cleared) is not
** counted.
**
** Deadlines. evhttp's read timeout (evhttp_set_timeout) restarts at every
** byte, so a client sending one byte a second holds a connection forever.
** Each connection here has its own timer, set from the start of the
** request, never moved by arriving bytes:
**   - idle: from the accept, or from the end of the previous response on
**     a kept-alive connection, until the first byte of a request
**     (--idle-timeout);
**   - headers: from that same start until the empty line that ends the
**     headers (--header-timeout);
**   - body: from the end of the headers until the request is complete and
**     handed to the dispatcher (--body-timeout).
** Past its deadline the connection is closed without an answer (no request
** of it is being answered then). From dispatch to the end of the response
** no deadline of ours runs: the query has --query-ms and the write
** evhttp's timeout. The bytes are watched through a callback on the
** bufferevent's input buffer (evhttp resets the bufferevent's own
** callbacks for every request), which scans each byte of the header
** section once: for the empty line, and for a NUL byte, which evhttp's
** parser would take as the end of a header value (the rest silently
** dropped) or, at the start of a line, as the end of the headers; such a
** request is reported to the dispatcher (conns_request) to be refused.
**
** Connections over the caps are accepted and closed at once, so they never
** wait for a worker and never pile up: the file descriptors in use stay
** below the cap plus what one accept burst brings (the listen backlog).
**
** Thread safety: one conns per worker, used on its thread only; the counts
** (clients.h) are shared by the workers.
*/
#ifndef SEARCHD_CONNS_H
#define SEARCHD_CONNS_H

#include <event2/event.h>
#include <event2/http.h>

#include "http/clients.h"

struct conns;

/* The deadlines of a worker's connections, milliseconds. */
struct conns_limits {
  long msIdle;                    /* accept or last response to first byte */
  long msHeader;                  /* the same start to the end of headers */
  long msBody;                    /* end of headers to a complete request */
};

/*
** Cap the connections of http (served on base) through pClients (shared
** by the workers, not owned) and give them the deadlines *pLim (copied).
** Installs an evhttp_set_bevcb callback. Returns 0 and sets *ppOut (free
** with conns_free after evhttp_free(http)), or -1 on out-of-memory with
** *ppOut NULL.
*/
int conns_new(struct event_base *base, struct evhttp *http,
              struct clients *pClients, const struct conns_limits *pLim,
              struct conns **ppOut);

/* Free, with the connections accepted in the loop's last turn, whose
** set-up never ran. Accepts NULL. Call after evhttp_free(), after the
** base's loop has ended and before event_base_free(). */
void conns_free(struct conns *p);

/* Results of conns_request(). */
#define CONNS_OK  0
#define CONNS_NUL 1     /* a NUL byte in the request line or headers */

/*
** The dispatcher has request req (p may be NULL: nothing is done): its
** connection's deadlines stop until the response has been sent, and
** start again from there for the next request. Returns CONNS_NUL if the
** request's line or headers held a NUL byte (answer 400 and close: what
** evhttp parsed is not what was sent), else CONNS_OK.
*/
int conns_request(struct conns *p, struct evhttp_request *req);

/* The canned answer to a connection over --max-conns (a full response). */
extern const char conns_zRefusal[];

#endif /* SEARCHD_CONNS_H */
