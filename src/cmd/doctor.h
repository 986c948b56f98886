/* doctor.h: what doctor.c shares with doctor-apps.c: a check's status
 * and the call that adds one. */
#ifndef LATTICECTL_CMD_DOCTOR_H
#define LATTICECTL_CMD_DOCTOR_H

#include "cmd.h"
#include "latticectl/ctl.h"

enum doctor_status { ST_PASS, ST_WARN, ST_FAIL, ST_SKIP };

/* Add a check: its name, status, fix (NULL: none) and reason. */
typedef void doctor_add_fn(void *ud, const char *name,
    enum doctor_status st, const char *fix, const char *reason);

/* One check per application wadm has deployed, named "app/NAME": wadm's
 * status (model.status) against what the hosts run (host.get of each
 * host in hosts) and the manifest (model.get of the deployed version):
 * a component that runs an image other than the manifest's, or runs on
 * no host, and a config the manifest references that is missing from
 * CONFIGDATA fail when wadm says deployed (warn while it reconciles),
 * as does an application wadm says failed. Read-only queries; nothing
 * is added when wadm does not answer (the wadm check says so). */
void doctor_check_apps(struct lt_ctx *ctx, struct lt_ctl *ctl,
    const struct lt_ctl_hosts *hosts, doctor_add_fn *add, void *ud);

#endif
