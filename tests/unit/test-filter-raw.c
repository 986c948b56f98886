/* test-filter-raw.c: lt_filter_match_raw against the full test (redact,
 * lt_event_decode, lt_filter_match) on the event fixtures, payloads made
 * to trip a scan, and random mutations of both: a raw verdict may be
 * UNSURE, never different. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/event.h"
#include "latticectl/filter.h"
#include "latticectl/json.h"
#include "latticectl/output.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "tap.h"

#define MAX_PAYLOADS 256
#define MAX_FILTERS 512

static char *payloads[MAX_PAYLOADS];
static size_t lens[MAX_PAYLOADS];
static int npayloads;
static struct lt_filter *filters[MAX_FILTERS];
static int nfilters;

static const char tp[] =
    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

static void
add_payload(const char *data, size_t len)
{
	if (npayloads < MAX_PAYLOADS) {
		payloads[npayloads] = lt_xstrndup(data, len);
		lens[npayloads++] = len;
	}
}

/* A filter of the given options, each "kind:value" ("for:component/x",
 * "where:data.a = b", "type:config_*", "grep:x"), NULL-terminated. */
static void
add_filter(const char *const *opts)
{
	struct lt_filter *f = lt_filter_create();
	struct lt_error err = LT_ERROR_INIT;
	int i, rc = 0;

	for (i = 0; opts[i]; i++) {
		const char *v = strchr(opts[i], ':') + 1;

		if (!strncmp(opts[i], "for:", 4))
			rc |= lt_filter_add_for(f, v, &err);
		else if (!strncmp(opts[i], "where:", 6))
			rc |= lt_filter_add_where(f, v, &err);
		else if (!strncmp(opts[i], "type:", 5))
			rc |= lt_filter_add_types(f, v, &err);
		else
			lt_filter_add_grep(f, v);
	}
	if (rc < 0 || nfilters >= MAX_FILTERS) {
		lt_filter_destroy(f);
		return;
	}
	filters[nfilters++] = f;
}

static void
add1(const char *a, const char *b)
{
	const char *opts[] = { a, b, NULL };

	add_filter(opts);
}

static char *
slurp(const char *path, size_t *len)
{
	struct lt_buf b = LT_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		lt_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return b.buf ? b.buf : lt_xstrdup("");
}

/* Filters on every string member of data: the ids the fixtures hold. */
static void
filters_from(const char *data, size_t len)
{
	cJSON *root = lt_json_parse(data, len), *d, *m;
	char buf[512];

	d = cJSON_GetObjectItem(root, "data");
	cJSON_ArrayForEach(m, d) {
		if (!cJSON_IsString(m) || strlen(m->valuestring) > 200)
			continue;
		snprintf(buf, sizeof(buf), "for:component/%s", m->valuestring);
		add1(buf, NULL);
		snprintf(buf, sizeof(buf), "for:provider/%s", m->valuestring);
		add1(buf, NULL);
		snprintf(buf, sizeof(buf), "for:config/%s", m->valuestring);
		add1(buf, "type:config_*,linkdef_*");
		snprintf(buf, sizeof(buf), "for:host/%.8s", m->valuestring);
		add1(buf, NULL);
		snprintf(buf, sizeof(buf), "where:data.%s = %s", m->string,
		    m->valuestring);
		add1(buf, NULL);
		snprintf(buf, sizeof(buf), "where:data.%s != %s", m->string,
		    m->valuestring);
		add1(buf, "for:component/rust_hello_world-http_component");
	}
	cJSON_Delete(root);
}

static void
load_fixtures(void)
{
	const char *fx = getenv("LT_FIXTURES");
	char *dir = lt_xasprintf("%s/events", fx ? fx : "tests/fixtures");
	struct lt_buf c = LT_BUF_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;
	char *path, *data;
	size_t len;

	while (d && (e = readdir(d))) {
		if (!strstr(e->d_name, ".json"))
			continue;
		path = lt_xasprintf("%s/%s", dir, e->d_name);
		if ((data = slurp(path, &len)) != NULL) {
			add_payload(data, len);	/* as written, and compact */
			lt_buf_reset(&c);
			if (lt_json_compact(data, len, 64, &c) == 0)
				add_payload(c.buf, c.len);
			filters_from(data, len);
		}
		free(data);
		free(path);
	}
	if (d)
		closedir(d);
	ok(npayloads >= 40, "fixtures read from %s (%d payloads)", dir,
	    npayloads);
	lt_buf_release(&c);
	free(dir);
}

/* Payloads each made to catch a scan out. */
static void
add_tricky(void)
{
	static const char *const data[] = {
		"{\"component_id\":\"a\"}",
		"{\"Component_Id\":\"a\",\"component_id\":\"b\"}",
		"{\"component_id\":\"b\",\"component_id\":\"a\"}",
		"{\"component\\u005fid\":\"a\"}",
		"{\"component_id\":\"\\u0061\"}",
		"{\"component_id\":\"a\\u0000b\"}",
		"{\"component_id\":1,\"source_id\":\"a\"}",
		"{\"component_id\":[\"a\"],\"target\":{\"a\":\"a\"}}",
		"{\"source_config\":[\"x\",\"a\"],\"target_config\":{\"k\":\"a\"}}",
		"{\"source_config\":\"a\",\"config_name\":null}",
		"{\"host_id\":5,\"friendly_name\":\"a\"}",
		"{\"host_id\":\"NBB\",\"friendly_name\":\"x\\\"y\"}",
		"{\"password\":\"a\",\"component_id\":\"a\"}",
		"{\"name\":\"token\",\"value\":\"a\",\"component_id\":\"a\"}",
		"{\"url\":\"nats://u:p@h\",\"component_id\":\"a\"}",
		"{\"s\":\"{\\\"password\\\":1}\",\"component_id\":\"a\"}",
		"{\"n\":1234567890123456789012345678901234567890123456789012345678901234567890,\"component_id\":\"a\"}",
		"{\"n\":1.5e3,\"t\":true,\"f\":false,\"z\":null,\"component_id\":\"a\"}",
		"{\"annotations\":{\"version\":\"v1\",\"wasmcloud.dev/appspec\":\"a\"},\"metadata\":{\"name\":\"a\"},\"name\":\"a\"}",
		"[\"a\"]",
		"\"a\"",
	};
	static const char *const frames[] = {
		"{\"specversion\":\"1.0\",\"type\":\"com.wasmcloud.lattice.%s\",\"source\":\"NBBQ5KLR\",\"data\":%s}",
		"{\"type\":\"com.wasmcloud.lattice.%s\",\"SpecVersion\":\"1.0\",\"source\":\"s\",\"Data\":%s}",
		"{\"type\":\"com.wadm.%s\",\"specversion\":1,\"source\":\"s\",\"data\":%s}",
		"{\"type\":\"%s\",\"type\":1,\"specversion\":\"1.0\",\"source\":\"N\",\"data\":%s,\"data\":{}}",
		"{\"type\":\"com.wasmcloud.lattice.%s\",\"specversion\":\"1.0\",\"source\":\"s\",\"data\":%s} x",
		"\xef\xbb\xbf{\"type\":\"%s\",\"specversion\":\"1.0\",\"source\":\"s\",\"data\":%s}",
		"{\"type\":\"x.y.%s\",\"specversion\":\"1.0\",\"source\":\"s\",\"dAta\":1,\"data\":%s}",
	};
	size_t i, j;

	for (i = 0; i < LT_ARRAY_SIZE(data); i++)
		for (j = 0; j < LT_ARRAY_SIZE(frames); j++) {
			char *s = lt_xasprintf(frames[j], i % 2 ?
			    "component_scaled" : "config_set", data[i]);

			add_payload(s, strlen(s));
			free(s);
		}
	add1("for:component/a", NULL);
	add1("for:provider/a", NULL);
	add1("for:config/a", NULL);
	add1("for:host/NBB", NULL);
	add1("for:host/a", NULL);
	add1("for:app/a", NULL);
	add1("for:trace/4bf92f35", NULL);
	add1("for:trace/4bf92f35", "for:component/a");
	add1("where:trace = 4bf92f3577b34da6a3ce929d0e0e4736", NULL);
	add1("where:trace exists", "for:component/b");
	add1("where:data.component_id = a", NULL);
	add1("where:data.component_id = \"a\"", NULL);
	add1("where:data.component_id > a", NULL);
	add1("where:data.component_id ~ ^a", NULL);
	add1("where:data.component_id !~ ^a", NULL);
	add1("where:data.component_id exists", NULL);
	add1("where:data.component_id !exists", NULL);
	add1("where:data.n < 2000", NULL);
	add1("where:data.annotations.version = v1", NULL);
	add1("where:data.annotations[\"wasmcloud.dev/appspec\"] = a", NULL);
	add1("where:data.metadata.name.x exists", NULL);
	add1("where:type = config_set", NULL);
	add1("where:type != component_scaled", "for:component/a");
	add1("where:specversion = 1.0", NULL);
	add1("where:source = s", NULL);
	add1("where:Data exists", NULL);
	add1("type:component_*", "for:component/a");
	add1("type:!config_set", NULL);
	add1("grep:\"a\"", "for:component/a");
	add1("grep:<redacted", NULL);
	add1("type:config_set", NULL);
}

struct tally {
	int decided, unsure, wrong;
	int lines;	/* text lines made without decoding */
};

/* The text line from the kept members, when it can be made, is the line
 * of the decoded (redacted) event, byte for byte, and shows the same
 * time; the colours of a terminal in turns. */
static bool
line_agrees(const char *data, const struct lt_filter_raw *out,
    const struct lt_event *ev, struct tally *t)
{
	const struct lt_colors *col = lt_output_colors(t->decided % 2);
	struct lt_buf raw = LT_BUF_INIT, full = LT_BUF_INIT;
	int64_t recv = INT64_C(1796637600000000000), shown = 0;
	bool same = true;

	lt_buf_adds(&raw, "x");
	if (lt_event_format_text_raw(data, &out->keep, recv, col, &raw,
	    &shown) == 0) {
		t->lines++;
		lt_buf_adds(&full, "x");
		lt_event_format_text(ev, recv, false, col, &full);
		same = raw.len == full.len && !memcmp(raw.buf, full.buf,
		    raw.len) && shown == lt_event_shown_time(ev, recv);
		if (!same && t->wrong < 5)
			printf("# raw line  %s\n# full line %s\n", raw.buf,
			    full.buf);
	} else {
		same = raw.len == 1;	/* left as it was */
	}
	lt_buf_release(&raw);
	lt_buf_release(&full);
	return same;
}

/* Whether compact says right that lt_json_compact leaves data as it
 * is (the promise that lets a record copy it unscanned). */
static bool
compact_right(const char *data, size_t len, bool compact)
{
	struct lt_buf b = LT_BUF_INIT;
	bool same = lt_json_compact(data, len, 64, &b) == 0 && b.len == len &&
	    !memcmp(b.buf, data, len);

	lt_buf_release(&b);
	return same == compact;
}

/* The full test and the raw one on one payload and filter. */
static void
compare(const char *data, size_t len, struct lt_filter *f,
    enum lt_redact_mode mode, const char *trace, struct tally *t)
{
	struct lt_filter_raw out;
	const char *subject = "wasmbus.evt.default.x";
	size_t n = 0;
	char *red = lt_redact_payload(subject, data, len, mode, &n);
	struct lt_event ev;
	enum lt_filter_verdict v;
	bool full;

	lt_event_decode(&ev, subject, red ? red : data, red ? n : len);
	ev.traceparent = trace;
	full = lt_filter_match(f, &ev);
	v = lt_filter_match_raw(f, subject, data, len, trace, mode, &out);
	if (v == LT_FILTER_UNSURE) {
		t->unsure++;
	} else if ((v == LT_FILTER_YES) != full || red != NULL ||
	    ev.status != LT_EV_OK || strcmp(out.type, ev.type) ||
	    !compact_right(data, len, out.compact) ||
	    !line_agrees(data, &out, &ev, t)) {
		if (t->wrong++ < 5)
			printf("# raw %s, full %s, type '%s'/'%s' on %.*s\n",
			    v == LT_FILTER_YES ? "yes" : "no", full ? "yes" : "no",
			    out.type, ev.status == LT_EV_OK ? ev.type : "-",
			    (int)(len < 300 ? len : 300), data);
	} else {
		t->decided++;
	}
	lt_event_release(&ev);
	free(red);
}

static const enum lt_redact_mode modes[] = { LT_REDACT_SECRETS,
    LT_REDACT_NONE, LT_REDACT_ALL };

static void
compare_all(const char *data, size_t len, struct tally *t)
{
	int i;
	size_t m;

	for (i = 0; i < nfilters; i++)
		for (m = 0; m < LT_ARRAY_SIZE(modes); m++)
			compare(data, len, filters[i], modes[m],
			    (i + (int)m) % 2 ? tp : NULL, t);
}

static void
test_payloads(int nfixtures)
{
	struct tally t = { 0, 0, 0, 0 }, fx = { 0, 0, 0, 0 };
	int p, i;

	for (p = 0; p < npayloads; p++)
		compare_all(payloads[p], lens[p], &t);
	is_int(t.wrong, 0, "raw verdicts and text lines agree with the full "
	    "test (%d decided, %d unsure, %d lines)", t.decided, t.unsure,
	    t.lines);
	for (p = 0; p < nfixtures; p++)	/* what watch sees, by default */
		for (i = 0; i < nfilters; i++)
			compare(payloads[p], lens[p], filters[i],
			    LT_REDACT_SECRETS, NULL, &fx);
	ok(fx.decided > 4 * fx.unsure, "the fixtures are decided on the raw "
	    "bytes (%d decided, %d unsure)", fx.decided, fx.unsure);
	ok(fx.lines > fx.decided / 2, "and most of their text lines made "
	    "from the raw bytes (%d of %d)", fx.lines, fx.decided);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static unsigned
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 16);
}

/* One random edit of data: a byte replaced, deleted or inserted, or a
 * piece copied elsewhere. */
static char *
mutate(const char *data, size_t len, size_t *out)
{
	static const char bytes[] = "\"\\{}[],: aAnN0-.eu\x01\x7f\xc3\xa9";
	struct lt_buf b = LT_BUF_INIT;
	size_t at = len ? next_rand() % len : 0, k = next_rand() % 16;
	char c = bytes[next_rand() % (sizeof(bytes) - 1)];

	switch (next_rand() % 5) {
	case 0:	/* replace */
		lt_buf_add(&b, data, len);
		if (len)
			b.buf[at] = c;
		break;
	case 1:	/* delete */
		lt_buf_add(&b, data, at);
		if (len)
			lt_buf_add(&b, data + at + 1, len - at - 1);
		break;
	case 2:	/* insert */
		lt_buf_add(&b, data, at);
		lt_buf_addch(&b, c);
		lt_buf_add(&b, data + at, len - at);
		break;
	case 3:	/* change case */
		lt_buf_add(&b, data, len);
		if (len && b.buf[at] >= 'a' && b.buf[at] <= 'z')
			b.buf[at] -= 32;
		break;
	default:	/* copy up to 16 bytes from elsewhere */
		lt_buf_add(&b, data, at);
		k = k < len - at ? k : len - at;
		lt_buf_add(&b, data + (len ? next_rand() % (len - k + 1) : 0), k);
		lt_buf_add(&b, data + at, len - at);
		break;
	}
	*out = b.len;
	return b.buf ? b.buf : lt_xstrdup("");
}

static void
test_mutations(void)
{
	struct tally t = { 0, 0, 0, 0 };
	char *m, *m2;
	size_t n, n2;
	int i, k;

	for (i = 0; i < 20000; i++) {
		int p = (int)(next_rand() % (unsigned)npayloads);

		m = mutate(payloads[p], lens[p], &n);
		for (k = 0; k < 2; k++) {
			m2 = mutate(m, n, &n2);
			free(m);
			m = m2;
			n = n2;
		}
		for (k = 0; k < 24; k++)	/* filters picked at random */
			compare(m, n, filters[next_rand() % (unsigned)nfilters],
			    modes[next_rand() % LT_ARRAY_SIZE(modes)],
			    next_rand() % 2 ? tp : NULL, &t);
		free(m);
	}
	is_int(t.wrong, 0, "raw verdicts agree on mutated payloads "
	    "(%d decided, %d unsure)", t.decided, t.unsure);
}

int
main(void)
{
	int i, n;

	lt_redact_key_set("0123456789abcdef0123456789abcdef", 32);
	load_fixtures();
	n = npayloads;
	add_tricky();
	test_payloads(n);
	test_mutations();
	for (i = 0; i < nfilters; i++)
		lt_filter_destroy(filters[i]);
	for (i = 0; i < npayloads; i++)
		free(payloads[i]);
	done_testing();
}
