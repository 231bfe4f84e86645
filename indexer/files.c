/*
** files.c: walk the arguments into a sorted list of report files.
*/
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"

/* Append a copy of zPath (size n bytes) to the list. */
static int files_push(struct files *p, const char *zPath, long long nSize){
  char *z;
  if( p->n==p->nAlloc ){
    size_t nNew = p->nAlloc ? p->nAlloc*2 : 256;
    struct files_entry *a = realloc(p->a, nNew*sizeof(*a));
    if( a==0 ) return -1;
    p->a = a;
    p->nAlloc = nNew;
  }
  z = strdup(zPath);
  if( z==0 ) return -1;
  p->a[p->n].zPath = z;
  p->a[p->n].zKnownSha[0] = 0;
  p->a[p->n++].nSize = nSize;
  p->nBytes += nSize;
  return 0;
}

static int files_is_txt(const char *zName){
  size_t n = strlen(zName);
  return n>4 && strcmp(&zName[n-4], ".txt")==0;
}

/* Is zPath (canonical) zRoot (canonical) or under it? */
static int files_under(const char *zRoot, const char *zPath){
  size_t n = strlen(zRoot);
  if( strncmp(zRoot, zPath, n)!=0 ) return 0;
  return zPath[n]==0 || zPath[n]=='/' || (n>0 && zRoot[n-1]=='/');
}

/*
** A symbolic link zPath met in a walk of zRoot: add its target if that is
** a regular file under zRoot, or anywhere with bFollow. A link out of the
** tree is skipped (a *.txt link to /etc/shadow would otherwise be read,
** and its lines end up in warnings).
*/
static int files_link(struct files *p, const char *zRoot, const char *zPath,
                      int bFollow, report_warn_fn xWarn, void *pCtx,
                      int *pnBad){
  char *zReal = realpath(zPath, 0);
  struct stat st;
  int rc = 0;
  if( zReal==0 || stat(zReal, &st)!=0 ){
    xWarn(pCtx, zPath, 0, strerror(errno));
    (*pnBad)++;
  }else if( S_ISDIR(st.st_mode) ){
    /* Never walk a symlinked directory: "loop.txt" -> "." would recurse
    ** until the stack overflows. */
    xWarn(pCtx, zPath, 0, "skipped: a symlink to a directory (not followed)");
    (*pnBad)++;
  }else if( !bFollow && !files_under(zRoot, zReal) ){
    xWarn(pCtx, zPath, 0, "skipped: a symlink out of the directory given "
          "(--follow-symlinks follows it)");
    (*pnBad)++;
  }else if( !S_ISREG(st.st_mode) ){
    xWarn(pCtx, zPath, 0, "not a regular file");
    (*pnBad)++;
  }else{
    rc = files_push(p, zReal, (long long)st.st_size);
  }
  free(zReal);
  return rc;
}

/* Add the *.txt files under directory zDir (canonical; in the tree of
** zRoot) recursively. */
static int files_walk(struct files *p, const char *zRoot, const char *zDir,
                      int bFollow, report_warn_fn xWarn, void *pCtx,
                      int *pnBad){
  DIR *pDir = opendir(zDir);
  struct dirent *pEnt;
  int rc = 0;
  if( pDir==0 ){
    xWarn(pCtx, zDir, 0, strerror(errno));
    (*pnBad)++;
    return 0;
  }
  while( rc==0 && (pEnt = readdir(pDir))!=0 ){
    char zPath[PATH_MAX];
    struct stat st;
    if( pEnt->d_name[0]=='.' ) continue;
    if( snprintf(zPath, sizeof(zPath), "%s%s%s", zDir,
                 zDir[0] && zDir[strlen(zDir)-1]=='/' ? "" : "/",
                 pEnt->d_name) >= (int)sizeof(zPath) ) continue;
    if( lstat(zPath, &st)!=0 ) continue;
    if( S_ISDIR(st.st_mode) ){
      rc = files_walk(p, zRoot, zPath, bFollow, xWarn, pCtx, pnBad);
    }else if( !files_is_txt(pEnt->d_name) ){
      continue;
    }else if( S_ISREG(st.st_mode) ){
      /* zDir is canonical and a regular file's name is no link: zPath is
      ** canonical as it is (realpath would cost 4 syscalls a file) */
      rc = files_push(p, zPath, (long long)st.st_size);
    }else if( S_ISLNK(st.st_mode) ){
      rc = files_link(p, zRoot, zPath, bFollow, xWarn, pCtx, pnBad);
    }else{
      xWarn(pCtx, zPath, 0, "skipped: not a regular file (a FIFO, socket "
            "or device)");
      (*pnBad)++;
    }
  }
  closedir(pDir);
  return rc;
}

int files_add(struct files *p, const char *zArg, int bFollow,
              report_warn_fn xWarn, void *pCtx, int *pnBad){
  char *zReal = realpath(zArg, 0);
  struct stat st;
  int rc = 0;
  if( zReal==0 || stat(zReal, &st)!=0 ){
    xWarn(pCtx, zArg, 0, strerror(errno));
    (*pnBad)++;
  }else if( S_ISDIR(st.st_mode) ){
    rc = files_walk(p, zReal, zReal, bFollow, xWarn, pCtx, pnBad);
  }else if( S_ISREG(st.st_mode) ){
    rc = files_push(p, zReal, (long long)st.st_size);
  }else{
    xWarn(pCtx, zArg, 0, "not a regular file or directory");
    (*pnBad)++;
  }
  free(zReal);
  return rc;
}

static int files_cmp(const void *a, const void *b){
  return strcmp(((const struct files_entry*)a)->zPath,
                ((const struct files_entry*)b)->zPath);
}

void files_sort(struct files *p){
  size_t i, o = 0;
  if( p->n==0 ) return;
  qsort(p->a, p->n, sizeof(p->a[0]), files_cmp);
  p->nBytes = 0;
  for(i=0; i<p->n; i++){
    if( o>0 && strcmp(p->a[o-1].zPath, p->a[i].zPath)==0 ){
      free(p->a[i].zPath);
      continue;
    }
    p->a[o] = p->a[i];
    p->nBytes += p->a[o++].nSize;
  }
  p->n = o;
}

void files_free(struct files *p){
  size_t i;
  for(i=0; i<p->n; i++) free(p->a[i].zPath);
  free(p->a);
  memset(p, 0, sizeof(*p));
}
