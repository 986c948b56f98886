/* complete.h: what the word being completed can be, shared by
 * 'latticectl __complete' (the shell scripts) and the shell's Tab. */
#ifndef LATTICECTL_CMD_COMPLETE_H
#define LATTICECTL_CMD_COMPLETE_H

#include "cmd.h"
#include "values.h"

/* Append to out the candidates for cur, the word being completed after
 * argv (the words typed before it, without the program name): command
 * and subcommand names, options (cur starts with '-'; "--opt=" completes
 * the option's value), an option's value, or the command's next argument
 * (lt_values_of_args). -x/--lattice and --bucket typed on the line are
 * used for live names. Returns where the candidates came from:
 * LT_VALUES_FILES when cur takes file names (out then stays empty). */
enum lt_values_src lt_complete_word(struct lt_values *vs, int argc,
    char **argv, const char *cur, struct lt_words *out);

/* The command argv names (after global options and their values), and
 * its subcommand, or NULL. */
const struct lt_cmd *lt_complete_cmd(int argc, char **argv,
    const struct lt_cmd **sub);

#endif
