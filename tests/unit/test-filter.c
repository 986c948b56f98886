/* test-filter.c: --type, --for, --where, --grep and server subjects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/filter.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "tap.h"

#include <cjson/cJSON.h>

static const char scaled[] = "{\"specversion\":\"1.0\",\"id\":\"1\","
    "\"type\":\"com.wasmcloud.lattice.component_scaled\","
    "\"source\":\"NBBQ5KLRNTL2\",\"time\":\"2025-08-06T17:49:31Z\","
    "\"data\":{\"component_id\":\"hello\",\"image_ref\":\"x/h:0.0.2\","
    "\"max_instances\":0,\"host_id\":\"NBBQ5KLRNTL2\",\"annotations\":"
    "{\"wasmcloud.dev/appspec\":\"rust-hello-world\"}}}";

/* Whether --where expr matches the event whose data is data. */
static bool
where_on(const char *data, const char *expr)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	char *raw = lt_xasprintf("{\"specversion\":\"1.0\",\"type\":\"t\","
	    "\"source\":\"s\",\"data\":%s}", data);
	struct lt_event ev;
	bool r;

	if (lt_filter_add_where(f, expr, &err) < 0)
		ok(0, "accepted: %s (%s)", expr, err.msg);
	lt_event_decode(&ev, "wasmbus.evt.default.t", raw, strlen(raw));
	r = lt_filter_match(f, &ev);
	lt_event_release(&ev);
	lt_filter_destroy(f);
	free(raw);
	return r;
}

/* jq's rules: numbers by value, exactly; null below numbers; a string
 * field compares with the value's text. */
static void
test_compare(void)
{
	static const char d[] = "{\"five\":5.0,\"big\":18446744073709551616,"
	    "\"n\":null,\"s\":\"3\",\"v\":\"1.10\",\"t\":true,"
	    "\"huge\":1e999,\"list\":[1,2]}";

	ok(where_on(d, "data.five=5"), "5.0 = 5");
	ok(where_on(d, "data.five=5e0"), "5.0 = 5e0");
	ok(!where_on(d, "data.five!=5"), "5.0 != 5 fails");
	ok(where_on(d, "data.big=18446744073709551616"), "2^64 equals itself");
	ok(!where_on(d, "data.big=18446744073709551617"),
	    "2^64 != 2^64 + 1 (doubles cannot tell)");
	ok(where_on(d, "data.big<18446744073709551617"), "2^64 < 2^64 + 1");
	ok(where_on(d, "data.n<3"), "null < 3");
	ok(where_on(d, "data.n<-inf"), "null < -inf");
	ok(!where_on(d, "data.n>3"), "null > 3 fails");
	ok(where_on(d, "data.n=null"), "null = null");
	ok(where_on(d, "data.huge<inf"), "1e999 < inf");
	ok(where_on(d, "data.huge>1e308"), "1e999 > 1e308");
	ok(where_on(d, "data.five>-inf"), "5 > -inf");
	ok(where_on(d, "data.s=3"), "a string field: the value's text");
	ok(!where_on(d, "data.s=\"3.0\""), "a quoted value is a string");
	ok(where_on(d, "data.v>1.1"), "strings compare by bytes");
	ok(where_on(d, "data.five<abc"), "numbers sort below strings");
	ok(where_on(d, "data.t=true"), "true = true");
	ok(where_on(d, "data.t<0"), "true < numbers");
	ok(where_on(d, "data.list=[1,2]"), "arrays compare as JSON");
	ok(where_on(d, "data.list<[1,3]"), "arrays element by element");
}

static void
test_bad_operands(void)
{
	static const char *const bad[] = {
		"data.max_instances>", "data.x=", "data.x !=  ", "data.x~",
		"data.x>nan", "data.x<NaN", "data.x=-nan", "data.x>+5",
		"data.x<.5", "data.x=0x10", "data.x=\"open", NULL,
	};
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	int i;

	for (i = 0; bad[i]; i++) {
		lt_error_clear(&err);
		ok(lt_filter_add_where(f, bad[i], &err) < 0 &&
		    err.code == LT_E_USAGE, "refused: %s (%s)", bad[i],
		    err.msg);
	}
	ok(lt_filter_add_where(f, "data.x=\"\"", &err) == 0,
	    "\"\" is the empty string");
	ok(lt_filter_add_where(f, "data.version=1.2.3", &err) == 0,
	    "1.2.3 is a string");
	lt_filter_destroy(f);
}

static bool
matches(const char *setup_kind, const char *arg)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_event ev;
	bool r;

	if (!strcmp(setup_kind, "for"))
		lt_filter_add_for(f, arg, &err);
	else if (!strcmp(setup_kind, "where"))
		lt_filter_add_where(f, arg, &err);
	else if (!strcmp(setup_kind, "type"))
		lt_filter_add_types(f, arg, &err);
	else
		lt_filter_add_grep(f, arg);
	lt_event_decode(&ev, "wasmbus.evt.default.component_scaled", scaled,
	    strlen(scaled));
	r = lt_filter_may_match(f, scaled, strlen(scaled)) &&
	    lt_filter_match(f, &ev);
	lt_event_release(&ev);
	lt_filter_destroy(f);
	return r;
}

static void
test_matching(void)
{
	ok(matches("for", "component/hello"), "--for component");
	ok(!matches("for", "component/other"), "--for other component");
	ok(matches("for", "host/NBBQ5"), "--for host prefix");
	ok(matches("for", "app/rust-hello-world"), "--for app via annotation");
	ok(!matches("for", "config/hello"), "--for config does not match");
	ok(matches("where", "data.max_instances=0"), "where = number");
	ok(!matches("where", "data.max_instances!=0"), "where !=");
	ok(matches("where", "data.image_ref~0\\.0\\.2$"), "where ~ regex");
	ok(!matches("where", "data.image_ref!~0\\.0\\.2"), "where !~");
	ok(matches("where", "data.max_instances<1"), "where < numeric");
	ok(!matches("where", "data.max_instances>0"), "where > numeric");
	ok(matches("where", "data.image_ref exists"), "where exists");
	ok(matches("where", "data.error !exists"), "where !exists");
	ok(matches("where",
	    "data.annotations[\"wasmcloud.dev/appspec\"]=rust-hello-world"),
	    "where with a quoted key");
	ok(matches("type", "component_*"), "type glob");
	ok(!matches("type", "config_*"), "type glob miss");
	ok(matches("grep", "0.0.2"), "grep");
	ok(!matches("grep", "nothere"), "grep miss");
}

/* wadm statuses: --grep and --for app/ apply, nothing else. */
static void
test_status(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	const char raw[] = "{\"status\":{\"type\":\"deployed\"}}";

	ok(lt_filter_match_status(f, "a", raw, strlen(raw)), "status: no filter");
	lt_filter_add_types(f, "component_*", &err);
	lt_filter_add_where(f, "data.x = 1", &err);
	ok(lt_filter_match_status(f, "a", raw, strlen(raw)),
	    "status: --type and --where do not apply");
	lt_filter_add_for(f, "component/a", &err);
	ok(!lt_filter_match_status(f, "a", raw, strlen(raw)),
	    "status: --for component/ keeps none");
	lt_filter_add_for(f, "app/a", &err);
	ok(lt_filter_match_status(f, "a", raw, strlen(raw)) &&
	    !lt_filter_match_status(f, "ab", raw, strlen(raw)),
	    "status: --for app/NAME keeps that app (whole name)");
	lt_filter_add_grep(f, "failed");
	ok(!lt_filter_match_status(f, "a", raw, strlen(raw)),
	    "status: --grep applies");
	lt_filter_destroy(f);
}

static void
test_errors(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();

	ok(lt_filter_add_where(f, "data.x := 1", &err) < 0 &&
	    err.code == LT_E_USAGE && strstr(err.msg, "operator ':='"),
	    "bad operator named: %s", err.msg);
	ok(lt_filter_add_where(f, "data.x >= 1", &err) < 0 &&
	    strstr(err.msg, "operator '>='"), "'>=' is refused, not read as '>'");
	ok(lt_filter_add_where(f, "data..x = 1", &err) < 0 &&
	    strstr(err.msg, "empty element"), "empty path element refused");
	ok(lt_filter_add_types(f, "a,,b", &err) < 0 &&
	    strstr(err.msg, "empty element"), "empty --type element refused");
	ok(lt_filter_add_where(f, "data.x~(", &err) < 0 &&
	    strstr(err.msg, "'('"), "bad regex named: %s", err.msg);
	ok(lt_filter_add_for(f, "pod/x", &err) < 0 && strstr(err.msg, "'pod'"),
	    "bad --for kind named");
	ok(lt_filter_add_for(f, "component", &err) < 0, "--for without id");
	ok(lt_filter_add_where(f, "=1", &err) < 0, "where without path");
	lt_filter_destroy(f);
}

/* Patterns glibc's regcomp would spend gigabytes or seconds on are
 * refused before compiling; ordinary ones are not. */
static void
test_regex_bounds(void)
{
	static const char *const bombs[] = {
		"a{255}{255}{255}", "x*++++++++++++", "(((x{40}){40}){40})",
		"((((((((((((x*)+)+)+)+)+)+)+)+)+)+)+)+", "((4*){2573}?)*",
		".{1,5000}", "a{1,32767}", "(){615}?*", NULL,
	};
	static const char *const fine[] = {
		"^0\\.0\\.[0-9]+$", "(a|b)*c{2,}", "[[:alpha:]]+", ".{1,1000}",
		"(x{30}){30}", "[]a{}]{3}", "a{,5}", "^(http|https)://[^/]+/", NULL,
	};
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	char *expr, *big = lt_xcalloc(1, 600);
	int i;

	for (i = 0; bombs[i]; i++) {
		expr = lt_xasprintf("data.x~%s", bombs[i]);
		ok(lt_filter_add_where(f, expr, &err) < 0 && err.code == LT_E_USAGE &&
		    strstr(err.msg, "too complex"), "refused: %s", bombs[i]);
		free(expr);
	}
	for (i = 0; fine[i]; i++) {
		expr = lt_xasprintf("data.x!~%s", fine[i]);
		ok(lt_filter_add_where(f, expr, &err) == 0, "accepted: %s", fine[i]);
		free(expr);
	}
	memcpy(big, "data.x~", 7);
	memset(big + 7, 'a', 590);
	ok(lt_filter_add_where(f, big, &err) < 0 && err.code == LT_E_USAGE &&
	    strstr(err.msg, "too long"), "a 590-character pattern: %.80s",
	    err.msg);
	free(big);
	lt_filter_destroy(f);
}

static void
test_subjects(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	char **s = NULL;
	int n, i;

	n = lt_filter_subjects(f, "wasmbus.evt", "default", &s);
	ok(n == 1 && !strcmp(s[0], "wasmbus.evt.default.>"), "no types: >");
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
	lt_filter_add_types(f, "component_scaled,config_set", &err);
	n = lt_filter_subjects(f, "wasmbus.evt", "*", &s);
	ok(n == 2 && !strcmp(s[0], "wasmbus.evt.*.component_scaled") &&
	    !strcmp(s[1], "wasmbus.evt.*.config_set"), "one subject per type");
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
	lt_filter_add_types(f, "config_*", &err);
	n = lt_filter_subjects(f, "wasmbus.evt", "default", &s);
	ok(n == 1 && !strcmp(s[0], "wasmbus.evt.default.>"),
	    "partial glob widens to the lattice");
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
	lt_filter_destroy(f);
}

/* The test before redaction only rejects what redaction cannot rescue. */
static void
test_unredacted(void)
{
	static const char raw[] = "{\"data\":{\"password\":\"hunter2\"}}";
	const char *greps[] = { "elsewhere", "redacted", "0a1b", "https://" };
	bool want[] = { false, true, true, true };
	size_t i;

	for (i = 0; i < sizeof(greps) / sizeof(greps[0]); i++) {
		struct lt_filter *f = lt_filter_create();

		lt_filter_add_grep(f, greps[i]);
		ok(lt_filter_may_match_unredacted(f, raw, strlen(raw)) == want[i],
		    "unredacted test for --grep %s: %s", greps[i],
		    want[i] ? "maybe" : "no");
		lt_filter_destroy(f);
	}
	{
		struct lt_filter *f = lt_filter_create();
		struct lt_error err = LT_ERROR_INIT;

		lt_filter_add_grep(f, "elsewhere");
		ok(!lt_filter_may_match_unredacted(f, raw, strlen(raw)),
		    "unredacted: a plain --grep rejects");
		lt_filter_add_for(f, "config/<redacted:0a1b2c3d>", &err);
		ok(lt_filter_may_match_unredacted(f, raw, strlen(raw)),
		    "unredacted: a --for id redaction may create, added later, "
		    "keeps the event for the test after redaction");
		lt_filter_destroy(f);
	}
}

/* Whether a filter of types (and --where expr, when not NULL) matches
 * the component_scaled event. */
static bool
types_on(const char *types, const char *expr)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_event ev;
	bool r;

	if ((types && lt_filter_add_types(f, types, &err) < 0) ||
	    (expr && lt_filter_add_where(f, expr, &err) < 0))
		ok(0, "accepted: %s %s (%s)", types, expr, err.msg);
	lt_event_decode(&ev, "wasmbus.evt.default.component_scaled", scaled,
	    strlen(scaled));
	r = lt_filter_match(f, &ev);
	lt_event_release(&ev);
	lt_filter_destroy(f);
	return r;
}

/* '!T' excludes; inclusions, exclusions and globs combine. */
static void
test_exclude(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();

	ok(!types_on("!component_scaled", NULL), "!T excludes T");
	ok(types_on("!host_heartbeat", NULL), "!T keeps the others");
	ok(!types_on("component_*,!component_scaled", NULL),
	    "an exclusion beats a glob that includes");
	ok(types_on("component_*,!*_failed", NULL),
	    "an exclusion glob that does not match keeps");
	ok(!types_on("!component_*", NULL), "an exclusion glob");
	ok(lt_filter_add_types(f, "!", &err) < 0 &&
	    strstr(err.msg, "empty element"), "a lone '!' is refused");
	ok(lt_filter_add_types(f, "!!x", &err) < 0, "'!!x' is refused");
	ok(lt_filter_add_types(f, "!host_heartbeat", &err) == 0 &&
	    lt_filter_whole_lattice(f), "only exclusions: the whole lattice");
	lt_filter_destroy(f);
}

/* --where type=NAME: the short name; a full name or a regex as before. */
static void
test_where_type(void)
{
	ok(types_on(NULL, "type=component_scaled"), "type=short name");
	ok(!types_on(NULL, "type!=component_scaled"), "type!=short name");
	ok(types_on(NULL, "type!=host_heartbeat"), "type!=another");
	ok(!types_on(NULL, "type=host_heartbeat"), "type=another");
	ok(types_on(NULL, "type=com.wasmcloud.lattice.component_scaled"),
	    "type=the full name");
	ok(types_on(NULL, "type~scaled$"), "type~regex on the full name");
}

static void
collect(void *ud, const char *msg)
{
	struct lt_buf *b = ud;

	lt_buf_addf(b, "%s\n", msg);
}

/* Warnings name the nearest known type, or list them; known types and
 * globs that match one are not warned about. */
static void
test_warnings(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_buf b = LT_BUF_INIT;

	lt_filter_add_types(f, "compnent_scaled", &err);
	lt_filter_type_warnings(f, collect, &b);
	is_str(lt_buf_str(&b), "unknown event type 'compnent_scaled' (did you "
	    "mean 'component_scaled'?); no known event can match\n",
	    "a typo: the nearest type, and that nothing can match");
	lt_filter_add_types(f, "config_*,!host_heartbeat,!xyzzy", &err);
	lt_buf_reset(&b);
	lt_filter_type_warnings(f, collect, &b);
	ok(strstr(lt_buf_str(&b), "'compnent_scaled' (did you mean "
	    "'component_scaled'?)\n") && !strstr(lt_buf_str(&b), "config_*") &&
	    !strstr(lt_buf_str(&b), "'host_heartbeat'") &&
	    strstr(lt_buf_str(&b), "'xyzzy' (known: component_scaled "),
	    "not the only type; known ones silent; far ones list");
	lt_buf_release(&b);
	lt_filter_destroy(f);
}

/* trace/ID and trace=ID: the trace id of the message's traceparent, which
 * is in a header, so the cheap payload test lets the event through. */
static void
test_trace(void)
{
	static const char tp[] =
	    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create(), *w = lt_filter_create();
	struct lt_event ev;

	ok(lt_filter_add_for(f, "trace/4bf92f35", &err) == 0, "--for trace/ID");
	ok(lt_filter_add_where(w, "trace=4bf92f3577b34da6a3ce929d0e0e4736",
	    &err) == 0, "--where trace=ID");
	ok(lt_filter_may_match(f, scaled, strlen(scaled)),
	    "trace: the payload test does not look for the id");
	lt_event_decode(&ev, "wasmbus.evt.default.component_scaled", scaled,
	    strlen(scaled));
	ok(!lt_filter_match(f, &ev) && !lt_filter_match(w, &ev),
	    "trace: an event without traceparent does not match");
	ev.traceparent = tp;
	ok(lt_filter_match(f, &ev), "--for trace/PREFIX matches its trace");
	ok(lt_filter_match(w, &ev), "--where trace=ID matches its trace");
	ev.traceparent = "00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
	ok(!lt_filter_match(f, &ev) && !lt_filter_match(w, &ev),
	    "trace: another trace does not match");
	lt_event_release(&ev);
	lt_filter_destroy(f);
	lt_filter_destroy(w);
}

/* The fixture rel into b (empty when it cannot be read). */
static void
read_fixture(const char *rel, struct lt_buf *b)
{
	char path[512], chunk[4096];
	FILE *fp = fopen(fixture_path(path, sizeof(path), rel), "rb");
	size_t n;

	lt_buf_reset(b);
	while (fp && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		lt_buf_add(b, chunk, n);
	if (fp)
		fclose(fp);
	lt_buf_addch(b, '\0');
	b->len--;
	ok(b->len > 0, "fixture %s read", rel);
}

/* A CloudEvent of type t with data d: whether f keeps it, raw test and
 * full test both. */
static bool
app_keeps(struct lt_filter *f, const char *t, const char *d)
{
	char *raw = lt_xasprintf("{\"specversion\":\"1.0\",\"type\":"
	    "\"com.wasmcloud.lattice.%s\",\"source\":\"NX\",\"data\":%s}",
	    t, d);
	struct lt_event ev;
	bool may = lt_filter_may_match(f, raw, strlen(raw)), r;

	lt_event_decode(&ev, "wasmbus.evt.default.x", raw, strlen(raw));
	r = lt_filter_match(f, &ev);
	if (r && !may)
		ok(0, "the raw test dropped a kept %s", t);
	lt_event_release(&ev);
	free(raw);
	return r && may;
}

#define CFG_SET "{\"config_name\":\"rust_hello_world-custom_config\"}"
#define LINK_SET "{\"source_id\":\"rust_hello_world-httpserver\"," \
	"\"target\":\"rust_hello_world-http_component\",\"name\":" \
	"\"default\",\"source_config\":[\"rust_hello_world-default_http\"]}"

/* --for app/NAME covers what the manifest says the app owns: its
 * components, providers, configs and links, under wadm's names. */
static void
test_app_learn(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_manifest *m = NULL, *other = NULL;
	char path[512];

	lt_filter_add_for(f, "app/rust-hello-world", &err);
	lt_filter_add_for(f, "component/x", &err);
	is_str(lt_filter_app(f, 0), "rust-hello-world", "the first app/NAME");
	ok(lt_filter_app(f, 1) == NULL, "... and no other");
	ok(!app_keeps(f, "config_set", CFG_SET),
	    "app: a config_set is not the app's before a manifest says so");
	lt_manifest_read(fixture_path(path, sizeof(path),
	    "manifests/upgrade-v2.yaml"), &m, &err);
	lt_manifest_read(fixture_path(path, sizeof(path),
	    "manifests/shared-config-v1.yaml"), &other, &err);
	ok(m && other, "fixtures read (%s)", err.msg);
	is_int(lt_filter_learn_manifest(f, other), 0,
	    "another app's manifest teaches nothing");
	is_int(lt_filter_learn_manifest(f, m), 4,
	    "2 ids and 2 configs learned");
	is_int(lt_filter_learn_manifest(f, m), 0, "... once");
	ok(app_keeps(f, "config_set", CFG_SET), "app: its config_set");
	ok(app_keeps(f, "config_deleted", CFG_SET), "app: its config_deleted");
	ok(app_keeps(f, "linkdef_set", LINK_SET), "app: its link");
	ok(app_keeps(f, "linkdef_deleted", "{\"source_id\":"
	    "\"rust_hello_world-httpserver\",\"target\":\"t\"}"),
	    "app: a link deleted from its provider");
	ok(app_keeps(f, "provider_started", "{\"provider_id\":"
	    "\"rust_hello_world-httpserver\"}"), "app: its provider");
	ok(app_keeps(f, "component_scale_failed", "{\"component_id\":"
	    "\"rust_hello_world-http_component\"}"), "app: its component");
	ok(!app_keeps(f, "config_set", "{\"config_name\":"
	    "\"shared_config-shared\"}"), "app: not another app's config");
	ok(!app_keeps(f, "linkdef_set", "{\"source_id\":\"a-b\","
	    "\"target\":\"a-c\",\"source_config\":"
	    "[\"rust_hello_world-default_http\"]}"),
	    "app: not another app's link (sharing a config name)");
	lt_manifest_destroy(m);
	lt_manifest_destroy(other);
	lt_filter_destroy(f);
}

/* A hostile manifest_published of thousands of components: what an
 * app/NAME learns is bounded (every message is searched for each name). */
static void
test_app_learn_bounded(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_buf y = LT_BUF_INIT;
	struct lt_manifest *m = NULL;
	int i;

	lt_filter_add_for(f, "app/big", &err);
	lt_buf_adds(&y, "apiVersion: core.oam.dev/v1beta1\nkind: Application\n"
	    "metadata:\n  name: big\nspec:\n  components:\n");
	for (i = 0; i < 3000; i++)
		lt_buf_addf(&y, "    - name: c%d\n      type: component\n"
		    "      properties:\n        image: r/c:%d\n", i, i);
	ok(lt_manifest_parse(y.buf, y.len, "big", &m, &err) == 0 &&
	    m->ncomponents == 3000, "a manifest of 3000 components (%s)",
	    err.msg);
	is_int(lt_filter_learn_manifest(f, m), LT_FILTER_OWNED_MAX,
	    "app: at most LT_FILTER_OWNED_MAX names learned");
	is_int(lt_filter_learn_manifest(f, m), 0, "... and no more later");
	lt_manifest_destroy(m);
	lt_buf_release(&y);
	lt_filter_destroy(f);
}

/* Manifests that go by: a manifest_published event, a recorded model.put
 * request (JSON or YAML text) and a model.get reply. */
static void
test_app_learn_sources(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_filter *f = lt_filter_create();
	struct lt_buf b = LT_BUF_INIT;
	struct lt_event ev;
	cJSON *rec, *ce;

	lt_filter_add_for(f, "app/rust-hello-world", &err);
	read_fixture("events/wadm.manifest_published.json", &b);
	lt_event_decode(&ev, "wadm.evt.default.manifest_published", b.buf,
	    b.len);
	is_int(lt_filter_learn_event(f, &ev), 4, "event: manifest_published");
	ok(app_keeps(f, "config_deleted", CFG_SET), "event: then its config");
	lt_filter_destroy(f);

	f = lt_filter_create();
	lt_filter_add_for(f, "app/rust-hello-world", &err);
	ce = cJSON_Parse(b.buf);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "kind", "event");
	cJSON_AddItemToObject(rec, "event", ce);
	is_int(lt_filter_learn_record(f, rec), 4, "record: the event");
	cJSON_Delete(rec);
	is_int(lt_filter_learn_event(f, &ev), 0, "... known already");
	lt_filter_destroy(f);

	f = lt_filter_create();
	lt_filter_add_for(f, "app/rust-hello-world", &err);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "kind", "wadm.reply");
	cJSON_AddItemToObject(rec, "payload", cJSON_CreateObject());
	cJSON_AddItemToObject(cJSON_GetObjectItem(rec, "payload"), "manifest",
	    cJSON_Duplicate(cJSON_GetObjectItem(ev.root, "data"), true));
	is_int(lt_filter_learn_record(f, rec), 4, "record: a model.get reply");
	cJSON_Delete(rec);
	lt_filter_destroy(f);
	lt_event_release(&ev);

	f = lt_filter_create();
	lt_filter_add_for(f, "app/link-config", &err);
	read_fixture("manifests/link-config-v1.yaml", &b);
	rec = cJSON_CreateObject();
	cJSON_AddStringToObject(rec, "kind", "wadm.request");
	cJSON_AddStringToObject(rec, "subject", "wadm.api.default.model.put");
	cJSON_AddStringToObject(rec, "payload", b.buf);
	is_int(lt_filter_learn_record(f, rec), 3,
	    "record: a model.put of YAML text");
	ok(app_keeps(f, "config_set",
	    "{\"config_name\":\"link_config-default_http\"}"),
	    "... then its link's source config");
	cJSON_ReplaceItemInObject(rec, "subject",
	    cJSON_CreateString("wadm.api.default.model.get"));
	lt_filter_destroy(f);
	f = lt_filter_create();
	lt_filter_add_for(f, "app/link-config", &err);
	is_int(lt_filter_learn_record(f, rec), 0,
	    "record: a request other than model.put teaches nothing");
	cJSON_Delete(rec);
	lt_buf_release(&b);
	lt_filter_destroy(f);
}

int
main(void)
{
	test_trace();
	test_exclude();
	test_where_type();
	test_warnings();
	test_matching();
	test_compare();
	test_bad_operands();
	test_unredacted();
	test_errors();
	test_status();
	test_regex_bounds();
	test_subjects();
	test_app_learn();
	test_app_learn_bounded();
	test_app_learn_sources();
	done_testing();
}
