/*
** opt.h: command-line flags from a table, with a generated --help.
**
** Each program describes its flags in one table of struct opt (name, type,
** where the value goes in the program's settings struct, default, range,
** help text) and calls opt_parse() once from main(). --help (or -h) and
** --version are understood by every program and listed by opt_usage().
**
** Accepted forms: "--name VALUE", "--name=VALUE", "--flag" for booleans,
** "--" to end the flags. Anything not starting with "-" (and everything
** after "--") is a positional argument, kept in order for a program that
** takes them and refused by one that does not.
*/
#ifndef COMMON_OPT_H
#define COMMON_OPT_H

#include <stddef.h>
#include <stdio.h>

enum opt_type {
  OPT_STR,      /* const char * pointing into argv */
  OPT_INT,      /* long, checked against [iMin, iMax] */
  OPT_BOOL,     /* int, set to 1 by the flag; takes no value */
  OPT_LIST      /* repeatable: a struct opt_list, at most iMax values */
};

#define OPT_LIST_MAX 16

/* The values of a repeatable flag, in the order given. */
struct opt_list {
  int n;
  const char *az[OPT_LIST_MAX];
};

struct opt {
  const char *zName;        /* "--db" */
  enum opt_type type;
  size_t off;               /* offsetof the field in the settings struct */
  long iDefault, iMin, iMax;    /* OPT_INT; OPT_LIST: iMax (at most
                                ** OPT_LIST_MAX) values */
  const char *zDefault;     /* OPT_STR default, or NULL */
  const char *zHelp;        /* "ARG  what it does" (two blanks after ARG) */
};

struct opt_program {
  const char *zName;        /* "indexer": the prefix of error messages */
  const char *zUsage;       /* "--db PATH [flags] FILE_OR_DIR..." */
  const char *zAbout;       /* printed after the usage line, or NULL */
  const char *zAfter;       /* printed after the flags, or NULL */
  const struct opt *aOpt;
  int nOpt;
  int bArgs;                /* positional arguments are accepted */
};

/* Results of opt_parse(). */
#define OPT_OK      0
#define OPT_HELP    1   /* --help: print opt_usage() to stdout, exit 0 */
#define OPT_VERSION 2   /* --version: print the versions, exit 0 */
#define OPT_ERROR   3   /* *pzErr says why; the caller exits 2 */

/*
** Set the table's fields of pConf to their defaults (other fields are not
** touched), then apply the flags of argv[1..argc). Positional arguments go
** to azArg (room for argc entries; may be NULL when bArgs is 0), their
** count to *pnArg (may be NULL likewise). Strings stored point into argv.
** On OPT_ERROR, *pzErr is a message naming the flag (sqlite3_free it);
** otherwise *pzErr is NULL. The scan stops at the first error, --help or
** --version.
** Not thread safe (called by main only).
*/
int opt_parse(const struct opt_program *pProg, int argc, char **argv,
              void *pConf, char **azArg, int *pnArg, char **pzErr);

/* Print the usage text with every flag, its default and range, to f. */
void opt_usage(const struct opt_program *pProg, FILE *f);

#endif /* COMMON_OPT_H */
