/* findings.c: the findings engine (findings.h; docs/architecture.md,
 * Findings): the rule table, the apps and their targets, the list of
 * findings with their keys and updates, the clock and the rules time
 * decides, and the API. The records are read in findings-rec.c, the
 * settle-time rules are in findings-settle.c. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/findings.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "findings-priv.h"
#include "banned.h"

#define HOST_NEXT "read the host's log around this time; the error is " \
	"the host's own"
#define IMAGE_NEXT "use 'wash update component' or undeploy and " \
	"redeploy; wadm scaled instead of updating"

const struct lt_findings_rule lt_findings_rules[] = {
	{ "scale-failed", "error", "a component_scale_failed event, with its "
	    "error (one finding per component and error, repeats counted)",
	    HOST_NEXT },
	{ "provider-start-failed", "error", "a provider_start_failed event, "
	    "with its error", HOST_NEXT },
	{ "link-failed", "error", "a linkdef_set_failed event, with its error",
	    HOST_NEXT },
	{ "config-deleted-while-referenced", "error", "a config_deleted event "
	    "or CONFIGDATA delete/purge of a config a target references, naming "
	    "the wadm DeleteConfig or ctl config.del that caused it; warning "
	    "once it is put back", "re-put the config (wash config put) and "
	    "report the deleting command upstream (wasmCloud #4704)" },
	{ "config-missing", "error", "at settle, a config a target references "
	    "is absent from the last CONFIGDATA snapshot (and the changes after "
	    "it)", "create the config before deploying (wash config put), or "
	    "redeploy the manifest for a managed one" },
	{ "image-not-updated", "error", "a host replied that the image will "
	    "not be updated to the target's; or wadm's ScaleComponent asked "
	    "for the target's image and the component_scaled that followed "
	    "carries another; at settle, a host reports another image than "
	    "the target's for a component", IMAGE_NEXT },
	{ "scale-unacknowledged", "error", "at settle, a component.scale "
	    "request got no reply", "check that the host is alive (latticectl "
	    "hosts) and that no other client stole the request (doctor)" },
	{ "scale-no-event", "warning", "at settle, an acknowledged "
	    "component.scale with no component_scaled or "
	    "component_scale_failed after it", "raise --settle, or read the "
	    "host's log" },
	{ "status-mismatch", "error", "at settle, wadm reports the app "
	    "deployed while an error finding about it holds", "do not trust "
	    "wadm's status for this upgrade; check the findings above" },
	{ "provider-unhealthy", "error", "a health_check_failed event; "
	    "warning once a health_check_passed follows", "read the "
	    "provider's log on that host (wash get inventory HOST)" },
	{ "spread-unsatisfied", "error", "at settle, once wadm says deployed "
	    "or failed, the instances the hosts "
	    "report for a component (per spread) differ from the target's",
	    "check the hosts' labels against the spread requirements "
	    "(latticectl hosts) and the scale failures above" },
	{ "old-instances-left", "error", "at settle, once wadm says deployed "
	    "or failed, a component or provider "
	    "of the previous version that the target dropped still runs, or "
	    "its previous image while the target's runs too",
	    "stop it (wash stop component/provider) and check wadm's log for "
	    "why its scaler did not" },
	{ "status-stuck", "error", "the app stayed reconciling or waiting "
	    "longer than the stuck-after bound; warning once it is deployed",
	    "read wadm's status message (latticectl app status) and the "
	    "findings above" },
	{ "wadm-silent", "error", "a manifest was published or deployed and "
	    "no wadm command nor status for it came within the bound; warning "
	    "once wadm speaks", "check that wadm runs and serves this lattice "
	    "(latticectl doctor)" },
	{ "host-lost", "warning", "a host_stopped event, or a host missing 3 "
	    "heartbeats, while a deploy is under way", "check the host "
	    "(latticectl hosts); wadm reschedules its instances elsewhere" },
	{ "scaler-conflict", "error", "component_scaled events for the same "
	    "component and host alternate between two scalers or apps with "
	    "different counts, 3 times or more (flapping)", "find the second "
	    "scaler (its annotations) and remove it; one owner per component" },
	{ "wadm-state-drift", "warning", "at settle, wadm_state's host, "
	    "component or provider map disagrees with what the hosts report",
	    "wadm corrects it at the next heartbeat; if it stays, restart wadm"
	    },
	{ "config-drift", "warning", "at settle, a managed config's CONFIGDATA "
	    "value differs from the target's properties", "redeploy the "
	    "manifest, or put the manifest's values (wash config put)" },
	{ "probe-changed", "warning", "the HTTP probe's answer changed between "
	    "two probes", "compare the two probe bodies; a lost value usually "
	    "means a lost config" },
	{ NULL, NULL, NULL, NULL },
};

double
fnd_seq(const cJSON *rec)
{
	return lt_json_num(rec, "seq", 0);
}

/* --- the list ------------------------------------------------------ */

/* Note fi for the caller's array: new (1) or updated (2). A finding
 * fired and updated within one call goes out once, as new. */
static void
pend(struct lt_findings *e, cJSON *fi, bool update)
{
	if (!e->out)
		return;
	if (cJSON_GetObjectItemCaseSensitive(fi, "_pending"))
		return;
	cJSON_AddNumberToObject(fi, "_pending", update ? 2 : 1);
	if (e->npending == e->pcap) {
		e->pcap = e->pcap ? e->pcap * 2 : 8;
		e->pending = lt_xrealloc(e->pending, e->pcap *
		    sizeof(*e->pending));
	}
	e->pending[e->npending++] = fi;
}

cJSON *
fnd_find(struct lt_findings *e, enum frule rule, const char *app,
    const char *subject)
{
	cJSON *fi;

	cJSON_ArrayForEach(fi, e->list)
		if (lt_json_num(fi, "_rule", -1) == rule &&
		    !strcmp(lt_json_str(fi, "app"), app ? app : "") &&
		    !strcmp(lt_json_str(fi, "subject"), subject))
			return fi;
	return NULL;
}

static cJSON *
new_finding(enum frule rule, bool error, const char *title)
{
	cJSON *fi = cJSON_CreateObject();

	cJSON_AddStringToObject(fi, "severity", error ? "error" : "warning");
	cJSON_AddStringToObject(fi, "id", lt_findings_rules[rule].id);
	cJSON_AddStringToObject(fi, "title", title);
	cJSON_AddItemToObject(fi, "evidence", cJSON_CreateArray());
	cJSON_AddStringToObject(fi, "next", lt_findings_rules[rule].next);
	return fi;
}

/* Past FND_MAX_FINDINGS (a lattice that makes endless distinct findings:
 * a hostile publisher) the rest go to one scratch finding that is whole,
 * so callers may update it, but is never listed nor handed out. */
static cJSON *
scratch(struct lt_findings *e, enum frule rule)
{
	if (!e->overflow)
		e->overflow = new_finding(rule, false, "");
	cJSON_ReplaceItemInObjectCaseSensitive(e->overflow, "evidence",
	    cJSON_CreateArray());
	return e->overflow;
}

cJSON *
fnd_fire(struct lt_findings *e, enum frule rule, bool error, const char *app,
    const char *subject, bool *fresh, const char *fmt, ...)
{
	cJSON *fi = fnd_find(e, rule, app, subject);
	char title[512];
	va_list ap;

	if (fresh)
		*fresh = !fi;
	if (fi)
		return fi;
	if (cJSON_GetArraySize(e->list) >= FND_MAX_FINDINGS)
		return scratch(e, rule);
	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	fi = new_finding(rule, error, title);
	cJSON_AddStringToObject(fi, "app", app ? app : "");
	cJSON_AddStringToObject(fi, "subject", subject);
	cJSON_AddNumberToObject(fi, "_rule", rule);
	cJSON_AddNumberToObject(fi, "_n", ++e->nfired);
	cJSON_AddItemToArray(e->list, fi);
	pend(e, fi, false);
	return fi;
}

void
fnd_update(struct lt_findings *e, cJSON *fi, bool error, const char *title)
{
	const char *sev = error ? "error" : "warning";

	if (fi == e->overflow)
		return;
	if (title)
		cJSON_ReplaceItemInObjectCaseSensitive(fi, "title",
		    cJSON_CreateString(title));
	if (!strcmp(lt_json_str(fi, "severity"), sev))
		return;
	cJSON_ReplaceItemInObjectCaseSensitive(fi, "severity",
	    cJSON_CreateString(sev));
	pend(e, fi, true);
}

void
fnd_evidence(cJSON *fi, double seq)
{
	cJSON *ev = cJSON_GetObjectItemCaseSensitive(fi, "evidence");
	const cJSON *s;

	if (seq <= 0)
		return;
	cJSON_ArrayForEach(s, ev)
		if (s->valuedouble == seq)
			return;
	cJSON_AddItemToArray(ev, cJSON_CreateNumber(seq));
}

void
fnd_drop(cJSON *fi)
{
	if (!cJSON_GetObjectItemCaseSensitive(fi, "_gone"))
		cJSON_AddTrueToObject(fi, "_gone");
}

bool
fnd_gone(const cJSON *fi)
{
	return cJSON_GetObjectItemCaseSensitive(fi, "_gone") != NULL;
}

bool
fnd_is_error(const cJSON *fi)
{
	return !strcmp(lt_json_str(fi, "severity"), "error");
}

int
fnd_errors(const struct lt_findings *e, const char *app)
{
	const cJSON *fi;
	int n = 0;

	cJSON_ArrayForEach(fi, e->list)
		if (!fnd_gone(fi) && fnd_is_error(fi) && (!app ||
		    !*lt_json_str(fi, "app") || !strcmp(lt_json_str(fi, "app"),
		    app)) && lt_json_num(fi, "_rule", -1) != R_STATUS_MISMATCH)
			n++;
	return n;
}

/* A copy without the internal members ("_..."). */
static cJSON *
public_copy(const cJSON *fi)
{
	cJSON *c = cJSON_CreateObject();
	const cJSON *m;

	cJSON_ArrayForEach(m, fi)
		if (m->string[0] != '_')
			cJSON_AddItemToObject(c, m->string,
			    cJSON_Duplicate(m, 1));
	return c;
}

/* Copy the findings this call fired or updated into the caller's
 * array. */
static int
flush(struct lt_findings *e)
{
	size_t i;
	int n = 0;

	for (i = 0; i < e->npending; i++) {
		cJSON *fi = e->pending[i], *c;
		bool update = lt_json_num(fi, "_pending", 1) == 2;

		cJSON_DeleteItemFromObjectCaseSensitive(fi, "_pending");
		if (fnd_gone(fi) || !e->out)
			continue;
		c = public_copy(fi);
		if (update)
			cJSON_AddTrueToObject(c, "update");
		cJSON_AddItemToArray(e->out, c);
		n++;
	}
	e->npending = 0;
	e->out = NULL;
	return n;
}

/* The failure events rank together, in the order they came. */
static double
order_of(const cJSON *fi)
{
	double rule = lt_json_num(fi, "_rule", 0);

	if (rule <= R_LINK_FAILED)
		rule = R_SCALE_FAILED;
	return (fnd_is_error(fi) ? 0 : 1e12) + rule * 1e9 + lt_json_num(fi, "_n",
	    0);
}

static int
cmp_order(const void *a, const void *b)
{
	double x = order_of(*(cJSON *const *)a), y = order_of(
	    *(cJSON *const *)b);

	return x < y ? -1 : x > y;
}

cJSON *
lt_findings_list(const struct lt_findings *e)
{
	cJSON *out = cJSON_CreateArray(), **v, *fi;
	int n = cJSON_GetArraySize(e->list), i = 0;

	v = lt_xcalloc((size_t)n + 1, sizeof(*v));
	cJSON_ArrayForEach(fi, e->list)
		if (!fnd_gone(fi))
			v[i++] = fi;
	qsort(v, (size_t)i, sizeof(*v), cmp_order);
	for (n = 0; n < i; n++)
		cJSON_AddItemToArray(out, public_copy(v[n]));
	free(v);
	return out;
}

int
lt_findings_errors(const struct lt_findings *e)
{
	const cJSON *fi;
	int n = 0;

	cJSON_ArrayForEach(fi, e->list)
		if (!fnd_gone(fi) && fnd_is_error(fi))
			n++;
	return n;
}

/* --- apps ---------------------------------------------------------- */

struct fapp *
fnd_app_get(struct lt_findings *e, const char *name, bool create)
{
	struct fapp *a;

	for (a = e->apps; a; a = a->next)
		if (!strcmp(a->name, name))
			return a;
	if (!create)
		return NULL;
	a = lt_xcalloc(1, sizeof(*a));
	a->name = lt_xstrdup(name);
	a->next = e->apps;
	e->apps = a;
	return a;
}

static bool
same_version(const struct lt_manifest *a, const struct lt_manifest *b)
{
	return a && b && !strcmp(fnd_str_or(a->version, ""), fnd_str_or(b->version, ""));
}

/* m becomes its app's target; a published one of the version the app
 * already targets changes nothing. */
struct fapp *
fnd_set_target(struct lt_findings *e, const struct lt_manifest *m,
    bool published)
{
	struct fapp *a = fnd_app_get(e, m->name, true);

	if (!published || !same_version(a->target, m)) {
		if (a->target && a->target != m)
			a->prev = a->target;
		a->target = m;
	}
	a->undeployed = false;
	e->settled = false;
	return a;
}

void
lt_findings_add_manifest(struct lt_findings *e, const struct lt_manifest *m)
{
	if (m && m->name)
		fnd_set_target(e, m, false);
}

struct fapp *
fnd_app_of_id(struct lt_findings *e, const char *id)
{
	struct fapp *a;

	if (!id)
		return NULL;
	for (a = e->apps; a; a = a->next)
		if (a->target && lt_manifest_find_id(a->target, id))
			return a;
	return NULL;
}

static bool
configs_have(const struct lt_manifest_configs *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].stored_name, name))
			return true;
	return false;
}

static bool
component_uses(const struct lt_manifest_component *c, const char *name)
{
	size_t j;

	if (configs_have(&c->config, name))
		return true;
	for (j = 0; j < c->nlinks; j++)
		if (configs_have(&c->links[j].source_config, name) ||
		    configs_have(&c->links[j].target_config, name))
			return true;
	return false;
}

struct fapp *
fnd_app_of_config(struct lt_findings *e, const char *config,
    struct lt_buf *who, size_t *n)
{
	struct fapp *a;
	size_t i;

	if (n)
		*n = 0;
	for (a = e->apps; a && config; a = a->next) {
		bool used = false;

		for (i = 0; a->target && i < a->target->ncomponents; i++) {
			if (!component_uses(&a->target->components[i], config))
				continue;
			if (who)
				lt_buf_addf(who, "%s%s", n && *n ? ", " : "",
				    a->target->components[i].name);
			if (n)
				(*n)++;
			used = true;
		}
		if (used)
			return a;
	}
	return NULL;
}

static bool
deploying(const struct lt_findings *e)
{
	const struct fapp *a;

	if (e->settled)
		return false;
	for (a = e->apps; a; a = a->next)
		if (a->target && !a->undeployed)
			return true;
	return false;
}

void
fnd_host_lost(struct lt_findings *e, const char *host, double seq,
    const char *why)
{
	if (!deploying(e))
		return;
	fnd_evidence(fnd_fire(e, R_HOST_LOST, false, "", host, NULL, "host %s "
	    "%s during the deploy", host, why), seq);
}

/* --- time ---------------------------------------------------------- */

static void
check_apps_time(struct lt_findings *e)
{
	struct fapp *a;
	char d[32];

	for (a = e->apps; a; a = a->next) {
		if (a->busy_since && e->now - a->busy_since >
		    e->o.stuck_after_ns) {
			lt_duration_format(e->o.stuck_after_ns, d, sizeof(d));
			fnd_evidence(fnd_fire(e, R_STATUS_STUCK, true, a->name,
			    a->name, NULL, "%s stayed %s longer than %s",
			    a->name, a->status, d), a->busy_seq);
		}
		if (a->deploy_t && e->now - a->deploy_t > e->o.wadm_silent_ns &&
		    e->last_gap_t < a->deploy_t) {
			lt_duration_format(e->o.wadm_silent_ns, d, sizeof(d));
			fnd_evidence(fnd_fire(e, R_WADM_SILENT, true, a->name,
			    a->name, NULL, "%s was deployed and wadm sent no "
			    "command and no status for it within %s", a->name,
			    d), a->deploy_seq);
		}
	}
}

#define HOST_LOST_MIN_NS (10 * INT64_C(1000000000))

static void
check_hosts_time(struct lt_findings *e)
{
	const cJSON *h;

	cJSON_ArrayForEach(h, e->hosts) {
		double t = lt_json_num(h, "t", 0);
		double iv = lt_json_num(h, "interval", 0);

		if (iv <= 0)
			iv = (double)e->o.heartbeat_ns;
		/* (never less than HOST_LOST_MIN_NS: a busy host or
		 * machine delays a 1 s heartbeat by a few seconds) */
		if (t <= 0 || cJSON_HasObjectItem(h, "stopped") ||
		    e->last_gap_t >= t || (double)e->now - t <= 3 * iv ||
		    (double)e->now - t <= (double)HOST_LOST_MIN_NS)
			continue;
		fnd_host_lost(e, h->string, lt_json_num(h, "seq", 0),
		    "missed 3 heartbeats");
	}
}

static bool
quiet_and_done(const struct lt_findings *e)
{
	const struct fapp *a;
	bool any = false;

	if (e->settled || !e->last_change ||
	    e->now - e->last_change < e->o.settle_ns)
		return false;
	for (a = e->apps; a; a = a->next) {
		if (!a->target || a->undeployed)
			continue;
		if (strcmp(a->status, "deployed") && strcmp(a->status, "failed"))
			return false;
		any = true;
	}
	return any;
}

static void
advance(struct lt_findings *e, int64_t now)
{
	if (now > e->now)
		e->now = now;
	if (quiet_and_done(e)) {
		fnd_settle_rules(e);
		e->settled = true;
	}
	check_apps_time(e);
	check_hosts_time(e);
}

/* --- the API ------------------------------------------------------- */

struct lt_findings *
lt_findings_new(const struct lt_findings_opts *o)
{
	struct lt_findings *e = lt_xcalloc(1, sizeof(*e));

	if (o)
		e->o = *o;
	if (e->o.stuck_after_ns <= 0)
		e->o.stuck_after_ns = LT_FINDINGS_STUCK_AFTER_NS;
	if (e->o.wadm_silent_ns <= 0)
		e->o.wadm_silent_ns = LT_FINDINGS_WADM_SILENT_NS;
	if (e->o.settle_ns <= 0)
		e->o.settle_ns = LT_FINDINGS_SETTLE_NS;
	if (e->o.heartbeat_ns <= 0)
		e->o.heartbeat_ns = LT_FINDINGS_HEARTBEAT_NS;
	e->list = cJSON_CreateArray();
	e->delete_cmds = cJSON_CreateObject();
	e->ctl_dels = cJSON_CreateObject();
	e->deletions = cJSON_CreateObject();
	e->restored = cJSON_CreateObject();
	e->configs = cJSON_CreateObject();
	e->absent = cJSON_CreateObject();
	e->reports = cJSON_CreateObject();
	e->hosts = cJSON_CreateObject();
	e->state = cJSON_CreateObject();
	e->scalers = cJSON_CreateObject();
	e->scale_cmds = cJSON_CreateObject();
	return e;
}

void
lt_findings_free(struct lt_findings *e)
{
	struct fapp *a, *next;
	size_t i;
	int k;

	if (!e)
		return;
	for (a = e->apps; a; a = next) {
		next = a->next;
		free(a->name);
		free(a);
	}
	for (i = 0; i < e->nowned; i++)
		lt_manifest_destroy(e->owned[i]);
	free(e->owned);
	for (k = 0; k < e->nscales; k++) {
		free(e->scales[k].component);
		free(e->scales[k].ref);
		free(e->scales[k].msg);
	}
	free(e->scales);
	free(e->pending);
	cJSON_Delete(e->list);
	cJSON_Delete(e->delete_cmds);
	cJSON_Delete(e->ctl_dels);
	cJSON_Delete(e->deletions);
	cJSON_Delete(e->restored);
	cJSON_Delete(e->configs);
	cJSON_Delete(e->absent);
	cJSON_Delete(e->reports);
	cJSON_Delete(e->hosts);
	cJSON_Delete(e->state);
	cJSON_Delete(e->scalers);
	cJSON_Delete(e->overflow);
	cJSON_Delete(e->scale_cmds);
	cJSON_Delete(e->prev_probe);
	free(e);
}

int
lt_findings_feed(struct lt_findings *e, const cJSON *rec, cJSON *out)
{
	const char *kind = lt_json_str(rec, "kind");
	const char *t = lt_json_str(rec, "t");
	int64_t ns = 0;

	e->out = out;
	if (t && lt_time_parse(t, &ns) == 0 && ns > 0) {
		advance(e, ns);
		if (ns > e->last_rec)
			e->last_rec = ns;
	}
	if (kind && strcmp(kind, "finding") && strcmp(kind, "meta") &&
	    strcmp(kind, "end") && strcmp(kind, "phase")) {
		if (!fnd_periodic(rec, kind)) {
			e->last_change = e->last_rec;
			if (!strcmp(kind, "event") || !strcmp(kind, "wadm.cmd") ||
			    !strcmp(kind, "kv"))
				e->settled = false;
		}
		fnd_dispatch(e, rec, kind);
	}
	return flush(e);
}

int
lt_findings_tick(struct lt_findings *e, int64_t now_ns, cJSON *out)
{
	e->out = out;
	advance(e, now_ns);
	return flush(e);
}

int
lt_findings_settle(struct lt_findings *e, cJSON *out)
{
	e->out = out;
	fnd_settle_rules(e);
	e->settled = true;
	return flush(e);
}

bool
lt_findings_settled(const struct lt_findings *e)
{
	return e->settled;
}

cJSON *
lt_findings_eval(const struct lt_manifest *target, const cJSON *recs,
    int *nerrors)
{
	struct lt_findings *e = lt_findings_new(NULL);
	const cJSON *rec;
	cJSON *list;

	lt_findings_add_manifest(e, target);
	cJSON_ArrayForEach(rec, recs)
		lt_findings_feed(e, rec, NULL);
	lt_findings_settle(e, NULL);
	list = lt_findings_list(e);
	if (nerrors)
		*nerrors = lt_findings_errors(e);
	lt_findings_free(e);
	return list;
}
