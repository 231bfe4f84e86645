/*
** stopwords.c: the Snowball Swedish stop-word list, tested on surface forms,
** and swedish_fold(), the case folding it uses.
**
** The list is Snowball's swedish/stop.txt. It is matched before stemming,
** because stemming maps content words onto stop words ("nära" -> "när").
*/
#include <stdlib.h>
#include <string.h>

#include "swedish.h"

/* Sorted by strcmp (byte order) for bsearch. */
static const char *const aStop[] = {
  "alla", "allt", "att", "av", "blev", "bli", "blir", "blivit", "de", "dem",
  "den", "denna", "deras", "dess", "dessa", "det", "detta", "dig", "din",
  "dina", "ditt", "du", "där", "då", "efter", "ej", "eller", "en", "er",
  "era", "ert", "ett", "från", "för", "ha", "hade", "han", "hans", "har",
  "henne", "hennes", "hon", "honom", "hur", "här", "i", "icke", "ingen",
  "inom", "inte", "jag", "ju", "kan", "kunde", "man", "med", "mellan", "men",
  "mig", "min", "mina", "mitt", "mot", "mycket", "ni", "nu", "när", "någon",
  "något", "några", "och", "om", "oss", "på", "samma", "sedan", "sig", "sin",
  "sina", "sitta", "själv", "skulle", "som", "så", "sådan", "sådana",
  "sådant", "till", "under", "upp", "ut", "utan", "vad", "var", "vara",
  "varför", "varit", "varje", "vars", "vart", "vem", "vi", "vid", "vilka",
  "vilkas", "vilken", "vilket", "vår", "våra", "vårt", "än", "är", "åt",
  "över",
};

#define STOP_MAXLEN 16

static int stop_cmp(const void *pKey, const void *pElem){
  return strcmp((const char*)pKey, *(const char *const*)pElem);
}

/* Fold z[0..n) into zOut[STOP_MAXLEN]; 0 if too long to be a stop word. */
static int stop_fold(const char *z, int n, char *zOut){
  if( n<=0 || n>=STOP_MAXLEN ) return 0;
  if( swedish_fold(z, n, zOut, STOP_MAXLEN-1)!=n ) return 0;
  zOut[n] = 0;
  return 1;
}

int swedish_fold(const char *z, int n, char *zOut, int nOut){
  int i;
  if( n<0 || nOut<n ) return -1;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c>='A' && c<='Z' ){
      c = (unsigned char)(c + 32);
    }else if( c==0xC3 && i+1<n ){
      unsigned char d = (unsigned char)z[i+1];
      /* U+00C0..U+00DE except U+00D7 (multiplication sign) */
      if( d>=0x80 && d<=0x9E && d!=0x97 ) d += 0x20;
      zOut[i++] = (char)c;
      c = d;
    }
    zOut[i] = (char)c;
  }
  return n;
}

int swedish_is_stopword(const char *z, int n){
  char zFold[STOP_MAXLEN];
  if( !stop_fold(z, n, zFold) ) return 0;
  return bsearch(zFold, aStop, sizeof(aStop)/sizeof(aStop[0]),
                 sizeof(aStop[0]), stop_cmp)!=0;
}
