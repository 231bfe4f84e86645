/*
** static.c: the search page's files from one folder (static.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sqlite3.h>

#include "http/conf.h"
#include "http/datadir.h"
#include "box/ext.h"
#include "http/log.h"
#include "http/route.h"
#include "http/static.h"

struct static_root {
  char *zRoot;                    /* realpath of the folder */
  size_t nRoot;
};

/* Content types by extension: the only files served. */
static const struct { const char *zExt; const char *zType; } aType[] = {
  {".html", "text/html; charset=utf-8"},
  {".js",   "text/javascript; charset=utf-8"},
  {".css",  "text/css; charset=utf-8"},
  {".svg",  "image/svg+xml"},
  {".png",  "image/png"},
  {".ico",  "image/x-icon"},
  {".txt",  "text/plain; charset=utf-8"},
  {".json", "application/json; charset=utf-8"},
};

/* Only this origin: the page loads nothing from elsewhere. */
static const char zCsp[] =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; "
  "script-src 'self'; connect-src 'self'; base-uri 'none'; "
  "frame-ancestors 'none'; form-action 'self'";

int static_root_new(const char *zDir, struct static_root **ppOut,
                    char **pzErr){
  struct static_root *p = calloc(1, sizeof(*p));
  struct stat st;
  char *zIndex = 0;
  int rc = -1;
  *pzErr = 0;
  if( p==0 ){ *pzErr = sqlite3_mprintf("out of memory"); goto out; }
  p->zRoot = realpath(zDir, 0);
  if( p->zRoot==0 ){
    *pzErr = sqlite3_mprintf("--www %s: %s", zDir, strerror(errno));
    goto out;
  }
  p->nRoot = strlen(p->zRoot);
  zIndex = sqlite3_mprintf("%s/index.html", p->zRoot);
  if( zIndex==0 || stat(zIndex, &st)!=0 || !S_ISREG(st.st_mode) ){
    *pzErr = sqlite3_mprintf("--www %s: no index.html there", zDir);
    goto out;
  }
  rc = 0;
out:
  sqlite3_free(zIndex);
  if( rc ){
    static_root_free(p);
    p = 0;
  }
  *ppOut = p;
  return rc;
}

void static_root_free(struct static_root *p){
  if( p ){
    free(p->zRoot);
    free(p);
  }
}

int static_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                       void **ppState, char **pzErr){
  struct static_root *p = 0;
  char *zDir = 0, *zErr = 0;
  (void)db; (void)pPrev; (void)pzErr;
  *ppState = 0;
  if( conf->zWww && conf->zWww[0]==0 ) return EXT_OK;    /* no page */
  if( conf->zWww==0 && datadir_find("www", &zDir, &zErr) ){
    log_msg(LOG_ERROR, "no search page: %s (use --www DIR)",
            zErr ? zErr : "out of memory");
  }else if( static_root_new(conf->zWww ? conf->zWww : zDir, &p, &zErr) ){
    log_msg(LOG_ERROR, "%s", zErr ? zErr : "out of memory");
  }
  sqlite3_free(zErr);
  sqlite3_free(zDir);
  *ppState = p;
  return p ? EXT_OK : EXT_SKIP;
}

void static_module_close(void *pState){
  static_root_free((struct static_root*)pState);
}

const char *static_root_path(const struct static_root *p){
  return p->zRoot;
}

/* Is c allowed in a file name segment? */
static int static_name_char(char c){
  return (c>='a' && c<='z') || (c>='A' && c<='Z') || (c>='0' && c<='9')
      || c=='.' || c=='-' || c=='_';
}

const char *static_check_name(const char *zName){
  size_t n = strlen(zName), i, iSeg = 0;
  size_t k;
  if( n==0 || n>STATIC_MAX_NAME ) return 0;
  for(i=0; i<=n; i++){
    if( i==n || zName[i]=='/' ){
      size_t nSeg = i - iSeg;
      if( nSeg==0 ) return 0;                       /* "//", leading, trailing */
      if( zName[iSeg]=='.' ) return 0;              /* ".", "..", dot files */
      iSeg = i + 1;
    }else if( !static_name_char(zName[i]) ){
      return 0;
    }
  }
  for(k=0; k<sizeof(aType)/sizeof(aType[0]); k++){
    size_t nExt = strlen(aType[k].zExt);
    if( n>nExt && strcmp(zName + n - nExt, aType[k].zExt)==0 ){
      return aType[k].zType;
    }
  }
  return 0;
}

int static_open(const struct static_root *p, const char *zName, int *pFd,
                long long *pnSize, long long *pnMtime){
  char *zPath = 0, *zReal = 0;
  struct stat st;
  int fd = -1;
  int rc = 404;
  *pFd = -1;
  if( static_check_name(zName)==0 ) goto out;
  zPath = sqlite3_mprintf("%s/%s", p->zRoot, zName);
  if( zPath==0 ){ rc = 503; goto out; }
  zReal = realpath(zPath, 0);
  if( zReal==0 || strncmp(zReal, p->zRoot, p->nRoot)!=0
   || zReal[p->nRoot]!='/' ) goto out;
  fd = open(zReal, O_RDONLY|O_CLOEXEC|O_NOFOLLOW);
  if( fd<0 ) goto out;
  if( fstat(fd, &st)!=0 || !S_ISREG(st.st_mode)
   || st.st_size>STATIC_MAX_FILE ) goto out;
  *pnSize = (long long)st.st_size;
  *pnMtime = (long long)st.st_mtime;
  *pFd = fd;
  fd = -1;
  rc = 0;
out:
  if( fd>=0 ) close(fd);
  free(zReal);
  sqlite3_free(zPath);
  return rc;
}

/* Headers of a file response; returns 0 or -1 (out of memory). */
static int static_headers(struct request_ctx *ctx, const char *zName,
                          const char *zEtag){
  struct evkeyvalq *h = ctx->out_headers;
  int e = 0;
  e |= evhttp_add_header(h, "ETag", zEtag);
  /* Five minutes fresh, then revalidated by ETag: the names carry no
  ** version, so after an upgrade a browser may mix old and new files for
  ** at most that long. */
  e |= evhttp_add_header(h, "Cache-Control", "max-age=300");
  e |= evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
  if( strstr(zName, ".html") ){
    e |= evhttp_add_header(h, "Content-Security-Policy", zCsp);
    e |= evhttp_add_header(h, "Referrer-Policy", "no-referrer");
  }
  return e ? -1 : 0;
}

/* Append the nSize bytes of fd to out. Returns 0 or -1. */
static int static_read(struct evbuffer *out, int fd, long long nSize){
  long long nDone = 0;
  while( nDone<nSize ){
    int n = evbuffer_read(out, fd, (int)(nSize - nDone));
    if( n<=0 ) return -1;
    nDone += n;
  }
  return 0;
}

/* Is the request target free of an encoded NUL? (path decoding hides it) */
static int static_uri_ok(struct evhttp_request *req){
  const char *zUri = req ? evhttp_request_get_uri(req) : 0;
  return zUri==0 || (strstr(zUri, "%00")==0 && strchr(zUri, '\\')==0);
}

int static_handle(struct request_ctx *ctx){
  const struct static_root *p = ext_state(ctx->ext, "static");
  const char *zName = 0;
  const char *zIfNone;
  char zEtag[64];
  long long nSize = 0, nMtime = 0;
  int fd = -1, rc;
  if( strcmp(ctx->path, "/")==0 || strcmp(ctx->path, "/index.html")==0 ){
    zName = "index.html";
  }else if( strncmp(ctx->path, "/static/", 8)==0 ){
    zName = ctx->path + 8;
  }
  if( zName==0 || p==0 ) return route_error(ctx, 404, "not found");
  if( !static_uri_ok(ctx->req) ) return route_error(ctx, 400, "bad path");
  rc = static_open(p, zName, &fd, &nSize, &nMtime);
  if( rc==503 ) return route_fail(ctx, SQLITE_NOMEM, "static file", 0);
  if( rc ) return route_error(ctx, rc, rc==404 ? "not found" : "error");
  snprintf(zEtag, sizeof(zEtag), "\"%llx-%llx\"", nSize, nMtime);
  if( static_headers(ctx, zName, zEtag) ){
    close(fd);
    return route_fail(ctx, SQLITE_NOMEM, "static file", 0);
  }
  ctx->content_type = static_check_name(zName);
  zIfNone = ctx->req ? evhttp_find_header(
      evhttp_request_get_input_headers(ctx->req), "If-None-Match") : 0;
  if( zIfNone && strcmp(zIfNone, zEtag)==0 ){
    close(fd);
    return 304;
  }
  rc = static_read(ctx->out, fd, nSize);
  close(fd);
  if( rc ) return route_fail(ctx, SQLITE_IOERR, "static file", 0);
  return 200;
}
