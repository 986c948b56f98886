/* hosts.h: what hosts.c shares with doctor.c: the --wait ping window
 * and the ctl client over main's connection. */
#ifndef LATTICECTL_CMD_HOSTS_H
#define LATTICECTL_CMD_HOSTS_H

#include "cmd.h"
#include "latticectl/ctl.h"

/* For a command's check: -1 with a usage error when --wait is not a
 * duration. */
int hosts_check_wait(const struct lt_ctx *ctx, struct lt_error *err);
/* The ctl client over ctx->conn (open) for --ctl-prefix and --lattice,
 * gathering ping replies for --wait (vetted by hosts_check_wait). */
void hosts_ctl_init(const struct lt_ctx *ctx, struct lt_ctl *ctl);

#endif
