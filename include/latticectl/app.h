/* app.h: one wadm application as it really is, for 'app' and doctor's
 * check per app: wadm's status and scalers, its deployed and latest
 * versions, where each component and provider of its manifest runs and
 * with which image (from the hosts' inventories), the configs it
 * references (present or missing in CONFIGDATA_{L}) and its links.
 *
 * Every request is a read-only query: wadm's model.versions, model.status
 * and model.get, the hosts' host.get, link.get, and CONFIGDATA reads
 * (lt_ctl_config_exists). A struct lt_app owns everything it points to;
 * release it with lt_app_release (a zeroed one too). Nothing here
 * prints. */
#ifndef LATTICECTL_APP_H
#define LATTICECTL_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/ctl.h"
#include "latticectl/error.h"
#include "latticectl/manifest.h"

struct cJSON;
struct lt_buf;

/* A host running one of the app's components or providers. */
struct lt_app_host {
	char *host_id, *friendly_name;
	char *image_ref;		/* what the host runs */
	int64_t max_instances;		/* -1 for providers */
	bool other_image;		/* not the manifest's image */
};

struct lt_app_workload {
	const struct lt_manifest_component *c;	/* borrowed: a->manifest */
	struct lt_app_host *hosts;
	size_t nhosts;
};

/* A config the manifest references (component or link config). */
struct lt_app_config {
	char *name;			/* the CONFIGDATA key */
	bool managed;			/* wadm puts it (has properties) */
	char *used_by;			/* "http-component, httpserver" */
	enum lt_ctl_ref_state state;
};

struct lt_app {
	char *name;
	char *status;			/* wadm's status type, "?" unknown */
	char *message;			/* its message, "" when none */
	struct cJSON *scalers;		/* wadm's scalers (array, never NULL) */
	char *deployed, *latest;	/* versions; NULL when none */
	char *version;			/* the manifest's examined below */
	struct lt_manifest *manifest;
	struct lt_app_workload *workloads;	/* components with an image */
	size_t nworkloads;
	struct lt_app_config *configs;
	size_t nconfigs;
	/* the lattice's links from or to the app's components and providers
	 * (link.get), each with "state":"present", then the manifest's links
	 * link.get lacks, "state":"missing"; NULL when links were not read */
	struct cJSON *links;
	size_t missing;			/* configs missing from CONFIGDATA */
	size_t unchecked;		/* configs that could not be looked up */
	size_t other_images;		/* (workload, host) pairs, other image */
	size_t nowhere;			/* workloads that run on no host */
	size_t missing_links;
};

/* Gather app: its versions (model.versions; an unknown app is
 * LT_E_RUNTIME "no application 'NAME' on lattice L", no wadm
 * LT_E_TIMEOUT) unless the caller knows the deployed version (deployed
 * not NULL, from wadm's list: then latest stays NULL), its status, the
 * manifest of the deployed version (else the latest), where each
 * workload runs in inv (ninv inventories), its configs in CONFIGDATA
 * (unless check_configs is false: all unchecked), and, when links is
 * not NULL (a link.get array), its links. -1 with err when wadm cannot
 * say; out is then released. */
int lt_app_gather(struct lt_ctl *ctl, const char *name, const char *deployed,
    const struct lt_ctl_inventory *inv, size_t ninv,
    const struct cJSON *links, bool check_configs, struct lt_app *out,
    struct lt_error *err);
void lt_app_release(struct lt_app *a);

/* The state an operator must act on: wadm says failed or unhealthy, a
 * referenced config is missing (unless the app is undeployed), or wadm
 * says deployed while a host runs another image than the manifest's or
 * a component or provider runs nowhere. */
bool lt_app_must_act(const struct lt_app *a);

/* What is wrong with the lattice's copy, for a person: "config 'x' is
 * missing from CONFIGDATA_L; 'id' on HOST runs A, the manifest says B;
 * 'id2' runs on no host" (wire text unescaped: escape it to print).
 * Appends nothing when nothing is. */
void lt_app_problems_text(const struct lt_app *a, const char *lattice,
    struct lt_buf *b);

/* wadm says failed or unhealthy. */
bool lt_app_failed(const struct lt_app *a);

/* {name, status, status_message, deployed_version, latest_version,
 * version, scalers:[{id, kind, name, status, message}], components:[{name,
 * kind, id, image, hosts:[{host_id, friendly_name, image_ref,
 * max_instances?, current}]}], configs:[{name, managed, used_by, state}],
 * links?, missing_configs, other_images, not_running, missing_links,
 * must_act}. Caller deletes. */
struct cJSON *lt_app_to_json(const struct lt_app *a);

/* host.get of each host of hosts; the silent ones are left out. *inv is
 * a new array (free each with lt_ctl_inventory_release, then free it). */
size_t lt_app_inventories(struct lt_ctl *ctl, const struct lt_ctl_hosts *hosts,
    struct lt_ctl_inventory **inv);

#endif
