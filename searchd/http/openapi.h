/*
** openapi.h: GET /openapi.json, the OpenAPI 3.1 description of the JSON
** API. The document is searchd/openapi.json, compiled into the binary
** (the Makefile makes $(BUILD)/gen/openapi_json.c from it), so the
** description served is always the one of the build that serves it.
*/
#ifndef SEARCHD_OPENAPI_H
#define SEARCHD_OPENAPI_H

#include <stddef.h>

struct request_ctx;

/* The document's bytes (not NUL-terminated) and their number. */
extern const unsigned char openapi_json[];
extern const size_t openapi_json_len;

/* Route handler (route.h): the document, application/json. */
int openapi_handle(struct request_ctx *ctx);

#endif /* SEARCHD_OPENAPI_H */
