/* file.h: the one set of rules for every file latticectl writes (kv
 * snapshot -f, report -f, each --record):
 *  - "-" is standard output;
 *  - a symbolic link is never followed (O_NOFOLLOW): refused;
 *  - an existing FIFO or character device (/dev/null, /dev/full) is
 *    written in place, never replaced; a directory, socket or block device
 *    is refused;
 *  - an existing regular file is refused unless LT_FILE_FORCE, and then
 *    replaced through a temporary file renamed over it that keeps its
 *    mode (recordings never pass it: they refuse);
 *  - a new file is created 0600 with LT_FILE_SECRET (it may hold secrets:
 *    written with --show-secrets), else 0666 less the umask; a recording
 *    is created in place with O_EXCL, anything else through a temporary
 *    file, so an interrupted write leaves nothing under the final name. */
#ifndef LATTICECTL_FILE_H
#define LATTICECTL_FILE_H

#include <stdbool.h>
#include <stdio.h>

#include "latticectl/error.h"

enum lt_file_flags {
	LT_FILE_FORCE = 1 << 0,		/* replace an existing regular file */
	LT_FILE_SECRET = 1 << 1,	/* may hold secrets: create 0600 */
	LT_FILE_STREAM = 1 << 2,	/* written as it goes: no temporary */
};

struct lt_file {
	FILE *fp;		/* where to write */
	char *path;		/* as given (owned) */
	char *tmp;		/* renamed to path by lt_file_close, or NULL */
	bool is_stdout;		/* "-": fp is stdout, flushed, never closed */
	bool replace;		/* tmp replaces an existing file */
};

#define LT_FILE_INIT { NULL, NULL, NULL, false, false }

/* Open path for writing by the rules above. LT_E_RUNTIME, naming the path
 * and what is wrong with it, when it is refused or cannot be created. */
int lt_file_open(struct lt_file *f, const char *path, unsigned flags,
    struct lt_error *err);
/* Flush and close f (stdout: flush only), then move a temporary file into
 * place. On a write error, -1 with err set (LT_E_RUNTIME; errno kept, so
 * EPIPE can be told apart) and the temporary file removed. */
int lt_file_close(struct lt_file *f, struct lt_error *err);
/* Close f and remove its temporary file: nothing is written to path. */
void lt_file_abort(struct lt_file *f);
#endif
