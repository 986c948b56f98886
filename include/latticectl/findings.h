/* findings.h: the findings engine (docs/architecture.md, Findings;
 * latticectl-diagnose(1), RULES). Incremental and multi-app: records go
 * in one at a time, in seq order, and findings come out as soon as the
 * record (or the time) that decides them is seen. Nothing here does I/O,
 * prints or exits.
 *
 * A finding is a cJSON object, the members of a finding record
 * (latticectl(5)), ready for lt_rec_write(r, "finding", ...):
 *   {"severity":"error"|"warning", "id":RULE, "title":T,
 *    "evidence":[seq...], "next":STEP, "app":NAME, "subject":WHAT}
 * app is the application the finding is about ("" when none: a host-lost
 * or a drift finding); subject names the thing within the rule (a config
 * name, "component@host", a host id...). (id, app, subject) is the
 * finding's key: a finding fires once per key.
 *
 * Updates: when what a finding says changes its severity (a deleted
 * config put back turns config-deleted-while-referenced from error into
 * warning), the engine emits the finding again, whole, with the same key,
 * the new severity and title, all evidence so far, and "update":true.
 * Anything else a later record adds (evidence of a repeated failure, "(N
 * times)" in its title) is not emitted: it is in lt_findings_list().
 * A finding may be superseded by a more specific one with the same id
 * (image-not-updated from a host's refusal reply, by the one from that
 * host's inventory that quotes the reply): the list then drops it, and
 * nothing is emitted for that.
 *
 * Records read (latticectl(5)); other kinds and anything malformed are
 * ignored:
 *   event        {subject, event:{type, source, data}}: config_*,
 *                component_scaled / _scale_failed, provider_started /
 *                _start_failed / _stopped, health_check_*, linkdef_*,
 *                host_started / _heartbeat / _stopped, manifest_published
 *                (data: the manifest; it becomes the app's target),
 *                manifest_unpublished
 *   ctl.request  {subject, pair, payload, reply_unseen}  ctl.reply {pair, payload}
 *   wadm.cmd     {subject, payload:{"ScaleComponent":{...}}, ...}
 *   wadm.status  {subject: wadm.status.{L}.{app}, payload:{status:{type}}}
 *   wadm.request {subject: wadm.api.{L}.model.put|deploy.{app}, payload}
 *   wadm.reply   {subject, payload, from:"latticectl"}: latticectl's own
 *                model.get (its manifest becomes the app's target) and
 *                model.status (the app's status) at start
 *   kv           {bucket, key, op:"put"|"delete"|"purge", value}:
 *                CONFIGDATA_{L} and wadm_state
 *   snapshot     {bucket, entries:{KEY:{value}...}} (CONFIGDATA_{L})
 *   inventory    {host, payload:<host.get response>}
 *   probe        {url, http_status, body} (consecutive probes compared)
 *   gap          (a gap is remembered: time rules never fire across one
 *                 on its own evidence)
 * Every record's time is its "t"; the engine's clock is the latest "t"
 * or tick() seen, whichever is later. */
#ifndef LATTICECTL_FINDINGS_H
#define LATTICECTL_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/manifest.h"

struct cJSON;
struct lt_findings;

/* Defaults for a zero member of struct lt_findings_opts. */
#define LT_FINDINGS_STUCK_AFTER_NS	(300 * INT64_C(1000000000))
#define LT_FINDINGS_WADM_SILENT_NS	(30 * INT64_C(1000000000))
#define LT_FINDINGS_SETTLE_NS		(10 * INT64_C(1000000000))
#define LT_FINDINGS_HEARTBEAT_NS	(30 * INT64_C(1000000000))

struct lt_findings_opts {
	/* status-stuck: an app reconciling (or waiting) this long. */
	int64_t stuck_after_ns;
	/* wadm-silent: a manifest published or deployed, and no wadm.cmd
	 * and no wadm.status for the app within this long. */
	int64_t wadm_silent_ns;
	/* Settled: every app with a target is deployed or failed and no
	 * record came for this long (tick() settles by itself then). */
	int64_t settle_ns;
	/* host-lost: the heartbeat interval assumed until two heartbeats
	 * of a host show its own; a host is lost after 3 missed ones. */
	int64_t heartbeat_ns;
};

/* A new engine; o NULL (or zero members) for the defaults. */
struct lt_findings *lt_findings_new(const struct lt_findings_opts *o);
void lt_findings_free(struct lt_findings *e);

/* Make m (borrowed: it must outlive the engine) the target of its app
 * (m->name); the app's previous target, if any, becomes its previous
 * version (old-instances-left). Call it for the old manifest, then the
 * new one, to tell the engine about an upgrade. A manifest_published
 * event does the same with a manifest the engine parses and owns. */
void lt_findings_add_manifest(struct lt_findings *e,
    const struct lt_manifest *m);

/* Feed one record (seq order; the engine keeps no pointer into rec).
 * The time rules are first checked at the record's "t" (as tick()). The
 * findings it decided (new ones and updates) are appended to out, a
 * cJSON array the caller owns (NULL: only kept in the list). Returns how
 * many were appended. */
int lt_findings_feed(struct lt_findings *e, const struct cJSON *rec,
    struct cJSON *out);

/* Time passes with no record: the time rules (status-stuck,
 * wadm-silent, host-lost) at now_ns (ns since the epoch, the clock of
 * the records' "t"), and the automatic settle (opts.settle_ns). */
int lt_findings_tick(struct lt_findings *e, int64_t now_ns,
    struct cJSON *out);

/* The deploy settled (or the input ended): evaluate the settle-time
 * rules now (config-missing, image-not-updated from inventories,
 * scale-unacknowledged, scale-no-event, spread-unsatisfied,
 * old-instances-left, wadm-state-drift, config-drift, status-mismatch).
 * Can be called again after more records: only new findings and
 * updates come out. */
int lt_findings_settle(struct lt_findings *e, struct cJSON *out);

/* Has the engine settled (by settle(), or by tick() after settle_ns of
 * quiet with every app deployed or failed)? A record that changes an
 * app's status or target unsettles it. */
bool lt_findings_settled(const struct lt_findings *e);

/* Every finding in its latest state, in a stable order: errors first,
 * then by rule (the order of the rule table), then in firing order. A
 * new array the caller deletes. */
struct cJSON *lt_findings_list(const struct lt_findings *e);

/* How many findings in the list have severity error. */
int lt_findings_errors(const struct lt_findings *e);

/* One rule of the table (docs/architecture.md, Findings). */
struct lt_findings_rule {
	const char *id;
	const char *severity;	/* "error" or "warning" (its usual one) */
	const char *when;	/* one line: what fires it */
	const char *next;	/* the next step it suggests */
};
/* The rule table, ending with an all-NULL entry. */
extern const struct lt_findings_rule lt_findings_rules[];

/* The one-shot form (replay's): a new engine with target, every record
 * of recs (a cJSON array, seq order) fed, then settled. Returns the list
 * (lt_findings_list), *nerrors (may be NULL) the number of errors. */
struct cJSON *lt_findings_eval(const struct lt_manifest *target,
    const struct cJSON *recs, int *nerrors);

#endif
