/* test-opt.c: finding options by long name and by command-line word
 * ("--name", "-c"), as the shell and __complete do, and binding options
 * into a command's options struct (lt_opts_bind). */
#include <stdio.h>
#include <string.h>

#include "latticectl/opt.h"
#include "tap.h"

static const char *const fmts[] = { "text", "json", NULL };
static const struct lt_opt table[] = {
	{ "count", 'n', LT_OPT_ARG, "N", "stop after N", NULL },
	{ "output", 'o', LT_OPT_ARG, "FMT", "format", fmts },
	{ "verbose", 'v', 0, NULL, "more", NULL },
	LT_OPT_END,
};

static void
test_find(void)
{
	ok(lt_opt_find(table, "count") == &table[0], "find by name");
	ok(lt_opt_find(table, "nope") == NULL, "unknown name");
	ok(lt_opt_find(NULL, "count") == NULL, "NULL table");
	ok(lt_opt_find_word(table, "--output") == &table[1], "word --output");
	ok(lt_opt_find_word(table, "-o") == &table[1], "word -o");
	ok(lt_opt_find_word(table, "-v") == &table[2], "word -v");
	ok(lt_opt_find_word(table, "--output=json") == NULL, "word with =value");
	ok(lt_opt_find_word(table, "-ov") == NULL, "bundled short options");
	ok(lt_opt_find_word(table, "-") == NULL, "a lone dash");
	ok(lt_opt_find_word(table, "output") == NULL, "not an option word");
	ok(lt_opt_find_word(table, "-x") == NULL, "unknown short option");
	ok(lt_opt_find_word(NULL, "-o") == NULL, "NULL table for a word");
}

/* An unknown option names the nearest one, never the word after it. */
static void
test_unknown(void)
{
	struct lt_args args = LT_ARGS_INIT;
	struct lt_error err = LT_ERROR_INIT;
	char *argv[] = { "--cuont", "SECRET", NULL };

	ok(lt_opt_nearest(table, "verbse", 0) == &table[2], "nearest: 1 edit");
	ok(lt_opt_nearest(table, "verbse", LT_OPT_ARG) == NULL,
	    "nearest: flags must match");
	ok(lt_opt_nearest(table, "xyzzy", 0) == NULL, "nearest: too far");
	ok(lt_args_parse(&args, table, NULL, 2, argv, &err) < 0,
	    "--cuont is refused");
	is_str(err.msg, "unknown option '--cuont' (did you mean '--count'?)",
	    "the hint, without the next word");
	lt_args_release(&args);
}

/* A command's options struct and its bound table. */
struct bound {
	bool all;
	int verbose, fmt;
	const char *file;
	struct lt_optv grep;
	int64_t wait_ns;
	uint64_t count;
};

static const struct lt_opt bound_table[] = {
	{ "all", 'a', 0, NULL, "all", NULL, LT_TO_FLAG(struct bound, all) },
	{ "verbose", 'v', 0, NULL, "more", NULL,
	    LT_TO_COUNT(struct bound, verbose) },
	{ "format", 0, LT_OPT_ARG, "FMT", "format", fmts,
	    LT_TO_ENUM(struct bound, fmt) },
	{ "file", 'f', LT_OPT_ARG, "FILE", "file", NULL,
	    LT_TO_STR(struct bound, file) },
	{ "grep", 0, LT_OPT_ARG | LT_OPT_MULTI, "RE", "grep", NULL,
	    LT_TO_LIST(struct bound, grep) },
	{ "wait", 0, LT_OPT_ARG, "DUR", "wait", NULL,
	    LT_TO_DURATION(struct bound, wait_ns) },
	{ "count", 'n', LT_OPT_ARG, "N", "count", NULL,
	    LT_TO_UINT(struct bound, count, 100) },
	{ "loose", 0, LT_OPT_ARG, "X", "not bound", NULL },
	LT_OPT_END,
};

/* Bind argv (n words) into *b, which starts from the defaults; the
 * status of lt_opts_bind, err holding its message. */
static int
bind(int n, char **argv, struct bound *b, struct lt_error *err)
{
	struct lt_args args = LT_ARGS_INIT;
	int rc;

	memset(b, 0, sizeof(*b));
	b->fmt = -1;
	b->wait_ns = LT_OPT_UNSET_NS;
	b->count = 7;
	rc = lt_args_parse(&args, bound_table, NULL, n, argv, err);
	if (rc == 0)
		rc = lt_opts_bind(bound_table, &args, b, err);
	lt_args_release(&args);
	return rc;
}

static void
test_bind(void)
{
	struct lt_error err = LT_ERROR_INIT;
	struct bound b;
	char *none[] = { NULL };
	char *all[] = { "-avv", "--format=json", "-f", "x.ndjson", "--grep",
	    "a", "--wait", "2s", "--grep=b", "-n", "100", "--wait", "1s",
	    "--loose", "l", NULL };
	int i, ok_tables = 1;

	ok(bind(0, none, &b, &err) == 0, "nothing given binds");
	ok(!b.all && b.verbose == 0 && b.fmt == -1 && b.file == NULL &&
	    b.grep.n == 0 && b.grep.v == NULL && b.wait_ns == LT_OPT_UNSET_NS &&
	    b.count == 7, "absent options keep the defaults");
	ok(bind(15, all, &b, &err) == 0, "every kind binds");
	ok(b.all, "flag");
	is_int(b.verbose, 2, "count of a repeated flag");
	is_int(b.fmt, 1, "enum: the index of the choice");
	is_str(b.file, "x.ndjson", "string");
	is_int(b.grep.n, 2, "list: both values");
	is_str(b.grep.v[0], "a", "list: first in order");
	is_str(b.grep.v[1], "b", "list: second in order");
	ok(b.wait_ns == 1000000000LL, "duration: the last one given");
	ok(b.count == 100, "uint at its max");
	lt_opts_release(bound_table, &b);
	ok(b.grep.v == NULL && b.grep.n == 0, "release frees the list");

	{
		char *bad[] = { "--wait", "soon", NULL };

		ok(bind(2, bad, &b, &err) < 0, "a bad duration is refused");
		is_int(err.code, LT_E_USAGE, "... as a usage error");
		ok(strstr(err.msg, "--wait") != NULL, "... naming the option: "
		    "%s", err.msg);
	}
	{
		char *bad[] = { "-n", "101", NULL };

		lt_error_clear(&err);
		ok(bind(2, bad, &b, &err) < 0 && err.code == LT_E_USAGE &&
		    strstr(err.msg, "--count"), "a uint past max: %s", err.msg);
	}
	{
		char *bad[] = { "--format", "yaml", NULL };

		lt_error_clear(&err);
		ok(bind(2, bad, &b, &err) < 0 && err.code == LT_E_USAGE &&
		    strstr(err.msg, "--format"), "an unknown choice: %s",
		    err.msg);
	}
	{
		/* only the last value counts, as lt_args_get */
		char *twice[] = { "--wait", "soon", "--wait", "3s", NULL };

		ok(bind(4, twice, &b, &err) == 0 && b.wait_ns == 3000000000LL,
		    "an overridden bad value is not an error");
	}
	for (i = 0; bound_table[i].name; i++)
		ok_tables &= lt_opt_bind_ok(&bound_table[i]);
	ok(ok_tables, "every row's binding fits its flags");
}

/* A binding that does not fit its row is a table bug, found on the
 * first use of the command. */
static void
test_bind_bad_table(void)
{
	static const struct lt_opt flag_as_str[] = {
		{ "all", 0, 0, NULL, "all", NULL, LT_TO_STR(struct bound, file) },
		LT_OPT_END,
	};
	static const struct lt_opt enum_no_choices[] = {
		{ "fmt", 0, LT_OPT_ARG, "F", "f", NULL,
		    LT_TO_ENUM(struct bound, fmt) },
		LT_OPT_END,
	};
	struct lt_args args = LT_ARGS_INIT;
	struct lt_error err = LT_ERROR_INIT;
	struct bound b;

	memset(&b, 0, sizeof(b));
	ok(!lt_opt_bind_ok(&flag_as_str[0]), "a flag bound to a string");
	ok(!lt_opt_bind_ok(&enum_no_choices[0]), "an enum without choices");
	ok(lt_opts_bind(flag_as_str, &args, &b, &err) < 0 &&
	    err.code == LT_E_RUNTIME, "binding refuses such a table: %s",
	    err.msg);
	lt_error_clear(&err);
	ok(lt_opts_bind(table, &args, NULL, &err) == 0,
	    "an unbound table needs no struct");
}

int
main(void)
{
	test_find();
	test_unknown();
	test_bind();
	test_bind_bad_table();
	done_testing();
	return 0;
}
