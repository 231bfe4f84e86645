/*
** assign_json.c: assignments as JSON (assign_json.h).
*/
#include <string.h>

#include "http/assign_json.h"
#include "http/json.h"

/* ,"key":"z" */
static int assign_json_field(struct evbuffer *out, const char *zKey,
                             const char *z, int bFirst){
  int e = 0;
  if( !bFirst ) e |= json_raw(out, ",");
  e |= json_key(out, zKey);
  e |= json_str(out, z ? z : "", z ? strlen(z) : 0);
  return e;
}

/* The fields of an assignment both answers share, after its id. */
static int assign_json_head(struct evbuffer *out, const struct assign_item *p,
                            int bWording){
  int e = 0;
  e |= assign_json_field(out, "id", p->az[ASSIGN_ID], 1);
  if( bWording ){
    e |= assign_json_field(out, "assignment", p->az[ASSIGN_ASSIGNMENT], 0);
    e |= assign_json_field(out, "source", p->az[ASSIGN_SOURCE], 0);
  }
  e |= assign_json_field(out, "series", p->az[ASSIGN_SERIES], 0);
  e |= assign_json_field(out, "status_class", p->az[ASSIGN_CLASS], 0);
  e |= assign_json_field(out, "first_seen", p->az[ASSIGN_FIRST], 0);
  e |= assign_json_field(out, "last_seen", p->az[ASSIGN_LAST], 0);
  e |= json_raw(out, p->bOpen ? ",\"open\":true" : ",\"open\":false");
  return e;
}

int assign_json_list(struct evbuffer *out, const struct assign_list *p){
  int i, e = 0;
  e |= json_raw(out, "{\"total\":");
  e |= json_int(out, p->nTotal);
  e |= json_raw(out, ",\"assignments\":[");
  for(i=0; i<p->n; i++){
    e |= json_raw(out, i ? ",{" : "{");
    e |= assign_json_head(out, &p->a[i], 1);
    e |= json_raw(out, ",\"occurrences\":");
    e |= json_int(out, p->a[i].nOcc);
    e |= json_raw(out, "}");
  }
  e |= json_raw(out, "]}");
  return e ? -1 : 0;
}

static int assign_json_occ(struct evbuffer *out, const struct assign_occ *o){
  static const struct { const char *zKey; int i; } aField[] = {
    {"report_title", OCC_TITLE}, {"assignment", OCC_ASSIGNMENT},
    {"source", OCC_SOURCE}, {"status", OCC_STATUS},
    {"status_class", OCC_CLASS}, {"status_evidence", OCC_EVIDENCE},
  };
  size_t i;
  int e = 0;
  e |= json_raw(out, "{");
  e |= assign_json_field(out, "report_date", o->az[OCC_DATE], 1);
  e |= json_raw(out, ",\"row\":");
  e |= json_int(out, o->iRow);
  for(i=0; i<sizeof(aField)/sizeof(aField[0]); i++){
    e |= assign_json_field(out, aField[i].zKey, o->az[aField[i].i], 0);
  }
  e |= json_raw(out, "}");
  return e;
}

int assign_json_detail(struct evbuffer *out, const struct assign_detail *p){
  int i, e = 0;
  e |= json_raw(out, "{");
  e |= assign_json_head(out, &p->head, 0);
  e |= json_raw(out, ",\"occurrences\":[");
  for(i=0; i<p->nOcc; i++){
    if( i ) e |= json_raw(out, ",");
    e |= assign_json_occ(out, &p->aOcc[i]);
  }
  e |= json_raw(out, "],\"related\":[");
  for(i=0; i<p->nRel; i++){
    e |= json_raw(out, i ? ",{" : "{");
    e |= assign_json_field(out, "id", p->aRel[i].zId, 1);
    e |= assign_json_field(out, "assignment", p->aRel[i].zAssignment, 0);
    e |= json_raw(out, ",\"score\":");
    e |= json_double(out, p->aRel[i].score);
    e |= json_raw(out, "}");
  }
  e |= json_raw(out, "]}");
  return e ? -1 : 0;
}
