/* findings-priv.h: the findings engine's state, shared by findings.c
 * (the engine: apps, the list, records in, the rules decided by one
 * record or by time) and findings-settle.c (the rules decided at settle).
 * docs/architecture.md, Findings. */
#ifndef LATTICECTL_FINDINGS_PRIV_H
#define LATTICECTL_FINDINGS_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/findings.h"
#include "latticectl/util.h"

struct cJSON;
struct lt_buf;

/* An application: its target manifest and what wadm says of it. */
struct fapp {
	char *name;
	const struct lt_manifest *target, *prev;
	char status[16];	/* wadm's last status type, "" before one */
	double status_seq;
	int64_t busy_since;	/* reconciling or waiting since, 0: not */
	double busy_seq;
	int64_t deploy_t;	/* published or deployed at, 0: not pending */
	double deploy_seq;	/* ... and wadm not heard from since */
	bool undeployed;	/* manifest_unpublished */
	struct fapp *next;
};

/* A ctl component.scale request and what followed it. */
struct fscale {
	double req_seq, reply_seq, event_seq;
	double pair;
	char *component, *ref, *msg;	/* msg: the reply's message */
	bool reply_unseen;
};

/* Bounds on what records from the wire can make the engine keep (any
 * lattice participant controls them): findings, manifests parsed, ctl
 * scale requests and wadm scale commands tracked. Past them, more is
 * ignored. */
#define FND_MAX_FINDINGS 4096
#define FND_MAX_MANIFESTS 1024
#define FND_MAX_SCALES 65536
#define FND_MAX_SCALE_CMDS 4096

struct lt_findings {
	struct lt_findings_opts o;
	struct fapp *apps;
	struct lt_manifest **owned;	/* parsed from manifest_published */
	size_t nowned;
	struct cJSON *list;	/* every finding, firing order (internal) */
	struct cJSON *overflow;	/* past FND_MAX_FINDINGS: a scratch one */
	double nfired;
	struct cJSON *out;	/* the caller's array during a call */
	struct cJSON **pending;	/* fired or updated during the call */
	size_t npending, pcap;
	int64_t now, last_rec;	/* the clock; the last record's time */
	int64_t last_change;	/* the last record that was not periodic */
	bool settled;
	double last_gap_t;	/* time of the last gap record */

	struct fscale *scales;
	int nscales, cap;
	struct cJSON *delete_cmds;	/* {config: [seq...]} DeleteConfig */
	struct cJSON *ctl_dels;	/* {config: seq} the first config.del */
	struct cJSON *deletions;	/* {config: [seq...]} events and kv */
	struct cJSON *restored;	/* {config: seq} a put after them */
	struct cJSON *configs;	/* {config: {seq, value?}} CONFIGDATA */
	bool configs_known;	/* a snapshot was seen */
	double configs_seq;	/* the last snapshot */
	struct cJSON *absent;	/* {config: seq} gone since (after it) */
	struct cJSON *reports;	/* {host: {seq, t, components:[], providers:[]}} */
	struct cJSON *hosts;	/* {host: {t, interval, seq, stopped}} */
	struct cJSON *state;	/* {host|component|provider: {seq, map}} */
	struct cJSON *scalers;	/* {component@host: {src, n, flips, ev:[]}} */
	struct cJSON *scale_cmds;	/* {component@host: {ref, seq}} */
	struct cJSON *prev_probe;	/* a copy */
};

/* The rule table's indexes (lt_findings_rules, same order). */
enum frule {
	R_SCALE_FAILED, R_PROVIDER_START_FAILED, R_LINK_FAILED,
	R_CONFIG_DELETED, R_CONFIG_MISSING, R_IMAGE_NOT_UPDATED,
	R_SCALE_UNACK, R_SCALE_NO_EVENT, R_STATUS_MISMATCH,
	R_PROVIDER_UNHEALTHY, R_SPREAD, R_OLD_INSTANCES, R_STATUS_STUCK,
	R_WADM_SILENT, R_HOST_LOST, R_SCALER_CONFLICT, R_STATE_DRIFT,
	R_CONFIG_DRIFT, R_PROBE_CHANGED,
};

/* The finding of rule with key (app, subject), or NULL. */
struct cJSON *fnd_find(struct lt_findings *e, enum frule rule,
    const char *app, const char *subject);
/* Fire a new finding (error or warning), or return the existing one with
 * that key unchanged (*fresh false). Evidence is added after, with
 * fnd_evidence; the copy for the caller is made when the call ends. */
struct cJSON *fnd_fire(struct lt_findings *e, enum frule rule, bool error,
    const char *app, const char *subject, bool *fresh, const char *fmt, ...)
    LT_PRINTF(7, 8);
/* Change a finding's title (when title is not NULL) and severity; a
 * changed severity is emitted as an update. */
void fnd_update(struct lt_findings *e, struct cJSON *fi, bool error,
    const char *title);
void fnd_evidence(struct cJSON *fi, double seq);
/* Drop a superseded finding from the list; is it dropped? */
void fnd_drop(struct cJSON *fi);
bool fnd_gone(const struct cJSON *fi);
/* Errors in the list about app (or about no app). */
int fnd_errors(const struct lt_findings *e, const char *app);

/* The app whose target has component (or provider) id, or NULL. */
struct fapp *fnd_app_of_id(struct lt_findings *e, const char *id);
/* The app config (a stored name) is referenced by, or NULL. */
struct fapp *fnd_app_of_config(struct lt_findings *e, const char *config,
    struct lt_buf *who, size_t *n);

struct fapp *fnd_app_get(struct lt_findings *e, const char *name,
    bool create);
/* m becomes its app's target (published: one of the version the app
 * already targets changes nothing). */
struct fapp *fnd_set_target(struct lt_findings *e,
    const struct lt_manifest *m, bool published);
bool fnd_is_error(const struct cJSON *fi);
/* host-lost for host, while a deploy is under way. */
void fnd_host_lost(struct lt_findings *e, const char *host, double seq,
    const char *why);

static inline const char *
fnd_str_or(const char *s, const char *def)
{
	return s ? s : def;
}

/* One record, by kind (findings-rec.c). */
void fnd_dispatch(struct lt_findings *e, const struct cJSON *rec,
    const char *kind);
/* Does rec come whether or not anything happens (heartbeats, unchanged
 * health, checkpoints, probes, gaps)? */
bool fnd_periodic(const struct cJSON *rec, const char *kind);

/* The settle-time rules (findings-settle.c). */
void fnd_settle_rules(struct lt_findings *e);

double fnd_seq(const struct cJSON *rec);

#endif
