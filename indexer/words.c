/*
** words.c: words of cleaned report text (words.h).
*/
#include "utf8.h"
#include "words.h"

size_t words_char_len(const char *z, size_t i, size_t n){
  int len = utf8_len((const unsigned char*)z + i, n - i);
  return len>0 ? (size_t)len : 1;
}

int words_is_char(const char *z, size_t len){
  const unsigned char *u = (const unsigned char*)z;
  unsigned cp;
  if( len==1 ){
    return (u[0]>='0' && u[0]<='9') || ((u[0]|0x20)>='a' && (u[0]|0x20)<='z');
  }
  if( len==2 ){
    cp = ((u[0]&0x1Fu)<<6) | (u[1]&0x3Fu);
    return cp>=0xC0 && cp!=0xD7 && cp!=0xF7;
  }
  if( len==3 ){
    cp = ((u[0]&0x0Fu)<<12) | ((u[1]&0x3Fu)<<6) | (u[2]&0x3Fu);
    return !(cp>=0x2000 && cp<0x2C00) && !(cp>=0x3000 && cp<0x3040);
  }
  return 1;
}

/*
** Is the character at z[i] of z[0..n) a letter or digit? Its length goes
** to *pLen. ASCII, most of the text, needs no decoding.
*/
static int char_at(const char *z, size_t i, size_t n, size_t *pLen){
  if( (unsigned char)z[i]<0x80 ){
    *pLen = 1;
    return words_is_char(&z[i], 1);
  }
  *pLen = words_char_len(z, i, n);
  return words_is_char(&z[i], *pLen);
}

int words_next(const char *z, size_t n, size_t *pi, size_t *piStart){
  size_t i = *pi, len;
  while( i<n && !char_at(z, i, n, &len) ) i += len;
  if( i>=n ){
    *pi = n;
    return 0;
  }
  *piStart = i;
  while( i<n && char_at(z, i, n, &len) ) i += len;
  *pi = i;
  return 1;
}
