/* cmd.h: the command table entry every file in src/cmd exports, and the
 * context main.c hands to a command's run function. */
#ifndef LATTICECTL_CMD_H
#define LATTICECTL_CMD_H

#include <stdbool.h>
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

/* Where the values of a word come from, for completion (src/cmd/values.h):
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
	int min_args, max_args;		/* max -1: no limit */
	const struct lt_cmd *const *subcmds;	/* NULL-terminated */
	enum lt_values_src arg_values;	/* what its arguments complete to */
	/* Optional: validate the options and arguments before main
	 * connects, so a usage error is exit 2 even with no server. 0, or
	 * -1 with err set (its code is the exit status). ctx->conn is not
	 * open yet. */
	int (*check)(struct lt_ctx *ctx, int argc, char **argv,
	    struct lt_error *err);
	int (*run)(struct lt_ctx *ctx, int argc, char **argv,
	    struct lt_error *err);
};

/* Keep sorted; main.c's table follows this list. */
extern const struct lt_cmd cmd_complete_entry;
extern const struct lt_cmd cmd_config_entry;
extern const struct lt_cmd cmd_doctor_entry;
extern const struct lt_cmd cmd_help_entry;
extern const struct lt_cmd cmd_hosts_entry;
extern const struct lt_cmd cmd_inventory_entry;
extern const struct lt_cmd cmd_kv_entry;
extern const struct lt_cmd cmd_replay_entry;
extern const struct lt_cmd cmd_report_entry;
extern const struct lt_cmd cmd_shell_entry;
extern const struct lt_cmd cmd_show_entry;
extern const struct lt_cmd cmd_sub_entry;
extern const struct lt_cmd cmd_version_entry;
extern const struct lt_cmd cmd_watch_entry;

/* The sorted top-level table, NULL-terminated (main.c). */
extern const struct lt_cmd *const lt_commands[];

/* The command or alias name in table (NULL-terminated; NULL is empty), or
 * NULL. */
const struct lt_cmd *lt_cmd_find(const struct lt_cmd *const *table,
    const char *name);

/* Resolve a command line ("kv snapshot --bucket B"; no program name) and
 * run it. session, when not NULL, is the shell's context: its connection
 * (when open) is used instead of a new one, and its settings stand for
 * every setting the line does not give as a flag (connection options are
 * the shell's to give). Returns the exit status. */
int lt_dispatch(int argc, char **argv, const struct lt_ctx *session);

/* Connect now (or reuse the shell's connection) if not yet connected:
 * for commands that connect only on some paths (kv diff of two files,
 * replay --dry-run) or after setting up state; a command that merely
 * validates options first uses LT_CMD_CONNECT with check. main closes it
 * after run. */
int lt_ctx_connect(struct lt_ctx *ctx, struct lt_error *err);

/* Print "latticectl: <msg>" style usage error hint and return 2. */
int lt_cmd_usage_error(const struct lt_ctx *ctx, const struct lt_error *err);

/* "latticectl <cmd>: warning: <msg>" on stderr unless -q; ctx is the
 * struct lt_ctx (a callback's user data, as lt_filter_type_warnings'). */
void lt_cmd_warn(void *ctx, const char *msg);

#endif
