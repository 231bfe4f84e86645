/*
** status.h: the status class of a report row, read from its status
** narrative by rules for Swedish administrative prose.
**
** Real narratives rarely say "Status: klart"; the class is told by tense
** and phrasing. The rules are a table of word patterns (status.c, aRule),
** each with a class, the class it takes when negated, and a priority:
**
**   - the text is cleaned with html_clean() (a field from report_parse()
**     is already clean and stays as it is), then split into words (case
**     folded the way the swedish tokenizer folds, so Å Ä Ö match å ä ö),
**     sentences and clauses;
**   - patterns match whole words ("klar" never matches inside "förklara"
**     or "klarlägga"), within one sentence;
**   - a match preceded in its clause by a negation (inte, ej, icke, aldrig,
**     ingen, inget, inga), or holding one, takes the rule's negated class
**     ("har inte genomförts" is ongoing, "har inte påbörjats" not started);
**   - a "done" match preceded in its clause by a modal or a future marker
**     (ska, kommer, beräknas, planeras, när, innan, ...), or followed in its
**     sentence by a year after the report's year, is ongoing: "ska vara
**     klart under våren 2022" is not done;
**   - of overlapping matches only the one of highest priority counts
**     ("klart att", "utgår från" are neutral phrases that hide "klart",
**     "utgår");
**   - the narrative's class is that of its match of highest priority (the
**     later one on a tie): an explicit partial or assignment-level phrase
**     ("delvis genomfört", "uppdraget utgår", "uppdraget är slutfört")
**     outranks work going on ("pågår", "är inlett"), which outranks
**     planned work ("ska presenteras"), which outranks a completed step
**     ("förstudien är genomförd och arbetet fortsätter" is ongoing);
**   - a numbered list ("1. … Genomfört. 2. … Pågår.") is classified item
**     by item: done items beside open ones make the row partly done, a
**     dropped item beside continuing ones leaves it ongoing;
**   - a narrative with words but no signal is ongoing with empty evidence
**     (a row stays on the list until it is reported done); an empty one is
**     unknown.
*/
#ifndef STATUS_H
#define STATUS_H

#include <stddef.h>

enum status_class {
  STATUS_UNKNOWN = 0,
  STATUS_NOT_STARTED,
  STATUS_ONGOING,
  STATUS_PARTLY_DONE,
  STATUS_DONE,
  STATUS_DROPPED,
  STATUS_NCLASS             /* the number of classes */
};

/* Result codes of status_classify(). */
enum status_rc {
  STATUS_OK = 0,
  STATUS_NOMEM
};

/*
** The class of a narrative and the phrase that decided it: the bytes
** [iStart, iEnd) of the cleaned text (html_clean() of the text given to
** status_classify(), which is that text itself when it holds no markup,
** entity or extra white space, as every field report_parse() returns);
** iStart==iEnd when nothing decided it: an empty narrative, or one with
** no signal.
*/
struct status_result {
  enum status_class eClass;
  size_t iStart, iEnd;
};

/*
** Classify the status narrative z[0..n) (UTF-8, plain text or an HTML
** fragment; need not be NUL-terminated). iYear is the year of the report
** the row is in, used to tell a done phrase with a later year ("genomförd
** slutet av 2022") as planned; 0 if unknown. Returns STATUS_OK with *pOut
** set, or STATUS_NOMEM (then *pOut is unknown with empty evidence). Thread
** safe: the rule table is compiled once, by the first call (pthread_once),
** and only read after.
*/
int status_classify(const char *z, size_t n, int iYear,
                    struct status_result *pOut);

/*
** The name of class e: "unknown", "not_started", "ongoing", "partly_done",
** "done", "dropped"; "unknown" for a value out of range. Static string.
*/
const char *status_class_name(enum status_class e);

/*
** The class named z (one of the names above), or -1 if z names none.
*/
int status_class_from_name(const char *z);

#endif /* STATUS_H */
