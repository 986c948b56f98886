/* test-opt.c: finding options by long name and by command-line word
 * ("--name", "-c"), as the shell and __complete do. */
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

int
main(void)
{
	test_find();
	test_unknown();
	done_testing();
	return 0;
}
