/*
** utf8.c: UTF-8 validation (see utf8.h).
**
** The ranges of the second byte after E0, ED, F0 and F4 are the table of
** RFC 3629 section 4: they rule out overlongs, surrogates and code points
** past U+10FFFF without decoding the code point.
*/
#include "utf8.h"

int utf8_len(const unsigned char *z, size_t n){
  unsigned c = z[0];
  unsigned lo = 0x80, hi = 0xBF;
  int len, i;
  if( c<0x80 ) return 1;
  if( c>=0xC2 && c<=0xDF ) len = 2;
  else if( c>=0xE0 && c<=0xEF ) len = 3;
  else if( c>=0xF0 && c<=0xF4 ) len = 4;
  else return 0;
  if( c==0xE0 ) lo = 0xA0;          /* overlong */
  if( c==0xED ) hi = 0x9F;          /* surrogates */
  if( c==0xF0 ) lo = 0x90;          /* overlong */
  if( c==0xF4 ) hi = 0x8F;          /* past U+10FFFF */
  if( (size_t)len>n ) return 0;
  if( z[1]<lo || z[1]>hi ) return 0;
  for(i=2; i<len; i++){
    if( z[i]<0x80 || z[i]>0xBF ) return 0;
  }
  return len;
}

size_t utf8_chars(const char *z, size_t n){
  size_t i, nChar = 0;
  for(i=0; i<n; i++) nChar += ((unsigned char)z[i] & 0xC0)!=0x80;
  return nChar;
}

int utf8_valid(const char *zIn, size_t n){
  const unsigned char *z = (const unsigned char*)zIn;
  size_t i = 0;
  while( i<n ){
    int len = z[i]<0x80 ? 1 : utf8_len(&z[i], n-i);
    if( len==0 ) return 0;
    i += (size_t)len;
  }
  return 1;
}
