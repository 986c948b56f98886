/* sim-wadm-state.c: wadm's lattice state in the KV bucket wadm_state, as
 * wadm 0.21 keeps it (storage/nats_kv.rs, storage/state.rs and the event
 * worker, workers/event.rs): one key per kind and lattice, host_{L},
 * component_{L} and provider_{L}, each a JSON map from id to the object,
 * updated from the same events and written whole after each one.
 * docs/protocol.md ("What latticesim plays") lists the shapes. Every
 * function here runs with sim_wadm.lock held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/util.h"
#include "sim-wadm.h"

#include "banned.h"

static const char *const kinds[WS_N] = { "host", "component", "provider" };

static cJSON *
obj(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static const char *
str_or(const cJSON *o, const char *key, const char *dflt)
{
	const char *v = sim_str(o, key);

	return v ? v : dflt;
}

static int
by_key(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

	return strcmp(x->string, y->string);
}

/* A string map as a BTreeMap serialises it: keys in byte order. The
 * sim's own http-port annotation, which only latticesim's inventories
 * carry, is left out so that inventories and events agree as they do
 * upstream. */
static cJSON *
sorted_map(const cJSON *m)
{
	cJSON *out = cJSON_CreateObject();
	const cJSON *src, **v;
	size_t n = 0, i;

	v = lt_xcalloc((size_t)cJSON_GetArraySize(m) + 1, sizeof(*v));
	cJSON_ArrayForEach(src, m)
		if (cJSON_IsString(src) && strcmp(src->string,
		    SIM_HTTP_PORT_KEY))
			v[n++] = src;
	qsort(v, n, sizeof(*v), by_key);
	for (i = 0; i < n; i++)
		cJSON_AddStringToObject(out, v[i]->string, v[i]->valuestring);
	free(v);
	return out;
}

/* Put item under key in map, in place when the key exists. */
static void
set(cJSON *map, const char *key, cJSON *item)
{
	if (cJSON_HasObjectItem(map, key))
		cJSON_ReplaceItemInObjectCaseSensitive(map, key, item);
	else
		cJSON_AddItemToObject(map, key, item);
}

static void
dirty(struct sim_wadm *w, enum ws_kind k)
{
	w->st_dirty[k] = true;
}

static cJSON *
host_obj(const cJSON *d, const char *id, bool heartbeat)
{
	cJSON *h = cJSON_CreateObject(), *comps, *provs, *labels;
	const cJSON *it, *ic = heartbeat ? obj(d, "components") : NULL;
	const cJSON *ip = heartbeat ? obj(d, "providers") : NULL;
	char t[40];

	comps = cJSON_AddObjectToObject(h, "components");
	provs = cJSON_CreateArray();
	cJSON_ArrayForEach(it, ic)
		if (sim_str(it, "id"))
			set(comps, sim_str(it, "id"), cJSON_CreateNumber(
			    cJSON_GetNumberValue(obj(it, "max_instances"))));
	cJSON_ArrayForEach(it, ip) {
		cJSON *p = cJSON_CreateObject();

		cJSON_AddStringToObject(p, "provider_id", str_or(it, "id", ""));
		cJSON_AddStringToObject(p, "provider_ref", str_or(it,
		    "image_ref", ""));
		cJSON_AddItemToObject(p, "annotations", sorted_map(obj(it,
		    "annotations")));
		cJSON_AddItemToArray(provs, p);
	}
	cJSON_AddStringToObject(h, "friendly_name", str_or(d, "friendly_name",
	    ""));
	labels = cJSON_IsObject(obj(d, "labels")) ? cJSON_Duplicate(obj(d,
	    "labels"), 1) : cJSON_CreateObject();
	cJSON_AddItemToObject(h, "labels", labels);
	cJSON_AddItemToObject(h, "providers", provs);
	cJSON_AddNumberToObject(h, "uptime_seconds", heartbeat ?
	    cJSON_GetNumberValue(obj(d, "uptime_seconds")) : 0);
	if (heartbeat && sim_str(d, "version"))
		cJSON_AddStringToObject(h, "version", sim_str(d, "version"));
	else
		cJSON_AddNullToObject(h, "version");
	cJSON_AddStringToObject(h, "id", id);
	lt_time_format(lt_now_ns(), t, sizeof(t));
	cJSON_AddStringToObject(h, "last_seen", t);
	return h;
}

/* One WadmComponentInfo: instances per set of annotations. */
static cJSON *
info(const cJSON *ann, double count)
{
	cJSON *i = cJSON_CreateObject();

	cJSON_AddItemToObject(i, "annotations", sorted_map(ann));
	cJSON_AddNumberToObject(i, "count", count);
	return i;
}

static cJSON *
info_find(const cJSON *set_, const cJSON *ann)
{
	cJSON *s = sorted_map(ann), *it;

	cJSON_ArrayForEach(it, set_)
		if (cJSON_Compare(obj(it, "annotations"), s, true))
			break;
	cJSON_Delete(s);
	return it;
}

static cJSON *
comp_obj(const char *id, const char *name, const char *issuer,
    cJSON *instances, const char *ref)
{
	cJSON *c = cJSON_CreateObject();

	cJSON_AddStringToObject(c, "id", id);
	cJSON_AddStringToObject(c, "name", name);
	cJSON_AddStringToObject(c, "issuer", issuer);
	cJSON_AddItemToObject(c, "instances", instances);
	cJSON_AddStringToObject(c, "reference", ref);
	return c;
}

static cJSON *
prov_obj(const char *id, const cJSON *claims, const char *ref)
{
	cJSON *p = cJSON_CreateObject();

	cJSON_AddStringToObject(p, "id", id);
	cJSON_AddStringToObject(p, "name", str_or(claims, "name", ""));
	cJSON_AddStringToObject(p, "issuer", str_or(claims, "issuer", ""));
	cJSON_AddStringToObject(p, "reference", ref);
	cJSON_AddObjectToObject(p, "hosts");
	return p;
}

/* handle_component_scaled: the host's set of instances, keyed by
 * annotations, takes the new count (0 removes it); the host's own
 * components map follows. */
static void
on_scaled(struct sim_wadm *w, const cJSON *d, const char *host)
{
	const char *id = sim_str(d, "component_id");
	const cJSON *ann = obj(d, "annotations");
	double max = cJSON_GetNumberValue(obj(d, "max_instances"));
	cJSON *cur = obj(w->st[WS_COMP], id), *inst, *hs, *h;

	if (id == NULL || !cJSON_IsNumber(obj(d, "max_instances")))
		return;
	inst = cur ? cJSON_Duplicate(obj(cur, "instances"), 1) :
	    cJSON_CreateObject();
	hs = obj(inst, host);
	if (hs == NULL && (cur == NULL || max > 0))
		hs = cJSON_AddArrayToObject(inst, host);
	if (hs != NULL) {
		cJSON *old = info_find(hs, ann);

		if (old != NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(hs, old));
		if (max > 0 || cur == NULL)
			cJSON_AddItemToArray(hs, info(ann, max));
		if (hs->child == NULL)
			cJSON_DeleteItemFromObjectCaseSensitive(inst, host);
	}
	if ((h = obj(w->st[WS_HOST], host)) != NULL) {
		cJSON *hc = obj(h, "components");

		cJSON_DeleteItemFromObjectCaseSensitive(hc, id);
		if (max > 0)
			cJSON_AddNumberToObject(hc, id, max);
		dirty(w, WS_HOST);
	}
	if (inst->child == NULL) {
		cJSON_Delete(inst);
		if (cur != NULL)
			dirty(w, WS_COMP);
		cJSON_DeleteItemFromObjectCaseSensitive(w->st[WS_COMP], id);
		return;
	}
	set(w->st[WS_COMP], id, comp_obj(id, str_or(obj(d, "claims"), "name",
	    ""), str_or(obj(d, "claims"), "issuer", ""), inst,
	    str_or(d, "image_ref", "")));
	dirty(w, WS_COMP);
}

/* heartbeat_provider_update: a provider the state lacks is added with
 * what the inventory says; a known one gets its empty name/reference
 * filled and the host added as Pending. */
static void
hb_providers(struct sim_wadm *w, const cJSON *d, const char *host)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj(d, "providers")) {
		const char *id = sim_str(it, "id");
		cJSON *p = obj(w->st[WS_PROV], id);

		if (id == NULL)
			continue;
		if (p == NULL) {
			p = prov_obj(id, it, str_or(it, "image_ref", ""));
			cJSON_AddItemToObject(w->st[WS_PROV], id, p);
		}
		if (!*str_or(p, "name", ""))
			cJSON_ReplaceItemInObjectCaseSensitive(p, "name",
			    cJSON_CreateString(str_or(it, "name", "")));
		if (!*str_or(p, "reference", ""))
			cJSON_ReplaceItemInObjectCaseSensitive(p, "reference",
			    cJSON_CreateString(str_or(it, "image_ref", "")));
		if (!cJSON_HasObjectItem(obj(p, "hosts"), host))
			cJSON_AddStringToObject(obj(p, "hosts"), host, "Pending");
	}
	dirty(w, WS_PROV);
}

/* Whether the stored component already says what the inventory entry
 * says for this host. Upstream compares the number of annotation sets on
 * the host with the number of hosts; so does this. */
static bool
comp_current(const cJSON *c, const cJSON *desc, const char *host)
{
	const cJSON *hs = obj(obj(c, "instances"), host), *i;

	if (c == NULL || hs == NULL || strcmp(str_or(c, "reference", ""),
	    str_or(desc, "image_ref", "")) || cJSON_GetArraySize(hs) !=
	    cJSON_GetArraySize(obj(c, "instances")))
		return false;
	i = info_find(hs, obj(desc, "annotations"));
	return i && cJSON_GetNumberValue(obj(i, "count")) ==
	    cJSON_GetNumberValue(obj(desc, "max_instances"));
}

/* The claims.get wadm sends on every heartbeat (populate_component_info
 * asks before it looks at the inventory): sub -> that claim. A failed
 * request leaves new components without name and issuer (upstream fails
 * the event and handles it again). */
static cJSON *
claims(struct sim_wadm *w)
{
	bool ok;
	cJSON *arr = wadm_query(w, "claims.get", &ok), *map, *c;

	map = cJSON_CreateObject();
	cJSON_ArrayForEach(c, arr)
		if (sim_str(c, "sub") && !cJSON_HasObjectItem(map, sim_str(c,
		    "sub")))
			cJSON_AddItemToObject(map, sim_str(c, "sub"),
			    cJSON_Duplicate(c, 1));
	cJSON_Delete(arr);
	return map;
}

/* heartbeat_component_update: an entry that differs is rewritten from
 * the inventory, this host's instances replaced by the one it reports;
 * a component the state lacks takes name and issuer from its claims. */
static void
hb_components(struct sim_wadm *w, const cJSON *d, const char *host)
{
	cJSON *cl = claims(w);
	const cJSON *it;

	cJSON_ArrayForEach(it, obj(d, "components")) {
		const char *id = sim_str(it, "id");
		cJSON *c = obj(w->st[WS_COMP], id), *inst, *hs;
		const cJSON *k = obj(cl, id);

		if (id == NULL || comp_current(c, it, host))
			continue;
		inst = c ? cJSON_Duplicate(obj(c, "instances"), 1) :
		    cJSON_CreateObject();
		hs = cJSON_CreateArray();
		cJSON_AddItemToArray(hs, info(obj(it, "annotations"),
		    cJSON_GetNumberValue(obj(it, "max_instances"))));
		set(inst, host, hs);
		set(w->st[WS_COMP], id, comp_obj(id, c ? str_or(it, "name",
		    str_or(c, "name", "")) : str_or(k, "name", ""), c ?
		    str_or(c, "issuer", "") : str_or(k, "iss", ""), inst,
		    str_or(it, "image_ref", "")));
	}
	cJSON_Delete(cl);
	dirty(w, WS_COMP);
}

/* handle_host_stopped: the host leaves every component and provider it
 * listed, then the state. */
static void
on_host_stopped(struct sim_wadm *w, const char *host)
{
	cJSON *h = obj(w->st[WS_HOST], host), *it, *next;
	const cJSON *p;

	if (h == NULL)
		return;
	for (it = w->st[WS_COMP]->child; it != NULL; it = next) {
		next = it->next;
		if (!cJSON_HasObjectItem(obj(h, "components"), it->string))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(obj(it, "instances"),
		    host);
		if (obj(it, "instances")->child == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(w->st[WS_COMP],
			    it));
	}
	cJSON_ArrayForEach(p, obj(h, "providers")) {
		cJSON *pv = obj(w->st[WS_PROV], sim_str(p, "provider_id"));

		if (pv == NULL || !cJSON_HasObjectItem(obj(pv, "hosts"), host))
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(obj(pv, "hosts"), host);
		if (obj(pv, "hosts")->child == NULL)
			cJSON_Delete(cJSON_DetachItemViaPointer(w->st[WS_PROV],
			    pv));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(w->st[WS_HOST], host);
	dirty(w, WS_COMP);
	dirty(w, WS_PROV);
	dirty(w, WS_HOST);
}

static void
host_drop_provider(struct sim_wadm *w, const char *host, const char *id)
{
	cJSON *h = obj(w->st[WS_HOST], host), *p;

	if (h == NULL)
		return;
	cJSON_ArrayForEach(p, obj(h, "providers"))
		if (!strcmp(str_or(p, "provider_id", ""), id))
			break;
	if (p != NULL)
		cJSON_Delete(cJSON_DetachItemViaPointer(obj(h, "providers"), p));
	dirty(w, WS_HOST);
}

/* handle_provider_started: the host joins as Pending (a known host entry
 * is left alone), an empty issuer or reference is filled in, and a host
 * that just joined lists the provider. */
static void
on_prov_started(struct sim_wadm *w, const cJSON *d, const char *host)
{
	const char *id = sim_str(d, "provider_id");
	cJSON *p = obj(w->st[WS_PROV], id), *h, *pi;
	bool joined;

	if (id == NULL)
		return;
	if (p == NULL) {
		p = prov_obj(id, obj(d, "claims"), str_or(d, "image_ref", ""));
		cJSON_AddItemToObject(w->st[WS_PROV], id, p);
	} else if (!*str_or(p, "issuer", "") || !*str_or(p, "reference", "")) {
		cJSON_ReplaceItemInObjectCaseSensitive(p, "issuer",
		    cJSON_CreateString(str_or(obj(d, "claims"), "issuer", "")));
		cJSON_ReplaceItemInObjectCaseSensitive(p, "reference",
		    cJSON_CreateString(str_or(d, "image_ref", "")));
	}
	joined = !cJSON_HasObjectItem(obj(p, "hosts"), host);
	if (joined)
		cJSON_AddStringToObject(obj(p, "hosts"), host, "Pending");
	dirty(w, WS_PROV);
	if (!joined || (h = obj(w->st[WS_HOST], host)) == NULL)
		return;
	host_drop_provider(w, host, id);
	pi = cJSON_CreateObject();
	cJSON_AddStringToObject(pi, "provider_id", id);
	cJSON_AddStringToObject(pi, "provider_ref", str_or(d, "image_ref", ""));
	cJSON_AddItemToObject(pi, "annotations", sorted_map(obj(d,
	    "annotations")));
	cJSON_AddItemToArray(obj(h, "providers"), pi);
}

/* handle_provider_stopped: off the host's list, then the host off the
 * provider, which goes when no host runs it. */
static void
on_prov_stopped(struct sim_wadm *w, const cJSON *d, const char *host)
{
	const char *id = sim_str(d, "provider_id");
	cJSON *p = obj(w->st[WS_PROV], id);

	if (id == NULL)
		return;
	host_drop_provider(w, host, id);
	if (p == NULL || !cJSON_HasObjectItem(obj(p, "hosts"), host))
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(obj(p, "hosts"), host);
	if (obj(p, "hosts")->child == NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(w->st[WS_PROV], id);
	dirty(w, WS_PROV);
}

/* handle_provider_health_check: passed -> Running, failed -> Failed,
 * status -> Running when Pending or unknown; an unknown provider is
 * added with only its id. */
static void
on_health(struct sim_wadm *w, const char *type, const cJSON *d,
    const char *host)
{
	const char *id = sim_str(d, "provider_id");
	cJSON *p = obj(w->st[WS_PROV], id), *hosts;
	const char *cur, *to = NULL;

	if (id == NULL)
		return;
	if (p == NULL) {
		p = prov_obj(id, NULL, "");
		cJSON_AddItemToObject(w->st[WS_PROV], id, p);
	}
	hosts = obj(p, "hosts");
	cur = sim_str(hosts, host);
	if (!strcmp(type, "health_check_passed"))
		to = "Running";
	else if (!strcmp(type, "health_check_failed"))
		to = "Failed";
	else if (cur == NULL || !strcmp(cur, "Pending"))
		to = "Running";
	if (to != NULL)
		set(hosts, host, cJSON_CreateString(to));
	dirty(w, WS_PROV);
}

static void
apply(struct sim_wadm *w, const char *type, const cJSON *d, const char *host)
{
	if (!strcmp(type, "host_started"))
		set(w->st[WS_HOST], host, host_obj(d, host, false));
	else if (!strcmp(type, "host_heartbeat"))
		set(w->st[WS_HOST], host, host_obj(d, host, true));
	else if (!strcmp(type, "host_stopped"))
		on_host_stopped(w, host);
	else if (!strcmp(type, "component_scaled"))
		on_scaled(w, d, host);
	else if (!strcmp(type, "provider_started"))
		on_prov_started(w, d, host);
	else if (!strcmp(type, "provider_stopped"))
		on_prov_stopped(w, d, host);
	else if (lt_str_has_prefix(type, "health_check_"))
		on_health(w, type, d, host);
	if (!strcmp(type, "host_started") || !strcmp(type, "host_heartbeat"))
		dirty(w, WS_HOST);
	if (!strcmp(type, "host_heartbeat")) {
		hb_providers(w, d, host);
		hb_components(w, d, host);
	}
}

static char *
state_key(struct sim_wadm *w, enum ws_kind k)
{
	return lt_xasprintf("%s_%s", kinds[k], w->sim->o.lattice);
}

/* Update wadm_state from one lattice event and write the keys it
 * touched. host is the event's source. */
void
wadm_state_event(struct sim_wadm *w, const char *type, const cJSON *d,
    const char *host)
{
	int k;

	if (w->state == NULL || host == NULL)
		return;
	apply(w, type, d, host);
	for (k = 0; k < WS_N && !w->sim->state_stale; k++) {
		char *key, *body;

		if (!w->st_dirty[k])
			continue;
		w->st_dirty[k] = false;
		key = state_key(w, (enum ws_kind)k);
		body = cJSON_PrintUnformatted(w->st[k]);
		if (kvStore_PutString(NULL, w->state, key, body) != NATS_OK)
			sim_log("wadm: cannot write wadm_state %s: %s", key,
			    nats_GetLastError(NULL));
		cJSON_free(body);
		free(key);
	}
}

/* Start from what wadm_state holds (a wadm restarting reads it back). */
void
wadm_state_load(struct sim_wadm *w)
{
	int k;

	for (k = 0; k < WS_N; k++) {
		char *key = state_key(w, (enum ws_kind)k);
		kvEntry *e = NULL;
		cJSON *m = NULL;

		if (w->state && kvStore_Get(&e, w->state, key) == NATS_OK &&
		    kvEntry_Operation(e) == kvOp_Put)
			m = cJSON_ParseWithLength(kvEntry_ValueString(e),
			    (size_t)kvEntry_ValueLen(e));
		kvEntry_Destroy(e);
		w->st[k] = cJSON_IsObject(m) ? m : cJSON_CreateObject();
		if (!cJSON_IsObject(m))
			cJSON_Delete(m);
		free(key);
	}
}

void
wadm_state_free(struct sim_wadm *w)
{
	int k;

	for (k = 0; k < WS_N; k++)
		cJSON_Delete(w->st[k]);
	kvStore_Destroy(w->state);
}
