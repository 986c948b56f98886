/* sim-wadm.h: the simulated wadm's private state, shared by sim-wadm.c
 * (API, storage, streams, lattice state from events) and
 * sim-wadm-scaler.c (scalers, reconciliation, upgrades, command worker).
 * Everything below is guarded by sim_wadm.lock. */
#ifndef LATTICESIM_SIM_WADM_H
#define LATTICESIM_SIM_WADM_H

#include "latticectl/manifest.h"
#include "sim.h"

enum scaler_kind { SK_SPREAD, SK_DAEMON, SK_PROVIDER, SK_LINK };
enum st { ST_RECONCILING, ST_DEPLOYED, ST_FAILED, ST_WAITING };

struct scaler {
	enum scaler_kind kind;
	char id[65];
	char *name;		/* status name: id or link arrow */
	const struct lt_manifest_component *comp;	/* borrowed */
	const struct lt_manifest_link *link;		/* borrowed */
	enum st status;
	char *message;
	int64_t expect_until;	/* waiting for its expected event */
	cJSON *failed_hosts;	/* hosts whose last start of it failed */
};

/* A wadm-managed config (ConfigScaler) owned by the app's scalers. */
struct wconfig {
	char *name;		/* stored name */
	cJSON *props;
	bool deployed;
	int64_t put_until;	/* a PutConfig is in flight */
};

struct version {
	char *version;
	struct lt_manifest *m;
};

struct app {
	char *name;
	struct version *v;
	size_t nv;
	int deployed;		/* index into v, -1 when undeployed */
	struct scaler *scalers;
	size_t nscalers;
	struct wconfig *configs;
	size_t nconfigs;
	char *last_status;
};

/* wadm_state's three keys: host_{L}, component_{L}, provider_{L}. */
enum ws_kind { WS_HOST, WS_COMP, WS_PROV, WS_N };

struct sim_wadm {
	struct sim *sim;
	pthread_mutex_t lock;
	struct app *apps;
	size_t napps;
	kvStore *manifests;
	kvStore *state;		/* wadm_state */
	cJSON *st[WS_N];	/* id -> object, as stored */
	bool st_dirty[WS_N];
	natsSubscription *api_sub, *evt_sub, *cmd_sub;
	char *cmd_subject;
	cJSON *hosts;		/* host_id -> {components:{}, providers:{}} */
	bool dirty;
	cJSON *pending;		/* commands to publish after unlocking */
	cJSON *links;		/* link.get of this reconcile pass */
	bool have_links;
};

/* sim-wadm-scaler.c */
void wadm_deploy(struct sim_wadm *w, struct app *a, int version);
void wadm_undeploy(struct sim_wadm *w, struct app *a);
void wadm_reconcile(struct sim_wadm *w, int64_t now);
void wadm_pass_end(struct sim_wadm *w);
void wadm_event(struct sim_wadm *w, const char *type, const cJSON *data);
void wadm_flush_commands(struct sim_wadm *w);
cJSON *wadm_status_json(struct app *a);
void wadm_publish_status(struct sim_wadm *w, struct app *a);
void wadm_scalers_free(struct app *a);
void wadm_on_cmd(natsConnection *nc, natsSubscription *sub, natsMsg *m,
    void *arg);

void build_scalers(struct app *a, const struct lt_manifest *m);
cJSON *wadm_query(struct sim_wadm *w, const char *tail, bool *ok);
cJSON *command(struct sim_wadm *w, const char *type);
void cmd_scale(struct sim_wadm *w, struct app *a, const struct scaler *s,
    const char *host, uint64_t count, const char *spread);
void cmd_start_provider(struct sim_wadm *w, struct app *a,
    const struct scaler *s, const char *host);
void cmd_link(struct sim_wadm *w, struct app *a, const struct scaler *s,
    bool put);
void cmd_config(struct sim_wadm *w, const struct wconfig *wc, bool put);

/* sim-wadm-state.c */
void wadm_state_load(struct sim_wadm *w);
void wadm_state_event(struct sim_wadm *w, const char *type, const cJSON *d,
    const char *host);
void wadm_state_free(struct sim_wadm *w);

/* sim-wadm.c */
struct app *wadm_find_app(struct sim_wadm *w, const char *name);
void wadm_store(struct sim_wadm *w, struct app *a);

#endif
