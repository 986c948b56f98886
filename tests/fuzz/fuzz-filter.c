/* fuzz-filter: the filter language. The input is "WHERE\nTYPES\nFOR\n"
 * followed by a payload the accepted filter is matched against, after
 * learning what an app owns from it (as an event, and as a recording
 * record: a hostile manifest). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/event.h"
#include "latticectl/filter.h"

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
