/* test-findings.c: the expectations engine on hand-made phase records:
 * the wasmCloud #4704 upgrade, the fixed upgrade, shared configs, missing
 * link configs, unanswered and silent scales, failure events. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/findings.h"
#include "tap.h"

#define V2 \
	"apiVersion: core.oam.dev/v1beta1\n" \
	"kind: Application\n" \
	"metadata:\n" \
	"  name: rust-hello-world\n" \
	"spec:\n" \
	"  components:\n" \
	"    - name: http-component\n" \
	"      type: component\n" \
	"      properties:\n" \
	"        image: reg/hello:0.0.2\n" \
	"        config:\n" \
	"          - name: custom-config\n" \
	"            properties: {name: world}\n" \
	"    - name: other\n" \
	"      type: component\n" \
	"      properties:\n" \
	"        image: reg/other:1\n" \
	"        config:\n" \
	"          - name: custom-config\n" \
	"            properties: {name: world}\n" \
	"    - name: httpserver\n" \
	"      type: capability\n" \
	"      properties:\n" \
	"        image: reg/http-server:0.27.0\n" \
	"      traits:\n" \
	"        - type: link\n" \
	"          properties:\n" \
	"            target:\n" \
	"              name: http-component\n" \
	"              config:\n" \
	"                - name: shared-target\n" \
	"            namespace: wasi\n" \
	"            package: http\n" \
	"            interfaces: [incoming-handler]\n"

#define CFG "rust_hello_world-custom_config"
#define COMP "rust_hello_world-http_component"

static struct lt_manifest *
manifest(void)
{
	struct lt_manifest *m = NULL;
	struct lt_error err = LT_ERROR_INIT;

	if (lt_manifest_parse(V2, strlen(V2), "v2.yaml", &m, &err) < 0)
		printf("# manifest: %s\n", err.msg);
	return m;
}

/* Evaluate a JSON array text; the findings as "id:seq,seq;..." */
static int
eval(const struct lt_manifest *m, const char *json, char *out, size_t len,
    cJSON **keep)
{
	cJSON *recs = cJSON_Parse(json), *list, *f, *s;
	int nerr = -1;
	size_t n = 0;

	out[0] = '\0';
	if (!recs) {
		printf("# bad test JSON\n");
		return -1;
	}
	list = lt_findings_eval(m, recs, &nerr);
	cJSON_ArrayForEach(f, list) {
		n += (size_t)snprintf(out + n, len - n, "%s%s:",
		    n ? ";" : "", cJSON_GetObjectItem(f, "id")->valuestring);
		cJSON_ArrayForEach(s, cJSON_GetObjectItem(f, "evidence"))
			n += (size_t)snprintf(out + n, len - n, "%s%d",
			    s == cJSON_GetObjectItem(f, "evidence")->child ? "" :
			    ",", s->valueint);
	}
	cJSON_Delete(recs);
	if (keep)
		*keep = list;
	else
		cJSON_Delete(list);
	return nerr;
}

static const char *
title_of(const cJSON *list, const char *id)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, list)
		if (!strcmp(cJSON_GetObjectItem(f, "id")->valuestring, id))
			return cJSON_GetObjectItem(f, "title")->valuestring;
	return "";
}

static void
test_4704(const struct lt_manifest *m)
{
	char got[1024];
	cJSON *list = NULL;
	int nerr = eval(m, "["
	    "{\"seq\":1,\"kind\":\"wadm.cmd\",\"subject\":\"wadm.cmd.default\","
	    " \"payload\":{\"DeleteConfig\":{\"config_name\":\"" CFG "\"}}},"
	    "{\"seq\":2,\"kind\":\"event\",\"event\":{\"type\":"
	    " \"com.wasmcloud.lattice.config_deleted\",\"data\":"
	    " {\"config_name\":\"" CFG "\"}}},"
	    "{\"seq\":3,\"kind\":\"kv\",\"bucket\":\"CONFIGDATA_default\","
	    " \"key\":\"" CFG "\",\"op\":\"purge\",\"revision\":4},"
	    "{\"seq\":4,\"kind\":\"ctl.request\",\"pair\":1,\"subject\":"
	    " \"wasmbus.ctl.v1.default.component.scale.NHOST\",\"payload\":"
	    " {\"component_id\":\"" COMP "\",\"component_ref\":\"reg/hello:0.0.2\"}},"
	    "{\"seq\":5,\"kind\":\"ctl.reply\",\"pair\":1,\"payload\":"
	    " {\"success\":true,\"message\":\"the image reference will not be updated\"}},"
	    "{\"seq\":6,\"kind\":\"event\",\"event\":{\"type\":"
	    " \"com.wasmcloud.lattice.component_scaled\",\"data\":"
	    " {\"component_id\":\"" COMP "\"}}},"
	    "{\"seq\":7,\"kind\":\"snapshot\",\"bucket\":\"CONFIGDATA_default\","
	    " \"entries\":{\"shared-target\":{}}},"
	    "{\"seq\":8,\"kind\":\"inventory\",\"host\":\"NHOSTXXXXXX\",\"payload\":"
	    " {\"components\":[{\"id\":\"" COMP "\",\"image_ref\":\"reg/hello:0.0.1\"},"
	    " {\"id\":\"rust_hello_world-other\",\"image_ref\":\"reg/other:1\"}]}},"
	    "{\"seq\":9,\"kind\":\"probe\",\"url\":\"http://x/\",\"http_status\":200,"
	    " \"body\":\"Hello, world!\"},"
	    "{\"seq\":10,\"kind\":\"probe\",\"url\":\"http://x/\",\"http_status\":200,"
	    " \"body\":\"Hello, !\"},"
	    "{\"seq\":11,\"kind\":\"wadm.status\",\"payload\":{\"status\":"
	    " {\"type\":\"deployed\"}}}]", got, sizeof(got), &list);

	is_int(nerr, 4, "#4704: four error findings");
	is_str(got, "config-deleted-while-referenced:1,2,3;config-missing:7;"
	    "image-not-updated:8,5;status-mismatch:11;probe-changed:9,10",
	    "#4704: ids and evidence, errors first");
	ok(strstr(title_of(list, "config-deleted-while-referenced"),
	    "DeleteConfig") && strstr(title_of(list,
	    "config-deleted-while-referenced"), CFG) != NULL,
	    "the deletion names the DeleteConfig command and the config");
	ok(strstr(title_of(list, "image-not-updated"),
	    "will not be updated") != NULL, "image-not-updated quotes the host");
	ok(strstr(title_of(list, "probe-changed"), "Hello, world!") != NULL,
	    "probe-changed shows the old body");
	cJSON_Delete(list);
}

static void
test_fixed(const struct lt_manifest *m)
{
	char got[1024];
	int nerr = eval(m, "["
	    "{\"seq\":1,\"kind\":\"ctl.request\",\"pair\":7,\"subject\":"
	    " \"wasmbus.ctl.v1.default.component.update.NHOST\",\"payload\":{}},"
	    "{\"seq\":2,\"kind\":\"ctl.reply\",\"pair\":7,\"payload\":{\"success\":true}},"
	    "{\"seq\":3,\"kind\":\"snapshot\",\"bucket\":\"CONFIGDATA_default\","
	    " \"entries\":{\"" CFG "\":{},\"shared-target\":{}}},"
	    "{\"seq\":4,\"kind\":\"inventory\",\"host\":\"NHOST\",\"payload\":"
	    " {\"response\":{\"components\":[{\"id\":\"" COMP "\",\"image_ref\":"
	    " \"reg/hello:0.0.2\"}]}}},"
	    "{\"seq\":5,\"kind\":\"probe\",\"http_status\":200,\"body\":\"Hello, world!\"},"
	    "{\"seq\":6,\"kind\":\"probe\",\"http_status\":200,\"body\":\"Hello, world!\"},"
	    "{\"seq\":7,\"kind\":\"wadm.status\",\"payload\":{\"status\":"
	    " {\"type\":\"deployed\"}}}]", got, sizeof(got), NULL);

	is_int(nerr, 0, "fixed upgrade: no error");
	is_str(got, "", "fixed upgrade: no finding at all");
}

static void
test_links_and_scales(const struct lt_manifest *m)
{
	char got[1024];
	int nerr = eval(m, "["
	    "{\"seq\":1,\"kind\":\"ctl.request\",\"pair\":1,\"subject\":"
	    " \"wasmbus.ctl.v1.default.component.scale.H\",\"payload\":"
	    " {\"component_id\":\"a\"}},"
	    "{\"seq\":2,\"kind\":\"ctl.request\",\"pair\":2,\"subject\":"
	    " \"wasmbus.ctl.v1.default.component.scale.H\",\"payload\":"
	    " {\"component_id\":\"b\"}},"
	    "{\"seq\":3,\"kind\":\"ctl.reply\",\"pair\":2,\"payload\":{\"success\":true}},"
	    "{\"seq\":4,\"kind\":\"ctl.request\",\"subject\":"
	    " \"wasmbus.ctl.v1.default.config.del.unrelated\"},"
	    "{\"seq\":5,\"kind\":\"kv\",\"bucket\":\"CONFIGDATA_default\","
	    " \"key\":\"unrelated\",\"op\":\"delete\"},"
	    "{\"seq\":6,\"kind\":\"event\",\"event\":{\"type\":\"linkdef_set_failed\","
	    " \"data\":{\"source_id\":\"s\",\"error\":\"boom\"}}},"
	    "{\"seq\":7,\"kind\":\"event\",\"event\":{\"type\":"
	    " \"com.wasmcloud.lattice.provider_start_failed\",\"data\":"
	    " {\"provider_id\":\"p\",\"error\":\"pull\"}}},"
	    "{\"seq\":8,\"kind\":\"event\",\"event\":{\"type\":"
	    " \"com.wasmcloud.lattice.component_scale_failed\",\"data\":"
	    " {\"component_id\":\"c\",\"error\":\"Unable to fetch config\"}}},"
	    "{\"seq\":9,\"kind\":\"snapshot\",\"bucket\":\"CONFIGDATA_default\","
	    " \"entries\":{\"" CFG "\":{}}},"
	    "{\"seq\":10,\"kind\":\"wadm.status\",\"payload\":{\"status\":"
	    " {\"type\":\"failed\"}}}]", got, sizeof(got), NULL);

	is_int(nerr, 5, "failures, a missing link config and an unanswered scale");
	is_str(got, "link-failed:6;provider-start-failed:7;scale-failed:8;"
	    "config-missing:9;scale-unacknowledged:1;scale-no-event:2,3",
	    "each finding once; an unreferenced config's deletion is not one; "
	    "no status-mismatch when wadm says failed");
}

/* The sim's 0.21 sequence: the host refuses the new image, a later scale
 * replaces the instance, so only the reply tells. */
static void
test_refusal(const struct lt_manifest *m)
{
	char got[512];
	int nerr = eval(m, "["
	    "{\"seq\":1,\"kind\":\"ctl.request\",\"pair\":1,\"subject\":"
	    " \"wasmbus.ctl.v1.default.component.scale.H\",\"payload\":"
	    " {\"component_id\":\"" COMP "\",\"component_ref\":\"reg/hello:0.0.2\"}},"
	    "{\"seq\":2,\"kind\":\"ctl.reply\",\"pair\":1,\"payload\":"
	    " {\"success\":true,\"message\":\"x will not be updated\"}},"
	    "{\"seq\":3,\"kind\":\"event\",\"event\":{\"type\":\"component_scaled\","
	    " \"data\":{\"component_id\":\"" COMP "\"}}},"
	    "{\"seq\":4,\"kind\":\"inventory\",\"host\":\"H\",\"payload\":"
	    " {\"components\":[{\"id\":\"" COMP "\",\"image_ref\":\"reg/hello:0.0.2\"}]}}]",
	    got, sizeof(got), NULL);

	is_int(nerr, 1, "a refused image update is an error");
	is_str(got, "image-not-updated:1,2", "evidence: the request and the reply");
}

static void
test_empty(const struct lt_manifest *m)
{
	char got[64];

	is_int(eval(m, "[]", got, sizeof(got), NULL), 0, "no records: no error");
	is_int(eval(m, "[{\"seq\":1},{\"kind\":\"event\"},{\"kind\":\"kv\"},"
	    "{\"kind\":\"inventory\",\"host\":\"h\",\"payload\":7}]", got,
	    sizeof(got), NULL), 0, "malformed records are ignored");
}

int
main(void)
{
	struct lt_manifest *m = manifest();

	ok(m != NULL, "manifest parses");
	if (!m)
		done_testing();
	test_4704(m);
	test_fixed(m);
	test_links_and_scales(m);
	test_refusal(m);
	test_empty(m);
	lt_manifest_destroy(m);
	done_testing();
	return 0;
}
