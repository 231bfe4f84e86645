/*
** sclass.c: status class names (sclass.h).
*/
#include <string.h>

#include "sclass.h"

static const char *const azClass[SCLASS_N] = {
  "not_started", "ongoing", "partly_done", "done", "dropped", "unknown",
};

const char *sclass_name(int i){
  return (i>=0 && i<SCLASS_N) ? azClass[i] : azClass[SCLASS_UNKNOWN];
}

int sclass_find(const char *z, int n){
  int i;
  for(i=0; i<SCLASS_N; i++){
    if( (int)strlen(azClass[i])==n && memcmp(azClass[i], z, n)==0 ) return i;
  }
  return -1;
}

int sclass_of(const char *z){
  int i = z ? sclass_find(z, (int)strlen(z)) : -1;
  return i<0 ? SCLASS_UNKNOWN : i;
}

int sclass_parse_list(const char *z, unsigned *pMask){
  unsigned m = 0;
  while( *z ){
    int n, i;
    while( *z==' ' ) z++;
    n = (int)strcspn(z, ",");
    i = n;
    while( i>0 && z[i-1]==' ' ) i--;
    if( i>0 ){
      int c = sclass_find(z, i);
      if( c<0 ) return -1;
      m |= 1u<<c;
    }
    z += n + (z[n]==',');
  }
  *pMask = m;
  return 0;
}
