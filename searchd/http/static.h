/*
** static.h: the search page's files, GET / and GET /static/NAME, served
** from one fixed folder (searchd/www by default, --www DIR).
**
** "/" is the folder's index.html; "/static/NAME" is the folder's NAME.
** NAME is checked before any file system call: only letters, digits,
** '.', '-', '_' and '/' between segments; no empty, "." or ".." segment;
** at most STATIC_MAX_NAME bytes; an extension from the content-type table.
** The file's realpath must then lie inside the folder's realpath (no
** symbolic link out of it) and be a regular file of at most
** STATIC_MAX_FILE bytes. Anything else is 404 (400 for a name with
** forbidden bytes), never a file from elsewhere.
**
** Responses carry the content type, an ETag (size and mtime) honoured with
** 304 on If-None-Match, Cache-Control: no-cache (browsers keep the files
** and revalidate them, so an edited page is seen at once and an unchanged
** one costs a 304), X-Content-Type-Options: nosniff, and on HTML a
** Content-Security-Policy that allows this origin only.
*/
#ifndef SEARCHD_STATIC_H
#define SEARCHD_STATIC_H

#include <sqlite3.h>

struct request_ctx;
struct static_root;

#define STATIC_MAX_NAME 128
#define STATIC_MAX_FILE (8*1024*1024)

/*
** Resolve zDir with realpath() and check it is a folder holding
** index.html. Returns 0 and sets *ppOut (free with static_root_free), or
** -1 with *ppOut NULL and *pzErr a message (sqlite3_free it).
*/
int static_root_new(const char *zDir, struct static_root **ppOut,
                    char **pzErr);

/* Free. Accepts NULL. */
void static_root_free(struct static_root *p);

/* The folder's resolved path. Owned by p. */
const char *static_root_path(const struct static_root *p);

/*
** Is zName (the part after "/static/") an acceptable file name by the rules
** above? Returns its content type (a static string), or NULL. Pure.
*/
const char *static_check_name(const char *zName);

/*
** Open the file zName of the folder after the realpath check. Returns 0
** and sets *pFd (the caller closes it) and *pnSize, or an HTTP status
** (404, 400; 503 out of memory) with *pFd -1. Thread safe (p is read-only).
*/
int static_open(const struct static_root *p, const char *zName, int *pFd,
                long long *pnSize, long long *pnMtime);

struct conf;

/*
** The "static" extension module (ext.h): xOpen resolves conf->zWww (NULL:
** datadir_find("www"); "": no page, nothing logged) into this worker's
** struct static_root; returns EXT_OK, or EXT_SKIP after logging why (the
** worker then answers 404 for the page). xClose frees it.
*/
int static_module_open(const struct conf *conf, sqlite3 *db, void *pPrev,
                       void **ppState, char **pzErr);
void static_module_close(void *pState);

/*
** Route handler (route.h) for GET / and GET /static/...; the module's
** state is ext_state(ctx->ext, "static").
*/
int static_handle(struct request_ctx *ctx);

#endif /* SEARCHD_STATIC_H */
