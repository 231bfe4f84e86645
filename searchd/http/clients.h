/*
** clients.h: the open client connections of the whole process, counted
** in all and per client address, against --max-conns and
** --max-conns-per-client.
**
** A client is an IPv4 address, or an IPv6 /64 (one host usually holds a
** whole /64, so counting single IPv6 addresses would cap nothing); an
** IPv4-mapped IPv6 address counts as its IPv4 address.
**
** The per-address counts live in an open-addressing table sized at start
** for twice --max-conns + 1 entries, so it never fills: an address is in
** it only while it holds a counted connection.
**
** Thread safety: every function may be called from any thread (one mutex,
** held only to look up and count).
*/
#ifndef SEARCHD_CLIENTS_H
#define SEARCHD_CLIENTS_H

#include <sys/socket.h>

struct clients;

/* A client as counted: address family and the address bytes that count. */
struct clients_key {
  unsigned char a[17];            /* a[0]: 4 or 6; then 4 or 8 bytes */
};

/* Results of clients_admit(). */
#define CLIENTS_OK          0
#define CLIENTS_FULL        1     /* --max-conns reached */
#define CLIENTS_CLIENT_FULL 2     /* this client's cap reached */

/*
** Counts for at most nMax connections, at most nPerClient of them from one
** client (0: no per-client cap). Returns 0 and sets *ppOut, or -1 (out of
** memory) with *ppOut NULL.
*/
int clients_new(long nMax, long nPerClient, struct clients **ppOut);

/* Free. Accepts NULL. */
void clients_free(struct clients *p);

/*
** The key of peer address sa (len bytes). Returns 0, or -1 for a family
** other than IPv4 and IPv6 (such a connection is counted in all only).
*/
int clients_key(const struct sockaddr *sa, socklen_t len,
                struct clients_key *pKey);

/*
** Count one more connection of client pKey (NULL: counted in all only)
** if both caps allow it. Returns CLIENTS_OK (counted: release it with
** clients_release and the same key), CLIENTS_FULL or CLIENTS_CLIENT_FULL
** (nothing counted).
*/
int clients_admit(struct clients *p, const struct clients_key *pKey);

/* Uncount a connection admitted with pKey. */
void clients_release(struct clients *p, const struct clients_key *pKey);

/* Connections counted now. */
long clients_open(struct clients *p);

#endif /* SEARCHD_CLIENTS_H */
