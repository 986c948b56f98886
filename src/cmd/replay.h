/* replay.h: what the 'replay' files share: the replay's state (replay.c
 * runs the phases and the findings), its observation session and what
 * the session brings as records (replay-capture.c), and the preflight
 * and checkpoints (replay-check.c). */
#ifndef LATTICECTL_CMD_REPLAY_H
#define LATTICECTL_CMD_REPLAY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd.h"
#include "latticectl/ctl.h"
#include "latticectl/gap.h"
#include "latticectl/kv.h"
#include "latticectl/manifest.h"
#include "latticectl/rec.h"
#include "latticectl/observe.h"
#include "latticectl/redact.h"
#include "latticectl/session.h"

#define MAX_MINE 64

struct lt_otlp_target;

/* The options of replay (struct lt_cmd opts_size). */
struct replay_opts {
	const char *probe;		/* --probe URL, or NULL */
	int64_t wait_ns;		/* --wait (2m) */
	int64_t settle_ns;		/* --settle (3s) */
	const char *version_suffix;	/* or NULL */
	const char *record;		/* --record FILE, or NULL: the
					 * default name */
	bool dry_run, yes;
	const char *otlp_endpoint;
	bool show_secrets;
};

struct replay {
	struct lt_ctx *ctx;
	const struct replay_opts *o;
	const char *lattice;
	struct lt_manifest *old, *new;
	char *path;			/* of the recording */
	/* the observation: sources, recording, gaps (replay-capture.c);
	 * its callbacks run on the delivery thread, under its lock */
	struct lt_session *s;
	bool recording;			/* the recording was opened */
	struct lt_ctl ctl;
	char inbox[160];		/* "{inbox prefix}.>": replies we see */
	bool warned_inbox;
	struct lt_kv *kv;		/* CONFIGDATA_{L}, for checkpoints */
	/* subjects of ctl and wadm requests latticectl itself is about to
	 * send (a ring, under the session's lock), so that their records
	 * say "from":"latticectl" */
	char mine[MAX_MINE][192];
	unsigned nmine;
	cJSON *recs;			/* every record written, in order */
	/* messages into records; ctl and wadm requests pair with their
	 * replies for --timeout after each */
	struct lt_observe *observe;
	uint64_t events;
	int64_t settle_ns, t0;
	const char *phase;
	char lost[160];			/* the server disconnected from last */
	enum lt_redact_mode redact;	/* --show-secrets */
	int64_t wait_ns;		/* --wait: for deployed or failed */
	/* the app before the replay (read-only wadm calls) */
	char *status_now;		/* model.status type, or NULL */
	cJSON *stored;			/* model.versions, or NULL: unknown */
	char *deployed;			/* the version deployed, or NULL */
	struct lt_manifest *current;	/* its manifest (model.get), or NULL */
	char suffix[40];		/* --version-suffix applied, or "" */
	/* --otlp-endpoint: where to (NULL: no export), and the seq of the
	 * first phase record not exported yet (0 before the first phase) */
	const struct lt_otlp_target *otlp;
	uint64_t otlp_from;
	bool otlp_later;	/* a phase's export failed: all at the end */
};

/* replay-capture.c */

/* The session r->s: the recording at path (its meta record first;
 * r->recording once the file is open), then events, ctl, wadm API,
 * commands and status, CONFIGDATA and the inbox prefix as its sources,
 * subscribed. Messages become records on the delivery thread;
 * disconnects, reconnects, client errors and drops become gap records
 * (docs/architecture.md, Data path). r->s stays NULL when the recording
 * could not be begun. */
int replay_open_session(struct replay *r, const char *path,
    struct lt_error *err);
/* What is still queued (connection notices), then the end: an end
 * record after a replay that completed (rc 0), none after a failure (the
 * recording stays a valid prefix). NULL r->s is fine. */
void replay_close_session(struct replay *r, int rc);
/* Write a record from the main thread (takes the session's lock); takes
 * fields. Returns its seq. */
uint64_t replay_note(struct replay *r, const char *kind, cJSON *fields);
/* ... and a gap (an outage not over when the replay gives up). */
void replay_record_gap(struct replay *r, const struct lt_gap *g);
/* latticectl is about to send a request on subject, or a ctl request on
 * {ctl}.v1.{L}.{tail}: its record will say "from":"latticectl". */
void replay_expect_subject(struct replay *r, const char *subject);
void replay_expect_mine(struct replay *r, const char *tail);

/* replay-check.c */

/* JetStream is on, hosts answer ping, wadm answers its API (status_now). */
int replay_preflight(struct replay *r, struct lt_error *err);
/* stored, deployed and current from wadm (read-only). */
void replay_current(struct replay *r);
/* Apply --version-suffix; a version wadm stores already is an error
 * naming it and the way out (replay_stored_error). */
int replay_versions(struct replay *r, struct lt_error *err);
int replay_stored_error(struct replay *r, const char *version,
    struct lt_error *err);
/* Inventories of every host, the snapshot for m, the probe. */
void replay_checkpoint(struct replay *r, const struct lt_manifest *m);

/* replay-view.c */

/* The plan: what is deployed now, the steps, what each deploy changes. */
void replay_plan(struct replay *r, FILE *fp);
/* After the run: the short timeline and the findings (-v: every record). */
void replay_print(struct replay *r);
/* The closing lines: the verdict and the files written (rc: the run's). */
void replay_summary(struct replay *r, int rc, int nerr);

#endif
