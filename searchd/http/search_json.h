/*
** search_json.h: a search result (engine/search.h) as the JSON of GET
** /search, the part after "took_ms" (the cacheable part):
**
**   "corrected":{"from":…,"to":…}, (only when a word was corrected)
**   "total":N,"relaxed":B,"hits":[{"report_date":…,"row":N,
**   "report_title":…,"assignment":…,"source":…,"status":…,"score":S,
**   "highlights":{"assignment":HTML,"status":HTML}}…],
**   "facets":{"year":{"YYYY":N…}}}
**
** Pure; thread safe.
*/
#ifndef SEARCHD_SEARCH_JSON_H
#define SEARCHD_SEARCH_JSON_H

#include <event2/buffer.h>

#include "engine/search.h"

/* Append r to out. Returns 0, or -1 when out of memory. */
int search_json(struct evbuffer *out, const struct search_result *r);

#endif /* SEARCHD_SEARCH_JSON_H */
