/*
** plain.c: the plain form of a vocab word (see plain.h).
*/
#include "plain.h"

/* The second byte after 0xC3 of each letter, and its plain letter. */
static const struct { unsigned char c2; char out; } aPlain[] = {
  {0xA5, 'a'},      /* å */
  {0xA4, 'a'},      /* ä */
  {0xB6, 'o'},      /* ö */
  {0xA9, 'e'},      /* é */
  {0xBC, 'u'},      /* ü */
};

size_t plain_form(const char *z, size_t n, char *zOut){
  size_t i, o = 0, k;
  for(i=0; i<n; i++){
    if( (unsigned char)z[i]==0xC3 && i+1<n ){
      for(k=0; k<sizeof(aPlain)/sizeof(aPlain[0]); k++){
        if( aPlain[k].c2==(unsigned char)z[i+1] ) break;
      }
      if( k<sizeof(aPlain)/sizeof(aPlain[0]) ){
        zOut[o++] = aPlain[k].out;
        i++;
        continue;
      }
    }
    zOut[o++] = z[i];
  }
  zOut[o] = 0;
  return o;
}
