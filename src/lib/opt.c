/* opt.c: the shared option parser (long and short options, values,
 * repeats) and typed getters over its results. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "latticectl/opt.h"
#include "latticectl/util.h"
#include "banned.h"

const struct lt_opt *
lt_opt_find(const struct lt_opt *table, const char *name)
{
	for (; table && table->name; table++)
		if (!strcmp(table->name, name))
			return table;
	return NULL;
}

const struct lt_opt *
lt_opt_nearest(const struct lt_opt *table, const char *name, unsigned want)
{
	for (; table && table->name; table++)
		if (!(table->flags & LT_OPT_HIDDEN) &&
		    (table->flags & want) == want &&
		    lt_edit_distance(name, table->name) <= 2)
			return table;
	return NULL;
}

const struct lt_opt *
lt_opt_find_word(const struct lt_opt *table, const char *word)
{
	if (word[0] != '-' || word[1] == '\0' || strchr(word, '='))
		return NULL;
	if (word[1] == '-')
		return lt_opt_find(table, word + 2);
	if (word[2] != '\0')
		return NULL;
	for (; table && table->name; table++)
		if (table->shortopt == word[1])
			return table;
	return NULL;
}

static const struct lt_opt *
find_long(const struct lt_opt *cmd, const struct lt_opt *global,
    const char *name, size_t len)
{
	const struct lt_opt *tables[2] = { cmd, global };
	size_t t;

	for (t = 0; t < 2; t++) {
		const struct lt_opt *o;

		for (o = tables[t]; o && o->name; o++)
			if (strlen(o->name) == len && !strncmp(o->name, name, len))
				return o;
	}
	return NULL;
}

static const struct lt_opt *
find_short(const struct lt_opt *cmd, const struct lt_opt *global, char c)
{
	const struct lt_opt *tables[2] = { cmd, global };
	size_t t;

	for (t = 0; t < 2; t++) {
		const struct lt_opt *o;

		for (o = tables[t]; o && o->name; o++)
			if (o->shortopt == c)
				return o;
	}
	return NULL;
}

static void
add_entry(struct lt_args *args, const struct lt_opt *opt, const char *value)
{
	if (args->n == args->alloc) {
		args->alloc = args->alloc ? args->alloc * 2 : 8;
		args->v = lt_xrealloc(args->v, sizeof(*args->v) *
		    (size_t)args->alloc);
	}
	args->v[args->n].opt = opt;
	args->v[args->n].value = value;
	args->n++;
}

static void
add_positional(struct lt_args *args, char *arg)
{
	args->argv = lt_xrealloc(args->argv, sizeof(char *) *
	    (size_t)(args->argc + 2));
	args->argv[args->argc++] = arg;
	args->argv[args->argc] = NULL;
}

/* Handle "--name" or "--name=value"; may consume the next argv element. */
/* "unknown option '--NAME'", with the nearest option of either table
 * (within 2 edits) as a hint; never the word after it, which may be the
 * secret a mistyped --password was given. */
static int
unknown_long(const struct lt_opt *cmd, const struct lt_opt *global,
    const char *name, size_t len, struct lt_error *err)
{
	char word[64];
	const struct lt_opt *near;

	snprintf(word, sizeof(word), "%.*s", (int)len, name);
	near = lt_opt_nearest(cmd, word, 0);
	if (near == NULL)
		near = lt_opt_nearest(global, word, 0);
	if (near)
		return lt_error_set(err, LT_E_USAGE, "unknown option '--%.*s' "
		    "(did you mean '--%s'?)", (int)len, name, near->name);
	return lt_error_set(err, LT_E_USAGE, "unknown option '--%.*s'",
	    (int)len, name);
}

static int
parse_long(struct lt_args *args, const struct lt_opt *cmd,
    const struct lt_opt *global, char **argv, int *i, struct lt_error *err)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct lt_opt *o = find_long(cmd, global, name, len);

	if (o == NULL)
		return unknown_long(cmd, global, name, len, err);
	if (!(o->flags & LT_OPT_ARG)) {
		if (eq)
			return lt_error_set(err, LT_E_USAGE,
			    "option '--%s' takes no value", o->name);
		add_entry(args, o, NULL);
		return 0;
	}
	if (eq) {
		add_entry(args, o, eq + 1);
		return 0;
	}
	if (argv[*i + 1] == NULL)
		return lt_error_set(err, LT_E_USAGE,
		    "option '--%s' needs a value (%s)", o->name, o->metavar);
	add_entry(args, o, argv[++*i]);
	return 0;
}

/* Handle "-abc", "-ovalue" and "-o value". */
static int
parse_short(struct lt_args *args, const struct lt_opt *cmd,
    const struct lt_opt *global, char **argv, int *i, struct lt_error *err)
{
	const char *p;

	for (p = argv[*i] + 1; *p; p++) {
		const struct lt_opt *o = find_short(cmd, global, *p);

		if (o == NULL)
			return lt_error_set(err, LT_E_USAGE,
			    "unknown option '-%c'", *p);
		if (!(o->flags & LT_OPT_ARG)) {
			add_entry(args, o, NULL);
			continue;
		}
		if (p[1]) {
			add_entry(args, o, p + 1);
			return 0;
		}
		if (argv[*i + 1] == NULL)
			return lt_error_set(err, LT_E_USAGE,
			    "option '-%c' needs a value (%s)", *p, o->metavar);
		add_entry(args, o, argv[++*i]);
		return 0;
	}
	return 0;
}

int
lt_args_parse(struct lt_args *args, const struct lt_opt *cmd,
    const struct lt_opt *global, int argc, char **argv, struct lt_error *err)
{
	int i;

	add_positional(args, NULL);
	args->argc = 0;
	for (i = 0; i < argc; i++) {
		char *a = argv[i];
		int r = 0;

		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				add_positional(args, argv[i]);
			break;
		}
		if (a[0] == '-' && a[1] == '-')
			r = parse_long(args, cmd, global, argv, &i, err);
		else if (a[0] == '-' && a[1] != '\0')
			r = parse_short(args, cmd, global, argv, &i, err);
		else
			add_positional(args, a);
		if (r < 0)
			return -1;
	}
	return 0;
}

void
lt_args_release(struct lt_args *args)
{
	free(args->v);
	free(args->argv);
	memset(args, 0, sizeof(*args));
}

bool
lt_args_has(const struct lt_args *args, const char *name)
{
	int i;

	for (i = 0; i < args->n; i++)
		if (!strcmp(args->v[i].opt->name, name))
			return true;
	return false;
}

const char *
lt_args_get(const struct lt_args *args, const char *name)
{
	int i;

	for (i = args->n - 1; i >= 0; i--)
		if (!strcmp(args->v[i].opt->name, name))
			return args->v[i].value;
	return NULL;
}

int
lt_args_count(const struct lt_args *args, const char *name)
{
	int i, n = 0;

	for (i = 0; i < args->n; i++)
		if (!strcmp(args->v[i].opt->name, name))
			n++;
	return n;
}

const char *
lt_args_nth(const struct lt_args *args, const char *name, int nth)
{
	int i;

	for (i = 0; i < args->n; i++)
		if (!strcmp(args->v[i].opt->name, name) && nth-- == 0)
			return args->v[i].value;
	return NULL;
}

int
lt_args_duration(const struct lt_args *args, const char *name, int64_t *out,
    struct lt_error *err)
{
	const char *v = lt_args_get(args, name);

	if (v == NULL)
		return 0;
	if (lt_parse_duration(v, out, err) < 0)
		return lt_error_prefix(err, "--%s", name);
	return 0;
}

int
lt_args_uint(const struct lt_args *args, const char *name, uint64_t max,
    uint64_t *out, struct lt_error *err)
{
	const char *v = lt_args_get(args, name);

	if (v == NULL)
		return 0;
	if (lt_parse_uint(v, max, out, err) < 0)
		return lt_error_prefix(err, "--%s", name);
	return 0;
}

int
lt_args_enum(const struct lt_args *args, const char *name, int *out,
    struct lt_error *err)
{
	const char *v = lt_args_get(args, name);
	const struct lt_opt *o;
	char what[64];
	int i;

	if (v == NULL || args->n == 0)
		return 0;
	for (i = 0, o = NULL; i < args->n && !o; i++)
		if (!strcmp(args->v[i].opt->name, name))
			o = args->v[i].opt;
	snprintf(what, sizeof(what), "--%s", name);
	i = lt_parse_enum(v, o->choices, what, err);
	if (i < 0)
		return -1;
	*out = i;
	return 0;
}

/* ---- bound options (lt_opts_bind) ---- */

bool
lt_opt_bind_ok(const struct lt_opt *o)
{
	bool arg = o->flags & LT_OPT_ARG;

	switch (o->type) {
	case LT_OT_NONE:
		return true;
	case LT_OT_FLAG:
	case LT_OT_COUNT:
		return !arg;
	case LT_OT_ENUM:
		return arg && o->choices;
	case LT_OT_UINT:
		return arg && o->max;
	case LT_OT_LIST:
		return arg && (o->flags & LT_OPT_MULTI);
	case LT_OT_STR:
	case LT_OT_DURATION:
		return arg;
	}
	return false;
}

/* The last value given for row o, or NULL; *n: how many times given. */
static const char *
last_value(const struct lt_args *args, const struct lt_opt *o, int *n)
{
	const char *v = NULL;
	int i;

	for (i = 0, *n = 0; i < args->n; i++)
		if (args->v[i].opt == o) {
			v = args->v[i].value;
			++*n;
		}
	return v;
}

static void
bind_list(const struct lt_args *args, const struct lt_opt *o,
    struct lt_optv *lv, int n)
{
	int i;

	lv->v = lt_xcalloc((size_t)n + 1, sizeof(*lv->v));
	lv->n = 0;
	for (i = 0; i < args->n; i++)
		if (args->v[i].opt == o)
			lv->v[lv->n++] = args->v[i].value;
}

static int
bind_one(const struct lt_args *args, const struct lt_opt *o, char *at,
    struct lt_error *err)
{
	int n, e;
	const char *v = last_value(args, o, &n);
	char what[64];

	if (n == 0)
		return 0;
	switch (o->type) {
	case LT_OT_NONE:
		break;
	case LT_OT_FLAG:
		*(bool *)(void *)at = true;
		break;
	case LT_OT_COUNT:
		*(int *)(void *)at = n;
		break;
	case LT_OT_STR:
		*(const char **)(void *)at = v;
		break;
	case LT_OT_LIST:
		bind_list(args, o, (struct lt_optv *)(void *)at, n);
		break;
	case LT_OT_DURATION:
		if (lt_parse_duration(v, (int64_t *)(void *)at, err) < 0)
			return lt_error_prefix(err, "--%s", o->name);
		break;
	case LT_OT_UINT:
		if (lt_parse_uint(v, o->max, (uint64_t *)(void *)at, err) < 0)
			return lt_error_prefix(err, "--%s", o->name);
		break;
	case LT_OT_ENUM:
		snprintf(what, sizeof(what), "--%s", o->name);
		if ((e = lt_parse_enum(v, o->choices, what, err)) < 0)
			return -1;
		*(int *)(void *)at = e;
		break;
	}
	return 0;
}

int
lt_opts_bind(const struct lt_opt *table, const struct lt_args *args,
    void *opts, struct lt_error *err)
{
	const struct lt_opt *o;

	for (o = table; o && o->name; o++) {
		if (o->type == LT_OT_NONE)
			continue;
		if (!lt_opt_bind_ok(o) || opts == NULL)
			return lt_error_set(err, LT_E_RUNTIME, "option table: "
			    "--%s is bound to a member of the wrong kind",
			    o->name);
		if (bind_one(args, o, (char *)opts + o->off, err) < 0)
			return -1;
	}
	return 0;
}

void
lt_opts_release(const struct lt_opt *table, void *opts)
{
	const struct lt_opt *o;

	for (o = table; opts && o && o->name; o++)
		if (o->type == LT_OT_LIST) {
			struct lt_optv *lv = (void *)((char *)opts + o->off);

			free(lv->v);
			lv->v = NULL;
			lv->n = 0;
		}
}
