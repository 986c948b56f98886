/* filter.h: the event filter language shared by watch (live) and show
 * (offline): --type globs, --for KIND/ID, --where PATH OP VALUE, --grep.
 * Different kinds combine with AND; several --type or --for values with
 * OR; several --where or --grep with AND. */
#ifndef LATTICECTL_FILTER_H
#define LATTICECTL_FILTER_H

#include <stdbool.h>

#include "latticectl/error.h"
#include "latticectl/event.h"
#include "latticectl/json.h"
#include "latticectl/opt.h"
#include "latticectl/redact.h"

/* The option-table rows for the filters (struct lt_opt, opt.h), shared
 * by watch and show so both spell and document them the same way, bound
 * to the struct lt_filter_opts member f of options struct st, for
 * lt_filter_add_opts. */
struct lt_filter_opts {
	struct lt_optv type, fors, where, grep;
};

#define LT_FILTER_OPTS_TO(st, f) \
	{ "type", 't', LT_OPT_ARG | LT_OPT_MULTI, "TYPES", \
	    "event types, comma separated globs; !T excludes", NULL, \
	    LT_TO_LIST(st, f.type) }, \
	{ "for", 0, LT_OPT_ARG | LT_OPT_MULTI, "KIND/ID", \
	    "component/ID, host/ID, app/NAME, config/NAME, provider/ID, " \
	    "trace/ID", NULL, LT_TO_LIST(st, f.fors) }, \
	{ "where", 'w', LT_OPT_ARG | LT_OPT_MULTI, "EXPR", \
	    "PATH OP VALUE, OP one of = != ~ !~ < > exists", NULL, \
	    LT_TO_LIST(st, f.where) }, \
	{ "grep", 0, LT_OPT_ARG | LT_OPT_MULTI, "TEXT", \
	    "only events whose payload contains TEXT", NULL, \
	    LT_TO_LIST(st, f.grep) }

struct cJSON;
struct lt_filter;
struct lt_manifest;

struct lt_filter *lt_filter_create(void);
void lt_filter_destroy(struct lt_filter *f);

/* Add every --type, then --for, --where and --grep value of o to f, as
 * lt_filter_add_types and the others below; -1 with err at the first
 * bad one. */
int lt_filter_add_opts(struct lt_filter *f, const struct lt_filter_opts *o,
    struct lt_error *err);
/* Whether o gives any filter. */
bool lt_filter_opts_given(const struct lt_filter_opts *o);

/* Comma-separated type globs: "component_scaled,config_*"; a glob after
 * '!' excludes ("!host_heartbeat,!health_check_*"). An event passes when
 * it matches some included glob (or none is given) and no excluded one. */
int lt_filter_add_types(struct lt_filter *f, const char *list,
    struct lt_error *err);

/* Calls fn with one message ("unknown event type 'compnent_scaled' (did
 * you mean 'component_scaled'?)") for each --type glob that matches no
 * type of lt_event_types. Unknown types are still used as given (a newer
 * host may publish them). */
typedef void (*lt_filter_warn_fn)(void *ud, const char *msg);
void lt_filter_type_warnings(const struct lt_filter *f, lt_filter_warn_fn fn,
    void *ud);
/* "component/ID", "host/ID" (a prefix of the id or the friendly name),
 * "app/NAME", "config/NAME", "provider/ID", "trace/ID" (a prefix of the
 * trace id of the event's traceparent, lt_event.traceparent). */
int lt_filter_add_for(struct lt_filter *f, const char *spec,
    struct lt_error *err);
/* The n-th app/NAME of --for (0 first), or NULL past the last. */
const char *lt_filter_app(const struct lt_filter *f, int n);

/* What an app/NAME of --for owns, learned from its manifests. An event
 * about any of it matches app/NAME too, and the raw test looks for it:
 * its components' and providers' ids (as component_id, provider_id, and
 * a link's source_id or target) and the CONFIGDATA names of its configs
 * and secret references (config_name), under the names wadm derives
 * (lt_manifest_managed_name). What every version taught is kept, so an
 * upgrade's cleanup of an older version's config still matches.
 *
 * lt_filter_learn_manifest learns from m when an app/NAME names
 * m->name; lt_filter_learn_event from a manifest_published event (its
 * data is the manifest); lt_filter_learn_record from a recording record:
 * such an event, a wadm.request on model.put (its payload) or a
 * wadm.reply carrying a manifest (model.get). Each returns how many
 * names were new (0 when the app is not asked for or the manifest does
 * not parse). An app/NAME learns at most LT_FILTER_OWNED_MAX names: any
 * participant can publish a manifest_published event, and every message
 * is looked through for every name. */
#define LT_FILTER_OWNED_MAX 1024
int lt_filter_learn_manifest(struct lt_filter *f,
    const struct lt_manifest *m);
int lt_filter_learn_event(struct lt_filter *f, const struct lt_event *ev);
int lt_filter_learn_record(struct lt_filter *f, const struct cJSON *rec);

/* "PATH OP VALUE" with OP one of = != ~ !~ < >, or "PATH exists",
 * "PATH !exists". PATH is dotted into the CloudEvent
 * (data.annotations["wasmcloud.dev/appspec"]); ~ is a POSIX ERE. For
 * = != < > VALUE is JSON (else a string) and compares in jq's order,
 * numbers by exact value (lt_json_cmp); a string field compares with an
 * unquoted VALUE's text. "type = NAME" and "type != NAME" with a NAME
 * without a dot compare the short type name (component_scaled matches
 * com.wasmcloud.lattice.component_scaled). PATH "trace" is the trace id
 * of the event's traceparent (lt_event.traceparent), absent without. A bad expression (a missing
 * VALUE, NaN, +5) is LT_E_USAGE naming the bad token. */
int lt_filter_add_where(struct lt_filter *f, const char *expr,
    struct lt_error *err);
/* Case-sensitive substring of the raw payload. */
void lt_filter_add_grep(struct lt_filter *f, const char *text);

/* True when nothing but types was added (types are matched too). */
bool lt_filter_is_empty(const struct lt_filter *f);
/* Cheap test on the raw payload before decoding: false means the event
 * cannot match (every --for id, and every --grep, must occur in it). */
bool lt_filter_may_match(const struct lt_filter *f, const char *raw,
    size_t len);

/* lt_filter_may_match on a payload before redaction: false only when the
 * redacted payload cannot match either (see lt_redact_may_create). */
bool lt_filter_may_match_unredacted(const struct lt_filter *f,
    const char *raw, size_t len);
/* Full test on a decoded event. */
bool lt_filter_match(const struct lt_filter *f, const struct lt_event *ev);
/* What lt_filter_match_raw says. */
enum lt_filter_verdict {
	LT_FILTER_NO,
	LT_FILTER_YES,
	LT_FILTER_UNSURE,	/* decode and lt_filter_match */
};

/* lt_filter_match decided on a message's payload as it arrived, before
 * redaction and decoding, when a scan of its bytes can: YES or NO is what
 * lt_filter_match would say of the event lt_event_decode makes of the
 * payload redacted in mode (received on subject; its traceparent tp, or
 * NULL); UNSURE when only that can tell (docs/architecture.md, Watch).
 * YES and NO also mean that redaction leaves the payload as it is and
 * that it is a CloudEvent, and fill out (struct lt_filter_raw). */
#define LT_FILTER_RAW_KEPT 128
struct lt_filter_raw {
	char type[128];		/* its lt_event.type */
	bool compact;		/* JSON lt_json_parse reads alike, without
				 * white space outside strings: a record
				 * copies it as it is (lt_msg.json_checked) */
	/* what lt_json_check kept of it, pointing into the payload: the
	 * text line without decoding (lt_event_format_text_raw) */
	struct lt_json_member kept[LT_FILTER_RAW_KEPT];
	struct lt_json_members keep;
};
enum lt_filter_verdict lt_filter_match_raw(const struct lt_filter *f,
    const char *subject, const char *raw, size_t len, const char *tp,
    enum lt_redact_mode mode, struct lt_filter_raw *out);

/* The test for a wadm application status (not a CloudEvent): every --grep
 * text in raw, and, when there is any --for, an app/NAME naming app;
 * --type and --where are about CloudEvents and do not apply. */
bool lt_filter_match_status(const struct lt_filter *f, const char *app,
    const char *raw, size_t len);

/* True when the subjects cover every event of the lattice ('>'): no
 * included --type, or one only the client can match. */
bool lt_filter_whole_lattice(const struct lt_filter *f);
/* The subjects to subscribe to for lattice (or "*" for all lattices) so
 * that the server filters by --type: one per glob, a glob with wildcards
 * other than a trailing '*' token widens to the lattice's '>'. Returns the
 * count; subjects[i] are owned by the caller (free each). */
int lt_filter_subjects(const struct lt_filter *f, const char *prefix,
    const char *lattice, char ***subjects);

#endif
