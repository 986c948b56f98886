/* doctor.c: 'latticectl doctor' (in progress). */
#include "cmd.h"
#include "banned.h"

static int
run_stub(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	(void)ctx; (void)argc; (void)argv;
	return lt_error_set(err, LT_E_RUNTIME, "not implemented yet");
}

const struct lt_cmd cmd_doctor_entry = {
	.name = "doctor", .summary = "check the lattice and server for hazards",
	.usage = "", .max_args = 0, .run = run_stub,
};
