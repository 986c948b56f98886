/* wadm.c: wadm API subjects, reply decoding and calls (wadm.h). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/output.h"
#include "latticectl/req.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

static const char *const op_names[] = {
	[LT_WADM_PUT] = "model.put",
	[LT_WADM_DEPLOY] = "model.deploy",
	[LT_WADM_UNDEPLOY] = "model.undeploy",
	[LT_WADM_STATUS] = "model.status",
	[LT_WADM_GET] = "model.get",
	[LT_WADM_VERSIONS] = "model.versions",
};

/* The results that mean success, per operation. */
static const char *const ok_results[][4] = {
	[LT_WADM_PUT] = { "created", "newversion", NULL },
	[LT_WADM_DEPLOY] = { "acknowledged", NULL, NULL },
	[LT_WADM_UNDEPLOY] = { "acknowledged", NULL, NULL },
	[LT_WADM_STATUS] = { "ok", NULL, NULL },
	[LT_WADM_GET] = { "success", "ok", NULL },
	[LT_WADM_VERSIONS] = { "success", "ok", "notfound" },
};

const char *
lt_wadm_op_name(enum lt_wadm_op op)
{
	return op_names[op];
}

char *
lt_wadm_subject(const char *lattice, enum lt_wadm_op op, const char *name)
{
	if (op == LT_WADM_PUT || !name)
		return lt_xasprintf("wadm.api.%s.%s", lattice, op_names[op]);
	return lt_xasprintf("wadm.api.%s.%s.%s", lattice, op_names[op], name);
}

int
lt_wadm_decode(enum lt_wadm_op op, const char *data, size_t len,
    cJSON **out, struct lt_error *err)
{
	cJSON *reply = cJSON_ParseWithLength(data, len);
	const char *result = lt_json_str(reply, "result");
	const char *msg = lt_json_str(reply, "message");
	int i, rc = -1;

	if (out)
		*out = NULL;
	if (!reply || !result) {
		cJSON_Delete(reply);
		return lt_error_set(err, LT_E_RUNTIME, "wadm %s: the reply is not "
		    "a wadm reply (%.*s)", op_names[op], len ? (int)(len < 60 ?
		    len : 60) : 5, len ? data : "empty");	/* data: no NUL */
	}
	for (i = 0; ok_results[op][i]; i++)
		if (!strcmp(ok_results[op][i], result))
			rc = 0;
	if (rc < 0)
		lt_error_set(err, LT_E_RUNTIME, "wadm %s: %s: %s", op_names[op],
		    result, msg && *msg ? msg : "(no message)");
	if (out && rc == 0)
		*out = reply;
	else
		cJSON_Delete(reply);
	return rc;
}

const char *
lt_wadm_status_type(const cJSON *reply)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(reply, "status");
	const cJSON *inner = cJSON_GetObjectItemCaseSensitive(st, "status");

	if (cJSON_IsObject(inner))
		return lt_json_str(inner, "type");
	return lt_json_str(st, "type");
}

/* Each scaler that is not deployed, the first 3 of them. */
static void
add_scalers(struct lt_buf *out, const cJSON *scalers)
{
	const cJSON *sc;
	int n = 0;

	cJSON_ArrayForEach(sc, scalers) {
		const char *name = lt_json_str(sc, "name");
		const char *type = lt_json_str(cJSON_GetObjectItemCaseSensitive(
		    sc, "status"), "type");
		char *v;

		if (!name || !type || !strcmp(type, "deployed") || n++ == 3)
			continue;
		v = lt_xasprintf("%s:%s", name, type);
		lt_buf_add_field(out, "scaler", v, strlen(v));
		free(v);
	}
}

void
lt_wadm_status_format_text(const char *subject, const char *data,
    size_t len, int64_t recv_ns, const struct lt_colors *col,
    struct lt_buf *out)
{
	cJSON *doc = cJSON_ParseWithLength(data, len);
	const char *type = lt_wadm_status_type(doc), *app = strrchr(subject, '.');
	const char *name = app ? app + 1 : subject;
	const char *msg = lt_json_str(cJSON_GetObjectItemCaseSensitive(doc,
	    "status"), "message");
	const char *color = !type || !strcmp(type, "failed") ||
	    !strcmp(type, "unhealthy") ? col->red : strcmp(type, "deployed") ?
	    col->yellow : col->green;
	char t[32];

	lt_time_format_short(recv_ns, t, sizeof(t));
	lt_buf_addf(out, "%s%s%s  %s%-24s%s  %-8s", col->dim, t, col->reset,
	    color, "wadm.status", col->reset, "-");
	lt_buf_add_field(out, "app", name, strlen(name));
	if (type == NULL) {
		lt_buf_addf(out, " !! not a wadm status (%zu bytes) ", len);
		lt_buf_add_json_str(out, data ? data : "", len < 120 ? len : 120);
	} else {
		lt_buf_add_field(out, "status", type, strlen(type));
		if (msg && *msg)
			lt_buf_add_field(out, "message", msg, strlen(msg));
		add_scalers(out, cJSON_GetObjectItemCaseSensitive(doc, "scalers"));
	}
	cJSON_Delete(doc);
}

int
lt_wadm_call(struct lt_conn *c, const char *lattice, enum lt_wadm_op op,
    const char *name, const char *body, size_t len, int64_t timeout_ns,
    cJSON **out, struct lt_error *err)
{
	char *subject = lt_wadm_subject(lattice, op, name);
	struct lt_buf reply = LT_BUF_INIT;
	int rc = lt_req(c, subject, body, len, NULL, timeout_ns, &reply, err);

	if (rc < 0 && err->code == LT_E_TIMEOUT)
		lt_error_set(err, LT_E_TIMEOUT, "wadm is not running on lattice "
		    "%s (no reply on %s)", lattice, subject);
	else if (rc == 0)
		rc = lt_wadm_decode(op, reply.buf ? reply.buf : "", reply.len,
		    out, err);
	lt_buf_release(&reply);
	free(subject);
	return rc;
}

int
lt_wadm_get_version(struct lt_conn *c, const char *lattice, const char *app,
    const char *version, cJSON **out, struct lt_error *err)
{
	cJSON *body = cJSON_CreateObject();
	char *text;
	int rc;

	cJSON_AddStringToObject(body, "version", version);
	text = cJSON_PrintUnformatted(body);
	cJSON_Delete(body);
	rc = lt_wadm_call(c, lattice, LT_WADM_GET, app, text, strlen(text), 0,
	    out, err);
	cJSON_free(text);
	return rc;
}

int
lt_wadm_versions(struct lt_conn *c, const char *lattice, const char *app,
    char **deployed, char **latest, struct lt_error *err)
{
	cJSON *reply = NULL;
	const cJSON *v;
	const char *ver;

	*deployed = *latest = NULL;
	if (lt_wadm_call(c, lattice, LT_WADM_VERSIONS, app, "", 0, 0, &reply,
	    err) < 0)
		return -1;
	if (!strcmp(lt_json_str(reply, "result"), "notfound")) {
		cJSON_Delete(reply);
		return lt_error_set(err, LT_E_RUNTIME, "no application '%s' on "
		    "lattice %s ('latticectl app' lists them)", app, lattice);
	}
	cJSON_ArrayForEach(v, cJSON_GetObjectItemCaseSensitive(reply,
	    "versions")) {
		if ((ver = lt_json_str(v, "version")) == NULL)
			continue;
		free(*latest);
		*latest = lt_xstrdup(ver);	/* creation order: last wins */
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v,
		    "deployed")) && *deployed == NULL)
			*deployed = lt_xstrdup(ver);
	}
	cJSON_Delete(reply);
	return 0;
}
