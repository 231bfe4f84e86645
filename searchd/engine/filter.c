/*
** filter.c: a search's filters (filter.h).
*/
#include <stdlib.h>
#include <string.h>

#include "engine/filter.h"
#include "sclass.h"

/* The series filter: only series zSeries (none if no series is). */
static int filter_series(struct filter *f, const char *zSeries){
  int i, n = attrs_series_count(f->attrs);
  f->abSeries = calloc(n + 1, 1);
  if( f->abSeries==0 ) return SQLITE_NOMEM;
  for(i=0; i<n; i++){
    f->abSeries[i] = strcmp(attrs_series(f->attrs, i), zSeries)==0;
  }
  return SQLITE_OK;
}

int filter_init(struct filter *f, const struct attrs *attrs,
                const struct search_args *a){
  int i, n = attrs_source_count(attrs), rc = SQLITE_OK;
  memset(f, 0, sizeof(*f));
  f->attrs = attrs;
  f->aDirect = attrs_by_rowid(attrs, &f->nDirect);
  f->aAssign = attrs_assigns(attrs);
  f->from = a->zFrom ? attrs_date(a->zFrom) : 0;
  f->to = a->zTo ? attrs_date(a->zTo) : 0;
  f->mStatus = (a->mStatus & SCLASS_ALL)==SCLASS_ALL ? 0 : a->mStatus;
  f->bAssignStatus = a->eCollapse==SEARCH_COLLAPSE_ASSIGNMENT;
  f->aNewest = attrs_newest(attrs);
  f->eOpen = a->eOpen;
  if( a->zSource ){
    f->abSource = calloc(n + 1, 1);
    if( f->abSource==0 ) rc = SQLITE_NOMEM;
    for(i=0; rc==SQLITE_OK && i<n; i++){
      f->abSource[i] = strcasestr(attrs_source(attrs, i), a->zSource)!=0;
    }
  }
  if( rc==SQLITE_OK && a->zSeries ) rc = filter_series(f, a->zSeries);
  f->bRowwise = f->abSource || f->abSeries || f->mStatus
                || f->eOpen!=SEARCH_OPEN_ANY;
  if( rc!=SQLITE_OK ){
    filter_clear(f);
    f->from = f->to = 0;
    f->mStatus = 0;
    f->eOpen = SEARCH_OPEN_ANY;
  }
  return rc;
}

void filter_clear(struct filter *f){
  free(f->abSource);
  free(f->abSeries);
  f->abSource = 0;
  f->abSeries = 0;
  f->bRowwise = 0;
}
