/* buf.h: a growable byte string (git's strbuf). buf is always
 * NUL-terminated once anything was added; LT_BUF_INIT needs no release
 * until then. */
#ifndef LATTICECTL_BUF_H
#define LATTICECTL_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "latticectl/error.h"

struct lt_buf {
	char *buf;
	size_t len;
	size_t alloc;
};

#define LT_BUF_INIT { NULL, 0, 0 }

void lt_buf_grow(struct lt_buf *b, size_t extra);
void lt_buf_add(struct lt_buf *b, const void *data, size_t len);
void lt_buf_adds(struct lt_buf *b, const char *s);
void lt_buf_addch(struct lt_buf *b, char c);
void lt_buf_addf(struct lt_buf *b, const char *fmt, ...) LT_PRINTF(2, 3);
/* v in decimal: lt_buf_addf's "%llu" without its cost, for hot paths. */
void lt_buf_add_u64(struct lt_buf *b, uint64_t v);
/* Append s as a JSON string literal, quotes included; the result is
 * UTF-8 whatever s holds (a byte that is not UTF-8 becomes \ufffd) and
 * holds no control character, not even DEL, C1 or a bidi control, as it
 * is (they become \uNNNN). */
void lt_buf_add_json_str(struct lt_buf *b, const char *s, size_t len);
/* Append len bytes as standard base64. */
void lt_buf_add_base64(struct lt_buf *b, const void *data, size_t len);
void lt_buf_reset(struct lt_buf *b);
/* Free the storage and return b to LT_BUF_INIT. */
void lt_buf_release(struct lt_buf *b);
/* Hand the string to the caller (never NULL) and reset b. */
char *lt_buf_detach(struct lt_buf *b);
/* The string, "" when nothing was added. Borrowed. */
const char *lt_buf_str(const struct lt_buf *b);

/* Decode standard base64 (padding optional) into out. Returns -1 on bad
 * input: a character outside the alphabet, more than two '=', or a
 * length that leaves a lone character (no whole byte). */
int lt_base64_decode(const char *s, size_t len, struct lt_buf *out);

#endif
