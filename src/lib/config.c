/* config.c: settings from flags, environment and natscli context files
 * (read-only), with the source of each value kept for 'config show'. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "latticectl/buf.h"
#include "latticectl/config.h"
#include "latticectl/output.h"
#include "latticectl/redact.h"
#include "latticectl/util.h"
#include "banned.h"

static const char *const output_choices[] = {
	"text", "wide", "json", "ndjson", "raw", "markdown", "html", NULL
};
static const char *const color_choices[] = { "auto", "always", "never", NULL };
static const char *const time_choices[] = { "utc", "local", NULL };

const struct lt_opt lt_global_opts[] = {
	{ "server", 's', LT_OPT_ARG | LT_OPT_CONN, "URL",
	    "NATS server URL(s), comma separated", NULL },
	{ "context", 0, LT_OPT_ARG | LT_OPT_CONN, "NAME", "natscli context to read", NULL },
	{ "no-context", 0, LT_OPT_CONN, NULL, "ignore natscli contexts", NULL },
	{ "creds", 0, LT_OPT_ARG | LT_OPT_CONN, "FILE", "user credentials file", NULL },
	{ "nkey", 0, LT_OPT_ARG | LT_OPT_CONN, "FILE", "nkey seed file", NULL },
	{ "user", 0, LT_OPT_ARG | LT_OPT_CONN, "USER", "user name", NULL },
	{ "password", 0, LT_OPT_ARG | LT_OPT_CONN, "PASS", "password", NULL },
	{ "token", 0, LT_OPT_ARG | LT_OPT_CONN, "TOKEN", "authentication token", NULL },
	{ "tlscert", 0, LT_OPT_ARG | LT_OPT_CONN, "FILE", "TLS client certificate", NULL },
	{ "tlskey", 0, LT_OPT_ARG | LT_OPT_CONN, "FILE", "TLS client key", NULL },
	{ "tlsca", 0, LT_OPT_ARG | LT_OPT_CONN, "FILE", "TLS certificate authority", NULL },
	{ "timeout", 0, LT_OPT_ARG, "DUR", "connect and request timeout (5s)", NULL },
	{ "js-domain", 0, LT_OPT_ARG, "DOMAIN", "JetStream domain", NULL },
	{ "inbox-prefix", 0, LT_OPT_ARG | LT_OPT_CONN, "PREFIX", "inbox prefix (_INBOX)", NULL },
	{ "lattice", 'x', LT_OPT_ARG, "NAME", "lattice name (default)", NULL },
	{ "ctl-prefix", 0, LT_OPT_ARG, "PREFIX", "control subject prefix (wasmbus.ctl)", NULL },
	{ "output", 'o', LT_OPT_ARG, "FORMAT", "output format", output_choices },
	{ "color", 0, LT_OPT_ARG, "WHEN", "colour: auto, always, never", color_choices },
	{ "local", 0, 0, NULL, "text times in the local zone, not UTC", NULL },
	{ "no-headers", 0, 0, NULL, "tables without their header row", NULL },
	{ "quiet", 'q', 0, NULL, "less on stderr", NULL },
	{ "verbose", 'v', LT_OPT_MULTI, NULL, "more on stderr", NULL },
	{ "help", 'h', 0, NULL, "show help", NULL },
	LT_OPT_END
};

/* One row per setting: flag name, environment variables (first set wins),
 * natscli context key, default, and whether the value is a secret. */
static const struct setting_def {
	const char *name;
	const char *env[3];
	const char *ctx_key;
	const char *def;
	bool secret;
} defs[LT_S__COUNT] = {
	[LT_S_SERVER] = { "server", { "NATS_URL" }, "url", "nats://127.0.0.1:4222", false },
	[LT_S_CONTEXT] = { "context", { "NATS_CONTEXT" }, NULL, NULL, false },
	[LT_S_CREDS] = { "creds", { "NATS_CREDS", "WASH_CTL_CREDS" }, "creds", NULL, false },
	[LT_S_NKEY] = { "nkey", { "NATS_NKEY" }, "nkey", NULL, false },
	[LT_S_USER] = { "user", { "NATS_USER" }, "user", NULL, false },
	[LT_S_PASSWORD] = { "password", { "NATS_PASSWORD" }, "password", NULL, true },
	[LT_S_TOKEN] = { "token", { "NATS_TOKEN" }, "token", NULL, true },
	[LT_S_TLSCERT] = { "tlscert", { "NATS_CERT" }, "cert", NULL, false },
	[LT_S_TLSKEY] = { "tlskey", { "NATS_KEY" }, "key", NULL, false },
	[LT_S_TLSCA] = { "tlsca", { "NATS_CA" }, "ca", NULL, false },
	[LT_S_TIMEOUT] = { "timeout", { "NATS_TIMEOUT" }, NULL, "5s", false },
	[LT_S_JS_DOMAIN] = { "js-domain", { "WASMCLOUD_JS_DOMAIN", "NATS_JS_DOMAIN" }, "jetstream_domain", NULL, false },
	[LT_S_INBOX_PREFIX] = { "inbox-prefix", { "NATS_INBOX_PREFIX" }, "inbox_prefix", "_INBOX", false },
	[LT_S_LATTICE] = { "lattice", { "WASMCLOUD_LATTICE" }, NULL, "default", false },
	[LT_S_CTL_PREFIX] = { "ctl-prefix", { "WASMCLOUD_CTL_TOPIC_PREFIX" }, NULL, "wasmbus.ctl", false },
	[LT_S_OUTPUT] = { "output", { NULL }, NULL, "text", false },
	[LT_S_COLOR] = { "color", { "LATTICECTL_COLOR" }, NULL, "auto", false },
	[LT_S_TIME] = { "time", { "LATTICECTL_TIME" }, NULL, "utc", false },
};

const char *
lt_setting_name(enum lt_setting s)
{
	return defs[s].name;
}

bool
lt_setting_is_secret(enum lt_setting s)
{
	return defs[s].secret;
}

const char *
lt_source_name(enum lt_source src)
{
	static const char *const names[] = { "default", "context", "env", "flag" };

	return names[src];
}

const char *
lt_config_get(const struct lt_config *cfg, enum lt_setting s)
{
	return cfg->val[s];
}

static void
set(struct lt_config *cfg, enum lt_setting s, const char *v,
    enum lt_source src, const char *detail)
{
	free(cfg->val[s]);
	free(cfg->src_detail[s]);
	cfg->val[s] = v ? lt_xstrdup(v) : NULL;
	cfg->src[s] = src;
	cfg->src_detail[s] = detail ? lt_xstrdup(detail) : NULL;
}

char *
lt_config_context_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return lt_xasprintf("%s/nats/context", xdg);
	return lt_xasprintf("%s/.config/nats/context", home ? home : ".");
}

static char *
read_small_file(const char *path)
{
	struct lt_buf b = LT_BUF_INIT;
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b.len < (1 << 20))
		lt_buf_add(&b, chunk, n);
	fclose(f);
	return lt_buf_detach(&b);
}

/* The context to use: --context, NATS_CONTEXT, else context.txt. */
static char *
selected_context(struct lt_config *cfg, const char *dir)
{
	char *path, *name;
	size_t len;

	if (cfg->val[LT_S_CONTEXT])
		return lt_xstrdup(cfg->val[LT_S_CONTEXT]);
	path = lt_xasprintf("%s/../context.txt", dir);
	name = read_small_file(path);
	free(path);
	if (name == NULL)
		return NULL;
	len = strcspn(name, "\r\n");
	name[len] = '\0';
	if (len == 0) {
		free(name);
		return NULL;
	}
	set(cfg, LT_S_CONTEXT, name, LT_SRC_CONTEXT, "context.txt");
	return name;
}

static void
apply_context_json(struct lt_config *cfg, cJSON *root, const char *path)
{
	int s;

	for (s = 0; s < LT_S__COUNT; s++) {
		cJSON *v;
		const char *str;

		if (defs[s].ctx_key == NULL || cfg->src[s] != LT_SRC_DEFAULT)
			continue;
		v = cJSON_GetObjectItemCaseSensitive(root, defs[s].ctx_key);
		str = cJSON_GetStringValue(v);
		if (str == NULL || *str == '\0')
			continue;
		if (lt_str_has_prefix(str, "file://"))
			str += 7;
		set(cfg, (enum lt_setting)s, str, LT_SRC_CONTEXT, path);
	}
}

static int
load_context(struct lt_config *cfg, struct lt_error *err)
{
	char *dir = lt_config_context_dir(), *name = NULL, *path = NULL;
	char *text = NULL;
	cJSON *root = NULL;
	int rc = 0;

	if (cfg->no_context) {
		/* No context is in use, whichever was selected: say why. */
		set(cfg, LT_S_CONTEXT, NULL, LT_SRC_FLAG, "--no-context");
		goto out;
	}
	name = selected_context(cfg, dir);
	if (name == NULL)
		goto out;
	if (strchr(name, '/') || !strcmp(name, "..")) {
		rc = lt_error_set(err, LT_E_USAGE, "invalid context name '%s'", name);
		goto out;
	}
	path = lt_xasprintf("%s/%s.json", dir, name);
	text = read_small_file(path);
	if (text == NULL) {
		rc = lt_error_set(err, LT_E_USAGE, "context '%s': cannot read '%s': %s",
		    name, path, strerror(errno));
		goto out;
	}
	root = cJSON_Parse(text);
	if (!cJSON_IsObject(root)) {
		rc = lt_error_set(err, LT_E_USAGE,
		    "context '%s': '%s' is not a JSON object", name, path);
		goto out;
	}
	apply_context_json(cfg, root, path);
out:
	cJSON_Delete(root);
	free(text);
	free(path);
	free(name);
	free(dir);
	return rc;
}

static void
load_env(struct lt_config *cfg)
{
	const char *host = getenv("WASMCLOUD_CTL_HOST");
	const char *port = getenv("WASMCLOUD_CTL_PORT");
	const char *ms = getenv("WASMCLOUD_CTL_TIMEOUT_MS");
	int s, i;

	for (s = 0; s < LT_S__COUNT; s++) {
		if (cfg->src[s] == LT_SRC_FLAG)
			continue;
		for (i = 0; i < 3 && defs[s].env[i]; i++) {
			const char *v = getenv(defs[s].env[i]);

			if (v && *v) {
				set(cfg, (enum lt_setting)s, v, LT_SRC_ENV,
				    defs[s].env[i]);
				break;
			}
		}
	}
	if (cfg->src[LT_S_SERVER] == LT_SRC_DEFAULT && ((host && *host) ||
	    (port && *port))) {
		char *url = lt_xasprintf("nats://%s:%s", host && *host ? host :
		    "127.0.0.1", port && *port ? port : "4222");

		set(cfg, LT_S_SERVER, url, LT_SRC_ENV, "WASMCLOUD_CTL_HOST/PORT");
		free(url);
	}
	if (cfg->src[LT_S_TIMEOUT] == LT_SRC_DEFAULT && ms && *ms) {
		char *v = lt_xasprintf("%sms", ms);

		set(cfg, LT_S_TIMEOUT, v, LT_SRC_ENV, "WASMCLOUD_CTL_TIMEOUT_MS");
		free(v);
	}
}

static void
load_flags(struct lt_config *cfg, const struct lt_args *args)
{
	int s;

	for (s = 0; s < LT_S__COUNT; s++) {
		const char *v = lt_args_get(args, defs[s].name);

		if (v)
			set(cfg, (enum lt_setting)s, v, LT_SRC_FLAG, NULL);
	}
	if (lt_args_has(args, "local"))
		set(cfg, LT_S_TIME, "local", LT_SRC_FLAG, "--local");
	cfg->no_context = lt_args_has(args, "no-context");
	cfg->no_headers = lt_args_has(args, "no-headers");
	cfg->quiet = lt_args_has(args, "quiet");
	cfg->verbose = lt_args_count(args, "verbose");
}

static int
validate(struct lt_config *cfg, struct lt_error *err)
{
	int s;

	for (s = 0; s < LT_S__COUNT; s++) {
		if (cfg->val[s] == NULL && defs[s].def)
			set(cfg, (enum lt_setting)s, defs[s].def,
			    LT_SRC_DEFAULT, NULL);
	}
	if (lt_parse_duration(cfg->val[LT_S_TIMEOUT], &cfg->timeout_ns, err) < 0)
		return lt_error_prefix(err, "timeout");
	if (cfg->timeout_ns <= 0)
		return lt_error_set(err, LT_E_USAGE, "timeout must be positive");
	if (lt_parse_enum(cfg->val[LT_S_OUTPUT], output_choices, "--output",
	    err) < 0)
		return -1;
	if (lt_parse_enum(cfg->val[LT_S_COLOR], color_choices, "--color",
	    err) < 0)
		return -1;
	if (lt_parse_enum(cfg->val[LT_S_TIME], time_choices, "LATTICECTL_TIME",
	    err) < 0)
		return -1;
	return 0;
}

int
lt_config_load(struct lt_config *cfg, const struct lt_args *args,
    struct lt_error *err)
{
	load_flags(cfg, args);
	load_env(cfg);
	if (load_context(cfg, err) < 0)
		return -1;
	return validate(cfg, err);
}

void
lt_config_inherit(struct lt_config *cfg, const struct lt_config *from)
{
	int s;

	for (s = 0; s < LT_S__COUNT; s++)
		if (cfg->src[s] != LT_SRC_FLAG)
			set(cfg, (enum lt_setting)s, from->val[s], from->src[s],
			    from->src_detail[s]);
	if (cfg->src[LT_S_TIMEOUT] != LT_SRC_FLAG)
		cfg->timeout_ns = from->timeout_ns;
	cfg->no_context = from->no_context;
	cfg->quiet |= from->quiet;	/* 'latticectl -q shell': quiet lines */
	cfg->no_headers |= from->no_headers;
	if (cfg->verbose == 0)
		cfg->verbose = from->verbose;
}

void
lt_config_release(struct lt_config *cfg)
{
	int s;

	for (s = 0; s < LT_S__COUNT; s++) {
		free(cfg->val[s]);
		free(cfg->src_detail[s]);
		cfg->val[s] = cfg->src_detail[s] = NULL;
	}
}

/* A setting as config show prints it: "-" when unset, "(set)" for a
 * secret, and URLs without their user information (a server URL may carry
 * "user:password@" or "token@", with or without a scheme). Caller frees. */
static char *
shown_value(const struct lt_config *cfg, int s)
{
	char *v;

	if (cfg->val[s] == NULL)
		return lt_xstrdup("-");
	if (defs[s].secret)
		return lt_xstrdup("(set)");
	v = lt_xstrdup(cfg->val[s]);
	if (s == LT_S_SERVER || strstr(v, "://"))
		lt_redact_url(v);
	return v;
}

int
lt_config_show(const struct lt_config *cfg, FILE *out, bool sources,
    size_t width)
{
	struct lt_table t;
	enum lt_write w;
	int s;

	lt_table_init(&t, sources ? 3 : 2);
	lt_table_fit(&t, width, !cfg->no_headers);
	lt_table_add(&t, (const char *const[]){ "SETTING", "VALUE", "SOURCE" });
	for (s = 0; s < LT_S__COUNT; s++) {
		const char *detail = cfg->src_detail[s];
		char *v = shown_value(cfg, s);
		char *src = lt_xasprintf("%s%s%s%s", lt_source_name(cfg->src[s]),
		    detail ? " (" : "", detail ? detail : "", detail ? ")" : "");

		lt_table_add(&t, (const char *const[]){ defs[s].name, v, src });
		free(src);
		free(v);
	}
	w = lt_table_print(&t, out);
	lt_table_release(&t);
	return w == LT_WRITE_FAILED ? -1 : 0;
}

cJSON *
lt_config_to_json(const struct lt_config *cfg)
{
	cJSON *root = cJSON_CreateObject();
	int s;

	cJSON_AddStringToObject(root, "schema", "latticectl.config/1");
	for (s = 0; s < LT_S__COUNT; s++) {
		cJSON *o = cJSON_AddObjectToObject(root, defs[s].name);
		char *v = shown_value(cfg, s);

		if (cfg->val[s])
			cJSON_AddStringToObject(o, "value", v);
		else
			cJSON_AddNullToObject(o, "value");
		free(v);
		cJSON_AddStringToObject(o, "source", lt_source_name(cfg->src[s]));
		if (cfg->src_detail[s])
			cJSON_AddStringToObject(o, "from", cfg->src_detail[s]);
	}
	return root;
}
