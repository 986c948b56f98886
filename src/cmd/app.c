/* app.c: 'latticectl app [NAME]': wadm's applications (model.get), or one
 * application against what the lattice really runs: wadm's status and
 * scalers, its deployed and latest versions, the image each host runs
 * for each of its components and providers, the configs it references
 * (present or missing in CONFIGDATA) and its links. Read-only; the
 * gathering is the app module's, shared with doctor. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/ctl.h"
#include "latticectl/app.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

struct app_opts {
	int64_t wait_ns;	/* --wait, LT_OPT_UNSET_NS: not given */
};

static const struct app_opts app_defaults = { .wait_ns = LT_OPT_UNSET_NS };

static const struct lt_opt app_opts[] = {
	LT_CTL_WAIT_OPT(struct app_opts),
	LT_OPT_END
};

static const struct lt_output_schemas list_schemas = { "latticectl.apps/1",
	"latticectl.apps-app/1", "latticectl.apps-summary/1" };
static const struct lt_output_schemas app_schemas = { "latticectl.app/1",
	NULL, NULL };

static bool
json_format(const struct lt_ctx *ctx)
{
	return ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON;
}

/* The colour of a wadm status or a state: red for what is wrong. */
static const char *
state_color(const struct lt_colors *col, const char *s)
{
	if (!strcmp(s, "deployed") || !strcmp(s, "present") ||
	    !strcmp(s, "current"))
		return col->green;
	if (!strcmp(s, "reconciling") || !strcmp(s, "waiting") ||
	    !strcmp(s, "undeployed") || !strcmp(s, "unchecked") ||
	    !strcmp(s, "?"))
		return col->yellow;
	return col->red;
}

/* Put text (from the wire: escaped here) at the last row's col, coloured
 * as its state. */
static void
set_state(struct lt_table *t, int col, const char *text,
    const struct lt_colors *c)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_adds(&b, state_color(c, text));
	lt_buf_add_texts(&b, text);
	lt_buf_adds(&b, c->reset);
	lt_table_set_escaped(t, t->nrows - 1, col, b.buf);
	lt_buf_release(&b);
}

/* Print t within the terminal's width; headed (its first row a header
 * that --no-headers drops) or not (the key/value block). */
static int
print_table(struct lt_ctx *ctx, struct lt_table *t, bool headed)
{
	enum lt_write w;

	lt_table_fit(t, ctx->width, !headed || !ctx->cfg->no_headers);
	w = lt_table_print(t, ctx->out);

	lt_table_release(t);
	return w == LT_WRITE_FAILED ? -1 : 0;
}

/* ---- the list ---- */

static const char *
summary_status(const cJSON *m, const char **msg)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(
	    m, "detailed_status"), "status");
	const char *t = lt_json_str(st, "type");

	*msg = lt_json_str(st, "message");
	if (t == NULL) {	/* before 0.14: the deprecated members */
		t = lt_json_str(m, "status");
		*msg = lt_json_str(m, "status_message");
	}
	return t ? t : "?";
}

static cJSON *
summary_json(const cJSON *m)
{
	cJSON *o = cJSON_CreateObject();
	const char *msg, *t = summary_status(m, &msg);
	const char *keys[][2] = { { "name", "name" },
	    { "deployed_version", "deployed_version" },
	    { "latest_version", "version" }, { "description", "description" } };
	size_t i;

	for (i = 0; i < LT_ARRAY_SIZE(keys); i++) {
		const char *v = lt_json_str(m, keys[i][1]);

		if (v)
			cJSON_AddStringToObject(o, keys[i][0], v);
		else
			cJSON_AddNullToObject(o, keys[i][0]);
	}
	cJSON_AddStringToObject(o, "status", t);
	cJSON_AddStringToObject(o, "status_message", msg ? msg : "");
	return o;
}

static int
print_list(struct lt_ctx *ctx, const char *lattice, const cJSON *models)
{
	const struct lt_colors *col = lt_output_colors(ctx->color_out);
	const cJSON *m;
	struct lt_table t;
	cJSON *doc, *arr;

	if (json_format(ctx)) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "lattice", lattice);
		arr = cJSON_AddArrayToObject(doc, "apps");
		cJSON_ArrayForEach(m, models)
			cJSON_AddItemToArray(arr, summary_json(m));
		return lt_output_json_doc(ctx->out, ctx->format, doc, "apps",
		    &list_schemas);
	}
	lt_table_init(&t, 5);
	lt_table_add(&t, (const char *const[]){ "NAME", "DEPLOYED", "LATEST",
	    "STATUS", "MESSAGE" });
	cJSON_ArrayForEach(m, models) {
		const char *msg, *st = summary_status(m, &msg);

		lt_table_add(&t, (const char *const[]){ lt_json_str(m, "name"),
		    lt_json_str(m, "deployed_version"), lt_json_str(m, "version"),
		    st, msg && *msg ? msg : NULL });
		set_state(&t, 3, st, col);
	}
	return print_table(ctx, &t, true);
}

/* Exit 1 when wadm says an application failed. */
static int
run_list(struct lt_ctx *ctx, const char *lattice, struct lt_error *err)
{
	cJSON *reply = NULL, *models;
	const cJSON *m;
	const char *msg;
	int failed = 0, rc;

	if (lt_wadm_call(ctx->conn, lattice, LT_WADM_GET, NULL, "", 0, 0,
	    &reply, err) < 0)
		return err->code;
	models = cJSON_GetObjectItemCaseSensitive(reply, "models");
	cJSON_ArrayForEach(m, models) {
		const char *st = summary_status(m, &msg);

		failed += !strcmp(st, "failed") || !strcmp(st, "unhealthy");
	}
	if (cJSON_GetArraySize(models) == 0 && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: app: wadm knows no application on "
		    "lattice %s\n", lattice);
	rc = cJSON_GetArraySize(models) || json_format(ctx) ?
	    print_list(ctx, lattice, models) : 0;
	cJSON_Delete(reply);
	if (rc < 0)
		return lt_error_set(err, LT_E_RUNTIME, "cannot write output") < 0 ?
		    err->code : 0;
	if (failed && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: app: wadm says %d application%s "
		    "failed\n", failed, failed == 1 ? "" : "s");
	return failed ? LT_E_DIFF : 0;
}

/* ---- one application ---- */

/* The header block: name, status, message, versions. */
static void
head_rows(const struct lt_app *a, const struct lt_colors *col,
    bool wide, struct lt_table *t)
{
	lt_table_add(t, (const char *const[]){ "APP", a->name });
	lt_table_add(t, (const char *const[]){ "STATUS", a->status });
	set_state(t, 1, a->status, col);
	if (*a->message)
		lt_table_add(t, (const char *const[]){ "MESSAGE", a->message });
	lt_table_add(t, (const char *const[]){ "DEPLOYED", a->deployed });
	lt_table_add(t, (const char *const[]){ "LATEST", a->latest });
	if (a->version && (!a->deployed || strcmp(a->version, a->deployed)))
		lt_table_add(t, (const char *const[]){ "SHOWN", a->version });
}

static void
scaler_rows(const struct lt_app *a, const struct lt_colors *col,
    bool wide, struct lt_table *t)
{
	const cJSON *s, *st;

	lt_table_add(t, (const char *const[]){ "SCALER", "KIND", "STATUS",
	    "MESSAGE" });
	cJSON_ArrayForEach(s, a->scalers) {
		const char *type;

		st = cJSON_GetObjectItemCaseSensitive(s, "status");
		type = lt_json_str(st, "type");
		lt_table_add(t, (const char *const[]){ lt_json_str(s, "name"),
		    lt_json_str(s, "kind"), type, lt_json_str(st, "message") });
		if (type)
			set_state(t, 2, type, col);
	}
}

static void
workload_rows(const struct lt_app *a, const struct lt_colors *col,
    bool wide, struct lt_table *t)
{
	const struct lt_app_workload *w;
	const struct lt_app_host *h;
	char id[16];
	size_t i, j;

	lt_table_add(t, (const char *const[]){ "NAME", "KIND", "ID", "HOST",
	    "IMAGE", "STATE" });
	for (i = 0; i < a->nworkloads; i++) {
		w = &a->workloads[i];
		const char *kind = w->c->type == LT_MANIFEST_COMPONENT ?
		    "component" : "provider";

		if (w->nhosts == 0) {
			lt_table_add(t, (const char *const[]){ w->c->name, kind,
			    w->c->id, NULL, w->c->image, NULL });
			set_state(t, 5, "NOT RUNNING", col);
		}
		for (j = 0; j < w->nhosts; j++) {
			h = &w->hosts[j];
			/* text: the name, else the short id, as hosts shows */
			lt_event_short_id(h->host_id, id, sizeof(id));
			lt_table_add(t, (const char *const[]){ w->c->name, kind,
			    w->c->id, wide ? h->host_id : *h->friendly_name ?
			    h->friendly_name : id, h->image_ref, NULL });
			set_state(t, 5, h->other_image ? "OLD IMAGE" : "current",
			    col);
		}
	}
}

static void
config_rows(const struct lt_app *a, const struct lt_colors *col,
    bool wide, struct lt_table *t)
{
	const struct lt_app_config *c;
	size_t i;

	lt_table_add(t, (const char *const[]){ "CONFIG", "USED BY", "MANAGED",
	    "STATE" });
	for (i = 0; i < a->nconfigs; i++) {
		c = &a->configs[i];
		lt_table_add(t, (const char *const[]){ c->name, c->used_by,
		    c->managed ? "wadm" : "no", NULL });
		set_state(t, 3, c->state == LT_CTL_CONFIG_PRESENT ? "present" :
		    c->state == LT_CTL_CONFIG_MISSING ? "MISSING" : "unchecked",
		    col);
	}
}

/* "wasi:http/incoming-handler,outgoing-handler" */
static void
interface_text(const cJSON *l, struct lt_buf *b)
{
	const char *ns = lt_json_str(l, "wit_namespace");
	const char *pkg = lt_json_str(l, "wit_package");
	const cJSON *i;
	int n = 0;

	lt_buf_addf(b, "%s:%s/", ns ? ns : "?", pkg ? pkg : "?");
	cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(l, "interfaces"))
		if (cJSON_IsString(i))
			lt_buf_addf(b, "%s%s", n++ ? "," : "", i->valuestring);
}

static void
link_rows(const struct lt_app *a, const struct lt_colors *col,
    bool wide, struct lt_table *t)
{
	struct lt_buf ifs = LT_BUF_INIT;
	const cJSON *l;
	const char *st;

	lt_table_add(t, (const char *const[]){ "SOURCE", "TARGET", "NAME",
	    "INTERFACES", "STATE" });
	cJSON_ArrayForEach(l, a->links) {
		lt_buf_reset(&ifs);
		interface_text(l, &ifs);
		st = lt_json_str(l, "state");
		lt_table_add(t, (const char *const[]){ lt_json_str(l,
		    "source_id"), lt_json_str(l, "target"), lt_json_str(l,
		    "name"), ifs.buf, NULL });
		set_state(t, 4, st && !strcmp(st, "missing") ? "MISSING" :
		    st ? st : "?", col);
	}
	lt_buf_release(&ifs);
}

typedef void rows_fn(const struct lt_app *, const struct lt_colors *,
    bool wide, struct lt_table *);

static int
print_app(struct lt_ctx *ctx, const struct lt_app *a, const char *lattice)
{
	static const struct { rows_fn *fn; int ncols; } parts[] = {
		{ head_rows, 2 }, { scaler_rows, 4 }, { workload_rows, 6 },
		{ config_rows, 4 }, { link_rows, 5 },
	};
	const struct lt_colors *col = lt_output_colors(ctx->color_out);
	struct lt_table t;
	cJSON *doc;
	size_t i;

	if (json_format(ctx)) {
		doc = lt_app_to_json(a);
		cJSON_AddStringToObject(doc, "lattice", lattice);
		return lt_output_json_doc(ctx->out, ctx->format, doc, NULL,
		    &app_schemas);
	}
	for (i = 0; i < LT_ARRAY_SIZE(parts); i++) {
		lt_table_init(&t, parts[i].ncols);
		parts[i].fn(a, col, ctx->format == LT_FMT_WIDE, &t);
		if (i && lt_output_write(ctx->out, "\n", 1) == LT_WRITE_FAILED) {
			lt_table_release(&t);
			return -1;
		}
		if (print_table(ctx, &t, parts[i].fn != head_rows) < 0)
			return -1;
	}
	return 0;
}

/* The one line on stderr that says why the exit status is 1 (every part
 * of it from the wire, so escaped whole). */
static void
say_why(struct lt_ctx *ctx, const struct lt_app *a, const char *lattice)
{
	struct lt_buf why = LT_BUF_INIT, text = LT_BUF_INIT;

	if (ctx->cfg->quiet)
		return;
	lt_buf_addf(&why, "%s: wadm says %s (%s); ", a->name, a->status,
	    a->version);
	if (a->missing || a->other_images || a->nowhere)
		lt_app_problems_text(a, lattice, &why);
	else
		lt_buf_adds(&why, a->message);
	fprintf(stderr, "latticectl: app: %s\n", lt_text(&text, why.buf));
	lt_buf_release(&why);
	lt_buf_release(&text);
}

static int
run_one(struct lt_ctx *ctx, struct lt_ctl *ctl, const char *name,
    struct lt_error *err)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_ctl_inventory *inv = NULL;
	struct lt_ctl_hosts hosts;
	struct lt_app a;
	cJSON *links = NULL;
	char *dep = NULL, *last = NULL;
	size_t ninv = 0, i;
	int rc;

	/* wadm first: an unknown app or no wadm fails before the ping */
	if (lt_wadm_versions(ctx->conn, ctl->lattice, name, &dep, &last,
	    err) < 0)
		return err->code;
	free(dep);
	free(last);
	if (lt_ctl_ping(ctl, &hosts, &e) == 0) {
		ninv = lt_app_inventories(ctl, &hosts, &inv);
		lt_ctl_hosts_release(&hosts);
	}
	if (lt_ctl_link_get(ctl, &links, &e) < 0)
		lt_cmd_warn(ctx, "link.get: no host answered; links not shown");
	rc = lt_app_gather(ctl, name, NULL, inv, ninv, links, true, &a, err);
	for (i = 0; i < ninv; i++)
		lt_ctl_inventory_release(&inv[i]);
	free(inv);
	cJSON_Delete(links);
	if (rc < 0)
		return err->code;
	if (a.unchecked)
		lt_cmd_warn(ctx, "some configs could not be looked up in "
		    "CONFIGDATA (state unchecked)");
	if (print_app(ctx, &a, ctl->lattice) < 0)
		rc = lt_error_set(err, LT_E_RUNTIME, "cannot write output");
	else if (lt_app_must_act(&a)) {
		say_why(ctx, &a, ctl->lattice);
		rc = LT_E_DIFF;
	}
	lt_app_release(&a);
	return rc < 0 ? (int)err->code : rc;
}

static int
run_app(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct app_opts *o = ctx->opts;
	struct lt_ctl ctl;

	lt_ctl_init_gather(&ctl, ctx->conn, ctx->cfg, o->wait_ns);
	if (argc == 0)
		return run_list(ctx, ctl.lattice, err);
	return run_one(ctx, &ctl, argv[0], err);
}

const struct lt_cmd cmd_app_entry = {
	.name = "app",
	.summary = "the applications wadm knows, or one against what the hosts run",
	.usage = "[NAME] [--wait DUR] [-o text|wide|json|ndjson]",
	.description = "Without NAME: wadm's applications with their deployed "
	    "and latest versions and\nstatus. With NAME: wadm's status and "
	    "scalers, the image each host runs for\neach component and "
	    "provider (OLD IMAGE when not the manifest's), the configs\nit "
	    "references (MISSING when CONFIGDATA lacks one) and its links. "
	    "Read-only.\nExit 1 when wadm says failed, a referenced config is "
	    "missing, or wadm says\ndeployed while a host runs another image; "
	    "4 without wadm; 6 for an unknown app.",
	.flags = LT_CMD_CONNECT,
	.formats = LT_FORMATS_NOT_RAW,
	.opts = app_opts,
	LT_CMD_OPTS(struct app_opts, &app_defaults),
	.max_args = 1,
	.arg_values = LT_VALUES_APPS,
	.run = run_app,
};
