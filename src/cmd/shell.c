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
#include "latticectl/buf.h"
#include "latticectl/conn.h"
#include "latticectl/ctl.h"
#include "latticectl/feed.h"
#include "latticectl/file.h"
#include "latticectl/kv.h"
#include "latticectl/redact.h"
#include "latticectl/sig.h"
#include "latticectl/text.h"
#include "latticectl/util.h"
#include "banned.h"

#define HISTORY_SIZE 1000

static const struct lt_opt shell_opts[] = {
	{ "no-history", 0, 0, NULL, "do not read or write the history file",
	    NULL },
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

/* Completion candidates --------------------------------------------------*/

#define PING_WINDOW_NS (300 * 1000000LL)	/* live host ids: quick ping */

/* What completion needs from the running shell (EL_CLIENTDATA). */
struct shell {
	struct lt_ctx *ctx;
	struct lt_ctl_hosts hosts;	/* host ids seen by the last ping */
	bool pinged;
	struct lt_kv_info *buckets;	/* kv: bucket names, listed once */
	size_t nbuckets;
	bool listed;
	struct lt_snapshot keys;	/* kv: keys of keys.bucket, read once */
};

struct cands {
	const char *prefix;
	size_t plen;
	const char *v[512];
	int n;
};

/* A live value (a host id, a key) holding something a terminal would
 * obey is not offered: it would be listed and typed in raw. */
static void
cand_add(struct cands *c, const char *word)
{
	if (c->n < (int)(sizeof(c->v) / sizeof(c->v[0])) &&
	    !strncmp(word, c->prefix, c->plen) &&
	    lt_text_is_safe(word, strlen(word)))
		c->v[c->n++] = word;
}

static void
cand_cmds(struct cands *c, const struct lt_cmd *const *table)
{
	for (; table && *table; table++)
		if (!((*table)->flags & LT_CMD_HIDDEN))
			cand_add(c, (*table)->name);
}

/* Option names are matched with their dashes stripped from the prefix. */
static void
cand_opts(struct cands *c, const struct lt_opt *o)
{
	for (; o && o->name; o++)
		if (!(o->flags & LT_OPT_HIDDEN))
			cand_add(c, o->name);
}

static const struct lt_opt *
find_opt(const struct lt_cmd *cmd, const char *word)
{
	const struct lt_opt *o = cmd ? lt_opt_find_word(cmd->opts, word) : NULL;

	return o ? o : lt_opt_find_word(lt_global_opts, word);
}

/* Fill c for the words before the cursor (the last one being completed).
 * Returns the number of leading characters of the current word that are
 * not part of the candidates ("--" for options). */
/* Live values: the ids of the hosts that answer a short ping on the
 * shell's connection, asked once per shell. */
static void
cand_hosts(struct cands *c, struct shell *sh)
{
	struct lt_error err = LT_ERROR_INIT;
	struct lt_ctl ctl;

	if (!sh || !sh->ctx->conn)
		return;
	if (!sh->pinged) {
		lt_ctl_init(&ctl, sh->ctx->conn,
		    lt_config_get(sh->ctx->cfg, LT_S_CTL_PREFIX),
		    lt_config_get(sh->ctx->cfg, LT_S_LATTICE));
		ctl.gather_ns = PING_WINDOW_NS;
		sh->pinged = lt_ctl_ping(&ctl, &sh->hosts, &err) == 0;
	}
	for (size_t i = 0; sh->pinged && i < sh->hosts.n; i++)
		cand_add(c, sh->hosts.v[i].id);
}

/* Live values for kv: the server's bucket names, and the keys of one
 * bucket (read once per bucket, without values). */
static void
cand_buckets(struct cands *c, struct shell *sh)
{
	struct lt_error err = LT_ERROR_INIT;

	if (!sh || !sh->ctx->conn)
		return;
	if (!sh->listed)
		sh->listed = lt_kv_buckets(sh->ctx->conn, &sh->buckets,
		    &sh->nbuckets, &err) == 0;
	for (size_t i = 0; i < sh->nbuckets; i++)
		cand_add(c, sh->buckets[i].bucket);
}

static void
cand_keys(struct cands *c, struct shell *sh, const char *bucket)
{
	struct lt_kv_walk walk = { 0, 0, true, NULL, NULL };
	struct lt_error err = LT_ERROR_INIT;
	struct lt_kv *kv = NULL;
	char def[160];

	if (!sh || !sh->ctx->conn)
		return;
	if (bucket == NULL) {
		snprintf(def, sizeof(def), "CONFIGDATA_%s",
		    lt_config_get(sh->ctx->cfg, LT_S_LATTICE));
		bucket = def;
	}
	if (!sh->keys.bucket || strcmp(sh->keys.bucket, bucket)) {
		lt_snapshot_release(&sh->keys);
		if (lt_kv_open(&kv, sh->ctx->conn, bucket, NULL, &err) == 0)
			lt_kv_snapshot(kv, &walk, &sh->keys, &err);
		lt_kv_close(kv);
		if (!sh->keys.bucket)
			sh->keys.bucket = lt_xstrdup(bucket);
	}
	for (size_t i = 0; i < sh->keys.n; i++)
		if (sh->keys.v[i].op == LT_KV_PUT)
			cand_add(c, sh->keys.v[i].key);
}

/* Positional values: host ids for inventory, buckets for kv ls, keys for
 * kv get and kv history. */
static void
cand_positional(struct cands *c, const struct lt_cmd *cmd,
    const struct lt_cmd *sub, int npos, const char *bucket, struct shell *sh)
{
	if (npos != 0)
		return;
	if (!strcmp(cmd->name, "inventory"))
		cand_hosts(c, sh);
	else if (sub && !strcmp(cmd->name, "kv") && !strcmp(sub->name, "ls"))
		cand_buckets(c, sh);
	else if (sub && !strcmp(cmd->name, "kv") && (!strcmp(sub->name, "get")
	    || !strcmp(sub->name, "history")))
		cand_keys(c, sh, bucket);
}

static size_t
complete_words(struct cands *c, int argc, const char *const *argv,
    const char *cur, struct shell *sh)
{
	const char *bucket = NULL;
	const struct lt_cmd *cmd = NULL, *sub = NULL;
	const struct lt_opt *prev = NULL;
	int i, npos = 0;

	for (i = 0; i < argc; i++) {
		const struct lt_cmd *t = NULL;

		if (argv[i][0] == '-') {
			prev = find_opt(sub ? sub : cmd, argv[i]);
			if (prev && !(prev->flags & LT_OPT_ARG))
				prev = NULL;
			continue;
		}
		if (prev) {
			if (!strcmp(prev->name, "bucket"))
				bucket = argv[i];
			prev = NULL;
			continue;
		}
		if (!cmd)
			cmd = lt_cmd_find(lt_commands, argv[i]);
		else if (!sub && (t = lt_cmd_find(cmd->subcmds, argv[i])))
			sub = t;
		else
			npos++;
	}
	c->prefix = cur;
	c->plen = strlen(cur);
	if (prev && !strcmp(prev->name, "bucket")) {
		cand_buckets(c, sh);
		return 0;
	}
	if (prev && prev->choices) {
		for (const char *const *v = prev->choices; *v; v++)
			cand_add(c, *v);
		return 0;
	}
	if (!strncmp(cur, "--", 2)) {
		c->prefix = cur + 2;
		c->plen -= 2;
		cand_opts(c, (sub ? sub : cmd) ? (sub ? sub : cmd)->opts : NULL);
		cand_opts(c, lt_global_opts);
		return 2;
	}
	if (!cmd)
		cand_cmds(c, lt_commands);
	else if (!sub && cmd->subcmds)
		cand_cmds(c, cmd->subcmds);
	else
		cand_positional(c, cmd, sub, npos, bucket, sh);
	return 0;
}

/* Longest common prefix length of the candidates. */
static size_t
common_len(const struct cands *c)
{
	size_t n = strlen(c->v[0]);

	for (int i = 1; i < c->n; i++) {
		size_t k = 0;

		while (k < n && c->v[i][k] == c->v[0][k])
			k++;
		n = k;
	}
	return n;
}

static unsigned char
el_complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	Tokenizer *tok = tok_init(NULL);
	const char **argv = NULL;
	const char *cur = "";
	struct cands c = { 0 };
	int argc = 0, cc = -1, co = 0;
	size_t skip, len;
	unsigned char ret = CC_REFRESH;
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
	skip = complete_words(&c, argc, argv, cur, sh);
	if (c.n == 0) {
		ret = CC_ERROR;
	} else {
		len = common_len(&c);
		if (len > c.plen) {
			char *ins = lt_xmalloc(len - c.plen + 2);

			memcpy(ins, c.v[0] + c.plen, len - c.plen);
			ins[len - c.plen] = c.n == 1 ? ' ' : '\0';
			ins[len - c.plen + 1] = '\0';
			el_insertstr(el, ins);
			free(ins);
		} else if (c.n > 1) {
			fputc('\n', stdout);
			for (int i = 0; i < c.n; i++)
				printf("%s%s%s", skip ? "--" : "", c.v[i],
				    i + 1 < c.n ? "  " : "\n");
			ret = CC_REDISPLAY;
		} else {
			el_insertstr(el, " ");
		}
	}
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
	bool use_hist = !lt_args_has(ctx->args, "no-history");
	char *hpath = use_hist ? lt_state_path("history") : NULL;
	History *h = history_init();
	struct shell sh = { .ctx = ctx };
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
	el = shell_editline(h, &sh);
	while (!quit && (line = el_gets(el, &n)) != NULL && n > 0)
		if (line[strspn(line, " \t\r\n")] != '\0')
			run_line(ctx, idle, h, hpath, line, &quit);
	if (!quit && isatty(STDIN_FILENO))
		fputc('\n', stdout);
	el_end(el);
	history_end(h);
	if (sh.pinged)
		lt_ctl_hosts_release(&sh.hosts);
	free(sh.buckets);
	lt_snapshot_release(&sh.keys);
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
	    "values; ^C stops the running command,\n^D or 'exit' leaves. "
	    "History: $XDG_STATE_HOME/latticectl/history (no secrets).\n"
	    "Connection options (-s, --context, credentials, TLS) are given "
	    "to\n'latticectl ... shell'; a line with one is refused.",
	.opts = shell_opts,
	.max_args = 0,
	.run = run_shell,
};
