/* fuzz-filter: the filter language. The input is "WHERE\nTYPES\nFOR\n"
 * followed by a payload the accepted filter is matched against, after
 * learning what an app owns from it (as an event, and as a recording
 * record: a hostile manifest); a verdict on the raw bytes
 * (lt_filter_match_raw) that differs from the full test aborts. */
#include <stdbool.h>
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next '\n'-terminated field of [*p, end) as a new string. */
static char *
field(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
	char *s = malloc(n + 1);

	memcpy(s, *p, n);
	s[n] = '\0';
	*p += nl ? n + 1 : n;
	return s;
}

/* The text line from the kept members, when made, is the decoded
 * event's. */
static void
line_agrees(const char *p, const struct lt_filter_raw *out,
    const struct lt_event *ev)
{
	struct lt_buf raw = LT_BUF_INIT, full = LT_BUF_INIT;
	int64_t shown = 0;

	if (lt_event_format_text_raw(p, &out->keep, 1, lt_output_colors(true),
	    &raw, &shown) == 0) {
		lt_event_format_text(ev, 1, false, lt_output_colors(true), &full);
		if (raw.len != full.len || memcmp(raw.buf, full.buf, raw.len) ||
		    shown != lt_event_shown_time(ev, 1)) {
			fprintf(stderr, "raw text line differs\n");
			abort();
		}
	}
	lt_buf_release(&raw);
	lt_buf_release(&full);
}

/* lt_filter_match_raw says what the full test says, or UNSURE. */
static void
raw_agrees(const struct lt_filter *f, const char *p, size_t len,
    enum lt_redact_mode mode)
{
	static const char subject[] = "wasmbus.evt.default.x";
	static const char tp[] =
	    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
	size_t n = 0;
	char *red = lt_redact_payload(subject, p, len, mode, &n);
	static struct lt_filter_raw out;
	enum lt_filter_verdict v = lt_filter_match_raw(f, subject, p, len, tp,
	    mode, &out);
	struct lt_buf b = LT_BUF_INIT;
	struct lt_event ev;

	lt_event_decode(&ev, subject, red ? red : p, red ? n : len);
	ev.traceparent = tp;
	if (v != LT_FILTER_UNSURE && ((v == LT_FILTER_YES) !=
	    lt_filter_match(f, &ev) || red || ev.status != LT_EV_OK ||
	    strcmp(out.type, ev.type))) {
		fprintf(stderr, "raw verdict %d differs from the full test\n",
		    (int)v);
		abort();
	}
	/* compact: lt_json_compact would copy p as it is */
	if (v != LT_FILTER_UNSURE && out.compact != (lt_json_compact(p, len, 64,
	    &b) == 0 && b.len == len && !memcmp(b.buf, p, len))) {
		fprintf(stderr, "raw compact flag wrong\n");
		abort();
	}
	lt_buf_release(&b);
	if (v != LT_FILTER_UNSURE)
		line_agrees(p, &out, &ev);
	lt_event_release(&ev);
	free(red);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char *where = field(&p, end), *types = field(&p, end);
	char *forspec = field(&p, end);
	struct lt_filter *f = lt_filter_create();
	struct lt_error err = LT_ERROR_INIT;
	struct lt_event ev;
	cJSON *rec;
	char **subjects = NULL;
	int n;

	/* (regular expressions glibc would choke on are refused by the
	 * filter itself, so they are fuzzed too) */
	if (*where)
		(void)lt_filter_add_where(f, where, &err);
	if (*types)
		(void)lt_filter_add_types(f, types, &err);
	if (*forspec)
		(void)lt_filter_add_for(f, forspec, &err);
	(void)lt_filter_add_for(f, "app/rust-hello-world", &err);
	lt_event_decode(&ev, "wasmbus.evt.default.x", p,
	    (size_t)(end - p));
	(void)lt_filter_learn_event(f, &ev);
	rec = cJSON_ParseWithLength(p, (size_t)(end - p));
	(void)lt_filter_learn_record(f, rec);
	cJSON_Delete(rec);
	lt_filter_add_grep(f, "host");
	(void)lt_filter_may_match(f, p, (size_t)(end - p));
	(void)lt_filter_match(f, &ev);
	lt_event_release(&ev);
	raw_agrees(f, p, (size_t)(end - p), LT_REDACT_SECRETS);
	raw_agrees(f, p, (size_t)(end - p), LT_REDACT_NONE);
	n = lt_filter_subjects(f, "wasmbus.evt", "default", &subjects);
	for (int i = 0; i < n; i++)
		free(subjects[i]);
	free(subjects);
	lt_filter_destroy(f);
	free(where);
	free(types);
	free(forspec);
	return 0;
}
