/* complete.c: the hidden 'latticectl __complete' that shell completions
 * ask, so names, options and enum values have one source: the C tables.
 *   __complete commands [CMD]      commands, or CMD's subcommands
 *   __complete options CMD [SUB]   long options (the command's, then global)
 *   __complete values OPTION       the choices of an enum option */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "banned.h"

static void
list_cmds(FILE *fp, const struct lt_cmd *const *table)
{
	for (; table && *table; table++)
		if (!((*table)->flags & LT_CMD_HIDDEN))
			fprintf(fp, "%s\t%s\n", (*table)->name, (*table)->summary);
}

static void
list_opts(FILE *fp, const struct lt_opt *o)
{
	for (; o && o->name; o++)
		if (!(o->flags & LT_OPT_HIDDEN))
			fprintf(fp, "--%s%s\t%s\n", o->name,
			    o->flags & LT_OPT_ARG ? "=" : "", o->help);
}

/* Find an option by name in every command's table and the global one. */
static const struct lt_opt *
find_any_opt(const struct lt_cmd *const *table, const char *name)
{
	const struct lt_opt *o;

	for (; table && *table; table++) {
		if ((o = lt_opt_find((*table)->opts, name)) && o->choices)
			return o;
		if ((o = find_any_opt((*table)->subcmds, name)))
			return o;
	}
	return NULL;
}

static int
run_complete(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct lt_cmd *cmd = NULL;
	const struct lt_opt *o;
	const char *const *v;

	if (!strcmp(argv[0], "commands")) {
		cmd = argc > 1 ? lt_cmd_find(lt_commands, argv[1]) : NULL;
		list_cmds(ctx->out, cmd ? cmd->subcmds : lt_commands);
		return 0;
	}
	if (!strcmp(argv[0], "options") && argc > 1) {
		cmd = lt_cmd_find(lt_commands, argv[1]);
		if (cmd && cmd->subcmds && argc > 2)
			cmd = lt_cmd_find(cmd->subcmds, argv[2]);
		if (cmd)
			list_opts(ctx->out, cmd->opts);
		list_opts(ctx->out, lt_global_opts);
		return 0;
	}
	if (!strcmp(argv[0], "values") && argc > 1) {
		const char *name = argv[1] + strspn(argv[1], "-");

		o = lt_opt_find_word(lt_global_opts, argv[1]);
		if (o == NULL)
			o = lt_opt_find(lt_global_opts, name);
		if (o == NULL || o->choices == NULL)
			o = find_any_opt(lt_commands, name);
		for (v = o ? o->choices : NULL; v && *v; v++)
			fprintf(ctx->out, "%s\n", *v);
		return 0;
	}
	return lt_error_set(err, LT_E_USAGE, "unknown request '%s'", argv[0]);
}

const struct lt_cmd cmd_complete_entry = {
	.name = "__complete",
	.summary = "completion helper for shell scripts",
	.usage = "commands [CMD] | options CMD [SUB] | values OPTION",
	.flags = LT_CMD_HIDDEN,
	.min_args = 1,
	.max_args = 3,
	.run = run_complete,
};
