/* cmd.h: the command table (every file in src/cmd exports its entries;
 * their type and the context main.c hands to check and run are in
 * latticectl/command.h) and the dispatcher's services to commands. */
#ifndef LATTICECTL_CMD_H
#define LATTICECTL_CMD_H

#include "latticectl/command.h"

/* Keep sorted; main.c's table follows this list. */
extern const struct lt_cmd cmd_app_entry;
extern const struct lt_cmd cmd_complete_entry;
extern const struct lt_cmd cmd_config_entry;
extern const struct lt_cmd cmd_diagnose_entry;
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
