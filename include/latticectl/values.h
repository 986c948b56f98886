/* values.h: the values a word of a command line can take, for completion
 * ('latticectl __complete args' and the shell's Tab): enum choices, event
 * types, --for KIND/ID, command names, natscli context names, and names
 * asked of the lattice (host ids and friendly names, app names, config
 * names, KV bucket and key names), read-only and within one short
 * deadline. Nothing here prints; a source that fails or does not answer
 * in time gives nothing. A name from the wire or a file is offered only
 * when it is a plain word (lt_values_plain), so a hostile name can neither
 * break a completion script nor reach a command line; values are never
 * read (KV walks ask for keys only, contexts are listed by file name). */
#ifndef LATTICECTL_VALUES_H
#define LATTICECTL_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "latticectl/command.h"

/* How long completion waits for the lattice: the connect (__complete) and
 * then every live source of one word together. LATTICECTL_COMPLETE_TIMEOUT
 * (a duration up to 30s) replaces it; lt_values_timeout says which. */
#define LT_VALUES_TIMEOUT_NS (1000 * 1000000LL)
int64_t lt_values_timeout(void);

/* A list of owned strings. */
struct lt_words {
	char **v;
	size_t n, alloc;
};

#define LT_WORDS_INIT { NULL, 0, 0 }

void lt_words_add(struct lt_words *w, const char *s);
void lt_words_release(struct lt_words *w);

struct lt_values_cached;

/* Where live names come from. The strings are borrowed. */
struct lt_values {
	const struct lt_cmd *const *cmds;	/* the command table (command
						 * names, lt_complete_word) */
	struct lt_conn *conn;		/* NULL: no live names */
	const char *lattice;
	const char *ctl_prefix;
	int64_t timeout_ns;		/* the deadline of one word */
	int64_t ttl_ns;			/* keep names this long (the shell);
					 * 0: ask every time */
	struct lt_values_cached *cache;
	size_t ncache;
};

/* Forget the cached names. */
void lt_values_release(struct lt_values *vs);

/* A word any shell takes as it is: letters, digits and . _ / @ + = -,
 * starting with a letter, a digit or '_', at most 255 bytes. */
bool lt_values_plain(const char *s);

/* Append to out the values of src that start with word: for
 * LT_VALUES_TYPES the last element of a comma list is completed (the
 * elements before and a '!' are kept); for LT_VALUES_FOR "KIND/" stems,
 * then the ids of that kind after its '/'. bucket is --bucket for keys
 * (NULL: CONFIGDATA_{L}); choices the option's enum values. */
void lt_values_add(struct lt_values *vs, enum lt_values_src src,
    const char *const *choices, const char *bucket, const char *word,
    struct lt_words *out);

/* The source of an option's value, and of a command's arguments. */
enum lt_values_src lt_values_of_opt(const struct lt_opt *o);
enum lt_values_src lt_values_of_args(const struct lt_cmd *c);

/* Whether src asks the lattice for word (a connection is worth
 * opening). */
bool lt_values_live(enum lt_values_src src, const char *word);

#endif
