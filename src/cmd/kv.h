/* kv.h: what the 'kv' subcommand files (kv.c, kv-watch.c, kv-diff.c)
 * share: the bucket and redaction options and opening the bucket. */
#ifndef LATTICECTL_CMD_KV_H
#define LATTICECTL_CMD_KV_H

#include "cmd.h"
#include "latticectl/kv.h"
#include "latticectl/redact.h"

#define KV_BUCKET_HELP "bucket to read (default CONFIGDATA_<lattice>)"

struct kv_target {
	char bucket[128];
	const char *lattice;
	bool bucket_given;	/* --bucket, not the lattice's default */
	enum lt_redact_mode mode;
};

/* The options of the kv subcommands (struct lt_cmd opts_size): each
 * binds the rows it has; kv_check fills t from them. */
struct kv_opts {
	const char *bucket;		/* --bucket, or NULL */
	bool show_secrets, redact_all;
	bool all;			/* ls --all */
	uint64_t revision;		/* get --revision; 0: the latest */
	const char *file, *at;		/* snapshot -f, --at */
	bool force;			/* snapshot --force */
	bool live;			/* diff --live */
	uint64_t count;			/* watch -n */
	int64_t idle_ns;		/* watch --idle */
	const char *record;		/* watch --record */
	struct kv_target t;		/* by kv_check */
};

#define KV_OPT_BUCKET { "bucket", 0, LT_OPT_ARG, "BUCKET", KV_BUCKET_HELP, \
	NULL, LT_TO_STR(struct kv_opts, bucket) }
#define KV_OPTS_REDACT LT_REDACT_OPTS_TO(struct kv_opts)
#define KV_CMD_OPTS LT_CMD_OPTS(struct kv_opts, NULL), .check = kv_check

/* The check of a kv subcommand: the target from --bucket (or
 * CONFIGDATA_<lattice>) and --show-secrets / --redact-all (both: a usage
 * error) into ctx->opts' t. */
int kv_check(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err);
/* Connect and open the target bucket. */
int kv_target_open(struct lt_ctx *ctx, const struct kv_target *t,
    struct lt_kv **out, struct lt_error *err);
/* A value as people see it: redacted per t->mode, pretty JSON or text, or
 * "(binary, N bytes)". Appends to out. */
void kv_value_text(const struct kv_target *t, const struct lt_kv_entry *e,
    bool pretty, struct lt_buf *out);

/* A point in the bucket's history: "@123" or "123" a revision, "@TIME"
 * an RFC 3339 time, "@10m" that long ago, "@now" the bucket as it is
 * (w left at zero). Fills w->at_revision or w->at_ns; a usage error
 * otherwise. */
int kv_parse_point(const char *s, struct lt_kv_walk *w, struct lt_error *err);

/* Stderr progress for long walks, on a tty only. */
void kv_progress(void *ud, uint64_t done, uint64_t total);
void kv_progress_end(const struct lt_ctx *ctx);

extern const struct lt_cmd cmd_kv_diff;
extern const struct lt_cmd cmd_kv_watch;

#endif
