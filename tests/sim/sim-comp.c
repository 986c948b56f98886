/* sim-comp.c: component.scale/update and provider.start/stop on one host,
 * with the host's reply texts and events, and provider health polls.
 * Every function here runs with sim.lock held. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/util.h"
#include "sim.h"

#include "banned.h"

#define ISSUER "ACTGGFOZLLMCFJYFWDHWZ6E32P4J66AOKWRW74VXNKWBUMKMTZZMCMKZ"

void
sim_comp_free(struct sim_comp *c)
{
	free(c->id);
	free(c->image_ref);
	free(c->name);
	cJSON_Delete(c->annotations);
	sim_strv_free(c->configs, c->nconfigs);
	memset(c, 0, sizeof(*c));
	c->http_fd = -1;
}

void
sim_prov_free(struct sim_prov *p)
{
	free(p->id);
	free(p->image_ref);
	cJSON_Delete(p->annotations);
	memset(p, 0, sizeof(*p));
}

cJSON *
sim_comp_inventory(struct sim_comp *c)
{
	cJSON *o = cJSON_CreateObject(), *ann = cJSON_Duplicate(c->annotations,
	    1);

	if (c->http_port > 0) {
		char port[16];

		snprintf(port, sizeof(port), "%d", c->http_port);
		cJSON_AddStringToObject(ann, SIM_HTTP_PORT_KEY, port);
	}
	cJSON_AddStringToObject(o, "id", c->id);
	cJSON_AddStringToObject(o, "image_ref", c->image_ref);
	cJSON_AddStringToObject(o, "name", c->name);
	cJSON_AddItemToObject(o, "annotations", ann);
	cJSON_AddNumberToObject(o, "revision", 0);
	cJSON_AddNumberToObject(o, "max_instances", (double)c->max);
	return o;
}

cJSON *
sim_prov_inventory(struct sim_prov *p)
{
	cJSON *o = cJSON_CreateObject();
	const char *slash = strrchr(p->image_ref, '/');

	cJSON_AddStringToObject(o, "id", p->id);
	cJSON_AddStringToObject(o, "image_ref", p->image_ref);
	cJSON_AddStringToObject(o, "name", slash ? slash + 1 : p->image_ref);
	cJSON_AddNumberToObject(o, "revision", 0);
	cJSON_AddItemToObject(o, "annotations",
	    cJSON_Duplicate(p->annotations, 1));
	return o;
}

static struct sim_comp *
find_comp(struct sim_host *h, const char *id)
{
	size_t i;

	for (i = 0; id && i < h->ncomps; i++)
		if (!strcmp(h->comps[i].id, id))
			return &h->comps[i];
	return NULL;
}

static struct sim_prov *
find_prov(struct sim_host *h, const char *id)
{
	size_t i;

	for (i = 0; id && i < h->nprovs; i++)
		if (!strcmp(h->provs[i].id, id))
			return &h->provs[i];
	return NULL;
}

/* Wasm from file:// refs is treated as unsigned (no claims). */
static bool
ref_is_signed(const char *ref)
{
	return !lt_str_has_prefix(ref, "file://");
}

/* The component's name as its claims would say: the image's repo name. */
static char *
name_from_ref(const char *ref)
{
	const char *slash = strrchr(ref, '/'), *b = slash ? slash + 1 : ref;
	const char *colon = strchr(b, ':');

	return colon ? lt_xstrndup(b, (size_t)(colon - b)) : lt_xstrdup(b);
}

static void
scaled_event(struct sim_host *h, const char *id, const char *ref,
    const cJSON *ann, uint64_t max, const char *error)
{
	cJSON *d = cJSON_CreateObject();
	char *name = name_from_ref(ref);

	if (ref_is_signed(ref))
		cJSON_AddStringToObject(d, "public_key", id);
	if (ref_is_signed(ref) && error == NULL) {
		cJSON *cl = cJSON_AddObjectToObject(d, "claims");

		cJSON_AddNullToObject(cl, "call_alias");
		cJSON_AddStringToObject(cl, "issuer", ISSUER);
		cJSON_AddArrayToObject(cl, "tags");
		cJSON_AddStringToObject(cl, "name", name);
		cJSON_AddStringToObject(cl, "version", "0.1.0");
		cJSON_AddNumberToObject(cl, "revision", 0);
		cJSON_AddStringToObject(cl, "not_before_human", "never");
		cJSON_AddStringToObject(cl, "expires_human", "never");
	}
	if (error != NULL)
		cJSON_AddStringToObject(d, "component_id", id);
	cJSON_AddItemToObject(d, "annotations", ann ? cJSON_Duplicate(ann, 1) :
	    cJSON_CreateObject());
	cJSON_AddStringToObject(d, "host_id", h->id);
	cJSON_AddStringToObject(d, "image_ref", ref);
	cJSON_AddNumberToObject(d, "max_instances", (double)max);
	if (error != NULL)
		cJSON_AddStringToObject(d, "error", error);
	else
		cJSON_AddStringToObject(d, "component_id", id);
	free(name);
	sim_publish_event(h->nc, h->sim, h->id, error ?
	    "component_scale_failed" : "component_scaled", d);
}

static bool
loaded(struct sim_host *h, const char *name)
{
	size_t i;

	for (i = 0; i < h->nloaded; i++)
		if (!strcmp(h->loaded[i], name))
			return true;
	return false;
}

/* Build the config bundle: a name missing from CONFIGDATA fails the start
 * unless this host loaded it before (its cached watcher then hands out
 * whatever it holds, possibly an empty map). Returns the error text. */
static char *
check_configs(struct sim_host *h, char **names, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		bool found = false;

		cJSON_Delete(sim_config_lookup(h->sim, names[i], &found));
		if (!found && !loaded(h, names[i]))
			return lt_xasprintf("Unable to fetch requested config: "
			    "Config %s does not exist", names[i]);
	}
	for (i = 0; i < n; i++) {
		if (loaded(h, names[i]))
			continue;
		h->loaded = lt_xrealloc(h->loaded, (h->nloaded + 1) *
		    sizeof(char *));
		h->loaded[h->nloaded++] = lt_xstrdup(names[i]);
	}
	return NULL;
}

static void
comp_start(struct sim_host *h, cJSON *req, const char *id, const char *ref,
    uint64_t count)
{
	const cJSON *ann = cJSON_GetObjectItem(req, "annotations");
	struct sim_comp *c;
	size_t n;
	char **cfg = sim_str_array(cJSON_GetObjectItem(req, "config"), &n);
	char *err = check_configs(h, cfg, n);

	if (err != NULL) {
		scaled_event(h, id, ref, ann, count, err);
		free(err);
		sim_strv_free(cfg, n);
		return;
	}
	h->comps = lt_xrealloc(h->comps, (h->ncomps + 1) * sizeof(*h->comps));
	c = &h->comps[h->ncomps++];
	memset(c, 0, sizeof(*c));
	c->id = lt_xstrdup(id);
	c->image_ref = lt_xstrdup(ref);
	c->name = name_from_ref(ref);
	c->annotations = ann ? cJSON_Duplicate(ann, 1) : cJSON_CreateObject();
	c->max = count;
	c->configs = cfg;
	c->nconfigs = n;
	c->is_signed = ref_is_signed(ref);
	c->http_fd = -1;
	scaled_event(h, id, ref, c->annotations, count, NULL);
	sim_http_sync(h->sim);
}

static void
comp_remove(struct sim_host *h, struct sim_comp *c)
{
	size_t i = (size_t)(c - h->comps);

	sim_comp_free(c);
	memmove(&h->comps[i], &h->comps[i + 1], (h->ncomps - i - 1) *
	    sizeof(*c));
	h->ncomps--;
	sim_http_sync(h->sim);
}

/* Update c to ref, as handle_update_component_task: the new instance
 * takes the update request's annotations (none: empty, the old ones are
 * not kept), and both component_scaled events carry the new ref and those
 * annotations: max N for the new instance, then max 0 for the stop. */
static void
comp_do_update(struct sim_host *h, struct sim_comp *c, const char *ref,
    const cJSON *ann)
{
	free(c->image_ref);
	c->image_ref = lt_xstrdup(ref);
	cJSON_Delete(c->annotations);
	c->annotations = cJSON_IsObject(ann) ? cJSON_Duplicate(ann, 1) :
	    cJSON_CreateObject();
	free(c->name);
	c->name = name_from_ref(ref);
	scaled_event(h, c->id, ref, c->annotations, c->max, NULL);
	scaled_event(h, c->id, ref, c->annotations, 0, NULL);
}

static bool
same_configs(const struct sim_comp *c, char **v, size_t n)
{
	size_t i;

	if (n != c->nconfigs)
		return false;
	for (i = 0; i < n; i++)
		if (strcmp(v[i], c->configs[i]))
			return false;
	return true;
}

/* A new count or config list re-instantiates the running component (its
 * old code) with the request's annotations and reference; the event,
 * built before, carries the old annotations and reference and the new
 * count (handle_scale_component_task, wasmCloud v1.9.2). A same-count
 * scale changes nothing and reports the instance as it is. */
static void
comp_reinstantiate(struct sim_comp *c, cJSON *req, const char *ref,
    uint64_t count)
{
	const cJSON *ann = cJSON_GetObjectItem(req, "annotations");
	size_t n;
	char **cfg = sim_str_array(cJSON_GetObjectItem(req, "config"), &n);

	if (c->max == count && same_configs(c, cfg, n)) {
		sim_strv_free(cfg, n);
		return;
	}
	c->max = count;
	sim_strv_free(c->configs, c->nconfigs);
	c->configs = cfg;
	c->nconfigs = n;
	cJSON_Delete(c->annotations);
	c->annotations = cJSON_IsObject(ann) ? cJSON_Duplicate(ann, 1) :
	    cJSON_CreateObject();
	free(c->image_ref);
	c->image_ref = lt_xstrdup(ref);
}

static void
comp_rescale(struct sim_host *h, natsMsg *m, cJSON *req, struct sim_comp *c,
    const char *ref, uint64_t count)
{
	bool allow = cJSON_IsTrue(cJSON_GetObjectItem(req, "allow_update"));
	bool changed = strcmp(c->image_ref, ref) != 0;
	char *msg = NULL;

	if (changed && allow)
		msg = lt_xasprintf("Requested to scale existing component, "
		    "with a changed image reference: %s != %s. The component "
		    "will be scaled, and the image reference will be updated "
		    "afterwards.", c->image_ref, ref);
	else if (changed)
		msg = lt_xasprintf("Requested to scale existing component to a "
		    "different image reference: %s != %s. The component will "
		    "be scaled but the image reference will not be updated. If "
		    "you meant to update this component to a new image ref, "
		    "use the update command.", c->image_ref, ref);
	sim_reply(h->sim, h->nc, m, true, msg ? msg : "", NULL);
	free(msg);
	scaled_event(h, c->id, c->image_ref, c->annotations, count, NULL);
	comp_reinstantiate(c, req, ref, count);
	/* the post-scale update passes no annotations, and is a no-op when
	 * the re-instantiation already took the new reference */
	if (changed && allow && strcmp(c->image_ref, ref))
		comp_do_update(h, c, ref, NULL);
}

/* The request as ScaleComponentCommand reads it: component_id required,
 * component_ref and count (a rename of max_instances, which is not an
 * alias) default to "" and 0; count must fit a u32. */
static bool
scale_args(cJSON *req, const char **id, const char **ref, uint64_t *count)
{
	const cJSON *cnt = cJSON_GetObjectItem(req, "count");
	const cJSON *r = cJSON_GetObjectItem(req, "component_ref");

	*id = sim_str(req, "component_id");
	*ref = r == NULL ? "" : cJSON_GetStringValue(r);
	*count = 0;
	if (*id == NULL || *ref == NULL)
		return false;
	if (cnt == NULL)
		return true;
	if (!cJSON_IsNumber(cnt) || cnt->valuedouble < 0 ||
	    cnt->valuedouble > 4294967295.0 ||
	    cnt->valuedouble != (double)(uint64_t)cnt->valuedouble)
		return false;
	*count = (uint64_t)cnt->valuedouble;
	return true;
}

void
sim_comp_scale(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *id, *ref;
	struct sim_comp *c;
	uint64_t count;

	if (!scale_args(req, &id, &ref, &count)) {
		sim_reply(h->sim, h->nc, m, false, "failed to deserialize "
		    "component scale command", NULL);
		return;
	}
	c = find_comp(h, id);
	if (c != NULL && count > 0) {
		comp_rescale(h, m, req, c, ref, count);
		return;
	}
	sim_reply(h->sim, h->nc, m, true, "", NULL);
	if (count == 0) {
		scaled_event(h, id, c ? c->image_ref : ref, c ? c->annotations :
		    cJSON_GetObjectItem(req, "annotations"), 0, NULL);
		if (c != NULL)
			comp_remove(h, c);
		return;
	}
	comp_start(h, req, id, ref, count);
}

void
sim_comp_update(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *id = sim_str(req, "component_id");
	const char *ref = sim_str(req, "new_component_ref");
	struct sim_comp *c = find_comp(h, id);
	char *msg;

	if (c == NULL || ref == NULL) {
		msg = lt_xasprintf("component %s not found", id ? id : "");
		sim_reply(h->sim, h->nc, m, false, msg, NULL);
	} else if (strcmp(c->image_ref, ref) == 0) {
		msg = lt_xasprintf("component %s already updated to %s", id,
		    ref);
		sim_reply(h->sim, h->nc, m, true, msg, NULL);
	} else {
		msg = lt_xasprintf("component %s updating from %s to %s", id,
		    c->image_ref, ref);
		sim_reply(h->sim, h->nc, m, true, msg, NULL);
		comp_do_update(h, c, ref, cJSON_GetObjectItem(req,
		    "annotations"));
	}
	free(msg);
}

static void
prov_failed(struct sim_host *h, const char *id, const char *ref,
    const char *error)
{
	cJSON *d = cJSON_CreateObject();

	cJSON_AddStringToObject(d, "provider_ref", ref);
	cJSON_AddStringToObject(d, "provider_id", id);
	cJSON_AddStringToObject(d, "host_id", h->id);
	cJSON_AddStringToObject(d, "error", error);
	cJSON_AddStringToObject(d, "link_name", "default");
	sim_publish_event(h->nc, h->sim, h->id, "provider_start_failed", d);
}

static void
prov_started(struct sim_host *h, struct sim_prov *p)
{
	cJSON *d = cJSON_CreateObject(), *cl;
	char *name = name_from_ref(p->image_ref);
	const char *colon = strrchr(p->image_ref, ':');

	cJSON_AddStringToObject(d, "host_id", h->id);
	cJSON_AddStringToObject(d, "image_ref", p->image_ref);
	cJSON_AddStringToObject(d, "provider_id", p->id);
	cJSON_AddItemToObject(d, "annotations",
	    cJSON_Duplicate(p->annotations, 1));
	cl = cJSON_AddObjectToObject(d, "claims");
	cJSON_AddStringToObject(cl, "issuer", ISSUER);
	cJSON_AddNullToObject(cl, "tags");
	cJSON_AddStringToObject(cl, "name", name);
	cJSON_AddStringToObject(cl, "version", colon ? colon + 1 : "0.1.0");
	cJSON_AddStringToObject(cl, "not_before_human", "never");
	cJSON_AddStringToObject(cl, "expires_human", "never");
	cJSON_AddStringToObject(d, "instance_id", p->id);
	cJSON_AddStringToObject(d, "public_key", p->id);
	cJSON_AddStringToObject(d, "link_name", "default");
	free(name);
	sim_publish_event(h->nc, h->sim, h->id, "provider_started", d);
}

void
sim_prov_start(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *id = sim_str(req, "provider_id");
	const char *ref = sim_str(req, "provider_ref");
	struct sim_prov *p;
	size_t n;
	char **cfg, *err;

	if (id == NULL || ref == NULL) {
		sim_reply(h->sim, h->nc, m, false, "failed to deserialize "
		    "provider start command", NULL);
		return;
	}
	if (find_prov(h, id) != NULL) {
		sim_reply(h->sim, h->nc, m, false, "provider with that ID is "
		    "already running", NULL);
		return;
	}
	sim_reply(h->sim, h->nc, m, true, "successfully started provider",
	    NULL);
	cfg = sim_str_array(cJSON_GetObjectItem(req, "config"), &n);
	err = check_configs(h, cfg, n);
	sim_strv_free(cfg, n);
	if (err != NULL) {
		prov_failed(h, id, ref, err);
		free(err);
		return;
	}
	h->provs = lt_xrealloc(h->provs, (h->nprovs + 1) * sizeof(*h->provs));
	p = &h->provs[h->nprovs++];
	p->id = lt_xstrdup(id);
	p->image_ref = lt_xstrdup(ref);
	p->annotations = cJSON_GetObjectItem(req, "annotations") ?
	    cJSON_Duplicate(cJSON_GetObjectItem(req, "annotations"), 1) :
	    cJSON_CreateObject();
	p->health = -1;
	prov_started(h, p);
}

void
sim_prov_stop(struct sim_host *h, natsMsg *m, cJSON *req)
{
	const char *id = sim_str(req, "provider_id");
	struct sim_prov *p;
	cJSON *d;
	size_t i;

	if (id == NULL)
		id = sim_str(req, "provider_ref");
	if ((p = find_prov(h, id)) == NULL) {
		sim_reply(h->sim, h->nc, m, false, "provider with that ID is "
		    "not running", NULL);
		return;
	}
	sim_reply(h->sim, h->nc, m, true, "successfully stopped provider",
	    NULL);
	d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "host_id", h->id);
	cJSON_AddStringToObject(d, "provider_id", p->id);
	cJSON_AddItemToObject(d, "annotations",
	    cJSON_Duplicate(p->annotations, 1));
	cJSON_AddStringToObject(d, "reason", "stop");
	cJSON_AddStringToObject(d, "instance_id", p->id);
	cJSON_AddStringToObject(d, "public_key", p->id);
	cJSON_AddStringToObject(d, "link_name", "default");
	sim_publish_event(h->nc, h->sim, h->id, "provider_stopped", d);
	i = (size_t)(p - h->provs);
	sim_prov_free(p);
	memmove(&h->provs[i], &h->provs[i + 1], (h->nprovs - i - 1) *
	    sizeof(*p));
	h->nprovs--;
}

/* One health poll per provider: passed on the first success or a
 * recovery, failed on a flip to unhealthy, status otherwise. A provider
 * started with annotation latticesim.dev/health=fail, or whose image
 * reference contains "unhealthy" (wadm passes no manifest annotation to
 * a provider), is unhealthy. */
void
sim_prov_health(struct sim_host *h)
{
	size_t i;

	for (i = 0; i < h->nprovs; i++) {
		struct sim_prov *p = &h->provs[i];
		const char *want = sim_str(p->annotations, SIM_UNHEALTHY_KEY);
		int now = (want && !strcmp(want, "fail")) ||
		    strstr(p->image_ref, "unhealthy") ? 0 : 1;
		const char *type = now == 1 ? (p->health == 1 ?
		    "health_check_status" : "health_check_passed") :
		    (p->health == 0 ? NULL : "health_check_failed");
		cJSON *d;

		p->health = now;
		if (type == NULL)
			continue;
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "host_id", h->id);
		cJSON_AddStringToObject(d, "provider_id", p->id);
		sim_publish_event(h->nc, h->sim, h->id, type, d);
	}
}
