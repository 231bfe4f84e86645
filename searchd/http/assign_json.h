/*
** assign_json.h: GET /assignments' and /assignments/{id}'s answers
** (engine/assign.h) as JSON.
**
** Thread safety: pure functions of their arguments.
*/
#ifndef SEARCHD_ASSIGN_JSON_H
#define SEARCHD_ASSIGN_JSON_H

#include <event2/buffer.h>

#include "engine/assign.h"

/* {"total":N,"assignments":[...]} into out. 0, or -1 out of memory. */
int assign_json_list(struct evbuffer *out, const struct assign_list *p);

/* {"id":...,"occurrences":[...],"related":[...]} into out. 0 or -1. */
int assign_json_detail(struct evbuffer *out, const struct assign_detail *p);

#endif /* SEARCHD_ASSIGN_JSON_H */
