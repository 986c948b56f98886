/* complete.c: what the word being completed can be, shared by
 * 'latticectl __complete' (the shell scripts) and the shell's Tab: the
 * words typed before it parsed against the command table, then command
 * and subcommand names, options, an option's value or the command's next
 * argument (values.c). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/complete.h"
#include "latticectl/config.h"
#include "latticectl/util.h"
#include "banned.h"

const struct lt_opt *
lt_complete_any_opt(const struct lt_cmd *const *table, const char *name)
{
	const struct lt_opt *o;

	for (; table && *table; table++) {
		if ((o = lt_opt_find((*table)->opts, name)) && o->choices)
			return o;
		if ((o = lt_complete_any_opt((*table)->subcmds, name)))
			return o;
	}
	return NULL;
}

const struct lt_opt *
lt_complete_word_opt(const struct lt_complete_line *l, const char *word)
{
	const struct lt_cmd *c = l->sub ? l->sub : l->cmd;
	const struct lt_opt *o = c ? lt_opt_find_word(c->opts, word) : NULL;

	return o ? o : lt_opt_find_word(lt_global_opts, word);
}

static void
take_value(struct lt_complete_line *l, const struct lt_opt *o, const char *v)
{
	if (!strcmp(o->name, "lattice"))
		l->lattice = v;
	else if (!strcmp(o->name, "bucket"))
		l->bucket = v;
}

/* A global option word (and its value, next) goes to l->glob. */
static void
keep_global(struct lt_complete_line *l, char *w, char *next)
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

void
lt_complete_parse(struct lt_complete_line *l,
    const struct lt_cmd *const *cmds, int argc, char **argv, char **glob)
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
			o = lt_complete_word_opt(l, w);
			keep_global(l, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
			if (o && (o->flags & LT_OPT_ARG) && i + 1 == argc)
				l->pending = o;
			else if (o && (o->flags & LT_OPT_ARG))
				take_value(l, o, argv[++i]);
			continue;
		}
		if (l->npos == 0)
			l->cmd = lt_cmd_find(cmds, w);
		else if (l->npos == 1 && l->cmd)
			l->sub = lt_cmd_find(l->cmd->subcmds, w);
		if (l->npos == 1)
			l->arg1 = w;
		l->npos++;
	}
}

const struct lt_cmd *
lt_complete_cmd(const struct lt_cmd *const *cmds, int argc, char **argv,
    const struct lt_cmd **sub)
{
	struct lt_complete_line l;

	lt_complete_parse(&l, cmds, argc, argv, NULL);
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
add_value(struct lt_values *vs, const struct lt_complete_line *l, const struct lt_opt *o,
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
complete_option(struct lt_values *vs, const struct lt_complete_line *l, const char *cur,
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
	struct lt_complete_line l;
	int used;

	lt_complete_parse(&l, vs->cmds, argc, argv, NULL);
	if (l.lattice)
		vs->lattice = l.lattice;
	c = l.sub ? l.sub : l.cmd;
	used = l.npos - (l.cmd != NULL) - (l.sub != NULL);
	if (l.pending) {
		src = add_value(vs, &l, l.pending, "", cur, out);
	} else if (cur[0] == '-' && cur[1] != '\0') {
		src = complete_option(vs, &l, cur, out);
	} else if (l.cmd == NULL && l.npos == 0) {
		add_names(vs->cmds, cur, out);
		src = LT_VALUES_COMMANDS;
	} else if (l.cmd && l.cmd->subcmds && !l.sub) {
		if (l.npos == 1)
			add_names(l.cmd->subcmds, cur, out);
		src = LT_VALUES_COMMANDS;
	} else if (c == NULL || (c->max_args >= 0 && used >= c->max_args)) {
		src = LT_VALUES_NONE;	/* nothing more to type */
	} else if (lt_values_of_args(c) == LT_VALUES_COMMANDS && used == 1) {
		c = lt_cmd_find(vs->cmds, l.arg1);	/* help kv <Tab> */
		add_names(c ? c->subcmds : NULL, cur, out);
		src = LT_VALUES_COMMANDS;
	} else {
		src = lt_values_of_args(c);
		lt_values_add(vs, src, NULL, l.bucket, cur, out);
	}
	vs->lattice = lattice;
	return src;
}

