/* test-report.c: report.h on records built in memory: the markdown of a
 * recording too long for an issue stays within LT_REPORT_MD_MAX and asks
 * for a timeline file, which gets every line; a short one keeps its
 * timeline inline and opens no file; a failing timeline file fails the
 * report, a missing one (stdout) makes it say how to get the timeline; the HTML escapes a hostile title in every context. */
#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/error.h"
#include "latticectl/report.h"
#include "tap.h"

struct sink {
	char *text;
	size_t len;
	FILE *fp;
	int opened;
	bool fail, none;
};

static FILE *
open_timeline(void *ctx, const char **name, struct lt_error *err)
{
	struct sink *s = ctx;

	s->opened++;
	if (s->none)
		return NULL;
	if (s->fail) {
		lt_error_set(err, LT_E_RUNTIME, "'t.timeline.txt' exists");
		return NULL;
	}
	*name = "dir/t.timeline.txt";
	s->fp = open_memstream(&s->text, &s->len);
	return s->fp;
}

/* n records: meta, events of one host, a finding on record 3, end. */
static cJSON *
recording(int n, const char *title)
{
	cJSON *recs = cJSON_CreateArray(), *r;
	char line[512];
	int i;

	for (i = 1; i <= n; i++) {
		const char *kind = i == 1 ? "meta" : i == n ? "end" :
		    i == n - 1 ? "finding" : "kv";

		snprintf(line, sizeof(line), "{\"schema\":\"latticectl.rec/1\","
		    "\"seq\":%d,\"t\":\"2026-11-24T08:00:00Z\",\"kind\":\"%s\","
		    "\"bucket\":\"B\",\"key\":\"k%d\",\"op\":\"put\","
		    "\"severity\":\"error\",\"id\":\"x\",\"evidence\":[3]}", i,
		    kind, i);
		r = cJSON_Parse(line);
		if (i == n - 1)
			cJSON_AddStringToObject(r, "title", title);
		cJSON_AddItemToArray(recs, r);
	}
	return recs;
}

/* The markdown of recs; the timeline file's text in tl. */
static int
markdown(const cJSON *recs, char **md, size_t *len, struct sink *tl,
    struct lt_error *err)
{
	struct lt_report_array it;
	struct lt_report_src src;
	struct lt_report_out out = { NULL, open_timeline, tl };
	int rc;

	lt_report_src_array(&src, &it, recs);
	out.fp = open_memstream(md, len);
	rc = lt_report_markdown(&src, "t.ltrec", &out, err);
	fclose(out.fp);
	if (tl->fp)
		fclose(tl->fp);
	tl->fp = NULL;
	return rc;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; s && *s; s++)
		n += *s == '\n';
	return n;
}

int
main(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct sink tl = { 0 };
	struct lt_report_array it;
	struct lt_report_src src;
	struct lt_report_out out = { NULL, NULL, NULL };
	cJSON *recs;
	char *md = NULL;
	size_t len = 0;

	recs = recording(20000, "long");
	is_int(markdown(recs, &md, &len, &tl, &err), 0, "20,000 records");
	ok(len <= LT_REPORT_MD_MAX, "the markdown holds %zu bytes", len);
	is_int(tl.opened, 1, "the timeline goes to a file");
	ok(strstr(md, "it is in `t.timeline.txt`, next to this report") != NULL,
	    "which the report names without its directory");
	is_int(count_lines(tl.text), 19998, "a line per record but meta and end");
	ok(strstr(md, "### Evidence of finding 1: `x`") != NULL,
	    "the finding's evidence is drawn");
	ok(strstr(md, "wadm->>kv: [2] put k2") && strstr(md, "[6] put k6") &&
	    !strstr(md, "[7] put k7"), "with 3 records either side");
	free(md);
	free(tl.text);
	memset(&tl, 0, sizeof(tl));
	md = NULL;

	tl.fail = true;
	is_int(markdown(recs, &md, &len, &tl, &err), -1,
	    "a timeline file refused fails the report");
	ok(strstr(err.msg, "exists") != NULL, "with its error");
	lt_error_clear(&err);
	free(md);
	md = NULL;

	memset(&tl, 0, sizeof(tl));
	tl.none = true;
	is_int(markdown(recs, &md, &len, &tl, &err), 0,
	    "no place for a timeline file");
	ok(len <= LT_REPORT_MD_MAX && strstr(md, "`latticectl show` prints it"),
	    "the report says how to get the timeline");
	free(md);
	md = NULL;
	cJSON_Delete(recs);

	memset(&tl, 0, sizeof(tl));
	recs = recording(12, "<b>\"'&</script>\xe2\x80\xa8");
	is_int(markdown(recs, &md, &len, &tl, &err), 0, "12 records");
	is_int(tl.opened, 0, "no timeline file");
	ok(strstr(md, "<details><summary>Timeline (12 records)</summary>") !=
	    NULL, "the timeline inline");
	ok(strstr(md, "### Phase: recording") != NULL,
	    "a diagram per phase of every record");
	free(md);
	md = NULL;

	lt_report_src_array(&src, &it, recs);
	out.fp = open_memstream(&md, &len);
	is_int(lt_report_html(&src, "t.ltrec", &out, &err), 0, "html");
	fclose(out.fp);
	ok(strstr(md, "&lt;b&gt;&quot;&#39;&amp;&lt;/script&gt;&#x2028;") !=
	    NULL, "the title as entities in HTML text");
	ok(strstr(md, "\\u003cb\\u003e\\\"'\\u0026\\u003c/script\\u003e\\u2028")
	    != NULL, "and with \\u escapes in the embedded JSON");
	free(md);
	cJSON_Delete(recs);
	done_testing();
}
