/* hosts.c: 'latticectl hosts' (who answers host.ping) and 'latticectl
 * inventory [HOST]' (what each host really runs: image refs, revisions,
 * max instances, annotations, the configs each workload references and
 * which of those are missing from CONFIGDATA_{L}). Read-only: pings,
 * host.get, link.get, wadm model.get and JetStream message reads. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "latticectl/ctl.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/nkey.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

/* The options of hosts and inventory (struct lt_cmd opts_size). */
struct hosts_opts {
	int64_t wait_ns;	/* --wait, LT_OPT_UNSET_NS: not given */
	bool no_config_check;
};

static const struct hosts_opts hosts_defaults = {
	.wait_ns = LT_OPT_UNSET_NS,
};

static const struct lt_opt hosts_opts[] = {
	LT_CTL_WAIT_OPT(struct hosts_opts),
	LT_OPT_END
};

static const struct lt_opt inventory_opts[] = {
	LT_CTL_WAIT_OPT(struct hosts_opts),
	{ "no-config-check", 0, 0, NULL,
	    "do not look up referenced configs in CONFIGDATA", NULL,
	    LT_TO_FLAG(struct hosts_opts, no_config_check) },
	LT_OPT_END
};

/* The ctl client over ctx->conn with the --wait ping window. */
static void
ctl_init(const struct lt_ctx *ctx, struct lt_ctl *ctl)
{
	const struct hosts_opts *o = ctx->opts;

	lt_ctl_init_gather(ctl, ctx->conn, ctx->cfg, o->wait_ns);
}

/* Ping; 0 hosts is exit 4, undecodable replies are reported. */
static int
ping(struct lt_ctx *ctx, struct lt_ctl *ctl, struct lt_ctl_hosts *h,
    struct lt_error *err)
{
	struct lt_buf problem = LT_BUF_INIT;
	char win[32];

	if (lt_ctl_ping(ctl, h, err) < 0)
		return -1;
	if (h->problem[0] && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: %s: warning: %zu invalid and %zu "
		    "refused ping replies (%s)\n", ctx->cmd_path, h->invalid,
		    h->refused, lt_text(&problem, h->problem));
	lt_buf_release(&problem);
	if (h->n > 0)
		return 0;
	lt_duration_format(ctl->gather_ns ? ctl->gather_ns :
	    ctx->cfg->timeout_ns, win, sizeof(win));
	return lt_error_set(err, LT_E_TIMEOUT, "no host answered '%s.v1.%s."
	    "host.ping' within %s", ctl->prefix, ctl->lattice, win);
}

/* Non-hostcore labels as "k=v,k=v" (all of them when all). */
static void
labels_text(const cJSON *labels, bool all, struct lt_buf *b)
{
	const cJSON *l;

	cJSON_ArrayForEach(l, labels) {
		if (!all && lt_str_has_prefix(l->string, "hostcore."))
			continue;
		lt_buf_addf(b, "%s%s=", b->len ? "," : "", l->string);
		lt_json_scalar_text(l, b);
	}
}

static void
uptime_text(const struct lt_ctl_host *h, char *out, size_t len)
{
	if (h->uptime_seconds == 0)
		snprintf(out, len, "0s");
	else if (h->uptime_seconds > 0)
		lt_duration_format(h->uptime_seconds * 1000000000LL, out, len);
	else
		snprintf(out, len, "%s", *h->uptime_human ? h->uptime_human : "-");
}

static int
print_hosts_table(struct lt_ctx *ctx, const struct lt_ctl_hosts *h)
{
	bool wide = ctx->format == LT_FMT_WIDE;
	struct lt_table t;
	struct lt_buf labels = LT_BUF_INIT;
	char up[32], lat[32], id[16];
	size_t i;
	enum lt_write w;

	lt_table_init(&t, wide ? 7 : 5);
	lt_table_fit(&t, ctx->width, !ctx->cfg->no_headers);
	lt_table_add(&t, wide ? (const char *const[]){ "HOST ID", "NAME",
	    "VERSION", "UPTIME", "LABELS", "LATTICE", "LATENCY" } :
	    (const char *const[]){ "HOST ID", "NAME", "VERSION", "UPTIME",
	    "LABELS" });
	for (i = 0; i < h->n; i++) {
		const struct lt_ctl_host *x = &h->v[i];

		lt_buf_reset(&labels);
		labels_text(x->labels, wide, &labels);
		uptime_text(x, up, sizeof(up));
		lt_duration_format(x->latency_ns, lat, sizeof(lat));
		lt_event_short_id(x->id, id, sizeof(id));
		lt_table_add(&t, (const char *const[]){ wide ? x->id : id,
		    x->friendly_name,
		    *x->version ? x->version : NULL, up,
		    labels.len ? labels.buf : NULL, x->lattice, lat });
	}
	w = lt_table_print(&t, ctx->out);
	lt_table_release(&t);
	lt_buf_release(&labels);
	return w == LT_WRITE_FAILED ? -1 : 0;
}

static const struct lt_output_schemas hosts_schemas = {
	"latticectl.hosts/1", "latticectl.host/1",
	"latticectl.hosts-summary/1" };
static const struct lt_output_schemas inventory_schemas = {
	"latticectl.inventory/1", "latticectl.inventory-host/1",
	"latticectl.inventory-summary/1" };

static int
output_error(struct lt_error *err)
{
	return lt_error_set(err, LT_E_RUNTIME, "cannot write output");
}

static int
run_hosts(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_ctl_hosts h;
	struct lt_ctl ctl;
	cJSON *doc, *arr;
	size_t i;
	int rc;

	(void)argc;
	(void)argv;
	ctl_init(ctx, &ctl);
	if (ping(ctx, &ctl, &h, err) < 0)
		return err->code;
	if (ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON) {
		doc = cJSON_CreateObject();
		cJSON_AddStringToObject(doc, "lattice", ctl.lattice);
		arr = cJSON_AddArrayToObject(doc, "hosts");
		for (i = 0; i < h.n; i++)
			cJSON_AddItemToArray(arr, lt_ctl_host_to_json(&h.v[i]));
		cJSON_AddNumberToObject(doc, "invalid_replies", (double)h.invalid);
		cJSON_AddNumberToObject(doc, "refused_replies", (double)h.refused);
		rc = lt_output_json_doc(ctx->out, ctx->format, doc, "hosts",
		    &hosts_schemas);
	} else {
		rc = print_hosts_table(ctx, &h);
	}
	if (rc < 0)
		output_error(err);
	else if (h.invalid + h.refused > 0)
		rc = lt_error_set(err, LT_E_PARTIAL, "%zu of %zu ping replies "
		    "could not be used (%s)", h.invalid + h.refused,
		    h.n + h.invalid + h.refused, h.problem);
	lt_ctl_hosts_release(&h);
	return rc < 0 ? err->code : 0;
}

/* Inventory of every host (or the one matching sel), with failures. */
struct inv {
	struct lt_ctl_inventory *v;
	size_t n, asked;
	cJSON *failed;			/* [{host_id, friendly_name, error}] */
	size_t missing, unchecked;	/* configs */
};

static bool
host_matches(const struct lt_ctl_host *h, const char *sel)
{
	return sel == NULL || !strcmp(h->id, sel) ||
	    !strcmp(h->friendly_name, sel) ||
	    (strlen(sel) >= 4 && lt_str_has_prefix(h->id, sel));
}

static void
get_one(struct lt_ctl *ctl, struct inv *inv, const char *id,
    const char *name)
{
	struct lt_error e = LT_ERROR_INIT;
	cJSON *f;

	inv->asked++;
	if (lt_ctl_inventory_get(ctl, id, &inv->v[inv->n], &e) == 0) {
		inv->n++;
		return;
	}
	f = cJSON_CreateObject();
	cJSON_AddStringToObject(f, "host_id", id);
	cJSON_AddStringToObject(f, "friendly_name", name);
	cJSON_AddStringToObject(f, "error", e.msg);
	cJSON_AddItemToArray(inv->failed, f);
}

/* Resolve the hosts (a full host id needs no ping) and ask each. */
static int
collect(struct lt_ctx *ctx, struct lt_ctl *ctl, const char *sel,
    struct inv *inv, struct lt_error *err)
{
	struct lt_ctl_hosts h;
	size_t i;

	inv->failed = cJSON_CreateArray();
	if (lt_nkey_is_host_id(sel)) {
		inv->v = lt_xcalloc(1, sizeof(*inv->v));
		get_one(ctl, inv, sel, "");
		return 0;
	}
	if (ping(ctx, ctl, &h, err) < 0)
		return -1;
	inv->v = lt_xcalloc(h.n, sizeof(*inv->v));
	for (i = 0; i < h.n; i++)
		if (host_matches(&h.v[i], sel))
			get_one(ctl, inv, h.v[i].id, h.v[i].friendly_name);
	lt_ctl_hosts_release(&h);
	if (inv->asked == 0)
		return lt_error_set(err, LT_E_USAGE, "no host matches '%s' "
		    "(give a host id, an id prefix or a friendly name; see "
		    "'latticectl hosts')", sel);
	return 0;
}

/* Look up every referenced config once per name in CONFIGDATA. */
static void
check_configs(struct lt_ctx *ctx, struct lt_ctl *ctl, struct inv *inv)
{
	struct lt_buf scratch = LT_BUF_INIT;
	cJSON *seen = cJSON_CreateObject(), *st;
	struct lt_error e = LT_ERROR_INIT;
	size_t i, j, k;

	for (i = 0; i < inv->n; i++) {
		struct lt_ctl_inventory *x = &inv->v[i];

		for (j = 0; j < x->ncomponents + x->nproviders; j++) {
			struct lt_ctl_workload *w = j < x->ncomponents ?
			    &x->components[j] : &x->providers[j - x->ncomponents];

			for (k = 0; k < w->nconfigs; k++) {
				struct lt_ctl_config_ref *r = &w->configs[k];
				int rc;

				st = cJSON_GetObjectItemCaseSensitive(seen, r->name);
				rc = st ? (int)st->valuedouble :
				    lt_ctl_config_exists(ctl, r->name, &e);
				if (!st)
					cJSON_AddNumberToObject(seen, r->name, rc);
				r->state = rc > 0 ? LT_CTL_CONFIG_PRESENT : rc == 0 ?
				    LT_CTL_CONFIG_MISSING : LT_CTL_CONFIG_UNCHECKED;
				inv->missing += rc == 0;
				inv->unchecked += rc < 0;
			}
		}
	}
	if (inv->unchecked && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: inventory: warning: %zu config "
		    "references could not be checked (%s)\n", inv->unchecked,
		    lt_text(&scratch, e.msg));	/* may quote a reply */
	lt_buf_release(&scratch);
	cJSON_Delete(seen);
}

/* Add what links and wadm's manifests say each workload references. */
static void
add_references(struct lt_ctx *ctx, struct lt_ctl *ctl, struct inv *inv)
{
	struct lt_buf scratch = LT_BUF_INIT;
	struct lt_error e = LT_ERROR_INIT;
	cJSON *links = NULL;
	size_t i;

	if (lt_ctl_link_get(ctl, &links, &e) < 0 && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: inventory: warning: link.get: %s; "
		    "link configs not shown\n", lt_text(&scratch, e.msg));
	lt_buf_release(&scratch);
	for (i = 0; i < inv->n; i++) {
		lt_ctl_inventory_add_link_configs(&inv->v[i], links);
		lt_ctl_inventory_add_manifest_configs(ctl, &inv->v[i], &e);
	}
	cJSON_Delete(links);
}

/* The CONFIGS cell, escaped, MISSING in red when colours are on. */
static void
configs_text(const struct lt_ctl_workload *w, const struct lt_colors *col,
    struct lt_buf *b)
{
	size_t i;

	for (i = 0; i < w->nconfigs; i++) {
		const struct lt_ctl_config_ref *r = &w->configs[i];

		if (i)
			lt_buf_addch(b, ',');
		lt_buf_add_texts(b, r->name);
		if (r->state == LT_CTL_CONFIG_MISSING)
			lt_buf_addf(b, "%s(MISSING)%s", col->red, col->reset);
		else if (r->state == LT_CTL_CONFIG_UNCHECKED)
			lt_buf_adds(b, "(?)");
	}
}

static void
add_workload_row(struct lt_table *t, const char *host,
    const struct lt_ctl_workload *w, const struct lt_colors *col)
{
	struct lt_buf cfg = LT_BUF_INIT;
	char max[24], rev[24];
	const char *app = lt_json_str(w->annotations, "wasmcloud.dev/appspec");

	configs_text(w, col, &cfg);
	snprintf(max, sizeof(max), "%lld", (long long)w->max_instances);
	snprintf(rev, sizeof(rev), "%lld", (long long)w->revision);
	/* (a count no integer holds as the host wrote it: 1e308) */
	lt_table_add(t, (const char *const[]){ host,
	    w->kind == LT_CTL_COMPONENT ? "component" : "provider", w->id,
	    w->image_ref, w->kind != LT_CTL_COMPONENT ? NULL :
	    w->max_instances_text ? w->max_instances_text : max, NULL,
	    w->revision_text ? w->revision_text : rev, app,
	    *w->name ? w->name : NULL });
	if (cfg.len)
		lt_table_set_escaped(t, t->nrows - 1, 5, cfg.buf);
	lt_buf_release(&cfg);
}

static int
print_inventory_table(struct lt_ctx *ctx, const struct inv *inv)
{
	bool wide = ctx->format == LT_FMT_WIDE;
	const struct lt_colors *col = lt_output_colors(ctx->color_out);
	struct lt_table t;
	size_t i, j;
	int rows;
	enum lt_write w;

	lt_table_init(&t, wide ? 9 : 7);
	lt_table_fit(&t, ctx->width, !ctx->cfg->no_headers);
	lt_table_add(&t, (const char *const[]){ "HOST", "KIND", "ID", "IMAGE",
	    "MAX", "CONFIGS", "REVISION", "APP", "NAME" });
	for (i = 0; i < inv->n; i++) {
		const struct lt_ctl_inventory *x = &inv->v[i];
		const char *host = wide ? x->host.id : x->host.friendly_name;
		char id[16];

		if (!*host) {	/* no name: the short id, as hosts shows it */
			lt_event_short_id(x->host.id, id, sizeof(id));
			host = id;
		}

		for (j = 0; j < x->ncomponents; j++)
			add_workload_row(&t, host, &x->components[j], col);
		for (j = 0; j < x->nproviders; j++)
			add_workload_row(&t, host, &x->providers[j], col);
	}
	rows = t.nrows;		/* the header is row 0 */
	w = rows > 1 ? lt_table_print(&t, ctx->out) : LT_WRITE_OK;
	lt_table_release(&t);
	if (rows <= 1 && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: inventory: the hosts run nothing\n");
	return w == LT_WRITE_FAILED ? -1 : 0;
}

static int
print_inventory(struct lt_ctx *ctx, struct lt_ctl *ctl, struct inv *inv)
{
	cJSON *doc, *arr;
	size_t i;

	if (ctx->format != LT_FMT_JSON && ctx->format != LT_FMT_NDJSON)
		return print_inventory_table(ctx, inv);
	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "lattice", ctl->lattice);
	arr = cJSON_AddArrayToObject(doc, "hosts");
	for (i = 0; i < inv->n; i++)
		cJSON_AddItemToArray(arr, lt_ctl_inventory_to_json(&inv->v[i]));
	cJSON_AddItemToObject(doc, "failed", cJSON_Duplicate(inv->failed, true));
	cJSON_AddNumberToObject(doc, "missing_configs", (double)inv->missing);
	return lt_output_json_doc(ctx->out, ctx->format, doc, "hosts",
	    &inventory_schemas);
}

/* Exit 5 naming the hosts that answered ping but not host.get. */
static int
partial(const struct inv *inv, struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	const cJSON *f;

	cJSON_ArrayForEach(f, inv->failed)
		lt_buf_addf(&b, "%s'%s' (%s)", b.len ? ", " : "",
		    lt_json_str(f, "host_id"), lt_json_str(f, "error"));
	lt_error_set(err, inv->n ? LT_E_PARTIAL : LT_E_TIMEOUT, "%zu of %zu "
	    "hosts gave no inventory: %s", inv->asked - inv->n, inv->asked,
	    b.buf);
	lt_buf_release(&b);
	return err->code;
}

static void
inv_release(struct inv *inv)
{
	size_t i;

	for (i = 0; i < inv->n; i++)
		lt_ctl_inventory_release(&inv->v[i]);
	free(inv->v);
	cJSON_Delete(inv->failed);
}

static int
run_inventory(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct inv inv;
	struct lt_ctl ctl;
	int rc = 0;

	memset(&inv, 0, sizeof(inv));
	ctl_init(ctx, &ctl);
	if (collect(ctx, &ctl, argc ? argv[0] : NULL, &inv, err) < 0) {
		inv_release(&inv);
		return err->code;
	}
	add_references(ctx, &ctl, &inv);
	if (!((const struct hosts_opts *)ctx->opts)->no_config_check)
		check_configs(ctx, &ctl, &inv);
	if (print_inventory(ctx, &ctl, &inv) < 0)
		rc = output_error(err) < 0 ? err->code : 0;
	else if (inv.n < inv.asked)
		rc = partial(&inv, err);
	else if (inv.missing)
		rc = LT_E_DIFF;
	if (inv.missing && !ctx->cfg->quiet)
		fprintf(stderr, "latticectl: inventory: %zu referenced config%s "
		    "missing from CONFIGDATA_%s\n", inv.missing,
		    inv.missing == 1 ? " is" : "s are", ctl.lattice);
	inv_release(&inv);
	return rc;
}

const struct lt_cmd cmd_hosts_entry = {
	.name = "hosts",
	.summary = "list the hosts that answer a ping",
	.usage = "[--wait DUR] [-o text|wide|json|ndjson]",
	.description = "Publishes host.ping and collects the replies until "
	    "300ms pass without one\n(the first may take all of --timeout), "
	    "or for all of --wait. Read-only.",
	.flags = LT_CMD_CONNECT,
	.formats = LT_FORMATS_NOT_RAW,
	.opts = hosts_opts,
	LT_CMD_OPTS(struct hosts_opts, &hosts_defaults),
	.max_args = 0,
	.run = run_hosts,
};

const struct lt_cmd cmd_inventory_entry = {
	.name = "inventory",
	.summary = "what each host runs: images, revisions, configs",
	.usage = "[HOST] [--wait DUR] [--no-config-check] [-o text|wide|json|"
	    "ndjson]",
	.description = "HOST is a host id (asked directly, without a ping), "
	    "an id prefix (4+\ncharacters) or a friendly name. Configs "
	    "referenced by links and by wadm's\ndeployed manifest are looked "
	    "up in CONFIGDATA_<lattice>; missing ones are marked\nMISSING. "
	    "Read-only. Exit 1 when a referenced config is missing, 5 when "
	    "some\nhosts answered ping but not host.get.",
	.flags = LT_CMD_CONNECT,
	.formats = LT_FORMATS_NOT_RAW,
	.opts = inventory_opts,
	LT_CMD_OPTS(struct hosts_opts, &hosts_defaults),
	.max_args = 1,
	.arg_values = LT_VALUES_HOSTS,
	.run = run_inventory,
};
