/*
** prefetch.c: a reader thread and a small ring of ready items.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "prefetch.h"

struct prefetch {
  const struct files *pList;
  struct vocab *pCounter;         /* used by the reader thread only */
  struct assign_ahead *pAhead;    /* bKeys: the reader's; else NULL */
  const char *zFolder;            /* the folder pAhead has seen, a path of
                                  ** pList (its first nFolder bytes) */
  size_t nFolder;
  int nAhead;
  size_t nBytesAhead;             /* budget of the items ready */
  size_t nBytesReady;             /* what they hold (nHeld) */
  struct prefetch_item **apRing;  /* item i lives in apRing[i % nAhead] */
  size_t nReady, nTaken;          /* items produced, items released */
  int bStop;
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  pthread_t thread;
};

static void prefetch_item_free(struct prefetch_item *pItem){
  int i;
  if( pItem==0 ) return;
  for(i=0; i<pItem->nWarn; i++) free(pItem->aWarn[i].zMsg);
  free(pItem->aWarn);
  if( pItem->aPre ) assign_pre_clear(pItem->aPre, pItem->pReport->nRow);
  free(pItem->aPre);
  report_free(pItem->pReport);
  vocab_counts_free(pItem->pCounts);
  free(pItem->aStatus);
  free(pItem);
}

/* report_warn_fn: keep the warning in the item (drop it if out of memory). */
static void prefetch_warn(void *pCtx, const char *zPath, int iLine,
                          const char *zMsg){
  struct prefetch_item *pItem = (struct prefetch_item*)pCtx;
  struct prefetch_warn *aNew;
  char *z = strdup(zMsg);
  (void)zPath;
  aNew = z ? realloc(pItem->aWarn, sizeof(*aNew)*(size_t)(pItem->nWarn+1)) : 0;
  if( aNew==0 ){ free(z); return; }
  pItem->aWarn = aNew;
  aNew[pItem->nWarn].iLine = iLine;
  aNew[pItem->nWarn++].zMsg = z;
}

/* Count the report's words; leave pCounts NULL on failure (the writer
** then counts them itself). */
static void prefetch_count(struct vocab *pCounter, struct prefetch_item *pItem){
  const struct report *pR = pItem->pReport;
  int i, rc = SQLITE_OK;
  for(i=0; rc==SQLITE_OK && i<pR->nRow; i++){
    const struct report_row *r = &pR->aRow[i];
    const char *az[3];
    size_t an[3];
    az[0] = r->zAssignment; an[0] = r->nAssignment;
    az[1] = r->zSource;     an[1] = r->nSource;
    az[2] = r->zStatus;     an[2] = r->nStatus;
    rc = vocab_add_row(pCounter, az, an, 3, +1);
  }
  if( rc==SQLITE_OK ) rc = vocab_take(pCounter, &pItem->pCounts);
  if( rc!=SQLITE_OK ) vocab_reset(pCounter);
}

/* Classify each row's status; leave aStatus NULL if out of memory (the
** writer then classifies them itself). */
static void prefetch_status(struct prefetch_item *pItem){
  const struct report *pR = pItem->pReport;
  int iYear = atoi(pR->zDate), i, rc = STATUS_OK;
  if( pR->nRow==0 ) return;
  pItem->aStatus = malloc(sizeof(*pItem->aStatus)*(size_t)pR->nRow);
  for(i=0; pItem->aStatus && rc==STATUS_OK && i<pR->nRow; i++){
    const struct report_row *r = &pR->aRow[i];
    rc = status_classify(r->zStatus, r->nStatus, iYear, &pItem->aStatus[i]);
  }
  if( rc!=STATUS_OK ){
    free(pItem->aStatus);
    pItem->aStatus = 0;
  }
}

/*
** Make the item's aPre (assign.h), a key for each raw text new in the
** file's folder: the texts the folder's files before it had are not made
** again. Leaves aPre NULL if out of memory (the writer then makes the
** keys itself).
*/
static void prefetch_keys(struct prefetch *p, struct prefetch_item *pItem){
  const struct report *pR = pItem->pReport;
  const char *zSlash = strrchr(pItem->zPath, '/');
  size_t nFolder = zSlash ? (size_t)(zSlash - pItem->zPath) : 0;
  int i, rc = ASSIGN_OK;
  if( p->zFolder==0 || p->nFolder!=nFolder
   || memcmp(p->zFolder, pItem->zPath, nFolder)!=0 ){
    assign_ahead_reset(p->pAhead);
    p->zFolder = pItem->zPath;
    p->nFolder = nFolder;
  }
  if( pR->nRow==0 ) return;
  pItem->aPre = calloc((size_t)pR->nRow, sizeof(*pItem->aPre));
  for(i=0; pItem->aPre && rc==ASSIGN_OK && i<pR->nRow; i++){
    const struct report_row *r = &pR->aRow[i];
    rc = assign_ahead_row(p->pAhead, r->zAssignment, r->nAssignment,
                          r->zSource, r->nSource, &pItem->aPre[i]);
  }
  if( rc!=ASSIGN_OK ){
    assign_pre_clear(pItem->aPre, pR->nRow);
    free(pItem->aPre);
    pItem->aPre = 0;
    p->zFolder = 0;     /* keys it marked seen were not all made: reset */
  }
}

/* Read, hash and parse one file into a new item (NULL if out of memory). */
static struct prefetch_item *prefetch_load(struct prefetch *p,
                                           const struct files_entry *pFile){
  struct vocab *pCounter = p->pCounter;
  const char *zPath = pFile->zPath;
  struct prefetch_item *pItem = calloc(1, sizeof(*pItem));
  char *z = 0;
  if( pItem==0 ) return 0;
  pItem->zPath = zPath;
  pItem->eParse = REPORT_REJECTED;
  pItem->eRead = report_read(zPath, prefetch_warn, pItem, &z, &pItem->nBytes);
  if( pItem->eRead==REPORT_OK ){
    if( digest_sha256_hex(z, pItem->nBytes, pItem->zSha)==0 ){
      pItem->bKnown = strcmp(pItem->zSha, pFile->zKnownSha)==0;
    }
    if( pItem->zSha[0] && !pItem->bKnown ){
      pItem->eParse = report_parse(zPath, z, pItem->nBytes, prefetch_warn,
                                   pItem, &pItem->pReport);
      if( pItem->eParse==REPORT_OK && pCounter ){
        prefetch_count(pCounter, pItem);
      }
      if( pItem->eParse==REPORT_OK ) prefetch_status(pItem);
      if( pItem->eParse==REPORT_OK && p->pAhead ) prefetch_keys(p, pItem);
    }
    free(z);
  }
  /* the parsed report holds about the file's bytes (the file is freed) */
  pItem->nHeld = pItem->nBytes + vocab_counts_bytes(pItem->pCounts)
      + (pItem->aStatus ? sizeof(*pItem->aStatus)*(size_t)pItem->pReport->nRow
         : 0)
      + (pItem->aPre ? assign_pre_bytes(pItem->aPre, pItem->pReport->nRow)
         : 0);
  return pItem;
}

static void *prefetch_main(void *pArg){
  struct prefetch *p = (struct prefetch*)pArg;
  size_t i;
  for(i=0; i<p->pList->n; i++){
    struct prefetch_item *pItem;
    int bStop;
    pthread_mutex_lock(&p->mutex);
    while( !p->bStop && (p->nReady - p->nTaken >= (size_t)p->nAhead
           || (p->nReady > p->nTaken && p->nBytesReady >= p->nBytesAhead)) ){
      pthread_cond_wait(&p->cond, &p->mutex);
    }
    bStop = p->bStop;
    pthread_mutex_unlock(&p->mutex);
    if( bStop ) break;
    pItem = prefetch_load(p, &p->pList->a[i]);
    pthread_mutex_lock(&p->mutex);
    p->apRing[i % (size_t)p->nAhead] = pItem;   /* NULL: out of memory */
    p->nReady++;
    if( pItem ) p->nBytesReady += pItem->nHeld;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->mutex);
  }
  return 0;
}

int prefetch_start(const struct files *pList, int nAhead, size_t nBytesAhead,
                   struct vocab *pCounter, int bKeys, struct prefetch **pp){
  struct prefetch *p = calloc(1, sizeof(*p));
  *pp = 0;
  if( p==0 ) return -1;
  if( bKeys && assign_ahead_new(&p->pAhead)!=ASSIGN_OK ) goto fail;
  p->pList = pList;
  p->pCounter = pCounter;
  p->nBytesAhead = nBytesAhead;
  p->nAhead = nAhead>0 ? nAhead : 1;
  p->apRing = calloc((size_t)p->nAhead, sizeof(*p->apRing));
  if( p->apRing==0 ) goto fail;
  if( pthread_mutex_init(&p->mutex, 0)!=0 ) goto fail;
  if( pthread_cond_init(&p->cond, 0)!=0 ){
    pthread_mutex_destroy(&p->mutex);
    goto fail;
  }
  if( pthread_create(&p->thread, 0, prefetch_main, p)!=0 ){
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->mutex);
    goto fail;
  }
  *pp = p;
  return 0;
fail:
  assign_ahead_free(p->pAhead);
  free(p->apRing);
  free(p);
  return -1;
}

int prefetch_next(struct prefetch *p, struct prefetch_item **ppItem){
  *ppItem = 0;
  if( p->nTaken>=p->pList->n ) return 0;
  pthread_mutex_lock(&p->mutex);
  while( p->nReady==p->nTaken ) pthread_cond_wait(&p->cond, &p->mutex);
  *ppItem = p->apRing[p->nTaken % (size_t)p->nAhead];
  pthread_mutex_unlock(&p->mutex);
  return *ppItem ? 0 : -1;
}

void prefetch_done(struct prefetch *p, struct prefetch_item *pItem){
  if( p->nTaken>=p->pList->n ) return;        /* after the end: nothing */
  pthread_mutex_lock(&p->mutex);
  p->apRing[p->nTaken % (size_t)p->nAhead] = 0;
  p->nTaken++;
  if( pItem ) p->nBytesReady -= pItem->nHeld;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->mutex);
  prefetch_item_free(pItem);
}

void prefetch_stop(struct prefetch *p){
  int i;
  if( p==0 ) return;
  pthread_mutex_lock(&p->mutex);
  p->bStop = 1;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->mutex);
  pthread_join(p->thread, 0);
  for(i=0; i<p->nAhead; i++) prefetch_item_free(p->apRing[i]);
  pthread_cond_destroy(&p->cond);
  pthread_mutex_destroy(&p->mutex);
  assign_ahead_free(p->pAhead);
  free(p->apRing);
  free(p);
}
