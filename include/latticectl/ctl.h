/* ctl.h: a read-mostly client for the wasmCloud 1.x control interface
 * ({prefix}.v1.{lattice}.*, docs/protocol.md, Control interface): the
 * CtlResponse envelope, host.ping (scatter/gather), host.get (inventory),
 * config.get and link.get, and the decoders shared with 'replay' and
 * 'show' (which meet the same payloads in heartbeats and recordings).
 *
 * Ownership (one rule for the whole API): every struct filled by an
 * lt_ctl_* call owns everything it points to (strings and cJSON trees);
 * release it with the matching _release, which accepts zeroed structs.
 * String members are never NULL once filled ("" when the host did not
 * say); cJSON members documented as "never NULL" are empty objects then.
 * Nothing here prints. The only call that writes to the lattice is none:
 * every request here is a query. */
#ifndef LATTICECTL_CTL_H
#define LATTICECTL_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/error.h"

struct cJSON;
struct lt_conn;
struct lt_manifest;

#define LT_CTL_DEFAULT_PREFIX "wasmbus.ctl"

/* Where requests go. Caller-owned; the strings are borrowed and must
 * outlive the struct. */
struct lt_ctl {
	struct lt_conn *conn;
	const char *prefix;	/* ctl topic prefix, "wasmbus.ctl" */
	const char *lattice;	/* "default" */
	int64_t timeout_ns;	/* single replies; 0: the connection's --timeout */
	int64_t gather_ns;	/* scatter/gather window (ping); 0: same */
	int64_t quiet_ns;	/* end the window once this passes after a
				 * reply with no other; 0: the whole window */
};

/* The quiet gap of hosts, inventory and doctor without --wait (their
 * --help and man pages say 300ms): natscli's default --reply-timeout,
 * which 'nats req --replies N' waits for each reply after the first. */
#define LT_CTL_QUIET_NS (300 * 1000000LL)

/* Fill ctl; NULL prefix/lattice mean the defaults. */
void lt_ctl_init(struct lt_ctl *ctl, struct lt_conn *c, const char *prefix,
    const char *lattice);

struct lt_config;

/* The --wait option of hosts, inventory, app and doctor, bound to the
 * int64_t wait_ns of options struct st (include/latticectl/opt.h), whose
 * default is LT_OPT_UNSET_NS. */
#define LT_CTL_WAIT_OPT(st) { "wait", 0, LT_OPT_ARG, "DUR", \
	"collect ping replies for all of DUR (default: stop 300ms after " \
	"the last)", NULL, LT_TO_DURATION(st, wait_ns) }

/* lt_ctl_init over c for cfg's --ctl-prefix and --lattice, gathering ping
 * replies for all of wait_ns or, when it is LT_OPT_UNSET_NS (no --wait),
 * until LT_CTL_QUIET_NS pass after a reply with no other, within
 * --timeout (docs/architecture.md, Gathering ping replies). */
void lt_ctl_init_gather(struct lt_ctl *ctl, struct lt_conn *c,
    const struct lt_config *cfg, int64_t wait_ns);
/* "{prefix}.v1.{lattice}.{tail}". Caller frees. */
char *lt_ctl_subject(const struct lt_ctl *ctl, const char *tail);

/* The reply envelope {success, message|error, response}. */
struct lt_ctl_reply {
	bool success;
	char *message;			/* message, else error, else "" */
	struct cJSON *response;		/* detached "response", or NULL */
};

#define LT_CTL_REPLY_INIT { false, NULL, NULL }

/* Decode a reply body. -1 (LT_E_RUNTIME) when it is not a JSON object
 * with a boolean 'success'; out is then zeroed. */
int lt_ctl_reply_parse(struct lt_ctl_reply *out, const char *data,
    size_t len, struct lt_error *err);
void lt_ctl_reply_release(struct lt_ctl_reply *r);

/* Request on {prefix}.v1.{L}.{tail} and decode the envelope. 0 with out
 * filled whatever 'success' says; -1 on timeout/no responders
 * (LT_E_TIMEOUT), connection trouble or an undecodable reply. */
int lt_ctl_request(struct lt_ctl *ctl, const char *tail, const void *data,
    size_t len, struct lt_ctl_reply *out, struct lt_error *err);

/* A host as host.ping describes it. */
struct lt_ctl_host {
	char *id;
	char *friendly_name;
	char *version;
	char *lattice;
	char *uptime_human;
	int64_t uptime_seconds;		/* -1 when absent */
	struct cJSON *labels;		/* object, never NULL */
	int64_t latency_ns;		/* request to this reply; 0 offline */
};

/* Every host that answered a ping. */
struct lt_ctl_hosts {
	struct lt_ctl_host *v;		/* sorted by friendly name, then id */
	size_t n;
	size_t invalid;			/* replies that did not decode */
	size_t refused;			/* success:false replies */
	char problem[256];		/* first invalid/refused reply, why */
};

/* Scatter/gather host.ping: collect every reply until ctl->gather_ns
 * passes (the auction-style timeout), or ctl->quiet_ns after a reply
 * with no other (a no-responders status ends it early). Zero hosts is
 * not an error (out->n == 0). */
int lt_ctl_ping(struct lt_ctl *ctl, struct lt_ctl_hosts *out,
    struct lt_error *err);
void lt_ctl_hosts_release(struct lt_ctl_hosts *h);
/* Decode one Host object (a ping response or host_started data). */
int lt_ctl_host_from_json(struct lt_ctl_host *out, const struct cJSON *obj,
    struct lt_error *err);
void lt_ctl_host_release(struct lt_ctl_host *h);
/* {id, friendly_name, version, lattice, uptime_seconds, uptime_human,
 * labels, latency_ms?}. Caller deletes. */
struct cJSON *lt_ctl_host_to_json(const struct lt_ctl_host *h);

/* Where a workload's reference to a config was found. */
enum lt_ctl_ref_via {
	LT_CTL_VIA_INVENTORY,	/* the inventory entry itself listed it */
	LT_CTL_VIA_MANIFEST,	/* wadm's deployed manifest for the app */
	LT_CTL_VIA_LINK_SOURCE,	/* source_config of a link from it */
	LT_CTL_VIA_LINK_TARGET,	/* target_config of a link to it */
};

enum lt_ctl_ref_state {
	LT_CTL_CONFIG_UNCHECKED,
	LT_CTL_CONFIG_PRESENT,
	LT_CTL_CONFIG_MISSING,
};

struct lt_ctl_config_ref {
	char *name;			/* the CONFIGDATA key */
	enum lt_ctl_ref_via via;
	enum lt_ctl_ref_state state;
};

enum lt_ctl_kind {
	LT_CTL_COMPONENT,
	LT_CTL_PROVIDER,
};

/* One component or provider entry of a host inventory. */
struct lt_ctl_workload {
	enum lt_ctl_kind kind;
	char *id;
	char *image_ref;
	char *name;
	int64_t revision;
	int64_t max_instances;		/* -1 for providers */
	/* revision and max_instances as the host wrote them when they are
	 * no integers int64_t holds (1e308, 2.5; the numbers above are then
	 * clamped), else NULL */
	char *revision_text, *max_instances_text;
	struct cJSON *annotations;	/* object, never NULL */
	struct lt_ctl_config_ref *configs;
	size_t nconfigs;
};

struct lt_ctl_inventory {
	struct lt_ctl_host host;	/* id, name, version, labels, uptime */
	struct lt_ctl_workload *components;
	size_t ncomponents;
	struct lt_ctl_workload *providers;
	size_t nproviders;
};

/* host.get.{host_id}. LT_E_TIMEOUT when the host does not answer,
 * LT_E_RUNTIME when it answers success:false (its message quoted). */
int lt_ctl_inventory_get(struct lt_ctl *ctl, const char *host_id,
    struct lt_ctl_inventory *out, struct lt_error *err);
/* Decode a HostInventory object (host.get response, host_heartbeat
 * data; 'actors' is accepted for 'components'). */
int lt_ctl_inventory_from_json(struct lt_ctl_inventory *out,
    const struct cJSON *obj, struct lt_error *err);
void lt_ctl_inventory_release(struct lt_ctl_inventory *inv);
/* The component or provider id runs in inv (as inv's own, like strchr's
 * result), or NULL; NULL id finds nothing. */
struct lt_ctl_workload *lt_ctl_inventory_find(
    const struct lt_ctl_inventory *inv, const char *id);
/* The inventory with each workload's configs ({name, via, state}).
 * Caller deletes. */
struct cJSON *lt_ctl_inventory_to_json(const struct lt_ctl_inventory *inv);

/* Add a config reference unless the workload already has that name. */
void lt_ctl_workload_add_config(struct lt_ctl_workload *w, const char *name,
    enum lt_ctl_ref_via via);
/* Add the configs of links (a link.get response array): source_config to
 * the workload whose id is source_id, target_config to the one whose id
 * is target. */
void lt_ctl_inventory_add_link_configs(struct lt_ctl_inventory *inv,
    const struct cJSON *links);
/* Add the configs wadm's deployed manifests reference, for workloads
 * carrying the wasmcloud.dev/appspec annotation (read-only wadm API
 * queries model.get). Returns the number of apps read, 0 when wadm does
 * not answer (not an error: references then come from links only). */
int lt_ctl_inventory_add_manifest_configs(struct lt_ctl *ctl,
    struct lt_ctl_inventory *inv, struct lt_error *err);
/* "inventory", "manifest", "link-source", "link-target". */
const char *lt_ctl_via_name(enum lt_ctl_ref_via via);

/* config.get.{name}: 1 with *map (owned, may be NULL) when present, 0
 * when the host says "Configuration not found", -1 on error. */
int lt_ctl_config_get(struct lt_ctl *ctl, const char *name,
    struct cJSON **map, struct lt_error *err);
/* Whether config name exists in CONFIGDATA_{L}: reads the last message
 * for its key from the bucket's stream (JetStream API STREAM.MSG.GET, a
 * read-only query answered by the server, so no host queue group is
 * involved); a delete or purge marker counts as missing. Falls back to
 * config.get when JetStream does not answer. 1 present, 0 missing, -1
 * error. */
int lt_ctl_config_exists(struct lt_ctl *ctl, const char *name,
    struct lt_error *err);
/* The manifest of app at version, from wadm's model.get.{app} (a
 * read-only query): 0 with *out (caller destroys), or -1 (no wadm, no
 * such version, a manifest that does not parse). */
int lt_ctl_wadm_manifest(struct lt_ctl *ctl, const char *app,
    const char *version, struct lt_manifest **out, struct lt_error *err);
/* link.get: 0 with *links an owned array (never NULL), or -1. */
int lt_ctl_link_get(struct lt_ctl *ctl, struct cJSON **links,
    struct lt_error *err);

#endif
