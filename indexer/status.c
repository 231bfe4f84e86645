/*
** status.c: a status narrative into its class, by a table of word
** patterns (status.h has the rules in prose).
*/
#include <assert.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "sclass.h"
#include "status.h"
#include "swedish.h"
#include "words.h"

#define TOK_MAX   40        /* folded bytes kept of a word; longer never match */
#define GAP_MAX   3         /* words a "~" in a pattern may skip */
#define LOOK_BACK 5         /* words before a match searched for modifiers */
#define LOOK_YEAR 8         /* words after a done match searched for a year */

/* One word of the cleaned text. */
struct tok {
  size_t iStart, iEnd;      /* bytes in the cleaned text */
  int iSent;                /* sentence number */
  int bClause;              /* first word of a sentence or after a comma */
  int bListNum;             /* "N." where a numbered item may start */
  int iNum;                 /* value of an all-digit word below 100000, or -1 */
  int n;                    /* bytes in z, 0 if the word is too long */
  int iWord;                /* id in the compiled rules, or -1 */
  unsigned mList;           /* the word lists it is in (W_NEG, ...) */
  char z[TOK_MAX+1];        /* folded */
};

/* Rule flags. */
#define F_START 0x01        /* only at the start of a sentence (a label) */
#define F_NEGX  0x02        /* the pattern holds its own negation */
#define F_BLOCK 0x04        /* a neutral phrase: hides what it overlaps */
#define F_NOFUT 0x08        /* the pattern holds its own modality */
#define F_MODAL 0x10        /* a modal: none inside a purpose clause */
#define PURPOSE_MAX 12      /* words from "för att" to its modal */

/* Priorities: the highest match decides (status.h). */
#define P_BLOCK  120
#define P_DROP    95
#define P_DELVIS  92        /* "delvis genomfört", also of "uppdraget" */
#define P_STRONG  90        /* the assignment as a whole is done */
#define P_LINE    88        /* handed over to ordinary operations */
#define P_PART    85
#define P_UNTIL   84        /* "klart till/senast/under ...": a deadline */
#define P_REPORTED 84       /* reported to the board: of the whole or a part */
#define P_START   75
#define P_ON      70
#define P_VARA    65        /* "vara klart": completion is prospective */
#define P_LATER   64        /* a start still to come */
#define P_PLAN    63        /* planned or current work */
#define P_DECIDED 62        /* a document decided by the board: a step */
#define P_DONE    60        /* a completed step */
#define P_STEP    55

#define NS STATUS_NOT_STARTED
#define ON STATUS_ONGOING
#define PD STATUS_PARTLY_DONE
#define DN STATUS_DONE
#define DR STATUS_DROPPED
#define NO STATUS_UNKNOWN   /* in the table: no signal */

/*
** A pattern is words separated by single spaces. A word is alternatives
** separated by "|", each exact, a prefix ("påbörj*"), a suffix ("*ts") or
** "#" (a number); "~" skips 0 to GAP_MAX words. Patterns are folded.
*/
struct rule {
  const char *zPat;
  unsigned char eClass;     /* class of a plain match (NO: none) */
  unsigned char eNeg;       /* class of a negated match (NO: none) */
  unsigned char iPrio;
  unsigned char flags;
};

#define DONE_PART "genomfört|genomförts|genomförd|genomförda|slutfört|" \
  "slutförts|slutförd|slutförda|klart|klar|klara|utfört|utförts|utförd|" \
  "utförda|avslutat|avslutats|avslutad|avslutade|färdigt|färdig|färdiga|" \
  "färdigställt|färdigställd"

static const struct rule aRule[] = {
  /* neutral phrases that hold a signal word */
  {"utgår från|ifrån", NO, NO, P_BLOCK, F_BLOCK},
  {"klart att|är", NO, NO, P_BLOCK, F_BLOCK},
  {"klar|klart över", NO, NO, P_BLOCK, F_BLOCK},
  {"klart och tydligt", NO, NO, P_BLOCK, F_BLOCK},
  {"tydligt och klart", NO, NO, P_BLOCK, F_BLOCK},
  {"kommer ~ till uttryck|stånd|fram|in|överens", NO, NO, P_BLOCK, F_BLOCK},
  /* follow-up after the work is done is not the work */
  {"kommer|ska|skall ~ följas|utvärderas", NO, NO, P_BLOCK, F_BLOCK},
  {"följas|följs upp", NO, NO, P_BLOCK, F_BLOCK},
  /* a part dropped from an assignment that goes on: the rest decides */
  {"del|punkt|steg|moment|etapp # utgår|utgick", NO, NO, P_BLOCK, F_BLOCK},
  {"delen|punkten|steget|momentet|etappen|deluppdraget ~ utgår|utgick",
   NO, NO, P_BLOCK, F_BLOCK},
  /* handed on is not done */
  {"lämnats|lämnades över", NO, NO, P_BLOCK, F_BLOCK},
  {"överlämnats|överlämnades|lämnats|lämnades över till", ON, NO, P_STEP, 0},

  /* dropped */
  {"utgår|utgick", DR, ON, P_DROP, 0},
  {"kommer ~ inte|ej att genomföras|utföras|fullföljas|verkställas|"
   "slutföras|genomförs|fullföljs|drivas", DR, NO, P_DROP, F_NEGX},
  {"ska|skall ~ inte|ej genomföras|utföras|fullföljas|verkställas|drivas",
   DR, NO, P_DROP, F_NEGX},
  {"genomförs|drivs|fullföljs inte|ej", DR, NO, P_DROP, F_NEGX},
  {"avslutas|avslutades|avslutats|avskrivs|avskrevs|avskrivits ~ utan",
   DR, NO, P_DROP, 0},
  {"avbryts|avbröts|avbrutits|avbrutet|avbrutna|avbruten", DR, ON, P_DROP, 0},
  {"lagts|läggs|lades ned|ner", DR, ON, P_DROP, 0},
  {"avskrivs|avskrevs|avskrivits|avskrivet|avskriven", DR, ON, P_DROP, 0},
  {"stryks|strukits|ströks", DR, ON, P_DROP, 0},
  {"upphävs|upphävts|upphävdes|upphäva|upphävt|återkallas|återkallats|"
   "återkallades",
   DR, ON, P_DROP, 0},
  {"inte|ej längre aktuell|aktuellt|aktuella", DR, NO, P_DROP, F_NEGX},
  {"inte|ej aktuell|aktuellt|aktuella", DR, NO, P_DROP, F_NEGX},
  {"inaktuell|inaktuellt|inaktuella", DR, NO, P_DROP, 0},
  {"i annan form", DR, NO, P_DROP, 0},
  {"ersatts|ersätts|ersattes av", DR, NO, P_DROP, 0},

  /* a deadline: completion still to come */
  {"klar|klart|klara|färdig|färdigt|färdigställd|färdigställt "
   "till|senast|innan|före|tills", ON, ON, P_UNTIL, 0},
  {"klar|klart|klara|färdig|färdigt under|i|efter våren|hösten|sommaren|"
   "vintern|slutet|början|mitten|årsskiftet", ON, ON, P_UNTIL, 0},

  /* the assignment as a whole is done */
  {"anses|bedöms|betraktas ~ vara|som " DONE_PART, DN, ON, P_STRONG+1,
   F_NOFUT},
  {"redovisning|återrapportering|slutredovisning|slutrapportering har ~ "
   "skett|gjorts|lämnats", DN, ON, P_REPORTED, 0},
  {"återrapporterats|redovisats|rapporterats|återrapporterades|redovisades "
   "till|för|i regionstyrelsen|landstingsstyrelsen|styrelsen|rs|ls|"
   "regionfullmäktige|landstingsfullmäktige|fullmäktige", DN, ON, P_REPORTED,
   0},
  {"inom|i ordinarie verksamhet|verksamheten|linjeverksamhet|"
   "linjeverksamheten|linjen|driften", DN, NO, P_LINE, 0},
  {"är|togs i drift|bruk", DN, ON, P_LINE, 0},
  {"behandlats|behandlades|beslutats|beslutades|antagits|antogs|"
   "fastställts|fastställdes|godkänts|godkändes av|i regionstyrelsen|"
   "landstingsstyrelsen|styrelsen|regionfullmäktige|landstingsfullmäktige|"
   "fullmäktige", DN, ON, P_DECIDED, 0},
  {"uppdraget|uppdragen|uppdragets ~ " DONE_PART "|återrapporterat|"
   "återrapporterats|redovisat|redovisats|fullgjort|fullgjorts|verkställt|"
   "verkställts|avklarat|slutrapporterat|slutrapporterats|slutredovisat|"
   "slutredovisats", DN, ON, P_STRONG, 0},
  {"återrapporterats|återrapporterat|återrapporterades|återrapporterad",
   DN, ON, P_DONE+2, 0},
  {"genomfört|genomförd|genomförda|klart|klar|slutfört|slutförd|avslutat|"
   "avslutad|utfört|utförd|färdigt|avklarat|verkställt|åtgärdat|åtgärdad|"
   "återrapporterat|redovisat|uppfyllt", DN, ON, P_STRONG, F_START},

  /* partly done */
  {"delvis ~ " DONE_PART "|uppfyllt|uppfylld|infört|införd|implementerat|"
   "implementerad|åtgärdat|åtgärdad|verkställt", PD, ON, P_DELVIS, 0},
  {"del|delen|delarna|punkt|punkterna|etapp|etappen|etapperna|fas|steg|"
   "stegen|deluppdrag|delmål # ~ "
   DONE_PART, PD, ON, P_PART, 0},
  {"första|andra|tredje delen|etappen|fasen|steget|delrapporten ~ " DONE_PART,
   PD, ON, P_PART, 0},
  {"delar|del|delen av uppdraget|uppdragen|uppdragets ~ " DONE_PART,
   PD, ON, P_DELVIS, 0},
  {"övriga|resterande|återstående delar|punkter|kommuner|enheter|"
   "verksamheter|moment|delmål ~ pågår|följer|återstår|planeras|beräknas",
   PD, NO, P_PART, 0},
  {"# av # ~ " DONE_PART "|infört|införts|implementerats", PD, ON, P_DELVIS,
   0},
  {DONE_PART "|infört|implementerat|infört i|på|vid|inom # av #",
   PD, ON, P_DELVIS, 0},

  /* not started: a start still to come */
  {"påbörjas|påbörja|inleds|inledas|inleda|startar|startas|starta|"
   "initieras|utses|tillsättas", NS, NS, P_LATER, 0},
  {"start|starten|uppstart ~ beräknas|planeras", NS, NS, P_LATER, 0},
  {"uppdraget|arbetet inväntar|avvaktar", NS, NO, P_LATER, 0},

  /* work has started */
  {"påbörjat|påbörjats|påbörjad|påbörjade|påbörjades|inlett|inletts|inledd|"
   "inledda|inleddes|startat|startats|startad|startade|startades|"
   "igångsatt|igångsatts|igång", ON, NS, P_START, 0},
  {"pågår|pågick|pågått|pågående", ON, NS, P_ON, 0},
  {"försenats|försenat|försenad|försenade|fördröjts|fördröjd", ON, NO, P_ON, 0},
  {"fortgår|fortskrider|fortsätter|fortlöper|löper|återstår|återstående|"
   "arbetar|arbetas", ON, NO, P_ON, 0},
  {"fortsatt|fortsatta arbete|arbetet|utveckling|utvecklingsarbete|"
   "utredning|planering", ON, NO, P_ON, 0},
  {"under framtagande|utredning|arbete|bearbetning|uppbyggnad|utarbetande|"
   "genomförande|översyn|beredning|utveckling|införande|implementering|"
   "upphandling|planering|revidering|granskning|produktion", ON, NO, P_ON, 0},
  {"håller på", ON, NO, P_ON, 0},
  {"på gång", ON, NO, P_ON, 0},
  {"utsedd|utsedda|utsett|utsetts|tillsatt|tillsatts|tillsatta|rekryterad|"
   "rekryterats|bemannad", ON, NS, P_STEP, 0},

  /* a proposal or draft is a step: its decision is still to come */
  {"förslag|förslaget|förslagen|utkast|utkastet|remissversion ~ "
   DONE_PART "|framtagen|framtaget|framtagna|tagits|presenterats|"
   "remitterats|lämnats|överlämnats", ON, NO, P_VARA, 0},

  /* completion prospective */
  {"vara|bli " DONE_PART "|framtagen|framtaget|fastställd|beslutad|antagen",
   ON, ON, P_VARA, 0},

  /* done: a completed step or the whole */
  {"är|blev|blivit|nu ~ klar|klart|klara|färdig|färdigt|färdiga",
   DN, ON, P_DONE, 0},
  {"klar|klart", DN, ON, P_DONE-2, 0},
  {"genomförts|genomfört|genomförd|genomfördes|slutfört|slutförts|slutförd|"
   "slutförda|slutfördes|färdigställt|färdigställts|färdigställd|"
   "färdigställdes", DN, ON, P_DONE, 0},
  {"är|blev|nu genomförda|avslutade|utförda|genomförd", DN, ON, P_DONE, 0},
  {"avslutat|avslutats|avslutad|avslutades|avslutas", DN, ON, P_DONE, 0},
  {"beslutats|beslutades|fastställts|fastställdes|fastställd|fastställt|"
   "antagits|antogs|antagen|antaget|godkänts|godkändes|godkänd",
   DN, ON, P_DONE, 0},
  {"implementerats|implementerades|implementerad|implementerat|införts|"
   "infördes|infört|införd", DN, ON, P_DONE, 0},
  {"utförts|utfördes|utfört|levererats|levererades|levererat|lämnats|"
   "lämnades|redovisats|redovisades|presenterats|presenterades|verkställts|"
   "verkställdes|åtgärdats|uppnåtts|uppnåddes|uppnått", DN, ON, P_DONE, 0},
  {"tagits|togs|tagit fram", DN, ON, P_DONE, 0},
  {"reviderats|reviderades|uppdaterats|uppdaterades", DN, ON, P_DONE, 0},
  {"tecknats|tecknades|tecknat|tecknad|undertecknats|undertecknades|"
   "undertecknat|upphandlats|"
   "upphandlades|avvecklats|avvecklades", DN, ON, P_DONE, 0},
  {"sagts|sades upp", DN, ON, P_DONE, 0},
  {"framtagen|framtaget|framtagna", DN, ON, P_DONE, 0},
  {"kommit|kom i land|mål", DN, ON, P_DONE, 0},

  /* planned or current work */
  {"ska|skall|kommer|planeras|beräknas|förväntas|väntas|avses|planerar|"
   "avser", ON, NO, P_PLAN, F_MODAL},
  {"förbereds|bereds|utreds|genomförs|utarbetas|utvecklas|implementeras|"
   "införs|revideras|hanteras|rekryteras|tydliggörs|kartläggs", ON, NO,
   P_PLAN, 0},
  {"tas|ses|följs|byggs fram|över|upp", ON, NO, P_PLAN, 0},

};

/* Words that negate what follows them in their clause. */
static const char *const azNeg[] = {
  "inte", "ej", "icke", "aldrig", "ingen", "inget", "inga", 0
};
/* A negation word followed by one of these does not negate ("inte bara"). */
static const char *const azNegNot[] = {
  "bara", "enbart", "endast", "minst", "minst", "alls", 0
};
/* Words after which a completion is prospective or conditional. */
static const char *const azFuture[] = {
  "ska", "skall", "kommer", "beräknas", "planeras", "förväntas", "väntas",
  "avses", "bör", "behöver", "måste", "torde", "när", "innan", "tills", "förrän", "målet", "syftet", "målsättningen", "vara",
  "bli", 0
};
/* Words that start a new clause. */
static const char *const azConj[] = {
  "och", "men", "samt", "medan", "eftersom", "utan", "dock", 0
};
/* Number words, "två av tre" as "2 av 3"; index+1 is the value. */
static const char *const azNumber[] = {
  "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", 0
};

/* ---- the rules, compiled ---- */

/*
** Trying every pattern's text at every word was most of the indexer's
** status cost, so the table is compiled once, at first use: every exact
** alternative of the patterns and every word of the lists above gets an
** id, a word of the text is looked up once (a hash of its folded bytes),
** a pattern word tests that id in a bit set, and each id knows the rules
** its word can start. Fixed sizes: the table is constant, so a size too
** small is a programmer's error, caught by the first classification.
*/
#define N_RULE    ((int)(sizeof(aRule)/sizeof(aRule[0])))
#define WORD_MAX  1024      /* distinct words of the patterns and lists */
#define HASH_SIZE 2048      /* slots of the word hash, a power of 2 */
#define ELEM_MAX  512       /* pattern words of all rules */
#define AFFIX_MAX 64        /* prefix and suffix alternatives */
#define SET_N     (WORD_MAX/64)
#define MASK_N    2         /* 64-bit words of a set of rules */
_Static_assert(N_RULE<=64*MASK_N, "a rule set holds every rule");

/* The lists a word is in (struct tok's mList). */
#define W_NEG     0x01
#define W_NEGNOT  0x02
#define W_FUTURE  0x04
#define W_CONJ    0x08

/* A word of the patterns or lists. */
struct cword {
  const char *z;            /* folded, in aRule or a list; not terminated */
  int n;
  unsigned mList;           /* W_* */
  int iNum;                 /* value of a number word, else -1 */
  uint64_t aStart[MASK_N];  /* rules whose first pattern word it can be */
};

/* A prefix ("påbörj*") or suffix ("*ts") alternative. */
struct affix {
  const char *z;            /* without the "*" */
  int n, bSuffix;
};

/* A pattern word: a gap ("~"), or alternatives. */
struct elem {
  int bGap, bNum;           /* "~"; "#" is an alternative */
  int iAffix, nAffix;       /* its affixes in aAffix */
  uint64_t aSet[SET_N];     /* its exact alternatives, by word id */
};

struct rules {
  int bFull;                /* a size above was too small */
  int nWord, nElem, nAffix;
  struct cword aWord[WORD_MAX];
  unsigned short aHash[HASH_SIZE];  /* word id + 1; 0 is an empty slot */
  struct elem aElem[ELEM_MAX];
  struct affix aAffix[AFFIX_MAX];
  int aiElem[N_RULE+1];     /* rule r's pattern words: [aiElem[r], aiElem[r+1]) */
  uint64_t aAny[MASK_N];    /* rules any word may start */
  uint64_t aNum[MASK_N];    /* rules a number may start */
};

static unsigned word_hash(const char *z, int n){
  unsigned h = 2166136261u;
  int i;
  for(i=0; i<n; i++) h = (h ^ (unsigned char)z[i])*16777619u;
  return h & (HASH_SIZE-1);
}

/* The id of the folded word z[0..n), or -1 if no pattern or list has it. */
static int rules_word(const struct rules *p, const char *z, int n){
  unsigned h;
  for(h=word_hash(z, n); p->aHash[h]; h=(h+1) & (HASH_SIZE-1)){
    const struct cword *w = &p->aWord[p->aHash[h]-1];
    if( w->n==n && memcmp(w->z, z, (size_t)n)==0 ) return p->aHash[h]-1;
  }
  return -1;
}

/* The id of z[0..n), added if new; -1 (and p->bFull) when full. */
static int rules_add_word(struct rules *p, const char *z, int n){
  int id = rules_word(p, z, n);
  unsigned h;
  if( id>=0 ) return id;
  if( p->nWord==WORD_MAX ){
    p->bFull = 1;
    return -1;
  }
  for(h=word_hash(z, n); p->aHash[h]; h=(h+1) & (HASH_SIZE-1)){}
  id = p->nWord++;
  p->aWord[id].z = z;
  p->aWord[id].n = n;
  p->aWord[id].iNum = -1;
  p->aHash[h] = (unsigned short)(id+1);
  return id;
}

static void mask_set(uint64_t *aMask, int r){
  aMask[r/64] |= (uint64_t)1 << (r%64);
}

/*
** Add the alternative e[0..na) to pattern word pE of rule r, which may
** start the rule if bFirst. The kinds are told apart as elem_match() did
** on the text: "#", then a prefix, then a suffix, else an exact word.
*/
static void rules_alt(struct rules *p, struct elem *pE, int r, int bFirst,
                      const char *e, size_t na){
  int id;
  if( na==1 && e[0]=='#' ){
    pE->bNum = 1;
    if( bFirst ) mask_set(p->aNum, r);
  }else if( na>1 && (e[na-1]=='*' || e[0]=='*') ){
    struct affix *pA;
    if( p->nAffix==AFFIX_MAX ){ p->bFull = 1; return; }
    pA = &p->aAffix[p->nAffix++];
    pA->bSuffix = e[na-1]!='*';
    pA->z = pA->bSuffix ? e+1 : e;
    pA->n = (int)na-1;
    pE->nAffix++;
    if( bFirst ) mask_set(p->aAny, r);
  }else if( (id = rules_add_word(p, e, (int)na))>=0 ){
    pE->aSet[id/64] |= (uint64_t)1 << (id%64);
    if( bFirst ) mask_set(p->aWord[id].aStart, r);
  }
}

/* Compile the pattern word e[0..ne) of rule r into a new element. */
static void rules_elem(struct rules *p, int r, int bFirst, const char *e,
                       size_t ne){
  struct elem *pE;
  if( p->nElem==ELEM_MAX ){ p->bFull = 1; return; }
  pE = &p->aElem[p->nElem++];
  pE->iAffix = p->nAffix;
  if( ne==1 && e[0]=='~' ){
    pE->bGap = 1;
    if( bFirst ) mask_set(p->aAny, r);
    return;
  }
  while( ne>0 ){
    size_t na = 0;
    while( na<ne && e[na]!='|' ) na++;
    rules_alt(p, pE, r, bFirst, e, na);
    e += na;
    ne -= na;
    if( ne>0 ){ e++; ne--; }
  }
}

/* Compile rule r's pattern, words separated by spaces. */
static void rules_pattern(struct rules *p, int r){
  const char *z = aRule[r].zPat;
  p->aiElem[r] = p->nElem;
  for(;;){
    size_t ne;
    while( *z==' ' ) z++;
    if( *z==0 ) break;
    ne = strcspn(z, " ");
    rules_elem(p, r, p->nElem==p->aiElem[r], z, ne);
    z += ne;
  }
  if( p->nElem==p->aiElem[r] ) mask_set(p->aAny, r);   /* empty: matches */
  p->aiElem[r+1] = p->nElem;
}

/* Mark the words of list az with mList. */
static void rules_list(struct rules *p, const char *const *az,
                       unsigned mList){
  int i, id;
  for(i=0; az[i]; i++){
    id = rules_add_word(p, az[i], (int)strlen(az[i]));
    if( id>=0 ) p->aWord[id].mList |= mList;
  }
}

static struct rules gRules;             /* written once, by rules_build() */
static pthread_once_t gRulesOnce = PTHREAD_ONCE_INIT;

static void rules_build(void){
  struct rules *p = &gRules;
  int r, i, id;
  for(r=0; r<N_RULE; r++) rules_pattern(p, r);
  rules_list(p, azNeg, W_NEG);
  rules_list(p, azNegNot, W_NEGNOT);
  rules_list(p, azFuture, W_FUTURE);
  rules_list(p, azConj, W_CONJ);
  for(i=0; azNumber[i]; i++){
    id = rules_add_word(p, azNumber[i], (int)strlen(azNumber[i]));
    if( id>=0 ) p->aWord[id].iNum = i+1;
  }
  assert( !p->bFull );
}

/* The compiled rules, or NULL if they do not fit (see WORD_MAX). */
static const struct rules *rules_get(void){
  if( pthread_once(&gRulesOnce, rules_build)!=0 || gRules.bFull ) return 0;
  return &gRules;
}

/* ---- words ---- */

/* Does the character at z (of n bytes left) start a sentence? */
static int is_upper_or_digit(const unsigned char *z, size_t n){
  return (z[0]>='A' && z[0]<='Z') || (z[0]>='0' && z[0]<='9')
      || (z[0]==0xC3 && n>1 && z[1]>=0x80 && z[1]<=0x9E);
}

/* Fill t with the word z[i..j). */
static void tok_set(const struct rules *pR, struct tok *t, const char *z,
                    size_t i, size_t j){
  size_t k;
  int id;
  t->iStart = i;
  t->iEnd = j;
  t->n = 0;
  t->iNum = -1;
  if( j-i<=TOK_MAX ){
    t->n = swedish_fold(&z[i], (int)(j-i), t->z, TOK_MAX);
    if( t->n<0 ) t->n = 0;
  }
  t->z[t->n] = 0;
  if( j-i<=5 ){
    int v = 0;
    for(k=i; k<j && z[k]>='0' && z[k]<='9'; k++) v = v*10 + (z[k]-'0');
    if( k==j ) t->iNum = v;
  }
  id = t->iWord = rules_word(pR, t->z, t->n);
  t->mList = id>=0 ? pR->aWord[id].mList : 0;
  if( t->iNum<0 && id>=0 ) t->iNum = pR->aWord[id].iNum;
}

/*
** Room for twice *pnAlloc items of sz bytes: a grown on the heap, or
** aStack (the caller's first *pnAlloc items) copied there. Returns the
** new array, or NULL when out of memory (a is then unchanged).
*/
static void *buf_grow(void *a, void *aStack, int *pnAlloc, size_t sz){
  size_t nNew = 2*(size_t)*pnAlloc;
  void *aNew = a==aStack ? malloc(nNew*sz) : realloc(a, nNew*sz);
  if( aNew==0 ) return 0;
  if( a==aStack ) memcpy(aNew, aStack, (size_t)*pnAlloc*sz);
  *pnAlloc = (int)nNew;
  return aNew;
}

/*
** Split the clean text z[0..n) into words at *paTok, which starts as the
** caller's aStack of nStack words and moves to the heap (free with free()
** unless it is still aStack) when they do not fit. Returns the number of
** words, or -1 when out of memory.
*/
static int tokenize(const struct rules *pR, const char *z, size_t n,
                    struct tok *aStack, int nStack, struct tok **paTok){
  const unsigned char *u = (const unsigned char*)z;
  struct tok *a = aStack;
  size_t iWord;
  int nTok = 0, nAlloc = nStack, iSent = 0, bClause = 1;
  char cPrev = '.';             /* last punctuation before the current word */
  size_t i = 0;
  *paTok = a;
  while( i<n ){
    size_t len = u[i]<0x80 ? 1 : words_char_len(z, i, n), j = i;
    if( !words_is_char(&z[i], len) ){
      char c = z[i];
      int bEnd = i+1>=n || z[i+1]==' ';
      if( (c=='.' && bEnd
           && (i+1>=n || (i+2<n && is_upper_or_digit(&u[i+2], n-i-2))))
       || ((c=='!' || c=='?' || c==';' || c==':') && bEnd) ){
        if( nTok>0 && a[nTok-1].iSent==iSent ) iSent++;
        bClause = 1;
      }else if( c==',' ){
        bClause = 1;
      }
      if( c!=' ' ) cPrev = c;
      i += len;
      continue;
    }
    words_next(z, n, &j, &iWord);
    if( nTok==nAlloc && (a = buf_grow(a, aStack, &nAlloc, sizeof(*a)))==0 ){
      return -1;
    }
    *paTok = a;
    tok_set(pR, &a[nTok], z, i, j);
    a[nTok].bListNum = a[nTok].iNum>0 && a[nTok].iNum<100 && j<n && z[j]=='.'
        && (j+1==n || z[j+1]==' ') && cPrev && strchr(".:;!?)>", cPrev)!=0;
    a[nTok].iSent = iSent;
    a[nTok].bClause = bClause;
    bClause = 0;
    cPrev = 'a';
    nTok++;
    i = j;
  }
  return nTok;
}

/* ---- patterns ---- */

/* Does word t match pattern word e (its "#" or an alternative)? */
static int elem_match(const struct rules *pR, const struct elem *e,
                      const struct tok *t){
  int k;
  if( t->iWord>=0 && (e->aSet[t->iWord/64]>>(t->iWord%64) & 1) ) return 1;
  if( e->bNum && t->iNum>=0 ) return 1;
  for(k=e->iAffix; k<e->iAffix+e->nAffix; k++){
    const struct affix *pA = &pR->aAffix[k];
    if( t->n>=pA->n
     && memcmp(pA->bSuffix ? t->z+t->n-pA->n : t->z, pA->z, (size_t)pA->n)==0 ){
      return 1;
    }
  }
  return 0;
}

/*
** Match the nElem pattern words at e at word i of a[0..nTok), within
** sentence iSent. Returns the index after the match, or -1.
*/
static int pat_match(const struct rules *pR, const struct elem *e, int nElem,
                     const struct tok *a, int nTok, int i, int iSent){
  if( nElem==0 ) return i;
  if( e->bGap ){
    int g;
    for(g=0; g<=GAP_MAX && i+g<nTok && a[i+g].iSent==iSent; g++){
      int r = pat_match(pR, e+1, nElem-1, a, nTok, i+g, iSent);
      if( r>=0 ) return r;
    }
    return -1;
  }
  if( i>=nTok || a[i].iSent!=iSent || !elem_match(pR, e, &a[i]) ) return -1;
  return pat_match(pR, e+1, nElem-1, a, nTok, i+1, iSent);
}

/* ---- signals ---- */

/* A rule's match, after modifiers: words [iFirst, iLast) decide. */
struct sig {
  int iFirst, iLast;        /* the matched words */
  int iFrom, iTo;           /* the evidence words */
  int eClass, iPrio, bBlock;
};

/*
** Index of the first word of the clause of word i, searching at most
** LOOK_BACK words back from i (conjunctions end a clause).
*/
static int clause_start(const struct tok *a, int i){
  int k = i;
  while( k>0 && i-k<LOOK_BACK && !a[k].bClause && a[k-1].iSent==a[i].iSent
      && !(a[k-1].mList & W_CONJ) ){
    k--;
  }
  return k;
}

/* Index of a negation word in a[iFrom..iTo), or -1. */
static int find_neg(const struct tok *a, int nTok, int iFrom, int iTo){
  int k;
  for(k=iFrom; k<iTo; k++){
    if( (a[k].mList & W_NEG) && !(k+1<nTok && (a[k+1].mList & W_NEGNOT)) ){
      return k;
    }
  }
  return -1;
}

/*
** Index of a future marker in a[iFrom..iTo), or -1. "När det gäller" is
** "as for", not "when".
*/
static int find_future(const struct tok *a, int iFrom, int iTo){
  int k;
  for(k=iFrom; k<iTo; k++){
    if( !(a[k].mList & W_FUTURE) ) continue;
    if( a[k].n==4 && memcmp(a[k].z, "n\xC3\xA4r", 4)==0 && k+1<iTo
     && a[k+1].n==3 && memcmp(a[k+1].z, "det", 3)==0 ){
      continue;
    }
    return k;
  }
  return -1;
}

/*
** Index of a year after iYear in the LOOK_YEAR words after i within the
** clause of word i-1, or -1.
*/
static int find_later_year(const struct tok *a, int nTok, int i, int iYear){
  int k;
  for(k=i; iYear>0 && k<nTok && k<i+LOOK_YEAR && a[k].iSent==a[i-1].iSent
           && !a[k].bClause && !(a[k].mList & W_CONJ); k++){
    if( a[k].iNum>iYear && a[k].iNum<2200 && a[k].iEnd-a[k].iStart==4 ){
      return k;
    }
  }
  return -1;
}

/* Does folded word t end with one of azEnd? */
static int ends_with(const struct tok *t, const char *const *azEnd){
  int e;
  for(e=0; azEnd[e]; e++){
    int n = (int)strlen(azEnd[e]);
    if( t->n>=n && memcmp(t->z+t->n-n, azEnd[e], (size_t)n)==0 ) return 1;
  }
  return 0;
}

/* Words that name a law or rule: "enligt patientlagen ska" is a norm. */
static const char *const azLaw[] = {
  "lagen", "lag", "förordningen", "föreskrifterna", "föreskrift", 0
};

/*
** Is the modal at word i in a purpose clause ("rutiner för att uppdrag
** ... ska dokumenteras") or a norm ("enligt patientlagen ska"), where it
** tells no plan?
*/
static int in_purpose(const struct tok *a, int i){
  int k;
  for(k=i-1; k>0 && i-k<=PURPOSE_MAX && a[k].iSent==a[i].iSent; k--){
    if( a[k].n==3 && memcmp(a[k].z, "att", 3)==0 && a[k-1].n==4
     && memcmp(a[k-1].z, "f\xC3\xB6r", 4)==0 ){
      return 1;
    }
    if( a[k-1].n==6 && memcmp(a[k-1].z, "enligt", 6)==0
     && ends_with(&a[k], azLaw) ){
      return 1;
    }
    if( a[k].bClause ) break;
  }
  return 0;
}

/* Apply negation and prospect to the match of r at a[i..iEnd) into *pSig. */
static void sig_make(const struct rule *r, const struct tok *a, int nTok,
                     int i, int iEnd, int iYear, struct sig *pSig){
  int iClause = clause_start(a, i), k;
  pSig->iFirst = pSig->iFrom = i;
  pSig->iLast = pSig->iTo = iEnd;
  pSig->eClass = r->eClass;
  pSig->iPrio = r->iPrio;
  pSig->bBlock = (r->flags & F_BLOCK)!=0;
  if( pSig->bBlock ) return;
  if( (r->flags & F_MODAL) && in_purpose(a, i) ){
    pSig->eClass = NO;
    return;
  }
  if( !(r->flags & F_NEGX) && (k = find_neg(a, nTok, iClause, iEnd))>=0 ){
    pSig->eClass = r->eNeg;
    if( k<i ) pSig->iFrom = k;
    return;
  }
  if( (pSig->eClass!=DN && pSig->eClass!=PD) || (r->flags & F_NOFUT) ) return;
  if( (k = find_future(a, iClause, iEnd))>=0 ){
    pSig->iFrom = k<i ? k : i;
  }else if( (k = find_later_year(a, nTok, iEnd, iYear))>=0 ){
    pSig->iTo = k+1;
  }else{
    return;
  }
  pSig->eClass = ON;
  pSig->iPrio = P_PLAN;
}

/* Does s overlap any of the n signals of aKeep? */
static int sig_overlaps(const struct sig *s, const struct sig *aKeep, int n){
  int k;
  for(k=0; k<n; k++){
    if( s->iFirst<aKeep[k].iLast && aKeep[k].iFirst<s->iLast ) return 1;
  }
  return 0;
}

/*
** The signals of one narrative, a growing array that starts in the
** caller's aStack, and the compiled rules.
*/
struct sigs {
  const struct rules *pR;
  struct sig *a, *aStack;
  int n, nAlloc;
};

/* Append a slot to p and return it, or NULL when out of memory. */
static struct sig *sigs_add(struct sigs *p){
  if( p->n==p->nAlloc ){
    struct sig *aNew = buf_grow(p->a, p->aStack, &p->nAlloc, sizeof(*aNew));
    if( aNew==0 ) return 0;
    p->a = aNew;
  }
  return &p->a[p->n++];
}

/* The rules word t may start, in *pMask: those of its id, numbers, any. */
static void start_mask(const struct rules *pR, const struct tok *t,
                       uint64_t *aMask){
  int k;
  for(k=0; k<MASK_N; k++){
    aMask[k] = pR->aAny[k];
    if( t->iWord>=0 ) aMask[k] |= pR->aWord[t->iWord].aStart[k];
    if( t->iNum>=0 ) aMask[k] |= pR->aNum[k];
  }
}

/* Rule r's matches at word i of a[0..iTo) into pSigs. */
static int rule_match(const struct tok *a, int nTok, int iTo, int i, int r,
                      int iYear, struct sigs *pSigs){
  const struct rules *pR = pSigs->pR;
  struct sig *s;
  int e;
  if( (aRule[r].flags & F_START) && i>0 && a[i-1].iSent==a[i].iSent ){
    return STATUS_OK;
  }
  e = pat_match(pR, &pR->aElem[pR->aiElem[r]], pR->aiElem[r+1]-pR->aiElem[r],
                a, iTo, i, a[i].iSent);
  if( e<0 ) return STATUS_OK;
  if( (s = sigs_add(pSigs))==0 ) return STATUS_NOMEM;
  sig_make(&aRule[r], a, nTok, i, e, iYear, s);
  return STATUS_OK;
}

/*
** Every rule's matches in words a[iFrom..iTo) into pSigs (emptied first),
** by word and then in the table's order.
*/
static int span_match(const struct tok *a, int nTok, int iFrom, int iTo,
                      int iYear, struct sigs *pSigs){
  int i, k;
  pSigs->n = 0;
  for(i=iFrom; i<iTo; i++){
    uint64_t aMask[MASK_N];
    start_mask(pSigs->pR, &a[i], aMask);
    for(k=0; k<MASK_N; k++){
      for(; aMask[k]; aMask[k] &= aMask[k]-1){
        int r = k*64 + __builtin_ctzll(aMask[k]);
        if( rule_match(a, nTok, iTo, i, r, iYear, pSigs) ){
          return STATUS_NOMEM;
        }
      }
    }
  }
  return STATUS_OK;
}

/*
** The highest priority below p, and not negative, of signals
** a[iFrom..n), or -1 if none: the priorities span_decide() visits.
*/
static int prio_below(const struct sig *a, int iFrom, int n, int p){
  int i, iBest = -1;
  for(i=iFrom; i<n; i++){
    if( a[i].iPrio<p && a[i].iPrio>iBest ) iBest = a[i].iPrio;
  }
  return iBest;
}

/*
** The deciding signal of words a[iFrom..iTo): every rule's matches, the
** highest priority kept where matches overlap, then the highest priority
** (the later on a tie). *pBest gets it, and *pbFound whether there is one.
** Returns STATUS_OK or STATUS_NOMEM.
*/
static int span_decide(const struct tok *a, int nTok, int iFrom, int iTo,
                       int iYear, struct sigs *pSigs, struct sig *pBest,
                       int *pbFound){
  int nSig, nKeep = 0, p, i, bFound = 0;
  struct sig *aSig;
  *pbFound = 0;
  if( span_match(a, nTok, iFrom, iTo, iYear, pSigs) ) return STATUS_NOMEM;
  aSig = pSigs->a;
  nSig = pSigs->n;
  /* keep by priority, highest first; nKeep signals move to the front */
  for(p=prio_below(aSig, nKeep, nSig, P_BLOCK+1); p>=0;
      p=prio_below(aSig, nKeep, nSig, p)){
    for(i=nKeep; i<nSig; i++){
      struct sig s = aSig[i];
      if( s.iPrio!=p ) continue;
      if( sig_overlaps(&s, aSig, nKeep) ) continue;
      aSig[i] = aSig[nKeep];
      aSig[nKeep++] = s;
    }
  }
  for(i=0; i<nKeep; i++){
    const struct sig *s = &aSig[i];
    if( s->bBlock || s->eClass==NO ) continue;
    if( !bFound || s->iPrio>pBest->iPrio
     || (s->iPrio==pBest->iPrio && s->iFirst>pBest->iFirst) ){
      *pBest = *s;
      bFound = 1;
    }
  }
  *pbFound = bFound;
  return STATUS_OK;
}

/* ---- the narrative ---- */

#define LIST_MAX 99
#define MIN_WORDS 3         /* fewer words and no signal: unknown */

/*
** The numbered items of a[0..nTok): aItem[k] is the index of the "k+1"
** of item k+1. Returns the number of items, 0 unless at least two.
*/
static int list_items(const struct tok *a, int nTok, int *aItem){
  int i, nItem = 0;
  for(i=0; i<nTok && nItem<LIST_MAX; i++){
    if( a[i].bListNum && a[i].iNum==nItem+1 ) aItem[nItem++] = i;
  }
  return nItem>=2 ? nItem : 0;
}

/* Per-class counts and first evidence of a list's items. */
struct tally {
  int n[STATUS_NCLASS];
  int bSig[STATUS_NCLASS];
  struct sig first[STATUS_NCLASS];
};

/* Count the class of words a[iFrom..iTo) into pTally. */
static int tally_span(const struct tok *a, int nTok, int iFrom, int iTo,
                      int iYear, struct sigs *pSigs, struct tally *pTally){
  struct sig best;
  int bFound, e;
  if( span_decide(a, nTok, iFrom, iTo, iYear, pSigs, &best, &bFound) ){
    return STATUS_NOMEM;
  }
  e = bFound ? best.eClass : iTo-iFrom>0 ? ON : NO;
  pTally->n[e]++;
  if( bFound && !pTally->bSig[e] ){
    pTally->first[e] = best;
    pTally->bSig[e] = 1;
  }
  return STATUS_OK;
}

/*
** A list's class from its items': done items beside open ones are partly
** done; a dropped item beside continuing ones does not drop the row.
*/
static int tally_class(const struct tally *t){
  int nOpen = t->n[ON] + t->n[NS] + t->n[PD];
  if( t->n[DN]>0 && nOpen>0 ) return PD;
  if( t->n[PD]>0 ) return PD;
  if( t->n[DN]>0 ) return DN;
  if( t->n[DR]>0 && nOpen==0 ) return DR;
  if( t->n[ON]>0 ) return ON;
  if( t->n[NS]>0 ) return NS;
  return NO;
}

static void set_evidence(const struct tok *a, const struct sig *s,
                         struct status_result *pOut){
  pOut->iStart = a[s->iFrom].iStart;
  pOut->iEnd = a[s->iTo-1].iEnd;
}

/* Decide a numbered list of nItem items at aItem. */
static int decide_list(const struct tok *a, int nTok, const int *aItem,
                       int nItem, int iYear, struct sigs *pSigs,
                       struct status_result *pOut){
  struct tally t;
  int k, e;
  memset(&t, 0, sizeof(t));
  for(k=0; k<nItem; k++){
    int iTo = k+1<nItem ? aItem[k+1] : nTok;
    if( tally_span(a, nTok, aItem[k]+1, iTo, iYear, pSigs, &t) ){
      return STATUS_NOMEM;
    }
  }
  e = tally_class(&t);
  pOut->eClass = (enum status_class)e;
  if( e==PD && !t.bSig[PD] ) e = DN;    /* the done item tells it */
  if( t.bSig[e] ) set_evidence(a, &t.first[e], pOut);
  return STATUS_OK;
}

/* Decide the words a[0..nTok) into *pOut. */
static int decide(const struct tok *a, int nTok, int iYear,
                  struct sigs *pSigs, struct status_result *pOut){
  int aItem[LIST_MAX], nItem = list_items(a, nTok, aItem), bFound;
  struct sig best;
  if( nItem>0 ) return decide_list(a, nTok, aItem, nItem, iYear, pSigs, pOut);
  if( span_decide(a, nTok, 0, nTok, iYear, pSigs, &best, &bFound) ){
    return STATUS_NOMEM;
  }
  if( bFound ){
    pOut->eClass = (enum status_class)best.eClass;
    set_evidence(a, &best, pOut);
  }else if( nTok>=MIN_WORDS ){
    pOut->eClass = STATUS_ONGOING;
  }
  return STATUS_OK;
}

/* Is z[0..n) its own html_clean(): no markup, entity or extra space? */
static int text_is_clean(const char *z, size_t n){
  size_t i;
  if( n>0 && (z[0]==' ' || z[n-1]==' ') ) return 0;
  for(i=0; i<n; i++){
    char c = z[i];
    if( c=='<' || c=='&' || (c>='\t' && c<='\r') ) return 0;
    if( c==' ' && z[i+1]==' ' ) return 0;   /* z[n-1] is no space */
  }
  return 1;
}

#define TOK_STACK 64        /* words of a narrative kept on the stack */
#define SIG_STACK 32        /* signals of a span kept on the stack */

/*
** Classify the clean text z[0..n) into *pOut. The words and signals of a
** usual narrative fit on the stack; longer ones move to the heap.
*/
static int classify_clean(const struct rules *pR, const char *z, size_t n,
                          int iYear, struct status_result *pOut){
  struct tok aTok[TOK_STACK], *a;
  struct sig aSig[SIG_STACK];
  struct sigs sigs;
  int rc = STATUS_NOMEM, nTok;
  sigs.pR = pR;
  sigs.a = sigs.aStack = aSig;
  sigs.n = 0;
  sigs.nAlloc = SIG_STACK;
  nTok = tokenize(pR, z, n, aTok, TOK_STACK, &a);
  if( nTok>=0 ) rc = decide(a, nTok, iYear, &sigs, pOut);
  if( sigs.a!=aSig ) free(sigs.a);
  if( a!=aTok ) free(a);
  return rc;
}

int status_classify(const char *z, size_t n, int iYear,
                    struct status_result *pOut){
  const struct rules *pR = rules_get();
  char *zClean = 0;
  int rc = STATUS_NOMEM;
  pOut->eClass = STATUS_UNKNOWN;
  pOut->iStart = pOut->iEnd = 0;
  if( pR==0 ) return STATUS_NOMEM;
  if( text_is_clean(z, n) ){
    rc = classify_clean(pR, z, n, iYear, pOut);
  }else if( (zClean = malloc(n+1))!=0 ){
    if( n>0 ) memcpy(zClean, z, n);
    rc = classify_clean(pR, zClean, html_clean(zClean, n), iYear, pOut);
    free(zClean);
  }
  if( rc!=STATUS_OK ){
    pOut->eClass = STATUS_UNKNOWN;
    pOut->iStart = pOut->iEnd = 0;
  }
  return rc;
}

/* Each class's name is common/sclass.h's: the indexer's order puts unknown
** first, so a zeroed result is unknown. */
static const int aSclass[STATUS_NCLASS] = {
  SCLASS_UNKNOWN, SCLASS_NOT_STARTED, SCLASS_ONGOING, SCLASS_PARTLY_DONE,
  SCLASS_DONE, SCLASS_DROPPED
};

const char *status_class_name(enum status_class e){
  return sclass_name((int)e>=0 && e<STATUS_NCLASS ? aSclass[e]
                                                  : SCLASS_UNKNOWN);
}

int status_class_from_name(const char *z){
  int c = sclass_find(z, (int)strlen(z)), i;
  for(i=0; c>=0 && i<STATUS_NCLASS; i++) if( aSclass[i]==c ) return i;
  return -1;
}

