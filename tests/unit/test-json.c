/* test-json.c: the compacting validator that copies payloads into
 * recordings (lt_json_compact). */
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "tap.h"

/* Compact in into a buffer that already holds "x"; the result after it. */
static int
compact(const char *in, size_t len, int depth, char *got, size_t gotlen)
{
	struct lt_buf b = LT_BUF_INIT;
	int rc;

	lt_buf_adds(&b, "x");
	rc = lt_json_compact(in, len, depth, &b);
	snprintf(got, gotlen, "%s", b.buf);
	lt_buf_release(&b);
	return rc;
}

static void
good(const char *in, const char *want, const char *what)
{
	char got[256], full[256];

	snprintf(full, sizeof(full), "x%s", want);
	ok(compact(in, strlen(in), 64, got, sizeof(got)) == 0 &&
	    !strcmp(got, full), "%s: %s", what, got);
}

static void
bad(const char *in, size_t len, int depth, const char *what)
{
	char got[256];

	ok(compact(in, len, depth, got, sizeof(got)) < 0 && !strcmp(got, "x"),
	    "refused, output untouched: %s", what);
}

int
main(void)
{
	good("{\"a\":1,\"b\":[true,false,null]}", "{\"a\":1,\"b\":[true,false,null]}",
	    "compact input copied whole");
	good(" {\n\t\"a\" : [ 1 , 2.5e-3 ] ,\r\n\"b\":{ } } ", "{\"a\":[1,2.5e-3],\"b\":{}}",
	    "whitespace outside strings removed");
	good("{\"s\":\"two  words\\n\"}", "{\"s\":\"two  words\\n\"}", "strings kept as they are");
	good("\"caf\xc3\xa9 \\\"q\\\" \\u00e9\"", "\"caf\xc3\xa9 \\\"q\\\" \\u00e9\"",
	    "UTF-8 and escapes");
	good("-0.5", "-0.5", "a bare number");
	bad("{\"a\":1} x", 9, 64, "trailing garbage");
	bad("{\"a\":\"tab\there\"}", 15, 64, "control character in a string");
	bad("{\"a\":\"\\q\"}", 10, 64, "unknown escape");
	bad("\"\\\0\"", 4, 64, "backslash before NUL");
	bad("{\"a\":\"open", 10, 64, "unterminated string");
	bad("[[[1]]]", 7, 2, "nested deeper than allowed");
	bad("", 0, 64, "empty input");
	bad("\"\xff\xfe\"", 4, 64, "not UTF-8");
	bad("{\"a\" 1}", 7, 64, "missing colon");
	bad("01", 2, 64, "leading zero");
	done_testing();
}
