/*
** params.h: a URI query string ("q=n%C3%A4ra+v%C3%A5rd&limit=10") decoded
** into name/value pairs, strictly.
**
** Unlike evhttp_parse_query_str(), a malformed escape ("%", "%G1") is an
** error rather than passed through, and so is an escaped NUL byte ("%00"),
** so every value is a NUL-terminated string holding exactly what the client
** meant. Values may hold any other bytes, including invalid UTF-8: whoever
** prints them must escape them (json.c does).
*/
#ifndef SEARCHD_PARAMS_H
#define SEARCHD_PARAMS_H

#include <stddef.h>

struct params;  /* opaque: the decoded pairs */

/* Return codes of params_parse(). */
#define PARAMS_OK       0
#define PARAMS_EBAD     1   /* malformed percent-encoding or a NUL byte */
#define PARAMS_ETOOLONG 2   /* a value longer than nMaxValue bytes */
#define PARAMS_ENOMEM   3

/*
** Decode zQuery (may be NULL: no parameters; not modified) into a new
** params object. '+' decodes to a space. Each decoded value must be at most
** nMaxValue bytes. Returns PARAMS_OK and sets *ppOut (free with
** params_free), or an error code above with *ppOut NULL.
** Thread safe (no shared state).
*/
int params_parse(const char *zQuery, size_t nMaxValue, struct params **ppOut);

/* Free a params object. Accepts NULL. */
void params_free(struct params *p);

/*
** Return the value of the first parameter named zName, or NULL if absent.
** The string is owned by p and valid until params_free(p).
*/
const char *params_get(const struct params *p, const char *zName);

/*
** Read parameter zName as a decimal integer in [iMin, iMax] into *piOut; an
** absent or empty parameter gives iDefault. Returns 0, or -1 (and *piOut
** untouched) when the value is not a plain decimal number in range
** ("10abc", "-1" with iMin 0, "99999999999999999999").
*/
int params_get_int(const struct params *p, const char *zName, long iDefault,
                   long iMin, long iMax, long *piOut);

/* Is z a real date YYYY-MM-DD from 0001-01-01 (2021-02-29, 2021-13-45
** are not)? Pure. */
int params_is_date(const char *z);

#endif /* SEARCHD_PARAMS_H */
