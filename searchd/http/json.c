/*
** json.c: JSON strings from arbitrary bytes; see json.h.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/json.h"
#include "utf8.h"

#define JSON_FFFD "\xef\xbf\xbd"

int json_raw(struct evbuffer *out, const char *z){
  return evbuffer_add(out, z, strlen(z));
}

/*
** True if the len-byte sequence at z is U+2028 or U+2029: valid in JSON
** strings but line ends to JavaScript, so written as \u escapes.
*/
static int json_is_line_sep(const unsigned char *z, int len){
  return len==3 && z[0]==0xe2 && z[1]==0x80 && (z[2]==0xa8 || z[2]==0xa9);
}

/*
** Append the escaped form of one character z[0..*pn) (ASCII byte or UTF-8
** sequence; *pn is set to the bytes consumed) to out, with HTML escaping
** when bHtml.
*/
static int json_char(struct evbuffer *out, const unsigned char *z, size_t n,
                     size_t *pn, int bHtml){
  static const struct { char c; const char *zHtml; } aHtml[] = {
    {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"},
    {'\'', "&#39;"},
  };
  unsigned c = z[0];
  int len = utf8_len(z, n);
  size_t i;
  *pn = len ? (size_t)len : 1;
  if( len==0 ) return evbuffer_add(out, JSON_FFFD, 3);
  if( json_is_line_sep(z, len) ){
    return evbuffer_add_printf(out, "\\u%04x", z[2]==0xa8 ? 0x2028 : 0x2029)
           <0 ? -1 : 0;
  }
  if( len>1 ) return evbuffer_add(out, z, len);
  for(i=0; bHtml && i<sizeof(aHtml)/sizeof(aHtml[0]); i++){
    if( aHtml[i].c==(char)c ) return json_raw(out, aHtml[i].zHtml);
  }
  if( c=='"' ) return evbuffer_add(out, "\\\"", 2);
  if( c=='\\' ) return evbuffer_add(out, "\\\\", 2);
  if( c=='\n' ) return evbuffer_add(out, "\\n", 2);
  if( c=='\t' ) return evbuffer_add(out, "\\t", 2);
  if( c<0x20 || c==0x7f ){
    return evbuffer_add_printf(out, "\\u%04x", c)<0 ? -1 : 0;
  }
  return evbuffer_add(out, z, 1);
}

/*
** The end of the run from z[i] of characters that json_char() would copy
** as they are: printable ASCII but '"' and '\\' (and, bHtml, the HTML
** specials and the markers cOpen and cClose) and whole UTF-8 sequences
** but U+2028 and U+2029. Copying a run in one evbuffer_add() spares a
** call per character (Swedish text holds a multi-byte letter every few
** words).
*/
static size_t json_run(const unsigned char *u, size_t i, size_t n, int bHtml,
                       char cOpen, char cClose){
  while( i<n ){
    unsigned c = u[i];
    if( c<0x80 ){
      if( c<0x20 || c==0x7f || c=='"' || c=='\\' ) break;
      if( bHtml && (c=='&' || c=='<' || c=='>' || c=='\''
                    || (char)c==cOpen || (char)c==cClose) ) break;
      i++;
    }else{
      int len = utf8_len(u+i, n-i);
      if( len<2 || json_is_line_sep(u+i, len) ) break;
      i += (size_t)len;
    }
  }
  return i;
}

int json_str(struct evbuffer *out, const char *z, size_t n){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = 0, k;
  int rc;
  if( z==0 ) return json_raw(out, "null");
  rc = evbuffer_add(out, "\"", 1);
  while( rc==0 && i<n ){
    k = json_run(u, i, n, 0, 0, 0);
    if( k>i ){
      rc = evbuffer_add(out, z+i, k-i);
      i = k;
      continue;
    }
    rc = json_char(out, u+i, n-i, &k, 0);
    i += k;
  }
  if( rc==0 ) rc = evbuffer_add(out, "\"", 1);
  return rc;
}

int json_key(struct evbuffer *out, const char *zKey){
  return evbuffer_add_printf(out, "\"%s\":", zKey)<0 ? -1 : 0;
}

int json_html_marked(struct evbuffer *out, const char *z, size_t n,
                     char cOpen, char cClose){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = 0, k;
  int rc, bOpen = 0;
  rc = evbuffer_add(out, "\"", 1);
  while( rc==0 && i<n ){
    if( z[i]==cOpen || z[i]==cClose ){
      int bWantOpen = z[i]==cOpen;
      if( bWantOpen!=bOpen ){
        rc = json_raw(out, bWantOpen ? "<mark>" : "</mark>");
        bOpen = bWantOpen;
      }
      i++;
      continue;
    }
    k = json_run(u, i, n, 1, cOpen, cClose);
    if( k>i ){
      rc = evbuffer_add(out, z+i, k-i);
      i = k;
      continue;
    }
    rc = json_char(out, u+i, n-i, &k, 1);
    i += k;
  }
  if( rc==0 && bOpen ) rc = json_raw(out, "</mark>");
  if( rc==0 ) rc = evbuffer_add(out, "\"", 1);
  return rc;
}

int json_int(struct evbuffer *out, long long v){
  return evbuffer_add_printf(out, "%lld", v)<0 ? -1 : 0;
}

int json_double(struct evbuffer *out, double v){
  if( !isfinite(v) ) v = 0;
  return evbuffer_add_printf(out, "%.6g", v)<0 ? -1 : 0;
}
