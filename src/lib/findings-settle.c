/* findings-settle.c: the rules the findings engine decides when the
 * deploy settled (findings-priv.h; docs/architecture.md, Findings):
 * configs missing or drifted, images, scales, spreads, old instances,
 * wadm_state drift and wadm's status. Each fires once per key;
 * re-running them after more records only adds what is new. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "findings-priv.h"
#include "banned.h"

#define SPREAD_NAME "wasmcloud.dev/spread_name"
#define DEFAULT_WEIGHT 100	/* wadm's spread weight when absent */

static bool
live(const struct fapp *a)
{
	return a->target && !a->undeployed && strcmp(a->status, "undeployed");
}

/* Has wadm finished with the app (deployed or failed, or no status
 * seen)? Instances are not counted while it still works. */
static bool
done(const struct fapp *a)
{
	return live(a) && (!*a->status || !strcmp(a->status, "deployed") ||
	    !strcmp(a->status, "failed"));
}

/* Call fn for every config (stored name) a component references. */
static void
each_config(const struct lt_manifest_component *c,
    void (*fn)(struct lt_findings *, const struct fapp *,
    const struct lt_manifest_config *), struct lt_findings *e,
    const struct fapp *a)
{
	const struct lt_manifest_configs *set;
	size_t j, k;

	for (j = 0; j <= 2 * c->nlinks; j++) {
		set = j == 0 ? &c->config : j % 2 ?
		    &c->links[(j - 1) / 2].source_config :
		    &c->links[(j - 1) / 2].target_config;
		for (k = 0; k < set->n; k++)
			fn(e, a, &set->v[k]);
	}
}

static void
each_app_config(struct lt_findings *e, void (*fn)(struct lt_findings *,
    const struct fapp *, const struct lt_manifest_config *))
{
	const struct fapp *a;
	size_t i;

	for (a = e->apps; a; a = a->next)
		for (i = 0; live(a) && i < a->target->ncomponents; i++)
			each_config(&a->target->components[i], fn, e, a);
}

/* --- configs ------------------------------------------------------- */

static void
missing(struct lt_findings *e, const struct fapp *a,
    const struct lt_manifest_config *c)
{
	const cJSON *since = cJSON_GetObjectItemCaseSensitive(e->absent,
	    c->stored_name);
	cJSON *fi;

	if (cJSON_HasObjectItem(e->configs, c->stored_name))
		return;
	fi = fnd_fire(e, R_CONFIG_MISSING, true, a->name, c->stored_name, NULL,
	    "config %s is referenced but absent from the bucket after the "
	    "phase", c->stored_name);
	cJSON_ReplaceItemInObjectCaseSensitive(fi, "next", cJSON_CreateString(
	    c->managed ? "redeploy the manifest, or put the config by hand" :
	    "create the config before deploying (wash config put)"));
	fnd_evidence(fi, since ? since->valuedouble : e->configs_seq);
}

static bool
redacted(const char *s)
{
	return lt_str_has_prefix(s, "<redacted:") || !strcmp(s, "(secret)");
}

static void
drift(struct lt_findings *e, const struct fapp *a,
    const struct lt_manifest_config *c)
{
	const cJSON *stored = cJSON_GetObjectItemCaseSensitive(e->configs,
	    c->stored_name);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(stored, "value");
	const char *differs = NULL;
	size_t i;

	if (!c->managed || !cJSON_IsObject(v))
		return;
	for (i = 0; i < c->nprops && !differs; i++) {
		const char *s = lt_json_str(v, c->props[i].key);

		if (!s || (strcmp(s, c->props[i].value) && !redacted(s)))
			differs = c->props[i].key;
	}
	if (!differs && (size_t)cJSON_GetArraySize(v) != c->nprops)
		differs = "(a key the manifest does not have)";
	if (differs)
		fnd_evidence(fnd_fire(e, R_CONFIG_DRIFT, false, a->name,
		    c->stored_name, NULL, "config %s differs from the "
		    "manifest's properties (%s)", c->stored_name, differs),
		    lt_json_num(stored, "seq", 0));
}

/* --- what runs ----------------------------------------------------- */

/* The reported items (components or providers) of one host. */
static const cJSON *
items(const cJSON *report, bool providers)
{
	return cJSON_GetObjectItemCaseSensitive(report, providers ?
	    "providers" : "components");
}

static double
count_of(const cJSON *item)
{
	return lt_json_num(item, "max_instances", lt_json_num(item, "count",
	    1));
}

/* The latest scale reply that explained something about component. */
static const struct fscale *
scale_quote(const struct lt_findings *e, const char *component)
{
	int i;

	for (i = e->nscales - 1; i >= 0; i--)
		if (e->scales[i].component && e->scales[i].msg &&
		    !strcmp(e->scales[i].component, component))
			return &e->scales[i];
	return NULL;
}

static void
image_item(struct lt_findings *e, const char *host, const cJSON *report,
    const cJSON *item)
{
	const char *id = lt_json_str(item, "id");
	const char *img = lt_json_str(item, "image_ref");
	struct fapp *a = fnd_app_of_id(e, id);
	const struct lt_manifest_component *c = a ?
	    lt_manifest_find_id(a->target, id) : NULL;
	const struct fscale *q;
	char *subject;
	cJSON *fi, *refused;

	if (!c || !c->image || !img || !strcmp(c->image, img) || !live(a))
		return;
	q = scale_quote(e, id);
	subject = lt_xasprintf("%s@%s", id, host);
	fi = fnd_fire(e, R_IMAGE_NOT_UPDATED, true, a->name, subject, NULL,
	    "host %.8s runs %s for %s, the manifest asks for %s%s%s%s", host,
	    img, id, c->image, q ? " (host replied: \"" : "", q ? q->msg : "",
	    q ? "\")" : "");
	fnd_evidence(fi, lt_json_num(report, "seq", 0));
	if (q) {
		fnd_evidence(fi, q->reply_seq);
		/* the host's reply, quoted here, needs no finding of its own */
		if ((refused = fnd_find(e, R_IMAGE_NOT_UPDATED, a->name, id)))
			fnd_drop(refused);
	}
	free(subject);
}

static void
check_images(struct lt_findings *e)
{
	const cJSON *r, *it;
	int k;

	cJSON_ArrayForEach(r, e->reports)
		for (k = 0; k < 2; k++)
			cJSON_ArrayForEach(it, items(r, k))
				image_item(e, r->string, r, it);
}

static void
check_scales(struct lt_findings *e)
{
	int i;

	for (i = 0; i < e->nscales; i++) {
		const struct fscale *s = &e->scales[i];
		const char *c = fnd_str_or(s->component, "?");
		struct fapp *a = fnd_app_of_id(e, s->component);
		char *subject = lt_xasprintf("%s#%.0f", c, s->req_seq);
		cJSON *fi;

		if (s->reply_unseen) {
		} else if (s->reply_seq == 0)
			fnd_evidence(fnd_fire(e, R_SCALE_UNACK, true, a ? a->name :
			    "", subject, NULL, "component.scale for %s got no "
			    "reply", c), s->req_seq);
		else if (s->event_seq == 0) {
			fi = fnd_fire(e, R_SCALE_NO_EVENT, false, a ? a->name : "",
			    subject, NULL, "component.scale for %s was "
			    "acknowledged but no component_scaled or "
			    "component_scale_failed followed", c);
			fnd_evidence(fi, s->req_seq);
			fnd_evidence(fi, s->reply_seq);
		}
		free(subject);
	}
}

/* wadm's split of instances over spreads (scaler/spreadscaler
 * compute_spread): each spread its rounded share by weight, then the
 * difference one at a time from the first spread on. */
static void
spread_counts(const struct lt_manifest_scaler *s, double *want)
{
	double total = 0, sum = 0;
	size_t i;

	for (i = 0; i < s->nspreads; i++)
		total += s->spreads[i].has_weight ? (double)s->spreads[i].weight :
		    DEFAULT_WEIGHT;
	for (i = 0; i < s->nspreads; i++) {
		double w = s->spreads[i].has_weight ?
		    (double)s->spreads[i].weight : DEFAULT_WEIGHT;

		want[i] = total > 0 ? round(w / total * (double)s->instances) : 0;
		sum += want[i];
	}
	for (i = 0; sum != (double)s->instances && s->nspreads; i++) {
		double d = sum < (double)s->instances ? 1 : -1;

		if (want[i % s->nspreads] + d < 0)
			continue;
		want[i % s->nspreads] += d;
		sum += d;
	}
}

/* Instances of id the hosts report, those of one spread (spread not
 * NULL) or all; evidence: the reports that hold any. */
static double
running(const struct lt_findings *e, const char *id, const char *spread,
    cJSON *evidence)
{
	const cJSON *r, *it;
	double n = 0;

	cJSON_ArrayForEach(r, e->reports)
		cJSON_ArrayForEach(it, items(r, false)) {
			const char *sp = lt_json_str(
			    cJSON_GetObjectItemCaseSensitive(it, "annotations"),
			    SPREAD_NAME);

			if (strcmp(fnd_str_or(lt_json_str(it, "id"), ""), id) ||
			    (spread && strcmp(fnd_str_or(sp, ""), spread)))
				continue;
			n += count_of(it);
			if (evidence)
				cJSON_AddItemToArray(evidence, cJSON_CreateNumber(
				    lt_json_num(r, "seq", 0)));
		}
	return n;
}

static void
spread_finding(struct lt_findings *e, const struct fapp *a,
    const struct lt_manifest_component *c, const char *spread, double want)
{
	cJSON *ev = cJSON_CreateArray(), *fi;
	const cJSON *s;
	double have = running(e, c->id, spread, ev);
	char *subject;

	if (have != want) {
		subject = lt_xasprintf("%s%s%s", c->id, spread ? "/" : "",
		    spread ? spread : "");
		fi = fnd_fire(e, R_SPREAD, true, a->name, subject, NULL,
		    "%s runs %.0f instance%s%s%s, the manifest asks for %.0f",
		    c->id, have, have == 1 ? "" : "s", spread ? " in spread " :
		    "", spread ? spread : "", want);
		cJSON_ArrayForEach(s, ev)
			fnd_evidence(fi, s->valuedouble);
		free(subject);
	}
	cJSON_Delete(ev);
}

static void
check_spreads(struct lt_findings *e)
{
	const struct fapp *a;
	double want[64];
	size_t i, k;

	if (!e->reports->child)
		return;
	for (a = e->apps; a; a = a->next)
		for (i = 0; done(a) && i < a->target->ncomponents; i++) {
			const struct lt_manifest_component *c =
			    &a->target->components[i];
			const struct lt_manifest_scaler *s = &c->scaler;

			if (c->type != LT_MANIFEST_COMPONENT ||
			    s->kind != LT_MANIFEST_SCALER_SPREAD || !c->id ||
			    s->nspreads > 64)
				continue;
			if (s->nspreads <= 1) {
				spread_finding(e, a, c, NULL, (double)s->instances);
				continue;
			}
			spread_counts(s, want);
			for (k = 0; k < s->nspreads; k++)
				spread_finding(e, a, c, s->spreads[k].name, want[k]);
		}
}

/* Is id in some app's target? */
static bool
wanted(struct lt_findings *e, const char *id)
{
	return fnd_app_of_id(e, id) != NULL;
}

/* How many hosts report c (running image, when not NULL); with fi, each
 * such report is its evidence. */
static int
old_hosts(struct lt_findings *e, const struct lt_manifest_component *c,
    const char *image, cJSON *fi)
{
	const cJSON *r, *it;
	int hosts = 0;

	cJSON_ArrayForEach(r, e->reports)
		cJSON_ArrayForEach(it, items(r, c->type ==
		    LT_MANIFEST_CAPABILITY))
			if (!strcmp(fnd_str_or(lt_json_str(it, "id"), ""), c->id) &&
			    (!image || !strcmp(fnd_str_or(lt_json_str(it,
			    "image_ref"), ""), image))) {
				hosts++;
				if (fi)
					fnd_evidence(fi, lt_json_num(r, "seq", 0));
				break;
			}
	return hosts;
}

/* c of the previous version still runs: dropped by the target, or (the
 * same id) with the previous image while the target's runs too: the
 * upgrade happened and left old ones behind (where no host runs the
 * target's image, the upgrade did not happen: image-not-updated). */
static void
old_item(struct lt_findings *e, const struct fapp *a,
    const struct lt_manifest_component *c)
{
	const struct lt_manifest_component *now;
	const char *image = NULL;
	cJSON *fi;
	int hosts;

	if (!c->id)
		return;
	now = lt_manifest_find_id(a->target, c->id);
	if (!now && wanted(e, c->id))	/* another app's now */
		return;
	if (now) {
		if (!c->image || !now->image || !strcmp(c->image, now->image) ||
		    old_hosts(e, now, now->image, NULL) == 0)
			return;
		image = c->image;
	}
	if ((hosts = old_hosts(e, c, image, NULL)) == 0)
		return;
	fi = fnd_fire(e, R_OLD_INSTANCES, true, a->name, c->id, NULL, "%s (%s "
	    "of %s %s%s%s) still runs on %d host%s after the upgrade to %s",
	    c->id, c->name, a->name, fnd_str_or(a->prev->version, "?"),
	    image ? ", image " : "", image ? image : "", hosts, hosts == 1 ?
	    "" : "s", fnd_str_or(a->target->version, "?"));
	old_hosts(e, c, image, fi);
}

static void
check_old(struct lt_findings *e)
{
	const struct fapp *a;
	size_t i;

	for (a = e->apps; a; a = a->next)
		for (i = 0; done(a) && a->prev && i < a->prev->ncomponents; i++)
			old_item(e, a, &a->prev->components[i]);
}

/* --- wadm_state against the hosts' reports ------------------------- */

static void
state_drift(struct lt_findings *e, const char *kind, const char *id,
    const char *host, const char *what)
{
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(e->state, kind);
	const cJSON *r = cJSON_GetObjectItemCaseSensitive(e->reports, host);
	char *subject = lt_xasprintf("%s:%s", kind, id);
	cJSON *fi = fnd_fire(e, R_STATE_DRIFT, false, "", subject, NULL,
	    "wadm_state %s %s disagrees with host %.8s: %s", kind, id, host,
	    what);

	fnd_evidence(fi, lt_json_num(st, "seq", 0));
	fnd_evidence(fi, lt_json_num(r, "seq", 0));
	free(subject);
}

/* The count of component id the host reports (0: none). */
static double
reported(const cJSON *report, const char *id, bool providers)
{
	const cJSON *it;
	double n = 0;

	cJSON_ArrayForEach(it, items(report, providers))
		if (!strcmp(fnd_str_or(lt_json_str(it, "id"), ""), id))
			n += providers ? 1 : count_of(it);
	return n;
}

static void
drift_hosts(struct lt_findings *e, const cJSON *map)
{
	const cJSON *r, *h, *c, *it;

	cJSON_ArrayForEach(r, e->reports) {
		char what[160];

		h = cJSON_GetObjectItemCaseSensitive(map, r->string);
		if (!h) {
			state_drift(e, "host", r->string, r->string, "wadm does "
			    "not know the host");
			continue;
		}
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(h,
		    "components"))
			if (reported(r, c->string, false) != c->valuedouble) {
				snprintf(what, sizeof(what), "%.80s: wadm %.0f, "
				    "host %.0f", c->string, c->valuedouble,
				    reported(r, c->string, false));
				state_drift(e, "host", r->string, r->string, what);
			}
		cJSON_ArrayForEach(it, items(r, false))
			if (lt_json_str(it, "id") && !cJSON_HasObjectItem(
			    cJSON_GetObjectItemCaseSensitive(h, "components"),
			    lt_json_str(it, "id"))) {
				snprintf(what, sizeof(what), "%.80s runs, wadm "
				    "does not know", lt_json_str(it, "id"));
				state_drift(e, "host", r->string, r->string, what);
			}
	}
	cJSON_ArrayForEach(h, map) {
		const cJSON *hs = cJSON_GetObjectItemCaseSensitive(e->hosts,
		    h->string);

		if (cJSON_HasObjectItem(hs, "stopped"))
			state_drift(e, "host", h->string, h->string, "the host "
			    "stopped, wadm still lists it");
	}
}

static void
drift_components(struct lt_findings *e, const cJSON *map)
{
	const cJSON *c, *h, *inst, *r;

	cJSON_ArrayForEach(c, map)
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(c,
		    "instances")) {
			double n = 0;
			char what[160];

			if (!(r = cJSON_GetObjectItemCaseSensitive(e->reports,
			    h->string)))
				continue;
			cJSON_ArrayForEach(inst, h)
				n += lt_json_num(inst, "count", 0);
			if (n == reported(r, c->string, false))
				continue;
			snprintf(what, sizeof(what), "wadm counts %.0f "
			    "instance%s, the host %.0f", n, n == 1 ? "" : "s",
			    reported(r, c->string, false));
			state_drift(e, "component", c->string, h->string, what);
		}
}

static void
drift_providers(struct lt_findings *e, const cJSON *map)
{
	const cJSON *p, *h, *r;

	cJSON_ArrayForEach(p, map)
		cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(p,
		    "hosts"))
			if ((r = cJSON_GetObjectItemCaseSensitive(e->reports,
			    h->string)) && !reported(r, p->string, true))
				state_drift(e, "provider", p->string, h->string,
				    "wadm lists it there, the host does not run it");
}

static void
check_state(struct lt_findings *e)
{
	const cJSON *s;

	if ((s = cJSON_GetObjectItemCaseSensitive(e->state, "host")))
		drift_hosts(e, cJSON_GetObjectItemCaseSensitive(s, "map"));
	if ((s = cJSON_GetObjectItemCaseSensitive(e->state, "component")))
		drift_components(e, cJSON_GetObjectItemCaseSensitive(s, "map"));
	if ((s = cJSON_GetObjectItemCaseSensitive(e->state, "provider")))
		drift_providers(e, cJSON_GetObjectItemCaseSensitive(s, "map"));
}

static void
check_status(struct lt_findings *e)
{
	const struct fapp *a;
	int n;

	for (a = e->apps; a; a = a->next) {
		if (strcmp(a->status, "deployed") || !a->target ||
		    !(n = fnd_errors(e, a->name)))
			continue;
		fnd_evidence(fnd_fire(e, R_STATUS_MISMATCH, true, a->name,
		    a->name, NULL, "wadm reports %s deployed although %d error "
		    "finding%s hold%s", a->name, n, n == 1 ? "" : "s",
		    n == 1 ? "s" : ""), a->status_seq);
	}
}

void
fnd_settle_rules(struct lt_findings *e)
{
	if (e->configs_known) {
		each_app_config(e, missing);
		each_app_config(e, drift);
	}
	check_images(e);
	check_scales(e);
	check_spreads(e);
	check_old(e);
	check_state(e);
	check_status(e);
}
