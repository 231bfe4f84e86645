/*
** digest.h: the content hash that makes the indexer incremental.
**
** SHA-256 from libcrypto (OpenSSL), as lower-case hex: a file whose hash
** equals the one stored in reports.sha256 is not read again.
*/
#ifndef DIGEST_H
#define DIGEST_H

#include <stddef.h>

#define DIGEST_HEX_LEN 64

/*
** Hash the n bytes at p and write the SHA-256 as 64 hex digits and a NUL
** to zHex (room for DIGEST_HEX_LEN+1). Returns 0, or -1 if libcrypto fails
** (out of memory), leaving zHex an empty string. Thread safe.
*/
int digest_sha256_hex(const void *p, size_t n, char *zHex);

#endif /* DIGEST_H */
