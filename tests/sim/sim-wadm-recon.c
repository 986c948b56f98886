/* sim-wadm-recon.c: reconciliation (scalers -> wadm.cmd commands), deploy,
 * undeploy and upgrade in 0.21 and fixed mode, and the command worker that
 * turns wadm.cmd messages into ctl requests, one at a time, as wadm's
 * command consumer does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/util.h"
#include "sim-wadm.h"

#include "banned.h"

#define QUERY_TIMEOUT_MS 1000
#define CMD_TIMEOUT_MS 2000

/* A read-only ctl query wadm makes (config.get and link.get while
 * reconciling, claims.get on each heartbeat). Returns the reply's
 * "response" (new) or NULL; *ok tells whether a reply came at all. */
cJSON *
wadm_query(struct sim_wadm *w, const char *tail, bool *ok)
{
	char *subj = lt_xasprintf("%s.%s", w->sim->prefix, tail);
	natsMsg *reply = NULL;
	cJSON *r = NULL, *resp = NULL;

	*ok = false;
	if (natsConnection_Request(&reply, w->sim->nc, subj, "", 0,
	    QUERY_TIMEOUT_MS) == NATS_OK) {
		r = sim_parse(reply);
		*ok = r != NULL;
		resp = cJSON_DetachItemFromObject(r, "response");
	}
	natsMsg_Destroy(reply);
	cJSON_Delete(r);
	free(subj);
	return resp;
}

/* ConfigScaler: present and equal in CONFIGDATA -> deployed, else put. */
static bool
config_ready(struct sim_wadm *w, struct wconfig *wc, int64_t now)
{
	char *tail;
	cJSON *have;
	bool ok;

	if (wc->deployed || wc->put_until > now)
		return wc->deployed;
	tail = lt_xasprintf("config.get.%s", wc->name);
	have = wadm_query(w, tail, &ok);
	free(tail);
	if (ok && have && cJSON_Compare(have, wc->props, 1))
		wc->deployed = true;
	else if (ok) {
		cmd_config(w, wc, true);
		wc->put_until = now + w->sim->o.backoff_ns;
	}
	cJSON_Delete(have);
	return wc->deployed;
}

static bool
configs_ready(struct sim_wadm *w, struct app *a,
    const struct lt_manifest_configs *c, int64_t now)
{
	bool all = true;
	size_t i, j;

	for (i = 0; i < c->n; i++)
		for (j = 0; c->v[i].managed && j < a->nconfigs; j++)
			if (!strcmp(a->configs[j].name, c->v[i].stored_name))
				all = config_ready(w, &a->configs[j], now) &&
				    all;
	return all;
}

static bool
labels_match(const cJSON *host, const struct lt_manifest_spread *sp)
{
	const cJSON *labels = cJSON_GetObjectItem(host, "labels");
	size_t i;

	for (i = 0; sp && i < sp->nrequirements; i++) {
		const char *v = sim_str(labels, sp->requirements[i].key);

		if (v == NULL || strcmp(v, sp->requirements[i].value))
			return false;
	}
	return true;
}

/* Instances of s's resource carrying s's annotations on host h. */
static uint64_t
count_on(const cJSON *h, const struct scaler *s, const char *spread)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(
	    h, s->kind == SK_PROVIDER ? "providers" : "components"),
	    s->comp->id);
	const cJSON *ann = cJSON_GetObjectItem(e, "annotations");
	const char *sid = sim_str(ann, "wasmcloud.dev/scaler");
	const char *sp = sim_str(ann, "wasmcloud.dev/spread_name");

	if (e == NULL || sid == NULL || strcmp(sid, s->id))
		return 0;
	if (spread && sp && strcmp(sp, spread))
		return 0;
	if (s->kind == SK_PROVIDER)
		return 1;
	return (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(e, "max"));
}

static void
set_status(struct scaler *s, enum st st, const char *msg)
{
	s->status = st;
	free(s->message);
	s->message = msg ? lt_xstrdup(msg) : NULL;
}

/* Whether h may get a new placement of s: eligible, and not a host where
 * it just failed to start unless every eligible host did. */
static bool
may_place(const cJSON *h, const struct scaler *s,
    const struct lt_manifest_spread *sp, bool skip_failed)
{
	return labels_match(h, sp) && !(skip_failed && s->failed_hosts &&
	    cJSON_HasObjectItem(s->failed_hosts, h->string));
}

/* One spread of a SpreadScaler: the first eligible host gets all of the
 * spread's instances, hosts where it failed to start last (README:
 * placement). */
static bool
spread_one(struct sim_wadm *w, struct app *a, struct scaler *s,
    const struct lt_manifest_spread *sp, uint64_t want)
{
	const char *name = sp ? sp->name : "default";
	const cJSON *h, *target = NULL, *fallback = NULL;
	uint64_t have = 0;

	cJSON_ArrayForEach(h, w->hosts) {
		uint64_t n = count_on(h, s, name);

		have += n;
		if (n > 0)
			target = h;
		else if (target == NULL && may_place(h, s, sp, true))
			target = h;
		else if (fallback == NULL && may_place(h, s, sp, false))
			fallback = h;
	}
	if (target == NULL && fallback != NULL) {
		target = fallback;	/* it failed everywhere: start over */
		cJSON_Delete(s->failed_hosts);
		s->failed_hosts = NULL;
	}
	if (have == want)
		return true;
	if (target == NULL) {	/* spreadscaler/mod.rs @v0.21.1 */
		char *msg = lt_xasprintf("Could not satisfy spread %s for %s, "
		    "0/1 eligible hosts found.", name, s->comp->image);

		set_status(s, ST_FAILED, msg);
		free(msg);
		return false;
	}
	cmd_scale(w, a, s, target->string, want, name);
	return false;
}

static bool
reconcile_spread(struct sim_wadm *w, struct app *a, struct scaler *s)
{
	const struct lt_manifest_scaler *sc = &s->comp->scaler;
	uint64_t total = 0, given = 0;
	bool done = true;
	size_t i;

	if (sc->nspreads == 0)
		return spread_one(w, a, s, NULL, sc->instances);
	for (i = 0; i < sc->nspreads; i++)
		total += sc->spreads[i].has_weight ? sc->spreads[i].weight : 100;
	for (i = 0; i < sc->nspreads; i++) {
		uint64_t wt = sc->spreads[i].has_weight ?
		    sc->spreads[i].weight : 100;
		uint64_t n = i + 1 == sc->nspreads ? sc->instances - given :
		    sc->instances * wt / (total ? total : 1);

		given += n;
		done = spread_one(w, a, s, &sc->spreads[i], n) && done;
	}
	return done;
}

static bool
reconcile_daemon(struct sim_wadm *w, struct app *a, struct scaler *s)
{
	const struct lt_manifest_scaler *sc = &s->comp->scaler;
	const struct lt_manifest_spread *sp = sc->nspreads ? &sc->spreads[0] :
	    NULL;
	const cJSON *h;
	bool done = true;

	cJSON_ArrayForEach(h, w->hosts) {
		if (!labels_match(h, sp) || count_on(h, s, NULL) ==
		    sc->instances)
			continue;
		cmd_scale(w, a, s, h->string, sc->instances, sp ? sp->name :
		    "default");
		done = false;
	}
	return done;
}

static bool
reconcile_provider(struct sim_wadm *w, struct app *a, struct scaler *s)
{
	uint64_t want = s->comp->scaler.kind == LT_MANIFEST_SCALER_NONE ? 1 :
	    s->comp->scaler.instances, have = 0;
	const cJSON *h;

	cJSON_ArrayForEach(h, w->hosts)
		have += count_on(h, s, NULL);
	cJSON_ArrayForEach(h, w->hosts) {
		if (have >= want)
			break;
		if (count_on(h, s, NULL) > 0)
			continue;
		cmd_start_provider(w, a, s, h->string);
		have++;
	}
	if (w->hosts->child == NULL)
		set_status(s, ST_FAILED, "No eligible hosts found");
	return have >= want && w->hosts->child != NULL && s->status !=
	    ST_FAILED;
}

static bool
link_exists(const cJSON *links, const struct scaler *s)
{
	const struct lt_manifest_link *l = s->link;
	const cJSON *it;

	cJSON_ArrayForEach(it, links) {
		const char *src = sim_str(it, "source_id"), *t = sim_str(it,
		    "target"), *n = sim_str(it, "name"), *ns = sim_str(it,
		    "wit_namespace"), *pkg = sim_str(it, "wit_package");

		if (src && t && n && ns && pkg && !strcmp(src, s->comp->id) &&
		    !strcmp(t, l->target_id) && !strcmp(n, l->name) &&
		    !strcmp(ns, l->namespace) && !strcmp(pkg, l->package))
			return true;
	}
	return false;
}

/* One link.get per reconcile pass, as wadm refreshes its lattice
 * snapshot once before running the scalers for an event. */
static bool
reconcile_link(struct sim_wadm *w, struct app *a, struct scaler *s)
{
	bool there;

	if (!w->have_links) {
		w->links = wadm_query(w, "link.get", &w->have_links);
		if (!w->have_links) {
			cJSON_Delete(w->links);
			w->links = NULL;
			return false;
		}
	}
	there = link_exists(w->links, s);
	if (!there)
		cmd_link(w, a, s, true);
	return there;
}

void
wadm_pass_end(struct sim_wadm *w)
{
	cJSON_Delete(w->links);
	w->links = NULL;
	w->have_links = false;
}

static void
reconcile_scaler(struct sim_wadm *w, struct app *a, struct scaler *s,
    int64_t now)
{
	const struct lt_manifest_link *l = s->link;
	bool cfg_ok, done;
	size_t before = (size_t)cJSON_GetArraySize(w->pending);

	if (s->expect_until > now)
		return;
	if (s->kind == SK_LINK) {
		/* both sides, so that each one's configs are put */
		cfg_ok = configs_ready(w, a, &l->source_config, now);
		cfg_ok = configs_ready(w, a, &l->target_config, now) && cfg_ok;
	} else {
		cfg_ok = configs_ready(w, a, &s->comp->config, now);
	}
	if (!cfg_ok) {
		set_status(s, ST_RECONCILING, "Waiting for configuration");
		return;
	}
	if (s->status == ST_FAILED)
		set_status(s, ST_RECONCILING, NULL);
	done = s->kind == SK_SPREAD ? reconcile_spread(w, a, s) :
	    s->kind == SK_DAEMON ? reconcile_daemon(w, a, s) :
	    s->kind == SK_PROVIDER ? reconcile_provider(w, a, s) :
	    reconcile_link(w, a, s);
	if (done)
		set_status(s, ST_DEPLOYED, NULL);
	else if (s->status != ST_FAILED)
		set_status(s, ST_RECONCILING, s->kind == SK_LINK ? NULL :
		    "Scaling component on 1 host(s)");
	if ((size_t)cJSON_GetArraySize(w->pending) > before)
		s->expect_until = now + w->sim->o.backoff_ns;
}

static void
reconcile_app(struct sim_wadm *w, struct app *a, int64_t now)
{
	size_t i;

	for (i = 0; i < a->nscalers; i++)
		reconcile_scaler(w, a, &a->scalers[i], now);
	wadm_publish_status(w, a);
}

/* Run on events and heartbeats (w->dirty), as wadm's event worker does;
 * an expired expectation waits for the next such trigger. */
void
wadm_reconcile(struct sim_wadm *w, int64_t now)
{
	size_t i;

	if (!w->dirty)
		return;
	w->dirty = false;
	for (i = 0; i < w->napps; i++)
		if (w->apps[i].deployed >= 0)
			reconcile_app(w, &w->apps[i], now);
	wadm_pass_end(w);
}

/* ---- deploy, upgrade, undeploy ---- */

static void
wadm_cloudevent(struct sim_wadm *w, const char *type, cJSON *data)
{
	cJSON *ev = cJSON_CreateObject();
	char id[40], t[40], *subj, *ctype = lt_xasprintf("com.wadm.%s", type);

	sim_uuid4(id);
	lt_time_format(lt_now_ns(), t, sizeof(t));
	cJSON_AddStringToObject(ev, "specversion", "1.0");
	cJSON_AddStringToObject(ev, "id", id);
	cJSON_AddStringToObject(ev, "type", ctype);
	cJSON_AddStringToObject(ev, "source", "wadm");
	cJSON_AddStringToObject(ev, "datacontenttype", "application/json");
	cJSON_AddStringToObject(ev, "time", t);
	cJSON_AddItemToObject(ev, "data", data);
	subj = lt_xasprintf("wadm.evt.%s.%s", w->sim->o.lattice, type);
	sim_publish_json(w->sim->nc, subj, ev);
	sim_log("wadm: event %s", type);
	free(subj);
	free(ctype);
	cJSON_Delete(ev);
}

static bool
has_scaler(const struct app *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->nscalers; i++)
		if (!strcmp(a->scalers[i].id, id))
			return true;
	return false;
}

static bool
config_kept(const struct app *a, const char *name)
{
	size_t i;

	for (i = 0; a && i < a->nconfigs; i++)
		if (!strcmp(a->configs[i].name, name))
			return true;
	return false;
}

static const char *
spread_of(const cJSON *h, const struct scaler *s)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItem(
	    h, "components"), s->comp->id);
	const char *sp = sim_str(cJSON_GetObjectItem(e, "annotations"),
	    "wasmcloud.dev/spread_name");

	return sp ? sp : "default";
}

/* Scale to zero / stop / delete on every host where s's instances run. */
static void
inner_cleanup(struct sim_wadm *w, struct app *a, struct scaler *s,
    const struct app *next)
{
	const cJSON *h;

	if (s->kind == SK_LINK) {
		cmd_link(w, a, s, false);
		return;
	}
	cJSON_ArrayForEach(h, w->hosts) {
		cJSON *c;

		if (count_on(h, s, NULL) == 0)
			continue;
		if (s->kind == SK_PROVIDER) {
			c = command(w, "StopProvider");
			cJSON_AddStringToObject(c, "provider_id", s->comp->id);
			cJSON_AddStringToObject(c, "host_id", h->string);
			cJSON_AddStringToObject(c, "model_name", a->name);
			cJSON_AddItemToObject(c, "annotations",
			    cJSON_CreateObject());
		} else if (w->sim->o.fixed && next &&
		    lt_manifest_find_id(next->v[next->deployed].m, s->comp->id)) {
			continue;	/* updated in place, see fixed_updates */
		} else {
			cmd_scale(w, a, s, h->string, 0, spread_of(h, s));
		}
	}
}

/* BackoffWrapper cleanup: DeleteConfig for every wadm-managed config the
 * scaler owns (fixed mode: unless the next version still uses it), then
 * the inner cleanup. Order chosen in README. */
static void
cleanup(struct sim_wadm *w, struct app *a, struct scaler *s,
    const struct app *next)
{
	const struct lt_manifest_configs *lists[2] = { NULL, NULL };
	size_t i, j, k;

	if (s->kind == SK_LINK) {
		lists[0] = &s->link->source_config;
		lists[1] = &s->link->target_config;
	} else {
		lists[0] = &s->comp->config;
	}
	for (k = 0; k < 2 && lists[k]; k++)
		for (i = 0; i < lists[k]->n; i++) {
			const char *n = lists[k]->v[i].stored_name;

			if (!lists[k]->v[i].managed || (w->sim->o.fixed &&
			    config_kept(next, n)))
				continue;
			for (j = 0; j < a->nconfigs; j++)
				if (!strcmp(a->configs[j].name, n))
					cmd_config(w, &a->configs[j], false);
		}
	inner_cleanup(w, a, s, next);
}

/* fixed mode: an outdated component scaler whose id survives with a new
 * image is updated in place (component.update, new annotations) instead
 * of scaled to zero; the new scaler then waits for that update's event. */
static void
fixed_updates(struct sim_wadm *w, struct app *old, struct app *a,
    int64_t now)
{
	size_t i, j;

	for (i = 0; i < old->nscalers; i++) {
		struct scaler *s = &old->scalers[i];

		if ((s->kind != SK_SPREAD && s->kind != SK_DAEMON) ||
		    has_scaler(a, s->id))
			continue;
		for (j = 0; j < a->nscalers; j++) {
			struct scaler *n = &a->scalers[j];
			const cJSON *h;

			if (n->kind != s->kind || strcmp(n->comp->id, s->comp->id))
				continue;
			cJSON_ArrayForEach(h, w->hosts) {
				cJSON *c;

				if (count_on(h, s, NULL) == 0)
					continue;
				c = command(w, "UpdateComponent");
				cJSON_AddStringToObject(c, "component_id",
				    n->comp->id);
				cJSON_AddStringToObject(c, "host_id", h->string);
				cJSON_AddStringToObject(c, "new_reference",
				    n->comp->image);
				cJSON_AddStringToObject(c, "model_name", a->name);
				cJSON_AddItemToObject(c, "annotations",
				    cJSON_CreateObject());
				cJSON_AddStringToObject(cJSON_GetObjectItem(c,
				    "annotations"), "wasmcloud.dev/scaler", n->id);
				cJSON_AddStringToObject(cJSON_GetObjectItem(c,
				    "annotations"), "wasmcloud.dev/spread_name",
				    spread_of(h, s));
				n->expect_until = now + w->sim->o.backoff_ns;
			}
		}
	}
}

/* handle_manifest_published: new scalers reconcile first, then the
 * outdated scalers' cleanup is published. */
void
wadm_deploy(struct sim_wadm *w, struct app *a, int version)
{
	struct app old = *a;
	int64_t now = lt_mono_ns();
	size_t i;

	wadm_cloudevent(w, "manifest_published", cJSON_Duplicate(
	    a->v[version].m->doc, 1));
	if (w->sim->wadm_stalled) {	/* the API stores, nothing runs */
		a->deployed = version;
		wadm_store(w, a);
		return;
	}
	a->scalers = NULL;
	a->nscalers = 0;
	a->configs = NULL;
	a->nconfigs = 0;
	a->deployed = version;
	build_scalers(a, a->v[version].m);
	if (w->sim->o.fixed && old.deployed >= 0)
		fixed_updates(w, &old, a, now);
	for (i = 0; i < a->nscalers; i++)
		reconcile_scaler(w, a, &a->scalers[i], now);
	for (i = 0; old.deployed >= 0 && i < old.nscalers; i++)
		if (!has_scaler(a, old.scalers[i].id))
			cleanup(w, &old, &old.scalers[i], a);
	wadm_pass_end(w);
	wadm_scalers_free(&old);
	wadm_publish_status(w, a);
	wadm_store(w, a);
}

void
wadm_undeploy(struct sim_wadm *w, struct app *a)
{
	cJSON *d = cJSON_CreateObject();
	bool was = a->deployed >= 0;
	size_t i;

	cJSON_AddStringToObject(d, "name", a->name);
	wadm_cloudevent(w, "manifest_unpublished", d);
	if (w->sim->wadm_stalled) {
		a->deployed = -1;
		if (was)
			wadm_store(w, a);
		return;
	}
	for (i = 0; was && i < a->nscalers; i++)
		cleanup(w, a, &a->scalers[i], NULL);
	wadm_scalers_free(a);
	a->deployed = -1;
	wadm_publish_status(w, a);
	if (was)
		wadm_store(w, a);
}

/* ---- command worker ---- */

/* wadm's managed annotations, in the order hosts report them. */
static cJSON *
managed(const cJSON *cmd)
{
	cJSON *a = cJSON_CreateObject();
	const cJSON *it;

	cJSON_AddStringToObject(a, "wasmcloud.dev/appspec",
	    sim_str(cmd, "model_name") ? sim_str(cmd, "model_name") : "");
	cJSON_AddStringToObject(a, "wasmcloud.dev/managed-by", "wadm");
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(cmd, "annotations"))
		cJSON_AddItemToObject(a, it->string, cJSON_Duplicate(it, 1));
	return a;
}

static void
copy(cJSON *to, const char *to_key, const cJSON *from, const char *key)
{
	const cJSON *v = cJSON_GetObjectItem(from, key);

	cJSON_AddItemToObject(to, to_key, v ? cJSON_Duplicate(v, 1) :
	    cJSON_CreateArray());
}

/* The ctl subject tail and request body for one wadm command. */
static char *
to_ctl(const char *type, const cJSON *c, cJSON *body)
{
	const char *host = sim_str(c, "host_id");

	if (!strcmp(type, "ScaleComponent")) {
		cJSON_AddStringToObject(body, "component_ref",
		    sim_str(c, "reference"));
		copy(body, "component_id", c, "component_id");
		cJSON_AddItemToObject(body, "annotations", managed(c));
		copy(body, "count", c, "count");
		copy(body, "host_id", c, "host_id");
		copy(body, "config", c, "config");
		cJSON_AddBoolToObject(body, "allow_update", false);
		return lt_xasprintf("component.scale.%s", host);
	}
	if (!strcmp(type, "UpdateComponent")) {
		copy(body, "component_id", c, "component_id");
		cJSON_AddItemToObject(body, "annotations", managed(c));
		copy(body, "host_id", c, "host_id");
		copy(body, "new_component_ref", c, "new_reference");
		return lt_xasprintf("component.update.%s", host);
	}
	if (!strcmp(type, "StartProvider")) {
		copy(body, "provider_id", c, "provider_id");
		copy(body, "provider_ref", c, "reference");
		copy(body, "host_id", c, "host_id");
		copy(body, "config", c, "config");
		cJSON_AddItemToObject(body, "annotations", managed(c));
		return lt_xasprintf("provider.start.%s", host);
	}
	if (!strcmp(type, "StopProvider")) {
		copy(body, "host_id", c, "host_id");
		copy(body, "provider_id", c, "provider_id");
		return lt_xasprintf("provider.stop.%s", host);
	}
	return NULL;
}

static char *
to_ctl_kv(const char *type, const cJSON *c, cJSON *body)
{
	static const char *const link_keys[] = { "source_id", "target", "name",
	    "wit_namespace", "wit_package", "interfaces", "source_config",
	    "target_config" };
	size_t i;

	if (!strcmp(type, "PutLink")) {
		for (i = 0; i < LT_ARRAY_SIZE(link_keys); i++)
			copy(body, link_keys[i], c, link_keys[i]);
		return lt_xstrdup("link.put");
	}
	if (!strcmp(type, "DeleteLink")) {
		copy(body, "source_id", c, "source_id");
		copy(body, "name", c, "link_name");
		copy(body, "wit_namespace", c, "wit_namespace");
		copy(body, "wit_package", c, "wit_package");
		return lt_xstrdup("link.del");
	}
	if (!strcmp(type, "PutConfig")) {
		const cJSON *it;

		cJSON_ArrayForEach(it, cJSON_GetObjectItem(c, "config"))
			cJSON_AddItemToObject(body, it->string,
			    cJSON_Duplicate(it, 1));
		return lt_xasprintf("config.put.%s", sim_str(c, "config_name"));
	}
	if (!strcmp(type, "DeleteConfig"))
		return lt_xasprintf("config.del.%s", sim_str(c, "config_name"));
	return NULL;
}

static void
execute(struct sim_wadm *w, const cJSON *cmd)
{
	const char *type = cmd->child ? cmd->child->string : NULL;
	cJSON *body = cJSON_CreateObject();
	char *tail = NULL, *subj, *data;
	natsMsg *reply = NULL;
	natsStatus st;

	if (type != NULL && (tail = to_ctl(type, cmd->child, body)) == NULL)
		tail = to_ctl_kv(type, cmd->child, body);
	if (tail == NULL) {
		sim_log("wadm: unknown command");
		cJSON_Delete(body);
		return;
	}
	subj = lt_xasprintf("%s.%s", w->sim->prefix, tail);
	data = !strcmp(type, "DeleteConfig") ? lt_xstrdup("") :
	    cJSON_PrintUnformatted(body);
	st = natsConnection_RequestString(&reply, w->sim->nc, subj, data,
	    CMD_TIMEOUT_MS);
	sim_log("wadm: %s -> %s: %.*s", type, tail, st == NATS_OK ?
	    natsMsg_GetDataLength(reply) : 0, st == NATS_OK ?
	    natsMsg_GetData(reply) : "");
	if (st != NATS_OK)
		sim_log("wadm: %s: %s", tail, natsStatus_GetText(st));
	natsMsg_Destroy(reply);
	free(data);
	free(subj);
	free(tail);
	cJSON_Delete(body);
}

/* Commands run one at a time in publish order (one subscription). */
void
wadm_on_cmd(natsConnection *nc, natsSubscription *sub, natsMsg *m,
    void *arg)
{
	cJSON *cmd = sim_parse(m);
	struct sim_wadm *w = arg;

	if (cJSON_IsObject(cmd) && !w->sim->wadm_stalled)
		execute(w, cmd);
	cJSON_Delete(cmd);
	natsMsg_Destroy(m);
}
