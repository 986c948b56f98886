/* sim.h: shared state of latticesim, the wasmCloud host + wadm simulator
 * (see README.md beside this file). One global mutex (sim.lock) guards the
 * hosts, their components/providers and the link table; wadm has its own
 * lock and never holds sim.lock while it sends a request. */
#ifndef LATTICESIM_SIM_H
#define LATTICESIM_SIM_H

#include <nats/nats.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define SIM_VERSION "1.8.0"
#define SIM_HTTP_PORT_KEY "latticesim.dev/http-port"
#define SIM_UNHEALTHY_KEY "latticesim.dev/health"
#define SIM_ON_USR1 INT64_MAX	/* a fault fired by SIGUSR1 */

struct sim_opts {
	const char *url;
	const char *lattice;
	const char *ctl_prefix;
	int nhosts;
	bool fixed;		/* --wadm-mode=fixed */
	bool no_wadm;
	bool http_all;
	int64_t heartbeat_ns;
	int64_t backoff_ns;	/* wadm expectation expiry */
	int64_t events_max_age_ns;
	double drop_replies;
	int64_t reply_delay_ns;
	double garbage_rate;	/* per second */
	int64_t kill_after_ns;
	int mute_inventory;	/* the last N hosts ignore host.get */
	int mute_ping;		/* the last N hosts ignore host.ping */
	bool traceparent;	/* events and ctl replies carry one */
	/* faults fired after a delay from start (-1: off, SIM_ON_USR1: on
	 * SIGUSR1), README "Faults and load" */
	int64_t wadm_stall_ns;	/* wadm answers its API and nothing else */
	int64_t hb_stop_ns;	/* the last host stops heartbeating */
	int64_t state_stale_ns;	/* wadm stops writing wadm_state */
	/* scenario driver (sim-apps.c) */
	int napps;
	const char *app_template;
	const char *fault_templates[8];
	int nfault_templates;
	int64_t upgrade_after_ns;	/* -1: no upgrade */
	/* load mode */
	double rate;		/* 0: unthrottled */
	int64_t duration_ns;
	int event_size;
	bool load;
};

struct sim_comp {
	char *id;
	char *image_ref;
	char *name;
	cJSON *annotations;
	uint64_t max;
	char **configs;
	size_t nconfigs;
	bool is_signed;
	int http_fd;		/* listening socket, -1 when not served */
	int http_port;
};

struct sim_prov {
	char *id;
	char *image_ref;
	cJSON *annotations;
	int health;		/* -1 unknown, 0 failed, 1 passed */
};

struct sim_link {
	cJSON *json;		/* the Link object as stored */
};

struct sim_host {
	struct sim *sim;
	int index;
	char id[57];
	char name[64];
	cJSON *labels;
	int64_t started_ns;
	natsConnection *nc;
	natsSubscription *subs[16];
	int nsubs;
	struct sim_comp *comps;
	size_t ncomps;
	struct sim_prov *provs;
	size_t nprovs;
	char **loaded;		/* config names this host ever loaded */
	size_t nloaded;
	bool stopped;
	bool stop_requested;
	bool mute_heartbeat;	/* fault: connected, but no heartbeat */
	int64_t next_heartbeat;
	int64_t next_health;
};

struct sim {
	struct sim_opts o;
	char *prefix;		/* {ctl_prefix}.v1.{lattice} */
	natsConnection *nc;	/* wadm/KV connection */
	jsCtx *js;
	kvStore *configdata;
	pthread_mutex_t lock;
	struct sim_host *hosts;
	int nhosts;
	struct sim_link *links;
	size_t nlinks;
	volatile sig_atomic_t stop;
	volatile sig_atomic_t usr1;
	int64_t start_ns;
	/* faults in force, set by the main loop, read by wadm's threads */
	volatile bool wadm_stalled;
	volatile bool state_stale;
	struct sim_apps *apps;
	struct sim_wadm *wadm;
	struct sim_http *http;
};

/* sim-util.c */
void sim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_random_id(char prefix, char *out);	/* 56 chars + NUL */
void sim_ulid(char *out);			/* 37 bytes */
void sim_uuid4(char *out);			/* 37 bytes */
double sim_rand01(void);
void sim_uptime_human(int64_t secs, char *out, size_t len);
cJSON *sim_parse(natsMsg *m);
const char *sim_str(const cJSON *o, const char *key);
char **sim_str_array(const cJSON *arr, size_t *n);
void sim_strv_free(char **v, size_t n);
cJSON *sim_strv_json(char **v, size_t n);
void sim_publish_event(natsConnection *nc, struct sim *s, const char *source,
    const char *type, cJSON *data);
void sim_reply(struct sim *s, natsConnection *nc, natsMsg *req, bool success,
    const char *message, cJSON *response);
void sim_publish_json(natsConnection *nc, const char *subj, cJSON *j);
/* sim_publish_json with a W3C traceparent header (a new random trace and
 * span id, logged) when --traceparent is on. */
void sim_publish_traced(natsConnection *nc, struct sim *s, const char *subj,
    cJSON *j);

/* sim-host.c */
int sim_host_start(struct sim *s, struct sim_host *h, int index);
void sim_host_stop(struct sim_host *h, bool publish);
void sim_host_tick(struct sim_host *h, int64_t now);
cJSON *sim_host_inventory(struct sim_host *h);

/* sim-comp.c: component and provider verbs */
void sim_comp_scale(struct sim_host *h, natsMsg *m, cJSON *req);
void sim_comp_update(struct sim_host *h, natsMsg *m, cJSON *req);
void sim_prov_start(struct sim_host *h, natsMsg *m, cJSON *req);
void sim_prov_stop(struct sim_host *h, natsMsg *m, cJSON *req);
void sim_prov_health(struct sim_host *h);
void sim_comp_free(struct sim_comp *c);
void sim_prov_free(struct sim_prov *p);
cJSON *sim_comp_inventory(struct sim_comp *c);
cJSON *sim_prov_inventory(struct sim_prov *p);

/* sim-config.c: config.* and link.* verbs, CONFIGDATA */
int sim_kv_open(struct sim *s);
cJSON *sim_config_lookup(struct sim *s, const char *name, bool *found);
void sim_config_verb(struct sim_host *h, natsMsg *m, const char *verb,
    const char *name);
void sim_link_verb(struct sim_host *h, natsMsg *m, const char *verb);
bool sim_comp_has_http_link(struct sim *s, const char *id);

/* sim-http.c */
int sim_http_start(struct sim *s);
void sim_http_sync(struct sim *s);	/* call with sim.lock held */
void sim_http_stop(struct sim *s);

/* sim-wadm*.c */
int sim_wadm_start(struct sim *s);
void sim_wadm_tick(struct sim *s, int64_t now);
void sim_wadm_stop(struct sim *s);

/* sim-apps.c: the scenario driver (--apps) */
int sim_apps_start(struct sim *s);
void sim_apps_stop(struct sim *s);

/* sim-load.c */
int sim_load_run(struct sim *s);
void sim_garbage_tick(struct sim *s, int64_t now);

#endif
