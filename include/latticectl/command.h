/* command.h: what a command is: its entry in the command table (struct
 * lt_cmd: name, options, argument bounds, check and run) and the context
 * it runs in (struct lt_ctx: settings, connection, options, output).
 * Plain types, shared by the dispatcher (src/main.c), the commands
 * (src/cmd/) and the library modules that serve several commands
 * (completion, the --otlp-endpoint export); docs/architecture.md,
 * Commands. */
#ifndef LATTICECTL_COMMAND_H
#define LATTICECTL_COMMAND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "latticectl/config.h"
#include "latticectl/error.h"
#include "latticectl/opt.h"
#include "latticectl/output.h"

struct lt_conn;

enum lt_cmd_flag {
	LT_CMD_CONNECT = (1 << 0),	/* main connects before run (after
					 * check) */
	LT_CMD_WRITES = (1 << 1),	/* changes the lattice (impact:rw) */
	LT_CMD_HIDDEN = (1 << 2),	/* not listed in help */
	LT_CMD_ANY_LATTICE = (1 << 3),	/* -x '*' spans every lattice */
	LT_CMD_NO_LATTICE = (1 << 4),	/* never uses the lattice: any -x */
};

/* Where the values of a word come from, for completion (latticectl/values.h):
 * a command's positional arguments (struct lt_cmd .arg_values) or an
 * option's value (lt_values_of_opt). */
enum lt_values_src {
	LT_VALUES_DEFAULT,	/* arguments: file names, none when it takes
				 * none */
	LT_VALUES_NONE,		/* nothing to offer (free text) */
	LT_VALUES_FILES,	/* file names (the shell script's own) */
	LT_VALUES_CHOICES,	/* the option's enum choices */
	LT_VALUES_COMMANDS,	/* command names (help) */
	LT_VALUES_CONTEXTS,	/* natscli context names */
	LT_VALUES_HOSTS,	/* host ids and friendly names (host.ping) */
	LT_VALUES_APPS,		/* wadm application names */
	LT_VALUES_CONFIGS,	/* config names (keys of CONFIGDATA_{L}) */
	LT_VALUES_BUCKETS,	/* KV bucket names */
	LT_VALUES_KEYS,		/* keys of --bucket (default CONFIGDATA_{L}) */
	LT_VALUES_TYPES,	/* event types, comma-separated globs */
	LT_VALUES_FOR,		/* --for KIND/ID */
};

/* The -o formats a command accepts: LT_FORMAT(LT_FMT_TEXT) | ... */
#define LT_FORMAT(f) (1u << (f))
#define LT_FORMATS_NOT_RAW (LT_FORMAT(LT_FMT_TEXT) | LT_FORMAT(LT_FMT_WIDE) | \
	LT_FORMAT(LT_FMT_JSON) | LT_FORMAT(LT_FMT_NDJSON))
/* What a command takes when its entry names no formats, and the formats
 * of command c. */
#define LT_FORMATS_ALL (LT_FORMATS_NOT_RAW | LT_FORMAT(LT_FMT_RAW))
#define LT_CMD_FORMATS(c) ((c)->formats ? (c)->formats : LT_FORMATS_ALL)
/* A stream of records (watch, sub, kv watch, show): -o json, one
 * document, is refused in favour of -o ndjson (docs/architecture.md,
 * Output). */
#define LT_FORMATS_STREAM (LT_FORMAT(LT_FMT_TEXT) | LT_FORMAT(LT_FMT_WIDE) | \
	LT_FORMAT(LT_FMT_NDJSON) | LT_FORMAT(LT_FMT_RAW))
#define LT_FORMATS_TEXT_JSON (LT_FORMAT(LT_FMT_TEXT) | LT_FORMAT(LT_FMT_JSON) | \
	LT_FORMAT(LT_FMT_NDJSON))

struct lt_ctx {
	struct lt_config *cfg;
	struct lt_conn *conn;		/* open when LT_CMD_CONNECT, or
					 * after lt_ctx_connect */
	struct lt_conn *shared;		/* the shell's connection, or NULL */
	const struct lt_args *args;	/* the command's parsed options */
	void *opts;			/* its options struct, bound
					 * (struct lt_cmd opts_size) */
	const char *cmd_path;		/* "kv snapshot" */
	int orig_argc;			/* the whole command line, for */
	char **orig_argv;		/* recordings' meta records */
	enum lt_format format;
	bool color_out, color_err;
	size_t width;			/* text cut to this many columns,
					 * 0: not cut (lt_output_width) */
	FILE *out, *err;
};

struct lt_cmd {
	const char *name;
	const char *alias;
	const char *summary;
	const char *usage;		/* after "latticectl <name> " */
	const char *description;	/* a few lines for --help, or NULL */
	int flags;
	unsigned formats;		/* LT_FORMATS bits -o accepts; 0:
					 * LT_FORMATS_ALL */
	const struct lt_opt *opts;
	/* The options struct the bound rows of opts fill (LT_CMD_OPTS):
	 * main copies opts_init (NULL: zeroes) into a new one, binds the
	 * options into it (lt_opts_bind: a bad value is exit 2 before
	 * check) and hands it to check and run as ctx->opts. */
	size_t opts_size;
	const void *opts_init;
	int min_args, max_args;		/* max -1: no limit */
	const struct lt_cmd *const *subcmds;	/* NULL-terminated */
	enum lt_values_src arg_values;	/* what its arguments complete to */
	/* Optional: validate the options and arguments before main
	 * connects, so a usage error is exit 2 even with no server: what
	 * binding cannot see (ranges, combinations, arguments), reading
	 * ctx->opts. 0, or -1 with err set (its code is the exit status).
	 * ctx->conn is not open yet; with LT_CMD_CONNECT main connects
	 * right after (the pre-connect check). */
	int (*check)(struct lt_ctx *ctx, int argc, char **argv,
	    struct lt_error *err);
	int (*run)(struct lt_ctx *ctx, int argc, char **argv,
	    struct lt_error *err);
};

/* An entry's options struct st and its defaults init (a const st *, or
 * NULL: zeroes): ".opts = t, LT_CMD_OPTS(struct hosts_opts, &dflt)". */
#define LT_CMD_OPTS(st, init) .opts_size = sizeof(st), \
	.opts_init = _Generic((init), const st *: (init), st *: (init), \
	    void *: (init))

/* The command or alias name in table (NULL-terminated; NULL is empty), or
 * NULL. */
const struct lt_cmd *lt_cmd_find(const struct lt_cmd *const *table,
    const char *name);

#endif
