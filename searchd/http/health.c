/*
** health.c: GET /health (health.h).
*/
#include <sqlite3.h>

#include "http/health.h"
#include "http/json.h"
#include "http/route.h"

static const char zHealthSql[] =
  "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM assignments),"
  " (SELECT value FROM meta WHERE key='analysis_version'),"
  " (SELECT value FROM meta WHERE key='schema_version')";

/* Column i of pStmt as a JSON string (NULL: ""). */
static int health_str(struct evbuffer *out, sqlite3_stmt *pStmt, int i){
  const char *z = (const char*)sqlite3_column_text(pStmt, i);
  return json_str(out, z ? z : "", z ? (size_t)sqlite3_column_bytes(pStmt, i)
                                      : 0);
}

int health_handle(struct request_ctx *ctx){
  sqlite3_stmt *pStmt = 0;
  int rc = sqlite3_prepare_v2(ctx->db, zHealthSql, -1, &pStmt, 0), e = 0;
  if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    e |= json_raw(ctx->out, "{\"status\":\"ok\",\"reports\":");
    e |= json_int(ctx->out, sqlite3_column_int64(pStmt, 0));
    e |= json_raw(ctx->out, ",\"rows\":");
    e |= json_int(ctx->out, sqlite3_column_int64(pStmt, 1));
    e |= json_raw(ctx->out, ",\"analysis_version\":");
    e |= health_str(ctx->out, pStmt, 2);
    e |= json_raw(ctx->out, ",\"schema_version\":");
    e |= health_str(ctx->out, pStmt, 3);
    e |= json_raw(ctx->out, "}");
  }
  if( rc==SQLITE_OK ) rc = sqlite3_finalize(pStmt);
  else sqlite3_finalize(pStmt);
  if( rc!=SQLITE_OK ){
    return route_fail(ctx, rc, "health", sqlite3_errmsg(ctx->db));
  }
  return e ? route_fail(ctx, SQLITE_NOMEM, "health", 0) : 200;
}
