/* values.c: what a word completes to (values.h). Live names are read
 * with the same read-only calls the commands use (host.ping, host.get,
 * wadm model.get, JetStream stream and KV listings), each bounded by what
 * is left of the word's deadline, and kept only when plain. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/values.h"
#include "latticectl/conn.h"
#include "latticectl/ctl.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/kv.h"
#include "latticectl/util.h"
#include "latticectl/wadm.h"
#include "banned.h"

int64_t
lt_values_timeout(void)
{
	struct lt_error err = LT_ERROR_INIT;
	const char *v = getenv("LATTICECTL_COMPLETE_TIMEOUT");
	int64_t ns = 0;

	if (v && *v && lt_parse_duration(v, &ns, &err) == 0 && ns > 0 &&
	    ns <= 30 * 1000000000LL)
		return ns;
	return LT_VALUES_TIMEOUT_NS;
}

void
lt_words_add(struct lt_words *w, const char *s)
{
	if (w->n == w->alloc) {
		w->alloc = w->alloc ? w->alloc * 2 : 16;
		w->v = lt_xrealloc(w->v, w->alloc * sizeof(*w->v));
	}
	w->v[w->n++] = lt_xstrdup(s);
}

void
lt_words_release(struct lt_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

bool
lt_values_plain(const char *s)
{
	size_t i;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') ||
	    (s[0] >= '0' && s[0] <= '9') || s[0] == '_'))
		return false;
	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("._/@+=-", s[i])))
			return false;
	return i < 256;
}

static void
add_plain(struct lt_words *w, const char *s)
{
	if (s && lt_values_plain(s))
		lt_words_add(w, s);
}

/* Names: the lists live sources give, cached per lattice and bucket. */
enum names {
	N_HOSTS, N_COMPONENTS, N_PROVIDERS, N_APPS, N_CONFIGS, N_BUCKETS,
	N_KEYS,
};

struct lt_values_cached {
	enum names what;
	char *key;		/* lattice, and bucket for keys */
	int64_t at_ns;
	struct lt_words w;
};

/* What is left of the deadline, at least 1ms (0 would mean the
 * connection's --timeout to the calls). */
static int64_t
left(int64_t deadline)
{
	int64_t ns = deadline - lt_mono_ns();

	return ns > 1000000 ? ns : 1000000;
}

static bool
passed(int64_t deadline)
{
	return lt_mono_ns() >= deadline;
}

static void
ctl_for(const struct lt_values *vs, struct lt_ctl *ctl, int64_t deadline)
{
	lt_ctl_init(ctl, vs->conn, vs->ctl_prefix, vs->lattice);
	ctl->timeout_ns = left(deadline);
	ctl->gather_ns = ctl->timeout_ns;
	ctl->quiet_ns = LT_CTL_QUIET_NS;
}

/* Host ids and friendly names; or, with kind, the ids of the components
 * (or providers) their inventories list. */
static void
fetch_hosts(const struct lt_values *vs, enum names what, int64_t deadline,
    struct lt_words *out)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_ctl_hosts hosts = { 0 };
	struct lt_ctl ctl;
	size_t i, j;

	ctl_for(vs, &ctl, deadline);
	if (lt_ctl_ping(&ctl, &hosts, &err) < 0)
		return;
	for (i = 0; i < hosts.n; i++) {
		struct lt_ctl_inventory inv = { 0 };

		if (what == N_HOSTS) {
			add_plain(out, hosts.v[i].id);
			add_plain(out, hosts.v[i].friendly_name);
			continue;
		}
		ctl.timeout_ns = left(deadline);
		if (passed(deadline) || lt_ctl_inventory_get(&ctl,
		    hosts.v[i].id, &inv, &err) < 0)
			continue;
		for (j = 0; what == N_COMPONENTS && j < inv.ncomponents; j++)
			add_plain(out, inv.components[j].id);
		for (j = 0; what == N_PROVIDERS && j < inv.nproviders; j++)
			add_plain(out, inv.providers[j].id);
		lt_ctl_inventory_release(&inv);
	}
	lt_ctl_hosts_release(&hosts);
}

static void
fetch_apps(const struct lt_values *vs, int64_t deadline,
    struct lt_words *out)
{
	struct lt_error err = LT_ERROR_INIT;
	cJSON *list = NULL;
	const cJSON *m;

	if (lt_wadm_call(vs->conn, vs->lattice, LT_WADM_GET, NULL, "", 0,
	    left(deadline), &list, &err) < 0)
		return;
	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(list, "models"))
		add_plain(out, lt_json_str(m, "name"));
	cJSON_Delete(list);
}

/* The keys of a bucket that hold a value (no value is read). */
static void
fetch_keys(const struct lt_values *vs, const char *bucket,
    struct lt_words *out)
{
	struct lt_kv_walk walk = { 0, 0, true, NULL, NULL };
	struct lt_snapshot snap = LT_SNAPSHOT_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_kv *kv = NULL;

	if (lt_kv_open(&kv, vs->conn, bucket, NULL, &err) == 0 &&
	    lt_kv_snapshot(kv, &walk, &snap, &err) == 0)
		for (size_t i = 0; i < snap.n; i++)
			if (snap.v[i].op == LT_KV_PUT)
				add_plain(out, snap.v[i].key);
	lt_kv_close(kv);
	lt_snapshot_release(&snap);
}

static void
fetch_buckets(const struct lt_values *vs, struct lt_words *out)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_kv_info *v = NULL;
	size_t n = 0;

	if (lt_kv_buckets(vs->conn, &v, &n, &err) == 0)
		for (size_t i = 0; i < n; i++)
			add_plain(out, v[i].bucket);
	free(v);
}

static void
fetch(const struct lt_values *vs, enum names what, const char *bucket,
    int64_t deadline, struct lt_words *out)
{
	char *def;

	switch (what) {
	case N_HOSTS:
	case N_COMPONENTS:
	case N_PROVIDERS:
		fetch_hosts(vs, what, deadline, out);
		break;
	case N_APPS:
		fetch_apps(vs, deadline, out);
		break;
	case N_BUCKETS:
		fetch_buckets(vs, out);
		break;
	case N_CONFIGS:
	case N_KEYS:
		def = lt_xasprintf("CONFIGDATA_%s", vs->lattice);
		fetch_keys(vs, bucket && what == N_KEYS ? bucket : def, out);
		free(def);
		break;
	}
}

/* The names, from the cache while they are fresh, else asked now (when
 * the deadline allows); NULL without a connection that is up. */
static const struct lt_words *
names(struct lt_values *vs, enum names what, const char *bucket,
    int64_t deadline)
{
	char *key = lt_xasprintf("%s\n%s", vs->lattice ? vs->lattice : "",
	    what == N_KEYS && bucket ? bucket : "");
	struct lt_values_cached *c = NULL;
	int64_t now = lt_mono_ns();
	size_t i;

	for (i = 0; i < vs->ncache && !c; i++)
		if (vs->cache[i].what == what && !strcmp(vs->cache[i].key, key))
			c = &vs->cache[i];
	if (c && vs->ttl_ns && now - c->at_ns > vs->ttl_ns) {
		lt_words_release(&c->w);
		c->at_ns = 0;
	}
	if (vs->conn == NULL || !lt_conn_is_up(vs->conn) ||
	    (!c && passed(deadline))) {
		free(key);
		return NULL;
	}
	if (c == NULL) {
		vs->cache = lt_xrealloc(vs->cache,
		    (vs->ncache + 1) * sizeof(*vs->cache));
		c = &vs->cache[vs->ncache++];
		memset(c, 0, sizeof(*c));
		c->what = what;
		c->key = key;
		key = NULL;
	}
	if (c->at_ns == 0 && !passed(deadline)) {
		lt_words_release(&c->w);
		fetch(vs, what, bucket, deadline, &c->w);
		if (c->w.n)	/* nothing (or no answer) is asked again */
			c->at_ns = lt_mono_ns();
	}
	free(key);
	return &c->w;
}

void
lt_values_release(struct lt_values *vs)
{
	for (size_t i = 0; i < vs->ncache; i++) {
		free(vs->cache[i].key);
		lt_words_release(&vs->cache[i].w);
	}
	free(vs->cache);
	vs->cache = NULL;
	vs->ncache = 0;
}

/* Append head + v for each v of list starting with word. */
static void
add_matching(struct lt_words *out, const char *head, const char *word,
    const char *const *list, size_t n)
{
	size_t wl = strlen(word);

	for (size_t i = 0; list && (n ? i < n : list[i] != NULL); i++)
		if (!strncmp(list[i], word, wl)) {
			char *s = lt_xasprintf("%s%s", head, list[i]);

			lt_words_add(out, s);
			free(s);
		}
}

static void
add_names(struct lt_words *out, const char *head, const char *word,
    const struct lt_words *w)
{
	if (w && w->n)
		add_matching(out, head, word, (const char *const *)w->v, w->n);
}

/* natscli contexts: the NAME of each NAME.json in the contexts folder. */
static void
add_contexts(const char *word, struct lt_words *out)
{
	char *dir = lt_config_context_dir();
	struct lt_words w = LT_WORDS_INIT;
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *name;

		if (len <= 5 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		name = lt_xstrndup(e->d_name, len - 5);
		add_plain(&w, name);
		free(name);
	}
	if (d)
		closedir(d);
	add_names(out, "", word, &w);
	lt_words_release(&w);
	free(dir);
}

/* "a,!b,co": keep "a,!b," and complete "co" against the event types. */
static void
add_types(const char *word, struct lt_words *out)
{
	const char *comma = strrchr(word, ',');
	const char *elem = comma ? comma + 1 : word;
	char *head;

	if (*elem == '!')
		elem++;
	head = lt_xstrndup(word, (size_t)(elem - word));
	add_matching(out, head, elem, lt_event_types, 0);
	free(head);
}

static const struct {
	const char *kind;
	enum names what;
} for_kinds[] = {
	{ "app", N_APPS },
	{ "component", N_COMPONENTS },
	{ "config", N_CONFIGS },
	{ "host", N_HOSTS },
	{ "provider", N_PROVIDERS },
};

/* "KIND/" while the kind is typed, then "KIND/ID" for the ids of that
 * kind. */
static void
add_for(struct lt_values *vs, const char *word, int64_t deadline,
    struct lt_words *out)
{
	const char *slash = strchr(word, '/');
	size_t i, klen = slash ? (size_t)(slash - word) : 0;

	for (i = 0; i < LT_ARRAY_SIZE(for_kinds); i++) {
		const char *k = for_kinds[i].kind;
		char *head;

		if (slash == NULL) {
			head = lt_xasprintf("%s/", k);
			add_matching(out, "", word, (const char *const[]){ head,
			    NULL }, 0);
		} else if (strlen(k) == klen && !strncmp(k, word, klen)) {
			head = lt_xstrndup(word, klen + 1);
			add_names(out, head, slash + 1,
			    names(vs, for_kinds[i].what, NULL, deadline));
		} else {
			continue;
		}
		free(head);
	}
}

static void
add_commands(const struct lt_values *vs, const char *word,
    struct lt_words *out)
{
	const struct lt_cmd *const *c;

	for (c = vs->cmds; c && *c; c++)
		if (!((*c)->flags & LT_CMD_HIDDEN))
			add_matching(out, "", word, (const char *const[]){
			    (*c)->name, NULL }, 0);
}

/* The sources that are lists of live names. */
static const struct {
	enum lt_values_src src;
	enum names what;
} live[] = {
	{ LT_VALUES_HOSTS, N_HOSTS },
	{ LT_VALUES_APPS, N_APPS },
	{ LT_VALUES_CONFIGS, N_CONFIGS },
	{ LT_VALUES_BUCKETS, N_BUCKETS },
	{ LT_VALUES_KEYS, N_KEYS },
};

void
lt_values_add(struct lt_values *vs, enum lt_values_src src,
    const char *const *choices, const char *bucket, const char *word,
    struct lt_words *out)
{
	int64_t deadline = lt_mono_ns() + vs->timeout_ns;

	switch (src) {
	case LT_VALUES_CHOICES:
		add_matching(out, "", word, choices, 0);
		break;
	case LT_VALUES_COMMANDS:
		add_commands(vs, word, out);
		break;
	case LT_VALUES_CONTEXTS:
		add_contexts(word, out);
		break;
	case LT_VALUES_HOSTS:
	case LT_VALUES_APPS:
	case LT_VALUES_CONFIGS:
	case LT_VALUES_BUCKETS:
	case LT_VALUES_KEYS:
		for (size_t i = 0; i < LT_ARRAY_SIZE(live); i++)
			if (live[i].src == src)
				add_names(out, "", word, names(vs, live[i].what,
				    bucket, deadline));
		break;
	case LT_VALUES_TYPES:
		add_types(word, out);
		break;
	case LT_VALUES_FOR:
		add_for(vs, word, deadline, out);
		break;
	case LT_VALUES_DEFAULT:
	case LT_VALUES_NONE:
	case LT_VALUES_FILES:
		break;
	}
}

enum lt_values_src
lt_values_of_opt(const struct lt_opt *o)
{
	static const struct {
		const char *opt;
		enum lt_values_src src;
	} by_name[] = {
		{ "bucket", LT_VALUES_BUCKETS },
		{ "context", LT_VALUES_CONTEXTS },
		{ "for", LT_VALUES_FOR },
		{ "type", LT_VALUES_TYPES },
		{ "until", LT_VALUES_TYPES },
	};
	size_t i;

	if (o->choices)
		return LT_VALUES_CHOICES;
	for (i = 0; i < LT_ARRAY_SIZE(by_name); i++)
		if (!strcmp(o->name, by_name[i].opt))
			return by_name[i].src;
	if (o->metavar && (!strcmp(o->metavar, "FILE") ||
	    !strcmp(o->metavar, "OUT")))
		return LT_VALUES_FILES;
	return LT_VALUES_NONE;
}

enum lt_values_src
lt_values_of_args(const struct lt_cmd *c)
{
	if (c->arg_values != LT_VALUES_DEFAULT)
		return c->arg_values;
	return c->max_args == 0 ? LT_VALUES_NONE : LT_VALUES_FILES;
}

bool
lt_values_live(enum lt_values_src src, const char *word)
{
	if (src == LT_VALUES_FOR)	/* ids once the kind is typed */
		return strchr(word, '/') != NULL;
	for (size_t i = 0; i < LT_ARRAY_SIZE(live); i++)
		if (live[i].src == src)
			return true;
	return false;
}
