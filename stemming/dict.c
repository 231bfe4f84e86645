/*
** dict.c: lookups in the generated decompounding dictionary (see dict.h).
*/
#include <string.h>

#include "dict.h"
#include "swedish.h"

int dict_lookup(enum dict_table eTab, const char *z, int n, DictEntry *pOut){
  if( n<=0 || n>DICT_MAX_KEY ) return 0;
  return dict_lookup_hashed(eTab, z, n, dict_hash(z, n), pOut);
}

int dict_lookup_hashed(enum dict_table eTab, const char *z, int n, uint32_t h,
                       DictEntry *pOut){
  const SwedishDict *d = &swedish_dict;
  uint32_t mask = d->aTab[eTab].mask;
  const uint32_t *aSlot = d->aTab[eTab].aSlot;
  if( n<=0 || n>DICT_MAX_KEY ) return 0;
  if( !dict_may_have(eTab, h) ) return 0;
  for(h&=mask; aSlot[h]; h=(h+1)&mask){
    const unsigned char *e = d->aBlob + aSlot[h];
    if( e[1]==n && memcmp(e+2, z, (size_t)n)==0 ){
      pOut->flags = e[0];
      pOut->zKey = (const char*)e + 2;
      pOut->nKeep = e[2+n];
      pOut->zAdd = (const char*)e + 4 + n;
      pOut->nAdd = e[3+n];
      return 1;
    }
  }
  return 0;
}

int swedish_is_word(const char *z, int n){
  uint32_t h, lo = 0, hi = swedish_nwords;
  if( n<=0 ) return 0;
  h = dict_hash(z, n);
  while( lo<hi ){
    uint32_t mid = lo + (hi-lo)/2;
    if( swedish_words[mid]<h ) lo = mid+1;
    else hi = mid;
  }
  return lo<swedish_nwords && swedish_words[lo]==h;
}
