/*
** check_report.c: the report parser (indexer/report.c) on the two sample
** reports, on every repaired or rejected kind of input, and on truncations.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../indexer/report.h"

#define TITLE "\xC3\x85terrapportering av regionstyrelsens uppdrag till " \
              "regiondirekt\xC3\xB6ren"
#define T     TITLE " 2020-01-02\n"
#define FFFD  "\xEF\xBF\xBD"

/* Collects warnings. */
struct warns {
  int n;
  int iLastLine;
  char zLast[300];
};

static void warn_cb(void *pCtx, const char *zPath, int iLine, const char *zMsg){
  struct warns *p = (struct warns*)pCtx;
  ck_assert_ptr_nonnull(zPath);
  p->n++;
  p->iLastLine = iLine;
  snprintf(p->zLast, sizeof(p->zLast), "%s", zMsg);
}

/* Parse a NUL-terminated string (n<0) or n bytes. */
static int parse(const char *z, long n, struct warns *pW, struct report **pp){
  memset(pW, 0, sizeof(*pW));
  return report_parse("t.txt", z, n<0 ? strlen(z) : (size_t)n, warn_cb, pW, pp);
}

static int utf8_valid(const char *z){
  const unsigned char *u = (const unsigned char*)z;
  while( *u ){
    int len = *u<0x80 ? 1 : (*u>>5)==6 ? 2 : (*u>>4)==14 ? 3 : (*u>>3)==30 ? 4 : 0;
    int k;
    if( len==0 ) return 0;
    for(k=1; k<len; k++) if( (u[k] & 0xC0)!=0x80 ) return 0;
    u += len;
  }
  return 1;
}

/* ---- table of small inputs ---- */
static const struct {
  const char *zName, *zIn;
  int rc, nRow, nWarn;
  const char *zA, *zS, *zSt;       /* first row's fields, if checked */
} aCase[] = {
  {"plain", T "\na\tb\tc", REPORT_OK, 1, 0, "a", "b", "c"},
  {"crlf", "\r\n\r\n" TITLE " 2020-01-02\r\n\r\na\tb\tc\r\nd\te\tf\r\n",
   REPORT_OK, 2, 0, "a", "b", "c"},
  {"bom", "\xEF\xBB\xBF" T "a\tb\tc\n", REPORT_OK, 1, 0, "a", "b", "c"},
  {"title padded", "  " TITLE " \t2020-01-02 \r\na\tb\tc", REPORT_OK, 1, 0,
   "a", "b", "c"},
  {"empty source", T "a\t\tc", REPORT_OK, 1, 0, "a", "", "c"},
  {"empty source <p>", T "<p>a</p>\t\t<p>c</p>", REPORT_OK, 1, 0, "a", "", "c"},
  {"empty status", T "a\tb\t", REPORT_OK, 1, 0, "a", "b", ""},
  {"leap day", TITLE " 2020-02-29\na\tb\tc", REPORT_OK, 1, 0, 0, 0, 0},
  {"groups", T "a\tb\tc\n\nd\te\tf\n\n\ng\th\ti", REPORT_OK, 3, 0, 0, 0, 0},
  {"title only", T, REPORT_OK, 0, 1, 0, 0, 0},
  {"html fields", T "<p>a &amp; b</p>\t<p>RS 170503, \xC2\xA7 107</p>\t"
   "<ol style=\"list-style-type: none\"> 1. x. 2. y. ", REPORT_OK, 1, 0,
   "a & b", "RS 170503, \xC2\xA7 107", "1. x. 2. y."},
  /* repaired */
  {"2 fields", T "a\tc", REPORT_OK, 1, 1, "a", "", "c"},
  {"4 fields", T "a\tb\tc\td", REPORT_OK, 1, 1, "a", "b", "c d"},
  {"5 fields", T "a\tb\tc\td\te", REPORT_OK, 1, 1, "a", "b", "c d e"},
  {"continuation", T "a\tb\tc\nmore\nand more\nd\te\tf", REPORT_OK, 2, 2,
   "a", "b", "c more and more"},
  {"lone line", T "a\tb\tc\n\nlonely\n\nd\te\tf", REPORT_OK, 2, 1, 0, 0, 0},
  {"lone line first", T "lonely\na\tb\tc", REPORT_OK, 1, 1, "a", "b", "c"},
  {"tabs only = blank", T "\t\t\na\tb\tc", REPORT_OK, 1, 0, "a", "b", "c"},
  {"empty <p> row", T "<p></p>\t<p></p>\t<p> </p>\na\tb\tc", REPORT_OK, 1, 1,
   "a", "b", "c"},
  {"no assignment", T "\tb\tc", REPORT_OK, 1, 1, "", "b", "c"},
  {"bad utf8", T "a\xFF\tb\tc\xC3", REPORT_OK, 1, 1, "a" FFFD, "b", "c" FFFD},
  {"overlong", T "\xC0\xAF\tb\xED\xA0\x80\tc", REPORT_OK, 1, 1,
   FFFD FFFD, "b" FFFD FFFD FFFD, "c"},
  {"bad utf8 2 lines", T "a\x80\tb\tc\nd\te\x80\tf", REPORT_OK, 2, 2, 0, 0, 0},
  {"too big code point", T "\xF4\x90\x80\x80\tb\tc", REPORT_OK, 1, 1,
   FFFD FFFD FFFD FFFD, "b", "c"},
  {"4-byte ok", T "\xF0\x9F\x98\x80\tb\tc", REPORT_OK, 1, 0,
   "\xF0\x9F\x98\x80", "b", "c"},
  {"cut in row", T "a\tb\tc\nd\te", REPORT_OK, 2, 1, 0, 0, 0},
  {"cut in tag", T "a\tb\t<p>c</p", REPORT_OK, 1, 0, "a", "b", "c</p"},
  /* rejected */
  {"empty", "", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"blank", "\n\n \r\n\t\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"no title", "a\tb\tc\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"title not first", "Hej\n" T "a\tb\tc", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"title no date", TITLE "\na\tb\tc", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"title no space", TITLE "2020-01-02\na\tb\tc", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"bad month", TITLE " 2020-13-01\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"bad day", TITLE " 2020-04-31\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"not leap", TITLE " 2021-02-29\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"short date", TITLE " 20-01-01\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"date trailer", TITLE " 2020-01-01 x\n", REPORT_REJECTED, 0, 1, 0, 0, 0},
  {"cut in title", "\n\n\xC3\x85terrapportering av regionsty", REPORT_REJECTED,
   0, 1, 0, 0, 0},
};

START_TEST(test_case){
  struct warns w;
  struct report *pR = 0;
  int rc = parse(aCase[_i].zIn, -1, &w, &pR);
  ck_assert_msg(rc==aCase[_i].rc, "%s: rc %d", aCase[_i].zName, rc);
  ck_assert_msg(w.n==aCase[_i].nWarn, "%s: %d warnings (last: %s)",
                aCase[_i].zName, w.n, w.zLast);
  if( rc!=REPORT_OK ){
    ck_assert_ptr_null(pR);
    return;
  }
  ck_assert_int_eq(pR->nRow, aCase[_i].nRow);
  if( aCase[_i].zA ){
    ck_assert_str_eq(pR->aRow[0].zAssignment, aCase[_i].zA);
    ck_assert_str_eq(pR->aRow[0].zSource, aCase[_i].zS);
    ck_assert_str_eq(pR->aRow[0].zStatus, aCase[_i].zSt);
    ck_assert_uint_eq(pR->aRow[0].nStatus, strlen(aCase[_i].zSt));
  }
  report_free(pR);
}
END_TEST

/* ---- details ---- */
START_TEST(test_title_and_lines){
  struct warns w;
  struct report *pR = 0;
  ck_assert_int_eq(parse("\n\n  " TITLE " 2019-06-30  \r\n\n"
                         "a\tb\tc\n\nlonely\n\nd\te\tf", -1, &w, &pR),
                   REPORT_OK);
  ck_assert_str_eq(pR->zDate, "2019-06-30");
  ck_assert_str_eq(pR->zTitle, TITLE " 2019-06-30");
  ck_assert_int_eq(pR->nRow, 2);
  ck_assert_int_eq(pR->aRow[0].iRow, 1);
  ck_assert_int_eq(pR->aRow[0].iLine, 5);
  ck_assert_int_eq(pR->aRow[1].iRow, 2);
  ck_assert_int_eq(pR->aRow[1].iLine, 9);
  ck_assert_int_eq(w.iLastLine, 7);              /* the lone line */
  report_free(pR);
}
END_TEST

START_TEST(test_warning_lines){
  struct warns w;
  struct report *pR = 0;
  ck_assert_int_eq(parse(T "a\tb\tc\nd\x80\te\tf", -1, &w, &pR), REPORT_OK);
  ck_assert_int_eq(w.n, 1);
  ck_assert_int_eq(w.iLastLine, 3);
  ck_assert_ptr_nonnull(strstr(w.zLast, "U+FFFD"));
  report_free(pR);
  ck_assert_int_eq(parse(TITLE " 2020-02-30\n", -1, &w, &pR), REPORT_REJECTED);
  ck_assert_int_eq(w.iLastLine, 1);
  ck_assert_ptr_nonnull(strstr(w.zLast, "date"));
  ck_assert_int_eq(parse("", -1, &w, &pR), REPORT_REJECTED);
  ck_assert_int_eq(w.iLastLine, 0);
  ck_assert_ptr_nonnull(strstr(w.zLast, "empty"));
}
END_TEST

START_TEST(test_binary){
  static const char azBin[][16] = {
    "\x7f" "ELF\x02\x01\x01\0\0\0", "\xFF\xFE" "A\0t\0e\0", "PK\x03\x04\0\0",
  };
  struct warns w;
  struct report *pR = 0;
  size_t i;
  for(i=0; i<sizeof(azBin)/sizeof(azBin[0]); i++){
    ck_assert_int_eq(parse(azBin[i], 10, &w, &pR), REPORT_REJECTED);
    ck_assert_ptr_nonnull(strstr(w.zLast, "binary"));
  }
}
END_TEST

/* A NUL past the binary probe is repaired, not a reason to reject. */
START_TEST(test_late_nul){
  size_t n = 20000;
  char *z = malloc(n);
  struct warns w;
  struct report *pR = 0;
  ck_assert_ptr_nonnull(z);
  memset(z, 'x', n);
  memcpy(z, T "a\tb\t", strlen(T)+4);
  z[15000] = 0;
  ck_assert_int_eq(parse(z, (long)n, &w, &pR), REPORT_OK);
  ck_assert_int_eq(w.n, 1);
  ck_assert_int_eq(pR->nRow, 1);
  ck_assert_ptr_nonnull(strstr(pR->aRow[0].zStatus, FFFD));
  report_free(pR);
  free(z);
}
END_TEST

/* A 10 MB status field. */
START_TEST(test_big_row){
  size_t nBig = 10u<<20, nT = strlen(T);
  char *z = malloc(nT + 4 + nBig + 1);
  struct warns w;
  struct report *pR = 0;
  size_t i;
  ck_assert_ptr_nonnull(z);
  memcpy(z, T "a\tb\t", nT+4);
  for(i=0; i<nBig; i++) z[nT+4+i] = "v\xC3\xA5rd "[i%6];
  ck_assert_int_eq(parse(z, (long)(nT+4+nBig), &w, &pR), REPORT_OK);
  ck_assert_int_eq(w.n, 0);
  ck_assert_int_eq(pR->nRow, 1);
  ck_assert_uint_eq(pR->aRow[0].nStatus, nBig);   /* ends "...v\xC3\xA5r" */
  ck_assert_uint_eq(strlen(pR->aRow[0].zStatus), nBig);
  report_free(pR);
  free(z);
}
END_TEST

/* ---- the sample reports ---- */
static char *slurp(const char *zPath, size_t *pn){
  char *z = 0;
  struct warns w;
  memset(&w, 0, sizeof(w));
  ck_assert_int_eq(report_read(zPath, warn_cb, &w, &z, pn), REPORT_OK);
  return z;
}

static struct report *sample(const char *zPath){
  size_t n = 0;
  char *z = slurp(zPath, &n);
  struct warns w;
  struct report *pR = 0;
  ck_assert_int_eq(parse(z, (long)n, &w, &pR), REPORT_OK);
  ck_assert_msg(w.n==0, "%s: warning %s", zPath, w.zLast);
  free(z);
  return pR;
}

/*
** No markup, TAB, newline or doubled space is left in any field (of the
** first nRow rows: a row cut inside a tag keeps the tag's start as text).
*/
static void assert_clean_n(const struct report *pR, int nRow){
  int i, k;
  for(i=0; i<nRow; i++){
    const char *az[3];
    az[0] = pR->aRow[i].zAssignment;
    az[1] = pR->aRow[i].zSource;
    az[2] = pR->aRow[i].zStatus;
    ck_assert_int_eq(pR->aRow[i].iRow, i+1);
    for(k=0; k<3; k++){
      ck_assert_ptr_null(strstr(az[k], "<p>"));
      ck_assert_ptr_null(strstr(az[k], "</p>"));
      ck_assert_ptr_null(strstr(az[k], "<ol"));
      ck_assert_ptr_null(strpbrk(az[k], "\t\r\n"));
      ck_assert_ptr_null(strstr(az[k], "  "));
      ck_assert(utf8_valid(az[k]));
      if( az[k][0] ){
        ck_assert_int_ne(az[k][0], ' ');
        ck_assert_int_ne(az[k][strlen(az[k])-1], ' ');
      }
    }
  }
}

static void assert_clean(const struct report *pR){
  assert_clean_n(pR, pR->nRow);
}

START_TEST(test_sample_2018){
  struct report *pR = sample("fixtures/reports/2018-12-05.txt");
  ck_assert_str_eq(pR->zDate, "2018-12-05");
  ck_assert_str_eq(pR->zTitle, TITLE " 2018-12-05");
  ck_assert_int_eq(pR->nRow, 19);
  assert_clean(pR);
  /* plain rows first, then <p> rows */
  ck_assert_str_eq(pR->aRow[0].zSource, "Stabsplan 2018");
  ck_assert_int_eq(pR->aRow[0].iLine, 5);
  ck_assert_str_eq(pR->aRow[5].zSource, "RS 170503, \xC2\xA7 107");
  ck_assert_int_eq(pR->aRow[5].iLine, 11);
  ck_assert_int_eq(strncmp(pR->aRow[5].zAssignment, "Revisionsrapport ", 17), 0);
  /* row 11 (line 17): the empty source */
  ck_assert_int_eq(pR->aRow[10].iLine, 17);
  ck_assert_str_eq(pR->aRow[10].zSource, "");
  ck_assert_int_eq(strncmp(pR->aRow[10].zAssignment, "Projektet Fortsatt", 18), 0);
  /* row 10 (line 16): Arabic glued into "folkhälsost..." is kept */
  ck_assert_ptr_nonnull(strstr(pR->aRow[9].zStatus,
      "folkh\xC3\xA4lsost\xD8\xB1\xD8\xA7\xD8\xAA\xD9\x8A\xD8\xAC\xD9\x8A\xD8\xA9"));
  ck_assert_int_eq(pR->aRow[18].iLine, 27);
  report_free(pR);
}
END_TEST

START_TEST(test_sample_2021){
  struct report *pR = sample("fixtures/reports/2021-05-05.txt");
  const struct report_row *r;
  ck_assert_str_eq(pR->zDate, "2021-05-05");
  ck_assert_int_eq(pR->nRow, 10);
  assert_clean(pR);
  ck_assert_str_eq(pR->aRow[0].zSource, "RS plan 2021-2023");
  /* row 7 (line 12): the unclosed <ol> list with inline numbered items */
  r = &pR->aRow[6];
  ck_assert_int_eq(r->iLine, 12);
  ck_assert_str_eq(r->zSource, "RS 201209");
  ck_assert_ptr_nonnull(strstr(r->zAssignment,
      "i uppdrag att: 1. F\xC3\xB6rbrukningsmateriel"));
  ck_assert_ptr_nonnull(strstr(r->zAssignment, " 2. S\xC3\xA4ga upp"));
  ck_assert_int_eq(r->zAssignment[r->nAssignment-1], '.');
  ck_assert_int_eq(strncmp(r->zStatus, "1. Kommunen har arbetat", 23), 0);
  ck_assert_ptr_nonnull(strstr(r->zStatus, " 5. Arbetsgrupp"));
  ck_assert_int_eq(pR->aRow[9].iRow, 10);
  report_free(pR);
}
END_TEST

/*
** Every truncation of a sample parses without harm: rejected while the
** title is incomplete, else at most the full number of rows, all clean.
*/
START_TEST(test_truncated){
  size_t n = 0, nCut;
  char *z = slurp("fixtures/reports/2021-05-05.txt", &n);
  size_t nStep = n/97;
  for(nCut=0; nCut<=n; nCut += (nCut<200 ? 1 : nStep)){
    struct warns w;
    struct report *pR = 0;
    int rc = parse(z, (long)nCut, &w, &pR);
    if( nCut < 2+strlen(TITLE " 2021-05-05") ){
      ck_assert_int_eq(rc, REPORT_REJECTED);
    }else{
      ck_assert_msg(rc==REPORT_OK, "cut at %zu: %s", nCut, w.zLast);
      ck_assert_int_le(pR->nRow, 10);
      assert_clean_n(pR, pR->nRow-1);
    }
    report_free(pR);
  }
  free(z);
}
END_TEST

START_TEST(test_read_errors){
  struct warns w;
  char *z = 0;
  size_t n = 1;
  memset(&w, 0, sizeof(w));
  ck_assert_int_eq(report_read("fixtures/no-such-file.txt", warn_cb, &w, &z, &n),
                   REPORT_REJECTED);
  ck_assert_ptr_null(z);
  ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(w.n, 1);
  ck_assert_int_eq(report_read("fixtures", warn_cb, &w, &z, &n),
                   REPORT_REJECTED);
  ck_assert_int_eq(w.n, 2);
  ck_assert_ptr_nonnull(strstr(w.zLast, "regular"));
}
END_TEST

Suite *report_suite(void){
  Suite *s = suite_create("report");
  TCase *tc = tcase_create("parse");
  tcase_add_loop_test(tc, test_case, 0, (int)(sizeof(aCase)/sizeof(aCase[0])));
  tcase_add_test(tc, test_title_and_lines);
  tcase_add_test(tc, test_warning_lines);
  tcase_add_test(tc, test_binary);
  tcase_add_test(tc, test_late_nul);
  tcase_add_test(tc, test_big_row);
  tcase_add_test(tc, test_read_errors);
  suite_add_tcase(s, tc);
  tc = tcase_create("samples");
  tcase_add_test(tc, test_sample_2018);
  tcase_add_test(tc, test_sample_2021);
  tcase_add_test(tc, test_truncated);
  suite_add_tcase(s, tc);
  return s;
}
