/* utf8.h: how a byte sequence shows on a terminal, the classification
 * under text.h's escaping and buf.h's JSON strings (kept apart from both so
 * that neither depends on the other). */
#ifndef LATTICECTL_UTF8_H
#define LATTICECTL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What lt_text_scan found at a byte that is not printable ASCII. */
enum lt_text_kind {
	LT_TEXT_SAFE,		/* UTF-8 that prints as itself */
	LT_TEXT_CONTROL,	/* C0 or DEL: one byte */
	LT_TEXT_UNICODE,	/* C1 or a bidi control, valid UTF-8 */
	LT_TEXT_INVALID,	/* a byte that starts no UTF-8 sequence */
};

/* The sequence at s (len > 0): its kind, its length in bytes (1 for a
 * control or an invalid byte) in *n and its code point in *cp. */
enum lt_text_kind lt_text_classify(const char *s, size_t len, size_t *n,
    uint32_t *cp);

/* Whether lt_buf_add_text would show s as it is (printable ASCII and
 * UTF-8 without C1 or bidi controls). Fast on plain ASCII. */
bool lt_text_is_safe(const char *s, size_t len);

#endif
