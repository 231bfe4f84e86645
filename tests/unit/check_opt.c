/*
** check_opt.c: the table-driven flag parser (common/opt.c) that indexer
** and searchd share: every form, type, range and error, positional
** arguments, --help, --version and the generated usage text.
*/
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "opt.h"

#define COUNT(a) ((int)(sizeof(a)/sizeof((a)[0])))

struct settings {
  const char *zDb;
  const char *zListen;
  long nThreads;
  int bQuiet;
  struct opt_list origins;
};

#define O(f) offsetof(struct settings, f)
static const struct opt aOpt[] = {
  {"--db", OPT_STR, O(zDb), 0,0,0, 0, "PATH  the index"},
  {"--listen", OPT_STR, O(zListen), 0,0,0, "127.0.0.1:8080", "ADDR  where"},
  {"--threads", OPT_INT, O(nThreads), 4, 1, 64, 0, "N  how many"},
  {"--quiet", OPT_BOOL, O(bQuiet), 0,0,0, 0, "  say less"},
  {"--origin", OPT_LIST, O(origins), 0, 0, 2, 0, "ORIGIN  repeatable"},
};
#undef O

static const struct opt_program prog = {
  "prog", "--db PATH [flags] FILE...", "About the program.", "After.\n",
  aOpt, COUNT(aOpt), 1
};
static const struct opt_program progNoArgs = {
  "prog", "--db PATH", 0, 0, aOpt, COUNT(aOpt), 0
};

/* Split zArgs at blanks into argv (after "prog"); returns argc. */
static int split_args(const char *zArgs, char *zBuf, size_t nBuf,
                      char **azArgv){
  int argc = 0;
  char *z;
  snprintf(zBuf, nBuf, "%s", zArgs);
  azArgv[argc++] = "prog";
  for(z=strtok(zBuf, " "); z && argc<15; z=strtok(0, " ")) azArgv[argc++] = z;
  azArgv[argc] = 0;
  return argc;
}

/* Command lines that parse, and the settings they must give. */
static const struct {
  const char *zArgs;            /* space-separated, after argv[0] */
  const char *zDb, *zListen;
  long nThreads;
  int bQuiet, nOrigin, nArg;
  const char *zArg0;            /* first positional argument */
} aOk[] = {
  {"", 0, "127.0.0.1:8080", 4, 0, 0, 0, 0},
  {"--db x.db a b", "x.db", "127.0.0.1:8080", 4, 0, 0, 2, "a"},
  {"--db=x.db --threads=8 a", "x.db", "127.0.0.1:8080", 8, 0, 0, 1, "a"},
  {"--quiet --listen :0 --threads 64", 0, ":0", 64, 1, 0, 0, 0},
  {"--origin a --origin b", 0, "127.0.0.1:8080", 4, 0, 2, 0, 0},
  {"--db x -- --quiet -", "x", "127.0.0.1:8080", 4, 0, 0, 2, "--quiet"},
  {"- --db x", "x", "127.0.0.1:8080", 4, 0, 0, 1, "-"},
};

START_TEST(test_ok)
{
  char zBuf[200], *azArgv[16], *azArg[16], *zErr = 0;
  struct settings st;
  int nArg = -1;
  int argc = split_args(aOk[_i].zArgs, zBuf, sizeof(zBuf), azArgv);
  memset(&st, 0x55, sizeof(st));          /* defaults must overwrite it */
  ck_assert_int_eq(opt_parse(&prog, argc, azArgv, &st, azArg, &nArg, &zErr),
                   OPT_OK);
  ck_assert_ptr_null(zErr);
  if( aOk[_i].zDb ) ck_assert_str_eq(st.zDb, aOk[_i].zDb);
  else ck_assert_ptr_null(st.zDb);
  ck_assert_str_eq(st.zListen, aOk[_i].zListen);
  ck_assert_int_eq(st.nThreads, aOk[_i].nThreads);
  ck_assert_int_eq(st.bQuiet, aOk[_i].bQuiet);
  ck_assert_int_eq(st.origins.n, aOk[_i].nOrigin);
  ck_assert_int_eq(nArg, aOk[_i].nArg);
  if( nArg>0 ) ck_assert_str_eq(azArg[0], aOk[_i].zArg0);
}
END_TEST

/* Command lines that stop the parse: errors, --help, --version. */
static const struct {
  const char *zArgs;
  int bNoArgs;                  /* parse with progNoArgs */
  int rc;
  const char *zErr;             /* substring of the message, on OPT_ERROR */
} aStop[] = {
  {"--origin a --origin b --origin c", 0, OPT_ERROR, "--origin: at most 2"},
  {"--threads 0", 0, OPT_ERROR, "--threads: want an integer in [1, 64]"},
  {"--threads 65", 0, OPT_ERROR, "got '65'"},
  {"--threads 4x", 0, OPT_ERROR, "got '4x'"},
  {"--threads", 0, OPT_ERROR, "--threads needs a value"},
  {"--quiet=1", 0, OPT_ERROR, "--quiet takes no value"},
  {"--bogus", 0, OPT_ERROR, "unknown flag '--bogus'"},
  {"--dbx y", 0, OPT_ERROR, "unknown flag '--dbx'"},
  {"-q", 0, OPT_ERROR, "unknown flag '-q'"},
  {"file", 1, OPT_ERROR, "unexpected argument 'file'"},
  {"--bogus --help", 0, OPT_ERROR, "unknown flag"},
  {"--db x --help --bogus", 0, OPT_HELP, 0},
  {"-h", 0, OPT_HELP, 0},
  {"--version", 1, OPT_VERSION, 0},
};

START_TEST(test_stop)
{
  char zBuf[200], *azArgv[16], *azArg[16], *zErr = 0;
  struct settings st;
  int nArg = 0, rc;
  int argc = split_args(aStop[_i].zArgs, zBuf, sizeof(zBuf), azArgv);
  rc = opt_parse(aStop[_i].bNoArgs ? &progNoArgs : &prog, argc, azArgv, &st,
                 azArg, &nArg, &zErr);
  ck_assert_msg(rc==aStop[_i].rc, "'%s': %d, want %d (%s)", aStop[_i].zArgs,
                rc, aStop[_i].rc, zErr ? zErr : "");
  if( aStop[_i].zErr ){
    ck_assert_ptr_nonnull(zErr);
    ck_assert_msg(strstr(zErr, aStop[_i].zErr)!=0, "'%s' gave '%s'",
                  aStop[_i].zArgs, zErr);
  }else{
    ck_assert_ptr_null(zErr);
  }
  sqlite3_free(zErr);
}
END_TEST

/* The list keeps its values in order. */
START_TEST(test_list_order)
{
  char *azArgv[] = {"prog", "--origin", "b", "--origin=a", 0};
  char *zErr = 0;
  struct settings st;
  ck_assert_int_eq(opt_parse(&prog, 4, azArgv, &st, 0, 0, &zErr), OPT_OK);
  ck_assert_int_eq(st.origins.n, 2);
  ck_assert_str_eq(st.origins.az[0], "b");
  ck_assert_str_eq(st.origins.az[1], "a");
}
END_TEST

/* The usage text names every flag with its default and range. */
START_TEST(test_usage)
{
  static const char zHead[] = "usage: prog --db PATH [flags] FILE...\n"
                              "About the program.\n\n";
  FILE *f = tmpfile();
  char z[2000];
  size_t n;
  ck_assert_ptr_nonnull(f);
  opt_usage(&prog, f);
  rewind(f);
  n = fread(z, 1, sizeof(z)-1, f);
  z[n] = 0;
  fclose(f);
  ck_assert_int_eq(strncmp(z, zHead, strlen(zHead)), 0);
  ck_assert_ptr_nonnull(strstr(z, "  --db PATH  the index\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --listen ADDR  where (default "
                                  "127.0.0.1:8080)\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --threads N  how many (default 4, "
                                  "1..64)\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --quiet   say less\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --origin ORIGIN  repeatable\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --help  this text\n"));
  ck_assert_ptr_nonnull(strstr(z, "  --version  "));
  ck_assert_ptr_nonnull(strstr(z, "\nAfter.\n"));
}
END_TEST

Suite *opt_suite(void){
  Suite *s = suite_create("opt");
  TCase *tc = tcase_create("opt");
  tcase_add_loop_test(tc, test_ok, 0, COUNT(aOk));
  tcase_add_loop_test(tc, test_stop, 0, COUNT(aStop));
  tcase_add_test(tc, test_list_order);
  tcase_add_test(tc, test_usage);
  suite_add_tcase(s, tc);
  return s;
}
