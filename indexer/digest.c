/*
** digest.c: SHA-256 through OpenSSL's EVP interface.
*/
#include <openssl/evp.h>

#include "digest.h"

int digest_sha256_hex(const void *p, size_t n, char *zHex){
  static const char aHex[] = "0123456789abcdef";
  unsigned char aMd[EVP_MAX_MD_SIZE];
  unsigned int nMd = 0, i;
  zHex[0] = 0;
  if( EVP_Digest(p, n, aMd, &nMd, EVP_sha256(), 0)!=1 || nMd!=32 ) return -1;
  for(i=0; i<nMd; i++){
    zHex[2*i] = aHex[aMd[i]>>4];
    zHex[2*i+1] = aHex[aMd[i] & 15];
  }
  zHex[2*nMd] = 0;
  return 0;
}
