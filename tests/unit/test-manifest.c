/* test-manifest.c: wadm manifest parsing, derived names, errors with
 * file and line, and hostile input (aliases, nesting, binary). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "tap.h"

static struct lt_manifest *
parse(const char *s, struct lt_error *err)
{
	struct lt_manifest *m = NULL;

	lt_manifest_parse(s, strlen(s), "v2.yaml", &m, err);
	return m;
}

/* The error text for s, "" when it parsed. */
static const char *
error_of(const char *s)
{
	static struct lt_error err;
	struct lt_manifest *m;

	lt_error_clear(&err);
	m = parse(s, &err);
	lt_manifest_destroy(m);
	return m ? "" : err.msg;
}

static void
test_upgrade_fixture(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *m = NULL;
	const struct lt_manifest_component *c, *p;
	char path[1024];

	fixture_path(path, sizeof(path), "manifests/upgrade-v2.yaml");
	ok(lt_manifest_read(path, &m, &err) == 0, "upgrade-v2.yaml parses: %s",
	    err.msg);
	if (m == NULL)
		return;
	is_str(m->name, "rust-hello-world", "name");
	is_str(m->version, "v0.0.2", "version");
	is_str(m->description, "HTTP hello world, upgrade replay (v2)",
	    "description");
	is_int(m->ncomponents, 2, "two components");
	c = lt_manifest_find(m, "http-component");
	p = lt_manifest_find(m, "httpserver");
	ok(c && p, "find by name");
	is_str(c->id, "rust_hello_world-http_component", "derived id");
	is_str(c->image, "localhost:5000/test/http-hello-world:0.0.2", "image");
	is_int(c->type, LT_MANIFEST_COMPONENT, "type component");
	is_int(p->type, LT_MANIFEST_CAPABILITY, "type capability");
	is_int(c->config.n, 1, "one config");
	is_str(c->config.v[0].stored_name, "rust_hello_world-custom_config",
	    "managed config name");
	ok(c->config.v[0].managed && c->config.v[0].nprops == 1 &&
	    !strcmp(c->config.v[0].props[0].value, "world"), "properties");
	is_int(c->scaler.kind, LT_MANIFEST_SCALER_SPREAD, "spreadscaler");
	is_int(c->scaler.instances, 1, "instances");
	ok(c->is_http && !p->is_http, "http component is the link target");
	is_int(p->nlinks, 1, "one link");
	is_str(p->links[0].target_id, "rust_hello_world-http_component",
	    "link target id");
	is_str(p->links[0].name, "default", "link name default");
	is_str(p->links[0].source_config.v[0].stored_name,
	    "rust_hello_world-default_http", "link source config name");
	ok(lt_manifest_find_id(m, "rust_hello_world-httpserver") == p,
	    "find by id");
	ok(cJSON_GetObjectItem(m->doc, "spec") != NULL, "document as JSON");
	lt_manifest_destroy(m);
}

static const char json_manifest[] =
    "{\"apiVersion\":\"core.oam.dev/v1beta1\",\"kind\":\"Application\","
    "\"metadata\":{\"name\":\"My App\"},\"spec\":{\"components\":[{"
    "\"name\":\"Echo.1\",\"type\":\"actor\",\"properties\":{\"image\":"
    "\"x:1\",\"id\":\"fixed-id\",\"config\":[{\"name\":\"ext\"},{\"name\":"
    "\"own\",\"properties\":{\"port\":8080}}],\"secrets\":[{\"name\":"
    "\"pw\",\"properties\":{\"policy\":\"p\",\"key\":\"k\"}}]},"
    "\"traits\":[{\"type\":\"daemonscaler\",\"properties\":{\"replicas\":"
    "3,\"spread\":[{\"name\":\"east\",\"weight\":80,\"requirements\":"
    "{\"zone\":\"e\"}}]}},{\"type\":\"custom\",\"properties\":{}}]}]}}";

static void
test_json_and_names(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *m = parse(json_manifest, &err);
	const struct lt_manifest_component *c;
	cJSON *j;
	char *s;

	ok(m != NULL, "JSON manifest parses: %s", err.msg);
	if (m == NULL)
		return;
	c = &m->components[0];
	ok(m->version == NULL, "no version annotation");
	is_int(c->type, LT_MANIFEST_COMPONENT, "actor is a component");
	is_str(c->id, "fixed-id", "explicit id kept");
	ok(c->explicit_id, "explicit_id");
	is_str(c->config.v[0].stored_name, "ext", "unmanaged config verbatim");
	ok(!c->config.v[0].managed, "unmanaged");
	is_str(c->config.v[1].stored_name, "my_app-own", "managed sanitised");
	is_str(c->config.v[1].props[0].value, "8080", "number as text");
	is_str(c->secrets.v[0].stored_name, "SECRET_my_app-pw", "secret name");
	is_int(c->scaler.kind, LT_MANIFEST_SCALER_DAEMON, "daemonscaler");
	is_int(c->scaler.instances, 3, "replicas alias");
	ok(c->scaler.nspreads == 1 && c->scaler.spreads[0].weight == 80,
	    "spread weight");
	j = lt_manifest_to_json(m);
	s = cJSON_PrintUnformatted(j);
	ok(strstr(s, "\"stored_name\":\"my_app-own\"") != NULL, "to_json");
	cJSON_free(s);
	cJSON_Delete(j);
	lt_manifest_destroy(m);
	s = lt_manifest_managed_name("rust-hello-world", "Custom.Config");
	is_str(s, "rust_hello_world-custom_config", "managed_name");
	free(s);
}

#define HEAD "apiVersion: core.oam.dev/v1beta1\nkind: Application\n"

static void
test_errors(void)
{
	ok(strstr(error_of("a: [b\n"), "'v2.yaml' line 2: not YAML") != NULL,
	    "not YAML names file and line: %s", error_of("a: [b\n"));
	ok(strstr(error_of(""), "'v2.yaml' line 1: empty document") != NULL,
	    "empty document");
	ok(strstr(error_of(HEAD "metadata:\n  x: 1\nspec: {}\n"),
	    "'v2.yaml' line 4: missing 'name'") != NULL, "missing name: %s",
	    error_of(HEAD "metadata:\n  x: 1\nspec: {}\n"));
	ok(strstr(error_of("apiVersion: v2\nkind: Application\n"),
	    "line 1: unknown apiVersion 'v2'") != NULL, "unknown apiVersion");
	ok(strstr(error_of("apiVersion: core.oam.dev/v1beta1\nkind: Pod\n"),
	    "line 2: unknown kind 'Pod'") != NULL, "unknown kind");
	ok(strstr(error_of(HEAD "metadata: {name: a}\nspec:\n  components: []\n"),
	    "line 5: no components") != NULL, "no components: %s",
	    error_of(HEAD "metadata: {name: a}\nspec:\n  components: []\n"));
	ok(strstr(error_of(HEAD "metadata: {name: a}\nspec:\n  components:\n"
	    "  - name: c\n    type: component\n    properties: {image: i}\n"
	    "    traits:\n    - type: spreadscaler\n      properties:\n"
	    "        instances: many\n"),
	    "line 12: 'instances' must be a non-negative integer") != NULL,
	    "bad trait with line");
	ok(strstr(error_of(HEAD "metadata: {name: a}\nspec:\n  components:\n"
	    "  - name: c\n    type: component\n    properties: {image: i}\n"
	    "    traits:\n    - type: link\n      properties: {namespace: w,"
	    " package: p, interfaces: [i], target: nope}\n"),
	    "line 10: link target 'nope'") != NULL, "dangling link target");
	ok(strstr(error_of(HEAD "metadata: {name: a}\nspec:\n  components:\n"
	    "  - name: c\n    type: gadget\n    properties: {image: i}\n"),
	    "unknown type 'gadget'") != NULL, "unknown component type");
	ok(*error_of(HEAD "metadata: {name: a}\nspec:\n  components:\n"
	    "  - name: c\n    type: component\n    properties: {image: i}\n")
	    == '\0', "minimal manifest is fine");
}

static void
test_hostile(void)
{
	struct lt_buf b = LT_BUF_INIT;
	char bin[256];
	int i;

	ok(*error_of("a: &x [*x, *x]\n") != '\0', "recursive alias fails");
	lt_buf_adds(&b, "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		lt_buf_addf(&b, "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, "
		    "*%c, *%c, *%c]\n", 'a' + i, 'a' + i, 'a' + i - 1,
		    'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1,
		    'a' + i - 1, 'a' + i - 1, 'a' + i - 1, 'a' + i - 1,
		    'a' + i - 1);
	ok(strstr(error_of(lt_buf_str(&b)), "too large") != NULL,
	    "billion laughs stops");
	lt_buf_reset(&b);
	for (i = 0; i < 5000; i++)
		lt_buf_addch(&b, '[');
	ok(*error_of(lt_buf_str(&b)) != '\0', "deep nesting fails cleanly");
	lt_buf_release(&b);
	for (i = 0; i < 255; i++)
		bin[i] = (char)(i * 37 + 1);
	bin[255] = '\0';
	ok(*error_of(bin) != '\0', "binary fails cleanly");
	ok(*error_of("- 1\n- 2\n") != '\0', "a list is not a manifest");
}

#define MINIMAL HEAD "metadata: {name: a}\nspec:\n  components:\n" \
	"  - name: c\n    type: component\n    properties: {image: i}\n"

/* got holds want; says what it got when not */
static void
contains(const char *got, const char *want, const char *what)
{
	ok(strstr(got, want) != NULL, "%s: %s", what, got);
}

/* 100k levels: refused at level 65 with its line, in milliseconds (it
 * took libyaml 30 s to load before the depth was checked). */
static void
test_deep(void)
{
	struct lt_buf b = LT_BUF_INIT;
	clock_t t0 = clock();
	int i;

	lt_buf_adds(&b, HEAD "metadata: {name: a}\nspec:\n  components: ");
	for (i = 0; i < 100000; i++)
		lt_buf_addch(&b, '[');
	for (i = 0; i < 100000; i++)
		lt_buf_addch(&b, ']');
	contains(error_of(lt_buf_str(&b)), "line 5: nested more than 64 deep",
	    "100k deep flow lists: refused naming the line");
	ok(clock() - t0 < 3 * CLOCKS_PER_SEC, "... early (%.2f s of CPU)",
	    (double)(clock() - t0) / CLOCKS_PER_SEC);
	lt_buf_reset(&b);
	for (i = 0; i < 200; i++)
		lt_buf_addf(&b, "%*sa:\n", i, "");
	contains(error_of(lt_buf_str(&b)), "line 65: nested more than 64 deep",
	    "deep block mappings: the line of level 65");
	lt_buf_release(&b);
}

static void
test_duplicates_and_documents(void)
{
	contains(error_of(MINIMAL "metadata: {name: b}\n"),
	    "line 9: duplicate key 'metadata' (first on line 3)",
	    "a duplicate top-level key");
	contains(error_of(HEAD "metadata: {name: a}\nspec:\n  components:\n"
	    "  - name: c\n    type: component\n    properties: {image: i, "
	    "image: j}\n"), "duplicate key 'image'",
	    "a duplicate key in a flow mapping");
	contains(error_of("{\"a\": 1, \"b\": 2, \"a\": 3}"),
	    "line 1: duplicate key 'a'", "a duplicate key in JSON");
	contains(error_of(MINIMAL "---\nkind: Application\n"),
	    "line 9: a second YAML document", "a second document");
	contains(error_of(MINIMAL "---\n"), "a second YAML document",
	    "an empty second document");
	is_str(error_of("---\n" MINIMAL "...\n"), "",
	    "one document with its markers is fine");
}

/* The document sent to wadm keeps YAML numbers as written. */
static void
test_numbers(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *m = parse(MINIMAL "x-extra: [18446744073709551617, "
	    "5.0, 007, 1e999]\n", &err);
	char *text = m ? lt_json_print_kept(m->doc, false) : NULL;

	ok(text && strstr(text, "\"x-extra\":[18446744073709551617,5.0,7,"
	    "1e999]"), "numbers as written (007 is 7): %s",
	    text ? text : err.msg);
	cJSON_free(text);
	lt_manifest_destroy(m);
}

/* lt_manifest_diff: what deploying b in place of a changes. */
static void
test_diff(void)
{
	static const char a_yaml[] = "apiVersion: core.oam.dev/v1beta1\n"
	    "kind: Application\nmetadata: {name: app, annotations: {version: v1}}\n"
	    "spec:\n  components:\n"
	    "    - name: web\n      type: component\n      properties:\n"
	    "        image: r/web:1\n"
	    "        config: [{name: cfg, properties: {greeting: hello, pw: s3cret}}]\n"
	    "      traits:\n        - {type: spreadscaler, properties: {instances: 1}}\n"
	    "    - name: srv\n      type: capability\n      properties: {image: r/srv:1}\n"
	    "      traits:\n        - {type: link, properties: {target: {name: web}, "
	    "namespace: wasi, package: http, interfaces: [incoming-handler]}}\n"
	    "    - name: gone\n      type: component\n      properties: {image: r/gone:1}\n";
	static const char b_yaml[] = "apiVersion: core.oam.dev/v1beta1\n"
	    "kind: Application\nmetadata: {name: app, annotations: {version: v2}}\n"
	    "spec:\n  components:\n"
	    "    - name: web\n      type: component\n      properties:\n"
	    "        image: r/web:2\n"
	    "        config: [{name: cfg, properties: {greeting: hello, pw: other}}, {name: extra}]\n"
	    "      traits:\n        - {type: daemonscaler, properties: {instances: 2}}\n"
	    "    - name: srv\n      type: capability\n      properties: {image: r/srv:1}\n"
	    "    - name: new\n      type: component\n      properties: {image: r/new:1}\n";
	struct lt_error err = LT_ERROR_INIT;
	struct lt_manifest *a = parse(a_yaml, &err), *b = parse(b_yaml, &err);
	struct lt_buf out = LT_BUF_INIT;
	size_t n;

	ok(a && b, "diff: both manifests parse (%s)", err.msg);
	if (!a || !b)
		return;
	n = lt_manifest_diff(a, b, "  ", &out);
	is_str(out.buf,
	    "  component web:\n"
	    "    image\n"
	    "      - r/web:1\n"
	    "      + r/web:2\n"
	    "    config cfg: properties changed: pw\n"
	    "    config extra added\n"
	    "    scaler\n"
	    "      - spreadscaler, 1 instance\n"
	    "      + daemonscaler, 2 instances\n"
	    "  component srv:\n"
	    "    link wasi:http/incoming-handler -> web removed\n"
	    "  component gone:\n"
	    "    removed, image\n"
	    "      - r/gone:1\n"
	    "  component new:\n"
	    "    added, image\n"
	    "      + r/new:1\n",
	    "diff: images, configs (names, not values), scaler, links, "
	    "components added and removed");
	ok(n == 7, "diff: 7 changes (%zu)", n);
	ok(strstr(out.buf, "s3cret") == NULL && strstr(out.buf, "other") ==
	    NULL, "diff: no config value");
	lt_buf_reset(&out);
	ok(lt_manifest_diff(a, a, "", &out) == 0 && out.len == 0,
	    "diff: a manifest against itself: nothing");
	lt_manifest_set_version(a, "v1-r2");
	is_str(a->version, "v1-r2", "set_version: the model");
	is_str(lt_json_str(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(a->doc, "metadata"),
	    "annotations"), "version"), "v1-r2", "set_version: the document "
	    "model.put sends");
	lt_buf_release(&out);
	lt_manifest_destroy(a);
	lt_manifest_destroy(b);
}

int
main(void)
{
	test_upgrade_fixture();
	test_json_and_names();
	test_errors();
	test_hostile();
	test_deep();
	test_duplicates_and_documents();
	test_numbers();
	test_diff();
	done_testing();
	return 0;
}
