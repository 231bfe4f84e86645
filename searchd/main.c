/* main.c: placeholder until the searchd issue lands. */
#include <stdio.h>

int main(int argc, char **argv){
  (void)argc;
  fprintf(stderr, "usage: %s --db PATH ... (not built yet)\n", argv[0]);
  return 2;
}
