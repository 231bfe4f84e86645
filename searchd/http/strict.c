/*
** strict.c: framing checks on a parsed request; see strict.h.
*/
#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>

#include "http/strict.h"

/* Headers named zName in h, counted; *pzValue the last one's value. */
static int strict_count(struct evkeyvalq *h, const char *zName,
                        const char **pzValue){
  struct evkeyval *kv;
  int n = 0;
  *pzValue = 0;
  for(kv=h->tqh_first; kv; kv=kv->next.tqe_next){
    if( strcasecmp(kv->key, zName)==0 ){
      n++;
      *pzValue = kv->value;
    }
  }
  return n;
}

const char *strict_check(struct evhttp_request *req, int bNul){
  struct evkeyvalq *h = evhttp_request_get_input_headers(req);
  const char *zLen, *zTe, *zHost;
  int nLen = strict_count(h, "Content-Length", &zLen);
  int nTe = strict_count(h, "Transfer-Encoding", &zTe);
  int nHost = strict_count(h, "Host", &zHost);
  if( bNul ) return "NUL byte in the request line or headers";
  if( nLen>1 ) return "more than one Content-Length";
  if( nLen==1 && (zLen[0]==0 || strspn(zLen, "0123456789")!=strlen(zLen)) ){
    return "Content-Length is not a number";
  }
  if( nTe>1 || (nTe==1 && strcasecmp(zTe, "chunked")!=0) ){
    return "unsupported Transfer-Encoding";
  }
  if( nTe==1 && nLen==1 ) return "both Transfer-Encoding and Content-Length";
  if( nHost>1 ) return "more than one Host";
  if( nHost==0 && (req->major>1 || (req->major==1 && req->minor>=1)) ){
    return "HTTP/1.1 needs a Host header";
  }
  return 0;
}
