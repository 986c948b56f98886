/* kv.h: what the 'kv' subcommand files (kv.c, kv-watch.c, kv-diff.c)
 * share: the bucket and redaction options and opening the bucket. */
#ifndef LATTICECTL_CMD_KV_H
#define LATTICECTL_CMD_KV_H

#include "cmd.h"
#include "latticectl/kv.h"
#include "latticectl/redact.h"

#define KV_BUCKET_OPT { "bucket", 0, LT_OPT_ARG, "BUCKET", \
	"bucket to read (default CONFIGDATA_<lattice>)", NULL }
#define KV_REDACT_OPTS LT_REDACT_OPTS

struct kv_target {
	char bucket[128];
	const char *lattice;
	bool bucket_given;	/* --bucket, not the lattice's default */
	enum lt_redact_mode mode;
};

/* Resolve --bucket (or CONFIGDATA_<lattice>) and --show-secrets /
 * --redact-all (both: a usage error). */
int kv_target_parse(struct lt_ctx *ctx, struct kv_target *t,
    struct lt_error *err);
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
