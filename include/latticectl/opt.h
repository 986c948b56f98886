/* opt.h: option tables and the one parser every command shares.
 *
 * A command describes its options in a struct lt_opt table; the same table
 * feeds getopt_long, --help, 'latticectl __complete' and the meta test that
 * keeps man pages in sync. Parsed values land in a struct lt_args that the
 * command queries by long name (tmux's args_get). */
#ifndef LATTICECTL_OPT_H
#define LATTICECTL_OPT_H

#include <stdbool.h>
#include <stdint.h>

#include "latticectl/error.h"

enum lt_opt_flag {
	LT_OPT_ARG = (1 << 0),		/* takes a value */
	LT_OPT_MULTI = (1 << 1),	/* may repeat; every value kept */
	LT_OPT_HIDDEN = (1 << 2),	/* not in --help or completions */
	LT_OPT_CONN = (1 << 3),		/* sets up the connection: fixed
					 * for a shell session */
};

struct lt_opt {
	const char *name;	/* long name without dashes */
	char shortopt;		/* 0 when none */
	int flags;
	const char *metavar;	/* "DUR", "FILE"; NULL without LT_OPT_ARG */
	const char *help;	/* one line for --help */
	const char *const *choices; /* enum values (completion), or NULL */
};

#define LT_OPT_END { NULL, 0, 0, NULL, NULL, NULL }

struct lt_args_entry {
	const struct lt_opt *opt;
	const char *value;	/* borrowed from argv; NULL for flags */
};

struct lt_args {
	struct lt_args_entry *v;
	int n, alloc;
	int argc;		/* positional arguments */
	char **argv;		/* borrowed, NULL-terminated */
};

#define LT_ARGS_INIT { NULL, 0, 0, 0, NULL }

/* Parse argv against two tables (a command's and the global one; either may
 * be NULL). Options and positionals may be interleaved; "--" ends options.
 * Positionals are collected in args->argv. Returns -1 with LT_E_USAGE on an
 * unknown option or a missing value. args keeps pointers into argv. */
int lt_args_parse(struct lt_args *args, const struct lt_opt *cmd,
    const struct lt_opt *global, int argc, char **argv, struct lt_error *err);
void lt_args_release(struct lt_args *args);

bool lt_args_has(const struct lt_args *args, const char *name);
/* Last value given for name, or NULL. Borrowed. */
const char *lt_args_get(const struct lt_args *args, const char *name);
/* How many times name was given. */
int lt_args_count(const struct lt_args *args, const char *name);
/* The i-th value of a repeatable option, NULL past the end. */
const char *lt_args_nth(const struct lt_args *args, const char *name, int i);

/* Typed getters: leave *out untouched when the option is absent; -1 with a
 * usage error naming the option on a bad value. */
int lt_args_duration(const struct lt_args *args, const char *name,
    int64_t *out, struct lt_error *err);
int lt_args_uint(const struct lt_args *args, const char *name, uint64_t max,
    uint64_t *out, struct lt_error *err);
int lt_args_enum(const struct lt_args *args, const char *name, int *out,
    struct lt_error *err);

/* Find an option by long name in a table, or NULL. */
const struct lt_opt *lt_opt_find(const struct lt_opt *table, const char *name);
/* The first option of table within 2 edits of name that is not hidden and
 * has every flag of want (0: any), or NULL: the "did you mean" hint. */
const struct lt_opt *lt_opt_nearest(const struct lt_opt *table,
    const char *name, unsigned want);
/* The option a command-line word names: "--name" or "-c" (no "=value");
 * NULL when none. */
const struct lt_opt *lt_opt_find_word(const struct lt_opt *table,
    const char *word);

#endif
