/*
** check_assign.c: assignment normalisation, the same-assignment rule and
** series linking (indexer/assign.c): every drift and trap by hand, the
** two sample reports (no link between them), ids independent of order,
** the stream (report by report, the same as all at once, in bounded
** memory).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../../indexer/assign.h"
#include "../../indexer/report.h"
#include "../../indexer/status.h"

enum { NONE = ASSIGN_SRC_NONE, DEC = ASSIGN_SRC_DECISION,
       PLAN = ASSIGN_SRC_PLAN, OTHER = ASSIGN_SRC_OTHER };

/* ---- normalisation ---- */

static const struct {
  const char *zA, *zS;
  const char *zText, *zDnr;
  int eKind, iDecision, iPara, iFrom, iTo;
} aNorm[] = {
  {"<p>Regiondirektören får i uppdrag att återkoppla om vidtagna åtgärder "
   "Dnr 716-2020</p>", "<p>RS 201111</p>",
   "återkoppla om vidtagna åtgärder", "716-2020", DEC, 201111, 0, 0, 0},
  {"Arbeta för en gemensam strategi med kommunerna (RS)", "RS plan 2021-2023",
   "en gemensam strategi med kommunerna", "", PLAN, 0, 0, 2021, 2023},
  {"Fortsätta arbetet för en gemensam strategi med kommunerna.",
   "RS plan 2022-2024",
   "en gemensam strategi med kommunerna", "", PLAN, 0, 0, 2022, 2024},
  {"Fortsätta att utveckla former för introduktion", "Stabsplan 2018",
   "utveckla former för introduktion", "", PLAN, 0, 0, 2018, 2018},
  {"Revisionsrapport Styrning Regiondirektören får i uppdrag att utarbeta "
   "regler. Dnr 12-2019", "RS 170503, § 107",
   "revisionsrapport styrning utarbeta regler", "12-2019", DEC, 170503, 107,
   0, 0},
  {"Landstingsdirektören får i uppdrag att se över lokalerna", "LS 150203 § 12",
   "se över lokalerna", "", DEC, 150203, 12, 0, 0},
  {"<p>Regionstyrelsen beslutar att ge regiondirektören i uppdrag att:</p> "
   "<ol style=\"list-style-type: none\"> 1. Säga upp avtalet. ", "<p>RS 201209</p>",
   "1 säga upp avtalet", "", DEC, 201209, 0, 0, 0},
  {"  SAMVERKAN &amp;  v&aring;rd i   L&Auml;NET ", "",
   "samverkan vård i länet", "", NONE, 0, 0, 0, 0},
  {"Ta fram en plan", "Revisionsrapport Kvalitet", "ta fram en plan", "", OTHER,
   0, 0, 0, 0},
  {"Ta fram en plan", "Dnr 55-2021", "ta fram en plan", "55-2021", OTHER,
   0, 0, 0, 0},
  {"Regiondirektören får i uppdrag att", "RS 210615 § 112", "", "", DEC,
   210615, 112, 0, 0},
};

START_TEST(test_norm){
  struct assign_norm *p = 0;
  struct assign_key k;
  ck_assert_int_eq(assign_norm_new(&p), ASSIGN_OK);
  memset(&k, 0, sizeof(k));
  ck_assert_int_eq(assign_key_make(p, aNorm[_i].zA, strlen(aNorm[_i].zA),
                                   aNorm[_i].zS, strlen(aNorm[_i].zS), &k),
                   ASSIGN_OK);
  ck_assert_str_eq(k.zText, aNorm[_i].zText);
  ck_assert_str_eq(k.zDnr, aNorm[_i].zDnr);
  ck_assert_int_eq(k.eKind, aNorm[_i].eKind);
  ck_assert_int_eq(k.iDecision, aNorm[_i].iDecision);
  ck_assert_int_eq(k.iPara, aNorm[_i].iPara);
  ck_assert_int_eq(k.iPlanFrom, aNorm[_i].iFrom);
  ck_assert_int_eq(k.iPlanTo, aNorm[_i].iTo);
  ck_assert_int_ge(k.nTerm, aNorm[_i].zText[0] ? 1 : 0);
  assign_key_clear(&k);
  ck_assert_ptr_null(k.zText);
  assign_norm_free(p);
}
END_TEST

/* ---- the rule for one pair ---- */

#define KNS "Fortsätta driva och leda arbetet med uppförande av Kiruna nya " \
            "sjukhus under planperioden"
#define REGA "Regiondirektören får i uppdrag att ta fram en handlingsplan för " \
             "att minska kostnaderna för inhyrd personal"
#define REGB "Regiondirektören får i uppdrag att ta fram en handlingsplan för " \
             "att minska personalomsättningen"

static const struct {
  const char *zName, *zA, *zSA, *zB, *zSB;
  int bSame;
} aPair[] = {
  {"(RS), <p> and Arbeta för/Fortsätta",
   "Arbeta för en gemensam strategi med kommunerna för en god, nära och "
   "samordnad vård (RS)", "RS plan 2021-2023",
   "<p>Fortsätta arbetet för en gemensam strategi med kommunerna för en god, "
   "nära och samordnad vård</p>", "<p>RS plan 2022-2024</p>", 1},
  {"Utveckla/Fortsätta utvecklingen av", "Utveckla former för introduktion "
   "på arbetsplatsen", "Stabsplan 2018", "Fortsätta utvecklingen av former "
   "för introduktion på arbetsplatsen", "Stabsplan 2019", 1},
  {"Redovisa/Återrapportera", "Redovisa kompetensplattformens aktiviteter",
   "Stabsplan 2018", "Återrapportera kompetensplattformens aktiviteter.",
   "Stabsplan 2018", 1},
  {"Dnr added", "Regiondirektören får i uppdrag att ta fram en riktlinje för "
   "regionens fordonshantering", "RS 201014",
   "<p>Regiondirektören får i uppdrag att ta fram en riktlinje för regionens "
   "fordonshantering. Dnr 381-2020</p>", "<p>RS 201014</p>", 1},
  {"§ added", KNS, "RS 210615", KNS, "RS 210615, § 112", 1},
  {"plan renamed Stabsplan to RS plan", KNS, "Stabsplan 2020", KNS,
   "RS plan 2021-2023", 1},
  {"plan two years apart", KNS, "Stabsplan 2018", KNS, "Stabsplan 2020", 0},
  {"other Dnr", KNS " Dnr 12-2021", "RS 210615", KNS " Dnr 13-2021",
   "RS 210615", 0},
  {"same Dnr, other meeting", KNS " Dnr 12-2021", "RS 210615",
   KNS " Dnr 12-2021", "RS 211012", 0},
  {"other meeting", KNS, "RS 210615", KNS, "RS 211012", 0},
  {"other paragraph", KNS, "RS 210615 § 11", KNS, "RS 210615 § 12", 0},
  {"decision is never a plan", KNS, "RS 210615", KNS, "RS plan 2021-2023", 0},
  {"inhyrd personal / personalomsättningen", REGA, "RS 210615", REGB,
   "RS 210615", 0},
  {"one plan, two items", "Ta fram vårdprogram för behandling av övervikt och "
   "fetma", "Stabsplan 2018", "Ta fram underlag och stöd för medborgardialog "
   "om regionens utmaningar", "Stabsplan 2018", 0},
  {"empty source, same words", KNS, "", KNS, "RS plan 2021-2023", 1},
  {"empty source, other words", KNS, "", "Fortsätta driva arbetet med "
   "Sunderby sjukhus under planperioden", "", 0},
  {"other source text", KNS, "Revisionsrapport A", KNS, "Revisionsrapport B",
   0},
  {"other place", "Skapa ett modellområde för nära vård i glesbygd i Krokom",
   "RS plan 2020-2022", "Skapa ett modellområde för nära vård i glesbygd i "
   "Strömsund", "RS plan 2021-2023", 0},
  {"same places", "Utveckla kollektivtrafiken mellan Östersund och Järpen",
   "RS plan 2022-2024", "Fortsätta utveckla kollektivtrafiken mellan "
   "Östersund och Järpen (RS)", "RS plan 2023-2025", 1},
  {"an acronym is no name", "Fortsätta arbetet med KNS", "RS plan 2021-2023",
   "Fortsätta arbetet med KNS (RS)", "RS plan 2021-2023", 1},
};

START_TEST(test_pair){
  struct assign_norm *p = 0;
  struct assign_key a, b;
  ck_assert_int_eq(assign_norm_new(&p), ASSIGN_OK);
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  ck_assert_int_eq(assign_key_make(p, aPair[_i].zA, strlen(aPair[_i].zA),
                   aPair[_i].zSA, strlen(aPair[_i].zSA), &a), ASSIGN_OK);
  ck_assert_int_eq(assign_key_make(p, aPair[_i].zB, strlen(aPair[_i].zB),
                   aPair[_i].zSB, strlen(aPair[_i].zSB), &b), ASSIGN_OK);
  ck_assert_msg(assign_same(&a, &b)==aPair[_i].bSame, "%s: %.3f (t %.2f)",
                aPair[_i].zName, assign_similarity(&a, &b, 0, 0),
                assign_threshold(&a, &b));
  ck_assert_int_eq(assign_same(&b, &a), aPair[_i].bSame);
  assign_key_clear(&a);
  assign_key_clear(&b);
  assign_norm_free(p);
}
END_TEST

static double weight_two(void *pCtx, uint64_t t){
  (void)pCtx; (void)t;
  return 2;
}

START_TEST(test_similarity){
  struct assign_norm *p = 0;
  struct assign_key a, b;
  const char *zA = "vård omsorg skola", *zB = "vård omsorg";
  ck_assert_int_eq(assign_norm_new(&p), ASSIGN_OK);
  ck_assert_int_eq(assign_key_make(p, zA, strlen(zA), "", 0, &a), ASSIGN_OK);
  ck_assert_int_eq(assign_key_make(p, zB, strlen(zB), "", 0, &b), ASSIGN_OK);
  ck_assert_double_eq_tol(assign_similarity(&a, &b, 0, 0), 2.0/3, 1e-9);
  ck_assert_double_eq_tol(assign_similarity(&a, &b, weight_two, 0), 2.0/3,
                          1e-9);
  ck_assert_double_eq_tol(assign_similarity(&a, &a, 0, 0), 1, 1e-9);
  assign_key_clear(&a);
  assign_key_clear(&b);
  assign_norm_free(p);
}
END_TEST

/* ---- linking a series ---- */

/* The two sample reports, 2.5 years apart, share no assignment. */
START_TEST(test_samples_unlinked){
  static const char *azPath[] = {
    "fixtures/reports/2018-12-05.txt", "fixtures/reports/2021-05-05.txt"
  };
  struct report *ap[2] = {0, 0};
  struct assign_row aRow[64];
  struct assign_links *pL = 0;
  int f, i, n = 0;
  for(f=0; f<2; f++){
    char *z = 0;
    size_t nz;
    ck_assert_int_eq(report_read(azPath[f], 0, 0, &z, &nz), REPORT_OK);
    ck_assert_int_eq(report_parse(azPath[f], z, nz, 0, 0, &ap[f]), REPORT_OK);
    free(z);
    for(i=0; i<ap[f]->nRow; i++){
      const struct report_row *r = &ap[f]->aRow[i];
      aRow[n].zDate = ap[f]->zDate;
      aRow[n].zReport = azPath[f];
      aRow[n].iRow = r->iRow;
      aRow[n].zAssignment = r->zAssignment;
      aRow[n].nAssignment = r->nAssignment;
      aRow[n].zSource = r->zSource;
      aRow[n].nSource = r->nSource;
      aRow[n++].eStatus = 0;
    }
  }
  ck_assert_int_eq(n, 29);
  ck_assert_int_eq(assign_link(aRow, n, &pL), ASSIGN_OK);
  ck_assert_int_eq(pL->nCluster, 29);
  for(i=0; i<n; i++){
    ck_assert_int_eq(pL->aCluster[i], i);   /* first occurrences in order */
  }
  assign_links_free(pL);
  report_free(ap[0]);
  report_free(ap[1]);
}
END_TEST

/*
** No two rows of one sample report are the same assignment by the pair
** rule: 17 rows of the 2018 report share the source "Stabsplan 2018".
*/
START_TEST(test_sample_pairs){
  static const char *azPath[] = {
    "fixtures/reports/2018-12-05.txt", "fixtures/reports/2021-05-05.txt"
  };
  struct assign_norm *pN = 0;
  struct report *p = 0;
  struct assign_key aKey[32];
  char *z = 0;
  size_t nz;
  int i, j, nPlan = 0;
  ck_assert_int_eq(assign_norm_new(&pN), ASSIGN_OK);
  ck_assert_int_eq(report_read(azPath[_i], 0, 0, &z, &nz), REPORT_OK);
  ck_assert_int_eq(report_parse(azPath[_i], z, nz, 0, 0, &p), REPORT_OK);
  ck_assert_int_le(p->nRow, 32);
  for(i=0; i<p->nRow; i++){
    const struct report_row *r = &p->aRow[i];
    ck_assert_int_eq(assign_key_make(pN, r->zAssignment, r->nAssignment,
                     r->zSource, r->nSource, &aKey[i]), ASSIGN_OK);
    nPlan += strcmp(r->zSource, "Stabsplan 2018")==0;
  }
  if( _i==0 ) ck_assert_int_eq(nPlan, 17);
  for(i=0; i<p->nRow; i++){
    for(j=i+1; j<p->nRow; j++){
      ck_assert_msg(!assign_same(&aKey[i], &aKey[j]), "%s rows %d and %d",
                    azPath[_i], i+1, j+1);
    }
  }
  for(i=0; i<p->nRow; i++) assign_key_clear(&aKey[i]);
  report_free(p);
  free(z);
  assign_norm_free(pN);
}
END_TEST

/*
** A hand-made series: A drifts (RS, Fortsätta, <p>, plan renamed), B gains
** a Dnr, C and D are the inhyrd personal / personalomsättningen pair of
** one meeting, E is done after the second report and a new assignment
** with E's words comes in the last one, F and G have the same words in
** one report, I is reported done and is new when its words come back
** after one report without them, while D, ongoing, is not.
*/
#define PLAN_A "Arbeta för en gemensam strategi med kommunerna"
#define FORD "Regiondirektören får i uppdrag att ta fram en riktlinje för " \
             "regionens fordonshantering"
#define TEXT_E "Utveckla konceptet för hälsofrämjande arbetsplatser"

static const struct {
  const char *zDate, *zA, *zS;
  char cWant;               /* the assignment it is, by letter */
  int eStatus;
} aSeries[] = {
  {"2020-11-10", PLAN_A, "RS plan 2020-2022", 'A', 0},
  {"2020-11-10", FORD, "RS 201014", 'B', 0},
  {"2020-11-10", TEXT_E, "RS plan 2020-2022", 'E', 0},
  {"2020-12-08", FORD, "RS 201014", 'B', 0},
  {"2020-12-08", "<p>" PLAN_A " (RS)</p>", "<p>RS plan 2020-2022</p>", 'A', 0},
  {"2020-12-08", REGA, "RS 201111", 'C', 0},
  {"2020-12-08", REGB, "RS 201111", 'D', 0},
  {"2020-12-08", TEXT_E, "RS plan 2020-2022", 'E', 0},
  {"2021-02-09", "Fortsätta arbetet för en gemensam strategi med kommunerna",
   "RS plan 2021-2023", 'A', 0},
  {"2021-02-09", REGB, "RS 201111", 'D', 0},
  {"2021-02-09", FORD ". Dnr 381-2020", "RS 201014", 'B', 0},
  {"2021-02-09", REGA, "RS 201111", 'C', 0},
  {"2021-03-09", REGA, "RS 201111", 'C', 0},
  {"2021-03-09", FORD " Dnr 381-2020", "RS 201014", 'B', 0},
  {"2021-03-09", "Ta fram en plan för lokalförsörjningen", "RS plan 2021-2023",
   'F', 0},
  {"2021-03-09", "Ta fram en plan för lokalförsörjningen", "RS plan 2021-2023",
   'G', 0},
  {"2021-04-13", REGB, "RS 201111", 'D', 0},
  {"2021-04-13", TEXT_E, "RS plan 2021-2023", 'H', 0},
  {"2021-04-13", "Ta fram en plan för lokalförsörjningen (RS)",
   "RS plan 2021-2023", 'F', 0},
  {"2021-02-09", "Inventera regionens lokaler", "RS plan 2021-2023", 'I',
   STATUS_DONE},
  {"2021-04-13", "Inventera regionens lokaler", "RS plan 2021-2023", 'J', 0},
};
#define N_SERIES ((int)(sizeof(aSeries)/sizeof(aSeries[0])))

/* Fill aRow with the series in the order of aOrder. */
static void series_rows(const int *aOrder, struct assign_row *aRow){
  int i;
  for(i=0; i<N_SERIES; i++){
    int s = aOrder[i];
    aRow[i].zDate = aSeries[s].zDate;
    aRow[i].zReport = aSeries[s].zDate;
    aRow[i].iRow = s;
    aRow[i].zAssignment = aSeries[s].zA;
    aRow[i].nAssignment = strlen(aSeries[s].zA);
    aRow[i].zSource = aSeries[s].zS;
    aRow[i].nSource = strlen(aSeries[s].zS);
    aRow[i].eStatus = aSeries[s].eStatus;
  }
}

/* Link the series in the order aOrder; azId[s] gets row s's id. */
static void link_in_order(const int *aOrder, char azId[][ASSIGN_ID_MAX]){
  struct assign_row aRow[N_SERIES];
  struct assign_links *pL = 0;
  int i;
  series_rows(aOrder, aRow);
  ck_assert_int_eq(assign_link(aRow, N_SERIES, &pL), ASSIGN_OK);
  ck_assert_int_eq(pL->nRow, N_SERIES);
  for(i=0; i<N_SERIES; i++){
    strcpy(azId[aOrder[i]], pL->azId[pL->aCluster[i]]);
  }
  assign_links_free(pL);
}

START_TEST(test_series){
  int aOrder[N_SERIES], i, j;
  char azId[N_SERIES][ASSIGN_ID_MAX];
  for(i=0; i<N_SERIES; i++) aOrder[i] = i;
  link_in_order(aOrder, azId);
  for(i=0; i<N_SERIES; i++){
    for(j=0; j<N_SERIES; j++){
      int bWant = aSeries[i].cWant==aSeries[j].cWant;
      ck_assert_msg((strcmp(azId[i], azId[j])==0)==bWant,
                    "rows %d (%c) and %d (%c): %s %s", i, aSeries[i].cWant, j,
                    aSeries[j].cWant, azId[i], azId[j]);
    }
  }
  /* the id: first report's date and a hash; a collision gets a suffix */
  ck_assert_int_eq(strncmp(azId[0], "20201110-", 9), 0);
  ck_assert_uint_eq(strlen(azId[0]), 17);
  ck_assert_int_eq(strncmp(azId[14], azId[15], 17), 0);
  ck_assert_str_eq(azId[15]+17, "-2");
}
END_TEST

/* The same rows in any order give the same ids. */
START_TEST(test_order){
  int aOrder[N_SERIES], i, k;
  char azId[N_SERIES][ASSIGN_ID_MAX], azId2[N_SERIES][ASSIGN_ID_MAX];
  unsigned x = 12345;
  for(i=0; i<N_SERIES; i++) aOrder[i] = i;
  link_in_order(aOrder, azId);
  for(k=0; k<5; k++){
    for(i=N_SERIES-1; i>0; i--){        /* a fixed-seed shuffle */
      int j, t;
      x = x*1103515245u + 12345u;
      j = (int)((x>>16) % (unsigned)(i+1));
      t = aOrder[i]; aOrder[i] = aOrder[j]; aOrder[j] = t;
    }
    link_in_order(aOrder, azId2);
    for(i=0; i<N_SERIES; i++) ck_assert_str_eq(azId[i], azId2[i]);
  }
}
END_TEST

/* ---- the stream ---- */

/* The threads xDone gets, by assignment number. */
struct threads {
  int n;                    /* xDone calls */
  int nStop;                /* return 1 from this call on (0: never) */
  struct assign_thread a[64];
  char azId[64][ASSIGN_ID_MAX], azFirst[64][16], azLast[64][16];
};

static int collect_thread(void *pCtx, const struct assign_thread *t){
  struct threads *p = pCtx;
  p->n++;
  ck_assert_int_lt(t->iCluster, 64);
  p->a[t->iCluster] = *t;
  snprintf(p->azId[t->iCluster], ASSIGN_ID_MAX, "%s", t->zId);
  snprintf(p->azFirst[t->iCluster], 16, "%s", t->zFirst);
  snprintf(p->azLast[t->iCluster], 16, "%s", t->zLast);
  return p->nStop && p->n>=p->nStop;
}

/*
** Feed rows aRow[0..n) to pS: counted in reverse, then report by report
** (the rows of one date), oldest first, each report's rows reversed.
** aOf[i] gets row i's assignment, azOf[i] its id. Returns the first code
** that is not ASSIGN_OK, or ASSIGN_OK.
*/
static int stream_rows(struct assign_stream *pS, const struct assign_row *aRow,
                       int n, int *aOf, char (*azOf)[ASSIGN_ID_MAX]){
  struct assign_row *aRep = calloc((size_t)n, sizeof(*aRep));
  int *aIdx = calloc((size_t)n, sizeof(int));
  int *aC = calloc((size_t)n, sizeof(int));
  const char **azId = calloc((size_t)n, sizeof(*azId));
  int i, rc = ASSIGN_OK;
  ck_assert(aRep && aIdx && aC && azId);
  for(i=n-1; rc==ASSIGN_OK && i>=0; i--){
    rc = assign_stream_count(pS, aRow[i].zAssignment, aRow[i].nAssignment,
                             aRow[i].zSource, aRow[i].nSource);
  }
  for(i=0; i<n; i++) aOf[i] = -1;
  while( rc==ASSIGN_OK ){
    const char *zNext = 0;
    int k = 0;
    for(i=0; i<n; i++){
      if( aOf[i]<0 && (zNext==0 || strcmp(aRow[i].zDate, zNext)<0) ){
        zNext = aRow[i].zDate;
      }
    }
    if( zNext==0 ) break;
    for(i=n-1; i>=0; i--){
      if( aOf[i]<0 && strcmp(aRow[i].zDate, zNext)==0 ){
        aIdx[k] = i;
        aRep[k++] = aRow[i];
      }
    }
    rc = assign_stream_report(pS, aRep, k, aC, azId);
    for(i=0; rc==ASSIGN_OK && i<k; i++){
      aOf[aIdx[i]] = aC[i];
      snprintf(azOf[aIdx[i]], ASSIGN_ID_MAX, "%s", azId[i]);
    }
  }
  free(aRep);
  free(aIdx);
  free(aC);
  free(azId);
  return rc;
}

/* Rows i and j have the same raw texts. */
static int same_raw(const struct assign_row *a, int i, int j){
  return a[i].nAssignment==a[j].nAssignment && a[i].nSource==a[j].nSource
      && memcmp(a[i].zAssignment, a[j].zAssignment, a[i].nAssignment)==0
      && memcmp(a[i].zSource, a[j].zSource, a[i].nSource)==0;
}

/*
** Keys and hashes made ahead (assign_ahead, as the indexer's reader
** thread makes them) give the stream the links and ids of assign_link():
** a key comes with the first row of each raw text only, the stream takes
** every one of them while counting, and each report's rows are found by
** their hashes. After a reset the maker makes the keys again.
*/
START_TEST(test_stream_pre){
  struct assign_row aRow[N_SERIES], aRep[N_SERIES];
  struct assign_pre aPre[N_SERIES];
  uint64_t aHash[N_SERIES];
  struct assign_links *pL = 0;
  struct assign_stream *pS = 0;
  struct assign_ahead *pA = 0;
  const char *azId[N_SERIES];
  int aOrder[N_SERIES], aC[N_SERIES], aIdx[N_SERIES], abDone[N_SERIES];
  int i, j, nKey = 0;
  for(i=0; i<N_SERIES; i++){ aOrder[i] = i; abDone[i] = 0; }
  series_rows(aOrder, aRow);
  ck_assert_int_eq(assign_link(aRow, N_SERIES, &pL), ASSIGN_OK);
  ck_assert_int_eq(assign_ahead_new(&pA), ASSIGN_OK);
  for(i=0; i<N_SERIES; i++){
    int bFirst = 1;
    ck_assert_int_eq(assign_ahead_row(pA, aRow[i].zAssignment,
        aRow[i].nAssignment, aRow[i].zSource, aRow[i].nSource, &aPre[i]),
        ASSIGN_OK);
    for(j=0; j<i; j++) if( same_raw(aRow, i, j) ) bFirst = 0;
    ck_assert_int_eq(aPre[i].pKey!=0, bFirst);
    ck_assert(aPre[i].h==assign_raw_hash(aRow[i].zAssignment,
              aRow[i].nAssignment, aRow[i].zSource, aRow[i].nSource));
    nKey += bFirst;
  }
  ck_assert_int_lt(nKey, N_SERIES);           /* the series repeats texts */
  ck_assert_uint_gt(assign_pre_bytes(aPre, N_SERIES),
                    sizeof(aPre[0])*N_SERIES);
  ck_assert_int_eq(assign_stream_new(0, 0, &pS), ASSIGN_OK);
  for(i=0; i<N_SERIES; i++){
    ck_assert_int_eq(assign_stream_count_pre(pS, aRow[i].zAssignment,
        aRow[i].nAssignment, aRow[i].zSource, aRow[i].nSource, &aPre[i]),
        ASSIGN_OK);
    ck_assert_ptr_null(aPre[i].pKey);         /* taken by the stream */
  }
  for(;;){                                    /* report by report */
    const char *zNext = 0;
    int k = 0;
    for(i=0; i<N_SERIES; i++){
      if( !abDone[i] && (zNext==0 || strcmp(aRow[i].zDate, zNext)<0) ){
        zNext = aRow[i].zDate;
      }
    }
    if( zNext==0 ) break;
    for(i=0; i<N_SERIES; i++){
      if( abDone[i] || strcmp(aRow[i].zDate, zNext)!=0 ) continue;
      abDone[i] = 1;
      aIdx[k] = i;
      aHash[k] = aPre[i].h;
      aRep[k++] = aRow[i];
    }
    ck_assert_int_eq(assign_stream_report_pre(pS, aRep, k, aHash, aC, azId),
                     ASSIGN_OK);
    for(i=0; i<k; i++){
      ck_assert_int_eq(aC[i], pL->aCluster[aIdx[i]]);
      ck_assert_str_eq(azId[i], pL->azId[aC[i]]);
    }
  }
  ck_assert_int_eq(assign_stream_finish(pS), ASSIGN_OK);
  assign_ahead_reset(pA);
  ck_assert_int_eq(assign_ahead_row(pA, aRow[0].zAssignment,
      aRow[0].nAssignment, aRow[0].zSource, aRow[0].nSource, &aPre[0]),
      ASSIGN_OK);
  ck_assert_ptr_nonnull(aPre[0].pKey);        /* new again after a reset */
  assign_pre_clear(aPre, 1);
  ck_assert_ptr_null(aPre[0].pKey);
  assign_stream_free(pS);
  assign_ahead_free(pA);
  assign_links_free(pL);
}
END_TEST

/*
** The hand-made series through the stream, report by report with each
** report's rows reversed, gives assign_link()'s assignments and ids (all
** rows at once); each assignment's thread comes once, with its first and
** latest dates, its count and its latest row's id and status.
*/
START_TEST(test_stream_series){
  struct assign_row aRow[N_SERIES];
  struct assign_links *pL = 0;
  struct assign_stream *pS = 0;
  struct threads *pT = calloc(1, sizeof(*pT));
  int aOrder[N_SERIES], aOf[N_SERIES], i, c;
  char azOf[N_SERIES][ASSIGN_ID_MAX];
  ck_assert_ptr_nonnull(pT);
  for(i=0; i<N_SERIES; i++) aOrder[i] = i;
  series_rows(aOrder, aRow);
  for(i=0; i<N_SERIES; i++) aRow[i].iId = 1000+i;
  ck_assert_int_eq(assign_link(aRow, N_SERIES, &pL), ASSIGN_OK);
  ck_assert_int_eq(assign_stream_new(collect_thread, pT, &pS), ASSIGN_OK);
  ck_assert_int_eq(stream_rows(pS, aRow, N_SERIES, aOf, azOf), ASSIGN_OK);
  ck_assert_int_eq(assign_stream_finish(pS), ASSIGN_OK);
  for(i=0; i<N_SERIES; i++){
    ck_assert_int_eq(aOf[i], pL->aCluster[i]);
    ck_assert_str_eq(azOf[i], pL->azId[aOf[i]]);
  }
  ck_assert_int_eq(pT->n, pL->nCluster);
  for(c=0; c<pL->nCluster; c++){
    int nOcc = 0, iFirst = -1, iLast = -1;
    for(i=0; i<N_SERIES; i++){
      if( pL->aCluster[i]!=c ) continue;
      nOcc++;
      if( iFirst<0 || strcmp(aRow[i].zDate, aRow[iFirst].zDate)<0 ) iFirst = i;
      if( iLast<0 || strcmp(aRow[i].zDate, aRow[iLast].zDate)>0 ) iLast = i;
    }
    ck_assert_int_eq(pT->a[c].iCluster, c);
    ck_assert_str_eq(pT->azId[c], pL->azId[c]);
    ck_assert_int_eq(pT->a[c].nOcc, nOcc);
    ck_assert_str_eq(pT->azFirst[c], aRow[iFirst].zDate);
    ck_assert_str_eq(pT->azLast[c], aRow[iLast].zDate);
    ck_assert_int_eq(pT->a[c].iLatest, aRow[iLast].iId);
    ck_assert_int_eq(pT->a[c].eStatus, aRow[iLast].eStatus);
  }
  assign_stream_free(pS);
  assign_links_free(pL);
  free(pT);
}
END_TEST

/*
** A report not after the one before, or a count after a report, is
** refused, and the stream goes on; an xDone that says stop ends the
** stream with ASSIGN_ABORT.
*/
START_TEST(test_stream_misuse){
  struct assign_row r = {"2021-02-09", "b", 1, "Inventera regionens lokaler",
                         27, "", 0, 0, 1};
  struct assign_stream *pS = 0;
  struct threads *pT = calloc(1, sizeof(*pT));
  int c = -1;
  ck_assert_ptr_nonnull(pT);
  ck_assert_int_eq(assign_stream_new(collect_thread, pT, &pS), ASSIGN_OK);
  ck_assert_int_eq(assign_stream_count(pS, r.zAssignment, r.nAssignment,
                                       "", 0), ASSIGN_OK);
  ck_assert_int_eq(assign_stream_report(pS, &r, 1, &c, 0), ASSIGN_OK);
  ck_assert_int_eq(c, 0);
  ck_assert_int_eq(assign_stream_count(pS, "x", 1, "", 0), ASSIGN_MISUSE);
  ck_assert_int_eq(assign_stream_report(pS, &r, 1, &c, 0), ASSIGN_MISUSE);
  r.zReport = "a";
  ck_assert_int_eq(assign_stream_report(pS, &r, 1, &c, 0), ASSIGN_MISUSE);
  r.zDate = "2021-01-09";
  ck_assert_int_eq(assign_stream_report(pS, &r, 1, &c, 0), ASSIGN_MISUSE);
  /* two years later: the assignment is retired, and xDone says stop */
  r.zDate = "2023-01-09";
  pT->nStop = 1;
  ck_assert_int_eq(assign_stream_report(pS, &r, 1, &c, 0), ASSIGN_ABORT);
  ck_assert_int_eq(pT->n, 1);
  ck_assert_int_eq(pT->a[0].nOcc, 1);
  ck_assert_int_eq(assign_stream_finish(pS), ASSIGN_ABORT);
  ck_assert_int_eq(pT->n, 1);
  assign_stream_free(pS);
  free(pT);
}
END_TEST

/*
** A long generated series: ROWS slots per report, one report a month;
** the assignment in a slot lives 3 to 8 reports, then a new one with
** other words takes the slot. Its words are made up from its number (so
** no two assignments share more than "samverkan"), and every row's raw
** text is different (a class attribute), so the series holds far more
** raw texts than the key cache keeps.
*/
#define GEN_REPORTS 600
#define GEN_ROWS 20

struct gen {
  struct assign_row *aRow;    /* GEN_REPORTS*GEN_ROWS, in report order */
  int *aTruth;                /* per row: its assignment */
  char *zText;                /* the rows' texts and dates */
};

/* A made-up word for number n: "q", consonants for its digits, "x". */
static void gen_word(int n, char *z){
  static const char zCons[] = "bcdfghjklm";
  int i;
  z[0] = 'q';
  for(i=6; i>=1; i--){ z[i] = zCons[n%10]; n /= 10; }
  z[7] = 'x';
  z[8] = 0;
}

static void gen_series(struct gen *g){
  int aSlot[GEN_ROWS], aEnd[GEN_ROWS], nAssign = 0, i, j;
  char *z;
  g->aRow = calloc(GEN_REPORTS*GEN_ROWS, sizeof(*g->aRow));
  g->aTruth = calloc(GEN_REPORTS*GEN_ROWS, sizeof(int));
  g->zText = z = malloc((size_t)GEN_REPORTS*(16 + GEN_ROWS*96));
  ck_assert(g->aRow && g->aTruth && g->zText);
  for(j=0; j<GEN_ROWS; j++) aEnd[j] = 0;
  for(i=0; i<GEN_REPORTS; i++){
    char *zDate = z;
    z += sprintf(z, "%04d-%02d-10", 1990 + i/12, i%12 + 1) + 1;
    for(j=0; j<GEN_ROWS; j++){
      struct assign_row *r = &g->aRow[i*GEN_ROWS + j];
      char zW[3][9];
      int k;
      if( i>=aEnd[j] ){
        aSlot[j] = nAssign++;
        aEnd[j] = i + 3 + (aSlot[j]*7)%6;
      }
      for(k=0; k<3; k++) gen_word(aSlot[j]*3 + k, zW[k]);
      g->aTruth[i*GEN_ROWS + j] = aSlot[j];
      r->zDate = zDate;
      r->zReport = zDate;
      r->iRow = j;
      r->zAssignment = z;
      r->nAssignment = (size_t)sprintf(z, "<p class=\"r%d\">Utveckla samverkan"
          " kring %s %s %s</p>", i*GEN_ROWS + j, zW[0], zW[1], zW[2]);
      z += r->nAssignment + 1;
      r->zSource = "";
      r->iId = i*GEN_ROWS + j;
    }
  }
}

/*
** Through the stream, what it holds stays bounded while the series goes
** on: the live assignments by the rows of the reports they may continue
** into, the keys by the cache and the live wordings; the rows are linked
** as they were made, and as assign_link() links them all at once.
*/
START_TEST(test_stream_bounded){
  enum { N = GEN_REPORTS*GEN_ROWS };
  struct gen g;
  struct assign_stream *pS = 0;
  struct assign_stream_stats st;
  struct assign_links *pL = 0;
  int *aC = malloc(N*sizeof(int)), i, j, nKeyMax = 0, nLiveMax = 0, nWrong;
  ck_assert_ptr_nonnull(aC);
  gen_series(&g);
  ck_assert_int_eq(assign_stream_new(0, 0, &pS), ASSIGN_OK);
  for(i=0, nWrong=0; i<N; i++){
    const struct assign_row *r = &g.aRow[i];
    nWrong += assign_stream_count(pS, r->zAssignment, r->nAssignment,
                                  r->zSource, r->nSource)!=ASSIGN_OK;
  }
  ck_assert_int_eq(nWrong, 0);
  for(i=0; i<GEN_REPORTS; i++){
    ck_assert_int_eq(assign_stream_report(pS, &g.aRow[i*GEN_ROWS], GEN_ROWS,
                                          &aC[i*GEN_ROWS], 0), ASSIGN_OK);
    assign_stream_stats(pS, &st);
    ck_assert_int_le(st.nLive, (ASSIGN_MAX_MISSED+2)*GEN_ROWS);
    ck_assert_int_le(st.nKey, ASSIGN_CACHE_IDLE
                              + ASSIGN_MAX_WORDINGS*st.nLive);
    if( st.nKey>nKeyMax ) nKeyMax = st.nKey;
    if( st.nLive>nLiveMax ) nLiveMax = st.nLive;
  }
  ck_assert_int_eq(assign_stream_finish(pS), ASSIGN_OK);
  assign_stream_stats(pS, &st);
  ck_assert_int_eq(st.nLive, 0);
  ck_assert_int_gt(nLiveMax, GEN_ROWS);   /* some are kept while missing */
  ck_assert_int_ge(nKeyMax, ASSIGN_CACHE_IDLE);  /* the cache was full */
  ck_assert_int_lt(nKeyMax, N/2);         /* far fewer than the texts */
  for(i=0, j=0; i<N; i++) if( g.aTruth[i]>=j ) j = g.aTruth[i]+1;
  ck_assert_int_eq(st.nCluster, j);
  for(i=0, nWrong=0; i<N; i++){           /* the made assignments */
    for(j=i+1; j<N && j<i+4*GEN_ROWS; j++){
      nWrong += (aC[i]==aC[j])!=(g.aTruth[i]==g.aTruth[j]);
    }
  }
  ck_assert_int_eq(nWrong, 0);
  ck_assert_int_eq(assign_link(g.aRow, N, &pL), ASSIGN_OK);
  for(i=0, nWrong=0; i<N; i++) nWrong += pL->aCluster[i]!=aC[i];
  ck_assert_int_eq(nWrong, 0);
  assign_links_free(pL);
  assign_stream_free(pS);
  free(aC);
  free(g.aRow);
  free(g.aTruth);
  free(g.zText);
}
END_TEST

START_TEST(test_empty){
  struct assign_links *pL = 0;
  ck_assert_int_eq(assign_link(0, 0, &pL), ASSIGN_OK);
  ck_assert_int_eq(pL->nCluster, 0);
  assign_links_free(pL);
  assign_links_free(0);
}
END_TEST

Suite *assign_suite(void){
  Suite *s = suite_create("assign");
  TCase *tc = tcase_create("rule");
  tcase_add_loop_test(tc, test_norm, 0, (int)(sizeof(aNorm)/sizeof(aNorm[0])));
  tcase_add_loop_test(tc, test_pair, 0, (int)(sizeof(aPair)/sizeof(aPair[0])));
  tcase_add_test(tc, test_similarity);
  suite_add_tcase(s, tc);
  tc = tcase_create("link");
  tcase_add_test(tc, test_samples_unlinked);
  tcase_add_loop_test(tc, test_sample_pairs, 0, 2);
  tcase_add_test(tc, test_series);
  tcase_add_test(tc, test_order);
  tcase_add_test(tc, test_empty);
  tcase_add_test(tc, test_stream_series);
  tcase_add_test(tc, test_stream_pre);
  tcase_add_test(tc, test_stream_misuse);
  tcase_add_test(tc, test_stream_bounded);
  suite_add_tcase(s, tc);
  return s;
}
