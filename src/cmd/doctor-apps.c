/* doctor-apps.c: doctor's check per deployed application (doctor.h):
 * wadm's word against the hosts' inventories and CONFIGDATA. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

/* What the hosts run, and the problems found with one application. */
struct apps {
	struct lt_ctx *ctx;
	struct lt_ctl *ctl;
	struct lt_ctl_inventory *inv;
	size_t ninv;
	cJSON *seen;			/* config names checked: {name: 1} */
	struct lt_buf missing, images;	/* what check_config/_image found */
	size_t nmissing, nimages, ncomponents, nconfigs;
};

/* Where the component runs, against the manifest's image. */
static void
check_image(struct apps *a, const struct lt_manifest_component *c)
{
	const struct lt_ctl_workload *w;
	size_t i, hosts = 0;

	for (i = 0; i < a->ninv; i++) {
		if ((w = lt_ctl_inventory_find(&a->inv[i], c->id)) == NULL)
			continue;
		hosts++;
		if (strcmp(w->image_ref, c->image) == 0)
			continue;
		a->nimages++;
		lt_buf_addf(&a->images, "%s'%s' on %s runs %s, the manifest "
		    "says %s", a->images.len ? "; " : "", c->id,
		    *a->inv[i].host.friendly_name ? a->inv[i].host.friendly_name :
		    a->inv[i].host.id, w->image_ref, c->image);
	}
	if (hosts == 0) {
		a->nimages++;
		lt_buf_addf(&a->images, "%s'%s' runs on no host", a->images.len ?
		    "; " : "", c->id);
	}
}

static void
check_config(struct apps *a, const char *name)
{
	struct lt_error e = LT_ERROR_INIT;

	if (name == NULL || cJSON_GetObjectItemCaseSensitive(a->seen, name))
		return;
	cJSON_AddTrueToObject(a->seen, name);
	a->nconfigs++;
	if (lt_ctl_config_exists(a->ctl, name, &e) != 0)
		return;	/* present, or not known: not a finding */
	a->nmissing++;
	lt_buf_addf(&a->missing, "%s'%s'", a->missing.len ? ", " : "", name);
}

/* "config 'x' is missing from CONFIGDATA_L" or "configs 'x', 'y' are" */
static void
missing_text(struct apps *a)
{
	char *list;

	if (a->nmissing == 0)
		return;
	list = lt_buf_detach(&a->missing);
	lt_buf_addf(&a->missing, "config%s %s %s missing from CONFIGDATA_%s",
	    a->nmissing == 1 ? "" : "s", list, a->nmissing == 1 ? "is" : "are",
	    a->ctl->lattice);
	free(list);
}

static void
check_configs(struct apps *a, const struct lt_manifest_configs *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		check_config(a, cs->v[i].stored_name);
}

static void
check_component(struct apps *a, const struct lt_manifest_component *c)
{
	size_t i;

	if (c->image == NULL)
		return;
	a->ncomponents++;
	check_image(a, c);
	check_configs(a, &c->config);
	for (i = 0; i < c->nlinks; i++) {
		check_configs(a, &c->links[i].source_config);
		check_configs(a, &c->links[i].target_config);
	}
}

/* wadm's status type and message for app ("?" when it did not say). */
static void
app_status(struct apps *a, const char *app, char *type, size_t tlen,
    struct lt_buf *msg)
{
	struct lt_error e = LT_ERROR_INIT;
	cJSON *reply = NULL;
	const char *t, *m;

	snprintf(type, tlen, "?");
	if (lt_wadm_call(a->ctx->conn, a->ctl->lattice, LT_WADM_STATUS, app,
	    "", 0, 0, &reply, &e) < 0)
		return;
	t = lt_wadm_status_type(reply);
	m = lt_json_str(cJSON_GetObjectItemCaseSensitive(reply, "status"),
	    "message");
	if (!m)
		m = lt_json_str(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(reply, "status"), "status"),
		    "message");
	snprintf(type, tlen, "%s", t ? t : "?");
	lt_buf_adds(msg, m ? m : "");
	cJSON_Delete(reply);
}

#define FIX_CONFIG "put the config back (wash config put NAME KEY=VALUE) " \
	"or redeploy the app so wadm writes it; 'latticectl inventory' " \
	"shows who references it"
#define FIX_IMAGE "wadm has not reconciled the hosts: look at 'latticectl " \
	"watch --wadm' and wadm's logs; redeploy the app if it stays"
#define FIX_FAILED "read wadm's message ('latticectl watch --wadm'), fix " \
	"the manifest or the hosts, then redeploy"

/* The verdict on one application, from what check_component found. */
static void
verdict(struct apps *a, const char *app, const char *ver, const char *type,
    const char *msg, doctor_add_fn *add, void *ud)
{
	bool deployed = !strcmp(type, "deployed");
	bool failed = !strcmp(type, "failed") || !strcmp(type, "unhealthy");
	enum doctor_status bad = deployed || failed ? ST_FAIL : ST_WARN;
	char name[96], *why;

	snprintf(name, sizeof(name), "app/%s", app);
	if (a->nmissing || a->nimages)
		why = lt_xasprintf("wadm says %s (%s) but %s%s%s", type, ver,
		    lt_buf_str(&a->missing), a->nmissing && a->nimages ? "; " :
		    "", lt_buf_str(&a->images));
	else if (failed)
		why = lt_xasprintf("wadm says %s (%s): %s", type, ver, msg);
	else
		why = lt_xasprintf("wadm says %s (%s); the hosts run its %zu "
		    "component%s with the manifest's images, its %zu configs "
		    "are in CONFIGDATA_%s", type, ver, a->ncomponents,
		    a->ncomponents == 1 ? "" : "s", a->nconfigs, a->ctl->lattice);
	if (a->nmissing || a->nimages || failed)
		add(ud, name, bad, a->nmissing ? FIX_CONFIG : a->nimages ?
		    FIX_IMAGE : FIX_FAILED, why);
	else
		add(ud, name, deployed ? ST_PASS : ST_WARN, deployed ? NULL :
		    "wait for wadm to reconcile, then run doctor again", why);
	free(why);
}

static void
check_app(struct apps *a, const char *app, const char *ver,
    doctor_add_fn *add, void *ud)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_manifest *m = NULL;
	struct lt_buf msg = LT_BUF_INIT;
	char type[64], name[96];
	size_t i;

	a->nmissing = a->nimages = a->ncomponents = a->nconfigs = 0;
	lt_buf_reset(&a->missing);
	lt_buf_reset(&a->images);
	cJSON_Delete(a->seen);
	a->seen = cJSON_CreateObject();
	app_status(a, app, type, sizeof(type), &msg);
	if (lt_ctl_wadm_manifest(a->ctl, app, ver, &m, &e) < 0) {
		snprintf(name, sizeof(name), "app/%s", app);
		add(ud, name, ST_WARN, "check wadm's logs", e.msg);
	} else {
		for (i = 0; i < m->ncomponents; i++)
			check_component(a, &m->components[i]);
		missing_text(a);
		verdict(a, app, ver, type, lt_buf_str(&msg), add, ud);
	}
	lt_manifest_destroy(m);
	lt_buf_release(&msg);
}

/* host.get of every host that answered ping; the silent ones are left
 * out (the hosts check counts them). */
static void
get_inventories(struct apps *a, const struct lt_ctl_hosts *hosts)
{
	struct lt_error e = LT_ERROR_INIT;
	size_t i;

	a->inv = lt_xcalloc(hosts->n ? hosts->n : 1, sizeof(*a->inv));
	for (i = 0; i < hosts->n; i++)
		if (lt_ctl_inventory_get(a->ctl, hosts->v[i].id,
		    &a->inv[a->ninv], &e) == 0)
			a->ninv++;
}

void
doctor_check_apps(struct lt_ctx *ctx, struct lt_ctl *ctl,
    const struct lt_ctl_hosts *hosts, doctor_add_fn *add, void *ud)
{
	struct lt_error e = LT_ERROR_INIT;
	struct apps a;
	cJSON *list = NULL;
	const cJSON *m;
	size_t i;

	if (lt_wadm_call(ctx->conn, ctl->lattice, LT_WADM_GET, NULL, "", 0, 0,
	    &list, &e) < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.ctx = ctx;
	a.ctl = ctl;
	get_inventories(&a, hosts);
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(list, "models")) {
		const char *app = lt_json_str(m, "name");
		const char *ver = lt_json_str(m, "deployed_version");

		if (app && *app && ver && *ver)
			check_app(&a, app, ver, add, ud);
	}
	for (i = 0; i < a.ninv; i++)
		lt_ctl_inventory_release(&a.inv[i]);
	free(a.inv);
	lt_buf_release(&a.missing);
	lt_buf_release(&a.images);
	cJSON_Delete(a.seen);
	cJSON_Delete(list);
}
