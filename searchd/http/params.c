/*
** params.c: strict decoding of a URI query string.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sclass.h"
#include "http/params.h"

#define PARAMS_STR2(x) #x
#define PARAMS_STR(x) PARAMS_STR2(x)

/* At most this many pairs are kept: a query string is not a database. */
#define PARAMS_MAX 64

struct param {
  char *zName;
  char *zValue;
};

struct params {
  int n;
  struct param a[PARAMS_MAX];
  char *zBuf;                     /* one allocation holding every string */
};

static int params_hex(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/*
** Decode z[0..n) in place into zOut (which may be z itself: decoding only
** shrinks). Returns the decoded length, or -1 on a bad escape or a NUL.
*/
static long params_decode(const char *z, size_t n, char *zOut){
  size_t i;
  long j = 0;
  for(i=0; i<n; i++){
    char c = z[i];
    if( c=='+' ){
      c = ' ';
    }else if( c=='%' ){
      int hi, lo;
      if( i+2>=n ) return -1;
      hi = params_hex(z[i+1]);
      lo = params_hex(z[i+2]);
      if( hi<0 || lo<0 ) return -1;
      c = (char)(hi*16 + lo);
      i += 2;
    }
    if( c=='\0' ) return -1;
    zOut[j++] = c;
  }
  zOut[j] = 0;
  return j;
}

void params_free(struct params *p){
  if( p ){
    free(p->zBuf);
    free(p);
  }
}

/* Split one "name=value" segment z[0..n) (a copy in p->zBuf) into a pair. */
static int params_add(struct params *p, char *z, size_t n, size_t nMax){
  char *zEq = memchr(z, '=', n);
  size_t nName = zEq ? (size_t)(zEq - z) : n;
  long nDec;
  if( p->n>=PARAMS_MAX ) return PARAMS_OK;
  if( params_decode(z, nName, z)<0 ) return PARAMS_EBAD;
  p->a[p->n].zName = z;
  if( zEq ){
    nDec = params_decode(zEq+1, n-nName-1, zEq+1);
    if( nDec<0 ) return PARAMS_EBAD;
    p->a[p->n].zValue = zEq+1;
  }else{
    nDec = 0;
    p->a[p->n].zValue = z + nName;  /* the NUL params_decode wrote */
  }
  if( (size_t)nDec>nMax ) return PARAMS_ETOOLONG;
  p->n++;
  return PARAMS_OK;
}

int params_parse(const char *zQuery, size_t nMaxValue, struct params **ppOut){
  struct params *p = calloc(1, sizeof(*p));
  size_t nAll = zQuery ? strlen(zQuery) : 0;
  int rc = PARAMS_OK;
  char *z;
  if( p==0 || (p->zBuf = malloc(nAll+1))==0 ){
    rc = PARAMS_ENOMEM;
    goto out;
  }
  memcpy(p->zBuf, zQuery ? zQuery : "", nAll+1);
  z = p->zBuf;
  while( rc==PARAMS_OK && *z ){
    size_t n = strcspn(z, "&;");
    int bLast = z[n]==0;
    z[n] = 0;
    if( n>0 ) rc = params_add(p, z, n, nMaxValue);
    z += n + (bLast ? 0 : 1);
  }
out:
  if( rc!=PARAMS_OK ){
    params_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

const char *params_get(const struct params *p, const char *zName){
  int i;
  for(i=0; p && i<p->n; i++){
    if( strcmp(p->a[i].zName, zName)==0 ) return p->a[i].zValue;
  }
  return 0;
}

int params_get_int(const struct params *p, const char *zName, long iDefault,
                   long iMin, long iMax, long *piOut){
  const char *z = params_get(p, zName);
  char *zEnd = 0;
  long v;
  if( z==0 || z[0]==0 ){
    *piOut = iDefault;
    return 0;
  }
  if( !((z[0]>='0' && z[0]<='9') || (z[0]=='-' && z[1]>='0' && z[1]<='9')) ){
    return -1;
  }
  errno = 0;
  v = strtol(z, &zEnd, 10);
  if( errno!=0 || *zEnd!=0 || v<iMin || v>iMax ) return -1;
  *piOut = v;
  return 0;
}

const char *params_get_assign(const struct params *p, unsigned *pmStatus,
                              int *peOpen, const char **pzSeries){
  const char *zStatus = params_get(p, "status");
  const char *zOpen = params_get(p, "open");
  const char *zSeries = params_get(p, "series");
  *pmStatus = 0;
  if( zStatus && sclass_parse_list(zStatus, pmStatus) ){
    return "status must be a comma-separated list of not_started, ongoing,"
           " partly_done, done, dropped, unknown";
  }
  *peOpen = -1;
  if( zOpen && strcmp(zOpen, "true")==0 ) *peOpen = 1;
  else if( zOpen && strcmp(zOpen, "false")==0 ) *peOpen = 0;
  else if( zOpen && zOpen[0] ) return "open must be true or false";
  *pzSeries = (zSeries && zSeries[0]) ? zSeries : 0;
  if( *pzSeries && strlen(*pzSeries)>PARAMS_MAX_SERIES ){
    return "series is longer than " PARAMS_STR(PARAMS_MAX_SERIES) " bytes";
  }
  return 0;
}

/* Is z a real date YYYY-MM-DD, from 0001-01-01 (2021-02-29 is not)? */
int params_is_date(const char *z){
  static const char zShape[] = "9999-99-99";
  static const int aDays[12] = {31,29,31,30,31,30,31,31,30,31,30,31};
  int i, y, m, d;
  for(i=0; zShape[i]; i++){
    if( zShape[i]=='9' ? (z[i]<'0' || z[i]>'9') : z[i]!=zShape[i] ) return 0;
  }
  if( z[i] ) return 0;
  y = atoi(z);
  m = (z[5]-'0')*10 + (z[6]-'0');
  d = (z[8]-'0')*10 + (z[9]-'0');
  if( y<1 || m<1 || m>12 || d<1 || d>aDays[m-1] ) return 0;
  return m!=2 || d<29 || (y%4==0 && (y%100!=0 || y%400==0));
}
