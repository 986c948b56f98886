/* test-util.c: duration, number and time parsers, UTF-8, globbing, base64. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "latticectl/buf.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "tap.h"

static void
test_duration(void)
{
	struct lt_error err = LT_ERROR_INIT;
	int64_t ns = 0;

	ok(lt_parse_duration("1500ms", &ns, &err) == 0 && ns == 1500000000LL,
	    "1500ms");
	ok(lt_parse_duration("1h30m", &ns, &err) == 0 &&
	    ns == 5400LL * 1000000000LL, "1h30m");
	ok(lt_parse_duration("2", &ns, &err) == 0 && ns == 2000000000LL,
	    "bare number is seconds");
	ok(lt_parse_duration("0.5s", &ns, &err) == 0 && ns == 500000000LL,
	    "fractional");
	ok(lt_parse_duration("5x", &ns, &err) < 0 && err.code == LT_E_USAGE,
	    "bad unit is a usage error");
	ok(strstr(err.msg, "'5x'") != NULL, "error quotes the input");
	ok(lt_parse_duration("-1s", &ns, &err) < 0, "negative refused");
	ok(lt_parse_duration("", &ns, &err) < 0, "empty refused");
	ok(lt_parse_duration("nan", &ns, &err) < 0 && err.code == LT_E_USAGE,
	    "nan refused (--since nan)");
	ok(lt_parse_duration("nans", &ns, &err) < 0, "nan with a unit refused");
	ok(lt_parse_duration("inf", &ns, &err) < 0, "inf refused");
	ok(lt_parse_duration("0x10s", &ns, &err) < 0, "hex refused");
	ok(lt_parse_duration("1e999", &ns, &err) < 0, "1e999 refused");
}

static void
test_numbers_and_enums(void)
{
	static const char *const fmts[] = { "text", "ndjson", NULL };
	struct lt_error err = LT_ERROR_INIT;
	uint64_t v = 0;

	ok(lt_parse_uint("42", 100, &v, &err) == 0 && v == 42, "uint 42");
	ok(lt_parse_uint("101", 100, &v, &err) < 0, "uint over max");
	ok(lt_parse_uint("4x", 100, &v, &err) < 0, "uint trailing junk");
	is_int(lt_parse_enum("ndjson", fmts, "--output", &err), 1, "enum");
	is_int(lt_parse_enum("yaml", fmts, "--output", &err), -1, "bad enum");
	ok(strstr(err.msg, "text, ndjson") != NULL, "enum error lists choices");
}

static void
test_time(void)
{
	char buf[64];
	int64_t ns = 0;

	ok(lt_time_parse("2025-08-07T12:00:01.5Z", &ns) == 0, "parse Z");
	lt_time_format(ns, buf, sizeof(buf));
	is_str(buf, "2025-08-07T12:00:01.500000000Z", "format nanos");
	ok(lt_time_parse("2025-08-07T14:00:01.5+02:00", &ns) == 0, "offset");
	lt_time_format(ns, buf, sizeof(buf));
	is_str(buf, "2025-08-07T12:00:01.500000000Z", "offset applied");
	lt_time_format(ns + 7, buf, sizeof(buf));
	is_str(buf, "2025-08-07T12:00:01.500000007Z", "same second, cached date");
	lt_time_format(ns + 1000000000LL - 500000000LL, buf, sizeof(buf));
	is_str(buf, "2025-08-07T12:00:02.000000000Z", "next second");
	lt_time_format(ns, buf, 24);
	is_str(buf, "2025-08-07T12:00:01.500", "short buffer: cut, terminated");
	lt_time_format_short(ns, buf, sizeof(buf));
	is_str(buf, "12:00:01.500", "short format");
	ok(lt_time_parse("yesterday", &ns) < 0, "bad time refused");
}

static void
test_text_and_glob(void)
{
	struct lt_buf b = LT_BUF_INIT, d = LT_BUF_INIT;

	ok(lt_is_text("h\xc3\xa9llo\n", 7), "utf-8 is text");
	ok(!lt_is_text("a\xff", 2), "invalid utf-8 is not text");
	ok(!lt_is_text("a\0b", 3), "NUL is not text");
	ok(lt_glob_match("config_*", "config_set"), "glob star");
	ok(!lt_glob_match("config_*", "component_scaled"), "glob miss");
	lt_buf_add_base64(&b, "hello", 5);
	is_str(lt_buf_str(&b), "aGVsbG8=", "base64 encode");
	ok(lt_base64_decode(b.buf, b.len, &d) == 0 && d.len == 5 &&
	    !memcmp(d.buf, "hello", 5), "base64 round trip");
	lt_buf_reset(&b);
	lt_buf_add_json_str(&b, "a\"b\n\x01", 5);
	is_str(lt_buf_str(&b), "\"a\\\"b\\n\\u0001\"", "json string escape");
	lt_buf_release(&b);
	lt_buf_release(&d);
}

/* The escaping as a plain byte loop, to compare lt_buf_add_json_str's
 * runs (16 and 8 bytes at a time) against. */
static void
json_str_reference(struct lt_buf *b, const char *s, size_t len)
{
	size_t i;

	lt_buf_addch(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			lt_buf_addf(b, "\\%c", c);
		else if (c == '\n')
			lt_buf_adds(b, "\\n");
		else if (c == '\r')
			lt_buf_adds(b, "\\r");
		else if (c == '\t')
			lt_buf_adds(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			lt_buf_addf(b, "\\u%04x", c);
		else if (c >= 0x80)	/* alone here: not UTF-8 */
			lt_buf_adds(b, "\\ufffd");
		else
			lt_buf_addch(b, (char)c);
	}
	lt_buf_addch(b, '"');
}

static void
test_buf_field(void)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_add_field(&b, "a", "plain", 5);
	lt_buf_add_field(&b, "b", "", 0);
	lt_buf_add_field(&b, "c", "two words", 9);
	lt_buf_add_field(&b, "d", "say \"hi\"", 8);
	lt_buf_add_field(&b, "e", "tab\there", 8);
	is_str(lt_buf_str(&b), " a=plain b=\"\" c=\"two words\" "
	    "d=\"say \\\"hi\\\"\" e=\"tab\\there\"",
	    "text fields: quoted when empty or holding a blank or a quote");
	lt_buf_reset(&b);
	lt_buf_add_field(&b, "h\x1b]0;x\x07", "N1\nTIME  host_started", 21);
	lt_buf_add_field(&b, "u", "caf\xc3\xa9", 5);
	lt_buf_add_field(&b, "r", "a\xe2\x80\xae" "b", 5);
	is_str(lt_buf_str(&b), " h\\x1b]0;x\\x07=\"N1\\nTIME  host_started\" "
	    "u=caf\xc3\xa9 r=\"a\\u202eb\"",
	    "text fields: controls quoted and escaped, the key too; UTF-8 "
	    "letters as they are");
	lt_buf_release(&b);
}

/* Every special byte at every position of strings up to 40 bytes. */
static void
test_json_str_runs(void)
{
	static const char special[] = "\"\\\n\r\t\x01\x1f\x7f\xc3\xff";
	struct lt_buf got = LT_BUF_INIT, want = LT_BUF_INIT;
	char s[40];
	size_t len, at, k;
	int bad = 0;

	for (len = 0; len <= sizeof(s); len++)
		for (at = 0; at < len || (at == 0 && len == 0); at++)
			for (k = 0; k < sizeof(special) - 1; k++) {
				memset(s, 'x', sizeof(s));
				if (len > 0)
					s[at] = special[k];
				lt_buf_reset(&got);
				lt_buf_reset(&want);
				lt_buf_add_json_str(&got, s, len);
				json_str_reference(&want, s, len);
				bad += strcmp(lt_buf_str(&got),
				    lt_buf_str(&want)) != 0;
			}
	ok(bad == 0, "json string escape: every special byte at every "
	    "position (%d differ)", bad);
	lt_buf_release(&got);
	lt_buf_release(&want);
}

static void
test_utf8_cut(void)
{
	const char s[] = "ab\xc3\xa9" "cd";	/* a b e-acute c d */

	ok(lt_utf8_cut(s, 6, 10) == 6, "utf8 cut: short value kept whole");
	ok(lt_utf8_cut(s, 6, 3) == 2, "utf8 cut: not inside a sequence");
	ok(lt_utf8_cut(s, 6, 4) == 4, "utf8 cut: after a whole sequence");
}

static void
test_buf_u64(void)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_adds(&b, "[");
	lt_buf_add_u64(&b, 0);
	lt_buf_addch(&b, ',');
	lt_buf_add_u64(&b, 7);
	lt_buf_addch(&b, ',');
	lt_buf_add_u64(&b, 1234567890123ULL);
	lt_buf_addch(&b, ',');
	lt_buf_add_u64(&b, UINT64_MAX);
	is_str(b.buf, "[0,7,1234567890123,18446744073709551615",
	    "lt_buf_add_u64: zero, one digit, many, the largest");
	lt_buf_release(&b);
}

static void
test_subject_token(void)
{
	ok(lt_is_subject_token("default") && lt_is_subject_token("*") &&
	    lt_is_subject_token("prod-eu_1"), "subject tokens");
	ok(!lt_is_subject_token("a.b") && !lt_is_subject_token("") &&
	    !lt_is_subject_token("a b") && !lt_is_subject_token("a\tb") &&
	    !lt_is_subject_token(NULL), "not subject tokens: dot, empty, "
	    "white space, NULL");
}

/* One duration format everywhere; text times and date lines in UTC
 * unless local. */
static void
test_shown_times(void)
{
	char d[48];
	int64_t t = 1795564799500000000LL;	/* 2026-11-24T23:59:59.5Z */

	lt_duration_format(61LL * 1000000000LL, d, sizeof(d));
	is_str(d, "1m01s", "1m01s");
	lt_duration_format(7380LL * 1000000000LL, d, sizeof(d));
	is_str(d, "2h03m", "2h03m");
	lt_duration_format(((3 * 24 + 4) * 3600LL + 59) * 1000000000LL, d,
	    sizeof(d));
	is_str(d, "3d04h", "days");
	lt_time_set_local(false);
	lt_time_format_short(t, d, sizeof(d));
	is_str(d, "23:59:59.500", "text time, UTC");
	lt_time_format_day(t, d, sizeof(d));
	is_str(d, "2026-11-24 UTC", "date line names the zone");
	lt_time_format_table(t, d, sizeof(d));
	is_str(d, "2026-11-24 23:59:59Z", "table time with Z");
	ok(lt_time_day(t) + 1 == lt_time_day(t + 500000000LL),
	    "the day changes at midnight");
	setenv("TZ", "JST-9", 1);
	tzset();
	lt_time_set_local(true);
	lt_time_format_short(t, d, sizeof(d));
	is_str(d, "08:59:59.500", "--local: local time");
	lt_time_format_day(t, d, sizeof(d));
	is_str(d, "2026-11-25 JST (+0900)", "--local date line: zone, offset");
	ok(lt_time_day(t) == lt_time_day(t + 500000000LL),
	    "--local: no day change at UTC midnight");
	lt_time_set_local(false);
	lt_time_format_short(t, d, sizeof(d));
	is_str(d, "23:59:59.500", "back to UTC (the cache knows the zone)");
}

int
main(void)
{
	test_shown_times();
	test_subject_token();
	test_buf_u64();
	test_utf8_cut();
	test_json_str_runs();
	test_buf_field();
	test_duration();
	test_numbers_and_enums();
	test_time();
	test_text_and_glob();
	done_testing();
}
