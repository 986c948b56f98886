/* fuzz-text: the terminal escaper (text.h) and the JSON writers on
 * arbitrary bytes: what they write never holds a byte a terminal would
 * obey and is always UTF-8; JSON text from a tree stays UTF-8. Escaped
 * text cut (lt_text_fit) or wrapped (lt_text_wrap) to a width the first
 * byte picks is no wider than that and still safe; a cut keeps a prefix
 * and ends in an ellipsis (escapes kept whole: test-text, t0200). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The escaped text e cut and wrapped to width columns. */
static void
check_fit(const struct lt_buf *e, size_t width)
{
	struct lt_buf b = LT_BUF_INIT;
	const char *line, *nl, *end;

	lt_buf_add(&b, e->buf ? e->buf : "", e->len);
	if (lt_text_fit(&b, 0, width) && (lt_text_width(b.buf, b.len) > width ||
	    b.len < 3 || memcmp(b.buf + b.len - 3, "\xe2\x80\xa6", 3) ||
	    memcmp(b.buf, e->buf, b.len - 3)))
		abort();	/* wider, no ellipsis, or not a prefix */
	fuzz_check_text(b.buf ? b.buf : "", b.len, false);
	lt_buf_reset(&b);
	lt_text_wrap(&b, e->buf ? e->buf : "", 0, 2, width + 11);
	fuzz_check_text(b.buf ? b.buf : "", b.len, true);
	for (line = b.buf ? b.buf : "", end = line + b.len; line < end;
	    line = nl + 1) {
		if (!(nl = memchr(line, '\n', (size_t)(end - line))))
			nl = end;
		if (lt_text_width(line, (size_t)(nl - line)) > width + 11)
			abort();	/* a wrapped line too wide */
	}
	lt_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct lt_buf b = LT_BUF_INIT;
	cJSON *j;

	lt_buf_add_text(&b, s, size);
	fuzz_check_text(b.buf, b.len, false);
	check_fit(&b, size ? data[0] % 64 + 1 : 1);
	if (lt_text_is_safe(s, size) != (b.len == size && !memcmp(b.buf, s,
	    size)))
		abort();	/* safe means shown as it is */
	lt_buf_reset(&b);
	lt_buf_add_text_quoted(&b, s, size);
	fuzz_check_text(b.buf, b.len, false);
	lt_buf_reset(&b);
	lt_buf_add_text_lines(&b, s, size, "  | ");
	fuzz_check_text(b.buf, b.len, true);
	lt_buf_reset(&b);
	lt_buf_add_field(&b, "k", s, size);
	fuzz_check_text(b.buf, b.len, false);
	lt_buf_reset(&b);
	lt_buf_add_json_str(&b, s, size);
	fuzz_check_text(b.buf, b.len, false);
	if ((j = cJSON_ParseWithLength(s, size)) != NULL) {
		lt_buf_reset(&b);
		lt_json_print(j, true, &b);
		fuzz_check_text(b.buf, b.len, true);
		cJSON_Delete(j);
	}
	lt_buf_release(&b);
	return 0;
}
