/*
** health.h: GET /health: the index's counts and versions, read on the
** worker's connection:
**   {"status":"ok","reports":N,"rows":N,"analysis_version":…,
**    "schema_version":…}
*/
#ifndef SEARCHD_HEALTH_H
#define SEARCHD_HEALTH_H

struct request_ctx;

/* The route handler (route.h). */
int health_handle(struct request_ctx *ctx);

#endif /* SEARCHD_HEALTH_H */
