/*
** report.h: parse one "återrapportering" report file into its rows.
**
** The format (see tests/fixtures/reports/): blank lines, a title line
**
**   Återrapportering av regionstyrelsens uppdrag till regiondirektören YYYY-MM-DD
**
** then data rows of three TAB-separated fields (assignment, source, status),
** groups of rows separated by blank lines. Each field is cleaned with
** html_clean() (tags stripped, entities decoded, white space collapsed).
**
** What the parser accepts, repairs and refuses:
**   - a UTF-8 BOM at the start is skipped; CR before LF (and a lone CR at
**     the end of a line) is dropped; the last line needs no newline;
**   - invalid UTF-8 (bad, overlong, surrogate or truncated sequences) is
**     replaced with U+FFFD, one per bad byte, and warned about per line;
**   - the title must be the first non-blank line: the words above
**     (leading/trailing white space allowed), a space and a real calendar
**     date. Otherwise the file is rejected ("no title line", "bad date");
**   - a file with a NUL byte in its first 8 KiB is rejected as binary (or
**     UTF-16); an empty or blank file is rejected; a NUL later is repaired
**     as invalid text;
**   - a data row with 3 fields is taken as is. Rows with other field
**     counts are salvaged where the meaning is clear, with a warning:
**       2 fields  -> assignment and status, empty source (the source is
**                    the short field that is often empty; a lost TAB
**                    leaves the long narrative last);
**       4+ fields -> the first two are assignment and source, the rest are
**                    joined with a space into the status (stray TABs come
**                    from the long free-text narrative);
**       1 field directly below a data row (no blank line between)
**                 -> a line break inside that row's status: joined to it
**                    with a space;
**       1 field anywhere else -> not a row: skipped with a warning;
**     a line of only spaces and TABs counts as blank;
**     a row whose three fields are all empty after cleaning is skipped
**     with a warning; an empty source is normal (no warning);
**   - rows are numbered 1, 2, ... in file order, skipped lines not counted;
**     a report with a title and no rows is accepted with a warning.
**
** Warnings go to a callback as (path, line, message); line 0 means the
** whole file.
*/
#ifndef REPORT_H
#define REPORT_H

#include <stddef.h>

/* Limits: a file larger than this is rejected (curl dynbuf style cap). */
#define REPORT_MAX_BYTES ((size_t)256 << 20)

/* Result codes of report_parse() and report_read(). */
enum report_rc {
  REPORT_OK = 0,
  REPORT_REJECTED,     /* input unusable; a warning said why */
  REPORT_NOMEM         /* out of memory */
};

/* One data row. The strings are NUL-terminated and owned by the report. */
struct report_row {
  int iRow;                 /* 1-based ordinal among the data rows */
  int iLine;                /* line of the file where the row starts */
  const char *zAssignment;
  const char *zSource;      /* "" when empty */
  const char *zStatus;
  size_t nAssignment, nSource, nStatus;   /* byte lengths */
};

/* A parsed report. Read-only for callers; free with report_free(). */
struct report {
  char zDate[11];           /* "YYYY-MM-DD" */
  const char *zTitle;       /* the title line as written, trimmed */
  int nRow;
  struct report_row *aRow;
  char *zText;              /* the (repaired) text the pointers point into */
};

/*
** Called for each warning: zPath is the file, iLine its 1-based line (0 for
** the whole file), zMsg the message (valid only during the call).
*/
typedef void (*report_warn_fn)(void *pCtx, const char *zPath, int iLine,
                               const char *zMsg);

/*
** Parse the n bytes at z (need not be NUL-terminated; not modified) as the
** report file zPath (used only in warnings). On REPORT_OK sets *ppReport to
** a new report that owns copies of everything (free with report_free()).
** On REPORT_REJECTED xWarn has been told why; on REPORT_NOMEM nothing is
** allocated. *ppReport is NULL on any failure. Warnings about single rows
** and repaired bytes do not fail the parse. xWarn may be NULL. Thread
** safe (no shared state).
*/
int report_parse(const char *zPath, const char *z, size_t n,
                 report_warn_fn xWarn, void *pCtx, struct report **ppReport);

/* Free a report and everything it owns. Accepts NULL. */
void report_free(struct report *pReport);

/*
** Read the whole file zPath into a new buffer (*pz, free with free(), with
** a NUL after the last byte) and set *pn to its size. Returns REPORT_OK,
** REPORT_REJECTED (cannot open or read, not a regular file, larger than
** REPORT_MAX_BYTES: xWarn told why) or REPORT_NOMEM. *pz is NULL on failure.
*/
int report_read(const char *zPath, report_warn_fn xWarn, void *pCtx,
                char **pz, size_t *pn);

#endif /* REPORT_H */
