/* config.h: resolved settings (flag > environment > natscli context >
 * default), each remembering where its value came from. */
#ifndef LATTICECTL_CONFIG_H
#define LATTICECTL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "latticectl/error.h"
#include "latticectl/opt.h"

enum lt_setting {
	LT_S_SERVER,
	LT_S_CONTEXT,
	LT_S_CREDS,
	LT_S_NKEY,
	LT_S_USER,
	LT_S_PASSWORD,
	LT_S_TOKEN,
	LT_S_TLSCERT,
	LT_S_TLSKEY,
	LT_S_TLSCA,
	LT_S_TIMEOUT,
	LT_S_JS_DOMAIN,
	LT_S_INBOX_PREFIX,
	LT_S_LATTICE,
	LT_S_CTL_PREFIX,
	LT_S_OUTPUT,
	LT_S_COLOR,
	LT_S_TIME,		/* text output's zone: utc or local */
	LT_S__COUNT
};

enum lt_source {
	LT_SRC_DEFAULT,
	LT_SRC_CONTEXT,
	LT_SRC_ENV,
	LT_SRC_FLAG,
};

struct lt_config {
	char *val[LT_S__COUNT];		/* owned; NULL when unset */
	enum lt_source src[LT_S__COUNT];
	char *src_detail[LT_S__COUNT];	/* env var name or context file */
	bool no_context;
	bool quiet;
	int verbose;
	int64_t timeout_ns;		/* parsed LT_S_TIMEOUT */
	bool no_headers;		/* --no-headers */
};

#define LT_CONFIG_INIT { { NULL }, { LT_SRC_DEFAULT }, { NULL }, false, false, 0, 0, false }

/* The global options table (-s, --context, ..., -q, -v). */
extern const struct lt_opt lt_global_opts[];

/* Resolve settings from parsed global options, the environment (getenv)
 * and the selected natscli context. Fails with LT_E_USAGE on a bad value or
 * an unreadable/invalid context file. */
int lt_config_load(struct lt_config *cfg, const struct lt_args *args,
    struct lt_error *err);
void lt_config_release(struct lt_config *cfg);
/* Take every setting of from (a shell session's) that cfg did not get
 * from a flag, with its source: the session's connection settings (its
 * options with LT_OPT_CONN cannot be given again) and defaults. */
void lt_config_inherit(struct lt_config *cfg, const struct lt_config *from);

/* Value of a setting, NULL when unset. Borrowed. */
const char *lt_config_get(const struct lt_config *cfg, enum lt_setting s);
/* Name of a setting as printed by 'config show' ("server"). */
const char *lt_setting_name(enum lt_setting s);
bool lt_setting_is_secret(enum lt_setting s);
const char *lt_source_name(enum lt_source src);

/* Print every setting (with its source when sources) as a table cut to
 * width columns (0: not cut; lt_table_fit), without its header under
 * --no-headers; secrets print as "(set)". -1 when the write failed. */
int lt_config_show(const struct lt_config *cfg, FILE *out, bool sources,
    size_t width);
/* One JSON object of the same. Caller frees with cJSON_Delete. */
struct cJSON *lt_config_to_json(const struct lt_config *cfg);

/* Directory of natscli contexts: $XDG_CONFIG_HOME/nats/context or
 * ~/.config/nats/context. Caller frees. */
char *lt_config_context_dir(void);

#endif
