/*
** runner.c: runs every unit suite (one per module, listed in suites.h, made
** by the Makefile from tests/unit/check_<module>.c). Run from tests/ so
** fixtures are found at fixtures/. CK_FORK=no to debug under gdb/valgrind;
** CK_RUN_SUITE=name to run one suite.
*/
#include <stdlib.h>

#include <check.h>

#define SUITE(name) Suite *name##_suite(void);
#include "suites.h"
#undef SUITE

int main(void){
  SRunner *sr = srunner_create(0);
  int nFailed;
#define SUITE(name) srunner_add_suite(sr, name##_suite());
#include "suites.h"
#undef SUITE
  srunner_run_all(sr, CK_NORMAL);
  nFailed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return nFailed==0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
