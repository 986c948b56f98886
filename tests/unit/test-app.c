/* test-app.c: the app module's verdict (lt_app_must_act), its reason for
 * a person and its JSON, on applications built by hand (gathering needs a
 * lattice: t6010 covers it). */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/app.h"
#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "tap.h"

/* The #4704 app: v2's manifest, its component on host h1 with image img,
 * its config in state st. */
static void
build(struct lt_app *a, const char *status, const char *img,
    enum lt_ctl_ref_state st)
{
	struct lt_error err = LT_ERROR_INIT;
	char path[512];

	memset(a, 0, sizeof(*a));
	a->name = lt_xstrdup("rust-hello-world");
	a->status = lt_xstrdup(status);
	a->message = lt_xstrdup("");
	a->scalers = cJSON_CreateArray();
	a->deployed = lt_xstrdup("v0.0.2");
	a->version = lt_xstrdup("v0.0.2");
	if (lt_manifest_read(fixture_path(path, sizeof(path),
	    "manifests/upgrade-v2.yaml"), &a->manifest, &err) < 0)
		ok(0, "manifest: %s", err.msg);
	a->workloads = lt_xcalloc(1, sizeof(*a->workloads));
	a->nworkloads = 1;
	a->workloads[0].c = &a->manifest->components[0];
	if (img) {
		a->workloads[0].hosts = lt_xcalloc(1, sizeof(struct lt_app_host));
		a->workloads[0].nhosts = 1;
		a->workloads[0].hosts[0].host_id = lt_xstrdup("NH1");
		a->workloads[0].hosts[0].friendly_name = lt_xstrdup("h1");
		a->workloads[0].hosts[0].image_ref = lt_xstrdup(img);
		a->workloads[0].hosts[0].other_image = strcmp(img,
		    a->manifest->components[0].image) != 0;
		a->other_images = a->workloads[0].hosts[0].other_image;
	} else {
		a->nowhere = 1;
	}
	a->configs = lt_xcalloc(1, sizeof(*a->configs));
	a->nconfigs = 1;
	a->configs[0].name = lt_xstrdup("rust_hello_world-custom_config");
	a->configs[0].used_by = lt_xstrdup("http-component");
	a->configs[0].managed = true;
	a->configs[0].state = st;
	a->missing = st == LT_CTL_CONFIG_MISSING;
}

static const char v2[] = "localhost:5000/test/http-hello-world:0.0.2";
static const char v1[] = "localhost:5000/test/http-hello-world:0.0.1";

static bool
must_act(const char *status, const char *img, enum lt_ctl_ref_state st)
{
	struct lt_app a;
	bool r;

	build(&a, status, img, st);
	r = lt_app_must_act(&a);
	lt_app_release(&a);
	return r;
}

static void
test_verdict(void)
{
	ok(!must_act("deployed", v2, LT_CTL_CONFIG_PRESENT), "healthy");
	ok(must_act("failed", v2, LT_CTL_CONFIG_PRESENT), "failed");
	ok(must_act("unhealthy", v2, LT_CTL_CONFIG_PRESENT), "unhealthy");
	ok(must_act("deployed", v2, LT_CTL_CONFIG_MISSING), "config missing");
	ok(must_act("reconciling", v2, LT_CTL_CONFIG_MISSING),
	    "config missing while reconciling");
	ok(!must_act("undeployed", NULL, LT_CTL_CONFIG_MISSING),
	    "undeployed: its config may well be gone");
	ok(must_act("deployed", v1, LT_CTL_CONFIG_PRESENT),
	    "deployed, a host runs the old image");
	ok(!must_act("reconciling", v1, LT_CTL_CONFIG_PRESENT),
	    "reconciling, the old image: the upgrade may be under way");
	ok(must_act("deployed", NULL, LT_CTL_CONFIG_PRESENT),
	    "deployed, runs nowhere");
	ok(!must_act("deployed", v2, LT_CTL_CONFIG_UNCHECKED),
	    "a config that could not be looked up is no finding");
}

static void
test_text_json(void)
{
	struct lt_buf b = LT_BUF_INIT;
	struct lt_app a;
	cJSON *j;
	char *s;

	build(&a, "deployed", v1, LT_CTL_CONFIG_MISSING);
	lt_app_problems_text(&a, "default", &b);
	is_str(b.buf, "config 'rust_hello_world-custom_config' is missing "
	    "from CONFIGDATA_default; 'rust_hello_world-http_component' on h1 "
	    "runs localhost:5000/test/http-hello-world:0.0.1, the manifest says "
	    "localhost:5000/test/http-hello-world:0.0.2", "the reason");
	j = lt_app_to_json(&a);
	s = cJSON_PrintUnformatted(j);
	ok(strstr(s, "\"hosts\":[{\"host_id\":\"NH1\",\"friendly_name\":"
	    "\"h1\",\"image_ref\":\"localhost:5000/test/http-hello-world:"
	    "0.0.1\",\"max_instances\":0,\"current\":false}]") != NULL,
	    "json: the host and its image, not current");
	ok(strstr(s, "\"configs\":[{\"name\":\"rust_hello_world-custom_config\","
	    "\"managed\":true,\"used_by\":\"http-component\",\"state\":"
	    "\"missing\"}]") != NULL, "json: the config, missing");
	ok(strstr(s, "\"latest_version\":null") != NULL && !strstr(s, "\"links\""),
	    "json: no latest version is null; links not read are absent");
	ok(strstr(s, "\"missing_configs\":1,\"other_images\":1,\"not_running\":0,"
	    "\"missing_links\":0,\"must_act\":true") != NULL, "json: the counts");
	cJSON_free(s);
	cJSON_Delete(j);
	lt_app_release(&a);
	lt_buf_release(&b);
	build(&a, "deployed", NULL, LT_CTL_CONFIG_PRESENT);
	lt_app_problems_text(&a, "default", &b);
	is_str(b.buf, "'rust_hello_world-http_component' runs on no host",
	    "the reason: runs nowhere");
	lt_app_release(&a);
	lt_buf_release(&b);
}

int
main(void)
{
	struct lt_app zero;

	memset(&zero, 0, sizeof(zero));
	lt_app_release(&zero);
	ok(1, "a zeroed app releases");
	test_verdict();
	test_text_json();
	done_testing();
}
