/*
** fuzz_json.c: the JSON writer of searchd (searchd/json.c) on any bytes,
** the last step between index text or user input and the client.
**
** The first input byte picks the two marker bytes of json_html_marked();
** the rest is the text. Checks: json_str() writes one valid JSON string
** (quoted; no raw control character, '"' or '\' inside; only valid
** escapes; valid UTF-8; no raw U+2028/U+2029) whose length is within the
** worst case; json_html_marked() does too, and its content is safe HTML:
** no '<' but in <mark> and </mark>, which are balanced, and no '>' or
** quote outside them.
*/
#include <string.h>

#include <event2/buffer.h>

#include "fuzz.h"
#include "../../searchd/http/json.h"

/*
** Check z[0..n) is one JSON string and decode it into zOut (room for n
** bytes; \uXXXX escapes below U+0080 are decoded, others kept as '?').
** Returns the decoded length.
*/
static size_t fuzz_json_string(const char *z, size_t n, char *zOut){
  size_t i, o = 0;
  FUZZ_CHECK(n>=2 && z[0]=='"' && z[n-1]=='"');
  FUZZ_CHECK(fuzz_utf8_ok((const unsigned char*)z, n));
  for(i=1; i<n-1; i++){
    unsigned char c = (unsigned char)z[i];
    FUZZ_CHECK(c>=0x20 && c!='"');
    if( c==0xE2 && i+2<n && (unsigned char)z[i+1]==0x80
     && ((unsigned char)z[i+2]==0xA8 || (unsigned char)z[i+2]==0xA9) ){
      FUZZ_CHECK(!"raw U+2028 or U+2029");
    }
    if( c=='\\' ){
      FUZZ_CHECK(i+1<n-1);
      c = (unsigned char)z[++i];
      if( c=='u' ){
        unsigned v = 0;
        int k;
        FUZZ_CHECK(i+4<n-1);
        for(k=1; k<=4; k++){
          char h = z[i+k];
          FUZZ_CHECK((h>='0' && h<='9') || (h>='a' && h<='f') || (h>='A' && h<='F'));
          v = v*16 + (unsigned)(h<='9' ? h-'0' : (h|0x20)-'a'+10);
        }
        i += 4;
        zOut[o++] = v<0x80 ? (char)v : '?';
      }else{
        FUZZ_CHECK(strchr("\"\\/bfnrt", c)!=0);
        zOut[o++] = c=='n' ? '\n' : c=='t' ? '\t' : c=='r' ? '\r'
                  : c=='b' ? '\b' : c=='f' ? '\f' : (char)c;
      }
    }else{
      zOut[o++] = (char)c;
    }
  }
  return o;
}

/* Decoded json_html_marked() content: safe, balanced HTML. */
static void fuzz_check_html(const char *z, size_t n){
  size_t i;
  int bOpen = 0;
  for(i=0; i<n; i++){
    if( z[i]=='<' ){
      if( n-i>=6 && memcmp(z+i, "<mark>", 6)==0 ){
        FUZZ_CHECK(!bOpen);
        bOpen = 1; i += 5;
      }else{
        FUZZ_CHECK(n-i>=7 && memcmp(z+i, "</mark>", 7)==0);
        FUZZ_CHECK(bOpen);
        bOpen = 0; i += 6;
      }
    }else{
      FUZZ_CHECK(z[i]!='>' && z[i]!='"' && z[i]!='\'');
    }
  }
  FUZZ_CHECK(!bOpen);
}

/* Write with xWrite, check the string, return its decoded form in zOut. */
static size_t fuzz_one(const char *z, size_t n, int bHtml, char cOpen,
                       char cClose, char *zOut, size_t nOutMax){
  struct evbuffer *b = evbuffer_new();
  size_t nOut, nDec;
  const char *zJson;
  if( b==0 ) return 0;
  if( bHtml ){
    FUZZ_CHECK(json_html_marked(b, z, n, cOpen, cClose)==0);
  }else{
    FUZZ_CHECK(json_str(b, z, n)==0);
  }
  nOut = evbuffer_get_length(b);
  FUZZ_CHECK(nOut<=nOutMax);
  zJson = (const char*)evbuffer_pullup(b, -1);
  FUZZ_CHECK(zJson!=0 || nOut==0);
  nDec = fuzz_json_string(zJson, nOut, zOut);
  evbuffer_free(b);
  return nDec;
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  const char *z;
  size_t n, nMax;
  char *zOut;
  if( nData==0 ) return 0;
  z = (const char*)aData+1;
  n = nData-1;
  nMax = 32 + n*8;      /* worst case: each byte a 6-byte escape or entity */
  zOut = malloc(nMax);
  if( zOut==0 ) return 0;
  fuzz_one(z, n, 0, 0, 0, zOut, nMax);
  {
    /* two distinct control characters, as the callers use */
    char cOpen = (char)(aData[0] & 0x1F), cClose = (char)((aData[0]>>3) & 0x1F);
    size_t nDec;
    if( cOpen==0 ) cOpen = 2;
    if( cClose==0 ) cClose = 3;
    if( cClose==cOpen ) cClose ^= 1;
    nDec = fuzz_one(z, n, 1, cOpen, cClose, zOut, nMax);
    fuzz_check_html(zOut, nDec);
  }
  free(zOut);
  return 0;
}
