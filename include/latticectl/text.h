/* text.h: untrusted text (anything from the wire or from a file) made
 * safe to show on a terminal. Nothing a lattice participant sends may
 * move the cursor, set a window title, reorder a line (bidi controls) or
 * start a line of its own: every control character is shown visibly,
 * as \x1b, \n or \u202e, and the rest of the text as it is. */
#ifndef LATTICECTL_TEXT_H
#define LATTICECTL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/buf.h"
#include "latticectl/utf8.h"

/* Append s for a terminal, on one line: tab, newline and carriage return
 * as \t, \n, \r, other C0 and DEL as \xNN, C1 and bidi controls
 * (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C) as \uNNNN,
 * bytes that are not UTF-8 as \xNN; backslashes and everything else as
 * they are. */
void lt_buf_add_text(struct lt_buf *b, const char *s, size_t len);
/* lt_buf_add_text of a NUL-terminated string; NULL adds nothing. */
void lt_buf_add_texts(struct lt_buf *b, const char *s);
/* s in double quotes, escaped as lt_buf_add_text does, with \" and \\
 * for quotes and backslashes: a value that is one token of a line. */
void lt_buf_add_text_quoted(struct lt_buf *b, const char *s, size_t len);
/* Append s over several lines: each newline in s starts a new line that
 * begins with prefix (as 'git diff' prefixes every line of a change), so
 * a value cannot forge a line of the layout around it; tabs stay tabs,
 * the rest is escaped as lt_buf_add_text does. */
void lt_buf_add_text_lines(struct lt_buf *b, const char *s, size_t len,
    const char *prefix);
/* A NUL-terminated copy of s escaped by lt_buf_add_text, in scratch
 * (reset first); s itself when it needs no escape. Borrowed. */
const char *lt_text(struct lt_buf *scratch, const char *s);

/* Terminal width (docs/architecture.md, Output): shown text is what the
 * functions above wrote, possibly with colours from lt_output_colors. */
/* Columns code point cp takes: 0 (combining marks, zero-width
 * characters, variation selectors), 2 (East Asian wide and fullwidth,
 * emoji) or 1. */
int lt_text_cp_width(uint32_t cp);
/* Columns len bytes of shown text take: SGR colour sequences take none,
 * a wide character two. */
size_t lt_text_width(const char *s, size_t len);
/* Cut the shown text in b after byte from to at most width columns: when
 * it is wider, it ends with U+2026 (...) in the last column, cut between
 * characters and never inside an escape (\x1b, \u202e, \n) or a colour
 * sequence, and a colour left open is reset. Returns whether it cut. */
bool lt_text_fit(struct lt_buf *b, size_t from, size_t width);
/* lt_text_fit, after shortening the longest unquoted " key=value" values
 * first (down to 12 columns each, "…" where cut): an image reference
 * (image=, ref=) keeps its end, so the tag stays on screen; any other
 * value keeps its start. Returns whether anything was cut. */
bool lt_text_fit_values(struct lt_buf *b, size_t from, size_t width);
/* Append the shown text s (one line) to b, where the line so far takes
 * col columns, breaking it at blanks so that no line is wider than width;
 * each new line starts with indent blanks. A word wider than a line is
 * broken between characters (never inside an escape). */
void lt_text_wrap(struct lt_buf *b, const char *s, size_t col, size_t indent,
    size_t width);

/* " key=value" for text output: the value as it is, or in double quotes
 * escaped for a terminal (lt_buf_add_text_quoted) when it is empty or
 * holds a blank, a quote or anything lt_buf_add_text escapes; the key is
 * escaped too. */
void lt_buf_add_field(struct lt_buf *b, const char *key, const char *v,
    size_t len);

#endif
