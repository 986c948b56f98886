/* sig.h: SIGINT/SIGTERM handling for streaming commands. The first signal
 * wakes the registered feed so the command drains and exits 0; the second
 * ends the process at once with status 130 (docs/architecture.md, Errors
 * and exit codes). Records are flushed one by one, so a recording is valid
 * either way. */
#ifndef LATTICECTL_SIG_H
#define LATTICECTL_SIG_H

struct lt_feed;

/* Block SIGINT and SIGTERM in every thread (call before any other thread
 * starts) and start the thread that waits for them. */
void lt_sig_init(void);
/* Feed to wake on the first signal; NULL: a signal ends the process with
 * status 130 at once. */
void lt_sig_set_feed(struct lt_feed *feed);
/* Signals received so far. */
int lt_sig_count(void);
/* Forget earlier signals (the shell, between commands). */
void lt_sig_reset(void);

#endif
