/* complete.c: the hidden 'latticectl __complete' that shell completions
 * ask, so names, options and values have one source: the C tables.
 *   __complete commands [-- WORD...]  commands, or a group's subcommands
 *   __complete options [-- WORD...]   long options (the command's, then
 *                                     global)
 *   __complete values -- [WORD...] OPTION  the choices of an enum
 *                                     option; after a command, -o lists
 *                                     only the formats it takes
 *   __complete args -- [WORD...] CUR  what CUR, a word that is no option,
 *                                     can be: a command or subcommand
 *                                     (NAME<TAB>SUMMARY), the value of the
 *                                     option before it, or the command's
 *                                     next argument, live names included
 *                                     (values.h). Exit 0: that is the
 *                                     whole list, maybe empty; exit 1:
 *                                     complete file names instead.
 * WORD... are the words typed before the one being completed (without
 * the program name). Options and the values of those that take one are
 * skipped, wherever they are ('-x prod kv get'), so the scripts need not
 * know which options take a value. 'args' reads the connection settings
 * among the words (-s, --context, -x, ...) as the command would, and asks
 * the lattice within lt_values_timeout() (1s) for the connect and as long
 * for the names; a watchdog ends it silently (exit 0, nothing) after twice
 * that and WATCHDOG_SLACK_NS whatever blocks, so a Tab never hangs. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "latticectl/complete.h"
#include "latticectl/conn.h"
#include "latticectl/util.h"
#include "banned.h"

/* The hard bound of 'args' beyond the connect and the names. */
#define WATCHDOG_SLACK_NS (500 * 1000000LL)

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

/* The choices of the option words[n - 1] names, as the command the words
 * before it name takes them: -o lists only the command's formats. */
static int
list_values(FILE *fp, int n, char **words)
{
	const char *name = words[n - 1] + strspn(words[n - 1], "-");
	const struct lt_cmd *c;
	const struct lt_opt *o;
	const char *const *v;
	struct lt_complete_line l;

	lt_complete_parse(&l, lt_commands, n - 1, words, NULL);
	c = l.sub ? l.sub : l.cmd;
	o = lt_complete_word_opt(&l, words[n - 1]);
	if (o == NULL)
		o = lt_opt_find(lt_global_opts, name);
	if (o == NULL || o->choices == NULL)
		o = lt_complete_any_opt(lt_commands, name);
	for (v = o ? o->choices : NULL; v && *v; v++)
		if (!c || strcmp(o->name, "output") ||
		    (LT_CMD_FORMATS(c) & LT_FORMAT(v - o->choices)))
			fprintf(fp, "%s\n", *v);
	return 0;
}

/* Ends the process quietly when the names take too long (a server that
 * accepts and never answers, a DNS lookup that hangs). */
static void *
watchdog(void *arg)
{
	int64_t ns = 2 * lt_values_timeout() + WATCHDOG_SLACK_NS;
	struct timespec ts = { ns / 1000000000LL, ns % 1000000000LL };

	(void)arg;
	while (nanosleep(&ts, &ts) != 0)
		;
	_exit(0);
	return NULL;
}

/* The settings the words give (-s, --context, -x, credentials), the
 * environment and the natscli context, as the command would read them;
 * a connection when the word needs live names. Quiet on any failure. */
static struct lt_conn *
words_connect(const struct lt_complete_line *l, struct lt_config *cfg)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_args args = LT_ARGS_INIT;
	struct lt_conn *conn = NULL;
	pthread_t t;

	if (lt_args_parse(&args, NULL, lt_global_opts, l->nglob, l->glob,
	    &err) < 0 || lt_config_load(cfg, &args, &err) < 0) {
		lt_args_release(&args);
		return NULL;
	}
	lt_args_release(&args);
	if (cfg->timeout_ns > lt_values_timeout())
		cfg->timeout_ns = lt_values_timeout();
	if (pthread_create(&t, NULL, watchdog, NULL) == 0)
		pthread_detach(t);
	if (lt_conn_open(&conn, cfg, "__complete", &err) < 0)
		return NULL;
	return conn;
}

/* 'args': a source that needs the lattice connects first. */
static int
complete_args(struct lt_ctx *ctx, int argc, char **argv)
{
	struct lt_config cfg = LT_CONFIG_INIT;
	struct lt_words out = LT_WORDS_INIT;
	struct lt_values vs = { .cmds = lt_commands };
	const struct lt_cmd *c;
	char **glob = lt_xcalloc(2 * (size_t)argc + 1, sizeof(char *));
	enum lt_values_src src;
	struct lt_complete_line l;

	lt_complete_parse(&l, lt_commands, argc - 1, argv, glob);
	src = lt_complete_word(&vs, argc - 1, argv, argv[argc - 1], &out);
	if (lt_values_live(src, argv[argc - 1]) && (vs.conn = words_connect(&l, &cfg))) {
		vs.lattice = lt_config_get(&cfg, LT_S_LATTICE);
		vs.ctl_prefix = lt_config_get(&cfg, LT_S_CTL_PREFIX);
		vs.timeout_ns = lt_values_timeout();
		lt_words_release(&out);
		src = lt_complete_word(&vs, argc - 1, argv, argv[argc - 1],
		    &out);
	}
	for (size_t i = 0; i < out.n; i++) {
		c = src == LT_VALUES_COMMANDS ? lt_cmd_find(l.cmd && !l.sub ?
		    l.cmd->subcmds : lt_commands, out.v[i]) : NULL;
		fprintf(ctx->out, "%s%s%s\n", out.v[i], c ? "\t" : "",
		    c ? c->summary : "");
	}
	lt_words_release(&out);
	lt_values_release(&vs);
	lt_conn_close(vs.conn);
	lt_config_release(&cfg);
	free(glob);
	return src == LT_VALUES_FILES ? LT_E_DIFF : 0;
}

static int
run_complete(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	struct lt_complete_line l;

	if (!strcmp(argv[0], "args") && argc > 1)
		return complete_args(ctx, argc - 1, argv + 1);
	lt_complete_parse(&l, lt_commands, argc - 1, argv + 1, NULL);
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
	    "values [-- WORD...] OPTION | args -- [WORD...] CUR",
	.flags = LT_CMD_HIDDEN | LT_CMD_NO_LATTICE,	/* never uses it */
	.min_args = 1,
	.max_args = -1,
	.run = run_complete,
};
