/* fuzz-findings: the findings engine on arbitrary records (one JSON
 * value a line, as in a recording), with a target, its previous version
 * and a manifest_published of any shape: records, ticks between them,
 * settle; every finding that comes out, and the list, has the shape of a
 * finding record (findings.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/findings.h"
#include "fuzz-check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define M(version, image) \
	"apiVersion: core.oam.dev/v1beta1\nkind: Application\n" \
	"metadata: {name: shop, annotations: {version: " version "}}\n" \
	"spec:\n  components:\n    - name: api\n      type: component\n" \
	"      properties:\n        image: " image "\n" \
	"        config: [{name: settings, properties: {mode: fast}}]\n" \
	"      traits:\n        - type: spreadscaler\n" \
	"          properties: {instances: 3, spread: [{name: a, weight: 1}," \
	" {name: b, weight: 2}]}\n" \
	"        - type: link\n          properties: {target: {name: http," \
	" config: [{name: shared}]}, namespace: wasi, package: http," \
	" interfaces: [incoming-handler]}\n" \
	"    - name: http\n      type: capability\n" \
	"      properties: {image: reg/http:1}\n"

static struct lt_manifest *v1, *v2;

static void
parse(void)
{
	static const char a[] = M("v1", "reg/api:1"), b[] = M("v2", "reg/api:2");
	struct lt_error err = LT_ERROR_INIT;

	if (lt_manifest_parse(a, strlen(a), "v1", &v1, &err) < 0 ||
	    lt_manifest_parse(b, strlen(b), "v2", &v2, &err) < 0)
		abort();
}

static bool
known(const char *id)
{
	size_t i;

	for (i = 0; lt_findings_rules[i].id; i++)
		if (!strcmp(lt_findings_rules[i].id, id))
			return true;
	return false;
}

static void
check(const cJSON *list)
{
	const cJSON *fi, *s;

	cJSON_ArrayForEach(fi, list) {
		const cJSON *sev = cJSON_GetObjectItem(fi, "severity");
		const cJSON *id = cJSON_GetObjectItem(fi, "id");

		if (!cJSON_IsString(sev) || (strcmp(sev->valuestring, "error") &&
		    strcmp(sev->valuestring, "warning")) || !cJSON_IsString(id) ||
		    !known(id->valuestring) ||
		    !cJSON_IsString(cJSON_GetObjectItem(fi, "title")) ||
		    !cJSON_IsString(cJSON_GetObjectItem(fi, "next")) ||
		    !cJSON_IsString(cJSON_GetObjectItem(fi, "subject")) ||
		    !cJSON_IsArray(cJSON_GetObjectItem(fi, "evidence")))
			abort();
		cJSON_ArrayForEach(s, cJSON_GetObjectItem(fi, "evidence"))
			if (!cJSON_IsNumber(s))
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_findings_opts o = { INT64_C(60000000000), 0, 0, 0 };
	struct lt_findings *e;
	const char *p = (const char *)data, *end = p + size;
	cJSON *out = cJSON_CreateArray(), *list;
	int64_t t = INT64_C(1796637600000000000);
	int n = 0;

	if (!v1)
		parse();
	e = lt_findings_new(&o);
	lt_findings_add_manifest(e, v1);
	lt_findings_add_manifest(e, v2);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		cJSON *rec = cJSON_ParseWithLength(p, len);

		lt_findings_feed(e, rec, out);
		cJSON_Delete(rec);
		if (++n % 5 == 0)
			lt_findings_tick(e, t += INT64_C(20000000000), out);
		p += len + 1;
	}
	lt_findings_settle(e, out);
	check(out);
	list = lt_findings_list(e);
	check(list);
	if (lt_findings_errors(e) > cJSON_GetArraySize(list))
		abort();
	(void)lt_findings_settled(e);
	cJSON_Delete(list);
	cJSON_Delete(out);
	lt_findings_free(e);
	return 0;
}
