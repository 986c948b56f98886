/* fuzz-text: the terminal escaper (text.h) and the JSON writers on
 * arbitrary bytes: what they write never holds a byte a terminal would
 * obey and is always UTF-8; JSON text from a tree stays UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct lt_buf b = LT_BUF_INIT;
	cJSON *j;

	lt_buf_add_text(&b, s, size);
	fuzz_check_text(b.buf, b.len, false);
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
