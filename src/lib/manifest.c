/* manifest.c: wadm OAM manifest parser over libyaml's document API. The
 * YAML tree is walked twice: once into a cJSON copy of the document (with
 * a depth and node budget, since aliases can make a small file expand
 * without bound or refer to themselves), once into struct lt_manifest,
 * keeping node line numbers for error messages. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include <cjson/cJSON.h>

#include "latticectl/buf.h"
#include "latticectl/json.h"
#include "latticectl/manifest.h"
#include "latticectl/util.h"
#include "banned.h"

#define MAX_DEPTH 64
#define MAX_NODES 200000
#define MAX_FILE (16 * 1024 * 1024)

struct ctx {
	yaml_document_t doc;
	const char *path;
	const char *app;	/* metadata.name, for derived names */
	size_t budget;
	struct lt_error *err;
};

static int LT_PRINTF(3, 4)
fail(struct ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return lt_error_set(c->err, LT_E_RUNTIME, "'%s' line %zu: %s", c->path,
	    n ? (size_t)n->start_mark.line + 1 : (size_t)1, msg);
}

static yaml_node_t *
node(struct ctx *c, int id)
{
	return yaml_document_get_node(&c->doc, id);
}

static const char *
scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

/* A plain "null", "~" or empty scalar: YAML's null. */
static bool
is_null(const yaml_node_t *n)
{
	const char *s = scalar(n);

	if (s == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") ||
	    !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* The value under key in mapping map, or NULL (absent or null). */
static yaml_node_t *
get(struct ctx *c, const yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));
		yaml_node_t *v;

		if (k == NULL || strcmp(k, key) != 0)
			continue;
		v = node(c, p->value);
		return is_null(v) ? NULL : v;
	}
	return NULL;
}

static int
want_map(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (n != NULL && n->type == YAML_MAPPING_NODE)
		return 0;
	return fail(c, n, "%s must be a mapping", what);
}

static int
want_seq(struct ctx *c, const yaml_node_t *n, const char *what)
{
	if (n != NULL && n->type == YAML_SEQUENCE_NODE)
		return 0;
	return fail(c, n, "%s must be a list", what);
}

/* A scalar member as a new string. Absent: NULL, an error if required. */
static int
get_str(struct ctx *c, const yaml_node_t *map, const char *key,
    bool required, char **out)
{
	yaml_node_t *v = get(c, map, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(c, map, "missing '%s'", key);
		return 0;
	}
	if (scalar(v) == NULL)
		return fail(c, v, "'%s' must be a string", key);
	*out = lt_xstrdup(scalar(v));
	return 0;
}

static size_t
seq_len(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SEQUENCE_NODE)
		return 0;
	return (size_t)(n->data.sequence.items.top -
	    n->data.sequence.items.start);
}

static yaml_node_t *
seq_at(struct ctx *c, const yaml_node_t *n, size_t i)
{
	return node(c, n->data.sequence.items.start[i]);
}

/* ---- the cJSON copy of the document ---- */

static bool
looks_numeric(const char *s)
{
	const char *p = s;

	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.')
		for (p++; isdigit((unsigned char)*p); p++)
			;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return *p == '\0';
}

/* A number keeping its text (lt_json_print writes it as it was: 2^64 + 1
 * and 5.0 reach wadm unchanged) when the text is a JSON number. */
static cJSON *
number_to_json(const char *s)
{
	struct lt_buf scratch = LT_BUF_INIT;
	cJSON *n = cJSON_CreateNumber(strtod(s, NULL));

	if (*s != '+' && lt_json_compact(s, strlen(s), 1, &scratch) == 0)
		n->valuestring = lt_xstrdup(s);
	lt_buf_release(&scratch);
	return n;
}

/* YAML core-schema typing of plain scalars; quoted ones are strings. */
static cJSON *
scalar_to_json(const yaml_node_t *n)
{
	const char *s = scalar(n);

	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return cJSON_CreateString(s);
	if (is_null(n))
		return cJSON_CreateNull();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return cJSON_CreateTrue();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return cJSON_CreateFalse();
	if (looks_numeric(s))
		return number_to_json(s);
	return cJSON_CreateString(s);
}

static cJSON *to_json(struct ctx *c, yaml_node_t *n, int depth);

struct key_at {
	const char *key;
	const yaml_node_t *node;
};

static int
by_key(const void *a, const void *b)
{
	const struct key_at *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c != 0)
		return c;
	return x->node->start_mark.index < y->node->start_mark.index ? -1 :
	    x->node->start_mark.index > y->node->start_mark.index;
}

/* Refuse a key written twice in one mapping, as wadm's YAML reader and
 * sigs.k8s.io/yaml's strict mode do (which one wins differs between
 * readers). Sorted, so a mapping of n keys costs n log n. */
static int
unique_keys(struct ctx *c, const yaml_node_t *map)
{
	size_t n = (size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start), i;
	struct key_at *v = lt_xcalloc(n + 1, sizeof(*v));
	int rc = 0;

	for (i = 0; i < n; i++) {
		v[i].node = node(c, map->data.mapping.pairs.start[i].key);
		v[i].key = scalar(v[i].node);
		if (v[i].key == NULL) {
			const yaml_node_t *bad = v[i].node;

			free(v);
			return fail(c, bad, "mapping keys must be strings");
		}
	}
	qsort(v, n, sizeof(*v), by_key);
	for (i = 1; i < n && rc == 0; i++)
		if (!strcmp(v[i - 1].key, v[i].key))
			rc = fail(c, v[i].node, "duplicate key '%s' (first on "
			    "line %zu)", v[i].key,
			    (size_t)v[i - 1].node->start_mark.line + 1);
	free(v);
	return rc;
}

static cJSON *
map_to_json(struct ctx *c, yaml_node_t *n, int depth)
{
	cJSON *obj;
	yaml_node_pair_t *p;

	if (unique_keys(c, n) < 0)
		return NULL;
	obj = cJSON_CreateObject();
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	    p++) {
		yaml_node_t *kn = node(c, p->key);
		cJSON *v;

		if ((v = to_json(c, node(c, p->value), depth + 1)) == NULL)
			goto bad;
		cJSON_AddItemToObject(obj, scalar(kn), v);
	}
	return obj;
bad:
	cJSON_Delete(obj);
	return NULL;
}

static cJSON *
to_json(struct ctx *c, yaml_node_t *n, int depth)
{
	cJSON *arr;
	size_t i;

	if (n == NULL) {
		fail(c, NULL, "dangling node");
		return NULL;
	}
	if (depth > MAX_DEPTH || c->budget == 0) {
		fail(c, n, "document nested too deeply or too large "
		    "(alias expansion?)");
		return NULL;
	}
	c->budget--;
	if (n->type == YAML_SCALAR_NODE)
		return scalar_to_json(n);
	if (n->type == YAML_MAPPING_NODE)
		return map_to_json(c, n, depth);
	arr = cJSON_CreateArray();
	for (i = 0; i < seq_len(n); i++) {
		cJSON *v = to_json(c, seq_at(c, n, i), depth + 1);

		if (v == NULL) {
			cJSON_Delete(arr);
			return NULL;
		}
		cJSON_AddItemToArray(arr, v);
	}
	return arr;
}

/* ---- names ---- */

/* The bytes of the UTF-8 character at p: 1 for ASCII and for a byte that
 * starts no valid sequence. */
static size_t
utf8_len(const unsigned char *p)
{
	size_t n = *p >= 0xf0 && *p <= 0xf4 ? 4 : *p >= 0xe0 ? 3 :
	    *p >= 0xc2 && *p < 0xe0 ? 2 : 1, i;

	if (*p >= 0xf5)
		return 1;
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

/* wadm's rule (compute_component_id): Rust's to_lowercase, then each
 * character (not byte) that is not an ASCII letter or digit becomes '_'.
 * Two characters only lower-case into ASCII: the Kelvin sign (to 'k')
 * and I with dot above (to 'i' and a combining dot, so "i_"). */
char *
lt_manifest_sanitize(const char *s)
{
	struct lt_buf out = LT_BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		n = utf8_len(p);
		if (n == 1 && isalnum(*p) && *p < 0x80)
			lt_buf_addch(&out, (char)tolower(*p));
		else if (n == 3 && !memcmp(p, "\xe2\x84\xaa", 3))
			lt_buf_addch(&out, 'k');	/* KELVIN SIGN */
		else if (n == 2 && !memcmp(p, "\xc4\xb0", 2))
			lt_buf_adds(&out, "i_");	/* I WITH DOT ABOVE */
		else
			lt_buf_addch(&out, '_');
		p += n;
	}
	return out.buf ? lt_buf_detach(&out) : lt_xstrdup("");
}

char *
lt_manifest_managed_name(const char *manifest, const char *name)
{
	char *a = lt_manifest_sanitize(manifest);
	char *b = lt_manifest_sanitize(name);
	char *r = lt_xasprintf("%s-%s", a, b);

	free(a);
	free(b);
	return r;
}

/* ---- configs and secrets ---- */

/* A string->string mapping (numbers and booleans keep their text). */
static int
parse_kvs(struct ctx *c, const yaml_node_t *map, const char *what,
    struct lt_manifest_kv **out, size_t *nout)
{
	yaml_node_pair_t *p;
	size_t n = 0;

	if (want_map(c, map, what) < 0)
		return -1;
	*out = lt_xcalloc((size_t)(map->data.mapping.pairs.top -
	    map->data.mapping.pairs.start) + 1, sizeof(**out));
	for (p = map->data.mapping.pairs.start;
	    p < map->data.mapping.pairs.top; p++) {
		const char *k = scalar(node(c, p->key));
		yaml_node_t *vn = node(c, p->value);

		if (k == NULL || scalar(vn) == NULL) {
			*nout = n;
			return fail(c, vn ? vn : map, "%s must map strings to "
			    "strings", what);
		}
		(*out)[n].key = lt_xstrdup(k);
		(*out)[n++].value = lt_xstrdup(scalar(vn));
	}
	*nout = n;
	return 0;
}

static int
parse_config(struct ctx *c, const yaml_node_t *n,
    struct lt_manifest_config *cfg)
{
	yaml_node_t *props;

	if (want_map(c, n, "a config entry") < 0 ||
	    get_str(c, n, "name", true, &cfg->name) < 0)
		return -1;
	props = get(c, n, "properties");
	cfg->managed = props != NULL;
	cfg->stored_name = cfg->managed ?
	    lt_manifest_managed_name(c->app, cfg->name) :
	    lt_xstrdup(cfg->name);
	if (props == NULL)
		return 0;
	return parse_kvs(c, props, "config properties", &cfg->props,
	    &cfg->nprops);
}

static int
parse_configs(struct ctx *c, const yaml_node_t *seq,
    struct lt_manifest_configs *out)
{
	size_t i;

	if (seq == NULL)
		return 0;
	if (want_seq(c, seq, "'config'") < 0)
		return -1;
	out->v = lt_xcalloc(seq_len(seq) + 1, sizeof(*out->v));
	for (i = 0; i < seq_len(seq); i++) {
		out->n = i + 1;
		if (parse_config(c, seq_at(c, seq, i), &out->v[i]) < 0)
			return -1;
	}
	return 0;
}

static int
parse_secret(struct ctx *c, const yaml_node_t *n,
    struct lt_manifest_secret *s)
{
	yaml_node_t *props;
	char *tmp;

	if (want_map(c, n, "a secret entry") < 0 ||
	    get_str(c, n, "name", true, &s->name) < 0)
		return -1;
	tmp = lt_manifest_managed_name(c->app, s->name);
	s->stored_name = lt_xasprintf("SECRET_%s", tmp);
	free(tmp);
	props = get(c, n, "properties");
	if (want_map(c, props ? props : n, "secret properties") < 0 ||
	    props == NULL)
		return props ? -1 : fail(c, n, "secret '%s' has no properties",
		    s->name);
	if (get_str(c, props, "policy", true, &s->policy) < 0 ||
	    get_str(c, props, "key", true, &s->key) < 0 ||
	    get_str(c, props, "field", false, &s->field) < 0 ||
	    get_str(c, props, "version", false, &s->version) < 0)
		return -1;
	return 0;
}

static int
parse_secrets(struct ctx *c, const yaml_node_t *seq,
    struct lt_manifest_secrets *out)
{
	size_t i;

	if (seq == NULL)
		return 0;
	if (want_seq(c, seq, "'secrets'") < 0)
		return -1;
	out->v = lt_xcalloc(seq_len(seq) + 1, sizeof(*out->v));
	for (i = 0; i < seq_len(seq); i++) {
		out->n = i + 1;
		if (parse_secret(c, seq_at(c, seq, i), &out->v[i]) < 0)
			return -1;
	}
	return 0;
}

/* ---- traits ---- */

static int
parse_count(struct ctx *c, const yaml_node_t *n, const char *what,
    uint64_t *out)
{
	struct lt_error e = LT_ERROR_INIT;

	if (scalar(n) == NULL || lt_parse_uint(scalar(n), UINT32_MAX, out,
	    &e) < 0)
		return fail(c, n, "'%s' must be a non-negative integer", what);
	return 0;
}

static int
parse_spread(struct ctx *c, const yaml_node_t *n,
    struct lt_manifest_spread *sp)
{
	yaml_node_t *req, *w;

	if (want_map(c, n, "a spread entry") < 0 ||
	    get_str(c, n, "name", true, &sp->name) < 0)
		return -1;
	if ((w = get(c, n, "weight")) != NULL) {
		if (parse_count(c, w, "weight", &sp->weight) < 0)
			return -1;
		sp->has_weight = true;
	}
	if ((req = get(c, n, "requirements")) == NULL)
		return 0;
	return parse_kvs(c, req, "spread requirements", &sp->requirements,
	    &sp->nrequirements);
}

static int
parse_scaler(struct ctx *c, const yaml_node_t *trait, const yaml_node_t *p,
    enum lt_manifest_scaler_kind kind, struct lt_manifest_scaler *s)
{
	yaml_node_t *inst, *spread;
	size_t i;

	if (s->kind != LT_MANIFEST_SCALER_NONE)
		return fail(c, trait, "bad trait: more than one scaler");
	s->kind = kind;
	inst = get(c, p, "instances");
	if (inst == NULL)
		inst = get(c, p, "replicas");
	if (inst == NULL)
		return fail(c, p, "bad trait: scaler needs 'instances'");
	if (parse_count(c, inst, "instances", &s->instances) < 0)
		return -1;
	if ((spread = get(c, p, "spread")) == NULL)
		return 0;
	if (want_seq(c, spread, "'spread'") < 0)
		return -1;
	s->spreads = lt_xcalloc(seq_len(spread) + 1, sizeof(*s->spreads));
	for (i = 0; i < seq_len(spread); i++) {
		s->nspreads = i + 1;
		if (parse_spread(c, seq_at(c, spread, i), &s->spreads[i]) < 0)
			return -1;
	}
	return 0;
}

static int
parse_interfaces(struct ctx *c, const yaml_node_t *p,
    struct lt_manifest_link *l)
{
	yaml_node_t *seq = get(c, p, "interfaces");
	size_t i;

	if (want_seq(c, seq ? seq : p, "link 'interfaces'") < 0)
		return -1;
	l->interfaces = lt_xcalloc(seq_len(seq) + 1, sizeof(char *));
	for (i = 0; i < seq_len(seq); i++) {
		const char *s = scalar(seq_at(c, seq, i));

		if (s == NULL)
			return fail(c, seq_at(c, seq, i),
			    "link interfaces must be strings");
		l->interfaces[l->ninterfaces++] = lt_xstrdup(s);
	}
	return 0;
}

/* target: either a mapping {name, config, secrets} or just the name. */
static int
parse_link_target(struct ctx *c, const yaml_node_t *p,
    struct lt_manifest_link *l)
{
	yaml_node_t *t = get(c, p, "target");

	if (t == NULL)
		return fail(c, p, "bad trait: link has no 'target'");
	if (scalar(t) != NULL) {
		l->target_name = lt_xstrdup(scalar(t));
		return 0;
	}
	if (want_map(c, t, "link 'target'") < 0 ||
	    get_str(c, t, "name", true, &l->target_name) < 0 ||
	    parse_configs(c, get(c, t, "config"), &l->target_config) < 0 ||
	    parse_secrets(c, get(c, t, "secrets"), &l->target_secrets) < 0)
		return -1;
	return 0;
}

static int
parse_link(struct ctx *c, const yaml_node_t *trait, const yaml_node_t *p,
    struct lt_manifest_component *comp)
{
	struct lt_manifest_link *l;
	yaml_node_t *src;

	comp->links = lt_xrealloc(comp->links,
	    (comp->nlinks + 1) * sizeof(*comp->links));
	l = &comp->links[comp->nlinks++];
	memset(l, 0, sizeof(*l));
	l->line = (size_t)trait->start_mark.line + 1;
	if (get_str(c, p, "namespace", true, &l->namespace) < 0 ||
	    get_str(c, p, "package", true, &l->package) < 0 ||
	    get_str(c, p, "name", false, &l->name) < 0 ||
	    parse_interfaces(c, p, l) < 0 || parse_link_target(c, p, l) < 0)
		return -1;
	if (l->name == NULL)
		l->name = lt_xstrdup("default");
	if ((src = get(c, p, "source")) == NULL)
		return 0;
	if (want_map(c, src, "link 'source'") < 0 ||
	    parse_configs(c, get(c, src, "config"), &l->source_config) < 0 ||
	    parse_secrets(c, get(c, src, "secrets"), &l->source_secrets) < 0)
		return -1;
	return 0;
}

/* Unknown trait types are custom traits to wadm: accepted, ignored. */
static int
parse_trait(struct ctx *c, const yaml_node_t *t,
    struct lt_manifest_component *comp)
{
	const char *type;
	yaml_node_t *p;

	if (want_map(c, t, "a trait") < 0)
		return -1;
	type = scalar(get(c, t, "type"));
	if (type == NULL)
		return fail(c, t, "bad trait: missing 'type'");
	p = get(c, t, "properties");
	if (strcmp(type, "spreadscaler") && strcmp(type, "daemonscaler") &&
	    strcmp(type, "link"))
		return 0;
	if (p == NULL || p->type != YAML_MAPPING_NODE)
		return fail(c, p ? p : t, "bad trait: '%s' needs a properties "
		    "mapping", type);
	if (!strcmp(type, "link"))
		return parse_link(c, t, p, comp);
	return parse_scaler(c, t, p, !strcmp(type, "spreadscaler") ?
	    LT_MANIFEST_SCALER_SPREAD : LT_MANIFEST_SCALER_DAEMON,
	    &comp->scaler);
}

/* ---- components ---- */

static int
parse_type(struct ctx *c, const yaml_node_t *n,
    struct lt_manifest_component *comp)
{
	yaml_node_t *tn = get(c, n, "type");
	const char *t = scalar(tn);

	if (t == NULL)
		return fail(c, n, "component '%s' has no 'type'", comp->name);
	if (!strcmp(t, "component") || !strcmp(t, "actor"))
		comp->type = LT_MANIFEST_COMPONENT;
	else if (!strcmp(t, "capability"))
		comp->type = LT_MANIFEST_CAPABILITY;
	else
		return fail(c, tn, "component '%s' has unknown type '%s'",
		    comp->name, t);
	return 0;
}

static int
parse_component(struct ctx *c, const yaml_node_t *n,
    struct lt_manifest_component *comp)
{
	yaml_node_t *props, *traits;
	size_t i;

	if (want_map(c, n, "a component") < 0 ||
	    get_str(c, n, "name", true, &comp->name) < 0 ||
	    parse_type(c, n, comp) < 0)
		return -1;
	comp->line = (size_t)n->start_mark.line + 1;
	props = get(c, n, "properties");
	if (want_map(c, props ? props : n, "component properties") < 0 ||
	    props == NULL)
		return props ? -1 : fail(c, n, "component '%s' has no "
		    "properties", comp->name);
	if (get(c, props, "image") == NULL && get(c, props, "application")
	    == NULL)
		return fail(c, props, "component '%s' has no 'image'",
		    comp->name);
	if (get_str(c, props, "image", false, &comp->image) < 0 ||
	    get_str(c, props, "id", false, &comp->id) < 0 ||
	    parse_configs(c, get(c, props, "config"), &comp->config) < 0 ||
	    parse_secrets(c, get(c, props, "secrets"), &comp->secrets) < 0)
		return -1;
	comp->explicit_id = comp->id != NULL;
	if (comp->id == NULL)
		comp->id = lt_manifest_managed_name(c->app, comp->name);
	if ((traits = get(c, n, "traits")) == NULL)
		return 0;
	if (want_seq(c, traits, "'traits'") < 0)
		return -1;
	for (i = 0; i < seq_len(traits); i++)
		if (parse_trait(c, seq_at(c, traits, i), comp) < 0)
			return -1;
	return 0;
}

static bool
link_is_http(const struct lt_manifest_link *l)
{
	size_t i;

	if (strcmp(l->namespace, "wasi") || strcmp(l->package, "http"))
		return false;
	for (i = 0; i < l->ninterfaces; i++)
		if (!strcmp(l->interfaces[i], "incoming-handler"))
			return true;
	return false;
}

/* Give every link its target id; mark HTTP targets. */
static int
resolve_links(struct ctx *c, struct lt_manifest *m)
{
	size_t i, j;

	for (i = 0; i < m->ncomponents; i++) {
		for (j = 0; j < m->components[i].nlinks; j++) {
			struct lt_manifest_link *l = &m->components[i].links[j];
			struct lt_manifest_component *t;

			t = (struct lt_manifest_component *)lt_manifest_find(m,
			    l->target_name);
			if (t == NULL)
				return lt_error_set(c->err, LT_E_RUNTIME,
				    "'%s' line %zu: link target '%s' is not a "
				    "component of this manifest", c->path,
				    l->line, l->target_name);
			l->target_id = lt_xstrdup(t->id);
			if (link_is_http(l))
				t->is_http = true;
		}
	}
	return 0;
}

/* ---- the document ---- */

static int
check_header(struct ctx *c, const yaml_node_t *root)
{
	const char *api, *kind;

	if (root == NULL || root->type != YAML_MAPPING_NODE)
		return fail(c, root, "not a wadm manifest (expected a mapping)");
	api = scalar(get(c, root, "apiVersion"));
	kind = scalar(get(c, root, "kind"));
	if (api == NULL)
		return fail(c, root, "missing 'apiVersion'");
	if (strcmp(api, "core.oam.dev/v1beta1") != 0)
		return fail(c, get(c, root, "apiVersion"), "unknown apiVersion "
		    "'%s' (want 'core.oam.dev/v1beta1')", api);
	if (kind == NULL)
		return fail(c, root, "missing 'kind'");
	if (strcmp(kind, "Application") != 0)
		return fail(c, get(c, root, "kind"), "unknown kind '%s' (want "
		    "'Application')", kind);
	return 0;
}

static int
parse_metadata(struct ctx *c, const yaml_node_t *root, struct lt_manifest *m)
{
	yaml_node_t *md = get(c, root, "metadata"), *ann;

	if (md == NULL)
		return fail(c, root, "missing 'metadata'");
	if (want_map(c, md, "'metadata'") < 0 ||
	    get_str(c, md, "name", true, &m->name) < 0)
		return -1;
	if (!*m->name)
		return fail(c, md, "empty metadata.name");
	c->app = m->name;
	if ((ann = get(c, md, "annotations")) == NULL)
		return 0;
	if (want_map(c, ann, "metadata.annotations") < 0 ||
	    get_str(c, ann, "version", false, &m->version) < 0 ||
	    get_str(c, ann, "description", false, &m->description) < 0)
		return -1;
	return 0;
}

static int
parse_root(struct ctx *c, yaml_node_t *root, struct lt_manifest *m)
{
	yaml_node_t *spec, *comps;
	size_t i;

	if (check_header(c, root) < 0 || parse_metadata(c, root, m) < 0)
		return -1;
	spec = get(c, root, "spec");
	comps = get(c, spec, "components");
	if (spec == NULL || want_map(c, spec, "'spec'") < 0)
		return spec ? -1 : fail(c, root, "missing 'spec'");
	if (comps != NULL && want_seq(c, comps, "spec.components") < 0)
		return -1;
	if (seq_len(comps) == 0)
		return fail(c, comps ? comps : spec, "no components");
	m->components = lt_xcalloc(seq_len(comps), sizeof(*m->components));
	for (i = 0; i < seq_len(comps); i++) {
		m->ncomponents = i + 1;
		if (parse_component(c, seq_at(c, comps, i),
		    &m->components[i]) < 0)
			return -1;
	}
	for (i = 0; i < m->ncomponents; i++)
		if (lt_manifest_find(m, m->components[i].name) !=
		    &m->components[i])
			return fail(c, seq_at(c, comps, i), "duplicate component "
			    "name '%s'", m->components[i].name);
	return resolve_links(c, m);
}

/* libyaml's scanner checks every open flow level for each token, so
 * loading "[[[[..." 100k deep took 30 s (quadratic) before to_json's
 * depth limit saw it. A first pass over the events refuses deep nesting
 * and a second document (wadm reads one) as soon as it starts. */
static int
prescan_event(struct ctx *c, const yaml_event_t *ev, int *depth, int *docs)
{
	size_t line = (size_t)ev->start_mark.line + 1;

	if (ev->type == YAML_DOCUMENT_START_EVENT && ++*docs > 1)
		return lt_error_set(c->err, LT_E_RUNTIME, "'%s' line %zu: a "
		    "second YAML document (a manifest is one document)",
		    c->path, line);
	if (ev->type == YAML_MAPPING_START_EVENT ||
	    ev->type == YAML_SEQUENCE_START_EVENT) {
		if (++*depth > MAX_DEPTH)
			return lt_error_set(c->err, LT_E_RUNTIME, "'%s' line "
			    "%zu: nested more than %d deep", c->path, line,
			    MAX_DEPTH);
	} else if (ev->type == YAML_MAPPING_END_EVENT ||
	    ev->type == YAML_SEQUENCE_END_EVENT) {
		--*depth;
	}
	return 0;
}

static int
prescan(struct ctx *c, const char *data, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	int depth = 0, docs = 0, rc = 0;
	bool end = false;

	if (!yaml_parser_initialize(&p))
		return lt_error_set(c->err, LT_E_RUNTIME, "'%s': out of memory",
		    c->path);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	while (rc == 0 && !end && yaml_parser_parse(&p, &ev)) {
		end = ev.type == YAML_STREAM_END_EVENT;
		rc = prescan_event(c, &ev, &depth, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;	/* (a syntax error is load's to report) */
}

static int
load(struct ctx *c, const char *data, size_t len)
{
	yaml_parser_t p;
	int ok;

	if (prescan(c, data, len) < 0)
		return -1;
	if (!yaml_parser_initialize(&p))
		return lt_error_set(c->err, LT_E_RUNTIME, "'%s': out of memory",
		    c->path);
	yaml_parser_set_input_string(&p, (const unsigned char *)data, len);
	ok = yaml_parser_load(&p, &c->doc);
	if (!ok) {
		lt_error_set(c->err, LT_E_RUNTIME, "'%s' line %zu: not YAML: "
		    "%s", c->path, (size_t)p.problem_mark.line + 1,
		    p.problem ? p.problem : "parse error");
		memset(&c->doc, 0, sizeof(c->doc));
	}
	yaml_parser_delete(&p);
	if (ok && yaml_document_get_root_node(&c->doc) == NULL) {
		yaml_document_delete(&c->doc);
		memset(&c->doc, 0, sizeof(c->doc));
		return lt_error_set(c->err, LT_E_RUNTIME, "'%s' line 1: empty "
		    "document", c->path);
	}
	return ok ? 0 : -1;
}

int
lt_manifest_parse(const char *data, size_t len, const char *path,
    struct lt_manifest **out, struct lt_error *err)
{
	struct ctx c = { .path = path ? path : "-", .budget = MAX_NODES,
	    .err = err };
	struct lt_manifest *m;
	yaml_node_t *root;
	int rc = -1;

	*out = NULL;
	if (load(&c, data, len) < 0)
		return -1;
	m = lt_xcalloc(1, sizeof(*m));
	m->path = lt_xstrdup(c.path);
	root = yaml_document_get_root_node(&c.doc);
	if ((m->doc = to_json(&c, root, 0)) != NULL)
		rc = parse_root(&c, root, m);
	yaml_document_delete(&c.doc);
	if (rc < 0)
		lt_manifest_destroy(m);
	else
		*out = m;
	return rc;
}

int
lt_manifest_read(const char *path, struct lt_manifest **out,
    struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;
	char tmp[65536];
	FILE *f;
	size_t n;
	int rc;

	*out = NULL;
	if ((f = fopen(path, "rb")) == NULL)
		return lt_error_set(err, LT_E_RUNTIME, "cannot open '%s': %s",
		    path, strerror(errno));
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0 && b.len < MAX_FILE)
		lt_buf_add(&b, tmp, n);
	rc = ferror(f) ? lt_error_set(err, LT_E_RUNTIME, "cannot read '%s': "
	    "%s", path, strerror(errno)) : 0;
	fclose(f);
	if (rc == 0 && b.len >= MAX_FILE)
		rc = lt_error_set(err, LT_E_RUNTIME, "'%s' is too large", path);
	if (rc == 0)
		rc = lt_manifest_parse(b.buf ? b.buf : "", b.len, path, out,
		    err);
	lt_buf_release(&b);
	return rc;
}
