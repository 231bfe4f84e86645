/*
** fuzz_report.c: report_parse() (indexer/report.c) on whole files.
**
** Checks: REPORT_OK with a report and REPORT_REJECTED without one, never
** anything else (memory is not short here); a rejection is always
** explained by a warning; every warning names the file, has a line >= 0
** and a message; an accepted report has a real "YYYY-MM-DD" date, a title,
** rows numbered 1..n on increasing lines, and fields that are valid UTF-8
** (the parser repairs), NUL-free, trimmed, and never all three empty; and
** nothing is lost: every line of plain text with a TAB after the title is
** a row holding exactly its fields (fuzz_check_lines).
*/
#include <string.h>

#include "fuzz.h"
#include "../../indexer/report.h"

#define FUZZ_PATH "fuzz/report.txt"

struct fuzz_warnings {
  int n;
};

static void fuzz_warn(void *pCtx, const char *zPath, int iLine,
                      const char *zMsg){
  struct fuzz_warnings *w = pCtx;
  FUZZ_CHECK(strcmp(zPath, FUZZ_PATH)==0);
  FUZZ_CHECK(iLine>=0);
  FUZZ_CHECK(zMsg && zMsg[0]);
  w->n++;
}

static int fuzz_is_space(char c){
  return c==' ' || c=='\t' || c=='\n' || c=='\r' || c=='\f' || c=='\v';
}

/* A cleaned field: its length, valid UTF-8, no white space at the ends. */
static void fuzz_field(const char *z, size_t n){
  FUZZ_CHECK(z!=0);
  FUZZ_CHECK(strlen(z)==n);
  FUZZ_CHECK(fuzz_utf8_ok((const unsigned char*)z, n));
  if( n>0 ) FUZZ_CHECK(!fuzz_is_space(z[0]) && !fuzz_is_space(z[n-1]));
}

static void fuzz_date(const char *z){
  static const int aDays[] = {31,29,31,30,31,30,31,31,30,31,30,31};
  int i, y, m, d;
  FUZZ_CHECK(strlen(z)==10 && z[4]=='-' && z[7]=='-');
  for(i=0; i<10; i++) if( i!=4 && i!=7 ) FUZZ_CHECK(z[i]>='0' && z[i]<='9');
  y = atoi(z); m = atoi(z+5); d = atoi(z+8);
  FUZZ_CHECK(m>=1 && m<=12 && d>=1 && d<=aDays[m-1]);
  if( m==2 && d==29 ) FUZZ_CHECK((y%4==0 && y%100!=0) || y%400==0);
}

/*
** Collapse z[0..n) as html_clean would for text without markup (runs of
** spaces to one, none at the ends) into zOut; return the length.
*/
static size_t fuzz_collapse(const char *z, size_t n, char *zOut){
  size_t i, o = 0;
  for(i=0; i<n; i++){
    if( z[i]==' ' || z[i]=='\t' ){
      if( o>0 && zOut[o-1]!=' ' ) zOut[o++] = ' ';
    }else{
      zOut[o++] = z[i];
    }
  }
  if( o>0 && zOut[o-1]==' ' ) o--;
  zOut[o] = 0;
  return o;
}

/*
** Nothing is lost: the data line z[0..n) (line iLine, plain printable
** ASCII without markup, at least one TAB) must be a row of r with its
** fields as report.h says (2 fields: empty source; 4+: the rest joined
** into the status, which a continuation line may extend).
*/
static void fuzz_check_line(const struct report *r, int iLine,
                            const char *z, size_t n){
  const char *zTab1 = memchr(z, '\t', n), *zTab2;
  char *a = malloc(3*(n+1)), *azWant[3];
  size_t anWant[3];
  int i, k;
  if( a==0 ) return;
  for(k=0; k<3; k++) azWant[k] = a + k*(n+1);
  zTab2 = memchr(zTab1+1, '\t', (size_t)(z+n-zTab1-1));
  anWant[0] = fuzz_collapse(z, (size_t)(zTab1-z), azWant[0]);
  if( zTab2==0 ){
    anWant[1] = fuzz_collapse("", 0, azWant[1]);
    anWant[2] = fuzz_collapse(zTab1+1, (size_t)(z+n-zTab1-1), azWant[2]);
  }else{
    anWant[1] = fuzz_collapse(zTab1+1, (size_t)(zTab2-zTab1-1), azWant[1]);
    anWant[2] = fuzz_collapse(zTab2+1, (size_t)(z+n-zTab2-1), azWant[2]);
  }
  if( anWant[0]+anWant[1]+anWant[2]>0 ){
    const struct report_row *p = 0;
    for(i=0; i<r->nRow && p==0; i++) if( r->aRow[i].iLine==iLine ) p = &r->aRow[i];
    if( p==0 ) fprintf(stderr, "fuzz: line %d: no row\n", iLine);
    FUZZ_CHECK(p!=0);
    FUZZ_CHECK(p->nAssignment==anWant[0]
               && memcmp(p->zAssignment, azWant[0], anWant[0])==0);
    FUZZ_CHECK(p->nSource==anWant[1]
               && memcmp(p->zSource, azWant[1], anWant[1])==0);
    FUZZ_CHECK(p->nStatus>=anWant[2]
               && memcmp(p->zStatus, azWant[2], anWant[2])==0);
    FUZZ_CHECK(anWant[2]==0 || p->nStatus==anWant[2]
               || p->zStatus[anWant[2]]==' ');
  }
  free(a);
}

/* Every plain data line after the title line is a row (see above). */
static void fuzz_check_lines(const struct report *r, const char *z, size_t n){
  size_t s = 0;
  int iLine = 0, bTitle = 0;
  while( s<=n ){
    const char *zNl = memchr(z+s, '\n', n-s);
    size_t e = zNl ? (size_t)(zNl-z) : n, k;
    int bPlain = 1, bTab = 0, bBlank = 1;
    iLine++;
    for(k=s; k<e; k++){
      char c = z[k];
      if( c=='\t' ) bTab = 1;
      else if( c<' ' || c>'~' || c=='<' || c=='&' ) bPlain = 0;
      if( c!=' ' && c!='\t' ) bBlank = 0;
    }
    if( bTitle && bPlain && bTab ) fuzz_check_line(r, iLine, z+s, e-s);
    if( !bBlank ) bTitle = 1;
    if( zNl==0 ) break;
    s = e+1;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  struct fuzz_warnings w = {0};
  struct report *r = (struct report*)1;
  int rc = report_parse(FUZZ_PATH, (const char*)aData, nData, fuzz_warn, &w,
                        &r);
  int i;
  FUZZ_CHECK(rc==REPORT_OK || rc==REPORT_REJECTED);
  FUZZ_CHECK((rc==REPORT_OK)==(r!=0));
  if( rc==REPORT_REJECTED ) FUZZ_CHECK(w.n>0);
  if( r ){
    fuzz_date(r->zDate);
    FUZZ_CHECK(r->zTitle!=0);
    FUZZ_CHECK(fuzz_utf8_ok((const unsigned char*)r->zTitle, strlen(r->zTitle)));
    FUZZ_CHECK(r->nRow>=0);
    if( r->nRow==0 ) FUZZ_CHECK(w.n>0);
    for(i=0; i<r->nRow; i++){
      const struct report_row *p = &r->aRow[i];
      FUZZ_CHECK(p->iRow==i+1);
      FUZZ_CHECK(p->iLine>=1);
      if( i>0 ) FUZZ_CHECK(p->iLine>r->aRow[i-1].iLine);
      fuzz_field(p->zAssignment, p->nAssignment);
      fuzz_field(p->zSource, p->nSource);
      fuzz_field(p->zStatus, p->nStatus);
      FUZZ_CHECK(p->nAssignment+p->nSource+p->nStatus>0);
    }
    fuzz_check_lines(r, (const char*)aData, nData);
  }
  report_free(r);
  return 0;
}
