/* help.c: 'latticectl help [CMD [SUB]]' opens the manual page with man(1);
 * when man or the page is missing it prints the --help text instead. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "banned.h"

/* Run man(1) with args; quiet: output to /dev/null. Returns man's exit
 * status, or -1 when it could not run. */
static int
run_man(const char *a1, const char *a2, int quiet)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (quiet) {
			int fd = open("/dev/null", O_WRONLY);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execlp("man", "man", a1, a2, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 127 ? -1 : WEXITSTATUS(status);
}

static int
run_help(struct lt_ctx *ctx, int argc, char **argv, struct lt_error *err)
{
	const struct lt_cmd *cmd = NULL;
	char page[96];
	char *fb[4];
	int n = 0;

	if (argc > 0 && !(cmd = lt_cmd_find(lt_commands, argv[0]))) {
		lt_error_set(err, LT_E_USAGE, "'%s' is not a latticectl "
		    "command", argv[0]);
		return LT_E_USAGE;
	}
	if (argc > 1 && !lt_cmd_find(cmd->subcmds, argv[1])) {
		lt_error_set(err, LT_E_USAGE, "%s: unknown command '%s'",
		    cmd->name, argv[1]);
		return LT_E_USAGE;
	}
	/* Subcommands share their group's page. */
	snprintf(page, sizeof(page), cmd ? "latticectl-%s" : "latticectl",
	    cmd ? cmd->name : "");
	if (run_man("-w", page, 1) == 0 && run_man(page, NULL, 0) == 0)
		return 0;
	for (int i = 0; i < argc; i++)
		fb[n++] = argv[i];
	fb[n++] = "--help";
	fb[n] = NULL;
	return lt_dispatch(n, fb, NULL);	/* --help: no connection */
}

const struct lt_cmd cmd_help_entry = {
	.name = "help",
	.summary = "show a command's manual page (or its --help text)",
	.usage = "[command [subcommand]]",
	.flags = LT_CMD_NO_LATTICE,	/* never uses it */
	.max_args = 2,
	.arg_values = LT_VALUES_COMMANDS,
	.run = run_help,
};
