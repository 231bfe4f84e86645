/*
** strict.h: requests refused for how they are framed, whatever they ask.
**
** evhttp parses leniently where leniency lets a proxy in front and searchd
** see two different requests (request smuggling, RFC 9112 6.3, 3.2): it
** takes the first of two Content-Length headers, ignores a
** Transfer-Encoding other than exactly "chunked" and reads the
** Content-Length instead, and serves HTTP/1.1 without Host. Each of these
** is answered 400 here, and the connection closed after the answer (what
** follows on it cannot be framed with confidence).
*/
#ifndef SEARCHD_STRICT_H
#define SEARCHD_STRICT_H

#include <event2/http.h>

/*
** Why req must be refused (a static message for the 400), or NULL if it
** may be served. bNul: the connection layer saw a NUL byte in its request
** line or headers (conns.h), which evhttp's parser silently cuts at.
*/
const char *strict_check(struct evhttp_request *req, int bNul);

#endif /* SEARCHD_STRICT_H */
