/* test-wadm.c: wadm API subjects and reply decoding, with the replies of
 * the fixtures in tests/fixtures/wadm. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/wadm.h"
#include "tap.h"

/* The "reply" member of an example file, as compact JSON text. */
static char *
example_reply(const char *name)
{
	char path[1024], rel[256], *text = NULL, *out = NULL;
	FILE *fp;
	long n;
	cJSON *doc;

	snprintf(rel, sizeof(rel), "wadm/%s.json", name);
	fixture_path(path, sizeof(path), rel);
	if (!(fp = fopen(path, "rb")))
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	text = calloc(1, (size_t)n + 1);
	if (fread(text, 1, (size_t)n, fp) == (size_t)n &&
	    (doc = cJSON_Parse(text))) {
		out = cJSON_PrintUnformatted(cJSON_GetObjectItem(doc, "reply"));
		cJSON_Delete(doc);
	}
	fclose(fp);
	free(text);
	return out;
}

static int
decode_example(enum lt_wadm_op op, const char *name, cJSON **out,
    struct lt_error *err)
{
	char *r = example_reply(name);
	int rc;

	if (!r) {
		printf("# cannot read example %s\n", name);
		return -2;
	}
	rc = lt_wadm_decode(op, r, strlen(r), out, err);
	free(r);
	return rc;
}

static void
test_subjects(void)
{
	char *s = lt_wadm_subject("default", LT_WADM_PUT, "app");

	is_str(s, "wadm.api.default.model.put", "put has no name");
	free(s);
	s = lt_wadm_subject("lat1", LT_WADM_DEPLOY, "rust-hello-world");
	is_str(s, "wadm.api.lat1.model.deploy.rust-hello-world", "deploy subject");
	free(s);
	s = lt_wadm_subject("default", LT_WADM_STATUS, "a");
	is_str(s, "wadm.api.default.model.status.a", "status subject");
	free(s);
	is_str(lt_wadm_op_name(LT_WADM_UNDEPLOY), "model.undeploy", "op name");
}

static void
test_fixtures(void)
{
	struct lt_error err = LT_ERROR_INIT;
	cJSON *r = NULL;

	is_int(decode_example(LT_WADM_PUT, "model.put", NULL, &err), 0,
	    "model.put example: created");
	is_int(decode_example(LT_WADM_DEPLOY, "model.deploy", NULL, &err), 0,
	    "model.deploy example: acknowledged");
	is_int(decode_example(LT_WADM_UNDEPLOY, "model.undeploy", NULL, &err),
	    0, "model.undeploy example");
	is_int(decode_example(LT_WADM_GET, "model.get", NULL, &err), 0,
	    "model.get example: success");
	is_int(decode_example(LT_WADM_STATUS, "model.status", &r, &err), 0,
	    "model.status example: ok");
	is_str(lt_wadm_status_type(r), "deployed", "status type (nested)");
	cJSON_Delete(r);
	is_int(decode_example(LT_WADM_DEPLOY, "error", &r, &err), -1,
	    "notfound is an error");
	ok(r == NULL, "no reply handed out on error");
	is_int(err.code, LT_E_RUNTIME, "runtime error");
	is_str(err.msg, "wadm model.deploy: notfound: Application with the "
	    "name no-such-app not found", "the error quotes wadm");
}

static void
test_bad(void)
{
	struct lt_error err = LT_ERROR_INIT;
	cJSON *r = NULL;
	const char *flat = "{\"result\":\"ok\",\"status\":{\"type\":\"failed\"}}";

	is_int(lt_wadm_decode(LT_WADM_STATUS, flat, strlen(flat), &r, &err), 0,
	    "flat status reply");
	is_str(lt_wadm_status_type(r), "failed", "status type (flat)");
	cJSON_Delete(r);
	is_int(lt_wadm_decode(LT_WADM_PUT, "", 0, NULL, &err), -1, "empty reply");
	ok(strstr(err.msg, "not a wadm reply") != NULL, "says why: %s", err.msg);
	is_int(lt_wadm_decode(LT_WADM_PUT, "[1]", 3, NULL, &err), -1,
	    "JSON without result");
	is_int(lt_wadm_decode(LT_WADM_DEPLOY, "{\"result\":\"created\"}", 20,
	    NULL, &err), -1, "a success of another operation is not one");
	ok(strstr(err.msg, "(no message)") != NULL, "no message: %s", err.msg);
	ok(lt_wadm_status_type(NULL) == NULL, "no status on NULL");
}

int
main(void)
{
	test_subjects();
	test_fixtures();
	test_bad();
	done_testing();
	return 0;
}
