/*
** openapi.c: GET /openapi.json (openapi.h).
*/
#include <event2/buffer.h>
#include <event2/http.h>

#include "http/openapi.h"
#include "http/route.h"

int openapi_handle(struct request_ctx *ctx){
  if( evbuffer_add_reference(ctx->out, openapi_json, openapi_json_len, 0, 0)
   || evhttp_add_header(ctx->out_headers, "Cache-Control", "no-cache") ){
    return route_error(ctx, 503, "out of memory");
  }
  return 200;
}
