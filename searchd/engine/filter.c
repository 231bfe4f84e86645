/*
** filter.c: a search's filters (filter.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/filter.h"

int filter_init(struct filter *f, const struct attrs *attrs,
                const char *zFrom, const char *zTo, const char *zSource){
  int i, n = attrs_source_count(attrs);
  memset(f, 0, sizeof(*f));
  f->attrs = attrs;
  f->from = zFrom ? attrs_date(zFrom) : 0;
  f->to = zTo ? attrs_date(zTo) : 0;
  if( zSource==0 ) return SQLITE_OK;
  f->abSource = calloc(n + 1, 1);
  if( f->abSource==0 ){
    f->from = f->to = 0;
    return SQLITE_NOMEM;
  }
  for(i=0; i<n; i++){
    f->abSource[i] = strcasestr(attrs_source(attrs, i), zSource)!=0;
  }
  return SQLITE_OK;
}

void filter_clear(struct filter *f){
  free(f->abSource);
  f->abSource = 0;
}
