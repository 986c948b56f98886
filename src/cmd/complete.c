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

#include "complete.h"
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

/* What the words typed so far name: a command, a subcommand, how many
 * positional words there were, the option whose value comes next (the
 * last word), the lattice and bucket given, and the global options with
 * their values (when glob is not NULL: room for two per word). */
struct line {
	const struct lt_cmd *cmd, *sub;
	int npos;
	const char *arg1;		/* the word after the command */
	const struct lt_opt *pending;
	const char *lattice, *bucket;
	char **glob;
	int nglob;
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
take_value(struct line *l, const struct lt_opt *o, const char *v)
{
	if (!strcmp(o->name, "lattice"))
		l->lattice = v;
	else if (!strcmp(o->name, "bucket"))
		l->bucket = v;
}

/* A global option word (and its value, next) goes to l->glob. */
static void
keep_global(struct line *l, char *w, char *next)
{
	const struct lt_opt *o = lt_opt_find_word(lt_global_opts, w);
	char name[64];

	if (l->glob == NULL)
		return;
	if (o == NULL && w[1] == '-' && strchr(w, '=')) {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(w + 2, "="),
		    w + 2);
		if (lt_opt_find(lt_global_opts, name))
			l->glob[l->nglob++] = w;
		return;
	}
	if (o == NULL)
		return;
	l->glob[l->nglob++] = w;
	if ((o->flags & LT_OPT_ARG) && next)
		l->glob[l->nglob++] = next;
}

static void
parse_line(struct line *l, int argc, char **argv, char **glob)
{
	bool opts_done = false;
	int i;

	memset(l, 0, sizeof(*l));
	l->glob = glob;
	for (i = 0; i < argc; i++) {
		const char *w = argv[i];
		const struct lt_opt *o;

		if (!opts_done && !strcmp(w, "--")) {
			opts_done = true;
			continue;
		}
		if (!opts_done && w[0] == '-' && w[1] != '\0') {
			o = word_opt(l, w);
			keep_global(l, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
			if (o && (o->flags & LT_OPT_ARG) && i + 1 == argc)
				l->pending = o;
			else if (o && (o->flags & LT_OPT_ARG))
				take_value(l, o, argv[++i]);
			continue;
		}
		if (l->npos == 0)
			l->cmd = lt_cmd_find(lt_commands, w);
		else if (l->npos == 1 && l->cmd)
			l->sub = lt_cmd_find(l->cmd->subcmds, w);
		if (l->npos == 1)
			l->arg1 = w;
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

	parse_line(&l, n - 1, words, NULL);
	c = l.sub ? l.sub : l.cmd;
	o = word_opt(&l, words[n - 1]);
	if (o == NULL)
		o = lt_opt_find(lt_global_opts, name);
	if (o == NULL || o->choices == NULL)
		o = find_any_opt(lt_commands, name);
	for (v = o ? o->choices : NULL; v && *v; v++)
		if (!c || strcmp(o->name, "output") ||
		    (LT_CMD_FORMATS(c) & LT_FORMAT(v - o->choices)))
			fprintf(fp, "%s\n", *v);
	return 0;
}

const struct lt_cmd *
lt_complete_cmd(int argc, char **argv, const struct lt_cmd **sub)
{
	struct line l;

	parse_line(&l, argc, argv, NULL);
	*sub = l.sub;
	return l.cmd;
}

/* -o's choices as the command takes them (struct lt_cmd formats). */
static void
add_formats(const struct lt_cmd *c, const struct lt_opt *o, const char *cur,
    struct lt_words *out)
{
	for (const char *const *v = o->choices; *v; v++)
		if ((!c || (LT_CMD_FORMATS(c) & LT_FORMAT(v - o->choices))) &&
		    !strncmp(*v, cur, strlen(cur)))
			lt_words_add(out, *v);
}

static void
add_names(const struct lt_cmd *const *table, const char *cur,
    struct lt_words *out)
{
	size_t n = strlen(cur);

	for (; table && *table; table++)
		if (!((*table)->flags & LT_CMD_HIDDEN) &&
		    !strncmp((*table)->name, cur, n))
			lt_words_add(out, (*table)->name);
}

static void
add_options(const struct lt_opt *o, const char *cur, struct lt_words *out)
{
	for (; o && o->name; o++) {
		char *w = lt_xasprintf("--%s", o->name);

		if (!(o->flags & LT_OPT_HIDDEN) && !strncmp(w, cur, strlen(cur)))
			lt_words_add(out, w);
		free(w);
	}
}

/* The value of o, completed after head ("--for="): the candidates of
 * the option with head put back in front. */
static enum lt_values_src
add_value(struct lt_values *vs, const struct line *l, const struct lt_opt *o,
    const char *head, const char *cur, struct lt_words *out)
{
	enum lt_values_src src = lt_values_of_opt(o);
	struct lt_words w = LT_WORDS_INIT;

	if (src == LT_VALUES_CHOICES && !strcmp(o->name, "output"))
		add_formats(l->sub ? l->sub : l->cmd, o, cur, &w);
	else
		lt_values_add(vs, src, o->choices, l->bucket, cur, &w);
	for (size_t i = 0; i < w.n; i++) {
		char *s = lt_xasprintf("%s%s", head, w.v[i]);

		lt_words_add(out, s);
		free(s);
	}
	lt_words_release(&w);
	return src;
}

/* cur is an option word: its name, or after '=' its value. */
static enum lt_values_src
complete_option(struct lt_values *vs, const struct line *l, const char *cur,
    struct lt_words *out)
{
	const struct lt_cmd *c = l->sub ? l->sub : l->cmd;
	const char *eq = strchr(cur, '=');
	const struct lt_opt *o;
	char name[64];

	if (eq && cur[1] == '-') {
		snprintf(name, sizeof(name), "%.*s", (int)(eq - cur - 2),
		    cur + 2);
		o = c ? lt_opt_find(c->opts, name) : NULL;
		if (o == NULL)
			o = lt_opt_find(lt_global_opts, name);
		if (o == NULL || !(o->flags & LT_OPT_ARG))
			return LT_VALUES_NONE;
		snprintf(name, sizeof(name), "%.*s", (int)(eq - cur + 1), cur);
		return add_value(vs, l, o, name, eq + 1, out);
	}
	if (l->sub || (c && !c->subcmds))
		add_options(c->opts, cur, out);
	else if (l->cmd && l->npos == 1)
		add_options(l->cmd->opts, cur, out);
	add_options(lt_global_opts, cur, out);
	return LT_VALUES_NONE;
}

enum lt_values_src
lt_complete_word(struct lt_values *vs, int argc, char **argv, const char *cur,
    struct lt_words *out)
{
	const char *lattice = vs->lattice;
	const struct lt_cmd *c;
	enum lt_values_src src;
	struct line l;
	int used;

	parse_line(&l, argc, argv, NULL);
	if (l.lattice)
		vs->lattice = l.lattice;
	c = l.sub ? l.sub : l.cmd;
	used = l.npos - (l.cmd != NULL) - (l.sub != NULL);
	if (l.pending) {
		src = add_value(vs, &l, l.pending, "", cur, out);
	} else if (cur[0] == '-' && cur[1] != '\0') {
		src = complete_option(vs, &l, cur, out);
	} else if (l.cmd == NULL && l.npos == 0) {
		add_names(lt_commands, cur, out);
		src = LT_VALUES_COMMANDS;
	} else if (l.cmd && l.cmd->subcmds && !l.sub) {
		if (l.npos == 1)
			add_names(l.cmd->subcmds, cur, out);
		src = LT_VALUES_COMMANDS;
	} else if (c == NULL || (c->max_args >= 0 && used >= c->max_args)) {
		src = LT_VALUES_NONE;	/* nothing more to type */
	} else if (lt_values_of_args(c) == LT_VALUES_COMMANDS && used == 1) {
		c = lt_cmd_find(lt_commands, l.arg1);	/* help kv <Tab> */
		add_names(c ? c->subcmds : NULL, cur, out);
		src = LT_VALUES_COMMANDS;
	} else {
		src = lt_values_of_args(c);
		lt_values_add(vs, src, NULL, l.bucket, cur, out);
	}
	vs->lattice = lattice;
	return src;
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
words_connect(const struct line *l, struct lt_config *cfg)
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
	struct lt_values vs = { 0 };
	const struct lt_cmd *c;
	char **glob = lt_xcalloc(2 * (size_t)argc + 1, sizeof(char *));
	enum lt_values_src src;
	struct line l;

	parse_line(&l, argc - 1, argv, glob);
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
	struct line l;

	if (!strcmp(argv[0], "args") && argc > 1)
		return complete_args(ctx, argc - 1, argv + 1);
	parse_line(&l, argc - 1, argv + 1, NULL);
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
