/*
** clients.c: connections counted in all and per client; see clients.h.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "http/clients.h"

struct clients_slot {
  struct clients_key key;         /* a[0]==0: empty */
  long n;                         /* its open connections */
};

struct clients {
  pthread_mutex_t mu;
  long nOpen, nMax, nPerClient;
  struct clients_slot *aSlot;     /* NULL when there is no per-client cap */
  size_t mask;                    /* slots - 1 (a power of two) */
};

int clients_new(long nMax, long nPerClient, struct clients **ppOut){
  struct clients *p = calloc(1, sizeof(*p));
  size_t nSlot = 16;
  *ppOut = 0;
  if( p==0 ) return -1;
  p->nMax = nMax;
  p->nPerClient = nPerClient;
  if( nPerClient>0 ){
    while( nSlot < (size_t)nMax*2 + 2 ) nSlot *= 2;
    p->aSlot = calloc(nSlot, sizeof(*p->aSlot));
    if( p->aSlot==0 ){
      free(p);
      return -1;
    }
    p->mask = nSlot - 1;
  }
  pthread_mutex_init(&p->mu, 0);
  *ppOut = p;
  return 0;
}

void clients_free(struct clients *p){
  if( p==0 ) return;
  pthread_mutex_destroy(&p->mu);
  free(p->aSlot);
  free(p);
}

int clients_key(const struct sockaddr *sa, socklen_t len,
                struct clients_key *pKey){
  static const unsigned char aMapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
  memset(pKey, 0, sizeof(*pKey));
  if( sa->sa_family==AF_INET && len>=(socklen_t)sizeof(struct sockaddr_in) ){
    pKey->a[0] = 4;
    memcpy(&pKey->a[1], &((const struct sockaddr_in*)sa)->sin_addr, 4);
    return 0;
  }
  if( sa->sa_family==AF_INET6 && len>=(socklen_t)sizeof(struct sockaddr_in6) ){
    const unsigned char *a =
        ((const struct sockaddr_in6*)sa)->sin6_addr.s6_addr;
    if( memcmp(a, aMapped, 12)==0 ){
      pKey->a[0] = 4;
      memcpy(&pKey->a[1], a + 12, 4);
    }else{
      pKey->a[0] = 6;
      memcpy(&pKey->a[1], a, 8);
    }
    return 0;
  }
  return -1;
}

/* FNV-1a over the key. */
static size_t clients_hash(const struct clients_key *k){
  size_t h = 2166136261u;
  int i;
  for(i=0; i<(int)sizeof(k->a); i++) h = (h ^ k->a[i]) * 16777619u;
  return h;
}

/* The slot holding k, or the empty slot where it would go. */
static size_t clients_find(const struct clients *p,
                           const struct clients_key *k){
  size_t i = clients_hash(k) & p->mask;
  while( p->aSlot[i].key.a[0]
      && memcmp(&p->aSlot[i].key, k, sizeof(*k))!=0 ){
    i = (i + 1) & p->mask;
  }
  return i;
}

/*
** Empty slot i, moving later entries of its probe run back so that every
** entry stays reachable from its home slot (linear probing, no
** tombstones: the table never degrades however many clients come and go).
*/
static void clients_remove(struct clients *p, size_t i){
  size_t j = i;
  for(;;){
    size_t home;
    j = (j + 1) & p->mask;
    if( p->aSlot[j].key.a[0]==0 ) break;
    home = clients_hash(&p->aSlot[j].key) & p->mask;
    /* Move j to i unless its home lies cyclically in (i, j]. */
    if( (i<j) ? (home<=i || home>j) : (home<=i && home>j) ){
      p->aSlot[i] = p->aSlot[j];
      i = j;
    }
  }
  memset(&p->aSlot[i], 0, sizeof(p->aSlot[i]));
}

int clients_admit(struct clients *p, const struct clients_key *pKey){
  int rc = CLIENTS_OK;
  pthread_mutex_lock(&p->mu);
  if( p->nOpen>=p->nMax ){
    rc = CLIENTS_FULL;
  }else if( p->aSlot && pKey ){
    size_t i = clients_find(p, pKey);
    if( p->aSlot[i].n>=p->nPerClient ){
      rc = CLIENTS_CLIENT_FULL;
    }else{
      p->aSlot[i].key = *pKey;
      p->aSlot[i].n++;
    }
  }
  if( rc==CLIENTS_OK ) p->nOpen++;
  pthread_mutex_unlock(&p->mu);
  return rc;
}

void clients_release(struct clients *p, const struct clients_key *pKey){
  pthread_mutex_lock(&p->mu);
  p->nOpen--;
  if( p->aSlot && pKey ){
    size_t i = clients_find(p, pKey);
    if( p->aSlot[i].key.a[0] && --p->aSlot[i].n<=0 ) clients_remove(p, i);
  }
  pthread_mutex_unlock(&p->mu);
}

long clients_open(struct clients *p){
  long n;
  pthread_mutex_lock(&p->mu);
  n = p->nOpen;
  pthread_mutex_unlock(&p->mu);
  return n;
}
