/* buf.c: growable strings, JSON string escaping and base64. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/utf8.h"
#include "latticectl/util.h"
#include "plain-run.h"
#include "banned.h"

void
lt_buf_grow(struct lt_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->alloc)
		return;
	if (b->alloc == 0)
		b->alloc = 64;
	while (b->alloc < want)
		b->alloc *= 2;
	b->buf = lt_xrealloc(b->buf, b->alloc);
	b->buf[b->len] = '\0';	/* a first allocation reads as "" */
}

void
lt_buf_add(struct lt_buf *b, const void *data, size_t len)
{
	lt_buf_grow(b, len);
	if (len > 0)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
lt_buf_adds(struct lt_buf *b, const char *s)
{
	lt_buf_add(b, s, strlen(s));
}

void
lt_buf_addch(struct lt_buf *b, char c)
{
	lt_buf_grow(b, 1);
	b->buf[b->len++] = c;
	b->buf[b->len] = '\0';
}

void
lt_buf_add_u64(struct lt_buf *b, uint64_t v)
{
	char digits[20];
	size_t n = 0;

	do
		digits[sizeof(digits) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	lt_buf_add(b, digits + sizeof(digits) - n, n);
}

void
lt_buf_addf(struct lt_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	lt_buf_grow(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		lt_buf_grow(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* The bytes at q (DEL or above ASCII) in a JSON string: UTF-8 as it is,
 * DEL, C1 and bidi controls as \uNNNN (valid JSON either way, but a
 * terminal shown the text would obey them), and a byte that is not UTF-8
 * as \ufffd, so the output stays UTF-8. Returns where to go on. */
static const char *
json_unicode(struct lt_buf *b, const char *q, const char *end)
{
	uint32_t cp;
	size_t n;

	switch (lt_text_classify(q, (size_t)(end - q), &n, &cp)) {
	case LT_TEXT_SAFE:
		lt_buf_add(b, q, n);
		break;
	case LT_TEXT_INVALID:
		lt_buf_add(b, "\\ufffd", 6);
		break;
	default:
		lt_buf_addf(b, "\\u%04x", (unsigned)cp);
	}
	return q + n;
}

void
lt_buf_add_json_str(struct lt_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *p = s, *end = s + len, *q;
	char esc[7] = "\\u00";

	lt_buf_grow(b, len + 2);
	lt_buf_addch(b, '"');
	for (;;) {	/* runs of plain text in one piece */
		q = lt_json_plain_run(p, end);
		lt_buf_add(b, p, (size_t)(q - p));
		if (q == end)
			break;
		p = q + 1;
		switch (*q) {
		case '"': lt_buf_add(b, "\\\"", 2); break;
		case '\\': lt_buf_add(b, "\\\\", 2); break;
		case '\n': lt_buf_add(b, "\\n", 2); break;
		case '\r': lt_buf_add(b, "\\r", 2); break;
		case '\t': lt_buf_add(b, "\\t", 2); break;
		default:
			if ((unsigned char)*q >= 0x7f) {
				p = json_unicode(b, q, end);
				break;
			}
			esc[4] = hex[(unsigned char)*q >> 4];
			esc[5] = hex[*q & 15];
			lt_buf_add(b, esc, 6);
		}
	}
	lt_buf_addch(b, '"');
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
lt_buf_add_base64(struct lt_buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	lt_buf_grow(b, (len + 2) / 3 * 4);
	for (i = 0; i + 2 < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
		char out[4] = { b64[v >> 18], b64[(v >> 12) & 63],
			b64[(v >> 6) & 63], b64[v & 63] };
		lt_buf_add(b, out, 4);
	}
	if (i < len) {
		unsigned v = (unsigned)p[i] << 16;
		char out[4];

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		out[0] = b64[v >> 18];
		out[1] = b64[(v >> 12) & 63];
		out[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		out[3] = '=';
		lt_buf_add(b, out, 4);
	}
}

static int
b64val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

int
lt_base64_decode(const char *s, size_t len, struct lt_buf *out)
{
	unsigned acc = 0;
	int bits = 0;
	size_t i, pad = 0;

	while (len > 0 && s[len - 1] == '=' && pad++ < 2)
		len--;
	if (len % 4 == 1)	/* 6 bits left over: no byte, a cut input */
		return -1;
	for (i = 0; i < len; i++) {
		int v = b64val(s[i]);

		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			lt_buf_addch(out, (char)((acc >> bits) & 0xff));
		}
	}
	if (out->buf == NULL)
		lt_buf_add(out, "", 0);
	return 0;
}

void
lt_buf_reset(struct lt_buf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

void
lt_buf_release(struct lt_buf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->alloc = 0;
}

char *
lt_buf_detach(struct lt_buf *b)
{
	char *s = b->buf ? b->buf : lt_xstrdup("");

	b->buf = NULL;
	b->len = b->alloc = 0;
	return s;
}

const char *
lt_buf_str(const struct lt_buf *b)
{
	return b->buf ? b->buf : "";
}
