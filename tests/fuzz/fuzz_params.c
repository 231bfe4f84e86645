/*
** fuzz_params.c: params_parse() (searchd/params.c) on any query string.
**
** The first byte picks the value limit; the rest, up to its first NUL, is
** the query string (what evhttp gives searchd). Checks: a result code of
** the documented set and *ppOut set exactly on success; on success every
** segment of the first PARAMS_MAX has well-formed escapes and no escaped
** NUL and the values looked up are within the limit; on PARAMS_EBAD some
** segment really is malformed; params_get_int() keeps its range.
*/
#include <string.h>

#include "fuzz.h"
#include "../../searchd/http/params.h"

#define FUZZ_PARAMS_MAX 64        /* params.c keeps this many pairs */

static int fuzz_hex(char c){
  return (c>='0' && c<='9') || (c>='a' && c<='f') || (c>='A' && c<='F');
}

/* Is every escape in z[0..n) two hex digits and not %00? */
static int fuzz_escapes_ok(const char *z, size_t n){
  size_t i;
  for(i=0; i<n; i++){
    if( z[i]!='%' ) continue;
    if( i+2>=n ) return 0;
    if( !fuzz_hex(z[i+1]) || !fuzz_hex(z[i+2]) ) return 0;
    if( z[i+1]=='0' && z[i+2]=='0' ) return 0;
    i += 2;
  }
  return 1;
}

/*
** 1 if every non-empty '&'/';' segment among the first PARAMS_MAX is well
** formed, 0 if one is not; -1 if there are more segments than that (the
** parser ignores the rest, so the answer would not be comparable).
*/
static int fuzz_query_ok(const char *z){
  int nSeg = 0, bOk = 1;
  while( *z ){
    size_t n = strcspn(z, "&;");
    if( n>0 ){
      if( ++nSeg>FUZZ_PARAMS_MAX ) return -1;
      if( !fuzz_escapes_ok(z, n) ) bOk = 0;
    }
    z += n + (z[n] ? 1 : 0);
  }
  return bOk;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  static const char *const azName[] = {"q", "limit", "from", "", "a b"};
  struct params *p = (struct params*)1;
  char *z;
  size_t nMax, i;
  int rc, bOk;
  if( nData==0 ) return 0;
  nMax = aData[0] * 16u;
  z = malloc(nData);
  if( z==0 ) return 0;
  memcpy(z, aData+1, nData-1);
  z[nData-1] = 0;
  bOk = fuzz_query_ok(z);
  rc = params_parse(z, nMax, &p);
  FUZZ_CHECK(rc==PARAMS_OK || rc==PARAMS_EBAD || rc==PARAMS_ETOOLONG
             || rc==PARAMS_ENOMEM);
  FUZZ_CHECK((rc==PARAMS_OK)==(p!=0));
  if( rc==PARAMS_OK && bOk>=0 ) FUZZ_CHECK(bOk==1);
  if( rc==PARAMS_EBAD && bOk>=0 ) FUZZ_CHECK(bOk==0);
  for(i=0; p && i<sizeof(azName)/sizeof(azName[0]); i++){
    const char *zVal = params_get(p, azName[i]);
    long v = -12345;
    if( zVal ) FUZZ_CHECK(strlen(zVal)<=nMax);
    if( params_get_int(p, azName[i], 7, -5, 1000, &v)==0 ){
      FUZZ_CHECK(v>=-5 && v<=1000);
    }else{
      FUZZ_CHECK(v==-12345);
    }
  }
  params_free(p);
  params_free(0);
  FUZZ_CHECK(params_parse(0, nMax, &p)==PARAMS_OK && p!=0);
  FUZZ_CHECK(params_get(p, "q")==0);
  params_free(p);
  free(z);
  return 0;
}
