/* manifest-json.c: struct lt_manifest lookups, the model as cJSON, and
 * freeing. Parsing is in manifest.c. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "banned.h"

void
lt_manifest_set_version(struct lt_manifest *m, const char *version)
{
	cJSON *md = cJSON_GetObjectItemCaseSensitive(m->doc, "metadata");
	cJSON *ann = cJSON_GetObjectItemCaseSensitive(md, "annotations");

	free(m->version);
	m->version = lt_xstrdup(version);
	if (!cJSON_IsObject(md))
		return;
	if (!cJSON_IsObject(ann)) {
		cJSON_DeleteItemFromObjectCaseSensitive(md, "annotations");
		ann = cJSON_AddObjectToObject(md, "annotations");
	}
	cJSON_DeleteItemFromObjectCaseSensitive(ann, "version");
	cJSON_AddStringToObject(ann, "version", version);
}

const struct lt_manifest_component *
lt_manifest_find(const struct lt_manifest *m, const char *name)
{
	size_t i;

	for (i = 0; m && name && i < m->ncomponents; i++)
		if (m->components[i].name &&
		    strcmp(m->components[i].name, name) == 0)
			return &m->components[i];
	return NULL;
}

const struct lt_manifest_component *
lt_manifest_find_id(const struct lt_manifest *m, const char *id)
{
	size_t i;

	for (i = 0; m && id && i < m->ncomponents; i++)
		if (m->components[i].id && strcmp(m->components[i].id, id) == 0)
			return &m->components[i];
	return NULL;
}

static void
add_str(cJSON *obj, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(obj, key, s);
	else
		cJSON_AddNullToObject(obj, key);
}

static cJSON *
kvs_json(const struct lt_manifest_kv *kv, size_t n)
{
	cJSON *o = cJSON_CreateObject();
	size_t i;

	for (i = 0; i < n; i++)
		cJSON_AddStringToObject(o, kv[i].key, kv[i].value);
	return o;
}

static cJSON *
configs_json(const struct lt_manifest_configs *cs)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < cs->n; i++) {
		const struct lt_manifest_config *c = &cs->v[i];
		cJSON *o = cJSON_CreateObject();

		add_str(o, "name", c->name);
		add_str(o, "stored_name", c->stored_name);
		cJSON_AddBoolToObject(o, "managed", c->managed);
		if (c->managed)
			cJSON_AddItemToObject(o, "properties",
			    kvs_json(c->props, c->nprops));
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
secrets_json(const struct lt_manifest_secrets *ss)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	for (i = 0; i < ss->n; i++) {
		cJSON *o = cJSON_CreateObject();

		add_str(o, "name", ss->v[i].name);
		add_str(o, "stored_name", ss->v[i].stored_name);
		add_str(o, "policy", ss->v[i].policy);
		add_str(o, "key", ss->v[i].key);
		add_str(o, "field", ss->v[i].field);
		add_str(o, "version", ss->v[i].version);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

static cJSON *
scaler_json(const struct lt_manifest_scaler *s)
{
	static const char *const kinds[] = { "none", "spreadscaler",
	    "daemonscaler" };
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	size_t i;

	cJSON_AddStringToObject(o, "kind", kinds[s->kind]);
	cJSON_AddNumberToObject(o, "instances", (double)s->instances);
	for (i = 0; i < s->nspreads; i++) {
		cJSON *sp = cJSON_CreateObject();

		add_str(sp, "name", s->spreads[i].name);
		if (s->spreads[i].has_weight)
			cJSON_AddNumberToObject(sp, "weight",
			    (double)s->spreads[i].weight);
		cJSON_AddItemToObject(sp, "requirements",
		    kvs_json(s->spreads[i].requirements,
		    s->spreads[i].nrequirements));
		cJSON_AddItemToArray(arr, sp);
	}
	cJSON_AddItemToObject(o, "spread", arr);
	return o;
}

static cJSON *
link_json(const struct lt_manifest_link *l)
{
	cJSON *o = cJSON_CreateObject();

	add_str(o, "namespace", l->namespace);
	add_str(o, "package", l->package);
	cJSON_AddItemToObject(o, "interfaces", cJSON_CreateStringArray(
	    (const char *const *)l->interfaces, (int)l->ninterfaces));
	add_str(o, "name", l->name);
	add_str(o, "target_name", l->target_name);
	add_str(o, "target_id", l->target_id);
	cJSON_AddItemToObject(o, "source_config",
	    configs_json(&l->source_config));
	cJSON_AddItemToObject(o, "target_config",
	    configs_json(&l->target_config));
	cJSON_AddItemToObject(o, "source_secrets",
	    secrets_json(&l->source_secrets));
	cJSON_AddItemToObject(o, "target_secrets",
	    secrets_json(&l->target_secrets));
	return o;
}

static cJSON *
component_json(const struct lt_manifest_component *c)
{
	cJSON *o = cJSON_CreateObject(), *links = cJSON_CreateArray();
	size_t i;

	add_str(o, "name", c->name);
	cJSON_AddStringToObject(o, "type", c->type == LT_MANIFEST_COMPONENT ?
	    "component" : "capability");
	add_str(o, "image", c->image);
	add_str(o, "id", c->id);
	cJSON_AddBoolToObject(o, "http", c->is_http);
	cJSON_AddItemToObject(o, "config", configs_json(&c->config));
	cJSON_AddItemToObject(o, "secrets", secrets_json(&c->secrets));
	cJSON_AddItemToObject(o, "scaler", scaler_json(&c->scaler));
	for (i = 0; i < c->nlinks; i++)
		cJSON_AddItemToArray(links, link_json(&c->links[i]));
	cJSON_AddItemToObject(o, "links", links);
	return o;
}

cJSON *
lt_manifest_to_json(const struct lt_manifest *m)
{
	cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	size_t i;

	add_str(o, "name", m->name);
	add_str(o, "version", m->version);
	add_str(o, "description", m->description);
	for (i = 0; i < m->ncomponents; i++)
		cJSON_AddItemToArray(arr, component_json(&m->components[i]));
	cJSON_AddItemToObject(o, "components", arr);
	return o;
}

/* ---- freeing ---- */

static void
kvs_free(struct lt_manifest_kv *kv, size_t n)
{
	size_t i;

	for (i = 0; kv && i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

static void
configs_free(struct lt_manifest_configs *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->v[i].name);
		free(cs->v[i].stored_name);
		kvs_free(cs->v[i].props, cs->v[i].nprops);
	}
	free(cs->v);
}

static void
secrets_free(struct lt_manifest_secrets *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		free(ss->v[i].name);
		free(ss->v[i].stored_name);
		free(ss->v[i].policy);
		free(ss->v[i].key);
		free(ss->v[i].field);
		free(ss->v[i].version);
	}
	free(ss->v);
}

static void
link_free(struct lt_manifest_link *l)
{
	size_t i;

	free(l->namespace);
	free(l->package);
	for (i = 0; i < l->ninterfaces; i++)
		free(l->interfaces[i]);
	free(l->interfaces);
	free(l->name);
	free(l->target_name);
	free(l->target_id);
	configs_free(&l->source_config);
	configs_free(&l->target_config);
	secrets_free(&l->source_secrets);
	secrets_free(&l->target_secrets);
}

static void
component_free(struct lt_manifest_component *c)
{
	size_t i;

	free(c->name);
	free(c->image);
	free(c->id);
	configs_free(&c->config);
	secrets_free(&c->secrets);
	for (i = 0; i < c->scaler.nspreads; i++) {
		free(c->scaler.spreads[i].name);
		kvs_free(c->scaler.spreads[i].requirements,
		    c->scaler.spreads[i].nrequirements);
	}
	free(c->scaler.spreads);
	for (i = 0; i < c->nlinks; i++)
		link_free(&c->links[i]);
	free(c->links);
}

void
lt_manifest_destroy(struct lt_manifest *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->ncomponents; i++)
		component_free(&m->components[i]);
	free(m->components);
	free(m->path);
	free(m->name);
	free(m->version);
	free(m->description);
	cJSON_Delete(m->doc);
	free(m);
}
