/* test-ctl.c: decoding the control-interface fixtures
 * (tests/fixtures/ctl): envelopes, ping replies, host inventories, link configs,
 * and malformed input. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/ctl.h"
#include "latticectl/redact.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "tap.h"

static cJSON *
example(const char *name)
{
	char path[1024], rel[256];
	FILE *f;
	char *buf = lt_xmalloc(1 << 20);
	size_t len;
	cJSON *doc;

	snprintf(rel, sizeof(rel), "ctl/%s.json", name);
	fixture_path(path, sizeof(path), rel);
	f = fopen(path, "rb");
	len = f ? fread(buf, 1, (1 << 20) - 1, f) : 0;
	if (f)
		fclose(f);
	buf[len] = '\0';
	doc = cJSON_Parse(buf);
	free(buf);
	return doc;
}

/* Parse the "reply" (or replies[i]) of an example as bytes on the wire. */
static int
parse_reply(const cJSON *reply, struct lt_ctl_reply *r)
{
	char *text = cJSON_PrintUnformatted(reply);
	struct lt_error err = LT_ERROR_INIT;
	int rc = lt_ctl_reply_parse(r, text ? text : "", text ? strlen(text) : 0,
	    &err);

	cJSON_free(text);
	return rc;
}

static void
test_envelopes(void)
{
	struct lt_ctl_reply r;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *ex = example("config.get.missing");

	ok(ex != NULL, "fixtures readable (LT_FIXTURES)");
	ok(parse_reply(cJSON_GetObjectItem(ex, "reply"), &r) == 0, "missing config parses");
	ok(r.success && r.response == NULL, "success without response");
	is_str(r.message, "Configuration not found", "message");
	lt_ctl_reply_release(&r);
	cJSON_Delete(ex);
	ok(lt_ctl_reply_parse(&r, "{\"success\":false,\"error\":\"boom\"}", 32,
	    &err) == 0 && !r.success, "fallback 'error' key");
	is_str(r.message, "boom", "error text used as message");
	lt_ctl_reply_release(&r);
	ok(lt_ctl_reply_parse(&r, "nope", 4, &err) < 0, "not JSON fails");
	is_int(err.code, LT_E_RUNTIME, "runtime error");
	ok(lt_ctl_reply_parse(&r, "{\"message\":\"x\"}", 15, &err) < 0,
	    "no success fails");
	ok(lt_ctl_reply_parse(&r, "", 0, &err) < 0, "empty body fails");
	lt_ctl_reply_release(&r);
}

static void
test_ping(void)
{
	cJSON *ex = example("host.ping"), *replies, *it;
	struct lt_ctl_reply r;
	struct lt_ctl_host h;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *j;
	int n = 0;

	replies = cJSON_GetObjectItem(ex, "replies");
	cJSON_ArrayForEach(it, replies) {
		if (parse_reply(it, &r) == 0 &&
		    lt_ctl_host_from_json(&h, r.response, &err) == 0) {
			n++;
			if (n == 1) {
				is_str(h.friendly_name, "misty-forest-4170", "name");
				is_str(h.version, "1.8.0", "version");
				is_int(h.uptime_seconds, 60, "uptime");
				is_str(lt_json_str(h.labels, "hostcore.os"), "linux",
				    "labels");
				j = lt_ctl_host_to_json(&h);
				is_str(lt_json_str(j, "id"), h.id, "to_json id");
				cJSON_Delete(j);
			}
			lt_ctl_host_release(&h);
		}
		lt_ctl_reply_release(&r);
	}
	is_int(n, 2, "two hosts decoded");
	cJSON_Delete(ex);
	j = cJSON_Parse("{\"id\":\"N1\",\"labels\":{\"password\":\"pw1\","
	    "\"zone\":\"a\"}}");
	ok(lt_ctl_host_from_json(&h, j, &err) == 0 &&
	    lt_redact_is_mask(lt_json_str(h.labels, "password"), 19) &&
	    !strcmp(lt_json_str(h.labels, "zone"), "a"),
	    "a label named password is masked, others kept");
	lt_ctl_host_release(&h);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"friendly_name\":\"x\"}");
	ok(lt_ctl_host_from_json(&h, j, &err) < 0, "host without id fails");
	cJSON_Delete(j);
	lt_ctl_host_release(&h);
}

static void
test_inventory(void)
{
	cJSON *ex = example("host.get"), *links_ex = example("link.get"), *j;
	struct lt_ctl_inventory inv;
	struct lt_ctl_reply r, lr;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_ctl_workload *c, *p;

	parse_reply(cJSON_GetObjectItem(ex, "reply"), &r);
	ok(lt_ctl_inventory_from_json(&inv, r.response, &err) == 0,
	    "inventory decodes");
	is_int(inv.ncomponents, 1, "one component");
	is_int(inv.nproviders, 1, "one provider");
	c = &inv.components[0];
	p = &inv.providers[0];
	is_str(c->id, "rust_hello_world-http_component", "component id");
	is_str(c->image_ref, "localhost:5000/test/http-hello-world:0.0.1", "image");
	is_int(c->max_instances, 1, "max instances");
	is_int(p->max_instances, -1, "providers have no max instances");
	is_str(lt_json_str(c->annotations, "wasmcloud.dev/appspec"),
	    "rust-hello-world", "annotations");
	j = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    r.response, "components"), 0), "annotations");
	cJSON_AddStringToObject(j, "token", "tok1");
	{
		struct lt_ctl_inventory inv2;

		ok(lt_ctl_inventory_from_json(&inv2, r.response, &err) == 0 &&
		    lt_redact_is_mask(lt_json_str(inv2.components[0].annotations,
		    "token"), 19), "an annotation named token is masked");
		lt_ctl_inventory_release(&inv2);
	}
	is_str(inv.host.friendly_name, "misty-forest-4170", "host from inventory");
	parse_reply(cJSON_GetObjectItem(links_ex, "reply"), &lr);
	lt_ctl_inventory_add_link_configs(&inv, lr.response);
	is_int(p->nconfigs, 1, "provider gets the link's source config");
	is_str(p->configs[0].name, "rust_hello_world-default_http", "its name");
	is_str(lt_ctl_via_name(p->configs[0].via), "link-source", "via link");
	lt_ctl_workload_add_config(c, "a", LT_CTL_VIA_MANIFEST);
	lt_ctl_workload_add_config(c, "a", LT_CTL_VIA_INVENTORY);
	is_int(c->nconfigs, 1, "duplicates ignored");
	c->configs[0].state = LT_CTL_CONFIG_MISSING;
	j = lt_ctl_inventory_to_json(&inv);
	is_str(lt_json_str(lt_json_path(j, "components[0].configs[0]"), "state"),
	    "missing", "to_json marks missing configs");
	cJSON_Delete(j);
	lt_ctl_inventory_release(&inv);
	lt_ctl_inventory_release(&inv);
	lt_ctl_reply_release(&r);
	lt_ctl_reply_release(&lr);
	cJSON_Delete(ex);
	cJSON_Delete(links_ex);
}

static void
test_inventory_variants(void)
{
	static const char odd[] = "{\"host_id\":\"NX\",\"components\":["
	    "{\"id\":\"a\",\"max_instances\":1e308,\"revision\":2.5},"
	    "{\"id\":\"b\",\"max_instances\":0}]}";
	struct lt_ctl_inventory inv;
	struct lt_error err = LT_ERROR_INIT;
	cJSON *j = cJSON_Parse("{\"host_id\":\"NX\",\"actors\":[{\"id\":\"a\","
	    "\"image_ref\":\"i\",\"max_instances\":3,\"config\":[\"c1\",\"c2\"]}],"
	    "\"providers\":[]}");

	ok(lt_ctl_inventory_from_json(&inv, j, &err) == 0, "actors alias");
	is_int(inv.ncomponents, 1, "one component via 'actors'");
	is_int(inv.components[0].nconfigs, 2, "listed configs kept");
	is_str(inv.host.id, "NX", "host_id accepted");
	lt_ctl_inventory_release(&inv);
	cJSON_Delete(j);
	j = lt_json_parse(odd, strlen(odd));
	ok(lt_ctl_inventory_from_json(&inv, j, &err) == 0, "odd counts parse");
	ok(inv.components[0].max_instances == INT64_MAX &&
	    inv.components[0].max_instances_text &&
	    !strcmp(inv.components[0].max_instances_text, "1e308"),
	    "max_instances 1e308: clamped, and kept as written (not 0)");
	ok(inv.components[0].revision == 2 &&
	    inv.components[0].revision_text &&
	    !strcmp(inv.components[0].revision_text, "2.5"),
	    "revision 2.5: kept as written");
	ok(inv.components[1].max_instances == 0 &&
	    inv.components[1].max_instances_text == NULL,
	    "max_instances 0: an ordinary count");
	lt_ctl_inventory_release(&inv);
	cJSON_Delete(j);
	j = cJSON_Parse("{\"host_id\":\"NX\",\"components\":{}}");
	ok(lt_ctl_inventory_from_json(&inv, j, &err) < 0, "components not array");
	cJSON_Delete(j);
	j = cJSON_Parse("{\"host_id\":\"NX\",\"components\":[{\"x\":1}]}");
	ok(lt_ctl_inventory_from_json(&inv, j, &err) < 0, "entry without id");
	cJSON_Delete(j);
}

static void
test_subject(void)
{
	struct lt_ctl ctl;
	char *s;

	lt_ctl_init(&ctl, NULL, NULL, NULL);
	s = lt_ctl_subject(&ctl, "host.ping");
	is_str(s, "wasmbus.ctl.v1.default.host.ping", "default subject");
	free(s);
	lt_ctl_init(&ctl, NULL, "acct.wasmbus.ctl", "prod");
	s = lt_ctl_subject(&ctl, "link.get");
	is_str(s, "acct.wasmbus.ctl.v1.prod.link.get", "custom subject");
	free(s);
}

int
main(void)
{
	test_envelopes();
	test_ping();
	test_inventory();
	test_inventory_variants();
	test_subject();
	done_testing();
	return 0;
}
