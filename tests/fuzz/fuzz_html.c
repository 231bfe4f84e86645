/*
** fuzz_html.c: html_clean() (indexer/html.c) on any bytes.
**
** Checks: the result is never longer than the input and is NUL-terminated
** at its length; valid UTF-8 in gives valid UTF-8 out (tags come off at
** ASCII boundaries, entities decode to valid UTF-8); no white space at
** either end; cleaning is idempotent for input without '&' or '<' (plain
** text only has its white space collapsed, once). html_entity() is
** checked on the input as an entity name.
*/
#include <string.h>

#include "fuzz.h"
#include "../../indexer/html.h"

static int fuzz_is_space(char c){
  return c==' ' || c=='\t' || c=='\n' || c=='\r' || c=='\f' || c=='\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  char *z = malloc(nData + 1);
  char aOut[4];
  size_t n;
  int nEnt;
  if( z==0 ) return 0;
  memcpy(z, aData, nData);
  z[nData] = 0x55;                /* html_clean must write the NUL itself */
  n = html_clean(z, nData);
  FUZZ_CHECK(n<=nData);
  FUZZ_CHECK(z[n]==0);
  if( fuzz_utf8_ok(aData, nData) ){
    FUZZ_CHECK(fuzz_utf8_ok((const unsigned char*)z, n));
  }
  if( n>0 ){
    FUZZ_CHECK(!fuzz_is_space(z[0]) && !fuzz_is_space(z[n-1]));
  }
  if( memchr(aData, '&', nData)==0 && memchr(aData, '<', nData)==0 ){
    char *z2 = malloc(n + 1);
    if( z2 ){
      size_t n2;
      memcpy(z2, z, n + 1);
      n2 = html_clean(z2, n);
      FUZZ_CHECK(n2==n && memcmp(z2, z, n)==0);
      free(z2);
    }
  }
  nEnt = html_entity((const char*)aData, nData, aOut);
  FUZZ_CHECK(nEnt>=-1 && nEnt<=4);
  free(z);
  return 0;
}
