/*
** json.h: a small JSON writer appending to a libevent evbuffer.
**
** Strings may hold any bytes: valid UTF-8 passes through, each byte of an
** invalid sequence (overlong, surrogate, truncated, > U+10FFFF) becomes
** U+FFFD, control characters and '"' '\' are escaped, and U+2028/U+2029
** are escaped so the output is also a valid JavaScript literal.
**
** The writer does not track structure: callers write '{', ',' and the like
** with json_raw(). Functions return 0, or -1 when the evbuffer could not
** grow (out of memory); the buffer then holds a partial document that the
** caller must discard. Thread safety: as the evbuffer.
*/
#ifndef SEARCHD_JSON_H
#define SEARCHD_JSON_H

#include <stddef.h>

#include <event2/buffer.h>

/* Append the NUL-terminated z verbatim (punctuation, numbers). */
int json_raw(struct evbuffer *out, const char *z);

/* Append z[0..n) as a JSON string. z may be NULL (then: null). */
int json_str(struct evbuffer *out, const char *z, size_t n);

/* Append "key": (key is trusted ASCII, written as is). */
int json_key(struct evbuffer *out, const char *zKey);

/*
** Append z[0..n) as a JSON string holding HTML: the text is HTML-escaped
** (& < > " ' become entities) and the marker bytes cOpen and cClose (control
** characters that never occur in text, e.g. 0x02 and 0x03) become <mark> and
** </mark>. An unclosed <mark> is closed at the end, a stray close dropped,
** so the result is always well-formed HTML.
*/
int json_html_marked(struct evbuffer *out, const char *z, size_t n,
                     char cOpen, char cClose);

/* Append an integer / a double ("%.6g"; NaN and infinities as 0). */
int json_int(struct evbuffer *out, long long v);
int json_double(struct evbuffer *out, double v);

#endif /* SEARCHD_JSON_H */
