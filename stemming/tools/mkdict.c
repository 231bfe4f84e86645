/*
** mkdict.c: build-time generator of the decompounding dictionary.
**
**   mkdict sv_SE.aff sv_SE.dic > swedish_dict.c
**
** Reads hunspell-sv's Swedish dictionary (Debian package hunspell-sv,
** LGPL-3, Göran Andersson) and writes a C file defining `swedish_dict`
** (see stemming/dict.h): two open-addressing hash tables over one byte blob.
**
**   begin  the forms a word takes as the first or a middle part of a
**          compound, as hunspell's compound flags say: words flagged
**          COMPOUNDBEGIN/MIDDLE (X, U) as written, and the forms made by the
**          suffix rules whose continuation carries X or U (självmord ->
**          självmords, vecka -> vecko, ränta -> ränte, myra -> myr). A noun
**          that may end a compound but has no such form also gets itself and
**          itself + "s" (hjälpmedel -> hjälpmedels), the Swedish default.
**          The term of an entry is the Snowball stem of the word it came
**          from (självmords -> självmord); for a bound form (ONLYINCOMPOUND,
**          Z), the stem of the free word it stands for (hälso -> hälsa ->
**          häls). Plus aExtraBegin (när, corona, covid).
**   head   the words that may end a compound (COMPOUNDEND, Y), keyed by
**          their Snowball stem as it comes out at the end of a longer word
**          (the stemmer's R1 region starts earlier in a compound), with the
**          stem of the word alone as term. Also the forms of hunspell's noun
**          inflection rules whose stem is not the word's (uppdraget, mötet,
**          psykiatrin, områdena, platser), keyed by their stem and marked
**          DICT_FIX: the analyzer rewrites them to the word's stem
**          (uppdrag, möt, psykiatri, områd, plat). A head's term and key
**          have at least DICT_MIN_HEAD characters, or the term is one of
**          aShortHead; a rewrite too short for a head is DICT_WHOLE.
**
** Only lower-case words of letters, at least 3 characters long, are used:
** names and abbreviations are never parts. Entry layout in the blob:
** flags, nKey, key bytes, nKeep, nAdd, add bytes; the term is the first
** nKeep bytes of the key followed by the add bytes. Offset 0 is a pad byte,
** so a slot holding 0 is empty. Each table also gets a blocked Bloom filter
** (DICT_BLOOM_BITS; 4 bits per key in one word) that lookups test first.
**
** A tool, not a library: it prints a message and exits non-zero on error.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "dict.h"

#define MAXW 128                  /* longest word considered, bytes */
#define MAXRULES 4096

typedef struct Rule Rule;
struct Rule {
  char flag;
  char strip[64], add[64], cont[64], cond[64];
};

typedef struct Table Table;
struct Table {
  uint64_t aBloom[(1u<<DICT_BLOOM_BITS)/64];
  uint32_t *aSlot;
  uint32_t mask;
  uint32_t n;
};

typedef struct Gen Gen;
struct Gen {
  struct sb_stemmer *pStem;
  Rule *aRule;
  int nRule;
  unsigned char *blob;
  size_t nBlob, nAlloc;
  Table begin, head;
  char **azWord;                  /* every plain word of the .dic, sorted */
  size_t nWord, nWordAlloc;
  uint32_t *aForm;                /* hashes of every form (the word list) */
  size_t nForm, nFormAlloc;
};

static void die(const char *zMsg, const char *zArg){
  fprintf(stderr, "mkdict: %s%s%s\n", zMsg, zArg ? ": " : "", zArg ? zArg : "");
  exit(1);
}

static void *xrealloc(void *p, size_t n){
  p = realloc(p, n);
  if( p==0 ) die("out of memory", 0);
  return p;
}

/* The Snowball stem of z into zOut (NUL-terminated). */
static void stem(Gen *g, const char *z, char *zOut){
  const sb_symbol *s = sb_stemmer_stem(g->pStem, (const sb_symbol*)z,
                                       (int)strlen(z));
  int n;
  if( s==0 ) die("stemmer out of memory", 0);
  n = sb_stemmer_length(g->pStem);
  memcpy(zOut, s, (size_t)n);
  zOut[n] = 0;
}

/* The stem of z as the last part of a compound: after a 3-letter prefix
** that puts all of z inside the stemmer's R1 region. */
static void stem_in_compound(Gen *g, const char *z, char *zOut){
  char zBuf[MAXW+8], zSt[MAXW+8];
  snprintf(zBuf, sizeof(zBuf), "bal%s", z);
  stem(g, zBuf, zSt);
  if( strncmp(zSt, "bal", 3)!=0 ) die("unexpected stem", zBuf);
  strcpy(zOut, zSt+3);
}

static uint32_t utf8_len(const char *z){
  uint32_t n = 0;
  for(; *z; z++) n += ((*z & 0xC0)!=0x80);
  return n;
}

/* 1 if z is a lower-case word of letters only. */
static int is_plain_word(const char *z){
  const unsigned char *p = (const unsigned char*)z;
  if( (p[0]>='A' && p[0]<='Z') || (p[0]==0xC3 && p[1]>=0x80 && p[1]<0x9F) ){
    return 0;
  }
  for(; *p; p++){
    if( *p<0x80 && !(*p>='a' && *p<='z') ) return 0;
  }
  return 1;
}

/* Next UTF-8 character of a condition or word: its byte length. */
static int ch_len(const char *z){
  unsigned char c = (unsigned char)z[0];
  return c<0xC0 ? 1 : c<0xE0 ? 2 : c<0xF0 ? 3 : 4;
}

/* 1 if character w (wn bytes) is in the set z[0..n) of characters. */
static int in_set(const char *z, int n, const char *w, int wn){
  int i = 0;
  while( i<n ){
    int l = ch_len(z+i);
    if( l==wn && memcmp(z+i, w, (size_t)l)==0 ) return 1;
    i += l;
  }
  return 0;
}

/* Does word z end with a match of hunspell condition zCond? */
static int cond_match(const char *zCond, const char *z){
  const char *aPos[MAXW];
  int nCh = 0, nEl = 0, i, k;
  const char *c;
  if( strcmp(zCond, ".")==0 ) return 1;
  for(c=z; *c; c+=ch_len(c)) aPos[nCh++] = c;
  for(c=zCond; *c; nEl++) c += (*c=='[') ? (int)(strchr(c, ']')-c)+1
                                         : ch_len(c);
  if( nEl>nCh ) return 0;
  for(c=zCond, k=nCh-nEl; *c; k++){
    const char *w = aPos[k];
    int wn = ch_len(w), ok;
    if( *c=='[' ){
      int neg = c[1]=='^';
      const char *s = c + 1 + neg;
      const char *e = strchr(c, ']');
      ok = in_set(s, (int)(e-s), w, wn) != neg;
      c = e + 1;
    }else{
      i = ch_len(c);
      ok = *c=='.' || (i==wn && memcmp(c, w, (size_t)i)==0);
      c += i;
    }
    if( !ok ) return 0;
  }
  return 1;
}

/* Apply rule r to word z into zOut; 0 if the rule does not apply. */
static int rule_apply(const Rule *r, const char *z, char *zOut){
  size_t n = strlen(z), ns = strlen(r->strip);
  if( !cond_match(r->cond, z) ) return 0;
  if( ns>n || strcmp(z+n-ns, r->strip)!=0 ) return 0;
  if( n-ns+strlen(r->add)>=MAXW ) return 0;
  memcpy(zOut, z, n-ns);
  strcpy(zOut+n-ns, r->add);
  return 1;
}

static void read_aff(Gen *g, const char *zPath){
  char zLine[512];
  FILE *f = fopen(zPath, "r");
  if( f==0 ) die("cannot open", zPath);
  g->aRule = xrealloc(0, sizeof(Rule)*MAXRULES);
  while( fgets(zLine, sizeof(zLine), f) ){
    char zFlag[8], zStrip[64], zAdd[64], zCond[64];
    Rule *r;
    char *zSlash;
    if( strncmp(zLine, "SFX", 3)!=0 ) continue;
    if( sscanf(zLine, "SFX %7s %63s %63s %63s", zFlag, zStrip, zAdd, zCond)!=4
     || strlen(zFlag)!=1 ) continue;
    if( strcmp(zAdd, "Y")==0 || strcmp(zAdd, "N")==0 ) continue; /* header */
    if( g->nRule>=MAXRULES ) die("too many rules", zPath);
    r = &g->aRule[g->nRule++];
    memset(r, 0, sizeof(*r));
    r->flag = zFlag[0];
    zSlash = strchr(zAdd, '/');
    if( zSlash ){
      *zSlash = 0;
      snprintf(r->cont, sizeof(r->cont), "%s", zSlash+1);
    }
    snprintf(r->strip, sizeof(r->strip), "%s", strcmp(zStrip, "0") ? zStrip : "");
    snprintf(r->add, sizeof(r->add), "%s", strcmp(zAdd, "0") ? zAdd : "");
    snprintf(r->cond, sizeof(r->cond), "%s", zCond);
    if( strchr(zCond, '[') && !strchr(zCond, ']') ) die("bad condition", zCond);
  }
  if( ferror(f) ) die("read error", zPath);
  fclose(f);
  if( g->nRule==0 ) die("no suffix rules (not a hunspell .aff file?)", zPath);
}

static uint32_t blob_add(Gen *g, const void *p, size_t n){
  uint32_t off = (uint32_t)g->nBlob;
  if( g->nBlob+n>g->nAlloc ){
    g->nAlloc = (g->nAlloc+n)*2;
    g->blob = xrealloc(g->blob, g->nAlloc);
  }
  memcpy(g->blob+g->nBlob, p, n);
  g->nBlob += n;
  return off;
}

static void table_init(Table *t, uint32_t nSlot){
  memset(t->aBloom, 0, sizeof(t->aBloom));
  t->aSlot = calloc(nSlot, sizeof(uint32_t));
  if( t->aSlot==0 ) die("out of memory", 0);
  t->mask = nSlot-1;
  t->n = 0;
}

/*
** Heads of 3 letters that are real words worth finding inside compounds
** (dialogmöte, ungdomsråd, tobaksfri, vardag, rådhus), as terms. Any other
** head whose term, or key, is shorter than DICT_MIN_HEAD is left out: the
** term is what a search finds, so "underlaget" must not give the head
** "lag" (law) through laget -> lag, while "möt" (möte) is worth its noise.
** Not "tid": framtid, väntetid, tidig... split far more often wrongly
** (fram|tid) than usefully.
*/
static const char *const aShortHead[] = { "möt", "råd", "fri", "dag", "hus" };

/* 1 if zTerm is one of aShortHead. */
static int is_short_head(const char *zTerm){
  size_t i;
  for(i=0; i<sizeof(aShortHead)/sizeof(aShortHead[0]); i++){
    if( strcmp(zTerm, aShortHead[i])==0 ) return 1;
  }
  return 0;
}

/* 1 if a head with this key and term is long enough, or a short real word. */
static int head_ok(const char *zKey, const char *zTerm){
  if( is_short_head(zTerm) ) return utf8_len(zKey)>=DICT_MIN_PART;
  return utf8_len(zKey)>=DICT_MIN_HEAD && utf8_len(zTerm)>=DICT_MIN_HEAD;
}

/*
** The flags a head entry is stored with, or -1 to leave it out: a rewrite
** (DICT_FIX) too short to be a head is still right for the word alone
** (målet -> mål, laget -> lag), so it is kept as DICT_WHOLE.
*/
static int head_flags(const char *zKey, const char *zTerm, int flags){
  if( head_ok(zKey, zTerm) ) return flags;
  if( (flags & DICT_FIX) && utf8_len(zKey)>=DICT_MIN_HEAD ){
    return flags | DICT_WHOLE;
  }
  return -1;
}

/* Add key -> term with flags to t, unless the key is there already. */
static void table_add(Gen *g, Table *t, const char *zKey, const char *zTerm,
                      int flags){
  size_t nKey = strlen(zKey), nTerm = strlen(zTerm), nKeep = 0;
  uint32_t h;
  unsigned char hdr[2];
  if( nKey==0 || nKey>DICT_MAX_KEY || nTerm>DICT_MAX_KEY ) return;
  if( t==&g->head ) flags = head_flags(zKey, zTerm, flags);
  else if( utf8_len(zKey)<DICT_MIN_PART ) flags = -1;
  if( flags<0 ) return;
  for(h=dict_hash(zKey, (int)nKey)&t->mask; t->aSlot[h]; h=(h+1)&t->mask){
    const unsigned char *e = g->blob + t->aSlot[h];
    if( e[1]==nKey && memcmp(e+2, zKey, nKey)==0 ) return;
  }
  if( (t->n+1)*4 > (t->mask+1)*3 ) die("hash table full", 0);
  {
    uint32_t hKey = dict_hash(zKey, (int)nKey);
    t->aBloom[dict_bloom_word(hKey)] |= dict_bloom_mask(hKey);
  }
  while( nKeep<nKey && nKeep<nTerm && zKey[nKeep]==zTerm[nKeep] ) nKeep++;
  hdr[0] = (unsigned char)flags;
  hdr[1] = (unsigned char)nKey;
  t->aSlot[h] = blob_add(g, hdr, 2);
  blob_add(g, zKey, nKey);
  hdr[0] = (unsigned char)nKeep;
  hdr[1] = (unsigned char)(nTerm-nKeep);
  blob_add(g, hdr, 2);
  blob_add(g, zTerm+nKeep, nTerm-nKeep);
  t->n++;
}

static int has_flag(const char *zFlags, char c){
  return strchr(zFlags, c)!=0;
}

static int cmp_str(const void *a, const void *b){
  return strcmp(*(char *const*)a, *(char *const*)b);
}

/* Pass 0: collect the plain words, for is_word(); sorted afterwards. */
static void collect_word(Gen *g, const char *zWord, const char *zFlags){
  (void)zFlags;
  if( !is_plain_word(zWord) ) return;
  if( g->nWord>=g->nWordAlloc ){
    g->nWordAlloc = g->nWordAlloc ? 2*g->nWordAlloc : 65536;
    g->azWord = xrealloc(g->azWord, sizeof(char*)*g->nWordAlloc);
  }
  g->azWord[g->nWord] = strdup(zWord);
  if( g->azWord[g->nWord]==0 ) die("out of memory", 0);
  g->nWord++;
}

/* 1 if z is a plain word of the dictionary. */
static int is_word(const Gen *g, const char *z){
  return bsearch(&z, g->azWord, g->nWord, sizeof(char*), cmp_str)!=0;
}

/*
** Try zWord with its last nStrip bytes replaced by zAdd: 1 and the word in
** zOut if that is a dictionary word.
*/
static int try_free(const Gen *g, const char *zWord, size_t nStrip,
                    const char *zAdd, char *zOut){
  size_t n = strlen(zWord);
  if( nStrip>n || n-nStrip+strlen(zAdd)>=MAXW ) return 0;
  memcpy(zOut, zWord, n-nStrip);
  strcpy(zOut+n-nStrip, zAdd);
  return is_word(g, zOut);
}

/*
** The free word a bound first part (hunspell's ONLYINCOMPOUND, flag Z)
** stands for, if the dictionary has it: -o/-e/-u for -a (hälso, kvinno,
** folkhälso -> hälsa, kvinna, folkhälsa), -ie for -ium (akvarie ->
** akvarium), + e (affärsidkar -> affärsidkare). 1 and the word in zOut,
** or 0: the part keeps its own stem.
*/
static int free_form(const Gen *g, const char *zWord, char *zOut){
  size_t n = strlen(zWord);
  char c = n ? zWord[n-1] : 0;
  if( (c=='o' || c=='e' || c=='u') && try_free(g, zWord, 1, "a", zOut) ){
    return 1;
  }
  if( c=='e' && n>=2 && zWord[n-2]=='i' && try_free(g, zWord, 1, "um", zOut) ){
    return 1;
  }
  return try_free(g, zWord, 0, "e", zOut);
}

/* Pass 1: begin forms and plain heads of one dictionary word. */
static void add_word(Gen *g, const char *zWord, const char *zFlags){
  char zSt[MAXW+8], zKey[MAXW+8], zForm[MAXW+8];
  int bBegin = 0, i;
  if( !is_plain_word(zWord) || has_flag(zFlags, '%') ) return;
  if( has_flag(zFlags, 'Z') && free_form(g, zWord, zForm) ){
    stem(g, zForm, zSt);            /* hälso -> hälsa -> häls */
  }else{
    stem(g, zWord, zSt);
  }
  if( has_flag(zFlags, 'X') || has_flag(zFlags, 'U') ){
    table_add(g, &g->begin, zWord, zSt, 0);
    bBegin = 1;
  }
  for(i=0; i<g->nRule; i++){
    const Rule *r = &g->aRule[i];
    if( !has_flag(zFlags, r->flag) ) continue;
    if( !has_flag(r->cont, 'X') && !has_flag(r->cont, 'U') ) continue;
    if( rule_apply(r, zWord, zForm) ){
      table_add(g, &g->begin, zForm, zSt, 0);
      bBegin = 1;
    }
  }
  if( !has_flag(zFlags, 'Y') ) return;
  stem_in_compound(g, zWord, zKey);
  table_add(g, &g->head, zKey, zSt, 0);
  if( !bBegin ){
    size_t n = strlen(zWord);
    table_add(g, &g->begin, zWord, zSt, 0);
    if( zWord[n-1]!='s' && n+1<MAXW ){
      memcpy(zForm, zWord, n);
      strcpy(zForm+n, "s");
      table_add(g, &g->begin, zForm, zSt, 0);
    }
  }
}

/*
** z folded as unicode61 folds it (lower case; Å Ä Ö É Ü too) into zOut:
** 1 if it is a word of letters only (what a query word can be), else 0.
*/
static int fold_word(const char *z, char *zOut){
  const unsigned char *p = (const unsigned char*)z;
  size_t n = 0;
  for(; *p; p++){
    unsigned char c = *p;
    if( c>='A' && c<='Z' ) c = (unsigned char)(c + 32);
    else if( c==0xC3 && p[1]>=0x80 && p[1]<0x9F && p[1]!=0x97 ){
      zOut[n++] = (char)c;
      c = (unsigned char)(*++p + 32);
    }else if( c<0x80 && !(c>='a' && c<='z') ) return 0;
    zOut[n++] = (char)c;
  }
  zOut[n] = 0;
  return n>0;
}

/* Add the hash of form z, folded, to the word list. */
static void form_add(Gen *g, const char *z){
  char zF[MAXW+8];
  if( strlen(z)>=MAXW || !fold_word(z, zF) ) return;
  if( g->nForm>=g->nFormAlloc ){
    g->nFormAlloc = g->nFormAlloc ? 2*g->nFormAlloc : 1u<<20;
    g->aForm = xrealloc(g->aForm, sizeof(uint32_t)*g->nFormAlloc);
  }
  g->aForm[g->nForm++] = dict_hash(zF, (int)strlen(zF));
}

/* 1 if a form with continuation flags zCont stands alone as a word: not
** only in compounds (Z) nor in need of a further affix (NEEDAFFIX). */
static int form_is_free(const char *zCont){
  return !has_flag(zCont, 'Z') && strstr(zCont, "\xc2\xa4")==0;
}

/*
** Pass 3: the word list, every form hunspell-sv accepts as a word of its
** own (not its compounds): the word, the forms its suffix rules make and
** the forms of those forms' continuation rules (twofold suffixes), names
** too, folded. Only their hashes are kept (swedish_words, dict.h).
*/
static void add_forms(Gen *g, const char *zWord, const char *zFlags){
  char zForm[MAXW+8], zForm2[MAXW+8];
  int i, j;
  if( has_flag(zFlags, '%') ) return;
  if( form_is_free(zFlags) ) form_add(g, zWord);
  for(i=0; i<g->nRule; i++){
    const Rule *r = &g->aRule[i];
    if( !has_flag(zFlags, r->flag) || !rule_apply(r, zWord, zForm) ) continue;
    if( form_is_free(r->cont) ) form_add(g, zForm);
    for(j=0; r->cont[0] && j<g->nRule; j++){
      const Rule *r2 = &g->aRule[j];
      if( has_flag(r->cont, r2->flag) && rule_apply(r2, zForm, zForm2)
       && form_is_free(r2->cont) ){
        form_add(g, zForm2);
      }
    }
  }
}

static int cmp_u32(const void *a, const void *b){
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x<y ? -1 : x>y;
}

/* Sort the word list's hashes and drop repeats. */
static void forms_finish(Gen *g){
  size_t i, n = 0;
  qsort(g->aForm, g->nForm, sizeof(uint32_t), cmp_u32);
  for(i=0; i<g->nForm; i++){
    if( n==0 || g->aForm[i]!=g->aForm[n-1] ) g->aForm[n++] = g->aForm[i];
  }
  g->nForm = n;
}

/*
** hunspell-sv's noun inflection flags (sv_SE.aff): definite neuter
** (B -et, C -t), definite common gender (D -en, E -n), definite plural
** (F -en, -na), plurals (G -ar, H -er, I -r, -nar, J -er, -na). Not the
** verb (K..R, m), adjective (O, P, Q) or derivation (T, e, d) flags: an
** adjective's -t form or a verb's forms are not this word.
*/
static const char zNounFlags[] = "BCDEFGHIJ";

/*
** 1 if rule r makes an inflected form of a noun: a noun flag, and an
** ending that adds letters. Not the participles and -ande nouns of B, D
** and F (+nde, +ndet, +ndena: forms of a verb), nor what J does besides
** plurals (the imperatives a -> 0, the ":" and "-" forms), nor genitives:
** Snowball strips their -s itself (psykiatrins -> psykiatrin, the key of
** psykiatrin), and the keys only they make are other words' stems
** (rapporters -> rapporter, the stem of the verb rapportera).
*/
static int is_noun_rule(const Rule *r){
  size_t n = strlen(r->add);
  return strchr(zNounFlags, r->flag)!=0 && n>0 && r->add[n-1]!='s'
      && strncmp(r->add, "nd", 2)!=0 && strpbrk(r->add, ":-")==0;
}

/*
** 1 if the dictionary has form z, or z without its genitive -s, or z + "s"
** (a first-part form of its own, "samverkans/UXZ"), as a word: then it is
** a word in its own right (samverkan, not a form of the verb samverka)
** and keeps its own stem, which is also the term of its first-part form.
*/
static int is_lemma_form(const Gen *g, const char *z){
  char zS[MAXW+8];
  size_t n = strlen(z);
  if( is_word(g, z) || n+1>=MAXW ) return 1;
  memcpy(zS, z, n);
  strcpy(zS+n, "s");
  if( is_word(g, zS) ) return 1;
  if( n>1 && z[n-1]=='s' ){
    zS[n-1] = 0;
    if( is_word(g, zS) || is_lemma_form(g, zS) ) return 1;
  }
  return 0;
}

/*
** Pass 2: inflected forms of nouns that Snowball 2.2 leaves whole or cuts
** elsewhere than the word itself (uppdraget, mötet; psykiatrin, hälsan;
** områdena; platser -> plats but plats -> plat), keyed by their stem at
** the end of a longer word and rewritten to the stem of the word. Nouns
** that may end a compound (Y), and those whose stem is a short head
** without that flag (råd/AbBDOR: rådet -> råd, so that
** kompetensförsörjningsrådet splits).
*/
static void add_fixes(Gen *g, const char *zWord, const char *zFlags){
  char zSt[MAXW+8], zKey[MAXW+8], zForm[MAXW+8], zFormSt[MAXW+8];
  int i;
  if( !is_plain_word(zWord) ) return;
  stem(g, zWord, zSt);
  if( !has_flag(zFlags, 'Y') && !is_short_head(zSt) ) return;
  for(i=0; i<g->nRule; i++){
    const Rule *r = &g->aRule[i];
    if( !is_noun_rule(r) || !has_flag(zFlags, r->flag) ) continue;
    if( !rule_apply(r, zWord, zForm) ) continue;
    stem_in_compound(g, zForm, zKey);
    if( is_lemma_form(g, zForm) ){
      stem(g, zForm, zFormSt);          /* akutsamverkan: a head of its own */
      table_add(g, &g->head, zKey, zFormSt, 0);
    }else if( strcmp(zKey, zSt)!=0 ){
      table_add(g, &g->head, zKey, zSt, DICT_FIX);
    }
  }
}

/* Read the .dic file into lines "word" and flags; call x for each. */
static void for_each_word(Gen *g, const char *zPath,
                          void (*x)(Gen*, const char*, const char*)){
  char zLine[512];
  FILE *f = fopen(zPath, "r");
  int nLine = 0;
  if( f==0 ) die("cannot open", zPath);
  while( fgets(zLine, sizeof(zLine), f) ){
    char *zFlags;
    if( nLine++==0 ) continue;                     /* the word count */
    zLine[strcspn(zLine, " \t\r\n")] = 0;
    zFlags = strchr(zLine, '/');
    if( zFlags ) *zFlags++ = 0; else zFlags = zLine + strlen(zLine);
    if( strlen(zLine)<MAXW ) x(g, zLine, zFlags);
  }
  if( ferror(f) ) die("read error", zPath);
  fclose(f);
  if( nLine<1000 ) die("too few words (not a hunspell .dic file?)", zPath);
}

/* The separator before array element i, n elements a line. */
static const char *sep(size_t i, size_t n){
  return i==0 ? "\n" : (i%n) ? "," : ",\n";
}

static void print_slots(const char *zName, const Table *t){
  uint32_t i;
  printf("static const uint32_t %s[%u] = {", zName, t->mask+1);
  for(i=0; i<=t->mask; i++) printf("%s%u", sep(i, 16), t->aSlot[i]);
  printf("\n};\n");
}

static void print_bloom(const char *zName, const Table *t){
  size_t i, n = sizeof(t->aBloom)/sizeof(t->aBloom[0]);
  printf("static const uint64_t %s[%zu] = {", zName, n);
  for(i=0; i<n; i++){
    printf("%s0x%llxull", sep(i, 6), (unsigned long long)t->aBloom[i]);
  }
  printf("\n};\n");
}

static void print_forms(const Gen *g){
  size_t i;
  printf("static const uint32_t aWords[%zu] = {", g->nForm ? g->nForm : 1);
  for(i=0; i<g->nForm; i++) printf("%s%uu", sep(i, 10), g->aForm[i]);
  if( g->nForm==0 ) printf("0");
  printf("\n};\nconst uint32_t *const swedish_words = aWords;\n"
         "const uint32_t swedish_nwords = %zu;\n", g->nForm);
}

static void print_c(const Gen *g){
  size_t i;
  printf("/* Generated by stemming/tools/mkdict from hunspell-sv. Do not edit. */\n"
         "#include \"dict.h\"\n\n"
         "static const unsigned char aBlob[%zu] = {", g->nBlob);
  for(i=0; i<g->nBlob; i++) printf("%s%u", sep(i, 24), g->blob[i]);
  printf("\n};\n");
  print_slots("aBegin", &g->begin);
  print_slots("aHead", &g->head);
  print_bloom("aBeginBloom", &g->begin);
  print_bloom("aHeadBloom", &g->head);
  printf("const SwedishDict swedish_dict = {\n"
         "  aBlob, {{aBegin, %uu, aBeginBloom}, {aHead, %uu, aHeadBloom}}\n"
         "};\n", g->begin.mask, g->head.mask);
  print_forms(g);
}

/*
** First parts missing from hunspell-sv, kept short on purpose, each with
** the stem of the word as term:
**   när     hunspell allows it only before a hyphen ("när-"), but Swedish
**           writes it closed: närsjukvård, närområde;
**   corona, words of this domain newer than the dictionary:
**   covid   coronapandemin, coronavaccin, covidvård, covidpatienter.
*/
static const char *const aExtraBegin[] = { "när", "corona", "covid" };

int main(int argc, char **argv){
  Gen g;
  size_t i;
  if( argc!=3 ) die("usage: mkdict sv_SE.aff sv_SE.dic > out.c", 0);
  memset(&g, 0, sizeof(g));
  g.pStem = sb_stemmer_new("swedish", "UTF_8");
  if( g.pStem==0 ) die("no Snowball Swedish stemmer", 0);
  read_aff(&g, argv[1]);
  blob_add(&g, "", 1);                          /* offset 0 means empty */
  table_init(&g.begin, 1u<<DICT_BEGIN_BITS);
  table_init(&g.head, 1u<<DICT_HEAD_BITS);
  for(i=0; i<sizeof(aExtraBegin)/sizeof(aExtraBegin[0]); i++){
    char zSt[MAXW+8];
    stem(&g, aExtraBegin[i], zSt);
    table_add(&g, &g.begin, aExtraBegin[i], zSt, 0);
  }
  for_each_word(&g, argv[2], collect_word);
  qsort(g.azWord, g.nWord, sizeof(char*), cmp_str);
  for_each_word(&g, argv[2], add_word);
  for_each_word(&g, argv[2], add_fixes);
  for_each_word(&g, argv[2], add_forms);
  forms_finish(&g);
  fprintf(stderr, "mkdict: %u begin forms, %u heads, %zu bytes of entries,"
          " %zu word forms\n", g.begin.n, g.head.n, g.nBlob, g.nForm);
  print_c(&g);
  if( fflush(stdout)!=0 || ferror(stdout) ) die("write error", 0);
  sb_stemmer_delete(g.pStem);
  for(i=0; i<g.nWord; i++) free(g.azWord[i]);
  free(g.azWord);
  free(g.aRule);
  free(g.blob);
  free(g.begin.aSlot);
  free(g.head.aSlot);
  free(g.aForm);
  return 0;
}
