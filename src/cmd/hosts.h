/* hosts.h: what hosts.c shares with doctor.c and app.c: the --wait ping window
 * and the ctl client over main's connection. */
#ifndef LATTICECTL_CMD_HOSTS_H
#define LATTICECTL_CMD_HOSTS_H

#include "cmd.h"
#include "latticectl/ctl.h"

struct cJSON;

/* The help of --wait, for hosts, inventory and doctor. */
#define HOSTS_WAIT_HELP "collect ping replies for all of DUR (default: " \
	"stop 300ms after the last)"

/* For a command's check: -1 with a usage error when --wait is not a
 * duration. */
int hosts_check_wait(const struct lt_ctx *ctx, struct lt_error *err);
/* The ctl client over ctx->conn (open) for --ctl-prefix and --lattice,
 * gathering ping replies for all of --wait (vetted by hosts_check_wait)
 * or, without it, until LT_CTL_QUIET_NS pass after a reply with no
 * other, within --timeout. */
void hosts_ctl_init(const struct lt_ctx *ctx, struct lt_ctl *ctl);

/* The schema names of a command's JSON output: the -o json document, and
 * under -o ndjson a line per element of its array, then a summary line
 * with the rest of the document. */
struct hosts_schemas {
	const char *doc, *item, *summary;
};

/* Print doc (taken) as json or ndjson (struct hosts_schemas; array NULL:
 * the document on one line under ndjson too), each object with its
 * schema member. -1 on a write error; a closed pipe is a quiet 0. */
int hosts_print_json(struct lt_ctx *ctx, struct cJSON *doc,
    const char *array, const struct hosts_schemas *sc);

#endif
