/*
** html.h: turn a report field (plain text or an HTML fragment) into the
** plain text that is indexed and displayed.
**
** The exports carry <p> wrappers, <ol> lists that are never closed,
** entities (&amp; &nbsp; &#246; &ouml;) and everything else as written.
** html_clean() keeps the text and drops the markup:
**
**   - a tag (`<` then a letter, `/`, `!` or `?`, up to the next `>`) is
**     removed; block-level tags (p, br, ol, li, div, td, ...) and unknown
**     tags become a word break, inline tags (b, i, span, a, em, ...) vanish
**     so "vår<b>d</b>" stays one word; `<!-- ... -->` comments are removed;
**   - a `<` that does not open a tag, or whose `>` never comes, is kept as
**     text ("a < b", a field cut off inside "<p");
**   - named entities (the HTML 4 set: Latin-1, symbols, Greek, special)
**     and numeric ones (&#246; &#xF6;) are decoded; &nbsp; becomes a plain
**     space; NUL, surrogates and code points past U+10FFFF become U+FFFD;
**     an `&` that starts no known entity is kept as text;
**   - runs of white space (space, TAB, CR, LF, FF, VT, also written as
**     entities: &#9; &#10; &#32;) become one space, with none at either
**     end.
**
** The text must be UTF-8 (the report parser repairs it first); multibyte
** characters are copied unchanged.
*/
#ifndef HTML_H
#define HTML_H

#include <stddef.h>

/*
** Clean the n bytes at z in place and return the new length; z[return]
** is set to NUL, so z must have room for n+1 bytes. The result is never
** longer than the input (every entity is at least as long as its UTF-8
** encoding), which is what makes in-place cleaning possible. Cannot fail.
** Thread safe (no shared state).
*/
size_t html_clean(char *z, size_t n);

/*
** Decode the entity whose name (without `&` and `;`) is the n bytes at
** zName into UTF-8 at zOut (room for 4 bytes). Returns the number of
** bytes written (0 for the invisible ones, &shy; &zwj; &zwnj; &lrm;
** &rlm;, which are dropped), or -1 if the name is not a known entity.
** Thread safe.
*/
int html_entity(const char *zName, size_t n, char *zOut);

#endif /* HTML_H */
