/*
** html.c: strip tags, decode entities, collapse white space, in place.
*/
#include <string.h>

#include "html.h"

#define HTML_DROP  (-1L)          /* entity decodes to nothing */
#define HTML_FFFD  0xFFFDL

struct html_named { const char *zName; long cp; };

/*
** The HTML 4 entity set (Latin-1, special, and the symbols and Greek
** letters likely in Swedish administrative text). Entities are rare (about
** 1 % of rows), so a linear scan is cheap enough and keeps the table in
** code-point order, easy to check against the standard.
*/
static const struct html_named aNamed[] = {
  {"quot",34},{"amp",38},{"apos",39},{"lt",60},{"gt",62},
  {"nbsp",160},{"iexcl",161},{"cent",162},{"pound",163},{"curren",164},
  {"yen",165},{"brvbar",166},{"sect",167},{"uml",168},{"copy",169},
  {"ordf",170},{"laquo",171},{"not",172},{"shy",HTML_DROP},{"reg",174},
  {"macr",175},{"deg",176},{"plusmn",177},{"sup2",178},{"sup3",179},
  {"acute",180},{"micro",181},{"para",182},{"middot",183},{"cedil",184},
  {"sup1",185},{"ordm",186},{"raquo",187},{"frac14",188},{"frac12",189},
  {"frac34",190},{"iquest",191},{"Agrave",192},{"Aacute",193},
  {"Acirc",194},{"Atilde",195},{"Auml",196},{"Aring",197},{"AElig",198},
  {"Ccedil",199},{"Egrave",200},{"Eacute",201},{"Ecirc",202},{"Euml",203},
  {"Igrave",204},{"Iacute",205},{"Icirc",206},{"Iuml",207},{"ETH",208},
  {"Ntilde",209},{"Ograve",210},{"Oacute",211},{"Ocirc",212},
  {"Otilde",213},{"Ouml",214},{"times",215},{"Oslash",216},{"Ugrave",217},
  {"Uacute",218},{"Ucirc",219},{"Uuml",220},{"Yacute",221},{"THORN",222},
  {"szlig",223},{"agrave",224},{"aacute",225},{"acirc",226},{"atilde",227},
  {"auml",228},{"aring",229},{"aelig",230},{"ccedil",231},{"egrave",232},
  {"eacute",233},{"ecirc",234},{"euml",235},{"igrave",236},{"iacute",237},
  {"icirc",238},{"iuml",239},{"eth",240},{"ntilde",241},{"ograve",242},
  {"oacute",243},{"ocirc",244},{"otilde",245},{"ouml",246},{"divide",247},
  {"oslash",248},{"ugrave",249},{"uacute",250},{"ucirc",251},{"uuml",252},
  {"yacute",253},{"thorn",254},{"yuml",255},
  {"OElig",338},{"oelig",339},{"Scaron",352},{"scaron",353},{"Yuml",376},
  {"fnof",402},{"circ",710},{"tilde",732},
  {"Alpha",913},{"Beta",914},{"Gamma",915},{"Delta",916},{"Omega",937},
  {"alpha",945},{"beta",946},{"gamma",947},{"delta",948},{"epsilon",949},
  {"lambda",955},{"mu",956},{"pi",960},{"sigma",963},{"omega",969},
  {"ensp",8194},{"emsp",8195},{"thinsp",8201},{"zwnj",HTML_DROP},
  {"zwj",HTML_DROP},{"lrm",HTML_DROP},{"rlm",HTML_DROP},{"ndash",8211},
  {"mdash",8212},{"lsquo",8216},{"rsquo",8217},{"sbquo",8218},
  {"ldquo",8220},{"rdquo",8221},{"bdquo",8222},{"dagger",8224},
  {"Dagger",8225},{"bull",8226},{"hellip",8230},{"permil",8240},
  {"prime",8242},{"Prime",8243},{"lsaquo",8249},{"rsaquo",8250},
  {"oline",8254},{"frasl",8260},{"euro",8364},{"trade",8482},
  {"larr",8592},{"uarr",8593},{"rarr",8594},{"darr",8595},{"harr",8596},
  {"minus",8722},{"radic",8730},{"infin",8734},{"asymp",8776},{"ne",8800},
  {"le",8804},{"ge",8805},{"loz",9674},
};

/*
** &#128; to &#159; name C1 controls, but exports made on Windows mean the
** Windows-1252 characters there (&#150; is an en dash), as browsers read
** them. 0 marks the five unassigned positions.
*/
static const long aCp1252[32] = {
  8364,0,8218,402,8222,8230,8224,8225,710,8240,352,8249,338,0,381,0,
  0,8216,8217,8220,8221,8226,8211,8212,732,8482,353,8250,339,0,382,376
};

/*
** Inline tags vanish without a word break; every other tag (block tags and
** tags we do not know) breaks words, the safe choice for unknown markup.
*/
static const char *const azInline[] = {
  "a","abbr","b","bdi","bdo","big","cite","code","del","dfn","em","font",
  "i","ins","kbd","mark","q","s","samp","small","span","strike","strong",
  "sub","sup","tt","u","var","wbr",
};

/* Encode cp as UTF-8 at z (room for 4); return the length. */
static int html_utf8(long cp, char *z){
  if( cp<0 || cp>0x10FFFF || cp==0 || (cp>=0xD800 && cp<=0xDFFF) ){
    cp = HTML_FFFD;
  }
  if( cp<0x80 ){ z[0] = (char)cp; return 1; }
  if( cp<0x800 ){
    z[0] = (char)(0xC0 | (cp>>6));
    z[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if( cp<0x10000 ){
    z[0] = (char)(0xE0 | (cp>>12));
    z[1] = (char)(0x80 | ((cp>>6) & 0x3F));
    z[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  z[0] = (char)(0xF0 | (cp>>18));
  z[1] = (char)(0x80 | ((cp>>12) & 0x3F));
  z[2] = (char)(0x80 | ((cp>>6) & 0x3F));
  z[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

int html_entity(const char *zName, size_t n, char *zOut){
  size_t i;
  for(i=0; i<sizeof(aNamed)/sizeof(aNamed[0]); i++){
    if( strlen(aNamed[i].zName)==n && memcmp(aNamed[i].zName, zName, n)==0 ){
      if( aNamed[i].cp==HTML_DROP ) return 0;
      return html_utf8(aNamed[i].cp, zOut);
    }
  }
  return -1;
}

/* Parse the digits of a numeric entity (after "&#"); -1 if malformed. */
static long html_number(const char *z, size_t n){
  int base = 10;
  long cp = 0;
  size_t i = 0;
  if( n>0 && (z[0]=='x' || z[0]=='X') ){ base = 16; i = 1; }
  if( i>=n || n-i>8 ) return -1;
  for(; i<n; i++){
    int c = (unsigned char)z[i], d;
    if( c>='0' && c<='9' ) d = c-'0';
    else if( base==16 && c>='a' && c<='f' ) d = c-'a'+10;
    else if( base==16 && c>='A' && c<='F' ) d = c-'A'+10;
    else return -1;
    cp = cp*base + d;
  }
  if( cp>=128 && cp<160 ) cp = aCp1252[cp-128] ? aCp1252[cp-128] : HTML_FFFD;
  if( cp>0x10FFFF ) cp = HTML_FFFD;
  return cp;
}

/*
** Decode the entity at z[i]=='&' (of n bytes in all). On success write the
** text to zOut, set *pnOut and return the bytes consumed; return 0 if this
** `&` starts no entity.
*/
static size_t html_decode(const char *z, size_t i, size_t n, char *zOut,
                          int *pnOut){
  size_t j = i+1;
  while( j<n && j-i<=10 && z[j]!=';' && z[j]!='&' && z[j]!=' ' ) j++;
  if( j>=n || z[j]!=';' || j==i+1 ) return 0;
  if( z[i+1]=='#' ){
    long cp = html_number(&z[i+2], j-i-2);
    if( cp<0 ) return 0;
    *pnOut = cp==160 ? (zOut[0]=' ', 1) : html_utf8(cp, zOut);
  }else{
    int nOut = html_entity(&z[i+1], j-i-1, zOut);
    if( nOut<0 ) return 0;
    if( nOut==2 && memcmp(zOut, "\xC2\xA0", 2)==0 ){ zOut[0] = ' '; nOut = 1; }
    *pnOut = nOut;
  }
  return j+1-i;
}

/* Is the tag name at z (n bytes, any case) one of azInline? */
static int html_is_inline(const char *z, size_t n){
  size_t i, k;
  for(i=0; i<sizeof(azInline)/sizeof(azInline[0]); i++){
    const char *zTag = azInline[i];
    if( strlen(zTag)!=n ) continue;
    for(k=0; k<n && (z[k]|0x20)==zTag[k]; k++){}
    if( k==n ) return 1;
  }
  return 0;
}

/*
** If a tag or comment starts at z[i]=='<', return its length and set
** *pbBreak to whether it breaks words; else return 0 (a literal `<`).
*/
static size_t html_tag(const char *z, size_t i, size_t n, int *pbBreak){
  size_t j = i+1, k, e;
  int c = j<n ? (unsigned char)z[j] : 0;
  char q = 0;
  if( !((c|0x20)>='a' && (c|0x20)<='z') && c!='/' && c!='!' && c!='?' ){
    return 0;
  }
  *pbBreak = 1;
  if( n-i>=4 && memcmp(&z[i], "<!--", 4)==0 ){
    const char *zEnd = memmem(&z[i+4], n-i-4, "-->", 3);
    return zEnd ? (size_t)(zEnd+3-&z[i]) : 0;
  }
  if( c=='/' ) j++;
  for(e=j; e<n && ((z[e]|0x20)>='a' && (z[e]|0x20)<='z'); e++){}
  for(k=e; k<n; k++){                     /* quotes may hide a `>` */
    if( q ){ if( z[k]==q ) q = 0; }
    else if( z[k]=='"' || z[k]=='\'' ) q = z[k];
    else if( z[k]=='>' ) break;
  }
  if( k>=n ){                             /* unbalanced quote: first `>` */
    const char *zGt = memchr(&z[i], '>', n-i);
    if( zGt==0 ) return 0;
    k = (size_t)(zGt-z);
  }
  if( c!='!' && c!='?' && html_is_inline(&z[j], e-j) ) *pbBreak = 0;
  return k+1-i;
}

static int html_is_space(int c){
  return c==' ' || c=='\t' || c=='\n' || c=='\r' || c=='\f' || c=='\v';
}

size_t html_clean(char *z, size_t n){
  size_t i = 0, o = 0;
  int bSpace = 0;                 /* a word break is due before next text */
  while( i<n ){
    char aBuf[4];
    int nBuf = 0, bBreak = 0, k;
    size_t nUsed = 0;
    int c = (unsigned char)z[i];
    if( html_is_space(c) ){
      bSpace = 1; i++; continue;
    }
    if( c=='<' && (nUsed = html_tag(z, i, n, &bBreak))>0 ){
      bSpace |= bBreak; i += nUsed; continue;
    }
    if( c=='&' && (nUsed = html_decode(z, i, n, aBuf, &nBuf))>0 ){
      i += nUsed;
      /* &nbsp; and white space written as &#9; &#10; &#32; ... */
      if( nBuf==1 && html_is_space(aBuf[0]) ){ bSpace = 1; continue; }
    }else{
      aBuf[0] = (char)c; nBuf = 1; i++;
    }
    if( nBuf==0 ) continue;
    if( bSpace && o>0 ) z[o++] = ' ';
    bSpace = 0;
    for(k=0; k<nBuf; k++) z[o++] = aBuf[k];
  }
  z[o] = 0;
  return o;
}
