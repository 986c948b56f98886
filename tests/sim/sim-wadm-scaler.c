/* sim-wadm-scaler.c: wadm's inside: scalers built from the deployed
 * manifest (SpreadScaler/DaemonScaler per component and provider,
 * LinkScaler per link, each owning ConfigScalers for its managed configs),
 * reconciliation into wadm.cmd commands, the command worker that turns
 * them into real ctl requests, and the upgrade path in 0.21 and fixed
 * mode (README.md has the sequences). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/util.h"
#include "sim-wadm.h"

#include "banned.h"

static const char *const kind_names[] = { "SpreadScaler", "DaemonScaler",
    "SpreadScaler", "LinkScaler" };
static const char *const st_names[] = { "reconciling", "deployed", "failed",
    "waiting" };

/* Not sha256, but the same shape: 64 hex digits over the parts. */
static void
scaler_id(const char *parts, char *out)
{
	int i;

	for (i = 0; i < 4; i++) {
		char *salted = lt_xasprintf("%d|%s", i, parts);

		snprintf(out + 16 * i, 17, "%016llx", (unsigned long long)
		    lt_hash64(salted, strlen(salted)));
		free(salted);
	}
}

static void
add_config_names(struct lt_buf *b, const struct lt_manifest_configs *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		lt_buf_addf(b, "|%s", c->v[i].stored_name);
}

static void
add_wconfigs(struct app *a, const struct lt_manifest_configs *c)
{
	size_t i, j;

	for (i = 0; i < c->n; i++) {
		cJSON *p;

		if (!c->v[i].managed)
			continue;
		for (j = 0; j < a->nconfigs; j++)
			if (!strcmp(a->configs[j].name, c->v[i].stored_name))
				break;
		if (j < a->nconfigs)
			continue;
		p = cJSON_CreateObject();
		for (j = 0; j < c->v[i].nprops; j++)
			cJSON_AddStringToObject(p, c->v[i].props[j].key,
			    c->v[i].props[j].value);
		a->configs = lt_xrealloc(a->configs, (a->nconfigs + 1) *
		    sizeof(*a->configs));
		memset(&a->configs[a->nconfigs], 0, sizeof(*a->configs));
		a->configs[a->nconfigs].name = lt_xstrdup(c->v[i].stored_name);
		a->configs[a->nconfigs].props = p;
		a->configs[a->nconfigs++].deployed = false;
	}
}

static struct scaler *
new_scaler(struct app *a, enum scaler_kind k)
{
	struct scaler *s;

	a->scalers = lt_xrealloc(a->scalers, (a->nscalers + 1) *
	    sizeof(*a->scalers));
	s = &a->scalers[a->nscalers++];
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->status = ST_RECONCILING;
	return s;
}

static void
link_scaler(struct app *a, const struct lt_manifest_component *c,
    const struct lt_manifest_link *l)
{
	struct scaler *s = new_scaler(a, SK_LINK);
	struct lt_buf b = LT_BUF_INIT;
	size_t i;

	s->comp = c;
	s->link = l;
	s->name = lt_xasprintf("%s -(%s:%s)-> %s", c->id, l->namespace,
	    l->package, l->target_id);
	lt_buf_addf(&b, "LinkScaler|%s|%s|%s|%s|%s|%s", a->name, l->name,
	    c->id, l->target_id, l->namespace, l->package);
	for (i = 0; i < l->ninterfaces; i++)
		lt_buf_addf(&b, "|%s", l->interfaces[i]);
	add_config_names(&b, &l->source_config);
	add_config_names(&b, &l->target_config);
	scaler_id(lt_buf_str(&b), s->id);
	lt_buf_release(&b);
	add_wconfigs(a, &l->source_config);
	add_wconfigs(a, &l->target_config);
}

void
build_scalers(struct app *a, const struct lt_manifest *m)
{
	size_t i, j;

	for (i = 0; i < m->ncomponents; i++) {
		const struct lt_manifest_component *c = &m->components[i];
		struct lt_buf b = LT_BUF_INIT;
		struct scaler *s = NULL;

		if (c->type == LT_MANIFEST_CAPABILITY)
			s = new_scaler(a, SK_PROVIDER);
		else if (c->scaler.kind != LT_MANIFEST_SCALER_NONE)
			s = new_scaler(a, c->scaler.kind ==
			    LT_MANIFEST_SCALER_DAEMON ? SK_DAEMON : SK_SPREAD);
		if (s != NULL && c->image != NULL) {
			s->comp = c;
			s->name = lt_xstrdup(c->id);
			lt_buf_addf(&b, "%s|%s|%s|%s|%s", kind_names[s->kind],
			    a->name, c->name, c->id, c->image);
			add_config_names(&b, &c->config);
			scaler_id(lt_buf_str(&b), s->id);
			add_wconfigs(a, &c->config);
		} else if (s != NULL) {
			a->nscalers--;
		}
		lt_buf_release(&b);
		for (j = 0; j < c->nlinks; j++)
			link_scaler(a, c, &c->links[j]);
	}
}

void
wadm_scalers_free(struct app *a)
{
	size_t i;

	for (i = 0; i < a->nscalers; i++) {
		free(a->scalers[i].name);
		free(a->scalers[i].message);
		cJSON_Delete(a->scalers[i].failed_hosts);
	}
	free(a->scalers);
	a->scalers = NULL;
	a->nscalers = 0;
	for (i = 0; i < a->nconfigs; i++) {
		free(a->configs[i].name);
		cJSON_Delete(a->configs[i].props);
	}
	free(a->configs);
	a->configs = NULL;
	a->nconfigs = 0;
}

/* ---- status ---- */

static cJSON *
status_obj(enum st st, const char *msg)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", st_names[st]);
	if (msg != NULL && *msg)
		cJSON_AddStringToObject(o, "message", msg);
	return o;
}

/* StatusType's sum (wadm-types api.rs): failed, then undeployed, then
 * waiting, then reconciling, then unhealthy win over deployed. */
static enum st
st_add(enum st a, enum st b)
{
	static const enum st order[] = { ST_FAILED, ST_WAITING,
	    ST_RECONCILING };
	size_t i;

	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (a == order[i] || b == order[i])
			return order[i];
	return ST_DEPLOYED;
}

/* detailed_scaler_status: the types summed, the scalers' non-empty
 * messages joined with ", "; scalers left out when there are none, and
 * the sum of none is undeployed. An undeployed app: wadm's "Manifest has
 * been undeployed" status. */
cJSON *
wadm_status_json(struct app *a)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *info;
	struct lt_buf msg = LT_BUF_INIT;
	enum st all = ST_DEPLOYED;
	size_t i;

	for (i = 0; a->deployed >= 0 && i < a->nscalers; i++) {
		struct scaler *s = &a->scalers[i];
		cJSON *e = cJSON_CreateObject();

		cJSON_AddStringToObject(e, "id", s->id);
		cJSON_AddStringToObject(e, "kind", kind_names[s->kind]);
		cJSON_AddStringToObject(e, "name", s->name);
		cJSON_AddItemToObject(e, "status", status_obj(s->status,
		    s->message));
		cJSON_AddItemToArray(arr, e);
		all = i ? st_add(all, s->status) : s->status;
		if (s->message && *s->message)
			lt_buf_addf(&msg, "%s%s", msg.len ? ", " : "", s->message);
	}
	if (a->deployed < 0 || arr->child == NULL) {
		info = cJSON_CreateObject();
		cJSON_AddStringToObject(info, "type", "undeployed");
		if (a->deployed < 0)
			cJSON_AddStringToObject(info, "message",
			    "Manifest has been undeployed");
	} else {
		info = status_obj(all, lt_buf_str(&msg));
	}
	cJSON_AddItemToObject(o, "status", info);
	if (arr->child != NULL)
		cJSON_AddItemToObject(o, "scalers", arr);
	else
		cJSON_Delete(arr);
	cJSON_AddStringToObject(o, "version", "");
	cJSON_AddArrayToObject(o, "components");
	lt_buf_release(&msg);
	return o;
}

/* wadm.status.{L}.{app}, only when it changed. */
void
wadm_publish_status(struct sim_wadm *w, struct app *a)
{
	cJSON *st = wadm_status_json(a);
	char *body = cJSON_PrintUnformatted(st), *subj;

	if (a->last_status == NULL || strcmp(a->last_status, body)) {
		subj = lt_xasprintf("wadm.status.%s.%s", w->sim->o.lattice,
		    a->name);
		natsConnection_PublishString(w->sim->nc, subj, body);
		sim_log("wadm: status %s %s", a->name, sim_str(
		    cJSON_GetObjectItem(st, "status"), "type"));
		free(subj);
		free(a->last_status);
		a->last_status = lt_xstrdup(body);
	}
	cJSON_free(body);
	cJSON_Delete(st);
}

/* ---- commands ---- */

cJSON *
command(struct sim_wadm *w, const char *type)
{
	cJSON *c = cJSON_CreateObject(), *inner = cJSON_CreateObject();

	cJSON_AddItemToObject(c, type, inner);
	cJSON_AddItemToArray(w->pending, c);
	return inner;
}

void
wadm_flush_commands(struct sim_wadm *w)
{
	cJSON *batch, *c;

	pthread_mutex_lock(&w->lock);
	batch = w->pending;
	w->pending = cJSON_CreateArray();
	pthread_mutex_unlock(&w->lock);
	cJSON_ArrayForEach(c, batch) {
		sim_log("wadm: cmd %s", c->child->string);
		sim_publish_json(w->sim->nc, w->cmd_subject, c);
	}
	cJSON_Delete(batch);
}

static cJSON *
scaler_annotations(const struct scaler *s, const char *spread)
{
	cJSON *a = cJSON_CreateObject();

	cJSON_AddStringToObject(a, "wasmcloud.dev/scaler", s->id);
	cJSON_AddStringToObject(a, "wasmcloud.dev/spread_name", spread);
	return a;
}

static cJSON *
stored_names(const struct lt_manifest_configs *c)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < c->n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(
		    c->v[i].stored_name));
	return arr;
}

void
cmd_scale(struct sim_wadm *w, struct app *a, const struct scaler *s,
    const char *host, uint64_t count, const char *spread)
{
	cJSON *c = command(w, "ScaleComponent");

	cJSON_AddStringToObject(c, "component_id", s->comp->id);
	cJSON_AddStringToObject(c, "host_id", host);
	cJSON_AddNumberToObject(c, "count", (double)count);
	cJSON_AddStringToObject(c, "reference", s->comp->image);
	cJSON_AddStringToObject(c, "model_name", a->name);
	cJSON_AddItemToObject(c, "annotations", scaler_annotations(s, spread));
	cJSON_AddItemToObject(c, "config", stored_names(&s->comp->config));
}

void
cmd_start_provider(struct sim_wadm *w, struct app *a, const struct scaler *s,
    const char *host)
{
	cJSON *c = command(w, "StartProvider");

	cJSON_AddStringToObject(c, "reference", s->comp->image);
	cJSON_AddStringToObject(c, "provider_id", s->comp->id);
	cJSON_AddStringToObject(c, "host_id", host);
	cJSON_AddStringToObject(c, "model_name", a->name);
	cJSON_AddItemToObject(c, "annotations", scaler_annotations(s,
	    "default"));
	if (s->comp->config.n > 0)
		cJSON_AddItemToObject(c, "config", stored_names(
		    &s->comp->config));
}

void
cmd_link(struct sim_wadm *w, struct app *a, const struct scaler *s, bool put)
{
	const struct lt_manifest_link *l = s->link;
	cJSON *c = command(w, put ? "PutLink" : "DeleteLink");

	cJSON_AddStringToObject(c, "source_id", s->comp->id);
	if (put) {
		cJSON_AddStringToObject(c, "target", l->target_id);
		cJSON_AddStringToObject(c, "name", l->name);
	}
	cJSON_AddStringToObject(c, "wit_namespace", l->namespace);
	cJSON_AddStringToObject(c, "wit_package", l->package);
	if (put) {
		cJSON_AddItemToObject(c, "interfaces", cJSON_CreateStringArray(
		    (const char *const *)l->interfaces, (int)l->ninterfaces));
		cJSON_AddItemToObject(c, "source_config",
		    stored_names(&l->source_config));
		cJSON_AddItemToObject(c, "target_config",
		    stored_names(&l->target_config));
	} else {
		cJSON_AddStringToObject(c, "link_name", l->name);
	}
	cJSON_AddStringToObject(c, "model_name", a->name);
}

void
cmd_config(struct sim_wadm *w, const struct wconfig *wc, bool put)
{
	cJSON *c = command(w, put ? "PutConfig" : "DeleteConfig");

	cJSON_AddStringToObject(c, "config_name", wc->name);
	if (put)
		cJSON_AddItemToObject(c, "config", cJSON_Duplicate(wc->props, 1));
}

/* ---- lattice state ---- */

static cJSON *
host_entry(struct sim_wadm *w, const char *host)
{
	cJSON *h = cJSON_GetObjectItemCaseSensitive(w->hosts, host);

	if (h == NULL) {
		h = cJSON_AddObjectToObject(w->hosts, host);
		cJSON_AddObjectToObject(h, "components");
		cJSON_AddObjectToObject(h, "providers");
		cJSON_AddObjectToObject(h, "labels");
	}
	return h;
}

static void
set_instance(cJSON *map, const char *id, const cJSON *src)
{
	cJSON *e = cJSON_CreateObject();
	const cJSON *v;

	if ((v = cJSON_GetObjectItem(src, "image_ref")) != NULL)
		cJSON_AddItemToObject(e, "image_ref", cJSON_Duplicate(v, 1));
	if ((v = cJSON_GetObjectItem(src, "annotations")) != NULL)
		cJSON_AddItemToObject(e, "annotations", cJSON_Duplicate(v, 1));
	if ((v = cJSON_GetObjectItem(src, "max_instances")) != NULL)
		cJSON_AddItemToObject(e, "max", cJSON_Duplicate(v, 1));
	cJSON_DeleteItemFromObjectCaseSensitive(map, id);
	cJSON_AddItemToObject(map, id, e);
}

/* The heartbeat's inventory replaces what wadm knew of the host; the host
 * keeps its place in wadm's host order (the order it was first seen in). */
static void
heartbeat(struct sim_wadm *w, const char *host, const cJSON *d)
{
	cJSON *h = host_entry(w, host), *comps, *provs;
	const cJSON *it;

	cJSON_ReplaceItemInObject(h, "components", cJSON_CreateObject());
	cJSON_ReplaceItemInObject(h, "providers", cJSON_CreateObject());
	comps = cJSON_GetObjectItem(h, "components");
	provs = cJSON_GetObjectItem(h, "providers");
	cJSON_ReplaceItemInObject(h, "labels", cJSON_Duplicate(
	    cJSON_GetObjectItem(d, "labels"), 1));
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "components"))
		if (sim_str(it, "id"))
			set_instance(comps, sim_str(it, "id"), it);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(d, "providers"))
		if (sim_str(it, "id"))
			set_instance(provs, sim_str(it, "id"), it);
}

/* The scaler of any deployed app whose resource id and annotation match. */
static struct scaler *
scaler_for(struct sim_wadm *w, const char *id, const cJSON *ann)
{
	const char *sid = sim_str(ann, "wasmcloud.dev/scaler");
	size_t i, j;

	for (i = 0; id && i < w->napps; i++)
		for (j = 0; j < w->apps[i].nscalers; j++) {
			struct scaler *s = &w->apps[i].scalers[j];

			if (s->kind != SK_LINK && (sid == NULL ||
			    !strcmp(s->id, sid)) && !strcmp(s->comp->id, id))
				return s;
		}
	return NULL;
}

static bool
in_list(const struct lt_manifest_configs *c, const char *name)
{
	size_t i;

	for (i = 0; c && i < c->n; i++)
		if (!strcmp(c->v[i].stored_name, name))
			return true;
	return false;
}

static bool
owns(const struct scaler *s, const char *name)
{
	if (s->kind == SK_LINK)
		return in_list(&s->link->source_config, name) ||
		    in_list(&s->link->target_config, name);
	return in_list(&s->comp->config, name);
}

/* A scaler of app a that owns config name and is not backing off (not
 * waiting for the events of commands it sent). */
static bool
idle_owner(const struct app *a, const char *name, int64_t now)
{
	size_t k;

	for (k = 0; k < a->nscalers; k++)
		if (owns(&a->scalers[k], name) && a->scalers[k].expect_until <= now)
			return true;
	return false;
}

/* Scalers react to config_set (wadm PR #618): wake the owners. A
 * config_set or config_deleted reaches the ConfigScaler, which compares
 * CONFIGDATA with the manifest and re-puts it when they differ, in the
 * fixed mode always, in 0.21 only when an owner is not backing off:
 * upstream's BackoffAwareScaler hands events to its ConfigScalers only
 * then (README). The config_set of wadm's own PutConfig just confirms it. */
static void
config_event(struct sim_wadm *w, const char *name, bool set)
{
	int64_t now = lt_mono_ns();
	size_t i, j, k;

	for (i = 0; name && i < w->napps; i++)
		for (j = 0; j < w->apps[i].nconfigs; j++) {
			struct wconfig *wc = &w->apps[i].configs[j];
			bool ours = set && wc->put_until > now;

			if (strcmp(wc->name, name) || !(ours ||
			    w->sim->o.fixed || idle_owner(&w->apps[i], name,
			    now)))
				continue;
			wc->deployed = ours;
			wc->put_until = 0;
			for (k = 0; set && k < w->apps[i].nscalers; k++)
				if (owns(&w->apps[i].scalers[k], name))
					w->apps[i].scalers[k].expect_until = 0;
		}
}

static void
link_event(struct sim_wadm *w, const char *source)
{
	size_t i, j;

	for (i = 0; source && i < w->napps; i++)
		for (j = 0; j < w->apps[i].nscalers; j++)
			if (w->apps[i].scalers[j].kind == SK_LINK &&
			    !strcmp(w->apps[i].scalers[j].comp->id, source))
				w->apps[i].scalers[j].expect_until = 0;
}

/* Remember a host that failed to start s, so that placement tries the
 * other eligible hosts first (README: placement). */
static void
note_failed_host(struct scaler *s, const char *host)
{
	if (host == NULL)
		return;
	if (s->failed_hosts == NULL)
		s->failed_hosts = cJSON_CreateObject();
	if (!cJSON_HasObjectItem(s->failed_hosts, host))
		cJSON_AddTrueToObject(s->failed_hosts, host);
}

/* Whether d is the event s waits for after its command (upstream's
 * expected event: same image and, for a one-spread or daemon component
 * scaler, the count it asked for). Any other event with s's annotations,
 * e.g. the one a host sends when another app's scaler rescaled the same
 * id (README: scaler conflict), leaves s backing off. */
static bool
expected(const struct scaler *s, const cJSON *d)
{
	const struct lt_manifest_scaler *sc = &s->comp->scaler;
	const cJSON *max = cJSON_GetObjectItem(d, "max_instances");
	const char *ref = sim_str(d, "image_ref");

	if (ref != NULL && strcmp(ref, s->comp->image))
		return false;
	if (max == NULL || s->kind == SK_PROVIDER || (s->kind == SK_SPREAD &&
	    sc->nspreads > 1))
		return true;
	return (uint64_t)max->valuedouble == sc->instances;
}

static void
instance_event(struct sim_wadm *w, const char *type, const cJSON *d,
    const char *host)
{
	bool comp = lt_str_has_prefix(type, "component");
	const char *id = sim_str(d, comp ? "component_id" : "provider_id");
	cJSON *map = cJSON_GetObjectItem(host_entry(w, host), comp ?
	    "components" : "providers");
	struct scaler *s = scaler_for(w, id, cJSON_GetObjectItem(d,
	    "annotations"));
	const cJSON *max = cJSON_GetObjectItem(d, "max_instances");
	const char *known;

	if (id == NULL)
		return;
	if (strstr(type, "failed") != NULL) {
		if (s != NULL) {
			s->status = ST_FAILED;
			free(s->message);
			s->message = lt_xstrdup(sim_str(d, "error") ?
			    sim_str(d, "error") : "failed");
			note_failed_host(s, host);
		}
		return;
	}
	if (s != NULL) {	/* it runs somewhere: every host may try again */
		cJSON_Delete(s->failed_hosts);
		s->failed_hosts = NULL;
	}
	known = sim_str(cJSON_GetObjectItem(map, id), "image_ref");
	if (!strcmp(type, "provider_stopped") || (max && max->valuedouble == 0))
		if (known == NULL || sim_str(d, "image_ref") == NULL ||
		    !strcmp(known, sim_str(d, "image_ref"))) {
			cJSON_DeleteItemFromObjectCaseSensitive(map, id);
			return;
		}
	if (max && max->valuedouble == 0)
		return;
	set_instance(map, id, d);
	if (s != NULL && expected(s, d))
		s->expect_until = 0;
}

/* Update what wadm knows from one host event. Called with w->lock. */
void
wadm_event(struct sim_wadm *w, const char *type, const cJSON *d)
{
	const char *host = sim_str(d, "host_id");

	if (host == NULL)
		return;
	if (!strcmp(type, "host_heartbeat"))
		heartbeat(w, host, d);
	else if (!strcmp(type, "host_started"))
		heartbeat(w, host, d);
	else if (!strcmp(type, "host_stopped"))
		cJSON_DeleteItemFromObjectCaseSensitive(w->hosts, host);
	else if (!strcmp(type, "config_set"))
		config_event(w, sim_str(d, "config_name"), true);
	else if (!strcmp(type, "config_deleted"))
		config_event(w, sim_str(d, "config_name"), false);
	else if (!strcmp(type, "linkdef_set"))
		link_event(w, sim_str(d, "source_id"));
	else if (lt_str_has_prefix(type, "component_scale") ||
	    lt_str_has_prefix(type, "provider_st"))
		instance_event(w, type, d, host);
}
