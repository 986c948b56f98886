/* opt.h: option tables and the one parser every command shares.
 *
 * A command describes its options in a struct lt_opt table; the same table
 * feeds the parser, --help, 'latticectl __complete' and the meta test that
 * keeps man pages in sync. Parsed values land in a struct lt_args; a row
 * bound to a member of the command's options struct (LT_TO_* below, git's
 * parse-options) has its value parsed once, by lt_opts_bind, into that
 * member, so a command reads o->wait_ns and a misspelled option is a
 * compile error (docs/architecture.md, Commands). Every command row is
 * bound (t7160); only the global options' rows are not, and are queried by
 * long name (tmux's args_get). */
#ifndef LATTICECTL_OPT_H
#define LATTICECTL_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/error.h"

enum lt_opt_flag {
	LT_OPT_ARG = (1 << 0),		/* takes a value */
	LT_OPT_MULTI = (1 << 1),	/* may repeat; every value kept */
	LT_OPT_HIDDEN = (1 << 2),	/* not in --help or completions */
	LT_OPT_CONN = (1 << 3),		/* sets up the connection: fixed
					 * for a shell session */
};

/* Where a bound row's value goes: the member at struct lt_opt .off of the
 * command's options struct, of the C type named here. An option that is
 * not given leaves its member as the command's defaults set it. */
enum lt_opt_type {
	LT_OT_NONE,		/* not bound: looked up by name */
	LT_OT_FLAG,		/* bool: true when given */
	LT_OT_COUNT,		/* int: how many times given (-vv) */
	LT_OT_STR,		/* const char *: the last value (borrowed
				 * from argv) */
	LT_OT_LIST,		/* struct lt_optv: every value, in order */
	LT_OT_DURATION,		/* int64_t ns (lt_parse_duration) */
	LT_OT_UINT,		/* uint64_t up to .max (lt_parse_uint) */
	LT_OT_ENUM,		/* int: the index in .choices */
};

struct lt_opt {
	const char *name;	/* long name without dashes */
	char shortopt;		/* 0 when none */
	int flags;
	const char *metavar;	/* "DUR", "FILE"; NULL without LT_OPT_ARG */
	const char *help;	/* one line for --help */
	const char *const *choices; /* enum values (completion), or NULL */
	enum lt_opt_type type;	/* LT_OT_NONE: unbound */
	size_t off;		/* of the member in the options struct */
	uint64_t max;		/* LT_OT_UINT's largest value */
};

/* The values of a repeatable option, in order (borrowed from argv; the
 * array is freed by lt_opts_release). */
struct lt_optv {
	const char **v;
	int n;
};

/* The offset of member f of struct type st, which must be of C type
 * ctype (else a compile error), for the LT_TO_* bindings. */
#define LT_OPT_AT(st, f, ctype) (offsetof(st, f) + \
	0 * sizeof(char[_Generic(((st *)0)->f, ctype: 1)]))

/* A row's binding, after its six positional fields:
 * { "wait", 0, LT_OPT_ARG, "DUR", "help", NULL,
 *   LT_TO_DURATION(struct hosts_opts, wait_ns) } */
#define LT_TO_FLAG(st, f) .type = LT_OT_FLAG, .off = LT_OPT_AT(st, f, bool)
#define LT_TO_COUNT(st, f) .type = LT_OT_COUNT, .off = LT_OPT_AT(st, f, int)
#define LT_TO_STR(st, f) \
	.type = LT_OT_STR, .off = LT_OPT_AT(st, f, const char *)
#define LT_TO_LIST(st, f) \
	.type = LT_OT_LIST, .off = LT_OPT_AT(st, f, struct lt_optv)
#define LT_TO_DURATION(st, f) \
	.type = LT_OT_DURATION, .off = LT_OPT_AT(st, f, int64_t)
#define LT_TO_UINT(st, f, mx) \
	.type = LT_OT_UINT, .off = LT_OPT_AT(st, f, uint64_t), .max = (mx)
#define LT_TO_ENUM(st, f) .type = LT_OT_ENUM, .off = LT_OPT_AT(st, f, int)

/* A duration member's default that no value can give (durations are
 * never negative): "not given". */
#define LT_OPT_UNSET_NS (-1)

#define LT_OPT_END { NULL, 0, 0, NULL, NULL, NULL, LT_OT_NONE, 0, 0 }

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

/* Parse every value given for the bound rows of table (NULL: none) into
 * the options struct at opts, which holds the command's defaults: each
 * value once, in the order given (a repeated single-valued option: the
 * last wins). -1 with a usage error naming the option on a bad value, or
 * LT_E_RUNTIME when a row's binding does not fit its flags (a flag bound
 * as a value, an enum without choices: a bug in the table). Release with
 * lt_opts_release. */
int lt_opts_bind(const struct lt_opt *table, const struct lt_args *args,
    void *opts, struct lt_error *err);
/* Free what lt_opts_bind allocated in opts (the lists' arrays). */
void lt_opts_release(const struct lt_opt *table, void *opts);
/* Whether a bound row's binding fits its flags: FLAG and COUNT take no
 * value, the others do, ENUM has choices, UINT a max. */
bool lt_opt_bind_ok(const struct lt_opt *o);

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
