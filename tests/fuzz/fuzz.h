/*
** fuzz.h: what the fuzz targets of tests/fuzz/ share.
**
** Each fuzz_<target>.c defines LLVMFuzzerTestOneInput() for libFuzzer
** (make fuzz, clang) and for driver.c (make check replays the committed
** corpus with gcc). An invariant that does not hold is a bug: FUZZ_CHECK
** prints where and aborts, which both libFuzzer and the driver report as a
** crash with the input that caused it.
*/
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The libFuzzer entry point: one input, returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

/* Abort with the failed condition and its place unless cond holds. */
#define FUZZ_CHECK(cond) do{ if( !(cond) ){ \
  fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
  abort(); } }while(0)

/*
** Is z[0..n) valid UTF-8 (no overlong forms, surrogates or code points past
** U+10FFFF)? NUL bytes count as valid here.
*/
static inline int fuzz_utf8_ok(const unsigned char *z, size_t n){
  size_t i = 0;
  while( i<n ){
    unsigned c = z[i], lo = 0x80, hi = 0xBF;
    size_t len, k;
    if( c<0x80 ){ i++; continue; }
    if( c>=0xC2 && c<=0xDF ) len = 2;
    else if( c>=0xE0 && c<=0xEF ) len = 3;
    else if( c>=0xF0 && c<=0xF4 ) len = 4;
    else return 0;
    if( c==0xE0 ) lo = 0xA0;
    if( c==0xED ) hi = 0x9F;
    if( c==0xF0 ) lo = 0x90;
    if( c==0xF4 ) hi = 0x8F;
    if( i+len>n || z[i+1]<lo || z[i+1]>hi ) return 0;
    for(k=2; k<len; k++) if( z[i+k]<0x80 || z[i+k]>0xBF ) return 0;
    i += len;
  }
  return 1;
}

#endif /* FUZZ_H */
