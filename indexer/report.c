/*
** report.c: the report file parser. See report.h for the accepted format
** and how each kind of bad input is handled.
*/
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html.h"
#include "report.h"
#include "utf8.h"

#define REPORT_TITLE \
  "\xC3\x85terrapportering av regionstyrelsens uppdrag till regiondirekt" \
  "\xC3\xB6ren"
#define REPORT_BINARY_PROBE 8192

/* Raw field spans of a row, offsets into the text, before cleaning. */
struct report_span {
  int iLine;
  size_t aStart[3], aEnd[3];
};

/* Parser state for one file. */
struct report_parse {
  const char *zPath;
  report_warn_fn xWarn;
  void *pCtx;
  char *z;                   /* repaired text, NUL-terminated */
  size_t n;
  struct report_span *aSpan; /* rows found so far */
  int nSpan, nAlloc;
};

static void report_warn(struct report_parse *p, int iLine, const char *zFmt,
                        ...) __attribute__((format(printf, 3, 4)));
static void report_warn(struct report_parse *p, int iLine, const char *zFmt,
                        ...){
  char zMsg[300];
  va_list ap;
  if( p->xWarn==0 ) return;
  va_start(ap, zFmt);
  vsnprintf(zMsg, sizeof(zMsg), zFmt, ap);
  va_end(ap);
  p->xWarn(p->pCtx, p->zPath, iLine, zMsg);
}

/*
** Copy the n bytes at z to a new NUL-terminated buffer, each invalid byte
** replaced with U+FFFD (3 bytes), warning once per line that had any.
*/
static int report_repair(struct report_parse *p, const char *zIn, size_t n){
  const unsigned char *z = (const unsigned char*)zIn;
  size_t i = 0, o = 0, nBad = 0, nLineBad = 0;
  int iLine = 1;
  char *zOut;
  for(i=0; i<n; ){                   /* count first: most files are valid */
    int len;
    if( z[i]>0 && z[i]<0x80 ){ i++; continue; }     /* ASCII fast path */
    len = z[i] ? utf8_len(&z[i], n-i) : 0;          /* NUL is invalid */
    if( len==0 ){ nBad++; i++; }else i += (size_t)len;
  }
  zOut = malloc(n + 2*nBad + 1);
  if( zOut==0 ) return REPORT_NOMEM;
  if( nBad==0 ){
    memcpy(zOut, z, n);
    o = n;
  }
  for(i=0; nBad>0 && i<=n; ){
    int len = i<n && z[i] ? utf8_len(&z[i], n-i) : 0;
    if( i==n || z[i]=='\n' ){
      if( nLineBad ){
        report_warn(p, iLine, "invalid UTF-8: %ld byte(s) replaced with "
                    "U+FFFD", (long)nLineBad);
      }
      nLineBad = 0;
      iLine++;
      if( i==n ) break;
    }
    if( len>0 ){
      memcpy(&zOut[o], &z[i], (size_t)len); o += (size_t)len; i += (size_t)len;
    }else{
      memcpy(&zOut[o], "\xEF\xBF\xBD", 3); o += 3; i++; nLineBad++;
    }
  }
  zOut[o] = 0;
  p->z = zOut;
  p->n = o;
  return REPORT_OK;
}

static int report_is_blank(const char *z, size_t n){
  size_t i;
  for(i=0; i<n; i++){
    if( z[i]!=' ' && z[i]!='\t' && z[i]!='\r' && z[i]!='\f' && z[i]!='\v' ){
      return 0;
    }
  }
  return 1;
}

/* Is zDate (10 bytes) a real calendar date YYYY-MM-DD? */
static int report_date_ok(const char *z){
  static const int aDays[12] = {31,29,31,30,31,30,31,31,30,31,30,31};
  int y, m, d, i;
  for(i=0; i<10; i++){
    int bDash = (i==4 || i==7);
    if( bDash ? z[i]!='-' : (z[i]<'0' || z[i]>'9') ) return 0;
  }
  y = atoi(z); m = atoi(z+5); d = atoi(z+8);
  if( y<1900 || m<1 || m>12 || d<1 || d>aDays[m-1] ) return 0;
  if( m==2 && d==29 && !((y%4==0 && y%100!=0) || y%400==0) ) return 0;
  return 1;
}

/* Check the title line z[0..n) and fill the report's date and title. */
static int report_title(struct report_parse *p, int iLine, char *z, size_t n,
                        struct report *pReport){
  size_t nPre = sizeof(REPORT_TITLE)-1, i;
  while( n>0 && (z[0]==' ' || z[0]=='\t') ){ z++; n--; }
  while( n>0 && (z[n-1]==' ' || z[n-1]=='\t' || z[n-1]=='\r') ) n--;
  if( n<nPre || memcmp(z, REPORT_TITLE, nPre)!=0 ){
    report_warn(p, iLine, "rejected: no title line (the first non-blank line "
                "must be 'Återrapportering av regionstyrelsens uppdrag till "
                "regiondirektören YYYY-MM-DD')");
    return REPORT_REJECTED;
  }
  for(i=nPre; i<n && (z[i]==' ' || z[i]=='\t'); i++){}
  if( i==nPre || n-i!=10 || !report_date_ok(&z[i]) ){
    report_warn(p, iLine, "rejected: the title line has no valid date "
                "YYYY-MM-DD at its end");
    return REPORT_REJECTED;
  }
  memcpy(pReport->zDate, &z[i], 10);
  pReport->zDate[10] = 0;
  z[n] = 0;                    /* the line's end: a newline, CR or NUL */
  pReport->zTitle = z;
  return REPORT_OK;
}

static struct report_span *report_new_span(struct report_parse *p, int iLine){
  struct report_span *pSpan;
  if( p->nSpan==p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 64;
    struct report_span *aNew = realloc(p->aSpan, sizeof(*aNew)*(size_t)nNew);
    if( aNew==0 ) return 0;
    p->aSpan = aNew;
    p->nAlloc = nNew;
  }
  pSpan = &p->aSpan[p->nSpan++];
  memset(pSpan, 0, sizeof(*pSpan));
  pSpan->iLine = iLine;
  return pSpan;
}

/*
** Take the data line z[s..e) (line iLine). bJoin: the previous line was a
** data row, so a line without TAB continues its status.
*/
static int report_line(struct report_parse *p, int iLine, size_t s, size_t e,
                       int bJoin, int *pbRow){
  size_t aTab[2], k;
  int nTab = 0;
  struct report_span *pSpan;
  *pbRow = 0;
  for(k=s; k<e; k++){
    if( p->z[k]=='\t' ){ if( nTab<2 ) aTab[nTab] = k; nTab++; }
  }
  if( nTab==0 ){
    if( bJoin ){
      report_warn(p, iLine, "no TAB: taken as a line break in the status "
                  "of the row on line %ld", (long)p->aSpan[p->nSpan-1].iLine);
      p->aSpan[p->nSpan-1].aEnd[2] = e;
      *pbRow = 1;
      return REPORT_OK;
    }
    report_warn(p, iLine, "skipped: not a data row (no TAB; a row has 3 "
                "TAB-separated fields)");
    return REPORT_OK;
  }
  pSpan = report_new_span(p, iLine);
  if( pSpan==0 ) return REPORT_NOMEM;
  pSpan->aStart[0] = s;  pSpan->aEnd[0] = aTab[0];
  if( nTab==1 ){
    report_warn(p, iLine, "2 fields, not 3: taken as assignment and status, "
                "with an empty source");
    pSpan->aStart[1] = pSpan->aEnd[1] = aTab[0];
    pSpan->aStart[2] = aTab[0]+1;
  }else{
    if( nTab>2 ){
      report_warn(p, iLine, "%ld fields, not 3: fields 3 to %ld joined into "
                  "the status", (long)nTab+1, (long)nTab+1);
    }
    pSpan->aStart[1] = aTab[0]+1;  pSpan->aEnd[1] = aTab[1];
    pSpan->aStart[2] = aTab[1]+1;
  }
  pSpan->aEnd[2] = e;
  *pbRow = 1;
  return REPORT_OK;
}

/* Split the text into lines: find the title, then the data rows. */
static int report_lines(struct report_parse *p, struct report *pReport){
  size_t s = 0;
  int iLine = 0, bTitle = 0, bJoin = 0, rc = REPORT_OK;
  while( rc==REPORT_OK ){
    char *zNl = memchr(&p->z[s], '\n', p->n-s);
    size_t e = zNl ? (size_t)(zNl-p->z) : p->n;
    size_t eLine = e;
    iLine++;
    if( eLine>s && p->z[eLine-1]=='\r' ) eLine--;
    if( report_is_blank(&p->z[s], eLine-s) ){
      bJoin = 0;
    }else if( !bTitle ){
      rc = report_title(p, iLine, &p->z[s], eLine-s, pReport);
      bTitle = 1;
    }else{
      rc = report_line(p, iLine, s, eLine, bJoin, &bJoin);
    }
    if( zNl==0 ) break;
    s = e+1;
  }
  return rc;
}

/* Clean the fields of every span in place and make the rows. */
static int report_finish(struct report_parse *p, struct report *pReport){
  int i;
  pReport->aRow = calloc((size_t)(p->nSpan ? p->nSpan : 1),
                         sizeof(struct report_row));
  if( pReport->aRow==0 ) return REPORT_NOMEM;
  for(i=0; i<p->nSpan; i++){
    struct report_span *pSpan = &p->aSpan[i];
    struct report_row *pRow = &pReport->aRow[pReport->nRow];
    const char **azField[3];
    size_t *anField[3];
    int k;
    azField[0] = &pRow->zAssignment; anField[0] = &pRow->nAssignment;
    azField[1] = &pRow->zSource;     anField[1] = &pRow->nSource;
    azField[2] = &pRow->zStatus;     anField[2] = &pRow->nStatus;
    for(k=0; k<3; k++){
      char *zField = &p->z[pSpan->aStart[k]];
      *anField[k] = html_clean(zField, pSpan->aEnd[k]-pSpan->aStart[k]);
      *azField[k] = zField;
    }
    if( pRow->nAssignment+pRow->nSource+pRow->nStatus==0 ){
      report_warn(p, pSpan->iLine, "skipped: all three fields are empty");
      continue;
    }
    if( pRow->nAssignment==0 ){
      report_warn(p, pSpan->iLine, "the assignment (first field) is empty");
    }
    pRow->iLine = pSpan->iLine;
    pRow->iRow = ++pReport->nRow;
  }
  if( pReport->nRow==0 ) report_warn(p, 0, "no data rows");
  return REPORT_OK;
}

/* Reject empty, blank and binary input before anything else. */
static int report_precheck(struct report_parse *p, const char *z, size_t n){
  size_t nProbe = n<REPORT_BINARY_PROBE ? n : REPORT_BINARY_PROBE;
  size_t i;
  if( memchr(z, 0, nProbe) ){
    report_warn(p, 0, "rejected: binary file (NUL bytes; UTF-16 text is "
                "not supported, convert it to UTF-8)");
    return REPORT_REJECTED;
  }
  for(i=0; i<n && (z[i]==' ' || z[i]=='\t' || z[i]=='\n' || z[i]=='\r'); i++){}
  if( i==n ){
    report_warn(p, 0, "rejected: %s", n ? "blank file" : "empty file");
    return REPORT_REJECTED;
  }
  return REPORT_OK;
}

int report_parse(const char *zPath, const char *z, size_t n,
                 report_warn_fn xWarn, void *pCtx, struct report **ppReport){
  struct report_parse p;
  struct report *pReport = 0;
  int rc;
  memset(&p, 0, sizeof(p));
  p.zPath = zPath;
  p.xWarn = xWarn;
  p.pCtx = pCtx;
  *ppReport = 0;
  if( n>=3 && memcmp(z, "\xEF\xBB\xBF", 3)==0 ){ z += 3; n -= 3; }
  rc = report_precheck(&p, z, n);
  if( rc==REPORT_OK ) rc = report_repair(&p, z, n);
  if( rc==REPORT_OK ){
    pReport = calloc(1, sizeof(*pReport));
    if( pReport==0 ) rc = REPORT_NOMEM;
  }
  if( rc==REPORT_OK ){
    pReport->zText = p.z;      /* the report owns it from here */
    rc = report_lines(&p, pReport);
  }
  if( rc==REPORT_OK && pReport->zTitle==0 ){
    report_warn(&p, 0, "rejected: no title line");
    rc = REPORT_REJECTED;
  }
  if( rc==REPORT_OK ) rc = report_finish(&p, pReport);
  if( rc!=REPORT_OK ){
    if( pReport==0 ) free(p.z);
    report_free(pReport);
    pReport = 0;
  }
  free(p.aSpan);
  *ppReport = pReport;
  return rc;
}

void report_free(struct report *pReport){
  if( pReport==0 ) return;
  free(pReport->aRow);
  free(pReport->zText);
  free(pReport);
}

/* Read exactly n bytes from fd into z; -1 on error or early end. */
static int report_read_all(int fd, char *z, size_t n){
  size_t got = 0;
  while( got<n ){
    ssize_t r = read(fd, &z[got], n-got);
    if( r<0 && errno==EINTR ) continue;
    if( r<=0 ) return -1;
    got += (size_t)r;
  }
  return 0;
}

int report_read(const char *zPath, report_warn_fn xWarn, void *pCtx,
                char **pz, size_t *pn){
  struct report_parse p;
  struct stat st;
  char *z = 0;
  int rc = REPORT_REJECTED;
  /* O_NONBLOCK: a FIFO put where a listed file was must not block the
  ** reader (it is refused below); O_NOFOLLOW: listed paths are canonical,
  ** so a link there now was swapped in after the listing. */
  int fd = open(zPath, O_RDONLY|O_CLOEXEC|O_NONBLOCK|O_NOFOLLOW);
  memset(&p, 0, sizeof(p));
  p.zPath = zPath; p.xWarn = xWarn; p.pCtx = pCtx;
  *pz = 0;
  *pn = 0;
  if( fd<0 || fstat(fd, &st)!=0 ){
    report_warn(&p, 0, "rejected: cannot read: %s", strerror(errno));
    goto out;
  }
  if( !S_ISREG(st.st_mode) ){
    report_warn(&p, 0, "rejected: not a regular file");
    goto out;
  }
  if( (unsigned long long)st.st_size>REPORT_MAX_BYTES ){
    report_warn(&p, 0, "rejected: larger than %zu MiB", REPORT_MAX_BYTES>>20);
    goto out;
  }
  z = malloc((size_t)st.st_size + 1);
  if( z==0 ){ rc = REPORT_NOMEM; goto out; }
  if( report_read_all(fd, z, (size_t)st.st_size)!=0 ){
    report_warn(&p, 0, "rejected: read error (file changed while read?)");
    goto out;
  }
  z[st.st_size] = 0;
  *pz = z;
  *pn = (size_t)st.st_size;
  z = 0;
  rc = REPORT_OK;
out:
  free(z);
  if( fd>=0 ) close(fd);
  return rc;
}
