/*
** link_eval.c: measure assignment linking (indexer/assign.c) and status
** classes (indexer/status.c) against a truth file.
**
**   link_eval DIR [TRUTH.tsv]
**
** Reads every report under DIR (files.c: *.txt, recursively) with the
** indexer's parser; a series is the reports of one folder. Links each
** series with assign_link() and classifies each row with
** status_classify(). Prints the series, rows and assignments found and the
** links between rows of different reports. With TRUTH.tsv (gen-reports
** --lifecycle --truth, tools/gen-corpus --series --truth: file relative
** to DIR, row, assignment id, status class in gen-reports' Swedish names
** or status.h's) also precision and recall over pairs of
** rows of one series that are the same assignment, the links between
** series (always 0: linking is per series, counted to show it), status
** accuracy and the confusion table. LINK_EVAL_DUMP=status|link in the
** environment prints each miss on stderr. LINK_EVAL_DB=INDEX measures what
** the indexer wrote instead: each row's assignment_id and status_class
** read back from INDEX (an index of DIR made by build/indexer). Exit 0, or
** 1 on an error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "../indexer/assign.h"
#include "../indexer/files.h"
#include "../indexer/report.h"
#include "../indexer/status.h"

/* One row as read and as classified. */
struct erow {
  const char *zFile;        /* path relative to DIR */
  int iFile, iSeries;
  const struct report_row *p;
  const char *zDate;
  int iCluster;             /* global assignment number */
  int eClass;               /* classified */
  const char *zTruthId;     /* NULL if not in the truth file */
  int eTruth;
};

struct truth {
  char *zFile;
  int iRow;
  char *zId;
  int eClass;
};

struct eval {
  struct files files;
  struct report **apReport;
  char **azRel;             /* per file: path relative to DIR */
  int *aSeries;             /* per file: series number */
  int nSeries;
  struct erow *aRow;
  int nRow;
  struct truth *aTruth;
  int nTruth;
  char *zTruthText;
  int bNoStatus;            /* link without the rows' status classes */
};

static const char *const azSwedish[STATUS_NCLASS] = {
  "okant", "ej_paborjat", "pagar", "delvis", "klart", "utgar"
};

static void ignore_warning(void *pCtx, const char *zPath, int iLine,
                           const char *zMsg){
  (void)pCtx; (void)zPath; (void)iLine; (void)zMsg;
}

static int truth_cmp(const void *pa, const void *pb){
  const struct truth *a = pa, *b = pb;
  int c = strcmp(a->zFile, b->zFile);
  return c ? c : (a->iRow>b->iRow) - (a->iRow<b->iRow);
}

/* Load the truth TSV (in place in its text). Returns 0 or -1. */
static int truth_load(struct eval *p, const char *zPath){
  size_t n;
  char *z, *zLine, *zNext;
  int nAlloc = 0;
  if( report_read(zPath, ignore_warning, 0, &p->zTruthText, &n)!=REPORT_OK ){
    return -1;
  }
  z = p->zTruthText;
  for(zLine=z; zLine && *zLine; zLine=zNext){
    char *az[4];
    int k, e;
    zNext = strchr(zLine, '\n');
    if( zNext ) *zNext++ = 0;
    for(k=0; k<4; k++){
      az[k] = zLine;
      zLine = zLine ? strchr(zLine, '\t') : 0;
      if( zLine ) *zLine++ = 0;
    }
    if( az[3]==0 || strcmp(az[0], "file")==0 ) continue;
    for(e=0; e<STATUS_NCLASS && strcmp(azSwedish[e], az[3]); e++){}
    if( e==STATUS_NCLASS && status_class_from_name(az[3])>=0 ){
      e = status_class_from_name(az[3]);
    }
    if( p->nTruth==nAlloc ){
      nAlloc = nAlloc ? 2*nAlloc : 1024;
      p->aTruth = realloc(p->aTruth, (size_t)nAlloc*sizeof(*p->aTruth));
      if( p->aTruth==0 ) return -1;
    }
    p->aTruth[p->nTruth].zFile = az[0];
    p->aTruth[p->nTruth].iRow = atoi(az[1]);
    p->aTruth[p->nTruth].zId = az[2];
    p->aTruth[p->nTruth++].eClass = e<STATUS_NCLASS ? e : -1;
  }
  qsort(p->aTruth, (size_t)p->nTruth, sizeof(*p->aTruth), truth_cmp);
  return 0;
}

static const struct truth *truth_find(const struct eval *p, const char *zFile,
                                      int iRow){
  struct truth k;
  k.zFile = (char*)zFile;
  k.iRow = iRow;
  return p->nTruth ? bsearch(&k, p->aTruth, (size_t)p->nTruth,
                             sizeof(k), truth_cmp) : 0;
}

/* Length of the folder part of a path (up to its last '/'). */
static size_t dir_len(const char *z){
  const char *s = strrchr(z, '/');
  return s ? (size_t)(s-z) : 0;
}

/* Read and parse every file; number the series (folders). */
static int read_all(struct eval *p, const char *zDir){
  char *zReal = realpath(zDir, 0);
  size_t nReal = zReal ? strlen(zReal) : 0, i;
  int nBad = 0;
  if( zReal==0 || files_add(&p->files, zDir, 0, ignore_warning, 0, &nBad) ){
    free(zReal);
    return -1;
  }
  files_sort(&p->files);
  p->apReport = calloc(p->files.n+1, sizeof(*p->apReport));
  p->azRel = calloc(p->files.n+1, sizeof(char*));
  p->aSeries = calloc(p->files.n+1, sizeof(int));
  if( !p->apReport || !p->azRel || !p->aSeries ){ free(zReal); return -1; }
  for(i=0; i<p->files.n; i++){
    const char *zPath = p->files.a[i].zPath;
    size_t j, n;
    char *z = 0;
    p->azRel[i] = (char*)zPath + (strncmp(zPath, zReal, nReal)==0
                                  && zPath[nReal]=='/' ? nReal+1 : 0);
    for(j=0; j<i; j++){
      if( dir_len(p->files.a[j].zPath)==dir_len(zPath)
       && strncmp(p->files.a[j].zPath, zPath, dir_len(zPath))==0 ) break;
    }
    p->aSeries[i] = j<i ? p->aSeries[j] : p->nSeries++;
    if( report_read(zPath, ignore_warning, 0, &z, &n)==REPORT_OK ){
      report_parse(zPath, z, n, ignore_warning, 0, &p->apReport[i]);
    }
    free(z);
  }
  free(zReal);
  return 0;
}

/* Collect the rows of series s into aRow from p->nRow on; link them. */
static int link_series(struct eval *p, int s, int *pnCluster){
  struct assign_row *a;
  struct assign_links *pLinks = 0;
  int n = 0, i0 = p->nRow, k;
  size_t i;
  for(i=0; i<p->files.n; i++){
    if( p->aSeries[i]==s && p->apReport[i] ) n += p->apReport[i]->nRow;
  }
  a = calloc((size_t)n+1, sizeof(*a));
  if( a==0 ) return -1;
  for(i=0; i<p->files.n; i++){
    struct report *r = p->apReport[i];
    if( p->aSeries[i]!=s || r==0 ) continue;
    for(k=0; k<r->nRow; k++){
      struct erow *e = &p->aRow[p->nRow];
      struct assign_row *ar = &a[p->nRow-i0];
      e->zFile = p->azRel[i];
      e->iFile = (int)i;
      e->iSeries = s;
      e->p = &r->aRow[k];
      e->zDate = r->zDate;
      ar->zDate = r->zDate;
      ar->zReport = p->files.a[i].zPath;
      ar->iRow = r->aRow[k].iRow;
      ar->zAssignment = r->aRow[k].zAssignment;
      ar->nAssignment = r->aRow[k].nAssignment;
      ar->zSource = r->aRow[k].zSource;
      ar->nSource = r->aRow[k].nSource;
      if( !p->bNoStatus ){
        struct status_result sr;
        if( status_classify(r->aRow[k].zStatus, r->aRow[k].nStatus,
                            atoi(r->zDate), &sr) ){
          free(a);
          return -1;
        }
        ar->eStatus = sr.eClass;
      }
      p->nRow++;
    }
  }
  if( assign_link(a, n, &pLinks)!=ASSIGN_OK ){ free(a); return -1; }
  for(k=0; k<n; k++) p->aRow[i0+k].iCluster = *pnCluster + pLinks->aCluster[k];
  *pnCluster += pLinks->nCluster;
  assign_links_free(pLinks);
  free(a);
  return 0;
}

/* Classify every row and attach its truth. */
static int classify_all(struct eval *p){
  int i;
  for(i=0; i<p->nRow; i++){
    struct erow *e = &p->aRow[i];
    const struct truth *t = truth_find(p, e->zFile, e->p->iRow);
    struct status_result r;
    if( status_classify(e->p->zStatus, e->p->nStatus, atoi(e->zDate), &r) ){
      return -1;
    }
    e->eClass = r.eClass;
    e->zTruthId = t ? t->zId : 0;
    e->eTruth = t ? t->eClass : -1;
    if( t && t->eClass!=(int)r.eClass && getenv("LINK_EVAL_DUMP")
     && strcmp(getenv("LINK_EVAL_DUMP"), "status")==0 ){
      fprintf(stderr, "%s\t%s\t[%.*s]\t%s\n", azSwedish[t->eClass],
              status_class_name(r.eClass), (int)(r.iEnd-r.iStart),
              e->p->zStatus+r.iStart, e->p->zStatus);
    }
  }
  return 0;
}

struct cell { int iSeries, a, b, s; };

static int cell_cmp(const void *pa, const void *pb){
  const struct cell *x = pa, *y = pb;
  if( x->iSeries!=y->iSeries ) return x->iSeries<y->iSeries ? -1 : 1;
  if( x->a!=y->a ) return x->a<y->a ? -1 : 1;
  return (x->b>y->b) - (x->b<y->b);
}

/* Sum over runs of equal (series, a[, b]) of C(run, 2). */
static double pairs_in_runs(struct cell *a, int n, int bUseB){
  double nPair = 0;
  int i = 0;
  qsort(a, (size_t)n, sizeof(*a), cell_cmp);
  while( i<n ){
    int j = i+1;
    while( j<n && a[j].iSeries==a[i].iSeries && a[j].a==a[i].a
        && (!bUseB || a[j].b==a[i].b) ) j++;
    nPair += (double)(j-i)*(j-i-1)/2;
    i = j;
  }
  return nPair;
}

static int str_ptr_cmp(const void *pa, const void *pb){
  return strcmp(*(char *const*)pa, *(char *const*)pb);
}

/*
** Pairs of rows in one assignment: predicted (*pnPred), true (*pnTrue),
** both (*pnBoth), over the rows that have a truth; predicted pairs of
** rows of two series (*pnCross).
*/
static int count_pairs(const struct eval *p, double *pnPred, double *pnTrue,
                       double *pnBoth, double *pnCross){
  struct cell *a = malloc((size_t)p->nRow*sizeof(*a) + 1);
  const char **az = malloc((size_t)p->nRow*sizeof(char*) + 1);
  int i, n = 0, nId = 0;
  if( a==0 || az==0 ){ free(a); free(az); return -1; }
  for(i=0; i<p->nRow; i++) if( p->aRow[i].zTruthId ) az[nId++] = p->aRow[i].zTruthId;
  qsort(az, (size_t)nId, sizeof(*az), str_ptr_cmp);
  for(i=0; i<p->nRow; i++){
    const struct erow *e = &p->aRow[i];
    const char **pz;
    if( e->zTruthId==0 ) continue;
    pz = bsearch(&e->zTruthId, az, (size_t)nId, sizeof(*az), str_ptr_cmp);
    a[n].iSeries = a[n].s = e->iSeries;
    a[n].a = e->iCluster;
    a[n++].b = (int)(pz-az);
  }
  *pnPred = pairs_in_runs(a, n, 0);
  *pnBoth = pairs_in_runs(a, n, 1);
  for(i=0; i<n; i++) a[i].iSeries = 0;
  *pnCross = pairs_in_runs(a, n, 0) - *pnPred;
  for(i=0; i<n; i++){
    int t = a[i].a;
    a[i].a = a[i].b;
    a[i].b = t;
    a[i].iSeries = a[i].s;
  }
  *pnTrue = pairs_in_runs(a, n, 0);
  free(a);
  free(az);
  return 0;
}

/* Print each split and merge of the truth's assignments on stderr. */
static void dump_links(const struct eval *p){
  int i, j;
  for(i=0; i<p->nRow; i++){
    const struct erow *e = &p->aRow[i];
    if( e->zTruthId==0 ) continue;
    for(j=i+1; j<p->nRow && p->aRow[j].iSeries==e->iSeries; j++){
      const struct erow *f = &p->aRow[j];
      int bSameT, bSameP;
      if( f->zTruthId==0 || f->iFile==e->iFile ) continue;
      bSameT = strcmp(f->zTruthId, e->zTruthId)==0;
      bSameP = f->iCluster==e->iCluster;
      if( bSameT==bSameP ){
        if( bSameT ) break;         /* next occurrence found and linked */
        continue;
      }
      fprintf(stderr, "%s %s %s|%s\n  %s | %s\n  %s | %s\n",
              bSameT ? "SPLIT" : "MERGE", e->zTruthId, e->zFile, f->zFile,
              e->p->zSource, e->p->zAssignment, f->p->zSource,
              f->p->zAssignment);
      if( bSameT ) break;
    }
  }
}

static void print_confusion(const struct eval *p){
  int aN[STATUS_NCLASS][STATUS_NCLASS], i, j, nOk = 0, nAll = 0;
  memset(aN, 0, sizeof(aN));
  for(i=0; i<p->nRow; i++){
    const struct erow *e = &p->aRow[i];
    if( e->eTruth<0 ) continue;
    aN[e->eTruth][e->eClass]++;
    nAll++;
    nOk += e->eTruth==e->eClass;
  }
  printf("status accuracy %.4f (%d of %d rows)\n", nAll ? (double)nOk/nAll : 0,
         nOk, nAll);
  printf("%-12s", "truth\\class");
  for(j=0; j<STATUS_NCLASS; j++) printf(" %11s", status_class_name(j));
  printf("\n");
  for(i=1; i<STATUS_NCLASS; i++){
    printf("%-12s", azSwedish[i]);
    for(j=0; j<STATUS_NCLASS; j++) printf(" %11d", aN[i][j]);
    printf("\n");
  }
}

/* Rows linked to a row of another report (the links of the series). */
static long links_between_reports(const struct eval *p){
  long n = 0;
  int i, j;
  for(i=0; i<p->nRow; i++){
    for(j=i+1; j<p->nRow && p->aRow[j].iSeries==p->aRow[i].iSeries; j++){
      n += p->aRow[j].iCluster==p->aRow[i].iCluster
        && p->aRow[j].iFile!=p->aRow[i].iFile;
    }
  }
  return n;
}

struct idrow { char *zId; int i; };

static int idrow_cmp(const void *pa, const void *pb){
  const struct idrow *a = pa, *b = pb;
  int c = strcmp(a->zId, b->zId);
  return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Read row i's assignment id (into a[i]) and class from the index. */
static int index_row(struct eval *p, sqlite3_stmt *pStmt, int i,
                     struct idrow *a){
  struct erow *e = &p->aRow[i];
  int rc, c;
  sqlite3_bind_text(pStmt, 1, p->files.a[e->iFile].zPath, -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 2, e->p->iRow);
  rc = sqlite3_step(pStmt);
  a[i].i = i;
  if( rc==SQLITE_ROW && sqlite3_column_text(pStmt, 0) ){
    a[i].zId = strdup((const char*)sqlite3_column_text(pStmt, 0));
    c = status_class_from_name((const char*)sqlite3_column_text(pStmt, 1));
    e->eClass = c<0 ? STATUS_UNKNOWN : c;
  }
  sqlite3_reset(pStmt);
  if( a[i].zId==0 ){
    fprintf(stderr, "link_eval: %s row %d: not linked in the index\n",
            e->zFile, e->p->iRow);
    return -1;
  }
  return 0;
}

/* Replace each row's assignment and class with what the index holds. */
static int from_index(struct eval *p, const char *zDb){
  sqlite3 *db = 0;
  sqlite3_stmt *pStmt = 0;
  struct idrow *a = calloc((size_t)p->nRow+1, sizeof(*a));
  int i, c = -1, rc = -1;
  if( a==0 || sqlite3_open_v2(zDb, &db, SQLITE_OPEN_READONLY, 0)
   || sqlite3_prepare_v2(db, "SELECT a.assignment_id, a.status_class"
        " FROM assignments a JOIN reports r ON r.id = a.report_id"
        " WHERE r.path = ?1 AND a.row = ?2", -1, &pStmt, 0) ){
    fprintf(stderr, "link_eval: %s: %s\n", zDb, db ? sqlite3_errmsg(db) : "");
    goto out;
  }
  for(i=0; i<p->nRow; i++) if( index_row(p, pStmt, i, a) ) goto out;
  qsort(a, (size_t)p->nRow, sizeof(*a), idrow_cmp);
  for(i=0; i<p->nRow; i++){
    if( i==0 || strcmp(a[i].zId, a[i-1].zId)!=0 ) c++;
    p->aRow[a[i].i].iCluster = c;
  }
  rc = 0;
out:
  for(i=0; a && i<p->nRow; i++) free(a[i].zId);
  free(a);
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  return rc;
}

int main(int argc, char **argv){
  struct eval E;
  int s, nCluster = 0, nRowAll = 0, rc = 1;
  size_t i;
  clock_t t0;
  double t;
  memset(&E, 0, sizeof(E));
  if( argc<2 || argc>3 ){
    fprintf(stderr, "usage: link_eval DIR [TRUTH.tsv]\n");
    return 1;
  }
  E.bNoStatus = getenv("LINK_EVAL_NO_STATUS")!=0;
  if( read_all(&E, argv[1]) ) goto out;
  if( argc==3 && truth_load(&E, argv[2]) ) goto out;
  for(i=0; i<E.files.n; i++) if( E.apReport[i] ) nRowAll += E.apReport[i]->nRow;
  E.aRow = calloc((size_t)nRowAll+1, sizeof(*E.aRow));
  if( E.aRow==0 ) goto out;
  t0 = clock();
  for(s=0; s<E.nSeries; s++) if( link_series(&E, s, &nCluster) ) goto out;
  t = (double)(clock()-t0)/CLOCKS_PER_SEC;
  printf("series %d, reports %zu, rows %d, assignments %d, linking %.2f s CPU\n",
         E.nSeries, E.files.n, E.nRow, nCluster, t);
  t0 = clock();
  if( classify_all(&E) ) goto out;
  printf("status classes %.2f s CPU\n", (double)(clock()-t0)/CLOCKS_PER_SEC);
  if( getenv("LINK_EVAL_DB") ){
    if( from_index(&E, getenv("LINK_EVAL_DB")) ) goto out;
    printf("assignments and classes read from %s\n", getenv("LINK_EVAL_DB"));
  }
  if( E.nTruth==0 || E.nRow<20000 ){
    printf("rows linked to a row of another report: %ld pairs\n",
           links_between_reports(&E));
  }
  if( E.nTruth>0 ){
    double nPred, nTrue, nBoth, nCross;
    if( count_pairs(&E, &nPred, &nTrue, &nBoth, &nCross) ) goto out;
    printf("same-assignment pairs within a series: predicted %.0f, true %.0f, "
           "both %.0f\nprecision %.4f recall %.4f\n", nPred, nTrue, nBoth,
           nPred>0 ? nBoth/nPred : 0, nTrue>0 ? nBoth/nTrue : 0);
    printf("links across series: %.0f\n", nCross);
    print_confusion(&E);
    if( getenv("LINK_EVAL_DUMP") && strcmp(getenv("LINK_EVAL_DUMP"), "link")==0 ){
      dump_links(&E);
    }
  }
  rc = 0;
out:
  for(i=0; i<E.files.n && E.apReport; i++) report_free(E.apReport[i]);
  free(E.apReport);
  free(E.azRel);
  free(E.aSeries);
  free(E.aRow);
  free(E.aTruth);
  free(E.zTruthText);
  files_free(&E.files);
  if( rc ) fprintf(stderr, "link_eval: failed (out of memory or unreadable input)\n");
  return rc;
}
