/* wadm.h: the wadm API client used by replay: subjects
 * wadm.api.{L}.model.{op}[.{name}], reply decoding (result codes per
 * operation, the application status) and one call through lt_req. */
#ifndef LATTICECTL_WADM_H
#define LATTICECTL_WADM_H

#include <stddef.h>
#include <stdint.h>

#include "latticectl/error.h"

struct cJSON;
struct lt_buf;
struct lt_colors;
struct lt_conn;

enum lt_wadm_op {
	LT_WADM_PUT,		/* model.put, body: the manifest */
	LT_WADM_DEPLOY,		/* model.deploy.NAME, body {"version":V} */
	LT_WADM_UNDEPLOY,	/* model.undeploy.NAME */
	LT_WADM_STATUS,		/* model.status.NAME */
	LT_WADM_GET,		/* model.get.NAME, body {"version":V} or empty;
				 * without NAME: the list */
	LT_WADM_VERSIONS,	/* model.versions.NAME; "notfound" (an app
				 * wadm does not know, versions []) is an
				 * answer, not a failure */
};

/* "model.deploy" */
const char *lt_wadm_op_name(enum lt_wadm_op op);
/* wadm.api.{lattice}.model.{op}[.{name}] (put has no name). Caller frees. */
char *lt_wadm_subject(const char *lattice, enum lt_wadm_op op,
    const char *name);

/* Decode a reply body: *out (may be NULL) gets the parsed reply (caller
 * deletes) when it is JSON. 0 when "result" is a success for op (put:
 * created/newversion; deploy/undeploy: acknowledged; status/get: ok), else
 * -1 with err: LT_E_RUNTIME "wadm model.deploy: <wadm's message>" naming
 * the result, or a reply that is not a wadm reply. */
int lt_wadm_decode(enum lt_wadm_op op, const char *data, size_t len,
    struct cJSON **out, struct lt_error *err);

/* The application status type of a status reply ("deployed", "failed",
 * "reconciling", ...; wadm 0.13+ nests it as status.status.type, older
 * replies as status.type) or NULL. Borrowed from reply. */
const char *lt_wadm_status_type(const struct cJSON *reply);

/* Append the text line for a status message wadm published on
 * wadm.status.{L}.{app} (data, len: its Status JSON), laid out like an
 * event line (lt_event_format_text): time, "wadm.status", "-", then app=,
 * status= (coloured by severity), message= and each scaler that is not
 * deployed as scaler=NAME:TYPE (the first 3). A payload that is not a
 * Status is shown as "!! not a wadm status" and its first bytes. */
void lt_wadm_status_format_text(const char *subject, const char *data,
    size_t len, int64_t recv_ns, const struct lt_colors *col,
    struct lt_buf *out);

/* Send body on op's subject and decode the reply (timeout_ns 0: the
 * configured --timeout). No responders or no reply is LT_E_TIMEOUT
 * "wadm is not running on lattice L (no reply on SUBJECT)". */
int lt_wadm_call(struct lt_conn *c, const char *lattice, enum lt_wadm_op op,
    const char *name, const char *body, size_t len, int64_t timeout_ns,
    struct cJSON **out, struct lt_error *err);

/* The manifest of app at version (model.get.NAME with {"version":V}, a
 * read-only query): lt_wadm_call's result, *out the reply. */
int lt_wadm_get_version(struct lt_conn *c, const char *lattice,
    const char *app, const char *version, struct cJSON **out,
    struct lt_error *err);
/* The deployed and the latest version of app (model.versions.NAME, a
 * read-only query): 0 with *deployed (NULL when no version is deployed)
 * and *latest (NULL when wadm knows no version), both new strings the
 * caller frees; -1 as lt_wadm_call, or LT_E_RUNTIME "no application
 * 'NAME' on lattice L" when wadm answers notfound (not-found is exit 6,
 * as a missing KV key). */
int lt_wadm_versions(struct lt_conn *c, const char *lattice,
    const char *app, char **deployed, char **latest, struct lt_error *err);

#endif
