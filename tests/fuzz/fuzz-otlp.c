/* fuzz-otlp: the OTLP builder over hostile records and the exporter's
 * parsing of OTEL_EXPORTER_OTLP_HEADERS. The input's first line is the
 * headers variable (and a traceparent candidate); every further line is
 * one record. The output is two lines of valid JSON whose every span is
 * in one trace; no header that parsing accepts holds a CR or LF. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/json.h"
#include "latticectl/otlp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *headers;

static const char *
env(const char *name)
{
	if (!strcmp(name, "OTEL_EXPORTER_OTLP_ENDPOINT"))
		return "http://127.0.0.1:1";
	if (!strcmp(name, "OTEL_EXPORTER_OTLP_HEADERS"))
		return headers;
	return NULL;
}

static void
check_headers(const char *first)
{
	struct lt_otlp_target t = LT_OTLP_TARGET_INIT;
	struct lt_error err = LT_ERROR_INIT;
	size_t i;

	headers = first;
	if (lt_otlp_target_init(&t, NULL, env, &err) > 0)
		for (i = 0; t.traces_headers[i]; i++)
			if (strpbrk(t.traces_headers[i], "\r\n"))
				abort();
	lt_otlp_target_release(&t);
	if (lt_otlp_traceparent_ok(first) && strlen(first) < 55)
		abort();
}

static void
check_output(const struct lt_otlp *o)
{
	struct lt_buf b = LT_BUF_INIT;
	char *nl, *line;
	cJSON *doc;

	lt_otlp_format(o, &b);
	for (line = b.buf; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl == NULL || !(doc = lt_json_parse(line, (size_t)(nl - line))))
			abort();	/* each request is one line of JSON */
		cJSON_Delete(doc);
	}
	if (strlen(o->trace_id) != 32 || o->nspans < 1)
		abort();
	lt_buf_release(&b);
}

/* A middle range holds no root and may hold nothing at all. */
static void
check_range(const struct lt_otlp *o)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_otlp_format(o, &b);
	if (b.len == 0 || o->nspans < 0)
		abort();
	lt_buf_release(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *line, *nl;
	cJSON *recs = cJSON_CreateArray(), *rec;
	struct lt_otlp o;

	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	check_headers(text);
	for (line = nl ? nl + 1 : NULL; line && *line; line = nl ? nl + 1 :
	    NULL) {
		nl = strchr(line, '\n');
		if ((rec = lt_json_parse(line, nl ? (size_t)(nl - line) :
		    strlen(line))))
			cJSON_AddItemToArray(recs, rec);
	}
	lt_otlp_build(recs, &o);
	check_output(&o);
	lt_otlp_release(&o);
	lt_otlp_build_range(recs, 3, 9, &o);	/* a replay's live export */
	check_range(&o);
	lt_otlp_release(&o);
	cJSON_Delete(recs);
	free(text);
	return 0;
}
