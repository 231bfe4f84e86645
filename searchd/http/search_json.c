/*
** search_json.c: a search result as JSON (search_json.h).
*/
#include <string.h>

#include "http/json.h"
#include "http/search_json.h"

/* A text field as a JSON string (NULL: ""). */
static int search_json_text(struct evbuffer *out, const struct search_text *t){
  return json_str(out, t->z ? t->z : "", t->z ? (size_t)t->n : 0);
}

/* A highlight as marked-up HTML. */
static int search_json_html(struct evbuffer *out, const struct search_text *t){
  return json_html_marked(out, t->z ? t->z : "", t->z ? (size_t)t->n : 0,
                          SEARCH_MARK_OPEN[0], SEARCH_MARK_CLOSE[0]);
}

/* A yyyymmdd date as a JSON string "YYYY-MM-DD". */
static int search_json_date(struct evbuffer *out, int d){
  return evbuffer_add_printf(out, "\"%04d-%02d-%02d\"", d/10000,
                             d/100%100, d%100)<0;
}

/* A collapsed hit's assignment: occurrences, first and last seen, open. */
static int search_json_thread(struct evbuffer *out,
                              const struct search_hit *h){
  int e = 0;
  e |= json_raw(out, ",\"occurrences\":");
  e |= json_int(out, h->nOcc);
  e |= json_raw(out, ",\"first_seen\":");
  e |= search_json_date(out, h->first);
  e |= json_raw(out, ",\"last_seen\":");
  e |= search_json_date(out, h->last);
  e |= json_raw(out, h->bOpen ? ",\"open\":true" : ",\"open\":false");
  return e;
}

static int search_json_hit(struct evbuffer *out, const struct search_hit *h,
                           int bCollapsed){
  static const struct { const char *zKey; int iText; } aField[] = {
    {"report_title", SEARCH_TITLE}, {"assignment", SEARCH_ASSIGNMENT},
    {"source", SEARCH_SOURCE}, {"status", SEARCH_STATUS},
    {"assignment_id", SEARCH_ASSIGN_ID}, {"series", SEARCH_SERIES},
    {"status_class", SEARCH_CLASS}, {"status_evidence", SEARCH_EVIDENCE},
  };
  int e = 0;
  size_t i;
  e |= json_raw(out, "{\"report_date\":");
  e |= search_json_text(out, &h->aText[SEARCH_DATE]);
  e |= json_raw(out, ",\"row\":");
  e |= json_int(out, h->iRow);
  for(i=0; i<sizeof(aField)/sizeof(aField[0]); i++){
    e |= json_raw(out, ",");
    e |= json_key(out, aField[i].zKey);
    e |= search_json_text(out, &h->aText[aField[i].iText]);
  }
  if( bCollapsed ) e |= search_json_thread(out, h);
  e |= json_raw(out, ",\"score\":");
  e |= json_double(out, h->score);
  e |= json_raw(out, ",\"highlights\":{\"assignment\":");
  e |= search_json_html(out, &h->aText[SEARCH_HL_ASSIGNMENT]);
  e |= json_raw(out, ",\"status\":");
  e |= search_json_html(out, &h->aText[SEARCH_HL_STATUS]);
  e |= json_raw(out, "}}");
  return e;
}

static int search_json_facets(struct evbuffer *out,
                              const struct search_result *r){
  int i, n, e = 0;
  e |= json_raw(out, "{\"year\":{");
  for(i=0; i<r->nYear; i++){
    e |= evbuffer_add_printf(out, "%s\"%04d\":%d", i ? "," : "",
                             r->aYear[i].year, r->aYear[i].n)<0;
  }
  e |= json_raw(out, "},\"status\":{");
  for(i=0, n=0; i<SCLASS_N; i++){
    if( r->aStatus[i]==0 ) continue;
    e |= evbuffer_add_printf(out, "%s\"%s\":%d", n++ ? "," : "",
                             sclass_name(i), r->aStatus[i])<0;
  }
  e |= json_raw(out, "}}");
  return e;
}

int search_json(struct evbuffer *out, const struct search_result *r){
  int i, e = 0;
  if( r->zCorrectFrom && r->zCorrectTo ){
    e |= json_raw(out, "\"corrected\":{\"from\":");
    e |= json_str(out, r->zCorrectFrom, strlen(r->zCorrectFrom));
    e |= json_raw(out, ",\"to\":");
    e |= json_str(out, r->zCorrectTo, strlen(r->zCorrectTo));
    e |= json_raw(out, "},");
  }
  if( r->zSuggestFrom && r->zSuggestTo ){
    e |= json_raw(out, "\"suggested\":{\"from\":");
    e |= json_str(out, r->zSuggestFrom, strlen(r->zSuggestFrom));
    e |= json_raw(out, ",\"to\":");
    e |= json_str(out, r->zSuggestTo, strlen(r->zSuggestTo));
    e |= json_raw(out, "},");
  }
  e |= json_raw(out, "\"total\":");
  e |= json_int(out, r->nTotal);
  e |= json_raw(out, ",\"rows\":");
  e |= json_int(out, r->nRows);
  e |= json_raw(out, r->bRelaxed ? ",\"relaxed\":true,\"hits\":["
                                 : ",\"relaxed\":false,\"hits\":[");
  for(i=0; i<r->nHit; i++){
    if( i>0 ) e |= json_raw(out, ",");
    e |= search_json_hit(out, &r->aHit[i], r->bCollapsed);
  }
  e |= json_raw(out, "],\"facets\":");
  e |= search_json_facets(out, r);
  e |= json_raw(out, "}");
  return e ? -1 : 0;
}
