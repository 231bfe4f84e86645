/*
** query.h: what a user typed into a search box, as an FTS5 expression.
**
** The language is a web search box's: words (all must match), "quoted
** phrases", -word and -"phrase" to exclude, OR between two terms, word* for
** a prefix (of at least QUERY_MIN_PREFIX characters). Everything else is
** literal text: a stray quote, a hyphen
** (covid-19 becomes the phrase "covid-19", which the tokenizer splits into
** covid 19), colons, parentheses, NEAR, AND, lower-case "or". Every user
** term reaches MATCH as a quoted FTS5 string with '"' doubled, never as raw
** text, so no input can be an FTS5 syntax error.
**
** Each positive term becomes a group of alternative forms OR'ed together:
** the term as typed, plus whatever the expansion hook adds (synonyms,
** spelling corrections: see struct query_opts). Terms joined by OR form one
** clause; the clauses are AND'ed; excluded terms are NOT'ed at the end:
**
**   nära vård -covid      ("nära") AND ("vård") NOT ("covid")
**   ivf OR "fertilitet"   (("ivf") OR ("fertilitet"))
**   mammo*                ("mammo" *)
**
** Before stop words are dropped, the span hook may join consecutive
** unquoted words into one phrase term (a multi-word synonym typed without
** quotes: Kiruna nya sjukhus becomes the term "Kiruna nya sjukhus", then
** ("Kiruna nya sjukhus" OR "KNS")); see query_span_fn.
**
** Stop words (swedish_is_stopword, surface form) are dropped from unquoted
** multi-word queries unless every word is one; a term alone in an OR clause
** is the only kind dropped.
**
** The FTS5 phrases of the expression are numbered in order of appearance
** (as the auxiliary API's iPhrase counts them); query_phrase() tells which
** user term and clause each one belongs to, for ranking and relaxed mode.
**
** Pure: no SQLite connection, no sockets. Thread safe (no shared state;
** the hook is called on the caller's thread).
*/
#ifndef SEARCHD_QUERY_H
#define SEARCHD_QUERY_H

/* Hard limits on what a query may cost, checked before it runs; past
** one, query_parse() fails with the code in brackets and query_errmsg()
** names the limit:
**   QUERY_MAX_TERMS        terms as typed (words, phrases, prefixes, the
**                          excluded ones) [QUERY_ETERMS]
**   QUERY_MAX_PREFIXES     prefix terms, word* [QUERY_EPREFIXES]
**   QUERY_MAX_PREFIX_WORDS vocabulary words all the prefixes together
**                          expand to, as query_opts.xPrefixWords counts
**                          them [QUERY_EEXPAND]
**   QUERY_MAX_PHRASE       words in "quoted phrases", all of them
**                          together [QUERY_EPHRASE]
** FTS5 merges the doclist of every word a prefix matches (för* on 5,000
** reports: 1,996 words, 277,000 postings, some 130 ms), and a phrase reads
** the positions of each of its words (8 common words: some 80 ms; relaxed
** mode ORs every phrase), so these limits hold a query to about 250 ms of
** CPU there. An expansion past
** QUERY_MAX_ALTS alternatives per term is refused with QUERY_EFULL. */
#define QUERY_MAX_TERMS        32
#define QUERY_MAX_PREFIXES     4
#define QUERY_MAX_PREFIX_WORDS 3000
#define QUERY_MAX_PHRASE       12
#define QUERY_MAX_ALTS         8

/* A prefix (word*) needs this many characters before the '*'; a shorter
** one ("a*", which would merge the doclists of thousands of terms) is
** searched as the word itself. */
#define QUERY_MIN_PREFIX 3

/* Kinds of user term. */
enum query_kind {
  QUERY_WORD,        /* unquoted text, maybe with hyphens: covid-19 */
  QUERY_PHRASE,      /* "quoted phrase" */
  QUERY_PREFIX       /* word* */
};

/* Where an alternative form came from. */
enum query_alt_kind {
  QUERY_ALT_TYPED,       /* the term as the user typed it (always first) */
  QUERY_ALT_SYNONYM,     /* an equivalent from the synonyms file */
  QUERY_ALT_CORRECTION,  /* a spelling/diacritics correction */
  QUERY_ALT_SUGGESTION,  /* a correction offered, not searched: the word
                         ** as typed is a correctly spelled word */
  QUERY_ALT_NEAR         /* the words of a multi-word synonym member,
                         ** near each other in any order (below) */
};

/*
** A QUERY_ALT_NEAR alternative "w1 w2 ... wk" (words split at spaces;
** those without a letter or digit and, unless all are, stop words left
** out; at most QUERY_MAX_SPAN) is the FTS5 near group
** NEAR("w1" "w2" ... "wk", QUERY_NEAR_GAP * (k-1)): the words in any
** order with at most that many other words between them in all. Each
** word is one FTS5 phrase (struct query_phrase.nGroup = k). One of fewer
** than two such words is not added. Near groups are dropped, last first,
** when the query would have more phrases than fit.
*/
#define QUERY_NEAR_GAP 3

/* Return codes. */
#define QUERY_OK     0
#define QUERY_ENOMEM 1
#define QUERY_EFULL  2    /* query_term_add_alt: QUERY_MAX_ALTS reached */
#define QUERY_ETERMS     3  /* the limits above */
#define QUERY_EPREFIXES  4
#define QUERY_EEXPAND    5
#define QUERY_EPHRASE    6

/*
** What a query_parse() code means, for the user: for the limit codes, a
** sentence naming the limit ("more than 4 prefixes (word*) ..."). Static
** text; never NULL.
*/
const char *query_errmsg(int rc);

/* Is rc one of the limit codes (a query refused for its cost)? */
int query_is_limit(int rc);

/* One user term: read-only for hooks except through query_term_add_alt. */
struct query_term {
  enum query_kind kind;
  int bNot;                /* excluded with - */
  int iClause;             /* positive terms with equal iClause are OR'ed */
  int nAlt;                /* >=1; azAlt[0] is the text as typed */
  char *azAlt[QUERY_MAX_ALTS];          /* NUL-terminated, owned by query */
  enum query_alt_kind aAltKind[QUERY_MAX_ALTS];
};

/*
** The expansion hook, called once for every positive WORD or PHRASE term
** (not prefixes, not excluded terms) after stop words are dropped. It may
** add alternatives with query_term_add_alt(); it must not change anything
** else. pArg is query_opts.pExpandArg (e.g. the worker's synonyms table or
** its database connection for a vocabulary lookup). Returns QUERY_OK, or
** any other code to fail query_parse() with it.
*/
typedef int (*query_expand_fn)(void *pArg, struct query_term *pTerm);

/*
** The span hook, which joins consecutive words into one phrase term (a
** multi-word synonym typed without quotes: Kiruna nya sjukhus). Called
** before stop words are dropped, at each position of a run of unquoted
** words that are positive, alone in their clause and not prefixes:
** azWord[0..nWord) (anWord[i] bytes each, as typed, not NUL-terminated;
** 2 <= nWord <= QUERY_MAX_SPAN) are the words from that position to the
** end of the run. The hook sets *pnUsed to the number of leading words
** (2..nWord) that form one unit it knows, longest first, or to 0. Those
** words then become one QUERY_PHRASE term (the words joined by single
** spaces), which the expansion hook sees like a quoted phrase; the rest of
** the query is unchanged. pArg is query_opts.pExpandArg. Returns QUERY_OK,
** or any other code to fail query_parse() with it.
*/
#define QUERY_MAX_SPAN 8
typedef int (*query_span_fn)(void *pArg, const char *const *azWord,
                             const int *anWord, int nWord, int *pnUsed);

/*
** The token hook: does z[0..n) (a term as typed, not empty) hold at least
** one token for the index's tokenizer? Returns 1 or 0. It is asked only
** about terms with non-ASCII bytes (for ASCII the answer is plain: letters
** and digits are tokens, punctuation is not). A term without a token would
** be an FTS5 phrase that matches nothing and, AND'ed, empties the result
** (e.g. a typed en dash or euro sign), so such terms are dropped. pArg is
** query_opts.pTokenArg.
*/
typedef int (*query_token_fn)(void *pArg, const char *z, int n);

/*
** The prefix hook: set *pnWords to the number of vocabulary words that
** start with z[0..n) (a prefix as typed, before the '*'; not folded),
** counting no further than nMax (the lookup may stop there). pArg is
** query_opts.pPrefixArg. Returns QUERY_OK, or any other code to fail
** query_parse() with it. Without the hook only QUERY_MAX_PREFIXES applies.
*/
typedef int (*query_prefix_fn)(void *pArg, const char *z, int n, int nMax,
                               int *pnWords);

struct query_opts {
  query_expand_fn xExpand;   /* NULL: no expansion */
  void *pExpandArg;
  query_span_fn xSpan;       /* NULL: words are never joined */
  query_token_fn xHasToken;  /* NULL: any non-ASCII byte counts as a token */
  void *pTokenArg;
  query_prefix_fn xPrefixWords;  /* NULL: prefix expansion not counted */
  void *pPrefixArg;
};

/*
** Add z[0..n) as an alternative form of pTerm (it becomes one more quoted
** string OR'ed into the term's group; it may hold several words, which
** make a phrase; of kind QUERY_ALT_NEAR, a near group instead, above).
** kind says where it came from; corrections are reported in the /search
** response. A QUERY_ALT_SUGGESTION is reported only: it is no phrase of
** the expression (query_match, query_phrase). Returns QUERY_OK,
** QUERY_EFULL or QUERY_ENOMEM. An alternative equal to one already
** present (a near group to a near group, anything else to anything else)
** is ignored (QUERY_OK).
*/
int query_term_add_alt(struct query_term *pTerm, const char *z, int n,
                       enum query_alt_kind kind);

/* One FTS5 phrase of the expression (see query_phrase). A near group's
** phrases are its words: zText is the word, kind QUERY_WORD. */
struct query_phrase {
  int iTerm;               /* index of the user term */
  int iClause;             /* its clause, or -1 for an excluded term */
  int iAlt;                /* which alternative of the term */
  const char *zText;       /* the alternative's text (owned by the query) */
  enum query_alt_kind altKind;
  enum query_kind kind;
  int nGroup;              /* phrases of its near group, else 1 */
};

struct query;   /* opaque */

/*
** Parse the nText bytes at zText (any bytes; need not be NUL-terminated)
** with opts (may be NULL). Returns QUERY_OK and sets *ppOut (free with
** query_free), or QUERY_ENOMEM / a limit code (QUERY_ETERMS ...) / the
** hook's code with *ppOut NULL.
** A query with no searchable term (only spaces, operators, punctuation)
** succeeds with query_match() returning NULL.
*/
int query_parse(const char *zText, int nText, const struct query_opts *opts,
                struct query **ppOut);

/* Free a query. Accepts NULL. */
void query_free(struct query *q);

/*
** The FTS5 expression requiring every clause, or NULL if the query has no
** searchable term. Owned by q.
*/
const char *query_match(const struct query *q);

/*
** The relaxed expression: any clause (still without the excluded terms),
** or NULL if the query has fewer than two clauses. Same phrase numbering as
** query_match(). Owned by q.
*/
const char *query_relaxed(const struct query *q);

/* Number of positive clauses (the "words" of relaxed mode). */
int query_clause_count(const struct query *q);

/* Number of user terms kept, and term i (0 <= i < count). */
int query_term_count(const struct query *q);
const struct query_term *query_term(const struct query *q, int i);

/* Number of FTS5 phrases in the expressions, and phrase i. */
int query_phrase_count(const struct query *q);
const struct query_phrase *query_phrase(const struct query *q, int i);

/*
** A canonical form of the parsed query (terms, kinds, alternatives) for use
** as a cache key: two inputs that differ only in spacing give the same
** string. Owned by q; never NULL after a successful parse.
*/
const char *query_key(const struct query *q);

#endif /* SEARCHD_QUERY_H */
