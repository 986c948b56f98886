/* complete.c: the hidden 'latticectl __complete' that shell completions
 * ask, so names, options and enum values have one source: the C tables.
 *   __complete commands [-- WORD...]  commands, or a group's subcommands
 *   __complete options [-- WORD...]   long options (the command's, then
 *                                     global)
 *   __complete values -- [WORD...] OPTION  the choices of an enum
 *                                     option; after a command, -o lists
 *                                     only the formats it takes
 * WORD... are the words typed before the one being completed (without
 * the program name). Options and the values of those that take one are
 * skipped, wherever they are ('-x prod kv get'), so the scripts need not
 * know which options take a value. */
#include <stdbool.h>
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

/* What the words typed so far name: a command, a subcommand, and how
 * many positional words there were. */
struct line {
	const struct lt_cmd *cmd, *sub;
	int npos;
};

/* The option a word names: the (sub)command's own, else a global one. */
static const struct lt_opt *
word_opt(const struct line *l, const char *word)
{
	const struct lt_cmd *c = l->sub ? l->sub : l->cmd;
	const struct lt_opt *o = c ? lt_opt_find_word(c->opts, word) : NULL;

	return o ? o : lt_opt_find_word(lt_global_opts, word);
}

static void
parse_line(struct line *l, int argc, char **argv)
{
	bool opts_done = false;
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		const struct lt_opt *o;

		if (!opts_done && !strcmp(w, "--")) {
			opts_done = true;
			continue;
		}
		if (!opts_done && w[0] == '-' && w[1] != '\0') {
			o = word_opt(l, w);
			if (o && (o->flags & LT_OPT_ARG))
				i++;	/* its value */
			continue;
		}
		if (l->npos == 0)
			l->cmd = lt_cmd_find(lt_commands, w);
		else if (l->npos == 1 && l->cmd)
			l->sub = lt_cmd_find(l->cmd->subcmds, w);
		l->npos++;
	}
}

/* The choices of the option words[n - 1] names, as the command the words
 * before it name takes them: -o lists only the command's formats. */
static int
list_values(FILE *fp, int n, char **words)
{
	const char *name = words[n - 1] + strspn(words[n - 1], "-");
	const struct lt_cmd *c;
	const struct lt_opt *o;
	const char *const *v;
	struct line l;

	parse_line(&l, n - 1, words);
	c = l.sub ? l.sub : l.cmd;
	o = word_opt(&l, words[n - 1]);
	if (o == NULL)
		o = lt_opt_find(lt_global_opts, name);
	if (o == NULL || o->choices == NULL)
		o = find_any_opt(lt_commands, name);
	for (v = o ? o->choices : NULL; v && *v; v++)
		if (!c || !c->formats || strcmp(o->name, "output") ||
		    (c->formats & LT_FORMAT(v - o->choices)))
			fprintf(fp, "%s\n", *v);
	return 0;
}

static int
run_complete(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct line l;

	parse_line(&l, argc - 1, argv + 1);
	if (!strcmp(argv[0], "commands")) {
		if (l.npos == 0)
			list_cmds(ctx->out, lt_commands);
		else if (l.npos == 1 && l.cmd)
			list_cmds(ctx->out, l.cmd->subcmds);
		return 0;
	}
	if (!strcmp(argv[0], "options")) {
		if (l.sub || (l.cmd && !l.cmd->subcmds))
			list_opts(ctx->out, (l.sub ? l.sub : l.cmd)->opts);
		else if (l.cmd && l.npos == 1)
			list_opts(ctx->out, l.cmd->opts);
		list_opts(ctx->out, lt_global_opts);
		return 0;
	}
	if (!strcmp(argv[0], "values") && argc > 1)
		return list_values(ctx->out, argc - 1, argv + 1);
	return lt_error_set(err, LT_E_USAGE, "unknown request '%s'", argv[0]);
}

const struct lt_cmd cmd_complete_entry = {
	.name = "__complete",
	.summary = "completion helper for shell scripts",
	.usage = "commands [-- WORD...] | options [-- WORD...] | "
	    "values [-- WORD...] OPTION",
	.flags = LT_CMD_HIDDEN | LT_CMD_NO_LATTICE,	/* never uses it */
	.min_args = 1,
	.max_args = -1,
	.run = run_complete,
};
