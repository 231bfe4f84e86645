/*
** driver.c: a main() for the fuzz targets without libFuzzer (gcc builds,
** make check). Each argument is a file or a directory; every file (the
** regular files directly in a directory, in sorted order) is fed once to
** LLVMFuzzerTestOneInput(). A failed invariant or a sanitizer report aborts
** the process, after the name of the input has been printed to stderr.
**
** Exit status: 0 when every input ran, 2 when an argument or file could not
** be read (a missing corpus is an error, not an empty pass).
*/
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Read zPath whole into a new buffer (exactly its size; NULL-safe for 0). */
static int driver_read(const char *zPath, uint8_t **paData, size_t *pnData){
  FILE *f = fopen(zPath, "rb");
  uint8_t *a = 0;
  long n;
  int rc = -1;
  if( f==0 ) goto out;
  if( fseek(f, 0, SEEK_END)!=0 || (n = ftell(f))<0 || fseek(f, 0, SEEK_SET)!=0 ){
    goto out;
  }
  a = malloc(n>0 ? (size_t)n : 1);
  if( a==0 ) goto out;
  if( n>0 && fread(a, 1, (size_t)n, f)!=(size_t)n ) goto out;
  *paData = a;
  *pnData = (size_t)n;
  a = 0;
  rc = 0;
out:
  if( rc ) fprintf(stderr, "driver: %s: %s\n", zPath, strerror(errno ? errno : EIO));
  free(a);
  if( f ) fclose(f);
  return rc;
}

/* Run one file through the target. */
static int driver_file(const char *zPath){
  uint8_t *aData = 0;
  size_t nData = 0;
  if( driver_read(zPath, &aData, &nData) ) return -1;
  fprintf(stderr, "driver: %s (%zu bytes)\n", zPath, nData);
  LLVMFuzzerTestOneInput(aData, nData);
  free(aData);
  return 0;
}

static int driver_skip(const struct dirent *p){
  return p->d_name[0]!='.';
}

/* Run every regular file directly in directory zDir, in sorted order. */
static int driver_dir(const char *zDir, int *pnRun){
  struct dirent **aEnt = 0;
  int nEnt = scandir(zDir, &aEnt, driver_skip, alphasort);
  int i, rc = 0;
  if( nEnt<0 ){
    fprintf(stderr, "driver: %s: %s\n", zDir, strerror(errno));
    return -1;
  }
  for(i=0; i<nEnt; i++){
    char *zPath = malloc(strlen(zDir) + strlen(aEnt[i]->d_name) + 2);
    struct stat st;
    if( zPath==0 ){ rc = -1; }
    else{
      sprintf(zPath, "%s/%s", zDir, aEnt[i]->d_name);
      if( rc==0 && stat(zPath, &st)==0 && S_ISREG(st.st_mode) ){
        rc = driver_file(zPath);
        if( rc==0 ) (*pnRun)++;
      }
    }
    free(zPath);
    free(aEnt[i]);
  }
  free(aEnt);
  return rc;
}

int main(int argc, char **argv){
  int i, nRun = 0, rc = 0;
  for(i=1; rc==0 && i<argc; i++){
    struct stat st;
    if( stat(argv[i], &st)!=0 ){
      fprintf(stderr, "driver: %s: %s\n", argv[i], strerror(errno));
      rc = -1;
    }else if( S_ISDIR(st.st_mode) ){
      rc = driver_dir(argv[i], &nRun);
    }else{
      rc = driver_file(argv[i]);
      if( rc==0 ) nRun++;
    }
  }
  if( rc==0 && nRun==0 ){
    fprintf(stderr, "driver: no inputs\n");
    rc = -1;
  }
  if( rc==0 ) fprintf(stderr, "driver: %d input(s) ran\n", nRun);
  return rc==0 ? 0 : 2;
}
