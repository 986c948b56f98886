/* complete.h: what the word being completed can be, shared by
 * 'latticectl __complete' (the shell scripts) and the shell's Tab. */
#ifndef LATTICECTL_COMPLETE_H
#define LATTICECTL_COMPLETE_H

#include "latticectl/command.h"
#include "latticectl/values.h"

/* What the words typed so far name: a command, a subcommand, how many
 * positional words there were, the option whose value comes next (the
 * last word), the lattice and bucket given, and the global options with
 * their values (when glob is not NULL: room for two per word). */
struct lt_complete_line {
	const struct lt_cmd *cmd, *sub;
	int npos;
	const char *arg1;		/* the word after the command */
	const struct lt_opt *pending;
	const char *lattice, *bucket;
	char **glob;
	int nglob;
};

/* Parse argv (words without the program name) against the command table
 * cmds into l. */
void lt_complete_parse(struct lt_complete_line *l,
    const struct lt_cmd *const *cmds, int argc, char **argv, char **glob);
/* The option a word names: the (sub)command's own, else a global one. */
const struct lt_opt *lt_complete_word_opt(const struct lt_complete_line *l,
    const char *word);
/* An option with choices named name in any command's table (and its
 * subcommands'), or NULL. */
const struct lt_opt *lt_complete_any_opt(const struct lt_cmd *const *table,
    const char *name);

/* Append to out the candidates for cur, the word being completed after
 * argv (the words typed before it, without the program name): command
 * and subcommand names, options (cur starts with '-'; "--opt=" completes
 * the option's value), an option's value, or the command's next argument
 * (lt_values_of_args), commands from vs->cmds. -x/--lattice and --bucket
 * typed on the line are used for live names. Returns where the candidates came from:
 * LT_VALUES_FILES when cur takes file names (out then stays empty). */
enum lt_values_src lt_complete_word(struct lt_values *vs, int argc,
    char **argv, const char *cur, struct lt_words *out);

/* The command of table cmds argv names (after global options and their
 * values), and its subcommand, or NULL. */
const struct lt_cmd *lt_complete_cmd(const struct lt_cmd *const *cmds,
    int argc, char **argv, const struct lt_cmd **sub);

#endif
