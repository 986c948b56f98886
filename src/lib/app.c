/* app.c: one wadm application against what the lattice runs (app.h). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/app.h"
#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

size_t
lt_app_inventories(struct lt_ctl *ctl, const struct lt_ctl_hosts *hosts,
    struct lt_ctl_inventory **inv)
{
	struct lt_error e = LT_ERROR_INIT;
	size_t i, n = 0;

	*inv = lt_xcalloc(hosts->n ? hosts->n : 1, sizeof(**inv));
	for (i = 0; i < hosts->n; i++)
		if (lt_ctl_inventory_get(ctl, hosts->v[i].id, &(*inv)[n], &e) == 0)
			n++;
	return n;
}

/* wadm's status of the app: type, message and scalers ("?" when wadm
 * does not answer model.status). */
static void
get_status(struct lt_ctl *ctl, struct lt_app *a)
{
	struct lt_error e = LT_ERROR_INIT;
	cJSON *reply = NULL, *st, *sc;
	const char *t = NULL, *m = NULL;

	if (lt_wadm_call(ctl->conn, ctl->lattice, LT_WADM_STATUS, a->name, "",
	    0, ctl->timeout_ns, &reply, &e) == 0) {
		t = lt_wadm_status_type(reply);
		st = cJSON_GetObjectItemCaseSensitive(reply, "status");
		m = lt_json_str(st, "message");
		if (!m)	/* wadm 0.13+: status.status.message */
			m = lt_json_str(cJSON_GetObjectItemCaseSensitive(st,
			    "status"), "message");
		sc = cJSON_GetObjectItemCaseSensitive(st, "scalers");
		if (cJSON_IsArray(sc))
			a->scalers = cJSON_Duplicate(sc, true);
	}
	a->status = lt_xstrdup(t ? t : "?");
	a->message = lt_xstrdup(m ? m : "");
	if (a->scalers == NULL)
		a->scalers = cJSON_CreateArray();
	cJSON_Delete(reply);
}

/* Where workload c runs in inv, and with which image. */
static void
place(struct lt_app *a, const struct lt_manifest_component *c,
    const struct lt_ctl_inventory *inv, size_t ninv)
{
	struct lt_app_workload *w = &a->workloads[a->nworkloads++];
	const struct lt_ctl_workload *x;
	struct lt_app_host *h;
	size_t i;

	w->c = c;
	w->hosts = lt_xcalloc(ninv ? ninv : 1, sizeof(*w->hosts));
	for (i = 0; i < ninv; i++) {
		if ((x = lt_ctl_inventory_find(&inv[i], c->id)) == NULL)
			continue;
		h = &w->hosts[w->nhosts++];
		h->host_id = lt_xstrdup(inv[i].host.id);
		h->friendly_name = lt_xstrdup(inv[i].host.friendly_name);
		h->image_ref = lt_xstrdup(x->image_ref);
		h->max_instances = x->max_instances;
		h->other_image = strcmp(x->image_ref, c->image) != 0;
		a->other_images += h->other_image;
	}
	a->nowhere += w->nhosts == 0;
}

/* Note that user references the configs cs. */
static void
add_configs(struct lt_app *a, const struct lt_manifest_configs *cs,
    const char *user)
{
	struct lt_app_config *cf;
	size_t i, j;
	char *s;

	for (i = 0; i < cs->n; i++) {
		for (j = 0; j < a->nconfigs; j++)
			if (!strcmp(a->configs[j].name, cs->v[i].stored_name))
				break;
		if (j == a->nconfigs) {
			a->configs = lt_xrealloc(a->configs, (a->nconfigs + 1) *
			    sizeof(*a->configs));
			cf = &a->configs[a->nconfigs++];
			cf->name = lt_xstrdup(cs->v[i].stored_name);
			cf->managed = cs->v[i].managed;
			cf->used_by = lt_xstrdup(user);
			cf->state = LT_CTL_CONFIG_UNCHECKED;
			continue;
		}
		cf = &a->configs[j];
		if (strstr(cf->used_by, user) == NULL) {
			s = lt_xasprintf("%s, %s", cf->used_by, user);
			free(cf->used_by);
			cf->used_by = s;
		}
	}
}

static void
collect_configs(struct lt_app *a)
{
	const struct lt_manifest *m = a->manifest;
	const struct lt_manifest_link *l;
	size_t i, k;

	for (i = 0; i < m->ncomponents; i++) {
		if (m->components[i].image == NULL)
			continue;
		add_configs(a, &m->components[i].config, m->components[i].name);
		for (k = 0; k < m->components[i].nlinks; k++) {
			l = &m->components[i].links[k];
			add_configs(a, &l->source_config, m->components[i].name);
			add_configs(a, &l->target_config, l->target_name);
		}
	}
}

static void
check_configs(struct lt_ctl *ctl, struct lt_app *a)
{
	struct lt_error e = LT_ERROR_INIT;
	size_t i;
	int rc;

	for (i = 0; i < a->nconfigs; i++) {
		rc = lt_ctl_config_exists(ctl, a->configs[i].name, &e);
		a->configs[i].state = rc > 0 ? LT_CTL_CONFIG_PRESENT : rc == 0 ?
		    LT_CTL_CONFIG_MISSING : LT_CTL_CONFIG_UNCHECKED;
		a->missing += rc == 0;
		a->unchecked += rc < 0;
	}
}

static bool
is_member(const struct lt_app *a, const char *id)
{
	return id && lt_manifest_find_id(a->manifest, id) != NULL &&
	    lt_manifest_find_id(a->manifest, id)->image != NULL;
}

static bool
str_is(const cJSON *o, const char *key, const char *want)
{
	const char *v = lt_json_str(o, key);

	return v && want && !strcmp(v, want);
}

/* The link.get entry for the manifest's link l from c, or NULL. */
static const cJSON *
find_link(const cJSON *links, const struct lt_manifest_component *c,
    const struct lt_manifest_link *l)
{
	const cJSON *x;

	cJSON_ArrayForEach(x, links)
		if (str_is(x, "source_id", c->id) &&
		    str_is(x, "target", l->target_id) &&
		    str_is(x, "wit_namespace", l->namespace) &&
		    str_is(x, "wit_package", l->package) &&
		    str_is(x, "name", l->name))
			return x;
	return NULL;
}

static cJSON *
missing_link(const struct lt_manifest_component *c,
    const struct lt_manifest_link *l)
{
	cJSON *o = cJSON_CreateObject(), *ifs = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(o, "source_id", c->id);
	cJSON_AddStringToObject(o, "target", l->target_id ? l->target_id :
	    l->target_name);
	cJSON_AddStringToObject(o, "name", l->name);
	cJSON_AddStringToObject(o, "wit_namespace", l->namespace);
	cJSON_AddStringToObject(o, "wit_package", l->package);
	for (i = 0; i < l->ninterfaces; i++)
		cJSON_AddItemToArray(ifs, cJSON_CreateString(l->interfaces[i]));
	cJSON_AddItemToObject(o, "interfaces", ifs);
	cJSON_AddStringToObject(o, "state", "missing");
	return o;
}

/* The lattice's links of the app, then the manifest's that are absent. */
static void
collect_links(struct lt_app *a, const cJSON *links)
{
	const struct lt_manifest *m = a->manifest;
	const cJSON *x;
	cJSON *copy;
	size_t i, k;

	a->links = cJSON_CreateArray();
	cJSON_ArrayForEach(x, links) {
		if (!is_member(a, lt_json_str(x, "source_id")) &&
		    !is_member(a, lt_json_str(x, "target")))
			continue;
		copy = cJSON_Duplicate(x, true);
		while (cJSON_GetObjectItemCaseSensitive(copy, "state"))
			cJSON_DeleteItemFromObjectCaseSensitive(copy, "state");
		cJSON_AddStringToObject(copy, "state", "present");	/* ours */
		cJSON_AddItemToArray(a->links, copy);
	}
	for (i = 0; i < m->ncomponents; i++)
		for (k = 0; m->components[i].image &&
		    k < m->components[i].nlinks; k++)
			if (!find_link(links, &m->components[i],
			    &m->components[i].links[k])) {
				cJSON_AddItemToArray(a->links, missing_link(
				    &m->components[i], &m->components[i].links[k]));
				a->missing_links++;
			}
}

int
lt_app_gather(struct lt_ctl *ctl, const char *name, const char *deployed,
    const struct lt_ctl_inventory *inv, size_t ninv, const cJSON *links,
    bool check, struct lt_app *a, struct lt_error *err)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->name = lt_xstrdup(name);
	if (deployed)
		a->deployed = lt_xstrdup(deployed);
	else if (lt_wadm_versions(ctl->conn, ctl->lattice, name, &a->deployed,
	    &a->latest, err) < 0)
		goto fail;
	get_status(ctl, a);
	a->version = lt_xstrdup(a->deployed ? a->deployed : a->latest ?
	    a->latest : "");
	if (lt_ctl_wadm_manifest(ctl, name, a->version, &a->manifest, err) < 0)
		goto fail;
	a->workloads = lt_xcalloc(a->manifest->ncomponents + 1,
	    sizeof(*a->workloads));
	for (i = 0; i < a->manifest->ncomponents; i++)
		if (a->manifest->components[i].image)
			place(a, &a->manifest->components[i], inv, ninv);
	collect_configs(a);
	if (check)
		check_configs(ctl, a);
	else
		a->unchecked = a->nconfigs;
	if (links)
		collect_links(a, links);
	return 0;
fail:
	lt_app_release(a);
	return -1;
}

void
lt_app_release(struct lt_app *a)
{
	size_t i, j;

	for (i = 0; i < a->nworkloads; i++) {
		for (j = 0; j < a->workloads[i].nhosts; j++) {
			free(a->workloads[i].hosts[j].host_id);
			free(a->workloads[i].hosts[j].friendly_name);
			free(a->workloads[i].hosts[j].image_ref);
		}
		free(a->workloads[i].hosts);
	}
	for (i = 0; i < a->nconfigs; i++) {
		free(a->configs[i].name);
		free(a->configs[i].used_by);
	}
	free(a->workloads);
	free(a->configs);
	free(a->name);
	free(a->status);
	free(a->message);
	free(a->deployed);
	free(a->latest);
	free(a->version);
	cJSON_Delete(a->scalers);
	cJSON_Delete(a->links);
	lt_manifest_destroy(a->manifest);
	memset(a, 0, sizeof(*a));
}

/* "'x' on host runs A, the manifest says B; 'y' runs on no host" */
static void
images_text(const struct lt_app *a, struct lt_buf *b)
{
	const struct lt_app_workload *w;
	size_t i, j;

	for (i = 0; i < a->nworkloads; i++) {
		w = &a->workloads[i];
		for (j = 0; j < w->nhosts; j++)
			if (w->hosts[j].other_image)
				lt_buf_addf(b, "%s'%s' on %s runs %s, the manifest "
				    "says %s", b->len ? "; " : "", w->c->id,
				    *w->hosts[j].friendly_name ?
				    w->hosts[j].friendly_name : w->hosts[j].host_id,
				    w->hosts[j].image_ref, w->c->image);
		if (w->nhosts == 0)
			lt_buf_addf(b, "%s'%s' runs on no host", b->len ? "; " :
			    "", w->c->id);
	}
}

/* "config 'x' is missing from CONFIGDATA_L" or "configs 'x', 'y' are" */
static void
missing_text(const struct lt_app *a, const char *lattice, struct lt_buf *b)
{
	struct lt_buf list = LT_BUF_INIT;
	size_t i;

	if (a->missing == 0)
		return;
	for (i = 0; i < a->nconfigs; i++)
		if (a->configs[i].state == LT_CTL_CONFIG_MISSING)
			lt_buf_addf(&list, "%s'%s'", list.len ? ", " : "",
			    a->configs[i].name);
	lt_buf_addf(b, "config%s %s %s missing from CONFIGDATA_%s",
	    a->missing == 1 ? "" : "s", list.buf, a->missing == 1 ? "is" :
	    "are", lattice);
	lt_buf_release(&list);
}

void
lt_app_problems_text(const struct lt_app *a, const char *lattice,
    struct lt_buf *b)
{
	missing_text(a, lattice, b);
	images_text(a, b);
}

bool
lt_app_failed(const struct lt_app *a)
{
	return !strcmp(a->status, "failed") || !strcmp(a->status, "unhealthy");
}

bool
lt_app_must_act(const struct lt_app *a)
{
	return lt_app_failed(a) ||
	    (a->missing && strcmp(a->status, "undeployed")) ||
	    (!strcmp(a->status, "deployed") && (a->other_images || a->nowhere));
}

static const char *
state_name(enum lt_ctl_ref_state s)
{
	return s == LT_CTL_CONFIG_PRESENT ? "present" :
	    s == LT_CTL_CONFIG_MISSING ? "missing" : "unchecked";
}

static void
add_opt_str(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
scalers_json(const cJSON *scalers)
{
	cJSON *arr = cJSON_CreateArray(), *o;
	const cJSON *s, *st;

	cJSON_ArrayForEach(s, scalers) {
		st = cJSON_GetObjectItemCaseSensitive(s, "status");
		o = cJSON_CreateObject();
		add_opt_str(o, "id", lt_json_str(s, "id"));
		add_opt_str(o, "kind", lt_json_str(s, "kind"));
		add_opt_str(o, "name", lt_json_str(s, "name"));
		add_opt_str(o, "status", lt_json_str(st, "type"));
		add_opt_str(o, "message", lt_json_str(st, "message"));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
workload_json(const struct lt_app_workload *w)
{
	cJSON *o = cJSON_CreateObject(), *hosts, *h;
	size_t i;

	cJSON_AddStringToObject(o, "name", w->c->name);
	cJSON_AddStringToObject(o, "kind", w->c->type == LT_MANIFEST_COMPONENT ?
	    "component" : "provider");
	cJSON_AddStringToObject(o, "id", w->c->id);
	cJSON_AddStringToObject(o, "image", w->c->image);
	hosts = cJSON_AddArrayToObject(o, "hosts");
	for (i = 0; i < w->nhosts; i++) {
		h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "host_id", w->hosts[i].host_id);
		cJSON_AddStringToObject(h, "friendly_name",
		    w->hosts[i].friendly_name);
		cJSON_AddStringToObject(h, "image_ref", w->hosts[i].image_ref);
		if (w->hosts[i].max_instances >= 0)
			cJSON_AddNumberToObject(h, "max_instances",
			    (double)w->hosts[i].max_instances);
		cJSON_AddBoolToObject(h, "current", !w->hosts[i].other_image);
		cJSON_AddItemToArray(hosts, h);
	}
	return o;
}

cJSON *
lt_app_to_json(const struct lt_app *a)
{
	cJSON *o = cJSON_CreateObject(), *arr, *c;
	size_t i;

	cJSON_AddStringToObject(o, "name", a->name);
	cJSON_AddStringToObject(o, "status", a->status);
	cJSON_AddStringToObject(o, "status_message", a->message);
	add_opt_str(o, "deployed_version", a->deployed);
	add_opt_str(o, "latest_version", a->latest);
	add_opt_str(o, "version", a->version);
	cJSON_AddItemToObject(o, "scalers", scalers_json(a->scalers));
	arr = cJSON_AddArrayToObject(o, "components");
	for (i = 0; i < a->nworkloads; i++)
		cJSON_AddItemToArray(arr, workload_json(&a->workloads[i]));
	arr = cJSON_AddArrayToObject(o, "configs");
	for (i = 0; i < a->nconfigs; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", a->configs[i].name);
		cJSON_AddBoolToObject(c, "managed", a->configs[i].managed);
		cJSON_AddStringToObject(c, "used_by", a->configs[i].used_by);
		cJSON_AddStringToObject(c, "state",
		    state_name(a->configs[i].state));
		cJSON_AddItemToArray(arr, c);
	}
	if (a->links)
		cJSON_AddItemToObject(o, "links", cJSON_Duplicate(a->links, true));
	cJSON_AddNumberToObject(o, "missing_configs", (double)a->missing);
	cJSON_AddNumberToObject(o, "other_images", (double)a->other_images);
	cJSON_AddNumberToObject(o, "not_running", (double)a->nowhere);
	cJSON_AddNumberToObject(o, "missing_links", (double)a->missing_links);
	cJSON_AddBoolToObject(o, "must_act", lt_app_must_act(a));
	return o;
}
