/* main.c: global options, the sorted command table, dispatch (with
 * subcommand groups), --help, and the error line for failures. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "latticectl/buf.h"
#include "latticectl/conn.h"
#include "latticectl/output.h"
#include "latticectl/redact.h"
#include "latticectl/sig.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

/* Sorted by name; names match exactly or by alias. */
const struct lt_cmd *const lt_commands[] = {
	&cmd_app_entry,
	&cmd_complete_entry,
	&cmd_config_entry,
	&cmd_diagnose_entry,
	&cmd_doctor_entry,
	&cmd_help_entry,
	&cmd_hosts_entry,
	&cmd_inventory_entry,
	&cmd_kv_entry,
	&cmd_replay_entry,
	&cmd_report_entry,
	&cmd_shell_entry,
	&cmd_show_entry,
	&cmd_sub_entry,
	&cmd_version_entry,
	&cmd_watch_entry,
	NULL
};

static void
suggest(const struct lt_cmd *const *table, const char *name)
{
	int shown = 0;

	for (; *table; table++) {
		if ((*table)->flags & LT_CMD_HIDDEN)
			continue;
		if (lt_edit_distance(name, (*table)->name) <= 2 ||
		    lt_str_has_prefix((*table)->name, name)) {
			if (!shown)
				fprintf(stderr, "\nThe most similar commands are\n");
			fprintf(stderr, "\t%s\n", (*table)->name);
			shown++;
		}
	}
}

/* Help text is wrapped to 80 columns, whatever the terminal. */
#define HELP_WIDTH 80

/* text (lines separated by newlines) into b, each line wrapped with its
 * continuation lines indented by indent columns. */
static void
help_add(struct lt_buf *b, const char *text, size_t indent)
{
	char *copy = lt_xstrdup(text), *line = copy, *nl;

	do {
		if ((nl = strchr(line, '\n')))
			*nl = '\0';
		lt_text_wrap(b, line, 0, indent, HELP_WIDTH);
		lt_buf_addch(b, '\n');
		line = nl + 1;
	} while (nl);
	free(copy);
}

/* A usage line, wrapped between its [...] groups, never inside one. */
static void
help_usage(struct lt_buf *b, const char *path, const char *usage)
{
	char *line = lt_xasprintf("usage: latticectl %s %s", path, usage), *p;
	size_t at = b->len, depth = 0;

	for (p = line; *p; p++) {
		depth += *p == '[';
		depth -= *p == ']' && depth > 0;
		if (*p == ' ' && depth > 0)
			*p = '\x01';	/* no break here */
	}
	help_add(b, line, 19 + strlen(path));
	for (; at < b->len; at++)
		if (b->buf[at] == '\x01')
			b->buf[at] = ' ';
	free(line);
}

/* "  NAME         summary" rows of a command list. */
static void
help_row(struct lt_buf *b, const char *name, const char *summary)
{
	char *row = lt_xasprintf("  %-12s %s", name, summary);

	help_add(b, row, 15);
	free(row);
}

static void
print_opts(struct lt_buf *b, const struct lt_opt *o)
{
	for (; o && o->name; o++) {
		char left[64], shortopt[8] = "    ", *row;

		if (o->flags & LT_OPT_HIDDEN)
			continue;
		if (o->shortopt)
			snprintf(shortopt, sizeof(shortopt), "-%c, ", o->shortopt);
		snprintf(left, sizeof(left), "%s--%s%s%s", shortopt, o->name,
		    o->metavar ? " " : "", o->metavar ? o->metavar : "");
		row = lt_xasprintf("  %-30s %s", left, o->help);
		help_add(b, row, 33);
		free(row);
	}
}

static void
print_exit_codes(struct lt_buf *b)
{
	help_add(b, "\nExit status: 0 ok, 1 differences or expectation failed, "
	    "2 usage, 3 connect/auth, 4 timeout or no responders, 5 partial "
	    "answers, 6 other failure.", 2);
}

/* b to fp, released. */
static void
help_out(FILE *fp, struct lt_buf *b)
{
	fputs(lt_buf_str(b), fp);
	lt_buf_release(b);
}

static void
print_cmd_help(FILE *fp, const struct lt_cmd *cmd, const char *path)
{
	const struct lt_cmd *const *sub;
	struct lt_buf b = LT_BUF_INIT;
	char *summary = lt_xasprintf("\n%s  [impact:%s]", cmd->summary,
	    cmd->flags & LT_CMD_WRITES ? "rw" : "ro");

	help_usage(&b, path, cmd->usage);
	help_add(&b, summary, 0);
	free(summary);
	if (cmd->description) {
		lt_buf_addch(&b, '\n');
		help_add(&b, cmd->description, 0);
	}
	if (cmd->subcmds) {
		lt_buf_adds(&b, "\nCommands:\n");
		for (sub = cmd->subcmds; *sub; sub++)
			help_row(&b, (*sub)->name, (*sub)->summary);
	}
	if (cmd->opts && cmd->opts->name) {
		lt_buf_adds(&b, "\nOptions:\n");
		print_opts(&b, cmd->opts);
	}
	help_add(&b, "\nGlobal options are listed by 'latticectl --help'; "
	    "they may come before or after the command.", 0);
	print_exit_codes(&b);
	help_out(fp, &b);
}

static void
print_main_help(FILE *fp)
{
	const struct lt_cmd *const *c;
	struct lt_buf b = LT_BUF_INIT;

	help_add(&b, "usage: latticectl [global options] <command> [options] "
	    "[args]\n\nDebug wasmCloud lattices over NATS: watch events, "
	    "snapshot and diff config,\nsubscribe safely, replay manifest "
	    "upgrades and report what went wrong.\n\nCommands:", 0);
	for (c = lt_commands; *c; c++)
		if (!((*c)->flags & LT_CMD_HIDDEN))
			help_row(&b, (*c)->name, (*c)->summary);
	lt_buf_adds(&b, "\nGlobal options:\n");
	print_opts(&b, lt_global_opts);
	help_add(&b, "\nRun 'latticectl <command> --help' for a command's "
	    "options, 'latticectl help <command>' for its manual.", 0);
	print_exit_codes(&b);
	help_out(fp, &b);
}

/* Index of the first positional argument, skipping global options and
 * their values; argc when there is none. *help, when not NULL, says
 * whether -h/--help came before it. */
static int
first_positional(int argc, char **argv, bool *help)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct lt_opt *o;

		if (!strcmp(a, "--"))
			return i + 1 < argc ? i + 1 : argc;
		if (a[0] != '-' || a[1] == '\0')
			return i;
		o = lt_opt_find_word(lt_global_opts, a);
		if (o && help && !strcmp(o->name, "help"))
			*help = true;
		if (o && (o->flags & LT_OPT_ARG))
			i++;
	}
	return argc;
}

int
lt_cmd_usage_error(const struct lt_ctx *ctx, const struct lt_error *err)
{
	struct lt_buf msg = LT_BUF_INIT;

	fprintf(stderr, "latticectl: %s: %s\nsee 'latticectl %s --help'\n",
	    ctx->cmd_path, lt_text(&msg, err->msg), ctx->cmd_path);
	lt_buf_release(&msg);
	return LT_E_USAGE;
}

void
lt_cmd_warn(void *ud, const char *msg)
{
	const struct lt_ctx *ctx = ud;
	struct lt_buf text = LT_BUF_INIT;

	if (ctx->cfg->quiet)
		return;
	fprintf(stderr, "latticectl: %s: warning: %s\n", ctx->cmd_path,
	    lt_text(&text, msg));
	lt_buf_release(&text);
}

int
lt_ctx_connect(struct lt_ctx *ctx, struct lt_error *err)
{
	if (ctx->conn)
		return 0;
	if (ctx->shared) {
		ctx->conn = ctx->shared;
		return 0;
	}
	return lt_conn_open(&ctx->conn, ctx->cfg, ctx->cmd_path, err);
}

/* The -o format names, in enum lt_format's order: --output's choices. */
static const char *const *
format_names(void)
{
	return lt_opt_find(lt_global_opts, "output")->choices;
}

/* -o's format, text when absent or not a format (a usage error may come
 * before the settings are resolved). */
static enum lt_format
parse_format(const char *v)
{
	struct lt_error ignored = LT_ERROR_INIT;
	int f = v ? lt_parse_enum(v, format_names(), "--output", &ignored) : -1;

	return f < 0 ? LT_FMT_TEXT : (enum lt_format)f;
}

/* The error as one JSON object on stderr (docs/architecture.md, Errors and
 * exit codes). */
static void
print_json_error(int rc, const struct lt_error *err)
{
	struct lt_buf b = LT_BUF_INIT;

	lt_buf_adds(&b, "{\"schema\":\"latticectl.error/1\",\"code\":");
	lt_buf_addf(&b, "%d,\"status\":\"%s\",\"message\":", rc,
	    lt_status_name((enum lt_status)rc));
	lt_buf_add_json_str(&b, err->msg, strlen(err->msg));
	lt_buf_adds(&b, "}\n");
	fputs(lt_buf_str(&b), stderr);
	lt_buf_release(&b);
}

static int
report(const struct lt_ctx *ctx, int rc, const struct lt_error *err)
{
	struct lt_buf msg = LT_BUF_INIT;

	if (rc < 2)
		return rc;
	if (rc == LT_E_USAGE)
		lt_cmd_usage_error(ctx, err);
	else	/* a message may quote the wire (a host's reply) */
		fprintf(stderr, "latticectl: %s: %s\n", ctx->cmd_path,
		    lt_text(&msg, err->msg));
	lt_buf_release(&msg);
	if (ctx->format == LT_FMT_JSON || ctx->format == LT_FMT_NDJSON)
		print_json_error(rc, err);
	return rc;
}

/* The lattice name is one subject token without wildcards (else subjects
 * and bucket names such as wasmbus.ctl.v1.*.host.ping or CONFIGDATA_a.b),
 * or '*' alone for a command that spans lattices; a command that never
 * uses it takes anything. */
static int
check_lattice(const struct lt_cmd *cmd, const char *path,
    const struct lt_config *cfg, struct lt_error *err)
{
	const char *lattice = lt_config_get(cfg, LT_S_LATTICE);
	bool any = cmd->flags & LT_CMD_ANY_LATTICE;

	if ((cmd->flags & LT_CMD_NO_LATTICE) || lattice == NULL ||
	    (any && !strcmp(lattice, "*")))
		return 0;
	if (!lt_is_subject_token(lattice))
		return lt_error_set(err, LT_E_USAGE, "lattice '%s' is not a "
		    "lattice name: it is one subject token (no dots, no spaces)",
		    lattice);
	if (!strpbrk(lattice, "*>"))
		return 0;
	if (any)
		return lt_error_set(err, LT_E_USAGE, "lattice '%s' has a "
		    "wildcard: name one lattice, or '*' alone for every one",
		    lattice);
	return lt_error_set(err, LT_E_USAGE, "lattice '%s' has a wildcard, "
	    "but %s works on one lattice (name it with -x NAME)", lattice, path);
}

/* -o names a format the command writes (struct lt_cmd formats). */
static int
check_format(const struct lt_cmd *cmd, const char *path,
    const struct lt_ctx *ctx, struct lt_error *err)
{
	const char *const *names = format_names();
	unsigned formats = LT_CMD_FORMATS(cmd);
	struct lt_buf ok = LT_BUF_INIT;
	size_t f;

	if (formats & LT_FORMAT(ctx->format))
		return 0;
	if (ctx->format == LT_FMT_TEXT &&
	    ctx->cfg->src[LT_S_OUTPUT] == LT_SRC_DEFAULT)
		return 0;	/* no -o: the command's own default (report) */
	for (f = 0; names[f]; f++)
		if (formats & LT_FORMAT(f)) {
			lt_buf_adds(&ok, ok.len ? ", " : "");
			lt_buf_adds(&ok, names[f]);
		}
	if (ctx->format == LT_FMT_JSON && (formats & LT_FORMAT(LT_FMT_NDJSON)))
		lt_error_set(err, LT_E_USAGE, "-o json is one JSON document, "
		    "but %s writes JSON lines: use -o ndjson", path);
	else
		lt_error_set(err, LT_E_USAGE, "-o %s is not an output of %s (it "
		    "takes -o %s; usage: %s%s%s)", names[ctx->format], path,
		    lt_buf_str(&ok), path, *cmd->usage ? " " : "", cmd->usage);
	lt_buf_release(&ok);
	return -1;
}

/* The command's options struct: its defaults with every bound option's
 * value parsed in (struct lt_cmd opts_size), or NULL with err (a bad
 * value: a usage error, before any connection). Free it after
 * lt_opts_release. */
static void *
bind_opts(const struct lt_cmd *cmd, const struct lt_args *args,
    struct lt_error *err)
{
	void *opts = lt_xcalloc(1, cmd->opts_size ? cmd->opts_size : 1);

	if (cmd->opts_init)
		memcpy(opts, cmd->opts_init, cmd->opts_size);
	if (lt_opts_bind(cmd->opts, args, cmd->opts_size ? opts : NULL,
	    err) == 0)
		return opts;
	lt_opts_release(cmd->opts, opts);
	free(opts);
	return NULL;
}

/* Run one resolved command: parse options, resolve settings, bind the
 * command's options into its struct and check them, connect when asked
 * (or reuse the session's), run. */
static int
run_cmd(const struct lt_cmd *cmd, const char *path, int argc, char **argv,
    const struct lt_ctx *session, int orig_argc, char **orig_argv)
{
	struct lt_conn *shared = session ? session->conn : NULL;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_config cfg = LT_CONFIG_INIT;
	struct lt_args args = LT_ARGS_INIT;
	struct lt_ctx ctx;
	void *opts = NULL;
	int rc;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.args = &args;
	ctx.cmd_path = path;
	ctx.orig_argc = orig_argc;
	ctx.orig_argv = orig_argv;
	ctx.out = stdout;
	ctx.err = stderr;
	rc = lt_args_parse(&args, cmd->opts, lt_global_opts, argc, argv, &err);
	ctx.format = parse_format(lt_args_get(&args, "output"));
	if (rc < 0) {
		rc = report(&ctx, LT_E_USAGE, &err);
		goto out;
	}
	if (lt_args_has(&args, "help")) {
		print_cmd_help(stdout, cmd, path);
		rc = 0;
		goto out;
	}
	if (lt_config_load(&cfg, &args, &err) < 0) {
		rc = report(&ctx, err.code, &err);
		goto out;
	}
	if (session)	/* the shell's settings, unless the line gives one */
		lt_config_inherit(&cfg, session->cfg);
	ctx.format = parse_format(lt_config_get(&cfg, LT_S_OUTPUT));
	ctx.color_out = lt_output_use_color(lt_config_get(&cfg, LT_S_COLOR), 1);
	ctx.color_err = lt_output_use_color(lt_config_get(&cfg, LT_S_COLOR), 2);
	ctx.width = ctx.format == LT_FMT_TEXT ? lt_output_width(1) : 0;
	lt_time_set_local(!strcmp(lt_config_get(&cfg, LT_S_TIME), "local"));
	if (check_lattice(cmd, path, &cfg, &err) < 0 ||
	    check_format(cmd, path, &ctx, &err) < 0) {
		rc = report(&ctx, LT_E_USAGE, &err);
		goto out;
	}
	if (args.argc < cmd->min_args ||
	    (cmd->max_args >= 0 && args.argc > cmd->max_args)) {
		lt_error_set(&err, LT_E_USAGE, "%s arguments (usage: %s %s)",
		    args.argc < cmd->min_args ? "missing" : "too many", path,
		    cmd->usage);
		rc = report(&ctx, LT_E_USAGE, &err);
		goto out;
	}
	opts = bind_opts(cmd, &args, &err);
	ctx.opts = opts;
	if (opts == NULL) {
		rc = report(&ctx, err.code, &err);
		goto out;
	}
	if (cmd->check && cmd->check(&ctx, args.argc, args.argv, &err) < 0) {
		rc = report(&ctx, err.code, &err);
		goto out;
	}
	ctx.shared = shared;
	if ((cmd->flags & LT_CMD_CONNECT) && lt_ctx_connect(&ctx, &err) < 0) {
		rc = report(&ctx, err.code, &err);
		goto out;
	}
	rc = cmd->run(&ctx, args.argc, args.argv, &err);
	rc = report(&ctx, rc, &err);
	if (ctx.conn != shared)
		lt_conn_close(ctx.conn);
out:
	if (opts)
		lt_opts_release(cmd->opts, opts);
	free(opts);
	lt_args_release(&args);
	lt_config_release(&cfg);
	return rc;
}

/* The -o of a command line that could not be parsed (an unknown command):
 * the last -o V, -oV, --output V or --output=V, wherever it stands. */
static enum lt_format
argv_format(int argc, char **argv)
{
	const char *v = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) &&
		    i + 1 < argc)
			v = argv[++i];
		else if (lt_str_has_prefix(argv[i], "--output="))
			v = argv[i] + strlen("--output=");
		else if (lt_str_has_prefix(argv[i], "-o") && argv[i][2])
			v = argv[i] + 2;
	}
	return parse_format(v);
}

/* The words before a command (or before a group's subcommand) are global
 * options: an unknown one is a usage error that names it, never the word
 * after it, which would have been taken for the command ('latticectl
 * --pasword S watch' must not print S). 0, or LT_E_USAGE after saying so
 * (all: the whole command line, for -o json). */
static int
check_leading_opts(int n, char **argv, const char *group, int argc,
    char **all)
{
	struct lt_args args = LT_ARGS_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct lt_buf scratch = LT_BUF_INIT;
	enum lt_format f;
	int rc = lt_args_parse(&args, NULL, lt_global_opts, n, argv, &err);

	lt_args_release(&args);
	if (rc == 0)
		return 0;
	fprintf(stderr, "latticectl: %s%s%s. See 'latticectl %s%s--help'.\n",
	    group ? group : "", group ? ": " : "", lt_text(&scratch, err.msg),
	    group ? group : "", group ? " " : "");
	lt_buf_release(&scratch);
	f = argv_format(argc, all);
	if (f == LT_FMT_JSON || f == LT_FMT_NDJSON)
		print_json_error(LT_E_USAGE, &err);
	return LT_E_USAGE;
}

int
lt_dispatch(int argc, char **argv, const struct lt_ctx *session)
{
	const struct lt_cmd *cmd, *sub;
	char **rest, path[128];
	bool help = false;
	enum lt_format f;
	int i, k, k2, n, rc;

	k = first_positional(argc, argv, &help);
	if (check_leading_opts(k, argv, NULL, argc, argv) != 0)
		return LT_E_USAGE;
	if (k == argc) {
		print_main_help(argc ? stdout : stderr);
		return argc ? 0 : LT_E_USAGE;
	}
	cmd = lt_cmd_find(lt_commands, argv[k]);
	if (cmd == NULL) {
		struct lt_error err = LT_ERROR_INIT;

		lt_error_set(&err, LT_E_USAGE, "'%s' is not a latticectl command",
		    argv[k]);
		fprintf(stderr, "latticectl: %s. See 'latticectl --help'.\n",
		    err.msg);
		suggest(lt_commands, argv[k]);
		f = argv_format(argc, argv);
		if (f == LT_FMT_JSON || f == LT_FMT_NDJSON)
			print_json_error(LT_E_USAGE, &err);
		return LT_E_USAGE;
	}
	snprintf(path, sizeof(path), "%s", cmd->name);
	k2 = k;
	if (cmd->subcmds) {
		k2 = k + 1 + first_positional(argc - k - 1, argv + k + 1, &help);
		if (check_leading_opts(k2 - k - 1, argv + k + 1, cmd->name, argc,
		    argv) != 0)
			return LT_E_USAGE;
		sub = k2 < argc ? lt_cmd_find(cmd->subcmds, argv[k2]) : NULL;
		if (sub == NULL && k2 == argc && help) {
			print_cmd_help(stdout, cmd, path);	/* "kv --help" */
			return 0;
		}
		if (sub == NULL) {
			if (k2 < argc)
				fprintf(stderr, "latticectl: %s: unknown command "
				    "'%s'\n", cmd->name, argv[k2]);
			print_cmd_help(stderr, cmd, path);
			return LT_E_USAGE;
		}
		snprintf(path, sizeof(path), "%s %s", cmd->name, sub->name);
		cmd = sub;
	}
	/* Everything but the command words, in order. */
	rest = lt_xcalloc((size_t)argc + 1, sizeof(char *));
	for (i = 0, n = 0; i < argc; i++)
		if (i != k && i != k2)
			rest[n++] = argv[i];
	rc = run_cmd(cmd, path, n, rest, session, argc, argv);
	free(rest);
	return rc;
}

/* A closed standard descriptor is the next one open() or socket() returns,
 * so the NATS connection could become fd 1 and whatever is printed would
 * reach the server as protocol (git and OpenSSH guard the same way). Put
 * /dev/null on each closed one, read-only: a write to a closed stdout
 * still fails (EBADF) and is reported as a write error. */
static int
open_std_fds(void)
{
	int fd, nfd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		/* The lowest free descriptor: fd, the lower ones are open. */
		nfd = open("/dev/null", O_RDONLY);
		if (nfd != fd)
			return -1;
	}
	return 0;
}

/* Whether everything printed reached stdout, checked once here for every
 * command (git's check_write): a failed write (a full disk, a closed
 * stdout) turns a success into exit 6 with one line; a reader that went
 * away (EPIPE, 'latticectl show x | head') is a quiet end. A command that
 * failed has said why already. */
static int
check_stdout(int rc)
{
	bool failed = ferror(stdout);
	int e = errno;

	if (fflush(stdout) != 0) {
		failed = true;
		e = errno;
	}
	if (!failed || rc >= LT_E_USAGE || e == EPIPE ||
	    lt_output_reader_gone(stdout))
		return rc;
	fprintf(stderr, "latticectl: write error on stdout: %s\n",
	    strerror(e));
	return LT_E_RUNTIME;
}

int
main(int argc, char **argv)
{
	int rc;

	if (open_std_fds() < 0) {
		fprintf(stderr, "latticectl: cannot open /dev/null on a closed "
		    "standard descriptor: %s\n", strerror(errno));
		return LT_E_RUNTIME;
	}
	lt_sig_init();
	lt_redact_key_file(stderr);
	if (argc == 2 && !strcmp(argv[1], "--version"))
		argv[1] = "version";
	rc = check_stdout(lt_dispatch(argc - 1, argv + 1, NULL));
	lt_conn_shutdown();
	return rc;
}
