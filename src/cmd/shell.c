/* shell.c: 'latticectl shell', an interactive prompt (libedit) that runs
 * command lines through lt_dispatch on one shared connection, with history
 * in $XDG_STATE_HOME/latticectl/history (0600) and tab completion from the
 * same C tables as 'latticectl __complete'. */
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "latticectl/complete.h"
#include "latticectl/buf.h"
#include "latticectl/conn.h"
#include "latticectl/feed.h"
#include "latticectl/file.h"
#include "latticectl/redact.h"
#include "latticectl/sig.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

#define HISTORY_SIZE 1000

struct shell_opts {
	bool no_history;
};

static const struct lt_opt shell_opts[] = {
	{ "no-history", 0, 0, NULL, "do not read or write the history file",
	    NULL, LT_TO_FLAG(struct shell_opts, no_history) },
	LT_OPT_END,
};

/* Written by the rules of every file (file.h): no symlink followed, no
 * FIFO to block on, a new copy renamed into place; 0600 whatever the old
 * file's mode was (the lines may name servers and buckets). */
static void
history_save(History *h, const char *path)
{
	struct lt_file f = LT_FILE_INIT;
	struct lt_error err = LT_ERROR_INIT;
	HistEvent ev;

	if (lt_file_open(&f, path, LT_FILE_FORCE | LT_FILE_SECRET, &err) < 0) {
		fprintf(stderr, "latticectl: shell: history not saved: %s\n",
		    err.msg);
		return;
	}
	(void)fchmod(fileno(f.fp), 0600);
	if (history(h, &ev, H_SAVE_FP, f.fp) < 0) {
		lt_file_abort(&f);
		return;
	}
	if (lt_file_close(&f, &err) < 0)
		fprintf(stderr, "latticectl: shell: history not saved: %s\n",
		    err.msg);
}

/* Completion ------------------------------------------------------------ */

/* Live names (host ids, buckets, keys, apps...) are asked on the shell's
 * connection, within lt_values_timeout(), and kept this long. */
#define NAMES_TTL_NS (10 * 1000000000LL)

/* What completion needs from the running shell (EL_CLIENTDATA). */
struct shell {
	struct lt_values vs;
};

/* Longest common prefix length of the candidates. */
static size_t
common_len(const struct lt_words *c)
{
	size_t n = strlen(c->v[0]);

	for (size_t i = 1; i < c->n; i++) {
		size_t k = 0;

		while (k < n && c->v[i][k] == c->v[0][k])
			k++;
		n = k;
	}
	return n;
}

/* Insert what every candidate shares; one candidate gets a space after
 * it unless it is a stem ("host/"); several with nothing more to share
 * are listed under the line. */
static unsigned char
complete_insert(EditLine *el, const struct lt_words *c, size_t typed)
{
	size_t len = common_len(c);
	char *ins;

	if (len > typed || c->n == 1) {
		ins = lt_xasprintf("%.*s%s", (int)(len - typed), c->v[0] + typed,
		    c->n == 1 && c->v[0][len - 1] != '/' ? " " : "");
		el_insertstr(el, ins);
		free(ins);
		return CC_REFRESH;
	}
	fputc('\n', stdout);
	for (size_t i = 0; i < c->n; i++)
		printf("%s%s", c->v[i], i + 1 < c->n ? "  " : "\n");
	return CC_REDISPLAY;
}

static unsigned char
el_complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	Tokenizer *tok = tok_init(NULL);
	struct lt_words c = LT_WORDS_INIT;
	const char **argv = NULL;
	const char *cur = "";
	int argc = 0, cc = -1, co = 0;
	unsigned char ret = CC_ERROR;
	struct shell *sh = NULL;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &sh);
	if (tok_line(tok, li, &argc, &argv, &cc, &co) < 0) {
		tok_end(tok);
		return CC_ERROR;
	}
	if (cc >= 0 && cc < argc) {
		cur = argv[cc];
		argc = cc;
	}
	lt_complete_word(&sh->vs, argc, (char **)argv, cur, &c);
	if (c.n > 0)
		ret = complete_insert(el, &c, strlen(cur));
	lt_words_release(&c);
	tok_end(tok);
	return ret;
}

/* The loop -------------------------------------------------------------- */

static char *
prompt(EditLine *el)
{
	(void)el;
	return "latticectl> ";
}

/* The global option a long option word ("--password", "--token=x")
 * names, or, when it names none, the connection option it is a typo of
 * (within 2 edits: '--pasword S' must not reach the history either), with
 * *near set. NULL otherwise. */
static const struct lt_opt *
long_option(const char *w, bool *near)
{
	const struct lt_opt *o;
	char name[64];

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(w + 2, "="), w + 2);
	if ((o = lt_opt_find(lt_global_opts, name)) != NULL)
		return o;
	if ((o = lt_opt_nearest(lt_global_opts, name, LT_OPT_CONN)) != NULL)
		*near = true;
	return o;
}

/* The connection option (LT_OPT_CONN) a word of a command line names:
 * "--password", "--token=x", "-s", "-snats://..." or "-vs" (or a typo of
 * one: *near); NULL for any other word. */
static const struct lt_opt *
conn_option(const char *w, bool *near)
{
	const struct lt_opt *o;
	const char *p;

	if (w[0] != '-' || w[1] == '\0')
		return NULL;
	if (w[1] == '-') {
		o = long_option(w, near);
		return o && (o->flags & LT_OPT_CONN) ? o : NULL;
	}
	for (p = w + 1; *p; p++) {	/* a cluster: up to a value */
		for (o = lt_global_opts; o->name && o->shortopt != *p; o++)
			;
		if (o->name == NULL || (o->flags & LT_OPT_CONN))
			return o->name ? o : NULL;
		if (o->flags & LT_OPT_ARG)
			return NULL;
	}
	return NULL;
}

/* The first connection option among the words (before "--"), or NULL:
 * the shell's connection is open, so such a line is refused. */
static const struct lt_opt *
line_conn_option(int argc, const char **argv, bool *near)
{
	const struct lt_opt *o = NULL;
	int i;

	*near = false;
	for (i = 0; i < argc && !o && strcmp(argv[i], "--"); i++)
		o = conn_option(argv[i], near);
	return o;
}

/* Keep the line in the history, without secrets: URL user information
 * and secret name=value pairs are masked (lt_redact_text). */
static void
history_add(History *h, const char *hpath, const char *line)
{
	char *entry = lt_xstrdup(line), *red;
	HistEvent ev;

	entry[strcspn(entry, "\r\n")] = '\0';
	red = lt_redact_text(entry);
	history(h, &ev, H_ENTER, red ? red : entry);
	free(red);
	free(entry);
	if (hpath)
		history_save(h, hpath);
}

/* 'clear': the terminal's screen, as ^L does (nothing when stdout is not
 * a terminal). */
static void
clear_screen(void)
{
	const char *term = getenv("TERM");

	if (isatty(STDOUT_FILENO) && term && strcmp(term, "dumb"))
		fputs("\033[H\033[2J", stdout);
	fflush(stdout);
}

/* The line runs the shell command ('shell', '-q shell --no-history'). */
static bool
is_shell(int argc, const char **argv)
{
	const struct lt_cmd *sub;

	return lt_complete_cmd(lt_commands, argc, (char **)argv, &sub) == &cmd_shell_entry;
}

/* Run one line: tokenize, refuse connection options (the line is neither
 * run nor kept), keep it in the history, dispatch on the session. From
 * the moment the line is read (the prompt takes ^C as a key) a first ^C
 * wakes idle, or the command's own feed while a streaming command has
 * one, instead of ending the process: a ^C typed while a line starts, or
 * while a command that does not stream runs, returns to the prompt. */
static void
run_line(const struct lt_ctx *session, struct lt_feed *idle, History *h,
    const char *hpath, const char *line, int *quit)
{
	Tokenizer *tok = tok_init(NULL);
	const char **argv = NULL;
	const struct lt_opt *o = NULL;
	int argc = 0, bad;
	bool near = false;

	lt_sig_set_feed(idle);	/* first, before the line's own work */
	bad = tok_str(tok, line, &argc, &argv) != 0;
	if (!bad && (o = line_conn_option(argc, argv, &near)) != NULL)
		fprintf(stderr, "latticectl: shell: %s--%s sets up the "
		    "connection, which the shell opened at start: line not run "
		    "and not kept (leave and run 'latticectl --%s ... shell')\n",
		    near ? "unknown option, close to " : "", o->name, o->name);
	else
		history_add(h, hpath, line);
	if (bad) {
		fprintf(stderr, "latticectl: shell: unmatched quote\n");
	} else if (o == NULL && argc > 0 && (!strcmp(argv[0], "exit") ||
	    !strcmp(argv[0], "quit"))) {
		*quit = 1;
	} else if (o == NULL && argc == 1 && !strcmp(argv[0], "clear")) {
		clear_screen();
	} else if (o == NULL && is_shell(argc, argv)) {
		fprintf(stderr, "latticectl: shell: already in the shell: "
		    "'shell' does not nest (exit leaves this one)\n");
	} else if (o == NULL && argc > 0) {
		(void)lt_dispatch(argc, (char **)argv, session);
		fflush(stdout);
	}
	lt_sig_set_feed(NULL);	/* at the prompt a signal ends the shell */
	lt_feed_clear_wake(idle);
	lt_sig_reset();
	tok_end(tok);
}

static EditLine *
shell_editline(History *h, struct shell *sh)
{
	EditLine *el = el_init("latticectl", stdin, stdout, stderr);

	el_set(el, EL_CLIENTDATA, sh);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_PROMPT, prompt);
	el_set(el, EL_HIST, history, h);
	el_set(el, EL_SIGNAL, 1);
	/* At the prompt ^C clears the line instead of raising SIGINT, which
	 * the signal thread would take as "end the process". */
	el_set(el, EL_SETTY, "-d", "-isig", NULL);
	el_set(el, EL_BIND, "^C", "em-kill-line", NULL);
	/* ^R searches the history back as each character is typed. */
	el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL);
	/* The wide call keeps these (static) strings; el_set would copy
	 * them and never free the copies (a libedit leak ASan reports). */
	el_wset(el, EL_ADDFN, L"lt-complete", L"complete a latticectl word",
	    el_complete);
	el_set(el, EL_BIND, "^I", "lt-complete", NULL);
	el_source(el, NULL);
	return el;
}

static int
run_shell(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	bool use_hist = !((const struct shell_opts *)ctx->opts)->no_history;
	char *hpath = use_hist ? lt_state_path("history") : NULL;
	History *h = history_init();
	struct shell sh = { { 0 } };
	struct lt_feed *idle = lt_feed_create(1);
	HistEvent ev;
	EditLine *el;
	const char *line;
	int n, quit = 0;

	(void)argc;
	(void)argv;
	if (lt_ctx_connect(ctx, err) < 0)
		fprintf(stderr, "latticectl: shell: %s (each command will "
		    "connect on its own)\n", err->msg);
	history(h, &ev, H_SETSIZE, HISTORY_SIZE);
	history(h, &ev, H_SETUNIQUE, 1);
	if (hpath)
		history(h, &ev, H_LOAD, hpath);
	sh.vs.cmds = lt_commands;
	sh.vs.conn = ctx->conn;
	sh.vs.lattice = lt_config_get(ctx->cfg, LT_S_LATTICE);
	sh.vs.ctl_prefix = lt_config_get(ctx->cfg, LT_S_CTL_PREFIX);
	sh.vs.timeout_ns = lt_values_timeout();
	sh.vs.ttl_ns = NAMES_TTL_NS;
	el = shell_editline(h, &sh);
	while (!quit && (line = el_gets(el, &n)) != NULL && n > 0)
		if (line[strspn(line, " \t\r\n")] != '\0')
			run_line(ctx, idle, h, hpath, line, &quit);
	if (!quit && isatty(STDIN_FILENO))
		fputc('\n', stdout);
	el_end(el);
	history_end(h);
	lt_values_release(&sh.vs);
	lt_feed_destroy(idle);
	free(hpath);
	return 0;
}

const struct lt_cmd cmd_shell_entry = {
	.name = "shell",
	.summary = "interactive prompt: run commands on one connection",
	.usage = "[--no-history]",
	.description = "Reads command lines (without 'latticectl'), runs them "
	    "on one shared connection.\nTab completes commands, options and "
	    "values (host ids, apps, configs, buckets,\nkeys: asked of the "
	    "lattice); ^R searches the history; 'clear' clears the screen.\n"
	    "^C stops the running command, ^D or 'exit' leaves; 'shell' does "
	    "not nest.\nHistory: $XDG_STATE_HOME/latticectl/history (no "
	    "secrets).\nConnection options (-s, --context, credentials, TLS) "
	    "are given to\n'latticectl ... shell'; a line with one is "
	    "refused.",
	.opts = shell_opts,
	LT_CMD_OPTS(struct shell_opts, NULL),
	.max_args = 0,
	.run = run_shell,
};
