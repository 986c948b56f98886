/* doctor-apps.c: doctor's check per deployed application (doctor.h):
 * wadm's word against the hosts' inventories and CONFIGDATA, gathered by
 * the app module (the same as 'latticectl app NAME'). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "latticectl/app.h"
#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

/* The next step: fix is a format with one %s, the app's name. */
#define FIX_CONFIG "put the config back (wash config put NAME KEY=VALUE) " \
	"or redeploy the app so wadm writes it; 'latticectl app %s' shows " \
	"who references it"
#define FIX_IMAGE "wadm has not reconciled the hosts: 'latticectl app %s' " \
	"shows what runs where; look at 'latticectl watch --wadm' and " \
	"wadm's logs, and redeploy the app if it stays"
#define FIX_FAILED "read wadm's message and its scalers' ('latticectl app " \
	"%s'), fix the manifest or the hosts, then redeploy"

/* The verdict on one application. */
static void
verdict(const struct lt_app *a, const char *lattice, doctor_add_fn *add,
    void *ud)
{
	bool deployed = !strcmp(a->status, "deployed");
	bool failed = lt_app_failed(a);
	bool images = a->other_images || a->nowhere;
	enum doctor_status bad = deployed || failed ? ST_FAIL : ST_WARN;
	struct lt_buf problems = LT_BUF_INIT;
	char name[96], fix[320], *why;

	snprintf(name, sizeof(name), "app/%s", a->name);
	snprintf(fix, sizeof(fix), a->missing ? FIX_CONFIG : images ?
	    FIX_IMAGE : FIX_FAILED, a->name);
	lt_app_problems_text(a, lattice, &problems);
	if (a->missing || images)
		why = lt_xasprintf("wadm says %s (%s) but %s", a->status,
		    a->version, lt_buf_str(&problems));
	else if (failed)
		why = lt_xasprintf("wadm says %s (%s): %s", a->status, a->version,
		    a->message);
	else
		why = lt_xasprintf("wadm says %s (%s); the hosts run its %zu "
		    "component%s with the manifest's images, its %zu configs "
		    "are in CONFIGDATA_%s", a->status, a->version, a->nworkloads,
		    a->nworkloads == 1 ? "" : "s", a->nconfigs, lattice);
	if (a->missing || images || failed)
		add(ud, name, bad, fix, why);
	else
		add(ud, name, deployed ? ST_PASS : ST_WARN, deployed ? NULL :
		    "wait for wadm to reconcile, then run doctor again", why);
	free(why);
	lt_buf_release(&problems);
}

void
doctor_check_apps(struct lt_ctx *ctx, struct lt_ctl *ctl,
    const struct lt_ctl_hosts *hosts, doctor_add_fn *add, void *ud)
{
	struct lt_error e = LT_ERROR_INIT;
	struct lt_ctl_inventory *inv;
	struct lt_app a;
	cJSON *list = NULL;
	const cJSON *m;
	char name[96];
	size_t i, ninv;

	if (lt_wadm_call(ctx->conn, ctl->lattice, LT_WADM_GET, NULL, "", 0, 0,
	    &list, &e) < 0)
		return;
	ninv = lt_app_inventories(ctl, hosts, &inv);
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(list, "models")) {
		const char *app = lt_json_str(m, "name");
		const char *ver = lt_json_str(m, "deployed_version");

		if (!app || !*app || !ver || !*ver)
			continue;
		if (lt_app_gather(ctl, app, ver, inv, ninv, NULL, true, &a,
		    &e) < 0) {
			snprintf(name, sizeof(name), "app/%s", app);
			add(ud, name, ST_WARN, "check wadm's logs", e.msg);
			continue;
		}
		verdict(&a, ctl->lattice, add, ud);
		lt_app_release(&a);
	}
	for (i = 0; i < ninv; i++)
		lt_ctl_inventory_release(&inv[i]);
	free(inv);
	cJSON_Delete(list);
}
