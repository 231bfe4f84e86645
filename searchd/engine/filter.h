/*
** filter.h: a search's date and source filters, resolved against the row
** attributes (attrs.h) once per query so that each row costs a lookup and
** two comparisons.
**
** Thread safety: a filter belongs to the query that made it.
*/
#ifndef SEARCHD_FILTER_H
#define SEARCHD_FILTER_H

#include <sqlite3.h>

#include "engine/attrs.h"
#include "engine/search.h"

struct filter {
  const struct attrs *attrs;      /* the snapshot the filter was made on */
  const struct attr_row *aDirect; /* its rows by rowid (attrs_by_rowid()), */
  sqlite3_int64 nDirect;          /* ... of this many slots; or NULL, 0 */
  const struct attr_assign *aAssign;  /* its assignments (attrs_assigns()) */
  int from, to;                   /* yyyymmdd; 0: open */
  char *abSource;                 /* per distinct source: allowed; NULL: all */
  char *abSeries;                 /* per distinct series: allowed; NULL: all */
  unsigned mStatus;               /* allowed classes (sclass.h); 0: all */
  const int *aNewest;             /* attrs_newest(), for eOpen */
  int eOpen;                      /* SEARCH_OPEN_*: open assignments only,
                                  ** closed ones only, or either */
  int bAssignStatus;              /* status is the assignment's current */
  int bRowwise;                   /* a filter that differs row by row
                                  ** within a date (source, series, status) */
};

/*
** Resolve the filters of a against attrs (which must outlive f): zFrom and
** zTo "YYYY-MM-DD" or NULL (open), zSource the text a row's source must
** contain (ASCII case-insensitive, like SQL's lower()) or NULL, zSeries
** the series (reports.series) a row must be of, exactly, or NULL, mStatus
** the classes allowed (0: all), on the assignment's current class when
** collapsing, else on the row's; eOpen whether the row's assignment is
** open (SEARCH_OPEN_*). Returns SQLITE_OK, or SQLITE_NOMEM with f
** holding no filter.
*/
int filter_init(struct filter *f, const struct attrs *attrs,
                const struct search_args *a);

/* Free what filter_init() allocated. Accepts a zeroed filter. */
void filter_clear(struct filter *f);

/* Does row r pass the filters? */
static inline int filter_ok(const struct filter *f, const struct attr_row *r){
  if( f->from && r->date<f->from ) return 0;
  if( f->to && r->date>f->to ) return 0;
  if( f->abSource && !f->abSource[r->iSource] ) return 0;
  if( f->abSeries && !f->abSeries[attrs_row_series(f->aAssign, r)] ){
    return 0;
  }
  if( f->mStatus ){
    int c = f->bAssignStatus ? attrs_row_class(f->aAssign, r) : r->cls;
    if( !((f->mStatus>>c) & 1) ) return 0;
  }
  if( f->eOpen!=SEARCH_OPEN_ANY
   && attrs_row_open(f->aAssign, f->aNewest, r)!=(f->eOpen==SEARCH_OPEN_YES) ){
    return 0;
  }
  return 1;
}

/* Row id's attributes if it is in the snapshot and passes, else NULL.
** Called for every match a pass steps: the direct array is indexed here,
** without a call. */
static inline const struct attr_row *filter_row(const struct filter *f,
                                                sqlite3_int64 id){
  const struct attr_row *r;
  if( f->aDirect ){
    r = (id>=0 && id<f->nDirect && f->aDirect[id].iSource>=0)
        ? &f->aDirect[id] : 0;
  }else{
    r = f->attrs ? attrs_find(f->attrs, id) : 0;
  }
  return (r && filter_ok(f, r)) ? r : 0;
}

#endif /* SEARCHD_FILTER_H */
