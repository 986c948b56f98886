/* test-findings-engine.c: the incremental findings engine: each rule
 * fires on a minimal record sequence, at the record (or tick, or settle)
 * that decides it, and stays silent on the healthy deploy of the same
 * manifests; updates come out with "update":true. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/findings.h"
#include "tap.h"

#define HEAD \
	"apiVersion: core.oam.dev/v1beta1\n" \
	"kind: Application\n" \
	"metadata:\n" \
	"  name: shop\n" \
	"  annotations: {version: VERSION}\n" \
	"spec:\n" \
	"  components:\n" \
	"    - name: api\n" \
	"      type: component\n" \
	"      properties:\n" \
	"        image: reg/api:IMG\n" \
	"        config:\n" \
	"          - name: settings\n" \
	"            properties: {mode: fast}\n" \
	"      traits:\n" \
	"        - type: spreadscaler\n" \
	"          properties: {instances: 2}\n" \
	"    - name: http\n" \
	"      type: capability\n" \
	"      properties:\n" \
	"        image: reg/http:1\n"
#define OLD_EXTRA \
	"    - name: old\n" \
	"      type: component\n" \
	"      properties:\n" \
	"        image: reg/old:1\n"

/* Records: seq, time (minute, second), kind, members. */
#define R(seq, mm, ss, kind, rest) "{\"seq\":" #seq ",\"t\":" \
	"\"2026-12-07T10:" #mm ":" #ss "Z\",\"kind\":\"" kind "\"," rest "}"
#define EV(type, data) "\"event\":{\"type\":\"com.wasmcloud.lattice." type \
	"\",\"source\":\"H1\",\"data\":" data "}"
#define ANN(scaler) "\"annotations\":{\"wasmcloud.dev/appspec\":\"shop\"," \
	"\"wasmcloud.dev/scaler\":\"" scaler "\"," \
	"\"wasmcloud.dev/spread_name\":\"default\"}"
#define HB(seq, mm, ss, img, count, extra) R(seq, mm, ss, "event", \
	EV("host_heartbeat", "{\"host_id\":\"H1\",\"components\":[{\"id\":" \
	"\"shop-api\",\"image_ref\":\"reg/api:" img "\",\"max_instances\":" \
	count "," ANN("S1") "}" extra "],\"providers\":[{\"id\":\"shop-http\"," \
	"\"image_ref\":\"reg/http:1\"}]}"))
#define STATUS(seq, mm, ss, type) R(seq, mm, ss, "wadm.status", \
	"\"subject\":\"wadm.status.default.shop\",\"payload\":{\"status\":" \
	"{\"type\":\"" type "\"}}")
#define SNAP(seq, mode) R(seq, 00, 04, "snapshot", "\"bucket\":" \
	"\"CONFIGDATA_default\",\"entries\":{\"shop-settings\":{\"value\":" \
	"{\"mode\":\"" mode "\"}}}")
#define STATE(seq, key, value) R(seq, 00, 04, "kv", "\"bucket\":" \
	"\"wadm_state\",\"key\":\"" key "_default\",\"op\":\"put\"," \
	"\"value\":" value)

#define DEPLOY R(1, 00, 00, "wadm.request", "\"subject\":" \
	"\"wadm.api.default.model.deploy.shop\"")
#define CMD R(2, 00, 01, "wadm.cmd", "\"subject\":\"wadm.cmd.default\"," \
	"\"payload\":{\"ScaleComponent\":{\"component_id\":\"shop-api\"," \
	"\"model_name\":\"shop\",\"count\":2,\"host_id\":\"H1\"," \
	"\"reference\":\"reg/api:2.0\"}}")
#define SCALED_IMG(seq, ss, scaler, count, img) R(seq, 00, ss, "event", \
	EV("component_scaled", "{\"component_id\":\"shop-api\",\"host_id\":" \
	"\"H1\",\"image_ref\":\"reg/api:" img "\",\"max_instances\":" \
	count "," ANN(scaler) "}"))
#define SCALED(seq, ss, scaler, count) SCALED_IMG(seq, ss, scaler, count, \
	"2.0")
#define STATE_OK \
	STATE(7, "host", "{\"H1\":{\"components\":{\"shop-api\":2}}}") "," \
	STATE(8, "component", "{\"shop-api\":{\"instances\":{\"H1\":" \
	"[{\"annotations\":{},\"count\":2}]}}}") "," \
	STATE(9, "provider", "{\"shop-http\":{\"hosts\":{\"H1\":\"Running\"}}}")

/* The healthy v2 deploy; a test swaps one part for a fault. */
#define HEALTHY(hb, snap, state, last) "[" DEPLOY "," CMD "," \
	STATUS(3, 00, 01, "reconciling") "," SCALED(4, 02, "S1", "2") "," \
	hb "," snap "," state "," STATUS(10, 00, 05, "deployed") last "]"
#define HB_OK HB(5, 00, 03, "2.0", "2", "")

static struct lt_manifest *v1, *v2;

static struct lt_manifest *
parse(const char *version, const char *img, bool extra)
{
	char text[2048], *p;
	struct lt_manifest *m = NULL;
	struct lt_error err = LT_ERROR_INIT;

	snprintf(text, sizeof(text), "%s%s", HEAD, extra ? OLD_EXTRA : "");
	p = strstr(text, "VERSION");
	memcpy(p, version, 7);
	p = strstr(text, "IMG");
	memcpy(p, img, 3);
	if (lt_manifest_parse(text, strlen(text), "t.yaml", &m, &err) < 0)
		printf("# manifest: %s\n", err.msg);
	return m;
}

/* Feed the records of json into a new engine (v1 then v2 added), then
 * tick at tick_s seconds past 10:00 (when > 0), then settle. got: each
 * finding as it came out, "ID@SEQ" ("@tick", "@settle"), "+u" on an
 * update. Returns the engine's error count at the end. */
static int
run(const char *json, int tick_s, const struct lt_findings_opts *o,
    char *got, size_t len)
{
	struct lt_findings *e = lt_findings_new(o);
	cJSON *recs = cJSON_Parse(json), *rec, *out, *fi;
	size_t n = 0;
	int nerr;

	got[0] = '\0';
	if (!recs) {
		printf("# bad test JSON\n");
		lt_findings_free(e);
		return -1;
	}
	lt_findings_add_manifest(e, v1);
	lt_findings_add_manifest(e, v2);
#define TAKE(where) cJSON_ArrayForEach(fi, out) n += (size_t)snprintf( \
	got + n, len - n, "%s%s@%s%s", n ? ";" : "", \
	cJSON_GetObjectItem(fi, "id")->valuestring, where, \
	cJSON_IsTrue(cJSON_GetObjectItem(fi, "update")) ? "+u" : ""); \
	cJSON_Delete(out)
	cJSON_ArrayForEach(rec, recs) {
		char at[32];

		out = cJSON_CreateArray();
		lt_findings_feed(e, rec, out);
		snprintf(at, sizeof(at), "%d",
		    cJSON_GetObjectItem(rec, "seq")->valueint);
		TAKE(at);
	}
	if (tick_s > 0) {
		out = cJSON_CreateArray();
		lt_findings_tick(e, INT64_C(1796637600000000000) +
		    (int64_t)tick_s * INT64_C(1000000000), out);
		TAKE("tick");
	}
	out = cJSON_CreateArray();
	lt_findings_settle(e, out);
	TAKE("settle");
	nerr = lt_findings_errors(e);
	cJSON_Delete(recs);
	lt_findings_free(e);
	return nerr;
}

static void
test_healthy(void)
{
	char got[1024];

	is_int(run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, ""), 0, NULL, got,
	    sizeof(got)), 0, "healthy deploy: no error");
	is_str(got, "", "healthy deploy: no finding at all");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, ""), 3600, NULL, got,
	    sizeof(got));
	is_str(got, "", "healthy deploy, an hour later: still none");
}

static void
test_events(void)
{
	char got[1024];

	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, "," R(11, 00, 06,
	    "event", EV("component_scale_failed", "{\"component_id\":"
	    "\"shop-api\",\"error\":\"boom\"}"))), 0, NULL, got, sizeof(got));
	is_str(got, "scale-failed@11;status-mismatch@settle", "scale-failed at its event");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, "," R(11, 00, 06,
	    "event", EV("provider_start_failed", "{\"provider_id\":"
	    "\"shop-http\",\"error\":\"no\"}"))), 0, NULL, got, sizeof(got));
	is_str(got, "provider-start-failed@11;status-mismatch@settle", "provider-start-failed");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, "," R(11, 00, 06,
	    "event", EV("linkdef_set_failed", "{\"source_id\":\"shop-api\","
	    "\"error\":\"no\"}"))), 0, NULL, got, sizeof(got));
	is_str(got, "link-failed@11;status-mismatch@settle", "link-failed");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, "," R(11, 00, 06,
	    "event", EV("health_check_failed", "{\"provider_id\":"
	    "\"shop-http\",\"host_id\":\"H1\"}")) "," R(12, 00, 07, "event",
	    EV("health_check_passed", "{\"provider_id\":\"shop-http\","
	    "\"host_id\":\"H1\"}"))), 0, NULL, got, sizeof(got));
	is_str(got, "provider-unhealthy@11;provider-unhealthy@12+u",
	    "provider-unhealthy, then an update when it passes again");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK, "," R(11, 00, 06, "kv",
	    "\"bucket\":\"CONFIGDATA_default\",\"key\":\"shop-settings\","
	    "\"op\":\"delete\"") "," R(12, 00, 07, "kv", "\"bucket\":"
	    "\"CONFIGDATA_default\",\"key\":\"shop-settings\",\"op\":\"put\","
	    "\"value\":{\"mode\":\"fast\"}")), 0, NULL, got, sizeof(got));
	is_str(got, "config-deleted-while-referenced@11;"
	    "config-deleted-while-referenced@12+u",
	    "a deletion fires at once; put back, it is updated to a warning");
}

/* Without the host's reply: wadm asked for 2.0, the host's
 * component_scaled says 1.0. With the reply observed, only the reply's
 * finding. */
static void
test_kept_image(void)
{
	char got[1024];

	run("[" DEPLOY "," CMD "," SCALED_IMG(3, 02, "S1", "2", "1.0") "]", 0,
	    NULL, got, sizeof(got));
	is_str(got, "image-not-updated@3",
	    "image-not-updated at the component_scaled with the old image");
	run("[" DEPLOY "," CMD "," R(3, 00, 02, "ctl.request", "\"pair\":1,"
	    "\"subject\":\"wasmbus.ctl.v1.default.component.scale.H1\","
	    "\"payload\":{\"component_id\":\"shop-api\",\"component_ref\":"
	    "\"reg/api:2.0\"}") "," R(4, 00, 02, "ctl.reply", "\"pair\":1,"
	    "\"payload\":{\"success\":true,\"message\":\"the image reference "
	    "will not be updated\"}") "," SCALED_IMG(5, 03, "S1", "2", "1.0") "]",
	    0, NULL, got, sizeof(got));
	is_str(got, "image-not-updated@4", "the host's reply, once");
}

static void
test_settle(void)
{
	char got[1024];

	run(HEALTHY(HB(5, 00, 03, "2.0", "1", ""), SNAP(6, "fast"),
	    "{\"seq\":7}", ""), 0, NULL, got, sizeof(got));
	is_str(got, "spread-unsatisfied@settle;status-mismatch@settle",
	    "spread-unsatisfied (1 of 2) at settle, and wadm said deployed");
	run(HEALTHY(HB(5, 00, 03, "2.0", "2", ",{\"id\":\"shop-old\","
	    "\"image_ref\":\"reg/old:1\",\"max_instances\":1}"), SNAP(6, "fast"),
	    "{\"seq\":7}", ""), 0, NULL, got, sizeof(got));
	is_str(got, "old-instances-left@settle;status-mismatch@settle",
	    "old-instances-left: v1's dropped component still runs");
	run("[" DEPLOY "," CMD "," STATUS(3, 00, 01, "reconciling") ","
	    HB(4, 00, 03, "2.0", "1", ",{\"id\":\"shop-old\"}") "]", 0, NULL,
	    got, sizeof(got));
	is_str(got, "", "no instance counted while wadm still reconciles");
	run(HEALTHY(HB(5, 00, 03, "1.0", "2", ""), SNAP(6, "fast"), "{\"seq\":7}",
	    ""), 0, NULL, got, sizeof(got));
	is_str(got, "image-not-updated@settle;status-mismatch@settle",
	    "image-not-updated from the heartbeat");
	run(HEALTHY(HB_OK, SNAP(6, "slow"), STATE_OK, ""), 0, NULL, got,
	    sizeof(got));
	is_str(got, "config-drift@settle", "config-drift: slow is not fast");
	run(HEALTHY(HB_OK, R(6, 00, 04, "snapshot", "\"bucket\":"
	    "\"CONFIGDATA_default\",\"entries\":{}"), STATE_OK, ""), 0, NULL,
	    got, sizeof(got));
	is_str(got, "config-missing@settle;status-mismatch@settle",
	    "config-missing");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE(7, "host", "{\"H1\":"
	    "{\"components\":{\"shop-api\":1}}}"), ""), 0, NULL, got,
	    sizeof(got));
	is_str(got, "wadm-state-drift@settle",
	    "wadm-state-drift: wadm counts 1, the host 2");
	run(HEALTHY(HB_OK, SNAP(6, "fast"), STATE(7, "provider",
	    "{\"shop-http\":{\"hosts\":{\"H1\":\"Running\"}},\"shop-x\":"
	    "{\"hosts\":{\"H1\":\"Running\"}}}"), ""), 0, NULL, got,
	    sizeof(got));
	is_str(got, "wadm-state-drift@settle",
	    "wadm-state-drift: a provider the host does not run");
}

static void
test_time(void)
{
	struct lt_findings_opts o = { 60 * INT64_C(1000000000), 0, 0, 0 };
	char got[1024];

	run("[" DEPLOY "]", 31, NULL, got, sizeof(got));
	is_str(got, "wadm-silent@tick", "wadm-silent after 30 s of nothing");
	run("[" DEPLOY "]", 29, NULL, got, sizeof(got));
	is_str(got, "", "not before 30 s");
	run("[" DEPLOY "," R(2, 00, 40, "wadm.status", "\"subject\":"
	    "\"wadm.status.default.shop\",\"payload\":{\"status\":{\"type\":"
	    "\"deployed\"}}") "]", 0, NULL, got, sizeof(got));
	is_str(got, "wadm-silent@2",
	    "decided by the next record's time (fired and updated at once: "
	    "out once)");
	run("[" DEPLOY "," CMD "," STATUS(3, 00, 01, "reconciling") "]", 62,
	    &o, got, sizeof(got));
	is_str(got, "status-stuck@tick", "status-stuck after --stuck-after");
	run("[" DEPLOY "," CMD "," STATUS(3, 00, 01, "reconciling") ","
	    HB(4, 01, 05, "2.0", "2", "") "," STATUS(5, 01, 30, "deployed") "]",
	    0, &o, got, sizeof(got));
	is_str(got, "status-stuck@4;status-stuck@5+u",
	    "stuck, then deployed: updated to a warning");
	run("[" DEPLOY "," CMD "," R(3, 00, 02, "event", EV("host_stopped",
	    "{}")) "]", 0, NULL, got, sizeof(got));
	is_str(got, "host-lost@3", "host-lost at host_stopped");
	run("[" DEPLOY "," CMD "," STATUS(3, 00, 01, "reconciling") ","
	    HB(4, 00, 02, "2.0", "2", "") "," HB(5, 00, 12, "2.0", "2", "") "]", 43,
	    NULL, got, sizeof(got));
	is_str(got, "host-lost@tick",
	    "host-lost: 3 heartbeats of 10 s missed");
	run("[" DEPLOY "," CMD "," STATUS(3, 00, 01, "reconciling") ","
	    HB(4, 00, 02, "2.0", "2", "") "," HB(5, 00, 12, "2.0", "2", "") "]", 41,
	    NULL, got, sizeof(got));
	is_str(got, "", "... not after 29 s");
}

static void
test_conflict(void)
{
	char got[1024];

	run("[" SCALED(1, 01, "S1", "2") "," SCALED(2, 02, "S2", "1") ","
	    SCALED(3, 03, "S1", "2") "," SCALED(4, 04, "S2", "1") ","
	    SCALED(5, 05, "S1", "2") "]", 0, NULL, got, sizeof(got));
	is_str(got, "scaler-conflict@4", "scaler-conflict at the third flip");
	run("[" SCALED(1, 01, "S1", "2") "," SCALED(2, 02, "S1", "1") ","
	    SCALED(3, 03, "S1", "2") "," SCALED(4, 04, "S1", "1") "]", 0, NULL,
	    got, sizeof(got));
	is_str(got, "", "one scaler changing its count is no conflict");
}

/* Settling by itself: deployed and quiet for settle_ns (heartbeats do
 * not count as something happening); a later change unsettles. */
static void
test_auto_settle(void)
{
	struct lt_findings *e = lt_findings_new(NULL);
	cJSON *recs = cJSON_Parse(HEALTHY(HB(5, 00, 03, "2.0", "1", ""),
	    SNAP(6, "fast"), "{\"seq\":7}", "," HB(11, 00, 12, "2.0", "1", "")));
	cJSON *more = cJSON_Parse(R(12, 00, 20, "event", EV("config_set",
	    "{\"config_name\":\"x\"}")));
	cJSON *out = cJSON_CreateArray(), *rec;

	lt_findings_add_manifest(e, v2);
	cJSON_ArrayForEach(rec, recs)
		lt_findings_feed(e, rec, out);
	ok(!lt_findings_settled(e), "not settled right after deployed");
	lt_findings_tick(e, INT64_C(1796637614000000000), out);
	ok(!lt_findings_settled(e), "not settled 9 s later (a heartbeat "
	    "came, nothing happened)");
	lt_findings_tick(e, INT64_C(1796637616000000000), out);
	ok(lt_findings_settled(e), "settled 11 s after the last change");
	is_int(cJSON_GetArraySize(out), 2, "the settle rules ran: "
	    "spread-unsatisfied, status-mismatch");
	lt_findings_feed(e, more, out);
	ok(!lt_findings_settled(e), "an event unsettles");
	cJSON_Delete(recs);
	cJSON_Delete(more);
	cJSON_Delete(out);
	lt_findings_free(e);
}

static void
test_published(void)
{
	struct lt_findings *e = lt_findings_new(NULL);
	cJSON *rec = cJSON_Parse(R(1, 00, 00, "event", "\"event\":{\"type\":"
	    "\"com.wadm.manifest_published\",\"data\":{\"apiVersion\":"
	    "\"core.oam.dev/v1beta1\",\"kind\":\"Application\",\"metadata\":"
	    "{\"name\":\"cart\"},\"spec\":{\"components\":[{\"name\":\"c\","
	    "\"type\":\"component\",\"properties\":{\"image\":\"reg/c:1\","
	    "\"config\":[{\"name\":\"k\",\"properties\":{\"a\":\"b\"}}]}}]}}}"));
	cJSON *del = cJSON_Parse(R(2, 00, 01, "event", EV("config_deleted",
	    "{\"config_name\":\"cart-k\"}")));
	cJSON *out = cJSON_CreateArray();

	lt_findings_feed(e, rec, out);
	lt_findings_feed(e, del, out);
	is_int(cJSON_GetArraySize(out), 1, "a published manifest is a target");
	is_str(cJSON_GetObjectItem(out->child, "app") ?
	    cJSON_GetObjectItem(out->child, "app")->valuestring : "", "cart",
	    "the finding names its app");
	cJSON_Delete(rec);
	cJSON_Delete(del);
	cJSON_Delete(out);
	lt_findings_free(e);
}

/* Past the cap on held findings (4096; a hostile publisher can make
 * endless distinct ones) a rule that fires and then updates its finding
 * (config-deleted: fired, then put back) must neither crash nor hand out
 * a finding without an id. */
static void
test_cap(void)
{
	struct lt_findings *e = lt_findings_new(NULL);
	cJSON *recs = cJSON_Parse(HEALTHY(HB_OK, SNAP(6, "fast"), STATE_OK,
	    "")), *rec, *out = cJSON_CreateArray(), *fi;
	int i, bad = 0, n = 0;

	lt_findings_add_manifest(e, v1);
	lt_findings_add_manifest(e, v2);
	cJSON_ArrayForEach(rec, recs)
		lt_findings_feed(e, rec, out);
	for (i = 0; i < 4200; i++) {
		char text[512];

		snprintf(text, sizeof(text), R(%d, 00, 07, "event",
		    EV("component_scale_failed", "{\"component_id\":"
		    "\"shop-api\",\"error\":\"boom %d\"}")), 20 + i, i);
		rec = cJSON_Parse(text);
		lt_findings_feed(e, rec, out);
		cJSON_Delete(rec);
	}
	rec = cJSON_Parse(R(9000, 00, 08, "kv", "\"bucket\":"
	    "\"CONFIGDATA_default\",\"key\":\"shop-settings\","
	    "\"op\":\"delete\""));
	lt_findings_feed(e, rec, out);
	cJSON_Delete(rec);
	rec = cJSON_Parse(R(9001, 00, 09, "kv", "\"bucket\":"
	    "\"CONFIGDATA_default\",\"key\":\"shop-settings\","
	    "\"op\":\"put\",\"value\":{\"mode\":\"fast\"}"));
	lt_findings_feed(e, rec, out);
	cJSON_Delete(rec);
	lt_findings_settle(e, out);
	cJSON_ArrayForEach(fi, out) {
		n++;
		bad += !cJSON_IsString(cJSON_GetObjectItem(fi, "id"));
	}
	ok(n >= 4096 && !bad, "past the cap: %d findings out, %d without "
	    "an id", n, bad);
	cJSON_Delete(out);
	cJSON_Delete(recs);
	lt_findings_free(e);
}

int
main(void)
{
	v1 = parse("v0.0.01", "1.0", true);
	v2 = parse("v0.0.02", "2.0", false);
	ok(v1 && v2, "manifests parse");
	if (!v1 || !v2)
		done_testing();
	test_healthy();
	test_events();
	test_kept_image();
	test_settle();
	test_time();
	test_conflict();
	test_auto_settle();
	test_published();
	test_cap();
	lt_manifest_destroy(v1);
	lt_manifest_destroy(v2);
	done_testing();
	return 0;
}
